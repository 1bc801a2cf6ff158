#!/usr/bin/env python3
"""Side-by-side benchmark: pgrep-lite vs ripgrep vs GNU grep on the Linux tree.

Runs every query with every tool, alternating tools within each round (so
that a burst of noise on this shared machine hits all of them alike), and
prints per query the median wall time, the ratio to ripgrep, and the peak
resident memory of each tool. Output is read through a pipe, as in
`tool | cat`, so that no tool can take a shortcut for /dev/null.

Usage: bench/grep.py [--runs N] [--corpus DIR] [--bin PATH] [--markdown] [--big | --only-big]

The corpus defaults to the Linux tree set up by ../shared/bench/corpora.sh.
Requires `rg` (cargo install ripgrep), GNU grep, and GNU time (/usr/bin/time,
Debian package `time`).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

QUERIES = [
    # name, pgrep-lite/rg args, GNU grep args (None: no equivalent)
    ("rare literal", ["-n", "PM_RESUME"], ["-rn", "PM_RESUME", "."]),
    ("common literal -c", ["-c", "return"], ["-rc", "return", "."]),
    ("-i literal", ["-n", "-i", "pm_resume"], ["-rni", "pm_resume", "."]),
    ("-w word", ["-n", "-w", "PM_RESUME"], ["-rnw", "PM_RESUME", "."]),
    ("inner literal \\w+_RESUME", ["-n", r"\w+_RESUME"], ["-rnE", r"\w+_RESUME", "."]),
    (
        "alternation of 5",
        ["-n", "ERR_SYS|PME_TURN_OFF|LINK_REQ_RST|CFG_BME_EVT|PM_RESUME"],
        ["-rnE", "ERR_SYS|PME_TURN_OFF|LINK_REQ_RST|CFG_BME_EVT|PM_RESUME", "."],
    ),
    ("no literal [A-Z]{3}_[0-9]{2}", ["-n", "[A-Z]{3}_[0-9]{2}"], ["-rnE", "[A-Z]{3}_[0-9]{2}", "."]),
    ("--files", ["--files"], None),
]


def run_once(argv, cwd):
    """Run argv in cwd, draining stdout through a pipe. Returns
    (seconds, peak RSS in KiB, exit code, bytes of output).

    Peak RSS comes from GNU time wrapped around the tool: the rusage of a
    child forked straight from Python would count Python's own pages."""
    with tempfile.NamedTemporaryFile("r") as rss_file:
        start = time.perf_counter()
        proc = subprocess.Popen(
            ["/usr/bin/time", "-q", "-f", "%M", "-o", rss_file.name] + argv,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        total = drain(proc)
        code = proc.wait()
        elapsed = time.perf_counter() - start
        rss = int(rss_file.read().split()[-1] or 0)
    return elapsed, rss, code, total


def drain(proc):
    """Read a process's stdout to its end; the number of bytes."""
    total = 0
    while True:
        chunk = proc.stdout.read(1 << 16)
        if not chunk:
            return total
        total += len(chunk)


def corpus_dir(given):
    if given:
        return given
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(here, "..", "..", "shared", "bench", "corpora.sh")
    out = subprocess.run(["bash", script], check=True, capture_output=True, text=True).stdout
    return os.path.join(out.strip().splitlines()[-1], "linux")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--corpus")
    ap.add_argument("--bin", default=None, help="pgrep-lite binary (default: target/release)")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--big", action="store_true", help="also a 200 MB line and a 2 GB file (needs ~2.3 GB in $TMPDIR)")
    ap.add_argument("--only-big", action="store_true", help="only the large-input runs")
    args = ap.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    pgrep = args.bin or os.path.join(root, "target", "release", "pgrep-lite")
    if not os.path.exists(pgrep):
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "pgrep-lite"], cwd=root, check=True)
    rg = shutil.which("rg")
    grep = shutil.which("grep")
    if not rg:
        sys.exit("rg not found: cargo install ripgrep")
    corpus = corpus_dir(args.corpus)

    # Warm the page cache once for everybody.
    run_once([rg, "--files"], corpus)
    run_once([rg, "-c", "zzzzzzzz_warm"], corpus)

    rows = []
    for name, rg_args, grep_args in ([] if args.only_big else QUERIES):
        tools = [("pgrep-lite", [pgrep] + rg_args), ("rg", [rg] + rg_args)]
        if grep_args and grep:
            tools.append(("grep", [grep] + grep_args))
        times = {t: [] for t, _ in tools}
        rss = {t: 0 for t, _ in tools}
        outbytes = {}
        for r in range(args.runs):
            order = tools if r % 2 == 0 else list(reversed(tools))
            for tool, argv in order:
                secs, peak, code, nbytes = run_once(argv, corpus)
                times[tool].append(secs)
                rss[tool] = max(rss[tool], peak)
                outbytes[tool] = nbytes
        med = {t: statistics.median(v) for t, v in times.items()}
        rows.append((name, med, rss, outbytes))
        line = f"{name:32s}"
        for t in med:
            line += f"  {t} {med[t]:.3f}s ({rss[t] // 1024} MiB)"
        line += f"  pgrep/rg {med['pgrep-lite'] / med['rg']:.2f}x"
        if "grep" in med:
            line += f"  pgrep/grep {med['pgrep-lite'] / med['grep']:.2f}x"
        print(line, file=sys.stderr, flush=True)

    mem_rows = [] if args.only_big else memory_scaling(pgrep, rg, corpus)
    big_rows = big_files(pgrep, rg) if args.big or args.only_big else []

    if args.markdown:
        if rows:
            print(f"Corpus: `{corpus}`; {args.runs} alternating runs per tool; medians.\n")
            print("| query | pgrep-lite | rg | GNU grep | pgrep-lite / rg | pgrep-lite / grep | peak RSS pgrep-lite / rg |")
            print("|---|---|---|---|---|---|---|")
        for name, med, rss, _ in rows:
            g = f"{med['grep']:.3f} s" if "grep" in med else "n/a"
            gr = f"{med['pgrep-lite'] / med['grep']:.2f}x" if "grep" in med else "n/a"
            print(
                f"| {name} | {med['pgrep-lite']:.3f} s | {med['rg']:.3f} s | {g} | "
                f"**{med['pgrep-lite'] / med['rg']:.2f}x** | {gr} | "
                f"{rss['pgrep-lite'] // 1024} / {rss['rg'] // 1024} MiB |"
            )
        for name, _, _, outb in rows:
            if outb.get("pgrep-lite") != outb.get("rg"):
                print(f"\nNote: output size differs on '{name}': {outb}")
        if mem_rows:
            print("\nPeak RSS as the corpus grows (`-c PM_RESUME`, one run each):\n")
            print("| tree | files | pgrep-lite | rg |")
            print("|---|---|---|---|")
        for tree, nfiles, rss in mem_rows:
            print(f"| {tree} | {nfiles} | {rss['pgrep-lite'] // 1024} MiB | {rss['rg'] // 1024} MiB |")
        if big_rows:
            print("\nLarge inputs (wall time, peak RSS including mapped file pages, exit status;")
            print("then the exit status with the heap capped by `prlimit --data=256MiB`):\n")
            print("| input | pgrep-lite | rg | pgrep-lite, heap capped | rg, heap capped |")
            print("|---|---|---|---|---|")
            for name, res in big_rows:
                p, r = res["pgrep-lite"], res["rg"]
                print(
                    f"| {name} | {p[0]:.2f} s, {p[1] // 1024} MiB, exit {p[2]} | "
                    f"{r[0]:.2f} s, {r[1] // 1024} MiB, exit {r[2]} | exit {p[3]} | exit {r[3]} |"
                )


