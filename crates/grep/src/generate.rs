//! `--generate`: the man page and shell completions, from the clap definition.
//!
//! The committed files under `completions/` are this output; a test in
//! `tests/` regenerates them in memory and fails when they are stale.

pub use workdist::cli::Generate;

/// Render one artefact as bytes.
pub fn render(kind: Generate) -> std::io::Result<Vec<u8>> {
    workdist::cli::generate(crate::cli::command(), "pgrep-lite", kind)
}

/// The file name under `completions/` for each shell.
pub fn completion_files() -> [(Generate, String); 5] {
    workdist::cli::completion_files("pgrep-lite")
}
