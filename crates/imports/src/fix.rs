//! `--unused-deps` findings made actionable: where each one sits in its
//! manifest (line and column, for editors and bots: `--json`), the unused
//! entries of `[workspace.dependencies]` (a finding of their own), and
//! `--fix`, which edits the manifests: unused dependencies removed with
//! the `[features]` references that only served them, misplaced ones
//! moved to `[dev-dependencies]`, unused workspace entries removed;
//! `--fix --dry-run` shows the same as a unified diff and writes nothing.
//!
//! [`report`](crate::report) judges; this module locates and edits:
//! * [`edit`]: the toml_edit edits of one manifest text (formatting and
//!   comments kept) and the positions of entries;
//! * [`workspace`]: which `[workspace.dependencies]` no member inherits;
//! * [`atomic`]: which manifests may be rewritten, and the rewrite
//!   (temporary file, fsync, rename; never through a symbolic link);
//! * [`diff`]: the unified diff of `--dry-run`.
//!
//! Safety: only manifests under the paths given are touched; a manifest
//! that does not parse, or parses but would not after the edit, is
//! reported and left as it is; each error names the manifest and the run
//! goes on with the others (exit 2).

pub mod atomic;
pub mod diff;
pub mod edit;
pub mod workspace;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cargo::{DepKind, Package};
use crate::report::Finding;
use edit::Change;

/// What `--unused-deps` does with its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Report them.
    Check,
    /// `--fix`: report them and edit the manifests.
    Fix,
    /// `--fix --dry-run`: print the diff `--fix` would apply.
    DryRun,
}

/// What the run knows that this module needs.
pub struct Context<'a> {
    pub packages: &'a [Package],
    /// Every manifest the run read.
    pub manifests: &'a [PathBuf],
    /// The paths given, absolute.
    pub roots: &'a [PathBuf],
    /// Files that could not be read or scanned: a dependency only they
    /// use looks unused, so their packages' manifests are not fixed.
    pub unanalysed: &'a [PathBuf],
    pub display: &'a dyn Fn(&Path) -> String,
}

/// One finding as `--unused-deps --json` prints it (a JSON Lines record).
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub manifest: &'a str,
    /// 1-based line and column of the entry's key (its first occurrence).
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The package whose manifest it is (`null` for a workspace entry).
    pub package: Option<&'a str>,
    /// The key in the dependency table.
    pub dep: &'a str,
    /// The package the entry names (differs from `dep` when renamed).
    pub package_name: &'a str,
    /// `normal`, `dev`, `build`, or `workspace` for an entry of
    /// `[workspace.dependencies]`.
    pub kind: &'a str,
    /// `unused` or `misplaced`.
    pub verdict: &'a str,
}

/// A finding with what fixing and locating it needs.
struct Item {
    manifest: PathBuf,
    shown: String,
    package: Option<String>,
    dep: String,
    package_name: String,
    /// `None`: a `[workspace.dependencies]` entry.
    kind: Option<DepKind>,
    verdict: &'static str,
}

impl Item {
    fn change(&self) -> Change {
        match (self.kind, self.verdict) {
            (None, _) => Change::RemoveWorkspaceDep {
                key: self.dep.clone(),
            },
            (Some(_), "misplaced") => Change::MoveToDev {
                key: self.dep.clone(),
            },
            (Some(kind), _) => Change::Remove {
                kind,
                key: self.dep.clone(),
            },
        }
    }
}

