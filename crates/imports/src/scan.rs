//! Reading one `.rs` file: every import-bearing construct, with its position
//! and the `cfg` context it sits in. Syntax-exact: it walks syn's tree, so
//! nothing inside a comment or a string literal (outside doc tests and
//! attribute arguments that name paths) is ever taken for an import.
//!
//! This runs inside a worker of the parallel map and returns only owned
//! data. A file syn cannot parse is reported with syn's message and position
//! and scanned again at the token level (or, if even the tokenizer fails,
//! line by line), with the result marked partial.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use serde::Serialize;
use syn::visit::Visit;

mod fast;
mod lex;
pub mod nesting;

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
    /// Names brought into each scope by `use` and `extern crate`. A path in
    /// code starting with one of them goes through that import (already a
    /// site of its own); a `use` path does not resolve through them.
    pub use_names: BTreeMap<ScopeId, BTreeSet<String>>,
    /// Set when syn failed and a coarser scan was used.
    pub partial: bool,
    pub failure: Option<ParseFailure>,
    /// Set when the file nests deeper than [`nesting::MAX_NESTING`]: an
    /// error of this file (`failure` says where); only its `use` lines
    /// were read.
    pub too_deep: bool,
    /// Set when the file is not UTF-8 (it was read lossily).
    pub not_utf8: bool,
    pub bytes: u64,
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
    /// The inline modules from the file's module down to scope `id`.
    pub fn scope_path(&self, id: ScopeId) -> Vec<String> {
        scope_path(&self.scopes, id)
    }
}

