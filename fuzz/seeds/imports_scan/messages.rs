//! Error and warning messages on standard error.
//!
//! A problem with one file is reported with its path and the run goes on;
//! the run remembers that something went wrong so that the exit status is 2
//! (grep's rule). `--no-messages` silences the report but not the status.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Where per-file problems are reported. Shared by reference between threads.
#[derive(Debug, Default)]
pub struct Messages {
    quiet: bool,
    errored: AtomicBool,
}

impl Messages {
    pub fn new(quiet: bool) -> Messages {
        Messages {
            quiet,
            errored: AtomicBool::new(false),
        }
    }

    /// Report an error that concerns part of the run (one file).
    pub fn error(&self, msg: impl std::fmt::Display) {
        self.errored.store(true, Ordering::SeqCst);
        if !self.quiet {
            // One write per message: lines from different threads never mix.
            let line = format!("pgrep-lite: {msg}\n");
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
        }
    }

    /// Report something worth knowing that is not an error.
    pub fn warn(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            let line = format!("pgrep-lite: {msg}\n");
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
        }
    }

    /// True once any error has been reported.
    pub fn errored(&self) -> bool {
        self.errored.load(Ordering::SeqCst)
    }
}
