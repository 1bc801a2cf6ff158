
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ptail' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ptail'
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
        'ptail' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Print the last NUM lines of each input first (`+NUM`: from line NUM on). Default: 10, or every line since --since')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Print the last NUM lines of each input first (`+NUM`: from line NUM on). Default: 10, or every line since --since')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start each input''s history at its first line stamped at or after TIME: a duration ago (`10m`, `2h`, `1d`, `2w`) or a timestamp (`2015-10-18 18:01:47`, `2015-10-18T16:01:47Z`, `2015-10-18`)')
            [CompletionResult]::new('--reorder-window', '--reorder-window', [CompletionResultType]::ParameterName, 'Hold live lines up to DURATION (`200ms`, `2s`) to write them in timestamp order (implies --merge)')
            [CompletionResult]::new('--time-format', '--time-format', [CompletionResultType]::ParameterName, 'The timestamp format, instead of detecting it per file: iso, clf, syslog, packed, yymmdd, android, mmdd, compact, glog, epoch, or a pattern like `%d/%m/%Y %H:%M:%S%.f`')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'What each line is prefixed with: the file''s name, or its path as given. A `LABEL=PATH` input always uses LABEL. Names that collide fall back to paths')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'What each line is prefixed with: the file''s name, or its path as given. A `LABEL=PATH` input always uses LABEL. Names that collide fall back to paths')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow by name (like `tail -F`: reopen on rotation and re-creation) or by descriptor (stay with the file that was opened, wherever it is renamed). Of --follow, -f and -F, the last one given wins')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Keep only lines matching REGEX (repeatable: any of them)')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Keep only lines matching REGEX (repeatable: any of them)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Drop lines matching REGEX (repeatable)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Drop lines matching REGEX (repeatable)')
            [CompletionResult]::new('--record-wait', '--record-wait', [CompletionResultType]::ParameterName, 'With record filters: how long a record is held, from its last line, waiting for more of it before it is judged on what came')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Append to FILE instead of writing to stdout (never truncates)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Append to FILE instead of writing to stdout (never truncates)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Remember in FILE how far each file was written out, and go on from there on the next run: nothing lost or repeated across restarts (with -o, even after SIGKILL: the output is cut back to what the state covers). See the README')
            [CompletionResult]::new('--state-retention', '--state-retention', [CompletionResultType]::ParameterName, 'With --state: forget files not seen for DURATION (default 168h, 7 days)')
            [CompletionResult]::new('--pid', '--pid', [CompletionResultType]::ParameterName, 'Exit when process PID has exited')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Exit 0 after the first line (that passes the filters) matching REGEX; exit 1 if the inputs end first')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Exit after DURATION (`500ms`, `10s`, `2m`, `1h`)')
            [CompletionResult]::new('--poll', '--poll', [CompletionResultType]::ParameterName, 'Poll for changes every INTERVAL (default 250ms, at least 10ms) instead of waiting for file-system notifications')
            [CompletionResult]::new('--max-line-length', '--max-line-length', [CompletionResultType]::ParameterName, 'Split lines longer than NUM bytes (with a marker) instead of holding them whole')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the prefixes')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Print a man page or a shell completion script, and exit')
            [CompletionResult]::new('--merge', '--merge', [CompletionResultType]::ParameterName, 'Merge the inputs by timestamp: the history shown at start is sorted across files; live lines go out as they arrive, or sorted within --reorder-window. A line without a timestamp stays with the line before it, and -e/-x judge such records whole (see --filter-records)')
            [CompletionResult]::new('--sort-by-time', '--sort-by-time', [CompletionResultType]::ParameterName, 'Merge the inputs by timestamp: the history shown at start is sorted across files; live lines go out as they arrive, or sorted within --reorder-window. A line without a timestamp stays with the line before it, and -e/-x judge such records whole (see --filter-records)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Lines as they are, without a prefix (`-q`, `--quiet`, `--silent`: like `tail -q`, no file names)')
            [CompletionResult]::new('--no-prefix', '--no-prefix', [CompletionResultType]::ParameterName, 'Lines as they are, without a prefix (`-q`, `--quiet`, `--silent`: like `tail -q`, no file names)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Lines as they are, without a prefix (`-q`, `--quiet`, `--silent`: like `tail -q`, no file names)')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Lines as they are, without a prefix (`-q`, `--quiet`, `--silent`: like `tail -q`, no file names)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Follow by descriptor, like `tail -f` (`--follow descriptor`)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Follow by name and retry, like `tail -F` (`--follow name`, the default)')
            [CompletionResult]::new('--no-follow', '--no-follow', [CompletionResultType]::ParameterName, 'Print what exists and exit: do not follow')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Write status events (rotated, truncated, appeared, gone) into the output stream instead of stderr')
            [CompletionResult]::new('--filter-records', '--filter-records', [CompletionResultType]::ParameterName, 'Apply -e/-x to whole records, not lines (the default with --merge). A record is a line with a timestamp and the lines without one that follow it in its file (a stack trace): it is kept if any of its lines matches an -e (or there is none) and none matches an -x, and then written whole. A record is judged when it ends: at its file''s next timestamped line, after --record-wait without a new line from its file, at a rotation or truncation, at 1 MiB held, at the end of the history shown at start, or at exit; lines of it that come after that follow the same judgement. Lines before a file''s first timestamp are judged one by one')
            [CompletionResult]::new('--filter-lines', '--filter-lines', [CompletionResultType]::ParameterName, 'Apply -e/-x to each line on its own, also with --merge')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON Lines: one object per line or event (see the README)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print per-source statistics to stderr on exit: lines, bytes, rotations, truncations, longest lag')
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
