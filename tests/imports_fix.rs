//! End-to-end tests of `pimports --unused-deps --fix`, `--fix --dry-run`
//! and `--unused-deps --json`: what each form of manifest entry becomes,
//! what is never touched (manifests outside the paths, behind symbolic
//! links, that do not parse), a fixed fixture that still builds, and a
//! seeded oracle whose truth is its generator's.

mod util;

use std::collections::BTreeMap;
use std::path::Path;

use util::{Dir, Rng, seed_from_env};

fn read(dir: &Dir, path: &str) -> String {
    std::fs::read_to_string(dir.path().join(path)).expect("read")
}

/// One package at the top of the directory, with `lib` as src/lib.rs and
/// `test` as tests/it.rs.
fn package(manifest: &str, lib: &str, test: &str) -> Dir {
    let dir = Dir::pimports();
    dir.create("Cargo.toml", manifest);
    dir.create("src/lib.rs", lib);
    dir.create("tests/it.rs", test);
    dir
}

#[test]
fn comments_and_formatting_survive_a_fix() {
    let manifest = r#"# The package.
[package]
name = "p"   # odd spacing kept
edition = "2021"

[dependencies]   # header comment
# about used
used   =   "1"     # trailing on a kept entry
# about gone: goes with it
gone = "1" # and this
kept-too = { version = "1",features=["x"] }

# before [features], kept
[features]
default = []
# end of file
"#;
    let dir = package(manifest, "use used::A;\nuse kept_too::B;\n", "");
    util::set_mode(&dir.path().join("Cargo.toml"), 0o640);
    let out = dir.stdout(&["--fix"], 1);
    assert_eq!(
        out,
        "p (Cargo.toml)\n  unused normal dependency: gone\nfixed Cargo.toml: 1 removed, 0 moved to dev-dependencies\n"
    );
    assert_eq!(
        read(&dir, "Cargo.toml"),
        manifest.replace("# about gone: goes with it\ngone = \"1\" # and this\n", "")
    );
    // The file keeps its permissions, and no temporary file is left.
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(dir.path().join("Cargo.toml")).expect("meta");
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Cargo.toml", "src", "tests"]);
    assert_eq!(dir.stdout(&["--unused-deps"], 0), "");
}

#[test]
fn fix_with_json_prints_only_the_findings() {
    let manifest = "[package]\nname = \"p\"\nedition = \"2021\"\n[dependencies]\ngone = \"1\"\n";
    let dir = package(manifest, "", "");
    let out = dir.stdout(&["--fix", "--json"], 1);
    assert_eq!(
        out,
        "{\"manifest\":\"Cargo.toml\",\"line\":5,\"column\":1,\"package\":\"p\",\"dep\":\"gone\",\"package_name\":\"gone\",\"kind\":\"normal\",\"verdict\":\"unused\"}\n"
    );
    // The table the fix emptied goes too.
    assert_eq!(
        read(&dir, "Cargo.toml"),
        manifest.replace("[dependencies]\ngone = \"1\"\n", "")
    );
}

#[test]
fn target_renamed_workspace_and_table_forms_are_removed() {
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\"]\n\n[workspace.dependencies]\nshared = \"1\"\nused = \"1\"\n",
    );
    dir.create(
        "app/Cargo.toml",
        r#"[package]
name = "app"
edition = "2021"

[dependencies]
used = { workspace = true }
shared.workspace = true
alias = { package = "real-name", version = "1" }
dotted.version = "1"
dotted.default-features = false

[dependencies.tabled]
version = "1"
features = ["a"]

[target.'cfg(unix)'.dependencies]
unix-only = "1"
used-on-unix = "1"

[target.'cfg(any())'.dependencies]
dotted = "1"

# A commented header stays, even with its table emptied.
[build-dependencies]
cc = "1"
"#,
    );
    dir.create("app/src/lib.rs", "use used::X;\nuse used_on_unix::Y;\n");
    let out = dir.stdout(&["--fix"], 1);
    assert_eq!(
        out,
        "app (app/Cargo.toml)\n  \
         unused normal dependency: alias\n  \
         unused normal dependency: dotted\n  \
         unused normal dependency: shared\n  \
         unused normal dependency: tabled\n  \
         unused normal dependency: unix-only\n  \
         unused build dependency: cc\n\
         workspace (Cargo.toml)\n  \
         unused workspace dependency: shared (no used member entry inherits it)\n\
         fixed Cargo.toml: 1 removed, 0 moved to dev-dependencies\n\
         fixed app/Cargo.toml: 6 removed, 0 moved to dev-dependencies\n"
    );
    assert_eq!(
        read(&dir, "app/Cargo.toml"),
        r#"[package]
name = "app"
edition = "2021"

[dependencies]
used = { workspace = true }

[target.'cfg(unix)'.dependencies]
used-on-unix = "1"

[target.'cfg(any())'.dependencies]
dotted = "1"

# A commented header stays, even with its table emptied.
[build-dependencies]
"#
    );
    assert_eq!(
        read(&dir, "Cargo.toml"),
        "[workspace]\nmembers = [\"app\"]\n\n[workspace.dependencies]\nused = \"1\"\n"
    );
    assert_eq!(dir.stdout(&["--unused-deps"], 0), "");
}

#[test]
fn features_that_only_enabled_a_removed_dependency_are_cleaned() {
    let manifest = r#"[package]
name = "p"
edition = "2021"

[dependencies]
via-dep = { version = "1", optional = true }
implicit = { version = "1", optional = true }
stand-in = { version = "1", optional = true }
used = { version = "1", optional = true }

[features]
default = ["std", "implicit"]
std = ["used?/std"]
a = ["dep:via-dep"]
b = ["implicit", "used"]
stand-in = ["dep:stand-in"]
c = ["stand-in", "a"]
"#;
    let dir = package(manifest, "use used::X;\n", "");
    dir.stdout(&["--fix"], 1);
    assert_eq!(
        read(&dir, "Cargo.toml"),
        r#"[package]
name = "p"
edition = "2021"

[dependencies]
used = { version = "1", optional = true }

[features]
default = ["std"]
std = ["used?/std"]
a = []
b = ["used"]
c = ["a"]
"#
    );
    assert_eq!(dir.stdout(&["--unused-deps"], 0), "");
}