def memory_scaling(pgrep, rg, corpus):
    rows = []
    for sub in ["fs/ext4", "fs", "drivers", "."]:
        path = os.path.join(corpus, sub)
        nfiles = sum(len(f) for _, _, f in os.walk(path))
        rss = {}
        for tool, exe in [("pgrep-lite", pgrep), ("rg", rg)]:
            _, peak, _, _ = run_once([exe, "-c", "PM_RESUME", path], corpus)
            rss[tool] = peak
        name = "linux" if sub == "." else f"linux/{sub}"
        rows.append((name, nfiles, rss))
        print(f"memory {name}: {nfiles} files {rss}", file=sys.stderr, flush=True)
    return rows


def big_files(pgrep, rg):
    """A 200 MB single line and a 2 GB file, searched found by a walk
    (directory argument) and named, with and without -U."""
    tmp = tempfile.mkdtemp(prefix="pfiles-big-")
    try:
        line_dir = os.path.join(tmp, "line")
        os.mkdir(line_dir)
        with open(os.path.join(line_dir, "one-line.txt"), "wb") as f:
            chunk = b"x" * (1 << 20)
            for _ in range(200):
                f.write(chunk)
            f.write(b"NEEDLE\n")
        big_dir = os.path.join(tmp, "big")
        os.mkdir(big_dir)
        with open(os.path.join(big_dir, "two-gb.log"), "wb") as f:
            block = b"".join(b"%08d some ordinary log line with words in it\n" % i for i in range(20000))
            written = 0
            while written < (2 << 30):
                f.write(block)
                written += len(block)
            f.write(b"NEEDLE at the end\n")
        cases = [
            ("200 MB line, walked", ["-c", "NEEDLE", line_dir]),
            ("200 MB line, named", ["-c", "NEEDLE", os.path.join(line_dir, "one-line.txt")]),
            ("2 GB file, walked", ["-c", "NEEDLE", big_dir]),
            # A pattern with \n makes -U read whole files: the heap-bound case.
            ("2 GB file, walked, -U multiline", ["-U", "-c", "at the end\\n", big_dir]),
        ]
        rows = []
        for name, argv in cases:
            res = {}
            for tool, exe in [("pgrep-lite", pgrep), ("rg", rg)]:
                secs, peak, code, _ = run_once([exe] + argv, tmp)
                # Again with the heap (RLIMIT_DATA) capped at 256 MiB: file
                # pages mapped read-only do not count, heap buffers do.
                _, _, capped, _ = run_once(["prlimit", f"--data={256 << 20}", exe] + argv, tmp)
                res[tool] = (secs, peak, code, capped)
            rows.append((name, res))
            print(f"big {name}: {res}", file=sys.stderr, flush=True)
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
