//! Cargo manifests, read offline: packages, their targets, their
//! dependencies (with renames, workspace inheritance, target-specific
//! tables) and the names their code uses for them.
//!
//! No `cargo metadata`: the tool must work in a tree without a lock file,
//! without network, on vendored crates. Targets follow Cargo's auto-discovery
//! rules (`src/lib.rs`, `src/main.rs`, `src/bin/*`, `tests/*`, `benches/*`,
//! `examples/*`, `build.rs`) plus explicit `[lib]`, `[[bin]]`, ... tables.
//! The name code uses for a dependency is its key in the table (a rename
//! when `package = ".."` is given), with `-` turned into `_`, except when
//! the dependency's own manifest is at hand (a path dependency, a package
//! found under the same paths, or a copy that Cargo unpacked or a
//! `vendor/` directory holds: [`crate::registry`]) and names its library
//! differently (`[lib] name = ".."`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::registry::{DepManifest, Sources, read_manifest};

/// The kind of a dependency table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DepKind {
    Normal,
    Dev,
    Build,
}

/// The dependency tables of a manifest and their kinds (Cargo accepts both
/// spellings), in the order the analysis and `--fix` read them.
pub const DEP_TABLES: [(&str, DepKind); 5] = [
    ("dependencies", DepKind::Normal),
    ("dev-dependencies", DepKind::Dev),
    ("dev_dependencies", DepKind::Dev),
    ("build-dependencies", DepKind::Build),
    ("build_dependencies", DepKind::Build),
];

/// `cfg(any())` is never true: a `[target.'cfg(any())'.dependencies]`
/// table only pins versions; nothing under it is built. The analysis does
/// not read it and `--fix` leaves it alone.
pub fn never_built(cfg: &str) -> bool {
    let s: String = cfg.chars().filter(|c| !c.is_whitespace()).collect();
    s == "cfg(any())"
}

/// Every dependency table of a manifest, `[target.'cfg(..)'.x]` ones
/// included: (kind, under `cfg(any())`, table).
pub fn dep_tables(t: &toml::Table) -> Vec<(DepKind, bool, &toml::Table)> {
    let mut out = Vec::new();
    for (name, kind) in DEP_TABLES {
        if let Some(d) = t.get(name).and_then(|d| d.as_table()) {
            out.push((kind, false, d));
        }
        for (cfg, tt) in t
            .get("target")
            .and_then(|d| d.as_table())
            .into_iter()
            .flatten()
        {
            if let Some(d) = tt.get(name).and_then(|d| d.as_table()) {
                out.push((kind, never_built(cfg), d));
            }
        }
    }
    out
}

impl DepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DepKind::Normal => "normal",
            DepKind::Dev => "dev",
            DepKind::Build => "build",
        }
    }
}

/// The kind of a compilation target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Lib,
    Bin,
    Test,
    Bench,
    Example,
    Build,
}

impl TargetKind {
    /// Which dependency kinds code of this target can use.
    pub fn sees(self, dep: DepKind) -> bool {
        match self {
            TargetKind::Build => dep == DepKind::Build,
            TargetKind::Lib | TargetKind::Bin => dep == DepKind::Normal,
            TargetKind::Test | TargetKind::Bench | TargetKind::Example => dep != DepKind::Build,
        }
    }

