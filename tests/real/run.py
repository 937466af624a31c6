#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
The real-programs tier: vmtrace's per-VMA rows on programs from Debian's
packages, against a per-fault oracle recorded by perf in the same run.

    perf record -e <fault tracepoints, fault software events, VMA system calls,
                    exec, task_newtask> -c 1 -d -- vmtrace -j -o out.json -- CMD

Every program's checks print one line each (details, one mismatch a line,
indented under it), then a Check-style summary line. See README.md.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True	# no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import codecheck  # noqa: E402
import compare  # noqa: E402
import oracle  # noqa: E402
import perfdata  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
MARKER_LEN = 0x7a3c1000		# churn.py's marker munmap() length
SYSCALLS = ('mmap', 'munmap', 'mprotect', 'pkey_mprotect', 'mremap', 'brk', 'madvise',
            'mlock', 'mlock2', 'munlock', 'mlockall', 'munlockall', 'prctl')
# Debian's own binaries, never a shim earlier in PATH (pyenv, ccache, ...)
PATH = '/usr/sbin:/usr/bin:/sbin:/bin'

HELLO_C = '#include <stdio.h>\n\nint main(void)\n{\n\tputs("hello");\n\treturn 0;\n}\n'


def perf_events():
    ev = ['exceptions:page_fault_user', 'exceptions:page_fault_kernel', 'page-faults',
          'minor-faults', 'major-faults', 'sched:sched_process_exec', 'task:task_newtask']
    base = os.path.join(perfdata.tracefs_dir(), 'events', 'syscalls')
    for s in SYSCALLS:
        for kind in ('enter', 'exit'):
            if os.path.isdir(os.path.join(base, 'sys_%s_%s' % (kind, s))):
                ev.append('syscalls:sys_%s_%s' % (kind, s))
    out = []
    for e in ev:
        out += ['-e', e]
    return out


def git_repo(work):
    """A small repository, the same every run: fixed names, dates and contents."""
    repo = os.path.join(work, 'repo')
    shutil.rmtree(repo, ignore_errors=True)
    env = dict(os.environ, PATH=PATH, HOME=work, GIT_CONFIG_NOSYSTEM='1',
               GIT_AUTHOR_NAME='T', GIT_AUTHOR_EMAIL='t@example.org',
               GIT_COMMITTER_NAME='T', GIT_COMMITTER_EMAIL='t@example.org')
    subprocess.run(['git', 'init', '-q', '-b', 'main', repo], env=env, check=True)
    for i in range(12):
        for j in range(6):
            with open(os.path.join(repo, 'f%d.txt' % j), 'a') as f:
                f.write(''.join('line %d of commit %d in file %d\n' % (k, i, j)
                                for k in range(40 + 7 * i)))
        date = '2024-01-%02dT12:00:00Z' % (i + 1)
        subprocess.run(['git', '-C', repo, 'add', '-A'], env=env, check=True)
        subprocess.run(['git', '-C', repo, 'commit', '-q', '-m', 'commit %d' % i],
                       env=dict(env, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date),
                       check=True)
    return repo


def xz_input(work):
    """4 MiB that compress a little (text with pseudo-random words), always the same."""
    path = os.path.join(work, 'xz.in')
    words = [b'page', b'fault', b'vma', b'split', b'merge', b'heap', b'stack', b'anon',
             b'file', b'mremap', b'munmap', b'mprotect', b'brk', b'thread']
    x = 12345
    out = bytearray()
    while len(out) < 4 << 20:
        x = (x * 1103515245 + 12345) & 0x7fffffff
        out += words[x % len(words)] + (b'\n' if x & 0x100 else b' ')
        out += b'%d ' % (x & 0xfff)
    with open(path, 'wb') as f:
        f.write(out)
    return path


def hello_c(work):
    path = os.path.join(work, 'hello.c')
    with open(path, 'w') as f:
        f.write(HELLO_C)
    return path


# A database server's forked backends: shared buffers in anonymous shared memory
# (/dev/zero), futexes on it, a backend forked per connection, background
# workers, every process exiting at a fast shutdown. The cluster is made
# outside the trace; the trace is start, 4 clients x 150 transactions, stop.
PG_SCRIPT = r'''
set -e
B=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1); D=$1
as_pg() { runuser -u postgres -- "$@"; }
as_pg "$B/pg_ctl" -D "$D/data" -l "$D/server.log" -w start \
    -o "-k $D -c listen_addresses= -c shared_buffers=16MB -c max_connections=10" >/dev/null
as_pg "$B/pgbench" -h "$D" -n -c 4 -t 150 postgres >/dev/null
as_pg "$B/pg_ctl" -D "$D/data" -m fast -w stop >/dev/null
'''


