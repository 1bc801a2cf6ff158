//! Query planning for the trigram index: from a search's patterns, a
//! boolean query over trigrams that every file with a match satisfies.
//!
//! This is Russ Cox's algorithm ("Regular Expression Matching with a
//! Trigram Index", google/codesearch `index/regexp.go`) on regex-syntax's
//! HIR, over bytes. Each HIR node gets an `Info`: can it match the empty
//! string, its exact set of matching strings when that is small, else sets
//! of prefixes and suffixes, and a query `m` that every match satisfies.
//! Concatenation crosses the sets (and adds the trigrams of the strings
//! that span the join); alternation unions them (and ORs the queries).
//!
//! **Soundness rests on planning the HIR the matcher runs.** The patterns
//! are joined and parsed as grep-regex 0.1.14's `ConfiguredHIR::new` does
//! (`(?:p1)|(?:p2)`, escaped for `-F`; octal off, UTF-8 off, multi-line
//! on, Unicode on, case-insensitive for `-i` and for `-S` alike: a folded
//! class always keeps the letter as typed, so planning smart case as
//! insensitive only loses precision). What grep-regex does beyond that can
//! only shrink the language: `-w`/`-x` wrap the pattern in look-arounds,
//! the line terminator and NUL are removed from classes, CRLF makes `$` a
//! look. Case folding needs no special care: the HIR of `-i k` is the class
//! `[Kk\u{212A}]`, so the KELVIN SIGN's bytes are a branch of the plan.
//! The unit test `plans_are_sound_against_the_matcher` checks the
//! promise against the real matcher on random patterns and haystacks.
//!
//! A search that prints something for files without a match (`-v`,
//! `--files-without-match`, `--passthru`, `--include-zero`), lists files,
//! or whose patterns can match the empty string is not planned: it takes
//! the full scan ([`FullScan`]).

use std::fmt;

use regex_syntax::hir::{Class, Hir, HirKind};

use crate::config::{CaseMode, Config};

/// A trigram: three bytes, big-endian in the low 24 bits.
pub type Gram = u32;

/// The trigram of the first three bytes of `s`.
pub fn gram(s: &[u8]) -> Gram {
    (s[0] as u32) << 16 | (s[1] as u32) << 8 | s[2] as u32
}

/// A boolean query over trigrams.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grams {
    /// Every file may match.
    All,
    /// No file can match.
    None,
    /// Files containing this trigram.
    Gram(Gram),
    And(Vec<Grams>),
    Or(Vec<Grams>),
}

impl Grams {
    fn and(self, o: Grams) -> Grams {
        match (self, o) {
            (Grams::All, x) | (x, Grams::All) => x,
            (Grams::None, _) | (_, Grams::None) => Grams::None,
            (Grams::And(mut a), Grams::And(b)) => {
                a.extend(b);
                norm(a, true)
            }
            (Grams::And(mut a), x) | (x, Grams::And(mut a)) => {
                a.push(x);
                norm(a, true)
            }
            (x, y) => norm(vec![x, y], true),
        }
    }

    fn or(self, o: Grams) -> Grams {
        match (self, o) {
            (Grams::All, _) | (_, Grams::All) => Grams::All,
            (Grams::None, x) | (x, Grams::None) => x,
            (Grams::Or(mut a), Grams::Or(b)) => {
                a.extend(b);
                norm(a, false)
            }
            (Grams::Or(mut a), x) | (x, Grams::Or(mut a)) => {
                a.push(x);
                norm(a, false)
            }
            (x, y) => norm(vec![x, y], false),
        }
    }

    /// How many trigram leaves the query has.
    pub fn size(&self) -> usize {
        match self {
            Grams::Gram(_) => 1,
            Grams::And(v) | Grams::Or(v) => v.iter().map(Grams::size).sum(),
            Grams::All | Grams::None => 0,
        }
    }

    /// Does a document with these trigrams satisfy the query?
    pub fn holds(&self, has: &dyn Fn(Gram) -> bool) -> bool {
        match self {
            Grams::All => true,
            Grams::None => false,
            Grams::Gram(g) => has(*g),
            Grams::And(v) => v.iter().all(|q| q.holds(has)),
            Grams::Or(v) => v.iter().any(|q| q.holds(has)),
        }
    }
}

