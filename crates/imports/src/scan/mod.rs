//! Reading one `.rs` file: every import-bearing construct, with its position
//! and the `cfg` context it sits in. Syntax-exact: it reads Rust's tokens and
//! syn's grammar, so nothing inside a comment or a string literal (outside
//! doc tests and attribute arguments that name paths) is ever taken for an
//! import.
//!
//! This runs inside a worker of the parallel map and returns only owned
//! data. A file syn cannot parse is reported with syn's message and position
//! and scanned again at the token level (or, if even the tokenizer fails,
//! line by line), with the result marked partial.
//!
//! This module is the dispatch ([`scan_with`]): the file's depth first
//! ([`nesting`], on `lex`'s tokens or else proc-macro2's), then the engine
//! asked for, then the fallback. The rooms below it:
//!
//! * `site`: what a scan returns ([`FileScan`], [`RawSite`], ...),
//!   re-exported here;
//! * `fast`: the default engine, a walk of the flat tokens that gives syn
//!   only `use` items, `extern crate`s and attributes;
//! * `full`: syn's full parse and its visitor (`--full-parse`, the
//!   reference);
//! * `collect`: the site collector both engines fill, and its reading of
//!   attributes, `cfg`s, `use` trees and `mod` declarations;
//! * `use_tree`: the one flattener of `use` trees;
//! * `free`: the paths in free tokens (macro bodies, doc tests, partial
//!   scans), on proc-macro2's token trees or on the flat tokens;
//! * `doctest`: the code blocks of doc comments;
//! * `fallback`: the token-level and line-by-line scans;
//! * `lex` and `level`: the flat tokens and how to read them a level at a
//!   time; [`nesting`]: the depth estimate.
//!
//! The dependencies run one way, down: this module -> `fast`, `full`,
//! `fallback` -> `collect` -> `doctest` -> `free` -> `use_tree`, `level` ->
//! `lex`, with `site` and `nesting` used from several levels. No room uses
//! the dispatch, an engine, or a room above it (`pimports --cycles` checks
//! this on our own workspace).

use proc_macro2::TokenStream;

mod cfg;
mod collect;
mod doctest;
mod fallback;
mod fast;
mod free;
mod full;
mod level;
mod lex;
pub mod nesting;
mod site;
#[cfg(test)]
mod tests;
mod use_tree;

pub use site::{
    Cfg, FileScan, Keep, ModDecl, ParseFailure, RawSite, ScopeId, SiteKind, scope_path,
};

/// How a file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// syn's full parse of the file (the reference).
    Full,
    /// The token walk of `scan/fast.rs`, handing syn only `use`, `extern crate`
    /// and attributes. Falls back to the full parse when the file does not
    /// tokenize.
    Fast,
}

/// Scan a file's bytes with the full parse.
pub fn scan(bytes: &[u8]) -> FileScan {
    scan_with(bytes, Engine::Full)
}

/// Scan a file's bytes with the given engine.
pub fn scan_with(bytes: &[u8], engine: Engine) -> FileScan {
    let mut scan = scan_engine(bytes, engine);
    scan.test_code = scan
        .sites
        .iter()
        .any(|s| s.cfg.test || s.kind == SiteKind::DocTest);
    scan
}

fn scan_engine(bytes: &[u8], engine: Engine) -> FileScan {
    let (text, not_utf8) = match std::str::from_utf8(bytes) {
        Ok(t) => (std::borrow::Cow::Borrowed(t), false),
        Err(_) => (String::from_utf8_lossy(bytes), true),
    };
    // Nothing recurses on the file before its depth is known.
    let lexed = lex::lex(&text).ok();
    let deep = match &lexed {
        Some(t) => nesting::too_deep_toks(t).map(|i| {
            let (line, col) = t.line_col(t.toks[i].start as usize);
            (line, col + 1)
        }),
        None => text
            .parse::<TokenStream>()
            .ok()
            .and_then(nesting::too_deep_stream),
    };
    if let Some((line, column)) = deep {
        let mut scan = fallback::line_fallback(&text);
        scan.failure = Some(too_deep_failure(line, column, false));
        scan.too_deep = true;
        scan.partial = true;
        scan.not_utf8 = not_utf8;
        scan.bytes = bytes.len() as u64;
        return scan;
    }
    if engine == Engine::Fast
        && let Some(t) = &lexed
        && let Some(v) = fast::scan(t)
    {
        let mut out = collected(v);
        out.not_utf8 = not_utf8;
        out.partial |= not_utf8;
        out.bytes = bytes.len() as u64;
        return out;
    }
    let mut out = match syn::parse_file(&text) {
        Ok(file) => collected(full::scan(&file)),
        Err(err) => {
            let start = err.span().start();
            let mut scan = fallback::fallback(&text);
            scan.failure = Some(ParseFailure {
                message: err.to_string(),
                line: start.line,
                column: start.column + 1,
            });
            scan.partial = true;
            scan
        }
    };
    out.not_utf8 = not_utf8;
    out.partial |= not_utf8;
    out.bytes = bytes.len() as u64;
    out
}

/// A file's scan from what an engine collected; a doc test nested too
/// deep to read makes it partial.
fn collected(v: collect::Collector) -> FileScan {
    let mut out = FileScan {
        sites: v.sites,
        mods: v.mods,
        scopes: v.scopes,
        names: v.names,
        cfg_names: v.cfg_names,
        use_names: v.use_names,
        ..FileScan::default()
    };
    if let Some((line, column)) = v.deep {
        out.failure = Some(too_deep_failure(line, column, true));
        out.too_deep = true;
        out.partial = true;
    }
    out
}

/// The failure of a file that nests too deep: the whole file (only its
/// `use` lines read), or a doc test in it (skipped).
fn too_deep_failure(line: usize, column: usize, doc_test: bool) -> ParseFailure {
    ParseFailure {
        message: format!(
            "{} more than {} levels deep (brackets, generics, prefix operators); {}",
            if doc_test {
                "a doc test nested"
            } else {
                "nested"
            },
            nesting::MAX_NESTING,
            if doc_test {
                "it was skipped"
            } else {
                "only the file's `use` lines were read"
            }
        ),
        line,
        column,
    }
}