def pg_cluster(work):
    """A fresh cluster with pgbench's tables (scale 1) in work/pg, owned by postgres."""
    d = os.path.join(work, 'pg')
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    os.chmod(work, 0o755)	# postgres must reach its directory
    shutil.chown(d, 'postgres', 'postgres')
    bindir = sorted(glob.glob('/usr/lib/postgresql/*/bin'))[-1]
    env = dict(PATH=PATH, LANG='C.UTF-8', LC_ALL='C.UTF-8')

    def as_pg(*argv):
        subprocess.run(['runuser', '-u', 'postgres', '--'] + list(argv), check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=d)
    as_pg(os.path.join(bindir, 'initdb'), '-D', os.path.join(d, 'data'), '-A', 'trust')
    opts = '-k %s -c listen_addresses=' % d
    as_pg(os.path.join(bindir, 'pg_ctl'), '-D', os.path.join(d, 'data'), '-w', '-o', opts,
          '-l', os.path.join(d, 'server.log'), 'start')
    try:
        as_pg(os.path.join(bindir, 'pgbench'), '-h', d, '-i', '-q', '-s', '1', 'postgres')
    finally:
        as_pg(os.path.join(bindir, 'pg_ctl'), '-D', os.path.join(d, 'data'), '-w', 'stop')
    return ['/bin/sh', '-c', PG_SCRIPT, 'sh', d]


def programs(work):
    """(name, a function that prepares the program's files and returns its argv),
    in the order they run."""
    return [
        ('python-import', lambda: ['/usr/bin/python3', '-c', 'import json, email.parser']),
        ('gcc', lambda: ['/usr/bin/gcc', '-O2', '-c', hello_c(work), '-o',
                         os.path.join(work, 'hello.o')]),
        ('git', lambda: ['/usr/bin/git', '-C', git_repo(work), 'gc', '--quiet']),
        ('sh', lambda: ['/bin/sh', '-c', 'ls /usr/bin >/dev/null; cat /etc/os-release '
                        '>/dev/null']),
        ('python-threads', lambda: ['/usr/bin/python3', os.path.join(HERE, 'churn.py'), work,
                                    os.path.join(work, 'python-threads', 'maps')]),
        ('xz-threads', lambda: ['/usr/bin/xz', '-T2', '--block-size=1MiB', '-6', '-c',
                                xz_input(work)]),
        ('postgres', lambda: pg_cluster(work)),
    ]


class Result:
    def __init__(self):
        self.checks = 0
        self.failures = 0
        self.errors = 0

    def line(self, status, name, summary, details=()):
        self.checks += 1
        if status == 'FAIL':
            self.failures += 1
        elif status == 'ERROR':
            self.errors += 1
        print('%-5s %s: %s' % (status, name, summary))
        for d in details:
            print('        %s' % d)
        sys.stdout.flush()


# Programs traced with --code too: their functions are checked against perf's.
CODE_CHECKED = ('python-import',)


def code_allowance(report):
    """Faults vmtrace says it could not see or file: its drops (the skipped
    program runs among them) and the faults the code map had no room for."""
    return report.get('drops', 0) + report['code'].get('drops', 0)


