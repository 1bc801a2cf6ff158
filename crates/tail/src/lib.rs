//! ptail: follow many logs and fan them into one output through a single
//! writer.
//!
//! # Theory of operation
//!
//! * **Inputs** are files (which may not exist yet), globs and directories
//!   ([`inputs`]). Each file becomes a [`follow::Follower`]: its identity,
//!   read position and line framing.
//! * **One loop drives every follower.** Regular files never block a read,
//!   so one thread reads them all: it waits on one channel for wake-ups
//!   (file-system notifications, a signal, a timer) and polls the followers
//!   they concern. Thousands of inputs cost no thread each, and the order in
//!   which one file's lines go out is the order they were read.
//! * **Notifications are hints.** notify watches the parent directories
//!   (not the files: 10,000 files in one directory is one watch); an event
//!   makes the loop read the file to EOF, and create, delete and rename
//!   events also make it check the path's identity. A periodic stat check
//!   (every second, or every `--poll` interval when polling) catches what
//!   events miss; a rotated-away file is read on a short timer until its
//!   grace period ends. When notifications are unavailable or inotify's
//!   limits are hit, ptail says so once, with the sysctl to raise, and
//!   polls.
//! * **A file is its identity (device, inode), not its name.** Every file
//!   a follower holds is registered by identity; when a followed name
//!   turns out to be a file another follower holds (in a followed
//!   directory, `app.log` renamed to `app.log.1`), the follower of the
//!   new name takes the open file over and reads on from where it was.
//! * **Descriptors are a budget.** The soft `RLIMIT_NOFILE` is raised to
//!   the hard one; past it, the least recently read files are parked
//!   (descriptor closed, place kept) and reopened by name on their next
//!   event or check, so any number of inputs is followed under any limit.
//! * **The output is never an input**: `-o FILE` named as an input is
//!   refused; found by a glob or directory, it is left out.
//! * **One writer.** Each poll of a follower becomes one record (whole
//!   lines, formatted: prefix, colour, JSON) sent over workdist's bounded
//!   sink channel. The writer flushes after every record, so lines show up
//!   at once even in a pipe, while a busy file's lines go out in large
//!   writes. A slow consumer blocks the loop (back-pressure), never grows
//!   memory; a closed pipe ends the run with status 0, noticed even while
//!   every input is idle (the loop polls stdout for POLLERR/POLLHUP).

pub mod cli;
pub mod follow;
pub mod inputs;
pub mod merge;
pub mod output;
pub mod time;
pub mod watch;

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use workdist::ExitStatus;
use workdist::sink::{Buffering, Sink, SinkConfig, SinkSender};

use crate::cli::{Cli, FollowMode, Generate, Lines};
use crate::follow::{EventKind, Follower, Id, Out};
use crate::inputs::{Input, InputKind};
use crate::merge::{History, Reorder};
use crate::output::{Format, Source};
use crate::time::Detector;

pub fn main() -> std::process::ExitCode {
    run(std::env::args_os()).into()
}

pub fn run<I, T>(args: I) -> ExitStatus
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli: Cli = match workdist::cli::parse_args(args, "ptail") {
        Ok(cli) => cli,
        Err(status) => return status,
    };
    match execute(&cli) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitStatus::Error
        }
    }
}

pub fn generate(kind: Generate) -> std::io::Result<Vec<u8>> {
    workdist::cli::generate(cli::command(), "ptail", kind)
}

pub fn completion_files() -> [(Generate, String); 5] {
    workdist::cli::completion_files("ptail")
}

/// The periodic identity check when notifications work.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// Output is handed to the writer in batches of about this size (or at the
/// end of a wake-up).
const BATCH: usize = 256 << 10;
/// With notifications, at most this many files are identity-checked per
/// tick, and globs and directories are listed every `DISCOVER_EVERY` ticks
/// once there are more files than that.
const CHECK_BATCH: usize = 1000;
const DISCOVER_EVERY: u64 = 5;
/// How long a chain of renames between followed names is followed in one
/// look (`app.log` -> `app.log.1` -> `app.log.2` ...).
const MOVES_DEEP: u32 = 8;
/// How often draining (rotated-away) files are read.
const DRAIN_EVERY: Duration = Duration::from_millis(50);

