//! `ptail --state`: across restarts, every line exactly once.
//!
//! The restart oracle: three writer *processes* (this test binary run
//! again in writer mode, see [`writer_process_entry`]) append numbered
//! lines (`w<writer> <seq> <padding>`, the padding's length a function of
//! the sequence number, so a torn line shows) and rotate their logs:
//! `w0.log` by rename and create with numbered suffixes, `w1.log` by
//! copytruncate (numbered copies), `w2.log` by delete and create or by
//! rename with the rotated file "compressed" one rotation later (a
//! gzip-looking binary appears, the text file goes). A rotation may stop
//! half way for a few milliseconds (renamed, not yet re-created), and late
//! lines go to the renamed or deleted file, as a logger writes before it
//! reopens. Each writer keeps a journal of what it did: where each of its
//! files (generations) starts, and how that file ended.
//!
//! Meanwhile the driver starts `ptail --state S` on the three named logs
//! and stops it at seeded random moments, 20 times (SIGKILL with `-o OUT`,
//! or SIGTERM with standard output appended to OUT), restarting it after a
//! short seeded pause, so rotations happen while it runs, while it is
//! down, and half done across a restart. At the end one last run shows
//! every last line and is stopped with SIGTERM.
//!
//! The trusted answer is the writers' journals, not anything ptail
//! computed: every line in OUT is whole, no line is there twice, each
//! writer's lines are in order, and every line written is there, except
//! the inherent gaps: a file whose content is destroyed (copytruncate,
//! deletion, compression) may lose lines written after ptail last read it
//! before the destruction, only as the end of that file, never in its
//! last file, and only if ptail reported it (a `truncated` event or a
//! "not found" warning on stderr). Gaps are counted and printed.
//!
//! `PTAIL_STATE_SEED` (default fixed) and `PTAIL_STATE_ITERS` (default 1
//! run of each stop kind) select the runs.

mod util;

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use util::{Child, Dir, Rng, Signal, seed_from_env};

const WRITER_ENV: &str = "PTAIL_STATE_WRITER";
const WRITERS: usize = 3;
const RESTARTS: usize = 20;
/// The longest the last run may take to show every last line (only a
/// failing run waits this long).
const WAIT: Duration = Duration::from_secs(20);

fn line(w: usize, seq: u64) -> String {
    format!("w{w} {seq:07} {}\n", "x".repeat((seq % 29) as usize + 4))
}

/// What one writer process is told (through [`WRITER_ENV`]).
struct Spec {
    index: usize,
    seed: u64,
    logs: PathBuf,
    journal: PathBuf,
    /// ptail's output, read to wait (bounded) for ptail to catch up before
    /// destroying a file: only to make the inherent gaps rare.
    out: Option<PathBuf>,
    /// Created by the driver: stop writing.
    stop: PathBuf,
    /// Present while ptail is down (created by the driver before it stops
    /// ptail, removed once it has started the next): rotations then go
    /// ahead without waiting for ptail to catch up.
    down: PathBuf,
    /// Stop after this many steps anyway (0: no limit).
    steps: u64,
}

impl Spec {
    fn encode(&self) -> String {
        let out = self
            .out
            .as_ref()
            .map_or(String::new(), |p| p.display().to_string());
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.index,
            self.seed,
            self.logs.display(),
            self.journal.display(),
            out,
            self.stop.display(),
            self.down.display(),
            self.steps
        )
    }

    fn decode(s: &str) -> Spec {
        let f: Vec<&str> = s.split('\t').collect();
        assert_eq!(f.len(), 8, "writer spec {s:?}");
        Spec {
            index: f[0].parse().expect("index"),
            seed: f[1].parse().expect("seed"),
            logs: PathBuf::from(f[2]),
            journal: PathBuf::from(f[3]),
            out: (!f[4].is_empty()).then(|| PathBuf::from(f[4])),
            stop: PathBuf::from(f[5]),
            down: PathBuf::from(f[6]),
            steps: f[7].parse().expect("steps"),
        }
    }
}

fn open_log(p: &Path) -> File {
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// How a file of a writer ended (in the journal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Renamed,
    CopyTruncated,
    Deleted,
    Compressed,
    /// The last file: still there at the end.
    Current,
}

