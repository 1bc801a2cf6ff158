//! From parsed flags to one resolved configuration.
//!
//! clap gives us what the user typed; this module decides what it means, in
//! one place, with ripgrep's rules: which positional is the pattern, whether
//! to read standard input, when to print file names, line numbers, headings
//! and colour, which binary-file policy applies to walked and to named files,
//! and how many threads to use. Everything downstream (matcher, searcher,
//! printer, walk) reads a [`Config`] and never looks at flags again.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{ArgMatches, CommandFactory, FromArgMatches, ValueEnum};
use grep_printer::{ColorSpecs, UserColorSpec};
use grep_searcher::BinaryDetection;
use workdist::color::{self, When};
use workdist::{Buffering, DiscoveryOptions, TypeChange};

use crate::cli::{Cli, ColorWhen, DaemonAction, DaemonVerb, Engine, Generate, SortBy};

/// What a run does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Search(SearchMode),
    /// `--files`: list what would be searched.
    Files,
    /// `--type-list`.
    Types,
    /// `--generate`.
    Generate(Generate),
    /// `--daemon start|stop|status|list`.
    Daemon(DaemonAction),
    /// `--pcre2-version`.
    Pcre2Version,
}

/// What `--sort`/`--sortr` order files by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Path,
    Modified,
    Accessed,
    Created,
}

/// `--sort KEY` (ascending) or `--sortr KEY` (descending).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortOrder {
    pub key: SortKey,
    pub reverse: bool,
}

/// How search results are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchMode {
    Standard,
    Count,
    CountMatches,
    FilesWithMatches,
    FilesWithoutMatch,
    Json,
}

/// How pgrep-lite names itself in its messages. Linked or installed as
/// `rg`, it is a drop-in ripgrep: messages start `rg:` and call it
/// ripgrep, as ripgrep's own do, for the scripts and editors that read
/// them. Under any other name it is pgrep-lite, and a fatal error is one
/// `error:` line (the workspace's convention).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Voice {
    /// The prefix of every message about part of a run (`NAME: PATH: ...`).
    pub name: &'static str,
    /// The name in sentences ("which means pgrep-lite probably ...").
    pub long: &'static str,
    /// Whether this is ripgrep's voice.
    pub ripgrep: bool,
}

impl Voice {
    pub const PGREP_LITE: Voice = Voice {
        name: "pgrep-lite",
        long: "pgrep-lite",
        ripgrep: false,
    };
    pub const RIPGREP: Voice = Voice {
        name: "rg",
        long: "ripgrep",
        ripgrep: true,
    };

    /// The voice for a program invoked as `argv0`.
    pub fn of(argv0: Option<&std::ffi::OsStr>) -> Voice {
        let name = argv0.map(Path::new).and_then(Path::file_stem);
        if name.is_some_and(|n| n == "rg") {
            Voice::RIPGREP
        } else {
            Voice::PGREP_LITE
        }
    }

    /// ripgrep's message when a search with no path searched nothing (an
    /// error: the exit status is 2).
    pub fn nothing_searched(self) -> String {
        format!(
            "No files were searched, which means {} probably applied a filter you didn't \
             expect.\nRunning with --debug will show why files are being skipped.",
            self.long
        )
    }

    /// A fatal error, in one line (ripgrep's form in ripgrep's voice).
    pub fn fatal(self, err: &anyhow::Error) -> String {
        match (self.ripgrep, err.downcast_ref::<FlagValue>()) {
            (true, Some(fv)) => format!("rg: error parsing flag {}: {}", fv.flag, fv.msg),
            (true, None) => format!("rg: {err:#}"),
            (false, _) => format!("error: {err:#}"),
        }
    }
}

/// A flag whose value does not mean anything.
#[derive(Debug, thiserror::Error)]
#[error("invalid value for {flag}: {msg}")]
pub struct FlagValue {
    pub flag: &'static str,
    pub msg: String,
}

/// `-i`, `-s`, `-S`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseMode {
    Sensitive,
    Insensitive,
    Smart,
}

/// The resolved configuration of one run.
#[derive(Clone, Debug)]
pub struct Config {
    pub mode: Mode,
    /// How messages name the program (from the name it was run as).
    pub voice: Voice,
    pub patterns: Vec<String>,
    pub paths: Vec<PathBuf>,
    /// No path was given and the current directory is searched.
    pub implicit_path: bool,
    /// Exactly one file (or stdin) is searched: no file names by default.
    pub is_one_file: bool,
    pub cwd: PathBuf,

