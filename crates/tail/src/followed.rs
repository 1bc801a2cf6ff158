//! Every followed file, and what is read from it: the state of a run.
//!
//! [`Followed`] holds one [`Follower`] per file with how it is shown
//! ([`Source`]), its timestamp detector, and the registries the rules of
//! the crate need: which follower holds each file by identity (so a file
//! renamed from one followed name to another is taken over, never read
//! twice), how many descriptors are open against the budget (the least
//! recently read are parked past it), which followers are draining a
//! rotated-away file, and which listing errors were already reported.
//!
//! Reading a follower ([`Followed::poll`]) formats what it produced
//! straight into one pending batch for the single writer (or, with
//! `--merge`, into the history or the reorder window), handed over at the
//! end of each wake-up or when the batch is full. Per-file errors and
//! status events go to the diagnostics on stderr. The start of a run
//! (every input's history) is [`Followed::start`]; the loop that keeps
//! reading afterwards is [`crate::follow_loop`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use workdist::Diagnostics;

use crate::config::{Config, Start};
use crate::follow::{EventKind, Follower, Framing, Id, Mark, Out, Rearmed, identity};
use crate::inputs::{self, Input, InputKind};
use crate::merge::{self, History, Reorder};
use crate::output::{Format, Source};
use crate::records::{Judged, Records};
use crate::state::{self, Loaded, PlanStart, Tracker};
use crate::time::{self, Detector};
use crate::writer::Writer;

/// Output is handed to the writer in batches of about this size (or at the
/// end of a wake-up).
const BATCH: usize = 256 << 10;
/// How long a chain of renames between followed names is followed in one
/// look (`app.log` -> `app.log.1` -> `app.log.2` ...).
const MOVES_DEEP: u32 = 8;

/// The state of a run: see the module comment.
pub struct Followed {
    sources: Vec<Source>,
    followers: Vec<Follower>,
    /// The followers by path: their indices, sorted by their paths (4
    /// bytes a file rather than a hash table's 24 and its spare room).
    by_path: Vec<u32>,
    /// What was named; after [`Followed::start`] only the inputs that
    /// are not plain files ([`Input::is_plain_file`]).
    inputs: Vec<Input>,
    format: Format,
    writer: Writer,
    by_name: bool,
    /// `--max-line-length`, and `--stats` counting lines (see
    /// [`crate::follow::Stats`]): the same for every follower.
    framing: Framing,
    /// Per-file errors and warnings; whether any error was reported.
    diag: Diagnostics,
    until_matched: bool,
    events_to_stderr: bool,
    /// Per follower when `stamping`: timestamp detection (for --merge,
    /// --since, --json, records).
    detectors: Vec<Detector>,
    stamping: bool,
    time_format: Option<time::Fmt>,
    /// Per follower when `stamping`: the year reference of its history
    /// (its mtime).
    references: Vec<time::Micros>,
    /// `--merge`: the history being collected, then the live window.
    history: Option<History>,
    reorder: Option<Reorder>,
    /// `-e`/`-x` on whole records: each file's open record.
    records: Option<Records>,
    /// The history shown at start is done: new lines are live.
    live: bool,
    /// Output not yet handed to the writer.
    pending: Vec<u8>,
    /// Followers with a rotated-away file still being read.
    draining: BTreeSet<usize>,
    /// Followers whose current file is a stream (a FIFO, a device): the
    /// follow loop waits on their descriptors. Only these: 10,000 regular
    /// files add nothing to what it waits on.
    streams: BTreeSet<usize>,
    /// The followers whose stream ended for good (an anonymous pipe
    /// without writers: [`Rearmed::Ended`]).
    ended: BTreeSet<usize>,
    /// Which follower holds each file (current, parked or draining), and
    /// what each follower registered.
    held: HeldBy,
    registered: Vec<Registered>,
    scratch_ids: Vec<Id>,
    /// Descriptors the followers hold, per follower and in all, and how
    /// many they may hold (see `fd_budget`).
    fds: Vec<u32>,
    open_fds: usize,
    /// Descriptors the `--state` plan holds for followers not started
    /// yet (see `state::plan`).
    plan_fds: usize,
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
    /// `--state`: what is written, saved; the state found at start.
    state: Option<Tracker>,
    prior: Option<Loaded>,
    /// `--state` with `--until` (not merging): where the matching
    /// follower stopped is pinned.
    pin_until: bool,
    /// Whole lines are spliced from the files to the output pipe (see
    /// [`crate::writer`]): the output is the lines as they are, nothing
    /// counts them and no state records them.
    splice: bool,
    /// `--state` with record filters: followers pinned at the start of
    /// the record they hold unjudged (by its sequence number), whose
    /// lines are not written yet.
    record_pins: HashMap<usize, u64>,
    /// `--state` with `--merge` and `--until`: per follower, where the
    /// first merged record left unwritten starts.
    unsent_at: HashMap<usize, u64>,
}

/// Where the follower of path `p` is in `by_path` (sorted by path), or
/// where it would go.
fn find_path(by_path: &[u32], followers: &[Follower], p: &Path) -> Result<usize, usize> {
    // By bytes, not `Path`'s component by component (a tenth of ptail's
    // time at 64 busy files: one look-up per inotify event). The same
    // thing here: every path is absolute and made of components (inputs
    // by `lexical_join`, the rest by joining a name to one of them).
    let p = p.as_os_str().as_bytes();
    by_path.binary_search_by(|&i| followers[i as usize].path.as_os_str().as_bytes().cmp(p))
}

/// The bytes every path under `dir` starts with: `dir` and a slash (one:
/// `/` is its own).
fn dir_prefix(dir: &Path) -> Vec<u8> {
    let mut prefix = dir.as_os_str().as_bytes().to_vec();
    if prefix.last() != Some(&b'/') {
        prefix.push(b'/');
    }
    prefix
}

/// Whether `path` is under the directory whose [`dir_prefix`] is
/// `prefix` (`None`: not), directly in it (`Some(true)`) or below.
fn directly_in(path: &[u8], prefix: &[u8]) -> Option<bool> {
    let name = path.strip_prefix(prefix)?;
    Some(!name.is_empty() && !name.contains(&b'/'))
}

/// The files one follower registered in `held`: almost always one, kept
/// inline (10,000 followers would otherwise be 10,000 small vectors),
/// its device in 32 bits (Linux's are) so that it is 16 bytes, not 24.
#[allow(
    clippy::box_collection,
    reason = "one word, so that the inline identity fits beside the tag"
)]
enum Registered {
    None,
    One(u32, u64),
    Many(Box<Vec<Id>>),
}

