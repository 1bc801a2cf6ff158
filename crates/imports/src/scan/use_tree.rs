//! Flattening a `use` tree into the paths it names:
//! `use std::{io::{self, Read as R}, fmt::*}` names `std::io`,
//! `std::io::Read` (as `R`) and `std::fmt::*`.
//!
//! One flattener for every reader of `use` items: both engines (a `use`
//! item of a file), the statements found in free tokens (macro bodies, doc
//! tests, partial scans, see [`super::free`]) and the line-by-line
//! fallback. A leaf: it knows syn's `UseTree` and nothing of the scan.

use proc_macro2::Span;

/// One path a `use` tree names.
pub(super) struct Leaf {
    /// The full path, flattened; a glob ends in `*`; a leading `::` is kept.
    pub path: String,
    /// The `as` name of a rename (`_` included).
    pub alias: Option<String>,
    /// The name it brings into scope: the last segment (the one before
    /// `self` for `a::b::{self}`), or the `as` name unless that is `_`;
    /// none for a glob.
    pub binds: Option<String>,
    /// The span of the last segment (of `*` for a glob).
    pub span: Span,
}

/// Every path of `tree` in source order; `leading`: the item starts with
/// `::`.
pub(super) fn flatten(tree: &syn::UseTree, leading: bool, f: &mut impl FnMut(Leaf)) {
    walk(tree, &mut Vec::new(), leading, f);
}

fn walk(tree: &syn::UseTree, prefix: &mut Vec<String>, leading: bool, f: &mut impl FnMut(Leaf)) {
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
            walk(&p.tree, prefix, leading, f);
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
            f(Leaf {
                path,
                alias: None,
                binds: Some(local),
                span: n.ident.span(),
            });
        }
        syn::UseTree::Rename(r) => {
            let name = r.ident.to_string();
            let path = if name == "self" {
                join(prefix, None)
            } else {
                join(prefix, Some(&name))
            };
            let alias = r.rename.to_string();
            let binds = (alias != "_").then(|| alias.clone());
            f(Leaf {
                path,
                alias: Some(alias),
                binds,
                span: r.ident.span(),
            });
        }
        syn::UseTree::Glob(g) => {
            let path = join(prefix, Some("*"));
            f(Leaf {
                path,
                alias: None,
                binds: None,
                span: g.star_token.span,
            });
        }
        syn::UseTree::Group(g) => {
            for t in &g.items {
                walk(t, prefix, leading, f);
            }
        }
    }
}
