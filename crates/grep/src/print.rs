//! What pgrep-lite prints besides a file's matches: `--files` lines, the
//! `--stats` block (or JSON `summary`), and the hyperlink configuration
//! every printer shares. One-shot search ([`crate::run`])
//! and the daemon's shards and server print them alike, so they live here,
//! in a leaf both use, not in either.

use std::io::Write;
use std::time::Instant;

use grep_printer::{HyperlinkConfig, HyperlinkEnvironment, HyperlinkFormat, Stats};
use termcolor::Buffer;

use crate::config::{Config, SearchMode};

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

/// How `--files` prints a path: the path (coloured, and a terminal
/// hyperlink, when colour is on), with `--path-separator` applied, then its
/// terminator. Built once per run; one-shot `--files` and the daemon's
/// answers print paths through it alike.
#[derive(Clone, Debug)]
pub struct PathWriter {
    /// grep-printer's path printer when colour is on: it writes the colour
    /// and the hyperlink exactly as ripgrep's `--files` does.
    colored: Option<grep_printer::PathPrinterBuilder>,
    separator: Option<u8>,
    terminator: u8,
}

impl PathWriter {
    pub fn new(config: &Config) -> PathWriter {
        let terminator = config.path_terminator.unwrap_or(b'\n');
        let colored = config.color.then(|| {
            let mut b = grep_printer::PathPrinterBuilder::new();
            b.color_specs(config.color_specs.clone())
                .hyperlink(config.hyperlink.clone())
                .separator(config.path_separator)
                .terminator(terminator);
            b
        });
        PathWriter {
            colored,
            // `/` for `/` changes nothing on Unix: spare the copy.
            separator: config
                .path_separator
                .filter(|&sep| !(cfg!(unix) && sep == b'/')),
            terminator,
        }
    }

    /// Append one path and its terminator to `buf`.
    pub fn write(&self, buf: &mut Buffer, path: &std::path::Path) {
        // Writes into a Buffer cannot fail.
        if let Some(b) = &self.colored {
            let _ = b.build(&mut *buf).write(path);
            return;
        }
        let bytes = path_bytes(path);
        match self.separator {
            None => buf.extend_bytes(&bytes),
            Some(sep) => buf.extend_bytes(&with_separator(&bytes, sep)),
        }
        buf.extend_bytes(&[self.terminator]);
    }
}

/// `--path-separator`: every `/` of a printed path replaced (and `\\` too
/// on Windows), as grep-printer does in the paths it prints.
fn with_separator(path: &[u8], sep: u8) -> Vec<u8> {
    path.iter()
        .map(|&b| {
            if b == b'/' || (cfg!(windows) && b == b'\\') {
                sep
            } else {
                b
            }
        })
        .collect()
}

/// Extension for writing raw bytes into a termcolor buffer.
trait ExtendBytes {
    fn extend_bytes(&mut self, bytes: &[u8]);
}

impl ExtendBytes for Buffer {
    fn extend_bytes(&mut self, bytes: &[u8]) {
        // Writes into a Buffer cannot fail.
        let _ = self.write_all(bytes);
    }
}

/// True when this run's output carries terminal hyperlinks: a
/// `--hyperlink-format` that is not empty (`none`, ``) and colour on
/// (ripgrep's rule: `--color` decides for every escape sequence).
pub fn hyperlinks_wanted(config: &Config) -> bool {
    wanted_format(config).is_some()
}

fn wanted_format(config: &Config) -> Option<HyperlinkFormat> {
    if !config.color {
        return None;
    }
    // Config checked the format; an invalid one never gets here.
    let format: HyperlinkFormat = config.hyperlink_format.as_deref()?.parse().ok()?;
    (!format.is_empty()).then_some(format)
}

/// The hyperlink configuration of a one-shot run, as ripgrep builds it:
/// the format, and for its `{host}` the output of `--hostname-bin` (else
/// the system's host name) and for `{wslprefix}` `wsl$/$WSL_DISTRO_NAME`.
/// Empty (no hyperlinks) unless [`hyperlinks_wanted`]; only then is the
/// host looked up, so `--hostname-bin` runs at most once per run, and
/// never for output without hyperlinks.
pub fn hyperlink_config(config: &Config) -> HyperlinkConfig {
    let Some(format) = wanted_format(config) else {
        return HyperlinkConfig::default();
    };
    let mut env = HyperlinkEnvironment::new();
    env.host(hostname(config.hostname_bin.as_deref()));
    if cfg!(unix)
        && let Some(distro) = std::env::var_os("WSL_DISTRO_NAME")
        && let Some(distro) = distro.to_str()
    {
        env.wsl_prefix(Some(format!("wsl$/{distro}")));
    }
    HyperlinkConfig::new(env, format)
}

/// The host name for `{host}`: the trimmed output of `bin` (run with no
/// arguments and no input) when it succeeds and prints something, else the
/// system's host name; None when neither is there (or not UTF-8).
fn hostname(bin: Option<&std::path::Path>) -> Option<String> {
    if let Some(bin) = bin
        && let Some(name) = run_hostname_bin(bin)
    {
        return Some(name);
    }
    grep_cli::hostname().ok()?.into_string().ok()
}

/// At most this much of `--hostname-bin`'s output is read: a host name is
/// short, and a program that prints without end must not fill memory.
const HOSTNAME_MAX: u64 = 4096;

fn run_hostname_bin(bin: &std::path::Path) -> Option<String> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let bin = grep_cli::resolve_binary(bin).ok()?;
    let mut child = Command::new(bin)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut out = Vec::new();
    let read = child
        .stdout
        .take()
        .map(|stdout| stdout.take(HOSTNAME_MAX + 1).read_to_end(&mut out));
    if !matches!(read, Some(Ok(_))) || out.len() as u64 > HOSTNAME_MAX {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    }
    if !child.wait().ok()?.success() {
        return None;
    }
    let name = String::from_utf8(out).ok()?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
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