/// How a file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// syn's full parse of the file (the reference).
    Full,
    /// The token walk of [`fast`], handing syn only `use`, `extern crate`
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
        let mut scan = line_fallback(&text);
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
        let mut out = FileScan {
            sites: v.sites,
            mods: v.mods,
            scopes: v.scopes,
            names: v.names,
            use_names: v.use_names,
            partial: not_utf8,
            not_utf8,
            bytes: bytes.len() as u64,
            failure: None,
            too_deep: false,
        };
        if let Some((line, column)) = v.deep {
            out.failure = Some(too_deep_failure(line, column, true));
            out.too_deep = true;
            out.partial = true;
        }
        return out;
    }
    let mut out = match syn::parse_file(&text) {
        Ok(file) => {
            let mut v = Visitor::default();
            v.names.entry(0).or_default();
            for attr in &file.attrs {
                v.attribute(attr);
            }
            for item in &file.items {
                v.visit_item(item);
            }
            v.docs_flush();
            let deep = v.deep;
            let mut out = FileScan {
                sites: v.sites,
                mods: v.mods,
                scopes: v.scopes,
                names: v.names,
                use_names: v.use_names,
                ..FileScan::default()
            };
            if let Some((line, column)) = deep {
                out.failure = Some(too_deep_failure(line, column, true));
                out.too_deep = true;
                out.partial = true;
            }
            out
        }
        Err(err) => {
            let start = err.span().start();
            let mut scan = fallback(&text);
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

#[derive(Default)]
struct Visitor {
    sites: Vec<RawSite>,
    mods: Vec<ModDecl>,
    names: BTreeMap<ScopeId, BTreeSet<String>>,
    use_names: BTreeMap<ScopeId, BTreeSet<String>>,
    /// The current scope, and all of them (see [`FileScan::scopes`]).
    scope: ScopeId,
    scopes: Vec<(ScopeId, String)>,
    scope_ids: HashMap<(ScopeId, String), ScopeId>,
    cfg: Vec<Cfg>,
    /// Doc text gathered since the last flush, with the line it starts on.
    docs: Vec<(String, usize)>,
    /// Where a doc test nested too deep to be read (the first one).
    deep: Option<(usize, usize)>,
    /// Where the text syn parsed starts in the file, when the fast engine
    /// gave syn one item rather than the file: (lines before it, column of
    /// its first character). Spans are relative to that text.
    base: (usize, usize),
}

fn pos(span: Span) -> (usize, usize) {
    let s = span.start();
    (s.line, s.column + 1)
}

fn path_string(path: &syn::Path) -> String {
    let mut s = String::new();
    if path.leading_colon.is_some() {
        s.push_str("::");
    }
    for (i, seg) in path.segments.iter().enumerate() {
        if i > 0 {
            s.push_str("::");
        }
        s.push_str(&seg.ident.to_string());
    }
    s
}

impl Visitor {
    fn current_cfg(&self) -> Cfg {
        self.cfg.last().cloned().unwrap_or_default()
    }

    /// Enter the inline module `name` of the current scope.
    fn push_scope(&mut self, name: String) {
        if self.scopes.is_empty() {
            self.scopes.push((0, String::new()));
        }
        let next = self.scopes.len() as ScopeId;
        let parent = self.scope;
        self.scope = *self.scope_ids.entry((parent, name.clone())).or_insert(next);
        if self.scope == next {
            self.scopes.push((parent, name));
        }
        self.names.entry(self.scope).or_default();
    }

    fn pop_scope(&mut self) {
        self.scope = self.scopes.get(self.scope as usize).map_or(0, |s| s.0);
    }

    fn scope_path(&self) -> Vec<String> {
        scope_path(&self.scopes, self.scope)
    }

    fn name(&mut self, name: String) {
        self.names.entry(self.scope).or_default().insert(name);
    }

    fn use_name(&mut self, name: String) {
        self.use_names.entry(self.scope).or_default().insert(name);
    }

    /// A span's position in the file (1-based line and column).
    fn pos(&self, span: Span) -> (usize, usize) {
        let (line, column) = pos(span);
        if line == 1 {
            (line + self.base.0, column + self.base.1)
        } else {
            (line + self.base.0, column)
        }
    }

    fn site(&mut self, kind: SiteKind, path: String, alias: Option<String>, span: Span) {
        let (line, column) = self.pos(span);
        self.site_at(kind, path, alias, line, column);
    }

    fn site_at(
        &mut self,
        kind: SiteKind,
        path: String,
        alias: Option<String>,
        line: usize,
        column: usize,
    ) {
        let cfg = self.current_cfg();
        self.sites.push(RawSite {
            kind,
            path,
            alias,
            macro_use: false,
            line,
            column,
            scope: self.scope,
            cfg,
        });
    }

    /// Enter an item's attributes: its cfg context and its attribute and
    /// doc sites. Returns whether a cfg frame was pushed.
    fn enter(&mut self, attrs: &[syn::Attribute]) -> bool {
        for a in attrs {
            self.attribute(a);
        }
        self.cfg_frame(attrs.iter())
    }

    /// Push the cfg context that `attrs` add, if any; returns whether a
    /// frame was pushed (for [`Visitor::leave`]).
    fn cfg_frame<'a>(&mut self, attrs: impl Iterator<Item = &'a syn::Attribute>) -> bool {
        let mut cfg = self.current_cfg();
        let mut changed = false;
        for a in attrs {
            if a.path().is_ident("cfg")
                && let syn::Meta::List(list) = &a.meta
            {
                apply_cfg(&mut cfg, list.tokens.clone());
                changed = true;
            }
        }
        if changed {
            self.cfg.push(cfg);
        }
        changed
    }

    fn leave(&mut self, pushed: bool) {
        if pushed {
            self.cfg.pop();
        }
    }

    fn attribute(&mut self, attr: &syn::Attribute) {
        let path = attr.path();
        if path.is_ident("doc") {
            if let syn::Meta::NameValue(nv) = &attr.meta
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &nv.value
            {
                self.docs.push((s.value(), self.pos(s.span()).0));
            }
            return;
        }
        self.docs_flush();
        if path.segments.len() > 1 || path.leading_colon.is_some() {
            self.site(
                SiteKind::Attribute,
                path_string(path),
                None,
                path.segments[0].ident.span(),
            );
        }
        if path.is_ident("cfg") {
            return;
        }
        if let syn::Meta::List(list) = &attr.meta {
            if path.is_ident("derive") {
                let parsed = list.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                );
                if let Ok(paths) = parsed {
                    for p in paths {
                        if p.segments.len() > 1 || p.leading_colon.is_some() {
                            self.site(
                                SiteKind::Attribute,
                                path_string(&p),
                                None,
                                p.segments[0].ident.span(),
                            );
                        }
                    }
                }
                return;
            }
            self.attr_tokens(list.tokens.clone());
        }
    }

    /// Paths inside attribute arguments: `a::b` token sequences, and string
    /// literals that are paths (`#[serde(with = "serde_with::rust::x")]`).
    fn attr_tokens(&mut self, tokens: TokenStream) {
        let mut found = Vec::new();
        token_paths(tokens.clone(), &mut found);
        for (path, span) in found {
            // Tool attributes (`#[allow(clippy::x)]`) name lints, not crates.
            if matches!(
                path.split("::").next(),
                Some("clippy" | "rustfmt" | "rustdoc")
            ) {
                continue;
            }
            self.site(SiteKind::Attribute, path, None, span);
        }
        for tt in tokens {
            match tt {
                TokenTree::Literal(lit) => {
                    let s = lit.to_string();
                    if let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"'))
                        && looks_like_path(inner)
                    {
                        self.site(SiteKind::Attribute, inner.to_string(), None, lit.span());
                    }
                }
                TokenTree::Group(g) => self.attr_string_paths(g.stream()),
                _ => {}
            }
        }
    }

    fn attr_string_paths(&mut self, tokens: TokenStream) {
        for tt in tokens {
            match tt {
                TokenTree::Literal(lit) => {
                    let s = lit.to_string();
                    if let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"'))
                        && looks_like_path(inner)
                    {
                        self.site(SiteKind::Attribute, inner.to_string(), None, lit.span());
                    }
                }
                TokenTree::Group(g) => self.attr_string_paths(g.stream()),
                _ => {}
            }
        }
    }

    /// Code blocks in the doc comments seen so far.
    fn docs_flush(&mut self) {
        if self.docs.is_empty() {
            return;
        }
        let docs = std::mem::take(&mut self.docs);
        let line0 = docs.first().map_or(1, |d| d.1);
        let text: String = docs.iter().map(|(s, _)| format!("{s}\n")).collect();
        for (code, offset) in doc_code_blocks(&text) {
            if let Some((line, column)) = nesting::too_deep(&code) {
                self.deep
                    .get_or_insert((line0 + offset + line.saturating_sub(1), column));
                continue;
            }
            // The flat lexer when it can (a tenth of the cost), else
            // proc-macro2's; both engines take the same path.
            let found = match fast::token_sites(&code) {
                Some(found) => found,
                None => {
                    let Ok(tokens) = code.parse::<TokenStream>() else {
                        continue;
                    };
                    token_sites(tokens)
                        .into_iter()
                        .map(|(p, span)| (p, span.start().line, span.start().column + 1))
                        .collect()
                }
            };
            let cfg = self.current_cfg();
            for (path, line, column) in found {
                self.sites.push(RawSite {
                    kind: SiteKind::DocTest,
                    path,
                    alias: None,
                    macro_use: false,
                    line: line0 + offset + line.saturating_sub(1),
                    column,
                    scope: self.scope,
                    cfg: cfg.clone(),
                });
            }
        }
    }

    fn use_tree(
        &mut self,
        tree: &syn::UseTree,
        prefix: &mut Vec<String>,
        kind: SiteKind,
        leading: bool,
    ) {
        let join = |prefix: &[String], last: Option<&str>| {
            let mut s = if leading {
                "::".to_string()
            } else {
                String::new()
            };
            let mut parts: Vec<&str> = prefix.iter().map(String::as_str).collect();
            if let Some(l) = last {
                parts.push(l);
            }
            s.push_str(&parts.join("::"));
            s
        };
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix, kind, leading);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let path = if name == "self" {
                    join(prefix, None)
                } else {
                    join(prefix, Some(&name))
                };
                let local = if name == "self" {
                    prefix.last().cloned().unwrap_or_default()
                } else {
                    name
                };
                self.use_name(local);
                self.site(kind, path, None, n.ident.span());
            }
            syn::UseTree::Rename(r) => {
                let name = r.ident.to_string();
                let path = if name == "self" {
                    join(prefix, None)
                } else {
                    join(prefix, Some(&name))
                };
                let alias = r.rename.to_string();
                if alias != "_" {
                    self.use_name(alias.clone());
                }
                self.site(kind, path, Some(alias), r.ident.span());
            }
            syn::UseTree::Glob(g) => {
                let path = join(prefix, Some("*"));
                self.site(kind, path, None, g.star_token.span);
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(t, prefix, kind, leading);
                }
            }
        }
    }
}

