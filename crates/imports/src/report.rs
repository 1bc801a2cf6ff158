//! The reports: the per-file inventory (text, JSON Lines), crates by use,
//! unused and misplaced dependencies, the module graph (DOT) and its cycles.
//!
//! A cycle ([`Cycle`]) is between sibling module trees: every edge is
//! lifted to the children of the lowest common ancestor of its two ends,
//! so a child naming its parent, or a parent its children, never counts,
//! and `a::x -> b::y` with `b::z -> a` is the cycle `a <-> b`. Graph
//! tools that count parent/child pairs (the plain strongly connected sets
//! of the module graph, as pimports did) flag most crates: `use super::*`
//! in a child of a module that calls that child is the ordinary shape of
//! Rust code, not something to untangle. code-ranker leaves its
//! "contains" edges out for the same reason.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use globset::GlobMatcher;

use crate::analyze::{Class, FileReport, Site};
use crate::cargo::{DepKind, Package, TargetKind};
use crate::scan::SiteKind;

/// `--focus PATTERN`: a crate name, a path prefix or a glob.
pub struct Focus {
    prefix: String,
    glob: Option<GlobMatcher>,
}

impl Focus {
    pub fn new(pattern: &str) -> Result<Focus, globset::Error> {
        let glob = if pattern.contains(['*', '?', '[', '{']) {
            Some(globset::Glob::new(pattern)?.compile_matcher())
        } else {
            None
        };
        Ok(Focus {
            prefix: pattern.trim_start_matches("::").to_string(),
            glob,
        })
    }

    fn matches_path(&self, path: &str) -> bool {
        let path = path.trim_start_matches("::");
        match &self.glob {
            Some(g) => g.is_match(path),
            None => path == self.prefix || path.starts_with(&format!("{}::", self.prefix)),
        }
    }

    /// Whether the file's code (doc examples aside) names something that
    /// matches.
    pub fn matches(&self, file: &FileReport) -> bool {
        file.sites
            .iter()
            .filter(|s| s.kind != SiteKind::DocTest)
            .any(|s| {
                let external = match &s.class {
                    Class::Dependency { name, .. } => Some(name.as_str()),
                    Class::Workspace { package } => Some(package.as_str()),
                    _ => None,
                };
                self.matches_path(&s.path)
                    || self.matches_path(&s.resolved)
                    || external.is_some_and(|n| n == self.prefix)
            })
    }
}

fn is_import(s: &Site) -> bool {
    matches!(
        s.kind,
        SiteKind::Use | SiteKind::PubUse | SiteKind::ExternCrate
    )
}

/// One line per file: `path: import, import, ...` (imports as written,
/// flattened, each once), marked `-> ` when it matches the focus.
pub fn text(files: &[FileReport], focus: Option<&Focus>, only_focus: bool) -> String {
    let mut out = String::new();
    for f in files {
        let hit = focus.is_some_and(|fo| fo.matches(f));
        if only_focus && !hit {
            continue;
        }
        let mut seen = BTreeSet::new();
        let imports: Vec<String> = f
            .sites
            .iter()
            .filter(|s| is_import(s))
            .map(|s| match (&s.alias, s.kind) {
                (Some(a), _) => format!("{} as {a}", s.path),
                (None, _) => s.path.clone(),
            })
            .filter(|p| seen.insert(p.clone()))
            .collect();
        if focus.is_some() {
            out.push_str(if hit { "-> " } else { "   " });
        }
        let _ = write!(out, "{}:", f.path);
        if !imports.is_empty() {
            out.push(' ');
            out.push_str(&imports.join(", "));
        }
        if f.partial {
            out.push_str("  [partial]");
        }
        out.push('\n');
    }
    out
}

