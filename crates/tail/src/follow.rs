//! One followed file: its identity, its read position and its line framing.
//!
//! A [`Follower`] is a small state machine driven from outside: a
//! file-system event or a timer tick calls [`Follower::poll`], which always
//! reads to EOF (an event is a hint that something changed, never a
//! description of what) and, when asked to, checks the path's identity.
//!
//! * **Identity** is (device, inode) plus a fingerprint of the first bytes
//!   seen. By name (`tail -F`), a different inode at the path is a rotation
//!   (or the file appearing); the same inode with a size below our offset,
//!   or with different first bytes, is a truncation (copytruncate, or the
//!   inode reused after a delete).
//! * **Rotation loses nothing.** The old descriptor is kept open and read to
//!   EOF until it has been quiet for a grace period, since a writer may still
//!   be appending to the renamed file until it reopens; its partial last line
//!   is emitted, marked, when it is retired. A deleted file's descriptor is
//!   drained the same way.
//! * **A file is its identity, not its name.** A follower can hand an
//!   open file over to another ([`Follower::take_retiring`],
//!   [`Follower::adopt`]): in a followed directory, `app.log` renamed to
//!   `app.log.1` is the same file under a new name, read on from where
//!   it was, never again from its start.
//! * **Binary files found by a glob or a directory are skipped**, said
//!   once (a rotated log compressed in place); a file named on the
//!   command line is shown whatever it holds, like tail.
//! * **Descriptors are a budget.** A follower can be parked
//!   ([`Follower::park`]): its descriptor closed, its identity, offset
//!   and held partial line kept; the next poll reopens it by name and
//!   reads on if it is the same file. Thousands of inputs then fit under
//!   a low `ulimit -n`. A parked file found renamed away (another file at
//!   the path) is kept aside for [`GRACE`], every one of them, for the
//!   follower of its new name to take over where it was; a parked file
//!   deleted before it is reopened loses what was written to it
//!   meanwhile (nobody can open it).
//! * **Pipes and pseudo files** ([`Shape`]). GNU `tail -F` opens a FIFO
//!   blocking (one without a writer stalls every other input), reads it
//!   to its end for `-n`, and takes a `/proc` or `/sys` file (size 0,
//!   content on read) as truncated: once with inotify, in a busy loop
//!   when polling. ptail opens every input without blocking and:
//!   - a FIFO (or any input that is not a regular file) is a stream: read
//!     whenever it has bytes (the follow loop waits on its descriptor:
//!     a write to a FIFO makes no inotify event; see
//!     [`crate::follow_loop`]), never sought, never parked (closing it
//!     would kill its writer with EPIPE and lose what the pipe holds). A
//!     writer closing is no end: the next writer goes on in the same
//!     stream (its descriptor swapped for a quiet one on the same pipe,
//!     [`Follower::rearm_stream`], so that the hang-up does not wake the
//!     loop again and again), except for an anonymous pipe (standard
//!     input, `<(command)`), whose writers are gone for good
//!     ([`Rearmed::Ended`]): when every input is one, the run ends, as
//!     `tail -f` ends on a pipe. Its `-n N` history is the last N lines of
//!     what the pipe holds at start, read without waiting for more (`+N`:
//!     from line N of it); by name, another file at the path is a
//!     rotation as for any file;
//!   - a regular file whose size is 0 yet yields bytes is a pseudo file:
//!     its `-n N` history is its last N lines, read to its end; then it
//!     is only read on, never taken as truncated (its size and first bytes
//!     say nothing);
//!   - neither has a place in `--state` (what was read from a pipe is
//!     gone; a pseudo file shows something else each time): the next run
//!     reads it as on a first run.
//! * **Framing.** Only whole lines go out. A partial line waits for its
//!   newline; at rotation, truncation or exit it is emitted once, marked
//!   partial. A line longer than `max_line` is emitted in pieces marked
//!   split, so memory stays bounded and the reader never stalls.

use crate::fingerprint::{Head, Seen};
use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a rotated-away or deleted file is still read after its last
/// write (or after the switch, if nothing more was written).
pub const GRACE: Duration = Duration::from_secs(2);
/// Bytes of the start of a file kept to recognise it.
const FINGERPRINT: usize = crate::fingerprint::HEAD;
/// At most this much is read from one file per call, so that one busy file
/// cannot starve the others; the caller polls again while there is more.
const READ_BUDGET: usize = 4 << 20;
const CHUNK: usize = 256 << 10;
/// What one poll reads (and copies out) of a file, when its lines are read
/// rather than spliced: one chunk. The output batch is written once it is
/// full, after a poll: with 4 MiB per poll, a file with a backlog put
/// 4 MiB in one `write(2)` into a 1 MiB pipe, and ptail sat in that write
/// while its reader emptied the pipe, then read on while the reader
/// waited, the two never working at once (catch-up with prefixes: 192
/// writes of 4 MiB, 0.66 s of 1.0 s blocked in them).
const READ_STEP: usize = CHUNK;

/// A status change of a followed file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Rotated,
    Truncated,
    Appeared,
    Gone,
    /// Found by a glob or directory, and binary: skipped.
    Binary,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Rotated => "rotated",
            EventKind::Truncated => "truncated",
            EventKind::Appeared => "appeared",
            EventKind::Gone => "gone",
            EventKind::Binary => "binary, skipped",
        }
    }
}

/// What a poll produces, in order.
pub enum Out<'a> {
    /// One or more complete lines, each ending in `\n`; `offset` is the byte
    /// offset of the first in its file.
    Lines {
        data: &'a [u8],
        offset: u64,
    },
    /// One line that did not end in a newline (`partial`) or a piece of an
    /// over-long line (`split`), without a newline.
    Piece {
        data: &'a [u8],
        offset: u64,
        partial: bool,
    },
    Event(EventKind),
    /// An error reading the file (reported once per kind of failure).
    Error(io::Error),
    /// Whole lines to be moved from `file` (at its position) to the
    /// output by the kernel (see [`Follower::splicing`]). The consumer
    /// sets `moved`: `None` if it cannot splice from this file (nothing
    /// moved: the follower reads instead from then on), else how many
    /// bytes it moved (fewer than `len` only if the file shrank or was
    /// cut and rewritten). `unchanged` says whether the file still starts
    /// as it did: asked again whenever the output made the splice wait.
    Splice {
        file: &'a File,
        len: u64,
        moved: &'a Cell<Option<u64>>,
        unchanged: &'a dyn Fn() -> bool,
    },
}

/// How lines are framed: the same for every follower of a run, so
/// passed in rather than kept in each (10,000 followers).
#[derive(Clone, Copy, Debug)]
pub struct Framing {
    /// A longer line goes out in pieces this long.
    max_line: usize,
    /// Lines read in bulk are counted only when this is set (`--stats`):
    /// counting them is a pass over every byte read.
    count_lines: bool,
}

impl Framing {
    pub fn new(max_line: u64, count_lines: bool) -> Framing {
        Framing {
            max_line: usize::try_from(max_line).unwrap_or(usize::MAX).max(16),
            count_lines,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub lines: u64,
    pub bytes: u64,
    pub rotations: u32,
    pub truncations: u32,
    /// In microseconds: a `Duration` is 16 bytes, times 10,000 files.
    longest_lag_us: u64,
}

impl Stats {
    /// The longest a read was behind the writer ([`Follower::note_lag`]).
    pub fn longest_lag(&self) -> Duration {
        Duration::from_micros(self.longest_lag_us)
    }
}

/// (device, inode).
pub type Id = (u64, u64);

/// Where one file stands for `--state` ([`Follower::marks_into`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub id: Id,
    /// How many of its first bytes are fingerprinted, and their hash
    /// (see [`crate::fingerprint::fingerprint`]).
    pub fp: (u32, u64),
    /// Just past the last whole line emitted.
    pub offset: u64,
}

impl Mark {
    fn of(id: Id, seen: Seen, offset: u64) -> Mark {
        Mark {
            id,
            fp: seen.fp(),
            offset,
        }
    }
}

/// The identity of the file `m` describes.
pub fn identity(m: &std::fs::Metadata) -> Id {
    (m.dev(), m.ino())
}

/// An open file and how far it was read; handed between followers when a
/// file is renamed from one followed name to another.
pub struct Open {
    file: File,
    id: Id,
    /// Offset of the next byte to read.
    offset: u64,
    /// The bytes of an incomplete line, and the offset where it starts.
    partial: Partial,
    partial_at: u64,
    fingerprint: Seen,
    /// Looked at for binary content (globs and directories only).
    classified: bool,
    /// What comes up to the next newline is the rest of a line `--since`
    /// left out: dropped, never shown as a line.
    skip_line: bool,
    shape: Shape,
}

/// A vector that is almost always empty, as one pointer (10,000
/// followers), not a `Vec`'s three words: nothing is allocated until
/// something is added. `clear` keeps the room made (for the next line);
/// `remove` of the last element gives it back.
#[allow(
    clippy::box_collection,
    reason = "one word when empty, not a Vec's three"
)]
struct Thin<T>(Option<Box<Vec<T>>>);

impl<T> Default for Thin<T> {
    fn default() -> Self {
        Thin(None)
    }
}

impl<T> Thin<T> {
    fn push(&mut self, x: T) {
        self.0.get_or_insert_with(Box::default).push(x);
    }

    fn remove(&mut self, i: usize) -> T {
        let v = self.0.as_mut().expect("an index within the vector");
        let x = v.remove(i);
        if v.is_empty() {
            self.0 = None;
        }
        x
    }

    fn clear(&mut self) {
        if let Some(v) = self.0.as_mut() {
            v.clear();
        }
    }

    /// Drop the first `n` elements.
    fn drain_front(&mut self, n: usize) {
        if let Some(v) = self.0.as_mut() {
            v.drain(..n);
        }
    }
}

impl<T: Copy> Thin<T> {
    fn extend_from_slice(&mut self, b: &[T]) {
        if !b.is_empty() {
            self.0.get_or_insert_with(Box::default).extend_from_slice(b);
        }
    }
}

impl<T> std::ops::Deref for Thin<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl<T> std::ops::DerefMut for Thin<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.0.as_deref_mut().map_or(&mut [], Vec::as_mut_slice)
    }
}

impl<T> IntoIterator for Thin<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.map(|v| *v).unwrap_or_default().into_iter()
    }
}

/// The bytes of an incomplete line.
type Partial = Thin<u8>;

#[cfg(test)]
thread_local! {
    /// Tests only: run when a parked file could not be reopened and keeps
    /// its place, before the poll looks at the path again (so that a test
    /// can create a file there in between, as a rotation halfway done
    /// does).
    static AFTER_FAILED_UNPARK: std::cell::RefCell<Option<Box<dyn FnMut()>>> =
        const { std::cell::RefCell::new(None) };
}

/// A file whose descriptor was given back: everything of [`Open`] but
/// the descriptor.
pub struct Parked {
    id: Id,
    offset: u64,
    partial: Partial,
    partial_at: u64,
    fingerprint: Seen,
    classified: bool,
    skip_line: bool,
    shape: Shape,
}

