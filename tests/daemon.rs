//! End-to-end tests of pgrep-lite's resident daemon: a real daemon process,
//! a real Unix socket, real inotify events. Each test has its own runtime
//! directory (XDG_RUNTIME_DIR, from `Dir::grep`), so tests never meet each
//! other's daemons, and a guard that stops (or kills) the daemon whatever
//! happens.

mod util;

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use util::{
    Child, DaemonGuard, Dir, Signal, alive, append, daemon_pids, daemon_status, run_bounded,
    sorted_lines, temp_dir, text, wait_until,
};

struct Fixture {
    dir: Dir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = Dir::grep();
        dir.create("src/main.rs", "fn main() {\n    println!(\"hello\");\n}\n");
        dir.create(
            "src/lib.rs",
            "//! hello lib\npub fn hello() -> u32 {\n    42\n}\n",
        );
        dir.create(
            "src/deep/nested/mod.rs",
            "// HELLO shouting\nfn nested_hello() {}\n",
        );
        dir.create(
            "docs/guide.md",
            "# Guide\nSay hello.\n\nThen goodbye.\nhello again\n",
        );
        dir.create("notes.txt", "nothing here\n");
        dir.create(".gitignore", "target/\n*.log\n");
        dir.create("target/out.rs", "hello from target\n");
        dir.create("app.log", "hello log\n");
        dir.create(".hidden/secret.txt", "hello hidden\n");
        dir.create(".env.rs", "hello hidden rust\n");
        dir.create_bytes("data.bin", b"hello\0binary\n");
        Fixture { dir }
    }

    fn pfiles_dir(&self) -> PathBuf {
        self.dir.runtime().join("pfiles")
    }

    /// Start the daemon for the fixture root; stop it when the guard drops.
    fn start(&self, extra: &[&str]) -> DaemonGuard<'_> {
        DaemonGuard::start(&self.dir, extra)
    }

    fn status(&self) -> serde_json::Value {
        daemon_status(&self.dir)
    }

    /// The daemon's pid (the fixture runs one at a time).
    fn pid(&self) -> Option<i32> {
        daemon_pids(&self.dir).first().copied()
    }

    fn socket(&self) -> PathBuf {
        let rd = std::fs::read_dir(self.pfiles_dir()).expect("runtime dir");
        rd.flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "sock"))
            .expect("a socket")
    }

    /// Start the daemon with a debug build's fault injection `var` aimed
    /// at `lib.rs` (adopted: stopped when the fixture's runtime goes), run
    /// `-c hello src`, and check the answer is whole (one-shot took over)
    /// with the fault reported in one line, not hidden; that line.
    fn fault_then_one_shot(&self, extra: &[&str], var: &str) -> (DaemonGuard<'_>, String) {
        let mut cmd = self.dir.command();
        cmd.args(["--daemon", "start"])
            .args(extra)
            .env(var, "lib.rs");
        let out = run_bounded(&mut cmd, None);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let guard = DaemonGuard::adopt(&self.dir);
        (guard, self.whole_answer_one_note())
    }

    /// `-c hello src`: the whole answer, and stderr, one line (returned).
    fn whole_answer_one_note(&self) -> String {
        let out = self.dir.run(&["--sort", "path", "-c", "hello", "src"]);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            text(&out.stdout),
            "src/deep/nested/mod.rs:1\nsrc/lib.rs:2\nsrc/main.rs:1\n"
        );
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        err
    }

    /// The same search through the daemon and with --no-daemon.
    fn both(&self, args: &[&str]) -> (std::process::Output, std::process::Output) {
        let d = self.dir.run(args);
        let mut one = vec!["--no-daemon"];
        one.extend_from_slice(args);
        (d, self.dir.run(&one))
    }
}

/// What is left in the runtime directory (nothing, after a clean stop).
fn leftovers(fx: &Fixture) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(fx.pfiles_dir())
        .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default()
}

#[test]
fn lifecycle_status_and_file_modes() {
    let fx = Fixture::new();
    let _g = fx.start(&["--workers", "3"]);
    let st = fx.status();
    assert_eq!(st["ready"], true);
    assert_eq!(st["shards"], 3);
    // Held: 5 text files; not held: data.bin (binary). Ignored and hidden
    // entries are left out.
    assert_eq!(st["files"], 6, "{st}");
    assert_eq!(st["skipped_binary"], 1);
    assert_eq!(st["polling"], false);
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&fx.pfiles_dir()), 0o700);
    assert_eq!(mode(&fx.socket()), 0o600);
    // A second start reports the running daemon instead of starting another.
    let out = fx.dir.stdout(&["--daemon", "start"], 0);
    assert!(out.contains("already serves"), "{out}");
    let pid = fx.pid().expect("pid");
    let out = fx.dir.stdout(&["--daemon", "stop"], 0);
    assert!(out.contains("stopped"), "{out}");
    wait_until(Duration::from_secs(10), "the daemon to exit", || {
        !alive(pid)
    });
    assert!(!fx.socket_exists());
    let out = fx.dir.run(&["--daemon", "status"]);
    assert_eq!(out.status.code(), Some(1));
}

impl Fixture {
    fn socket_exists(&self) -> bool {
        std::fs::read_dir(self.pfiles_dir())
            .map(|rd| {
                rd.flatten()
                    .any(|e| e.path().extension().is_some_and(|x| x == "sock"))
            })
            .unwrap_or(false)
    }
}

