//! The follow loop: after the history, keep reading every followed file
//! until a signal (SIGINT, SIGTERM), `--timeout`, the exit of `--pid`,
//! `--until`, or the output going away.
//!
//! One thread reads; events reach it through no channel and no other
//! thread (only the output goes to the writer's thread). Nothing it reads
//! blocks (every input is opened `O_NONBLOCK`), so the loop waits in one
//! `poll(2)` on the inotify descriptor, a self-pipe the signal handlers
//! write to, stdout when it is a pipe or socket (for its reader hanging
//! up), and the followed streams (below), with a timeout that is the
//! nearest of: the periodic check, a draining file's next read, the
//! reorder window's next release, `--timeout` and the `--pid` check.
//! Then it reads every queued notification without blocking and polls the
//! followers they concern and the streams poll(2) woke for, in input
//! order (a `BTreeMap` of dirty followers), each to EOF within a read
//! budget (a follower with more to read stays dirty).
//!
//! * **Notifications are hints** (`workdist::watch`, on the parent
//!   directories and the inputs' directories, not on the files: 10,000
//!   files in one directory are one watch). A write makes the loop read the
//!   file; a creation, deletion or rename also makes it check the path's
//!   identity; an overflow makes it check everything.
//! * **The periodic check is a safety net**: every second with
//!   notifications (for many files a rotating batch per tick, globs and
//!   directories listed every few ticks), every `--poll` interval when
//!   polling (everything, every time). Rotated-away files still being
//!   drained are read every 50 ms.
//! * **Busy logs are read in larger pieces.** A wake-up that read at least
//!   `BUSY_BYTES` makes the next wait until `COALESCE` (2 ms) after it, so
//!   a file written flat out is read or spliced once per 2 ms rather than
//!   once per write(2): 64 files written at ~1 GB/s took ptail 0.46-0.54 s
//!   of CPU, 0.27 s with this (the writers get the rest). A trickle never
//!   reads that much at once and is never delayed (p99 latency at 1,000
//!   lines/s: 1.02-1.16x tail -F's, as before); under load a line waits
//!   at most 2 ms more. 4 ms saved little more CPU (0.23-0.24 s). Not
//!   tried: a pause per file (a timer per file).
//! * **A busy directory is read on a timer, its writes not notified.**
//!   Each notified write costs the *writer*: the kernel queues an event
//!   (a new one whenever the last queued is not for the same file, so
//!   for every write when 64 files are written in turn) inside the
//!   writer's `write(2)`, and wakes ptail if it waits. Measured with the
//!   benchmark's writer (64 files, 4 KB writes; `bench/tail_tax.py`):
//!   0.67-0.71 s alone, 0.89-0.91 s beside a watcher that reads events
//!   as they come, 0.75-0.78 s beside one that reads them every 2 ms,
//!   0.61-0.68 s beside one that reads the files every 1-2 ms with no
//!   write events asked. So a wake-up that
//!   read `BUSY_BYTES` puts the directories of the files it read on a
//!   `COALESCE` timer: their watch loses `IN_MODIFY` (creations,
//!   deletions, renames still come), and every followed file named in
//!   them is read each round, listed again each time (a file new there
//!   is read too). When no round has found `TIMER_BUSY_BYTES` for
//!   `TIMER_QUIET_AFTER` (50 ms), the watch gets `IN_MODIFY` back and the
//!   files are read once more (what was written before it was back made
//!   no event). Only directories of at most `TIMER_READ_MAX` (256)
//!   followed files, none parked: each round costs an `fstat` a file,
//!   and a parked one would be reopened every round.
//! * **When notifications fail**, the run goes on by polling every 250 ms,
//!   said once with the sysctl that raises the limit
//!   (`workdist::watch::Fallback`); a directory that cannot be watched on
//!   its own (gone, unreadable) is skipped and left to the checks.
//! * **Streams are waited on themselves.** A write into a FIFO makes no
//!   inotify event, so the descriptor of every followed stream (a FIFO, a
//!   character device: whatever is not a regular file, see
//!   `crate::follow`) is in the poll set, for POLLIN; one that is ready
//!   is read in that wake-up. Only streams: a regular file is always
//!   readable to poll(2), and 10,000 of them add nothing to the set (the
//!   followers keep the list, `Followed::streams`). Streams are never
//!   parked, so the descriptor budget does not change what is polled.
//! * **A stream ready with nothing to read is not waited on in a loop.**
//!   A FIFO whose last writer closed reports POLLHUP at once, every time,
//!   until a new writer opens it; a device at its end (`/dev/null`)
//!   reports POLLIN and reads nothing. Waiting on either as it is would
//!   spin a core; not waiting on it until the next check would leave a
//!   new writer's lines waiting up to a second (an hour with `--poll
//!   1h`). So when a stream's wake-up reads nothing, a FIFO's descriptor
//!   is swapped for a new one on the same pipe, opened through
//!   `/proc/self/fd` (never by its path, which anyone may have replaced
//!   by then): opened without blocking while the pipe has no writer, it
//!   reports no hang-up until a writer has come and gone, and still wakes
//!   the loop when the next writer writes. Where that cannot work (a
//!   device, never opened twice since an open can do something; an
//!   anonymous pipe, whose writers cannot come back; no `/proc`; or more
//!   than `REARMS_PER_CHECK` swaps since the last check), the stream is
//!   set aside until the next periodic check, which waits on it again:
//!   at most a few wake-ups a second. Rejected: holding a write end of
//!   the FIFO so that it never hangs up. That would change what its other
//!   readers see (no end of file while ptail runs) and keep a writer
//!   open on a pipe ptail only reads.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use workdist::watch::{Change, DirWatches, Events, Fallback, Purpose, dir_watcher};

