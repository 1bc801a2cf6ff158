//! Matching, searching and printing one file.
//!
//! The engine is the grep crate family that ripgrep is built from:
//! `grep-regex` compiles the patterns (with literal prefilters and the
//! line-terminator tricks that make line search fast), `grep-searcher` finds
//! matching lines in a file or a buffer (binary detection, BOM sniffing and
//! transcoding, context, multiline, a bounded read buffer; never a memory
//! map, see [`build_searcher`]), and `grep-printer` renders results
//! in ripgrep's exact formats (standard, summary and JSON Lines). Using them
//! means pgrep-lite's output is ripgrep's output byte for byte, which is
//! what scripts and editors that parse it need.
//!
//! A [`Worker`] owns one matcher, searcher and printer and is reused for
//! every file a thread handles. A file's results land in the worker's
//! [`Output`]: small outputs (nearly all) are handed to the single writer
//! as one record when the file ends; one that grows past [`STREAM_AT`] is
//! streamed to the writer while the file is searched, holding the writer so
//! that files still never interleave. Nothing here touches standard output
//! directly.
//!
//! How a file's bytes reach the searcher decides a few details of the
//! output, as in ripgrep: read through the bounded buffer (the default,
//! `--no-mmap`), binary data is noticed anywhere in the file; searched as
//! one slice (`--mmap`, which ripgrep does through a memory map and
//! pgrep-lite by reading the file whole, see [`build_searcher`]), only in
//! its first 64 KiB and in the lines that match. A `--pre` or `-z`
//! command's output is always read ([`crate::input`]).

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use grep_printer::{
    JSON, JSONBuilder, Standard, StandardBuilder, Stats, Summary, SummaryBuilder, SummaryKind,
};
use grep_searcher::{MmapChoice, Searcher, SearcherBuilder};
use termcolor::{Ansi, ColorSpec, HyperlinkSpec, WriteColor};
use workdist::{Buffering, FileEntry, SinkSender, SinkStream, Turns};

use crate::config::{Config, SearchMode};
use crate::input::{EncodingChoice, Input, StandIn};
use crate::matcher::PatternMatcher;

/// The largest file `--mmap` holds whole (ripgrep's map output); a larger
/// one is read through the bounded buffer, so that `--mmap` never holds
/// more than this per thread (a 12 GB file would be 12 GB of heap, where
/// ripgrep's map is reclaimable page cache). The outputs differ only in
/// where binary data is noticed.
pub const MMAP_WHOLE_MAX: u64 = 64 << 20;

/// Heap a worker may use for one file: the longest line it buffers (or, with
/// -U, the whole file). A file that needs more is searched again without the
/// limit, so the common case keeps every worker small and the rare 200 MB
/// line is still found. 16 MiB: far above any line in source code.
pub const HEAP_LIMIT: usize = 16 << 20;

/// Once this much of one file's output is waiting, it goes to the writer in
/// pieces instead of being held whole (`pgrep-lite abc BIG | head -1` used
/// to build all of BIG's output in memory before printing its first line).
pub const STREAM_AT: usize = 64 << 10;

/// The searcher for a configuration (binary policy is set per file), with
/// the per-worker heap limit unless `unlimited`.
///
/// Files are always read, never memory-mapped: a file truncated by another
/// process while its map is read raises SIGBUS, which kills the whole run
/// (ripgrep has this bug). Read, a shrinking file just ends early (and is
/// reported, see [`search_path`]). By default a file is read through a
/// reused bounded buffer; with `--mmap` it is read whole into memory and
/// searched as one slice, which gives ripgrep's memory-map output. Reading
/// costs a copy; BENCHMARKS.md has the measured price.
pub fn build_searcher(config: &Config, unlimited: bool) -> Searcher {
    let mut b = searcher_builder(config);
    if unlimited {
        b.heap_limit(None);
    }
    b.build()
}

