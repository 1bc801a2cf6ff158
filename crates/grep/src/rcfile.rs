//! The configuration file: default flags read before the command line's.
//!
//! The file is named by `PGREP_LITE_CONFIG_PATH`, else by
//! `RIPGREP_CONFIG_PATH`, so that a ripgrep user's existing config just
//! works. Its format is ripgrep's: one argument per line (`--glob=!*.min.js`
//! or `--glob` then `!*.min.js` on the next line), leading and trailing
//! whitespace trimmed, blank lines and lines starting with `#` skipped. Its
//! arguments go before the command line's, so the command line wins (the
//! last of a repeated flag counts). `--no-config` on the command line skips
//! the file.
//!
//! Where ripgrep prints a message and goes on without the file, pgrep-lite
//! stops with exit status 2: a config silently ignored changes every result
//! without saying so. An unreadable file is named; a flag in it that does
//! not parse is named with its line.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// The environment variables naming a config file, in order of precedence.
pub const CONFIG_VARS: [&str; 2] = ["PGREP_LITE_CONFIG_PATH", "RIPGREP_CONFIG_PATH"];

/// A config file that was read: where it is, which variable named it, and
/// its arguments with their line numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    pub path: PathBuf,
    pub var: &'static str,
    pub args: Vec<(usize, OsString)>,
}

/// Why a config file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RcError {
    #[error("cannot read the config file {} (named by {var}): {err}", path.display())]
    Read {
        path: PathBuf,
        var: &'static str,
        err: std::io::Error,
    },
    #[error("{}:{line}: {msg} (config file named by {var})", path.display())]
    Line {
        path: PathBuf,
        var: &'static str,
        line: usize,
        msg: String,
    },
}