/// Whether a path's first segment could be a crate or module name: not a
/// type (`Self`, `Vec`, `Ordering`: upper case by convention) nor a
/// primitive (`u8::MAX`, `str::from_utf8`). Paths in code that start with
/// those are associated items, never imports.
fn could_name_a_crate(first: &str) -> bool {
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

fn looks_like_path(s: &str) -> bool {
    let parts: Vec<&str> = s.split("::").collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                && p.chars().all(|c| c.is_alphanumeric() || c == '_')
        })
}

/// `a::b(::c)*` sequences in a token stream, recursively through groups.
/// `$crate::..` is skipped (it names the macro's own crate).
fn token_paths(tokens: TokenStream, out: &mut Vec<(String, Span)>) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tts.len() {
        if let TokenTree::Group(g) = &tts[i] {
            token_paths(g.stream(), out);
            i += 1;
            continue;
        }
        // A path start: an ident (not preceded by `::` or `$`) followed by
        // `::` and another ident; or one after a leading `::` (`::itoa::x`,
        // not `a::b`, `<T>::c` or `$crate::d`).
        let after_colons = i >= 2 && is_colon_pair_end(&tts, i);
        let leading = after_colons
            && match tts.get(i.wrapping_sub(3)) {
                None => true,
                // `'static ::std::x`: proc-macro2 splits a lifetime into
                // `'` and an identifier.
                Some(TokenTree::Ident(_)) => matches!(
                    tts.get(i.wrapping_sub(4)),
                    Some(TokenTree::Punct(p)) if p.as_char() == '\''
                ),
                Some(TokenTree::Group(_)) => false,
                Some(TokenTree::Punct(p)) => {
                    p.as_char() != '>' || p.spacing() == proc_macro2::Spacing::Alone
                }
                Some(TokenTree::Literal(_)) => true,
            };
        let starts = matches!(&tts[i], TokenTree::Ident(_))
            && (!after_colons || leading)
            && !(i >= 1
                && matches!(&tts[i - 1], TokenTree::Punct(p) if p.as_char() == '$' || p.as_char() == '\''));
        if starts {
            let mut segs = vec![tts[i].to_string()];
            let span = tts[i].span();
            let mut j = i + 1;
            while is_colons(&tts, j) {
                match tts.get(j + 2) {
                    Some(TokenTree::Ident(id)) => {
                        segs.push(id.to_string());
                        j += 3;
                    }
                    _ => break,
                }
            }
            if segs.len() >= 2 || leading {
                let lead = if leading { "::" } else { "" };
                out.push((format!("{lead}{}", segs.join("::")), span));
                i = j;
                continue;
            }
        }
        i += 1;
    }
}

