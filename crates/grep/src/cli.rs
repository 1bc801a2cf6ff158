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

use clap::{ArgAction, Parser, ValueEnum};

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
    /// By last modification time.
    Modified,
    /// By last access time.
    Accessed,
    /// By creation time.
    Created,
}

/// The regex engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// Rust's regex crate: linear time, no look-around.
    Default,
    /// PCRE2: look-around and backreferences.
    Pcre2,
    /// The default engine, or PCRE2 for patterns it cannot compile.
    Auto,
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
                      pgrep-lite [OPTIONS] --type-list\n       \
                      pgrep-lite --daemon start|stop|status|list [OPTIONS] [PATH]",
    max_term_width = 100,
    args_override_self = true,
    disable_help_subcommand = true
)]
pub struct Cli {
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
    #[arg(short = 'a', long, overrides_with_all = ["binary", "no_binary", "no_text"], help_heading = "Input")]
    pub text: bool,
    #[arg(long, overrides_with_all = ["binary", "no_binary", "text"], hide = true)]
    pub no_text: bool,

    /// Search binary files found by the walk too, printing only whether they
    /// match ("binary file matches").
    #[arg(long, overrides_with_all = ["text", "no_binary", "no_text"], help_heading = "Input")]
    pub binary: bool,
    #[arg(long, overrides_with_all = ["text", "binary", "no_text"], hide = true)]
    pub no_binary: bool,

    /// Treat CRLF (\r\n) as a line terminator: `$` matches before \r.
    /// Turns --null-data off (and --null-data turns it off).
    #[arg(long, overrides_with_all = ["no_crlf", "null_data"], help_heading = "Input")]
    pub crlf: bool,
    #[arg(long, overrides_with = "crlf", hide = true)]
    pub no_crlf: bool,

    /// Treat the input as NUL-terminated records ("lines"), as `find
    /// -print0` or `xargs -0` data; implies --text.
    #[arg(long, overrides_with = "crlf", help_heading = "Input")]
    pub null_data: bool,

