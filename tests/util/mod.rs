//! A small harness for end-to-end tests, in the style of ripgrep's
//! `tests/util.rs`, shared by every test binary (`mod util;`): a temporary
//! directory to build fixtures in and run the real binaries inside
//! ([`Dir`]), file helpers ([`fs`]), child processes killed on drop and
//! bounded waits, so that a test fails, never hangs ([`proc`]), pgrep-lite's
//! daemon ([`daemon`]), a running ptail ([`ptail`]), and a seeded generator
//! for oracle tests ([`Rng`]).
//!
//! Each test binary uses part of it: hence `dead_code` is allowed here, and
//! unused re-exports.

#![allow(dead_code)]

pub mod daemon;
pub mod fs;
pub mod proc;
pub mod ptail;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[allow(unused_imports)]
pub use daemon::{DaemonGuard, daemon_pids, daemon_status};
#[allow(unused_imports)]
pub use fs::{append, appender, set_mode, temp_dir};
#[allow(unused_imports)]
pub use proc::{
    Child, DEADLINE, Signal, alive, cpu_time, inotify_watches, lines_of, proc_status_bytes,
    run_bounded, signal, wait_until, wait_watching,
};
#[allow(unused_imports)]
pub use ptail::{Ended, Ptail};

/// A fixture directory that disappears with the test.
pub struct Dir {
    tmp: tempfile::TempDir,
    bin: PathBuf,
    envs: Vec<(String, OsString)>,
    /// A private runtime directory (XDG_RUNTIME_DIR) for daemon sockets, so
    /// that no test ever meets a daemon it did not start.
    run: Option<tempfile::TempDir>,
}

impl Dir {
    /// A fresh directory in which the given tool runs.
    pub fn new(bin: &str) -> Dir {
        let tmp = temp_dir();
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
    pub fn with_env(mut self, key: &str, value: impl AsRef<OsStr>) -> Dir {
        self.envs
            .push((key.to_string(), value.as_ref().to_os_string()));
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

    /// A directory for ptail.
    pub fn ptail() -> Dir {
        Dir::new(ptail::PTAIL)
    }

    /// A directory for pimports.
    pub fn pimports() -> Dir {
        let dir = Dir::new(env!("CARGO_BIN_EXE_pimports"));
        // Dependencies' manifests are read from Cargo's registry sources:
        // the tests' own, not the machine's.
        let home = dir.path().join(".cargo-home");
        dir.with_env("CARGO_HOME", home)
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
        self.command_for(&self.bin)
    }

    /// Another program (a real rg, an older build) run as [`Dir::command`]
    /// runs the tool: same directory, input and environment.
    #[allow(dead_code)]
    pub fn command_for(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.path())
            .stdin(Stdio::null())
            .env_remove("NO_COLOR")
            .env_remove("XDG_CONFIG_HOME")
            // A developer's own ripgrep config must not change the tests.
            .env_remove("RIPGREP_CONFIG_PATH")
            .env_remove("PGREP_LITE_CONFIG_PATH")
            .env("HOME", self.path());
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        cmd
    }

    /// The tool with `args`, spawned with its stdout and stderr piped (for
    /// the caller to read), killed if the test fails.
    pub fn spawn(&self, args: &[&str]) -> Child {
        Child::spawn(
            self.command()
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
        )
    }

    /// Run with `args` and return the output, whatever the exit status.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.command();
        cmd.args(args);
        run_bounded(&mut cmd, None)
    }

    /// Run with `args` and expect exit status `code` (the output in the
    /// message if not).
    pub fn expect_status(&self, args: &[&str], code: i32) -> Output {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "args {args:?}\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Run with `args`, expect exit status `code`, return stdout as text.
    pub fn stdout(&self, args: &[&str], code: i32) -> String {
        String::from_utf8(self.expect_status(args, code).stdout).expect("utf-8 stdout")
    }

    /// Run with `args`, expect exit status `code`, return stderr as text.
    #[allow(dead_code)]
    pub fn stderr(&self, args: &[&str], code: i32) -> String {
        String::from_utf8_lossy(&self.expect_status(args, code).stderr).into_owned()
    }
}

/// The lines of an output sorted, each kept with its newline (for outputs
/// whose order is not specified).
pub fn sorted_lines_bytes(out: &[u8]) -> Vec<u8> {
    let mut lines: Vec<&[u8]> = out.split_inclusive(|b| *b == b'\n').collect();
    lines.sort_unstable();
    lines.concat()
}

/// [`sorted_lines_bytes`] of a text.
pub fn sorted_lines(s: &str) -> String {
    String::from_utf8(sorted_lines_bytes(s.as_bytes())).expect("whole lines of UTF-8 stay UTF-8")
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

/// Output bytes as text (lossy), for messages and comparisons.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A real ripgrep to compare with: `$var` if set, else /work/tools/bin/rg,
/// `rg` on PATH, or one that `bench/rg_suite.sh` built under
/// target/rg-suite/ (CI runs the suite first, so the oracles that compare
/// with rg really run there). Only a binary whose `--version` says
/// "ripgrep" counts (the suite's run directory has an `rg` that is
/// pgrep-lite); with `pcre2`, only one whose `--pcre2-version` succeeds.
#[allow(dead_code)]
pub fn ripgrep(var: &str, pcre2: bool) -> Option<PathBuf> {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/rg-suite");
    let candidates = [
        std::env::var_os(var).map(PathBuf::from),
        Some(PathBuf::from("/work/tools/bin/rg")),
        Some(PathBuf::from("rg")),
        Some(suite.join("build-default/debug/rg")),
        Some(suite.join("build-pcre2/debug/rg")),
    ];
    let found = candidates.into_iter().flatten().find(|rg| {
        let ok = |arg: &str| {
            Command::new(rg)
                .arg(arg)
                .stdin(Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())
        };
        ok("--version").is_some_and(|o| o.stdout.starts_with(b"ripgrep "))
            && (!pcre2 || ok("--pcre2-version").is_some())
    });
    // CI builds one (bench/rg_suite.sh) and says so: an oracle that skips
    // there would pass while checking nothing.
    assert!(
        found.is_some() || std::env::var_os("PFILES_REQUIRE_RG").is_none(),
        "PFILES_REQUIRE_RG is set but no ripgrep{} was found",
        if pcre2 { " with PCRE2" } else { "" }
    );
    found
}
