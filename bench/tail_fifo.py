#!/usr/bin/env python3
"""ptail on a FIFO: how long a line written into it takes to show, and the
CPU an idle ptail uses on a FIFO without a writer and on one whose writer
has gone (POLLHUP). Two builds side by side, alternating, so that the
machine's noise falls on both.

    python3 bench/tail_fifo.py OLD_PTAIL NEW_PTAIL [--rounds 3] [-- ptail args]

Per round and build: ptail --no-prefix [args] FIFO, started fresh each
time; CPU is utime+stime from /proc/PID/stat over 5 s (in clock ticks, 10
ms each); latency is from each write(2) to the line read from ptail's
stdout, 20 lines 137 ms apart (not a divisor of the 1 s check).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def ticks(pid):
    s = open(f"/proc/{pid}/stat").read()
    f = s[s.rfind(")") + 2:].split()
    return int(f[11]) + int(f[12])


def cpu_over(pid, seconds=5):
    t0 = ticks(pid)
    time.sleep(seconds)
    return ticks(pid) - t0


def one(ptail, args):
    d = tempfile.mkdtemp()
    fifo = os.path.join(d, "pipe")
    os.mkfifo(fifo)
    p = subprocess.Popen([ptail, "--no-prefix", *args, fifo],
                         stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    arrived = {}

    def reader():
        for line in p.stdout:
            arrived[line.strip().decode()] = time.monotonic()

    threading.Thread(target=reader, daemon=True).start()
    time.sleep(0.5)
    no_writer = cpu_over(p.pid)
    w = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    os.close(w)  # a writer came and went: the FIFO hangs up from here
    time.sleep(0.3)
    hung_up = cpu_over(p.pid)
    w = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    sent = {}
    for i in range(20):
        k = f"l{i}"
        sent[k] = time.monotonic()
        os.write(w, (k + "\n").encode())
        time.sleep(0.137)
    os.close(w)
    time.sleep(1.2)
    lat = sorted((arrived[k] - sent[k]) * 1000 for k in sent if k in arrived)
    after = cpu_over(p.pid)
    p.terminate()
    p.wait()
    return no_writer, hung_up, after, lat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=3)
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    a.args = extra
    print("| round | build | CPU ticks / 5 s: no writer / hung up / after 20 lines | lines | latency median / max (ms) |")
    print("|---|---|---|---|---|")
    for r in range(a.rounds):
        for name, b in (("old", a.old), ("new", a.new)):
            nw, hu, af, lat = one(b, a.args)
            med = f"{statistics.median(lat):.1f} / {max(lat):.1f}" if lat else "-"
            print(f"| {r} | {name} | {nw} / {hu} / {af} | {len(lat)}/20 | {med} |", flush=True)


if __name__ == "__main__":
    main()
