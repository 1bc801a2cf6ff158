//! One run of pgrep-lite: discover files, search them in parallel, write the
//! results through the single writer, and decide the exit status.
//!
//! Two shapes, both built from workdist:
//!
//! * unsorted (the default): the work-stealing parallel walk, each walker
//!   thread searching the files it finds with its own [`Worker`], exactly the
//!   shape that makes ripgrep fast;
//! * ordered (`--sort`/`--sortr`, or one thread): a sequential walk in path
//!   order (collected and sorted first for any other order, see
//!   [`ordered_walk`]) feeding [`workdist::par_map`] in input order.
//!   Unlike ripgrep, which drops to one thread to sort, the search stays
//!   parallel and only the output is put in order.
//!
//! Either way every file's output is one record for the [`Sink`], so files
//! never interleave, and a closed output (`| head`) stops the walk. A file
//! with a large output streams it to the sink while it is searched (see
//! [`crate::search::Output`]): in the unsorted shape it holds the writer
//! meanwhile; in the sorted shape it first waits for its turn
//! ([`workdist::Turns`]: every earlier file written), so `--sort path`
//! output stays byte for byte what it would be held whole.

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use grep_printer::Stats;
use termcolor::Buffer;
use workdist::pipe::{BROKEN_PIPE_STATUS, is_broken_pipe};
use workdist::{
    Diagnostics, Discovery, DiscoveryError, ExitStatus, FileEntry, Flow, MapOptions, Order, Sink,
    SinkConfig, SinkOutcome, SinkSender, Turns, par_map,
};

use crate::config::{Config, Context, Mode, SearchMode, SortKey, Voice};
use crate::generate;
use crate::matcher::build_matcher;
use crate::print::{PathWriter, stats_block};
use crate::rcfile;
use crate::search::{FileOutcome, Worker, is_output_closed};

/// Run with the given arguments (including the program name) and return the
/// exit status. Never panics on user input; fatal problems are printed as one
/// `error:` line.
pub fn run<I, T>(args: I) -> ExitStatus
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let voice = Voice::of(args.first().map(|a| a.as_os_str()));
    let ctx = match Context::from_process() {
        Ok(ctx) => ctx,
        Err(err) => {
            eprintln!("{}", voice.fatal(&err));
            return ExitStatus::Error;
        }
    };
    // The config file's flags go first, so that the command line's win;
    // the daemon gets the whole list and never reads the file itself.
    let (args, rc) = match rcfile::expand(args, |var| std::env::var_os(var)) {
        Ok(expanded) => expanded,
        Err(err) => {
            eprintln!("{}", voice.fatal(&err.into()));
            return ExitStatus::Error;
        }
    };
    let mut config = match Config::from_args_in(args.clone(), &ctx) {
        Ok(config) => config,
        Err(err) => {
            let argv0 = args
                .first()
                .map_or(std::ffi::OsStr::new(""), |a| a.as_os_str());
            if let Some(blame) = rc.as_ref().and_then(|rc| rc.blame(argv0)) {
                eprintln!("{}", voice.fatal(&blame.into()));
                return ExitStatus::Error;
            }
            return report_config_error(err, voice);
        }
    };
    if matches!(config.mode, Mode::Search(_) | Mode::Files) {
        // Only when the output has hyperlinks; the daemon never answers
        // then (its paths are its own), so this is one-shot's.
        config.hyperlink = crate::print::hyperlink_config(&config);
    }
    let msgs = Diagnostics::new(config.voice.name, config.no_messages);
    if config.debug {
        crate::debuglog::init(config.voice, config.trace);
    }
    if config.debug
        && let Some(rc) = &rc
    {
        msgs.warn(format_args!(
            "debug: {} arguments from the config file {} (named by {})",
            rc.args.len(),
            rc.path.display(),
            rc.var
        ));
    }
    let result = match &config.mode {
        #[cfg(unix)]
        Mode::Daemon(action) => crate::daemon::control::manage(action, &ctx),
        #[cfg(not(unix))]
        Mode::Daemon(_) => Err(anyhow::anyhow!("the daemon needs Unix domain sockets")),
        Mode::Generate(kind) => generate::render(*kind)
            .and_then(|out| write_stdout(&out))
            .map(|()| ExitStatus::Found)
            .map_err(anyhow::Error::from),
        Mode::Types => list_types(&config),
        // As ripgrep: the answer on stdout either way, status 1 without.
        Mode::Pcre2Version => match crate::matcher::pcre2_version() {
            Some(v) => write_stdout(v.as_bytes()).map(|()| ExitStatus::Found),
            None => write_stdout(
                format!(
                    "PCRE2 is not available in this build of {}.\n",
                    config.voice.long
                )
                .as_bytes(),
            )
            .map(|()| ExitStatus::NotFound),
        }
        .map_err(anyhow::Error::from),
        Mode::Files => {
            if let Some(status) = via_daemon(&args, &ctx, &config, &msgs) {
                return status;
            }
            list_files(&config, &msgs).map(|found| msgs.status(found, false))
        }
        Mode::Search(mode) => {
            if let Some(status) = via_daemon(&args, &ctx, &config, &msgs) {
                return status;
            }
            search(&config, *mode, &msgs).map(|found| msgs.status(found, config.quiet))
        }
    };
    match result {
        Ok(status) => status,
        Err(err) if is_broken_pipe(err.as_ref()) => BROKEN_PIPE_STATUS,
        Err(err) => {
            eprintln!("{}", config.voice.fatal(&err));
            ExitStatus::Error
        }
    }
}

