//! pimports: a parallel, syntax-exact Rust import analyzer.
//!
//! * [`scan`]: one file: every import site, its position and cfg (a token
//!   walk that gives syn only the import items, or with `--full-parse`
//!   syn's parse of the whole file);
//! * [`build_dir`]: which directories are Cargo's build output (skipped);
//! * [`cargo`]: manifests, targets, dependencies and their names in code;
//! * [`analyze`]: module paths and the classification of every site;
//! * [`report`]: inventory, by-crate, unused dependencies, DOT, cycles;
//! * [`cli`]: the command line.
//!
//! The run: workdist discovery finds `.rs` files and `Cargo.toml`s (ignore
//! rules apply, Cargo's build directories are skipped); workdist's
//! `par_stream` reads and scans the files on a rayon pool whose threads
//! have 256 MiB stacks (syn recurses on deeply nested expressions; a file
//! nested deeper than [`scan::nesting`] allows is that file's error),
//! results streaming back as they complete (a progress line on a
//! terminal); then manifests are read, and the files that `mod`
//! declarations and workspace members name but the walk left out (ignored,
//! hidden, in a build directory) are read the same way, since Cargo
//! compiles them; last, [`analyze`] classifies the sites, file by file in
//! parallel on a rayon pool of its own (the same thread count, default
//! stacks), and the report is rendered and written on the calling thread.

pub mod analyze;
pub mod build_dir;
pub mod cargo;
pub mod cli;
pub mod report;
pub mod scan;

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use workdist::{Discovery, DiscoveryOptions, ExitStatus, Flow, StreamOptions};

use crate::cli::{Cli, Generate};

/// Stack size of the parsing threads: deeply nested generated code makes
/// syn (and its visitor) recurse thousands of frames deep.
const PARSE_STACK: usize = 256 << 20;

/// The `pimports` binary.
pub fn main() -> std::process::ExitCode {
    run(std::env::args_os()).into()
}

/// Run with these arguments (program name first).
pub fn run<I, T>(args: I) -> ExitStatus
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli: Cli = match workdist::cli::parse_args(args, "pimports") {
        Ok(cli) => cli,
        Err(status) => return status,
    };
    match execute(&cli) {
        Ok(status) => status,
        Err(e) if workdist::pipe::is_broken_pipe(e.as_ref()) => workdist::pipe::BROKEN_PIPE_STATUS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitStatus::Error
        }
    }
}

/// Render a completion script or the man page.
pub fn generate(kind: Generate) -> std::io::Result<Vec<u8>> {
    workdist::cli::generate(cli::command(), "pimports", kind)
}

/// The committed completion files.
pub fn completion_files() -> [(Generate, String); 5] {
    workdist::cli::completion_files("pimports")
}

