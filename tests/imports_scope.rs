//! What pimports looks at and what it concludes from it: which packages
//! it judges (only those whose code it read: `--unused-deps`,
//! `--explain`), what counts as an import cycle (`--cycles`: sibling
//! module trees that need each other, never a parent and its child), and
//! what the user can leave out or silence (`-g`, `-q`).
//!
//! Two seeded oracles, whose truth comes from their generators alone:
//!
//! * cycles: random module trees of one crate with random `use crate::..`
//!   and `use super::..` imports (some under `#[cfg(test)]`); the expected
//!   cycles are computed here from the generator's own edge list (lifted
//!   to the children of the lowest common ancestor, strongly connected by
//!   mutual reachability, shortest loops by Floyd-Warshall).
//!   `PIMPORTS_CYCLES_SEED`, `PIMPORTS_CYCLES_ITERS` (default 40).
//! * judged packages: random workspaces (a root package, members with
//!   tests, build scripts, `#[path]` modules outside the package) and
//!   random given paths; a package is judged exactly when every file of
//!   its code lies under a given path. `PIMPORTS_SCOPE_SEED`,
//!   `PIMPORTS_SCOPE_ITERS` (default 30).

mod util;

use std::collections::{BTreeMap, BTreeSet};

use util::{Dir, Rng, seed_from_env, text};

fn iters(var: &str, default: u64) -> u64 {
    seed_from_env(var, default)
}

/// A workspace whose root is also a package (as ours is), with a member.
fn root_and_member() -> Dir {
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/grep\"]\n\n\
         [package]\nname = \"top\"\nedition = \"2021\"\n\n\
         [dependencies]\ngrep = { path = \"crates/grep\" }\nserde = \"1\"\n",
    );
    dir.create(
        "src/main.rs",
        "use grep::run;\nuse serde::Serialize;\nfn main() {}\n",
    );
    dir.create(
        "crates/grep/Cargo.toml",
        "[package]\nname = \"grep\"\nedition = \"2021\"\n\n\
         [dependencies]\nregex = \"1\"\nunused-here = \"1\"\n",
    );
    dir.create(
        "crates/grep/src/lib.rs",
        "use regex::Regex;\npub fn run() {}\n",
    );
    dir
}

