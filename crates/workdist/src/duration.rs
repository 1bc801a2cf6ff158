//! One duration grammar for every option that takes a duration
//! (`pgrep-lite --daemon start --idle-timeout`, `ptail --poll`, `--timeout`,
//! `--since 10m`, ...).
//!
//! A duration is a decimal number followed by an optional unit, with no
//! space between them:
//!
//! | unit | meaning |
//! |---|---|
//! | `us` | microseconds |
//! | `ms` | milliseconds |
//! | `s` or none | seconds |
//! | `m` or `min` | minutes |
//! | `h` | hours |
//!
//! So `250ms`, `1.5s`, `90`, `10m`, `2h`. Surrounding whitespace is
//! ignored. Negative numbers, NaN and anything over 10^9 seconds (about 31
//! years, far past any timeout that means something) are refused: a value
//! that large is a typo, and `Duration::from_secs_f64` would panic on it.
//! Shared by the tools because two grammars (one tool taking `min`, the
//! other not) is a trap for someone who uses both.

use std::time::Duration;

/// The largest duration accepted, in seconds.
pub const MAX_SECONDS: f64 = 1e9;

/// Parse a duration in the grammar above. The error is one sentence for
/// the user, naming the value.
///
/// Exact: the number is read in decimal, not through a float, so
/// `18446444016ms` is 18446444.016 s to the nanosecond (an `f64` made it
/// 18446444.015999999 s: found by the `durations` fuzz target). Digits
/// below a nanosecond are dropped.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let not_a_duration = || {
        format!(
            "'{s}' is not a duration: expected a number with an optional unit (us, ms, s, m, h), e.g. 500ms, 30s, 10m or 2h"
        )
    };
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if (int.is_empty() && frac.is_empty()) || frac.contains('.') {
        return Err(not_a_duration());
    }
    let nanos_per: u128 = match unit {
        "us" => 1_000,
        "ms" => 1_000_000,
        "" | "s" => 1_000_000_000,
        "m" | "min" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => {
            return Err(format!(
                "'{s}' has an unknown unit '{unit}': use us, ms, s, m (or min) or h"
            ));
        }
    };
    let out_of_range = || format!("'{s}' is out of range: at most {MAX_SECONDS:e} seconds");
    let int = int.trim_start_matches('0');
    if int.len() > 20 {
        return Err(out_of_range());
    }
    let whole: u128 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| not_a_duration())?
    };
    // The fraction, to 20 digits (more cannot reach a nanosecond of an
    // hour): digits * nanos_per / 10^len, truncated.
    let frac = &frac[..frac.len().min(20)];
    let frac_nanos = if frac.is_empty() {
        0
    } else {
        let digits: u128 = frac.parse().map_err(|_| not_a_duration())?;
        digits * nanos_per / 10u128.pow(frac.len() as u32)
    };
    let nanos = whole * nanos_per + frac_nanos;
    let max = (MAX_SECONDS as u128) * 1_000_000_000;
    if nanos > max {
        return Err(out_of_range());
    }
    Ok(Duration::new(
        (nanos / 1_000_000_000) as u64,
        (nanos % 1_000_000_000) as u32,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit() {
        let ok = [
            ("90", Duration::from_secs(90)),
            (" 90 ", Duration::from_secs(90)),
            ("1.5s", Duration::from_millis(1500)),
            ("250ms", Duration::from_millis(250)),
            ("20us", Duration::from_micros(20)),
            ("10m", Duration::from_secs(600)),
            ("10min", Duration::from_secs(600)),
            ("2h", Duration::from_secs(7200)),
            ("0", Duration::ZERO),
            (".5s", Duration::from_millis(500)),
            ("2.", Duration::from_secs(2)),
            ("0.000000001", Duration::from_nanos(1)),
            ("0.0000000019", Duration::from_nanos(1)),
            (
                "000000000000000000000000000042ms",
                Duration::from_millis(42),
            ),
            ("1000000000", Duration::from_secs(1_000_000_000)),
            // A float made these 18446444.015999999 s (fuzz finding).
            ("18446444016ms", Duration::new(18_446_444, 16_000_000)),
            ("184464440516ms", Duration::new(184_464_440, 516_000_000)),
        ];
        for (s, want) in ok {
            assert_eq!(parse_duration(s), Ok(want), "{s}");
        }
    }

    #[test]
    fn refusals_name_the_value() {
        for s in [
            "",
            "soon",
            "5y",
            "-1s",
            "1 s",
            "1e3",
            "1..2s",
            "2000000000",
            "nan",
        ] {
            let err = parse_duration(s).expect_err(s);
            assert!(err.contains(&format!("'{s}'")), "{s}: {err}");
        }
    }
}
