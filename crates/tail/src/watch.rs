//! File-system notifications for the follow loop: inotify on the parent
//! directories, read by the loop thread itself.
//!
//! Why not notify's watcher: it runs its own thread and hands every event
//! over a channel, so each write by a logger cost two thread wake-ups before
//! ptail read a byte. Following 64 busy files, that thread took a third of
//! ptail's CPU and the context switches slowed the writers themselves
//! (bench/tail.py). notify 8 also subscribes to `IN_OPEN`, so ptail's own
//! periodic reopen of a path woke it again. Here the loop waits in `poll(2)`
//! on the inotify descriptor (and on the signal pipe), then reads every
//! queued event in one `read(2)`, like `tail -F`. Events are hints: the loop
//! reads the file to EOF, whatever the event said.

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::{Path, PathBuf};

use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask};

/// What happened to a path in a watched directory.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    /// Data written (or attributes changed): read it.
    Data(PathBuf),
    /// Created, deleted, renamed: check its identity too.
    Name(PathBuf),
    /// The kernel dropped events (queue overflow): check everything.
    Overflow,
}

pub struct Watcher {
    inotify: Inotify,
    dirs: HashMap<WatchDescriptor, PathBuf>,
    by_dir: HashMap<PathBuf, WatchDescriptor>,
    buf: Vec<u8>,
}

fn mask() -> WatchMask {
    WatchMask::CREATE
        | WatchMask::DELETE
        | WatchMask::MODIFY
        | WatchMask::CLOSE_WRITE
        | WatchMask::MOVED_FROM
        | WatchMask::MOVED_TO
        | WatchMask::ATTRIB
        | WatchMask::DELETE_SELF
        | WatchMask::MOVE_SELF
        | WatchMask::ONLYDIR
}

impl Watcher {
    pub fn new() -> io::Result<Watcher> {
        Ok(Watcher {
            inotify: Inotify::init()?,
            dirs: HashMap::new(),
            by_dir: HashMap::new(),
            buf: vec![0u8; 64 << 10],
        })
    }

    /// Watch a directory (not recursively). Errors are inotify's: ENOSPC
    /// when `max_user_watches` is reached.
    pub fn watch(&mut self, dir: &Path) -> io::Result<()> {
        let wd = self.inotify.watches().add(dir, mask())?;
        self.dirs.insert(wd.clone(), dir.to_path_buf());
        self.by_dir.insert(dir.to_path_buf(), wd);
        Ok(())
    }

    /// Whether `dir` is watched (a directory removed and re-created is not
    /// until it is watched again).
    pub fn is_watched(&self, dir: &Path) -> bool {
        self.by_dir.contains_key(dir)
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.inotify.as_fd()
    }

    /// Every queued event, without blocking.
    pub fn read(&mut self, on: &mut dyn FnMut(Change)) -> io::Result<()> {
        loop {
            let events = match self.inotify.read_events(&mut self.buf) {
                Ok(events) => events,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let mut any = false;
            for ev in events {
                any = true;
                if ev.mask.contains(EventMask::Q_OVERFLOW) {
                    on(Change::Overflow);
                    continue;
                }
                if ev.mask.contains(EventMask::IGNORED) {
                    // The directory itself was removed: watch it again when
                    // it is back (the periodic check re-adds watches).
                    if let Some(dir) = self.dirs.remove(&ev.wd) {
                        self.by_dir.remove(&dir);
                    }
                    continue;
                }
                let Some(dir) = self.dirs.get(&ev.wd) else {
                    continue;
                };
                let path = match ev.name {
                    Some(name) => dir.join(name),
                    None => dir.clone(),
                };
                if ev
                    .mask
                    .intersects(EventMask::MODIFY | EventMask::ATTRIB | EventMask::CLOSE_WRITE)
                    && !ev.mask.intersects(
                        EventMask::CREATE
                            | EventMask::DELETE
                            | EventMask::MOVED_FROM
                            | EventMask::MOVED_TO,
                    )
                {
                    on(Change::Data(path));
                } else {
                    on(Change::Name(path));
                }
            }
            if !any {
                return Ok(());
            }
        }
    }
}