use crate::config::Config;
use crate::followed::Followed;

/// The periodic identity check when notifications work.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// With notifications, at most this many files are identity-checked per
/// tick, and globs and directories are listed every `DISCOVER_EVERY` ticks
/// once there are more files than that.
const CHECK_BATCH: usize = 1000;
const DISCOVER_EVERY: u64 = 5;
/// How often draining (rotated-away) files are read.
const DRAIN_EVERY: Duration = Duration::from_millis(50);
/// The polling interval when notifications fail.
const FALLBACK_POLL: Duration = Duration::from_millis(250);
/// At most this many times per periodic check is one stream's descriptor
/// swapped for a quiet one (see `Quiet`): then it is set aside until the
/// next check whatever happens, so that no stream can keep the loop busy.
const REARMS_PER_CHECK: u32 = 64;
/// A wake-up that read at least `BUSY_BYTES` makes the next one wait
/// until `COALESCE` after it (see the module comment).
const BUSY_BYTES: u64 = 32 << 10;
const COALESCE: Duration = Duration::from_millis(2);
/// A directory whose files are read on the timer has at most this many
/// followed files (each read is an `fstat` at least, every `COALESCE`).
const TIMER_READ_MAX: usize = 256;
/// The files on the timer are put back on notifications once no read on
/// the timer has found `TIMER_BUSY_BYTES` (2 MB/s) for `TIMER_QUIET_AFTER`:
/// a writer that pauses between bursts does not make them flap.
const TIMER_BUSY_BYTES: u64 = 4 << 10;
const TIMER_QUIET_AFTER: Duration = Duration::from_millis(50);

type Watcher = Option<(DirWatches, Events)>;

/// What the loop did about a stream whose wake-up had nothing to read
/// (see the module comment). A stream with no entry is waited on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quiet {
    /// Its descriptor was swapped for a quiet one this many times since
    /// the last check; still waited on.
    Rearmed(u32),
    /// Not waited on until the next check.
    Aside,
}

/// SIGINT and SIGTERM, caught: they set `stop` and write to a pipe the
/// loop waits on. Registered when following starts, or (`--state`) before
/// the history, so that a stop during it still ends the run properly
/// (the state saved).
pub struct Signals {
    stop: Arc<AtomicBool>,
    sig_read: std::os::unix::net::UnixStream,
}

