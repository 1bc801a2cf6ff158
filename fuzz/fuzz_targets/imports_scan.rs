//! pimports' reading of one `.rs` file, both engines: the fast engine's
//! lexer and token walk (`Engine::Fast`) and syn's full parse with its
//! token-level and line-level fallbacks (`Engine::Full`), on arbitrary
//! bytes (run it with `-dict=dicts/rust.dict` to reach real syntax).
//!
//! Properties, besides "no panic, no overflow, no stack overflow on the
//! tool's 256 MiB parsing stack": see `common::imports::check` (site
//! positions inside the file; both engines agree when syn parses the file;
//! findings, not crashes).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let (full, fast) = common::imports::scan_both(input);
    common::imports::check("imports_scan", input, input, &full, &fast);
});
