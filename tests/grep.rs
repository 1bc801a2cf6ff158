//! End-to-end tests of pgrep-lite's one-shot search: the real binary on real
//! files. Expected outputs are ripgrep 15's outputs for the same fixtures and
//! flags (checked by running `rg` by hand when each test was written), so a
//! difference here is a difference from ripgrep.

mod util;

use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use util::{Child, Dir, lines_of, run_bounded, sorted_lines};

fn sample() -> Dir {
    let dir = Dir::grep();
    dir.create(
        "src/main.rs",
        "fn main() {\n    println!(\"Hello, world\");\n}\n",
    );
    dir.create("src/lib.rs", "// hello from lib\npub fn hello() {}\n");
    dir.create("README", "say hello\nand goodbye\n");
    dir
}

#[test]
fn pipe_output_is_path_colon_line_without_heading_or_numbers() {
    let dir = sample();
    let out = dir.stdout(&["--sort", "path", "hello"], 0);
    assert_eq!(
        out,
        "README:say hello\nsrc/lib.rs:// hello from lib\nsrc/lib.rs:pub fn hello() {}\n"
    );
}

#[test]
fn unsorted_parallel_search_finds_the_same_lines() {
    let dir = sample();
    for i in 0..50 {
        dir.create(&format!("many/f{i}.txt"), "x hello y\nnope\n");
    }
    let sorted = dir.stdout(&["--sort", "path", "-j4", "hello"], 0);
    let parallel = dir.stdout(&["-j4", "hello"], 0);
    assert_eq!(sorted_lines(&parallel), sorted_lines(&sorted));
    // --sort path is deterministic whatever the thread count.
    assert_eq!(dir.stdout(&["--sort", "path", "-j1", "hello"], 0), sorted);
}

#[test]
fn explicit_paths_keep_their_spelling_and_single_file_has_no_name() {
    let dir = sample();
    assert_eq!(dir.stdout(&["hello", "README"], 0), "say hello\n");
    assert_eq!(
        dir.stdout(&["-H", "hello", "README"], 0),
        "README:say hello\n"
    );
    assert_eq!(
        dir.stdout(&["--sort", "path", "hello", "./src"], 0),
        "./src/lib.rs:// hello from lib\n./src/lib.rs:pub fn hello() {}\n"
    );
}

#[test]
fn nested_ignore_files_and_negations() {
    let dir = Dir::grep();
    dir.create(".gitignore", "*.log\n/build/\n");
    dir.create("a.log", "hit\n");
    dir.create("build/x.rs", "hit\n");
    dir.create("keep.rs", "hit\n");
    dir.create("sub/.gitignore", "!keep.log\n");
    dir.create("sub/keep.log", "hit\n");
    dir.create("sub/other.log", "hit\n");
    dir.create("sub/build/y.rs", "hit\n"); // anchored /build/ only at the root
    dir.create(".ignore", "ignored-by-dot.txt\n");
    dir.create("ignored-by-dot.txt", "hit\n");
    dir.create(".git/info/exclude", "excluded.txt\n");
    dir.create("excluded.txt", "hit\n");
    // .rgignore beats .ignore in the same directory.
    dir.create("r/.ignore", "r.txt\n");
    dir.create("r/.rgignore", "!r.txt\n");
    dir.create("r/r.txt", "hit\n");
    let out = dir.stdout(&["--sort", "path", "hit"], 0);
    assert_eq!(
        out,
        "keep.rs:hit\nr/r.txt:hit\nsub/build/y.rs:hit\nsub/keep.log:hit\n"
    );
    // --no-ignore brings everything back; globs beat ignore files.
    let out = dir.stdout(&["--sort", "path", "--no-ignore", "-l", "hit"], 0);
    assert_eq!(
        out,
        "a.log\nbuild/x.rs\nexcluded.txt\nignored-by-dot.txt\nkeep.rs\nr/r.txt\nsub/build/y.rs\nsub/keep.log\nsub/other.log\n"
    );
    assert_eq!(
        dir.stdout(&["--sort", "path", "-g", "*.log", "-l", "hit"], 0),
        "a.log\nsub/keep.log\nsub/other.log\n"
    );
    assert_eq!(
        dir.stdout(&["--sort", "path", "-g", "!*.rs", "-l", "hit"], 0),
        "r/r.txt\nsub/keep.log\n"
    );
    // --no-ignore-vcs keeps .ignore but drops .gitignore and exclude.
    let out = dir.stdout(&["--sort", "path", "--no-ignore-vcs", "-l", "hit"], 0);
    assert_eq!(
        out,
        "a.log\nbuild/x.rs\nexcluded.txt\nkeep.rs\nr/r.txt\nsub/build/y.rs\nsub/keep.log\nsub/other.log\n"
    );
}

