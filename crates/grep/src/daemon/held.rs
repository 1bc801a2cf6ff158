//! A shard of the daemon: the files one worker holds, its trigram index
//! over them ([`super::postings`]), and how it answers a search.
//!
//! Text files are held as one exact-size byte buffer each (no per-line
//! objects, so memory is the bytes plus a small per-file constant), up to
//! the shard's share of the memory budget. Binary files, files over the
//! size limit, files with other hard links and text files beyond the budget
//! are not held; they stay listed, and a query reads them from disk, so an
//! answer never silently misses them.
//!
//! A query with a plan ([`super::grams`]) evaluates it on the index and
//! visits only the candidates (plus the files the index cannot vouch for:
//! see [`Indexed`]), in path order within each query root; otherwise it
//! visits every file. Each visited file is searched with the same matcher,
//! searcher and printer as one-shot search, so the bytes it produces for a
//! file are the bytes one-shot `--sort path` produces for it. A held file
//! that cannot match (it lacks the literal every match needs, or the
//! matcher finds nothing in it) is passed over after one pass, when the
//! query's mode prints nothing for it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::matcher::PatternMatcher;
use grep_printer::Stats;
use ignore::Match;
use ignore::overrides::Override;
use ignore::types::Types;
use workdist::{Flow, Shard};

use super::grams::Plan;
use super::postings::{Candidates, DocId, Postings, PostingsStats};
use crate::config::{Config, SearchMode};
use crate::search::Worker;

/// Files larger than this are not held in memory (read from disk per query).
pub const MAX_HELD: u64 = 64 << 20;

/// How one file is kept.
#[derive(Debug)]
pub enum Held {
    /// The file's bytes.
    Mem(Box<[u8]>),
    /// Not held: read from disk when a query needs it.
    Disk(NotHeld),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotHeld {
    Binary,
    Large,
    /// A file with other hard links: a write through another name (in the
    /// tree or outside it) comes with no event for this one, so its bytes
    /// are read at query time, never kept.
    Linked,
    /// A text file beyond the memory budget (`daemon start --memory`):
    /// indexed, and read from disk (the page cache) when it is a candidate.
    Budget,
}

/// A file's place in the trigram index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Indexed {
    /// Its bytes as last read are these documents (inclusive): one for
    /// most files; a file over [`SPLIT`] is indexed as blocks of whole
    /// lines (see `index_doc`).
    Docs(DocId, DocId),
    /// Searched by every query the index plans: its bytes on disk are not
    /// what the index would see (binary, a byte-order mark that makes the
    /// searcher transcode, too large or unreadable, hard-linked).
    Always,
    /// Held, not indexed yet (the index is built after the load): searched
    /// by every query until it is.
    Pending,
}

/// One file of a shard.
#[derive(Debug)]
pub struct Entry {
    pub held: Held,
    pub indexed: Indexed,
    /// Its length when last read.
    pub len: u64,
    /// Indexed as blocks: where each ends.
    pub blocks: Option<Box<[u32]>>,
}

/// Counters shared by every shard and the server, for status reports.
#[derive(Debug, Default)]
pub struct Counters {
    /// Files loaded so far (progress while starting).
    pub loaded: AtomicU64,
    /// Updates sent to shards and not yet applied.
    pub pending: AtomicU64,
}

/// One worker's files, and its trigram index over them.
#[derive(Debug)]
pub struct GrepShard {
    root: Arc<PathBuf>,
    files: BTreeMap<PathBuf, Entry>,
    /// Bytes held in memory.
    bytes: u64,
    /// Bytes of every file, held or not (what balances the shards).
    total: u64,
    /// The most bytes this shard holds in memory.
    budget: u64,
    counters: Arc<Counters>,
    postings: Postings,
    /// By document id: the file it is (`None` once dead).
    doc_paths: Vec<Option<PathBuf>>,
    /// Files with [`Indexed::Always`].
    always: BTreeSet<PathBuf>,
    /// Files with [`Indexed::Pending`].
    unindexed: BTreeSet<PathBuf>,
    /// Files indexed as several blocks: candidates for every multi-line
    /// search (a match may span blocks).
    blocked: BTreeSet<PathBuf>,
    /// Held files are left [`Indexed::Pending`] when read, for
    /// [`Update::Index`] to index later: true from the start until the
    /// first index build is done, so that the load makes the daemon ready
    /// as soon as the files are read.
    deferred: bool,
    /// An update is being applied (a panic now happened while indexing).
    in_update: bool,
    /// The files of the refresh being applied: a panic part way must not
    /// lose the ones not reached ([`Shard::recover`] reads them too).
    in_flight: Vec<PathBuf>,
    /// Set when the shard was rebuilt after a panic while applying an
    /// update: the next query is refused with it (the client searches
    /// one-shot and says so once).
    fault: Option<String>,
}

/// What a shard reports for status.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShardStats {
    pub files: u64,
    pub bytes: u64,
    pub binary: u64,
    pub large: u64,
    pub linked: u64,
    /// Text files not held: over the memory budget.
    pub budget: u64,
    /// Bytes of every file, held or not.
    pub total: u64,
    /// Files every planned query searches.
    pub always: u64,
    /// Files not indexed yet, and whether indexing is still deferred.
    pub unindexed: u64,
    pub deferred: bool,
    pub index: PostingsStats,
}

