//! `--time-format` patterns: strftime-like directives, compiled once into
//! a list of items and matched at a cursor without allocating.

use super::calendar::{Civil, Parsed, SEC, civil, two_digit_year};
use super::cursor::Cur;

/// A strftime-like pattern: `%Y %y %m %d %e %H %M %S %f %b %a %z %s %T
/// %F %%`; a space matches one or more spaces; other characters match
/// themselves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    items: Vec<Item>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    Lit(u8),
    Space,
    Year4,
    Year2,
    Month,
    MonthName,
    Weekday,
    Day,
    DayPadded,
    Hour,
    Min,
    Sec,
    Frac,
    Offset,
    Epoch,
}

impl Pattern {
    pub fn new(s: &str) -> Result<Pattern, String> {
        let mut items = Vec::new();
        let mut bytes = s.bytes();
        while let Some(b) = bytes.next() {
            if b == b' ' {
                items.push(Item::Space);
                continue;
            }
            if b != b'%' {
                items.push(Item::Lit(b));
                continue;
            }
            let d = bytes.next().ok_or("a time format cannot end with '%'")?;
            match d {
                b'Y' => items.push(Item::Year4),
                b'y' => items.push(Item::Year2),
                b'm' => items.push(Item::Month),
                b'd' => items.push(Item::Day),
                b'e' => items.push(Item::DayPadded),
                b'H' => items.push(Item::Hour),
                b'M' => items.push(Item::Min),
                b'S' => items.push(Item::Sec),
                b'f' => items.push(Item::Frac),
                b'b' | b'h' => items.push(Item::MonthName),
                b'a' => items.push(Item::Weekday),
                b'z' => items.push(Item::Offset),
                b's' => items.push(Item::Epoch),
                b'T' => items.extend([
                    Item::Hour,
                    Item::Lit(b':'),
                    Item::Min,
                    Item::Lit(b':'),
                    Item::Sec,
                ]),
                b'F' => items.extend([
                    Item::Year4,
                    Item::Lit(b'-'),
                    Item::Month,
                    Item::Lit(b'-'),
                    Item::Day,
                ]),
                b'%' => items.push(Item::Lit(b'%')),
                b'.' if bytes.clone().next() == Some(b'f') => {
                    // `%.f`: an optional fraction after `.` or `,`.
                    bytes.next();
                    items.push(Item::Frac);
                }
                other => {
                    return Err(format!(
                        "'%{}' in time format '{s}' is not supported (use %Y %y %m %d %e %H %M %S %f %b %a %z %s %T %F)",
                        other as char
                    ));
                }
            }
        }
        let has = |i: Item| items.contains(&i);
        if !has(Item::Epoch)
            && !((has(Item::Month) || has(Item::MonthName))
                && (has(Item::Day) || has(Item::DayPadded))
                && has(Item::Hour))
        {
            return Err(format!(
                "time format '{s}' needs a month, a day and an hour (or %s for epoch seconds)"
            ));
        }
        Ok(Pattern { items })
    }

    pub(super) fn parse(&self, c: &mut Cur) -> Option<Parsed> {
        let mut t = Civil::default();
        let mut epoch_secs = None;
        for item in &self.items {
            match *item {
                Item::Lit(b) => {
                    if !c.eat(b) {
                        return None;
                    }
                }
                Item::Space => {
                    if !c.spaces() {
                        return None;
                    }
                }
                Item::Year4 => t.year = Some(c.num(4)? as i32),
                Item::Year2 => t.year = Some(two_digit_year(c.num(2)?)),
                Item::Month => t.month = c.num(2)?,
                Item::MonthName => t.month = c.month_name()?,
                Item::Weekday => {
                    if !c.weekday() {
                        return None;
                    }
                }
                Item::Day => t.day = c.num(2)?,
                Item::DayPadded => {
                    c.spaces();
                    t.day = c.num12()?;
                }
                Item::Hour => t.hour = c.num(2)?,
                Item::Min => t.min = c.num(2)?,
                Item::Sec => t.sec = c.num(2)?,
                Item::Frac => t.micros = c.frac(b".,"),
                Item::Offset => t.offset = Some(c.offset()?),
                Item::Epoch => {
                    let start = c.i;
                    while c.peek().is_some_and(|d| d.is_ascii_digit()) {
                        c.i += 1;
                    }
                    let v: i64 = std::str::from_utf8(&c.b[start..c.i]).ok()?.parse().ok()?;
                    epoch_secs = Some(v);
                }
            }
        }
        if let Some(s) = epoch_secs {
            return Some(Parsed::Instant(
                s.checked_mul(SEC)?.checked_add(i64::from(t.micros))?,
            ));
        }
        civil(t)
    }
}
