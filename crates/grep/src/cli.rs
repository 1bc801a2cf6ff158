//! The command line of pgrep-lite: one clap definition that feeds parsing,
//! `--help`, the man page and the shell completions.
//!
//! Flag names and meanings are ripgrep's, so that muscle memory and scripts
//! carry over. Where ripgrep lets the last of two opposite flags win
//! (`--heading`/`--no-heading`, `-i`/`-s`/`-S`, `-c`/`-l`/`--json`), the
//! definition says so with `overrides_with`, so that clap resolves it.
//! The first positional argument is the pattern unless `-e` or `-f` gave one;
//! that decision needs the parsed values and is made in [`crate::config`].

use std::ffi::OsString;
use std::path::PathBuf;

use std::time::Duration;

use clap::{ArgAction, Parser, Subcommand, ValueEnum};

/// When to use colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when standard output is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour (ANSI escapes).
    Always,
    /// Same as always.
    Ansi,
    /// Never colour.
    Never,
}

/// How to order the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortBy {
    /// No order: results as they are found (fastest).
    None,
    /// By file path. Unlike ripgrep, this still searches in parallel.
    Path,
}

pub use workdist::cli::Generate;

const MODES: [&str; 7] = [
    "count",
    "count_matches",
    "files_with_matches",
    "files_without_match",
    "json",
    "files",
    "type_list",
];

