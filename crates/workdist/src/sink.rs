//! The single-writer sink: one thread owns the output.
//!
//! Producers (search threads, file readers) never touch the output stream.
//! They build a whole record (one file's block of matches, one log line) in a
//! buffer of their own and send it over a bounded channel; the writer thread
//! writes records one after the other. So records never interleave, no lock
//! is taken per write, and a slow consumer pushes back on producers (they
//! block in `send` once `capacity` records are queued) instead of growing
//! memory without bound.
//!
//! * **Buffering.** [`Buffering::Line`] flushes after every record, for a
//!   terminal where a person is waiting; [`Buffering::Block`] fills a 64 KiB
//!   buffer, for pipes and files, where a syscall per record would dominate.
//! * **Order.** Records are written in arrival order. A tool that needs a
//!   deterministic order produces its records through [`crate::pmap`] in
//!   ordered mode, which hands results back in input order.
//! * **Separators.** An optional separator is written between two non-empty
//!   records (grep's `--` between context blocks of different files).
//! * **Streams.** A record too big to hold whole (one file with half a
//!   gigabyte of matches) is sent in pieces through a [`SinkStream`]. While
//!   a stream is open it owns the writer: every other producer's `send`, and
//!   every other stream, waits until it is dropped, so the pieces come out
//!   contiguous, as one record (one separator before the first piece). An
//!   ordered run hands the writer from one producer to the next with
//!   [`Turns`]: a producer may open its stream once every record before its
//!   own has been sent.
//! * **Shutdown.** The writer ends when every sender is dropped; it then
//!   flushes. On a write error it stops at once and marks the sink closed:
//!   producers see [`SinkSender::is_closed`] and `send` fails, so they stop
//!   working promptly. A broken pipe is reported as
//!   [`SinkOutcome::BrokenPipe`], not as an error: `tool | head -1` must exit
//!   quietly and successfully.

use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, bounded};

/// When the writer flushes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Buffering {
    /// Flush after every record (a terminal).
    Line,
    /// Flush when a 64 KiB buffer fills, and at the end (a pipe or a file).
    Block,
}

impl Buffering {
    /// Line buffering on a terminal, block buffering otherwise.
    pub fn for_terminal(is_terminal: bool) -> Buffering {
        if is_terminal {
            Buffering::Line
        } else {
            Buffering::Block
        }
    }
}

/// How a sink is set up.
#[derive(Clone, Debug)]
pub struct SinkConfig {
    /// Records that may wait in the channel before producers block.
    pub capacity: usize,
    pub buffering: Buffering,
    /// Bytes written between two non-empty records.
    pub separator: Option<Vec<u8>>,
}

impl Default for SinkConfig {
    fn default() -> Self {
        SinkConfig {
            capacity: 256,
            buffering: Buffering::Block,
            separator: None,
        }
    }
}

/// How the writer ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkOutcome {
    /// Every record was written and flushed.
    Completed,
    /// The reader went away (EPIPE). Records after that point were dropped.
    BrokenPipe,
}

/// The send failed because the writer has stopped (broken pipe or an error).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the output has been closed")]
pub struct SinkClosed;

struct Shared {
    closed: AtomicBool,
    /// True while a [`SinkStream`] owns the writer.
    streaming: Mutex<bool>,
    stream_ended: Condvar,
}

impl Shared {
    fn new() -> Arc<Shared> {
        Arc::new(Shared {
            closed: AtomicBool::new(false),
            streaming: Mutex::new(false),
            stream_ended: Condvar::new(),
        })
    }