fn searcher_builder(config: &Config) -> SearcherBuilder {
    let mut b = SearcherBuilder::new();
    // ripgrep's precedence: --crlf over --null-data.
    let term = if config.crlf {
        grep_matcher::LineTerminator::crlf()
    } else if config.null_data {
        grep_matcher::LineTerminator::byte(b'\x00')
    } else {
        grep_matcher::LineTerminator::byte(b'\n')
    };
    b.line_terminator(term)
        .invert_match(config.invert_match)
        .line_number(config.line_number)
        .multi_line(config.multiline)
        .max_matches(config.max_count)
        .stop_on_nonmatch(config.stop_on_nonmatch)
        .memory_map(MmapChoice::never())
        .heap_limit(Some(HEAP_LIMIT));
    // The label was checked when the flags were read (crate::input::check).
    match crate::input::encoding(config.encoding.as_deref()) {
        Ok(EncodingChoice::Auto) | Err(_) => {}
        Ok(EncodingChoice::Raw) => {
            b.bom_sniffing(false);
        }
        Ok(EncodingChoice::Label(enc)) => {
            b.encoding(Some(enc));
        }
    }
    if config.passthru {
        b.passthru(true);
    } else {
        b.before_context(config.before_context)
            .after_context(config.after_context);
    }
    b
}

/// True for grep-searcher's "configured allocation limit exceeded" error.
fn is_heap_limit(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::Other && err.to_string().contains("configured allocation limit")
}

/// The error a search ends with when its output was closed (a broken pipe,
/// or an ordered run that stopped): not a problem of the file.
#[derive(Debug, thiserror::Error)]
#[error("the output has been closed")]
struct OutputClosed;

fn output_closed() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, OutputClosed)
}

/// True if a search stopped because its output was closed.
pub fn is_output_closed(err: &io::Error) -> bool {
    err.get_ref().is_some_and(|e| e.is::<OutputClosed>())
}

/// Where the printers write: a buffer holding the current file's output,
/// handed to the writer in pieces once it grows past [`STREAM_AT`] when the
/// worker was given a writer ([`Worker::stream_to`]); whole otherwise.
pub struct Output {
    buf: Vec<u8>,
    color: bool,
    stream: Option<StreamTo>,
    /// Bytes of the current file already handed over.
    sent: u64,
    /// Bytes still to drop: a file searched a second time (over the heap
    /// limit) prints again what the first pass already handed over.
    skip: u64,
    /// Hand over every complete line (standard input with line buffering:
    /// `tail -f log | pgrep-lite x` must print as lines arrive).
    per_line: bool,
    /// Every byte the printer has written, for [`Lines`] to see whether a
    /// file's output began before its last step.
    written: Arc<AtomicU64>,
}

struct StreamTo {
    tx: SinkSender,
    /// In an ordered run: the turns, and this file's place in them.
    turns: Option<Arc<Turns>>,
    position: u64,
    open: Option<SinkStream>,
}

impl Output {
    fn new(color: bool) -> Output {
        Output {
            buf: Vec::new(),
            color,
            stream: None,
            sent: 0,
            skip: 0,
            per_line: false,
            written: Arc::new(AtomicU64::new(0)),
        }
    }

    /// After every write: drop what a second pass repeats, and hand the
    /// buffer over if it is time.
    fn settle(&mut self) -> io::Result<()> {
        if self.skip > 0 {
            let n = self
                .buf
                .len()
                .min(usize::try_from(self.skip).unwrap_or(usize::MAX));
            self.buf.drain(..n);
            self.skip -= n as u64;
        }
        if self.stream.is_some()
            && (self.buf.len() >= STREAM_AT || (self.per_line && self.buf.last() == Some(&b'\n')))
        {
            self.hand_over()?;
        }
        Ok(())
    }

    fn hand_over(&mut self) -> io::Result<()> {
        let Some(to) = &mut self.stream else {
            return Ok(());
        };
        if self.buf.is_empty() {
            return Ok(());
        }
        let open = match &mut to.open {
            Some(open) => open,
            None => {
                if let Some(turns) = &to.turns
                    && !turns.wait_for(to.position)
                {
                    return Err(output_closed());
                }
                to.open.insert(to.tx.stream().map_err(|_| output_closed())?)
            }
        };
        let piece = std::mem::replace(&mut self.buf, Vec::with_capacity(STREAM_AT + 1024));
        self.sent += piece.len() as u64;
        open.send(piece).map_err(|_| output_closed())
    }

