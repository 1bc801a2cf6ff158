//! The patterns, compiled by the engine the user chose.
//!
//! Two engines, as in ripgrep: Rust's regex through `grep-regex` (the
//! default: linear time, literal prefilters, the line-terminator tricks
//! that make line search fast) and PCRE2 through `grep-pcre2` (`-P`:
//! look-around and backreferences; behind the `pcre2` cargo feature, on by
//! default, because it compiles PCRE2's C sources). `--engine auto` uses
//! the default engine unless the pattern does not compile there.
//!
//! [`PatternMatcher`] is one type for both, so the searcher, the printer
//! and the daemon take a matcher without caring which engine it is. It
//! implements [`grep_matcher::Matcher`] by handing every method to the
//! engine's own implementation, the ones with a default body included:
//! grep-regex overrides several of them (`find_candidate_line`,
//! `line_terminator`, `non_matching_bytes`, `shortest_match_at`, ...) and
//! grep-searcher's fast paths rely on those overrides; a default body here
//! would silently turn them off.
//!
//! How each engine is configured follows ripgrep 15.2's `HiArgs::matcher`,
//! `matcher_rust` and `matcher_pcre2` (crates/core/flags/hiargs.rs).

use std::fmt;

use grep_matcher::{ByteSet, Captures, LineMatchKind, LineTerminator, Match, Matcher, NoError};
use grep_regex::{RegexCaptures, RegexMatcher, RegexMatcherBuilder};

use crate::cli::Engine;
use crate::config::{CaseMode, Config};

/// Compile the patterns with the engine `config` asks for. An invalid
/// pattern is a fatal error whose message shows the pattern.
pub fn build_matcher(config: &Config) -> anyhow::Result<PatternMatcher> {
    match config.engine {
        Engine::Default => build_rust(config)
            .map(PatternMatcher::Rust)
            .map_err(|msg| anyhow::anyhow!("{}", suggest_pcre2(msg))),
        Engine::Pcre2 => build_pcre2(config),
        Engine::Auto => {
            let rust_err = match build_rust(config) {
                Ok(m) => return Ok(PatternMatcher::Rust(m)),
                Err(err) => err,
            };
            let pcre_err = match build_pcre2(config) {
                Ok(m) => return Ok(m),
                Err(err) => err,
            };
            let divider = "~".repeat(79);
            anyhow::bail!(
                "regex could not be compiled with either the default regex engine or with \
                 PCRE2.\n\n\
                 default regex engine error:\n\
                 {divider}\n\
                 {rust_err}\n\
                 {divider}\n\n\
                 PCRE2 regex engine error:\n{pcre_err}"
            )
        }
    }
}

/// The default engine; the error is the message to show.
fn build_rust(config: &Config) -> Result<RegexMatcher, String> {
    let mut b = RegexMatcherBuilder::new();
    b.multi_line(true)
        .unicode(config.unicode)
        .octal(false)
        .fixed_strings(config.fixed_strings);
    match config.case {
        CaseMode::Sensitive => b.case_insensitive(false),
        CaseMode::Insensitive => b.case_insensitive(true),
        CaseMode::Smart => b.case_smart(true),
    };
    if config.word {
        b.word(true);
    } else if config.line {
        b.whole_line(true);
    }
    if config.multiline {
        b.dot_matches_new_line(config.multiline_dotall);
        if config.crlf {
            b.crlf(true).line_terminator(None);
        }
    } else {
        b.line_terminator(Some(b'\n')).dot_matches_new_line(false);
        if config.crlf {
            b.crlf(true);
        }
        // As in ripgrep: only outside multiline mode, where a pattern may
        // name a NUL on purpose and no line-terminator trick is used.
        if config.null_data {
            b.line_terminator(Some(b'\x00'));
        }
    }
    if let Some(limit) = config.regex_size_limit {
        b.size_limit(usize::try_from(limit).unwrap_or(usize::MAX));
    }
    if let Some(limit) = config.dfa_size_limit {
        b.dfa_size_limit(usize::try_from(limit).unwrap_or(usize::MAX));
    }
    // A line with a NUL is binary and never printed as a match (unless
    // binary detection is off: -a, or --null-data where NUL ends records).
    if !binary_detection_off(config) {
        b.ban_byte(Some(b'\x00'));
    }
    b.build_many(&config.patterns).map_err(|err| {
        let msg = err.to_string();
        let msg = if !config.multiline && msg.contains("the literal") && msg.contains("\\n") {
            format!("{msg}\n\nConsider enabling multiline mode with -U/--multiline.")
        } else {
            msg
        };
        suggest_text(msg)
    })
}

