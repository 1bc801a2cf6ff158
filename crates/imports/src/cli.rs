//! The command line of pimports (clap derive: help, completions and the man
//! page come from this one definition).

use std::path::PathBuf;

use clap::Parser;

pub use workdist::cli::Generate;

/// pimports lists every import of every Rust file under PATH, in parallel
/// and syntax-exact (syn), maps them to Cargo dependencies, and answers
/// questions about them: who imports X, which dependencies are unused, what
/// the module graph is.
///
/// Exit status: 0 success, 1 findings in a check mode (--unused-deps,
/// --cycles), 2 errors (bad arguments, unreadable files or manifests).
/// With --fix, as cargo-machete and cargo-shear do: 1 when something was
/// found (and fixed), so that CI fails on a tree that needed fixing; 0
/// when nothing was; 2 when a manifest could not be read, parsed or
/// rewritten (the others are still fixed).
/// A file that does not lex, or whose import items syn cannot parse, is
/// reported and scanned partially; that alone is not an error.
#[derive(Debug, Parser)]
#[command(
    name = "pimports",
    version,
    about = "List and check the imports of Rust code",
    max_term_width = 100
)]
pub struct Cli {
    /// Files and directories to analyse (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Mark with `->` the files that import something matching PATTERN: a
    /// crate name, a path prefix (`tokio::sync`) or a glob
    /// (`tokio::sync::*`).
    #[arg(long, value_name = "PATTERN")]
    pub focus: Option<String>,

    /// With --focus, list only the files that match.
    #[arg(long, requires = "focus")]
    pub only_focus: bool,

    /// JSON Lines: one object per file with every import site (see the
    /// README for the schema). With --unused-deps: one object per finding,
    /// with the manifest, the line and column of the entry, the package,
    /// the dependency's key and package name, its kind (`normal`, `dev`,
    /// `build`, or `workspace` for an entry of [workspace.dependencies])
    /// and the verdict (`unused`, `misplaced`).
    #[arg(long, conflicts_with_all = ["by_crate", "dot", "cycles", "explain", "dry_run"])]
    pub json: bool,

    /// Each external crate with the files and sites that use it and the
    /// packages that declare it.
    #[arg(long, conflicts_with_all = ["dot", "unused_deps", "cycles"])]
    pub by_crate: bool,

    /// The module graph of each crate, and crate-to-crate edges, in
    /// Graphviz DOT.
    #[arg(long, conflicts_with_all = ["unused_deps", "cycles"])]
    pub dot: bool,

    /// Report import cycles between sibling modules (exit 1 if any).
    ///
    /// Each import of a module of the same crate is lifted to the children
    /// of the lowest common ancestor of the two modules: `crate::a::x`
    /// naming `crate::b::y` makes `crate::a` depend on `crate::b`. Sibling
    /// trees that depend on each other are a cycle, printed with a
    /// shortest loop through them and the sites (file:line:column) of each
    /// step. A module naming its parent or an ancestor, or a parent naming
    /// its own descendants, is never a cycle; nor is test code
    /// (`#[cfg(test)]`, doc tests).
    #[arg(long, conflicts_with = "unused_deps")]
    pub cycles: bool,

    /// Report dependencies nothing uses, normal dependencies used only
    /// from tests, benches or examples, and entries of
    /// [workspace.dependencies] that no member entry left inherits (judged
    /// only when the workspace root and all its members are under the
    /// paths given) (exit 1 if any).
    #[arg(long)]
    pub unused_deps: bool,

    /// Edit the manifests (implies --unused-deps): remove each unused
    /// dependency, from every table of its kind (target-specific ones
    /// too), with the [features] entries that only served it (`dep:x`,
    /// `x/feat`, `x?/feat`, the implicit feature `x`; a feature left empty
    /// stays); move each misplaced one to the [dev-dependencies] beside it
    /// (its spec kept, less `optional`); remove unused entries of
    /// [workspace.dependencies]. Formatting and comments are kept; an
    /// entry's own comments go with it, and so does a dependency table the
    /// fix empties (unless its header carries a comment). Only manifests under the paths
    /// given are rewritten, each atomically, never one that is or lies
    /// behind a symbolic link, or that does not parse.
    #[arg(long, conflicts_with_all = ["by_crate", "dot", "cycles", "explain"])]
    pub fix: bool,

    /// With --fix: print the unified diff of what it would change (for
    /// `patch -p1` or `git apply`), write nothing.
    #[arg(long, requires = "fix")]
    pub dry_run: bool,

    /// With --unused-deps: show the sites that count as uses of DEP.
    #[arg(long, value_name = "DEP", requires = "unused_deps")]
    pub explain: Option<String>,

    /// Print statistics to stderr: files, bytes, parse failures, time,
    /// throughput, threads.
    #[arg(long)]
    pub stats: bool,

    /// Parse every file completely with syn (the reference engine, 3-5x
    /// slower). The default engine lexes each file and gives syn only the
    /// import-bearing items, with the same sites as a full parse; it does
    /// not report syntax errors outside those items, which this does.
    #[arg(long)]
    pub full_parse: bool,

    /// Threads for parsing (default: available cores).
    #[arg(short = 'j', long, value_name = "NUM")]
    pub threads: Option<usize>,

    /// Include or exclude the files and directories whose path matches
    /// GLOB (repeatable), as ripgrep's -g does: gitignore-style globs
    /// matched against paths relative to the current directory, `!GLOB`
    /// excludes, a later glob wins over an earlier one. An exclusion holds
    /// for the files `mod` declarations lead to and for workspace members
    /// too, which are otherwise read whatever ignore rules say. Manifests
    /// (Cargo.toml) are read unless a `!` glob excludes them: a glob that
    /// includes selects Rust files only. A package whose code a glob hides
    /// in part is not judged by --unused-deps.
    #[arg(short = 'g', long = "glob", value_name = "GLOB")]
    pub glob: Vec<String>,

    /// No warnings on stderr: files syn cannot parse or that are not
    /// UTF-8, packages left unjudged. Errors are still printed and still
    /// make the exit status 2 (ripgrep's -q keeps them too; its
    /// --no-messages is what hides them). The report itself is still
    /// printed: unlike grep's, pimports' output is its answer.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Include hidden files and directories.
    #[arg(long)]
    pub hidden: bool,

    /// Do not honour .gitignore and other ignore files.
    #[arg(long)]
    pub no_ignore: bool,

    /// Print a man page or a shell completion script, and exit.
    #[arg(long, value_name = "KIND", value_enum)]
    pub generate: Option<Generate>,
}

pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_cli() {
        super::command().debug_assert();
    }
}