impl fmt::Display for Grams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, v: &[Grams], op: &str| {
            write!(f, "(")?;
            for (i, q) in v.iter().enumerate() {
                if i > 0 {
                    write!(f, " {op} ")?;
                }
                write!(f, "{q}")?;
            }
            write!(f, ")")
        };
        match self {
            Grams::All => write!(f, "ALL"),
            Grams::None => write!(f, "NONE"),
            Grams::Gram(g) => {
                let b = [(g >> 16) as u8, (g >> 8) as u8, *g as u8];
                write!(f, "{:?}", String::from_utf8_lossy(&b))
            }
            Grams::And(v) => join(f, v, "AND"),
            Grams::Or(v) => join(f, v, "OR"),
        }
    }
}

fn norm(mut v: Vec<Grams>, and: bool) -> Grams {
    v.sort();
    v.dedup();
    match v.len() {
        1 => v.pop().unwrap_or(Grams::All),
        _ if and => Grams::And(v),
        _ => Grams::Or(v),
    }
}

/// Why a search takes the full scan instead of the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FullScan {
    /// `-v`, `--files-without-match`, `--passthru`, `--include-zero`: files
    /// without a match print too.
    PrintsNonMatching,
    /// `--files`.
    ListsFiles,
    /// The patterns can match the empty string: every line matches.
    MatchesEmpty,
    /// No trigram every match must contain.
    NoTrigram,
    /// The plan has more trigrams than [`MAX_PLAN`].
    TooManyTrigrams,
    /// The patterns did not parse here (the matcher built, so this should
    /// not happen; the scan is the safe answer).
    Unparsed,
    /// PCRE2's syntax is not regex-syntax's (`\v` is any vertical space
    /// there, a vertical tab here): a plan from the wrong parse could miss
    /// matches.
    Pcre2,
    /// `-E`: the index holds the raw bytes, the search sees them decoded.
    Encoding,
}

impl fmt::Display for FullScan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FullScan::PrintsNonMatching => "files without a match print too",
            FullScan::ListsFiles => "--files",
            FullScan::MatchesEmpty => "the pattern matches the empty string",
            FullScan::NoTrigram => "no trigram every match contains",
            FullScan::TooManyTrigrams => "the plan has too many trigrams",
            FullScan::Unparsed => "the pattern did not parse for planning",
            FullScan::Pcre2 => "PCRE2 patterns are not planned",
            FullScan::Encoding => "-E: the index holds raw bytes",
        })
    }
}

/// What the index can do for a search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Only files satisfying this query can have a match.
    Index(Grams),
    FullScan(FullScan),
}

/// A plan larger than this many trigrams is not worth evaluating (a long
/// `-f` list, `-i` on long strings); dropping a branch of an OR would be
/// unsound, so the whole search takes the scan.
pub const MAX_PLAN: usize = 512;

/// The plan for a search with `config`. `prints_nonmatching` and
/// `list_files` are the query's own view (see `GrepQuery`).
pub fn plan(config: &Config, prints_nonmatching: bool, list_files: bool) -> Plan {
    if list_files {
        return Plan::FullScan(FullScan::ListsFiles);
    }
    if prints_nonmatching {
        return Plan::FullScan(FullScan::PrintsNonMatching);
    }
    if config.engine != crate::cli::Engine::Default {
        return Plan::FullScan(FullScan::Pcre2);
    }
    // `-E none` and `-E auto` search the raw bytes the index holds (files
    // with a byte-order mark are always candidates).
    if config.decodes() {
        return Plan::FullScan(FullScan::Encoding);
    }
    let patterns: Vec<&str> = config.patterns.iter().map(String::as_str).collect();
    let Ok(hir) = parse(
        &patterns,
        config.fixed_strings,
        config.case != CaseMode::Sensitive,
        config.unicode,
    ) else {
        return Plan::FullScan(FullScan::Unparsed);
    };
    plan_hir(&hir)
}

/// The plan for a parsed pattern set.
pub fn plan_hir(hir: &Hir) -> Plan {
    if hir.properties().minimum_len() == Some(0) {
        return Plan::FullScan(FullScan::MatchesEmpty);
    }
    let mut info = analyze(hir);
    info.simplify(true);
    info.add_exact();
    match info.m {
        Grams::All => Plan::FullScan(FullScan::NoTrigram),
        q if q.size() > MAX_PLAN => Plan::FullScan(FullScan::TooManyTrigrams),
        q => Plan::Index(q),
    }
}

