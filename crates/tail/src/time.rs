//! Timestamps in log lines: detected per file, compared as instants.
//!
//! * **Formats.** ISO 8601 / RFC 3339 (`T` or space, `.` or `,` fractions,
//!   `Z` or an offset, also `yyyy/MM/dd`), the Apache access log
//!   (`10/Oct/2000:13:55:36 -0700`), syslog `Mon dd HH:MM:SS` with an
//!   optional weekday and year (which covers ctime and Apache's error log
//!   `[Sun Dec 04 04:47:44 2005]`), `yy/MM/dd HH:mm:ss`, Android
//!   `MM-dd HH:mm:ss.SSS`, `yyMMdd HHmmss`, `yyyyMMdd-HH:mm:ss:SSS`,
//!   `MM.dd HH:mm:ss`, glog `I1018 18:01:47.978`, and epoch seconds,
//!   milliseconds, microseconds or nanoseconds (a 10, 13, 16 or 19 digit
//!   number between 2000 and 2100). `--time-format` forces one of these by
//!   name, or a strftime-like pattern (`%Y-%m-%d %H:%M:%S%.f`).
//! * **Where.** A timestamp starts a whitespace-separated field (after an
//!   optional `[`, `(`, `<` or quote). The first lines of a file vote for a
//!   (format, field) pair; once chosen, a line has a timestamp only if that
//!   format parses at that field. Anything else (a stack trace line, a
//!   message that merely mentions a date) has none and belongs to the line
//!   before it.
//! * **Meaning.** A timestamp with an offset or an epoch is an instant.
//!   One without is local time (the `TZ` variable, else the system's zone).
//!   One without a year gets the latest year that does not put it more than
//!   two days after a reference: the file's modification time for the lines
//!   already in it, the current time for new lines. So a file running from
//!   December into January gets both years right.

use std::time::{SystemTime, UNIX_EPOCH};

use jiff::tz::TimeZone;

/// An instant: microseconds since the Unix epoch.
pub type Micros = i64;

const SEC: i64 = 1_000_000;
const DAY: i64 = 86_400 * SEC;
/// Epoch values outside 2000..2100 are not taken for timestamps.
const EPOCH_MIN: i64 = 946_684_800;
const EPOCH_MAX: i64 = 4_102_444_800;
/// Fields looked at for a timestamp, and bytes of the line.
const MAX_FIELDS: usize = 16;
const MAX_SCAN: usize = 256;

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

    fn parse(self, c: &mut Cur) -> Option<Parsed> {
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

    fn parse(&self, c: &mut Cur) -> Option<Parsed> {
        match self {
            Fmt::Kind(k) => k.parse(c),
            Fmt::Pattern(p) => p.parse(c),
        }
    }
}

/// What a format read: a calendar time (maybe without year or offset) or
/// an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Parsed {
    Civil(Civil),
    Instant(Micros),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Civil {
    year: Option<i32>,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    micros: u32,
    /// Seconds east of UTC, when the timestamp says.
    offset: Option<i32>,
}

impl Civil {
    /// A real calendar day (2024-02-30 is no date, not March 1st; without
    /// a year, February has 29 days) and time.
    fn valid(&self) -> bool {
        let days = match self.month {
            2 if self
                .year
                .is_none_or(|y| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0) =>
            {
                29
            }
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (1..=12).contains(&self.month)
            && (1..=days).contains(&self.day)
            && self.hour < 24
            && self.min < 60
            && self.sec <= 60
    }
}

/// How timestamps become instants: the local zone.
#[derive(Clone, Debug)]
pub struct Zone {
    tz: TimeZone,
}

impl Zone {
    pub fn system() -> Zone {
        Zone {
            tz: TimeZone::try_system().unwrap_or(TimeZone::UTC),
        }
    }

    pub fn utc() -> Zone {
        Zone { tz: TimeZone::UTC }
    }

    /// Seconds east of UTC at instant `t`.
    fn offset_at(&self, t: Micros) -> i64 {
        match jiff::Timestamp::from_microsecond(t) {
            Ok(ts) => i64::from(self.tz.to_offset(ts).seconds()),
            Err(_) => 0,
        }
    }

    /// A local wall-clock time (as micros, as if it were UTC) to an
    /// instant. In a gap or an overlap, the offset before the change.
    fn local_to_instant(&self, wall: Micros) -> Micros {
        let guess = wall - self.offset_at(wall) * SEC;
        let off = self.offset_at(guess);
        wall - off * SEC
    }

