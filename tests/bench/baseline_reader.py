#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""How long the baseline reader takes, and how much memory, on large baselines.

Writes baselines of N rows (distinct identities, in the writer's own format,
one row a line) and runs, for each N:

  diff BIG SMALL   reads BIG and a one-row SMALL: the reader's cost
  diff BIG BIG     reads BIG twice and compares every row: reader + compare

printing seconds (wall, and CPU: user + system, which other load on the
machine moves less) and the peak RSS of that vmtrace process (wait4's
ru_maxrss). bench.py runs it in its "reports" section (100,000 rows).
Figures, not a test: nothing here passes or fails. `diff` needs
no root and no BPF.

Usage: tests/bench/baseline_reader.py [--vmtrace PATH] [--rows 80000,150000]
                                      [--timeout SECONDS] [--dir DIR]
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COUNTERS = ["faults", "minor", "major", "read", "write", "exec", "wp", "errors",
            "kernel_mode", "cow", "readin", "sigbus", "oom"]


def write_baseline(path, nrows):
    """nrows rows over 64 commands, each a distinct file label (~370 bytes a row,
    as vmtrace record writes them)."""
    with open(path, "w") as f:
        f.write('{ "vmtrace_baseline": 1, "command": "bench", "backend": "fentry", '
                '"runs": 3, "unavailable": [ ], "tolerance": { "counters": { } },\n'
                ' "rows": [\n')
        for i in range(nrows):
            v = 2 + i % 7
            ctr = ", ".join('"%s": [ %d, %d, %d ]' % (c, v, v - 1, v + 1)
                            for c in COUNTERS)
            f.write('  { "command": "cmd%02d", "label": "lib/f%d.so", '
                    '"perms": "r-xp", "position": %d, "counters": { %s } }%s\n'
                    % (i % 64, i, i % 3, ctr, "," if i + 1 < nrows else ""))
        f.write(" ]\n}\n")


def measure(argv, timeout):
    """(wall s, CPU s, peak RSS in MiB, exit code), or None past timeout."""
    start = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            p.kill()
            os.wait4(p.pid, 0)
            return None
        time.sleep(0.01)
    p.returncode = os.waitstatus_to_exitcode(status)
    return (time.monotonic() - start, usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024, p.returncode)


def table(vmtrace, rows, timeout, tmpdir, indent=""):
    """Prints a line per run: rows, file size, which run, wall and CPU s, peak RSS."""
    small = os.path.join(tmpdir, "small.json")
    write_baseline(small, 1)
    print(indent + "%8s %9s  %-16s %9s %9s %10s  %s" % (
        "ROWS", "MiB", "RUN", "WALL s", "CPU s", "PEAK MiB", "EXIT"))
    for n in rows:
        big = os.path.join(tmpdir, "big%d.json" % n)
        write_baseline(big, n)
        size = os.path.getsize(big) / (1 << 20)
        for name, other in (("diff BIG SMALL", small), ("diff BIG BIG", big)):
            r = measure([vmtrace, "diff", big, other], timeout)
            if r is None:
                print(indent + "%8d %9.1f  %-16s %9s %9s %10s  -" % (
                    n, size, name, ">%g" % timeout, "?", "?"))
            else:
                print(indent + "%8d %9.1f  %-16s %9.2f %9.2f %10.0f  %d" % (
                    n, size, name, *r))
            sys.stdout.flush()
        os.unlink(big)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vmtrace", default=os.path.join(ROOT, ".output", "vmtrace"))
    ap.add_argument("--rows", default="80000,150000")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--dir", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        table(args.vmtrace, [int(x) for x in args.rows.split(",")], args.timeout, tmp)
    print("(this machine: %s, %d CPUs; vmtrace %s)" % (os.uname().release,
          os.cpu_count(), args.vmtrace))


if __name__ == "__main__":
    main()
