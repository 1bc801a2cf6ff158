//! When a file cannot be read item by item: syn rejects it, or it nests
//! too deep for anything to recurse on it. Its sites are then found at the
//! token level (see [`super::free`]) or, when even the tokenizer fails or
//! the file is too deep, from the `use` items that start a line. Either way
//! the result is partial, and the dispatch in [`super`] says so.

use proc_macro2::TokenStream;

use super::free::{token_sites, use_statements};
use super::nesting;
use super::site::{Cfg, FileScan, RawSite, SiteKind, pos};
use super::use_tree;

/// When syn cannot parse the file: token-level scan if the tokenizer can,
/// else line by line. Partial either way.
pub(super) fn fallback(text: &str) -> FileScan {
    let mut scan = FileScan::default();
    scan.names.entry(0).or_default();
    match text.parse::<TokenStream>() {
        Ok(tokens) => {
            let mut found = Vec::new();
            use_statements(tokens.clone(), &mut found);
            let uses = found.len();
            found = token_sites(tokens);
            for (i, (path, span)) in found.into_iter().enumerate() {
                let (line, column) = pos(span);
                scan.sites.push(RawSite {
                    kind: if i < uses {
                        SiteKind::Use
                    } else {
                        SiteKind::Path
                    },
                    path,
                    alias: None,
                    macro_use: false,
                    line,
                    column,
                    scope: 0,
                    cfg: Cfg::default(),
                });
            }
        }
        Err(_) => scan = line_fallback(text),
    }
    scan
}

/// `use` items that start a line, each given to syn alone (a line that
/// nests too deep is skipped).
pub(super) fn line_fallback(text: &str) -> FileScan {
    let mut scan = FileScan::default();
    scan.names.entry(0).or_default();
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let body = t
            .strip_prefix("pub use ")
            .or_else(|| t.strip_prefix("use "));
        if let Some(body) = body {
            let stmt = format!("use {}", body.trim_end());
            if nesting::too_deep(&stmt).is_some() {
                continue;
            }
            if let Ok(item) = syn::parse_str::<syn::ItemUse>(&stmt) {
                let column = line.len() - t.len() + 1;
                use_tree::flatten(&item.tree, item.leading_colon.is_some(), &mut |leaf| {
                    scan.sites.push(RawSite {
                        kind: SiteKind::Use,
                        path: leaf.path,
                        alias: leaf.alias,
                        macro_use: false,
                        line: n + 1,
                        column,
                        scope: 0,
                        cfg: Cfg::default(),
                    });
                });
            }
        }
    }
    scan
}