#[test]
fn output_is_byte_for_byte_one_shot_sort_path() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    let table: &[&[&str]] = &[
        &["hello"],
        &["-i", "hello"],
        &["-n", "--column", "hello"],
        &["-c", "hello"],
        &["--count-matches", "l"],
        &["-l", "hello"],
        &["--files-without-match", "hello"],
        &["-o", "-b", "hel+o"],
        &["-C1", "hello"],
        &["-A1", "-n", "--heading", "hello"],
        &["-v", "hello"],
        &["-w", "hello"],
        &["-x", "hello again"],
        &["-m1", "hello"],
        &["-r", "<$0>", "hello"],
        &["--vimgrep", "hello"],
        &["-0", "-l", "hello"],
        &["--color", "always", "-n", "hello"],
        &["-e", "hello", "-e", "goodbye"],
        &["-F", "hello()"],
        &["-U", "Guide\\nSay"],
        &["-t", "md", "hello"],
        &["-T", "rust", "hello"],
        &["-g", "!src/deep/**", "hello"],
        &["-d", "1", "hello"],
        &["--max-filesize", "40", "hello"],
        &["--json", "-n", "hello", "docs"],
        &["hello", "src", "docs/guide.md"],
        &["hello", "./src/"],
        &["hello", "data.bin"],
        &["-a", "binary", "data.bin"],
        &["-C1", "hello", "src/main.rs", "data.bin", "docs/guide.md"],
        &[
            "--heading",
            "--crlf",
            "hello",
            "src/main.rs",
            "data.bin",
            "docs/guide.md",
        ],
        &["absent-pattern"],
        &["-q", "hello"],
        &["--files"],
        &["--files", "-t", "md", "-0"],
        &["--files", "src"],
        &["-i", "-s", "-C1", "-C0", "HELLO"],
        &["--passthru", "-A1", "goodbye"],
        &[
            "--no-context-separator",
            "--context-separator",
            "XX",
            "-A1",
            "hello",
        ],
        &["--colour", "always", "hello"],
        &["--no-messages", "hello"],
        &["--sort-files", "hello"],
        &["--path-separator", "Z", "-n", "hello"],
        &["--path-separator", "Z", "-l", "hello"],
        &["--path-separator", "Z", "--files"],
        &["-q", "--files"],
        // Without colour there are no hyperlinks to decline.
        &["--hyperlink-format", "default", "hello"],
        &["-P", "hel+o(?= again)"],
        &["--engine", "auto", "-w", "hello"],
        &["--no-unicode", "-i", "\\w+llo"],
        &["-E", "none", "hello"],
        &["-E", "utf-16le", "-c", "h"],
        &["--null-data", "-n", "hello"],
        &["--stop-on-nonmatch", "hello"],
        &["--path-separator", "\\", "hello"],
    ];
    for args in table {
        let mut full = vec!["--sort", "path"];
        full.extend_from_slice(args);
        let before = fx.status();
        let (d, o) = fx.both(&full);
        let after = fx.status();
        assert_eq!(
            after["queries"].as_u64().expect("n"),
            before["queries"].as_u64().expect("n") + 1,
            "not answered by the daemon: {args:?}"
        );
        let strip_times = |b: &[u8]| {
            // JSON carries elapsed times; everything else must be equal.
            let t = text(b);
            t.split("\"elapsed\"")
                .next()
                .map(str::to_string)
                .unwrap_or_default()
                + &t.lines()
                    .filter(|l| !l.contains("elapsed"))
                    .collect::<Vec<_>>()
                    .join("\n")
        };
        assert_eq!(
            strip_times(&d.stdout),
            strip_times(&o.stdout),
            "stdout differs for {args:?}"
        );
        assert_eq!(
            text(&d.stderr),
            text(&o.stderr),
            "stderr differs for {args:?}"
        );
        assert_eq!(
            d.status.code(),
            o.status.code(),
            "exit status differs for {args:?}"
        );
    }
    assert_eq!(fx.status()["fallbacks"], 0);
}

#[test]
fn queries_needing_unheld_files_fall_back_silently_and_correctly() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    let before = fx.status()["fallbacks"].as_u64().expect("n");
    let cases: &[&[&str]] = &[
        &["--hidden", "hello"],
        &["--no-ignore", "hello"],
        &["-u", "hello"],
        &["-g", "*.log", "hello"], // a glob re-including an ignored file
        &["-t", "rust", "hidden rust"], // a type selection lets hidden files in
        &["hello", "target"],      // an ignored directory named explicitly
        &["hello", "src", "/etc/hostname"], // partly outside the root
        &["hello", "src", "missing.txt"],
        &["--sortr", "path", "hello"], // the whole list is sorted first
        &["--sort", "modified", "hello"],
        // Hyperlinks name absolute paths, resolved where the search runs.
        &[
            "--color",
            "always",
            "--hyperlink-format",
            "default",
            "hello",
        ],
    ];
    for args in cases {
        let mut full = vec!["--sort", "path"];
        full.extend_from_slice(args);
        let (d, o) = fx.both(&full);
        assert_eq!(text(&d.stdout), text(&o.stdout), "{args:?}");
        assert_eq!(text(&d.stderr), text(&o.stderr), "{args:?}");
        assert_eq!(d.status.code(), o.status.code(), "{args:?}");
    }
    let after = fx.status()["fallbacks"].as_u64().expect("n");
    assert_eq!(after - before, cases.len() as u64);
}

#[test]
fn every_change_is_visible_to_the_next_query() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    let q = |pat: &str| fx.dir.stdout(&["--sort", "path", pat], 0);
    let q1 = |pat: &str| fx.dir.stdout(&["--sort", "path", pat], 1);
    // Edit.
    fx.dir.create("notes.txt", "now a needle\n");
    assert_eq!(q("needle"), "notes.txt:now a needle\n");
    // Create, in a new directory too.
    fx.dir.create("fresh/dir/new.txt", "needle two\n");
    assert_eq!(
        q("needle"),
        "fresh/dir/new.txt:needle two\nnotes.txt:now a needle\n"
    );
    // Rename.
    std::fs::rename(
        fx.dir.path().join("fresh/dir/new.txt"),
        fx.dir.path().join("renamed.txt"),
    )
    .expect("rename");
    assert_eq!(
        q("needle"),
        "notes.txt:now a needle\nrenamed.txt:needle two\n"
    );
    // Delete.
    std::fs::remove_file(fx.dir.path().join("notes.txt")).expect("rm");
    assert_eq!(q("needle"), "renamed.txt:needle two\n");
    // A directory removed whole.
    fx.dir.create("gone/a.txt", "needle three\n");
    assert_eq!(q("three"), "gone/a.txt:needle three\n");
    std::fs::remove_dir_all(fx.dir.path().join("gone")).expect("rm -r");
    assert_eq!(q1("three"), "");
    // An ignore file changes what is held.
    fx.dir.create(".gitignore", "target/\n*.log\nrenamed.txt\n");
    assert_eq!(q1("needle"), "");
    // A file that becomes binary, and back.
    fx.dir.create_bytes("src/lib.rs", b"needle\0\n");
    assert_eq!(q1("needle"), "");
    fx.dir.create("src/lib.rs", "needle again\n");
    assert_eq!(q("needle"), "src/lib.rs:needle again\n");
    let st = fx.status();
    assert_eq!(st["pending_updates"], 0);
}

#[test]
fn polling_mode_keeps_read_your_writes() {
    let fx = Fixture::new();
    let _g = fx.start(&["--poll"]);
    assert_eq!(fx.status()["polling"], true);
    fx.dir.create("notes.txt", "polled needle\n");
    assert_eq!(fx.dir.stdout(&["needle"], 0), "notes.txt:polled needle\n");
    std::fs::remove_file(fx.dir.path().join("notes.txt")).expect("rm");
    assert_eq!(fx.dir.stdout(&["needle"], 1), "");
}

