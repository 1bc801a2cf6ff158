//! ptail's promise, checked against a trusted answer: every line of every
//! followed file comes out exactly once, whole, in its file's order,
//! through every rotation scheme and under every input mode.
//!
//! Seeded writers (threads of this test) append numbered lines
//! (`w<writer> <seq> <padding>`) to their logs and rotate them the ways
//! logrotate does: rename with numbered suffixes (`w0.log` -> `w0.log.1`
//! -> `w0.log.2`, the oldest deleted), dateext (`w1.log-20261128`),
//! copytruncate (numbered copies, the original truncated in place),
//! delete and re-create, and rename with the previous rotated file
//! compressed later (`delaycompress`: a gzip-looking binary appears, the
//! text file goes). A writer that still holds the renamed or deleted file
//! writes a few late lines to it, as a logger does before it reopens. One
//! more file (`noise.txt`) never rotates. Now and then a writer writes
//! a burst of thousands of lines, half the time while ptail is stopped
//! (SIGSTOP): what piles up is read in one wake-up, which puts a busy
//! directory on ptail's timer (its writes not notified until it is
//! quiet). ptail follows them as named files, as a directory, or as a
//! glob (`logs/*.log*`, which leaves out `noise.txt`).
//!
//! The trusted answer is what the writers did, not what ptail computed:
//! for every line, how many followed files held it (the log itself, if
//! it is an input, plus every copytruncate copy that is an input: in a
//! followed directory a copy is a new file, shown whole). Copytruncate has
//! an inherent gap: what is written after ptail's last read and before the
//! truncation may never be read from the original. The oracle allows
//! exactly that loss (only lines written after the last point where the
//! writer saw ptail caught up, and only from the original) and then
//! requires a `truncated` event for that file in the stream, so the gap
//! is reported, never hidden. A partial piece is allowed only as the
//! start of such a line. With fewer descriptors than files, a line
//! written to a file that is then deleted (or written after, by a logger
//! still holding it) may be lost too, when ptail held no descriptor for
//! that file then (parked): nobody can open a deleted file. Only lines
//! written after the writer last saw ptail caught up (on a rotated file,
//! deleted rotations later, never: the writer waits only for the current
//! one), only in those runs; counted.
//!
//! Before a file is rotated away the writer waits (bounded) until ptail
//! has shown its last line: a file that lives for microseconds cannot be
//! followed by anyone, and that is not what is checked. After the writers
//! finish, the test waits (bounded) for every expected line, gives ptail
//! one more periodic check to show any duplicate, stops it and compares.
//!
//! `PTAIL_ORACLE_SEED` (default fixed) and `PTAIL_ORACLE_ITERS` (default
//! 3: each input mode once, every scheme in each, with notifications;
//! runs 3-5 of each 6 poll instead; every other run is `--no-prefix`,
//! where whole lines are spliced from the files to the output pipe;
//! every other directory or glob run has 8 descriptors for more files,
//! so followers are parked and reopened in turn) select the runs;
//! `bench/tail_oracle.sh` runs it for minutes with fresh seeds.

mod util;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use util::{Dir, Rng, Signal, appender, seed_from_env};

/// The longest any expected line may take (only a failing run waits this
/// long).
const WAIT: Duration = Duration::from_secs(20);
/// After every expected line arrived: one periodic check of ptail's
/// (1 s) and some, for a late duplicate to show. Not a synchronisation:
/// a correct ptail writes nothing more.
const SETTLE: Duration = Duration::from_millis(1300);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Named,
    Dir,
    Glob,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    Numbered,
    DateExt,
    CopyTruncate,
    DeleteCreate,
    GzipLater,
    /// `noise.txt`: never rotated.
    Never,
}

const SCHEMES: [Scheme; 5] = [
    Scheme::Numbered,
    Scheme::DateExt,
    Scheme::CopyTruncate,
    Scheme::DeleteCreate,
    Scheme::GzipLater,
];

/// One line of ptail's output: `label SEP text`.
#[derive(Clone, Debug)]
struct OutLine {
    label: String,
    /// `|` whole, `~` partial, `+` split piece, `!` event, `?` not a line
    /// ptail could have written.
    sep: char,
    text: String,
}

