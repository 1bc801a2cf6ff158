//! End-to-end tests of pimports on a generated workspace that has every
//! kind of dependency the issue lists: renamed, hyphenated, library name
//! that differs, build-only, dev-only, feature-only, derive-only,
//! macro-only, and a local module that shadows a crate's name.

mod util;

use util::Dir;

fn workspace() -> Dir {
    let dir = Dir::pimports();
    dir.create(".git/HEAD", "ref: refs/heads/main\n");
    dir.create(".gitignore", "target/\n");
    dir.create("target/debug/build/junk.rs", "use ignored::Thing;\n");
    dir.create(
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\", \"util\"]\n\n[workspace.dependencies]\nserde = \"1\"\n",
    );
    dir.create(
        "app/Cargo.toml",
        r#"[package]
name = "app"
edition = "2021"

[dependencies]
serde = { workspace = true }
random = { package = "rand", version = "0.8" }
foo-bar = "1"
my-util = { path = "../util" }
lazy_static = "1"
unused-thing = "1"
only-in-tests = "1"
feat-only = { version = "1", optional = true }
forwarded = "1"
log = "0.4"

[dev-dependencies]
tempfile = "3"
dev-unused = "1"

[build-dependencies]
cc = "1"
build-unused = "1"

[features]
extra = ["dep:feat-only"]
x = ["forwarded/std"]
"#,
    );
    dir.create("app/build.rs", "fn main() {\n    cc::Build::new();\n}\n");
    dir.create(
        "app/src/main.rs",
        r#"#[macro_use]
extern crate lazy_static;

mod log;
mod net;

use foo_bar::thing;
use utilities::helper as h;

// use commented::Out;
#[derive(serde::Serialize)]
struct S;

fn main() {
    let _ = random::thread_rng();
    let _ = "use in_a::string;";
    log::info();
    net::go();
}

#[cfg(test)]
mod tests {
    use super::*;
}
"#,
    );
    dir.create("app/src/log.rs", "pub fn info() {}\n");
    dir.create(
        "app/src/net/mod.rs",
        "mod tcp;\n\npub fn go() {\n    use crate::log;\n    tcp::x();\n}\n",
    );
    dir.create(
        "app/src/net/tcp.rs",
        "use super::super::net;\n\npub fn x() {\n    net::go();\n}\n",
    );
    dir.create(
        "app/tests/it.rs",
        "use only_in_tests::X;\nuse tempfile::tempdir;\n",
    );
    dir.create(
        "util/Cargo.toml",
        "[package]\nname = \"my-util\"\nedition = \"2021\"\n\n[lib]\nname = \"utilities\"\n",
    );
    dir.create(
        "util/src/lib.rs",
        "/// ```\n/// use utilities::helper;\n/// ```\npub fn helper() {}\n",
    );
    dir
}

#[test]
fn text_inventory_one_line_per_file_sorted() {
    let dir = workspace();
    let out = dir.stdout(&[], 0);
    assert_eq!(
        out,
        "app/build.rs:\n\
         app/src/log.rs:\n\
         app/src/main.rs: lazy_static, foo_bar::thing, utilities::helper as h, super::*\n\
         app/src/net/mod.rs: crate::log\n\
         app/src/net/tcp.rs: super::super::net\n\
         app/tests/it.rs: only_in_tests::X, tempfile::tempdir\n\
         util/src/lib.rs:\n"
    );
}

#[test]
fn focus_marks_and_filters() {
    let dir = workspace();
    let out = dir.stdout(&["--focus", "tempfile"], 0);
    assert!(
        out.lines()
            .any(|l| l == "-> app/tests/it.rs: only_in_tests::X, tempfile::tempdir"),
        "{out}"
    );
    assert!(out.lines().any(|l| l == "   app/src/log.rs:"), "{out}");
    let out = dir.stdout(&["--focus", "utilities::*", "--only-focus"], 0);
    assert_eq!(
        out,
        "-> app/src/main.rs: lazy_static, foo_bar::thing, utilities::helper as h, super::*\n"
    );
}

