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

/// A file's first bytes, up to [`HEAD`], kept inline: 10,000 followed
/// files are not 10,000 small allocations.
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

    pub fn clear(&mut self) {
        self.len = 0;
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
