//! Child processes in tests: a guard that kills and reaps on drop, bounded
//! waits (a test fails, never hangs), and what /proc tells of a process.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

pub use rustix::process::Signal;

/// How long any one child process may run before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// How long a dropped [`Child`] waits to reap the child it killed. Past it
/// the drop gives up quietly: a drop may run while a failed test unwinds,
/// and must neither hang nor panic.
const REAP: Duration = Duration::from_secs(10);

/// How often the bounded waits look again.
const POLL: Duration = Duration::from_millis(10);

/// Wait until `f` holds, looking every 10 ms; past `limit`, fail the test
/// with `what` ("timed out waiting for {what}"). Only a failing test ever
/// reaches the limit.
pub fn wait_until(limit: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !f() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what} (limit {limit:?})"
        );
        std::thread::sleep(POLL);
    }
}

/// A spawned child process that is killed and reaped when dropped, so that
/// a failing test (an assertion unwinding) never leaves it behind. Derefs
/// to [`std::process::Child`] for its pipes and id.
pub struct Child {
    inner: std::process::Child,
    /// The program's file name, for messages.
    name: String,
}

impl Child {
    /// Spawn `cmd` (whose stdio the caller has set).
    pub fn spawn(cmd: &mut Command) -> Child {
        let name = Path::new(cmd.get_program())
            .file_name()
            .unwrap_or(cmd.get_program())
            .to_string_lossy()
            .into_owned();
        let inner = cmd.spawn().unwrap_or_else(|e| panic!("spawn {name}: {e}"));
        Child { inner, name }
    }

    /// The exit status, if the child exits within `limit`; `None` if it
    /// still runs then (it is left running).
    pub fn wait_timeout(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.inner.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(POLL);
        }
    }

    /// The exit status within `limit`; past it, kill the child and fail
    /// the test.
    pub fn wait_bounded(&mut self, limit: Duration) -> ExitStatus {
        match self.wait_timeout(limit) {
            Some(status) => status,
            None => {
                self.kill_and_reap();
                panic!(
                    "{} (pid {}) did not exit within {limit:?}",
                    self.name,
                    self.inner.id()
                );
            }
        }
    }

    /// Send `sig` to the child.
    pub fn signal(&self, sig: Signal) -> std::io::Result<()> {
        signal(i32::try_from(self.inner.id()).expect("a pid fits i32"), sig)
    }

    /// Everything left on the child's stderr pipe (read to its end: call it
    /// once the child has exited).
    pub fn read_stderr(&mut self) -> String {
        let mut err = Vec::new();
        if let Some(mut e) = self.inner.stderr.take() {
            e.read_to_end(&mut err).expect("read stderr");
        }
        String::from_utf8_lossy(&err).into_owned()
    }

    /// Kill the child unless it has exited, and reap it (bounded, quiet).
    fn kill_and_reap(&mut self) {
        if let Ok(None) = self.inner.try_wait() {
            let _ = self.inner.kill();
            let deadline = Instant::now() + REAP;
            while matches!(self.inner.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(POLL);
            }
        }
    }
}

impl std::ops::Deref for Child {
    type Target = std::process::Child;

    fn deref(&self) -> &std::process::Child {
        &self.inner
    }
}

impl std::ops::DerefMut for Child {
    fn deref_mut(&mut self) -> &mut std::process::Child {
        &mut self.inner
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.kill_and_reap();
    }
}

/// Run a command to completion with a deadline ([`DEADLINE`]), feeding it
/// `input` on stdin when given. Kills the child and fails the test at the
/// deadline.
pub fn run_bounded(cmd: &mut Command, input: Option<&[u8]>) -> Output {
    if input.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = Child::spawn(cmd.stdout(Stdio::piped()).stderr(Stdio::piped()));
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
    let status = child.wait_bounded(DEADLINE);
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

/// A thread that sends `r`'s lines, each without its newline. A last line
/// without one is marked (`<no newline>`), so that a missing newline fails
/// a comparison. The channel closes at EOF.
pub fn lines_of<R: Read + Send + 'static>(r: R) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(r);
        loop {
            let mut line = Vec::new();
            match r.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = match line.strip_suffix(b"\n") {
                        Some(l) => String::from_utf8_lossy(l).into_owned(),
                        None => format!("{}<no newline>", String::from_utf8_lossy(&line)),
                    };
                    if tx.send(text).is_err() {
                        break;
                    }
                }
            }
        }
    });
    rx
}

/// Send `sig` to the process `pid` (which need not be our child).
pub fn signal(pid: i32, sig: Signal) -> std::io::Result<()> {
    let pid = rustix::process::Pid::from_raw(pid)
        .ok_or_else(|| std::io::Error::other(format!("{pid} is no pid")))?;
    rustix::process::kill_process(pid, sig).map_err(std::io::Error::from)
}

/// Whether any thread of the process still runs. Not only the main
/// thread's state: after SIGKILL the main thread can be a zombie while
/// others still exit, holding the process's files (and its locks) open.
pub fn alive(pid: i32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().any(|t| {
        std::fs::read_to_string(t.path().join("stat"))
            .is_ok_and(|s| !s.contains(") Z ") && !s.contains(") X "))
    })
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

/// The CPU time process `pid` has used so far (all its threads, user
/// and system), from /proc/PID/stat.
pub fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("proc stat");
    // After the command name (which may hold spaces and parentheses):
    // state is field 3, utime field 14, stime field 15.
    let rest = &stat[stat.rfind(')').expect("a command name") + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 =
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
    let per_second = rustix::param::clock_ticks_per_second();
    Duration::from_nanos(ticks * 1_000_000_000 / per_second)
}

/// The inotify watches process `pid` holds, as /proc/PID/fdinfo lists
/// them (`inotify wd:1 ino:9a694a sdev:fe00000 ...`).
pub fn inotify_watches(pid: u32) -> Vec<String> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fdinfo")) else {
        return Vec::new();
    };
    fds.flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .flat_map(|info| {
            info.lines()
                .filter(|l| l.starts_with("inotify wd:"))
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Wait (at most `limit`) until process `pid` watches `dir` (an inotify
/// watch on its inode). A follower reads the initial lines before it
/// watches: a change made in between is only seen by its periodic check.
/// Tests wait, so that they follow through notifications and stay fast.
pub fn wait_watching(limit: Duration, pid: u32, dir: &Path) {
    use std::os::unix::fs::MetadataExt;
    let ino = format!(
        " ino:{:x} ",
        std::fs::metadata(dir).expect("stat the directory").ino()
    );
    let what = format!("pid {pid} to watch {}", dir.display());
    wait_until(limit, &what, || {
        inotify_watches(pid).iter().any(|w| w.contains(&ino))
    });
}