/// A change for one shard. Paths are relative to the root.
#[derive(Debug)]
pub enum Update {
    /// (Re)read these files from disk; a file that is gone is dropped.
    Refresh(Vec<PathBuf>),
    /// Forget these files.
    Remove(Vec<PathBuf>),
    /// Forget every file under this directory.
    RemoveDir(PathBuf),
    /// Index up to `files` files left pending by the load (with none left,
    /// index every file as it is read from then on), then send `(worker,
    /// still deferred)` on `done`.
    Index {
        files: usize,
        worker: usize,
        done: crossbeam_channel::Sender<(usize, bool)>,
    },
}

/// One place a query searches: a directory or a file under the root, and
/// how the user spelled it.
#[derive(Clone, Debug)]
pub struct QueryRoot {
    /// Relative to the daemon's root ("" for the root itself).
    pub rel: PathBuf,
    /// The path as typed (`src`, `./src/`, `/abs/src`, or `./` when none).
    pub typed: PathBuf,
    pub is_file: bool,
    /// No path was given: show paths without the leading `./`.
    pub strip_dot: bool,
}

impl QueryRoot {
    /// The path one-shot search would show for `within` (relative to this
    /// root's directory).
    pub fn display(&self, within: &Path) -> PathBuf {
        if self.is_file {
            return self.typed.clone();
        }
        let joined = self.typed.join(within);
        if self.strip_dot
            && let Ok(p) = joined.strip_prefix("./")
        {
            return p.to_path_buf();
        }
        joined
    }
}

/// The query-specific file filters: globs, types, depth and size.
#[derive(Clone, Debug)]
pub struct Selection {
    pub overrides: Override,
    pub types: Types,
    pub max_depth: Option<usize>,
    pub max_filesize: Option<u64>,
}

impl Selection {
    /// Would a walk from `root` with these filters search the file at
    /// `within` (relative to the root), given that the daemon's own filters
    /// already let it through? `walked` is the path as the walk would spell
    /// it, which is what globs are matched against.
    pub fn selects(&self, root: &QueryRoot, within: &Path, size: impl FnOnce() -> u64) -> bool {
        if root.is_file {
            return true; // named explicitly: always searched
        }
        if self.too_deep(within) {
            return false;
        }
        if let Some(max) = self.max_filesize
            && size() > max
        {
            return false;
        }
        let walked = root.typed.join(within);
        match self.glob_verdict(root, within, &walked, false) {
            Match::Whitelist(()) => true,
            Match::Ignore(()) => false,
            Match::None => !self.types.matched(&walked, false).is_ignore(),
        }
    }

    /// Does this selection pull in an entry the daemon left out (ignored or
    /// hidden) at `within`? If so the daemon cannot answer the query.
    pub fn needs_excluded(
        &self,
        root: &QueryRoot,
        within: &Path,
        is_dir: bool,
        hidden_only: bool,
    ) -> bool {
        if self.too_deep(within) {
            return false;
        }
        let walked = root.typed.join(within);
        match self.glob_verdict(root, within, &walked, is_dir) {
            Match::Whitelist(()) => true,
            Match::Ignore(()) => false,
            // A file type selection lets hidden files of that type through
            // (ripgrep's precedence); it never overrides an ignore rule.
            Match::None => {
                hidden_only && !is_dir && self.types.matched(&walked, false).is_whitelist()
            }
        }
    }

    fn too_deep(&self, within: &Path) -> bool {
        self.max_depth
            .is_some_and(|max| within.components().count() > max)
    }

    /// What the globs say of an entry, with ripgrep's precedence: a
    /// directory on the way down that a glob excludes prunes everything
    /// below it; otherwise the entry's own match decides (or nothing).
    fn glob_verdict(
        &self,
        root: &QueryRoot,
        within: &Path,
        walked: &Path,
        is_dir: bool,
    ) -> Match<()> {
        if self.overrides.is_empty() {
            return Match::None;
        }
        let mut dir = root.typed.clone();
        let mut comps = within.components().peekable();
        while let Some(c) = comps.next() {
            if comps.peek().is_none() {
                break;
            }
            dir.push(c);
            if self.overrides.matched(&dir, true).is_ignore() {
                return Match::Ignore(());
            }
        }
        match self.overrides.matched(walked, is_dir) {
            Match::Whitelist(_) => Match::Whitelist(()),
            Match::Ignore(_) => Match::Ignore(()),
            Match::None => Match::None,
        }
    }
}

/// A search broadcast to every shard.
pub struct GrepQuery {
    pub config: Config,
    pub mode: SearchMode,
    pub matcher: PatternMatcher,
    pub roots: Vec<QueryRoot>,
    pub selection: Selection,
    /// A file without a match prints nothing in this query's mode, so a
    /// file the matcher finds nothing in can be passed over without setting
    /// up a search (see [`GrepQuery::prints_nothing_without_match`]).
    pub skip_nonmatching: bool,
    /// `--files`: list the selected files instead of searching them.
    pub list_files: bool,
    /// A literal every match contains ([`crate::literal`]): a file without
    /// it is passed over after one memmem pass.
    pub required: Option<memchr::memmem::Finder<'static>>,
    /// What the trigram index can narrow ([`super::grams`]).
    pub plan: Plan,
    /// `-E LABEL`: the searcher sees the held bytes decoded, so nothing
    /// may be ruled out from the raw bytes (the review found `-E latin1
    /// café` answered with nothing).
    pub decodes: bool,
}

