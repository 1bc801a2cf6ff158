//! Reading the flat token list of [`super::lex`] one level at a time. A
//! level is the list of token indices of the trees between two delimiters
//! (a group counts as one tree, at its opening token); [`Trees`] asks what
//! is at a position of one.
//!
//! The fast engine walks items this way, and [`super::free`] finds the
//! paths in a macro body or a doc test the same way. It uses only `lex`.

use super::lex::{Delim, Kind, Toks};

/// The token indices of the trees in `from..to` (a group counts as one, at
/// its opening token).
pub(super) fn level(t: &Toks, from: usize, to: usize) -> Vec<u32> {
    let mut out = Vec::new();
    level_into(t, from, to, &mut out);
    out
}

/// [`level`], appended to `out`.
pub(super) fn level_into(t: &Toks, from: usize, to: usize, out: &mut Vec<u32>) {
    let mut i = from;
    while i < to {
        out.push(i as u32);
        i = match t.toks[i].kind {
            Kind::Open(_) => t.toks[i].close as usize + 1,
            _ => i + 1,
        };
    }
}

/// Questions about the tree at position `i` of a level `lv` (out of range:
/// no token, never a panic).
pub(super) trait Trees<'a> {
    /// The lexed file the levels index.
    fn toks(&self) -> &Toks<'a>;

    fn kind(&self, lv: &[u32], i: usize) -> Option<Kind> {
        lv.get(i).map(|&k| self.toks().toks[k as usize].kind)
    }

    fn punct(&self, lv: &[u32], i: usize, c: u8) -> bool {
        self.kind(lv, i) == Some(Kind::Punct(c))
    }

    fn ident(&self, lv: &[u32], i: usize) -> Option<&'a str> {
        match self.kind(lv, i) {
            Some(Kind::Ident) => Some(self.toks().str(lv[i] as usize)),
            _ => None,
        }
    }

    fn is_ident(&self, lv: &[u32], i: usize, s: &str) -> bool {
        self.ident(lv, i) == Some(s)
    }

    fn group(&self, lv: &[u32], i: usize, d: Delim) -> bool {
        self.kind(lv, i) == Some(Kind::Open(d))
    }

    fn any_group(&self, lv: &[u32], i: usize) -> bool {
        matches!(self.kind(lv, i), Some(Kind::Open(_)))
    }

    fn colons(&self, lv: &[u32], i: usize) -> bool {
        self.punct(lv, i, b':')
            && self.toks().toks[lv[i] as usize].joint
            && self.punct(lv, i + 1, b':')
    }

    /// The trees inside the group at `lv[i]`.
    fn inside(&self, lv: &[u32], i: usize) -> Vec<u32> {
        let t = self.toks();
        let o = lv[i] as usize;
        level(t, o + 1, t.toks[o].close as usize)
    }

    /// The source text from the start of `lv[a]` to the end of `lv[b - 1]`
    /// (a group's end is its closing delimiter), and where it starts.
    fn text(&self, lv: &[u32], a: usize, b: usize) -> (&'a str, (usize, usize)) {
        let t = self.toks();
        let first = &t.toks[lv[a] as usize];
        let mut last = lv[b - 1] as usize;
        if let Kind::Open(_) = t.toks[last].kind {
            last = t.toks[last].close as usize;
        }
        let start = first.start as usize;
        let end = t.toks[last].end as usize;
        let (line, col) = t.line_col(start);
        (&t.text[start..end], (line - 1, col))
    }

    /// The position of token `tok` (1-based line and column).
    fn offset_pos(&self, tok: u32) -> (usize, usize) {
        let t = self.toks();
        let (l, c) = t.line_col(t.toks[tok as usize].start as usize);
        (l, c + 1)
    }
}

impl<'a> Trees<'a> for Toks<'a> {
    fn toks(&self) -> &Toks<'a> {
        self
    }
}
