//! Managing daemons from the command line: `daemon start` (in the
//! background, reporting progress until the tree is loaded, or in the
//! foreground, which is the daemon itself: [`super::server::serve`]),
//! `daemon stop` (one, or `--all`), `daemon status` and `daemon list`.
//!
//! One daemon per tree, and none nested in another's tree (searches go to
//! the nearest root, so an outer daemon would hold files it never
//! answers for). A daemon that does not answer is reported with the `kill`
//! that ends it; the files of a dead one are cleaned away.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use workdist::ExitStatus;

use super::client::{Conn, clean_if_stale, connect, find_daemon};
use super::protocol::{self, Kind};
use super::server::{self, ServeOptions};
use super::socket;
use crate::cli::DaemonAction;
use crate::config::Context;

/// The root `daemon start` serves by default: the git repository around
/// the current directory, else the current directory.
fn default_root(cwd: &Path) -> PathBuf {
    let mut cur = Some(cwd);
    while let Some(p) = cur {
        if p.join(".git").exists() {
            return p.to_path_buf();
        }
        cur = p.parent();
    }
    cwd.to_path_buf()
}

fn resolve_root(path: Option<&Path>, cwd: &Path) -> anyhow::Result<PathBuf> {
    let p = match path {
        Some(p) => cwd.join(p),
        None => default_root(cwd),
    };
    let root = std::fs::canonicalize(&p).with_context(|| format!("{}", p.display()))?;
    if !root.is_dir() {
        bail!("{} is not a directory", root.display());
    }
    Ok(root)
}

/// The default memory budget for file contents: a quarter of physical
/// memory, at most 4 GiB. Enough to hold a tree the size of Linux (1.3 GB)
/// whole on a 8 GiB laptop and up, so unselective searches keep the speed
/// of memory; beyond that, copies in the daemon would only duplicate the
/// page cache and take memory from builds and editors, while selective
/// searches need no contents held at all (the index finds the few files
/// to read).
pub fn default_memory() -> u64 {
    const CAP: u64 = 4 << 30;
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map(|kib| kib * 1024);
    total.map_or(CAP / 4, |t| (t / 4).min(CAP))
}

/// `pgrep-lite --daemon ...`.
pub fn manage(action: &DaemonAction, ctx: &Context) -> anyhow::Result<ExitStatus> {
    match action {
        DaemonAction::Start {
            path,
            workers,
            idle_timeout,
            poll,
            memory,
            foreground,
        } => {
            let memory = memory.unwrap_or_else(default_memory);
            let root = resolve_root(path.as_deref(), &ctx.cwd)?;
            let workers = match workers {
                None | Some(0) => workdist::discover::default_threads(),
                Some(n) => *n,
            };
            // 0 means never; nothing given means the default.
            let idle = match idle_timeout {
                None => Some(DEFAULT_IDLE_TIMEOUT),
                Some(d) if d.is_zero() => None,
                Some(d) => Some(*d),
            };
            if let Some(why) = nesting(&root) {
                bail!("{why}");
            }
            if *foreground {
                server::serve(ServeOptions {
                    root,
                    workers,
                    idle_timeout: idle,
                    poll: *poll,
                    memory,
                })?;
                return Ok(ExitStatus::Found);
            }
            start_background(&root, workers, idle, *poll, memory)
        }
        DaemonAction::Stop { path, all: false } => {
            let (root, paths, conn) = match reach(path.as_deref(), &ctx.cwd)? {
                Ok(found) => found,
                Err(status) => return Ok(status),
            };
            stop(&root, &paths, conn)?;
            println!("pgrep-lite: stopped the daemon for {}", root.display());
            Ok(ExitStatus::Found)
        }
        DaemonAction::Stop { all: true, .. } => {
            let daemons = live_daemons()?;
            if daemons.is_empty() {
                eprintln!("pgrep-lite: no daemon is running");
                return Ok(ExitStatus::NotFound);
            }
            let mut failed = false;
            for (paths, conn) in daemons {
                let root = conn.hello.root.clone();
                match stop(&root, &paths, conn) {
                    Ok(()) => println!("pgrep-lite: stopped the daemon for {}", root.display()),
                    Err(e) => {
                        eprintln!("pgrep-lite: {e:#}");
                        failed = true;
                    }
                }
            }
            Ok(if failed {
                ExitStatus::Error
            } else {
                ExitStatus::Found
            })
        }
        DaemonAction::List { json } => {
            let mut rows = Vec::new();
            for (_, mut conn) in live_daemons()? {
                match status_on(&mut conn) {
                    Ok(st) => rows.push(st),
                    Err(why) => eprintln!(
                        "pgrep-lite: the daemon for {} (pid {}): {why}",
                        conn.hello.root.display(),
                        conn.hello.pid
                    ),
                }
            }
            rows.sort_by(|a, b| a.root.cmp(&b.root));
            let mut out = io::stdout().lock();
            if *json {
                for st in &rows {
                    writeln!(out, "{}", serde_json::to_string(st)?)?;
                }
            } else if !rows.is_empty() {
                out.write_all(render_list(&rows).as_bytes())?;
            }
            Ok(if rows.is_empty() {
                ExitStatus::NotFound
            } else {
                ExitStatus::Found
            })
        }
        DaemonAction::BenchScan { literal, path } => {
            let (_, _, mut conn) = match reach(path.as_deref(), &ctx.cwd)? {
                Ok(found) => found,
                Err(status) => return Ok(status),
            };
            protocol::write_frame(&mut conn.stream, Kind::Scan, literal.as_bytes())?;
            let f = protocol::read_frame(&mut conn.stream)?;
            let report: protocol::ScanReport = f.json()?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(ExitStatus::Found)
        }
        DaemonAction::Status { path, json } => {
            let (root, _, mut conn) = match reach(path.as_deref(), &ctx.cwd)? {
                Ok(found) => found,
                Err(status) => return Ok(status),
            };
            let status = status_on(&mut conn)
                .map_err(|why| anyhow::anyhow!("the daemon for {}: {why}", root.display()))?;
            let text = if *json {
                format!("{}\n", serde_json::to_string_pretty(&status)?)
            } else {
                render_status(&status)
            };
            io::stdout().lock().write_all(text.as_bytes())?;
            Ok(ExitStatus::Found)
        }
    }
}

