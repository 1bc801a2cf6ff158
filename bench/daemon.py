#!/usr/bin/env python3
"""Benchmark of the pgrep-lite daemon (issue 12: the trigram index) on the Linux tree.

Every timing is end to end from a client process (its start included), its
output read through a pipe, side by side with ripgrep one-shot in the same
run, alternating tools within each round (so a burst of noise on a shared
machine hits all of them alike); medians; ratios rg / daemon (higher is
better for the daemon).

Sections (`--sections`, comma separated; default all but `copies`):

  load     `--daemon start` to ready (it returns when ready), then to index
           complete (`--daemon status --json` polled every 20 ms until
           `index_ready`; n/a for a binary without that field). With
           `--old-bin`, alternating loads old/new (`--load-runs`), medians,
           and the ratio new (files + index) / old.
  queries  the queries of issue 12 (`--queries issue`) and those of
           bench/grep.py (`--queries all`, the default), daemon vs rg; with
           `--old-bin` the old binary's daemon too (a second daemon on the same
           tree, in its own runtime directory: today's ratio, same run). Per
           query, from the last entry of `recent_queries` in the status: the
           plan, the candidate files and the bytes verified. Then the status
           figures (index bytes, grams, postings, files held / read from disk,
           resident memory, each against the corpus bytes), the bare memmem
           scan (`daemon bench-scan`), the freshness sync's cost per query and
           edit-to-visible latency.
  memory0  `--daemon start --memory 0` (contents not held), page cache warmed,
           rare literal vs rg, resident memory against the corpus bytes.
  copies   `--copies N` (default 4) copies of the corpus (`cp -r`, never hard
           links: the daemon does not hold hard-linked files) in a temporary
           directory (needs N x the corpus on disk; checked first, removed
           afterwards), served `--memory 0`, warmed, rare literal vs rg, RSS.
           Off unless named in --sections or --copies is given.
  small    a copy of this repository's tracked files: daemon vs one-shot
           `pgrep-lite --no-daemon` (and rg) for `PM_RESUME` and `fn main`,
           `--small-runs` alternating runs: the daemon must not be slower.

"Corpus bytes" is the sum of the sizes of the regular files `rg --files`
lists (what a one-shot search reads). Fields a binary's status lacks print
n/a; a daemon that does not start is reported and its section skipped.

All daemons run in a private runtime directory (XDG_RUNTIME_DIR), so no
daemon of the user is stopped or used.

Usage: bench/daemon.py [--runs N] [--corpus DIR] [--bin PATH] [--old-bin PATH]
         [--rg PATH] [--queries issue|all] [--sections load,queries,memory0,copies,small]
         [--load-runs N] [--copies N] [--small-runs N] [--start-args ARGS]
         [--lowmem-args ARGS] [--tmpdir DIR] [--no-check] [--markdown]
"""

import argparse
import hashlib
import json
import os
import shlex
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no bench/__pycache__ left in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grep import QUERIES, corpus_dir, drain  # noqa: E402

# Five rare identifiers from five subsystems (networking, KVM, btrfs, mm,
# PCI), each in 1-20 files of Linux 6.1 as a substring (3, 6, 2, 2 and 11
# files; 24 files in all), so the index must union five small posting sets.
ALT5 = "clean_acked_data_enable|kvm_make_vcpus_request_mask|btrfs_balance_data|page_ref_sub_and_test|PME_TURN_OFF"

# name, arguments (daemon and rg alike), goal as rg / daemon (None: see text), goal text
ISSUE_QUERIES = [
    ("rare literal", ["-n", "PM_RESUME"], 40.0, ">= 40x faster than rg"),
    ("-w suspend_late", ["-n", "-w", "suspend_late"], 25.0, ">= 25x faster than rg"),
    ("-l -i dma_fence", ["-l", "-i", "dma_fence"], 25.0, ">= 25x faster than rg"),
    ("inner literal \\w+_RESUME", ["-n", r"\w+_RESUME"], 25.0, ">= 25x faster than rg"),
    ("alternation of 5 rare literals", ["-n", ALT5], 20.0, ">= 20x faster than rg"),
    ("common literal -c return", ["-c", "return"], None, "no worse than today's ratio (within 10%)"),
    ("no literal [A-Z]{3}_[0-9]{2}", ["-n", "[A-Z]{3}_[0-9]{2}"], None, "no worse than today's ratio (within 10%)"),
]

