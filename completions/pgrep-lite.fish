# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pgrep_lite_global_optspecs
    string join \n e/regexp= f/file= L/follow no-follow a/text binary crlf no-crlf F/fixed-strings no-fixed-strings i/ignore-case s/case-sensitive S/smart-case w/word-regexp x/line-regexp v/invert-match U/multiline no-multiline multiline-dotall m/max-count= j/threads= g/glob= iglob= glob-case-insensitive t/type= T/type-not= type-add= type-clear= ./hidden no-hidden no-ignore ignore no-ignore-vcs no-ignore-parent no-ignore-dot no-ignore-exclude no-ignore-global no-ignore-files no-require-git ignore-file= u/unrestricted d/max-depth= max-filesize= n/line-number N/no-line-number column no-column b/byte-offset heading no-heading H/with-filename I/no-filename o/only-matching r/replace= vimgrep 0/null trim M/max-columns= max-columns-preview A/after-context= B/before-context= C/context= passthru context-separator= no-context-separator field-match-separator= field-context-separator= p/pretty color= colors= sort= line-buffered block-buffered no-messages stats no-stats c/count count-matches l/files-with-matches files-without-match json files type-list include-zero q/quiet no-daemon debug generate= h/help V/version
end

function __fish_pgrep_lite_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pgrep_lite_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pgrep_lite_using_subcommand
    set -l cmd (__fish_pgrep_lite_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s e -l regexp -d 'A pattern to search for; repeat to search for any of several' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s f -l file -d 'Read patterns from a file, one per line (`-` for standard input)' -r -F
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s m -l max-count -d 'Stop searching a file after NUM matching lines' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s j -l threads -d 'Search with NUM threads (default: available cores, at most 12)' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s g -l glob -d 'Include or exclude files and directories matching GLOB (`!GLOB` excludes). Globs take precedence over ignore files. Repeatable' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l iglob -d 'Like -g, case-insensitively' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s t -l type -d 'Only search files of type TYPE (see --type-list). Repeatable' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s T -l type-not -d 'Do not search files of type TYPE. Repeatable' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l type-add -d 'Add a file type: `name:glob` or `name:include:other,types`' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l type-clear -d 'Forget the globs of a file type' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l ignore-file -d 'An extra ignore file in gitignore syntax (lowest precedence)' -r -F
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s d -l max-depth -l maxdepth -d 'Descend at most NUM directories below each path' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l max-filesize -d 'Skip files larger than NUM bytes (suffixes K, M, G)' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s r -l replace -d 'Replace every match with REPLACEMENT in the output (`$1`, `$name` refer to capture groups). Files are never changed' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s M -l max-columns -d 'Do not print lines longer than NUM bytes (a notice instead)' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s A -l after-context -d 'Show NUM lines after each match' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s B -l before-context -d 'Show NUM lines before each match' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s C -l context -d 'Show NUM lines before and after each match' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l context-separator -d 'The line between non-adjacent context blocks (default `--`)' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l field-match-separator -d 'Separator after the path and line number of a matching line' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l field-context-separator -d 'Separator after the path and line number of a context line' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l color -d 'Colour the output: auto, always, never' -r -f -a "auto\t'Colour when standard output is a terminal and NO_COLOR is not set'
always\t'Always colour (ANSI escapes)'
ansi\t'Same as always'
never\t'Never colour'"
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l colors -d 'Colour settings in ripgrep\'s syntax, e.g. `match:fg:blue`' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l sort -d 'Order of the output. `path` is deterministic and still parallel' -r -f -a "none\t'No order: results as they are found (fastest)'
path\t'By file path. Unlike ripgrep, this still searches in parallel'"
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l generate -d 'Print a man page or a shell completion script, and exit' -r -f -a "man\t''
complete-bash\t''
complete-zsh\t''
complete-fish\t''
complete-elvish\t''
complete-powershell\t''"
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s L -l follow -d 'Search following symbolic links (loops are detected and reported)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-follow -d 'Do not follow symbolic links (the default)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s a -l text -d 'Search binary files as if they were text'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l binary -d 'Search binary files found by the walk too, printing only whether they match ("binary file matches")'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l crlf -d 'Treat CRLF (\\r\\n) as a line terminator: `$` matches before \\r'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-crlf
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s F -l fixed-strings -d 'Treat the patterns as literal strings, not regular expressions'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-fixed-strings
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s i -l ignore-case -d 'Match case-insensitively (Unicode-aware)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s s -l case-sensitive -d 'Match case-sensitively (the default)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s S -l smart-case -d 'Case-insensitive unless a pattern contains an upper-case letter'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s w -l word-regexp -d 'Only match whole words'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s x -l line-regexp -d 'Only match whole lines'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s v -l invert-match -d 'Select the lines that do not match'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s U -l multiline -d 'Let a match span lines; `\\n` may then appear in a pattern'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-multiline
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l multiline-dotall -d 'With -U, let `.` match line terminators too'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l glob-case-insensitive -d 'Make every -g glob case-insensitive'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s . -l hidden -d 'Search hidden files and directories'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-hidden
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-ignore -d 'Ignore no ignore file (.gitignore, .ignore, .rgignore, excludes)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l ignore
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-ignore-vcs -d 'Do not honour .gitignore, .git/info/exclude or the global excludes'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-ignore-parent -d 'Do not honour ignore files in parent directories'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-ignore-dot -d 'Do not honour .ignore and .rgignore files'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-ignore-exclude -d 'Do not honour .git/info/exclude'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-ignore-global -d 'Do not honour the global gitignore (core.excludesFile)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-ignore-files -d 'Do not honour --ignore-file'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-require-git -d 'Apply .gitignore rules even outside a git repository'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s u -l unrestricted -d 'Less filtering: -u is --no-ignore, -uu adds --hidden, -uuu adds --binary'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s n -l line-number -d 'Show line numbers (default on a terminal)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s N -l no-line-number -d 'Do not show line numbers'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l column -d 'Show the column (1-based byte offset) of the first match'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-column
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s b -l byte-offset -d 'Show the byte offset of each line (or match, with -o)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l heading -d 'Group matches under each file name (default on a terminal)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-heading -d 'Print `path:line:text` on every line (default in a pipe)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s H -l with-filename -d 'Always print the file name'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s I -l no-filename -d 'Never print the file name'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s o -l only-matching -d 'Print only the matched parts, each on its own line'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l vimgrep -d 'Print every match as `path:line:column:text`, one per line'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s 0 -l null -d 'Follow each path with a NUL byte instead of `:` or a newline'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l trim -d 'Strip leading ASCII whitespace from printed lines'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l max-columns-preview -d 'With -M, print a preview of long lines'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l passthru -l passthrough -d 'Print every line, highlighting matches'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-context-separator -d 'Print nothing between context blocks'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s p -l pretty -d 'Shorthand for --color=always --heading --line-number'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l line-buffered -d 'Flush after every line, even in a pipe'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l block-buffered -d 'Buffer output in blocks, even on a terminal'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-messages -d 'Print no error messages about files (the exit status still says 2)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l stats -d 'Print statistics about the search after the results'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-stats
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s c -l count -d 'Print the number of matching lines per file'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l count-matches -d 'Print the number of matches per file'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s l -l files-with-matches -d 'Print only the paths of files with a match'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l files-without-match -d 'Print only the paths of files without a match'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l json -d 'Print results as JSON Lines in ripgrep\'s format (begin, match, context, end, summary)'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l files -d 'Print the files that would be searched, and search nothing'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l type-list -d 'Print every known file type and its globs'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l include-zero -d 'With -c or --count-matches, also print files with zero matches'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s q -l quiet -d 'Print nothing; exit 0 at the first match'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l no-daemon -d 'Search without the daemon, even when one serves this tree'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -l debug -d 'Say on stderr who answered: the daemon (its root and pid) or a one-shot search, and why the daemon did not'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -s V -l version -d 'Print version'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -a "daemon" -d 'Manage the resident daemon that answers searches from memory'
complete -c pgrep-lite -n "__fish_pgrep_lite_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and not __fish_seen_subcommand_from start stop list bench-scan status help" -s h -l help -d 'Print help'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and not __fish_seen_subcommand_from start stop list bench-scan status help" -f -a "start" -d 'Load the tree under PATH into memory and serve searches of it'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and not __fish_seen_subcommand_from start stop list bench-scan status help" -f -a "stop" -d 'Stop the daemon serving PATH (default: the current directory), or every daemon of this user with --all'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and not __fish_seen_subcommand_from start stop list bench-scan status help" -f -a "list" -d 'List every daemon of this user: root, pid, files, memory, uptime'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and not __fish_seen_subcommand_from start stop list bench-scan status help" -f -a "bench-scan" -d 'Benchmarking aid: time one bare memmem pass for LITERAL over every byte the daemon holds (the physical limit of a scanning search)'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and not __fish_seen_subcommand_from start stop list bench-scan status help" -f -a "status" -d 'Show what the daemon serving PATH holds and does'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and not __fish_seen_subcommand_from start stop list bench-scan status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from start" -l workers -d 'Worker threads, each owning a shard (default, or 0: available cores; at most 256)' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from start" -l idle-timeout -d 'Stop after this long without a request (e.g. 30m, 2h, 90s; 0 never stops). Default: 2h' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from start" -l memory -d 'Hold at most this many bytes of file contents in memory (e.g. 0, 512M, 2G); files beyond it are read from disk (the page cache) when the index makes them candidates. The index itself is always held. Default: a quarter of physical memory, at most 4G' -r
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from start" -l poll -d 'Poll the tree for changes instead of using file notifications'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from start" -l foreground -d 'Serve from this process instead of starting a background one'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from stop" -l all -d 'Stop every daemon of this user'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from list" -l json -d 'Print the list as JSON (one status object per daemon)'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from bench-scan" -s h -l help -d 'Print help'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from status" -l json -d 'Print the status as JSON'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from help" -f -a "start" -d 'Load the tree under PATH into memory and serve searches of it'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop the daemon serving PATH (default: the current directory), or every daemon of this user with --all'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from help" -f -a "list" -d 'List every daemon of this user: root, pid, files, memory, uptime'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from help" -f -a "bench-scan" -d 'Benchmarking aid: time one bare memmem pass for LITERAL over every byte the daemon holds (the physical limit of a scanning search)'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show what the daemon serving PATH holds and does'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand daemon; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand help; and not __fish_seen_subcommand_from daemon help" -f -a "daemon" -d 'Manage the resident daemon that answers searches from memory'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand help; and not __fish_seen_subcommand_from daemon help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand help; and __fish_seen_subcommand_from daemon" -f -a "start" -d 'Load the tree under PATH into memory and serve searches of it'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand help; and __fish_seen_subcommand_from daemon" -f -a "stop" -d 'Stop the daemon serving PATH (default: the current directory), or every daemon of this user with --all'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand help; and __fish_seen_subcommand_from daemon" -f -a "list" -d 'List every daemon of this user: root, pid, files, memory, uptime'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand help; and __fish_seen_subcommand_from daemon" -f -a "bench-scan" -d 'Benchmarking aid: time one bare memmem pass for LITERAL over every byte the daemon holds (the physical limit of a scanning search)'
complete -c pgrep-lite -n "__fish_pgrep_lite_using_subcommand help; and __fish_seen_subcommand_from daemon" -f -a "status" -d 'Show what the daemon serving PATH holds and does'
