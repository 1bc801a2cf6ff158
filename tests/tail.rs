//! End-to-end tests of ptail: the binary follows real files changed by
//! real writer processes (this test binary, re-run as a writer), with real
//! notifications, renames, truncations and deletions. Every wait is
//! bounded.

mod util;

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use util::ptail::WAIT;
use util::{Child, Dir, Ptail, append, appender};

fn checksum(s: &str) -> u32 {
    s.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    })
}

/// Not a test of its own: the writer process of the oracle test, which
/// starts this binary again with `--ignored --exact writer_process` and
/// PTAIL_TEST_WRITER set.
#[test]
#[ignore = "the writer process of the oracle test, run by it"]
fn writer_process() {
    let Ok(spec) = std::env::var("PTAIL_TEST_WRITER") else {
        return;
    };
    let parts: Vec<&str> = spec.split(',').collect();
    let path = PathBuf::from(parts[0]);
    let id: u32 = parts[1].parse().expect("id");
    let count: u32 = parts[2].parse().expect("count");
    let reopen_every: u32 = parts[3].parse().expect("reopen");
    let split = parts[4] == "split";
    let mut f = appender(&path);
    for seq in 0..count {
        if seq % reopen_every == 0 {
            f = appender(&path);
        }
        let body = format!("w{id}|{seq}|{}", "x".repeat((seq as usize * 7) % 50));
        let line = format!("{body}|{}\n", checksum(&body));
        if split && seq % 5 == 0 {
            // Two write() calls with a pause: ptail must hold the first
            // half until the newline arrives.
            let (a, b) = line.split_at(line.len() / 2);
            f.write_all(a.as_bytes()).expect("write");
            std::thread::sleep(Duration::from_millis(3));
            f.write_all(b.as_bytes()).expect("write");
        } else {
            f.write_all(line.as_bytes()).expect("write");
        }
        std::thread::sleep(Duration::from_micros(800));
    }
}

