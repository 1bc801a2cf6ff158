//! Record filters: `-e`/`-x` judging whole records, not lines
//! (`--filter-records`, the default under `--merge`).
//!
//! A *record* is a line with a timestamp and the lines without one that
//! follow it in the same file (a stack trace). It is kept if any of its
//! lines matches an `-e` (or there is none) and none matches an `-x`, and
//! then written whole; so `-e ERROR` keeps a trace with its error line and
//! `-x DEBUG` drops a DEBUG line with everything under it.
//!
//! Following, a record's end is not known when its first line arrives:
//! more of it may come. [`Records`] holds each file's open record (its
//! formatted output) until it can be judged, and no longer:
//!
//! * a line matching an `-x` drops the record at once (nothing more of it
//!   is held); with no `-x`, a line matching an `-e` keeps it at once (what
//!   was held goes out, the rest streams);
//! * otherwise it is judged when it ends: at its file's next timestamped
//!   line, at an event of its file (rotation, truncation; not a file gone
//!   from its name, which is still drained: its logger may still write
//!   the rest of the record to it), at the end of the history shown at
//!   start (not with `--state`: see [`crate::followed`]), at exit;
//! * or when it has to go out: after the wait (`--record-wait`) with no new
//!   line from its file, or when it holds [`RECORD_CAP`] bytes (or all open
//!   records together hold [`HELD_CAP`]). It is then judged on the lines
//!   it has so far.
//!
//! Once judged, the record's later lines follow that judgement (written,
//! or dropped without being held), until its file's next timestamped line.
//! With `--state`, that judgement is saved with the file's offset when the
//! state stops inside the record ([`Records::judged`]): a run resuming at
//! that offset opens the record again with it ([`Records::resume`]), so
//! its later lines still follow it.
//! Lines before a file's first timestamp belong to no record and are
//! judged one by one. Memory is bounded: at most `RECORD_CAP` plus a line
//! per file, `HELD_CAP` plus a line in all.
//!
//! `--until` cuts a kept record after the first line that matches it (the
//! record is still judged on all of its lines).
//!
//! What goes out is handed, in order, to a callback: the first part of a
//! record with its timestamp, later parts without one (so that `--merge`
//! joins them to it, as it joins continuation lines). A dropped record is
//! handed over empty, with its timestamp: the history sorted by
//! `--merge` places a file's lines before its first timestamp at that
//! time, kept or not, as it does with line filters.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::{Duration, Instant};

use crate::time::Micros;

/// The most one open record holds before it is judged on what it has.
pub const RECORD_CAP: usize = 1 << 20;
/// The most all open records hold together.
pub const HELD_CAP: usize = 32 << 20;

/// How a line fared against the filters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Matches {
    /// It matches an `-e`.
    pub include: bool,
    /// It matches an `-x`.
    pub exclude: bool,
}

/// Where judged output goes: `(file, timestamp of a record's first part
/// or None for a later part or a line of no record, bytes, --until
/// matched)`.
pub type Deliver<'a> = dyn FnMut(usize, Option<Micros>, &[u8], bool) + 'a;

/// A judged record's verdict, as `--state` saves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judged {
    Kept,
    Dropped,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Open,
    Keep,
    Drop,
}

#[derive(Debug)]
struct Open {
    /// Tells a record from the next one of its file (for stale deadlines).
    seq: u64,
    time: Option<Micros>,
    verdict: Verdict,
    included: bool,
    /// Formatted output held while open.
    held: Vec<u8>,
    /// A held line matched `--until`: nothing after it is held.
    until: bool,
    /// When its last line came.
    last: Instant,
    /// Just past its last line in its file (where a state that stops in
    /// it stands).
    end: u64,
}

/// The open record of each file: see the module comment.
#[derive(Debug)]
pub struct Records {
    /// There are `-e` patterns (a record must match one).
    need_include: bool,
    /// There are `-x` patterns (a record is known to be kept only at its
    /// end).
    any_exclude: bool,
    wait: Duration,
    open: HashMap<usize, Open>,
    seq: u64,
    /// (deadline, file, record): refreshed lazily when it comes up.
    deadlines: BinaryHeap<Reverse<(Instant, usize, u64)>>,
    held: usize,
    scratch: Vec<u8>,
}

