//! Resident shards: data split across worker threads that own it, each with
//! its own query channel, and queries answered by merging their replies.
//!
//! Only pgrep-lite's daemon uses it today. It lives in workdist because it
//! is work distribution and knows nothing of grep: it is generic over a
//! [`Shard`] (what a worker holds, how it answers), and the next resident
//! tool (an index of imports, a log store) would need exactly this.
//!
//! A [`ShardPool`] starts one thread per shard. The thread owns its [`Shard`]
//! (for pgrep-lite: a set of files held in memory) and shares nothing; the
//! only way in is its bounded channel, which carries both updates and
//! queries. That single channel is what makes freshness simple: an update
//! sent to a worker before a query is applied before that query runs.
//!
//! **Queries** are broadcast to every worker. Each worker produces items in
//! ascending key order and sends them, tagged with the query id and its
//! worker id, on one results channel shared by all workers of that query,
//! ending with a `Done` message. The coordinator ([`QueryStream`]) merges the
//! per-worker streams by key as they arrive, so the caller sees one stream in
//! global key order and nothing buffers a whole result.
//!
//! **Back-pressure** is per worker: a worker needs a credit to send a batch
//! of items, and gets one back when the coordinator has handed that batch to
//! the caller. A
//! worker far ahead of the others therefore waits instead of filling memory,
//! and a slow worker never blocks behind a fast one's items (which a single
//! bounded channel would do, and deadlock the merge).
//!
//! **Cancellation**: dropping the stream, or [`QueryStream::cancel`], sets the
//! query's cancel flag and returns no more credits; workers check the flag
//! between items and stop promptly.
//!
//! **Faults**: a panic inside a worker's query or update is caught. A query
//! that panicked ends with [`ShardError::Panicked`] for the caller (never a
//! hang), and the worker calls [`Shard::recover`] to rebuild its state before
//! serving anything else. A worker thread that vanishes is reported too.
//!
//! **Shutdown**: [`ShardPool::shutdown`] cancels in-flight queries, asks each
//! worker to stop, and joins every thread.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

use crate::{Flow, panic_message};

/// Items a worker sends per message: one channel message and one credit per
/// batch, not per item (a query listing 78,000 files sends about 1,200).
pub const BATCH: usize = 64;

/// The state one worker owns, and what it does with queries and updates.
pub trait Shard: Send + 'static {
    type Query: Send + Sync + 'static;
    type Update: Send + 'static;
    /// The merge key: the pool delivers items in ascending key order.
    type Key: Ord + Send + 'static;
    type Item: Send + 'static;
    /// A summary for status reports.
    type Stats: Send + 'static;

    /// Answer `query` over this shard, calling `emit` with items in
    /// ascending key order. Stop early when `emit` returns [`Flow::Quit`] or
    /// when `cancel` is set.
    fn query(
        &mut self,
        query: &Self::Query,
        cancel: &AtomicBool,
        emit: &mut dyn FnMut(Self::Key, Self::Item) -> Flow,
    );

    /// Apply an update (a file changed, appeared, went away).
    fn update(&mut self, update: Self::Update);

    /// Rebuild after a panic left the state in doubt.
    fn recover(&mut self);

    /// How much the shard holds, in whatever unit balancing uses (bytes).
    fn weight(&self) -> u64;

    fn stats(&self) -> Self::Stats;
}

/// Why a query did not complete.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("worker {worker} panicked: {message}")]
    Panicked { worker: usize, message: String },
    #[error("worker {worker} is gone")]
    WorkerGone { worker: usize },
    #[error("the query was cancelled")]
    Cancelled,
}

enum Msg<S: Shard> {
    Query {
        id: u64,
        query: Arc<S::Query>,
        cancel: Arc<AtomicBool>,
        credits: Receiver<()>,
        reply: Sender<Reply<S>>,
    },
    Update(S::Update),
    Stats(Sender<S::Stats>),
    /// Run a closure on the shard (tests, and loaders that fill shards).
    With(Box<dyn FnOnce(&mut S) + Send>),
    Stop,
}

