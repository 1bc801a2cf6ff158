//! From scanned files and manifests to classified import sites.
//!
//! 1. Module paths: each target root is `crate`; `mod x;` declarations are
//!    followed to their files (`x.rs`, `x/mod.rs`, `#[path]`, inline module
//!    directories, the mod-rs / non-mod-rs rule), so every reachable file
//!    knows its module path and the targets that compile it.
//! 2. Classification: `crate::`, `self::`, `super::` resolve against the
//!    module path; a first segment that names something declared in the same
//!    module (a `mod`, an item, a `use` name) is local, which is how a local
//!    module that shadows a crate's name is told apart; then std/core/alloc,
//!    the package's dependencies under the names its code uses (renames,
//!    library names), other packages of the analysis, and else unresolved.
//!    A leading `::` means an external crate from edition 2018 on and the
//!    crate root before. Files are classified independently, in parallel
//!    on a rayon pool built here with the run's thread count.

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cargo::{Dep, DepKind, Package, TargetKind};
use crate::scan::{Cfg, FileScan, RawSite, ScopeId, SiteKind};

/// What a site refers to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Class {
    /// `std`, `core`, `alloc`, `proc_macro`, `test`.
    Std { krate: String },
    /// A dependency of the file's package.
    Dependency {
        package: String,
        dep_kind: DepKind,
        name: String,
    },
    /// Another package of the analysed workspace, not declared as a
    /// dependency.
    Workspace { package: String },
    /// Something of this crate.
    Local,
    /// None of the above (a glob-imported name, a macro-made module, an
    /// undeclared crate).
    Unresolved { name: String },
}

/// A classified site.
#[derive(Clone, Debug, Serialize)]
pub struct Site {
    pub kind: SiteKind,
    pub path: String,
    /// The path with `crate`/`self`/`super` resolved to `crate::...`.
    pub resolved: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    pub line: usize,
    pub column: usize,
    pub class: Class,
    pub cfg: Cfg,
}

/// One file's result.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    /// The path as shown (relative to the current directory when possible).
    pub path: String,
    #[serde(skip)]
    pub abs: PathBuf,
    pub package: Option<String>,
    /// The targets that compile this file.
    pub targets: Vec<TargetKind>,
    /// `crate::a::b`, or empty when no target reaches the file.
    pub module: String,
    pub bytes: u64,
    pub partial: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_error: Option<crate::scan::ParseFailure>,
    pub sites: Vec<Site>,
    /// Whether the file has test code (a `#[cfg(test)]` site or a doc
    /// test), counted before the report's filter dropped any site.
    #[serde(skip)]
    pub test_code: bool,
}

/// Where a file sits: its package, targets and module path.
#[derive(Clone, Debug, Default)]
struct Place {
    package: Option<usize>,
    targets: Vec<TargetKind>,
    module: Option<Vec<String>>,
    /// Reached only through `#[cfg(test)] mod x;` declarations: the whole
    /// file is test code.
    test: Option<bool>,
}

const STD: [&str; 5] = ["std", "core", "alloc", "proc_macro", "test"];

