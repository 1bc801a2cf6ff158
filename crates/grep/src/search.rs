//! Matching, searching and printing one file into a buffer.
//!
//! The engine is the grep crate family that ripgrep is built from:
//! `grep-regex` compiles the patterns (with literal prefilters and the
//! line-terminator tricks that make line search fast), `grep-searcher` finds
//! matching lines in a file or a buffer (binary detection, BOM sniffing and
//! UTF-16 transcoding, context, multiline, memory maps for a few named files,
//! a bounded read buffer for everything else), and `grep-printer` renders
//! results in ripgrep's exact formats (standard, summary and JSON Lines).
//! Using them means pgrep-lite's output is ripgrep's output byte for byte,
//! which is what scripts and editors that parse it need.
//!
//! A [`Worker`] owns one matcher, searcher and printer and is reused for
//! every file a thread handles: each file's results land in the worker's
//! buffer, which the caller then hands to the single writer as one record.
//! Nothing here touches standard output.

use std::io;
use std::path::Path;

use grep_printer::{
    JSON, JSONBuilder, Standard, StandardBuilder, Stats, Summary, SummaryBuilder, SummaryKind,
};
use grep_regex::{RegexMatcher, RegexMatcherBuilder};
use grep_searcher::{MmapChoice, Searcher, SearcherBuilder};
use termcolor::Buffer;
use workdist::FileEntry;

use crate::config::{CaseMode, Config, SearchMode};

/// Compile the patterns. An invalid regex is a fatal error whose message
/// shows the pattern and points at the offending position.
pub fn build_matcher(config: &Config) -> anyhow::Result<RegexMatcher> {
    let mut b = RegexMatcherBuilder::new();
    b.multi_line(true)
        .unicode(true)
        .octal(false)
        .fixed_strings(config.fixed_strings);
    match config.case {
        CaseMode::Sensitive => b.case_insensitive(false),
        CaseMode::Insensitive => b.case_insensitive(true),
        CaseMode::Smart => b.case_smart(true),
    };
    if config.word {
        b.word(true);
    } else if config.line {
        b.whole_line(true);
    }
    if config.multiline {
        b.dot_matches_new_line(config.multiline_dotall);
        if config.crlf {
            b.crlf(true).line_terminator(None);
        }
    } else {
        b.line_terminator(Some(b'\n')).dot_matches_new_line(false);
        if config.crlf {
            b.crlf(true);
        }
    }
    if config.binary_implicit != grep_searcher::BinaryDetection::none() {
        b.ban_byte(Some(b'\x00'));
    }
    b.build_many(&config.patterns).map_err(|err| {
        let msg = err.to_string();
        if !config.multiline && msg.contains("the literal") && msg.contains("\\n") {
            anyhow::anyhow!("{msg}\n\nConsider enabling multiline mode with -U/--multiline.")
        } else {
            anyhow::anyhow!("{msg}")
        }
    })
}

/// Heap a worker may use for one file: the longest line it buffers (or, with
/// -U, the whole file). A file that needs more is searched again through a
/// memory map, so a 200 MB line or a 2 GB multiline search costs address
/// space backed by the page cache, not heap. 16 MiB: far above any line in
/// source code, small enough that every worker together stays small.
pub const HEAP_LIMIT: usize = 16 << 20;

/// The searcher for a configuration (binary policy is set per file).
/// `fallback` builds the one used for files over [`HEAP_LIMIT`]: memory
/// mapped when possible and without a heap limit.
pub fn build_searcher(config: &Config, fallback: bool) -> Searcher {
    let mut b = SearcherBuilder::new();
    let term = if config.crlf {
        grep_matcher::LineTerminator::crlf()
    } else {
        grep_matcher::LineTerminator::byte(b'\n')
    };
    b.line_terminator(term)
        .invert_match(config.invert_match)
        .line_number(config.line_number)
        .multi_line(config.multiline)
        .max_matches(config.max_count);
    if config.passthru {
        b.passthru(true);
    } else {
        b.before_context(config.before_context)
            .after_context(config.after_context);
    }
    if config.mmap || fallback {
        // `config.mmap` is set when at most ten regular files were named
        // (ripgrep's rule): mapping is faster there; everywhere else a
        // streaming read is, except for the rare file over the heap limit.
        b.memory_map(mmap_auto());
    } else {
        b.memory_map(MmapChoice::never());
    }
    if !fallback {
        b.heap_limit(Some(HEAP_LIMIT));
    }
    b.build()
}

#[allow(unsafe_code)]
fn mmap_auto() -> MmapChoice {
    // SAFETY: the mapped bytes are only read while the search runs and never
    // stored; the remaining hazard (SIGBUS if another process truncates the
    // file meanwhile) is the one ripgrep accepts for named files. We accept
    // it for those and for files over the heap limit only.
    unsafe { MmapChoice::auto() }
}

/// True for grep-searcher's "configured allocation limit exceeded" error.
fn is_heap_limit(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::Other && err.to_string().contains("configured allocation limit")
}

/// One of grep-printer's three printers, writing into a buffer.
pub enum Printer {
    Standard(Standard<Buffer>),
    Summary(Summary<Buffer>),
    Json(JSON<Buffer>),
}