    /// The search starts the file again: what was handed over is not
    /// printed twice.
    fn restart(&mut self) {
        self.buf.clear();
        self.skip = self.sent;
    }

    /// End the current file. If part of its output was streamed, the rest
    /// follows the same way (when `keep`) and nothing is returned; otherwise
    /// the whole output is returned (empty unless `keep`).
    fn end_file(&mut self, keep: bool) -> Vec<u8> {
        self.sent = 0;
        self.skip = 0;
        self.per_line = false;
        let rest = std::mem::take(&mut self.buf);
        match self.stream.as_mut().and_then(|to| to.open.take()) {
            Some(mut open) => {
                if keep {
                    // A closed output shows in the sink's own state.
                    let _ = open.send(rest);
                }
                Vec::new()
            }
            None if keep => rest,
            None => Vec::new(),
        }
    }
}

impl io::Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        // Only this worker writes: a plain load and store, no locked add.
        let n = self.written.load(AtomicOrdering::Relaxed);
        self.written
            .store(n + bytes.len() as u64, AtomicOrdering::Relaxed);
        self.buf.extend_from_slice(bytes);
        self.settle()?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl WriteColor for Output {
    fn supports_color(&self) -> bool {
        self.color
    }

    fn supports_hyperlinks(&self) -> bool {
        self.color
    }

    fn set_color(&mut self, spec: &ColorSpec) -> io::Result<()> {
        if self.color {
            Ansi::new(&mut self.buf).set_color(spec)?;
            self.settle()?;
        }
        Ok(())
    }

    fn set_hyperlink(&mut self, link: &HyperlinkSpec) -> io::Result<()> {
        if self.color {
            Ansi::new(&mut self.buf).set_hyperlink(link)?;
            self.settle()?;
        }
        Ok(())
    }

    fn reset(&mut self) -> io::Result<()> {
        if self.color {
            Ansi::new(&mut self.buf).reset()?;
            self.settle()?;
        }
        Ok(())
    }
}

/// One of grep-printer's three printers, writing into an [`Output`].
pub enum Printer {
    Standard(Standard<Output>),
    Summary(Summary<Output>),
    Json(JSON<Output>),
}

impl Printer {
    pub fn new(config: &Config, mode: SearchMode) -> Printer {
        let buf = Output::new(config.color);
        let summary = |kind: SummaryKind| -> Printer {
            Printer::Summary(
                SummaryBuilder::new()
                    .color_specs(config.color_specs.clone())
                    .exclude_zero(!config.include_zero)
                    .hyperlink(config.hyperlink.clone())
                    .kind(kind)
                    .path(config.with_filename)
                    .path_terminator(config.path_terminator)
                    .separator_field(b":".to_vec())
                    .separator_path(config.path_separator)
                    .stats(config.stats)
                    .build(Output::new(config.color)),
            )
        };
        if config.quiet {
            return summary(if mode == SearchMode::FilesWithoutMatch {
                SummaryKind::QuietWithoutMatch
            } else {
                SummaryKind::QuietWithMatch
            });
        }
        match mode {
            SearchMode::FilesWithMatches => summary(SummaryKind::PathWithMatch),
            SearchMode::FilesWithoutMatch => summary(SummaryKind::PathWithoutMatch),
            SearchMode::Count => summary(SummaryKind::Count),
            SearchMode::CountMatches => summary(SummaryKind::CountMatches),
            SearchMode::Json => Printer::Json(
                JSONBuilder::new()
                    .pretty(false)
                    .always_begin_end(false)
                    .replacement(config.replace.clone())
                    .build(buf),
            ),
            SearchMode::Standard => Printer::Standard(
                StandardBuilder::new()
                    .byte_offset(config.byte_offset)
                    .color_specs(config.color_specs.clone())
                    .column(config.column)
                    .heading(config.heading)
                    .hyperlink(config.hyperlink.clone())
                    .max_columns(config.max_columns)
                    .max_columns_preview(config.max_columns_preview)
                    .only_matching(config.only_matching)
                    .path(config.with_filename)
                    .path_terminator(config.path_terminator)
                    .per_match(config.vimgrep)
                    .per_match_one_line(true)
                    .replacement(config.replace.clone())
                    .separator_context(config.context_separator.clone())
                    .separator_field_context(config.field_context_separator.clone())
                    .separator_field_match(config.field_match_separator.clone())
                    .separator_path(config.path_separator)
                    .stats(config.stats)
                    .trim_ascii(config.trim)
                    .build(buf),
            ),
        }
    }