    /// Decode every file from ENCODING (any WHATWG label: utf-16le, sjis,
    /// euc-jp, latin1, ...) before searching; `none` searches the raw
    /// bytes and turns off BOM sniffing. Default: UTF-8, with UTF-16
    /// files recognised by their byte-order mark.
    #[arg(
        short = 'E',
        long,
        value_name = "ENCODING",
        overrides_with = "no_encoding",
        help_heading = "Input"
    )]
    pub encoding: Option<String>,
    #[arg(long, overrides_with = "encoding", hide = true)]
    pub no_encoding: bool,

    /// Search inside compressed files (gzip, bzip2, xz, lzma, lz4, zstd,
    /// brotli, compress) through their decompression programs, which must
    /// be on PATH. Turns --pre off (and --pre turns it off).
    #[arg(
        short = 'z',
        long,
        overrides_with_all = ["no_search_zip", "pre"],
        help_heading = "Input"
    )]
    pub search_zip: bool,
    #[arg(long, overrides_with = "search_zip", hide = true)]
    pub no_search_zip: bool,

    /// Search what COMMAND prints for each file instead of the file: it is
    /// run with the path as its argument and the file on its standard
    /// input. A failing command is that file's error.
    #[arg(
        long,
        value_name = "COMMAND",
        overrides_with_all = ["no_pre", "search_zip"],
        help_heading = "Input"
    )]
    pub pre: Option<PathBuf>,
    #[arg(long, overrides_with = "pre", hide = true)]
    pub no_pre: bool,

    /// Only run --pre on files matching GLOB (`!GLOB` excludes). Repeatable.
    #[arg(long, value_name = "GLOB", allow_hyphen_values = true, action = ArgAction::Append, help_heading = "Input")]
    pub pre_glob: Vec<String>,

    /// Search each file as one block in memory, as ripgrep does through a
    /// memory map (its output in the few cases where the two differ, such
    /// as where binary data is noticed). pgrep-lite reads the file into
    /// memory instead of mapping it, so a file truncated meanwhile cannot
    /// kill the run with SIGBUS; files over 64 MiB are read through the
    /// bounded buffer, as without --mmap.
    #[arg(long, overrides_with = "no_mmap", help_heading = "Input")]
    pub mmap: bool,

    /// Read files through a bounded buffer (the default).
    #[arg(long, overrides_with = "mmap", help_heading = "Input")]
    pub no_mmap: bool,

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
    #[arg(
        short = 'v',
        long,
        overrides_with = "no_invert_match",
        help_heading = "Search"
    )]
    pub invert_match: bool,
    #[arg(long, overrides_with = "invert_match", hide = true)]
    pub no_invert_match: bool,

    /// Use PCRE2 for the patterns (look-around, backreferences); same as
    /// `--engine pcre2`.
    #[arg(short = 'P', long, overrides_with_all = ["no_pcre2", "engine", "auto_hybrid_regex", "no_auto_hybrid_regex"], help_heading = "Search")]
    pub pcre2: bool,
    #[arg(long, overrides_with_all = ["pcre2", "engine", "auto_hybrid_regex", "no_auto_hybrid_regex"], hide = true)]
    pub no_pcre2: bool,

    /// The regex engine: `default` (Rust's regex), `pcre2`, or `auto`
    /// (PCRE2 only for patterns the default engine cannot compile).
    #[arg(long, value_name = "ENGINE", value_enum, overrides_with_all = ["pcre2", "no_pcre2", "auto_hybrid_regex", "no_auto_hybrid_regex"], help_heading = "Search")]
    pub engine: Option<Engine>,
    #[arg(long, overrides_with_all = ["pcre2", "no_pcre2", "engine", "no_auto_hybrid_regex"], hide = true)]
    pub auto_hybrid_regex: bool,
    #[arg(long, overrides_with_all = ["pcre2", "no_pcre2", "engine", "auto_hybrid_regex"], hide = true)]
    pub no_auto_hybrid_regex: bool,

    /// Print the version of PCRE2 in use, and exit.
    #[arg(long, help_heading = "Search")]
    pub pcre2_version: bool,

    /// Let `\w`, `\d`, `\s`, `\b` and case folding mean their ASCII
    /// versions only (and `.` match any byte but a newline).
    #[arg(long, overrides_with_all = ["unicode", "pcre2_unicode", "no_pcre2_unicode"], help_heading = "Search")]
    pub no_unicode: bool,
    #[arg(long, overrides_with_all = ["no_unicode", "pcre2_unicode", "no_pcre2_unicode"], hide = true)]
    pub unicode: bool,
    #[arg(long, overrides_with_all = ["no_unicode", "unicode", "pcre2_unicode"], hide = true)]
    pub no_pcre2_unicode: bool,
    #[arg(long, overrides_with_all = ["no_unicode", "unicode", "no_pcre2_unicode"], hide = true)]
    pub pcre2_unicode: bool,

    /// The most memory the regex engine's lazy DFA may use (suffixes K, M,
    /// G).
    #[arg(long, value_name = "NUM+SUFFIX?", value_parser = parse_size, help_heading = "Search")]
    pub dfa_size_limit: Option<u64>,

    /// The largest compiled regex allowed (suffixes K, M, G).
    #[arg(long, value_name = "NUM+SUFFIX?", value_parser = parse_size, help_heading = "Search")]
    pub regex_size_limit: Option<u64>,

    /// Stop reading a file at the first non-matching line after a matching
    /// one (for sorted data). Turns -U off (and -U turns it off), as in
    /// ripgrep.
    #[arg(long, overrides_with = "multiline", help_heading = "Search")]
    pub stop_on_nonmatch: bool,

    /// Let a match span lines; `\n` may then appear in a pattern.
    #[arg(
        short = 'U',
        long,
        overrides_with_all = ["no_multiline", "stop_on_nonmatch"],
        help_heading = "Search"
    )]
    pub multiline: bool,
    #[arg(long, overrides_with = "multiline", hide = true)]
    pub no_multiline: bool,

    /// With -U, let `.` match line terminators too.
    #[arg(long, overrides_with = "no_multiline_dotall", help_heading = "Search")]
    pub multiline_dotall: bool,
    #[arg(long, overrides_with = "multiline_dotall", hide = true)]
    pub no_multiline_dotall: bool,

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
    #[arg(
        long,
        overrides_with = "no_glob_case_insensitive",
        help_heading = "Filter"
    )]
    pub glob_case_insensitive: bool,
    #[arg(long, overrides_with = "glob_case_insensitive", hide = true)]
    pub no_glob_case_insensitive: bool,

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
    #[arg(long, overrides_with = "ignore_vcs", help_heading = "Filter")]
    pub no_ignore_vcs: bool,
    #[arg(long, overrides_with = "no_ignore_vcs", hide = true)]
    pub ignore_vcs: bool,

    /// Do not honour ignore files in parent directories.
    #[arg(long, overrides_with = "ignore_parent", help_heading = "Filter")]
    pub no_ignore_parent: bool,
    #[arg(long, overrides_with = "no_ignore_parent", hide = true)]
    pub ignore_parent: bool,

    /// Do not honour .ignore and .rgignore files.
    #[arg(long, overrides_with = "ignore_dot", help_heading = "Filter")]
    pub no_ignore_dot: bool,
    #[arg(long, overrides_with = "no_ignore_dot", hide = true)]
    pub ignore_dot: bool,

    /// Do not honour .git/info/exclude.
    #[arg(long, overrides_with = "ignore_exclude", help_heading = "Filter")]
    pub no_ignore_exclude: bool,
    #[arg(long, overrides_with = "no_ignore_exclude", hide = true)]
    pub ignore_exclude: bool,

    /// Do not honour the global gitignore (core.excludesFile).
    #[arg(long, overrides_with = "ignore_global", help_heading = "Filter")]
    pub no_ignore_global: bool,
    #[arg(long, overrides_with = "no_ignore_global", hide = true)]
    pub ignore_global: bool,

    /// Do not honour --ignore-file.
    #[arg(long, overrides_with = "ignore_files", help_heading = "Filter")]
    pub no_ignore_files: bool,
    #[arg(long, overrides_with = "no_ignore_files", hide = true)]
    pub ignore_files: bool,

    /// Apply .gitignore rules even outside a git repository.
    #[arg(long, overrides_with = "require_git", help_heading = "Filter")]
    pub no_require_git: bool,
    #[arg(long, overrides_with = "no_require_git", hide = true)]
    pub require_git: bool,

    /// Match the globs of ignore files case-insensitively.
    #[arg(
        long,
        overrides_with = "no_ignore_file_case_insensitive",
        help_heading = "Filter"
    )]
    pub ignore_file_case_insensitive: bool,
    #[arg(long, overrides_with = "ignore_file_case_insensitive", hide = true)]
    pub no_ignore_file_case_insensitive: bool,

    /// Do not report errors while reading ignore files.
    #[arg(long, overrides_with = "ignore_messages", help_heading = "Filter")]
    pub no_ignore_messages: bool,
    #[arg(long, overrides_with = "no_ignore_messages", hide = true)]
    pub ignore_messages: bool,

    /// Do not cross file system boundaries below each path.
    #[arg(long, overrides_with = "no_one_file_system", help_heading = "Filter")]
    pub one_file_system: bool,
    #[arg(long, overrides_with = "one_file_system", hide = true)]
    pub no_one_file_system: bool,

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
    #[arg(
        short = 'b',
        long,
        overrides_with = "no_byte_offset",
        help_heading = "Output"
    )]
    pub byte_offset: bool,
    #[arg(long, overrides_with = "byte_offset", hide = true)]
    pub no_byte_offset: bool,

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
    #[arg(long, overrides_with = "no_trim", help_heading = "Output")]
    pub trim: bool,
    #[arg(long, overrides_with = "trim", hide = true)]
    pub no_trim: bool,

    /// Print paths with SEPARATOR (one byte) between their components
    /// instead of `/`.
    #[arg(long, value_name = "SEPARATOR", help_heading = "Output")]
    pub path_separator: Option<String>,

    /// Print paths as terminal hyperlinks in FORMAT (`default`, `file`,
    /// `vscode`, `cursor`, ... or a template with {path}, {line}, {column},
    /// {host}, {wslprefix}); `none` turns them off.
    #[arg(long, value_name = "FORMAT", help_heading = "Output")]
    pub hyperlink_format: Option<String>,

    /// A program that prints this host's name, for {host} in hyperlinks.
    #[arg(long, value_name = "COMMAND", help_heading = "Output")]
    pub hostname_bin: Option<PathBuf>,

    /// Do not print lines longer than NUM bytes (a notice instead).
    #[arg(short = 'M', long, value_name = "NUM", help_heading = "Output")]
    pub max_columns: Option<u64>,

    /// With -M, print a preview of long lines.
    #[arg(
        long,
        overrides_with = "no_max_columns_preview",
        help_heading = "Output"
    )]
    pub max_columns_preview: bool,
    #[arg(long, overrides_with = "max_columns_preview", hide = true)]
    pub no_max_columns_preview: bool,

    /// Show NUM lines after each match (overrides --passthru).
    #[arg(
        short = 'A',
        long,
        value_name = "NUM",
        overrides_with = "passthru",
        help_heading = "Output"
    )]
    pub after_context: Option<usize>,

    /// Show NUM lines before each match (overrides --passthru).
    #[arg(
        short = 'B',
        long,
        value_name = "NUM",
        overrides_with = "passthru",
        help_heading = "Output"
    )]
    pub before_context: Option<usize>,

    /// Show NUM lines before and after each match (overrides --passthru).
    #[arg(
        short = 'C',
        long,
        value_name = "NUM",
        overrides_with = "passthru",
        help_heading = "Output"
    )]
    pub context: Option<usize>,

    /// Print every line, highlighting matches (overrides -A, -B, -C).
    #[arg(long, visible_alias = "passthrough", overrides_with_all = ["after_context", "before_context", "context"], help_heading = "Output")]
    pub passthru: bool,

    /// The line between non-adjacent context blocks (default `--`).
    #[arg(
        long,
        value_name = "SEPARATOR",
        allow_hyphen_values = true,
        overrides_with = "no_context_separator",
        help_heading = "Output"
    )]
    pub context_separator: Option<String>,

    /// Print nothing between context blocks.
    #[arg(long, overrides_with = "context_separator", help_heading = "Output")]
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
    #[arg(long, visible_alias = "colour", value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto, help_heading = "Output")]
    pub color: ColorWhen,

    /// Colour settings in ripgrep's syntax, e.g. `match:fg:blue`.
    #[arg(long, value_name = "COLOR_SPEC", action = ArgAction::Append, help_heading = "Output")]
    pub colors: Vec<String>,

    /// Order of the output, ascending. `path` is deterministic and still
    /// parallel; `modified`, `accessed` and `created` sort by file time.
    #[arg(long, value_name = "SORTBY", value_enum, overrides_with_all = ["sortr", "sort_files", "no_sort_files"], help_heading = "Output")]
    pub sort: Option<SortBy>,

    /// Like --sort, descending.
    #[arg(long, value_name = "SORTBY", value_enum, overrides_with_all = ["sort", "sort_files", "no_sort_files"], help_heading = "Output")]
    pub sortr: Option<SortBy>,

    /// Same as `--sort path` (an older spelling, kept for scripts).
    #[arg(long, overrides_with_all = ["sort", "sortr", "no_sort_files"], hide = true)]
    pub sort_files: bool,
    #[arg(long, overrides_with_all = ["sort", "sortr", "sort_files"], hide = true)]
    pub no_sort_files: bool,

    /// Flush after every line, even in a pipe.
    #[arg(long, overrides_with_all = ["block_buffered", "no_line_buffered", "no_block_buffered"], help_heading = "Output")]
    pub line_buffered: bool,
    #[arg(long, overrides_with_all = ["block_buffered", "line_buffered", "no_block_buffered"], hide = true)]
    pub no_line_buffered: bool,

    /// Buffer output in blocks, even on a terminal.
    #[arg(long, overrides_with_all = ["line_buffered", "no_line_buffered", "no_block_buffered"], help_heading = "Output")]
    pub block_buffered: bool,
    #[arg(long, overrides_with_all = ["line_buffered", "no_line_buffered", "block_buffered"], hide = true)]
    pub no_block_buffered: bool,

    /// Print no error messages about files (the exit status still says 2).
    #[arg(long, overrides_with = "messages", help_heading = "Output")]
    pub no_messages: bool,
    #[arg(long, overrides_with = "no_messages", hide = true)]
    pub messages: bool,

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
    #[arg(long, overrides_with = "json", hide = true)]
    pub no_json: bool,

    /// Print the files that would be searched, and search nothing.
    #[arg(long, overrides_with_all = others(5), help_heading = "Modes")]
    pub files: bool,

    /// Print every known file type and its globs.
    #[arg(long, overrides_with_all = others(6), help_heading = "Modes")]
    pub type_list: bool,

    /// With -c or --count-matches, also print files with zero matches.
    #[arg(long, overrides_with = "no_include_zero", help_heading = "Modes")]
    pub include_zero: bool,
    #[arg(long, overrides_with = "include_zero", hide = true)]
    pub no_include_zero: bool,

    /// Print nothing; exit 0 at the first match.
    #[arg(short = 'q', long, help_heading = "Modes")]
    pub quiet: bool,

    /// Search without the daemon, even when one serves this tree.
    #[arg(long, help_heading = "Modes")]
    pub no_daemon: bool,

    /// Print debugging information on stderr: who answered (the daemon,
    /// with its root and pid, or a one-shot search, and why the daemon did
    /// not), and why files are skipped.
    #[arg(long, help_heading = "Modes")]
    pub debug: bool,

    /// Like --debug, with more detail.
    #[arg(long, help_heading = "Modes")]
    pub trace: bool,

    /// Read no configuration file (PGREP_LITE_CONFIG_PATH, else
    /// RIPGREP_CONFIG_PATH).
    #[arg(long, help_heading = "Modes")]
    pub no_config: bool,

    /// Print a man page or a shell completion script, and exit.
    #[arg(long, value_name = "KIND", value_enum, help_heading = "Modes")]
    pub generate: Option<Generate>,

    // --------------------------------------------------------------- daemon
    /// Manage the resident daemon that answers searches from memory:
    /// `start [PATH]`, `stop [PATH]`, `status [PATH]`, `list`. Any word may
    /// still be a pattern: `pgrep-lite start` searches for "start".
    #[arg(long, value_name = "ACTION", value_enum, help_heading = "Daemon")]
    pub daemon: Option<DaemonVerb>,

    /// With `--daemon start`: worker threads, each owning a shard
    /// (default, or 0: available cores; at most 256).
    #[arg(long, value_name = "NUM", value_parser = parse_threads, requires = "daemon", help_heading = "Daemon")]
    pub workers: Option<usize>,

    /// With `--daemon start`: stop after this long without a request (e.g.
    /// 30m, 2h, 90s; 0 never stops). Default: 2h.
    #[arg(long, value_name = "DURATION", value_parser = workdist::duration::parse_duration, requires = "daemon", help_heading = "Daemon")]
    pub idle_timeout: Option<Duration>,

    /// With `--daemon start`: poll the tree for changes instead of using
    /// file notifications.
    #[arg(long, requires = "daemon", help_heading = "Daemon")]
    pub poll: bool,

    /// With `--daemon start`: hold at most this many bytes of file contents
    /// in memory (e.g. 0, 512M, 2G); files beyond it are read from disk
    /// (the page cache) when the index makes them candidates. The index
    /// itself is always held. Default: a quarter of physical memory, at
    /// most 4G.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, requires = "daemon", help_heading = "Daemon")]
    pub memory: Option<u64>,

    /// With `--daemon start`: serve from this process instead of starting
    /// a background one.
    #[arg(long, requires = "daemon", help_heading = "Daemon")]
    pub foreground: bool,

    /// With `--daemon stop`: stop every daemon of this user.
    #[arg(long, requires = "daemon", help_heading = "Daemon")]
    pub all: bool,
}