struct Tail {
    sources: Vec<Source>,
    followers: Vec<Follower>,
    by_path: HashMap<PathBuf, usize>,
    inputs: Vec<Input>,
    format: Format,
    sink: SinkSender,
    by_name: bool,
    max_line: u64,
    errored: bool,
    until_matched: bool,
    events_to_stderr: bool,
    /// Per follower: timestamp detection (for --merge, --since, --json).
    detectors: Vec<Detector>,
    stamping: bool,
    time_format: Option<time::Fmt>,
    /// Per follower: the year reference of its history (its mtime).
    references: Vec<time::Micros>,
    /// `--merge`: the history being collected, then the live window.
    history: Option<History>,
    reorder: Option<Reorder>,
    /// The history shown at start is done: new lines are live.
    live: bool,
    /// Output not yet handed to the writer.
    pending: Vec<u8>,
    /// Followers with a rotated-away file still being read.
    draining: std::collections::BTreeSet<usize>,
    /// Which follower holds each file (current, parked or draining), and
    /// what each follower registered.
    held: HashMap<Id, usize>,
    registered: Vec<Vec<Id>>,
    scratch_ids: Vec<Id>,
    /// Descriptors the followers hold, per follower and in all, and how
    /// many they may hold (see `fd_budget`).
    fds: Vec<usize>,
    open_fds: usize,
    fd_budget: usize,
    /// When each follower was last read (a counter): the least recently
    /// read are parked first.
    active: Vec<u64>,
    clock: u64,
    /// The `-o` file: never followed.
    exclude: Option<Id>,
    /// An input could not be read (a directory that cannot be listed):
    /// reported, the rest followed, exit status 2 at the end.
    input_error: bool,
    /// Per input: the last listing error reported.
    list_errors: Vec<Option<std::io::ErrorKind>>,
}

