//! One inotify directory watcher for every tool that follows files
//! (pgrep-lite's daemon, ptail), and one rule for when to poll instead.
//!
//! **What is watched.** Directories, not recursively, with exactly the
//! events that can change what a tool holds: creations, deletions, writes,
//! closes after writing, attribute changes, renames, and the directory's
//! own deletion or move. Not `IN_OPEN`, `IN_ACCESS` or `IN_CLOSE_NOWRITE`:
//! reads change nothing, and subscribing to them (as notify 8's watcher
//! does) taxes every other program reading the tree: with the Linux tree
//! held by the daemon, `rg -n PM_RESUME` in the same tree took 0.64 s
//! instead of 0.40 s. Nor a thread of our own: notify hands every event
//! over a channel from its thread, two wake-ups per logger write before
//! ptail read a byte (a third of ptail's CPU following 64 busy files).
//!
//! **How it is read.** [`dir_watcher`] returns two halves. [`DirWatches`]
//! adds and removes watches and may live on any thread; [`Events`] owns the
//! descriptor: [`Events::fd`] for a `poll(2)` beside other descriptors,
//! [`Events::wait`] to wait on it alone, [`Events::read`] to drain every
//! queued event without blocking. The map from watch to directory is
//! shared and locked across the kernel call that adds a watch, so an event
//! of a brand-new watch is never read before its directory is known (and
//! dropped as unknown).
//!
//! **Events are hints.** A watch names the directory it was added for; by
//! the time an event is read the directory may have been renamed, so tools
//! re-check what they care about (a file's identity, a directory's
//! contents) instead of trusting an event's path. [`Change::Overflow`]
//! means the kernel dropped events: look at everything again.
//!
//! **When to poll instead** ([`Fallback`]). The kernel's limits
//! (`fs.inotify.max_user_watches` for watches, `max_user_instances` for
//! descriptors) and other resource errors make notifications unusable for
//! the whole run: the tool switches to polling and says so once, naming the
//! sysctl that raises the limit ([`Fallback::note`]). Errors that concern
//! one directory only (gone, not a directory, permission denied, a path too
//! long or looping) skip that directory; the tool's periodic checks cover
//! it. Outside Linux there is no watcher: [`dir_watcher`] fails with
//! `Unsupported` and the tools poll.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// What happened in a watched directory. `dir` says whether the entry is
/// a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Created {
        path: PathBuf,
        dir: bool,
    },
    Deleted {
        path: PathBuf,
        dir: bool,
    },
    MovedFrom {
        path: PathBuf,
        dir: bool,
    },
    MovedTo {
        path: PathBuf,
        dir: bool,
    },
    /// Written, closed after writing, or its attributes changed.
    Written(PathBuf),
    /// The watched directory itself was deleted or moved; the path is the
    /// one it was watched under, which may name another directory by now.
    /// Its watch is gone.
    DirGone(PathBuf),
    /// The kernel's queue overflowed: events were lost.
    Overflow,
}

/// What a tool does when a watch cannot be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Only this directory is affected: go on without watching it.
    Skip,
    /// The kernel's limit on watches (`ENOSPC`): poll from now on.
    WatchLimit,
    /// The kernel's limit on inotify instances, or the process's limit on
    /// descriptors (`EMFILE`, `ENFILE`): poll from now on.
    InstanceLimit,
    /// Anything else (no inotify on this system, out of memory): poll.
    Unavailable,
}

impl Fallback {
    /// The decision for an error from [`dir_watcher`] or
    /// [`DirWatches::watch`].
    pub fn of(err: &io::Error) -> Fallback {
        const ENOENT: i32 = 2;
        const EACCES: i32 = 13;
        const ENFILE: i32 = 23;
        const EMFILE: i32 = 24;
        const ENOTDIR: i32 = 20;
        const ENOSPC: i32 = 28;
        const ENAMETOOLONG: i32 = 36;
        const ELOOP: i32 = 40;
        match err.raw_os_error() {
            Some(ENOSPC) => Fallback::WatchLimit,
            Some(EMFILE | ENFILE) => Fallback::InstanceLimit,
            Some(ENOENT | ENOTDIR | EACCES | ENAMETOOLONG | ELOOP) => Fallback::Skip,
            _ if matches!(
                err.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied
            ) =>
            {
                Fallback::Skip
            }
            _ => Fallback::Unavailable,
        }
    }

