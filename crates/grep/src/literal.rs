//! A literal every match must contain, to pass over whole files at memchr
//! speed.
//!
//! Most files in a tree do not match a given search. Finding that out with
//! `memmem` for a literal the pattern requires (`PM_RESUME` in
//! `\w+PM_RESUME`, `_RESUME` in `\w+_RESUME`) costs one pass at memory
//! bandwidth and no per-file setup, which is what the daemon's shards do
//! before handing a file to the full searcher. The extraction must be sound:
//! a file without the literal must have no match. So it only looks through
//! concatenations, groups and repetitions that occur at least once, and case
//! insensitive letters (which become classes) never count.

use regex_syntax::hir::{Hir, HirKind};

/// Literals shorter than this are not worth a separate pass.
const MIN_LEN: usize = 3;

/// The longest literal that every match of `pattern` contains, if any.
/// `case_insensitive` must be true whenever the search may ignore case
/// (including smart case).
pub fn required_literal(
    pattern: &str,
    fixed_strings: bool,
    case_insensitive: bool,
) -> Option<Vec<u8>> {
    if fixed_strings {
        if case_insensitive && pattern.chars().any(char::is_alphabetic) {
            return None;
        }
        return (pattern.len() >= MIN_LEN && !pattern.contains('\n'))
            .then(|| pattern.as_bytes().to_vec());
    }
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .multi_line(true)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let lit = longest(&hir)?;
    (lit.len() >= MIN_LEN).then_some(lit)
}

fn longest(hir: &Hir) -> Option<Vec<u8>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(lit.0.to_vec()),
        HirKind::Capture(cap) => longest(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => longest(&rep.sub),
        HirKind::Concat(items) => {
            let mut best: Option<Vec<u8>> = None;
            let mut run: Vec<u8> = Vec::new();
            let consider = |cand: Vec<u8>, best: &mut Option<Vec<u8>>| {
                if best.as_ref().is_none_or(|b| cand.len() > b.len()) {
                    *best = Some(cand);
                }
            };
            for item in items {
                match item.kind() {
                    HirKind::Literal(lit) => run.extend_from_slice(&lit.0),
                    _ => {
                        if !run.is_empty() {
                            consider(std::mem::take(&mut run), &mut best);
                        }
                        if let Some(inner) = longest(item) {
                            consider(inner, &mut best);
                        }
                    }
                }
            }
            if !run.is_empty() {
                consider(run, &mut best);
            }
            best
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(p: &str) -> Option<String> {
        required_literal(p, false, false).map(|v| String::from_utf8(v).expect("utf8"))
    }

    #[test]
    fn finds_required_literals() {
        assert_eq!(req("PM_RESUME").as_deref(), Some("PM_RESUME"));
        assert_eq!(req(r"\w+_RESUME").as_deref(), Some("_RESUME"));
        assert_eq!(req(r"fn\s+main").as_deref(), Some("main"));
        assert_eq!(req(r"(foo)+barbaz").as_deref(), Some("barbaz"));
        assert_eq!(req(r"x(?:hello){2}y").as_deref(), Some("hello"));
    }

    #[test]
    fn refuses_what_is_not_required() {
        assert_eq!(req("foo|barbaz"), None);
        assert_eq!(req("(?:foolish)?bar").as_deref(), Some("bar")); // bar is required
        assert_eq!(req("(?:foolish)*x"), None);
        assert_eq!(req("[A-Z]{3}_[0-9]{2}"), None);
        assert_eq!(req("ab"), None); // too short to pay
        assert_eq!(req("a("), None); // invalid: the matcher reports it
    }

    #[test]
    fn case_insensitive_letters_never_count() {
        assert_eq!(required_literal("PM_RESUME", false, true), None);
        assert_eq!(
            required_literal("x_123_y", false, true),
            Some(b"_123_".to_vec())
        );
        assert_eq!(required_literal("a.b", true, false), Some(b"a.b".to_vec()));
        assert_eq!(required_literal("abc", true, true), None);
        assert_eq!(required_literal("123", true, true), Some(b"123".to_vec()));
    }
}