fn is_colons(tts: &[TokenTree], j: usize) -> bool {
    matches!((tts.get(j), tts.get(j + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':' && a.spacing() == proc_macro2::Spacing::Joint)
}

fn is_colon_pair_end(tts: &[TokenTree], i: usize) -> bool {
    i >= 2 && is_colons(tts, i - 2)
}

/// Paths in free tokens (doc tests, macro bodies, partial scans): the
/// flattened `use` statements, then `a::b` sequences not already found as
/// one of those.
fn token_sites(tokens: TokenStream) -> Vec<(String, Span)> {
    let mut found = Vec::new();
    use_statements(tokens.clone(), &mut found);
    let uses: BTreeSet<String> = found.iter().map(|(p, _)| p.clone()).collect();
    let mut paths = Vec::new();
    token_paths(tokens, &mut paths);
    found.extend(paths.into_iter().filter(|(p, _)| !uses.contains(p)));
    found
}

/// `use a::b::{c, d};` statements in a token stream (doc tests, partial
/// scans), flattened.
fn use_statements(tokens: TokenStream, out: &mut Vec<(String, Span)>) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tts.len() {
        if matches!(&tts[i], TokenTree::Ident(id) if id == "use") {
            let mut j = i + 1;
            while j < tts.len() && !matches!(&tts[j], TokenTree::Punct(p) if p.as_char() == ';') {
                j += 1;
            }
            let stmt: TokenStream = tts[i..(j + 1).min(tts.len())].iter().cloned().collect();
            if let Ok(item) = syn::parse2::<syn::ItemUse>(stmt) {
                let mut v = Visitor::default();
                v.use_tree(
                    &item.tree,
                    &mut Vec::new(),
                    SiteKind::Use,
                    item.leading_colon.is_some(),
                );
                for s in v.sites {
                    out.push((s.path, tts[i].span()));
                }
            }
            i = j + 1;
            continue;
        }
        if let TokenTree::Group(g) = &tts[i]
            && g.delimiter() == Delimiter::Brace
        {
            use_statements(g.stream(), out);
        }
        i += 1;
    }
}

/// The Rust code blocks of a doc comment, with the line (0-based, within
/// the doc text) where each starts. Hidden lines (`# foo`) are kept.
fn doc_code_blocks(doc: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut in_block: Option<(String, usize, bool)> = None;
    for (n, line) in doc.lines().enumerate() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("```") {
            match in_block.take() {
                Some((code, start, rust)) => {
                    if rust {
                        out.push((code, start));
                    }
                }
                None => {
                    let info = rest.trim();
                    let rust = info.is_empty()
                        || info.split(',').map(str::trim).all(|w| {
                            matches!(
                                w,
                                "rust"
                                    | "no_run"
                                    | "should_panic"
                                    | "ignore"
                                    | "compile_fail"
                                    | "edition2015"
                                    | "edition2018"
                                    | "edition2021"
                                    | "edition2024"
                            ) || w.is_empty()
                        });
                    in_block = Some((String::new(), n + 1, rust));
                }
            }
            continue;
        }
        if let Some((code, _, _)) = in_block.as_mut() {
            let l = t
                .strip_prefix("# ")
                .or_else(|| (t == "#").then_some(""))
                .unwrap_or(line);
            code.push_str(l);
            code.push('\n');
        }
    }
    out
}

