
use builtin;
use str;

set edit:completion:arg-completer[pgrep-lite] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'pgrep-lite'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'pgrep-lite'= {
            cand -e 'A pattern to search for; repeat to search for any of several'
            cand --regexp 'A pattern to search for; repeat to search for any of several'
            cand -f 'Read patterns from a file, one per line (`-` for standard input)'
            cand --file 'Read patterns from a file, one per line (`-` for standard input)'
            cand -m 'Stop searching a file after NUM matching lines'
            cand --max-count 'Stop searching a file after NUM matching lines'
            cand -j 'Search with NUM threads (default: available cores, at most 12)'
            cand --threads 'Search with NUM threads (default: available cores, at most 12)'
            cand -g 'Include or exclude files and directories matching GLOB (`!GLOB` excludes). Globs take precedence over ignore files. Repeatable'
            cand --glob 'Include or exclude files and directories matching GLOB (`!GLOB` excludes). Globs take precedence over ignore files. Repeatable'
            cand --iglob 'Like -g, case-insensitively'
            cand -t 'Only search files of type TYPE (see --type-list). Repeatable'
            cand --type 'Only search files of type TYPE (see --type-list). Repeatable'
            cand -T 'Do not search files of type TYPE. Repeatable'
            cand --type-not 'Do not search files of type TYPE. Repeatable'
            cand --type-add 'Add a file type: `name:glob` or `name:include:other,types`'
            cand --type-clear 'Forget the globs of a file type'
            cand --ignore-file 'An extra ignore file in gitignore syntax (lowest precedence)'
            cand -d 'Descend at most NUM directories below each path'
            cand --max-depth 'Descend at most NUM directories below each path'
            cand --maxdepth 'Descend at most NUM directories below each path'
            cand --max-filesize 'Skip files larger than NUM bytes (suffixes K, M, G)'
            cand -r 'Replace every match with REPLACEMENT in the output (`$1`, `$name` refer to capture groups). Files are never changed'
            cand --replace 'Replace every match with REPLACEMENT in the output (`$1`, `$name` refer to capture groups). Files are never changed'
            cand -M 'Do not print lines longer than NUM bytes (a notice instead)'
            cand --max-columns 'Do not print lines longer than NUM bytes (a notice instead)'
            cand -A 'Show NUM lines after each match'
            cand --after-context 'Show NUM lines after each match'
            cand -B 'Show NUM lines before each match'
            cand --before-context 'Show NUM lines before each match'
            cand -C 'Show NUM lines before and after each match'
            cand --context 'Show NUM lines before and after each match'
            cand --context-separator 'The line between non-adjacent context blocks (default `--`)'
            cand --field-match-separator 'Separator after the path and line number of a matching line'
            cand --field-context-separator 'Separator after the path and line number of a context line'
            cand --color 'Colour the output: auto, always, never'
            cand --colors 'Colour settings in ripgrep''s syntax, e.g. `match:fg:blue`'
            cand --sort 'Order of the output. `path` is deterministic and still parallel'
            cand --generate 'Print a man page or a shell completion script, and exit'
            cand -L 'Search following symbolic links (loops are detected and reported)'
            cand --follow 'Search following symbolic links (loops are detected and reported)'
            cand --no-follow 'Do not follow symbolic links (the default)'
            cand -a 'Search binary files as if they were text'
            cand --text 'Search binary files as if they were text'
            cand --binary 'Search binary files found by the walk too, printing only whether they match ("binary file matches")'
            cand --crlf 'Treat CRLF (\r\n) as a line terminator: `$` matches before \r'
            cand --no-crlf 'no-crlf'
            cand -F 'Treat the patterns as literal strings, not regular expressions'
            cand --fixed-strings 'Treat the patterns as literal strings, not regular expressions'
            cand --no-fixed-strings 'no-fixed-strings'
            cand -i 'Match case-insensitively (Unicode-aware)'
            cand --ignore-case 'Match case-insensitively (Unicode-aware)'
            cand -s 'Match case-sensitively (the default)'
            cand --case-sensitive 'Match case-sensitively (the default)'
            cand -S 'Case-insensitive unless a pattern contains an upper-case letter'
            cand --smart-case 'Case-insensitive unless a pattern contains an upper-case letter'
            cand -w 'Only match whole words'
            cand --word-regexp 'Only match whole words'
            cand -x 'Only match whole lines'
            cand --line-regexp 'Only match whole lines'
            cand -v 'Select the lines that do not match'
            cand --invert-match 'Select the lines that do not match'
            cand -U 'Let a match span lines; `\n` may then appear in a pattern'
            cand --multiline 'Let a match span lines; `\n` may then appear in a pattern'
            cand --no-multiline 'no-multiline'
            cand --multiline-dotall 'With -U, let `.` match line terminators too'
            cand --glob-case-insensitive 'Make every -g glob case-insensitive'
            cand -. 'Search hidden files and directories'
            cand --hidden 'Search hidden files and directories'
            cand --no-hidden 'no-hidden'
            cand --no-ignore 'Ignore no ignore file (.gitignore, .ignore, .rgignore, excludes)'
            cand --ignore 'ignore'
            cand --no-ignore-vcs 'Do not honour .gitignore, .git/info/exclude or the global excludes'
            cand --no-ignore-parent 'Do not honour ignore files in parent directories'
            cand --no-ignore-dot 'Do not honour .ignore and .rgignore files'
            cand --no-ignore-exclude 'Do not honour .git/info/exclude'
            cand --no-ignore-global 'Do not honour the global gitignore (core.excludesFile)'
            cand --no-ignore-files 'Do not honour --ignore-file'
            cand --no-require-git 'Apply .gitignore rules even outside a git repository'
            cand -u 'Less filtering: -u is --no-ignore, -uu adds --hidden, -uuu adds --binary'
            cand --unrestricted 'Less filtering: -u is --no-ignore, -uu adds --hidden, -uuu adds --binary'
            cand -n 'Show line numbers (default on a terminal)'
            cand --line-number 'Show line numbers (default on a terminal)'
            cand -N 'Do not show line numbers'
            cand --no-line-number 'Do not show line numbers'
            cand --column 'Show the column (1-based byte offset) of the first match'
            cand --no-column 'no-column'
            cand -b 'Show the byte offset of each line (or match, with -o)'
            cand --byte-offset 'Show the byte offset of each line (or match, with -o)'
            cand --heading 'Group matches under each file name (default on a terminal)'
            cand --no-heading 'Print `path:line:text` on every line (default in a pipe)'
            cand -H 'Always print the file name'
            cand --with-filename 'Always print the file name'
            cand -I 'Never print the file name'
            cand --no-filename 'Never print the file name'
            cand -o 'Print only the matched parts, each on its own line'
            cand --only-matching 'Print only the matched parts, each on its own line'
            cand --vimgrep 'Print every match as `path:line:column:text`, one per line'
            cand -0 'Follow each path with a NUL byte instead of `:` or a newline'
            cand --null 'Follow each path with a NUL byte instead of `:` or a newline'
            cand --trim 'Strip leading ASCII whitespace from printed lines'
            cand --max-columns-preview 'With -M, print a preview of long lines'
            cand --passthru 'Print every line, highlighting matches'
            cand --passthrough 'Print every line, highlighting matches'
            cand --no-context-separator 'Print nothing between context blocks'
            cand -p 'Shorthand for --color=always --heading --line-number'
            cand --pretty 'Shorthand for --color=always --heading --line-number'
            cand --line-buffered 'Flush after every line, even in a pipe'
            cand --block-buffered 'Buffer output in blocks, even on a terminal'
            cand --no-messages 'Print no error messages about files (the exit status still says 2)'
            cand --stats 'Print statistics about the search after the results'
            cand --no-stats 'no-stats'
            cand -c 'Print the number of matching lines per file'
            cand --count 'Print the number of matching lines per file'
            cand --count-matches 'Print the number of matches per file'
            cand -l 'Print only the paths of files with a match'
            cand --files-with-matches 'Print only the paths of files with a match'
            cand --files-without-match 'Print only the paths of files without a match'
            cand --json 'Print results as JSON Lines in ripgrep''s format (begin, match, context, end, summary)'
            cand --files 'Print the files that would be searched, and search nothing'
            cand --type-list 'Print every known file type and its globs'
            cand --include-zero 'With -c or --count-matches, also print files with zero matches'
            cand -q 'Print nothing; exit 0 at the first match'
            cand --quiet 'Print nothing; exit 0 at the first match'
            cand --no-daemon 'Search without the daemon, even when one serves this tree'
            cand --debug 'Say on stderr who answered: the daemon (its root and pid) or a one-shot search, and why the daemon did not'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand daemon 'Manage the resident daemon that answers searches from memory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgrep-lite;daemon'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand start 'Load the tree under PATH into memory and serve searches of it'
            cand stop 'Stop the daemon serving PATH (default: the current directory), or every daemon of this user with --all'
            cand list 'List every daemon of this user: root, pid, files, memory, uptime'
            cand bench-scan 'Benchmarking aid: time one bare memmem pass for LITERAL over every byte the daemon holds (the physical limit of a scanning search)'
            cand status 'Show what the daemon serving PATH holds and does'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgrep-lite;daemon;start'= {
            cand --workers 'Worker threads, each owning a shard (default, or 0: available cores; at most 256)'
            cand --idle-timeout 'Stop after this long without a request (e.g. 30m, 2h, 90s; 0 never stops). Default: 2h'
            cand --memory 'Hold at most this many bytes of file contents in memory (e.g. 0, 512M, 2G); files beyond it are read from disk (the page cache) when the index makes them candidates. The index itself is always held. Default: a quarter of physical memory, at most 4G'
            cand --poll 'Poll the tree for changes instead of using file notifications'
            cand --foreground 'Serve from this process instead of starting a background one'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pgrep-lite;daemon;stop'= {
            cand --all 'Stop every daemon of this user'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pgrep-lite;daemon;list'= {
            cand --json 'Print the list as JSON (one status object per daemon)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pgrep-lite;daemon;bench-scan'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pgrep-lite;daemon;status'= {
            cand --json 'Print the status as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pgrep-lite;daemon;help'= {
            cand start 'Load the tree under PATH into memory and serve searches of it'
            cand stop 'Stop the daemon serving PATH (default: the current directory), or every daemon of this user with --all'
            cand list 'List every daemon of this user: root, pid, files, memory, uptime'
            cand bench-scan 'Benchmarking aid: time one bare memmem pass for LITERAL over every byte the daemon holds (the physical limit of a scanning search)'
            cand status 'Show what the daemon serving PATH holds and does'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgrep-lite;daemon;help;start'= {
        }
        &'pgrep-lite;daemon;help;stop'= {
        }
        &'pgrep-lite;daemon;help;list'= {
        }
        &'pgrep-lite;daemon;help;bench-scan'= {
        }
        &'pgrep-lite;daemon;help;status'= {
        }
        &'pgrep-lite;daemon;help;help'= {
        }
        &'pgrep-lite;help'= {
            cand daemon 'Manage the resident daemon that answers searches from memory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgrep-lite;help;daemon'= {
            cand start 'Load the tree under PATH into memory and serve searches of it'
            cand stop 'Stop the daemon serving PATH (default: the current directory), or every daemon of this user with --all'
            cand list 'List every daemon of this user: root, pid, files, memory, uptime'
            cand bench-scan 'Benchmarking aid: time one bare memmem pass for LITERAL over every byte the daemon holds (the physical limit of a scanning search)'
            cand status 'Show what the daemon serving PATH holds and does'
        }
        &'pgrep-lite;help;daemon;start'= {
        }
        &'pgrep-lite;help;daemon;stop'= {
        }
        &'pgrep-lite;help;daemon;list'= {
        }
        &'pgrep-lite;help;daemon;bench-scan'= {
        }
        &'pgrep-lite;help;daemon;status'= {
        }
        &'pgrep-lite;help;help'= {
        }
    ]
    $completions[$command]
}