impl Signals {
    pub fn register() -> std::io::Result<Signals> {
        let stop = Arc::new(AtomicBool::new(false));
        let (sig_read, sig_write) = std::os::unix::net::UnixStream::pair()?;
        sig_read.set_nonblocking(true)?;
        sig_write.set_nonblocking(true)?;
        for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            signal_hook::flag::register(sig, Arc::clone(&stop))?;
            signal_hook::low_level::pipe::register(sig, sig_write.try_clone()?)?;
        }
        Ok(Signals { stop, sig_read })
    }
}

/// Follow until the run is over (see the module comment).
pub fn follow(
    config: &Config,
    tail: &mut Followed,
    signals: Option<Signals>,
) -> anyhow::Result<()> {
    let Signals { stop, sig_read } = match signals {
        Some(s) => s,
        None => Signals::register()?,
    };

    // Notifications on the directories, unless polling.
    let mut polling = config.poll;
    let mut watcher: Watcher = None;
    if polling.is_none() {
        match dir_watcher(Purpose::Follow) {
            Ok(w) => watcher = Some(w),
            Err(e) => {
                // No directory is concerned yet: whatever the error, poll.
                let why = match Fallback::of(&e) {
                    Fallback::Skip => Fallback::Unavailable,
                    other => other,
                };
                tail.warn(why.note(&e, FALLBACK_POLL));
                polling = Some(FALLBACK_POLL);
            }
        }
    }
    rewatch(tail, &mut watcher, &mut polling);

    let deadline = config.timeout.map(|t| Instant::now() + t);
    let pid = config
        .pid
        .and_then(|p| i32::try_from(p).ok())
        .and_then(rustix::process::Pid::from_raw);
    let every = check_every();
    let mut next_check = Instant::now() + polling.unwrap_or(every);
    // Everything is read once the watches are in place: what was written
    // between the history and the watches is not left to the next check.
    // (A BTreeMap: one wake-up's files are read in input order.
    // `read_all`: the next wake-up reads and checks every file, in input
    // order, without a table of them all: 10,000 files.)
    let mut dirty: BTreeMap<usize, bool> = BTreeMap::new();
    let mut read_all = true;
    let mut ticks = 0u64;
    let mut cursor = 0usize;
    // Streams whose wake-up had nothing to read, and those woken in this
    // wake-up (with how much was read from each before).
    let mut quiet: BTreeMap<usize, Quiet> = BTreeMap::new();
    let mut woken: Vec<usize> = Vec::new();
    let mut woken_read: Vec<(usize, u64)> = Vec::new();
    // The last wake-up, if it read at least BUSY_BYTES.
    let mut busy_since: Option<Instant> = None;
    let mut on_timer = OnTimer::new();
    // The files the wake-up read something from.
    let mut busy: Vec<usize> = Vec::new();
    // A pipe or socket on stdout: its reader going away (`| head -1`)
    // ends the run even while every input is idle.
    let stdout = std::io::stdout();
    let watch_stdout = config.output.is_none()
        && rustix::fs::fstat(&stdout).is_ok_and(|st| {
            let t = rustix::fs::FileType::from_raw_mode(st.st_mode);
            t == rustix::fs::FileType::Fifo || t == rustix::fs::FileType::Socket
        });
    loop {
        if stop.load(Ordering::SeqCst) || tail.done() {
            return Ok(());
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            return Ok(());
        }
        if let Some(pid) = pid
            && rustix::process::test_kill_process(pid).is_err()
        {
            // Read what the process wrote last, then stop.
            for s in 0..tail.files() {
                tail.poll(s, true, now);
            }
            return Ok(());
        }
        let draining = !tail.draining().is_empty();
        let mut wait = next_check.saturating_duration_since(now);
        if draining {
            wait = wait.min(DRAIN_EVERY);
        }
        if let Some(d) = deadline {
            wait = wait.min(d.saturating_duration_since(now));
        }
        if pid.is_some() {
            wait = wait.min(Duration::from_millis(100));
        }
        if let Some(at) = tail.next_release() {
            wait = wait.min(at.saturating_duration_since(now));
        }
        if let Some(at) = tail.state_due() {
            wait = wait.min(at.saturating_duration_since(now));
        }
        if read_all || !dirty.is_empty() {
            wait = Duration::ZERO;
        }
        // Whether the signal pipe has bytes to drain (only a poll says so:
        // `stop` is what decides, the bytes only wake the poll).
        let mut signalled = false;
        woken.clear();
        // Busy (files with more to read), the streams are still looked
        // at, without waiting: a FIFO is not left to the next check.
        let waited_on = |s: usize| quiet.get(&s) != Some(&Quiet::Aside);
        let streams = tail.streams().any(|(s, ..)| waited_on(s));
        if let Some(at) = busy_since.take()
            && !wait.is_zero()
        {
            // Nothing left over from the last wake-up: let more come.
            let until = at + COALESCE;
            let now = Instant::now();
            if until > now {
                std::thread::sleep(until - now);
            }
        }
        if let Some(due) = on_timer.due {
            wait = wait.min(due.saturating_duration_since(Instant::now()));
        }
        if !wait.is_zero() || streams {
            use rustix::event::{PollFd, PollFlags, Timespec, poll};
            let timeout = Timespec {
                tv_sec: wait.as_secs() as i64,
                tv_nsec: i64::from(wait.subsec_nanos()),
            };
            let mut fds = Vec::with_capacity(3);
            if watch_stdout {
                // No events asked: only POLLERR/POLLHUP (reader gone).
                fds.push(PollFd::new(&stdout, PollFlags::empty()));
            }
            let sig_at = fds.len();
            fds.push(PollFd::new(&sig_read, PollFlags::IN));
            if let Some((_, events)) = &watcher {
                fds.push(PollFd::from_borrowed_fd(events.fd(), PollFlags::IN));
            }
            // The streams, after the fixed three: bytes to read, or
            // hung up (POLLHUP and POLLERR need not be asked for).
            let first = fds.len();
            let mut polled = Vec::new();
            for (s, fd, _) in tail.streams() {
                if waited_on(s) {
                    fds.push(PollFd::from_borrowed_fd(fd, PollFlags::IN));
                    polled.push(s);
                }
            }
            // EINTR (a signal): `stop` says what to do.
            let _ = poll(&mut fds, Some(&timeout));
            if watch_stdout && fds[0].revents().intersects(PollFlags::ERR | PollFlags::HUP) {
                // Quietly, status 0 (like a broken pipe).
                return Ok(());
            }
            signalled = !fds[sig_at].revents().is_empty();
            for (fd, s) in fds[first..].iter().zip(polled) {
                if !fd.revents().is_empty() {
                    woken.push(s);
                }
            }
        }
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        if signalled {
            use std::io::Read;
            let mut drain = [0u8; 64];
            while matches!((&sig_read).read(&mut drain), Ok(n) if n > 0) {}
        }
        let woke = Instant::now();
        let timer_round = on_timer.round(woke, tail, &watcher, &mut dirty);
        // A stream poll(2) woke for is read in this wake-up.
        woken_read.clear();
        for &s in &woken {
            if let Some(read) = tail.stream_read(s) {
                dirty.entry(s).or_insert(false);
                woken_read.push((s, read));
            }
        }
        let mut rescan = false;
        if let Some((_, events)) = watcher.as_mut() {
            // A write is read; anything else that happened to a path
            // (created, deleted, renamed, its directory gone) also makes
            // its identity checked; lost events make everything checked.
            let read = events.read(&mut |change| match change {
                Change::Written(p) => tail.on_change(&p, true, &mut dirty),
                Change::Overflow => rescan = true,
                Change::Created { path, .. }
                | Change::Deleted { path, .. }
                | Change::MovedFrom { path, .. }
                | Change::MovedTo { path, .. }
                | Change::DirGone(path) => tail.on_change(&path, false, &mut dirty),
            });
            if let Err(e) = read {
                tail.warn(format_args!(
                    "notification error ({e}); checking every file"
                ));
                rescan = true;
            }
        }
        if rescan || woke >= next_check {
            next_check = woke + polling.unwrap_or(every);
            ticks += 1;
            // Every stream is waited on again (and may be rearmed again).
            quiet.clear();
            // With notifications working the periodic check is a safety
            // net: for many files it checks a rotating batch per tick and
            // lists globs and directories every few ticks, so 10,000 idle
            // files cost next to nothing. Polling checks everything.
            let n = tail.files();
            let everything = rescan || polling.is_some() || n <= CHECK_BATCH;
            if everything || ticks.is_multiple_of(DISCOVER_EVERY) {
                // New files for globs and directories.
                tail.discover();
                rewatch(tail, &mut watcher, &mut polling);
            }
            let n = tail.files();
            if everything {
                read_all = true;
            } else {
                for k in 0..CHECK_BATCH.min(n) {
                    dirty.insert((cursor + k) % n, true);
                }
                cursor = (cursor + CHECK_BATCH) % n.max(1);
            }
        } else if draining {
            for &s in tail.draining() {
                dirty.entry(s).or_insert(false);
            }
        }
        let mut work = std::mem::take(&mut dirty);
        // Every file, checked: what the wake-up marked is part of it.
        let all = if std::mem::take(&mut read_all) {
            work.clear();
            tail.files()
        } else {
            0
        };
        let mut read = 0;
        busy.clear();
        for (s, check) in (0..all).map(|s| (s, true)).chain(work) {
            let before = tail.bytes_read(s);
            if tail.poll(s, check, woke) {
                dirty.insert(s, false); // budget ran out: more to read
            }
            let got = tail.bytes_read(s) - before; // only ever grows
            read += got;
            if got > 0 {
                busy.push(s);
            }
            if tail.done() {
                return Ok(());
            }
            tail.within_fd_budget();
        }
        // A stream that woke the loop yet gave nothing (a FIFO hung up,
        // a device at its end) would wake it again at once, forever.
        for &(s, before) in &woken_read {
            if tail.stream_read(s) != Some(before) {
                quiet.remove(&s); // read: a live stream
                continue;
            }
            let rearmed = match quiet.get(&s) {
                Some(Quiet::Rearmed(n)) => *n,
                _ => 0,
            };
            let next = if rearmed < REARMS_PER_CHECK && tail.rearm_stream(s) {
                Quiet::Rearmed(rearmed + 1)
            } else {
                Quiet::Aside
            };
            quiet.insert(s, next);
        }
        if !woken_read.is_empty() && tail.nothing_to_follow() {
            // Every input a pipe whose writers are gone for good.
            return Ok(());
        }
        if read >= BUSY_BYTES {
            busy_since = Some(woke);
        }
        on_timer.after(timer_round, read, &busy, woke, tail, &watcher, &mut dirty);
        tail.release(Instant::now());
        tail.flush();
        tail.save_state(false);
    }
}

