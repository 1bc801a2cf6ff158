//! One colour decision for every tool.
//!
//! `--color auto` (the default) colours only when the stream is a terminal
//! and `NO_COLOR` is not in effect. Per <https://no-color.org>, `NO_COLOR`
//! set to a non-empty value disables colour; set but empty, it is as if
//! unset. `--color always` and `--color never` ignore both. (pgrep-lite's
//! `ansi` is `always` for this decision; which escape codes to write is the
//! tool's business.)

/// The user's `--color` choice, as far as the on/off decision goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Auto,
    Always,
    Never,
}

/// Whether `NO_COLOR` asks for no colour: set and non-empty.
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether to colour a stream that is (`is_tty`) or is not a terminal.
pub fn use_color(when: When, is_tty: bool) -> bool {
    decide(when, is_tty, no_color_env())
}

/// The decision itself, with the environment given: for deciding on
/// someone else's terminal and `NO_COLOR` (pgrep-lite's daemon answers
/// for a client), and for tests.
pub fn decide(when: When, is_tty: bool, no_color: bool) -> bool {
    match when {
        When::Always => true,
        When::Never => false,
        When::Auto => is_tty && !no_color,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for tty in [false, true] {
            for nc in [false, true] {
                assert!(decide(When::Always, tty, nc));
                assert!(!decide(When::Never, tty, nc));
                assert_eq!(decide(When::Auto, tty, nc), tty && !nc);
            }
        }
    }
}
