//! How lines are written: raw, prefixed (aligned, coloured per source on a
//! terminal) or as JSON Lines; filters and `--until`.
//!
//! Plain output passes a line's bytes through unchanged. A line emitted
//! without its newline (a partial line at rotation, truncation or exit, or
//! a piece of an over-long line) gets one, so the stream stays line-framed;
//! with a prefix, the separator marks it: `label | line` for a whole line,
//! `label ~ line` for a partial one, `label + line` for a piece continued
//! on the next line, `label ! rotated` for an event (`--events`). In JSON
//! each object says so (`"partial": true`, `"split": true`).
//!
//! JSON objects: `{"source", "path", "offset", "timestamp", "line":
//! {"text"} or {"bytes"}}` (base64 when the line is not UTF-8, so nothing
//! is lost; `timestamp` in RFC 3339, local offset, when the line has one),
//! and for events `{"source", "path", "event"}`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use regex::bytes::Regex;

use crate::config::Config;
use crate::follow::EventKind;
use crate::records::Matches;
use crate::time::{Micros, Zone};

/// A followed file as shown.
#[derive(Clone, Debug)]
pub struct Source {
    /// The file as shown in messages and `--prefix path` ([`Source::path`]):
    /// this path without its first `skip` bytes, shared with the
    /// follower's or the input's (see [`crate::inputs::Input::shown_in`]).
    shown: Arc<Path>,
    skip: u32,
    label: Label,
    /// Which input it came from: `NAMED` for a file named without a
    /// label, whose input is not kept (see [`Source::input`]).
    input: u32,
    /// Which followed file it is (0, 1, ... in the order they were
    /// found): picks its colour.
    index: u32,
    /// `label | ` as written before a whole line (padded, coloured), made
    /// once: formatting it per line cost more than the rest of the line.
    /// Boxed, not a vector: two words, not three (10,000 files).
    pub prefix: Box<[u8]>,
}

/// [`Source::input`] of a file named without a label.
const NAMED: u32 = u32::MAX;

/// A source's label: mostly the end of its path (the file name, or all
/// of it), kept as a length rather than a second string per file.
#[derive(Clone, Debug)]
enum Label {
    Tail(u32),
    Own(Box<str>),
}

impl Source {
    /// A source shown as `shown` without its first `skip` bytes (UTF-8,
    /// `skip` a char boundary: else it is shown as ""), labelled with
    /// all of that until [`Source::set_label`].
    pub fn new((shown, skip): (Arc<Path>, u32), input: usize, index: usize) -> Source {
        let mut s = Source {
            shown,
            skip,
            label: Label::Tail(0),
            input: NAMED,
            index: u32::try_from(index).unwrap_or(u32::MAX),
            prefix: Box::default(),
        };
        s.set_input(Some(input));
        s.label = Label::Tail(u32::try_from(s.path().len()).unwrap_or(0));
        s
    }

    /// The file as shown in messages and `--prefix path`.
    pub fn path(&self) -> &str {
        self.shown
            .to_str()
            .and_then(|s| s.get(self.skip as usize..))
            .unwrap_or_default()
    }

    /// Which input it came from; none for a file named without a label
    /// once the run has started: its input is not kept, all of it is here.
    pub fn input(&self) -> Option<usize> {
        (self.input != NAMED).then_some(self.input as usize)
    }

    pub fn set_input(&mut self, input: Option<usize>) {
        self.input = input.and_then(|i| u32::try_from(i).ok()).unwrap_or(NAMED);
    }

    pub fn label(&self) -> &str {
        match &self.label {
            // Always a char boundary: set only where the path ends with
            // a whole string of that length.
            Label::Tail(n) => {
                let path = self.path();
                &path[path.len() - *n as usize..]
            }
            Label::Own(s) => s,
        }
    }