    /// Code of this target only exists for tests, benches or examples.
    pub fn is_test_like(self) -> bool {
        matches!(
            self,
            TargetKind::Test | TargetKind::Bench | TargetKind::Example
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Lib => "lib",
            TargetKind::Bin => "bin",
            TargetKind::Test => "test",
            TargetKind::Bench => "bench",
            TargetKind::Example => "example",
            TargetKind::Build => "build",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Target {
    pub kind: TargetKind,
    pub name: String,
    pub root: PathBuf,
}

#[derive(Clone, Debug, Serialize)]
pub struct Dep {
    /// The key in the dependency table (the name code uses, before `-`
    /// becomes `_`).
    pub key: String,
    /// The package it names (`package = ".."`, else the key).
    pub package: String,
    pub kind: DepKind,
    pub optional: bool,
    /// A path dependency's directory.
    #[serde(skip)]
    pub path: Option<PathBuf>,
    /// The version requirement, if one is given.
    #[serde(skip)]
    pub req: Option<String>,
    /// The dependency's `links = ".."`, when its manifest is at hand.
    #[serde(skip)]
    pub links: Option<String>,
    /// Its build script emits `rustc-link-search` (see
    /// [`crate::registry::build_script_links`]).
    #[serde(skip)]
    pub link_search: bool,
    /// The name code uses, once resolved.
    pub code_name: String,
    /// The dependency's own manifest was not found, so `code_name` is the
    /// key with `-` made `_`, a guess; see [`Dep::alternate_names`].
    #[serde(skip)]
    pub guessed: bool,
}

impl Dep {
    /// Library names a dependency whose manifest is not at hand commonly
    /// has besides the guess: `md-5` is `md5`, `rust-argon2` is `argon2`,
    /// `foo-rs` is `foo`. Consulted only when no dependency has the name
    /// exactly.
    pub fn alternate_names(&self) -> Vec<String> {
        if !self.guessed {
            return Vec::new();
        }
        let k = self.key.as_str();
        let mut out = vec![k.replace(['-', '_'], "")];
        for s in [
            k.strip_prefix("rust-"),
            k.strip_suffix("-rs"),
            k.strip_suffix("-rust"),
        ]
        .into_iter()
        .flatten()
        {
            out.push(s.replace('-', "_"));
        }
        out.retain(|n| *n != self.code_name);
        out
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Package {
    pub name: String,
    pub dir: PathBuf,
    pub manifest: PathBuf,
    pub edition: String,
    /// The crate name of the library target, if there is one.
    pub lib_name: Option<String>,
    /// `links = ".."`.
    #[serde(skip)]
    pub links: Option<String>,
    /// Its build script emits `rustc-link-search`.
    #[serde(skip)]
    pub link_search: bool,
    pub targets: Vec<Target>,
    pub deps: Vec<Dep>,
    /// `[features]`: each feature and what it enables.
    pub features: BTreeMap<String, Vec<String>>,
    /// `[package.metadata.pimports] ignored = [..]` (and the workspace's).
    pub ignored: Vec<String>,
    /// A packaged crate (`Cargo.toml.orig` beside the manifest, as in a
    /// registry or `vendor/` directory): its tests and benches may have been
    /// left out of the package, so its dev-dependencies are not judged.
    pub packaged: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ManifestError {
    pub path: PathBuf,
    pub message: String,
}

fn err(path: &Path, message: impl Into<String>) -> ManifestError {
    ManifestError {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// What a workspace root provides to its members.
#[derive(Default, Clone, Debug)]
struct Workspace {
    deps: toml::Table,
    package: toml::Table,
    ignored: Vec<String>,
}

/// `ignored = [..]` in `[*.metadata.pimports]`, and in
/// `[*.metadata.cargo-machete]` so that a project already silencing a
/// dependency for cargo-machete need not say it twice.
fn ignored_list(meta: Option<&toml::Value>) -> Vec<String> {
    let Some(meta) = meta else {
        return Vec::new();
    };
    ["pimports", "cargo-machete"]
        .iter()
        .filter_map(|tool| meta.get(*tool))
        .flat_map(|t| {
            ["ignored", "ignore"]
                .iter()
                .filter_map(|k| t.get(*k).and_then(|v| v.as_array()))
        })
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Read every manifest in `manifests` (paths to `Cargo.toml`). Workspace
/// roots lend `[workspace.dependencies]` and `[workspace.package]` to
/// members below them. Virtual manifests produce no package.
pub fn load(manifests: &[PathBuf]) -> (Vec<Package>, Vec<ManifestError>) {
    let mut parsed: Vec<(PathBuf, toml::Table)> = Vec::new();
    let mut errors = Vec::new();
    for m in manifests {
        match std::fs::read_to_string(m) {
            Ok(text) => match text.parse::<toml::Table>() {
                Ok(t) => parsed.push((m.clone(), t)),
                Err(e) => {
                    // `path:line:column:` like a compiler, so editors jump there.
                    let (line, col) = line_col(&text, e.span().map_or(0, |s| s.start));
                    let mut at = m.clone().into_os_string();
                    at.push(format!(":{line}:{col}"));
                    errors.push(err(
                        Path::new(&at),
                        format!("not valid TOML: {}", e.message().trim()),
                    ));
                }
            },
            Err(e) => errors.push(err(m, e.to_string())),
        }
    }
    for (m, t) in &parsed {
        errors.extend(missing_members(m, t));
    }
    let workspaces: Vec<(PathBuf, Workspace)> = parsed
        .iter()
        .filter_map(|(m, t)| {
            let ws = t.get("workspace")?.as_table()?;
            Some((
                m.parent()?.to_path_buf(),
                Workspace {
                    deps: ws
                        .get("dependencies")
                        .and_then(|d| d.as_table())
                        .cloned()
                        .unwrap_or_default(),
                    package: ws
                        .get("package")
                        .and_then(|d| d.as_table())
                        .cloned()
                        .unwrap_or_default(),
                    ignored: ignored_list(ws.get("metadata")),
                },
            ))
        })
        .collect();
    let mut packages = Vec::new();
    for (m, t) in &parsed {
        let dir = m.parent().unwrap_or(Path::new(".")).to_path_buf();
        // The nearest workspace root at or above this manifest.
        let ws = workspaces
            .iter()
            .filter(|(root, _)| dir.starts_with(root))
            .max_by_key(|(root, _)| root.components().count())
            .map(|(_, w)| w.clone())
            .unwrap_or_default();
        match package(m, &dir, t, &ws) {
            Ok(Some(p)) => packages.push(p),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    resolve_code_names(&mut packages);
    (packages, errors)
}

/// The manifests of the `[workspace] members` of these manifests that
/// exist: Cargo builds them whatever ignore rules say.
pub fn member_manifests(manifests: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for m in manifests {
        let Some(t) = std::fs::read_to_string(m)
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
        else {
            continue;
        };
        if let Some(ws) = t.get("workspace").and_then(|w| w.as_table()) {
            out.extend(workspace_members(m.parent().unwrap_or(Path::new(".")), ws));
        }
    }
    out
}

/// `[workspace] members` of the root in `root_dir` (its `[workspace]`
/// table `ws`), globs expanded as Cargo expands them, as manifest paths
/// that exist.
pub fn workspace_members(root_dir: &Path, ws: &toml::Table) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let list = ws.get("members").and_then(|m| m.as_array());
    for m in list.into_iter().flatten().filter_map(|v| v.as_str()) {
        let mut dirs = vec![root_dir.to_path_buf()];
        for comp in Path::new(m).components() {
            let c = comp.as_os_str().to_string_lossy();
            if c.contains(['*', '?', '[']) {
                let Ok(glob) = globset::Glob::new(&c) else {
                    continue;
                };
                let glob = glob.compile_matcher();
                let mut next = Vec::new();
                for d in &dirs {
                    for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
                        if glob.is_match(e.file_name()) && e.path().is_dir() {
                            next.push(e.path());
                        }
                    }
                }
                dirs = next;
            } else {
                dirs = dirs
                    .iter()
                    .map(|d| workdist::cli::lexical_join(d, Path::new(comp.as_os_str())))
                    .collect();
            }
        }
        out.extend(
            dirs.into_iter()
                .map(|d| d.join("Cargo.toml"))
                .filter(|p| p.is_file()),
        );
    }
    out
}

/// `[workspace] members` that name no package: Cargo rejects such a
/// workspace, so they are errors (the members that exist are still read).
/// A glob member is expanded by Cargo to the directories that match; it
/// names nothing in particular and is not checked.
fn missing_members(manifest: &Path, t: &toml::Table) -> Vec<ManifestError> {
    let Some(members) = t
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
    else {
        return Vec::new();
    };
    let root = manifest.parent().unwrap_or(Path::new("."));
    members
        .iter()
        .filter_map(|m| m.as_str())
        .filter(|m| !m.contains(['*', '?', '[']))
        .filter(|m| !root.join(m).join("Cargo.toml").is_file())
        .map(|m| {
            err(
                manifest,
                format!(
                    "workspace member `{m}` has no manifest ({} not found)",
                    root.join(m).join("Cargo.toml").display()
                ),
            )
        })
        .collect()
}

fn package(
    manifest: &Path,
    dir: &Path,
    t: &toml::Table,
    ws: &Workspace,
) -> Result<Option<Package>, ManifestError> {
    let Some(pkg) = t.get("package").and_then(|p| p.as_table()) else {
        return Ok(None);
    };
    let name = pkg
        .get("name")
        .and_then(|n| n.as_str())
        .ok_or_else(|| err(manifest, "[package] has no name"))?
        .to_string();
    let inherited = |key: &str| -> Option<toml::Value> {
        match pkg.get(key) {
            Some(v) if v.get("workspace").and_then(|w| w.as_bool()) == Some(true) => {
                ws.package.get(key).cloned()
            }
            other => other.cloned(),
        }
    };
    let edition = inherited("edition")
        .and_then(|e| e.as_str().map(str::to_string))
        .unwrap_or_else(|| "2015".to_string());
    let mut deps = Vec::new();
    for (kind, never, table) in dep_tables(t) {
        // `cfg(any())` is never true: such a table only pins a version
        // (serde_json pins serde so), nothing is built.
        if never {
            continue;
        }
        for (key, spec) in table {
            let spec = match spec {
                toml::Value::Table(s)
                    if s.get("workspace").and_then(|w| w.as_bool()) == Some(true) =>
                {
                    // Inherit from the workspace, keeping local `optional`
                    // and `features`.
                    let mut merged = match ws.deps.get(key) {
                        Some(toml::Value::Table(w)) => w.clone(),
                        Some(toml::Value::String(v)) => {
                            let mut m = toml::Table::new();
                            m.insert("version".into(), toml::Value::String(v.clone()));
                            m
                        }
                        _ => toml::Table::new(),
                    };
                    for (k, v) in s {
                        if k != "workspace" {
                            merged.insert(k.clone(), v.clone());
                        }
                    }
                    toml::Value::Table(merged)
                }
                other => other.clone(),
            };
            let (package, optional, path, req) = match &spec {
                toml::Value::Table(s) => (
                    s.get("package")
                        .and_then(|p| p.as_str())
                        .unwrap_or(key)
                        .to_string(),
                    s.get("optional").and_then(|o| o.as_bool()).unwrap_or(false),
                    s.get("path").and_then(|p| p.as_str()).map(|p| dir.join(p)),
                    s.get("version")
                        .and_then(|v| v.as_str())
                        .map(str::to_string),
                ),
                toml::Value::String(v) => (key.clone(), false, None, Some(v.clone())),
                _ => (key.clone(), false, None, None),
            };
            // The same dependency in two target tables: keep one.
            if deps.iter().any(|d: &Dep| d.key == *key && d.kind == kind) {
                continue;
            }
            deps.push(Dep {
                key: key.clone(),
                package,
                kind,
                optional,
                path,
                req,
                links: None,
                link_search: false,
                code_name: key.replace('-', "_"),
                guessed: false,
            });
        }
    }
    let features = t
        .get("features")
        .and_then(|f| f.as_table())
        .map(|f| {
            f.iter()
                .map(|(k, v)| {
                    let list = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    (k.clone(), list)
                })
                .collect()
        })
        .unwrap_or_default();
    let (targets, lib_name) = targets(dir, &name, pkg, t);
    let mut ignored = ignored_list(pkg.get("metadata"));
    ignored.extend(ws.ignored.iter().cloned());
    Ok(Some(Package {
        name,
        dir: dir.to_path_buf(),
        manifest: manifest.to_path_buf(),
        edition,
        lib_name,
        links: pkg
            .get("links")
            .and_then(|l| l.as_str())
            .map(str::to_string),
        link_search: crate::registry::build_script_links(dir, &toml::Value::Table(pkg.clone())),
        targets,
        deps,
        features,
        ignored,
        packaged: dir.join("Cargo.toml.orig").is_file(),
    }))
}

/// Whether something is at `path` (Cargo discovers a target by its root's
/// name: a root that is not a regular file, a FIFO, is a target it cannot
/// read, not a missing one).
fn is_there(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// Cargo's target discovery.
fn targets(
    dir: &Path,
    name: &str,
    pkg: &toml::Table,
    t: &toml::Table,
) -> (Vec<Target>, Option<String>) {
    let mut out = Vec::new();
    let auto = |key: &str| pkg.get(key).and_then(|v| v.as_bool()).unwrap_or(true);
    // Library.
    let lib = t.get("lib").and_then(|l| l.as_table());
    let lib_path = lib
        .and_then(|l| l.get("path"))
        .and_then(|p| p.as_str())
        .map(|p| dir.join(p))
        .or_else(|| Some(dir.join("src/lib.rs")).filter(|p| is_there(p)));
    let mut lib_name = None;
    if let Some(root) = lib_path {
        let n = lib
            .and_then(|l| l.get("name"))
            .and_then(|n| n.as_str())
            .map_or_else(|| name.replace('-', "_"), str::to_string);
        lib_name = Some(n.clone());
        out.push(Target {
            kind: TargetKind::Lib,
            name: n,
            root,
        });
    }
    // Explicit [[bin]], [[test]], [[bench]], [[example]].
    let explicit = |key: &str, kind: TargetKind, default_dir: &str, out: &mut Vec<Target>| {
        if let Some(list) = t.get(key).and_then(|b| b.as_array()) {
            for b in list.iter().filter_map(|b| b.as_table()) {
                let n = b
                    .get("name")
                    .and_then(|n| n.as_str())
                    .unwrap_or(name)
                    .to_string();
                let root = b
                    .get("path")
                    .and_then(|p| p.as_str())
                    .map(|p| dir.join(p))
                    .unwrap_or_else(|| {
                        let single = dir.join(default_dir).join(format!("{n}.rs"));
                        if single.is_file() {
                            single
                        } else {
                            dir.join(default_dir).join(&n).join("main.rs")
                        }
                    });
                out.push(Target {
                    kind,
                    name: n,
                    root,
                });
            }
        }
    };
    explicit("bin", TargetKind::Bin, "src/bin", &mut out);
    explicit("test", TargetKind::Test, "tests", &mut out);
    explicit("bench", TargetKind::Bench, "benches", &mut out);
    explicit("example", TargetKind::Example, "examples", &mut out);
    let known: Vec<PathBuf> = out.iter().map(|t| t.root.clone()).collect();
    let add_auto = |kind: TargetKind, d: &str, out: &mut Vec<Target>| {
        let Ok(rd) = std::fs::read_dir(dir.join(d)) else {
            return;
        };
        let mut found: Vec<(String, PathBuf)> = rd
            .flatten()
            .filter_map(|e| {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "rs") && p.is_file() {
                    Some((p.file_stem()?.to_string_lossy().into_owned(), p))
                } else if p.join("main.rs").is_file() {
                    Some((
                        p.file_name()?.to_string_lossy().into_owned(),
                        p.join("main.rs"),
                    ))
                } else {
                    None
                }
            })
            .collect();
        found.sort();
        for (n, root) in found {
            if !known.contains(&root) {
                out.push(Target {
                    kind,
                    name: n,
                    root,
                });
            }
        }
    };
    if auto("autobins") {
        let main = dir.join("src/main.rs");
        if is_there(&main) && !known.contains(&main) {
            out.push(Target {
                kind: TargetKind::Bin,
                name: name.to_string(),
                root: main,
            });
        }
        add_auto(TargetKind::Bin, "src/bin", &mut out);
    }
    if auto("autotests") {
        add_auto(TargetKind::Test, "tests", &mut out);
    }
    if auto("autobenches") {
        add_auto(TargetKind::Bench, "benches", &mut out);
    }
    if auto("autoexamples") {
        add_auto(TargetKind::Example, "examples", &mut out);
    }
    // Build script.
    let build = match pkg.get("build") {
        Some(toml::Value::String(p)) => Some(dir.join(p)),
        Some(toml::Value::Boolean(false)) => None,
        _ => Some(dir.join("build.rs")).filter(|p| is_there(p)),
    };
    if let Some(root) = build {
        out.push(Target {
            kind: TargetKind::Build,
            name: "build-script-build".into(),
            root,
        });
    }
    (out, lib_name)
}

/// A dependency whose manifest we have (a path dependency, a package
/// found under the same paths, a copy Cargo unpacked) is known by its
/// library's real name, and its `links` is known.
fn resolve_code_names(packages: &mut [Package]) {
    let known = |p: &Package| DepManifest {
        lib: p.lib_name.clone().unwrap_or_default(),
        links: p.links.clone(),
        link_search: p.link_search,
    };
    let by_name: HashMap<String, DepManifest> = packages
        .iter()
        .map(|p| (p.name.clone(), known(p)))
        .collect();
    let by_dir: HashMap<PathBuf, DepManifest> =
        packages.iter().map(|p| (p.dir.clone(), known(p))).collect();
    let mut sources: Option<Sources> = None;
    for p in packages.iter_mut() {
        for d in &mut p.deps {
            if d.key != d.package {
                continue; // renamed: code uses the key
            }
            let found = match &d.path {
                Some(path) => by_dir.get(path).cloned().or_else(|| read_manifest(path)),
                None => by_name.get(&d.package).cloned().or_else(|| {
                    // A copy of the dependency Cargo has unpacked or a
                    // vendor directory has, else a guess.
                    sources.get_or_insert_with(Sources::new).manifest(
                        &p.dir,
                        &d.package,
                        d.req.as_deref(),
                    )
                }),
            };
            match found {
                Some(m) => {
                    // A package without a library keeps the key's name.
                    if !m.lib.is_empty() {
                        d.code_name = m.lib;
                    }
                    d.links = m.links;
                    d.link_search = m.link_search;
                }
                None => d.guessed = d.path.is_none(),
            }
        }
    }
}

/// 1-based line and column (in characters) of byte offset `at` in `text`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, path: &str, text: &str) {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    #[test]
    fn deps_renames_workspace_inheritance_and_lib_names() {
        let tmp = tempfile::tempdir().expect("tmp");
        let d = tmp.path();
        write(
            d,
            "Cargo.toml",
            "[workspace]\nmembers = [\"app\", \"util\"]\n[workspace.dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\n[workspace.package]\nedition = \"2021\"\n[workspace.metadata.pimports]\nignored = [\"openssl-sys\"]\n",
        );
        write(
            d,
            "app/Cargo.toml",
            "[package]\nname = \"app\"\nedition.workspace = true\n[dependencies]\nserde = { workspace = true, optional = true }\nmy-util = { path = \"../util\" }\nrandom = { package = \"rand\", version = \"0.8\" }\nfoo-bar = \"1\"\n[dev-dependencies]\ntempfile = \"3\"\n[build-dependencies]\ncc = \"1\"\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n[features]\nser = [\"dep:serde\"]\n",
        );
        write(d, "app/src/main.rs", "fn main() {}");
        write(d, "app/src/bin/tool.rs", "fn main() {}");
        write(d, "app/tests/it.rs", "");
        write(d, "app/build.rs", "fn main() {}");
        write(
            d,
            "util/Cargo.toml",
            "[package]\nname = \"my-util\"\n[lib]\nname = \"utilities\"\n",
        );
        write(d, "util/src/lib.rs", "");
        let manifests = vec![
            d.join("Cargo.toml"),
            d.join("app/Cargo.toml"),
            d.join("util/Cargo.toml"),
        ];
        let (pkgs, errors) = load(&manifests);
        assert!(errors.is_empty(), "{errors:?}");
        let app = pkgs.iter().find(|p| p.name == "app").expect("app");
        assert_eq!(app.edition, "2021");
        assert_eq!(app.ignored, vec!["openssl-sys".to_string()]);
        let code: Vec<(String, String, DepKind, bool)> = app
            .deps
            .iter()
            .map(|d| (d.code_name.clone(), d.package.clone(), d.kind, d.optional))
            .collect();
        assert!(code.contains(&("serde".into(), "serde".into(), DepKind::Normal, true)));
        assert!(code.contains(&("utilities".into(), "my-util".into(), DepKind::Normal, false)));
        assert!(code.contains(&("random".into(), "rand".into(), DepKind::Normal, false)));
        assert!(code.contains(&("foo_bar".into(), "foo-bar".into(), DepKind::Normal, false)));
        assert!(code.contains(&("tempfile".into(), "tempfile".into(), DepKind::Dev, false)));
        assert!(code.contains(&("cc".into(), "cc".into(), DepKind::Build, false)));
        assert!(code.contains(&("libc".into(), "libc".into(), DepKind::Normal, false)));
        let kinds: Vec<(TargetKind, String)> = app
            .targets
            .iter()
            .map(|t| (t.kind, t.name.clone()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (TargetKind::Bin, "app".into()),
                (TargetKind::Bin, "tool".into()),
                (TargetKind::Test, "it".into()),
                (TargetKind::Build, "build-script-build".into()),
            ]
        );
        let util = pkgs.iter().find(|p| p.name == "my-util").expect("util");
        assert_eq!(util.lib_name.as_deref(), Some("utilities"));
    }

    #[test]
    fn a_broken_manifest_is_an_error_with_its_path() {
        let tmp = tempfile::tempdir().expect("tmp");
        write(tmp.path(), "Cargo.toml", "[package\nname = ");
        let (pkgs, errors) = load(&[tmp.path().join("Cargo.toml")]);
        assert!(pkgs.is_empty());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("Cargo.toml"));
    }
}
