//! Compare the fast engine with syn's full parse on every `.rs` file under
//! the given directories: times both (one thread) and lists the files whose
//! sites, module declarations or names differ. Used for BENCHMARKS.md:
//!
//! ```text
//! cargo run --release -p pfiles-imports --example compare_engines -- DIR...
//! ```
//!
//! Files syn cannot parse are counted apart: there the full engine falls
//! back to a partial token scan, so the two are not expected to agree.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use pfiles_imports::scan::{Engine, FileScan, scan_with};

fn key(s: &FileScan) -> (Vec<String>, Vec<String>) {
    let mut sites: Vec<String> = s
        .sites
        .iter()
        .map(|x| {
            format!(
                "{:?} {} {:?} {}:{} {:?} {:?}",
                x.kind, x.path, x.alias, x.line, x.column, x.scope, x.cfg
            )
        })
        .collect();
    sites.sort();
    let mut mods: Vec<String> = s.mods.iter().map(|m| format!("{m:?}")).collect();
    mods.sort();
    (sites, mods)
}

fn main() {
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if stack.is_empty() {
        eprintln!("usage: compare_engines DIR...");
        std::process::exit(2);
    }
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && let Ok(b) = std::fs::read(&p)
            {
                files.push((p, b));
            }
        }
    }
    files.sort();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let t = Instant::now();
    let full: Vec<FileScan> = files
        .iter()
        .map(|(_, b)| scan_with(b, Engine::Full))
        .collect();
    let t_full = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let fast: Vec<FileScan> = files
        .iter()
        .map(|(_, b)| scan_with(b, Engine::Fast))
        .collect();
    let t_fast = t.elapsed().as_secs_f64();
    let (mut same, mut differ, mut unparsable) = (0, 0, 0);
    for (((path, _), a), b) in files.iter().zip(&full).zip(&fast) {
        if a.failure.is_some() {
            unparsable += 1;
            continue;
        }
        let (ka, kb) = (key(a), key(b));
        if ka == kb
            && a.names == b.names
            && a.cfg_names == b.cfg_names
            && a.use_names == b.use_names
        {
            same += 1;
            continue;
        }
        differ += 1;
        println!("differs: {}", path.display());
        let (sa, sb): (BTreeSet<_>, BTreeSet<_>) = (ka.0.iter().collect(), kb.0.iter().collect());
        for x in sa.difference(&sb).take(5) {
            println!("  full only: {x}");
        }
        for x in sb.difference(&sa).take(5) {
            println!("  fast only: {x}");
        }
        if ka.1 != kb.1 {
            println!("  mod declarations differ");
        }
        if a.names != b.names || a.cfg_names != b.cfg_names || a.use_names != b.use_names {
            println!("  names differ");
        }
    }
    println!(
        "files: {} ({:.1} MB); identical: {same}; different: {differ}; syn cannot parse: {unparsable}",
        files.len(),
        bytes as f64 / 1e6
    );
    println!(
        "one thread: full parse {t_full:.2} s, fast {t_fast:.2} s ({:.1}x)",
        t_full / t_fast.max(1e-9)
    );
}