fn write_out(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// A progress line on a terminal's stderr, at most ten times a second.
struct Progress {
    on: bool,
    total: usize,
    last: Instant,
}

impl Progress {
    fn tick(&mut self, done: usize) {
        if self.on && (self.last.elapsed().as_millis() >= 100 || done == self.total) {
            self.last = Instant::now();
            let width = 30;
            let filled = (done * width).checked_div(self.total).unwrap_or(width);
            eprint!(
                "\r\x1b[K[{}{}] {done}/{} files",
                "=".repeat(filled),
                " ".repeat(width - filled),
                self.total
            );
        }
    }

    fn finish(&self) {
        if self.on {
            eprint!("\r\x1b[K");
        }
    }
}

fn execute(cli: &Cli) -> anyhow::Result<ExitStatus> {
    if let Some(kind) = cli.generate {
        write_out(&generate(kind)?)?;
        return Ok(ExitStatus::Found);
    }
    let started = Instant::now();
    let cwd = std::env::current_dir()?;
    let roots: Vec<PathBuf> = if cli.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        cli.paths.clone()
    };
    // Per-file problems: reported with their path, the run goes on, exit 2.
    let diag = workdist::Diagnostics::new("pimports", false);

    // Discovery: .rs files and manifests in one walk; build directories
    // skipped (not every `target/`: `mod target;` is source).
    let mut opts = DiscoveryOptions {
        hidden: cli.hidden,
        threads: cli.threads.unwrap_or(0),
        ..DiscoveryOptions::default()
    };
    if cli.no_ignore {
        opts.no_ignore();
    }
    let abs_roots: Vec<PathBuf> = roots
        .iter()
        .map(|r| workdist::cli::lexical_join(&cwd, r))
        .collect();
    let mut walk = Discovery::new(&abs_roots, &cwd, &opts)?;
    let build_dirs = build_dir::BuildDirs::from_env(&cwd);
    walk.skip_dirs(move |d| build_dirs.is_build_dir(d));
    let mut sources = Vec::new();
    let mut manifests = Vec::new();
    for item in walk.sorted() {
        match item {
            Ok(e) => {
                let p = e.path().to_path_buf();
                if p.extension().is_some_and(|x| x == "rs") {
                    sources.push(p);
                } else if p.file_name().is_some_and(|n| n == "Cargo.toml") {
                    manifests.push(p);
                }
            }
            Err(err) => {
                diag.error(err);
            }
        }
    }
    // The manifests above each path: the package (and workspace) a
    // subdirectory belongs to.
    for r in &abs_roots {
        let mut cur = if r.is_dir() {
            Some(r.as_path())
        } else {
            r.parent()
        };
        while let Some(d) = cur {
            let m = d.join("Cargo.toml");
            if m.is_file() && !manifests.contains(&m) {
                manifests.push(m);
            }
            cur = d.parent();
        }
    }

    // Workspace members the walk left out (ignore rules, hidden names):
    // Cargo builds them, so they are read when under a directory given.
    for m in cargo::member_manifests(&manifests) {
        if !manifests.contains(&m) && abs_roots.iter().any(|r| r.is_dir() && m.starts_with(r)) {
            manifests.push(m);
        }
    }

    let t_discover = started.elapsed();
    // Read and scan in parallel.
    let threads = cli
        .threads
        .unwrap_or_else(workdist::discover::default_threads)
        .max(1);
    let mut total = sources.len();
    let mut progress = Progress {
        on: std::io::stderr().is_terminal() && total > 200,
        total,
        last: Instant::now(),
    };
    let mut scans: HashMap<PathBuf, scan::FileScan> = HashMap::with_capacity(total);
    let mut bytes = 0u64;
    let mut failures = 0usize;
    let mut done = 0usize;
    let engine = if cli.full_parse {
        scan::Engine::Full
    } else {
        scan::Engine::Fast
    };
    // Files that `mod` declarations lead to are compiled whatever ignore
    // rules, hidden names or build-directory rules say: after the walk's
    // files, those (under a directory given) are read too, until no
    // declaration leads to a file not read.
    let dir_roots: Vec<&PathBuf> = abs_roots.iter().filter(|r| r.is_dir()).collect();
    let mut attempted: std::collections::HashSet<PathBuf> = sources.iter().cloned().collect();
    let mut batch = sources;
    let mut loaded = None;
    let (mut t_scan, mut t_manifests) = (t_discover, t_discover);
    loop {
        let indexed = batch.clone();
        workdist::par_stream(
            batch,
            StreamOptions {
                threads,
                stack_size: PARSE_STACK,
            },
            |path: PathBuf| std::fs::read(&path).map(|b| scan::scan_with(&b, engine)),
            |i, result| {
                done += 1;
                progress.tick(done);
                let path = &indexed[i];
                match result {
                    Ok(Ok(s)) => {
                        bytes += s.bytes;
                        if let Some(f) = s.failure.as_ref().filter(|_| s.too_deep) {
                            // An error of this file (exit 2); the run goes on.
                            progress.finish();
                            diag.error(format_args!(
                                "{}:{}:{}: {}",
                                display(&cwd, path),
                                f.line,
                                f.column,
                                f.message
                            ));
                        } else if let Some(f) = &s.failure {
                            failures += 1;
                            progress.finish();
                            diag.warn(format_args!(
                                "{}:{}:{}: syn cannot parse this file ({}); scanned at the token level, results partial",
                                display(&cwd, path),
                                f.line,
                                f.column,
                                f.message
                            ));
                        } else if s.not_utf8 {
                            progress.finish();
                            diag.warn(format_args!(
                                "{}: not valid UTF-8; read lossily, results partial",
                                display(&cwd, path)
                            ));
                        }
                        scans.insert(path.clone(), s);
                    }
                    Ok(Err(e)) => {
                        progress.finish();
                        diag.error(format_args!("{}: {e}", display(&cwd, path)));
                    }
                    Err(panic) => {
                        progress.finish();
                        diag.error(format_args!("{}: {panic}", display(&cwd, path)));
                    }
                }
                Flow::Continue
            },
        )?;
        let (packages, _) = loaded.get_or_insert_with(|| {
            progress.finish();
            t_scan = started.elapsed();
            let l = cargo::load(&manifests);
            t_manifests = started.elapsed();
            l
        });
        let mut next = analyze::unscanned_modules(packages, &scans);
        next.retain(|f| dir_roots.iter().any(|r| f.starts_with(r)) && attempted.insert(f.clone()));
        if next.is_empty() {
            break;
        }
        progress.total += next.len();
        total += next.len();
        batch = next;
    }
    progress.finish();
    let (packages, manifest_errors) = loaded.unwrap_or_default();
    for e in &manifest_errors {
        diag.error(e);
    }
    let files = analyze::analyze(&packages, scans, &|p: &Path| display(&cwd, p), threads);
    let t_analyze = started.elapsed();

    let focus = match &cli.focus {
        Some(pat) => Some(
            report::Focus::new(pat).map_err(|e| anyhow::anyhow!("invalid --focus pattern: {e}"))?,
        ),
        None => None,
    };
    let mut findings = false;
    let out = if cli.json {
        report::json(&files, focus.as_ref(), cli.only_focus)
    } else if cli.by_crate {
        report::by_crate(&files, &packages)
    } else if cli.dot {
        report::dot(&report::graph(&files, &packages))
    } else if cli.cycles {
        let cycles = report::cycles(&report::graph(&files, &packages));
        findings = !cycles.is_empty();
        cycles
            .iter()
            .map(|(k, ms)| format!("cycle in {k}: {}\n", ms.join(" <-> ")))
            .collect()
    } else if cli.unused_deps {
        if let Some(dep) = &cli.explain {
            report::explain(&files, &packages, dep)
        } else {
            let f = report::unused_deps(&files, &packages, &|p: &Path| display(&cwd, p));
            findings = !f.is_empty();
            report::render_findings(&f)
        }
    } else {
        report::text(&files, focus.as_ref(), cli.only_focus)
    };
    write_out(out.as_bytes())?;

    if cli.stats {
        let elapsed = started.elapsed();
        let secs = elapsed.as_secs_f64();
        eprintln!(
            "files: {total}\nbytes: {bytes}\nparse failures: {failures}\npackages: {}\nelapsed: {secs:.3} s (discovery {:.3}, scan {:.3}, manifests {:.3}, analysis {:.3}, report {:.3})\nms/file: {:.4}\nMB/s: {:.1}\nthreads: {threads}",
            packages.len(),
            t_discover.as_secs_f64(),
            (t_scan - t_discover).as_secs_f64(),
            (t_manifests - t_scan).as_secs_f64(),
            (t_analyze - t_manifests).as_secs_f64(),
            (elapsed - t_analyze).as_secs_f64(),
            if total > 0 {
                secs * 1000.0 / total as f64
            } else {
                0.0
            },
            bytes as f64 / 1e6 / secs.max(1e-9),
        );
    }
    // The process ends right after this: freeing a few hundred thousand
    // sites one by one took a tenth of a two-thread run. The OS takes the
    // memory back at once.
    std::mem::forget(files);
    std::mem::forget(packages);
    Ok(if diag.errored() {
        ExitStatus::Error
    } else if findings {
        ExitStatus::NotFound
    } else {
        ExitStatus::Found
    })
}

/// A path as shown: relative to the current directory when under it.
fn display(cwd: &Path, p: &Path) -> String {
    p.strip_prefix(cwd).unwrap_or(p).display().to_string()
}