impl GrepQuery {
    /// A match may cross a newline (`-U`, or `--null-data`, whose records
    /// end at NUL): a file indexed as blocks of whole lines is then a
    /// candidate whatever its blocks' trigrams say.
    pub fn spans_lines(&self) -> bool {
        self.config.multiline || self.config.null_data
    }

    /// True when a file with no match produces no output in this mode: not
    /// for -v, --passthru, --include-zero or --files-without-match.
    pub fn prints_nothing_without_match(config: &Config, mode: SearchMode) -> bool {
        !config.invert_match
            && !config.passthru
            && !config.include_zero
            && mode != SearchMode::FilesWithoutMatch
    }
}

/// What a shard sends back for a query.
#[derive(Debug)]
pub enum ShardItem {
    /// A file that printed something, matched, or failed. Files that did
    /// none of these are not sent: a query over 80,000 files that matches
    /// in ten sends ten items, not 80,000.
    File(FileResult),
    /// The shard was rebuilt after a panic while it indexed: this query
    /// is not answered (sent first, alone).
    Fault(String),
    /// The shard's totals, sent last (its key sorts after every file).
    Summary {
        searched: u64,
        stats: Stats,
        /// With a plan: the files the index left to search.
        candidates: Option<u64>,
        /// Bytes of the candidates (or of every file, for a full scan).
        verify_bytes: u64,
    },
}

/// One file's answer.
#[derive(Debug, Default)]
pub struct FileResult {
    pub output: Vec<u8>,
    pub has_match: bool,
    pub stats: Option<Stats>,
    /// A per-file error, already formatted as `path: message`.
    pub error: Option<String>,
    /// No file separator before this output: only "binary file matches"
    /// (see [`crate::search::FileOutcome::lines`]).
    pub unseparated: bool,
}

impl GrepShard {
    /// Count occurrences of `needle` in every held byte: one memmem pass,
    /// the physical limit of any scanning search (benchmarks compare
    /// against it).
    pub fn bare_scan(&self, needle: &[u8]) -> (u64, u64, u64) {
        let finder = memchr::memmem::Finder::new(needle);
        let (mut bytes, mut files, mut matches) = (0u64, 0u64, 0u64);
        for e in self.files.values() {
            if let Held::Mem(b) = &e.held {
                bytes += b.len() as u64;
                files += 1;
                matches += finder.find_iter(b).count() as u64;
            }
        }
        (bytes, files, matches)
    }

    pub fn new(root: Arc<PathBuf>, counters: Arc<Counters>, budget: u64) -> GrepShard {
        GrepShard {
            root,
            files: BTreeMap::new(),
            bytes: 0,
            total: 0,
            budget,
            counters,
            postings: Postings::new(),
            doc_paths: Vec::new(),
            always: BTreeSet::new(),
            unindexed: BTreeSet::new(),
            blocked: BTreeSet::new(),
            deferred: true,
            in_update: false,
            in_flight: Vec::new(),
            fault: None,
        }
    }

    fn forget(&mut self, rel: &Path) {
        let Some(e) = self.files.remove(rel) else {
            return;
        };
        if let Held::Mem(b) = &e.held {
            self.bytes -= b.len() as u64;
        }
        self.total -= e.len;
        match e.indexed {
            Indexed::Docs(first, last) => {
                for doc in first..=last {
                    self.postings.remove(doc);
                    if let Some(slot) = self.doc_paths.get_mut(doc as usize) {
                        *slot = None;
                    }
                }
                if last > first {
                    self.blocked.remove(rel);
                }
            }
            Indexed::Always => {
                self.always.remove(rel);
            }
            Indexed::Pending => {
                self.unindexed.remove(rel);
            }
        }
    }

    /// Index up to `n` pending files.
    fn index_pending(&mut self, n: usize) {
        let batch: Vec<PathBuf> = self.unindexed.iter().take(n).cloned().collect();
        for rel in batch {
            self.unindexed.remove(&rel);
            let Some(e) = self.files.get_mut(&rel) else {
                continue;
            };
            if let Held::Mem(bytes) = &e.held {
                (e.indexed, e.blocks) =
                    index_doc(&mut self.postings, &mut self.doc_paths, &rel, bytes);
                if let Indexed::Docs(first, last) = e.indexed
                    && last > first
                {
                    self.blocked.insert(rel);
                }
            }
        }
        if self.unindexed.is_empty() {
            self.deferred = false;
        }
    }

