//! The daemon process: load a tree into shards, keep it fresh, answer
//! searches over a Unix socket.
//!
//! Threads: the accept loop (main thread); one thread per connection; one
//! per shard (workdist's [`ShardPool`]); the watcher's event loop; a timer
//! for `--idle-timeout`. The [`Index`] (who owns which file, which
//! directories are held, what was left out at the edge) belongs to the
//! watcher loop and is read, under its mutex, when a query is planned.
//!
//! Freshness: file-system events become [`Update`]s sent to the owning
//! shard's channel, the channel queries travel on. Before a query is
//! broadcast, [`Daemon::sync`] writes a cookie file in the root and waits for
//! the watcher loop to see its event: every event queued before it (in the
//! kernel or in the watcher thread) has then been turned into updates that
//! sit ahead of the query in each shard's channel. That is read-your-writes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsString;
use std::io;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use grep_printer::Stats;
use notify::EventKind;
#[cfg(not(target_os = "linux"))]
use notify::{RecursiveMode, Watcher};
use workdist::discover::{Exclusion, PathClass, PathFilter};
use workdist::{Discovery, DiscoveryOptions, ExitStatus, ShardPool};

use super::held::{Counters, GrepQuery, GrepShard, QueryRoot, Selection, ShardItem, Update};
use super::protocol::{self, Frame, Kind, ProtocolError};
use super::socket;
use crate::config::{Config, Mode};
use crate::search::build_matcher;

/// How the daemon was asked to run.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Canonical root.
    pub root: PathBuf,
    pub workers: usize,
    pub idle_timeout: Option<Duration>,
    /// Poll instead of using inotify.
    pub poll: bool,
}

/// How often the polling fallback looks at the tree on its own.
const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// How long a query waits for the watcher to confirm it has caught up.
const SYNC_TIMEOUT: Duration = Duration::from_secs(5);
const COOKIE_PREFIX: &str = ".pgrep-lite-cookie-";
/// The timer's resolution (idle timeout, root checks).
const TICK: Duration = Duration::from_millis(100);
/// How often the timer checks that the root is still the directory we
/// watch.
const ROOT_CHECK: Duration = Duration::from_secs(1);

/// The daemon's baseline walk: ripgrep's defaults, nothing else.
pub fn baseline_options() -> DiscoveryOptions {
    DiscoveryOptions {
        custom_ignore_filenames: vec![".rgignore".into()],
        ..DiscoveryOptions::default()
    }
}

#[derive(Clone, Copy, Debug)]
struct FileMeta {
    worker: usize,
    len: u64,
    mtime: Option<Stamp>,
}

/// What says a file is unchanged without reading it: its modification
/// time, its inode and its change time. The size and mtime alone miss a
/// file replaced by one of the same size with its mtime restored (`cp -p`,
/// `rsync -a`, `tar x`, `sed -i` then `touch -r`); the inode or the ctime,
/// which nobody can set, tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    mtime: SystemTime,
    ino: u64,
    ctime: (i64, i64),
}

fn stamp(md: &std::fs::Metadata) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    Some(Stamp {
        mtime: md.modified().ok()?,
        ino: md.ino(),
        ctime: (md.ctime(), md.ctime_nsec()),
    })
}

/// What the daemon holds, as the watcher keeps it.
struct Index {
    files: BTreeMap<PathBuf, FileMeta>,
    dirs: BTreeSet<PathBuf>,
    excluded: BTreeMap<PathBuf, (bool, Exclusion)>,
    filter: Option<PathFilter>,
}

enum WatchImpl {
    /// Linux: our own inotify use, without IN_OPEN (see [`super::inotify`]).
    #[cfg(target_os = "linux")]
    Linux(super::inotify::DirWatcher),
    /// Elsewhere: notify's watcher for the platform.
    #[cfg(not(target_os = "linux"))]
    Notify(notify::RecommendedWatcher),
}

pub struct Daemon {
    root: Arc<PathBuf>,
    pool: ShardPool<GrepShard>,
    counters: Arc<Counters>,
    index: Mutex<Index>,
    watcher: Mutex<Option<WatchImpl>>,
    events_tx: Sender<notify::Result<notify::Event>>,
    cookies: Mutex<HashMap<PathBuf, Sender<()>>>,
    polling: AtomicBool,
    watch_note: Mutex<Option<String>>,
    ready: AtomicBool,
    stopping: AtomicBool,
    started: Instant,
    last_active: Mutex<Instant>,
    queries: AtomicU64,
    fallbacks: AtomicU64,
    rescans: AtomicU64,
    idle_timeout: Option<Duration>,
    paths: socket::DaemonPaths,
    scan_lock: Mutex<()>,
    /// Connections being served, to close them at shutdown.
    open_conns: Mutex<HashMap<u64, UnixStream>>,
    conn_seq: AtomicU64,
    /// Helper threads (loader, idle timer, poller), joined at shutdown.
    helpers: Mutex<Vec<std::thread::JoinHandle<()>>>,
    syncs: AtomicU64,
    sync_micros: AtomicU64,
    /// A weak handle to ourselves, for threads started later (the poller).
    me: Mutex<std::sync::Weak<Daemon>>,
    /// The root's (device, inode) when we started: a root deleted or moved
    /// and made again is another directory, which this daemon does not
    /// watch (see [`Daemon::root_lost`]).
    root_id: Option<(u64, u64)>,
    /// Randomness for cookie names, which nobody may guess (see
    /// [`Daemon::sync`]).
    urandom: Mutex<Option<std::fs::File>>,
    /// Set when the daemon stops because its root is gone: its log, which
    /// says so, is then kept.
    lost_root: AtomicBool,
}

