# SPDX-License-Identifier: GPL-2.0
"""
vmtrace --code against a peer on the same run: the functions whose
instructions faulted, as perf names them.

perf recorded every page fault of the run (`page-faults`, `-c 1`) with the
user instruction it was taken at; `perf script` symbolizes those with perf's
own symbol reader, which shares no code with vmtrace's (elfutils' libdwfl).
For the command's process, after its exec, perf's samples in user-space
code are counted per (module, function); the functions perf names most must
be named by vmtrace with the same counts (its `faults` less `kernel`: a fault
taken in kernel mode has a kernel instruction in perf's sample, and vmtrace
files it under the system call's user caller instead), so the two rankings
agree. Code perf cannot name ([unknown]: stripped, no .dynsym entry) is
left out on both sides.
"""
import collections
import os
import re
import subprocess

from compare import Check

TOP = 10	# perf's busiest named functions, each checked
SAMPLE = re.compile(r'^\s*(?P<comm>.+?)\s+(?P<event>[\w:-]+):\s+(?P<ip>[0-9a-f]+)\s+'
                    r'(?P<sym>\S+)\s+\((?P<dso>[^)]*)\)\s*$')


def perf_functions(data, pid, comm):
    """Counter of (module, function) for pid's user-mode page-faults samples
    taken while it was comm (after its exec), by perf's symbolization."""
    out = subprocess.run(['perf', 'script', '-i', data, '--pid', str(pid),
                          '-F', 'comm,event,ip,sym,dso'],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, errors='replace', check=True).stdout
    counts = collections.Counter()
    for line in out.splitlines():
        m = SAMPLE.match(line)
        if not m or m['event'] != 'page-faults' or m['comm'] != comm:
            continue
        if m['sym'] == '[unknown]' or m['dso'].startswith('['):
            continue	# unnamed, or a kernel instruction (a kernel-mode fault)
        counts[(os.path.basename(m['dso']), m['sym'])] += 1
    return counts


def vmtrace_functions(report):
    """Counter of (module, function) of the report's user-mode faults by code."""
    counts = collections.Counter()
    for f in report.get('code', {}).get('functions', []):
        if f['symbolized']:
            counts[(f['module'], f['function'])] += f['faults'] - f['kernel']
    return counts


def check_code(name, data, report, pid, comm, allowance):
    """perf's TOP named functions, each with vmtrace's count for it; vmtrace
    may fall short by what its report says it missed (allowance), no more."""
    theirs = perf_functions(data, pid, comm)
    ours = vmtrace_functions(report)
    top = theirs.most_common(TOP)
    details = ['%s %s: perf %d, vmtrace %d' % (mod, fn, n, ours.get((mod, fn), 0))
               for (mod, fn), n in top
               if not n - allowance <= ours.get((mod, fn), 0) <= n]
    if not top:
        return Check('%s code' % name, False, 'perf named no function of %s (pid %d)'
                     % (comm, pid))
    summary = ('perf\'s %d busiest named functions of %s (%d of its %d named user-mode '
               'faults; first %s %s %d) %s in vmtrace --code'
               % (len(top), comm, sum(n for _, n in top), sum(theirs.values()),
                  top[0][0][0], top[0][0][1], top[0][1],
                  'all counted the same' if not details else
                  '%d counted differently' % len(details)))
    return Check('%s code' % name, not details, summary, details)
