//! The oracle for pimports' promise "every file judged": seeded random
//! Cargo workspaces whose generator knows the true answer.
//!
//! The generator builds packages (some in directories named `target`),
//! dependencies (renamed with `package = ..`, hyphenated, path
//! dependencies on other members) and a tree of modules per crate: files
//! `x.rs` and `x/mod.rs`, `#[path]` modules, inline modules holding `mod
//! y;`, with names drawn from a pool where `target` is common. Each used
//! dependency is used once, in a random module and form (`use`, a path in
//! code, a macro, a derive, `extern crate`, a type); unused ones appear
//! only in comments, strings, or behind a local module of the same name.
//! Real Cargo build directories (with `CACHEDIR.TAG`) hold `.rs` files
//! that use unused dependencies and must not be read.
//!
//! The truth comes from the generator alone, following the Rust
//! reference's rules for module files, never from pimports' code: which
//! file is which module (compared with `--json`, both engines), and which
//! dependencies nothing uses (compared with `--unused-deps`).
//!
//! `PIMPORTS_ORACLE_SEED` picks the first seed (default fixed),
//! `PIMPORTS_ORACLE_ITERS` the number of workspaces (default 12).
//! `PIMPORTS_ORACLE_CARGO=1` checks the generator itself (by hand, not in
//! CI: it compiles every workspace): dependencies become stub crates, and
//! rustc's `unused_crate_dependencies` lint (`cargo check`) must name
//! exactly the dependencies the generator calls unused.

mod util;

use std::collections::{BTreeMap, BTreeSet};

use util::{Dir, Rng, seed_from_env};

/// Module names; `target` (and other names of build-ish directories) often.
const MOD_NAMES: &[&str] = &[
    "target", "target", "target", "build", "debug", "release", "net", "util", "inner", "deps",
];
/// Dependency keys (code names are disjoint from module names).
const DEP_KEYS: &[&str] = &[
    "alpha", "beta-x", "gamma_y", "delta", "eps-lon", "zeta", "eta-core", "theta",
];

/// How a `mod x;` finds its file.
#[derive(Clone, Copy)]
enum ModFile {
    /// `x.rs`, children in `x/`.
    NonModRs,
    /// `x/mod.rs`, children in `x/`.
    ModRs,
    /// `#[path = "..."]`, relative to the declaring file's directory;
    /// children beside the file.
    PathAttr,
}

struct Module {
    name: String,
    /// Module path below `crate`.
    path: Vec<String>,
    /// The file holding this module's items.
    file: String,
    /// Where `mod y;` inside this module looks for `y.rs` / `y/mod.rs`.
    child_dir: String,
    inline: bool,
    /// How the parent declares it (`None` for inline modules and roots).
    decl: Option<(ModFile, Option<String>)>,
    items: Vec<String>,
    children: Vec<usize>,
}

struct Dep {
    key: String,
    code: String,
    used: bool,
    /// Written as `key = { path = ".." }` (a member) or a version.
    spec: String,
}

struct Package {
    name: String,
    dir: String,
    deps: Vec<Dep>,
    modules: Vec<Module>,
}

fn dirname(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => p[..i].to_string(),
        None => String::new(),
    }
}

/// `a/b/../c` as `a/c`.
fn normalize(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in p.split('/') {
        if c == ".." {
            out.pop();
        } else {
            out.push(c);
        }
    }
    out.join("/")
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}/{b}")
    }
}

struct Gen {
    rng: Rng,
    counter: usize,
    files: BTreeMap<String, String>,
    /// Every file the analysis must report, with its module
    /// (`crate::a::b`, empty when no target reaches it).
    modules: BTreeMap<String, String>,
    /// (package, dependency key) that nothing uses.
    unused: BTreeSet<(String, String)>,
    /// Compilable mode (`PIMPORTS_ORACLE_CARGO`): dependencies are stub
    /// crates in `stubs/`, no derives, no member dependencies.
    compile: bool,
    stubs: BTreeSet<String>,
    /// Files some module already is (two modules in one file would make
    /// the truth ambiguous).
    claimed: BTreeSet<String>,
}

impl Gen {
    fn next(&mut self) -> usize {
        self.counter += 1;
        self.counter
    }

