//! `--state FILE`: resume after a restart with nothing lost or repeated.
//!
//! # What is recorded
//!
//! For each file a follower holds (the current one, and rotated-away ones
//! still being drained): its identity (device, inode), a fingerprint of
//! its start, the offset just past the last whole line ptail *wrote*
//! (not read), the name it was followed under, and when it was last seen.
//! With `-o FILE`, the output's identity, its length at that moment, a
//! fingerprint of its bytes before that length and when it was created.
//!
//! * **The fingerprint** is a hash of the file's first bytes (up to 64)
//!   together with how many there were. A file shorter than 64 bytes when
//!   the state is saved is fingerprinted on what it had (say 10 bytes,
//!   hashed with the length 10); after a restart the first 10 bytes of the
//!   file are hashed and compared, so a file that grew meanwhile is still
//!   recognised, while a recycled inode (another file under the same
//!   device and inode) almost never starts with the same bytes. An empty
//!   file is fingerprinted on nothing: its offset is 0, so reading it from
//!   the start is right whatever it is.
//! * **Written, not read.** The writer counts the bytes it hands to the
//!   output ([`Counted`]). Each batch the reading thread sends is noted
//!   with the byte count at its end and where its followers then stood
//!   ([`Tracker::mark`]); a batch's marks are committed only once the
//!   writer has written past it. With `-o`, the output is synced
//!   (fdatasync) before the state that covers it is written: write-ahead
//!   order, so the state never claims a line the output could lose.
//! * **Atomic**: the state goes to `.NAME.tmp` beside it (created with
//!   `O_EXCL|O_NOFOLLOW`, so a planted link makes the write fail, never
//!   go through it), synced, renamed over the state, the directory synced
//!   ([`workdist::atomic`]). At most every 100 ms while lines flow, and
//!   at every exit.
//! * **A followed name that holds nothing the state covers** (no file
//!   there yet, or one that appeared after the last batch written) is
//!   listed too, as [`NOTHING`]: a next run reads what is at the name
//!   whole, and the files rotated beside it since, the state knowing
//!   none of them.
//! * **Rotated files beside a followed one** (`app.log.1`) that this run
//!   found at start or let go after reading them are listed by identity
//!   and fingerprint: a next run tells them from files rotated there
//!   unseen, which it reads whole.
//! * **The bytes before the offset** (up to 64) are fingerprinted too,
//!   read at the save for files at their followed name (at most
//!   [`TAILS_PER_SAVE`] a save): a file copied and truncated while ptail
//!   was down, then written past the old offset, starts as before when
//!   every file of its logger begins with the same header, but does not
//!   end its last line there. It is then read from its start, and of the
//!   copies beside it, the one with those bytes is drained.
//! * **The output's last bytes** (up to 64 before the recorded length)
//!   are fingerprinted at each save, with the output's creation time
//!   (where the filesystem keeps one): the output is cut back only if it
//!   is still the file ptail wrote, with those bytes there. An output
//!   deleted while ptail was down and created again at its name (often on
//!   the same inode), or rewritten by another program, is left whole,
//!   appended to, said once.
//! * **When a file was created** (where the filesystem keeps it) is
//!   recorded with the bytes before its offset: a file at a followed name
//!   on the inode of one the state knew, created at another time, is not
//!   that file (deleted while ptail was down, its inode reused at once by
//!   ext4 or tmpfs). It is read whole, and the files rotated beside it in
//!   between are looked for, as after a rename.
//! * **A record judged** by a record filter (`--filter-records`) when the
//!   offset stops inside it (a kept record streams its lines, a dropped
//!   one drops them unheld) is recorded with the offset: kept or dropped.
//!   A run resuming at exactly that offset of the same file opens the
//!   record again with that verdict, so its later continuation lines
//!   follow it (not judged one by one as lines of no record).
//! * **The format** is text, versioned (`ptail-state 4`; version 3, the
//!   same without the records' verdicts, version 2, also without the
//!   output's last bytes and the creation times, and version 1, also
//!   without the bytes before the offsets, are still read), one
//!   file per line, paths in hex, and a last line with the count of
//!   entries and a hash of everything before it: a truncated or corrupt
//!   state is detected, said once, and ptail starts from the end of each
//!   file (never a crash, never a replay of whole files).
//!
//! # What it guarantees
//!
//! With `-o FILE`: every line exactly once across any stop, SIGKILL
//! included. At start, the output is cut back to the length the state
//! recorded (what was written after the last state is written again) —
//! the one case where `-o` truncates, and only the same file the state
//! names (same device and inode, same creation time where known, the
//! same bytes before that length). With standard output: exactly once across
//! SIGINT, SIGTERM, `--until`, `--timeout`, `--pid` and a closed pipe;
//! after SIGKILL at least once, repeating at most what was written after
//! the last state (about 100 ms of lines).

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::fingerprint::{FNV_START, fingerprint, fnv, same_start};
use crate::follow::{Follower, Id, Mark};
use crate::records::Judged;

/// The format written; a state of another version is not read (versions
/// 1 to 3, older forms of this one, are).
pub const VERSION: u32 = 4;
const MAGIC: &str = "ptail-state";
/// The state is written at most this often while lines flow.
pub const EVERY: Duration = Duration::from_millis(100);
/// Entries of files not seen for this long are dropped (`--state-retention`).
pub const RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);
/// The largest state read (a million files' entries): a bigger one is
/// taken as corrupt rather than read into memory.
const MAX_STATE: u64 = 256 << 20;
/// The most entries and siblings a state may list (a million files): a
/// state of short lines within `MAX_STATE` would otherwise hold 14
/// million, gigabytes once read and planned.
const MAX_ENTRIES: usize = 1 << 20;
/// How many files' last bytes a save reads at most (an open, a read and
/// a close each): the others keep what the last save knew, or go without
/// for a save or two. A restart of 10,000 files is not held up by 10,000
/// opens at its first save.
const TAILS_PER_SAVE: usize = 256;
/// How many bytes before an offset are fingerprinted.
const TAIL: u64 = 64;

/// The identity of an entry that is no file: its followed name held
/// nothing the state covers (no file there yet, or a file that appeared
/// after the last batch the state covers). A next run then reads what is
/// at the name whole and, as after a rename, the files beside it that the
/// state does not know (they appeared and were rotated there since).
/// Without it the state said nothing of the name, and such a file was
/// never looked for (its lines lost).
pub const NOTHING: Id = (0, 0);

/// One file of a saved state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: Id,
    pub fp: (u32, u64),
    pub offset: u64,
    /// The fingerprint of the bytes just before `offset` (at most 64;
    /// none, `fingerprint(&[])`, when not known): a file truncated and
    /// written again past the offset, starting as before (a fixed
    /// header), does not end its last line there.
    pub tail: (u32, u64),
    /// Seconds since the epoch.
    pub seen: u64,
    /// The name it was followed under.
    pub path: PathBuf,
    /// When the file was created, in nanoseconds since the epoch (0: not
    /// known), read with [`Entry::tail`]: a file at the name on this
    /// inode created at another time is another file (the inode reused).
    pub born: u64,
    /// The verdict of the record `offset` stops inside, if a record
    /// filter had judged it (None: at a record's start, in no record,
    /// no record filter, a state of version 3 or older).
    pub record: Option<Judged>,
}

/// An entry's record verdict in the text format.
fn judged_word(j: Option<Judged>) -> &'static str {
    match j {
        None => "-",
        Some(Judged::Kept) => "k",
        Some(Judged::Dropped) => "d",
    }
}

/// The `-o` file as the state saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputMark {
    pub id: Id,
    pub len: u64,
    /// The fingerprint of its bytes before `len` (at most 64; none,
    /// `fingerprint(&[])`, when not known: a state of version 2 or
    /// older, an output that could not be read).
    pub tail: (u32, u64),
    /// When it was created, in nanoseconds since the epoch (0: not
    /// known).
    pub born: u64,
}