/// Answer through a daemon serving these paths, if there is one and it can;
/// `None` means search one-shot (after a one-line note when the daemon
/// was there but failed).
#[cfg(unix)]
fn via_daemon(
    args: &[std::ffi::OsString],
    ctx: &Context,
    config: &Config,
    msgs: &Diagnostics,
) -> Option<ExitStatus> {
    use crate::daemon::client::{Attempt, try_search};
    if config.no_daemon {
        return None;
    }
    match try_search(args, ctx, config) {
        Attempt::Answered(status) => Some(status),
        Attempt::Fallback(Some(note)) => {
            msgs.warn(format_args!("{note}; searching without it"));
            None
        }
        Attempt::Fallback(None) => None,
    }
}

#[cfg(not(unix))]
fn via_daemon(
    _: &[std::ffi::OsString],
    _: &Context,
    _: &Config,
    _: &Diagnostics,
) -> Option<ExitStatus> {
    None
}

/// clap's own errors: help and version go to stdout with status 0; a usage
/// error is one line on stderr with status 2, with the flag clap suggests
/// for a misspelt one.
fn report_config_error(err: anyhow::Error, voice: Voice) -> ExitStatus {
    match err.downcast::<clap::Error>() {
        Ok(clap_err) if voice.ripgrep && clap_err.use_stderr() => {
            eprintln!("rg: {}", workdist::cli::clap_error_line(&clap_err));
            ExitStatus::Error
        }
        Ok(clap_err) => workdist::cli::report_clap_error(&clap_err, "pgrep-lite"),
        Err(err) => {
            eprintln!("{}", voice.fatal(&err));
            ExitStatus::Error
        }
    }
}

fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

fn sink_for(config: &Config, separator: Option<Vec<u8>>) -> Sink {
    Sink::spawn(
        io::stdout(),
        SinkConfig {
            capacity: 256,
            buffering: config.buffering,
            separator,
        },
    )
}

fn discovery(config: &Config, msgs: &Diagnostics) -> anyhow::Result<Discovery> {
    let mut d = Discovery::new(&config.paths, &config.cwd, &config.discovery)?;
    // The only warnings are about ignore files (an unreadable
    // `--ignore-file`): ripgrep's "ignore messages", which leave the exit
    // status alone and which `--no-ignore-messages` silences.
    for warning in d.take_warnings() {
        if !config.no_ignore_messages {
            msgs.warn(warning);
        }
    }
    Ok(d)
}

