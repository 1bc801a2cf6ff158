//! Paths in free tokens: a macro's body, a doc test, a file syn cannot
//! parse. There is no grammar to follow there, so a site is what looks
//! like one: each `use` statement (flattened by [`super::use_tree`]), then
//! each `a::b` sequence not already found as one of those.
//!
//! Two readers of the same rules: one on proc-macro2's token trees (the
//! full parse's macros, attribute arguments, the token-level fallback, a
//! doc test the flat lexer refuses) and one on the flat tokens of
//! [`super::lex`] (the fast engine's macros, and every doc test that
//! lexes: a tenth of the cost). It uses the lexer, the level reader and
//! the `use`-tree flattener, nothing that collects sites.

use std::collections::BTreeSet;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};

use super::level::{Trees, level};
use super::lex::{self, Delim, Kind, Toks};
use super::use_tree;

/// `a::b(::c)*` sequences in a token stream, recursively through groups.
/// `$crate::..` is skipped (it names the macro's own crate).
pub(super) fn token_paths(tokens: TokenStream, out: &mut Vec<(String, Span)>) {
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
                match (tts.get(j + 2), tts.get(j + 3)) {
                    (Some(TokenTree::Ident(id)), _) => {
                        segs.push(id.to_string());
                        j += 3;
                    }
                    // `log::$level!(..)` in a macro body: a metavariable
                    // ends the path, whose crate is still named.
                    (Some(TokenTree::Punct(d)), Some(TokenTree::Ident(id)))
                        if d.as_char() == '$' =>
                    {
                        segs.push(format!("${id}"));
                        j += 4;
                        break;
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
pub(super) fn token_sites(tokens: TokenStream) -> Vec<(String, Span)> {
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
pub(super) fn use_statements(tokens: TokenStream, out: &mut Vec<(String, Span)>) {
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
                let span = tts[i].span();
                use_tree::flatten(&item.tree, item.leading_colon.is_some(), &mut |leaf| {
                    out.push((leaf.path, span));
                });
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

/// The sites in free-standing code (a doc test), as [`token_sites`] finds
/// them, with line and column; `None` if it does not lex.
pub(super) fn code_sites(code: &str) -> Option<Vec<(String, usize, usize)>> {
    let t = lex::lex(code).ok()?;
    Some(
        flat_sites(&t, 0, t.toks.len())
            .into_iter()
            .map(|(p, tok)| {
                let (line, col) = t.offset_pos(tok);
                (p, line, col)
            })
            .collect(),
    )
}

/// [`token_sites`] on the flat tokens `from..to`: `use` statements, then
/// `a::b` sequences not already found as one of those, each with the index
/// of its first token.
pub(super) fn flat_sites(t: &Toks, from: usize, to: usize) -> Vec<(String, u32)> {
    let mut found = Vec::new();
    flat_use_statements(t, &level(t, from, to), &mut found);
    let uses: BTreeSet<String> = found.iter().map(|(p, _)| p.clone()).collect();
    let mut paths = Vec::new();
    flat_token_paths(t, from, to, &mut paths);
    found.extend(paths.into_iter().filter(|(p, _)| !uses.contains(p)));
    found
}

/// [`use_statements`] on a level of flat tokens.
fn flat_use_statements(t: &Toks, lv: &[u32], out: &mut Vec<(String, u32)>) {
    let mut i = 0;
    while i < lv.len() {
        if t.is_ident(lv, i, "use") {
            let mut j = i + 1;
            while j < lv.len() && !t.punct(lv, j, b';') {
                j += 1;
            }
            let (text, _) = t.text(lv, i, (j + 1).min(lv.len()));
            if let Ok(item) = syn::parse_str::<syn::ItemUse>(text) {
                let tok = lv[i];
                use_tree::flatten(&item.tree, item.leading_colon.is_some(), &mut |leaf| {
                    out.push((leaf.path, tok));
                });
            }
            i = j + 1;
            continue;
        }
        if t.group(lv, i, Delim::Brace) {
            let inner = t.inside(lv, i);
            flat_use_statements(t, &inner, out);
        }
        i += 1;
    }
}

/// [`token_paths`] on the flat tokens `from..to`: `a::b(::c)*` sequences;
/// `$crate::..` is skipped (it names the macro's own crate).
fn flat_token_paths(t: &Toks, from: usize, to: usize, out: &mut Vec<(String, u32)>) {
    let toks = &t.toks;
    let is = |k: usize, c: u8| k < to && toks[k].kind == Kind::Punct(c);
    let colons = |k: usize| is(k, b':') && toks[k].joint && is(k + 1, b':');
    let ident = |k: usize| k < to && toks[k].kind == Kind::Ident;
    let mut i = from;
    while i < to {
        // As `token_paths`: a leading `::` starts a path unless an
        // identifier, a group or a `>` right before it (`<T>::c`) makes it
        // the middle of one.
        let after_colons = i >= from + 2 && colons(i - 2);
        let leading = after_colons
            && (i < from + 3
                || match toks[i - 3].kind {
                    Kind::Ident | Kind::Close(_) => false,
                    Kind::Punct(b'>') => !toks[i - 3].joint,
                    _ => true,
                });
        let starts = ident(i) && (!after_colons || leading) && !(i > from && is(i - 1, b'$'));
        if starts {
            let mut segs = vec![t.str(i)];
            let mut j = i + 1;
            while colons(j) && ident(j + 2) {
                segs.push(t.str(j + 2));
                j += 3;
            }
            // `log::$level!(..)` in a macro body: a metavariable ends the
            // path, whose crate is still named.
            if colons(j) && is(j + 2, b'$') && ident(j + 3) && toks[j + 2].end == toks[j + 3].start
            {
                segs.push(&t.text[toks[j + 2].start as usize..toks[j + 3].end as usize]);
                j += 4;
            }
            if segs.len() >= 2 || leading {
                let lead = if leading { "::" } else { "" };
                out.push((format!("{lead}{}", segs.join("::")), i as u32));
                i = j;
                continue;
            }
        }
        i += 1;
    }
}