fn execute(cli: &Cli) -> anyhow::Result<ExitStatus> {
    if let Some(kind) = cli.generate {
        let mut out = std::io::stdout().lock();
        out.write_all(&generate(kind)?)?;
        out.flush()?;
        return Ok(ExitStatus::Found);
    }
    raise_fd_limit();
    let cwd = std::env::current_dir()?;
    let inputs = inputs::parse(&cli.inputs, &cwd)?;
    let format = Format::new(cli)?;
    let merging = cli.merge || cli.reorder_window.is_some();
    let wants_time = format.wants_time();
    let since = cli
        .since
        .as_deref()
        .map(|s| time::parse_since(s, format.zone(), time::now()))
        .transpose()
        .map_err(anyhow::Error::msg)?;

    // The writer: stdout, or a file opened for appending (never one of
    // the inputs: ptail would read its own output, without end).
    let mut exclude = None;
    let (out, tty): (Box<dyn Write + Send>, bool) = match &cli.output {
        Some(p) => {
            let existed = p.exists();
            let file = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(p)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
            let id = file.metadata().map(|m| identity(&m))?;
            if let Some(input) = inputs.iter().find(|i| {
                i.kind == InputKind::File
                    && std::fs::metadata(&i.path).is_ok_and(|m| identity(&m) == id)
            }) {
                if !existed {
                    let _ = std::fs::remove_file(p);
                }
                anyhow::bail!(
                    "{}: the output file (-o) is also an input; ptail would read what it writes",
                    input.shown(&input.path)
                );
            }
            exclude = Some(id);
            (Box::new(file), false)
        }
        None => (Box::new(std::io::stdout()), std::io::stdout().is_terminal()),
    };
    let format = format.with_color(match cli.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => tty && std::env::var_os("NO_COLOR").is_none(),
    });
    let sink = Sink::spawn(
        out,
        SinkConfig {
            // Records are whole polls (up to a few MiB); a short queue keeps
            // memory bounded when the consumer is slow.
            capacity: 16,
            // Flush after every record: a follower's output must not wait
            // for a buffer to fill, even in a pipe. Records batch the lines.
            buffering: Buffering::Line,
            separator: None,
        },
    );

    let mut tail = Tail {
        sources: Vec::new(),
        followers: Vec::new(),
        by_path: HashMap::new(),
        inputs,
        format,
        sink: sink.sender(),
        by_name: cli.follow == FollowMode::Name,
        max_line: cli.max_line_length,
        errored: false,
        until_matched: false,
        events_to_stderr: !cli.events,
        detectors: Vec::new(),
        stamping: merging || since.is_some() || wants_time,
        time_format: cli.time_format.clone(),
        references: Vec::new(),
        history: merging.then(History::default),
        reorder: cli.reorder_window.map(Reorder::new),
        live: false,
        pending: Vec::new(),
        draining: Default::default(),
        held: HashMap::new(),
        registered: Vec::new(),
        scratch_ids: Vec::new(),
        fds: Vec::new(),
        open_fds: 0,
        fd_budget: fd_budget(),
        active: Vec::new(),
        clock: 0,
        exclude,
        input_error: false,
        list_errors: Vec::new(),
    };
    tail.list_errors = vec![None; tail.inputs.len()];

    // Start: every file that exists now, positioned at its last lines (or
    // its lines since --since).
    let lines = cli.lines.unwrap_or(if since.is_some() {
        Lines::From(1)
    } else {
        Lines::Last(10)
    });
    let (last, from) = match lines {
        Lines::Last(n) => (Some(n), None),
        Lines::From(n) => (None, Some(n)),
    };
    for i in 0..tail.inputs.len() {
        let found = tail.list(i);
        if found.is_empty() && tail.inputs[i].kind == InputKind::File {
            let path = tail.inputs[i].path.clone();
            if cli.no_follow {
                tail.errored = true;
                // The real reason (a symlink loop is no missing file).
                let why = match std::fs::metadata(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => e.to_string(),
                    _ => "No such file or directory".to_string(),
                };
                eprintln!("ptail: {}: {why}", tail.inputs[i].shown(&path));
            } else {
                // Followed until it appears.
                tail.add(path, i);
            }
        }
        for path in found {
            tail.add(path, i);
        }
    }
    tail.assign_labels();
    let started = Instant::now();
    for s in 0..tail.followers.len() {
        let meta = std::fs::metadata(&tail.followers[s].path).ok();
        if let Some(m) = &meta
            && let Ok(t) = m.modified()
        {
            tail.references[s] = time::to_micros(t);
        }
        let at_least = match since {
            Some(t) if meta.as_ref().is_some_and(|m| m.is_file()) => since_offset(
                &tail.followers[s].path,
                t,
                &mut tail.detectors[s],
                tail.format.zone(),
                tail.references[s],
            )
            .unwrap_or(0),
            _ => 0,
        };
        let mut errs = Vec::new();
        let opened = tail.followers[s].open_initial(last, from, at_least, &mut |o| {
            if let Out::Error(e) = o {
                errs.push(e.to_string());
            }
        });
        tail.sync_ids(s);
        for e in errs {
            tail.errored = true;
            eprintln!("ptail: {}: {e}", tail.sources[s].path);
        }
        if !opened && tail.followers[s].take_missing_report() {
            if cli.no_follow {
                tail.errored = true;
                eprintln!("ptail: {}: No such file or directory", tail.sources[s].path);
            } else {
                eprintln!(
                    "ptail: {}: does not exist yet; following it until it does",
                    tail.sources[s].path
                );
            }
        }
        // The whole history now (a poll reads at most a budget): bounded
        // by the size at start, so a fast writer cannot keep us here.
        let mut rounds = meta.map_or(0, |m| m.len() >> 20) + 2;
        while tail.poll(s, false, started) && rounds > 0 && !tail.done() {
            rounds -= 1;
        }
        if tail.done() {
            break;
        }
        tail.within_fd_budget();
    }
    if cli.no_follow && !tail.done() {
        for s in 0..tail.followers.len() {
            tail.finish(s);
        }
    }
    tail.end_history();
    tail.live = true;

    let status = if cli.no_follow || tail.done() {
        drop(tail.sink);
        let output = finish_output(sink);
        if cli.stats {
            print_stats(&tail.sources, &tail.followers);
        }
        output.unwrap_or_else(|| {
            exit_status(
                cli,
                tail.errored || tail.input_error,
                tail.until_matched,
                true,
            )
        })
    } else {
        follow(cli, &mut tail)?;
        for s in 0..tail.followers.len() {
            if tail.done() {
                break;
            }
            tail.finish(s);
        }
        tail.flush_held();
        tail.flush();
        let ended = !tail.until_matched;
        let stats = std::mem::take(&mut tail.followers);
        let sources = std::mem::take(&mut tail.sources);
        let errored = tail.errored;
        let input_error = tail.input_error;
        let matched = tail.until_matched;
        drop(tail);
        let output = finish_output(sink);
        if cli.stats {
            print_stats(&sources, &stats);
        }
        output.unwrap_or_else(|| {
            if input_error && !matched {
                ExitStatus::Error
            } else {
                exit_status(cli, errored, matched, ended)
            }
        })
    };
    Ok(status)
}

/// Wait for the writer. A closed pipe ends the run successfully whatever
/// else happened; a write error (a full disk under `-o`) is an error.
/// `None`: everything was written, the run's own status stands.
fn finish_output(sink: Sink) -> Option<ExitStatus> {
    match sink.finish() {
        Ok(workdist::sink::SinkOutcome::Completed) => None,
        Ok(workdist::sink::SinkOutcome::BrokenPipe) => Some(ExitStatus::Found),
        Err(e) => {
            eprintln!("ptail: cannot write the output: {e}");
            Some(ExitStatus::Error)
        }
    }
}