enum Reply<S: Shard> {
    /// Up to [`BATCH`] consecutive items of one worker, in key order.
    Items {
        query: u64,
        worker: usize,
        items: Vec<(S::Key, S::Item)>,
    },
    Done {
        query: u64,
        worker: usize,
    },
    Failed {
        query: u64,
        worker: usize,
        message: String,
    },
    Cancelled {
        query: u64,
    },
}

struct Worker<S: Shard> {
    tx: Sender<Msg<S>>,
    handle: std::sync::Mutex<Option<JoinHandle<()>>>,
    weight: Arc<AtomicU64>,
}

/// A set of shards, one thread each.
pub struct ShardPool<S: Shard> {
    workers: Vec<Worker<S>>,
    next_query: AtomicU64,
    /// Cancel flags of queries in flight, so shutdown can stop them.
    in_flight: std::sync::Mutex<Vec<std::sync::Weak<AtomicBool>>>,
    credits_per_worker: usize,
}

impl<S: Shard> std::fmt::Debug for ShardPool<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShardPool")
            .field("workers", &self.workers.len())
            .finish()
    }
}

impl<S: Shard> ShardPool<S> {
    /// Start one worker thread per shard. `channel_capacity` bounds each
    /// worker's inbox (updates and queries); `credits` bounds the items a
    /// worker may have in flight per query.
    pub fn new(
        shards: Vec<S>,
        channel_capacity: usize,
        credits: usize,
    ) -> std::io::Result<ShardPool<S>> {
        let mut workers = Vec::with_capacity(shards.len());
        for (id, shard) in shards.into_iter().enumerate() {
            let (tx, rx) = bounded::<Msg<S>>(channel_capacity.max(1));
            let weight = Arc::new(AtomicU64::new(shard.weight()));
            let w = Arc::clone(&weight);
            let handle = std::thread::Builder::new()
                .name(format!("workdist-shard-{id}"))
                .spawn(move || worker_loop(id, shard, &rx, &w))?;
            workers.push(Worker {
                tx,
                handle: std::sync::Mutex::new(Some(handle)),
                weight,
            });
        }
        Ok(ShardPool {
            workers,
            next_query: AtomicU64::new(0),
            in_flight: std::sync::Mutex::new(Vec::new()),
            credits_per_worker: credits.max(1),
        })
    }

    pub fn len(&self) -> usize {
        self.workers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.workers.is_empty()
    }

    /// The last weight each worker reported (updated after every update).
    pub fn weights(&self) -> Vec<u64> {
        self.workers
            .iter()
            .map(|w| w.weight.load(Ordering::Relaxed))
            .collect()
    }

    /// The worker holding the least, where new items should go.
    pub fn lightest(&self) -> usize {
        self.weights()
            .iter()
            .enumerate()
            .min_by_key(|(_, w)| **w)
            .map_or(0, |(i, _)| i)
    }

    /// Send an update to one worker. It is applied before any query sent
    /// after it. Blocks while that worker's inbox is full.
    pub fn update(&self, worker: usize, update: S::Update) -> Result<(), ShardError> {
        let w = self
            .workers
            .get(worker)
            .ok_or(ShardError::WorkerGone { worker })?;
        w.tx.send(Msg::Update(update))
            .map_err(|_| ShardError::WorkerGone { worker })
    }

    /// Run `f` on one worker's shard, in order with its other messages.
    pub fn with(
        &self,
        worker: usize,
        f: impl FnOnce(&mut S) + Send + 'static,
    ) -> Result<(), ShardError> {
        let w = self
            .workers
            .get(worker)
            .ok_or(ShardError::WorkerGone { worker })?;
        w.tx.send(Msg::With(Box::new(f)))
            .map_err(|_| ShardError::WorkerGone { worker })
    }