RARE = ["-n", "PM_RESUME"]

STATUS_FIELDS = [
    "files", "bytes_held", "index_ready", "index_bytes", "index_grams", "index_postings",
    "index_dead_postings", "indexed_files", "memory_budget", "files_in_memory", "files_from_disk",
    "always_candidates", "resident_bytes", "queries", "fallbacks",
]


def log(msg=""):
    print(msg, file=sys.stderr, flush=True)


def timed(argv, cwd, env=None):
    """Run argv in cwd, draining stdout through a pipe, stderr discarded.
    Returns (seconds, exit code, bytes of output). No wrapper process (the
    millisecond answers of the index would feel a /usr/bin/time exec)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    total = drain(proc)
    code = proc.wait()
    return time.perf_counter() - start, code, total


def alternate(tools, cwd, runs):
    """tools: [(label, argv, env)]. Each round runs every tool once, the
    order reversed every other round. Returns ({label: median s}, {label: [s]},
    {label: set of exit codes}, {label: output bytes of the last run})."""
    times = {t[0]: [] for t in tools}
    codes = {t[0]: set() for t in tools}
    sizes = {}
    for r in range(runs):
        for label, argv, env in (tools if r % 2 == 0 else tools[::-1]):
            secs, code, nbytes = timed(argv, cwd, env)
            times[label].append(secs)
            codes[label].add(code)
            sizes[label] = nbytes
    return {t: statistics.median(v) for t, v in times.items()}, times, codes, sizes


class Daemons:
    """The daemons of one binary, in a runtime directory of their own."""

    def __init__(self, binary, label):
        self.bin = binary
        self.label = label
        self.runtime = tempfile.mkdtemp(prefix=f"pfiles-bench-{label}-")
        os.chmod(self.runtime, 0o700)
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self.runtime)
        self.roots = set()
        # Builds before issue 13 manage the daemon with a `daemon`
        # subcommand; later ones with `--daemon ACTION`.
        helps = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
        self.manage = ["--daemon"] if "--daemon" in helps else ["daemon"]

    def run(self, args, cwd=None, text=True):
        if args and args[0] == "--daemon":
            args = self.manage + args[1:]
        return subprocess.run([self.bin] + args, cwd=cwd, env=self.env, capture_output=True, text=text)

    def start(self, root, extra=()):
        """Stop any daemon of ours on root, then start one; returns
        (seconds to ready, None) or (None, error message)."""
        self.stop(root)
        self.roots.add(root)
        t0 = time.perf_counter()
        r = self.run(["--daemon", "start"] + list(extra) + [root], cwd=root)
        ready = time.perf_counter() - t0
        if r.returncode != 0:
            return None, f"`{shlex.join([self.bin] + self.manage + ['start'] + list(extra) + [root])}` " \
                         f"failed (exit {r.returncode}): {r.stderr.strip()}"
        self.t0 = t0
        return ready, None

    def wait_index(self, root, timeout=900.0):
        """Seconds from the start of the last `start` until the status says
        index_ready (polled every 20 ms); None when the field is absent."""
        deadline = time.perf_counter() + timeout
        while True:
            st = self.status(root)
            if st is None or st.get("index_ready") is None:
                return None
            if st["index_ready"]:
                return time.perf_counter() - self.t0
            if time.perf_counter() > deadline:
                log(f"  {self.label}: index not ready {timeout:.0f} s after start; going on")
                return None
            time.sleep(0.02)

    def status(self, root):
        r = self.run(["--daemon", "status", "--json", root], cwd=root)
        if r.returncode != 0:
            return None
        try:
            return json.loads(r.stdout)
        except ValueError:
            return None

    def stop(self, root):
        self.run(["--daemon", "stop", root])
        self.roots.discard(root)

    def close(self):
        for root in list(self.roots):
            self.stop(root)
        shutil.rmtree(self.runtime, ignore_errors=True)

    def has_start_flag(self, flag):
        return flag in self.run(["--daemon", "start", "--help"]).stdout


def na(v, f=str):
    return "n/a" if v is None else f(v)


def mib(n):
    return na(n, lambda v: f"{v / 2**20:.0f} MiB")


def human(n):
    if n is None:
        return "n/a"
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):.1f} {unit}"
    return f"{n} B"


def ratio(a, b, digits=2):
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.{digits}f}x"


def cell(args):
    """args as a shell command in a markdown table cell (a | must be escaped there, even in code)."""
    return "`" + shlex.join(args).replace("|", "\\|") + "`"


def ms(s):
    return na(s, lambda v: f"{v * 1000:.1f} ms")


def secs(s):
    return na(s, lambda v: f"{v:.2f} s")


def corpus_bytes(rg, root):
    """Bytes and count of the regular files rg would search under root."""
    out = subprocess.run([rg, "--files", "-0"], cwd=root, capture_output=True).stdout
    total = n = 0
    for rel in out.split(b"\0"):
        if not rel:
            continue
        try:
            st = os.lstat(os.path.join(root.encode(), rel))
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            total += st.st_size
            n += 1
    return total, n


def warm(rg, root):
    timed([rg, "--files"], root)
    timed([rg, "-c", "zzzz_pfiles_warm"], root)


def last_query(st):
    """The last entry of recent_queries, or None."""
    if not st:
        return None
    recent = st.get("recent_queries")
    if not recent:
        return None
    return recent[-1]


def describe_plan(q):
    if not q:
        return "n/a"
    vb = q.get("verify_bytes")
    return (f"plan {q.get('plan', 'n/a')}, candidates {na(q.get('candidates'))}, files {na(q.get('files'))}, "
            f"verify {human(vb)}, {na(q.get('micros'), lambda v: f'{v / 1000:.1f} ms')} in daemon")


def debug_run(d, args, root):
    """One daemon query with --debug: (who answered, stdout digest).
    The query also becomes the last entry of the daemon's recent_queries."""
    r = d.run(["--debug"] + args, cwd=root, text=False)
    who = [ln for ln in r.stderr.decode(errors="replace").splitlines() if "debug:" in ln]
    who = who[0].split("debug:", 1)[1].strip() if who else "unknown"
    return who, hashlib.sha256(r.stdout).hexdigest(), len(r.stdout)


