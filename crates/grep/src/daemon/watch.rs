//! Keeping what the daemon holds fresh: loading the tree, following its
//! changes, and the cookie sync that makes a query see every change made
//! before it.
//!
//! **Following.** On Linux, workdist's inotify directory watcher
//! ([`workdist::watch`], with `IN_EXCL_UNLINK`: a deleted file still being
//! written is of no interest), one watch per held directory. A reader
//! thread waits on the descriptor (waking every 200 ms to notice a stop),
//! drains it and forwards each change as an `Event` to the watcher loop,
//! the one thread that loads the tree and then applies events, in order,
//! to the [`Tree`] ([`super::index`]). A change to the rules of what is
//! held (an ignore file, `.git`, `.git/info/exclude`) or a lost event (the
//! kernel's queue overflowed) makes it walk the whole root again.
//!
//! **Polling** instead, every [`POLL_INTERVAL`] and before every query:
//! with `--poll`, when there is no inotify (outside Linux there is no
//! watcher at all: the daemon always polls), or when the kernel's limits
//! run out mid-way ([`Fallback`]: the daemon says why, and which sysctl
//! raises the limit, in `daemon status`). A poll is a whole walk compared
//! with the index by size, mtime, inode and ctime, so a file rewritten
//! within a second is not missed.
//!
//! **Read-your-writes.** Before a query is broadcast, [`Watcher::sync`]
//! makes a cookie file in the root and waits for the watcher loop to see
//! its event: every event queued before it (in the kernel or in the
//! channel) has then been turned into updates that sit ahead of the query
//! in each shard's channel.

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use workdist::Discovery;
use workdist::watch::{Change, DirWatches, Events, Fallback, Purpose, dir_watcher};

use super::index::{COOKIE_PREFIX, Touched, Tree, baseline_options, is_cookie};
use super::stop::Stop;

/// How often the polling fallback looks at the tree on its own.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// How long a query waits for the watcher to confirm it has caught up.
const SYNC_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the reader and the loop wait before looking at the stop flag.
const WAKE: Duration = Duration::from_millis(200);

/// What the reader thread tells the watcher loop.
#[derive(Debug)]
enum Event {
    Change(Change),
    /// The watcher could not read its events: some may be lost.
    Failed,
}

/// A path whose change changes the rules of what is held: an ignore file,
/// the root repository's exclude file, or a `.git` (a repository's start
/// or end: git ignore rules apply only inside one).
fn is_ignore_file(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some(".gitignore" | ".ignore" | ".rgignore" | ".git")
    ) || path == Path::new(".git/info/exclude")
        || path == Path::new(".git/info")
}

/// The directories of the root's repository whose files are ignore rules
/// (`.git/info/exclude`): watched, though never held.
const RULE_DIRS: [&str; 2] = [".git", ".git/info"];

/// The daemon's watcher: its watches or its poller, its threads, and the
/// cookies of queries waiting to be in sync.
pub struct Watcher {
    root: Arc<PathBuf>,
    tree: Arc<Tree>,
    stop: Arc<Stop>,
    /// Ourselves, for the threads we start and the walk's directory hook.
    me: Weak<Watcher>,
    /// None when polling (or before the start).
    watches: Mutex<Option<DirWatches>>,
    polling: AtomicBool,
    /// Why the daemon polls, when it was not asked to.
    note: Mutex<Option<String>>,
    /// Set once the tree is loaded.
    ready: AtomicBool,
    cookies: Mutex<HashMap<PathBuf, Sender<()>>>,
    /// One walk at a time: the poller, a query's sync and the watcher loop
    /// may all ask for one.
    scan_lock: Mutex<()>,
    rescans: AtomicU64,
    /// Randomness for cookie names, which nobody may guess (see
    /// [`Watcher::sync`]).
    urandom: Mutex<Option<std::fs::File>>,
    /// The reader, the loop and the poller, joined at shutdown.
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
}

impl Watcher {
    pub fn new(root: Arc<PathBuf>, tree: Arc<Tree>, stop: Arc<Stop>) -> Arc<Watcher> {
        Arc::new_cyclic(|me| Watcher {
            root,
            tree,
            stop,
            me: me.clone(),
            watches: Mutex::new(None),
            polling: AtomicBool::new(false),
            note: Mutex::new(None),
            ready: AtomicBool::new(false),
            cookies: Mutex::new(HashMap::new()),
            scan_lock: Mutex::new(()),
            rescans: AtomicU64::new(0),
            urandom: Mutex::new(std::fs::File::open("/dev/urandom").ok()),
            threads: Mutex::new(Vec::new()),
        })
    }

