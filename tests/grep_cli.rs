//! pgrep-lite's command line as a ripgrep user types it (issue 13): the
//! config file, the last of a repeated flag, overrides, misspelt flags, and
//! ripgrep's own voice when run as `rg`.

mod util;

use util::{Dir, text};

const SHERLOCK: &str = "For the Doctor Watsons of this world, as opposed to the Sherlock\n\
Holmeses, success in the province of detective work must always\n\
be, to a very large extent, the result of luck. Sherlock Holmes\n";

#[test]
fn ripgrep_config_path_is_read_and_the_command_line_wins() {
    let dir = Dir::grep();
    dir.create("sherlock", SHERLOCK);
    dir.create(".ripgreprc", "# case\n--ignore-case\n\n  --max-count=1  \n");
    assert_eq!(dir.run(&["sherlock", "sherlock"]).status.code(), Some(1));
    let dir = dir.with_env("RIPGREP_CONFIG_PATH", ".ripgreprc");
    assert_eq!(
        dir.stdout(&["sherlock", "sherlock"], 0),
        "For the Doctor Watsons of this world, as opposed to the Sherlock\n"
    );
    // The command line comes after the file: its -s and -m win.
    assert_eq!(
        dir.stdout(&["-s", "-m", "5", "Sherlock", "sherlock"], 0),
        "For the Doctor Watsons of this world, as opposed to the Sherlock\n\
         be, to a very large extent, the result of luck. Sherlock Holmes\n"
    );
    // --no-config skips the file.
    assert_eq!(
        dir.run(&["--no-config", "sherlock", "sherlock"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn pgrep_lite_config_path_comes_before_ripgreps() {
    let dir = Dir::grep();
    dir.create("f", "Abc\nabc\n");
    dir.create("ours", "-i\n");
    dir.create("theirs", "--count\n");
    let dir = dir
        .with_env("RIPGREP_CONFIG_PATH", "theirs")
        .with_env("PGREP_LITE_CONFIG_PATH", "ours");
    assert_eq!(dir.stdout(&["abc", "f"], 0), "Abc\nabc\n");
}

#[test]
fn a_bad_config_file_is_named_with_its_line_and_nothing_is_searched() {
    let dir = Dir::grep();
    dir.create("f", "x\n");
    dir.create("rc", "-i\n# fine\n--hiden\n");
    let out = dir.with_env("RIPGREP_CONFIG_PATH", "rc").run(&["x", "f"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: rc:3: "), "{err}");
    assert!(err.contains("'--hidden'"), "{err}");

    let dir = Dir::grep();
    dir.create("f", "x\n");
    let out = dir
        .with_env("RIPGREP_CONFIG_PATH", "missing-rc")
        .run(&["x", "f"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("missing-rc") && err.contains("RIPGREP_CONFIG_PATH"),
        "{err}"
    );
}

#[test]
fn a_misspelt_flag_gets_the_closest_one_in_one_line() {
    let dir = Dir::grep();
    let out = dir.run(&["--hiden", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(
        err,
        "error: unexpected argument '--hiden' found; did you mean '--hidden'? (see 'pgrep-lite --help')\n"
    );
}

#[test]
fn the_last_of_a_repeated_flag_wins() {
    let dir = Dir::grep();
    dir.create("f", "a\nb\nA\n");
    assert_eq!(dir.stdout(&["-i", "-i", "a", "f"], 0), "a\nA\n");
    assert_eq!(dir.stdout(&["-C1", "-C0", "b", "f"], 0), "b\n");
    assert_eq!(
        dir.stdout(&["--sort", "path", "--sort", "path", "-c", "a", "f"], 0),
        "1\n"
    );
    assert_eq!(
        dir.stdout(&["--no-filename", "--no-filename", "-H", "b", "f"], 0),
        "f:b\n"
    );
    // Negations undo in order.
    assert_eq!(dir.stdout(&["-i", "-s", "a", "f"], 0), "a\n");
    assert_eq!(dir.stdout(&["--passthru", "-C0", "b", "f"], 0), "b\n");
    assert_eq!(dir.stdout(&["-C1", "--passthru", "b", "f"], 0), "a\nb\nA\n");
    assert_eq!(
        dir.stdout(
            &[
                "-A1",
                "--no-context-separator",
                "--context-separator",
                "XX",
                "^[aA]",
                "f"
            ],
            0
        ),
        "a\nb\nA\n"
    );
}

#[test]
fn run_as_rg_it_speaks_as_ripgrep() {
    let dir = Dir::grep();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_pgrep-lite"), bin.join("rg")).expect("link");
    dir.create(".ignore", "ignored-dir/**\n");
    dir.create("ignored-dir/foo", "needle\n");
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(bin.join("rg"));
        cmd.current_dir(dir.path())
            .stdin(std::process::Stdio::null())
            .env_remove("RIPGREP_CONFIG_PATH")
            .env_remove("PGREP_LITE_CONFIG_PATH")
            .env("XDG_RUNTIME_DIR", dir.runtime())
            .args(args);
        util::run_bounded(&mut cmd, None)
    };
    let out = run(&["needle"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "rg: No files were searched, which means ripgrep probably applied a filter you didn't \
         expect.\nRunning with --debug will show why files are being skipped.\n"
    );
    let out = run(&["--colors=match:style:", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "rg: error parsing flag --colors: unrecognized style attribute ''. Choose from: nobold, \
         bold, nointense, intense, nounderline, underline, noitalic, italic.\n"
    );
    // Under its own name, the workspace's form.
    let out = dir.run(&["--colors=match:style:", "x"]);
    assert!(
        text(&out.stderr).starts_with("error: invalid value for --colors: "),
        "{out:?}"
    );
}