/// ripgrep's rule: binary detection is off when both the implicit (walked
/// files) and the explicit (named files) policy are off, and always with
/// `--null-data`.
fn binary_detection_off(config: &Config) -> bool {
    let none = grep_searcher::BinaryDetection::none();
    config.null_data || (config.binary_implicit == none && config.binary_explicit == none)
}

/// A pattern the default engine refuses for a feature PCRE2 has: say so.
fn suggest_pcre2(msg: String) -> String {
    if cfg!(feature = "pcre2") && (msg.contains("backreferences") || msg.contains("look-around")) {
        format!(
            "{msg}\n\nConsider enabling PCRE2 with the --pcre2 flag, which can handle \
             backreferences\nand look-around."
        )
    } else {
        msg
    }
}

/// A pattern that names NUL while binary detection makes NUL unmatchable.
fn suggest_text(msg: String) -> String {
    if msg.contains("pattern contains \"\\0\"") {
        format!(
            "{msg}\n\nConsider enabling text mode with the --text flag (or -a for short). \
             Otherwise,\nbinary detection is enabled and matching a NUL byte is impossible."
        )
    } else {
        msg
    }
}

/// PCRE2, configured as ripgrep configures it.
#[cfg(feature = "pcre2")]
fn build_pcre2(config: &Config) -> anyhow::Result<PatternMatcher> {
    let mut b = grep_pcre2::RegexMatcherBuilder::new();
    b.multi_line(true).fixed_strings(config.fixed_strings);
    match config.case {
        CaseMode::Sensitive => b.caseless(false),
        CaseMode::Insensitive => b.caseless(true),
        CaseMode::Smart => b.case_smart(true),
    };
    if config.word {
        b.word(true);
    } else if config.line {
        b.whole_line(true);
    }
    // The JIT fails with "no more memory" on 32-bit targets (ripgrep's
    // finding), so it is used on 64-bit ones only; its stack may grow to
    // 10 MiB (PCRE2's default is 32 KiB, "1 MiB should be enough").
    if cfg!(target_pointer_width = "64") {
        b.jit_if_available(true).max_jit_stack_size(Some(10 << 20));
    }
    if config.unicode {
        b.utf(true).ucp(true);
    }
    if config.multiline {
        b.dotall(config.multiline_dotall);
    }
    if config.crlf {
        b.crlf(true);
    }
    b.build_many(&config.patterns)
        .map(PatternMatcher::Pcre2)
        .map_err(|err| anyhow::anyhow!("{}", pcre2_error(&config.patterns, &err.to_string())))
}

#[cfg(not(feature = "pcre2"))]
fn build_pcre2(_: &Config) -> anyhow::Result<PatternMatcher> {
    anyhow::bail!("PCRE2 is not available in this build of pgrep-lite")
}

/// PCRE2's message gives an offset into the pattern it compiled (the
/// patterns joined, each in `(?:...)`), not the pattern that was typed:
/// name the typed pattern(s) too.
#[cfg(feature = "pcre2")]
fn pcre2_error(patterns: &[String], msg: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("PCRE2 regex parse error in ");
    match patterns {
        [one] => {
            let _ = write!(out, "pattern:\n    {one}\n");
        }
        many => {
            out.push_str("patterns:\n");
            for p in many {
                let _ = writeln!(out, "    {p}");
            }
        }
    }
    let _ = write!(out, "error: {msg}");
    out
}

/// `--pcre2-version`: the PCRE2 library in use, as ripgrep prints it, or
/// None in a build without it.
#[cfg(feature = "pcre2")]
pub fn pcre2_version() -> Option<String> {
    let (major, minor) = grep_pcre2::version();
    let jit = if cfg!(target_pointer_width = "64") && grep_pcre2::is_jit_available() {
        "available"
    } else {
        "unavailable"
    };
    Some(format!(
        "PCRE2 {major}.{minor} is available (JIT is {jit})\n"
    ))
}

/// `--pcre2-version` in a build without PCRE2.
#[cfg(not(feature = "pcre2"))]
pub fn pcre2_version() -> Option<String> {
    None
}

