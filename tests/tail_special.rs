//! End-to-end tests of ptail on inputs that are not regular log files:
//! FIFOs (named pipes) and pseudo files whose size is 0 whatever they hold
//! (`/proc`, `/sys`). What ptail does with them is decided in the module
//! comment of `crates/tail/src/follow.rs`; these tests hold it to that:
//!
//! * a FIFO's descriptor is never given back (parked) under a low
//!   descriptor limit: closing it would kill its writer with EPIPE, and
//!   what the pipe held would be lost;
//! * a FIFO outlives its writers: one closing and another opening later
//!   is one stream; `-n N` shows the last N lines of what the pipe holds
//!   at start, without waiting for more;
//! * a line written to a FIFO shows when written (ptail waits on the
//!   FIFO: a write makes no notification), not at the next check; a
//!   FIFO whose writer left, a device at its end and a pipe whose writers
//!   are gone for good keep ptail idle (measured: its CPU time over a
//!   second, far below a core);
//! * with `--state`, a FIFO's position is not saved, nor resumed as a file
//!   rotated away;
//! * a pseudo file is shown at start (its last N lines, like a pipe's)
//!   and never again as "truncated" at each check.
//!
//! Every wait is bounded ([`WAIT`]); the oracles are the bytes the test
//! wrote or read itself.

mod util;

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use util::ptail::{PTAIL, WAIT};
use util::{Child, Dir, Ptail};

fn mkfifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .expect("mkfifo");
}

/// The FIFO `pipe` and the file `a.log` (one line, `a1`) in `dir`: the
/// inputs of the FIFO tests. Returns the FIFO's path.
fn fifo_beside_a_log(dir: &Dir) -> std::path::PathBuf {
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    dir.create("a.log", "a1\n");
    fifo
}

/// A writer on `fifo` opened without waiting: it fails (ENXIO) unless
/// ptail holds the FIFO open for reading, instead of hanging.
fn fifo_writer(fifo: &Path) -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(i32::try_from(rustix::fs::OFlags::NONBLOCK.bits()).expect("O_NONBLOCK fits"))
        .open(fifo)
        .unwrap_or_else(|e| panic!("ptail does not hold the FIFO open for reading: {e}"))
}

/// The FIFO opened for reading and writing (never waits): the test holds
/// the pipe, so what it writes stays buffered until ptail reads it.
fn fifo_holder(fifo: &Path) -> std::fs::File {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(fifo)
        .expect("open the FIFO read-write")
}

// ---------------------------------------------------------------------------
// FIFOs.

/// Regression: past the descriptor budget ptail parked (closed) the
/// least recently read files, the FIFO among them: its writer got EPIPE
/// (or blocked on open), and the FIFO was never reopened (it cannot be
/// sought back to its offset).
#[test]
fn a_fifo_is_never_closed_to_stay_under_the_descriptor_limit() {
    const FILES: usize = 40;
    let dir = Dir::ptail();
    mkfifo(&dir.path().join("pipe"));
    let mut args = vec!["pipe".to_string()];
    for i in 0..FILES {
        dir.create(&format!("f{i:02}.log"), &format!("f{i:02} 1\n"));
        args.push(format!("f{i:02}.log"));
    }
    // Both limits lowered: the budget is 80 - 64 = 16 descriptors, for
    // 41 inputs. Polling, with a short tick: the files' lines are seen at
    // the next one (the FIFO's when written).
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        "ulimit -n 80 && exec \"$0\" --no-prefix --poll 20ms \"$@\"",
        PTAIL,
    ])
    .args(&args)
    .current_dir(dir.path());
    let mut run = Ptail::spawn(cmd);
    let history: Vec<String> = (0..FILES).map(|i| format!("f{i:02} 1")).collect();
    let refs: Vec<&str> = history.iter().map(String::as_str).collect();
    run.expect(&refs);
    let mut w = fifo_writer(&dir.path().join("pipe"));
    for i in 0..10 {
        w.write_all(format!("p{i}\n").as_bytes())
            .unwrap_or_else(|e| run.fail(&format!("writing line {i} to the FIFO: {e}")));
        run.expect(&[&format!("p{i}")]);
        // Some other file read meanwhile: the FIFO is the least recently
        // read, the first to park if it could be.
        append_line(&dir, i);
        run.expect(&[&format!("f{:02} 2", i % FILES)]);
    }
    drop(w);
    let end = run.stop();
    assert_eq!(end.code, Some(0), "{end:?}");
    assert_eq!(end.stderr, Vec::<String>::new());
}

fn append_line(dir: &Dir, i: usize) {
    util::append(
        &dir.path().join(format!("f{:02}.log", i % 40)),
        format!("f{:02} 2\n", i % 40),
    );
}