/// Parse patterns as grep-regex 0.1.14 does before it adds look-arounds
/// and strips line terminators (`unicode` false: `--no-unicode`).
pub fn parse(
    patterns: &[&str],
    fixed: bool,
    case_insensitive: bool,
    unicode: bool,
) -> Result<Hir, String> {
    let joined = patterns
        .iter()
        .map(|p| {
            if fixed {
                format!("(?:{})", regex_syntax::escape(p))
            } else {
                format!("(?:{p})")
            }
        })
        .collect::<Vec<_>>()
        .join("|");
    regex_syntax::ParserBuilder::new()
        .octal(false)
        .utf8(false)
        .multi_line(true)
        .unicode(unicode)
        .case_insensitive(case_insensitive)
        .build()
        .parse(&joined)
        .map_err(|e| e.to_string())
}

type Set = Vec<Vec<u8>>;

/// An exact set larger than this becomes prefixes and suffixes.
const MAX_EXACT: usize = 7;
/// A prefix or suffix set larger than this is cut shorter.
const MAX_SET: usize = 20;
/// A class with more members than this is "any character".
const MAX_CLASS: usize = 100;

fn clean(s: &mut Set, suffix: bool) {
    if suffix {
        s.sort_by(|a, b| a.iter().rev().cmp(b.iter().rev()));
    } else {
        s.sort();
    }
    s.dedup();
}

fn min_len(s: &Set) -> usize {
    s.iter().map(Vec::len).min().unwrap_or(0)
}

fn cross(a: &Set, b: &Set, suffix: bool) -> Set {
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut s = x.clone();
            s.extend_from_slice(y);
            out.push(s);
        }
    }
    clean(&mut out, suffix);
    out
}

fn union(a: &Set, b: &Set, suffix: bool) -> Set {
    let mut out = a.clone();
    out.extend(b.iter().cloned());
    clean(&mut out, suffix);
    out
}

/// `q` AND (OR over the strings of `t` of the AND of each one's trigrams).
/// A string shorter than three bytes constrains nothing, so then neither
/// does the set.
fn and_trigrams(q: Grams, t: &Set) -> Grams {
    if t.is_empty() || min_len(t) < 3 {
        return q;
    }
    let mut or = Grams::None;
    for s in t {
        let mut and = Grams::All;
        for w in s.windows(3) {
            and = and.and(Grams::Gram(gram(w)));
        }
        or = or.or(and);
    }
    q.and(or)
}

#[derive(Clone, Debug)]
struct Info {
    can_empty: bool,
    exact: Option<Set>,
    prefix: Set,
    suffix: Set,
    m: Grams,
}

fn any_char() -> Info {
    Info {
        can_empty: false,
        exact: None,
        prefix: vec![vec![]],
        suffix: vec![vec![]],
        m: Grams::All,
    }
}

fn any_match() -> Info {
    Info {
        can_empty: true,
        ..any_char()
    }
}

fn empty_string() -> Info {
    Info {
        can_empty: true,
        exact: Some(vec![vec![]]),
        prefix: vec![],
        suffix: vec![],
        m: Grams::All,
    }
}

fn no_match() -> Info {
    Info {
        can_empty: false,
        exact: None,
        prefix: vec![],
        suffix: vec![],
        m: Grams::None,
    }
}

fn exact(mut s: Set) -> Info {
    clean(&mut s, false);
    Info {
        can_empty: s.iter().any(Vec::is_empty),
        exact: Some(s),
        prefix: vec![],
        suffix: vec![],
        m: Grams::All,
    }
}

impl Info {
    fn add_exact(&mut self) {
        if let Some(ex) = &self.exact {
            self.m = std::mem::replace(&mut self.m, Grams::All).and(and_trigrams(Grams::All, ex));
        }
    }

    fn simplify(&mut self, force: bool) {
        if let Some(ex) = &mut self.exact {
            clean(ex, false);
            let ml = min_len(ex);
            if ex.len() > MAX_EXACT || (ml >= 3 && force) || ml >= 4 {
                self.add_exact();
                for s in self.exact.take().unwrap_or_default() {
                    let n = s.len();
                    if n < 3 {
                        self.prefix.push(s.clone());
                        self.suffix.push(s);
                    } else {
                        self.prefix.push(s[..2].to_vec());
                        self.suffix.push(s[n - 2..].to_vec());
                    }
                }
            }
        }
        if self.exact.is_none() {
            let mut p = std::mem::take(&mut self.prefix);
            self.simplify_set(&mut p, false);
            self.prefix = p;
            let mut s = std::mem::take(&mut self.suffix);
            self.simplify_set(&mut s, true);
            self.suffix = s;
        }
    }