/// The compiled patterns, in the engine that compiled them.
#[derive(Clone, Debug)]
pub enum PatternMatcher {
    Rust(RegexMatcher),
    #[cfg(feature = "pcre2")]
    Pcre2(grep_pcre2::RegexMatcher),
}

impl PatternMatcher {
    /// A matcher for the default engine's reading of `pattern`, with every
    /// option at its default (the daemon's placeholder for `--files`).
    pub fn new_rust(pattern: &str) -> Result<PatternMatcher, grep_regex::Error> {
        RegexMatcher::new(pattern).map(PatternMatcher::Rust)
    }
}

/// Capture groups of a [`PatternMatcher`]'s match.
#[derive(Clone, Debug)]
pub enum PatternCaptures {
    Rust(RegexCaptures),
    #[cfg(feature = "pcre2")]
    Pcre2(grep_pcre2::RegexCaptures),
}

impl Captures for PatternCaptures {
    #[inline]
    fn len(&self) -> usize {
        match self {
            PatternCaptures::Rust(c) => c.len(),
            #[cfg(feature = "pcre2")]
            PatternCaptures::Pcre2(c) => c.len(),
        }
    }

    #[inline]
    fn get(&self, i: usize) -> Option<Match> {
        match self {
            PatternCaptures::Rust(c) => c.get(i),
            #[cfg(feature = "pcre2")]
            PatternCaptures::Pcre2(c) => c.get(i),
        }
    }
}

/// An error while matching. The default engine has none; PCRE2 can fail
/// mid-search (its JIT stack or match limit exceeded on a pathological
/// line), and then the search of that file fails with this message.
#[derive(Debug)]
pub struct MatchError(Box<str>);

impl fmt::Display for MatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<NoError> for MatchError {
    #[inline]
    fn from(err: NoError) -> MatchError {
        MatchError(err.to_string().into())
    }
}

#[cfg(feature = "pcre2")]
impl From<grep_pcre2::Error> for MatchError {
    #[cold]
    fn from(err: grep_pcre2::Error) -> MatchError {
        MatchError(err.to_string().into())
    }
}

/// `$body` with `$m` bound to the engine's matcher, the engine's error
/// turned into [`MatchError`].
macro_rules! delegate {
    ($self:expr, $m:ident => $body:expr) => {
        match $self {
            PatternMatcher::Rust($m) => $body.map_err(MatchError::from),
            #[cfg(feature = "pcre2")]
            PatternMatcher::Pcre2($m) => $body.map_err(MatchError::from),
        }
    };
}

/// `$body` with `$m` bound to the engine's matcher, for methods that cannot
/// fail.
macro_rules! delegate_infallible {
    ($self:expr, $m:ident => $body:expr) => {
        match $self {
            PatternMatcher::Rust($m) => $body,
            #[cfg(feature = "pcre2")]
            PatternMatcher::Pcre2($m) => $body,
        }
    };
}

impl Matcher for PatternMatcher {
    type Captures = PatternCaptures;
    type Error = MatchError;

    #[inline]
    fn find_at(&self, haystack: &[u8], at: usize) -> Result<Option<Match>, MatchError> {
        delegate!(self, m => m.find_at(haystack, at))
    }

    #[inline]
    fn new_captures(&self) -> Result<PatternCaptures, MatchError> {
        match self {
            PatternMatcher::Rust(m) => Ok(PatternCaptures::Rust(m.new_captures()?)),
            #[cfg(feature = "pcre2")]
            PatternMatcher::Pcre2(m) => Ok(PatternCaptures::Pcre2(m.new_captures()?)),
        }
    }

    #[inline]
    fn capture_count(&self) -> usize {
        delegate_infallible!(self, m => m.capture_count())
    }

    #[inline]
    fn capture_index(&self, name: &str) -> Option<usize> {
        delegate_infallible!(self, m => m.capture_index(name))
    }

    #[inline]
    fn find(&self, haystack: &[u8]) -> Result<Option<Match>, MatchError> {
        delegate!(self, m => m.find(haystack))
    }

    #[inline]
    fn find_iter<F>(&self, haystack: &[u8], matched: F) -> Result<(), MatchError>
    where
        F: FnMut(Match) -> bool,
    {
        delegate!(self, m => m.find_iter(haystack, matched))
    }