/// Search every file and report whether anything matched.
fn search(config: &Config, mode: SearchMode, msgs: &Diagnostics) -> anyhow::Result<bool> {
    let started = Instant::now();
    check_sort_supported(config)?;
    let matcher = build_matcher(config)?;
    if config.matches_impossible() {
        return Ok(false);
    }
    let walk = discovery(config, msgs)?;
    let ordered = config.ordered();
    let sink = sink_for(config, config.file_separator(ordered));
    let state = SearchState {
        config,
        msgs,
        ordered,
        matched: AtomicBool::new(false),
        searched: AtomicBool::new(false),
        stats: Mutex::new(Stats::new()),
    };

    if ordered {
        let tx = sink.sender();
        let turns = Arc::new(Turns::new());
        par_map(
            // The index is par_map's own numbering: both count from 0.
            ordered_walk(&walk, config, msgs).zip(0u64..),
            MapOptions::new(config.threads.max(1), Order::Input),
            || {
                let mut worker = Worker::new(config, mode, matcher.clone());
                worker.stream_to(tx.clone(), Some(Arc::clone(&turns)));
                worker
            },
            |worker, (item, i)| match item {
                Ok(entry) => {
                    worker.set_position(i);
                    let result = worker.search(&entry);
                    let output = worker.end_file(result.is_ok());
                    Ok((entry, result, output))
                }
                Err(err) => Err(err),
            },
            |i, done| {
                let flow = match done {
                    Ok(Ok((entry, result, output))) => {
                        state.finish_file(&entry, result, output, &tx)
                    }
                    Ok(Err(err)) => {
                        state.walk_error(err);
                        Flow::Continue
                    }
                    Err(panic) => {
                        msgs.error(panic);
                        Flow::Continue
                    }
                };
                // Stopping early must release the workers waiting for a
                // turn that will never come.
                match flow {
                    Flow::Continue => turns.passed(i),
                    Flow::Quit => turns.close(),
                }
                flow
            },
        );
    } else {
        walk.run_parallel(|| {
            let mut worker = Worker::new(config, mode, matcher.clone());
            let tx = sink.sender();
            worker.stream_to(tx.clone(), None);
            let state = &state;
            move |item: Result<FileEntry, DiscoveryError>| match item {
                Ok(entry) => {
                    let result = worker.search(&entry);
                    let output = worker.end_file(result.is_ok());
                    state.finish_file(&entry, result, output, &tx)
                }
                Err(err) => {
                    state.walk_error(err);
                    Flow::Continue
                }
            }
        });
    }

    if config.implicit_path && !state.searched.load(Ordering::SeqCst) {
        msgs.error(config.voice.nothing_searched());
    }
    if config.stats {
        let stats = state.stats.lock().map(|s| s.clone()).unwrap_or_default();
        let block = stats_block(mode, &stats, started)?;
        // Ignore a closed sink here: the outcome below says why.
        let _ = sink.sender().send(block);
    }
    match sink.finish()? {
        SinkOutcome::Completed => Ok(state.matched.load(Ordering::SeqCst)),
        // Something was printed and the reader had enough (`| head`): exit
        // 0, even if the file being streamed was cut short before its
        // outcome was recorded.
        SinkOutcome::BrokenPipe => Ok(true),
    }
}

/// What every search thread shares.
struct SearchState<'a> {
    config: &'a Config,
    msgs: &'a Diagnostics,
    /// Files are written in order (the ordered shape).
    ordered: bool,
    matched: AtomicBool,
    searched: AtomicBool,
    stats: Mutex<Stats>,
}

