//! `--since`: a duration ago, or a point in time written the way logs
//! write them.

use workdist::duration::parse_duration;

use super::calendar::{Civil, Micros, Parsed};
use super::cursor::Cur;
use super::formats::Kind;
use super::zone::Zone;

/// `--since`: a duration ago (`10m`, `2h`, `1d`, `2w`), or a timestamp in any format
/// ptail detects (`2015-10-18 18:01:47`, `2015-10-18T16:01:47Z`,
/// `Jun 14 15:16:01`), or a date (`2015-10-18`, midnight local time).
pub fn parse_since(s: &str, zone: &Zone, now: Micros) -> Result<Micros, String> {
    if let Some(ago) = days_or_weeks(s)? {
        return Ok(now.saturating_sub(ago));
    }
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
        "'{s}' is not a time: use a duration ago (10m, 2h, 1d, 2w) or a timestamp (2015-10-18 18:01:47, 2015-10-18T16:01:47Z, 2015-10-18)"
    ))
}

/// `1d`, `1.5d`, `2w`: days or weeks ago, in microseconds (`None` if `s`
/// is not written so). The shared duration grammar stops at hours (a
/// timeout in days is a typo); `--since` reaches further back. The number
/// is read by that grammar (as seconds), so it is exact and bounded the
/// same way: at most 10^9 of them.
fn days_or_weeks(s: &str) -> Result<Option<Micros>, String> {
    let t = s.trim();
    let (num, per) = if let Some(n) = t.strip_suffix('d') {
        (n, 86_400)
    } else if let Some(n) = t.strip_suffix('w') {
        (n, 7 * 86_400)
    } else {
        return Ok(None);
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Ok(None);
    }
    let d = parse_duration(num).map_err(|_| {
        format!("'{s}' is not a duration: expected a number of days or weeks, e.g. 1d or 2w")
    })?;
    Ok(Some(
        i64::try_from(d.as_micros())
            .unwrap_or(i64::MAX)
            .saturating_mul(per),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::calendar::SEC;
    use super::*;

    #[test]
    fn since_values() {
        let zone = Zone::utc();
        let now = 1_000_000 * SEC;
        assert_eq!(parse_since("10m", &zone, now), Ok(now - 600 * SEC));
        assert_eq!(parse_since("1d", &zone, now), Ok(now - 86_400 * SEC));
        assert_eq!(parse_since(" 1.5d", &zone, now), Ok(now - 129_600 * SEC));
        assert_eq!(parse_since("2w", &zone, now), Ok(now - 14 * 86_400 * SEC));
        assert!(parse_since("1e5d", &zone, now).is_err());
        assert!(parse_since("d", &zone, now).is_err());
        assert!(parse_since("1.2.3d", &zone, now).is_err());
        // Far back saturates, never overflows.
        assert!(parse_since("999999999w", &zone, now).is_ok());
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
}