#[test]
fn global_excludes_file_from_git_config() {
    // core.excludesFile is read from $HOME/.gitconfig (HOME is the fixture).
    let dir = Dir::grep();
    dir.create(".gitconfig", "[core]\n    excludesFile = global-ignore\n");
    dir.create("global-ignore", "*.tmp\n");
    dir.create("a.tmp", "hit\n");
    dir.create("a.txt", "hit\n");
    assert_eq!(
        dir.stdout(&["--sort", "path", "-l", "hit", "-g", "!global-ignore"], 0),
        "a.txt\n"
    );
    assert_eq!(
        dir.stdout(
            &[
                "--sort",
                "path",
                "-l",
                "--no-ignore-global",
                "hit",
                "-g",
                "!global-ignore"
            ],
            0
        ),
        "a.tmp\na.txt\n"
    );
}

#[test]
fn iglob_and_follow() {
    let dir = Dir::grep();
    dir.create("A.TXT", "hit\n");
    dir.create("b.txt", "hit\n");
    dir.create("real/c.txt", "hit\n");
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).expect("symlink");
    assert_eq!(
        dir.stdout(&["--sort", "path", "-l", "-g", "*.txt", "hit"], 0),
        "b.txt\nreal/c.txt\n"
    );
    assert_eq!(
        dir.stdout(&["--sort", "path", "-l", "--iglob", "*.txt", "hit"], 0),
        "A.TXT\nb.txt\nreal/c.txt\n"
    );
    assert_eq!(
        dir.stdout(&["--sort", "path", "-l", "-L", "hit"], 0),
        "A.TXT\nb.txt\nlink/c.txt\nreal/c.txt\n"
    );
}

#[test]
fn parent_gitignore_applies_when_searching_a_subdirectory() {
    let dir = Dir::grep();
    dir.create(".gitignore", "secret.txt\n");
    dir.create("sub/secret.txt", "hit\n");
    dir.create("sub/open.txt", "hit\n");
    let mut cmd = dir.command();
    cmd.current_dir(dir.path().join("sub")).args(["hit"]);
    let out = run_bounded(&mut cmd, None);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "open.txt:hit\n");
    let mut cmd = dir.command();
    cmd.current_dir(dir.path().join("sub"))
        .args(["--no-ignore-parent", "--sort", "path", "hit"]);
    let out = run_bounded(&mut cmd, None);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "open.txt:hit\nsecret.txt:hit\n"
    );
}

#[test]
fn hidden_files_need_hidden_and_unrestricted_levels() {
    let dir = Dir::grep();
    dir.create(".hidden/a.txt", "hit\n");
    dir.create(".dotfile", "hit\n");
    dir.create(".gitignore", "ign.txt\n");
    dir.create("ign.txt", "hit\n");
    dir.create("bin.dat", "hit\0binary\n");
    dir.create("plain.txt", "hit\n");
    assert_eq!(dir.stdout(&["--sort", "path", "hit"], 0), "plain.txt:hit\n");
    assert_eq!(
        dir.stdout(&["--sort", "path", "--hidden", "-l", "hit"], 0),
        ".dotfile\n.hidden/a.txt\nplain.txt\n"
    );
    assert_eq!(
        dir.stdout(&["--sort", "path", "-u", "-l", "hit"], 0),
        "ign.txt\nplain.txt\n"
    );
    assert_eq!(
        dir.stdout(&["--sort", "path", "-uu", "-l", "hit", "-g", "!.git"], 0),
        ".dotfile\n.hidden/a.txt\nign.txt\nplain.txt\n"
    );
    assert_eq!(
        dir.stdout(&["--sort", "path", "-uuu", "hit", "-g", "!.git"], 0),
        ".dotfile:hit\n.hidden/a.txt:hit\nbin.dat: binary file matches (found \"\\0\" byte around offset 3)\nign.txt:hit\nplain.txt:hit\n"
    );
}

#[test]
fn binary_files_skipped_in_walk_reported_when_named_searched_with_text() {
    let dir = Dir::grep();
    dir.create_bytes("bin.dat", b"bin\0ary hello\n");
    dir.create("t.txt", "hello\n");
    assert_eq!(dir.stdout(&["hello"], 0), "t.txt:hello\n");
    assert_eq!(
        dir.stdout(&["hello", "bin.dat"], 0),
        "binary file matches (found \"\\0\" byte around offset 3)\n"
    );
    let out = dir.run(&["-a", "hello", "bin.dat"]);
    assert_eq!(out.stdout, b"bin\0ary hello\n");
}

