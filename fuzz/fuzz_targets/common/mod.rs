//! What the targets share: recording a *finding* (a differential or oracle
//! mismatch that is worth a look but need not stop the run).
//!
//! A crash (panic, overflow, stack overflow, timeout, out of memory) always
//! stops libFuzzer. A finding does not, unless `PFILES_FUZZ_STRICT=1` is
//! set: then it panics, so that `cargo fuzz run`/`tmin` can save and
//! minimize it like a crash. Otherwise the input is written once to
//! `fuzz/findings/<target>/<kind>-<hash>` (at most 50 per kind) and the
//! first few of each kind are printed, so a 10-minute run collects the
//! known disagreements (two grammars that differ on purpose, say) instead
//! of stopping at the first.

#![allow(dead_code)]

pub mod imports;

use std::collections::HashMap;
use std::fmt::Display;
use std::path::PathBuf;
use std::sync::Mutex;

static SEEN: Mutex<Option<HashMap<String, u64>>> = Mutex::new(None);

/// FNV-1a, to name a finding after its input.
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

pub fn strict() -> bool {
    std::env::var_os("PFILES_FUZZ_STRICT").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Record a finding of `kind` for `input` in `target`'s findings.
pub fn finding(target: &str, kind: &str, input: &[u8], detail: impl Display) {
    if strict() {
        panic!("finding {kind}: {detail}");
    }
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let n = seen
        .get_or_insert_with(HashMap::new)
        .entry(kind.to_string())
        .or_insert(0);
    *n += 1;
    if *n <= 3 {
        eprintln!("FINDING {target} {kind} (#{n}): {detail}");
    }
    if *n <= 50 {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("findings")
            .join(target);
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{kind}-{:016x}", hash(input))), input);
    }
}
