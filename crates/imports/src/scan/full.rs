//! The full-parse engine, `--full-parse`: syn parses the whole file and
//! its visitor walks every item, expression, type and macro, handing each
//! import-bearing construct to the shared [`Collector`]. The reference the
//! fast engine ([`super::fast`]) is compared with, and the engine taken
//! for a file the fast one cannot read.

use syn::visit::Visit;

use super::collect::{Collector, path_string, u_macro_use};
use super::free::token_sites;
use super::site::{SiteKind, could_name_a_crate};

/// The sites of a file syn parsed (the caller checked its depth first, see
/// [`super::nesting`]).
pub(super) fn scan(file: &syn::File) -> Collector {
    let mut v = Collector::default();
    v.names.entry(0).or_default();
    for attr in &file.attrs {
        v.attribute(attr);
    }
    for item in &file.items {
        v.visit_item(item);
    }
    v.docs_flush();
    v
}

impl<'ast> Visit<'ast> for Collector {
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
                self.use_tree(&u.tree, kind, u.leading_colon.is_some());
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

impl Collector {
    /// Visit something under its attributes: their sites and docs, and
    /// their cfg context for what `walk` finds inside.
    fn scoped(&mut self, attrs: &[syn::Attribute], walk: impl FnOnce(&mut Self)) {
        let pushed = self.enter(attrs);
        self.docs_flush();
        walk(self);
        self.leave(pushed);
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