/// The periodic check with notifications: `CHECK_EVERY`, or, for tests
/// only, `PTAIL_TEST_CHECK_EVERY_MS` (a test that tells a line read on a
/// notification or a timer from one the check found sets it to an hour).
fn check_every() -> Duration {
    test_hook("PTAIL_TEST_CHECK_EVERY_MS").unwrap_or(CHECK_EVERY)
}

/// A duration in milliseconds from the environment variable `name`: a
/// hook for tests only, so that what they check cannot happen by chance
/// of timing.
fn test_hook(name: &str) -> Option<Duration> {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
}

/// Busy directories whose writes are not notified: their files are read
/// every `COALESCE` instead (see the module comment).
struct OnTimer {
    dirs: Vec<std::path::PathBuf>,
    /// When they are read next.
    due: Option<Instant>,
    /// The last time a read on the timer found `TIMER_BUSY_BYTES`.
    busy_at: Option<Instant>,
    /// `TIMER_QUIET_AFTER`, or for tests `PTAIL_TEST_TIMER_QUIET_MS`.
    quiet_after: Duration,
}

impl OnTimer {
    fn new() -> OnTimer {
        OnTimer {
            dirs: Vec::new(),
            due: None,
            busy_at: None,
            quiet_after: test_hook("PTAIL_TEST_TIMER_QUIET_MS").unwrap_or(TIMER_QUIET_AFTER),
        }
    }

