//! From parsed flags to one resolved configuration.
//!
//! clap gives us what the user typed ([`crate::cli`]); this module decides
//! what it means, once: the inputs resolved against the current directory,
//! the filters compiled, `--since` turned into an instant in the local
//! zone, the number of history lines chosen, the follow mode and the
//! colour choice. Everything after it (the run, the loop, the printer)
//! reads a [`Config`] and never looks at a flag again; only `cli.rs` and
//! this conversion know clap.

use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::bytes::Regex;
use workdist::color::When;

use crate::cli::{Cli, ColorChoice, FollowMode, Lines, PrefixForm};
use crate::inputs::{self, Input};
use crate::time::{self, Fmt, Micros, Zone};

/// Where each input's history starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Its last N lines.
    Last(u64),
    /// From line N on (1 is the first).
    From(u64),
}

/// The resolved configuration of one run.
#[derive(Debug)]
pub struct Config {
    pub inputs: Vec<Input>,
    pub start: Start,
    /// `--since`: the history starts at the first line stamped at or
    /// after this instant.
    pub since: Option<Micros>,
    /// `--merge` (or `--reorder-window`, which implies it).
    pub merge: bool,
    pub reorder_window: Option<Duration>,
    /// `--time-format`: the format every file is read with, instead of
    /// detecting one per file.
    pub time_format: Option<Fmt>,
    /// The zone timestamps are read and written in.
    pub zone: Zone,

    // How lines are written (see `output::Format`).
    pub prefix: bool,
    /// Labels are paths, not file names (`--prefix path`).
    pub path_labels: bool,
    pub json: bool,
    pub include: Vec<Regex>,
    pub exclude: Vec<Regex>,
    pub until: Option<Regex>,
    /// `-e`/`-x` judge whole records (a timestamped line and the untimed
    /// lines after it), not lines: `--filter-records`, or `--merge`
    /// without `--filter-lines`. Only true when there is a filter.
    pub records: bool,
    /// `--record-wait`: how long an open record waits for more lines.
    pub record_wait: Duration,
    /// Status events go into the output (`--events`), not to stderr.
    pub events_inline: bool,
    pub color: When,

    /// Follow after the history (not `--no-follow`).
    pub follow: bool,
    /// By name (`tail -F`), not by descriptor.
    pub by_name: bool,
    /// `-o FILE`: append there instead of writing to stdout.
    pub output: Option<PathBuf>,
    pub pid: Option<u32>,
    pub timeout: Option<Duration>,
    /// `--poll`: poll every interval instead of waiting for notifications.
    pub poll: Option<Duration>,
    pub max_line: u64,
    pub stats: bool,
    /// `--state FILE` (resolved against the current directory) and how
    /// long its entries of files not seen are kept.
    pub state: Option<PathBuf>,
    pub state_retention: Duration,
}

impl Config {
    /// What `cli` means, with relative inputs resolved against `cwd`.
    /// Errors (a bad regex, a bad `--since`) are the user's, in the order
    /// the flags are checked: inputs, filters, times.
    pub fn from_cli(mut cli: Cli, cwd: &Path) -> anyhow::Result<Config> {
        // No input: standard input, as for tail.
        if cli.inputs.is_empty() {
            cli.inputs.push("-".to_owned());
        }
        let inputs = inputs::parse(std::mem::take(&mut cli.inputs), cwd)?;
        let include = compile_all(&cli.include, "--include")?;
        let exclude = compile_all(&cli.exclude, "--exclude")?;
        let until = cli
            .until
            .as_deref()
            .map(|s| compile(s, "--until"))
            .transpose()?;
        let zone = Zone::system();
        let since = cli
            .since
            .as_deref()
            .map(|s| time::parse_since(s, &zone, time::now()))
            .transpose()
            .map_err(anyhow::Error::msg)?;
        let start = match cli.lines {
            Some(Lines::Last(n)) => Start::Last(n),
            Some(Lines::From(n)) => Start::From(n),
            None if since.is_some() => Start::From(1),
            None => Start::Last(10),
        };
        let merge = cli.merge || cli.reorder_window.is_some();
        let records = (cli.filter_records || (merge && !cli.filter_lines))
            && !(include.is_empty() && exclude.is_empty());
        Ok(Config {
            inputs,
            start,
            since,
            merge,
            reorder_window: cli.reorder_window,
            time_format: cli.time_format.clone(),
            zone,
            prefix: !cli.no_prefix,
            path_labels: cli.prefix == PrefixForm::Path,
            json: cli.json,
            include,
            exclude,
            until,
            records,
            record_wait: cli.record_wait,
            events_inline: cli.events,
            color: match cli.color {
                ColorChoice::Auto => When::Auto,
                ColorChoice::Always => When::Always,
                ColorChoice::Never => When::Never,
            },
            follow: !cli.no_follow,
            // -f and -F reset --follow (the last one given wins).
            by_name: !cli.follow_descriptor && (cli.follow_name || cli.follow == FollowMode::Name),
            output: cli.output.clone(),
            pid: cli.pid,
            timeout: cli.timeout,
            poll: cli.poll,
            max_line: cli.max_line_length,
            stats: cli.stats,
            state: cli.state.as_ref().map(|p| cwd.join(p)),
            state_retention: cli.state_retention.unwrap_or(crate::state::RETENTION),
        })
    }
}