    /// Each worker's stats, in worker order.
    pub fn stats(&self) -> Result<Vec<S::Stats>, ShardError> {
        let mut out = Vec::with_capacity(self.workers.len());
        for (i, w) in self.workers.iter().enumerate() {
            let (tx, rx) = bounded(1);
            w.tx.send(Msg::Stats(tx))
                .map_err(|_| ShardError::WorkerGone { worker: i })?;
            // Bounded waits: a worker stopped with this request still in
            // its inbox never answers, and the request (with its reply
            // sender) lives on in the channel the pool still holds, so a
            // plain recv would wait forever (it did, for the daemon's index
            // builder during a shutdown).
            let stats = loop {
                match rx.recv_timeout(std::time::Duration::from_millis(50)) {
                    Ok(s) => break s,
                    Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                        return Err(ShardError::WorkerGone { worker: i });
                    }
                    Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                        let gone = w
                            .handle
                            .lock()
                            .map(|h| h.as_ref().is_none_or(JoinHandle::is_finished))
                            .unwrap_or(true);
                        if gone {
                            return Err(ShardError::WorkerGone { worker: i });
                        }
                    }
                }
            };
            out.push(stats);
        }
        Ok(out)
    }

    /// Broadcast a query to every worker and return the merged stream.
    pub fn query(&self, query: S::Query) -> QueryStream<S> {
        let id = self.next_query.fetch_add(1, Ordering::Relaxed);
        let query = Arc::new(query);
        let cancel = Arc::new(AtomicBool::new(false));
        if let Ok(mut list) = self.in_flight.lock() {
            list.retain(|w| w.strong_count() > 0);
            list.push(Arc::downgrade(&cancel));
        }
        let (reply_tx, reply_rx) = unbounded();
        let mut heads = Vec::with_capacity(self.workers.len());
        let mut credit_txs = Vec::with_capacity(self.workers.len());
        let mut error = None;
        for (i, w) in self.workers.iter().enumerate() {
            let (ctx, crx) = bounded(self.credits_per_worker);
            for _ in 0..self.credits_per_worker {
                let _ = ctx.send(());
            }
            let msg = Msg::Query {
                id,
                query: Arc::clone(&query),
                cancel: Arc::clone(&cancel),
                credits: crx,
                reply: reply_tx.clone(),
            };
            if w.tx.send(msg).is_err() {
                error.get_or_insert(ShardError::WorkerGone { worker: i });
            }
            credit_txs.push(ctx);
            heads.push(Head::default());
        }
        if error.is_some() {
            cancel.store(true, Ordering::SeqCst);
        }
        QueryStream {
            id,
            rx: reply_rx,
            heads,
            credits: credit_txs,
            cancel,
            error,
            finished: false,
        }
    }

    /// Cancel queries in flight, stop every worker and join the threads.
    pub fn shutdown(self) {
        self.stop();
    }

    /// [`ShardPool::shutdown`] for a pool that is shared: queries in flight
    /// end with [`ShardError::Cancelled`], later ones with `WorkerGone`.
    pub fn stop(&self) {
        if let Ok(list) = self.in_flight.lock() {
            for c in list.iter().filter_map(std::sync::Weak::upgrade) {
                c.store(true, Ordering::SeqCst);
            }
        }
        for w in &self.workers {
            let _ = w.tx.send(Msg::Stop);
        }
        for w in &self.workers {
            let handle = w.handle.lock().ok().and_then(|mut h| h.take());
            if let Some(h) = handle {
                let _ = h.join();
            }
        }
    }
}

impl<S: Shard> Drop for ShardPool<S> {
    fn drop(&mut self) {
        self.stop();
    }
}