    /// Start watching (or polling, with `poll`) and load the tree on the
    /// watcher loop's thread. Loading there, not on a thread of its own,
    /// means the events of changes made during the load wait in the
    /// channel and are applied right after it, in order: none is dropped
    /// for arriving early. Status answers meanwhile; queries fall back to
    /// one-shot until the daemon is ready.
    pub fn start(&self, poll: bool) -> anyhow::Result<()> {
        let (tx, rx) = unbounded();
        if poll {
            self.start_polling(None)?;
        } else {
            match dir_watcher(Purpose::Index) {
                Ok((watches, events)) => {
                    if let Ok(mut slot) = self.watches.lock() {
                        *slot = Some(watches);
                    }
                    let me = self.arc()?;
                    let h = std::thread::Builder::new()
                        .name("pgrep-inotify".into())
                        .spawn(move || me.read_events(events, &tx))?;
                    self.keep(h);
                    self.watch_dir(Path::new(""));
                    for d in RULE_DIRS {
                        if self.root.join(d).is_dir() {
                            self.watch_dir(Path::new(d));
                        }
                    }
                }
                Err(e) => {
                    self.start_polling(Some(Fallback::of(&e).note(&e, POLL_INTERVAL)))?;
                }
            }
        }
        let me = self.arc()?;
        let h = std::thread::Builder::new()
            .name("pgrep-watch".into())
            .spawn(move || me.watch_loop(&rx))?;
        self.keep(h);
        Ok(())
    }

    /// Stop watching and join the watcher's threads. Called once the
    /// daemon is stopping and its shards are stopped (a walk in progress
    /// then ends at once).
    pub fn shutdown(&self) {
        if let Ok(mut slot) = self.watches.lock() {
            *slot = None;
        }
        let threads = self
            .threads
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default();
        for h in threads {
            let _ = h.join();
        }
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    pub fn is_polling(&self) -> bool {
        self.polling.load(Ordering::SeqCst)
    }

    /// Why the daemon polls, if it was not asked to.
    pub fn note(&self) -> Option<String> {
        self.note.lock().ok().and_then(|n| n.clone())
    }

    /// Walks of the whole root so far (the load included).
    pub fn rescans(&self) -> u64 {
        self.rescans.load(Ordering::Relaxed)
    }

    fn arc(&self) -> anyhow::Result<Arc<Watcher>> {
        self.me
            .upgrade()
            .ok_or_else(|| anyhow::anyhow!("the watcher is gone"))
    }

    fn keep(&self, h: std::thread::JoinHandle<()>) {
        if let Ok(mut v) = self.threads.lock() {
            v.push(h);
        }
    }

    /// Switch to polling: a rescan every [`POLL_INTERVAL`], and one before
    /// every query (see [`Watcher::sync`]).
    fn start_polling(&self, note: Option<String>) -> anyhow::Result<()> {
        if self.polling.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        if let Ok(mut slot) = self.watches.lock() {
            *slot = None; // no more inotify events; the reader ends
        }
        if let Ok(mut n) = self.note.lock() {
            *n = note;
        }
        let d = self.arc()?;
        let h = std::thread::Builder::new()
            .name("pgrep-poll".into())
            .spawn(move || {
                let mut last = Instant::now();
                while !d.stop.is_stopping() {
                    std::thread::sleep(Duration::from_millis(100));
                    if last.elapsed() >= POLL_INTERVAL && d.is_ready() {
                        d.rescan();
                        last = Instant::now();
                    }
                }
            })?;
        self.keep(h);
        Ok(())
    }

    /// The reader thread: wait for events, forward them, until the daemon
    /// stops or polls.
    fn read_events(&self, mut events: Events, tx: &Sender<Event>) {
        while !self.stop.is_stopping() && !self.is_polling() {
            match events.wait(WAKE) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(_) => {
                    let _ = tx.send(Event::Failed);
                    return;
                }
            }
            let mut open = true;
            let read = events.read(&mut |change| {
                open = open && tx.send(Event::Change(change)).is_ok();
            });
            if read.is_err() {
                let _ = tx.send(Event::Failed);
                return;
            }
            if !open {
                return;
            }
        }
    }

