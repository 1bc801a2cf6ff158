//! A file's fingerprint: how many of its first bytes (at most 64) were
//! seen, and their FNV-1a hash with that count, so that a recycled inode
//! is not taken for the file `--state` recorded. Shared by the follower
//! (which reads a file's first bytes) and the state (which saves and
//! compares them); a leaf, it uses neither.

/// FNV-1a, 64 bits: stable across Rust versions and runs (the state
/// outlives the binary that wrote it), and plenty to tell two files'
/// starts apart.
pub fn fnv(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
pub const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// The fingerprint of a file whose first bytes are `head` (at most 64):
/// how many, and their hash with that length.
pub fn fingerprint(head: &[u8]) -> (u32, u64) {
    let len = head.len() as u32;
    (len, fnv(fnv(FNV_START, &len.to_le_bytes()), head))
}

/// Whether a file whose first bytes now are `head` is the file
/// fingerprinted `fp` (it may have grown since).
pub fn same_start(head: &[u8], fp: (u32, u64)) -> bool {
    let n = fp.0 as usize;
    head.len() >= n && fingerprint(&head[..n]) == fp
}

/// How many of a file's first bytes identify it.
pub const HEAD: usize = 64;

/// A file's first bytes, up to [`HEAD`], as just read (on the stack);
/// what is kept of them is a [`Seen`].
#[derive(Clone, Copy)]
pub struct Head {
    len: u8,
    bytes: [u8; HEAD],
}

impl Head {
    pub const fn empty() -> Head {
        Head {
            len: 0,
            bytes: [0; HEAD],
        }
    }

    /// The first [`HEAD`] bytes of `bytes` (all of them if fewer).
    pub fn of(bytes: &[u8]) -> Head {
        let mut h = Head::empty();
        h.extend_from_slice(bytes);
        h
    }

    /// Append what fits of `more`.
    pub fn extend_from_slice(&mut self, more: &[u8]) {
        let at = usize::from(self.len);
        let n = more.len().min(HEAD - at);
        self.bytes[at..at + n].copy_from_slice(&more[..n]);
        self.len += n as u8;
    }
}

impl std::ops::Deref for Head {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl std::fmt::Debug for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// What a follower keeps of a file's first bytes (up to [`HEAD`]) to
/// recognise it: how many it saw and their [`fingerprint`], nine bytes
/// rather than the bytes themselves (10,000 followed files). A file is
/// compared by hashing its first bytes as they are now.
///
/// Packed: in a follower's open file it fills the room the descriptor
/// and the flags leave, instead of 16 bytes of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(C, packed)]
pub struct Seen {
    hash: u64,
    len: u8,
}

impl Seen {
    /// Nothing seen: the start of an empty file, or not known yet.
    pub fn empty() -> Seen {
        Seen::of(&[])
    }

    /// The first [`HEAD`] bytes of `head` (all of them if fewer).
    pub fn of(head: &[u8]) -> Seen {
        let head = &head[..head.len().min(HEAD)];
        let (len, hash) = fingerprint(head);
        Seen {
            hash,
            len: len as u8,
        }
    }

    /// How many bytes were seen.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// As `--state` records it: see [`fingerprint`].
    pub fn fp(&self) -> (u32, u64) {
        (u32::from(self.len), self.hash)
    }

    /// Whether a file whose first bytes now are `now` (read up to
    /// [`HEAD`]) starts with the bytes seen (it may have grown since).
    /// A file now shorter than what was seen of it does not: it was cut.
    pub fn starts(&self, now: &[u8]) -> bool {
        same_start(now, self.fp())
    }
}

impl std::fmt::Debug for Seen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (len, hash) = self.fp();
        write!(f, "Seen({len}, {hash:016x})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_seen_compares_by_hash() {
        let s = Seen::of(b"hello\n");
        assert!(s.starts(b"hello\n"));
        assert!(s.starts(b"hello\nworld\n"), "grown since");
        assert!(!s.starts(b"hellO\n"), "other bytes");
        assert!(!s.starts(b"hell"), "cut");
        assert!(Seen::empty().starts(b""));
        assert!(Seen::empty().starts(b"anything"));
        assert_eq!(Seen::of(&[b'x'; 100]).len(), HEAD);
        assert_eq!(s.fp(), fingerprint(b"hello\n"));
    }
}