impl Fate {
    fn name(self) -> &'static str {
        match self {
            Fate::Renamed => "renamed",
            Fate::CopyTruncated => "copytruncated",
            Fate::Deleted => "deleted",
            Fate::Compressed => "compressed",
            Fate::Current => "current",
        }
    }

    fn parse(s: &str) -> Fate {
        match s {
            "renamed" => Fate::Renamed,
            "copytruncated" => Fate::CopyTruncated,
            "deleted" => Fate::Deleted,
            "compressed" => Fate::Compressed,
            other => panic!("journal: fate {other:?}"),
        }
    }

    /// Whether lines of a file ending so may be lost (its content was
    /// destroyed, possibly while ptail was down or before it read them).
    fn may_lose(self) -> bool {
        matches!(self, Fate::CopyTruncated | Fate::Deleted | Fate::Compressed)
    }
}

/// Wait (bounded) until `out` holds `text`: ptail caught up; or until
/// ptail is stopped (`down`).
fn catch_up(out: Option<&Path>, down: &Path, text: &str) {
    let Some(out) = out else { return };
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && !down.exists() {
        if std::fs::read(out).is_ok_and(|b| String::from_utf8_lossy(&b).contains(text)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// One writer: see the module comment. The journal has `file SEQ` where
/// a file starts (its first line's number), `end FATE` for how the file
/// before ended, and `lines N` at the end.
fn run_writer(spec: &Spec) {
    let mut rng = Rng::new(spec.seed);
    let w = spec.index;
    let name = format!("w{w}.log");
    let log = spec.logs.join(&name);
    let mut journal = open_log(&spec.journal);
    let mut f = open_log(&log);
    let mut seq = 0u64;
    let mut rotated = 0u32; // numbered suffixes in use
    let mut gz = 0u32;
    let mut step = 0u64;
    writeln!(journal, "file 0").expect("journal");
    let write = |f: &mut File, seq: &mut u64| {
        f.write_all(line(w, *seq).as_bytes()).expect("write");
        *seq += 1;
    };
    while !spec.stop.exists() && (spec.steps == 0 || step < spec.steps) {
        step += 1;
        for _ in 0..1 + rng.below(8) {
            write(&mut f, &mut seq);
        }
        std::thread::sleep(Duration::from_millis(rng.below(3) as u64));
        if !rng.chance(4) || seq == 0 {
            continue;
        }
        // Following by name cannot see a file that lived between two of
        // its looks at the name (two rotations at once): while ptail runs,
        // a rotation waits (bounded) for it to catch up, as in
        // tail_oracle. While it is down (or being stopped), rotations go
        // ahead: that is what is checked.
        catch_up(spec.out.as_deref(), &spec.down, &line(w, seq - 1));
        let half_done = Duration::from_millis(rng.below(20) as u64);
        match (w, rng.chance(50)) {
            (0, _) => {
                for k in (1..=rotated).rev() {
                    let from = spec.logs.join(format!("{name}.{k}"));
                    std::fs::rename(&from, spec.logs.join(format!("{name}.{}", k + 1)))
                        .expect("shift");
                }
                rotated += 1;
                std::fs::rename(&log, spec.logs.join(format!("{name}.1"))).expect("rename");
                for _ in 0..rng.below(3) {
                    write(&mut f, &mut seq);
                }
                writeln!(journal, "end {}\nfile {seq}", Fate::Renamed.name()).expect("journal");
                std::thread::sleep(half_done);
                f = open_log(&log);
            }
            (1, _) => {
                rotated += 1;
                std::fs::copy(&log, spec.logs.join(format!("{name}.{rotated}"))).expect("copy");
                f.set_len(0).expect("truncate");
                writeln!(journal, "end {}\nfile {seq}", Fate::CopyTruncated.name())
                    .expect("journal");
            }
            (_, true) => {
                std::fs::remove_file(&log).expect("delete");
                for _ in 0..rng.below(3) {
                    write(&mut f, &mut seq);
                }
                writeln!(journal, "end {}\nfile {seq}", Fate::Deleted.name()).expect("journal");
                std::thread::sleep(half_done);
                f = open_log(&log);
            }
            (_, false) => {
                // delaycompress: the file rotated last time is compressed
                // now (a binary appears, the text goes).
                let one = spec.logs.join(format!("{name}.1"));
                if one.exists() {
                    gz += 1;
                    std::fs::write(
                        spec.logs.join(format!("{name}.{gz}.gz")),
                        b"\x1f\x8b\x08\x00compressed\x00",
                    )
                    .expect("gz");
                    std::fs::remove_file(&one).expect("remove");
                }
                std::fs::rename(&log, &one).expect("rename");
                for _ in 0..rng.below(3) {
                    write(&mut f, &mut seq);
                }
                writeln!(journal, "end {}\nfile {seq}", Fate::Compressed.name()).expect("journal");
                std::thread::sleep(half_done);
                f = open_log(&log);
            }
        }
    }
    writeln!(journal, "lines {seq}").expect("journal");
}

/// One writer's files, from its journal: (first line, last line + 1, how
/// the file ended), and how many lines it wrote.
type Journal = (Vec<(u64, u64, Fate)>, u64);

fn read_journal(p: &Path) -> Journal {
    let text = std::fs::read_to_string(p).expect("journal");
    let mut files: Vec<(u64, u64, Fate)> = Vec::new();
    let mut total = None;
    for l in text.lines() {
        let (k, v) = l.split_once(' ').expect("journal line");
        match k {
            "file" => files.push((v.parse().expect("seq"), 0, Fate::Current)),
            "end" => {
                if let Some(f) = files.last_mut() {
                    f.2 = Fate::parse(v);
                }
            }
            "lines" => total = Some(v.parse().expect("lines")),
            other => panic!("journal: {other}"),
        }
    }
    let total = total.expect("the writer finished");
    for i in 0..files.len() {
        files[i].1 = files.get(i + 1).map_or(total, |n| n.0);
    }
    (files, total)
}

/// Writer mode when run by the driver; otherwise a check of the writer
/// itself (every line it wrote is in its files, where its journal says).
#[test]
fn writer_process_entry() {
    if let Ok(spec) = std::env::var(WRITER_ENV) {
        run_writer(&Spec::decode(&spec));
        return;
    }
    let dir = util::temp_dir();
    for w in 0..WRITERS {
        let spec = Spec {
            index: w,
            seed: 7 + w as u64,
            logs: dir.path().to_path_buf(),
            journal: dir.path().join(format!("j{w}")),
            out: None,
            stop: dir.path().join("stop"),
            down: dir.path().join("down"),
            steps: 300,
        };
        run_writer(&Spec::decode(&spec.encode()));
        let (files, total) = read_journal(&spec.journal);
        assert!(files.len() > 3, "writer {w} rotated: {files:?}");
        // The renamed writer keeps every line, in its files in order.
        if w == 0 {
            let mut all = String::new();
            for k in (1..files.len()).rev() {
                all += &std::fs::read_to_string(dir.path().join(format!("w0.log.{k}")))
                    .expect("rotated");
            }
            all += &std::fs::read_to_string(dir.path().join("w0.log")).expect("log");
            let want: String = (0..total).map(|s| line(0, s)).collect();
            assert_eq!(all, want);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// SIGKILL, with `-o OUT`.
    Kill,
    /// SIGTERM, standard output appended to OUT.
    Term,
}

struct Outcome {
    mismatches: Vec<String>,
    gaps: usize,
    lines: u64,
}

fn restart_oracle(seed: u64, stop: Stop) -> Outcome {
    let dir = Dir::ptail();
    let logs = dir.mkdir("logs");
    let out = dir.path().join("OUT");
    let err_path = dir.path().join("ERR");
    let stop_file = dir.path().join("stop");
    let down = dir.path().join("down");
    for w in 0..WRITERS {
        File::create(logs.join(format!("w{w}.log"))).expect("create");
    }
    let mut rng = Rng::new(seed);
    let exe = std::env::current_exe().expect("test binary");
    let mut writers: Vec<Child> = (0..WRITERS)
        .map(|w| {
            let spec = Spec {
                index: w,
                seed: rng.next_u64(),
                logs: logs.clone(),
                journal: dir.path().join(format!("journal{w}")),
                out: Some(out.clone()),
                stop: stop_file.clone(),
                down: down.clone(),
                steps: 0,
            };
            Child::spawn(
                Command::new(&exe)
                    .args([
                        "writer_process_entry",
                        "--exact",
                        "--nocapture",
                        "--test-threads=1",
                        "-q",
                    ])
                    .env(WRITER_ENV, spec.encode())
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::inherit()),
            )
        })
        .collect();
    let start = |dir: &Dir| -> Child {
        let mut cmd = dir.command();
        cmd.args(["--no-prefix", "--state", "S", "-n", "+1"]);
        let err = OpenOptions::new()
            .append(true)
            .create(true)
            .open(&err_path)
            .expect("err");
        match stop {
            Stop::Kill => {
                cmd.args(["-o", "OUT"]).stdout(Stdio::null());
            }
            Stop::Term => {
                cmd.stdout(Stdio::from(open_log(&out)));
            }
        }
        cmd.args(["logs/w0.log", "logs/w1.log", "logs/w2.log"])
            .stderr(Stdio::from(err));
        Child::spawn(&mut cmd)
    };
    let mut ptail = start(&dir);
    // A first run stopped before its first state is as if it never ran
    // (the next one is a first run again, its output cut back): rotated
    // files are then history a first run does not show. The guarantee
    // starts with the first state, so the first stop waits for it.
    let first = dir.path().join("S");
    util::wait_until(WAIT, "the first state", || {
        std::fs::read_to_string(&first).is_ok_and(|s| s.contains("\nfile "))
    });
    for _ in 0..RESTARTS {
        // A random moment: not a synchronisation, the point of the test.
        std::thread::sleep(Duration::from_millis(20 + rng.below(150) as u64));
        let sig = match stop {
            Stop::Kill => Signal::KILL,
            Stop::Term => Signal::TERM,
        };
        File::create(&down).expect("down");
        ptail.signal(sig).expect("signal");
        ptail.wait_bounded(WAIT);
        if std::env::var_os("PTAIL_STATE_DEBUG").is_some() {
            let k = std::fs::read_dir(dir.path())
                .map(|d| d.count())
                .unwrap_or(0);
            let _ = std::fs::copy(dir.path().join("S"), dir.path().join(format!("S.{k}")));
            let ls = Command::new("ls")
                .arg("-li")
                .arg(&logs)
                .output()
                .expect("ls");
            std::fs::write(dir.path().join(format!("ls.{k}")), ls.stdout).expect("ls");
            let len = std::fs::metadata(&out).map_or(0, |m| m.len());
            util::append(&err_path, format!("=== stopped, S.{k}, OUT {len} bytes\n"));
        }
        // Down for a while: rotations happen meanwhile.
        std::thread::sleep(Duration::from_millis(rng.below(60) as u64));
        ptail = start(&dir);
        std::fs::remove_file(&down).expect("up");
    }
    File::create(&stop_file).expect("stop");
    for w in &mut writers {
        assert!(w.wait_bounded(WAIT).success(), "a writer failed");
    }
    let journals: Vec<_> = (0..WRITERS)
        .map(|w| read_journal(&dir.path().join(format!("journal{w}"))))
        .collect();
    // The last run: every writer's last line shows, then SIGTERM.
    let lasts: Vec<String> = journals
        .iter()
        .enumerate()
        .filter(|(_, (_, total))| *total > 0)
        .map(|(w, (_, total))| line(w, total - 1))
        .collect();
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        let got = String::from_utf8_lossy(&std::fs::read(&out).unwrap_or_default()).into_owned();
        if lasts.iter().all(|l| got.contains(l.as_str())) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    ptail.signal(Signal::TERM).expect("signal");
    ptail.wait_bounded(WAIT);
    let got = std::fs::read(&out).expect("OUT");
    let err = std::fs::read_to_string(&err_path).unwrap_or_default();
    let outcome = check(&journals, &got, &err);
    if !outcome.mismatches.is_empty()
        && let Some(keep) = std::env::var_os("PTAIL_STATE_KEEP")
    {
        // For a post-mortem: the logs, journals, state, OUT and stderr.
        let _ = Command::new("cp")
            .arg("-a")
            .arg(dir.path())
            .arg(&keep)
            .status();
    }
    outcome
}

/// Compare OUT with the writers' journals (see the module comment).
fn check(journals: &[Journal], got: &[u8], err: &str) -> Outcome {
    let mut mismatches = Vec::new();
    let mut seen: Vec<HashMap<u64, usize>> = vec![HashMap::new(); journals.len()];
    let mut last: Vec<Option<u64>> = vec![None; journals.len()];
    for raw in got.split_inclusive(|&b| b == b'\n') {
        let text = String::from_utf8_lossy(raw);
        let parsed = text
            .strip_prefix('w')
            .and_then(|t| t.split_once(' '))
            .and_then(|(w, rest)| {
                let w: usize = w.parse().ok()?;
                let seq: u64 = rest.get(..7)?.parse().ok()?;
                (w < journals.len() && text == line(w, seq)).then_some((w, seq))
            });
        let Some((w, seq)) = parsed else {
            mismatches.push(format!("not a whole line: {text:?}"));
            continue;
        };
        let n = seen[w].entry(seq).or_default();
        *n += 1;
        if *n == 2 {
            mismatches.push(format!("twice: {}", text.trim_end()));
        }
        if last[w].is_some_and(|l| seq <= l) && *n == 1 {
            mismatches.push(format!(
                "out of order: {} after w{w} {:07}",
                text.trim_end(),
                last[w].unwrap_or(0)
            ));
        }
        last[w] = Some(seq);
    }
    let mut gaps = 0;
    let mut lines = 0;
    for (w, (files, total)) in journals.iter().enumerate() {
        lines += total;
        for &(from, to, fate) in files {
            let missing: Vec<u64> = (from..to).filter(|s| !seen[w].contains_key(s)).collect();
            if missing.is_empty() {
                continue;
            }
            let suffix = missing.last() == Some(&(to - 1))
                && missing.len() as u64 == to - missing[0]
                && missing.windows(2).all(|p| p[1] == p[0] + 1);
            if fate.may_lose() && suffix {
                gaps += 1;
            } else {
                mismatches.push(format!(
                    "w{w}: {} lines missing from its file of lines {from}..{to} ({}): first {:07}",
                    missing.len(),
                    fate.name(),
                    missing[0]
                ));
            }
        }
    }
    if gaps > 0 && !err.contains("truncated") && !err.contains("not found") {
        mismatches.push(format!("{gaps} gaps, and ptail reported none"));
    }
    Outcome {
        mismatches,
        gaps,
        lines,
    }
}

fn oracle(stop: Stop) {
    let seed = seed_from_env("PTAIL_STATE_SEED", 20261128);
    let iters = seed_from_env("PTAIL_STATE_ITERS", 1);
    for i in 0..iters {
        let run_seed = seed.wrapping_add(i);
        let o = restart_oracle(run_seed, stop);
        eprintln!(
            "{stop:?} seed {run_seed}: {} lines, {} inherent gaps (reported)",
            o.lines, o.gaps
        );
        assert!(
            o.mismatches.is_empty(),
            "PTAIL_STATE_SEED={seed} iteration {i} (seed {run_seed}, {stop:?}): {} mismatches:\n{}",
            o.mismatches.len(),
            o.mismatches
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn every_line_once_across_sigkill_restarts_with_an_output_file() {
    oracle(Stop::Kill);
}

#[test]
fn every_line_once_across_sigterm_restarts_on_standard_output() {
    oracle(Stop::Term);
}

/// A state that cannot be used: one warning naming it, then every file
/// from its end (nothing of the files replayed), and the next run goes on
/// from there with a good state.
fn unusable_state(make: impl FnOnce(&Dir, &Path)) -> Dir {
    let dir = Dir::ptail();
    dir.create("a.log", "old 1\nold 2\n");
    let state = dir.path().join("S");
    make(&dir, &state);
    let err = dir.stderr(&["--state", "S", "--no-follow", "--no-prefix", "a.log"], 0);
    let out = dir.stdout(&["--state", "S", "--no-follow", "--no-prefix", "a.log"], 0);
    assert_eq!(out, "", "nothing replayed");
    let warnings: Vec<&str> = err.lines().collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].starts_with(&format!("ptail: {}: ", state.display())),
        "{err}"
    );
    assert!(
        warnings[0].ends_with("; starting from the end of each file"),
        "{err}"
    );
    util::append(&dir.path().join("a.log"), "new\n");
    let out = dir
        .command()
        .args(["--state", "S", "--no-follow", "--no-prefix", "a.log"])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "new\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    dir
}

#[test]
fn a_corrupt_state_warns_once_and_starts_from_the_end() {
    unusable_state(|_, s| std::fs::write(s, "ptail-state 1\nfile garbage\n").expect("write"));
}

#[test]
fn a_truncated_state_warns_once_and_starts_from_the_end() {
    unusable_state(|dir, s| {
        dir.stdout(&["--state", "S", "--no-follow", "a.log"], 0);
        let good = std::fs::read(s).expect("state");
        std::fs::write(s, &good[..good.len() - 5]).expect("write");
    });
}

#[test]
fn a_state_of_another_version_warns_once_and_starts_from_the_end() {
    unusable_state(|dir, s| {
        dir.stdout(&["--state", "S", "--no-follow", "a.log"], 0);
        let good = std::fs::read_to_string(s).expect("state");
        std::fs::write(s, good.replacen("ptail-state 4\n", "ptail-state 99\n", 1)).expect("write");
    });
}

#[test]
fn a_symlinked_state_is_neither_read_nor_written_through() {
    let dir = unusable_state(|dir, s| {
        // A valid state elsewhere: a link to it is still not read, and a
        // link at the temporary name is not written through.
        dir.stdout(&["--state", "real", "--no-follow", "a.log"], 0);
        std::os::unix::fs::symlink(dir.path().join("real"), s).expect("symlink");
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join(".S.tmp"))
            .expect("symlink");
    });
    let real = std::fs::read_to_string(dir.path().join("real")).expect("real");
    assert!(real.starts_with("ptail-state 4\n"), "{real}");
}

#[test]
fn a_planted_link_at_the_state_or_its_temporary_name_is_never_followed() {
    let dir = Dir::ptail();
    dir.create("a.log", "1\n");
    let victim = dir.create("victim", "precious\n");
    std::os::unix::fs::symlink(&victim, dir.path().join("S")).expect("symlink");
    std::os::unix::fs::symlink(&victim, dir.path().join(".S.tmp")).expect("symlink");
    dir.stderr(&["--state", "S", "--no-follow", "a.log"], 0);
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious\n"
    );
    let meta = std::fs::symlink_metadata(dir.path().join("S")).expect("state");
    assert!(
        meta.is_file(),
        "the link was replaced by a state, not written through"
    );
}

#[test]
fn resume_goes_on_where_the_last_run_wrote_and_skips_the_history() {
    let dir = Dir::ptail();
    dir.create("a.log", "1\n2\n3\n");
    let run = |d: &Dir| {
        d.stdout(
            &[
                "--state",
                "S",
                "--no-follow",
                "--no-prefix",
                "-n",
                "1",
                "a.log",
            ],
            0,
        )
    };
    assert_eq!(run(&dir), "3\n");
    util::append(&dir.path().join("a.log"), "4\n5");
    // The unfinished "5" waits for its newline, read whole next time.
    assert_eq!(run(&dir), "4\n");
    util::append(&dir.path().join("a.log"), " done\n");
    assert_eq!(run(&dir), "5 done\n");
    // Rotated while ptail was down: the rest of the old file, then the
    // new one whole.
    util::append(&dir.path().join("a.log"), "6\n");
    std::fs::rename(dir.path().join("a.log"), dir.path().join("a.log.1")).expect("rename");
    dir.create("a.log", "new 1\n");
    assert_eq!(run(&dir), "6\nnew 1\n");
    // Copied and truncated while down: from the start, said once.
    util::append(&dir.path().join("a.log"), "new 2\n");
    std::fs::write(dir.path().join("a.log"), "x\n").expect("truncate");
    let out = dir
        .command()
        .args(["--state", "S", "--no-follow", "--no-prefix", "a.log"])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "x\n");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "ptail: a.log: truncated\n"
    );
}

#[test]
fn the_output_is_cut_back_to_what_the_state_covers() {
    let dir = Dir::ptail();
    dir.create("a.log", "1\n2\n");
    dir.stdout(
        &[
            "--state",
            "S",
            "-o",
            "OUT",
            "--no-follow",
            "--no-prefix",
            "a.log",
        ],
        0,
    );
    // What a killed run wrote after its last state.
    util::append(&dir.path().join("OUT"), "written, not covered\n");
    util::append(&dir.path().join("a.log"), "3\n");
    dir.stdout(
        &[
            "--state",
            "S",
            "-o",
            "OUT",
            "--no-follow",
            "--no-prefix",
            "a.log",
        ],
        0,
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("OUT")).expect("OUT"),
        "1\n2\n3\n"
    );
}

#[test]
fn after_until_matched_the_next_run_goes_on_after_the_matching_line() {
    let dir = Dir::ptail();
    dir.create("a.log", "1\nSTOP\n3\n4\n");
    let until = [
        "--state",
        "S",
        "--until",
        "STOP",
        "--no-prefix",
        "-n",
        "+1",
        "a.log",
    ];
    assert_eq!(dir.stdout(&until, 0), "1\nSTOP\n");
    let next = ["--state", "S", "--no-follow", "--no-prefix", "a.log"];
    assert_eq!(dir.stdout(&next, 0), "3\n4\n");
}
