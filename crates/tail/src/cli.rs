//! The command line of ptail (clap derive: help, completions and the man
//! page come from this one definition). What the flags mean is decided once,
//! in [`crate::config`]; nothing else reads [`Cli`].

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};

pub use workdist::cli::Generate;

/// ptail prints the last lines of each input, then follows them all and
/// fans them into one output through a single writer: whole lines only,
/// none lost or repeated, through rotation (rename and create),
/// copytruncate, deletion and re-creation.
///
/// An input is a file (which may not exist yet), a glob (`'logs/*.log'`,
/// quoted) or a directory (the files in it); globs and directories pick up
/// files that appear later. `LABEL=PATH` names an input's prefix.
///
/// With --merge, lines are ordered by their timestamps (ISO 8601, syslog,
/// Apache, epoch and more, detected per file).
///
/// Exit status: 0 on success (also on SIGINT, SIGTERM, a closed pipe, or
/// --until matching), 1 when --until never matched before the inputs ended,
/// 2 on errors (bad arguments, no input could be read).
#[derive(Debug, Parser)]
#[command(
    name = "ptail",
    version,
    about = "Follow many logs and merge them into one stream",
    max_term_width = 100
)]
pub struct Cli {
    /// Files, globs or directories to follow; `LABEL=PATH` sets a label.
    /// `-` (and no INPUT at all) is standard input.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Print the last NUM lines of each input first (`+NUM`: from line NUM
    /// on). Default: 10, or every line since --since.
    #[arg(short = 'n', long = "lines", value_name = "NUM", allow_hyphen_values = true, value_parser = parse_lines)]
    pub lines: Option<Lines>,

    /// Start each input's history at its first line stamped at or after
    /// TIME: a duration ago (`10m`, `2h`, `1d`, `2w`) or a timestamp
    /// (`2015-10-18 18:01:47`, `2015-10-18T16:01:47Z`, `2015-10-18`).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Merge the inputs by timestamp: the history shown at start is
    /// sorted across files; live lines go out as they arrive, or sorted
    /// within --reorder-window. A line without a timestamp stays with the
    /// line before it, and -e/-x judge such records whole (see
    /// --filter-records).
    #[arg(long, visible_alias = "sort-by-time")]
    pub merge: bool,

    /// Hold live lines up to DURATION (`200ms`, `2s`) to write them in
    /// timestamp order (implies --merge).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub reorder_window: Option<Duration>,

    /// The timestamp format, instead of detecting it per file: iso, clf,
    /// syslog, packed, yymmdd, android, mmdd, compact, glog, epoch, or a
    /// pattern like `%d/%m/%Y %H:%M:%S%.f`.
    #[arg(long, value_name = "FORMAT", value_parser = crate::time::Fmt::parse_arg)]
    pub time_format: Option<crate::time::Fmt>,

    /// What each line is prefixed with: the file's name, or its path as
    /// given. A `LABEL=PATH` input always uses LABEL. Names that collide
    /// fall back to paths.
    #[arg(short = 'p', long, value_name = "FORM", value_enum, default_value_t = PrefixForm::Name)]
    pub prefix: PrefixForm,

    /// Lines as they are, without a prefix (`-q`, `--quiet`, `--silent`:
    /// like `tail -q`, no file names).
    #[arg(short = 'q', long, visible_aliases = ["quiet", "silent"], conflicts_with = "prefix", overrides_with = "no_prefix")]
    pub no_prefix: bool,

