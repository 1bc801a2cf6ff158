//! A byte-level Rust lexer for the fast engine (and for the depth check
//! and doc tests, which take it before proc-macro2's when it can).
//!
//! proc-macro2's lexer (the one syn uses) builds a tree of reference-counted
//! token streams, and walking it clones every group once per nesting level:
//! on the crates corpus that was half of the fast engine's time. This lexer
//! produces one flat vector of small tokens (kind, byte range, and for an
//! opening delimiter the index of its closing one) and never allocates per
//! token. It follows the same rules as proc-macro2 for what is a comment, a
//! doc comment, a string, a raw string, a character literal or a lifetime,
//! so nothing inside a comment or a literal is ever taken for a token; where
//! it meets input it is not sure of, it fails and the caller takes
//! proc-macro2's tokenizer instead (for a file: syn's full parse, which
//! then reports the error exactly). [`super::level`] reads its output.

/// A delimiter of a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Delim {
    Paren,
    Bracket,
    Brace,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An identifier or keyword (raw identifiers keep their `r#`).
    Ident,
    /// One punctuation character; `joint` says another follows at once.
    Punct(u8),
    /// A string, character, byte or numeric literal (with any suffix).
    Literal,
    /// `'a`, `'static`.
    Lifetime,
    /// An opening delimiter; `close` is the index of its closing token.
    Open(Delim),
    Close(Delim),
    /// A doc comment: `///`, `//!`, `/** */`, `/*! */`. Its text is
    /// [`Toks::doc_text`].
    Doc {
        inner: bool,
    },
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Tok {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
    /// Punct: the next character is punctuation too (proc-macro2's
    /// `Spacing::Joint`). Open: unused.
    pub joint: bool,
    /// Open: the index of the matching Close. Others: unused.
    pub close: u32,
}

/// A lexed file.
pub(crate) struct Toks<'a> {
    pub text: &'a str,
    pub toks: Vec<Tok>,
    /// Byte offset of the start of each line.
    lines: Vec<u32>,
    /// The last [`Toks::line_col`] answer (line, offset, column): the next
    /// one, usually further on the same line, counts on from it. Without
    /// it a file of one long line cost time quadratic in its length
    /// (52,384 attributes on one line: 6.9 s; found by fuzz/imports_nesting).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> Toks<'a> {
    pub fn str(&self, i: usize) -> &'a str {
        let t = &self.toks[i];
        &self.text[t.start as usize..t.end as usize]
    }

    /// Line (1-based) and column (0-based, in characters, as proc-macro2
    /// counts) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.lines.partition_point(|&s| s as usize <= offset);
        let start = self.lines[line - 1] as usize;
        let (last_line, last_offset, last_col) = self.last.get();
        let (from, base) = if last_line == line && (start..=offset).contains(&last_offset) {
            (last_offset, last_col)
        } else {
            (start, 0)
        };
        let col = base
            + self.text.as_bytes()[from..offset]
                .iter()
                .filter(|&&b| (b as i8) >= -0x40)
                .count();
        self.last.set((line, offset, col));
        (line, col)
    }

    /// The contents of a doc comment as syn's `#[doc = ".."]` gives them.
    pub fn doc_text(&self, i: usize) -> &'a str {
        let s = self.str(i);
        if s.starts_with("//") {
            s[3..].strip_suffix('\r').unwrap_or(&s[3..])
        } else {
            &s[3..s.len() - 2]
        }
    }
}

fn is_punct_char(b: u8) -> bool {
    matches!(
        b,
        b'~' | b'!'
            | b'@'
            | b'#'
            | b'$'
            | b'%'
            | b'^'
            | b'&'
            | b'*'
            | b'-'
            | b'='
            | b'+'
            | b'|'
            | b';'
            | b':'
            | b','
            | b'.'
            | b'/'
            | b'<'
            | b'>'
            | b'?'
    )
}

fn is_ident_start(c: char) -> bool {
    c == '_' || unicode_ident::is_xid_start(c)
}

fn is_ident_continue(c: char) -> bool {
    unicode_ident::is_xid_continue(c)
}

/// Whitespace as Rust defines it (Pattern_White_Space).
fn is_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{b}'
            | '\u{c}'
            | '\r'
            | ' '
            | '\u{85}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

struct Lexer<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    toks: Vec<Tok>,
    stack: Vec<(usize, Delim)>,
}

/// Why lexing stopped: the caller falls back to the full parse.
pub(crate) struct LexError;

type R<T> = Result<T, LexError>;