#[test]
fn crlf_lines() {
    let dir = Dir::grep();
    dir.create("c.txt", "one\r\ntwo hello\r\nthree\r\n");
    // Without --crlf, `$` does not match before \r; with it, it does, and
    // the \r stays in the printed line.
    assert_eq!(dir.stdout(&["hello$", "c.txt"], 1), "");
    assert_eq!(
        dir.stdout(&["--crlf", "hello$", "c.txt"], 0),
        "two hello\r\n"
    );
}

#[test]
fn invalid_utf8_is_passed_through_and_base64_in_json() {
    let dir = Dir::grep();
    dir.create_bytes("u.txt", b"caf\xc3\xa9\n\xff\xfe invalid hello\n");
    let out = dir.run(&["hello", "u.txt"]);
    assert_eq!(out.stdout, b"\xff\xfe invalid hello\n");
    let json = dir.stdout(&["--json", "hello", "u.txt"], 0);
    let m: serde_json::Value =
        serde_json::from_str(json.lines().nth(1).expect("match line")).expect("json");
    assert_eq!(m["type"], "match");
    assert_eq!(m["data"]["lines"]["bytes"], "//4gaW52YWxpZCBoZWxsbwo=");
    assert_eq!(m["data"]["submatches"][0]["match"]["text"], "hello");
    assert_eq!(m["data"]["submatches"][0]["start"], 11);
}

#[test]
fn unicode_case_folding_and_smart_case() {
    let dir = Dir::grep();
    dir.create("g.txt", "ΣΊΣΥΦΟΣ\nσίσυφος\nplain\nPlain\n");
    assert_eq!(
        dir.stdout(&["-i", "σίσυφος", "g.txt"], 0),
        "ΣΊΣΥΦΟΣ\nσίσυφος\n"
    );
    assert_eq!(dir.stdout(&["σίσυφος", "g.txt"], 0), "σίσυφος\n");
    assert_eq!(dir.stdout(&["-S", "plain", "g.txt"], 0), "plain\nPlain\n");
    assert_eq!(dir.stdout(&["-S", "Plain", "g.txt"], 0), "Plain\n");
    assert_eq!(dir.stdout(&["-S", "-s", "plain", "g.txt"], 0), "plain\n");
}

#[test]
fn bom_is_stripped_and_utf16_transcoded() {
    let dir = Dir::grep();
    dir.create_bytes("bom.txt", b"\xef\xbb\xbfhello bom\nsecond\n");
    let mut utf16 = vec![0xff, 0xfe];
    for unit in "hello utf16\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    dir.create_bytes("u16.txt", &utf16);
    assert_eq!(
        dir.stdout(&["--sort", "path", "-n", "^hello"], 0),
        "bom.txt:1:hello bom\nu16.txt:1:hello utf16\n"
    );
}

#[test]
fn context_merging_and_separators() {
    let dir = Dir::grep();
    dir.create("a.txt", "1\nhit\n3\n4\nhit\n6\n7\n8\n9\nhit\n11\n");
    dir.create("b.txt", "hit\nx\n");
    let out = dir.stdout(&["--sort", "path", "-n", "-C1", "hit"], 0);
    assert_eq!(
        out,
        "a.txt-1-1\na.txt:2:hit\na.txt-3-3\na.txt-4-4\na.txt:5:hit\na.txt-6-6\n--\na.txt-9-9\na.txt:10:hit\na.txt-11-11\n--\nb.txt:1:hit\nb.txt-2-x\n"
    );
    let out = dir.stdout(&["-A1", "-B0", "hit", "a.txt"], 0);
    assert_eq!(out, "hit\n3\n--\nhit\n6\n--\nhit\n11\n");
    let out = dir.stdout(&["--sort", "path", "--heading", "-n", "hit"], 0);
    assert_eq!(out, "a.txt\n2:hit\n5:hit\n10:hit\n\nb.txt\n1:hit\n");
    let out = dir.stdout(&["-B1", "--context-separator", "==", "hit", "a.txt"], 0);
    assert_eq!(out, "1\nhit\n==\n4\nhit\n==\n9\nhit\n");
}