#[test]
fn json_sites_are_classified_with_positions() {
    let dir = workspace();
    let out = dir.stdout(&["--json", "app/src/main.rs", "util"], 0);
    let files: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(files.len(), 2);
    let main = &files[0];
    assert_eq!(main["path"], "app/src/main.rs");
    assert_eq!(main["package"], "app");
    assert_eq!(main["module"], "crate");
    assert_eq!(main["targets"], serde_json::json!(["bin"]));
    let sites: Vec<(String, String, String, u64, u64)> = main["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().expect("kind").to_string(),
                s["path"].as_str().expect("path").to_string(),
                s["class"]["kind"].as_str().expect("class").to_string(),
                s["line"].as_u64().expect("line"),
                s["column"].as_u64().expect("column"),
            )
        })
        .collect();
    let expect = |k: &str, p: &str, c: &str, l: u64, col: u64| {
        (k.to_string(), p.to_string(), c.to_string(), l, col)
    };
    assert_eq!(
        sites,
        vec![
            expect("extern_crate", "lazy_static", "dependency", 2, 14),
            // A use site points at the name it imports (the leaf of the tree).
            expect("use", "foo_bar::thing", "dependency", 7, 14),
            expect("use", "utilities::helper", "dependency", 8, 16),
            expect("attribute", "serde::Serialize", "dependency", 11, 10),
            expect("path", "random::thread_rng", "dependency", 15, 13),
            // `log` here is the local module, not the crate.
            expect("path", "log::info", "local", 17, 5),
            expect("path", "net::go", "local", 18, 5),
            expect("use", "super::*", "local", 23, 16),
        ]
    );
    let s = &main["sites"][4];
    assert_eq!(s["class"]["package"], "rand");
    assert_eq!(s["class"]["name"], "random");
    assert_eq!(main["sites"][7]["cfg"]["test"], true);
    // `super` of `crate::tests` is the crate root.
    assert_eq!(main["sites"][7]["resolved"], "crate::*");
    let lib = &files[1];
    assert_eq!(lib["sites"][0]["kind"], "doc_test");
    assert_eq!(lib["sites"][0]["path"], "utilities::helper");
    assert_eq!(lib["sites"][0]["class"]["kind"], "local");
}

#[test]
fn unused_and_misplaced_dependencies() {
    let dir = workspace();
    let out = dir.stdout(&["--unused-deps"], 1);
    assert_eq!(
        out,
        "app (app/Cargo.toml)\n  \
         unused normal dependency: feat-only\n  \
         unused normal dependency: log\n  \
         misplaced: only-in-tests is a normal dependency used only from tests, benches or examples (make it a dev-dependency)\n  \
         unused normal dependency: unused-thing\n  \
         unused dev dependency: dev-unused\n  \
         unused build dependency: build-unused\n"
    );
    let out = dir.stdout(&["--unused-deps", "--explain", "rand"], 0);
    assert_eq!(
        out,
        "app: normal  dependency random (named `random` in code): 1 use(s)\n  app/src/main.rs:15:13: Path random::thread_rng\n"
    );
    // An ignore list in the manifest silences a finding.
    dir.create(
        "app/Cargo.toml",
        &std::fs::read_to_string(dir.path().join("app/Cargo.toml"))
            .expect("read")
            .replace("[features]", "[package.metadata.pimports]\nignored = [\"unused-thing\", \"log\", \"feat-only\", \"only-in-tests\", \"dev-unused\", \"build-unused\"]\n\n[features]"),
    );
    assert_eq!(dir.stdout(&["--unused-deps"], 0), "");
}

#[test]
fn judgements_for_packaged_and_pinned_dependencies() {
    // One crate as a registry or vendor/ directory holds it, one as a
    // repository does; the same manifest otherwise.
    let dir = Dir::pimports();
    let manifest = |name: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
             [dependencies]\nmd-5 = \"0.10\"\nrust-argon2 = \"1\"\nrustc-std-workspace-core = \"1\"\n\
             never-built = \"1\"\nsilenced = \"1\"\nreally-unused = \"1\"\n\
             [target.'cfg(any())'.dependencies]\npinned = \"1\"\n\
             [dev-dependencies]\ncriterion = \"0.5\"\n\
             [package.metadata.cargo-machete]\nignored = [\"silenced\"]\n"
        )
    };
    let src = "use md5::Md5;\nuse argon2::hash;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn t() {}\n}\n";
    for name in ["packaged", "repo"] {
        dir.create(&format!("{name}/Cargo.toml"), &manifest(name));
        dir.create(&format!("{name}/src/lib.rs"), src);
    }
    dir.create("packaged/Cargo.toml.orig", "# the manifest as written\n");
    let out = dir.stdout(&["--unused-deps"], 1);
    // md-5 is `md5` and rust-argon2 `argon2` (their manifests are not at
    // hand); rustc-std-workspace-* are std's build shims; `pinned` sits
    // under cfg(any()), never built; `silenced` is in cargo-machete's
    // ignore list; `criterion` is judged only where tests cannot have been
    // left out of the package.
    assert_eq!(
        out,
        "packaged (packaged/Cargo.toml)\n  \
         unused normal dependency: never-built\n  \
         unused normal dependency: really-unused\n\
         repo (repo/Cargo.toml)\n  \
         unused normal dependency: never-built\n  \
         unused normal dependency: really-unused\n  \
         unused dev dependency: criterion\n"
    );
}