/// A line of `--no-prefix` output: an event (`==> PATH: KIND <==`,
/// labelled with the file's name, as prefixes are) or a line as it was
/// (`|`; a partial piece is not marked, so [`check`] takes a line no
/// writer wrote for one).
fn parse_bare(raw: &[u8]) -> OutLine {
    let s = String::from_utf8_lossy(raw);
    let s = s.strip_suffix('\n').unwrap_or(&s);
    if let Some(inner) = s.strip_prefix("==> ").and_then(|r| r.strip_suffix(" <=="))
        && let Some((path, kind)) = inner.rsplit_once(": ")
    {
        return OutLine {
            label: path.rsplit('/').next().unwrap_or(path).to_string(),
            sep: '!',
            text: kind.to_string(),
        };
    }
    OutLine {
        label: String::new(),
        sep: '|',
        text: s.to_string(),
    }
}

fn parse(raw: &[u8]) -> OutLine {
    let s = String::from_utf8_lossy(raw);
    let s = s.strip_suffix('\n').unwrap_or(&s);
    let found = [" | ", " ~ ", " + ", " ! "]
        .iter()
        .filter_map(|sep| s.find(sep).map(|at| (at, sep)))
        .min();
    match found {
        Some((at, sep)) => OutLine {
            label: s[..at].trim().to_string(),
            sep: sep.chars().nth(1).unwrap_or('?'),
            text: s[at + 3..].to_string(),
        },
        None => OutLine {
            label: String::new(),
            sep: '?',
            text: s.to_string(),
        },
    }
}

/// What ptail has written so far, shared with the writers.
#[derive(Default)]
struct Seen {
    lines: Vec<OutLine>,
    /// Whole lines by text: how many times each came out.
    count: HashMap<String, u32>,
    ended: bool,
}

#[derive(Default)]
struct Shared {
    seen: Mutex<Seen>,
    changed: Condvar,
    /// ptail's process id, for the writers that stop it during a burst.
    pid: std::sync::atomic::AtomicI32,
}

impl Shared {
    /// Wait (bounded) until `ok` holds for what ptail wrote.
    fn wait(&self, what: &str, ok: impl Fn(&Seen) -> bool) -> Result<(), String> {
        let end = Instant::now() + WAIT;
        let mut seen = self.seen.lock().map_err(|_| "poisoned")?;
        loop {
            if ok(&seen) {
                return Ok(());
            }
            let now = Instant::now();
            if now >= end || seen.ended {
                return Err(format!("{what}: not within {WAIT:?}"));
            }
            seen = self
                .changed
                .wait_timeout(seen, end - now)
                .map_err(|_| "poisoned")?
                .0;
        }
    }
}

/// The trusted answer for one line.
#[derive(Clone, Debug, Default)]
struct Expect {
    writer: usize,
    /// The file generation (one inode's life, or one copytruncate cycle)
    /// it was written into: order is checked within one.
    generation: u64,
    seq: u64,
    /// 1 if its log is an input, plus the copies of it that are inputs.
    copies: u32,
    in_log: u32,
    /// Written after the writer last saw ptail caught up, into a file
    /// then truncated: the original's copy may be lost (copytruncate).
    gap: bool,
    /// Written to its file after the writer last saw ptail caught up, the
    /// file then deleted (before, or after it: a logger that has not
    /// reopened yet). With fewer descriptors than files ptail may have
    /// held none for it then (parked, to be reopened by name): nobody can
    /// read it, and it may be lost (never repeated).
    orphan: bool,
}

struct Writer {
    id: usize,
    name: String,
    tag: String,
    scheme: Scheme,
    mode: Mode,
    dir: PathBuf,
    rng: Rng,
    file: File,
    seq: u64,
    generation: u64,
    /// The current file's lines (what a copy would hold).
    current: Vec<String>,
    /// Lines of the current file written since ptail was seen caught up.
    unconfirmed: Vec<String>,
    /// The same for each rotated file still on disk, by generation:
    /// never confirmed (the writer waits only for the current file), so
    /// lost if the file is deleted while ptail holds no descriptor for it.
    rotated_unconfirmed: BTreeMap<u64, Vec<String>>,
    numbered: u32,
    rotations: u32,
    ops: u64,
    expect: BTreeMap<String, Expect>,
    shared: Arc<Shared>,
}