fn exit_status(cli: &Cli, errored: bool, matched: bool, ended: bool) -> ExitStatus {
    if cli.until.is_some() {
        if matched {
            return ExitStatus::Found;
        }
        if ended {
            return if errored {
                ExitStatus::Error
            } else {
                ExitStatus::NotFound
            };
        }
    }
    if errored && cli.no_follow {
        ExitStatus::Error
    } else {
        ExitStatus::Found
    }
}

/// The follow loop: until a signal, the timeout, the watched process's
/// exit, `--until`, or a closed output.
fn follow(cli: &Cli, tail: &mut Tail) -> anyhow::Result<()> {
    // Signals set `stop` and write to a pipe the loop waits on.
    let stop = Arc::new(AtomicBool::new(false));
    let (sig_read, sig_write) = std::os::unix::net::UnixStream::pair()?;
    sig_read.set_nonblocking(true)?;
    sig_write.set_nonblocking(true)?;
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
        signal_hook::low_level::pipe::register(sig, sig_write.try_clone()?)?;
    }

    // Notifications on the directories, unless polling.
    let mut polling = cli.poll;
    let mut watcher: Option<watch::Watcher> = None;
    if polling.is_none() {
        match watch::Watcher::new() {
            Ok(w) => watcher = Some(w),
            Err(e) => {
                let hint = if e.raw_os_error() == Some(24) {
                    ". Raise it with: sysctl fs.inotify.max_user_instances=1024"
                } else {
                    ""
                };
                eprintln!(
                    "ptail: file-system notifications unavailable ({e}); polling every 250ms{hint}"
                );
                polling = Some(Duration::from_millis(250));
            }
        }
    }
    let rewatch = |tail: &Tail,
                   watcher: &mut Option<watch::Watcher>,
                   polling: &mut Option<Duration>| {
        let Some(w) = watcher.as_mut() else { return };
        for dir in tail.watch_dirs() {
            if w.is_watched(&dir) || !dir.is_dir() {
                continue;
            }
            if let Err(e) = w.watch(&dir) {
                if e.kind() == std::io::ErrorKind::PermissionDenied {
                    // Unreadable (reported as an input error, or a
                    // file's parent): the others stay on notifications;
                    // tried again at the next check.
                    continue;
                }
                if matches!(e.raw_os_error(), Some(28 | 24)) {
                    eprintln!(
                        "ptail: inotify limit reached watching {} ({e}); polling every 250ms instead. Raise it with: sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=1024",
                        dir.display()
                    );
                } else {
                    eprintln!(
                        "ptail: cannot watch {} ({e}); polling every 250ms instead",
                        dir.display()
                    );
                }
                *watcher = None;
                *polling = Some(Duration::from_millis(250));
                return;
            }
        }
    };
    rewatch(tail, &mut watcher, &mut polling);

    let deadline = cli.timeout.map(|t| Instant::now() + t);
    let pid = cli
        .pid
        .and_then(|p| i32::try_from(p).ok())
        .and_then(rustix::process::Pid::from_raw);
    let mut next_check = Instant::now() + polling.unwrap_or(CHECK_EVERY);
    // Everything is read once the watches are in place: what was written
    // between the history and the watches is not left to the next check.
    // (A BTreeMap: one wake-up's files are read in input order.)
    let mut dirty: BTreeMap<usize, bool> = (0..tail.followers.len()).map(|s| (s, true)).collect();
    let mut ticks = 0u64;
    let mut cursor = 0usize;
    // A pipe or socket on stdout: its reader going away (`| head -1`)
    // ends the run even while every input is idle.
    let stdout = std::io::stdout();
    let watch_stdout = cli.output.is_none()
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
            for s in 0..tail.followers.len() {
                tail.poll(s, true, now);
            }
            return Ok(());
        }
        let draining = !tail.draining.is_empty();
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
        if let Some(at) = tail.reorder.as_mut().and_then(Reorder::next_deadline) {
            wait = wait.min(at.saturating_duration_since(now));
        }
        if !dirty.is_empty() {
            wait = Duration::ZERO;
        }
        if !wait.is_zero() {
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
            fds.push(PollFd::new(&sig_read, PollFlags::IN));
            if let Some(w) = &watcher {
                fds.push(PollFd::from_borrowed_fd(w.fd(), PollFlags::IN));
            }
            // EINTR (a signal): `stop` says what to do.
            let _ = poll(&mut fds, Some(&timeout));
            if watch_stdout && fds[0].revents().intersects(PollFlags::ERR | PollFlags::HUP) {
                // Quietly, status 0 (like a broken pipe).
                return Ok(());
            }
        }
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        {
            use std::io::Read;
            let mut drain = [0u8; 64];
            while matches!((&sig_read).read(&mut drain), Ok(n) if n > 0) {}
        }
        let woke = Instant::now();
        let mut rescan = false;
        if let Some(w) = watcher.as_mut() {
            let read = w.read(&mut |change| match change {
                watch::Change::Data(p) => tail.on_change(&p, true, &mut dirty),
                watch::Change::Name(p) => tail.on_change(&p, false, &mut dirty),
                watch::Change::Overflow => rescan = true,
            });
            if let Err(e) = read {
                eprintln!("ptail: notification error ({e}); checking every file");
                rescan = true;
            }
        }
        if rescan || woke >= next_check {
            next_check = woke + polling.unwrap_or(CHECK_EVERY);
            ticks += 1;
            // With notifications working the periodic check is a safety
            // net: for many files it checks a rotating batch per tick and
            // lists globs and directories every few ticks, so 10,000 idle
            // files cost next to nothing. Polling checks everything.
            let n = tail.followers.len();
            let everything = rescan || polling.is_some() || n <= CHECK_BATCH;
            if everything || ticks.is_multiple_of(DISCOVER_EVERY) {
                // New files for globs and directories.
                tail.discover();
                rewatch(tail, &mut watcher, &mut polling);
            }
            let n = tail.followers.len();
            if everything {
                for s in 0..n {
                    dirty.insert(s, true);
                }
            } else {
                for k in 0..CHECK_BATCH.min(n) {
                    dirty.insert((cursor + k) % n, true);
                }
                cursor = (cursor + CHECK_BATCH) % n.max(1);
            }
        } else if draining {
            for &s in &tail.draining {
                dirty.entry(s).or_insert(false);
            }
        }
        let work = std::mem::take(&mut dirty);
        for (s, check) in work {
            if tail.poll(s, check, woke) {
                dirty.insert(s, false); // budget ran out: more to read
            }
            if tail.done() {
                return Ok(());
            }
            tail.within_fd_budget();
        }
        tail.release(Instant::now());
        tail.flush();
    }
}

