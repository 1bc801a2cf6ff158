#!/usr/bin/env python3
"""Run the daemon oracle (tests/daemon_oracle.rs) for a while with fresh seeds.

Each run starts a real daemon on a fresh tree, makes STEPS random changes
(new nested directories filled at once, bulk creates, renames of files and
directories, deletes, ignore-file edits, atomic saves, files turning binary,
symlinks), filling files with contents of many kinds (words, Unicode text
whose case folds across scripts, random and Latin-1 bytes, CRLF, BOMs,
UTF-16, binary, no final newline, empty, large), and after each compares
the daemon's answer to one-shot `--no-daemon --sort path` for queries whose
patterns come from a grammar (with random flags, output modes, several -e
and -f pattern files). Mismatches are counted, not fatal, and every
failing seed is printed so it can be replayed:

    PGREP_DAEMON_ORACLE_SEED=<seed> cargo test --test daemon_oracle -- --nocapture

Usage: bench/daemon_oracle.py [--minutes 10] [--steps 200]
"""

import argparse
import os
import random
import re
import subprocess
import sys
import time

LINE = re.compile(
    r"daemon oracle: seed (\d+), (\d+) steps, (\d+) queries, (\d+) mismatches, "
    r"daemon answered Some\((\d+)\), fallbacks Some\((\d+)\)"
)
# The rest of the line: invalid patterns, refused arguments, queries per kind.
EXTRA = re.compile(
    r"; (\d+) invalid patterns, (\d+) refused arguments; queries: ([^;]*);"
)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--steps", type=int, default=200)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # Build once, outside the timed loop.
    subprocess.run(
        ["cargo", "test", "--locked", "--test", "daemon_oracle", "--no-run"],
        cwd=root,
        check=True,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + args.minutes * 60
    runs = steps = queries = mismatches = fallbacks = invalid = refused = 0
    kinds = {}
    failing = []
    while time.monotonic() < deadline:
        seed = random.randrange(1, 2**62)
        env = dict(
            os.environ,
            PGREP_DAEMON_ORACLE_SEED=str(seed),
            PGREP_DAEMON_ORACLE_STEPS=str(args.steps),
            PGREP_DAEMON_ORACLE_KEEP_GOING="1",
        )
        p = subprocess.run(
            ["cargo", "test", "--locked", "--test", "daemon_oracle", "--", "--nocapture", "--exact", "daemon_answers_equal_one_shot_after_random_changes"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
        )
        m = LINE.search(p.stderr + p.stdout)
        runs += 1
        if not m:
            failing.append((seed, "no summary line (crash or hang?)"))
            print(f"seed {seed}: no summary line; exit {p.returncode}", file=sys.stderr)
            print((p.stdout + p.stderr)[-3000:], file=sys.stderr)
            continue
        _, s, q, mm, _answered, fb = (int(x) for x in m.groups())
        steps += s
        queries += q
        mismatches += mm
        fallbacks += fb
        x = EXTRA.search(m.string, m.end())
        if x:
            invalid += int(x.group(1))
            refused += int(x.group(2))
            for part in x.group(3).split(", "):
                name, _, n = part.rpartition(" ")
                if name and n.isdigit():
                    kinds[name] = kinds.get(name, 0) + int(n)
        # A fallback is a failure only when the test judged it one (it
        # allows the daemon to decline what it does not hold).
        if mm or p.returncode != 0:
            failing.append((seed, f"{mm} mismatches, exit {p.returncode}"))
            print(f"seed {seed}: {mm} mismatches, exit {p.returncode}", file=sys.stderr)
            print((p.stdout + p.stderr)[-3000:], file=sys.stderr)
    print(
        f"daemon oracle: {args.minutes:g} min, {runs} runs, {steps} file-system steps, "
        f"{queries} queries compared, {mismatches} mismatches, "
        f"{fallbacks} rightly declined (answered one-shot), of which {invalid} "
        f"invalid patterns; {refused} refused arguments"
    )
    if kinds:
        print("  queries per kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    for seed, what in failing:
        print(f"  failing seed {seed}: {what}")
    sys.exit(1 if failing else 0)


if __name__ == "__main__":
    main()
