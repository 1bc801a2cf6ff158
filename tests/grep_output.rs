//! pgrep-lite's output-side ripgrep flags, run on real files: `--sort` and
//! `--sortr` by path and by file time (`--sort-files`), `--path-separator`,
//! `--hyperlink-format` with `--hostname-bin`, `-q --files` and
//! `--no-ignore-messages`.
//!
//! Scenario tests are named after what was broken. [`sort_oracle`] is the
//! randomized check: seeded random trees with random modification and
//! access times, each `--sort`/`--sortr` answer compared with the order the
//! test computes itself (it sets the times, `stat`s every file and sorts),
//! and with ripgrep's answer when a real `rg` is there
//! (`PGREP_OUTPUT_RG=/path/to/rg`, else `/work/tools/bin/rg`, else `rg` on
//! `PATH`; CI has none, so it checks against the test's own order only).
//! `PGREP_OUTPUT_SEED` picks the seed, `PGREP_OUTPUT_TREES` how many trees
//! (default 10, about a second); `PGREP_OUTPUT_BIN` runs another
//! pgrep-lite build (to show the oracle failing on an old one).

mod util;

use std::cmp::Ordering;
use std::fs::{File, FileTimes};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, SystemTime};

use util::{Dir, Rng, run_bounded, seed_from_env, text};

/// The pgrep-lite under test.
fn bin() -> PathBuf {
    std::env::var_os("PGREP_OUTPUT_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_pgrep-lite")))
}

/// `program args` in `dir`, as [`Dir::command`] runs the tool (no input,
/// no colour or config variables, a private runtime directory so that no
/// daemon answers), and no WSL prefix in hyperlinks.
fn run_in(dir: &Dir, program: &Path, args: &[&str]) -> Output {
    let mut cmd = dir.command_for(program);
    cmd.env_remove("WSL_DISTRO_NAME").args(args);
    run_bounded(&mut cmd, None)
}

fn pgrep(dir: &Dir, args: &[&str]) -> Output {
    run_in(dir, &bin(), args)
}

