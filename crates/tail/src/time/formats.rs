//! The timestamp formats ptail knows by name, and [`Fmt`], what
//! `--time-format` names: one of them or a pattern ([`super::pattern`]).
//!
//! Each built-in format is a function reading at a cursor: it either reads
//! a whole timestamp that ends at a boundary (not followed by a letter or
//! a digit) and is a real date, or gives up. [`Kind::ALL`] is the order in
//! which detection tries them ([`super::detect`]).

use super::calendar::{Civil, Parsed, SEC, civil, two_digit_year};
use super::cursor::Cur;
use super::pattern::Pattern;

/// Epoch values outside 2000..2100 are not taken for timestamps.
const EPOCH_MIN: i64 = 946_684_800;
const EPOCH_MAX: i64 = 4_102_444_800;

/// The built-in formats, in the order they are tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Iso,
    Clf,
    Syslog,
    Packed,
    YyMmDd,
    MonthDay,
    DotMonthDay,
    Compact,
    Glog,
    Epoch,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Iso,
        Kind::Clf,
        Kind::Syslog,
        Kind::Packed,
        Kind::YyMmDd,
        Kind::MonthDay,
        Kind::DotMonthDay,
        Kind::Compact,
        Kind::Glog,
        Kind::Epoch,
    ];

    /// The name `--time-format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Iso => "iso",
            Kind::Clf => "clf",
            Kind::Syslog => "syslog",
            Kind::Packed => "packed",
            Kind::YyMmDd => "yymmdd",
            Kind::MonthDay => "android",
            Kind::DotMonthDay => "mmdd",
            Kind::Compact => "compact",
            Kind::Glog => "glog",
            Kind::Epoch => "epoch",
        }
    }

    pub(super) fn parse(self, c: &mut Cur) -> Option<Parsed> {
        match self {
            Kind::Iso => iso(c),
            Kind::Clf => clf(c),
            Kind::Syslog => syslog(c),
            Kind::Packed => packed(c),
            Kind::YyMmDd => yymmdd(c),
            Kind::MonthDay => month_day(c, b'-'),
            Kind::DotMonthDay => month_day(c, b'.'),
            Kind::Compact => compact(c),
            Kind::Glog => glog(c),
            Kind::Epoch => epoch(c),
        }
    }
}

/// A format: built in, or a pattern from `--time-format`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fmt {
    Kind(Kind),
    Pattern(Pattern),
}

impl Fmt {
    /// `--time-format`: a built-in name or a pattern with `%` directives.
    pub fn parse_arg(s: &str) -> Result<Fmt, String> {
        if s.contains('%') {
            return Pattern::new(s).map(Fmt::Pattern);
        }
        Kind::ALL
            .iter()
            .find(|k| k.name() == s)
            .map(|&k| Fmt::Kind(k))
            .ok_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "'{s}' is not a time format: use one of {} or a pattern like '%Y-%m-%d %H:%M:%S'",
                    names.join(", ")
                )
            })
    }

    pub(super) fn parse(&self, c: &mut Cur) -> Option<Parsed> {
        match self {
            Fmt::Kind(k) => k.parse(c),
            Fmt::Pattern(p) => p.parse(c),
        }
    }
}

/// The end of a calendar timestamp: it must stop at a boundary.
fn end(
    c: &Cur,
    year: Option<i32>,
    (month, day): (u32, u32),
    (hour, min, sec): (u32, u32, u32),
    micros: u32,
    offset: Option<i32>,
) -> Option<Parsed> {
    if !c.boundary() {
        return None;
    }
    civil(Civil {
        year,
        month,
        day,
        hour,
        min,
        sec,
        micros,
        offset,
    })
}

/// `2015-10-18 18:01:47,978`, `2015-10-18T18:01:47.978+02:00`,
/// `2015/10/18 18:01:47`, `2005-06-03-15.42.50.675872`.
fn iso(c: &mut Cur) -> Option<Parsed> {
    let year = c.num(4)?;
    let dsep = c.peek().filter(|&s| s == b'-' || s == b'/')?;
    c.i += 1;
    let month = c.num(2)?;
    if !c.eat(dsep) {
        return None;
    }
    let day = c.num(2)?;
    let tsep = match c.peek() {
        Some(b'T' | b' ') => b':',
        Some(b'-') if dsep == b'-' => b'.',
        _ => return None,
    };
    c.i += 1;
    let hour = c.num(2)?;
    let tsep = if c.peek() == Some(b':') { b':' } else { tsep };
    if !c.eat(tsep) {
        return None;
    }
    let min = c.num(2)?;
    let sec = if c.eat(tsep) { c.num(2)? } else { 0 };
    let micros = c.frac(if tsep == b'.' { b"." } else { b".," });
    let offset = c.offset();
    end(
        c,
        Some(year as i32),
        (month, day),
        (hour, min, sec),
        micros,
        offset,
    )
}

/// `10/Oct/2000:13:55:36 -0700`.
fn clf(c: &mut Cur) -> Option<Parsed> {
    let day = c.num(2)?;
    if !c.eat(b'/') {
        return None;
    }
    let month = c.month_name()?;
    if !c.eat(b'/') {
        return None;
    }
    let year = c.num(4)?;
    if !c.eat(b':') {
        return None;
    }
    let (hour, min, sec) = c.hms(b':')?;
    let micros = c.frac(b".");
    let offset = c.offset();
    end(
        c,
        Some(year as i32),
        (month, day),
        (hour, min, sec),
        micros,
        offset,
    )
}