impl<'a> Lexer<'a> {
    fn peek(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.s.get(i..).and_then(|r| r.chars().next())
    }

    fn push(&mut self, kind: Kind, start: usize) {
        self.toks.push(Tok {
            kind,
            start: start as u32,
            end: self.i as u32,
            joint: false,
            close: 0,
        });
    }

    fn ident_end(&self, mut i: usize) -> usize {
        while i < self.b.len() {
            let b = self.b[i];
            if b.is_ascii_alphanumeric() || b == b'_' {
                i += 1;
            } else if b >= 0x80 {
                match self.char_at(i) {
                    Some(c) if is_ident_continue(c) => i += c.len_utf8(),
                    _ => break,
                }
            } else {
                break;
            }
        }
        i
    }

    /// A literal suffix (`1u8`, `"x"suffix`).
    fn suffix(&mut self) {
        if let Some(c) = self.char_at(self.i)
            && is_ident_start(c)
        {
            self.i = self.ident_end(self.i + c.len_utf8());
        }
    }

    /// A quoted string body from `self.i` (just after the opening quote).
    fn quoted(&mut self, q: u8) -> R<()> {
        loop {
            match self.b.get(self.i) {
                None => return Err(LexError),
                Some(b'\\') => self.i += 2,
                Some(&c) if c == q => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\r') if self.peek(1) != b'\n' => return Err(LexError),
                Some(_) => self.i += 1,
            }
        }
    }

    /// A raw string from `self.i` at the `r`'s following `#`s or quote.
    fn raw(&mut self) -> R<()> {
        let mut hashes = 0;
        while self.peek(0) == b'#' {
            hashes += 1;
            self.i += 1;
        }
        if self.peek(0) != b'"' || hashes > 255 {
            return Err(LexError);
        }
        self.i += 1;
        loop {
            let rest = &self.b[self.i..];
            let Some(q) = memchr_byte(b'"', rest) else {
                return Err(LexError);
            };
            if rest[..q].contains(&b'\r') {
                // A bare CR is an error; CRLF is fine.
                let bad = rest[..q]
                    .iter()
                    .enumerate()
                    .any(|(k, &c)| c == b'\r' && rest.get(k + 1) != Some(&b'\n'));
                if bad {
                    return Err(LexError);
                }
            }
            self.i += q + 1;
            let mut n = 0;
            while n < hashes && self.peek(0) == b'#' {
                n += 1;
                self.i += 1;
            }
            if n == hashes {
                return Ok(());
            }
        }
    }

    fn number(&mut self) {
        let start = self.i;
        self.i = self.ident_end(self.i);
        let hex =
            self.b[start..self.i].starts_with(b"0x") || self.b[start..self.i].starts_with(b"0b");
        let exp = |lx: &Self| {
            !hex && matches!(lx.b[lx.i - 1], b'e' | b'E')
                && matches!(lx.peek(0), b'+' | b'-')
                && lx.peek(1).is_ascii_digit()
        };
        if exp(self) {
            self.i = self.ident_end(self.i + 1);
            return;
        }
        if hex || self.peek(0) != b'.' {
            return;
        }
        let next = self.peek(1);
        if next.is_ascii_digit() {
            self.i = self.ident_end(self.i + 1);
            if exp(self) {
                self.i = self.ident_end(self.i + 1);
            }
        } else if next != b'.'
            && !self
                .char_at(self.i + 1)
                .is_some_and(|c| is_ident_start(c) || c.is_ascii_digit())
        {
            // `1.` is a float.
            self.i += 1;
        }
    }