    fn refresh(&mut self, rel: PathBuf) {
        self.forget(&rel);
        let path = self.root.join(&rel);
        let (held, len, bytes) = match std::fs::symlink_metadata(&path) {
            Ok(md) if md.is_file() && md.len() > MAX_HELD => {
                (Held::Disk(NotHeld::Large), md.len(), None)
            }
            Ok(md) if md.is_file() && std::os::unix::fs::MetadataExt::nlink(&md) > 1 => {
                (Held::Disk(NotHeld::Linked), md.len(), None)
            }
            Ok(md) if md.is_file() => match read_no_follow(&path) {
                Ok(bytes) if memchr_nul(&bytes) => {
                    (Held::Disk(NotHeld::Binary), bytes.len() as u64, None)
                }
                Ok(bytes) => {
                    let len = bytes.len() as u64;
                    if self.bytes + len <= self.budget {
                        (Held::Mem(bytes.into_boxed_slice()), len, None)
                    } else {
                        (Held::Disk(NotHeld::Budget), len, Some(bytes))
                    }
                }
                // Unreadable now (permissions, a race with a delete): keep
                // it listed so that a query reports the error, as one-shot
                // search would.
                Err(_) => (Held::Disk(NotHeld::Large), md.len(), None),
            },
            _ => return, // gone, or no longer a regular file
        };
        let text = match (&held, &bytes) {
            (Held::Mem(b), _) => Some(&b[..]),
            (_, Some(b)) => Some(&b[..]),
            _ => None,
        };
        let mut blocks = None;
        fault_injection_index(&rel);
        let indexed = match text {
            Some(t) if !starts_with_bom(t) => {
                if self.deferred && matches!(held, Held::Mem(_)) {
                    // Held: its bytes are still here when the index is
                    // built.
                    self.unindexed.insert(rel.clone());
                    Indexed::Pending
                } else {
                    let indexed;
                    (indexed, blocks) = index_doc(&mut self.postings, &mut self.doc_paths, &rel, t);
                    if let Indexed::Docs(first, last) = indexed
                        && last > first
                    {
                        self.blocked.insert(rel.clone());
                    }
                    indexed
                }
            }
            _ => {
                self.always.insert(rel.clone());
                Indexed::Always
            }
        };
        if let Held::Mem(b) = &held {
            self.bytes += b.len() as u64;
        }
        self.total += len;
        self.files.insert(
            rel,
            Entry {
                held,
                indexed,
                len,
                blocks,
            },
        );
    }

    /// After updates: compact the index once dead postings pile up, and
    /// renumber the files' documents to match.
    fn upkeep(&mut self) {
        if !self.postings.wants_compaction(compact_min_dead()) {
            return;
        }
        let map = self.postings.compact();
        let mut paths = vec![None; map.iter().flatten().count()];
        for (rel, e) in self.files.iter_mut() {
            // A file's documents are all live: they map to a run of ids.
            if let Indexed::Docs(first, last) = &mut e.indexed
                && let (Some(Some(a)), Some(Some(b))) =
                    (map.get(*first as usize), map.get(*last as usize))
            {
                (*first, *last) = (*a, *b);
                for doc in *a..=*b {
                    paths[doc as usize] = Some(rel.clone());
                }
            }
        }
        self.doc_paths = paths;
    }

    fn search_file(
        &self,
        q: &GrepQuery,
        worker: &mut Worker,
        root: &QueryRoot,
        rel: &Path,
        within: &Path,
        held: &Held,
    ) -> FileResult {
        if q.list_files {
            let mut buf = if q.config.color {
                termcolor::Buffer::ansi()
            } else {
                termcolor::Buffer::no_color()
            };
            // `-q --files` prints nothing (one-shot's rule).
            if !q.config.quiet {
                crate::print::PathWriter::new(&q.config).write(&mut buf, &root.display(within));
            }
            return FileResult {
                output: buf.into_inner(),
                has_match: true,
                ..FileResult::default()
            };
        }
        if let Held::Mem(bytes) = held
            && q.skip_nonmatching
            && !starts_with_bom(bytes)
        {
            // One pass of the matcher over the whole file, as the
            // searcher's own first step would be; most files end here.
            let started = q.config.stats.then(std::time::Instant::now);
            if surely_no_match(q, bytes) {
                let stats = started.map(|t| {
                    let mut s = Stats::new();
                    s.add_searches(1);
                    s.add_bytes_searched(bytes.len() as u64);
                    s.add_elapsed(t.elapsed());
                    s
                });
                return FileResult {
                    stats,
                    ..FileResult::default()
                };
            }
        }
        let display = root.display(within);
        fault_injection(rel);
        let result = match held {
            Held::Mem(bytes) => worker.search_held(&display, bytes, root.is_file),
            Held::Disk(_) => worker.search_file_at(&display, &self.root.join(rel), root.is_file),
        };
        let output = worker.take_output();
        match result {
            Ok(outcome) => FileResult {
                output,
                has_match: outcome.has_match,
                stats: outcome.stats,
                error: None,
                unseparated: !outcome.lines,
            },
            Err(err) => FileResult {
                error: Some(format!("{}: {}", display.display(), err)),
                ..FileResult::default()
            },
        }
    }
}

/// Fault injection for end-to-end tests: when the daemon was started with
/// `PGREP_LITE_FAULT_PANIC=NAME`, a shard panics while searching a file
/// named NAME, so that tests can see a worker fault handled for real. Only
/// in debug builds (what `cargo test` runs): a release binary does not
/// read the variable.
#[cfg(debug_assertions)]
fn fault_injection(rel: &Path) {
    static TARGET: std::sync::OnceLock<Option<std::ffi::OsString>> = std::sync::OnceLock::new();
    let target = TARGET.get_or_init(|| std::env::var_os("PGREP_LITE_FAULT_PANIC"));
    if let Some(name) = target
        && rel.file_name() == Some(name.as_os_str())
    {
        panic!("injected fault while searching {}", rel.display());
    }
}

#[cfg(not(debug_assertions))]
fn fault_injection(_: &Path) {}