    /// Whether the tool must stop using notifications and poll.
    pub fn polls(self) -> bool {
        self != Fallback::Skip
    }

    /// The one line a tool prints when it switches to polling every
    /// `interval` because of `err`: what happened, and how to raise the
    /// limit when a limit is the cause.
    pub fn note(self, err: &io::Error, interval: Duration) -> String {
        let every = if interval.as_millis().is_multiple_of(1000) {
            format!("{}s", interval.as_secs())
        } else {
            format!("{}ms", interval.as_millis())
        };
        match self {
            Fallback::WatchLimit => format!(
                "inotify watch limit reached ({err}); polling every {every} instead. \
                 Raise it with: sudo sysctl fs.inotify.max_user_watches=524288"
            ),
            Fallback::InstanceLimit => format!(
                "cannot get an inotify instance ({err}); polling every {every} instead. \
                 Raise the limit with: sudo sysctl fs.inotify.max_user_instances=1024 \
                 (or the descriptor limit, ulimit -n)"
            ),
            Fallback::Unavailable | Fallback::Skip => format!(
                "file-system notifications unavailable ({err}); polling every {every} instead"
            ),
        }
    }
}

/// What the watches are for: which events are asked of the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The daemon's index: a file's events stop once it is unlinked
    /// (`IN_EXCL_UNLINK`: a deleted file still being written is no
    /// longer in the tree), and a close after writing is a change.
    Index,
    /// ptail: events go on for a deleted file (it may still be draining
    /// it), and a close after writing is not asked for: the write made
    /// its own event, and a logger that opens, writes and closes per
    /// line (`echo >>`) would wake ptail twice a line (a look at the
    /// file's size and first bytes each time, for nothing new).
    Follow,
}

#[cfg(target_os = "linux")]
pub use linux::{DirWatches, Events, dir_watcher};