    /// The gate, once no stream owns the writer. A poisoned lock (a panic
    /// while holding it, which nothing here does) is taken as it is: the
    /// flag it guards is still meaningful.
    fn gate(&self) -> MutexGuard<'_, bool> {
        let guard = self
            .streaming
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.stream_ended
            .wait_while(guard, |streaming| *streaming)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What travels to the writer: a new record, or the next piece of the
/// record a stream is sending, or a record sent unseparated (no separator
/// before either).
struct Piece {
    bytes: Vec<u8>,
    continues: bool,
}

/// The writer thread and the first handle to it. Clone senders with
/// [`Sink::sender`]; call [`Sink::finish`] to wait for the writer.
pub struct Sink {
    tx: Option<Sender<Piece>>,
    shared: Arc<Shared>,
    handle: Option<JoinHandle<io::Result<SinkOutcome>>>,
}

/// A cheap, cloneable handle producers use to send records.
#[derive(Clone)]
pub struct SinkSender {
    tx: Sender<Piece>,
    shared: Arc<Shared>,
}

/// One record sent in pieces; while it lives, it owns the writer (see the
/// module docs). Dropping it ends the record and lets the others write.
pub struct SinkStream {
    tx: Sender<Piece>,
    shared: Arc<Shared>,
    started: bool,
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink")
            .field("closed", &self.shared.closed.load(Ordering::Relaxed))
            .finish()
    }
}

impl std::fmt::Debug for SinkSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SinkSender").finish()
    }
}

impl Sink {
    /// Start a writer that writes records in the order they arrive.
    pub fn spawn<W: Write + Send + 'static>(out: W, config: SinkConfig) -> Sink {
        let (tx, rx) = bounded::<Piece>(config.capacity.max(1));
        let shared = Shared::new();
        let thread_shared = Arc::clone(&shared);
        let handle = std::thread::Builder::new()
            .name("workdist-sink".into())
            .spawn(move || {
                let result = write_loop(out, &config, &rx);
                if !matches!(result, Ok(SinkOutcome::Completed)) {
                    thread_shared.closed.store(true, Ordering::SeqCst);
                }
                // Dropping the receiver makes every pending and future send
                // fail, which is how blocked producers learn to stop.
                drop(rx);
                result
            });
        match handle {
            Ok(handle) => Sink {
                tx: Some(tx),
                shared,
                handle: Some(handle),
            },
            Err(err) => {
                // Could not start a thread: behave as a closed sink that
                // reports the error on finish.
                shared.closed.store(true, Ordering::SeqCst);
                let err_handle = std::thread::spawn(move || Err(err));
                Sink {
                    tx: Some(tx),
                    shared,
                    handle: Some(err_handle),
                }
            }
        }
    }

    /// A handle to send records with.
    pub fn sender(&self) -> SinkSender {
        SinkSender {
            tx: self.tx.clone().expect("sender taken only by finish"),
            shared: Arc::clone(&self.shared),
        }
    }

    /// True once the writer has stopped because of an error or broken pipe.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::SeqCst)
    }

    /// Wait until every sender is dropped and every record is written.
    pub fn finish(mut self) -> io::Result<SinkOutcome> {
        drop(self.tx.take());
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the output writer thread panicked")),
            None => Ok(SinkOutcome::Completed),
        }
    }
}

impl Drop for Sink {
    /// A sink dropped without [`Sink::finish`] (an early error return) does
    /// not wait for its writer: a sender still alive elsewhere would make
    /// that wait a hang. The writer finishes on its own once they are gone.
    fn drop(&mut self) {
        drop(self.tx.take());
    }
}

impl SinkSender {
    /// Send a record to be written after those already sent. Blocks while
    /// the channel is full or another producer's stream is open. An empty
    /// record writes nothing.
    pub fn send(&self, record: Vec<u8>) -> Result<(), SinkClosed> {
        self.send_record(record, false)
    }

    /// Send a record that gets no separator before it (ripgrep writes none
    /// before a file whose only output is "binary file matches" when it
    /// searches on one thread). It still counts as printed for the next.
    pub fn send_unseparated(&self, record: Vec<u8>) -> Result<(), SinkClosed> {
        self.send_record(record, true)
    }

    fn send_record(&self, record: Vec<u8>, continues: bool) -> Result<(), SinkClosed> {
        if self.is_closed() {
            return Err(SinkClosed);
        }
        if record.is_empty() {
            return Ok(());
        }
        // Held while the record is queued, so that no stream opens between
        // the check and the send.
        let _gate = self.shared.gate();
        self.tx
            .send(Piece {
                bytes: record,
                continues,
            })
            .map_err(|_| SinkClosed)
    }

