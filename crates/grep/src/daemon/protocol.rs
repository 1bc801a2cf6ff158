//! The wire protocol between `pgrep-lite` clients and the daemon.
//!
//! Frames are `u32` little-endian length, then one kind byte, then the
//! payload (`length` counts kind and payload). Control messages carry JSON;
//! output carries raw bytes, so results cross the socket unchanged. A frame
//! longer than [`MAX_FRAME`] is refused before anything is allocated for
//! it, and a truncated frame is an error, never a hang past the peer's
//! close.
//!
//! A connection starts with `Hello` from the client, answered by `HelloOk`
//! or `Error` (wrong magic or version: the daemon then closes). Then one
//! request (`Query`, `Status`, `Stop`, or the benchmarking aid `Scan`)
//! and its replies.
//!
//! While it works on a query the daemon sends a `Progress` frame whenever
//! it has sent nothing for [`HEARTBEAT`]: a client that hears nothing for
//! [`STALL`] knows the daemon is stopped (SIGSTOP, a debugger) or stuck,
//! not merely slow, and acts as it does for a dead one.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::Context;

/// Bumped whenever a message changes shape.
pub const VERSION: u32 = 2;
/// The longest the daemon stays silent while it works on a query.
pub const HEARTBEAT: std::time::Duration = std::time::Duration::from_millis(250);
/// How long a client waits for any frame before it gives the daemon up:
/// many heartbeats, so that a busy machine is not taken for a dead daemon.
pub const STALL: std::time::Duration = std::time::Duration::from_secs(5);
/// Identifies this protocol (a stray client of something else is refused).
pub const MAGIC: &str = "pfiles-grep";
/// The largest frame either side accepts.
pub const MAX_FRAME: usize = 8 << 20;
/// Output is sent in chunks of at most this size.
pub const CHUNK: usize = 64 << 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Hello = 1,
    Query = 2,
    Status = 3,
    Stop = 4,
    /// Benchmarking: a bare memmem pass over everything held.
    Scan = 5,
    HelloOk = 101,
    Stdout = 102,
    Stderr = 103,
    Exit = 104,
    Fallback = 105,
    Error = 106,
    StatusReply = 107,
    Stopping = 108,
    ScanReply = 109,
    /// "Still working": no payload (see [`HEARTBEAT`]).
    Progress = 110,
}

impl Kind {
    fn from_byte(b: u8) -> Option<Kind> {
        Some(match b {
            1 => Kind::Hello,
            2 => Kind::Query,
            3 => Kind::Status,
            4 => Kind::Stop,
            5 => Kind::Scan,
            101 => Kind::HelloOk,
            102 => Kind::Stdout,
            103 => Kind::Stderr,
            104 => Kind::Exit,
            105 => Kind::Fallback,
            106 => Kind::Error,
            107 => Kind::StatusReply,
            108 => Kind::Stopping,
            109 => Kind::ScanReply,
            110 => Kind::Progress,
            _ => return None,
        })
    }
}

/// A frame as read off the socket.
#[derive(Debug, PartialEq, Eq)]
pub struct Frame {
    pub kind: Kind,
    pub payload: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("connection closed")]
    Closed,
    #[error("truncated frame")]
    Truncated,
    #[error("frame of {0} bytes is larger than the {MAX_FRAME}-byte limit")]
    TooLarge(usize),
    #[error("empty frame")]
    Empty,
    #[error("unknown frame kind {0}")]
    UnknownKind(u8),
    #[error("malformed message: {0}")]
    Malformed(String),
    /// The daemon could not answer (a worker failed before any output).
    #[error("{0}")]
    Failed(String),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Write one frame.
pub fn write_frame(w: &mut impl Write, kind: Kind, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len() + 1)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    let mut head = [0u8; 5];
    head[..4].copy_from_slice(&len.to_le_bytes());
    head[4] = kind as u8;
    w.write_all(&head)?;
    w.write_all(payload)
}

