//! The fast scan: the same sites as the full syn parse, at a fraction of
//! the cost.
//!
//! syn's full parse builds an AST for every expression of every function
//! body, which is most of the work and none of the information: paths in
//! code are token sequences (`a::b`), and what needs syn's grammar is small
//! (a `use` tree, an `extern crate`, an attribute). So this walks the flat
//! token list of [`super::lex`] (comments, strings, raw strings and doc
//! comments handled as proc-macro2 handles them) and hands syn only those
//! small pieces, as text, to the same [`Collector`] the full parse
//! ([`super::full`]) fills; a macro's body goes to [`super::free`], as
//! there. What a full parse reports as a site, so does this. Three checks
//! compare the two: the unit test `fast_engine_matches_the_full_parse`
//! (`scan/tests.rs`), the fuzz target `imports_scan`, and the example
//! `compare_engines` on a whole corpus (`cargo run --release -p
//! pfiles-imports --example compare_engines -- DIR`, the figures in
//! BENCHMARKS.md); `bench/imports.py` times the whole tool.
//!
//! What it does not do is check the syntax of everything else: a file whose
//! function bodies syn would reject but whose tokens and import items are
//! fine gets its imports, not a parse failure. `--full-parse` reports those.

use syn::parse::Parser;

use super::collect::{Collector, u_macro_use};
use super::free;
use super::level::{Trees, level, level_into};
use super::lex::{Delim, Kind, Toks};
use super::site::{SiteKind, could_name_a_crate};

/// What kind of brace block the tokens are in, which decides what an
/// attribute or a keyword means there.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A file or an inline module: items.
    Module,
    /// An `impl` or `trait` body: associated items (whose `type` is not a
    /// module-level name).
    Assoc,
    /// A function body or any other expression block: statements.
    Code,
    /// A struct, enum or union body: fields and variants, whose attributes
    /// count.
    Fields,
}

/// One attribute of an item, in source order: a doc comment's text and
/// line, or an attribute syn parsed from its text, with where that starts.
enum Attr<'a> {
    Doc(&'a str, usize),
    Syn(Box<syn::Attribute>, (usize, usize)),
    /// An attribute that names no path and no cfg (`#[inline]`,
    /// `#[derive(Debug, Clone)]`): it only ends the doc comment before it.
    Plain,
    /// `#[cfg(..)]`, read from the tokens: the index of its `(`.
    Cfg(u32),
    /// `#[test]` or `#[bench]`: the item is test code.
    Test,
    /// `#[doc(..)]` (`hidden`, `alias = ".."`): nothing for the collector,
    /// and unlike other attributes it does not end a doc comment.
    Inert,
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "type"
            | "union"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "yield"
    )
}

/// Scan a lexed file (its depth checked, see [`super::nesting`]) with the
/// fast walker; `None` when an import item does not parse (the caller then takes the full parse, which
/// reports the failure).
pub(super) fn scan(t: &Toks) -> Option<Collector> {
    let mut w = Walker {
        t,
        v: Collector::default(),
        failed: false,
        levels: Vec::new(),
    };
    w.v.names.entry(0).or_default();
    let top = level(t, 0, t.toks.len());
    let (inner, s) = w.inner_attrs(&top);
    for a in inner {
        w.attribute(a);
    }
    w.walk(&top[s..], Block::Module);
    w.v.docs_flush();
    if w.failed {
        return None;
    }
    Some(w.v)
}

struct Walker<'t, 'a> {
    t: &'t Toks<'a>,
    v: Collector,
    /// syn rejected an import item: the full parse must report it.
    failed: bool,
    /// Level vectors done with, for [`Walker::inside_pooled`] to reuse: a
    /// vector per group walked was a tenth of the walk's allocations.
    levels: Vec<Vec<u32>>,
}

impl<'a> Trees<'a> for Walker<'_, 'a> {
    fn toks(&self) -> &Toks<'a> {
        self.t
    }
}