    /// Add children to module `m` of `pkg`, `budget` modules at most.
    fn grow(&mut self, pkg: &mut Package, m: usize, depth: usize, budget: &mut usize) {
        let n = if depth > 3 { 0 } else { self.rng.below(3) };
        let mut taken: BTreeSet<String> = BTreeSet::new();
        for _ in 0..n {
            if *budget == 0 {
                return;
            }
            let name = self.rng.pick(MOD_NAMES).to_string();
            if !taken.insert(name.clone()) {
                continue;
            }
            *budget -= 1;
            let parent = &pkg.modules[m];
            let mut path = parent.path.clone();
            path.push(name.clone());
            let inline = self.rng.chance(25);
            let child = if inline {
                Module {
                    name: name.clone(),
                    path,
                    file: parent.file.clone(),
                    child_dir: join(&parent.child_dir, &name),
                    inline: true,
                    decl: None,
                    items: Vec::new(),
                    children: Vec::new(),
                }
            } else {
                // `#[path]` only outside inline modules (relative to the
                // file's directory there).
                let kind = match self.rng.below(3) {
                    2 if !parent.inline => ModFile::PathAttr,
                    1 => ModFile::ModRs,
                    _ => ModFile::NonModRs,
                };
                let (file, child_dir, attr) = match kind {
                    ModFile::NonModRs => {
                        let d = join(&parent.child_dir, &name);
                        (format!("{d}.rs"), d, None)
                    }
                    ModFile::ModRs => {
                        let d = join(&parent.child_dir, &name);
                        (join(&d, "mod.rs"), d, None)
                    }
                    ModFile::PathAttr => {
                        let k = self.next();
                        // A hidden directory and `..` too: the walk skips
                        // the one and must not be fooled by the other.
                        let rel = match self.rng.below(5) {
                            0 => format!("target/gen_{k}.rs"),
                            1 => format!("elsewhere/target/m_{k}.rs"),
                            2 => format!(".gen/h_{k}.rs"),
                            3 => format!("../target/up_{k}.rs"),
                            _ => format!("p_{k}.rs"),
                        };
                        let file = normalize(&join(&dirname(&parent.file), &rel));
                        (file.clone(), dirname(&file), Some(rel))
                    }
                };
                // `x.rs` and `x/mod.rs` side by side is an error for rustc:
                // a slot `dir/x` is claimed as well as the file.
                let slot = match kind {
                    ModFile::PathAttr => None,
                    _ => Some(format!("slot:{}", child_dir)),
                };
                if self.claimed.contains(&file)
                    || slot.as_ref().is_some_and(|s| self.claimed.contains(s))
                {
                    continue;
                }
                self.claimed.insert(file.clone());
                self.claimed.extend(slot);
                Module {
                    name: name.clone(),
                    path,
                    file,
                    child_dir,
                    inline: false,
                    decl: Some((kind, attr)),
                    items: Vec::new(),
                    children: Vec::new(),
                }
            };
            pkg.modules.push(child);
            let c = pkg.modules.len() - 1;
            pkg.modules[m].children.push(c);
            self.grow(pkg, c, depth + 1, budget);
        }
    }

    /// One use of dependency `code` as an item of a module.
    fn use_item(&mut self, code: &str) -> String {
        let k = self.next();
        let form = match self.rng.below(9) {
            5 if self.compile => 0,
            f => f,
        };
        match form {
            0 => format!("use {code}::Thing{k};"),
            1 => format!("use {code}::{{a{k}, b::C{k}}};"),
            2 => format!("use ::{code}::x{k} as y{k};"),
            3 => format!("pub fn f{k}() {{\n    let _ = {code}::call{k}();\n}}"),
            4 => format!("pub fn f{k}() {{\n    {code}::mac{k}!();\n}}"),
            5 => format!("#[derive({code}::Derive{k})]\npub struct S{k};"),
            6 => format!("extern crate {code};"),
            7 => format!("pub fn f{k}() -> {code}::Ty{k} {{\n    todo!()\n}}"),
            _ => format!("use {code} as alias{k};"),
        }
    }

    /// Something that mentions `code` without using the dependency.
    fn decoy(&mut self, code: &str) -> String {
        let k = self.next();
        match self.rng.below(4) {
            0 => format!("// use {code}::Commented{k};"),
            1 => format!("pub fn s{k}() -> &'static str {{\n    \"{code}::in_a_string\"\n}}"),
            2 => format!("/* {code}::in_a_block_comment */\npub struct B{k};"),
            // A local module of the same name shadows the crate in paths.
            _ => format!(
                "mod {code} {{\n    pub fn local{k}() {{}}\n}}\npub fn l{k}() {{\n    {code}::local{k}();\n}}"
            ),
        }
    }

