//! How deep a parser would recurse on a file, estimated from its tokens
//! before anything recurses, so that deep input is that file's error and
//! never a stack overflow that ends the run.
//!
//! syn (and the fast engine's token walk) recurse once per level of a
//! group (`(`, `[`, `{`), and syn also once per prefix or right-nested
//! construct that has no brackets of its own: `Vec<Vec<..>>`, `&&&T`,
//! `!!!x`, `|x| |y| ..`, `return return ..`, `a = b = ..`. The estimate
//! at a token is the number of groups open there plus, for each of those
//! groups (and the top level), how many punctuation characters (other than
//! `,` `;` `.` `:` `#`) and keywords came since the group's current
//! element began. An element ends at `,`, `;`, and at a brace group
//! followed by an item or statement start (`fn a() -> X {} fn b() ..`),
//! not `else` or an operator (`if a {} else if ..`). Left-nested chains
//! (`a + b + ..`, `x.f().g()..`) count too, although syn builds them in a
//! loop: a sound bound is worth refusing a 4,000-term expression.
//!
//! [`MAX_NESTING`] is the limit: measured with a 256 MiB stack (the
//! parsing threads' size), the worst construct found (`Vec<` in a debug
//! build of a full parse) overflowed at about 5,500 levels, which the
//! estimate counts as 11,000; release builds go 10x deeper. Real code
//! stays in the tens.

use proc_macro2::{TokenStream, TokenTree};

use super::lex::{Kind, Toks};

/// The deepest estimate a file may reach (see the module docs).
pub const MAX_NESTING: usize = 4_000;

/// One token as the estimate sees it.
#[derive(Clone, Copy)]
enum Tk<'a> {
    Open,
    Close,
    Punct(u8),
    Ident(&'a str),
    /// An attribute or doc comment start: begins an item.
    Attr,
    Other,
}

struct Estimate {
    /// Per open group (and the top level at 0): the element's count.
    runs: Vec<usize>,
    /// Groups open plus the sum of `runs`.
    total: usize,
    /// A brace group just closed: an item start ends the element.
    after_close: bool,
}

fn counts(s: &str) -> bool {
    matches!(
        s,
        "as" | "async"
            | "await"
            | "box"
            | "break"
            | "const"
            | "dyn"
            | "else"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "move"
            | "mut"
            | "ref"
            | "return"
            | "static"
            | "unsafe"
            | "while"
            | "yield"
    )
}

impl Estimate {
    fn new() -> Estimate {
        Estimate {
            runs: vec![0],
            total: 0,
            after_close: false,
        }
    }

    fn reset(&mut self) {
        if let Some(r) = self.runs.last_mut() {
            self.total -= *r;
            *r = 0;
        }
    }

    fn bump(&mut self) {
        if let Some(r) = self.runs.last_mut() {
            *r += 1;
            self.total += 1;
        }
    }

    /// Take one token; the estimate after it.
    fn token(&mut self, t: Tk) -> usize {
        if std::mem::take(&mut self.after_close) {
            match t {
                Tk::Ident("else" | "as") => {}
                Tk::Ident(_) | Tk::Attr | Tk::Punct(b'#') => self.reset(),
                _ => {}
            }
        }
        match t {
            Tk::Open => {
                self.runs.push(0);
                self.total += 1;
            }
            Tk::Close => {
                if self.runs.len() > 1 {
                    let r = self.runs.pop().unwrap_or(0);
                    self.total -= r + 1;
                }
                self.after_close = true;
            }
            Tk::Punct(b',' | b';') => self.reset(),
            Tk::Punct(b'.' | b':' | b'#' | b'\'') | Tk::Attr | Tk::Other => {}
            Tk::Punct(_) => self.bump(),
            Tk::Ident(s) => {
                if counts(s) {
                    self.bump();
                }
            }
        }
        self.total
    }
}

/// Where the estimate first exceeds [`MAX_NESTING`] in a lexed file: the
/// index of that token.
pub(super) fn too_deep_toks(t: &Toks) -> Option<usize> {
    let mut e = Estimate::new();
    for (i, tok) in t.toks.iter().enumerate() {
        let tk = match tok.kind {
            Kind::Open(_) => Tk::Open,
            Kind::Close(_) => Tk::Close,
            Kind::Punct(c) => Tk::Punct(c),
            Kind::Ident => Tk::Ident(t.str(i)),
            Kind::Doc { .. } => Tk::Attr,
            Kind::Literal | Kind::Lifetime => Tk::Other,
        };
        if e.token(tk) > MAX_NESTING {
            return Some(i);
        }
    }
    None
}

