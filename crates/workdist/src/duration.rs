//! One duration grammar for every option that takes a duration
//! (`pgrep-lite daemon start --idle-timeout`, `ptail --poll`, `--timeout`,
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
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| {
        format!("'{s}' is not a duration: expected a number with an optional unit (us, ms, s, m, h), e.g. 500ms, 30s, 10m or 2h")
    })?;
    let secs = match unit {
        "us" => n / 1e6,
        "ms" => n / 1e3,
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => {
            return Err(format!(
                "'{s}' has an unknown unit '{unit}': use us, ms, s, m (or min) or h"
            ));
        }
    };
    if !secs.is_finite() || !(0.0..=MAX_SECONDS).contains(&secs) {
        return Err(format!(
            "'{s}' is out of range: at most {MAX_SECONDS:e} seconds"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
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
