//! ptail: follow many logs and fan them into one output through a single
//! writer.
//!
//! # Theory of operation
//!
//! * **Inputs** are files (which may not exist yet), globs and directories
//!   ([`inputs`]). The command line ([`cli`]) is read once into a
//!   [`config::Config`]; nothing after that looks at a flag.
//! * **One thread reads every file.** Each file is a [`follow::Follower`]:
//!   its identity, read position and line framing. Regular files never
//!   block a read, so one loop ([`follow_loop`]) drives them all: it waits
//!   in one `poll(2)` on the inotify descriptor, a signal pipe and (when it
//!   is a pipe) stdout, with a timeout for the next periodic check, then
//!   reads every queued notification and polls the followers concerned.
//!   Thousands of inputs cost no thread each, and one file's lines go out
//!   in the order they were read.
//! * **Notifications are hints.** inotify watches the parent directories
//!   (not the files: 10,000 files in one directory are one watch), through
//!   `workdist::watch`. A write makes the loop read the file to EOF; a
//!   creation, deletion or rename also makes it check the path's identity.
//!   A periodic stat check (every second, or every `--poll` interval when
//!   polling) catches what events miss; a rotated-away file is read on a
//!   short timer until its grace period ends. When notifications are
//!   unavailable or inotify's limits are hit, ptail says so once, with the
//!   sysctl to raise, and polls.
//! * **A file is its identity (device, inode), not its name.** Every file
//!   a follower holds is registered by identity ([`followed`]); when a
//!   followed name turns out to be a file another follower holds (in a
//!   followed directory, `app.log` renamed to `app.log.1`), the follower of
//!   the new name takes the open file over and reads on from where it was.
//! * **Descriptors are a budget.** The soft `RLIMIT_NOFILE` is raised to
//!   the hard one; past it, the least recently read files are parked
//!   (descriptor closed, place kept) and reopened by name on their next
//!   event or check, so any number of inputs is followed under any limit.
//! * **The output is never an input**: `-o FILE` named as an input is
//!   refused; found by a glob or directory, it is left out ([`run`]).
//! * **One writer.** What a poll of a follower reads is formatted
//!   ([`output`]: prefix, colour, JSON; timestamps from [`time`], ordered by
//!   [`merge`] with `--merge`; `-e`/`-x` judging whole records with
//!   [`records`]) into a pending batch, written by the reading thread
//!   itself ([`writer`]) at the end of each wake-up or when the batch is
//!   full, so lines show up at once even in a pipe, while a busy file's
//!   lines go out in large writes. A
//!   slow consumer blocks the loop (back-pressure), never grows memory; a
//!   closed pipe ends the run with status 0, noticed even while every input
//!   is idle (the loop polls stdout for POLLERR/POLLHUP).
//! * **`--state FILE` remembers what was written** ([`state`]): per file
//!   held, its identity, a fingerprint of its start and the offset past
//!   the last whole line the writer wrote (the writer counts its bytes; a
//!   batch's positions are committed once it is written, and with `-o`
//!   once the output is synced: write-ahead). Saved atomically at most
//!   every 100 ms while lines flow and at every exit; partial last lines
//!   are left for the next run. On start each file goes on from its
//!   offset (no `-n` history), files rotated while ptail was down are
//!   found beside their name by identity and fingerprint and drained
//!   first, and `-o` is cut back to the length the state covers: exactly
//!   once across any stop with `-o`, across any but SIGKILL on stdout.
//! * **Problems with one file** are one line on stderr, `ptail: PATH: what`
//!   (`workdist::Diagnostics`), and the run goes on.

pub mod cli;
pub mod config;
mod fingerprint;
pub mod follow;
mod follow_loop;
mod followed;
pub mod inputs;
pub mod merge;
mod newlines;
pub mod output;
pub mod records;
mod run;
pub mod state;
pub mod time;
mod writer;

use std::ffi::OsString;
use std::io::Write;

use workdist::ExitStatus;
use workdist::pipe::{BROKEN_PIPE_STATUS, is_broken_pipe};

use crate::cli::{Cli, Generate};
use crate::config::Config;

pub fn main() -> std::process::ExitCode {
    run(std::env::args_os()).into()
}

pub fn run<I, T>(args: I) -> ExitStatus
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli: Cli = match workdist::cli::parse_args(args, "ptail") {
        Ok(cli) => cli,
        Err(status) => return status,
    };
    match execute(cli) {
        Ok(status) => status,
        Err(e) if is_broken_pipe(e.as_ref()) => BROKEN_PIPE_STATUS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitStatus::Error
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<ExitStatus> {
    if let Some(kind) = cli.generate {
        let mut out = std::io::stdout().lock();
        out.write_all(&generate(kind)?)?;
        out.flush()?;
        return Ok(ExitStatus::Found);
    }
    let cwd = std::env::current_dir()?;
    // Read once: 10,000 inputs' arguments are not kept for the whole run.
    let config = Config::from_cli(cli, &cwd)?;
    run::execute(config)
}

pub fn generate(kind: Generate) -> std::io::Result<Vec<u8>> {
    workdist::cli::generate(cli::command(), "ptail", kind)
}

pub fn completion_files() -> [(Generate, String); 5] {
    workdist::cli::completion_files("ptail")
}