    // matcher
    pub case: CaseMode,
    pub fixed_strings: bool,
    pub word: bool,
    pub line: bool,
    pub multiline: bool,
    pub multiline_dotall: bool,
    pub crlf: bool,
    /// `-P`/`--engine`.
    pub engine: Engine,
    /// False with `--no-unicode`.
    pub unicode: bool,
    pub dfa_size_limit: Option<u64>,
    pub regex_size_limit: Option<u64>,

    // input
    /// `--null-data`: records end at NUL, not newline (implies --text).
    pub null_data: bool,
    /// `-E`: decode from this encoding label (`none`: raw bytes, no BOM
    /// sniffing); None: UTF-8 with UTF-16 BOM sniffing.
    pub encoding: Option<String>,
    /// `-z`.
    pub search_zip: bool,
    /// `--pre` and its `--pre-glob`s.
    pub pre: Option<PathBuf>,
    pub pre_globs: Vec<String>,
    /// `--mmap`: search each file as one slice (ripgrep's memory-map
    /// output).
    pub mmap: bool,
    pub stop_on_nonmatch: bool,

    // searcher
    pub invert_match: bool,
    pub line_number: bool,
    pub max_count: Option<u64>,
    pub before_context: usize,
    pub after_context: usize,
    pub passthru: bool,
    /// Binary policy for files found by the walk.
    pub binary_implicit: BinaryDetection,
    /// Binary policy for files named on the command line.
    pub binary_explicit: BinaryDetection,

    // printer
    pub color: bool,
    pub color_specs: ColorSpecs,
    pub heading: bool,
    pub with_filename: bool,
    pub column: bool,
    pub byte_offset: bool,
    pub only_matching: bool,
    pub replace: Option<Vec<u8>>,
    pub vimgrep: bool,
    pub trim: bool,
    pub max_columns: Option<u64>,
    pub max_columns_preview: bool,
    pub path_terminator: Option<u8>,
    /// `--path-separator`: the byte printed between path components.
    pub path_separator: Option<u8>,
    pub hyperlink_format: Option<String>,
    pub hostname_bin: Option<PathBuf>,
    /// What the printers make hyperlinks with: empty (none) as resolved
    /// here; a one-shot run fills it in when it prints hyperlinks (see
    /// [`crate::print::hyperlink_config`], which may run `--hostname-bin`).
    pub hyperlink: grep_printer::HyperlinkConfig,
    pub context_separator: Option<Vec<u8>>,
    pub field_match_separator: Vec<u8>,
    pub field_context_separator: Vec<u8>,
    /// Written between the output of two files, before its line end (see
    /// [`Config::file_separator`]): empty with headings, the context
    /// separator with context.
    pub file_separator: Option<Vec<u8>>,
    pub include_zero: bool,
    pub quiet: bool,
    pub stats: bool,

    // walk and run
    pub discovery: DiscoveryOptions,
    pub threads: usize,
    /// Any `--sort`/`--sortr` other than none (including path ascending).
    pub sort_order: Option<SortOrder>,
    pub buffering: Buffering,
    pub no_messages: bool,
    /// `--no-ignore-messages`: say nothing about ignore files that cannot
    /// be read or parsed.
    pub no_ignore_messages: bool,
    /// `--no-daemon`.
    pub no_daemon: bool,
    /// `--debug`/`--trace`: say who answered and why.
    pub debug: bool,
    pub trace: bool,
    /// Stop everything at the first match (`-q` without `--stats`).
    pub quit_after_match: bool,
    /// The patterns of each `-f FILE`, in order, as read (for a search;
    /// none are read otherwise), for the client to forward to a daemon.
    /// None when one of them is standard input, which cannot be forwarded.
    pub pattern_files: Option<Vec<Vec<String>>>,
}