    /// If the timer is due at `woke`, every file of its directories is
    /// marked to be read, and it says so. Listed again each time: a file
    /// new in the directory is read too; a directory whose files can no
    /// longer all be read on the timer (one parked, or too many) is put
    /// back on notifications.
    fn round(
        &mut self,
        woke: Instant,
        tail: &Followed,
        watcher: &Watcher,
        dirty: &mut BTreeMap<usize, bool>,
    ) -> bool {
        if self.due.is_none_or(|due| woke < due) {
            return false;
        }
        self.dirs
            .retain(|dir| match tail.timer_readable(dir, TIMER_READ_MAX) {
                Some(files) => {
                    for s in files {
                        dirty.entry(s).or_insert(false);
                    }
                    true
                }
                None => {
                    Self::notified(watcher, dir, tail, dirty);
                    false
                }
            });
        true
    }

    /// After a wake-up (`round`: one of the timer's) that read `read`
    /// bytes, `busy` the files it read from: the directories of a busy
    /// wake-up go on the timer; a timer quiet for `TIMER_QUIET_AFTER`
    /// puts them all back on notifications.
    #[allow(clippy::too_many_arguments)]
    fn after(
        &mut self,
        round: bool,
        read: u64,
        busy: &[usize],
        woke: Instant,
        tail: &Followed,
        watcher: &Watcher,
        dirty: &mut BTreeMap<usize, bool>,
    ) {
        let Some((watches, _)) = watcher else {
            // Polling: every file is read on the polling timer anyway.
            self.dirs.clear();
            self.due = None;
            return;
        };
        if round {
            if read >= TIMER_BUSY_BYTES {
                self.busy_at = Some(woke);
            }
            if self.busy_at.is_some_and(|at| woke - at >= self.quiet_after) || self.dirs.is_empty()
            {
                for dir in std::mem::take(&mut self.dirs) {
                    Self::notified(watcher, &dir, tail, dirty);
                }
                self.due = None;
                self.busy_at = None;
            } else {
                self.due = Some(woke + COALESCE);
            }
        }
        if read < BUSY_BYTES {
            return;
        }
        // Each directory once (the files of one are mostly read together).
        let mut seen: Vec<&std::path::Path> = Vec::new();
        for &s in busy {
            let Some(dir) = tail.dir_of(s) else { continue };
            if seen.contains(&dir) {
                continue;
            }
            seen.push(dir);
            if self.dirs.iter().any(|d| d == dir)
                || !watches.is_watched(dir)
                || tail.timer_readable(dir, TIMER_READ_MAX).is_none()
            {
                continue;
            }
            let dir = dir.to_path_buf();
            if watches.watch_writes(&dir, false).is_ok() {
                self.dirs.push(dir);
                self.due.get_or_insert(woke + COALESCE);
                self.busy_at = Some(woke);
            }
        }
    }

