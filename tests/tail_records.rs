//! `-e`/`-x` on whole records (a timestamped line and the untimed lines
//! after it), end to end: the default under `--merge`, `--filter-records`
//! without it, `--filter-lines` for one line at a time.
//!
//! The oracle generates multi-file logs whose record boundaries it knows
//! (heads with unique timestamps, continuation lines that are stack-trace
//! shaped), random `-e`/`-x` words, and computes what must come out from
//! what it generated: for the history (`--no-follow`, exact output) and
//! for live appends (split at random bytes, even inside lines), per file.
//! `PTAIL_RECORDS_SEED` replays a run, `PTAIL_RECORDS_ITERS` runs more.

mod util;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use util::ptail::WAIT;
use util::{Dir, Ptail, Rng, append, seed_from_env};

const WORDS: [&str; 10] = [
    "alpha", "beta", "gamma", "delta", "ERROR", "WARN", "INFO", "DEBUG", "db", "net",
];
const LEVELS: [&str; 4] = ["INFO", "WARN", "ERROR", "DEBUG"];

/// A directory for ptail (timestamps without a zone are UTC).
fn fixture() -> Dir {
    Dir::ptail().with_env("TZ", "UTC")
}

/// A line of a generated log: its text and, for a record's first line,
/// its timestamp (seconds after the base).
#[derive(Clone, Debug)]
struct Line {
    text: String,
    time: Option<u32>,
}

struct Log {
    name: String,
    lines: Vec<Line>,
    /// How many of `lines` exist before ptail starts (its history).
    history: usize,
}

fn stamp(t: u32) -> String {
    format!(
        "2024-05-01T{:02}:{:02}:{:02}Z",
        t / 3600 % 24,
        t / 60 % 60,
        t % 60
    )
}

/// A stack-trace-like line: never a timestamp where one is looked for.
fn continuation(rng: &mut Rng) -> String {
    let (a, b) = (rng.pick(&WORDS), rng.pick(&WORDS));
    match rng.below(3) {
        0 => format!("\tat {a}.Cls({b}.java)"),
        1 => format!("Caused by: {a} {b}"),
        _ => format!("    ... {a} {b} more"),
    }
}

/// `files` logs whose records have unique timestamps, increasing in each
/// file; some start with untimed lines, some have no timestamp at all.
fn generate(rng: &mut Rng, files: usize, records: usize) -> Vec<Log> {
    let mut logs: Vec<Log> = (0..files)
        .map(|i| Log {
            name: format!("f{i}.log"),
            lines: Vec::new(),
            history: 0,
        })
        .collect();
    let untimed: Vec<bool> = (0..files).map(|_| rng.chance(10)).collect();
    for log in &mut logs {
        for _ in 0..rng.below(3) {
            let text = continuation(rng);
            log.lines.push(Line { text, time: None });
        }
    }
    for t in 0..records as u32 {
        let f = rng.below(files);
        let log = &mut logs[f];
        if untimed[f] {
            let text = continuation(rng);
            log.lines.push(Line { text, time: None });
            continue;
        }
        let text = format!(
            "{} {} {} {}",
            stamp(100 + t * 7),
            rng.pick(&LEVELS),
            rng.pick(&WORDS),
            rng.pick(&WORDS)
        );
        log.lines.push(Line {
            text,
            time: Some(100 + t * 7),
        });
        let conts = if rng.chance(30) { 0 } else { 1 + rng.below(4) };
        for _ in 0..conts {
            let text = continuation(rng);
            log.lines.push(Line { text, time: None });
        }
    }
    for log in &mut logs {
        log.history = rng.below(log.lines.len() + 1);
    }
    logs
}

/// The filters of one run: `-e` and `-x` patterns (words, or `a|b`).
struct Filters {
    include: Vec<String>,
    exclude: Vec<String>,
}

impl Filters {
    fn random(rng: &mut Rng) -> Filters {
        fn pick(rng: &mut Rng, n: usize) -> Vec<String> {
            (0..n)
                .map(|_| {
                    if rng.chance(20) {
                        format!("{}|{}", rng.pick(&WORDS), rng.pick(&WORDS))
                    } else {
                        rng.pick(&WORDS).to_string()
                    }
                })
                .collect()
        }
        let (i, x) = loop {
            let (i, x) = (rng.below(3), rng.below(3));
            if i + x > 0 {
                break (i, x);
            }
        };
        Filters {
            include: pick(rng, i),
            exclude: pick(rng, x),
        }
    }

