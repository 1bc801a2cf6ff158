//! Discovery: which files a tool should look at.
//!
//! Every pfiles tool starts from "these paths, minus what the user asked us to
//! skip". The ignore rules themselves (gitignore syntax, precedence between
//! `.gitignore`, `.ignore`, `.git/info/exclude`, `core.excludesFile`, globs and
//! file types) come from the `ignore` crate, the library ripgrep is built on;
//! re-implementing gitignore semantics is a well-known source of subtle bugs.
//! This module decides *what* a tool sees from it:
//!
//! * only things that can be read as files: regular files found by the walk,
//!   and any non-directory the user named explicitly (`/dev/stdin`, a FIFO);
//!   FIFOs, sockets and devices met during a walk are skipped, so a walk can
//!   never block on one;
//! * typed errors that carry the path, so a tool reports them and goes on;
//! * two traversal shapes: a parallel, work-stealing walk (the `ignore`
//!   crate's, whose per-thread deques let idle threads steal directories) for
//!   throughput, and a sequential walk sorted by path for deterministic
//!   output. Tools that want both (parallel *and* sorted) feed the sorted walk
//!   into [`crate::pmap`] with ordered output.
//!
//! Precedence is ripgrep's: explicit globs (`-g`) beat ignore files; `.rgignore`
//! style custom names beat `.ignore`, which beats `.gitignore`; nested files
//! beat their parents; a `!` negation re-includes.
//!
//! Some options serve only pgrep-lite today (file types, `-g` globs, custom
//! ignore file names, `--max-filesize`). They live here, not in the grep
//! crate, because they are rules about *which files* and they are applied
//! inside the walk (the `ignore` crate's builder and entry filter): a tool
//! outside the walk could only filter after the fact, reading directories
//! it was told to skip. Nothing here names a ripgrep file: `.rgignore` is
//! passed in by pgrep-lite through [`DiscoveryOptions::custom_ignore_filenames`].

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use ignore::overrides::OverrideBuilder;
use ignore::types::TypesBuilder;
use ignore::{WalkBuilder, WalkState};

/// An error met while discovering files. Each carries the path it concerns
/// (when there is one) so that the tool can report it and carry on.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// A `-g/--glob` pattern that does not parse.
    #[error("invalid glob {glob:?}: {message}")]
    Glob { glob: String, message: String },
    /// A file type definition (`--type-add`) or selection (`-t`) that is wrong.
    #[error("{message}")]
    Type { message: String },
    /// An error from the walk itself: a missing path, permission denied, a
    /// symlink loop, a malformed ignore file.
    #[error("{message}")]
    Walk {
        path: Option<PathBuf>,
        message: String,
    },
}

impl DiscoveryError {
    fn from_walk(err: ignore::Error) -> DiscoveryError {
        let path = walk_error_path(&err).map(Path::to_path_buf);
        DiscoveryError::Walk {
            path,
            message: err.to_string(),
        }
    }

    /// The path this error concerns, when it concerns one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            DiscoveryError::Walk { path, .. } => path.as_deref(),
            _ => None,
        }
    }
}

fn walk_error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

/// Changes to the set of known file types (ripgrep's `--type-add`,
/// `--type-clear`, `-t`, `-T`), applied in the order given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeChange {
    /// `name:glob[,glob]` or `name:include:other,types`.
    Add(String),
    /// Forget every glob of a type.
    Clear(String),
    /// Only search files of this type (repeatable: any of them).
    Select(String),
    /// Never search files of this type.
    Negate(String),
}