/// Fault injection for end-to-end tests, debug builds only: with
/// `PGREP_LITE_FAULT_PANIC_INDEX=NAME`, a shard panics once while it reads
/// and indexes a file named NAME.
#[cfg(debug_assertions)]
fn fault_injection_index(rel: &Path) {
    static TARGET: std::sync::OnceLock<Option<std::ffi::OsString>> = std::sync::OnceLock::new();
    static FIRED: AtomicBool = AtomicBool::new(false);
    let target = TARGET.get_or_init(|| std::env::var_os("PGREP_LITE_FAULT_PANIC_INDEX"));
    if let Some(name) = target
        && rel.file_name() == Some(name.as_os_str())
        && !FIRED.swap(true, Ordering::SeqCst)
    {
        panic!("injected fault while indexing {}", rel.display());
    }
}

#[cfg(not(debug_assertions))]
fn fault_injection_index(_: &Path) {}

/// Read a file whole, refusing to follow a symbolic link put in its place
/// after it was looked at (what one-shot search would see is the link,
/// which a walk skips), and reading at most [`MAX_HELD`] + 1 bytes of a
/// file that grew meanwhile (it is then not held: read from disk).
fn read_no_follow(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)?;
    // Sized from the opened file, as `fs::read` does: one read for the
    // bytes and one to see the end (a `Take` alone would hide the size and
    // make read_to_end grow the buffer step by step).
    let len = file.metadata().map_or(0, |m| m.len()).min(MAX_HELD);
    let mut bytes = Vec::with_capacity(len as usize + 1);
    file.take(MAX_HELD + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_HELD {
        return Err(std::io::Error::other("grew past the held size"));
    }
    Ok(bytes)
}

/// A byte-order mark makes the searcher transcode or strip: such a file
/// must go through the searcher even to learn that it has no match.
fn starts_with_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xef, 0xbb, 0xbf])
        || bytes.starts_with(&[0xff, 0xfe])
        || bytes.starts_with(&[0xfe, 0xff])
}

fn memchr_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
}

fn size_of(held: &Held, root: &Path, rel: &Path) -> u64 {
    match held {
        Held::Mem(b) => b.len() as u64,
        Held::Disk(_) => std::fs::metadata(root.join(rel)).map_or(0, |m| m.len()),
    }
}

/// True when the matcher, or the literal every match needs, finds nothing
/// in `bytes` (so a search of them would print nothing).
fn surely_no_match(q: &GrepQuery, bytes: &[u8]) -> bool {
    if q.decodes {
        return false;
    }
    match &q.required {
        Some(finder) => finder.find(bytes).is_none(),
        None if q.config.multiline => {
            matches!(grep_matcher::Matcher::find(&q.matcher, bytes), Ok(None))
        }
        // Line by line, PCRE2 sees each line alone; over the whole buffer,
        // `$`, `\Z` or look-arounds see the next line and may find nothing
        // where a line matches (`-P -x '\R'` matches an empty line). Only
        // the default engine, whose line-terminator contract makes the two
        // agree, may rule a file out here.
        None if !matches!(q.matcher, PatternMatcher::Rust(_)) => false,
        // The searcher's own first step on a buffer: cheap for patterns
        // whose literals are inner, unlike a full find.
        None => matches!(
            grep_matcher::Matcher::find_candidate_line(&q.matcher, bytes),
            Ok(None)
        ),
    }
}

/// Files over this many bytes are indexed as blocks.
pub const SPLIT: usize = 1 << 20;
/// The least size of a block (it runs to the end of the line it reaches).
pub const BLOCK: usize = 8 << 10;

/// Index a file's bytes in `postings`: as one document, or, over
/// [`SPLIT`] bytes, as blocks of about [`BLOCK`] bytes that end at line
/// ends. A file's trigrams cannot tell which of its blocks holds a match:
/// in the Linux tree the 84 files over 1 MiB are 27% of the bytes (register
/// headers of up to 24 MB holding almost every uppercase trigram), and
/// whole, they were most of what a rare literal had to verify. Blocks are
/// sound for any search that matches within a line (no `-U`): a match lies
/// in one line, so in one block, and the plan holds on any text with a
/// match. Multi-line searches take every split file as a candidate. (This
/// rests on lines ending at `\n`, with or without `--crlf`: a search with
/// another line terminator, such as ripgrep's `--null-data`, must take
/// split files whole too.)
fn index_doc(
    postings: &mut Postings,
    doc_paths: &mut Vec<Option<PathBuf>>,
    rel: &Path,
    bytes: &[u8],
) -> (Indexed, Option<Box<[u32]>>) {
    let (split, block) = block_sizes();
    let mut add = |part: &[u8]| {
        let doc = postings.add(part);
        let slot = doc as usize;
        if doc_paths.len() <= slot {
            doc_paths.resize(slot + 1, None);
        }
        doc_paths[slot] = Some(rel.to_path_buf());
        doc
    };
    // Block ends are u32: a held file is at most MAX_HELD (64 MiB).
    if bytes.len() <= split || bytes.len() > u32::MAX as usize {
        let doc = add(bytes);
        return (Indexed::Docs(doc, doc), None);
    }
    let mut start = 0;
    let mut first = None;
    let mut last = 0;
    let mut ends = Vec::new();
    while start < bytes.len() {
        let from = (start + block).min(bytes.len()) - 1;
        let end = memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |i| from + i + 1);
        last = add(&bytes[start..end]);
        first.get_or_insert(last);
        ends.push(end as u32);
        start = end;
    }
    (
        Indexed::Docs(first.unwrap_or(last), last),
        Some(ends.into_boxed_slice()),
    )
}

