//! pgrep-lite's PCRE2 engine (`-P`, `--engine auto`) and the matcher flags
//! that go with it (`--no-unicode`, `--null-data`, the size limits), run
//! through the built binary.
//!
//! Scenario tests first, named after what they guard. Then a seeded
//! randomized oracle: random small files, random PCRE2 patterns from a
//! small grammar (look-around, backreferences, possessive and lazy
//! quantifiers, Unicode classes) and random flags, each search compared
//! byte for byte (stdout and exit status) with ripgrep's answer to the same
//! command. ripgrep with its `pcre2` feature is the trusted answer: both
//! tools sit on the same PCRE2, so a difference is ours (how the engine is
//! configured, how patterns are joined, how matches reach the printer).
//! The oracle needs an rg that has PCRE2 (`rg --pcre2-version` succeeds):
//! `$PGREP_PCRE2_RG`, else /work/tools/bin/rg, `rg` on PATH, or the rg that
//! `bench/rg_suite.sh --pcre2` builds; without one it prints a note and
//! checks nothing. `PGREP_PCRE2_SEED` picks the seed (default fixed),
//! `PGREP_PCRE2_QUERIES` the number of searches (default 150).
//!
//! A second oracle needs no rg and so runs everywhere (CI has no rg): GNU
//! `grep -P`, also PCRE2, asked only what it answers the same way (one
//! ASCII pattern that cannot match empty, ASCII files, flags both read
//! alike). A missing GNU grep fails it, as in tests/grep_oracle.rs.

#![cfg(feature = "pcre2")]

mod util;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use util::{DaemonGuard, Dir, Rng, run_bounded, seed_from_env, text};

/// A directory with its own runtime directory: no daemon of the user's
/// answers for it.
fn grep() -> Dir {
    Dir::grep()
}

const SHERLOCK: &str = "\
For the Doctor Watsons of this world, as opposed to the Sherlock
Holmeses, success in the province of detective work must always
be, to a very large extent, the result of luck. Sherlock Holmes
can extract a clew from a wisp of straw or a flake of cigar ash;
but Doctor Watson has to have it taken out for him and dusted,
and exhibited clearly, with a label attached.
";

#[test]
fn pcre2_look_behind_and_look_ahead() {
    let dir = grep();
    dir.create("s", SHERLOCK);
    assert_eq!(
        dir.stdout(&["-P", "-o", "(?<=the )Sherlock", "s"], 0),
        "Sherlock\n"
    );
    assert_eq!(
        dir.stdout(&["-P", "-n", "Doctor (?!Watsons)", "s"], 0),
        "5:but Doctor Watson has to have it taken out for him and dusted,\n"
    );
}

#[test]
fn pcre2_backreferences() {
    let dir = grep();
    dir.create("f", "abab\nabba\nxyz\nhello\n");
    assert_eq!(dir.stdout(&["-P", "(\\w)\\1", "f"], 0), "abba\nhello\n");
    assert_eq!(
        dir.stdout(&["-P", "-o", "(?<p>ab)\\k<p>", "f"], 0),
        "abab\n"
    );
}

#[test]
fn pcre2_word_regexp() {
    let dir = grep();
    dir.create("f", "foo bar\nfoobar\nbar-foo\n_foo\n");
    assert_eq!(
        dir.stdout(&["-P", "-w", "foo", "f"], 0),
        "foo bar\nbar-foo\n"
    );
    assert_eq!(
        dir.stdout(&["-P", "-x", "foo.*", "f"], 0),
        "foo bar\nfoobar\n"
    );
}

#[test]
fn pcre2_case_insensitive_and_smart_case() {
    let dir = grep();
    dir.create("f", "Straße\nSTRASSE\nstrasse\nÉcole\n");
    assert_eq!(
        dir.stdout(&["-P", "-i", "strasse", "f"], 0),
        "STRASSE\nstrasse\n"
    );
    assert_eq!(dir.stdout(&["-P", "-i", "école", "f"], 0), "École\n");
    assert_eq!(dir.stdout(&["-P", "-S", "STRASSE", "f"], 0), "STRASSE\n");
    assert_eq!(dir.stdout(&["-P", "-S", "straße", "f"], 0), "Straße\n");
}

