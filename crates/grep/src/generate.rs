//! `--generate`: the man page and shell completions, from the clap definition.
//!
//! The committed files under `completions/` are this output; a test in
//! `tests/` regenerates them in memory and fails when they are stale.

use clap_complete::Shell;

use crate::cli::{self, Generate};

/// Render one artefact as bytes.
pub fn render(kind: Generate) -> std::io::Result<Vec<u8>> {
    let mut cmd = cli::command();
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
    clap_complete::generate(shell, &mut cmd, "pgrep-lite", &mut out);
    Ok(out)
}

/// The file name under `completions/` for each shell.
pub fn completion_files() -> [(Generate, &'static str); 5] {
    [
        (Generate::CompleteBash, "pgrep-lite.bash"),
        (Generate::CompleteZsh, "_pgrep-lite"),
        (Generate::CompleteFish, "pgrep-lite.fish"),
        (Generate::CompleteElvish, "pgrep-lite.elv"),
        (Generate::CompletePowershell, "_pgrep-lite.ps1"),
    ]
}
