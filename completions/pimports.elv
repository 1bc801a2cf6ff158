
use builtin;
use str;

set edit:completion:arg-completer[pimports] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'pimports'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'pimports'= {
            cand --focus 'Mark with `->` the files that import something matching PATTERN: a crate name, a path prefix (`tokio::sync`) or a glob (`tokio::sync::*`)'
            cand --explain 'With --unused-deps: show the sites that count as uses of DEP'
            cand -j 'Threads for parsing (default: available cores)'
            cand --threads 'Threads for parsing (default: available cores)'
            cand -g 'Include or exclude the files and directories whose path matches GLOB (repeatable), as ripgrep''s -g does: gitignore-style globs matched against paths relative to the current directory, `!GLOB` excludes, a later glob wins over an earlier one. An exclusion holds for the files `mod` declarations lead to and for workspace members too, which are otherwise read whatever ignore rules say. Manifests (Cargo.toml) are read unless a `!` glob excludes them: a glob that includes selects Rust files only. A package whose code a glob hides in part is not judged by --unused-deps'
            cand --glob 'Include or exclude the files and directories whose path matches GLOB (repeatable), as ripgrep''s -g does: gitignore-style globs matched against paths relative to the current directory, `!GLOB` excludes, a later glob wins over an earlier one. An exclusion holds for the files `mod` declarations lead to and for workspace members too, which are otherwise read whatever ignore rules say. Manifests (Cargo.toml) are read unless a `!` glob excludes them: a glob that includes selects Rust files only. A package whose code a glob hides in part is not judged by --unused-deps'
            cand --generate 'Print a man page or a shell completion script, and exit'
            cand --only-focus 'With --focus, list only the files that match'
            cand --json 'JSON Lines: one object per file with every import site (see the README for the schema). With --unused-deps: one object per finding, with the manifest, the line and column of the entry, the package, the dependency''s key and package name, its kind (`normal`, `dev`, `build`, or `workspace` for an entry of [workspace.dependencies]) and the verdict (`unused`, `misplaced`)'
            cand --by-crate 'Each external crate with the files and sites that use it and the packages that declare it'
            cand --dot 'The module graph of each crate, and crate-to-crate edges, in Graphviz DOT'
            cand --cycles 'Report import cycles between sibling modules (exit 1 if any)'
            cand --unused-deps 'Report dependencies nothing uses, normal dependencies used only from tests, benches or examples, and entries of [workspace.dependencies] that no member entry left inherits (judged only when the workspace root and all its members are under the paths given) (exit 1 if any)'
            cand --fix 'Edit the manifests (implies --unused-deps): remove each unused dependency, from every table of its kind (target-specific ones too), with the [features] entries that only served it (`dep:x`, `x/feat`, `x?/feat`, the implicit feature `x`; a feature left empty stays); move each misplaced one to the [dev-dependencies] beside it (its spec kept, less `optional`); remove unused entries of [workspace.dependencies]. Formatting and comments are kept; an entry''s own comments go with it, and so does a dependency table the fix empties (unless its header carries a comment). Only manifests under the paths given are rewritten, each atomically, never one that is or lies behind a symbolic link, or that does not parse'
            cand --dry-run 'With --fix: print the unified diff of what it would change (for `patch -p1` or `git apply`), write nothing'
            cand --stats 'Print statistics to stderr: files, bytes, parse failures, time, throughput, threads'
            cand --full-parse 'Parse every file completely with syn (the reference engine, 3-5x slower). The default engine lexes each file and gives syn only the import-bearing items, with the same sites as a full parse; it does not report syntax errors outside those items, which this does'
            cand -q 'No warnings on stderr: files syn cannot parse or that are not UTF-8, packages left unjudged. Errors are still printed and still make the exit status 2 (ripgrep''s -q keeps them too; its --no-messages is what hides them). The report itself is still printed: unlike grep''s, pimports'' output is its answer'
            cand --quiet 'No warnings on stderr: files syn cannot parse or that are not UTF-8, packages left unjudged. Errors are still printed and still make the exit status 2 (ripgrep''s -q keeps them too; its --no-messages is what hides them). The report itself is still printed: unlike grep''s, pimports'' output is its answer'
            cand --hidden 'Include hidden files and directories'
            cand --no-ignore 'Do not honour .gitignore and other ignore files'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