/// The same for proc-macro2's tokens, walked with a stack of its own (the
/// tokens of a file the flat lexer declined): the 1-based line and column.
pub(super) fn too_deep_stream(tokens: TokenStream) -> Option<(usize, usize)> {
    let mut e = Estimate::new();
    let mut stack = vec![tokens.into_iter()];
    let pos = |span: proc_macro2::Span| {
        let s = span.start();
        (s.line, s.column + 1)
    };
    while let Some(it) = stack.last_mut() {
        let Some(tt) = it.next() else {
            stack.pop();
            if !stack.is_empty() {
                e.token(Tk::Close);
            }
            continue;
        };
        let (n, span) = match &tt {
            TokenTree::Group(g) => (e.token(Tk::Open), g.span_open()),
            TokenTree::Punct(p) => {
                let c = u8::try_from(p.as_char()).unwrap_or(b'?');
                (e.token(Tk::Punct(c)), p.span())
            }
            TokenTree::Ident(i) => (e.token(Tk::Ident(&i.to_string())), i.span()),
            TokenTree::Literal(l) => (e.token(Tk::Other), l.span()),
        };
        if n > MAX_NESTING {
            return Some(pos(span));
        }
        if let TokenTree::Group(g) = tt {
            stack.push(g.stream().into_iter());
        }
    }
    None
}

/// Where `text` nests too deep (line, 1-based column), whichever tokenizer
/// takes it; `None` also when neither does (nothing will recurse on it
/// then but syn on single lines, which are checked one by one).
pub(super) fn too_deep(text: &str) -> Option<(usize, usize)> {
    match super::lex::lex(text) {
        Ok(t) => too_deep_toks(&t).map(|i| {
            let (line, col) = t.line_col(t.toks[i].start as usize);
            (line, col + 1)
        }),
        Err(_) => text.parse::<TokenStream>().ok().and_then(too_deep_stream),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(src: &str) -> usize {
        let t = super::super::lex::lex(src).ok().expect("lexes");
        let mut e = Estimate::new();
        let mut max = 0;
        for (i, tok) in t.toks.iter().enumerate() {
            let tk = match tok.kind {
                Kind::Open(_) => Tk::Open,
                Kind::Close(_) => Tk::Close,
                Kind::Punct(c) => Tk::Punct(c),
                Kind::Ident => Tk::Ident(t.str(i)),
                Kind::Doc { .. } => Tk::Attr,
                _ => Tk::Other,
            };
            max = max.max(e.token(tk));
        }
        max
    }

    #[test]
    fn nesting_counts_groups_and_prefix_chains_not_items() {
        assert_eq!(depth("((()))"), 3);
        assert_eq!(depth("type T = Vec<Vec<u8>>;"), 5);
        assert_eq!(depth("fn f() -> bool { !!!x }"), 3 + 1 + 3);
        // Items and statements one after another do not add up.
        let many = "fn a() -> u8 { 1 }\n".repeat(10_000);
        assert!(depth(&many) < 10, "{}", depth(&many));
        let stmts = format!("fn f() {{ {} }}", "let x = !a;".repeat(10_000));
        assert!(depth(&stmts) < 10);
        let arms = format!("fn f() {{ match x {{ {} }} }}", "a => {} ".repeat(10_000));
        assert!(depth(&arms) < 10);
        // An else-if chain is one element.
        let chain = format!("fn f() {{ if a {{}} {} }}", "else if a {} ".repeat(100));
        assert!(depth(&chain) > 200);
    }

    #[test]
    fn both_tokenizers_find_the_same_place() {
        let deep = format!("fn f() {{ {}1{} }}", "(".repeat(5000), ")".repeat(5000));
        let from_lexer = too_deep(&deep);
        let from_proc_macro2 = deep.parse::<TokenStream>().ok().and_then(too_deep_stream);
        assert!(from_lexer.is_some_and(|(line, _)| line == 1));
        assert_eq!(from_lexer, from_proc_macro2);
        assert_eq!(too_deep("fn f() { ((1)) }"), None);
    }
}
