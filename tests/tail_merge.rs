//! ptail's timestamps and `--merge`, end to end.
//!
//! The loghub samples (real logs from 16 systems, 2,000 lines each, see
//! ../shared/data/loghub/README.md) come with the loghub project's own
//! parse of every line in a CSV. Those columns, turned into instants by GNU
//! `date` (not by ptail's code), are the oracle for the timestamp ptail
//! detects on every line; merging all 16 must then give every line exactly
//! once, in non-decreasing time.

mod util;

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use util::{Child, Dir, append, lines_of, run_bounded};

/// A directory for ptail to run in.
fn fixture() -> Dir {
    // Timestamps without an offset are local time: pin the zone.
    Dir::ptail().with_env("TZ", "UTC")
}

/// ptail in `dir` with `args`, then the input files (bounded).
fn ptail<F: AsRef<OsStr>>(dir: &Dir, args: &[&str], files: &[F]) -> Output {
    let mut cmd = dir.command();
    cmd.args(args).args(files);
    run_bounded(&mut cmd, None)
}

/// The loghub samples: `PFILES_LOGHUB`, else `../shared/data/loghub`
/// beside the repository or the workspace's parent.
fn loghub() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("PFILES_LOGHUB").map(PathBuf::from),
        Some(here.join("../shared/data/loghub")),
        Some(PathBuf::from("/work/shared/data/loghub")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("Zookeeper_2k.log_structured.csv").is_file())
        .expect("the loghub samples (set PFILES_LOGHUB to their directory)")
}

/// Every system, and how its CSV row becomes a string GNU `date` parses.
/// Formats without a year get `YEAR` (the copies' mtime is in that year,
/// and every date of a year is at most two days after it).
const YEAR: &str = "2018";

fn oracle_input(system: &str, header: &[String], row: &[String]) -> String {
    let col = |name: &str| -> &str {
        let i = header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{system}: no column {name}"));
        &row[i]
    };
    match system {
        "Android" => format!("{YEAR}-{} {}", col("Date"), col("Time")),
        "Apache" => col("Time").to_string(),
        "BGL" | "Thunderbird" => format!("@{}", col("Timestamp")),
        "HPC" => format!("@{}", col("Time")),
        "HDFS" => {
            let (d, t) = (col("Date"), col("Time"));
            format!(
                "20{}-{}-{} {}:{}:{}",
                &d[0..2],
                &d[2..4],
                &d[4..6],
                &t[0..2],
                &t[2..4],
                &t[4..6]
            )
        }
        "HealthApp" => {
            // 20171223-22:15:29:606, unpadded: 20171223-22:16:0:96. The
            // last field counts milliseconds (the file goes :96, :97, :104).
            let t = col("Time");
            let parts: Vec<&str> = t[9..].split(':').collect();
            format!(
                "{}-{}-{} {}:{}:{}.{:0>3}",
                &t[0..4],
                &t[4..6],
                &t[6..8],
                parts[0],
                parts[1],
                parts[2],
                parts[3]
            )
        }
        "Linux" | "Mac" => format!("{} {} {YEAR} {}", col("Date"), col("Month"), col("Time")),
        "OpenSSH" => format!("{} {} {YEAR} {}", col("Day"), col("Date"), col("Time")),
        "Proxifier" => {
            let t = col("Time");
            format!("{YEAR}-{}-{} {}", &t[0..2], &t[3..5], &t[6..])
        }
        "Spark" => format!("20{} {}", col("Date").replace('/', "-"), col("Time")),
        "Hadoop" | "Zookeeper" | "OpenStack" | "Windows" => {
            format!("{} {}", col("Date"), col("Time").replace(',', "."))
        }
        other => panic!("no oracle for {other}"),
    }
}

const SYSTEMS: [&str; 16] = [
    "Android",
    "Apache",
    "BGL",
    "HDFS",
    "HPC",
    "Hadoop",
    "HealthApp",
    "Linux",
    "Mac",
    "OpenSSH",
    "OpenStack",
    "Proxifier",
    "Spark",
    "Thunderbird",
    "Windows",
    "Zookeeper",
];

