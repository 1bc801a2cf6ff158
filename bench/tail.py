#!/usr/bin/env python3
"""Side-by-side benchmark: ptail vs GNU `tail -F -q` (issue 5).

Three measurements, tools alternating within each round (so that a burst of
noise on this shared machine hits all of them alike), medians of --runs:

(a) Throughput. 64 fresh empty files; the tailer is started with `-n 0` and
    is "ready" once a marker line appended to every file has come out (see
    wait_ready). Then one writer process (bench/tail_writer.c, built with cc
    into the temp dir; a Python fallback otherwise) appends N whole lines
    (50 bytes) to each file, round robin, in batches of whole lines (80
    lines, 4000 bytes: one write(2) per batch, not page-aligned), as fast as
    it can. The tailer's stdout is a pipe (1 MiB) read by
    bench/tail_reader.c (built likewise), which only counts newlines, at
    memory speed. Until stop 27 this script read it (os.read +
    bytes.count, `--python-reader`): ~1 ms of CPU per MB, 0.4-0.9 s per
    run, on two cores shared with the writer and the tailer it measured. Figure: lines written / time from the writer's "go" to the
    last expected newline read. MB/s is the payload (the bytes written to
    the files), so the prefixed run is not credited for its longer output.
    Also the writer's own finishing time (a tailer close to it kept up) and
    the tailer's CPU time (utime+stime from /proc/PID/stat) over the same
    interval. After the timed runs, one untimed run per tool saves the
    output and checks it: every line whole, each file's lines in order, none
    missing or repeated. Then "catch-up": the same lines written before the
    tailer starts, read with `-n +1` (spawn to the last newline): the
    tailer's own speed, with no writer competing for the two cores.

(b) Latency. 4 files, one writer appending 1000 lines/s in total (one
    write(2) per line, on an absolute schedule), each line carrying
    CLOCK_MONOTONIC ns taken just before its write(2). The script reads the
    tailer's stdout and takes the clock again as soon as read(2) returns:
    latency = receive - write, per line; p50 / p99 / max per run.

(c) Start-up on many files. 10,000 files of one line each in one directory,
    the fd soft limit raised to the hard limit for every tool (preexec).
    `-n 1` on the 10,000 paths (and ptail given the directory instead,
    as an extra row). "history" = spawn until all 10,000 last lines were
    read; "ready" = spawn until, after the history, a line appended every
    10 ms to the first, middle and last file has come out for all three
    (so the tool is following). Then, from /proc/PID: inotify watches
    (lines "inotify wd:" in fdinfo of its inotify descriptors), open fds,
    VmRSS and VmHWM; then the CPU time it burns over --idle seconds of no
    writes.

(d) Restart with --state on the same number of files: time to ready vs a
    fresh start (see restart_section).

Usage: bench/tail.py [--runs N] [--bin PATH] [--tail PATH] [--markdown]
                     [--only throughput,latency,startup,restart] [--lines N] ...

The ptail binary defaults to target/release/ptail (build it first:
`cargo build --release --locked --bin ptail`); this script never builds. Needs python3, GNU
coreutils and, for the fast writer, cc. Temp files go to --tmpdir (default
$TMPDIR or /tmp; /dev/shm takes the disk out of the picture).
"""

import argparse
import fcntl
import math
import os
import re
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

F_SETPIPE_SZ = 1031
LIVE = []  # every child process, killed on any exit path
MARK_RE = re.compile(rb"ready (\d+)$")


class Fail(Exception):
    pass


# ---------------------------------------------------------------- writers
# Run as separate processes (`tail.py _writer ...`), so that the reader in
# this process never shares a GIL with them. Both print "ready", wait for a
# byte on stdin ("go"), write, print "done" and exit.

def writer_main(argv):
    mode = argv[0]
    if mode == "throughput":
        paths_file, nlines, line_len, batch = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
        paths = open(paths_file).read().split("\n")
        fds = [os.open(p, os.O_WRONLY | os.O_APPEND) for p in paths]
        bufs = [bytes(b"".join(payload(i, s, line_len) for s in range(nlines))) for i in range(len(paths))]
        step = batch * line_len
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        if not sys.stdin.buffer.read(1):
            return
        t0 = time.monotonic_ns()
        views = [memoryview(b) for b in bufs]
        for off in range(0, nlines * line_len, step):
            for fd, v in zip(fds, views):
                chunk = v[off:off + step]
                while chunk:
                    chunk = chunk[os.write(fd, chunk):]
        sys.stdout.write(f"done {time.monotonic_ns() - t0}\n")
        sys.stdout.flush()
    elif mode == "latency":
        paths_file, rate, seconds, line_len = argv[1], float(argv[2]), float(argv[3]), int(argv[4])
        paths = open(paths_file).read().split("\n")
        fds = [os.open(p, os.O_WRONLY | os.O_APPEND) for p in paths]
        total = int(rate * seconds)
        period = 1e9 / rate
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        if not sys.stdin.buffer.read(1):
            return
        start = time.monotonic_ns()
        for k in range(total):
            due = start + int(k * period)
            now = time.monotonic_ns()
            if due > now:
                time.sleep((due - now) / 1e9)
            i = k % len(fds)
            head = b"lat %d %08d %019d " % (i, k, time.monotonic_ns())
            os.write(fds[i], head + b"y" * max(0, line_len - len(head) - 1) + b"\n")
        sys.stdout.write("done\n")
        sys.stdout.flush()


def payload(i, seq, line_len):
    head = b"f%03d %09d " % (i, seq)
    return head + b"x" * (line_len - len(head) - 1) + b"\n"


PAYLOAD_RE = re.compile(rb"f(\d{3}) (\d{9}) x+")


# ------------------------------------------------------------- processes

def die_with_parent():
    """preexec: SIGKILL the child if this script dies without cleaning up
    (PR_SET_PDEATHSIG); best effort."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except Exception:
        pass


def raise_nofile():
    die_with_parent()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Reader:
    """Non-blocking-ish reads of a child's stdout pipe with bounded waits."""

    def __init__(self, fd):
        self.fd = fd
        self.poller = select.poll()
        self.poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        self.eof = False

    def read(self, timeout):
        """Bytes; b"" at EOF; None if nothing came within timeout seconds."""
        if self.eof:
            return b""
        if not self.poller.poll(max(0, math.ceil(timeout * 1000))):
            return None
        data = os.read(self.fd, 1 << 20)
        if not data:
            self.eof = True
        return data


def spawn(argv, cwd, err_path):
    with open(err_path, "ab") as err:
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=err, preexec_fn=raise_nofile)
    LIVE.append(proc)
    try:
        fcntl.fcntl(proc.stdout.fileno(), F_SETPIPE_SZ, 1 << 20)
    except OSError:
        pass
    return proc, Reader(proc.stdout.fileno())


