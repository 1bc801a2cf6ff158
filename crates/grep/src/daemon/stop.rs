//! How the daemon comes to stop, shared by every thread that may decide
//! it: the accept loop and the timer ([`super::server`]) and the watcher
//! ([`super::watch`]), which sees the root go.
//!
//! Stopping is a flag every loop checks, plus a connection to our own
//! socket, which wakes the accept loop blocked in `accept`. A daemon whose
//! root was deleted, moved away or replaced by another directory stops
//! too: nothing it holds or watches describes the tree at that path any
//! more. It says so in its log, which is then kept for the client to
//! quote.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The daemon's stop flag and what it needs to act on it.
#[derive(Debug)]
pub struct Stop {
    root: Arc<PathBuf>,
    socket: PathBuf,
    stopping: AtomicBool,
    /// The root's (device, inode) when we started: a root deleted or moved
    /// and made again is another directory, which this daemon does not
    /// watch.
    root_id: Option<(u64, u64)>,
    /// Set when the daemon stops because its root is gone: its log, which
    /// says so, is then kept.
    lost_root: AtomicBool,
}

impl Stop {
    pub fn new(root: Arc<PathBuf>, socket: PathBuf) -> Stop {
        let root_id = dir_id(&root);
        Stop {
            root,
            socket,
            stopping: AtomicBool::new(false),
            root_id,
            lost_root: AtomicBool::new(false),
        }
    }

    /// Whether the daemon is stopping: every loop ends when it sees this.
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Stop accepting connections; the accept loop ends at the next
    /// connection, which we make ourselves.
    pub fn request(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = UnixStream::connect(&self.socket);
    }

    /// Is the directory at the root's path another one than we watch?
    pub fn root_changed(&self) -> bool {
        self.root_id.is_some() && dir_id(&self.root) != self.root_id
    }

    /// The root we watch is gone (deleted, or moved away): say so once, in
    /// the daemon's log, and stop: the next search runs one-shot, and
    /// `daemon start` can serve the new directory.
    pub fn root_lost(&self, how: &str) {
        if self.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        self.lost_root.store(true, Ordering::SeqCst);
        eprintln!(
            "pgrep-lite daemon: the root {} {how}; stopping (start a new daemon to serve what is there now)",
            self.root.display()
        );
        let _ = UnixStream::connect(&self.socket);
    }

    /// Whether the daemon stopped because its root went away.
    pub fn lost_root(&self) -> bool {
        self.lost_root.load(Ordering::SeqCst)
    }
}

/// A directory's (device, inode).
fn dir_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}
