//! The manifests of dependencies that are not under the analysed paths:
//! Cargo's unpacked registry sources (`$CARGO_HOME/registry/src/*/NAME-VERSION`)
//! and `vendor/` directories (`vendor/NAME`, `vendor/NAME-VERSION`) in the
//! package's directory or above it up to its workspace root (the nearest
//! directory with a `Cargo.lock`; only the package's own without one). From them the name a dependency's
//! library really has: `redox_syscall` is the library `syscall`,
//! `md-5` is `md5`, which a guess from the package name gets wrong.
//!
//! The version is the one the workspace's `Cargo.lock` records, when it
//! records exactly one; else the highest version present that the
//! requirement's first number allows (caret rules). Nothing is fetched or
//! unpacked: a dependency found nowhere keeps the guess.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Unpacked sources, indexed by package name.
#[derive(Default)]
pub struct Sources {
    /// Package name -> (version, directory) of each copy seen.
    copies: HashMap<String, Vec<(Version, PathBuf)>>,
    /// The vendor directories already listed.
    vendors: Vec<PathBuf>,
    /// `Cargo.lock` files read: path -> package name -> versions.
    locks: HashMap<PathBuf, HashMap<String, Vec<Version>>>,
    /// Manifests already read, by directory.
    read: HashMap<PathBuf, Option<DepManifest>>,
}

/// What is read from a dependency's manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepManifest {
    /// Its library's name: `[lib] name`, else the package name with `-`
    /// made `_`.
    pub lib: String,
    /// `links = ".."`: the native library whose metadata its build script
    /// passes to dependents' build scripts as `DEP_<LINKS>_*`.
    pub links: Option<String>,
    /// Its build script emits `rustc-link-search`, which Cargo passes on
    /// to the link of every crate that depends on it.
    pub link_search: bool,
}

/// A version's numbers (`1.2.3-beta` is `[1, 2, 3]`).
type Version = Vec<u64>;

fn version(text: &str) -> Option<Version> {
    let core = text.split(['-', '+']).next()?;
    let v: Option<Version> = core.split('.').map(|n| n.parse().ok()).collect();
    v.filter(|v| !v.is_empty())
}

/// `NAME-1.2.3` as (NAME, version): the first `-` followed by three
/// numbers (`md-5-0.10.6` is `md-5`).
fn split_dir_name(dir: &str) -> Option<(&str, Version)> {
    dir.match_indices('-').find_map(|(i, _)| {
        let rest = &dir[i + 1..];
        let core = rest.split(['-', '+']).next()?;
        let numbers = core.split('.').collect::<Vec<_>>();
        let three = numbers.len() == 3
            && numbers
                .iter()
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if i == 0 || !three {
            return None;
        }
        Some((&dir[..i], version(rest)?))
    })
}

/// Whether `v` meets requirement `req` as far as its first number goes:
/// `1.x` for `1.2`, `0.9.x` for `0.9.2`, anything for `*` or a range.
fn allows(req: &str, v: &Version) -> bool {
    let req = req.trim();
    let exact = req.trim_start_matches(['^', '~', '=', ' ']);
    if req.contains([',', '<', '>', '*']) {
        return true;
    }
    let Some(want) = version(exact) else {
        return true;
    };
    let n = |v: &Version, i: usize| v.get(i).copied().unwrap_or(0);
    if n(&want, 0) > 0 {
        n(v, 0) == n(&want, 0)
    } else if want.len() >= 2 && n(&want, 1) > 0 {
        n(v, 0) == 0 && n(v, 1) == n(&want, 1)
    } else {
        n(v, 0) == 0 && (want.len() < 2 || n(v, 1) == 0)
    }
}

impl Sources {
    /// The registry sources of `$CARGO_HOME` (else `~/.cargo`).
    pub fn new() -> Sources {
        let mut s = Sources::default();
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
        if let Some(home) = home
            && let Ok(indexes) = std::fs::read_dir(home.join("registry").join("src"))
        {
            for index in indexes.flatten() {
                let Ok(crates) = std::fs::read_dir(index.path()) else {
                    continue;
                };
                for c in crates.flatten() {
                    let name = c.file_name();
                    if let Some((pkg, v)) = name.to_str().and_then(split_dir_name) {
                        s.copies
                            .entry(pkg.to_string())
                            .or_default()
                            .push((v, c.path()));
                    }
                }
            }
        }
        s
    }

