//! End-to-end tests of pgrep-lite's input flags: `--mmap`/`--no-mmap`,
//! `-z/--search-zip`, `--pre`/`--pre-glob`, `-E/--encoding`, `--null-data`
//! and `--stop-on-nonmatch`, run on real files with the real binary (and
//! real decompression programs and preprocessor scripts).
//!
//! The scenario tests pin ripgrep 15.2.0's documented output (its own
//! integration tests, and outputs taken from rg 15.2.0 by hand).
//! [`mmap_and_no_mmap_match_ripgrep`] is the oracle for the claim "each
//! mode's output is ripgrep's in that mode": seeded random files (NUL bytes
//! before and after the first 64 KiB, CRLF, UTF-8 and UTF-16 byte-order
//! marks, invalid UTF-8, random line lengths) searched with random flags by
//! pgrep-lite and by the real rg, with `--mmap` and with `--no-mmap`, stdout
//! and exit status compared byte for byte. It needs rg: /work/tools/bin/rg,
//! `PGREP_INPUT_RG`, or `rg` on PATH; without one it prints a note and
//! checks nothing (CI has no rg: run it by hand where rg is installed).
//! `PGREP_INPUT_SEED` picks the seed, `PGREP_INPUT_TREES` how many trees
//! (default 6, a few seconds); `PGREP_INPUT_KEEP=DIR` copies the files of
//! a tree where the tools differ to DIR.

mod util;

use std::path::{Path, PathBuf};
use std::process::Command;

use util::{Dir, Rng, run_bounded, seed_from_env, set_mode, text};

/// pgrep-lite in `dir` with `args` (no config file: [`Dir::command`]).
fn command(dir: &Dir, args: &[&str]) -> Command {
    let mut cmd = dir.command();
    cmd.args(args);
    cmd
}

/// Run pgrep-lite in `dir` with `args`; (exit code, stdout, stderr).
fn run(dir: &Dir, args: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    let out = run_bounded(&mut command(dir, args), None);
    (out.status.code(), out.stdout, text(&out.stderr))
}

/// True if `program` runs (`--help`, as ripgrep's suite checks).
fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success())
}

// ---------------------------------------------------------------- --mmap

/// A file over 64 KiB (grep-searcher's first buffer, and all of a slice
/// that is checked for binary data up front) with a NUL byte after it, in
/// line 1,700 of 2,000 (at byte 75,354).
fn late_nul() -> Vec<u8> {
    let mut hay = Vec::new();
    for i in 1..=2000 {
        if i == 1700 {
            hay.extend_from_slice(b"abcdef\x00\n");
        } else {
            hay.extend_from_slice(
                format!("line {i} of the haystack, some text to fill\n").as_bytes(),
            );
        }
    }
    assert_eq!(hay.iter().position(|&b| b == 0), Some(75_354));
    hay
}

/// ripgrep (binary::mmap_* / misc::binary_*_mmap): as one slice, binary
/// data after the first 64 KiB goes unnoticed unless a match is near it;
/// read, the NUL ends a walked file's search and is reported for a named
/// one. `--mmap` used to be accepted and ignored.
#[test]
fn mmap_ignored_a_nul_after_the_first_64k() {
    let dir = Dir::grep();
    dir.create_bytes("hay", &late_nul());
    // Named file, a match in the first line.
    let (code, out, _) = run(&dir, &["--mmap", "-n", "line 1 of", "hay"]);
    assert_eq!(
        (code, text(&out)),
        (
            Some(0),
            "1:line 1 of the haystack, some text to fill\n".into()
        )
    );
    let (code, out, _) = run(&dir, &["--no-mmap", "-n", "line 1 of", "hay"]);
    assert_eq!(
        (code, text(&out)),
        (
            Some(0),
            "1:line 1 of the haystack, some text to fill\n\
             binary file matches (found \"\\0\" byte around offset 75354)\n"
                .into()
        )
    );
    // Walked file: the reader quits at the NUL, a slice never sees it.
    let (code, out, _) = run(&dir, &["--mmap", "-c", "haystack"]);
    assert_eq!((code, text(&out)), (Some(0), "hay:1999\n".into()));
    let (code, out, _) = run(&dir, &["--no-mmap", "-c", "haystack"]);
    assert_eq!((code, text(&out)), (Some(1), String::new()));
    // The default is the reader (where ripgrep maps up to 10 named files,
    // pgrep-lite reads them: `rg -c haystack hay` prints 1999).
    let (code, out, _) = run(&dir, &["-c", "haystack"]);
    assert_eq!((code, text(&out)), (Some(1), String::new()));
    // A match on the NUL's line is binary in both modes.
    let (code, out, _) = run(&dir, &["--mmap", "-n", "abcdef", "hay"]);
    assert_eq!(
        (code, text(&out)),
        (
            Some(0),
            "binary file matches (found \"\\0\" byte around offset 75354)\n".into()
        )
    );
}