def rg_sorted(rg, args, root):
    r = subprocess.run([rg, "--sort", "path"] + args, cwd=root, capture_output=True)
    return hashlib.sha256(r.stdout).hexdigest(), len(r.stdout)


# ---------------------------------------------------------------- sections


def section_load(a, new, old, corpus, md):
    log("== load")
    warm(a.rg, corpus)
    entries = [("new", new)] + ([("old", old)] if old else [])
    res = {lab: {"ready": [], "index": []} for lab, _ in entries}
    for r in range(a.load_runs):
        for lab, d in (entries if r % 2 == 0 else entries[::-1]):
            ready, err = d.start(corpus, a.start_args if lab == "new" else [])
            if err:
                log(f"  {err}; load section skipped")
                md.append(f"Load: daemon did not start: {err}\n")
                d.stop(corpus)
                return
            index = d.wait_index(corpus)
            d.stop(corpus)
            res[lab]["ready"].append(ready)
            if index is not None:
                res[lab]["index"].append(index)
            log(f"  {lab} run {r + 1}: ready {secs(ready)}, index complete {secs(index)}")
    med = {lab: {k: (statistics.median(v) if v else None) for k, v in x.items()} for lab, x in res.items()}
    full_new = med["new"]["index"] if med["new"]["index"] is not None else med["new"]["ready"]
    full_note = "" if med["new"]["index"] is not None else " (no index_ready in the status: load to ready)"
    line = f"  medians of {a.load_runs}: new ready {secs(med['new']['ready'])}, index complete {secs(med['new']['index'])}"
    if old:
        line += (f"; old ready {secs(med['old']['ready'])}; new (files + index) / old: "
                 f"{ratio(full_new, med['old']['ready'])}{full_note} (goal <= 1.5x); new ready / old ready: "
                 f"{ratio(med['new']['ready'], med['old']['ready'])}")
    log(line)
    md.append(f"### Load\n\n`--daemon start {shlex.join(a.start_args + [corpus])}` until it returns (ready), then "
              f"`--daemon status --json` polled every 20 ms until `index_ready`; {a.load_runs} alternating loads, "
              f"page cache warm, medians.\n")
    md.append("| binary | load to ready | load to index complete | runs (ready) |")
    md.append("|---|---|---|---|")
    for lab, d in entries:
        runs = ", ".join(f"{x:.2f}" for x in res[lab]["ready"])
        md.append(f"| {lab} (`{d.bin}`) | {secs(med[lab]['ready'])} | {secs(med[lab]['index'])} | {runs} |")
    if old:
        md.append(f"\nNew load (files + index) / old load: **{ratio(full_new, med['old']['ready'])}**{full_note} (goal <= 1.5x); "
                  f"to ready only: {ratio(med['new']['ready'], med['old']['ready'])}.\n")
    else:
        md.append("\n(no `--old-bin`: no old/new ratio)\n")