/// pgrep-lite searches a tree of files for lines matching a regular
/// expression, like ripgrep: it honours .gitignore, .ignore and .rgignore
/// files, skips hidden and binary files, and searches in parallel.
///
/// With no PATH it searches standard input when that is a pipe or a file,
/// and the current directory otherwise.
///
/// Exit status: 0 if a line matched, 1 if none did, 2 on an error (even if
/// something matched, unless -q was given).
#[derive(Debug, Parser)]
#[command(
    name = "pgrep-lite",
    version,
    about = "Search a source tree for a pattern, ripgrep-style",
    override_usage = "pgrep-lite [OPTIONS] PATTERN [PATH ...]\n       \
                      pgrep-lite [OPTIONS] -e PATTERN ... [PATH ...]\n       \
                      pgrep-lite [OPTIONS] -f PATTERNFILE ... [PATH ...]\n       \
                      pgrep-lite [OPTIONS] --files [PATH ...]\n       \
                      pgrep-lite [OPTIONS] --type-list",
    max_term_width = 100,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// `pgrep-lite daemon ...`: manage the resident daemon. (To search for
    /// the word "daemon", use `-e daemon`.)
    #[command(subcommand)]
    pub command: Option<Command>,

    /// A regular expression (the regex crate's syntax), then the files and
    /// directories to search. When -e or -f gives the pattern, every
    /// positional argument is a path. `-` is standard input.
    #[arg(value_name = "PATTERN | PATH", action = ArgAction::Append)]
    pub positional: Vec<OsString>,

    // ---------------------------------------------------------------- input
    /// A pattern to search for; repeat to search for any of several.
    #[arg(short = 'e', long = "regexp", value_name = "PATTERN", allow_hyphen_values = true, action = ArgAction::Append, help_heading = "Input")]
    pub regexp: Vec<String>,

    /// Read patterns from a file, one per line (`-` for standard input).
    #[arg(short = 'f', long = "file", value_name = "PATTERNFILE", action = ArgAction::Append, help_heading = "Input")]
    pub file: Vec<PathBuf>,

    /// Search following symbolic links (loops are detected and reported).
    #[arg(
        short = 'L',
        long,
        overrides_with = "no_follow",
        help_heading = "Input"
    )]
    pub follow: bool,
    /// Do not follow symbolic links (the default).
    #[arg(long, overrides_with = "follow", hide = true)]
    pub no_follow: bool,

    /// Search binary files as if they were text.
    #[arg(short = 'a', long, overrides_with = "binary", help_heading = "Input")]
    pub text: bool,

    /// Search binary files found by the walk too, printing only whether they
    /// match ("binary file matches").
    #[arg(long, overrides_with = "text", help_heading = "Input")]
    pub binary: bool,

    /// Treat CRLF (\r\n) as a line terminator: `$` matches before \r.
    #[arg(long, overrides_with = "no_crlf", help_heading = "Input")]
    pub crlf: bool,
    #[arg(long, overrides_with = "crlf", hide = true)]
    pub no_crlf: bool,

    // ------------------------------------------------------------- matching
    /// Treat the patterns as literal strings, not regular expressions.
    #[arg(
        short = 'F',
        long,
        overrides_with = "no_fixed_strings",
        help_heading = "Search"
    )]
    pub fixed_strings: bool,
    #[arg(long, overrides_with = "fixed_strings", hide = true)]
    pub no_fixed_strings: bool,

    /// Match case-insensitively (Unicode-aware).
    #[arg(short = 'i', long, overrides_with_all = ["case_sensitive", "smart_case"], help_heading = "Search")]
    pub ignore_case: bool,

    /// Match case-sensitively (the default).
    #[arg(short = 's', long, overrides_with_all = ["ignore_case", "smart_case"], help_heading = "Search")]
    pub case_sensitive: bool,

    /// Case-insensitive unless a pattern contains an upper-case letter.
    #[arg(short = 'S', long, overrides_with_all = ["ignore_case", "case_sensitive"], help_heading = "Search")]
    pub smart_case: bool,

    /// Only match whole words.
    #[arg(
        short = 'w',
        long,
        overrides_with = "line_regexp",
        help_heading = "Search"
    )]
    pub word_regexp: bool,

    /// Only match whole lines.
    #[arg(
        short = 'x',
        long,
        overrides_with = "word_regexp",
        help_heading = "Search"
    )]
    pub line_regexp: bool,

    /// Select the lines that do not match.
    #[arg(short = 'v', long, help_heading = "Search")]
    pub invert_match: bool,

    /// Let a match span lines; `\n` may then appear in a pattern.
    #[arg(
        short = 'U',
        long,
        overrides_with = "no_multiline",
        help_heading = "Search"
    )]
    pub multiline: bool,
    #[arg(long, overrides_with = "multiline", hide = true)]
    pub no_multiline: bool,

    /// With -U, let `.` match line terminators too.
    #[arg(long, help_heading = "Search")]
    pub multiline_dotall: bool,

    /// Stop searching a file after NUM matching lines.
    #[arg(short = 'm', long, value_name = "NUM", help_heading = "Search")]
    pub max_count: Option<u64>,

    /// Search with NUM threads (default: available cores, at most 12).
    ///
    /// NUM may be at most 256; 0 means the default.
    #[arg(short = 'j', long, value_name = "NUM", value_parser = parse_threads, help_heading = "Search")]
    pub threads: Option<usize>,

    // ------------------------------------------------------------- filtering
    /// Include or exclude files and directories matching GLOB (`!GLOB`
    /// excludes). Globs take precedence over ignore files. Repeatable.
    #[arg(short = 'g', long = "glob", value_name = "GLOB", allow_hyphen_values = true, action = ArgAction::Append, help_heading = "Filter")]
    pub glob: Vec<String>,

    /// Like -g, case-insensitively.
    #[arg(long, value_name = "GLOB", allow_hyphen_values = true, action = ArgAction::Append, help_heading = "Filter")]
    pub iglob: Vec<String>,

    /// Make every -g glob case-insensitive.
    #[arg(long, help_heading = "Filter")]
    pub glob_case_insensitive: bool,

    /// Only search files of type TYPE (see --type-list). Repeatable.
    #[arg(id = "type", short = 't', long = "type", value_name = "TYPE", action = ArgAction::Append, help_heading = "Filter")]
    pub type_: Vec<String>,

    /// Do not search files of type TYPE. Repeatable.
    #[arg(id = "type_not", short = 'T', long = "type-not", value_name = "TYPE", action = ArgAction::Append, help_heading = "Filter")]
    pub type_not: Vec<String>,

    /// Add a file type: `name:glob` or `name:include:other,types`.
    #[arg(long, value_name = "TYPESPEC", action = ArgAction::Append, help_heading = "Filter")]
    pub type_add: Vec<String>,

    /// Forget the globs of a file type.
    #[arg(long, value_name = "TYPE", action = ArgAction::Append, help_heading = "Filter")]
    pub type_clear: Vec<String>,

    /// Search hidden files and directories.
    #[arg(
        short = '.',
        long,
        overrides_with = "no_hidden",
        help_heading = "Filter"
    )]
    pub hidden: bool,
    #[arg(long, overrides_with = "hidden", hide = true)]
    pub no_hidden: bool,

    /// Ignore no ignore file (.gitignore, .ignore, .rgignore, excludes).
    #[arg(long, overrides_with = "ignore", help_heading = "Filter")]
    pub no_ignore: bool,
    #[arg(long, overrides_with = "no_ignore", hide = true)]
    pub ignore: bool,

    /// Do not honour .gitignore, .git/info/exclude or the global excludes.
    #[arg(long, help_heading = "Filter")]
    pub no_ignore_vcs: bool,

    /// Do not honour ignore files in parent directories.
    #[arg(long, help_heading = "Filter")]
    pub no_ignore_parent: bool,

    /// Do not honour .ignore and .rgignore files.
    #[arg(long, help_heading = "Filter")]
    pub no_ignore_dot: bool,

    /// Do not honour .git/info/exclude.
    #[arg(long, help_heading = "Filter")]
    pub no_ignore_exclude: bool,

    /// Do not honour the global gitignore (core.excludesFile).
    #[arg(long, help_heading = "Filter")]
    pub no_ignore_global: bool,

    /// Do not honour --ignore-file.
    #[arg(long, help_heading = "Filter")]
    pub no_ignore_files: bool,

    /// Apply .gitignore rules even outside a git repository.
    #[arg(long, help_heading = "Filter")]
    pub no_require_git: bool,

    /// An extra ignore file in gitignore syntax (lowest precedence).
    #[arg(long, value_name = "PATH", action = ArgAction::Append, help_heading = "Filter")]
    pub ignore_file: Vec<PathBuf>,

    /// Less filtering: -u is --no-ignore, -uu adds --hidden, -uuu adds
    /// --binary.
    #[arg(short = 'u', long = "unrestricted", action = ArgAction::Count, help_heading = "Filter")]
    pub unrestricted: u8,

    /// Descend at most NUM directories below each path.
    #[arg(
        short = 'd',
        long,
        visible_alias = "maxdepth",
        value_name = "NUM",
        help_heading = "Filter"
    )]
    pub max_depth: Option<usize>,

    /// Skip files larger than NUM bytes (suffixes K, M, G).
    #[arg(long, value_name = "NUM+SUFFIX?", value_parser = parse_size, help_heading = "Filter")]
    pub max_filesize: Option<u64>,

    // --------------------------------------------------------------- output
    /// Show line numbers (default on a terminal).
    #[arg(
        short = 'n',
        long,
        overrides_with = "no_line_number",
        help_heading = "Output"
    )]
    pub line_number: bool,

    /// Do not show line numbers.
    #[arg(
        short = 'N',
        long,
        overrides_with = "line_number",
        help_heading = "Output"
    )]
    pub no_line_number: bool,

    /// Show the column (1-based byte offset) of the first match.
    #[arg(long, overrides_with = "no_column", help_heading = "Output")]
    pub column: bool,
    #[arg(long, overrides_with = "column", hide = true)]
    pub no_column: bool,

    /// Show the byte offset of each line (or match, with -o).
    #[arg(short = 'b', long, help_heading = "Output")]
    pub byte_offset: bool,

    /// Group matches under each file name (default on a terminal).
    #[arg(long, overrides_with = "no_heading", help_heading = "Output")]
    pub heading: bool,

    /// Print `path:line:text` on every line (default in a pipe).
    #[arg(long, overrides_with = "heading", help_heading = "Output")]
    pub no_heading: bool,

    /// Always print the file name.
    #[arg(
        short = 'H',
        long,
        overrides_with = "no_filename",
        help_heading = "Output"
    )]
    pub with_filename: bool,

    /// Never print the file name.
    #[arg(
        short = 'I',
        long,
        overrides_with = "with_filename",
        help_heading = "Output"
    )]
    pub no_filename: bool,

    /// Print only the matched parts, each on its own line.
    #[arg(short = 'o', long, help_heading = "Output")]
    pub only_matching: bool,

    /// Replace every match with REPLACEMENT in the output (`$1`, `$name`
    /// refer to capture groups). Files are never changed.
    #[arg(
        short = 'r',
        long,
        value_name = "REPLACEMENT",
        allow_hyphen_values = true,
        help_heading = "Output"
    )]
    pub replace: Option<String>,

    /// Print every match as `path:line:column:text`, one per line.
    #[arg(long, help_heading = "Output")]
    pub vimgrep: bool,

    /// Follow each path with a NUL byte instead of `:` or a newline.
    #[arg(short = '0', long, help_heading = "Output")]
    pub null: bool,

    /// Strip leading ASCII whitespace from printed lines.
    #[arg(long, help_heading = "Output")]
    pub trim: bool,

    /// Do not print lines longer than NUM bytes (a notice instead).
    #[arg(short = 'M', long, value_name = "NUM", help_heading = "Output")]
    pub max_columns: Option<u64>,

    /// With -M, print a preview of long lines.
    #[arg(long, help_heading = "Output")]
    pub max_columns_preview: bool,

    /// Show NUM lines after each match.
    #[arg(short = 'A', long, value_name = "NUM", help_heading = "Output")]
    pub after_context: Option<usize>,

    /// Show NUM lines before each match.
    #[arg(short = 'B', long, value_name = "NUM", help_heading = "Output")]
    pub before_context: Option<usize>,

    /// Show NUM lines before and after each match.
    #[arg(short = 'C', long, value_name = "NUM", help_heading = "Output")]
    pub context: Option<usize>,

    /// Print every line, highlighting matches.
    #[arg(long, visible_alias = "passthrough", help_heading = "Output")]
    pub passthru: bool,

    /// The line between non-adjacent context blocks (default `--`).
    #[arg(
        long,
        value_name = "SEPARATOR",
        allow_hyphen_values = true,
        help_heading = "Output"
    )]
    pub context_separator: Option<String>,

    /// Print nothing between context blocks.
    #[arg(long, help_heading = "Output")]
    pub no_context_separator: bool,

    /// Separator after the path and line number of a matching line.
    #[arg(
        long,
        value_name = "SEPARATOR",
        default_value = ":",
        help_heading = "Output"
    )]
    pub field_match_separator: String,

    /// Separator after the path and line number of a context line.
    #[arg(
        long,
        value_name = "SEPARATOR",
        default_value = "-",
        help_heading = "Output"
    )]
    pub field_context_separator: String,

    /// Shorthand for --color=always --heading --line-number.
    #[arg(short = 'p', long, help_heading = "Output")]
    pub pretty: bool,

    /// Colour the output: auto, always, never.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto, help_heading = "Output")]
    pub color: ColorWhen,

    /// Colour settings in ripgrep's syntax, e.g. `match:fg:blue`.
    #[arg(long, value_name = "COLOR_SPEC", action = ArgAction::Append, help_heading = "Output")]
    pub colors: Vec<String>,

    /// Order of the output. `path` is deterministic and still parallel.
    #[arg(long, value_name = "SORTBY", value_enum, help_heading = "Output")]
    pub sort: Option<SortBy>,

    /// Flush after every line, even in a pipe.
    #[arg(long, overrides_with = "block_buffered", help_heading = "Output")]
    pub line_buffered: bool,

    /// Buffer output in blocks, even on a terminal.
    #[arg(long, overrides_with = "line_buffered", help_heading = "Output")]
    pub block_buffered: bool,

    /// Print no error messages about files (the exit status still says 2).
    #[arg(long, help_heading = "Output")]
    pub no_messages: bool,

    /// Print statistics about the search after the results.
    #[arg(long, overrides_with = "no_stats", help_heading = "Output")]
    pub stats: bool,
    #[arg(long, overrides_with = "stats", hide = true)]
    pub no_stats: bool,

    // ---------------------------------------------------------------- modes
    /// Print the number of matching lines per file.
    #[arg(short = 'c', long, overrides_with_all = others(0), help_heading = "Modes")]
    pub count: bool,

    /// Print the number of matches per file.
    #[arg(long, overrides_with_all = others(1), help_heading = "Modes")]
    pub count_matches: bool,

    /// Print only the paths of files with a match.
    #[arg(short = 'l', long, overrides_with_all = others(2), help_heading = "Modes")]
    pub files_with_matches: bool,

    /// Print only the paths of files without a match.
    #[arg(long, overrides_with_all = others(3), help_heading = "Modes")]
    pub files_without_match: bool,

    /// Print results as JSON Lines in ripgrep's format (begin, match,
    /// context, end, summary).
    #[arg(long, overrides_with_all = others(4), help_heading = "Modes")]
    pub json: bool,

    /// Print the files that would be searched, and search nothing.
    #[arg(long, overrides_with_all = others(5), help_heading = "Modes")]
    pub files: bool,

    /// Print every known file type and its globs.
    #[arg(long, overrides_with_all = others(6), help_heading = "Modes")]
    pub type_list: bool,

    /// With -c or --count-matches, also print files with zero matches.
    #[arg(long, help_heading = "Modes")]
    pub include_zero: bool,

    /// Print nothing; exit 0 at the first match.
    #[arg(short = 'q', long, help_heading = "Modes")]
    pub quiet: bool,

    /// Search without the daemon, even when one serves this tree.
    #[arg(long, help_heading = "Modes")]
    pub no_daemon: bool,

    /// Say on stderr who answered: the daemon (its root and pid) or a
    /// one-shot search, and why the daemon did not.
    #[arg(long, help_heading = "Modes")]
    pub debug: bool,

    /// Print a man page or a shell completion script, and exit.
    #[arg(long, value_name = "KIND", value_enum, help_heading = "Modes")]
    pub generate: Option<Generate>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage the resident daemon that answers searches from memory.
    Daemon {
        #[command(subcommand)]
        action: DaemonAction,
    },
}

