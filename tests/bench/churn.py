#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Row churn: vmtrace on a thread-per-connection server for minutes (issue 11).

The server is tests/bench/churn.c ("churnbench serve"): at full speed, a
thread per connection (glibc's default stacks), a mapped, written and unmapped
buffer per request, a fork every 16 connections. Three phases, each on a fresh
server for --churn-seconds (default 120):

  -I 1000  vmtrace -p PID -I 1000, the live view into a file (and its final report)
  text     vmtrace -p PID, the text report
  -j       vmtrace -p PID -j, the JSON report

Per phase: drops (from the report), faults counted against the kernel's
minflt+majflt over vmtrace's window, the report's lines, vmtrace's RSS (VmRSS)
and its kernel rows in use (rows of [1, next_slot) not on the free queue, read
from its maps) at start, middle and end, its peak RSS (VmHWM, with the report),
and its CPU per second (utime+stime from /proc/PID/stat between the first and
the last sample). The server is stopped (SIGSTOP) while vmtrace attaches and
while it stops, so no fault is in flight at the window's edges and the counts
compare exactly (--no-freeze: leave it running; then faults at the edges are
in one count and not the other).

Then the added cost of what the server does, paired as in bench.py (untraced,
vmtrace -- ..., untraced; medians over rounds): an mmap+munmap pair; the first
fault in a new one-page VMA (its row made from a slot of the free queue) and
apart the munmap of such a VMA (its row retired and folded); a thread created
and joined. Compared in the process's CPU time (CLOCK_PROCESS_CPUTIME_ID: the
BPF programs run in it, and the other processes of a shared machine, which
make wall-clock time wait for a CPU, hardly move it); the added wall-clock
time is shown too. And, as bench.py's BPF ns, the fault-path programs' time
per first fault from one run with kernel.bpf_stats_enabled.

Figures, not a test: nothing here passes or fails.

Usage: tests/bench/churn.py [--churn-seconds N] [--churn-rounds N] [--conns N]
                            [--phases live,text,json] [--no-freeze] [--no-cost]
