//! Where the bytes of one file come from, when they are not simply the
//! file's: `--pre COMMAND` (its output for the file, chosen by
//! `--pre-glob`), `-z/--search-zip` (a decompression program's output,
//! chosen by the file's extension) and `-E/--encoding` (how the searcher
//! decodes what it reads). [`crate::search::Worker`] asks [`Input`] which
//! command, if any, stands in for a file, and reads its output through
//! grep-cli's `CommandReader`, exactly as ripgrep's `SearchWorker` does.
//!
//! The flags are checked once, when the command line is read ([`check`]):
//! an unknown encoding label or an invalid `--pre-glob` is a usage error
//! before anything is searched, as in ripgrep.
//!
//! One deliberate difference from ripgrep: when a file's decompression
//! program cannot be started (not installed), ripgrep silently searches
//! the compressed bytes, which finds nothing; pgrep-lite reports that
//! file's error (naming the program) and goes on with the others, so a
//! missing `xz` is not mistaken for "no match".

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use grep_cli::{CommandReader, CommandReaderBuilder, DecompressionMatcher};
use grep_searcher::Encoding;
use ignore::overrides::{Override, OverrideBuilder};

/// What `-E/--encoding LABEL` asks of the searcher.
#[derive(Clone, Debug)]
pub enum EncodingChoice {
    /// `auto` (the default): UTF-8, except files that start with a UTF-8
    /// or UTF-16 byte-order mark, which are decoded by it.
    Auto,
    /// `none`: the raw bytes, BOM and all.
    Raw,
    /// A WHATWG label: decode from it (a BOM still wins, as in ripgrep).
    Label(Encoding),
}

/// Resolve an `-E` label as ripgrep does (`auto`, `none`, or a WHATWG label
/// other than the "replacement" ones).
pub fn encoding(label: Option<&str>) -> anyhow::Result<EncodingChoice> {
    Ok(match label {
        None | Some("auto") => EncodingChoice::Auto,
        Some("none") => EncodingChoice::Raw,
        Some(label) => EncodingChoice::Label(Encoding::new(label).map_err(|_| {
            anyhow::anyhow!(
                "-E/--encoding: unknown encoding: {label} (expected auto, none, or a label \
                 from https://encoding.spec.whatwg.org/#concept-encoding-get)"
            )
        })?),
    })
}

/// Check the input flags when the command line is read: the `-E` label and
/// the `--pre-glob`s (relative to `cwd`).
pub fn check(encoding_label: Option<&str>, pre_globs: &[String], cwd: &Path) -> anyhow::Result<()> {
    encoding(encoding_label)?;
    pre_glob_matcher(pre_globs, cwd)?;
    Ok(())
}

fn pre_glob_matcher(globs: &[String], cwd: &Path) -> anyhow::Result<Override> {
    if globs.is_empty() {
        return Ok(Override::empty());
    }
    let mut b = OverrideBuilder::new(cwd);
    for glob in globs {
        b.add(glob)?;
    }
    Ok(b.build()?)
}

/// The commands that may stand in for a file, for one worker.
pub struct Input {
    pre: Option<Preprocessor>,
    zip: Option<DecompressionMatcher>,
    commands: CommandReaderBuilder,
}

struct Preprocessor {
    program: PathBuf,
    /// Which files it applies to (all when empty). An error here cannot
    /// happen after [`check`]; it is kept, not unwrapped, and reported as
    /// each file's error.
    globs: Result<Override, String>,
}

/// Why a command's output is searched instead of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Preprocessor,
    Decompressor,
}

/// A file's stand-in: the command whose output is searched.
pub struct StandIn {
    pub via: Via,
    command: Command,
}

impl Input {
    /// `--pre` and its `--pre-glob`s (relative to `cwd`), and `-z`. (The
    /// flags, not the Config: config reads this module to check them.)
    pub fn new(pre: Option<&Path>, pre_globs: &[String], cwd: &Path, search_zip: bool) -> Input {
        let mut commands = CommandReaderBuilder::new();
        // Read the command's stderr on a thread of its own, so that a
        // chatty command never blocks on a full stderr pipe (ripgrep too).
        commands.async_stderr(true);
        Input {
            pre: pre.map(|program| Preprocessor {
                program: program.to_path_buf(),
                globs: pre_glob_matcher(pre_globs, cwd).map_err(|err| format!("{err:#}")),
            }),
            zip: search_zip.then(DecompressionMatcher::new),
            commands,
        }
    }

    /// True when no file can have a stand-in (nothing to ask per file).
    pub fn is_plain(&self) -> bool {
        self.pre.is_none() && self.zip.is_none()
    }

    /// The command whose output stands in for the file at `open` (shown
    /// and passed to the command as `display`), if any: the preprocessor
    /// when its globs select the file, else a decompressor when `-z` knows
    /// the extension.
    pub fn stand_in(&self, display: &Path, open: &Path) -> io::Result<Option<StandIn>> {
        if let Some(pre) = &self.pre {
            let selected = match &pre.globs {
                Ok(globs) => globs.is_empty() || !globs.matched(display, false).is_ignore(),
                Err(err) => return Err(io::Error::other(err.clone())),
            };
            if selected {
                let mut command = Command::new(&pre.program);
                command.arg(display).stdin(Stdio::from(File::open(open)?));
                return Ok(Some(StandIn {
                    via: Via::Preprocessor,
                    command,
                }));
            }
        }
        if let Some(zip) = &self.zip
            && let Some(mut command) = zip.command(display)
        {
            command.arg(open).stdin(Stdio::null());
            return Ok(Some(StandIn {
                via: Via::Decompressor,
                command,
            }));
        }
        Ok(None)
    }

    /// Start a stand-in. Its failure to start is the file's error, naming
    /// the command.
    pub fn spawn(&self, stand_in: &mut StandIn) -> io::Result<CommandReader> {
        self.commands.build(&mut stand_in.command).map_err(|err| {
            let what = match stand_in.via {
                Via::Preprocessor => "preprocessor",
                Via::Decompressor => "decompression",
            };
            io::Error::other(format!(
                "{what} command could not start: '{:?}': {}",
                stand_in.command,
                io::Error::from(err)
            ))
        })
    }

    /// The message for a stand-in whose output could not be read.
    pub fn read_failed(stand_in: &StandIn, err: io::Error) -> io::Error {
        match stand_in.via {
            Via::Preprocessor => io::Error::other(format!(
                "preprocessor command failed: '{:?}': {err}",
                stand_in.command
            )),
            Via::Decompressor => err,
        }
    }
}