#[test]
fn misplaced_dependency_moves_to_dev_dependencies_without_optional() {
    let manifest = r#"[package]
name = "p"
edition = "2021"

[dependencies]
lib-dep = "1"
test-only = { version = "1", optional = true, features = ["x"] }

[target.'cfg(unix)'.dependencies.unix-test]
version = "2"

[dev-dependencies]
other = "1"

[features]
t = ["dep:test-only"]
"#;
    let dir = package(
        manifest,
        "use lib_dep::X;\n",
        "use test_only::Y;\nuse unix_test::Z;\nuse other::W;\n",
    );
    let out = dir.stdout(&["--fix"], 1);
    assert!(
        out.ends_with("fixed Cargo.toml: 0 removed, 2 moved to dev-dependencies\n"),
        "{out}"
    );
    assert_eq!(
        read(&dir, "Cargo.toml"),
        r#"[package]
name = "p"
edition = "2021"

[dependencies]
lib-dep = "1"

[target.'cfg(unix)'.dev-dependencies]
unix-test = { version = "2" }

[dev-dependencies]
other = "1"
test-only = { version = "1", features = ["x"] }

[features]
t = []
"#
    );
    assert_eq!(dir.stdout(&["--unused-deps"], 0), "");
}

#[test]
fn workspace_dependencies_are_judged_only_with_the_whole_workspace_in_sight() {
    let dir = Dir::pimports();
    let root = "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.dependencies]\n# inherited\nserde = \"1\"\n# nobody's\norphan = { version = \"1\", package = \"orphan-pkg\" }\n";
    dir.create("Cargo.toml", root);
    // The member sits in an ignored directory: the walk skips it, Cargo
    // (and the glob) does not; its inheritance still counts.
    dir.create(".git/HEAD", "ref: refs/heads/main\n");
    dir.create(".gitignore", "crates/hidden/\n");
    dir.create(
        "crates/hidden/Cargo.toml",
        "[package]\nname = \"hidden\"\nedition = \"2021\"\n[dependencies]\nserde.workspace = true\n",
    );
    dir.create("crates/hidden/src/lib.rs", "use serde::X;\n");
    dir.create(
        "crates/app/Cargo.toml",
        "[package]\nname = \"app\"\nedition = \"2021\"\n",
    );
    dir.create("crates/app/src/lib.rs", "");
    // Only part of the workspace: no verdict on its root's entries.
    assert_eq!(dir.stdout(&["--unused-deps", "crates/app"], 0), "");
    let json = dir.stdout(&["--unused-deps", "--json"], 1);
    assert_eq!(
        json,
        "{\"manifest\":\"Cargo.toml\",\"line\":8,\"column\":1,\"package\":null,\"dep\":\"orphan\",\"package_name\":\"orphan-pkg\",\"kind\":\"workspace\",\"verdict\":\"unused\"}\n"
    );
    dir.stdout(&["--fix"], 1);
    assert_eq!(
        read(&dir, "Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.dependencies]\n# inherited\nserde = \"1\"\n"
    );
    assert_eq!(dir.stdout(&["--unused-deps"], 0), "");
}

/// Apply a unified diff to a directory, as `patch -p1` would (written here
/// so the test needs no outside tool).
fn apply_diff(root: &Path, diff: &str) {
    let mut lines = diff.lines().peekable();
    while let Some(l) = lines.next() {
        let Some(from) = l.strip_prefix("--- a/") else {
            panic!("expected a file header, got {l:?}");
        };
        assert!(lines.next().is_some_and(|l| l == format!("+++ b/{from}")));
        let path = root.join(from);
        let old = std::fs::read_to_string(&path).expect("read");
        let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
        let mut out = String::new();
        let mut pos = 0;
        while lines.peek().is_some_and(|l| l.starts_with("@@ -")) {
            let h = lines.next().expect("hunk");
            let old_range = h[4..].split(' ').next().expect("range");
            let mut parts = old_range.split(',');
            let start: usize = parts.next().and_then(|s| s.parse().ok()).expect("start");
            let len: usize = parts.next().map_or(1, |s| s.parse().expect("len"));
            let first = if len == 0 { start } else { start - 1 };
            while pos < first {
                out.push_str(old_lines[pos]);
                pos += 1;
            }
            let mut last = b' ';
            while let Some(l) = lines.peek().copied() {
                if l.starts_with("@@") || l.starts_with("--- ") {
                    break;
                }
                lines.next();
                let op = l.as_bytes().first().copied();
                if op != Some(b'\\') {
                    last = op.unwrap_or(b' ');
                }
                match op {
                    Some(b' ') => {
                        assert_eq!(old_lines[pos].trim_end_matches('\n'), &l[1..]);
                        out.push_str(old_lines[pos]);
                        pos += 1;
                    }
                    Some(b'-') => {
                        assert_eq!(old_lines[pos].trim_end_matches('\n'), &l[1..]);
                        pos += 1;
                    }
                    Some(b'+') => {
                        out.push_str(&l[1..]);
                        out.push('\n');
                    }
                    // The line before has no newline: in the output only
                    // if it was kept or added.
                    Some(b'\\') if last != b'-' => {
                        out.pop();
                    }
                    Some(b'\\') => {}
                    _ => panic!("bad diff line {l:?}"),
                }
            }
        }
        out.extend(old_lines[pos..].iter().copied());
        std::fs::write(&path, out).expect("write");
    }
}

#[test]
fn dry_run_prints_a_diff_that_applies_and_writes_nothing() {
    let manifest = "[package]\nname = \"p\"\nedition = \"2021\"\n\n[dependencies]\na = \"1\"\nb = \"1\"\nc = \"1\"\nd = \"1\"\ne = \"1\"\nf = \"1\"\ng = \"1\"\nh = \"1\"\ni = \"1\"\n\n[dev-dependencies]\nz = \"1\"";
    let lib = "use a::X;\nuse c::X;\nuse d::X;\nuse e::X;\nuse f::X;\nuse g::X;\nuse h::X;\n";
    let dir = package(manifest, lib, "use i::X;\nuse z::X;\n");
    // Six unchanged lines between two changes: one hunk (as diff -u).
    let out = dir.stdout(&["--fix", "--dry-run"], 1);
    assert_eq!(
        out,
        "--- a/Cargo.toml\n+++ b/Cargo.toml\n\
         @@ -4,14 +4,13 @@\n \n [dependencies]\n a = \"1\"\n-b = \"1\"\n c = \"1\"\n d = \"1\"\n e = \"1\"\n f = \"1\"\n g = \"1\"\n h = \"1\"\n-i = \"1\"\n \n [dev-dependencies]\n\
         -z = \"1\"\n\\ No newline at end of file\n+z = \"1\"\n+i = \"1\"\n"
    );
    assert_eq!(read(&dir, "Cargo.toml"), manifest, "--dry-run wrote");
    // The diff is exactly what --fix writes.
    let copy = Dir::pimports();
    copy.create("Cargo.toml", manifest);
    apply_diff(copy.path(), &out);
    dir.stdout(&["--fix"], 1);
    assert_eq!(read(&copy, "Cargo.toml"), read(&dir, "Cargo.toml"));
}

#[test]
fn unparsable_manifest_is_reported_with_its_line_and_left_untouched() {
    let dir = Dir::pimports();
    let broken =
        "[package]\nname = \"broken\"\n\n[dependencies]\nx = { version = \"1\"\nunused = \"1\"\n";
    dir.create("broken/Cargo.toml", broken);
    dir.create("broken/src/lib.rs", "");
    dir.create(
        "fine/Cargo.toml",
        "[package]\nname = \"fine\"\nedition = \"2021\"\n[dependencies]\nunused = \"1\"\n",
    );
    dir.create("fine/src/lib.rs", "");
    let out = dir.run(&["--fix"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = util::text(&out.stderr);
    assert!(
        stderr.contains("broken/Cargo.toml:6:1: not valid TOML: "),
        "{stderr}"
    );
    // Its package is not judged; the others are fixed.
    assert_eq!(
        util::text(&out.stdout),
        "fine (fine/Cargo.toml)\n  unused normal dependency: unused\nfixed fine/Cargo.toml: 1 removed, 0 moved to dev-dependencies\n"
    );
    assert_eq!(read(&dir, "broken/Cargo.toml"), broken);
}

#[test]
fn manifest_outside_the_paths_is_never_touched() {
    // Given only `app/src`, app's manifest (found above the path) is out
    // of bounds for --fix whatever the analysis says of it.
    let manifest =
        "[package]\nname = \"app\"\nedition = \"2021\"\n[dependencies]\nunused = \"1\"\n";
    let dir = Dir::pimports();
    dir.create("app/Cargo.toml", manifest);
    dir.create("app/src/lib.rs", "");
    let out = dir.run(&["--fix", "app/src"]);
    assert!(
        !util::text(&out.stdout).contains("fixed"),
        "{}",
        util::text(&out.stdout)
    );
    assert_eq!(read(&dir, "app/Cargo.toml"), manifest);
}

#[test]
fn symlinked_manifest_is_not_followed() {
    let dir = Dir::pimports();
    let outside = util::temp_dir();
    let manifest =
        "[package]\nname = \"app\"\nedition = \"2021\"\n[dependencies]\nunused = \"1\"\n";
    std::fs::write(outside.path().join("Cargo.toml"), manifest).expect("write");
    std::fs::create_dir_all(outside.path().join("pkg/src")).expect("mkdir");
    std::fs::write(
        outside.path().join("pkg/Cargo.toml"),
        manifest.replace("app", "pkg"),
    )
    .expect("write");
    std::fs::write(outside.path().join("pkg/src/lib.rs"), "").expect("write");
    // A manifest that is a link, and a member directory that is one.
    dir.create(
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\", \"linked\"]\n",
    );
    dir.create("app/src/lib.rs", "");
    std::os::unix::fs::symlink(
        outside.path().join("Cargo.toml"),
        dir.path().join("app/Cargo.toml"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(outside.path().join("pkg"), dir.path().join("linked"))
        .expect("symlink");
    let stderr = dir.stderr(&["--fix"], 2);
    assert!(
        stderr.contains("app/Cargo.toml: not fixed: is a symbolic link")
            && stderr.contains("linked/Cargo.toml: not fixed: ")
            && stderr.contains("linked is a symbolic link"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(outside.path().join("Cargo.toml")).expect("read"),
        manifest
    );
    assert_eq!(
        std::fs::read_to_string(outside.path().join("pkg/Cargo.toml")).expect("read"),
        manifest.replace("app", "pkg")
    );
    assert!(
        std::fs::symlink_metadata(dir.path().join("app/Cargo.toml"))
            .expect("meta")
            .file_type()
            .is_symlink()
    );
}

#[test]
fn json_findings_point_at_the_entry() {
    let manifest = "[package]\nname = \"p\"\nedition = \"2021\"\n\n[dependencies]\n  spaced = \"1\"\nren = { package = \"real\", version = \"1\" }\ntests-only = \"1\"\n\n[dependencies.tabled]\nversion = \"1\"\n\n[target.'cfg(unix)'.build-dependencies]\n\"quoted\" = \"1\"\n";
    let dir = package(manifest, "", "use tests_only::X;\n");
    let out = dir.stdout(&["--unused-deps", "--json"], 1);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let mut got: Vec<(String, u64, u64, String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["manifest"].as_str().expect("m").to_string(),
                r["line"].as_u64().expect("line"),
                r["column"].as_u64().expect("col"),
                r["dep"].as_str().expect("dep").to_string(),
                r["package_name"].as_str().expect("pn").to_string(),
                r["kind"].as_str().expect("kind").to_string(),
                r["verdict"].as_str().expect("verdict").to_string(),
            )
        })
        .collect();
    got.sort_by_key(|r| r.1);
    let row = |l, c, dep: &str, pn: &str, kind: &str, v: &str| {
        (
            "Cargo.toml".to_string(),
            l,
            c,
            dep.to_string(),
            pn.to_string(),
            kind.to_string(),
            v.to_string(),
        )
    };
    assert_eq!(
        got,
        vec![
            row(6, 3, "spaced", "spaced", "normal", "unused"),
            row(7, 1, "ren", "real", "normal", "unused"),
            row(8, 1, "tests-only", "tests-only", "normal", "misplaced"),
            row(10, 15, "tabled", "tabled", "normal", "unused"),
            row(14, 1, "quoted", "quoted", "build", "unused"),
        ]
    );
    assert!(rows.iter().all(|r| r["package"] == "p"));
    // The positions are where the keys are, checked on the text.
    let lines: Vec<&str> = manifest.lines().collect();
    for (_, l, c, dep, ..) in &got {
        let line = lines[*l as usize - 1];
        let at: String = line.chars().skip(*c as usize - 1).collect();
        assert!(
            at.trim_start_matches('"').starts_with(dep.as_str()),
            "{dep} at {l}:{c}: {line}"
        );
    }
}

/// A workspace of path dependencies only (builds offline in seconds):
/// after `--fix`, `cargo check --all-targets --offline` still succeeds and
/// pimports finds nothing.
#[test]
fn fixed_fixture_still_builds_offline() {
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        r#"[workspace]
members = ["app", "libs/*"]
resolver = "2"

[workspace.dependencies]
used = { path = "libs/used" }
unused-ws = { path = "libs/unused-ws" }
nobody = { path = "libs/nobody" }
"#,
    );
    dir.create(
        "app/Cargo.toml",
        r#"[package]
name = "app"
version = "0.1.0"
edition = "2021"

[dependencies]
used = { workspace = true }
unused-ws.workspace = true # goes, and the workspace entry with it
# renamed, unused
alias = { package = "renamed", path = "../libs/renamed" }
opt = { path = "../libs/opt", optional = true }
test-only = { path = "../libs/test-only" }

[dependencies.tabled]
path = "../libs/tabled"

[target.'cfg(unix)'.dependencies]
unix-dep = { path = "../libs/unix-dep" }

[build-dependencies]
build-dep = { path = "../libs/build-dep" }

[features]
extra = ["dep:opt"]
"#,
    );
    dir.create(
        "app/src/lib.rs",
        "pub fn f() -> u32 {\n    used::value()\n}\n",
    );
    dir.create(
        "app/tests/it.rs",
        "#[test]\nfn t() {\n    assert_eq!(test_only::value(), app::f());\n}\n",
    );
    for lib in [
        "used",
        "unused-ws",
        "nobody",
        "renamed",
        "opt",
        "test-only",
        "tabled",
        "unix-dep",
        "build-dep",
    ] {
        dir.create(
            &format!("libs/{lib}/Cargo.toml"),
            &format!("[package]\nname = \"{lib}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        dir.create(
            &format!("libs/{lib}/src/lib.rs"),
            "pub fn value() -> u32 {\n    1\n}\n",
        );
    }
    // Part of the workspace (the root manifest given as a file does not
    // bring its directory into sight): the root's entries are not judged.
    let out = dir.stdout(&["--fix", "app", "Cargo.toml"], 1);
    assert!(!out.contains("workspace dependency"), "{out}");
    assert!(
        out.contains("fixed app/Cargo.toml: 6 removed, 1 moved"),
        "{out}"
    );
    // The whole workspace: `unused-ws` is now inherited by nobody.
    let out = dir.stdout(&["--fix"], 1);
    assert_eq!(
        out,
        "workspace (Cargo.toml)\n  \
         unused workspace dependency: nobody (no used member entry inherits it)\n  \
         unused workspace dependency: unused-ws (no used member entry inherits it)\n\
         fixed Cargo.toml: 2 removed, 0 moved to dev-dependencies\n"
    );
    assert_eq!(
        read(&dir, "app/Cargo.toml"),
        r#"[package]
name = "app"
version = "0.1.0"
edition = "2021"

[dependencies]
used = { workspace = true }

[features]
extra = []

[dev-dependencies]
test-only = { path = "../libs/test-only" }
"#
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = dir.command_for(Path::new(&cargo));
    cmd.args(["check", "--all-targets", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", dir.path().join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET_DIR");
    let built = util::run_bounded(&mut cmd, None);
    assert!(
        built.status.success(),
        "cargo check after --fix:\n{}",
        util::text(&built.stderr)
    );
    assert_eq!(dir.stdout(&["--unused-deps"], 0), "");
}

// ---------------------------------------------------------------------
// The oracle: seeded random manifests whose generator knows which
// dependencies are unused or misplaced; the fixed manifest is read back
// with the `toml` crate (not toml_edit, which the fix uses) and compared
// with what the generator expects.

const KEYS: &[&str] = &[
    "alpha", "beta-x", "gamma_y", "delta", "eps-lon", "zeta", "eta-core", "theta", "iota",
    "kappa-b",
];
const CFGS: &[&str] = &["cfg(unix)", "cfg(windows)", "cfg(target_os = \"linux\")"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Normal,
    Dev,
    Build,
}

/// Where code names a dependency.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Usage {
    Nowhere,
    /// src/lib.rs (build.rs for a build dependency).
    Code,
    /// tests/it.rs only.
    Tests,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Form {
    Plain,
    Inline,
    Dotted,
    Header,
}

/// Who a comment belongs to: it goes when its owner goes.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Owner {
    Nobody,
    Dep(String),
    Ws(String),
    /// A feature named like an optional dependency, enabling only it.
    StandIn(String),
}

struct GenDep {
    key: String,
    kind: Kind,
    usage: Usage,
    renamed: bool,
    optional: bool,
    workspace: bool,
    features: bool,
    /// The tables it is in: `None` the top-level one, else a target cfg.
    tables: Vec<(Option<&'static str>, Form)>,
    /// Also pinned under `cfg(any())` (never built; must stay).
    pin: bool,
}

impl GenDep {
    fn removed(&self) -> bool {
        self.usage == Usage::Nowhere
    }
    fn moved(&self) -> bool {
        self.kind == Kind::Normal && self.usage == Usage::Tests
    }
    fn code(&self) -> String {
        self.key.replace('-', "_")
    }
}

/// A line of the manifest and whose it is.
struct Line {
    text: String,
}

struct Manifest {
    /// Sections after `[package]`: each a list of lines, shuffled.
    sections: Vec<Vec<Line>>,
    comments: Vec<(String, Owner)>,
    next_comment: usize,
}

impl Manifest {
    fn comment(&mut self, rng: &mut Rng, owner: &Owner) -> String {
        self.next_comment += 1;
        let c = format!(
            "# c{}{}",
            self.next_comment,
            if rng.chance(30) { " (x = 1)" } else { "" }
        );
        self.comments.push((c.clone(), owner.clone()));
        c
    }

    /// Lines with comments sprinkled in: before a line (owned as the line
    /// is) and at its end.
    fn push(&mut self, rng: &mut Rng, section: Vec<(String, Owner)>) {
        let mut out = Vec::new();
        for (text, owner) in section {
            if rng.chance(10) {
                out.push(Line {
                    text: String::new(),
                });
            }
            if rng.chance(25) {
                let c = self.comment(rng, &owner);
                out.push(Line { text: c });
            }
            let text = if rng.chance(20) {
                let c = self.comment(rng, &owner);
                format!("{text} {c}")
            } else {
                text
            };
            out.push(Line { text });
        }
        self.sections.push(out);
    }
}

fn table_name(kind: Kind, dev_underscore: bool) -> &'static str {
    match kind {
        Kind::Normal => "dependencies",
        Kind::Dev if dev_underscore => "dev_dependencies",
        Kind::Dev => "dev-dependencies",
        Kind::Build => "build-dependencies",
    }
}

fn quote_key(rng: &mut Rng, key: &str) -> String {
    if rng.chance(15) {
        format!("\"{key}\"")
    } else {
        key.to_string()
    }
}

fn eq(rng: &mut Rng) -> &'static str {
    [" = ", "=", "  =  ", " = "][rng.below(4)]
}

/// The fields of a dependency's spec, in order.
fn fields(d: &GenDep, version: usize) -> Vec<(String, String)> {
    let mut f = Vec::new();
    if d.workspace {
        f.push(("workspace".into(), "true".into()));
    } else {
        f.push(("version".into(), format!("\"1.{version}\"")));
        if d.renamed {
            f.push(("package".into(), format!("\"pkg-{}\"", d.key)));
        }
    }
    if d.optional {
        f.push(("optional".into(), "true".into()));
    }
    if d.features {
        f.push(("features".into(), "[\"a\", \"b\"]".into()));
    }
    f
}

struct Generated {
    text: String,
    lib: String,
    test: String,
    build: String,
    deps: Vec<GenDep>,
    /// `[workspace.dependencies]` keys and whether they must go.
    ws: Vec<(String, bool)>,
    comments: Vec<(String, Owner)>,
    /// A second member (`m2`), its manifest and library: it inherits some
    /// workspace dependencies and uses them, so they stay whatever the
    /// root package does with its own entries.
    member: Option<(String, String)>,
}

fn generate(seed: u64) -> Generated {
    let mut rng = Rng::new(seed);
    let mut keys: Vec<&str> = KEYS.to_vec();
    let n = 2 + rng.below(7);
    let mut deps = Vec::new();
    for _ in 0..n {
        let key = keys.remove(rng.below(keys.len())).to_string();
        let kind = *rng.pick(&[
            Kind::Normal,
            Kind::Normal,
            Kind::Normal,
            Kind::Dev,
            Kind::Build,
        ]);
        let usage = match kind {
            Kind::Normal => *rng.pick(&[Usage::Nowhere, Usage::Code, Usage::Code, Usage::Tests]),
            Kind::Dev => *rng.pick(&[Usage::Nowhere, Usage::Tests]),
            Kind::Build => *rng.pick(&[Usage::Nowhere, Usage::Code]),
        };
        let workspace = rng.chance(25);
        let renamed = rng.chance(25);
        let optional = kind == Kind::Normal && rng.chance(35);
        let features = rng.chance(20);
        let mut tables = Vec::new();
        let forms = [Form::Plain, Form::Inline, Form::Dotted, Form::Header];
        let simple = !(workspace || renamed || optional || features);
        let form = |rng: &mut Rng| {
            let f = forms[rng.below(4)];
            if f == Form::Plain && !simple {
                Form::Inline
            } else {
                f
            }
        };
        if rng.chance(75) {
            tables.push((None, form(&mut rng)));
        }
        if tables.is_empty() || rng.chance(20) {
            let cfg = CFGS[rng.below(CFGS.len())];
            tables.push((Some(cfg), form(&mut rng)));
        }
        deps.push(GenDep {
            key,
            kind,
            usage,
            renamed,
            optional,
            workspace,
            features,
            tables,
            pin: rng.chance(10),
        });
    }
    let dev_underscore = rng.chance(20);
    let mut m = Manifest {
        sections: Vec::new(),
        comments: Vec::new(),
        next_comment: 0,
    };

    // Dependency tables: (cfg, kind) -> inline entries; header entries.
    type Entries = Vec<(String, Owner)>;
    let mut tables: BTreeMap<(Option<&str>, u8), Entries> = BTreeMap::new();
    let mut headers: Vec<Vec<(String, Owner)>> = Vec::new();
    let kind_ix = |k: Kind| match k {
        Kind::Normal => 0u8,
        Kind::Dev => 1,
        Kind::Build => 2,
    };
    let prefix = |cfg: Option<&str>, kind: Kind| match cfg {
        None => table_name(kind, dev_underscore).to_string(),
        Some(c) => format!("target.'{c}'.{}", table_name(kind, dev_underscore)),
    };
    for (i, d) in deps.iter().enumerate() {
        let owner = Owner::Dep(d.key.clone());
        for &(cfg, form) in &d.tables {
            let f = fields(d, i);
            let key = quote_key(&mut rng, &d.key);
            match form {
                Form::Plain => {
                    let e = eq(&mut rng);
                    tables
                        .entry((cfg, kind_ix(d.kind)))
                        .or_default()
                        .push((format!("{key}{e}\"1.{i}\""), owner.clone()));
                }
                Form::Inline => {
                    let tight = rng.chance(30);
                    let body: Vec<String> = f
                        .iter()
                        .map(|(k, v)| {
                            if tight {
                                format!("{k}={v}")
                            } else {
                                format!("{k} = {v}")
                            }
                        })
                        .collect();
                    let e = eq(&mut rng);
                    let text = if tight {
                        format!("{key}{e}{{{}}}", body.join(","))
                    } else {
                        format!("{key}{e}{{ {} }}", body.join(", "))
                    };
                    tables
                        .entry((cfg, kind_ix(d.kind)))
                        .or_default()
                        .push((text, owner.clone()));
                }
                Form::Dotted => {
                    let t = tables.entry((cfg, kind_ix(d.kind))).or_default();
                    for (k, v) in &f {
                        t.push((format!("{key}.{k} = {v}"), owner.clone()));
                    }
                }
                Form::Header => {
                    let mut sec = vec![(format!("[{}.{key}]", prefix(cfg, d.kind)), owner.clone())];
                    for (k, v) in &f {
                        sec.push((format!("{k} = {v}"), owner.clone()));
                    }
                    headers.push(sec);
                }
            }
        }
    }
    for ((cfg, kind), entries) in tables {
        let kind = [Kind::Normal, Kind::Dev, Kind::Build][kind as usize];
        let mut sec = vec![(format!("[{}]", prefix(cfg, kind)), Owner::Nobody)];
        sec.extend(entries);
        m.push(&mut rng, sec);
    }
    for sec in headers {
        m.push(&mut rng, sec);
    }
    // Pins sit in the `cfg(any())` table of their dependency's kind.
    {
        for kind in [Kind::Normal, Kind::Dev, Kind::Build] {
            let sec: Vec<(String, Owner)> = deps
                .iter()
                .filter(|d| d.pin && d.kind == kind)
                .map(|d| (format!("{} = \"=1.0.0\"", d.key), Owner::Nobody))
                .collect();
            if !sec.is_empty() {
                let mut s = vec![(
                    format!("[target.'cfg(any())'.{}]", table_name(kind, dev_underscore)),
                    Owner::Nobody,
                )];
                s.extend(sec);
                m.push(&mut rng, s);
            }
        }
    }

    // [workspace.dependencies]: what members inherit, and some nobody does.
    let mut ws = Vec::new();
    let mut member_deps: Vec<(String, String)> = Vec::new();
    let mut ws_sec = vec![("[workspace.dependencies]".to_string(), Owner::Nobody)];
    for d in deps.iter().filter(|d| d.workspace) {
        let spec = if d.renamed {
            format!("{{ version = \"1\", package = \"pkg-{}\" }}", d.key)
        } else {
            "\"1\"".to_string()
        };
        ws_sec.push((format!("{} = {spec}", d.key), Owner::Ws(d.key.clone())));
        let shared = rng.chance(30);
        if shared {
            member_deps.push((d.key.clone(), d.code()));
        }
        ws.push((d.key.clone(), d.removed() && !shared));
    }
    for k in 0..rng.below(3) {
        let key = format!("ws-only-{k}");
        ws_sec.push((format!("{key} = \"1\""), Owner::Ws(key.clone())));
        ws.push((key, true));
    }
    if ws_sec.len() > 1 || rng.chance(50) {
        m.push(&mut rng, ws_sec);
    }

    // [features]: optional dependencies enabled in the three ways; each
    // value owned by the dependency it names.
    type Values = Vec<(String, Owner)>;
    let mut feats: Vec<(String, Values, Owner)> = Vec::new();
    let mut std_list: Values = Vec::new();
    let mut default: Values = Vec::new();
    let q = |v: &str| format!("\"{v}\"");
    for d in deps.iter().filter(|d| d.optional) {
        let k = &d.key;
        let own = Owner::Dep(k.clone());
        let extra = |rng: &mut Rng, vals: &mut Values| {
            if rng.chance(40) {
                let at = rng.below(vals.len() + 1);
                vals.insert(at, (q("use-x"), Owner::Nobody));
            }
        };
        match rng.below(3) {
            0 => {
                let mut vals = vec![(q(&format!("dep:{k}")), own.clone())];
                extra(&mut rng, &mut vals);
                feats.push((format!("use-{k}"), vals, Owner::Nobody));
            }
            1 => {
                let mut vals = vec![(q(k), own.clone())];
                extra(&mut rng, &mut vals);
                feats.push((format!("use-{k}"), vals, Owner::Nobody));
                default.push((q(k), own.clone()));
            }
            _ => {
                feats.push((
                    k.clone(),
                    vec![(q(&format!("dep:{k}")), own.clone())],
                    Owner::StandIn(k.clone()),
                ));
                let mut vals = vec![(q(k), own.clone()), (q("std"), Owner::Nobody)];
                if rng.chance(50) {
                    vals.swap(0, 1);
                }
                feats.push((format!("with-{k}"), vals, Owner::Nobody));
            }
        }
        // `k?/std` keeps a dependency whatever code does (it forwards a
        // feature): only on ones code uses anyway.
        if d.usage == Usage::Code {
            std_list.push((q(&format!("{k}?/std")), own.clone()));
        }
        if rng.chance(30) {
            default.push((q("use-x"), Owner::Nobody));
        }
    }
    if rng.chance(50) {
        default.push((q("std"), Owner::Nobody));
    }
    default.dedup_by(|a, b| a.0 == b.0);
    feats.push(("std".into(), std_list, Owner::Nobody));
    feats.push(("use-x".into(), Vec::new(), Owner::Nobody));
    feats.push(("default".into(), default, Owner::Nobody));
    let mut fsec = vec![("[features]".to_string(), Owner::Nobody)];
    for (name, vals, owner) in feats {
        // Single-line, or one value a line with comments of their own.
        let text = if vals.is_empty() || rng.chance(50) {
            let v: Vec<&str> = vals.iter().map(|v| v.0.as_str()).collect();
            format!("{name} = [{}]", v.join(", "))
        } else {
            let mut t = format!("{name} = [\n");
            for (v, o) in &vals {
                if rng.chance(40) {
                    let c = m.comment(&mut rng, o);
                    t.push_str(&format!("    {c}\n"));
                }
                t.push_str(&format!("    {v},\n"));
            }
            // Inside the array: it goes only if the feature does.
            if rng.chance(30) {
                let c = m.comment(&mut rng, &owner);
                t.push_str(&format!("    {c}\n"));
            }
            t.push(']');
            t
        };
        fsec.push((text, owner));
    }
    m.push(&mut rng, fsec);
    let member = (!member_deps.is_empty() || rng.chance(20)).then(|| {
        let mut manifest =
            String::from("[package]\nname = \"m2\"\nedition = \"2021\"\n\n[dependencies]\n");
        let mut lib = String::new();
        for (key, code) in &member_deps {
            if rng.chance(50) {
                manifest.push_str(&format!("{key} = {{ workspace = true }}\n"));
            } else {
                manifest.push_str(&format!("{key}.workspace = true\n"));
            }
            lib.push_str(&format!("use {code}::Thing;\n"));
        }
        (manifest, lib)
    });
    let mut ws_head = vec![("[workspace]".to_string(), Owner::Nobody)];
    if member.is_some() {
        ws_head.push(("members = [\"m2\"]".to_string(), Owner::Nobody));
    }
    m.push(&mut rng, ws_head);
    // Shuffle the sections (TOML does not mind the order of tables).
    for i in (1..m.sections.len()).rev() {
        let j = rng.below(i + 1);
        m.sections.swap(i, j);
    }
    let mut text = String::from("[package]\nname = \"gen\"\nedition = \"2021\"\n");
    for sec in &m.sections {
        if rng.chance(60) {
            text.push('\n');
        }
        for l in sec {
            text.push_str(&l.text);
            text.push('\n');
        }
    }
    if rng.chance(30) {
        let c = m.comment(&mut rng, &Owner::Nobody);
        text.push_str(&c);
        text.push('\n');
    }

    let uses = |pred: &dyn Fn(&GenDep) -> bool| -> String {
        deps.iter()
            .filter(|d| pred(d))
            .map(|d| format!("use {}::Thing;\n", d.code()))
            .collect()
    };
    let mut lib = uses(&|d| d.kind == Kind::Normal && d.usage == Usage::Code);
    // Decoys: an unused dependency named in a comment and a string.
    for d in deps.iter().filter(|d| d.removed()) {
        lib.push_str(&format!(
            "// use {}::Thing;\npub const S: &str = \"{}::x\";\n",
            d.code(),
            d.code()
        ));
    }
    let test = uses(&|d| d.usage == Usage::Tests);
    let build = uses(&|d| d.kind == Kind::Build && d.usage == Usage::Code) + "fn main() {}\n";
    Generated {
        text,
        lib,
        test,
        build,
        deps,
        ws,
        comments: m.comments,
        member,
    }
}

/// The dependency tables of `kind` (both spellings), top-level and per
/// target (`cfg(any())` aside), as (parent path, name).
fn oracle_tables(t: &toml::Table, kind: Kind) -> Vec<(Vec<String>, String)> {
    let names: &[&str] = match kind {
        Kind::Normal => &["dependencies"],
        Kind::Dev => &["dev-dependencies", "dev_dependencies"],
        Kind::Build => &["build-dependencies", "build_dependencies"],
    };
    let mut out = Vec::new();
    for n in names {
        if t.get(*n).is_some_and(toml::Value::is_table) {
            out.push((vec![], n.to_string()));
        }
        for (cfg, tt) in t
            .get("target")
            .and_then(|v| v.as_table())
            .into_iter()
            .flatten()
        {
            let never: String = cfg.chars().filter(|c| !c.is_whitespace()).collect();
            if never != "cfg(any())" && tt.get(*n).is_some_and(toml::Value::is_table) {
                out.push((vec!["target".into(), cfg.clone()], n.to_string()));
            }
        }
    }
    out
}

fn at<'a>(t: &'a mut toml::Table, path: &[String]) -> &'a mut toml::Table {
    let mut cur = t;
    for seg in path {
        cur = cur
            .get_mut(seg)
            .and_then(|v| v.as_table_mut())
            .expect("path exists");
    }
    cur
}

/// What the fixed manifest must hold, from the one before and the
/// generator's knowledge.
fn expected(before: &toml::Table, g: &Generated) -> toml::Table {
    let mut t = before.clone();
    let mut gone: Vec<(&str, bool)> = Vec::new();
    for d in &g.deps {
        let kind = d.kind;
        if d.removed() {
            for (parent, name) in oracle_tables(&t, kind) {
                if let Some(tab) = at(&mut t, &parent)
                    .get_mut(&name)
                    .and_then(|v| v.as_table_mut())
                {
                    tab.remove(&d.key);
                }
            }
            if kind != Kind::Dev {
                gone.push((&d.key, d.optional));
            }
        } else if d.moved() {
            for (parent, name) in oracle_tables(&t, Kind::Normal) {
                let p = at(&mut t, &parent);
                let Some(mut spec) = p
                    .get_mut(&name)
                    .and_then(|v| v.as_table_mut())
                    .and_then(|tab| tab.remove(&d.key))
                else {
                    continue;
                };
                if let Some(s) = spec.as_table_mut() {
                    s.remove("optional");
                }
                let dev =
                    if p.contains_key("dev_dependencies") && !p.contains_key("dev-dependencies") {
                        "dev_dependencies"
                    } else {
                        "dev-dependencies"
                    };
                let devt = p
                    .entry(dev)
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                if let Some(devt) = devt.as_table_mut() {
                    devt.entry(d.key.clone()).or_insert(spec);
                }
            }
            gone.push((&d.key, d.optional));
        }
    }
    // [features]: references to what went.
    for (key, optional) in gone {
        let Some(f) = t.get_mut("features").and_then(|v| v.as_table_mut()) else {
            continue;
        };
        let all: Vec<String> = f
            .values()
            .filter_map(|v| v.as_array())
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let explicit = f.contains_key(key);
        let implicit = optional && !explicit && !all.iter().any(|v| *v == format!("dep:{key}"));
        let refers = |v: &str| {
            v == format!("dep:{key}")
                || v.starts_with(&format!("{key}/"))
                || v.starts_with(&format!("{key}?/"))
                || (implicit && v == key)
        };
        let mut stand_in = false;
        for (name, v) in f.iter_mut() {
            if let Some(a) = v.as_array_mut() {
                let before = a.len();
                a.retain(|x| x.as_str().is_none_or(|s| !refers(s)));
                stand_in |= name == key && before > 0 && a.is_empty();
            }
        }
        if stand_in {
            f.remove(key);
            for (_, v) in f.iter_mut() {
                if let Some(a) = v.as_array_mut() {
                    a.retain(|x| x.as_str() != Some(key));
                }
            }
        }
    }
    for (key, goes) in &g.ws {
        if *goes
            && let Some(w) = t
                .get_mut("workspace")
                .and_then(|v| v.get_mut("dependencies"))
                .and_then(|v| v.as_table_mut())
        {
            w.remove(key);
        }
    }
    normalize(t)
}

/// Empty dependency tables (and emptied targets) are no difference.
fn normalize(mut t: toml::Table) -> toml::Table {
    fn prune(t: &mut toml::Table) {
        for name in [
            "dependencies",
            "dev-dependencies",
            "dev_dependencies",
            "build-dependencies",
            "build_dependencies",
        ] {
            if t.get(name)
                .and_then(|v| v.as_table())
                .is_some_and(|x| x.is_empty())
            {
                t.remove(name);
            }
        }
    }
    prune(&mut t);
    if let Some(targets) = t.get_mut("target").and_then(|v| v.as_table_mut()) {
        for (_, tt) in targets.iter_mut() {
            if let Some(tt) = tt.as_table_mut() {
                prune(tt);
            }
        }
        targets.retain(|_, v| v.as_table().is_none_or(|x| !x.is_empty()));
    }
    if t.get("target")
        .and_then(|v| v.as_table())
        .is_some_and(|x| x.is_empty())
    {
        t.remove("target");
    }
    t
}

fn oracle_case(seed: u64) -> Result<(), String> {
    let g = generate(seed);
    let dir = package(&g.text, &g.lib, &g.test);
    dir.create("build.rs", &g.build);
    if let Some((manifest, lib)) = &g.member {
        dir.create("m2/Cargo.toml", manifest);
        dir.create("m2/src/lib.rs", lib);
    }
    let changes = g.deps.iter().any(|d| d.removed() || d.moved()) || g.ws.iter().any(|w| w.1);
    let want_code = if changes { 1 } else { 0 };
    let ctx = |what: &str, out: &std::process::Output| {
        format!(
            "{what}\nmanifest:\n{}\nstdout:\n{}\nstderr:\n{}",
            g.text,
            util::text(&out.stdout),
            util::text(&out.stderr)
        )
    };

    // --dry-run: nothing written; its diff is what --fix writes.
    let out = dir.run(&["--fix", "--dry-run"]);
    if out.status.code() != Some(want_code) {
        return Err(ctx(
            &format!("--dry-run exit {:?}, want {want_code}", out.status.code()),
            &out,
        ));
    }
    if read(&dir, "Cargo.toml") != g.text {
        return Err(ctx("--dry-run wrote the manifest", &out));
    }
    let copy = Dir::pimports();
    copy.create("Cargo.toml", &g.text);
    apply_diff(copy.path(), &util::text(&out.stdout));

    let out = dir.run(&["--unused-deps", "--fix"]);
    if out.status.code() != Some(want_code) {
        return Err(ctx(
            &format!("--fix exit {:?}, want {want_code}", out.status.code()),
            &out,
        ));
    }
    let after = read(&dir, "Cargo.toml");
    if after != read(&copy, "Cargo.toml") {
        return Err(ctx(
            &format!("the diff and the fix differ; fixed:\n{after}"),
            &out,
        ));
    }
    let before: toml::Table = g
        .text
        .parse()
        .map_err(|e| format!("generator wrote bad TOML: {e}\n{}", g.text))?;
    let parsed: toml::Table = after.parse().map_err(|e| {
        ctx(
            &format!("fixed manifest does not parse: {e}\n{after}"),
            &out,
        )
    })?;
    let want = expected(&before, &g);
    let got = normalize(parsed);
    if got != want {
        return Err(ctx(
            &format!(
                "fixed manifest differs\nfixed:\n{after}\nwant (semantically):\n{}\ngot:\n{}",
                toml::to_string(&want).unwrap_or_default(),
                toml::to_string(&got).unwrap_or_default()
            ),
            &out,
        ));
    }
    // Comments: every one not on a removed entry is still there, and the
    // ones on removed entries went with them.
    let gone_dep = |k: &str| {
        g.deps
            .iter()
            .any(|d| d.key == k && (d.removed() || d.moved()))
    };
    for (c, owner) in &g.comments {
        let gone = match owner {
            Owner::Nobody => false,
            Owner::Dep(k) | Owner::StandIn(k) => gone_dep(k),
            Owner::Ws(k) => g.ws.iter().any(|(w, goes)| w == k && *goes),
        };
        let present = after.lines().any(|l| {
            l.contains(c.as_str()) && {
                // `# c1` must not match `# c10`.
                let rest = &l[l.find(c.as_str()).unwrap_or(0) + c.len()..];
                !rest.starts_with(|ch: char| ch.is_ascii_digit())
            }
        });
        if present == gone {
            return Err(ctx(
                &format!(
                    "comment {c:?} ({owner:?}) {}\nfixed:\n{after}",
                    if gone { "should have gone" } else { "lost" }
                ),
                &out,
            ));
        }
    }
    // A second run finds nothing.
    let out = dir.run(&["--unused-deps"]);
    if out.status.code() != Some(0) || !out.stdout.is_empty() {
        return Err(ctx(
            &format!("second run found something\nfixed:\n{after}"),
            &out,
        ));
    }
    if let Some((manifest, _)) = &g.member
        && read(&dir, "m2/Cargo.toml") != *manifest
    {
        return Err(format!(
            "m2's manifest changed:\n{}",
            read(&dir, "m2/Cargo.toml")
        ));
    }
    Ok(())
}

#[test]
fn oracle_fix_removes_exactly_what_the_generator_knows_is_unused() {
    let first = seed_from_env("PIMPORTS_FIX_SEED", 1_414);
    let iters = seed_from_env("PIMPORTS_FIX_ITERS", 60);
    for seed in first..first + iters {
        if let Err(e) = oracle_case(seed) {
            panic!("PIMPORTS_FIX_SEED={seed} PIMPORTS_FIX_ITERS=1: {e}");
        }
    }
}

#[test]
fn package_with_a_file_that_could_not_be_analysed_is_not_fixed() {
    // A dependency only that file uses would look unused: removing it
    // would break the build.
    let manifest =
        "[package]\nname = \"p\"\nedition = \"2021\"\n[dependencies]\nonly-in-deep = \"1\"\n";
    let dir = package(manifest, "mod deep;\n", "");
    let deep = format!(
        "fn f() -> u32 {{ {}only_in_deep::call(){} }}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    dir.create("src/deep.rs", &deep);
    let stderr = dir.stderr(&["--fix"], 2);
    assert!(
        stderr.contains("Cargo.toml: not fixed: src/deep.rs could not be analysed"),
        "{stderr}"
    );
    assert_eq!(read(&dir, "Cargo.toml"), manifest);
}

/// A dev-dependency that repeats a normal one with test features was
/// called unused (test code's uses resolve to the normal entry), and
/// `--fix` removed it, so the tests no longer built; and a misplaced normal
/// dependency whose key already had a dev entry was moved onto it, losing
/// its features (found in review).
#[test]
fn a_dev_dependency_beside_a_normal_one_is_kept_whole() {
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\npd = { path = \"pd\" }\nonly = { path = \"only\", features = [\"extra\"] }\n\n\
         [dev-dependencies]\npd = { path = \"pd\", features = [\"extra\"] }\nonly = { path = \"only\" }\n",
    );
    dir.create("src/lib.rs", "pub use pd as _p;\n");
    dir.create(
        "tests/t.rs",
        "#[test]\nfn t() { pd::extra_fn(); only::extra_fn(); }\n",
    );
    for p in ["pd", "only"] {
        dir.create(
            &format!("{p}/Cargo.toml"),
            &format!("[package]\nname = \"{p}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[features]\nextra = []\n"),
        );
        dir.create(
            &format!("{p}/src/lib.rs"),
            "#[cfg(feature = \"extra\")]\npub fn extra_fn() {}\n",
        );
    }
    let before = read(&dir, "Cargo.toml");
    assert_eq!(
        dir.stdout(&["--unused-deps", "."], 1),
        "app (Cargo.toml)\n  misplaced: only is a normal dependency used only from tests, benches or examples (make it a dev-dependency)\n"
    );
    dir.run(&["--fix", "."]);
    assert_eq!(read(&dir, "Cargo.toml"), before);
}

/// A manifest with CRLF line ends and a byte-order mark (a Windows
/// checkout) came back with LF ends and no BOM: every line changed (found
/// in review). Only the removed line may change.
#[test]
fn crlf_and_bom_survive_a_fix() {
    let dir = Dir::pimports();
    let manifest = "\u{feff}[package]\r\nname = \"app\"\r\nversion = \"0.1.0\"\r\nedition = \"2021\"\r\n\r\n[dependencies]\r\nused = { path = \"used\" }\r\ngone = \"1\"\r\n# keep me\r\n";
    dir.create("Cargo.toml", manifest);
    dir.create("src/lib.rs", "pub use used::X;\n");
    dir.create(
        "used/Cargo.toml",
        "[package]\nname = \"used\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    dir.create("used/src/lib.rs", "pub struct X;\n");
    dir.run(&["--fix", "."]);
    assert_eq!(
        read(&dir, "Cargo.toml"),
        manifest.replace("gone = \"1\"\r\n", "")
    );
}
