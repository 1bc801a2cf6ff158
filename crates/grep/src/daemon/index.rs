//! What the daemon holds, and its upkeep: the [`Index`] (which shard owns
//! which file, with the metadata that says it is unchanged; which
//! directories are held; what was left out at the edge of the tree, and
//! why) and the [`Tree`] that changes it and tells the shards.
//!
//! Everything that changes what is held goes through [`Tree`]: a walk's
//! result merged ([`Tree::merge_inventory`]), a path made or changed
//! ([`Tree::touched`]), a path gone ([`Tree::gone`]). Each sends the owning
//! shards the [`Update`]s that bring them in line, on the channel queries
//! travel on, so an update always reaches a shard before any query
//! broadcast after it. What to walk and when, and which directories to
//! watch, is the watcher's business ([`super::watch`]); this module only
//! says which directories stopped being held. Query planning reads the
//! index under its lock ([`Tree::lock`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use workdist::discover::{Exclusion, Inventory, PathClass, PathFilter};
use workdist::{DiscoveryOptions, ShardPool};

use super::held::{Counters, GrepShard, MAX_HELD, Update};

/// The start of the name of the daemon's freshness cookies (see
/// [`super::watch`]): files it makes in the root, never held.
pub const COOKIE_PREFIX: &str = ".pgrep-lite-cookie-";

/// Whether `path` names one of the daemon's cookies.
pub fn is_cookie(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(COOKIE_PREFIX))
}

/// The daemon's baseline walk: ripgrep's defaults, nothing else.
pub fn baseline_options() -> DiscoveryOptions {
    DiscoveryOptions {
        custom_ignore_filenames: vec![".rgignore".into()],
        ..DiscoveryOptions::default()
    }
}

#[derive(Clone, Copy, Debug)]
pub struct FileMeta {
    pub worker: usize,
    len: u64,
    mtime: Option<Stamp>,
}

/// What says a file is unchanged without reading it: its modification
/// time, its inode and its change time. The size and mtime alone miss a
/// file replaced by one of the same size with its mtime restored (`cp -p`,
/// `rsync -a`, `tar x`, `sed -i` then `touch -r`); the inode or the ctime,
/// which nobody can set, tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    mtime: SystemTime,
    ino: u64,
    ctime: (i64, i64),
}

fn stamp(md: &std::fs::Metadata) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    Some(Stamp {
        mtime: md.modified().ok()?,
        ino: md.ino(),
        ctime: (md.ctime(), md.ctime_nsec()),
    })
}

/// What the daemon holds. Paths are relative to the root.
#[derive(Default)]
pub struct Index {
    pub files: BTreeMap<PathBuf, FileMeta>,
    pub dirs: BTreeSet<PathBuf>,
    /// Entries the walk left out at the edge of what is held (ignored or
    /// hidden), and whether each is a directory: a query whose globs or
    /// types would select one cannot be answered from memory.
    pub excluded: BTreeMap<PathBuf, (bool, Exclusion)>,
    filter: Option<PathFilter>,
}

/// The index, the shards it describes, and the upkeep of both.
pub struct Tree {
    root: Arc<PathBuf>,
    pool: ShardPool<GrepShard>,
    counters: Arc<Counters>,
    index: Mutex<Index>,
}

/// What a path made or changed asks of the caller beyond what
/// [`Tree::touched`] did itself.
#[derive(Debug, PartialEq, Eq)]
pub enum Touched {
    /// Nothing more.
    Done,
    /// A directory to load: walk it and merge the walk. With `replace`,
    /// a directory was held under that name and is another one now: what
    /// was held below the name goes first.
    Subtree { replace: bool },
}

impl Tree {
    pub fn new(root: Arc<PathBuf>, pool: ShardPool<GrepShard>, counters: Arc<Counters>) -> Tree {
        Tree {
            root,
            pool,
            counters,
            index: Mutex::new(Index::default()),
        }
    }

    /// The shards.
    pub fn pool(&self) -> &ShardPool<GrepShard> {
        &self.pool
    }

