
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
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start each input''s history at its first line stamped at or after TIME: a duration ago (`10m`, `2h`) or a timestamp (`2015-10-18 18:01:47`, `2015-10-18T16:01:47Z`, `2015-10-18`)')
            [CompletionResult]::new('--reorder-window', '--reorder-window', [CompletionResultType]::ParameterName, 'Hold live lines up to DURATION (`200ms`, `2s`) to write them in timestamp order (implies --merge)')
            [CompletionResult]::new('--time-format', '--time-format', [CompletionResultType]::ParameterName, 'The timestamp format, instead of detecting it per file: iso, clf, syslog, packed, yymmdd, android, mmdd, compact, glog, epoch, or a pattern like `%d/%m/%Y %H:%M:%S%.f`')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'What each line is prefixed with: the file''s name, or its path as given. A `LABEL=PATH` input always uses LABEL. Names that collide fall back to paths')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'What each line is prefixed with: the file''s name, or its path as given. A `LABEL=PATH` input always uses LABEL. Names that collide fall back to paths')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow by name (like `tail -F`: reopen on rotation and re-creation) or by descriptor (stay with the file that was opened, wherever it is renamed)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Keep only lines matching REGEX (repeatable: any of them)')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Keep only lines matching REGEX (repeatable: any of them)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Drop lines matching REGEX (repeatable)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Drop lines matching REGEX (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Append to FILE instead of writing to stdout (never truncates)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Append to FILE instead of writing to stdout (never truncates)')
            [CompletionResult]::new('--pid', '--pid', [CompletionResultType]::ParameterName, 'Exit when process PID has exited')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Exit 0 after the first line (that passes the filters) matching REGEX; exit 1 if the inputs end first')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Exit after DURATION (`500ms`, `10s`, `2m`, `1h`)')
            [CompletionResult]::new('--poll', '--poll', [CompletionResultType]::ParameterName, 'Poll for changes every INTERVAL (default 250ms, at least 10ms) instead of waiting for file-system notifications')
            [CompletionResult]::new('--max-line-length', '--max-line-length', [CompletionResultType]::ParameterName, 'Split lines longer than NUM bytes (with a marker) instead of holding them whole')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the prefixes')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Print a man page or a shell completion script, and exit')
            [CompletionResult]::new('--merge', '--merge', [CompletionResultType]::ParameterName, 'Merge the inputs by timestamp: the history shown at start is sorted across files; live lines go out as they arrive, or sorted within --reorder-window. A line without a timestamp stays with the line before it')
            [CompletionResult]::new('--sort-by-time', '--sort-by-time', [CompletionResultType]::ParameterName, 'Merge the inputs by timestamp: the history shown at start is sorted across files; live lines go out as they arrive, or sorted within --reorder-window. A line without a timestamp stays with the line before it')
            [CompletionResult]::new('--no-prefix', '--no-prefix', [CompletionResultType]::ParameterName, 'Lines as they are, without a prefix')
            [CompletionResult]::new('--no-follow', '--no-follow', [CompletionResultType]::ParameterName, 'Print what exists and exit: do not follow')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Write status events (rotated, truncated, appeared, gone) into the output stream instead of stderr')
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
