#!/usr/bin/env python3
"""Run the daemon oracle (tests/daemon_oracle.rs) for a while with fresh seeds.

Each run starts a real daemon on a fresh tree, makes STEPS random changes
(new nested directories filled at once, bulk creates, renames of files and
directories, deletes, ignore-file edits, atomic saves, files turning binary,
symlinks) and after each compares the daemon's answer to one-shot
`--no-daemon --sort path`. Mismatches are counted, not fatal, and every
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
    runs = steps = queries = mismatches = fallbacks = 0
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
            ["cargo", "test", "--locked", "--test", "daemon_oracle", "--", "--nocapture"],
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
        # A fallback is a failure only when the test judged it one (it
        # allows the daemon to decline what it does not hold).
        if mm or p.returncode != 0:
            failing.append((seed, f"{mm} mismatches, exit {p.returncode}"))
            print(f"seed {seed}: {mm} mismatches, exit {p.returncode}", file=sys.stderr)
            print((p.stdout + p.stderr)[-3000:], file=sys.stderr)
    print(
        f"daemon oracle: {args.minutes:g} min, {runs} runs, {steps} file-system steps, "
        f"{queries} queries compared, {mismatches} mismatches, "
        f"{fallbacks} rightly declined (answered one-shot)"
    )
    for seed, what in failing:
        print(f"  failing seed {seed}: {what}")
    sys.exit(1 if failing else 0)


if __name__ == "__main__":
    main()
