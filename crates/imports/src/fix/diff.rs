//! A unified diff of two texts, line by line (`--fix --dry-run`): Myers'
//! O((N+M)D) shortest edit script after the common prefix and suffix are
//! set aside, so memory grows with the number of changed lines, not with
//! the size of the manifest. Three lines of context, hunks closer than
//! that merged, `\ No newline at end of file` where it applies: what
//! `patch -p1` and `git apply` read.

use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Add,
}

const CONTEXT: usize = 3;

/// The lines of `text`, each with its newline if it has one.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The edit script turning `a` into `b`: (op, index in a, index in b).
fn script<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(Op, usize, usize)> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut out: Vec<(Op, usize, usize)> = (0..prefix).map(|i| (Op::Same, i, i)).collect();
    for (op, i, j) in myers(ma, mb) {
        out.push((op, i + prefix, j + prefix));
    }
    let (ea, eb) = (a.len() - suffix, b.len() - suffix);
    out.extend((0..suffix).map(|k| (Op::Same, ea + k, eb + k)));
    out
}

/// Beyond this many differences, the changed middle is shown as removed
/// and added whole: the trace kept to find a shortest script grows with
/// the square of the differences.
const MAX_D: usize = 1024;

/// Myers' greedy algorithm, keeping each round's frontier (only the
/// diagonals it can reach) to trace back.
fn myers(a: &[&str], b: &[&str]) -> Vec<(Op, usize, usize)> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m) as usize;
    let off = max as isize + 1;
    let mut v = vec![0isize; 2 * max + 3];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let idx = |k: isize| (k + off) as usize;
    let mut found = false;
    'outer: for d in 0..=(max.min(MAX_D) as isize) {
        // The frontier before round d, diagonals -d-1..=d+1.
        trace.push(v[idx(-d - 1)..=idx(d + 1)].to_vec());
        let mut k = -d;
        while k <= d {
            let mut x = if k == -d || (k != d && v[idx(k - 1)] < v[idx(k + 1)]) {
                v[idx(k + 1)]
            } else {
                v[idx(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[idx(k)] = x;
            if x >= n && y >= m {
                found = true;
                break 'outer;
            }
            k += 2;
        }
    }
    if !found {
        let mut ops: Vec<(Op, usize, usize)> = (0..a.len()).map(|i| (Op::Del, i, 0)).collect();
        ops.extend((0..b.len()).map(|j| (Op::Add, a.len(), j)));
        return ops;
    }
    let mut ops = Vec::new();
    let (mut x, mut y) = (n, m);
    for (d, w) in trace.iter().enumerate().skip(1).rev() {
        let d = d as isize;
        let at = |k: isize| w[(k + d + 1) as usize];
        let k = x - y;
        let prev_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = at(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            ops.push((Op::Same, x as usize, y as usize));
        }
        if x == prev_x {
            y -= 1;
            ops.push((Op::Add, x as usize, y as usize));
        } else {
            x -= 1;
            ops.push((Op::Del, x as usize, y as usize));
        }
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        ops.push((Op::Same, x as usize, y as usize));
    }
    ops.reverse();
    ops
}

/// The unified diff from `old` to `new`, with headers `--- {from}` and
/// `+++ {to}`; empty when the texts are equal.
pub fn unified(old: &str, new: &str, from: &str, to: &str) -> String {
    if old == new {
        return String::new();
    }
    let (a, b) = (lines(old), lines(new));
    let ops = script(&a, &b);
    let mut out = format!("--- {from}\n+++ {to}\n");
    // Hunks: runs of changes with up to 2*CONTEXT unchanged lines inside.
    let changed: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].0 != Op::Same).collect();
    let mut start = 0;
    while start < changed.len() {
        let mut end = start;
        while end + 1 < changed.len() && changed[end + 1] - changed[end] <= 2 * CONTEXT + 1 {
            end += 1;
        }
        let lo = changed[start].saturating_sub(CONTEXT);
        let hi = (changed[end] + CONTEXT + 1).min(ops.len());
        let hunk = &ops[lo..hi];
        let (mut a0, mut b0) = (hunk[0].1, hunk[0].2);
        let a_len = hunk.iter().filter(|o| o.0 != Op::Add).count();
        let b_len = hunk.iter().filter(|o| o.0 != Op::Del).count();
        // An empty side is numbered by the line before it.
        if a_len > 0 {
            a0 += 1;
        }
        if b_len > 0 {
            b0 += 1;
        }
        let _ = writeln!(out, "@@ -{} +{} @@", range(a0, a_len), range(b0, b_len));
        for &(op, i, j) in hunk {
            let (mark, line) = match op {
                Op::Same => (' ', a[i]),
                Op::Del => ('-', a[i]),
                Op::Add => ('+', b[j]),
            };
            out.push(mark);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
        start = end + 1;
    }
    out
}

