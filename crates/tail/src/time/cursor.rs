//! A cursor over the bytes of a line: the small reading steps (digits,
//! month and weekday names, fractions, offsets, boundaries) that the
//! built-in formats, `--time-format` patterns and `--since` are made of.
//! A step that fails leaves the cursor where it was or the caller gives
//! the whole attempt up; nothing allocates.

/// A cursor over the bytes of a line.
pub(super) struct Cur<'a> {
    pub(super) b: &'a [u8],
    pub(super) i: usize,
}

impl Cur<'_> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(super) fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    pub(super) fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Exactly `n` digits.
    pub(super) fn num(&mut self, n: usize) -> Option<u32> {
        let s = self.b.get(self.i..self.i + n)?;
        if !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(s.iter().fold(0, |a, &d| a * 10 + u32::from(d - b'0')))
    }

    /// One or two digits.
    pub(super) fn num12(&mut self) -> Option<u32> {
        if self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            self.num(2)
        } else {
            self.num(1)
        }
    }

    pub(super) fn spaces(&mut self) -> bool {
        let start = self.i;
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
        self.i > start
    }

    /// `HH:MM:SS` with `sep`.
    pub(super) fn hms(&mut self, sep: u8) -> Option<(u32, u32, u32)> {
        let h = self.num(2)?;
        if !self.eat(sep) {
            return None;
        }
        let m = self.num(2)?;
        if !self.eat(sep) {
            return None;
        }
        let s = self.num(2)?;
        Some((h, m, s))
    }

    /// A fraction after one of `seps`, as microseconds (0 if none).
    pub(super) fn frac(&mut self, seps: &[u8]) -> u32 {
        let Some(c) = self.peek() else { return 0 };
        if !seps.contains(&c) || !self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) {
            return 0;
        }
        self.i += 1;
        let mut micros = 0;
        let mut n = 0;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            if n < 6 {
                micros = micros * 10 + u32::from(d - b'0');
            }
            n += 1;
            self.i += 1;
        }
        for _ in n..6 {
            micros *= 10;
        }
        micros
    }

    pub(super) fn month_name(&mut self) -> Option<u32> {
        const NAMES: [&[u8; 3]; 12] = [
            b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
            b"dec",
        ];
        let s = self.b.get(self.i..self.i + 3)?;
        let m = NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(s))
            .map(|i| i as u32 + 1)?;
        self.i += 3;
        Some(m)
    }

    pub(super) fn weekday(&mut self) -> bool {
        const NAMES: [&[u8; 3]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];
        match self.b.get(self.i..self.i + 3) {
            Some(s) if NAMES.iter().any(|n| n.eq_ignore_ascii_case(s)) => {
                self.i += 3;
                true
            }
            _ => false,
        }
    }

    /// `Z`, `+HH:MM`, `+HHMM`, `+HH`, optionally after one space (then
    /// also `UTC` or `GMT`).
    pub(super) fn offset(&mut self) -> Option<i32> {
        let start = self.i;
        if self.eat(b'Z') || self.eat(b'z') {
            return Some(0);
        }
        let spaced = self.eat(b' ');
        if spaced {
            for name in [b"UTC", b"GMT"] {
                if self.b.get(self.i..self.i + 3) == Some(&name[..]) {
                    self.i += 3;
                    if self.boundary() {
                        return Some(0);
                    }
                    self.i -= 3;
                }
            }
        }
        let sign = match self.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => {
                self.i = start;
                return None;
            }
        };
        self.i += 1;
        let Some(h) = self.num(2) else {
            self.i = start;
            return None;
        };
        let colon = self.eat(b':');
        let m = match self.num(2) {
            Some(m) => m,
            None if colon => {
                self.i = start;
                return None;
            }
            None => 0,
        };
        // After a space, only the four-digit form (`+0000`): a bare
        // `- 12` is more likely text.
        if (spaced && (colon || self.i - start != 6)) || h > 23 || m > 59 || !self.boundary() {
            self.i = start;
            return None;
        }
        Some(sign * (h * 3600 + m * 60) as i32)
    }

    /// The timestamp ends here: end of line or not a letter or digit.
    pub(super) fn boundary(&self) -> bool {
        !self.peek().is_some_and(|c| c.is_ascii_alphanumeric())
    }
}