/// `--mmap` reads files whole; what ripgrep cannot map (an empty size, as
/// /proc files claim; not a regular file) it reads, and so does pgrep-lite:
/// standard input and an empty file are searched as usual.
#[test]
fn mmap_searches_stdin_and_empty_files() {
    let dir = Dir::grep();
    dir.create("empty", "");
    dir.create("a", "x\ny\n");
    let out = run_bounded(&mut command(&dir, &["--mmap", "y"]), Some(b"y1\nn\ny2\n"));
    assert_eq!(text(&out.stdout), "y1\ny2\n");
    let (code, out, _) = run(&dir, &["--mmap", "--sort", "path", "-c", "", "a", "empty"]);
    assert_eq!((code, text(&out)), (Some(0), "a:2\n".into()));
}

// ------------------------------------------------------------------- -z

/// rg's misc::compressed_*: each format through its program, when it is
/// installed (which ran is printed).
#[test]
fn search_zip_decompresses_each_format() {
    let formats: &[(&str, &str, &[&str])] = &[
        ("gzip", "gz", &["gzip", "-c"]),
        ("bzip2", "bz2", &["bzip2", "-c"]),
        ("xz", "xz", &["xz", "-c"]),
        ("xz", "lzma", &["xz", "--format=lzma", "-c"]),
        ("lz4", "lz4", &["lz4", "-c"]),
        ("zstd", "zst", &["zstd", "-q", "-c"]),
        ("brotli", "br", &["brotli", "-c"]),
        ("compress", "Z", &["compress", "-c"]),
    ];
    let dir = Dir::grep();
    let plain = "alpha\nSherlock Holmes\nomega\n".repeat(100);
    let src = dir.create("src", &plain);
    let mut ran = Vec::new();
    for (program, ext, compress) in formats {
        // `compress --help` fails: check the decompressing side instead.
        let probe = if *program == "compress" {
            "gzip"
        } else {
            program
        };
        if !have(probe) || Command::new(compress[0]).arg("-V").output().is_err() {
            eprintln!("note: {program} is not installed; .{ext} not tested");
            continue;
        }
        let name = format!("sherlock.{ext}");
        let file = std::fs::File::open(&src).expect("open src");
        let out = Command::new(compress[0])
            .args(&compress[1..])
            .stdin(file)
            .output()
            .expect("compress");
        if !out.status.success() {
            eprintln!("note: {program} could not compress; .{ext} not tested");
            continue;
        }
        dir.create_bytes(&name, &out.stdout);
        let (code, got, err) = run(&dir, &["-z", "-c", "Sherlock Holmes", &name]);
        assert_eq!(
            (code, text(&got)),
            (Some(0), "100\n".into()),
            ".{ext}: {err}"
        );
        // Without -z the compressed bytes are searched.
        let (_, got, _) = run(&dir, &["-c", "Sherlock Holmes", &name]);
        assert_ne!(text(&got), "100\n", ".{ext} without -z");
        ran.push(*ext);
    }
    eprintln!("compressed formats tested: {ran:?}");
    assert!(ran.contains(&"gz"), "gzip is on every machine this runs on");
}

