//! Query planning: can the daemon answer this search exactly as one-shot
//! `--sort path` would, from what it holds? If so, the [`GrepQuery`] the
//! shards run; if not, the [`Refusal`] that says why, which the client
//! shows with `--debug` before it searches one-shot.
//!
//! The daemon holds what a walk with ripgrep's defaults finds from its
//! root. A search is refused when it wants more (hidden, ignored or linked
//! files; a pattern or path read from standard input), names a path the
//! daemon does not hold or reaches it through a link, or selects with
//! globs or types something the daemon left out at the edge of the tree.
//! The refusals the server decides itself (still loading, root replaced,
//! watcher not in sync) are [`Refusal`]s too: every reason has one type.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use workdist::discover::Exclusion;

use super::held::{GrepQuery, QueryRoot, Selection};
use super::index::{Tree, baseline_options};
use super::protocol;
use crate::config::{CaseMode, Config, Mode, SearchMode};
use crate::matcher::{PatternMatcher, build_matcher};

/// Why the daemon passes a search to one-shot search.
#[derive(Debug)]
pub enum Refusal {
    /// The client did not send the patterns of its `-f` files.
    PatternFilesNotForwarded,
    /// The arguments do not make a valid search here.
    Arguments(anyhow::Error),
    /// Neither a search nor `--files` (`--type-list`, `--generate`, ...).
    NotASearch,
    ReadsStdin,
    /// Hidden, ignored or linked files are wanted.
    NeedsUnheld,
    /// The index's lock is poisoned.
    IndexUnavailable,
    Outside {
        typed: PathBuf,
        root: PathBuf,
    },
    MissingOrLinked(PathBuf),
    NotHeld(PathBuf),
    /// A glob or a file type that does not build.
    Selection(String),
    /// The globs or types select this path, which the daemon left out.
    SelectsExcluded(PathBuf),
    /// The pattern does not build.
    Pattern(anyhow::Error),
    /// The tree is not loaded yet.
    Loading,
    /// The root's path names another directory now.
    RootReplaced,
    /// The watcher did not confirm, in time, that it is up to date.
    NotSynced,
    /// A flag whose search the daemon does not do (it reads something
    /// other than the held bytes, or orders by file times).
    Flag(&'static str),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::PatternFilesNotForwarded => write!(f, "pattern files were not forwarded"),
            Refusal::Arguments(e) | Refusal::Pattern(e) => write!(f, "{e:#}"),
            Refusal::NotASearch => write!(f, "not a search"),
            Refusal::ReadsStdin => write!(f, "the search reads standard input"),
            Refusal::NeedsUnheld => write!(
                f,
                "the search needs files the daemon does not hold (hidden, ignored or linked)"
            ),
            Refusal::IndexUnavailable => write!(f, "index unavailable"),
            Refusal::Outside { typed, root } => {
                write!(f, "{} is outside {}", typed.display(), root.display())
            }
            Refusal::MissingOrLinked(p) => write!(
                f,
                "{} is missing or goes through a symbolic link",
                p.display()
            ),
            Refusal::NotHeld(p) => write!(f, "{} is not held by the daemon", p.display()),
            Refusal::Selection(e) => write!(f, "{e}"),
            Refusal::SelectsExcluded(p) => write!(
                f,
                "the globs or types select {}, which the daemon does not hold",
                p.display()
            ),
            Refusal::Loading => write!(f, "the daemon is still loading"),
            Refusal::RootReplaced => {
                write!(f, "the daemon's root was replaced by another directory")
            }
            Refusal::NotSynced => write!(f, "the file watcher did not confirm it is up to date"),
            Refusal::Flag(flag) => write!(f, "the daemon does not search with {flag}"),
        }
    }
}

/// The first flag of `config` that the daemon does not search with: those
/// that read something other than the bytes of the files it holds (`-z`,
/// `--pre`), order by what it does not keep (file times, reverse paths),
/// or select files differently from its walk. PCRE2, `-E`, `--mmap` and
/// `--null-data` are answered (by a full scan where the index cannot
/// plan; see [`super::grams::plan`]).
fn unsupported_flag(config: &Config) -> Option<&'static str> {
    let o = &config.discovery;
    [
        (config.search_zip, "-z/--search-zip"),
        (config.pre.is_some(), "--pre"),
        (
            config.sort_order.is_some() && !config.sorted_by_path(),
            "--sort/--sortr other than `--sort path`",
        ),
        (o.same_file_system, "--one-file-system"),
        // Hyperlinks name absolute paths, resolved where the process runs.
        (
            crate::print::hyperlinks_wanted(config),
            "--hyperlink-format",
        ),
        (o.ignore_case_insensitive, "--ignore-file-case-insensitive"),
    ]
    .into_iter()
    .find_map(|(used, flag)| used.then_some(flag))
}

