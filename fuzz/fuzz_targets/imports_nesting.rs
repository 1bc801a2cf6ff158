//! pimports on deeply nested Rust, both engines: a small grammar-ish
//! generator puts a nesting construct (parentheses, blocks, inline
//! modules, generics, use groups, closures, unary operators, ...) up to
//! 262,140 levels deep into a syntactic place (a function body, a type, an
//! attribute, a macro call, a doc test, a use tree, the top level), so
//! that depth is reached in every input rather than by luck. Mixed nests
//! cycle through up to four constructs.
//!
//! Properties: as `imports_scan` (no crash on the tool's 256 MiB parsing
//! stack, engines agree when syn parses), and, through libFuzzer's
//! `-timeout`, no super-linear blow-up.
#![no_main]

mod common;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Place {
    FnBody,
    ConstType,
    Attr,
    DocAttr,
    MacroCall,
    DocTest,
    UseTree,
    TopLevel,
    ImplBlock,
    Pattern,
}

impl Place {
    fn wrap(self) -> (&'static str, &'static str) {
        match self {
            Place::FnBody => ("use std::io;\nfn f() {\n    let x = ", ";\n}\n"),
            Place::ConstType => ("const X: ", " = 0;\n"),
            Place::Attr => (
                "#[derive(serde::Serialize)]\n#[cfg_attr(feature = \"x\", a::b(",
                "))]\nstruct S;\n",
            ),
            Place::DocAttr => ("#[doc = ", "]\nfn f() {}\n"),
            Place::MacroCall => ("fn f() { m::n!(", "); }\n"),
            Place::DocTest => (
                "/// ```\n/// use dep::x;\n/// let y = ",
                ";\n/// ```\nfn f() {}\n",
            ),
            Place::UseTree => ("use ", ";\n"),
            Place::TopLevel => ("", "\n"),
            Place::ImplBlock => ("impl a::T for S { fn g() -> b::U { ", " } }\n"),
            Place::Pattern => ("fn f() { match v { ", " => {} } }\n"),
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Nest {
    Paren,
    Bracket,
    Brace,
    Block,
    Unsafe,
    InlineMod,
    CfgMod,
    Generic,
    UseGroup,
    PathSeg,
    Closure,
    Not,
    Neg,
    Ref,
    Deref,
    Call,
    Index,
    Tuple,
    If,
    Loop,
    Async,
    MacroTokens,
    Struct,
    TypeRef,
    FnPtr,
    Impl,
    Attribute,
    Method,
    Field,
    Try,
    Cast,
    BinOp,
    Range,
    Return,
    LineComment,
    BlockComment,
}

impl Nest {
    fn parts(self) -> (&'static str, &'static str) {
        match self {
            Nest::Paren => ("(", ")"),
            Nest::Bracket => ("[", "]"),
            Nest::Brace => ("{", "}"),
            Nest::Block => ("{ a::b(); ", " }"),
            Nest::Unsafe => ("unsafe { ", " }"),
            Nest::InlineMod => ("mod a { use b::c; ", " }"),
            Nest::CfgMod => ("#[cfg(test)] mod t { ", " }"),
            Nest::Generic => ("Vec<", ">"),
            Nest::UseGroup => ("a::{b, ", "}"),
            Nest::PathSeg => ("a::", ""),
            Nest::Closure => ("|| ", ""),
            Nest::Not => ("!", ""),
            Nest::Neg => ("-", ""),
            Nest::Ref => ("&", ""),
            Nest::Deref => ("*", ""),
            Nest::Call => ("f::g(", ")"),
            Nest::Index => ("a[", "]"),
            Nest::Tuple => ("(a::B, ", ")"),
            Nest::If => ("if c { ", " } else { d::e() }"),
            Nest::Loop => ("loop { ", " }"),
            Nest::Async => ("async move { ", " }"),
            Nest::MacroTokens => ("m!(x::y ", ")"),
            Nest::Struct => ("S { a: ", " }"),
            Nest::TypeRef => ("&'a ", ""),
            Nest::FnPtr => ("fn() -> ", ""),
            Nest::Impl => ("impl Fn() -> ", ""),
            Nest::Attribute => ("#[a::b] ", ""),
            Nest::Method => ("", ".m()"),
            Nest::Field => ("", ".f"),
            Nest::Try => ("", "?"),
            Nest::Cast => ("", " as u8"),
            Nest::BinOp => ("1 + ", ""),
            Nest::Range => ("..", ""),
            Nest::Return => ("return ", ""),
            Nest::LineComment => ("// a::b\n", ""),
            Nest::BlockComment => ("/* a::b /* ", " */ */"),
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Leaf {
    Ident,
    Path,
    Call,
    Lit,
    Str,
    Empty,
    Type,
}

impl Leaf {
    fn text(self) -> &'static str {
        match self {
            Leaf::Ident => "x",
            Leaf::Path => "serde_json::Value",
            Leaf::Call => "std::mem::take(&mut v)",
            Leaf::Lit => "1",
            Leaf::Str => "\"a::b\"",
            Leaf::Empty => "",
            Leaf::Type => "u8",
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    place: Place,
    nests: [Nest; 4],
    /// How many of `nests` cycle (1..=4).
    mix: u8,
    depth: u16,
    leaf: Leaf,
    /// Leave the closing half off (unbalanced input).
    unclosed: bool,
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let depth = usize::from(input.depth) * 4;
    let nests = &input.nests[..usize::from(input.mix % 4) + 1];
    let (head, tail) = input.place.wrap();
    let mut text = String::from(head);
    let doc = matches!(input.place, Place::DocTest);
    for i in 0..depth {
        text.push_str(nests[i % nests.len()].parts().0);
        if doc && i % 64 == 63 {
            text.push_str("\n/// ");
        }
    }
    text.push_str(input.leaf.text());
    if !input.unclosed {
        for i in (0..depth).rev() {
            text.push_str(nests[i % nests.len()].parts().1);
        }
    }
    text.push_str(tail);
    let bytes = text.as_bytes();
    if std::env::var_os("PFILES_FUZZ_DUMP").is_some() {
        // What a saved input generates (to turn it into a regression test).
        eprintln!(
            "{input:?}: {} bytes, starting {:?}",
            bytes.len(),
            &text[..text.len().min(200)]
        );
    }
    let (full, fast) = common::imports::scan_both(bytes);
    common::imports::check("imports_nesting", data, bytes, &full, &fast);
});