#[test]
fn two_clients_at_once() {
    let fx = Fixture::new();
    for i in 0..300 {
        fx.dir
            .create(&format!("many/f{i:03}.txt"), &"hello line\n".repeat(50));
    }
    let _g = fx.start(&[]);
    let expected = fx
        .dir
        .stdout(&["--no-daemon", "--sort", "path", "-n", "hello"], 0);
    let spawn = || fx.dir.spawn(&["--sort", "path", "-n", "hello"]);
    let (mut a, mut b) = (spawn(), spawn());
    let read = |c: &mut Child| {
        let mut s = String::new();
        c.stdout
            .take()
            .expect("out")
            .read_to_string(&mut s)
            .expect("read");
        s
    };
    let (ra, rb) = std::thread::scope(|s| {
        let ha = s.spawn(|| read(&mut a));
        let hb = s.spawn(|| read(&mut b));
        (ha.join().expect("a"), hb.join().expect("b"))
    });
    assert_eq!(a.wait_bounded(Duration::from_secs(30)).code(), Some(0));
    assert_eq!(b.wait_bounded(Duration::from_secs(30)).code(), Some(0));
    assert_eq!(ra, expected);
    assert_eq!(rb, expected);
}

#[test]
fn a_client_killed_mid_query_does_not_hurt_the_daemon() {
    let fx = Fixture::new();
    for i in 0..200 {
        fx.dir.create(
            &format!("big/f{i:03}.txt"),
            &"hello hello hello\n".repeat(2000),
        );
    }
    let _g = fx.start(&[]);
    for _ in 0..3 {
        let mut child = Child::spawn(
            fx.dir
                .command()
                .args(["hello"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        let mut first = [0u8; 4096];
        child
            .stdout
            .as_mut()
            .expect("out")
            .read_exact(&mut first)
            .expect("some output");
        child.kill().expect("kill");
        child.wait_bounded(Duration::from_secs(30));
    }
    // And a reader that closes early gets a quiet exit 0.
    let mut child = fx.dir.spawn(&["hello"]);
    let mut first = [0u8; 100];
    child
        .stdout
        .as_mut()
        .expect("out")
        .read_exact(&mut first)
        .expect("output");
    drop(child.stdout.take());
    assert_eq!(child.wait_bounded(Duration::from_secs(30)).code(), Some(0));
    assert_eq!(child.read_stderr(), "");
    // Still healthy, still exact.
    assert_eq!(
        fx.dir.stdout(&["-c", "--sort", "path", "hello", "src"], 0),
        "src/deep/nested/mod.rs:1\nsrc/lib.rs:2\nsrc/main.rs:1\n"
    );
    assert_eq!(fx.status()["ready"], true);
}

#[test]
fn a_killed_daemon_means_fallback_with_one_line_then_a_clean_restart() {
    let fx = Fixture::new();
    let g = fx.start(&[]);
    let pid = fx.pid().expect("pid");
    util::signal(pid, Signal::KILL).expect("kill");
    wait_until(Duration::from_secs(10), "the daemon to die", || !alive(pid));
    let err = fx.whole_answer_one_note();
    assert!(
        err.contains("unavailable") && err.contains("searching without it"),
        "{err}"
    );
    // The stale socket was cleaned up: the next search is silent.
    let out = fx.dir.run(&["-c", "hello", "src/lib.rs"]);
    assert_eq!(text(&out.stderr), "");
    drop(g);
    let _g = fx.start(&[]);
    assert_eq!(fx.status()["ready"], true);
}

fn raw_exchange(socket: &Path, bytes: &[u8]) -> Vec<u8> {
    let mut s = UnixStream::connect(socket).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s.write_all(bytes).expect("write");
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    out
}

#[test]
fn malformed_oversized_and_foreign_frames_are_refused_and_harmless() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    let sock = fx.socket();
    let kind_of = |reply: &[u8]| reply.get(4).copied();
    // Garbage.
    let r = raw_exchange(&sock, b"GET / HTTP/1.1\r\n\r\n");
    assert_eq!(kind_of(&r), Some(106), "{r:?}");
    // Oversized length.
    let r = raw_exchange(&sock, &[0xff, 0xff, 0xff, 0x7f, 1]);
    assert_eq!(kind_of(&r), Some(106));
    // Truncated frame, then the peer closes.
    let r = raw_exchange(&sock, &[50, 0, 0, 0, 1, b'{']);
    assert_eq!(kind_of(&r), Some(106));
    // A hello from another protocol version.
    let hello = br#"{"magic":"pfiles-grep","version":999}"#;
    let mut frame = ((hello.len() + 1) as u32).to_le_bytes().to_vec();
    frame.push(1);
    frame.extend_from_slice(hello);
    let r = raw_exchange(&sock, &frame);
    assert_eq!(kind_of(&r), Some(106));
    assert!(text(&r).contains("protocol mismatch"), "{}", text(&r));
    // The daemon is unaffected.
    assert_eq!(fx.dir.stdout(&["-c", "hello", "src/lib.rs"], 0), "2\n");
}

#[test]
fn idle_timeout_stops_the_daemon() {
    let fx = Fixture::new();
    let _g = fx.start(&["--idle-timeout", "1s"]);
    let pid = fx.pid().expect("pid");
    wait_until(Duration::from_secs(20), "the idle daemon to exit", || {
        !alive(pid)
    });
    let out = fx.dir.run(&["-c", "hello", "src/lib.rs"]);
    assert_eq!(text(&out.stdout), "2\n");
}

#[test]
fn a_panicking_worker_fails_over_to_one_shot_and_the_daemon_recovers() {
    let fx = Fixture::new();
    // Fault injection: a shard panics when it searches `lib.rs`.
    let (_g, err) = fx.fault_then_one_shot(&[], "PGREP_LITE_FAULT_PANIC");
    assert!(
        err.contains("panicked") && err.contains("searching without it"),
        "{err}"
    );
    // The daemon is still up and answers what does not touch the fault.
    let before = fx.status()["queries"].as_u64().expect("n");
    assert_eq!(
        fx.dir.stdout(&["-c", "hello", "docs"], 0),
        "docs/guide.md:2\n"
    );
    assert_eq!(fx.status()["queries"].as_u64().expect("n"), before + 1);
    assert_eq!(fx.status()["ready"], true);
}

#[test]
fn stop_while_a_query_is_in_flight_is_clean() {
    let fx = Fixture::new();
    for i in 0..300 {
        fx.dir.create(
            &format!("big/f{i:03}.txt"),
            &"hello hello hello\n".repeat(3000),
        );
    }
    let _g = fx.start(&[]);
    let pid = fx.pid().expect("pid");
    // A slow reader keeps a query in flight in the daemon.
    let mut child = fx.dir.spawn(&["hello"]);
    let mut first = [0u8; 1024];
    child
        .stdout
        .as_mut()
        .expect("out")
        .read_exact(&mut first)
        .expect("output");
    let out = fx.dir.run(&["--daemon", "stop"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    wait_until(Duration::from_secs(20), "the daemon to exit", || {
        !alive(pid)
    });
    // The client ends too: with the whole answer (the daemon drained the
    // query) or with exit 2 and a note that its output is incomplete
    // (cancelled), never with a silently truncated answer.
    let mut rest = Vec::new();
    let _ = child.stdout.as_mut().expect("out").read_to_end(&mut rest);
    let status = child.wait_bounded(Duration::from_secs(40));
    let err = child.read_stderr();
    let mut got = first.to_vec();
    got.extend_from_slice(&rest);
    match status.code() {
        Some(0) => {
            let whole = fx.dir.run(&["--no-daemon", "--sort", "path", "hello"]);
            assert_eq!(
                got.len(),
                whole.stdout.len(),
                "exit 0 with a truncated answer"
            );
        }
        Some(2) => assert!(err.contains("incomplete"), "{err}"),
        other => panic!("unexpected exit {other:?}: {err}"),
    }
}

/// ripgrep has no subcommands: any first word is a pattern. Daemon
/// management is `--daemon ACTION`.
#[test]
fn no_word_is_a_subcommand() {
    let fx = Fixture::new();
    fx.dir.create("d.txt", "the daemon\nhelp me\nstart\n");
    assert_eq!(fx.dir.stdout(&["daemon", "d.txt"], 0), "the daemon\n");
    assert_eq!(fx.dir.stdout(&["help", "d.txt"], 0), "help me\n");
    assert_eq!(fx.dir.stdout(&["start", "d.txt"], 0), "start\n");
    assert_eq!(fx.dir.stdout(&["-e", "daemon", "d.txt"], 0), "the daemon\n");
    // A word that is no file is a path that does not exist, not a command.
    let out = fx.dir.run(&["daemon", "no-such-dir/"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stderr).contains("no-such-dir/"), "{out:?}");
    let mut cmd = fx.dir.command();
    cmd.args(["--daemon", "bogus"]);
    let out = run_bounded(&mut cmd, None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr).lines().count(), 1);
    // Daemon options without --daemon are a usage error.
    let out = fx.dir.run(&["--workers", "2", "x"]);
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------------------------
// Regression tests for what broke (issue 10).

/// `mkdir d && fill d` right before a search: the daemon walked a new
/// directory before watching it, so files created in between were missed
/// for good (11 of 20 tries).
#[test]
fn files_in_a_new_directory_are_never_lost() {
    let fx = Fixture::new();
    let _g = fx.start(&["--workers", "2"]);
    let mut expected = 0;
    for i in 0..20 {
        let d = fx.dir.path().join(format!("new{i}/sub"));
        std::fs::create_dir_all(&d).expect("mkdir -p");
        for j in 0..100 {
            std::fs::write(d.join(format!("f{j}.txt")), "needle\n").expect("write");
        }
        expected += 100;
        let out = fx.dir.stdout(&["-l", "needle"], 0);
        assert_eq!(out.lines().count(), expected, "round {i}");
    }
    assert_eq!(fx.status()["fallbacks"], 0);
}

/// The freshness cookie had a predictable name and was opened with
/// `File::create`: a symlink planted under that name made one search
/// truncate the daemon owner's file.
#[test]
fn planted_cookie_symlinks_are_never_followed() {
    let fx = Fixture::new();
    let victim_dir = temp_dir();
    let victim = victim_dir.path().join("precious");
    std::fs::write(&victim, "keep me\n").expect("victim");
    let _g = fx.start(&[]);
    let pid = fx.pid().expect("pid");
    // Every name the old scheme would have used, and some.
    for n in 0..200 {
        let name = format!(".pgrep-lite-cookie-{pid}-{n}");
        std::os::unix::fs::symlink(&victim, fx.dir.path().join(name)).expect("plant");
    }
    for _ in 0..20 {
        assert_eq!(fx.dir.stdout(&["-c", "hello", "src/lib.rs"], 0), "2\n");
    }
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "keep me\n"
    );
    // The daemon answered (its cookies worked) and left none behind.
    assert_eq!(fx.status()["fallbacks"], 0);
    let left: Vec<String> = std::fs::read_dir(fx.dir.path())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(".pgrep-lite-cookie-")
                && !n.starts_with(&format!(".pgrep-lite-cookie-{pid}-"))
        })
        .collect();
    assert!(left.is_empty(), "cookies left behind: {left:?}");
}

/// The root deleted and made again: the daemon watched the dead directory,
/// said "ready, 0 files", and every search stalled 5 s. It must notice, say
/// so once, and stop; the next search is one-shot and right, and a new
/// daemon can serve the new directory.
#[test]
fn deleted_and_recreated_root_stops_the_daemon() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    let pid = fx.pid().expect("pid");
    let root = fx.dir.path().to_path_buf();
    // A shell sitting in the root keeps the deleted directory alive, so
    // that no inotify event tells of its deletion.
    let shell = Child::spawn(Command::new("sleep").arg("60").current_dir(&root));
    std::fs::remove_dir_all(&root).expect("rm -r root");
    std::fs::create_dir_all(root.join(".git")).expect("mkdir root");
    std::fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").expect("HEAD");
    std::fs::write(root.join("fresh.txt"), "hello again\n").expect("write");
    wait_until(Duration::from_secs(20), "the daemon to stop", || {
        !alive(pid)
    });
    drop(shell);
    let log: String = std::fs::read_dir(fx.pfiles_dir())
        .expect("runtime dir")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert_eq!(
        log.matches("was deleted or moved away").count(),
        1,
        "log: {log}"
    );
    assert_eq!(fx.dir.stdout(&["hello"], 0), "fresh.txt:hello again\n");
    let _g2 = fx.start(&[]);
    assert_eq!(fx.dir.stdout(&["hello"], 0), "fresh.txt:hello again\n");
    assert_eq!(fx.status()["queries"], 1);
}