/// A FIFO is one stream across its writers: what the pipe held at start
/// (its last `-n` lines, shown at once), then a writer that closes, then
/// another that opens later. Each must find ptail still reading.
#[test]
fn a_fifo_shows_its_last_lines_then_outlives_its_writers() {
    let dir = Dir::ptail();
    let fifo = fifo_beside_a_log(&dir);
    let mut holder = fifo_holder(&fifo);
    holder.write_all(b"h1\nh2\nh3\nh4\nh5\n").expect("write");
    let mut run = Ptail::start(&dir, &["--no-prefix", "-n", "2", "pipe", "a.log"]);
    // The last two lines the pipe held, at once (nothing waits for the
    // pipe to end), then a.log's.
    run.expect(&["h4", "h5", "a1"]);
    run.wait_watching(dir.path());
    holder.write_all(b"h6\n").expect("write");
    run.expect(&["h6"]);
    // ptail is now the only reader; the first writer comes and goes.
    drop(holder);
    let mut w = fifo_writer(&fifo);
    w.write_all(b"w1 1\nw1 2\n").expect("write");
    run.expect(&["w1 1", "w1 2"]);
    drop(w);
    util::append(&dir.path().join("a.log"), "a2\n");
    run.expect(&["a2"]);
    // A second writer, after the first closed.
    let mut w = fifo_writer(&fifo);
    w.write_all(b"w2 1\n").expect("write");
    run.expect(&["w2 1"]);
    drop(w);
    let end = run.stop();
    assert_eq!(end.code, Some(0), "{end:?}");
    assert_eq!(
        end.stdout,
        ["h4", "h5", "a1", "h6", "w1 1", "w1 2", "a2", "w2 1"]
    );
    assert_eq!(end.stderr, Vec::<String>::new());
}