#[test]
fn output_modes() {
    let dir = Dir::grep();
    dir.create("a.txt", "foo bar foo\nbaz\nfoo\n");
    dir.create("b.txt", "nothing\n");
    let s = |args: &[&str], code| {
        let mut v = vec!["--sort", "path"];
        v.extend_from_slice(args);
        dir.stdout(&v, code)
    };
    assert_eq!(s(&["-c", "foo"], 0), "a.txt:2\n");
    assert_eq!(s(&["--count-matches", "foo"], 0), "a.txt:3\n");
    assert_eq!(s(&["-c", "--include-zero", "foo"], 0), "a.txt:2\nb.txt:0\n");
    assert_eq!(s(&["-l", "foo"], 0), "a.txt\n");
    assert_eq!(s(&["--files-without-match", "foo"], 0), "b.txt\n");
    assert_eq!(s(&["-o", "fo+"], 0), "a.txt:foo\na.txt:foo\na.txt:foo\n");
    assert_eq!(s(&["-m1", "foo"], 0), "a.txt:foo bar foo\n");
    assert_eq!(s(&["-q", "foo"], 0), "");
    assert_eq!(s(&["-q", "absent"], 1), "");
    assert_eq!(
        s(&["-r", "[$0]", "foo", "a.txt"], 0),
        "[foo] bar [foo]\n[foo]\n"
    );
    assert_eq!(s(&["-r", "", "-o", "bar"], 0), "a.txt:\n");
    assert_eq!(
        s(&["--vimgrep", "foo"], 0),
        "a.txt:1:1:foo bar foo\na.txt:1:9:foo bar foo\na.txt:3:1:foo\n"
    );
    assert_eq!(s(&["-n", "--column", "baz"], 0), "a.txt:2:1:baz\n");
    assert_eq!(s(&["-b", "baz"], 0), "a.txt:12:baz\n");
    assert_eq!(s(&["-0", "-l", "foo"], 0), "a.txt\0");
    assert_eq!(s(&["-v", "foo"], 0), "a.txt:baz\nb.txt:nothing\n");
    assert_eq!(s(&["-w", "ba"], 1), "");
    assert_eq!(s(&["-x", "foo"], 0), "a.txt:foo\n");
    assert_eq!(s(&["-F", "o b"], 0), "a.txt:foo bar foo\n");
    assert_eq!(
        s(&["-e", "baz", "-e", "nothing"], 0),
        "a.txt:baz\nb.txt:nothing\n"
    );
    assert_eq!(
        s(&["-U", "bar foo\\nbaz"], 0),
        "a.txt:foo bar foo\na.txt:baz\n"
    );
    assert_eq!(s(&["--files"], 0), "a.txt\nb.txt\n");
    assert_eq!(
        s(&["--passthru", "baz", "a.txt"], 0),
        "foo bar foo\nbaz\nfoo\n"
    );
    assert_eq!(
        s(&["--color", "always", "-n", "baz", "a.txt"], 0),
        "\x1b[0m\x1b[32m2\x1b[0m:\x1b[0m\x1b[1m\x1b[31mbaz\x1b[0m\n"
    );
}

#[test]
fn patterns_from_a_file_and_from_stdin_file() {
    let dir = Dir::grep();
    dir.create("pats", "baz\nnothing\n");
    dir.create("a.txt", "foo\nbaz\n");
    dir.create("b.txt", "nothing\n");
    assert_eq!(
        dir.stdout(&["--sort", "path", "-f", "pats", "a.txt", "b.txt"], 0),
        "a.txt:baz\nb.txt:nothing\n"
    );
    let out = dir.run(&["-f", "missing-pats", "a.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing-pats"), "{err}");
}