impl Tail {
    fn add(&mut self, path: PathBuf, input: usize) -> Option<usize> {
        if self.by_path.contains_key(&path) {
            return None;
        }
        if self.exclude.is_some()
            && std::fs::metadata(&path).is_ok_and(|m| Some(identity(&m)) == self.exclude)
        {
            return None; // our own output, found by a glob or directory
        }
        let i = self.followers.len();
        let shown = self.inputs[input].shown(&path);
        self.sources.push(Source {
            label: String::new(),
            path: shown,
            input,
            prefix: Vec::new(),
        });
        let follower = Follower::new(path.clone(), self.by_name, self.max_line);
        self.followers
            .push(if self.inputs[input].kind == InputKind::File {
                follower
            } else {
                follower.skipping_binary()
            });
        self.registered.push(Vec::new());
        self.fds.push(0);
        self.active.push(0);
        self.detectors.push(Detector::new(self.time_format.clone()));
        self.references.push(time::now());
        self.by_path.insert(path, i);
        Some(i)
    }

    /// Labels: the input's own, else the file name, else (names that
    /// collide, or `--prefix path`) the path.
    fn assign_labels(&mut self) {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for (s, f) in self.sources.iter().zip(&self.followers) {
            let name = self.inputs[s.input].label_for(&f.path, &s.path, self.format.path_labels());
            *counts.entry(name).or_default() += 1;
        }
        for (s, f) in self.sources.iter_mut().zip(&self.followers) {
            let name = self.inputs[s.input].label_for(&f.path, &s.path, self.format.path_labels());
            s.label = if counts.get(&name).copied().unwrap_or(0) > 1
                && self.inputs[s.input].label.is_none()
            {
                s.path.clone()
            } else {
                name
            };
        }
        self.format.set_width(
            self.sources
                .iter()
                .map(|s| s.label.chars().count())
                .max()
                .unwrap_or(0),
        );
        for s in 0..self.sources.len() {
            self.sources[s].prefix = Vec::new();
            self.sources[s].prefix = self.format.line_prefix(&self.sources[s]);
        }
    }

    fn watch_dirs(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        for input in &self.inputs {
            dirs.extend(input.watch_dirs());
        }
        for f in &self.followers {
            if let Some(p) = f.path.parent() {
                dirs.push(p.to_path_buf());
            }
        }
        dirs.sort();
        dirs.dedup();
        dirs
    }

    /// Files that globs and directories now match and are not followed.
    fn discover(&mut self) {
        let mut added = false;
        for i in 0..self.inputs.len() {
            if self.inputs[i].kind == InputKind::File {
                continue;
            }
            for path in self.list(i) {
                added |= self.add(path, i).is_some();
            }
        }
        if added {
            self.assign_labels();
        }
    }

