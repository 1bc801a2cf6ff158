//! The local zone: how a timestamp without an offset becomes an instant,
//! how a timestamp without a year gets one, and how an instant is written
//! back (RFC 3339, for `--json`).
//!
//! Local time is the `TZ` variable, else the system's zone (jiff reads the
//! zoneinfo database). In a gap or an overlap of a daylight-saving change,
//! a wall-clock time takes the offset before the change.

use std::sync::OnceLock;

use jiff::tz::TimeZone;

use super::calendar::{DAY, Micros, Parsed, SEC, civil_from_days, days_from_civil};

/// How timestamps become instants: the local zone.
///
/// Looked up on first use: finding the system's zone makes jiff list the
/// whole zoneinfo database, which a run that reads no timestamp (most
/// runs) need not pay for, in time or in memory.
#[derive(Clone, Debug)]
pub struct Zone {
    tz: OnceLock<TimeZone>,
}

impl Zone {
    pub fn system() -> Zone {
        Zone {
            tz: OnceLock::new(),
        }
    }

    pub fn utc() -> Zone {
        Zone {
            tz: OnceLock::from(TimeZone::UTC),
        }
    }

    fn tz(&self) -> &TimeZone {
        self.tz
            .get_or_init(|| TimeZone::try_system().unwrap_or(TimeZone::UTC))
    }

    /// A zone from the zoneinfo database, for tests.
    #[cfg(test)]
    pub(super) fn named(name: &str) -> Zone {
        Zone {
            tz: OnceLock::from(TimeZone::get(name).expect("the zoneinfo database (tzdata)")),
        }
    }

    /// Seconds east of UTC at instant `t`.
    fn offset_at(&self, t: Micros) -> i64 {
        match jiff::Timestamp::from_microsecond(t) {
            Ok(ts) => i64::from(self.tz().to_offset(ts).seconds()),
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

    /// The instant of what a format read; `reference` decides the year
    /// of a timestamp without one.
    pub(super) fn resolve(&self, p: Parsed, reference: Micros) -> Micros {
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