fn resolve_anchor(path: Option<&Path>, cwd: &Path) -> anyhow::Result<PathBuf> {
    let p = path.map_or_else(|| cwd.to_path_buf(), |p| cwd.join(p));
    std::fs::canonicalize(&p).with_context(|| format!("{}", p.display()))
}

/// How long a daemon waits for a request before it stops, unless told:
/// a working day's pauses (a meeting, lunch) keep it, a night does not.
/// Holding a large tree in memory forever is not a default.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(2 * 3600);

/// Ask a daemon to stop, and wait (bounded) until it has let go of its
/// lock.
fn stop(root: &Path, paths: &socket::DaemonPaths, mut conn: Conn) -> anyhow::Result<()> {
    protocol::write_frame(&mut conn.stream, Kind::Stop, b"")?;
    let _ = protocol::read_frame(&mut conn.stream);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        // The daemon removes its lock file as it goes; a lock we can take
        // is one it no longer holds.
        if !paths.lock.exists() || matches!(socket::try_lock(&paths.lock), Ok(Some(_))) {
            // Taking the lock may have made the file again: it is ours.
            if !paths.socket.exists() {
                let _ = std::fs::remove_file(&paths.lock);
            }
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "the daemon for {} did not stop within 20 s (pid {})",
                root.display(),
                conn.hello.pid
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every daemon of this user that answers, connected; the files of dead
/// ones are cleaned away.
fn live_daemons() -> anyhow::Result<Vec<(socket::DaemonPaths, Conn)>> {
    let dir = socket::runtime_dir().context("cannot prepare the runtime directory")?;
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(found);
    };
    let mut sockets: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sock"))
        .collect();
    sockets.sort();
    for sock in sockets {
        let paths = socket::paths_for_socket(&sock);
        match connect(&sock) {
            Ok(conn) => found.push((paths, conn)),
            Err(why) => {
                clean_if_stale(&paths);
                // Still locked: alive, but not answering (stopped, stuck).
                if paths.socket.exists() {
                    let pid = std::fs::read_to_string(&paths.pid).unwrap_or_default();
                    let pid = pid.trim();
                    eprintln!(
                        "pgrep-lite: the daemon with pid {pid} does not answer ({why}); \
                         end it with `kill {pid}` (`kill -9 {pid}` if it is stopped)"
                    );
                }
            }
        }
    }
    Ok(found)
}

/// Why a daemon for `root` would nest with a running one, if it would.
/// A daemon inside another's root would hold the same files twice (and
/// searches there go to the nearest root, so the outer one would answer
/// less than it holds); one around another's root likewise.
fn nesting(root: &Path) -> Option<String> {
    let daemons = live_daemons().ok()?;
    for (_, conn) in daemons {
        let other = &conn.hello.root;
        if other == root {
            continue; // `start` says it is already served
        }
        if root.starts_with(other) {
            return Some(format!(
                "a daemon already serves {}, which contains {}: searches there already use it \
                 (stop it first with `pgrep-lite --daemon stop {}` to serve only {})",
                other.display(),
                root.display(),
                other.display(),
                root.display()
            ));
        }
        if other.starts_with(root) {
            return Some(format!(
                "a daemon serves {}, inside {}: stop it first with `pgrep-lite --daemon stop {}` \
                 (one daemon per tree: nested ones would hold the same files twice)",
                other.display(),
                root.display(),
                other.display()
            ));
        }
    }
    None
}

fn render_list(rows: &[protocol::Status]) -> String {
    let mut out = String::from("PID      FILES      MEMORY       UPTIME     IDLE-TIMEOUT  ROOT\n");
    for s in rows {
        let up = s.uptime_secs;
        out.push_str(&format!(
            "{:<8} {:<10} {:<12} {:<10} {:<13} {}{}\n",
            s.pid,
            s.files,
            mib(s.resident_bytes),
            format!("{}h{:02}m{:02}s", up / 3600, (up / 60) % 60, up % 60),
            s.idle_timeout_secs
                .map_or_else(|| "never".to_string(), |t| format!("{t}s")),
            s.root.display(),
            if s.ready { "" } else { " (loading)" },
        ));
    }
    out
}

/// The daemon serving `path` (or the current directory), connected. When
/// there is none, or it is dead, say so and give the exit status instead.
fn reach(
    path: Option<&Path>,
    cwd: &Path,
) -> anyhow::Result<Result<(PathBuf, socket::DaemonPaths, Conn), ExitStatus>> {
    let anchor = resolve_anchor(path, cwd)?;
    let Some((root, paths)) = find_daemon(&anchor) else {
        eprintln!("pgrep-lite: no daemon serves {}", anchor.display());
        if let Some((root, why)) = last_words(&anchor) {
            eprintln!(
                "pgrep-lite: the last daemon for {} stopped: {why}",
                root.display()
            );
        }
        return Ok(Err(ExitStatus::NotFound));
    };
    match connect(&paths.socket) {
        Ok(conn) => Ok(Ok((root, paths, conn))),
        Err(why) => {
            clean_if_stale(&paths);
            eprintln!(
                "pgrep-lite: the daemon for {} is not running ({why})",
                root.display()
            );
            Ok(Err(ExitStatus::NotFound))
        }
    }
}

/// The last line a daemon of `start` or an ancestor left in its log: only
/// a daemon that stopped for a reason worth reading keeps its log.
fn last_words(start: &Path) -> Option<(PathBuf, String)> {
    let dir = socket::runtime_dir().ok()?;
    start.ancestors().find_map(|p| {
        let log = std::fs::read_to_string(socket::paths_for(&dir, p).log).ok()?;
        let line = log.lines().rev().find(|l| !l.trim().is_empty())?;
        Some((p.to_path_buf(), line.to_string()))
    })
}

fn status_of(socket_path: &Path) -> Result<protocol::Status, String> {
    status_on(&mut connect(socket_path)?)
}

fn status_on(conn: &mut Conn) -> Result<protocol::Status, String> {
    protocol::write_frame(&mut conn.stream, Kind::Status, b"").map_err(|e| e.to_string())?;
    let f = protocol::read_frame(&mut conn.stream).map_err(|e| e.to_string())?;
    match f.kind {
        Kind::StatusReply => f.json().map_err(|e| e.to_string()),
        _ => Err(f.text()),
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
}

fn render_status(s: &protocol::Status) -> String {
    let up = s.uptime_secs;
    let state = if s.ready {
        "ready".to_string()
    } else {
        format!("loading ({} files so far)", s.loaded)
    };
    let watching = if s.polling { "polling" } else { "inotify" };
    let mut out = format!(
        "root:            {}\n\
         pid:             {}\n\
         state:           {state}\n\
         files held:      {} text ({} in memory; {} over the memory budget of {}, read from disk)\n\
         not held:        {} binary, {} too large, {} hard-linked (read from disk when searched)\n\
         left out:        {} ignored or hidden entries at the edge of the tree\n\
         shards:          {} ({})\n\
         resident memory: {}\n\
         uptime:          {}h{:02}m{:02}s\n\
         queries:         {} answered, {} passed to one-shot search\n\
         pending updates: {}\n\
         rescans:         {}\n\
         file watching:   {watching}\n\
         freshness sync:  {} per query on average ({} syncs)\n",
        s.root.display(),
        s.pid,
        s.files - s.skipped_binary - s.skipped_large - s.skipped_linked,
        mib(s.bytes_held),
        s.files_from_disk,
        mib(s.memory_budget),
        s.skipped_binary,
        s.skipped_large,
        s.skipped_linked,
        s.excluded_edge,
        s.shards,
        s.shard_bytes
            .iter()
            .map(|b| mib(*b))
            .collect::<Vec<_>>()
            .join(", "),
        mib(s.resident_bytes),
        up / 3600,
        (up / 60) % 60,
        up % 60,
        s.queries,
        s.fallbacks,
        s.pending_updates,
        s.rescans,
        s.sync_micros_total
            .checked_div(s.syncs)
            .map_or_else(|| "n/a".to_string(), |us| format!("{us} us")),
        s.syncs,
    );
    if let Some(note) = &s.watch_note {
        out.push_str(&format!("watch note:      {note}\n"));
    }
    if !s.index_ready {
        out.push_str(&format!(
            "index:           building ({} files indexed, {} to go; until then they are searched by every query)\n",
            s.indexed_files, s.unindexed_files
        ));
    }
    out.push_str(&format!(
        "index:           {} ({:.2}x the bytes of the files), {} trigrams, {} postings ({} dead), {} files indexed, {} always searched\n",
        mib(s.index_bytes),
        s.index_bytes as f64 / (s.files_bytes.max(1)) as f64,
        s.index_grams,
        s.index_postings,
        s.index_dead_postings,
        s.indexed_files,
        s.always_candidates,
    ));
    for (i, q) in s.recent_queries.iter().rev().enumerate() {
        let label = if i == 0 { "last queries:" } else { "" };
        out.push_str(&format!("{label:<17}{}\n", q.describe()));
    }
    if let Some(t) = s.idle_timeout_secs {
        out.push_str(&format!("idle timeout:    {t}s\n"));
    }
    out
}

fn start_background(
    root: &Path,
    workers: usize,
    idle: Option<Duration>,
    poll: bool,
    memory: u64,
) -> anyhow::Result<ExitStatus> {
    use std::os::unix::process::CommandExt;
    let dir = socket::runtime_dir()?;
    let paths = socket::paths_for(&dir, root);
    if paths.socket.exists() {
        if let Ok(conn) = connect(&paths.socket) {
            println!(
                "pgrep-lite: a daemon already serves {} (pid {})",
                root.display(),
                conn.hello.pid
            );
            return Ok(ExitStatus::Found);
        }
        clean_if_stale(&paths);
    }
    let exe = std::env::current_exe().context("cannot find this program to start the daemon")?;
    // A fresh log: what an earlier daemon for this root said is history.
    let log = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(&paths.log)?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--no-config")
        .arg("--daemon")
        .arg("start")
        .arg("--foreground")
        .arg("--workers")
        .arg(workers.to_string());
    // Always explicit: the foreground daemon would apply the default to a
    // missing flag, and "never" is 0.
    cmd.arg("--idle-timeout")
        .arg(format!("{}ms", idle.map_or(0, |t| t.as_millis())));
    if poll {
        cmd.arg("--poll");
    }
    cmd.arg("--memory").arg(memory.to_string());
    cmd.arg(root)
        // Not in the tree: a daemon whose working directory is the root
        // would keep a deleted root alive, and hide its deletion.
        .current_dir("/")
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // Out of the terminal's process group: Ctrl-C in the shell that
        // started it does not stop the daemon.
        .process_group(0);
    let mut child = cmd.spawn().context("cannot start the daemon")?;
    let progress = io::stderr().is_terminal();
    let deadline = Instant::now() + Duration::from_secs(3600);
    loop {
        if let Some(status) = child.try_wait()? {
            let tail = std::fs::read_to_string(&paths.log).unwrap_or_default();
            match tail.lines().rev().find(|l| !l.trim().is_empty()) {
                Some(last) => bail!("the daemon exited while starting ({status}): {last}"),
                None => bail!(
                    "the daemon exited while starting ({status}) without saying why (log: {})",
                    paths.log.display()
                ),
            }
        }
        if let Ok(s) = status_of(&paths.socket) {
            if s.ready {
                if progress {
                    eprint!("\r\x1b[K");
                }
                println!(
                    "pgrep-lite: daemon serving {} (pid {}): {} files, {} held in {} shards",
                    root.display(),
                    s.pid,
                    s.files,
                    mib(s.bytes_held),
                    s.shards
                );
                return Ok(ExitStatus::Found);
            }
            if progress {
                eprint!("\r\x1b[Kloading {}: {} files", root.display(), s.loaded);
            }
        }
        if Instant::now() > deadline {
            bail!("the daemon did not become ready within an hour");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