    /// List `dir/vendor` once.
    fn vendor(&mut self, dir: &Path) {
        let vendor = dir.join("vendor");
        if self.vendors.contains(&vendor) {
            return;
        }
        self.vendors.push(vendor.clone());
        let Ok(entries) = std::fs::read_dir(&vendor) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            let Some(name) = e.file_name().to_str().map(str::to_string) else {
                continue;
            };
            // `cargo vendor` names a copy `NAME`, or `NAME-VERSION` when
            // several versions are vendored; the manifest says which.
            let Some((pkg, v)) = manifest_name_version(&path) else {
                continue;
            };
            if name == pkg || split_dir_name(&name).is_some_and(|(n, _)| n == pkg) {
                self.copies.entry(pkg).or_default().push((v, path));
            }
        }
    }

    /// The versions of `package` in the `Cargo.lock` nearest above `dir`.
    fn locked(&mut self, dir: &Path, package: &str) -> Vec<Version> {
        let Some(lock) = dir
            .ancestors()
            .map(|d| d.join("Cargo.lock"))
            .find(|l| l.is_file())
        else {
            return Vec::new();
        };
        let table = self
            .locks
            .entry(lock.clone())
            .or_insert_with(|| read_lock(&lock));
        table.get(package).cloned().unwrap_or_default()
    }

    /// The manifest of dependency `package` (requirement `req`) of the
    /// package in `dir`, if a copy of it is at hand.
    pub fn manifest(
        &mut self,
        dir: &Path,
        package: &str,
        req: Option<&str>,
    ) -> Option<DepManifest> {
        // `vendor/` directories of the package and of the directories up
        // to its workspace root (the nearest with a `Cargo.lock`), never
        // above: a `vendor/` someone planted in `/tmp` must not change the
        // verdicts.
        let root = dir
            .ancestors()
            .find(|d| d.join("Cargo.lock").is_file())
            .unwrap_or(dir);
        for d in dir.ancestors() {
            self.vendor(d);
            if d == root {
                break;
            }
        }
        let locked = self.locked(dir, package);
        let copies = self.copies.get(package)?;
        let pick = match locked.as_slice() {
            [one] => copies.iter().find(|(v, _)| v == one),
            _ => None,
        }
        .or_else(|| {
            copies
                .iter()
                .filter(|(v, _)| req.is_none_or(|r| allows(r, v)))
                .max_by(|a, b| a.0.cmp(&b.0))
        })?;
        let path = pick.1.clone();
        self.read
            .entry(path.clone())
            .or_insert_with(|| read_manifest(&path))
            .clone()
    }
}

/// The package name and version in `dir/Cargo.toml`.
fn manifest_name_version(dir: &Path) -> Option<(String, Version)> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let t: toml::Table = text.parse().ok()?;
    let p = t.get("package")?.as_table()?;
    Some((
        p.get("name")?.as_str()?.to_string(),
        version(p.get("version")?.as_str()?)?,
    ))
}

/// The manifest in `dir`; `None` if it has none that reads.
pub fn read_manifest(dir: &Path) -> Option<DepManifest> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let t: toml::Table = text.parse().ok()?;
    let package = t.get("package")?;
    let links = package
        .get("links")
        .and_then(|l| l.as_str())
        .map(str::to_string);
    let lib = match t
        .get("lib")
        .and_then(|l| l.get("name"))
        .and_then(|n| n.as_str())
    {
        Some(n) => n.to_string(),
        None => package.get("name")?.as_str()?.replace('-', "_"),
    };
    Some(DepManifest {
        lib,
        links,
        link_search: build_script_links(dir, package),
    })
}

/// Whether the build script of the package in `dir` (`[package] build`,
/// else `build.rs`) emits `rustc-link-search`: windows-targets'
/// `windows_x86_64_gnu` and its kind exist only for that; no code names
/// them.
pub fn build_script_links(dir: &Path, package: &toml::Value) -> bool {
    let script = match package.get("build") {
        Some(toml::Value::String(p)) => dir.join(p),
        Some(toml::Value::Boolean(false)) => return false,
        _ => dir.join("build.rs"),
    };
    std::fs::read_to_string(script).is_ok_and(|text| text.contains("rustc-link-search"))
}

fn read_lock(lock: &Path) -> HashMap<String, Vec<Version>> {
    let mut out: HashMap<String, Vec<Version>> = HashMap::new();
    let Some(t) = std::fs::read_to_string(lock)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
    else {
        return out;
    };
    for p in t
        .get("package")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
    {
        if let (Some(n), Some(v)) = (
            p.get("name").and_then(|n| n.as_str()),
            p.get("version").and_then(|v| v.as_str()).and_then(version),
        ) {
            out.entry(n.to_string()).or_default().push(v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names_and_requirements() {
        assert_eq!(
            split_dir_name("redox_syscall-0.5.17"),
            Some(("redox_syscall", vec![0, 5, 17]))
        );
        assert_eq!(
            split_dir_name("md-5-0.10.6"),
            Some(("md-5", vec![0, 10, 6]))
        );
        assert_eq!(
            split_dir_name("foo-1.0.0-beta.1"),
            Some(("foo", vec![1, 0, 0]))
        );
        assert_eq!(split_dir_name("serde"), None);
        assert_eq!(split_dir_name("-1.2.3"), None);
        assert_eq!(split_dir_name("a-1.2"), None);
        assert!(allows("0.9.2", &vec![0, 9, 5]));
        assert!(!allows("0.9.2", &vec![0, 10, 0]));
        assert!(allows("^1", &vec![1, 40, 0]));
        assert!(!allows("1", &vec![2, 0, 0]));
        assert!(allows(">=1, <3", &vec![2, 0, 0]));
        assert!(allows("0.0.3", &vec![0, 0, 4]));
        assert!(!allows("0.0.3", &vec![0, 1, 0]));
    }
}
