//! A randomized oracle for pgrep-lite's one-shot search: seeded random small
//! trees, patterns and flags, each search compared byte for byte with GNU
//! grep's answer for the same question (`--sort path` against grep given
//! the files in that order). GNU grep is the trusted answer because it is on
//! every Debian machine CI runs on; where the two tools legitimately differ
//! (grep counts zero matches, ripgrep needs `--include-zero`; grep's `-r`
//! walk order) the question is asked so that they agree. A missing GNU grep
//! fails the test: an oracle that silently skips checks nothing.
//!
//! The same trees are searched again unsorted with two threads, where only
//! the order of whole files may change: one file's lines must stay together
//! (a file with a large output is streamed to the writer while it is
//! searched; some trees have one, over the 64 KiB that triggers it).
//!
//! `PGREP_ORACLE_SEED` picks the seed (default fixed); `PGREP_ORACLE_TREES`
//! how many trees (default 12, a few seconds; raise it for long runs).
//! `PGREP_ORACLE_RG=/path/to/rg` also compares every answer with
//! ripgrep's, given the very same arguments (a run by hand: CI has no rg).

mod util;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use util::{Dir, Rng, run_bounded, seed_from_env};

/// Words the files are made of, and patterns are taken from: case
/// variants, word-character joins and regex metacharacters.
const WORDS: &[&str] = &[
    "foo", "bar", "Foo", "BAR", "baz", "qux", "foobar", "foo_bar", "x", "a.b", "a+b", "(x)", "fo",
    "xfoo", "barx", "42",
];
const SEPARATORS: &[&str] = &[" ", " ", " ", "  ", ", ", "-", ":", "\t", "."];
/// Extended regular expressions that mean the same in POSIX ERE and in
/// Rust's regex syntax.
const REGEXES: &[&str] = &[
    "fo+",
    "ba[rz]",
    "^foo",
    "bar$",
    "x|qux",
    "a.b",
    "f.o",
    "[0-9]+",
    "(foo|bar)x?",
    "q.*x",
    "^$",
    "^[a-z]+$",
];
const NAMES: &[&str] = &["a", "a.txt", "b", "b.rs", "c", "log", "z.md", "aa"];

fn gnu_grep() -> &'static str {
    let out = Command::new("grep")
        .arg("--version")
        .output()
        .expect("GNU grep is this oracle's trusted answer: it must be installed");
    let version = String::from_utf8_lossy(&out.stdout);
    assert!(
        version.contains("GNU grep"),
        "the oracle needs GNU grep, found: {version}"
    );
    "grep"
}

/// A random tree under `t/`; returns its files in `--sort path` order.
fn make_tree(dir: &Dir, rng: &mut Rng) -> Vec<PathBuf> {
    let mut files = BTreeSet::new();
    let count = 1 + rng.below(7);
    let big = rng.chance(25);
    for i in 0..count {
        let depth = rng.below(3);
        let mut rel = PathBuf::from("t");
        for _ in 0..depth {
            rel.push(rng.pick(NAMES));
        }
        rel.push(rng.pick(NAMES));
        // A name used as a file cannot also be a directory on the way to
        // another: keep the first use.
        if files
            .iter()
            .any(|f: &PathBuf| f.starts_with(&rel) || rel.starts_with(f))
        {
            continue;
        }
        // Several big files, so that two may stream at once and only
        // the turns keep them in order.
        let lines = if big && (i == 0 || rng.chance(50)) {
            6_000
        } else {
            rng.below(25)
        };
        let mut text = String::new();
        for _ in 0..lines {
            let words = rng.below(5);
            for w in 0..words {
                if w > 0 {
                    let sep: &&str = rng.pick(SEPARATORS);
                    text.push_str(sep);
                }
                let word: &&str = rng.pick(WORDS);
                text.push_str(word);
            }
            text.push('\n');
        }
        if !text.is_empty() && rng.chance(20) {
            text.pop(); // no newline at the end
        }
        dir.create(rel.to_str().expect("utf-8 name"), &text);
        files.insert(rel);
    }
    // Path order is component by component, what a walk sorted by file
    // name within each directory yields ("t/a/x" before "t/a.txt").
    files.into_iter().collect()
}

