//! Replacing a manifest so that a crash leaves the old file or the new one,
//! never half of one, and nothing is written through a symbolic link.

use std::path::{Path, PathBuf};

/// Why a manifest may not be rewritten.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("is a symbolic link; not rewritten (fixing through it would write elsewhere)")]
    Symlink,
    #[error("{} is a symbolic link; not rewritten (fixing through it would write elsewhere)", .0.display())]
    SymlinkDir(PathBuf),
    #[error("is not a regular file; not rewritten")]
    NotAFile,
    #[error("is outside the paths given; not rewritten")]
    Outside,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// May `manifest` be rewritten? It must be under one of `roots` (a
/// directory given, or the file itself), a regular file, and neither it
/// nor a directory between the root and it a symbolic link (someone could
/// have planted one to redirect the write).
pub fn check(manifest: &Path, roots: &[PathBuf]) -> Result<(), Refusal> {
    let root = roots
        .iter()
        .filter(|r| manifest == r.as_path() || (manifest.starts_with(r) && r.is_dir()))
        .max_by_key(|r| r.components().count())
        .ok_or(Refusal::Outside)?;
    let meta = std::fs::symlink_metadata(manifest)?;
    if meta.file_type().is_symlink() {
        return Err(Refusal::Symlink);
    }
    if !meta.is_file() {
        return Err(Refusal::NotAFile);
    }
    let mut dir = manifest.parent();
    while let Some(d) = dir {
        if d == root.as_path() || !d.starts_with(root) {
            break;
        }
        if std::fs::symlink_metadata(d)?.file_type().is_symlink() {
            return Err(Refusal::SymlinkDir(d.to_path_buf()));
        }
        dir = d.parent();
    }
    Ok(())
}

/// Write `bytes` to `path` atomically, keeping its permissions: see
/// `workdist::atomic` (a new file beside it created with O_EXCL and
/// O_NOFOLLOW, synced, renamed over it, the directory synced).
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode() & 0o7777;
    workdist::atomic::replace(path, bytes, mode)
}