    fn output(&mut self) -> &mut Output {
        match self {
            Printer::Standard(p) => p.get_mut(),
            Printer::Summary(p) => p.get_mut(),
            Printer::Json(p) => p.get_mut(),
        }
    }
}

/// What searching one file found.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub has_match: bool,
    pub stats: Option<Stats>,
    /// The standard printer printed a line (a match or context) for this
    /// file, not only "binary file matches". With one thread (and so with
    /// `--sort`) ripgrep writes the separator between files only before a
    /// file's first line ([`Lines`]); an ordered run does the same.
    pub lines: bool,
}

/// A standard printer's sink, noting whether the printer wrote anything
/// before the file's last step: ripgrep's printer writes the file separator
/// (`--` with context, a blank line with headings) as part of a file's
/// first line, so a file whose only output is the "binary file matches"
/// note, written when the file ends, gets none. (A match in a binary file
/// reaches the sink without being printed, so counting calls would not do.)
struct Lines<S> {
    inner: S,
    written: Arc<AtomicU64>,
    start: u64,
    printed: bool,
}

impl<S: grep_searcher::Sink> grep_searcher::Sink for Lines<S> {
    type Error = S::Error;

    fn matched(
        &mut self,
        searcher: &Searcher,
        mat: &grep_searcher::SinkMatch<'_>,
    ) -> Result<bool, S::Error> {
        self.inner.matched(searcher, mat)
    }

    fn context(
        &mut self,
        searcher: &Searcher,
        context: &grep_searcher::SinkContext<'_>,
    ) -> Result<bool, S::Error> {
        self.inner.context(searcher, context)
    }

    fn context_break(&mut self, searcher: &Searcher) -> Result<bool, S::Error> {
        self.inner.context_break(searcher)
    }

    fn binary_data(&mut self, searcher: &Searcher, offset: u64) -> Result<bool, S::Error> {
        self.inner.binary_data(searcher, offset)
    }

    fn begin(&mut self, searcher: &Searcher) -> Result<bool, S::Error> {
        self.inner.begin(searcher)
    }

    fn finish(
        &mut self,
        searcher: &Searcher,
        finish: &grep_searcher::SinkFinish,
    ) -> Result<(), S::Error> {
        self.printed = self.written.load(AtomicOrdering::Relaxed) > self.start;
        self.inner.finish(searcher, finish)
    }
}

/// A matcher, a searcher and a printer: everything one thread needs to
/// search files one after the other.
pub struct Worker {
    matcher: PatternMatcher,
    searcher: Searcher,
    /// For files over the heap limit, standard input and commands' output,
    /// built for each use so that its buffers go when the search ends.
    unlimited: SearcherBuilder,
    printer: Printer,
    binary_explicit: grep_searcher::BinaryDetection,
    binary_implicit: grep_searcher::BinaryDetection,
    line_buffered: bool,
    /// `--mmap`: search each file as one slice.
    whole: bool,
    /// The file being searched as one slice (`--mmap`), reused.
    slice: Vec<u8>,
    /// `--pre` and `-z`.
    input: Input,
}

impl Worker {
    pub fn new(config: &Config, mode: SearchMode, matcher: PatternMatcher) -> Worker {
        let mut unlimited = searcher_builder(config);
        unlimited.heap_limit(None);
        Worker {
            matcher,
            searcher: build_searcher(config, false),
            unlimited,
            printer: Printer::new(config, mode),
            binary_explicit: config.binary_explicit.clone(),
            binary_implicit: config.binary_implicit.clone(),
            line_buffered: config.buffering == Buffering::Line,
            whole: config.mmap,
            slice: Vec::new(),
            input: Input::new(
                config.pre.as_deref(),
                &config.pre_globs,
                &config.cwd,
                config.search_zip,
            ),
        }
    }

