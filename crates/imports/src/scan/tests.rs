//! The scan through its entry points: what each kind of construct gives,
//! the fallback, and the two engines against each other.

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
        // `use` items and attributes the walk reads from tokens (and the
        // forms it leaves to syn: escapes, keywords, `unsafe use`).
        "use a::{self, b::{self as c, *}, d as _,}; pub use ::e::{}; pub(crate) use self::f::g;\nuse super::h as i; use crate::{j, k::l}; use r#type::x; use m::{n::{o, p}, q};\npub(in crate::z) use y::{self as w};\nfn f() { use s::t as u; }",
        "#[doc = \"```\"]\n#[doc = \"use docdep::X;\"]\n#[doc(hidden)]\n#[doc = \"```\"]\nfn f() {}\n#[doc = r#\"```\nuse rawdep::Y;\n```\"#]\n#[doc = \"```\\nuse escdep::Z;\\n```\"]\nfn g() {}",
        "#[cfg(any(test, feature = \"a\"))] use a1::b; #[cfg(all(feature = \"b\", not(unix)))] use b1::c;\n#[cfg(any(test,))] use c1::d; #[cfg(test)] #[cfg(feature = \"e\")] use e1::f;\n#[test] fn t() { x::y(); } #[bench] fn b() { z::w(); } mod m { #![cfg(feature = \"c\")] use d1::e; }\n#[cfg_attr(test, derive(serde::Serialize))] struct S;",
    ];
    for src in sources {
        let full = scan_with(src.as_bytes(), Engine::Full);
        let fast = scan_with(src.as_bytes(), Engine::Fast);
        assert!(full.failure.is_none(), "{src}: {:?}", full.failure);
        assert_eq!(key(&fast), key(&full), "{src}");
        assert_eq!(fast.mods, full.mods, "{src}");
        assert_eq!(fast.scopes, full.scopes, "{src}");
        assert_eq!(fast.names, full.names, "{src}");
        assert_eq!(fast.cfg_names, full.cfg_names, "{src}");
        assert_eq!(fast.use_names, full.use_names, "{src}");
    }
}

/// Items syn rejects are the file's parse failure in both engines: the
/// fast walk reads only the `use` items syn would accept (it took
/// `pub(foo) use` and `use Self::a` silently; found in review).
#[test]
fn use_items_syn_rejects_fail_in_both_engines() {
    for src in [
        "use Self::a;",
        "use a::{Self};",
        "use r#Self::a;",
        "pub(foo) use a::b;",
        "pub() use a::b;",
        "pub(in) use a::b;",
        "pub(crate x) use a::b;",
        "pub(crate::x) use a::b;",
        "pub(super, x) use a::b;",
        "use a::b as c::d;",
    ] {
        let full = scan_with(src.as_bytes(), Engine::Full);
        let fast = scan_with(src.as_bytes(), Engine::Fast);
        assert!(
            full.failure.is_some() && full.partial,
            "{src}: full {full:?}"
        );
        assert_eq!(fast.failure, full.failure, "{src}");
        assert_eq!(key(&fast), key(&full), "{src}");
    }
}

/// A doc comment inside a cfg predicate is `#[doc = ".."]` to syn: some
/// other condition in both engines.
#[test]
fn a_doc_comment_in_a_cfg_is_some_other_condition() {
    let src = "#[cfg(all(feature = \"a\", /** doc */ test))] use a::b;";
    let full = scan_with(src.as_bytes(), Engine::Full);
    let fast = scan_with(src.as_bytes(), Engine::Fast);
    assert!(full.sites[0].cfg.other, "{:?}", full.sites);
    assert_eq!(key(&fast), key(&full));
}

/// mio writes `log::$level!(..)` inside a `macro_rules!` body: the crate is
/// named even though the path ends in a metavariable (it was called
/// misplaced, its only other use being in an example).
#[test]
fn a_macro_path_ending_in_a_metavariable_names_its_crate() {
    let src = "macro_rules! log { ($level:ident, $($t:tt)*) => { #[cfg(feature = \"log\")] { log::$level!($($t)*); } } }";
    for engine in [Engine::Full, Engine::Fast] {
        let got: Vec<String> = scan_with(src.as_bytes(), engine)
            .sites
            .into_iter()
            .filter(|s| s.kind == SiteKind::Macro)
            .map(|s| s.path)
            .collect();
        assert_eq!(got, vec!["log::$level".to_string()], "{engine:?}");
    }
}

/// icu_provider: `#[cfg(feature = "logging")] pub use log;` beside
/// `#[cfg(not(feature = "logging"))] pub mod log { .. }`. The module is a
/// name of its cfg only, so that the `use` can name the crate.
#[test]
fn a_name_declared_under_a_cfg_is_recorded_with_it() {
    let src = "#[cfg(feature = \"logging\")]\npub use log;\n#[cfg(not(feature = \"logging\"))]\npub mod log { pub struct S; }\nstruct Always;";
    for engine in [Engine::Full, Engine::Fast] {
        let s = scan_with(src.as_bytes(), engine);
        let always: Vec<&String> = s.names.get(&0).into_iter().flatten().collect();
        assert_eq!(always, vec!["Always"], "{engine:?}");
        let cfgs = &s.cfg_names[&0]["log"];
        assert_eq!(cfgs.len(), 1, "{engine:?}");
        assert!(cfgs[0].other && cfgs[0].features.is_empty(), "{engine:?}");
    }
}

/// cranelift-assembler-x64's `#[cfg(any(test, feature = "fuzz"))] pub mod
/// fuzz;` is built with the feature too: not test code (its dependencies
/// were called misplaced).
#[test]
fn any_of_test_and_something_else_is_not_test_code() {
    let cfg_of = |attr: &str| {
        let src = format!("{attr}\nfn f() {{ a::b(); }}");
        scan(src.as_bytes()).sites[0].cfg.clone()
    };
    assert!(cfg_of("#[cfg(test)]").test);
    assert!(cfg_of("#[cfg(all(test, unix))]").test);
    assert!(cfg_of("#[cfg(any(test))]").test);
    assert!(cfg_of("#[cfg(any(test,))]").test);
    assert!(cfg_of("#[cfg(all(unix, any(test)))]").test);
    for attr in [
        "#[cfg(any(test, feature = \"fuzz\"))]",
        "#[cfg(any(unix, all(test, windows)))]",
        "#[cfg(not(test))]",
    ] {
        let cfg = cfg_of(attr);
        assert!(!cfg.test && cfg.other, "{attr}: {cfg:?}");
    }
}

/// regalloc2 calls `arbtest::arbtest` only in `#[test] fn smoke()` bodies
/// of library code, which exist only when tests are built: test code (the
/// compiler called arbtest unused, pimports called it used).
#[test]
fn a_test_function_is_test_code() {
    for engine in [Engine::Full, Engine::Fast] {
        let src = "#[test]\nfn smoke() { arbtest::arbtest(|u| Ok(())); }\n#[tokio::test]\nasync fn t() { a::b(); }\nfn plain() { c::d(); }\n#[inline]\nfn e() { f::g(); }";
        let got: Vec<(String, bool)> = scan_with(src.as_bytes(), engine)
            .sites
            .into_iter()
            .map(|s| (s.path, s.cfg.test))
            .collect();
        assert_eq!(
            got,
            vec![
                ("arbtest::arbtest".to_string(), true),
                ("tokio::test".to_string(), false),
                ("a::b".to_string(), true),
                ("c::d".to_string(), false),
                ("f::g".to_string(), false),
            ],
            "{engine:?}"
        );
    }
}