impl Registered {
    fn of(ids: &[Id]) -> Registered {
        match ids {
            [] => Registered::None,
            [(dev, ino)] => match u32::try_from(*dev) {
                Ok(dev) => Registered::One(dev, *ino),
                Err(_) => Registered::Many(Box::new(ids.to_vec())),
            },
            _ => Registered::Many(Box::new(ids.to_vec())),
        }
    }

    fn ids(&self) -> &[Id] {
        match self {
            Registered::None | Registered::One(..) => &[],
            Registered::Many(ids) => ids,
        }
    }

    fn one(&self) -> Option<Id> {
        match *self {
            Registered::One(dev, ino) => Some((u64::from(dev), ino)),
            _ => None,
        }
    }

    /// Every file registered.
    fn iter(&self) -> impl Iterator<Item = Id> + '_ {
        self.one().into_iter().chain(self.ids().iter().copied())
    }

    fn is(&self, ids: &[Id]) -> bool {
        match self.one() {
            Some(id) => ids == [id],
            None => self.ids() == ids,
        }
    }
}

/// Which follower holds each file (by identity): its device in 32 bits
/// (Linux's are) and the follower's index in 32, so that an entry is 16
/// bytes, not 24 (10,000 files). A wider device goes in a table of its
/// own, which is otherwise empty.
#[derive(Default)]
struct HeldBy {
    narrow: HashMap<(u32, [u32; 2]), u32>,
    wide: HashMap<Id, u32>,
}

impl HeldBy {
    fn narrow((dev, ino): Id) -> Option<(u32, [u32; 2])> {
        // The inode as two halves: an entry aligned to 4, not 8.
        let ino = [ino as u32, (ino >> 32) as u32];
        u32::try_from(dev).ok().map(|dev| (dev, ino))
    }

    fn get(&self, id: Id) -> Option<usize> {
        match Self::narrow(id) {
            Some(k) => self.narrow.get(&k),
            None => self.wide.get(&id),
        }
        .map(|&s| s as usize)
    }

    fn contains(&self, id: Id) -> bool {
        self.get(id).is_some()
    }

    fn insert(&mut self, id: Id, s: usize) {
        let s = s as u32; // fewer than 2^32 followers, as in `by_path`
        match Self::narrow(id) {
            Some(k) => self.narrow.insert(k, s),
            None => self.wide.insert(id, s),
        };
    }

    fn remove(&mut self, id: Id) {
        match Self::narrow(id) {
            Some(k) => self.narrow.remove(&k),
            None => self.wide.remove(&id),
        };
    }

    fn reserve(&mut self, n: usize) {
        self.narrow.reserve(n);
    }
}

impl Followed {
    /// Nothing followed yet: [`Followed::start`] adds the files of
    /// `inputs`. `exclude` is the `-o` file.
    pub fn new(
        config: &Config,
        inputs: Vec<Input>,
        format: Format,
        writer: Writer,
        exclude: Option<Id>,
    ) -> Followed {
        let list_errors = vec![None; inputs.len()];
        let (include, any_exclude) = format.filters();
        let stamping =
            config.merge || config.since.is_some() || format.wants_time() || config.records;
        let splice = writer.can_splice() && format.raw() && !stamping && !config.stats;
        Followed {
            sources: Vec::new(),
            followers: Vec::new(),
            by_path: Vec::new(),
            inputs,
            stamping,
            format,
            writer,
            by_name: config.by_name,
            framing: Framing::new(config.max_line, config.stats),
            diag: Diagnostics::new("ptail", false),
            until_matched: false,
            events_to_stderr: !config.events_inline,
            detectors: Vec::new(),
            time_format: config.time_format.clone(),
            references: Vec::new(),
            history: config.merge.then(History::default),
            reorder: config.reorder_window.map(Reorder::new),
            records: config
                .records
                .then(|| Records::new(include, any_exclude, config.record_wait)),
            live: false,
            pending: Vec::new(),
            draining: BTreeSet::new(),
            streams: BTreeSet::new(),
            ended: BTreeSet::new(),
            held: HeldBy::default(),
            registered: Vec::new(),
            scratch_ids: Vec::new(),
            fds: Vec::new(),
            open_fds: 0,
            plan_fds: 0,
            fd_budget: fd_budget(),
            active: Vec::new(),
            clock: 0,
            exclude,
            input_error: false,
            list_errors,
            state: None,
            prior: None,
            pin_until: false,
            splice,
            record_pins: HashMap::new(),
            unsent_at: HashMap::new(),
        }
    }

    /// `--state`: record what is written with `tracker`, and start from
    /// `prior`, the state found (see [`crate::state`]).
    pub fn set_state(&mut self, config: &Config, tracker: Tracker, prior: Loaded) {
        // Before any follower exists (`start`): the state counts what the
        // writer writes, and spliced lines bypass it.
        self.splice = false;
        self.pin_until = config.until.is_some() && !config.merge;
        self.state = Some(tracker);
        self.prior = Some(prior);
    }

    /// How each follower starts with a saved state, and in which order;
    /// `None` without `--state` or on a first run.
    fn plans(&mut self) -> Option<(Vec<state::Plan>, Vec<usize>)> {
        let n = self.followers.len();
        if let Some(t) = self.state.as_mut() {
            let paths: Vec<&Path> = self.followers.iter().map(|f| &*f.path).collect();
            t.account(&paths);
        }
        match self.prior.take()? {
            Loaded::None => None,
            Loaded::Bad(why) => {
                let path = self.state.as_ref().map(|t| t.path().display().to_string());
                self.diag.warn(format_args!(
                    "{}: {why}; starting from the end of each file",
                    path.unwrap_or_default()
                ));
                let plans = (0..n)
                    .map(|_| state::Plan {
                        rotated: Vec::new(),
                        told: false,
                        file: None,
                        start: PlanStart::End,
                        record: None,
                    })
                    .collect();
                Some((plans, (0..n).collect()))
            }
            Loaded::Saved(saved) => {
                let paths: Vec<(&Path, bool)> = self
                    .followers
                    .iter()
                    .zip(&self.sources)
                    .map(|(f, src)| {
                        let listed = src
                            .input()
                            .is_some_and(|i| self.inputs[i].kind != InputKind::File);
                        (&*f.path, listed)
                    })
                    .collect();
                // The plan holds a quarter of the budget at most, counted
                // (`plan_fds`) until the followers take its files.
                let (plans, order, warnings, rest) = state::plan(saved, &paths, self.fd_budget / 4);
                self.plan_fds = plans
                    .iter()
                    .map(|p| {
                        usize::from(p.file.is_some())
                            + p.rotated.iter().filter(|r| r.1.is_some()).count()
                    })
                    .sum();
                for (s, w) in warnings {
                    self.diag
                        .warn(format_args!("{}: {w}", self.sources[s].path()));
                }
                if let Some(t) = self.state.as_mut() {
                    t.carry(rest);
                }
                Some((plans, order))
            }
        }
    }