/// Run the daemon in this process until it is stopped.
pub fn serve(opts: ServeOptions) -> anyhow::Result<()> {
    let dir = socket::runtime_dir().context("cannot prepare the runtime directory")?;
    let paths = socket::paths_for(&dir, &opts.root);
    let Some(lock) = socket::try_lock(&paths.lock)? else {
        anyhow::bail!("a daemon already serves {}", opts.root.display());
    };
    // We hold the lock, so any socket or pid file here is a dead daemon's.
    let _ = std::fs::remove_file(&paths.socket);
    let listener = UnixListener::bind(&paths.socket)
        .with_context(|| format!("cannot listen on {}", paths.socket.display()))?;
    socket::restrict_socket(&paths.socket)?;
    std::fs::write(&paths.pid, format!("{}\n", std::process::id()))?;

    let counters = Arc::new(Counters::default());
    let root = Arc::new(opts.root.clone());
    let shards = (0..opts.workers.max(1))
        .map(|_| GrepShard::new(Arc::clone(&root), Arc::clone(&counters)))
        .collect();
    let pool = ShardPool::new(shards, 1024, 16)?;
    let (events_tx, events_rx) = unbounded();
    let daemon = Arc::new(Daemon {
        root,
        pool,
        counters,
        index: Mutex::new(Index {
            files: BTreeMap::new(),
            dirs: BTreeSet::new(),
            excluded: BTreeMap::new(),
            filter: None,
        }),
        watcher: Mutex::new(None),
        events_tx,
        cookies: Mutex::new(HashMap::new()),
        polling: AtomicBool::new(false),
        watch_note: Mutex::new(None),
        ready: AtomicBool::new(false),
        stopping: AtomicBool::new(false),
        started: Instant::now(),
        last_active: Mutex::new(Instant::now()),
        queries: AtomicU64::new(0),
        fallbacks: AtomicU64::new(0),
        rescans: AtomicU64::new(0),
        idle_timeout: opts.idle_timeout,
        paths: paths.clone(),
        scan_lock: Mutex::new(()),
        open_conns: Mutex::new(HashMap::new()),
        conn_seq: AtomicU64::new(0),
        helpers: Mutex::new(Vec::new()),
        syncs: AtomicU64::new(0),
        sync_micros: AtomicU64::new(0),
        me: Mutex::new(std::sync::Weak::new()),
        root_id: dir_id(&opts.root),
        urandom: Mutex::new(std::fs::File::open("/dev/urandom").ok()),
        lost_root: AtomicBool::new(false),
    });
    if let Ok(mut me) = daemon.me.lock() {
        *me = Arc::downgrade(&daemon);
    }

    daemon.start_watcher(opts.poll)?;
    let watch_thread = {
        let d = Arc::clone(&daemon);
        std::thread::Builder::new()
            .name("pgrep-watch".into())
            .spawn(move || d.watch_loop(&events_rx))?
    };
    {
        // A timer: the idle timeout, and the root's identity. Deleting the
        // root does not always produce an event (not while any process,
        // such as a shell, has it as its working directory), so look.
        let d = Arc::clone(&daemon);
        let limit = opts.idle_timeout;
        // SIGTERM and SIGINT stop the daemon as `daemon stop` does, so
        // that it leaves no socket, pid, lock or log file behind.
        let signalled = Arc::new(AtomicBool::new(false));
        for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
            signal_hook::flag::register(sig, Arc::clone(&signalled))?;
        }
        let h = std::thread::Builder::new()
            .name("pgrep-timer".into())
            .spawn(move || {
                let mut last_root_check = Instant::now();
                while !d.stopping.load(Ordering::SeqCst) {
                    std::thread::sleep(TICK);
                    if signalled.load(Ordering::SeqCst) {
                        d.request_stop();
                        return;
                    }
                    let idle = d
                        .last_active
                        .lock()
                        .map(|t| t.elapsed())
                        .unwrap_or_default();
                    if limit.is_some_and(|limit| idle >= limit) {
                        d.request_stop();
                        return;
                    }
                    if last_root_check.elapsed() >= ROOT_CHECK {
                        last_root_check = Instant::now();
                        if d.root_changed() {
                            d.root_lost("was deleted or moved away");
                            return;
                        }
                    }
                }
            })?;
        daemon.keep(h);
    }

    let mut connections = Vec::new();
    for conn in listener.incoming() {
        if daemon.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else { continue };
        let d = Arc::clone(&daemon);
        connections.retain(|h: &std::thread::JoinHandle<()>| !h.is_finished());
        if let Ok(h) = std::thread::Builder::new()
            .name("pgrep-conn".into())
            .spawn(move || d.connection(stream))
        {
            connections.push(h);
        }
    }
    // Shutdown: no new connections; queries in flight are cancelled and
    // their connections closed (a client that was reading says its output
    // is incomplete; one that stopped reading cannot hold us); every thread
    // is joined.
    drop(listener);
    if let Ok(open) = daemon.open_conns.lock() {
        for s in open.values() {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }
    let _ = std::fs::remove_file(&paths.socket);
    let _ = std::fs::remove_file(&paths.pid);
    daemon.pool.stop();
    if let Ok(mut slot) = daemon.watcher.lock() {
        *slot = None;
    }
    let _ = watch_thread.join();
    for h in connections {
        let _ = h.join();
    }
    let helpers = daemon
        .helpers
        .lock()
        .map(|mut v| std::mem::take(&mut *v))
        .unwrap_or_default();
    for h in helpers {
        let _ = h.join();
    }
    // Leave nothing behind but what someone should read: the log of a
    // daemon that stopped because its root went away. The lock file goes
    // last, while we still hold it: a daemon starting now makes a new one.
    if !daemon.lost_root.load(Ordering::SeqCst) {
        let _ = std::fs::remove_file(&paths.log);
    }
    let _ = std::fs::remove_file(&paths.lock);
    drop(lock);
    Ok(())
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

impl Daemon {
    fn keep(&self, h: std::thread::JoinHandle<()>) {
        if let Ok(mut v) = self.helpers.lock() {
            v.push(h);
        }
    }

    fn touch(&self) {
        if let Ok(mut t) = self.last_active.lock() {
            *t = Instant::now();
        }
    }

    /// Stop accepting connections; the accept loop ends at the next
    /// connection, which we make ourselves.
    fn request_stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = UnixStream::connect(&self.paths.socket);
    }

    // ------------------------------------------------------------ watching

    fn start_watcher(&self, poll: bool) -> anyhow::Result<()> {
        if poll {
            return self.start_polling(None);
        }
        let tx = self.events_tx.clone();
        #[cfg(target_os = "linux")]
        let made = super::inotify::DirWatcher::new(tx)
            .map(WatchImpl::Linux)
            .map_err(|e| e.to_string());
        #[cfg(not(target_os = "linux"))]
        let made = notify::recommended_watcher(move |ev| {
            let _ = tx.send(ev);
        })
        .map(WatchImpl::Notify)
        .map_err(|e| e.to_string());
        match made {
            Ok(w) => {
                if let Ok(mut slot) = self.watcher.lock() {
                    *slot = Some(w);
                }
                self.watch_dir(Path::new(""));
                for d in RULE_DIRS {
                    if self.root.join(d).is_dir() {
                        self.watch_dir(Path::new(d));
                    }
                }
                Ok(())
            }
            Err(e) => self.start_polling(Some(format!(
                "file notifications unavailable ({e}); polling every {}s",
                POLL_INTERVAL.as_secs()
            ))),
        }
    }

    /// Switch to polling: a rescan every [`POLL_INTERVAL`], and one before
    /// every query (see [`Daemon::sync`]). Our own scan, not notify's
    /// PollWatcher: that one compares modification times in whole seconds
    /// and ignores sizes, so it misses a file rewritten within a second.
    fn start_polling(&self, note: Option<String>) -> anyhow::Result<()> {
        if self.polling.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        if let Ok(mut slot) = self.watcher.lock() {
            *slot = None; // no more inotify events
        }
        if let Ok(mut n) = self.watch_note.lock() {
            *n = note;
        }
        let me = self.me.lock().ok().and_then(|m| m.upgrade());
        if let Some(d) = me {
            let me = Arc::clone(&d);
            let h = std::thread::Builder::new()
                .name("pgrep-poll".into())
                .spawn(move || {
                    let mut last = Instant::now();
                    while !d.stopping.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(100));
                        if last.elapsed() >= POLL_INTERVAL && d.ready.load(Ordering::SeqCst) {
                            d.rescan();
                            last = Instant::now();
                        }
                    }
                })?;
            me.keep(h);
        }
        Ok(())
    }

    /// Watch one held directory (inotify mode). Hitting the kernel's watch
    /// limit switches the whole daemon to polling, once, with a note.
    fn watch_dir(&self, rel: &Path) {
        let path = self.root.join(rel);
        let limit_hit = {
            let Ok(mut slot) = self.watcher.lock() else {
                return;
            };
            match slot.as_mut() {
                #[cfg(target_os = "linux")]
                Some(WatchImpl::Linux(w)) => match w.watch(&path) {
                    Ok(()) => false,
                    // ENOSPC: the kernel's limit on inotify watches.
                    Err(e) => e.raw_os_error() == Some(28),
                },
                #[cfg(not(target_os = "linux"))]
                Some(WatchImpl::Notify(w)) => match w.watch(&path, RecursiveMode::NonRecursive) {
                    Ok(()) => false,
                    Err(e) => matches!(e.kind, notify::ErrorKind::MaxFilesWatch),
                },
                None => false,
            }
        };
        if limit_hit {
            let note = format!(
                "inotify watch limit reached; polling every {}s instead. \
                 Raise the limit with: sudo sysctl fs.inotify.max_user_watches=524288",
                POLL_INTERVAL.as_secs()
            );
            let _ = self.start_polling(Some(note));
        }
    }

    fn unwatch_dir(&self, rel: &Path) {
        if let Ok(mut slot) = self.watcher.lock() {
            match slot.as_mut() {
                #[cfg(target_os = "linux")]
                Some(WatchImpl::Linux(w)) => w.unwatch(&self.root.join(rel)),
                #[cfg(not(target_os = "linux"))]
                Some(WatchImpl::Notify(w)) => {
                    let _ = w.unwatch(&self.root.join(rel));
                }
                None => {}
            }
        }
    }

    /// The watcher's loop, which first loads the tree. Loading here, not on
    /// a thread of its own, means the events of changes made during the
    /// load wait in the channel and are applied right after it, in order:
    /// none is dropped for arriving early. Status answers meanwhile;
    /// queries fall back to one-shot until the daemon is ready.
    fn watch_loop(&self, rx: &Receiver<notify::Result<notify::Event>>) {
        self.rescan();
        self.ready.store(true, Ordering::SeqCst);
        while !self.stopping.load(Ordering::SeqCst) {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(Ok(ev)) => self.handle_event(ev),
                // The watcher lost track (queue overflow, an error): start
                // again from the disk.
                Ok(Err(_)) => self.rescan(),
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    fn handle_event(&self, ev: notify::Event) {
        use notify::event::{ModifyKind, RenameMode};
        if ev.need_rescan() {
            self.rescan();
            return;
        }
        match ev.kind {
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)) if ev.paths.len() == 2 => {
                self.path_gone(&ev.paths[0]);
                self.path_touched(&ev.paths[1], true);
            }
            // A watched directory itself deleted or moved (see the watcher):
            // only the root's matters.
            EventKind::Remove(notify::event::RemoveKind::Other)
                if ev.paths.iter().any(|p| p == self.root.as_path()) =>
            {
                self.root_lost("was deleted or moved away");
            }
            EventKind::Remove(notify::event::RemoveKind::Other) => {}
            EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(RenameMode::From)) => {
                for p in &ev.paths {
                    if p == self.root.as_path() {
                        self.root_lost("was deleted or moved away");
                        return;
                    }
                    if !self.ack_cookie(p) {
                        self.path_gone(p);
                    }
                }
            }
            EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(_)) => {
                for p in &ev.paths {
                    self.path_touched(p, true);
                }
            }
            EventKind::Modify(_) | EventKind::Access(notify::event::AccessKind::Close(_)) => {
                for p in &ev.paths {
                    self.path_touched(p, false);
                }
            }
            _ => {}
        }
    }

    fn ack_cookie(&self, path: &Path) -> bool {
        let is_cookie = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(COOKIE_PREFIX));
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

    /// Something at `path` was made, changed or renamed there. `new_name`:
    /// the name is new (created, or renamed to): a directory there is
    /// another one than any held under that name (`mv -T c g` over an
    /// empty `g`), so what was held below it goes and the new one is read.
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
        let Ok(mut index) = self.index.lock() else {
            return;
        };
        let parent_held = rel.parent().is_some_and(|p| index.dirs.contains(p));
        if !parent_held || rel.as_os_str().is_empty() {
            return;
        }
        let is_dir = md.is_dir();
        let class = match index.filter.as_mut() {
            Some(f) => f.classify(&rel, is_dir),
            None => PathClass::Included,
        };
        match class {
            PathClass::Excluded(why) => {
                index.excluded.insert(rel.clone(), (is_dir, why));
                drop(index);
                self.forget_file(&rel);
            }
            PathClass::Included if is_dir => {
                let held = index.dirs.contains(&rel);
                drop(index);
                if held {
                    if !new_name {
                        return;
                    }
                    self.path_gone(path);
                }
                self.add_subtree(&rel);
            }
            PathClass::Included if md.is_file() => {
                index.excluded.remove(&rel);
                let mtime = stamp(&md);
                let worker = match index.files.get(&rel) {
                    Some(m) if m.len == md.len() && m.mtime == mtime && m.mtime.is_some() => {
                        // Unchanged as far as the metadata can tell: but a
                        // write within the same timestamp tick and of the
                        // same length is possible, so re-read anyway.
                        m.worker
                    }
                    Some(m) => m.worker,
                    None => self.pool.lightest(),
                };
                index.files.insert(
                    rel.clone(),
                    FileMeta {
                        worker,
                        len: md.len(),
                        mtime,
                    },
                );
                drop(index);
                self.counters.pending.fetch_add(1, Ordering::SeqCst);
                let _ = self.pool.update(worker, Update::Refresh(vec![rel]));
            }
            PathClass::Included => {
                // A symlink or special file: a walk would not search it.
                drop(index);
                self.forget_file(&rel);
            }
        }
    }

    fn forget_file(&self, rel: &Path) {
        let meta = self.index.lock().ok().and_then(|mut i| i.files.remove(rel));
        if let Some(m) = meta {
            self.counters.pending.fetch_add(1, Ordering::SeqCst);
            let _ = self
                .pool
                .update(m.worker, Update::Remove(vec![rel.to_path_buf()]));
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
        let was_dir = {
            let Ok(mut index) = self.index.lock() else {
                return;
            };
            index.excluded.remove(&rel);
            let sub: Vec<PathBuf> = index
                .excluded
                .range::<Path, _>((
                    std::ops::Bound::Excluded(rel.as_path()),
                    std::ops::Bound::Unbounded,
                ))
                .take_while(|(p, _)| p.starts_with(&rel))
                .map(|(p, _)| p.clone())
                .collect();
            for p in sub {
                index.excluded.remove(&p);
            }
            index.dirs.contains(&rel)
        };
        if was_dir {
            let dirs: Vec<PathBuf> = {
                let Ok(mut index) = self.index.lock() else {
                    return;
                };
                let dirs: Vec<PathBuf> = index
                    .dirs
                    .range::<Path, _>((
                        std::ops::Bound::Included(rel.as_path()),
                        std::ops::Bound::Unbounded,
                    ))
                    .take_while(|p| p.starts_with(&rel))
                    .cloned()
                    .collect();
                for d in &dirs {
                    index.dirs.remove(d);
                }
                let files: Vec<PathBuf> = index
                    .files
                    .range::<Path, _>((
                        std::ops::Bound::Included(rel.as_path()),
                        std::ops::Bound::Unbounded,
                    ))
                    .take_while(|(p, _)| p.starts_with(&rel))
                    .map(|(p, _)| p.clone())
                    .collect();
                for f in files {
                    index.files.remove(&f);
                }
                dirs
            };
            for w in 0..self.pool.len() {
                self.counters.pending.fetch_add(1, Ordering::SeqCst);
                let _ = self.pool.update(w, Update::RemoveDir(rel.clone()));
            }
            for d in dirs {
                self.unwatch_dir(&d);
            }
        } else {
            self.forget_file(&rel);
        }
    }

    /// A new directory appeared: load it (see [`Daemon::walk_and_merge`]).
    fn add_subtree(&self, rel: &Path) {
        self.walk_and_merge(Some(rel));
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
        // One at a time: the poller, a query's sync and the watcher may all
        // ask for one.
        let _serial = self.scan_lock.lock();
        let polling = self.polling.load(Ordering::SeqCst);
        let start = match scope {
            // The root is watched from the start (see `start_watcher`).
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
        if scope.is_none()
            && let Ok(mut index) = self.index.lock()
        {
            index.filter = d.path_filter();
        }
        let me = self.me.lock().ok().and_then(|m| m.upgrade());
        let inv = match me {
            Some(me) if !polling => d.inventory_with(Arc::new(move |dir: &Path| {
                if let Some(r) = me.rel(dir) {
                    me.watch_dir(r);
                }
            })),
            _ => d.inventory(),
        };
        let before = match scope {
            None => self.held_dirs(),
            Some(_) => BTreeSet::new(),
        };
        self.merge_inventory(inv, scope);
        if scope.is_none() {
            // Directories no longer held (gone, or ignored now): their
            // watches go too.
            for d in before.difference(&self.held_dirs()) {
                self.unwatch_dir(d);
            }
        }
    }

    fn held_dirs(&self) -> BTreeSet<PathBuf> {
        self.index
            .lock()
            .map(|i| i.dirs.clone())
            .unwrap_or_default()
    }

    /// Merge a walk's result into the index, for the whole tree (`scope`
    /// None) or one subtree, sending the shards what changed. New files go
    /// to the lightest shards, biggest first, so shards balance by bytes.
    fn merge_inventory(&self, inv: workdist::discover::Inventory, scope: Option<&Path>) {
        let root = self.root.to_path_buf();
        let rel_of = |p: &Path| p.strip_prefix(&root).map(Path::to_path_buf).ok();
        let mut seen = Vec::with_capacity(inv.files.len());
        for f in &inv.files {
            if let Some(rel) = rel_of(f) {
                let md = std::fs::symlink_metadata(f).ok();
                seen.push((rel, md));
            }
        }
        let mut refresh: Vec<Vec<PathBuf>> = vec![Vec::new(); self.pool.len()];
        let mut remove: Vec<Vec<PathBuf>> = vec![Vec::new(); self.pool.len()];
        {
            let Ok(mut index) = self.index.lock() else {
                return;
            };
            let in_scope = |p: &Path| scope.is_none_or(|s| p.starts_with(s));
            let present: BTreeSet<&PathBuf> = seen.iter().map(|(p, _)| p).collect();
            let gone: Vec<(PathBuf, usize)> = index
                .files
                .iter()
                .filter(|(p, _)| in_scope(p) && !present.contains(p))
                .map(|(p, m)| (p.clone(), m.worker))
                .collect();
            for (p, w) in gone {
                index.files.remove(&p);
                remove[w].push(p);
            }
            let mut weights = self.pool.weights();
            seen.sort_by_key(|(_, md)| std::cmp::Reverse(md.as_ref().map_or(0, |m| m.len())));
            for (rel, md) in seen {
                let len = md.as_ref().map_or(0, |m| m.len());
                let mtime = md.as_ref().and_then(stamp);
                match index.files.get(&rel).copied() {
                    Some(m) if m.len == len && m.mtime == mtime && mtime.is_some() => {}
                    Some(m) => {
                        index
                            .files
                            .insert(rel.clone(), FileMeta { len, mtime, ..m });
                        refresh[m.worker].push(rel);
                    }
                    None => {
                        let w = weights
                            .iter()
                            .enumerate()
                            .min_by_key(|(_, w)| **w)
                            .map_or(0, |(i, _)| i);
                        weights[w] += len.min(super::held::MAX_HELD);
                        index.files.insert(
                            rel.clone(),
                            FileMeta {
                                worker: w,
                                len,
                                mtime,
                            },
                        );
                        refresh[w].push(rel);
                    }
                }
            }
            let dirs: Vec<PathBuf> = inv.dirs.iter().filter_map(|d| rel_of(d)).collect();
            if scope.is_none() {
                index.dirs = dirs.into_iter().collect();
                index.excluded.clear();
            } else {
                index.dirs.extend(dirs);
            }
            for e in &inv.excluded {
                if let Some(rel) = rel_of(&e.path) {
                    let is_cookie = rel
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(COOKIE_PREFIX));
                    if !is_cookie {
                        index.excluded.insert(rel, (e.is_dir, e.why));
                    }
                }
            }
        }
        for (w, paths) in remove.into_iter().enumerate() {
            if !paths.is_empty() {
                self.counters
                    .pending
                    .fetch_add(paths.len() as u64, Ordering::SeqCst);
                let _ = self.pool.update(w, Update::Remove(paths));
            }
        }
        for (w, paths) in refresh.into_iter().enumerate() {
            // In batches, so that the shards read in parallel and a query
            // arriving meanwhile is not stuck behind one giant update.
            for chunk in paths.chunks(256) {
                self.counters
                    .pending
                    .fetch_add(chunk.len() as u64, Ordering::SeqCst);
                let _ = self.pool.update(w, Update::Refresh(chunk.to_vec()));
            }
        }
        // Wait until the shards have applied all of it: `stats` travels
        // behind the updates on each channel.
        let _ = self.pool.stats();
    }

    /// Make sure every change made before now is applied before the next
    /// query: see the module docs.
    ///
    /// The cookie is the one file the daemon creates in the tree, in a
    /// directory others may write to. So: a name nobody can guess (128
    /// random bits, fresh for each query: a name seen in an earlier event
    /// says nothing of the next), created with `O_CREAT|O_EXCL|O_NOFOLLOW`
    /// (a planted file or symbolic link of that name makes the creation
    /// fail, and the query falls back to one-shot; nothing is followed or
    /// truncated), mode 0600, empty, and removed by name (`unlink` removes
    /// a link, never what it points to).
    fn sync(&self) -> bool {
        if self.polling.load(Ordering::SeqCst) {
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

    /// Is the directory at the root's path another one than we watch?
    fn root_changed(&self) -> bool {
        self.root_id.is_some() && dir_id(&self.root) != self.root_id
    }

    /// The root we watch is gone (deleted, or moved away): nothing we hold
    /// or watch describes the tree at that path any more. Say so once, in
    /// the daemon's log, and stop: the next search runs one-shot, and
    /// `daemon start` can serve the new directory.
    fn root_lost(&self, how: &str) {
        if self.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        self.lost_root.store(true, Ordering::SeqCst);
        eprintln!(
            "pgrep-lite daemon: the root {} {how}; stopping (start a new daemon to serve what is there now)",
            self.root.display()
        );
        let _ = UnixStream::connect(&self.paths.socket);
    }

    // --------------------------------------------------------- connections

    fn connection(&self, mut stream: UnixStream) {
        if self.stopping.load(Ordering::SeqCst) {
            return;
        }
        let id = self.conn_seq.fetch_add(1, Ordering::Relaxed);
        if let (Ok(mut open), Ok(clone)) = (self.open_conns.lock(), stream.try_clone()) {
            open.insert(id, clone);
        }
        self.serve_connection(&mut stream);
        if let Ok(mut open) = self.open_conns.lock() {
            open.remove(&id);
        }
    }

    fn serve_connection(&self, mut stream: &mut UnixStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        // A client that stops reading cannot hold the daemon (or its
        // shutdown) forever.
        let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
        match socket::peer_uid(stream) {
            Ok(uid) if uid == socket::current_uid() => {}
            _ => {
                let _ = protocol::write_frame(
                    &mut stream,
                    Kind::Error,
                    b"permission denied: not the daemon's user",
                );
                return;
            }
        }
        self.touch();
        if let Err(err) = self.converse(stream) {
            let msg = format!("{err}");
            let _ = protocol::write_frame(&mut stream, Kind::Error, msg.as_bytes());
        }
        self.touch();
    }

    fn converse(&self, stream: &mut UnixStream) -> Result<(), ProtocolError> {
        let hello = protocol::read_frame(stream)?;
        if hello.kind != Kind::Hello {
            return Err(ProtocolError::Malformed("expected hello".into()));
        }
        let h: protocol::Hello = hello.json()?;
        if h.magic != protocol::MAGIC || h.version != protocol::VERSION {
            return Err(ProtocolError::Malformed(format!(
                "protocol mismatch: daemon speaks {} v{}, client {} v{}",
                protocol::MAGIC,
                protocol::VERSION,
                h.magic,
                h.version
            )));
        }
        protocol::write_json(
            stream,
            Kind::HelloOk,
            &protocol::HelloOk {
                version: protocol::VERSION,
                root: self.root.to_path_buf(),
                pid: std::process::id(),
            },
        )?;
        let req = protocol::read_frame(stream)?;
        match req.kind {
            Kind::Status => {
                protocol::write_json(stream, Kind::StatusReply, &self.status())?;
            }
            Kind::Stop => {
                protocol::write_frame(stream, Kind::Stopping, b"")?;
                self.request_stop();
            }
            Kind::Query => self.query(stream, &req)?,
            Kind::Scan => {
                let report = self.bare_scan(&req.payload);
                protocol::write_json(stream, Kind::ScanReply, &report)?;
            }
            _ => return Err(ProtocolError::Malformed("unexpected request".into())),
        }
        Ok(())
    }

    /// Run a bare memmem pass on every shard at once (in their own
    /// threads) and time it from broadcast to the last reply.
    fn bare_scan(&self, needle: &[u8]) -> protocol::ScanReport {
        let started = Instant::now();
        let (tx, rx) = unbounded();
        for w in 0..self.pool.len() {
            let tx = tx.clone();
            let needle = needle.to_vec();
            let _ = self.pool.with(w, move |shard| {
                let _ = tx.send(shard.bare_scan(&needle));
            });
        }
        drop(tx);
        let mut report = protocol::ScanReport::default();
        for (bytes, files, matches) in rx.iter() {
            report.bytes += bytes;
            report.files += files;
            report.matches += matches;
        }
        report.micros = started.elapsed().as_micros() as u64;
        report
    }

    fn status(&self) -> protocol::Status {
        let shard_stats = self.pool.stats().unwrap_or_default();
        let (excluded, _) = self
            .index
            .lock()
            .map(|i| (i.excluded.len() as u64, i.files.len()))
            .unwrap_or_default();
        protocol::Status {
            root: self.root.to_path_buf(),
            pid: std::process::id(),
            protocol: protocol::VERSION,
            ready: self.ready.load(Ordering::SeqCst),
            files: shard_stats.iter().map(|s| s.files).sum(),
            bytes_held: shard_stats.iter().map(|s| s.bytes).sum(),
            skipped_binary: shard_stats.iter().map(|s| s.binary).sum(),
            skipped_large: shard_stats.iter().map(|s| s.large).sum(),
            skipped_linked: shard_stats.iter().map(|s| s.linked).sum(),
            excluded_edge: excluded,
            shards: self.pool.len(),
            shard_bytes: shard_stats.iter().map(|s| s.bytes).collect(),
            resident_bytes: resident_bytes(),
            uptime_secs: self.started.elapsed().as_secs(),
            queries: self.queries.load(Ordering::Relaxed),
            fallbacks: self.fallbacks.load(Ordering::Relaxed),
            pending_updates: self.counters.pending.load(Ordering::Relaxed),
            polling: self.polling.load(Ordering::SeqCst),
            rescans: self.rescans.load(Ordering::Relaxed),
            watch_note: self.watch_note.lock().ok().and_then(|n| n.clone()),
            idle_timeout_secs: self.idle_timeout.map(|d| d.as_secs()),
            loaded: self.counters.loaded.load(Ordering::Relaxed),
            syncs: self.syncs.load(Ordering::Relaxed),
            sync_micros_total: self.sync_micros.load(Ordering::Relaxed),
        }
    }

    fn query(&self, stream: &mut UnixStream, req: &Frame) -> Result<(), ProtocolError> {
        let wire = Wire {
            out: Mutex::new(stream),
            last: Mutex::new(Instant::now()),
        };
        let (finished, beat_stop) = bounded::<()>(0);
        std::thread::scope(|s| {
            // Without a heartbeat thread (none could be made) the query is
            // still answered; a client may then give up on a slow one.
            let _beat = std::thread::Builder::new()
                .name("pgrep-beat".into())
                .spawn_scoped(s, || wire.heartbeat(&beat_stop));
            let r = self.query_on(&wire, req);
            drop(finished); // wakes the heartbeat thread at once
            r
        })
    }

    fn query_on(&self, stream: &Wire<'_>, req: &Frame) -> Result<(), ProtocolError> {
        let q: protocol::Query = req.json()?;
        let plan = if self.ready.load(Ordering::SeqCst) {
            self.plan(&q)
        } else {
            Err("the daemon is still loading".to_string())
        };
        let gq = match plan {
            Ok(gq) => gq,
            Err(reason) => {
                self.fallbacks.fetch_add(1, Ordering::Relaxed);
                stream.send(Kind::Fallback, reason.as_bytes())?;
                return Ok(());
            }
        };
        if self.root_changed() {
            // Say so to this client first: stopping closes connections.
            let reason = "the daemon's root was replaced by another directory";
            stream.send(Kind::Fallback, reason.as_bytes())?;
            self.root_lost("was replaced by another directory");
            return Ok(());
        }
        let sync_started = Instant::now();
        let synced = self.sync();
        self.syncs.fetch_add(1, Ordering::Relaxed);
        self.sync_micros
            .fetch_add(sync_started.elapsed().as_micros() as u64, Ordering::Relaxed);
        if !synced {
            self.fallbacks.fetch_add(1, Ordering::Relaxed);
            let reason = "the file watcher did not confirm it is up to date";
            stream.send(Kind::Fallback, reason.as_bytes())?;
            return Ok(());
        }
        self.queries.fetch_add(1, Ordering::Relaxed);
        let status = self.answer(gq, stream)?;
        stream.send(Kind::Exit, &[status.code()])?;
        Ok(())
    }

    /// Decide whether the daemon can answer exactly what one-shot search
    /// would, and if so prepare the query. `Err` carries the reason to fall
    /// back to one-shot search.
    fn plan(&self, q: &protocol::Query) -> Result<GrepQuery, String> {
        use std::os::unix::ffi::OsStringExt;
        if q.context.pattern_files.is_none() {
            return Err("pattern files were not forwarded".into());
        }
        let args: Vec<OsString> = q
            .args
            .iter()
            .map(|a| OsString::from_vec(a.clone()))
            .collect();
        let config = Config::from_args_in(args, &q.context).map_err(|e| format!("{e:#}"))?;
        let (mode, list_files) = match config.mode {
            Mode::Search(mode) => (mode, false),
            Mode::Files => (crate::config::SearchMode::Standard, true),
            _ => return Err("not a search".into()),
        };
        if config.paths.iter().any(|p| p == Path::new("-")) {
            return Err("the search reads standard input".into());
        }
        let base = baseline_options();
        let o = &config.discovery;
        if o.hidden != base.hidden
            || o.git_ignore != base.git_ignore
            || o.git_exclude != base.git_exclude
            || o.git_global != base.git_global
            || o.require_git != base.require_git
            || o.dot_ignore != base.dot_ignore
            || o.parents != base.parents
            || !o.ignore_files.is_empty()
            || o.follow_links != base.follow_links
        {
            return Err(
                "the search needs files the daemon does not hold (hidden, ignored or linked)"
                    .into(),
            );
        }
        let index = self
            .index
            .lock()
            .map_err(|_| "index unavailable".to_string())?;
        let mut roots = Vec::with_capacity(config.paths.len());
        for typed in &config.paths {
            let abs = workdist::cli::lexical_join(&q.context.cwd, typed);
            let rel = abs
                .strip_prefix(self.root.as_path())
                .map_err(|_| format!("{} is outside {}", typed.display(), self.root.display()))?
                .to_path_buf();
            if std::fs::canonicalize(&abs).ok().as_deref() != Some(abs.as_path()) {
                return Err(format!(
                    "{} is missing or goes through a symbolic link",
                    typed.display()
                ));
            }
            let is_file = if index.dirs.contains(&rel) {
                false
            } else if index.files.contains_key(&rel) {
                true
            } else {
                return Err(format!("{} is not held by the daemon", typed.display()));
            };
            roots.push(QueryRoot {
                rel,
                typed: typed.clone(),
                is_file,
                strip_dot: config.implicit_path,
            });
        }
        let overrides = workdist::discover::build_overrides(&q.context.cwd, &o.globs, &o.iglobs)
            .map_err(|e| e.to_string())?;
        let types = workdist::discover::build_types(&o.types).map_err(|e| e.to_string())?;
        let selection = Selection {
            overrides,
            types,
            max_depth: o.max_depth,
            max_filesize: o.max_filesize,
        };
        if !selection.overrides.is_empty() || !selection.types.is_empty() {
            for root in roots.iter().filter(|r| !r.is_file) {
                let range = index.excluded.range::<Path, _>((
                    std::ops::Bound::Included(root.rel.as_path()),
                    std::ops::Bound::Unbounded,
                ));
                for (path, (is_dir, why)) in range {
                    let Ok(within) = path.strip_prefix(&root.rel) else {
                        break;
                    };
                    if selection.needs_excluded(root, within, *is_dir, *why == Exclusion::Hidden) {
                        return Err(format!(
                            "the globs or types select {}, which the daemon does not hold",
                            path.display()
                        ));
                    }
                }
            }
        }
        drop(index);
        let matcher = if list_files {
            // Never used to search: any matcher will do.
            grep_regex::RegexMatcher::new("").map_err(|e| e.to_string())?
        } else {
            build_matcher(&config).map_err(|e| format!("{e:#}"))?
        };
        let skip_nonmatching = GrepQuery::prints_nothing_without_match(&config, mode);
        let required = match config.patterns.as_slice() {
            [one] => crate::literal::required_literal(
                one,
                config.fixed_strings,
                config.case != crate::config::CaseMode::Sensitive,
            )
            .map(|lit| memchr::memmem::Finder::new(&lit).into_owned()),
            _ => None,
        };
        Ok(GrepQuery {
            config,
            mode,
            matcher,
            roots,
            selection,
            skip_nonmatching: skip_nonmatching && !list_files,
            required: required.filter(|_| !list_files),
            list_files,
        })
    }

    /// Stream the merged results to the client, exactly as one-shot
    /// `--sort path` would print them.
    fn answer(&self, gq: GrepQuery, out: &Wire<'_>) -> Result<ExitStatus, ProtocolError> {
        let started = Instant::now();
        let separator = gq.config.file_separator.clone();
        let quit_after_match = gq.config.quit_after_match;
        let quiet = gq.config.quiet;
        let want_stats = gq.config.stats;
        let implicit = gq.config.implicit_path && !gq.list_files;
        let mode = gq.mode;
        let mut stream = self.pool.query(gq);
        let mut buf: Vec<u8> = Vec::with_capacity(protocol::CHUNK);
        let (mut printed, mut matched, mut errored) = (false, false, false);
        let mut flushed_any = false;
        let mut searched = 0u64;
        let mut stats = Stats::new();
        while let Some(item) = stream.next_item() {
            match item {
                Ok((
                    _,
                    ShardItem::Summary {
                        searched: n,
                        stats: s,
                    },
                )) => {
                    searched += n;
                    stats += &s;
                }
                Ok((_, ShardItem::File(r))) => {
                    if let Some(err) = r.error {
                        errored = true;
                        flushed_any = true;
                        out.flush(&mut buf)?;
                        let msg = format!("pgrep-lite: {err}\n");
                        out.send(Kind::Stderr, msg.as_bytes())?;
                        continue;
                    }
                    matched |= r.has_match;
                    if !r.output.is_empty() {
                        if printed && let Some(sep) = &separator {
                            buf.extend_from_slice(sep);
                        }
                        printed = true;
                        buf.extend_from_slice(&r.output);
                    }
                    if buf.len() >= protocol::CHUNK {
                        flushed_any = true;
                        out.flush(&mut buf)?;
                    }
                    if quit_after_match && matched {
                        stream.cancel();
                        break;
                    }
                }
                Err(err) if !flushed_any => {
                    // Nothing has reached the client: it can still search
                    // one-shot and get a whole answer (and a one-line note).
                    return Err(ProtocolError::Failed(format!(
                        "this search failed in the daemon: {err}"
                    )));
                }
                Err(err) => {
                    out.flush(&mut buf)?;
                    let msg = format!("pgrep-lite: this search failed in the daemon: {err}\n");
                    out.send(Kind::Stderr, msg.as_bytes())?;
                    return Ok(ExitStatus::Error);
                }
            }
        }
        drop(stream);
        if implicit && searched == 0 && !(quit_after_match && matched) {
            out.flush(&mut buf)?;
            let msg = "pgrep-lite: no files were searched, which means the ignore rules, globs or types \
                       filtered everything out (try -u, --hidden or --no-ignore)\n";
            out.send(Kind::Stderr, msg.as_bytes())?;
        }
        if want_stats {
            let block = crate::print::stats_block(mode, &stats, started)
                .map_err(|e| ProtocolError::Malformed(e.to_string()))?;
            if printed && let Some(sep) = &separator {
                buf.extend_from_slice(sep);
            }
            buf.extend_from_slice(&block);
        }
        out.flush(&mut buf)?;
        Ok(ExitStatus::from_run(matched, errored, quiet))
    }
}

/// The connection's write side while a query is answered: frames from the
/// answering thread and heartbeats from a timer thread, one whole frame at
/// a time.
struct Wire<'a> {
    out: Mutex<&'a mut UnixStream>,
    /// When the last frame went out.
    last: Mutex<Instant>,
}

impl Wire<'_> {
    fn send(&self, kind: Kind, payload: &[u8]) -> io::Result<()> {
        let mut out = self
            .out
            .lock()
            .map_err(|_| io::Error::other("the connection's lock is poisoned"))?;
        protocol::write_frame(&mut **out, kind, payload)?;
        if let Ok(mut t) = self.last.lock() {
            *t = Instant::now();
        }
        Ok(())
    }

    /// Send `buf` as output frames and empty it.
    fn flush(&self, buf: &mut Vec<u8>) -> io::Result<()> {
        for chunk in buf.chunks(protocol::CHUNK) {
            self.send(Kind::Stdout, chunk)?;
        }
        buf.clear();
        Ok(())
    }

    /// Until `stop` is disconnected: a `Progress` frame whenever nothing
    /// was sent for a heartbeat's time.
    fn heartbeat(&self, stop: &Receiver<()>) {
        loop {
            match stop.recv_timeout(protocol::HEARTBEAT / 5) {
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
                _ => return,
            }
            let quiet = self.last.lock().map(|t| t.elapsed()).unwrap_or_default();
            if quiet >= protocol::HEARTBEAT && self.send(Kind::Progress, b"").is_err() {
                return;
            }
        }
    }
}

/// A directory's (device, inode).
fn dir_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Create an empty file that did not exist, never through a link: see
/// [`Daemon::sync`].
fn create_exclusive(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::CLOEXEC).bits() as i32)
        .open(path)
}

/// This process's resident set size, from /proc.
fn resident_bytes() -> u64 {
    let Ok(statm) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
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
