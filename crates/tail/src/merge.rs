//! `--merge`: lines in timestamp order.
//!
//! A *record* is a line with a timestamp and the lines without one that
//! follow it in the same file (a stack trace): it moves as one. With
//! `-e`/`-x`, records are judged whole before they get here
//! ([`crate::records`]); a dropped one arrives empty, so that it still
//! places the lines before its file's first timestamp.
//!
//! * [`History`] collects the lines shown at start from every file and
//!   sorts them by time, stably: records with equal times keep the order of
//!   the inputs and of the lines. Lines before a file's first timestamp take
//!   the time of that first timestamp; a file without any timestamp keeps
//!   its order and goes first.
//! * [`Reorder`] holds live records for at most the reorder window. When
//!   the oldest arrival's time is up, it goes out together with every held
//!   record stamped no later than it, in timestamp order: no record waits
//!   longer than the window, and records that arrive within the window of
//!   each other come out sorted. A record older than one already written
//!   (it arrived more than a window late) goes out in its turn, out of
//!   order: it is never dropped.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::time::Micros;

/// Formatted output for one record.
#[derive(Debug, Default)]
pub struct Record {
    pub time: Option<Micros>,
    pub bytes: Vec<u8>,
    /// `--until` matched one of its lines (nothing after that line was
    /// added).
    pub until: bool,
    /// Its source and the offset of its first line, when known: a record
    /// `--until` leaves unwritten is where `--state` stops that source.
    pub at: Option<(usize, u64)>,
}

impl Record {
    fn append(&mut self, bytes: &[u8], until: bool) {
        if !self.until {
            self.bytes.extend_from_slice(bytes);
            self.until = until;
        }
    }
}

#[derive(Default)]
pub struct History {
    records: Vec<Record>,
    /// Per source: the record continuation lines join.
    last: HashMap<usize, usize>,
    /// Per source: records before its first timestamp.
    leading: HashMap<usize, Vec<usize>>,
}

impl History {
    pub fn push(&mut self, src: usize, time: Option<Micros>, bytes: Vec<u8>, until: bool) {
        self.push_at(src, time, bytes, until, None);
    }

    /// [`History::push`] a line that starts at byte `at` of its file.
    pub fn push_at(
        &mut self,
        src: usize,
        time: Option<Micros>,
        bytes: Vec<u8>,
        until: bool,
        at: Option<u64>,
    ) {
        let at = at.map(|a| (src, a));
        match (time, self.last.get(&src)) {
            (None, Some(&i)) => self.records[i].append(&bytes, until),
            (None, None) => {
                self.leading
                    .entry(src)
                    .or_default()
                    .push(self.records.len());
                self.records.push(Record {
                    time,
                    bytes,
                    until,
                    at,
                });
            }
            (Some(t), _) => {
                for i in self.leading.remove(&src).unwrap_or_default() {
                    self.records[i].time = Some(t);
                }
                self.last.insert(src, self.records.len());
                self.records.push(Record {
                    time,
                    bytes,
                    until,
                    at,
                });
            }
        }
    }

    /// The records in timestamp order.
    pub fn sorted(mut self) -> Vec<Record> {
        self.records.sort_by_key(|r| r.time);
        self.records
    }
}

pub struct Reorder {
    window: Duration,
    seq: u64,
    held: HashMap<u64, (usize, Record)>,
    heap: BinaryHeap<Reverse<(Micros, u64)>>,
    arrivals: VecDeque<(Instant, u64)>,
    /// Per source: the held record its continuation lines join.
    open: HashMap<usize, u64>,
}

impl Reorder {
    pub fn new(window: Duration) -> Reorder {
        Reorder {
            window,
            seq: 0,
            held: HashMap::new(),
            heap: BinaryHeap::new(),
            arrivals: VecDeque::new(),
            open: HashMap::new(),
        }
    }

    /// A line from `src` arriving at `now`. Lines that cannot be held (no
    /// timestamp and nothing to join) go to `out` at once.
    pub fn push(
        &mut self,
        src: usize,
        time: Option<Micros>,
        bytes: Vec<u8>,
        until: bool,
        now: Instant,
        out: &mut Vec<Record>,
    ) {
        self.push_at(src, time, bytes, until, now, out, None);
    }

