//! What both engines share: the collector of one file's sites. It holds
//! the sites, `mod` declarations, scopes and names found so far, the
//! current inline module and `cfg` context, and the doc text not yet read;
//! and it reads what syn parsed for either engine: attributes (their
//! paths, `cfg`s and doc comments), `use` trees and `mod` declarations.
//!
//! The full parse ([`super::full`]) drives it from syn's visitor; the fast
//! engine ([`super::fast`]) from its token walk, giving syn only those
//! pieces (at an offset: see [`Collector::base`]). Neither engine is used
//! here: the dependencies run from the engines to this module, and from
//! here down to the site types, [`super::use_tree`], [`super::free`] and
//! [`super::doctest`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use proc_macro2::{Span, TokenStream, TokenTree};

use super::doctest;
use super::free::token_paths;
use super::site::{Cfg, ModDecl, RawSite, ScopeId, SiteKind, pos, scope_path};
use super::use_tree;

/// The sites of one file as they are found (see the module docs).
#[derive(Default)]
pub(super) struct Collector {
    pub(super) sites: Vec<RawSite>,
    pub(super) mods: Vec<ModDecl>,
    pub(super) names: BTreeMap<ScopeId, BTreeSet<String>>,
    pub(super) cfg_names: BTreeMap<ScopeId, BTreeMap<String, Vec<Cfg>>>,
    pub(super) use_names: BTreeMap<ScopeId, BTreeSet<String>>,
    /// The current scope, and all of them (see [`super::site::FileScan::scopes`]).
    scope: ScopeId,
    pub(super) scopes: Vec<(ScopeId, String)>,
    scope_ids: HashMap<(ScopeId, String), ScopeId>,
    cfg: Vec<Cfg>,
    /// Doc text gathered since the last flush, with the line it starts on.
    docs: Vec<(String, usize)>,
    /// The doc lines of the current run before its first line with a
    /// fence (which no code block can include, so their text is not
    /// kept): the line the first of them is on, and how many lines of doc
    /// text they make (see [`Collector::doc`]).
    docs_skipped: Option<(usize, usize)>,
    /// Where a doc test nested too deep to be read (the first one).
    pub(super) deep: Option<(usize, usize)>,
    /// Where the text syn parsed starts in the file, when the fast engine
    /// gave syn one item rather than the file: (lines before it, column of
    /// its first character). Spans are relative to that text.
    pub(super) base: (usize, usize),
}