    fn resolve(&self, p: Parsed, reference: Micros) -> Micros {
        let c = match p {
            Parsed::Instant(t) => return t,
            Parsed::Civil(c) => c,
        };
        let wall = |year: i32| {
            days_from_civil(i64::from(year), c.month, c.day) * DAY
                + i64::from(c.hour * 3600 + c.min * 60 + c.sec) * SEC
                + i64::from(c.micros)
        };
        let instant = |year: i32| match c.offset {
            Some(o) => wall(year) - i64::from(o) * SEC,
            None => self.local_to_instant(wall(year)),
        };
        match c.year {
            Some(y) => instant(y),
            None => {
                // Years 1..=9999 (a file time can be ±i64::MAX: found by fuzzing).
                let reference = reference.clamp(-62_135_596_800 * SEC, 253_402_300_799 * SEC);
                let local = reference + self.offset_at(reference) * SEC;
                let year = civil_from_days(local.div_euclid(DAY)).0 as i32;
                let t = instant(year);
                if t > reference + 2 * DAY {
                    instant(year - 1)
                } else {
                    t
                }
            }
        }
    }

    /// RFC 3339 in the local zone: `2015-10-18T18:01:47.978+02:00`, with
    /// milliseconds or microseconds only when there are any.
    pub fn rfc3339(&self, t: Micros) -> String {
        let off = self.offset_at(t);
        let local = t + off * SEC;
        let (y, m, d) = civil_from_days(local.div_euclid(DAY));
        let in_day = local.rem_euclid(DAY);
        let secs = in_day / SEC;
        let micros = in_day % SEC;
        let frac = if micros == 0 {
            String::new()
        } else if micros % 1000 == 0 {
            format!(".{:03}", micros / 1000)
        } else {
            format!(".{micros:06}")
        };
        let sign = if off < 0 { '-' } else { '+' };
        let a = off.abs();
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{frac}{sign}{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            a / 3600,
            a / 60 % 60
        )
    }
}

/// Now, as an instant.
pub fn now() -> Micros {
    to_micros(SystemTime::now())
}

pub fn to_micros(t: SystemTime) -> Micros {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_micros()).unwrap_or(i64::MAX),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A cursor over the bytes of a line.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Exactly `n` digits.
    fn num(&mut self, n: usize) -> Option<u32> {
        let s = self.b.get(self.i..self.i + n)?;
        if !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(s.iter().fold(0, |a, &d| a * 10 + u32::from(d - b'0')))
    }

    /// One or two digits.
    fn num12(&mut self) -> Option<u32> {
        if self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            self.num(2)
        } else {
            self.num(1)
        }
    }

    fn spaces(&mut self) -> bool {
        let start = self.i;
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
        self.i > start
    }

    /// `HH:MM:SS` with `sep`.
    fn hms(&mut self, sep: u8) -> Option<(u32, u32, u32)> {
        let h = self.num(2)?;
        if !self.eat(sep) {
            return None;
        }
        let m = self.num(2)?;
        if !self.eat(sep) {
            return None;
        }
        let s = self.num(2)?;
        Some((h, m, s))
    }

    /// A fraction after one of `seps`, as microseconds (0 if none).
    fn frac(&mut self, seps: &[u8]) -> u32 {
        let Some(c) = self.peek() else { return 0 };
        if !seps.contains(&c) || !self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) {
            return 0;
        }
        self.i += 1;
        let mut micros = 0;
        let mut n = 0;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            if n < 6 {
                micros = micros * 10 + u32::from(d - b'0');
            }
            n += 1;
            self.i += 1;
        }
        for _ in n..6 {
            micros *= 10;
        }
        micros
    }

    fn month_name(&mut self) -> Option<u32> {
        const NAMES: [&[u8; 3]; 12] = [
            b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
            b"dec",
        ];
        let s = self.b.get(self.i..self.i + 3)?;
        let m = NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(s))
            .map(|i| i as u32 + 1)?;
        self.i += 3;
        Some(m)
    }

    fn weekday(&mut self) -> bool {
        const NAMES: [&[u8; 3]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];
        match self.b.get(self.i..self.i + 3) {
            Some(s) if NAMES.iter().any(|n| n.eq_ignore_ascii_case(s)) => {
                self.i += 3;
                true
            }
            _ => false,
        }
    }

    /// `Z`, `+HH:MM`, `+HHMM`, `+HH`, optionally after one space (then
    /// also `UTC` or `GMT`).
    fn offset(&mut self) -> Option<i32> {
        let start = self.i;
        if self.eat(b'Z') || self.eat(b'z') {
            return Some(0);
        }
        let spaced = self.eat(b' ');
        if spaced {
            for name in [b"UTC", b"GMT"] {
                if self.b.get(self.i..self.i + 3) == Some(&name[..]) {
                    self.i += 3;
                    if self.boundary() {
                        return Some(0);
                    }
                    self.i -= 3;
                }
            }
        }
        let sign = match self.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => {
                self.i = start;
                return None;
            }
        };
        self.i += 1;
        let Some(h) = self.num(2) else {
            self.i = start;
            return None;
        };
        let colon = self.eat(b':');
        let m = match self.num(2) {
            Some(m) => m,
            None if colon => {
                self.i = start;
                return None;
            }
            None => 0,
        };
        // After a space, only the four-digit form (`+0000`): a bare
        // `- 12` is more likely text.
        if (spaced && (colon || self.i - start != 6)) || h > 23 || m > 59 || !self.boundary() {
            self.i = start;
            return None;
        }
        Some(sign * (h * 3600 + m * 60) as i32)
    }

    /// The timestamp ends here: end of line or not a letter or digit.
    fn boundary(&self) -> bool {
        !self.peek().is_some_and(|c| c.is_ascii_alphanumeric())
    }
}

