#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
The history of one address in a recording that tests/real kept (--keep):
every change of the VMA there, as the oracle replays it, with the faults
taken in it between changes; the model's rows (oracle.SimRow) whose extent
holds the address, with their histories; and the vmtrace rows that hold it.

    tests/real/explain.py WORK/PROGRAM PID ADDRESS
    e.g. tests/real/explain.py /tmp/r/python-import 27257 7fac79596000
"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import oracle  # noqa: E402


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip())
        return 2
    d, pid, addr = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 16)
    orc = oracle.Oracle(os.path.join(d, 'perf.data'))
    orc.watch = (pid, addr)
    orc.run()
    p = orc.procs.get(pid)
    t0 = p.images[0].start_t if p and p.images else 0
    faults = 0
    last = None

    def flush():
        if faults:
            print('        %d fault(s) in %s' % (faults, compare.fmt_okey(last[0], {last[0]: last[1]})
                                               if last else '(no VMA)'))

    for ent in orc.watch_log:
        t = (ent[0] - t0) / 1e9
        if ent[1] == 'fault':
            if last != ent[4]:
                flush()
                faults = 0
                last = ent[4]
            faults += 1
            continue
        flush()
        faults = 0
        _, _, what, tid, after, info = ent
        if isinstance(info, dict) and 'filename' in info:
            info = '%x+%x %s %s' % (info['start'], info['len'],
                                     oracle.perms_of(info['prot'], info['flags']), info['filename'])
        elif info:
            info = '%s(%s)' % (info[0], ', '.join(
                ('%s=%d' % (k, v) if k == 'ret' and v < 0 else '%s=%x' % (k, v))
                if isinstance(v, int) else '%s=%s' % (k, v)
                for k, v in info[1].items() if k != '__syscall_nr'))
        print('%+9.4fs tid %-7d %-16s %s\n%12s-> %s' % (
            t, tid, what if what != 'mmap2' else 'MMAP2', info or '', '', compare.fmt_okey(after[0], {after[0]: after[1]})
            if after else '(no VMA)'))
        last = after
    flush()
    if p:
        for img in p.images:
            for r in img.rows:
                if r.start <= addr < r.end:
                    print('model image %d (%s): row %x-%x %s %s (%s): %d faults\n%s' % (
                        img.index, img.comm, r.start, r.end, r.perms, r.name, r.state,
                        len(r.faults), '\n'.join('%12s%+9.4fs %s' % ('', (t - t0) / 1e9, w)
                                                 for t, w in r.history)))
    rep = os.path.join(d, 'out.json')
    if os.path.exists(rep):
        vm = compare.load_vmtrace(json.load(open(rep)))
        for img in (vm.get(pid) or {}).get('images', []):
            for r in img.rows:
                if r.start <= addr < r.end:
                    print('vmtrace image %d (%s): row %s: %d faults' % (
                        img.index, img.command, r.desc(), r.c['faults']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
