//! pimports: a parallel, syntax-exact Rust import analyzer.
//!
//! * [`scan`]: one file: every import site, its position and cfg (a token
//!   walk that gives syn only the import items, or with `--full-parse`
//!   syn's parse of the whole file);
//! * [`build_dir`]: which directories are Cargo's build output (skipped);
//! * [`cargo`]: manifests, targets, dependencies and their names in code;
//! * [`registry`]: the manifests of dependencies Cargo unpacked or vendored;
//! * [`analyze`]: module paths and the classification of every site;
//! * [`report`]: inventory, by-crate, unused dependencies, DOT, cycles;
//! * [`fix`]: unused-dependency findings located (`--json`) and fixed
//!   in the manifests (`--fix`, `--fix --dry-run`);
//! * [`cli`]: the command line, read once into a [`config::Config`];
//! * [`run`]: one run, from discovery to the report.
//!
//! The run: workdist discovery finds `.rs` files and `Cargo.toml`s (ignore
//! rules apply, Cargo's build directories are skipped); workdist's
//! `par_stream` reads and scans the files on a rayon pool whose threads
//! have 256 MiB stacks (syn recurses on deeply nested expressions; a file
//! nested deeper than [`scan::nesting`] allows is that file's error),
//! results streaming back as they complete (a progress line on a
//! terminal); then manifests are read, and the files that `mod`
//! declarations and workspace members name but the walk left out (ignored,
//! hidden, in a build directory) are read the same way, since Cargo
//! compiles them; last, [`analyze`] classifies the sites, file by file in
//! parallel on a rayon pool of its own (the same thread count, default
//! stacks), and the report is rendered and written on the calling thread.

pub mod analyze;
pub mod build_dir;
pub mod cargo;
pub mod cli;
pub mod config;
pub mod fix;
pub mod registry;
pub mod report;
pub mod run;
pub mod scan;

use std::ffi::OsString;

use workdist::ExitStatus;

use crate::cli::{Cli, Generate};
use crate::config::Config;

/// The `pimports` binary.
pub fn main() -> std::process::ExitCode {
    run(std::env::args_os()).into()
}

/// Run with these arguments (program name first).
pub fn run<I, T>(args: I) -> ExitStatus
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli: Cli = match workdist::cli::parse_args(args, "pimports") {
        Ok(cli) => cli,
        Err(status) => return status,
    };
    let result = match cli.generate {
        Some(kind) => generate(kind)
            .and_then(|text| run::write_out(&text))
            .map(|()| ExitStatus::Found)
            .map_err(anyhow::Error::from),
        None => Config::from_cli(&cli).and_then(|config| run::execute(&config)),
    };
    match result {
        Ok(status) => status,
        Err(e) if workdist::pipe::is_broken_pipe(e.as_ref()) => workdist::pipe::BROKEN_PIPE_STATUS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitStatus::Error
        }
    }
}

/// Render a completion script or the man page.
pub fn generate(kind: Generate) -> std::io::Result<Vec<u8>> {
    workdist::cli::generate(cli::command(), "pimports", kind)
}

/// The committed completion files.
pub fn completion_files() -> [(Generate, String); 5] {
    workdist::cli::completion_files("pimports")
}