/// One question: the flags both tools understand alike, and pgrep-lite's
/// extras that make it ask the same question.
struct Query {
    common: Vec<String>,
    patterns: Vec<String>,
    /// Standard output mode (not -c/-l), so lines can be grouped by file.
    per_line: bool,
    context: bool,
    count: bool,
}

fn make_query(rng: &mut Rng) -> Query {
    let mut common = vec!["-H".to_string()];
    let fixed = rng.chance(30);
    if fixed {
        common.push("-F".into());
    }
    for (flag, percent) in [("-i", 30), ("-w", 25), ("-x", 15), ("-v", 20)] {
        if rng.chance(percent) {
            common.push(flag.into());
        }
    }
    let mut per_line = false;
    let mut context = false;
    let mut count = false;
    match rng.below(6) {
        0 => {
            common.push("-c".into());
            count = true;
        }
        1 => common.push("-l".into()),
        _ => {
            per_line = true;
            if rng.chance(50) {
                common.push("-n".into());
            }
            if rng.chance(40) {
                context = true;
                let flag = rng.pick(&["-A", "-B", "-C"]);
                // Not 0: GNU grep prints "--" between groups even then,
                // ripgrep (and so pgrep-lite) does not.
                common.push(format!("{flag}{}", 1 + rng.below(3)));
            }
        }
    }
    let mut patterns = Vec::new();
    for _ in 0..1 + usize::from(rng.chance(25)) {
        let p = if fixed || rng.chance(50) {
            rng.pick(WORDS)
        } else {
            rng.pick(REGEXES)
        };
        patterns.push(p.to_string());
    }
    Query {
        common,
        patterns,
        per_line,
        context,
        count,
    }
}

fn pattern_args(q: &Query) -> Vec<String> {
    q.patterns
        .iter()
        .flat_map(|p| ["-e".to_string(), p.clone()])
        .collect()
}

fn run_grep(dir: &Dir, q: &Query, files: &[PathBuf]) -> Output {
    let mut cmd = Command::new(gnu_grep());
    cmd.current_dir(dir.path())
        .env("LC_ALL", "C")
        .env_remove("GREP_COLORS")
        .env_remove("GREP_OPTIONS");
    if !q.common.iter().any(|f| f == "-F") {
        cmd.arg("-E");
    }
    cmd.args(&q.common)
        .args(pattern_args(q))
        .arg("--")
        .args(files);
    run_bounded(&mut cmd, None)
}

fn run_pgrep(dir: &Dir, q: &Query, extra: &[&str]) -> Output {
    run_ripgrep_like(dir, dir.command(), q, extra)
}

/// pgrep-lite, or ripgrep itself, asked the question over `t`.
fn run_ripgrep_like(dir: &Dir, mut cmd: Command, q: &Query, extra: &[&str]) -> Output {
    cmd.current_dir(dir.path());
    cmd.args(extra).args(&q.common);
    if q.count {
        cmd.arg("--include-zero");
    }
    cmd.args(pattern_args(q)).arg("--").arg("t");
    run_bounded(&mut cmd, None)
}

/// The path a line of standard output belongs to (names hold no ':').
fn line_path(line: &str) -> &str {
    line.split_once(':').map_or(line, |(p, _)| p)
}

fn describe(dir: &Dir, files: &[PathBuf]) -> String {
    let mut s = String::new();
    for f in files {
        let text = std::fs::read_to_string(dir.path().join(f)).unwrap_or_default();
        let preview: String = text.chars().take(400).collect();
        s.push_str(&format!(
            "--- {} ({} bytes)\n{preview}\n",
            f.display(),
            text.len()
        ));
    }
    s
}

/// First differing line of two outputs, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    for (i, (la, lb)) in a.lines().zip(b.lines()).enumerate() {
        if la != lb {
            return format!("line {}: pgrep-lite {la:?} vs grep {lb:?}", i + 1);
        }
    }
    format!(
        "one output is a prefix of the other ({} vs {} lines)",
        a.lines().count(),
        b.lines().count()
    )
}

