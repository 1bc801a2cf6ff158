//! Command-line plumbing every tool shares: shell completions and man pages
//! from a clap definition, one-line argument errors, lexical paths.
//!
//! Not work distribution, but shared by every tool, and a tool never
//! re-implements what the others already have.

use std::path::{Component, Path, PathBuf};

use crate::ExitStatus;

/// What `--generate` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Generate {
    Man,
    CompleteBash,
    CompleteZsh,
    CompleteFish,
    CompleteElvish,
    CompletePowershell,
}

/// Render a man page or a completion script for `cmd` (binary `bin`).
pub fn generate(mut cmd: clap::Command, bin: &str, kind: Generate) -> std::io::Result<Vec<u8>> {
    use clap_complete::Shell;
    let mut out = Vec::new();
    let shell = match kind {
        Generate::Man => {
            clap_mangen::Man::new(cmd).render(&mut out)?;
            return Ok(out);
        }
        Generate::CompleteBash => Shell::Bash,
        Generate::CompleteZsh => Shell::Zsh,
        Generate::CompleteFish => Shell::Fish,
        Generate::CompleteElvish => Shell::Elvish,
        Generate::CompletePowershell => Shell::PowerShell,
    };
    clap_complete::generate(shell, &mut cmd, bin, &mut out);
    Ok(out)
}

/// The file name under `completions/` of each completion script of `bin`.
pub fn completion_files(bin: &str) -> [(Generate, String); 5] {
    [
        (Generate::CompleteBash, format!("{bin}.bash")),
        (Generate::CompleteZsh, format!("_{bin}")),
        (Generate::CompleteFish, format!("{bin}.fish")),
        (Generate::CompleteElvish, format!("{bin}.elv")),
        (Generate::CompletePowershell, format!("_{bin}.ps1")),
    ]
}

/// Report a clap error as the tools do: `--help` and `--version` print to
/// stdout (status 0); a usage error is one line on stderr (status 2).
pub fn report_clap_error(err: &clap::Error, bin: &str) -> ExitStatus {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            ExitStatus::Found
        }
        _ => {
            eprintln!("error: {} (see '{bin} --help')", clap_error_line(err));
            ExitStatus::Error
        }
    }
}

/// A usage error in one line, with clap's suggestion when it has one:
/// "unexpected argument '--hiden' found; did you mean '--hidden'?".
pub fn clap_error_line(err: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let mut line = one_line(err);
    let suggested = match err.get(ContextKind::SuggestedArg) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        _ => Vec::new(),
    };
    if let Some(best) = suggested.first() {
        line.push_str(&format!("; did you mean '{best}'?"));
    }
    line
}

/// A clap error in one line. Some errors put their detail on the lines
/// after the first ("the following required arguments were not
/// provided:" then "  --focus <PATTERN>"): those lines are joined to it,
/// or the line would end in an empty list.
fn one_line(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("invalid arguments");
    let first = first.strip_prefix("error: ").unwrap_or(first).trim_end();
    let details: Vec<&str> = lines
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    if details.is_empty() {
        first.to_string()
    } else {
        format!("{first} {}", details.join(", "))
    }
}

/// Parse a tool's arguments (program name first) into its clap derive
/// type; on `--help`/`--version` or a usage error, report it as
/// [`report_clap_error`] does and return the exit status to end with.
pub fn parse_args<C, I, T>(args: I, bin: &str) -> Result<C, ExitStatus>
where
    C: clap::CommandFactory + clap::FromArgMatches,
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    C::command()
        .try_get_matches_from(args)
        // `_mut` moves the values out; `from_arg_matches` would clone
        // every one (10,000 named files are 10,000 more strings).
        .and_then(|mut m| C::from_arg_matches_mut(&mut m))
        .map_err(|e| report_clap_error(&e, bin))
}

/// `base.join(path)` with `.` and `..` resolved lexically (no file-system
/// access, symbolic links untouched).
pub fn lexical_join(base: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in base.join(path).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_errors_keep_their_detail_in_one_line() {
        let cmd = || {
            clap::Command::new("t")
                .arg(
                    clap::Arg::new("a")
                        .long("a")
                        .action(clap::ArgAction::SetTrue),
                )
                .arg(
                    clap::Arg::new("b")
                        .long("b")
                        .requires("c")
                        .conflicts_with("a")
                        .action(clap::ArgAction::SetTrue),
                )
                .arg(clap::Arg::new("c").long("c"))
                .arg(clap::Arg::new("input").required_unless_present("a"))
        };
        let msg = |args: &[&str]| {
            let err = cmd().try_get_matches_from(args).expect_err("an error");
            one_line(&err)
        };
        assert_eq!(
            msg(&["t"]),
            "the following required arguments were not provided: <input>"
        );
        assert_eq!(
            msg(&["t", "--b", "x"]),
            "the following required arguments were not provided: --c <c>"
        );
        assert_eq!(
            msg(&["t", "--a", "--b"]),
            "the argument '--a' cannot be used with '--b'"
        );
    }

    #[test]
    fn lexical_join_resolves_dots() {
        assert_eq!(
            lexical_join(Path::new("/a/b"), Path::new("../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(
            lexical_join(Path::new("/a"), Path::new("/x/y")),
            PathBuf::from("/x/y")
        );
    }
}
