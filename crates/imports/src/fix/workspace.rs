//! Unused entries of `[workspace.dependencies]`: keys no member inherits
//! (`x = { workspace = true }`, `x.workspace = true`, in any dependency
//! table), counting as gone the member entries that `--fix` removes, so
//! that one run leaves nothing to find.
//!
//! Only a workspace whose root and every member lie under the paths
//! given is judged: a member out of sight could inherit anything. The
//! members are the manifests below the root (nested workspaces aside),
//! `[workspace] members` (globs expanded here: the walk may have skipped
//! an ignored directory Cargo still builds) and path dependencies below
//! the root, followed from member to member. One that cannot be read or
//! parsed leaves the workspace unjudged.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::cargo::{DepKind, dep_tables, workspace_members};

/// An unused `[workspace.dependencies]` entry.
#[derive(Clone, Debug)]
pub struct Unused {
    /// The workspace root manifest.
    pub manifest: PathBuf,
    pub key: String,
    /// The package it names (`package = ".."`, else the key).
    pub package: String,
}

fn parse(path: &Path) -> Option<toml::Table> {
    std::fs::read_to_string(path).ok()?.parse().ok()
}

/// The unused `[workspace.dependencies]` entries of the workspace roots
/// among `manifests`. `roots`: the directories and files given;
/// `removed(manifest, kind, key)`: whether `--fix` removes that entry.
pub fn unused(
    manifests: &[PathBuf],
    roots: &[PathBuf],
    removed: &dyn Fn(&Path, DepKind, &str) -> bool,
) -> Vec<Unused> {
    let under = |p: &Path| roots.iter().any(|r| r.is_dir() && p.starts_with(r));
    let mut parsed: HashMap<PathBuf, Option<toml::Table>> = HashMap::new();
    let mut get = |p: &Path| -> Option<toml::Table> {
        parsed
            .entry(p.to_path_buf())
            .or_insert_with(|| parse(p))
            .clone()
    };
    // Workspace roots, and the directories of every root (for nesting).
    let mut ws_dirs: Vec<PathBuf> = Vec::new();
    let mut roots_found: Vec<(PathBuf, toml::Table)> = Vec::new();
    for m in manifests {
        // Most manifests (all of a vendor directory's) name no workspace:
        // a substring test spares parsing them a second time.
        let mentions =
            std::fs::read(m).is_ok_and(|b| memchr::memmem::find(&b, b"workspace").is_some());
        if mentions
            && let Some(t) = get(m)
            && t.get("workspace").is_some_and(|w| w.is_table())
        {
            let dir = m.parent().unwrap_or(Path::new(".")).to_path_buf();
            ws_dirs.push(dir);
            roots_found.push((m.clone(), t));
        }
    }
    let mut out = Vec::new();
    for (root_manifest, t) in roots_found {
        let Some(ws) = t.get("workspace").and_then(|w| w.as_table()) else {
            continue;
        };
        let Some(deps) = ws.get("dependencies").and_then(|d| d.as_table()) else {
            continue;
        };
        let root_dir = root_manifest
            .parent()
            .unwrap_or(Path::new("."))
            .to_path_buf();
        if deps.is_empty() || !under(&root_dir) {
            continue;
        }
        // Manifests of this workspace: below the root, not below a nested
        // workspace root.
        let nested = |m: &Path| {
            ws_dirs
                .iter()
                .any(|d| d != &root_dir && d.starts_with(&root_dir) && m.starts_with(d))
        };
        let mut todo: Vec<PathBuf> = manifests
            .iter()
            .filter(|m| m.starts_with(&root_dir) && !nested(m))
            .cloned()
            .collect();
        todo.extend(workspace_members(&root_dir, ws));
        let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
        let mut inherited: BTreeSet<String> = BTreeSet::new();
        let mut judged = true;
        while let Some(m) = todo.pop() {
            if !seen.insert(m.clone()) {
                continue;
            }
            if !under(&m) && m != root_manifest {
                judged = false; // a member out of sight
                break;
            }
            let Some(mt) = get(&m) else {
                judged = false; // cannot be read: it could inherit anything
                break;
            };
            let dir = m.parent().unwrap_or(Path::new("."));
            for (kind, never, table) in dep_tables(&mt) {
                for (key, spec) in table {
                    let inherits = spec.get("workspace").and_then(|w| w.as_bool()) == Some(true);
                    if inherits && (never || !removed(&m, kind, key)) {
                        inherited.insert(key.clone());
                    }
                    // Path dependencies below the root are members too.
                    if let Some(p) = spec.get("path").and_then(|p| p.as_str()) {
                        let pm = workdist::cli::lexical_join(dir, &Path::new(p).join("Cargo.toml"));
                        if pm.starts_with(&root_dir) && pm.is_file() && !nested(&pm) {
                            todo.push(pm);
                        }
                    }
                }
            }
        }
        if !judged {
            continue;
        }
        for (key, spec) in deps {
            if !inherited.contains(key) {
                out.push(Unused {
                    manifest: root_manifest.clone(),
                    key: key.clone(),
                    package: spec
                        .get("package")
                        .and_then(|p| p.as_str())
                        .unwrap_or(key)
                        .to_string(),
                });
            }
        }
    }
    out
}