/// Decide whether the daemon serving `root` and holding `tree` can answer
/// exactly what one-shot search would, and if so prepare the query. The
/// index is locked only while the query's paths are looked up.
pub fn plan(root: &Path, tree: &Tree, q: &protocol::Query) -> Result<GrepQuery, Refusal> {
    use std::os::unix::ffi::OsStringExt;
    if q.context.pattern_files.is_none() {
        return Err(Refusal::PatternFilesNotForwarded);
    }
    let args: Vec<OsString> = q
        .args
        .iter()
        .map(|a| OsString::from_vec(a.clone()))
        .collect();
    let config = Config::from_args_in(args, &q.context).map_err(Refusal::Arguments)?;
    let (mode, list_files) = match config.mode {
        Mode::Search(mode) => (mode, false),
        Mode::Files => (SearchMode::Standard, true),
        _ => return Err(Refusal::NotASearch),
    };
    if config.paths.iter().any(|p| p == Path::new("-")) {
        return Err(Refusal::ReadsStdin);
    }
    if let Some(flag) = unsupported_flag(&config) {
        return Err(Refusal::Flag(flag));
    }
    let base = baseline_options();
    let o = &config.discovery;
    if o.hidden != base.hidden
        || o.git_ignore != base.git_ignore
        || o.git_exclude != base.git_exclude
        || o.git_global != base.git_global
        || o.require_git != base.require_git
        || o.dot_ignore != base.dot_ignore
        || o.parents != base.parents
        || !o.ignore_files.is_empty()
        || o.follow_links != base.follow_links
    {
        return Err(Refusal::NeedsUnheld);
    }
    let index = tree.lock().ok_or(Refusal::IndexUnavailable)?;
    let mut roots = Vec::with_capacity(config.paths.len());
    for typed in &config.paths {
        let abs = workdist::cli::lexical_join(&q.context.cwd, typed);
        let rel = abs
            .strip_prefix(root)
            .map_err(|_| Refusal::Outside {
                typed: typed.clone(),
                root: root.to_path_buf(),
            })?
            .to_path_buf();
        if std::fs::canonicalize(&abs).ok().as_deref() != Some(abs.as_path()) {
            return Err(Refusal::MissingOrLinked(typed.clone()));
        }
        let is_file = if index.dirs.contains(&rel) {
            false
        } else if index.files.contains_key(&rel) {
            true
        } else {
            return Err(Refusal::NotHeld(typed.clone()));
        };
        roots.push(QueryRoot {
            rel,
            typed: typed.clone(),
            is_file,
            strip_dot: config.implicit_path,
        });
    }
    let overrides = workdist::discover::build_overrides(&q.context.cwd, &o.globs, &o.iglobs)
        .map_err(|e| Refusal::Selection(e.to_string()))?;
    let types =
        workdist::discover::build_types(&o.types).map_err(|e| Refusal::Selection(e.to_string()))?;
    let selection = Selection {
        overrides,
        types,
        max_depth: o.max_depth,
        max_filesize: o.max_filesize,
    };
    if !selection.overrides.is_empty() || !selection.types.is_empty() {
        for root in roots.iter().filter(|r| !r.is_file) {
            let range = index.excluded.range::<Path, _>((
                std::ops::Bound::Included(root.rel.as_path()),
                std::ops::Bound::Unbounded,
            ));
            for (path, (is_dir, why)) in range {
                let Ok(within) = path.strip_prefix(&root.rel) else {
                    break;
                };
                if selection.needs_excluded(root, within, *is_dir, *why == Exclusion::Hidden) {
                    return Err(Refusal::SelectsExcluded(path.clone()));
                }
            }
        }
    }
    drop(index);
    let matcher = if list_files {
        // Never used to search: any matcher will do.
        PatternMatcher::new_rust("").map_err(|e| Refusal::Pattern(e.into()))?
    } else {
        build_matcher(&config).map_err(Refusal::Pattern)?
    };
    let skip_nonmatching = GrepQuery::prints_nothing_without_match(&config, mode);
    // The literal is read with Rust's regex syntax: not a prefilter for a
    // PCRE2 pattern, where the same text can mean something else (`\v` is
    // a vertical tab in one and any vertical whitespace in the other).
    let required = match (config.patterns.as_slice(), &matcher) {
        ([one], PatternMatcher::Rust(_)) => crate::literal::required_literal(
            one,
            config.fixed_strings,
            config.case != CaseMode::Sensitive,
        )
        .map(|lit| memchr::memmem::Finder::new(&lit).into_owned()),
        _ => None,
    };
    let skip_nonmatching = skip_nonmatching && !list_files;
    let plan = super::grams::plan(&config, !skip_nonmatching, list_files);
    let decodes = config.decodes();
    Ok(GrepQuery {
        plan,
        config,
        mode,
        matcher,
        roots,
        selection,
        skip_nonmatching,
        required: required.filter(|_| !list_files),
        list_files,
        decodes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reasons are what `--debug` shows a user: the same words as
    /// before they were typed (issue 11), not a paraphrase.
    #[test]
    fn refusals_read_as_before() {
        let p = PathBuf::from;
        let cases = [
            (
                Refusal::PatternFilesNotForwarded,
                "pattern files were not forwarded",
            ),
            (Refusal::NotASearch, "not a search"),
            (Refusal::ReadsStdin, "the search reads standard input"),
            (
                Refusal::NeedsUnheld,
                "the search needs files the daemon does not hold (hidden, ignored or linked)",
            ),
            (Refusal::IndexUnavailable, "index unavailable"),
            (
                Refusal::Outside {
                    typed: p("/etc"),
                    root: p("/r"),
                },
                "/etc is outside /r",
            ),
            (
                Refusal::MissingOrLinked(p("l")),
                "l is missing or goes through a symbolic link",
            ),
            (Refusal::NotHeld(p("n")), "n is not held by the daemon"),
            (
                Refusal::SelectsExcluded(p("ign/x")),
                "the globs or types select ign/x, which the daemon does not hold",
            ),
            (Refusal::Loading, "the daemon is still loading"),
            (
                Refusal::RootReplaced,
                "the daemon's root was replaced by another directory",
            ),
            (
                Refusal::NotSynced,
                "the file watcher did not confirm it is up to date",
            ),
            (
                Refusal::Arguments(anyhow::anyhow!("inner").context("outer")),
                "outer: inner",
            ),
        ];
        for (refusal, text) in cases {
            assert_eq!(refusal.to_string(), text);
        }
    }
}
