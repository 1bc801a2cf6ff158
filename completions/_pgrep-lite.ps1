
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'pgrep-lite' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'pgrep-lite'
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
        'pgrep-lite' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'A pattern to search for; repeat to search for any of several')
            [CompletionResult]::new('--regexp', '--regexp', [CompletionResultType]::ParameterName, 'A pattern to search for; repeat to search for any of several')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read patterns from a file, one per line (`-` for standard input)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read patterns from a file, one per line (`-` for standard input)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Stop searching a file after NUM matching lines')
            [CompletionResult]::new('--max-count', '--max-count', [CompletionResultType]::ParameterName, 'Stop searching a file after NUM matching lines')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Search with NUM threads (default: available cores, at most 12)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Search with NUM threads (default: available cores, at most 12)')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Include or exclude files and directories matching GLOB (`!GLOB` excludes). Globs take precedence over ignore files. Repeatable')
            [CompletionResult]::new('--glob', '--glob', [CompletionResultType]::ParameterName, 'Include or exclude files and directories matching GLOB (`!GLOB` excludes). Globs take precedence over ignore files. Repeatable')
            [CompletionResult]::new('--iglob', '--iglob', [CompletionResultType]::ParameterName, 'Like -g, case-insensitively')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only search files of type TYPE (see --type-list). Repeatable')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only search files of type TYPE (see --type-list). Repeatable')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Do not search files of type TYPE. Repeatable')
            [CompletionResult]::new('--type-not', '--type-not', [CompletionResultType]::ParameterName, 'Do not search files of type TYPE. Repeatable')
            [CompletionResult]::new('--type-add', '--type-add', [CompletionResultType]::ParameterName, 'Add a file type: `name:glob` or `name:include:other,types`')
            [CompletionResult]::new('--type-clear', '--type-clear', [CompletionResultType]::ParameterName, 'Forget the globs of a file type')
            [CompletionResult]::new('--ignore-file', '--ignore-file', [CompletionResultType]::ParameterName, 'An extra ignore file in gitignore syntax (lowest precedence)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Descend at most NUM directories below each path')
            [CompletionResult]::new('--max-depth', '--max-depth', [CompletionResultType]::ParameterName, 'Descend at most NUM directories below each path')
            [CompletionResult]::new('--maxdepth', '--maxdepth', [CompletionResultType]::ParameterName, 'Descend at most NUM directories below each path')
            [CompletionResult]::new('--max-filesize', '--max-filesize', [CompletionResultType]::ParameterName, 'Skip files larger than NUM bytes (suffixes K, M, G)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Replace every match with REPLACEMENT in the output (`$1`, `$name` refer to capture groups). Files are never changed')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Replace every match with REPLACEMENT in the output (`$1`, `$name` refer to capture groups). Files are never changed')
            [CompletionResult]::new('-M', '-M ', [CompletionResultType]::ParameterName, 'Do not print lines longer than NUM bytes (a notice instead)')
            [CompletionResult]::new('--max-columns', '--max-columns', [CompletionResultType]::ParameterName, 'Do not print lines longer than NUM bytes (a notice instead)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Show NUM lines after each match')
            [CompletionResult]::new('--after-context', '--after-context', [CompletionResultType]::ParameterName, 'Show NUM lines after each match')
            [CompletionResult]::new('-B', '-B ', [CompletionResultType]::ParameterName, 'Show NUM lines before each match')
            [CompletionResult]::new('--before-context', '--before-context', [CompletionResultType]::ParameterName, 'Show NUM lines before each match')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Show NUM lines before and after each match')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Show NUM lines before and after each match')
            [CompletionResult]::new('--context-separator', '--context-separator', [CompletionResultType]::ParameterName, 'The line between non-adjacent context blocks (default `--`)')
            [CompletionResult]::new('--field-match-separator', '--field-match-separator', [CompletionResultType]::ParameterName, 'Separator after the path and line number of a matching line')
            [CompletionResult]::new('--field-context-separator', '--field-context-separator', [CompletionResultType]::ParameterName, 'Separator after the path and line number of a context line')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour the output: auto, always, never')
            [CompletionResult]::new('--colors', '--colors', [CompletionResultType]::ParameterName, 'Colour settings in ripgrep''s syntax, e.g. `match:fg:blue`')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of the output. `path` is deterministic and still parallel')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Print a man page or a shell completion script, and exit')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Search following symbolic links (loops are detected and reported)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Search following symbolic links (loops are detected and reported)')
            [CompletionResult]::new('--no-follow', '--no-follow', [CompletionResultType]::ParameterName, 'Do not follow symbolic links (the default)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Search binary files as if they were text')
            [CompletionResult]::new('--text', '--text', [CompletionResultType]::ParameterName, 'Search binary files as if they were text')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'Search binary files found by the walk too, printing only whether they match ("binary file matches")')
            [CompletionResult]::new('--crlf', '--crlf', [CompletionResultType]::ParameterName, 'Treat CRLF (\r\n) as a line terminator: `$` matches before \r')
            [CompletionResult]::new('--no-crlf', '--no-crlf', [CompletionResultType]::ParameterName, 'no-crlf')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Treat the patterns as literal strings, not regular expressions')
            [CompletionResult]::new('--fixed-strings', '--fixed-strings', [CompletionResultType]::ParameterName, 'Treat the patterns as literal strings, not regular expressions')
            [CompletionResult]::new('--no-fixed-strings', '--no-fixed-strings', [CompletionResultType]::ParameterName, 'no-fixed-strings')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Match case-insensitively (Unicode-aware)')
            [CompletionResult]::new('--ignore-case', '--ignore-case', [CompletionResultType]::ParameterName, 'Match case-insensitively (Unicode-aware)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Match case-sensitively (the default)')
            [CompletionResult]::new('--case-sensitive', '--case-sensitive', [CompletionResultType]::ParameterName, 'Match case-sensitively (the default)')
            [CompletionResult]::new('-S', '-S ', [CompletionResultType]::ParameterName, 'Case-insensitive unless a pattern contains an upper-case letter')
            [CompletionResult]::new('--smart-case', '--smart-case', [CompletionResultType]::ParameterName, 'Case-insensitive unless a pattern contains an upper-case letter')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Only match whole words')
            [CompletionResult]::new('--word-regexp', '--word-regexp', [CompletionResultType]::ParameterName, 'Only match whole words')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Only match whole lines')
            [CompletionResult]::new('--line-regexp', '--line-regexp', [CompletionResultType]::ParameterName, 'Only match whole lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Select the lines that do not match')
            [CompletionResult]::new('--invert-match', '--invert-match', [CompletionResultType]::ParameterName, 'Select the lines that do not match')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'Let a match span lines; `\n` may then appear in a pattern')
            [CompletionResult]::new('--multiline', '--multiline', [CompletionResultType]::ParameterName, 'Let a match span lines; `\n` may then appear in a pattern')
            [CompletionResult]::new('--no-multiline', '--no-multiline', [CompletionResultType]::ParameterName, 'no-multiline')
            [CompletionResult]::new('--multiline-dotall', '--multiline-dotall', [CompletionResultType]::ParameterName, 'With -U, let `.` match line terminators too')
            [CompletionResult]::new('--glob-case-insensitive', '--glob-case-insensitive', [CompletionResultType]::ParameterName, 'Make every -g glob case-insensitive')
            [CompletionResult]::new('-.', '-.', [CompletionResultType]::ParameterName, 'Search hidden files and directories')
            [CompletionResult]::new('--hidden', '--hidden', [CompletionResultType]::ParameterName, 'Search hidden files and directories')
            [CompletionResult]::new('--no-hidden', '--no-hidden', [CompletionResultType]::ParameterName, 'no-hidden')
            [CompletionResult]::new('--no-ignore', '--no-ignore', [CompletionResultType]::ParameterName, 'Ignore no ignore file (.gitignore, .ignore, .rgignore, excludes)')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'ignore')
            [CompletionResult]::new('--no-ignore-vcs', '--no-ignore-vcs', [CompletionResultType]::ParameterName, 'Do not honour .gitignore, .git/info/exclude or the global excludes')
            [CompletionResult]::new('--no-ignore-parent', '--no-ignore-parent', [CompletionResultType]::ParameterName, 'Do not honour ignore files in parent directories')
            [CompletionResult]::new('--no-ignore-dot', '--no-ignore-dot', [CompletionResultType]::ParameterName, 'Do not honour .ignore and .rgignore files')
            [CompletionResult]::new('--no-ignore-exclude', '--no-ignore-exclude', [CompletionResultType]::ParameterName, 'Do not honour .git/info/exclude')
            [CompletionResult]::new('--no-ignore-global', '--no-ignore-global', [CompletionResultType]::ParameterName, 'Do not honour the global gitignore (core.excludesFile)')
            [CompletionResult]::new('--no-ignore-files', '--no-ignore-files', [CompletionResultType]::ParameterName, 'Do not honour --ignore-file')
            [CompletionResult]::new('--no-require-git', '--no-require-git', [CompletionResultType]::ParameterName, 'Apply .gitignore rules even outside a git repository')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Less filtering: -u is --no-ignore, -uu adds --hidden, -uuu adds --binary')
            [CompletionResult]::new('--unrestricted', '--unrestricted', [CompletionResultType]::ParameterName, 'Less filtering: -u is --no-ignore, -uu adds --hidden, -uuu adds --binary')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show line numbers (default on a terminal)')
            [CompletionResult]::new('--line-number', '--line-number', [CompletionResultType]::ParameterName, 'Show line numbers (default on a terminal)')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Do not show line numbers')
            [CompletionResult]::new('--no-line-number', '--no-line-number', [CompletionResultType]::ParameterName, 'Do not show line numbers')
            [CompletionResult]::new('--column', '--column', [CompletionResultType]::ParameterName, 'Show the column (1-based byte offset) of the first match')
            [CompletionResult]::new('--no-column', '--no-column', [CompletionResultType]::ParameterName, 'no-column')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Show the byte offset of each line (or match, with -o)')
            [CompletionResult]::new('--byte-offset', '--byte-offset', [CompletionResultType]::ParameterName, 'Show the byte offset of each line (or match, with -o)')
            [CompletionResult]::new('--heading', '--heading', [CompletionResultType]::ParameterName, 'Group matches under each file name (default on a terminal)')
            [CompletionResult]::new('--no-heading', '--no-heading', [CompletionResultType]::ParameterName, 'Print `path:line:text` on every line (default in a pipe)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Always print the file name')
            [CompletionResult]::new('--with-filename', '--with-filename', [CompletionResultType]::ParameterName, 'Always print the file name')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Never print the file name')
            [CompletionResult]::new('--no-filename', '--no-filename', [CompletionResultType]::ParameterName, 'Never print the file name')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print only the matched parts, each on its own line')
            [CompletionResult]::new('--only-matching', '--only-matching', [CompletionResultType]::ParameterName, 'Print only the matched parts, each on its own line')
            [CompletionResult]::new('--vimgrep', '--vimgrep', [CompletionResultType]::ParameterName, 'Print every match as `path:line:column:text`, one per line')
            [CompletionResult]::new('-0', '-0', [CompletionResultType]::ParameterName, 'Follow each path with a NUL byte instead of `:` or a newline')
            [CompletionResult]::new('--null', '--null', [CompletionResultType]::ParameterName, 'Follow each path with a NUL byte instead of `:` or a newline')
            [CompletionResult]::new('--trim', '--trim', [CompletionResultType]::ParameterName, 'Strip leading ASCII whitespace from printed lines')
            [CompletionResult]::new('--max-columns-preview', '--max-columns-preview', [CompletionResultType]::ParameterName, 'With -M, print a preview of long lines')
            [CompletionResult]::new('--passthru', '--passthru', [CompletionResultType]::ParameterName, 'Print every line, highlighting matches')
            [CompletionResult]::new('--passthrough', '--passthrough', [CompletionResultType]::ParameterName, 'Print every line, highlighting matches')
            [CompletionResult]::new('--no-context-separator', '--no-context-separator', [CompletionResultType]::ParameterName, 'Print nothing between context blocks')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Shorthand for --color=always --heading --line-number')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Shorthand for --color=always --heading --line-number')
            [CompletionResult]::new('--line-buffered', '--line-buffered', [CompletionResultType]::ParameterName, 'Flush after every line, even in a pipe')
            [CompletionResult]::new('--block-buffered', '--block-buffered', [CompletionResultType]::ParameterName, 'Buffer output in blocks, even on a terminal')
            [CompletionResult]::new('--no-messages', '--no-messages', [CompletionResultType]::ParameterName, 'Print no error messages about files (the exit status still says 2)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print statistics about the search after the results')
            [CompletionResult]::new('--no-stats', '--no-stats', [CompletionResultType]::ParameterName, 'no-stats')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Print the number of matching lines per file')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print the number of matching lines per file')
            [CompletionResult]::new('--count-matches', '--count-matches', [CompletionResultType]::ParameterName, 'Print the number of matches per file')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Print only the paths of files with a match')
            [CompletionResult]::new('--files-with-matches', '--files-with-matches', [CompletionResultType]::ParameterName, 'Print only the paths of files with a match')
            [CompletionResult]::new('--files-without-match', '--files-without-match', [CompletionResultType]::ParameterName, 'Print only the paths of files without a match')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print results as JSON Lines in ripgrep''s format (begin, match, context, end, summary)')
            [CompletionResult]::new('--files', '--files', [CompletionResultType]::ParameterName, 'Print the files that would be searched, and search nothing')
            [CompletionResult]::new('--type-list', '--type-list', [CompletionResultType]::ParameterName, 'Print every known file type and its globs')
            [CompletionResult]::new('--include-zero', '--include-zero', [CompletionResultType]::ParameterName, 'With -c or --count-matches, also print files with zero matches')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing; exit 0 at the first match')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing; exit 0 at the first match')
            [CompletionResult]::new('--no-daemon', '--no-daemon', [CompletionResultType]::ParameterName, 'Search without the daemon, even when one serves this tree')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Say on stderr who answered: the daemon (its root and pid) or a one-shot search, and why the daemon did not')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('daemon', 'daemon', [CompletionResultType]::ParameterValue, 'Manage the resident daemon that answers searches from memory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgrep-lite;daemon' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Load the tree under PATH into memory and serve searches of it')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the daemon serving PATH (default: the current directory), or every daemon of this user with --all')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every daemon of this user: root, pid, files, memory, uptime')
            [CompletionResult]::new('bench-scan', 'bench-scan', [CompletionResultType]::ParameterValue, 'Benchmarking aid: time one bare memmem pass for LITERAL over every byte the daemon holds (the physical limit of a scanning search)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what the daemon serving PATH holds and does')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgrep-lite;daemon;start' {
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Worker threads, each owning a shard (default, or 0: available cores; at most 256)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Stop after this long without a request (e.g. 30m, 2h, 90s; 0 never stops). Default: 2h')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Hold at most this many bytes of file contents in memory (e.g. 0, 512M, 2G); files beyond it are read from disk (the page cache) when the index makes them candidates. The index itself is always held. Default: a quarter of physical memory, at most 4G')
            [CompletionResult]::new('--poll', '--poll', [CompletionResultType]::ParameterName, 'Poll the tree for changes instead of using file notifications')
            [CompletionResult]::new('--foreground', '--foreground', [CompletionResultType]::ParameterName, 'Serve from this process instead of starting a background one')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pgrep-lite;daemon;stop' {
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Stop every daemon of this user')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pgrep-lite;daemon;list' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the list as JSON (one status object per daemon)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pgrep-lite;daemon;bench-scan' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pgrep-lite;daemon;status' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the status as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pgrep-lite;daemon;help' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Load the tree under PATH into memory and serve searches of it')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the daemon serving PATH (default: the current directory), or every daemon of this user with --all')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every daemon of this user: root, pid, files, memory, uptime')
            [CompletionResult]::new('bench-scan', 'bench-scan', [CompletionResultType]::ParameterValue, 'Benchmarking aid: time one bare memmem pass for LITERAL over every byte the daemon holds (the physical limit of a scanning search)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what the daemon serving PATH holds and does')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgrep-lite;daemon;help;start' {
            break
        }
        'pgrep-lite;daemon;help;stop' {
            break
        }
        'pgrep-lite;daemon;help;list' {
            break
        }
        'pgrep-lite;daemon;help;bench-scan' {
            break
        }
        'pgrep-lite;daemon;help;status' {
            break
        }
        'pgrep-lite;daemon;help;help' {
            break
        }
        'pgrep-lite;help' {
            [CompletionResult]::new('daemon', 'daemon', [CompletionResultType]::ParameterValue, 'Manage the resident daemon that answers searches from memory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pgrep-lite;help;daemon' {
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Load the tree under PATH into memory and serve searches of it')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the daemon serving PATH (default: the current directory), or every daemon of this user with --all')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every daemon of this user: root, pid, files, memory, uptime')
            [CompletionResult]::new('bench-scan', 'bench-scan', [CompletionResultType]::ParameterValue, 'Benchmarking aid: time one bare memmem pass for LITERAL over every byte the daemon holds (the physical limit of a scanning search)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what the daemon serving PATH holds and does')
            break
        }
        'pgrep-lite;help;daemon;start' {
            break
        }
        'pgrep-lite;help;daemon;stop' {
            break
        }
        'pgrep-lite;help;daemon;list' {
            break
        }
        'pgrep-lite;help;daemon;bench-scan' {
            break
        }
        'pgrep-lite;help;daemon;status' {
            break
        }
        'pgrep-lite;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
