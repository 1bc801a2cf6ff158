//! A shard's trigram index: for every trigram, the documents (file
//! versions) that contain it.
//!
//! **Segments.** Documents are added in batches (one update message); a
//! batch becomes an immutable segment: its distinct trigrams sorted, and
//! for each the ascending document ids, delta-encoded as varints. Building
//! one is a radix sort of (trigram, document) pairs and one sequential
//! pass, so loading a tree never chases a pointer per posting (a hash map
//! of growable lists, measured first, made loading the Linux tree 4x
//! slower: one cache miss or two per posting). Every document takes an id
//! above all earlier ones, so segments are in document order: a trigram's
//! documents are its slices in each segment, concatenated. Segments merge
//! like a binary counter (the newest two, while the newer is at least half
//! the older's size), so there are O(log n) of them and each posting is
//! copied O(log n) times; a merge copies slices and re-encodes only each
//! slice's first id.
//!
//! **Removal.** A changed or deleted file's document is marked dead (a
//! tombstone): it is never a candidate again from that moment, so no query
//! ever sees a ghost posting. Once dead postings pass a quarter of the live
//! ones, [`Postings::compact`] rewrites everything without them and numbers
//! the live documents densely again, so memory follows the live content,
//! not the history of edits.
//!
//! The raw bytes are indexed, with no case folding: the planner spells out
//! case variants from the pattern's HIR ([`super::grams`]), which keeps
//! case-sensitive queries as selective as possible (on the Linux tree a
//! folded index left 2,950 candidate files for `PM_RESUME`, the raw one 253).

use super::grams::{Gram, Grams};

/// A document id.
pub type DocId = u32;

/// Buffers (pairs, trigrams) larger than this many entries are freed
/// after each batch.
const KEEP_BUFFER: usize = 1 << 16;

/// How many segments of one level merge into one.
const FANOUT: usize = 8;

/// Pairs buffered before a segment is sealed regardless of the batch
/// (bounds the memory one update message of big files can take: 32 MiB).
const MAX_PENDING: usize = 4 << 20;

/// An immutable run of postings for consecutive documents.
#[derive(Debug, Default)]
struct Segment {
    /// Distinct trigrams, ascending.
    grams: Vec<Gram>,
    /// Per trigram: where its slice of `bytes` ends (starts where the
    /// previous one ends).
    ends: Vec<u64>,
    /// Per trigram: its last document (to re-encode a merge's join).
    lasts: Vec<DocId>,
    /// Per trigram: how many documents.
    counts: Vec<u32>,
    /// Per trigram, its documents: the first absolute, then deltas.
    bytes: Vec<u8>,
    postings: u64,
    /// How many rounds of merging made it (0: one batch).
    level: u8,
}

fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The varint at the start of `b`, and its length.
fn read_varint(b: &[u8]) -> (u32, usize) {
    let (mut v, mut shift) = (0u32, 0u32);
    for (i, &x) in b.iter().enumerate() {
        v |= ((x & 0x7f) as u32) << shift;
        if x & 0x80 == 0 {
            return (v, i + 1);
        }
        shift += 7;
    }
    (v, b.len())
}

/// Decode one trigram's slice, appending absolute ids to `out`.
fn decode(b: &[u8], out: &mut Vec<DocId>) {
    let (mut cur, mut shift, mut acc) = (0u32, 0u32, 0u32);
    let mut first = true;
    for &x in b {
        acc |= ((x & 0x7f) as u32) << shift;
        if x & 0x80 != 0 {
            shift += 7;
            continue;
        }
        cur = if first { acc } else { cur.wrapping_add(acc) };
        first = false;
        out.push(cur);
        acc = 0;
        shift = 0;
    }
}

