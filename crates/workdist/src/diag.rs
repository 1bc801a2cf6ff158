//! Per-file problems, reported the same way by every tool.
//!
//! A problem with one input (a file that cannot be read, a directory that
//! cannot be listed, a file that does not parse) is one line on standard
//! error, `TOOL: PATH: what went wrong`, and the run goes on. The reporter
//! remembers that something went wrong, so that the run exits 2 even if it
//! found what it looked for ([`crate::exit`]). Warnings (worth knowing, not
//! errors) do not change the status. `quiet` (pgrep-lite's
//! `--no-messages`) silences the lines but not the status.
//!
//! One `write` per message on a locked standard error, so lines from
//! different threads never interleave. Shared by reference between threads.

use std::fmt::Display;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::exit::ExitStatus;

/// Where a tool's per-file errors and warnings go.
#[derive(Debug)]
pub struct Diagnostics {
    tool: &'static str,
    quiet: bool,
    errored: AtomicBool,
}

impl Diagnostics {
    /// A reporter for `tool` (its name starts every line).
    pub fn new(tool: &'static str, quiet: bool) -> Diagnostics {
        Diagnostics {
            tool,
            quiet,
            errored: AtomicBool::new(false),
        }
    }

    /// An error that concerns part of the run.
    pub fn error(&self, msg: impl Display) {
        self.errored.store(true, Ordering::SeqCst);
        self.say(format_args!("{msg}"));
    }

    /// An error about one path: `TOOL: PATH: msg`.
    pub fn error_at(&self, path: &Path, msg: impl Display) {
        self.errored.store(true, Ordering::SeqCst);
        self.say(format_args!("{}: {msg}", path.display()));
    }

    /// Something worth knowing that is not an error.
    pub fn warn(&self, msg: impl Display) {
        self.say(format_args!("{msg}"));
    }

    /// True once any error has been reported.
    pub fn errored(&self) -> bool {
        self.errored.load(Ordering::SeqCst)
    }

    /// The exit status of a run that did or did not find something, given
    /// the errors reported (see [`ExitStatus::from_run`]).
    pub fn status(&self, found: bool, quiet_match_wins: bool) -> ExitStatus {
        ExitStatus::from_run(found, self.errored(), quiet_match_wins)
    }

    fn say(&self, msg: std::fmt::Arguments<'_>) {
        if !self.quiet {
            let line = format!("{}: {msg}\n", self.tool);
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_set_the_status_warnings_do_not() {
        let d = Diagnostics::new("t", true);
        d.warn("w");
        assert!(!d.errored());
        assert_eq!(d.status(true, false), ExitStatus::Found);
        d.error_at(Path::new("p"), "bad");
        assert!(d.errored());
        assert_eq!(d.status(true, false), ExitStatus::Error);
        assert_eq!(d.status(true, true), ExitStatus::Found);
    }
}