impl Records {
    pub fn new(need_include: bool, any_exclude: bool, wait: Duration) -> Records {
        Records {
            need_include,
            any_exclude,
            wait,
            open: HashMap::new(),
            seq: 0,
            deadlines: BinaryHeap::new(),
            held: 0,
            scratch: Vec::new(),
        }
    }

    /// A line of file `src` at `now`, ending at byte `end` of its file,
    /// with its timestamp and how it matched; `render` formats it (and
    /// says whether `--until` matches it), called only if its output may
    /// be needed.
    #[allow(clippy::too_many_arguments)]
    pub fn line(
        &mut self,
        src: usize,
        time: Option<Micros>,
        m: Matches,
        now: Instant,
        end: u64,
        render: impl FnOnce(&mut Vec<u8>) -> bool,
        out: &mut Deliver,
    ) {
        if time.is_some() {
            self.end(src, out);
            self.seq += 1;
            self.open.insert(
                src,
                Open {
                    seq: self.seq,
                    time,
                    verdict: Verdict::Open,
                    included: false,
                    held: Vec::new(),
                    until: false,
                    last: now,
                    end,
                },
            );
            self.deadlines
                .push(Reverse((now + self.wait, src, self.seq)));
            if self.deadlines.len() > 2 * self.open.len() + 64 {
                self.compact();
            }
        }
        let Some(o) = self.open.get_mut(&src) else {
            // Before the file's first timestamp: a line on its own.
            if (m.include || !self.need_include) && !m.exclude {
                self.scratch.clear();
                let until = render(&mut self.scratch);
                out(src, None, &self.scratch, until);
            }
            return;
        };
        o.end = end;
        match o.verdict {
            Verdict::Drop => {}
            Verdict::Keep => {
                self.scratch.clear();
                let until = render(&mut self.scratch);
                out(src, None, &self.scratch, until);
            }
            Verdict::Open if m.exclude => {
                o.verdict = Verdict::Drop;
                self.held -= o.held.len();
                o.held = Vec::new();
                out(src, o.time, &[], false);
            }
            Verdict::Open => {
                o.included |= m.include;
                o.last = now;
                if !o.until {
                    let before = o.held.len();
                    o.until = render(&mut o.held);
                    self.held += o.held.len() - before;
                }
                // Kept for sure (no -x can drop it), or holding too much:
                // judged now.
                let sure = !self.any_exclude && o.included;
                if sure || o.held.len() >= RECORD_CAP || self.held >= HELD_CAP {
                    self.judge(src, out);
                }
            }
        }
    }

    /// Judge file `src`'s open record on what it has, if it is still open;
    /// it stays the file's record (its later lines follow the judgement).
    pub fn judge(&mut self, src: usize, out: &mut Deliver) {
        let Some(o) = self.open.get_mut(&src) else {
            return;
        };
        if o.verdict != Verdict::Open {
            return;
        }
        let keep = o.included || !self.need_include;
        o.verdict = if keep { Verdict::Keep } else { Verdict::Drop };
        self.held -= o.held.len();
        let held = std::mem::take(&mut o.held);
        // Dropped: nothing, at its time (the history still places the
        // lines before a file's first timestamp at that time).
        let (bytes, until) = if keep {
            (&held[..], o.until)
        } else {
            (&[][..], false)
        };
        out(src, o.time, bytes, until);
    }

    /// File `src`'s record ends (its next timestamped line, an event, the
    /// file gone): judged if open, and lines after it belong to no record.
    pub fn end(&mut self, src: usize, out: &mut Deliver) {
        self.judge(src, out);
        self.open.remove(&src);
    }

    /// Judge every open record (the end of the history, exit), in file
    /// order.
    pub fn judge_all(&mut self, out: &mut Deliver) {
        let mut open: Vec<usize> = self
            .open
            .iter()
            .filter(|(_, o)| o.verdict == Verdict::Open)
            .map(|(&s, _)| s)
            .collect();
        open.sort_unstable();
        for s in open {
            self.judge(s, out);
        }
        self.deadlines.clear();
    }