"""
import argparse
import ctypes
import json
import os
import re
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True	# no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import (ROOT, Tool, fmt_range, pair_runs,  # noqa: E402
                   read_file as read, run, summary)

OUT = os.path.join(ROOT, ".output")
VMTRACE = os.path.join(OUT, "vmtrace")
CHURNBENCH = os.path.join(OUT, "churnbench")
CLK_TCK = os.sysconf("SC_CLK_TCK")

PHASES = [
    ("live", "-I 1000", ["-I", "1000"], False),
    ("text", "text", [], True),
    ("json", "-j", ["-j"], True),
]

# churnbench's timed workloads and their sizes
PROGRAMS = [("pairs", 20000), ("fault", 5000), ("threads", 2000)]
# what is compared: a workload, its figure (CPU time; the same in wall-clock
# time), what one operation is
OPS = [
    ("pairs", "cpu_ns", "ns", "mmap+munmap, 64 KiB untouched"),
    ("fault", "cpu_ns", "ns", "first fault in a new VMA"),
    ("fault", "unmap_cpu_ns", "unmap_ns", "munmap of a faulted VMA (TLB flush)"),
    ("threads", "cpu_ns", "ns", "thread create+join"),
]


# ---- vmtrace's kernel rows, read from its maps ----

NR_BPF = {"x86_64": 321, "aarch64": 280}.get(os.uname().machine)
BPF_MAP_GET_FD_BY_ID = 14
BPF_MAP_LOOKUP_BATCH = 24
libc = ctypes.CDLL(None, use_errno=True)


def bpf(cmd, attr):
    r = libc.syscall(ctypes.c_long(NR_BPF), ctypes.c_long(cmd), attr,
                     ctypes.c_long(len(attr)))
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def row_layout():
    """struct vmt_row's size and field offsets (BTF), VMT_ROW_* bits (header)."""
    p = subprocess.run(["bpftool", "-j", "btf", "dump", "file",
                        os.path.join(OUT, "vmtrace.bpf.o")],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    row = next(t for t in json.loads(p.stdout)["types"] if t.get("name") == "vmt_row")
    off = {m["name"]: m["bits_offset"] // 8 for m in row["members"]}
    bits = {}
    with open(os.path.join(ROOT, "src", "vmtrace.h")) as f:
        for m in re.finditer(r"VMT_ROW_(\w+)\s*=\s*1 << (\d+)", f.read()):
            bits[m.group(1)] = 1 << int(m.group(2))
    return row["size"], off["flags"], off["nr_vmas"], bits


class Maps:
    """A running vmtrace's maps, found through /proc/PID/fdinfo."""

    def __init__(self, vpid):
        ids = set()
        fd_dir = "/proc/%d/fdinfo" % vpid
        for fd in os.listdir(fd_dir):
            try:
                with open(os.path.join(fd_dir, fd)) as f:
                    m = re.search(r"^map_id:\s*(\d+)", f.read(), re.M)
            except OSError:
                continue
            if m:
                ids.add(int(m.group(1)))
        p = subprocess.run(["bpftool", "-j", "map", "show"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        self.ids = {m["name"]: m["id"] for m in json.loads(p.stdout) if m["id"] in ids}
        self.layout = row_layout()
        attr = ctypes.create_string_buffer(128)
        struct.pack_into("I", attr, 0, self.ids["rows"])
        self.rows_fd = bpf(BPF_MAP_GET_FD_BY_ID, attr)

    def close(self):
        os.close(self.rows_fd)

    def section(self, suffix):
        mid = next(i for n, i in self.ids.items() if n.endswith(suffix))
        p = subprocess.run(["bpftool", "-j", "map", "dump", "id", str(mid)],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        out = {}
        for var in json.loads(p.stdout)[0]["formatted"]["value"][suffix]:
            out.update(var)
        return out

    def sample(self):
        """Rows in use, live rows, folded rows, VMAs they hold, next_slot, reclaim."""
        size, flags_at, vmas_at, bit = self.layout
        data, bss = self.section(".data"), self.section(".bss")
        n = data["next_slot"]
        keys = ctypes.create_string_buffer(4 * n)
        vals = ctypes.create_string_buffer(size * n)
        out = ctypes.create_string_buffer(8)
        attr = ctypes.create_string_buffer(128)
        struct.pack_into("QQQQII", attr, 0, 0, ctypes.addressof(out),
                         ctypes.addressof(keys), ctypes.addressof(vals), n, self.rows_fd)
        try:
            bpf(BPF_MAP_LOOKUP_BATCH, attr)
        except OSError as e:
            if e.errno != 2:	# ENOENT: the end of the map
                raise
        got = struct.unpack_from("I", attr, 32)[0]
        used = live = folded = vmas = 0
        raw = vals.raw
        for slot in range(1, min(n, got)):
            flags, = struct.unpack_from("I", raw, slot * size + flags_at)
            if flags & bit["FREE"]:
                continue
            used += 1
            vmas += struct.unpack_from("I", raw, slot * size + vmas_at)[0]
            if flags & bit["FOLDED"]:
                folded += 1
            elif not flags & (bit["UNMAPPED"] | bit["SEALED"]):
                live += 1
        return {"used": used, "live": live, "folded": folded, "vmas": vmas,
                "next_slot": n, "free": n - 1 - used, "reclaim": bss.get("reclaim", {}),
                "bss_drops": bss.get("drops", {})}


# ---- processes ----

def stat_fields(pid):
    """/proc/PID/stat after the command: [state, ppid, ...] (field 3 is [0])."""
    s = read("/proc/%d/stat" % pid)
    return s[s.rfind(")") + 2:].split() if s else None


def cpu_s(pid):
    f = stat_fields(pid)
    return (int(f[11]) + int(f[12])) / CLK_TCK if f else None


def kernel_faults(pid):
    f = stat_fields(pid)
    return int(f[7]) + int(f[9]) if f else None


def status_kib(pid, key):
    m = re.search(r"^%s:\s+(\d+) kB" % key, read("/proc/%d/status" % pid), re.M)
    return int(m.group(1)) if m else None


def server_stats(path):
    """struct churn_stats: threads, requests, mmaps, forks."""
    try:
        with open(path, "rb") as f:
            return struct.unpack("4Q", f.read(32))
    except (OSError, struct.error):
        return (0, 0, 0, 0)


def stop_all(pid, sig):
    """SIGSTOP/SIGCONT pid and, for SIGSTOP, wait until every thread stopped."""
    os.kill(pid, sig)
    if sig != signal.SIGSTOP:
        return
    for _ in range(2000):
        states = [stat_fields(int(t)) for t in os.listdir("/proc/%d/task" % pid)]
        if all(s is None or s[0] in "TtZX" for s in states):
            return
        time.sleep(0.005)


def wait_for(path, text, proc, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if text in read(path):
            return True
        time.sleep(0.05)
    return False


# ---- one phase ----

def report_figures(name, path, err):
    """drops, counted, kernel and lines of a phase's report."""
    r = {"drops": None, "counted": None, "kernel": None, "lines": None, "rows": None,
         "vmas": None}
    text = read(path)
    if name == "json":
        try:
            d = json.loads(text)
        except ValueError:
            return r
        t, k = d["totals"], d.get("kernel") or {}
        r.update(drops=d["drops"], counted=t["minor"] + t["major"],
                 kernel=k["minflt"] + k["majflt"] if k else None,
                 json_kib=len(text) / 1024, rows=len(d["vmas"]),
                 kernel_line="JSON kernel %s, totals %s" % (
                     json.dumps(k), json.dumps({x: t[x] for x in (
                         "minor", "major", "errors", "kernel_mode")})),
                 vmas=sum(v.get("vmas", 1) for v in d["vmas"]))
        return r
    lines = text.splitlines()
    # the live view's final report begins at its last "PID ..." header
    start = max([i for i, l in enumerate(lines) if l.startswith("PID ")] or [0])
    rep = lines[start:]
    r["lines"] = len(rep)
    r["live_lines"] = len(lines) if name == "live" else None
    m = re.search(r"^drops: (\d+)", "\n".join(rep), re.M)
    r["drops"] = int(m.group(1)) if m else 0
    tot = next((l.split() for l in rep if l.startswith(" TOTAL ")), None)
    if tot:
        r["counted"] = int(tot[2]) + int(tot[3])	# MINOR + MAJOR
    m = re.search(r"^kernel counters, same window: minflt (\d+) majflt (\d+)",
                  "\n".join(rep), re.M)
    if m:
        r["kernel"] = int(m.group(1)) + int(m.group(2))
    r["kernel_line"] = next((l for l in rep if l.startswith("kernel counters")), None)
    r["rows"] = sum(1 for l in rep[2:] if re.match(r"\s+[0-9a-f]+\s+[0-9a-f]+\s+\S{4}\s", l))
    return r


def run_phase(phase, seconds, conns, tmp, freeze):
    name, label, flags, to_file = phase
    stats_path = os.path.join(tmp, "churn.stats")
    out, errp = os.path.join(tmp, name + ".out"), os.path.join(tmp, name + ".err")
    srv = subprocess.Popen([CHURNBENCH, "serve", "0", str(conns)], stdout=subprocess.PIPE,
                           text=True, env=dict(os.environ, CHURN_STATS=stats_path))
    time.sleep(1)
    res = {"name": name, "label": label, "samples": [], "maps": [], "why": None}
    if freeze:
        stop_all(srv.pid, signal.SIGSTOP)
    argv = [VMTRACE, "-v", "-p", str(srv.pid)] + flags + (["-o", out] if to_file else [])
    with open(errp, "w") as ef, open(out if not to_file else os.devnull, "w") as of:
        vt = subprocess.Popen(argv, stdout=of, stderr=ef)
    try:
        if not wait_for(errp, "vmtrace: tracing PID", vt, 300):
            res["why"] = "vmtrace did not attach: %s" % read(errp).strip()[-200:]
            return res
        if freeze:
            stop_all(srv.pid, signal.SIGCONT)
        try:
            maps = Maps(vt.pid)
        except (OSError, KeyError, StopIteration, ValueError) as e:
            maps, res["maps_why"] = None, "rows not read: %s" % e
        t0 = time.monotonic()
        marks = [1.0, seconds / 2, seconds]	# start, middle, end
        while True:
            now = time.monotonic() - t0
            s = {"t": now, "rss": status_kib(vt.pid, "VmRSS"), "cpu": cpu_s(vt.pid),
                 "server": server_stats(stats_path), "kernel": kernel_faults(srv.pid)}
            if marks and now >= marks[0] - 0.5:
                marks.pop(0)
                s["rows"] = maps.sample() if maps else None
                res["maps"].append(s)
            res["samples"].append(s)
            if now >= seconds or vt.poll() is not None:
                break
            time.sleep(min(1.0, max(0.05, seconds - now)))
        if maps:
            maps.close()
        if freeze:
            stop_all(srv.pid, signal.SIGSTOP)
        t_stop = time.monotonic()
        vt.send_signal(signal.SIGINT)
        vt.wait(timeout=600)
        res["report_s"] = time.monotonic() - t_stop
        if freeze:
            stop_all(srv.pid, signal.SIGCONT)
    finally:
        if vt.poll() is None:
            vt.kill()
            vt.wait()
        srv.send_signal(signal.SIGCONT)
        srv.send_signal(signal.SIGTERM)
        try:
            srv_out = srv.communicate(timeout=120)[0]
        except subprocess.TimeoutExpired:
            srv.kill()
            srv_out = srv.communicate()[0]
    err = read(errp)
    m = re.search(r"peak RSS (\d+) KiB", err)
    res["hwm"] = int(m.group(1)) if m else None
    m = re.search(r"attached in (\d+) ms", err)
    res["attach_ms"] = int(m.group(1)) if m else None
    res["rc"] = vt.returncode
    res["server"] = srv_out.strip()
    res.update(report_figures(name, out, err))
    if vt.returncode != 0:
        res["why"] = "vmtrace exited %d: %s" % (vt.returncode, err.strip()[-200:])
    return res


# ---- the paired cost of the server's operations ----

def op_line(text):
    """churnbench's "ns_per_op=X ops=N ..." as a dict: ns, cpu_ns, kernel, ..."""
    kv = dict(re.findall(r"(\w+)=([0-9.]+)", text))
    if "ns_per_op" not in kv:
        return None
    r = {k.replace("_per_op", ""): float(v) for k, v in kv.items()}
    r["kernel"] = int(kv["total_faults"])
    return r


def cost_rounds(rounds, tmp):
    """Per (workload, figure): the rounds' paired traced runs, and the untraced."""
    res = {op[:3]: [] for op in OPS}
    base = {op[:3]: [] for op in OPS}
    for r in range(rounds):
        order = PROGRAMS[r % len(PROGRAMS):] + PROGRAMS[:r % len(PROGRAMS)]
        for name, n in order:
            cmd = [CHURNBENCH, name, str(n)]
            out = os.path.join(tmp, "cost.json")
            seq = []
            for traced in (False, True, False):
                argv = [VMTRACE, "-j", "-o", out, "--"] + cmd if traced else cmd
                rc, so, se, _ = run(argv)
                x = op_line(so)
                if rc or not x:
                    return None, "churnbench %s%s failed: %s" % (
                        name, " under vmtrace" if traced else "",
                        (se.strip().splitlines() or ["exit %d" % rc])[-1])
                if traced:
                    d = json.load(open(out))
                    t, k = d["totals"], d.get("kernel") or {}
                    x["counted"] = t["minor"] + t["major"]
                    x["kernel"] = k.get("minflt", 0) + k.get("majflt", 0)
                seq.append(("vmtrace" if traced else None, x))
            for key in [op[:3] for op in OPS if op[0] == name]:
                got, b = pair_runs([(t, dict(x, ns=x[key[1]])) for t, x in seq])
                wall, _ = pair_runs([(t, dict(x, ns=x[key[2]])) for t, x in seq])
                if "vmtrace" in got:
                    res[key].append(dict(got["vmtrace"],
                                         wall_added=wall["vmtrace"]["added"]))
                base[key] += b
    return (res, base), None


def bpf_fault_ns(tmp):
    """The fault-path programs' time per fault of churnbench fault, as bench.py.

    One more traced run with kernel.bpf_stats_enabled=1: the programs' runs x
    mean run time over the faults vmtrace counted. Those programs also run
    (and return at once) for every other process's faults, so on a busy
    machine it is a little high; returns (ns, runs, faults) or None.
    """
    knob = "/proc/sys/kernel/bpf_stats_enabled"
    old = read(knob).strip() or "0"
    try:
        with open(knob, "w") as f:
            f.write("1")
    except OSError:
        return None
    try:
        out = os.path.join(tmp, "bpf.json")
        rc, so, se, _ = run([VMTRACE, "-v", "-j", "-o", out, "--", CHURNBENCH, "fault",
                             str(dict(PROGRAMS)["fault"])])
        x = op_line(so)
        if rc or not x:
            return None
        r = Tool.vmtrace_figures(x, out, se)
        runs = sum(int(n) for p, n in re.findall(r"prog (tp_fault_\S+)\s+(\d+) runs", se))
        return (r["bpf_ns"], runs, r["counted"]) if r.get("bpf_ns") else None
    finally:
        with open(knob, "w") as f:
            f.write(old)


# ---- the tables ----

def mib(kib):
    return "%.1f" % (kib / 1024) if kib is not None else "-"


def three(values, f):
    return " / ".join(f(v) for v in values) if values else "-"


def exact(r):
    if r.get("counted") is None or r.get("kernel") is None:
        return "-"
    d = r["counted"] - r["kernel"]
    return "%d/%d (%s)" % (r["counted"], r["kernel"], "exact" if not d else "%+d" % d)


def print_phases(results, seconds, conns, freeze):
    print("\nchurn: churnbench serve, connections at once: %d, a thread each (glibc's "
          "default stacks), 1-16 requests per connection, each a 16 KiB-1 MiB buffer "
          "mapped, written and unmapped, a fork every 16 connections; %d s per phase, "
          "a fresh server each; %s" % (
              conns, seconds, "server stopped while vmtrace attaches and stops "
              "(edges exact)" if freeze else "server left running at the edges"))
    for r in results:
        if r["why"]:
            print("  %-6s skipped: %s" % (r["label"], r["why"]))
    ok = [r for r in results if not r["why"]]
    if not ok:
        return
    rows = []

    def add(what, f):
        rows.append((what, [f(r) for r in ok]))

    def rate(r, i):
        s = r["samples"]
        dt = s[-1]["t"] - s[0]["t"]
        if i == "kernel":
            d = (s[-1]["kernel"] or 0) - (s[0]["kernel"] or 0)
        else:
            d = s[-1]["server"][i] - s[0]["server"][i]
        return d / dt if dt > 0 else 0

    add("server: threads/s, mmaps/s, forks/s",
        lambda r: "%.0f, %.0f, %.1f" % (rate(r, 0), rate(r, 2), rate(r, 3)))
    add("server: faults/s (kernel)", lambda r: "%.0f" % rate(r, "kernel"))
    add("drops", lambda r: "%s" % r["drops"] if r["drops"] is not None else "-")
    add("faults counted/kernel", exact)
    add("report lines", lambda r: "%d" % r["lines"] if r["lines"] is not None else
        "- (JSON %.0f KiB)" % r["json_kib"] if r.get("json_kib") else "-")
    add("report rows (VMAs in them)", lambda r: "%s%s" % (
        r["rows"] if r["rows"] is not None else "-",
        " (%d)" % r["vmas"] if r.get("vmas") else ""))
    add("live view lines written", lambda r: "%d" % r["live_lines"]
        if r.get("live_lines") else "-")
    add("RSS MiB start/mid/end", lambda r: three([m["rss"] for m in r["maps"]], mib))
    add("RSS MiB max while tracing",
        lambda r: mib(max(s["rss"] or 0 for s in r["samples"])))
    add("peak RSS MiB (with report)", lambda r: mib(r["hwm"]))
    add("kernel rows in use start/mid/end",
        lambda r: three([m["rows"] for m in r["maps"] if m.get("rows")],
                        lambda x: "%d" % x["used"]))
    add("  of them live / folded", lambda r: three(
        [m["rows"] for m in r["maps"] if m.get("rows")],
        lambda x: "%d/%d" % (x["live"], x["folded"])))
    add("  next_slot at end, free queue", lambda r: next(
        ("%d, %d" % (x["next_slot"], x["free"]) for x in
         [m["rows"] for m in r["maps"][-1:] if m.get("rows")]), "-"))
    add("  slots reused (kernel)", lambda r: next(
        ("%d" % x["reclaim"].get("reused", 0) for x in
         [m["rows"] for m in r["maps"][-1:] if m.get("rows")]), "-"))

    def cpu(r):
        s = [x for x in r["samples"] if x["cpu"] is not None]
        dt = s[-1]["t"] - s[0]["t"] if len(s) > 1 else 0
        return "%.0f ms/s" % (1000 * (s[-1]["cpu"] - s[0]["cpu"]) / dt) if dt > 0 else "-"

    add("vmtrace CPU while tracing", cpu)
    add("attach ms, report s after stop", lambda r: "%s, %.1f" % (
        r["attach_ms"], r.get("report_s", 0)))
    width = max(len(w) for w, _ in rows) + 2
    cols = [max(len(r["label"]), *(len(v[i]) for _, v in rows)) + 2
            for i, r in enumerate(ok)]
    print("  " + " " * width + "".join(r["label"].ljust(c) for r, c in zip(ok, cols)))
    for what, vals in rows:
        print("  " + what.ljust(width) + "".join(v.ljust(c) for v, c in zip(vals, cols)))
    for r in ok:
        for m in r["maps"]:
            x = m.get("rows")
            if x and any(x["bss_drops"].get(k) for k in ("rows", "unfolded")):
                print("  %s: kernel drops at %.0f s: %s" % (r["label"], m["t"],
                                                           x["bss_drops"]))
        if r.get("counted") != r.get("kernel") and r.get("kernel_line"):
            print("  %s, not exact: %s" % (r["label"], r["kernel_line"]))
        if r.get("maps_why"):
            print("  %s: %s" % (r["label"], r["maps_why"]))


def print_cost(got, why, rounds, bpf=None):
    print("\nchurn: the added cost of the server's operations (untraced, vmtrace -- "
          "churnbench OP N, untraced; %d rounds; medians [min, max]; in the process's "
          "CPU time, which the BPF programs run in and other processes' load hardly "
          "moves, and the added wall-clock time)" % rounds)
    if why:
        print("  skipped: %s" % why)
        return
    res, base = got
    print("  %-50s %9s  %-24s %-26s %10s  %s" % ("operation", "CPU ns", "ratio (CPU)",
                                                 "added CPU ns/op", "added wall",
                                                 "counted/kernel"))
    for name, key, wkey, what in OPS:
        got, n = res[(name, key, wkey)], dict(PROGRAMS)[name]
        if len(got) < rounds or not base[(name, key, wkey)]:
            print("  %-50s failed in some rounds" % what)
            continue
        worst = max(got, key=lambda x: abs(x["counted"] - x["kernel"]))
        print("  %-50s %9.0f  %-24s %-26s %10.0f  %d/%d" % (
            "%s (%s %d)" % (what, name, n),
            statistics.median(x["ns"] for x in base[(name, key, wkey)]),
            fmt_range(*summary([x["ratio"] for x in got]), "%.3f"),
            fmt_range(*summary([x["added"] for x in got]), "%.0f"),
            statistics.median(x["wall_added"] for x in got),
            worst["counted"], worst["kernel"]))
    if bpf:
        print("  first fault in a new VMA: %.0f ns per fault in vmtrace's fault-path "
              "programs (kernel.bpf_stats_enabled, one run: %d runs for %d faults of "
              "the workload; the others are other processes' faults)" % bpf)


def churn(seconds, rounds, conns=8, phases=None, freeze=True, cost=True, tmp=None):
    own = tmp is None
    tmp = tmp or tempfile.mkdtemp(prefix="vmtrace-churn.", dir="/var/tmp")
    try:
        if not os.path.exists(CHURNBENCH):
            print("\nchurn: skipped (%s not built: make .output/churnbench)" % CHURNBENCH)
            return
        todo = [p for p in PHASES if not phases or p[0] in phases]
        results = [run_phase(p, seconds, conns, tmp, freeze) for p in todo]
        print_phases(results, seconds, conns, freeze)
        if cost:
            got, why = cost_rounds(rounds, tmp)
            print_cost(got, why, rounds, None if why else bpf_fault_ns(tmp))
    finally:
        if own:
            subprocess.run(["rm", "-rf", tmp])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--churn-seconds", type=int, default=120,
                    help="each phase's length (default 120)")
    ap.add_argument("--churn-rounds", type=int, default=int(os.environ.get("ROUNDS", 5)))
    ap.add_argument("--conns", type=int, default=8, help="connections at once")
    ap.add_argument("--phases", help="some of live,text,json")
    ap.add_argument("--no-freeze", action="store_true",
                    help="leave the server running while vmtrace attaches and stops")
    ap.add_argument("--no-cost", action="store_true")
    args = ap.parse_args()
    uname = os.uname()
    print("vmtrace churn bench, %s, kernel %s, %d CPUs; load average at start: %s" % (
        time.strftime("%Y-%m-%d %H:%M"), uname.release, os.cpu_count(),
        " ".join(read("/proc/loadavg").split()[:3])))
    churn(args.churn_seconds, args.churn_rounds, args.conns,
          args.phases.split(",") if args.phases else None, not args.no_freeze,
          not args.no_cost)
    print("load average at end: %s" % " ".join(read("/proc/loadavg").split()[:3]))


if __name__ == "__main__":
    main()