fn signal(pid: i32, sig: Signal) {
    util::signal(pid, sig).unwrap_or_else(|e| panic!("kill -{sig:?} {pid}: {e}"));
}

/// Sends SIGCONT to a stopped daemon whatever happens to the test, so that
/// the guard can stop it.
struct Continue(i32);

impl Drop for Continue {
    fn drop(&mut self) {
        let _ = util::signal(self.0, Signal::CONT);
    }
}

/// A daemon stopped (SIGSTOP) before it answers: the client used to wait
/// 300 s in silence. It must give up within seconds and search one-shot,
/// with one line saying why.
#[test]
fn a_stopped_daemon_means_one_shot_within_seconds() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    let pid = fx.pid().expect("pid");
    signal(pid, Signal::STOP);
    let _cont = Continue(pid);
    let started = Instant::now();
    let out = fx.dir.run(&["-c", "hello", "src/lib.rs"]);
    let took = started.elapsed();
    assert_eq!(text(&out.stdout), "2\n");
    assert_eq!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("stopped or stuck"), "{err}");
    // Bounded by the protocol's stall limit (5 s), not minutes; the bound
    // here is generous so that a loaded machine cannot fail it.
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

/// A daemon stopped in the middle of a long answer: the part already
/// printed cannot be taken back, so the client says the output is
/// incomplete and exits 2, within seconds.
#[test]
fn a_daemon_stopped_mid_answer_means_incomplete_and_exit_2() {
    let fx = Fixture::new();
    // About 24 MB of matching lines: far more than the socket and pipe
    // buffers between the daemon and this test.
    let line = format!("needle {}\n", "x".repeat(90));
    let body = line.repeat(20_000);
    for i in 0..12 {
        fx.dir.create(&format!("big/f{i:02}.txt"), &body);
    }
    let _g = fx.start(&[]);
    let pid = fx.pid().expect("pid");
    let mut child = fx.dir.spawn(&["needle"]);
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).expect("first byte");
    signal(pid, Signal::STOP);
    let _cont = Continue(pid);
    let reader = std::thread::spawn(move || {
        let mut rest = Vec::new();
        let _ = stdout.read_to_end(&mut rest);
        rest.len() + 1
    });
    let mut stderr = child.stderr.take().expect("stderr");
    let status = child.wait_bounded(Duration::from_secs(60));
    let got = reader.join().expect("reader");
    let mut err = String::new();
    let _ = stderr.read_to_string(&mut err);
    assert_eq!(status.code(), Some(2), "stderr: {err}");
    assert!(err.contains("the output above is incomplete"), "{err}");
    assert!(got < body.len() * 12, "got all {got} bytes");
}