    #[inline]
    fn find_iter_at<F>(&self, haystack: &[u8], at: usize, matched: F) -> Result<(), MatchError>
    where
        F: FnMut(Match) -> bool,
    {
        delegate!(self, m => m.find_iter_at(haystack, at, matched))
    }

    #[inline]
    fn try_find_iter<F, E>(&self, haystack: &[u8], matched: F) -> Result<Result<(), E>, MatchError>
    where
        F: FnMut(Match) -> Result<bool, E>,
    {
        delegate!(self, m => m.try_find_iter(haystack, matched))
    }

    #[inline]
    fn try_find_iter_at<F, E>(
        &self,
        haystack: &[u8],
        at: usize,
        matched: F,
    ) -> Result<Result<(), E>, MatchError>
    where
        F: FnMut(Match) -> Result<bool, E>,
    {
        delegate!(self, m => m.try_find_iter_at(haystack, at, matched))
    }

    #[inline]
    fn captures_at(
        &self,
        haystack: &[u8],
        at: usize,
        caps: &mut PatternCaptures,
    ) -> Result<bool, MatchError> {
        match (self, caps) {
            (PatternMatcher::Rust(m), PatternCaptures::Rust(c)) => {
                Ok(m.captures_at(haystack, at, c)?)
            }
            #[cfg(feature = "pcre2")]
            (PatternMatcher::Pcre2(m), PatternCaptures::Pcre2(c)) => {
                Ok(m.captures_at(haystack, at, c)?)
            }
            // Captures always come from this matcher's `new_captures`; a
            // foreign set holds no match.
            #[cfg(feature = "pcre2")]
            _ => Ok(false),
        }
    }

    #[inline]
    fn replace<F>(&self, haystack: &[u8], dst: &mut Vec<u8>, append: F) -> Result<(), MatchError>
    where
        F: FnMut(Match, &mut Vec<u8>) -> bool,
    {
        delegate!(self, m => m.replace(haystack, dst, append))
    }

    #[inline]
    fn is_match(&self, haystack: &[u8]) -> Result<bool, MatchError> {
        delegate!(self, m => m.is_match(haystack))
    }

    #[inline]
    fn is_match_at(&self, haystack: &[u8], at: usize) -> Result<bool, MatchError> {
        delegate!(self, m => m.is_match_at(haystack, at))
    }

    #[inline]
    fn shortest_match(&self, haystack: &[u8]) -> Result<Option<usize>, MatchError> {
        delegate!(self, m => m.shortest_match(haystack))
    }

    #[inline]
    fn shortest_match_at(&self, haystack: &[u8], at: usize) -> Result<Option<usize>, MatchError> {
        delegate!(self, m => m.shortest_match_at(haystack, at))
    }

    #[inline]
    fn non_matching_bytes(&self) -> Option<&ByteSet> {
        delegate_infallible!(self, m => m.non_matching_bytes())
    }

    #[inline]
    fn line_terminator(&self) -> Option<LineTerminator> {
        delegate_infallible!(self, m => m.line_terminator())
    }