/// Render `findings` (and the workspace ones found here) as text or JSON
/// Lines, and in `mode` Fix or DryRun edit the manifests. Returns the
/// output and whether anything was found. Per-manifest problems go to
/// `diag` (exit 2).
pub fn unused_deps(
    ctx: &Context,
    findings: &[Finding],
    json: bool,
    mode: Mode,
    diag: &workdist::Diagnostics,
) -> (String, bool) {
    let mut items: Vec<Item> = Vec::new();
    for f in findings {
        let pkg = ctx
            .packages
            .iter()
            .find(|p| p.name == f.package && (ctx.display)(&p.manifest) == f.manifest);
        let Some(pkg) = pkg else { continue };
        let package_name = pkg
            .deps
            .iter()
            .find(|d| d.key == f.dep && d.kind == f.kind)
            .map_or_else(|| f.dep.clone(), |d| d.package.clone());
        items.push(Item {
            manifest: pkg.manifest.clone(),
            shown: f.manifest.clone(),
            package: Some(f.package.clone()),
            dep: f.dep.clone(),
            package_name,
            kind: Some(f.kind),
            verdict: f.verdict,
        });
    }
    let removed = |m: &Path, kind: DepKind, key: &str| {
        items.iter().any(|i| {
            i.manifest == m && i.kind == Some(kind) && i.dep == key && i.verdict == "unused"
        })
    };
    let ws = workspace::unused(ctx.manifests, ctx.roots, &removed);
    let ws_items: Vec<Item> = ws
        .into_iter()
        .map(|u| Item {
            shown: (ctx.display)(&u.manifest),
            manifest: u.manifest,
            package: None,
            dep: u.key,
            package_name: u.package,
            kind: None,
            verdict: "unused",
        })
        .collect();

    let mut out = String::new();
    if mode == Mode::DryRun {
        // Only the diff: stdout goes to `patch -p1` or `git apply`.
    } else if json {
        let texts: BTreeMap<&Path, Option<String>> = items
            .iter()
            .chain(&ws_items)
            .map(|i| {
                (
                    i.manifest.as_path(),
                    std::fs::read_to_string(&i.manifest).ok(),
                )
            })
            .collect();
        for i in items.iter().chain(&ws_items) {
            let pos = texts
                .get(i.manifest.as_path())
                .and_then(|t| t.as_deref())
                .and_then(|t| edit::locate(t, i.kind, &i.dep));
            let r = Record {
                manifest: &i.shown,
                line: pos.map(|p| p.0),
                column: pos.map(|p| p.1),
                package: i.package.as_deref(),
                dep: &i.dep,
                package_name: &i.package_name,
                kind: i.kind.map_or("workspace", DepKind::as_str),
                verdict: i.verdict,
            };
            if let Ok(line) = serde_json::to_string(&r) {
                out.push_str(&line);
                out.push('\n');
            }
        }
    } else {
        out.push_str(&crate::report::render_findings(findings));
        let mut last = "";
        for i in &ws_items {
            if i.shown != last {
                let _ = writeln!(out, "workspace ({})", i.shown);
                last = &i.shown;
            }
            let _ = writeln!(
                out,
                "  unused workspace dependency: {} (no used member entry inherits it)",
                i.dep
            );
        }
    }
    let found = !items.is_empty() || !ws_items.is_empty();
    if mode == Mode::Check {
        return (out, found);
    }

    // Fix: one rewrite per manifest, in path order.
    let mut plans: BTreeMap<&Path, (String, Vec<Change>)> = BTreeMap::new();
    for i in items.iter().chain(&ws_items) {
        plans
            .entry(i.manifest.as_path())
            .or_insert_with(|| (i.shown.clone(), Vec::new()))
            .1
            .push(i.change());
    }
    for (manifest, (shown, changes)) in plans {
        let dir = manifest.parent().unwrap_or(Path::new(""));
        if let Some(f) = ctx.unanalysed.iter().find(|f| f.starts_with(dir)) {
            diag.error(format_args!(
                "{shown}: not fixed: {} could not be analysed, so what it uses is unknown",
                (ctx.display)(f)
            ));
            continue;
        }
        match fix_one(manifest, &changes, ctx.roots) {
            Ok((_, old, new)) if mode == Mode::DryRun => {
                let (a, b) = if Path::new(&shown).is_absolute() {
                    (shown.clone(), shown.clone())
                } else {
                    (format!("a/{shown}"), format!("b/{shown}"))
                };
                out.push_str(&diff::unified(&old, &new, &a, &b));
            }
            Ok(((target, perm), old, new)) => {
                if old == new {
                    continue;
                }
                match atomic::write(&target, new.as_bytes(), perm) {
                    // JSON Lines stay one record per finding.
                    Ok(()) if json => {}
                    Ok(()) => {
                        let moved = changes
                            .iter()
                            .filter(|c| matches!(c, Change::MoveToDev { .. }))
                            .count();
                        let _ = writeln!(
                            out,
                            "fixed {shown}: {} removed, {moved} moved to dev-dependencies",
                            changes.len() - moved
                        );
                    }
                    Err(e) => diag.error(format_args!("{shown}: not fixed: {e}")),
                }
            }
            Err(e) => diag.error(format_args!("{shown}: not fixed: {e}")),
        }
    }
    (out, found)
}

/// Why one manifest was not fixed.
#[derive(Debug, thiserror::Error)]
enum FixError {
    #[error(transparent)]
    Refused(#[from] atomic::Refusal),
    #[error("{0}")]
    Read(std::io::Error),
    #[error("{line}:{column}: not valid TOML: {message}")]
    Parse {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the edited manifest would not parse ({0}); left as it was")]
    Broken(String),
}

/// Where to write it (and its permission bits), the manifest's text and
/// the text after `changes`, if it may be rewritten.
fn fix_one(
    manifest: &Path,
    changes: &[Change],
    roots: &[PathBuf],
) -> Result<((atomic::Target, u32), String, String), FixError> {
    let target = atomic::check(manifest, roots)?;
    let (old, perm) = target.read().map_err(FixError::Read)?;
    let new = edit::apply(&old, changes).map_err(|e| {
        let (line, column) = crate::cargo::line_col(&old, e.span().map_or(0, |s| s.start));
        FixError::Parse {
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    // What cargo reads must still read: checked with the other parser.
    if let Err(e) = new.parse::<toml::Table>() {
        return Err(FixError::Broken(e.message().trim().to_string()));
    }
    Ok(((target, perm), old, new))
}
