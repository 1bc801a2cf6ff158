//! The edits `--fix` makes to one manifest's text, with toml_edit so that
//! everything not edited keeps its formatting and comments: remove a
//! dependency from every table of its kind (the top-level one and each
//! `[target.'cfg(..)']` one, in any form: `foo = ".."`, inline, dotted
//! `foo.version`, `[dependencies.foo]`), move one to the dev-dependencies
//! beside it, drop an entry of `[workspace.dependencies]`, and clean the
//! `[features]` that referred to what was removed. Also where an entry
//! sits in the original text (line and column of its key), for reports.
//!
//! An entry's comments are the ones toml_edit attaches to it: those on
//! its line and the ones between the entry before it and itself. They go
//! with it. A dependency table the fix empties goes too, unless comments
//! sit on its header.

use toml_edit::{DocumentMut, Item, Table, TableLike, Value};

use crate::cargo::{DEP_TABLES, DepKind, never_built};

/// One edit.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Remove dependency `key` from every table of `kind`.
    Remove { kind: DepKind, key: String },
    /// Move normal dependency `key` to the dev-dependencies of the same
    /// target table (keeping its spec, less `optional`).
    MoveToDev { key: String },
    /// Remove `key` from `[workspace.dependencies]`.
    RemoveWorkspaceDep { key: String },
}

/// The table names of a dependency kind (Cargo accepts both spellings).
fn names(kind: DepKind) -> impl Iterator<Item = &'static str> {
    DEP_TABLES
        .into_iter()
        .filter(move |&(_, k)| k == kind)
        .map(|(name, _)| name)
}

/// The paths (from the document root) of the existing tables of `kind`.
fn table_paths(root: &dyn TableLike, kind: DepKind) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for name in names(kind) {
        if root.get(name).is_some_and(|i| i.is_table_like()) {
            out.push(vec![(*name).to_string()]);
        }
    }
    if let Some(targets) = root.get("target").and_then(Item::as_table_like) {
        for (cfg, t) in targets.iter() {
            if never_built(cfg) {
                continue;
            }
            for name in names(kind) {
                if t.as_table_like()
                    .and_then(|t| t.get(name))
                    .is_some_and(|i| i.is_table_like())
                {
                    out.push(vec!["target".into(), cfg.to_string(), (*name).to_string()]);
                }
            }
        }
    }
    out
}

fn table_at<'a>(doc: &'a mut DocumentMut, path: &[String]) -> Option<&'a mut dyn TableLike> {
    let mut item = doc.as_item_mut();
    for seg in path {
        item = item.as_table_like_mut()?.get_mut(seg)?;
    }
    item.as_table_like_mut()
}

fn is_optional(item: &Item) -> bool {
    item.as_table_like()
        .and_then(|t| t.get("optional"))
        .and_then(Item::as_bool)
        == Some(true)
}