impl Segment {
    fn slice(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    fn find(&self, g: Gram) -> Option<usize> {
        self.grams.binary_search(&g).ok()
    }

    fn push_list(&mut self, g: Gram, ids: impl IntoIterator<Item = DocId>) {
        let mut last = None;
        let mut n = 0u32;
        for id in ids {
            push_varint(&mut self.bytes, last.map_or(id, |l| id - l));
            last = Some(id);
            n += 1;
        }
        if let Some(last) = last {
            self.grams.push(g);
            self.ends.push(self.bytes.len() as u64);
            self.lasts.push(last);
            self.counts.push(n);
            self.postings += n as u64;
        }
    }

    /// From (trigram << 32 | document) pairs, documents ascending.
    fn build(pairs: &mut Vec<u64>, scratch: &mut Vec<u64>) -> Segment {
        radix_sort_by_gram(pairs, scratch);
        let mut seg = Segment::default();
        let mut i = 0;
        while i < pairs.len() {
            let g = (pairs[i] >> 32) as Gram;
            let mut j = i;
            while j < pairs.len() && (pairs[j] >> 32) as Gram == g {
                j += 1;
            }
            seg.push_list(g, pairs[i..j].iter().map(|&p| p as DocId));
            i = j;
        }
        seg.shrink();
        seg
    }

    fn shrink(&mut self) {
        self.grams.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.lasts.shrink_to_fit();
        self.counts.shrink_to_fit();
        self.bytes.shrink_to_fit();
    }

    /// Segments in document order (every document of one below every
    /// one of the next), as one segment.
    fn merge(segs: &[Segment]) -> Segment {
        let mut out = Segment {
            bytes: Vec::with_capacity(segs.iter().map(|s| s.bytes.len()).sum()),
            level: segs.iter().map(|s| s.level).max().unwrap_or(0) + 1,
            ..Segment::default()
        };
        let cap = segs.iter().map(|s| s.grams.len()).max().unwrap_or(0);
        out.grams.reserve(cap);
        out.ends.reserve(cap);
        out.lasts.reserve(cap);
        out.counts.reserve(cap);
        let mut at = vec![0usize; segs.len()];
        while let Some(g) = segs
            .iter()
            .zip(&at)
            .filter_map(|(s, &i)| s.grams.get(i).copied())
            .min()
        {
            let (mut last, mut n) = (None::<DocId>, 0u32);
            for (s, i) in segs.iter().zip(at.iter_mut()) {
                if s.grams.get(*i) != Some(&g) {
                    continue;
                }
                let slice = s.slice(*i);
                match last {
                    None => out.bytes.extend_from_slice(slice),
                    Some(l) => {
                        let (first, len) = read_varint(slice);
                        push_varint(&mut out.bytes, first - l);
                        out.bytes.extend_from_slice(&slice[len..]);
                    }
                }
                last = Some(s.lasts[*i]);
                n += s.counts[*i];
                *i += 1;
            }
            out.grams.push(g);
            out.ends.push(out.bytes.len() as u64);
            out.lasts.push(last.unwrap_or(0));
            out.counts.push(n);
            out.postings += n as u64;
        }
        out.shrink();
        out
    }

    fn heap_bytes(&self) -> u64 {
        (self.grams.capacity() * 20 + self.bytes.capacity()) as u64
    }
}

/// Sort pairs by their trigram (bits 32..56), stably: two passes of a
/// 12-bit counting sort.
fn radix_sort_by_gram(pairs: &mut Vec<u64>, scratch: &mut Vec<u64>) {
    scratch.clear();
    scratch.resize(pairs.len(), 0);
    for shift in [32u32, 44] {
        let mut counts = vec![0usize; 1 << 12];
        for &p in pairs.iter() {
            counts[((p >> shift) & 0xfff) as usize] += 1;
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        for &p in pairs.iter() {
            let k = ((p >> shift) & 0xfff) as usize;
            scratch[counts[k]] = p;
            counts[k] += 1;
        }
        std::mem::swap(pairs, scratch);
    }
}

/// The candidates a query leaves.
#[derive(Debug, PartialEq, Eq)]
pub enum Candidates {
    /// Every document.
    All,
    /// These live documents, ascending.
    Docs(Vec<DocId>),
}

/// Skip an AND's next list when it is this many times longer than the
/// candidates so far: decoding it costs more than verifying the extra
/// candidates would (a superset of the true candidates is always sound).
/// Stopping at a few dozen candidates instead, tried first, left big
/// files' false alarms to verify (the alternation of 5 literals: 388
/// candidate files and 129 MiB against 225 and 120 MiB).
const SKIP_RATIO: usize = 4096;

/// A shard's inverted index.
pub struct Postings {
    /// Oldest (lowest documents) first.
    segments: Vec<Segment>,
    /// Pairs of documents added since the last [`Postings::commit`].
    pending: Vec<u64>,
    scratch: Vec<u64>,
    /// By document id: its count of distinct trigrams, or `None` once dead.
    docs: Vec<Option<u32>>,
    live_postings: u64,
    dead_postings: u64,
    /// Trigrams seen in the document being added (2^24 bits), left clear
    /// between documents.
    seen: Seen,
    grams: Vec<Gram>,
    /// Debug builds only: a trigram that [`Postings::add`] leaves out, to
    /// show the oracle catching a lost posting (see `fault_drop_gram`).
    drop_gram: Option<Gram>,
}

impl std::fmt::Debug for Postings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postings")
            .field("segments", &self.segments.len())
            .field("docs", &self.docs.len())
            .field("live_postings", &self.live_postings)
            .field("dead_postings", &self.dead_postings)
            .finish()
    }
}