/// JSON Lines: one object per file.
pub fn json(files: &[FileReport], focus: Option<&Focus>, only_focus: bool) -> String {
    let mut out = String::new();
    for f in files {
        let hit = focus.is_some_and(|fo| fo.matches(f));
        if only_focus && !hit {
            continue;
        }
        let mut v = serde_json::to_value(f).unwrap_or_default();
        if focus.is_some() {
            v["focus"] = serde_json::Value::Bool(hit);
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

/// `--by-crate`: every crate named from outside the file's own crate.
pub fn by_crate(files: &[FileReport], packages: &[Package]) -> String {
    #[derive(Default)]
    struct Row {
        files: BTreeSet<String>,
        sites: usize,
    }
    let mut rows: BTreeMap<(u8, String), Row> = BTreeMap::new();
    for f in files {
        for s in &f.sites {
            let key = match &s.class {
                Class::Dependency { name, .. } => (0, name.clone()),
                Class::Workspace { package } => (0, package.replace('-', "_")),
                Class::Std { krate } => (1, krate.clone()),
                Class::Unresolved { name } => (2, name.clone()),
                Class::Local => continue,
            };
            let row = rows.entry(key).or_default();
            row.files.insert(f.path.clone());
            row.sites += 1;
        }
    }
    let mut out = String::from("crate\tfiles\tsites\tdeclared by\n");
    for ((group, name), row) in &rows {
        let declared = match group {
            1 => "(standard library)".to_string(),
            2 => "(not declared: unresolved)".to_string(),
            _ => {
                let mut by: Vec<String> = Vec::new();
                for p in packages {
                    for d in p.deps.iter().filter(|d| d.code_name == *name) {
                        by.push(format!(
                            "{} ({}{})",
                            p.name,
                            d.kind.as_str(),
                            if d.package != d.key {
                                format!(", package {}", d.package)
                            } else {
                                String::new()
                            }
                        ));
                    }
                }
                if by.is_empty() {
                    packages
                        .iter()
                        .find(|p| p.lib_name.as_deref() == Some(name.as_str()))
                        .map_or_else(
                            || "(workspace)".to_string(),
                            |p| format!("(workspace package {})", p.name),
                        )
                } else {
                    by.join(", ")
                }
            }
        };
        let _ = writeln!(
            out,
            "{name}\t{}\t{}\t{declared}",
            row.files.len(),
            row.sites
        );
    }
    out
}

/// One finding of `--unused-deps`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub package: String,
    pub manifest: String,
    pub dep: String,
    pub kind: DepKind,
    /// `unused` or `misplaced`.
    pub verdict: &'static str,
}

/// The sites in `files` that count as a use of dependency `dep` of `pkg`.
fn uses<'a>(
    files: &'a [FileReport],
    pkg: &Package,
    dep_key: &str,
    kind: DepKind,
) -> Vec<(&'a FileReport, &'a Site)> {
    let Some(d) = pkg.deps.iter().find(|d| d.key == dep_key && d.kind == kind) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.package.as_deref() == Some(pkg.name.as_str()))
    {
        for s in &f.sites {
            if let Class::Dependency {
                package,
                dep_kind,
                name,
            } = &s.class
                && *dep_kind == kind
                && ((*package == d.package && (*name == d.code_name || d.guessed))
                    || expands_to(package, &d.package))
            {
                out.push((f, s));
            }
        }
    }
    out
}

/// Whether code using the procedural-macro package `macros` uses package
/// `runtime` through the macros' expansion, by the naming convention of
/// such pairs: `serde_derive`'s `#[derive(Serialize)]` expands to code
/// naming `serde`, `borsh-derive`'s to `borsh`, `tokio-macros`' to `tokio`.
/// rustc counts the runtime crate used then, so `serde` beside a
/// `serde_derive` that is used is not unused, whether or not any code
/// names `serde` itself.
fn expands_to(macros: &str, runtime: &str) -> bool {
    const SUFFIXES: [&str; 6] = [
        "_derive",
        "_derive_internal",
        "_macros",
        "_macro",
        "_proc_macro",
        "_codegen",
    ];
    // `-` and `_` are the same in package names here.
    let same = |a: &[u8], b: &[u8]| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x == y || (*x == b'-' || *x == b'_') && (*y == b'-' || *y == b'_'))
    };
    let (m, r) = (macros.as_bytes(), runtime.as_bytes());
    m.len() > r.len()
        && same(&m[..r.len()], r)
        && SUFFIXES
            .iter()
            .any(|suffix| same(&m[r.len()..], suffix.as_bytes()))
}

/// Code that only exists for tests: a test-like target, `#[cfg(test)]`, a
/// doc test.
fn test_only(f: &FileReport, s: &Site) -> bool {
    s.cfg.test
        || s.kind == SiteKind::DocTest
        || (!f.targets.is_empty() && f.targets.iter().all(|t| t.is_test_like()))
}