/// What to do with the daemon.
#[derive(Clone, Debug, PartialEq, Eq, Subcommand)]
pub enum DaemonAction {
    /// Load the tree under PATH into memory and serve searches of it.
    ///
    /// PATH defaults to the git repository containing the current
    /// directory, else the current directory. Returns once the daemon is
    /// ready. Searches under PATH then use it automatically.
    Start {
        /// The root to serve.
        path: Option<PathBuf>,
        /// Worker threads, each owning a shard (default, or 0: available
        /// cores; at most 256).
        #[arg(long, value_name = "NUM", value_parser = parse_threads)]
        workers: Option<usize>,
        /// Stop after this long without a request (e.g. 30m, 2h, 90s; 0
        /// never stops). Default: 2h.
        #[arg(long, value_name = "DURATION", value_parser = workdist::duration::parse_duration)]
        idle_timeout: Option<Duration>,
        /// Poll the tree for changes instead of using file notifications.
        #[arg(long)]
        poll: bool,
        /// Hold at most this many bytes of file contents in memory (e.g.
        /// 0, 512M, 2G); files beyond it are read from disk (the page
        /// cache) when the index makes them candidates. The index itself
        /// is always held. Default: a quarter of physical memory, at most
        /// 4G.
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        memory: Option<u64>,
        /// Serve from this process instead of starting a background one.
        #[arg(long)]
        foreground: bool,
    },
    /// Stop the daemon serving PATH (default: the current directory), or
    /// every daemon of this user with --all.
    Stop {
        #[arg(conflicts_with = "all")]
        path: Option<PathBuf>,
        /// Stop every daemon of this user.
        #[arg(long)]
        all: bool,
    },
    /// List every daemon of this user: root, pid, files, memory, uptime.
    List {
        /// Print the list as JSON (one status object per daemon).
        #[arg(long)]
        json: bool,
    },
    /// Benchmarking aid: time one bare memmem pass for LITERAL over every
    /// byte the daemon holds (the physical limit of a scanning search).
    #[command(hide = true)]
    BenchScan {
        literal: String,
        path: Option<PathBuf>,
    },
    /// Show what the daemon serving PATH holds and does.
    Status {
        path: Option<PathBuf>,
        /// Print the status as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The mode flags other than `MODES[i]`, for `overrides_with_all`.
const fn others(i: usize) -> [&'static str; 6] {
    let mut out = [""; 6];
    let mut j = 0;
    let mut k = 0;
    while j < MODES.len() {
        if j != i {
            out[k] = MODES[j];
            k += 1;
        }
        j += 1;
    }
    out
}

/// Parse `--max-filesize`: a number of bytes with an optional K, M or G
/// suffix (powers of 1024), as ripgrep accepts.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, mult) = match s.char_indices().last() {
        Some((i, 'K' | 'k')) => (&s[..i], 1u64 << 10),
        Some((i, 'M' | 'm')) => (&s[..i], 1u64 << 20),
        Some((i, 'G' | 'g')) => (&s[..i], 1u64 << 30),
        _ => (s, 1),
    };
    let n: u64 = digits.parse().map_err(|_| {
        format!("'{s}' is not a size: expected a number with an optional K, M or G suffix")
    })?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("'{s}' is too large"))
}