    pub fn set_label(&mut self, label: &str) {
        self.label = match u32::try_from(label.len()) {
            Ok(n) if self.path().ends_with(label) => Label::Tail(n),
            _ => Label::Own(Box::from(label)),
        };
    }
}

pub struct Format {
    prefix: bool,
    path_labels: bool,
    width: usize,
    color: bool,
    json: bool,
    include: Vec<Regex>,
    exclude: Vec<Regex>,
    until: Option<Regex>,
    zone: Zone,
}

/// Prefix colours, one per source for up to 12 (then they repeat), by
/// the source's index. From the 256-colour palette, of middle lightness so
/// that each reads on dark and light backgrounds alike, hues spread around
/// the wheel with the most different first; no red (it reads as an
/// error).
pub const COLORS: [&str; 12] = [
    "38;5;33",  // azure     #0087ff
    "38;5;208", // orange    #ff8700
    "38;5;34",  // green     #00af00
    "38;5;170", // orchid    #d75fd7
    "38;5;37",  // teal      #00afaf
    "38;5;178", // gold      #d7af00
    "38;5;99",  // violet    #875fff
    "38;5;106", // olive     #87af00
    "38;5;205", // pink      #ff5faf
    "38;5;67",  // steel     #5f87af
    "38;5;137", // tan       #af875f
    "38;5;30",  // sea green #008787
];

impl Format {
    /// The printer `config` asks for (colour is decided once the output
    /// is open: [`Format::with_color`]).
    pub fn new(config: &Config) -> Format {
        Format {
            prefix: config.prefix,
            path_labels: config.path_labels,
            width: 0,
            color: false,
            json: config.json,
            include: config.include.clone(),
            exclude: config.exclude.clone(),
            until: config.until.clone(),
            zone: config.zone.clone(),
        }
    }

    pub fn with_color(mut self, on: bool) -> Format {
        self.color = on;
        self
    }

    pub fn path_labels(&self) -> bool {
        self.path_labels
    }

    pub fn set_width(&mut self, w: usize) {
        self.width = w;
    }

    /// The zone timestamps are read and written in.
    pub fn zone(&self) -> &Zone {
        &self.zone
    }

    /// Whether lines need their timestamps (`--json` shows them).
    pub fn wants_time(&self) -> bool {
        self.json
    }

    /// Nothing to do per line: the bytes go out as read.
    pub fn raw(&self) -> bool {
        !self.prefix
            && !self.json
            && self.include.is_empty()
            && self.exclude.is_empty()
            && self.until.is_none()
    }

    /// Only a prefix per line: the line loop can copy bytes.
    pub fn prefix_only(&self) -> bool {
        self.prefix
            && !self.json
            && self.include.is_empty()
            && self.exclude.is_empty()
            && self.until.is_none()
    }

    fn keep(&self, line: &[u8]) -> bool {
        (self.include.is_empty() || self.include.iter().any(|r| r.is_match(line)))
            && !self.exclude.iter().any(|r| r.is_match(line))
    }

    /// The prefix of a whole line from `src`, for [`Source::prefix`].
    pub fn line_prefix(&self, src: &Source) -> Vec<u8> {
        let mut p = Vec::new();
        if !self.prefix || self.json {
            return p; // never written: 10,000 files need no 10,000 prefixes
        }
        self.prefix_into(&mut p, src, '|');
        p
    }

    fn prefix_into(&self, rec: &mut Vec<u8>, src: &Source, sep: char) {
        if sep == '|' && !src.prefix.is_empty() {
            rec.extend_from_slice(&src.prefix);
            return;
        }
        let label = src.label();
        let pad = self.width.saturating_sub(label.chars().count());
        if self.color {
            let c = COLORS[src.index as usize % COLORS.len()];
            let _ = write!(rec, "\x1b[{c}m{label}\x1b[0m{:pad$} {sep} ", "");
        } else {
            let _ = write!(rec, "{label}{:pad$} {sep} ", "");
        }
    }

