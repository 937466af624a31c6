#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The cost of tracing page faults: vmtrace against perf and bpftrace.

For each workload of tests/bench/faultbench.c (faults known by construction,
timed around the fault loop only, so no tool's start-up or exit is in the
figure), runs every tool in rounds. Within a round, untraced runs alternate
with traced ones (U T1 U T2 U ... Tn U), and each traced run is compared with
the mean of the untraced runs on either side of it, so the machine's drift
cancels. Prints, per workload and tool: the median ratio to untraced with its
min and max over the rounds, the added nanoseconds per fault (median, min,
max), the faults the tool counted against the kernel's counters, and for
vmtrace its peak RSS and attach time (from vmtrace -v). Then vmtrace's peak
memory on a target with 100,000 VMAs, the churn benchmark (tests/bench/churn.py:
a thread-per-connection server traced for minutes), and a check of the
targets of issues 6 and 11. The "reports" section (issue 12: bounded time
on hostile sizes) needs no BPF: the time and peak memory to build and write
a 100,000-row report (tests/bench/reportbench.c) as text and as -j, and to
read and diff a 100,000-row baseline (tests/bench/baseline_reader.py).

A peer that is missing or fails is printed as skipped, never as a result.
Figures, not a test: nothing here passes or fails.

Usage: tests/bench/bench.py [--rounds N] [--workloads a,b] [--size W=N]...
                            [--tools t1,t2] [--no-memory] [--dir DIR]
                            [--churn-seconds N] [--report-rows N]
       tests/bench/bench.py --workloads reports   (that section alone)
       tests/bench/bench.py --from-log LOG   (tests/bench/vmbench.sh's guest)
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# name, faultbench arguments, default size, what it is
WORKLOADS = [
    ("anon", "anon", 20000, "anonymous write faults, 4 KiB pages"),
    ("cow", "cow", 5000, "copy-on-write after fork (parent writes)"),
    ("file", "file", 20000, "file read faults, page cache warm"),
    ("file-random", "file-random", 20000, "the same with MADV_RANDOM"),
    ("major", "major", 2000, "file read faults, file evicted (major)"),
    ("vmas", "vmas", 10000, "one write fault in each of N one-page VMAs, shuffled"),
]

BPFTRACE_PROG = ("tracepoint:exceptions:page_fault_user /pid == cpid/ "
                 "{ @faults = count(); }")


def run(argv, env=None, timeout=600):
    """(returncode, stdout, stderr, seconds) of argv."""
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env=env, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return 127, "", str(e), time.monotonic() - t0
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t0


def fb_line(text):
    """faultbench's "ns_per_fault=X faults=N total_faults=T" as a dict."""
    m = re.search(r"ns_per_fault=([0-9.]+) faults=(\d+) total_faults=(\d+)", text)
    if not m:
        return None
    return {"ns": float(m.group(1)), "faults": int(m.group(2)),
            "kernel": int(m.group(3))}


class Tool:
    """A way of running a workload: argv around it, and what it counted."""

    def __init__(self, name, wrap, count=None, vmtrace=False):
        self.name = name
        self.wrap = wrap          # (cmd, outfile) -> argv
        self.count = count        # (stdout, stderr, outfile) -> faults or None
        self.vmtrace = vmtrace
        self.skipped = None       # why, if the tool cannot run here

    def once(self, cmd, tmp, env):
        """One run: a dict of figures, or None with self.skipped set."""
        out = os.path.join(tmp, "out")
        if os.path.exists(out):
            os.unlink(out)
        rc, so, se, secs = run(self.wrap(cmd, out), env=env)
        r = fb_line(so)
        if rc != 0 or not r:
            msg = (se.strip().splitlines() or ["exit status %d" % rc])[-1]
            self.skipped = "failed: %s" % msg[:100]
            return None
        r["wall"] = secs
        if self.vmtrace:
            return self.vmtrace_figures(r, out, se)
        if self.count:
            r["counted"] = self.count(so, se, out)
        return r

    @staticmethod
    def vmtrace_figures(r, out, se):
        with open(out) as f:
            d = json.load(f)
        t, k = d["totals"], d.get("kernel")
        # the kernel's counters over vmtrace's own window: exact comparison
        r["counted"] = t["minor"] + t["major"]
        if k:
            r["kernel"] = k["minflt"] + k["majflt"]
        m = re.search(r"peak RSS (\d+) KiB", se)
        r["rss_kib"] = int(m.group(1)) if m else None
        m = re.search(r"attached in (\d+) ms", se)
        r["attach_ms"] = int(m.group(1)) if m else None
        # with kernel.bpf_stats_enabled: the fault path's programs' runs x
        # mean run time. Not the system call and process programs: they run
        # for every process on the machine, not per fault of this one.
        runs = re.findall(r"prog (\S+)\s+(\d+) runs\s+([0-9.]+) ns/run", se)
        runs = [(n, t) for p, n, t in runs
                if not re.match(r"tp_(sys_|exec|fork|exit)", p)]
        if runs and r["counted"]:
            r["bpf_ns"] = sum(int(n) * float(t) for n, t in runs) / r["counted"]
        return r


def read_file(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def perf_stat_count(so, se, out):
    for line in read_file(out).splitlines():
        f = line.split(",")
        if len(f) > 2 and f[2] == "page-faults" and f[0].isdigit():
            return int(f[0])
    return None


def perf_trace_count(so, se, out):
    return sum(1 for l in read_file(out).splitlines()
               if " minfault " in l or " majfault " in l)


def perf_record_count(so, se, out):
    m = re.search(r"\((\d+) samples\)", se)
    return int(m.group(1)) if m else None


def bpftrace_count(so, se, out):
    m = re.search(r"@faults: (\d+)", so)
    return int(m.group(1)) if m else 0


def vmtrace_help(vmtrace):
    rc, so, se, _ = run([vmtrace, "--help"])
    return so + se


def vmtrace_backends(vmtrace):
    rc, so, se, _ = run([vmtrace, "--features", "-j"])
    try:
        return [b["name"] for b in json.loads(so)["backends"] if b["works"]]
    except (ValueError, KeyError):
        return []


def make_tools(vmtrace, args):
    tools = []
    perf, bpftrace = shutil.which("perf"), shutil.which("bpftrace")

    def peer(name, path, why, wrap, count):
        t = Tool(name, wrap, count)
        if not path:
            t.skipped = why
        tools.append(t)

    peer("perf stat", perf, "skipped (perf not installed)",
         lambda c, o: [perf, "stat", "-x,", "-e",
                       "page-faults,minor-faults,major-faults", "-o", o, "--"] + c,
         perf_stat_count)
    peer("perf trace --pf=all", perf, "skipped (perf not installed)",
         lambda c, o: [perf, "trace", "--pf=all", "--no-syscalls", "-o", o, "--"] + c,
         perf_trace_count)
    peer("perf record -c 1", perf, "skipped (perf not installed)",
         lambda c, o: [perf, "record", "-e", "page-faults", "-c", "1", "-o", o,
                       "--"] + c,
         perf_record_count)
    # user stacks as perf takes them (frame pointers): what --stacks is set against
    peer("perf record -c 1 -g", perf, "skipped (perf not installed)",
         lambda c, o: [perf, "record", "-e", "page-faults", "-c", "1", "-g", "-o", o,
                       "--"] + c,
         perf_record_count)
    peer("bpftrace", bpftrace, "skipped (bpftrace not installed)",
         lambda c, o: [bpftrace, "-e", BPFTRACE_PROG, "-c", " ".join(c)],
         bpftrace_count)
    helptext = vmtrace_help(vmtrace)
    for backend in vmtrace_backends(vmtrace) or ["(none)"]:
        for mode, flags in (("default", []), ("--latency", ["--latency"]),
                            ("--full", ["--full"]), ("--code", ["--code"]),
                            ("--stacks", ["--stacks"])):
            t = Tool("vmtrace %s %s" % (backend, mode),
                     lambda c, o, b=backend, f=flags:
                     [vmtrace, "-v", "--backend", b] + f + ["-j", "-o", o, "--"] + c,
                     vmtrace=True)
            if backend == "(none)":
                t.skipped = "skipped (no backend works on this kernel)"
            elif flags and flags[0] not in helptext:
                t.skipped = "skipped (not supported)"
            tools.append(t)
    if args.tools:
        want = args.tools.split(",")
        tools = [t for t in tools if any(w in t.name for w in want)]
    return tools


def summary(values):
    return statistics.median(values), min(values), max(values)


def pair_runs(seq):
    """Ratios from one round's runs in order, untraced between traced ones.

    seq: [(tool name or None for untraced, figures)]. Each traced run is set
    against the mean of the untraced runs right before and after it.
    Returns ({tool: figures with ratio and added}, [untraced figures]).
    """
    out, base = {}, [r for name, r in seq if name is None]
    for i, (name, r) in enumerate(seq):
        if name is None:
            continue
        before = next((x for n, x in reversed(seq[:i]) if n is None), None)
        after = next((x for n, x in seq[i + 1:] if n is None), None)
        near = [x["ns"] for x in (before, after) if x]
        if not near:
            continue
        b = sum(near) / len(near)
        r["ratio"], r["added"] = r["ns"] / b, r["ns"] - b
        out[name] = r
    return out, base


def bench_workload(w, size, tools, rounds, tmp, env):
    """Per tool: a list of per-round results (dicts with ratio, added, ...)."""
    cmd = [os.path.join(ROOT, ".output", "faultbench"), w[1], str(size)]
    untraced = Tool("untraced", lambda c, o: c)
    results = {t.name: [] for t in tools}
    base_all = []
    for r in range(rounds):
        live = [t for t in tools if not t.skipped]
        # a different tool first each round: no tool always follows another
        order = live[r % len(live):] + live[:r % len(live)] if live else []
        seq = [(None, untraced.once(cmd, tmp, env))]
        if not seq[0][1]:
            sys.exit("bench: faultbench %s failed: %s" % (w[1], untraced.skipped))
        for t in order:
            got = t.once(cmd, tmp, env)
            if got:
                seq.append((t.name, got))
            seq.append((None, untraced.once(cmd, tmp, env)))
        got, base = pair_runs([(n, x) for n, x in seq if x])
        for name, x in got.items():
            results[name].append(x)
        base_all += base
    bpf_cost(cmd, tools, results, tmp, env)
    return results, base_all


def bpf_cost(cmd, tools, results, tmp, env):
    """One more run of each vmtrace mode with kernel.bpf_stats_enabled=1.

    The time spent in vmtrace's fault path programs per fault, from the
    kernel's own accounting: a figure the machine's noise hardly moves,
    unlike the paired ratios. It leaves out the tracepoint's dispatch to the
    program (tens of ns), and the stats' own clock reads make it a little
    high. Not used for the ratios: the stats cost time themselves.
    """
    knob = "/proc/sys/kernel/bpf_stats_enabled"
    try:
        with open(knob, "w") as f:
            f.write("1")
    except OSError:
        return
    try:
        for t in tools:
            if t.vmtrace and not t.skipped and results[t.name]:
                got = t.once(cmd, tmp, env)
                if got and "bpf_ns" in got:
                    results[t.name][0]["bpf_ns"] = got["bpf_ns"]
    finally:
        with open(knob, "w") as f:
            f.write("0")


def fmt_range(med, lo, hi, f):
    return "%s [%s, %s]" % (f % med, f % lo, f % hi)


def print_workload(w, size, tools, results, base_all, rounds):
    b = summary([x["ns"] for x in base_all])
    print("\n%s: %s, N=%d (faults in the loop: %d; untraced %.0f ns/fault, "
          "median of %d runs)" % (w[0], w[3], size, base_all[0]["faults"], b[0],
                                  len(base_all)))
    print("  %-30s %-24s %-30s %-20s %8s %9s %8s" % (
        "tool", "ratio med [min, max]", "added ns/fault med [min, max]",
        "counted/kernel", "RSS MiB", "attach ms", "BPF ns"))
    for t in tools:
        res = results[t.name]
        if t.skipped or len(res) < rounds:
            why = t.skipped or "failed in some rounds"
            print("  %-30s %s" % (t.name, why))
            continue
        ratio = summary([x["ratio"] for x in res])
        added = summary([x["added"] for x in res])
        # the worst round: the largest difference from the kernel's count
        worst = max(res, key=lambda x: abs(x["kernel"] - (x.get("counted") or 0)))
        counted = "%s/%d" % (worst.get("counted"), worst["kernel"])
        rss = [x["rss_kib"] for x in res if x.get("rss_kib")]
        att = [x["attach_ms"] for x in res if x.get("attach_ms")]
        bpf = [x["bpf_ns"] for x in res if x.get("bpf_ns")]
        print("  %-30s %-24s %-30s %-20s %8s %9s %8s" % (
            t.name, fmt_range(*ratio, "%.3f"), fmt_range(*added, "%.0f"), counted,
            "%.1f" % (max(rss) / 1024) if rss else "-",
            "%d" % statistics.median(att) if att else "-",
            "%.0f" % bpf[0] if bpf else "-"))


def startup(vmtrace):
    """End to end time of tracing a command that does nothing, and attach."""
    wall, att = [], []
    for _ in range(7):
        rc, so, se, secs = run([vmtrace, "-v", "--", "true"])
        m = re.search(r"attached in (\d+) ms", se)
        if rc or not m:
            return "failed: %s" % (se.strip().splitlines() or ["?"])[-1]
        wall.append(secs * 1000)
        att.append(int(m.group(1)))
    return ("end to end median %.0f ms [%.0f, %.0f], of which attach %d ms [%d, %d]"
            % (statistics.median(wall), min(wall), max(wall),
               statistics.median(att), min(att), max(att)))


def memory_check(vmtrace, tmp, env):
    """vmtrace's peak RSS on a live target with 100,000+ VMAs."""
    fb = os.path.join(ROOT, ".output", "faultbench")
    out = []
    try:
        with open("/proc/sys/vm/max_map_count") as f:
            old = f.read().strip()
    except OSError:
        return ["skipped (no /proc/sys/vm/max_map_count)"]
    try:
        if int(old) < 200000:
            with open("/proc/sys/vm/max_map_count", "w") as f:
                f.write("262144")
        henv = dict(env, FAULTBENCH_HOLD="1")
        for label, flags in (("text", []), ("JSON", ["-j"]), ("JSON, --all-vmas", ["-j", "--all-vmas"])):
            rc, so, se, secs = run([vmtrace, "-v", "-d", "8"] + flags +
                                   ["-o", os.path.join(tmp, "mem.out"), "--", fb,
                                    "vmas", "50000"], env=henv)
            m = re.search(r"peak RSS (\d+) KiB", se)
            if not m:
                out.append("%-9s failed: %s" % (label, se.strip()[-200:]))
                continue
            rows = sum(1 for _ in open(os.path.join(tmp, "mem.out")))
            out.append("%-9s peak RSS %.1f MiB (report %d lines, %.1f s end to end)" % (
                label, int(m.group(1)) / 1024, rows, secs))
    finally:
        if int(old) < 200000:
            with open("/proc/sys/vm/max_map_count", "w") as f:
                f.write(old)
    return out


def reports(rows, tmp):
    """Building and writing a report of rows rows, and reading a baseline of as many."""
    sys.dont_write_bytecode = True	# no __pycache__ in the tree
    import baseline_reader
    rb = os.path.join(ROOT, ".output", "reportbench")
    print("\nreports of %d rows, no BPF (tests/bench/reportbench.c: the rows, a final "
          "maps snapshot, labels and totals, the writer to /dev/null):" % rows)
    for label, how in (("text", "text"), ("JSON (-j)", "json")):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        rc, so, se, secs = run([rb, str(rows), how])
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        kv = parse_kv("x " + so)
        if rc or "total_s" not in kv:
            print("  %-10s failed: %s" % (label, (se.strip().splitlines() or ["?"])[-1]))
            continue
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        print("  %-10s %6.2f s (rows %s, maps %s, finish %s, write %s), CPU %.2f s, "
              "peak RSS %.1f MiB" % (label, float(kv["total_s"]), kv["fill_s"],
                                     kv["maps_s"], kv["finish_s"], kv["write_s"],
                                     cpu, int(kv["peak_rss_kib"]) / 1024))
    print("baselines of %d rows (tests/bench/baseline_reader.py: vmtrace diff, no BPF):"
          % rows)
    baseline_reader.table(os.path.join(ROOT, ".output", "vmtrace"), [rows], 600, tmp,
                          indent="  ")


def parse_kv(line):
    return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)


def from_log(path):
    """The tables of a run inside the qemu guest (tests/bench/vm-guest.sh).

    The guest has no Python: it prints one BENCH line per run, in run order;
    the statistics are the same as on the host.
    """
    runs, skips, kernel, tools = {}, {}, "?", []
    for line in open(path, errors="replace"):
        line = line.strip()
        if line.startswith("BENCH-KERNEL"):
            kernel = line.split(None, 1)[1]
        elif line.startswith("BENCH-SKIP"):
            kv = parse_kv(line)
            name = kv["tool"].replace(":", " ").replace("_", " ")
            skips[name] = line.split("why=", 1)[1]
            if name not in tools:
                tools.append(name)
        elif line.startswith("BENCH "):
            kv = parse_kv(line)
            r = fb_line(line)
            if not r:
                continue
            tool = None if kv["tool"] == "untraced" else kv["tool"].replace(":", " ")
            if tool and tool not in tools:
                tools.append(tool)
            for k, name in (("counted", "counted"), ("kernel", "kernel"),
                            ("attach_ms", "attach_ms"), ("rss_kib", "rss_kib")):
                if kv.get(k, "").isdigit():
                    r[name] = int(kv[k])
            key = (kv["w"], int(kv["n"]))
            runs.setdefault(key, {}).setdefault(kv["round"], []).append((tool, r))
    print("vmtrace bench inside qemu (TCG, one vCPU), kernel %s: relative cost "
          "of the backends only, not absolute times" % kernel)
    table = {}
    for (w, n), rounds in runs.items():
        objs = []
        for name in tools:
            t = Tool(name, None)
            t.skipped = skips.get(name)
            objs.append(t)
        results = {t: [] for t in tools}
        base_all = []
        for seq in rounds.values():
            got, base = pair_runs(seq)
            for name, x in got.items():
                results[name].append(x)
            base_all += base
        desc = next((x for x in WORKLOADS if x[0] == w), (w, w, n, w))
        print_workload(desc, n, objs, results, base_all, len(rounds))
        table[w] = results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", 5)))
    ap.add_argument("--workloads",
                    default=",".join([w[0] for w in WORKLOADS] + ["reports", "churn"]),
                    help="some of %s, reports and churn" % ",".join(w[0] for w in WORKLOADS))
    ap.add_argument("--size", action="append", default=[],
                    help="W=N: workload W with N pages (VMAs for vmas)")
    ap.add_argument("--tools", help="only the tools whose name holds one of these")
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--churn-seconds", type=int, default=120,
                    help="each phase of the churn benchmark (default 120)")
    ap.add_argument("--report-rows", type=int, default=100000,
                    help="rows of the reports section's report and baseline")
    ap.add_argument("--dir", help="directory for the file workloads (a real "
                    "filesystem, not tmpfs; default /var/tmp)")
    ap.add_argument("--from-log", metavar="LOG",
                    help="print the tables of a qemu guest's run (vmbench.sh)")
    args = ap.parse_args()
    if args.from_log:
        return from_log(args.from_log)
    vmtrace = os.path.join(ROOT, ".output", "vmtrace")
    sizes = {w[0]: w[2] for w in WORKLOADS}
    for s in args.size:
        k, v = s.split("=")
        sizes[k] = int(v)
    tmp = tempfile.mkdtemp(prefix="vmtrace-bench.", dir=args.dir or "/var/tmp")
    env = dict(os.environ, FAULTBENCH_DIR=tmp)
    tools = make_tools(vmtrace, args)
    uname = os.uname()
    print("vmtrace bench, %s, kernel %s, %d CPUs, %d rounds (ratios: traced run vs "
          "the mean of the untraced runs next to it)" % (
              time.strftime("%Y-%m-%d %H:%M"), uname.release, os.cpu_count(),
              args.rounds))
    print("load average at start: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    table = {}
    chosen = args.workloads.split(",")
    traced = [w for w in WORKLOADS if w[0] in chosen]
    try:
        for w in traced:
            res, base = bench_workload(w, sizes[w[0]], tools, args.rounds, tmp, env)
            table[w[0]] = res
            print_workload(w, sizes[w[0]], tools, res, base, args.rounds)
        # start-up and memory go with the traced workloads, not with a section alone
        if traced:
            print("\n'vmtrace -v -- true', 7 runs: %s" % startup(vmtrace))
        if traced and not args.no_memory:
            print("\nvmtrace on a live target with 100,000 VMAs "
                  "(faultbench vmas 50000; 16,384 kernel rows):")
            for line in memory_check(vmtrace, tmp, env):
                print("  " + line)
        if "reports" in chosen:
            reports(args.report_rows, tmp)
        if "churn" in chosen:
            sys.dont_write_bytecode = True	# no __pycache__ in the tree
            import churn
            churn.churn(args.churn_seconds, args.rounds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("load average at end: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    if table:
        targets(table, tools)


def med(table, w, tool, key):
    res = table.get(w, {}).get(tool) or []
    return statistics.median([x[key] for x in res]) if res else None


def targets(table, tools):
    """Issues 6's and 11's targets, from the figures above."""
    vm = [t.name for t in tools if t.vmtrace and not t.skipped
          and t.name.endswith(" default")]
    if not vm:
        return
    print("\ntargets (anonymous workload, medians of paired runs):")
    for name in vm:
        lat = name.replace(" default", " --latency")
        r = med(table, "anon", name, "ratio")
        lost = [abs(x["kernel"] - x["counted"]) for x in table.get("anon", {}).get(name, [])]
        if r is not None:
            print("  %-28s ratio %.3f (target <= 1.10), lost %d (target 0)" % (
                name, r, max(lost)))
        rl = med(table, "anon", lat, "ratio")
        print("  %-28s %s" % (lat, "ratio %.3f (target <= 1.20)" % rl
                               if rl is not None else "not measured"))
        rv = med(table, "vmas", name, "ratio")
        if r and rv:
            print("  %-28s 10,000 VMAs vs one: %.3f (target <= 1.10)" % (name, rv / r))
        bv = [x["bpf_ns"] for x in table.get("vmas", {}).get(name, []) if x.get("bpf_ns")]
        ba = [x["bpf_ns"] for x in table.get("anon", {}).get(name, []) if x.get("bpf_ns")]
        if bv and ba:
            print("  %-28s BPF ns per fault: %.0f with 10,000 VMAs, %.0f with one" % (
                name, bv[0], ba[0]))
        pt = med(table, "anon", "perf trace --pf=all", "added")
        a = med(table, "anon", name, "added")
        bpf = [x["bpf_ns"] for x in table.get("anon", {}).get(name, []) if x.get("bpf_ns")]
        if pt and a:
            print("  %-28s perf trace's added ns / vmtrace's: %s (target >= 50)" % (
                name, "%.0f" % (pt / a) if a > 0 else "no ratio (vmtrace's is <= 0: noise)"))
        if pt and bpf:
            print("  %-28s perf trace's added ns / vmtrace's BPF ns per fault: %.0f" % (
                name, pt / bpf[0]))
        att = [x["attach_ms"] for w in table.values() for x in w.get(name, [])
               if x.get("attach_ms")]
        if att:
            print("  %-28s attach median %d ms, max %d ms (target < 500)" % (
                name, statistics.median(att), max(att)))
        # issue 11: the row model must not cost the common case
        av = med(table, "vmas", name, "added")
        if a is not None and av is not None:
            print("  %-28s added ns per fault: %.0f anonymous (~67 before issue 11), "
                  "%.0f first in a new VMA (10,000 VMAs; target <= 250)" % (name, a, av))


if __name__ == "__main__":
    main()