    fn render(&self, pkg: &Package, m: usize, indent: usize) -> String {
        let pad = "    ".repeat(indent);
        let mut out = String::new();
        let module = &pkg.modules[m];
        for &c in &module.children {
            let child = &pkg.modules[c];
            if child.inline {
                out.push_str(&format!("{pad}pub mod {} {{\n", child.name));
                out.push_str(&self.render(pkg, c, indent + 1));
                out.push_str(&format!("{pad}}}\n"));
            } else {
                if let Some((_, Some(attr))) = &child.decl {
                    out.push_str(&format!("{pad}#[path = \"{attr}\"]\n"));
                }
                out.push_str(&format!("{pad}pub mod {};\n", child.name));
            }
        }
        for item in &module.items {
            for line in item.lines() {
                out.push_str(&format!("{pad}{line}\n"));
            }
        }
        out
    }

    fn package(&mut self, i: usize, members: &[Package]) -> Package {
        let name = format!("pk-{i}");
        let dir = match self.rng.below(4) {
            0 => name.clone(),
            1 => format!("crates/{name}"),
            2 => format!("tools/target/{name}"),
            _ => format!("crates/target/{name}"),
        };
        let mut deps = Vec::new();
        let mut keys: Vec<&str> = DEP_KEYS.to_vec();
        let n = 1 + self.rng.below(4);
        for _ in 0..n {
            let key = keys.remove(self.rng.below(keys.len())).to_string();
            let rel = "../".repeat(dir.split('/').count());
            let (key, spec) = if self.rng.chance(25) {
                // Renamed: code uses the key, not the package name.
                let k = format!("ren-{key}");
                let spec = if self.compile {
                    self.stubs.insert(format!("real-{key}"));
                    format!("{{ package = \"real-{key}\", path = \"{rel}stubs/real-{key}\" }}")
                } else {
                    format!("{{ package = \"real-{key}\", version = \"1\" }}")
                };
                (k, spec)
            } else if self.compile {
                self.stubs.insert(key.clone());
                let spec = format!("{{ path = \"{rel}stubs/{key}\" }}");
                (key, spec)
            } else {
                (key, "\"1\"".to_string())
            };
            deps.push(Dep {
                code: key.replace('-', "_"),
                key,
                used: self.rng.chance(60),
                spec,
            });
        }
        if let Some(other) = members
            .last()
            .filter(|_| !self.compile && self.rng.chance(50))
        {
            let rel = "../".repeat(dir.split('/').count());
            deps.push(Dep {
                key: other.name.clone(),
                code: other.name.replace('-', "_"),
                used: self.rng.chance(60),
                spec: format!("{{ path = \"{rel}{}\" }}", other.dir),
            });
        }
        let root = Module {
            name: String::new(),
            path: Vec::new(),
            file: join(&dir, "src/lib.rs"),
            child_dir: join(&dir, "src"),
            inline: false,
            decl: None,
            items: Vec::new(),
            children: Vec::new(),
        };
        self.claimed.insert(root.file.clone());
        let mut pkg = Package {
            name,
            dir,
            deps,
            modules: vec![root],
        };
        let mut budget = 8;
        self.grow(&mut pkg, 0, 0, &mut budget);
        // Place uses and decoys in random modules.
        for d in 0..pkg.deps.len() {
            let code = pkg.deps[d].code.clone();
            if pkg.deps[d].used {
                let m = self.rng.below(pkg.modules.len());
                let item = self.use_item(&code);
                pkg.modules[m].items.push(item);
            } else {
                self.unused
                    .insert((pkg.name.clone(), pkg.deps[d].key.clone()));
            }
            if self.rng.chance(50) {
                let m = self.rng.below(pkg.modules.len());
                // A shadowing module next to a `use` of the crate would be
                // ambiguous for rustc: decoys go where the dependency is not
                // used.
                let clash = pkg.modules[m].items.iter().any(|i| i.contains(&code));
                if !clash {
                    let item = self.decoy(&code);
                    pkg.modules[m].items.push(item);
                }
            }
        }
        pkg
    }