/// Run, expect exit status `code`, return stdout.
fn stdout(dir: &Dir, args: &[&str], code: i32) -> String {
    let out = pgrep(dir, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "args {args:?}\nstdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// `base` then `more`.
fn joined<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    [base, more].concat()
}

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

/// Set a file's access and modification times.
fn set_times(path: &Path, accessed: SystemTime, modified: SystemTime) {
    File::options()
        .write(true)
        .open(path)
        .and_then(|f| {
            f.set_times(
                FileTimes::new()
                    .set_accessed(accessed)
                    .set_modified(modified),
            )
        })
        .unwrap_or_else(|e| panic!("set times of {}: {e}", path.display()));
}

/// Four files whose modification and access times run against their path
/// order: `--sort modified` and `--sort accessed` used to print path order.
fn timed_tree() -> Dir {
    let dir = Dir::grep();
    // (path, access time, modification time)
    let files = [
        ("a", 400, 300),
        ("b", 100, 400),
        ("dir/c", 300, 100),
        ("dir/d", 200, 200),
    ];
    for (path, _, _) in files {
        dir.create(path, "test\n");
    }
    for (path, atime, mtime) in files {
        set_times(&dir.path().join(path), at(atime), at(mtime));
    }
    dir
}

#[test]
fn sort_by_modification_time_was_ignored() {
    let dir = timed_tree();
    assert_eq!(
        stdout(&dir, &["--sort", "modified", "test"], 0),
        "dir/c:test\ndir/d:test\na:test\nb:test\n"
    );
    assert_eq!(
        stdout(&dir, &["--sortr", "modified", "-j4", "test"], 0),
        "b:test\na:test\ndir/d:test\ndir/c:test\n"
    );
    assert_eq!(
        stdout(&dir, &["--sort", "modified", "--files"], 0),
        "dir/c\ndir/d\na\nb\n"
    );
}

/// The access times are read before any file is searched: searching reads
/// the files, which moves their access times.
#[test]
fn sort_by_access_time_was_ignored() {
    let dir = timed_tree();
    assert_eq!(
        stdout(&dir, &["--sort", "accessed", "-j2", "test"], 0),
        "b:test\ndir/d:test\ndir/c:test\na:test\n"
    );
    let dir = timed_tree();
    assert_eq!(
        stdout(&dir, &["--sortr", "accessed", "--files"], 0),
        "a\ndir/c\ndir/d\nb\n"
    );
}

#[test]
fn sortr_path_printed_ascending_order() {
    let dir = Dir::grep();
    for path in ["foo", "abc", "zoo", "bar", "m/a", "m/z", "m.txt"] {
        dir.create(path, "test\n");
    }
    assert_eq!(
        stdout(&dir, &["--sortr=path", "test"], 0),
        "zoo:test\nm.txt:test\nm/z:test\nm/a:test\nfoo:test\nbar:test\nabc:test\n"
    );
    assert_eq!(
        stdout(&dir, &["--sortr", "path", "--files"], 0),
        "zoo\nm.txt\nm/z\nm/a\nfoo\nbar\nabc\n"
    );
    // `--sort-files` is the old spelling of `--sort path`, and the last of
    // the sort flags wins.
    assert_eq!(
        stdout(&dir, &["--sortr", "path", "--sort-files", "-l", "test"], 0),
        "abc\nbar\nfoo\nm/a\nm/z\nm.txt\nzoo\n"
    );
}

/// Given roots are walked in the order given with `--sort path`, but
/// `--sortr path` sorts every file found, across the roots (ripgrep's
/// rule).
#[test]
fn sortr_path_sorts_across_roots() {
    let dir = Dir::grep();
    for path in ["a/x", "a/y", "b/x", "c"] {
        dir.create(path, "test\n");
    }
    assert_eq!(
        stdout(&dir, &["--sort", "path", "--files", "b", "c", "a"], 0),
        "b/x\nc\na/x\na/y\n"
    );
    assert_eq!(
        stdout(&dir, &["--sortr", "path", "--files", "b", "c", "a"], 0),
        "c\nb/x\na/y\na/x\n"
    );
}

#[test]
fn path_separator_was_not_applied() {
    let dir = Dir::grep();
    dir.create("foo/bar", "test\nctx\n");
    dir.create("foo/baz/q", "test\n");
    let sep = ["--path-separator", "Z", "--sort", "path"];
    let with = |more: &[&'static str]| joined(&sep, more);
    assert_eq!(
        stdout(&dir, &with(&["test"]), 0),
        "fooZbar:test\nfooZbazZq:test\n"
    );
    assert_eq!(
        stdout(&dir, &with(&["-A1", "test"]), 0),
        "fooZbar:test\nfooZbar-ctx\n--\nfooZbazZq:test\n"
    );
    assert_eq!(
        stdout(&dir, &with(&["--heading", "-n", "test"]), 0),
        "fooZbar\n1:test\n\nfooZbazZq\n1:test\n"
    );
    assert_eq!(
        stdout(&dir, &with(&["-l", "test"]), 0),
        "fooZbar\nfooZbazZq\n"
    );
    assert_eq!(
        stdout(&dir, &with(&["-c", "test"]), 0),
        "fooZbar:1\nfooZbazZq:1\n"
    );
    assert_eq!(stdout(&dir, &with(&["--files"]), 0), "fooZbar\nfooZbazZq\n");
    // Escapes are allowed, and an empty separator is the default.
    assert_eq!(
        stdout(
            &dir,
            &["--path-separator", r"\x2d", "--files", "foo/baz"],
            0
        ),
        "foo-baz-q\n"
    );
    assert_eq!(
        stdout(&dir, &["--path-separator", "", "--files", "foo/baz"], 0),
        "foo/baz/q\n"
    );
    // JSON paths are data, not display: untouched (as in ripgrep).
    let json = stdout(
        &dir,
        &["--path-separator", "Z", "--json", "test", "foo/bar"],
        0,
    );
    assert!(json.contains(r#""path":{"text":"foo/bar"}"#), "{json}");
}

#[test]
fn path_separator_of_two_bytes_is_an_error() {
    let dir = Dir::grep();
    dir.create("foo", "test\n");
    let out = pgrep(&dir, &["--path-separator", "ab", "test"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "A path separator must be exactly one byte, but the given separator is 2 bytes: ab"
        ),
        "{err}"
    );
}

/// An executable script in `dir` that prints `output` and exits `code`.
fn script(dir: &Dir, name: &str, output: &str, code: i32) -> PathBuf {
    let path = dir.create(
        name,
        &format!("#!/bin/sh\nprintf '{output}'\nexit {code}\n"),
    );
    util::set_mode(&path, 0o755);
    path
}

/// What ripgrep prints for `PATH:LINE` of a match of the whole line `m`
/// with default colours and a hyperlink `link` around the path.
fn linked_match(link: &str, path: &str, m: &str) -> String {
    format!(
        "\x1b]8;;{link}\x1b\\\x1b[0m\x1b[35m{path}\x1b[0m\x1b]8;;\x1b\\:\x1b[0m\x1b[1m\x1b[31m{m}\x1b[0m\n"
    )
}

#[test]
fn hyperlink_format_was_ignored() {
    let dir = Dir::grep();
    dir.create("sub/foo", "test\n");
    let host = script(&dir, "host.sh", "  myhost\\n", 0);
    let host = host.to_str().expect("utf-8 path");
    let abs = dir.path().canonicalize().expect("canonical dir");
    let abs = abs.to_str().expect("utf-8 path");
    let args = ["--color=always", "--hostname-bin", host, "-g", "sub/*"];
    let with = |more: &[&'static str]| joined(&args, more);
    assert_eq!(
        stdout(&dir, &with(&["--hyperlink-format", "default", "test"]), 0),
        linked_match(&format!("file://myhost{abs}/sub/foo"), "sub/foo", "test")
    );
    assert_eq!(
        stdout(&dir, &with(&["--hyperlink-format", "vscode", "test"]), 0),
        linked_match(
            &format!("vscode://file{abs}/sub/foo:1:1"),
            "sub/foo",
            "test"
        )
    );
    assert_eq!(
        stdout(
            &dir,
            &with(&["--hyperlink-format", "x://{host}{path}#{line}", "test"]),
            0
        ),
        linked_match(&format!("x://myhost{abs}/sub/foo#1"), "sub/foo", "test")
    );
    // --files: the path printer's shape.
    assert_eq!(
        stdout(&dir, &with(&["--hyperlink-format", "file", "--files"]), 0),
        format!(
            "\x1b]8;;file://myhost{abs}/sub/foo\x1b\\\x1b[0m\x1b[35msub/foo\x1b[0m\x1b]8;;\x1b\\\n"
        )
    );
    // `none`, an empty format, or no colour: no hyperlink.
    for args in [
        &with(&["--hyperlink-format", "none", "test"])[..],
        &with(&["--hyperlink-format=", "test"])[..],
    ] {
        let out = stdout(&dir, args, 0);
        assert!(!out.contains("\x1b]8"), "{args:?}: {out:?}");
    }
    assert_eq!(
        stdout(&dir, &["--hyperlink-format", "default", "test", "sub"], 0),
        "sub/foo:test\n"
    );
}

/// A `--hostname-bin` that fails or prints nothing leaves the system's
/// host name (ripgrep's fallback), and never the run.
#[test]
fn failing_hostname_bin_falls_back_to_the_host_name() {
    let dir = Dir::grep();
    dir.create("foo", "test\n");
    let system = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .expect("the host name")
        .trim()
        .to_string();
    let abs = dir.path().canonicalize().expect("canonical dir");
    let abs = abs.to_str().expect("utf-8 path");
    let failing = script(&dir, "fail.sh", "other", 3);
    let empty = script(&dir, "empty.sh", "  \\n", 0);
    let missing = dir.path().join("no-such-program");
    for bin in [&failing, &empty, &missing] {
        let out = stdout(
            &dir,
            &[
                "--color=always",
                "--hyperlink-format=file",
                "--hostname-bin",
                bin.to_str().expect("utf-8"),
                "-H",
                "test",
                "foo",
            ],
            0,
        );
        assert_eq!(
            out,
            linked_match(&format!("file://{system}{abs}/foo"), "foo", "test"),
            "{}",
            bin.display()
        );
    }
}

#[test]
fn invalid_hyperlink_format_is_an_error() {
    let dir = Dir::grep();
    dir.create("foo", "test\n");
    for format in ["file://heythere", "bogus", "{path}{nope}"] {
        let out = pgrep(&dir, &["--hyperlink-format", format, "test"]);
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(out.stdout.is_empty());
        let err = text(&out.stderr);
        assert!(err.contains("invalid hyperlink format"), "{format}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn quiet_files_printed_paths() {
    let dir = Dir::grep();
    dir.create("file.py", "");
    dir.create("other.rs", "");
    assert_eq!(stdout(&dir, &["--quiet", "--files", "-g", "*.py"], 0), "");
    assert_eq!(stdout(&dir, &["-q", "--files", "-j1"], 0), "");
    assert_eq!(stdout(&dir, &["-q", "--stats", "--files"], 0), "");
    assert_eq!(stdout(&dir, &["-q", "--files", "-g", "*.c"], 1), "");
}

/// An unreadable `--ignore-file` is an "ignore message": said on stderr
/// (the exit status stays that of the search, as in ripgrep), and
/// silenced by `--no-ignore-messages`.
#[test]
fn no_ignore_messages_did_not_silence_ignore_file_errors() {
    let dir = Dir::grep();
    dir.create("foo", "test\n");
    let out = pgrep(&dir, &["--ignore-file", "missing", "--files"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "foo\n");
    let err = text(&out.stderr);
    assert!(err.contains("missing: No such file or directory"), "{err}");
    let out = pgrep(
        &dir,
        &["--ignore-file", "missing", "--no-ignore-messages", "test"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "foo:test\n");
    assert_eq!(text(&out.stderr), "");
}

// ---------------------------------------------------------------------
// The randomized oracle for sorting.

/// Directory and file names: prefixes of each other (`a`, `a.b`, `aa`),
/// upper case before lower case, so that path order has its edge cases.
const DIRS: &[&str] = &["a", "d", "B", "a.b"];
const NAMES: &[&str] = &["a", "b", "c.txt", "B", "aa", "a.b", "z", "a-"];

struct TreeFile {
    /// Relative, `/`-separated.
    rel: String,
    contents: String,
    accessed: SystemTime,
    modified: SystemTime,
}

/// A random tree of up to 14 files, at most two directories deep.
fn random_tree(rng: &mut Rng) -> Vec<TreeFile> {
    let mut files: Vec<TreeFile> = Vec::new();
    let mut times: Vec<u64> = Vec::new();
    let mut time = |rng: &mut Rng| -> SystemTime {
        // Now and then a time shared with another file (a tie).
        let secs = if !times.is_empty() && rng.chance(15) {
            *rng.pick(&times)
        } else {
            1_000_000_000 + rng.below(100_000_000) as u64
        };
        times.push(secs);
        at(secs)
            + Duration::from_nanos(if rng.chance(50) {
                0
            } else {
                1 + rng.below(999) as u64
            })
    };
    for _ in 0..1 + rng.below(14) {
        let mut rel = String::new();
        for _ in 0..rng.below(3) {
            rel.push_str(rng.pick::<&str>(DIRS));
            rel.push('/');
        }
        rel.push_str(rng.pick::<&str>(NAMES));
        // A file may not sit where a directory is, nor the other way.
        let clash = files.iter().any(|f| {
            f.rel == rel
                || f.rel.starts_with(&format!("{rel}/"))
                || rel.starts_with(&format!("{}/", f.rel))
        });
        if clash {
            continue;
        }
        let mut contents = String::new();
        for _ in 0..rng.below(4) {
            contents.push_str(if rng.chance(40) {
                "a needle here"
            } else {
                "hay"
            });
            contents.push_str(&format!(" {}\n", rng.below(100)));
        }
        let (accessed, modified) = (time(rng), time(rng));
        files.push(TreeFile {
            rel,
            contents,
            accessed,
            modified,
        });
    }
    files
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    Path,
    Modified,
    Accessed,
    Created,
}

impl Key {
    fn name(self) -> &'static str {
        match self {
            Key::Path => "path",
            Key::Modified => "modified",
            Key::Accessed => "accessed",
            Key::Created => "created",
        }
    }

    /// The time of this key as `stat` gives it now; None for path.
    fn time(self, path: &Path) -> Option<SystemTime> {
        let md = std::fs::metadata(path).ok()?;
        match self {
            Key::Path => None,
            Key::Modified => md.modified().ok(),
            Key::Accessed => md.accessed().ok(),
            Key::Created => md.created().ok(),
        }
    }
}

/// The order ripgrep documents, computed here from the file system: files
/// under each given root in path order (roots in the order given), then
/// for `--sortr path` all of them by path descending, and for a time key
/// sorted (stably) by that time as `stat` reads it, files whose time cannot
/// be read last (first when reversed). Also: whether the times were all
/// different (only then is ripgrep's order fully defined: it leaves ties in
/// directory order).
fn expected_order(
    root: &Path,
    files: &[TreeFile],
    roots: &[String],
    key: Key,
    reverse: bool,
) -> (Vec<String>, bool) {
    let mut order: Vec<String> = Vec::new();
    for r in roots {
        let mut under: Vec<&str> = files
            .iter()
            .map(|f| f.rel.as_str())
            .filter(|rel| r == "./" || *rel == r || rel.starts_with(&format!("{r}/")))
            .collect();
        // Component by component: a directory's files come before a
        // sibling whose name extends the directory's (`a/x` < `a.b`).
        under.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
        order.extend(under.into_iter().map(String::from));
    }
    if key == Key::Path {
        if reverse {
            order.sort_by(|a, b| Path::new(b).cmp(Path::new(a)));
        }
        return (order, true);
    }
    let mut timed: Vec<(String, Option<SystemTime>)> = order
        .into_iter()
        .map(|rel| {
            let t = key.time(&root.join(&rel));
            (rel, t)
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let distinct = timed.iter().all(|(_, t)| t.is_some() && seen.insert(*t));
    timed.sort_by(|(_, a), (_, b)| {
        let o = match (a, b) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        if reverse { o.reverse() } else { o }
    });
    (timed.into_iter().map(|(rel, _)| rel).collect(), distinct)
}

/// Where a real ripgrep is, if anywhere.
fn real_rg() -> Option<PathBuf> {
    util::ripgrep("PGREP_OUTPUT_RG", false)
}

#[test]
fn sort_oracle() {
    let seed = seed_from_env("PGREP_OUTPUT_SEED", 0x5027_0413);
    let trees = seed_from_env("PGREP_OUTPUT_TREES", 10);
    let rg = real_rg();
    let mut rng = Rng::new(seed);
    let mut checked_rg = 0;
    for tree in 0..trees {
        let dir = Dir::grep();
        let files = random_tree(&mut rng);
        for f in &files {
            dir.create(&f.rel, &f.contents);
        }
        let mut tops: Vec<String> = files
            .iter()
            .map(|f| f.rel.split('/').next().unwrap_or_default().to_string())
            .collect();
        tops.sort();
        tops.dedup();
        for case in 0..6 {
            let key = *rng.pick(&[Key::Path, Key::Modified, Key::Accessed, Key::Created]);
            let reverse = rng.chance(50);
            let list = rng.chance(40);
            let threads = *rng.pick(&["1", "2", "4"]);
            let sep = *rng.pick(&[None, None, Some("Z"), Some("\\")]);
            let roots: Vec<String> = if rng.chance(60) {
                vec!["./".to_string()]
            } else {
                let mut picked: Vec<String> =
                    tops.iter().filter(|_| rng.chance(70)).cloned().collect();
                if picked.is_empty() {
                    picked.push(tops[0].clone());
                }
                // In a random order: given roots keep theirs.
                for i in (1..picked.len()).rev() {
                    picked.swap(i, rng.below(i + 1));
                }
                picked
            };
            let mut args: Vec<String> = vec![
                if reverse { "--sortr" } else { "--sort" }.to_string(),
                key.name().to_string(),
                format!("-j{threads}"),
            ];
            if let Some(sep) = sep {
                args.extend(["--path-separator".to_string(), sep.to_string()]);
            }
            if list {
                args.push("--files".to_string());
            } else {
                args.extend(["-H".to_string(), "needle".to_string()]);
            }
            if roots != ["./"] {
                args.extend(roots.iter().cloned());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();

            // Every run starts from the times the tree was given: a search
            // reads the files, which may move their access times.
            let reset = || {
                for f in &files {
                    set_times(&dir.path().join(&f.rel), f.accessed, f.modified);
                }
            };
            reset();
            let (order, distinct) = expected_order(dir.path(), &files, &roots, key, reverse);
            let mut want = String::new();
            for rel in &order {
                let shown = match sep {
                    Some(s) => rel.replace('/', s),
                    None => rel.clone(),
                };
                if list {
                    want.push_str(&format!("{shown}\n"));
                    continue;
                }
                let contents = &files
                    .iter()
                    .find(|f| &f.rel == rel)
                    .expect("a file")
                    .contents;
                for line in contents.lines().filter(|l| l.contains("needle")) {
                    want.push_str(&format!("{shown}:{line}\n"));
                }
            }
            let code = if want.is_empty() { 1 } else { 0 };
            let context = format!(
                "seed {seed}, tree {tree}, case {case}: pgrep-lite {args:?}\nfiles: {:?}",
                files.iter().map(|f| &f.rel).collect::<Vec<_>>()
            );
            let out = pgrep(&dir, &args);
            assert_eq!(
                text(&out.stdout),
                want,
                "{context}\nstderr: {}",
                text(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(code), "{context}");
            if let Some(rg) = &rg
                && distinct
            {
                reset();
                let out = run_in(&dir, rg, &args);
                assert_eq!(
                    text(&out.stdout),
                    want,
                    "ripgrep disagrees with the test's order: {context}"
                );
                checked_rg += 1;
            }
        }
    }
    eprintln!(
        "sort oracle: seed {seed}, {} cases, {checked_rg} of them also against ripgrep",
        trees * 6
    );
    if rg.is_some() {
        // Most cases have distinct times; a run that compared none would
        // check nothing against ripgrep.
        assert!(checked_rg > 0, "no case was compared with ripgrep");
    }
}