impl Writer {
    fn new(
        id: usize,
        scheme: Scheme,
        mode: Mode,
        dir: &Path,
        seed: u64,
        shared: Arc<Shared>,
    ) -> Writer {
        let (name, tag) = if scheme == Scheme::Never {
            ("noise.txt".to_string(), format!("n{id}"))
        } else {
            (format!("w{id}.log"), format!("w{id}"))
        };
        let file = appender(&dir.join(&name));
        Writer {
            id,
            name,
            tag,
            scheme,
            mode,
            dir: dir.to_path_buf(),
            rng: Rng::new(seed ^ (id as u64).wrapping_mul(0x2545_f491_4f6c_dd1d)),
            file,
            seq: 0,
            generation: 0,
            current: Vec::new(),
            unconfirmed: Vec::new(),
            rotated_unconfirmed: BTreeMap::new(),
            numbered: 0,
            rotations: 0,
            ops: 0,
            expect: BTreeMap::new(),
            shared,
        }
    }

    /// Whether ptail follows a file of this name in this mode.
    fn followed(&self, name: &str) -> bool {
        match self.mode {
            Mode::Named => name == self.name && self.scheme != Scheme::Never,
            Mode::Dir => true,
            Mode::Glob => name.contains(".log"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// One line to the file the writer holds (one write, as loggers do).
    fn line(&mut self) {
        self.seq += 1;
        let pad: String = (0..self.rng.below(40))
            .map(|_| char::from(b'a' + self.rng.below(26) as u8))
            .collect();
        let text = format!("{} {:06} {pad}", self.tag, self.seq);
        self.file
            .write_all(format!("{text}\n").as_bytes())
            .expect("write a line");
        let in_log = u32::from(self.followed(&self.name));
        self.expect.insert(
            text.clone(),
            Expect {
                writer: self.id,
                generation: self.generation,
                seq: self.seq,
                copies: 0,
                in_log,
                gap: false,
                orphan: false,
            },
        );
        self.current.push(text.clone());
        self.unconfirmed.push(text);
        self.ops += 1;
    }

    /// Lines written to the file the writer still holds after it was
    /// renamed or deleted (a logger that has not reopened yet).
    fn late_lines(&mut self) {
        for _ in 0..self.rng.below(3) {
            self.line();
        }
    }

    /// Lines `lines` may be lost: written after ptail was last seen
    /// caught up, to a file now deleted (see [`Expect::orphan`]).
    fn orphaned(&mut self, lines: &[String]) {
        for t in lines {
            if let Some(e) = self.expect.get_mut(t) {
                e.orphan = true;
            }
        }
    }

    /// The rotated file of generation `generation` is deleted.
    fn deleted(&mut self, generation: u64) {
        if let Some(lines) = self.rotated_unconfirmed.remove(&generation) {
            self.orphaned(&lines);
        }
    }

    /// A new file under the log's name, held from now on.
    fn create(&mut self) {
        let old = std::mem::take(&mut self.unconfirmed);
        self.rotated_unconfirmed.insert(self.generation, old);
        self.file = OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(self.path(&self.name.clone()))
            .expect("create the new log");
        self.generation += 1;
        self.current.clear();
    }

    fn rename(&mut self, from: &str, to: &str) {
        std::fs::rename(self.path(from), self.path(to)).expect("rename");
        self.ops += 1;
    }

    /// `name.N` -> `name.N+1` from the oldest; with `keep`, the oldest
    /// beyond it is deleted first.
    fn shift(&mut self, keep: Option<u32>) {
        if keep.is_some_and(|k| self.numbered >= k) {
            std::fs::remove_file(self.path(&format!("{}.{}", self.name, self.numbered)))
                .expect("delete the oldest");
            // `name.N` holds the generation N before the current one.
            self.deleted(self.generation - u64::from(self.numbered));
            self.numbered -= 1;
        }
        for n in (1..=self.numbered).rev() {
            self.rename(
                &format!("{}.{n}", self.name),
                &format!("{}.{}", self.name, n + 1),
            );
        }
    }

    /// Wait until ptail has shown the last line of the current file (it
    /// has it open): what is written from now on races with its reads.
    fn sync(&mut self) -> Result<(), String> {
        if !self.followed(&self.name) {
            self.unconfirmed.clear();
            return Ok(());
        }
        if self.current.is_empty() {
            self.line();
        }
        let last = self.current.last().cloned().unwrap_or_default();
        self.shared
            .wait(&format!("{}: line {last:?} shown", self.name), |s| {
                s.count.contains_key(&last)
            })?;
        self.unconfirmed.clear();
        Ok(())
    }

    fn rotate(&mut self) -> Result<(), String> {
        self.sync()?;
        // Lines that race with ptail's reads and the rotation.
        for _ in 0..self.rng.below(4) {
            self.line();
        }
        self.rotations += 1;
        let name = self.name.clone();
        match self.scheme {
            Scheme::Numbered => {
                self.shift(Some(3));
                self.rename(&name, &format!("{name}.1"));
                self.numbered += 1;
                self.late_lines();
                self.create();
            }
            Scheme::DateExt => {
                self.rename(&name, &format!("{name}-{}", 20261100 + self.rotations));
                self.late_lines();
                self.create();
            }
            Scheme::DeleteCreate => {
                std::fs::remove_file(self.path(&name)).expect("delete");
                self.ops += 1;
                self.late_lines();
                let lines = std::mem::take(&mut self.unconfirmed);
                self.orphaned(&lines);
                self.create();
            }
            Scheme::GzipLater => {
                if self.numbered > 0 {
                    // delaycompress: the previous rotation's file is
                    // compressed now; its text file goes.
                    let mut gz = vec![0x1f, 0x8b, 0x08, 0x08, 0, 0, 0, 0, 0, 3];
                    gz.extend_from_slice(format!("{name}.1\0").as_bytes());
                    for _ in 0..200 + self.rng.below(2000) {
                        gz.push(self.rng.below(256) as u8);
                    }
                    gz.extend_from_slice(b"\nw9 000001 not a line\n");
                    std::fs::write(self.path(&format!("{name}.{}.gz", self.rotations)), gz)
                        .expect("write the compressed file");
                    std::fs::remove_file(self.path(&format!("{name}.1"))).expect("delete");
                    self.deleted(self.generation - 1);
                    self.ops += 2;
                    self.numbered = 0;
                }
                self.rename(&name, &format!("{name}.1"));
                self.numbered = 1;
                self.late_lines();
                self.create();
            }
            Scheme::CopyTruncate => {
                // Copies are kept: in a followed directory each is a new
                // file whose lines are all expected once more.
                self.shift(None);
                let copy = format!("{name}.1");
                let mut bytes = Vec::new();
                File::open(self.path(&name))
                    .and_then(|mut f| f.read_to_end(&mut bytes))
                    .expect("read the log");
                std::fs::write(self.path(&copy), &bytes).expect("write the copy");
                self.numbered += 1;
                self.ops += 1;
                if self.followed(&copy) {
                    for l in &self.current {
                        if let Some(e) = self.expect.get_mut(l) {
                            e.copies += 1;
                        }
                    }
                }
                // Between the copy and the truncation: in no copy.
                for _ in 0..self.rng.below(3) {
                    self.line();
                }
                self.file.set_len(0).expect("truncate");
                self.ops += 1;
                for l in &self.unconfirmed {
                    if let Some(e) = self.expect.get_mut(l) {
                        e.gap = true;
                    }
                }
                self.generation += 1;
                self.current.clear();
                self.unconfirmed.clear();
            }
            Scheme::Never => {}
        }
        Ok(())
    }

    fn run(&mut self, steps: u64) -> Result<(), String> {
        self.line();
        self.sync()?;
        for _ in 0..steps {
            // Now and then a burst (a logger flushing a backlog), which
            // can make ptail read the directory on a timer, its writes
            // not notified, until it is quiet again.
            let burst = self.rng.chance(5);
            let lines = if burst {
                1000 + self.rng.below(2000)
            } else {
                self.rng.below(8)
            };
            // Half the bursts are written while ptail is stopped
            // (SIGSTOP), as a loaded machine deschedules it: it then
            // reads the whole burst in one wake-up. Every stop is
            // followed by this writer's SIGCONT, so the last signal any
            // writer sends is one.
            let pid = self.shared.pid.load(std::sync::atomic::Ordering::SeqCst);
            let stop = burst && pid > 0 && self.rng.chance(50);
            if stop {
                let _ = util::signal(pid, Signal::STOP);
            }
            for _ in 0..lines {
                self.line();
            }
            if stop {
                let _ = util::signal(pid, Signal::CONT);
            }
            if self.scheme != Scheme::Never && self.rng.chance(20) {
                self.rotate()?;
            }
        }
        Ok(())
    }
}

/// The result of one run.
struct Outcome {
    ops: u64,
    lines: u64,
    /// Lines lost to copytruncate's gap (each reported by an event).
    gap_lost: u64,
    /// Lines written to a deleted file ptail held no descriptor for.
    orphans_lost: u64,
    mismatches: Vec<String>,
}

/// `bare`: with `--no-prefix`, where whole lines are spliced from the
/// files to the output pipe.
fn run_once(seed: u64, mode: Mode, poll: bool, bare: bool, few_fds: bool) -> Outcome {
    let fixture = Dir::ptail();
    let dir = fixture.mkdir("logs");
    let shared = Arc::new(Shared::default());
    let mut rng = Rng::new(seed);
    let mut writers: Vec<Writer> = SCHEMES
        .iter()
        .chain([Scheme::Never].iter())
        .enumerate()
        .map(|(i, &s)| Writer::new(i, s, mode, &dir, rng.next_u64(), Arc::clone(&shared)))
        .collect();

    let mut args: Vec<String> = ["--events", "-n", "+1"].map(String::from).to_vec();
    if poll {
        args.push("--poll=50ms".into());
    }
    if bare {
        args.push("--no-prefix".into());
    }
    match mode {
        Mode::Named => {
            for w in writers.iter().filter(|w| w.scheme != Scheme::Never) {
                args.push(format!("logs/{}", w.name));
            }
        }
        Mode::Dir => args.push("logs".into()),
        Mode::Glob => args.push("logs/*.log*".into()),
    }
    // Killed if the test fails (a util::Child).
    let mut ptail = if few_fds {
        // Both limits at 72: 8 descriptors for the followers, fewer than
        // the files a directory or glob finds, so files are parked (their
        // descriptors given back) and reopened in turn.
        util::Child::spawn(
            fixture
                .command_for(Path::new("sh"))
                .arg("-c")
                .arg("ulimit -n 72 && exec \"$0\" \"$@\"")
                .arg(util::ptail::PTAIL)
                .args(&args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped()),
        )
    } else {
        fixture.spawn(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    shared
        .pid
        .store(ptail.id() as i32, std::sync::atomic::Ordering::SeqCst);
    let stdout = ptail.stdout.take().expect("stdout");
    let mut stderr = ptail.stderr.take().expect("stderr");
    let reader = {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut raw = Vec::new();
                let n = r.read_until(b'\n', &mut raw).unwrap_or(0);
                let mut seen = shared.seen.lock().expect("lock");
                if n == 0 {
                    seen.ended = true;
                    shared.changed.notify_all();
                    return;
                }
                let l = if bare { parse_bare(&raw) } else { parse(&raw) };
                if l.sep == '|' {
                    *seen.count.entry(l.text.clone()).or_default() += 1;
                }
                seen.lines.push(l);
                shared.changed.notify_all();
            }
        })
    };
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });

    let steps = 20 + rng.below(40) as u64;
    let handles: Vec<_> = writers
        .drain(..)
        .map(|mut w| {
            std::thread::spawn(move || {
                let r = w.run(steps);
                (w, r)
            })
        })
        .collect();
    let mut mismatches = Vec::new();
    let mut writers = Vec::new();
    for h in handles {
        let (w, r) = h.join().expect("writer thread");
        if let Err(e) = r {
            mismatches.push(format!("writer {} ({:?}): {e}", w.name, w.scheme));
        }
        writers.push(w);
    }
    let expect: HashMap<String, Expect> = writers
        .iter()
        .flat_map(|w| w.expect.iter().map(|(k, v)| (k.clone(), v.clone())))
        .collect();
    // Every line ptail must show, at least as often as it must.
    if mismatches.is_empty() {
        let missing = shared.wait("every expected line shown", |s| {
            expect.iter().all(|(text, e)| {
                let may_lose = e.gap || (few_fds && e.orphan);
                let must = e.copies + if may_lose { 0 } else { e.in_log };
                s.count.get(text).copied().unwrap_or(0) >= must
            })
        });
        if let Err(e) = missing {
            mismatches.push(e);
        }
    }
    std::thread::sleep(SETTLE);
    let _ = ptail.signal(Signal::TERM);
    match ptail.wait_timeout(WAIT) {
        Some(st) if st.code() == Some(0) => {}
        other => mismatches.push(format!("ptail's exit after SIGTERM: {other:?}")),
    }
    drop(ptail);
    reader.join().expect("reader");
    let stderr = errors.join().expect("stderr reader");
    let seen = std::mem::take(&mut *shared.seen.lock().expect("lock"));