#[test]
fn module_graph_and_cycles() {
    let dir = workspace();
    let out = dir.stdout(&["--dot"], 0);
    assert_eq!(
        out,
        "digraph pimports {\n  node [shape=box, fontname=\"monospace\"];\n  \
         subgraph \"cluster_app\" {\n    label = \"app\";\n    \
         \"app::crate\" [label=\"crate\"];\n    \
         \"app::crate::log\" [label=\"crate::log\"];\n    \
         \"app::crate::net\" [label=\"crate::net\"];\n    \
         \"app::crate::net::tcp\" [label=\"crate::net::tcp\"];\n  }\n  \
         subgraph \"cluster_my-util\" {\n    label = \"my-util\";\n    \
         \"my-util::crate\" [label=\"crate\"];\n  }\n  \
         \"app::crate\" -> \"app::crate::log\";\n  \
         \"app::crate\" -> \"app::crate::net\";\n  \
         \"app::crate::net\" -> \"app::crate::log\";\n  \
         \"app::crate::net\" -> \"app::crate::net::tcp\";\n  \
         \"app::crate::net::tcp\" -> \"app::crate::net\";\n  \
         \"app::crate\" -> \"my-util::crate\" [style=bold, color=blue];\n}\n"
    );
    // A parent and its child naming each other are no cycle (this was
    // once reported as `crate::net <-> crate::net::tcp`).
    let out = dir.stdout(&["--cycles"], 0);
    assert_eq!(out, "");
}

#[test]
fn by_crate_counts_files_and_sites() {
    let dir = workspace();
    let out = dir.stdout(&["--by-crate"], 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "crate\tfiles\tsites\tdeclared by");
    assert!(
        lines.contains(&"random\t1\t1\tapp (normal, package rand)"),
        "{out}"
    );
    assert!(lines.contains(&"cc\t1\t1\tapp (build)"), "{out}");
    assert!(
        lines.contains(&"utilities\t1\t1\tapp (normal, package my-util)")
            || lines.contains(&"utilities\t1\t1\tapp (normal)"),
        "{out}"
    );
}

