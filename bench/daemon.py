#!/usr/bin/env python3
"""Benchmark of the pgrep-lite daemon on the Linux tree.

Starts a daemon on the corpus (timing the load), then for each query of the
one-shot benchmark runs, alternating within each round:
  - pgrep-lite through the daemon (client process start included),
  - ripgrep one-shot,
and, for reference, the daemon's bare memory scan (`daemon bench-scan`: one
memmem pass over every resident byte on all workers, timed inside the
daemon). Prints medians and ratios; then resident memory, the freshness
sync's cost per query, and edit-to-visible latency.

Usage: bench/daemon.py [--runs N] [--corpus DIR] [--bin PATH] [--markdown]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grep import QUERIES, corpus_dir, run_once  # noqa: E402


def sh(argv, cwd):
    return subprocess.run(argv, cwd=cwd, check=True, capture_output=True, text=True).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--corpus")
    ap.add_argument("--bin")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()

    root_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    pgrep = args.bin or os.path.join(root_dir, "target", "release", "pgrep-lite")
    if not os.path.exists(pgrep):
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "pgrep-lite"], cwd=root_dir, check=True)
    rg = shutil.which("rg")
    if not rg:
        sys.exit("rg not found: cargo install ripgrep")
    corpus = corpus_dir(args.corpus)

    subprocess.run([pgrep, "daemon", "stop", corpus], capture_output=True)
    run_once([rg, "-c", "zzzz_warm"], corpus)
    t0 = time.perf_counter()
    sh([pgrep, "daemon", "start", corpus], corpus)
    load = time.perf_counter() - t0
    try:
        status = json.loads(sh([pgrep, "daemon", "status", "--json"], corpus))
        print(f"load {load:.2f}s, {status['files']} files, {status['bytes_held'] >> 20} MiB held, "
              f"RSS {status['resident_bytes'] >> 20} MiB", file=sys.stderr)

        scans = []
        for _ in range(args.runs):
            rep = json.loads(sh([pgrep, "daemon", "bench-scan", "PM_RESUME"], corpus))
            scans.append(rep["micros"] / 1e6)
        scan = statistics.median(scans)
        print(f"bare memmem scan of all held bytes: {scan * 1000:.1f} ms", file=sys.stderr)

        rows = []
        for name, qargs, _ in QUERIES:
            tools = [("daemon", [pgrep] + qargs), ("rg", [rg] + qargs)]
            times = {t: [] for t, _ in tools}
            sizes = {}
            for r in range(args.runs):
                for tool, argv in (tools if r % 2 == 0 else tools[::-1]):
                    secs, _, _, nbytes = run_once(argv, corpus)
                    times[tool].append(secs)
                    sizes[tool] = nbytes
            med = {t: statistics.median(v) for t, v in times.items()}
            rows.append((name, med, sizes))
            print(f"{name:32s} daemon {med['daemon'] * 1000:7.1f} ms  rg {med['rg'] * 1000:7.1f} ms  "
                  f"rg/daemon {med['rg'] / med['daemon']:.1f}x  daemon/scan {med['daemon'] / scan:.2f}x",
                  file=sys.stderr)

        status = json.loads(sh([pgrep, "daemon", "status", "--json"], corpus))
        sync_us = status["sync_micros_total"] / max(1, status["syncs"])
        fallbacks = status["fallbacks"]

        # Edit to visible: append a fresh token, then immediately query.
        edit_file = os.path.join(corpus, "Documentation", "pfiles-bench-edit.txt")
        with open(edit_file, "w") as f:
            f.write("start\n")
        time.sleep(0.5)
        lat_dir, lat_tree, misses = [], [], 0
        for i in range(20):
            token = f"pfilestoken{os.getpid()}x{i}"
            with open(edit_file, "a") as f:
                f.write(token + "\n")
            t = time.perf_counter()
            out = subprocess.run([pgrep, "-c", token, "Documentation"], cwd=corpus, capture_output=True, text=True)
            lat_dir.append(time.perf_counter() - t)
            if "pfiles-bench-edit.txt:1" not in out.stdout:
                misses += 1
            token2 = token + "b"
            with open(edit_file, "a") as f:
                f.write(token2 + "\n")
            t = time.perf_counter()
            out = subprocess.run([pgrep, "-c", token2], cwd=corpus, capture_output=True, text=True)
            lat_tree.append(time.perf_counter() - t)
            if "pfiles-bench-edit.txt:1" not in out.stdout:
                misses += 1
        os.remove(edit_file)
    finally:
        subprocess.run([pgrep, "daemon", "stop", corpus], capture_output=True)

    if args.markdown:
        print(f"Load: {load:.2f} s for {status['files']} files, {status['bytes_held'] / 2**20:.0f} MiB held "
              f"in {status['shards']} shards; resident memory {status['resident_bytes'] / 2**20:.0f} MiB "
              f"({status['resident_bytes'] / status['bytes_held']:.3f}x the bytes held).\n")
        print(f"Bare scan (one memmem pass over all held bytes, both workers): {scan * 1000:.1f} ms.\n")
        print("| query | daemon (client, end to end) | rg one-shot | rg / daemon | daemon / bare scan |")
        print("|---|---|---|---|---|")
        for name, med, sizes in rows:
            print(f"| {name} | {med['daemon'] * 1000:.1f} ms | {med['rg'] * 1000:.1f} ms | "
                  f"**{med['rg'] / med['daemon']:.1f}x** | {med['daemon'] / scan:.2f}x |")
        for name, _, sizes in rows:
            if sizes.get("daemon") != sizes.get("rg"):
                print(f"\nNote: output size differs on '{name}' (order differs: daemon is path-sorted): {sizes}")
        print(f"\nFreshness sync (cookie file round trip) per query: {sync_us:.0f} us on average "
              f"over {status['syncs']} queries; {fallbacks} queries fell back to one-shot.\n")
        print(f"Edit to visible (append a token, then immediately query; 20 edits each): "
              f"{misses} of 40 first queries missed the edit. Query wall time including the sync, "
              f"`-c TOKEN Documentation`: median {statistics.median(lat_dir) * 1000:.1f} ms, max {max(lat_dir) * 1000:.1f} ms; "
              f"whole tree: median {statistics.median(lat_tree) * 1000:.1f} ms, max {max(lat_tree) * 1000:.1f} ms.")


if __name__ == "__main__":
    main()