/// `--unused-deps`: per package, dependencies no visible code uses, and
/// normal dependencies used only from test code.
///
/// A dependency mentioned in `[features]` as `dep/feature` is kept even if
/// no code names it: it is there to switch on a feature of a crate used
/// elsewhere in the graph. One only activated (`dep:x`) and never named is
/// unused.
pub fn unused_deps(
    files: &[FileReport],
    packages: &[Package],
    display: &dyn Fn(&std::path::Path) -> String,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in packages {
        let forwards: BTreeSet<String> = p
            .features
            .values()
            .flatten()
            .filter_map(|f| {
                f.split_once('/').map(|(d, _)| {
                    d.trim_end_matches('?')
                        .trim_start_matches("dep:")
                        .to_string()
                })
            })
            .collect();
        // Dev-dependencies are judged only where test code ships: a
        // published (vendored) crate often leaves its tests out, and its
        // dev-dependencies are then unused here but not in its repository.
        let has_test_code = p.targets.iter().any(|t| t.kind.is_test_like())
            || files
                .iter()
                .filter(|f| f.package.as_deref() == Some(p.name.as_str()))
                .any(|f| f.test_code);
        for d in &p.deps {
            if p.ignored.iter().any(|i| *i == d.key || *i == d.package) || forwards.contains(&d.key)
            {
                continue;
            }
            // `core`/`alloc`/`std` declared as dependencies: the crate is
            // built as part of the standard library (rustc-dep-of-std) and
            // uses them as the sysroot crates they stand in for.
            if matches!(
                d.code_name.as_str(),
                "core" | "alloc" | "std" | "compiler_builtins"
            ) || d.package.starts_with("rustc-std-workspace-")
            {
                continue;
            }
            if d.kind == DepKind::Dev && (!has_test_code || p.packaged) {
                continue;
            }
            // A dev-dependency that repeats a normal one (to add features
            // for tests, as `tokio = { features = ["test-util"] }`) is used
            // whenever the normal one is: test code's uses resolve to the
            // normal entry, under the dev entry's features.
            if d.kind == DepKind::Dev
                && p.deps.iter().any(|n| {
                    n.kind == DepKind::Normal
                        && n.key == d.key
                        && !uses(files, p, &n.key, DepKind::Normal).is_empty()
                })
            {
                continue;
            }
            let used = uses(files, p, &d.key, d.kind);
            let finding = |verdict| Finding {
                package: p.name.clone(),
                manifest: display(&p.manifest),
                dep: d.key.clone(),
                kind: d.kind,
                verdict,
            };
            if used.is_empty() {
                // A `links` dependency whose metadata the build script
                // reads (`DEP_OPENSSL_VERSION_NUMBER`) is needed even if no
                // code names it: only direct dependents get that metadata
                // (native-tls and openssl-sys; the compiler's lint calls
                // it unused, and removing it breaks the build).
                if d.links.as_deref().is_some_and(|l| build_script_reads(p, l)) {
                    continue;
                }
                // A crate whose build script emits `rustc-link-search` is
                // used by the link even if no code names it: Cargo passes
                // the directory on to every dependent (windows-targets'
                // import-library crates). Removing it breaks the link.
                if d.link_search {
                    continue;
                }
                out.push(finding("unused"));
            } else if d.kind == DepKind::Normal && used.iter().all(|(f, s)| test_only(f, s)) {
                out.push(finding("misplaced"));
            }
        }
    }
    out
}

/// Whether a build script of `p` reads the `DEP_<LINKS>_*` variables that
/// a dependency with `links = LINKS` gives its direct dependents.
fn build_script_reads(p: &Package, links: &str) -> bool {
    let var = format!("DEP_{}_", links.to_uppercase().replace('-', "_"));
    p.targets
        .iter()
        .filter(|t| t.kind == TargetKind::Build)
        .any(|t| std::fs::read_to_string(&t.root).is_ok_and(|text| text.contains(&var)))
}