def section_queries(a, new, old, corpus, cbytes, md):
    log("== queries")
    queries = [(n, q, g, t) for n, q, g, t in ISSUE_QUERIES]
    if a.queries == "all":
        seen = {tuple(q) for _, q, _, _ in queries}
        for name, q, _ in QUERIES:
            if tuple(q) not in seen:
                queries.append((name + " (grep.py)", q, None, "(bench/grep.py row)"))
                seen.add(tuple(q))
    warm(a.rg, corpus)
    ready, err = new.start(corpus, a.start_args)
    if err:
        log(f"  {err}; queries section skipped")
        md.append(f"### Queries\n\nDaemon did not start: {err}\n")
        return
    index = new.wait_index(corpus)
    st = new.status(corpus) or {}
    log(f"  new daemon: ready {secs(ready)}, index complete {secs(index)}, {st.get('files')} files, "
        f"{mib(st.get('bytes_held'))} held, RSS {mib(st.get('resident_bytes'))}")
    use_old = old is not None and not a.no_old_queries
    if use_old:
        oready, oerr = old.start(corpus)
        if oerr:
            log(f"  {oerr}; old daemon left out of the queries")
            use_old = False
        else:
            log(f"  old daemon: ready {secs(oready)}")

    rows = []
    for name, q, goal, goal_text in queries:
        tools = [("daemon", [new.bin] + q, new.env), ("rg", [a.rg] + q, None)]
        if use_old:
            tools.insert(1, ("old daemon", [old.bin] + q, old.env))
        med, _, codes, sizes = alternate(tools, corpus, a.runs)
        who, digest, nbytes = debug_run(new, q, corpus)
        plan = last_query(new.status(corpus))
        who_old = debug_run(old, q, corpus)[0] if use_old else None
        same = "not checked"
        if not a.no_check:
            rdigest, rbytes = rg_sorted(a.rg, q, corpus)
            same = "yes" if rdigest == digest else f"NO ({nbytes} vs {rbytes} bytes)"
        row = dict(name=name, argv=q, goal=goal, goal_text=goal_text, med=med, codes=codes,
                   sizes=sizes, who=who, who_old=who_old, plan=plan, same=same)
        rows.append(row)
        line = (f"  {name:34s} daemon {ms(med['daemon']):>9s}  rg {ms(med['rg']):>9s}  "
                f"rg/daemon {ratio(med['rg'], med['daemon'], 1)}")
        if use_old:
            line += f"  old {ms(med['old daemon'])} rg/old {ratio(med['rg'], med['old daemon'], 1)}"
        log(line)
        log(f"      argv {shlex.join(q)}; {who}; {describe_plan(plan)}; output == rg --sort path: {same}")
        if who_old and not who_old.startswith("answered by the daemon"):
            log(f"      old binary: {who_old}")

    st = new.status(corpus) or {}
    scan = None
    r = new.run(["--daemon", "bench-scan", "PM_RESUME"], cwd=corpus)
    if r.returncode == 0:
        scans = []
        for _ in range(a.runs):
            r = new.run(["--daemon", "bench-scan", "PM_RESUME"], cwd=corpus)
            try:
                scans.append(json.loads(r.stdout)["micros"] / 1e6)
            except (ValueError, KeyError):
                break
        scan = statistics.median(scans) if scans else None
    log(f"  bare memmem scan of all held bytes: {ms(scan)}")

    syncs = st.get("syncs")
    sync_us = st["sync_micros_total"] / max(1, syncs) if syncs is not None and "sync_micros_total" in st else None

    lat_dir, lat_tree, misses = edit_to_visible(new, corpus)
    if use_old:
        old.stop(corpus)
    new.stop(corpus)

    log("  status after the queries:")
    for f in STATUS_FIELDS:
        log(f"    {f}: {na(st.get(f))}")
    log(f"    corpus bytes (rg --files): {cbytes[0]} in {cbytes[1]} files; index_bytes / corpus "
        f"{ratio(st.get('index_bytes'), cbytes[0], 3)} (goal <= 0.3x); resident / corpus "
        f"{ratio(st.get('resident_bytes'), cbytes[0], 3)}")
    log(f"  sync per query {na(sync_us, lambda v: f'{v:.0f} us')}; edit to visible: {misses} of 40 missed; "
        f"dir median {ms(statistics.median(lat_dir))}, tree median {ms(statistics.median(lat_tree))}")

    md.append(f"### Queries\n\nCorpus `{corpus}`: {cbytes[1]} files, {cbytes[0] / 2**20:.0f} MiB (`rg --files`). "
              f"Daemon {st.get('files')} files, {mib(st.get('bytes_held'))} held in {st.get('shards')} shards "
              f"(`--daemon start {shlex.join(a.start_args + [corpus])}`: ready {secs(ready)}, index complete "
              f"{secs(index)}). {a.runs} alternating runs per tool, client end to end through a pipe, medians. "
              f"Each command is run in the corpus as `pgrep-lite ARGS` and `rg ARGS`.\n")
    head = "| query | ARGS | daemon | rg | rg / daemon | goal |"
    sep = "|---|---|---|---|---|---|"
    if use_old:
        head += " old daemon | rg / old daemon |"
        sep += "---|---|"
    md.append(head + " plan | candidates | verified | output == `rg --sort path` |")
    md.append(sep + "---|---|---|---|")
    for row in rows:
        med, p = row["med"], row["plan"] or {}
        r_ = med["rg"] / med["daemon"]
        goal = row["goal_text"]
        if row["goal"] is not None:
            goal += " " + ("(met)" if r_ >= row["goal"] else "(**not met**)")
        elif use_old and "today's ratio" in goal:
            goal += " " + ("(met)" if r_ >= 0.9 * med["rg"] / med["old daemon"] else "(**not met**)")
        line = (f"| {row['name']} | {cell(row['argv'])} | {ms(med['daemon'])} | {ms(med['rg'])} | "
                f"**{r_:.1f}x** | {goal} |")
        if use_old:
            line += f" {ms(med['old daemon'])} | {ratio(med['rg'], med['old daemon'], 1)} |"
        line += f" {p.get('plan', 'n/a')} | {na(p.get('candidates'))} | {human(p.get('verify_bytes'))} | {row['same']} |"
        md.append(line)
    for row in rows:
        if row["who"] and not row["who"].startswith("answered by the daemon"):
            md.append(f"\nNote: '{row['name']}' was not answered by the daemon: {row['who']}")
        if row["who_old"] and not row["who_old"].startswith("answered by the daemon"):
            md.append(f"\nNote: '{row['name']}' was not answered by the old daemon: {row['who_old']}")
        if len(row["codes"]["daemon"]) != 1 or row["codes"]["daemon"] != row["codes"]["rg"]:
            md.append(f"\nNote: exit codes differ on '{row['name']}': {row['codes']}")
    md.append("\nStatus after the queries (`--daemon status --json`):\n")
    md.append("| field | value |")
    md.append("|---|---|")
    for f in STATUS_FIELDS:
        md.append(f"| `{f}` | {na(st.get(f))} |")
    md.append(f"| index bytes / corpus bytes | **{ratio(st.get('index_bytes'), cbytes[0], 3)}** (goal <= 0.3x) |")
    md.append(f"| resident / corpus bytes | {ratio(st.get('resident_bytes'), cbytes[0], 3)} |")
    md.append(f"\nBare scan (`daemon bench-scan PM_RESUME`: one memmem pass over all held bytes): {ms(scan)}.\n")
    md.append(f"Freshness sync (cookie round trip) per query: {na(sync_us, lambda v: f'{v:.0f} us')} on average "
              f"over {na(syncs)} queries; {na(st.get('fallbacks'))} queries fell back to one-shot.\n")
    md.append(f"Edit to visible (append a token, then immediately query; 20 edits each): {misses} of 40 first "
              f"queries missed the edit. Query wall time including the sync, `-c TOKEN Documentation`: median "
              f"{ms(statistics.median(lat_dir))}, max {ms(max(lat_dir))}; whole tree: median "
              f"{ms(statistics.median(lat_tree))}, max {ms(max(lat_tree))}.\n")