/// RFC 4180 rows (quoted fields with `""`).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Each input through GNU `date`: `2015-10-18T18:01:47.978000`.
fn gnu_date(inputs: &[String]) -> Vec<String> {
    let text = inputs.join("\n") + "\n";
    let out = run_bounded(
        Command::new("date").args(["-u", "-f", "-", "+%Y-%m-%dT%H:%M:%S.%6N"]),
        Some(text.as_bytes()),
    );
    assert!(
        out.status.success(),
        "date: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect()
}

/// ptail's `2015-10-18T18:01:47.978+00:00` as `date` prints it.
fn normalise(ts: &str) -> String {
    let t = ts.strip_suffix("+00:00").expect("UTC offset");
    match t.split_once('.') {
        Some((s, f)) => format!("{s}.{f:0<6}"),
        None => format!("{t}.000000"),
    }
}

/// Copies of the samples, modified (for the year of timestamps without
/// one) at YEAR-12-31.
fn copies(dir: &Path) -> Vec<PathBuf> {
    let src = loghub();
    let mtime = SystemTime::UNIX_EPOCH + Duration::from_secs(1_546_257_600); // 2018-12-31T12:00:00Z
    SYSTEMS
        .iter()
        .map(|s| {
            let to = dir.join(format!("{s}.log"));
            std::fs::copy(src.join(format!("{s}_2k.log")), &to).expect("copy");
            let f = std::fs::File::options()
                .write(true)
                .open(&to)
                .expect("open copy");
            f.set_modified(mtime).expect("set mtime");
            to
        })
        .collect()
}

fn json_lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn loghub_timestamps_match_the_csv_oracle() {
    let dir = fixture();
    let files = copies(dir.path());
    let csv_dir = loghub();
    for (system, path) in SYSTEMS.iter().zip(&files) {
        let text = std::fs::read_to_string(csv_dir.join(format!("{system}_2k.log_structured.csv")))
            .expect("csv");
        let rows = csv_rows(&text);
        let (header, rows) = rows.split_first().expect("header");
        let want = gnu_date(
            &rows
                .iter()
                .map(|r| oracle_input(system, header, r))
                .collect::<Vec<_>>(),
        );
        let out = ptail(&dir, &["--no-follow", "-n", "+1", "--json"], &[path]);
        assert!(out.status.success(), "{system}: {out:?}");
        let got = json_lines(&out.stdout);
        assert_eq!(got.len(), rows.len(), "{system}: one object per line");
        assert_eq!(want.len(), rows.len(), "{system}: date output");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            let ts = g["timestamp"]
                .as_str()
                .unwrap_or_else(|| panic!("{system} line {}: no timestamp: {g}", i + 1));
            assert_eq!(&normalise(ts), w, "{system} line {}: {g}", i + 1);
        }
    }
}

#[test]
fn merging_sixteen_services_orders_every_line_once() {
    let dir = fixture();
    let files = copies(dir.path());
    let out = ptail(
        &dir,
        &["--merge", "--no-follow", "-n", "+1", "--json"],
        &files,
    );
    assert!(out.status.success(), "{out:?}");
    let got = json_lines(&out.stdout);

    // Every line of every input, exactly once.
    let mut want = HashSet::new();
    for (s, f) in SYSTEMS.iter().zip(&files) {
        let data = std::fs::read(f).expect("read");
        let mut at = 0;
        for l in data.split_inclusive(|&b| b == b'\n') {
            want.insert((format!("{s}.log"), at));
            at += l.len() as u64;
        }
    }
    let mut seen = HashSet::new();
    for g in &got {
        let key = (
            g["source"].as_str().expect("source").to_string(),
            g["offset"].as_u64().expect("offset"),
        );
        assert!(seen.insert(key.clone()), "twice: {key:?}");
    }
    assert_eq!(seen, want);

    // In time order (same offset everywhere: the strings sort as times).
    let times: Vec<String> = got
        .iter()
        .map(|g| normalise(g["timestamp"].as_str().expect("timestamp")))
        .collect();
    for (i, w) in times.windows(2).enumerate() {
        assert!(w[0] <= w[1], "out of order at {i}: {} > {}", w[0], w[1]);
    }
    // Stable: lines of one file with the same time keep the file's order.
    for w in got.windows(2) {
        if w[0]["source"] == w[1]["source"] && w[0]["timestamp"] == w[1]["timestamp"] {
            let (a, b) = (w[0]["offset"].as_u64(), w[1]["offset"].as_u64());
            assert!(a < b, "equal times out of file order: {} / {}", w[0], w[1]);
        }
    }
}