pub fn render_findings(findings: &[Finding]) -> String {
    let mut out = String::new();
    let mut last = "";
    for f in findings {
        if f.manifest != last {
            let _ = writeln!(out, "{} ({})", f.package, f.manifest);
            last = &f.manifest;
        }
        match f.verdict {
            "misplaced" => {
                let _ = writeln!(
                    out,
                    "  misplaced: {} is a normal dependency used only from tests, benches or examples (make it a dev-dependency)",
                    f.dep
                );
            }
            _ => {
                let _ = writeln!(out, "  unused {} dependency: {}", f.kind.as_str(), f.dep);
            }
        }
    }
    out
}

/// `--explain DEP`: what counts as a use of DEP in each package.
pub fn explain(files: &[FileReport], packages: &[Package], dep: &str) -> String {
    let mut out = String::new();
    let want = dep.replace('-', "_");
    for p in packages {
        for d in p
            .deps
            .iter()
            .filter(|d| d.key == dep || d.package == dep || d.code_name == want)
        {
            let used = uses(files, p, &d.key, d.kind);
            let _ = writeln!(
                out,
                "{}: {} {} dependency {} (named `{}` in code): {} use(s)",
                p.name,
                d.kind.as_str(),
                if d.optional { "optional" } else { "" },
                d.key,
                d.code_name,
                used.len()
            );
            for (f, s) in used {
                let _ = writeln!(
                    out,
                    "  {}:{}:{}: {:?} {}{}",
                    f.path,
                    s.line,
                    s.column,
                    s.kind,
                    s.path,
                    if test_only(f, s) { " (test code)" } else { "" }
                );
            }
        }
    }
    if out.is_empty() {
        let _ = writeln!(out, "no package under these paths declares {dep}");
    }
    out
}

/// The module graph: per crate, an edge from a module to each module of the
/// same crate it names; and crate-to-crate edges within the analysed set.
pub struct Graph {
    /// crate name -> modules.
    pub modules: BTreeMap<String, BTreeSet<String>>,
    /// (crate, from module, to module).
    pub edges: BTreeSet<(String, String, String)>,
    pub crate_edges: BTreeSet<(String, String)>,
    /// The sites that make each of `edges`, in file and line order.
    pub sites: BTreeMap<(String, String, String), Vec<EdgeSite>>,
}

/// Where an edge of the module graph is written: the file, the position
/// and the path as the code writes it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EdgeSite {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub path: String,
    /// Test code: under `#[cfg(test)]`, or a doc test.
    pub test: bool,
}

