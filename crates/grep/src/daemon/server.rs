//! The daemon process: set up its files and parts, accept connections,
//! serve each one (handshake, then one request: a query, a status, a stop
//! or a bare scan), and shut down cleanly.
//!
//! The parts, each in its own module, in the order they depend on each
//! other: the shards ([`super::held`], on workdist's [`ShardPool`]), the
//! index of what they hold ([`super::index`]), the stop flag
//! ([`super::stop`]), the watcher that keeps the index fresh
//! ([`super::watch`]), the planner that accepts or refuses a query
//! ([`super::plan`]) and the answer's streaming ([`super::answer`]).
//!
//! Threads: the accept loop (main thread); one thread per connection, with
//! a heartbeat thread while it answers a query; one per shard; the
//! watcher's (see [`super::watch`]); a timer for `--idle-timeout`, signals
//! and the root's identity.
//!
//! A query is planned first (a refusal goes back as a `Fallback` frame
//! naming the reason), then the watcher is synced, so that every change
//! made before the query was sent is in the answer, then it is answered.

use std::collections::{HashMap, VecDeque};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use crossbeam_channel::{bounded, unbounded};
use workdist::ShardPool;

use super::answer::{Wire, answer};
use super::held::{Counters, GrepShard, Update};
use super::index::Tree;
use super::plan::{Refusal, plan};
use super::protocol::{self, Frame, Kind, ProtocolError};
use super::socket;
use super::stop::Stop;
use super::watch::Watcher;

/// How the daemon was asked to run.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Canonical root.
    pub root: PathBuf,
    pub workers: usize,
    pub idle_timeout: Option<Duration>,
    /// Poll instead of using inotify.
    pub poll: bool,
    /// Bytes of file contents held in memory, over all shards.
    pub memory: u64,
}

/// The timer's resolution (idle timeout, root checks).
const TICK: Duration = Duration::from_millis(100);
/// How often the timer checks that the root is still the directory we
/// watch.
const ROOT_CHECK: Duration = Duration::from_secs(1);

struct Daemon {
    root: Arc<PathBuf>,
    tree: Arc<Tree>,
    watcher: Arc<Watcher>,
    stop: Arc<Stop>,
    started: Instant,
    last_active: Mutex<Instant>,
    queries: AtomicU64,
    fallbacks: AtomicU64,
    idle_timeout: Option<Duration>,
    /// Connections being served, to close them at shutdown.
    open_conns: Mutex<HashMap<u64, UnixStream>>,
    conn_seq: AtomicU64,
    syncs: AtomicU64,
    sync_micros: AtomicU64,
    /// The last [`RECENT`] queries answered, for `daemon status`.
    recent: Mutex<VecDeque<protocol::QueryNote>>,
    queries_indexed: AtomicU64,
    memory_budget: u64,
}