impl<'a> Walker<'_, 'a> {
    /// [`Trees::inside`] into a vector of [`Walker::levels`] (give it back
    /// there when done).
    fn inside_pooled(&mut self, lv: &[u32], i: usize) -> Vec<u32> {
        let mut out = self.levels.pop().unwrap_or_default();
        out.clear();
        let o = lv[i] as usize;
        level_into(self.t, o + 1, self.t.toks[o].close as usize, &mut out);
        out
    }

    /// Parse `#[..]`/`#![..]` at `lv[a..b]` with syn, unless it is plain.
    fn syn_attr(&mut self, lv: &[u32], a: usize, b: usize, inner: bool) -> Option<Attr<'a>> {
        // Most attributes (`#[inline]`, `#[derive(Debug)]`) hold no path,
        // no string and no cfg: they are worth nothing to the collector but
        // the end of a doc comment, and parsing them is a fifth of the
        // work. `#[test]` and `#[bench]` make their item test code.
        let open = lv[b - 1] as usize;
        let close = self.t.toks[open].close as usize;
        if let Some(a) = self.native_attr(open, close) {
            return Some(a);
        }
        let plain = match self.t.toks.get(open + 1) {
            Some(first) if first.kind == Kind::Ident => {
                !matches!(
                    self.t.str(open + 1),
                    "cfg" | "doc" | "path" | "macro_use" | "test" | "bench"
                ) && (open + 1..close).all(|k| match self.t.toks[k].kind {
                    Kind::Punct(b':') => !self.t.toks[k].joint,
                    Kind::Literal => !self.t.str(k).contains("::"),
                    _ => true,
                })
            }
            _ => false,
        };
        if plain {
            return Some(Attr::Plain);
        }
        let (text, base) = self.text(lv, a, b);
        let parsed = if inner {
            syn::Attribute::parse_inner.parse_str(text)
        } else {
            syn::Attribute::parse_outer.parse_str(text)
        };
        match parsed {
            Ok(mut v) if v.len() == 1 => v.pop().map(|a| Attr::Syn(Box::new(a), base)),
            _ => {
                self.failed = true;
                None
            }
        }
    }

    /// The attributes read from their tokens rather than by syn, for the
    /// attribute `open..=close` (its brackets): `#[cfg(..)]`, `#[test]`,
    /// `#[bench]`, `#[doc(..)]`, and `#[doc = ".."]` with a string syn
    /// would give as written (no escapes). Anything else: `None`, and syn
    /// reads it (and reports it if it is malformed).
    fn native_attr(&self, open: usize, close: usize) -> Option<Attr<'a>> {
        let t = self.t;
        let first = open + 1;
        if first >= close || t.toks[first].kind != Kind::Ident {
            return None;
        }
        let group_to_end = |k: usize| {
            k < close
                && matches!(t.toks[k].kind, Kind::Open(Delim::Paren))
                && t.toks[k].close as usize + 1 == close
        };
        match t.str(first) {
            "cfg" if group_to_end(first + 1) => Some(Attr::Cfg(first as u32 + 1)),
            "test" | "bench" if first + 1 == close => Some(Attr::Test),
            "doc" if group_to_end(first + 1) => Some(Attr::Inert),
            "doc"
                if first + 3 == close
                    && t.toks[first + 1].kind == Kind::Punct(b'=')
                    && t.toks[first + 2].kind == Kind::Literal =>
            {
                let text = plain_string(t.str(first + 2))?;
                let (line, _) = t.line_col(t.toks[first + 2].start as usize);
                Some(Attr::Doc(text, line))
            }
            _ => None,
        }
    }

    fn doc(&self, tok: u32) -> Attr<'a> {
        let (line, _) = self.t.line_col(self.t.toks[tok as usize].start as usize);
        Attr::Doc(self.t.doc_text(tok as usize), line)
    }

    /// The inner attributes (`#![..]`, `//!`) at the start of a block, and
    /// where the rest begins.
    fn inner_attrs(&mut self, lv: &[u32]) -> (Vec<Attr<'a>>, usize) {
        let mut out = Vec::new();
        let mut s = 0;
        loop {
            if self.kind(lv, s) == Some(Kind::Doc { inner: true }) {
                out.push(self.doc(lv[s]));
                s += 1;
            } else if self.punct(lv, s, b'#')
                && self.punct(lv, s + 1, b'!')
                && self.group(lv, s + 2, Delim::Bracket)
            {
                out.extend(self.syn_attr(lv, s, s + 3, true));
                s += 3;
            } else {
                return (out, s);
            }
        }
    }

    fn attribute(&mut self, a: Attr<'a>) {
        match a {
            Attr::Doc(text, line) => self.v.doc(text, line),
            Attr::Syn(a, base) => {
                self.v.base = base;
                self.v.attribute(&a);
                self.v.base = (0, 0);
            }
            Attr::Plain | Attr::Cfg(_) | Attr::Test => self.v.docs_flush(),
            Attr::Inert => {}
        }
    }

    /// Enter an item's attributes (see [`Collector::enter`]).
    fn enter(&mut self, attrs: Vec<Attr<'a>>) -> (bool, Vec<syn::Attribute>) {
        let mut syn_attrs = Vec::new();
        let mut cfg = None;
        for a in attrs {
            match &a {
                Attr::Syn(s, _) => {
                    self.v.cfg_attribute(&mut cfg, s);
                    syn_attrs.push((**s).clone());
                }
                &Attr::Cfg(open) => {
                    let c = cfg.get_or_insert_with(|| self.v.current_cfg());
                    let close = self.t.toks[open as usize].close as usize;
                    super::cfg::apply(c, self.t, open as usize + 1, close);
                }
                Attr::Test => self.v.test_attribute(&mut cfg),
                Attr::Doc(..) | Attr::Plain | Attr::Inert => {}
            }
            self.attribute(a);
        }
        (self.v.push_cfg(cfg), syn_attrs)
    }

    /// The keywords that start an item or a statement whose attributes syn
    /// applies (cfg included) rather than ignores.
    fn item_start(&self, lv: &[u32], mut i: usize) -> bool {
        loop {
            let s = if self.colons(lv, i) {
                "::"
            } else {
                self.ident(lv, i).unwrap_or("")
            };
            match s {
                "" => return false,
                "pub" => {
                    i += 1;
                    if self.group(lv, i, Delim::Paren) {
                        i += 1;
                    }
                }
                "unsafe" | "async" => i += 1,
                "default" | "auto" if self.ident(lv, i + 1).is_some() => i += 1,
                "extern" => {
                    i += 1;
                    if self.kind(lv, i) == Some(Kind::Literal) {
                        i += 1;
                    }
                    if self.group(lv, i, Delim::Brace) || self.is_ident(lv, i, "crate") {
                        return true; // extern "C" { .. }, extern crate
                    }
                }
                "use" | "mod" | "fn" | "struct" | "enum" | "union" | "trait" | "impl" | "type"
                | "const" | "static" | "macro_rules" | "let" | "macro" => return true,
                _ => {
                    // A macro invocation in item position: `path! { .. }`.
                    let mut j = i;
                    if self.colons(lv, j) {
                        j += 2;
                    }
                    while self.ident(lv, j).is_some() && self.colons(lv, j + 1) {
                        j += 3;
                    }
                    // syn makes it a macro statement (whose attributes
                    // count) only when the invocation is the whole
                    // statement: `m!(..);` or `m! { .. }`, not `m!(..)?;`.
                    if self.ident(lv, j).is_none() || !self.punct(lv, j + 1, b'!') {
                        return false;
                    }
                    return match self.kind(lv, j + 2) {
                        Some(Kind::Open(Delim::Brace)) => {
                            !self.punct(lv, j + 3, b'.') && !self.punct(lv, j + 3, b'?')
                        }
                        Some(Kind::Open(_)) => self.punct(lv, j + 3, b';'),
                        _ => false,
                    };
                }
            }
        }
    }

    /// Where the item or statement starting at `i` ends: after a `;` (or,
    /// for fields and variants, a `,`) at this level, or after its first
    /// brace group (and an `else` chain).
    fn item_end(&self, lv: &[u32], i: usize, block: Block) -> usize {
        let mut j = i;
        while j < lv.len() {
            match self.kind(lv, j) {
                Some(Kind::Punct(b';')) => return j + 1,
                Some(Kind::Punct(b',')) if block == Block::Fields => return j + 1,
                Some(Kind::Open(Delim::Brace)) => {
                    // `struct S { .. }` ends here, `let x = S { .. };` does
                    // not: a brace group followed by more of the same
                    // statement (`;`, `.`, `?`, an operator) continues.
                    match self.kind(lv, j + 1) {
                        // `::a::b!{..}` after it starts something new.
                        Some(Kind::Punct(b':')) if self.colons(lv, j + 1) => return j + 1,
                        Some(Kind::Punct(c)) if c != b'#' => j += 1,
                        Some(Kind::Ident) if self.is_ident(lv, j + 1, "else") => j += 1,
                        _ => return j + 1,
                    }
                    continue;
                }
                _ => {}
            }
            j += 1;
        }
        j
    }

    fn walk(&mut self, lv: &[u32], block: Block) {
        let mut i = 0;
        while i < lv.len() {
            // Outer attributes (and inner ones of a block).
            let mut attrs: Vec<Attr<'a>> = Vec::new();
            loop {
                match self.kind(lv, i) {
                    Some(Kind::Doc { inner: false }) => {
                        attrs.push(self.doc(lv[i]));
                        i += 1;
                    }
                    Some(Kind::Doc { inner: true }) => i += 1,
                    Some(Kind::Punct(b'#')) if self.group(lv, i + 1, Delim::Bracket) => {
                        attrs.extend(self.syn_attr(lv, i, i + 2, false));
                        i += 2;
                    }
                    Some(Kind::Punct(b'#'))
                        if self.punct(lv, i + 1, b'!') && self.group(lv, i + 2, Delim::Bracket) =>
                    {
                        // Inner attributes belong to the enclosing item; the
                        // caller read them (see `inner_attrs`).
                        i += 3;
                    }
                    _ => break,
                }
            }
            if i >= lv.len() {
                if block == Block::Fields {
                    for a in attrs {
                        self.attribute(a);
                    }
                }
                break;
            }
            let j = self.item_end(lv, i, block).max(i + 1);
            let item_like = matches!(block, Block::Module | Block::Assoc) || self.item_start(lv, i);
            let (pushed, syn_attrs) = if item_like {
                let p = self.enter(attrs);
                self.v.docs_flush();
                p
            } else {
                let mut syn_attrs = Vec::new();
                if block == Block::Fields {
                    for a in attrs {
                        if let Attr::Syn(s, _) = &a {
                            syn_attrs.push((**s).clone());
                        }
                        self.attribute(a);
                    }
                }
                (false, syn_attrs)
            };
            self.item(&lv[i..j], block, &syn_attrs);
            self.v.leave(pushed);
            i = j;
        }
    }

    fn item(&mut self, lv: &[u32], block: Block, attrs: &[syn::Attribute]) {
        // Skip visibility and qualifiers to find the keyword.
        let mut k = 0;
        let mut foreign = false;
        loop {
            match self.ident(lv, k) {
                Some("pub") => {
                    k += 1;
                    if self.group(lv, k, Delim::Paren) {
                        // `pub(in a::b)` names a path.
                        let inner = self.inside(lv, k);
                        self.tokens(&inner, Block::Code);
                        k += 1;
                    }
                }
                Some("unsafe" | "async") => k += 1,
                Some("default" | "auto") if self.ident(lv, k + 1).is_some() => k += 1,
                Some("extern") if !self.is_ident(lv, k + 1, "crate") => {
                    foreign = true;
                    k += 1;
                    if self.kind(lv, k) == Some(Kind::Literal) {
                        k += 1;
                    }
                }
                _ => break,
            }
        }
        let kw = self.ident(lv, k).unwrap_or("");
        match kw {
            "use" if block != Block::Fields => {
                if self.native_use(lv, k) {
                    return;
                }
                let (text, base) = self.text(lv, 0, lv.len());
                match syn::parse_str::<syn::ItemUse>(text) {
                    Ok(u) => {
                        let kind = if matches!(u.vis, syn::Visibility::Inherited) {
                            SiteKind::Use
                        } else {
                            SiteKind::PubUse
                        };
                        self.v.base = base;
                        self.v.use_tree(&u.tree, kind, u.leading_colon.is_some());
                        self.v.base = (0, 0);
                        return;
                    }
                    Err(_) if block != Block::Code => {
                        self.failed = true;
                        return;
                    }
                    Err(_) => {}
                }
            }
            "extern" if self.is_ident(lv, k + 1, "crate") => {
                let (text, base) = self.text(lv, 0, lv.len());
                let Ok(e) = syn::parse_str::<syn::ItemExternCrate>(text) else {
                    self.failed = true;
                    return;
                };
                let name = e.ident.to_string();
                let alias = e.rename.as_ref().map(|(_, id)| id.to_string());
                self.v
                    .use_name(alias.clone().unwrap_or_else(|| name.clone()));
                self.v.base = base;
                self.v
                    .site(SiteKind::ExternCrate, name, alias, e.ident.span());
                self.v.base = (0, 0);
                if let Some(s) = self.v.sites.last_mut() {
                    s.macro_use = u_macro_use(attrs);
                }
                return;
            }
            "mod" if block != Block::Fields => {
                if let Some(name) = self.ident(lv, k + 1) {
                    let name = name.to_string();
                    if self.group(lv, k + 2, Delim::Brace) {
                        let inner = self.inside(lv, k + 2);
                        let (inner_attrs, s) = self.inner_attrs(&inner);
                        let (pushed, _) = self.enter(inner_attrs);
                        // `mod n { #![cfg(unix)] .. }`: declared under its
                        // inner cfg too.
                        self.v.name(name.clone());
                        self.v.docs_flush();
                        self.v.push_scope(name);
                        self.walk(&inner[s..], Block::Module);
                        self.v.docs_flush();
                        self.v.pop_scope();
                        self.v.leave(pushed);
                        return;
                    }
                    self.v.name(name.clone());
                    self.v.mod_decl(name, attrs);
                    return;
                }
            }
            "struct" | "enum" | "union" | "trait" | "type"
                if block != Block::Assoc && block != Block::Fields =>
            {
                if let Some(name) = self.ident(lv, k + 1) {
                    self.v.name(name.to_string());
                }
            }
            _ => {}
        }
        let body = match kw {
            _ if block == Block::Fields => Block::Fields,
            // `extern "C" { .. }`: foreign items, like associated ones.
            "" if foreign && self.group(lv, k, Delim::Brace) => Block::Assoc,
            "struct" | "enum" | "union" => Block::Fields,
            "impl" | "trait" => Block::Assoc,
            _ => Block::Code,
        };
        self.tokens(&lv[k..], body);
    }

    /// A `use` item (`lv`, its keyword at `k`) read from its tokens, as
    /// syn's `UseTree` and [`super::use_tree`] would flatten it: syn's
    /// parse of 110,000 `use` items was a twentieth of the crates corpus's
    /// scan. Returns false, having recorded nothing, for anything but a
    /// plain `[pub[(..)]] use [::]tree;` of ordinary identifiers: syn reads
    /// that (and reports it if it is malformed).
    fn native_use(&mut self, lv: &[u32], k: usize) -> bool {
        let kind = match k {
            0 => SiteKind::Use,
            1 if self.is_ident(lv, 0, "pub") => SiteKind::PubUse,
            2 if self.is_ident(lv, 0, "pub") && self.restricted(lv, 1) => SiteKind::PubUse,
            _ => return false,
        };
        let Some(end) = lv.len().checked_sub(1).filter(|&e| self.punct(lv, e, b';')) else {
            return false;
        };
        let mut i = k + 1;
        let leading = self.colons(lv, i);
        if leading {
            i += 2;
        }
        let mut leaves = Vec::new();
        let mut prefix = Vec::new();
        if self
            .use_tree(&lv[..end], &mut i, leading, &mut prefix, &mut leaves)
            .is_none()
            || i != end
        {
            return false;
        }
        for (path, alias, binds, tok) in leaves {
            if let Some(name) = binds {
                self.v.use_name(name);
            }
            let (line, col) = self.offset_pos(tok);
            self.v.site_at(kind, path, alias, line, col);
        }
        true
    }

    /// `(crate)`, `(self)`, `(super)` or `(in path)` at `lv[i]`: the forms of
    /// `pub(..)` syn accepts (others it rejects, and reports).
    fn restricted(&self, lv: &[u32], i: usize) -> bool {
        if !self.group(lv, i, Delim::Paren) {
            return false;
        }
        let inner = self.inside(lv, i);
        match inner.len() {
            1 => matches!(self.ident(&inner, 0), Some("crate" | "self" | "super")),
            0 => false,
            _ => self.is_ident(&inner, 0, "in"),
        }
    }

    /// One use tree at `lv[*i]`, its leaves appended as (path, `as` name,
    /// name bound, token of the last segment); see [`super::use_tree`].
    #[allow(clippy::type_complexity)]
    fn use_tree(
        &self,
        lv: &[u32],
        i: &mut usize,
        leading: bool,
        prefix: &mut Vec<&'a str>,
        out: &mut Vec<(String, Option<String>, Option<String>, u32)>,
    ) -> Option<()> {
        let join = |prefix: &[&str], last: Option<&str>| {
            let mut s = String::from(if leading { "::" } else { "" });
            for (n, part) in prefix.iter().copied().chain(last).enumerate() {
                if n > 0 {
                    s.push_str("::");
                }
                s.push_str(part);
            }
            s
        };
        match self.kind(lv, *i)? {
            Kind::Punct(b'*') => {
                out.push((join(prefix, Some("*")), None, None, lv[*i]));
                *i += 1;
            }
            Kind::Open(Delim::Brace) => {
                let inner = self.inside(lv, *i);
                let mut j = 0;
                while j < inner.len() {
                    self.use_tree(&inner, &mut j, leading, prefix, out)?;
                    if j < inner.len() {
                        if !self.punct(&inner, j, b',') {
                            return None;
                        }
                        j += 1;
                    }
                }
                *i += 1;
            }
            Kind::Ident => {
                let name = self.t.str(lv[*i] as usize);
                if !use_segment(name) {
                    return None;
                }
                let tok = lv[*i];
                if self.colons(lv, *i + 1) {
                    prefix.push(name);
                    *i += 3;
                    self.use_tree(lv, i, leading, prefix, out)?;
                    prefix.pop();
                    return Some(());
                }
                let path = if name == "self" {
                    join(prefix, None)
                } else {
                    join(prefix, Some(name))
                };
                if self.is_ident(lv, *i + 1, "as") {
                    let alias = self.ident(lv, *i + 2)?;
                    if alias != "_" && (!use_segment(alias) || is_path_keyword(alias)) {
                        return None;
                    }
                    let binds = (alias != "_").then(|| alias.to_string());
                    out.push((path, Some(alias.to_string()), binds, tok));
                    *i += 3;
                } else {
                    let local = if name == "self" {
                        prefix.last().copied().unwrap_or_default()
                    } else {
                        name
                    };
                    out.push((path, None, Some(local.to_string()), tok));
                    *i += 1;
                }
            }
            _ => return None,
        }
        Some(())
    }

    /// Paths, macro invocations and nested blocks in a run of tokens.
    /// `braces` is what a brace group here contains.
    fn tokens(&mut self, lv: &[u32], braces: Block) {
        let mut i = 0;
        while i < lv.len() {
            match self.kind(lv, i) {
                Some(Kind::Open(d)) => {
                    let inner = self.inside_pooled(lv, i);
                    match d {
                        Delim::Brace => {
                            // A block's inner attributes (`#![..]`) apply to
                            // the item it belongs to.
                            let (attrs, s) = self.inner_attrs(&inner);
                            let (pushed, _) = self.enter(attrs);
                            self.walk(&inner[s..], braces);
                            self.v.leave(pushed);
                        }
                        Delim::Paren if braces == Block::Fields => self.walk(&inner, Block::Fields),
                        _ => self.tokens(&inner, Block::Code),
                    }
                    self.levels.push(inner);
                    i += 1;
                }
                Some(Kind::Doc { .. }) => i += 1,
                Some(Kind::Punct(b'#')) if self.group(lv, i + 1, Delim::Bracket) => {
                    // An attribute on an expression, parameter or arm: syn's
                    // visitor ignores these.
                    i += 2;
                }
                Some(Kind::Punct(b'#'))
                    if self.punct(lv, i + 1, b'!') && self.group(lv, i + 2, Delim::Bracket) =>
                {
                    i += 3;
                }
                Some(Kind::Ident | Kind::Punct(_)) => {
                    let (next, path, macro_call, generics) = self.path_at(lv, i);
                    for (a, b) in generics {
                        self.tokens(&lv[a..b], Block::Code);
                    }
                    if let Some((segs, leading, tok)) = path
                        && (segs.len() > 1 || leading)
                    {
                        let kind = if macro_call {
                            Some(SiteKind::Macro)
                        } else {
                            could_name_a_crate(segs[0]).then_some(SiteKind::Path)
                        };
                        if let Some(kind) = kind {
                            let (line, col) = self.offset_pos(tok);
                            self.v
                                .site_at(kind, join_path(&segs, leading), None, line, col);
                        }
                    }
                    if macro_call {
                        // `path! group` (or `macro_rules! name group`): the
                        // group is macro tokens.
                        let mut j = next + 1;
                        if self.ident(lv, j).is_some() {
                            j += 1; // macro_rules! name
                        }
                        if self.any_group(lv, j) {
                            let o = lv[j] as usize;
                            self.macro_sites(o + 1, self.t.toks[o].close as usize);
                            i = j + 1;
                            continue;
                        }
                    }
                    i = next.max(i + 1);
                }
                _ => i += 1,
            }
        }
    }

    /// The sites in a macro's tokens `from..to` (see [`free::flat_sites`]):
    /// its `use` statements, then `a::b` sequences not already found as one
    /// of those.
    fn macro_sites(&mut self, from: usize, to: usize) {
        for (path, tok) in free::flat_sites(self.t, from, to) {
            let (line, col) = self.offset_pos(tok);
            self.v.site_at(SiteKind::Macro, path, None, line, col);
        }
    }

    /// A path starting at `i`: `a::b::<T>::c` or `::a::b`. Returns the index
    /// after it, the path (segments, leading `::`, token of the first
    /// segment) if there is one, whether a `!` follows (a macro call), and
    /// the generic argument ranges to scan.
    #[allow(clippy::type_complexity)]
    fn path_at(
        &self,
        lv: &[u32],
        i: usize,
    ) -> (
        usize,
        Option<(Vec<&'a str>, bool, u32)>,
        bool,
        Vec<(usize, usize)>,
    ) {
        let mut j = i;
        let mut leading = false;
        if self.colons(lv, j) {
            // A leading `::` only when nothing path-like precedes it.
            // `->` and `=>` end in `>` too, but do not close generics.
            let arrow = i >= 2
                && self.punct(lv, i - 1, b'>')
                && (self.punct(lv, i - 2, b'-') || self.punct(lv, i - 2, b'='));
            // A `>` right before the `::` (`<T>::f`) ends a qualified
            // self type; one with space after it is a comparison or the
            // end of generics (`impl<T> ::a::B for`).
            let prev_ok = i == 0
                || match self.kind(lv, i - 1) {
                    Some(Kind::Ident) => is_keyword(self.t.str(lv[i - 1] as usize)),
                    // After a block (`if c { .. } ::a::f()`), a new
                    // statement; after `(..)` or `[..]`, not a path start.
                    Some(Kind::Open(d)) => d == Delim::Brace,
                    Some(Kind::Punct(b'>')) => arrow || !self.t.toks[lv[i - 1] as usize].joint,
                    _ => true,
                };
            if !prev_ok || self.ident(lv, j + 2).is_none() {
                return (i + 1, None, false, Vec::new());
            }
            leading = true;
            j += 2;
        }
        let Some(first) = self.ident(lv, j) else {
            return (i + 1, None, false, Vec::new());
        };
        // Most identifiers are neither a path start nor a macro name:
        // decide that before allocating anything.
        if !leading && !self.colons(lv, j + 1) && !self.punct(lv, j + 1, b'!') {
            return (i + 1, None, false, Vec::new());
        }
        // Not a path start after `$` (a macro variable), a single `.` (a
        // field or method; `..` is a range), or `::` (the middle of a path).
        let after_dot =
            i > 0 && self.punct(lv, i - 1, b'.') && !(i > 1 && self.punct(lv, i - 2, b'.'));
        if i > 0
            && !leading
            && (self.punct(lv, i - 1, b'$') || after_dot || (i >= 2 && self.colons(lv, i - 2)))
        {
            return (i + 1, None, false, Vec::new());
        }
        // A keyword before `::` is not a path segment (`match ::x`, `impl
        // ::a::Trait`): the path, if any, starts at the `::`.
        if !leading && is_keyword(first) {
            return (i + 1, None, false, Vec::new());
        }
        let tok = lv[j];
        let mut segs = Vec::with_capacity(4);
        segs.push(first);
        let mut generics = Vec::new();
        j += 1;
        loop {
            if self.colons(lv, j) {
                if let Some(id) = self.ident(lv, j + 2) {
                    segs.push(id);
                    j += 3;
                    continue;
                }
                if self.punct(lv, j + 2, b'<') {
                    // Turbofish: `a::b::<T>::c` continues after the `>`.
                    let mut k = j + 3;
                    let mut depth = 1;
                    while k < lv.len() && depth > 0 {
                        if self.punct(lv, k, b'<') {
                            depth += 1;
                        } else if self.punct(lv, k, b'>') {
                            depth -= 1;
                        }
                        k += 1;
                    }
                    // The generic arguments are paths of their own.
                    generics.push((j + 3, k.saturating_sub(1).max(j + 3)));
                    if self.colons(lv, k) && self.ident(lv, k + 2).is_some() {
                        j = k;
                        continue;
                    }
                    j = k;
                    break;
                }
            }
            break;
        }
        // `name! (..)`, `name! [..]`, `name! {..}`, `macro_rules! name {..}`;
        // not `if !x` or `a != b`.
        let macro_call = self.punct(lv, j, b'!')
            && (self.any_group(lv, j + 1)
                || (segs.len() == 1
                    && segs[0] == "macro_rules"
                    && self.ident(lv, j + 1).is_some()));
        (j, Some((segs, leading, tok)), macro_call, generics)
    }
}