impl Default for Postings {
    fn default() -> Self {
        Postings::new()
    }
}

/// What [`Postings::stats`] reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PostingsStats {
    /// Distinct trigrams (summed over segments: an upper bound).
    pub grams: u64,
    pub live_postings: u64,
    pub dead_postings: u64,
    pub live_docs: u64,
    pub segments: u64,
    /// Heap bytes of the segments and the document table.
    pub bytes: u64,
}

impl Postings {
    pub fn new() -> Postings {
        Postings {
            segments: Vec::new(),
            pending: Vec::new(),
            scratch: Vec::new(),
            docs: Vec::new(),
            live_postings: 0,
            dead_postings: 0,
            seen: Seen::new(),
            grams: Vec::new(),
            drop_gram: fault_drop_gram(),
        }
    }

    /// Index `bytes` as a new document and return its id. Queries see it
    /// after the next [`Postings::commit`].
    pub fn add(&mut self, bytes: &[u8]) -> DocId {
        let doc = DocId::try_from(self.docs.len()).unwrap_or(DocId::MAX);
        let found = distinct_grams(bytes, &mut self.seen, &mut self.grams);
        let drop = self.drop_gram;
        let grams = self.grams[..found].iter().filter(|&&g| Some(g) != drop);
        let before = self.pending.len();
        self.pending
            .extend(grams.map(|&g| (g as u64) << 32 | doc as u64));
        let n = (self.pending.len() - before) as u32;
        self.live_postings += n as u64;
        self.docs.push(Some(n));
        if self.pending.len() >= MAX_PENDING {
            self.commit();
        }
        doc
    }

    /// Seal the documents added since the last commit into a segment, and
    /// merge segments as the policy says.
    pub fn commit(&mut self) {
        if !self.pending.is_empty() {
            let seg = Segment::build(&mut self.pending, &mut self.scratch);
            self.pending.clear();
            // Buffers sized for a big batch go back: an index kept up to
            // date one edit at a time needs small ones.
            if self.pending.capacity() > KEEP_BUFFER {
                self.pending = Vec::new();
                self.scratch = Vec::new();
            }
            if self.grams.capacity() > KEEP_BUFFER {
                self.grams = Vec::new();
            }
            self.segments.push(seg);
        }
        // Tiered: FANOUT segments of one level become one of the next, so
        // a posting is copied log_FANOUT(batches) times and a query looks
        // in at most FANOUT - 1 segments per level.
        while self.segments.len() >= FANOUT {
            let tail = &self.segments[self.segments.len() - FANOUT..];
            if tail.iter().any(|s| s.level != tail[0].level) {
                break;
            }
            let merged = Segment::merge(tail);
            self.segments.truncate(self.segments.len() - FANOUT);
            self.segments.push(merged);
        }
    }