/// What to walk and what to skip. The defaults are ripgrep's defaults: honour
/// every ignore file, skip hidden files, do not follow symlinks.
#[derive(Clone, Debug)]
pub struct DiscoveryOptions {
    /// Include hidden files and directories (names starting with `.`).
    pub hidden: bool,
    /// Honour `.gitignore` files.
    pub git_ignore: bool,
    /// Honour `.git/info/exclude`.
    pub git_exclude: bool,
    /// Honour the global gitignore (`core.excludesFile`).
    pub git_global: bool,
    /// Only apply git rules inside a git repository.
    pub require_git: bool,
    /// Honour `.ignore` and the custom ignore file names.
    pub dot_ignore: bool,
    /// Honour ignore files in parent directories of the given paths.
    pub parents: bool,
    /// Extra per-directory ignore file names with higher precedence than
    /// `.ignore` (pgrep-lite passes `.rgignore`).
    pub custom_ignore_filenames: Vec<OsString>,
    /// Extra ignore files given by path (`--ignore-file`), lowest precedence.
    pub ignore_files: Vec<PathBuf>,
    /// Glob overrides, ripgrep's `-g`: a match includes, `!glob` excludes.
    pub globs: Vec<String>,
    /// Case-insensitive glob overrides (`--iglob`).
    pub iglobs: Vec<String>,
    /// Type changes; the defaults from the `ignore` crate are always loaded.
    pub types: Vec<TypeChange>,
    /// Descend at most this many levels below each given path.
    pub max_depth: Option<usize>,
    /// Skip files larger than this many bytes.
    pub max_filesize: Option<u64>,
    /// Follow symbolic links (loops are detected and reported).
    pub follow_links: bool,
    /// Threads for the parallel walk; 0 means "pick from available cores".
    pub threads: usize,
    /// Show paths under an implicit `./` without that prefix (ripgrep's and
    /// GNU grep's convention when the user gave no path).
    pub strip_dot_prefix: bool,
    /// Skip the file that standard output is redirected to, so that
    /// `tool > out.txt` in a tree never reads its own output.
    pub skip_stdout: bool,
    /// Do not cross into other file systems below the given paths.
    pub same_file_system: bool,
    /// Match the globs of ignore files case-insensitively.
    pub ignore_case_insensitive: bool,
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        DiscoveryOptions {
            hidden: false,
            git_ignore: true,
            git_exclude: true,
            git_global: true,
            require_git: true,
            dot_ignore: true,
            parents: true,
            custom_ignore_filenames: Vec::new(),
            ignore_files: Vec::new(),
            globs: Vec::new(),
            iglobs: Vec::new(),
            types: Vec::new(),
            max_depth: None,
            max_filesize: None,
            follow_links: false,
            threads: 0,
            strip_dot_prefix: false,
            skip_stdout: false,
            same_file_system: false,
            ignore_case_insensitive: false,
        }
    }
}

impl DiscoveryOptions {
    /// Turn every filter off: hidden files, ignore files of every kind.
    /// (`-uu`'s effect; globs, types and size limits still apply.)
    pub fn no_ignore(&mut self) -> &mut Self {
        self.git_ignore = false;
        self.git_exclude = false;
        self.git_global = false;
        self.dot_ignore = false;
        self.parents = false;
        self
    }
}

/// A file the walk produced.
#[derive(Clone, Debug)]
pub struct FileEntry {
    path: PathBuf,
    explicit: bool,
    stdin: bool,
    strip_dot_prefix: bool,
}

impl FileEntry {
    /// The path to open (and to show; see [`FileEntry::display_path`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path to show to the user: without a leading `./` when the tool was
    /// given no path at all.
    pub fn display_path(&self) -> &Path {
        if self.strip_dot_prefix
            && let Ok(p) = self.path.strip_prefix("./")
        {
            return p;
        }
        &self.path
    }

    /// True when the user named this file (or stdin) directly rather than the
    /// walk finding it. Explicit files are always searched, even when an
    /// ignore rule would skip them, and even when they are not regular files.
    pub fn is_explicit(&self) -> bool {
        self.explicit
    }

    /// True for `-`, standard input.
    pub fn is_stdin(&self) -> bool {
        self.stdin
    }
}

/// Whether a walk should go on after the visitor has seen an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Stop the whole walk as soon as possible (all threads).
    Quit,
}

/// A configured walk over a set of paths.
#[derive(Debug)]
pub struct Discovery {
    builder: WalkBuilder,
    /// The [`Discovery::skip_dirs`] predicate, kept to combine with an
    /// [`Discovery::inventory_with`] hook (the walk takes one filter).
    skip: Option<Skip>,
    strip_dot_prefix: bool,
    threads: usize,
    warnings: Vec<DiscoveryError>,
    hidden_allowed: bool,
}

