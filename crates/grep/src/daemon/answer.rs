//! Answering a planned query: broadcast it to the shards, merge their
//! replies in path order, and stream them to the client as output frames,
//! exactly as one-shot `--sort path` would print them (file separators,
//! the "no files were searched" warning, the `--stats` block, the exit
//! status).
//!
//! The connection's write side is a [`Wire`]: frames from the answering
//! thread and heartbeats from a timer thread ([`protocol::HEARTBEAT`]), one
//! whole frame at a time, so a client hears from a daemon that is working
//! on a long answer and can tell it from a stuck one.

use std::io;
use std::os::unix::net::UnixStream;
use std::sync::Mutex;
use std::time::Instant;

use crossbeam_channel::Receiver;
use grep_printer::Stats;
use workdist::{ExitStatus, ShardPool};

use super::grams::Plan;
use super::held::{GrepQuery, GrepShard, ShardItem};
use super::protocol::{self, Kind, ProtocolError};

/// The connection's write side while a query is answered.
pub struct Wire<'a> {
    out: Mutex<&'a mut UnixStream>,
    /// When the last frame went out.
    last: Mutex<Instant>,
}

impl<'a> Wire<'a> {
    pub fn new(stream: &'a mut UnixStream) -> Wire<'a> {
        Wire {
            out: Mutex::new(stream),
            last: Mutex::new(Instant::now()),
        }
    }
}

impl Wire<'_> {
    pub fn send(&self, kind: Kind, payload: &[u8]) -> io::Result<()> {
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
    pub fn heartbeat(&self, stop: &Receiver<()>) {
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

/// Stream the merged results to the client, exactly as one-shot
/// `--sort path` would print them. An error before anything was sent is
/// returned (the client can still search one-shot and get a whole
/// answer); after, it is reported in the answer, which exits 2.
pub fn answer(
    pool: &ShardPool<GrepShard>,
    gq: GrepQuery,
    out: &Wire<'_>,
    note: &mut protocol::QueryNote,
) -> Result<ExitStatus, ProtocolError> {
    let started = Instant::now();
    // The daemon's output is one-shot `--sort path`'s: in order.
    let separator = gq.config.file_separator(true);
    let quit_after_match = gq.config.quit_after_match;
    let quiet = gq.config.quiet;
    let want_stats = gq.config.stats;
    let implicit = gq.config.implicit_path && !gq.list_files;
    let mode = gq.mode;
    let voice = gq.config.voice;
    // As one-shot's Diagnostics: errors count, but are not printed.
    let no_messages = gq.config.no_messages;
    if !gq.list_files && gq.config.matches_impossible() {
        // As one-shot: nothing is searched and nothing printed, not even
        // `--stats` (`-f` of an empty file, `-m 0`; the oracle found the
        // daemon printing a summary).
        note.plan = "none: no match is possible".to_string();
        return Ok(ExitStatus::NotFound);
    }
    note.plan = match &gq.plan {
        Plan::Index(_) => "index".to_string(),
        Plan::FullScan(why) => format!("full scan: {why}"),
    };
    let mut stream = pool.query(gq);
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
                    candidates,
                    verify_bytes,
                },
            )) => {
                searched += n;
                stats += &s;
                if let Some(c) = candidates {
                    *note.candidates.get_or_insert(0) += c;
                }
                note.verify_bytes += verify_bytes;
            }
            Ok((_, ShardItem::Fault(why))) => {
                if !flushed_any {
                    return Err(ProtocolError::Failed(why));
                }
                out.flush(&mut buf)?;
                out.send(Kind::Stderr, format!("{}: {why}\n", voice.name).as_bytes())?;
                return Ok(ExitStatus::Error);
            }
            Ok((_, ShardItem::File(r))) => {
                if let Some(err) = r.error {
                    errored = true;
                    flushed_any = true;
                    if !no_messages {
                        out.flush(&mut buf)?;
                        let msg = format!("{}: {err}\n", voice.name);
                        out.send(Kind::Stderr, msg.as_bytes())?;
                    }
                    continue;
                }
                matched |= r.has_match;
                if !r.output.is_empty() {
                    if printed
                        && !r.unseparated
                        && let Some(sep) = &separator
                    {
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
                let msg = format!("{}: this search failed in the daemon: {err}\n", voice.name);
                out.send(Kind::Stderr, msg.as_bytes())?;
                return Ok(ExitStatus::Error);
            }
        }
    }
    drop(stream);
    if implicit && searched == 0 && !(quit_after_match && matched) {
        errored = true;
        if !no_messages {
            out.flush(&mut buf)?;
            let msg = format!("{}: {}\n", voice.name, voice.nothing_searched());
            out.send(Kind::Stderr, msg.as_bytes())?;
        }
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
