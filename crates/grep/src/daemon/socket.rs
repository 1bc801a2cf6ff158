//! Where daemons live and who may talk to them (Unix only).
//!
//! Each root gets a socket, a lock file, a pid file and a log in one
//! per-user directory: `$XDG_RUNTIME_DIR/pfiles/` when that is set, else
//! `$TMPDIR/pfiles-<uid>/`. The directory is created with mode 0700 and
//! refused if it belongs to someone else or is open to others, so nobody
//! else can even reach the sockets; the socket itself is 0600, and the daemon
//! still checks each peer's uid. The lock file is held (flock) for the
//! daemon's whole life: taking it is how a new daemon knows that a socket
//! or pid file left behind belongs to a dead one.
//!
//! Every path the daemon (or its client) writes or removes, audited for
//! planted links (issue 10): the socket, lock, pid and log files, only in
//! this private directory, which is checked with `lstat` (a symbolic link
//! in its place is refused) before use; and the freshness cookie, the one
//! file made in the served tree, with an unguessable name and
//! `O_CREAT|O_EXCL|O_NOFOLLOW` (see `watch::Watcher::sync`). Removals are
//! `unlink`s, which remove a link itself, never its target. Nothing else is
//! opened for writing, and held files are opened with `O_NOFOLLOW`.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

/// The files of the daemon serving one root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaemonPaths {
    pub dir: PathBuf,
    pub socket: PathBuf,
    pub lock: PathBuf,
    pub pid: PathBuf,
    pub log: PathBuf,
}

/// This process's user id.
pub fn current_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

/// The uid of the process at the other end of a connected socket.
pub fn peer_uid(stream: &UnixStream) -> io::Result<u32> {
    let cred = rustix::net::sockopt::socket_peercred(stream)?;
    Ok(cred.uid.as_raw())
}

/// The per-user directory for daemon files, created (0700) if needed.
pub fn runtime_dir() -> io::Result<PathBuf> {
    let dir = match std::env::var_os("XDG_RUNTIME_DIR") {
        Some(d) if !d.is_empty() && Path::new(&d).is_dir() => PathBuf::from(d).join("pfiles"),
        _ => std::env::temp_dir().join(format!("pfiles-{}", current_uid())),
    };
    match fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let md = fs::symlink_metadata(&dir)?;
    if !md.is_dir() || md.uid() != current_uid() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} is not a directory owned by this user", dir.display()),
        ));
    }
    if md.permissions().mode() & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is accessible to other users (mode {:o}); refusing to use it",
                dir.display(),
                md.permissions().mode() & 0o777
            ),
        ));
    }
    Ok(dir)
}

/// FNV-1a: a hash that every build computes the same way, so a client and a
/// daemon from different builds agree on socket names.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The daemon files for `root` (which should be canonical).
pub fn paths_for(dir: &Path, root: &Path) -> DaemonPaths {
    use std::os::unix::ffi::OsStrExt;
    let name = format!("grep-{:016x}", fnv1a(root.as_os_str().as_bytes()));
    DaemonPaths {
        dir: dir.to_path_buf(),
        socket: dir.join(format!("{name}.sock")),
        lock: dir.join(format!("{name}.lock")),
        pid: dir.join(format!("{name}.pid")),
        log: dir.join(format!("{name}.log")),
    }
}

/// The daemon files that go with a socket path (`NAME.sock`).
pub fn paths_for_socket(sock: &Path) -> DaemonPaths {
    let dir = sock.parent().unwrap_or(Path::new("")).to_path_buf();
    let name = sock
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    DaemonPaths {
        socket: sock.to_path_buf(),
        lock: dir.join(format!("{name}.lock")),
        pid: dir.join(format!("{name}.pid")),
        log: dir.join(format!("{name}.log")),
        dir,
    }
}

/// An exclusive lock on a file, held until dropped.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Take the lock at `path` without waiting: `Ok(None)` if another process
/// holds it.
pub fn try_lock(path: &Path) -> io::Result<Option<Lock>> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode_0600()
        .open(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(Lock { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

trait Mode0600 {
    fn mode_0600(&mut self) -> &mut Self;
}

impl Mode0600 for OpenOptions {
    fn mode_0600(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        self.mode(0o600)
    }
}

/// Make a freshly bound socket private to this user.
pub fn restrict_socket(path: &Path) -> io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable_and_distinct() {
        let d = Path::new("/run/x");
        let a = paths_for(d, Path::new("/home/u/repo"));
        let b = paths_for(d, Path::new("/home/u/repo2"));
        assert_ne!(a.socket, b.socket);
        assert_eq!(a, paths_for(d, Path::new("/home/u/repo")));
        assert_eq!(paths_for_socket(&a.socket), a);
        // FNV-1a of "a" is a published test vector.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn lock_is_exclusive_between_holders() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("l.lock");
        let first = try_lock(&p).expect("lock").expect("free");
        assert!(try_lock(&p).expect("lock").is_none());
        drop(first);
        assert!(try_lock(&p).expect("lock").is_some());
    }
}