    fn simplify_set(&mut self, t: &mut Set, suffix: bool) {
        clean(t, suffix);
        self.m = and_trigrams(std::mem::replace(&mut self.m, Grams::All), t);
        let mut n = 3usize;
        while n == 3 || t.len() > MAX_SET {
            for s in t.iter_mut() {
                if s.len() >= n {
                    if suffix {
                        *s = s[s.len() - (n - 1)..].to_vec();
                    } else {
                        s.truncate(n - 1);
                    }
                }
            }
            clean(t, suffix);
            if n == 1 {
                break;
            }
            n -= 1;
        }
        // Drop strings that extend another one in the set: redundant.
        let mut out: Set = Vec::new();
        for s in t.drain(..) {
            let redundant = out.last().is_some_and(|l: &Vec<u8>| {
                if suffix {
                    s.ends_with(l)
                } else {
                    s.starts_with(l)
                }
            });
            if !redundant {
                out.push(s);
            }
        }
        *t = out;
    }
}

fn concat(x: Info, y: Info) -> Info {
    let mut xy = Info {
        can_empty: x.can_empty && y.can_empty,
        exact: None,
        prefix: vec![],
        suffix: vec![],
        m: x.m.clone().and(y.m.clone()),
    };
    match (&x.exact, &y.exact) {
        (Some(a), Some(b)) => xy.exact = Some(cross(a, b, false)),
        _ => {
            xy.prefix = match &x.exact {
                Some(a) => cross(a, &y.prefix, false),
                None if x.can_empty => union(&x.prefix, &y.prefix, false),
                None => x.prefix.clone(),
            };
            xy.suffix = match &y.exact {
                Some(b) => cross(&x.suffix, b, true),
                None if y.can_empty => union(&y.suffix, &x.suffix, true),
                None => y.suffix.clone(),
            };
        }
    }
    // The strings that span the join: a suffix of x then a prefix of y.
    if x.exact.is_none()
        && y.exact.is_none()
        && x.suffix.len() <= MAX_SET
        && y.prefix.len() <= MAX_SET
        && min_len(&x.suffix) + min_len(&y.prefix) >= 3
    {
        xy.m = and_trigrams(xy.m, &cross(&x.suffix, &y.prefix, false));
    }
    xy.simplify(false);
    xy
}

fn alternate(mut x: Info, mut y: Info) -> Info {
    let mut xy = Info {
        can_empty: x.can_empty || y.can_empty,
        exact: None,
        prefix: vec![],
        suffix: vec![],
        m: Grams::All,
    };
    match (x.exact.clone(), y.exact.clone()) {
        (Some(a), Some(b)) => xy.exact = Some(union(&a, &b, false)),
        (Some(a), None) => {
            xy.prefix = union(&a, &y.prefix, false);
            xy.suffix = union(&a, &y.suffix, true);
            x.add_exact();
        }
        (None, Some(b)) => {
            xy.prefix = union(&x.prefix, &b, false);
            xy.suffix = union(&x.suffix, &b, true);
            y.add_exact();
        }
        (None, None) => {
            xy.prefix = union(&x.prefix, &y.prefix, false);
            xy.suffix = union(&x.suffix, &y.suffix, true);
        }
    }
    xy.m = x.m.or(y.m);
    xy.simplify(false);
    xy
}

fn class_info(members: usize, each: impl Iterator<Item = Vec<u8>>) -> Info {
    if members == 0 {
        no_match()
    } else if members > MAX_CLASS {
        any_char()
    } else {
        exact(each.collect())
    }
}