#[test]
fn one_shot_search_matches_gnu_grep_on_random_trees() {
    let seed = seed_from_env("PGREP_ORACLE_SEED", 20_261_128);
    let trees = seed_from_env("PGREP_ORACLE_TREES", 12);
    let rg = std::env::var_os("PGREP_ORACLE_RG");
    let mut rng = Rng::new(seed);
    let mut failures = Vec::new();
    let mut questions = 0;
    for tree in 0..trees {
        let dir = Dir::grep();
        let files = make_tree(&dir, &mut rng);
        for _ in 0..6 {
            let q = make_query(&mut rng);
            questions += 1;
            let expected = run_grep(&dir, &q, &files);
            let sorted = run_pgrep(&dir, &q, &["--sort", "path"]);
            let (got, want) = (
                String::from_utf8_lossy(&sorted.stdout),
                String::from_utf8_lossy(&expected.stdout),
            );
            let args = format!("{:?} {:?}", q.common, q.patterns);
            if let Some(rg) = &rg {
                let mut cmd = Command::new(rg);
                cmd.env("HOME", dir.path())
                    .env_remove("RIPGREP_CONFIG_PATH");
                let theirs = run_ripgrep_like(&dir, cmd, &q, &["--sort", "path"]);
                if theirs.stdout != sorted.stdout || theirs.status.code() != sorted.status.code() {
                    failures.push(format!(
                        "seed {seed}, tree {tree}, {args}: ripgrep differs\nstatus pgrep-lite {:?} rg {:?}\n{}\ntree:\n{}",
                        sorted.status.code(),
                        theirs.status.code(),
                        first_difference(&got, &String::from_utf8_lossy(&theirs.stdout)),
                        describe(&dir, &files),
                    ));
                }
            }
            if got != want
                || sorted.status.code() != expected.status.code()
                || !sorted.stderr.is_empty()
            {
                failures.push(format!(
                    "seed {seed}, tree {tree}, {args}\nstatus pgrep-lite {:?} grep {:?}\n\
                     stderr: {}\n{}\npgrep-lite:\n{}\ngrep:\n{}\ntree:\n{}",
                    sorted.status.code(),
                    expected.status.code(),
                    String::from_utf8_lossy(&sorted.stderr),
                    first_difference(&got, &want),
                    got.chars().take(1500).collect::<String>(),
                    want.chars().take(1500).collect::<String>(),
                    describe(&dir, &files),
                ));
                continue;
            }
            // Unsorted, two threads: files in any order, each one whole.
            if q.context {
                continue;
            }
            let parallel = run_pgrep(&dir, &q, &["-j2"]);
            let par = String::from_utf8_lossy(&parallel.stdout);
            let mut seen: Vec<&str> = Vec::new();
            let mut blocks: Vec<(PathBuf, String)> = Vec::new();
            let mut whole = true;
            for line in par.lines() {
                let path = line_path(line);
                if seen.last() != Some(&path) {
                    if seen.contains(&path) {
                        whole = false;
                    }
                    seen.push(path);
                    blocks.push((PathBuf::from(path), String::new()));
                }
                if let Some((_, block)) = blocks.last_mut() {
                    block.push_str(line);
                    block.push('\n');
                }
            }
            blocks.sort_by(|a, b| Path::cmp(&a.0, &b.0));
            let reordered: String = blocks.into_iter().map(|(_, b)| b).collect();
            let want_lines: String = want.lines().map(|l| format!("{l}\n")).collect();
            if !whole || (q.per_line || q.count) && reordered != want_lines {
                failures.push(format!(
                    "seed {seed}, tree {tree}, {args} -j2 unsorted: {}\n{}",
                    if whole {
                        "lines differ"
                    } else {
                        "a file's lines are split"
                    },
                    par.chars().take(1500).collect::<String>()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {questions} questions differ from GNU grep (first 3):\n\n{}",
        failures.len(),
        failures
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