impl OutputMark {
    /// Whether `file` (at least `len` long, created `born`) is the output
    /// this mark describes, with the bytes ptail wrote before `len`;
    /// if not, why. What is not known (an older state, a filesystem
    /// without creation times) is not held against it.
    pub fn same_output(&self, file: &File, born: u64) -> Result<(), String> {
        if self.born != 0 && born != 0 && self.born != born {
            return Err("created anew since the state was saved (not the file it records)".into());
        }
        if self.tail.0 != 0 && tail_of(file, self.len) != Some(self.tail) {
            return Err(format!(
                "its bytes before byte {} are not what ptail wrote there (rewritten since the state was saved?)",
                self.len
            ));
        }
        Ok(())
    }
}

pub use crate::follow::birth;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Saved {
    /// When it was saved, in milliseconds since the epoch.
    pub saved_ms: u64,
    pub output: Option<OutputMark>,
    pub entries: Vec<Entry>,
    /// The files named like rotations of a followed file (`app.log.1`)
    /// when it was saved, by identity: a file beside a followed one that
    /// is neither these nor an entry was rotated there after the save.
    pub siblings: Vec<(Id, (u32, u64))>,
}

/// What was found at the state's path.
#[derive(Debug)]
pub enum Loaded {
    /// No state yet: a first run.
    None,
    Saved(Saved),
    /// Unreadable, corrupt, truncated, another version, a link: why.
    Bad(String),
}

/// Read the state at `path`, never through a symbolic link.
pub fn load(path: &Path) -> Loaded {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK).bits() as i32)
        .open(path);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Loaded::None,
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            return Loaded::Bad("is a symbolic link; not read".into());
        }
        Err(e) => return Loaded::Bad(e.to_string()),
    };
    match file.metadata() {
        Ok(m) if !m.is_file() => return Loaded::Bad("is not a regular file".into()),
        Ok(m) if m.len() > MAX_STATE => return Loaded::Bad("is too large to be a state".into()),
        Ok(_) => {}
        Err(e) => return Loaded::Bad(e.to_string()),
    }
    let mut bytes = Vec::new();
    if let Err(e) = (&mut file).take(MAX_STATE).read_to_end(&mut bytes) {
        return Loaded::Bad(e.to_string());
    }
    match parse(&bytes) {
        Ok(s) => Loaded::Saved(s),
        Err(why) => Loaded::Bad(why),
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The state as text (see the module comment).
pub fn serialize(saved: &Saved) -> Vec<u8> {
    use std::fmt::Write;
    let mut s = format!("{MAGIC} {VERSION}\nsaved {}\n", saved.saved_ms);
    match saved.output {
        Some(o) => {
            let _ = writeln!(
                s,
                "output {} {} {} {} {:016x} {}",
                o.id.0, o.id.1, o.len, o.tail.0, o.tail.1, o.born
            );
        }
        None => s.push_str("output -\n"),
    }
    for e in &saved.entries {
        let _ = writeln!(
            s,
            "file {} {} {} {} {:016x} {} {} {} {:016x} {} {}",
            e.id.0,
            e.id.1,
            e.offset,
            e.fp.0,
            e.fp.1,
            e.seen,
            hex(e.path.as_os_str().as_bytes()),
            e.tail.0,
            e.tail.1,
            e.born,
            judged_word(e.record)
        );
    }
    for (id, fp) in &saved.siblings {
        let _ = writeln!(s, "sibling {} {} {} {:016x}", id.0, id.1, fp.0, fp.1);
    }
    let sum = fnv(FNV_START, s.as_bytes());
    let _ = writeln!(s, "end {} {sum:016x}", saved.entries.len());
    s.into_bytes()
}

/// The state `bytes` hold, or why they hold none.
pub fn parse(bytes: &[u8]) -> Result<Saved, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "is not a ptail state (not text)")?;
    let mut lines = text.split_inclusive('\n');
    let head = lines.next().unwrap_or("");
    let version = head
        .strip_prefix(MAGIC)
        .and_then(|v| v.strip_prefix(' '))
        .and_then(|v| v.strip_suffix('\n'))
        .ok_or("is not a ptail state")?;
    let v1 = version == "1";
    // Versions 1 and 2: the output without its last bytes and birth,
    // files without their birth.
    let old = v1 || version == "2";
    // Versions 1 to 3: files without their record's verdict.
    let v3 = version == "3";
    if version != VERSION.to_string() && !old && !v3 {
        return Err(format!(
            "is a state of another version ({version}; this ptail reads {VERSION})"
        ));
    }
    let bad = |what: &str| format!("is corrupt ({what})");
    let mut saved = Saved::default();
    let mut consumed = head.len();
    let mut ended = false;
    for line in lines {
        if ended {
            return Err(bad("text after its end"));
        }
        let body = line.strip_suffix('\n').ok_or_else(|| bad("truncated"))?;
        let f: Vec<&str> = body.split(' ').collect();
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
        match f.first().copied() {
            Some("saved") if f.len() == 2 => {
                saved.saved_ms = num(1).ok_or_else(|| bad("saved line"))?;
            }
            Some("output") if f.get(1) == Some(&"-") && f.len() == 2 => {}
            Some("output") if f.len() == if old { 4 } else { 7 } => {
                let (Some(d), Some(i), Some(len)) = (num(1), num(2), num(3)) else {
                    return Err(bad("output line"));
                };
                let (tail, born) = if old {
                    (fingerprint(&[]), 0)
                } else {
                    let (Some(n), Ok(h), Some(born)) =
                        (num(4), u64::from_str_radix(f[5], 16), num(6))
                    else {
                        return Err(bad("output line"));
                    };
                    if n > TAIL || n > len {
                        return Err(bad("fingerprint length"));
                    }
                    ((n as u32, h), born)
                };
                saved.output = Some(OutputMark {
                    id: (d, i),
                    len,
                    tail,
                    born,
                });
            }
            Some("file")
                if f.len()
                    == if v1 {
                        8
                    } else if old {
                        10
                    } else if v3 {
                        11
                    } else {
                        12
                    } =>
            {
                let (Some(d), Some(i), Some(offset), Some(fplen), Some(seen)) =
                    (num(1), num(2), num(3), num(4), num(6))
                else {
                    return Err(bad("file line"));
                };
                let hash = u64::from_str_radix(f[5], 16).map_err(|_| bad("file line"))?;
                let path = unhex(f[7]).ok_or_else(|| bad("file path"))?;
                if fplen > 64 {
                    return Err(bad("fingerprint length"));
                }
                let tail = if v1 {
                    fingerprint(&[])
                } else {
                    let (Some(n), Ok(h)) = (num(8), u64::from_str_radix(f[9], 16)) else {
                        return Err(bad("file line"));
                    };
                    if n > 64 || n > offset {
                        return Err(bad("fingerprint length"));
                    }
                    (n as u32, h)
                };
                let born = if old {
                    0
                } else {
                    num(10).ok_or_else(|| bad("file line"))?
                };
                let record = match f.get(11).copied() {
                    None | Some("-") => None,
                    Some("k") => Some(Judged::Kept),
                    Some("d") => Some(Judged::Dropped),
                    Some(_) => return Err(bad("file line")),
                };
                saved.entries.push(Entry {
                    id: (d, i),
                    fp: (fplen as u32, hash),
                    offset,
                    tail,
                    seen,
                    path: PathBuf::from(std::ffi::OsStr::from_bytes(&path)),
                    born,
                    record,
                });
            }
            Some("sibling") if f.len() == 5 => {
                let (Some(d), Some(i), Some(fplen)) = (num(1), num(2), num(3)) else {
                    return Err(bad("sibling line"));
                };
                let hash = u64::from_str_radix(f[4], 16).map_err(|_| bad("sibling line"))?;
                if fplen > 64 {
                    return Err(bad("fingerprint length"));
                }
                saved.siblings.push(((d, i), (fplen as u32, hash)));
            }
            Some("end") if f.len() == 3 => {
                let sum = fnv(FNV_START, &bytes[..consumed]);
                if num(1) != Some(saved.entries.len() as u64)
                    || u64::from_str_radix(f[2], 16).ok() != Some(sum)
                {
                    return Err(bad("its checksum does not match"));
                }
                ended = true;
            }
            _ => return Err(bad("unknown line")),
        }
        if saved.entries.len() + saved.siblings.len() > MAX_ENTRIES {
            return Err(bad("too many files"));
        }
        consumed += line.len();
    }
    if !ended {
        return Err(bad("truncated"));
    }
    Ok(saved)
}