    /// Mark a document dead: it is never a candidate again.
    pub fn remove(&mut self, doc: DocId) {
        if let Some(slot) = self.docs.get_mut(doc as usize)
            && let Some(n) = slot.take()
        {
            self.live_postings -= n as u64;
            self.dead_postings += n as u64;
        }
    }

    pub fn is_live(&self, doc: DocId) -> bool {
        self.docs.get(doc as usize).is_some_and(Option::is_some)
    }

    /// Ids are running out, or dead postings are over a quarter of the
    /// live ones (and more than `min_dead`): time to compact.
    pub fn wants_compaction(&self, min_dead: u64) -> bool {
        self.docs.len() as u64 >= (DocId::MAX / 2) as u64
            || (self.dead_postings > min_dead && self.dead_postings * 4 > self.live_postings)
    }

    /// Rewrite everything without the dead documents, as one segment, and
    /// number the live documents densely. Returns, for each old id, its
    /// new id (`None` for the dead). Commits first.
    pub fn compact(&mut self) -> Vec<Option<DocId>> {
        self.commit();
        let mut map: Vec<Option<DocId>> = Vec::with_capacity(self.docs.len());
        let mut next: DocId = 0;
        let mut docs = Vec::new();
        for d in &self.docs {
            map.push(d.map(|n| {
                docs.push(Some(n));
                next += 1;
                next - 1
            }));
        }
        let whole = Segment::merge(&std::mem::take(&mut self.segments));
        let mut out = Segment {
            level: whole.level,
            ..Segment::default()
        };
        {
            let seg = whole;
            let mut ids = Vec::new();
            for i in 0..seg.grams.len() {
                ids.clear();
                decode(seg.slice(i), &mut ids);
                out.push_list(
                    seg.grams[i],
                    ids.iter()
                        .filter_map(|&id| map.get(id as usize).copied().flatten()),
                );
            }
            out.shrink();
        }
        if !out.grams.is_empty() {
            self.segments.push(out);
        }
        self.docs = docs;
        self.dead_postings = 0;
        map
    }

    pub fn stats(&self) -> PostingsStats {
        PostingsStats {
            grams: self.segments.iter().map(|s| s.grams.len() as u64).sum(),
            live_postings: self.live_postings,
            dead_postings: self.dead_postings,
            live_docs: self.docs.iter().filter(|d| d.is_some()).count() as u64,
            segments: self.segments.len() as u64,
            bytes: self.segments.iter().map(Segment::heap_bytes).sum::<u64>()
                + ((self.pending.capacity() + self.scratch.capacity()) * 8) as u64
                + (self.grams.capacity() * 4) as u64
                + self.docs.capacity() as u64 * 8
                + self.seen.heap_bytes(),
        }
    }

    /// The live documents that may satisfy `q`.
    pub fn eval(&self, q: &Grams) -> Candidates {
        match self.eval_node(q) {
            Candidates::All => Candidates::All,
            Candidates::Docs(mut v) => {
                v.retain(|&d| self.is_live(d));
                Candidates::Docs(v)
            }
        }
    }

