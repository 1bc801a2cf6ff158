#!/usr/bin/env python3
"""Alternating A/B of live throughput, any tailer command lines against each
other: bench/tail.py's run (64 files written flat out by tail_writer.c, the
output counted by tail_reader.c), without its other tables.

usage: python3 bench/tail_ab.py RUNS NAME='ARGV' [NAME='ARGV' ...]
  e.g. python3 bench/tail_ab.py 6 new='target/release/ptail --no-prefix -n 0' \\
           old='/tmp/ptail-old --no-prefix -n 0' tailF='tail -F -n 0 -q'

Each run prints lines/s, the tailer's CPU and the writer's own time; then
the medians and the ratio of each to the last command. Runs alternate
(reversed every other round), so that noise hits all alike.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tail as T  # noqa: E402


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    runs = int(sys.argv[1])
    tools = [(a.split("=", 1)[0], a.split("=", 1)[1].split()) for a in sys.argv[2:]]
    # The tailers run in their temp directories: a relative path is made whole.
    tools = [(n, [os.path.abspath(v[0]) if "/" in v[0] else v[0]] + v[1:]) for n, v in tools]
    args = types.SimpleNamespace(files=64, lines=200000, line_len=50, batch=80, timeout=120)
    root = tempfile.mkdtemp(prefix="tail-ab-", dir=os.environ.get("TMPDIR", "/dev/shm"))
    try:
        T.WRITER_C = os.path.join(root, "tail_writer")
        subprocess.run(["cc", "-O2", "-o", T.WRITER_C, os.path.join(HERE, "tail_writer.c")], check=True)
        T.READER_C = os.path.join(root, "tail_reader")
        subprocess.run(["cc", "-O3", "-o", T.READER_C, os.path.join(HERE, "tail_reader.c")], check=True)
        res = {n: [] for n, _ in tools}
        for r in range(runs):
            for n, argv in tools if r % 2 == 0 else tools[::-1]:
                x = T.throughput_run(argv, root, f"{r}{n}", args)
                rate = args.files * args.lines / x["secs"] / 1e6 if x["ok"] else 0.0
                res[n].append((rate, x.get("cpu") or 0.0))
                print(f"{n:10s} {rate:6.2f} M lines/s  cpu {x.get('cpu') or 0:.2f} s  "
                      f"writer {x.get('writer') or 0:.3f} s", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    base = statistics.median(r for r, _ in res[tools[-1][0]])
    for n, v in res.items():
        m = statistics.median(r for r, _ in v)
        c = statistics.median(c for _, c in v)
        print(f"MEDIAN {n:10s} {m:6.2f} M lines/s  cpu {c:.2f} s  ratio to the last {m / base:.2f}x")


if __name__ == "__main__":
    main()