    let (gap_lost, orphans_lost) = check(&seen, &expect, &writers, bare, few_fds, &mut mismatches);
    if !mismatches.is_empty() {
        // Everything ptail wrote, for whoever replays the seed.
        let kept = std::env::temp_dir().join(format!("ptail-oracle-{seed}-{mode:?}.out"));
        let all: String = seen
            .lines
            .iter()
            .map(|l| format!("{} {} {}\n", l.label, l.sep, l.text))
            .collect();
        let _ = std::fs::write(&kept, all);
        mismatches.push(format!(
            "ptail's output: {}\nptail's stderr:\n{stderr}",
            kept.display()
        ));
    }
    Outcome {
        ops: writers.iter().map(|w| w.ops).sum(),
        lines: expect.len() as u64,
        gap_lost,
        orphans_lost,
        mismatches,
    }
}

/// Compare ptail's output with the trusted answer. Returns how many lines
/// the copytruncate gap took (allowed, reported), and (`few_fds`) how
/// many lines written to deleted files nobody could read (allowed).
fn check(
    seen: &Seen,
    expect: &HashMap<String, Expect>,
    writers: &[Writer],
    bare: bool,
    few_fds: bool,
    bad: &mut Vec<String>,
) -> (u64, u64) {
    // Whole, known lines only; partial pieces only of gap lines (without
    // prefixes a piece is not marked: any other line must be one).
    let mut truncated_events: HashMap<&str, u32> = HashMap::new();
    for l in &seen.lines {
        let sep = if bare && l.sep == '|' && !expect.contains_key(&l.text) {
            '~'
        } else {
            l.sep
        };
        match sep {
            '|' if expect.contains_key(&l.text) => {}
            '!' => {
                if l.text == "truncated" {
                    *truncated_events.entry(l.label.as_str()).or_default() += 1;
                }
            }
            '~' => {
                let of_gap = expect.iter().find(|(t, e)| e.gap && t.starts_with(&l.text));
                if of_gap.is_none() {
                    bad.push(format!("a partial line that is no gap line's start: {l:?}"));
                }
            }
            _ => bad.push(format!("not a line any writer wrote: {l:?}")),
        }
    }
    // How many times each line came out.
    let mut gaps_lost: HashMap<usize, u32> = HashMap::new();
    let mut orphans_lost = 0;
    for (text, e) in expect {
        let got = seen.count.get(text).copied().unwrap_or(0);
        let want = e.copies + e.in_log;
        if got == want {
            continue;
        }
        if e.gap && got + 1 == want && e.in_log == 1 {
            *gaps_lost.entry(e.writer).or_default() += 1;
            continue;
        }
        if few_fds && e.orphan && got + 1 == want && e.in_log == 1 {
            orphans_lost += 1;
            continue;
        }
        bad.push(format!(
            "count: {text:?} ({}) shown {got} times, expected {want}",
            writers[e.writer].name
        ));
    }
    // The copytruncate gap is reported.
    let gap_lost = gaps_lost.values().map(|&n| u64::from(n)).sum();
    for (w, lost) in gaps_lost {
        let name = writers[w].name.as_str();
        if truncated_events.get(name).copied().unwrap_or(0) == 0 {
            bad.push(format!(
                "{name}: {lost} lines lost to copytruncate without a truncated event"
            ));
        }
    }
    // Per file, in order: the first time each line shows, within its
    // generation, its sequence numbers rise.
    let mut last: HashMap<(usize, u64), u64> = HashMap::new();
    let mut first: HashSet<&str> = HashSet::new();
    for l in &seen.lines {
        if l.sep != '|' || !first.insert(l.text.as_str()) {
            continue;
        }
        let Some(e) = expect.get(&l.text) else {
            continue;
        };
        let prev = last.entry((e.writer, e.generation)).or_default();
        if e.seq < *prev {
            bad.push(format!(
                "order: {:?} came after line {} of the same file",
                l.text, *prev
            ));
        }
        *prev = (*prev).max(e.seq);
    }
    (gap_lost, orphans_lost)
}