    /// Follow by name (like `tail -F`: reopen on rotation and re-creation)
    /// or by descriptor (stay with the file that was opened, wherever it is
    /// renamed). Of --follow, -f and -F, the last one given wins.
    #[arg(long, value_name = "HOW", value_enum, default_value_t = FollowMode::Name,
          overrides_with_all = ["follow_descriptor", "follow_name"])]
    pub follow: FollowMode,

    /// Follow by descriptor, like `tail -f` (`--follow descriptor`).
    #[arg(short = 'f', overrides_with_all = ["follow", "follow_name", "follow_descriptor"])]
    pub follow_descriptor: bool,

    /// Follow by name and retry, like `tail -F` (`--follow name`, the
    /// default).
    #[arg(short = 'F', overrides_with_all = ["follow", "follow_descriptor", "follow_name"])]
    pub follow_name: bool,

    /// Print what exists and exit: do not follow.
    #[arg(long, conflicts_with_all = ["follow", "follow_descriptor", "follow_name"])]
    pub no_follow: bool,

    /// Write status events (rotated, truncated, appeared, gone) into the
    /// output stream instead of stderr.
    #[arg(long)]
    pub events: bool,

    /// Keep only lines matching REGEX (repeatable: any of them).
    #[arg(short = 'e', long = "include", value_name = "REGEX")]
    pub include: Vec<String>,

    /// Drop lines matching REGEX (repeatable).
    #[arg(short = 'x', long = "exclude", value_name = "REGEX")]
    pub exclude: Vec<String>,

    /// Apply -e/-x to whole records, not lines (the default with
    /// --merge). A record is a line with a timestamp and the lines
    /// without one that follow it in its file (a stack trace): it is kept
    /// if any of its lines matches an -e (or there is none) and none
    /// matches an -x, and then written whole. A record is judged when it
    /// ends: at its file's next timestamped line, after --record-wait
    /// without a new line from its file, at a rotation or truncation, at
    /// 1 MiB held, at the end of the history shown at start, or at exit;
    /// lines of it that come after that follow the same judgement. Lines
    /// before a file's first timestamp are judged one by one.
    #[arg(long, conflicts_with = "filter_lines")]
    pub filter_records: bool,

    /// Apply -e/-x to each line on its own, also with --merge.
    #[arg(long)]
    pub filter_lines: bool,

    /// With record filters: how long a record is held, from its last
    /// line, waiting for more of it before it is judged on what came.
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = parse_duration)]
    pub record_wait: Duration,

    /// Append to FILE instead of writing to stdout (never truncates).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Remember in FILE how far each file was written out, and go on from
    /// there on the next run: nothing lost or repeated across restarts
    /// (with -o, even after SIGKILL: the output is cut back to what the
    /// state covers). See the README.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// With --state: forget files not seen for DURATION (default 168h,
    /// 7 days).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "state")]
    pub state_retention: Option<Duration>,

    /// JSON Lines: one object per line or event (see the README).
    #[arg(long)]
    pub json: bool,

    /// Exit when process PID has exited.
    #[arg(long, value_name = "PID")]
    pub pid: Option<u32>,

    /// Exit 0 after the first line (that passes the filters) matching
    /// REGEX; exit 1 if the inputs end first.
    #[arg(long, value_name = "REGEX")]
    pub until: Option<String>,

    /// Exit after DURATION (`500ms`, `10s`, `2m`, `1h`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Poll for changes every INTERVAL (default 250ms, at least 10ms)
    /// instead of waiting for file-system notifications.
    #[arg(long, value_name = "INTERVAL", num_args = 0..=1, default_missing_value = "250ms", value_parser = parse_poll)]
    pub poll: Option<Duration>,

    /// Split lines longer than NUM bytes (with a marker) instead of holding
    /// them whole.
    #[arg(long, value_name = "NUM", default_value_t = 1 << 20, value_parser = clap::value_parser!(u64).range(16..))]
    pub max_line_length: u64,

    /// When to colour the prefixes.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print per-source statistics to stderr on exit: lines, bytes,
    /// rotations, truncations, longest lag.
    #[arg(long)]
    pub stats: bool,

    /// Print a man page or a shell completion script, and exit.
    #[arg(long, value_name = "KIND", value_enum)]
    pub generate: Option<Generate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PrefixForm {
    /// The file name.
    Name,
    /// The path as given (relative paths stay relative).
    Path,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FollowMode {
    Name,
    Descriptor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `-n NUM` or `-n +NUM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    Last(u64),
    From(u64),
}

fn parse_lines(s: &str) -> Result<Lines, String> {
    let bad = || format!("'{s}' is not a number of lines (NUM or +NUM)");
    match s.strip_prefix('+') {
        Some(n) => n.parse().map(Lines::From).map_err(|_| bad()),
        None => s
            .strip_prefix('-')
            .unwrap_or(s)
            .parse()
            .map(Lines::Last)
            .map_err(|_| bad()),
    }
}

/// Durations in the grammar every tool of the suite shares (`us`, `ms`,
/// `s`, `m` or `min`, `h`).
pub use workdist::duration::parse_duration;

/// The shortest `--poll` interval. Shorter is refused, not clamped: a
/// 0ms poll would spin a core, and a silent change of what was asked
/// would hide that.
pub const MIN_POLL: Duration = Duration::from_millis(10);

fn parse_poll(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d < MIN_POLL {
        return Err(format!(
            "'{s}' is too short a poll interval (at least {}ms)",
            MIN_POLL.as_millis()
        ));
    }
    Ok(d)
}

pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_cli() {
        command().debug_assert();
    }

    #[test]
    fn durations_and_line_counts() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
        assert_eq!(parse_lines("+3"), Ok(Lines::From(3)));
        assert_eq!(parse_lines("7"), Ok(Lines::Last(7)));
        assert!(parse_lines("x").is_err());
        assert!(parse_poll("0ms").is_err());
        assert!(parse_poll("9ms").is_err());
        assert_eq!(parse_poll("10ms"), Ok(MIN_POLL));
    }
}