    fn write_package(&mut self, pkg: &Package) {
        let mut manifest = format!(
            "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n",
            pkg.name
        );
        for d in &pkg.deps {
            manifest.push_str(&format!("{} = {}\n", d.key, d.spec));
        }
        self.files.insert(join(&pkg.dir, "Cargo.toml"), manifest);
        for (m, module) in pkg.modules.iter().enumerate() {
            if module.inline {
                continue;
            }
            let text = self.render(pkg, m, 0);
            self.files.insert(module.file.clone(), text);
            let path = std::iter::once("crate".to_string())
                .chain(module.path.iter().cloned())
                .collect::<Vec<_>>()
                .join("::");
            self.modules.insert(module.file.clone(), path);
        }
        // A file no `mod` declares: reported, with no module.
        if self.rng.chance(30) {
            let f = join(&pkg.dir, "src/target/orphan.rs");
            if !self.files.contains_key(&f) {
                self.files.insert(f.clone(), "use std::fmt;\n".into());
                self.modules.insert(f, String::new());
            }
        }
        // The package's own build directory (built on its own once): Cargo
        // marks it with CACHEDIR.TAG; nothing in it is source.
        if self.rng.chance(50) {
            let unused = pkg.deps.iter().find(|d| !d.used);
            let text = unused.map_or("use std::io;\n".to_string(), |d| {
                format!("use {}::Generated;\n", d.code)
            });
            self.files
                .insert(join(&pkg.dir, "target/CACHEDIR.TAG"), CACHEDIR_TAG.into());
            self.files
                .insert(join(&pkg.dir, "target/debug/build/x-1/out/gen.rs"), text);
        }
    }
}

const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cargo.\n# For information about cache directory tags see https://bford.info/cachedir/\n";

/// A workspace and its truth.
fn generate(seed: u64, compile: bool) -> Gen {
    let mut g = Gen {
        rng: Rng::new(seed),
        counter: 0,
        files: BTreeMap::new(),
        modules: BTreeMap::new(),
        unused: BTreeSet::new(),
        compile,
        stubs: BTreeSet::new(),
        claimed: BTreeSet::new(),
    };
    let n = 1 + g.rng.below(3);
    let mut members: Vec<Package> = Vec::new();
    for i in 0..n {
        let p = g.package(i, &members);
        members.push(p);
    }
    let list: Vec<String> = members.iter().map(|p| format!("\"{}\"", p.dir)).collect();
    g.files.insert(
        "Cargo.toml".into(),
        format!(
            "[workspace]\nmembers = [{}]\nresolver = \"2\"\n",
            list.join(", ")
        ),
    );
    for p in &members {
        g.write_package(p);
    }
    // A git checkout whose .gitignore says `target/` (not `/target`):
    // Cargo builds what it ignores all the same, so modules, members and
    // their files are still judged; a file no `mod` reaches is left out,
    // as the user asked.
    if g.rng.chance(40) {
        g.files
            .insert(".git/HEAD".into(), "ref: refs/heads/main\n".into());
        g.files.insert(".gitignore".into(), "target/\n".into());
        g.modules
            .retain(|f, module| !module.is_empty() || !f.split('/').any(|c| c == "target"));
    }
    // The workspace's build directory.
    g.files
        .insert("target/CACHEDIR.TAG".into(), CACHEDIR_TAG.into());
    g.files.insert(
        "target/debug/build/y-2/out/bindings.rs".into(),
        "use generated::Thing;\n".into(),
    );
    // Stub crates with every item a use may name.
    let n = g.counter;
    for stub in std::mem::take(&mut g.stubs) {
        let mut lib = String::from("pub mod b {\n");
        for k in 1..=n {
            lib.push_str(&format!("    pub struct C{k};\n"));
        }
        lib.push_str("}\n");
        for k in 1..=n {
            lib.push_str(&format!(
                "pub struct Thing{k};\npub fn a{k}() {{}}\npub fn x{k}() {{}}\npub fn call{k}() {{}}\npub struct Ty{k};\n#[macro_export]\nmacro_rules! mac{k} {{\n    () => {{}};\n}}\n"
            ));
        }
        let file = format!("stubs/{stub}/src/lib.rs");
        g.files.insert(
            format!("stubs/{stub}/Cargo.toml"),
            format!("[package]\nname = \"{stub}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        g.files.insert(file.clone(), lib);
        g.modules.insert(file, "crate".into());
    }
    g
}

/// `(path, module)` of every file in pimports' JSON Lines.
fn json_modules(out: &str) -> BTreeMap<String, String> {
    out.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            (
                v["path"].as_str().expect("path").to_string(),
                v["module"].as_str().expect("module").to_string(),
            )
        })
        .collect()
}