/// The command line with the config file's arguments put after the program
/// name, and the file read (None when there is none or `--no-config`).
pub fn expand(
    args: Vec<OsString>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<(Vec<OsString>, Option<Loaded>), RcError> {
    if asks_no_config(&args) {
        return Ok((args, None));
    }
    let Some((var, path)) = CONFIG_VARS
        .iter()
        .find_map(|var| env(var).filter(|v| !v.is_empty()).map(|v| (*var, v)))
    else {
        return Ok((args, None));
    };
    let path = PathBuf::from(path);
    let bytes = read_bounded(&path).map_err(|err| RcError::Read {
        path: path.clone(),
        var,
        err,
    })?;
    let loaded = Loaded {
        args: parse(&bytes),
        path,
        var,
    };
    let mut out = Vec::with_capacity(args.len() + loaded.args.len());
    let mut given = args.into_iter();
    out.extend(given.next());
    out.extend(loaded.args.iter().map(|(_, a)| a.clone()));
    out.extend(given);
    Ok((out, Some(loaded)))
}

/// The most a config file may hold: flags, not data (`/dev/zero` named by
/// mistake must not fill memory).
pub const MAX_CONFIG: u64 = 1 << 20;

/// A regular file's bytes, at most [`MAX_CONFIG`] of them (a FIFO would
/// block, a device could be endless).
fn read_bounded(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > MAX_CONFIG {
        return Err(std::io::Error::other(format!(
            "{} bytes: a config file holds at most {MAX_CONFIG}",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `--no-config` among the command line's flags (before a `--`). A value
/// that happens to read `--no-config` (`-e --no-config`) counts too: the
/// rare false positive only skips the file, which the user can see with
/// `--debug`.
fn asks_no_config(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| a.as_os_str() != OsStr::new("--"))
        .any(|a| a.as_os_str() == OsStr::new("--no-config"))
}

/// The arguments of a config file, each with its line number (from 1).
pub fn parse(bytes: &[u8]) -> Vec<(usize, OsString)> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .filter_map(|(i, line)| {
            let line = line.trim_ascii();
            if line.is_empty() || line[0] == b'#' {
                None
            } else {
                Some((i + 1, os_from_bytes(line)))
            }
        })
        .collect()
}

#[cfg(unix)]
fn os_from_bytes(bytes: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(bytes.to_vec())
}

#[cfg(not(unix))]
fn os_from_bytes(bytes: &[u8]) -> OsString {
    OsString::from(String::from_utf8_lossy(bytes).into_owned())
}

impl Loaded {
    /// When the whole command line did not parse: if the config file's
    /// arguments alone do not parse either, the error is the file's, at
    /// the line of the argument clap names (else its first argument's).
    pub fn blame(&self, argv0: &OsStr) -> Option<RcError> {
        use clap::CommandFactory;
        let alone =
            std::iter::once(argv0.to_os_string()).chain(self.args.iter().map(|(_, a)| a.clone()));
        let err = crate::cli::Cli::command()
            .try_get_matches_from(alone)
            .err()?;
        if matches!(
            err.kind(),
            clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
        ) {
            return None;
        }
        let culprit = match err.get(clap::error::ContextKind::InvalidArg) {
            Some(clap::error::ContextValue::String(s)) => Some(s.clone()),
            _ => None,
        };
        let line = culprit
            .as_deref()
            .and_then(|c| {
                // clap names `--flag <VALUE>`; the file has `--flag` or
                // `--flag=value`.
                let flag = c.split([' ', '=']).next().unwrap_or(c);
                self.args.iter().find(|(_, a)| {
                    let a = a.to_string_lossy();
                    a == flag || a.starts_with(&format!("{flag}=")) || a == c
                })
            })
            .or(self.args.first())
            .map_or(0, |(n, _)| *n);
        Some(RcError::Line {
            path: self.path.clone(),
            var: self.var,
            line,
            msg: workdist::cli::clap_error_line(&err),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn lines_are_trimmed_and_comments_skipped() {
        let got = parse(b"# colours\n--smart-case\n\n  --glob=!*.min.js  \r\n#x\n--type\nrust");
        assert_eq!(
            got,
            [
                (2, OsString::from("--smart-case")),
                (4, "--glob=!*.min.js".into()),
                (6, "--type".into()),
                (7, "rust".into())
            ]
        );
    }

    #[test]
    fn the_config_goes_between_the_program_and_the_command_line() {
        let dir = tempfile::tempdir().expect("tmp");
        let rc = dir.path().join("rc");
        std::fs::write(&rc, "-i\n").expect("rc");
        let env = |v: &str| (v == "RIPGREP_CONFIG_PATH").then(|| rc.clone().into_os_string());
        let (args, loaded) = expand(os(&["pg", "-s", "x"]), env).expect("expand");
        assert_eq!(args, os(&["pg", "-i", "-s", "x"]));
        assert_eq!(loaded.map(|l| l.var), Some("RIPGREP_CONFIG_PATH"));
        // Ours first.
        let ours = dir.path().join("ours");
        std::fs::write(&ours, "-w\n").expect("ours");
        let env = |v: &str| match v {
            "PGREP_LITE_CONFIG_PATH" => Some(ours.clone().into_os_string()),
            "RIPGREP_CONFIG_PATH" => Some(rc.clone().into_os_string()),
            _ => None,
        };
        let (args, _) = expand(os(&["pg", "x"]), env).expect("expand");
        assert_eq!(args, os(&["pg", "-w", "x"]));
        // --no-config, and an empty variable.
        let (args, loaded) = expand(os(&["pg", "--no-config", "x"]), env).expect("expand");
        assert_eq!((args, loaded), (os(&["pg", "--no-config", "x"]), None));
        let (args, loaded) = expand(os(&["pg", "x"]), |_| Some(OsString::new())).expect("e");
        assert_eq!((args, loaded), (os(&["pg", "x"]), None));
    }

    #[test]
    fn an_unreadable_file_is_an_error_naming_it() {
        let env = |v: &str| (v == "RIPGREP_CONFIG_PATH").then(|| OsString::from("/nonexistent/rc"));
        let err = expand(os(&["pg", "x"]), env).expect_err("missing");
        let msg = err.to_string();
        assert!(
            msg.contains("/nonexistent/rc") && msg.contains("RIPGREP_CONFIG_PATH"),
            "{msg}"
        );
    }

    #[test]
    fn only_a_regular_file_of_bounded_size_is_read() {
        for special in ["/dev/zero", "/"] {
            let env = |v: &str| (v == "RIPGREP_CONFIG_PATH").then(|| OsString::from(special));
            let err = expand(os(&["pg", "x"]), env).expect_err(special);
            assert!(err.to_string().contains("not a regular file"), "{err}");
        }
        let dir = tempfile::tempdir().expect("tmp");
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'#'; MAX_CONFIG as usize + 1]).expect("big");
        let env = |v: &str| (v == "RIPGREP_CONFIG_PATH").then(|| big.clone().into_os_string());
        let err = expand(os(&["pg", "x"]), env).expect_err("too big");
        assert!(err.to_string().contains("at most"), "{err}");
    }

    #[test]
    fn a_bad_flag_is_blamed_on_its_line() {
        let loaded = Loaded {
            path: "rc".into(),
            var: "RIPGREP_CONFIG_PATH",
            args: vec![(1, "-i".into()), (3, "--hiden".into())],
        };
        let err = loaded.blame(OsStr::new("pg")).expect("blamed");
        let msg = err.to_string();
        assert!(msg.starts_with("rc:3: "), "{msg}");
        assert!(msg.contains("--hidden"), "{msg}");
        let fine = Loaded {
            args: vec![(1, "--max-count=3".into())],
            ..loaded
        };
        assert!(fine.blame(OsStr::new("pg")).is_none());
    }
}
