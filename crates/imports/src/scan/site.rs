//! What a scan returns: the sites of one file ([`RawSite`], [`SiteKind`],
//! [`Cfg`]), its `mod` declarations, inline module scopes and names
//! ([`FileScan`]), and two rules the readers share: a span's position as a
//! site records it ([`pos`]) and whether a path in code can start with a
//! crate's name ([`could_name_a_crate`]).
//!
//! A leaf: [`super`] re-exports the types, the other rooms build them, and
//! this module uses no other part of the scan.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::Span;
use serde::Serialize;

/// What kind of construct a site is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// `use` (not `pub`).
    Use,
    /// `pub use` (any visibility other than private): a re-export.
    PubUse,
    /// `extern crate x [as y];`
    ExternCrate,
    /// A path of two or more segments in code (`serde_json::to_string`).
    Path,
    /// A path in an attribute or derive (`#[derive(serde::Serialize)]`).
    Attribute,
    /// A macro path or a `a::b` sequence inside a macro's tokens.
    Macro,
    /// A path in a Rust code block of a doc comment.
    DocTest,
}

/// The `cfg` context of a site: what must be enabled for it to exist.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Cfg {
    /// Under `#[cfg(test)]` (only compiled for tests).
    pub test: bool,
    /// Features named by enclosing `#[cfg(feature = "..")]`.
    pub features: Vec<String>,
    /// Some other condition (`unix`, `not(test)`, ...).
    pub other: bool,
}

/// One import site as written in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RawSite {
    pub kind: SiteKind,
    /// The full path, flattened (`std::io::{self, Read}` gives `std::io`
    /// and `std::io::Read`); a glob ends in `*`; a leading `::` is kept.
    pub path: String,
    /// `as` name, for renames and `extern crate .. as ..`.
    pub alias: Option<String>,
    /// `#[macro_use] extern crate`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub macro_use: bool,
    pub line: usize,
    pub column: usize,
    /// The inline module the site is in, an index into
    /// [`FileScan::scopes`] (0: the file's own module; see
    /// [`FileScan::scope_path`], `tests` for a site in `mod tests { .. }`).
    #[serde(skip)]
    pub scope: ScopeId,
    pub cfg: Cfg,
}

/// An inline module scope of a file: an index into [`FileScan::scopes`].
/// Scopes are interned (parent, name) pairs, so that each costs the same
/// whatever its depth: keyed by their whole path, 10,000 nested `mod a {`
/// took 2.8 GB.
pub type ScopeId = u32;

/// `mod name;` (a module in another file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModDecl {
    pub scope: Vec<String>,
    pub name: String,
    /// `#[path = ".."]`.
    pub path_attr: Option<String>,
    pub cfg: Cfg,
}

/// A parse failure, with syn's position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParseFailure {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Everything read from one file.
#[derive(Clone, Debug, Default)]
pub struct FileScan {
    pub sites: Vec<RawSite>,
    pub mods: Vec<ModDecl>,
    /// The inline module scopes: entry `i` is scope `i`'s parent and name;
    /// entry 0 (the file's own module) has no name. Empty means only 0.
    pub scopes: Vec<(ScopeId, String)>,
    /// Names declared in each (inline) module scope of the file by items
    /// of the type namespace (modules, types, traits). A path starting with
    /// one of them is local, even if a crate has the same name.
    pub names: BTreeMap<ScopeId, BTreeSet<String>>,
    /// Names declared only under a `cfg` (`#[cfg(not(feature = "log"))]
    /// mod log`), with the cfg of each declaration. A path starting with
    /// one of them is local where that cfg holds; under another cfg
    /// (`#[cfg(feature = "log")] pub use log;`) it may name the crate.
    pub cfg_names: BTreeMap<ScopeId, BTreeMap<String, Vec<Cfg>>>,
    /// Names brought into each scope by `use` and `extern crate`. A path in
    /// code starting with one of them goes through that import (already a
    /// site of its own); a `use` path does not resolve through them.
    pub use_names: BTreeMap<ScopeId, BTreeSet<String>>,
    /// Set when syn failed and a coarser scan was used.
    pub partial: bool,
    pub failure: Option<ParseFailure>,
    /// Set when the file nests deeper than [`super::nesting::MAX_NESTING`]: an
    /// error of this file (`failure` says where); only its `use` lines
    /// were read.
    pub too_deep: bool,
    /// Set when the file is not UTF-8 (it was read lossily).
    pub not_utf8: bool,
    pub bytes: u64,
    /// Whether any site is test code (`#[cfg(test)]`, a doc test), counted
    /// when the file is read, before [`FileScan::prune`] drops any.
    pub test_code: bool,
}

/// Which sites a run needs kept (see [`FileScan::prune`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    All,
    /// `use`, `pub use` and `extern crate`: the inventory's lines.
    Imports,
    /// Sites that can name another crate: not those starting with
    /// `crate`, `self`, `super`, `$crate` or a standard library crate.
    External,
}

/// The names of the inline modules from the file's module down to `id`.
pub fn scope_path(scopes: &[(ScopeId, String)], mut id: ScopeId) -> Vec<String> {
    let mut out = Vec::new();
    while id != 0 {
        let Some((parent, name)) = scopes.get(id as usize) else {
            break;
        };
        out.push(name.clone());
        id = *parent;
    }
    out.reverse();
    out
}

impl FileScan {
    /// Drop the sites a run does not need, as soon as the file is read: a
    /// run held every site of every file until its report (830,000 on the
    /// crates corpus, most of its memory).
    pub fn prune(&mut self, keep: Keep) {
        match keep {
            Keep::All => return,
            Keep::Imports => self.sites.retain(|s| {
                matches!(
                    s.kind,
                    SiteKind::Use | SiteKind::PubUse | SiteKind::ExternCrate
                )
            }),
            Keep::External => self.sites.retain(|s| {
                s.kind == SiteKind::ExternCrate || {
                    let first = s.path.trim_start_matches("::").split("::").next();
                    !matches!(
                        first,
                        Some(
                            "crate"
                                | "self"
                                | "super"
                                | "$crate"
                                | "std"
                                | "core"
                                | "alloc"
                                | "proc_macro"
                                | "test"
                        )
                    )
                }
            }),
        }
        self.sites.shrink_to_fit();
    }

    /// The inline modules from the file's module down to scope `id`.
    pub fn scope_path(&self, id: ScopeId) -> Vec<String> {
        scope_path(&self.scopes, id)
    }
}

/// A span's position in the file as sites record it: 1-based line and
/// column.
pub(super) fn pos(span: Span) -> (usize, usize) {
    let s = span.start();
    (s.line, s.column + 1)
}

/// Whether a path's first segment could be a crate or module name: not a
/// type (`Self`, `Vec`, `Ordering`: upper case by convention) nor a
/// primitive (`u8::MAX`, `str::from_utf8`). Paths in code that start with
/// those are associated items, never imports.
pub(super) fn could_name_a_crate(first: &str) -> bool {
    !first.starts_with(|c: char| c.is_uppercase())
        && !matches!(
            first,
            "u8" | "u16"
                | "u32"
                | "u64"
                | "u128"
                | "usize"
                | "i8"
                | "i16"
                | "i32"
                | "i64"
                | "i128"
                | "isize"
                | "f32"
                | "f64"
                | "bool"
                | "char"
                | "str"
        )
}