    /// A notification about `p`: `data_only` when only its content
    /// changed.
    fn on_change(&mut self, p: &Path, data_only: bool, dirty: &mut BTreeMap<usize, bool>) {
        if let Some(&s) = self.by_path.get(p) {
            let check = !data_only || !self.followers[s].is_open();
            let e = dirty.entry(s).or_insert(check);
            *e |= check;
        } else if !data_only {
            // A new file in a watched directory: a glob or directory input
            // may want it.
            let before = self.followers.len();
            for i in 0..self.inputs.len() {
                if self.inputs[i].matches_new(p) {
                    self.add(p.to_path_buf(), i);
                    break;
                }
            }
            if self.followers.len() > before {
                self.assign_labels();
                for s in before..self.followers.len() {
                    dirty.insert(s, true);
                }
            }
        }
        // Something happened in a directory: its rotated-away files may
        // have new lines too.
        if !self.draining.is_empty()
            && let Some(dir) = p.parent()
        {
            for &s in &self.draining {
                if self.followers[s].path.parent() == Some(dir) {
                    dirty.entry(s).or_insert(false);
                }
            }
        }
    }

    /// The files input `i` names now. A directory (or a glob's base)
    /// that cannot be listed is reported once with its path (again if
    /// the reason changes), and is an input error.
    fn list(&mut self, i: usize) -> Vec<PathBuf> {
        match self.inputs[i].expand() {
            Ok(found) => {
                self.list_errors[i] = None;
                found
            }
            Err(e) => {
                if self.list_errors[i] != Some(e.kind()) {
                    self.list_errors[i] = Some(e.kind());
                    self.input_error = true;
                    let input = &self.inputs[i];
                    eprintln!("ptail: {}: {e}", input.shown(&input.path));
                }
                Vec::new()
            }
        }
    }

    /// Poll one follower and send what it read as one record. Returns
    /// whether it has more to read.
    fn poll(&mut self, s: usize, check: bool, woke: Instant) -> bool {
        self.poll_at(s, check, woke, 0)
    }

    /// `poll`, `depth` hand-overs deep (renames can form chains, and
    /// cycles: a swap).
    fn poll_at(&mut self, s: usize, check: bool, woke: Instant, depth: u32) -> bool {
        if check && self.by_name && depth < MOVES_DEEP {
            self.take_over_moved(s, woke, depth);
        }
        // The check opens what the path names now: if that is a file
        // another follower holds (renamed here since the look above), it
        // is taken over, never read from its start.
        let held = std::mem::take(&mut self.held);
        let more = self.read(s, woke, |f, emit| {
            f.poll_guarded(check, &|id| held.contains_key(&id), emit)
        });
        self.held = held;
        self.sync_ids(s);
        if self.followers[s].take_moved_here().is_some() && depth < MOVES_DEEP {
            self.take_over_moved(s, woke, depth + 1);
        }
        more
    }

    /// Follower `s`'s path may now name a file another follower holds
    /// (renamed from that one's name to this one's): `s` takes the open
    /// file over and reads on from where it was, so nothing is read
    /// twice. If the holder has not seen its file go yet, it looks first
    /// (reading what was written before the rename, under its name).
    fn take_over_moved(&mut self, s: usize, woke: Instant, depth: u32) {
        let Ok(meta) = std::fs::metadata(&self.followers[s].path) else {
            return;
        };
        let id = identity(&meta);
        if !meta.is_file() || self.followers[s].current_id() == Some(id) {
            return;
        }
        let Some(&x) = self.held.get(&id) else { return };
        if x != s && self.followers[x].current_id() == Some(id) {
            self.poll_at(x, true, woke, depth + 1);
        }
        let Some(held) = self.followers[x].take_retiring(id) else {
            return; // still at its name too (a hard link): leave it
        };
        self.sync_ids(x);
        // Taken over and read on at once: what the logger wrote to it
        // after the rename waits for no other event.
        self.read(s, woke, |f, emit| {
            f.adopt(held, emit);
            f.poll(false, emit)
        });
        self.sync_ids(s);
    }

    /// Record what follower `s` holds now: its files by identity, its
    /// descriptors.
    fn sync_ids(&mut self, s: usize) {
        // Called after every read: no allocation when nothing changed.
        let mut ids = std::mem::take(&mut self.scratch_ids);
        self.followers[s].ids_into(&mut ids);
        if ids != self.registered[s] {
            for &id in &self.registered[s] {
                if !ids.contains(&id) && self.held.get(&id) == Some(&s) {
                    self.held.remove(&id);
                }
            }
            for &id in &ids {
                self.held.insert(id, s);
            }
            std::mem::swap(&mut self.registered[s], &mut ids);
        }
        self.scratch_ids = ids;
        let n = self.followers[s].open_count();
        self.open_fds = self.open_fds + n - self.fds[s];
        self.fds[s] = n;
    }