def edit_to_visible(d, corpus):
    """Append a fresh token to a file, then immediately query for it."""
    edit_file = os.path.join(corpus, "Documentation", "pfiles-bench-edit.txt")
    with open(edit_file, "w") as f:
        f.write("start\n")
    lat_dir, lat_tree, misses = [], [], 0
    try:
        time.sleep(0.5)
        for i in range(20):
            token = f"pfilestoken{os.getpid()}x{i}"
            with open(edit_file, "a") as f:
                f.write(token + "\n")
            t = time.perf_counter()
            out = d.run(["-c", token, "Documentation"], cwd=corpus)
            lat_dir.append(time.perf_counter() - t)
            if "pfiles-bench-edit.txt:1" not in out.stdout:
                misses += 1
            token2 = token + "b"
            with open(edit_file, "a") as f:
                f.write(token2 + "\n")
            t = time.perf_counter()
            out = d.run(["-c", token2], cwd=corpus)
            lat_tree.append(time.perf_counter() - t)
            if "pfiles-bench-edit.txt:1" not in out.stdout:
                misses += 1
    finally:
        os.remove(edit_file)
    return lat_dir, lat_tree, misses


def rare_vs_rg(a, d, root, cbytes, title, goal_x, goal_rss, md, lead=""):
    """Serve root with the low-memory arguments, warm, time the rare literal.
    goal_rss: (text, limit in bytes given the corpus bytes)."""
    if not d.has_start_flag("--memory") and "--memory" in a.lowmem_args:
        err = f"`{d.bin} --daemon start` has no --memory option (binary before issue 12)"
        log(f"  {err}; {title} skipped")
        md.append(f"### {title}\n\n{lead}Skipped: {err}.\n")
        return
    ready, err = d.start(root, a.lowmem_args)
    if err:
        log(f"  {err}; {title} skipped")
        md.append(f"### {title}\n\n{lead}Skipped: {err}.\n")
        return
    try:
        index = d.wait_index(root)
        warm(a.rg, root)
        med, _, codes, _ = alternate([("daemon", [d.bin] + RARE, d.env), ("rg", [a.rg] + RARE, None)], root, a.runs)
        who, _, _ = debug_run(d, RARE, root)
        st = d.status(root) or {}
    finally:
        d.stop(root)
    plan = last_query(st)
    rss = st.get("resident_bytes")
    log(f"  ready {secs(ready)}, index complete {secs(index)}; rare literal: daemon {ms(med['daemon'])}, "
        f"rg {ms(med['rg'])}, rg/daemon {ratio(med['rg'], med['daemon'], 1)} (goal >= {goal_x}x); "
        f"RSS {mib(rss)} = {ratio(rss, cbytes[0], 3)} of {mib(cbytes[0])} (goal {goal_rss[0]}); {who}; {describe_plan(plan)}")
    for f in ["files", "memory_budget", "files_in_memory", "files_from_disk", "index_bytes"]:
        log(f"    {f}: {na(st.get(f))}")
    r_ = med["rg"] / med["daemon"]
    rss_goal = goal_rss[0] + ("" if rss is None else " (met)" if rss <= goal_rss[1] else " (**not met**)")
    md.append(f"### {title}\n\n{lead}`--daemon start {shlex.join(a.lowmem_args + [root])}`: ready {secs(ready)}, "
              f"index complete {secs(index)}; page cache warmed by one rg run; {a.runs} alternating runs, medians. "
              f"Corpus {cbytes[1]} files, {mib(cbytes[0])}.\n")
    md.append("| query | daemon | rg | rg / daemon | goal | RSS | RSS / corpus | goal | files in memory / from disk | plan, candidates |")
    md.append("|---|---|---|---|---|---|---|---|---|---|")
    md.append(f"| {cell(RARE)} | {ms(med['daemon'])} | {ms(med['rg'])} | **{r_:.1f}x** | >= {goal_x}x "
              f"{'(met)' if r_ >= goal_x else '(**not met**)'} | {mib(rss)} | **{ratio(rss, cbytes[0], 3)}** | {rss_goal} | "
              f"{na(st.get('files_in_memory'))} / {na(st.get('files_from_disk'))} | "
              f"{(plan or {}).get('plan', 'n/a')}, {na((plan or {}).get('candidates'))} |")
    if not who.startswith("answered by the daemon"):
        md.append(f"\nNote: not answered by the daemon: {who}")
    md.append("")