/// `(package, dependency)` of every `unused` finding.
fn unused_findings(out: &str) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut pkg = String::new();
    for l in out.lines() {
        if let Some(rest) = l.strip_prefix("  ") {
            let dep = rest
                .rsplit_once(" dependency: ")
                .map(|(_, d)| d)
                .unwrap_or(rest);
            found.insert((pkg.clone(), dep.to_string()));
        } else {
            pkg = l.split(' ').next().unwrap_or("").to_string();
        }
    }
    found
}

fn check(seed: u64, compile: bool) -> Result<(), String> {
    let g = generate(seed, compile);
    let dir = Dir::pimports();
    for (path, text) in &g.files {
        dir.create(path, text);
    }
    let show = |what: &str, out: &std::process::Output| {
        format!(
            "{what}: exit {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let files = || {
        g.files
            .iter()
            .map(|(p, t)| format!("==> {p} <==\n{t}"))
            .collect::<String>()
    };
    for engine in [&[][..], &["--full-parse"]] {
        let mut args = vec!["--json"];
        args.extend(engine);
        let out = dir.run(&args);
        if out.status.code() != Some(0) || !out.stderr.is_empty() {
            return Err(format!("{}\n{}", show("--json", &out), files()));
        }
        let got = json_modules(&String::from_utf8_lossy(&out.stdout));
        if got != g.modules {
            let missing: Vec<_> = g
                .modules
                .iter()
                .filter(|(p, m)| got.get(*p) != Some(m))
                .collect();
            let extra: Vec<_> = got
                .iter()
                .filter(|(p, m)| g.modules.get(*p) != Some(m))
                .collect();
            return Err(format!(
                "files and modules differ ({engine:?}):\n  expected, not reported so: {missing:?}\n  reported, not expected so: {extra:?}\n{}",
                files()
            ));
        }
    }
    let out = dir.run(&["--unused-deps"]);
    let want_code = if g.unused.is_empty() { 0 } else { 1 };
    if out.status.code() != Some(want_code) || !out.stderr.is_empty() {
        return Err(format!(
            "expected exit {want_code}, unused {:?}\n{}\n{}",
            g.unused,
            show("--unused-deps", &out),
            files()
        ));
    }
    let got = unused_findings(&String::from_utf8_lossy(&out.stdout));
    if got != g.unused {
        return Err(format!(
            "unused dependencies differ:\n  expected {:?}\n  reported {:?}\n{}",
            g.unused,
            got,
            files()
        ));
    }
    if compile {
        // The generator's truth against rustc's own judgement.
        let mut cmd = std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()));
        cmd.current_dir(dir.path())
            .args([
                "check",
                "--offline",
                "--workspace",
                "--message-format",
                "short",
            ])
            .env("RUSTFLAGS", "-W unused-crate-dependencies")
            .env("CARGO_TARGET_DIR", dir.path().join("target"));
        let out = util::run_bounded(&mut cmd, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(0) {
            return Err(format!("cargo check failed:\n{stderr}\n{}", files()));
        }
        let mut rustc = BTreeSet::new();
        for l in stderr.lines() {
            // "warning: extern crate `alpha` is unused in crate `pk_0`"
            let Some(rest) = l.split("extern crate `").nth(1) else {
                continue;
            };
            let mut parts = rest.split('`');
            let (Some(ext), Some(krate)) = (parts.next(), parts.nth(1)) else {
                continue;
            };
            rustc.insert((krate.replace('_', "-"), ext.replace('_', "-")));
        }
        // Keys may keep `_` (gamma_y): compare in one spelling.
        let truth: BTreeSet<(String, String)> = g
            .unused
            .iter()
            .map(|(p, d)| (p.clone(), d.replace('_', "-")))
            .collect();
        if rustc != truth {
            return Err(format!(
                "rustc's unused_crate_dependencies differ from the generator:\n  generator {truth:?}\n  rustc {rustc:?}\n{stderr}\n{}",
                files()
            ));
        }
    }
    Ok(())
}

#[test]
fn every_reachable_file_is_judged_and_unused_deps_match_the_generator() {
    let first = seed_from_env("PIMPORTS_ORACLE_SEED", 20_261_128);
    let iters = seed_from_env("PIMPORTS_ORACLE_ITERS", 12);
    let compile = std::env::var_os("PIMPORTS_ORACLE_CARGO").is_some();
    for seed in first..first + iters {
        if let Err(e) = check(seed, compile) {
            panic!("PIMPORTS_ORACLE_SEED={seed} PIMPORTS_ORACLE_ITERS=1: {e}");
        }
    }
}