#[cfg(not(target_os = "linux"))]
pub use other::{DirWatches, Events, dir_watcher};

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;
    use std::io;
    use std::os::fd::{AsFd, BorrowedFd};
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, Mutex, MutexGuard};
    use std::time::Duration;

    use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask, Watches};

    use super::{Change, Purpose};

    #[derive(Default)]
    struct Map {
        by_wd: HashMap<WatchDescriptor, PathBuf>,
        by_path: HashMap<PathBuf, WatchDescriptor>,
    }

    type Shared = Arc<Mutex<Map>>;

    fn lock(map: &Shared) -> MutexGuard<'_, Map> {
        // A panic while holding this lock leaves the map consistent (every
        // update is two inserts or two removes of owned values), so a
        // poisoned lock is still usable.
        map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds and removes directory watches; any thread.
    pub struct DirWatches {
        watches: Watches,
        map: Shared,
        mask: WatchMask,
    }

    /// Reads the events of the watches; one thread.
    pub struct Events {
        inotify: Inotify,
        map: Shared,
        buf: Vec<u8>,
    }

    impl std::fmt::Debug for DirWatches {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("DirWatches").finish_non_exhaustive()
        }
    }

    impl std::fmt::Debug for Events {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Events").finish_non_exhaustive()
        }
    }

    /// A new inotify instance, as its two halves, asking for the events
    /// `purpose` needs.
    pub fn dir_watcher(purpose: Purpose) -> io::Result<(DirWatches, Events)> {
        let inotify = Inotify::init()?;
        let mut mask = WatchMask::CREATE
            | WatchMask::DELETE
            | WatchMask::MODIFY
            | WatchMask::MOVED_FROM
            | WatchMask::MOVED_TO
            | WatchMask::ATTRIB
            | WatchMask::DELETE_SELF
            | WatchMask::MOVE_SELF
            | WatchMask::ONLYDIR;
        if purpose == Purpose::Index {
            mask |= WatchMask::EXCL_UNLINK | WatchMask::CLOSE_WRITE;
        }
        let map: Shared = Arc::default();
        Ok((
            DirWatches {
                watches: inotify.watches(),
                map: Arc::clone(&map),
                mask,
            },
            Events {
                inotify,
                map,
                buf: vec![0u8; 64 << 10],
            },
        ))
    }

    impl DirWatches {
        /// Watch the directory now at `dir`. Always asked of the kernel,
        /// even for a path watched before: the directory there may be
        /// another one now (replaced by a rename, or deleted and made
        /// again), and the old watch describes the old inode. For the same
        /// inode the kernel returns the same watch. On error, see
        /// [`super::Fallback::of`].
        pub fn watch(&self, dir: &Path) -> io::Result<()> {
            self.watch_writes(dir, true)
        }

        /// Watch `dir` as [`DirWatches::watch`] does, with or without the
        /// writes to its files (`IN_MODIFY`); creations, deletions,
        /// renames and attribute changes are always asked for. Each write
        /// to a watched file makes the kernel queue an event (and wake a
        /// reader waiting for one) in the writer's own `write(2)`: a
        /// caller that reads a busy directory's files on a timer anyway
        /// turns them off, so that the writers do not pay for events
        /// nobody needs, and turns them on again once it stops.
        pub fn watch_writes(&self, dir: &Path, writes: bool) -> io::Result<()> {
            let mask = if writes {
                self.mask
            } else {
                self.mask - WatchMask::MODIFY
            };
            // Locked across the add: the kernel may queue an event of the
            // new watch at once, and the reader, which looks each event's
            // directory up under this lock, must not find it missing.
            let mut m = lock(&self.map);
            let wd = self.watches.clone().add(dir, mask)?;
            if let Some(old) = m.by_path.insert(dir.to_path_buf(), wd.clone())
                && old != wd
                && m.by_wd.get(&old).is_some_and(|p| p == dir)
            {
                m.by_wd.remove(&old);
                let _ = self.watches.clone().remove(old);
            }
            m.by_wd.insert(wd, dir.to_path_buf());
            Ok(())
        }

        /// Stop watching `dir`, unless its watch now serves another path
        /// (the directory was renamed and watched under its new name).
        pub fn unwatch(&self, dir: &Path) {
            let mut m = lock(&self.map);
            if let Some(wd) = m.by_path.remove(dir)
                && m.by_wd.get(&wd).is_some_and(|p| p == dir)
            {
                m.by_wd.remove(&wd);
                let _ = self.watches.clone().remove(wd);
            }
        }

        /// Whether `dir` has a live watch (a directory deleted, or moved
        /// away, has none until it is watched again).
        pub fn is_watched(&self, dir: &Path) -> bool {
            let m = lock(&self.map);
            m.by_path
                .get(dir)
                .is_some_and(|wd| m.by_wd.get(wd).is_some_and(|p| p == dir))
        }
    }

    impl Events {
        /// The descriptor, readable when events are queued.
        pub fn fd(&self) -> BorrowedFd<'_> {
            self.inotify.as_fd()
        }

        /// Wait up to `timeout` for events; true when some are queued.
        pub fn wait(&self, timeout: Duration) -> io::Result<bool> {
            use rustix::event::{PollFd, PollFlags, Timespec, poll};
            let mut fds = [PollFd::new(&self.inotify, PollFlags::IN)];
            let ts = Timespec {
                tv_sec: i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX),
                tv_nsec: i64::from(timeout.subsec_nanos()),
            };
            match poll(&mut fds, Some(&ts)) {
                Ok(n) => Ok(n > 0),
                Err(rustix::io::Errno::INTR) => Ok(false),
                Err(e) => Err(e.into()),
            }
        }

        /// The queued events, without blocking: until the queue is empty,
        /// or [`READS_PER_CALL`] reads. Events made as fast as they are
        /// read (a writer in a tight loop in a watched directory; a
        /// tracer writing its log there for every system call the reader
        /// makes) would otherwise keep the caller here for good: no stop,
        /// no `--timeout`, no file read. What is left stays queued and
        /// the descriptor readable, so the caller's next wait returns at
        /// once.
        pub fn read(&mut self, on: &mut dyn FnMut(Change)) -> io::Result<()> {
            for _ in 0..READS_PER_CALL {
                let events = match self.inotify.read_events(&mut self.buf) {
                    Ok(events) => events,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                let mut count = 0usize;
                for ev in events {
                    count += 1;
                    if ev.mask.contains(EventMask::Q_OVERFLOW) {
                        on(Change::Overflow);
                        continue;
                    }
                    let mut m = lock(&self.map);
                    if ev.mask.contains(EventMask::IGNORED) {
                        // The watch is gone (its directory deleted, or
                        // unwatched): forget it.
                        if let Some(dir) = m.by_wd.remove(&ev.wd)
                            && m.by_path.get(&dir) == Some(&ev.wd)
                        {
                            m.by_path.remove(&dir);
                        }
                        continue;
                    }
                    // Joined under the lock: one allocation per event, not
                    // a copy of the directory and then the join.
                    let Some(path) = m.by_wd.get(&ev.wd).map(|dir| match ev.name {
                        Some(name) => dir.join(name),
                        None => dir.clone(),
                    }) else {
                        continue;
                    };
                    drop(m);
                    let dir_flag = ev.mask.contains(EventMask::ISDIR);
                    let change = if ev.mask.contains(EventMask::CREATE) {
                        Change::Created {
                            path,
                            dir: dir_flag,
                        }
                    } else if ev
                        .mask
                        .intersects(EventMask::DELETE_SELF | EventMask::MOVE_SELF)
                    {
                        Change::DirGone(path)
                    } else if ev.mask.contains(EventMask::DELETE) {
                        Change::Deleted {
                            path,
                            dir: dir_flag,
                        }
                    } else if ev.mask.contains(EventMask::MOVED_FROM) {
                        Change::MovedFrom {
                            path,
                            dir: dir_flag,
                        }
                    } else if ev.mask.contains(EventMask::MOVED_TO) {
                        Change::MovedTo {
                            path,
                            dir: dir_flag,
                        }
                    } else if ev
                        .mask
                        .intersects(EventMask::MODIFY | EventMask::ATTRIB | EventMask::CLOSE_WRITE)
                    {
                        Change::Written(path)
                    } else {
                        continue;
                    };
                    on(change);
                }
                // A read returns every queued event that fits: room left
                // for one more of the largest means the queue was empty
                // (no second read to be told so; one fewer system call
                // per wake-up of a follower at low rates).
                if count == 0 || (count + 1) * MAX_EVENT <= self.buf.len() {
                    return Ok(());
                }
            }
            Ok(())
        }
    }

    /// At most this many reads (each up to the 64 KiB buffer, over 2,000
    /// events) per [`Events::read`].
    pub const READS_PER_CALL: usize = 16;

    /// The largest event a read returns: `struct inotify_event` (16
    /// bytes) and a name of up to `NAME_MAX` bytes, its NUL and padding
    /// (the kernel rounds it up to 16 bytes: 256).
    const MAX_EVENT: usize = 16 + 256;
}