#[test]
fn files_and_type_list() {
    let dir = Dir::grep();
    dir.create("a.rs", "");
    dir.create("b.py", "");
    dir.create("c/d.rs", "");
    assert_eq!(
        dir.stdout(&["--files", "--sort", "path", "-trust"], 0),
        "a.rs\nc/d.rs\n"
    );
    assert_eq!(
        dir.stdout(&["--files", "--sort", "path", "-Trust"], 0),
        "b.py\n"
    );
    assert_eq!(
        dir.stdout(&["--files", "--sort", "path", "-d", "1"], 0),
        "a.rs\nb.py\n"
    );
    assert_eq!(
        sorted_lines(&dir.stdout(&["--files"], 0)),
        "a.rs\nb.py\nc/d.rs\n"
    );
    assert_eq!(
        dir.stdout(
            &[
                "--files",
                "--sort",
                "path",
                "--type-add",
                "mine:*.py",
                "-tmine"
            ],
            0
        ),
        "b.py\n"
    );
    let types = dir.stdout(&["--type-list"], 0);
    assert!(types.lines().any(|l| l == "rust: *.rs"), "{types}");
    let out = dir.run(&["-t", "nosuchtype", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nosuchtype"));
}

#[test]
fn max_filesize_and_max_depth() {
    let dir = Dir::grep();
    dir.create("small", "hit\n");
    dir.create("big", &format!("hit\n{}", "x".repeat(2000)));
    dir.create("a/b/deep", "hit\n");
    assert_eq!(
        dir.stdout(&["--sort", "path", "-l", "--max-filesize", "1K", "hit"], 0),
        "a/b/deep\nsmall\n"
    );
    assert_eq!(
        dir.stdout(&["--sort", "path", "-l", "--max-depth", "1", "hit"], 0),
        "big\nsmall\n"
    );
    let out = dir.run(&["--max-filesize", "lots", "hit"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn json_lines_have_ripgreps_shape() {
    let dir = Dir::grep();
    dir.create("a.txt", "ctx\nfoo bar\n");
    dir.create("b.txt", "none\n");
    let out = dir.stdout(&["--json", "--sort", "path", "-B1", "foo"], 0);
    let msgs: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let types: Vec<&str> = msgs
        .iter()
        .map(|m| m["type"].as_str().expect("type"))
        .collect();
    assert_eq!(types, ["begin", "context", "match", "end", "summary"]);
    assert_eq!(
        msgs[0]["data"],
        serde_json::json!({"path": {"text": "a.txt"}})
    );
    assert_eq!(
        msgs[1]["data"],
        serde_json::json!({"path": {"text": "a.txt"}, "lines": {"text": "ctx\n"}, "line_number": 1, "absolute_offset": 0, "submatches": []})
    );
    assert_eq!(
        msgs[2]["data"],
        serde_json::json!({"path": {"text": "a.txt"}, "lines": {"text": "foo bar\n"}, "line_number": 2, "absolute_offset": 4,
            "submatches": [{"match": {"text": "foo"}, "start": 0, "end": 3}]})
    );
    let end = &msgs[3]["data"];
    assert_eq!(end["binary_offset"], serde_json::Value::Null);
    assert_eq!(end["stats"]["matched_lines"], 1);
    assert_eq!(end["stats"]["searches_with_match"], 1);
    let summary = &msgs[4]["data"];
    assert_eq!(summary["stats"]["searches"], 2);
    assert_eq!(summary["stats"]["searches_with_match"], 1);
    assert_eq!(summary["stats"]["bytes_searched"], 17);
    assert!(
        summary["elapsed_total"]["human"]
            .as_str()
            .expect("human")
            .ends_with('s')
    );
}

#[test]
fn stats_block_follows_results() {
    let dir = Dir::grep();
    dir.create("a.txt", "foo foo\nbar\n");
    let out = dir.stdout(&["--stats", "foo", "a.txt"], 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        &lines[..7],
        [
            "foo foo",
            "",
            "2 matches",
            "1 matched lines",
            "1 files contained matches",
            "1 files searched",
            "8 bytes printed"
        ]
    );
    assert_eq!(lines[7], "12 bytes searched");
    assert!(lines[8].ends_with(" seconds spent searching"));
    assert!(lines[9].ends_with(" seconds total"));
}

#[test]
fn exit_codes_follow_grep() {
    let dir = Dir::grep();
    dir.create("a.txt", "foo\n");
    assert_eq!(dir.run(&["foo"]).status.code(), Some(0));
    assert_eq!(dir.run(&["absent"]).status.code(), Some(1));
    // An error beats a match...
    let out = dir.run(&["foo", "a.txt", "missing.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"a.txt:foo\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("pgrep-lite: missing.txt: "), "{err}");
    // ...except with -q, where a match is all that was asked.
    assert_eq!(
        dir.run(&["-q", "foo", "a.txt", "missing.txt"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        dir.run(&["-q", "absent", "a.txt", "missing.txt"])
            .status
            .code(),
        Some(2)
    );
    // --no-messages hides the message, not the status.
    let out = dir.run(&["--no-messages", "foo", "a.txt", "missing.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.is_empty());
}

#[test]
fn invalid_regex_is_one_clear_error_with_position() {
    let dir = Dir::grep();
    let out = dir.run(&["a(b"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        "error: regex parse error:\n    (?:a(b)\n    ^\nerror: unclosed group\n"
    );
}

#[test]
fn invalid_arguments_get_one_line() {
    let dir = Dir::grep();
    for args in [
        &["--no-such-flag", "x"][..],
        &["-m", "many", "x"],
        &[],
        &["--color", "sometimes", "x"],
    ] {
        let out = dir.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{err}");
    }
    let out = dir.run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--sort"));
}

#[test]
fn missing_and_unreadable_paths_are_reported_and_the_rest_searched() {
    let dir = Dir::grep();
    dir.create("ok.txt", "hit\n");
    std::os::unix::fs::symlink("nowhere", dir.path().join("dangling")).expect("symlink");
    let out = dir.run(&["--sort", "path", "hit", "missing", "dangling", "ok.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok.txt:hit\n");
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("pgrep-lite: missing: "), "{err}");
    assert!(lines[1].starts_with("pgrep-lite: dangling: "), "{err}");
}

#[test]
fn symlink_loop_with_follow_is_reported_not_hung() {
    let dir = Dir::grep();
    dir.create("d/f.txt", "hit\n");
    std::os::unix::fs::symlink(dir.path().join("d"), dir.path().join("d/loop")).expect("symlink");
    let out = dir.run(&["-L", "hit"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "d/f.txt:hit\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loop"), "{err}");
}

#[test]
fn fifo_in_tree_does_not_hang_the_walk() {
    let dir = Dir::grep();
    dir.create("a.txt", "hit\n");
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    assert_eq!(dir.stdout(&["hit"], 0), "a.txt:hit\n");
    // A device named explicitly is read like a file: /dev/null is empty.
    assert_eq!(dir.stdout(&["hit", "/dev/null"], 1), "");
}

#[test]
fn stdin_is_searched_when_piped() {
    let dir = Dir::grep();
    dir.create("a.txt", "hit in file\n");
    let mut cmd = dir.command();
    cmd.args(["hit"]);
    let out = run_bounded(&mut cmd, Some(b"no\nhit in stdin\n"));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hit in stdin\n");
    let mut cmd = dir.command();
    cmd.args(["-H", "-n", "hit", "-"]);
    let out = run_bounded(&mut cmd, Some(b"no\nhit\n"));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "<stdin>:2:hit\n");
    // With a path, stdin is left alone even when piped.
    let mut cmd = dir.command();
    cmd.args(["hit", "a.txt"]);
    let out = run_bounded(&mut cmd, Some(b"hit in stdin\n"));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hit in file\n");
}

#[test]
fn broken_pipe_exits_zero_quietly_and_promptly() {
    let dir = Dir::grep();
    let line = "match this line please\n".repeat(2000);
    for i in 0..200 {
        dir.create(&format!("f{i}.txt"), &line);
    }
    let mut child = dir.spawn(&["match"]);
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout); // like `| head -c 64`
    let status = child.wait_bounded(Duration::from_secs(30));
    let err = child.read_stderr();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    assert_eq!(err, "");
}

#[test]
fn long_line_is_found_and_printed_whole() {
    let dir = Dir::grep();
    let mut big = "a".repeat(8 << 20);
    big.push_str("NEEDLE\nshort NEEDLE\n");
    dir.create("big.txt", &big);
    let out = dir.run(&["-c", "NEEDLE", "big.txt"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2\n");
    let out = dir.run(&["-o", "-b", "NEEDLE", "big.txt"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}:NEEDLE\n{}:NEEDLE\n", 8 << 20, (8 << 20) + 13)
    );
}

#[test]
fn line_over_the_heap_limit_is_searched_again_without_the_limit() {
    // 20 MiB on one line: more than the 16 MiB a worker may buffer, so the
    // file is searched again without the limit. Found by a walk (not named),
    // and with -U (which reads whole files), it must still be found.
    let dir = Dir::grep();
    let mut big = "b".repeat(20 << 20);
    big.push_str("NEEDLE\nafter\n");
    dir.create("sub/big.txt", &big);
    dir.create("sub/small.txt", "NEEDLE\n");
    let out = dir.run(&["--sort", "path", "-c", "NEEDLE"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "sub/big.txt:1\nsub/small.txt:1\n"
    );
    let out = dir.run(&["--sort", "path", "-U", "-c", "NEEDLE\\nafter"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "sub/big.txt:1\n");
}

#[test]
fn streamed_output_is_not_repeated_when_a_file_is_searched_again() {
    // 200 KiB of matches (streamed to the writer while the file is
    // searched) come before a 20 MiB line that makes the search start the
    // file again: what went out already must not go out twice.
    let dir = Dir::grep();
    let mut body = String::new();
    let mut expected = String::new();
    for i in 1..=10_000 {
        body.push_str(&format!("NEEDLE {i}\n"));
        expected.push_str(&format!("big.txt:{i}:NEEDLE {i}\n"));
    }
    body.push_str(&"b".repeat(20 << 20));
    body.push_str("\nNEEDLE last\n");
    expected.push_str("big.txt:10002:NEEDLE last\n");
    dir.create("big.txt", &body);
    dir.create("small.txt", "NEEDLE small\n");
    expected.push_str("small.txt:1:NEEDLE small\n");
    for args in [
        &["-n", "-j1", "NEEDLE"][..],
        &["-n", "--sort", "path", "-j2", "NEEDLE"],
        &["-n", "-j2", "NEEDLE"],
    ] {
        let out = dir.run(args);
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
        let mut stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !args.contains(&"--sort") && !args.contains(&"-j1") {
            // Files in any order, but each one whole.
            stdout = if stdout.starts_with("small") {
                let (small, big) = stdout.split_at(stdout.find('\n').map_or(0, |i| i + 1));
                format!("{big}{small}")
            } else {
                stdout
            };
        }
        assert!(
            stdout == expected,
            "{args:?}: {} bytes, expected {}",
            stdout.len(),
            expected.len()
        );
    }
}

/// ripgrep's words and status: an error (2), which --no-messages silences
/// but still counts.
#[test]
fn nothing_searched_warning_when_everything_is_filtered() {
    let dir = Dir::grep();
    dir.create("a.txt", "hit\n");
    let out = dir.run(&["-g", "*.nomatch", "hit"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        "pgrep-lite: No files were searched, which means pgrep-lite probably applied a filter \
         you didn't expect.\nRunning with --debug will show why files are being skipped.\n"
    );
    let out = dir.run(&["--no-messages", "-g", "*.nomatch", "hit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.is_empty(), "{out:?}");
    // --debug says why.
    let out = dir.run(&["--debug", "-g", "*.nomatch", "hit"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ignoring ./a.txt"), "{err}");
}

#[test]
fn file_truncated_while_searched_is_that_files_error() {
    // Files named on the command line used to be searched through a memory
    // map: one truncated by another process meanwhile raised SIGBUS on the
    // next page past its new end, and the whole run died (exit 135) with
    // the other files' output lost. Here a 256 MiB file is cut to nothing and
    // grown back (a hole: nothing is written) over and over while it is
    // searched next to two small files.
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    const SIZE: u64 = 256 << 20;
    const RUNS: usize = 20;
    let dir = Dir::grep();
    dir.create("a.txt", "NEEDLE a\n");
    dir.create("z.txt", "NEEDLE z\n");
    let big = dir.create("big.txt", "");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .expect("open big.txt");
    file.set_len(SIZE).expect("grow big.txt");
    let stop = Arc::new(AtomicBool::new(false));
    let cuts = Arc::new(AtomicU64::new(0));
    let cutter = {
        let (stop, cuts) = (Arc::clone(&stop), Arc::clone(&cuts));
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                file.set_len(0).expect("truncate big.txt");
                cuts.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(1));
                file.set_len(SIZE).expect("grow big.txt");
                std::thread::sleep(Duration::from_millis(3));
            }
        })
    };
    let mut cut_during_search = 0;
    let mut failures = Vec::new();
    for _ in 0..RUNS {
        let before = cuts.load(Ordering::SeqCst);
        let out = dir.run(&[
            "--sort", "path", "-c", "NEEDLE", "a.txt", "big.txt", "z.txt",
        ]);
        if cuts.load(Ordering::SeqCst) > before {
            cut_during_search += 1;
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        let others: Vec<&str> = stdout
            .lines()
            .filter(|l| !l.starts_with("big.txt"))
            .collect();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Cut short, big.txt may be reported (as such, and only it).
        let foreign_errors = stderr
            .lines()
            .any(|l| !(l.starts_with("pgrep-lite: big.txt: ") && l.contains("shrank")));
        if !matches!(out.status.code(), Some(0 | 2))
            || others != ["a.txt:1", "z.txt:1"]
            || foreign_errors
        {
            failures.push(format!(
                "status {:?}\nstdout:\n{stdout}stderr:\n{stderr}",
                out.status
            ));
        }
    }
    stop.store(true, Ordering::Relaxed);
    cutter.join().expect("truncating thread");
    assert!(
        failures.is_empty(),
        "{} runs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Not vacuous: most searches really ran while the file was being cut.
    assert!(
        cut_during_search >= RUNS / 2,
        "only {cut_during_search} of {RUNS} searches overlapped a truncation"
    );
}

#[test]
fn line_over_16_mib_on_stdin_is_found() {
    // Files over the 16 MiB per-worker buffer were searched again without
    // the limit, but standard input cannot be read twice and failed with
    // "configured allocation limit exceeded".
    let dir = Dir::grep();
    let mut big = vec![b'c'; 17 << 20];
    big.extend_from_slice(b"NEEDLE\nafter NEEDLE\n");
    let file = dir.create_bytes("big.txt", &big);
    for args in [
        &["-c", "NEEDLE"][..],
        &["-o", "-b", "NEEDLE"],
        &["-U", "-c", "NEEDLE\\nafter"],
    ] {
        let mut cmd = dir.command();
        cmd.args(args).arg("-");
        let from_stdin = run_bounded(&mut cmd, Some(&big));
        assert_eq!(String::from_utf8_lossy(&from_stdin.stderr), "", "{args:?}");
        assert_eq!(from_stdin.status.code(), Some(0), "{args:?}");
        let mut cmd = dir.command();
        cmd.args(args).arg(&file);
        let from_file = run_bounded(&mut cmd, None);
        assert_eq!(
            String::from_utf8_lossy(&from_stdin.stdout),
            String::from_utf8_lossy(&from_file.stdout),
            "{args:?}"
        );
    }
    let mut cmd = dir.command();
    cmd.args(["-o", "-b", "NEEDLE", "-"]);
    let out = run_bounded(&mut cmd, Some(&big));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}:NEEDLE\n{}:NEEDLE\n", 17 << 20, (17 << 20) + 13)
    );
}

#[test]
fn head_of_a_huge_match_stream_exits_fast_with_bounded_memory() {
    // A file's output used to be built whole in memory before the writer saw
    // any of it: `pgrep-lite abc BIG | head -1` held the entire output (here
    // ~530 MB: 500,000 matching lines, each printed with a 1,000-byte
    // replacement) before printing its first line. Read 2 MB, then look at
    // the peak resident memory: the child is still alive, blocked on the
    // full pipe, so the peak is all it will ever have used.
    use std::io::BufRead;
    const PEAK_MAX: u64 = 200 << 20;
    let dir = Dir::grep();
    let line = format!("{:<63}\n", "abc and padding");
    dir.create("big.txt", &line.repeat(500_000));
    for i in 0..20 {
        dir.create(&format!("small{i:02}.txt"), "abc\n");
    }
    let repl = "x".repeat(1000);
    let shapes: [&[&str]; 3] = [
        &["big.txt"],               // one file: one thread
        &["-j2"],                   // the parallel walk
        &["--sort", "path", "-j2"], // the ordered parallel map
    ];
    for shape in shapes {
        let mut child = Child::spawn(
            dir.command()
                .args(["-r", &repl, "abc"])
                .args(shape)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
        );
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut read = 0;
        let mut line = String::new();
        while read < 2 << 20 {
            line.clear();
            let n = stdout.read_line(&mut line).expect("read output");
            assert!(n > 0, "{shape:?}: output ended after {read} bytes");
            read += n;
        }
        let peak = util::proc_status_bytes(child.id(), "VmHWM");
        drop(stdout); // like `| head`
        let status = child.wait_bounded(Duration::from_secs(30));
        let err = child.read_stderr();
        assert_eq!(status.code(), Some(0), "{shape:?}: stderr: {err}");
        assert_eq!(err, "", "{shape:?}");
        assert!(
            peak < PEAK_MAX,
            "{shape:?}: peak RSS {} MiB after the first 2 MB of output",
            peak >> 20
        );
    }
}

#[test]
fn huge_jobs_value_is_bounded() {
    // `-j 1000000` tried to start a million threads (ripgrep 15 does the
    // same and makes no progress); it is now a usage error.
    let dir = Dir::grep();
    dir.create("a.txt", "hit\n");
    let out = dir.run(&["-j", "1000000", "hit"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(
        err.contains("1000000") && err.contains("at most 256"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(dir.stdout(&["-j", "256", "hit"], 0), "a.txt:hit\n");
}

#[test]
fn stdin_lines_are_printed_as_they_arrive_with_line_buffering() {
    // `tail -f log | pgrep-lite --line-buffered x` printed nothing until
    // standard input ended: a file's output went out when the file was done.
    use std::io::Write;
    let dir = Dir::grep();
    let mut child = Child::spawn(
        dir.command()
            .args(["--line-buffered", "hit", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let mut stdin = child.stdin.take().expect("stdin");
    let rx = lines_of(child.stdout.take().expect("stdout"));
    for i in 0..3 {
        stdin
            .write_all(format!("miss {i}\nhit {i}\n").as_bytes())
            .expect("write stdin");
        stdin.flush().expect("flush stdin");
        // Standard input is still open: the line must come anyway.
        let line = rx.recv_timeout(Duration::from_secs(30));
        assert_eq!(line.as_deref(), Ok(format!("hit {i}").as_str()));
    }
    drop(stdin);
    let status = child.wait_bounded(Duration::from_secs(30));
    assert_eq!(status.code(), Some(0));
}