/// How many threads to use when the caller said "pick": the available cores,
/// capped, because past a dozen threads a directory walk is I/O bound.
/// A callback on directories the walk meets, shared with its threads.
pub type DirHook<T> = std::sync::Arc<dyn Fn(&Path) -> T + Send + Sync>;

/// The [`Discovery::skip_dirs`] predicate.
#[derive(Clone)]
struct Skip(DirHook<bool>);

impl std::fmt::Debug for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Skip(..)")
    }
}

pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(12)
}

impl Discovery {
    /// Build a walk over `paths`, resolving globs relative to `cwd`.
    /// Fails on an invalid glob or type definition; everything that concerns
    /// one file is reported during the walk instead.
    pub fn new(
        paths: &[PathBuf],
        cwd: &Path,
        opts: &DiscoveryOptions,
    ) -> Result<Discovery, DiscoveryError> {
        let mut builder = match paths.split_first() {
            Some((first, rest)) => {
                let mut b = WalkBuilder::new(first);
                for p in rest {
                    b.add(p);
                }
                b
            }
            None => WalkBuilder::new("./"),
        };
        let threads = if opts.threads == 0 {
            default_threads()
        } else {
            opts.threads
        };
        let mut warnings = Vec::new();
        // Before the ignore files are added: it decides how they are read.
        builder.ignore_case_insensitive(opts.ignore_case_insensitive);
        for path in &opts.ignore_files {
            if let Some(err) = builder.add_ignore(path) {
                warnings.push(DiscoveryError::from_walk(err));
            }
        }
        if opts.dot_ignore {
            for name in &opts.custom_ignore_filenames {
                builder.add_custom_ignore_filename(name);
            }
        }
        builder
            .max_depth(opts.max_depth)
            .follow_links(opts.follow_links)
            .max_filesize(opts.max_filesize)
            .threads(threads)
            .skip_stdout(opts.skip_stdout)
            .overrides(build_overrides(cwd, &opts.globs, &opts.iglobs)?)
            .types(build_types(&opts.types)?)
            .hidden(!opts.hidden)
            .parents(opts.parents)
            .ignore(opts.dot_ignore)
            .git_global(opts.git_global)
            .git_ignore(opts.git_ignore)
            .git_exclude(opts.git_exclude)
            .require_git(opts.require_git)
            .same_file_system(opts.same_file_system)
            .current_dir(cwd);
        Ok(Discovery {
            builder,
            skip: None,
            strip_dot_prefix: opts.strip_dot_prefix,
            threads,
            warnings,
            hidden_allowed: opts.hidden,
        })
    }

    /// Leave out every directory below the given paths for which `skip`
    /// returns true, with everything in it (pimports skips Cargo's build
    /// directory so). The given paths themselves are always walked.
    pub fn skip_dirs(&mut self, skip: impl Fn(&Path) -> bool + Send + Sync + 'static) -> &mut Self {
        let skip: DirHook<bool> = std::sync::Arc::new(skip);
        let s = std::sync::Arc::clone(&skip);
        self.builder.filter_entry(move |e| {
            !(e.depth() > 0 && e.file_type().is_some_and(|t| t.is_dir()) && s(e.path()))
        });
        self.skip = Some(Skip(skip));
        self
    }

    /// Problems found while setting up (an unreadable `--ignore-file`) that
    /// do not stop the walk; the tool should report them.
    pub fn take_warnings(&mut self) -> Vec<DiscoveryError> {
        std::mem::take(&mut self.warnings)
    }

    /// The number of threads [`Discovery::run_parallel`] will use.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Walk in parallel. `make_visitor` is called once per walker thread and
    /// returns that thread's visitor, so per-thread state (buffers, searchers)
    /// needs no locking. Entries arrive in no particular order.
    pub fn run_parallel<M, V>(&self, make_visitor: M)
    where
        M: Fn() -> V + Sync,
        V: FnMut(Result<FileEntry, DiscoveryError>) -> Flow + Send,
    {
        let strip = self.strip_dot_prefix;
        self.builder.build_parallel().run(|| {
            let mut visit = make_visitor();
            Box::new(move |result| match classify(result, strip) {
                None => WalkState::Continue,
                Some(item) => match visit(item) {
                    Flow::Continue => WalkState::Continue,
                    Flow::Quit => WalkState::Quit,
                },
            })
        });
    }

