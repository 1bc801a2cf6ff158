//! The colour decision every tool shares (`workdist::color`), end to end on
//! a real terminal: `script(1)` runs the tool with a pseudo-terminal as its
//! standard output. Per no-color.org, `NO_COLOR` set to a non-empty value
//! turns colour off; set but empty, it counts as unset. ptail used to take
//! an empty `NO_COLOR` as set (issue 11).

mod util;

use std::process::Command;

use util::{Dir, run_bounded};

/// `args` run by the tool in `dir` on a pseudo-terminal, with `NO_COLOR`
/// unset or set to the given value; what the terminal showed.
fn on_a_tty(dir: &Dir, bin: &str, args: &[&str], no_color: Option<&str>) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let line = std::iter::once(bin)
        .chain(args.iter().copied())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        .env("HOME", dir.path())
        .env("TERM", "xterm");
    if let Some(v) = no_color {
        cmd.env("NO_COLOR", v);
    }
    let out = run_bounded(&mut cmd, None);
    assert!(
        out.status.success(),
        "script {line}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn check(dir: &Dir, bin: &str, args: &[&str]) {
    let coloured = |s: &str| s.contains("\x1b[");
    let unset = on_a_tty(dir, bin, args, None);
    let empty = on_a_tty(dir, bin, args, Some(""));
    let set = on_a_tty(dir, bin, args, Some("1"));
    assert!(
        coloured(&unset),
        "{bin}: no colour on a terminal: {unset:?}"
    );
    assert!(
        coloured(&empty),
        "{bin}: an empty NO_COLOR turned colour off: {empty:?}"
    );
    assert!(!coloured(&set), "{bin}: NO_COLOR=1 left colour on: {set:?}");
    // Not a terminal: never colour, whatever NO_COLOR says.
    let piped = run_bounded(
        Command::new(bin)
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", ""),
        None,
    );
    assert!(!coloured(&String::from_utf8_lossy(&piped.stdout)));
}

#[test]
fn an_empty_no_color_is_as_if_unset_in_every_tool() {
    let dir = Dir::ptail();
    dir.create("a.log", "hello\n");
    check(
        &dir,
        env!("CARGO_BIN_EXE_ptail"),
        &["--no-follow", "-n", "1", "a.log"],
    );
    check(&dir, env!("CARGO_BIN_EXE_pgrep-lite"), &["hello", "a.log"]);
}
