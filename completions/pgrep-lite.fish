complete -c pgrep-lite -s e -l regexp -d 'A pattern to search for; repeat to search for any of several' -r
complete -c pgrep-lite -s f -l file -d 'Read patterns from a file, one per line (`-` for standard input)' -r -F
complete -c pgrep-lite -s E -l encoding -d 'Decode every file from ENCODING (any WHATWG label: utf-16le, sjis, euc-jp, latin1, ...) before searching; `none` searches the raw bytes and turns off BOM sniffing. Default: UTF-8, with UTF-16 files recognised by their byte-order mark' -r
complete -c pgrep-lite -l pre -d 'Search what COMMAND prints for each file instead of the file: it is run with the path as its argument and the file on its standard input. A failing command is that file\'s error' -r -F
complete -c pgrep-lite -l pre-glob -d 'Only run --pre on files matching GLOB (`!GLOB` excludes). Repeatable' -r
complete -c pgrep-lite -l engine -d 'The regex engine: `default` (Rust\'s regex), `pcre2`, or `auto` (PCRE2 only for patterns the default engine cannot compile)' -r -f -a "default\t'Rust\'s regex crate: linear time, no look-around'
pcre2\t'PCRE2: look-around and backreferences'
auto\t'The default engine, or PCRE2 for patterns it cannot compile'"
complete -c pgrep-lite -l dfa-size-limit -d 'The most memory the regex engine\'s lazy DFA may use (suffixes K, M, G)' -r
complete -c pgrep-lite -l regex-size-limit -d 'The largest compiled regex allowed (suffixes K, M, G)' -r
complete -c pgrep-lite -s m -l max-count -d 'Stop searching a file after NUM matching lines' -r
complete -c pgrep-lite -s j -l threads -d 'Search with NUM threads (default: available cores, at most 12)' -r
complete -c pgrep-lite -s g -l glob -d 'Include or exclude files and directories matching GLOB (`!GLOB` excludes). Globs take precedence over ignore files. Repeatable' -r
complete -c pgrep-lite -l iglob -d 'Like -g, case-insensitively' -r
complete -c pgrep-lite -s t -l type -d 'Only search files of type TYPE (see --type-list). Repeatable' -r
complete -c pgrep-lite -s T -l type-not -d 'Do not search files of type TYPE. Repeatable' -r
complete -c pgrep-lite -l type-add -d 'Add a file type: `name:glob` or `name:include:other,types`' -r
complete -c pgrep-lite -l type-clear -d 'Forget the globs of a file type' -r
complete -c pgrep-lite -l ignore-file -d 'An extra ignore file in gitignore syntax (lowest precedence)' -r -F
complete -c pgrep-lite -s d -l max-depth -l maxdepth -d 'Descend at most NUM directories below each path' -r
complete -c pgrep-lite -l max-filesize -d 'Skip files larger than NUM bytes (suffixes K, M, G)' -r
complete -c pgrep-lite -s r -l replace -d 'Replace every match with REPLACEMENT in the output (`$1`, `$name` refer to capture groups). Files are never changed' -r
complete -c pgrep-lite -l path-separator -d 'Print paths with SEPARATOR (one byte) between their components instead of `/`' -r
complete -c pgrep-lite -l hyperlink-format -d 'Print paths as terminal hyperlinks in FORMAT (`default`, `file`, `vscode`, `cursor`, ... or a template with {path}, {line}, {column}, {host}, {wslprefix}); `none` turns them off' -r
complete -c pgrep-lite -l hostname-bin -d 'A program that prints this host\'s name, for {host} in hyperlinks' -r -F
complete -c pgrep-lite -s M -l max-columns -d 'Do not print lines longer than NUM bytes (a notice instead)' -r
complete -c pgrep-lite -s A -l after-context -d 'Show NUM lines after each match (overrides --passthru)' -r
complete -c pgrep-lite -s B -l before-context -d 'Show NUM lines before each match (overrides --passthru)' -r
complete -c pgrep-lite -s C -l context -d 'Show NUM lines before and after each match (overrides --passthru)' -r
complete -c pgrep-lite -l context-separator -d 'The line between non-adjacent context blocks (default `--`)' -r
complete -c pgrep-lite -l field-match-separator -d 'Separator after the path and line number of a matching line' -r
complete -c pgrep-lite -l field-context-separator -d 'Separator after the path and line number of a context line' -r
complete -c pgrep-lite -l color -l colour -d 'Colour the output: auto, always, never' -r -f -a "auto\t'Colour when standard output is a terminal and NO_COLOR is not set'
always\t'Always colour (ANSI escapes)'
ansi\t'Same as always'
never\t'Never colour'"
complete -c pgrep-lite -l colors -d 'Colour settings in ripgrep\'s syntax, e.g. `match:fg:blue`' -r
complete -c pgrep-lite -l sort -d 'Order of the output, ascending. `path` is deterministic and still parallel; `modified`, `accessed` and `created` sort by file time' -r -f -a "none\t'No order: results as they are found (fastest)'
path\t'By file path. Unlike ripgrep, this still searches in parallel'
modified\t'By last modification time'
accessed\t'By last access time'
created\t'By creation time'"
complete -c pgrep-lite -l sortr -d 'Like --sort, descending' -r -f -a "none\t'No order: results as they are found (fastest)'
path\t'By file path. Unlike ripgrep, this still searches in parallel'
modified\t'By last modification time'
accessed\t'By last access time'
created\t'By creation time'"
complete -c pgrep-lite -l generate -d 'Print a man page or a shell completion script, and exit' -r -f -a "man\t''
complete-bash\t''
complete-zsh\t''
complete-fish\t''
complete-elvish\t''
complete-powershell\t''"
complete -c pgrep-lite -l daemon -d 'Manage the resident daemon that answers searches from memory: `start [PATH]`, `stop [PATH]`, `status [PATH]`, `list`. Any word may still be a pattern: `pgrep-lite start` searches for "start"' -r -f -a "start\t'Load the tree under PATH (default: the git repository containing the current directory, else the current directory) into memory and serve searches of it; returns once the daemon is ready'
stop\t'Stop the daemon serving PATH (default: the current directory), or every daemon of this user with --all'
status\t'Show what the daemon serving PATH holds and does'
list\t'List every daemon of this user: root, pid, files, memory, uptime'"
complete -c pgrep-lite -l workers -d 'With `--daemon start`: worker threads, each owning a shard (default, or 0: available cores; at most 256)' -r
complete -c pgrep-lite -l idle-timeout -d 'With `--daemon start`: stop after this long without a request (e.g. 30m, 2h, 90s; 0 never stops). Default: 2h' -r
complete -c pgrep-lite -l memory -d 'With `--daemon start`: hold at most this many bytes of file contents in memory (e.g. 0, 512M, 2G); files beyond it are read from disk (the page cache) when the index makes them candidates. The index itself is always held. Default: a quarter of physical memory, at most 4G' -r
complete -c pgrep-lite -s L -l follow -d 'Search following symbolic links (loops are detected and reported)'
complete -c pgrep-lite -l no-follow -d 'Do not follow symbolic links (the default)'
complete -c pgrep-lite -s a -l text -d 'Search binary files as if they were text'
complete -c pgrep-lite -l no-text
complete -c pgrep-lite -l binary -d 'Search binary files found by the walk too, printing only whether they match ("binary file matches")'
complete -c pgrep-lite -l no-binary
complete -c pgrep-lite -l crlf -d 'Treat CRLF (\\r\\n) as a line terminator: `$` matches before \\r. Turns --null-data off (and --null-data turns it off)'
complete -c pgrep-lite -l no-crlf
complete -c pgrep-lite -l null-data -d 'Treat the input as NUL-terminated records ("lines"), as `find -print0` or `xargs -0` data; implies --text'
complete -c pgrep-lite -l no-encoding
complete -c pgrep-lite -s z -l search-zip -d 'Search inside compressed files (gzip, bzip2, xz, lzma, lz4, zstd, brotli, compress) through their decompression programs, which must be on PATH. Turns --pre off (and --pre turns it off)'
complete -c pgrep-lite -l no-search-zip
complete -c pgrep-lite -l no-pre
complete -c pgrep-lite -l mmap -d 'Search each file as one block in memory, as ripgrep does through a memory map (its output in the few cases where the two differ, such as where binary data is noticed). pgrep-lite reads the file into memory instead of mapping it, so a file truncated meanwhile cannot kill the run with SIGBUS; files over 64 MiB are read through the bounded buffer, as without --mmap'
complete -c pgrep-lite -l no-mmap -d 'Read files through a bounded buffer (the default)'
complete -c pgrep-lite -s F -l fixed-strings -d 'Treat the patterns as literal strings, not regular expressions'
complete -c pgrep-lite -l no-fixed-strings
complete -c pgrep-lite -s i -l ignore-case -d 'Match case-insensitively (Unicode-aware)'
complete -c pgrep-lite -s s -l case-sensitive -d 'Match case-sensitively (the default)'
complete -c pgrep-lite -s S -l smart-case -d 'Case-insensitive unless a pattern contains an upper-case letter'
complete -c pgrep-lite -s w -l word-regexp -d 'Only match whole words'
complete -c pgrep-lite -s x -l line-regexp -d 'Only match whole lines'
complete -c pgrep-lite -s v -l invert-match -d 'Select the lines that do not match'
complete -c pgrep-lite -l no-invert-match
complete -c pgrep-lite -s P -l pcre2 -d 'Use PCRE2 for the patterns (look-around, backreferences); same as `--engine pcre2`'
complete -c pgrep-lite -l no-pcre2
complete -c pgrep-lite -l auto-hybrid-regex
complete -c pgrep-lite -l no-auto-hybrid-regex
complete -c pgrep-lite -l pcre2-version -d 'Print the version of PCRE2 in use, and exit'
complete -c pgrep-lite -l no-unicode -d 'Let `\\w`, `\\d`, `\\s`, `\\b` and case folding mean their ASCII versions only (and `.` match any byte but a newline)'
complete -c pgrep-lite -l unicode
complete -c pgrep-lite -l no-pcre2-unicode
complete -c pgrep-lite -l pcre2-unicode
complete -c pgrep-lite -l stop-on-nonmatch -d 'Stop reading a file at the first non-matching line after a matching one (for sorted data). Turns -U off (and -U turns it off), as in ripgrep'
complete -c pgrep-lite -s U -l multiline -d 'Let a match span lines; `\\n` may then appear in a pattern'
complete -c pgrep-lite -l no-multiline
complete -c pgrep-lite -l multiline-dotall -d 'With -U, let `.` match line terminators too'
complete -c pgrep-lite -l no-multiline-dotall
complete -c pgrep-lite -l glob-case-insensitive -d 'Make every -g glob case-insensitive'
complete -c pgrep-lite -l no-glob-case-insensitive
complete -c pgrep-lite -s . -l hidden -d 'Search hidden files and directories'
complete -c pgrep-lite -l no-hidden
complete -c pgrep-lite -l no-ignore -d 'Ignore no ignore file (.gitignore, .ignore, .rgignore, excludes)'
complete -c pgrep-lite -l ignore
complete -c pgrep-lite -l no-ignore-vcs -d 'Do not honour .gitignore, .git/info/exclude or the global excludes'
complete -c pgrep-lite -l ignore-vcs
complete -c pgrep-lite -l no-ignore-parent -d 'Do not honour ignore files in parent directories'
complete -c pgrep-lite -l ignore-parent
complete -c pgrep-lite -l no-ignore-dot -d 'Do not honour .ignore and .rgignore files'
complete -c pgrep-lite -l ignore-dot
complete -c pgrep-lite -l no-ignore-exclude -d 'Do not honour .git/info/exclude'
complete -c pgrep-lite -l ignore-exclude
complete -c pgrep-lite -l no-ignore-global -d 'Do not honour the global gitignore (core.excludesFile)'
complete -c pgrep-lite -l ignore-global
complete -c pgrep-lite -l no-ignore-files -d 'Do not honour --ignore-file'
complete -c pgrep-lite -l ignore-files
complete -c pgrep-lite -l no-require-git -d 'Apply .gitignore rules even outside a git repository'
complete -c pgrep-lite -l require-git
complete -c pgrep-lite -l ignore-file-case-insensitive -d 'Match the globs of ignore files case-insensitively'
complete -c pgrep-lite -l no-ignore-file-case-insensitive
complete -c pgrep-lite -l no-ignore-messages -d 'Do not report errors while reading ignore files'
complete -c pgrep-lite -l ignore-messages
complete -c pgrep-lite -l one-file-system -d 'Do not cross file system boundaries below each path'
complete -c pgrep-lite -l no-one-file-system
complete -c pgrep-lite -s u -l unrestricted -d 'Less filtering: -u is --no-ignore, -uu adds --hidden, -uuu adds --binary'
complete -c pgrep-lite -s n -l line-number -d 'Show line numbers (default on a terminal)'
complete -c pgrep-lite -s N -l no-line-number -d 'Do not show line numbers'
complete -c pgrep-lite -l column -d 'Show the column (1-based byte offset) of the first match'
complete -c pgrep-lite -l no-column
complete -c pgrep-lite -s b -l byte-offset -d 'Show the byte offset of each line (or match, with -o)'
complete -c pgrep-lite -l no-byte-offset
complete -c pgrep-lite -l heading -d 'Group matches under each file name (default on a terminal)'
complete -c pgrep-lite -l no-heading -d 'Print `path:line:text` on every line (default in a pipe)'
complete -c pgrep-lite -s H -l with-filename -d 'Always print the file name'
complete -c pgrep-lite -s I -l no-filename -d 'Never print the file name'
complete -c pgrep-lite -s o -l only-matching -d 'Print only the matched parts, each on its own line'
complete -c pgrep-lite -l vimgrep -d 'Print every match as `path:line:column:text`, one per line'
complete -c pgrep-lite -s 0 -l null -d 'Follow each path with a NUL byte instead of `:` or a newline'
complete -c pgrep-lite -l trim -d 'Strip leading ASCII whitespace from printed lines'
complete -c pgrep-lite -l no-trim
complete -c pgrep-lite -l max-columns-preview -d 'With -M, print a preview of long lines'
complete -c pgrep-lite -l no-max-columns-preview
complete -c pgrep-lite -l passthru -l passthrough -d 'Print every line, highlighting matches (overrides -A, -B, -C)'
complete -c pgrep-lite -l no-context-separator -d 'Print nothing between context blocks'
complete -c pgrep-lite -s p -l pretty -d 'Shorthand for --color=always --heading --line-number'
complete -c pgrep-lite -l sort-files -d 'Same as `--sort path` (an older spelling, kept for scripts)'
complete -c pgrep-lite -l no-sort-files
complete -c pgrep-lite -l line-buffered -d 'Flush after every line, even in a pipe'
complete -c pgrep-lite -l no-line-buffered
complete -c pgrep-lite -l block-buffered -d 'Buffer output in blocks, even on a terminal'
complete -c pgrep-lite -l no-block-buffered
complete -c pgrep-lite -l no-messages -d 'Print no error messages about files (the exit status still says 2)'
complete -c pgrep-lite -l messages
complete -c pgrep-lite -l stats -d 'Print statistics about the search after the results'
complete -c pgrep-lite -l no-stats
complete -c pgrep-lite -s c -l count -d 'Print the number of matching lines per file'
complete -c pgrep-lite -l count-matches -d 'Print the number of matches per file'
complete -c pgrep-lite -s l -l files-with-matches -d 'Print only the paths of files with a match'
complete -c pgrep-lite -l files-without-match -d 'Print only the paths of files without a match'
complete -c pgrep-lite -l json -d 'Print results as JSON Lines in ripgrep\'s format (begin, match, context, end, summary)'
complete -c pgrep-lite -l no-json
complete -c pgrep-lite -l files -d 'Print the files that would be searched, and search nothing'
complete -c pgrep-lite -l type-list -d 'Print every known file type and its globs'
complete -c pgrep-lite -l include-zero -d 'With -c or --count-matches, also print files with zero matches'
complete -c pgrep-lite -l no-include-zero
complete -c pgrep-lite -s q -l quiet -d 'Print nothing; exit 0 at the first match'
complete -c pgrep-lite -l no-daemon -d 'Search without the daemon, even when one serves this tree'
complete -c pgrep-lite -l debug -d 'Print debugging information on stderr: who answered (the daemon, with its root and pid, or a one-shot search, and why the daemon did not), and why files are skipped'
complete -c pgrep-lite -l trace -d 'Like --debug, with more detail'
complete -c pgrep-lite -l no-config -d 'Read no configuration file (PGREP_LITE_CONFIG_PATH, else RIPGREP_CONFIG_PATH)'
complete -c pgrep-lite -l poll -d 'With `--daemon start`: poll the tree for changes instead of using file notifications'
complete -c pgrep-lite -l foreground -d 'With `--daemon start`: serve from this process instead of starting a background one'
complete -c pgrep-lite -l all -d 'With `--daemon stop`: stop every daemon of this user'
complete -c pgrep-lite -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgrep-lite -s V -l version -d 'Print version'
