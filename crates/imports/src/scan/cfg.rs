//! What a `#[cfg(..)]` predicate requires of a site ([`Cfg`]), read from
//! lexed tokens. The fast engine reads each `cfg` attribute here straight
//! from the file's tokens (syn's parse of 90,000 `cfg` attributes was a
//! tenth of the crates corpus's scan); syn's attributes (the full parse)
//! come here through their text, so that both engines share one reading.
//!
//! A leaf: it uses only the lexer and its levels.

use super::level::level;
use super::lex::{Kind, Toks, lex};
use super::site::Cfg;

/// Read the predicate tokens `from..to` (inside `cfg( .. )`) into `cfg`.
pub(super) fn apply(cfg: &mut Cfg, t: &Toks, from: usize, to: usize) {
    predicates(cfg, t, from, to, false);
}

/// The same for predicate text (syn's tokens of a `cfg` attribute as
/// text). Text the lexer refuses is "some other condition".
pub(super) fn apply_text(cfg: &mut Cfg, text: &str) {
    match lex(text) {
        Ok(t) => apply(cfg, &t, 0, t.toks.len()),
        Err(_) => cfg.other = true,
    }
}

/// Read cfg predicates into `cfg`. Inside `any(..)` of two or more
/// predicates nothing is required: `#[cfg(any(test, feature = "fuzz"))]`
/// is built without tests too, so it is "some other condition", not test
/// code.
fn predicates(cfg: &mut Cfg, t: &Toks, from: usize, to: usize, in_any: bool) {
    let lv = level(t, from, to);
    let kind = |i: usize| lv.get(i).map(|&k| t.toks[k as usize].kind);
    let mut i = 0;
    while i < lv.len() {
        let k = lv[i] as usize;
        match t.toks[k].kind {
            Kind::Ident => match t.str(k) {
                "test" => {
                    if in_any {
                        cfg.other = true;
                    } else {
                        cfg.test = true;
                    }
                }
                "feature" => {
                    if kind(i + 1) == Some(Kind::Punct(b'=')) && kind(i + 2) == Some(Kind::Literal)
                    {
                        let lit = t.str(lv[i + 2] as usize);
                        cfg.features.push(lit.trim_matches('"').to_string());
                        i += 3;
                        continue;
                    }
                    cfg.other = true;
                }
                // `not(..)` inverts: whatever is inside is "some other
                // condition", never a requirement.
                "not" => {
                    cfg.other = true;
                    i += 2;
                    continue;
                }
                "any" if matches!(kind(i + 1), Some(Kind::Open(_))) => {
                    let o = lv[i + 1] as usize;
                    let close = t.toks[o].close as usize;
                    let inner = level(t, o + 1, close);
                    let comma = |&k: &u32| t.toks[k as usize].kind == Kind::Punct(b',');
                    let alternatives = inner.iter().filter(|k| comma(k)).count() + 1;
                    // `any(x)` and `any(x,)` are `x`.
                    let trailing = inner.last().is_some_and(comma);
                    let several = alternatives - usize::from(trailing) > 1;
                    predicates(cfg, t, o + 1, close, in_any || several);
                    i += 2;
                    continue;
                }
                "all" => {}
                _ => cfg.other = true,
            },
            // A doc comment is `#[doc = ".."]` to syn: an `other`.
            Kind::Lifetime | Kind::Doc { .. } => cfg.other = true,
            Kind::Open(_) => predicates(cfg, t, k + 1, t.toks[k].close as usize, in_any),
            _ => {}
        }
        i += 1;
    }
}
