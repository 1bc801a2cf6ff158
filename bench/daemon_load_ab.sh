#!/usr/bin/env bash
# The daemon's load time on the Linux tree for two builds, alternating:
#   bench/daemon_load_ab.sh OLD_BINARY NEW_BINARY [RUNS] [CORPUS]
# Prints one line per start (binary label, seconds from `--daemon start` to
# ready); take the medians. Each run stops the daemon before the next.
set -euo pipefail
old=$1 new=$2 runs=${3:-5}
corpus=${4:-$(bash "$(dirname "$0")/../../shared/bench/corpora.sh" | tail -1)/linux}
XDG_RUNTIME_DIR=$(mktemp -d)
export XDG_RUNTIME_DIR
trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT
# Builds before issue 13 say `daemon start`; later ones `--daemon start`.
manage() {
  local bin=$1; shift
  if "$bin" --help | grep -q -- '--daemon'; then "$bin" --daemon "$@"; else "$bin" daemon "$@"; fi
}
for _ in $(seq "$runs"); do
  for b in old new; do
    bin=$old; [ "$b" = new ] && bin=$new
    manage "$bin" stop "$corpus" >/dev/null 2>&1 || true
    t0=$(date +%s.%N)
    manage "$bin" start "$corpus" >/dev/null
    t1=$(date +%s.%N)
    echo "$b $(echo "$t1 - $t0" | bc)"
    manage "$bin" stop "$corpus" >/dev/null 2>&1 || true
  done
done
