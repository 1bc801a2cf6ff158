//! The resident daemon: a tree loaded once, sharded across worker threads,
//! kept fresh by file-system notifications, searched from memory.
//!
//! * [`held`]: one shard's files and how it answers a search over them;
//! * [`server`]: the daemon process (loading, watching, planning, answering);
//! * [`client`]: finding a daemon, relaying its answer, falling back;
//!   `daemon start|stop|status`;
//! * [`protocol`]: frames and messages on the socket;
//! * [`socket`]: where sockets live and who may use them (Unix).
//!
//! A search through the daemon prints exactly what one-shot `--sort path`
//! prints. When the daemon cannot promise that (the search wants hidden or
//! ignored files it does not hold, reads stdin, names paths outside its
//! root, or the daemon is still loading), it says so and the client searches
//! one-shot instead.

pub mod client;
pub mod held;
#[cfg(target_os = "linux")]
pub mod inotify;
pub mod protocol;
pub mod server;
pub mod socket;
