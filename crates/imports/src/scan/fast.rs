//! The fast scan: the same sites as the full syn parse, at a fraction of
//! the cost.
//!
//! syn's full parse builds an AST for every expression of every function
//! body, which is most of the work and none of the information: paths in
//! code are token sequences (`a::b`), and what needs syn's grammar is small
//! (a `use` tree, an `extern crate`, an attribute). So this walks the
//! token tree from proc-macro2 (the exact lexer syn uses: comments, strings,
//! raw strings and doc comments are handled identically) and hands syn only
//! those small pieces, reusing the visitor's own handling for them. What a
//! full parse reports as a site, so does this; `scan::tests` and the corpus
//! check in BENCHMARKS.md compare the two.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::Parser;

use super::{SiteKind, Visitor, could_name_a_crate, token_sites};

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

fn is_punct(t: Option<&TokenTree>, c: char) -> bool {
    matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

fn is_ident(t: Option<&TokenTree>, s: &str) -> bool {
    matches!(t, Some(TokenTree::Ident(i)) if i == s)
}

fn is_group(t: Option<&TokenTree>, d: Delimiter) -> bool {
    matches!(t, Some(TokenTree::Group(g)) if g.delimiter() == d)
}

fn is_colons(tts: &[TokenTree], i: usize) -> bool {
    matches!((tts.get(i), tts.get(i + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && b.as_char() == ':' && a.spacing() == proc_macro2::Spacing::Joint)
}

/// Scan `text` with the fast walker; `None` when it cannot be tokenized
/// (the caller then takes the full path, which reports the failure).
pub(super) fn scan(text: &str) -> Option<Visitor> {
    let tokens: TokenStream = text.parse().ok()?;
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut w = Walker {
        v: Visitor::default(),
    };
    w.v.names.entry(Vec::new()).or_default();
    // Inner attributes of the file (`#![...]`).
    let mut i = 0;
    let mut inner = Vec::new();
    while is_punct(tts.get(i), '#')
        && is_punct(tts.get(i + 1), '!')
        && is_group(tts.get(i + 2), Delimiter::Bracket)
    {
        let ts: TokenStream = tts[i..i + 3].iter().cloned().collect();
        if let Ok(mut a) = syn::Attribute::parse_inner.parse2(ts) {
            inner.append(&mut a);
        }
        i += 3;
    }
    for a in &inner {
        w.v.attribute(a);
    }
    w.walk(&tts[i..], Block::Module);
    w.v.docs_flush();
    Some(w.v)
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

/// The inner attributes (`#![..]`) at the start of a block, and where the
/// rest begins.
fn inner_attrs(tts: &[TokenTree]) -> (Vec<syn::Attribute>, usize) {
    let mut out = Vec::new();
    let mut s = 0;
    while is_punct(tts.get(s), '#')
        && is_punct(tts.get(s + 1), '!')
        && is_group(tts.get(s + 2), Delimiter::Bracket)
    {
        let ts: TokenStream = tts[s..s + 3].iter().cloned().collect();
        if let Ok(mut a) = syn::Attribute::parse_inner.parse2(ts) {
            out.append(&mut a);
        }
        s += 3;
    }
    (out, s)
}

struct Walker {
    v: Visitor,
}

/// The keywords that start an item or a statement whose attributes syn
/// applies (cfg included) rather than ignores.
fn item_start(tts: &[TokenTree], mut i: usize) -> bool {
    loop {
        match tts.get(i) {
            Some(TokenTree::Ident(id)) => {
                let s = id.to_string();
                match s.as_str() {
                    "pub" => {
                        i += 1;
                        if is_group(tts.get(i), Delimiter::Parenthesis) {
                            i += 1;
                        }
                    }
                    "unsafe" | "async" | "default" | "auto" => i += 1,
                    "extern" => {
                        i += 1;
                        if matches!(tts.get(i), Some(TokenTree::Literal(_))) {
                            i += 1;
                        }
                    }
                    "use" | "mod" | "fn" | "struct" | "enum" | "union" | "trait" | "impl"
                    | "type" | "const" | "static" | "macro_rules" | "let" | "macro" => return true,
                    _ => {
                        // A macro invocation in item position: `path! { .. }`.
                        let mut j = i;
                        while matches!(tts.get(j), Some(TokenTree::Ident(_)))
                            && is_colons(tts, j + 1)
                        {
                            j += 3;
                        }
                        return matches!(tts.get(j), Some(TokenTree::Ident(_)))
                            && is_punct(tts.get(j + 1), '!')
                            && matches!(tts.get(j + 2), Some(TokenTree::Group(_)));
                    }
                }
            }
            _ => return false,
        }
    }
}

/// Where the item or statement starting at `i` ends: after a `;` (or, for
/// fields and variants, a `,`) at this level, or after its first brace
/// group (and an `else` chain).
fn item_end(tts: &[TokenTree], i: usize, block: Block) -> usize {
    let mut j = i;
    while j < tts.len() {
        match &tts[j] {
            TokenTree::Punct(p)
                if p.as_char() == ';' || (p.as_char() == ',' && block == Block::Fields) =>
            {
                return j + 1;
            }
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                // `struct S { .. }` ends here, `let x = S { .. };` does not:
                // a brace group followed by more of the same statement
                // (`;`, `.`, `?`, an operator) continues.
                match tts.get(j + 1) {
                    Some(TokenTree::Punct(p)) if p.as_char() != '#' => j += 1,
                    Some(TokenTree::Ident(id)) if id == "else" => j += 1,
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

impl Walker {
    fn walk(&mut self, tts: &[TokenTree], block: Block) {
        let mut i = 0;
        while i < tts.len() {
            // Outer attributes (and inner ones of a block).
            let mut attrs: Vec<syn::Attribute> = Vec::new();
            loop {
                if is_punct(tts.get(i), '#') && is_group(tts.get(i + 1), Delimiter::Bracket) {
                    let ts: TokenStream = tts[i..i + 2].iter().cloned().collect();
                    if let Ok(mut a) = syn::Attribute::parse_outer.parse2(ts) {
                        attrs.append(&mut a);
                    }
                    i += 2;
                } else if is_punct(tts.get(i), '#')
                    && is_punct(tts.get(i + 1), '!')
                    && is_group(tts.get(i + 2), Delimiter::Bracket)
                {
                    // Inner attributes belong to the enclosing item; the
                    // caller read them (see `inner_attrs`).
                    i += 3;
                } else {
                    break;
                }
            }
            if i >= tts.len() {
                if block == Block::Fields {
                    for a in &attrs {
                        self.v.attribute(a);
                    }
                }
                break;
            }
            let j = item_end(tts, i, block).max(i + 1);
            let item_like = matches!(block, Block::Module | Block::Assoc) || item_start(tts, i);
            let pushed = if item_like {
                let p = self.v.enter(&attrs);
                self.v.docs_flush();
                p
            } else {
                if block == Block::Fields {
                    for a in &attrs {
                        self.v.attribute(a);
                    }
                }
                false
            };
            self.item(&tts[i..j], block, &attrs);
            self.v.leave(pushed);
            i = j;
        }
    }

    fn item(&mut self, tts: &[TokenTree], block: Block, attrs: &[syn::Attribute]) {
        // Skip visibility and qualifiers to find the keyword.
        let mut k = 0;
        loop {
            match tts.get(k) {
                Some(TokenTree::Ident(id)) if id == "pub" => {
                    k += 1;
                    if let Some(TokenTree::Group(g)) = tts.get(k)
                        && g.delimiter() == Delimiter::Parenthesis
                    {
                        // `pub(in a::b)` names a path.
                        let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                        self.tokens(&inner, Block::Code);
                        k += 1;
                    }
                }
                Some(TokenTree::Ident(id))
                    if id == "unsafe" || id == "async" || id == "default" || id == "auto" =>
                {
                    k += 1
                }
                Some(TokenTree::Ident(id))
                    if id == "extern" && !is_ident(tts.get(k + 1), "crate") =>
                {
                    k += 1;
                    if matches!(tts.get(k), Some(TokenTree::Literal(_))) {
                        k += 1;
                    }
                }
                _ => break,
            }
        }
        let kw = match tts.get(k) {
            Some(TokenTree::Ident(id)) => id.to_string(),
            _ => String::new(),
        };
        let ts = || -> TokenStream { tts.iter().cloned().collect() };
        match kw.as_str() {
            "use" if block != Block::Fields => {
                if let Ok(u) = syn::parse2::<syn::ItemUse>(ts()) {
                    let kind = if matches!(u.vis, syn::Visibility::Inherited) {
                        SiteKind::Use
                    } else {
                        SiteKind::PubUse
                    };
                    self.v
                        .use_tree(&u.tree, &mut Vec::new(), kind, u.leading_colon.is_some());
                    return;
                }
            }
            "extern" if is_ident(tts.get(k + 1), "crate") => {
                if let Ok(e) = syn::parse2::<syn::ItemExternCrate>(ts()) {
                    let name = e.ident.to_string();
                    let alias = e.rename.as_ref().map(|(_, id)| id.to_string());
                    self.v
                        .use_name(alias.clone().unwrap_or_else(|| name.clone()));
                    self.v
                        .site(SiteKind::ExternCrate, name, alias, e.ident.span());
                    if let Some(s) = self.v.sites.last_mut() {
                        s.macro_use = super::u_macro_use(attrs);
                    }
                    return;
                }
            }
            "mod"
                if matches!(tts.get(k + 1), Some(TokenTree::Ident(_)))
                    && block != Block::Fields =>
            {
                let name = tts[k + 1].to_string();
                self.v.name(name.clone());
                if let Some(TokenTree::Group(g)) = tts.get(k + 2)
                    && g.delimiter() == Delimiter::Brace
                {
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    let (inner_attrs, s) = inner_attrs(&inner);
                    let pushed = self.v.enter(&inner_attrs);
                    self.v.scope.push(name);
                    self.v.names.entry(self.v.scope.clone()).or_default();
                    self.walk(&inner[s..], Block::Module);
                    self.v.docs_flush();
                    self.v.scope.pop();
                    self.v.leave(pushed);
                    return;
                }
                self.v.mod_decl(name, attrs);
                return;
            }
            "struct" | "enum" | "union" | "trait" | "type"
                if matches!(tts.get(k + 1), Some(TokenTree::Ident(_)))
                    && block != Block::Assoc
                    && block != Block::Fields =>
            {
                self.v.name(tts[k + 1].to_string());
            }
            _ => {}
        }
        let body = match kw.as_str() {
            _ if block == Block::Fields => Block::Fields,
            "struct" | "enum" | "union" => Block::Fields,
            "impl" | "trait" => Block::Assoc,
            _ => Block::Code,
        };
        self.tokens(&tts[k..], body);
    }

    /// Paths, macro invocations and nested blocks in a run of tokens.
    /// `braces` is what a brace group here contains.
    fn tokens(&mut self, tts: &[TokenTree], braces: Block) {
        let mut i = 0;
        while i < tts.len() {
            match &tts[i] {
                TokenTree::Group(g) => {
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    match g.delimiter() {
                        Delimiter::Brace => {
                            // A block's inner attributes (`#![..]`) apply to
                            // the item it belongs to.
                            let (attrs, s) = inner_attrs(&inner);
                            let pushed = self.v.enter(&attrs);
                            self.walk(&inner[s..], braces);
                            self.v.leave(pushed);
                        }
                        Delimiter::Parenthesis if braces == Block::Fields => {
                            self.walk(&inner, Block::Fields)
                        }
                        _ => self.tokens(&inner, Block::Code),
                    }
                    i += 1;
                }
                TokenTree::Punct(p)
                    if p.as_char() == '#' && is_group(tts.get(i + 1), Delimiter::Bracket) =>
                {
                    // An attribute on an expression, parameter or arm: syn's
                    // visitor ignores these.
                    i += 2;
                }
                TokenTree::Punct(p)
                    if p.as_char() == '#'
                        && is_punct(tts.get(i + 1), '!')
                        && is_group(tts.get(i + 2), Delimiter::Bracket) =>
                {
                    i += 3;
                }
                TokenTree::Ident(_) | TokenTree::Punct(_) => {
                    let (next, path, macro_call, generics) = self.path_at(tts, i);
                    for (a, b) in generics {
                        self.tokens(&tts[a..b], Block::Code);
                    }
                    if let Some((segs, leading, span)) = path {
                        let s = format!("{}{}", if leading { "::" } else { "" }, segs.join("::"));
                        if macro_call {
                            if segs.len() > 1 || leading {
                                self.v.site(SiteKind::Macro, s, None, span);
                            }
                        } else if (segs.len() > 1 || leading) && could_name_a_crate(&segs[0]) {
                            self.v.site(SiteKind::Path, s, None, span);
                        }
                    }
                    if macro_call {
                        // `path! group` (or `macro_rules! name group`): the
                        // group is macro tokens.
                        let mut j = next + 1;
                        if matches!(tts.get(j), Some(TokenTree::Ident(_))) {
                            j += 1; // macro_rules! name
                        }
                        if let Some(TokenTree::Group(g)) = tts.get(j) {
                            for (path, span) in token_sites(g.stream()) {
                                self.v.site(SiteKind::Macro, path, None, span);
                            }
                            i = j + 1;
                            continue;
                        }
                    }
                    i = next.max(i + 1);
                }
                TokenTree::Literal(_) => i += 1,
            }
        }
    }

    /// A path starting at `i`: `a::b::<T>::c` or `::a::b`. Returns the index
    /// after it, the path (segments, leading `::`, span of the first
    /// segment) if there is one, and whether a `!` follows (a macro call).
    #[allow(clippy::type_complexity)]
    fn path_at(
        &self,
        tts: &[TokenTree],
        i: usize,
    ) -> (
        usize,
        Option<(Vec<String>, bool, proc_macro2::Span)>,
        bool,
        Vec<(usize, usize)>,
    ) {
        let mut j = i;
        let mut leading = false;
        if is_colons(tts, j) {
            // A leading `::` only when nothing path-like precedes it.
            // `->` and `=>` end in `>` too, but do not close generics.
            let arrow = i >= 2
                && is_punct(tts.get(i - 1), '>')
                && (is_punct(tts.get(i - 2), '-') || is_punct(tts.get(i - 2), '='));
            let prev_ok = i == 0
                || !matches!(&tts[i - 1], TokenTree::Ident(_) | TokenTree::Group(_))
                    && (!is_punct(tts.get(i - 1), '>') || arrow);
            if !prev_ok || !matches!(tts.get(j + 2), Some(TokenTree::Ident(_))) {
                return (i + 1, None, false, Vec::new());
            }
            leading = true;
            j += 2;
        }
        let Some(TokenTree::Ident(first)) = tts.get(j) else {
            return (i + 1, None, false, Vec::new());
        };
        // Most identifiers are neither a path start nor a macro name:
        // decide that before allocating anything.
        if !leading && !is_colons(tts, j + 1) && !is_punct(tts.get(j + 1), '!') {
            return (i + 1, None, false, Vec::new());
        }
        // Not a path start after `$` (a macro variable), a single `.` (a
        // field or method; `..` is a range), `'` (a lifetime), or `::` (the
        // middle of a path).
        let after_dot =
            i > 0 && is_punct(tts.get(i - 1), '.') && !(i > 1 && is_punct(tts.get(i - 2), '.'));
        if i > 0
            && !leading
            && (is_punct(tts.get(i - 1), '$')
                || after_dot
                || is_punct(tts.get(i - 1), '\'')
                || (i >= 2 && is_colons(tts, i - 2)))
        {
            return (i + 1, None, false, Vec::new());
        }
        // A keyword before `::` is not a path segment (`match ::x`, `impl
        // ::a::Trait`): the path, if any, starts at the `::`.
        if !leading && is_keyword(&first.to_string()) {
            return (i + 1, None, false, Vec::new());
        }
        let span = first.span();
        let mut segs = vec![first.to_string()];
        let mut generics = Vec::new();
        j += 1;
        loop {
            if is_colons(tts, j) {
                if let Some(TokenTree::Ident(id)) = tts.get(j + 2) {
                    segs.push(id.to_string());
                    j += 3;
                    continue;
                }
                if is_punct(tts.get(j + 2), '<') {
                    // Turbofish: `a::b::<T>::c` continues after the `>`.
                    let mut k = j + 3;
                    let mut depth = 1;
                    while k < tts.len() && depth > 0 {
                        if is_punct(tts.get(k), '<') {
                            depth += 1;
                        } else if is_punct(tts.get(k), '>') {
                            depth -= 1;
                        }
                        k += 1;
                    }
                    // The generic arguments are paths of their own.
                    generics.push((j + 3, k.saturating_sub(1).max(j + 3)));
                    if is_colons(tts, k) && matches!(tts.get(k + 2), Some(TokenTree::Ident(_))) {
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
        let macro_call = is_punct(tts.get(j), '!')
            && (matches!(tts.get(j + 1), Some(TokenTree::Group(_)))
                || (segs.len() == 1
                    && segs[0] == "macro_rules"
                    && matches!(tts.get(j + 1), Some(TokenTree::Ident(_)))));
        (j, Some((segs, leading, span)), macro_call, generics)
    }
}