impl Config {
    /// Parse the process arguments. Errors from clap (including `--help`)
    /// are returned as `clap::Error` inside the anyhow error, so that the
    /// caller can let clap print them.
    pub fn from_args<I, T>(args: I) -> anyhow::Result<Config>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        Config::from_args_in(args, &Context::from_process()?)
    }

    /// Parse arguments as if run in `ctx` (the daemon answers for a client
    /// whose directory and terminal are not its own).
    pub fn from_args_in<I, T>(args: I, ctx: &Context) -> anyhow::Result<Config>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let voice = Voice::of(args.first().map(OsString::as_os_str));
        let matches = Cli::command().try_get_matches_from(args)?;
        let cli = Cli::from_arg_matches(&matches)?;
        Config::resolve(cli, &matches, ctx, voice)
    }

    fn resolve(
        mut cli: Cli,
        matches: &ArgMatches,
        env: &Context,
        voice: Voice,
    ) -> anyhow::Result<Config> {
        let cwd = env.cwd.clone();
        if cli.pretty {
            cli.color = ColorWhen::Always;
            cli.heading = true;
            cli.no_heading = false;
            cli.line_number = true;
            cli.no_line_number = false;
        }
        let mut mode = if let Some(verb) = cli.daemon {
            Mode::Daemon(daemon_action(verb, &mut cli)?)
        } else if cli.pcre2_version {
            Mode::Pcre2Version
        } else if let Some(kind) = cli.generate {
            Mode::Generate(kind)
        } else if cli.type_list {
            Mode::Types
        } else if cli.files {
            Mode::Files
        } else if cli.json {
            Mode::Search(SearchMode::Json)
        } else if cli.count {
            Mode::Search(SearchMode::Count)
        } else if cli.count_matches {
            Mode::Search(SearchMode::CountMatches)
        } else if cli.files_with_matches {
            Mode::Search(SearchMode::FilesWithMatches)
        } else if cli.files_without_match {
            Mode::Search(SearchMode::FilesWithoutMatch)
        } else {
            Mode::Search(SearchMode::Standard)
        };
        // ripgrep: `-v --count-matches` counts lines; `-o -c` counts matches.
        match mode {
            Mode::Search(SearchMode::CountMatches) if cli.invert_match => {
                mode = Mode::Search(SearchMode::Count);
            }
            Mode::Search(SearchMode::Count) if cli.only_matching => {
                mode = Mode::Search(SearchMode::CountMatches);
            }
            _ => {}
        }

        // Patterns: -e and -f, else the first positional.
        let mut stdin_consumed = false;
        let mut patterns = Vec::new();
        let mut pattern_files = if cli.file.iter().any(|f| f == Path::new("-")) {
            None
        } else {
            Some(Vec::with_capacity(cli.file.len()))
        };
        if matches!(mode, Mode::Search(_)) {
            if cli.regexp.is_empty() && cli.file.is_empty() {
                if cli.positional.is_empty() {
                    bail!("no pattern given: pgrep-lite PATTERN [PATH ...] (see --help)");
                }
                let pat = cli.positional.remove(0);
                match pat.into_string() {
                    Ok(p) => patterns.push(p),
                    Err(_) => bail!("the pattern is not valid UTF-8"),
                }
            } else {
                let mut seen = std::collections::HashSet::new();
                let mut add = |p: String| {
                    if seen.insert(p.clone()) {
                        patterns.push(p);
                    }
                };
                for p in cli.regexp.drain(..) {
                    add(p);
                }
                for (i, path) in cli.file.iter().enumerate() {
                    let pats = if let Some(given) = &env.pattern_files {
                        given.get(i).cloned().ok_or_else(|| {
                            anyhow::anyhow!("patterns of {} were not provided", path.display())
                        })?
                    } else if path == Path::new("-") {
                        stdin_consumed = true;
                        grep_cli::patterns_from_stdin()
                            .context("cannot read patterns from standard input")?
                    } else {
                        grep_cli::patterns_from_path(cwd.join(path))?
                    };
                    if let Some(files) = pattern_files.as_mut() {
                        files.push(pats.clone());
                    }
                    pats.into_iter().for_each(&mut add);
                }
            }
        }

        // Paths.
        let mut paths: Vec<PathBuf> = cli.positional.drain(..).map(PathBuf::from).collect();
        if stdin_consumed && paths.iter().any(|p| p == Path::new("-")) {
            bail!("cannot search standard input: -f - already read patterns from it");
        }
        let implicit_path = paths.is_empty();
        let is_one_file;
        if implicit_path {
            let use_stdin =
                env.readable_stdin && !stdin_consumed && matches!(mode, Mode::Search(_));
            if use_stdin {
                paths.push(PathBuf::from("-"));
                is_one_file = true;
            } else {
                paths.push(PathBuf::from("./"));
                is_one_file = false;
            }
        } else {
            is_one_file =
                paths.len() == 1 && (paths[0] == Path::new("-") || !cwd.join(&paths[0]).is_dir());
        }

        let case = if cli.ignore_case {
            CaseMode::Insensitive
        } else if cli.smart_case {
            CaseMode::Smart
        } else {
            CaseMode::Sensitive
        };

        // -u, -uu, -uuu.
        let no_ignore = cli.no_ignore || cli.unrestricted >= 1;
        let hidden = cli.hidden || cli.unrestricted >= 2;
        let binary_flag = cli.binary || cli.unrestricted >= 3;
        // --null-data implies --text, as in ripgrep.
        let as_text = cli.text || cli.null_data;
        let binary_explicit = if as_text {
            BinaryDetection::none()
        } else {
            BinaryDetection::convert(b'\x00')
        };
        let binary_implicit = if as_text {
            BinaryDetection::none()
        } else if binary_flag {
            BinaryDetection::convert(b'\x00')
        } else {
            BinaryDetection::quit(b'\x00')
        };

        let when = match cli.color {
            ColorWhen::Always | ColorWhen::Ansi => When::Always,
            ColorWhen::Never => When::Never,
            ColorWhen::Auto => When::Auto,
        };
        // workdist's decision, on the context's terminal and NO_COLOR (a
        // daemon decides for its client); a dumb terminal is no terminal
        // for colour (ripgrep's rule).
        let color = color::decide(when, env.stdout_is_terminal && !env.term_dumb, env.no_color);
        let mut specs = grep_printer::default_color_specs();
        for spec in &cli.colors {
            let parsed: UserColorSpec = spec.parse().map_err(|e| FlagValue {
                flag: "--colors",
                msg: format!("{e}"),
            })?;
            specs.push(parsed);
        }

        let column = if cli.no_column {
            false
        } else {
            cli.column || cli.vimgrep
        };
        let heading = if cli.heading {
            !cli.vimgrep
        } else if cli.no_heading {
            false
        } else {
            !cli.vimgrep && env.stdout_is_terminal
        };
        let only_stdin = paths.len() == 1 && paths[0] == Path::new("-");
        let line_number = if cli.line_number {
            true
        } else if cli.no_line_number || cli.quiet {
            false
        } else {
            match mode {
                Mode::Search(SearchMode::Json) => true,
                Mode::Search(SearchMode::Standard) => {
                    (env.stdout_is_terminal && !only_stdin) || column || cli.vimgrep
                }
                _ => false,
            }
        };
        let with_filename = if cli.with_filename {
            true
        } else if cli.no_filename {
            false
        } else {
            cli.vimgrep || !is_one_file
        };

        let (before, after) = {
            let c = cli.context.unwrap_or(0);
            (
                cli.before_context.unwrap_or(c),
                cli.after_context.unwrap_or(c),
            )
        };
        let context_separator = if cli.no_context_separator {
            None
        } else {
            Some(unescape(cli.context_separator.as_deref().unwrap_or("--")))
        };
        let file_separator = match mode {
            Mode::Search(SearchMode::Standard) => {
                if heading {
                    Some(Vec::new())
                } else if (before > 0 || after > 0) && !cli.passthru {
                    context_separator.clone()
                } else {
                    None
                }
            }
            _ => None,
        };

        let sort_order = if cli.sort_files {
            Some(SortOrder {
                key: SortKey::Path,
                reverse: false,
            })
        } else {
            let (by, reverse) = match (cli.sort, cli.sortr) {
                (Some(by), _) => (by, false),
                (None, Some(by)) => (by, true),
                (None, None) => (SortBy::None, false),
            };
            let key = match by {
                SortBy::None => None,
                SortBy::Path => Some(SortKey::Path),
                SortBy::Modified => Some(SortKey::Modified),
                SortBy::Accessed => Some(SortKey::Accessed),
                SortBy::Created => Some(SortKey::Created),
            };
            key.map(|key| SortOrder { key, reverse })
        };
        let threads = if is_one_file {
            1
        } else {
            match cli.threads {
                Some(0) | None => workdist::discover::default_threads(),
                Some(n) => n,
            }
        };

        // File types, in command-line order (a later -T overrides a -t).
        let mut typed: Vec<(usize, TypeChange)> = Vec::new();
        let mut collect = |id: &str, values: &[String], f: fn(String) -> TypeChange| {
            if let Some(indices) = matches.indices_of(id) {
                for (i, v) in indices.zip(values.iter()) {
                    typed.push((i, f(v.clone())));
                }
            }
        };
        collect("type_add", &cli.type_add, TypeChange::Add);
        collect("type_clear", &cli.type_clear, TypeChange::Clear);
        collect("type", &cli.type_, TypeChange::Select);
        collect("type_not", &cli.type_not, TypeChange::Negate);
        typed.sort_by_key(|(i, _)| *i);
        let types = typed.into_iter().map(|(_, t)| t).collect();

        let mut globs = cli.glob.clone();
        let mut iglobs = cli.iglob.clone();
        if cli.glob_case_insensitive {
            iglobs.splice(0..0, globs.drain(..));
        }
        let mut discovery = DiscoveryOptions {
            hidden,
            custom_ignore_filenames: vec![".rgignore".into()],
            ignore_files: if cli.no_ignore_files {
                Vec::new()
            } else {
                cli.ignore_file.clone()
            },
            globs,
            iglobs,
            types,
            max_depth: cli.max_depth,
            max_filesize: cli.max_filesize,
            follow_links: cli.follow,
            threads,
            strip_dot_prefix: implicit_path,
            skip_stdout: matches!(mode, Mode::Search(_)),
            require_git: !cli.no_require_git,
            same_file_system: cli.one_file_system,
            ignore_case_insensitive: cli.ignore_file_case_insensitive,
            ..DiscoveryOptions::default()
        };
        if no_ignore {
            discovery.no_ignore();
        } else {
            discovery.git_ignore = !cli.no_ignore_vcs;
            discovery.git_exclude = !cli.no_ignore_vcs && !cli.no_ignore_exclude;
            discovery.git_global = !cli.no_ignore_vcs && !cli.no_ignore_global;
            discovery.dot_ignore = !cli.no_ignore_dot;
            discovery.parents = !cli.no_ignore_parent;
        }

        let engine = if cli.pcre2 {
            Engine::Pcre2
        } else if cli.auto_hybrid_regex {
            Engine::Auto
        } else {
            cli.engine.unwrap_or(Engine::Default)
        };
        // ripgrep's rules and messages: escapes such as `\x00` allowed, and
        // an empty separator means the default.
        let path_separator = match cli.path_separator.as_deref().map(|s| (s, unescape(s))) {
            None => None,
            Some((_, raw)) if raw.is_empty() => None,
            Some((_, raw)) if raw.len() == 1 => Some(raw[0]),
            Some((sep, raw)) => {
                return Err(FlagValue {
                    flag: "--path-separator",
                    msg: format!(
                        "A path separator must be exactly one byte, but the given separator \
                         is {} bytes: {sep}\n\
                         In some shells on Windows '/' is automatically expanded. Use '//' \
                         instead.",
                        raw.len()
                    ),
                }
                .into());
            }
        };
        if let Some(format) = &cli.hyperlink_format
            && let Err(err) = format.parse::<grep_printer::HyperlinkFormat>()
        {
            return Err(FlagValue {
                flag: "--hyperlink-format",
                msg: format!("invalid hyperlink format: {err}"),
            }
            .into());
        }
        let buffering = if cli.line_buffered {
            Buffering::Line
        } else if cli.block_buffered {
            Buffering::Block
        } else {
            Buffering::for_terminal(env.stdout_is_terminal)
        };
        let stats = cli.stats || mode == Mode::Search(SearchMode::Json);

        crate::input::check(cli.encoding.as_deref(), &cli.pre_glob, &cwd)?;
        Ok(Config {
            mode,
            voice,
            patterns,
            paths,
            implicit_path,
            is_one_file,
            cwd,
            case,
            fixed_strings: cli.fixed_strings,
            word: cli.word_regexp,
            line: cli.line_regexp,
            multiline: cli.multiline,
            multiline_dotall: cli.multiline_dotall,
            crlf: cli.crlf,
            engine,
            unicode: !(cli.no_unicode || cli.no_pcre2_unicode),
            dfa_size_limit: cli.dfa_size_limit,
            regex_size_limit: cli.regex_size_limit,
            null_data: cli.null_data,
            encoding: cli.encoding,
            search_zip: cli.search_zip,
            pre: cli.pre.filter(|p| !p.as_os_str().is_empty()),
            pre_globs: cli.pre_glob,
            mmap: cli.mmap,
            stop_on_nonmatch: cli.stop_on_nonmatch,
            invert_match: cli.invert_match,
            line_number,
            max_count: cli.max_count,
            before_context: before,
            after_context: after,
            passthru: cli.passthru,
            binary_implicit,
            binary_explicit,
            color,
            color_specs: ColorSpecs::new(&specs),
            heading,
            with_filename,
            column,
            byte_offset: cli.byte_offset,
            only_matching: cli.only_matching,
            replace: cli.replace.map(|r| unescape(&r)),
            vimgrep: cli.vimgrep,
            trim: cli.trim,
            max_columns: cli.max_columns,
            max_columns_preview: cli.max_columns_preview,
            path_terminator: cli.null.then_some(b'\0'),
            path_separator,
            hyperlink_format: cli.hyperlink_format,
            hostname_bin: cli.hostname_bin,
            hyperlink: grep_printer::HyperlinkConfig::default(),
            context_separator,
            field_match_separator: unescape(&cli.field_match_separator),
            field_context_separator: unescape(&cli.field_context_separator),
            file_separator,
            include_zero: cli.include_zero,
            quiet: cli.quiet,
            stats,
            discovery,
            threads,
            sort_order,
            buffering,
            no_messages: cli.no_messages,
            no_ignore_messages: cli.no_ignore_messages,
            no_daemon: cli.no_daemon,
            debug: cli.debug || cli.trace,
            trace: cli.trace,
            quit_after_match: cli.quiet && !cli.stats,
            pattern_files,
        })
    }

    /// The line written between two files' outputs, with its line end.
    /// In order (`ordered`: one thread, any sort, and the daemon) it is
    /// ripgrep's printer's: ended as lines are (`\r\n` with `--crlf`, NUL
    /// with `--null-data`). With several threads ripgrep's buffer writer
    /// ends it with `\n` whatever the lines end with; so does this.
    pub fn file_separator(&self, ordered: bool) -> Option<Vec<u8>> {
        let mut sep = self.file_separator.clone()?;
        if !ordered {
            sep.push(b'\n');
        } else if self.crlf {
            sep.extend_from_slice(b"\r\n");
        } else if self.null_data {
            sep.push(b'\0');
        } else {
            sep.push(b'\n');
        }
        Some(sep)
    }

    /// Output in ascending path order (`--sort path`, `--sort-files`): the
    /// order the daemon answers in.
    pub fn sorted_by_path(&self) -> bool {
        self.sort_order
            == Some(SortOrder {
                key: SortKey::Path,
                reverse: false,
            })
    }

    /// Files are searched and printed in order (any sort, or one thread):
    /// ripgrep's one-thread shape, whose printer writes the file separator.
    pub fn ordered(&self) -> bool {
        self.sort_order.is_some() || self.threads <= 1
    }

    /// `-E LABEL` (not `auto` or `none`): files are decoded before they are
    /// searched, so their raw bytes say nothing about matches.
    pub fn decodes(&self) -> bool {
        matches!(
            crate::input::encoding(self.encoding.as_deref()),
            Ok(crate::input::EncodingChoice::Label(_)) | Err(_)
        )
    }

    /// True when no match can possibly be reported (`-m 0`, `-f /dev/null`).
    pub fn matches_impossible(&self) -> bool {
        (self.patterns.is_empty() && !self.invert_match) || self.max_count == Some(0)
    }
}