    fn args(&self) -> Vec<String> {
        let mut a = Vec::new();
        for p in &self.include {
            a.extend(["-e".to_string(), p.clone()]);
        }
        for p in &self.exclude {
            a.extend(["-x".to_string(), p.clone()]);
        }
        a
    }

    /// Whether `text` matches one of `pats` (literal words: the regex of a
    /// word finds it anywhere in the line).
    fn any(pats: &[String], text: &str) -> bool {
        pats.iter().any(|p| p.split('|').any(|w| text.contains(w)))
    }

    /// Lines kept together: kept if one matches an -e (or there is none)
    /// and none matches an -x.
    fn keeps(&self, lines: &[&Line]) -> bool {
        (self.include.is_empty() || lines.iter().any(|l| Self::any(&self.include, &l.text)))
            && !lines.iter().any(|l| Self::any(&self.exclude, &l.text))
    }
}

/// A log's lines in units: a record (a timed line and the untimed lines
/// after it) or a line before the first timestamp, alone.
fn units(lines: &[Line]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    let mut in_record = false;
    for (i, l) in lines.iter().enumerate() {
        if l.time.is_some() || !in_record {
            in_record |= l.time.is_some();
            out.push(i..i + 1);
        } else if let Some(last) = out.last_mut() {
            last.end = i + 1;
        }
    }
    out
}

/// What must come out of `log` with record filters, per line: a record
/// is judged on its lines, except one open when the history ended (at
/// `log.history`), judged on its lines until then; later lines of it
/// follow that judgement.
fn kept_by_record(log: &Log, f: &Filters) -> Vec<bool> {
    let mut keep = vec![false; log.lines.len()];
    for u in units(&log.lines) {
        let judged_on = if u.start < log.history && u.end > log.history {
            u.start..log.history
        } else {
            u.clone()
        };
        let lines: Vec<&Line> = log.lines[judged_on].iter().collect();
        let k = f.keeps(&lines);
        for i in u {
            keep[i] = k;
        }
    }
    keep
}

/// `--merge --no-follow -n +1`: each unit's kept lines (by record, or
/// each line on its own), at the unit's time (untimed lines before a
/// file's first timestamp take it; a file without any goes first), stably
/// sorted across files.
fn merged(logs: &[Log], f: &Filters, by_record: bool) -> Vec<String> {
    // (time, lines) in the order the files are read.
    let mut all: Vec<(Option<u32>, Vec<String>)> = Vec::new();
    for log in logs {
        let first = log.lines.iter().find_map(|l| l.time);
        // One line at a time, a line still keeps its record's place.
        let keep: Vec<bool> = if by_record {
            kept_by_record(log, f)
        } else {
            log.lines.iter().map(|l| f.keeps(&[l])).collect()
        };
        for u in units(&log.lines) {
            let time = log.lines[u.start].time.or(first);
            let lines: Vec<String> = u
                .filter(|&i| keep[i])
                .map(|i| log.lines[i].text.clone())
                .collect();
            if !lines.is_empty() {
                all.push((time, lines));
            }
        }
    }
    all.sort_by_key(|(t, _)| *t);
    all.into_iter().flat_map(|(_, l)| l).collect()
}

fn write_logs(dir: &Dir, logs: &[Log], upto_history: bool) {
    for log in logs {
        let n = if upto_history {
            log.history
        } else {
            log.lines.len()
        };
        let text: String = log.lines[..n]
            .iter()
            .map(|l| format!("{}\n", l.text))
            .collect();
        dir.create(&log.name, &text);
    }
}

fn show(logs: &[Log]) -> String {
    let mut s = String::new();
    for log in logs {
        s += &format!("== {} (history {} lines)\n", log.name, log.history);
        for (i, l) in log.lines.iter().enumerate() {
            s += &format!("{i:3} {}\n", l.text);
        }
    }
    s
}

