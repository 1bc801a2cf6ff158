//! ptail's timestamps: the per-file detector (`Detector::train`,
//! `Detector::stamp`), the `--time-format` parser (`Fmt::parse_arg`,
//! `Pattern::new`) and `--since` (`parse_since`), on arbitrary lines.
//!
//! Input: byte 0 is a set of flags, the rest is text.
//! * bit 0: `--since` mode (the text is the argument) instead of a log;
//! * bit 1: the local zone is Australia/Lord_Howe (half-hour DST) instead
//!   of UTC;
//! * bits 2-4: the reference time (file mtime) or `now`, from a list of
//!   edge values (`to_micros` of a file time can be anything in ±i64::MAX);
//! * bit 5: the first line is a `--time-format` argument;
//! * bit 6: `train` on the text before stamping its lines.
//!
//! Properties, besides "no panic, no overflow":
//! * a stamped instant between 1970 and 2100, printed as RFC 3339 the way
//!   `--json` does, reads back through `--since` to the same instant;
//! * `--since YYYY-MM-DD` is accepted exactly when jiff (the oracle) says
//!   the date exists, and means its midnight in the zone;
//! * `--since YYYY-MM-DDTHH:MM:SS[.f](Z|+HH:MM)` equals jiff's instant.
//!
//! The last two are findings (see `common`), not crashes.
#![no_main]

mod common;

use std::sync::OnceLock;

use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;
use pfiles_tail::time::{self, Detector, Fmt, Micros, Pattern, Zone};

const TARGET: &str = "tail_time";
const SEC: i64 = 1_000_000;
const LOCAL: &str = "Australia/Lord_Howe";

const TIMES: [Micros; 8] = [
    1_780_272_000 * SEC, // 2026-06-01T00:00:00Z
    0,
    -1,
    i64::MAX,
    -i64::MAX,
    253_402_300_799 * SEC, // 9999-12-31T23:59:59Z
    -62_135_596_800 * SEC, // 0001-01-01T00:00:00Z
    946_684_800 * SEC - 1, // 1999-12-31T23:59:59.999999Z
];
/// 1970..2100: where RFC 3339 output must read back.
const ROUND_TRIP: std::ops::Range<Micros> = 0..4_102_444_800 * SEC;

struct Zones {
    utc: (Zone, TimeZone),
    local: (Zone, TimeZone),
}

fn zones() -> &'static Zones {
    static Z: OnceLock<Zones> = OnceLock::new();
    Z.get_or_init(|| {
        // SAFETY: set once, before any other thread of this process reads
        // the environment.
        unsafe { std::env::set_var("TZ", LOCAL) };
        Zones {
            utc: (Zone::utc(), TimeZone::UTC),
            local: (
                Zone::system(),
                TimeZone::get(LOCAL).expect("the zoneinfo database (tzdata)"),
            ),
        }
    })
}

fuzz_target!(|input: &[u8]| {
    let Some((&flags, text)) = input.split_first() else {
        return;
    };
    let z = zones();
    let (zone, tz) = if flags & 2 != 0 { &z.local } else { &z.utc };
    let reference = TIMES[usize::from(flags >> 2) & 7];
    if flags & 1 != 0 {
        since(input, text, zone, tz, reference);
    } else {
        detect(text, flags, zone, reference);
    }
});

fn detect(text: &[u8], flags: u8, zone: &Zone, reference: Micros) {
    let (forced, data) = if flags & 0x20 != 0 {
        let (first, data) = match text.iter().position(|&b| b == b'\n') {
            Some(i) => (&text[..i], &text[i + 1..]),
            None => (text, &[][..]),
        };
        let arg = String::from_utf8_lossy(first);
        let fmt = Fmt::parse_arg(&arg);
        if arg.contains('%') {
            assert_eq!(
                fmt.is_ok(),
                Pattern::new(&arg).is_ok(),
                "parse_arg and Pattern::new disagree on {arg:?}"
            );
        }
        match fmt {
            Ok(f) => (Some(f), data),
            Err(_) => return,
        }
    } else {
        (None, text)
    };
    let mut d = Detector::new(forced);
    if flags & 0x40 != 0 {
        d.train(data);
    }
    for line in data.split(|&b| b == b'\n') {
        let Some(t) = d.stamp(zone, line, reference) else {
            continue;
        };
        let printed = zone.rfc3339(t);
        if ROUND_TRIP.contains(&t) {
            let back = time::parse_since(&printed, zone, TIMES[0]);
            assert_eq!(
                back,
                Ok(t),
                "{printed:?} (stamped from {:?}) does not read back",
                String::from_utf8_lossy(line)
            );
        }
    }
    let _ = d.found_any();
}

fn since(input: &[u8], text: &[u8], zone: &Zone, tz: &TimeZone, now: Micros) {
    // A real `now` is after 1970 and well inside i64.
    let now = now.clamp(0, 4_102_444_800 * SEC);
    let Ok(arg) = std::str::from_utf8(text) else {
        return; // clap hands ptail a &str
    };
    let got = time::parse_since(arg, zone, now);
    if let Ok(t) = got {
        let _ = zone.rfc3339(t);
    }
    let s = arg.trim();
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let num = |r: std::ops::Range<usize>| s[r].parse::<i64>().unwrap_or(-1);
    if b.len() == 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
    {
        let want = jiff::civil::Date::new(num(0..4) as i16, num(5..7) as i8, num(8..10) as i8)
            .and_then(|d| d.to_zoned(tz.clone()))
            .map(|z| z.timestamp().as_microsecond());
        if want.as_ref().ok() != got.as_ref().ok() {
            common::finding(
                TARGET,
                "since-date",
                input,
                format!("--since {s:?}: ptail {got:?}, jiff {want:?}"),
            );
        }
        return;
    }
    let iso = iso_shape(b);
    if iso {
        let want = s
            .parse::<jiff::Timestamp>()
            .map(|t| t.as_microsecond())
            .map_err(|e| e.to_string());
        if want.as_ref().ok() != got.as_ref().ok() {
            common::finding(
                TARGET,
                "since-iso",
                input,
                format!("--since {s:?}: ptail {got:?}, jiff {want:?}"),
            );
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,6}](Z|+HH:MM|-HH:MM)`, not a leap second
/// (jiff reads `:60` as `:59`).
fn iso_shape(b: &[u8]) -> bool {
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && &b[17..19] != b"60")
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        let f = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=6).contains(&f) {
            return false;
        }
        i += 1 + f;
    }
    match &b[i..] {
        [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}