#[test]
fn broken_files_are_reported_and_the_run_goes_on() {
    let dir = workspace();
    dir.create("app/src/broken.rs", "use kept::One;\nfn broken( {\n");
    dir.create_bytes("app/src/latin1.rs", b"use kept::Two; // caf\xe9\n");
    let out = dir.run(&[]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("app/src/broken.rs: kept::One  [partial]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("app/src/latin1.rs: kept::Two  [partial]"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("app/src/broken.rs:2:"), "{stderr}");
    assert!(stderr.contains("latin1.rs: not valid UTF-8"), "{stderr}");
    // A broken manifest is an error (exit 2), the rest is still reported.
    dir.create("util/Cargo.toml", "[package\n");
    let out = dir.run(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("util/Cargo.toml"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("app/src/main.rs:"));
}

#[test]
fn syntax_errors_outside_imports_need_the_full_parse_to_be_reported() {
    // Balanced tokens, a sound `use`, and a body syn rejects: the default
    // engine lists the import (complete, not partial) and says nothing;
    // --full-parse reports syn's message and position.
    let dir = workspace();
    dir.create(
        "app/src/odd.rs",
        "use kept::Three;\nfn f() {\n    let = ;\n}\n",
    );
    let out = dir.run(&["app/src/odd.rs"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "app/src/odd.rs: kept::Three\n"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let out = dir.run(&["--full-parse", "app/src/odd.rs"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "app/src/odd.rs: kept::Three  [partial]\n"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("app/src/odd.rs:3:9: syn cannot parse"),
        "{stderr}"
    );
    // A `use` syn rejects is an import item: both engines report it.
    dir.create("app/src/bad_use.rs", "use kept::{Four;\n");
    for args in [
        &["app/src/bad_use.rs"][..],
        &["--full-parse", "app/src/bad_use.rs"],
    ] {
        let out = dir.run(args);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("app/src/bad_use.rs:"),
            "{args:?}"
        );
    }
}

#[test]
fn large_generated_files() {
    // A generated file of a few MB (tables and match arms, as bindgen or
    // build scripts write them): every site found, in both engines.
    let dir = workspace();
    let mut src = String::from("use gen::Table;\npub static T: &[(u32, &str)] = &[\n");
    for i in 0..60_000 {
        src.push_str(&format!("    ({i}, \"entry::{i} // not a comment\"),\n"));
    }
    src.push_str("];\npub fn f(x: u32) -> u32 {\n    match x {\n");
    for i in 0..30_000 {
        src.push_str(&format!("        {i} => gen::value({i}),\n"));
    }
    src.push_str("        _ => 0,\n    }\n}\n");
    assert!(src.len() > 2_500_000);
    dir.create("app/src/generated.rs", &src);
    for engine in [&[][..], &["--full-parse"]] {
        let mut args = engine.to_vec();
        args.extend(["--json", "app/src/generated.rs"]);
        let out = dir.stdout(&args, 0);
        assert_eq!(
            out.matches("\"path\":\"gen::value\"").count(),
            30_000,
            "{engine:?}"
        );
        assert_eq!(
            out.matches("\"path\":\"gen::Table\"").count(),
            1,
            "{engine:?}"
        );
        assert!(!out.contains("entry::"), "{engine:?}");
    }
}

#[test]
fn deeply_nested_and_empty_files() {
    let dir = workspace();
    let depth = 3000;
    let src = format!(
        "fn f() -> u32 {{ {}1{} }}\nuse deep::Import;\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    dir.create("app/src/deep.rs", &src);
    dir.create("app/src/empty.rs", "");
    for engine in [&[][..], &["--full-parse"]] {
        let mut args = engine.to_vec();
        args.extend(["app/src/deep.rs", "app/src/empty.rs"]);
        let out = dir.stdout(&args, 0);
        assert_eq!(out, "app/src/deep.rs: deep::Import\napp/src/empty.rs:\n");
    }
}

#[test]
fn bad_arguments_get_one_line() {
    let dir = workspace();
    let out = dir.run(&["--explain", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

#[test]
fn module_named_target_is_analysed() {
    // `mod target;` is source; only Cargo's build directories are not: the
    // one beside a manifest, one tagged with CACHEDIR.TAG (wherever
    // CARGO_TARGET_DIR put it), and the one CARGO_TARGET_DIR names.
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[package]\nname = \"app\"\nedition = \"2021\"\n\n[dependencies]\nin-target = \"1\"\nunused = \"1\"\n",
    );
    dir.create("src/lib.rs", "mod target;\n");
    dir.create("src/target/mod.rs", "mod deeper;\n");
    dir.create("src/target/deeper.rs", "use in_target::Thing;\n");
    dir.create("target/debug/junk.rs", "use unused::A;\n");
    let tag = "Signature: 8a477f597d28d172789f06886806bc55\n# created by cargo\n";
    dir.create("build-out/CACHEDIR.TAG", tag);
    dir.create("build-out/debug/junk.rs", "use unused::B;\n");
    dir.create("env-target/debug/junk.rs", "use unused::C;\n");
    let mut cmd = dir.command();
    cmd.env("CARGO_TARGET_DIR", "env-target");
    let out = util::run_bounded(&mut cmd, None);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "src/lib.rs:\nsrc/target/deeper.rs: in_target::Thing\nsrc/target/mod.rs:\n"
    );
    assert_eq!(out.status.code(), Some(0));
    let mut cmd = dir.command();
    cmd.env("CARGO_TARGET_DIR", "env-target")
        .arg("--unused-deps");
    let out = util::run_bounded(&mut cmd, None);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "app (Cargo.toml)\n  unused normal dependency: unused\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

/// Deep inputs of each construct that makes a parser recurse, `n` levels.
fn deep_inputs(n: usize) -> Vec<(&'static str, String)> {
    let nest =
        |open: &str, mid: &str, close: &str| format!("{}{mid}{}", open.repeat(n), close.repeat(n));
    vec![
        (
            "parens",
            format!("fn f() -> u32 {{ {} }}\n", nest("(", "1", ")")),
        ),
        ("blocks", format!("fn f() {{ {} }}\n", nest("{", "", "}"))),
        (
            "generics",
            format!("type T = {};\n", nest("Vec<", "u8", ">")),
        ),
        (
            "unary",
            format!("fn f() -> bool {{ {}true }}\n", "!".repeat(n)),
        ),
        (
            "closures",
            format!("fn f() {{ let _ = {}1; }}\n", "|x| ".repeat(n)),
        ),
        ("references", format!("type T = {}u8;\n", "&".repeat(n))),
        (
            "doc_attr",
            format!("#[doc = {}]\nfn f() {{}}\n", nest("(", "\"x\"", ")")),
        ),
        ("use_tree", format!("use a::{};\n", nest("{b::", "c", "}"))),
        ("inline_mods", format!("{}\n", nest("mod a { ", "", "}"))),
        (
            "doc_test",
            format!(
                "/// ```\n/// fn g() {{ {} }}\n/// ```\nfn f() {{}}\n",
                nest("(", "1", ")")
            ),
        ),
    ]
}

#[test]
fn deep_nesting_is_a_file_error_not_a_crash() {
    // 100,000 levels overflowed the 256 MiB parsing stack (exit 134, every
    // file's output lost). Now the file is an error with its path and
    // position, its `use` lines are kept, and the other files are analysed.
    let dir = Dir::pimports();
    dir.create("other.rs", "use other::Y;\n");
    for (name, src) in deep_inputs(100_000) {
        let deep = format!("{name}.rs");
        dir.create(&deep, &format!("{src}use kept::X;\n"));
        for engine in [&[][..], &["--full-parse"]] {
            let mut args = engine.to_vec();
            args.extend([deep.as_str(), "other.rs"]);
            let out = dir.run(&args);
            assert_eq!(out.status.code(), Some(2), "{name} {engine:?}");
            assert_eq!(
                util::sorted_lines(&String::from_utf8_lossy(&out.stdout)),
                util::sorted_lines(&format!("{deep}: kept::X  [partial]\nother.rs: other::Y\n")),
                "{name} {engine:?}"
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.starts_with(&format!("pimports: {deep}:"))
                    && stderr.contains("more than 4000 levels deep")
                    && stderr.lines().count() == 1,
                "{name} {engine:?}: {stderr}"
            );
        }
    }
}

#[test]
fn nesting_just_under_the_limit_is_read_by_both_engines() {
    // The limit must be safely within the stack: every construct at the
    // deepest the limit admits (generics and closures count two per
    // level) parses, in the debug build the tests run.
    let dir = Dir::pimports();
    for (name, src) in deep_inputs(1_990) {
        let deep = format!("{name}.rs");
        dir.create(&deep, &format!("{src}use kept::X;\n"));
        for engine in [&[][..], &["--full-parse"]] {
            let mut args = engine.to_vec();
            args.push(deep.as_str());
            let out = dir.stdout(&args, 0);
            // The use tree's own import is a path 1,990 segments long.
            assert!(
                out.starts_with(&format!("{deep}: ")) && out.ends_with("kept::X\n"),
                "{name} {engine:?}: {out}"
            );
            assert!(!out.contains("[partial]"), "{name} {engine:?}");
        }
    }
}

#[test]
fn nested_inline_mods_are_linear() {
    // 10,000 nested `mod a {` took 24 s and 2.8 GB: each scope was keyed
    // by its whole path. Under the depth limit, sites in the innermost
    // module still resolve through every level.
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[package]\nname = \"app\"\nedition = \"2021\"\n\n[dependencies]\ninner-dep = \"1\"\n",
    );
    let n = 3_900;
    dir.create(
        "src/lib.rs",
        &format!(
            "{}use inner_dep::X; use self::Y as Z; pub struct Y;{}\n",
            "pub mod a { ".repeat(n),
            " }".repeat(n)
        ),
    );
    for engine in [&["--json"][..], &["--json", "--full-parse"]] {
        let out = dir.stdout(engine, 0);
        let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
        assert_eq!(v["sites"][0]["class"]["kind"], "dependency", "{engine:?}");
        let resolved = v["sites"][1]["resolved"].as_str().expect("resolved");
        assert_eq!(resolved, format!("crate{}::Y", "::a".repeat(n)));
    }
    assert_eq!(dir.stdout(&["--unused-deps"], 0), "");
}

#[test]
fn missing_workspace_member_is_an_error() {
    // Cargo rejects a workspace whose member has no manifest; pimports
    // ignored it. Now it is an error naming the manifest (exit 2), and the
    // members that exist are analysed all the same.
    let dir = workspace();
    dir.create(
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\", \"util\", \"gone\", \"crates/*\"]\n\n[workspace.dependencies]\nserde = \"1\"\n",
    );
    let out = dir.run(&["--unused-deps"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("pimports: ")
            && stderr.contains("Cargo.toml: workspace member `gone` has no manifest (")
            && stderr.contains("gone/Cargo.toml not found)")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("unused normal dependency: unused-thing"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn clap_errors_name_what_conflicts() {
    // Errors whose detail clap puts on the next lines printed an empty
    // list ("the following required arguments were not provided: ").
    let dir = Dir::pimports();
    let tools = [
        env!("CARGO_BIN_EXE_pimports"),
        env!("CARGO_BIN_EXE_ptail"),
        env!("CARGO_BIN_EXE_pgrep-lite"),
    ];
    let cases: [(usize, &[&str], &str); 7] = [
        (
            0,
            &["--json", "--dot", "--cycles"],
            "the argument '--json' cannot be used with: --dot, --cycles (see 'pimports --help')",
        ),
        (
            0,
            &["--only-focus"],
            "the following required arguments were not provided: --focus <PATTERN> (see 'pimports --help')",
        ),
        (
            0,
            &["--explain", "x"],
            "the following required arguments were not provided: --unused-deps (see 'pimports --help')",
        ),
        (
            0,
            &["--json", "--dot"],
            "the argument '--json' cannot be used with '--dot' (see 'pimports --help')",
        ),
        (
            1,
            &["--state-retention", "1h", "a.log"],
            "the following required arguments were not provided: --state <FILE> (see 'ptail --help')",
        ),
        (
            1,
            &["--no-follow", "--follow", "name", "f"],
            "the argument '--no-follow' cannot be used with '--follow <HOW>' (see 'ptail --help')",
        ),
        (
            2,
            &["--daemon", "stop", "--all", "x"],
            "--daemon stop takes a PATH or --all, not both",
        ),
    ];
    for (tool, args, want) in cases {
        let mut cmd = std::process::Command::new(tools[tool]);
        cmd.current_dir(dir.path()).args(args);
        let out = util::run_bounded(&mut cmd, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("error: {want}\n"),
            "{args:?}"
        );
    }
}

#[test]
fn modules_the_walk_skips_are_still_analysed() {
    // Cargo compiles what a `mod` declaration names whatever .gitignore,
    // hidden names or build directories say, and builds every workspace
    // member: a `.gitignore` of `target/` hid `src/target/` and a member
    // under `crates/target/`, and a `#[path]` into `.gen/` was never read,
    // so their dependencies were reported unused. A file no declaration
    // reaches stays ignored.
    let dir = Dir::pimports();
    dir.create(".git/HEAD", "ref: refs/heads/main\n");
    dir.create(".gitignore", "target/\n");
    dir.create(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/target/app\"]\n",
    );
    dir.create(
        "crates/target/app/Cargo.toml",
        "[package]\nname = \"app\"\nedition = \"2021\"\n\n[dependencies]\nin-target = \"1\"\nin-hidden = \"1\"\n",
    );
    dir.create(
        "crates/target/app/src/lib.rs",
        "mod target;\n#[path = \".gen/hidden.rs\"]\nmod hidden;\n",
    );
    dir.create("crates/target/app/src/target.rs", "use in_target::A;\n");
    dir.create("crates/target/app/src/target/stray.rs", "use stray::B;\n");
    dir.create(
        "crates/target/app/src/.gen/hidden.rs",
        "use in_hidden::C;\n",
    );
    assert_eq!(
        dir.stdout(&[], 0),
        "crates/target/app/src/.gen/hidden.rs: in_hidden::C\n\
         crates/target/app/src/lib.rs:\n\
         crates/target/app/src/target.rs: in_target::A\n"
    );
    assert_eq!(dir.stdout(&["--unused-deps"], 0), "");
}

#[test]
fn glob_members_the_walk_skips_are_still_analysed() {
    // `members = ["crates/*"]` with `crates/` ignored: Cargo builds every
    // directory the glob matches. Only non-glob members were read, so the
    // member was no package and its files belonged to none.
    let dir = Dir::pimports();
    dir.create(".git/HEAD", "ref: refs/heads/main\n");
    dir.create(".gitignore", "crates/\n");
    dir.create("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n");
    dir.create(
        "crates/app/Cargo.toml",
        "[package]\nname = \"app\"\nedition = \"2021\"\n\n[dependencies]\nused = \"1\"\nunused = \"1\"\n",
    );
    dir.create("crates/app/src/lib.rs", "use used::A;\n");
    dir.create("crates/notes/README", "not a package\n");
    assert_eq!(
        dir.stdout(&["--unused-deps"], 1),
        "app (crates/app/Cargo.toml)\n  unused normal dependency: unused\n"
    );
}

/// The four false alarms the compiler's verdict showed (issue 14), each as
/// the crate that had it: a runtime crate used only through a derive's
/// expansion (wasmtime's `serde` beside `serde_derive`, borsh); a name
/// declared only under a cfg (icu_provider's `mod log` beside
/// `#[cfg(feature = "logging")] pub use log;`); a library named unlike its
/// package, whose manifest is only in Cargo's registry sources (libredox's
/// `redox_syscall` is `syscall`); and a path ending in a macro variable
/// (mio's `log::$level!`, called misplaced).
#[test]
fn what_the_compiler_counts_as_used_is_not_called_unused() {
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         [dependencies]\nserde = \"1\"\nserde_derive = \"1\"\nborsh = \"1\"\nborsh-derive = \"1\"\n\
         log = { version = \"0.4\", optional = true }\nredox_syscall = \"0.5\"\nmio-log = { package = \"log\", version = \"0.4\" }\n\
         really-unused = \"1\"\n\
         [features]\nlogging = [\"log\"]\n",
    );
    dir.create(
        "src/lib.rs",
        "mod macros;\n\
         #[derive(serde_derive::Serialize, borsh_derive::BorshSerialize)]\npub struct S;\n\
         #[cfg(feature = \"logging\")]\npub use log;\n\
         #[cfg(not(feature = \"logging\"))]\npub mod log { pub fn noop() {} }\n\
         pub fn f() { syscall::call(); }\n",
    );
    dir.create(
        "src/macros.rs",
        "macro_rules! log {\n    ($level:ident, $($t:tt)*) => { mio_log::$level!($($t)*) };\n}\n",
    );
    dir.create("tests/it.rs", "use mio_log::warn;\n");
    // Cargo's unpacked copy of redox_syscall, which names its library.
    dir.create(
        ".cargo-home/registry/src/index.crates.io-0000/redox_syscall-0.5.18/Cargo.toml",
        "[package]\nname = \"redox_syscall\"\nversion = \"0.5.18\"\n[lib]\nname = \"syscall\"\n",
    );
    // An older major version elsewhere names it differently: the
    // requirement (0.5) picks the copy.
    dir.create(
        ".cargo-home/registry/src/index.crates.io-0000/redox_syscall-0.9.0/Cargo.toml",
        "[package]\nname = \"redox_syscall\"\nversion = \"0.9.0\"\n[lib]\nname = \"other\"\n",
    );
    let out = dir.stdout(&["--unused-deps"], 1);
    assert_eq!(
        out,
        "app (Cargo.toml)\n  unused normal dependency: really-unused\n"
    );
}

/// A `vendor/` directory above the package, at the root with the
/// `Cargo.lock`, holds the dependency's manifest, and the lock file says
/// which version.
#[test]
fn a_vendored_dependency_is_known_by_its_library_name() {
    let dir = Dir::pimports();
    dir.create(
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nfancy-pkg = \"1\"\n",
    );
    dir.create("app/src/lib.rs", "pub use plain::Thing;\n");
    dir.create(
        "Cargo.lock",
        "version = 4\n[[package]]\nname = \"fancy-pkg\"\nversion = \"1.2.0\"\n",
    );
    dir.create(
        "vendor/fancy-pkg-1.2.0/Cargo.toml",
        "[package]\nname = \"fancy-pkg\"\nversion = \"1.2.0\"\n[lib]\nname = \"plain\"\n",
    );
    dir.create(
        "vendor/fancy-pkg/Cargo.toml",
        "[package]\nname = \"fancy-pkg\"\nversion = \"1.3.0\"\n[lib]\nname = \"newer\"\n",
    );
    assert_eq!(dir.stdout(&["--unused-deps", "app"], 0), "");
    dir.create("app/src/lib.rs", "pub use newer::Thing;\n");
    assert_eq!(
        dir.stdout(&["--unused-deps", "app"], 1),
        "app (app/Cargo.toml)\n  unused normal dependency: fancy-pkg\n"
    );
}

/// `#[cfg(test)] mod tests;` makes the whole of `src/tests.rs` test code:
/// a dev-dependency used there is used (it was unresolved, so "unused"),
/// and a normal dependency used only there is misplaced (it counted as a
/// use by the library).
#[test]
fn a_module_file_declared_under_cfg_test_is_test_code() {
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         [dependencies]\nonly-tests = \"1\"\nused = \"1\"\n[dev-dependencies]\ndev-used = \"1\"\n",
    );
    dir.create(
        "src/lib.rs",
        "pub fn f() { used::x(); }\n#[cfg(test)]\nmod tests;\n",
    );
    dir.create(
        "src/tests.rs",
        "use dev_used::Helper;\nuse only_tests::Thing;\nmod inner;\n",
    );
    dir.create("src/tests/inner.rs", "use dev_used::More;\n");
    assert_eq!(
        dir.stdout(&["--unused-deps"], 1),
        "app (Cargo.toml)\n  misplaced: only-tests is a normal dependency used only from tests, benches or examples (make it a dev-dependency)\n"
    );
}

/// native-tls's build script reads `DEP_OPENSSL_VERSION_NUMBER`, which
/// only a direct dependency on openssl-sys (`links = "openssl"`) provides:
/// openssl-sys is needed though no code names it (the compiler's lint
/// calls it unused; removing it breaks the build). Without the build
/// script's read, it is unused.
#[test]
fn a_links_dependency_whose_metadata_the_build_script_reads_is_used() {
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[package]\nname = \"tls\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         [dependencies]\nopenssl-sys = \"0.9\"\n",
    );
    dir.create("src/lib.rs", "pub fn f() {}\n");
    dir.create(
        "build.rs",
        "fn main() {\n    if let Ok(v) = std::env::var(\"DEP_OPENSSL_VERSION_NUMBER\") {\n        println!(\"cargo:rustc-cfg=ossl{v}\");\n    }\n}\n",
    );
    dir.create(
        ".cargo-home/registry/src/index.crates.io-0000/openssl-sys-0.9.111/Cargo.toml",
        "[package]\nname = \"openssl-sys\"\nversion = \"0.9.111\"\nlinks = \"openssl\"\n",
    );
    assert_eq!(dir.stdout(&["--unused-deps"], 0), "");
    dir.create("build.rs", "fn main() {}\n");
    assert_eq!(
        dir.stdout(&["--unused-deps"], 1),
        "tls (Cargo.toml)\n  unused normal dependency: openssl-sys\n"
    );
}

/// A `vendor/` directory above the workspace root (someone else's, in
/// `/tmp`) must not change the verdicts: it made a used `anyhow` unused by
/// naming its library differently (found in review).
#[test]
fn a_vendor_directory_above_the_workspace_is_not_read() {
    let dir = Dir::pimports();
    dir.create(
        "proj/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nanyhow = \"1\"\n",
    );
    dir.create("proj/Cargo.lock", "version = 4\n");
    dir.create(
        "proj/src/lib.rs",
        "pub fn f() -> anyhow::Result<()> { Ok(()) }\n",
    );
    dir.create(
        "vendor/anyhow/Cargo.toml",
        "[package]\nname = \"anyhow\"\nversion = \"1.999.0\"\n[lib]\nname = \"not_anyhow\"\n",
    );
    assert_eq!(dir.stdout(&["--unused-deps", "proj"], 0), "");
}

/// windows-targets' `windows_x86_64_gnu` and the like exist for their
/// build script's `rustc-link-search`, which Cargo passes on to every
/// dependent's link; no code names them. They were called unused, and
/// `--fix` removed them (found in review). One whose build script does not
/// link is still unused.
#[test]
fn a_dependency_that_adds_a_link_search_path_is_used() {
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[package]\nname = \"targets\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         [target.'cfg(windows)'.dependencies]\nimport_lib = \"0.52\"\nplain_lib = \"0.52\"\n",
    );
    dir.create("src/lib.rs", "pub fn f() {}\n");
    let registry = ".cargo-home/registry/src/index.crates.io-0000";
    dir.create(
        &format!("{registry}/import_lib-0.52.6/Cargo.toml"),
        "[package]\nname = \"import_lib\"\nversion = \"0.52.6\"\nbuild = \"build.rs\"\n",
    );
    dir.create(
        &format!("{registry}/import_lib-0.52.6/build.rs"),
        "fn main() {\n    println!(\"cargo:rustc-link-search=native={}\", std::env::var(\"CARGO_MANIFEST_DIR\").unwrap());\n}\n",
    );
    dir.create(
        &format!("{registry}/plain_lib-0.52.6/Cargo.toml"),
        "[package]\nname = \"plain_lib\"\nversion = \"0.52.6\"\n",
    );
    dir.create(
        &format!("{registry}/plain_lib-0.52.6/build.rs"),
        "fn main() {}\n",
    );
    assert_eq!(
        dir.stdout(&["--unused-deps"], 1),
        "targets (Cargo.toml)\n  unused normal dependency: plain_lib\n"
    );
}

/// A package whose manifest does not read is not judged, and its files are
/// not the enclosing package's either: the outer package's unused `serde`
/// was hidden by the inner package's use (found in review).
#[test]
fn files_under_a_broken_manifest_belong_to_no_package() {
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[package]\nname = \"outer\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nserde = \"1\"\n",
    );
    dir.create("src/lib.rs", "pub fn f() {}\n");
    dir.create("inner/Cargo.toml", "[package\nname = \"inner\"\n");
    dir.create("inner/src/lib.rs", "pub use serde::Serialize;\n");
    let out = dir.stdout(&["--unused-deps"], 2);
    assert_eq!(
        out,
        "outer (Cargo.toml)\n  unused normal dependency: serde\n"
    );
}