fn apply_cfg(cfg: &mut Cfg, tokens: TokenStream) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tts.len() {
        match &tts[i] {
            TokenTree::Ident(id) if id == "test" => cfg.test = true,
            TokenTree::Ident(id) if id == "feature" => {
                if let (Some(TokenTree::Punct(p)), Some(TokenTree::Literal(l))) =
                    (tts.get(i + 1), tts.get(i + 2))
                    && p.as_char() == '='
                {
                    cfg.features
                        .push(l.to_string().trim_matches('"').to_string());
                    i += 3;
                    continue;
                }
                cfg.other = true;
            }
            TokenTree::Ident(id) if id == "not" => {
                // `not(..)` inverts: whatever is inside is "some other
                // condition", never a requirement.
                cfg.other = true;
                i += 2;
                continue;
            }
            TokenTree::Ident(id) if id == "all" || id == "any" => {}
            TokenTree::Ident(_) => cfg.other = true,
            TokenTree::Group(g) => apply_cfg(cfg, g.stream()),
            _ => {}
        }
        i += 1;
    }
}

impl<'ast> Visit<'ast> for Visitor {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::ExternCrate(i) => &i.attrs,
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::ForeignMod(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::TraitAlias(i) => &i.attrs,
            syn::Item::Type(i) => &i.attrs,
            syn::Item::Union(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            _ => &[],
        };
        let pushed = self.enter(attrs);
        self.docs_flush();
        match item {
            syn::Item::Use(u) => {
                self.visit_visibility(&u.vis);
                let kind = if matches!(u.vis, syn::Visibility::Inherited) {
                    SiteKind::Use
                } else {
                    SiteKind::PubUse
                };
                self.use_tree(&u.tree, &mut Vec::new(), kind, u.leading_colon.is_some());
            }
            syn::Item::ExternCrate(e) => {
                let name = e.ident.to_string();
                let alias = e.rename.as_ref().map(|(_, id)| id.to_string());
                self.use_name(alias.clone().unwrap_or_else(|| name.clone()));
                self.site(SiteKind::ExternCrate, name, alias, e.ident.span());
                if let Some(s) = self.sites.last_mut() {
                    s.macro_use = u_macro_use(&e.attrs);
                }
            }
            syn::Item::Mod(m) => {
                self.visit_visibility(&m.vis);
                let name = m.ident.to_string();
                self.name(name.clone());
                match &m.content {
                    Some((_, items)) => {
                        self.push_scope(name);
                        for it in items {
                            self.visit_item(it);
                        }
                        self.docs_flush();
                        self.pop_scope();
                    }
                    None => self.mod_decl(name, &m.attrs),
                }
            }
            other => {
                // Only the type namespace can shadow a crate in a path
                // (`x::y` needs a module, type or crate `x`): functions,
                // constants, statics and macros of the same name do not.
                match other {
                    syn::Item::Enum(i) => self.name(i.ident.to_string()),
                    syn::Item::Struct(i) => self.name(i.ident.to_string()),
                    syn::Item::Trait(i) => self.name(i.ident.to_string()),
                    syn::Item::TraitAlias(i) => self.name(i.ident.to_string()),
                    syn::Item::Type(i) => self.name(i.ident.to_string()),
                    syn::Item::Union(i) => self.name(i.ident.to_string()),
                    _ => {}
                }
                syn::visit::visit_item(self, other);
            }
        }
        self.leave(pushed);
    }

    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {
        // Handled by `enter` for items; inner attributes of expressions and
        // fields come here too.
    }

    fn visit_field(&mut self, f: &'ast syn::Field) {
        for a in &f.attrs {
            self.attribute(a);
        }
        syn::visit::visit_field(self, f);
    }

    fn visit_variant(&mut self, v: &'ast syn::Variant) {
        for a in &v.attrs {
            self.attribute(a);
        }
        syn::visit::visit_variant(self, v);
    }

    fn visit_impl_item(&mut self, i: &'ast syn::ImplItem) {
        let attrs: &[syn::Attribute] = match i {
            syn::ImplItem::Const(c) => &c.attrs,
            syn::ImplItem::Fn(f) => &f.attrs,
            syn::ImplItem::Type(t) => &t.attrs,
            syn::ImplItem::Macro(m) => &m.attrs,
            _ => &[],
        };
        self.scoped(attrs, |v| syn::visit::visit_impl_item(v, i));
    }

    fn visit_trait_item(&mut self, i: &'ast syn::TraitItem) {
        let attrs: &[syn::Attribute] = match i {
            syn::TraitItem::Const(c) => &c.attrs,
            syn::TraitItem::Fn(f) => &f.attrs,
            syn::TraitItem::Type(t) => &t.attrs,
            syn::TraitItem::Macro(m) => &m.attrs,
            _ => &[],
        };
        self.scoped(attrs, |v| syn::visit::visit_trait_item(v, i));
    }