/// `--state` with a FIFO: its offset means nothing (what was read from a
/// pipe is gone), so it is not saved as a file's place: the next run
/// reads the FIFO as new, and says nothing of a file "rotated or deleted
/// while ptail was down".
#[test]
fn a_fifo_with_state_is_not_resumed_as_a_rotated_file() {
    let dir = Dir::ptail();
    let fifo = fifo_beside_a_log(&dir);
    let mut holder = fifo_holder(&fifo);
    let args = ["--no-prefix", "--state", "S", "pipe", "a.log"];
    let mut run = Ptail::start(&dir, &args);
    run.expect(&["a1"]);
    run.wait_watching(dir.path());
    holder.write_all(b"1\n2\n").expect("write");
    run.expect(&["1", "2"]);
    let end = run.stop();
    assert_eq!(end.code, Some(0), "{end:?}");
    assert_eq!(end.stderr, Vec::<String>::new());
    // Written while ptail is down: held by the pipe.
    holder.write_all(b"3\n").expect("write");
    util::append(&dir.path().join("a.log"), "a2\n");
    let mut run = Ptail::start(&dir, &args);
    // The FIFO first (inputs in order), then what a.log got meanwhile.
    run.expect(&["3", "a2"]);
    run.wait_watching(dir.path());
    holder.write_all(b"4\n").expect("write");
    run.expect(&["4"]);
    let end = run.stop();
    assert_eq!(end.code, Some(0), "{end:?}");
    assert_eq!(end.stdout, ["3", "a2", "4"]);
    assert_eq!(end.stderr, Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// Streams are read when they have bytes, and idle when they have none.

/// How much of a core process `pid` uses over `over` (its CPU time over
/// that wall time: 1.0 is a core spinning).
fn cpu_share(pid: u32, over: Duration) -> f64 {
    let (cpu, wall) = (util::cpu_time(pid), Instant::now());
    std::thread::sleep(over);
    (util::cpu_time(pid) - cpu).as_secs_f64() / wall.elapsed().as_secs_f64()
}

/// ptail must be idle: far below a core spinning (1.0), whatever else
/// the machine runs. (Idle, it wakes a few times a second at most.)
fn assert_idle(run: &mut Ptail, what: &str) {
    let share = cpu_share(run.child.id(), Duration::from_secs(1));
    if share >= 0.2 {
        run.fail(&format!(
            "{what}: ptail used {:.0}% of a core",
            share * 100.0
        ));
    }
}

/// Regression: a write into a FIFO makes no notification, so its lines
/// waited for the periodic check (every second; here `--poll 1h`, so
/// that the check cannot be what shows them). ptail waits on the FIFO
/// itself: each line shows when it is written.
#[test]
fn a_line_written_to_a_fifo_shows_when_written_not_at_the_next_check() {
    let dir = Dir::ptail();
    let fifo = fifo_beside_a_log(&dir);
    let mut run = Ptail::start(&dir, &["--no-prefix", "--poll", "1h", "pipe", "a.log"]);
    // The FIFO is opened first (inputs in order).
    run.expect(&["a1"]);
    let mut w = fifo_writer(&fifo);
    for i in 1..=3 {
        w.write_all(format!("w{i}\n").as_bytes()).expect("write");
        run.expect(&[&format!("w{i}")]);
    }
    drop(w);
    let end = run.stop();
    assert_eq!(end.code, Some(0), "{end:?}");
    assert_eq!(end.stdout, ["a1", "w1", "w2", "w3"]);
    assert_eq!(end.stderr, Vec::<String>::new());
}

/// A FIFO whose last writer closed reports a hang-up to poll(2) until a
/// new writer opens it: ptail must neither wait on it in a loop (a core
/// spinning) nor stop waiting on it (the next writer's lines would wait
/// for the check: an hour here). Before any writer, between writers, and
/// after the last one, ptail is idle; each writer's lines show when
/// written.
#[test]
fn a_fifo_whose_writer_left_keeps_ptail_idle_and_the_next_writer_shows_at_once() {
    let dir = Dir::ptail();
    let fifo = fifo_beside_a_log(&dir);
    let mut run = Ptail::start(&dir, &["--no-prefix", "--poll", "1h", "pipe", "a.log"]);
    run.expect(&["a1"]);
    assert_idle(&mut run, "no writer yet");
    let mut want = vec!["a1".to_string()];
    for round in 1..=3 {
        let mut w = fifo_writer(&fifo);
        w.write_all(format!("r{round} 1\n").as_bytes())
            .expect("write");
        run.expect(&[&format!("r{round} 1")]);
        w.write_all(format!("r{round} 2\n").as_bytes())
            .expect("write");
        drop(w);
        run.expect(&[&format!("r{round} 2")]);
        want.extend([format!("r{round} 1"), format!("r{round} 2")]);
        assert_idle(&mut run, &format!("writer {round} gone"));
    }
    let end = run.stop();
    assert_eq!(end.code, Some(0), "{end:?}");
    assert_eq!(end.stdout, want);
    assert_eq!(end.stderr, Vec::<String>::new());
}

/// Streams that are not named FIFOs: a character device that always
/// polls readable and reads as EOF (`/dev/null`), and an anonymous pipe
/// (`/dev/stdin`) whose only writer left, for good. Neither makes ptail
/// spin; what the pipe got before is shown, and a file beside them is
/// followed as usual (with notifications and the 1 s check).
#[test]
fn a_device_at_eof_or_a_pipe_whose_writer_left_for_good_keeps_ptail_idle() {
    let dir = Dir::ptail();
    dir.create("a.log", "a1\n");
    let (read, write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC).expect("pipe");
    let mut write = std::fs::File::from(write);
    let mut cmd = dir.command();
    cmd.args(["--no-prefix", "/dev/null", "/dev/stdin", "a.log"]);
    let mut run = Ptail::spawn_with_stdin(cmd, std::process::Stdio::from(read));
    run.expect(&["a1"]);
    run.wait_watching(dir.path());
    assert_idle(&mut run, "/dev/null and a pipe with a writer");
    write.write_all(b"p1\n").expect("write");
    run.expect(&["p1"]);
    drop(write);
    assert_idle(&mut run, "/dev/null and a pipe without writers");
    util::append(&dir.path().join("a.log"), "a2\n");
    run.expect(&["a2"]);
    assert_idle(&mut run, "after a2");
    let end = run.stop();
    assert_eq!(end.code, Some(0), "{end:?}");
    assert_eq!(end.stdout, ["a1", "p1", "a2"]);
    assert_eq!(end.stderr, Vec::<String>::new());
}

/// ptail with a pipe on standard input: `-` names it, as does no INPUT
/// at all (as for tail). It was a file named `-` ("No such file"), and no
/// INPUT an error.
fn standard_input(dir: &Dir, args: &[&str]) -> (Ptail, std::fs::File) {
    let (read, write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC).expect("pipe");
    let mut cmd = dir.command();
    cmd.args(args);
    let run = Ptail::spawn_with_stdin(cmd, std::process::Stdio::from(read));
    (run, std::fs::File::from(write))
}

/// Every input a pipe, and its writers gone for good: nothing can come
/// any more, and the run ends by itself (status 0), as `tail -f` does on
/// a pipe (`cmd | ptail`). It went on, idle, until a signal.
#[test]
fn standard_input_is_dash_or_no_input_and_its_pipe_ending_ends_the_run() {
    for args in [&["-n", "5"][..], &["-n", "5", "in=-"][..]] {
        let dir = Dir::ptail();
        let (mut run, mut w) = standard_input(&dir, args);
        let label = if args.len() == 3 { "in | " } else { "stdin | " };
        w.write_all(b"p1\n").expect("write");
        run.expect(&[&format!("{label}p1")]);
        w.write_all(b"p2\n").expect("write");
        run.expect(&[&format!("{label}p2")]);
        drop(w);
        let end = run.finish();
        assert_eq!(end.code, Some(0), "{args:?}: {end:?}");
        assert_eq!(
            end.stdout,
            [format!("{label}p1"), format!("{label}p2")],
            "{args:?}"
        );
        assert_eq!(end.stderr, Vec::<String>::new(), "{args:?}");
    }
}

/// A pipe that ends beside a file that can still grow ends nothing: the
/// file is followed on. (Beside a device or a named FIFO too: see
/// `a_device_at_eof_or_a_pipe_whose_writer_left_for_good_keeps_ptail_idle`.)
#[test]
fn standard_input_ending_beside_a_file_keeps_the_file_followed() {
    let dir = Dir::ptail();
    dir.create("a.log", "a1\n");
    let (mut run, mut write) = standard_input(&dir, &["--no-prefix", "-", "a.log"]);
    run.expect(&["a1"]);
    run.wait_watching(dir.path());
    write.write_all(b"p1\n").expect("write");
    run.expect(&["p1"]);
    drop(write);
    // Well past the hang-up: still running, and a2 still shows.
    std::thread::sleep(Duration::from_millis(300));
    util::append(&dir.path().join("a.log"), "a2\n");
    run.expect(&["a2"]);
    let end = run.stop();
    assert_eq!(end.code, Some(0), "{end:?}");
    assert_eq!(end.stdout, ["a1", "p1", "a2"]);
    assert_eq!(end.stderr, Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// Pseudo files: size 0, content on read.

/// A child whose `/proc/PID/status` does not change while the test runs
/// (it sleeps: no context switches, no memory growth).
fn sleeper() -> Child {
    let child = Child::spawn(Command::new("sleep").arg("1000"));
    let status = format!("/proc/{}/status", child.id());
    util::wait_until(WAIT, "the child to sleep", || {
        std::fs::read_to_string(&status)
            .is_ok_and(|s| s.contains("Name:\tsleep\n") && s.contains("State:\tS (sleeping)"))
    });
    child
}

/// The last `n` lines of `text`, as the test reads them itself.
fn last_lines(text: &str, n: usize) -> Vec<String> {
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[lines.len().saturating_sub(n)..].to_vec()
}

/// Regression: `-n 2` on a pseudo file showed all of it (its size, 0,
/// put its last lines at its start). Like `tail` on a pipe, its last
/// lines are found by reading it to its end.
#[test]
fn the_last_lines_of_a_proc_file_are_its_last_lines() {
    let child = sleeper();
    let status = format!("/proc/{}/status", child.id());
    let dir = Dir::ptail();
    let text = std::fs::read_to_string(&status).expect("read status");
    assert!(text.lines().count() > 5, "{text}");
    let out = dir.stdout(&["--no-prefix", "--no-follow", "-n", "2", &status], 0);
    assert_eq!(out.lines().collect::<Vec<_>>(), last_lines(&text, 2));
    // From line 3 on, as for a file.
    let out = dir.stdout(&["--no-prefix", "--no-follow", "-n", "+3", &status], 0);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        text.lines().skip(2).collect::<Vec<_>>()
    );
}

/// Regression: followed, a pseudo file (its size 0, below ptail's offset
/// once read) was taken as truncated at every check: "truncated" on
/// stderr and its lines again on stdout, every second (every tick when
/// polling). It is shown once. Polling checks every file at every tick;
/// a regular file truncated three times (each seen at a tick) proves
/// that ticks passed.
#[test]
fn a_proc_file_is_not_truncated_at_every_check() {
    let child = sleeper();
    let status = format!("/proc/{}/status", child.id());
    let dir = Dir::ptail();
    let a = dir.create("a.log", "a0 is a longer first line\n");
    let text = std::fs::read_to_string(&status).expect("read status");
    let last = last_lines(&text, 1);
    let mut run = Ptail::start(
        &dir,
        &["--no-prefix", "--poll", "20ms", "-n", "1", &status, "a.log"],
    );
    run.expect(&[&last[0], "a0 is a longer first line"]);
    let mut want = vec![last[0].clone(), "a0 is a longer first line".to_string()];
    for i in 1..=3 {
        std::fs::write(&a, format!("t{i}\n")).expect("truncate");
        run.expect_err("ptail: a.log: truncated");
        run.expect(&[&format!("t{i}")]);
        want.push(format!("t{i}"));
    }
    let end = run.stop();
    assert_eq!(end.code, Some(0), "{end:?}");
    assert_eq!(end.stdout, want);
    assert_eq!(end.stderr, ["ptail: a.log: truncated"; 3]);
    drop(child);
}
