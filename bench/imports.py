#!/usr/bin/env python3
"""Benchmark of pimports against cargo-machete on the ~400-crate corpus.

Runs, alternating within each round: pimports (full inventory, 2 threads),
pimports -j1, pimports --unused-deps, and cargo-machete. Prints medians and
ratios, then the comparison of findings (which dependencies each tool calls
unused).

With --per-crate DIR (each subdirectory a crate with its Cargo.lock, as
bench/imports_accuracy.py leaves them in WORK/copies): each of pimports
--unused-deps, cargo-machete and cargo-shear is run on every crate in turn,
alternating the order of the tools each round, and the total time per tool
is compared. cargo-shear needs `cargo metadata`, so it cannot run on the
vendored corpus as one tree; this is where it is measured.

Usage: bench/imports.py [--runs N] [--corpus DIR] [--bin PATH] [--markdown]
                        [--per-crate DIR]
Requires cargo-machete (cargo install cargo-machete), and cargo-shear for
--per-crate.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grep import run_once  # noqa: E402


def corpus_dir(given):
    if given:
        return given
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(here, "..", "..", "shared", "bench", "corpora.sh")
    out = subprocess.run(["bash", script], check=True, capture_output=True, text=True).stdout
    return os.path.join(out.strip().splitlines()[-1], "rust")


def machete_findings(text):
    found, pkg = set(), None
    for line in text.splitlines():
        m = re.match(r"^(\S+) -- (\S+):$", line)
        if m:
            pkg = m.group(2)
            continue
        if line.startswith("\t") and pkg:
            found.add((os.path.normpath(pkg), line.strip()))
    return found


def pimports_findings(text):
    found, pkg = set(), None
    for line in text.splitlines():
        m = re.match(r"^(\S+) \((\S+)\)$", line)
        if m:
            pkg = m.group(2)
            continue
        m = re.match(r"^  unused (\w+) dependency: (\S+)$", line)
        if m and pkg:
            found.add((os.path.normpath(pkg), m.group(2)))
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus")
    ap.add_argument("--bin")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--per-crate", metavar="DIR")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    pim = args.bin or os.path.join(root, "target", "release", "pimports")
    if not os.path.exists(pim):
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "pimports"], cwd=root, check=True)
    machete = shutil.which("cargo-machete")
    if not machete:
        sys.exit("cargo-machete not found: cargo install cargo-machete")
    if args.per_crate:
        return per_crate(args, pim, machete)
    corpus = corpus_dir(args.corpus)
    tools = [
        ("pimports", [pim, "."]),
        ("pimports -j1", [pim, "-j1", "."]),
        ("pimports --unused-deps", [pim, "--unused-deps", "."]),
        ("cargo-machete", [machete, "machete", "."]),
    ]
    times = {t: [] for t, _ in tools}
    rss = {t: 0 for t, _ in tools}
    for r in range(args.runs):
        for name, argv in (tools if r % 2 == 0 else tools[::-1]):
            secs, peak, _, _ = run_once(argv, corpus)
            times[name].append(secs)
            rss[name] = max(rss[name], peak)
            print(f"{name}: {secs:.2f}s", file=sys.stderr, flush=True)
    med = {t: statistics.median(v) for t, v in times.items()}
    mine = pimports_findings(subprocess.run([pim, "--unused-deps", "."], cwd=corpus, capture_output=True, text=True).stdout)
    theirs = machete_findings(subprocess.run([machete, "machete", "."], cwd=corpus, capture_output=True, text=True).stdout)
    files = sum(1 for _, _, fs in os.walk(corpus) for f in fs if f.endswith(".rs"))
    if args.markdown:
        print(f"Corpus: {files} `.rs` files in the vendored crate set; {args.runs} alternating runs, medians.\n")
        print("| run | wall time | peak RSS |")
        print("|---|---|---|")
        for name, _ in tools:
            print(f"| {name} | {med[name]:.2f} s | {rss[name] // 1024} MiB |")
        print(f"\nSpeed-up from 1 to 2 threads: {med['pimports -j1'] / med['pimports']:.2f}x. "
              f"--unused-deps / cargo-machete: {med['pimports --unused-deps'] / med['cargo-machete']:.2f}x.\n")
        print(f"Unused dependencies: pimports {len(mine)}, cargo-machete {len(theirs)}, both {len(mine & theirs)}.\n")
        print("cargo-machete only (pimports sees a use):\n")
        for pkg, dep in sorted(theirs - mine):
            print(f"- {pkg}: {dep}")
        print("\npimports only:\n")
        for pkg, dep in sorted(mine - theirs):
            print(f"- {pkg}: {dep}")


def per_crate(args, pim, machete):
    shear = shutil.which("cargo-shear")
    if not shear:
        sys.exit("cargo-shear not found: cargo install --locked cargo-shear")
    crates = sorted(
        os.path.join(args.per_crate, d)
        for d in os.listdir(args.per_crate)
        if os.path.isfile(os.path.join(args.per_crate, d, "Cargo.lock"))
    )
    tools = [
        ("pimports --unused-deps", [pim, "--unused-deps", "-q", "."]),
        ("cargo-machete", [machete, "machete", "."]),
        ("cargo-shear", [shear, "shear"]),
    ]
    # Warm up: cargo-shear's first `cargo metadata` may fetch the index.
    for c in crates:
        for _, argv in tools:
            run_once(argv, c)
    totals = {t: [] for t, _ in tools}
    for r in range(args.runs):
        order = tools if r % 2 == 0 else tools[::-1]
        round_times = {t: 0.0 for t, _ in tools}
        for c in crates:
            for name, argv in order:
                secs, _, _, _ = run_once(argv, c)
                round_times[name] += secs
        for t, v in round_times.items():
            totals[t].append(v)
        print(" ".join(f"{t}: {v:.2f}s" for t, v in round_times.items()), file=sys.stderr, flush=True)
    med = {t: statistics.median(v) for t, v in totals.items()}
    base = med["pimports --unused-deps"]
    print(f"{len(crates)} crates, each tool on each crate in turn; {args.runs} alternating rounds, medians of the total.\n")
    print("| tool | total | per crate | pimports / tool |")
    print("|---|---|---|---|")
    for name, _ in tools:
        print(f"| {name} | {med[name]:.2f} s | {1000 * med[name] / max(len(crates), 1):.1f} ms | {base / med[name]:.2f}x |")


if __name__ == "__main__":
    main()