    /// From now on, a file whose output grows past [`STREAM_AT`] hands it
    /// to `tx` in pieces while it is searched, holding the writer until the
    /// file ends. In an ordered run, `turns` says when the file's place has
    /// come (see [`Worker::set_position`]). Without this, a file's output is
    /// held whole until [`Worker::take_output`].
    pub fn stream_to(&mut self, tx: SinkSender, turns: Option<Arc<Turns>>) {
        self.printer.output().stream = Some(StreamTo {
            tx,
            turns,
            position: 0,
            open: None,
        });
    }

    /// The place of the next file in an ordered run.
    pub fn set_position(&mut self, position: u64) {
        if let Some(to) = &mut self.printer.output().stream {
            to.position = position;
        }
    }

    /// Search one file; its output is left in the worker's buffer (see
    /// [`Worker::take_output`] and [`Worker::end_file`]). An error concerns
    /// this file only, unless [`is_output_closed`] says the output went.
    pub fn search(&mut self, entry: &FileEntry) -> io::Result<FileOutcome> {
        if entry.is_stdin() {
            // Standard input cannot be read twice, so it gets no heap limit
            // (which only decides when a file is searched again): a line
            // longer than the limit is found, as in a file. It is never
            // searched as one slice, nor through --pre or -z (ripgrep
            // neither).
            self.printer.output().per_line = self.line_buffered;
            let stdin = io::stdin();
            let mut lock = stdin.lock();
            return self.search_source(
                entry.display_path(),
                Source::Reader(&mut lock),
                true,
                entry.is_explicit(),
            );
        }
        if !self.input.is_plain()
            && let Some(stand_in) = self.input.stand_in(entry.display_path(), entry.path())?
        {
            return self.search_stand_in(entry.display_path(), stand_in, entry.is_explicit());
        }
        self.search_file_at(entry.display_path(), entry.path(), entry.is_explicit())
    }

    /// Search the file at `open`, reporting it as `display`: as one slice
    /// with `--mmap`, else through the bounded reader. (`--pre` and `-z`
    /// are [`Worker::search`]'s.)
    pub fn search_file_at(
        &mut self,
        display: &Path,
        open: &Path,
        explicit: bool,
    ) -> io::Result<FileOutcome> {
        self.limited_then_unlimited(|w, unlimited| {
            w.search_file_once(display, open, unlimited, explicit)
        })
    }

    /// Run `search` within the heap limit, and if the file needs more,
    /// start it again without the limit; what the first pass already
    /// handed over is not printed twice.
    fn limited_then_unlimited(
        &mut self,
        mut search: impl FnMut(&mut Worker, bool) -> io::Result<FileOutcome>,
    ) -> io::Result<FileOutcome> {
        match search(self, false) {
            Err(err) if is_heap_limit(&err) => {
                self.printer.output().restart();
                search(self, true)
            }
            other => other,
        }
    }

    fn search_file_once(
        &mut self,
        display: &Path,
        open: &Path,
        unlimited: bool,
        explicit: bool,
    ) -> io::Result<FileOutcome> {
        if !self.whole {
            return self.search_source(display, Source::Path(open), unlimited, explicit);
        }
        let mut slice = std::mem::take(&mut self.slice);
        let result = self.search_source(
            display,
            Source::Whole(open, &mut slice),
            unlimited,
            explicit,
        );
        // A worker keeps no more than a limit's worth of slice between
        // files.
        if slice.capacity() <= HEAP_LIMIT {
            self.slice = slice;
        }
        result
    }

    /// Search a file's bytes already in memory (the daemon's), reported
    /// under `path`, exactly as [`Worker::search_file_at`] searches them
    /// on disk: through the searcher's reader by default, as one slice with
    /// `--mmap`. The two differ at the edges (binary data noticed in the
    /// whole file or only its start; grep-searcher 0.1.17: `-w '\W'` on a
    /// line starting with the byte 0xB4 matches in a slice, not when read;
    /// ripgrep's own --mmap and --no-mmap disagree there too), and the
    /// daemon promises one-shot's bytes.
    pub fn search_held(
        &mut self,
        path: &Path,
        bytes: &[u8],
        explicit: bool,
    ) -> io::Result<FileOutcome> {
        let whole = self.whole;
        self.limited_then_unlimited(|w, unlimited| {
            let mut reader = bytes;
            let source = if whole {
                Source::Slice(bytes)
            } else {
                Source::Reader(&mut reader)
            };
            w.search_source(path, source, unlimited, explicit)
        })
    }