fn civil(c: Civil) -> Option<Parsed> {
    c.valid().then_some(Parsed::Civil(c))
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

fn two_digit_year(y: u32) -> i32 {
    if y < 70 {
        2000 + y as i32
    } else {
        1900 + y as i32
    }
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

/// A strftime-like pattern: `%Y %y %m %d %e %H %M %S %f %b %a %z %s %T
/// %F %%`; a space matches one or more spaces; other characters match
/// themselves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    items: Vec<Item>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    Lit(u8),
    Space,
    Year4,
    Year2,
    Month,
    MonthName,
    Weekday,
    Day,
    DayPadded,
    Hour,
    Min,
    Sec,
    Frac,
    Offset,
    Epoch,
}

impl Pattern {
    pub fn new(s: &str) -> Result<Pattern, String> {
        let mut items = Vec::new();
        let mut bytes = s.bytes();
        while let Some(b) = bytes.next() {
            if b == b' ' {
                items.push(Item::Space);
                continue;
            }
            if b != b'%' {
                items.push(Item::Lit(b));
                continue;
            }
            let d = bytes.next().ok_or("a time format cannot end with '%'")?;
            match d {
                b'Y' => items.push(Item::Year4),
                b'y' => items.push(Item::Year2),
                b'm' => items.push(Item::Month),
                b'd' => items.push(Item::Day),
                b'e' => items.push(Item::DayPadded),
                b'H' => items.push(Item::Hour),
                b'M' => items.push(Item::Min),
                b'S' => items.push(Item::Sec),
                b'f' => items.push(Item::Frac),
                b'b' | b'h' => items.push(Item::MonthName),
                b'a' => items.push(Item::Weekday),
                b'z' => items.push(Item::Offset),
                b's' => items.push(Item::Epoch),
                b'T' => items.extend([
                    Item::Hour,
                    Item::Lit(b':'),
                    Item::Min,
                    Item::Lit(b':'),
                    Item::Sec,
                ]),
                b'F' => items.extend([
                    Item::Year4,
                    Item::Lit(b'-'),
                    Item::Month,
                    Item::Lit(b'-'),
                    Item::Day,
                ]),
                b'%' => items.push(Item::Lit(b'%')),
                b'.' if bytes.clone().next() == Some(b'f') => {
                    // `%.f`: an optional fraction after `.` or `,`.
                    bytes.next();
                    items.push(Item::Frac);
                }
                other => {
                    return Err(format!(
                        "'%{}' in time format '{s}' is not supported (use %Y %y %m %d %e %H %M %S %f %b %a %z %s %T %F)",
                        other as char
                    ));
                }
            }
        }
        let has = |i: Item| items.contains(&i);
        if !has(Item::Epoch)
            && !((has(Item::Month) || has(Item::MonthName))
                && (has(Item::Day) || has(Item::DayPadded))
                && has(Item::Hour))
        {
            return Err(format!(
                "time format '{s}' needs a month, a day and an hour (or %s for epoch seconds)"
            ));
        }
        Ok(Pattern { items })
    }

    fn parse(&self, c: &mut Cur) -> Option<Parsed> {
        let mut t = Civil::default();
        let mut epoch_secs = None;
        for item in &self.items {
            match *item {
                Item::Lit(b) => {
                    if !c.eat(b) {
                        return None;
                    }
                }
                Item::Space => {
                    if !c.spaces() {
                        return None;
                    }
                }
                Item::Year4 => t.year = Some(c.num(4)? as i32),
                Item::Year2 => t.year = Some(two_digit_year(c.num(2)?)),
                Item::Month => t.month = c.num(2)?,
                Item::MonthName => t.month = c.month_name()?,
                Item::Weekday => {
                    if !c.weekday() {
                        return None;
                    }
                }
                Item::Day => t.day = c.num(2)?,
                Item::DayPadded => {
                    c.spaces();
                    t.day = c.num12()?;
                }
                Item::Hour => t.hour = c.num(2)?,
                Item::Min => t.min = c.num(2)?,
                Item::Sec => t.sec = c.num(2)?,
                Item::Frac => t.micros = c.frac(b".,"),
                Item::Offset => t.offset = Some(c.offset()?),
                Item::Epoch => {
                    let start = c.i;
                    while c.peek().is_some_and(|d| d.is_ascii_digit()) {
                        c.i += 1;
                    }
                    let v: i64 = std::str::from_utf8(&c.b[start..c.i]).ok()?.parse().ok()?;
                    epoch_secs = Some(v);
                }
            }
        }
        if let Some(s) = epoch_secs {
            return Some(Parsed::Instant(
                s.checked_mul(SEC)?.checked_add(i64::from(t.micros))?,
            ));
        }
        civil(t)
    }
}

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

/// `--since`: a duration ago (`10m`, `2h`), or a timestamp in any format
/// ptail detects (`2015-10-18 18:01:47`, `2015-10-18T16:01:47Z`,
/// `Jun 14 15:16:01`), or a date (`2015-10-18`, midnight local time).
pub fn parse_since(s: &str, zone: &Zone, now: Micros) -> Result<Micros, String> {
    if let Ok(d) = parse_duration(s) {
        return Ok(now - i64::try_from(d.as_micros()).unwrap_or(i64::MAX / 2));
    }
    let t = s.trim().as_bytes();
    let mut c = Cur { b: t, i: 0 };
    for k in Kind::ALL {
        c.i = 0;
        if let Some(p) = k.parse(&mut c)
            && c.i == t.len()
        {
            return Ok(zone.resolve(p, now));
        }
    }
    // A date alone.
    c.i = 0;
    if let (Some(y), true, Some(m), true, Some(d)) =
        (c.num(4), c.eat(b'-'), c.num(2), c.eat(b'-'), c.num(2))
        && c.i == t.len()
    {
        let p = Civil {
            year: Some(y as i32),
            month: m,
            day: d,
            ..Civil::default()
        };
        if p.valid() {
            return Ok(zone.resolve(Parsed::Civil(p), now));
        }
    }
    Err(format!(
        "'{s}' is not a time: use a duration ago (10m, 2h) or a timestamp (2015-10-18 18:01:47, 2015-10-18T16:01:47Z)"
    ))
}

/// `250ms`, `10s`, `1.5s`, `2m`, `1h`; a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("'{s}' is not a duration (like 500ms, 10s, 2m, 1h)");
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "us" => n / 1e6,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(bad()),
    };
    if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
        return Err(bad());
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
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
    fn calendar_round_trips() {
        for days in [-800_000, -1, 0, 1, 10_956, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
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
    fn since_values() {
        let zone = Zone::utc();
        let now = 1_000_000 * SEC;
        assert_eq!(parse_since("10m", &zone, now), Ok(now - 600 * SEC));
        assert_eq!(
            parse_since("2015-10-18T18:01:47Z", &zone, now).map(|t| zone.rfc3339(t)),
            Ok("2015-10-18T18:01:47+00:00".into())
        );
        assert_eq!(
            parse_since("2015-10-18", &zone, now).map(|t| zone.rfc3339(t)),
            Ok("2015-10-18T00:00:00+00:00".into())
        );
        assert!(parse_since("yesterday-ish", &zone, now).is_err());
        // Impossible dates are errors, never the next month's days.
        assert!(parse_since("2024-02-30", &zone, now).is_err());
        assert!(parse_since("2023-02-29", &zone, now).is_err());
        assert!(parse_since("2024-04-31 10:00:00", &zone, now).is_err());
        assert!(parse_since("2024-02-29", &zone, now).is_ok());
    }

    #[test]
    fn local_times_use_the_zone() {
        let zone = Zone {
            tz: TimeZone::get("Europe/Paris").expect("the zoneinfo database (tzdata)"),
        };
        let mut d = Detector::new(None);
        let t = d.stamp(&zone, b"2015-07-01 12:00:00 x", 0).expect("stamp");
        assert_eq!(zone.rfc3339(t), "2015-07-01T12:00:00+02:00");
        assert_eq!(Zone::utc().rfc3339(t), "2015-07-01T10:00:00+00:00");
    }
}
