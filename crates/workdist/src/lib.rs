//! workdist: the work-distribution pieces shared by the pfiles tools.
//!
//! It knows nothing of grep, imports or logs. It offers:
//!
//! * [`discover`]: which files to look at: a parallel or path-sorted walk
//!   applying ignore files, hidden-file rules, globs, file types, depth and
//!   size limits, with typed, per-path errors;
//! * [`pmap`]: parallel maps whose results come back to the calling thread
//!   as they complete, or in input order (`par_map` on its own threads,
//!   `par_stream` on a rayon pool with a chosen stack size);
//! * [`shards`]: resident data split across worker threads, each with its
//!   own channel, queried by broadcast and merged replies;
//! * [`sink`]: the single writer that owns a tool's output;
//! * [`exit`]: the exit-code convention every tool follows;
//! * [`cli`]: completions, man pages, one-line argument errors;
//! * [`diag`]: per-file errors and warnings on standard error, and the
//!   "something went wrong" flag behind the exit status;
//! * [`pipe`]: the broken-pipe rule (quiet, exit 0);
//! * [`color`]: the colour decision (`--color`, `NO_COLOR`, a terminal);
//! * [`duration`]: the one duration grammar (`250ms`, `10s`, `2m`, `1h`);
//! * [`watch`]: the inotify directory watcher and when to poll instead.
//!
//! # Theory of operation
//!
//! A tool is a pipeline: *discover → work in parallel → write once*.
//!
//! **Ordering.** The parallel walk yields files in no particular order, and
//! workers finish in no particular order either; without more, output order
//! is whatever the scheduler did. When a tool promises an order (grep's
//! `--sort path`), the walk runs sequentially in sorted order (walking is cheap
//! next to the work) and feeds [`pmap::par_map`] with [`pmap::Order::Input`],
//! which reassembles results by input index: parallel work, deterministic
//! output. Within one record (one file's matches) order is the producer's.
//!
//! **Fairness.** The parallel walk is the `ignore` crate's work-stealing
//! walk: each thread has a deque of directories, idle threads steal, so one
//! huge directory does not serialise the run. `par_map` workers pull from one
//! shared queue, so a slow item occupies one worker and the others go on.
//!
//! **Back-pressure.** Every channel is bounded. The sink's channel bounds
//! records waiting for the writer; `par_map`'s window bounds items in flight
//! (including results held for reordering). A slow reader of the output
//! therefore slows producers down instead of growing memory. A record too
//! big to hold whole is streamed in pieces while its producer owns the
//! writer ([`sink::SinkStream`]); in an ordered run, once its turn has come
//! ([`sink::Turns`]), so order and contiguity survive streaming.
//!
//! **Shutdown.** Work ends in three ways. Normally: inputs run out, workers
//! drain, the last sender is dropped, the writer flushes, every thread is
//! joined. Early, on request: a consumer returns [`Flow::Quit`] (grep's `-q`
//! found its match) and dispatch stops; workers finish the item in hand.
//! Early, because the output went away: the writer hits a broken pipe, marks
//! the sink closed and drops its receiver, so every blocked or future `send`
//! fails and producers stop within one item. A panicking work item is caught
//! and reported as that item's error; nothing hangs on it.

pub mod atomic;
pub mod cli;
pub mod color;
pub mod diag;
pub mod discover;
pub mod duration;
pub mod exit;
pub mod pipe;
pub mod pmap;
pub mod shards;
pub mod sink;
pub mod watch;

pub use diag::Diagnostics;
pub use discover::{Discovery, DiscoveryError, DiscoveryOptions, FileEntry, Flow, TypeChange};
pub use exit::ExitStatus;
pub use pmap::{MapOptions, Order, Panicked, StreamOptions, par_map, par_stream};
pub use shards::{QueryStream, Shard, ShardError, ShardPool};
pub use sink::{
    Buffering, Sink, SinkClosed, SinkConfig, SinkOutcome, SinkSender, SinkStream, Turns,
};

/// The message of a caught panic, for reporting it as an error.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}
