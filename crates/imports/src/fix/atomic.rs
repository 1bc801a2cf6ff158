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

/// A manifest that may be rewritten: its directory held open (reached
/// from the root without following a link), and its name in it.
#[derive(Debug)]
pub struct Target {
    dir: workdist::atomic::Beneath,
    name: std::ffi::OsString,
}

/// May `manifest` be rewritten? It must be under one of `roots` (a
/// directory given, or the file itself), a regular file, and neither it
/// nor a directory between the root and it a symbolic link (someone could
/// have planted one to redirect the write). The directories are opened
/// one by one without following links, and the manifest is read and
/// written relative to the last one ([`Target::read`], [`write`]): a
/// directory swapped for a link after this check changes nothing.
pub fn check(manifest: &Path, roots: &[PathBuf]) -> Result<Target, Refusal> {
    let root = roots
        .iter()
        .filter(|r| manifest == r.as_path() || (manifest.starts_with(r) && r.is_dir()))
        .max_by_key(|r| r.components().count())
        .ok_or(Refusal::Outside)?;
    let name = manifest
        .file_name()
        .ok_or(Refusal::NotAFile)?
        .to_os_string();
    let parent = manifest.parent().unwrap_or(Path::new(""));
    // The file itself given: its directory as given. Else the root as
    // given, and the directories below it without following links.
    let (base, rel) = if manifest == root.as_path() {
        (parent, Path::new(""))
    } else {
        (
            root.as_path(),
            parent.strip_prefix(root).map_err(|_| Refusal::Outside)?,
        )
    };
    let dir = workdist::atomic::Beneath::open(base, rel).map_err(|e| {
        if e.is_link() {
            Refusal::SymlinkDir(e.at)
        } else {
            Refusal::Io(e.error)
        }
    })?;
    let meta = std::fs::symlink_metadata(manifest)?;
    if meta.file_type().is_symlink() {
        return Err(Refusal::Symlink);
    }
    if !meta.is_file() {
        return Err(Refusal::NotAFile);
    }
    Ok(Target { dir, name })
}

impl Target {
    /// The manifest's text and permission bits, read in the directory
    /// checked, never through a link.
    pub fn read(&self) -> std::io::Result<(String, u32)> {
        let (bytes, mode) = self.dir.read(&self.name)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"))?;
        Ok((text, mode))
    }
}

/// Write `bytes` over the manifest atomically, with permission bits
/// `mode` (those it had): see `workdist::atomic::Beneath::replace` (a new
/// file beside it created with O_EXCL and O_NOFOLLOW, synced, renamed
/// over it, the directory synced), all relative to the directory checked.
pub fn write(target: &Target, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    target.dir.replace(&target.name, bytes, mode)
}