/// The most threads `-j` accepts. Past a few per core more threads only
/// cost memory (each has its own buffers, up to 16 MiB for a long line);
/// a value in the thousands is a typo. ripgrep 15 takes any number and
/// tries to start that many threads: `-j 1000000` makes no progress.
pub const MAX_THREADS: usize = 256;

/// Parse `-j`: 0 (the default count) to [`MAX_THREADS`].
pub fn parse_threads(s: &str) -> Result<usize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number of threads"))?;
    if n > MAX_THREADS {
        return Err(format!("{n} threads: at most {MAX_THREADS} are allowed"));
    }
    Ok(n)
}

/// The clap command, for completions and the man page.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn verify_cli() {
        command().debug_assert();
    }

    #[test]
    fn last_mode_flag_wins() {
        let cli = Cli::parse_from(["pgrep-lite", "-c", "-l", "x"]);
        assert!(cli.files_with_matches && !cli.count);
        let cli = Cli::parse_from(["pgrep-lite", "--json", "-c", "x"]);
        assert!(cli.count && !cli.json);
    }

    #[test]
    fn last_case_flag_wins() {
        let cli = Cli::parse_from(["pgrep-lite", "-i", "-s", "x"]);
        assert!(cli.case_sensitive && !cli.ignore_case);
        let cli = Cli::parse_from(["pgrep-lite", "-s", "-S", "x"]);
        assert!(cli.smart_case && !cli.case_sensitive);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10"), Ok(10));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert_eq!(parse_size("1M"), Ok(1 << 20));
        assert_eq!(parse_size("3G"), Ok(3 << 30));
        assert!(parse_size("x1").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }

    #[test]
    fn daemon_is_a_subcommand_and_patterns_still_work() {
        let cli = Cli::parse_from(["pgrep-lite", "daemon", "start", "/tmp"]);
        assert!(matches!(
            cli.command,
            Some(Command::Daemon {
                action: DaemonAction::Start { .. }
            })
        ));
        let cli = Cli::parse_from(["pgrep-lite", "-e", "daemon", "src"]);
        assert!(cli.command.is_none());
        assert_eq!(cli.regexp, ["daemon"]);
        let cli = Cli::parse_from(["pgrep-lite", "fn main", "src"]);
        assert!(cli.command.is_none());
        assert_eq!(cli.positional.len(), 2);
    }

    #[test]
    fn hyphen_patterns_with_e() {
        let cli = Cli::parse_from(["pgrep-lite", "-e", "-foo", "--", "-path"]);
        assert_eq!(cli.regexp, ["-foo"]);
        assert_eq!(cli.positional, [OsString::from("-path")]);
    }
}