/// What [`Follower::rearm_stream`] did with a stream that hung up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rearmed {
    /// A new descriptor on the same FIFO is in place, quiet until a
    /// writer has come and gone.
    Quiet,
    /// The new descriptor hangs up too: an anonymous pipe (standard
    /// input, `<(command)`), whose writers are gone for good.
    Ended,
    /// None: no FIFO (a device is never opened again: opening one can do
    /// something), or `/proc` cannot open it.
    No,
}

/// What another follower holds of a file: open (being drained) or parked.
pub enum Held {
    Open(Open),
    Parked(Box<Parked>),
}

impl Open {
    fn park(self) -> Parked {
        Parked {
            id: self.id,
            offset: self.offset,
            partial: self.partial,
            partial_at: self.partial_at,
            fingerprint: self.fingerprint,
            classified: self.classified,
            skip_line: self.skip_line,
            shape: self.shape,
        }
    }
}

impl Parked {
    /// Reopen through `path`, if it still names the same file: the same
    /// identity, and (`renamed`: another follower's path, where it was
    /// renamed to) the same first bytes.
    fn reopen(self: Box<Self>, path: &Path, renamed: bool) -> Result<Open, Box<Parked>> {
        let Ok(mut file) = open_for_reading(path) else {
            return Err(self);
        };
        match file.metadata() {
            Ok(m) if (m.dev(), m.ino()) == self.id => {}
            _ => return Err(self),
        }
        // Closed, its inode may have been freed and reused by a new file:
        // at another path, that is not the file renamed there (the new
        // file is read as new: a compressed log, say, is skipped). At its
        // own path it may also have been cut (copytruncate): either way
        // what is there is read from its start, as for an open file found
        // cut (the truncation check after a reopen compares the size and
        // the first bytes). Refusing it there left the follower parked on
        // the file for good, its new lines never read (found by review).
        // A pseudo file's first bytes change with what it shows: not
        // compared.
        if renamed && self.shape == Shape::Log && !self.fingerprint.starts(&read_fingerprint(&file))
        {
            return Err(self);
        }
        if file.seek(SeekFrom::Start(self.offset)).is_err() {
            return Err(self);
        }
        Ok(Open {
            file,
            id: self.id,
            offset: self.offset,
            partial: self.partial,
            partial_at: self.partial_at,
            fingerprint: self.fingerprint,
            classified: self.classified,
            skip_line: self.skip_line,
            shape: self.shape,
        })
    }
}

struct Retiring {
    open: Open,
    until: Instant,
}

/// The files a follower drains after a rotation: almost always none.
type Retirings = Thin<Retiring>;

pub struct Follower {
    /// Shared with the follower table's index (and a named file's input).
    pub path: Arc<Path>,
    by_name: bool,
    cur: Option<Open>,
    retiring: Retirings,
    /// What a follower holds only now and then (parked, parked and
    /// rotated away, skipped, moved here, a history to frame): see
    /// [`Aside`].
    aside: Aside,
    /// Skip binary files (found by a glob or directory); the one skipped
    /// at this path is [`AsideFields::skipped`].
    skip_binary: bool,
    /// A parked file was replaced at the path: what opens next is a
    /// rotation.
    replaced: bool,
    /// The file existed at some point (so a new one "appeared").
    seen: bool,
    missing_reported: bool,
    last_error: Option<io::ErrorKind>,
    /// Whole lines may go out as [`Out::Splice`] ([`Follower::splicing`]).
    splice: bool,
    pub stats: Stats,
}

/// What a follower holds only now and then, behind one pointer (10,000
/// followers): none of it, almost always.
#[derive(Default)]
struct Aside(Option<Box<AsideFields>>);

#[derive(Default)]
struct AsideFields {
    /// The current file, its descriptor given back (see `park`).
    parked: Option<Box<Parked>>,
    /// Parked files found no longer at the path (another file is), oldest
    /// first, and until when each is kept: for the follower of its new
    /// name to take over and read on from where it was (else that one
    /// would read it from its start). More than one when the name is
    /// rotated again before that follower took the last one (one slot
    /// dropped the older: its lines shown twice, found by the oracle in
    /// a debug build).
    away: Vec<(Parked, Instant)>,
    /// The binary file skipped at this path.
    skipped: Option<Id>,
    /// The path was found naming a file another follower holds: the
    /// caller hands it over ([`Follower::take_moved_here`]).
    moved_here: Option<Id>,
    /// The history of an input read to its end at start (a pipe's, a
    /// pseudo file's: see `read_history`), framed by the next poll.
    history: Option<Vec<u8>>,
}

impl Aside {
    fn get(&self) -> Option<&AsideFields> {
        self.0.as_deref()
    }

    /// To set something aside.
    fn put(&mut self) -> &mut AsideFields {
        self.0.get_or_insert_with(Box::default)
    }

    /// Take something back (the pointer goes once nothing is left).
    fn take<T>(&mut self, f: impl FnOnce(&mut AsideFields) -> Option<T>) -> Option<T> {
        let a = self.0.as_deref_mut()?;
        let out = f(a);
        if a.parked.is_none()
            && a.away.is_empty()
            && a.skipped.is_none()
            && a.moved_here.is_none()
            && a.history.is_none()
        {
            self.0 = None;
        }
        out
    }

    fn parked(&self) -> Option<&Parked> {
        self.get().and_then(|a| a.parked.as_deref())
    }

    fn take_parked(&mut self) -> Option<Box<Parked>> {
        self.take(|a| a.parked.take())
    }

    /// The files parked and rotated away, oldest first.
    fn away(&self) -> impl Iterator<Item = &Parked> {
        self.get()
            .into_iter()
            .flat_map(|a| a.away.iter().map(|(p, _)| p))
    }

    /// Set a parked file no longer at the path aside, for [`GRACE`]: for
    /// the follower of its new name to take over.
    fn put_away(&mut self, p: Parked) {
        self.put().away.push((p, Instant::now() + GRACE));
    }

    fn take_away(&mut self, id: Id) -> Option<Box<Parked>> {
        self.take(|a| {
            let i = a.away.iter().position(|(p, _)| p.id == id)?;
            Some(Box::new(a.away.remove(i).0))
        })
    }

    fn take_all_away(&mut self) -> Vec<(Parked, Instant)> {
        self.take(|a| Some(std::mem::take(&mut a.away)))
            .unwrap_or_default()
    }

    /// Drop the files rotated away whose time to be taken over ended
    /// (every poll: the clock is read only when there are some).
    fn expire_away(&mut self) {
        if self.get().is_some_and(|a| !a.away.is_empty()) {
            let now = Instant::now();
            self.take(|a| {
                a.away.retain(|(_, until)| now < *until);
                None::<()>
            });
        }
    }

    fn skipped(&self) -> Option<Id> {
        self.get().and_then(|a| a.skipped)
    }
}

impl Follower {
    pub fn new(path: impl Into<Arc<Path>>, by_name: bool) -> Follower {
        Follower {
            path: path.into(),
            by_name,
            cur: None,
            retiring: Retirings::default(),
            aside: Aside::default(),
            skip_binary: false,
            replaced: false,
            seen: false,
            missing_reported: false,
            last_error: None,
            splice: false,
            stats: Stats::default(),
        }
    }

    /// Let whole lines of the current file go out as [`Out::Splice`]: the
    /// kernel moves them from the file to the output pipe, never copied
    /// through ptail. Only for output that is the lines as they are (no
    /// prefix, filter, timestamp or state), which the caller decides.
    pub fn splicing(mut self, on: bool) -> Follower {
        self.splice = on;
        self
    }

    /// Skip this file if it turns out binary (it was found by a glob or a
    /// directory).
    pub fn skipping_binary(mut self) -> Follower {
        self.skip_binary = true;
        self
    }

    /// The file followed now (open or parked).
    pub fn current_id(&self) -> Option<Id> {
        self.cur
            .as_ref()
            .map(|o| o.id)
            .or(self.aside.parked().map(|p| p.id))
    }

    /// Every file this follower holds (current, parked, being drained),
    /// into `out` (cleared first).
    pub fn ids_into(&self, out: &mut Vec<Id>) {
        debug_assert!(
            self.cur.is_none() || self.aside.parked().is_none(),
            "{}: a current file and a parked one",
            self.path.display()
        );
        out.clear();
        out.extend(self.retiring.iter().map(|r| r.open.id));
        out.extend(self.aside.away().map(|p| p.id));
        out.extend(self.current_id());
    }

    /// Descriptors held.
    pub fn open_count(&self) -> usize {
        self.retiring.len() + usize::from(self.cur.is_some())
    }

    /// Give file `id` up to another follower, if this one holds it only
    /// as a file renamed or deleted away (being drained, or parked and no
    /// longer at this path).
    pub fn take_retiring(&mut self, id: Id) -> Option<Held> {
        if let Some(i) = self.retiring.iter().position(|r| r.open.id == id) {
            return Some(Held::Open(self.retiring.remove(i).open));
        }
        if let Some(p) = self.aside.take_away(id) {
            return Some(Held::Parked(p));
        }
        if self.aside.parked().is_some_and(|p| p.id == id) {
            let here = std::fs::metadata(&self.path)
                .ok()
                .map(|m| (m.dev(), m.ino()));
            if here != Some(id) {
                return self.aside.take_parked().map(Held::Parked);
            }
        }
        None
    }

    /// Take over a file another follower held: it is now at this path
    /// (renamed), and is read on from where it was. What this follower
    /// had is retired as in a rotation.
    pub fn adopt(&mut self, fr: Framing, held: Held, emit: &mut dyn FnMut(Out)) {
        let open = match held {
            Held::Open(o) => o,
            Held::Parked(p) => match p.reopen(&self.path, true) {
                Ok(o) => o,
                Err(p) => {
                    // Renamed on again before it could be reopened here:
                    // set aside, as a parked file renamed away is, for the
                    // follower of the name it went to (dropped here, that
                    // one read it again from its start). Still here but
                    // not the file it was (cut or rewritten): dropped, and
                    // the next check reads what is here as new.
                    let here = std::fs::metadata(&self.path).ok().map(|m| identity(&m));
                    if here != Some(p.id) {
                        self.aside.put_away(*p);
                    }
                    return;
                }
            },
        };
        self.unpark();
        // Still parked: gone from the path when `unpark` looked (the file
        // taken over has been renamed on since).
        let aside = self.set_parked_aside();
        let replaced = std::mem::take(&mut self.replaced);
        if let Some(mut old) = self.cur.take() {
            Self::drain(&mut old, fr, &mut self.stats, emit);
            self.retiring.push(Retiring {
                open: old,
                until: Instant::now() + GRACE,
            });
            self.stats.rotations += 1;
            emit(Out::Event(EventKind::Rotated));
        } else if aside || replaced {
            self.stats.rotations += 1;
            emit(Out::Event(EventKind::Rotated));
        }
        self.seen = true;
        self.missing_reported = false;
        self.aside.take(|a| a.skipped.take());
        self.cur = Some(open);
    }

    /// Close the current file's descriptor, keeping its place: the next
    /// poll reopens it. Only a follower that has nothing being drained.
    pub fn park(&mut self) -> bool {
        // A stream is never closed: a FIFO's writer would get EPIPE, what
        // the pipe holds would be lost, and it cannot be sought back.
        if !self.retiring.is_empty() || self.cur.as_ref().is_some_and(|o| o.shape == Shape::Stream)
        {
            return false;
        }
        match self.cur.take() {
            Some(o) => {
                self.aside.put().parked = Some(Box::new(o.park()));
                true
            }
            None => false,
        }
    }