    fn visit_foreign_item(&mut self, i: &'ast syn::ForeignItem) {
        let attrs: &[syn::Attribute] = match i {
            syn::ForeignItem::Fn(f) => &f.attrs,
            syn::ForeignItem::Static(s) => &s.attrs,
            syn::ForeignItem::Type(t) => &t.attrs,
            syn::ForeignItem::Macro(m) => &m.attrs,
            _ => &[],
        };
        self.scoped(attrs, |v| syn::visit::visit_foreign_item(v, i));
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        // Items inside blocks (`fn f() { use x::y; }`) come through
        // visit_item via the default walk.
        if let syn::Stmt::Local(l) = s {
            let pushed = self.enter(&l.attrs);
            syn::visit::visit_local(self, l);
            self.leave(pushed);
            return;
        }
        // A macro statement's attributes (`#[cfg(x)] trace!(..);`) apply
        // to it like an item's.
        if let syn::Stmt::Macro(m) = s {
            let pushed = self.enter(&m.attrs);
            self.visit_macro(&m.mac);
            self.leave(pushed);
            return;
        }
        syn::visit::visit_stmt(self, s);
    }

    fn visit_expr_path(&mut self, e: &'ast syn::ExprPath) {
        self.qualified(e.qself.as_ref(), &e.path);
    }

    fn visit_type_path(&mut self, t: &'ast syn::TypePath) {
        self.qualified(t.qself.as_ref(), &t.path);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if (p.segments.len() > 1 || p.leading_colon.is_some())
            && could_name_a_crate(&p.segments[0].ident.to_string())
        {
            self.site(
                SiteKind::Path,
                path_string(p),
                None,
                p.segments[0].ident.span(),
            );
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let p = &m.path;
        if p.segments.len() > 1 || p.leading_colon.is_some() {
            self.site(
                SiteKind::Macro,
                path_string(p),
                None,
                p.segments[0].ident.span(),
            );
        }
        for (path, span) in token_sites(m.tokens.clone()) {
            self.site(SiteKind::Macro, path, None, span);
        }
    }
}

impl Visitor {
    /// Visit something under its attributes: their sites and docs, and
    /// their cfg context for what `walk` finds inside.
    fn scoped(&mut self, attrs: &[syn::Attribute], walk: impl FnOnce(&mut Self)) {
        let pushed = self.enter(attrs);
        self.docs_flush();
        walk(self);
        self.leave(pushed);
    }

    /// `mod name;`: a module in another file, with its `#[path]` and cfg.
    fn mod_decl(&mut self, name: String, attrs: &[syn::Attribute]) {
        let path_attr = attrs
            .iter()
            .find(|a| a.path().is_ident("path"))
            .and_then(|a| match &a.meta {
                syn::Meta::NameValue(syn::MetaNameValue {
                    value:
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }),
                    ..
                }) => Some(s.value()),
                _ => None,
            });
        let cfg = self.current_cfg();
        self.mods.push(ModDecl {
            scope: self.scope_path(),
            name,
            path_attr,
            cfg,
        });
    }

    /// `<T as a::Trait>::item`: syn keeps the trait's segments and the
    /// item's in one path, with a leading `::` when there is no trait. The
    /// site is the trait's path (a path of its own in the source); `T` is
    /// visited as the type it is.
    fn qualified(&mut self, qself: Option<&syn::QSelf>, path: &syn::Path) {
        let Some(q) = qself else {
            self.visit_path(path);
            return;
        };
        self.visit_type(&q.ty);
        let trait_segs: Vec<&syn::PathSegment> = path.segments.iter().take(q.position).collect();
        if trait_segs.len() > 1 || (path.leading_colon.is_some() && !trait_segs.is_empty()) {
            let first = trait_segs[0].ident.to_string();
            if could_name_a_crate(&first) {
                let mut s = if path.leading_colon.is_some() {
                    "::".to_string()
                } else {
                    String::new()
                };
                s.push_str(
                    &trait_segs
                        .iter()
                        .map(|seg| seg.ident.to_string())
                        .collect::<Vec<_>>()
                        .join("::"),
                );
                self.site(SiteKind::Path, s, None, trait_segs[0].ident.span());
            }
        }
        for seg in &path.segments {
            syn::visit::visit_path_arguments(self, &seg.arguments);
        }
    }
}

fn u_macro_use(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("macro_use"))
}