/// `Jun 14 15:16:01`, `Jul  1 09:00:55`, `Sun Dec 04 04:47:44 2005`.
fn syslog(c: &mut Cur) -> Option<Parsed> {
    if c.weekday() {
        c.eat(b',');
        if !c.spaces() {
            return None;
        }
    }
    let month = c.month_name()?;
    if !c.spaces() {
        return None;
    }
    let day = c.num12()?;
    if !c.eat(b' ') {
        return None;
    }
    let (hour, min, sec) = c.hms(b':')?;
    let micros = c.frac(b".,");
    let mut year = None;
    if c.peek() == Some(b' ') {
        let save = c.i;
        c.i += 1;
        match c.num(4) {
            Some(y) if c.boundary() => year = Some(y as i32),
            _ => c.i = save,
        }
    }
    end(c, year, (month, day), (hour, min, sec), micros, None)
}

/// `20171223-22:15:29:606`. HealthApp writes the fields unpadded
/// (`22:16:0:96`): the hour, minute and second take one or two digits, and
/// after a colon the milliseconds are a whole number (`:96` is 96 ms, which
/// is what puts it before `:104` in the file), not a decimal fraction.
fn packed(c: &mut Cur) -> Option<Parsed> {
    let year = c.num(4)?;
    let month = c.num(2)?;
    let day = c.num(2)?;
    if !c.eat(b'-') {
        return None;
    }
    let hour = c.num12()?;
    if !c.eat(b':') {
        return None;
    }
    let min = c.num12()?;
    if !c.eat(b':') {
        return None;
    }
    let sec = c.num12()?;
    let micros = if c.peek() == Some(b':') && c.peek_at(1).is_some_and(|d| d.is_ascii_digit()) {
        c.i += 1;
        let start = c.i;
        let mut ms = 0u32;
        while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
            ms = ms.saturating_mul(10).saturating_add(u32::from(d - b'0'));
            c.i += 1;
        }
        if c.i - start > 3 {
            return None;
        }
        ms * 1000
    } else {
        c.frac(b".")
    };
    end(
        c,
        Some(year as i32),
        (month, day),
        (hour, min, sec),
        micros,
        None,
    )
}

/// `17/06/09 20:10:40`.
fn yymmdd(c: &mut Cur) -> Option<Parsed> {
    let year = c.num(2)?;
    if !c.eat(b'/') {
        return None;
    }
    let month = c.num(2)?;
    if !c.eat(b'/') {
        return None;
    }
    let day = c.num(2)?;
    if !c.eat(b' ') {
        return None;
    }
    let (hour, min, sec) = c.hms(b':')?;
    let micros = c.frac(b".,");
    end(
        c,
        Some(two_digit_year(year)),
        (month, day),
        (hour, min, sec),
        micros,
        None,
    )
}

/// Android's `03-17 16:13:38.811`, Proxifier's `10.30 16:49:06`.
fn month_day(c: &mut Cur, sep: u8) -> Option<Parsed> {
    let month = c.num(2)?;
    if !c.eat(sep) {
        return None;
    }
    let day = c.num(2)?;
    if !c.eat(b' ') {
        return None;
    }
    let (hour, min, sec) = c.hms(b':')?;
    let micros = c.frac(b".");
    end(c, None, (month, day), (hour, min, sec), micros, None)
}

/// `081109 203615`.
fn compact(c: &mut Cur) -> Option<Parsed> {
    let year = c.num(2)?;
    let month = c.num(2)?;
    let day = c.num(2)?;
    if !c.eat(b' ') {
        return None;
    }
    let hour = c.num(2)?;
    let min = c.num(2)?;
    let sec = c.num(2)?;
    end(
        c,
        Some(two_digit_year(year)),
        (month, day),
        (hour, min, sec),
        0,
        None,
    )
}

/// glog: `I1018 18:01:47.978123`.
fn glog(c: &mut Cur) -> Option<Parsed> {
    if !matches!(c.peek(), Some(b'I' | b'W' | b'E' | b'F')) {
        return None;
    }
    c.i += 1;
    let month = c.num(2)?;
    let day = c.num(2)?;
    if !c.eat(b' ') {
        return None;
    }
    let (hour, min, sec) = c.hms(b':')?;
    let micros = c.frac(b".");
    end(c, None, (month, day), (hour, min, sec), micros, None)
}

/// Epoch seconds (with an optional fraction), milliseconds,
/// microseconds or nanoseconds.
fn epoch(c: &mut Cur) -> Option<Parsed> {
    let start = c.i;
    while c.peek().is_some_and(|d| d.is_ascii_digit()) {
        c.i += 1;
    }
    let digits = &c.b[start..c.i];
    let v: i64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    let (secs, sub) = match digits.len() {
        9 | 10 => (v, i64::from(c.frac(b"."))),
        13 => (v / 1000, v % 1000 * 1000),
        16 => (v / SEC, v % SEC),
        19 => (v / 1_000_000_000, v % 1_000_000_000 / 1000),
        _ => return None,
    };
    if !(EPOCH_MIN..EPOCH_MAX).contains(&secs) || !c.boundary() {
        return None;
    }
    Some(Parsed::Instant(secs * SEC + sub))
}