/// Resolve `--daemon VERB` with its options and positional arguments.
fn daemon_action(verb: DaemonVerb, cli: &mut Cli) -> anyhow::Result<DaemonAction> {
    let mut words = cli.positional.drain(..);
    let mut path = || words.next().map(PathBuf::from);
    let action = match verb {
        DaemonVerb::Start => DaemonAction::Start {
            path: path(),
            workers: cli.workers,
            idle_timeout: cli.idle_timeout,
            poll: cli.poll,
            memory: cli.memory,
            foreground: cli.foreground,
        },
        DaemonVerb::Stop => {
            let path = path();
            if cli.all && path.is_some() {
                bail!("--daemon stop takes a PATH or --all, not both");
            }
            DaemonAction::Stop { path, all: cli.all }
        }
        DaemonVerb::Status => DaemonAction::Status {
            path: path(),
            json: cli.json,
        },
        DaemonVerb::List => DaemonAction::List { json: cli.json },
        DaemonVerb::BenchScan => {
            let Some(literal) = path() else {
                bail!("--daemon bench-scan needs a LITERAL");
            };
            DaemonAction::BenchScan {
                literal: literal.to_string_lossy().into_owned(),
                path: path(),
            }
        }
    };
    let extra: Vec<PathBuf> = words.map(PathBuf::from).collect();
    if let Some(first) = extra.first() {
        let name = verb
            .to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string());
        let takes = match verb {
            DaemonVerb::List => "no PATH",
            DaemonVerb::BenchScan => "a LITERAL and at most one PATH",
            _ => "at most one PATH",
        };
        bail!(
            "--daemon {name} takes {takes}; {} was not expected",
            first.display()
        );
    }
    let only_start = [
        ("--workers", cli.workers.is_some()),
        ("--idle-timeout", cli.idle_timeout.is_some()),
        ("--poll", cli.poll),
        ("--memory", cli.memory.is_some()),
        ("--foreground", cli.foreground),
    ];
    if verb != DaemonVerb::Start
        && let Some((flag, _)) = only_start.iter().find(|(_, given)| *given)
    {
        bail!("{flag} only goes with --daemon start");
    }
    if verb != DaemonVerb::Stop && cli.all {
        bail!("--all only goes with --daemon stop");
    }
    Ok(action)
}