/// [`SPLIT`] and [`BLOCK`]; debug builds read `PGREP_LITE_INDEX_SPLIT`
/// and `PGREP_LITE_INDEX_BLOCK`, so that tests split small files.
fn block_sizes() -> (usize, usize) {
    #[cfg(debug_assertions)]
    {
        static SIZES: std::sync::OnceLock<(usize, usize)> = std::sync::OnceLock::new();
        *SIZES.get_or_init(|| {
            let var = |name: &str, default: usize| {
                std::env::var(name)
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n: &usize| n > 0)
                    .unwrap_or(default)
            };
            (
                var("PGREP_LITE_INDEX_SPLIT", SPLIT),
                var("PGREP_LITE_INDEX_BLOCK", BLOCK),
            )
        })
    }
    #[cfg(not(debug_assertions))]
    (SPLIT, BLOCK)
}

/// Dead postings that trigger a compaction (once over a quarter of the
/// live ones too). Debug builds read `PGREP_LITE_COMPACT_AT` so that tests
/// on small trees compact.
fn compact_min_dead() -> u64 {
    const DEFAULT: u64 = 1 << 20;
    #[cfg(debug_assertions)]
    {
        static AT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        *AT.get_or_init(|| {
            std::env::var("PGREP_LITE_COMPACT_AT")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(DEFAULT)
        })
    }
    #[cfg(not(debug_assertions))]
    DEFAULT
}

/// Which files a query searches.
enum Filter {
    /// Every selected file (a full scan).
    All,
    /// Files with a document in this set (by id), and the always-searched;
    /// every split file too if `whole_blocked` (a multi-line search).
    Docs { bits: Vec<u64>, whole_blocked: bool },
}

impl Filter {
    /// Is this document a candidate? (`None`: every one is.)
    fn doc_test(&self) -> Option<impl Fn(DocId) -> bool + '_> {
        match self {
            Filter::All => None,
            Filter::Docs { bits, .. } => Some(move |d: DocId| {
                bits.get(d as usize / 64)
                    .is_some_and(|w| w & (1 << (d % 64)) != 0)
            }),
        }
    }

    fn admits(&self, e: &Entry) -> bool {
        match (self, e.indexed) {
            (Filter::All, _) | (_, Indexed::Always | Indexed::Pending) => true,
            (Filter::Docs { whole_blocked, .. }, Indexed::Docs(first, last))
                if *whole_blocked && last > first =>
            {
                true
            }
            (Filter::Docs { bits, .. }, Indexed::Docs(first, last)) => (first..=last).any(|d| {
                bits.get(d as usize / 64)
                    .is_some_and(|w| w & (1 << (d % 64)) != 0)
            }),
        }
    }
}

/// A query's running totals in one shard.
struct Tally {
    searched: u64,
    stats: Stats,
    candidates: u64,
    verify_bytes: u64,
}

impl GrepShard {
    /// Search one selected file and send what it printed. `Quit` when the
    /// consumer wants no more.
    #[allow(clippy::too_many_arguments)]
    fn visit(
        &self,
        q: &GrepQuery,
        worker: &mut Worker,
        tally: &mut Tally,
        root_idx: usize,
        within: &Path,
        root: &QueryRoot,
        rel: &Path,
        e: &Entry,
        cand: Option<&dyn Fn(DocId) -> bool>,
        emit: &mut dyn FnMut((usize, PathBuf), ShardItem) -> Flow,
    ) -> Flow {
        // A split file is a candidate for its candidate blocks: when none
        // of them has a match, neither has the file (a match lies within
        // one line, so within one block of whole lines). Only they are
        // read, not the whole file (a 24 MB register header for one
        // block's false alarm).
        if let (Some(cand), Some(ends), Held::Mem(bytes), Indexed::Docs(first, _)) =
            (cand, &e.blocks, &e.held, e.indexed)
            && q.skip_nonmatching
            && !q.spans_lines()
        {
            let mut start = 0usize;
            let mut all_clear = true;
            for (i, &end) in ends.iter().enumerate() {
                let end = end as usize;
                if cand(first + i as DocId)
                    && bytes
                        .get(start..end)
                        .is_none_or(|block| !surely_no_match(q, block))
                {
                    all_clear = false;
                    break;
                }
                start = end;
            }
            if all_clear {
                tally.candidates += 1;
                Self::pass_over(q, tally, e);
                return Flow::Continue;
            }
        }
        let r = self.search_file(q, worker, root, rel, within, &e.held);
        tally.searched += 1;
        tally.candidates += 1;
        tally.verify_bytes += e.len;
        if let Some(s) = &r.stats {
            tally.stats += s;
        }
        if r.output.is_empty() && r.error.is_none() && !r.has_match {
            return Flow::Continue;
        }
        // The key's path is made only for what is sent: a full scan visits
        // every file and sends a few.
        emit((root_idx, within.to_path_buf()), ShardItem::File(r))
    }

    /// A selected file the index ruled out: searched, as far as the
    /// answer's counts go, with no match.
    fn pass_over(q: &GrepQuery, tally: &mut Tally, e: &Entry) {
        tally.searched += 1;
        if q.config.stats {
            tally.stats.add_searches(1);
            tally.stats.add_bytes_searched(e.len);
        }
    }

