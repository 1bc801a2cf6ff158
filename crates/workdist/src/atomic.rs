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

use std::ffi::OsStr;
use std::io::{self, Write};
use std::os::fd::OwnedFd;
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

/// A directory reached from a root without following a symbolic link on
/// the way, held open: files in it are read and replaced relative to the
/// descriptor ([`Beneath::read`], [`Beneath::replace`]), so a directory on
/// the way swapped for a link after the check cannot redirect them.
#[derive(Debug)]
pub struct Beneath {
    dir: OwnedFd,
}

/// Why [`Beneath::open`] failed: at which directory, and the error (a
/// symbolic link there gives `ELOOP` or `ENOTDIR`: [`BeneathError::is_link`]).
#[derive(Debug)]
pub struct BeneathError {
    pub at: PathBuf,
    pub error: io::Error,
}

impl BeneathError {
    /// Whether the directory at [`BeneathError::at`] is a symbolic link.
    pub fn is_link(&self) -> bool {
        std::fs::symlink_metadata(&self.at).is_ok_and(|m| m.file_type().is_symlink())
    }
}

impl Beneath {
    /// Open `root` (as given: the caller chose it), then each component
    /// of `rel` beneath it with `O_DIRECTORY|O_NOFOLLOW`. `rel` must be
    /// relative and plain (no `..`, no root): anything else is refused.
    pub fn open(root: &Path, rel: &Path) -> Result<Beneath, BeneathError> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fail = |at: &Path, error: io::Error| BeneathError {
            at: at.to_path_buf(),
            error,
        };
        let root_shown = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        let mut dir = rustix::fs::open(root_shown, flags, Mode::empty())
            .map_err(|e| fail(root_shown, e.into()))?;
        let mut at = root.to_path_buf();
        for c in rel.components() {
            let std::path::Component::Normal(name) = c else {
                if c == std::path::Component::CurDir {
                    continue;
                }
                return Err(fail(
                    &at,
                    io::Error::new(io::ErrorKind::InvalidInput, "not a plain relative path"),
                ));
            };
            at.push(name);
            dir = rustix::fs::openat(&dir, name, flags | OFlags::NOFOLLOW, Mode::empty())
                .map_err(|e| fail(&at, e.into()))?;
        }
        Ok(Beneath { dir })
    }

    /// The regular file `name` in this directory, never through a
    /// symbolic link: its bytes and permission bits.
    pub fn read(&self, name: &OsStr) -> io::Result<(Vec<u8>, u32)> {
        use rustix::fs::{Mode, OFlags};
        use std::io::Read;
        let fd = rustix::fs::openat(
            &self.dir,
            name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let mut file = std::fs::File::from(fd);
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(io::Error::other("is not a regular file"));
        }
        use std::os::unix::fs::PermissionsExt;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        Ok((bytes, meta.permissions().mode() & 0o7777))
    }

    /// Replace `name` in this directory with `bytes` atomically, created
    /// with exactly `mode`, as [`replace`] does by path: through the
    /// temporary `.name.tmp` (a stale one, or a link planted there,
    /// unlinked first; created with `O_EXCL|O_NOFOLLOW`), synced, renamed
    /// over `name`, the directory synced.
    pub fn replace(&self, name: &OsStr, bytes: &[u8], mode: u32) -> io::Result<()> {
        use rustix::fs::{AtFlags, Mode, OFlags};
        let mut tmp = std::ffi::OsString::from(".");
        tmp.push(name);
        tmp.push(".tmp");
        match rustix::fs::unlinkat(&self.dir, &tmp, AtFlags::empty()) {
            Ok(()) | Err(rustix::io::Errno::NOENT) => {}
            Err(e) => return Err(e.into()),
        }
        let fd = rustix::fs::openat(
            &self.dir,
            &tmp,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(mode & 0o7777),
        )?;
        let mut file = std::fs::File::from(fd);
        let written = rustix::fs::fchmod(&file, Mode::from_raw_mode(mode & 0o7777))
            .map_err(io::Error::from)
            .and_then(|()| file.write_all(bytes))
            .and_then(|()| file.sync_all())
            .and_then(|()| {
                rustix::fs::renameat(&self.dir, &tmp, &self.dir, name).map_err(io::Error::from)
            });
        if let Err(e) = written {
            let _ = rustix::fs::unlinkat(&self.dir, &tmp, AtFlags::empty());
            return Err(e);
        }
        let _ = rustix::fs::fsync(&self.dir);
        Ok(())
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

    /// A directory on the way swapped for a link after the directory was
    /// opened does not redirect the write; one that is a link when opened
    /// is refused, naming it.
    #[test]
    fn beneath_never_follows_a_link_on_the_way() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).expect("mkdir");
        std::fs::write(root.join("a/b/Cargo.toml"), "old").expect("write");
        let elsewhere = root.join("elsewhere");
        std::fs::create_dir_all(&elsewhere).expect("mkdir");
        std::fs::write(elsewhere.join("Cargo.toml"), "victim").expect("write");
        let held = Beneath::open(root, Path::new("a/b")).expect("open");
        // Swapped after the open: the held directory is still the one.
        std::fs::rename(root.join("a"), root.join("a.real")).expect("rename");
        std::fs::create_dir(root.join("a")).expect("mkdir");
        std::os::unix::fs::symlink(&elsewhere, root.join("a/b")).expect("symlink");
        let name = OsStr::new("Cargo.toml");
        assert_eq!(held.read(name).expect("read").0, b"old");
        held.replace(name, b"new", 0o640).expect("replace");
        assert_eq!(
            std::fs::read(root.join("a.real/b/Cargo.toml")).expect("read"),
            b"new"
        );
        assert_eq!(
            std::fs::read(elsewhere.join("Cargo.toml")).expect("read"),
            b"victim"
        );
        // A link on the way when opening: refused, at that directory.
        let err = Beneath::open(root, Path::new("a/b")).expect_err("a link on the way");
        assert_eq!(err.at, root.join("a/b"));
        assert!(err.is_link());
        assert!(Beneath::open(root, Path::new("../x")).is_err());
        // A link at the file itself is not read through.
        std::os::unix::fs::symlink(elsewhere.join("Cargo.toml"), root.join("a.real/b/L"))
            .expect("symlink");
        assert!(held.read(OsStr::new("L")).is_err());
    }
}