impl SearchState<'_> {
    fn finish_file(
        &self,
        entry: &FileEntry,
        result: io::Result<FileOutcome>,
        output: Vec<u8>,
        tx: &SinkSender,
    ) -> Flow {
        self.searched.store(true, Ordering::Relaxed);
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(err) if is_output_closed(&err) || tx.is_closed() => return Flow::Quit,
            Err(err) => {
                // Whatever the printer held when the error came is dropped
                // with the file (a partial block would look like a complete
                // one); a streamed file's earlier pieces are out already.
                self.msgs.error_at(entry.display_path(), err);
                return Flow::Continue;
            }
        };
        if outcome.has_match {
            self.matched.store(true, Ordering::SeqCst);
        }
        if let Some(stats) = &outcome.stats
            && let Ok(mut total) = self.stats.lock()
        {
            *total += stats;
        }
        // In order (one thread, or sorted), as ripgrep's printer: no
        // separator before a file with only "binary file matches"; with
        // several threads ripgrep's buffer writer separates every output.
        let sent = if self.ordered && !outcome.lines {
            tx.send_unseparated(output)
        } else {
            tx.send(output)
        };
        if sent.is_err() {
            return Flow::Quit;
        }
        if self.config.quit_after_match && self.matched.load(Ordering::Relaxed) {
            return Flow::Quit;
        }
        Flow::Continue
    }

    fn walk_error(&self, err: DiscoveryError) {
        self.msgs.error(err);
    }
}

/// `--files`: print each file that would be searched. With `-q` nothing is
/// printed and the walk stops at the first file (with `--stats` too, it
/// goes on, printing nothing, as in ripgrep): only the exit status tells.
fn list_files(config: &Config, msgs: &Diagnostics) -> anyhow::Result<bool> {
    check_sort_supported(config)?;
    let walk = discovery(config, msgs)?;
    let sink = sink_for(config, None);
    let found = AtomicBool::new(false);
    let writer = PathWriter::new(config);
    let new_batch = || PathBatch {
        buf: if config.color {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        },
        tx: sink.sender(),
        writer: &writer,
    };
    let visit = |batch: &mut PathBatch, item: Result<FileEntry, DiscoveryError>| -> Flow {
        match item {
            Ok(entry) => {
                found.store(true, Ordering::Relaxed);
                if config.quiet {
                    return if config.quit_after_match {
                        Flow::Quit
                    } else {
                        Flow::Continue
                    };
                }
                if batch.push(entry.display_path()).is_err() {
                    return Flow::Quit;
                }
                Flow::Continue
            }
            Err(err) => {
                msgs.error(err);
                Flow::Continue
            }
        }
    };
    if config.ordered() {
        let mut batch = new_batch();
        for item in ordered_walk(&walk, config, msgs) {
            if visit(&mut batch, item) == Flow::Quit {
                break;
            }
        }
    } else {
        walk.run_parallel(|| {
            let mut batch = new_batch();
            move |item| visit(&mut batch, item)
        });
    }
    sink.finish()?;
    Ok(found.load(Ordering::SeqCst))
}

/// One walker thread's pending paths for `--files`. Paths are batched into
/// records of a few KiB (one channel message per path would make the
/// channel, not the walk, the bottleneck); the rest is sent on drop, at the
/// end of the walk.
struct PathBatch<'a> {
    buf: Buffer,
    tx: SinkSender,
    writer: &'a PathWriter,
}

impl PathBatch<'_> {
    const SIZE: usize = 16 * 1024;

    fn push(&mut self, path: &Path) -> Result<(), workdist::SinkClosed> {
        self.writer.write(&mut self.buf, path);
        if self.buf.len() >= Self::SIZE {
            let out = self.buf.as_slice().to_vec();
            self.buf.clear();
            return self.tx.send(out);
        }
        Ok(())
    }
}

impl Drop for PathBatch<'_> {
    fn drop(&mut self) {
        let rest = self.buf.as_slice().to_vec();
        let _ = self.tx.send(rest);
    }
}