    /// Walk on the calling thread, yielding entries sorted by path (by file
    /// name within each directory, which for a depth-first walk is path
    /// order). The given paths themselves are visited in the order given.
    pub fn sorted(&self) -> impl Iterator<Item = Result<FileEntry, DiscoveryError>> + use<> {
        let strip = self.strip_dot_prefix;
        let mut builder = self.builder.clone();
        builder.sort_by_file_name(|a, b| a.cmp(b));
        builder.build().filter_map(move |r| classify(r, strip))
    }
}

/// Why an entry at the edge of a walk was left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exclusion {
    /// Only because its name starts with a dot: no ignore rule matched it.
    Hidden,
    /// An ignore rule (or a glob or type) excluded it.
    Ignored,
}

/// An entry inside a walked directory that the filters left out. Its
/// contents (for a directory) were not visited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excluded {
    pub path: PathBuf,
    pub is_dir: bool,
    pub why: Exclusion,
}

/// What a walk holds and what it left out at its edge: enough to keep a
/// resident copy of a tree and to know, later, whether another set of
/// filters would have needed something the copy does not have.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Regular files, sorted by path.
    pub files: Vec<PathBuf>,
    /// Directories walked (the roots included), sorted by path.
    pub dirs: Vec<PathBuf>,
    /// Entries of walked directories that the filters skipped.
    pub excluded: Vec<Excluded>,
    pub errors: Vec<DiscoveryError>,
}

/// Where a single path stands under a walk's filters, for keeping a copy
/// up to date without walking again (see [`Discovery::path_filter`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathClass {
    Included,
    Excluded(Exclusion),
}

/// Classifies single paths, relative to the walk's first root, with the same
/// precedence as the walk. Ignore files are read once per directory and
/// cached: build a new filter after an ignore file changes.
#[derive(Clone, Debug)]
pub struct PathFilter {
    strict: ignore::IncrementalIgnore,
    with_hidden: ignore::IncrementalIgnore,
    hidden_allowed: bool,
}

impl PathFilter {
    /// Classify `rel` (relative to the root, no `..`).
    pub fn classify(&mut self, rel: &Path, is_dir: bool) -> PathClass {
        if !self.strict.matched(rel, is_dir).is_ignore() {
            return PathClass::Included;
        }
        if self.hidden_allowed || self.with_hidden.matched(rel, is_dir).is_ignore() {
            PathClass::Excluded(Exclusion::Ignored)
        } else {
            PathClass::Excluded(Exclusion::Hidden)
        }
    }
}

impl Discovery {
    /// Walk every root in parallel and take stock: the files, the
    /// directories, and the entries of those directories that the filters
    /// left out (read back with one `read_dir` per directory).
    pub fn inventory(&self) -> Inventory {
        self.inventory_of(&self.builder)
    }

    /// [`Discovery::inventory`], calling `on_dir` for every directory below
    /// the roots that the walk will enter, *before* it reads the
    /// directory's entries (the walk's roots themselves are the caller's to
    /// handle first). A caller that starts watching a directory there sees
    /// every entry made in it: either the listing has it or the watch
    /// reports it.
    ///
    /// The hook is the walk's entry filter, which the `ignore` crate calls
    /// while it reads the parent, for entries its rules keep; the child is
    /// read later, from the work queue. (Its visitor would be too late: a
    /// directory's entries are all read before the directory is visited.)
    pub fn inventory_with(&self, on_dir: DirHook<()>) -> Inventory {
        let mut builder = self.builder.clone();
        let skip = self.skip.clone();
        builder.filter_entry(move |e| {
            if e.depth() == 0 || !e.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            if skip.as_ref().is_some_and(|s| (s.0)(e.path())) {
                return false;
            }
            on_dir(e.path());
            true
        });
        self.inventory_of(&builder)
    }

