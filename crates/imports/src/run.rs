//! One pimports run: discover the files, scan them in parallel, read the
//! manifests, follow `mod` declarations to files the walk left out,
//! classify, report. Per-file problems go through workdist's
//! [`Diagnostics`](workdist::Diagnostics) and the run goes on (exit 2).

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use workdist::{Discovery, DiscoveryOptions, ExitStatus, Flow, StreamOptions};

use crate::config::{Config, Report};
use crate::{analyze, build_dir, cargo, fix, report, scan};

/// Stack size of the parsing threads: deeply nested generated code makes
/// syn (and its visitor) recurse thousands of frames deep.
const PARSE_STACK: usize = 256 << 20;

pub(crate) fn write_out(bytes: &[u8]) -> std::io::Result<()> {
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

/// Run the analysis `config` asks for.
pub fn execute(config: &Config) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let cwd = std::env::current_dir()?;
    let roots = &config.paths;
    // Per-file problems: reported with their path, the run goes on, exit 2.
    let diag = workdist::Diagnostics::new("pimports", false);

    // Discovery: .rs files and manifests in one walk; build directories
    // skipped (not every `target/`: `mod target;` is source).
    let mut opts = DiscoveryOptions {
        hidden: config.hidden,
        threads: config.threads.unwrap_or(0),
        globs: walk_globs(&config.globs),
        ..DiscoveryOptions::default()
    };
    if config.no_ignore {
        opts.no_ignore();
    }
    let abs_roots: Vec<PathBuf> = roots
        .iter()
        .map(|r| workdist::cli::lexical_join(&cwd, r))
        .collect();
    let mut walk = Discovery::new(&abs_roots, &cwd, &opts)?;
    let overrides = workdist::discover::build_overrides(&cwd, &opts.globs, &[])?;
    // `-g` for the files Cargo compiles that the walk did not choose (what
    // `mod` declarations lead to, workspace members): excluded when the
    // file, or a directory between the given path and it, is. An explicit
    // exclusion wins over "Cargo compiles it": the user asked.
    let glob_excludes = |path: &Path| -> bool {
        if config.globs.is_empty() {
            return false;
        }
        let Some(root) = abs_roots
            .iter()
            .filter(|r| path.starts_with(r))
            .max_by_key(|r| r.components().count())
        else {
            return false;
        };
        overrides.matched(path, false).is_ignore()
            || path
                .ancestors()
                .skip(1)
                .take_while(|d| *d != root.as_path() && d.starts_with(root))
                .any(|d| overrides.matched(d, true).is_ignore())
    };
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
    // A path given twice, or inside another given path, is walked twice:
    // each file and manifest is kept once (a package read twice was
    // judged twice, and half of it judged unseen).
    let mut kept = std::collections::HashSet::new();
    sources.retain(|p| kept.insert(p.clone()));
    manifests.retain(|p| kept.insert(p.clone()));
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
        if !manifests.contains(&m)
            && abs_roots.iter().any(|r| r.is_dir() && m.starts_with(r))
            && !glob_excludes(&m)
        {
            manifests.push(m);
        }
    }

    let t_discover = started.elapsed();
    // Read and scan in parallel.
    let threads = config
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
    // Files that could not be analysed: `--fix` leaves their packages be.
    let mut unanalysed: Vec<PathBuf> = Vec::new();
    let engine = config.engine;
    // The sites the report can read, kept from each file as it is read.
    let prune = match &config.report {
        Report::UnusedDeps | Report::UnusedDepsJson | Report::Explain(_) => scan::Keep::External,
        Report::Inventory if config.focus.is_none() => scan::Keep::Imports,
        Report::Inventory | Report::Json | Report::ByCrate | Report::Dot | Report::Cycles => {
            scan::Keep::All
        }
    };
    // Files that `mod` declarations lead to are compiled whatever ignore
    // rules, hidden names or build-directory rules say: after the walk's
    // files, those (under a directory given) are read too, until no
    // declaration leads to a file not read.
    let dir_roots: Vec<&PathBuf> = abs_roots.iter().filter(|r| r.is_dir()).collect();
    let mut attempted: std::collections::HashSet<PathBuf> = sources.iter().cloned().collect();
    let mut batch = sources;
    let mut loaded = None;
    // The manifests are read on a thread of their own while the files are
    // scanned: read after the scan, they were serial time. With `-j1` they
    // are read after the scan, on the one thread asked for.
    let mut loader = if threads > 1 {
        let manifests = manifests.clone();
        Some(
            std::thread::Builder::new()
                .name("pimports-manifests".into())
                .spawn(move || cargo::load(&manifests))?,
        )
    } else {
        None
    };
    let (mut t_scan, mut t_manifests) = (t_discover, t_discover);
    loop {
        let indexed = batch.clone();
        workdist::par_stream(
            batch,
            StreamOptions {
                threads,
                stack_size: PARSE_STACK,
            },
            |path: PathBuf| {
                std::fs::read(&path).map(|b| {
                    let mut s = scan::scan_with(&b, engine);
                    s.prune(prune);
                    s
                })
            },
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
                            unanalysed.push(path.clone());
                            diag.error(format_args!(
                                "{}:{}:{}: {}",
                                display(&cwd, path),
                                f.line,
                                f.column,
                                f.message
                            ));
                        } else if let Some(f) = s.failure.as_ref().filter(|_| !config.quiet) {
                            failures += 1;
                            progress.finish();
                            diag.warn(format_args!(
                                "{}:{}:{}: syn cannot parse this file ({}); scanned at the token level, results partial",
                                display(&cwd, path),
                                f.line,
                                f.column,
                                f.message
                            ));
                        } else if s.failure.is_some() {
                            failures += 1;
                        } else if s.not_utf8 && !config.quiet {
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
                        unanalysed.push(path.clone());
                        diag.error(format_args!("{}: {e}", display(&cwd, path)));
                    }
                    Err(panic) => {
                        progress.finish();
                        unanalysed.push(path.clone());
                        diag.error(format_args!("{}: {panic}", display(&cwd, path)));
                    }
                }
                Flow::Continue
            },
        )?;
        let (packages, _) = loaded.get_or_insert_with(|| {
            progress.finish();
            t_scan = started.elapsed();
            let l = match loader.take().map(std::thread::JoinHandle::join) {
                Some(Ok(l)) => l,
                // `-j1`, or (not reached: `load` does not panic) the
                // thread failed: read them here.
                _ => cargo::load(&manifests),
            };
            t_manifests = started.elapsed();
            l
        });
        let mut next = analyze::unscanned_modules(packages, &scans);
        next.retain(|f| {
            dir_roots.iter().any(|r| f.starts_with(r))
                && !glob_excludes(f)
                && attempted.insert(f.clone())
        });
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
    // Verdicts drawn from absence (nothing uses this dependency) only for
    // packages whose code was all read.
    let judged: Vec<cargo::Package> = if matches!(
        config.report,
        Report::UnusedDeps | Report::UnusedDepsJson | Report::Explain(_)
    ) {
        let why_unseen = |f: &Path| {
            if !abs_roots.iter().any(|r| f.starts_with(r)) {
                "outside the given paths"
            } else if glob_excludes(f) {
                "excluded by --glob"
            } else {
                "unreadable"
            }
        };
        let note = |m: std::fmt::Arguments<'_>| {
            if !config.quiet {
                diag.warn(m);
            }
        };
        judged_packages(&packages, &scans, &why_unseen, &|p| display(&cwd, p), &note)
    } else {
        Vec::new()
    };
    // The sites each report reads: the others are dropped as soon as
    // they are classified.
    let keep: &(dyn Fn(&analyze::Site) -> bool + Sync) = match &config.report {
        Report::UnusedDeps | Report::UnusedDepsJson | Report::Explain(_) => {
            &|s| matches!(s.class, analyze::Class::Dependency { .. })
        }
        Report::ByCrate => &|s| !matches!(s.class, analyze::Class::Local),
        Report::Json | Report::Inventory | Report::Dot | Report::Cycles => &|_| true,
    };
    let files = analyze::analyze(
        &packages,
        scans,
        &|p: &Path| display(&cwd, p),
        threads,
        keep,
        &manifest_errors
            .iter()
            .filter_map(|e| e.path.parent())
            .collect::<Vec<_>>(),
    );
    let t_analyze = started.elapsed();

    let focus = config.focus.as_ref();
    let mut findings = false;
    let out = match &config.report {
        Report::Json => report::json(&files, focus, config.only_focus),
        Report::ByCrate => report::by_crate(&files, &packages),
        Report::Dot => report::dot(&report::graph(&files, &packages)),
        Report::Cycles => {
            let cycles = report::cycles(&report::graph(&files, &packages));
            findings = !cycles.is_empty();
            report::render_cycles(&cycles)
        }
        Report::Explain(dep) => report::explain(&files, &judged, dep),
        Report::UnusedDeps | Report::UnusedDepsJson => {
            let f = report::unused_deps(&files, &judged, &|p: &Path| display(&cwd, p));
            let ctx = fix::Context {
                packages: &packages,
                manifests: &manifests,
                roots: &abs_roots,
                unanalysed: &unanalysed,
                display: &|p: &Path| display(&cwd, p),
            };
            let json = config.report == Report::UnusedDepsJson;
            let (out, found) = fix::unused_deps(&ctx, &f, json, config.fix, &diag);
            findings = found;
            out
        }
        Report::Inventory => report::text(&files, focus, config.only_focus),
    };
    write_out(out.as_bytes())?;

    if config.stats {
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

/// The walk's globs: the user's `-g`s after a `Cargo.toml` that keeps the
/// manifests when one of them includes (ripgrep's rule, a glob that
/// includes leaves out every file it does not match, would drop them
/// all); a later `!` glob still excludes one.
fn walk_globs(globs: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(globs.len() + 1);
    if globs.iter().any(|g| !g.starts_with('!')) {
        out.push("Cargo.toml".to_string());
    }
    out.extend(globs.iter().cloned());
    out
}

/// The packages whose every file that exists (target roots, the files
/// `mod` declarations reach) was read: only these can be judged on what
/// their code does not do. Each of the others is named through `note`,
/// with its first file not read and why (`why_unseen`).
fn judged_packages(
    packages: &[cargo::Package],
    scans: &HashMap<PathBuf, scan::FileScan>,
    why_unseen: &dyn Fn(&Path) -> &'static str,
    display: &dyn Fn(&Path) -> String,
    note: &dyn Fn(std::fmt::Arguments<'_>),
) -> Vec<cargo::Package> {
    let files = analyze::package_files(packages, scans);
    let mut out = Vec::new();
    for (p, files) in packages.iter().zip(files) {
        let unseen: Vec<PathBuf> = files
            .into_iter()
            // Anything there that was not read (a FIFO, a device, a file
            // that failed to read) is code not seen.
            .filter(|f| !scans.contains_key(f) && f.exists())
            .collect();
        let Some(first) = unseen.first() else {
            out.push(p.clone());
            continue;
        };
        let more = match unseen.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more of its files)"),
        };
        note(format_args!(
            "not judged: {} ({}): its file {}{more} is {}",
            p.name,
            display(&p.manifest),
            display(first),
            why_unseen(first)
        ));
    }
    out
}

/// A path as shown: relative to the current directory when under it.
fn display(cwd: &Path, p: &Path) -> String {
    p.strip_prefix(cwd).unwrap_or(p).display().to_string()
}
