
use builtin;
use str;

set edit:completion:arg-completer[ptail] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ptail'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ptail'= {
            cand -n 'Print the last NUM lines of each input first (`+NUM`: from line NUM on). Default: 10, or every line since --since'
            cand --lines 'Print the last NUM lines of each input first (`+NUM`: from line NUM on). Default: 10, or every line since --since'
            cand --since 'Start each input''s history at its first line stamped at or after TIME: a duration ago (`10m`, `2h`) or a timestamp (`2015-10-18 18:01:47`, `2015-10-18T16:01:47Z`, `2015-10-18`)'
            cand --reorder-window 'Hold live lines up to DURATION (`200ms`, `2s`) to write them in timestamp order (implies --merge)'
            cand --time-format 'The timestamp format, instead of detecting it per file: iso, clf, syslog, packed, yymmdd, android, mmdd, compact, glog, epoch, or a pattern like `%d/%m/%Y %H:%M:%S%.f`'
            cand -p 'What each line is prefixed with: the file''s name, or its path as given. A `LABEL=PATH` input always uses LABEL. Names that collide fall back to paths'
            cand --prefix 'What each line is prefixed with: the file''s name, or its path as given. A `LABEL=PATH` input always uses LABEL. Names that collide fall back to paths'
            cand --follow 'Follow by name (like `tail -F`: reopen on rotation and re-creation) or by descriptor (stay with the file that was opened, wherever it is renamed)'
            cand -e 'Keep only lines matching REGEX (repeatable: any of them)'
            cand --include 'Keep only lines matching REGEX (repeatable: any of them)'
            cand -x 'Drop lines matching REGEX (repeatable)'
            cand --exclude 'Drop lines matching REGEX (repeatable)'
            cand -o 'Append to FILE instead of writing to stdout (never truncates)'
            cand --output 'Append to FILE instead of writing to stdout (never truncates)'
            cand --pid 'Exit when process PID has exited'
            cand --until 'Exit 0 after the first line (that passes the filters) matching REGEX; exit 1 if the inputs end first'
            cand --timeout 'Exit after DURATION (`500ms`, `10s`, `2m`, `1h`)'
            cand --poll 'Poll for changes every INTERVAL (default 250ms, at least 10ms) instead of waiting for file-system notifications'
            cand --max-line-length 'Split lines longer than NUM bytes (with a marker) instead of holding them whole'
            cand --color 'When to colour the prefixes'
            cand --generate 'Print a man page or a shell completion script, and exit'
            cand --merge 'Merge the inputs by timestamp: the history shown at start is sorted across files; live lines go out as they arrive, or sorted within --reorder-window. A line without a timestamp stays with the line before it'
            cand --sort-by-time 'Merge the inputs by timestamp: the history shown at start is sorted across files; live lines go out as they arrive, or sorted within --reorder-window. A line without a timestamp stays with the line before it'
            cand --no-prefix 'Lines as they are, without a prefix'
            cand --no-follow 'Print what exists and exit: do not follow'
            cand --events 'Write status events (rotated, truncated, appeared, gone) into the output stream instead of stderr'
            cand --json 'JSON Lines: one object per line or event (see the README)'
            cand --stats 'Print per-source statistics to stderr on exit: lines, bytes, rotations, truncations, longest lag'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