def run_program(name, argv, work, vmtrace, res, keep):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    data, report, log = (os.path.join(d, x) for x in ('perf.data', 'out.json', 'log'))
    env = dict(LANG='C.UTF-8', LC_ALL='C.UTF-8', PATH=PATH, HOME=work, TERM='dumb',
               GIT_CONFIG_NOSYSTEM='1', PYTHONDONTWRITEBYTECODE='1')
    cmd = ['perf', 'record', '-q', '-c', '1', '-d', '-m', '4096', '-o', data] + \
        perf_events() + ['--', vmtrace, '-j', '-o', report] + \
        (['--code'] if name in CODE_CHECKED else []) + ['--'] + argv
    for attempt in range(2):
        t0 = time.time()
        with open(log, 'w') as lf:
            rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=lf, env=env,
                                cwd=work).returncode
        took = time.time() - t0
        if rc != 0 or not os.path.exists(report):
            tail = open(log).read().strip().splitlines()[-5:]
            res.line('ERROR', '%s run' % name, 'perf record -- vmtrace -- %s: exit %d' %
                     (' '.join(argv), rc), tail)
            return
        try:
            t1 = time.time()
            orc = oracle.Oracle(data, marker_len=MARKER_LEN).run()
            with open(report) as f:
                rep = json.load(f)
        except (perfdata.PerfDataError, OSError, ValueError) as e:
            res.line('ERROR', '%s oracle' % name, str(e))
            return
        p = orc.perf
        if (p.lost or p.lost_samples or p.throttled) and attempt == 0:
            continue	# once more: a loss is the machine's, not vmtrace's
        break
    events = sum(orc.stats[k] for k in orc.stats if k == 'MMAP2 events')
    nfaults = sum(len(i.faults) for pr in orc.procs.values() for i in pr.images)
    health = ('%d fault events of %d traced processes, %d MMAP2, %d munmap, %d mremap, '
              '%d brk shrinks, %d inferred merges, %d stack growths, '
              '%d faults racing a VMA change, %d model rows, %d retired at a fault; '
              'lost %d, throttled %d; '
              'run %.1f s, analysis %.1f s' % (
                  nfaults, sum(1 for pr in orc.procs.values() if pr.images), events,
                  orc.stats['munmaps'], orc.stats['mremaps'], orc.stats['brk shrinks'],
                  orc.stats['inferred merges'], orc.stats['stack growths'],
                  orc.stats['ambiguous faults'],
                  sum(len(i.rows) for pr in orc.procs.values() for i in pr.images),
                  orc.stats['rows retired at a fault'], p.lost + p.lost_samples,
                  p.throttled, took, time.time() - t1))
    problems = []
    if p.lost or p.lost_samples:
        problems.append('perf lost %d records and %d samples: the oracle is incomplete'
                        % (p.lost, p.lost_samples))
    if p.throttled:
        problems.append('perf throttled %d times: the oracle is incomplete' % p.throttled)
    if orc.target_pid is None:
        problems.append('no traced command found in the recording')
    problems += orc.warnings
    for k in ('mprotect without MMAP2 (model fixed up)',
              'accounting events without a pending fault'):
        if orc.stats[k]:
            problems.append('%s: %d' % (k, orc.stats[k]))
    res.line('ERROR' if problems else 'PASS', '%s oracle' % name, health, problems)
    if orc.target_pid is None:
        return
    try:
        checks = list(compare.compare(orc, rep, name))
    except (KeyError, TypeError, ValueError) as e:	# a report it cannot read
        res.line('ERROR', '%s compare' % name, 'cannot read vmtrace\'s report: %r' % e)
        return
    for c in checks:
        res.line('PASS' if c.ok else 'FAIL', c.name, c.summary, c.details)
    if orc.maps_marks:
        c = compare.check_snapshots(name, orc, os.path.join(d, 'maps'))
        res.line('PASS' if c.ok else 'FAIL', c.name, c.summary, c.details)
    if name in CODE_CHECKED:
        c = codecheck.check_code(name, data, rep, orc.target_pid,
                                 os.path.basename(argv[0])[:15], code_allowance(rep))
        res.line('PASS' if c.ok else 'FAIL', c.name, c.summary, c.details)
    if not keep:
        os.unlink(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument('--vmtrace', default=os.path.join(ROOT, '.output', 'vmtrace'))
    ap.add_argument('--work', help='work directory (default: a new one in /tmp, removed)')
    ap.add_argument('--keep', action='store_true', help='keep perf.data and the work directory')
    ap.add_argument('--only', action='append', help='run only this program (repeatable)')
    ap.add_argument('--list', action='store_true', help='list the programs')
    args = ap.parse_args()
    work = os.path.abspath(args.work) if args.work else None
    if work:
        os.makedirs(work, exist_ok=True)
    else:
        import tempfile
        work = tempfile.mkdtemp(prefix='vmtrace-real.')
    progs = programs(work)
    if args.list:
        print('\n'.join(n for n, _ in progs))
        return 0
    res = Result()
    t0 = time.time()
    try:
        for name, argv in progs:
            if args.only and name not in args.only:
                continue
            try:
                run_program(name, argv(), work, os.path.abspath(args.vmtrace), res, args.keep)
            except subprocess.CalledProcessError as e:
                res.line('ERROR', '%s setup' % name, str(e))
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    passed = res.checks - res.failures - res.errors
    print('real: %d programs in %.0f s%s' % (len(args.only or progs), time.time() - t0,
                                             ', work directory kept: ' + work if args.keep
                                             else ''))
    print('%d%%: Checks: %d, Failures: %d, Errors: %d' % (
        100 * passed // max(res.checks, 1), res.checks, res.failures, res.errors))
    return 0 if res.checks and not res.failures and not res.errors else 1


if __name__ == '__main__':
    sys.exit(main())
