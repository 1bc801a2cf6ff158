//! `--since` checked against a trusted answer: the history of a file
//! starts at the first line stamped at or after the time and runs to its
//! end, whether ptail finds that line by binary search (sorted files) or
//! by a scan (out-of-order files, files without timestamps).
//!
//! Seeded logs are generated here, and the test knows the instant of
//! every line it wrote: records in one of several formats the detector
//! knows (ISO with a comma or a `T` and `Z`, Apache's access log, syslog
//! without a year, epoch milliseconds), untimed continuation lines (a
//! stack trace, one mentioning a date further in), repeated stamps and
//! runs of equal ones, lines longer than the seek's reads, a last line
//! without a newline, sizes well beyond the seek's buffers, files out of
//! order (neighbours swapped; two halves swapped), files without any
//! timestamp, and empty files. Each file is asked for several `--since`
//! times (before, inside, on a stamp, after), and ptail's output (`ptail
//! --no-follow --no-prefix`, the real binary) must be exactly the
//! generated lines from the first timed one at or after the time. A sorted
//! file must say nothing on stderr; a file with its halves swapped, big
//! enough for the probes to be far apart, must say once that it falls
//! back to the scan.
//!
//! `PTAIL_SINCE_SEED` (default fixed) and `PTAIL_SINCE_ITERS` (default 25
//! files) select the run.

mod util;

use std::time::{SystemTime, UNIX_EPOCH};

use std::io::Write;

use util::{Dir, Ptail, Rng, append, appender, proc_status_bytes, seed_from_env, text};

const SEC: i64 = 1_000_000;
const DAY: i64 = 86_400 * SEC;
/// The seek's window ([`WINDOW`] in crates/tail/src/time/seek.rs): files
/// this many times bigger really search.
const WINDOW: usize = 64 << 10;
const FELL_BACK: &str =
    "timestamps out of order; --since reads it from its start instead of seeking";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    IsoComma,
    IsoZ,
    Clf,
    Syslog,
    EpochMs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    Sorted,
    /// Neighbouring records' stamps swapped: disorder a few lines wide.
    Jitter,
    /// The later half first: disorder as wide as the file.
    Swapped,
    NoTimes,
    Empty,
}

/// One generated line: its text (no newline) and its instant if timed.
struct Line {
    text: String,
    time: Option<i64>,
}

/// `(year, month, day)` of days since 1970-01-01 (Howard Hinnant's
/// algorithm, written again here so that the test trusts no ptail code).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `t` written in `fmt` (at the format's resolution, which the caller
/// has already truncated `t` to), with the rest of a line.
fn render(fmt: Format, t: i64, msg: &str) -> String {
    let (y, mo, d) = civil(t.div_euclid(DAY));
    let in_day = t.rem_euclid(DAY);
    let (h, mi, s) = (
        in_day / 3_600_000_000,
        in_day / 60_000_000 % 60,
        in_day / SEC % 60,
    );
    let micros = in_day % SEC;
    match fmt {
        Format::IsoComma => format!(
            "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02},{:03} INFO {msg}",
            micros / 1000
        ),
        Format::IsoZ => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{micros:06}Z {msg}"),
        Format::Clf => {
            // Written at +02:00: the wall clock is two hours ahead.
            let local = t + 2 * 3_600 * SEC;
            let (y, mo, d) = civil(local.div_euclid(DAY));
            let in_day = local.rem_euclid(DAY);
            format!(
                "10.0.0.{} - - [{d:02}/{}/{y:04}:{:02}:{:02}:{:02} +0200] \"GET /{msg} HTTP/1.1\" 200 512",
                msg.len() % 250,
                MONTHS[mo as usize - 1],
                in_day / 3_600_000_000,
                in_day / 60_000_000 % 60,
                in_day / SEC % 60
            )
        }
        Format::Syslog => format!(
            "{} {d:>2} {h:02}:{mi:02}:{s:02} host app[42]: {msg}",
            MONTHS[mo as usize - 1]
        ),
        Format::EpochMs => format!("{} {msg}", t / 1000),
    }
}

fn resolution(fmt: Format) -> i64 {
    match fmt {
        Format::IsoComma | Format::EpochMs => 1000,
        Format::IsoZ => 1,
        Format::Clf | Format::Syslog => SEC,
    }
}

/// `--since` as an unambiguous instant.
fn since_arg(t: i64) -> String {
    let (y, mo, d) = civil(t.div_euclid(DAY));
    let in_day = t.rem_euclid(DAY);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
        in_day / 3_600_000_000,
        in_day / 60_000_000 % 60,
        in_day / SEC % 60,
        in_day % SEC
    )
}

