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
            let text = err.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("error: {first} (see '{bin} --help')");
            ExitStatus::Error
        }
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
        .and_then(|m| C::from_arg_matches(&m))
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
