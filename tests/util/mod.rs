//! A small harness for end-to-end tests, in the style of ripgrep's
//! `tests/util.rs`: a temporary directory to build fixtures in, and the real
//! binaries run inside it with bounded waits (a test fails, never hangs).

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// How long any one child process may run before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A fixture directory that disappears with the test.
pub struct Dir {
    tmp: tempfile::TempDir,
    bin: PathBuf,
    envs: Vec<(String, PathBuf)>,
    /// A private runtime directory (XDG_RUNTIME_DIR) for daemon sockets, so
    /// that no test ever meets a daemon it did not start.
    run: Option<tempfile::TempDir>,
}

impl Dir {
    /// A fresh directory in which the given tool runs.
    pub fn new(bin: &str) -> Dir {
        let tmp = tempfile::Builder::new()
            .prefix("pfiles-test-")
            .tempdir()
            .expect("create temp dir");
        Dir {
            tmp,
            bin: PathBuf::from(bin),
            envs: Vec::new(),
            run: None,
        }
    }

    /// The private runtime directory (see [`Dir::grep`]).
    pub fn runtime(&self) -> &Path {
        self.run.as_ref().expect("a runtime dir").path()
    }

    /// Set an environment variable for every command run in this directory.
    pub fn with_env(mut self, key: &str, value: &Path) -> Dir {
        self.envs.push((key.to_string(), value.to_path_buf()));
        self
    }

    /// A directory for pgrep-lite, made a git repository (so .gitignore
    /// rules apply, as in a real checkout).
    pub fn grep() -> Dir {
        let run = tempfile::Builder::new()
            .prefix("pfiles-run-")
            .tempdir()
            .expect("runtime dir");
        let mut dir =
            Dir::new(env!("CARGO_BIN_EXE_pgrep-lite")).with_env("XDG_RUNTIME_DIR", run.path());
        dir.run = Some(run);
        dir.create(".git/HEAD", "ref: refs/heads/main\n");
        dir
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Write a file (text), creating parent directories.
    pub fn create(&self, path: &str, contents: &str) -> PathBuf {
        self.create_bytes(path, contents.as_bytes())
    }

    /// Write a file (bytes), creating parent directories.
    pub fn create_bytes(&self, path: &str, contents: &[u8]) -> PathBuf {
        let p = self.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, contents).expect("write fixture");
        p
    }

    pub fn mkdir(&self, path: &str) -> PathBuf {
        let p = self.path().join(path);
        std::fs::create_dir_all(&p).expect("mkdir");
        p
    }

    /// The tool, run in this directory with no standard input (so that it
    /// searches the directory, as from a terminal) and no colour variables.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.current_dir(self.path())
            .stdin(Stdio::null())
            .env_remove("NO_COLOR")
            .env_remove("XDG_CONFIG_HOME")
            .env("HOME", self.path());
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        cmd
    }

    /// Run with `args` and return the output, whatever the exit status.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.command();
        cmd.args(args);
        run_bounded(&mut cmd, None)
    }

    /// Run with `args`, expect exit status `code`, return stdout as text.
    pub fn stdout(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "args {args:?}\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }
}

/// Run a command to completion with a deadline, feeding it `input` on stdin
/// when given. Kills the child and fails the test at the deadline.
pub fn run_bounded(cmd: &mut Command, input: Option<&[u8]>) -> Output {
    if input.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the binary");
    if let Some(input) = input {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let stdout = drain(child.stdout.take().expect("stdout"));
    let stderr = drain(child.stderr.take().expect("stderr"));
    let status = wait_bounded(&mut child, DEADLINE);
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

fn drain<R: Read + Send + 'static>(mut r: R) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        buf
    })
}

/// Wait for a child at most `limit`; kill it and fail the test past that.
pub fn wait_bounded(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait().expect("try_wait") {
            Some(status) => return status,
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("child process did not finish within {limit:?}");
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// Sort the lines of a text (for outputs whose order is not specified).
pub fn sorted_lines(s: &str) -> String {
    let mut lines: Vec<&str> = s.lines().collect();
    lines.sort_unstable();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// A field of /proc/PID/status, in bytes (`VmRSS`; `VmHWM`: peak RSS so
/// far). Read it while the process is alive: a zombie has no memory fields.
pub fn proc_status_bytes(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"));
    let kib: u64 = line
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .expect("a number of kB");
    kib << 10
}

/// A tiny seeded generator (splitmix64) for randomized oracle tests: the
/// same seed replays the same run, and no dependency is needed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A seed from the environment variable `var` (decimal), else `default`.
pub fn seed_from_env(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(default)
}

/// A daemon started in `dir` (a [`Dir::grep`]), stopped (and, if need be,
/// killed by the pid in its runtime directory) whatever happens to the test.
pub struct DaemonGuard<'a> {
    dir: &'a Dir,
}

impl<'a> DaemonGuard<'a> {
    /// A guard for a daemon started some other way (with extra
    /// environment, say).
    pub fn adopt(dir: &'a Dir) -> DaemonGuard<'a> {
        DaemonGuard { dir }
    }

    /// `pgrep-lite daemon start EXTRA...`, which must succeed.
    pub fn start(dir: &'a Dir, extra: &[&str]) -> DaemonGuard<'a> {
        let mut args = vec!["daemon", "start"];
        args.extend_from_slice(extra);
        let out = dir.run(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "daemon start failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        DaemonGuard { dir }
    }

    /// The pids of the daemons in this directory's runtime directory.
    pub fn pids(&self) -> Vec<i32> {
        let Ok(rd) = std::fs::read_dir(self.dir.runtime().join("pfiles")) else {
            return Vec::new();
        };
        rd.flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "pid"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok()?.trim().parse().ok())
            .collect()
    }

    /// `daemon status --json`, parsed.
    pub fn status(&self) -> serde_json::Value {
        let out = self.dir.stdout(&["daemon", "status", "--json"], 0);
        serde_json::from_str(&out).expect("status json")
    }
}

impl Drop for DaemonGuard<'_> {
    fn drop(&mut self) {
        let pids = self.pids();
        let _ = self.dir.run(&["daemon", "stop"]);
        for pid in pids {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        }
    }
}