/// Untimed lines that follow record `k` (never a timestamp at the start).
/// One mentions a date further in, but only after the first 64 lines
/// (which choose the format and field by vote: there, a file of one record
/// and two such lines would rightly be read as stamped by those dates).
fn continuation(rng: &mut Rng, k: usize) -> String {
    match rng.below(4) {
        0 => format!("\tat com.example.Worker.run(Worker.java:{k})"),
        1 if k > 64 => {
            format!("Caused by: java.io.IOException: read {k} failed at 2019-03-04 05:06:07")
        }
        1 => format!("Caused by: java.io.IOException: read {k} failed"),
        2 => format!("    ... {} more", rng.below(40)),
        _ => format!("  | detail {k}: {}", "x".repeat(rng.below(120))),
    }
}

/// A message, now and then much longer than the seek reads at a time.
fn message(rng: &mut Rng, k: usize, huge: bool) -> String {
    if huge && rng.chance(1) {
        return format!("big{k} {}", "y".repeat(70_000 + rng.below(250_000)));
    }
    format!("event {k} {}", "m".repeat(rng.below(150)))
}

/// A generated file: its lines and whether the last has no newline.
struct Log {
    fmt: Format,
    order: Order,
    lines: Vec<Line>,
    partial: bool,
}

impl Log {
    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            out.extend_from_slice(l.text.as_bytes());
            if !(self.partial && i + 1 == self.lines.len()) {
                out.push(b'\n');
            }
        }
        out
    }

    /// The trusted answer: the lines from the first timed one at or after
    /// `since`, each with a newline (ptail ends a last partial line with
    /// one too).
    fn expected(&self, since: i64) -> String {
        let Some(first) = self
            .lines
            .iter()
            .position(|l| l.time.is_some_and(|t| t >= since))
        else {
            return String::new();
        };
        let mut out = String::new();
        for l in &self.lines[first..] {
            out.push_str(&l.text);
            out.push('\n');
        }
        out
    }

    fn times(&self) -> Vec<i64> {
        self.lines.iter().filter_map(|l| l.time).collect()
    }
}

fn generate(rng: &mut Rng, now: i64) -> Log {
    let fmt = *rng.pick(&[
        Format::IsoComma,
        Format::IsoZ,
        Format::Clf,
        Format::Syslog,
        Format::EpochMs,
    ]);
    let order = *rng.pick(&[
        Order::Sorted,
        Order::Sorted,
        Order::Sorted,
        Order::Sorted,
        Order::Jitter,
        Order::Swapped,
        Order::NoTimes,
        Order::Empty,
    ]);
    // Bytes: tiny, small, a few windows, many.
    let target = *rng.pick(&[300, 8 << 10, 200 << 10, 900 << 10]);
    let partial = rng.chance(35);
    if order == Order::Empty {
        return Log {
            fmt,
            order,
            lines: Vec::new(),
            partial: false,
        };
    }
    // Syslog has no year: its lines must be from the past year (ptail
    // takes the year that puts them before the file's time).
    let mut t = now - 200 * DAY + rng.below(3600) as i64 * SEC;
    let res = resolution(fmt);
    // Records: a timed line and its continuation lines.
    let mut records: Vec<(i64, String, Vec<String>)> = Vec::new();
    let mut size = 0;
    let mut k = 0;
    while size < target {
        k += 1;
        // Repeated stamps often; now and then a run of them.
        let step = match rng.below(10) {
            0..=2 => 0,
            3 => rng.below(50) as i64 * 1000,
            _ => rng.below(3 * SEC as usize) as i64,
        };
        t += step;
        let msg = message(rng, k, order == Order::Sorted);
        let mut cont = Vec::new();
        if rng.chance(12) {
            for _ in 0..1 + rng.below(5) {
                cont.push(continuation(rng, k));
            }
        }
        if order == Order::Sorted && rng.chance(1) {
            cont.push(format!(
                "\tdump {}",
                "z".repeat(70_000 + rng.below(200_000))
            ));
        }
        size += msg.len() + 40 + cont.iter().map(|c| c.len() + 1).sum::<usize>();
        records.push((t - t.rem_euclid(res), msg, cont));
    }
    match order {
        Order::Jitter => {
            for i in 0..records.len().saturating_sub(3) {
                if rng.chance(20) {
                    let j = i + 1 + rng.below(3);
                    let (a, b) = (records[i].0, records[j].0);
                    records[i].0 = b;
                    records[j].0 = a;
                }
            }
        }
        Order::Swapped if records.len() >= 4 => {
            // The later part an hour later, then first: every stamp of it
            // is after every stamp of the rest.
            let split = records.len() / 4 + rng.below(records.len() / 2);
            for r in &mut records[split..] {
                r.0 += 3600 * SEC;
            }
            records.rotate_left(split);
        }
        _ => {}
    }
    let mut lines = Vec::new();
    for (t, msg, cont) in records {
        if order == Order::NoTimes {
            lines.push(Line {
                text: format!("plain {msg}"),
                time: None,
            });
        } else {
            lines.push(Line {
                text: render(fmt, t, &msg),
                time: Some(t),
            });
        }
        for c in cont {
            lines.push(Line {
                text: c,
                time: None,
            });
        }
    }
    Log {
        fmt,
        order,
        lines,
        partial,
    }
}