/// Where a command line is interpreted: the directory relative paths start
/// from, and what the terminal and environment say. Gathered once per
/// process, or sent by a client to the daemon that answers for it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Context {
    pub cwd: PathBuf,
    pub stdout_is_terminal: bool,
    pub readable_stdin: bool,
    pub no_color: bool,
    pub term_dumb: bool,
    /// The patterns of each `-f FILE` in order, when already read (by a
    /// client for the daemon, which never opens files the client names).
    #[serde(default)]
    pub pattern_files: Option<Vec<Vec<String>>>,
}

impl Context {
    /// This process's context.
    pub fn from_process() -> anyhow::Result<Context> {
        Ok(Context {
            cwd: std::env::current_dir().context("cannot read the current directory")?,
            stdout_is_terminal: std::io::stdout().is_terminal(),
            readable_stdin: grep_cli::is_readable_stdin(),
            no_color: color::no_color_env(),
            term_dumb: std::env::var_os("TERM").is_some_and(|v| v == "dumb"),
            pattern_files: None,
        })
    }
}

/// Unescape `\n`, `\t`, `\x00` and friends in separators and replacements,
/// as ripgrep does.
fn unescape(s: &str) -> Vec<u8> {
    grep_cli::unescape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(args: &[&str], env: &Context) -> Config {
        let mut argv = vec!["pgrep-lite"];
        argv.extend_from_slice(args);
        Config::from_args_in(argv, env).expect("resolve")
    }

    const PIPE: Context = Context {
        cwd: PathBuf::new(),
        stdout_is_terminal: false,
        readable_stdin: false,
        no_color: false,
        term_dumb: false,
        pattern_files: None,
    };
    const TTY: Context = Context {
        cwd: PathBuf::new(),
        stdout_is_terminal: true,
        readable_stdin: false,
        no_color: false,
        term_dumb: false,
        pattern_files: None,
    };

    #[test]
    fn terminal_defaults_match_ripgrep() {
        let c = resolve(&["foo"], &TTY);
        assert!(c.heading && c.line_number && c.color && c.with_filename);
        assert_eq!(c.file_separator(true).as_deref(), Some(&b"\n"[..]));
        let c = resolve(&["foo"], &PIPE);
        assert!(!c.heading && !c.line_number && !c.color && c.with_filename);
        assert_eq!(c.paths, [PathBuf::from("./")]);
        assert!(c.implicit_path);
    }

    #[test]
    fn no_color_env_only_affects_auto() {
        let env = Context {
            no_color: true,
            ..TTY
        };
        assert!(!resolve(&["foo"], &env).color);
        assert!(resolve(&["--color=always", "foo"], &env).color);
    }

    #[test]
    fn readable_stdin_is_searched_when_no_path() {
        let env = Context {
            readable_stdin: true,
            ..PIPE
        };
        let c = resolve(&["foo"], &env);
        assert_eq!(c.paths, [PathBuf::from("-")]);
        assert!(c.is_one_file && !c.with_filename);
        // --files never reads stdin.
        let c = resolve(&["--files"], &env);
        assert_eq!(c.paths, [PathBuf::from("./")]);
    }

    #[test]
    fn patterns_from_e_make_every_positional_a_path() {
        let c = resolve(&["-e", "a", "-e", "b", "-e", "a", "x", "y"], &PIPE);
        assert_eq!(c.patterns, ["a", "b"]);
        assert_eq!(c.paths, [PathBuf::from("x"), PathBuf::from("y")]);
    }

    /// What the client forwards to a daemon for `-f`: each file's
    /// patterns as written (duplicates across files kept), from which the
    /// daemon, which never opens the client's files, resolves the same
    /// patterns as the client did.
    #[test]
    fn pattern_files_are_kept_per_file_for_the_daemon() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("a"), "x\ny\n").expect("a");
        std::fs::write(dir.path().join("b"), "y\nz\n").expect("b");
        let here = Context {
            cwd: dir.path().to_path_buf(),
            ..PIPE
        };
        let args = ["-f", "a", "-e", "w", "-f", "b", "p"];
        let client = resolve(&args, &here);
        assert_eq!(
            client.pattern_files,
            Some(vec![
                vec!["x".to_string(), "y".into()],
                vec!["y".into(), "z".into()]
            ])
        );
        assert_eq!(client.patterns, ["w", "x", "y", "z"]);
        let daemon = Context {
            cwd: dir.path().join("not-there"),
            pattern_files: client.pattern_files.clone(),
            ..PIPE
        };
        assert_eq!(resolve(&args, &daemon).patterns, client.patterns);
        // Standard input cannot be forwarded.
        assert_eq!(resolve(&["--files", "-f", "-"], &PIPE).pattern_files, None);
    }

    #[test]
    fn type_changes_keep_command_line_order() {
        let c = resolve(&["-Trust", "-trust", "--type-add", "foo:*.foo", "x"], &PIPE);
        assert_eq!(
            c.discovery.types,
            [
                TypeChange::Negate("rust".into()),
                TypeChange::Select("rust".into()),
                TypeChange::Add("foo:*.foo".into())
            ]
        );
    }

    #[test]
    fn unrestricted_levels() {
        let c = resolve(&["-u", "x"], &PIPE);
        assert!(!c.discovery.git_ignore && !c.discovery.hidden);
        let c = resolve(&["-uu", "x"], &PIPE);
        assert!(c.discovery.hidden);
        let c = resolve(&["-uuu", "x"], &PIPE);
        assert_eq!(c.binary_implicit, BinaryDetection::convert(0));
    }

    #[test]
    fn context_separator_between_files_only_without_heading() {
        let c = resolve(&["-C1", "x"], &PIPE);
        assert_eq!(c.file_separator(false).as_deref(), Some(&b"--\n"[..]));
        let c = resolve(&["-C1", "--crlf", "x"], &PIPE);
        assert_eq!(c.file_separator(true).as_deref(), Some(&b"--\r\n"[..]));
        assert_eq!(c.file_separator(false).as_deref(), Some(&b"--\n"[..]));
        let c = resolve(&["-C1", "--null-data", "x"], &PIPE);
        assert_eq!(c.file_separator(true).as_deref(), Some(&b"--\0"[..]));
        let c = resolve(&["-C1", "--no-context-separator", "x"], &PIPE);
        assert_eq!(c.file_separator, None);
        let c = resolve(&["-c", "-C1", "x"], &PIPE);
        assert_eq!(c.file_separator, None);
    }

    /// Any mix of flags and values resolves to a Config or an error, never
    /// a panic (clap's debug assertions check the definition; this checks
    /// what `resolve` does with what clap lets through). Seeded; more with
    /// PGREP_ARGS_ITERS.
    #[test]
    fn random_command_lines_never_panic() {
        let cmd = Cli::command();
        let mut flags: Vec<String> = Vec::new();
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long() {
                flags.push(format!("--{long}"));
            }
            if let Some(short) = arg.get_short() {
                flags.push(format!("-{short}"));
            }
        }
        let values = [
            "",
            "0",
            "1",
            "-1",
            "3",
            "99999999999999999999",
            "x",
            "a|b",
            "(",
            "none",
            "utf-16le",
            "path",
            "modified",
            "start",
            "status",
            "1K",
            "2G",
            "\\",
            "/",
            "::",
            "never",
            "always",
            "match:fg:red",
            "match:style:",
            "rust",
            "foo:*.foo",
            "!*.rs",
            "-",
            "10ms",
            "auto",
        ];
        let iters: usize = std::env::var("PGREP_ARGS_ITERS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(800);
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..iters {
            let mut argv = vec!["pgrep-lite".to_string()];
            for _ in 0..1 + next(6) {
                if next(3) == 0 {
                    argv.push(values[next(values.len())].to_string());
                } else {
                    argv.push(flags[next(flags.len())].clone());
                    if next(2) == 0 {
                        argv.push(values[next(values.len())].to_string());
                    }
                }
            }
            let _ = Config::from_args_in(argv.clone(), &PIPE);
        }
    }

    #[test]
    fn count_mode_rewrites() {
        let c = resolve(&["-o", "-c", "x"], &PIPE);
        assert_eq!(c.mode, Mode::Search(SearchMode::CountMatches));
        let c = resolve(&["-v", "--count-matches", "x"], &PIPE);
        assert_eq!(c.mode, Mode::Search(SearchMode::Count));
    }
}