/// How many answered queries `daemon status` shows.
const RECENT: usize = 8;

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
    let workers = opts.workers.max(1);
    let budget = opts.memory / workers as u64;
    let shards = (0..workers)
        .map(|_| GrepShard::new(Arc::clone(&root), Arc::clone(&counters), budget))
        .collect();
    let pool = ShardPool::new(shards, 1024, 16)?;
    let tree = Arc::new(Tree::new(Arc::clone(&root), pool, counters));
    let stop = Arc::new(Stop::new(Arc::clone(&root), paths.socket.clone()));
    let watcher = Watcher::new(Arc::clone(&root), Arc::clone(&tree), Arc::clone(&stop));
    let daemon = Arc::new(Daemon {
        root,
        tree,
        watcher,
        stop,
        started: Instant::now(),
        last_active: Mutex::new(Instant::now()),
        queries: AtomicU64::new(0),
        fallbacks: AtomicU64::new(0),
        idle_timeout: opts.idle_timeout,
        open_conns: Mutex::new(HashMap::new()),
        conn_seq: AtomicU64::new(0),
        syncs: AtomicU64::new(0),
        sync_micros: AtomicU64::new(0),
        recent: Mutex::new(VecDeque::new()),
        queries_indexed: AtomicU64::new(0),
        memory_budget: opts.memory,
    });

    daemon.watcher.start(opts.poll)?;
    let indexer = {
        let d = Arc::clone(&daemon);
        std::thread::Builder::new()
            .name("pgrep-indexer".into())
            .spawn(move || d.build_index())?
    };
    let timer = {
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
        std::thread::Builder::new()
            .name("pgrep-timer".into())
            .spawn(move || {
                let mut last_root_check = Instant::now();
                while !d.stop.is_stopping() {
                    std::thread::sleep(TICK);
                    if signalled.load(Ordering::SeqCst) {
                        d.stop.request();
                        return;
                    }
                    let idle = d
                        .last_active
                        .lock()
                        .map(|t| t.elapsed())
                        .unwrap_or_default();
                    if limit.is_some_and(|limit| idle >= limit) {
                        d.stop.request();
                        return;
                    }
                    if last_root_check.elapsed() >= ROOT_CHECK {
                        last_root_check = Instant::now();
                        if d.stop.root_changed() {
                            d.stop.root_lost("was deleted or moved away");
                            return;
                        }
                    }
                }
            })?
    };

    let mut connections = Vec::new();
    for conn in listener.incoming() {
        if daemon.stop.is_stopping() {
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
    daemon.tree.pool().stop();
    daemon.watcher.shutdown();
    for h in connections {
        let _ = h.join();
    }
    let _ = timer.join();
    let _ = indexer.join();
    // Leave nothing behind but what someone should read: the log of a
    // daemon that stopped because its root went away. The lock file goes
    // last, while we still hold it: a daemon starting now makes a new one.
    if !daemon.stop.lost_root() {
        let _ = std::fs::remove_file(&paths.log);
    }
    let _ = std::fs::remove_file(&paths.lock);
    drop(lock);
    Ok(())
}

impl Daemon {
    fn touch(&self) {
        if let Ok(mut t) = self.last_active.lock() {
            *t = Instant::now();
        }
    }

    fn connection(&self, mut stream: UnixStream) {
        if self.stop.is_stopping() {
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
                self.stop.request();
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
        let pool = self.tree.pool();
        let started = Instant::now();
        let (tx, rx) = unbounded();
        for w in 0..pool.len() {
            let tx = tx.clone();
            let needle = needle.to_vec();
            let _ = pool.with(w, move |shard| {
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

    /// Once the tree is loaded (the daemon answers from then on), index
    /// the files the load left pending, a batch per shard at a time so
    /// that queries interleave; each shard then indexes files as it reads
    /// them. Until a file is indexed, every planned query searches it.
    fn build_index(&self) {
        /// Files per shard per round: about 10 ms of work on source code.
        const BATCH: usize = 256;
        while !self.watcher.is_ready() {
            if self.stop.is_stopping() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // Each shard gets its next batch as soon as it reports the last
        // one done: no round waits for the slowest shard, and a query
        // waits behind at most one batch.
        let pool = self.tree.pool();
        let (tx, rx) = crossbeam_channel::unbounded::<(usize, bool)>();
        let send = |worker: usize| {
            pool.update(
                worker,
                Update::Index {
                    files: BATCH,
                    worker,
                    done: tx.clone(),
                },
            )
            .is_ok()
        };
        let mut busy = (0..pool.len()).filter(|&w| send(w)).count();
        while busy > 0 && !self.stop.is_stopping() {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok((w, true)) => {
                    if !send(w) {
                        busy -= 1;
                    }
                }
                Ok((_, false)) => busy -= 1,
                // A shard that panicked while indexing never answers; it
                // indexed everything again as it recovered.
                Err(_) => match pool.stats() {
                    Ok(stats) if stats.iter().any(|s| s.deferred) => {}
                    _ => return,
                },
            }
        }
    }

    fn status(&self) -> protocol::Status {
        let pool = self.tree.pool();
        let counters = self.tree.counters();
        let shard_stats = pool.stats().unwrap_or_default();
        let excluded = self
            .tree
            .lock()
            .map(|i| i.excluded.len() as u64)
            .unwrap_or_default();
        protocol::Status {
            root: self.root.to_path_buf(),
            pid: std::process::id(),
            protocol: protocol::VERSION,
            ready: self.watcher.is_ready(),
            files: shard_stats.iter().map(|s| s.files).sum(),
            bytes_held: shard_stats.iter().map(|s| s.bytes).sum(),
            skipped_binary: shard_stats.iter().map(|s| s.binary).sum(),
            skipped_large: shard_stats.iter().map(|s| s.large).sum(),
            skipped_linked: shard_stats.iter().map(|s| s.linked).sum(),
            excluded_edge: excluded,
            shards: pool.len(),
            shard_bytes: shard_stats.iter().map(|s| s.bytes).collect(),
            resident_bytes: resident_bytes(),
            uptime_secs: self.started.elapsed().as_secs(),
            queries: self.queries.load(Ordering::Relaxed),
            fallbacks: self.fallbacks.load(Ordering::Relaxed),
            pending_updates: counters.pending.load(Ordering::Relaxed),
            polling: self.watcher.is_polling(),
            rescans: self.watcher.rescans(),
            watch_note: self.watcher.note(),
            idle_timeout_secs: self.idle_timeout.map(|d| d.as_secs()),
            loaded: counters.loaded.load(Ordering::Relaxed),
            syncs: self.syncs.load(Ordering::Relaxed),
            sync_micros_total: self.sync_micros.load(Ordering::Relaxed),
            index_bytes: shard_stats.iter().map(|s| s.index.bytes).sum(),
            files_bytes: shard_stats.iter().map(|s| s.total).sum(),
            index_grams: shard_stats.iter().map(|s| s.index.grams).sum(),
            index_postings: shard_stats
                .iter()
                .map(|s| s.index.live_postings + s.index.dead_postings)
                .sum(),
            index_dead_postings: shard_stats.iter().map(|s| s.index.dead_postings).sum(),
            indexed_files: shard_stats.iter().map(|s| s.index.live_docs).sum(),
            index_ready: self.watcher.is_ready() && shard_stats.iter().all(|s| !s.deferred),
            always_candidates: shard_stats.iter().map(|s| s.always).sum(),
            unindexed_files: shard_stats.iter().map(|s| s.unindexed).sum(),
            memory_budget: self.memory_budget,
            files_in_memory: shard_stats
                .iter()
                .map(|s| s.files - s.binary - s.large - s.linked - s.budget)
                .sum(),
            files_from_disk: shard_stats.iter().map(|s| s.budget).sum(),
            queries_indexed: self.queries_indexed.load(Ordering::Relaxed),
            recent_queries: self
                .recent
                .lock()
                .map(|r| r.iter().cloned().collect())
                .unwrap_or_default(),
        }
    }

    fn query(&self, stream: &mut UnixStream, req: &Frame) -> Result<(), ProtocolError> {
        let wire = Wire::new(stream);
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

    fn refuse(&self, wire: &Wire<'_>, why: &Refusal) -> Result<(), ProtocolError> {
        self.fallbacks.fetch_add(1, Ordering::Relaxed);
        wire.send(Kind::Fallback, why.to_string().as_bytes())?;
        Ok(())
    }

    fn query_on(&self, wire: &Wire<'_>, req: &Frame) -> Result<(), ProtocolError> {
        let q: protocol::Query = req.json()?;
        if !self.watcher.is_ready() {
            return self.refuse(wire, &Refusal::Loading);
        }
        if self.stop.root_changed() {
            // Say so to this client first: stopping closes connections.
            wire.send(Kind::Fallback, Refusal::RootReplaced.to_string().as_bytes())?;
            self.stop.root_lost("was replaced by another directory");
            return Ok(());
        }
        // Sync before planning: the plan looks the query's paths up in the
        // tree, which must already hold every change made before the query
        // (a file just ignored by a .gitignore edit was still found there,
        // and the shards, which had dropped it, answered it with nothing).
        let sync_started = Instant::now();
        let synced = self.watcher.sync();
        self.syncs.fetch_add(1, Ordering::Relaxed);
        self.sync_micros
            .fetch_add(sync_started.elapsed().as_micros() as u64, Ordering::Relaxed);
        if !synced {
            return self.refuse(wire, &Refusal::NotSynced);
        }
        let gq = match plan(&self.root, &self.tree, &q) {
            Ok(gq) => gq,
            Err(why) => return self.refuse(wire, &why),
        };
        self.queries.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let debug = gq.config.debug;
        let mut note = protocol::QueryNote::default();
        let status = answer(self.tree.pool(), gq, wire, &mut note)?;
        note.micros = started.elapsed().as_micros() as u64;
        note.files = self.tree.lock().map_or(0, |i| i.files.len() as u64);
        if debug {
            let line = format!("pgrep-lite: debug: {}\n", note.describe());
            wire.send(Kind::Stderr, line.as_bytes())?;
        }
        if note.plan == "index" {
            self.queries_indexed.fetch_add(1, Ordering::Relaxed);
        }
        if let Ok(mut recent) = self.recent.lock() {
            if recent.len() == RECENT {
                recent.pop_front();
            }
            recent.push_back(note);
        }
        wire.send(Kind::Exit, &[status.code()])?;
        Ok(())
    }
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