    /// Over the descriptor budget: park the least recently read files
    /// (down to three quarters of it, so that this is rare).
    fn within_fd_budget(&mut self) {
        if self.open_fds <= self.fd_budget {
            return;
        }
        let mut open: Vec<(u64, usize)> = (0..self.followers.len())
            .filter(|&s| self.fds[s] > 0 && !self.followers[s].draining())
            .map(|s| (self.active[s], s))
            .collect();
        open.sort_unstable();
        let target = self.fd_budget * 3 / 4;
        for (_, s) in open {
            if self.open_fds <= target {
                break;
            }
            if self.followers[s].park() {
                self.sync_ids(s);
            }
        }
    }

    /// The last of a follower at exit: its partial line, marked.
    fn finish(&mut self, s: usize) {
        self.read(s, Instant::now(), |f, emit| {
            f.finish(emit);
            false
        });
        self.sync_ids(s);
    }

    /// Run `step` on follower `s` and deal with what it produces: lines
    /// formatted into one record for the writer, or (merging) into the
    /// history or the reorder window; events and errors. The caller then
    /// records what the follower holds (`sync_ids`).
    fn read(
        &mut self,
        s: usize,
        woke: Instant,
        step: impl FnOnce(&mut Follower, &mut dyn FnMut(Out)) -> bool,
    ) -> bool {
        // Output goes straight into the pending batch (no second copy).
        let mut rec = std::mem::take(&mut self.pending);
        let before = rec.len();
        let mut released = Vec::new();
        let mut events = Vec::new();
        let mut errors = Vec::new();
        let Tail {
            sources,
            followers,
            detectors,
            format,
            history,
            reorder,
            references,
            ..
        } = self;
        let stamping = self.stamping;
        let src = &sources[s];
        let format = &*format;
        let det = &mut detectors[s];
        let reference = if self.live {
            time::now()
        } else {
            references[s]
        };
        let raw = format.raw() && !stamping;
        let prefix_only =
            format.prefix_only() && !stamping && history.is_none() && reorder.is_none();
        let events_inline = !self.events_to_stderr;
        let mut matched = self.until_matched;
        let mut line =
            |rec: &mut Vec<u8>, det: &mut Detector, body: &[u8], offset: u64, sep: char| -> bool {
                let time = if stamping {
                    det.stamp(format.zone(), body, reference)
                } else {
                    None
                };
                if history.is_none() && reorder.is_none() {
                    return format.line(rec, src, body, offset, sep, time);
                }
                // Merging: the line is held as part of a record, and
                // `--until` is decided when the record is written.
                let mut bytes = Vec::new();
                let until = format.line(&mut bytes, src, body, offset, sep, time);
                if let Some(h) = history.as_mut() {
                    h.push(s, time, bytes, until);
                } else if let Some(r) = reorder.as_mut() {
                    r.push(s, time, bytes, until, woke, &mut released);
                }
                false
            };
        self.clock += 1;
        self.active[s] = self.clock;
        let more = step(&mut followers[s], &mut |o| {
            if matched {
                return;
            }
            match o {
                Out::Lines { data, offset } if raw => {
                    let _ = offset;
                    rec.extend_from_slice(data);
                }
                Out::Lines { data, .. } if prefix_only => {
                    let prefix = &src.prefix;
                    let mut start = 0;
                    for nl in memchr::memchr_iter(b'\n', data) {
                        rec.extend_from_slice(prefix);
                        rec.extend_from_slice(&data[start..=nl]);
                        start = nl + 1;
                    }
                }
                Out::Lines { data, offset } => {
                    if stamping {
                        det.train(data);
                    }
                    let mut start = 0;
                    for nl in memchr::memchr_iter(b'\n', data) {
                        let body = &data[start..nl];
                        if line(&mut rec, det, body, offset + start as u64, '|') {
                            matched = true;
                            return;
                        }
                        start = nl + 1;
                    }
                }
                Out::Piece {
                    data,
                    offset,
                    partial,
                } => {
                    matched = line(&mut rec, det, data, offset, if partial { '~' } else { '+' });
                }
                Out::Event(kind) => {
                    if events_inline {
                        format.event(&mut rec, src, kind);
                    } else {
                        events.push(kind);
                    }
                }
                Out::Error(e) => errors.push(e),
            }
        });
        self.until_matched = matched;
        if self.followers[s].draining() {
            self.draining.insert(s);
        } else {
            self.draining.remove(&s);
        }
        self.emit_side(s, &events, &errors);
        let wrote = rec.len() > before;
        self.pending = rec;
        if wrote {
            self.followers[s].note_lag(woke.elapsed());
            if self.pending.len() >= BATCH {
                self.flush();
            }
        }
        if !released.is_empty() {
            self.followers[s].note_lag(woke.elapsed());
            self.send_records(released);
        }
        more
    }