    /// An upper bound on a node's candidates, to order an AND.
    fn estimate(&self, q: &Grams) -> usize {
        match q {
            Grams::All => usize::MAX,
            Grams::None => 0,
            Grams::Gram(g) => self
                .segments
                .iter()
                .filter_map(|s| s.find(*g).map(|i| s.counts[i] as usize))
                .sum(),
            Grams::And(v) => v
                .iter()
                .map(|c| self.estimate(c))
                .min()
                .unwrap_or(usize::MAX),
            Grams::Or(v) => v
                .iter()
                .map(|c| self.estimate(c))
                .fold(0usize, usize::saturating_add),
        }
    }

    fn eval_node(&self, q: &Grams) -> Candidates {
        match q {
            Grams::All => Candidates::All,
            Grams::None => Candidates::Docs(Vec::new()),
            Grams::Gram(g) => {
                // Segments are in document order: their slices concatenate.
                let mut out = Vec::new();
                for s in &self.segments {
                    if let Some(i) = s.find(*g) {
                        decode(s.slice(i), &mut out);
                    }
                }
                Candidates::Docs(out)
            }
            Grams::And(v) => {
                let mut order: Vec<(usize, &Grams)> =
                    v.iter().map(|c| (self.estimate(c), c)).collect();
                order.sort_by_key(|(n, _)| *n);
                let mut acc: Option<Vec<DocId>> = None;
                for (n, child) in order {
                    if let Some(cur) = &acc
                        && (cur.is_empty() || n / SKIP_RATIO > cur.len())
                    {
                        break;
                    }
                    match self.eval_node(child) {
                        Candidates::All => {}
                        Candidates::Docs(d) => {
                            acc = Some(match acc {
                                None => d,
                                Some(cur) => intersect(&cur, &d),
                            });
                        }
                    }
                }
                acc.map_or(Candidates::All, Candidates::Docs)
            }
            Grams::Or(v) => {
                let mut acc: Vec<DocId> = Vec::new();
                for child in v {
                    match self.eval_node(child) {
                        Candidates::All => return Candidates::All,
                        Candidates::Docs(d) => acc = union(&acc, &d),
                    }
                }
                Candidates::Docs(acc)
            }
        }
    }
}

/// Which trigrams the document being indexed has shown so far: one bit
/// per trigram, left clear between documents. Trigrams of ASCII bytes (the
/// bulk of source code) have their own 2^21 bits (256 KiB), which stay in
/// a core's cache; the others have 2^24 bits after them. One 2 MiB set for
/// all took twice as long: a cache miss for most bytes.
struct Seen {
    /// 2^19 words: a power of two, so that indexing needs no bounds check.
    bits: Box<[u64; 1 << 19]>,
}

impl Seen {
    fn new() -> Seen {
        let bits: Box<[u64]> = vec![0u64; 1 << 19].into_boxed_slice();
        Seen {
            bits: bits.try_into().unwrap_or_else(|_| unreachable!()),
        }
    }

    fn heap_bytes(&self) -> u64 {
        // Pages never touched are never resident: the ASCII part and the
        // pages non-ASCII trigrams reached.
        (1u64 << 15) * 8
    }

    /// The bit for `g`.
    #[inline(always)]
    fn index(g: Gram) -> usize {
        let ascii = ((g >> 2) & 0x1f_c000) | ((g >> 1) & 0x3f80) | (g & 0x7f);
        let i = if g & 0x0080_8080 == 0 {
            ascii
        } else {
            (1 << 21) + g
        };
        i as usize
    }
}

