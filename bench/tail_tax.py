#!/usr/bin/env python3
"""What following costs the writer: bench/tail.py's throughput writer
(64 files, 80 lines of 50 bytes per write(2), 640 MB) timed alone and
beside bench/tail_tax.c watching the same files in several ways,
alternating, medians of the writer's own time.

usage: python3 bench/tail_tax.py [RUNS]   (default 6; temp files in
$TMPDIR, default /dev/shm)

Why: a tailer that keeps up finishes when the writer does, so the live
throughput of bench/tail.py is the writer's rate beside it; each write to
a watched file costs the writer an inotify event in its own write(2).
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

KINDS = [
    ("writer alone", None),
    ("events read as they come", ["0", "0"]),
    ("events read every 2 ms", ["0", "2000"]),
    ("events read as they come, files read", ["1", "0"]),
    ("events read every 2 ms, files read", ["1", "2000"]),
    ("no write events, files read every 2 ms", ["2", "2000"]),
    ("no write events, files read every 1 ms", ["2", "1000"]),
]


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    args = types.SimpleNamespace(files=64, lines=200000, line_len=50, batch=80)
    root = tempfile.mkdtemp(prefix="tail-tax-", dir=os.environ.get("TMPDIR", "/dev/shm"))
    try:
        T.WRITER_C = os.path.join(root, "tail_writer")
        subprocess.run(["cc", "-O2", "-o", T.WRITER_C, os.path.join(HERE, "tail_writer.c")], check=True)
        watcher = os.path.join(root, "tail_tax")
        subprocess.run(["cc", "-O2", "-o", watcher, os.path.join(HERE, "tail_tax.c")], check=True)
        res = {k: [] for k, _ in KINDS}
        for r in range(runs):
            for name, a in (KINDS if r % 2 == 0 else KINDS[::-1]):
                d = os.path.join(root, f"d{r}")
                paths = T.make_files(d, args.files, 3)
                lst = d + ".paths"
                with open(lst, "w") as f:
                    f.write("\n".join(paths))
                wp = None
                if a:
                    wp = subprocess.Popen([watcher] + a + paths, stdout=subprocess.PIPE)
                    if wp.stdout.readline() != b"ready\n":
                        sys.exit("the watcher did not start")
                w, wr = T.start_writer(["throughput", lst, args.lines, args.line_len, args.batch])
                cpu0 = T.cpu_secs(wp.pid) if wp else 0
                w.stdin.write(b"g")
                w.stdin.flush()
                secs = T.finish_writer(w, wr)
                cpu = T.cpu_secs(wp.pid) - cpu0 if wp else 0
                if wp:
                    wp.kill()
                    wp.wait()
                shutil.rmtree(d)
                os.remove(lst)
                res[name].append(secs)
                print(f"{r} {name:40s} writer {secs:.3f} s  watcher CPU {cpu:.2f} s", flush=True)
        alone = statistics.median(res[KINDS[0][0]])
        print()
        for name, _ in KINDS:
            m = statistics.median(res[name])
            print(f"{name:40s} writer median {m:.3f} s  ({m / alone:.2f}x alone)")
    finally:
        shutil.rmtree(root, ignore_errors=True)
        T.kill_all()


if __name__ == "__main__":
    main()