    fn block_comment(&mut self) -> R<()> {
        // At `/*`.
        let mut depth = 0usize;
        loop {
            match (self.b.get(self.i), self.b.get(self.i + 1)) {
                (Some(b'/'), Some(b'*')) => {
                    depth += 1;
                    self.i += 2;
                }
                (Some(b'*'), Some(b'/')) => {
                    depth -= 1;
                    self.i += 2;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                (Some(_), _) => self.i += 1,
                (None, _) => return Err(LexError),
            }
        }
    }

    fn run(&mut self) -> R<()> {
        while self.i < self.b.len() {
            let start = self.i;
            let c = self.b[self.i];
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => self.i += 1,
                b'/' if self.peek(1) == b'/' => {
                    let end =
                        memchr_byte(b'\n', &self.b[self.i..]).map_or(self.b.len(), |n| self.i + n);
                    let doc = match self.peek(2) {
                        b'/' => (self.peek(3) != b'/').then_some(false),
                        b'!' => Some(true),
                        _ => None,
                    };
                    self.i = end;
                    if let Some(inner) = doc {
                        let body = &self.b[start + 3..end];
                        let body = body.strip_suffix(b"\r").unwrap_or(body);
                        if body.contains(&b'\r') {
                            return Err(LexError);
                        }
                        self.push(Kind::Doc { inner }, start);
                    }
                }
                b'/' if self.peek(1) == b'*' => {
                    self.block_comment()?;
                    let text = &self.b[start..self.i];
                    let doc = if text.starts_with(b"/*!") {
                        Some(true)
                    } else if text.starts_with(b"/**")
                        && !text.starts_with(b"/***")
                        && text.len() > 4
                    {
                        Some(false)
                    } else {
                        None
                    };
                    if let Some(inner) = doc {
                        if text.contains(&b'\r') {
                            return Err(LexError);
                        }
                        self.push(Kind::Doc { inner }, start);
                    }
                }
                b'(' | b'[' | b'{' => {
                    let d = match c {
                        b'(' => Delim::Paren,
                        b'[' => Delim::Bracket,
                        _ => Delim::Brace,
                    };
                    self.i += 1;
                    self.stack.push((self.toks.len(), d));
                    self.push(Kind::Open(d), start);
                }
                b')' | b']' | b'}' => {
                    let d = match c {
                        b')' => Delim::Paren,
                        b']' => Delim::Bracket,
                        _ => Delim::Brace,
                    };
                    match self.stack.pop() {
                        Some((open, od)) if od == d => {
                            self.toks[open].close = self.toks.len() as u32;
                        }
                        _ => return Err(LexError),
                    }
                    self.i += 1;
                    self.push(Kind::Close(d), start);
                }
                b'"' => {
                    self.i += 1;
                    self.quoted(b'"')?;
                    self.suffix();
                    self.push(Kind::Literal, start);
                }
                b'\'' => {
                    self.i += 1;
                    if self.peek(0) == b'\\' {
                        self.quoted(b'\'')?;
                        self.suffix();
                        self.push(Kind::Literal, start);
                        continue;
                    }
                    let Some(ch) = self.char_at(self.i) else {
                        return Err(LexError);
                    };
                    let after = self.i + ch.len_utf8();
                    if self.b.get(after) == Some(&b'\'') && ch != '\'' {
                        self.i = after + 1;
                        self.suffix();
                        self.push(Kind::Literal, start);
                    } else if is_ident_start(ch) || ch.is_ascii_digit() {
                        if ch.is_ascii_digit() {
                            return Err(LexError);
                        }
                        // `'r#a` is a raw lifetime.
                        let from = if self.b[self.i..].starts_with(b"r#") {
                            self.i + 2
                        } else {
                            self.i
                        };
                        self.i = self.ident_end(from);
                        self.push(Kind::Lifetime, start);
                    } else {
                        return Err(LexError);
                    }
                }
                b'0'..=b'9' => {
                    self.number();
                    self.push(Kind::Literal, start);
                }
                b'b' | b'c' | b'r' => {
                    // Prefixed literals and raw identifiers; otherwise an
                    // identifier.
                    let p1 = self.peek(1);
                    let p2 = self.peek(2);
                    let lit = match (c, p1) {
                        (b'b', b'"') | (b'c', b'"') => {
                            self.i += 2;
                            self.quoted(b'"')?;
                            true
                        }
                        (b'b', b'\'') => {
                            self.i += 2;
                            self.quoted(b'\'')?;
                            true
                        }
                        (b'r', b'"') | (b'r', b'#')
                            if !(p1 == b'#' && p2 != b'"' && p2 != b'#') =>
                        {
                            self.i += 1;
                            self.raw()?;
                            true
                        }
                        (b'b' | b'c', b'r') if matches!(p2, b'"' | b'#') => {
                            self.i += 2;
                            self.raw()?;
                            true
                        }
                        _ => false,
                    };
                    if lit {
                        self.suffix();
                        self.push(Kind::Literal, start);
                    } else {
                        let from = if c == b'r' && p1 == b'#' {
                            self.i + 2
                        } else {
                            self.i + 1
                        };
                        self.i = self.ident_end(from);
                        self.push(Kind::Ident, start);
                    }
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    self.i = self.ident_end(self.i + 1);
                    self.push(Kind::Ident, start);
                }
                _ if is_punct_char(c) => {
                    self.i += 1;
                    self.push(Kind::Punct(c), start);
                    let n = self.toks.len() - 1;
                    self.toks[n].joint = is_punct_char(self.peek(0)) || self.peek(0) == b'\'';
                }
                _ if c >= 0x80 => {
                    let Some(ch) = self.char_at(self.i) else {
                        return Err(LexError);
                    };
                    if is_whitespace(ch) {
                        self.i += ch.len_utf8();
                    } else if is_ident_start(ch) {
                        self.i = self.ident_end(self.i + ch.len_utf8());
                        self.push(Kind::Ident, start);
                    } else {
                        return Err(LexError);
                    }
                }
                _ => return Err(LexError),
            }
        }
        if self.stack.is_empty() {
            Ok(())
        } else {
            Err(LexError)
        }
    }
}