impl Printer {
    pub fn new(config: &Config, mode: SearchMode) -> Printer {
        let buf = if config.color {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        let summary = |kind: SummaryKind| -> Printer {
            Printer::Summary(
                SummaryBuilder::new()
                    .color_specs(config.color_specs.clone())
                    .exclude_zero(!config.include_zero)
                    .kind(kind)
                    .path(config.with_filename)
                    .path_terminator(config.path_terminator)
                    .separator_field(b":".to_vec())
                    .stats(config.stats)
                    .build(buf.clone()),
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
                    .stats(config.stats)
                    .trim_ascii(config.trim)
                    .build(buf),
            ),
        }
    }

    fn buffer(&mut self) -> &mut Buffer {
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
}

/// A matcher, a searcher and a printer: everything one thread needs to
/// search files one after the other.
pub struct Worker {
    matcher: RegexMatcher,
    searcher: Searcher,
    /// For files over the heap limit.
    big: Searcher,
    printer: Printer,
    binary_explicit: grep_searcher::BinaryDetection,
    binary_implicit: grep_searcher::BinaryDetection,
}

impl Worker {
    pub fn new(config: &Config, mode: SearchMode, matcher: RegexMatcher) -> Worker {
        Worker {
            matcher,
            searcher: build_searcher(config, false),
            big: build_searcher(config, true),
            printer: Printer::new(config, mode),
            binary_explicit: config.binary_explicit.clone(),
            binary_implicit: config.binary_implicit.clone(),
        }
    }

    /// Search one file; its output is left in the worker's buffer (see
    /// [`Worker::take_output`]). An error concerns this file only.
    pub fn search(&mut self, entry: &FileEntry) -> io::Result<FileOutcome> {
        if entry.is_stdin() {
            self.set_binary(entry.is_explicit());
            let stdin = io::stdin();
            let mut lock = stdin.lock();
            return self.search_source(entry.display_path(), Source::Reader(&mut lock));
        }
        self.search_file_at(entry.display_path(), entry.path(), entry.is_explicit())
    }

    /// Search the file at `open`, reporting it as `display`.
    pub fn search_file_at(
        &mut self,
        display: &Path,
        open: &Path,
        explicit: bool,
    ) -> io::Result<FileOutcome> {
        self.set_binary(explicit);
        match self.search_source(display, Source::Path(open)) {
            Err(err) if is_heap_limit(&err) => {
                // Start the file again, from an empty buffer, through the
                // memory-mapped searcher.
                self.printer.buffer().clear();
                std::mem::swap(&mut self.searcher, &mut self.big);
                self.set_binary(explicit);
                let result = self.search_source(display, Source::Path(open));
                std::mem::swap(&mut self.searcher, &mut self.big);
                result
            }
            other => other,
        }
    }

    /// Search bytes already in memory, reported under `path`.
    pub fn search_slice(
        &mut self,
        path: &Path,
        bytes: &[u8],
        explicit: bool,
    ) -> io::Result<FileOutcome> {
        self.set_binary(explicit);
        self.search_source(path, Source::Slice(bytes))
    }

    /// Named files are always searched to the end ("binary file matches");
    /// walked files are abandoned at the first NUL byte, as in ripgrep.
    fn set_binary(&mut self, explicit: bool) {
        let bin = if explicit {
            self.binary_explicit.clone()
        } else {
            self.binary_implicit.clone()
        };
        self.searcher.set_binary_detection(bin);
    }

    fn search_source(&mut self, path: &Path, source: Source<'_>) -> io::Result<FileOutcome> {
        let matcher = &self.matcher;
        let searcher = &mut self.searcher;
        match &mut self.printer {
            Printer::Standard(p) => {
                let mut sink = p.sink_with_path(matcher, path);
                source.search(searcher, matcher, &mut sink)?;
                Ok(FileOutcome {
                    has_match: sink.has_match(),
                    stats: sink.stats().cloned(),
                })
            }
            Printer::Summary(p) => {
                let mut sink = p.sink_with_path(matcher, path);
                source.search(searcher, matcher, &mut sink)?;
                Ok(FileOutcome {
                    has_match: sink.has_match(),
                    stats: sink.stats().cloned(),
                })
            }
            Printer::Json(p) => {
                let mut sink = p.sink_with_path(matcher, path);
                source.search(searcher, matcher, &mut sink)?;
                Ok(FileOutcome {
                    has_match: sink.has_match(),
                    stats: Some(sink.stats().clone()),
                })
            }
        }
    }

    /// Take what the last searches printed, leaving the buffer empty.
    pub fn take_output(&mut self) -> Vec<u8> {
        let buf = self.printer.buffer();
        let out = buf.as_slice().to_vec();
        buf.clear();
        out
    }
}

/// Where the bytes of one search come from.
enum Source<'a> {
    Path(&'a Path),
    Reader(&'a mut dyn io::Read),
    Slice(&'a [u8]),
}

impl Source<'_> {
    fn search<S: grep_searcher::Sink<Error = io::Error>>(
        self,
        searcher: &mut Searcher,
        matcher: &RegexMatcher,
        sink: S,
    ) -> io::Result<()> {
        match self {
            Source::Path(p) => searcher.search_path(matcher, p, sink),
            Source::Reader(r) => searcher.search_reader(matcher, r, sink),
            Source::Slice(b) => searcher.search_slice(matcher, b, sink),
        }
    }
}