    /// How a line fares against `-e` and `-x` (for record filters).
    pub fn matches(&self, line: &[u8]) -> Matches {
        Matches {
            include: self.include.iter().any(|r| r.is_match(line)),
            exclude: self.exclude.iter().any(|r| r.is_match(line)),
        }
    }

    /// Whether there are `-e` patterns, and `-x` patterns.
    pub fn filters(&self) -> (bool, bool) {
        (!self.include.is_empty(), !self.exclude.is_empty())
    }

    /// One line (without its newline) read at `offset`: `sep` is `|` for
    /// a whole line, `~` for a partial one, `+` for a piece of a split
    /// one. Returns true if `--until` matched it. Lines the filters drop
    /// write nothing.
    pub fn line(
        &self,
        rec: &mut Vec<u8>,
        src: &Source,
        body: &[u8],
        offset: u64,
        sep: char,
        time: Option<Micros>,
    ) -> bool {
        if !self.keep(body) {
            return false;
        }
        self.render(rec, src, body, offset, sep, time)
    }

    /// [`Format::line`] without the filters (a record's line: the record
    /// is judged as a whole).
    pub fn render(
        &self,
        rec: &mut Vec<u8>,
        src: &Source,
        body: &[u8],
        offset: u64,
        sep: char,
        time: Option<Micros>,
    ) -> bool {
        if self.json {
            let mut obj = serde_json::Map::new();
            obj.insert("source".into(), src.label().into());
            obj.insert("path".into(), src.path().into());
            obj.insert("offset".into(), offset.into());
            if let Some(t) = time {
                obj.insert("timestamp".into(), self.zone.rfc3339(t).into());
            }
            let mut line = serde_json::Map::new();
            match std::str::from_utf8(body) {
                Ok(t) => line.insert("text".into(), t.into()),
                Err(_) => line.insert("bytes".into(), base64(body).into()),
            };
            obj.insert("line".into(), line.into());
            match sep {
                '~' => {
                    obj.insert("partial".into(), true.into());
                }
                '+' => {
                    obj.insert("split".into(), true.into());
                }
                _ => {}
            }
            let _ = serde_json::to_writer(&mut *rec, &serde_json::Value::Object(obj));
            rec.push(b'\n');
        } else {
            if self.prefix {
                self.prefix_into(rec, src, sep);
            }
            rec.extend_from_slice(body);
            rec.push(b'\n');
        }
        self.until.as_ref().is_some_and(|u| u.is_match(body))
    }