pub fn graph(files: &[FileReport], packages: &[Package]) -> Graph {
    let mut g = Graph {
        modules: BTreeMap::new(),
        edges: BTreeSet::new(),
        crate_edges: BTreeSet::new(),
        sites: BTreeMap::new(),
    };
    // Two packages of one name (two versions side by side in a vendor
    // directory) are two crates: each is known by its directory too, so
    // that their modules and edges are never merged into false cycles.
    let mut seen = BTreeSet::new();
    let shared: BTreeSet<&str> = packages
        .iter()
        .filter(|p| !seen.insert(p.name.as_str()))
        .map(|p| p.name.as_str())
        .collect();
    let package_of = |f: &FileReport| -> Option<(String, &Package)> {
        let name = f.package.as_deref()?;
        let p = packages
            .iter()
            .filter(|p| p.name == name && (!shared.contains(name) || f.abs.starts_with(&p.dir)))
            .max_by_key(|p| p.dir.components().count())?;
        Some(if shared.contains(name) {
            (format!("{name} ({})", p.dir.display()), p)
        } else {
            (name.to_string(), p)
        })
    };
    // A crate per package: its library if it has one, else its binaries.
    let crate_key = |f: &FileReport| -> Option<String> {
        if f.module.is_empty() {
            return None;
        }
        let (key, p) = package_of(f)?;
        let has_lib = p.targets.iter().any(|t| t.kind == TargetKind::Lib);
        let kind = if has_lib {
            TargetKind::Lib
        } else {
            TargetKind::Bin
        };
        f.targets.contains(&kind).then_some(key)
    };
    let keyed: Vec<(String, &FileReport)> = files
        .iter()
        .filter_map(|f| Some((crate_key(f)?, f)))
        .collect();
    for (p, f) in &keyed {
        g.modules
            .entry(p.clone())
            .or_default()
            .insert(f.module.clone());
    }
    for (p, f) in &keyed {
        let Some(mods) = g.modules.get(p) else {
            continue;
        };
        let mut new_edges = Vec::new();
        for s in &f.sites {
            match &s.class {
                // A module re-exporting its own descendants (`pub use
                // child::Item` in a crate root) is not a dependency of the
                // parent on the child: leaving it out keeps every crate
                // with a facade from looking cyclic.
                Class::Local
                    if s.kind == SiteKind::PubUse
                        && s.resolved.starts_with(&format!("{}::", f.module)) => {}
                Class::Local => {
                    // The longest prefix of the resolved path that is a module.
                    let segs: Vec<&str> = s.resolved.split("::").collect();
                    let target = (1..=segs.len())
                        .rev()
                        .map(|n| segs[..n].join("::"))
                        .find(|m| mods.contains(m));
                    if let Some(t) = target
                        && t != f.module
                    {
                        new_edges.push(((p.clone(), f.module.clone(), t), s));
                    }
                }
                Class::Workspace { package } => {
                    g.crate_edges.insert((p.clone(), package.clone()));
                }
                Class::Dependency { package, .. }
                    if packages.iter().any(|q| q.name == *package) =>
                {
                    g.crate_edges.insert((p.clone(), package.clone()));
                }
                _ => {}
            }
        }
        for (edge, s) in new_edges {
            g.sites.entry(edge.clone()).or_default().push(EdgeSite {
                file: f.path.clone(),
                line: s.line,
                column: s.column,
                path: s.path.clone(),
                test: s.cfg.test || s.kind == SiteKind::DocTest,
            });
            g.edges.insert(edge);
        }
    }
    for sites in g.sites.values_mut() {
        sites.sort();
        sites.dedup();
    }
    g
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn dot(g: &Graph) -> String {
    let mut out = String::from("digraph pimports {\n  node [shape=box, fontname=\"monospace\"];\n");
    for (krate, mods) in &g.modules {
        let _ = writeln!(
            out,
            "  subgraph {} {{\n    label = {};",
            q(&format!("cluster_{krate}")),
            q(krate)
        );
        for m in mods {
            let _ = writeln!(out, "    {} [label={}];", q(&format!("{krate}::{m}")), q(m));
        }
        out.push_str("  }\n");
    }
    for (krate, from, to) in &g.edges {
        let _ = writeln!(
            out,
            "  {} -> {};",
            q(&format!("{krate}::{from}")),
            q(&format!("{krate}::{to}"))
        );
    }
    for (a, b) in &g.crate_edges {
        let _ = writeln!(
            out,
            "  {} -> {} [style=bold, color=blue];",
            q(&format!("{a}::crate")),
            q(&format!("{b}::crate"))
        );
    }
    out.push_str("}\n");
    out
}

/// One cycle of `--cycles`: sibling modules of one crate that depend on
/// each other.
///
/// What counts: each edge `a -> b` of the module graph (a module naming
/// another module of its crate, or an item of it) is lifted to the level
/// where the two modules part, the children of their lowest common
/// ancestor: `crate::a::x -> crate::b::y` is `crate::a -> crate::b`. With
/// `crate::b::z -> crate::a` beside it, the sibling trees `crate::a` and
/// `crate::b` need each other: neither can be understood, tested or moved
/// out alone, and that is a cycle (the strongly connected sets of the
/// lifted edges, within each parent). A module naming its parent or an
/// ancestor (`use super::*`, `crate::Error`), or a parent naming its own
/// descendants, is never part of a cycle: a parent owns its children, and
/// children using what their parent gathers is the ordinary shape of a
/// module tree. Test code (`#[cfg(test)]` items, doc tests) is left out:
/// a test reaching for a sibling's helpers does not tie the shipped
/// modules together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    pub krate: String,
    /// The sibling modules that depend on each other, sorted.
    pub members: Vec<String>,
    /// A shortest cycle through some of them (the one starting at the
    /// first member, of those as short): each step with the sites that
    /// make it.
    pub steps: Vec<(String, String, Vec<EdgeSite>)>,
}