#[test]
fn pcre2_only_matching_and_replace() {
    let dir = grep();
    dir.create("f", "a1b22c333\nnone\n");
    assert_eq!(dir.stdout(&["-P", "-o", "\\d+(?=c)", "f"], 0), "22\n");
    assert_eq!(
        dir.stdout(&["-P", "-r", "<$1>", "(\\d)(?!\\d)", "f"], 0),
        "a<1>b2<2>c33<3>\n"
    );
}

#[test]
fn pcre2_fixed_strings_and_several_patterns() {
    let dir = grep();
    dir.create("f", "a.b(\naxb(\n(?<=x)\n");
    assert_eq!(dir.stdout(&["-P", "-F", "a.b(", "f"], 0), "a.b(\n");
    assert_eq!(
        dir.stdout(&["-P", "-e", "(?<=a)x", "-e", "^\\(\\?", "f"], 0),
        "axb(\n(?<=x)\n"
    );
}

#[test]
fn engine_auto_falls_back_to_pcre2_for_look_around() {
    let dir = grep();
    dir.create("s", SHERLOCK);
    assert_eq!(
        dir.stdout(&["--engine", "auto", "-o", "(?<=the )Sherlock", "s"], 0),
        "Sherlock\n"
    );
    // The hidden spelling ripgrep's suite uses, after --no-pcre2.
    assert_eq!(
        dir.stdout(
            &[
                "--no-pcre2",
                "--auto-hybrid-regex",
                "-o",
                "(?<=the )Sherlock",
                "s"
            ],
            0
        ),
        "Sherlock\n"
    );
    // The default engine alone refuses it, and says what would work.
    let out = dir.run(&["(?<=the )Sherlock", "s"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--pcre2"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_invalid_pcre2_pattern_is_an_error_naming_it() {
    let dir = grep();
    dir.create("f", "a(b\n");
    let out = dir.run(&["-P", "a(b", "f"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("\n    a(b\n"), "{err}");
    assert!(err.contains("missing closing parenthesis"), "{err}");
    // Neither engine compiles it: both errors are shown.
    let out = dir.run(&["--engine", "auto", "a(b", "f"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("unclosed group") && err.contains("missing closing parenthesis"),
        "{err}"
    );
}

#[test]
fn pcre2_version_names_the_library() {
    let out = grep().stdout(&["--pcre2-version"], 0);
    assert!(
        out.starts_with("PCRE2 10.") && out.contains(" is available (JIT is "),
        "{out}"
    );
}

#[test]
fn no_unicode_makes_word_characters_ascii_in_both_engines() {
    let dir = grep();
    dir.create("f", "café\n");
    for engine in [&[][..], &["-P"]] {
        let mut args = engine.to_vec();
        args.extend(["-o", "\\w+", "f"]);
        assert_eq!(dir.stdout(&args, 0), "café\n");
        let mut args = engine.to_vec();
        args.extend(["--no-unicode", "-o", "\\w+", "f"]);
        assert_eq!(dir.stdout(&args, 0), "caf\n");
    }
}

#[test]
fn null_data_records_end_at_nul_in_both_engines() {
    let dir = grep();
    dir.create_bytes("f", b"foo\nbar\x00baz\x00foo2\x00");
    for engine in [&[][..], &["-P"]] {
        let mut args = engine.to_vec();
        args.extend(["--null-data", "-n", "ba", "f"]);
        let out = dir.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(out.stdout, b"1:foo\nbar\x002:baz\x00", "{engine:?}");
    }
}

/// Found by the oracle (seed 3): with both flags the matcher's records
/// ended at NUL and the searcher's at CRLF, and every file failed with
/// "mismatched line terminators". In ripgrep the later of the two wins.
#[test]
fn crlf_and_null_data_override_each_other() {
    let dir = grep();
    dir.create_bytes("f", b"ab\r\nc\x00d\r\n");
    // (The count line ends as the records do, as in ripgrep.)
    for engine in [&[][..], &["-P"]] {
        let mut args = engine.to_vec();
        args.extend(["--null-data", "--crlf", "-c", "b$", "f"]);
        let out = dir.run(&args);
        assert_eq!(out.stdout, b"1\r\n", "{engine:?} {}", text(&out.stderr));
        let mut args = engine.to_vec();
        args.extend(["--crlf", "--null-data", "-c", "^d", "f"]);
        let out = dir.run(&args);
        assert_eq!(out.stdout, b"1\x00", "{engine:?} {}", text(&out.stderr));
        let mut args = engine.to_vec();
        args.extend(["--crlf", "--null-data", "b$", "f"]);
        dir.stdout(&args, 1);
    }
}

#[test]
fn regex_size_limit_applies_to_the_default_engine_only() {
    let dir = grep();
    dir.create("f", "aaaa\n");
    let out = dir.run(&["--regex-size-limit", "1K", "\\w{200}", "f"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("size limit"),
        "{}",
        text(&out.stderr)
    );
    dir.stdout(&["-P", "--regex-size-limit", "1K", "\\w{200}", "f"], 1);
    assert_eq!(
        dir.stdout(&["--dfa-size-limit", "1", "a+", "f"], 0),
        "aaaa\n"
    );
}

/// The daemon answers PCRE2 searches with the same matcher; its output
/// must be one-shot's.
#[test]
fn daemon_answers_pcre2_searches_as_one_shot() {
    let dir = grep();
    dir.create("s.txt", SHERLOCK);
    dir.create("f.txt", "abba hello\nxfoo foo\nStraße\n");
    dir.create_bytes("v.txt", b"foo\rbarbaz\n");
    dir.create("e.txt", "x\n\nfoo\nbar\n");
    let _daemon = DaemonGuard::start(&dir, &[]);
    for args in [
        &["-P", "(?<=the )Sherlock"][..],
        &["-P", "-o", "(\\w)\\1"],
        &["--engine", "auto", "(?<!x)foo"],
        &["-P", "-i", "-c", "STRASSE"],
        &["-P", "-w", "-n", "foo|hello"],
        // Found while checking the daemon: its literal prefilter read
        // this with Rust's syntax (`\v`: a vertical tab) and passed over
        // v.txt, whose line PCRE2 (`\v`: any vertical whitespace) matches.
        &["-P", "-n", "foo\\vbarbaz"],
        // Found by the oracle below (seed 2): the daemon ruled a file out
        // when PCRE2 found nothing in its whole text, but line by line
        // PCRE2 sees each line alone, and these match lines of e.txt.
        &["-P", "-x", "-n", "\\R"],
        &["-P", "-n", "foo\\Z"],
    ] {
        let mut one_shot = vec!["--no-daemon", "--sort", "path"];
        one_shot.extend_from_slice(args);
        let mut via_daemon = vec!["--sort", "path"];
        via_daemon.extend_from_slice(args);
        let want = dir.run(&one_shot);
        let before = util::daemon_status(&dir)["queries"].as_u64();
        let got = dir.run(&via_daemon);
        let after = util::daemon_status(&dir)["queries"].as_u64();
        assert_eq!(
            after,
            before.map(|n| n + 1),
            "not answered by the daemon: {args:?}"
        );
        assert_eq!(
            (text(&got.stdout), got.status.code()),
            (text(&want.stdout), want.status.code()),
            "{args:?}: {}",
            text(&got.stderr)
        );
    }
}

// ---------------------------------------------------------------------
// The oracle.

/// An rg built with PCRE2, if there is one.
fn pcre2_rg() -> Option<PathBuf> {
    util::ripgrep("PGREP_PCRE2_RG", true)
}

/// Words lines are made of: case variants (ASCII and not), word-character
/// joins, repeats for backreferences, non-ASCII letters.
const WORDS: &[&str] = &[
    "foo", "bar", "Foo", "BAR", "foobar", "foo_bar", "abab", "abba", "hello", "x", "42", "café",
    "CAFÉ", "Straße", "STRASSE", "naïve", "the", "Sherlock", "a.b", "(x)", "ǅ", "k",
];
const SEPARATORS: &[&str] = &[" ", " ", " ", "  ", ", ", "-", "\t", "."];

/// Pieces of PCRE2 syntax; a pattern is one to three of them, sometimes
/// alternated, quantified or anchored.
const ATOMS: &[&str] = &[
    "foo",
    "bar",
    "o",
    "a",
    "é",
    "ß",
    "\\w+",
    "\\w",
    "\\W",
    "\\d+",
    "\\s",
    "[a-z]+",
    "[[:upper:]]",
    "\\p{Lu}",
    ".",
    "\\bfoo\\b",
    "\\Bo",
    "(?:foo|bar)",
    "(\\w)\\1",
    "(?<n>[ab])\\k<n>",
    "(?=bar)",
    "(?!foo)",
    "(?<=foo)",
    "(?<!x)",
    "(?<=\\s)\\w",
    "o++",
    "\\w+?",
    "o{1,2}",
    "x*",
    "(?i)caf",
    "(?i:sherlock)",
    "[^ ]+",
    "\\.",
];
const QUANTIFIERS: &[&str] = &["?", "*", "+", "+?", "{2}"];

fn pattern(rng: &mut Rng) -> String {
    let seq = |rng: &mut Rng| {
        let mut p = String::new();
        for _ in 0..1 + rng.below(3) {
            let atom = *rng.pick(ATOMS);
            if rng.chance(15) {
                p.push_str(&format!("(?:{atom}){}", rng.pick(QUANTIFIERS)));
            } else {
                p.push_str(atom);
            }
        }
        p
    };
    let mut p = seq(rng);
    if rng.chance(20) {
        p = format!("{p}|{}", seq(rng));
    }
    if rng.chance(10) {
        p.insert(0, '^');
    }
    if rng.chance(10) {
        p.push('$');
    }
    p
}

fn file(rng: &mut Rng) -> Vec<u8> {
    let crlf = rng.chance(15);
    let mut out = Vec::new();
    for _ in 0..rng.below(6) {
        for i in 0..rng.below(6) {
            if i > 0 {
                out.extend_from_slice(rng.pick(SEPARATORS).as_bytes());
            }
            out.extend_from_slice(rng.pick(WORDS).as_bytes());
        }
        if rng.chance(3) {
            out.push(0xFF);
        }
        out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
    }
    if rng.chance(20) {
        out.extend_from_slice(rng.pick(WORDS).as_bytes());
    }
    out
}

/// Random flags, one of each kind at most: the engine, then what a user
/// might add to it.
fn flags(rng: &mut Rng) -> Vec<String> {
    let mut f: Vec<&str> = Vec::new();
    f.push(if rng.chance(75) {
        "-P"
    } else {
        "--engine=auto"
    });
    if rng.chance(25) {
        f.push(*rng.pick(&["-i", "-S"]));
    }
    if rng.chance(20) {
        f.push(*rng.pick(&["-w", "-x"]));
    }
    match rng.below(10) {
        0 | 1 => f.push("-o"),
        2 => f.push("-c"),
        3 => f.push("--count-matches"),
        4 => f.push("-v"),
        5 => f.push("-l"),
        6 => f.push("--json"),
        _ => {}
    }
    if rng.chance(30) {
        f.push("-n");
    }
    if rng.chance(15) {
        f.push("--column");
    }
    if rng.chance(10) {
        f.push("--no-unicode");
    }
    if rng.chance(10) {
        f.push("--crlf");
    }
    if rng.chance(10) {
        f.push("-U");
        if rng.chance(50) {
            f.push("--multiline-dotall");
        }
    }
    if rng.chance(10) {
        f.push("-a");
    }
    if rng.chance(5) {
        f.push("--null-data");
    }
    f.into_iter().map(String::from).collect()
}

fn run(bin: &Path, dir: &Path, args: &[String]) -> Output {
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir)
        .args(args)
        .env_remove("RIPGREP_CONFIG_PATH")
        .env_remove("PGREP_LITE_CONFIG_PATH")
        .stdin(std::process::Stdio::null());
    run_bounded(&mut cmd, None)
}

/// `--json` carries the elapsed time: blank it before comparing.
fn normalize(args: &[String], out: &[u8]) -> String {
    let s = text(out);
    if !args.iter().any(|a| a == "--json") {
        return s;
    }
    s.lines()
        .map(|l| match serde_json::from_str::<serde_json::Value>(l) {
            Ok(mut v) => {
                blank_elapsed(&mut v);
                v.to_string()
            }
            Err(_) => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn blank_elapsed(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if k == "elapsed" || k == "elapsed_total" {
                    *val = serde_json::Value::Null;
                } else {
                    blank_elapsed(val);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(blank_elapsed),
        _ => {}
    }
}

#[test]
fn pcre2_searches_answer_as_ripgrep_does() {
    let Some(rg) = pcre2_rg() else {
        eprintln!(
            "note: pcre2_searches_answer_as_ripgrep_does checked nothing: no rg with PCRE2 \
             (set PGREP_PCRE2_RG, or run bench/rg_suite.sh --pcre2 once)"
        );
        return;
    };
    let seed = seed_from_env("PGREP_PCRE2_SEED", 0x5eed_9c2e);
    let queries = seed_from_env("PGREP_PCRE2_QUERIES", 150);
    let ours = Path::new(env!("CARGO_BIN_EXE_pgrep-lite"));
    let mut rng = Rng::new(seed);
    let mut failures = Vec::new();
    let dir = util::temp_dir();
    let mut compared = 0;
    for q in 0..queries {
        let sub = dir.path().join(format!("q{q}"));
        std::fs::create_dir(&sub).expect("mkdir");
        let n = 1 + rng.below(3);
        for i in 0..n {
            std::fs::write(sub.join(format!("f{i}")), file(&mut rng)).expect("write");
        }
        let mut args = flags(&mut rng);
        args.extend(["--sort".into(), "path".into()]);
        args.push("-e".into());
        args.push(pattern(&mut rng));
        if rng.chance(15) {
            args.push("-e".into());
            args.push(pattern(&mut rng));
        }
        let theirs = run(&rg, &sub, &args);
        let mine = run(ours, &sub, &args);
        compared += 1;
        let (t, m) = (
            normalize(&args, &theirs.stdout),
            normalize(&args, &mine.stdout),
        );
        if t != m || theirs.status.code() != mine.status.code() {
            let files: Vec<String> = (0..n)
                .map(|i| {
                    let bytes = std::fs::read(sub.join(format!("f{i}"))).unwrap_or_default();
                    format!("f{i}: {:?}", text(&bytes))
                })
                .collect();
            failures.push(format!(
                "seed {seed} query {q}: args {args:?}\n{}\nrg ({:?}):\n{t}\n{}\npgrep-lite ({:?}):\n{m}\n{}",
                files.join("\n"),
                theirs.status.code(),
                text(&theirs.stderr),
                mine.status.code(),
                text(&mine.stderr),
            ));
        }
    }
    assert!(compared > 0);
    assert!(
        failures.is_empty(),
        "{} of {compared} searches differ from {}:\n\n{}",
        failures.len(),
        rg.display(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

/// ASCII pieces of PCRE2 syntax that consume at least one byte, and
/// look-arounds that only ever sit next to one (an empty match is printed
/// differently by `grep -o`).
const ASCII_ATOMS: &[&str] = &[
    "foo",
    "bar",
    "o",
    "a",
    "\\w+",
    "\\w",
    "[0-9]+",
    "[a-z]+",
    "[A-Z]",
    ".",
    "\\bfoo\\b",
    "(?:foo|bar)",
    "(\\w)\\1",
    "(?<n>[ab])\\k<n>",
    "o++",
    "\\w+?",
    "o{1,2}",
    "(?i)ba",
    "[^ ]+",
    "\\.",
    " ",
];
const LOOK_AROUNDS: &[&str] = &[
    "(?=bar)", "(?!foo)", "(?<=foo)", "(?<!x)", "(?<= )", "(?=\\W)",
];
const ASCII_WORDS: &[&str] = &[
    "foo", "bar", "Foo", "BAR", "foobar", "foo_bar", "abab", "abba", "hello", "x", "42", "a.b",
    "xfoo", "barx", "7",
];

fn ascii_pattern(rng: &mut Rng) -> String {
    let mut p = String::new();
    for _ in 0..1 + rng.below(3) {
        if rng.chance(25) {
            p.push_str(rng.pick::<&str>(LOOK_AROUNDS));
        }
        let atom = *rng.pick(ASCII_ATOMS);
        if rng.chance(15) {
            p.push_str(&format!("(?:{atom}){}", rng.pick(&["+", "{2}", "+?"])));
        } else {
            p.push_str(atom);
        }
        if rng.chance(20) {
            p.push_str(rng.pick::<&str>(LOOK_AROUNDS));
        }
    }
    if rng.chance(15) {
        p = format!("{p}|{}", rng.pick(ASCII_ATOMS));
    }
    if rng.chance(10) {
        p.insert(0, '^');
    }
    if rng.chance(10) {
        p.push('$');
    }
    p
}

fn ascii_file(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.below(7) {
        for i in 0..rng.below(6) {
            if i > 0 {
                out.extend_from_slice(rng.pick(SEPARATORS).as_bytes());
            }
            out.extend_from_slice(rng.pick(ASCII_WORDS).as_bytes());
        }
        out.push(b'\n');
    }
    out
}

#[test]
fn pcre2_searches_answer_as_gnu_grep_p_does() {
    let version = Command::new("grep")
        .arg("--version")
        .output()
        .expect("GNU grep is this oracle's trusted answer: it must be installed");
    assert!(
        text(&version.stdout).contains("GNU grep"),
        "the oracle needs GNU grep"
    );
    let seed = seed_from_env("PGREP_PCRE2_SEED", 0x5eed_9c2e);
    let queries = seed_from_env("PGREP_PCRE2_QUERIES", 150);
    let ours = Path::new(env!("CARGO_BIN_EXE_pgrep-lite"));
    let mut rng = Rng::new(seed ^ 0x6e75);
    let dir = util::temp_dir();
    let mut failures = Vec::new();
    let mut compared = 0;
    for q in 0..queries {
        let sub = dir.path().join(format!("q{q}"));
        std::fs::create_dir(&sub).expect("mkdir");
        let files: Vec<String> = (0..1 + rng.below(3)).map(|i| format!("f{i}")).collect();
        for f in &files {
            std::fs::write(sub.join(f), ascii_file(&mut rng)).expect("write");
        }
        let mut flags: Vec<&str> = Vec::new();
        if rng.chance(25) {
            flags.push("-i");
        }
        if rng.chance(20) {
            flags.push(*rng.pick(&["-w", "-x"]));
        }
        match rng.below(8) {
            0 | 1 => flags.push("-o"),
            2 => flags.push("-c"),
            3 => flags.push("-v"),
            4 => flags.push("-l"),
            _ => {}
        }
        if rng.chance(30) {
            flags.push("-n");
        }
        let pattern = ascii_pattern(&mut rng);
        let mut gnu = Command::new("grep");
        gnu.current_dir(&sub)
            .env("LC_ALL", "C.UTF-8")
            .arg("-P")
            .args(&flags)
            .arg("-e")
            .arg(&pattern)
            .args(&files);
        let theirs = run_bounded(&mut gnu, None);
        // grep names zero counts; ripgrep needs --include-zero for that.
        let mut args: Vec<String> = vec!["-P".into(), "--no-config".into(), "--sort=path".into()];
        if flags.contains(&"-c") {
            args.push("--include-zero".into());
        }
        args.extend(flags.iter().map(|f| f.to_string()));
        args.extend(["-e".to_string(), pattern.clone()]);
        args.extend(files.iter().cloned());
        let mine = run(ours, &sub, &args);
        compared += 1;
        if theirs.stdout != mine.stdout || theirs.status.code() != mine.status.code() {
            let contents: Vec<String> = files
                .iter()
                .map(|f| {
                    format!(
                        "{f}: {:?}",
                        text(&std::fs::read(sub.join(f)).unwrap_or_default())
                    )
                })
                .collect();
            failures.push(format!(
                "seed {seed} query {q}: pgrep-lite {args:?}\n{}\ngrep -P ({:?}):\n{}{}\npgrep-lite ({:?}):\n{}{}",
                contents.join("\n"),
                theirs.status.code(),
                text(&theirs.stdout),
                text(&theirs.stderr),
                mine.status.code(),
                text(&mine.stdout),
                text(&mine.stderr),
            ));
        }
    }
    assert!(compared > 0);
    assert!(
        failures.is_empty(),
        "{} of {compared} searches differ from GNU grep -P:\n\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

/// The daemon against one-shot (which the two oracles above check against
/// rg and GNU grep) on random PCRE2 searches over one random tree: the
/// daemon adds its own file selection and prefilters, and none may drop a
/// match PCRE2 finds.
#[test]
fn daemon_pcre2_searches_answer_as_one_shot() {
    let seed = seed_from_env("PGREP_PCRE2_SEED", 0x5eed_9c2e);
    let queries = seed_from_env("PGREP_PCRE2_QUERIES", 150) / 3;
    let mut rng = Rng::new(seed ^ 0xdae);
    let dir = grep();
    for i in 0..6 {
        dir.create_bytes(&format!("t/f{i}.txt"), &file(&mut rng));
    }
    dir.create_bytes("t/v.txt", b"foo\rbar\x0bbaz\n\xc2\x85x\n");
    let _daemon = DaemonGuard::start(&dir, &[]);
    let mut failures = Vec::new();
    for q in 0..queries.max(1) {
        let mut args: Vec<String> = flags(&mut rng)
            .into_iter()
            .filter(|f| f != "--json")
            .collect();
        args.extend([
            "--sort".into(),
            "path".into(),
            "-e".into(),
            pattern(&mut rng),
        ]);
        if rng.chance(20) {
            args.extend([
                "-e".into(),
                (*rng.pick(&["\\v", "\\h", "\\R", "\\N"])).into(),
            ]);
        }
        let mut one_shot = vec!["--no-daemon".to_string()];
        one_shot.extend(args.iter().cloned());
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let one_argv: Vec<&str> = one_shot.iter().map(String::as_str).collect();
        let want = dir.run(&one_argv);
        let got = dir.run(&argv);
        if (&got.stdout, got.status.code()) != (&want.stdout, want.status.code()) {
            failures.push(format!(
                "seed {seed} query {q}: {args:?}\none-shot ({:?}):\n{}{}\ndaemon ({:?}):\n{}{}",
                want.status.code(),
                text(&want.stdout),
                text(&want.stderr),
                got.status.code(),
                text(&got.stdout),
                text(&got.stderr),
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} searches differ:\n\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
