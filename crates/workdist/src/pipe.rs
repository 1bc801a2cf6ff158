//! The broken-pipe rule, once for every tool.
//!
//! Standard output closed by its reader (`tool | head -1`) is how a
//! pipeline says "enough", not a failure: the tool stops promptly, prints
//! nothing about it and exits 0 ([`BROKEN_PIPE_STATUS`]), as grep does when
//! its `SIGPIPE` is ignored and as a shell user expects. Rust ignores
//! `SIGPIPE`, so the tools see `EPIPE` as an [`std::io::Error`] of kind
//! [`BrokenPipe`](std::io::ErrorKind::BrokenPipe), possibly wrapped in other
//! errors; [`is_broken_pipe`] looks through the chain. The single writer
//! ([`crate::sink`]) reports it as [`crate::SinkOutcome::BrokenPipe`].

use std::error::Error;
use std::io;

use crate::exit::ExitStatus;

/// The exit status of a run whose output went away.
pub const BROKEN_PIPE_STATUS: ExitStatus = ExitStatus::Found;

/// Whether `err`, or any error it wraps, is a broken pipe.
pub fn is_broken_pipe(err: &(dyn Error + 'static)) -> bool {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        cur = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrap(io::Error);
    impl std::fmt::Display for Wrap {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "writing: {}", self.0)
        }
    }
    impl Error for Wrap {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn found_through_wrappers_and_only_there() {
        let epipe = io::Error::from(io::ErrorKind::BrokenPipe);
        assert!(is_broken_pipe(&epipe));
        assert!(is_broken_pipe(&Wrap(epipe)));
        assert!(!is_broken_pipe(&Wrap(io::Error::other("disk full"))));
    }
}
