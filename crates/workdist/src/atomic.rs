//! Replacing a file so that a crash leaves the old content or the new,
//! never half of either, and nothing is written through a symbolic link
//! someone planted.
//!
//! The new content goes to a temporary file beside the target (same
//! directory, so the rename cannot cross file systems), created with
//! `O_CREAT|O_EXCL|O_NOFOLLOW`: a symbolic link (or anything else) at the
//! temporary name makes the create fail rather than write through it. It
//! is written, synced, renamed over the target (a rename replaces the
//! directory entry, a link included; it never writes through one), and
//! the directory is synced so that the rename itself is durable.

use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The temporary name [`replace`] writes through for `path`: a hidden
/// file beside it (`dir/.name.tmp`), when the caller passes no other.
pub fn temp_name(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or(path.as_os_str()));
    name.push(".tmp");
    path.with_file_name(name)
}

/// Write `bytes` to `path` atomically through the temporary file `tmp`
/// (in the same directory), created with `mode` (e.g. 0o600). A stale
/// `tmp` (left by a process killed while writing) is removed first; the
/// removal unlinks a planted link, never what it points to.
pub fn replace_via(path: &Path, tmp: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    match std::fs::remove_file(tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::CLOEXEC).bits() as i32)
        .open(tmp)?;
    // Exactly `mode`, whatever the umask (a rewritten file keeps its
    // permissions).
    use std::os::unix::fs::PermissionsExt;
    let written = file
        .set_permissions(std::fs::Permissions::from_mode(mode))
        .and_then(|()| file.write_all(bytes))
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(tmp);
        return Err(e);
    }
    sync_dir(path);
    Ok(())
}

/// [`replace_via`] with the default temporary name ([`temp_name`]).
pub fn replace(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    replace_via(path, &temp_name(path), bytes, mode)
}

/// Make a rename in `path`'s directory durable. Not every file system can
/// sync a directory; the file is in place either way.
fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_never_writes_through_a_planted_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("state");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").expect("write");
        // A link at the target is replaced, not written through.
        std::os::unix::fs::symlink(&victim, &target).expect("symlink");
        replace(&target, b"new", 0o600).expect("replace");
        assert_eq!(std::fs::read(&target).expect("read"), b"new");
        assert!(
            !std::fs::symlink_metadata(&target)
                .expect("stat")
                .is_symlink()
        );
        // A link at the temporary name is removed, not followed.
        std::os::unix::fs::symlink(&victim, temp_name(&target)).expect("symlink");
        replace(&target, b"newer", 0o600).expect("replace");
        assert_eq!(std::fs::read(&target).expect("read"), b"newer");
        assert_eq!(std::fs::read(&victim).expect("read"), b"keep");
        assert!(!temp_name(&target).exists());
    }
}