    /// Judge the records whose wait is over at `now`.
    pub fn release(&mut self, now: Instant, out: &mut Deliver) {
        while let Some(&Reverse((at, src, seq))) = self.deadlines.peek() {
            if at > now {
                break;
            }
            self.deadlines.pop();
            let Some(o) = self.open.get(&src) else {
                continue;
            };
            if o.seq != seq || o.verdict != Verdict::Open {
                continue; // stale: a later record, or judged already
            }
            let due = o.last + self.wait;
            if due > now {
                self.deadlines.push(Reverse((due, src, seq)));
            } else {
                self.judge(src, out);
            }
        }
    }

    /// Deadlines of records judged or ended early stay in the heap until
    /// they come up: with a long wait and many records, rebuild it from
    /// the open records (so it stays within twice their number).
    fn compact(&mut self) {
        let wait = self.wait;
        self.deadlines = self
            .open
            .iter()
            .filter(|(_, o)| o.verdict == Verdict::Open)
            .map(|(&s, o)| Reverse((o.last + wait, s, o.seq)))
            .collect();
    }

    /// The record file `src` holds unjudged (its lines not yet handed
    /// on), by its sequence number: `--state` must not count its lines
    /// as written.
    pub fn holding(&self, src: usize) -> Option<u64> {
        self.open
            .get(&src)
            .filter(|o| o.verdict == Verdict::Open)
            .map(|o| o.seq)
    }

    /// File `src`'s record, if it is judged (its later lines follow the
    /// verdict), and where its last line ends: `--state` saves the
    /// verdict with the file's offset if it stops there.
    pub fn judged(&self, src: usize) -> Option<(Judged, u64)> {
        let o = self.open.get(&src)?;
        match o.verdict {
            Verdict::Open => None,
            Verdict::Keep => Some((Judged::Kept, o.end)),
            Verdict::Drop => Some((Judged::Dropped, o.end)),
        }
    }

    /// `--state`: file `src` resumes at byte `at`, inside a record judged
    /// `verdict` by the run that saved the state: its lines up to the
    /// next timestamped one follow that verdict (not lines of no record).
    pub fn resume(&mut self, src: usize, verdict: Judged, at: u64, now: Instant) {
        self.seq += 1;
        self.open.insert(
            src,
            Open {
                seq: self.seq,
                time: None,
                verdict: match verdict {
                    Judged::Kept => Verdict::Keep,
                    Judged::Dropped => Verdict::Drop,
                },
                included: false,
                held: Vec::new(),
                until: false,
                last: now,
                end: at,
            },
        );
    }

