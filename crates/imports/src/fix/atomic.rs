//! Replacing a manifest so that a crash leaves the old file or the new one,
//! never half of one, and nothing is written through a symbolic link.

use std::io::Write;
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

/// Write `bytes` to `path` atomically: a new file beside it (created with
/// O_EXCL under a random name), written and synced, given the old file's
/// permissions, then renamed over it (a rename replaces the directory
/// entry; it never writes through a link), and the directory synced.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let perms = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".Cargo.toml.")
        .suffix(".pimports")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().set_permissions(perms)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself durable; not every file system can sync a
    // directory, and the file is in place either way.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