/// Follow `mod` declarations from every target root.
fn places(packages: &[Package], scans: &HashMap<PathBuf, FileScan>) -> HashMap<PathBuf, Place> {
    let mut out: HashMap<PathBuf, Place> = HashMap::new();
    for (pi, p) in packages.iter().enumerate() {
        for t in &p.targets {
            let mut stack: Vec<(PathBuf, Vec<String>, bool, bool)> =
                vec![(t.root.clone(), Vec::new(), true, false)];
            let mut seen = HashSet::new();
            while let Some((file, module, mod_rs, test)) = stack.pop() {
                if !seen.insert(file.clone()) {
                    continue;
                }
                let place = out.entry(file.clone()).or_default();
                place.package.get_or_insert(pi);
                if !place.targets.contains(&t.kind) {
                    place.targets.push(t.kind);
                }
                if place.module.is_none() {
                    place.module = Some(module.clone());
                }
                place.test = Some(place.test.unwrap_or(true) && test);
                let Some(scan) = scans.get(&file) else {
                    continue;
                };
                let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
                let own_dir = if mod_rs {
                    dir.clone()
                } else {
                    dir.join(file.file_stem().unwrap_or_default())
                };
                for m in &scan.mods {
                    let mut base = own_dir.clone();
                    for s in &m.scope {
                        base.push(s);
                    }
                    let (child, child_mod_rs) = match &m.path_attr {
                        // `..` resolved, so the file is known by the name
                        // the walk gave it.
                        Some(pa) if m.scope.is_empty() => {
                            (workdist::cli::lexical_join(&dir, Path::new(pa)), true)
                        }
                        Some(pa) => (workdist::cli::lexical_join(&base, Path::new(pa)), true),
                        None => {
                            let single = base.join(format!("{}.rs", m.name));
                            if scans.contains_key(&single) || single.is_file() {
                                (single, false)
                            } else {
                                (base.join(&m.name).join("mod.rs"), true)
                            }
                        }
                    };
                    let mut child_module = module.clone();
                    child_module.extend(m.scope.iter().cloned());
                    child_module.push(m.name.clone());
                    stack.push((child, child_module, child_mod_rs, test || m.cfg.test));
                }
            }
        }
    }
    out
}

/// The files `mod` declarations of the scanned files lead to (from each
/// target's root) that were not scanned and exist, sorted.
pub fn unscanned_modules(packages: &[Package], scans: &HashMap<PathBuf, FileScan>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = places(packages, scans)
        .into_keys()
        .filter(|f| !scans.contains_key(f) && f.is_file())
        .collect();
    out.sort();
    out
}

/// The files each package compiles (by index into `packages`): its
/// target roots and the files `mod` declarations reach from them, read
/// or not, found or not. A package's verdicts rest on all of them.
pub fn package_files(
    packages: &[Package],
    scans: &HashMap<PathBuf, FileScan>,
) -> Vec<BTreeSet<PathBuf>> {
    let mut out = vec![BTreeSet::new(); packages.len()];
    for (set, p) in out.iter_mut().zip(packages) {
        set.extend(p.targets.iter().map(|t| t.root.clone()));
    }
    for (file, place) in places(packages, scans) {
        if let Some(set) = place.package.and_then(|i| out.get_mut(i)) {
            set.insert(file);
        }
    }
    out
}

/// The package whose directory is the nearest ancestor of `file` (none
/// when that nearest manifest is one that did not read).
fn owner(dirs: &HashMap<&Path, Option<usize>>, file: &Path) -> Option<usize> {
    file.ancestors()
        .skip(1)
        .find_map(|d| dirs.get(d).copied())
        .flatten()
}