    /// Reopen a parked file: the same file at the path goes on where it
    /// was; another one is a rotation seen late: `check` opens the new
    /// file, and the old one waits [`GRACE`] for the follower of the name
    /// it was renamed to (what it got meanwhile is lost if none takes it
    /// over: it had no descriptor).
    ///
    /// Returns whether it reopened one.
    fn unpark(&mut self) -> bool {
        self.aside.expire_away();
        let Some(p) = self.aside.take_parked() else {
            return false;
        };
        match p.reopen(&self.path, false) {
            Ok(o) => {
                self.cur = Some(o);
                true
            }
            Err(p) => {
                if std::fs::metadata(&self.path).is_ok_and(|m| (m.dev(), m.ino()) != p.id) {
                    // Replaced: `check` opens the new one. Dropping the
                    // old one here had its new name's follower read it
                    // again from the start (the oracle, with few
                    // descriptors).
                    self.replaced = true;
                    self.aside.put_away(*p);
                } else {
                    // Not reopenable now (gone, or out of descriptors):
                    // it keeps its place.
                    self.aside.put().parked = Some(p);
                    #[cfg(test)]
                    AFTER_FAILED_UNPARK.with(|h| {
                        if let Some(f) = h.borrow_mut().as_mut() {
                            f();
                        }
                    });
                }
                false
            }
        }
    }

    /// The parked file, when another file is now current (`check` found
    /// one at the path, or `adopt` took one over) though `unpark` found
    /// the path empty a moment before (a rotation seen halfway): set
    /// aside as `unpark` sets aside a file replaced at the path, for the
    /// follower of its new name. Left parked beside the new current file,
    /// it was not registered (a follower's current file is one), and
    /// that follower read it again from its start (the oracle, with few
    /// descriptors). True if there was one.
    fn set_parked_aside(&mut self) -> bool {
        let Some(p) = self.aside.take_parked() else {
            return false;
        };
        self.aside.put_away(*p);
        true
    }

    /// Whether the follower is waiting for a descriptor (parked).
    pub fn is_parked(&self) -> bool {
        self.aside.parked().is_some()
    }

    /// Read `open` to EOF (no budget): an old descriptor being retired.
    fn drain(open: &mut Open, fr: Framing, stats: &mut Stats, emit: &mut dyn FnMut(Out)) {
        let _ = read_more(open, fr, stats, usize::MAX, None, emit);
    }

    /// The current file's descriptor if it is a stream (a FIFO, a
    /// device: see [`Shape`]), and how many bytes were read from it so
    /// far. The follow loop waits on these descriptors; a regular file
    /// is always readable to poll(2), so it never is one.
    pub fn stream(&self) -> Option<(std::os::fd::BorrowedFd<'_>, u64)> {
        use std::os::fd::AsFd;
        let open = self.cur.as_ref().filter(|o| o.shape == Shape::Stream)?;
        Some((open.file.as_fd(), open.offset))
    }

    /// A FIFO whose writers all closed reports a hang-up to poll(2), at
    /// once and every time, until a writer opens it again: swap its
    /// descriptor for a new one on the same pipe, which reports none
    /// until a writer has come and gone (the kernel's rule for a FIFO
    /// opened without blocking while it has no writer). It is opened
    /// through `/proc/self/fd`, that is the pipe this descriptor reads,
    /// never the path (which may name something else by now); the pipe
    /// never lacks a reader meanwhile (the new descriptor is open before
    /// the old one closes), so no writer fails, and what the pipe holds
    /// is the pipe's, not the descriptor's: nothing is lost. See
    /// [`Rearmed`] for what else can happen.
    pub fn rearm_stream(&mut self) -> Rearmed {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::FileTypeExt;
        let Some(open) = self.cur.as_mut().filter(|o| o.shape == Shape::Stream) else {
            return Rearmed::No;
        };
        if !open.file.metadata().is_ok_and(|m| m.file_type().is_fifo()) {
            return Rearmed::No;
        }
        let via = format!("/proc/self/fd/{}", open.file.as_raw_fd());
        let Ok(file) = open_for_reading(Path::new(&via)) else {
            return Rearmed::No;
        };
        if !file.metadata().is_ok_and(|m| identity(&m) == open.id) {
            return Rearmed::No;
        }
        if hung_up(&file) {
            return Rearmed::Ended;
        }
        open.file = file;
        Rearmed::Quiet
    }

    /// Whether what it holds, if anything, is a file with a place (not a
    /// pipe, a device or a pseudo file): see [`Follower::marks_into`].
    pub fn holds_no_stream(&self) -> bool {
        self.cur.as_ref().is_none_or(|o| o.shape == Shape::Log)
            && self.aside.parked().is_none_or(|p| p.shape == Shape::Log)
    }

    /// Whether the file is open.
    pub fn is_open(&self) -> bool {
        self.cur.is_some()
    }

    /// Whether an old descriptor is still being drained (the caller polls
    /// it on a short timer until the grace period ends).
    pub fn draining(&self) -> bool {
        !self.retiring.is_empty()
    }

    /// Open the file for the first time and position it so that `start`
    /// decides what is shown: `Some(n)` for the last n lines, `None` for
    /// everything from the start (a file that appears later); `from_line`
    /// for line n on; and never before byte `at_least` (`--since`). Returns false
    /// if it does not exist (it is then followed until it does).
    pub fn open_initial(
        &mut self,
        last: Option<u64>,
        from_line: Option<u64>,
        at_least: u64,
        emit: &mut dyn FnMut(Out),
    ) -> bool {
        self.open_planned(None, last, from_line, at_least, emit)
    }

    /// [`Follower::open_initial`], with the file `--state`'s plan opened
    /// at the path and judged (`planned`): that one, even if the name
    /// has moved on since (then it is drained as a rotated file).
    pub fn open_planned(
        &mut self,
        planned: Option<File>,
        last: Option<u64>,
        from_line: Option<u64>,
        at_least: u64,
        emit: &mut dyn FnMut(Out),
    ) -> bool {
        match planned.map_or_else(|| open_for_reading(&self.path), Ok) {
            Ok(mut file) => {
                let meta = match file.metadata() {
                    Ok(m) => m,
                    Err(e) => {
                        emit(Out::Error(e));
                        return false;
                    }
                };
                if meta.is_dir() {
                    emit(Out::Error(io::Error::other("is a directory")));
                    return false;
                }
                let shape = Shape::of(&file, &meta);
                // A pipe's or a pseudo file's last lines cannot be found
                // from its size: it is read to its end (a pipe: what it
                // holds now, never waiting), the lines kept shown by the
                // first poll.
                let mut history = None;
                let start = match (shape, last, from_line) {
                    (Shape::Log, _, Some(n)) => offset_of_line(&mut file, n).unwrap_or(0),
                    (Shape::Log, Some(n), None) => {
                        start_of_last_lines(&mut file, meta.len(), n).unwrap_or(0)
                    }
                    (Shape::Sizeless, _, Some(n)) => offset_of_line(&mut file, n).unwrap_or(0),
                    (_, Some(n), None) => {
                        let (kept, read) =
                            read_history(&mut file, Keep::Last(n), history_cap(shape));
                        history = Some(kept);
                        read
                    }
                    (Shape::Stream, _, Some(n)) => {
                        let (kept, read) =
                            read_history(&mut file, Keep::From(n), history_cap(shape));
                        history = Some(kept);
                        read
                    }
                    _ => 0,
                };
                let start = if shape == Shape::Log {
                    start.max(at_least.min(meta.len()))
                } else {
                    start
                };
                if shape != Shape::Stream && file.seek(SeekFrom::Start(start)).is_err() {
                    // Read from where it is.
                }
                match history.filter(|h| !h.is_empty()) {
                    Some(h) => self.aside.put().history = Some(h),
                    None => drop(self.aside.take(|a| a.history.take())),
                }
                let fingerprint = Seen::of(&read_fingerprint(&file));
                self.cur = Some(Open {
                    file,
                    id: (meta.dev(), meta.ino()),
                    offset: start,
                    partial: Partial::default(),
                    partial_at: start,
                    fingerprint,
                    classified: false,
                    skip_line: false,
                    shape,
                });
                self.seen = true;
                true
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::NotFound {
                    self.last_error = Some(e.kind());
                    self.missing_reported = true;
                    emit(Out::Error(e));
                }
                false
            }
        }
    }

    /// `--since` started the file at `at`, its end, after a last line
    /// without a newline that is not shown: the rest of that line, when
    /// the writer completes it, is dropped. Nothing if the file was opened
    /// elsewhere (it changed in between).
    pub fn skip_line_at(&mut self, at: u64) {
        if let Some(open) = self.cur.as_mut()
            && open.offset == at
            && open.partial.is_empty()
        {
            open.skip_line = true;
        }
    }

    /// Read what is new; with `check`, also look at the path (by name) and
    /// the file's size and first bytes for rotation and truncation.
    /// Returns true if the read budget ran out (poll again soon).
    pub fn poll(&mut self, fr: Framing, check: bool, emit: &mut dyn FnMut(Out)) -> bool {
        self.poll_guarded(fr, check, &|_| false, emit)
    }

    /// [`Follower::poll`], where a file the path names now that `held`
    /// says another follower holds is not opened (it was renamed here: it
    /// is handed over, not read from its start). See `take_moved_here`.
    pub fn poll_guarded(
        &mut self,
        fr: Framing,
        check: bool,
        held: &dyn Fn(Id) -> bool,
        emit: &mut dyn FnMut(Out),
    ) -> bool {
        let now = Instant::now();
        // Old descriptors first: their lines were written before the
        // current file's.
        let mut i = 0;
        while i < self.retiring.len() {
            let r = &mut self.retiring[i];
            let before = r.open.offset;
            Self::drain(&mut r.open, fr, &mut self.stats, emit);
            if r.open.offset != before {
                // Still written to: the writer has not reopened yet. Keep
                // it until it has been quiet for a whole grace period, so
                // a slow writer (or a stalled reader) loses nothing.
                r.until = now + GRACE;
            }
            if now >= r.until {
                let mut r = self.retiring.remove(i);
                flush_partial(&mut r.open, &mut self.stats, emit);
            } else {
                i += 1;
            }
        }
        self.unpark();
        // Before any check: the history is of the file opened at start.
        self.emit_history(fr, emit);
        if check {
            self.check(fr, now, held, emit);
        }
        let mut more = false;
        if self.skip_binary
            && let Some(open) = self.cur.as_mut()
            && !open.classified
        {
            match looks_binary(&open.file) {
                None => return false, // empty: nothing to read yet
                Some(false) => open.classified = true,
                Some(true) => {
                    self.aside.put().skipped = Some(open.id);
                    self.cur = None;
                    emit(Out::Event(EventKind::Binary));
                    return false;
                }
            }
        }
        if let Some(open) = self.cur.as_mut() {
            let mut size = None;
            if !check && open.shape == Shape::Log {
                // A cheap truncation check on every read: the size, and
                // the first bytes (a file truncated and written past our
                // offset before we looked is as long as before).
                if let Ok(m) = open.file.metadata()
                    && m.is_file()
                {
                    if open.shrank(m.len()) || (open.shape == Shape::Log && !same_start(open)) {
                        self.truncated(emit);
                    } else if open.shape == Shape::Log {
                        size = Some(m.len());
                    }
                }
            }
            let mut budget = READ_STEP;
            if self.splice
                && let Some(size) = size
                && let Some(open) = self.cur.as_mut()
            {
                match splice_lines(open, size, fr, &mut self.stats, emit) {
                    Spliced::Moved { more } => return more,
                    Spliced::Unsupported => self.splice = false,
                    // One chunk (the first bytes, a held line's end), then
                    // splicing again.
                    Spliced::Read => budget = 1,
                }
            }
            if let Some(open) = self.cur.as_mut() {
                match read_more(open, fr, &mut self.stats, budget, size, emit) {
                    Ok(m) => {
                        more = m;
                        self.last_error = None;
                    }
                    Err(e) => {
                        if self.last_error != Some(e.kind()) {
                            self.last_error = Some(e.kind());
                            emit(Out::Error(e));
                        }
                    }
                }
            }
        }
        more
    }