/// `--since` times worth asking a log: before, after, on a stamp (the
/// first of a run of equal ones), between stamps.
fn since_times(rng: &mut Rng, log: &Log, now: i64) -> Vec<i64> {
    let times = log.times();
    let (Some(&lo), Some(&hi)) = (times.iter().min(), times.iter().max()) else {
        return vec![now - 300 * DAY, now - 1000 * SEC];
    };
    let mut out = vec![lo - SEC, hi + SEC];
    for _ in 0..3 {
        let on = times[rng.below(times.len())];
        out.push(on);
        out.push(on + rng.below(SEC as usize) as i64 - SEC / 2);
        out.push(lo + (rng.next_u64() % (hi - lo + 1) as u64) as i64);
    }
    out.push(*times.last().unwrap_or(&hi));
    out
}

#[test]
fn since_output_is_the_first_line_at_or_after_the_time_and_all_after_it() {
    let seed = seed_from_env("PTAIL_SINCE_SEED", 0x005e_ed15);
    let iters = seed_from_env("PTAIL_SINCE_ITERS", 25);
    let mut rng = Rng::new(seed);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_micros() as i64;
    let dir = Dir::ptail().with_env("TZ", "UTC");
    for iter in 0..iters {
        let log = generate(&mut rng, now);
        let name = format!("f{iter}.log");
        let bytes = log.bytes();
        dir.create_bytes(&name, &bytes);
        for since in since_times(&mut rng, &log, now) {
            let arg = since_arg(since);
            let out = dir.run(&["--no-follow", "--no-prefix", "--since", &arg, &name]);
            let what = || {
                format!(
                    "seed {seed} iter {iter}: {:?} {:?}, {} bytes, {} lines, partial last line {}, --since {arg}",
                    log.fmt,
                    log.order,
                    bytes.len(),
                    log.lines.len(),
                    log.partial
                )
            };
            assert_eq!(out.status.code(), Some(0), "{}", what());
            let want = log.expected(since);
            let got = text(&out.stdout);
            if got != want {
                let first = |s: &str| {
                    s.lines()
                        .next()
                        .map(|l| l.chars().take(120).collect::<String>())
                };
                panic!(
                    "{}\nwant {} bytes starting {:?}\ngot  {} bytes starting {:?}\nstderr: {}",
                    what(),
                    want.len(),
                    first(&want),
                    got.len(),
                    first(&got),
                    text(&out.stderr)
                );
            }
            let err = text(&out.stderr);
            let first_time = log.lines.iter().find_map(|l| l.time);
            match log.order {
                Order::Sorted | Order::NoTimes | Order::Empty => {
                    assert_eq!(err, "", "{}", what());
                }
                Order::Jitter => {
                    assert!(
                        err.is_empty() || err == format!("ptail: {name}: {FELL_BACK}\n"),
                        "{}: {err}",
                        what()
                    );
                }
                Order::Swapped => {
                    // Big enough that the first line and a sample in the
                    // earlier half are a window apart, and the answer is
                    // not the very first line: the disorder is seen.
                    let seen = bytes.len() >= 4 * WINDOW && first_time.is_some_and(|t| t < since);
                    if seen {
                        assert_eq!(err, format!("ptail: {name}: {FELL_BACK}\n"), "{}", what());
                    } else {
                        assert!(
                            err.is_empty() || err == format!("ptail: {name}: {FELL_BACK}\n"),
                            "{}: {err}",
                            what()
                        );
                    }
                }
            }
        }
    }
}

/// Regression: a last line without a newline was shown whatever its
/// stamp (the scan stopped at it without looking).
#[test]
fn a_last_line_without_newline_obeys_since() {
    let dir = Dir::ptail().with_env("TZ", "UTC");
    dir.create(
        "a.log",
        "2024-05-01 10:00:01 one\n2024-05-01 10:00:04 two, still being written",
    );
    let run = |since: &str| {
        dir.stdout(
            &["--no-follow", "--no-prefix", "--since", since, "a.log"],
            0,
        )
    };
    assert_eq!(run("2024-05-01 10:00:05"), "");
    assert_eq!(
        run("2024-05-01 10:00:04"),
        "2024-05-01 10:00:04 two, still being written\n"
    );
    assert_eq!(
        run("2024-05-01 10:00:02"),
        "2024-05-01 10:00:04 two, still being written\n"
    );
}