/// `a` is `b` or one of its ancestors (module paths `crate::x::y`).
fn contains_module(a: &str, b: &str) -> bool {
    b.strip_prefix(a)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

/// `a -> b` lifted to the children of their lowest common ancestor;
/// `None` when one module contains the other.
fn lift(a: &str, b: &str) -> Option<(String, String)> {
    if contains_module(a, b) || contains_module(b, a) {
        return None;
    }
    let sa: Vec<&str> = a.split("::").collect();
    let sb: Vec<&str> = b.split("::").collect();
    let common = sa.iter().zip(&sb).take_while(|(x, y)| x == y).count();
    // Neither contains the other: both go on past the common part.
    if common >= sa.len() || common >= sb.len() {
        return None;
    }
    Some((sa[..=common].join("::"), sb[..=common].join("::")))
}

/// The cycles of every crate of `g` (see [`Cycle`]), by crate and first
/// member.
pub fn cycles(g: &Graph) -> Vec<Cycle> {
    let mut out = Vec::new();
    for krate in g.modules.keys() {
        let mut lifted: BTreeMap<(String, String), Vec<EdgeSite>> = BTreeMap::new();
        let from = (krate.clone(), String::new(), String::new());
        for ((k, a, b), sites) in g.sites.range(from..) {
            if k != krate {
                break;
            }
            let shipped = sites.iter().filter(|s| !s.test).cloned();
            if let Some(e) = lift(a, b) {
                lifted.entry(e).or_default().extend(shipped);
            }
        }
        let mut names: BTreeSet<&str> = BTreeSet::new();
        lifted.retain(|_, sites| !sites.is_empty());
        for (a, b) in lifted.keys() {
            names.insert(a);
            names.insert(b);
        }
        let names: Vec<&str> = names.into_iter().collect();
        let idx: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, m)| (*m, i)).collect();
        let mut adj = vec![Vec::new(); names.len()];
        for (a, b) in lifted.keys() {
            if let (Some(&i), Some(&j)) = (idx.get(a.as_str()), idx.get(b.as_str())) {
                adj[i].push(j);
            }
        }
        for mut comp in tarjan(&adj) {
            if comp.len() < 2 {
                continue;
            }
            // Indices follow the sorted names: sorted indices, sorted members.
            comp.sort_unstable();
            let ring = shortest_cycle(&adj, &comp);
            let steps = ring
                .iter()
                .zip(ring.iter().cycle().skip(1))
                .map(|(&i, &j)| {
                    let (a, b) = (names[i].to_string(), names[j].to_string());
                    let mut sites = lifted
                        .get(&(a.clone(), b.clone()))
                        .cloned()
                        .unwrap_or_default();
                    sites.sort();
                    sites.dedup();
                    (a, b, sites)
                })
                .collect();
            out.push(Cycle {
                krate: krate.clone(),
                members: comp.iter().map(|&i| names[i].to_string()).collect(),
                steps,
            });
        }
    }
    out.sort_by(|a, b| (&a.krate, &a.members).cmp(&(&b.krate, &b.members)));
    out
}

/// A shortest cycle within the strongly connected set `comp` (sorted, of
/// two or more nodes): its nodes in order, the first one the smallest
/// index that starts a cycle that short. Breadth-first from each node.
fn shortest_cycle(adj: &[Vec<usize>], comp: &[usize]) -> Vec<usize> {
    let inside: BTreeSet<usize> = comp.iter().copied().collect();
    let mut best: Vec<usize> = Vec::new();
    for &start in comp {
        let mut parent: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut found = None;
        'bfs: while let Some(u) = queue.pop_front() {
            let mut next: Vec<usize> = adj[u]
                .iter()
                .copied()
                .filter(|v| inside.contains(v))
                .collect();
            next.sort_unstable();
            for v in next {
                if v == start {
                    found = Some(u);
                    break 'bfs;
                }
                if let std::collections::btree_map::Entry::Vacant(e) = parent.entry(v) {
                    e.insert(u);
                    queue.push_back(v);
                }
            }
        }
        let Some(mut u) = found else { continue };
        let mut ring = vec![u];
        while u != start {
            match parent.get(&u) {
                Some(&p) => u = p,
                None => break,
            }
            ring.push(u);
        }
        ring.reverse();
        if best.is_empty() || ring.len() < best.len() {
            best = ring;
        }
        if best.len() == 2 {
            break;
        }
    }
    best
}