/// A path as written: its segments joined by `::`, a leading `::` kept.
pub(super) fn path_string(path: &syn::Path) -> String {
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

impl Collector {
    pub(super) fn current_cfg(&self) -> Cfg {
        self.cfg.last().cloned().unwrap_or_default()
    }

    /// Enter the inline module `name` of the current scope.
    pub(super) fn push_scope(&mut self, name: String) {
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

    pub(super) fn pop_scope(&mut self) {
        self.scope = self.scopes.get(self.scope as usize).map_or(0, |s| s.0);
    }

    fn scope_path(&self) -> Vec<String> {
        scope_path(&self.scopes, self.scope)
    }

    /// A name the current scope declares (see [`super::site::FileScan::names`]
    /// and [`super::site::FileScan::cfg_names`]).
    pub(super) fn name(&mut self, name: String) {
        match self.cfg.last() {
            Some(cfg) if *cfg != Cfg::default() => {
                let cfgs = self
                    .cfg_names
                    .entry(self.scope)
                    .or_default()
                    .entry(name)
                    .or_default();
                if !cfgs.contains(cfg) {
                    cfgs.push(cfg.clone());
                }
            }
            _ => {
                self.names.entry(self.scope).or_default().insert(name);
            }
        }
    }

    pub(super) fn use_name(&mut self, name: String) {
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

    pub(super) fn site(&mut self, kind: SiteKind, path: String, alias: Option<String>, span: Span) {
        let (line, column) = self.pos(span);
        self.site_at(kind, path, alias, line, column);
    }

    pub(super) fn site_at(
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
    pub(super) fn enter(&mut self, attrs: &[syn::Attribute]) -> bool {
        for a in attrs {
            self.attribute(a);
        }
        self.cfg_frame(attrs.iter())
    }

    /// Push the cfg context that `attrs` add, if any; returns whether a
    /// frame was pushed (for [`Collector::leave`]).
    pub(super) fn cfg_frame<'a>(
        &mut self,
        attrs: impl Iterator<Item = &'a syn::Attribute>,
    ) -> bool {
        let mut cfg = None;
        for a in attrs {
            self.cfg_attribute(&mut cfg, a);
        }
        self.push_cfg(cfg)
    }

    /// Apply one attribute's cfg to `cfg` (taken from the current context
    /// when it first changes).
    pub(super) fn cfg_attribute(&self, cfg: &mut Option<Cfg>, a: &syn::Attribute) {
        if a.path().is_ident("cfg")
            && let syn::Meta::List(list) = &a.meta
        {
            let c = cfg.get_or_insert_with(|| self.current_cfg());
            super::cfg::apply_text(c, &list.tokens.to_string());
        } else if is_test_attribute(a.path()) {
            self.test_attribute(cfg);
        }
    }

    /// A `#[test]` function is compiled only for tests, as if under
    /// `#[cfg(test)]` (its attribute itself is a site of ordinary code: the
    /// macro runs in every build).
    pub(super) fn test_attribute(&self, cfg: &mut Option<Cfg>) {
        match cfg {
            Some(c) => c.test = true,
            None if !self.current_cfg().test => {
                *cfg = Some(Cfg {
                    test: true,
                    ..self.current_cfg()
                })
            }
            None => {}
        }
    }

    /// Push `cfg`, the context of an item's attributes, if they changed it;
    /// returns whether a frame was pushed (for [`Collector::leave`]).
    pub(super) fn push_cfg(&mut self, cfg: Option<Cfg>) -> bool {
        let pushed = cfg.is_some();
        self.cfg.extend(cfg);
        pushed
    }

    pub(super) fn leave(&mut self, pushed: bool) {
        if pushed {
            self.cfg.pop();
        }
    }

    pub(super) fn attribute(&mut self, attr: &syn::Attribute) {
        let path = attr.path();
        if path.is_ident("doc") {
            if let syn::Meta::NameValue(nv) = &attr.meta
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &nv.value
            {
                let line = self.pos(s.span()).0;
                self.doc(&s.value(), line);
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
        self.attr_string_paths(tokens);
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

    /// The doc tests in the doc comments seen so far (see
    /// [`super::doctest`]).
    /// One doc comment (or `#[doc = ".."]`) of the current run, and the
    /// line it is on. Most doc comments hold no code block: until a line
    /// with a fence comes, only where the run starts and how many lines it
    /// has so far are kept, not its text.
    pub(super) fn doc(&mut self, text: &str, line: usize) {
        if self.docs.is_empty() && !text.contains("```") {
            let skipped = self.docs_skipped.get_or_insert((line, 0));
            // The text's lines as `doc_test_sites` counts them (each doc
            // line is joined with a newline after it).
            skipped.1 += text.matches('\n').count() + 1;
            return;
        }
        self.docs.push((text.to_string(), line));
    }

    pub(super) fn docs_flush(&mut self) {
        let skipped = self.docs_skipped.take();
        if self.docs.is_empty() {
            return;
        }
        let docs = std::mem::take(&mut self.docs);
        let (sites, scope, cfg) = (&mut self.sites, self.scope, self.cfg.last());
        doctest::doc_test_sites(&docs, skipped, &mut self.deep, |path, line, column| {
            sites.push(RawSite {
                kind: SiteKind::DocTest,
                path,
                alias: None,
                macro_use: false,
                line,
                column,
                scope,
                cfg: cfg.cloned().unwrap_or_default(),
            });
        });
    }

    /// A `use` item's tree: a site per path (see [`super::use_tree`]),
    /// and the names it brings into scope.
    pub(super) fn use_tree(&mut self, tree: &syn::UseTree, kind: SiteKind, leading: bool) {
        use_tree::flatten(tree, leading, &mut |leaf| {
            if let Some(name) = leaf.binds {
                self.use_name(name);
            }
            self.site(kind, leaf.path, leaf.alias, leaf.span);
        });
    }

    /// `mod name;`: a module in another file, with its `#[path]` and cfg.
    pub(super) fn mod_decl(&mut self, name: String, attrs: &[syn::Attribute]) {
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

/// `#[test]`, `#[bench]`, and the test attributes of async runtimes and
/// test libraries (`#[tokio::test]`, `#[test_log::test]`): the item exists
/// only when tests are built.
fn is_test_attribute(path: &syn::Path) -> bool {
    if path.is_ident("test") || path.is_ident("bench") {
        return true;
    }
    path.segments.len() > 1 && path.segments.last().is_some_and(|s| s.ident == "test")
}

/// `#[macro_use]` among an `extern crate`'s attributes.
pub(super) fn u_macro_use(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("macro_use"))
}