    /// Search what a `--pre` or `-z` command prints for a file. Its output
    /// cannot be read twice, so it gets no heap limit (as standard input);
    /// a command that fails is the file's error, with what it said.
    fn search_stand_in(
        &mut self,
        display: &Path,
        mut stand_in: StandIn,
        explicit: bool,
    ) -> io::Result<FileOutcome> {
        let mut reader = self.input.spawn(&mut stand_in)?;
        let result = self
            .search_source(display, Source::Reader(&mut reader), true, explicit)
            .map_err(|err| {
                if is_output_closed(&err) {
                    err
                } else {
                    Input::read_failed(&stand_in, err)
                }
            });
        let closed = reader.close();
        let outcome = result?;
        closed?;
        Ok(outcome)
    }

    /// Named files are always searched to the end ("binary file matches");
    /// walked files are abandoned at the first NUL byte, as in ripgrep.
    fn search_source(
        &mut self,
        path: &Path,
        source: Source<'_>,
        unlimited: bool,
        explicit: bool,
    ) -> io::Result<FileOutcome> {
        let bin = if explicit {
            self.binary_explicit.clone()
        } else {
            self.binary_implicit.clone()
        };
        if unlimited {
            let mut searcher = self.unlimited.build();
            searcher.set_binary_detection(bin);
            search_with(
                &mut searcher,
                &self.matcher,
                &mut self.printer,
                path,
                source,
            )
        } else {
            self.searcher.set_binary_detection(bin);
            search_with(
                &mut self.searcher,
                &self.matcher,
                &mut self.printer,
                path,
                source,
            )
        }
    }

    /// Take what the last searches printed, leaving the buffer empty.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.printer.output().end_file(true)
    }

    /// End the file just searched (`ok`: its search succeeded). If part of
    /// its output was already streamed, the rest follows it and nothing is
    /// returned; otherwise its whole output is returned, to be sent as one
    /// record. A failed file's unsent output is dropped: a partial block
    /// would look like a complete one.
    pub fn end_file(&mut self, ok: bool) -> Vec<u8> {
        self.printer.output().end_file(ok)
    }
}

fn search_with(
    searcher: &mut Searcher,
    matcher: &PatternMatcher,
    printer: &mut Printer,
    path: &Path,
    source: Source<'_>,
) -> io::Result<FileOutcome> {
    match printer {
        Printer::Standard(p) => {
            let written = Arc::clone(&p.get_mut().written);
            let mut sink = p.sink_with_path(matcher, path);
            let mut lines = Lines {
                inner: &mut sink,
                start: written.load(AtomicOrdering::Relaxed),
                written,
                printed: false,
            };
            source.search(searcher, matcher, &mut lines)?;
            let lines = lines.printed;
            Ok(FileOutcome {
                has_match: sink.has_match(),
                stats: sink.stats().cloned(),
                lines,
            })
        }
        Printer::Summary(p) => {
            let mut sink = p.sink_with_path(matcher, path);
            source.search(searcher, matcher, &mut sink)?;
            Ok(FileOutcome {
                has_match: sink.has_match(),
                stats: sink.stats().cloned(),
                lines: true,
            })
        }
        Printer::Json(p) => {
            let mut sink = p.sink_with_path(matcher, path);
            source.search(searcher, matcher, &mut sink)?;
            Ok(FileOutcome {
                has_match: sink.has_match(),
                stats: Some(sink.stats().clone()),
                lines: true,
            })
        }
    }
}