/// Classify every site of every file, on `threads` threads, keeping the
/// sites `keep` accepts (a report that reads only dependencies need not
/// hold the other seven in eight sites). `unread` are the directories of
/// manifests that did not read: the files under them belong to no
/// package, not to one further up.
pub fn analyze(
    packages: &[Package],
    scans: HashMap<PathBuf, FileScan>,
    display: &(dyn Fn(&Path) -> String + Sync),
    threads: usize,
    keep: &(dyn Fn(&Site) -> bool + Sync),
    unread: &[&Path],
) -> Vec<FileReport> {
    let places = places(packages, &scans);
    let mut dirs: HashMap<&Path, Option<usize>> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        // Two manifests in one directory cannot happen; keep the first.
        dirs.entry(p.dir.as_path()).or_insert(Some(i));
    }
    for d in unread {
        dirs.entry(d).or_insert(None);
    }
    // Library names of every package, for workspace-crate classification.
    let libs: HashMap<&str, &str> = packages
        .iter()
        .filter_map(|p| p.lib_name.as_deref().map(|l| (l, p.name.as_str())))
        .collect();
    // `extern crate x as y` at a crate root renames x for the whole crate.
    let mut extern_aliases: HashMap<usize, HashMap<String, String>> = HashMap::new();
    for (pi, p) in packages.iter().enumerate() {
        for t in &p.targets {
            if let Some(scan) = scans.get(&t.root) {
                for s in scan
                    .sites
                    .iter()
                    .filter(|s| s.kind == SiteKind::ExternCrate)
                {
                    if let Some(a) = &s.alias {
                        extern_aliases
                            .entry(pi)
                            .or_default()
                            .insert(a.clone(), s.path.clone());
                    }
                }
            }
        }
    }
    let classify = |(abs, scan): (PathBuf, FileScan)| {
        let mut place = places.get(&abs).cloned().unwrap_or_default();
        if place.package.is_none() {
            place.package = owner(&dirs, &abs);
        }
        let pkg = place.package.map(|i| &packages[i]);
        let module = place.module.clone();
        let test_file = place.test == Some(true);
        let ctx = Ctx {
            pkg,
            test_file,
            targets: &place.targets,
            module: module.as_deref(),
            scopes: &scan.scopes,
            names: &scan.names,
            cfg_names: &scan.cfg_names,
            use_names: &scan.use_names,
            libs: &libs,
            aliases: place.package.and_then(|i| extern_aliases.get(&i)),
        };
        let test_code = test_file || scan.test_code;
        let sites = scan
            .sites
            .iter()
            .map(|s| ctx.classify(s))
            .filter(|s| keep(s))
            .collect();
        FileReport {
            path: display(&abs),
            abs,
            package: pkg.map(|p| p.name.clone()),
            targets: place.targets.clone(),
            module: module.map_or_else(String::new, |m| {
                std::iter::once("crate".to_string())
                    .chain(m)
                    .collect::<Vec<_>>()
                    .join("::")
            }),
            bytes: scan.bytes,
            partial: scan.partial,
            parse_error: scan.failure.clone(),
            sites,
            test_code,
        }
    };
    // Every site of every file is classified independently: in parallel
    // (this was a third of a two-thread run when it was serial).
    let scans: Vec<(PathBuf, FileScan)> = scans.into_iter().collect();
    let run = || {
        let mut reports: Vec<FileReport> = scans.into_par_iter().map(classify).collect();
        reports.par_sort_by(|a, b| a.path.cmp(&b.path));
        reports
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
    {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

struct Ctx<'a> {
    pkg: Option<&'a Package>,
    /// The file is test code as a whole (see [`Place::test`]).
    test_file: bool,
    targets: &'a [TargetKind],
    module: Option<&'a [String]>,
    scopes: &'a [(ScopeId, String)],
    names: &'a BTreeMap<ScopeId, BTreeSet<String>>,
    cfg_names: &'a BTreeMap<ScopeId, BTreeMap<String, Vec<Cfg>>>,
    use_names: &'a BTreeMap<ScopeId, BTreeSet<String>>,
    libs: &'a HashMap<&'a str, &'a str>,
    aliases: Option<&'a HashMap<String, String>>,
}

impl Ctx<'_> {
    fn edition_2015(&self) -> bool {
        self.pkg.is_some_and(|p| p.edition == "2015")
    }

    /// The dependency kinds code at this site can use.
    fn visible(&self, site: &RawSite) -> Vec<DepKind> {
        let mut kinds = Vec::new();
        if self.targets.is_empty() {
            // Not reached from any target: assume ordinary code.
            kinds.push(DepKind::Normal);
        }
        for t in self.targets {
            for k in [DepKind::Normal, DepKind::Dev, DepKind::Build] {
                if t.sees(k) && !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
        }
        if (site.cfg.test || self.test_file || site.kind == SiteKind::DocTest)
            && !kinds.contains(&DepKind::Dev)
        {
            kinds.push(DepKind::Dev);
        }
        kinds
    }

    fn dep(&self, name: &str, site: &RawSite) -> Option<&Dep> {
        let pkg = self.pkg?;
        let visible = self.visible(site);
        let mut candidates: Vec<&Dep> = pkg.deps.iter().filter(|d| d.code_name == name).collect();
        if candidates.is_empty() {
            candidates = pkg
                .deps
                .iter()
                .filter(|d| d.alternate_names().iter().any(|n| n == name))
                .collect();
        }
        for k in [DepKind::Normal, DepKind::Build, DepKind::Dev] {
            if visible.contains(&k)
                && let Some(d) = candidates.iter().find(|d| d.kind == k)
            {
                return Some(d);
            }
        }
        None
    }

    fn external(&self, name: &str, site: &RawSite) -> Class {
        let name = self
            .aliases
            .and_then(|a| a.get(name))
            .map_or(name, String::as_str);
        if STD.contains(&name) {
            return Class::Std {
                krate: name.to_string(),
            };
        }
        if let Some(d) = self.dep(name, site) {
            return Class::Dependency {
                package: d.package.clone(),
                dep_kind: d.kind,
                name: name.to_string(),
            };
        }
        if let Some(p) = self.libs.get(name) {
            if self.pkg.is_none_or(|own| own.name != *p) {
                return Class::Workspace {
                    package: (*p).to_string(),
                };
            }
            return Class::Local; // the package's own library, from a bin or test
        }
        Class::Unresolved {
            name: name.to_string(),
        }
    }

    fn classify(&self, s: &RawSite) -> Site {
        let (class, resolved) = self.resolve(s);
        Site {
            kind: s.kind,
            path: s.path.clone(),
            resolved,
            alias: s.alias.clone(),
            line: s.line,
            column: s.column,
            class,
            cfg: if self.test_file && !s.cfg.test {
                Cfg {
                    test: true,
                    ..s.cfg.clone()
                }
            } else {
                s.cfg.clone()
            },
        }
    }

    fn resolve(&self, s: &RawSite) -> (Class, String) {
        let (leading, rest) = match s.path.strip_prefix("::") {
            Some(r) => (true, r),
            None => (false, s.path.as_str()),
        };
        let segs: Vec<&str> = rest.split("::").collect();
        let first = segs.first().copied().unwrap_or("");
        // The module the site is in, made only where needed: a site deep in
        // nested inline modules would otherwise cost its depth.
        let here = || {
            let mut here: Vec<String> = self.module.map(<[String]>::to_vec).unwrap_or_default();
            here.extend(crate::scan::scope_path(self.scopes, s.scope));
            here
        };
        let crate_path = |mods: &[String], tail: &[&str]| -> String {
            std::iter::once("crate")
                .chain(mods.iter().map(String::as_str))
                .chain(tail.iter().copied())
                .collect::<Vec<_>>()
                .join("::")
        };
        if s.kind == SiteKind::ExternCrate {
            if first == "self" {
                return (Class::Local, "crate".into());
            }
            return (self.external(first, s), s.path.clone());
        }
        match first {
            "crate" | "$crate" => return (Class::Local, crate_path(&[], &segs[1..])),
            "self" => return (Class::Local, crate_path(&here(), &segs[1..])),
            "super" => {
                let mut m = here();
                let mut i = 0;
                while segs.get(i) == Some(&"super") {
                    if m.pop().is_none() {
                        return (
                            Class::Unresolved {
                                name: "super".into(),
                            },
                            s.path.clone(),
                        );
                    }
                    i += 1;
                }
                return (Class::Local, crate_path(&m, &segs[i..]));
            }
            _ => {}
        }
        if leading {
            if self.edition_2015() {
                return (Class::Local, crate_path(&[], &segs));
            }
            return (self.external(first, s), s.path.clone());
        }
        // Declared in this module: local, even if a crate has the same
        // name. In code (not in a `use`), a name some `use` here brought in
        // also resolves through that import, which is a site of its own.
        let is_use = matches!(s.kind, SiteKind::Use | SiteKind::PubUse);
        let declared = self.names.get(&s.scope).is_some_and(|n| n.contains(first))
            || (!is_use
                && self
                    .use_names
                    .get(&s.scope)
                    .is_some_and(|n| n.contains(first)));
        if declared {
            return (Class::Local, crate_path(&here(), &segs));
        }
        // Declared here only under a cfg: local where that cfg holds; a
        // site under another cfg names the dependency, if there is one
        // (`#[cfg(feature = "log")] pub use log;` beside
        // `#[cfg(not(feature = "log"))] mod log { .. }`).
        if let Some(cfgs) = self.cfg_names.get(&s.scope).and_then(|n| n.get(first)) {
            if !cfgs.contains(&s.cfg)
                && let class @ Class::Dependency { .. } = self.external(first, s)
            {
                return (class, s.path.clone());
            }
            return (Class::Local, crate_path(&here(), &segs));
        }
        // Edition 2015: `use` paths start at the crate root.
        if self.edition_2015() && matches!(s.kind, SiteKind::Use | SiteKind::PubUse) {
            let class = self.external(first, s);
            if matches!(class, Class::Unresolved { .. }) {
                return (Class::Local, crate_path(&[], &segs));
            }
            return (class, s.path.clone());
        }
        (self.external(first, s), s.path.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_follow_mod_declarations() {
        let tmp = tempfile::tempdir().expect("tmp");
        let d = tmp.path();
        let w = |p: &str, t: &str| {
            let f = d.join(p);
            std::fs::create_dir_all(f.parent().expect("p")).expect("mkdir");
            std::fs::write(f, t).expect("write");
        };
        w(
            "Cargo.toml",
            "[package]\nname = \"demo\"\nedition = \"2021\"\n[dependencies]\nserde = \"1\"\n",
        );
        w(
            "src/lib.rs",
            "mod a; mod b; #[path = \"elsewhere/c.rs\"] mod c; mod inline { mod d; }",
        );
        w(
            "src/a.rs",
            "mod nested; use super::b::X; use serde::Serialize;",
        );
        w("src/a/nested.rs", "use crate::a::Y;");
        w("src/b/mod.rs", "pub struct X;");
        w("src/elsewhere/c.rs", "");
        w(
            "src/inline/d.rs",
            "use serde::Local; mod serde { pub struct Local; }",
        );
        let (pkgs, _) = crate::cargo::load(&[d.join("Cargo.toml")]);
        let mut scans = HashMap::new();
        for f in [
            "src/lib.rs",
            "src/a.rs",
            "src/a/nested.rs",
            "src/b/mod.rs",
            "src/elsewhere/c.rs",
            "src/inline/d.rs",
        ] {
            let p = d.join(f);
            scans.insert(
                p.clone(),
                crate::scan::scan(&std::fs::read(&p).expect("read")),
            );
        }
        let reports = analyze(
            &pkgs,
            scans,
            &|p: &Path| p.strip_prefix(d).expect("rel").display().to_string(),
            2,
            &|_| true,
            &[],
        );
        let modules: Vec<(&str, &str)> = reports
            .iter()
            .map(|r| (r.path.as_str(), r.module.as_str()))
            .collect();
        assert_eq!(
            modules,
            vec![
                ("src/a.rs", "crate::a"),
                ("src/a/nested.rs", "crate::a::nested"),
                ("src/b/mod.rs", "crate::b"),
                ("src/elsewhere/c.rs", "crate::c"),
                ("src/inline/d.rs", "crate::inline::d"),
                ("src/lib.rs", "crate"),
            ]
        );
        let a = &reports[0];
        assert_eq!(a.sites[0].resolved, "crate::b::X");
        assert_eq!(a.sites[0].class, Class::Local);
        assert_eq!(
            a.sites[1].class,
            Class::Dependency {
                package: "serde".into(),
                dep_kind: DepKind::Normal,
                name: "serde".into()
            }
        );
        // A local module named like a crate shadows it.
        let d_rs = &reports[4];
        assert_eq!(d_rs.sites[0].class, Class::Local);
        assert_eq!(d_rs.sites[0].resolved, "crate::inline::d::serde::Local");
    }
}
