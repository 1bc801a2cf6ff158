//! The client side of a search: find the daemon serving its paths, ask it,
//! and print its answer (or say why not, and let the caller search
//! one-shot). Managing daemons (`daemon start|stop|status|list`) is
//! [`super::control`]'s, on the connection made here.
//!
//! The rule that matters: a user never gets a wrong or partial answer
//! silently. If no daemon serves the paths, search one-shot without a word.
//! If one does but cannot be reached, speaks another protocol version, or
//! fails before answering, say so in one line and search one-shot. If it
//! fails after part of the answer was printed, say that the output is
//! incomplete and exit 2: printing the whole answer again would duplicate
//! what the reader already has.

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use workdist::ExitStatus;
use workdist::pipe::{BROKEN_PIPE_STATUS, is_broken_pipe};

use super::protocol::{self, Frame, Kind, ProtocolError};
use super::socket;
use crate::config::{Config, Context};

/// What asking the daemon came to.
#[derive(Debug)]
pub enum Attempt {
    /// The daemon answered; this is the exit status.
    Answered(ExitStatus),
    /// Search one-shot; say `note` first when there is one.
    Fallback(Option<String>),
}

/// A connection to a daemon, past the handshake.
pub(super) struct Conn {
    pub(super) stream: UnixStream,
    pub(super) hello: protocol::HelloOk,
}

pub(super) fn connect(socket_path: &Path) -> Result<Conn, String> {
    let mut stream =
        UnixStream::connect(socket_path).map_err(|e| format!("cannot connect ({e})"))?;
    // A stopped daemon still accepts connections (the kernel does that):
    // its silence is what gives it away.
    let _ = stream.set_read_timeout(Some(protocol::STALL));
    let _ = stream.set_write_timeout(Some(protocol::STALL));
    protocol::write_json(&mut stream, Kind::Hello, &protocol::Hello::current())
        .map_err(|e| format!("handshake failed ({e})"))?;
    let reply = protocol::read_frame(&mut stream).map_err(|e| {
        if timed_out(&e) {
            format!(
                "no answer within {} s: it is stopped or stuck",
                protocol::STALL.as_secs()
            )
        } else {
            format!("handshake failed ({e})")
        }
    })?;
    match reply.kind {
        Kind::HelloOk => {
            let hello: protocol::HelloOk = reply
                .json()
                .map_err(|e| format!("handshake failed ({e})"))?;
            Ok(Conn { stream, hello })
        }
        Kind::Error => Err(reply.text()),
        _ => Err("unexpected handshake reply".into()),
    }
}

/// The daemon files of the nearest ancestor of `start` (itself included)
/// that has a daemon socket, if any.
pub(super) fn find_daemon(start: &Path) -> Option<(PathBuf, socket::DaemonPaths)> {
    let dir = socket::runtime_dir().ok()?;
    let mut cur = Some(start);
    while let Some(p) = cur {
        let paths = socket::paths_for(&dir, p);
        if paths.socket.exists() {
            return Some((p.to_path_buf(), paths));
        }
        cur = p.parent();
    }
    None
}

/// Where a search starts, for finding its daemon: the directory of its first
/// path (or the current directory).
fn search_anchor(config: &Config, ctx: &Context) -> Option<PathBuf> {
    let first = config.paths.first()?;
    let abs = ctx.cwd.join(first);
    let canon = std::fs::canonicalize(&abs).ok()?;
    if canon.is_dir() {
        Some(canon)
    } else {
        canon.parent().map(Path::to_path_buf)
    }
}

/// A read that waited [`protocol::STALL`] for nothing: a daemon that is
/// stopped or stuck (a socket timeout reads as `WouldBlock`).
fn timed_out(e: &ProtocolError) -> bool {
    matches!(e, ProtocolError::Io(e)
        if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut))
}

/// A silent fallback to one-shot search; with `--debug`, say why.
fn quietly(config: &Config, why: &str) -> Attempt {
    if config.debug {
        eprintln!("pgrep-lite: debug: searching one-shot: {why}");
    }
    Attempt::Fallback(None)
}