    /// [`Reorder::push`] a line that starts at byte `at` of its file.
    #[allow(clippy::too_many_arguments)]
    pub fn push_at(
        &mut self,
        src: usize,
        time: Option<Micros>,
        bytes: Vec<u8>,
        until: bool,
        now: Instant,
        out: &mut Vec<Record>,
        at: Option<u64>,
    ) {
        let at = at.map(|a| (src, a));
        match time {
            Some(t) => {
                let seq = self.seq;
                self.seq += 1;
                self.held.insert(
                    seq,
                    (
                        src,
                        Record {
                            time,
                            bytes,
                            until,
                            at,
                        },
                    ),
                );
                self.heap.push(Reverse((t, seq)));
                self.arrivals.push_back((now, seq));
                self.open.insert(src, seq);
            }
            None => match self.open.get(&src).and_then(|k| self.held.get_mut(k)) {
                Some((_, r)) => r.append(&bytes, until),
                None => out.push(Record {
                    time,
                    bytes,
                    until,
                    at,
                }),
            },
        }
    }

    fn pop_min(&mut self, out: &mut Vec<Record>) {
        if let Some(Reverse((_, seq))) = self.heap.pop()
            && let Some((src, r)) = self.held.remove(&seq)
        {
            if self.open.get(&src) == Some(&seq) {
                self.open.remove(&src);
            }
            out.push(r);
        }
    }

    /// Records whose time in the window is up, in order.
    pub fn release(&mut self, now: Instant, out: &mut Vec<Record>) {
        while let Some(&(at, seq)) = self.arrivals.front() {
            let Some((_, r)) = self.held.get(&seq) else {
                self.arrivals.pop_front();
                continue;
            };
            if now < at + self.window {
                break;
            }
            let key = (r.time.unwrap_or(Micros::MIN), seq);
            while let Some(&Reverse(k)) = self.heap.peek() {
                if k > key {
                    break;
                }
                self.pop_min(out);
            }
            self.arrivals.pop_front();
        }
    }

    /// When the next record's time is up.
    pub fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(&(at, seq)) = self.arrivals.front() {
            if self.held.contains_key(&seq) {
                return Some(at + self.window);
            }
            self.arrivals.pop_front();
        }
        None
    }

    /// Everything held, in order (at exit).
    pub fn flush(&mut self, out: &mut Vec<Record>) {
        while !self.heap.is_empty() {
            self.pop_min(out);
        }
        self.arrivals.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(rs: &[Record]) -> Vec<String> {
        rs.iter()
            .map(|r| String::from_utf8_lossy(&r.bytes).into_owned())
            .collect()
    }

    #[test]
    fn history_sorts_records_and_keeps_continuations() {
        let mut h = History::default();
        h.push(0, None, b"a-lead ".to_vec(), false);
        h.push(0, Some(5), b"a5 ".to_vec(), false);
        h.push(0, None, b"a5-trace ".to_vec(), false);
        h.push(1, Some(3), b"b3 ".to_vec(), false);
        h.push(1, Some(5), b"b5 ".to_vec(), false);
        h.push(2, None, b"c-untimed ".to_vec(), false);
        assert_eq!(
            texts(&h.sorted()),
            ["c-untimed ", "b3 ", "a-lead ", "a5 a5-trace ", "b5 "]
        );
    }

    #[test]
    fn reorder_holds_at_most_the_window() {
        let t0 = Instant::now();
        let w = Duration::from_millis(100);
        let mut r = Reorder::new(w);
        let mut out = Vec::new();
        r.push(0, Some(20), b"a20 ".to_vec(), false, t0, &mut out);
        r.push(1, Some(10), b"b10 ".to_vec(), false, t0 + w / 2, &mut out);
        r.push(1, None, b"b10-trace ".to_vec(), false, t0 + w / 2, &mut out);
        r.push(0, Some(30), b"a30 ".to_vec(), false, t0 + w / 2, &mut out);
        assert!(out.is_empty());
        r.release(t0 + w / 4, &mut out);
        assert!(out.is_empty());
        assert_eq!(r.next_deadline(), Some(t0 + w));
        // a20's time is up: it goes, with b10 before it; a30 stays.
        r.release(t0 + w, &mut out);
        assert_eq!(texts(&out), ["b10 b10-trace ", "a20 "]);
        out.clear();
        // Late and older than what was written: still written, first in its
        // release.
        r.push(2, Some(5), b"c5 ".to_vec(), false, t0 + w, &mut out);
        r.release(t0 + w * 2, &mut out);
        assert_eq!(texts(&out), ["c5 ", "a30 "]);
        assert_eq!(r.next_deadline(), None);
        // A line without a timestamp and nothing held to join: at once.
        out.clear();
        r.push(0, None, b"x ".to_vec(), false, t0, &mut out);
        assert_eq!(texts(&out), ["x "]);
    }
}