#[test]
fn root_package_judged_from_a_subdirectory() {
    // `cd crates/grep && pimports --unused-deps` judged the root package
    // too, whose code was not read, and called both its dependencies
    // unused.
    let dir = root_and_member();
    for (cwd, args) in [
        ("crates/grep", vec!["--unused-deps"]),
        (".", vec!["--unused-deps", "crates/grep"]),
    ] {
        let out = dir
            .command()
            .current_dir(dir.path().join(cwd))
            .args(&args)
            .output()
            .expect("run pimports");
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let manifest = if cwd == "." {
            "crates/grep/Cargo.toml"
        } else {
            "Cargo.toml"
        };
        assert_eq!(
            text(&out.stdout),
            format!("grep ({manifest})\n  unused normal dependency: unused-here\n")
        );
        // Paths outside the current directory are shown absolute.
        let root = if cwd == "." {
            String::new()
        } else {
            format!("{}/", dir.path().display())
        };
        assert_eq!(
            text(&out.stderr),
            format!(
                "pimports: not judged: top ({root}Cargo.toml): its file {root}src/main.rs is outside the given paths\n"
            )
        );
    }
    // The whole workspace given: both judged, nothing said.
    let out = dir.run(&["--unused-deps"]);
    assert_eq!(
        text(&out.stdout),
        "grep (crates/grep/Cargo.toml)\n  unused normal dependency: unused-here\n"
    );
    assert_eq!(text(&out.stderr), "");
    // --explain draws conclusions from absence too.
    let out = dir.run(&["--unused-deps", "--explain", "serde", "crates"]);
    assert_eq!(
        text(&out.stdout),
        "no package under these paths declares serde\n"
    );
    assert!(
        text(&out.stderr).contains("not judged: top"),
        "{}",
        text(&out.stderr)
    );
    // -q: the note goes, the findings stay.
    let out = dir.run(&["-q", "--unused-deps", "crates/grep"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn package_seen_in_part_is_not_judged() {
    // A path inside a package, a file of it, or a module brought in by
    // `#[path]` from outside the given paths: part of its code unread.
    let dir = Dir::pimports();
    dir.create(
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nedition = \"2021\"\n\n[dependencies]\nin-gen = \"1\"\nin-test = \"1\"\n",
    );
    dir.create(
        "app/src/lib.rs",
        "#[path = \"../../gen/out.rs\"]\nmod out;\nmod inner;\n",
    );
    dir.create("app/src/inner.rs", "use in_test::X;\n");
    dir.create("gen/out.rs", "use in_gen::Y;\n");
    let out = dir.run(&["--unused-deps", "app"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "pimports: not judged: app (app/Cargo.toml): its file gen/out.rs is outside the given paths\n"
    );
    let out = dir.run(&["--unused-deps", "app/src/lib.rs", "gen"]);
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        "pimports: not judged: app (app/Cargo.toml): its file app/src/inner.rs is outside the given paths\n"
    );
    // Everything given: judged, and nothing is unused.
    let out = dir.run(&["--unused-deps", "app", "gen"]);
    assert_eq!(
        (out.status.code(), text(&out.stderr)),
        (Some(0), String::new())
    );
    // A glob that hides part of its code: not judged either.
    let out = dir.run(&["--unused-deps", "-g", "!inner.rs", "app", "gen"]);
    assert_eq!(
        text(&out.stderr),
        "pimports: not judged: app (app/Cargo.toml): its file app/src/inner.rs is excluded by --glob\n"
    );
}

#[test]
fn package_under_two_given_paths_is_judged_once() {
    // `pimports --unused-deps crates crates/a` read crates/a twice and
    // printed each finding once per copy.
    let dir = Dir::pimports();
    dir.create(
        "crates/a/Cargo.toml",
        "[package]\nname = \"a\"\nedition = \"2021\"\n\n[dependencies]\nx = \"1\"\n",
    );
    dir.create("crates/a/src/lib.rs", "pub fn f() {}\n");
    let out = dir.run(&["--unused-deps", "crates", "crates/a", "crates"]);
    assert_eq!(
        (out.status.code(), text(&out.stdout), text(&out.stderr)),
        (
            Some(1),
            "a (crates/a/Cargo.toml)\n  unused normal dependency: x\n".to_string(),
            String::new()
        )
    );
}

/// One crate `app`: `src/lib.rs` and the given module files.
fn crate_with(files: &[(&str, &str)]) -> Dir {
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[package]\nname = \"app\"\nedition = \"2021\"\n",
    );
    for (p, c) in files {
        dir.create(p, c);
    }
    dir
}

#[test]
fn parent_and_child_naming_each_other_are_no_cycle() {
    // 234 "cycles" on the crates corpus, most of them a module and its
    // child (`crate::scan <-> crate::scan::fast` in our own workspace).
    let dir = crate_with(&[
        (
            "src/lib.rs",
            "mod net;\npub struct Config;\nfn f() { net::go(); }\n",
        ),
        (
            "src/net/mod.rs",
            "mod tcp;\nuse crate::Config;\npub fn go() { tcp::x(); }\n",
        ),
        (
            "src/net/tcp.rs",
            "use super::super::net;\nuse super::go;\npub fn x() { net::go(); }\n",
        ),
    ]);
    assert_eq!(dir.stdout(&["--cycles"], 0), "");
}

#[test]
fn sibling_cycle_is_reported_with_its_sites() {
    // `a::x` names `b`, `b` names `a::x`: the trees `a` and `b` need each
    // other. Test code does not count; neither does `c` naming `a` alone.
    let dir = crate_with(&[
        ("src/lib.rs", "mod a;\nmod b;\nmod c;\n"),
        ("src/a.rs", "pub mod x;\n"),
        (
            "src/a/x.rs",
            "use crate::b::Thing;\npub struct X;\nfn f() { let _ = crate::b::make(); }\n",
        ),
        (
            "src/b.rs",
            "pub struct Thing;\npub fn make() {}\nuse super::a::x::X;\n#[cfg(test)]\nuse crate::c::C;\n",
        ),
        ("src/c.rs", "pub struct C;\nuse crate::a::x::X;\n"),
    ]);
    assert_eq!(
        dir.stdout(&["--cycles"], 1),
        "cycle in app: crate::a <-> crate::b\n  \
         crate::a -> crate::b: src/a/x.rs:1:15 crate::b::Thing, src/a/x.rs:3:18 crate::b::make\n  \
         crate::b -> crate::a: src/b.rs:3:18 super::a::x::X\n"
    );
}

#[test]
fn glob_excludes_walked_and_mod_declared_files() {
    // 84 "syn cannot parse" warnings for test fixtures on the crates
    // corpus, and no way to leave them out.
    let dir = crate_with(&[
        ("src/lib.rs", "mod kept;\nmod skipped;\n"),
        ("src/kept.rs", "use dep::A;\n"),
        ("src/skipped.rs", "use other::B;\n"),
        ("tests/fixtures/bad.rs", "fn broken( {\n"),
    ]);
    let out = dir.run(&[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("syn cannot parse"),
        "{}",
        text(&out.stderr)
    );
    // A `!` glob leaves out a walked file, and a file a `mod` declaration
    // leads to (read otherwise even when ignore rules skip it).
    let out = dir.run(&["-g", "!fixtures/", "-g", "!skipped.rs"]);
    assert_eq!(
        (out.status.code(), text(&out.stdout), text(&out.stderr)),
        (
            Some(0),
            "src/kept.rs: dep::A\nsrc/lib.rs:\n".to_string(),
            String::new()
        )
    );
    // A glob that includes selects Rust files; the manifest is still read
    // (the file knows its package).
    let out = dir.stdout(&["--json", "-g", "src/kept.rs"], 0);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("\"package\":\"app\""), "{out}");
    // The later of two globs that match wins, as in ripgrep.
    let out = dir.stdout(&["-g", "!src/*.rs", "-g", "src/kept.rs"], 0);
    assert_eq!(out, "src/kept.rs: dep::A\n");
    // A bad glob is an argument error.
    let out = dir.run(&["-g", "a{"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: invalid glob"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn quiet_silences_warnings_not_errors() {
    let dir = crate_with(&[
        ("src/lib.rs", "mod bad;\nmod latin;\n"),
        ("src/bad.rs", "use dep::A;\nfn broken( {\n"),
    ]);
    dir.create_bytes("src/latin.rs", b"// caf\xe9\nuse dep::B;\n");
    let loud = dir.run(&[]);
    assert_eq!(loud.status.code(), Some(0));
    assert_eq!(
        text(&loud.stderr).lines().count(),
        2,
        "{}",
        text(&loud.stderr)
    );
    let quiet = dir.run(&["-q"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(text(&quiet.stderr), "");
    assert_eq!(quiet.stdout, loud.stdout);
    // An error is still said, and still exits 2.
    dir.create(
        "Cargo.toml",
        "[workspace]\nmembers = [\"gone\"]\n\n[package]\nname = \"app\"\nedition = \"2021\"\n",
    );
    let out = dir.run(&["-q", "--stats"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("workspace member `gone` has no manifest"),
        "{err}"
    );
    assert!(err.contains("parse failures: 1\n"), "{err}");
    assert!(!err.contains("syn cannot parse"), "{err}");
}

// ---------------------------------------------------------------------
// The cycles oracle.

/// A module of the generated crate: its path below `crate` (empty for the
/// root) and its parent's index.
struct GenModule {
    path: Vec<String>,
    parent: Option<usize>,
}

/// An import the generator wrote: from module, to module, where, how.
struct GenImport {
    from: usize,
    to: usize,
    file: String,
    line: usize,
    path: String,
    test: bool,
}

fn module_name(path: &[String]) -> String {
    std::iter::once("crate".to_string())
        .chain(path.iter().cloned())
        .collect::<Vec<_>>()
        .join("::")
}

fn module_file(path: &[String]) -> String {
    if path.is_empty() {
        "src/lib.rs".to_string()
    } else {
        format!("src/{}.rs", path.join("/"))
    }
}

/// A random crate; returns its modules and imports.
fn generate_crate(rng: &mut Rng, dir: &Dir) -> (Vec<GenModule>, Vec<GenImport>) {
    let n = 2 + rng.below(9);
    let mut mods = vec![GenModule {
        path: Vec::new(),
        parent: None,
    }];
    for i in 1..n {
        // Shallow trees: more siblings, more chances of cycles.
        let parent = rng.below(mods.len().min(1 + i / 2).max(1));
        let mut path = mods[parent].path.clone();
        path.push(format!("m{i}"));
        mods.push(GenModule {
            path,
            parent: Some(parent),
        });
    }
    let mut lines: Vec<Vec<String>> = mods
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let mut l: Vec<String> = mods
                .iter()
                .filter(|c| c.parent == Some(i))
                .map(|c| format!("pub mod {};", c.path.last().expect("child name")))
                .collect();
            l.push("pub struct I;".to_string());
            l
        })
        .collect();
    let mut imports = Vec::new();
    let count = rng.below(2 * n + 2);
    for k in 0..count {
        let from = rng.below(n);
        let to = rng.below(n);
        if from == to {
            continue;
        }
        let (fp, tp) = (&mods[from].path, &mods[to].path);
        let common = fp.iter().zip(tp).take_while(|(a, b)| a == b).count();
        let mut segs: Vec<String> = if rng.chance(50) {
            std::iter::once("crate".to_string())
                .chain(tp.iter().cloned())
                .collect()
        } else if fp.len() == common {
            std::iter::once("self".to_string())
                .chain(tp[common..].iter().cloned())
                .collect()
        } else {
            std::iter::repeat_n("super".to_string(), fp.len() - common)
                .chain(tp[common..].iter().cloned())
                .collect()
        };
        segs.push("I".to_string());
        let path = segs.join("::");
        let test = rng.chance(15);
        if test {
            lines[from].push("#[cfg(test)]".to_string());
        }
        lines[from].push(format!("use {path} as Imp{k};"));
        imports.push(GenImport {
            from,
            to,
            file: module_file(fp),
            line: lines[from].len(),
            path,
            test,
        });
    }
    for (m, l) in mods.iter().zip(&lines) {
        dir.create(&module_file(&m.path), &(l.join("\n") + "\n"));
    }
    (mods, imports)
}

/// Lifted edges (`crate::a -> crate::b`) and the sites that make each
/// (`file:line path`).
type Lifted = BTreeMap<(String, String), BTreeSet<String>>;

/// A cycle as printed: its members and its steps (from, to, sites).
type Block = (BTreeSet<String>, Vec<(String, String, String)>);

/// A cycle as expected: its members and the length of a shortest loop.
struct Expected {
    members: BTreeSet<String>,
    shortest: usize,
}

/// The truth, from the generator's edge list alone.
fn expected_cycles(mods: &[GenModule], imports: &[GenImport]) -> (Lifted, Vec<Expected>) {
    // Lift each non-test import to the children of the lowest common
    // ancestor; drop those where one module contains the other.
    let mut edges: Lifted = BTreeMap::new();
    for imp in imports.iter().filter(|i| !i.test) {
        let (a, b) = (&mods[imp.from].path, &mods[imp.to].path);
        let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        if common == a.len() || common == b.len() {
            continue;
        }
        edges
            .entry((module_name(&a[..=common]), module_name(&b[..=common])))
            .or_default()
            .insert(format!("{}:{} {}", imp.file, imp.line, imp.path));
    }
    let nodes: Vec<String> = edges
        .keys()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let n = nodes.len();
    let at = |s: &str| nodes.iter().position(|x| x == s).expect("node");
    // Floyd-Warshall: shortest distances, unreachable as None.
    let mut dist = vec![vec![None::<usize>; n]; n];
    for (a, b) in edges.keys() {
        dist[at(a)][at(b)] = Some(1);
    }
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                if let (Some(x), Some(y)) = (dist[i][k], dist[k][j])
                    && dist[i][j].is_none_or(|d| x + y < d)
                {
                    dist[i][j] = Some(x + y);
                }
            }
        }
    }
    let mut done = BTreeSet::new();
    let mut cycles = Vec::new();
    for i in 0..n {
        if done.contains(&i) || dist[i][i].is_none() {
            continue;
        }
        let comp: Vec<usize> = (0..n)
            .filter(|&j| j == i || (dist[i][j].is_some() && dist[j][i].is_some()))
            .collect();
        done.extend(comp.iter().copied());
        let shortest = comp
            .iter()
            .filter_map(|&j| dist[j][j])
            .min()
            .expect("a cycle");
        cycles.push(Expected {
            members: comp.iter().map(|&j| nodes[j].clone()).collect(),
            shortest,
        });
    }
    (edges, cycles)
}

#[test]
fn cycles_oracle() {
    let seed = seed_from_env("PIMPORTS_CYCLES_SEED", 0x5eed_c7c1e5);
    let n = iters("PIMPORTS_CYCLES_ITERS", 40);
    for it in 0..n {
        let seed = seed.wrapping_add(it);
        let mut rng = Rng::new(seed);
        let dir = crate_with(&[]);
        let (mods, imports) = generate_crate(&mut rng, &dir);
        let (edges, want) = expected_cycles(&mods, &imports);
        let out = dir.run(&["--cycles"]);
        let stdout = text(&out.stdout);
        let ctx = format!(
            "seed {seed}\nstdout:\n{stdout}stderr:\n{}",
            text(&out.stderr)
        );
        assert_eq!(
            out.status.code(),
            Some(if want.is_empty() { 0 } else { 1 }),
            "{ctx}"
        );
        // Parse: a header per cycle, then its steps.
        let mut got: Vec<Block> = Vec::new();
        for line in stdout.lines() {
            if let Some(rest) = line.strip_prefix("cycle in app: ") {
                got.push((
                    rest.split(" <-> ").map(str::to_string).collect(),
                    Vec::new(),
                ));
            } else if let Some(step) = line.strip_prefix("  ") {
                let (ab, sites) = step.split_once(": ").expect("a step");
                let (a, b) = ab.split_once(" -> ").expect("an edge");
                got.last_mut().expect("a step after a header").1.push((
                    a.to_string(),
                    b.to_string(),
                    sites.to_string(),
                ));
            } else {
                panic!("unexpected line {line:?}\n{ctx}");
            }
        }
        let got_sets: BTreeSet<&BTreeSet<String>> = got.iter().map(|(m, _)| m).collect();
        let want_sets: BTreeSet<&BTreeSet<String>> = want.iter().map(|e| &e.members).collect();
        assert_eq!(got_sets, want_sets, "{ctx}");
        for (members, steps) in &got {
            let w = want
                .iter()
                .find(|e| e.members == *members)
                .expect("matched");
            assert_eq!(steps.len(), w.shortest, "not a shortest loop\n{ctx}");
            for (k, (a, b, sites)) in steps.iter().enumerate() {
                let next = &steps[(k + 1) % steps.len()].0;
                assert_eq!(b, next, "not a loop\n{ctx}");
                assert!(members.contains(a), "{ctx}");
                let truth = edges
                    .get(&(a.clone(), b.clone()))
                    .unwrap_or_else(|| panic!("no edge {a} -> {b}\n{ctx}"));
                let (list, more) = match sites.split_once(" (and ") {
                    Some((l, m)) => (
                        l,
                        m.trim_end_matches(" more)")
                            .parse::<usize>()
                            .expect("count"),
                    ),
                    None => (sites.as_str(), 0),
                };
                let shown: Vec<String> = list
                    .split(", ")
                    .map(|s| {
                        // `file:line:column path`: the column is the
                        // scanner's, not the generator's.
                        let (pos, path) = s.split_once(' ').expect("site");
                        let (file_line, _col) = pos.rsplit_once(':').expect("column");
                        format!("{file_line} {path}")
                    })
                    .collect();
                assert_eq!(shown.len() + more, truth.len(), "{a} -> {b}\n{ctx}");
                assert_eq!(shown.len(), truth.len().min(3), "{ctx}");
                for s in &shown {
                    assert!(truth.contains(s), "{s} does not make {a} -> {b}\n{ctx}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------
// The judged-packages oracle.

struct GenPackage {
    name: String,
    /// The directory of its manifest, relative ("" for the root).
    dir: String,
    /// Every file of its code, relative.
    files: Vec<String>,
}

fn under(file: &str, given: &str) -> bool {
    given == "." || file == given || file.starts_with(&format!("{given}/"))
}

#[test]
fn judged_packages_oracle() {
    let seed = seed_from_env("PIMPORTS_SCOPE_SEED", 376_990);
    let n = iters("PIMPORTS_SCOPE_ITERS", 30);
    for it in 0..n {
        let seed = seed.wrapping_add(it);
        let mut rng = Rng::new(seed);
        let dir = Dir::pimports();
        let members = 1 + rng.below(3);
        let mut pkgs: Vec<GenPackage> = Vec::new();
        let mut candidates = vec![".".to_string(), "crates".to_string(), "shared".to_string()];
        for i in 0..members {
            let d = format!("crates/p{i}");
            let mut files = vec![format!("{d}/src/lib.rs")];
            let mut lib = String::new();
            if rng.chance(40) {
                lib.push_str(&format!(
                    "#[path = \"../../../shared/g{i}.rs\"]\nmod gen;\n"
                ));
                dir.create(&format!("shared/g{i}.rs"), "pub fn g() {}\n");
                files.push(format!("shared/g{i}.rs"));
            }
            if rng.chance(40) {
                lib.push_str("mod inner;\n");
                dir.create(&format!("{d}/src/inner.rs"), "pub fn f() {}\n");
                files.push(format!("{d}/src/inner.rs"));
            }
            if rng.chance(30) {
                dir.create(&format!("{d}/tests/it.rs"), "#[test]\nfn t() {}\n");
                files.push(format!("{d}/tests/it.rs"));
                candidates.push(format!("{d}/tests"));
            }
            if rng.chance(30) {
                dir.create(&format!("{d}/build.rs"), "fn main() {}\n");
                files.push(format!("{d}/build.rs"));
            }
            dir.create(&format!("{d}/src/lib.rs"), &(lib + "pub fn x() {}\n"));
            dir.create(
                &format!("{d}/Cargo.toml"),
                &format!(
                    "[package]\nname = \"p{i}\"\nedition = \"2021\"\n\n[dependencies]\nunused-p{i} = \"1\"\n"
                ),
            );
            candidates.extend([d.clone(), format!("{d}/src"), format!("{d}/src/lib.rs")]);
            pkgs.push(GenPackage {
                name: format!("p{i}"),
                dir: d,
                files,
            });
        }
        let member_list: Vec<String> = pkgs.iter().map(|p| format!("\"{}\"", p.dir)).collect();
        let mut root = format!("[workspace]\nmembers = [{}]\n", member_list.join(", "));
        if rng.chance(70) {
            root.push_str(
                "\n[package]\nname = \"top\"\nedition = \"2021\"\n\n[dependencies]\nunused-top = \"1\"\n",
            );
            dir.create("src/main.rs", "fn main() {}\n");
            candidates.push("src".to_string());
            pkgs.push(GenPackage {
                name: "top".to_string(),
                dir: String::new(),
                files: vec!["src/main.rs".to_string()],
            });
        }
        dir.create("Cargo.toml", &root);
        let given: Vec<String> = (0..1 + rng.below(2))
            .map(|_| rng.pick(&candidates).clone())
            .filter(|g| dir.path().join(g).exists())
            .collect();
        if given.is_empty() {
            continue;
        }
        // Known: a manifest at or below a given directory, or above a
        // given path. Judged: known, and all its code under given paths.
        let known = |p: &GenPackage| {
            given.iter().any(|g| {
                let manifest = if p.dir.is_empty() {
                    "Cargo.toml".to_string()
                } else {
                    format!("{}/Cargo.toml", p.dir)
                };
                under(&manifest, g) || p.dir.is_empty() || under(g, &p.dir)
            })
        };
        let visible = |p: &GenPackage| p.files.iter().all(|f| given.iter().any(|g| under(f, g)));
        let want_judged: BTreeSet<&str> = pkgs
            .iter()
            .filter(|p| known(p) && visible(p))
            .map(|p| p.name.as_str())
            .collect();
        let want_unjudged: BTreeSet<&str> = pkgs
            .iter()
            .filter(|p| known(p) && !visible(p))
            .map(|p| p.name.as_str())
            .collect();
        let mut args = vec!["--unused-deps"];
        args.extend(given.iter().map(String::as_str));
        let out = dir.run(&args);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        let ctx = format!("seed {seed}, paths {given:?}\nstdout:\n{stdout}stderr:\n{stderr}");
        let got_judged: BTreeSet<&str> = stdout
            .lines()
            .filter(|l| !l.starts_with(' '))
            .filter_map(|l| l.split(' ').next())
            .collect();
        let got_unjudged: BTreeSet<&str> = stderr
            .lines()
            .filter_map(|l| l.strip_prefix("pimports: not judged: "))
            .filter_map(|l| l.split(' ').next())
            .collect();
        assert_eq!(got_judged, want_judged, "judged\n{ctx}");
        assert_eq!(got_unjudged, want_unjudged, "not judged\n{ctx}");
        assert_eq!(
            out.status.code(),
            Some(if want_judged.is_empty() { 0 } else { 1 }),
            "{ctx}"
        );
    }
}

/// A target root that is not a regular file (a FIFO) is not read, so its
/// package is not judged: it was, and its dependency called unused (found
/// in review).
#[test]
fn package_with_a_fifo_for_a_root_is_not_judged() {
    let dir = Dir::pimports();
    dir.create(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nanyhow = \"1\"\n",
    );
    dir.mkdir("src");
    let fifo = dir.path().join("src/lib.rs");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let out = dir.run(&["--unused-deps"]);
    assert_eq!(util::text(&out.stdout), "");
    let err = util::text(&out.stderr);
    assert!(err.contains("not judged: app"), "{err}");
}