/// `--daemon ACTION`: what to do with the resident daemon.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DaemonVerb {
    /// Load the tree under PATH (default: the git repository containing
    /// the current directory, else the current directory) into memory and
    /// serve searches of it; returns once the daemon is ready.
    Start,
    /// Stop the daemon serving PATH (default: the current directory), or
    /// every daemon of this user with --all.
    Stop,
    /// Show what the daemon serving PATH holds and does.
    Status,
    /// List every daemon of this user: root, pid, files, memory, uptime.
    List,
    /// Benchmarking aid: time one bare memmem pass for LITERAL over every
    /// byte the daemon holds (the physical limit of a scanning search).
    #[value(hide = true)]
    BenchScan,
}

/// What to do with the daemon, resolved from `--daemon ACTION`, its
/// options and the positional arguments (see [`crate::config`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DaemonAction {
    Start {
        path: Option<PathBuf>,
        workers: Option<usize>,
        idle_timeout: Option<Duration>,
        poll: bool,
        memory: Option<u64>,
        foreground: bool,
    },
    Stop {
        path: Option<PathBuf>,
        all: bool,
    },
    List {
        json: bool,
    },
    BenchScan {
        literal: String,
        path: Option<PathBuf>,
    },
    Status {
        path: Option<PathBuf>,
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

    /// Every flag of ripgrep 15.2 (long names, negations, aliases and short
    /// names, taken from ripgrep-15.2.0/crates/core/flags/defs.rs) exists
    /// here: the suite checks behaviour, this checks that none is missing.
    #[test]
    fn every_ripgrep_flag_is_accepted() {
        const LONGS: &[&str] = &[
            "after-context",
            "auto-hybrid-regex",
            "before-context",
            "binary",
            "block-buffered",
            "byte-offset",
            "case-sensitive",
            "color",
            "colors",
            "column",
            "context",
            "context-separator",
            "count",
            "count-matches",
            "crlf",
            "debug",
            "dfa-size-limit",
            "encoding",
            "engine",
            "field-context-separator",
            "field-match-separator",
            "file",
            "files",
            "files-with-matches",
            "files-without-match",
            "fixed-strings",
            "follow",
            "generate",
            "glob",
            "glob-case-insensitive",
            "heading",
            "help",
            "hidden",
            "hostname-bin",
            "hyperlink-format",
            "iglob",
            "ignore",
            "ignore-case",
            "ignore-dot",
            "ignore-exclude",
            "ignore-file",
            "ignore-file-case-insensitive",
            "ignore-files",
            "ignore-global",
            "ignore-messages",
            "ignore-parent",
            "ignore-vcs",
            "include-zero",
            "invert-match",
            "json",
            "line-buffered",
            "line-number",
            "line-regexp",
            "max-columns",
            "max-columns-preview",
            "max-count",
            "max-depth",
            "max-filesize",
            "maxdepth",
            "messages",
            "mmap",
            "multiline",
            "multiline-dotall",
            "no-auto-hybrid-regex",
            "no-binary",
            "no-block-buffered",
            "no-byte-offset",
            "no-column",
            "no-config",
            "no-context-separator",
            "no-crlf",
            "no-encoding",
            "no-filename",
            "no-fixed-strings",
            "no-follow",
            "no-glob-case-insensitive",
            "no-heading",
            "no-hidden",
            "no-ignore",
            "no-ignore-dot",
            "no-ignore-exclude",
            "no-ignore-file-case-insensitive",
            "no-ignore-files",
            "no-ignore-global",
            "no-ignore-messages",
            "no-ignore-parent",
            "no-ignore-vcs",
            "no-include-zero",
            "no-invert-match",
            "no-json",
            "no-line-buffered",
            "no-line-number",
            "no-max-columns-preview",
            "no-messages",
            "no-mmap",
            "no-multiline",
            "no-multiline-dotall",
            "no-one-file-system",
            "no-pcre2",
            "no-pcre2-unicode",
            "no-pre",
            "no-require-git",
            "no-search-zip",
            "no-sort-files",
            "no-stats",
            "no-text",
            "no-trim",
            "no-unicode",
            "null",
            "null-data",
            "one-file-system",
            "only-matching",
            "passthrough",
            "passthru",
            "path-separator",
            "pcre2",
            "pcre2-unicode",
            "pcre2-version",
            "pre",
            "pre-glob",
            "pretty",
            "quiet",
            "regex-size-limit",
            "regexp",
            "replace",
            "require-git",
            "search-zip",
            "smart-case",
            "sort",
            "sort-files",
            "sortr",
            "stats",
            "stop-on-nonmatch",
            "text",
            "threads",
            "trace",
            "trim",
            "type",
            "type-add",
            "type-clear",
            "type-list",
            "type-not",
            "unicode",
            "unrestricted",
            "version",
            "vimgrep",
            "with-filename",
            "word-regexp",
        ];
        const SHORTS: &str = ".0ABCEFHILMNPSTUVabcdefghijlmnopqrstuvwxz";
        let cmd = command();
        let longs: std::collections::HashSet<String> = cmd
            .get_arguments()
            .flat_map(|a| {
                a.get_long()
                    .into_iter()
                    .chain(a.get_all_aliases().into_iter().flatten())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .chain(["help".to_string(), "version".to_string()])
            .collect();
        let missing: Vec<&&str> = LONGS.iter().filter(|l| !longs.contains(**l)).collect();
        assert!(missing.is_empty(), "missing long flags: {missing:?}");
        let shorts: std::collections::HashSet<char> = cmd
            .get_arguments()
            .filter_map(clap::Arg::get_short)
            .chain(['h', 'V'])
            .collect();
        let missing: Vec<char> = SHORTS.chars().filter(|c| !shorts.contains(c)).collect();
        assert!(missing.is_empty(), "missing short flags: {missing:?}");
    }

    #[test]
    fn no_word_is_a_subcommand() {
        for word in ["daemon", "help", "start", "stop", "status", "list"] {
            let cli = Cli::parse_from(["pgrep-lite", word, "src"]);
            assert_eq!(cli.positional, [OsString::from(word), "src".into()]);
            assert_eq!(cli.daemon, None);
        }
        let cli = Cli::parse_from(["pgrep-lite", "--daemon", "start", "/tmp"]);
        assert_eq!(cli.daemon, Some(DaemonVerb::Start));
        assert_eq!(cli.positional, [OsString::from("/tmp")]);
    }

    #[test]
    fn a_repeated_flag_is_the_last_one() {
        let cli = Cli::parse_from(["pgrep-lite", "-i", "-i", "-C1", "-C0", "x"]);
        assert!(cli.ignore_case);
        assert_eq!(cli.context, Some(0));
        let cli = Cli::parse_from(["pgrep-lite", "--sort", "path", "--sort", "none", "x"]);
        assert_eq!(cli.sort, Some(SortBy::None));
    }

    #[test]
    fn later_flags_override_earlier_ones() {
        let cli = Cli::parse_from(["pgrep-lite", "--passthru", "-C1", "x"]);
        assert!(!cli.passthru && cli.context == Some(1));
        let cli = Cli::parse_from(["pgrep-lite", "-C1", "--passthru", "x"]);
        assert!(cli.passthru && cli.context.is_none());
        let cli = Cli::parse_from([
            "pgrep-lite",
            "--no-context-separator",
            "--context-separator",
            "AAA",
            "x",
        ]);
        assert!(!cli.no_context_separator);
        let cli = Cli::parse_from(["pgrep-lite", "-P", "--no-pcre2", "x"]);
        assert!(!cli.pcre2 && cli.no_pcre2);
        let cli = Cli::parse_from(["pgrep-lite", "--no-ignore", "--ignore", "x"]);
        assert!(!cli.no_ignore);
    }

    #[test]
    fn hyphen_patterns_with_e() {
        let cli = Cli::parse_from(["pgrep-lite", "-e", "-foo", "--", "-path"]);
        assert_eq!(cli.regexp, ["-foo"]);
        assert_eq!(cli.positional, [OsString::from("-path")]);
    }
}