/// The files of an ordered run (`--sort`/`--sortr`, or one thread), in the
/// order they are searched and printed.
///
/// Ascending path order (and no sort) streams from the sequential walk,
/// which reads each directory sorted by name. Every other order needs the
/// whole list first, as in ripgrep: the walk is collected (its errors are
/// reported as they come), then sorted, descending by path, or by a file
/// time read with one `stat` per file *before* any file is searched
/// (searching reads a file and so moves its access time). Files whose time
/// cannot be read come last (first with `--sortr`); files with equal times
/// keep path order. The search itself stays parallel: these entries feed
/// [`par_map`] in this order.
fn ordered_walk(
    walk: &Discovery,
    config: &Config,
    msgs: &Diagnostics,
) -> Box<dyn Iterator<Item = Result<FileEntry, DiscoveryError>> + Send> {
    let Some(order) = config.sort_order else {
        return Box::new(walk.sorted());
    };
    let time: fn(&std::fs::Metadata) -> io::Result<SystemTime> = match order.key {
        SortKey::Path if !order.reverse => return Box::new(walk.sorted()),
        SortKey::Path => {
            let mut entries = collect_entries(walk, msgs);
            entries.sort_by(|a, b| b.display_path().cmp(a.display_path()));
            return Box::new(entries.into_iter().map(Ok));
        }
        SortKey::Modified => std::fs::Metadata::modified,
        SortKey::Accessed => std::fs::Metadata::accessed,
        SortKey::Created => std::fs::Metadata::created,
    };
    let mut timed: Vec<(FileEntry, Option<SystemTime>)> = collect_entries(walk, msgs)
        .into_iter()
        .map(|entry| {
            let t = if entry.is_stdin() {
                None
            } else {
                std::fs::metadata(entry.path()).and_then(|m| time(&m)).ok()
            };
            (entry, t)
        })
        .collect();
    // A stable sort: equal times keep the walk's path order.
    timed.sort_by(|(_, a), (_, b)| {
        let ord = match (a, b) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        if order.reverse { ord.reverse() } else { ord }
    });
    Box::new(timed.into_iter().map(|(entry, _)| Ok(entry)))
}

/// Every file of the walk, its errors reported on the way.
fn collect_entries(walk: &Discovery, msgs: &Diagnostics) -> Vec<FileEntry> {
    walk.sorted()
        .filter_map(|item| item.map_err(|err| msgs.error(err)).ok())
        .collect()
}

/// ripgrep's check before sorting by a file time: fail at once, naming the
/// time, where this system cannot tell it (tried on our own executable)
/// rather than print an unsorted result.
fn check_sort_supported(config: &Config) -> anyhow::Result<()> {
    let Some(order) = config.sort_order else {
        return Ok(());
    };
    let (time, what): (fn(&std::fs::Metadata) -> io::Result<SystemTime>, _) = match order.key {
        SortKey::Path => return Ok(()),
        SortKey::Modified => (std::fs::Metadata::modified, "last modified"),
        SortKey::Accessed => (std::fs::Metadata::accessed, "last accessed"),
        SortKey::Created => (std::fs::Metadata::created, "creation time"),
    };
    let probe = std::env::current_exe()
        .and_then(|p| p.metadata())
        .and_then(|m| time(&m));
    match probe {
        Ok(_) => Ok(()),
        Err(err) => anyhow::bail!("sorting by {what} isn't supported: {err}"),
    }
}

/// `--type-list`.
fn list_types(config: &Config) -> anyhow::Result<ExitStatus> {
    let defs = workdist::discover::type_definitions(&config.discovery.types)?;
    let mut out = Vec::new();
    for (name, globs) in &defs {
        writeln!(out, "{name}: {}", globs.join(", "))?;
    }
    write_stdout(&out)?;
    Ok(if defs.is_empty() {
        ExitStatus::NotFound
    } else {
        ExitStatus::Found
    })
}
