//! Timestamps in log lines: detected per file, compared as instants.
//!
//! * **Formats** ([`formats`], [`pattern`]). ISO 8601 / RFC 3339 (`T` or
//!   space, `.` or `,` fractions, `Z` or an offset, also `yyyy/MM/dd`), the
//!   Apache access log (`10/Oct/2000:13:55:36 -0700`), syslog
//!   `Mon dd HH:MM:SS` with an optional weekday and year (which covers ctime
//!   and Apache's error log `[Sun Dec 04 04:47:44 2005]`), `yy/MM/dd
//!   HH:mm:ss`, Android `MM-dd HH:mm:ss.SSS`, `yyMMdd HHmmss`,
//!   `yyyyMMdd-HH:mm:ss:SSS`, `MM.dd HH:mm:ss`, glog `I1018 18:01:47.978`,
//!   and epoch seconds, milliseconds, microseconds or nanoseconds (a 10, 13,
//!   16 or 19 digit number between 2000 and 2100). `--time-format` forces
//!   one of these by name, or a strftime-like pattern (`%Y-%m-%d
//!   %H:%M:%S%.f`). All of them read bytes at a [`cursor`].
//! * **Where** ([`detect`]). A timestamp starts a whitespace-separated
//!   field; the first lines of a file vote for a (format, field) pair, and
//!   once it is chosen only that format at that field stamps a line.
//! * **Meaning** ([`zone`], [`calendar`]). A timestamp with an offset or an
//!   epoch is an instant. One without is local time (the `TZ` variable, else
//!   the system's zone). One without a year gets the latest year that does
//!   not put it more than two days after a reference: the file's
//!   modification time for the lines already in it, the current time for
//!   new lines. So a file running from December into January gets both
//!   years right.
//! * **`--since`** ([`since`]): a duration ago, or a timestamp in any of
//!   the formats; where each file's history starts is found by binary
//!   search on byte offsets ([`seek`]), or by a scan if its stamps are out
//!   of order.
//!
//! The modules form a chain without cycles: `calendar` and `cursor` are
//! leaves; `pattern` and `formats` read with the cursor into calendar
//! values; `zone` makes instants of them; `detect` and `since` use all of
//! these, and `seek` uses `detect`. Outside this module only the re-exports below are used.

mod calendar;
mod cursor;
mod detect;
mod formats;
mod pattern;
mod seek;
mod since;
mod zone;

pub use calendar::{Micros, now, to_micros};
pub use detect::Detector;
pub use formats::{Fmt, Kind};
pub use pattern::Pattern;
pub use seek::{SinceStart, since_start};
pub use since::parse_since;
pub use zone::Zone;