/// Apply `changes` to the manifest `text`. An error if it is not TOML.
pub fn apply(text: &str, changes: &[Change]) -> Result<String, toml_edit::TomlError> {
    // toml_edit writes `\n` line ends and no byte-order mark: a manifest
    // written with CRLF (a Windows checkout) or a BOM gets them back, so
    // that only the edited lines change.
    let bom = text.starts_with('\u{feff}');
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let crlf = text.contains("\r\n") && text.matches("\r\n").count() == text.matches('\n').count();
    let mut doc: DocumentMut = text.parse()?;
    let mut filled: Vec<Vec<String>> = [DepKind::Normal, DepKind::Dev, DepKind::Build]
        .into_iter()
        .flat_map(|k| table_paths(doc.as_table(), k))
        .collect();
    filled.retain(|p| table_at(&mut doc, p).is_some_and(|t| !t.is_empty()));
    // Dependencies gone from the normal and build tables: their features
    // references are cleaned after all removals.
    let mut gone: Vec<(String, bool)> = Vec::new();
    for change in changes {
        match change {
            Change::Remove { kind, key } => {
                let mut optional = false;
                for path in table_paths(doc.as_table(), *kind) {
                    if let Some(t) = table_at(&mut doc, &path)
                        && let Some(item) = t.remove(key)
                    {
                        optional |= is_optional(&item);
                    }
                }
                if *kind != DepKind::Dev {
                    gone.push((key.clone(), optional));
                }
            }
            Change::MoveToDev { key } => {
                let optional = move_to_dev(&mut doc, key);
                gone.push((key.clone(), optional));
            }
            Change::RemoveWorkspaceDep { key } => {
                if let Some(t) = table_at(&mut doc, &["workspace".into(), "dependencies".into()]) {
                    t.remove(key);
                }
            }
        }
    }
    for (key, optional) in gone {
        // Still declared as a normal or build dependency (another table
        // than the one fixed): its feature references stay valid.
        let still = [DepKind::Normal, DepKind::Build].into_iter().any(|k| {
            table_paths(doc.as_table(), k)
                .iter()
                .any(|p| table_at(&mut doc, p).is_some_and(|t| t.contains_key(&key)))
        });
        if !still {
            clean_features(&mut doc, &key, optional);
        }
    }
    drop_emptied(&mut doc, &filled);
    let mut out = doc.to_string();
    if crlf {
        out = out.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    if bom {
        out.insert(0, '\u{feff}');
    }
    Ok(out)
}

/// A `[..dependencies]` table the fix emptied goes, header and all,
/// unless comments sit on its header (they stay, with the empty table).
fn drop_emptied(doc: &mut DocumentMut, filled: &[Vec<String>]) {
    for path in filled {
        let Some((name, parent_path)) = path.split_last() else {
            continue;
        };
        let Some(parent) = table_at(doc, parent_path) else {
            continue;
        };
        let emptied = parent.get(name).and_then(Item::as_table).is_some_and(|t| {
            let commented = |r: Option<&toml_edit::RawString>| {
                r.and_then(|r| r.as_str()).is_some_and(|s| s.contains('#'))
            };
            t.is_empty() && !commented(t.decor().prefix()) && !commented(t.decor().suffix())
        });
        if emptied {
            parent.remove(name);
        }
    }
}

/// Move normal dependency `key` to the dev-dependencies beside each table
/// that has it. Returns whether it was optional.
fn move_to_dev(doc: &mut DocumentMut, key: &str) -> bool {
    let mut optional = false;
    for path in table_paths(doc.as_table(), DepKind::Normal) {
        // A dev-dependency entry of the same key already there (often with
        // features for tests): the two specs would have to be merged, and
        // dropping the normal one's features can break the tests. Left as
        // it is, and still reported.
        let parent_path = &path[..path.len() - 1];
        let has_dev = table_at(doc, parent_path).is_some_and(|parent| {
            ["dev-dependencies", "dev_dependencies"].iter().any(|name| {
                parent
                    .get(name)
                    .and_then(|d| d.as_table_like())
                    .is_some_and(|d| d.contains_key(key))
            })
        });
        if has_dev {
            continue;
        }
        let Some(item) = table_at(doc, &path).and_then(|t| t.remove(key)) else {
            continue;
        };
        optional |= is_optional(&item);
        let mut value = match item {
            Item::Value(v) => v,
            Item::Table(t) => Value::InlineTable(t.into_inline_table()),
            _ => continue,
        };
        if let Value::InlineTable(t) = &mut value {
            // Dev-dependencies cannot be optional.
            t.remove("optional");
            t.fmt();
        }
        value.decor_mut().clear();
        let Some(parent) = table_at(doc, parent_path) else {
            continue;
        };
        let name = if parent.contains_key("dev_dependencies")
            && !parent.contains_key("dev-dependencies")
        {
            "dev_dependencies"
        } else {
            "dev-dependencies"
        };
        let dev = parent.entry(name).or_insert_with(|| {
            let mut t = Table::new();
            t.decor_mut().set_prefix("\n");
            Item::Table(t)
        });
        if let Some(dev) = dev.as_table_like_mut()
            && !dev.contains_key(key)
        {
            dev.insert(key, Item::Value(value));
        }
    }
    optional
}

/// Does feature value `v` refer to dependency `key`? `dep:key`,
/// `key/feat`, `key?/feat`, and `key` itself when it names the implicit
/// feature of an optional dependency.
fn refers(v: &str, key: &str, implicit: bool) -> bool {
    v.strip_prefix("dep:") == Some(key)
        || v.split_once('/')
            .is_some_and(|(d, _)| d.strip_suffix('?').unwrap_or(d) == key)
        || (implicit && v == key)
}

/// Remove the references to dependency `key` from `[features]`. A feature
/// left empty stays (it is public API), except one named like the
/// dependency that did nothing else (the explicit form of its implicit
/// feature), which goes with the references to it.
fn clean_features(doc: &mut DocumentMut, key: &str, optional: bool) {
    let Some(features) = doc.get_mut("features").and_then(Item::as_table_like_mut) else {
        return;
    };
    let strs = |item: &Item| -> Vec<String> {
        item.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let all: Vec<String> = features.iter().flat_map(|(_, v)| strs(v)).collect();
    let explicit = features.contains_key(key);
    // `dep:key` anywhere turns the implicit feature off.
    let implicit =
        optional && !explicit && !all.iter().any(|v| v.strip_prefix("dep:") == Some(key));
    let mut stand_in = false;
    for (name, item) in features.iter_mut() {
        let Some(arr) = item.as_array_mut() else {
            continue;
        };
        let before = arr.len();
        let first = arr.get(0).map(|v| v.decor().prefix().cloned());
        arr.retain(|v| v.as_str().is_none_or(|s| !refers(s, key, implicit)));
        tidy(arr, first);
        if name.get() == key && before > 0 && arr.is_empty() {
            stand_in = true;
        }
    }
    if stand_in {
        features.remove(key);
        for (_, item) in features.iter_mut() {
            if let Some(arr) = item.as_array_mut() {
                let first = arr.get(0).map(|v| v.decor().prefix().cloned());
                arr.retain(|v| v.as_str() != Some(key));
                tidy(arr, first);
            }
        }
    }
}

/// After values were removed from `arr`: a new first value on the
/// bracket's line takes the spacing the first one had (`["a", "b"]` less
/// `"a"` is `["b"]`, not `[ "b"]`); one on a line of its own keeps its
/// comments. An array left empty is `[]`, unless comments remain inside
/// it, which stay.
fn tidy(arr: &mut toml_edit::Array, first: Option<Option<toml_edit::RawString>>) {
    let blank = |r: &toml_edit::RawString| r.as_str().is_some_and(|s| s.trim().is_empty());
    if arr.is_empty() {
        arr.set_trailing_comma(false);
        if blank(arr.trailing()) {
            arr.set_trailing("");
        }
    } else if let (Some(old), Some(v)) = (first, arr.get_mut(0)) {
        let own_line = v
            .decor()
            .prefix()
            .and_then(|p| p.as_str())
            .is_some_and(|p| p.contains('\n'));
        if !own_line {
            match old.filter(|p| blank(p) && p.as_str().is_some_and(|s| !s.contains('\n'))) {
                Some(p) => v.decor_mut().set_prefix(p),
                None => v.decor_mut().set_prefix(""),
            }
        }
    }
}

/// Where the key of dependency `key` of `kind` (`None`: of
/// `[workspace.dependencies]`) first appears in `text`: 1-based line and
/// column (in characters). `None` if the text is not TOML or has no such
/// entry.
pub fn locate(text: &str, kind: Option<DepKind>, key: &str) -> Option<(usize, usize)> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let root = doc.as_table();
    let paths = match kind {
        Some(k) => table_paths(root, k),
        None => vec![vec!["workspace".to_string(), "dependencies".to_string()]],
    };
    let mut best: Option<usize> = None;
    for path in paths {
        let mut item = doc.as_item();
        for seg in &path {
            match item.as_table_like().and_then(|t| t.get(seg)) {
                Some(i) => item = i,
                None => break,
            }
        }
        let Some((k, v)) = item.as_table_like().and_then(|t| t.get_key_value(key)) else {
            continue;
        };
        let at = k
            .span()
            .or_else(|| v.span())
            .or_else(|| v.as_table().and_then(Table::span))
            .map(|r| r.start);
        if let Some(at) = at {
            best = Some(best.map_or(at, |b| b.min(at)));
        }
    }
    best.map(|at| crate::cargo::line_col(text, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rm(kind: DepKind, key: &str) -> Change {
        Change::Remove {
            kind,
            key: key.into(),
        }
    }

    #[test]
    fn removes_every_form_and_keeps_the_rest() {
        let text = "[package]\nname = \"x\" # the name\n\n[dependencies]\n# about a\na = \"1\" # trailing\nb = { version = \"1\" }\nc.version = \"1\"\nc.features = [\"x\"]\n\n[dependencies.d]\nversion = \"1\"\n\n[target.'cfg(unix)'.dependencies]\na = \"1\"\nkeep = \"1\" # kept\n[target.'cfg(any())'.dependencies]\na = \"1\"\n";
        let out = apply(
            text,
            &[
                rm(DepKind::Normal, "a"),
                rm(DepKind::Normal, "c"),
                rm(DepKind::Normal, "d"),
            ],
        )
        .expect("apply");
        assert_eq!(
            out,
            "[package]\nname = \"x\" # the name\n\n[dependencies]\nb = { version = \"1\" }\n\n[target.'cfg(unix)'.dependencies]\nkeep = \"1\" # kept\n[target.'cfg(any())'.dependencies]\na = \"1\"\n"
        );
    }

    #[test]
    fn positions_of_each_form() {
        let text = "[dependencies]\na = \"1\"\n  c.version = \"1\"\n[dependencies.d]\nversion = \"1\"\n[target.'cfg(unix)'.build-dependencies]\n\"é\" = 1\n  \"e\" = \"1\"\n[workspace.dependencies]\nw = \"1\"\n";
        assert_eq!(locate(text, Some(DepKind::Normal), "a"), Some((2, 1)));
        assert_eq!(locate(text, Some(DepKind::Normal), "c"), Some((3, 3)));
        assert_eq!(locate(text, Some(DepKind::Normal), "d"), Some((4, 15)));
        assert_eq!(locate(text, Some(DepKind::Build), "e"), Some((8, 3)));
        assert_eq!(locate(text, None, "w"), Some((10, 1)));
        assert_eq!(locate(text, Some(DepKind::Dev), "a"), None);
    }

    #[test]
    fn features_lose_their_references() {
        let text = "[dependencies]\nx = { version = \"1\", optional = true }\ny = { version = \"1\", optional = true }\n[features]\ndefault = [\"x\", \"y\"]\nstd = [\"x?/std\", \"y/std\"]\nempty = [\"x/a\"]\n";
        let out = apply(text, &[rm(DepKind::Normal, "x")]).expect("apply");
        assert_eq!(
            out,
            "[dependencies]\ny = { version = \"1\", optional = true }\n[features]\ndefault = [\"y\"]\nstd = [\"y/std\"]\nempty = []\n"
        );
        let text = "[dependencies]\nx = { version = \"1\", optional = true }\n[features]\nx = [\"dep:x\"]\nall = [\"x\", \"other\"]\nother = []\n";
        let out = apply(text, &[rm(DepKind::Normal, "x")]).expect("apply");
        assert_eq!(out, "[features]\nall = [\"other\"]\nother = []\n");
    }

    #[test]
    fn misplaced_moves_beside_and_loses_optional() {
        let text = "[package]\nname = \"p\"\n\n[dependencies]\nt = { version = \"1\", optional = true, features = [\"a\"] }\nu = \"2\"\n[target.'cfg(unix)'.dependencies.v]\nversion = \"3\"\n\n[features]\nf = [\"dep:t\"]\n";
        let out = apply(
            text,
            &[
                Change::MoveToDev { key: "t".into() },
                Change::MoveToDev { key: "v".into() },
            ],
        )
        .expect("apply");
        assert_eq!(
            out,
            "[package]\nname = \"p\"\n\n[dependencies]\nu = \"2\"\n\n[target.'cfg(unix)'.dev-dependencies]\nv = { version = \"3\" }\n\n[features]\nf = []\n\n[dev-dependencies]\nt = { version = \"1\", features = [\"a\"] }\n"
        );
    }
}
