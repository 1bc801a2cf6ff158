//! `--since` by seeking: where a file's history starts, found by binary
//! search on byte offsets rather than by reading the file from its start.
//!
//! The answer is the one a scan gives: the start of the first line stamped
//! at or after the time (a timed line, so a record is never cut: the
//! untimed continuation lines after it belong to it), or the end of the
//! file if there is none. The seek finds it in about `log2(size)` reads
//! of a few KiB when the file's timestamps do not go backwards.
//!
//! * **Probes.** A probe at byte `p` resynchronises on the first line
//!   start at or after `p`, then skips untimed lines to the first timed
//!   one and stamps it. A probe reads one line head at a time
//!   ([`HEAD`] bytes, what detection looks at), and walks through a long
//!   line in [`CHUNK`] reads, so a multi-GB line is never in memory.
//!   The search keeps `lo` (every timed line before it is stamped before
//!   the time) and `hi` (the first timed line at or after `hi` is the
//!   answer); a probe that walks up to `hi` has `hi`'s answer, so it stops
//!   there: each long line or run of continuation lines is crossed about
//!   once, not once per probe.
//! * **The last line**, without a trailing newline, is a line like any
//!   other: stamped from its head. If it is not part of the answer, the
//!   history starts at the end of the file and the follower is told to
//!   drop the rest of that line when the writer completes it
//!   ([`SinceStart::skip_line`]), never to print the fragment.
//! * **Out of order.** The search is only right if the stamps are sorted.
//!   Two checks decide, cheaply, whether to trust it:
//!   1. Every probe is recorded (the binary search's, plus [`SAMPLES`]
//!      evenly spaced ones, the first timed line and one near the end);
//!      two of them at least [`WINDOW`] bytes apart whose stamps are out of
//!      order mean the file is not sorted: the seek falls back to the
//!      scan, said once on stderr.
//!   2. The search ends at a crossing: the answer is stamped at or after
//!      the time, the timed line before it (`prev`) before the time. The
//!      timed lines from [`WINDOW`] bytes before `prev` up to the answer
//!      are read: one stamped at or after the time there means the answer
//!      is not the first such line: the scan again.
//!
//!   So the result is exact for a sorted file, and for a file whose
//!   disorder is local: if every two lines out of order are less than
//!   [`WINDOW`] bytes apart (threads writing a few milliseconds out of
//!   order), a line stamped at or after the time that lies before the
//!   answer also lies before `prev`, stamped before the time, so it is out
//!   of order with `prev`, hence within the window: check 2 sees it.
//!
//!   What the seek can miss is wider disorder that no probe sees: a
//!   stretch stamped at or after the time lying wholly between two probes,
//!   before lines stamped earlier. A clock set back by less than the time
//!   one sample's spacing covers (a sixteenth of the file's span) is the
//!   usual cause, and the hour that local times without an offset repeat
//!   when daylight saving ends is one. Then the history starts at a later
//!   point where the stamps cross the time (the timed line before it is
//!   still stamped before the time), not at the first one: the lines
//!   between are left out. That is acceptable: in such a file "the lines
//!   since 10:00" is no longer one suffix of the file, the scan's answer
//!   is only one reading of it, and the checks do catch the shapes of
//!   disorder that put wrong lines far from the answer (files concatenated
//!   out of order, blocks swapped, a clock jump larger than a sample's
//!   span), because those put out-of-order stamps far apart, where the
//!   probes are.
//! * **No timestamps** in the file's first lines: nothing to search by,
//!   so the scan (quietly, as before: a file with no stamps at all shows
//!   none of its lines).
//!
//! The scan reads the same way (bounded line heads), so it too never holds
//! a whole line.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use super::calendar::Micros;
use super::detect::Detector;
use super::zone::Zone;

/// Bytes of a line given to the detector (it looks for a timestamp in the
/// first 256).
const HEAD: usize = 4 << 10;
/// Bytes read at a time.
const CHUNK: usize = 64 << 10;
/// Bytes looked at for the format before searching.
const TRAIN: usize = 64 << 10;
/// Disorder closer than this is checked around the answer; wider
/// disorder is looked for among the probes.
pub(crate) const WINDOW: u64 = 64 << 10;
/// Evenly spaced probes made only to check the order.
const SAMPLES: u64 = 16;

/// Where a file's history starts under `--since`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SinceStart {
    /// The offset of the first line stamped at or after the time, or the
    /// file's length.
    pub offset: u64,
    /// `offset` is the length of a file whose last line has no newline
    /// and is not shown: when the writer completes it, what comes up to
    /// the newline is the rest of that line, to drop.
    pub skip_line: bool,
    /// The stamps are out of order: the answer comes from a scan, and
    /// the user is told.
    pub fell_back: bool,
}