/// A file named .gz that is not gzip: that file's error, with its path and
/// what gzip said; the other files are searched; exit 2.
#[test]
fn search_zip_failing_decompressor_is_that_files_error() {
    let dir = Dir::grep();
    dir.create("bad.gz", "Sherlock, not compressed\n");
    dir.create("plain", "Sherlock\n");
    let (code, out, err) = run(&dir, &["-z", "--sort", "path", "Sherlock"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(text(&out), "plain:Sherlock\n");
    assert!(
        err.contains("bad.gz") && err.contains("not in gzip format"),
        "{err}"
    );
}

/// A decompression program that is not installed is the file's error
/// (ripgrep silently searches the compressed bytes instead: "no match").
#[test]
fn search_zip_missing_decompressor_is_that_files_error() {
    let dir = Dir::grep().with_env("PATH", "/nonexistent");
    dir.create_bytes("a.xz", b"\xfd7zXZ\x00\x00 not really\n");
    dir.create("plain", "needle\n");
    let (code, out, err) = run(&dir, &["-z", "--sort", "path", "needle"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(text(&out), "plain:needle\n");
    assert!(err.contains("a.xz") && err.contains("\"xz\""), "{err}");
}

// ----------------------------------------------------------------- --pre

/// A preprocessor script in `dir`: upper-cases its standard input, and
/// fails (status 3, a message on stderr) for a file whose name has "fail".
fn upper_script(dir: &Dir) -> PathBuf {
    let path = dir.create(
        "upper.sh",
        "#!/bin/sh\ncase \"$1\" in *fail*) echo \"cannot convert $1\" >&2; exit 3;; esac\n\
         tr a-z A-Z\n",
    );
    set_mode(&path, 0o755);
    path
}

/// rg's misc::preprocessing_glob: the command gets the path as its
/// argument and the file on stdin; --pre-glob picks the files.
#[test]
fn pre_runs_on_the_files_its_globs_select() {
    let dir = Dir::grep();
    let script = upper_script(&dir);
    let script = script.to_str().expect("utf-8 path");
    dir.create("a.txt", "sherlock\n");
    dir.create("b.md", "sherlock\n");
    let (code, out, err) = run(
        &dir,
        &[
            "--pre", script, "--sort", "path", "-i", "sherlock", "a.txt", "b.md",
        ],
    );
    assert_eq!(
        (code, text(&out)),
        (Some(0), "a.txt:SHERLOCK\nb.md:SHERLOCK\n".into()),
        "{err}"
    );
    let (_, out, _) = run(
        &dir,
        &[
            "--pre",
            script,
            "--pre-glob",
            "*.md",
            "--sort",
            "path",
            "-i",
            "sherlock",
            "a.txt",
            "b.md",
        ],
    );
    assert_eq!(text(&out), "a.txt:sherlock\nb.md:SHERLOCK\n");
    let (_, out, _) = run(
        &dir,
        &[
            "--pre",
            script,
            "--pre-glob",
            "!*.md",
            "--sort",
            "path",
            "-i",
            "sherlock",
            "a.txt",
            "b.md",
        ],
    );
    assert_eq!(text(&out), "a.txt:SHERLOCK\nb.md:sherlock\n");
    // Standard input is never preprocessed.
    let out = run_bounded(
        &mut command(&dir, &["--pre", script, "sherlock"]),
        Some(b"sherlock\n"),
    );
    assert_eq!(text(&out.stdout), "sherlock\n");
}

/// A failing preprocessor: that file's error with its path and what the
/// command said, the rest searched, exit 2. One that cannot start: same.
#[test]
fn pre_failing_command_is_that_files_error() {
    let dir = Dir::grep();
    let script = upper_script(&dir);
    let script = script.to_str().expect("utf-8 path");
    dir.create("fail.txt", "sherlock\n");
    dir.create("ok.txt", "sherlock\n");
    let (code, out, err) = run(
        &dir,
        &[
            "--pre", script, "--sort", "path", "SHERLOCK", "fail.txt", "ok.txt",
        ],
    );
    assert_eq!(
        (code, text(&out)),
        (Some(2), "ok.txt:SHERLOCK\n".into()),
        "{err}"
    );
    assert!(
        err.contains("fail.txt") && err.contains("cannot convert fail.txt"),
        "{err}"
    );
    let (code, out, err) = run(&dir, &["--pre", "./no-such-program", "sherlock", "ok.txt"]);
    assert_eq!((code, text(&out)), (Some(2), String::new()));
    assert!(
        err.contains("ok.txt") && err.contains("could not start"),
        "{err}"
    );
}

/// An invalid --pre-glob is a usage error before anything is searched.
#[test]
fn pre_glob_invalid_is_a_usage_error() {
    let dir = Dir::grep();
    dir.create("a", "x\n");
    let (code, out, err) = run(&dir, &["--pre", "cat", "--pre-glob", "{", "x"]);
    assert_eq!((code, out.is_empty()), (Some(2), true));
    assert!(err.contains('{'), "{err}");
}

// ------------------------------------------------------------------- -E

/// rg's feature::f1_*: explicit encodings, BOM sniffing, `none`.
#[test]
fn encoding_decodes_as_ripgrep() {
    let dir = Dir::grep();
    dir.create_bytes(
        "sjis",
        b"\x84Y\x84u\x84\x82\x84|\x84\x80\x84{ \x84V\x84\x80\x84|\x84}\x84\x83",
    );
    let utf16 = b"\xff\xfe(\x045\x04@\x04;\x04>\x04:\x04 \x00%\x04>\x04;\x04<\x04A\x04";
    dir.create_bytes("utf16", utf16);
    dir.create_bytes(
        "eucjp",
        b"\xa7\xba\xa7\xd6\xa7\xe2\xa7\xdd\xa7\xe0\xa7\xdc \xa7\xb7\xa7\xe0\xa7\xdd\xa7\xde\xa7\xe3",
    );
    let want = "Шерлок Холмс\n";
    for (args, file) in [
        (&["-Esjis"][..], "sjis"),
        (&[][..], "utf16"),
        (&["-Eutf-16le"][..], "utf16"),
        (&["--encoding", "auto"][..], "utf16"),
        (&["-Eeuc-jp"][..], "eucjp"),
    ] {
        let mut all = args.to_vec();
        all.extend(["Шерлок Холмс", file]);
        let (code, out, err) = run(&dir, &all);
        assert_eq!((code, text(&out)), (Some(0), want.into()), "{all:?}: {err}");
    }
    // `none`: the raw bytes, BOM included (rg's f1207_ignore_encoding).
    dir.create_bytes("raw", b"\xFF\xFE\x00\x62");
    let (code, out, _) = run(&dir, &["--encoding", "none", "-a", "\\x00", "raw"]);
    assert_eq!((code, out), (Some(0), b"\xFF\xFE\x00b\n".to_vec()));
    let (code, _, _) = run(&dir, &["-a", "\\x00", "raw"]);
    assert_eq!(code, Some(1));
    // --no-encoding goes back to auto.
    let (code, _, _) = run(&dir, &["-Enone", "--no-encoding", "Шерлок", "utf16"]);
    assert_eq!(code, Some(0));
}

/// An unknown label, or one WHATWG maps to "replacement": a usage error
/// naming it, exit 2, whatever the mode (ripgrep checks it when parsing).
#[test]
fn encoding_unknown_label_is_a_usage_error() {
    let dir = Dir::grep();
    dir.create("a", "x\n");
    for label in ["foobar", "csiso2022kr"] {
        for mode in [&["x"][..], &["--files"][..]] {
            let mut args = vec!["-E", label];
            args.extend(mode);
            let (code, out, err) = run(&dir, &args);
            assert_eq!((code, out.is_empty()), (Some(2), true), "{args:?}");
            assert!(err.contains(label) && err.lines().count() == 1, "{err}");
        }
    }
}

// ----------------------------------------------- --null-data, --stop-on-nonmatch

/// rg's feature::f993_null_data and regression::r2658: records end at NUL,
/// and --text is implied.
#[test]
fn null_data_records_end_at_nul() {
    let dir = Dir::grep();
    dir.create_bytes("test", b"foo\x00bar\x00\x00\x00baz\x00");
    let (code, out, err) = run(&dir, &["--null-data", ".+", "test"]);
    assert_eq!(
        (code, out),
        (Some(0), b"foo\x00bar\x00baz\x00".to_vec()),
        "{err}"
    );
    dir.create_bytes("haystack", b"foo\x00bar\x00quux\x00");
    let (_, out, _) = run(&dir, &["--null-data", "--line-regexp", "bar", "haystack"]);
    assert_eq!(out, b"bar\x00".to_vec());
    for mode in ["--mmap", "--no-mmap"] {
        let (_, out, _) = run(&dir, &[mode, "--null-data", "-c", "a", "--sort", "path"]);
        // The summary lines end at NUL too (rg 15.2.0).
        assert_eq!(out, b"haystack:1\x00test:2\x00".to_vec(), "{mode}");
    }
}

/// rg's feature::stop_on_nonmatch: the search ends at the first line that
/// does not match after one that did.
#[test]
fn stop_on_nonmatch_ends_at_the_first_nonmatch() {
    let dir = Dir::grep();
    dir.create("test", "line1\nline2\nline3\nline4\nline5");
    for mode in ["--mmap", "--no-mmap"] {
        let (code, out, _) = run(&dir, &[mode, "--stop-on-nonmatch", "[235]"]);
        assert_eq!(
            (code, text(&out)),
            (Some(0), "test:line2\ntest:line3\n".into())
        );
    }
}

// ------------------------------------------------------- the rg oracle

/// The real rg to compare with, if there is one.
fn ripgrep() -> Option<PathBuf> {
    util::ripgrep("PGREP_INPUT_RG", false)
}

const WORDS: &[&str] = &["foo", "bar", "needle", "x", "Foo", "a.b", "baz", "é", "qux"];

/// One random file's bytes.
fn random_file(rng: &mut Rng) -> Vec<u8> {
    let mut body = String::new();
    let big = rng.chance(30);
    let lines = if big {
        1400 + rng.below(800)
    } else {
        rng.below(30)
    };
    let crlf = rng.chance(30);
    for _ in 0..lines {
        let words = if rng.chance(3) {
            40 + rng.below(400)
        } else {
            rng.below(7)
        };
        for w in 0..words {
            if w > 0 {
                body.push(' ');
            }
            let word: &&str = rng.pick(WORDS);
            body.push_str(word);
        }
        body.push_str(if crlf && rng.chance(90) { "\r\n" } else { "\n" });
    }
    if !body.is_empty() && rng.chance(20) {
        body.pop();
    }
    let mut bytes = match rng.below(10) {
        0 => {
            let mut b = vec![0xFF, 0xFE];
            b.extend(body.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }
        1 => {
            let mut b = vec![0xFE, 0xFF];
            b.extend(body.encode_utf16().flat_map(u16::to_be_bytes));
            b
        }
        2 => {
            let mut b = vec![0xEF, 0xBB, 0xBF];
            b.extend(body.as_bytes());
            b
        }
        _ => body.into_bytes(),
    };
    // NUL bytes (sometimes past the first 64 KiB) and invalid UTF-8.
    for odd in [0x00u8, 0x00, 0xFF, 0xB4] {
        if !bytes.is_empty() && rng.chance(25) {
            let at = if bytes.len() > 70_000 && rng.chance(60) {
                66_000 + rng.below(bytes.len() - 66_000)
            } else {
                rng.below(bytes.len())
            };
            bytes.insert(at, odd);
        }
    }
    bytes
}

/// Random flags both tools take alike. -C and --heading: pgrep-lite put
/// the "--" (or blank line) between files before a file whose only output
/// is "binary file matches" too, where ripgrep's one-thread printer does
/// not (this oracle found it; fixed with `FileOutcome::lines`).
fn random_flags(rng: &mut Rng, null_data: bool) -> Vec<&'static str> {
    const FLAGS: &[&[&str]] = &[
        &["-n"],
        &["-c"],
        &["-v"],
        &["-a"],
        &["--binary"],
        &["-w"],
        &["-i"],
        &["-o"],
        &["-b"],
        &["--column"],
        &["-l"],
        &["--count-matches"],
        &["-m2"],
        &["--crlf"],
        &["-U"],
        &["-Enone"],
        &["-Eutf-16le"],
        &["-Elatin1"],
        &["--stop-on-nonmatch"],
        &["--passthru"],
        &["-C1"],
        &["--heading"],
    ];
    let mut flags = Vec::new();
    if null_data && rng.chance(15) {
        flags.push("--null-data");
    }
    for _ in 0..rng.below(4) {
        let pick: &&[&str] = rng.pick(FLAGS);
        flags.extend_from_slice(pick);
    }
    flags
}

const PATTERNS: &[&str] = &[
    "foo",
    "needle",
    "b.r",
    "^x",
    "o$",
    "é",
    "\\w+ \\w+",
    "qux|baz",
    "a\\.b",
];

/// The claim: with `--mmap` pgrep-lite prints what rg prints with `--mmap`,
/// and with `--no-mmap` what rg prints with `--no-mmap`, for named and for
/// walked files.
#[test]
fn mmap_and_no_mmap_match_ripgrep() {
    let Some(rg) = ripgrep() else {
        eprintln!(
            "note: no ripgrep (/work/tools/bin/rg, PGREP_INPUT_RG or rg on PATH): \
             the --mmap/--no-mmap oracle checked nothing"
        );
        return;
    };
    let seed = seed_from_env("PGREP_INPUT_SEED", 1307);
    let trees = seed_from_env("PGREP_INPUT_TREES", 6);
    let mut rng = Rng::new(seed);
    let mut compared = 0;
    let null_data = true;
    for tree in 0..trees {
        let dir = Dir::grep();
        let files: Vec<String> = (0..1 + rng.below(4)).map(|i| format!("t/f{i}")).collect();
        for f in &files {
            dir.create_bytes(f, &random_file(&mut rng));
        }
        for _ in 0..8 {
            let flags = random_flags(&mut rng, null_data);
            let pattern = *rng.pick(PATTERNS);
            let walk = rng.chance(50);
            for mode in ["--mmap", "--no-mmap"] {
                let mut args: Vec<&str> = vec![mode, "-j1", "--sort", "path"];
                args.extend(&flags);
                args.extend(["-e", pattern]);
                if walk {
                    args.push("t");
                } else {
                    args.extend(files.iter().map(String::as_str));
                }
                let ours = run_bounded(&mut command(&dir, &args), None);
                let mut cmd = Command::new(&rg);
                cmd.current_dir(dir.path())
                    .args(&args)
                    .stdin(std::process::Stdio::null())
                    .env_remove("RIPGREP_CONFIG_PATH")
                    .env("HOME", dir.path());
                let theirs = run_bounded(&mut cmd, None);
                compared += 1;
                let same =
                    ours.stdout == theirs.stdout && ours.status.code() == theirs.status.code();
                if !same && let Some(keep) = std::env::var_os("PGREP_INPUT_KEEP") {
                    keep_tree(dir.path(), Path::new(&keep), &files);
                }
                assert!(
                    same,
                    "seed {seed}, tree {tree}, args {args:?}: differs from rg\n\
                     status pgrep-lite {:?}, rg {:?}\n{}\npgrep-lite stderr: {}\nfiles: {}",
                    ours.status.code(),
                    theirs.status.code(),
                    first_difference(&ours.stdout, &theirs.stdout),
                    text(&ours.stderr),
                    describe(dir.path(), &files),
                );
            }
        }
    }
    eprintln!(
        "seed {seed}: {compared} searches identical to {}",
        rg.display()
    );
}

/// Copy a tree that made the tools differ to `to`, to replay by hand.
fn keep_tree(root: &Path, to: &Path, files: &[String]) {
    for f in files {
        let dest = to.join(f);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(root.join(f), dest).expect("copy");
    }
}

/// The first line where two outputs differ, for a failure message.
fn first_difference(ours: &[u8], theirs: &[u8]) -> String {
    let a: Vec<&[u8]> = ours.split_inclusive(|&b| b == b'\n').collect();
    let b: Vec<&[u8]> = theirs.split_inclusive(|&b| b == b'\n').collect();
    let i = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let line = |lines: &[&[u8]]| {
        lines
            .get(i)
            .map_or("(end)".into(), |l| format!("{:?}", text(l)))
    };
    format!(
        "outputs of {} and {} lines differ at line {}:\n  pgrep-lite: {}\n  rg:         {}",
        a.len(),
        b.len(),
        i + 1,
        line(&a),
        line(&b)
    )
}

/// Sizes, first bytes and first NUL offsets of the files, for a failure
/// message.
fn describe(root: &Path, files: &[String]) -> String {
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(root.join(f)).unwrap_or_default();
            let nuls: Vec<usize> = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == 0)
                .map(|(i, _)| i)
                .take(6)
                .collect();
            format!(
                "{f}: {} bytes, starts {:?}, first NULs at {nuls:?}",
                bytes.len(),
                &bytes[..bytes.len().min(3)]
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Found by `mmap_and_no_mmap_match_ripgrep` once it used -C and --heading:
/// in order (one thread, any sort, the daemon) ripgrep's printer writes the
/// separator between files as part of a file's first line, so a file whose
/// only output is "binary file matches" gets none, and it ends the
/// separator as lines end (`\r\n` with --crlf). pgrep-lite's writer put a
/// `--` (or blank line) before every output, ended with `\n`. Expected
/// bytes: ripgrep 15.2.0's, with `-j1`.
#[test]
fn a_lone_binary_file_matches_gets_no_separator_in_order() {
    let dir = Dir::grep();
    dir.create("a.txt", "one hit\nx\ny\nz\ntwo hit\n");
    dir.create_bytes("b.bin", b"hit\0bin\n");
    dir.create("c.txt", "hit again\n");
    let files = ["a.txt", "b.bin", "c.txt"];
    let binary = "b.bin: binary file matches (found \"\\0\" byte around offset 3)\n";
    let cases: [(&[&str], String); 4] = [
        (
            &["-C1"],
            format!("a.txt:one hit\na.txt-x\n--\na.txt-z\na.txt:two hit\n{binary}--\nc.txt:hit again\n"),
        ),
        (
            &["--heading"],
            format!("a.txt\none hit\ntwo hit\n{binary}\nc.txt\nhit again\n"),
        ),
        (
            &["-C1", "--crlf"],
            format!(
                "a.txt:one hit\na.txt-x\n--\r\na.txt-z\na.txt:two hit\n{binary}--\r\nc.txt:hit again\n"
            ),
        ),
        (
            &["-C1", "--null-data"],
            "a.txt:one hit\nx\ny\nz\ntwo hit\n\0--\0b.bin:hit\0b.bin-bin\n\0--\0c.txt:hit again\n\0"
                .to_string(),
        ),
    ];
    for (flags, want) in cases {
        for order in [&["-j1"][..], &["--sort", "path"]] {
            let mut args: Vec<&str> = order.to_vec();
            args.extend_from_slice(flags);
            args.push("hit");
            args.extend_from_slice(&files);
            let out = dir.run(&args);
            assert_eq!(out.status.code(), Some(0), "{args:?}");
            assert_eq!(text(&out.stdout), want, "{args:?}");
        }
    }
}
