#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""CI mode's trade-off on real programs: false failures against what it catches.

For each program of the realci tier (python3 directly and through a script
named python3 that execs it, gcc -O2 -c, git status on a fixed repository):
vmtrace record -r RUNS, then CHECKS checks of the unchanged program. Prints
the false-failure rate (checks that exited 1) with the rows that failed, and
the smallest growth the baseline still catches: the [total] faults of the
command with most faults, and of its largest row, as faults over the
baseline median and as a percentage. Those limits are vmtrace's own: a diff
-v of the baseline against a copy with every count zeroed prints each
counter with its limit (src/ci/compare.h has the rule).

Figures, not a test: nothing here passes or fails. Root.

Usage: tests/bench/ci_false_failures.py [--checks N] [--runs N] [--only NAME]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VMTRACE = os.path.join(ROOT, ".output", "vmtrace")
PY = "import json, email.parser"
LIMIT = re.compile(r"^(\S+)\s+(.+?)\s+faults\s+(\d+) \((\d+)-(\d+)\)\s+\d+.*\(limit (\d+)")


def programs():
    """(name, argv) of each program there is on this machine."""
    found = []
    if os.access("/usr/bin/python3", os.X_OK):
        found += [("python3", ["/usr/bin/python3", "-c", PY]),
                  ("shim", ["./python3", "-c", PY])]
    if shutil.which("gcc"):
        found.append(("gcc", ["gcc", "-O2", "-c", "hello.c"]))
    if shutil.which("git"):
        found.append(("git", ["git", "-C", "repo", "status"]))
    return found


def make_inputs(work):
    """The realci tier's inputs (tests/realci/run.sh says why each is so)."""
    with open(os.path.join(work, "python3"), "w") as f:
        f.write('#!/bin/sh\nexec /usr/bin/python3 "$@"\n')
    os.chmod(os.path.join(work, "python3"), 0o755)
    with open(os.path.join(work, "hello.c"), "w") as f:
        f.write('#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
    repo = os.path.join(work, "repo")
    os.mkdir(repo)
    for i in range(1, 51):
        path = os.path.join(repo, f"file{i}.txt")
        with open(path, "w") as f:
            f.write(f"line {i}\n")
        os.utime(path, (1577836800, 1577836800))
    git = ["git", "-C", repo, "-c", "user.name=ci", "-c", "user.email=ci@example.com"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "files"], ["status"]):
        subprocess.run(git + args, check=True, stdout=subprocess.DEVNULL)


def vmtrace(args, work):
    """vmtrace ARGS in work: (exit code, stdout and stderr together)."""
    p = subprocess.run([VMTRACE] + args, cwd=work, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace")
    return p.returncode, p.stdout


def limits(base, work):
    """{(command, row): (median, min, max, limit)} of each row's faults."""
    with open(base) as f:
        doc = json.load(f)
    for row in doc["rows"]:
        for name in row["counters"]:
            row["counters"][name] = [0, 0, 0]
    zero = base + ".zero"
    with open(zero, "w") as f:
        json.dump(doc, f)
    _, out = vmtrace(["diff", "-v", base, zero], work)
    found = {}
    for line in out.splitlines():
        m = LIMIT.match(line)
        if m:
            found[(m[1], m[2])] = tuple(int(m[i]) for i in range(3, 7))
    return found


def catches(found):
    """Lines on the smallest growth caught: [total] of the busiest command, its largest row."""
    totals = [(v[0], k) for k, v in found.items() if k[1] == "[total]"]
    if not totals:
        return ["no [total] row with faults"]
    command = max(totals)[1][0]
    rows = [(v[0], k) for k, v in found.items() if k[0] == command and k[1] != "[total]"]
    lines = []
    for key in [(command, "[total]")] + ([max(rows)[1]] if rows else []):
        median, low, high, limit = found[key]
        more = limit + 1 - median
        lines.append(f"    {key[0]} {key[1]}: median {median} ({low}-{high}); caught from "
                     f"{limit + 1}: +{more} faults, +{100 * more / max(median, 1):.1f}%")
    return lines


def bench(name, argv, args, work):
    base = os.path.join(work, name + ".json")
    code, out = vmtrace(["record", "-o", base, "-r", str(args.runs), "--"] + argv, work)
    if code:
        print(f"{name}: record exited {code}: {out.strip().splitlines()[-1:]}")
        return
    failed, rows, start = 0, {}, time.monotonic()
    for _ in range(args.checks):
        code, out = vmtrace(["check", "--baseline", base, "--"] + argv, work)
        if code == 1:
            failed += 1
            for line in out.splitlines():
                if "REGRESSION" in line:
                    key = " ".join(line.split()[:4])
                    rows[key] = rows.get(key, 0) + 1
        elif code:
            print(f"{name}: check exited {code}: {out.strip().splitlines()[-1:]}")
    took = time.monotonic() - start
    print(f"{name} ({' '.join(argv)}): {failed} of {args.checks} checks failed "
          f"({100 * failed / args.checks:.1f}%), {took / args.checks:.2f} s a check")
    for key, n in sorted(rows.items(), key=lambda kv: -kv[1]):
        print(f"    failed on {key}: {n}x")
    print("\n".join(catches(limits(base, work))))


def main():
    sys.stdout.reconfigure(line_buffering=True)  # progress while it runs, into a file too
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checks", type=int, default=100, help="checks per program (100)")
    ap.add_argument("--runs", type=int, default=5, help="runs per baseline (5)")
    ap.add_argument("--only", help="one program: python3, shim, gcc, git")
    args = ap.parse_args()
    if os.geteuid():
        sys.exit("ci_false_failures: needs root")
    with tempfile.TemporaryDirectory(prefix="vmtrace-cibench.") as work:
        make_inputs(work)
        print(f"CI mode on real programs: record -r {args.runs}, {args.checks} checks each")
        for name, argv in programs():
            if not args.only or args.only == name:
                bench(name, argv, args, work)


if __name__ == "__main__":
    main()
