//! `--debug` and `--trace`: the walk's own account of what it skips and
//! why ("ignoring ./target: ..."), from the `ignore` crate's log records,
//! on stderr. This is what the "no files were searched" warning points to.

use crate::config::Voice;

struct Stderr {
    name: &'static str,
    level: log::LevelFilter,
}

impl log::Log for Stderr {
    fn enabled(&self, meta: &log::Metadata<'_>) -> bool {
        meta.level() <= self.level
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            let level = record.level().as_str().to_ascii_lowercase();
            // One write per line, as every other message.
            let line = format!(
                "{}: {level}: {}: {}\n",
                self.name,
                record.target(),
                record.args()
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
        }
    }

    fn flush(&self) {}
}

/// Send log records at `--debug` (or `--trace`) level to stderr. Once per
/// process; a second call does nothing.
pub fn init(voice: Voice, trace: bool) {
    let level = if trace {
        log::LevelFilter::Trace
    } else {
        log::LevelFilter::Debug
    };
    // Leaked once: the logger lives as long as the process.
    let logger: &'static Stderr = Box::leak(Box::new(Stderr {
        name: voice.name,
        level,
    }));
    if log::set_logger(logger).is_ok() {
        log::set_max_level(level);
    }
}