/// Try to answer a search through a daemon.
pub fn try_search(args: &[OsString], ctx: &Context, config: &Config) -> Attempt {
    if config.paths.iter().any(|p| p == Path::new("-")) {
        return quietly(config, "the search reads standard input");
    }
    let Some(anchor) = search_anchor(config, ctx) else {
        return quietly(config, "the first path does not exist");
    };
    let Some((root, paths)) = find_daemon(&anchor) else {
        return quietly(config, "no daemon serves this tree");
    };
    let Some(files) = config.pattern_files.clone() else {
        return quietly(config, "a pattern file cannot be forwarded");
    };
    let mut conn = match connect(&paths.socket) {
        Ok(c) => c,
        Err(why) => {
            clean_if_stale(&paths);
            return Attempt::Fallback(Some(format!(
                "the daemon for {} is unavailable: {why}",
                root.display()
            )));
        }
    };
    let mut context = ctx.clone();
    context.pattern_files = Some(files);
    let query = protocol::Query {
        args: args.iter().map(os_bytes).collect(),
        context,
    };
    if let Err(e) = protocol::write_json(&mut conn.stream, Kind::Query, &query) {
        return Attempt::Fallback(Some(format!(
            "the daemon for {} did not take the query: {e}",
            root.display()
        )));
    }
    // Results may take a while on a big tree, but the daemon's heartbeat
    // never lets [`protocol::STALL`] pass in silence while it works.
    let _ = conn.stream.set_read_timeout(Some(protocol::STALL));
    let attempt = relay(&mut conn, &root, ctx.stdout_is_terminal, config.debug);
    if config.debug {
        match &attempt {
            Attempt::Answered(_) => eprintln!(
                "pgrep-lite: debug: answered by the daemon for {} (pid {})",
                root.display(),
                conn.hello.pid
            ),
            Attempt::Fallback(_) => {}
        }
    }
    attempt
}

fn os_bytes(s: &OsString) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().to_vec()
}

/// Copy the daemon's answer to stdout and stderr.
fn relay(conn: &mut Conn, root: &Path, line_buffered: bool, debug: bool) -> Attempt {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut wrote = false;
    let fail = |wrote: bool, why: String| -> Attempt {
        if wrote {
            eprintln!(
                "pgrep-lite: the daemon for {} failed mid-answer ({why}); the output above is incomplete",
                root.display()
            );
            Attempt::Answered(ExitStatus::Error)
        } else {
            Attempt::Fallback(Some(format!(
                "the daemon for {} failed ({why})",
                root.display()
            )))
        }
    };
    loop {
        let frame: Frame = match protocol::read_frame(&mut conn.stream) {
            Ok(f) => f,
            Err(ProtocolError::Closed) => return fail(wrote, "connection closed".into()),
            Err(e) if timed_out(&e) => {
                return fail(
                    wrote,
                    format!(
                        "no word from it for {} s: it is stopped or stuck (pid {})",
                        protocol::STALL.as_secs(),
                        conn.hello.pid
                    ),
                );
            }
            Err(e) => return fail(wrote, e.to_string()),
        };
        match frame.kind {
            Kind::Progress => {}
            Kind::Stdout => {
                wrote = true;
                let r = out
                    .write_all(&frame.payload)
                    .and_then(|()| if line_buffered { out.flush() } else { Ok(()) });
                if let Err(e) = r {
                    if is_broken_pipe(&e) {
                        // Dropping the connection cancels the daemon's work.
                        return Attempt::Answered(BROKEN_PIPE_STATUS);
                    }
                    eprintln!("error: {e}");
                    return Attempt::Answered(ExitStatus::Error);
                }
            }
            Kind::Stderr => {
                let _ = out.flush();
                let _ = io::stderr().lock().write_all(&frame.payload);
            }
            Kind::Exit => {
                let code = frame.payload.first().copied().unwrap_or(2);
                if let Err(e) = out.flush()
                    && !is_broken_pipe(&e)
                {
                    eprintln!("error: {e}");
                    return Attempt::Answered(ExitStatus::Error);
                }
                return Attempt::Answered(match code {
                    0 => ExitStatus::Found,
                    1 => ExitStatus::NotFound,
                    _ => ExitStatus::Error,
                });
            }
            Kind::Fallback if !wrote => {
                if debug {
                    eprintln!(
                        "pgrep-lite: debug: searching one-shot: the daemon for {} says: {}",
                        root.display(),
                        frame.text()
                    );
                }
                return Attempt::Fallback(None);
            }
            Kind::Error => return fail(wrote, frame.text()),
            _ => return fail(wrote, "unexpected reply".into()),
        }
    }
}

/// A socket nobody listens on, whose lock is free, belongs to a dead
/// daemon: remove it so the next search does not try it again.
pub(super) fn clean_if_stale(paths: &socket::DaemonPaths) {
    if let Ok(Some(_lock)) = socket::try_lock(&paths.lock) {
        let _ = std::fs::remove_file(&paths.socket);
        let _ = std::fs::remove_file(&paths.pid);
    }
}
