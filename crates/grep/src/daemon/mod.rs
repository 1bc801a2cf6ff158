//! The resident daemon: a tree loaded once, sharded across worker threads,
//! kept fresh by file-system notifications (or polling), searched from
//! memory.
//!
//! In the daemon process, from the leaves up (each module uses only those
//! before it):
//!
//! * [`protocol`]: frames and messages on the socket;
//! * [`socket`]: where sockets live and who may use them (Unix);
//! * [`grams`]: a search's patterns planned into a boolean trigram query;
//! * [`postings`]: a shard's trigram index (segments, tombstones,
//!   compaction) and the evaluation of a plan over it;
//! * [`held`]: one shard's files and index, and how it answers a search
//!   over them (the server plans, the shard executes);
//! * [`index`]: what the daemon holds (which shard owns which file, which
//!   directories, what was left out) and its upkeep;
//! * [`stop`]: the stop flag, and stopping when the root goes;
//! * [`watch`]: loading the tree, following its changes (inotify, or
//!   polling), and the cookie sync behind read-your-writes;
//! * [`plan`]: whether a query can be answered exactly, and if not, why;
//! * [`answer`]: streaming a query's merged answer to the client;
//! * [`server`]: the process: accept loop, connections, shutdown.
//!
//! On the client's side:
//!
//! * [`client`]: finding a daemon, relaying its answer, falling back;
//! * [`control`]: `daemon start|stop|status|list`.
//!
//! A search through the daemon prints exactly what one-shot `--sort path`
//! prints. When the daemon cannot promise that (the search wants hidden or
//! ignored files it does not hold, reads stdin, names paths outside its
//! root, or the daemon is still loading), it says so and the client searches
//! one-shot instead.

pub mod answer;
pub mod client;
pub mod control;
pub mod grams;
pub mod held;
pub mod index;
pub mod plan;
pub mod postings;
pub mod protocol;
pub mod server;
pub mod socket;
pub mod stop;
pub mod watch;
