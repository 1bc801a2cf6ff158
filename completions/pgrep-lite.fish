complete -c pgrep-lite -s e -l regexp -d 'A pattern to search for; repeat to search for any of several' -r
complete -c pgrep-lite -s f -l file -d 'Read patterns from a file, one per line (`-` for standard input)' -r -F
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
complete -c pgrep-lite -s M -l max-columns -d 'Do not print lines longer than NUM bytes (a notice instead)' -r
complete -c pgrep-lite -s A -l after-context -d 'Show NUM lines after each match' -r
complete -c pgrep-lite -s B -l before-context -d 'Show NUM lines before each match' -r
complete -c pgrep-lite -s C -l context -d 'Show NUM lines before and after each match' -r
complete -c pgrep-lite -l context-separator -d 'The line between non-adjacent context blocks (default `--`)' -r
complete -c pgrep-lite -l field-match-separator -d 'Separator after the path and line number of a matching line' -r
complete -c pgrep-lite -l field-context-separator -d 'Separator after the path and line number of a context line' -r
complete -c pgrep-lite -l color -d 'Colour the output: auto, always, never' -r -f -a "auto\t'Colour when standard output is a terminal and NO_COLOR is not set'
always\t'Always colour (ANSI escapes)'
ansi\t'Same as always'
never\t'Never colour'"
complete -c pgrep-lite -l colors -d 'Colour settings in ripgrep\'s syntax, e.g. `match:fg:blue`' -r
complete -c pgrep-lite -l sort -d 'Order of the output. `path` is deterministic and still parallel' -r -f -a "none\t'No order: results as they are found (fastest)'
path\t'By file path. Unlike ripgrep, this still searches in parallel'"
complete -c pgrep-lite -l generate -d 'Print a man page or a shell completion script, and exit' -r -f -a "man\t''
complete-bash\t''
complete-zsh\t''
complete-fish\t''
complete-elvish\t''
complete-powershell\t''"
complete -c pgrep-lite -s L -l follow -d 'Search following symbolic links (loops are detected and reported)'
complete -c pgrep-lite -l no-follow -d 'Do not follow symbolic links (the default)'
complete -c pgrep-lite -s a -l text -d 'Search binary files as if they were text'
complete -c pgrep-lite -l binary -d 'Search binary files found by the walk too, printing only whether they match ("binary file matches")'
complete -c pgrep-lite -l crlf -d 'Treat CRLF (\\r\\n) as a line terminator: `$` matches before \\r'
complete -c pgrep-lite -l no-crlf
complete -c pgrep-lite -s F -l fixed-strings -d 'Treat the patterns as literal strings, not regular expressions'
complete -c pgrep-lite -l no-fixed-strings
complete -c pgrep-lite -s i -l ignore-case -d 'Match case-insensitively (Unicode-aware)'
complete -c pgrep-lite -s s -l case-sensitive -d 'Match case-sensitively (the default)'
complete -c pgrep-lite -s S -l smart-case -d 'Case-insensitive unless a pattern contains an upper-case letter'
complete -c pgrep-lite -s w -l word-regexp -d 'Only match whole words'
complete -c pgrep-lite -s x -l line-regexp -d 'Only match whole lines'
complete -c pgrep-lite -s v -l invert-match -d 'Select the lines that do not match'
complete -c pgrep-lite -s U -l multiline -d 'Let a match span lines; `\\n` may then appear in a pattern'
complete -c pgrep-lite -l no-multiline
complete -c pgrep-lite -l multiline-dotall -d 'With -U, let `.` match line terminators too'
complete -c pgrep-lite -l glob-case-insensitive -d 'Make every -g glob case-insensitive'
complete -c pgrep-lite -s . -l hidden -d 'Search hidden files and directories'
complete -c pgrep-lite -l no-hidden
complete -c pgrep-lite -l no-ignore -d 'Ignore no ignore file (.gitignore, .ignore, .rgignore, excludes)'
complete -c pgrep-lite -l ignore
complete -c pgrep-lite -l no-ignore-vcs -d 'Do not honour .gitignore, .git/info/exclude or the global excludes'
complete -c pgrep-lite -l no-ignore-parent -d 'Do not honour ignore files in parent directories'
complete -c pgrep-lite -l no-ignore-dot -d 'Do not honour .ignore and .rgignore files'
complete -c pgrep-lite -l no-ignore-exclude -d 'Do not honour .git/info/exclude'
complete -c pgrep-lite -l no-ignore-global -d 'Do not honour the global gitignore (core.excludesFile)'
complete -c pgrep-lite -l no-ignore-files -d 'Do not honour --ignore-file'
complete -c pgrep-lite -l no-require-git -d 'Apply .gitignore rules even outside a git repository'
complete -c pgrep-lite -s u -l unrestricted -d 'Less filtering: -u is --no-ignore, -uu adds --hidden, -uuu adds --binary'
complete -c pgrep-lite -s n -l line-number -d 'Show line numbers (default on a terminal)'
complete -c pgrep-lite -s N -l no-line-number -d 'Do not show line numbers'
complete -c pgrep-lite -l column -d 'Show the column (1-based byte offset) of the first match'
complete -c pgrep-lite -l no-column
complete -c pgrep-lite -s b -l byte-offset -d 'Show the byte offset of each line (or match, with -o)'
complete -c pgrep-lite -l heading -d 'Group matches under each file name (default on a terminal)'
complete -c pgrep-lite -l no-heading -d 'Print `path:line:text` on every line (default in a pipe)'
complete -c pgrep-lite -s H -l with-filename -d 'Always print the file name'
complete -c pgrep-lite -s I -l no-filename -d 'Never print the file name'
complete -c pgrep-lite -s o -l only-matching -d 'Print only the matched parts, each on its own line'
complete -c pgrep-lite -l vimgrep -d 'Print every match as `path:line:column:text`, one per line'
complete -c pgrep-lite -s 0 -l null -d 'Follow each path with a NUL byte instead of `:` or a newline'
complete -c pgrep-lite -l trim -d 'Strip leading ASCII whitespace from printed lines'
complete -c pgrep-lite -l max-columns-preview -d 'With -M, print a preview of long lines'
complete -c pgrep-lite -l passthru -l passthrough -d 'Print every line, highlighting matches'
complete -c pgrep-lite -l no-context-separator -d 'Print nothing between context blocks'
complete -c pgrep-lite -s p -l pretty -d 'Shorthand for --color=always --heading --line-number'
complete -c pgrep-lite -l line-buffered -d 'Flush after every line, even in a pipe'
complete -c pgrep-lite -l block-buffered -d 'Buffer output in blocks, even on a terminal'
complete -c pgrep-lite -l no-messages -d 'Print no error messages about files (the exit status still says 2)'
complete -c pgrep-lite -l stats -d 'Print statistics about the search after the results'
complete -c pgrep-lite -l no-stats
complete -c pgrep-lite -s c -l count -d 'Print the number of matching lines per file'
complete -c pgrep-lite -l count-matches -d 'Print the number of matches per file'
complete -c pgrep-lite -s l -l files-with-matches -d 'Print only the paths of files with a match'
complete -c pgrep-lite -l files-without-match -d 'Print only the paths of files without a match'
complete -c pgrep-lite -l json -d 'Print results as JSON Lines in ripgrep\'s format (begin, match, context, end, summary)'
complete -c pgrep-lite -l files -d 'Print the files that would be searched, and search nothing'
complete -c pgrep-lite -l type-list -d 'Print every known file type and its globs'
complete -c pgrep-lite -l include-zero -d 'With -c or --count-matches, also print files with zero matches'
complete -c pgrep-lite -s q -l quiet -d 'Print nothing; exit 0 at the first match'
complete -c pgrep-lite -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pgrep-lite -s V -l version -d 'Print version'
