//! What the user named: files, globs and directories, with optional labels.
//!
//! * `LABEL=PATH` sets the prefix label, when the whole argument is not
//!   itself an existing path (a file may be called `a=b`).
//! * A path that exists as a directory follows the files directly in it,
//!   and those created later.
//! * A path that does not exist and has glob characters (`*`, `?`, `[`,
//!   `{`) is a glob: its leading components without them are the base
//!   directory, watched for new matches; `**` matches across directories.
//! * `-` is standard input (through `/dev/stdin`), as for tail; a file
//!   named `-` is `./-`.
//! * Anything else is a file, followed even if it does not exist yet.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobMatcher};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    File,
    Glob,
    Dir,
}

#[derive(Debug)]
pub struct Input {
    pub kind: InputKind,
    /// As typed (without the label), when it is `path` or the end of it
    /// (a path relative to the working directory): from this byte on. A
    /// source shows it ([`Input::shown_in`]).
    given_at: u32,
    /// File: the file; Dir: the directory; Glob: the base directory.
    /// Shared with the follower of a named file, as it is with its
    /// source (10,000 named files are not 20,000 more strings).
    pub path: Arc<Path>,
    /// The rest, boxed, and none for a file named without a label, by
    /// its path or relative to the working directory: 10,000 named files
    /// are 10,000 inputs, and should stay small (32 bytes).
    more: Option<Box<More>>,
}

#[derive(Debug)]
struct More {
    label: Option<Box<str>>,
    /// As typed, when it is not the end of `path`.
    given: Option<Arc<Path>>,
    /// Directories and globs (boxed: a matcher is large, and a labelled
    /// file needs none).
    listed: Option<Box<Listed>>,
}

/// What a directory or a glob needs besides its path.
#[derive(Debug)]
struct Listed {
    /// Shown paths are relative to it.
    cwd: Arc<Path>,
    glob: Option<GlobMatcher>,
    recursive: bool,
}

