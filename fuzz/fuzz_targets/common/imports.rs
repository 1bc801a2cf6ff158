//! Running pimports' two engines on one file, as the tool does, and
//! comparing them.

use pfiles_imports::scan::{Engine, FileScan, scan_with};

/// The stack of pimports' parsing threads (`PARSE_STACK` in
/// crates/imports/src/lib.rs): a file is scanned on such a thread in the
/// tool, so a recursion depth that fits there is not a crash here either.
pub const PARSE_STACK: usize = 256 << 20;

/// Scan `bytes` with both engines on a thread like the tool's.
pub fn scan_both(bytes: &[u8]) -> (FileScan, FileScan) {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(PARSE_STACK)
            .spawn_scoped(s, || {
                (
                    scan_with(bytes, Engine::Full),
                    scan_with(bytes, Engine::Fast),
                )
            })
            .expect("spawn a parsing thread")
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

/// What must be equal between the engines (the key of the unit test
/// `fast_engine_matches_the_full_parse` and of `examples/compare_engines`),
/// without positions: under `--cfg fuzzing`, which cargo-fuzz always sets,
/// proc-macro2 keeps no line/column in its spans, so every site syn
/// places reads 0:1 (the unit test and the example compare positions).
fn key(s: &FileScan) -> (Vec<String>, Vec<String>) {
    let mut sites: Vec<String> = s
        .sites
        .iter()
        .map(|x| {
            format!(
                "{:?} {} {:?} {:?} {:?}",
                x.kind, x.path, x.alias, x.scope, x.cfg
            )
        })
        .collect();
    sites.sort();
    let mut mods: Vec<String> = s.mods.iter().map(|m| format!("{m:?}")).collect();
    mods.sort();
    (sites, mods)
}

/// Check both scans of `bytes`: no site past the file's last line (a
/// finding `site-position` otherwise) and, when syn parsed the file, the
/// same sites, modules and names from both engines (`engines-differ`).
/// `record` is the fuzzer's input (what a finding saves, to replay).
pub fn check(target: &str, record: &[u8], bytes: &[u8], full: &FileScan, fast: &FileScan) {
    let text = String::from_utf8_lossy(bytes);
    let lines = text.split('\n').count();
    for (engine, scan) in [("full", full), ("fast", fast)] {
        assert_eq!(scan.bytes, bytes.len() as u64, "{engine}: byte count");
        for site in &scan.sites {
            // Line 0 is proc-macro2 under `--cfg fuzzing` (see `key`).
            if site.line > lines {
                super::finding(
                    target,
                    "site-position",
                    record,
                    format!(
                        "{engine}: {} at {}:{} in a file of {lines} lines",
                        site.path, site.line, site.column
                    ),
                );
            }
        }
    }
    if full.failure.is_some() || full.partial {
        return; // the full engine fell back: not expected to agree
    }
    let (ka, kb) = (key(full), key(fast));
    if ka != kb || full.names != fast.names || full.use_names != fast.use_names {
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter()
                .filter(|x| !b.contains(x))
                .take(3)
                .cloned()
                .collect()
        };
        super::finding(
            target,
            "engines-differ",
            record,
            format!(
                "full only {:?}, fast only {:?}, mods equal {}, names equal {}",
                only(&ka.0, &kb.0),
                only(&kb.0, &ka.0),
                ka.1 == kb.1,
                full.names == fast.names && full.use_names == fast.use_names
            ),
        );
    }
}
