//! Instants and the calendar: what a timestamp means once read.
//!
//! An instant is [`Micros`] since the Unix epoch. A format reads either an
//! instant (an epoch number) or a [`Civil`] calendar time, which may lack
//! its year or its offset; the zone fills those in ([`super::zone`]). The
//! day arithmetic is Howard Hinnant's, for the proleptic Gregorian
//! calendar, with no table and no allocation.

use std::time::{SystemTime, UNIX_EPOCH};

/// An instant: microseconds since the Unix epoch.
pub type Micros = i64;

pub(super) const SEC: i64 = 1_000_000;
pub(super) const DAY: i64 = 86_400 * SEC;

/// What a format read: a calendar time (maybe without year or offset) or
/// an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Parsed {
    Civil(Civil),
    Instant(Micros),
}

/// A calendar date and time as a line wrote it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Civil {
    pub(super) year: Option<i32>,
    pub(super) month: u32,
    pub(super) day: u32,
    pub(super) hour: u32,
    pub(super) min: u32,
    pub(super) sec: u32,
    pub(super) micros: u32,
    /// Seconds east of UTC, when the timestamp says.
    pub(super) offset: Option<i32>,
}

impl Civil {
    /// A real calendar day (2024-02-30 is no date, not March 1st; without
    /// a year, February has 29 days) and time.
    pub(super) fn valid(&self) -> bool {
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

/// Now, as an instant.
pub fn now() -> Micros {
    to_micros(SystemTime::now())
}

/// A file time as an instant (clamped to the range of [`Micros`]).
pub fn to_micros(t: SystemTime) -> Micros {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_micros()).unwrap_or(i64::MAX),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
pub(super) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(super) fn civil_from_days(z: i64) -> (i64, u32, u32) {
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

/// A calendar time read by a format, if it is a real one.
pub(super) fn civil(c: Civil) -> Option<Parsed> {
    c.valid().then_some(Parsed::Civil(c))
}

/// `yy`: 70..99 is 19yy, 00..69 is 20yy.
pub(super) fn two_digit_year(y: u32) -> i32 {
    if y < 70 {
        2000 + y as i32
    } else {
        1900 + y as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for days in [-800_000, -1, 0, 1, 10_956, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }
}