    /// Open a stream: one record sent in pieces. Waits until no other
    /// stream is open; from then on other producers wait for this one.
    pub fn stream(&self) -> Result<SinkStream, SinkClosed> {
        if self.is_closed() {
            return Err(SinkClosed);
        }
        let mut gate = self.shared.gate();
        *gate = true;
        Ok(SinkStream {
            tx: self.tx.clone(),
            shared: Arc::clone(&self.shared),
            started: false,
        })
    }

    /// True once the writer has stopped; producers should stop too.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::Relaxed)
    }
}

impl SinkStream {
    /// Send the next piece of the record. Blocks while the channel is full.
    /// An empty piece writes nothing.
    pub fn send(&mut self, piece: Vec<u8>) -> Result<(), SinkClosed> {
        if self.shared.closed.load(Ordering::Relaxed) {
            return Err(SinkClosed);
        }
        if piece.is_empty() {
            return Ok(());
        }
        let continues = std::mem::replace(&mut self.started, true);
        self.tx
            .send(Piece {
                bytes: piece,
                continues,
            })
            .map_err(|_| SinkClosed)
    }
}

impl std::fmt::Debug for SinkStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SinkStream")
            .field("started", &self.started)
            .finish()
    }
}

impl Drop for SinkStream {
    fn drop(&mut self) {
        let mut streaming = self
            .shared
            .streaming
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *streaming = false;
        drop(streaming);
        self.shared.stream_ended.notify_all();
    }
}

/// Whose turn it is to write, in a run whose records must come out in input
/// order while they are produced in parallel (`par_map` in
/// [`crate::Order::Input`]). The consumer that sends records in order calls
/// [`Turns::passed`] after each; a producer that wants to stream record `i`
/// waits in [`Turns::wait_for`] until every record before it is out, so its
/// pieces land in their place. [`Turns::close`] releases every waiter when
/// the run stops early.
#[derive(Debug, Default)]
pub struct Turns {
    /// The next record to be written; `None` once closed.
    next: Mutex<Option<u64>>,
    changed: Condvar,
}

impl Turns {
    pub fn new() -> Turns {
        Turns {
            next: Mutex::new(Some(0)),
            changed: Condvar::new(),
        }
    }

    /// Wait until record `i` is next. False if the run was closed instead.
    ///
    /// Progress: the records before `i` were handed to producers before
    /// `i` was (a FIFO queue), so each is being produced, or waits for its
    /// own turn, which comes first; nothing waits on a later record.
    pub fn wait_for(&self, i: u64) -> bool {
        let next = self
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let next = self
            .changed
            .wait_while(next, |next| next.is_some_and(|n| n < i))
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *next == Some(i)
    }

    /// Record `i` has been written (or skipped): the next one may go.
    pub fn passed(&self, i: u64) {
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = next.as_mut() {
            *n = (*n).max(i + 1);
        }
        drop(next);
        self.changed.notify_all();
    }

    /// The run stopped: no turn will come; every waiter gives up.
    pub fn close(&self) {
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *next = None;
        drop(next);
        self.changed.notify_all();
    }
}

struct Out<W: Write> {
    w: BufWriter<W>,
    line: bool,
    separator: Option<Vec<u8>>,
    printed: bool,
}

impl<W: Write> Out<W> {
    fn record(&mut self, rec: &[u8], continues: bool) -> io::Result<()> {
        if rec.is_empty() {
            return Ok(());
        }
        if let Some(sep) = &self.separator
            && self.printed
            && !continues
        {
            self.w.write_all(sep)?;
        }
        self.printed = true;
        if self.line && self.w.buffer().is_empty() {
            // Flushed at once anyway: straight from the record, no copy
            // into the buffer.
            let w = self.w.get_mut();
            w.write_all(rec)?;
            return w.flush();
        }
        self.w.write_all(rec)?;
        if self.line {
            self.w.flush()?;
        }
        Ok(())
    }
}