    /// Frame the history read at start (see `read_history`), if any.
    fn emit_history(&mut self, fr: Framing, emit: &mut dyn FnMut(Out)) {
        let Some(h) = self.aside.take(|a| a.history.take()) else {
            return;
        };
        if let Some(open) = self.cur.as_mut() {
            let at = open.offset - h.len() as u64;
            open.partial_at = at;
            frame(open, &h, at, fr, &mut self.stats, emit);
        }
    }

    /// Record how far behind the writer a read was (from the event that
    /// woke us to the lines handed on).
    pub fn note_lag(&mut self, lag: Duration) {
        let us = u64::try_from(lag.as_micros()).unwrap_or(u64::MAX);
        self.stats.longest_lag_us = self.stats.longest_lag_us.max(us);
    }

    fn truncated(&mut self, emit: &mut dyn FnMut(Out)) {
        if let Some(open) = self.cur.as_mut() {
            flush_partial(open, &mut self.stats, emit);
            emit(Out::Event(EventKind::Truncated));
            self.stats.truncations += 1;
            open.offset = 0;
            open.partial_at = 0;
            open.skip_line = false;
            let _ = open.file.seek(SeekFrom::Start(0));
            open.fingerprint = Seen::empty();
        }
    }

    /// A file another follower holds was found at the path, and left to
    /// the caller to hand over.
    pub fn take_moved_here(&mut self) -> Option<Id> {
        self.aside.take(|a| a.moved_here.take())
    }

    fn check(
        &mut self,
        fr: Framing,
        now: Instant,
        held: &dyn Fn(Id) -> bool,
        emit: &mut dyn FnMut(Out),
    ) {
        if !self.by_name {
            // By descriptor: only truncation of the open file.
            self.check_content(emit);
            return;
        }
        match std::fs::metadata(&self.path) {
            Ok(meta) if !meta.is_dir() => {
                let id = (meta.dev(), meta.ino());
                match self.cur.as_ref().map(|o| o.id) {
                    Some(cur) if cur == id => self.check_content(emit),
                    _ if self.aside.skipped() == Some(id) => {}
                    _ => {
                        self.aside.take(|a| a.skipped.take());
                        let Ok(file) = open_for_reading(&self.path) else {
                            return; // raced with another rename: next time
                        };
                        let Ok(m) = file.metadata() else { return };
                        let id = (m.dev(), m.ino());
                        if self.aside.parked().is_some_and(|p| p.id == id) {
                            // The parked file, here after all (`unpark`
                            // raced with a rename, or lacked a
                            // descriptor): reopened now, or by the next
                            // poll; cut meanwhile, read from its start.
                            drop(file);
                            if self.unpark() {
                                self.check_content(emit);
                            }
                            return;
                        }
                        if held(id) {
                            self.aside.put().moved_here = Some(id);
                            return;
                        }
                        let aside = self.set_parked_aside();
                        let replaced = std::mem::take(&mut self.replaced);
                        if let Some(mut old) = self.cur.take() {
                            // What was written before the switch comes
                            // before anything in the new file.
                            Self::drain(&mut old, fr, &mut self.stats, emit);
                            self.retiring.push(Retiring {
                                open: old,
                                until: now + GRACE,
                            });
                            self.stats.rotations += 1;
                            emit(Out::Event(EventKind::Rotated));
                        } else if aside || replaced || !self.retiring.is_empty() {
                            // Renamed away, then a new file: a rotation
                            // whose two halves were seen apart.
                            self.stats.rotations += 1;
                            emit(Out::Event(EventKind::Rotated));
                        } else {
                            emit(Out::Event(EventKind::Appeared));
                        }
                        self.seen = true;
                        self.missing_reported = false;
                        let fingerprint = Seen::of(&read_fingerprint(&file));
                        let shape = Shape::of(&file, &m);
                        self.cur = Some(Open {
                            file,
                            id,
                            offset: 0,
                            partial: Partial::default(),
                            partial_at: 0,
                            fingerprint,
                            classified: false,
                            skip_line: false,
                            shape,
                        });
                    }
                }
            }
            Ok(_) => {}
            Err(e) => {
                if e.kind() == io::ErrorKind::NotFound {
                    if let Some(old) = self.cur.take() {
                        // Deleted (or renamed with nothing in its place
                        // yet): drain what the descriptor still holds.
                        self.retiring.push(Retiring {
                            open: old,
                            until: now + GRACE,
                        });
                        emit(Out::Event(EventKind::Gone));
                    }
                } else if self.last_error != Some(e.kind()) {
                    self.last_error = Some(e.kind());
                    emit(Out::Error(e));
                }
            }
        }
    }

    /// Same file: smaller than our offset, or its first bytes changed
    /// (copytruncate, then written past our offset before we looked).
    fn check_content(&mut self, emit: &mut dyn FnMut(Out)) {
        let Some(open) = self.cur.as_mut() else {
            return;
        };
        if open.shape != Shape::Log {
            return;
        }
        let Ok(meta) = open.file.metadata() else {
            return;
        };
        if !meta.is_file() {
            return;
        }
        if open.shrank(meta.len()) {
            self.truncated(emit);
            return;
        }
        if open.shape != Shape::Log {
            return;
        }
        if !open.fingerprint.is_empty() {
            if !same_start(open) {
                self.truncated(emit);
            }
        } else if open.offset > 0 {
            open.fingerprint = Seen::of(&read_fingerprint(&open.file));
        }
    }

    /// At exit: read what is left and emit partial lines, marked.
    pub fn finish(&mut self, fr: Framing, emit: &mut dyn FnMut(Out)) {
        self.emit_history(fr, emit);
        if self.unpark() {
            // Cut while it was parked: read from its start.
            self.check_content(emit);
        }
        let away = self.aside.take_all_away().into_iter().map(|(p, _)| p);
        for mut p in away.chain(self.aside.take_parked().map(|p| *p)) {
            if !p.partial.is_empty() {
                // Not reopenable: its held partial line, as it was.
                self.stats.lines += 1;
                self.stats.bytes += p.partial.len() as u64;
                emit(Out::Piece {
                    data: &p.partial,
                    offset: p.partial_at,
                    partial: true,
                });
                p.partial.clear();
            }
        }
        for mut r in std::mem::take(&mut self.retiring) {
            Self::drain(&mut r.open, fr, &mut self.stats, emit);
            flush_partial(&mut r.open, &mut self.stats, emit);
        }
        if let Some(open) = self.cur.as_mut() {
            Self::drain(open, fr, &mut self.stats, emit);
            flush_partial(open, &mut self.stats, emit);
        }
    }

    /// `--state`: where each file this follower holds stands, in the
    /// order its lines go out (files being drained first, then the
    /// current one, open or parked): its identity, its fingerprint and
    /// the offset just past its last whole line emitted (a held partial
    /// line is not counted: it is read again, whole, after a restart).
    pub fn marks_into(&self, out: &mut Vec<Mark>) {
        out.clear();
        // Only files have a place: what was read from a pipe is gone, and
        // a pseudo file shows something else each time it is read.
        for r in self.retiring.iter().filter(|r| r.open.shape == Shape::Log) {
            out.push(Mark::of(r.open.id, r.open.fingerprint, r.open.partial_at));
        }
        for p in self.aside.away().filter(|p| p.shape == Shape::Log) {
            out.push(Mark::of(p.id, p.fingerprint, p.partial_at));
        }
        if let Some(o) = &self.cur {
            if o.shape == Shape::Log {
                out.push(Mark::of(o.id, o.fingerprint, o.partial_at));
            }
        } else if let Some(p) = self.aside.parked().filter(|p| p.shape == Shape::Log) {
            out.push(Mark::of(p.id, p.fingerprint, p.partial_at));
        }
    }

    /// `--state`, at start: a file this follower's path named when the
    /// state was saved, rotated away while ptail was down and found beside
    /// it (open: `file`): drained from `offset` before the current file,
    /// like a file rotated while following. False if it is not that file.
    pub fn resume_rotated(&mut self, mut file: File, id: Id, fp: (u32, u64), offset: u64) -> bool {
        match file.metadata() {
            Ok(m) if m.is_file() && identity(&m) == id && m.len() >= offset => {}
            _ => return false,
        }
        let fingerprint = read_fingerprint(&file);
        if !crate::fingerprint::same_start(&fingerprint, fp)
            || file.seek(SeekFrom::Start(offset)).is_err()
        {
            return false;
        }
        self.retiring.push(Retiring {
            open: Open {
                file,
                id,
                offset,
                partial: Partial::default(),
                partial_at: offset,
                fingerprint: Seen::of(&fingerprint),
                classified: true,
                skip_line: false,
                shape: Shape::Log,
            },
            until: Instant::now() + GRACE,
        });
        self.seen = true;
        true
    }

    /// When the file `id` this follower holds open (current or being
    /// drained) was created ([`birth`]; None: not held, or
    /// not known).
    pub fn birth(&self, id: Id) -> Option<u64> {
        let file = self
            .retiring
            .iter()
            .map(|r| &r.open)
            .chain(self.cur.as_ref())
            .find(|o| o.id == id)
            .map(|o| &o.file)?;
        let born = birth(&file.metadata().ok()?);
        (born != 0).then_some(born)
    }

    /// The file does not exist and this was not yet said.
    pub fn take_missing_report(&mut self) -> bool {
        if self.cur.is_none() && !self.missing_reported {
            self.missing_reported = true;
            return true;
        }
        false
    }
}