fn has_glob_chars(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// Parse the INPUT arguments.
pub fn parse(args: Vec<String>, cwd: &Path) -> anyhow::Result<Vec<Input>> {
    // Copied into one string and freed before any path is made: the
    // paths then lie side by side, not each among the copies clap made
    // of its argument (10,000 named files: 0.6 MB of holes kept).
    let mut joined = String::with_capacity(args.iter().map(String::len).sum());
    let mut ends = Vec::with_capacity(args.len());
    for arg in &args {
        joined.push_str(arg);
        ends.push(joined.len());
    }
    drop(args);
    let mut out = Vec::with_capacity(ends.len());
    let shared: Arc<Path> = Arc::from(cwd);
    let mut start = 0;
    for end in ends {
        let arg = &joined[start..end];
        start = end;
        let (label, typed) = match arg.split_once('=') {
            Some((l, p)) if !l.is_empty() && !Path::new(arg).exists() => (Some(Box::from(l)), p),
            _ => (None, arg),
        };
        if typed.is_empty() {
            anyhow::bail!("input '{arg}' names no path");
        }
        if typed == "-" {
            // Standard input, as for tail (a file named `-` is `./-`):
            // followed through /dev/stdin, whatever it is (a pipe, a
            // file, a terminal), as a file named there.
            let stdin = Arc::from(Path::new("/dev/stdin"));
            out.push(Input::new(InputKind::File, label, stdin, typed, None));
            continue;
        }
        let abs = workdist::cli::lexical_join(cwd, Path::new(typed));
        let listed = |glob, recursive| {
            Some(Box::new(Listed {
                cwd: Arc::clone(&shared),
                glob,
                recursive,
            }))
        };
        let input = if abs.is_dir() {
            Input::new(
                InputKind::Dir,
                label,
                Arc::from(abs),
                typed,
                listed(None, false),
            )
        } else if !abs.exists() && has_glob_chars(typed) {
            let mut base = PathBuf::new();
            let mut rest = 0;
            let comps: Vec<Component> = abs.components().collect();
            for (i, c) in comps.iter().enumerate() {
                if has_glob_chars(&c.as_os_str().to_string_lossy()) {
                    rest = comps.len() - i;
                    break;
                }
                base.push(c);
            }
            let pattern = abs.to_string_lossy().to_string();
            let glob = GlobBuilder::new(&pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| anyhow::anyhow!("invalid glob '{typed}': {e}"))?
                .compile_matcher();
            let recursive = rest > 1 || pattern.contains("**");
            Input::new(
                InputKind::Glob,
                label,
                Arc::from(base),
                typed,
                listed(Some(glob), recursive),
            )
        } else {
            Input::new(InputKind::File, label, Arc::from(abs), typed, None)
        };
        out.push(input);
    }
    Ok(out)
}

impl Input {
    fn new(
        kind: InputKind,
        label: Option<Box<str>>,
        path: Arc<Path>,
        typed: &str,
        listed: Option<Box<Listed>>,
    ) -> Input {
        // A named file typed as its path is, or as the end of it
        // (relative to the working directory): one string for both.
        let end = (kind == InputKind::File)
            .then(|| path.to_str())
            .flatten()
            .and_then(|p| p.strip_suffix(typed))
            .filter(|rest| rest.is_empty() || rest.ends_with('/'))
            .and_then(|rest| u32::try_from(rest.len()).ok());
        let (given, given_at) = match end {
            Some(at) => (None, at),
            None => (Some(Arc::from(Path::new(typed))), 0),
        };
        let more = (label.is_some() || given.is_some() || listed.is_some()).then(|| {
            Box::new(More {
                label,
                given,
                listed,
            })
        });
        Input {
            kind,
            given_at,
            path,
            more,
        }
    }

    /// The prefix label given with `LABEL=PATH`.
    pub fn label(&self) -> Option<&str> {
        self.more.as_ref().and_then(|m| m.label.as_deref())
    }

    fn listed(&self) -> Option<&Listed> {
        self.more.as_ref().and_then(|m| m.listed.as_deref())
    }

    /// As typed (without the label), and from which byte.
    fn given_in(&self) -> (&Arc<Path>, u32) {
        match self.more.as_ref().and_then(|m| m.given.as_ref()) {
            Some(g) => (g, 0),
            None => (&self.path, self.given_at),
        }
    }

    /// As typed (without the label).
    fn given(&self) -> &str {
        let (given, at) = self.given_in();
        given
            .to_str()
            .and_then(|s| s.get(at as usize..))
            .unwrap_or_default()
    }

    /// The files this input names now, sorted, but those `known` says
    /// are followed already (a periodic look at a directory of 10,000
    /// files makes no new path for any of them). A directory (or a
    /// glob's base directory) that exists but cannot be listed is an
    /// error; one that does not exist (yet, or any more) names nothing.
    pub fn expand(&self, known: &dyn Fn(&Path) -> bool) -> std::io::Result<Vec<Arc<Path>>> {
        let mut out = Vec::new();
        match self.kind {
            InputKind::File => {
                if self.path.exists() {
                    out.push(self.path.clone());
                }
            }
            InputKind::Dir => match std::fs::read_dir(&self.path) {
                Ok(rd) => {
                    for e in rd.flatten() {
                        let p = e.path();
                        if !known(&p) && p.is_file() {
                            out.push(Arc::from(p));
                        }
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            },
            InputKind::Glob => {
                let mut stack = vec![self.path.to_path_buf()];
                while let Some(d) = stack.pop() {
                    let rd = match std::fs::read_dir(&d) {
                        Ok(rd) => rd,
                        Err(e) if *d == *self.path && e.kind() != std::io::ErrorKind::NotFound => {
                            return Err(e);
                        }
                        Err(_) => continue,
                    };
                    for e in rd.flatten() {
                        let p = e.path();
                        if p.is_dir() {
                            if self.recursive() {
                                stack.push(p);
                            }
                        } else if !known(&p) && self.matches(&p) {
                            out.push(Arc::from(p));
                        }
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn matches(&self, p: &Path) -> bool {
        self.listed()
            .and_then(|l| l.glob.as_ref())
            .is_some_and(|g| g.is_match(p))
    }

    fn recursive(&self) -> bool {
        self.listed().is_some_and(|l| l.recursive)
    }

    /// Directories to watch for new files of this input.
    pub fn watch_dirs(&self) -> Vec<PathBuf> {
        match self.kind {
            InputKind::File => Vec::new(),
            InputKind::Dir => vec![self.path.to_path_buf()],
            InputKind::Glob => {
                let mut dirs = vec![self.path.to_path_buf()];
                if self.recursive() {
                    let mut stack = vec![self.path.to_path_buf()];
                    while let Some(d) = stack.pop() {
                        if let Ok(rd) = std::fs::read_dir(&d) {
                            for e in rd.flatten() {
                                let p = e.path();
                                if p.is_dir() {
                                    dirs.push(p.clone());
                                    stack.push(p);
                                }
                            }
                        }
                    }
                }
                dirs
            }
        }
    }

    /// Whether a path that just appeared belongs to this input.
    pub fn matches_new(&self, p: &Path) -> bool {
        match self.kind {
            InputKind::File => false,
            InputKind::Dir => p.parent() == Some(&*self.path) && p.is_file(),
            InputKind::Glob => self.matches(p) && p.is_file(),
        }
    }

    /// How a file of this input is shown in messages and `--prefix path`.
    pub fn shown(&self, p: &Path) -> String {
        match self.listed() {
            None => self.given().to_string(),
            Some(l) => p.strip_prefix(&l.cwd).unwrap_or(p).display().to_string(),
        }
    }

    /// [`Input::shown`], as a path and how many of its first bytes to
    /// leave out, shared rather than a new string per file (10,000
    /// files): the input's path as typed for a named file, else `p`
    /// itself (the follower's) without the working directory. Only a
    /// path that is not UTF-8 is shown by a string of its own
    /// (replacement characters and all).
    pub fn shown_in(&self, p: &Arc<Path>) -> (Arc<Path>, u32) {
        let Some(l) = self.listed() else {
            let (given, at) = self.given_in();
            return (Arc::clone(given), at);
        };
        let rest = p.strip_prefix(&l.cwd).unwrap_or(p);
        if let (Some(whole), Some(end)) = (p.to_str(), rest.to_str())
            && whole.ends_with(end)
            && let Ok(skip) = u32::try_from(whole.len() - end.len())
        {
            return (Arc::clone(p), skip);
        }
        (Arc::from(Path::new(&self.shown(p))), 0)
    }

    /// A file named without a label, typed as its path or the end of
    /// it: its source holds all of it (path, as shown), so the input is
    /// not kept once the run has started (10,000 named files).
    pub fn is_plain_file(&self) -> bool {
        self.kind == InputKind::File && self.more.is_none()
    }
}

/// The prefix label of file `p` shown as `shown`, of `input` (none: a
/// file named without a label, [`Input::is_plain_file`]).
pub fn label_for<'a>(
    input: Option<&'a Input>,
    p: &'a Path,
    shown: &'a str,
    path_labels: bool,
) -> Cow<'a, str> {
    if let Some(input) = input
        && let Some(l) = input.label()
    {
        if input.kind == InputKind::File {
            return Cow::Borrowed(l);
        }
        // A labelled directory or glob: label/name.
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        return Cow::Owned(format!("{l}/{name}"));
    }
    if path_labels {
        return Cow::Borrowed(shown);
    }
    p.file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or(Cow::Borrowed(shown))
}