/// The output writer, counting what it hands to the output: the state
/// commits only what was written.
pub struct Counted<W> {
    inner: W,
    count: Arc<AtomicU64>,
}

impl<W> Counted<W> {
    pub fn new(inner: W) -> (Counted<W>, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        (
            Counted {
                inner,
                count: Arc::clone(&count),
            },
            count,
        )
    }
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count.fetch_add(n as u64, Ordering::SeqCst);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The `-o` file, for the state: synced before each state, its length
/// recorded.
pub struct OutputFile {
    /// Open for appending, and for reading where it could be (its last
    /// bytes are fingerprinted at each save).
    pub file: File,
    pub id: Id,
    /// Its length when the run started (after cutting it back).
    pub base: u64,
    /// When it was created ([`birth`]).
    pub born: u64,
}

impl OutputFile {
    /// The state's record of the output, `len` bytes long.
    fn mark(&self, len: u64) -> OutputMark {
        OutputMark {
            id: self.id,
            len,
            tail: tail_of(&self.file, len).unwrap_or_else(|| fingerprint(&[])),
            born: self.born,
        }
    }
}

/// Where the followers stood when one batch was sent.
struct Batch {
    /// Bytes sent to the writer up to the end of this batch.
    end: u64,
    marks: Vec<(usize, Vec<Mark>, Option<InRecord>)>,
}

/// A follower stands inside a record a record filter judged: in this
/// file, at this offset, with this verdict ([`Entry::record`]).
pub type InRecord = (Id, u64, Judged);

/// The run's side of `--state`: see the module comment.
pub struct Tracker {
    path: PathBuf,
    tmp: PathBuf,
    written: Arc<AtomicU64>,
    sent: u64,
    batches: VecDeque<Batch>,
    /// Followers read since the last batch was noted.
    touched: Vec<bool>,
    touched_list: Vec<usize>,
    /// After `--until` matched: where a follower stops (later lines of
    /// the same read were not written).
    pinned: HashMap<usize, Vec<Mark>>,
    /// Per follower: its files as of the last batch written, and the
    /// judged record one of them then stood inside.
    committed: Vec<Vec<Mark>>,
    committed_records: Vec<Option<InRecord>>,
    /// Entries of the saved state no file matched at start (kept until
    /// the retention period ends).
    carried: Vec<Entry>,
    /// Files whose every line is accounted for (rotated files present at
    /// start, files this run let go): the state lists those still beside
    /// a followed file, so that a next run tells them from files rotated
    /// there unseen (read whole). A file rotated past unseen (ptail
    /// stopped, or behind) is not accounted for.
    accounted: HashMap<Id, (u32, u64)>,
    output: Option<OutputFile>,
    retention: Duration,
    last_write: Option<Instant>,
    created: Instant,
    changed: bool,
    /// The last error writing the state (said once per kind).
    failed: Option<io::ErrorKind>,
    scratch: Vec<Mark>,
    /// Per file: the offset whose preceding bytes were fingerprinted,
    /// how many truncations its follower had seen then (a file truncated
    /// and read again to the same offset has other bytes before it), and
    /// that fingerprint ([`Entry::tail`]).
    tails: HashMap<Id, (u64, u32, (u32, u64))>,
    /// Per file seen at its followed name: its fingerprint then, and
    /// when it was created ([`Entry::born`]). A property of the file, not
    /// of an offset: kept while the file's fingerprint stays the same (a
    /// reused inode is another file, starting otherwise).
    born: HashMap<Id, ((u32, u64), u64)>,
}

impl Tracker {
    pub fn new(
        path: PathBuf,
        written: Arc<AtomicU64>,
        output: Option<OutputFile>,
        retention: Duration,
    ) -> Tracker {
        Tracker {
            tmp: workdist::atomic::temp_name(&path),
            path,
            written,
            sent: 0,
            batches: VecDeque::new(),
            touched: Vec::new(),
            touched_list: Vec::new(),
            pinned: HashMap::new(),
            committed: Vec::new(),
            committed_records: Vec::new(),
            carried: Vec::new(),
            accounted: HashMap::new(),
            output,
            retention,
            last_write: None,
            created: Instant::now(),
            changed: true,
            failed: None,
            scratch: Vec::new(),
            tails: HashMap::new(),
            born: HashMap::new(),
        }
    }

    /// Fingerprint the bytes before the offsets that changed, for files
    /// still at their followed name (a file being drained after a
    /// rotation goes without), at most [`TAILS_PER_SAVE`] of them.
    fn read_tails(&mut self, followers: &[Follower]) {
        let mut budget = TAILS_PER_SAVE;
        for (s, marks) in self.committed.iter().enumerate() {
            let (Some(m), Some(f)) = (marks.last(), followers.get(s)) else {
                continue;
            };
            let cut = f.stats.truncations;
            if m.offset == 0
                || self
                    .tails
                    .get(&m.id)
                    .is_some_and(|t| t.0 == m.offset && t.1 == cut)
            {
                continue;
            }
            if budget == 0 {
                break;
            }
            budget -= 1;
            let Ok(file) = crate::follow::open_for_reading(&f.path) else {
                continue;
            };
            if let Ok(meta) = file.metadata()
                && meta.is_file()
                && crate::follow::identity(&meta) == m.id
            {
                self.born.insert(m.id, (m.fp, birth(&meta)));
                if let Some(t) = tail_of(&file, m.offset) {
                    self.tails.insert(m.id, (m.offset, cut, t));
                }
            }
        }
        if self.tails.len().max(self.born.len()) > 2 * self.committed.len() + 64 {
            let live: std::collections::HashSet<Id> =
                self.committed.iter().flatten().map(|m| m.id).collect();
            self.tails.retain(|id, _| live.contains(id));
            self.born.retain(|id, _| live.contains(id));
        }
    }

    /// A first run (or one after a corrupt state): a state with the
    /// output's length and no file, before anything is written, so that a
    /// run killed before its first state still has its output cut back
    /// (and every file started as this run starts it) by the next.
    pub fn save_initial(&mut self, warn: &dyn Fn(String)) {
        let saved = Saved {
            saved_ms: 0,
            output: self.output.as_ref().map(|o| o.mark(o.base)),
            entries: Vec::new(),
            siblings: Vec::new(),
        };
        if let Err(e) =
            workdist::atomic::replace_via(&self.path, &self.tmp, &serialize(&saved), 0o600)
        {
            self.failed = Some(e.kind());
            warn(format!(
                "{}: cannot save the state: {e}",
                self.path.display()
            ));
        }
    }