    #[inline]
    fn find_candidate_line(&self, haystack: &[u8]) -> Result<Option<LineMatchKind>, MatchError> {
        delegate!(self, m => m.find_candidate_line(haystack))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Context;

    fn config(args: &[&str]) -> Config {
        let mut argv = vec!["pgrep-lite"];
        argv.extend_from_slice(args);
        let ctx = Context::from_process().expect("context");
        Config::from_args_in(argv, &ctx).expect("flags")
    }

    fn matcher(args: &[&str]) -> PatternMatcher {
        build_matcher(&config(args)).expect("pattern compiles")
    }

    fn error(args: &[&str]) -> String {
        match build_matcher(&config(args)) {
            Ok(m) => panic!("{args:?} compiled: {m:?}"),
            Err(err) => format!("{err:#}"),
        }
    }

    const HAYSTACKS: &[&[u8]] = &[
        b"",
        b"foo\n",
        b"xx foobar yy\nzz\n",
        b"one\ntwo foo\nthree\n",
        b"FOO\xff\n",
        b"nothing here\n",
    ];

    /// Every method grep-searcher's fast paths use gives what grep-regex's
    /// own matcher gives: a default body instead of delegation would answer
    /// `find_candidate_line` with `Confirmed` and `non_matching_bytes` with
    /// `None`, and searches would lose their prefilter.
    #[test]
    // Without the pcre2 feature there is one engine.
    #[allow(irrefutable_let_patterns)]
    fn default_engine_answers_as_grep_regex_does() {
        for args in [
            &["foo"][..],
            &["-i", "fo+"],
            &["-w", "foo|two"],
            &["\\w+ foo"],
            &["-e", "foo", "-e", "t.o"],
        ] {
            let ours = matcher(args);
            let PatternMatcher::Rust(inner) = &ours else {
                panic!("{args:?}: not the default engine");
            };
            assert_eq!(ours.line_terminator(), inner.line_terminator(), "{args:?}");
            assert_eq!(
                ours.non_matching_bytes().is_some(),
                inner.non_matching_bytes().is_some(),
                "{args:?}"
            );
            assert_eq!(ours.capture_count(), inner.capture_count(), "{args:?}");
            for hay in HAYSTACKS {
                let theirs = inner.find_candidate_line(hay).expect("no error");
                let mine = ours.find_candidate_line(hay).expect("no error");
                assert_eq!(
                    format!("{mine:?}"),
                    format!("{theirs:?}"),
                    "{args:?} {hay:?}"
                );
                assert_eq!(
                    ours.find(hay).expect("no error"),
                    inner.find(hay).expect("no error")
                );
                assert_eq!(
                    ours.shortest_match(hay).expect("no error"),
                    inner.shortest_match(hay).expect("no error")
                );
            }
        }
        // The prefilter a plain literal gets: the candidate answer differs
        // from the confirmed one only when delegation happens.
        let m = matcher(&["-w", "foo"]);
        assert!(matches!(
            m.find_candidate_line(b"a foo\n"),
            Ok(Some(LineMatchKind::Candidate(_)))
        ));
        assert_eq!(m.line_terminator(), Some(LineTerminator::byte(b'\n')));
    }

    #[test]
    fn null_data_makes_nul_the_line_terminator_and_allows_nul_in_patterns() {
        let m = matcher(&["--null-data", "foo"]);
        assert_eq!(m.line_terminator(), Some(LineTerminator::byte(b'\x00')));
        // Binary detection bans NUL from matches, so a NUL in a pattern is
        // refused, with the --text hint; --null-data turns detection off.
        assert!(error(&["-U", "a\\x00b"]).contains("--text flag"));
        let m = matcher(&["-U", "--null-data", "a\\x00b"]);
        assert_eq!(
            m.find(b"xa\x00b").expect("no error"),
            Some(Match::new(1, 4))
        );
        let m = matcher(&["-U", "-a", "a\\x00b"]);
        assert!(m.is_match(b"a\x00b").expect("no error"));
    }

    #[test]
    fn no_unicode_makes_classes_ascii() {
        let hay = "café".as_bytes();
        assert_eq!(
            matcher(&["-o", "\\w+"]).find(hay).expect("no error"),
            Some(Match::new(0, 5))
        );
        assert_eq!(
            matcher(&["--no-unicode", "\\w+"])
                .find(hay)
                .expect("no error"),
            Some(Match::new(0, 3))
        );
    }

    #[test]
    fn size_limits_reach_the_default_engine() {
        let msg = error(&["--regex-size-limit", "1K", "\\w{100}"]);
        assert!(msg.contains("exceeds size limit"), "{msg}");
        matcher(&["\\w{100}"]);
        // A tiny lazy DFA still answers (it falls back, as in ripgrep).
        let m = matcher(&["--dfa-size-limit", "1", "\\w+z"]);
        assert!(m.is_match(b"abcz").expect("no error"));
    }

    #[test]
    fn default_engine_refusing_look_around_suggests_pcre2_when_built_in() {
        let msg = error(&["(?<=a)b"]);
        assert!(msg.contains("look-around"), "{msg}");
        assert_eq!(
            msg.contains("--pcre2 flag"),
            cfg!(feature = "pcre2"),
            "{msg}"
        );
    }

    #[cfg(feature = "pcre2")]
    mod pcre2 {
        use super::*;

        #[test]
        fn pcre2_engine_and_auto_fallback() {
            assert!(matches!(matcher(&["-P", "foo"]), PatternMatcher::Pcre2(_)));
            assert!(matches!(
                matcher(&["--engine", "auto", "foo"]),
                PatternMatcher::Rust(_)
            ));
            assert!(matches!(
                matcher(&["--engine", "auto", "(a)\\1"]),
                PatternMatcher::Pcre2(_)
            ));
            assert!(matches!(
                matcher(&["--auto-hybrid-regex", "(?<=a)b"]),
                PatternMatcher::Pcre2(_)
            ));
            let m = matcher(&["-P", "(?<=the )Sherlock"]);
            assert_eq!(
                m.find(b"Sherlock the Sherlock").expect("no error"),
                Some(Match::new(13, 21))
            );
        }

        #[test]
        fn pcre2_options_follow_the_flags() {
            let m = matcher(&["-P", "-w", "foo"]);
            assert_eq!(m.find(b"foobar foo").expect("ok"), Some(Match::new(7, 10)));
            let m = matcher(&["-P", "-x", "foo"]);
            assert_eq!(
                m.find(b"foo bar\nfoo\n").expect("ok"),
                Some(Match::new(8, 11))
            );
            let m = matcher(&["-P", "-i", "straße"]);
            assert!(m.is_match("STRASSE straße".as_bytes()).expect("ok"));
            let m = matcher(&["-P", "-S", "Foo"]);
            assert!(!m.is_match(b"foo").expect("ok"));
            let m = matcher(&["-P", "-S", "foo"]);
            assert!(m.is_match(b"FOO").expect("ok"));
            let m = matcher(&["-P", "-F", "a.b("]);
            assert!(!m.is_match(b"axb(").expect("ok"));
            assert!(m.is_match(b"a.b(").expect("ok"));
            let m = matcher(&["-P", "-e", "(?<=x)a", "-e", "b(?=y)"]);
            assert_eq!(m.find(b"a b by xa").expect("ok"), Some(Match::new(4, 5)));
            // UTF mode: \w knows é unless --no-unicode.
            let hay = "café".as_bytes();
            assert_eq!(
                matcher(&["-P", "\\w+"]).find(hay).expect("ok"),
                Some(Match::new(0, 5))
            );
            assert_eq!(
                matcher(&["-P", "--no-unicode", "\\w+"])
                    .find(hay)
                    .expect("ok"),
                Some(Match::new(0, 3))
            );
            // -U without --multiline-dotall: `.` stops at a newline.
            let m = matcher(&["-P", "-U", "a.b"]);
            assert!(!m.is_match(b"a\nb").expect("ok"));
            let m = matcher(&["-P", "-U", "--multiline-dotall", "a.b"]);
            assert!(m.is_match(b"a\nb").expect("ok"));
            // PCRE2 has no line-terminator contract with the searcher.
            assert_eq!(matcher(&["-P", "--null-data", "a"]).line_terminator(), None);
        }

        #[test]
        fn pcre2_captures_through_the_enum() {
            let m = matcher(&["-P", "(?<word>o+)(x)?"]);
            assert_eq!(m.capture_count(), 3);
            assert_eq!(m.capture_index("word"), Some(1));
            let mut caps = m.new_captures().expect("captures");
            assert!(m.captures_at(b"foo", 0, &mut caps).expect("ok"));
            assert_eq!(caps.get(1), Some(Match::new(1, 3)));
            assert_eq!(caps.get(2), None);
            // Captures of the other engine hold no match.
            let mut foreign = matcher(&["(o)"]).new_captures().expect("captures");
            assert!(!m.captures_at(b"foo", 0, &mut foreign).expect("ok"));
        }

        #[test]
        fn an_invalid_pcre2_pattern_names_the_pattern() {
            let msg = error(&["-P", "a(b"]);
            assert!(msg.contains("\n    a(b\n"), "{msg}");
            assert!(msg.contains("missing closing parenthesis"), "{msg}");
            let msg = error(&["--engine", "auto", "a(b"]);
            assert!(
                msg.contains("either the default regex engine or with PCRE2"),
                "{msg}"
            );
            assert!(msg.contains("unclosed group"), "{msg}");
            assert!(msg.contains("missing closing parenthesis"), "{msg}");
        }

        #[test]
        fn pcre2_version_is_reported_as_ripgrep_does() {
            let v = pcre2_version().expect("built with PCRE2");
            assert!(v.starts_with("PCRE2 10."), "{v}");
            assert!(v.ends_with(" is available (JIT is available)\n") || v.contains("unavailable"));
        }
    }
}