/// `--idle-timeout 0s` failed with an empty reason; 0 now means never, and
/// a daemon started without the flag stops after the documented default.
#[test]
fn idle_timeout_zero_means_never_and_the_default_is_two_hours() {
    let fx = Fixture::new();
    {
        let _g = fx.start(&["--idle-timeout", "0s"]);
        assert_eq!(fx.status()["idle_timeout_secs"], serde_json::Value::Null);
    }
    let _g = fx.start(&[]);
    assert_eq!(fx.status()["idle_timeout_secs"], 7200);
}

/// Every daemon of the user listed and stopped at once; nested roots
/// refused; nothing left in the runtime directory after a stop.
#[test]
fn list_stop_all_nesting_and_no_files_left_behind() {
    let fx = Fixture::new();
    let other = temp_dir();
    std::fs::write(other.path().join("o.txt"), "hello other\n").expect("write");
    let other_root = std::fs::canonicalize(other.path()).expect("canon");
    let _g = fx.start(&[]);
    let out = fx
        .dir
        .run(&["--daemon", "start", other_root.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // A daemon inside a served root, or around one, is refused.
    let out = fx.dir.run(&["--daemon", "start", "src"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("already serves"),
        "{}",
        text(&out.stderr)
    );
    let parent = fx.dir.path().parent().expect("parent").to_path_buf();
    let out = fx
        .dir
        .run(&["--daemon", "start", parent.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("inside"),
        "{}",
        text(&out.stderr)
    );
    // Both listed, as text and JSON.
    let list = fx.dir.stdout(&["--daemon", "list"], 0);
    assert_eq!(list.lines().count(), 3, "{list}");
    assert!(list.contains(other_root.to_str().expect("utf-8")), "{list}");
    let json = fx.dir.stdout(&["--daemon", "list", "--json"], 0);
    let roots: Vec<String> = json
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            v["root"].as_str().expect("root").to_string()
        })
        .collect();
    assert_eq!(roots.len(), 2, "{json}");
    // Stop them all: nothing left behind.
    let out = fx.dir.stdout(&["--daemon", "stop", "--all"], 0);
    assert_eq!(out.lines().count(), 2, "{out}");
    let left = leftovers(&fx);
    assert!(left.is_empty(), "left behind: {left:?}");
    assert_eq!(fx.dir.run(&["--daemon", "list"]).status.code(), Some(1));
}

/// With --debug, a search says who answered it (and one-shot why).
#[test]
fn debug_says_who_answered() {
    let fx = Fixture::new();
    let out = fx.dir.run(&["--debug", "-c", "hello", "src/lib.rs"]);
    assert!(
        text(&out.stderr).contains("searching one-shot: no daemon serves this tree"),
        "{}",
        text(&out.stderr)
    );
    let _g = fx.start(&[]);
    let pid = fx.pid().expect("pid");
    let out = fx.dir.run(&["--debug", "-c", "hello", "src/lib.rs"]);
    assert_eq!(text(&out.stdout), "2\n");
    // And how: the plan, and what it left to search.
    assert!(
        text(&out.stderr).contains("pgrep-lite: debug: plan: "),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains(&format!(
            "answered by the daemon for {} (pid {pid})",
            fx.dir.path().canonicalize().expect("canon").display()
        )),
        "{}",
        text(&out.stderr)
    );
    let out = fx
        .dir
        .run(&["--debug", "--hidden", "-c", "hello", "src/lib.rs"]);
    assert!(
        text(&out.stderr).contains("the daemon for"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("says:"), "{}", text(&out.stderr));
}

/// Changes made while the daemon loads: events that arrived during the
/// load were dropped ("the load in progress will see it"), but the load had
/// already passed those directories.
#[test]
fn changes_during_the_load_are_not_lost() {
    let fx = Fixture::new();
    for d in 0..40 {
        for f in 0..100 {
            fx.dir
                .create(&format!("old{d}/f{f}.txt"), "hay\nneedle old\n");
        }
    }
    let root = fx.dir.path().to_path_buf();
    let writer = std::thread::spawn(move || {
        let mut made = 0;
        for d in 0..40 {
            let dir = root.join(format!("new{d}/deeper"));
            std::fs::create_dir_all(&dir).expect("mkdir");
            for f in 0..25 {
                std::fs::write(dir.join(format!("g{f}.txt")), "needle new\n").expect("write");
                made += 1;
            }
            // Also into directories the load may already have read.
            std::fs::write(root.join(format!("old{d}/late.txt")), "needle late\n").expect("write");
            made += 1;
            std::thread::sleep(Duration::from_millis(2));
        }
        made
    });
    let _g = fx.start(&["--workers", "2"]);
    let made = writer.join().expect("writer");
    let out = fx.dir.stdout(&["-l", "needle"], 0);
    assert_eq!(out.lines().count(), 4000 + made, "files listed");
    assert_eq!(fx.status()["fallbacks"], 0);
}

/// Red-team finding: `mv -T c g` over an empty held directory `g` lost
/// `c`'s files, and everything later made in `g`, until a restart.
#[test]
fn a_directory_renamed_over_an_empty_one_is_held() {
    let fx = Fixture::new();
    fx.dir.create("c/f.txt", "needle c\n");
    fx.dir.mkdir("g");
    let _g = fx.start(&[]);
    let root = fx.dir.path();
    std::fs::rename(root.join("c"), root.join("g")).expect("mv -T c g");
    fx.dir.create("g/later.txt", "needle later\n");
    assert_eq!(
        fx.dir.stdout(&["needle"], 0),
        "g/f.txt:needle c\ng/later.txt:needle later\n"
    );
}

/// Red-team finding: a directory renamed and at once renamed back (in the
/// tree, or out of it and back) was dropped: the watch's own move events,
/// named after the old path, arrived after the rename back.
#[test]
fn a_directory_renamed_there_and_back_is_held() {
    let fx = Fixture::new();
    fx.dir.create("d/g.txt", "needle d\n");
    let _g = fx.start(&[]);
    let root = fx.dir.path();
    let away = root.with_file_name(format!(
        "{}-away",
        root.file_name().expect("name").to_string_lossy()
    ));
    for round in 0..10 {
        let to = if round % 2 == 0 {
            root.join("d2")
        } else {
            away.clone()
        };
        std::fs::rename(root.join("d"), &to).expect("mv away");
        std::fs::rename(&to, root.join("d")).expect("mv back");
        assert_eq!(
            fx.dir.stdout(&["needle"], 0),
            "d/g.txt:needle d\n",
            "round {round}"
        );
    }
}

/// Red-team finding: a directory holding an ignore file, replaced by a file
/// and then by a directory again, kept a ghost: the stale watch made the
/// new directory look watched.
#[test]
fn a_directory_turned_file_turned_directory_leaves_no_ghost() {
    let fx = Fixture::new();
    fx.dir.create("sub/.ignore", "unrelated\n");
    let _g = fx.start(&[]);
    let root = fx.dir.path();
    std::fs::remove_dir_all(root.join("sub")).expect("rm -r");
    fx.dir.create("sub", "needle file\n");
    assert_eq!(fx.dir.stdout(&["needle"], 0), "sub:needle file\n");
    std::fs::remove_file(root.join("sub")).expect("rm");
    fx.dir.create("sub/inner", "needle inner\n");
    assert_eq!(fx.dir.stdout(&["needle"], 0), "sub/inner:needle inner\n");
    std::fs::rename(root.join("sub/inner"), root.join("moved")).expect("mv");
    assert_eq!(fx.dir.stdout(&["needle"], 0), "moved:needle inner\n");
}

/// Red-team finding: a write through another hard link of a held file
/// (in the tree or outside it) brings no event for this name, so the held
/// copy went stale. Such files are read at query time.
#[test]
fn hard_linked_files_are_read_at_query_time() {
    let fx = Fixture::new();
    fx.dir.create("a.txt", "needle one\n");
    let outside = temp_dir();
    let other = outside.path().join("other-name");
    std::fs::hard_link(fx.dir.path().join("a.txt"), &other).expect("ln");
    let _g = fx.start(&[]);
    assert_eq!(fx.dir.stdout(&["-c", "needle", "a.txt"], 0), "1\n");
    append(&other, "needle two\n");
    assert_eq!(fx.dir.stdout(&["-c", "needle", "a.txt"], 0), "2\n");
    assert_eq!(fx.status()["skipped_linked"], 1);
}

/// Red-team finding: a rescan (polling, or after the event queue
/// overflowed) took a file replaced by one of the same size with its mtime
/// put back (`cp -p`, `rsync -a`, `sed -i` + `touch -r`) for unchanged.
#[test]
fn a_file_replaced_with_its_size_and_mtime_kept_is_seen_by_a_rescan() {
    let fx = Fixture::new();
    fx.dir.create("conf.txt", "state OLD\n");
    let _g = fx.start(&["--poll"]);
    let path = fx.dir.path().join("conf.txt");
    let mtime = std::fs::metadata(&path)
        .expect("md")
        .modified()
        .expect("mtime");
    let tmp = fx.dir.path().join("conf.txt.new");
    std::fs::write(&tmp, "state NEW\n").expect("write");
    std::fs::File::options()
        .write(true)
        .open(&tmp)
        .expect("open")
        .set_modified(mtime)
        .expect("touch -r");
    std::fs::rename(&tmp, &path).expect("mv");
    assert_eq!(fx.dir.stdout(&["state"], 0), "conf.txt:state NEW\n");
}

/// Red-team finding: `daemon start --workers 100000` crashed the daemon
/// (SIGABRT) and left its files behind.
#[test]
fn a_huge_worker_count_is_refused() {
    let fx = Fixture::new();
    let out = fx.dir.run(&["--daemon", "start", "--workers", "100000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("at most 256"),
        "{}",
        text(&out.stderr)
    );
    let left = leftovers(&fx);
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Red-team finding: SIGTERM left the socket, pid, lock and log files.
#[test]
fn sigterm_stops_the_daemon_and_leaves_nothing_behind() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    let pid = fx.pid().expect("pid");
    signal(pid, Signal::TERM);
    wait_until(Duration::from_secs(20), "the daemon to stop", || {
        !alive(pid)
    });
    let left = leftovers(&fx);
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Red-team findings: edits to `.git/info/exclude`, and a repository's
/// `.git` appearing or going (git rules apply only inside a repository),
/// were never applied.
#[test]
fn exclude_file_and_repository_boundaries_are_followed() {
    let fx = Fixture::new();
    fx.dir.create("a.txt", "needle\n");
    fx.dir.create("b.txt", "needle\n");
    fx.dir.create("sub/x.log", "needle\n");
    let _g = fx.start(&[]);
    let q = || fx.dir.stdout(&["-l", "needle"], 0);
    assert_eq!(q(), "a.txt\nb.txt\n");
    fx.dir.create(".git/info/exclude", "b.txt\n");
    assert_eq!(q(), "a.txt\n");
    // A nested repository: the parent's `*.log` rule no longer reaches it.
    fx.dir.create("sub/.git/HEAD", "ref: refs/heads/main\n");
    assert_eq!(q(), "a.txt\nsub/x.log\n");
    std::fs::remove_dir_all(fx.dir.path().join("sub/.git")).expect("rm");
    assert_eq!(q(), "a.txt\n");
    std::fs::remove_file(fx.dir.path().join(".git/info/exclude")).expect("rm");
    assert_eq!(q(), "a.txt\nb.txt\n");
}

/// The same search through the daemon and one-shot `--sort path` (the
/// daemon's promise): stdout, stderr, exit status.
fn same_as_one_shot(dir: &Dir, args: &[&str]) {
    let d = dir.run(args);
    let mut one = vec!["--no-daemon", "--sort", "path"];
    one.extend_from_slice(args);
    let o = dir.run(&one);
    assert_eq!(
        (d.status.code(), text(&d.stdout), text(&d.stderr)),
        (o.status.code(), text(&o.stdout), text(&o.stderr)),
        "{args:?}"
    );
}

/// Flags that need what the daemon does not have (the disk, processes,
/// file times, another walk) go one-shot, saying which flag, with
/// one-shot's output.
#[test]
fn flags_the_daemon_does_not_search_with_go_one_shot() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    for (args, flag) in [
        (&["-z", "hello"][..], "-z/--search-zip"),
        (&["--pre", "cat", "hello"], "--pre"),
        (&["--sort", "modified", "hello"], "--sort/--sortr"),
        (&["--sortr", "path", "hello"], "--sort/--sortr"),
        (&["--one-file-system", "hello"], "--one-file-system"),
    ] {
        let mut asked = vec!["--debug"];
        asked.extend_from_slice(args);
        let d = fx.dir.run(&asked);
        let err = text(&d.stderr);
        assert!(
            err.contains(&format!("the daemon does not search with {flag}")),
            "{args:?}: {err}"
        );
        let mut one = vec!["--no-daemon"];
        one.extend_from_slice(args);
        let o = fx.dir.run(&one);
        // One-shot without --sort path promises no order.
        assert_eq!(
            (d.status.code(), sorted_lines(&text(&d.stdout))),
            (o.status.code(), sorted_lines(&text(&o.stdout))),
            "{args:?}"
        );
    }
}

/// Found in review: with `-E LABEL` the daemon ruled files out by looking
/// for the pattern in their raw bytes, while the searcher sees them
/// decoded: `-E latin1 café` answered nothing, where one-shot (and rg)
/// find the line.
#[test]
fn a_decoded_search_is_never_ruled_out_by_raw_bytes() {
    let dir = Dir::grep();
    dir.create_bytes("d/latin.txt", b"caf\xe9 latin\n");
    dir.create_bytes("d/other.txt", b"plain text\n");
    let _g = DaemonGuard::start(&dir, &[]);
    for args in [
        &["-E", "latin1", "café"][..],
        &["-E", "latin1", "-i", "CAFÉ"],
        &["-E", "latin1", "-x", "café.latin"],
        &["-E", "windows-1252", "é"],
        &["-E", "utf-8", "caf\u{FFFD}"],
        &["-E", "auto", "plain"],
    ] {
        let mut asked = vec!["--debug"];
        asked.extend_from_slice(args);
        let d = dir.run(&asked);
        let err = text(&d.stderr);
        assert!(err.contains("answered by the daemon"), "{args:?}: {err}");
        let mut one = vec!["--no-daemon", "--sort", "path"];
        one.extend_from_slice(args);
        let o = dir.run(&one);
        assert_eq!(
            (d.status.code(), text(&d.stdout)),
            (o.status.code(), text(&o.stdout)),
            "{args:?}"
        );
        assert_eq!(o.status.code(), Some(0), "{args:?}: one-shot finds it");
    }
}

/// The config file's flags are read by the client and reach the daemon
/// with the command line's (the daemon never reads the client's file).
#[test]
fn a_config_file_reaches_the_daemon() {
    let fx = Fixture::new();
    fx.dir.create(
        "rc",
        "--ignore-case
--line-number
",
    );
    let _g = fx.start(&[]);
    let dir = Dir::grep()
        .with_env("XDG_RUNTIME_DIR", fx.dir.runtime())
        .with_env("RIPGREP_CONFIG_PATH", fx.dir.path().join("rc"));
    let mut cmd = dir.command();
    cmd.current_dir(fx.dir.path())
        .args(["--debug", "HELLO", "src"]);
    let out = util::run_bounded(&mut cmd, None);
    let err = text(&out.stderr);
    assert!(err.contains("answered by the daemon"), "{err}");
    assert_eq!(
        text(&out.stdout),
        "src/deep/nested/mod.rs:1:// HELLO shouting\nsrc/deep/nested/mod.rs:2:fn nested_hello() {}\n\
         src/lib.rs:1://! hello lib\n\
         src/lib.rs:2:pub fn hello() -> u32 {\nsrc/main.rs:2:    println!(\"hello\");\n"
    );
}

/// The last query the daemon answered, from `daemon status`.
fn last_query(dir: &Dir) -> serde_json::Value {
    let status = daemon_status(dir);
    status["recent_queries"]
        .as_array()
        .and_then(|q| q.last().cloned())
        .unwrap_or_default()
}

/// Found by the daemon oracle (seed 40): a .gitignore edit just before a
/// query that names the file it now ignores. The plan looked the path up
/// before the freshness sync, found it still held, and the shards, which
/// had dropped it by then, answered with nothing and exit 1 (one-shot
/// prints the line).
#[test]
fn a_file_just_ignored_is_never_answered_from_before_the_edit() {
    let dir = Dir::grep();
    for j in 0..2000 {
        dir.create(&format!("x/f{j}.txt"), &format!("hay {j}\n"));
    }
    dir.create("sub/69h.log", "delta\n");
    dir.create(".gitignore", "");
    let _g = DaemonGuard::start(&dir, &[]);
    for _ in 0..5 {
        dir.create(".gitignore", "");
        dir.run(&["-c", "zzz"]);
        dir.create(".gitignore", "*.log\n");
        same_as_one_shot(&dir, &["delta", "sub/69h.log"]);
    }
}

/// Found by the daemon oracle (seeds 25, 42): the daemon searched a held
/// file as one slice, one-shot reads it; grep-searcher differs between the
/// two on `-w` after a line starting with the byte 0xB4 (ripgrep's --mmap
/// and --no-mmap disagree there too).
#[test]
fn a_held_file_is_searched_as_one_shot_reads_it() {
    let dir = Dir::grep();
    dir.create_bytes("w1.txt", b"a\n\xb4:\n");
    dir.create_bytes("w2.txt", b"\xb4: x\nb\n");
    let _g = DaemonGuard::start(&dir, &[]);
    for args in [
        &["-w", "-n", r"\W", "w1.txt"][..],
        &["-w", "-n", r"\W"],
        &["-w", "--count-matches", "x*", "w1.txt"],
        &["-w", "-o", r"\W+"],
    ] {
        same_as_one_shot(&dir, args);
    }
}

/// A selective search reads only the index's candidates, and says so in
/// `daemon status`; a search the index cannot narrow says why it scanned.
#[test]
fn searches_take_the_index_and_status_names_the_plan() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    wait_until(Duration::from_secs(30), "the index is built", || {
        fx.status()["index_ready"] == true
    });
    let status = fx.status();
    assert!(status["index_bytes"].as_u64() > Some(0), "{status}");
    assert!(status["indexed_files"].as_u64() >= Some(5), "{status}");
    // data.bin (binary) is searched by every planned query.
    assert_eq!(status["always_candidates"].as_u64(), Some(1), "{status}");
    same_as_one_shot(&fx.dir, &["-n", "nested_hello"]);
    let q = last_query(&fx.dir);
    assert_eq!(q["plan"], "index", "{q}");
    // src/deep/nested/mod.rs, and data.bin: never more.
    assert!(q["candidates"].as_u64() <= Some(2), "{q}");
    same_as_one_shot(&fx.dir, &["-v", "-c", "hello"]);
    let q = last_query(&fx.dir);
    assert_eq!(
        q["plan"], "full scan: files without a match print too",
        "{q}"
    );
    same_as_one_shot(&fx.dir, &["-n", "[a-z]{2}"]);
    let q = last_query(&fx.dir);
    assert_eq!(
        q["plan"], "full scan: no trigram every match contains",
        "{q}"
    );
    // An edit is in the index before the next query.
    fx.dir.create("docs/new.md", "zebra_crossing here\n");
    same_as_one_shot(&fx.dir, &["-n", "zebra_crossing"]);
    assert_eq!(last_query(&fx.dir)["plan"], "index");
}

/// A shard that panics while it indexes: rebuilt, the next search goes
/// one-shot with one line saying so, and the daemon answers after that.
#[test]
fn a_shard_that_panics_while_indexing_recovers_and_one_search_goes_one_shot() {
    let fx = Fixture::new();
    let (_g, err) = fx.fault_then_one_shot(&["--workers", "1"], "PGREP_LITE_FAULT_PANIC_INDEX");
    assert!(err.contains("panicked while indexing"), "{err}");
    let before = fx.status()["queries"].as_u64().expect("n");
    same_as_one_shot(&fx.dir, &["-c", "hello", "src"]);
    same_as_one_shot(&fx.dir, &["-n", "hello"]);
    assert_eq!(fx.status()["queries"].as_u64().expect("n"), before + 2);
}

/// A checkout's worth of creates at once (10,000 files), then a file that
/// turns binary and one rewritten in place: every answer is one-shot's.
#[test]
fn a_burst_of_ten_thousand_creates_is_answered_as_one_shot() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    for d in 0..100 {
        for f in 0..100 {
            let body = if (d * 100 + f) % 97 == 0 {
                format!("fn burst_{d}_{f}() {{ rare_token_{d} }}\n")
            } else {
                format!("fn burst_{d}_{f}() {{}}\n")
            };
            fx.dir.create(&format!("burst/d{d}/f{f}.rs"), &body);
        }
    }
    same_as_one_shot(&fx.dir, &["-l", "rare_token_"]);
    same_as_one_shot(&fx.dir, &["-c", "rare_token_4"]);
    fx.dir
        .create_bytes("burst/d0/f0.rs", b"rare_token_0\0binary now\n");
    fx.dir.create("burst/d1/f1.rs", "rare_token_1 rewritten\n");
    same_as_one_shot(&fx.dir, &["-n", "rare_token_[01]"]);
    same_as_one_shot(&fx.dir, &["-l", "rare_token_1"]);
}

/// More events than the kernel queues (a stopped daemon while 20,000
/// changes happen): the queue overflows, the daemon rescans, and answers
/// as one-shot.
#[test]
fn an_event_queue_overflow_rescans_and_answers_as_one_shot() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    same_as_one_shot(&fx.dir, &["-c", "hello"]);
    let rescans = fx.status()["rescans"].as_u64().expect("rescans");
    let pid = fx.pid().expect("pid");
    signal(pid, Signal::STOP);
    let cont = Continue(pid);
    // Into a watched directory: files in a new one would make no events
    // until it is watched. About three events per file (create, modify,
    // close), over the default queue of 16,384.
    for f in 0..7000 {
        let body = if f % 50 == 0 {
            "overflow_token\n"
        } else {
            "x\n"
        };
        fx.dir.create(&format!("docs/f{f}.txt"), body);
    }
    std::fs::remove_file(fx.dir.path().join("src/lib.rs")).expect("rm");
    drop(cont);
    same_as_one_shot(&fx.dir, &["-l", "overflow_token"]);
    same_as_one_shot(&fx.dir, &["-c", "hello"]);
    assert!(
        fx.status()["rescans"].as_u64().expect("rescans") > rescans,
        "no rescan: {}",
        fx.status()
    );
}

/// Found by the daemon oracle (a long run): with an empty `-f` file, or
/// `-m 0`, one-shot searches nothing and prints nothing, not even
/// `--stats`; the daemon printed a summary.
#[test]
fn nothing_is_printed_when_no_match_is_possible() {
    let fx = Fixture::new();
    let _g = fx.start(&[]);
    let pats = temp_dir();
    let empty = pats.path().join("empty");
    std::fs::write(&empty, "").expect("write");
    let empty = empty.to_str().expect("utf-8 path");
    same_as_one_shot(&fx.dir, &["--json", "--stats", "-f", empty]);
    same_as_one_shot(&fx.dir, &["-c", "-f", empty]);
    same_as_one_shot(&fx.dir, &["-m", "0", "--stats", "hello"]);
    same_as_one_shot(&fx.dir, &["-m0", "-c", "hello"]);
    assert_eq!(last_query(&fx.dir)["plan"], "none: no match is possible");
}

/// `--memory`: the smallest files are held up to the budget, the rest are
/// indexed and read from disk when they are candidates; answers and
/// read-your-writes are unchanged. `--memory 0` holds no contents at all.
#[test]
fn a_memory_budget_holds_small_files_and_reads_the_rest_from_disk() {
    let fx = Fixture::new();
    {
        let _g = fx.start(&["--workers", "1", "--memory", "60"]);
        let status = fx.status();
        assert_eq!(status["memory_budget"].as_u64(), Some(60), "{status}");
        assert!(status["bytes_held"].as_u64() <= Some(60), "{status}");
        assert!(status["files_from_disk"].as_u64() >= Some(2), "{status}");
        // notes.txt (13 bytes) is among the smallest: held.
        assert!(status["files_in_memory"].as_u64() >= Some(2), "{status}");
        for args in [
            &["-n", "hello"][..],
            &["-c", "goodbye"],
            &["-l", "-i", "HELLO"],
        ] {
            same_as_one_shot(&fx.dir, args);
        }
        fx.dir.create("docs/guide.md", "# Guide\nbudgeted hello\n");
        same_as_one_shot(&fx.dir, &["-n", "budgeted"]);
        assert_eq!(last_query(&fx.dir)["plan"], "index");
    }
    let _g = fx.start(&["--memory", "0"]);
    let status = fx.status();
    assert_eq!(status["bytes_held"].as_u64(), Some(0), "{status}");
    same_as_one_shot(&fx.dir, &["-n", "hello"]);
}