impl SinceStart {
    /// What the user is told when [`SinceStart::fell_back`].
    pub const FELL_BACK: &'static str =
        "timestamps out of order; --since reads it from its start instead of seeking";
}

/// `--since`: where the history of `file` starts (the caller opens it
/// without blocking, and reads the same file from there). The file's
/// first lines train `det`; `reference` decides the year of timestamps
/// without one.
pub fn since_start(
    file: &File,
    since: Micros,
    det: &mut Detector,
    zone: &Zone,
    reference: Micros,
) -> io::Result<SinceStart> {
    // Only a regular file.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let len = meta.len();
    let mut s = Seek {
        r: Reader {
            file,
            len,
            buf: Vec::new(),
            at: 0,
            filled: 0,
        },
        det,
        zone,
        reference,
        since,
        probes: Vec::new(),
    };
    s.train()?;
    if !s.det.is_chosen() {
        return s.scan();
    }
    match s.search()? {
        Some(found) => Ok(found),
        None => {
            let mut out = s.scan()?;
            out.fell_back = true;
            Ok(out)
        }
    }
}

/// Reads at offsets through one buffer.
struct Reader<'f> {
    file: &'f File,
    /// The length at the start, or less if the file shrank under us.
    len: u64,
    buf: Vec<u8>,
    /// The offset of `buf[0]` and how much of it holds data.
    at: u64,
    filled: usize,
}