def section_memory0(a, new, corpus, cbytes, md):
    log("== memory0")
    rare_vs_rg(a, new, corpus, cbytes, "Contents not held", 20, ("<= 0.4x corpus", 0.4 * cbytes[0]), md)


def section_copies(a, new, corpus, md):
    n = a.copies or 4
    title = f"{n} copies of the corpus" if n > 1 else "1 copy of the corpus"
    log(f"== copies ({n})")
    du = int(subprocess.run(["du", "-sb", corpus], capture_output=True, text=True).stdout.split()[0])
    base = a.tmpdir or tempfile.gettempdir()
    free = shutil.disk_usage(base).free
    need = n * du + (2 << 30)
    if free < need:
        msg = f"needs {need / 2**30:.1f} GiB free in {base}, has {free / 2**30:.1f} GiB"
        log(f"  {msg}; copies skipped")
        md.append(f"### {title}\n\nSkipped: {msg}.\n")
        return
    if not new.has_start_flag("--memory") and "--memory" in a.lowmem_args:
        msg = f"`{new.bin} --daemon start` has no --memory option (binary before issue 12)"
        log(f"  {msg}; copies skipped (nothing copied)")
        md.append(f"### {title}\n\nSkipped: {msg}.\n")
        return
    tmp = tempfile.mkdtemp(prefix="pfiles-bench-copies-", dir=base)
    try:
        t0 = time.perf_counter()
        for i in range(n):
            subprocess.run(["cp", "-r", corpus, os.path.join(tmp, f"linux-{i + 1}")], check=True)
        log(f"  copied {n} x {du / 2**30:.2f} GiB in {time.perf_counter() - t0:.0f} s to {tmp}")
        cb = corpus_bytes(a.rg, tmp)
        lead = f"{title} (`cp -r`, separate files), one daemon on their parent directory. "
        rare_vs_rg(a, new, tmp, cb, title, 40, ("<= 2 GB", 2e9), md, lead)
    finally:
        new.stop(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
        log(f"  removed {tmp}")


def section_small(a, new, root_dir, md):
    log("== small")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=root_dir, capture_output=True, check=True).stdout
    tmp = tempfile.mkdtemp(prefix="pfiles-bench-small-", dir=a.tmpdir)
    try:
        count = 0
        for rel in files.decode().split("\0"):
            if not rel:
                continue
            src = os.path.join(root_dir, rel)
            if not os.path.lexists(src):
                continue
            dst = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst, follow_symlinks=False)
            count += 1
        cb = corpus_bytes(a.rg, tmp)
        ready, err = new.start(tmp, a.start_args)
        if err:
            log(f"  {err}; small skipped")
            md.append(f"### Small tree\n\nSkipped: {err}.\n")
            return
        index = new.wait_index(tmp)
        rows = []
        for q in (["-n", "PM_RESUME"], ["-n", "fn main"]):
            tools = [("daemon", [new.bin] + q, new.env), ("one-shot", [new.bin, "--no-daemon"] + q, new.env),
                     ("rg", [a.rg] + q, None)]
            med, _, _, sizes = alternate(tools, tmp, a.small_runs)
            who, _, _ = debug_run(new, q, tmp)
            rows.append((q, med, who))
            log(f"  {shlex.join(q):16s} daemon {ms(med['daemon'])}  one-shot {ms(med['one-shot'])}  rg {ms(med['rg'])}  "
                f"one-shot/daemon {ratio(med['one-shot'], med['daemon'])}; {who}")
        new.stop(tmp)
    finally:
        new.stop(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
    md.append(f"### Small tree (this repository)\n\nA copy of the {count} tracked files ({cb[1]} searched, "
              f"{cb[0] / 2**20:.1f} MiB), daemon ready in {secs(ready)}, index complete {secs(index)}; "
              f"{a.small_runs} alternating runs, medians, end to end.\n")
    md.append("| ARGS | daemon `pgrep-lite ARGS` | one-shot `pgrep-lite --no-daemon ARGS` | rg | one-shot / daemon (goal >= 1.0x) |")
    md.append("|---|---|---|---|---|")
    for q, med, who in rows:
        md.append(f"| {cell(q)} | {ms(med['daemon'])} | {ms(med['one-shot'])} | {ms(med['rg'])} | "
                  f"**{ratio(med['one-shot'], med['daemon'])}** |")
    for q, _, who in rows:
        if not who.startswith("answered by the daemon"):
            md.append(f"\nNote: `{shlex.join(q)}` was not answered by the daemon: {who}")
    md.append("")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9, help="alternating runs per query (default 9)")
    ap.add_argument("--corpus")
    ap.add_argument("--bin", help="pgrep-lite under test (default target/release/pgrep-lite)")
    ap.add_argument("--old-bin", help="an older pgrep-lite for the same-run load ratio and today's query ratios")
    ap.add_argument("--no-old-queries", action="store_true", help="with --old-bin, time only its load")
    ap.add_argument("--rg", help="ripgrep (default: rg on PATH)")
    ap.add_argument("--queries", choices=["issue", "all"], default="all")
    ap.add_argument("--sections", help="comma separated: load,queries,memory0,copies,small "
                    "(default all but copies; copies also when --copies is given)")
    ap.add_argument("--load-runs", type=int, default=3)
    ap.add_argument("--copies", type=int, default=0, help="copies of the corpus for the copies section (default 4 when named)")
    ap.add_argument("--small-runs", type=int, default=30)
    ap.add_argument("--start-args", default="", help="extra `--daemon start` arguments for the default daemon")
    ap.add_argument("--lowmem-args", default="--memory 0", help="`--daemon start` arguments of memory0 and copies")
    ap.add_argument("--tmpdir", help="where the copies go (default $TMPDIR or /tmp)")
    ap.add_argument("--no-check", action="store_true", help="skip comparing each answer with `rg --sort path`")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    a.start_args = shlex.split(a.start_args)
    a.lowmem_args = shlex.split(a.lowmem_args)

    sections = set((a.sections or "load,queries,memory0,small").split(","))
    if a.copies and not a.sections:
        sections.add("copies")
    unknown = sections - {"load", "queries", "memory0", "copies", "small"}
    if unknown:
        sys.exit(f"unknown sections: {', '.join(sorted(unknown))}")

    root_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    pgrep = os.path.abspath(a.bin or os.path.join(root_dir, "target", "release", "pgrep-lite"))
    if not a.bin and not os.path.exists(pgrep):
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "pgrep-lite"], cwd=root_dir, check=True)
    if not os.path.exists(pgrep):
        sys.exit(f"{pgrep}: no such binary")
    if a.old_bin and not os.path.exists(a.old_bin):
        sys.exit(f"--old-bin {a.old_bin}: no such binary")
    a.rg = a.rg or shutil.which("rg")
    if not a.rg:
        sys.exit("rg not found: cargo install ripgrep, or --rg PATH")
    corpus = os.path.realpath(corpus_dir(a.corpus))

    new = Daemons(pgrep, "new")
    old = Daemons(os.path.abspath(a.old_bin), "old") if a.old_bin else None
    rg_version = subprocess.run([a.rg, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    log(f"pgrep-lite {pgrep}; old {a.old_bin or '-'}; {rg_version} ({a.rg}); corpus {corpus}")
    md = [f"Binary `{pgrep}`" + (f", old `{a.old_bin}`" if a.old_bin else "") + f"; {rg_version}; "
          f"{os.cpu_count()} cores; `bench/daemon.py {shlex.join(sys.argv[1:])}`.\n"]
    try:
        cbytes = corpus_bytes(a.rg, corpus) if sections & {"queries", "memory0"} else None
        if cbytes:
            log(f"corpus: {cbytes[1]} files, {cbytes[0] / 2**20:.0f} MiB (rg --files)")
        for name in ["load", "queries", "memory0", "copies", "small"]:
            if name not in sections:
                continue
            try:
                if name == "load":
                    section_load(a, new, old, corpus, md)
                elif name == "queries":
                    section_queries(a, new, old, corpus, cbytes, md)
                elif name == "memory0":
                    section_memory0(a, new, corpus, cbytes, md)
                elif name == "copies":
                    section_copies(a, new, corpus, md)
                elif name == "small":
                    section_small(a, new, root_dir, md)
            except (subprocess.SubprocessError, OSError) as e:
                log(f"  section {name} failed: {e}; going on")
                md.append(f"### {name}\n\nFailed: {e}\n")
    finally:
        new.close()
        if old:
            old.close()
    if a.markdown:
        print("\n".join(md))


if __name__ == "__main__":
    main()