fn write_loop<W: Write>(
    out: W,
    config: &SinkConfig,
    rx: &Receiver<Piece>,
) -> io::Result<SinkOutcome> {
    let mut out = Out {
        w: BufWriter::with_capacity(64 * 1024, out),
        line: config.buffering == Buffering::Line,
        separator: config.separator.clone(),
        printed: false,
    };
    let result = (|| -> io::Result<()> {
        for piece in rx.iter() {
            out.record(&piece.bytes, piece.continues)?;
        }
        out.w.flush()
    })();
    match result {
        Ok(()) => Ok(SinkOutcome::Completed),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(SinkOutcome::BrokenPipe),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    /// A writer that records what reached it and can be told to fail.
    #[derive(Clone, Default)]
    struct Probe {
        data: Arc<Mutex<Vec<u8>>>,
        flushes: Arc<Mutex<usize>>,
        fail_after: Option<usize>,
        kind: Option<io::ErrorKind>,
    }

    impl Write for Probe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let mut data = self.data.lock().expect("lock");
            if let (Some(limit), Some(kind)) = (self.fail_after, self.kind)
                && data.len() + buf.len() > limit
            {
                return Err(io::Error::from(kind));
            }
            data.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            *self.flushes.lock().expect("lock") += 1;
            Ok(())
        }
    }

    #[test]
    fn records_from_many_threads_never_interleave() {
        let probe = Probe::default();
        let sink = Sink::spawn(probe.clone(), SinkConfig::default());
        std::thread::scope(|s| {
            for t in 0..8 {
                let tx = sink.sender();
                s.spawn(move || {
                    for i in 0..500 {
                        let rec = format!("t{t} r{i} a\nt{t} r{i} b\n").into_bytes();
                        tx.send(rec).expect("send");
                    }
                });
            }
        });
        assert_eq!(sink.finish().expect("finish"), SinkOutcome::Completed);
        let data = String::from_utf8(probe.data.lock().expect("lock").clone()).expect("utf8");
        let lines: Vec<&str> = data.lines().collect();
        assert_eq!(lines.len(), 8 * 500 * 2);
        for pair in lines.chunks(2) {
            assert_eq!(
                pair[0].trim_end_matches(" a"),
                pair[1].trim_end_matches(" b")
            );
        }
    }

    #[test]
    fn an_unseparated_record_gets_no_separator_but_counts_as_printed() {
        let probe = Probe::default();
        let sink = Sink::spawn(
            probe.clone(),
            SinkConfig {
                separator: Some(b"--\n".to_vec()),
                ..SinkConfig::default()
            },
        );
        let tx = sink.sender();
        tx.send_unseparated(b"bin\n".to_vec()).expect("send");
        tx.send(b"a\n".to_vec()).expect("send");
        tx.send_unseparated(b"bin2\n".to_vec()).expect("send");
        tx.send(b"b\n".to_vec()).expect("send");
        drop(tx);
        sink.finish().expect("finish");
        assert_eq!(
            &*probe.data.lock().expect("lock"),
            b"bin\n--\na\nbin2\n--\nb\n"
        );
    }

    #[test]
    fn separator_only_between_non_empty_records() {
        let probe = Probe::default();
        let config = SinkConfig {
            separator: Some(b"--\n".to_vec()),
            ..Default::default()
        };
        let sink = Sink::spawn(probe.clone(), config);
        let tx = sink.sender();
        tx.send(b"a\n".to_vec()).expect("send");
        tx.send(Vec::new()).expect("send");
        tx.send(b"b\n".to_vec()).expect("send");
        drop(tx);
        sink.finish().expect("finish");
        assert_eq!(&*probe.data.lock().expect("lock"), b"a\n--\nb\n");
    }

    #[test]
    fn a_stream_is_one_record_however_many_producers_send_meanwhile() {
        let probe = Probe::default();
        let config = SinkConfig {
            capacity: 4,
            separator: Some(b"--\n".to_vec()),
            ..Default::default()
        };
        let sink = Sink::spawn(probe.clone(), config);
        std::thread::scope(|s| {
            for t in 0..4 {
                let tx = sink.sender();
                s.spawn(move || {
                    for r in 0..50 {
                        if r % 10 == 0 {
                            let mut stream = tx.stream().expect("stream");
                            for p in 0..20 {
                                stream
                                    .send(format!("t{t} r{r} p{p}\n").into_bytes())
                                    .expect("piece");
                            }
                        } else {
                            tx.send(format!("t{t} r{r}\n").into_bytes()).expect("send");
                        }
                    }
                });
            }
        });
        sink.finish().expect("finish");
        let data = String::from_utf8(probe.data.lock().expect("lock").clone()).expect("utf8");
        // Records are separated by "--"; a stream's 20 pieces are one record.
        let records: Vec<&str> = data.split("--\n").collect();
        assert_eq!(records.len(), 4 * 50);
        for rec in records {
            let lines: Vec<&str> = rec.lines().collect();
            if lines.len() > 1 {
                let head = lines[0].rsplit_once(' ').expect("piece").0;
                assert_eq!(lines.len(), 20, "{rec}");
                for (p, line) in lines.iter().enumerate() {
                    assert_eq!(*line, format!("{head} p{p}"));
                }
            }
        }
    }

    #[test]
    fn turns_let_producers_stream_in_input_order() {
        // Producers finish in reverse order but each streams only on its
        // turn; the consumer passes turns as a par_map consumer would.
        let probe = Probe::default();
        let sink = Sink::spawn(probe.clone(), SinkConfig::default());
        let turns = Arc::new(Turns::new());
        std::thread::scope(|s| {
            for i in (0..8u64).rev() {
                let tx = sink.sender();
                let turns = Arc::clone(&turns);
                s.spawn(move || {
                    assert!(turns.wait_for(i));
                    let mut stream = tx.stream().expect("stream");
                    stream.send(format!("{i}a\n").into_bytes()).expect("a");
                    stream.send(format!("{i}b\n").into_bytes()).expect("b");
                    drop(stream);
                    turns.passed(i);
                });
            }
        });
        sink.finish().expect("finish");
        let expected: String = (0..8).map(|i| format!("{i}a\n{i}b\n")).collect();
        assert_eq!(&*probe.data.lock().expect("lock"), expected.as_bytes());
    }

    #[test]
    fn closed_turns_release_every_waiter() {
        let turns = Turns::new();
        std::thread::scope(|s| {
            let waiter = s.spawn(|| turns.wait_for(5));
            turns.passed(0);
            turns.close();
            assert!(!waiter.join().expect("join"));
        });
    }

    #[test]
    fn line_buffering_flushes_every_record() {
        let probe = Probe::default();
        let config = SinkConfig {
            buffering: Buffering::Line,
            ..Default::default()
        };
        let sink = Sink::spawn(probe.clone(), config);
        let tx = sink.sender();
        tx.send(b"a\n".to_vec()).expect("send");
        let deadline = Instant::now() + Duration::from_secs(10);
        while probe.data.lock().expect("lock").is_empty() {
            assert!(
                Instant::now() < deadline,
                "record not flushed while sink open"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(tx);
        sink.finish().expect("finish");
    }

    #[test]
    fn broken_pipe_stops_blocked_producers_and_is_not_an_error() {
        let probe = Probe {
            fail_after: Some(10),
            kind: Some(io::ErrorKind::BrokenPipe),
            ..Default::default()
        };
        let config = SinkConfig {
            capacity: 2,
            buffering: Buffering::Line,
            separator: None,
        };
        let sink = Sink::spawn(probe, config);
        let sent = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    let tx = sink.sender();
                    s.spawn(move || {
                        // Without the closed channel these producers would
                        // block forever on a full queue.
                        let mut n = 0usize;
                        while tx.send(vec![b'x'; 100]).is_ok() {
                            n += 1;
                            assert!(n < 1_000_000, "producer never saw the closed sink");
                        }
                        n
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("join"))
                .sum::<usize>()
        });
        assert!(sent < 100, "producers kept going after EPIPE: {sent}");
        assert!(sink.is_closed());
        assert_eq!(sink.finish().expect("finish"), SinkOutcome::BrokenPipe);
    }

    #[test]
    fn other_write_errors_are_reported() {
        let probe = Probe {
            fail_after: Some(0),
            kind: Some(io::ErrorKind::PermissionDenied),
            ..Default::default()
        };
        let sink = Sink::spawn(
            probe,
            SinkConfig {
                buffering: Buffering::Line,
                ..Default::default()
            },
        );
        let tx = sink.sender();
        let _ = tx.send(b"a\n".to_vec());
        drop(tx);
        let err = sink.finish().expect_err("error expected");
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    }
}