/// Regression: following, a last line left out by `--since` was shown
/// once the writer completed it (the history started at that line); now
/// the rest of it is dropped, never shown as a line of its own, and what
/// follows is shown.
#[test]
fn a_left_out_last_line_completed_later_is_not_shown_at_all() {
    let dir = Dir::ptail().with_env("TZ", "UTC");
    let path = dir.create(
        "a.log",
        "2024-05-01 10:00:01 one\n2024-05-01 10:00:04 two, still",
    );
    let mut p = Ptail::start(
        &dir,
        &["--no-prefix", "--since", "2024-05-01 10:00:05", "a.log"],
    );
    p.wait_watching(dir.path());
    append(&path, " being written\n2024-05-01 10:00:09 three\n");
    p.expect(&["2024-05-01 10:00:09 three"]);
    let end = p.stop();
    assert_eq!(end.stdout, ["2024-05-01 10:00:09 three"], "{end:?}");
    assert!(end.stderr.is_empty(), "{end:?}");
}

/// `--since` takes days and weeks ago, and a date alone (midnight in the
/// zone in use).
#[test]
fn since_takes_days_weeks_and_dates() {
    let dir = Dir::ptail().with_env("TZ", "Europe/Paris");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_micros() as i64;
    let iso = |t: i64| {
        let (y, mo, d) = civil(t.div_euclid(DAY));
        let s = t.rem_euclid(DAY) / SEC;
        format!(
            "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    };
    let lines = [
        format!("{} fifteen days ago", iso(now - 15 * DAY)),
        format!("{} ten days ago", iso(now - 10 * DAY)),
        format!("{} two days ago", iso(now - 2 * DAY)),
        format!("{} an hour ago", iso(now - 3600 * SEC)),
    ];
    dir.create("a.log", &(lines.join("\n") + "\n"));
    let run = |since: &str| {
        dir.stdout(
            &["--no-follow", "--no-prefix", "--since", since, "a.log"],
            0,
        )
    };
    assert_eq!(run("1d"), format!("{}\n", lines[3]));
    assert_eq!(run("3d"), format!("{}\n{}\n", lines[2], lines[3]));
    assert_eq!(run("2w"), lines[1..].join("\n") + "\n");
    assert_eq!(run("3w"), lines.join("\n") + "\n");

    // A date is midnight in the zone (Paris: 22:00 or 23:00 UTC the day
    // before).
    dir.create(
        "b.log",
        "2015-10-17T21:59:59Z before\n2015-10-17T22:00:00Z midnight in Paris\n",
    );
    assert_eq!(
        dir.stdout(
            &[
                "--no-follow",
                "--no-prefix",
                "--since",
                "2015-10-18",
                "b.log"
            ],
            0
        ),
        "2015-10-17T22:00:00Z midnight in Paris\n"
    );
}

/// Regression: the scan read each line whole, so a line of many MB before
/// the time was held in memory at once (a multi-GB one could exhaust it).
/// The seek walks through it in bounded reads; the follower then starts
/// after it. Measured while ptail follows (a zombie has no memory fields).
#[test]
fn a_huge_line_before_the_time_is_never_held_whole() {
    const HUGE: usize = 64 << 20;
    let dir = Dir::ptail().with_env("TZ", "UTC");
    let path = dir.path().join("a.log");
    let mut f = appender(&path);
    f.write_all(b"2024-05-01 10:00:00 start\n\tdump ")
        .expect("write");
    let chunk = vec![b'z'; 1 << 20];
    for _ in 0..HUGE >> 20 {
        f.write_all(&chunk).expect("write");
    }
    f.write_all(b"\n2024-05-01 10:00:01 one\n2024-05-01 10:00:05 after\n")
        .expect("write");
    drop(f);
    let mut p = Ptail::start(
        &dir,
        &["--no-prefix", "--since", "2024-05-01 10:00:05", "a.log"],
    );
    p.expect(&["2024-05-01 10:00:05 after"]);
    let peak = proc_status_bytes(p.child.id(), "VmHWM");
    assert!(
        peak < (HUGE / 2) as u64,
        "ptail's peak memory {peak} bytes: a {HUGE}-byte line was held whole"
    );
    let end = p.stop();
    assert_eq!(end.stdout, ["2024-05-01 10:00:05 after"], "{end:?}");
    assert!(end.stderr.is_empty(), "{end:?}");
}