#[cfg(not(target_os = "linux"))]
mod other {
    use std::io;
    use std::path::Path;
    use std::time::Duration;

    use super::{Change, Purpose};

    #[derive(Debug)]
    pub struct DirWatches(());
    #[derive(Debug)]
    pub struct Events(());

    pub fn dir_watcher(_purpose: Purpose) -> io::Result<(DirWatches, Events)> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "no inotify on this system",
        ))
    }

    impl DirWatches {
        pub fn watch(&self, _dir: &Path) -> io::Result<()> {
            Err(io::ErrorKind::Unsupported.into())
        }
        pub fn watch_writes(&self, _dir: &Path, _writes: bool) -> io::Result<()> {
            Err(io::ErrorKind::Unsupported.into())
        }
        pub fn unwatch(&self, _dir: &Path) {}
        pub fn is_watched(&self, _dir: &Path) -> bool {
            false
        }
    }

    impl Events {
        pub fn wait(&self, timeout: Duration) -> io::Result<bool> {
            std::thread::sleep(timeout);
            Ok(false)
        }
        pub fn read(&mut self, _on: &mut dyn FnMut(Change)) -> io::Result<()> {
            Ok(())
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::path::Path;
    use std::time::Instant;

    fn drain(ev: &mut Events, until: impl Fn(&[Change]) -> bool) -> Vec<Change> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut got = Vec::new();
        while !until(&got) {
            assert!(Instant::now() < deadline, "no such events; got {got:?}");
            if ev.wait(Duration::from_millis(100)).expect("poll") {
                ev.read(&mut |c| got.push(c)).expect("read");
            }
        }
        got
    }

    #[test]
    fn real_events_in_a_real_directory() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().to_path_buf();
        let (w, mut ev) = dir_watcher(Purpose::Index).expect("inotify");
        w.watch(&root).expect("watch");
        assert!(w.is_watched(&root));
        let f = root.join("a");
        std::fs::write(&f, "x").expect("write");
        std::fs::create_dir(root.join("d")).expect("mkdir");
        std::fs::rename(&f, root.join("b")).expect("rename");
        let got = drain(&mut ev, |g| {
            g.iter()
                .any(|c| matches!(c, Change::MovedTo { path, .. } if path.ends_with("b")))
        });
        assert!(got.contains(&Change::Created {
            path: f.clone(),
            dir: false
        }));
        assert!(got.contains(&Change::Written(f.clone())));
        assert!(got.contains(&Change::Created {
            path: root.join("d"),
            dir: true
        }));
        assert!(got.contains(&Change::MovedFrom {
            path: f,
            dir: false
        }));

        // The directory itself going: its watch is forgotten.
        let sub = root.join("d");
        w.watch(&sub).expect("watch sub");
        std::fs::remove_dir(&sub).expect("rmdir");
        drain(&mut ev, |g| g.contains(&Change::DirGone(sub.clone())));
        let deadline = Instant::now() + Duration::from_secs(10);
        while w.is_watched(&sub) {
            assert!(Instant::now() < deadline, "watch of a deleted dir kept");
            if ev.wait(Duration::from_millis(50)).expect("poll") {
                ev.read(&mut |_| {}).expect("read");
            }
        }
        assert!(w.is_watched(&root));
    }

    /// A new directory, watched for `purpose` (the watches live as long
    /// as the events).
    fn watched(purpose: Purpose) -> (tempfile::TempDir, Events) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let (w, ev) = dir_watcher(purpose).expect("inotify");
        w.watch(tmp.path()).expect("watch");
        (tmp, ev)
    }

    /// A follower is told of a write once: the close after it is not
    /// asked for (a logger that opens, writes and closes per line woke
    /// ptail twice a line). The index still hears of it.
    #[test]
    fn a_close_after_writing_tells_a_follower_nothing_more() {
        use std::io::Write;
        for (purpose, want) in [(Purpose::Follow, 1), (Purpose::Index, 2)] {
            let (tmp, mut ev) = watched(purpose);
            let f = tmp.path().join("a.log");
            // Created by the same open: one write, one close.
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&f)
                .expect("open");
            file.write_all(b"a line\n").expect("write");
            drop(file);
            // A marker after both: once it is read, so is all before it.
            std::fs::create_dir(tmp.path().join("end")).expect("mkdir");
            let mut got = Vec::new();
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while !got
                .iter()
                .any(|c| matches!(c, Change::Created { dir: true, .. }))
            {
                assert!(std::time::Instant::now() < deadline, "{got:?}");
                if ev.wait(Duration::from_millis(100)).expect("poll") {
                    ev.read(&mut |c| got.push(c)).expect("read");
                }
            }
            let written = got
                .iter()
                .filter(|c| matches!(c, Change::Written(_)))
                .count();
            assert_eq!(written, want, "{purpose:?}: {got:?}");
        }
    }

    /// Writes turned off: a write makes no event, a creation still does
    /// (and the directory stays watched); turned on again: a write does.
    /// Each step ends with a marker directory, whose event comes after
    /// every event of what was done before it.
    #[test]
    fn writes_can_be_turned_off_and_on_again() {
        use std::io::Write;
        let tmp = tempfile::tempdir().expect("tempdir");
        let (w, mut ev) = dir_watcher(Purpose::Follow).expect("inotify");
        w.watch(tmp.path()).expect("watch");
        let mut f = std::fs::File::create(tmp.path().join("a.log")).expect("create");
        let mut step = |i: usize, writes: bool| {
            w.watch_writes(tmp.path(), writes).expect("watch_writes");
            assert!(w.is_watched(tmp.path()));
            f.write_all(b"a line\n").expect("write");
            let marker = tmp.path().join(format!("m{i}"));
            std::fs::create_dir(&marker).expect("mkdir");
            let got = drain(&mut ev, |g| {
                g.contains(&Change::Created {
                    path: marker.clone(),
                    dir: true,
                })
            });
            got.iter()
                .filter(|c| matches!(c, Change::Written(_)))
                .count()
        };
        // The creation of a.log before the first step is drained by it.
        assert_eq!(step(0, true), 1, "writes on");
        assert_eq!(step(1, false), 0, "writes off");
        assert_eq!(step(2, false), 0, "still off");
        assert_eq!(step(3, true), 1, "on again");
    }

    /// Events that come as fast as they are read (here: every event read
    /// makes another) do not keep `read` from returning. Before the
    /// bound, it returned only when the writer stopped (after all
    /// 20,000 events here; with strace writing its log into a followed
    /// directory, never: ptail ignored `--timeout` and SIGTERM).
    #[test]
    fn read_returns_while_events_keep_coming() {
        use std::io::Write;
        let (tmp, mut ev) = watched(Purpose::Follow);
        let mut f = std::fs::File::create(tmp.path().join("echo")).expect("create");
        f.write_all(b"x").expect("write");
        assert!(ev.wait(Duration::from_secs(10)).expect("poll"), "no event");
        let mut got = 0usize;
        ev.read(&mut |_| {
            got += 1;
            if got < 20_000 {
                // Each event read makes another, as a tracer's log does.
                let _ = f.write_all(b"x");
            }
        })
        .expect("read");
        assert!(
            got <= 16 * super::linux::READS_PER_CALL,
            "one read call took {got} events, made while it read"
        );
        // The rest is still there.
        assert!(ev.wait(Duration::from_secs(10)).expect("poll"));
    }

    /// A read that leaves room for more events ends the call: the queue
    /// was empty then, and asking again is a system call that finds
    /// nothing (one per wake-up of a follower at low rates). Events made
    /// meanwhile stay queued for the next wait.
    #[test]
    fn a_short_read_ends_the_call() {
        use std::io::Write;
        let (tmp, mut ev) = watched(Purpose::Follow);
        for i in 0..5 {
            std::fs::create_dir(tmp.path().join(format!("d{i}"))).expect("mkdir");
        }
        let mut f = std::fs::File::create(tmp.path().join("echo")).expect("create");
        assert!(ev.wait(Duration::from_secs(10)).expect("poll"), "no event");
        let mut got = Vec::new();
        ev.read(&mut |c| {
            got.push(c);
            // Made after the queue was read: left for the next call.
            let _ = f.write_all(b"x");
        })
        .expect("read");
        assert_eq!(got.len(), 6, "5 directories and the file: {got:?}");
        assert!(ev.wait(Duration::from_secs(10)).expect("poll"));
        let mut later = Vec::new();
        ev.read(&mut |c| later.push(c)).expect("read");
        assert!(
            later.iter().all(|c| matches!(c, Change::Written(_))) && !later.is_empty(),
            "{later:?}"
        );
    }

    #[test]
    fn fallback_decisions() {
        let e = |n| io::Error::from_raw_os_error(n);
        assert_eq!(Fallback::of(&e(28)), Fallback::WatchLimit);
        assert_eq!(Fallback::of(&e(24)), Fallback::InstanceLimit);
        assert_eq!(Fallback::of(&e(2)), Fallback::Skip);
        assert_eq!(Fallback::of(&e(13)), Fallback::Skip);
        assert_eq!(Fallback::of(&e(12)), Fallback::Unavailable);
        let note = Fallback::WatchLimit.note(&e(28), Duration::from_millis(250));
        assert!(note.contains("fs.inotify.max_user_watches"), "{note}");
        assert!(note.contains("every 250ms"), "{note}");
        let note = Fallback::InstanceLimit.note(&e(24), Duration::from_secs(2));
        assert!(note.contains("fs.inotify.max_user_instances"), "{note}");
        assert!(note.contains("every 2s"), "{note}");
        // A missing directory is not a reason to stop watching the others.
        let missing = dir_watcher(Purpose::Index)
            .expect("inotify")
            .0
            .watch(Path::new("/nonexistent/pfiles"))
            .expect_err("missing dir");
        assert!(!Fallback::of(&missing).polls());
    }
}