fn worker_loop<S: Shard>(id: usize, mut shard: S, rx: &Receiver<Msg<S>>, weight: &AtomicU64) {
    for msg in rx.iter() {
        match msg {
            Msg::Stop => break,
            Msg::Update(update) => {
                if catch_unwind(AssertUnwindSafe(|| shard.update(update))).is_err() {
                    recover(&mut shard);
                }
                weight.store(shard.weight(), Ordering::Relaxed);
            }
            Msg::With(f) => {
                if catch_unwind(AssertUnwindSafe(|| f(&mut shard))).is_err() {
                    recover(&mut shard);
                }
                weight.store(shard.weight(), Ordering::Relaxed);
            }
            Msg::Stats(tx) => {
                let _ = tx.send(shard.stats());
            }
            Msg::Query {
                id: qid,
                query,
                cancel,
                credits,
                reply,
            } => {
                let result = catch_unwind(AssertUnwindSafe(|| {
                    let mut batch: Vec<(S::Key, S::Item)> = Vec::new();
                    let send = |batch: &mut Vec<(S::Key, S::Item)>| -> bool {
                        if !wait_for_credit(&credits, &cancel) {
                            return false;
                        }
                        let items = std::mem::take(batch);
                        reply
                            .send(Reply::Items {
                                query: qid,
                                worker: id,
                                items,
                            })
                            .is_ok()
                    };
                    let mut emit = |key: S::Key, item: S::Item| -> Flow {
                        batch.push((key, item));
                        if batch.len() >= BATCH && !send(&mut batch) {
                            return Flow::Quit;
                        }
                        Flow::Continue
                    };
                    shard.query(&query, &cancel, &mut emit);
                    if !batch.is_empty() && !cancel.load(Ordering::Relaxed) {
                        send(&mut batch);
                    }
                }));
                let end = match result {
                    // Work cut short by a cancel (shutdown) must not pass
                    // for a complete answer.
                    Ok(()) if cancel.load(Ordering::SeqCst) => Reply::Cancelled { query: qid },
                    Ok(()) => Reply::Done {
                        query: qid,
                        worker: id,
                    },
                    Err(payload) => {
                        let message = panic_message(&*payload);
                        recover(&mut shard);
                        weight.store(shard.weight(), Ordering::Relaxed);
                        Reply::Failed {
                            query: qid,
                            worker: id,
                            message,
                        }
                    }
                };
                let _ = reply.send(end);
            }
        }
    }
}

/// Block until the coordinator grants a credit; false when the query was
/// cancelled or its stream dropped. The cancel flag is checked while waiting,
/// so a shutdown never waits on a consumer that stopped reading.
fn wait_for_credit(credits: &Receiver<()>, cancel: &AtomicBool) -> bool {
    loop {
        if cancel.load(Ordering::Relaxed) {
            return false;
        }
        match credits.recv_timeout(std::time::Duration::from_millis(20)) {
            Ok(()) => return true,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return false,
        }
    }
}

fn recover<S: Shard>(shard: &mut S) {
    // A panic while recovering leaves the shard as it is: the next query
    // runs on what is there rather than taking the thread down.
    let _ = catch_unwind(AssertUnwindSafe(|| shard.recover()));
}

struct Head<K, I> {
    items: VecDeque<(K, I)>,
    done: bool,
    /// Items handed to the caller so far.
    taken: usize,
}

impl<K, I> Default for Head<K, I> {
    fn default() -> Self {
        Head {
            items: VecDeque::new(),
            done: false,
            taken: 0,
        }
    }
}

/// One item of a merged stream: the key and item, or why the query ended.
pub type StreamItem<S> = Result<(<S as Shard>::Key, <S as Shard>::Item), ShardError>;

/// The merged replies of one query, in ascending key order.
pub struct QueryStream<S: Shard> {
    id: u64,
    rx: Receiver<Reply<S>>,
    heads: Vec<Head<S::Key, S::Item>>,
    credits: Vec<Sender<()>>,
    cancel: Arc<AtomicBool>,
    error: Option<ShardError>,
    finished: bool,
}

impl<S: Shard> std::fmt::Debug for QueryStream<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryStream").field("id", &self.id).finish()
    }
}