def stop(proc, reader=None, grace=5.0):
    """SIGTERM, draining stdout meanwhile (a tailer blocked on a full pipe
    cannot exit); SIGKILL after `grace` s. Returns (exit code, bytes drained)."""
    drained = b""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + grace
        while proc.poll() is None and time.monotonic() < deadline:
            if reader is not None and not reader.eof:
                chunk = reader.read(0.05)
                if chunk:
                    drained += chunk
            else:
                time.sleep(0.01)
        if proc.poll() is None:
            proc.kill()
    try:
        code = proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        code = None
    if reader is not None:
        while not reader.eof:
            chunk = reader.read(0.2)
            if not chunk:
                break
            drained += chunk
    for f in (proc.stdin, proc.stdout):
        if f:
            f.close()
    if proc in LIVE:
        LIVE.remove(proc)
    return code, drained


def kill_all():
    for proc in list(LIVE):
        try:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=5)
        except Exception:
            pass
        LIVE.remove(proc)


WRITER_C = None  # the compiled bench/tail_writer.c, when cc is there
READER_C = None  # the compiled bench/tail_reader.c, likewise


def c_reader(proc, expected, timeout):
    """Hand the tailer's stdout to bench/tail_reader.c, which counts the
    lines at memory speed (see its comment). Returns the reader process;
    `c_result` waits for it. This script must not read that pipe meanwhile."""
    r = subprocess.Popen([READER_C, str(expected), str(timeout)], stdin=proc.stdout,
                         stdout=subprocess.PIPE, preexec_fn=die_with_parent)
    LIVE.append(r)
    return r


def py_count(rd, expected, t0, timeout, save=None):
    """Read until `expected` newlines (or EOF, or `timeout` s after t0) in
    this script (`--python-reader`, and the untimed check that saves the
    output). Returns (lines, bytes, longest gap between reads)."""
    count = nbytes = 0
    deadline = t0 + timeout
    last = t0
    gap = 0.0
    while count < expected:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        chunk = rd.read(min(left, 1.0))
        if chunk is None:
            continue
        if chunk == b"":
            break
        now = time.monotonic()
        gap, last = max(gap, now - last), now
        count += chunk.count(b"\n")
        nbytes += len(chunk)
        if save is not None:
            save.write(chunk)
    return count, nbytes, gap


def c_result(r, timeout):
    """(first, done, gap, lines, bytes, extra) from tail_reader.c: times in
    seconds on time.monotonic()'s clock (done None if the count was never
    reached)."""
    out, _ = r.communicate(timeout=timeout + 10)
    first, done, gap, lines, nbytes, extra = (int(x) for x in out.split())
    return (first / 1e9, done / 1e9 if done else None, gap / 1e9, lines, nbytes, extra)


def start_writer(args):
    if args[0] == "throughput" and WRITER_C:
        argv = [WRITER_C] + [str(a) for a in args[1:]]
    else:
        argv = [sys.executable, os.path.abspath(__file__), "_writer"] + [str(a) for a in args]
    w = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, preexec_fn=die_with_parent)
    LIVE.append(w)
    r = Reader(w.stdout.fileno())
    line = r.read(60)
    if not line or not line.startswith(b"ready"):
        raise Fail(f"writer did not get ready: {line!r}")
    return w, r


def finish_writer(w, r):
    out = b""
    deadline = time.monotonic() + 60
    while b"done" not in out and time.monotonic() < deadline:
        chunk = r.read(1)
        if chunk == b"":
            break
        if chunk:
            out += chunk
    try:
        w.wait(timeout=10)
    except subprocess.TimeoutExpired:
        w.kill()
        w.wait(timeout=5)
    w.stdin.close()
    w.stdout.close()
    LIVE.remove(w)
    m = re.search(rb"done ?(\d*)", out)
    if not m:
        raise Fail("writer did not finish")
    return int(m.group(1)) / 1e9 if m.group(1) else None


# --------------------------------------------------------------- /proc

def cpu_secs(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "RssAnon", "Threads"):
                out[k] = int(v.split()[0])
    return out


def fd_info(pid):
    """(open fds, inotify instances, inotify watches)."""
    fds = os.listdir(f"/proc/{pid}/fd")
    inst = watches = 0
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") != "anon_inode:inotify":
                continue
            inst += 1
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                watches += sum(1 for line in f if line.startswith("inotify wd:"))
        except OSError:
            pass
    return len(fds), inst, watches


# ------------------------------------------------------------- helpers