    fn inventory_of(&self, builder: &WalkBuilder) -> Inventory {
        use std::collections::HashSet;
        use std::sync::Mutex;

        let found = Mutex::new(Inventory::default());
        builder.build_parallel().run(|| {
            let mut local = Collector {
                found: &found,
                part: Inventory::default(),
            };
            Box::new(move |result| {
                match result {
                    Ok(dent) => {
                        let ft = dent.file_type();
                        if ft.is_some_and(|ft| ft.is_dir()) {
                            local.part.dirs.push(dent.into_path());
                        } else if ft.is_some_and(|ft| ft.is_file()) {
                            local.part.files.push(dent.into_path());
                        }
                    }
                    Err(err) => local.part.errors.push(DiscoveryError::from_walk(err)),
                }
                WalkState::Continue
            })
        });
        let mut inv = found.into_inner().unwrap_or_default();
        inv.files.sort_unstable();
        inv.dirs.sort_unstable();
        let known: HashSet<&Path> = inv
            .files
            .iter()
            .chain(inv.dirs.iter())
            .map(PathBuf::as_path)
            .collect();
        let mut filter = self.path_filter();
        let root = filter.as_ref().map(|f| f.strict.root().to_path_buf());
        let mut excluded = Vec::new();
        for dir in &inv.dirs {
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            for child in rd.flatten() {
                let path = child.path();
                if known.contains(path.as_path()) {
                    continue;
                }
                let Ok(ft) = child.file_type() else { continue };
                if !(ft.is_dir() || ft.is_file()) {
                    continue;
                }
                let why = match (&mut filter, &root) {
                    (Some(f), Some(root)) => match path.strip_prefix(root) {
                        Ok(rel) => match f.classify(rel, ft.is_dir()) {
                            PathClass::Excluded(why) => why,
                            // Left out for another reason (size): treat as
                            // ignored, the strictest answer.
                            PathClass::Included => Exclusion::Ignored,
                        },
                        Err(_) => Exclusion::Ignored,
                    },
                    _ => Exclusion::Ignored,
                };
                excluded.push(Excluded {
                    path,
                    is_dir: ft.is_dir(),
                    why,
                });
            }
        }
        excluded.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        inv.excluded = excluded;
        inv
    }

    /// A single-path classifier for the first root, or `None` when the walk
    /// has no root (or reads standard input).
    pub fn path_filter(&self) -> Option<PathFilter> {
        let strict = self.builder.build_matchers().into_iter().next()?;
        let mut relaxed = self.builder.clone();
        relaxed.hidden(false);
        let with_hidden = relaxed.build_matchers().into_iter().next()?;
        Some(PathFilter {
            strict,
            with_hidden,
            hidden_allowed: self.hidden_allowed,
        })
    }
}

/// One walker thread's share of an inventory, merged when the thread's
/// visitor is dropped at the end of the walk (one lock per thread).
struct Collector<'a> {
    found: &'a std::sync::Mutex<Inventory>,
    part: Inventory,
}

impl Drop for Collector<'_> {
    fn drop(&mut self) {
        if let Ok(mut inv) = self.found.lock() {
            inv.files.append(&mut self.part.files);
            inv.dirs.append(&mut self.part.dirs);
            inv.errors.append(&mut self.part.errors);
        }
    }
}

/// Turn a raw walk result into what a tool wants: a file, an error, or nothing
/// (directories, and special files that were not named explicitly).
fn classify(
    result: Result<ignore::DirEntry, ignore::Error>,
    strip_dot_prefix: bool,
) -> Option<Result<FileEntry, DiscoveryError>> {
    let dent = match result {
        Ok(dent) => dent,
        Err(err) => return Some(Err(DiscoveryError::from_walk(err))),
    };
    let stdin = dent.is_stdin();
    let is_dir = dent.file_type().is_some_and(|ft| ft.is_dir())
        || (dent.path_is_symlink() && dent.path().is_dir());
    let explicit = stdin || (dent.depth() == 0 && !is_dir);
    let is_file = dent.file_type().is_some_and(|ft| ft.is_file());
    if !explicit && !is_file {
        return None;
    }
    Some(Ok(FileEntry {
        path: dent.into_path(),
        explicit,
        stdin,
        strip_dot_prefix,
    }))
}