/// The HIR's nesting is bounded by the parser's nest limit (250), so the
/// recursion is too.
fn analyze(h: &Hir) -> Info {
    let mut info = match h.kind() {
        HirKind::Empty | HirKind::Look(_) => empty_string(),
        HirKind::Literal(lit) => exact(vec![lit.0.to_vec()]),
        HirKind::Class(Class::Unicode(c)) => {
            let n: usize = c
                .iter()
                .map(|r| r.end() as usize - r.start() as usize + 1)
                .sum();
            class_info(
                n,
                c.iter().flat_map(|r| r.start()..=r.end()).map(|ch| {
                    let mut b = [0u8; 4];
                    ch.encode_utf8(&mut b).as_bytes().to_vec()
                }),
            )
        }
        HirKind::Class(Class::Bytes(c)) => {
            let n: usize = c
                .iter()
                .map(|r| r.end() as usize - r.start() as usize + 1)
                .sum();
            class_info(
                n,
                c.iter().flat_map(|r| r.start()..=r.end()).map(|b| vec![b]),
            )
        }
        HirKind::Capture(c) => analyze(&c.sub),
        HirKind::Repetition(r) => {
            let x = analyze(&r.sub);
            if r.min == 0 {
                if r.max == Some(1) {
                    alternate(x, empty_string())
                } else {
                    any_match()
                }
            } else {
                // x{min,max}: the first k copies, then an unknown tail; the
                // last k copies are also a suffix.
                let k = r.min.min(3);
                let mut info = x.clone();
                for _ in 1..k {
                    info = concat(info, x.clone());
                }
                if !(r.max == Some(r.min) && r.min <= 3)
                    && let Some(ex) = info.exact.take()
                {
                    info.prefix = ex.clone();
                    info.suffix = ex;
                }
                info
            }
        }
        HirKind::Concat(v) => {
            let mut info = empty_string();
            for s in v {
                info = concat(info, analyze(s));
            }
            info
        }
        HirKind::Alternation(v) => {
            let mut info: Option<Info> = None;
            for s in v {
                let a = analyze(s);
                info = Some(match info {
                    None => a,
                    Some(i) => alternate(i, a),
                });
            }
            info.unwrap_or_else(no_match)
        }
    };
    info.simplify(false);
    info
}

/// A small deterministic generator for the daemon's unit tests (no
/// dependency for it).
#[cfg(test)]
pub(crate) struct Rng(pub u64);