/// The distinct trigrams of `bytes`: `buf[..n]`, for the `n` returned.
/// Branch-free per byte: each trigram is written to `buf`, and `n` grows
/// only when its bit was clear. `buf` keeps its length between calls (no
/// clearing per file); it grows by at most a chunk past the distinct
/// trigrams, so a big file does not make it the file's size.
fn distinct_grams(bytes: &[u8], seen: &mut Seen, buf: &mut Vec<Gram>) -> usize {
    const CHUNK: usize = 64 << 10;
    if bytes.len() < 3 {
        return 0;
    }
    let mut n = 0usize;
    let mut g = (bytes[0] as u32) << 8 | bytes[1] as u32;
    for chunk in bytes[2..].chunks(CHUNK) {
        if buf.len() < n + chunk.len() {
            buf.resize(n + chunk.len(), 0);
        }
        let out = &mut buf[n..n + chunk.len()];
        let mut k = 0usize;
        for (&b, slot) in chunk.iter().zip(0..out.len()) {
            g = (g << 8 | b as u32) & 0x00ff_ffff;
            let i = Seen::index(g);
            let word = &mut seen.bits[(i >> 6) & ((1 << 19) - 1)];
            let bit = 1u64 << (i & 63);
            let old = *word;
            *word = old | bit;
            out[k.min(slot)] = g;
            k += (old & bit == 0) as usize;
        }
        n += k;
    }
    for &g in &buf[..n] {
        seen.bits[(Seen::index(g) >> 6) & ((1 << 19) - 1)] = 0;
    }
    n
}

