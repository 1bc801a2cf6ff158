//! The one duration grammar every tool uses (`workdist::duration`:
//! pgrep-lite's `--idle-timeout`, ptail's `--poll`, `--reorder-window`,
//! `--since 10m`), and pgrep-lite's `--max-filesize` size parser, on
//! arbitrary arguments.
//!
//! Properties, besides "no panic, no overflow":
//! * an integer with a documented unit (`17`, `17s`, `17us`, `17ms`, `17m`,
//!   `17min`, `17h`) means exactly that (integer arithmetic is the oracle),
//!   and is refused only when over the 1e9-second cap;
//! * an integer size with an optional K/M/G suffix means exactly
//!   `n * 1024^k`, and is refused only when that overflows u64.
//!
//! Until issue 11 the tools had two grammars and this target compared them;
//! now there is one, so the oracle's mismatches are the findings (see
//! `common`).
#![no_main]

mod common;

use std::time::Duration;

use libfuzzer_sys::fuzz_target;

const TARGET: &str = "durations";

fuzz_target!(|input: &[u8]| {
    let Ok(s) = std::str::from_utf8(input) else {
        return; // clap hands the tools a &str
    };
    let d = workdist::duration::parse_duration(s);
    let size = pfiles_grep::cli::parse_size(s);

    let trimmed = s.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    if !digits.is_empty() && digits.len() <= 20 {
        let n: u128 = digits.parse().expect("at most 20 digits fit");
        let nanos_per = match unit {
            "" | "s" => Some(1_000_000_000u128),
            "ms" => Some(1_000_000),
            "us" => Some(1_000),
            "m" | "min" => Some(60_000_000_000),
            "h" => Some(3_600_000_000_000),
            _ => None,
        };
        if let Some(per) = nanos_per {
            let nanos = n * per;
            let want = (nanos <= 1_000_000_000 * 1_000_000_000).then(|| {
                Duration::new(
                    (nanos / 1_000_000_000) as u64,
                    (nanos % 1_000_000_000) as u32,
                )
            });
            if d.as_ref().ok() != want.as_ref() {
                common::finding(
                    TARGET,
                    "oracle-duration",
                    input,
                    format!("{s:?}: parse_duration {d:?}, exact {want:?}"),
                );
            }
        }
        let mult = match unit {
            "" => Some(1u128),
            "K" | "k" => Some(1 << 10),
            "M" | "m" => Some(1 << 20),
            "G" | "g" => Some(1 << 30),
            _ => None,
        };
        if let Some(mult) = mult {
            let want = u64::try_from(n * mult).ok();
            if size.as_ref().ok() != want.as_ref() {
                common::finding(
                    TARGET,
                    "oracle-size",
                    input,
                    format!("{s:?}: parse_size {size:?}, exact {want:?}"),
                );
            }
        }
    }
});
