//! pgrep-lite: a ripgrep-compatible grep for source trees.
//!
//! * [`cli`]: the clap definition (flags, help, completions, man page);
//! * [`config`]: what the flags mean, resolved once;
//! * [`matcher`]: the patterns, compiled by the default engine or PCRE2;
//! * [`search`]: matcher, searcher and printer for one file at a time;
//! * [`input`]: `--pre`, `-z` and `-E`: what stands in for a file's bytes;
//! * [`run`]: the run itself, on workdist's discovery, parallel map and sink;
//! * [`print`](mod@print): `--files` lines and the `--stats` block, for one-shot and daemon;
//! * [`literal`]: the literal every match must contain (the daemon's
//!   prefilter);
//! * [`rcfile`]: the configuration file (`RIPGREP_CONFIG_PATH`);
//! * [`generate`]: completions and the man page;
//! * [`daemon`]: the resident daemon, its protocol and its client.

pub mod cli;
pub mod config;
#[cfg(unix)]
pub mod daemon;
#[doc(hidden)]
pub mod debuglog;
pub mod generate;
pub mod input;
pub mod literal;
pub mod matcher;
pub mod print;
pub mod rcfile;
pub mod run;
pub mod search;

/// The `pgrep-lite` binary.
pub fn main() -> std::process::ExitCode {
    run::run(std::env::args_os()).into()
}
