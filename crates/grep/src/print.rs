//! What pgrep-lite prints besides a file's matches: `--files` lines and
//! the `--stats` block (or JSON `summary`). One-shot search ([`crate::run`])
//! and the daemon's shards and server print them alike, so they live here,
//! in a leaf both use, not in either.

use std::io::Write;
use std::time::Instant;

use grep_printer::Stats;
use termcolor::Buffer;

use crate::config::SearchMode;

/// The `--stats` block, or the JSON `summary` message, as ripgrep prints it.
pub fn stats_block(mode: SearchMode, stats: &Stats, started: Instant) -> anyhow::Result<Vec<u8>> {
    let elapsed = started.elapsed();
    let mut out = Vec::new();
    if mode == SearchMode::Json {
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({
                "type": "summary",
                "data": {
                    "elapsed_total": {
                        "human": format!("{:0.6}s", elapsed.as_secs_f64()),
                        "nanos": elapsed.subsec_nanos(),
                        "secs": elapsed.as_secs(),
                    },
                    "stats": stats,
                }
            }),
        )?;
        out.push(b'\n');
    } else {
        write!(
            out,
            "\n{} matches\n{} matched lines\n{} files contained matches\n{} files searched\n\
             {} bytes printed\n{} bytes searched\n{:0.6} seconds spent searching\n\
             {:0.6} seconds total\n",
            stats.matches(),
            stats.matched_lines(),
            stats.searches_with_match(),
            stats.searches(),
            stats.bytes_printed(),
            stats.bytes_searched(),
            stats.elapsed().as_secs_f64(),
            elapsed.as_secs_f64(),
        )?;
    }
    Ok(out)
}

/// One `--files` line: the path (coloured when asked) and its terminator.
pub fn write_path(
    buf: &mut Buffer,
    path: &std::path::Path,
    color: Option<&termcolor::ColorSpec>,
    terminator: u8,
) {
    use termcolor::WriteColor;
    // Writes into a Buffer cannot fail.
    if let Some(spec) = color {
        let _ = buf.set_color(spec);
    }
    let _ = buf.write_all(&path_bytes(path));
    if color.is_some() {
        let _ = buf.reset();
    }
    let _ = buf.write_all(&[terminator]);
}

/// A path as raw bytes: on Unix exactly what the file system holds, so that
/// non-UTF-8 names survive `--files | xargs`.
fn path_bytes(path: &std::path::Path) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        match path.to_string_lossy() {
            std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(s.as_bytes()),
            std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s.into_bytes()),
        }
    }
}