#[test]
fn stack_traces_stay_with_their_line_and_since_starts_the_history() {
    let dir = fixture();
    let a = dir.create(
        "a.log",
        "2024-05-01 10:00:01,000 INFO start\n\
         2024-05-01 10:00:03,000 ERROR boom\n\
         java.lang.IllegalStateException: 2024-05-01 09:00:00 is not a time here\n\
         \tat a.B.c(B.java:1)\n\
         2024-05-01 10:00:05,000 INFO done\n",
    );
    let b = dir.create(
        "b.log",
        "2024-05-01T10:00:02Z b two\n2024-05-01T10:00:04Z b four\n2024-05-01T10:00:06Z b six\n",
    );
    let out = ptail(
        &dir,
        &["--merge", "--no-follow", "-n", "+1", "--color", "never"],
        &[&a, &b],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "a.log | 2024-05-01 10:00:01,000 INFO start\n\
         b.log | 2024-05-01T10:00:02Z b two\n\
         a.log | 2024-05-01 10:00:03,000 ERROR boom\n\
         a.log | java.lang.IllegalStateException: 2024-05-01 09:00:00 is not a time here\n\
         a.log | \tat a.B.c(B.java:1)\n\
         b.log | 2024-05-01T10:00:04Z b four\n\
         a.log | 2024-05-01 10:00:05,000 INFO done\n\
         b.log | 2024-05-01T10:00:06Z b six\n"
    );

    // --since: each history from its first line at or after the time.
    let out = ptail(
        &dir,
        &[
            "--merge",
            "--no-follow",
            "--no-prefix",
            "--since",
            "2024-05-01 10:00:03",
        ],
        &[&a, &b],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2024-05-01 10:00:03,000 ERROR boom\n\
         java.lang.IllegalStateException: 2024-05-01 09:00:00 is not a time here\n\
         \tat a.B.c(B.java:1)\n\
         2024-05-01T10:00:04Z b four\n\
         2024-05-01 10:00:05,000 INFO done\n\
         2024-05-01T10:00:06Z b six\n"
    );
    // With -n, the last N of those.
    let out = ptail(
        &dir,
        &[
            "--no-follow",
            "--no-prefix",
            "-n",
            "1",
            "--since",
            "2024-05-01T10:00:00Z",
        ],
        &[&b],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2024-05-01T10:00:06Z b six\n"
    );
    // A time after everything: nothing.
    let out = ptail(&dir, &["--no-follow", "--since", "2030-01-01"], &[&b]);
    assert!(out.status.success() && out.stdout.is_empty(), "{out:?}");
}

#[test]
fn forced_formats_untimed_files_and_until_in_merged_order() {
    let dir = fixture();
    let a = dir.create(
        "eu.log",
        "02.01.2024 10:00:03 eu three\n01.01.2024 10:00:00 eu zero\n",
    );
    let b = dir.create("plain.log", "no time here\nnor here\n");
    let c = dir.create(
        "iso.log",
        "2024-01-02 10:00:01 iso one\n2024-01-02 10:00:05 iso five\n",
    );
    let out = ptail(
        &dir,
        &[
            "--merge",
            "--no-follow",
            "--no-prefix",
            "--time-format",
            "%d.%m.%Y %H:%M:%S",
        ],
        &[&a, &c],
    );
    assert!(out.status.success(), "{out:?}");
    // A forced format applies to every file: iso.log has none of it.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2024-01-02 10:00:01 iso one\n2024-01-02 10:00:05 iso five\n\
         01.01.2024 10:00:00 eu zero\n02.01.2024 10:00:03 eu three\n"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("iso.log: no timestamps recognised"),
        "{out:?}"
    );

    // Untimed files first, in their order; --until stops in merged order.
    let out = ptail(
        &dir,
        &["--merge", "--no-follow", "--no-prefix", "--until", "one"],
        &[&c, &b],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no time here\nnor here\n2024-01-02 10:00:01 iso one\n"
    );

    // Bad values: one line each, exit 2.
    for args in [
        &["--time-format", "%Q"][..],
        &["--since", "around noon"][..],
        &["--reorder-window", "soon"][..],
    ] {
        let out = ptail(&dir, args, &[&c]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
}

/// Read stdout lines until `n` have arrived (bounded).
fn read_lines(child: &mut Child, n: usize, within: Duration) -> Vec<String> {
    let rx = lines_of(child.stdout.take().expect("stdout"));
    let deadline = Instant::now() + within;
    let mut lines = Vec::new();
    while lines.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => lines.push(l),
            Err(_) => panic!("only {} of {n} lines: {lines:?}", lines.len()),
        }
    }
    lines
}

#[test]
fn live_lines_are_reordered_within_the_window() {
    let dir = fixture();
    let a = dir.create("a.log", "");
    let b = dir.create("b.log", "");
    let mut child = Child::spawn(
        dir.command()
            .args(["--no-prefix", "-n", "0", "--reorder-window", "700ms"])
            .args(["--timeout", "20s"])
            .args([&a, &b])
            .stdout(Stdio::piped()),
    );
    // Once it watches, write b's later line before a's earlier one, with
    // a's trace line.
    util::wait_watching(Duration::from_secs(10), child.id(), dir.path());
    let t0 = Instant::now();
    append(&b, "2024-01-01T00:00:02Z b later\n");
    std::thread::sleep(Duration::from_millis(100));
    append(&a, "2024-01-01T00:00:01Z a earlier\n  trace of a\n");
    let lines = read_lines(&mut child, 3, Duration::from_secs(10));
    let waited = t0.elapsed();
    assert_eq!(
        lines,
        [
            "2024-01-01T00:00:01Z a earlier",
            "  trace of a",
            "2024-01-01T00:00:02Z b later"
        ]
    );
    // Held about the window, not much longer.
    assert!(
        waited >= Duration::from_millis(600) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
}
