#!/usr/bin/env python3
"""Two pgrep-lite builds side by side (one-shot, no daemon), alternating.

Usage: bench/grep_ab.py OLD_BINARY NEW_BINARY [RUNS] [CORPUS]

Prints, per command, the median wall time of each build over RUNS
alternating runs (default 11) and the ratio new/old. CORPUS defaults to
~/.cache/pfiles-corpora/linux (../shared/bench/corpora.sh sets it up).
"""
import os
import statistics
import subprocess
import sys
import time


def timed(cmd, cwd, n):
    start = time.perf_counter()
    for _ in range(n):
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) / n


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    old, new = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 11
    corpus = sys.argv[4] if len(sys.argv) > 4 else os.path.expanduser("~/.cache/pfiles-corpora/linux")
    cases = [
        ("startup: x /dev/null (mean of 50)", ["--no-daemon", "x", "/dev/null"], "/", 50),
        ("-c PM_RESUME", ["--no-daemon", "-c", "PM_RESUME"], corpus, 1),
        ("-n -w 'struct \\w+_ops'", ["--no-daemon", "-n", "-w", r"struct \w+_ops"], corpus, 1),
    ]
    for name, args, cwd, n in cases:
        times = {"old": [], "new": []}
        for i in range(runs):
            order = [("old", old), ("new", new)]
            if i % 2:
                order.reverse()
            for label, binary in order:
                times[label].append(timed([binary] + args, cwd, n))
        mo, mn = statistics.median(times["old"]), statistics.median(times["new"])
        print(f"{name}: old {mo * 1000:.2f} ms, new {mn * 1000:.2f} ms, new/old {mn / mo:.3f}")


if __name__ == "__main__":
    main()
