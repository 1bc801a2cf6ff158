
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
            cand --since 'Start each input''s history at its first line stamped at or after TIME: a duration ago (`10m`, `2h`, `1d`, `2w`) or a timestamp (`2015-10-18 18:01:47`, `2015-10-18T16:01:47Z`, `2015-10-18`)'
            cand --reorder-window 'Hold live lines up to DURATION (`200ms`, `2s`) to write them in timestamp order (implies --merge)'
            cand --time-format 'The timestamp format, instead of detecting it per file: iso, clf, syslog, packed, yymmdd, android, mmdd, compact, glog, epoch, or a pattern like `%d/%m/%Y %H:%M:%S%.f`'
            cand -p 'What each line is prefixed with: the file''s name, or its path as given. A `LABEL=PATH` input always uses LABEL. Names that collide fall back to paths'
            cand --prefix 'What each line is prefixed with: the file''s name, or its path as given. A `LABEL=PATH` input always uses LABEL. Names that collide fall back to paths'
            cand --follow 'Follow by name (like `tail -F`: reopen on rotation and re-creation) or by descriptor (stay with the file that was opened, wherever it is renamed). Of --follow, -f and -F, the last one given wins'
            cand -e 'Keep only lines matching REGEX (repeatable: any of them)'
            cand --include 'Keep only lines matching REGEX (repeatable: any of them)'
            cand -x 'Drop lines matching REGEX (repeatable)'
            cand --exclude 'Drop lines matching REGEX (repeatable)'
            cand --record-wait 'With record filters: how long a record is held, from its last line, waiting for more of it before it is judged on what came'
            cand -o 'Append to FILE instead of writing to stdout (never truncates)'
            cand --output 'Append to FILE instead of writing to stdout (never truncates)'
            cand --state 'Remember in FILE how far each file was written out, and go on from there on the next run: nothing lost or repeated across restarts (with -o, even after SIGKILL: the output is cut back to what the state covers). See the README'
            cand --state-retention 'With --state: forget files not seen for DURATION (default 168h, 7 days)'
            cand --pid 'Exit when process PID has exited'
            cand --until 'Exit 0 after the first line (that passes the filters) matching REGEX; exit 1 if the inputs end first'
            cand --timeout 'Exit after DURATION (`500ms`, `10s`, `2m`, `1h`)'
            cand --poll 'Poll for changes every INTERVAL (default 250ms, at least 10ms) instead of waiting for file-system notifications'
            cand --max-line-length 'Split lines longer than NUM bytes (with a marker) instead of holding them whole'
            cand --color 'When to colour the prefixes'
            cand --generate 'Print a man page or a shell completion script, and exit'
            cand --merge 'Merge the inputs by timestamp: the history shown at start is sorted across files; live lines go out as they arrive, or sorted within --reorder-window. A line without a timestamp stays with the line before it, and -e/-x judge such records whole (see --filter-records)'
            cand --sort-by-time 'Merge the inputs by timestamp: the history shown at start is sorted across files; live lines go out as they arrive, or sorted within --reorder-window. A line without a timestamp stays with the line before it, and -e/-x judge such records whole (see --filter-records)'
            cand -q 'Lines as they are, without a prefix (`-q`, `--quiet`, `--silent`: like `tail -q`, no file names)'
            cand --no-prefix 'Lines as they are, without a prefix (`-q`, `--quiet`, `--silent`: like `tail -q`, no file names)'
            cand --quiet 'Lines as they are, without a prefix (`-q`, `--quiet`, `--silent`: like `tail -q`, no file names)'
            cand --silent 'Lines as they are, without a prefix (`-q`, `--quiet`, `--silent`: like `tail -q`, no file names)'
            cand -f 'Follow by descriptor, like `tail -f` (`--follow descriptor`)'
            cand -F 'Follow by name and retry, like `tail -F` (`--follow name`, the default)'
            cand --no-follow 'Print what exists and exit: do not follow'
            cand --events 'Write status events (rotated, truncated, appeared, gone) into the output stream instead of stderr'
            cand --filter-records 'Apply -e/-x to whole records, not lines (the default with --merge). A record is a line with a timestamp and the lines without one that follow it in its file (a stack trace): it is kept if any of its lines matches an -e (or there is none) and none matches an -x, and then written whole. A record is judged when it ends: at its file''s next timestamped line, after --record-wait without a new line from its file, at a rotation or truncation, at 1 MiB held, at the end of the history shown at start, or at exit; lines of it that come after that follow the same judgement. Lines before a file''s first timestamp are judged one by one'
            cand --filter-lines 'Apply -e/-x to each line on its own, also with --merge'
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
