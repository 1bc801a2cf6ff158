//! Per-file detection: which format, at which field of a line, stamps a
//! file's lines.
//!
//! A timestamp starts a whitespace-separated field (after an optional `[`,
//! `(`, `<` or quote) in the head of the line. The first lines of a file
//! vote for a (format, field) pair ([`Detector::train`] looks at a batch
//! before any of it is stamped); once chosen, a line has a timestamp only
//! if that format parses at that field. Anything else (a stack trace line,
//! a message that merely mentions a date) has none and belongs to the line
//! before it.

use super::calendar::{Micros, Parsed};
use super::cursor::Cur;
use super::formats::{Fmt, Kind};
use super::zone::Zone;

/// Fields looked at for a timestamp, and bytes of the line.
const MAX_FIELDS: usize = 16;
const MAX_SCAN: usize = 256;

/// The start of each whitespace-separated field in a line's head.
fn field_starts(line: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let head = &line[..line.len().min(MAX_SCAN)];
    (0..head.len())
        .filter(move |&i| {
            !head[i].is_ascii_whitespace() && (i == 0 || matches!(head[i - 1], b' ' | b'\t'))
        })
        .take(MAX_FIELDS)
}

/// Parse `fmt` at byte `at`, after an optional opening bracket or quote.
fn parse_at(fmt: &Fmt, line: &[u8], at: usize) -> Option<Parsed> {
    let mut c = Cur { b: line, i: at };
    if let Some(p) = fmt.parse(&mut c) {
        return Some(p);
    }
    if matches!(line.get(at), Some(b'[' | b'(' | b'<' | b'"' | b'\'')) {
        let mut c = Cur { b: line, i: at + 1 };
        return fmt.parse(&mut c);
    }
    None
}

/// Lines looked at before a file's format is chosen (or fewer, once
/// enough of them agree).
const SAMPLE: u32 = 64;
const AGREE: u32 = 16;

/// Per-file timestamp detection.
#[derive(Clone, Debug, Default)]
pub struct Detector {
    forced: Option<Fmt>,
    chosen: Option<(Fmt, usize)>,
    votes: Vec<((Fmt, usize), u32)>,
    sampled: u32,
}

impl Detector {
    pub fn new(forced: Option<Fmt>) -> Detector {
        Detector {
            forced,
            ..Detector::default()
        }
    }

    /// Whether a format has been chosen or any timestamp seen.
    pub fn found_any(&self) -> bool {
        self.chosen.is_some() || !self.votes.is_empty()
    }

    /// Whether a (format, field) has been chosen: lines are then stamped
    /// by it alone, each on its own (what `--since`'s seek needs).
    pub(super) fn is_chosen(&self) -> bool {
        self.chosen.is_some()
    }

    /// The instant of a line's timestamp, if it has one. `reference`
    /// decides the year of timestamps without one.
    pub fn stamp(&mut self, zone: &Zone, line: &[u8], reference: Micros) -> Option<Micros> {
        if let Some((fmt, field)) = &self.chosen {
            let at = field_starts(line).nth(*field)?;
            return parse_at(fmt, line, at).map(|p| zone.resolve(p, reference));
        }
        let found = self.find(line);
        if let Some((fmt, field, _)) = &found {
            self.vote(fmt.clone(), *field);
        }
        self.sampled += 1;
        if self.votes.iter().any(|(_, n)| *n >= AGREE) || self.sampled >= SAMPLE {
            self.choose();
        }
        found.map(|(_, _, p)| zone.resolve(p, reference))
    }

    /// Look at the first lines of `data` (whole lines) and choose the
    /// format and field most of them agree on, if any has one: done before
    /// stamping a batch of lines, so that an early line with a date in its
    /// text (a stack trace) does not count as a timestamp.
    pub fn train(&mut self, data: &[u8]) {
        if self.chosen.is_some() {
            return;
        }
        for line in data.split(|&b| b == b'\n').take(SAMPLE as usize) {
            if let Some((fmt, field, _)) = self.find(line) {
                self.vote(fmt, field);
            }
        }
        self.choose();
    }

    fn vote(&mut self, fmt: Fmt, field: usize) {
        match self
            .votes
            .iter_mut()
            .find(|(k, _)| k.0 == fmt && k.1 == field)
        {
            Some((_, n)) => *n += 1,
            None => self.votes.push(((fmt, field), 1)),
        }
    }

    /// The most voted (format, field), the earlier field on a tie.
    fn choose(&mut self) {
        if let Some((k, _)) = self
            .votes
            .iter()
            .max_by_key(|(k, n)| (*n, usize::MAX - k.1))
        {
            self.chosen = Some(k.clone());
            self.votes.clear();
        }
    }