/// Write a frame whose payload is `msg` as JSON.
pub fn write_json<T: Serialize>(w: &mut impl Write, kind: Kind, msg: &T) -> io::Result<()> {
    let payload = serde_json::to_vec(msg).map_err(io::Error::other)?;
    write_frame(w, kind, &payload)
}

/// Read one frame. A clean end of stream before the first byte is
/// [`ProtocolError::Closed`]; one inside a frame is `Truncated`.
pub fn read_frame(r: &mut impl Read) -> Result<Frame, ProtocolError> {
    let mut head = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut head[got..]) {
            Ok(0) if got == 0 => return Err(ProtocolError::Closed),
            Ok(0) => return Err(ProtocolError::Truncated),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let len = u32::from_le_bytes(head) as usize;
    if len == 0 {
        return Err(ProtocolError::Empty);
    }
    if len > MAX_FRAME {
        return Err(ProtocolError::TooLarge(len));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            ProtocolError::Truncated
        } else {
            ProtocolError::Io(e)
        }
    })?;
    let kind = Kind::from_byte(body[0]).ok_or(ProtocolError::UnknownKind(body[0]))?;
    body.remove(0);
    Ok(Frame {
        kind,
        payload: body,
    })
}

impl Frame {
    /// Decode the payload as JSON.
    pub fn json<T: for<'de> Deserialize<'de>>(&self) -> Result<T, ProtocolError> {
        serde_json::from_slice(&self.payload).map_err(|e| ProtocolError::Malformed(e.to_string()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.payload).into_owned()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Hello {
    pub magic: String,
    pub version: u32,
}

impl Hello {
    pub fn current() -> Hello {
        Hello {
            magic: MAGIC.to_string(),
            version: VERSION,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct HelloOk {
    pub version: u32,
    pub root: PathBuf,
    pub pid: u32,
}

/// A search, as the client would have run it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Query {
    /// The command line, program name first, as bytes (arguments need not
    /// be UTF-8).
    pub args: Vec<Vec<u8>>,
    /// Where and how the client runs; its `pattern_files` carries the
    /// patterns of each `-f FILE`, read by the client (the daemon never reads
    /// a file the client names).
    pub context: Context,
}

/// What `pgrep-lite --daemon status` shows.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Status {
    pub root: PathBuf,
    pub pid: u32,
    pub protocol: u32,
    pub ready: bool,
    pub files: u64,
    pub bytes_held: u64,
    pub skipped_binary: u64,
    pub skipped_large: u64,
    /// Files with other hard links, read from disk when searched.
    #[serde(default)]
    pub skipped_linked: u64,
    pub excluded_edge: u64,
    pub shards: usize,
    pub shard_bytes: Vec<u64>,
    pub resident_bytes: u64,
    pub uptime_secs: u64,
    pub queries: u64,
    pub fallbacks: u64,
    pub pending_updates: u64,
    pub polling: bool,
    pub rescans: u64,
    pub watch_note: Option<String>,
    pub idle_timeout_secs: Option<u64>,
    /// Files loaded so far (progress while loading).
    pub loaded: u64,
    /// Freshness syncs before queries, and their total time.
    pub syncs: u64,
    pub sync_micros_total: u64,
    /// The trigram index: heap bytes, distinct trigrams, postings (live
    /// and dead: a changed or deleted file's postings are dead until the
    /// next compaction), and files indexed.
    #[serde(default)]
    pub index_bytes: u64,
    /// Bytes of every file the daemon serves, held in memory or not.
    #[serde(default)]
    pub files_bytes: u64,
    #[serde(default)]
    pub index_grams: u64,
    #[serde(default)]
    pub index_postings: u64,
    #[serde(default)]
    pub index_dead_postings: u64,
    #[serde(default)]
    pub indexed_files: u64,
    /// Every file is indexed (or always searched).
    #[serde(default)]
    pub index_ready: bool,
    /// Files the load left to the index build, not indexed yet.
    #[serde(default)]
    pub unindexed_files: u64,
    /// Files every planned search reads (binary, a byte-order mark, too
    /// large, hard-linked).
    #[serde(default)]
    pub always_candidates: u64,
    /// The memory budget for file contents, and where the files are.
    #[serde(default)]
    pub memory_budget: u64,
    #[serde(default)]
    pub files_in_memory: u64,
    /// Text files beyond the budget, read from disk when searched.
    #[serde(default)]
    pub files_from_disk: u64,
    /// Queries answered with the index (the rest scanned every file).
    #[serde(default)]
    pub queries_indexed: u64,
    /// The last queries answered, oldest first.
    #[serde(default)]
    pub recent_queries: Vec<QueryNote>,
}

impl QueryNote {
    /// One line for `--debug` and `daemon status`: the plan, what it left
    /// to search, and the time.
    pub fn describe(&self) -> String {
        let what = match self.candidates {
            Some(c) => format!("plan: index, {c} candidate files of {}", self.files),
            None => format!("plan: {}, {} files", self.plan, self.files),
        };
        format!(
            "{what}, {:.1} MiB searched, {:.1} ms in the daemon",
            self.verify_bytes as f64 / (1u64 << 20) as f64,
            self.micros as f64 / 1000.0
        )
    }
}

/// What the daemon remembers of a query it answered.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct QueryNote {
    /// `index`, or `full scan: <why>`.
    pub plan: String,
    /// With the index: the files it left to search.
    pub candidates: Option<u64>,
    /// Files the daemon holds.
    pub files: u64,
    /// Bytes of the files searched.
    pub verify_bytes: u64,
    /// From the plan to the last byte sent, in the daemon.
    pub micros: u64,
}

/// The result of a bare scan (`pgrep-lite --daemon bench-scan`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ScanReport {
    pub bytes: u64,
    pub files: u64,
    pub matches: u64,
    /// From broadcast to the last shard's reply, measured in the daemon.
    pub micros: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let mut buf = Vec::new();
        write_frame(&mut buf, Kind::Stdout, b"abc").expect("write");
        write_json(&mut buf, Kind::Hello, &Hello::current()).expect("write");
        let mut r = &buf[..];
        let f = read_frame(&mut r).expect("frame");
        assert_eq!(
            f,
            Frame {
                kind: Kind::Stdout,
                payload: b"abc".to_vec()
            }
        );
        let f = read_frame(&mut r).expect("frame");
        assert_eq!(f.json::<Hello>().expect("json"), Hello::current());
        assert!(matches!(read_frame(&mut r), Err(ProtocolError::Closed)));
    }

    #[test]
    fn bad_frames_are_errors_not_hangs_or_huge_allocations() {
        let mut r: &[u8] = &[5, 0, 0];
        assert!(matches!(read_frame(&mut r), Err(ProtocolError::Truncated)));
        let mut r: &[u8] = &[5, 0, 0, 0, 1, b'a'];
        assert!(matches!(read_frame(&mut r), Err(ProtocolError::Truncated)));
        let mut r: &[u8] = &[0xff, 0xff, 0xff, 0x7f, 1];
        assert!(matches!(
            read_frame(&mut r),
            Err(ProtocolError::TooLarge(_))
        ));
        let mut r: &[u8] = &[1, 0, 0, 0, 77];
        assert!(matches!(
            read_frame(&mut r),
            Err(ProtocolError::UnknownKind(77))
        ));
        let mut r: &[u8] = &[0, 0, 0, 0];
        assert!(matches!(read_frame(&mut r), Err(ProtocolError::Empty)));
        let mut r: &[u8] = &[3, 0, 0, 0, 1, b'{', b'x'];
        let f = read_frame(&mut r).expect("frame");
        assert!(matches!(
            f.json::<Hello>(),
            Err(ProtocolError::Malformed(_))
        ));
    }
}