/// When syn cannot parse the file: token-level scan if the tokenizer can,
/// else line by line. Partial either way.
fn fallback(text: &str) -> FileScan {
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

/// `use` items that start a line, each given to syn alone (a line that
/// nests too deep is skipped).
fn line_fallback(text: &str) -> FileScan {
    let mut scan = FileScan::default();
    scan.names.entry(0).or_default();
    {
        {
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
                        let mut v = Visitor::default();
                        v.use_tree(
                            &item.tree,
                            &mut Vec::new(),
                            SiteKind::Use,
                            item.leading_colon.is_some(),
                        );
                        for mut s in v.sites {
                            s.line = n + 1;
                            s.column = line.len() - t.len() + 1;
                            scan.sites.push(s);
                        }
                    }
                }
            }
        }
    }
    scan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(src: &str, kind: SiteKind) -> Vec<String> {
        scan(src.as_bytes())
            .sites
            .into_iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.path)
            .collect()
    }

    #[test]
    fn use_trees_are_flattened() {
        let src = "use std::{io::{self, Read as R}, collections::*}; pub use ::serde::Serialize;";
        let s = scan(src.as_bytes());
        let got: Vec<(SiteKind, String, Option<String>)> = s
            .sites
            .iter()
            .map(|s| (s.kind, s.path.clone(), s.alias.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (SiteKind::Use, "std::io".into(), None),
                (SiteKind::Use, "std::io::Read".into(), Some("R".into())),
                (SiteKind::Use, "std::collections::*".into(), None),
                (SiteKind::PubUse, "::serde::Serialize".into(), None),
            ]
        );
        assert_eq!(s.sites[0].line, 1);
        assert_eq!(s.sites[0].column, 16);
    }

    #[test]
    fn nothing_in_comments_or_strings() {
        let src = "// use fake::Thing;\nfn f() { let s = \"use also_fake::X; a::b\"; /* c::d */ }";
        let s = scan(src.as_bytes());
        assert!(s.sites.is_empty(), "{:?}", s.sites);
    }

    #[test]
    fn uses_at_any_depth_with_scope_and_cfg() {
        let src = "fn f() { use a::b; }\n#[cfg(test)]\nmod tests { use super::*; #[cfg(feature = \"x\")] fn g() { use c::d; } }";
        let s = scan(src.as_bytes());
        let got: Vec<(String, Vec<String>, Cfg)> = s
            .sites
            .iter()
            .map(|x| (x.path.clone(), s.scope_path(x.scope), x.cfg.clone()))
            .collect();
        assert_eq!(got[0], ("a::b".into(), vec![], Cfg::default()));
        assert_eq!(got[1].0, "super::*");
        assert_eq!(got[1].1, vec!["tests".to_string()]);
        assert!(got[1].2.test);
        assert_eq!(got[2].2.features, vec!["x".to_string()]);
    }

    #[test]
    fn extern_crates_paths_attributes_macros_and_doc_tests() {
        let src = r#"
#[macro_use] extern crate lazy_static;
extern crate rand as random;
/// ```
/// use docdep::Thing;
/// ```
#[derive(Debug, serde::Serialize)]
struct S { #[serde(with = "serde_with::rust::display")] x: u8 }
fn f() { let v = serde_json::to_string(&1); json_macro::json!({ "a": inner::call() }); }
"#;
        let s = scan(src.as_bytes());
        let ext: Vec<_> = s
            .sites
            .iter()
            .filter(|s| s.kind == SiteKind::ExternCrate)
            .collect();
        assert_eq!(ext.len(), 2);
        assert!(ext[0].macro_use);
        assert_eq!(ext[1].alias.as_deref(), Some("random"));
        assert_eq!(
            paths(src, SiteKind::DocTest),
            vec!["docdep::Thing".to_string()]
        );
        assert_eq!(
            paths(src, SiteKind::Attribute),
            vec![
                "serde::Serialize".to_string(),
                "serde_with::rust::display".to_string()
            ]
        );
        assert_eq!(
            paths(src, SiteKind::Path),
            vec!["serde_json::to_string".to_string()]
        );
        assert_eq!(
            paths(src, SiteKind::Macro),
            vec!["json_macro::json".to_string(), "inner::call".to_string()]
        );
    }

    #[test]
    fn mod_declarations_with_path_attributes() {
        let src = "mod a; #[path = \"x/y.rs\"] mod b; mod c { mod d; }";
        let s = scan(src.as_bytes());
        let m: Vec<(Vec<String>, String, Option<String>)> = s
            .mods
            .iter()
            .map(|m| (m.scope.clone(), m.name.clone(), m.path_attr.clone()))
            .collect();
        assert_eq!(
            m,
            vec![
                (vec![], "a".into(), None),
                (vec![], "b".into(), Some("x/y.rs".into())),
                (vec!["c".into()], "d".into(), None),
            ]
        );
    }

    #[test]
    fn unparsable_files_fall_back_and_say_where() {
        let src = "use good::one;\nfn broken( {\nuse good::two;\n";
        let s = scan(src.as_bytes());
        assert!(s.partial);
        let f = s.failure.expect("failure");
        assert!(f.line >= 2, "{f:?}");
        let uses: Vec<String> = s
            .sites
            .iter()
            .filter(|s| s.kind == SiteKind::Use)
            .map(|s| s.path.clone())
            .collect();
        assert_eq!(uses, vec!["good::one".to_string(), "good::two".to_string()]);
    }

    #[test]
    fn empty_and_non_utf8_files() {
        let s = scan(b"");
        assert!(s.sites.is_empty() && !s.partial);
        let s = scan(b"use a::b;\n// \xff\xfe\n");
        assert!(s.not_utf8 && s.partial);
        assert_eq!(s.sites.len(), 1);
    }
}