/// Where the bytes of one search come from.
enum Source<'a> {
    /// A file, read through the searcher's bounded buffer.
    Path(&'a Path),
    /// A file, read whole into the buffer given and searched as one slice
    /// (`--mmap`).
    Whole(&'a Path, &'a mut Vec<u8>),
    Reader(&'a mut dyn io::Read),
    Slice(&'a [u8]),
}

impl Source<'_> {
    fn search<S: grep_searcher::Sink<Error = io::Error>>(
        self,
        searcher: &mut Searcher,
        matcher: &PatternMatcher,
        sink: S,
    ) -> io::Result<()> {
        match self {
            Source::Path(p) => search_path(searcher, matcher, p, sink),
            Source::Whole(p, buf) => search_whole(searcher, matcher, p, buf, sink),
            Source::Reader(r) => searcher.search_reader(matcher, r, sink),
            Source::Slice(s) => searcher.search_slice(matcher, s, sink),
        }
    }
}

/// Search a file by reading it (what `Searcher::search_path` does without
/// memory maps), and say so if it shrank meanwhile: its output is then
/// incomplete, which is that file's error. Shrank means read to its end
/// short of the size it had when opened, and smaller now (a file in /sys
/// claims 4096 bytes and holds fewer, every time).
fn search_path<S: grep_searcher::Sink<Error = io::Error>>(
    searcher: &mut Searcher,
    matcher: &PatternMatcher,
    path: &Path,
    sink: S,
) -> io::Result<()> {
    let file = std::fs::File::open(path)?;
    let size = regular_size(&file);
    search_opened(searcher, matcher, &file, size, sink)
}

fn search_opened<S: grep_searcher::Sink<Error = io::Error>>(
    searcher: &mut Searcher,
    matcher: &PatternMatcher,
    file: &std::fs::File,
    size: Option<u64>,
    sink: S,
) -> io::Result<()> {
    let mut counted = Counted {
        file,
        read: 0,
        at_end: false,
    };
    searcher.search_reader(matcher, &mut counted, sink)?;
    if let Some(size) = size
        && counted.at_end
        && counted.read < size
    {
        check_shrank(file, counted.read, size)?;
    }
    Ok(())
}

/// The size of an open regular file.
fn regular_size(file: &std::fs::File) -> Option<u64> {
    file.metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
}

/// After reading `read` bytes of a file that had `size` when opened and
/// then ended: an error if it is smaller now.
fn check_shrank(file: &std::fs::File, read: u64, size: u64) -> io::Result<()> {
    if file.metadata().is_ok_and(|m| m.len() < size) {
        return Err(io::Error::other(format!(
            "the file shrank while it was searched ({read} of its {size} bytes read); \
             its output is incomplete"
        )));
    }
    Ok(())
}

/// `--mmap`: read a regular file whole (the size it had when opened, as a
/// memory map would see it) and search it as one slice. Where ripgrep's map
/// fails and it reads instead (an empty size, as /proc files claim; not a
/// regular file), so does this. A file that shrinks while it is read is
/// reported as by [`search_path`] (a memory map would raise SIGBUS).
fn search_whole<S: grep_searcher::Sink<Error = io::Error>>(
    searcher: &mut Searcher,
    matcher: &PatternMatcher,
    path: &Path,
    buf: &mut Vec<u8>,
    sink: S,
) -> io::Result<()> {
    use std::io::Read as _;

    let file = std::fs::File::open(path)?;
    let size = regular_size(&file);
    // Larger files are read through the bounded buffer: a map's pages are
    // the page cache's, ours would be this process's heap, per thread.
    let Some(len) = size.filter(|&len| len > 0 && len <= MMAP_WHOLE_MAX) else {
        return search_opened(searcher, matcher, &file, size, sink);
    };
    buf.clear();
    let want = usize::try_from(len)
        .ok()
        .filter(|&want| buf.try_reserve_exact(want).is_ok())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::OutOfMemory,
                format!("--mmap: cannot hold the file's {len} bytes in memory"),
            )
        })?;
    (&file).take(len).read_to_end(buf)?;
    if buf.len() < want {
        check_shrank(&file, buf.len() as u64, len)?;
    }
    searcher.search_slice(matcher, buf, sink)
}

/// A file read, counting the bytes and noting the end.
struct Counted<'a> {
    file: &'a std::fs::File,
    read: u64,
    at_end: bool,
}

impl io::Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = io::Read::read(&mut self.file, buf)?;
        self.read += n as u64;
        if n == 0 && !buf.is_empty() {
            self.at_end = true;
        }
        Ok(n)
    }
}