/// `--cycles`: each cycle's members on one line, then the steps of a
/// shortest cycle among them, each with up to three of the sites that
/// make it (`file:line:column path`).
pub fn render_cycles(cycles: &[Cycle]) -> String {
    const SHOWN: usize = 3;
    let mut out = String::new();
    for c in cycles {
        let _ = writeln!(out, "cycle in {}: {}", c.krate, c.members.join(" <-> "));
        for (a, b, sites) in &c.steps {
            let shown: Vec<String> = sites
                .iter()
                .take(SHOWN)
                .map(|s| format!("{}:{}:{} {}", s.file, s.line, s.column, s.path))
                .collect();
            let _ = write!(out, "  {a} -> {b}: {}", shown.join(", "));
            if sites.len() > SHOWN {
                let _ = write!(out, " (and {} more)", sites.len() - SHOWN);
            }
            out.push('\n');
        }
    }
    out
}

fn tarjan(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
    struct T<'a> {
        adj: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    impl T<'_> {
        // Iterative, so a long chain of modules cannot overflow the stack.
        fn run(&mut self, root: usize) {
            let mut work: Vec<(usize, usize)> = vec![(root, 0)];
            self.index[root] = Some(self.next);
            self.low[root] = self.next;
            self.next += 1;
            self.stack.push(root);
            self.on[root] = true;
            while let Some(&mut (v, ref mut i)) = work.last_mut() {
                if *i < self.adj[v].len() {
                    let w = self.adj[v][*i];
                    *i += 1;
                    match self.index[w] {
                        None => {
                            self.index[w] = Some(self.next);
                            self.low[w] = self.next;
                            self.next += 1;
                            self.stack.push(w);
                            self.on[w] = true;
                            work.push((w, 0));
                        }
                        Some(iw) if self.on[w] => self.low[v] = self.low[v].min(iw),
                        Some(_) => {}
                    }
                } else {
                    work.pop();
                    if let Some(&(u, _)) = work.last() {
                        self.low[u] = self.low[u].min(self.low[v]);
                    }
                    if Some(self.low[v]) == self.index[v] {
                        let mut comp = Vec::new();
                        while let Some(w) = self.stack.pop() {
                            self.on[w] = false;
                            comp.push(w);
                            if w == v {
                                break;
                            }
                        }
                        self.out.push(comp);
                    }
                }
            }
        }
    }
    let n = adj.len();
    let mut t = T {
        adj,
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if t.index[v].is_none() {
            t.run(v);
        }
    }
    t.out
}

#[cfg(test)]
mod tests {
    #[test]
    fn macro_packages_expand_to_their_runtime_crates() {
        for (m, r) in [
            ("serde_derive", "serde"),
            ("borsh-derive", "borsh"),
            ("tokio-macros", "tokio"),
            ("foo_bar-derive", "foo-bar"),
        ] {
            assert!(super::expands_to(m, r), "{m} {r}");
        }
        for (m, r) in [
            ("serde", "serde"),
            ("serde_json", "serde"),
            ("serde_derive", "serde_json"),
            ("serdex_derive", "serde"),
            ("é_derive", "é"),
            ("é_derive", "a"),
        ] {
            assert_eq!(super::expands_to(m, r), r == "é", "{m} {r}");
        }
    }

    use super::*;

    #[test]
    fn tarjan_finds_cycles_only() {
        let adj = vec![vec![1], vec![2], vec![0], vec![0]];
        let mut comps: Vec<Vec<usize>> = tarjan(&adj)
            .into_iter()
            .map(|mut c| {
                c.sort_unstable();
                c
            })
            .collect();
        comps.sort();
        assert_eq!(comps, vec![vec![0, 1, 2], vec![3]]);
    }

    #[test]
    fn focus_patterns() {
        let f = Focus::new("tokio::sync").expect("focus");
        assert!(f.matches_path("tokio::sync::mpsc"));
        assert!(f.matches_path("::tokio::sync"));
        assert!(!f.matches_path("tokio::synchronous"));
        let g = Focus::new("tokio::sync::*").expect("glob");
        assert!(g.matches_path("tokio::sync::Mutex"));
        assert!(!g.matches_path("tokio::net::TcpStream"));
    }
}
