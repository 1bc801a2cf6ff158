
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'pimports' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'pimports'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'pimports' {
            [CompletionResult]::new('--focus', '--focus', [CompletionResultType]::ParameterName, 'Mark with `->` the files that import something matching PATTERN: a crate name, a path prefix (`tokio::sync`) or a glob (`tokio::sync::*`)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'With --unused-deps: show the sites that count as uses of DEP')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Threads for parsing (default: available cores)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Threads for parsing (default: available cores)')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Include or exclude the files and directories whose path matches GLOB (repeatable), as ripgrep''s -g does: gitignore-style globs matched against paths relative to the current directory, `!GLOB` excludes, a later glob wins over an earlier one. An exclusion holds for the files `mod` declarations lead to and for workspace members too, which are otherwise read whatever ignore rules say. Manifests (Cargo.toml) are read unless a `!` glob excludes them: a glob that includes selects Rust files only. A package whose code a glob hides in part is not judged by --unused-deps')
            [CompletionResult]::new('--glob', '--glob', [CompletionResultType]::ParameterName, 'Include or exclude the files and directories whose path matches GLOB (repeatable), as ripgrep''s -g does: gitignore-style globs matched against paths relative to the current directory, `!GLOB` excludes, a later glob wins over an earlier one. An exclusion holds for the files `mod` declarations lead to and for workspace members too, which are otherwise read whatever ignore rules say. Manifests (Cargo.toml) are read unless a `!` glob excludes them: a glob that includes selects Rust files only. A package whose code a glob hides in part is not judged by --unused-deps')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Print a man page or a shell completion script, and exit')
            [CompletionResult]::new('--only-focus', '--only-focus', [CompletionResultType]::ParameterName, 'With --focus, list only the files that match')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON Lines: one object per file with every import site (see the README for the schema). With --unused-deps: one object per finding, with the manifest, the line and column of the entry, the package, the dependency''s key and package name, its kind (`normal`, `dev`, `build`, or `workspace` for an entry of [workspace.dependencies]) and the verdict (`unused`, `misplaced`)')
            [CompletionResult]::new('--by-crate', '--by-crate', [CompletionResultType]::ParameterName, 'Each external crate with the files and sites that use it and the packages that declare it')
            [CompletionResult]::new('--dot', '--dot', [CompletionResultType]::ParameterName, 'The module graph of each crate, and crate-to-crate edges, in Graphviz DOT')
            [CompletionResult]::new('--cycles', '--cycles', [CompletionResultType]::ParameterName, 'Report import cycles between sibling modules (exit 1 if any)')
            [CompletionResult]::new('--unused-deps', '--unused-deps', [CompletionResultType]::ParameterName, 'Report dependencies nothing uses, normal dependencies used only from tests, benches or examples, and entries of [workspace.dependencies] that no member entry left inherits (judged only when the workspace root and all its members are under the paths given) (exit 1 if any)')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Edit the manifests (implies --unused-deps): remove each unused dependency, from every table of its kind (target-specific ones too), with the [features] entries that only served it (`dep:x`, `x/feat`, `x?/feat`, the implicit feature `x`; a feature left empty stays); move each misplaced one to the [dev-dependencies] beside it (its spec kept, less `optional`); remove unused entries of [workspace.dependencies]. Formatting and comments are kept; an entry''s own comments go with it, and so does a dependency table the fix empties (unless its header carries a comment). Only manifests under the paths given are rewritten, each atomically, never one that is or lies behind a symbolic link, or that does not parse')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'With --fix: print the unified diff of what it would change (for `patch -p1` or `git apply`), write nothing')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print statistics to stderr: files, bytes, parse failures, time, throughput, threads')
            [CompletionResult]::new('--full-parse', '--full-parse', [CompletionResultType]::ParameterName, 'Parse every file completely with syn (the reference engine, 3-5x slower). The default engine lexes each file and gives syn only the import-bearing items, with the same sites as a full parse; it does not report syntax errors outside those items, which this does')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings on stderr: files syn cannot parse or that are not UTF-8, packages left unjudged. Errors are still printed and still make the exit status 2 (ripgrep''s -q keeps them too; its --no-messages is what hides them). The report itself is still printed: unlike grep''s, pimports'' output is its answer')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings on stderr: files syn cannot parse or that are not UTF-8, packages left unjudged. Errors are still printed and still make the exit status 2 (ripgrep''s -q keeps them too; its --no-messages is what hides them). The report itself is still printed: unlike grep''s, pimports'' output is its answer')
            [CompletionResult]::new('--hidden', '--hidden', [CompletionResultType]::ParameterName, 'Include hidden files and directories')
            [CompletionResult]::new('--no-ignore', '--no-ignore', [CompletionResultType]::ParameterName, 'Do not honour .gitignore and other ignore files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