    /// The start of a run: every input's files now (a named file that
    /// does not exist yet is followed until it does, unless not following),
    /// each positioned at its last lines, its lines from `-n +N` or since
    /// `--since`, and that history written (sorted first with `--merge`).
    /// Without following, each file's last partial line too. Afterwards
    /// lines are live.
    pub fn start(&mut self, config: &Config) {
        let (last, from) = match config.start {
            Start::Last(n) => (Some(n), None),
            Start::From(n) => (None, Some(n)),
        };
        self.reserve(self.inputs.len());
        for i in 0..self.inputs.len() {
            let found = self.list(i);
            // Sized once: 10,000 files grow no table by doubling (room
            // is reserved past the length, not past the one reserved
            // above).
            self.reserve(found.len());
            if found.is_empty() && self.inputs[i].kind == InputKind::File {
                let path = self.inputs[i].path.clone();
                if !config.follow {
                    // The real reason (a symlink loop is no missing file).
                    let why = match std::fs::metadata(&path) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => e.to_string(),
                        _ => "No such file or directory".to_string(),
                    };
                    let shown = self.inputs[i].shown(&path);
                    self.diag.error_at(Path::new(&*shown), why);
                } else {
                    // Followed until it appears.
                    self.add(path, i);
                }
            }
            for path in found {
                self.add(path, i);
            }
        }
        self.drop_plain_inputs();
        // The batch sized once, now: it takes the room the inputs left
        // rather than doubling its way up at the top of the heap.
        self.pending.reserve(BATCH);
        self.assign_labels();
        let started = Instant::now();
        // Record filters judge a file's open record at the end of the
        // history shown at start, except when following with --state
        // (and not --merge, whose history is sorted once, at its end):
        // a resumed run's history is only what was written while ptail
        // was down, and its end is no end of a record (a trace being
        // written goes on). So with --state, every file's open record,
        // resumed or new, is judged by the usual rules: its file's next
        // timestamped line, an event, --record-wait, the exit.
        let judge_history = !config.follow || self.state.is_none() || config.merge;
        let (mut plans, order) = match self.plans() {
            Some((p, o)) => (Some(p), o),
            None => (None, (0..self.followers.len()).collect()),
        };
        for s in order {
            let mut plan = plans
                .as_mut()
                .map(|p| std::mem::take(&mut p[s]))
                .unwrap_or_default();
            // Its files are the follower's now (see `within_fd_budget`).
            self.plan_fds -= usize::from(plan.file.is_some())
                + plan.rotated.iter().filter(|r| r.1.is_some()).count();
            // Opened once: the file judged (by `--state`'s plan, by
            // `--since`'s search) is the file read, even if a rotation
            // moves the name on meanwhile. (None: opened, and an error
            // said, as usual.)
            let file = plan
                .file
                .take()
                .or_else(|| crate::follow::open_for_reading(&self.followers[s].path).ok());
            let meta = match &file {
                Some(f) => f.metadata().ok(),
                None => std::fs::metadata(&self.followers[s].path).ok(),
            };
            if let Some(m) = &meta
                && let Ok(t) = m.modified()
                && let Some(r) = self.references.get_mut(s)
            {
                *r = time::to_micros(t);
            }
            let (last, from) = match plan.start {
                PlanStart::Fresh => (last, from),
                PlanStart::End => (Some(0), None),
                PlanStart::Resume(_) => (None, None),
                PlanStart::Truncated | PlanStart::New => (None, Some(1)),
            };
            // With record filters: the file (at most one) whose saved
            // offset stands inside a judged record, and its verdict (see
            // `Records::resume`). The files drained before it were read
            // to their end.
            let mut resumed: Option<(Id, u64, Judged)> = None;
            let rotated = !plan.rotated.is_empty() && !plan.told;
            for (q, file, e) in plan.rotated.drain(..) {
                let Some(file) = file.or_else(|| crate::follow::open_for_reading(&q).ok()) else {
                    continue;
                };
                if self.followers[s].resume_rotated(file, e.id, e.fp, e.offset)
                    && let Some(j) = e.record
                {
                    resumed.get_or_insert((e.id, e.offset, j));
                }
            }
            // A file the state knows resumes where it was: no --since.
            let since = match (config.since, &file) {
                (Some(t), Some(f))
                    if plan.start == PlanStart::Fresh
                        && meta.as_ref().is_some_and(|m| m.is_file()) =>
                {
                    time::since_start(
                        f,
                        t,
                        &mut self.detectors[s],
                        self.format.zone(),
                        self.references.get(s).copied().unwrap_or_else(time::now),
                    )
                    .ok()
                }
                _ => None,
            };
            if since.is_some_and(|x| x.fell_back) {
                self.diag.warn(format_args!(
                    "{}: {}",
                    self.sources[s].path(),
                    time::SinceStart::FELL_BACK
                ));
            }
            let at_least = match plan.start {
                PlanStart::Resume(at) => at,
                PlanStart::Fresh => since.map_or(0, |x| x.offset),
                _ => 0,
            };
            let mut errs: Vec<String> = Vec::new();
            let opened = self.followers[s].open_planned(file, last, from, at_least, &mut |o| {
                if let Out::Error(e) = o {
                    errs.push(e.to_string());
                }
            });
            if since.is_some_and(|x| x.skip_line) {
                self.followers[s].skip_line_at(at_least);
            }
            if let (PlanStart::Resume(at), Some(j), None) = (plan.start, plan.record, resumed) {
                let mut marks = Vec::new();
                self.followers[s].marks_into(&mut marks);
                if let Some(m) = marks.last().filter(|m| m.offset == at) {
                    resumed = Some((m.id, at, j));
                }
            }
            if self.records.is_none() {
                resumed = None;
            }
            self.sync_ids(s);
            if let Some(t) = self.state.as_mut() {
                t.started(s, &self.followers[s], resumed);
            }
            for e in errs {
                self.diag.error_at(Path::new(self.sources[s].path()), e);
            }
            // Said once, as when following: what happened while ptail
            // was down.
            let happened = match plan.start {
                PlanStart::Truncated if opened => Some(EventKind::Truncated),
                _ if rotated => Some(EventKind::Rotated),
                _ => None,
            };
            if let Some(kind) = happened {
                self.read(s, started, |_, emit| {
                    emit(Out::Event(kind));
                    false
                });
            }
            if let (Some((_, at, j)), Some(r)) = (resumed, self.records.as_mut()) {
                r.resume(s, j, at, started);
            }
            if !opened && self.followers[s].take_missing_report() {
                if !config.follow {
                    self.diag.error_at(
                        Path::new(self.sources[s].path()),
                        "No such file or directory",
                    );
                } else {
                    self.diag.warn(format_args!(
                        "{}: does not exist yet; following it until it does",
                        self.sources[s].path()
                    ));
                }
            }
            // The whole history now (a poll reads at most a budget): bounded
            // by the size at start, so a fast writer cannot keep us here.
            let mut rounds = meta.map_or(0, |m| m.len() >> 20) + 2;
            while self.poll(s, false, started) && rounds > 0 && !self.done() {
                rounds -= 1;
            }
            // Not following: the file ends here, its last line too (one
            // without a newline belongs to the record being judged). With
            // --state that line is not shown (see below).
            if !config.follow && !self.done() && self.state.is_none() {
                self.finish(s);
            }
            // Its history ends here: its open record is judged on it
            // (unless the history is no end: see `judge_history`).
            if judge_history {
                self.with_records(started, |r, out| r.judge(s, out));
            }
            if self.done() {
                break;
            }
            self.within_fd_budget();
        }
        // With --state a partial last line is not shown: it is read
        // again, whole, by the next run.
        if !config.follow && !self.done() && self.state.is_none() {
            for s in 0..self.followers.len() {
                self.finish(s);
            }
        }
        // Whatever the plan still holds (a loop ended early) goes with it.
        drop(plans);
        self.plan_fds = 0;
        if judge_history {
            self.with_records(started, Records::judge_all);
        }
        self.end_history();
        self.live = true;
    }

    /// Room for `n` more followers in every per-follower table.
    fn reserve(&mut self, n: usize) {
        self.sources.reserve(n);
        self.followers.reserve(n);
        self.registered.reserve(n);
        self.fds.reserve(n);
        self.active.reserve(n);
        if self.stamping {
            self.detectors.reserve(n);
            self.references.reserve(n);
        }
        self.by_path.reserve(n);
        self.held.reserve(n);
    }

    fn add(&mut self, path: Arc<Path>, input: usize) -> Option<usize> {
        let Err(at) = find_path(&self.by_path, &self.followers, &path) else {
            return None;
        };
        if self.state.as_ref().is_some_and(|t| t.is_own(&path)) {
            return None; // our own state, in a followed directory
        }
        if self.exclude.is_some()
            && std::fs::metadata(&path).is_ok_and(|m| Some(identity(&m)) == self.exclude)
        {
            return None; // our own output, found by a glob or directory
        }
        let i = self.followers.len();
        let shown = self.inputs[input].shown_in(&path);
        self.sources.push(Source::new(shown, input, i));
        let follower = Follower::new(Arc::clone(&path), self.by_name).splicing(self.splice);
        self.followers
            .push(if self.inputs[input].kind == InputKind::File {
                follower
            } else {
                follower.skipping_binary()
            });
        self.registered.push(Registered::None);
        self.fds.push(0);
        self.active.push(0);
        if self.stamping {
            // Only lines that are stamped need one (10,000 files).
            self.detectors.push(Detector::new(self.time_format.clone()));
            self.references.push(time::now());
        }
        // Files found in a directory come sorted: mostly at the end.
        self.by_path.insert(at, i as u32);
        Some(i)
    }

    /// Drop the inputs of plain files: their sources hold all of them,
    /// and 10,000 named files' inputs are 320 kB, free again before the
    /// history is read.
    fn drop_plain_inputs(&mut self) {
        let kept: Vec<usize> = (0..self.inputs.len())
            .filter(|&i| !self.inputs[i].is_plain_file())
            .collect();
        for s in &mut self.sources {
            s.set_input(s.input().and_then(|i| kept.binary_search(&i).ok()));
        }
        self.list_errors = kept.iter().map(|&i| self.list_errors[i]).collect();
        self.inputs.retain(|i| !i.is_plain_file());
        self.inputs.shrink_to_fit();
    }

    /// Labels: the input's own, else the file name, else (names that
    /// collide, or `--prefix path`) the path.
    fn assign_labels(&mut self) {
        let path_labels = self.format.path_labels();
        // Names that collide, found by sorting the followers by name:
        // names borrowed where they can be, and no table of them all
        // (10,000 files are not 10,000 more strings, nor a hash table of
        // them, even for a moment).
        let dup: Vec<bool> = {
            let name = |k: u32| {
                let (s, f) = (&self.sources[k as usize], &self.followers[k as usize]);
                let input = s.input().map(|i| &self.inputs[i]);
                inputs::label_for(input, &f.path, s.path(), path_labels)
            };
            let mut order: Vec<u32> = (0..self.sources.len() as u32).collect();
            order.sort_unstable_by(|&a, &b| name(a).cmp(&name(b)));
            let mut dup = vec![false; order.len()];
            for w in order.windows(2) {
                if name(w[0]) == name(w[1]) {
                    dup[w[0] as usize] = true;
                    dup[w[1] as usize] = true;
                }
            }
            dup
        };
        for ((s, f), dup) in self.sources.iter_mut().zip(&self.followers).zip(dup) {
            let input = s.input().map(|i| &self.inputs[i]);
            // A copy for a moment (one string at a time).
            let path = s.path().to_owned();
            if dup && input.and_then(Input::label).is_none() {
                s.set_label(&path);
            } else {
                s.set_label(&inputs::label_for(input, &f.path, &path, path_labels));
            }
        }
        self.format.set_width(
            self.sources
                .iter()
                .map(|s| s.label().chars().count())
                .max()
                .unwrap_or(0),
        );
        for s in 0..self.sources.len() {
            self.sources[s].prefix = Box::default();
            self.sources[s].prefix = self.format.line_prefix(&self.sources[s]).into();
        }
    }

    pub fn watch_dirs(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        for input in &self.inputs {
            dirs.extend(input.watch_dirs());
        }
        // Files of one directory are mostly found together: each parent
        // is taken once per run of them (10,000 files are not 10,000
        // paths to sort).
        let mut last: Option<&Path> = None;
        for f in &self.followers {
            if let Some(p) = f.path.parent()
                && last != Some(p)
            {
                last = Some(p);
                dirs.push(p.to_path_buf());
            }
        }
        dirs.sort();
        dirs.dedup();
        dirs
    }

    /// Files that globs and directories now match and are not followed.
    pub fn discover(&mut self) {
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
    pub fn on_change(&mut self, p: &Path, data_only: bool, dirty: &mut BTreeMap<usize, bool>) {
        if let Ok(k) = find_path(&self.by_path, &self.followers, p) {
            let s = self.by_path[k] as usize;
            let check = !data_only || !self.followers[s].is_open();
            let e = dirty.entry(s).or_insert(check);
            *e |= check;
        } else if !data_only {
            // A new file in a watched directory: a glob or directory input
            // may want it.
            let before = self.followers.len();
            for i in 0..self.inputs.len() {
                if self.inputs[i].matches_new(p) {
                    self.add(Arc::from(p), i);
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

    /// The files input `i` names now and none follows yet. A directory
    /// (or a glob's base) that cannot be listed is reported once with
    /// its path (again if the reason changes), and is an input error.
    fn list(&mut self, i: usize) -> Vec<Arc<Path>> {
        let (by_path, followers) = (&self.by_path, &self.followers);
        match self.inputs[i].expand(&|p| find_path(by_path, followers, p).is_ok()) {
            Ok(found) => {
                self.list_errors[i] = None;
                found
            }
            Err(e) => {
                if self.list_errors[i] != Some(e.kind()) {
                    self.list_errors[i] = Some(e.kind());
                    self.input_error = true;
                    let input = &self.inputs[i];
                    self.diag.error_at(Path::new(&*input.shown(&input.path)), e);
                }
                Vec::new()
            }
        }
    }

    /// Poll one follower and send what it read as one record. Returns
    /// whether it has more to read.
    pub fn poll(&mut self, s: usize, check: bool, woke: Instant) -> bool {
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
        let fr = self.framing;
        let more = self.read(s, woke, |f, emit| {
            f.poll_guarded(fr, check, &|id| held.contains(id), emit)
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
        let Some(x) = self.held.get(id) else { return };
        if x != s && self.followers[x].current_id() == Some(id) {
            self.poll_at(x, true, woke, depth + 1);
        }
        let Some(held) = self.followers[x].take_retiring(id) else {
            return; // still at its name too (a hard link): leave it
        };
        self.sync_ids(x);
        // Taken over and read on at once: what the logger wrote to it
        // after the rename waits for no other event.
        let fr = self.framing;
        self.read(s, woke, |f, emit| {
            f.adopt(fr, held, emit);
            f.poll(fr, false, emit)
        });
        self.sync_ids(s);
    }

    /// Record what follower `s` holds now: its files by identity, its
    /// descriptors.
    fn sync_ids(&mut self, s: usize) {
        // Called after every read: no allocation when nothing changed.
        let mut ids = std::mem::take(&mut self.scratch_ids);
        self.followers[s].ids_into(&mut ids);
        if !self.registered[s].is(&ids) {
            for id in self.registered[s].iter() {
                if !ids.contains(&id) && self.held.get(id) == Some(s) {
                    self.held.remove(id);
                }
            }
            for &id in &ids {
                self.held.insert(id, s);
            }
            self.registered[s] = Registered::of(&ids);
        }
        self.scratch_ids = ids;
        let n = self.followers[s].open_count();
        self.open_fds = self.open_fds + n - self.fds[s] as usize;
        self.fds[s] = n as u32;
        if self.followers[s].stream().is_some() {
            self.streams.insert(s);
        } else if !self.streams.is_empty() {
            self.streams.remove(&s);
        }
    }

    /// Over the descriptor budget: park the least recently read files
    /// (down to three quarters of it, so that this is rare).
    pub fn within_fd_budget(&mut self) {
        // At start, what the `--state` plan still holds counts too.
        let budget = self.fd_budget.saturating_sub(self.plan_fds);
        if self.open_fds <= budget {
            return;
        }
        let mut open: Vec<(u64, usize)> = (0..self.followers.len())
            .filter(|&s| self.fds[s] > 0 && !self.followers[s].draining())
            .map(|s| (self.active[s], s))
            .collect();
        open.sort_unstable();
        let target = budget * 3 / 4;
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
        let fr = self.framing;
        self.read(s, Instant::now(), |f, emit| {
            f.finish(fr, emit);
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
        let mut before_marks = Vec::new();
        if let Some(t) = self.state.as_mut() {
            t.touch(s);
            if (self.pin_until && !self.until_matched) || self.records.is_some() {
                self.followers[s].marks_into(&mut before_marks);
            }
        }
        let mut match_end: Option<u64> = None;
        // With record filters: where the last record this read opened
        // starts (what a record held unjudged leaves unwritten).
        // In which run of contiguous lines (one per file read, in order)
        // it is, counted with `runs`: its file, when offsets alone cannot
        // tell (a drained rotated file and the current one both read).
        let mut record_at: Option<(usize, u64)> = None;
        let mut runs = 0usize;
        let mut run_end: Option<u64> = None;
        // Output goes straight into the pending batch (no second copy).
        let mut rec = std::mem::take(&mut self.pending);
        let before = rec.len();
        let mut released = Vec::new();
        let mut events = Vec::new();
        let mut errors = Vec::new();
        let Followed {
            sources,
            followers,
            detectors,
            format,
            history,
            reorder,
            records,
            references,
            writer,
            ..
        } = self;
        let stamping = self.stamping;
        let src = &sources[s];
        let format = &*format;
        // Not stamping: no detector per file, and none is used.
        let mut unused = Detector::default();
        let det = detectors.get_mut(s).unwrap_or(&mut unused);
        // Only stamped lines use it (not stamping: no clock read per read).
        let reference = match references.get(s) {
            Some(&r) if !self.live => r,
            _ if stamping => time::now(),
            _ => 0,
        };
        let raw = format.raw() && !stamping;
        let prefix_only =
            format.prefix_only() && !stamping && history.is_none() && reorder.is_none();
        let events_inline = !self.events_to_stderr;
        let mut matched = self.until_matched;
        // A line (`None`: an event, which ends the file's record).
        let mut line =
            |rec: &mut Vec<u8>, det: &mut Detector, what: Option<(&[u8], u64, char)>| -> bool {
                let Some((body, offset, sep)) = what else {
                    let mut hit = false;
                    if let Some(r) = records.as_mut() {
                        r.end(s, &mut |s, t, b, u| {
                            let to = (&mut *history, &mut *reorder, &mut released);
                            deliver(s, t, b, u, to, rec, &mut hit, woke);
                        });
                    }
                    return hit;
                };
                let time = if stamping {
                    det.stamp(format.zone(), body, reference)
                } else {
                    None
                };
                if let Some(r) = records.as_mut() {
                    // Judged as part of its record (`records`).
                    // Just past it (a whole line's newline too).
                    let end = offset + body.len() as u64 + u64::from(sep == '|');
                    if run_end != Some(offset) {
                        runs += 1;
                    }
                    run_end = Some(end);
                    if time.is_some() {
                        record_at = Some((runs, offset));
                    }
                    let mut hit = false;
                    let render = |b: &mut Vec<u8>| format.render(b, src, body, offset, sep, time);
                    let m = format.matches(body);
                    r.line(s, time, m, woke, end, render, &mut |s, t, b, u| {
                        let to = (&mut *history, &mut *reorder, &mut released);
                        deliver(s, t, b, u, to, rec, &mut hit, woke);
                    });
                    return hit;
                }
                if history.is_none() && reorder.is_none() {
                    return format.line(rec, src, body, offset, sep, time);
                }
                // Merging: the line is held as part of a record, and
                // `--until` is decided when the record is written.
                let mut bytes = Vec::new();
                let until = format.line(&mut bytes, src, body, offset, sep, time);
                if let Some(h) = history.as_mut() {
                    h.push_at(s, time, bytes, until, Some(offset));
                } else if let Some(r) = reorder.as_mut() {
                    r.push_at(s, time, bytes, until, woke, &mut released, Some(offset));
                }
                false
            };
        self.clock += 1;
        self.active[s] = self.clock;
        let mut spliced = false;
        let more = step(&mut followers[s], &mut |o| {
            if matched {
                return;
            }
            match o {
                Out::Splice {
                    file,
                    len,
                    moved,
                    unchanged,
                } => {
                    moved.set(writer.splice(&mut rec, file, len, unchanged));
                    spliced = true;
                }
                Out::Lines { data, offset } if raw => {
                    let _ = offset;
                    rec.extend_from_slice(data);
                }
                Out::Lines { data, .. } if prefix_only => {
                    crate::output::prefix_lines(&mut rec, data, &src.prefix);
                }
                Out::Lines { data, offset } => {
                    if stamping {
                        det.train(data);
                    }
                    let mut start = 0;
                    for nl in crate::newlines::Newlines::new(data) {
                        let body = &data[start..nl];
                        if line(&mut rec, det, Some((body, offset + start as u64, '|'))) {
                            matched = true;
                            match_end = Some(offset + nl as u64 + 1);
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
                    let sep = if partial { '~' } else { '+' };
                    matched = line(&mut rec, det, Some((data, offset, sep)));
                    if matched {
                        match_end = Some(offset + data.len() as u64);
                    }
                }
                Out::Event(kind) => {
                    // A file gone from its name (renamed, nothing in its
                    // place yet) is still drained: lines its logger still
                    // writes to it go on with its record.
                    if kind != EventKind::Gone && line(&mut rec, det, None) {
                        matched = true;
                        return;
                    }
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
        if let (Some(end), Some(t)) = (match_end, self.state.as_mut()) {
            t.pin(s, pin_at(&self.followers[s], &before_marks, end));
        }
        if let (Some(t), Some(r)) = (self.state.as_mut(), self.records.as_ref()) {
            match r.holding(s) {
                Some(seq) if self.record_pins.get(&s) != Some(&seq) => {
                    // A record opened in this read is held: the state
                    // stops where it starts (nothing of this read, if
                    // that is not known).
                    let marks = match record_at {
                        Some((run, h)) => {
                            pin_held(&self.followers[s], &before_marks, h, Some((run, runs)))
                        }
                        None => before_marks,
                    };
                    t.pin(s, marks);
                    self.record_pins.insert(s, seq);
                }
                Some(_) => {}
                None => {
                    if self.record_pins.remove(&s).is_some() {
                        t.unpin(s);
                    }
                }
            }
        }
        if self.followers[s].draining() {
            self.draining.insert(s);
        } else {
            self.draining.remove(&s);
        }
        self.emit_side(s, &events, &errors);
        let wrote = spliced || rec.len() > before;
        self.pending = rec;
        if wrote {
            self.followers[s].note_lag(woke.elapsed());
            if self.pending.len() >= BATCH {
                self.send_pending();
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
    /// batch is full. A failed write means the writer stopped (closed pipe
    /// or write error): `done` sees it, and `finish_output` says which.
    fn out(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= BATCH {
            self.send_pending();
        }
    }

    /// Hand what is pending to the writer and, with `--state`, note
    /// where the followers read since the last batch stand: everything
    /// they emitted is in what was sent (unless the reorder window still
    /// holds some of it: then later).
    pub fn flush(&mut self) {
        self.send_pending();
        // Records judged since they were pinned (their wait over, at
        // exit) were handed on: their followers are marked as they stand.
        if let (Some(t), Some(r)) = (self.state.as_mut(), self.records.as_ref()) {
            self.record_pins.retain(|&s, seq| {
                let held = r.holding(s) == Some(*seq);
                if !held {
                    t.unpin(s);
                }
                held
            });
        }
        if let Some(t) = self.state.as_mut()
            && self
                .reorder
                .as_mut()
                .is_none_or(|r| r.next_deadline().is_none())
        {
            let records = self.records.as_ref();
            t.mark(&self.followers, |s| records.and_then(|r| r.judged(s)));
        }
    }

    fn send_pending(&mut self) {
        if !self.pending.is_empty() {
            if let Some(t) = self.state.as_mut() {
                t.sent(self.pending.len());
            }
            // Written here, and the buffer kept for the next batch.
            self.writer.write(&mut self.pending);
        }
    }

    /// `--state`: save it if it is due (`force`: now).
    pub fn save_state(&mut self, force: bool) {
        let Followed {
            state,
            followers,
            diag,
            ..
        } = self;
        if let Some(t) = state.as_mut() {
            t.save(followers, force, &|m| diag.warn(m));
        }
    }

    /// When the state is next due, if anything is to be saved.
    pub fn state_due(&self) -> Option<Instant> {
        self.state.as_ref().and_then(Tracker::due)
    }

    /// Merged records to the writer, in order, up to one `--until`
    /// matched.
    fn send_records(&mut self, records: Vec<merge::Record>) {
        let mut records = records.into_iter();
        for r in records.by_ref() {
            if self.until_matched {
                self.unsent(r.at);
                break;
            }
            self.out(&r.bytes);
            self.until_matched = r.until;
        }
        for r in records {
            self.unsent(r.at);
        }
    }

    /// `--state`: a merged record `--until` left unwritten, from
    /// follower `s` at byte `h`: the state stops `s` there at the latest
    /// (a file whose times go back may then repeat a few lines, never
    /// lose one).
    fn unsent(&mut self, at: Option<(usize, u64)>) {
        let (Some(t), Some((s, h))) = (self.state.as_mut(), at) else {
            return;
        };
        let h = self.unsent_at.get(&s).map_or(h, |&was| was.min(h));
        self.unsent_at.insert(s, h);
        let before = t.last_marks(s);
        t.pin(s, pin_held(&self.followers[s], &before, h, None));
    }

    /// The history read at start, sorted (`--merge`); from now on lines
    /// are live.
    fn end_history(&mut self) {
        let Some(h) = self.history.take() else {
            self.flush();
            return;
        };
        for (s, d) in self.detectors.iter().enumerate() {
            if !d.found_any() && self.followers[s].stats.bytes > 0 {
                self.diag.warn(format_args!(
                    "{}: no timestamps recognised; its lines are merged first, in file order (see --time-format)",
                    self.sources[s].path()
                ));
            }
        }
        self.send_records(h.sorted());
        self.flush();
    }

    /// Live records whose reorder window, or record-filter wait, is over.
    pub fn release(&mut self, now: Instant) {
        self.with_records(now, |r, out| r.release(now, out));
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
        let path = Path::new(self.sources[s].path());
        for e in events {
            self.diag
                .warn(format_args!("{}: {}", path.display(), e.as_str()));
        }
        for e in errors {
            self.diag.error_at(path, e);
        }
    }

    /// Whether the run is over: `--until` matched, or the writer stopped
    /// (a closed pipe, a write error).
    pub fn done(&self) -> bool {
        self.until_matched || self.writer.is_closed()
    }

    /// Something worth knowing on stderr (`ptail: ...`), not an error.
    pub fn warn(&self, msg: impl std::fmt::Display) {
        self.diag.warn(msg);
    }

    /// How many bytes follower `s` has read (or spliced) so far.
    /// The directory follower `s`'s file is named in.
    pub fn dir_of(&self, s: usize) -> Option<&Path> {
        self.followers[s].path.parent()
    }

    /// The followers of the names directly in `dir`.
    pub fn named_in<'a>(&'a self, dir: &Path) -> impl Iterator<Item = usize> + 'a {
        let prefix = dir_prefix(dir);
        let path = |i: u32| self.followers[i as usize].path.as_os_str().as_bytes();
        // Sorted by bytes: the names under `dir/` are one run.
        let first = self
            .by_path
            .partition_point(|&i| path(i) < prefix.as_slice());
        self.by_path[first..]
            .iter()
            .map_while(move |&i| directly_in(path(i), &prefix).map(|yes| yes.then_some(i as usize)))
            .flatten()
    }

    /// The followers of the names directly in `dir`, if there are at most
    /// `max` and none is parked: those a caller can read on a timer
    /// instead of on notifications of their writes (a parked follower
    /// reopened on every read would take the descriptors of others).
    pub fn timer_readable(&self, dir: &Path, max: usize) -> Option<Vec<usize>> {
        let mut found = Vec::new();
        for s in self.named_in(dir) {
            if found.len() == max || self.followers[s].is_parked() {
                return None;
            }
            found.push(s);
        }
        Some(found)
    }

    pub fn bytes_read(&self, s: usize) -> u64 {
        self.followers[s].stats.bytes
    }

    /// How many files are followed.
    pub fn files(&self) -> usize {
        self.followers.len()
    }

    /// The followers still reading a rotated-away file.
    pub fn draining(&self) -> &BTreeSet<usize> {
        &self.draining
    }

    /// The followers reading a stream, each with its descriptor and how
    /// many bytes were read from it so far ([`Follower::stream`]).
    pub fn streams(&self) -> impl Iterator<Item = (usize, std::os::fd::BorrowedFd<'_>, u64)> {
        self.streams.iter().filter_map(|&s| {
            let (fd, read) = self.followers[s].stream()?;
            Some((s, fd, read))
        })
    }

    /// How many bytes follower `s` read from its stream so far (None: it
    /// reads no stream now).
    pub fn stream_read(&self, s: usize) -> Option<u64> {
        self.followers[s].stream().map(|(_, read)| read)
    }

    /// Follower `s`'s FIFO hung up: a quiet descriptor in its place
    /// ([`Follower::rearm_stream`]). False if there is none; if it ended
    /// for good, that is remembered ([`Followed::nothing_to_follow`]).
    pub fn rearm_stream(&mut self, s: usize) -> bool {
        match self.followers[s].rearm_stream() {
            Rearmed::Quiet => true,
            Rearmed::Ended => {
                self.ended.insert(s);
                false
            }
            Rearmed::No => false,
        }
    }

    /// Whether nothing followed can show another line: every input is a
    /// named file and each is a pipe that ended for good (`cmd | ptail`,
    /// `ptail <(cmd)`), as `tail -f` ends on a pipe. A named file that is
    /// missing, a regular file, a device or a named FIFO (a writer may
    /// come), a directory or a glob keep the run going.
    pub fn nothing_to_follow(&self) -> bool {
        !self.ended.is_empty()
            && self.ended.len() == self.followers.len()
            && self.inputs.iter().all(|i| i.kind == InputKind::File)
    }

    /// When the reorder window next lets records go (`--reorder-window`).
    pub fn next_release(&mut self) -> Option<Instant> {
        let judge = self.records.as_ref().and_then(Records::next_deadline);
        let reorder = self.reorder.as_mut().and_then(Reorder::next_deadline);
        match (judge, reorder) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Run `step` on the record filters (if any) and send what it judges
    /// kept where lines go now: the history, the reorder window (arriving
    /// at `now`) or the writer.
    fn with_records(
        &mut self,
        now: Instant,
        step: impl FnOnce(&mut Records, &mut crate::records::Deliver),
    ) {
        let Some(r) = self.records.as_mut() else {
            return;
        };
        let mut released = Vec::new();
        let mut rec = std::mem::take(&mut self.pending);
        let mut hit = self.until_matched;
        let (history, reorder) = (&mut self.history, &mut self.reorder);
        step(r, &mut |s, t, b, u| {
            let to = (&mut *history, &mut *reorder, &mut released);
            deliver(s, t, b, u, to, &mut rec, &mut hit, now);
        });
        self.until_matched = hit;
        self.pending = rec;
        if !released.is_empty() {
            self.send_records(released);
        }
        if self.pending.len() >= BATCH {
            self.flush();
        }
    }

    /// The end of following: every file's last partial line, then what
    /// the reorder window still holds.
    /// With `--state`, partial lines are left for the next run to read
    /// whole.
    pub fn finish_all(&mut self) {
        for s in 0..self.followers.len() {
            if self.done() || self.state.is_some() {
                break;
            }
            self.finish(s);
        }
        self.with_records(Instant::now(), Records::judge_all);
        self.flush_held();
        self.flush();
    }

    /// What the run leaves for its exit status and `--stats`, and the
    /// writer, to be finished.
    pub fn end(self) -> Ended {
        Ended {
            errored: self.diag.errored(),
            input_error: self.input_error,
            matched: self.until_matched,
            sources: self.sources,
            followers: self.followers,
            state: self.state,
            writer: self.writer,
        }
    }
}

/// What a run leaves behind ([`Followed::end`]).
pub struct Ended {
    /// Any error was reported (a file, an input).
    pub errored: bool,
    /// An input could not be listed.
    pub input_error: bool,
    /// `--until` matched.
    pub matched: bool,
    pub sources: Vec<Source>,
    pub followers: Vec<Follower>,
    /// `--state`: saved once more after the writer finished.
    pub state: Option<Tracker>,
    /// The output, to be finished.
    pub writer: Writer,
}

/// `--until` matched in a read of `f` at byte `end` of one of its files:
/// where each of its files stands as far as lines were written. Its files
/// are read in order; those before the matching one were written whole,
/// the matching one up to `end`, those after not at all (as they were
/// before the read: `before`).
fn pin_at(f: &Follower, before: &[Mark], end: u64) -> Vec<Mark> {
    pin_where(f, before, |was, now| was < end && end <= now, end).0
}

/// Each of `f`'s files as far as lines were written, when the first file
/// whose range read in the last read (`was..now`) `holds` the cut stops
/// at `cut`: files before it written whole, files after it as they were
/// before the read (`before`). Also whether some file held the cut.
fn pin_where(
    f: &Follower,
    before: &[Mark],
    holds: impl Fn(u64, u64) -> bool,
    cut: u64,
) -> (Vec<Mark>, bool) {
    let mut now = Vec::new();
    f.marks_into(&mut now);
    let mut hit = false;
    for m in &mut now {
        let was = before.iter().find(|b| b.id == m.id).map_or(0, |b| b.offset);
        if hit {
            m.offset = was;
        } else if holds(was, m.offset) {
            m.offset = cut;
            hit = true;
        }
    }
    (now, hit)
}

/// A record filter holds, unjudged, a record of follower `f` that starts
/// at byte `h` of one of its files, read in the last read: where each of
/// its files stands as far as lines were written. Its files are read in
/// order: those before the one holding `h` were written whole, that one
/// up to `h`, those after not at all (as they were before the read:
/// `before`). Which file holds `h`: with `runs` `Some((run, runs))`, the
/// `run`th (from 1) of the `runs` that grew in the read (each read its
/// lines as one run of contiguous offsets), if as many grew; else the
/// first whose range holds `h` (a later file
/// may hold the same offset: then lines are written again after a
/// restart, never lost). If no file read in that read holds `h` (a
/// truncation in between), the current file stops at `h` at the latest.
fn pin_held(f: &Follower, before: &[Mark], h: u64, runs: Option<(usize, usize)>) -> Vec<Mark> {
    let was = |m: &Mark| before.iter().find(|b| b.id == m.id).map_or(0, |b| b.offset);
    let mut now = Vec::new();
    f.marks_into(&mut now);
    let grew: Vec<usize> = (0..now.len())
        .filter(|&i| was(&now[i]) < now[i].offset)
        .collect();
    if let Some((run, runs)) = runs
        && grew.len() == runs
        && let Some(&k) = run.checked_sub(1).and_then(|r| grew.get(r))
        && was(&now[k]) <= h
        && h < now[k].offset
    {
        for m in &mut now[k + 1..] {
            m.offset = was(m);
        }
        now[k].offset = h;
        return now;
    }
    let (mut now, hit) = pin_where(f, before, |was, now| was <= h && h < now, h);
    if !hit && let Some(m) = now.last_mut() {
        m.offset = m.offset.min(h);
    }
    now
}

/// Where a line judged with its record goes: the history (`--merge`, at
/// start), the reorder window, or the batch for the writer (`--until`
/// matching there ends the run: `hit`).
#[allow(clippy::too_many_arguments)]
fn deliver(
    s: usize,
    time: Option<time::Micros>,
    bytes: &[u8],
    until: bool,
    to: (
        &mut Option<History>,
        &mut Option<Reorder>,
        &mut Vec<merge::Record>,
    ),
    rec: &mut Vec<u8>,
    hit: &mut bool,
    now: Instant,
) {
    let (history, reorder, released) = to;
    if bytes.is_empty() && history.is_none() {
        return; // a dropped record: only the history places it
    }
    if let Some(h) = history.as_mut() {
        h.push(s, time, bytes.to_vec(), until);
    } else if let Some(r) = reorder.as_mut() {
        r.push(s, time, bytes.to_vec(), until, now, released);
    } else if !*hit {
        rec.extend_from_slice(bytes);
        *hit = until;
    }
}

/// How many descriptors the followers may hold: the soft limit (raised
/// at start) less a reserve for everything else (stdio, inotify, the
/// signal pipe, `-o`, time-zone files).
fn fd_budget() -> usize {
    let lim = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    let soft = lim.current.unwrap_or(1 << 20).min(1 << 20) as usize;
    soft.saturating_sub(64).max(8)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Which paths are named directly in a directory, the root included
    /// (its prefix is `/`, not `//`).
    #[test]
    fn names_directly_in_a_directory() {
        let is = |dir: &str, path: &str| {
            super::directly_in(path.as_bytes(), &super::dir_prefix(Path::new(dir)))
        };
        assert_eq!(is("/logs", "/logs/a.log"), Some(true));
        assert_eq!(is("/logs", "/logs/sub/a.log"), Some(false));
        assert_eq!(is("/logs", "/logsx/a.log"), None);
        assert_eq!(is("/logs", "/logs"), None);
        assert_eq!(is("/", "/a.log"), Some(true));
        assert_eq!(is("/", "/logs/a.log"), Some(false));
        assert_eq!(is("/logs/", "/logs/a.log"), Some(true));
    }
}