impl Reader<'_> {
    /// The buffered bytes from `pos` on: at least `want` of them unless
    /// the file ends first.
    fn bytes(&mut self, pos: u64, want: usize) -> io::Result<&[u8]> {
        let end = self.at + self.filled as u64;
        if pos < self.at || (pos.saturating_add(want as u64) > end && end < self.len) {
            self.fill(pos, want)?;
        }
        let from = usize::try_from(pos - self.at).unwrap_or(usize::MAX);
        Ok(&self.buf[from.min(self.filled)..self.filled])
    }

    fn fill(&mut self, pos: u64, want: usize) -> io::Result<()> {
        let size = want.max(CHUNK);
        if self.buf.len() < size {
            self.buf.resize(size, 0);
        }
        self.at = pos;
        self.filled = 0;
        while self.filled < size && pos + (self.filled as u64) < self.len {
            match self
                .file
                .read_at(&mut self.buf[self.filled..size], pos + self.filled as u64)
            {
                Ok(0) => {
                    // Shrank while we read: its end is here now.
                    self.len = pos + self.filled as u64;
                    break;
                }
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The first line start at or after `pos`; `limit` (or the length, if
    /// there is no line start) when it is not before `limit`.
    fn line_start(&mut self, pos: u64, limit: u64) -> io::Result<u64> {
        let limit = limit.min(self.len);
        if pos == 0 {
            return Ok(0);
        }
        let mut p = pos - 1; // a line starts at `pos` if a newline ends `pos - 1`
        while p < limit {
            let b = self.bytes(p, 1)?;
            if b.is_empty() {
                break;
            }
            if let Some(i) = memchr::memchr(b'\n', b) {
                return Ok((p + i as u64 + 1).min(limit));
            }
            p += b.len() as u64;
        }
        Ok(limit)
    }
}

/// A probe's answer: the first timed line at or after where it started.
enum Probe {
    /// At this offset, with this stamp.
    Found(u64, Micros),
    /// Not before the probe's limit: the limit's answer.
    Reached,
}

struct Seek<'a, 'f> {
    r: Reader<'f>,
    det: &'a mut Detector,
    zone: &'a Zone,
    reference: Micros,
    since: Micros,
    /// Every timed line a probe found: (offset, stamp).
    probes: Vec<(u64, Micros)>,
}

impl Seek<'_, '_> {
    /// Let the first lines choose the format (whole lines only, unless the
    /// first line alone is longer than what is looked at).
    fn train(&mut self) -> io::Result<()> {
        let head = self.r.bytes(0, TRAIN)?;
        let head = &head[..head.len().min(TRAIN)];
        let whole = match memchr::memrchr(b'\n', head) {
            Some(i) if head.len() == TRAIN => &head[..i],
            _ => head,
        };
        self.det.train(whole);
        Ok(())
    }

    /// The stamp of the line starting at `at`, and where the next line
    /// starts if that was seen in the line's head.
    fn stamp(&mut self, at: u64) -> io::Result<(Option<Micros>, Option<u64>)> {
        let b = self.r.bytes(at, HEAD + 1)?;
        let b = &b[..b.len().min(HEAD + 1)];
        let (body, next) = match memchr::memchr(b'\n', b) {
            Some(i) => (&b[..i], Some(at + i as u64 + 1)),
            None => (&b[..b.len().min(HEAD)], None),
        };
        let t = self.det.stamp(self.zone, body, self.reference);
        Ok((t, next))
    }

    /// The first timed line at or after `from`, looking no further than
    /// `limit`.
    fn probe(&mut self, from: u64, limit: u64) -> io::Result<Probe> {
        let mut at = self.r.line_start(from, limit)?;
        loop {
            if at >= limit.min(self.r.len) {
                return Ok(Probe::Reached);
            }
            let (t, next) = self.stamp(at)?;
            if let Some(t) = t {
                self.probes.push((at, t));
                return Ok(Probe::Found(at, t));
            }
            at = match next {
                Some(n) => n,
                None => self.r.line_start(at + HEAD as u64 + 1, limit)?,
            };
        }
    }

    /// The binary search and its checks: `None` if the stamps are out of
    /// order (see the module comment).
    fn search(&mut self) -> io::Result<Option<SinceStart>> {
        let len = self.r.len;
        let (mut lo, first) = match self.probe(0, len)? {
            Probe::Reached => return Ok(Some(self.end())),
            Probe::Found(o, t) if t >= self.since => {
                // The very first timed line: nothing before it to miss.
                return Ok(Some(SinceStart {
                    offset: o,
                    skip_line: false,
                    fell_back: false,
                }));
            }
            Probe::Found(o, _) => (o + 1, o),
        };
        // The timed line just before the answer (stamped before the time).
        let mut prev = first;
        // Samples, each looking no further than the next one.
        let step = len / SAMPLES;
        if step > 0 {
            for k in 1..SAMPLES {
                let from = (k * step).max(first + 1);
                self.probe(from, from + step)?;
            }
        }
        let near_end = len.saturating_sub(WINDOW).max(first + 1);
        self.probe(near_end, len)?;

        let mut hi = len;
        let mut best = None;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.probe(mid, hi)? {
                Probe::Reached => hi = mid,
                Probe::Found(o, t) if t >= self.since => {
                    hi = mid;
                    best = Some(o);
                }
                Probe::Found(o, _) => {
                    lo = o + 1;
                    prev = o;
                }
            }
        }
        if self.out_of_order() {
            return Ok(None);
        }
        // Check 2: nothing at or after the time in the window before the
        // timed line before the answer, nor between the two (untimed).
        let end = best.unwrap_or(self.r.len);
        let mut at = self.r.line_start(prev.saturating_sub(WINDOW), end)?;
        while at < end {
            let (t, next) = self.stamp(at)?;
            if t.is_some_and(|t| t >= self.since) {
                return Ok(None);
            }
            at = match next {
                Some(n) => n,
                None => self.r.line_start(at + HEAD as u64 + 1, end)?,
            };
        }
        Ok(Some(match best {
            Some(o) => SinceStart {
                offset: o,
                skip_line: false,
                fell_back: false,
            },
            None => self.end(),
        }))
    }

    /// Check 1: two probes at least [`WINDOW`] apart, out of order.
    fn out_of_order(&mut self) -> bool {
        self.probes.sort_unstable();
        self.probes.dedup();
        // The latest stamp among the probes at least WINDOW before each.
        let mut max_before: Option<Micros> = None;
        let mut k = 0;
        for j in 0..self.probes.len() {
            let (o, t) = self.probes[j];
            while k < j && self.probes[k].0 + WINDOW <= o {
                max_before = max_before.max(Some(self.probes[k].1));
                k += 1;
            }
            if max_before.is_some_and(|m| m > t) {
                return true;
            }
        }
        false
    }

    /// No line at or after the time: the end of the file, and the rest of
    /// a last line without a newline is dropped when it comes.
    fn end(&mut self) -> SinceStart {
        let len = self.r.len;
        let skip_line = len > 0
            && self
                .r
                .bytes(len - 1, 1)
                .map(|b| b.first() != Some(&b'\n'))
                .unwrap_or(false);
        SinceStart {
            offset: len,
            skip_line,
            fell_back: false,
        }
    }

    /// The scan: every line from the start, in order.
    fn scan(&mut self) -> io::Result<SinceStart> {
        let mut at = 0;
        while at < self.r.len {
            let (t, next) = self.stamp(at)?;
            if t.is_some_and(|t| t >= self.since) {
                return Ok(SinceStart {
                    offset: at,
                    skip_line: false,
                    fell_back: false,
                });
            }
            at = match next {
                Some(n) => n,
                None => self.r.line_start(at + HEAD as u64 + 1, u64::MAX)?,
            };
        }
        Ok(self.end())
    }
}