    /// Every selected file in path order, searching those `filter` admits.
    fn scan(
        &self,
        q: &GrepQuery,
        filter: &Filter,
        worker: &mut Worker,
        tally: &mut Tally,
        cancel: &AtomicBool,
        emit: &mut dyn FnMut((usize, PathBuf), ShardItem) -> Flow,
    ) -> Flow {
        let test = filter.doc_test();
        let cand = test.as_ref().map(|t| t as &dyn Fn(DocId) -> bool);
        for (i, root) in q.roots.iter().enumerate() {
            if root.is_file {
                if let Some(e) = self.files.get(&root.rel) {
                    if !filter.admits(e) {
                        Self::pass_over(q, tally, e);
                    } else if self.visit(
                        q,
                        worker,
                        tally,
                        i,
                        Path::new(""),
                        root,
                        &root.rel,
                        e,
                        cand,
                        emit,
                    ) == Flow::Quit
                    {
                        return Flow::Quit;
                    }
                }
                continue;
            }
            let range = self.files.range::<Path, _>((
                std::ops::Bound::Included(root.rel.as_path()),
                std::ops::Bound::Unbounded,
            ));
            for (rel, e) in range {
                if cancel.load(Ordering::Relaxed) {
                    return Flow::Quit;
                }
                let Ok(within) = rel.strip_prefix(&root.rel) else {
                    break;
                };
                if within.as_os_str().is_empty() {
                    continue; // the root itself is a directory, not a file
                }
                if !q
                    .selection
                    .selects(root, within, || size_of(&e.held, &self.root, rel))
                {
                    continue;
                }
                if !filter.admits(e) {
                    Self::pass_over(q, tally, e);
                    continue;
                }
                if self.visit(q, worker, tally, i, within, root, rel, e, cand, emit) == Flow::Quit {
                    return Flow::Quit;
                }
            }
        }
        Flow::Continue
    }

    /// Only the candidates (`members`, sorted paths), in path order. The
    /// files passed over are not counted one by one: only whether any was
    /// selected matters ("no files were searched"), and `--stats` takes
    /// [`GrepShard::scan`].
    #[allow(clippy::too_many_arguments)]
    fn search_members(
        &self,
        q: &GrepQuery,
        members: &[&PathBuf],
        docs: &[DocId],
        worker: &mut Worker,
        tally: &mut Tally,
        cancel: &AtomicBool,
        emit: &mut dyn FnMut((usize, PathBuf), ShardItem) -> Flow,
    ) -> Flow {
        let test = |d: DocId| docs.binary_search(&d).is_ok();
        let cand: Option<&dyn Fn(DocId) -> bool> = Some(&test);
        for (i, root) in q.roots.iter().enumerate() {
            let start = members.partition_point(|p| p.as_path() < root.rel.as_path());
            for rel in &members[start..] {
                if cancel.load(Ordering::Relaxed) {
                    return Flow::Quit;
                }
                let Ok(within) = rel.strip_prefix(&root.rel) else {
                    break;
                };
                if within.as_os_str().is_empty() != root.is_file {
                    continue;
                }
                let Some(e) = self.files.get(*rel) else {
                    continue;
                };
                if !root.is_file
                    && !q
                        .selection
                        .selects(root, within, || size_of(&e.held, &self.root, rel))
                {
                    continue;
                }
                if self.visit(q, worker, tally, i, within, root, rel, e, cand, emit) == Flow::Quit {
                    return Flow::Quit;
                }
            }
        }
        if tally.searched == 0 && self.selects_any(q) {
            tally.searched = 1;
        }
        Flow::Continue
    }

    /// Does the query select any file of this shard?
    fn selects_any(&self, q: &GrepQuery) -> bool {
        q.roots.iter().any(|root| {
            if root.is_file {
                return self.files.contains_key(&root.rel);
            }
            self.files
                .range::<Path, _>((
                    std::ops::Bound::Included(root.rel.as_path()),
                    std::ops::Bound::Unbounded,
                ))
                .map_while(|(rel, e)| rel.strip_prefix(&root.rel).ok().map(|w| (rel, w, e)))
                .any(|(rel, within, e)| {
                    !within.as_os_str().is_empty()
                        && q.selection
                            .selects(root, within, || size_of(&e.held, &self.root, rel))
                })
        })
    }
}

impl Shard for GrepShard {
    type Query = GrepQuery;
    type Update = Update;
    /// (query root index, path within that root): one-shot `--sort path`
    /// order.
    type Key = (usize, PathBuf);
    type Item = ShardItem;
    type Stats = ShardStats;