fn memchr_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    memchr::memchr(needle, hay)
}

/// Lex a whole file (a BOM and a shebang line are skipped, as syn does).
pub(crate) fn lex(text: &str) -> Result<Toks<'_>, LexError> {
    let mut lines = vec![0u32];
    lines.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
    if text.len() > u32::MAX as usize - 1 {
        return Err(LexError);
    }
    let mut start = 0;
    if text.starts_with('\u{feff}') {
        start = 3;
    }
    if text[start..].starts_with("#!") && !text[start + 2..].trim_start().starts_with('[') {
        start = text[start..].find('\n').map_or(text.len(), |n| start + n);
    }
    let mut lx = Lexer {
        s: text,
        b: text.as_bytes(),
        i: start,
        toks: Vec::with_capacity(text.len() / 5),
        stack: Vec::new(),
    };
    lx.run()?;
    Ok(Toks {
        text,
        toks: lx.toks,
        lines,
        last: std::cell::Cell::new((0, 0, 0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cached column count agrees with counting from the line start,
    /// whatever order the offsets come in (multi-byte characters too).
    #[test]
    fn line_col_with_its_cache_agrees_with_a_fresh_count() {
        let text = "fn a() {}\n#[x::y] #[é::z] struct S;\n\n  let ü = \"ö\"; x::y();\n";
        let t = lex(text).ok().expect("lexes");
        let naive = |offset: usize| {
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..offset].matches('\n').count() + 1;
            (line, text[start..offset].chars().count())
        };
        let starts: Vec<usize> = t.toks.iter().map(|k| k.start as usize).collect();
        let mut order: Vec<usize> = starts.clone();
        order.extend(starts.iter().rev());
        order.extend(starts.iter().step_by(3));
        for offset in order {
            assert_eq!(t.line_col(offset), naive(offset), "offset {offset}");
        }
    }

    fn kinds(s: &str) -> Vec<(Kind, String)> {
        let t = lex(s).ok().expect("lexes");
        (0..t.toks.len())
            .map(|i| (t.toks[i].kind, t.str(i).to_string()))
            .collect()
    }

    #[test]
    fn comments_strings_and_lifetimes_hide_nothing_and_show_nothing() {
        let k = kinds(
            "a /* b /* c */ d */ e // f\n\"g::h\" r#\"i\"# 'j' 'k: b'l' br##\"m\"## c\"n\" r#o 1.0e-3f64 1..2 x.0 '\\'' /// p\n",
        );
        let s: Vec<&str> = k.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(
            s,
            [
                "a",
                "e",
                "\"g::h\"",
                "r#\"i\"#",
                "'j'",
                "'k",
                ":",
                "b'l'",
                "br##\"m\"##",
                "c\"n\"",
                "r#o",
                "1.0e-3f64",
                "1",
                ".",
                ".",
                "2",
                "x",
                ".",
                "0",
                "'\\''",
                "/// p"
            ]
        );
        assert_eq!(k[5].0, Kind::Lifetime);
        assert_eq!(k.last().map(|x| x.0), Some(Kind::Doc { inner: false }));
    }

    #[test]
    fn groups_know_their_close_and_errors_are_errors() {
        let t = lex("f(a[b]{c})").ok().expect("lexes");
        assert_eq!(t.toks[1].close, 9);
        assert_eq!(t.toks[3].close, 5);
        for bad in ["f(", "f)", "(]", "\"abc", "/* x", "'", "r#\"x\"", "\u{1}"] {
            assert!(lex(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn positions_count_characters() {
        let t = lex("é\n  ü x").ok().expect("lexes");
        let x = t.toks.len() - 1;
        assert_eq!(t.line_col(t.toks[x].start as usize), (2, 4));
    }
}