fn spawn_writer(path: &Path, id: u32, count: u32, reopen_every: u32, split: bool) -> Child {
    Child::spawn(
        Command::new(std::env::current_exe().expect("test exe"))
            .args([
                "--ignored",
                "--exact",
                "writer_process",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(
                "PTAIL_TEST_WRITER",
                format!(
                    "{},{id},{count},{reopen_every},{}",
                    path.display(),
                    if split { "split" } else { "whole" }
                ),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
}

/// Lines `w|seq|payload|checksum` in every file under `dir`.
fn persisted(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        for l in text.lines() {
            out.insert(l.to_string());
        }
    }
    out
}

#[test]
fn oracle_no_torn_lost_or_duplicated_lines_through_rotation() {
    let dir = Dir::ptail();
    let d = dir.path();
    let logs = [d.join("w0.log"), d.join("w1.log"), d.join("w2.log")];
    for l in &logs {
        append(l, "");
    }
    let mut run = Ptail::start(
        &dir,
        &["--no-prefix", "-n", "0", "w0.log", "w1.log", "w2.log"],
    );
    run.wait_watching(d);
    let count = 600;
    // w0 reopens for every line (a logger that follows renames), with
    // split writes; w1 keeps its descriptor for 100 lines, so it writes
    // into a renamed file for a while; w2 writes whole lines and is
    // copytruncated and deleted.
    let mut writers = [
        spawn_writer(&logs[0], 0, count, 1, true),
        spawn_writer(&logs[1], 1, count, 100, true),
        spawn_writer(&logs[2], 2, count, 1, false),
    ];
    for k in 0..8 {
        std::thread::sleep(Duration::from_millis(90));
        // Rename rotations.
        let _ = std::fs::rename(&logs[0], d.join(format!("w0.log.{k}")));
        let _ = std::fs::rename(&logs[1], d.join(format!("w1.log.{k}")));
        if k % 2 == 0 {
            // copytruncate: copy, then truncate in place.
            let _ = std::fs::copy(&logs[2], d.join(format!("w2.log.ct{k}")));
            if let Ok(f) = std::fs::OpenOptions::new().write(true).open(&logs[2]) {
                let _ = f.set_len(0);
            }
        } else {
            // Delete (keeping a copy of what it held) and re-create.
            let _ = std::fs::copy(&logs[2], d.join(format!("w2.log.del{k}")));
            let _ = std::fs::remove_file(&logs[2]);
        }
    }
    for w in &mut writers {
        let code = w.wait_bounded(Duration::from_secs(60)).code();
        assert_eq!(code, Some(0), "writer failed");
    }
    let out = run.drain(Duration::from_millis(3000), Duration::from_secs(30));
    let end = run.stop();
    let stderr = end.stderr.join("\n");
    assert_eq!(end.code, Some(0), "{stderr}");

    let on_disk = persisted(d);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut last: HashMap<u32, i64> = HashMap::new();
    for l in &out {
        // Whole lines only: every one parses and its checksum holds.
        let (body, sum) = l
            .rsplit_once('|')
            .unwrap_or_else(|| panic!("torn line {l:?}"));
        assert_eq!(
            sum.parse::<u32>().ok(),
            Some(checksum(body)),
            "torn line {l:?}"
        );
        let mut f = body.split('|');
        let w: u32 = f
            .next()
            .and_then(|w| w.strip_prefix('w'))
            .and_then(|w| w.parse().ok())
            .expect("writer");
        let seq: i64 = f.next().and_then(|s| s.parse().ok()).expect("seq");
        // Each file's order is kept: a writer's lines come in order.
        let prev = last.insert(w, seq).unwrap_or(-1);
        assert!(seq > prev, "writer {w}: {seq} after {prev}");
        *seen.entry(l.to_string()).or_default() += 1;
    }
    let dups: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(dups.is_empty(), "duplicated: {dups:?}");
    // Nothing that is on disk is missing. (Lines written to w2 between a
    // copy and the truncation or deletion exist nowhere on disk: those are
    // the ones copytruncate can lose, and ptail may or may not have read
    // them first.)
    // A copytruncate can also take away lines the copy holds but ptail had
    // not read yet: the truncation may come first. Those are always a
    // suffix of the copy (ptail reads in order), so each copy's lines
    // after the last one shown are allowed to be missing, and no others.
    let mut may_miss: BTreeSet<String> = BTreeSet::new();
    for e in std::fs::read_dir(d).expect("read_dir").flatten() {
        if e.file_name().to_string_lossy().contains(".ct") {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let shown = lines
                .iter()
                .rposition(|l| seen.contains_key(*l))
                .map_or(0, |i| i + 1);
            may_miss.extend(lines[shown..].iter().map(|l| l.to_string()));
        }
    }
    // Known limit (like `tail -F`'s): following a *name*, a file that was
    // at that name only briefly (w0 or w1 creates `wN.log`, renamed away
    // before ptail, slowed by load, looks) is never opened, and its lines
    // are not shown. Seen 1 run in 60 with four copies of this test on two
    // cores. Allowed only for a rotated file of which not one line was
    // shown; a file ptail did open must be read to its end. Issue 15 (find
    // rotated files beside a named file by fingerprint) removes this.
    let mut never_opened = [0usize; 2];
    for e in std::fs::read_dir(d).expect("read_dir").flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        for (w, n) in never_opened.iter_mut().enumerate() {
            if name.starts_with(&format!("w{w}.log.")) {
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                if !text.is_empty() && text.lines().all(|l| !seen.contains_key(l)) {
                    *n += text.lines().count();
                    may_miss.extend(text.lines().map(str::to_string));
                }
            }
        }
    }
    if never_opened != [0, 0] {
        eprintln!("lines of rotated files never opened (w0, w1): {never_opened:?}");
    }
    let missing: Vec<&String> = on_disk
        .iter()
        .filter(|l| !seen.contains_key(*l) && !may_miss.contains(*l))
        .collect();
    assert!(
        missing.is_empty(),
        "{} lines on disk never shown, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    // Writers 0 and 1 lose nothing else: rename rotation is lossless.
    for w in [0u32, 1] {
        let n = seen
            .keys()
            .filter(|l| l.starts_with(&format!("w{w}|")))
            .count();
        assert_eq!(n + never_opened[w as usize], count as usize, "writer {w}");
    }
    assert!(stderr.contains("rotated"), "{stderr}");
}

#[test]
fn no_follow_prints_the_last_lines_aligned_and_exits() {
    let dir = Dir::ptail();
    let d = dir.path();
    append(&d.join("a.log"), "a1\na2\na3\n");
    append(&d.join("long-name.log"), "b1\nb2 unfinished");
    let out = dir.run(&["--no-follow", "-n", "2", "a.log", "long-name.log"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "a.log         | a2\na.log         | a3\nlong-name.log | b1\nlong-name.log ~ b2 unfinished\n"
    );
    // Labels, +NUM, and no prefix.
    let out = dir.run(&["--no-follow", "-n", "+3", "A=a.log"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "A | a3\n");
    let out = dir.run(&["--no-follow", "--no-prefix", "-n", "1", "a.log"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a3\n");
    // A missing file without following is an error (exit 2), the rest is
    // still printed.
    let out = dir.run(&["--no-follow", "-n", "1", "a.log", "nope.log"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a.log | a3\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.log"));
}

#[test]
fn json_lines_keep_invalid_utf8_and_offsets() {
    let dir = Dir::ptail();
    let d = dir.path();
    std::fs::write(d.join("a.log"), b"ok\n\xff\xfe\n").expect("write");
    let out = dir.run(&["--no-follow", "--json", "a.log"]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["source"], "a.log");
    assert_eq!(lines[0]["path"], "a.log");
    assert_eq!(lines[0]["offset"], 0);
    assert_eq!(lines[0]["line"]["text"], "ok");
    assert_eq!(lines[1]["offset"], 3);
    assert_eq!(lines[1]["line"]["bytes"], "//4=");
}

#[test]
fn until_timeout_and_pid_end_the_run() {
    let dir = Dir::ptail();
    let d = dir.path();
    append(&d.join("a.log"), "start\n");
    // --until: exit 0 after the matching line, nothing after it.
    let mut run = Ptail::start(&dir, &["--no-prefix", "--until", "^READY", "a.log"]);
    run.expect(&["start"]);
    append(&d.join("a.log"), "booting\nREADY now\nafter\n");
    run.expect(&["booting", "READY now"]);
    assert_eq!(run.finish().code, Some(0));
    // Inputs end first: exit 1.
    let out = dir.run(&["--no-follow", "--until", "NEVER", "a.log"]);
    assert_eq!(out.status.code(), Some(1));
    // --timeout.
    let t = Instant::now();
    let mut run = Ptail::start(&dir, &["--timeout", "300ms", "a.log"]);
    assert_eq!(run.finish().code, Some(0));
    assert!(t.elapsed() >= Duration::from_millis(300));
    // --pid: exit once that process is gone.
    let mut sleeper = Child::spawn(Command::new("sleep").arg("0.3"));
    let pid = sleeper.id().to_string();
    let mut run = Ptail::start(&dir, &["--pid", &pid, "a.log"]);
    sleeper.wait_bounded(WAIT);
    assert_eq!(run.finish().code, Some(0));
}

#[test]
fn files_that_appear_later_and_globs_that_grow() {
    let dir = Dir::ptail();
    let d = dir.path();
    std::fs::create_dir(d.join("logs")).expect("mkdir");
    append(&d.join("logs/a.log"), "a1\n");
    let mut run = Ptail::start(&dir, &["--no-prefix", "logs/*.log", "later.log"]);
    run.expect(&["a1"]);
    append(&d.join("logs/b.log"), "b1\n");
    run.expect(&["b1"]);
    append(&d.join("later.log"), "l1\n");
    run.expect(&["l1"]);
    append(&d.join("logs/a.log"), "a2\n");
    run.expect(&["a2"]);
    let end = run.stop();
    let stderr = end.stderr.join("\n");
    assert_eq!(end.code, Some(0));
    assert!(stderr.contains("later.log: does not exist yet"), "{stderr}");
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = Dir::ptail();
    let d = dir.path();
    let big: String = (0..200_000).map(|i| format!("line {i}\n")).collect();
    append(&d.join("a.log"), &big);
    let mut c = dir.spawn(&["-n", "+1", "a.log"]);
    let mut out = c.stdout.take().expect("stdout");
    let mut buf = [0u8; 100];
    out.read_exact(&mut buf).expect("read");
    drop(out);
    let code = c.wait_bounded(WAIT).code();
    let stderr = c.read_stderr();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn a_write_error_is_an_error_not_a_closed_pipe() {
    let dir = Dir::ptail();
    let d = dir.path();
    append(&d.join("a.log"), "a1\n");
    let out = dir.run(&["--no-follow", "-o", "/dev/full", "a.log"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write the output"), "{stderr}");
}

#[test]
fn bad_arguments_get_one_line() {
    for args in [
        &["--timeout", "soon", "a"][..],
        &["-n", "x", "a"],
        &["--include", "(", "a"],
        &["--state-retention", "1h", "a"],
    ] {
        let out = Dir::ptail().run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).lines().count(),
            1,
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn impossible_since_date_is_an_error() {
    let dir = Dir::ptail();
    append(&dir.path().join("a.log"), "2024-03-01 00:00:01 one\n");
    for date in ["2024-02-30", "2023-02-29", "2024-04-31 10:00:00"] {
        let out = dir.run(&["--no-follow", "--since", date, "a.log"]);
        assert_eq!(out.status.code(), Some(2), "{date}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "error: '{date}' is not a time: use a duration ago (10m, 2h, 1d, 2w) or a timestamp (2015-10-18 18:01:47, 2015-10-18T16:01:47Z, 2015-10-18)\n"
            )
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn zero_poll_interval_is_refused() {
    let out = Dir::ptail().run(&["--poll=0ms", "a.log"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: invalid value '0ms' for '--poll [<INTERVAL>]': '0ms' is too short a poll interval (at least 10ms) (see 'ptail --help')\n"
    );
}

// ---------------------------------------------------------------------------
// tail's habits: -f (by descriptor), -F (by name), -q (no prefixes).

/// A rename then a new file under the old name, followed with `flag`: the
/// lines ptail shows.
fn rename_and_recreate(flag: &str) -> Vec<String> {
    let dir = Dir::ptail();
    let d = dir.path();
    dir.create("x.log", "x0\n");
    let mut run = Ptail::start(&dir, &[flag, "-q", "x.log"]);
    run.expect(&["x0"]);
    run.wait_watching(d);
    std::fs::rename(d.join("x.log"), d.join("x.log.1")).expect("mv");
    append(&d.join("x.log"), "new1\n");
    if flag == "-f" {
        // Stays with the renamed file: its lines, never the new file's.
        append(&d.join("x.log.1"), "old1\n");
        run.expect(&["old1"]);
        append(&d.join("x.log"), "new2\n");
        append(&d.join("x.log.1"), "old2\n");
        run.expect(&["old2"]);
    } else {
        // Switches to the new file.
        run.expect(&["new1"]);
        append(&d.join("x.log"), "new2\n");
        run.expect(&["new2"]);
    }
    let end = run.stop();
    assert_eq!(end.code, Some(0), "{flag}: {end:?}");
    end.stdout
}

#[test]
fn dash_f_stays_with_a_renamed_file_and_dash_f_capital_takes_the_new_one() {
    assert_eq!(rename_and_recreate("-f"), ["x0", "old1", "old2"]);
    assert_eq!(rename_and_recreate("-F"), ["x0", "new1", "new2"]);
}

#[test]
fn dash_q_quiet_and_silent_print_no_prefixes() {
    let dir = Dir::ptail();
    dir.create("a.log", "a1\na2\n");
    dir.create("b.log", "b1\n");
    for q in ["-q", "--quiet", "--silent", "--no-prefix"] {
        let out = dir.stdout(&["--no-follow", q, "a.log", "b.log"], 0);
        assert_eq!(out, "a1\na2\nb1\n", "{q}");
    }
    // -f and -F still follow: not with --no-follow.
    for f in ["-f", "-F"] {
        let err = dir.stderr(&["--no-follow", f, "a.log"], 2);
        assert!(err.contains("cannot be used with"), "{f}: {err}");
    }
}

#[test]
fn twelve_sources_get_twelve_colours() {
    let dir = Dir::ptail();
    let names: Vec<String> = (0..13).map(|i| format!("s{i:02}.log")).collect();
    for n in &names {
        dir.create(n, &format!("line of {n}\n"));
    }
    let mut args = vec!["--no-follow", "--color", "always", "-n", "1"];
    args.extend(names.iter().map(String::as_str));
    let out = dir.stdout(&args, 0);
    // `\x1b[CODEm` + label, one per line, in input order.
    let codes: Vec<&str> = out
        .lines()
        .map(|l| {
            let rest = l.strip_prefix("\x1b[").unwrap_or_else(|| panic!("{l:?}"));
            &rest[..rest.find('m').expect("m")]
        })
        .collect();
    assert_eq!(codes.len(), 13, "{out:?}");
    let distinct: BTreeSet<&str> = codes[..12].iter().copied().collect();
    assert_eq!(distinct.len(), 12, "{codes:?}");
    // No red: it reads as an error.
    assert!(
        !codes
            .iter()
            .any(|c| ["31", "91", "38;5;196", "38;5;160"].contains(c))
    );
    // The 13th source starts the cycle again; the same run, the same colours.
    assert_eq!(codes[12], codes[0]);
    assert_eq!(dir.stdout(&args, 0), out);
}

#[test]
fn labels_stay_with_their_inputs_among_named_files() {
    // Named files with no label need no input after the start; the
    // others (labelled, typed otherwise, directories) keep theirs, and
    // the files a directory finds later, or whose names collide with a
    // named file's, are labelled as they always were.
    let dir = Dir::ptail();
    let d = dir.path();
    std::fs::create_dir_all(d.join("sub")).expect("mkdir");
    std::fs::create_dir_all(d.join("logs")).expect("mkdir");
    append(&d.join("a.log"), "a1\n");
    append(&d.join("c.log"), "c1\n");
    append(&d.join("sub/b.log"), "b1\n");
    append(&d.join("logs/a.log"), "la1\n");
    append(&d.join("x.log"), "x1\n");
    let args = ["a.log", "L=c.log", "sub/b.log", "logs", "./x.log"];
    let out = dir.stdout(
        &[&["--no-follow", "--prefix", "path"][..], &args].concat(),
        0,
    );
    assert_eq!(
        out,
        "a.log      | a1\nL          | c1\nsub/b.log  | b1\nlogs/a.log | la1\n./x.log    | x1\n"
    );
    let mut run = Ptail::start(&dir, &[&["-n", "1"][..], &args].concat());
    run.expect(&[
        "a.log      | a1",
        "L          | c1",
        "b.log      | b1",
        "logs/a.log | la1",
        "x.log      | x1",
    ]);
    run.wait_watching(&d.join("logs"));
    append(&d.join("logs/new.log"), "n1\n");
    run.expect(&["new.log    | n1"]);
    append(&d.join("logs/b.log"), "lb1\n");
    run.expect(&["logs/b.log | lb1"]);
    append(&d.join("sub/b.log"), "b2\n");
    run.expect(&["sub/b.log  | b2"]);
    append(&d.join("c.log"), "c2\n");
    run.expect(&["L          | c2"]);
    append(&d.join("x.log"), "x2\n");
    run.expect(&["x.log      | x2"]);
    append(&d.join("a.log"), "a2\n");
    run.expect(&["a.log      | a2"]);
    let end = run.stop();
    assert_eq!(end.code, Some(0), "{:?}", end.stderr);
}