impl<S: Shard> QueryStream<S> {
    /// Stop the workers' work on this query.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// The query's cancel flag (to hand to whoever may cancel it).
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    /// The next item in key order, `None` at the end, or the error that
    /// ended the query.
    pub fn next_item(&mut self) -> Option<StreamItem<S>> {
        if self.finished {
            return None;
        }
        if let Some(err) = self.error.take() {
            self.finish();
            return Some(Err(err));
        }
        // Wait until every worker has either a head item or is done.
        while let Some(w) = self
            .heads
            .iter()
            .position(|h| h.items.is_empty() && !h.done)
        {
            match self.rx.recv() {
                Ok(Reply::Items {
                    query,
                    worker,
                    items,
                }) if query == self.id => {
                    if let Some(h) = self.heads.get_mut(worker) {
                        h.items.extend(items);
                    }
                }
                Ok(Reply::Done { query, worker }) if query == self.id => {
                    if let Some(h) = self.heads.get_mut(worker) {
                        h.done = true;
                    }
                }
                Ok(Reply::Failed {
                    query,
                    worker,
                    message,
                }) if query == self.id => {
                    self.finish();
                    return Some(Err(ShardError::Panicked { worker, message }));
                }
                Ok(Reply::Cancelled { query }) if query == self.id => {
                    self.finish();
                    return Some(Err(ShardError::Cancelled));
                }
                Ok(_) => {}
                Err(_) => {
                    // Every sender is gone while `w` had not finished: its
                    // thread died outside the panic guard.
                    self.finish();
                    return Some(Err(ShardError::WorkerGone { worker: w }));
                }
            }
        }
        let best = self
            .heads
            .iter()
            .enumerate()
            .filter_map(|(i, h)| h.items.front().map(|(k, _)| (i, k)))
            .min_by(|a, b| a.1.cmp(b.1))
            .map(|(i, _)| i);
        match best {
            Some(i) => {
                let h = &mut self.heads[i];
                let item = h.items.pop_front();
                // Every batch but a worker's last is full: one credit back
                // per BATCH items handed on.
                h.taken += 1;
                if h.taken.is_multiple_of(BATCH) {
                    let _ = self.credits[i].try_send(());
                }
                item.map(Ok)
            }
            None => {
                self.finished = true;
                None
            }
        }
    }

    fn finish(&mut self) {
        self.finished = true;
        self.cancel.store(true, Ordering::SeqCst);
        self.credits.clear();
    }
}

impl<S: Shard> Iterator for QueryStream<S> {
    type Item = StreamItem<S>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_item()
    }
}

