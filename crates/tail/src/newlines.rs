//! Every newline of a buffer, in order: the line loops of the hot paths.
//!
//! `memchr_iter` finds one newline per call, and each call pays a set-up
//! (alignment, length checks, a function call) that a 50-byte line does
//! not amortise: at 64 busy files with prefixes it was a fifth of ptail's
//! CPU time. Here a 64-byte block is compared with `\n` 16 bytes at a
//! time (SSE2, part of every x86-64 CPU) into one 64-bit mask, and the
//! newlines are taken from the mask bit by bit: one block test per 64
//! bytes, one `trailing_zeros` per line. The SIMD calls go through
//! `safe_arch`, whose functions are safe to call where the target has the
//! feature (SSE2 always does on x86-64), so this crate keeps
//! `unsafe_code = "deny"`. Elsewhere the block is tested byte by byte.
//! The last bytes, fewer than a block, are tested as a block padded with
//! zeros.
//!
//! Measured (`bench/tail.py`, throughput, prefixes; and a micro-benchmark
//! of 50-byte lines): see BENCHMARKS.md, stop 25.

/// The index of every `\n` in a buffer, in order.
pub struct Newlines<'a> {
    data: &'a [u8],
    /// Where the block that `mask` covers starts.
    base: usize,
    /// Where the next block starts.
    next: usize,
    /// The newlines of the current block not yet returned.
    mask: u64,
}

impl<'a> Newlines<'a> {
    pub fn new(data: &'a [u8]) -> Newlines<'a> {
        Newlines {
            data,
            base: 0,
            next: 0,
            mask: 0,
        }
    }
}

impl Iterator for Newlines<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            let rest = self.data.get(self.next..).filter(|r| !r.is_empty())?;
            self.base = self.next;
            self.mask = match rest.first_chunk::<64>() {
                Some(block) => mask64(block),
                None => {
                    // The last bytes, fewer than a block: padded with
                    // bytes that are not newlines.
                    let mut block = [0u8; 64];
                    block[..rest.len()].copy_from_slice(rest);
                    mask64(&block)
                }
            };
            self.next += rest.len().min(64);
        }
        let at = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// Bit `i` set where `block[i]` is a newline.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn mask64(block: &[u8; 64]) -> u64 {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let nl = set_splat_i8_m128i(b'\n' as i8);
    let mut mask = 0u64;
    for (k, part) in block.chunks_exact(16).enumerate() {
        let Some(part) = part.first_chunk::<16>() else {
            continue; // never: the chunks are 16 bytes
        };
        let eq = cmp_eq_mask_i8_m128i(load_unaligned_m128i(part), nl);
        mask |= u64::from(move_mask_i8_m128i(eq) as u16) << (16 * k);
    }
    mask
}

/// Bit `i` set where `block[i]` is a newline (without SSE2: byte by byte).
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn mask64(block: &[u8; 64]) -> u64 {
    block
        .iter()
        .enumerate()
        .fold(0, |m, (i, &b)| m | (u64::from(b == b'\n') << i))
}

#[cfg(test)]
mod tests {
    /// Against a byte-by-byte scan, on seeded random buffers of every
    /// length around the block size, newlines dense and sparse.
    #[test]
    fn finds_every_newline_in_order() {
        let mut seed: u64 = std::env::var("PTAIL_NEWLINES_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x0a0a_5eed);
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..2000 {
            let len = (next() % 300) as usize;
            let density = 1 + next() % 80;
            let data: Vec<u8> = (0..len)
                .map(|_| match next() % density {
                    0 => b'\n',
                    1 => 0x8a, // '\n' with the high bit set: not a newline
                    _ => b'a' + (next() % 26) as u8,
                })
                .collect();
            let want: Vec<usize> = (0..len).filter(|&i| data[i] == b'\n').collect();
            let got: Vec<usize> = super::Newlines::new(&data).collect();
            assert_eq!(got, want, "round {round}, {len} bytes");
        }
    }
}