/// The glob overrides of `-g`/`--iglob`, matched relative to `cwd`.
pub fn build_overrides(
    cwd: &Path,
    globs: &[String],
    iglobs: &[String],
) -> Result<ignore::overrides::Override, DiscoveryError> {
    if globs.is_empty() && iglobs.is_empty() {
        return Ok(ignore::overrides::Override::empty());
    }
    let glob_err = |glob: &str, err: ignore::Error| DiscoveryError::Glob {
        glob: glob.to_string(),
        message: err.to_string(),
    };
    let mut builder = OverrideBuilder::new(cwd);
    for glob in globs {
        builder.add(glob).map_err(|e| glob_err(glob, e))?;
    }
    builder
        .case_insensitive(true)
        .map_err(|e| glob_err("--iglob", e))?;
    for glob in iglobs {
        builder.add(glob).map_err(|e| glob_err(glob, e))?;
    }
    builder.build().map_err(|e| glob_err("", e))
}

/// The file type table: the `ignore` crate's defaults plus `changes`.
pub fn type_table(changes: &[TypeChange]) -> Result<ignore::types::Types, DiscoveryError> {
    let mut builder = TypesBuilder::new();
    builder.add_defaults();
    let type_err = |err: ignore::Error| DiscoveryError::Type {
        message: err.to_string(),
    };
    for change in changes {
        match change {
            TypeChange::Add(def) => builder.add_def(def).map_err(type_err)?,
            TypeChange::Clear(name) => {
                builder.clear(name);
            }
            TypeChange::Select(name) => {
                builder.select(name);
            }
            TypeChange::Negate(name) => {
                builder.negate(name);
            }
        }
    }
    builder.build().map_err(type_err)
}

/// The type filter for `changes` (empty when nothing is selected).
pub fn build_types(changes: &[TypeChange]) -> Result<ignore::types::Types, DiscoveryError> {
    if changes
        .iter()
        .all(|c| matches!(c, TypeChange::Add(_) | TypeChange::Clear(_)))
    {
        // No selection: types filter nothing, but definitions are still
        // validated so that a bad --type-add is reported.
        type_table(changes)?;
        return Ok(ignore::types::Types::empty());
    }
    type_table(changes)
}