    fn query(
        &mut self,
        q: &GrepQuery,
        cancel: &AtomicBool,
        emit: &mut dyn FnMut(Self::Key, ShardItem) -> Flow,
    ) {
        if let Some(fault) = self.fault.take() {
            emit((0, PathBuf::new()), ShardItem::Fault(fault));
            return;
        }
        let mut worker = Worker::new(&q.config, q.mode, q.matcher.clone());
        let mut tally = Tally {
            searched: 0,
            stats: Stats::new(),
            candidates: 0,
            verify_bytes: 0,
        };
        let docs = match &q.plan {
            Plan::Index(grams) => match self.postings.eval(grams) {
                Candidates::Docs(d) => Some(d),
                Candidates::All => None,
            },
            Plan::FullScan(_) => None,
        };
        let planned = docs.is_some();
        let flow = match docs {
            // Few candidates and no per-file counts wanted: visit only them.
            Some(d)
                if !q.config.stats
                    && d.len() + self.always.len() + self.unindexed.len()
                        <= self.files.len() / 4 =>
            {
                let mut members: Vec<&PathBuf> = d
                    .iter()
                    .filter_map(|&d| self.doc_paths.get(d as usize)?.as_ref())
                    .chain(self.always.iter())
                    .chain(self.unindexed.iter())
                    .chain(self.blocked.iter().filter(|_| q.spans_lines()))
                    .collect();
                members.sort_unstable();
                members.dedup();
                self.search_members(q, &members, &d, &mut worker, &mut tally, cancel, emit)
            }
            Some(d) => {
                let mut bits = vec![0u64; self.doc_paths.len().div_ceil(64)];
                for d in d {
                    if let Some(w) = bits.get_mut(d as usize / 64) {
                        *w |= 1 << (d % 64);
                    }
                }
                let filter = Filter::Docs {
                    bits,
                    whole_blocked: q.spans_lines(),
                };
                self.scan(q, &filter, &mut worker, &mut tally, cancel, emit)
            }
            None => self.scan(q, &Filter::All, &mut worker, &mut tally, cancel, emit),
        };
        if flow == Flow::Quit {
            return;
        }
        emit(
            (usize::MAX, PathBuf::new()),
            ShardItem::Summary {
                searched: tally.searched,
                stats: tally.stats,
                candidates: planned.then_some(tally.candidates),
                verify_bytes: tally.verify_bytes,
            },
        );
    }

    fn update(&mut self, update: Update) {
        self.in_update = true;
        match update {
            Update::Refresh(paths) => {
                self.in_flight.clone_from(&paths);
                for rel in paths {
                    let new = !self.files.contains_key(&rel);
                    self.refresh(rel);
                    if new {
                        self.counters.loaded.fetch_add(1, Ordering::Relaxed);
                    }
                    self.counters.pending.fetch_sub(1, Ordering::Relaxed);
                }
            }
            Update::Remove(paths) => {
                for rel in paths {
                    self.forget(&rel);
                    self.counters.pending.fetch_sub(1, Ordering::Relaxed);
                }
            }
            Update::RemoveDir(dir) => {
                let gone: Vec<PathBuf> = self
                    .files
                    .range::<Path, _>((
                        std::ops::Bound::Included(dir.as_path()),
                        std::ops::Bound::Unbounded,
                    ))
                    .take_while(|(p, _)| p.starts_with(&dir))
                    .map(|(p, _)| p.clone())
                    .collect();
                for rel in gone {
                    self.forget(&rel);
                }
                self.counters.pending.fetch_sub(1, Ordering::Relaxed);
            }
            Update::Index {
                files,
                worker,
                done,
            } => {
                self.index_pending(files);
                let _ = done.send((worker, self.deferred));
            }
        }
        self.postings.commit();
        self.upkeep();
        self.in_update = false;
        self.in_flight.clear();
    }

    fn recover(&mut self) {
        // The panic may have left the index half updated: rebuild it and
        // re-read every file this shard is responsible for.
        if std::mem::take(&mut self.in_update) {
            let note = "a worker panicked while indexing its files; it read and indexed them \
                        again, and this search goes one-shot";
            eprintln!("pgrep-lite: {note}");
            self.fault = Some(note.to_string());
        }
        let mut paths: BTreeSet<PathBuf> = self.files.keys().cloned().collect();
        paths.extend(std::mem::take(&mut self.in_flight));
        self.files.clear();
        self.bytes = 0;
        self.total = 0;
        self.postings = Postings::new();
        self.doc_paths.clear();
        self.always.clear();
        self.unindexed.clear();
        self.blocked.clear();
        // Indexed as read: no background build may be coming to do it.
        self.deferred = false;
        for rel in paths {
            // A file whose indexing panics again is searched from disk by
            // every query, never indexed: the rest are not lost with it.
            let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.refresh(rel.clone())
            }));
            if again.is_err() {
                self.forget(&rel);
                self.always.insert(rel.clone());
                self.files.insert(
                    rel,
                    Entry {
                        held: Held::Disk(NotHeld::Large),
                        indexed: Indexed::Always,
                        len: 0,
                        blocks: None,
                    },
                );
            }
        }
        self.postings.commit();
    }

    fn weight(&self) -> u64 {
        self.total
    }

    fn stats(&self) -> ShardStats {
        let mut s = ShardStats {
            files: self.files.len() as u64,
            bytes: self.bytes,
            always: self.always.len() as u64,
            unindexed: self.unindexed.len() as u64,
            deferred: self.deferred,
            index: self.postings.stats(),
            total: self.total,
            ..ShardStats::default()
        };
        for e in self.files.values() {
            match e.held {
                Held::Disk(NotHeld::Binary) => s.binary += 1,
                Held::Disk(NotHeld::Large) => s.large += 1,
                Held::Disk(NotHeld::Linked) => s.linked += 1,
                Held::Disk(NotHeld::Budget) => s.budget += 1,
                Held::Mem(_) => {}
            }
        }
        s
    }
}
