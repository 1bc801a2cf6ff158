//! pimports' configuration: the command line read once, as pgrep-lite's
//! and ptail's are; nothing after [`Config::from_cli`] sees a clap type.
//! The report modes are one enum (clap already refuses two of them at
//! once), and `--focus` is compiled here, so a bad pattern is an argument
//! error before any file is read.

use std::path::PathBuf;

use crate::cli::Cli;
use crate::report::Focus;
use crate::scan::Engine;

/// What to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// One line per file (the default).
    Inventory,
    Json,
    ByCrate,
    Dot,
    Cycles,
    UnusedDeps,
    /// `--unused-deps --json`.
    UnusedDepsJson,
    /// `--unused-deps --explain DEP`.
    Explain(String),
}

/// A pimports run, as the command line asked for it.
pub struct Config {
    /// The paths to analyse (`.` when none was given).
    pub paths: Vec<PathBuf>,
    pub report: Report,
    pub focus: Option<Focus>,
    pub only_focus: bool,
    pub stats: bool,
    pub engine: Engine,
    /// `-j`; none means one per core.
    pub threads: Option<usize>,
    pub hidden: bool,
    pub no_ignore: bool,
    /// `-g`: ripgrep's glob overrides, in order.
    pub globs: Vec<String>,
    /// `-q`: no warnings (errors are still printed).
    pub quiet: bool,
    /// `--fix`, `--fix --dry-run`; `Check` otherwise.
    pub fix: crate::fix::Mode,
}

impl Config {
    pub fn from_cli(cli: &Cli) -> anyhow::Result<Config> {
        let report = if cli.json && (cli.unused_deps || cli.fix) {
            Report::UnusedDepsJson
        } else if cli.json {
            Report::Json
        } else if cli.by_crate {
            Report::ByCrate
        } else if cli.dot {
            Report::Dot
        } else if cli.cycles {
            Report::Cycles
        } else if cli.unused_deps || cli.fix {
            match &cli.explain {
                Some(dep) => Report::Explain(dep.clone()),
                None => Report::UnusedDeps,
            }
        } else {
            Report::Inventory
        };
        let focus = match &cli.focus {
            Some(pat) => {
                Some(Focus::new(pat).map_err(|e| anyhow::anyhow!("invalid --focus pattern: {e}"))?)
            }
            None => None,
        };
        Ok(Config {
            paths: if cli.paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                cli.paths.clone()
            },
            report,
            focus,
            only_focus: cli.only_focus,
            stats: cli.stats,
            engine: if cli.full_parse {
                Engine::Full
            } else {
                Engine::Fast
            },
            threads: cli.threads,
            hidden: cli.hidden,
            no_ignore: cli.no_ignore,
            globs: cli.glob.clone(),
            quiet: cli.quiet,
            fix: match (cli.fix, cli.dry_run) {
                (true, true) => crate::fix::Mode::DryRun,
                (true, false) => crate::fix::Mode::Fix,
                _ => crate::fix::Mode::Check,
            },
        })
    }
}