impl<S: Shard> Drop for QueryStream<S> {
    fn drop(&mut self) {
        // A client that went away: stop the workers' work on this query.
        // Dropping the credit senders unblocks any worker waiting for one.
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::{Duration, Instant};

    /// A shard of numbers; a query emits those divisible by `q`.
    struct Nums {
        held: Vec<u64>,
        original: Vec<u64>,
        emitted: Arc<AtomicUsize>,
    }

    enum Up {
        Add(u64),
        Panic,
    }

    impl Shard for Nums {
        type Query = (u64, bool);
        type Update = Up;
        type Key = u64;
        type Item = String;
        type Stats = usize;

        fn query(
            &mut self,
            q: &(u64, bool),
            cancel: &AtomicBool,
            emit: &mut dyn FnMut(u64, String) -> Flow,
        ) {
            if q.1 && self.held.contains(&13) {
                panic!("unlucky shard");
            }
            let mut held = self.held.clone();
            held.sort_unstable();
            for n in held {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                if n % q.0 == 0 {
                    self.emitted.fetch_add(1, Ordering::Relaxed);
                    if emit(n, n.to_string()) == Flow::Quit {
                        return;
                    }
                }
            }
        }

        fn update(&mut self, u: Up) {
            match u {
                Up::Add(n) => self.held.push(n),
                Up::Panic => {
                    self.held.clear();
                    panic!("update failed")
                }
            }
        }

        fn recover(&mut self) {
            self.held = self.original.clone();
        }

        fn weight(&self) -> u64 {
            self.held.len() as u64
        }

        fn stats(&self) -> usize {
            self.held.len()
        }
    }

    fn pool(n: usize, per: u64, emitted: &Arc<AtomicUsize>) -> ShardPool<Nums> {
        let shards = (0..n as u64)
            .map(|s| {
                let held: Vec<u64> = (0..per).map(|i| i * n as u64 + s).collect();
                Nums {
                    original: held.clone(),
                    held,
                    emitted: Arc::clone(emitted),
                }
            })
            .collect();
        ShardPool::new(shards, 16, 4).expect("pool")
    }

    /// Found with the daemon's index builder: stats asked of a pool while
    /// another thread stops it waited forever (the request sat in the
    /// stopped worker's inbox). Each round must end, with stats or an
    /// error, within a bounded time.
    #[test]
    fn stats_during_a_stop_never_wait_forever() {
        for _ in 0..20 {
            let emitted = Arc::new(AtomicUsize::new(0));
            let p = Arc::new(pool(2, 10, &emitted));
            let (done_tx, done_rx) = crossbeam_channel::bounded::<()>(1);
            let asker = {
                let p = Arc::clone(&p);
                std::thread::spawn(move || {
                    while p.stats().is_ok() {}
                    let _ = done_tx.send(());
                })
            };
            std::thread::sleep(Duration::from_millis(2));
            p.stop();
            assert!(
                done_rx.recv_timeout(Duration::from_secs(10)).is_ok(),
                "stats() still waiting 10 s after stop()"
            );
            asker.join().expect("asker");
        }
    }

    #[test]
    fn merged_stream_is_in_key_order_and_complete() {
        let emitted = Arc::new(AtomicUsize::new(0));
        let p = pool(4, 1000, &emitted);
        let keys: Vec<u64> = p.query((3, false)).map(|r| r.expect("item").0).collect();
        let expected: Vec<u64> = (0..4000).filter(|n| n % 3 == 0).collect();
        assert_eq!(keys, expected);
        p.shutdown();
    }

    #[test]
    fn update_before_query_is_seen_by_it() {
        let emitted = Arc::new(AtomicUsize::new(0));
        let p = pool(3, 10, &emitted);
        let w = p.lightest();
        p.update(w, Up::Add(1_000_003)).expect("update");
        let keys: Vec<u64> = p
            .query((1_000_003, false))
            .map(|r| r.expect("ok").0)
            .collect();
        assert_eq!(keys, vec![0, 1_000_003]);
        assert_eq!(p.stats().expect("stats").iter().sum::<usize>(), 31);
    }

    #[test]
    fn a_panicking_worker_fails_the_query_and_recovers() {
        let emitted = Arc::new(AtomicUsize::new(0));
        let p = pool(4, 10, &emitted); // 13 is in shard 1
        let results: Vec<_> = p.query((1, true)).collect();
        let err = results
            .last()
            .expect("something")
            .as_ref()
            .expect_err("error");
        assert!(
            matches!(err, ShardError::Panicked { worker: 1, .. }),
            "{err:?}"
        );
        // The pool still serves, and a failed update is recovered too.
        p.update(2, Up::Panic).expect("send");
        let n = p.query((1, false)).filter(|r| r.is_ok()).count();
        assert_eq!(n, 40);
    }

    #[test]
    fn dropping_the_stream_stops_the_workers_promptly() {
        let emitted = Arc::new(AtomicUsize::new(0));
        let p = pool(2, 100_000, &emitted);
        let mut s = p.query((1, false));
        for _ in 0..10 {
            s.next().expect("item").expect("ok");
        }
        drop(s);
        // Credits bound what workers could emit past the drop: 4 credits of
        // BATCH items each, plus the batch being filled, per worker.
        let stats = p.stats().expect("stats"); // proves workers are idle again
        assert_eq!(stats.len(), 2);
        let bound = 2 * (4 + 2) * BATCH;
        assert!(
            emitted.load(Ordering::Relaxed) <= bound,
            "{}",
            emitted.load(Ordering::Relaxed)
        );
    }

    #[test]
    fn shutdown_while_a_query_is_in_flight_joins_every_thread() {
        let emitted = Arc::new(AtomicUsize::new(0));
        let p = pool(2, 100_000, &emitted);
        let mut s = p.query((1, false));
        s.next().expect("item").expect("ok");
        let (tx, rx) = bounded(1);
        std::thread::spawn(move || {
            p.shutdown();
            let _ = tx.send(());
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("shutdown must not hang on a query in flight");
        // The stream ends with an error, never as if it were complete, and
        // it does not hang.
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut last = None;
        for r in s.by_ref() {
            assert!(Instant::now() < deadline);
            last = Some(r.map(|_| ()));
        }
        assert!(matches!(last, Some(Err(_))), "{last:?}");
    }

    #[test]
    fn lightest_follows_weights() {
        let emitted = Arc::new(AtomicUsize::new(0));
        let p = pool(3, 5, &emitted);
        p.update(0, Up::Add(1)).expect("u");
        p.update(2, Up::Add(1)).expect("u");
        p.stats().expect("sync"); // weights are stored before stats reply
        assert_eq!(p.lightest(), 1);
    }
}