    /// Whether `p` names the state file or its temporary name, however
    /// it is spelled (`logs/S` and `logs/../logs/S`, a linked directory):
    /// the same name in the same directory (by identity). Never followed:
    /// each save would be a new file at the name, read whole, whose lines
    /// change the state again.
    pub fn is_own(&self, p: &Path) -> bool {
        let Some(name) = p.file_name() else {
            return false;
        };
        [&self.path, &self.tmp]
            .into_iter()
            .any(|own| own.file_name() == Some(name) && same_dir(own, p))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Entries of the saved state no input matched: kept (unless older
    /// than the retention period) for a later run that follows them.
    pub fn carry(&mut self, entries: Vec<Entry>) {
        let now = unix_now();
        let keep = self.retention.as_secs();
        self.carried = entries
            .into_iter()
            .filter(|e| now.saturating_sub(e.seen) <= keep)
            .collect();
        self.changed = true;
    }

    /// Follower `s` was just opened where it starts, nothing of it
    /// written yet: that is where it stands until a batch says otherwise
    /// (a state saved before anything is written keeps every file where
    /// this run started it), inside `record` if one of its files resumes
    /// inside a judged record.
    pub fn started(&mut self, s: usize, f: &Follower, record: Option<InRecord>) {
        if self.committed.len() <= s {
            self.committed.resize(s + 1, Vec::new());
        }
        if self.committed_records.len() <= s {
            self.committed_records.resize(s + 1, None);
        }
        f.marks_into(&mut self.committed[s]);
        self.committed_records[s] = record;
    }

    /// Follower `s` was read: note it with the next batch.
    pub fn touch(&mut self, s: usize) {
        if self.touched.len() <= s {
            self.touched.resize(s + 1, false);
        }
        if !self.touched[s] {
            self.touched[s] = true;
            self.touched_list.push(s);
        }
    }

    /// `bytes` go to the writer.
    pub fn sent(&mut self, bytes: usize) {
        self.sent += bytes as u64;
    }

    /// After `--until` matched in follower `s`: these are its files as
    /// far as they were written.
    pub fn pin(&mut self, s: usize, marks: Vec<Mark>) {
        self.pinned.insert(s, marks);
        self.touch(s);
    }

    /// Where follower `s` stood when it was last noted (the latest batch
    /// that has it, else the last state): with `--merge`, a point where
    /// nothing of it was held back.
    pub fn last_marks(&self, s: usize) -> Vec<Mark> {
        self.batches
            .iter()
            .rev()
            .find_map(|b| b.marks.iter().find(|(f, _, _)| *f == s))
            .map(|(_, m, _)| m.clone())
            .or_else(|| self.committed.get(s).cloned())
            .unwrap_or_default()
    }

    /// Follower `s` is no longer pinned: the next batch notes where it
    /// stands.
    pub fn unpin(&mut self, s: usize) {
        if self.pinned.remove(&s).is_some() {
            self.touch(s);
        }
    }

    /// Everything read so far was sent: note where the followers read
    /// since the last batch stand, and (`judged`, per follower) the
    /// judged record each stands in and where its last line ends: a file
    /// that stands just there stands inside it.
    pub fn mark(
        &mut self,
        followers: &[Follower],
        judged: impl Fn(usize) -> Option<(Judged, u64)>,
    ) {
        if self.touched_list.is_empty() {
            return;
        }
        let mut marks = Vec::with_capacity(self.touched_list.len());
        for s in self.touched_list.drain(..) {
            self.touched[s] = false;
            let m = match self.pinned.get(&s) {
                Some(p) => p.clone(),
                None => {
                    followers[s].marks_into(&mut self.scratch);
                    self.scratch.clone()
                }
            };
            // When each file was created, known from its descriptor as
            // soon as it is followed (not only if a save sees it at its
            // name): a file deleted while ptail is down, its inode reused
            // at once, is then told from the new one (see `plan`).
            for k in &m {
                if self.born.get(&k.id).is_none_or(|&(fp, _)| fp != k.fp)
                    && let Some(b) = followers[s].birth(k.id)
                {
                    self.born.insert(k.id, (k.fp, b));
                }
            }
            let record = judged(s).and_then(|(j, end)| {
                m.iter()
                    .rev()
                    .find(|k| k.offset == end)
                    .map(|k| (k.id, end, j))
            });
            marks.push((s, m, record));
        }
        self.batches.push_back(Batch {
            end: self.sent,
            marks,
        });
    }

    /// When the state is next due (None: nothing new to save).
    pub fn due(&self) -> Option<Instant> {
        if self.batches.is_empty() && !self.changed {
            return None;
        }
        Some(self.last_write.map_or(self.created, |t| t + EVERY))
    }

    /// Save the state if it is due (`force`: at exit, whatever the time).
    /// Errors are said once per kind, on stderr through `warn`.
    pub fn save(&mut self, followers: &[Follower], force: bool, warn: &dyn Fn(String)) {
        let now = Instant::now();
        if !force && self.due().is_none_or(|at| now < at) {
            return;
        }
        // What the writer has written, then the output synced (it covers
        // at least that), then the batches it covers committed.
        let written = self.written.load(Ordering::SeqCst);
        let mut sync_error = None;
        if let Some(o) = &self.output
            && let Err(e) = o.file.sync_data()
        {
            sync_error = Some(e);
        }
        while self.batches.front().is_some_and(|b| b.end <= written) {
            if let Some(b) = self.batches.pop_front() {
                for (s, m, record) in b.marks {
                    if self.committed.len() <= s {
                        self.committed.resize(s + 1, Vec::new());
                    }
                    if self.committed_records.len() <= s {
                        self.committed_records.resize(s + 1, None);
                    }
                    self.committed_records[s] = record;
                    // A file no longer held was read to its end and let go.
                    for old in &self.committed[s] {
                        if !m.iter().any(|n| n.id == old.id) {
                            self.accounted.insert(old.id, old.fp);
                        }
                    }
                    self.committed[s] = m;
                }
                self.changed = true;
            }
        }
        self.last_write = Some(now);
        if !self.changed {
            return;
        }
        let result = match sync_error {
            Some(e) => Err(e),
            None => {
                self.read_tails(followers);
                let bytes = serialize(&self.snapshot(followers, written));
                workdist::atomic::replace_via(&self.path, &self.tmp, &bytes, 0o600)
            }
        };
        match result {
            Ok(()) => {
                self.changed = false;
                self.failed = None;
            }
            Err(e) => {
                if self.failed != Some(e.kind()) {
                    self.failed = Some(e.kind());
                    warn(format!(
                        "{}: cannot save the state: {e}",
                        self.path.display()
                    ));
                }
            }
        }
    }

    fn snapshot(&self, followers: &[Follower], written: u64) -> Saved {
        let now = unix_now();
        let mut entries = Vec::new();
        for (s, f) in followers.iter().enumerate() {
            let marks = self.committed.get(s).map_or(&[][..], Vec::as_slice);
            if marks.is_empty() && f.holds_no_stream() {
                entries.push(Entry {
                    id: NOTHING,
                    fp: fingerprint(&[]),
                    offset: 0,
                    tail: fingerprint(&[]),
                    seen: now,
                    path: f.path.to_path_buf(),
                    born: 0,
                    record: None,
                });
                continue;
            }
            let record = self.committed_records.get(s).copied().flatten();
            for m in marks {
                let tail = match self.tails.get(&m.id) {
                    Some(&(at, cut, t)) if at == m.offset && cut == f.stats.truncations => t,
                    _ => fingerprint(&[]),
                };
                let born = match self.born.get(&m.id) {
                    Some(&(fp, born)) if fp == m.fp => born,
                    _ => 0,
                };
                entries.push(Entry {
                    id: m.id,
                    fp: m.fp,
                    offset: m.offset,
                    tail,
                    seen: now,
                    path: f.path.to_path_buf(),
                    born,
                    record: record
                        .filter(|&(id, at, _)| id == m.id && at == m.offset)
                        .map(|(_, _, j)| j),
                });
            }
        }
        if !self.carried.is_empty() {
            let live: std::collections::HashSet<Id> = entries.iter().map(|e| e.id).collect();
            let paths: std::collections::HashSet<&[u8]> = followers
                .iter()
                .map(|f| f.path.as_os_str().as_bytes())
                .collect();
            entries.extend(
                self.carried
                    .iter()
                    .filter(|e| {
                        !live.contains(&e.id) && !paths.contains(e.path.as_os_str().as_bytes())
                    })
                    .cloned(),
            );
        }
        Saved {
            saved_ms: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
            output: self.output.as_ref().map(|o| o.mark(o.base + written)),
            entries,
            siblings: rotated_ids(followers.iter().map(|f| &*f.path))
                .into_iter()
                .filter_map(|(id, _)| self.accounted.get(&id).map(|&fp| (id, fp)))
                .collect(),
        }
    }

    /// The rotated files beside the followed ones at start: accounted
    /// for (known to the state, drained now, or history not shown).
    pub fn account(&mut self, paths: &[&Path]) {
        for (id, q) in rotated_ids(paths.iter().copied()) {
            if let Ok(file) = crate::follow::open_for_reading(&q) {
                let head = crate::follow::read_fingerprint(&file);
                self.accounted.insert(id, fingerprint(&head));
            }
        }
    }
}

/// The identities and paths of the files named like rotations of `paths`
/// (see [`rotated_name`]) beside them, not themselves followed: one
/// listing per directory, no stat per file.
fn rotated_ids<'a>(paths: impl Iterator<Item = &'a Path>) -> Vec<(Id, PathBuf)> {
    use std::os::unix::fs::{DirEntryExt, MetadataExt};
    let mut dirs: HashMap<&Path, std::collections::HashSet<&[u8]>> = HashMap::new();
    for p in paths {
        if let (Some(d), Some(n)) = (p.parent(), p.file_name()) {
            dirs.entry(d).or_default().insert(n.as_bytes());
        }
    }
    let mut out = Vec::new();
    for (dir, bases) in dirs {
        let shown = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let (Ok(meta), Ok(rd)) = (std::fs::metadata(shown), std::fs::read_dir(shown)) else {
            continue;
        };
        for d in rd.flatten() {
            let name = d.file_name();
            let name = name.as_bytes();
            if bases.contains(name) {
                continue;
            }
            let rotation = name.iter().enumerate().any(|(i, &b)| {
                (b == b'.' || b == b'-')
                    && bases.contains(&name[..i])
                    && rotated_name(&name[..i], name)
            });
            if rotation {
                out.push(((meta.dev(), d.ino()), shown.join(d.file_name())));
            }
        }
    }
    out.sort_unstable();
    out
}

/// Whether `a` and `b` are in the same directory (by identity, so that
/// `..`, `.` and linked directories make no difference).
fn same_dir(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let dir = |p: &Path| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (da, db) = (dir(a), dir(b));
    if da == db {
        return true;
    }
    match (std::fs::metadata(&da), std::fs::metadata(&db)) {
        (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
        _ => false,
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// At start, with a saved state: how each followed file starts.
///
/// The plan holds the files it judged open: the files it looked at are
/// the ones read (a rotation between planning and opening, by name,
/// would otherwise apply one file's offset to another, or skip a rotated
/// file whose numbered name moved on).
#[derive(Debug, Default)]
pub struct Plan {
    /// Files this one's name held when the state was saved, rotated away
    /// while ptail was down and found beside it, or rotated there unseen:
    /// drained from their offsets first (its path, the file open if the
    /// plan could hold it, its entry).
    pub rotated: Vec<(PathBuf, Option<File>, Entry)>,
    /// Every file of `rotated` was known as rotated when the state was
    /// saved (a file the last run still drained when it stopped, listed
    /// beside the name as accounted for): that run said so, this one
    /// does not say it again.
    pub told: bool,
    /// The file at the name when the plan looked, which `start` is about
    /// (None: there was none; the name is opened as usual).
    pub file: Option<File>,
    pub start: PlanStart,
    /// With [`PlanStart::Resume`]: the verdict of the record the offset
    /// stands inside ([`Entry::record`]).
    pub record: Option<Judged>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlanStart {
    /// Not in the state: the usual history (`-n`, `--since`).
    #[default]
    Fresh,
    /// The state could not be read: from the end.
    End,
    /// The same file: on from this offset.
    Resume(u64),
    /// The same file, now shorter than the offset or starting
    /// differently: from its start, said once.
    Truncated,
    /// A file created under this name while ptail was down: whole.
    New,
}

/// The fingerprint of the (at most [`TAIL`]) bytes of `file` before
/// `offset`; None if they cannot all be read (the file is shorter).
fn tail_of(file: &File, offset: u64) -> Option<(u32, u64)> {
    use std::os::unix::fs::FileExt;
    let n = offset.min(TAIL);
    let mut buf = [0u8; TAIL as usize];
    let buf = &mut buf[..n as usize];
    file.read_exact_at(buf, offset - n).ok()?;
    Some(fingerprint(buf))
}

/// Whether `file` (at least `offset` long) has the bytes `e.tail` says
/// before `e.offset` (or they are not known).
fn same_tail(file: &File, e: &Entry) -> bool {
    e.tail.0 == 0 || tail_of(file, e.offset).is_some_and(|t| t == e.tail)
}

/// What is at `path` now, open: its identity, length, first bytes, when
/// it was last written (milliseconds since the epoch) and when it was
/// created ([`birth`]).
fn look_open(path: &Path) -> Option<(File, Id, u64, Vec<u8>, u64, u64)> {
    let file = crate::follow::open_for_reading(path).ok()?;
    let m = file.metadata().ok()?;
    if !m.is_file() {
        return None;
    }
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_millis() as u64);
    let head = crate::follow::read_fingerprint(&file);
    Some((
        file,
        crate::follow::identity(&m),
        m.len(),
        head.to_vec(),
        mtime,
        birth(&m),
    ))
}

/// Whether a file starting with `head` looks compressed or binary (a
/// rotated file compressed in place is not drained).
fn binary_start(head: &[u8]) -> bool {
    head.contains(&0)
        || head.starts_with(b"\x1f\x8b")
        || head.starts_with(b"BZh")
        || head.starts_with(b"\xfd7zXZ")
        || head.starts_with(b"\x28\xb5\x2f\xfd")
}

/// Names a rotated `app.log` may have beside it: `app.log.1`,
/// `app.log-20261128`, `app.log.2026-11-28` (a suffix of digits, `-`,
/// `_` and `.` after a `.` or `-`), never compressed ones.
fn rotated_name(base: &[u8], name: &[u8]) -> bool {
    let Some(rest) = name.strip_prefix(base) else {
        return false;
    };
    let Some((&sep, suffix)) = rest.split_first() else {
        return false;
    };
    (sep == b'.' || sep == b'-')
        && !suffix.is_empty()
        && suffix.iter().any(u8::is_ascii_digit)
        && suffix
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'))
}

/// What [`plan`] decides: a plan per file, the order to start them in,
/// warnings (per file) and the entries no file matched.
pub type Planned = (
    Vec<Plan>,
    Vec<usize>,
    Vec<(usize, &'static str)>,
    Vec<Entry>,
);

/// Decide how every followed file (`paths`, in follower order, each with
/// whether a directory or glob found it) starts, given the saved state.
/// Returns the plans, the order to start them in (a file renamed from
/// another's name goes before that one, so it is drained before the new
/// file), warnings, and the entries nothing matched.
///
/// * A file that is (by identity and fingerprint) one the state has goes
///   on from its offset, or from its start if it is now shorter than the
///   offset or starts differently (truncated while ptail was down).
/// * The files a followed name held that are no longer there were rotated
///   away: they are looked for beside it (`app.log.1`, `app.log-20261128`,
///   not compressed ones) and drained from their offsets, oldest first.
///   If the file the name held last is gone from it (renamed), the files
///   beside it that the state does not know (neither an entry nor a
///   sibling it listed as accounted for) were rotated there unseen (two
///   rotations between two looks, or while ptail was down): they are
///   drained whole, oldest first, after the known ones. The file now at
///   the name is new: read whole.
/// * A name the state says held nothing ([`NOTHING`]) is as a name whose
///   file was renamed: the files beside it the state does not know are
///   drained whole, oldest first, then the file at the name is read whole.
/// * Truncated while down (copytruncate): the copy beside it that starts
///   like the file did and is long enough is drained from the offset
///   first (closing copytruncate's gap when ptail was down).
/// * A file a directory or glob found that the state does not know
///   appeared while ptail was down: read whole. Any other file the state
///   does not know gets the usual start (`-n`, `--since`).
///
/// At most `hold` files are kept open in the plans (a share of the
/// descriptor budget: see [`Plan`]); past it, a file is opened again by
/// name when its follower starts, as it was before plans held files.
pub fn plan(saved: Saved, paths: &[(&Path, bool)], hold: usize) -> Planned {
    let mut held = 0usize;
    let mut plans: Vec<Plan> = paths.iter().map(|_| Plan::default()).collect();
    let saved_ms = saved.saved_ms;
    let mut warnings = Vec::new();
    // The rotated files the last run listed as accounted for.
    let listed: std::collections::HashSet<(Id, (u32, u64))> =
        saved.siblings.iter().copied().collect();
    // Every file the state knows, by identity and fingerprint (an inode
    // recycled for a new file is not the file the state knew).
    // An entry's empty fingerprint matches anything: an inode recycled
    // from an empty file the state had (deleted since) is not known. (A
    // sibling's is kept: it was read to its end, fingerprinted when it
    // was last marked, possibly still empty then.)
    let mut known_fp: HashMap<Id, Vec<(u32, u64)>> = HashMap::new();
    for (id, fp) in saved
        .entries
        .iter()
        .map(|e| (e.id, e.fp))
        .filter(|(_, fp)| fp.0 > 0)
        .chain(saved.siblings.iter().copied())
    {
        known_fp.entry(id).or_default().push(fp);
    }
    let known = |id: &Id, head: &[u8]| {
        known_fp
            .get(id)
            .is_some_and(|fps| fps.iter().any(|&fp| same_start(head, fp)))
    };
    // The file each name held last (a follower's entries end with its
    // current file).
    // Paths are keyed by their bytes: hashing a Path walks its components.
    let key = |p: &Path| p.as_os_str().as_bytes().to_vec();
    let mut last_at: HashMap<Vec<u8>, Id> = HashMap::new();
    for e in &saved.entries {
        last_at.insert(key(&e.path), e.id);
    }
    // The names that held nothing the state covers ([`NOTHING`]).
    let mut empty_at: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
    let mut now_at: Vec<Option<Id>> = vec![None; paths.len()];
    // The file each name held when pass 1 looked (whatever it is to the
    // state): the one its plan reads.
    let mut planned_id: Vec<Option<Id>> = vec![None; paths.len()];
    let mut by_id: HashMap<Id, Entry> = HashMap::new();
    for e in saved.entries {
        if e.id == NOTHING {
            empty_at.insert(key(&e.path));
        } else {
            by_id.insert(e.id, e);
        }
    }
    // Pass 1: a file that is (by identity and start) one the state has.
    let mut first = vec![false; paths.len()];
    let mut moved_from: Vec<PathBuf> = Vec::new();
    // Truncated while ptail was down (copytruncate): the copy beside it
    // holds what was not read yet.
    let mut cut: HashMap<usize, Entry> = HashMap::new();
    let mut named: HashMap<&[u8], usize> = HashMap::new();
    for (s, &(p, found)) in paths.iter().enumerate() {
        named.insert(p.as_os_str().as_bytes(), s);
        let Some((file, id, len, head, mtime, born)) = look_open(p) else {
            continue;
        };
        // Whatever it starts as, this is the file that is read (if the
        // plan may hold it).
        if held < hold
            && let Ok(planned) = file.try_clone()
        {
            plans[s].file = Some(planned);
            held += 1;
        }
        planned_id[s] = Some(id);
        // On the inode of a file the state knew, created at another time:
        // that file was deleted and its inode reused. The name no longer
        // holds it (so the files rotated in between are looked for), and
        // its entry is left for pass 2 (not found: said).
        let reused = by_id
            .get(&id)
            .is_some_and(|e| e.born != 0 && born != 0 && e.born != born);
        now_at[s] = (!reused).then_some(id);
        let Some(e) = (!reused).then(|| by_id.remove(&id)).flatten() else {
            let _ = mtime;
            if found && saved.saved_ms > 0 && !known(&id, &head) {
                plans[s].start = PlanStart::New;
            }
            continue;
        };
        // The same start and long enough; and, if known, the same bytes
        // before the offset (not truncated and written again past it).
        plans[s].start = if same_start(&head, e.fp) && len >= e.offset && same_tail(&file, &e) {
            plans[s].record = e.record;
            PlanStart::Resume(e.offset)
        } else {
            PlanStart::Truncated
        };
        if e.path.as_path() != p {
            first[s] = true;
            moved_from.push(e.path.clone());
        }
        if plans[s].start == PlanStart::Truncated && e.offset > 0 {
            cut.insert(s, e);
        }
    }
    // Pass 2: the files a name held that are no longer there.
    let mut by_path: HashMap<Vec<u8>, Vec<Entry>> = HashMap::new();
    let mut rest = Vec::new();
    for (_, e) in by_id {
        if named.contains_key(e.path.as_os_str().as_bytes()) {
            by_path.entry(key(&e.path)).or_default().push(e);
        } else {
            rest.push(e);
        }
    }
    for (s, &(p, _)) in paths.iter().enumerate() {
        let olds = by_path.remove(p.as_os_str().as_bytes()).unwrap_or_default();
        let cut = cut.remove(&s);
        // Files rotated there unseen are looked for only after a rotation
        // by rename (a copy made by copytruncate holds what the original
        // showed).
        let renamed = last_at
            .get(p.as_os_str().as_bytes())
            .is_some_and(|id| now_at[s] != Some(*id));
        if olds.is_empty() && cut.is_none() && !empty_at.contains(p.as_os_str().as_bytes()) {
            continue;
        }
        // Only files that may be drained are held open: the old files
        // the state lists for this name, files it does not know, the
        // name's planned file (not the many older rotations it knows).
        let wanted = |id: &Id, head: &[u8]| {
            olds.iter().any(|e| e.id == *id) || !known(id, head) || planned_id[s] == Some(*id)
        };
        let mut siblings = rotated_siblings(p, &named, &wanted, hold.saturating_sub(held));
        // The file pass 1 planned at the name, rotated beside it since
        // (the logger goes on while ptail starts): drained like the other
        // rotated files, in their order, from where its plan starts it,
        // and the file at the name now is new. (Also reading it as the
        // current file would show it twice.)
        let moved_on = planned_id[s].and_then(|id| siblings.iter().position(|q| q.id == id));
        let mut moved = None;
        if let Some(k) = moved_on {
            let offset = match plans[s].start {
                PlanStart::Resume(at) => at,
                _ => 0,
            };
            if let Some(f) = plans[s].file.take() {
                siblings[k].file = Some(f);
                held -= 1;
            }
            plans[s].start = PlanStart::New;
            let q = &siblings[k];
            moved = Some((
                q.mtime,
                k,
                Entry {
                    id: q.id,
                    fp: fingerprint(&[]),
                    offset,
                    tail: fingerprint(&[]),
                    seen: 0,
                    path: p.to_path_buf(),
                    born: 0,
                    record: plans[s].record.take(),
                },
            ));
        }
        let other = |k: usize| moved_on != Some(k);
        // (last written, sibling, entry)
        let mut found: Vec<(u64, usize, Entry)> = Vec::new();
        let mut copy = None;
        if let Some(e) = cut
            && let Some(k) = copy_of(&siblings, &e, saved_ms, &known).filter(|&k| other(k))
        {
            // Copied then truncated: the copy is the old file.
            let q = &siblings[k];
            copy = Some(q.id);
            found.push((
                q.mtime,
                k,
                Entry {
                    id: q.id,
                    born: 0,
                    ..e
                },
            ));
        }
        for e in olds {
            match siblings
                .iter()
                .enumerate()
                .position(|(k, q)| {
                    other(k) && q.id == e.id && q.len >= e.offset && same_start(&q.head, e.fp)
                })
            {
                Some(k) => found.push((siblings[k].mtime, k, e)),
                None => warnings.push((
                    s,
                    "rotated or deleted while ptail was down, and the old file was not found beside it: what was written to it after the last state is lost",
                )),
            }
        }
        found.sort_by_key(|&(mtime, k, _)| age_order(mtime, &siblings[k].path));
        let mut born: Vec<(u64, usize, Entry)> = siblings
            .iter()
            .enumerate()
            .filter(|_| renamed)
            .filter(|&(k, q)| {
                other(k)
                    && !known(&q.id, &q.head)
                    && copy != Some(q.id)
                    && !found.iter().any(|(_, _, e)| e.id == q.id)
                    && !binary_start(&q.head)
            })
            .map(|(k, q)| {
                (
                    q.mtime,
                    k,
                    Entry {
                        id: q.id,
                        fp: fingerprint(&[]),
                        offset: 0,
                        tail: fingerprint(&[]),
                        seen: 0,
                        path: p.to_path_buf(),
                        born: 0,
                        record: None,
                    },
                )
            })
            .collect();
        born.extend(moved);
        born.sort_by_key(|&(mtime, k, _)| age_order(mtime, &siblings[k].path));
        plans[s].told =
            born.is_empty() && found.iter().all(|(_, _, e)| listed.contains(&(e.id, e.fp)));
        // Each sibling is at most one of them (by identity). One the
        // plan could not hold is opened by name when it is drained.
        for (_, k, e) in found.into_iter().chain(born) {
            let file = siblings[k].file.take();
            held += usize::from(file.is_some());
            plans[s].rotated.push((siblings[k].path.clone(), file, e));
        }
        if plans[s].start == PlanStart::Fresh {
            plans[s].start = PlanStart::New;
        }
    }
    // A file renamed to another followed name (pass 1) also makes the
    // file now at its old name new: it was not in the state.
    for p in moved_from {
        if let Some(&s) = named.get(p.as_os_str().as_bytes())
            && plans[s].start == PlanStart::Fresh
        {
            plans[s].start = PlanStart::New;
        }
    }
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_by_key(|&s| !first[s]);
    (plans, order, warnings, rest)
}

/// A file beside a followed one, named like its rotation, as the plan
/// saw it (and holds it open: see [`Plan`]).
struct Sibling {
    path: PathBuf,
    id: Id,
    len: u64,
    head: Vec<u8>,
    /// Last written, in milliseconds since the epoch.
    mtime: u64,
    /// Taken by the plan that drains it (None: not wanted, or past what
    /// the plan may hold).
    file: Option<File>,
}

/// The copy copytruncate made of `e`'s file while ptail was down, among
/// the files beside it the state does not know that start like it and
/// are long enough. Files that all begin alike (a fixed header) leave
/// several such: older copies (made before the save) were last written
/// before it, so the oldest written since the save is the one; if none
/// was (the copy kept the original's time, or was made just before the
/// save), the newest.
fn copy_of(
    siblings: &[Sibling],
    e: &Entry,
    saved_ms: u64,
    known: &dyn Fn(&Id, &[u8]) -> bool,
) -> Option<usize> {
    let candidates = siblings.iter().enumerate().filter(|(_, q)| {
        !known(&q.id, &q.head)
            && q.len >= e.offset
            && same_start(&q.head, e.fp)
            && match &q.file {
                Some(f) => same_tail(f, e),
                None => crate::follow::open_for_reading(&q.path).is_ok_and(|f| same_tail(&f, e)),
            }
    });
    let age = |(_, q): &(usize, &Sibling)| age_order(q.mtime, &q.path);
    candidates
        .clone()
        .filter(|(_, q)| q.mtime >= saved_ms)
        .min_by_key(age)
        .or_else(|| candidates.max_by_key(age))
        .map(|(k, _)| k)
}

/// Oldest first: by the time last written, then (same tick) by name,
/// numbered rotations by their number, higher is older (`app.log.2`
/// before `app.log.1`), other names (dates) in order.
fn age_order(mtime: u64, q: &Path) -> (u64, i64, PathBuf) {
    let n = q
        .extension()
        .and_then(|e| e.to_str())
        .and_then(|e| e.parse::<i64>().ok())
        .map_or(0, |n| -n);
    (mtime, n, q.to_path_buf())
}

/// The files beside `p` named like its rotations, not followed under
/// their own name.
/// Those `wanted` are kept open, at most `room` of them.
fn rotated_siblings(
    p: &Path,
    named: &HashMap<&[u8], usize>,
    wanted: &dyn Fn(&Id, &[u8]) -> bool,
    mut room: usize,
) -> Vec<Sibling> {
    let (Some(dir), Some(base)) = (p.parent(), p.file_name()) else {
        return Vec::new();
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in rd.flatten() {
        let name = d.file_name();
        if !rotated_name(base.as_bytes(), name.as_bytes()) {
            continue;
        }
        let q = dir.join(&name);
        if named.contains_key(q.as_os_str().as_bytes()) {
            continue;
        }
        if let Some((file, id, len, head, mtime, _)) = look_open(&q) {
            let keep = room > 0 && wanted(&id, &head);
            room -= usize::from(keep);
            out.push(Sibling {
                path: q,
                id,
                len,
                head,
                mtime,
                file: keep.then_some(file),
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Saved {
        Saved {
            saved_ms: 1_700_000_000_123,
            output: Some(OutputMark {
                id: (2049, 77),
                len: 12345,
                tail: fingerprint(b"the last line\n"),
                born: 1_700_000_000_123_456_789,
            }),
            entries: vec![Entry {
                id: (2049, 12),
                fp: fingerprint(b"first line\n"),
                offset: 11,
                tail: fingerprint(b"first line\n"),
                seen: 1_700_000_000,
                path: PathBuf::from("/var/log/a b\n.log"),
                born: 1_699_999_999_000_000_001,
                record: Some(Judged::Kept),
            }],
            siblings: vec![((2049, 13), fingerprint(b"x"))],
        }
    }

    #[test]
    fn the_format_round_trips_and_detects_damage() {
        let s = sample();
        let bytes = serialize(&s);
        assert_eq!(parse(&bytes), Ok(s));
        // Every truncation is detected.
        for n in 0..bytes.len() {
            assert!(parse(&bytes[..n]).is_err(), "truncated at {n}");
        }
        // Every one-byte change is detected.
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x01;
            assert!(parse(&b).is_err(), "changed at {i}");
        }
        let other = String::from_utf8(bytes)
            .expect("text")
            .replace("ptail-state 4", "ptail-state 9");
        assert!(
            parse(other.as_bytes())
                .expect_err("version")
                .contains("another version")
        );
    }

    /// A state of the first version (no bytes before the offsets) is
    /// still read: an upgrade loses nothing.
    #[test]
    fn a_state_of_version_1_is_read_without_tails() {
        let v1 = "ptail-state 1\nsaved 5\noutput -\nfile 1 2 3 3 0000000000000007 4 61\n";
        let sum = fnv(FNV_START, v1.as_bytes());
        let text = format!("{v1}end 1 {sum:016x}\n");
        let s = parse(text.as_bytes()).expect("version 1");
        assert_eq!(s.entries[0].offset, 3);
        assert_eq!(s.entries[0].tail, fingerprint(&[]));
        assert_eq!(s.entries[0].path, PathBuf::from("a"));
        // A version 2 line in a version 1 state is damage.
        let v2 = "ptail-state 1\nsaved 5\noutput -\nfile 1 2 3 3 0000000000000007 4 61 0 0\n";
        let sum = fnv(FNV_START, v2.as_bytes());
        assert!(parse(format!("{v2}end 1 {sum:016x}\n").as_bytes()).is_err());
    }

    /// A state of the second version (the output without its last bytes
    /// and creation time, files without their creation time) is still
    /// read: its files and output are then told as that version did.
    #[test]
    fn a_state_of_version_2_is_read_without_the_output_fingerprint() {
        let state = |version: u32, output: &str| {
            let born = if version < 3 { "" } else { " 9" };
            let text = format!(
                "ptail-state {version}\nsaved 5\noutput {output}\nfile 1 2 3 3 0000000000000007 4 61 0 0{born}\n"
            );
            let sum = fnv(FNV_START, text.as_bytes());
            parse(format!("{text}end 1 {sum:016x}\n").as_bytes())
        };
        let s = state(2, "8 9 10").expect("version 2");
        assert_eq!(
            s.output,
            Some(OutputMark {
                id: (8, 9),
                len: 10,
                tail: fingerprint(&[]),
                born: 0
            })
        );
        assert_eq!((s.entries[0].offset, s.entries[0].born), (3, 0));
        assert_eq!(state(3, "8 9 10 0 0 0").expect("v3").entries[0].born, 9);
        // Each version's output line in the other is damage.
        assert!(state(3, "8 9 10").is_err());
        assert!(state(2, "8 9 10 0 0 0").is_err());
        // The fingerprint cannot cover more than the recorded length.
        assert!(state(3, "8 9 10 11 0 0").is_err());
        assert!(state(3, "8 9 10 10 0 0").is_ok());
    }

    /// A state of the third version (files without their record's
    /// verdict) is still read, each in no judged record; a verdict in it
    /// is damage, as is an unknown verdict in a state of this version.
    #[test]
    fn a_state_of_version_3_is_read_without_record_verdicts() {
        let state = |version: u32, verdict: &str| {
            let text = format!(
                "ptail-state {version}\nsaved 5\noutput -\nfile 1 2 3 3 0000000000000007 4 61 0 0 9{verdict}\n"
            );
            let sum = fnv(FNV_START, text.as_bytes());
            parse(format!("{text}end 1 {sum:016x}\n").as_bytes())
        };
        let s = state(3, "").expect("version 3");
        assert_eq!((s.entries[0].born, s.entries[0].record), (9, None));
        assert!(state(3, " k").is_err());
        assert!(state(4, "").is_err());
        assert_eq!(state(4, " -").expect("v4").entries[0].record, None);
        assert_eq!(
            state(4, " k").expect("v4").entries[0].record,
            Some(Judged::Kept)
        );
        assert_eq!(
            state(4, " d").expect("v4").entries[0].record,
            Some(Judged::Dropped)
        );
        assert!(state(4, " x").is_err());
    }

    #[test]
    fn a_short_file_is_recognised_as_it_grows() {
        let fp = fingerprint(b"ab\n");
        assert!(same_start(b"ab\n", fp));
        assert!(same_start(b"ab\ncd\n", fp));
        assert!(!same_start(b"ab", fp));
        assert!(!same_start(b"xb\ncd\n", fp));
        // The length is part of the hash: an empty start matches anything.
        assert!(same_start(b"anything", fingerprint(b"")));
    }

    #[test]
    fn entries_of_files_gone_longer_than_the_retention_are_dropped() {
        let mut t = Tracker::new(
            PathBuf::from("/nonexistent/S"),
            Arc::new(AtomicU64::new(0)),
            None,
            Duration::from_secs(3600),
        );
        let now = unix_now();
        let e = |seen, ino| Entry {
            id: (1, ino),
            fp: fingerprint(b""),
            offset: 0,
            tail: fingerprint(b""),
            seen,
            path: PathBuf::from("/x"),
            born: 0,
            record: None,
        };
        t.carry(vec![e(now - 10, 1), e(now - 7200, 2)]);
        let ids: Vec<u64> = t.snapshot(&[], 0).entries.iter().map(|e| e.id.1).collect();
        assert_eq!(ids, [1]);
    }

    /// A seeded xorshift: the parser's fuzz inputs, reproducible.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Whatever bytes are at the state's path (damaged, hostile, another
    /// program's), parsing never panics, and a state it accepts says
    /// what its text says. Seed from
    /// `PTAIL_STATE_FUZZ_SEED`, rounds from `PTAIL_STATE_FUZZ_ITERS`.
    #[test]
    fn parsing_any_bytes_never_panics_and_accepts_only_whole_states() {
        let env = |k: &str, d: u64| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d)
        };
        let seed = env("PTAIL_STATE_FUZZ_SEED", 20261128);
        let iters = env("PTAIL_STATE_FUZZ_ITERS", 20_000);
        let mut rng = Rng(seed | 1);
        let mut good = sample();
        good.entries.push(Entry {
            id: (u64::MAX, 0),
            fp: fingerprint(&[0xff; 64]),
            offset: u64::MAX,
            tail: fingerprint(&[0; 64]),
            seen: 0,
            path: PathBuf::from(std::ffi::OsStr::from_bytes(b"\xff\n /")),
            born: u64::MAX,
            record: Some(Judged::Dropped),
        });
        let base = serialize(&good);
        let words: &[&[u8]] = &[
            b"ptail-state 1\n",
            b"ptail-state 2\n",
            b"ptail-state 3\n",
            b"ptail-state 4\n",
            b"saved ",
            b"k",
            b"d",
            b"output ",
            b"file ",
            b"sibling ",
            b"end ",
            b"-",
            b" ",
            b"\n",
            b"18446744073709551615",
            b"18446744073709551616",
            b"65",
            b"64",
            b"0",
            b"zz",
            b"ffffffffffffffffff",
        ];
        for i in 0..iters {
            let bytes: Vec<u8> = match i % 3 {
                // Random bytes.
                0 => (0..rng.below(200)).map(|_| rng.next() as u8).collect(),
                // A good state, damaged in a few places.
                1 => {
                    let mut b = base.clone();
                    for _ in 0..1 + rng.below(4) {
                        let at = rng.below(b.len() + 1);
                        match rng.below(3) {
                            0 if at < b.len() => b[at] = rng.next() as u8,
                            1 => b.insert(at, rng.next() as u8),
                            _ => b.truncate(at),
                        }
                    }
                    b
                }
                // Made of the format's own words.
                _ => (0..rng.below(40))
                    .flat_map(|_| words[rng.below(words.len())].iter().copied())
                    .collect(),
            };
            if let Ok(s) = parse(&bytes) {
                // A damage the checksum missed changed no meaning (an
                // upper-case hex digit), and what is read is what would
                // be written.
                if i % 3 == 1 {
                    assert_eq!(s, good, "seed {seed} round {i}");
                }
                assert_eq!(parse(&serialize(&s)), Ok(s), "seed {seed} round {i}");
            }
        }
        assert_eq!(parse(&base), Ok(good));
    }

    /// A state listing more files than any run follows (short lines, so
    /// within the size limit) is refused before it is read into memory.
    #[test]
    fn a_state_of_too_many_entries_is_refused() {
        let mut text = String::from("ptail-state 1\nsaved 1\noutput -\n");
        for i in 0..=MAX_ENTRIES as u64 {
            text.push_str(&format!("file 1 {i} 0 0 0 0 \n"));
        }
        let e = parse(text.as_bytes()).expect_err("too many");
        assert!(e.contains("too many files"), "{e}");
    }

    #[test]
    fn rotated_names() {
        for n in ["a.log.1", "a.log-20261128", "a.log.2026-11-28", "a.log.10"] {
            assert!(rotated_name(b"a.log", n.as_bytes()), "{n}");
        }
        for n in [
            "a.log.1.gz",
            "a.log",
            "a.log.",
            "a.logx1",
            "a.log.old",
            "b.log.1",
        ] {
            assert!(!rotated_name(b"a.log", n.as_bytes()), "{n}");
        }
    }
}