fn range(start: usize, len: usize) -> String {
    if len == 1 {
        start.to_string()
    } else {
        format!("{start},{len}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Apply a unified diff (as produced here) to `old`.
    fn patch(old: &str, diff: &str) -> String {
        let a = lines(old);
        let mut out = String::new();
        let mut pos = 0;
        let mut it = diff.lines().skip(2).peekable();
        while let Some(h) = it.next() {
            let h = h.strip_prefix("@@ -").expect("hunk");
            let a_start: usize = h
                .split([',', ' '])
                .next()
                .and_then(|s| s.parse().ok())
                .expect("start");
            let a_len: usize = if h.split(' ').next().is_some_and(|s| s.contains(',')) {
                h.split([',', ' '])
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .expect("len")
            } else {
                1
            };
            let first = if a_len == 0 { a_start } else { a_start - 1 };
            while pos < first {
                out.push_str(a[pos]);
                pos += 1;
            }
            while let Some(l) = it.peek() {
                if l.starts_with("@@") {
                    break;
                }
                let l = it.next().expect("line");
                if l.starts_with('\\') {
                    out.pop();
                    continue;
                }
                match l.as_bytes().first() {
                    Some(b' ') => {
                        out.push_str(&l[1..]);
                        out.push('\n');
                        pos += 1;
                    }
                    Some(b'-') => pos += 1,
                    Some(b'+') => {
                        out.push_str(&l[1..]);
                        out.push('\n');
                    }
                    _ => panic!("bad line {l:?}"),
                }
            }
        }
        while pos < a.len() {
            out.push_str(a[pos]);
            pos += 1;
        }
        out
    }

    #[test]
    fn a_small_diff() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let new = "a\nc\nd\ne\nf\ng\nh\ni\nJ\nj\n";
        assert_eq!(
            unified(old, new, "a/x", "b/x"),
            "--- a/x\n+++ b/x\n@@ -1,5 +1,4 @@\n a\n-b\n c\n d\n e\n@@ -7,4 +6,5 @@\n g\n h\n i\n+J\n j\n"
        );
        assert_eq!(unified(old, old, "a", "b"), "");
        assert_eq!(
            unified("x\n", "x", "a", "b"),
            "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+x\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn random_diffs_patch_back() {
        // splitmix64, seeded: the same cases every run.
        let mut s: u64 = 14;
        let mut next = move || {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as usize
        };
        for _ in 0..2000 {
            let n = next() % 30;
            let old: String = (0..n).map(|_| format!("{}\n", next() % 5)).collect();
            let new: String = old
                .lines()
                .flat_map(|l| match next() % 6 {
                    0 => vec![],
                    1 => vec![l.to_string(), format!("{}", next() % 7)],
                    _ => vec![l.to_string()],
                })
                .map(|l| l + "\n")
                .collect();
            let d = unified(&old, &new, "a", "b");
            assert_eq!(patch(&old, &d), new, "old {old:?} new {new:?}\n{d}");
            // Minimal: as many changed lines as an LCS says.
            let (a, b) = (lines(&old), lines(&new));
            let changes = d
                .lines()
                .skip(2)
                .filter(|l| l.starts_with('+') || l.starts_with('-'))
                .count();
            assert_eq!(changes, a.len() + b.len() - 2 * lcs(&a, &b), "{d}");
        }
    }

    fn lcs(a: &[&str], b: &[&str]) -> usize {
        let mut t = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                t[i][j] = if a[i] == b[j] {
                    t[i + 1][j + 1] + 1
                } else {
                    t[i + 1][j].max(t[i][j + 1])
                };
            }
        }
        t[0][0]
    }
}