#[test]
fn every_line_once_whole_and_in_order_through_every_rotation_scheme() {
    let seed = seed_from_env("PTAIL_ORACLE_SEED", 20261128);
    let iters = seed_from_env("PTAIL_ORACLE_ITERS", 3);
    let mut ops = 0;
    let mut lines = 0;
    let mut gap_lost = 0;
    let mut orphans_lost = 0;
    for i in 0..iters {
        let mode = [Mode::Named, Mode::Dir, Mode::Glob][(i % 3) as usize];
        // Notifications, then (past the default runs) polling too.
        let poll = (i / 3) % 2 == 1;
        // Every other run without prefixes (whole lines spliced).
        let bare = i % 2 == 1;
        // Few descriptors for a directory or a glob (more files than
        // descriptors: followers parked and reopened), every other run of
        // each (the default runs: the glob).
        let few_fds = mode != Mode::Named && (i % 3 + i / 3) % 2 == 0;
        let run_seed = seed.wrapping_add(i);
        let out = run_once(run_seed, mode, poll, bare, few_fds);
        ops += out.ops;
        lines += out.lines;
        gap_lost += out.gap_lost;
        orphans_lost += out.orphans_lost;
        assert!(
            out.mismatches.is_empty(),
            "PTAIL_ORACLE_SEED={seed} iteration {i} (seed {run_seed}, {mode:?}, poll {poll}, no prefix {bare}, few descriptors {few_fds}): {} mismatches:\n{}",
            out.mismatches.len() - 1,
            shorten(&out.mismatches)
        );
    }
    // For bench/tail_oracle.sh.
    eprintln!(
        "ptail oracle: seed {seed}: {iters} runs, {ops} operations, {lines} lines, 0 mismatches, {gap_lost} lines lost to copytruncate gaps (reported), {orphans_lost} written to deleted files held by no descriptor"
    );
}

/// The first mismatches and ptail's stderr (the last entry).
fn shorten(m: &[String]) -> String {
    let (stderr, rest) = m.split_last().map_or((None, m), |(l, r)| (Some(l), r));
    // Each kind of mismatch gets a few lines; binary garbage is cut short.
    let mut kinds: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for r in rest {
        let kind = r.split(':').next().unwrap_or("");
        kinds.entry(kind).or_default().push(r);
    }
    let mut out: Vec<String> = Vec::new();
    for list in kinds.values() {
        for r in list.iter().take(8) {
            out.push(r.chars().take(160).collect());
        }
        if list.len() > 8 {
            out.push(format!("... and {} more like it", list.len() - 8));
        }
    }
    if let Some(e) = stderr {
        out.push(e.lines().take(40).collect::<Vec<_>>().join("\n"));
    }
    out.join("\n")
}