    /// When the next open record's wait may be over.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.peek().map(|Reverse((at, _, _))| *at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const E: Matches = Matches {
        include: true,
        exclude: false,
    };
    const X: Matches = Matches {
        include: false,
        exclude: true,
    };
    const N: Matches = Matches {
        include: false,
        exclude: false,
    };

    struct Run {
        r: Records,
        out: Vec<(Option<Micros>, String, bool)>,
        t0: Instant,
    }

    impl Run {
        fn new(need_include: bool, any_exclude: bool) -> Run {
            Run {
                r: Records::new(need_include, any_exclude, Duration::from_millis(100)),
                out: Vec::new(),
                t0: Instant::now(),
            }
        }

        fn line(&mut self, src: usize, time: Option<Micros>, m: Matches, text: &str, ms: u64) {
            let out = &mut self.out;
            let until = text.contains("UNTIL");
            self.r.line(
                src,
                time,
                m,
                self.t0 + Duration::from_millis(ms),
                0,
                |b| {
                    b.extend_from_slice(text.as_bytes());
                    until
                },
                &mut |_, t, b, u| out.push((t, String::from_utf8_lossy(b).into_owned(), u)),
            );
        }

        fn release(&mut self, ms: u64) {
            let out = &mut self.out;
            self.r
                .release(self.t0 + Duration::from_millis(ms), &mut |_, t, b, u| {
                    out.push((t, String::from_utf8_lossy(b).into_owned(), u))
                });
        }

        /// What came out, without the empty parts dropped records leave.
        fn texts(&mut self) -> Vec<String> {
            std::mem::take(&mut self.out)
                .into_iter()
                .map(|(_, s, _)| s)
                .filter(|s| !s.is_empty())
                .collect()
        }
    }

    #[test]
    fn an_exclude_drops_the_whole_record_and_a_record_waits_for_its_end() {
        let mut r = Run::new(false, true);
        r.line(0, None, N, "lead ", 0);
        r.line(0, Some(1), N, "t1 ", 0);
        r.line(0, None, N, "t1-trace ", 0);
        assert_eq!(r.texts(), ["lead "]);
        r.line(0, Some(2), N, "t2 ", 0);
        assert_eq!(r.texts(), ["t1 t1-trace "]);
        r.line(0, None, X, "t2-DEBUG ", 0);
        r.line(0, None, N, "t2-more ", 0);
        r.line(0, Some(3), N, "t3 ", 0);
        assert!(r.texts().is_empty());
        // Waits from its last line.
        r.line(0, None, N, "t3-trace ", 60);
        r.release(120);
        assert!(r.texts().is_empty());
        r.release(160);
        assert_eq!(r.texts(), ["t3 t3-trace "]);
        // Judged: later lines follow.
        r.line(0, None, X, "t3-late-DEBUG ", 500);
        assert_eq!(r.texts(), ["t3-late-DEBUG "]);
        assert_eq!(r.r.next_deadline(), None);
    }

    #[test]
    fn an_include_alone_keeps_a_record_at_once() {
        let mut r = Run::new(true, false);
        r.line(1, Some(1), N, "t1 ", 0);
        r.line(1, None, N, "a ", 0);
        assert!(r.texts().is_empty());
        r.line(1, None, E, "ERROR ", 0);
        r.line(1, None, N, "b ", 0);
        assert_eq!(r.texts(), ["t1 a ERROR ", "b "]);
        // Never matched: dropped at its end.
        r.line(1, Some(2), N, "t2 ", 0);
        r.line(1, Some(3), N, "t3 ", 0);
        r.line(2, None, E, "other file, no record ERROR ", 0);
        r.line(2, None, N, "other file, no record ", 0);
        assert_eq!(r.texts(), ["other file, no record ERROR "]);
        let mut out = Vec::new();
        r.r.judge_all(&mut |_, t, b, _| out.push((t, b.to_vec())));
        assert_eq!(out, [(Some(3), Vec::new())], "dropped: empty, at its time");
    }

    #[test]
    fn until_cuts_a_kept_record_after_its_line() {
        let mut r = Run::new(false, true);
        r.line(0, Some(1), N, "t1 ", 0);
        r.line(0, None, N, "UNTIL ", 0);
        r.line(0, None, N, "after ", 0);
        r.line(0, Some(2), N, "t2 ", 0);
        assert_eq!(r.out, [(Some(1), "t1 UNTIL ".to_string(), true)]);
    }

    #[test]
    fn deadlines_of_records_judged_early_do_not_pile_up() {
        let mut r = Run::new(false, true);
        for t in 0..10_000 {
            r.line(0, Some(t), X, "DEBUG ", 0);
        }
        assert!(r.r.deadlines.len() <= 2 * r.r.open.len() + 65);
        assert!(r.texts().is_empty());
    }

    #[test]
    fn a_resumed_record_keeps_its_verdict_until_the_next_head() {
        let mut r = Run::new(true, true);
        r.r.resume(0, Judged::Kept, 10, r.t0);
        r.r.resume(1, Judged::Dropped, 20, r.t0);
        assert_eq!(r.r.judged(0), Some((Judged::Kept, 10)));
        r.line(0, None, N, "kept-trace ", 0);
        r.line(1, None, E, "dropped-trace ERROR ", 0);
        assert_eq!(r.texts(), ["kept-trace "]);
        assert_eq!(r.r.holding(0), None, "nothing held: the state may pass it");
        r.line(0, Some(1), N, "t1 ", 0);
        assert_eq!(r.r.judged(0), None, "a new record, open");
        r.line(1, Some(1), E, "t1 ERROR ", 0);
        assert_eq!(r.r.judged(1), None, "open: -x may still drop it");
        assert!(r.texts().is_empty());
    }

    #[test]
    fn held_output_is_capped() {
        let mut r = Run::new(true, true);
        let big = "x".repeat(RECORD_CAP / 2);
        r.line(0, Some(1), E, &big, 0);
        assert!(r.texts().is_empty());
        r.line(0, None, N, &big, 0);
        // Judged on what it had: kept (it matched), streamed from here.
        assert_eq!(r.texts().concat().len(), RECORD_CAP);
        r.line(0, None, X, "y", 0);
        assert_eq!(r.texts(), ["y"]);
        assert_eq!(r.r.held, 0);
    }
}
