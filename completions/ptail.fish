complete -c ptail -s n -l lines -d 'Print the last NUM lines of each input first (`+NUM`: from line NUM on). Default: 10, or every line since --since' -r
complete -c ptail -l since -d 'Start each input\'s history at its first line stamped at or after TIME: a duration ago (`10m`, `2h`, `1d`, `2w`) or a timestamp (`2015-10-18 18:01:47`, `2015-10-18T16:01:47Z`, `2015-10-18`)' -r
complete -c ptail -l reorder-window -d 'Hold live lines up to DURATION (`200ms`, `2s`) to write them in timestamp order (implies --merge)' -r
complete -c ptail -l time-format -d 'The timestamp format, instead of detecting it per file: iso, clf, syslog, packed, yymmdd, android, mmdd, compact, glog, epoch, or a pattern like `%d/%m/%Y %H:%M:%S%.f`' -r
complete -c ptail -s p -l prefix -d 'What each line is prefixed with: the file\'s name, or its path as given. A `LABEL=PATH` input always uses LABEL. Names that collide fall back to paths' -r -f -a "name\t'The file name'
path\t'The path as given (relative paths stay relative)'"
complete -c ptail -l follow -d 'Follow by name (like `tail -F`: reopen on rotation and re-creation) or by descriptor (stay with the file that was opened, wherever it is renamed). Of --follow, -f and -F, the last one given wins' -r -f -a "name\t''
descriptor\t''"
complete -c ptail -s e -l include -d 'Keep only lines matching REGEX (repeatable: any of them)' -r
complete -c ptail -s x -l exclude -d 'Drop lines matching REGEX (repeatable)' -r
complete -c ptail -l record-wait -d 'With record filters: how long a record is held, from its last line, waiting for more of it before it is judged on what came' -r
complete -c ptail -s o -l output -d 'Append to FILE instead of writing to stdout (never truncates)' -r -F
complete -c ptail -l state -d 'Remember in FILE how far each file was written out, and go on from there on the next run: nothing lost or repeated across restarts (with -o, even after SIGKILL: the output is cut back to what the state covers). See the README' -r -F
complete -c ptail -l state-retention -d 'With --state: forget files not seen for DURATION (default 168h, 7 days)' -r
complete -c ptail -l pid -d 'Exit when process PID has exited' -r
complete -c ptail -l until -d 'Exit 0 after the first line (that passes the filters) matching REGEX; exit 1 if the inputs end first' -r
complete -c ptail -l timeout -d 'Exit after DURATION (`500ms`, `10s`, `2m`, `1h`)' -r
complete -c ptail -l poll -d 'Poll for changes every INTERVAL (default 250ms, at least 10ms) instead of waiting for file-system notifications' -r
complete -c ptail -l max-line-length -d 'Split lines longer than NUM bytes (with a marker) instead of holding them whole' -r
complete -c ptail -l color -d 'When to colour the prefixes' -r -f -a "auto\t''
always\t''
never\t''"
complete -c ptail -l generate -d 'Print a man page or a shell completion script, and exit' -r -f -a "man\t''
complete-bash\t''
complete-zsh\t''
complete-fish\t''
complete-elvish\t''
complete-powershell\t''"
complete -c ptail -l merge -l sort-by-time -d 'Merge the inputs by timestamp: the history shown at start is sorted across files; live lines go out as they arrive, or sorted within --reorder-window. A line without a timestamp stays with the line before it, and -e/-x judge such records whole (see --filter-records)'
complete -c ptail -s q -l no-prefix -l quiet -l silent -d 'Lines as they are, without a prefix (`-q`, `--quiet`, `--silent`: like `tail -q`, no file names)'
complete -c ptail -s f -d 'Follow by descriptor, like `tail -f` (`--follow descriptor`)'
complete -c ptail -s F -d 'Follow by name and retry, like `tail -F` (`--follow name`, the default)'
complete -c ptail -l no-follow -d 'Print what exists and exit: do not follow'
complete -c ptail -l events -d 'Write status events (rotated, truncated, appeared, gone) into the output stream instead of stderr'
complete -c ptail -l filter-records -d 'Apply -e/-x to whole records, not lines (the default with --merge). A record is a line with a timestamp and the lines without one that follow it in its file (a stack trace): it is kept if any of its lines matches an -e (or there is none) and none matches an -x, and then written whole. A record is judged when it ends: at its file\'s next timestamped line, after --record-wait without a new line from its file, at a rotation or truncation, at 1 MiB held, at the end of the history shown at start, or at exit; lines of it that come after that follow the same judgement. Lines before a file\'s first timestamp are judged one by one'
complete -c ptail -l filter-lines -d 'Apply -e/-x to each line on its own, also with --merge'
complete -c ptail -l json -d 'JSON Lines: one object per line or event (see the README)'
complete -c ptail -l stats -d 'Print per-source statistics to stderr on exit: lines, bytes, rotations, truncations, longest lag'
complete -c ptail -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ptail -s V -l version -d 'Print version'