/// Each type's name and globs, sorted by name (`--type-list`).
pub fn type_definitions(
    changes: &[TypeChange],
) -> Result<Vec<(String, Vec<String>)>, DiscoveryError> {
    Ok(type_table(changes)?
        .definitions()
        .iter()
        .map(|d| (d.name().to_string(), d.globs().to_vec()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, contents) in files {
            let p = dir.path().join(path);
            fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            fs::write(p, contents).expect("write");
        }
        dir
    }

    fn sorted_names(dir: &Path, opts: &DiscoveryOptions) -> Vec<String> {
        let d = Discovery::new(&[dir.to_path_buf()], dir, opts).expect("discovery");
        d.sorted()
            .map(|r| {
                r.expect("entry")
                    .path()
                    .strip_prefix(dir)
                    .expect("prefix")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    #[test]
    fn gitignore_nested_and_negation() {
        let dir = tree(&[
            (".git/HEAD", "ref: refs/heads/main\n"),
            (".gitignore", "*.log\n/build/\n"),
            ("a.rs", ""),
            ("x.log", ""),
            ("build/out.rs", ""),
            ("sub/.gitignore", "!keep.log\n"),
            ("sub/keep.log", ""),
            ("sub/drop.log.txt", ""),
            (".hidden.rs", ""),
        ]);
        let names = sorted_names(dir.path(), &DiscoveryOptions::default());
        assert_eq!(names, ["a.rs", "sub/drop.log.txt", "sub/keep.log"]);
    }

    #[test]
    fn hidden_and_no_ignore() {
        let dir = tree(&[
            (".git/HEAD", ""),
            (".gitignore", "ignored.rs\n"),
            ("ignored.rs", ""),
            (".hidden.rs", ""),
        ]);
        let mut opts = DiscoveryOptions {
            hidden: true,
            ..Default::default()
        };
        let names = sorted_names(dir.path(), &opts);
        assert!(names.contains(&".hidden.rs".to_string()), "{names:?}");
        assert!(!names.contains(&"ignored.rs".to_string()), "{names:?}");
        opts.no_ignore();
        let names = sorted_names(dir.path(), &opts);
        assert!(names.contains(&"ignored.rs".to_string()), "{names:?}");
    }

    #[test]
    fn globs_override_ignore_and_negate() {
        let dir = tree(&[("a.rs", ""), ("b.txt", ""), ("c/d.rs", "")]);
        let opts = DiscoveryOptions {
            globs: vec!["*.rs".into(), "!c/**".into()],
            ..Default::default()
        };
        assert_eq!(sorted_names(dir.path(), &opts), ["a.rs"]);
        let bad = DiscoveryOptions {
            globs: vec!["a[".into()],
            ..Default::default()
        };
        let err = Discovery::new(&[dir.path().to_path_buf()], dir.path(), &bad)
            .expect_err("invalid glob must be rejected");
        assert!(err.to_string().contains("a["), "{err}");
    }

    #[test]
    fn types_select_and_negate() {
        let dir = tree(&[("a.rs", ""), ("b.py", ""), ("c.md", "")]);
        let opts = DiscoveryOptions {
            types: vec![TypeChange::Select("rust".into())],
            ..Default::default()
        };
        assert_eq!(sorted_names(dir.path(), &opts), ["a.rs"]);
        let opts = DiscoveryOptions {
            types: vec![TypeChange::Negate("rust".into())],
            ..Default::default()
        };
        assert_eq!(sorted_names(dir.path(), &opts), ["b.py", "c.md"]);
        let opts = DiscoveryOptions {
            types: vec![
                TypeChange::Add("foo:*.md".into()),
                TypeChange::Select("foo".into()),
            ],
            ..Default::default()
        };
        assert_eq!(sorted_names(dir.path(), &opts), ["c.md"]);
        let opts = DiscoveryOptions {
            types: vec![TypeChange::Select("nosuchtype".into())],
            ..Default::default()
        };
        assert!(Discovery::new(&[dir.path().to_path_buf()], dir.path(), &opts).is_err());
    }

    #[test]
    fn depth_and_size_limits() {
        let dir = tree(&[("a", "12345"), ("d/b", "1"), ("d/e/c", "1")]);
        let opts = DiscoveryOptions {
            max_depth: Some(2),
            ..Default::default()
        };
        assert_eq!(sorted_names(dir.path(), &opts), ["a", "d/b"]);
        let opts = DiscoveryOptions {
            max_filesize: Some(2),
            ..Default::default()
        };
        assert_eq!(sorted_names(dir.path(), &opts), ["d/b", "d/e/c"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_reported_not_followed_forever() {
        let dir = tree(&[("d/f", "x")]);
        std::os::unix::fs::symlink(dir.path().join("d"), dir.path().join("d/loop"))
            .expect("symlink");
        let opts = DiscoveryOptions {
            follow_links: true,
            ..Default::default()
        };
        let d = Discovery::new(&[dir.path().to_path_buf()], dir.path(), &opts).expect("new");
        let results: Vec<_> = d.sorted().collect();
        let files = results.iter().filter(|r| r.is_ok()).count();
        let errors: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(files, 1);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].path().is_some());
    }

    #[cfg(unix)]
    #[test]
    fn fifo_in_walk_is_skipped_but_explicit_is_kept() {
        let dir = tree(&[("a", "x")]);
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(status.success());
        assert_eq!(
            sorted_names(dir.path(), &DiscoveryOptions::default()),
            ["a"]
        );
        let d = Discovery::new(std::slice::from_ref(&fifo), dir.path(), &Default::default())
            .expect("new");
        let entries: Vec<_> = d.sorted().collect::<Result<_, _>>().expect("ok");
        assert_eq!(entries.len(), 1);
        assert!(entries[0].is_explicit());
    }

    #[test]
    fn parallel_walk_sees_every_file_once() {
        let files: Vec<(String, &str)> = (0..200)
            .map(|i| (format!("d{}/f{i}.txt", i % 7), "x"))
            .collect();
        let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        let dir = tree(&refs);
        let opts = DiscoveryOptions {
            threads: 4,
            ..Default::default()
        };
        let d = Discovery::new(&[dir.path().to_path_buf()], dir.path(), &opts).expect("new");
        let seen = std::sync::Mutex::new(Vec::new());
        d.run_parallel(|| {
            |r: Result<FileEntry, DiscoveryError>| {
                seen.lock()
                    .expect("lock")
                    .push(r.expect("entry").path().to_path_buf());
                Flow::Continue
            }
        });
        let mut seen = seen.into_inner().expect("lock");
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 200);
    }

    #[test]
    fn missing_path_is_an_error_with_its_path() {
        let dir = tree(&[("a", "x")]);
        let missing = dir.path().join("nope");
        let d = Discovery::new(
            &[missing.clone(), dir.path().join("a")],
            dir.path(),
            &Default::default(),
        )
        .expect("new");
        let results: Vec<_> = d.sorted().collect();
        assert_eq!(results.len(), 2);
        let err = results[0].as_ref().expect_err("missing");
        assert_eq!(err.path(), Some(missing.as_path()));
        assert!(results[1].is_ok());
    }

    #[test]
    fn inventory_lists_files_dirs_and_the_excluded_edge() {
        let dir = tree(&[
            (".git/HEAD", ""),
            (".gitignore", "target/\n*.log\n"),
            ("src/a.rs", ""),
            ("src/.hidden.rs", ""),
            ("src/x.log", ""),
            ("target/debug/deep.rs", ""),
        ]);
        let root = dir.path().canonicalize().expect("canon");
        let d =
            Discovery::new(std::slice::from_ref(&root), &root, &Default::default()).expect("new");
        let inv = d.inventory();
        let rel = |p: &PathBuf| {
            p.strip_prefix(&root)
                .expect("prefix")
                .to_string_lossy()
                .into_owned()
        };
        assert_eq!(inv.files.iter().map(rel).collect::<Vec<_>>(), ["src/a.rs"]);
        assert_eq!(inv.dirs.iter().map(rel).collect::<Vec<_>>(), ["", "src"]);
        let ex: Vec<(String, bool, Exclusion)> = inv
            .excluded
            .iter()
            .map(|e| (rel(&e.path), e.is_dir, e.why))
            .collect();
        assert_eq!(
            ex,
            [
                (".git".to_string(), true, Exclusion::Hidden),
                (".gitignore".to_string(), false, Exclusion::Hidden),
                ("src/.hidden.rs".to_string(), false, Exclusion::Hidden),
                ("src/x.log".to_string(), false, Exclusion::Ignored),
                ("target".to_string(), true, Exclusion::Ignored),
            ]
        );
        let mut f = d.path_filter().expect("filter");
        assert_eq!(
            f.classify(Path::new("src/new.rs"), false),
            PathClass::Included
        );
        assert_eq!(
            f.classify(Path::new("src/new.log"), false),
            PathClass::Excluded(Exclusion::Ignored)
        );
        assert_eq!(
            f.classify(Path::new("target/x.rs"), false),
            PathClass::Excluded(Exclusion::Ignored)
        );
        assert_eq!(
            f.classify(Path::new(".env"), false),
            PathClass::Excluded(Exclusion::Hidden)
        );
    }

    #[test]
    fn strip_dot_prefix_for_display_only() {
        let e = FileEntry {
            path: PathBuf::from("./a/b"),
            explicit: false,
            stdin: false,
            strip_dot_prefix: true,
        };
        assert_eq!(e.display_path(), Path::new("a/b"));
        assert_eq!(e.path(), Path::new("./a/b"));
    }
}