    /// Watch one held directory (inotify mode). Running out of the
    /// kernel's watches or instances switches the whole daemon to polling,
    /// once, with a note; a directory that cannot be watched on its own
    /// account (gone meanwhile) is left to its parent's events.
    fn watch_dir(&self, rel: &Path) {
        let path = self.root.join(rel);
        let failed = {
            let Ok(slot) = self.watches.lock() else {
                return;
            };
            match slot.as_ref() {
                Some(w) => w.watch(&path).err(),
                None => None,
            }
        };
        if let Some(e) = failed {
            let fallback = Fallback::of(&e);
            if fallback.polls() {
                let _ = self.start_polling(Some(fallback.note(&e, POLL_INTERVAL)));
            }
        }
    }

    fn unwatch_dir(&self, rel: &Path) {
        if let Ok(slot) = self.watches.lock()
            && let Some(w) = slot.as_ref()
        {
            w.unwatch(&self.root.join(rel));
        }
    }

    /// The watcher loop: load the tree, then apply events until the daemon
    /// stops (or, polling, until there are no more).
    fn watch_loop(&self, rx: &Receiver<Event>) {
        self.rescan();
        self.ready.store(true, Ordering::SeqCst);
        while !self.stop.is_stopping() {
            match rx.recv_timeout(WAKE) {
                Ok(Event::Change(change)) => self.handle(change),
                // The watcher lost track: start again from the disk.
                Ok(Event::Failed) => self.rescan(),
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    fn handle(&self, change: Change) {
        match change {
            Change::Overflow => self.rescan(),
            // A watched directory itself deleted or moved: only the root's
            // matters (for the others, the parent's event has said it).
            Change::DirGone(path) => {
                if path == *self.root {
                    self.stop.root_lost("was deleted or moved away");
                }
            }
            Change::Deleted { path, .. } | Change::MovedFrom { path, .. } => {
                if path == *self.root {
                    self.stop.root_lost("was deleted or moved away");
                    return;
                }
                if !self.ack_cookie(&path) {
                    self.path_gone(&path);
                }
            }
            Change::Created { path, .. } | Change::MovedTo { path, .. } => {
                self.path_touched(&path, true);
            }
            Change::Written(path) => self.path_touched(&path, false),
        }
    }

    fn ack_cookie(&self, path: &Path) -> bool {
        let is_cookie = is_cookie(path);
        if is_cookie
            && let Ok(mut c) = self.cookies.lock()
            && let Some(tx) = c.remove(path)
        {
            let _ = tx.send(());
        }
        is_cookie
    }

    fn rel<'a>(&self, path: &'a Path) -> Option<&'a Path> {
        path.strip_prefix(self.root.as_path()).ok()
    }

    /// Something at `path` was made, changed or renamed there (`new_name`:
    /// made, or renamed to; see [`Tree::touched`]).
    fn path_touched(&self, path: &Path, new_name: bool) {
        if self.ack_cookie(path) {
            return;
        }
        let Some(rel) = self.rel(path).map(Path::to_path_buf) else {
            return;
        };
        if is_ignore_file(&rel) {
            // What is held may change anywhere below: start again.
            if RULE_DIRS.iter().any(|d| rel == Path::new(d)) && path.is_dir() {
                self.watch_dir(&rel);
            }
            self.rescan();
            return;
        }
        let Ok(md) = std::fs::symlink_metadata(path) else {
            self.path_gone(path);
            return;
        };
        match self.tree.touched(&rel, &md, new_name) {
            Touched::Done => {}
            Touched::Subtree { replace } => {
                if replace {
                    self.path_gone(path);
                }
                self.walk_and_merge(Some(&rel));
            }
        }
    }

    fn path_gone(&self, path: &Path) {
        let Some(rel) = self.rel(path).map(Path::to_path_buf) else {
            return;
        };
        if is_ignore_file(&rel) {
            self.rescan();
            return;
        }
        for d in self.tree.gone(&rel) {
            self.unwatch_dir(&d);
        }
    }

    /// Walk the whole root again and bring the index and shards in line:
    /// the initial load, and the answer to anything the events cannot
    /// describe (an ignore file changed, the event queue overflowed).
    fn rescan(&self) {
        self.rescans.fetch_add(1, Ordering::Relaxed);
        self.walk_and_merge(None);
    }

    /// Walk the root (`scope` None) or one subtree and merge what is there.
    ///
    /// A directory must be watched *before* it is read, or a file created
    /// between the read and the watch is never seen: no event will tell of
    /// it (issue 10: files in a new directory were lost for good). The
    /// scope is watched here; every directory below it is watched by the
    /// walk itself before it reads it ([`Discovery::inventory_with`]: the
    /// walk's entry filter runs before a directory is queued to be read).
    /// Everything created in a directory after its watch comes as an event,
    /// everything before is in the listing.
    fn walk_and_merge(&self, scope: Option<&Path>) {
        let _serial = self.scan_lock.lock();
        let polling = self.is_polling();
        let start = match scope {
            // The root is watched from the start (see `start`).
            None => self.root.to_path_buf(),
            Some(rel) => {
                if !polling {
                    self.watch_dir(rel);
                }
                self.root.join(rel)
            }
        };
        let Ok(d) = Discovery::new(
            std::slice::from_ref(&start),
            &self.root,
            &baseline_options(),
        ) else {
            return;
        };
        if scope.is_none() {
            self.tree.set_filter(d.path_filter());
        }
        let inv = match self.me.upgrade() {
            Some(me) if !polling => d.inventory_with(Arc::new(move |dir: &Path| {
                if let Some(r) = me.rel(dir) {
                    me.watch_dir(r);
                }
            })),
            _ => d.inventory(),
        };
        let before = match scope {
            None => self.tree.held_dirs(),
            Some(_) => BTreeSet::new(),
        };
        self.tree.merge_inventory(inv, scope);
        if scope.is_none() {
            // Directories no longer held (gone, or ignored now): their
            // watches go too.
            for d in before.difference(&self.tree.held_dirs()) {
                self.unwatch_dir(d);
            }
        }
    }

    /// Make sure every change made before now is applied before the next
    /// query: see the module docs. False when the watcher did not confirm
    /// it in time.
    ///
    /// The cookie is the one file the daemon creates in the tree, in a
    /// directory others may write to. So: a name nobody can guess (128
    /// random bits, fresh for each query: a name seen in an earlier event
    /// says nothing of the next), created with `O_CREAT|O_EXCL|O_NOFOLLOW`
    /// (a planted file or symbolic link of that name makes the creation
    /// fail, and the query falls back to one-shot; nothing is followed or
    /// truncated), mode 0600, empty, and removed by name (`unlink` removes
    /// a link, never what it points to).
    pub fn sync(&self) -> bool {
        if self.is_polling() {
            // No events to wait for: look at the disk now.
            self.rescan();
            return true;
        }
        let Some(token) = self.random_token() else {
            return false;
        };
        let cookie = self.root.join(format!("{COOKIE_PREFIX}{token}"));
        let (tx, rx) = bounded(1);
        if let Ok(mut c) = self.cookies.lock() {
            c.insert(cookie.clone(), tx);
        }
        let created = create_exclusive(&cookie).is_ok();
        let ok = created && rx.recv_timeout(SYNC_TIMEOUT).is_ok();
        if let Ok(mut c) = self.cookies.lock() {
            c.remove(&cookie);
        }
        if created {
            let _ = std::fs::remove_file(&cookie);
        }
        ok
    }

    /// 128 bits from the kernel's random source, in hex.
    fn random_token(&self) -> Option<String> {
        use std::io::Read;
        let mut bytes = [0u8; 16];
        let mut src = self.urandom.lock().ok()?;
        src.as_mut()?.read_exact(&mut bytes).ok()?;
        Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// Create an empty file that did not exist, never through a link: see
/// [`Watcher::sync`].
fn create_exclusive(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::CLOEXEC).bits() as i32)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cookie's creation never goes through a planted link, nor
    /// truncates an existing file: the name is unguessable, and this is
    /// what holds if it were guessed.
    #[test]
    fn cookie_creation_refuses_links_and_existing_files() {
        let dir = tempfile::tempdir().expect("tmp");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me\n").expect("victim");
        let link = dir.path().join("cookie-link");
        std::os::unix::fs::symlink(&victim, &link).expect("plant");
        assert!(create_exclusive(&link).is_err());
        let dangling = dir.path().join("cookie-dangling");
        std::os::unix::fs::symlink(dir.path().join("nothing"), &dangling).expect("plant");
        assert!(create_exclusive(&dangling).is_err());
        assert!(!dir.path().join("nothing").exists());
        assert!(create_exclusive(&victim).is_err());
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "keep me\n"
        );
        let fresh = dir.path().join("cookie-fresh");
        assert!(create_exclusive(&fresh).is_ok());
    }
}