    /// The first field where a format parses.
    fn find(&self, line: &[u8]) -> Option<(Fmt, usize, Parsed)> {
        for (field, at) in field_starts(line).enumerate() {
            match &self.forced {
                Some(f) => {
                    if let Some(p) = parse_at(f, line, at) {
                        return Some((f.clone(), field, p));
                    }
                }
                None => {
                    for k in Kind::ALL {
                        if let Some(p) = parse_at(&Fmt::Kind(k), line, at) {
                            return Some((Fmt::Kind(k), field, p));
                        }
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::calendar::{DAY, days_from_civil};
    use super::*;

    fn utc(line: &str) -> Option<String> {
        let zone = Zone::utc();
        // 2026-06-01T00:00:00Z: years are inferred against it.
        let reference = days_from_civil(2026, 6, 1) * DAY;
        let mut d = Detector::new(None);
        d.stamp(&zone, line.as_bytes(), reference)
            .map(|t| zone.rfc3339(t))
    }

    #[test]
    fn formats() {
        let cases = [
            (
                "2015-10-18 18:01:47,978 INFO [main] x",
                "2015-10-18T18:01:47.978+00:00",
            ),
            (
                "2015-10-18T18:01:47.978123+02:00 x",
                "2015-10-18T16:01:47.978123+00:00",
            ),
            ("2015-10-18T18:01:47Z", "2015-10-18T18:01:47+00:00"),
            ("2016-09-28 04:30:30, Info CBS", "2016-09-28T04:30:30+00:00"),
            ("2015/10/18 18:01:47 [error] x", "2015-10-18T18:01:47+00:00"),
            (
                "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /\"",
                "2000-10-10T20:55:36+00:00",
            ),
            (
                "[Sun Dec 04 04:47:44 2005] [notice] x",
                "2005-12-04T04:47:44+00:00",
            ),
            ("Jun 14 15:16:01 combo sshd", "2025-06-14T15:16:01+00:00"),
            ("Jul  1 09:00:55 host kernel", "2025-07-01T09:00:55+00:00"),
            (
                "03-17 16:13:38.811  1702 D x",
                "2026-03-17T16:13:38.811+00:00",
            ),
            ("17/06/09 20:10:40 INFO x", "2017-06-09T20:10:40+00:00"),
            ("081109 203615 148 INFO x", "2008-11-09T20:36:15+00:00"),
            (
                "20171223-22:15:29:606|Step",
                "2017-12-23T22:15:29.606+00:00",
            ),
            ("20171223-22:16:0:96|Step", "2017-12-23T22:16:00.096+00:00"),
            ("[10.30 16:49:06] chrome.exe", "2025-10-30T16:49:06+00:00"),
            (
                "I1018 18:01:47.978123 1 main.go:1] x",
                "2025-10-18T18:01:47.978123+00:00",
            ),
            ("- 1117838570 2005.06.03 R02", "2005-06-03T22:42:50+00:00"),
            ("1445144423722 x", "2015-10-18T05:00:23.722+00:00"),
            (
                "134681 node-246 unix.hw state 1077804742 1 x",
                "2004-02-26T14:12:22+00:00",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(utc(line).as_deref(), Some(want), "{line}");
        }
        for line in [
            "\tat org.example.Foo.bar(Foo.java:12)",
            "version 1.2.3 released",
            "pid 12345",
            "2015-13-18 18:01:47 bad month",
            "99999999999 too many digits",
        ] {
            assert_eq!(utc(line), None, "{line}");
        }
    }

    #[test]
    fn the_chosen_field_decides() {
        let zone = Zone::utc();
        let mut d = Detector::new(None);
        for i in 0..AGREE {
            let line = format!("2015-10-18 18:01:{i:02} x");
            assert!(d.stamp(&zone, line.as_bytes(), 0).is_some());
        }
        // A date later in the line is message text, not a timestamp.
        assert_eq!(
            d.stamp(&zone, b"Caused by: x at 2015-10-18 18:01:47", 0),
            None
        );
    }

    #[test]
    fn patterns_and_names() {
        let zone = Zone::utc();
        let f = Fmt::parse_arg("%d.%m.%Y %H:%M:%S%.f").expect("pattern");
        let mut d = Detector::new(Some(f));
        let t = d.stamp(&zone, b"18.10.2015 18:01:47,5 x", 0);
        assert_eq!(
            t.map(|t| zone.rfc3339(t)).as_deref(),
            Some("2015-10-18T18:01:47.500+00:00")
        );
        assert!(Fmt::parse_arg("iso").is_ok());
        assert!(Fmt::parse_arg("%Q").is_err());
        assert!(Fmt::parse_arg("%H:%M").is_err());
        assert!(Fmt::parse_arg("nonsense").is_err());
    }

    #[test]
    fn local_times_use_the_zone() {
        let zone = Zone::named("Europe/Paris");
        let mut d = Detector::new(None);
        let t = d.stamp(&zone, b"2015-07-01 12:00:00 x", 0).expect("stamp");
        assert_eq!(zone.rfc3339(t), "2015-07-01T12:00:00+02:00");
        assert_eq!(Zone::utc().rfc3339(t), "2015-07-01T10:00:00+00:00");
    }
}