fn intersect(a: &[DocId], b: &[DocId]) -> Vec<DocId> {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut out = Vec::with_capacity(small.len());
    if small.len() * 16 < large.len() {
        for &x in small {
            if large.binary_search(&x).is_ok() {
                out.push(x);
            }
        }
        return out;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

fn union(a: &[DocId], b: &[DocId]) -> Vec<DocId> {
    if a.is_empty() {
        return b.to_vec();
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Fault injection for the oracle's own test (debug builds only): with
/// `PGREP_LITE_FAULT_DROP_GRAM=abc`, that trigram is never indexed, so a
/// search that needs it misses files.
#[cfg(debug_assertions)]
fn fault_drop_gram() -> Option<Gram> {
    let v = std::env::var_os("PGREP_LITE_FAULT_DROP_GRAM")?;
    let b = v.as_encoded_bytes();
    (b.len() == 3).then(|| super::grams::gram(b))
}

#[cfg(not(debug_assertions))]
fn fault_drop_gram() -> Option<Gram> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemon::grams::{Rng, gram};

    fn random_doc(r: &mut Rng) -> Vec<u8> {
        let len = r.below(40);
        (0..len).map(|_| b"abcde\xe9\n"[r.below(7)]).collect()
    }

    fn random_query(r: &mut Rng, depth: usize) -> Grams {
        if depth == 0 || r.below(3) == 0 {
            let b: Vec<u8> = (0..3).map(|_| b"abcde\xe9\n"[r.below(7)]).collect();
            return Grams::Gram(gram(&b));
        }
        let v = (0..1 + r.below(3))
            .map(|_| random_query(r, depth - 1))
            .collect();
        if r.below(2) == 0 {
            Grams::And(v)
        } else {
            Grams::Or(v)
        }
    }

    /// Against brute force after random adds, removes, commits (segment
    /// merges) and compactions: every live document that satisfies the
    /// query is a candidate (the index may return more: an AND stops
    /// early), and no dead one is, ever. After a compaction, the index is
    /// exactly a fresh build of the live documents: no ghost postings.
    #[test]
    fn postings_agree_with_brute_force_through_edits_and_compaction() {
        let mut r = Rng(0x9e37_79b9);
        for _ in 0..30 {
            let mut p = Postings::new();
            // Live documents: their id in `p`, and their bytes.
            let mut live: Vec<(DocId, Vec<u8>)> = Vec::new();
            for step in 0..150 {
                match r.below(12) {
                    0..=5 => {
                        let d = random_doc(&mut r);
                        live.push((p.add(&d), d));
                    }
                    6..=8 if !live.is_empty() => {
                        let (id, _) = live.swap_remove(r.below(live.len()));
                        p.remove(id);
                    }
                    9 => {
                        let map = p.compact();
                        for (id, _) in &mut live {
                            *id = map[*id as usize].expect("live stays live");
                        }
                        let mut fresh = Postings::new();
                        let mut order = live.clone();
                        order.sort_by_key(|(id, _)| *id);
                        for (_, d) in &order {
                            fresh.add(d);
                        }
                        fresh.commit();
                        let view = |p: &Postings| -> Vec<(Gram, Vec<u8>)> {
                            p.segments
                                .iter()
                                .flat_map(|s| {
                                    (0..s.grams.len()).map(|i| (s.grams[i], s.slice(i).to_vec()))
                                })
                                .collect()
                        };
                        assert_eq!(p.segments.len(), fresh.segments.len().min(1));
                        assert_eq!(
                            view(&p),
                            view(&fresh),
                            "step {step}: differs from a fresh build"
                        );
                    }
                    _ => {}
                }
                p.commit();
                let q = random_query(&mut r, 3);
                let got = match p.eval(&q) {
                    Candidates::All => live.iter().map(|(id, _)| *id).collect(),
                    Candidates::Docs(d) => d,
                };
                for &d in &got {
                    assert!(p.is_live(d), "dead document {d} returned");
                }
                for (id, bytes) in &live {
                    let has = |g: Gram| bytes.windows(3).any(|w| gram(w) == g);
                    if q.holds(&has) {
                        assert!(got.contains(id), "step {step}: {q} misses document {id}");
                    }
                }
            }
            assert!(
                p.segments.len() <= 3 * (FANOUT - 1),
                "{} segments",
                p.segments.len()
            );
        }
    }

    #[test]
    fn varints_round_trip_across_byte_boundaries() {
        let ids = [
            0u32,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            2_000_000,
            u32::MAX - 1,
        ];
        let mut seg = Segment::default();
        seg.push_list(7, ids);
        let mut out = Vec::new();
        decode(seg.slice(0), &mut out);
        assert_eq!(out, ids);
        assert_eq!(seg.lasts, [u32::MAX - 1]);
    }

    #[test]
    fn radix_sort_orders_by_gram_and_keeps_documents_ascending() {
        let mut r = Rng(42);
        let mut pairs: Vec<u64> = (0..5000u64)
            .map(|doc| ((r.next() % (1 << 24)) << 32) | doc)
            .collect();
        let mut want = pairs.clone();
        want.sort_unstable();
        radix_sort_by_gram(&mut pairs, &mut Vec::new());
        assert_eq!(pairs, want);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod bench {
    use super::*;

    /// `PGREP_INDEX_BENCH=DIR cargo test --release --lib index_build_speed -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn index_build_speed() {
        let Ok(dir) = std::env::var("PGREP_INDEX_BENCH") else {
            return;
        };
        let mut files = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let ft = e.file_type().unwrap();
                if ft.is_dir() {
                    if e.file_name() != ".git" {
                        stack.push(e.path());
                    }
                } else if ft.is_file() {
                    let b = std::fs::read(e.path()).unwrap();
                    if !b.contains(&0) {
                        files.push(b);
                    }
                }
            }
        }
        files.truncate(files.len() / 2);
        let total: usize = files.iter().map(Vec::len).sum();
        let t = std::time::Instant::now();
        let mut seen = Seen::new();
        let mut out = Vec::new();
        let mut n = 0;
        for f in &files {
            n += distinct_grams(f, &mut seen, &mut out);
        }
        let ext = t.elapsed();
        let t = std::time::Instant::now();
        let mut p = Postings::new();
        for (i, f) in files.iter().enumerate() {
            p.add(f);
            if i % 256 == 255 {
                p.commit();
            }
        }
        p.commit();
        let all = t.elapsed();
        eprintln!(
            "{} files, {} MB, {n} postings: extraction {:?} ({:.2} ns/byte), whole build {:?} ({:.2} ns/byte), {} segments",
            files.len(),
            total >> 20,
            ext,
            ext.as_nanos() as f64 / total as f64,
            all,
            all.as_nanos() as f64 / total as f64,
            p.segments.len()
        );
    }
}