    /// The counters the shards keep.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// The index, locked (none if a panic poisoned it).
    pub fn lock(&self) -> Option<MutexGuard<'_, Index>> {
        self.index.lock().ok()
    }

    /// The ignore rules of a walk of the whole root, for classifying paths
    /// that events report.
    pub fn set_filter(&self, filter: Option<PathFilter>) {
        if let Ok(mut index) = self.index.lock() {
            index.filter = filter;
        }
    }

    pub fn held_dirs(&self) -> BTreeSet<PathBuf> {
        self.index
            .lock()
            .map(|i| i.dirs.clone())
            .unwrap_or_default()
    }

    /// Something at `rel` (whose metadata is `md`) was made, changed or
    /// renamed there. `new_name`: the name is new (created, or renamed
    /// to): a directory there is another one than any held under that
    /// name (`mv -T c g` over an empty `g`).
    pub fn touched(&self, rel: &Path, md: &std::fs::Metadata, new_name: bool) -> Touched {
        let Ok(mut index) = self.index.lock() else {
            return Touched::Done;
        };
        let parent_held = rel.parent().is_some_and(|p| index.dirs.contains(p));
        if !parent_held || rel.as_os_str().is_empty() {
            return Touched::Done;
        }
        let is_dir = md.is_dir();
        let class = match index.filter.as_mut() {
            Some(f) => f.classify(rel, is_dir),
            None => PathClass::Included,
        };
        match class {
            PathClass::Excluded(why) => {
                index.excluded.insert(rel.to_path_buf(), (is_dir, why));
                drop(index);
                self.forget_file(rel);
                Touched::Done
            }
            PathClass::Included if is_dir => {
                let held = index.dirs.contains(rel);
                drop(index);
                if held && !new_name {
                    return Touched::Done;
                }
                Touched::Subtree { replace: held }
            }
            PathClass::Included if md.is_file() => {
                index.excluded.remove(rel);
                let mtime = stamp(md);
                let worker = match index.files.get(rel) {
                    Some(m) if m.len == md.len() && m.mtime == mtime && m.mtime.is_some() => {
                        // Unchanged as far as the metadata can tell: but a
                        // write within the same timestamp tick and of the
                        // same length is possible, so re-read anyway.
                        m.worker
                    }
                    Some(m) => m.worker,
                    None => self.pool.lightest(),
                };
                index.files.insert(
                    rel.to_path_buf(),
                    FileMeta {
                        worker,
                        len: md.len(),
                        mtime,
                    },
                );
                drop(index);
                self.counters.pending.fetch_add(1, Ordering::SeqCst);
                let _ = self
                    .pool
                    .update(worker, Update::Refresh(vec![rel.to_path_buf()]));
                Touched::Done
            }
            PathClass::Included => {
                // A symlink or special file: a walk would not search it.
                drop(index);
                self.forget_file(rel);
                Touched::Done
            }
        }
    }

    /// A file is no longer held (gone, or excluded now).
    pub fn forget_file(&self, rel: &Path) {
        let meta = self.index.lock().ok().and_then(|mut i| i.files.remove(rel));
        if let Some(m) = meta {
            self.counters.pending.fetch_add(1, Ordering::SeqCst);
            let _ = self
                .pool
                .update(m.worker, Update::Remove(vec![rel.to_path_buf()]));
        }
    }

    /// Whatever was at `rel` is gone: forget it, and everything below it if
    /// it was a held directory. Returns the directories no longer held
    /// (whose watches should go).
    pub fn gone(&self, rel: &Path) -> Vec<PathBuf> {
        let was_dir = {
            let Ok(mut index) = self.index.lock() else {
                return Vec::new();
            };
            index.excluded.remove(rel);
            let sub: Vec<PathBuf> = index
                .excluded
                .range::<Path, _>((std::ops::Bound::Excluded(rel), std::ops::Bound::Unbounded))
                .take_while(|(p, _)| p.starts_with(rel))
                .map(|(p, _)| p.clone())
                .collect();
            for p in sub {
                index.excluded.remove(&p);
            }
            index.dirs.contains(rel)
        };
        if !was_dir {
            self.forget_file(rel);
            return Vec::new();
        }
        let dirs: Vec<PathBuf> = {
            let Ok(mut index) = self.index.lock() else {
                return Vec::new();
            };
            let dirs: Vec<PathBuf> = index
                .dirs
                .range::<Path, _>((std::ops::Bound::Included(rel), std::ops::Bound::Unbounded))
                .take_while(|p| p.starts_with(rel))
                .cloned()
                .collect();
            for d in &dirs {
                index.dirs.remove(d);
            }
            let files: Vec<PathBuf> = index
                .files
                .range::<Path, _>((std::ops::Bound::Included(rel), std::ops::Bound::Unbounded))
                .take_while(|(p, _)| p.starts_with(rel))
                .map(|(p, _)| p.clone())
                .collect();
            for f in files {
                index.files.remove(&f);
            }
            dirs
        };
        for w in 0..self.pool.len() {
            self.counters.pending.fetch_add(1, Ordering::SeqCst);
            let _ = self.pool.update(w, Update::RemoveDir(rel.to_path_buf()));
        }
        dirs
    }

    /// Merge a walk's result into the index, for the whole tree (`scope`
    /// None) or one subtree, sending the shards what changed. New files go
    /// to the lightest shards, biggest first, so shards balance by bytes.
    /// Returns once the shards have applied all of it.
    pub fn merge_inventory(&self, inv: Inventory, scope: Option<&Path>) {
        let root = self.root.to_path_buf();
        let rel_of = |p: &Path| p.strip_prefix(&root).map(Path::to_path_buf).ok();
        let mut seen = Vec::with_capacity(inv.files.len());
        for f in &inv.files {
            if let Some(rel) = rel_of(f) {
                let md = std::fs::symlink_metadata(f).ok();
                seen.push((rel, md));
            }
        }
        let mut refresh: Vec<Vec<PathBuf>> = vec![Vec::new(); self.pool.len()];
        let mut remove: Vec<Vec<PathBuf>> = vec![Vec::new(); self.pool.len()];
        {
            let Ok(mut index) = self.index.lock() else {
                return;
            };
            let in_scope = |p: &Path| scope.is_none_or(|s| p.starts_with(s));
            let present: BTreeSet<&PathBuf> = seen.iter().map(|(p, _)| p).collect();
            let gone: Vec<(PathBuf, usize)> = index
                .files
                .iter()
                .filter(|(p, _)| in_scope(p) && !present.contains(p))
                .map(|(p, m)| (p.clone(), m.worker))
                .collect();
            for (p, w) in gone {
                index.files.remove(&p);
                remove[w].push(p);
            }
            let mut weights = self.pool.weights();
            seen.sort_by_key(|(_, md)| std::cmp::Reverse(md.as_ref().map_or(0, |m| m.len())));
            for (rel, md) in seen {
                let len = md.as_ref().map_or(0, |m| m.len());
                let mtime = md.as_ref().and_then(stamp);
                match index.files.get(&rel).copied() {
                    Some(m) if m.len == len && m.mtime == mtime && mtime.is_some() => {}
                    Some(m) => {
                        index
                            .files
                            .insert(rel.clone(), FileMeta { len, mtime, ..m });
                        refresh[m.worker].push(rel);
                    }
                    None => {
                        let w = weights
                            .iter()
                            .enumerate()
                            .min_by_key(|(_, w)| **w)
                            .map_or(0, |(i, _)| i);
                        weights[w] += len.min(MAX_HELD);
                        index.files.insert(
                            rel.clone(),
                            FileMeta {
                                worker: w,
                                len,
                                mtime,
                            },
                        );
                        refresh[w].push(rel);
                    }
                }
            }
            let dirs: Vec<PathBuf> = inv.dirs.iter().filter_map(|d| rel_of(d)).collect();
            if scope.is_none() {
                index.dirs = dirs.into_iter().collect();
                index.excluded.clear();
            } else {
                index.dirs.extend(dirs);
            }
            for e in &inv.excluded {
                if let Some(rel) = rel_of(&e.path)
                    && !is_cookie(&rel)
                {
                    index.excluded.insert(rel, (e.is_dir, e.why));
                }
            }
        }
        for (w, paths) in remove.into_iter().enumerate() {
            if !paths.is_empty() {
                self.counters
                    .pending
                    .fetch_add(paths.len() as u64, Ordering::SeqCst);
                let _ = self.pool.update(w, Update::Remove(paths));
            }
        }
        for (w, mut paths) in refresh.into_iter().enumerate() {
            // Dealt biggest first (for balance), read smallest first: under
            // a memory budget the files held are then the small ones, which
            // save the most opens and reads per byte of budget.
            paths.reverse();
            // In batches, so that the shards read in parallel and a query
            // arriving meanwhile is not stuck behind one giant update.
            for chunk in paths.chunks(256) {
                self.counters
                    .pending
                    .fetch_add(chunk.len() as u64, Ordering::SeqCst);
                let _ = self.pool.update(w, Update::Refresh(chunk.to_vec()));
            }
        }
        // Wait until the shards have applied all of it: `stats` travels
        // behind the updates on each channel.
        let _ = self.pool.stats();
    }
}