/// The history, exactly: merged by record, by line, and by record without
/// merging (file after file).
fn check_history(seed: u64, rng: &mut Rng) {
    let files = 1 + rng.below(4);
    let records = 5 + rng.below(25);
    let logs = generate(rng, files, records);
    let f = Filters::random(rng);
    let dir = fixture();
    write_logs(&dir, &logs, false);
    // Some files end without a newline: their last line still belongs to
    // its record (it was judged before it was read).
    for log in &logs {
        if rng.below(2) == 0 {
            let text: String = log.lines.iter().map(|l| format!("{}\n", l.text)).collect();
            dir.create(&log.name, text.trim_end_matches('\n'));
        }
    }
    let names: Vec<String> = logs.iter().map(|l| l.name.clone()).collect();
    let whole: Vec<Log> = logs
        .iter()
        .map(|l| Log {
            name: l.name.clone(),
            lines: l.lines.clone(),
            history: l.lines.len(),
        })
        .collect();
    let mode = rng.below(3);
    let mut args: Vec<String> = ["--no-follow", "-n", "+1", "-q"].map(String::from).to_vec();
    args.extend(f.args());
    let want: Vec<String> = match mode {
        0 => {
            args.push("--merge".into());
            merged(&whole, &f, true)
        }
        1 => {
            args.extend(["--merge".into(), "--filter-lines".into()]);
            merged(&whole, &f, false)
        }
        _ => {
            args.push("--filter-records".into());
            whole
                .iter()
                .flat_map(|log| {
                    let keep = kept_by_record(log, &f);
                    log.lines
                        .iter()
                        .zip(keep)
                        .filter(|(_, k)| *k)
                        .map(|(l, _)| l.text.clone())
                        .collect::<Vec<_>>()
                })
                .collect()
        }
    };
    args.extend(names);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = dir.run(&argv);
    let got = String::from_utf8_lossy(&out.stdout);
    let got: Vec<&str> = got.lines().collect();
    assert!(
        out.status.success() && got == want,
        "seed {seed}: ptail {argv:?}\nstatus {:?}\ngot:  {got:#?}\nwant: {want:#?}\nlogs:\n{}\nstderr: {}",
        out.status,
        show(&logs),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Live: the history written, ptail following, the rest appended in
/// random pieces (split anywhere, even inside a line); per file, exactly
/// the kept lines in file order.
fn check_live(seed: u64, rng: &mut Rng) {
    let files = 1 + rng.below(3);
    let records = 10 + rng.below(20);
    let logs = generate(rng, files, records);
    let f = Filters::random(rng);
    let dir = fixture();
    write_logs(&dir, &logs, true);
    let merge = rng.chance(50);
    let mut args: Vec<String> = ["-n", "+1", "--json", "--record-wait", "1h"]
        .map(String::from)
        .to_vec();
    args.push(if merge { "--merge" } else { "--filter-records" }.into());
    args.extend(f.args());
    args.extend(logs.iter().map(|l| l.name.clone()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut want: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Lines that must come out before the end: all but those of each
    // file's last record when it is live (judged at exit).
    let mut before_end = 0;
    for log in &logs {
        let keep = kept_by_record(log, &f);
        let last = units(&log.lines).last().cloned().unwrap_or(0..0);
        let open_at_end = log.lines.get(last.start).is_some_and(|l| l.time.is_some())
            && last.start >= log.history;
        for (i, (l, k)) in log.lines.iter().zip(&keep).enumerate() {
            if *k {
                want.entry(log.name.clone())
                    .or_default()
                    .push(l.text.clone());
                if !(open_at_end && last.contains(&i)) {
                    before_end += 1;
                }
            }
        }
    }

    let mut tail = Ptail::start(&dir, &argv);
    tail.wait_watching(dir.path());
    // The live part, in pieces, the files taking turns at random.
    let mut rest: Vec<(std::path::PathBuf, Vec<u8>)> = logs
        .iter()
        .map(|log| {
            let text: String = log.lines[log.history..]
                .iter()
                .map(|l| format!("{}\n", l.text))
                .collect();
            (dir.path().join(&log.name), text.into_bytes())
        })
        .collect();
    while rest.iter().any(|(_, b)| !b.is_empty()) {
        let i = rng.below(rest.len());
        let (path, bytes) = &mut rest[i];
        if bytes.is_empty() {
            continue;
        }
        let n = 1 + rng.below(bytes.len().min(120));
        append(path, &bytes[..n]);
        bytes.drain(..n);
        if rng.chance(30) {
            // Pacing only (so that pieces are read apart), not a wait.
            std::thread::sleep(Duration::from_millis(rng.below(4) as u64));
        }
    }
    // Everything judged before the end, then the end.
    let deadline = Instant::now() + WAIT;
    while tail.out.len() < before_end && Instant::now() < deadline {
        if let Ok(l) = tail.stdout.recv_timeout(Duration::from_millis(50)) {
            tail.out.push(l);
        }
    }
    let ended = tail.stop();
    let mut got: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in &ended.stdout {
        let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        let src = v["source"].as_str().expect("source").to_string();
        let text = v["line"]["text"].as_str().expect("text").to_string();
        got.entry(src).or_default().push(text);
    }
    assert!(
        got == want && ended.code == Some(0),
        "seed {seed}: ptail {argv:?} (live)\nexit {:?}\ngot:  {got:#?}\nwant: {want:#?}\nlogs:\n{}\nstderr: {:?}",
        ended.code,
        show(&logs),
        ended.stderr
    );
}

#[test]
fn oracle_records_are_judged_whole_in_history_and_live() {
    let seed = seed_from_env("PTAIL_RECORDS_SEED", 0x7265_636f_7264);
    let iters = seed_from_env("PTAIL_RECORDS_ITERS", 8);
    for i in 0..iters {
        let s = seed.wrapping_add(i);
        let mut rng = Rng::new(s);
        for _ in 0..5 {
            check_history(s, &mut rng);
        }
        check_live(s, &mut rng);
    }
}

/// Lines of ptail's output without their prefixes' padding concerns.
fn lines(s: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(s)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn until_cuts_a_kept_record_and_a_dropped_record_does_not_count() {
    let dir = fixture();
    dir.create(
        "a.log",
        "2024-05-01T10:00:01Z DEBUG boom one\n\
         \tat a.B(c.java)\n\
         2024-05-01T10:00:02Z ERROR boom two\n\
         \tat d.E(f.java)\n\
         2024-05-01T10:00:03Z INFO after\n",
    );
    let out = dir.expect_status(
        &[
            "--merge",
            "--no-follow",
            "-n",
            "+1",
            "-q",
            "-x",
            "DEBUG",
            "--until",
            "boom",
            "a.log",
        ],
        0,
    );
    assert_eq!(lines(&out.stdout), ["2024-05-01T10:00:02Z ERROR boom two"]);
    // The same lines one at a time: the trace line of the DEBUG record is
    // no DEBUG line.
    let out = dir.expect_status(
        &[
            "--merge",
            "--filter-lines",
            "--no-follow",
            "-n",
            "+1",
            "-q",
            "-x",
            "DEBUG",
            "--until",
            "at ",
            "a.log",
        ],
        0,
    );
    assert_eq!(lines(&out.stdout), ["\tat a.B(c.java)"]);
}

#[test]
fn a_quiet_record_is_judged_after_the_wait_and_its_late_lines_follow() {
    let dir = fixture();
    let a = dir.create("a.log", "");
    let mut tail = Ptail::start(
        &dir,
        &[
            "--filter-records",
            "-q",
            "-n",
            "0",
            "-x",
            "DEBUG",
            "--record-wait",
            "50ms",
            "a.log",
        ],
    );
    tail.wait_watching(dir.path());
    // A DEBUG record, then a kept one that nothing follows: it comes out
    // once its file has been quiet for the wait.
    append(&a, "2024-05-01T10:00:01Z DEBUG x\n\ttrace of debug\n");
    append(&a, "2024-05-01T10:00:02Z INFO kept\n\ttrace of kept\n");
    tail.expect(&["2024-05-01T10:00:02Z INFO kept", "\ttrace of kept"]);
    // Judged kept: a late line of it follows, even one that says DEBUG.
    append(&a, "\tlate DEBUG trace of kept\n");
    tail.expect(&["\tlate DEBUG trace of kept"]);
    let ended = tail.stop();
    assert_eq!(ended.code, Some(0), "{ended:?}");
    assert_eq!(ended.stdout.len(), 3, "{ended:?}");
}

#[test]
fn a_record_past_the_cap_is_judged_on_its_first_mebibyte_then_streams() {
    // A 3 MB record is never held whole: judged once it holds 1 MiB
    // (records::RECORD_CAP), kept, its later lines written as they come,
    // even the DEBUG one past the cap. A DEBUG record of any size is
    // dropped from its first line, holding nothing.
    let dir = fixture();
    let mut text = String::from("2024-05-01T10:00:01Z INFO big\n");
    let line = format!("\t{}\n", "y".repeat(1000));
    for i in 0..3000 {
        text += if i == 2500 {
            "\tDEBUG past the cap\n"
        } else {
            &line
        };
    }
    text += "2024-05-01T10:00:02Z DEBUG big\n";
    for _ in 0..3000 {
        text += &line;
    }
    text += "2024-05-01T10:00:03Z INFO end\n";
    dir.create("a.log", &text);
    let out = dir.expect_status(
        &[
            "--filter-records",
            "--no-follow",
            "-n",
            "+1",
            "-q",
            "-x",
            "DEBUG",
            "a.log",
        ],
        0,
    );
    let got = lines(&out.stdout);
    assert_eq!(
        got.len(),
        3002,
        "the first record whole, the DEBUG one dropped"
    );
    assert_eq!(got[0], "2024-05-01T10:00:01Z INFO big");
    assert_eq!(got[2501], "\tDEBUG past the cap");
    assert_eq!(got[3001], "2024-05-01T10:00:03Z INFO end");
}
