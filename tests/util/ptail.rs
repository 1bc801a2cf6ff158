//! A running ptail, for the tests that follow files (`tests/tail.rs`,
//! `tests/tail_follow.rs`): its stdout and stderr lines arrive on channels
//! as it writes them, each expected line is awaited at most [`WAIT`], and
//! the process is killed if a test fails (it is a [`Child`]).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::{Child, Dir, Signal, lines_of};

/// ptail, as built for this test run.
pub const PTAIL: &str = env!("CARGO_BIN_EXE_ptail");

/// The longest any expected line, event or exit may take. ptail's periodic
/// check runs every second, and tests run in parallel on small machines;
/// a passing test never waits this long.
pub const WAIT: Duration = Duration::from_secs(10);

/// A running ptail. Dropping it (a failed assertion unwinding) kills the
/// process, so a failing test never leaves it behind.
pub struct Ptail {
    pub child: Child,
    /// ptail's stdout lines, without their newlines ([`lines_of`]).
    pub stdout: Receiver<String>,
    pub stderr: Receiver<String>,
    /// Every stdout line received so far.
    pub out: Vec<String>,
    /// Every stderr line received so far.
    pub err: Vec<String>,
}

/// How a ptail ended: its exit code and everything it wrote.
#[derive(Debug)]
pub struct Ended {
    pub code: Option<i32>,
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
}

impl Ptail {
    /// ptail in `dir` with `args`.
    pub fn start(dir: &Dir, args: &[&str]) -> Ptail {
        let mut cmd = dir.command();
        cmd.args(args);
        Ptail::spawn(cmd)
    }

    /// ptail as `cmd` runs it (through a wrapper, say).
    pub fn spawn(cmd: Command) -> Ptail {
        Ptail::spawn_with_stdin(cmd, Stdio::null())
    }

    /// [`Ptail::spawn`], with `stdin` as ptail's standard input.
    pub fn spawn_with_stdin(mut cmd: Command, stdin: Stdio) -> Ptail {
        let mut child = Child::spawn(
            cmd.stdin(stdin)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
        );
        let stdout = lines_of(child.stdout.take().expect("stdout"));
        let stderr = lines_of(child.stderr.take().expect("stderr"));
        Ptail {
            child,
            stdout,
            stderr,
            out: Vec::new(),
            err: Vec::new(),
        }
    }

    /// Wait until ptail watches `dir` (see [`super::wait_watching`]).
    pub fn wait_watching(&self, dir: &Path) {
        super::wait_watching(WAIT, self.child.id(), dir);
    }

    /// The next stdout lines must be exactly `want`, each within [`WAIT`].
    pub fn expect(&mut self, want: &[&str]) {
        for w in want {
            match self.stdout.recv_timeout(WAIT) {
                Ok(line) => {
                    assert_eq!(
                        &line, w,
                        "stdout so far: {:?}\nstderr so far: {:?}",
                        self.out, self.err
                    );
                    self.out.push(line);
                }
                Err(e) => self.fail(&format!("no stdout line {w:?} within {WAIT:?} ({e:?})")),
            }
        }
    }

    /// The next stderr line must be exactly `want`, within [`WAIT`].
    pub fn expect_err(&mut self, want: &str) {
        match self.stderr.recv_timeout(WAIT) {
            Ok(line) => {
                assert_eq!(
                    line, want,
                    "stdout so far: {:?}\nstderr so far: {:?}",
                    self.out, self.err
                );
                self.err.push(line);
            }
            Err(e) => self.fail(&format!("no stderr line {want:?} within {WAIT:?} ({e:?})")),
        }
    }

    /// Fail the test with `why` and everything ptail wrote so far.
    pub fn fail(&mut self, why: &str) -> ! {
        self.err.extend(self.stderr.try_iter());
        panic!(
            "{why}\nstdout so far: {:?}\nstderr so far: {:?}",
            self.out, self.err
        );
    }

    /// The stdout lines that come until `quiet` passes with none (bounded
    /// by `max`); they are also kept in [`Ptail::out`].
    pub fn drain(&mut self, quiet: Duration, max: Duration) -> Vec<String> {
        let end = Instant::now() + max;
        let mut lines = Vec::new();
        while Instant::now() < end {
            match self.stdout.recv_timeout(quiet) {
                Ok(l) => lines.push(l),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        self.out.extend(lines.iter().cloned());
        lines
    }

    /// SIGTERM, then wait (bounded) for the exit and the rest of the output.
    pub fn stop(&mut self) -> Ended {
        self.child.signal(Signal::TERM).expect("SIGTERM");
        self.finish()
    }

    /// Wait (bounded) for the exit of a ptail that ends by itself
    /// (`--until`, `--timeout`), and for the rest of its output.
    pub fn finish(&mut self) -> Ended {
        let code = self.child.wait_bounded(WAIT).code();
        // The readers end at EOF, which comes with the exit.
        let end = Instant::now() + WAIT;
        for (rx, all) in [(&self.stdout, &mut self.out), (&self.stderr, &mut self.err)] {
            loop {
                match rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
                    Ok(line) => all.push(line),
                    Err(RecvTimeoutError::Disconnected) => break,
                    Err(RecvTimeoutError::Timeout) => panic!("ptail's output did not end"),
                }
            }
        }
        Ended {
            code,
            stdout: self.out.clone(),
            stderr: self.err.clone(),
        }
    }
}