#[cfg(test)]
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(patterns: &[&str], fixed: bool, ci: bool) -> Plan {
        plan_hir(&parse(patterns, fixed, ci, true).expect("parses"))
    }

    fn g(s: &str) -> Grams {
        Grams::Gram(gram(s.as_bytes()))
    }

    #[test]
    fn golden_plans() {
        assert_eq!(
            plan_of(&["PM_RESUME"], false, false),
            Plan::Index(Grams::And(
                ["PM_", "M_R", "_RE", "RES", "ESU", "SUM", "UME"]
                    .iter()
                    .map(|s| g(s))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect()
            ))
        );
        assert_eq!(
            plan_of(&["foo", "bar"], false, false),
            Plan::Index(Grams::Or(vec![g("bar"), g("foo")]))
        );
        assert_eq!(plan_of(&[r"\bint\b"], false, false), Plan::Index(g("int")));
        assert_eq!(
            plan_of(&["a.b(c"], true, false),
            Plan::Index(Grams::And(vec![g(".b("), g("a.b"), g("b(c")]))
        );
        assert_eq!(
            plan_of(&["[A-Z]{3}_[0-9]{2}"], false, false),
            Plan::FullScan(FullScan::NoTrigram)
        );
        assert_eq!(
            plan_of(&["a*"], false, false),
            Plan::FullScan(FullScan::MatchesEmpty)
        );
        assert_eq!(
            plan_of(&["foo", ""], false, false),
            Plan::FullScan(FullScan::MatchesEmpty)
        );
        assert_eq!(
            plan_of(&[r"[^\s\S]"], false, false),
            Plan::Index(Grams::None)
        );
    }

    /// `-i k` must keep the KELVIN SIGN (E2 84 AA) and `-i s` the long s
    /// (C5 BF): an index that folded only ASCII would miss them.
    #[test]
    fn case_folding_keeps_non_ascii_variants() {
        let Plan::Index(q) = plan_of(&["kmalloc"], false, true) else {
            panic!("planned")
        };
        let text = "\u{212A}MALLOC".as_bytes();
        let has = |x: Gram| text.windows(3).any(|w| gram(w) == x);
        assert!(q.holds(&has), "{q}");
        let Plan::Index(q) = plan_of(&["pm_resume"], false, true) else {
            panic!("planned")
        };
        let text = "PM_RE\u{17F}UME".as_bytes();
        let has = |x: Gram| text.windows(3).any(|w| gram(w) == x);
        assert!(q.holds(&has), "{q}");
    }

    const ATOMS: &[&str] = &[
        "k",
        "K",
        "s",
        "S",
        "é",
        "É",
        "ab",
        "abc",
        "bcd",
        "kes",
        "e",
        "x",
        "ſ",
        "\u{212A}",
        "[ab]",
        "[Kk]",
        "[a-z]",
        r"\w",
        r"\d",
        ".",
        "[^x]",
        r"\s",
        "a",
        "b",
        "c",
        r"\x{212A}",
        "(?i:ab)",
        r"\n",
    ];
    const PIECES: &[&str] = &[
        "k", "K", "s", "S", "é", "É", "ſ", "\u{212A}", "a", "b", "c", "d", "e", "x", "\n", "\r",
        " ", "\u{e9}", "ab", "abc", "bcd", "kes", "\u{ff}",
    ];

    fn random_pattern(r: &mut Rng, depth: usize) -> String {
        if depth == 0 || r.below(3) == 0 {
            return r.pick(ATOMS).to_string();
        }
        match r.below(6) {
            0 => format!(
                "{}|{}",
                random_pattern(r, depth - 1),
                random_pattern(r, depth - 1)
            ),
            1 => format!("({}){}", random_pattern(r, depth - 1), {
                ["*", "+", "?", "{2}", "{1,3}", "{3,}", "{4}"][r.below(7)]
            }),
            2 => format!(
                "{}{}{}",
                random_pattern(r, depth - 1),
                ["", "^", "$", r"\b", r"\B"][r.below(5)],
                random_pattern(r, depth - 1)
            ),
            _ => format!(
                "{}{}",
                random_pattern(r, depth - 1),
                random_pattern(r, depth - 1)
            ),
        }
    }

    /// The promise, against the real matcher: if the matcher grep runs
    /// finds a match in a haystack, the haystack's own trigrams satisfy
    /// the plan. Random patterns from a grammar (case variants with the
    /// KELVIN SIGN and the long s, classes, alternation, repetition,
    /// anchors), with and without `-i` and `-F`, on random haystacks.
    #[test]
    fn plans_are_sound_against_the_matcher() {
        let seed: u64 = std::env::var("PGREP_GRAMS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5eed_1234_abcd);
        let iters: usize = std::env::var("PGREP_GRAMS_ITERS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(250);
        let mut r = Rng(seed | 1);
        let (mut matched, mut planned) = (0, 0);
        for _ in 0..iters {
            let n = 1 + r.below(2);
            let pats: Vec<String> = (0..n).map(|_| random_pattern(&mut r, 4)).collect();
            let fixed = r.below(5) == 0;
            let ci = r.below(3) == 0;
            let unicode = r.below(4) != 0;
            let pats_ref: Vec<&str> = pats.iter().map(String::as_str).collect();
            let Ok(hir) = parse(&pats_ref, fixed, ci, unicode) else {
                continue;
            };
            let plan = plan_hir(&hir);
            let Ok(matcher) = grep_regex::RegexMatcherBuilder::new()
                .multi_line(true)
                .unicode(unicode)
                .octal(false)
                .fixed_strings(fixed)
                .case_insensitive(ci)
                .build_many(&pats)
            else {
                continue;
            };
            for _ in 0..20 {
                let len = r.below(12);
                let mut hay = Vec::new();
                for _ in 0..len {
                    hay.extend_from_slice(r.pick(PIECES).as_bytes());
                }
                let found = grep_matcher::Matcher::find(&matcher, &hay)
                    .expect("matcher")
                    .is_some();
                if !found {
                    continue;
                }
                matched += 1;
                let Plan::Index(q) = &plan else { continue };
                planned += 1;
                let has = |x: Gram| hay.windows(3).any(|w| gram(w) == x);
                assert!(
                    q.holds(&has),
                    "unsound plan {q} for {pats:?} (fixed {fixed}, -i {ci}, unicode {unicode}) \
                     on {:?} (seed {seed})",
                    String::from_utf8_lossy(&hay)
                );
            }
        }
        assert!(matched > 100 && planned > 20, "{matched} {planned}");
    }
}