/// When the file of `meta` was created, in nanoseconds since the epoch
/// (0 where the filesystem does not say).
pub fn birth(meta: &std::fs::Metadata) -> u64 {
    meta.created()
        .ok()
        .and_then(|t| t.duration_since(std::time::SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(0))
}

/// Open a followed path for reading, without blocking. One thread reads
/// every input, so no open or read may wait: for a FIFO, a blocking open
/// waits for a writer and a blocking read for data, and either would stall
/// every other input and the exit (SIGTERM is only seen between polls).
/// With O_NONBLOCK the open returns at once and an empty FIFO reads as
/// `WouldBlock` (or EOF without a writer), which `read_more` takes as "no
/// more for now". Regular files ignore the flag.
pub(crate) fn open_for_reading(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

/// Whether poll(2) says `file` hung up (or failed), now.
fn hung_up(file: &File) -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let mut fds = [PollFd::new(file, PollFlags::IN)];
    let now = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    poll(&mut fds, Some(&now)).is_ok()
        && fds[0]
            .revents()
            .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL)
}

/// What kind of input a descriptor reads (see the module comment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// A regular file: its size and first bytes tell a truncation.
    Log,
    /// A regular file whose size is 0 whatever it holds (`/proc`, `/sys`):
    /// its size and first bytes tell nothing; it is only read on.
    Sizeless,
    /// Not a regular file (a FIFO, a character device, a socket): only
    /// read, never sought, and never closed before the end (a FIFO's
    /// writer would get EPIPE).
    Stream,
}

impl Shape {
    fn of(file: &File, meta: &std::fs::Metadata) -> Shape {
        if !meta.is_file() {
            Shape::Stream
        } else if meta.len() == 0 && holds_bytes(file) {
            Shape::Sizeless
        } else {
            Shape::Log
        }
    }
}

/// Whether a regular file whose size is 0 yields bytes when read: a
/// pseudo file. (A file on a disk cannot: it would have to grow and be
/// truncated to 0 again between the read and the second stat.) One that
/// cannot be read at an offset, or would block, is no file on a disk
/// either.
fn holds_bytes(file: &File) -> bool {
    use std::os::unix::fs::FileExt;
    let mut b = [0u8; 1];
    match file.read_at(&mut b, 0) {
        Ok(0) => false,
        Ok(_) => file.metadata().is_ok_and(|m| m.len() == 0),
        Err(e) => matches!(
            e.kind(),
            io::ErrorKind::NotSeekable | io::ErrorKind::WouldBlock
        ),
    }
}

impl Open {
    /// A regular file found shorter (`len`) than our offset: truncated,
    /// unless its size is 0 and it still holds bytes (a pseudo file,
    /// found so now: from then on it is only read on).
    fn shrank(&mut self, len: u64) -> bool {
        if len >= self.offset {
            return false;
        }
        if len == 0 && holds_bytes(&self.file) {
            self.shape = Shape::Sizeless;
            return false;
        }
        true
    }
}

/// How much of an input [`read_history`] reads at most: a pipe holds at
/// most 1 MiB unless raised (more is a writer going on: live lines); a
/// pseudo file is read to its end, within reason.
fn history_cap(shape: Shape) -> u64 {
    match shape {
        Shape::Stream => READ_BUDGET as u64,
        _ => 256 << 20,
    }
}

/// What `-n` keeps of an input read to its end at start (a pipe's, a
/// pseudo file's): its last lines, or its lines from one on.
#[derive(Clone, Copy)]
enum Keep {
    Last(u64),
    From(u64),
}

/// The history of an input whose last lines cannot be found from its
/// size: read (without waiting) until its end, what would block, or `cap`
/// bytes, keeping what `keep` says (memory: at most the lines kept and a
/// chunk). Returns the bytes kept and how many were read.
fn read_history(file: &mut File, keep: Keep, cap: u64) -> (Vec<u8>, u64) {
    let mut kept = Vec::new();
    let mut read = 0u64;
    let mut skip = match keep {
        Keep::From(n) => n.saturating_sub(1),
        Keep::Last(_) => 0,
    };
    let mut buf = vec![0u8; CHUNK];
    while read < cap {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // Would block, or failed: the next read says so.
            Err(_) => break,
        };
        read += n as u64;
        let mut chunk = &buf[..n];
        match keep {
            Keep::Last(k) => {
                kept.extend_from_slice(chunk);
                keep_last_lines(&mut kept, k);
            }
            Keep::From(_) => {
                while skip > 0 && !chunk.is_empty() {
                    match memchr::memchr(b'\n', chunk) {
                        Some(i) => {
                            chunk = &chunk[i + 1..];
                            skip -= 1;
                        }
                        None => chunk = &[],
                    }
                }
                kept.extend_from_slice(chunk);
            }
        }
    }
    (kept, read)
}

/// Keep the last `n` lines of `buf` (a last line without a newline
/// counts as a line, as in [`start_of_last_lines`]).
fn keep_last_lines(buf: &mut Vec<u8>, n: u64) {
    if n == 0 {
        buf.clear();
        return;
    }
    let end = if buf.last() == Some(&b'\n') {
        buf.len() - 1
    } else {
        buf.len()
    };
    let mut seen = 0u64;
    for nl in memchr::memrchr_iter(b'\n', &buf[..end]) {
        seen += 1;
        if seen == n {
            buf.drain(..=nl);
            return;
        }
    }
}

/// Whether the file still starts with the bytes seen at its start.
fn same_start(open: &Open) -> bool {
    if open.fingerprint.is_empty() {
        return true;
    }
    use std::os::unix::fs::FileExt;
    // On the stack: this runs on every read of every file.
    let mut buf = [0u8; FINGERPRINT];
    // A failed read (EIO on a network filesystem) tells nothing: taken
    // for a cut file, the whole file would be shown again.
    let Ok(n) = open.file.read_at(&mut buf, 0) else {
        return true;
    };
    open.fingerprint.starts(&buf[..n])
}

/// What was seen of a file's start (its first `seen.len()` bytes), and
/// then `more`, the bytes read just after them. Only their hash is kept:
/// the bytes seen are read again, and must still be the ones seen (else
/// the file was rewritten meanwhile, and what was seen stands, for the
/// next check to find the file cut). Only while a file's offset is
/// within its first [`FINGERPRINT`] bytes: a few reads in its life.
fn seen_more(file: &File, seen: Seen, more: &[u8]) -> Seen {
    use std::os::unix::fs::FileExt;
    let mut head = [0u8; FINGERPRINT];
    let from = seen.len();
    let n = if from == 0 {
        0
    } else {
        match file.read_at(&mut head[..from], 0) {
            Ok(n) => n,
            Err(_) => return seen,
        }
    };
    if n != from || !seen.starts(&head[..n]) {
        return seen;
    }
    let want = more.len().min(FINGERPRINT - from);
    head[from..from + want].copy_from_slice(&more[..want]);
    Seen::of(&head[..from + want])
}

/// Whether a file is binary, from its first bytes: a NUL (as grep
/// decides), or a compressor's magic number. `None` while it is empty.
fn looks_binary(file: &File) -> Option<bool> {
    use std::os::unix::fs::FileExt;
    let mut head = [0u8; 1024];
    let n = match file.read_at(&mut head, 0) {
        Ok(0) => return None,
        Ok(n) => n,
        Err(_) => return Some(false), // a FIFO a glob found: read it as is
    };
    let head = &head[..n];
    const MAGIC: [&[u8]; 5] = [
        b"\x1f\x8b",         // gzip
        b"BZh",              // bzip2
        b"\xfd7zXZ\x00",     // xz
        b"\x28\xb5\x2f\xfd", // zstd
        b"PK\x03\x04",       // zip
    ];
    Some(head.contains(&0) || MAGIC.iter().any(|m| head.starts_with(m)))
}

pub(crate) fn read_fingerprint(file: &File) -> Head {
    use std::os::unix::fs::FileExt;
    let mut buf = [0u8; FINGERPRINT];
    match file.read_at(&mut buf, 0) {
        Ok(n) => Head::of(&buf[..n]),
        Err(_) => Head::empty(),
    }
}

fn flush_partial(open: &mut Open, stats: &mut Stats, emit: &mut dyn FnMut(Out)) {
    if !open.partial.is_empty() {
        stats.lines += 1;
        stats.bytes += open.partial.len() as u64;
        emit(Out::Piece {
            data: &open.partial,
            offset: open.partial_at,
            partial: true,
        });
        open.partial.clear();
    }
    open.partial_at = open.offset;
}

/// What [`splice_lines`] did.
enum Spliced {
    /// Whole lines went out; `more`: more may be waiting (the budget ran
    /// out).
    Moved { more: bool },
    /// Nothing: read the file instead (a held partial line, its first
    /// bytes not fingerprinted yet, no newline near).
    Read,
    /// The output cannot take this file's pages: read it from now on.
    Unsupported,
}

/// How far back from the end of what is there a newline is looked for
/// before [`splice_lines`] leaves a file to be read.
const SPLICE_PROBE: u64 = 64 << 10;

/// Hand the whole lines between the file's position and `size` (the last
/// newline found by reading back from the end, in small pieces) to the
/// output as one [`Out::Splice`]: no byte of them is copied through
/// ptail. A line still being written stays in the file, for the next
/// read. At most [`READ_BUDGET`] bytes, and never more than `max_line`
/// at once: no line spliced can be longer than `max_line`, so none needs
/// splitting.
fn splice_lines(
    open: &mut Open,
    size: u64,
    fr: Framing,
    stats: &mut Stats,
    emit: &mut dyn FnMut(Out),
) -> Spliced {
    use std::os::unix::fs::FileExt;
    let max_line = fr.max_line;
    if open.skip_line || open.fingerprint.len() < FINGERPRINT {
        return Spliced::Read;
    }
    if size <= open.offset {
        return Spliced::Moved { more: false };
    }
    if !open.partial.is_empty() {
        // The held line's end first, read exactly: the read ends on a
        // line boundary, so what follows can be spliced.
        let mut probe = [0u8; 4096];
        let mut at = open.offset;
        let mut nl = None;
        while nl.is_none() && at < size && at - open.offset < SPLICE_PROBE {
            let want = (size - at).min(probe.len() as u64) as usize;
            match open.file.read_at(&mut probe[..want], at) {
                Ok(n) if n == want => {}
                _ => return Spliced::Read,
            }
            nl = memchr::memchr(b'\n', &probe[..want]).map(|i| at + i as u64);
            at += want as u64;
        }
        let Some(nl) = nl else {
            return Spliced::Read;
        };
        let mut rest = vec![0u8; (nl + 1 - open.offset) as usize];
        if open.file.read_exact(&mut rest).is_err() {
            // Shrank meanwhile: back to where it was; reading finds out.
            let _ = open.file.seek(SeekFrom::Start(open.offset));
            return Spliced::Read;
        }
        let at = open.offset;
        open.offset += rest.len() as u64;
        frame(open, &rest, at, fr, stats, emit);
        if size <= open.offset {
            return Spliced::Moved { more: false };
        }
    }
    let cap = (READ_BUDGET as u64).min(max_line as u64);
    let end = size.min(open.offset + cap);
    // The last newline before `end`, looked for backwards.
    let mut probe = [0u8; 4096];
    let mut hi = end;
    let mut last = None;
    while last.is_none() && hi > open.offset && end - hi < SPLICE_PROBE {
        let lo = hi.saturating_sub(probe.len() as u64).max(open.offset);
        let want = (hi - lo) as usize;
        match open.file.read_at(&mut probe[..want], lo) {
            Ok(n) if n == want => {}
            _ => return Spliced::Read, // shrank, or failed: reading finds out
        }
        last = memchr::memrchr(b'\n', &probe[..want]).map(|i| lo + i as u64);
        hi = lo;
    }
    let Some(last) = last else {
        return Spliced::Read;
    };
    let len = last + 1 - open.offset;
    let moved = Cell::new(None);
    emit(Out::Splice {
        file: &open.file,
        len,
        moved: &moved,
        unchanged: &|| same_start(open),
    });
    match moved.get() {
        None => Spliced::Unsupported,
        Some(n) => {
            open.offset += n;
            open.partial_at = open.offset;
            stats.bytes += n;
            Spliced::Moved {
                more: n == len && end < size,
            }
        }
    }
}