#[cfg(test)]
mod engine_tests {
    use super::*;

    fn key(s: &FileScan) -> Vec<String> {
        let mut v: Vec<String> = s
            .sites
            .iter()
            .map(|x| {
                format!(
                    "{:?}|{}|{:?}|{}|{}|{:?}|{:?}",
                    x.kind,
                    x.path,
                    x.alias,
                    x.line,
                    x.column,
                    s.scope_path(x.scope),
                    x.cfg
                )
            })
            .collect();
        v.sort();
        v
    }

    /// The fast engine must report what the full parse reports.
    #[test]
    fn fast_engine_matches_the_full_parse() {
        let sources = [
            "use std::{io::{self, Read as R}, collections::*}; pub(crate) use ::serde::Serialize;",
            "fn f() { use a::b; let x = c::d(); if !e::f() { g::h!(i::j); } }\n#[cfg(test)]\nmod tests { use super::*; #[cfg(feature = \"x\")] fn g() { use c::d; } }",
            "#[macro_use] extern crate lazy_static;\nextern crate rand as random;\n/// ```\n/// use docdep::Thing;\n/// ```\n#[derive(Debug, serde::Serialize)]\nstruct S { #[serde(with = \"serde_with::rust::display\")] x: u8, y: a::B }",
            "impl<T: a::Tr> b::C for D<T> where T::X: e::F, { type Output = g::H; fn m() -> ::core::result::Result<(), ()> { let v = std::mem::MaybeUninit::<libc::sockaddr>::zeroed(); <T as x::y::Z>::m(); Ok(()) } }",
            "pub(in crate::a) mod m; mod n { #![cfg(unix)] use o::p; } enum E { V(#[serde(with = \"q::r\")] u8), W { #[attr(s::t)] x: u8 } }",
            "macro_rules! m { ($x:expr) => { $crate::a::b($x); c::d!() } } fn g() { #[cfg(feature = \"z\")] tracing::trace!(\"x\"); match x { ::a::B => {} _ => {} } }",
            // Found on the crates corpus (see compare_engines):
            // foreign items and their cfg; foreign types are not module
            // names; cfg on an expression statement, a block statement and
            // a match arm is not applied (syn's visitor does not), on a
            // macro statement and `extern crate` in a body it is.
            "#[cfg(x)] unsafe extern \"C\" { #[cfg(y)] fn f(a: *mut core::ffi::c_void); pub type T; }\nfn g() { unsafe { #[cfg(z)] crate::m::f(); #[cfg(z)] { a::b(); } } #[cfg(w)] ::core::panic!(); #[cfg(v)] extern crate e; match x { #[cfg(u)] crate::E::A => t::u(), _ => {} } m!(x)?; }",
            // A leading `::` after a keyword, a block, a spaced `>`; not
            // after `<T>` (a qualified path); contextual keywords.
            "fn f() { match ::a::b() {} if c { } ::d::e(); let x = y > ::f::G; <T>::h(); auto::Builder::new(); default::x(); }\nimpl<T> ::core::clone::Clone for U<T> {}\n::p::q! { struct S; }\n::r::s! { struct T; }",
            // Doc tests in an inline module's inner docs, lifetimes in
            // macro tokens, raw strings and nested comments hiding paths.
            "pub mod hint {\n    //! ```\n    //! use dep::hint::spin;\n    //! ```\n    pub fn x() {}\n}\nfn f() { quote!(&'static ::std::ffi::OsStr); let s = r#\"no::path\"#; /* a /* b::c */ */ }",
        ];
        for src in sources {
            let full = scan_with(src.as_bytes(), Engine::Full);
            let fast = scan_with(src.as_bytes(), Engine::Fast);
            assert!(full.failure.is_none(), "{src}: {:?}", full.failure);
            assert_eq!(key(&fast), key(&full), "{src}");
            assert_eq!(fast.mods, full.mods, "{src}");
            assert_eq!(fast.scopes, full.scopes, "{src}");
            assert_eq!(fast.names, full.names, "{src}");
            assert_eq!(fast.use_names, full.use_names, "{src}");
        }
    }
}