def append(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def wait_ready(proc, reader, paths, timeout):
    """Append "ready I" to every file whose marker has not come out yet
    (again every 250 ms), until all have; then drain until 300 ms of quiet.
    A tailer that opens a file after its marker was written (-n 0 starts at
    the end) simply gets the next one. Returns the seconds it took."""
    t0 = time.monotonic()
    pending = set(range(len(paths)))
    written = {}
    buf = b""
    while pending:
        now = time.monotonic()
        if now - t0 > timeout:
            raise Fail(f"not ready after {timeout}s: {len(pending)} of {len(paths)} markers missing")
        for i in list(pending):
            if now - written.get(i, -1e9) > 0.25:
                append(paths[i], b"ready %d\n" % i)
                written[i] = now
        chunk = reader.read(0.02)
        if chunk == b"":
            raise Fail(f"tailer exited while starting (code {proc.poll()})")
        if chunk:
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                m = MARK_RE.search(line)
                if m:
                    pending.discard(int(m.group(1)))
    took = time.monotonic() - t0
    quiet_until = time.monotonic() + 0.3
    hard = time.monotonic() + 5
    while time.monotonic() < quiet_until and time.monotonic() < hard:
        chunk = reader.read(quiet_until - time.monotonic())
        if chunk == b"":
            raise Fail("tailer exited while starting")
        if chunk:
            buf += chunk
            quiet_until = time.monotonic() + 0.3
    if buf and not buf.endswith(b"\n"):
        raise Fail(f"partial line after markers: {buf[-80:]!r}")
    return took


def show(argv, nfiles, where, width=3):
    """The command line, with the file list abbreviated."""
    out = list(argv)
    if nfiles:
        out.append(f"{where}/{0:0{width}d}.log ... {where}/f{nfiles - 1:0{width}d}.log".replace("/0", "/f0", 1))
    return " ".join(out)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def pct(xs, p):
    s = sorted(xs)
    if not s:
        return None
    k = min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def fmt(x, spec, none="n/a"):
    return none if x is None else format(x, spec)


# ---------------------------------------------------------- (a) throughput

def make_files(d, n, width, content=None):
    os.makedirs(d)
    paths = []
    for i in range(n):
        p = os.path.join(d, f"f{i:0{width}d}.log")
        with open(p, "wb") as f:
            if content:
                f.write(content(i))
        paths.append(p)
    return paths


def throughput_run(argv, root, tag, args, save=None):
    d = os.path.join(root, f"tp-{tag}")
    paths = make_files(d, args.files, 3)
    lst = os.path.join(root, f"tp-{tag}.paths")
    with open(lst, "w") as f:
        f.write("\n".join(paths))
    expected = args.files * args.lines
    err = os.path.join(root, f"tp-{tag}.err")
    proc, rd = spawn(argv + paths, d, err)
    res = {"ok": False, "lines": 0, "out_bytes": 0}
    try:
        wait_ready(proc, rd, paths, 30)
        w, wr = start_writer(["throughput", lst, args.lines, args.line_len, args.batch])
        if READER_C and save is None:
            counter = c_reader(proc, expected, args.timeout)
            cpu0 = cpu_secs(proc.pid)
            t0 = time.monotonic()
            w.stdin.write(b"g")
            w.stdin.flush()
            first, done, gap, count, nbytes, extra = c_result(counter, args.timeout)
            cpu1 = cpu_secs(proc.pid) if proc.poll() is None else None
            wsecs = finish_writer(w, wr)
            code, _ = stop(proc)
            res.update(ok=done is not None, secs=(done or time.monotonic()) - t0, writer=wsecs,
                       gap=max(gap, first - t0), lines=count, out_bytes=nbytes, code=code,
                       cpu=None if cpu1 is None else cpu1 - cpu0, extra_lines=extra)
        else:
            cpu0 = cpu_secs(proc.pid)
            t0 = time.monotonic()
            w.stdin.write(b"g")
            w.stdin.flush()
            count, nbytes, gap = py_count(rd, expected, t0, args.timeout, save)
            t1 = time.monotonic()
            cpu1 = cpu_secs(proc.pid) if proc.poll() is None else None
            wsecs = finish_writer(w, wr)
            # Anything beyond the expected count (repeated lines) within 0.3 s.
            extra = b""
            until = time.monotonic() + 0.3
            while time.monotonic() < until:
                chunk = rd.read(until - time.monotonic())
                if not chunk:
                    if chunk == b"":
                        break
                    continue
                extra += chunk
            code, drained = stop(proc, rd)
            extra += drained
            if save is not None:
                save.write(extra)
            res.update(ok=count >= expected, secs=t1 - t0, writer=wsecs, gap=gap, lines=count, out_bytes=nbytes, code=code,
                       cpu=None if cpu1 is None else cpu1 - cpu0, extra_lines=extra.count(b"\n"))
    finally:
        if proc.poll() is None:
            stop(proc, rd)
        shutil.rmtree(d, ignore_errors=True)
    with open(err, "rb") as f:
        res["stderr"] = f.read()
    os.remove(err)
    os.remove(lst)
    return res


def writer_alone_run(root, tag, args):
    """The same writer on the same files with nothing following them: the
    ceiling of the live rate. A tailer that keeps up finishes when the
    writer does, so the live ratio measures how much each tailer slows the
    writer down (its CPU and its inotify events), within this bound."""
    d = os.path.join(root, f"wa-{tag}")
    paths = make_files(d, args.files, 3)
    lst = os.path.join(root, f"wa-{tag}.paths")
    with open(lst, "w") as f:
        f.write("\n".join(paths))
    try:
        w, wr = start_writer(["throughput", lst, args.lines, args.line_len, args.batch])
        t0 = time.monotonic()
        w.stdin.write(b"g")
        w.stdin.flush()
        wsecs = finish_writer(w, wr)
        secs = time.monotonic() - t0
    finally:
        shutil.rmtree(d, ignore_errors=True)
        os.remove(lst)
    return {"ok": True, "secs": wsecs or secs, "writer": wsecs, "gap": 0.0, "cpu": None, "out_bytes": None,
            "lines": args.files * args.lines, "code": None, "extra_lines": 0}


def catchup_run(argv, root, tag, args):
    """Files written in full first; the tailer started with `-n +1` reads
    them from the start: spawn to the last expected newline, no writer
    competing for the CPUs."""
    d = os.path.join(root, f"cu-{tag}")
    paths = make_files(d, args.files, 3)
    lst = os.path.join(root, f"cu-{tag}.paths")
    with open(lst, "w") as f:
        f.write("\n".join(paths))
    expected = args.files * args.lines
    err = os.path.join(root, f"cu-{tag}.err")
    res = {"ok": False, "lines": 0}
    proc = rd = None
    try:
        w, wr = start_writer(["throughput", lst, args.lines, args.line_len, args.batch])
        w.stdin.write(b"g")
        w.stdin.flush()
        finish_writer(w, wr)
        t0 = time.monotonic()
        proc, rd = spawn(argv + paths, d, err)
        if READER_C:
            counter = c_reader(proc, expected, args.timeout)
            first, done, gap, count, _, extra = c_result(counter, args.timeout)
            cpu = cpu_secs(proc.pid) if proc.poll() is None else None
            code, _ = stop(proc)
            res.update(ok=done is not None, secs=(done or time.monotonic()) - t0,
                       gap=max(gap, first - t0), lines=count, cpu=cpu, code=code, extra_lines=extra)
        else:
            count, _, gap = py_count(rd, expected, t0, args.timeout)
            t1 = time.monotonic()
            cpu = cpu_secs(proc.pid) if proc.poll() is None else None
            code, drained = stop(proc, rd)
            res.update(ok=count >= expected, secs=t1 - t0, gap=gap, lines=count, cpu=cpu, code=code,
                       extra_lines=drained.count(b"\n"))
    finally:
        if proc is not None and proc.poll() is None:
            stop(proc, rd)
        shutil.rmtree(d, ignore_errors=True)
    if os.path.exists(err):
        with open(err, "rb") as f:
            res["stderr"] = f.read()
        os.remove(err)
    os.remove(lst)
    return res


ALONE = "writer alone (no tailer)"


def paired_ratios(say, runs, what):
    """The ratio of each round's runs (tools run back to back, so they
    share that moment's load), then the median and the range of those:
    steadier than a ratio of medians taken over runs minutes apart. The
    CPU ratio (tail -F's CPU over ptail's, same rounds) does not depend on
    how the scheduler shared two cores among writer, tailer and reader."""
    base = runs.get("tail -F -q", [])
    for name in ("ptail --no-prefix", "ptail (prefixes)", ALONE):
        pairs = [(b, x) for b, x in zip(base, runs.get(name, [])) if b.get("ok") and x.get("ok")]
        if not pairs:
            continue
        rate = sorted(b["secs"] / x["secs"] for b, x in pairs)
        cpu = sorted(b["cpu"] / x["cpu"] for b, x in pairs if b.get("cpu") and x.get("cpu"))
        line = (f"- {name} / tail -F, round by round ({len(pairs)} rounds): {what} median **{median(rate):.2f}x** "
                f"(range {rate[0]:.2f}-{rate[-1]:.2f})")
        if cpu:
            line += f"; CPU, tail -F's over ptail's: median {median(cpu):.2f}x (range {cpu[0]:.2f}-{cpu[-1]:.2f})"
        say(line)
    say()


def verify_output(path, prefixed, nfiles, nlines, line_len):
    """Whole, ordered, complete, unrepeated? Returns a dict of counts."""
    nxt = [0] * nfiles
    good = torn = marked = disorder = dup = wrong_label = markers = 0
    seen = [bytearray(nlines) for _ in range(nfiles)]
    examples = []
    with open(path, "rb") as f:
        for line in f:
            body = line.rstrip(b"\n")
            label = None
            if prefixed:
                for sep in (b" | ", b" ~ ", b" + "):
                    k = body.find(sep)
                    if k >= 0:
                        label, body = body[:k].strip(), body[k + 3:]
                        if sep != b" | ":
                            marked += 1
                        break
            if MARK_RE.fullmatch(body or b"-"):
                markers += 1
                continue
            m = PAYLOAD_RE.fullmatch(body)
            if not m or len(body) != line_len - 1:
                torn += 1
                if len(examples) < 3:
                    examples.append(line[:120])
                continue
            i, s = int(m.group(1)), int(m.group(2))
            if i >= nfiles or s >= nlines:
                torn += 1
                continue
            if label is not None and label != b"f%03d.log" % i:
                wrong_label += 1
            if seen[i][s]:
                dup += 1
                continue
            seen[i][s] = 1
            if s < nxt[i]:
                disorder += 1
            nxt[i] = max(nxt[i], s + 1)
            good += 1
    missing = nfiles * nlines - sum(b.count(1) for b in seen)
    return dict(good=good, torn=torn, marked=marked, disorder=disorder, dup=dup, missing=missing,
                wrong_label=wrong_label, late_markers=markers, examples=examples)


# ------------------------------------------------------------ (b) latency

def latency_run(argv, root, tag, args):
    d = os.path.join(root, f"lat-{tag}")
    paths = make_files(d, args.lat_files, 3)
    lst = os.path.join(root, f"lat-{tag}.paths")
    with open(lst, "w") as f:
        f.write("\n".join(paths))
    expected = int(args.lat_rate * args.lat_seconds)
    err = os.path.join(root, f"lat-{tag}.err")
    proc, rd = spawn(argv + paths, d, err)
    delays = []
    bad = 0
    try:
        wait_ready(proc, rd, paths, 30)
        w, wr = start_writer(["latency", lst, args.lat_rate, args.lat_seconds, args.line_len])
        w.stdin.write(b"g")
        w.stdin.flush()
        deadline = time.monotonic() + args.lat_seconds + args.timeout
        buf = b""
        while len(delays) < expected and time.monotonic() < deadline:
            chunk = rd.read(min(1.0, max(0, deadline - time.monotonic())))
            now = time.monotonic_ns()
            if chunk is None:
                continue
            if chunk == b"":
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                k = line.find(b"lat ")
                parts = line[k:].split() if k >= 0 else []
                if len(parts) < 4 or not parts[3].isdigit():
                    bad += 1
                    continue
                delays.append((now - int(parts[3])) / 1e6)
        finish_writer(w, wr)
        code, _ = stop(proc, rd)
    finally:
        if proc.poll() is None:
            stop(proc, rd)
        shutil.rmtree(d, ignore_errors=True)
    with open(err, "rb") as f:
        stderr = f.read()
    os.remove(err)
    os.remove(lst)
    return dict(p50=pct(delays, 50), p99=pct(delays, 99), max=max(delays) if delays else None,
                got=len(delays), expected=expected, bad=bad, code=code, stderr=stderr)


# ----------------------------------------------------- (c) many files

def startup_run(argv, d, paths, args, token):
    n = len(paths)
    err = os.path.join(os.path.dirname(d), f"many-{token}.err")
    t0 = time.monotonic()
    proc, rd = spawn(argv, d, err)
    res = {"ok": False}
    try:
        count = 0
        deadline = t0 + args.timeout
        buf = b""
        while count < n and time.monotonic() < deadline:
            chunk = rd.read(min(1.0, max(0, deadline - time.monotonic())))
            if chunk is None:
                continue
            if chunk == b"":
                raise Fail(f"exited during history, code {proc.poll()}")
            k = chunk.count(b"\n")
            if count + k >= n:  # keep what follows the n-th line
                idx = -1
                for _ in range(n - count):
                    idx = chunk.index(b"\n", idx + 1)
                buf = chunk[idx + 1:]
            count += k
        if count < n:
            raise Fail(f"history incomplete: {count} of {n} lines")
        t_hist = time.monotonic() - t0
        targets = {0: paths[0], 1: paths[n // 2], 2: paths[-1]}
        pending = set(targets)
        k = 0
        while pending and time.monotonic() < deadline:
            for j in list(pending):
                append(targets[j], b"mark %s %d %d\n" % (token.encode(), j, k))
            k += 1
            chunk = rd.read(0.01)
            if chunk == b"":
                raise Fail("exited while following")
            if chunk:
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    m = re.search(rb"mark " + token.encode() + rb" (\d) \d+$", line)
                    if m:
                        pending.discard(int(m.group(1)))
        if pending:
            raise Fail("markers never came out")
        t_ready = time.monotonic() - t0
        nfd, inst, watches = fd_info(proc.pid)
        st = proc_status(proc.pid)
        cpu0 = cpu_secs(proc.pid)
        until = time.monotonic() + args.idle
        while time.monotonic() < until:
            if rd.read(until - time.monotonic()) == b"":
                break
        idle_cpu = cpu_secs(proc.pid) - cpu0
        code, _ = stop(proc, rd)
        res.update(ok=True, hist=t_hist, ready=t_ready, fds=nfd, inotify=inst, watches=watches,
                   rss=st.get("VmRSS"), hwm=st.get("VmHWM"), anon=st.get("RssAnon"), threads=st.get("Threads"),
                   idle_cpu=idle_cpu, code=code)
    except Fail as e:
        res["error"] = str(e)
    finally:
        if proc.poll() is None:
            stop(proc, rd)
    with open(err, "rb") as f:
        res["stderr"] = f.read()
    os.remove(err)
    return res


# --------------------------------------------- (d) restart with --state

def restart_section(args, ptail, root, say):
    """(d) Restart with --state on --many files: time to ready vs a fresh
    start, the same "ready" as (c). Each round: a priming run with
    `--state S -n 1` shows the history, follows, and is stopped (SIGTERM:
    it saves the state); then one line is appended to every file (written
    while ptail was down); then the restart (`--state S`) is timed: its
    "history" is those N lines (each file resumed where the state says, so
    nothing else), "ready" as in (c). The fresh start (`-n 1`, no state,
    the same files) alternates with it."""
    n = args.many
    width = len(str(n - 1))
    d = os.path.join(root, "restart")
    progress(f"(d) creating {n} files")
    paths = make_files(d, n, width, lambda i: b"history line of file %d\n" % i)
    state = os.path.join(root, "restart.state")
    fresh = [ptail, "-n", "1", "--no-prefix"] + paths
    restart = [ptail, "-n", "1", "--no-prefix", "--state", state] + paths
    runs = {"fresh": [], "restart": []}
    for r in range(args.runs):
        order = ("fresh", "restart") if r % 2 == 0 else ("restart", "fresh")
        for name in order:
            token = f"d{r}{name[0]}"
            if name == "restart":
                if os.path.exists(state):
                    os.remove(state)
                prime = startup_run(restart, d, paths, args, token + "p")
                if not prime["ok"]:
                    progress(f"(d) priming FAILED: {prime.get('error')} {first_lines(prime.get('stderr', b''))}")
                    runs[name].append(prime)
                    continue
                for i, p in enumerate(paths):
                    append(p, b"while down, file %d\n" % i)
                res = startup_run(restart, d, paths, args, token)
            else:
                res = startup_run(fresh, d, paths, args, token)
            runs[name].append(res)
            if res["ok"]:
                progress(f"(d) {name:8s} history {res['hist']:.3f} s  ready {res['ready']:.3f} s  "
                         f"RSS {res['rss'] / 1024:.1f} MiB  HWM {res['hwm'] / 1024:.1f} MiB  exit {res['code']}")
            else:
                progress(f"(d) {name:8s} FAILED: {res.get('error')} {first_lines(res.get('stderr', b''))}")
    say(f"### (d) Restart with `--state`, {n:,} files: time to ready vs a fresh start")
    say()
    say("fresh: `-n 1`, no state (as (c)). restart: `--state S`, after a priming run stopped with SIGTERM "
        f"and one line appended to each file meanwhile; its history is those {n:,} lines. history and ready "
        "as in (c).")
    say()
    say("| start | history | ready | VmHWM | completed runs |")
    say("|---|---|---|---|---|")
    med = {}
    for name in ("fresh", "restart"):
        good = [x for x in runs[name] if x["ok"]]
        m = {k: median([x[k] for x in good]) for k in ("hist", "ready", "hwm")}
        med[name] = m
        say(f"| {name} | {fmt(m['hist'], '.3f')} s | {fmt(m['ready'], '.3f')} s | "
            f"{fmt(m['hwm'] and m['hwm'] / 1024, '.1f')} MiB | {len(good)} of {len(runs[name])} |")
    say()
    if med["fresh"]["ready"] and med["restart"]["ready"]:
        say(f"- restart / fresh: ready time **{med['restart']['ready'] / med['fresh']['ready']:.2f}x** "
            "(goal: <= 1.00x)")
    for name in ("fresh", "restart"):
        fails = [x.get("error") for x in runs[name] if not x["ok"]]
        if fails:
            say(f"{name} failures: {fails}")
    say()
    say("Commands (FILES = the paths in name order):")
    say()
    say(f"    {show([ptail, '-n', '1', '--no-prefix'], n, 'DIR', width)}")
    say(f"    {show([ptail, '-n', '1', '--no-prefix', '--state', 'S'], n, 'DIR', width)}")
    say()
    shutil.rmtree(d, ignore_errors=True)


# ------------------------------------------------------------------ main

def progress(msg):
    print(msg, file=sys.stderr, flush=True)


def first_lines(b, n=3):
    lines = b.decode(errors="replace").splitlines()
    more = f" (+{len(lines) - n} more lines)" if len(lines) > n else ""
    return " / ".join(lines[:n]) + more


# ---------------------------------------------------------- (d) --since

def since_bench(args, ptail, root, say):
    """(d) `--since 1h` on a big log, against `wc -l` reading it whole.

    One log of --since-gb GB (default 3) in the temp dir, log4j-style lines
    (`2026-11-28 17:00:00,123 INFO [worker-3] com.example...`, local time,
    TZ=UTC for every tool), some followed by a stack trace, 48 hours of them
    ending when the file is made, so the last hour is about 2% of it. The
    page cache is warmed (one untimed `wc -l`), then the tools alternate,
    --runs rounds, medians: `ptail --no-follow --no-prefix --since 1h FILE`
    from spawn to the first output line and to its exit (its output read
    and counted by this script), and `wc -l FILE` from spawn to exit. The
    goal (issue 15): ptail's first line in at most 0.05x the time `wc -l`
    takes. The file is removed afterwards.
    """
    path = os.path.join(root, "since.log")
    size = int(args.since_gb * 1e9)
    span = 48 * 3600
    # Sixteen one-second templates; each second of the log is one of them
    # with its date and time put in (bytes.replace: fast enough for GBs).
    stamp = b"YYYY-MM-DD HH:MM:SS"
    def one_second(v, per_sec):
        lines = []
        for j in range(per_sec):
            ms = (j * 1000 // per_sec + v) % 1000
            lines.append(b"%s,%03d INFO [worker-%d] com.example.OrderService - order %d handled in %d ms\n"
                         % (stamp, ms, (j + v) % 8, v * 1000 + j, (j * 7 + v) % 300))
            if (j + v) % 97 == 0:
                lines.append(b"java.lang.IllegalStateException: retry %d\n\tat com.example.Worker.run(Worker.java:%d)\n"
                             b"\tat java.base/java.lang.Thread.run(Thread.java:833)\n" % (j, v))
        return b"".join(lines)

    # Lines per second for the size asked, from what 100 of them weigh.
    weight = sum(len(one_second(v, 100)) for v in range(16)) / 16 / 100
    per_sec = max(1, round(size / span / weight))
    templates = [one_second(v, per_sec) for v in range(16)]
    progress(f"(d) writing a {args.since_gb:g} GB log to {path}")
    end = int(time.time())
    start = end - span
    written = 0
    with open(path, "wb") as f:
        sec = start
        while sec < end:
            block = templates[sec % 16].replace(stamp, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(sec)).encode())
            f.write(block)
            written += len(block)
            sec += 1
    env = dict(os.environ, TZ="UTC")
    ptail_argv = [ptail, "--no-follow", "--no-prefix", "--since", "1h", path]
    wc_argv = ["wc", "-l", path]

    def timed(argv):
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        LIVE.append(proc)
        fd = proc.stdout.fileno()
        first = None
        nbytes = nlines = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            if first is None and b"\n" in chunk:
                first = time.monotonic() - t0
            nbytes += len(chunk)
            nlines += chunk.count(b"\n")
        err = proc.stderr.read()
        code = proc.wait(timeout=args.timeout)
        total = time.monotonic() - t0
        LIVE.remove(proc)
        return {"first": first, "total": total, "bytes": nbytes, "lines": nlines, "code": code, "err": err}

    try:
        progress("(d) warming the page cache")
        timed(wc_argv)
        runs = {"ptail": [], "wc": []}
        for r in range(args.runs):
            order = [("ptail", ptail_argv), ("wc", wc_argv)]
            for name, argv in (order if r % 2 == 0 else order[::-1]):
                res = timed(argv)
                runs[name].append(res)
                progress(f"(d) {name:6s} first line {fmt(res['first'], '.4f')} s  exit {res['total']:.4f} s  "
                         f"{res['lines']} lines  exit code {res['code']}")
        p_first = median([x["first"] for x in runs["ptail"]])
        p_total = median([x["total"] for x in runs["ptail"]])
        w_total = median([x["total"] for x in runs["wc"]])
        say(f"### (d) `--since 1h` on a {written / 1e9:.2f} GB log, against `wc -l`")
        say()
        say(f"48 hours of log4j-style lines ({written:,} bytes), the last hour "
            f"{runs['ptail'][-1]['lines']:,} lines; page cache warm; {args.runs} alternating runs, medians.")
        say()
        say("| command | first line | exit |")
        say("|---|---|---|")
        say(f"| {' '.join(ptail_argv[:-1])} FILE | {fmt(p_first, '.4f')} s | {p_total:.4f} s |")
        say(f"| wc -l FILE | - | {w_total:.4f} s |")
        say()
        if p_first and w_total:
            say(f"- ptail's first line in **{p_first / w_total:.4f}x** the time `wc -l` takes to read the file "
                f"(goal <= 0.05x); all of the last hour in {p_total / w_total:.3f}x.")
        errs = [x["err"] for x in runs["ptail"] if x["err"]]
        if errs:
            say(f"ptail stderr (first run with any): {first_lines(errs[0])}")
        say()
    finally:
        os.remove(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", help="ptail binary (default target/release/ptail)")
    ap.add_argument("--tail", default="/usr/bin/tail")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--only", default="throughput,latency,startup,restart")
    ap.add_argument("--files", type=int, default=64, help="(a) files")
    ap.add_argument("--lines", type=int, default=200000, help="(a) lines per file")
    ap.add_argument("--line-len", type=int, default=50, help="bytes per line, newline included")
    ap.add_argument("--batch", type=int, default=80, help="(a) whole lines per write(2)")
    ap.add_argument("--no-verify", action="store_true", help="(a) skip the untimed check of the output")
    ap.add_argument("--python-reader", action="store_true",
                    help="(a) count the output in this script, not in bench/tail_reader.c (as before stop 27)")
    ap.add_argument("--lat-files", type=int, default=4)
    ap.add_argument("--lat-rate", type=float, default=1000, help="(b) lines/s, all files together")
    ap.add_argument("--lat-seconds", type=float, default=5)
    ap.add_argument("--many", type=int, default=10000, help="(c) files")
    ap.add_argument("--idle", type=float, default=2, help="(c) seconds of idle CPU measured")
    ap.add_argument("--timeout", type=float, default=120, help="bound on every wait for output, s")
    ap.add_argument("--tmpdir", help="where the temp dir goes (default: $TMPDIR or /tmp)")
    ap.add_argument("--since-gb", type=float, default=3.0, help="(d) size of the --since log, GB")
    args = ap.parse_args()

    root_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ptail = os.path.abspath(args.bin) if args.bin else None
    if not ptail:
        for cand in (os.path.join(root_dir, "target", "release", "ptail"),):
            if os.path.exists(cand):
                ptail = os.path.abspath(cand)
                break
    if not ptail or not os.access(ptail, os.X_OK):
        sys.exit("no ptail binary: pass --bin PATH (this script does not build)")
    if not os.access(args.tail, os.X_OK):
        sys.exit(f"{args.tail} not found")
    only = set(args.only.split(","))
    unknown = only - {"throughput", "latency", "startup", "restart", "since"}
    if unknown:
        sys.exit(f"--only: unknown {sorted(unknown)}")
    if args.line_len < 20:
        sys.exit("--line-len must be at least 20")

    tail_version = subprocess.run([args.tail, "--version"], capture_output=True, text=True,
                                  timeout=10).stdout.splitlines()[0]
    ptail_version = subprocess.run([ptail, "--version"], capture_output=True, text=True,
                                   timeout=10).stdout.strip()

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)

    root = tempfile.mkdtemp(prefix="ptail-bench-", dir=args.tmpdir)
    out = []  # report lines

    def say(line=""):
        out.append(line)

    try:
        global WRITER_C, READER_C
        cc = shutil.which("cc") or shutil.which("gcc")
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tail_writer.c")
        if cc and os.path.exists(src) and "throughput" in only:
            exe = os.path.join(root, "tail_writer")
            if subprocess.run([cc, "-O2", "-o", exe, src], capture_output=True, timeout=120).returncode == 0:
                WRITER_C = exe
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tail_reader.c")
        if cc and os.path.exists(src) and "throughput" in only and not args.python_reader:
            exe = os.path.join(root, "tail_reader")
            if subprocess.run([cc, "-O3", "-o", exe, src], capture_output=True, timeout=120).returncode == 0:
                READER_C = exe
        if "throughput" in only and not WRITER_C:
            progress("(a) no cc, or tail_writer.c did not build: Python writer (holds every line in memory)")
        say(f"Tools: {ptail_version} ({ptail}), {tail_version} ({args.tail}). "
            f"{args.runs} alternating runs, medians. Temp dir on "
            f"{subprocess.run(['stat', '-f', '-c', '%T', root], capture_output=True, text=True, timeout=10).stdout.strip()}.")
        say()

        # ---------------------------------------------------------- (a)
        if "throughput" in only:
            tools = [
                ("ptail --no-prefix", [ptail, "-n", "0", "--no-prefix"]),
                ("ptail (prefixes)", [ptail, "-n", "0"]),
                ("tail -F -q", [args.tail, "-F", "-q", "-n", "0"]),
                (ALONE, None),
            ]
            total = args.files * args.lines
            payload_mb = total * args.line_len / 1e6
            runs = {t: [] for t, _ in tools}
            for r in range(args.runs):
                for name, argv in (tools if r % 2 == 0 else tools[::-1]):
                    try:
                        tag = f"{r}-{len(runs[name])}-{name.split()[0]}{len(name)}"
                        res = writer_alone_run(root, tag, args) if argv is None else throughput_run(argv, root, tag, args)
                    except Fail as e:
                        res = {"ok": False, "error": str(e), "lines": 0, "stderr": b""}
                    runs[name].append(res)
                    if res["ok"]:
                        progress(f"(a) {name:18s} {res['secs']:.3f} s  {total / res['secs'] / 1e6:.2f} M lines/s  "
                                 f"writer {fmt(res['writer'], '.3f')} s  gap {res['gap']:.3f} s  "
                                 f"cpu {fmt(res['cpu'], '.2f')} s  exit {res['code']}  extra lines {res['extra_lines']}")
                    else:
                        progress(f"(a) {name:18s} FAILED: {res.get('error', '')} {res['lines']} of {total} lines "
                                 f"{first_lines(res.get('stderr', b''))}")
            checks = {}
            if not args.no_verify:
                for name, argv in tools[:-1]:
                    save_path = os.path.join(root, "verify.out")
                    with open(save_path, "wb") as save:
                        try:
                            res = throughput_run(argv, root, f"v-{name.split()[0]}{len(name)}", args, save=save)
                        except Fail as e:
                            res = {"ok": False, "error": str(e), "stderr": b"", "lines": 0}
                    if res.get("secs") is not None:
                        chk = verify_output(save_path, name == "ptail (prefixes)", args.files, args.lines, args.line_len)
                    else:
                        chk = {"error": res.get("error")}
                    chk["stderr"] = res.get("stderr", b"")
                    chk["lines"] = res.get("lines")
                    checks[name] = chk
                    os.remove(save_path)
                    progress(f"(a) check {name}: {chk}")

            say(f"### (a) Throughput: {args.files} files x {args.lines} lines of {args.line_len} bytes "
                f"({total:,} lines, {payload_mb:.0f} MB), {args.batch} whole lines per write(2)")
            say()
            say("Time from the writer's start to the last expected newline read from the tailer's stdout pipe; "
                "MB/s counts the payload written to the files. \"Writer finished at\": when the writer had made its last "
                "write(2), in the same run (a tool whose time is close to it kept up with the writer). CPU is the tailer's utime+stime over "
                "the same interval (more than the time: more than one core busy). Longest output gap: the longest time "
                "between two reads of the output that returned data, from the start to the last line.")
            say()
            med = {}
            say("| tool | lines/s | MB/s | time | writer finished at | longest output gap | tailer CPU | output bytes | "
                "completed runs |")
            say("|---|---|---|---|---|---|---|---|---|")
            for name, _ in tools:
                good = [x for x in runs[name] if x["ok"]]
                secs = median([x["secs"] for x in good])
                cpu = median([x["cpu"] for x in good])
                wsecs = median([x["writer"] for x in good])
                med[name] = secs
                obytes = median([x["out_bytes"] for x in good])
                say(f"| {name} | {fmt(secs and total / secs / 1e6, '.2f')} M | {fmt(secs and payload_mb / secs, '.0f')} | "
                    f"{fmt(secs, '.3f')} s | {fmt(wsecs, '.3f')} s | "
                    f"{fmt(median([x['gap'] for x in good]), '.3f')} s | {fmt(cpu, '.2f')} s | "
                    f"{fmt(obytes and obytes / 1e6, '.1f')} MB | {len(good)} of {len(runs[name])} |")
            say()
            t = med.get("tail -F -q")
            for name in ("ptail --no-prefix", "ptail (prefixes)"):
                if med.get(name) and t:
                    say(f"- {name} / tail -F throughput: **{t / med[name]:.2f}x** (higher is better for ptail)")
            if med.get(ALONE) and t:
                say(f"- the ceiling, the writer alone / tail -F: **{t / med[ALONE]:.2f}x**: no tailer that keeps up "
                    "finishes before the writer, so no live ratio can exceed this (compare the catch-up ratios below "
                    "for what each tailer alone can do)")
            say()
            paired_ratios(say, runs, "throughput")
            if checks:
                say("Output check (one untimed run per tool, output saved and parsed):")
                say()
                say("| tool | lines found whole | malformed output lines | lines not found whole | repeated | "
                    "out of order | marked partial/split | wrong label |")
                say("|---|---|---|---|---|---|---|---|")
                for name, c in checks.items():
                    if "good" not in c:
                        say(f"| {name} | run failed: {c.get('error')} ({c.get('lines')} lines) | | | | | | |")
                        continue
                    say(f"| {name} | {c['good']:,} | {c['torn']} | {c['missing']} | {c['dup']} | {c['disorder']} | "
                        f"{c['marked']} | {c['wrong_label']} |")
                for name, c in checks.items():
                    if c.get("examples"):
                        say(f"\n{name}, malformed output lines (a line of one file cut by another's), e.g.: " + ", ".join(f"`{e!r}`" for e in c["examples"]))
                say()
            for name, _ in tools:
                errs = [x.get("stderr", b"") for x in runs[name] if x.get("stderr")]
                if errs:
                    say(f"{name} stderr (first run with any): {first_lines(errs[0])}")
            say("Commands (FILES = the paths; each run in a fresh directory of empty files):")
            say()
            for name, argv in tools[:-1]:
                say(f"    {show(argv, args.files, 'DIR')}")
            say()

            # Catch-up: the same lines written first, read with -n +1.
            cu_tools = [(name, [a if a != "0" else "+1" for a in argv]) for name, argv in tools[:-1]]
            cu = {t: [] for t, _ in cu_tools}
            for r in range(args.runs):
                for name, argv in (cu_tools if r % 2 == 0 else cu_tools[::-1]):
                    try:
                        res = catchup_run(argv, root, f"{r}-{name.split()[0]}{len(name)}", args)
                    except Fail as e:
                        res = {"ok": False, "error": str(e), "lines": 0, "stderr": b""}
                    cu[name].append(res)
                    if res["ok"]:
                        progress(f"(a) catch-up {name:18s} {res['secs']:.3f} s  {total / res['secs'] / 1e6:.2f} M lines/s  "
                                 f"gap {res['gap']:.3f} s  "
                                 f"cpu {fmt(res['cpu'], '.2f')} s  exit {res['code']}  extra lines {res['extra_lines']}")
                    else:
                        progress(f"(a) catch-up {name:18s} FAILED: {res.get('error', '')} {res['lines']} of {total} "
                                 f"lines {first_lines(res.get('stderr', b''))}")
            say(f"Catch-up, for comparison: the same {total:,} lines written to the {args.files} files before the "
                "tailer starts, read from the first line (`-n +1`); spawn to the last expected newline, no writer "
                "competing for the two cores.")
            say()
            say("| tool | lines/s | MB/s | time | longest output gap | tailer CPU | completed runs |")
            say("|---|---|---|---|---|---|---|")
            med = {}
            for name, _ in cu_tools:
                good = [x for x in cu[name] if x["ok"]]
                secs = median([x["secs"] for x in good])
                cpu = median([x["cpu"] for x in good])
                med[name] = secs
                say(f"| {name} | {fmt(secs and total / secs / 1e6, '.2f')} M | {fmt(secs and payload_mb / secs, '.0f')} | "
                    f"{fmt(secs, '.3f')} s | {fmt(median([x['gap'] for x in good]), '.3f')} s | "
                    f"{fmt(cpu, '.2f')} s | {len(good)} of {len(cu[name])} |")
            say()
            t = med.get("tail -F -q")
            for name in ("ptail --no-prefix", "ptail (prefixes)"):
                if med.get(name) and t:
                    say(f"- {name} / tail -F catch-up throughput: **{t / med[name]:.2f}x** (higher is better for ptail)")
            say()
            paired_ratios(say, cu, "catch-up throughput")
            for name, argv in cu_tools:
                say(f"    {show(argv, args.files, 'DIR')}")
            say()

        # ---------------------------------------------------------- (b)
        if "latency" in only:
            tools = [
                ("ptail --no-prefix", [ptail, "-n", "0", "--no-prefix"]),
                ("ptail (prefixes)", [ptail, "-n", "0"]),
                ("tail -F -q", [args.tail, "-F", "-q", "-n", "0"]),
            ]
            runs = {t: [] for t, _ in tools}
            for r in range(args.runs):
                for name, argv in (tools if r % 2 == 0 else tools[::-1]):
                    try:
                        res = latency_run(argv, root, f"{r}-{name.split()[0]}{len(name)}", args)
                    except Fail as e:
                        res = {"error": str(e), "got": 0, "expected": 0, "p50": None, "p99": None, "max": None,
                               "bad": 0, "stderr": b""}
                    runs[name].append(res)
                    progress(f"(b) {name:18s} p50 {fmt(res['p50'], '.3f')} ms  p99 {fmt(res['p99'], '.3f')} ms  "
                             f"max {fmt(res['max'], '.2f')} ms  lines {res['got']}/{res['expected']}  "
                             f"{res.get('error', '')}")
            say(f"### (b) Latency: {args.lat_rate:g} lines/s over {args.lat_files} files for {args.lat_seconds:g} s, "
                f"one write(2) per line")
            say()
            say("Per line: the time the script's read(2) of the tailer's stdout returned, minus CLOCK_MONOTONIC "
                "taken just before the line's write(2). Medians over runs of each run's percentile; max over all runs.")
            say()
            say("| tool | p50 | p99 | max | lines received |")
            say("|---|---|---|---|---|")
            med = {}
            for name, _ in tools:
                rs = runs[name]
                p50 = median([x["p50"] for x in rs])
                p99 = median([x["p99"] for x in rs])
                mx = max([x["max"] for x in rs if x["max"] is not None], default=None)
                med[name] = (p50, p99)
                got = sum(x["got"] for x in rs)
                exp = sum(x["expected"] for x in rs)
                bad = sum(x["bad"] for x in rs)
                say(f"| {name} | {fmt(p50, '.3f')} ms | {fmt(p99, '.3f')} ms | {fmt(mx, '.2f')} ms | "
                    f"{got:,} of {exp:,}{f', {bad} unparsable' if bad else ''} |")
            say()
            t = med.get("tail -F -q")
            for name in ("ptail --no-prefix", "ptail (prefixes)"):
                if t and med[name][0] and t[0]:
                    say(f"- {name} / tail -F latency: p50 **{med[name][0] / t[0]:.2f}x**, "
                        f"p99 **{med[name][1] / t[1]:.2f}x** (lower is better for ptail)")
            say()
            for name, _ in tools:
                errs = [x.get("stderr", b"") for x in runs[name] if x.get("stderr")]
                if errs:
                    say(f"{name} stderr (first run with any): {first_lines(errs[0])}")
            say("Commands:")
            say()
            for name, argv in tools:
                say(f"    {show(argv, args.lat_files, 'DIR')}")
            say()

        # ---------------------------------------------------------- (c)
        if "startup" in only:
            n = args.many
            width = len(str(n - 1))
            d = os.path.join(root, "many")
            progress(f"(c) creating {n} files")
            paths = make_files(d, n, width, lambda i: b"history line of file %d\n" % i)
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            if hard != resource.RLIM_INFINITY and hard < n + 64:
                progress(f"(c) warning: hard fd limit {hard} < {n} files: tail -F cannot open them all")
            tools = [
                ("ptail --no-prefix FILES", [ptail, "-n", "1", "--no-prefix"], True),
                ("ptail --no-prefix DIR", [ptail, "-n", "1", "--no-prefix", d], False),
                ("tail -F -q FILES", [args.tail, "-F", "-q", "-n", "1"], True),
            ]
            runs = {t: [] for t, _, _ in tools}
            for r in range(args.runs):
                for name, argv, files in (tools if r % 2 == 0 else tools[::-1]):
                    token = f"r{r}t{len(runs[name])}{abs(hash(name)) % 1000}"
                    res = startup_run(argv + (paths if files else []), d, paths, args, token)
                    runs[name].append(res)
                    if res["ok"]:
                        progress(f"(c) {name:24s} history {res['hist']:.3f} s  ready {res['ready']:.3f} s  "
                                 f"watches {res['watches']}  fds {res['fds']}  RSS {res['rss'] / 1024:.1f} MiB  "
                                 f"HWM {res['hwm'] / 1024:.1f} MiB  idle CPU {res['idle_cpu'] * 1000:.0f} ms  "
                                 f"exit {res['code']}")
                    else:
                        progress(f"(c) {name:24s} FAILED: {res.get('error')} {first_lines(res.get('stderr', b''))}")
            say(f"### (c) Start-up with {n:,} files of one line in one directory (`-n 1`)")
            say()
            say("history: spawn until all last lines were read. ready: spawn until, after the history, a line "
                "appended every 10 ms to the first, middle and last file came out for all three. Then from /proc: "
                f"inotify watches, open fds, VmRSS, VmHWM, RssAnon; then the CPU used over {args.idle:g} s with no "
                "writes. The fd soft limit is raised to the hard limit for every tool. RssAnon (heap and stack "
                "now) is the steadier figure: VmRSS and VmHWM also count the program's own code pages, which "
                "vary by a megabyte with the page cache.")
            say()
            say("| tool | history | ready | inotify watches | open fds | VmRSS | VmHWM | RssAnon | threads | "
                f"idle CPU / {args.idle:g} s | completed runs |")
            say("|---|---|---|---|---|---|---|---|---|---|---|")
            med = {}
            for name, _, _ in tools:
                good = [x for x in runs[name] if x["ok"]]
                m = {k: median([x[k] for x in good]) for k in
                     ("hist", "ready", "watches", "fds", "rss", "hwm", "anon", "threads", "idle_cpu")}
                med[name] = m
                say(f"| {name} | {fmt(m['hist'], '.3f')} s | {fmt(m['ready'], '.3f')} s | {fmt(m['watches'], '.0f')} | "
                    f"{fmt(m['fds'], '.0f')} | {fmt(m['rss'] and m['rss'] / 1024, '.1f')} MiB | "
                    f"{fmt(m['hwm'] and m['hwm'] / 1024, '.1f')} MiB | {fmt(m['anon'] and m['anon'] / 1024, '.1f')} MiB | "
                    f"{fmt(m['threads'], '.0f')} | "
                    f"{fmt(None if m['idle_cpu'] is None else m['idle_cpu'] * 1000, '.0f')} ms | "
                    f"{len(good)} of {len(runs[name])} |")
            say()
            t = med["tail -F -q FILES"]
            for name in ("ptail --no-prefix FILES", "ptail --no-prefix DIR"):
                m = med[name]
                if m["ready"] and t["ready"]:
                    say(f"- {name} / tail -F: ready time **{m['ready'] / t['ready']:.2f}x**, history "
                        f"{m['hist'] / t['hist']:.2f}x, VmHWM {m['hwm'] / t['hwm']:.2f}x (lower is better for ptail)")
            say()
            for name, _, _ in tools:
                errs = [x.get("stderr", b"") for x in runs[name] if x.get("stderr")]
                if errs:
                    say(f"{name} stderr (first run with any): {first_lines(errs[0])}")
                fails = [x.get("error") for x in runs[name] if not x["ok"]]
                if fails:
                    say(f"{name} failures: {fails}")
            say("Commands (FILES = the paths in name order):")
            say()
            for name, argv, files in tools:
                say(f"    {show([a if a != d else 'DIR' for a in argv], n if files else 0, 'DIR', width)}")
            say()

        # ---------------------------------------------------------- (d)
        if "restart" in only:
            restart_section(args, ptail, root, say)

        # ---------------------------------------------------------- (e)
        if "since" in only:
            since_bench(args, ptail, root, say)
    finally:
        kill_all()
        shutil.rmtree(root, ignore_errors=True)

    text = "\n".join(out)
    if not args.markdown:
        text = re.sub(r"\*\*(.*?)\*\*", r"\1", text).replace("### ", "")
    print(text)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_writer":
        writer_main(sys.argv[2:])
    else:
        main()