/// Read up to `budget` bytes (whole chunks) and emit whole lines, until
/// EOF or, when the file's `size` was just looked up, until the offset
/// reaches it: a read that would only say "end of file" is not made (a
/// write after the look-up makes an event, so its bytes are read at the
/// next wake-up). Returns whether the budget ran out first.
fn read_more(
    open: &mut Open,
    fr: Framing,
    stats: &mut Stats,
    budget: usize,
    size: Option<u64>,
    emit: &mut dyn FnMut(Out),
) -> io::Result<bool> {
    // One read buffer for every follower (one thread reads them all): a
    // buffer per file would cost 10,000 files 2.5 GiB.
    SCRATCH.with_borrow_mut(|buf| read_into(open, buf, fr, stats, budget, size, emit))
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn read_into(
    open: &mut Open,
    buf: &mut Vec<u8>,
    fr: Framing,
    stats: &mut Stats,
    budget: usize,
    size: Option<u64>,
    emit: &mut dyn FnMut(Out),
) -> io::Result<bool> {
    if buf.len() < CHUNK {
        // Zeroed by the allocator (fresh pages): only the pages reads
        // fill become resident; 10,000 small files touch one.
        *buf = vec![0; CHUNK];
    }
    let mut done = 0usize;
    loop {
        if size.is_some_and(|size| open.offset >= size) {
            return Ok(false);
        }
        if done >= budget {
            return Ok(true);
        }
        let n = match open.file.read(&mut buf[..CHUNK]) {
            Ok(0) => return Ok(false),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
            Err(e) => return Err(e),
        };
        done += n;
        if open.fingerprint.len() < FINGERPRINT && open.offset < FINGERPRINT as u64 {
            // The bytes just read that follow those seen (the seen ones
            // may reach into this chunk: a file that grew between the
            // look at its start and this read).
            let from = open.offset as usize;
            let seen = open.fingerprint.len();
            let end = FINGERPRINT.min(from + n);
            if (from..end).contains(&seen) {
                open.fingerprint =
                    seen_more(&open.file, open.fingerprint, &buf[seen - from..end - from]);
            }
        }
        let chunk = &buf[..n];
        let chunk_at = open.offset;
        open.offset += n as u64;
        frame(open, chunk, chunk_at, fr, stats, emit);
    }
}

/// Split `chunk` (read at `chunk_at`) into whole lines, completing the
/// held partial line first.
fn frame(
    open: &mut Open,
    chunk: &[u8],
    chunk_at: u64,
    fr: Framing,
    stats: &mut Stats,
    emit: &mut dyn FnMut(Out),
) {
    let max_line = fr.max_line;
    let mut rest = chunk;
    let mut rest_at = chunk_at;
    if open.skip_line {
        let Some(nl) = memchr::memchr(b'\n', rest) else {
            open.partial_at = rest_at + rest.len() as u64;
            return;
        };
        open.skip_line = false;
        rest = &rest[nl + 1..];
        rest_at += nl as u64 + 1;
        open.partial_at = rest_at;
        if rest.is_empty() {
            return;
        }
    }
    if !open.partial.is_empty() || rest.is_empty() {
        // Complete the held line.
        match memchr::memchr(b'\n', rest) {
            Some(nl) => {
                open.partial.extend_from_slice(&rest[..=nl]);
                // Completed here, the held line may be over-long too:
                // pieces first, cut where a line read whole is cut.
                let mut at = 0;
                while open.partial.len() - at > max_line + 1 {
                    stats.lines += 1;
                    stats.bytes += max_line as u64;
                    emit(Out::Piece {
                        data: &open.partial[at..at + max_line],
                        offset: open.partial_at + at as u64,
                        partial: false,
                    });
                    at += max_line;
                }
                stats.lines += 1;
                stats.bytes += (open.partial.len() - at) as u64;
                emit(Out::Lines {
                    data: &open.partial[at..],
                    offset: open.partial_at + at as u64,
                });
                open.partial.clear();
                rest = &rest[nl + 1..];
                rest_at += nl as u64 + 1;
            }
            None => {
                open.partial.extend_from_slice(rest);
                split_long(open, fr.max_line, stats, emit);
                return;
            }
        }
    }
    match memchr::memrchr(b'\n', rest) {
        Some(last) => {
            let lines = &rest[..=last];
            if lines.len() > max_line {
                // Over-long lines inside the chunk: one at a time.
                let mut at = 0;
                while at < lines.len() {
                    let end =
                        memchr::memchr(b'\n', &lines[at..]).map_or(lines.len(), |e| at + e + 1);
                    let mut piece = &lines[at..end];
                    let mut piece_at = rest_at + at as u64;
                    while piece.len() > max_line + 1 {
                        stats.bytes += max_line as u64;
                        stats.lines += 1;
                        emit(Out::Piece {
                            data: &piece[..max_line],
                            offset: piece_at,
                            partial: false,
                        });
                        piece = &piece[max_line..];
                        piece_at += max_line as u64;
                    }
                    stats.lines += 1;
                    stats.bytes += piece.len() as u64;
                    emit(Out::Lines {
                        data: piece,
                        offset: piece_at,
                    });
                    at = end;
                }
            } else {
                if fr.count_lines {
                    stats.lines += memchr::memchr_iter(b'\n', lines).count() as u64;
                }
                stats.bytes += lines.len() as u64;
                emit(Out::Lines {
                    data: lines,
                    offset: rest_at,
                });
            }
            open.partial_at = rest_at + last as u64 + 1;
            open.partial.extend_from_slice(&rest[last + 1..]);
        }
        None => {
            open.partial_at = rest_at;
            open.partial.extend_from_slice(rest);
        }
    }
    split_long(open, fr.max_line, stats, emit);
}

fn split_long(open: &mut Open, max_line: usize, stats: &mut Stats, emit: &mut dyn FnMut(Out)) {
    while open.partial.len() > max_line {
        stats.lines += 1;
        stats.bytes += max_line as u64;
        emit(Out::Piece {
            data: &open.partial[..max_line],
            offset: open.partial_at,
            partial: false,
        });
        open.partial.drain_front(max_line);
        open.partial_at += max_line as u64;
    }
}

/// Where the last `n` lines of a file of `len` bytes start (a final line
/// without a newline counts as a line).
fn start_of_last_lines(file: &mut File, len: u64, n: u64) -> io::Result<u64> {
    if n == 0 {
        return Ok(len);
    }
    let mut pos = len;
    // No bigger than the file: 10,000 small files at start are not
    // 10,000 buffers of 64 KiB zeroed.
    let mut buf = vec![0u8; (64 << 10).min(len) as usize];
    let mut newlines = 0u64;
    // A trailing newline ends the last line; it does not start one.
    let mut skip_last = true;
    while pos > 0 {
        let take = (buf.len() as u64).min(pos) as usize;
        pos -= take as u64;
        file.seek(SeekFrom::Start(pos))?;
        file.read_exact(&mut buf[..take])?;
        for i in (0..take).rev() {
            if buf[i] == b'\n' {
                if skip_last && pos + i as u64 == len - 1 {
                    skip_last = false;
                    continue;
                }
                skip_last = false;
                newlines += 1;
                if newlines == n {
                    return Ok(pos + i as u64 + 1);
                }
            } else {
                skip_last = false;
            }
        }
    }
    Ok(0)
}

/// The offset of line `n` (1-based; 0 and 1 are the start).
fn offset_of_line(file: &mut File, n: u64) -> io::Result<u64> {
    if n <= 1 {
        return Ok(0);
    }
    file.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; 64 << 10];
    let mut seen = 0u64;
    let mut pos = 0u64;
    loop {
        let got = file.read(&mut buf)?;
        if got == 0 {
            return Ok(pos);
        }
        for nl in memchr::memchr_iter(b'\n', &buf[..got]) {
            seen += 1;
            if seen == n - 1 {
                return Ok(pos + nl as u64 + 1);
            }
        }
        pos += got as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn collect(f: &mut Follower, check: bool) -> (Vec<String>, Vec<EventKind>) {
        collect_framed(f, Framing::new(1 << 20, false), check)
    }

    fn collect_framed(f: &mut Follower, fr: Framing, check: bool) -> (Vec<String>, Vec<EventKind>) {
        let mut lines = Vec::new();
        let mut events = Vec::new();
        f.poll(fr, check, &mut |o| match o {
            Out::Lines { data, .. } => {
                for l in data.split_inclusive(|&b| b == b'\n') {
                    lines.push(String::from_utf8_lossy(l).into_owned());
                }
            }
            Out::Piece { data, partial, .. } => lines.push(format!(
                "{}{}",
                String::from_utf8_lossy(data),
                if partial { "~" } else { "+" }
            )),
            Out::Event(e) => events.push(e),
            Out::Error(e) => panic!("{e}"),
            Out::Splice { .. } => panic!("not splicing"),
        });
        (lines, events)
    }

    /// What a follower hands out (spliced ranges, taken here from the
    /// file's position as the kernel would, and lines and pieces it read)
    /// is every whole line written, once and in order, a line over
    /// `max_line` cut into pieces of `max_line` from its start wherever
    /// the reads ended; a spliced range is whole lines, none longer than
    /// `max_line`; a line still being written waits. Splicing on in even
    /// rounds, off in odd ones. Seeded random appends in random pieces
    /// (`PTAIL_SPLICE_SEED`).
    #[test]
    fn lines_read_or_spliced_are_every_whole_line_once_cut_at_max_line() {
        let mut seed: u64 = std::env::var("PTAIL_SPLICE_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x0059_11ce);
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut splices = 0;
        for round in 0..40 {
            let dir = tempfile::tempdir().expect("tempdir");
            let p = dir.path().join("a.log");
            std::fs::write(&p, "").expect("create");
            let max_line = 16 + next(200);
            let mut f = Follower::new(p.clone(), true).splicing(round % 2 == 0);
            assert!(f.open_initial(Some(0), None, 0, &mut |_| {}));
            let mut w = std::fs::OpenOptions::new()
                .append(true)
                .open(&p)
                .expect("open");
            let mut written = Vec::new();
            let mut got: Vec<Vec<u8>> = Vec::new();
            for _ in 0..60 {
                for _ in 0..next(6) {
                    let bound = if next(8) == 0 { 3 * max_line } else { 40 };
                    let len = next(bound);
                    let mut line: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                    line.push(b'\n');
                    // Written in up to three pieces.
                    let cut = next(line.len() as u64 + 1) as usize;
                    let poll_between = next(2) == 0;
                    w.write_all(&line[..cut]).expect("write");
                    written.extend_from_slice(&line[..cut]);
                    if poll_between {
                        poll_into(&mut f, &mut got, &mut splices, max_line);
                    }
                    w.write_all(&line[cut..]).expect("write");
                    written.extend_from_slice(&line[cut..]);
                }
                poll_into(&mut f, &mut got, &mut splices, max_line);
            }
            let whole = written
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            // The trusted answer: each line cut from its start.
            let mut want: Vec<Vec<u8>> = Vec::new();
            for line in written[..whole].split_inclusive(|&b| b == b'\n') {
                let mut rest = line;
                while rest.len() > max_line as usize + 1 {
                    want.push(rest[..max_line as usize].to_vec());
                    rest = &rest[max_line as usize..];
                }
                want.push(rest.to_vec());
            }
            let first = got.iter().zip(&want).position(|(g, w)| g != w);
            assert!(
                got == want,
                "round {round}, max_line {max_line}: {} items handed out, {} expected; first difference at {first:?}",
                got.len(),
                want.len()
            );
        }
        assert!(splices > 0, "nothing was spliced");
    }

    /// A file that grew between the look at its first bytes (at open)
    /// and the first read still has its first 64 bytes fingerprinted:
    /// they were only taken when a read began where the seen bytes
    /// ended, so this file's fingerprint stayed 3 bytes for good (no
    /// splicing for it, a weak `--state` identity).
    #[test]
    fn the_fingerprint_grows_when_the_first_read_overlaps_what_was_seen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        std::fs::write(&p, "ab\n").expect("create");
        let mut f = Follower::new(p.clone(), true);
        assert!(f.open_initial(None, None, 0, &mut |_| {}));
        let mut w = std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .expect("open");
        w.write_all(&[b'x'; 99]).expect("write");
        w.write_all(b"\n").expect("write");
        let (lines, _) = collect(&mut f, false);
        assert_eq!(lines.len(), 2, "{lines:?}");
        let mut marks = Vec::new();
        f.marks_into(&mut marks);
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].fp.0, FINGERPRINT as u32, "bytes fingerprinted");
        assert_eq!(marks[0].offset, 103);
    }

    /// Poll until the follower has nothing more (as the follow loop does).
    fn poll_into(f: &mut Follower, got: &mut Vec<Vec<u8>>, splices: &mut u32, max_line: u64) {
        for _ in 0..100_000 {
            if !poll_once(f, got, splices, max_line) {
                return;
            }
        }
        panic!("the follower always has more");
    }

    fn poll_once(
        f: &mut Follower,
        got: &mut Vec<Vec<u8>>,
        splices: &mut u32,
        max_line: u64,
    ) -> bool {
        let lines = |got: &mut Vec<Vec<u8>>, data: &[u8]| {
            got.extend(data.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec));
        };
        f.poll(Framing::new(max_line, false), false, &mut |o| match o {
            Out::Lines { data, .. } => lines(got, data),
            Out::Piece { data, partial, .. } => {
                assert!(!partial, "a partial line before the end");
                got.push(data.to_vec());
            }
            Out::Splice {
                file, len, moved, ..
            } => {
                let mut buf = vec![0u8; len as usize];
                (&*file).read_exact(&mut buf).expect("the spliced range");
                assert!(buf.ends_with(b"\n"), "a spliced range ends a line");
                let longest = buf.split(|&b| b == b'\n').map(<[u8]>::len).max();
                assert!(
                    longest.unwrap_or(0) as u64 <= max_line,
                    "a spliced line over max_line"
                );
                lines(got, &buf);
                *splices += 1;
                moved.set(Some(len));
            }
            Out::Event(e) => panic!("event {e:?}"),
            Out::Error(e) => panic!("{e}"),
        })
    }

    #[test]
    fn last_lines_and_held_partials() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        std::fs::write(&p, "1\n2\n3\n4").expect("write");
        let mut f = Follower::new(p.clone(), true);
        assert!(f.open_initial(Some(2), None, 0, &mut |_| {}));
        // The last two lines are "3" and the unfinished "4".
        let (lines, _) = collect(&mut f, false);
        assert_eq!(lines, ["3\n"]);
        let mut w = std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .expect("open");
        w.write_all(b"4 done\n5").expect("write");
        let (lines, _) = collect(&mut f, false);
        assert_eq!(lines, ["44 done\n"]);
        // A truncation emits the held "5" once, marked, then starts over.
        std::fs::write(&p, "new\n").expect("write");
        let (lines, events) = collect(&mut f, true);
        assert_eq!(events, [EventKind::Truncated]);
        assert_eq!(lines, ["5~", "new\n"]);
    }

    #[test]
    fn rotation_drains_the_old_file_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        std::fs::write(&p, "").expect("write");
        let mut f = Follower::new(p.clone(), true);
        assert!(f.open_initial(Some(10), None, 0, &mut |_| {}));
        let mut old = std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .expect("open");
        old.write_all(b"before\n").expect("write");
        std::fs::rename(&p, dir.path().join("a.log.1")).expect("rename");
        old.write_all(b"late to the old file\n").expect("write");
        std::fs::write(&p, "in the new file\n").expect("write");
        let (lines, events) = collect(&mut f, true);
        assert_eq!(events, [EventKind::Rotated]);
        assert_eq!(
            lines,
            ["before\n", "late to the old file\n", "in the new file\n"]
        );
        old.write_all(b"even later\n").expect("write");
        let (lines, _) = collect(&mut f, false);
        assert_eq!(lines, ["even later\n"]);
    }

    #[test]
    fn a_file_renamed_to_another_followed_name_is_read_on_not_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        let p1 = dir.path().join("a.log.1");
        std::fs::write(&p, "1\n2\n").expect("write");
        let mut a = Follower::new(p.clone(), true);
        assert!(a.open_initial(None, Some(1), 0, &mut |_| {}));
        assert_eq!(collect(&mut a, false).0, ["1\n", "2\n"]);
        let mut w = std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .expect("open");
        std::fs::rename(&p, &p1).expect("rename");
        w.write_all(b"3\n").expect("write");
        std::fs::write(&p, "new\n").expect("write");
        // a.log's follower drains what came before the switch.
        let (lines, events) = collect(&mut a, true);
        assert_eq!(
            (lines, events),
            (
                vec!["3\n".to_string(), "new\n".to_string()],
                vec![EventKind::Rotated]
            )
        );
        // a.log.1's follower takes the file over where it was.
        let id = {
            let m = std::fs::metadata(&p1).expect("stat");
            (m.dev(), m.ino())
        };
        let held = a.take_retiring(id).expect("a.log's old file");
        let mut b = Follower::new(p1.clone(), true);
        b.adopt(Framing::new(1 << 20, false), held, &mut |_| {
            panic!("nothing to say")
        });
        w.write_all(b"4\n").expect("write");
        assert_eq!(collect(&mut b, true), (vec!["4\n".to_string()], vec![]));
        assert_eq!(collect(&mut a, false).0, Vec::<String>::new());
    }

    #[test]
    fn binary_files_are_skipped_only_when_asked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log.gz");
        std::fs::write(&p, b"\x1f\x8b\x08\x00\nzz\n").expect("write");
        let mut f = Follower::new(p.clone(), true).skipping_binary();
        assert!(f.open_initial(None, Some(1), 0, &mut |_| {}));
        assert_eq!(collect(&mut f, true), (vec![], vec![EventKind::Binary]));
        // Said once: the same file is not looked at again.
        assert_eq!(collect(&mut f, true), (vec![], vec![]));
        let mut named = Follower::new(p, true);
        assert!(named.open_initial(None, Some(1), 0, &mut |_| {}));
        assert_eq!(collect(&mut named, true).0.len(), 2);
    }

    #[test]
    fn a_parked_file_is_reopened_where_it_was() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        std::fs::write(&p, "1\n2").expect("write");
        let mut f = Follower::new(p.clone(), true);
        assert!(f.open_initial(None, Some(1), 0, &mut |_| {}));
        assert_eq!(collect(&mut f, false).0, ["1\n"]);
        assert!(f.park());
        assert_eq!(f.open_count(), 0);
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .and_then(|mut w| w.write_all(b"2 done\n3\n"))
            .expect("write");
        // The held partial line and the offset survive the closed
        // descriptor.
        assert_eq!(collect(&mut f, false).0, ["22 done\n", "3\n"]);
        assert_eq!(f.open_count(), 1);
    }

    /// A parked follower that finds its file rotated away keeps it aside
    /// for the follower of its new name; a second rotation seen before
    /// that one took it over must not drop the first (the oracle, with
    /// few descriptors, in a debug build: its lines shown twice).
    #[test]
    fn every_file_rotated_away_while_parked_waits_to_be_taken_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        let id_of = |p: &Path| {
            let m = std::fs::metadata(p).expect("stat");
            (m.dev(), m.ino())
        };
        std::fs::write(&p, "1\n").expect("write");
        let mut f = Follower::new(p.clone(), true);
        assert!(f.open_initial(None, Some(1), 0, &mut |_| {}));
        assert_eq!(collect(&mut f, true).0, ["1\n"]);
        let mut rotated = Vec::new();
        for n in 1..=2 {
            assert!(f.park());
            let away = dir.path().join(format!("a.log.{n}"));
            std::fs::rename(&p, &away).expect("rename");
            std::fs::write(&p, format!("new {n}\n")).expect("write");
            let (lines, events) = collect(&mut f, true);
            assert_eq!(
                (lines, events),
                (vec![format!("new {n}\n")], vec![EventKind::Rotated])
            );
            rotated.push(id_of(&away));
        }
        let mut held = Vec::new();
        f.ids_into(&mut held);
        for id in &rotated {
            assert!(held.contains(id), "{id:?} not among {held:?}");
        }
        for (n, id) in rotated.into_iter().enumerate() {
            let Some(Held::Parked(_)) = f.take_retiring(id) else {
                panic!("a.log.{}: not kept aside", n + 1);
            };
        }
    }

    /// A parked file taken over by the follower of its new name, but
    /// renamed on again before that follower could reopen it (a chain of
    /// numbered renames, under load), stays with that follower, parked:
    /// the follower of the name after can still take it over and read on
    /// where it was. It was dropped: the next name's follower read it
    /// from its start as a new file.
    #[test]
    fn a_parked_file_renamed_on_before_its_take_over_is_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b, c) = (
            dir.path().join("w.log.1"),
            dir.path().join("w.log.2"),
            dir.path().join("w.log.3"),
        );
        std::fs::write(&a, "1\n").expect("write");
        let id = {
            let m = std::fs::metadata(&a).expect("stat");
            (m.dev(), m.ino())
        };
        let mut fa = Follower::new(a.clone(), true);
        assert!(fa.open_initial(None, Some(1), 0, &mut |_| {}));
        assert_eq!(collect(&mut fa, true).0, ["1\n"]);
        assert!(fa.park());
        std::fs::rename(&a, &b).expect("rename");
        let held = fa.take_retiring(id).expect("parked and gone from w.log.1");
        // Renamed on before w.log.2's follower reopens it.
        std::fs::rename(&b, &c).expect("rename");
        let fr = Framing::new(1 << 20, false);
        let mut fb = Follower::new(b.clone(), true);
        fb.adopt(fr, held, &mut |_| panic!("nothing to say"));
        let mut ids = Vec::new();
        fb.ids_into(&mut ids);
        assert_eq!(ids, [id], "dropped by w.log.2's follower");
        // w.log.3's follower takes it over and reads on where it was.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&c)
            .and_then(|mut f| f.write_all(b"2\n"))
            .expect("append");
        let held = fb
            .take_retiring(id)
            .expect("w.log.2's follower gives it up");
        let mut fc = Follower::new(c.clone(), true);
        fc.adopt(fr, held, &mut |_| panic!("nothing to say"));
        assert_eq!(collect(&mut fc, true), (vec!["2\n".to_string()], vec![]));
    }

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

    fn writer(fifo: &Path) -> File {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
            .open(fifo)
            .expect("open the FIFO for writing")
    }

    fn stream_hung_up(f: &Follower) -> bool {
        let (fd, _) = f.stream().expect("a stream");
        hung_up(&File::from(fd.try_clone_to_owned().expect("dup")))
    }

    /// The follow loop waits only on streams: a regular file and a pseudo
    /// file (always readable to poll) are none; a FIFO and a device are.
    #[test]
    fn only_pipes_and_devices_are_streams() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        std::fs::write(&p, "1\n").expect("write");
        let fifo = dir.path().join("pipe");
        mkfifo(&fifo);
        for (path, stream) in [
            (p.as_path(), false),
            (Path::new("/proc/self/status"), false),
            (fifo.as_path(), true),
            (Path::new("/dev/null"), true),
        ] {
            let mut f = Follower::new(path, true);
            assert!(f.open_initial(Some(10), None, 0, &mut |_| {}), "{path:?}");
            assert_eq!(f.stream().is_some(), stream, "{path:?}");
        }
    }

    /// A FIFO whose writer closed hangs up until another opens it: its
    /// descriptor is swapped for a quiet one on the same pipe (not on what
    /// the path names by then), which reads what the next writer writes.
    #[test]
    fn a_hung_up_fifo_is_rearmed_on_the_same_pipe_not_its_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe");
        mkfifo(&fifo);
        let mut f = Follower::new(fifo.clone(), true);
        assert!(f.open_initial(Some(10), None, 0, &mut |_| {}));
        assert!(!stream_hung_up(&f), "no writer yet: no hang-up");
        let mut w = writer(&fifo);
        w.write_all(b"1\n").expect("write");
        drop(w);
        assert_eq!(collect(&mut f, false).0, ["1\n"]);
        assert!(stream_hung_up(&f));
        // The path names something else now: the pipe is still the one.
        let moved = dir.path().join("pipe.old");
        std::fs::rename(&fifo, &moved).expect("rename");
        std::fs::write(&fifo, "a file\n").expect("write");
        assert_eq!(f.rearm_stream(), Rearmed::Quiet);
        assert!(!stream_hung_up(&f));
        let mut w = writer(&moved);
        w.write_all(b"2\n").expect("write");
        assert_eq!(collect(&mut f, false).0, ["2\n"]);
        // Twice in a row (a writer that came and went without writing).
        drop(w);
        assert!(stream_hung_up(&f));
        assert_eq!(f.rearm_stream(), Rearmed::Quiet);
        assert!(!stream_hung_up(&f));
    }

    /// No quiet descriptor for an anonymous pipe whose writers are gone
    /// (none can come back), nor for a device (never opened again).
    #[test]
    fn a_pipe_without_writers_or_a_device_is_not_rearmed() {
        let (read, write) = rustix::pipe::pipe().expect("pipe");
        let via = format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&read));
        let mut f = Follower::new(Path::new(&via), false);
        assert!(f.open_initial(Some(10), None, 0, &mut |_| {}));
        drop(read);
        drop(write);
        assert!(stream_hung_up(&f));
        assert_eq!(f.rearm_stream(), Rearmed::Ended);
        assert!(stream_hung_up(&f));
        let mut null = Follower::new(Path::new("/dev/null"), true);
        assert!(null.open_initial(Some(10), None, 0, &mut |_| {}));
        assert_eq!(null.rearm_stream(), Rearmed::No);
    }

    #[test]
    fn long_lines_are_split_not_held() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.log");
        std::fs::write(&p, "").expect("write");
        let mut f = Follower::new(p.clone(), true);
        assert!(f.open_initial(Some(10), None, 0, &mut |_| {}));
        std::fs::write(&p, format!("{}\nshort\n{}", "a".repeat(40), "b".repeat(20)))
            .expect("write");
        let (lines, _) = collect_framed(&mut f, Framing::new(16, false), false);
        assert_eq!(
            lines,
            [
                format!("{}+", "a".repeat(16)),
                format!("{}+", "a".repeat(16)),
                format!("{}\n", "a".repeat(8)),
                "short\n".to_string(),
                format!("{}+", "b".repeat(16)),
            ]
        );
    }

    /// A follower of `dir/a.log`, which holds "1\n", read and parked.
    fn parked_after_one_line(dir: &Path) -> (Follower, std::path::PathBuf) {
        let p = dir.join("a.log");
        std::fs::write(&p, "1\n").expect("write");
        let mut f = Follower::new(p.clone(), true);
        assert!(f.open_initial(None, Some(1), 0, &mut |_| {}));
        assert_eq!(collect(&mut f, true).0, ["1\n"]);
        assert!(f.park());
        (f, p)
    }

    /// `collect` with the check, `between` run as soon as the parked file
    /// could not be reopened (before the check looks at the path).
    fn collect_racing(
        f: &mut Follower,
        between: impl FnMut() + 'static,
    ) -> (Vec<String>, Vec<EventKind>) {
        AFTER_FAILED_UNPARK.with(|h| *h.borrow_mut() = Some(Box::new(between)));
        let got = collect(f, true);
        AFTER_FAILED_UNPARK.with(|h| h.borrow_mut().take());
        got
    }

    /// A parked file renamed away, the path empty when the poll tried to
    /// reopen it and a new file there by the time the check looked (a
    /// rotation seen halfway): the old file is set aside for the
    /// follower of its new name, and the new one is a rotation. It stayed
    /// parked beside the new current file, where only the current one was
    /// registered: the new name's follower found it held by no one and
    /// read it again from its start (the oracle, with few descriptors:
    /// "appeared" where a rotation was, then lines shown twice).
    #[test]
    fn a_parked_file_rotated_away_halfway_through_a_poll_waits_to_be_taken_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut f, p) = parked_after_one_line(dir.path());
        let away = dir.path().join("a.log.1");
        std::fs::rename(&p, &away).expect("rename");
        let old = {
            let m = std::fs::metadata(&away).expect("stat");
            (m.dev(), m.ino())
        };
        let create = p.clone();
        let got = collect_racing(&mut f, move || {
            std::fs::write(&create, "new\n").expect("write");
        });
        assert_eq!(got, (vec!["new\n".to_string()], vec![EventKind::Rotated]));
        let mut held = Vec::new();
        f.ids_into(&mut held);
        assert!(held.contains(&old), "the old file not registered: {held:?}");
        let Some(Held::Parked(_)) = f.take_retiring(old) else {
            panic!("the old file is not kept aside for a.log.1's follower");
        };
    }

    /// The same when the follower takes over a file renamed to its path
    /// while its own parked file is gone from there and the path empty
    /// again (renamed on at once): the parked file is set aside, not kept
    /// beside the one taken over.
    #[test]
    fn a_parked_file_gone_when_another_is_taken_over_waits_to_be_taken_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b, c) = (
            dir.path().join("a.log"),
            dir.path().join("b.log"),
            dir.path().join("c.log"),
        );
        let id_of = |p: &Path| {
            let m = std::fs::metadata(p).expect("stat");
            (m.dev(), m.ino())
        };
        std::fs::write(&a, "a\n").expect("write");
        std::fs::write(&b, "b\n").expect("write");
        let mut fa = Follower::new(a.clone(), true);
        assert!(fa.open_initial(None, Some(1), 0, &mut |_| {}));
        assert_eq!(collect(&mut fa, true).0, ["a\n"]);
        assert!(fa.park());
        let old = id_of(&a);
        std::fs::rename(&a, dir.path().join("a.log.1")).expect("rename");
        let mut fb = Follower::new(b.clone(), true);
        assert!(fb.open_initial(None, Some(1), 0, &mut |_| {}));
        assert_eq!(collect(&mut fb, true).0, ["b\n"]);
        // b.log renamed to a.log: b.log's follower sees it gone (retired).
        std::fs::rename(&b, &a).expect("rename");
        let moved = id_of(&a);
        assert_eq!(collect(&mut fb, true).1, [EventKind::Gone]);
        let held = fb.take_retiring(moved).expect("b.log's old file");
        // Renamed on before a.log's follower takes it over.
        std::fs::rename(&a, &c).expect("rename");
        let mut events = Vec::new();
        fa.adopt(Framing::new(1 << 20, false), held, &mut |o| {
            if let Out::Event(e) = o {
                events.push(e);
            }
        });
        assert_eq!(events, [EventKind::Rotated]);
        let mut ids = Vec::new();
        fa.ids_into(&mut ids);
        assert!(
            ids.contains(&old),
            "a.log's parked file not registered: {ids:?}"
        );
        assert!(
            ids.contains(&moved),
            "the file taken over not registered: {ids:?}"
        );
        let Some(Held::Parked(_)) = fa.take_retiring(old) else {
            panic!("a.log's parked file is not kept aside for a.log.1's follower");
        };
    }

    /// A parked file gone from the path when the poll tried to reopen it
    /// and back by the time the check looked (renamed away and back) is
    /// reopened where it was and read on in the same poll: not read again
    /// from its start as a new file, nor left waiting for the next poll.
    #[test]
    fn a_parked_file_back_at_its_path_halfway_through_a_poll_is_read_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut f, p) = parked_after_one_line(dir.path());
        let away = dir.path().join("a.log.x");
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .and_then(|mut w| w.write_all(b"2\n"))
            .expect("write");
        std::fs::rename(&p, &away).expect("rename");
        let (from, to) = (away.clone(), p.clone());
        let got = collect_racing(&mut f, move || {
            std::fs::rename(&from, &to).expect("rename back");
        });
        assert_eq!(got, (vec!["2\n".to_string()], vec![]));
        assert_eq!(f.open_count(), 1);
    }

    /// The same, the file cut and rewritten while parked (copytruncate):
    /// found cut at once, and read from its start.
    #[test]
    fn a_parked_file_cut_and_back_at_its_path_halfway_through_a_poll_is_read_from_its_start() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut f, p) = parked_after_one_line(dir.path());
        let away = dir.path().join("a.log.x");
        // Cut and written past the offset, as copytruncate and a quick
        // logger leave it: the same file, other first bytes.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .and_then(|w| {
                w.set_len(0)?;
                (&w).write_all(b"abc\n")
            })
            .expect("rewrite");
        std::fs::rename(&p, &away).expect("rename");
        let (from, to) = (away.clone(), p.clone());
        let got = collect_racing(&mut f, move || {
            std::fs::rename(&from, &to).expect("rename back");
        });
        assert_eq!(got, (vec!["abc\n".to_string()], vec![EventKind::Truncated]));
    }
}