/// `a::b` (`::a::b` when `leading`), built in one allocation.
fn join_path(segs: &[&str], leading: bool) -> String {
    let len = segs.iter().map(|s| s.len() + 2).sum::<usize>();
    let mut s = String::with_capacity(len);
    for (n, seg) in segs.iter().enumerate() {
        if n > 0 || leading {
            s.push_str("::");
        }
        s.push_str(seg);
    }
    s
}

/// An identifier syn takes as a `use` path segment: not a keyword or a
/// reserved word other than `self`, `super` and `crate`, nor `Self`, `_`
/// or one of those written raw.
fn use_segment(s: &str) -> bool {
    if let Some(raw) = s.strip_prefix("r#") {
        return !is_path_keyword(raw) && raw != "_" && raw != "Self";
    }
    is_path_keyword(s)
        || !(s == "_"
            || s == "Self"
            || is_keyword(s)
            || matches!(
                s,
                "abstract"
                    | "become"
                    | "box"
                    | "do"
                    | "false"
                    | "final"
                    | "gen"
                    | "macro"
                    | "override"
                    | "priv"
                    | "true"
                    | "try"
                    | "typeof"
                    | "unsized"
                    | "virtual"
            ))
}

/// `Self` is not one: syn rejects it in a `use` path.
fn is_path_keyword(s: &str) -> bool {
    matches!(s, "self" | "super" | "crate")
}

/// The value of a string literal that is its text between the quotes: a
/// plain `".."` without escapes or a raw `r#".."#`, with no carriage
/// return (which the compiler would normalise). `None` for anything else.
fn plain_string(lit: &str) -> Option<&str> {
    let inner = if let Some(raw) = lit.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        body.strip_suffix(&raw[..hashes])?.strip_suffix('"')?
    } else {
        let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
        if inner.contains('\\') {
            return None;
        }
        inner
    };
    (!inner.contains('\r')).then_some(inner)
}