    /// Output for the writer. It goes out in batches: at the end of each
    /// wake-up (so every file read in one wake-up is one write), or when a
    /// batch is full. A failed send means the writer stopped (closed pipe
    /// or write error): `done` sees it, and `finish_output` says which.
    fn out(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let _ = self.sink.send(std::mem::take(&mut self.pending));
        }
    }

    /// Merged records to the writer, in order, up to one `--until`
    /// matched.
    fn send_records(&mut self, records: Vec<merge::Record>) {
        for r in records {
            if self.until_matched {
                break;
            }
            self.out(&r.bytes);
            self.until_matched = r.until;
        }
    }

    /// The history read at start, sorted (`--merge`); from now on lines
    /// are live.
    fn end_history(&mut self) {
        let Some(h) = self.history.take() else {
            self.flush();
            return;
        };
        for (s, d) in self.detectors.iter().enumerate() {
            if !d.found_any() && self.followers[s].stats.lines > 0 {
                eprintln!(
                    "ptail: {}: no timestamps recognised; its lines are merged first, in file order (see --time-format)",
                    self.sources[s].path
                );
            }
        }
        self.send_records(h.sorted());
        self.flush();
    }

    /// Live records whose reorder window is over.
    fn release(&mut self, now: Instant) {
        let mut out = Vec::new();
        if let Some(r) = self.reorder.as_mut() {
            r.release(now, &mut out);
        }
        if !out.is_empty() {
            self.send_records(out);
        }
    }

    /// Everything still held, at exit.
    fn flush_held(&mut self) {
        let mut out = Vec::new();
        if let Some(r) = self.reorder.as_mut() {
            r.flush(&mut out);
        }
        self.send_records(out);
    }

    fn emit_side(&mut self, s: usize, events: &[EventKind], errors: &[std::io::Error]) {
        for e in events {
            eprintln!("ptail: {}: {}", self.sources[s].path, e.as_str());
        }
        for e in errors {
            self.errored = true;
            eprintln!("ptail: {}: {e}", self.sources[s].path);
        }
    }

    fn done(&self) -> bool {
        self.until_matched || self.sink.is_closed()
    }
}

fn print_stats(sources: &[Source], followers: &[Follower]) {
    let width = sources
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    eprintln!(
        "{:<width$}  {:>10}  {:>12}  {:>9}  {:>11}  {:>11}",
        "source", "lines", "bytes", "rotations", "truncations", "longest lag"
    );
    for (s, f) in sources.iter().zip(followers) {
        eprintln!(
            "{:<width$}  {:>10}  {:>12}  {:>9}  {:>11}  {:>8.3} ms",
            s.label,
            f.stats.lines,
            f.stats.bytes,
            f.stats.rotations,
            f.stats.truncations,
            f.stats.longest_lag.as_secs_f64() * 1000.0
        );
    }
}

/// (device, inode).
fn identity(m: &std::fs::Metadata) -> Id {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

/// How many descriptors the followers may hold: the soft limit (raised
/// at start) less a reserve for everything else (stdio, inotify, the
/// signal pipe, `-o`, time-zone files).
fn fd_budget() -> usize {
    let lim = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    let soft = lim.current.unwrap_or(1 << 20).min(1 << 20) as usize;
    soft.saturating_sub(64).max(8)
}

/// Following many files keeps one descriptor open per file: raise the soft
/// limit to the hard one.
fn raise_fd_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut lim = getrlimit(Resource::Nofile);
    if lim.current < lim.maximum {
        lim.current = lim.maximum;
        let _ = setrlimit(Resource::Nofile, lim);
    }
}

/// `--since`: the offset of the first line stamped at or after `since`
/// (the end if there is none). The lines read train the detector.
fn since_offset(
    path: &Path,
    since: time::Micros,
    det: &mut Detector,
    zone: &time::Zone,
    reference: time::Micros,
) -> std::io::Result<u64> {
    use std::io::BufRead;
    let mut r = std::io::BufReader::with_capacity(256 << 10, std::fs::File::open(path)?);
    let mut line = Vec::new();
    let mut at = 0u64;
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line)?;
        if n == 0 || !line.ends_with(b"\n") {
            return Ok(at);
        }
        if det
            .stamp(zone, &line[..n - 1], reference)
            .is_some_and(|t| t >= since)
        {
            return Ok(at);
        }
        at += n as u64;
    }
}

/// A path as shown.
pub fn shown(cwd: &Path, p: &Path) -> String {
    p.strip_prefix(cwd).unwrap_or(p).display().to_string()
}
