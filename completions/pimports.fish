complete -c pimports -l focus -d 'Mark with `->` the files that import something matching PATTERN: a crate name, a path prefix (`tokio::sync`) or a glob (`tokio::sync::*`)' -r
complete -c pimports -l explain -d 'With --unused-deps: show the sites that count as uses of DEP' -r
complete -c pimports -s j -l threads -d 'Threads for parsing (default: available cores)' -r
complete -c pimports -s g -l glob -d 'Include or exclude the files and directories whose path matches GLOB (repeatable), as ripgrep\'s -g does: gitignore-style globs matched against paths relative to the current directory, `!GLOB` excludes, a later glob wins over an earlier one. An exclusion holds for the files `mod` declarations lead to and for workspace members too, which are otherwise read whatever ignore rules say. Manifests (Cargo.toml) are read unless a `!` glob excludes them: a glob that includes selects Rust files only. A package whose code a glob hides in part is not judged by --unused-deps' -r
complete -c pimports -l generate -d 'Print a man page or a shell completion script, and exit' -r -f -a "man\t''
complete-bash\t''
complete-zsh\t''
complete-fish\t''
complete-elvish\t''
complete-powershell\t''"
complete -c pimports -l only-focus -d 'With --focus, list only the files that match'
complete -c pimports -l json -d 'JSON Lines: one object per file with every import site (see the README for the schema). With --unused-deps: one object per finding, with the manifest, the line and column of the entry, the package, the dependency\'s key and package name, its kind (`normal`, `dev`, `build`, or `workspace` for an entry of [workspace.dependencies]) and the verdict (`unused`, `misplaced`)'
complete -c pimports -l by-crate -d 'Each external crate with the files and sites that use it and the packages that declare it'
complete -c pimports -l dot -d 'The module graph of each crate, and crate-to-crate edges, in Graphviz DOT'
complete -c pimports -l cycles -d 'Report import cycles between sibling modules (exit 1 if any)'
complete -c pimports -l unused-deps -d 'Report dependencies nothing uses, normal dependencies used only from tests, benches or examples, and entries of [workspace.dependencies] that no member entry left inherits (judged only when the workspace root and all its members are under the paths given) (exit 1 if any)'
complete -c pimports -l fix -d 'Edit the manifests (implies --unused-deps): remove each unused dependency, from every table of its kind (target-specific ones too), with the [features] entries that only served it (`dep:x`, `x/feat`, `x?/feat`, the implicit feature `x`; a feature left empty stays); move each misplaced one to the [dev-dependencies] beside it (its spec kept, less `optional`); remove unused entries of [workspace.dependencies]. Formatting and comments are kept; an entry\'s own comments go with it, and so does a dependency table the fix empties (unless its header carries a comment). Only manifests under the paths given are rewritten, each atomically, never one that is or lies behind a symbolic link, or that does not parse'
complete -c pimports -l dry-run -d 'With --fix: print the unified diff of what it would change (for `patch -p1` or `git apply`), write nothing'
complete -c pimports -l stats -d 'Print statistics to stderr: files, bytes, parse failures, time, throughput, threads'
complete -c pimports -l full-parse -d 'Parse every file completely with syn (the reference engine, 3-5x slower). The default engine lexes each file and gives syn only the import-bearing items, with the same sites as a full parse; it does not report syntax errors outside those items, which this does'
complete -c pimports -s q -l quiet -d 'No warnings on stderr: files syn cannot parse or that are not UTF-8, packages left unjudged. Errors are still printed and still make the exit status 2 (ripgrep\'s -q keeps them too; its --no-messages is what hides them). The report itself is still printed: unlike grep\'s, pimports\' output is its answer'
complete -c pimports -l hidden -d 'Include hidden files and directories'
complete -c pimports -l no-ignore -d 'Do not honour .gitignore and other ignore files'
complete -c pimports -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pimports -s V -l version -d 'Print version'