fn compile_all(patterns: &[String], what: &str) -> anyhow::Result<Vec<Regex>> {
    patterns.iter().map(|s| compile(s, what)).collect()
}

fn compile(s: &str, what: &str) -> anyhow::Result<Regex> {
    Regex::new(s).map_err(|e| {
        // regex's message draws the pattern and a caret over several
        // lines; its last line says what is wrong.
        let text = e.to_string();
        let why = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        anyhow::anyhow!(
            "invalid {what} regex '{s}': {}",
            why.trim().strip_prefix("error: ").unwrap_or(why.trim())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn config(args: &[&str]) -> Config {
        let cli = Cli::try_parse_from(std::iter::once("ptail").chain(args.iter().copied()))
            .expect("arguments");
        Config::from_cli(cli, Path::new("/")).expect("config")
    }

    #[test]
    fn defaults_and_what_flags_imply() {
        let c = config(&["a.log"]);
        assert_eq!(c.start, Start::Last(10));
        assert!(c.follow && c.by_name && c.prefix && !c.merge && !c.events_inline);
        assert_eq!(c.color, When::Auto);
        // --since alone shows every line since then; -n still wins.
        assert_eq!(config(&["--since", "1h", "a.log"]).start, Start::From(1));
        assert_eq!(
            config(&["--since", "1h", "-n", "3", "a.log"]).start,
            Start::Last(3)
        );
        assert!(config(&["--reorder-window", "1s", "a.log"]).merge);
        let c = config(&[
            "--no-prefix",
            "--follow",
            "descriptor",
            "--color",
            "never",
            "a",
        ]);
        assert!(!c.prefix && !c.by_name && c.follow);
        assert_eq!(c.color, When::Never);
        assert!(!config(&["--no-follow", "a.log"]).follow);
    }

    #[test]
    fn tail_habits_last_follow_flag_wins() {
        let by_name = |args: &[&str]| config(args).by_name;
        assert!(!by_name(&["-f", "a"]));
        assert!(by_name(&["-F", "a"]));
        assert!(by_name(&["-f", "-F", "a"]));
        assert!(!by_name(&["-F", "-f", "a"]));
        assert!(by_name(&["-f", "--follow", "name", "a"]));
        assert!(!by_name(&["--follow", "name", "-f", "a"]));
        assert!(by_name(&["--follow", "descriptor", "-F", "a"]));
        assert!(!by_name(&["-F", "--follow", "descriptor", "a"]));
        assert!(!by_name(&["-f", "-f", "a"]));
        for q in ["-q", "--quiet", "--silent", "--no-prefix"] {
            assert!(!config(&[q, "a"]).prefix, "{q}");
        }
        for bad in [&["-f", "--no-follow"][..], &["-q", "-p", "path"][..]] {
            let args = std::iter::once("ptail")
                .chain(bad.iter().copied())
                .chain(["a"]);
            assert!(Cli::try_parse_from(args).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn records_are_the_default_filter_unit_under_merge() {
        assert!(config(&["--merge", "-e", "E", "a"]).records);
        assert!(config(&["--reorder-window", "1s", "-x", "D", "a"]).records);
        assert!(!config(&["--merge", "--filter-lines", "-e", "E", "a"]).records);
        assert!(!config(&["-e", "E", "a"]).records);
        assert!(config(&["--filter-records", "-e", "E", "a"]).records);
        // Nothing to judge: nothing held.
        assert!(!config(&["--merge", "a"]).records);
        assert!(!config(&["--filter-records", "--until", "x", "a"]).records);
        assert_eq!(config(&["a"]).record_wait, Duration::from_millis(100));
        let args = ["ptail", "--filter-records", "--filter-lines", "a"];
        assert!(Cli::try_parse_from(args).is_err());
    }

    #[test]
    fn a_bad_regex_names_the_flag() {
        let cli = Cli::try_parse_from(["ptail", "-x", "(", "a.log"]).expect("arguments");
        let err = Config::from_cli(cli, Path::new("/")).expect_err("bad regex");
        assert!(
            err.to_string().starts_with("invalid --exclude regex '(': "),
            "{err}"
        );
    }
}
