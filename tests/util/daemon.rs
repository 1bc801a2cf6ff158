//! pgrep-lite's resident daemon in tests: a guard that stops it (or kills
//! it by the pid in its runtime directory) whatever happens to the test.
//! The daemon is no child of the test (it detaches), so [`super::Child`]
//! cannot hold it.

use super::Dir;
use super::proc::{Signal, signal};

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
        let mut args = vec!["--daemon", "start"];
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
        daemon_pids(self.dir)
    }

    /// `daemon status --json`, parsed.
    pub fn status(&self) -> serde_json::Value {
        daemon_status(self.dir)
    }
}

impl Drop for DaemonGuard<'_> {
    fn drop(&mut self) {
        let pids = self.pids();
        let _ = self.dir.run(&["--daemon", "stop"]);
        for pid in pids {
            let _ = signal(pid, Signal::KILL);
        }
    }
}

/// The pids of the daemons in `dir`'s runtime directory (from their pid
/// files).
pub fn daemon_pids(dir: &Dir) -> Vec<i32> {
    let Ok(rd) = std::fs::read_dir(dir.runtime().join("pfiles")) else {
        return Vec::new();
    };
    rd.flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "pid"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok()?.trim().parse().ok())
        .collect()
}

/// `pgrep-lite daemon status --json` in `dir`, which must succeed, parsed.
pub fn daemon_status(dir: &Dir) -> serde_json::Value {
    let out = dir.stdout(&["--daemon", "status", "--json"], 0);
    serde_json::from_str(&out).expect("status json")
}