    /// Directory `dir`'s writes notified again, and its files read once
    /// more: what was written before the watch was back made no event.
    fn notified(
        watcher: &Watcher,
        dir: &std::path::Path,
        tail: &Followed,
        dirty: &mut BTreeMap<usize, bool>,
    ) {
        if let Some((watches, _)) = watcher {
            let _ = watches.watch_writes(dir, true);
        }
        for s in tail.named_in(dir) {
            dirty.entry(s).or_insert(false);
        }
    }
}

/// Watch every directory the inputs and the followed files live in that
/// is not watched yet. A directory that cannot be watched on its own is
/// skipped (the periodic check covers it and tries again); a limit or
/// another failure of inotify itself switches the whole run to polling.
fn rewatch(tail: &Followed, watcher: &mut Watcher, polling: &mut Option<Duration>) {
    let Some((watches, _)) = watcher.as_ref() else {
        return;
    };
    for dir in tail.watch_dirs() {
        if watches.is_watched(&dir) || !dir.is_dir() {
            continue;
        }
        if let Err(e) = watches.watch(&dir) {
            let fallback = Fallback::of(&e);
            if !fallback.polls() {
                continue;
            }
            tail.warn(fallback.note(&e, FALLBACK_POLL));
            *watcher = None;
            *polling = Some(FALLBACK_POLL);
            return;
        }
    }
}
