#!/usr/bin/env bash
# Run the ptail oracle (tests/tail_oracle.rs) for a while with fresh seeds.
#
# Each invocation of the test runs ITERS runs from one seed: six writers
# (numbered rename, dateext, copytruncate, delete+create, rename with the
# previous file gzipped later, and a file that never rotates) under named
# files, a directory and a glob, with notifications and with --poll. Every
# line must come out exactly once, whole, in its file's order; the
# copytruncate gap only with a truncated event. A failing seed is printed
# so it can be replayed:
#
#     PTAIL_ORACLE_SEED=<seed> PTAIL_ORACLE_ITERS=<iters> \
#         cargo test --test tail_oracle -- --nocapture
#
# Usage: bench/tail_oracle.sh [MINUTES (10)] [ITERS per seed (6)]
# The test binary is built once; CARGO_TARGET_DIR is honoured.
set -euo pipefail

minutes=${1:-10}
iters=${2:-6}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bin=$(cargo test --locked --test tail_oracle --no-run 2>&1 |
    sed -n 's/.*Executable tests\/tail_oracle.rs (\(.*\))/\1/p' | tail -1)
[ -x "$bin" ] || { echo "tail_oracle.sh: could not build the oracle" >&2; exit 2; }

end=$(($(date +%s) + minutes * 60))
runs=0 seeds=0 ops=0 lines=0 failed=0 mismatches=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
while [ "$(date +%s)" -lt "$end" ]; do
    seed=$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')
    seeds=$((seeds + 1))
    if PTAIL_ORACLE_SEED=$seed PTAIL_ORACLE_ITERS=$iters \
        "$bin" --nocapture --test-threads=1 >"$log" 2>&1; then
        summary=$(grep -o 'ptail oracle: seed [0-9]*: [0-9]* runs, [0-9]* operations, [0-9]* lines' "$log" | tail -1)
        read -r r o l < <(echo "$summary" | sed 's/.*: \([0-9]*\) runs, \([0-9]*\) operations, \([0-9]*\) lines/\1 \2 \3/')
        runs=$((runs + r)) ops=$((ops + o)) lines=$((lines + l))
    else
        failed=$((failed + 1))
        m=$(grep -o '): [0-9]* mismatches' "$log" | grep -o '[0-9]*' | head -1)
        mismatches=$((mismatches + ${m:-1}))
        echo "FAILED: PTAIL_ORACLE_SEED=$seed PTAIL_ORACLE_ITERS=$iters (${m:-?} mismatches)" >&2
        grep -A12 'panicked' "$log" | head -40 >&2 || tail -40 "$log" >&2
    fi
done
echo "ptail oracle: $minutes min, $seeds seeds, $runs runs passed, $ops operations, $lines lines written, $failed failing seeds, $mismatches mismatches"
[ "$failed" -eq 0 ]