    /// A status event in the stream (`--events`).
    pub fn event(&self, rec: &mut Vec<u8>, src: &Source, kind: EventKind) {
        if self.json {
            let v = serde_json::json!({"source": src.label(), "path": src.path(), "event": kind.as_str()});
            let _ = serde_json::to_writer(&mut *rec, &v);
            rec.push(b'\n');
        } else if self.prefix {
            self.prefix_into(rec, src, '!');
            let _ = writeln!(rec, "{}", kind.as_str());
        } else {
            let _ = writeln!(rec, "==> {}: {} <==", src.path(), kind.as_str());
        }
    }
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let b = [
            c[0],
            c.get(1).copied().unwrap_or(0),
            c.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= c.len() {
                out.push(T[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Append the whole lines `data` holds (it ends with a newline) to `out`,
/// each after `prefix`: the hot path of prefixed output, one pass over
/// `data`.
///
/// Newlines come from [`crate::newlines::Newlines`] (a 64-byte block per test, not
/// a `memchr` call per line). A line and its prefix are copied with copies
/// of a fixed size, which the compiler turns into a few vector moves
/// instead of a `memcpy` call each: the prefix from a copy padded to 16 or
/// 64 bytes, a line of at most 64 bytes as the 64 bytes from its start,
/// and `out` is cut back to what belongs there. A line nearer than 64
/// bytes to the end of `data`, or longer, is copied as it is.
pub fn prefix_lines(out: &mut Vec<u8>, data: &[u8], prefix: &[u8]) {
    // About one line per 32 bytes; `extend_from_slice` grows past it.
    out.reserve(data.len() + (data.len() / 32 + 1) * prefix.len() + 128);
    let mut padded = [0u8; 64];
    let pad = match prefix.len() {
        0..=16 => 16,
        17..=64 => 64,
        _ => 0,
    };
    padded[..prefix.len().min(64)].copy_from_slice(&prefix[..prefix.len().min(64)]);
    let mut padded16 = [0u8; 16];
    padded16.copy_from_slice(&padded[..16]);
    let mut start = 0;
    for nl in crate::newlines::Newlines::new(data) {
        let at = out.len();
        match pad {
            16 => {
                out.extend_from_slice(&padded16);
                out.truncate(at + prefix.len());
            }
            64 => {
                out.extend_from_slice(&padded);
                out.truncate(at + prefix.len());
            }
            _ => out.extend_from_slice(prefix),
        }
        let len = nl + 1 - start;
        match data.get(start..start + 64).map(<&[u8; 64]>::try_from) {
            Some(Ok(block)) if len <= 64 => {
                let at = out.len();
                out.extend_from_slice(block);
                out.truncate(at + len);
            }
            _ => out.extend_from_slice(&data[start..=nl]),
        }
        start = nl + 1;
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::Source;

    /// A label kept as the end of the path reads back as given; one that
    /// is not (an input's own label, a name the path does not end with)
    /// is kept whole.
    #[test]
    fn a_label_reads_back_as_it_was_set() {
        let path: Arc<Path> = Arc::from(Path::new("logs/app.log"));
        let mut s = Source::new((Arc::clone(&path), 0), 0, 0);
        assert_eq!(s.label(), "logs/app.log");
        for label in [
            "app.log",
            "logs/app.log",
            "",
            "web",
            "ppp.log",
            "é.log",
            "g",
        ] {
            s.set_label(label);
            assert_eq!(s.label(), label);
        }
        let mut u = Source::new((Arc::from(Path::new("/work/dir/é")), 6), 0, 0);
        assert_eq!(u.path(), "dir/é");
        for label in ["é", "\u{301}", "r/é", "x/dir/é"] {
            u.set_label(label);
            assert_eq!(u.label(), label);
        }
    }

    /// `prefix_lines` against the obvious split-and-join, on seeded random
    /// lines of every length around the block size.
    #[test]
    fn prefix_lines_puts_the_prefix_before_every_line() {
        let mut seed: u64 = std::env::var("PTAIL_PREFIX_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5eed_f11e);
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..400 {
            let mut data = Vec::new();
            for _ in 0..(next() % 40) {
                let len = (next() % 140) as usize;
                data.extend((0..len).map(|_| b'a' + (next() % 26) as u8));
                data.push(b'\n');
            }
            let prefix: Vec<u8> = (0..(next() % 80))
                .map(|_| b'A' + (next() % 26) as u8)
                .collect();
            let mut want = b"already there".to_vec();
            for line in data.split_inclusive(|&b| b == b'\n') {
                want.extend_from_slice(&prefix);
                want.extend_from_slice(line);
            }
            let mut got = b"already there".to_vec();
            super::prefix_lines(&mut got, &data, &prefix);
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want),
                "round {round}"
            );
        }
    }

    #[test]
    fn twelve_distinct_colours_and_no_red() {
        let mut seen = std::collections::HashSet::new();
        for c in super::COLORS {
            assert!(seen.insert(c), "{c} twice");
            assert!(
                ![
                    "31", "91", "38;5;196", "38;5;160", "38;5;124", "38;5;9", "38;5;1"
                ]
                .contains(&c)
            );
        }
        assert_eq!(seen.len(), 12);
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64(b"\xff\xfe\x00x"), "//4AeA==");
    }
}
