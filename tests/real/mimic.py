#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
A diagnostic, not a check: vmtrace's row *implementation* replayed on the
oracle's address spaces, to tell a mismatch of check (c) that vmtrace's
logic explains from one its logic cannot (a race, a failed lookup).

    tests/real/mimic.py WORK/PROGRAM [--fixed] [PID ADDRESS]

It follows bpf/rows.bpf.h and bpf/syscalls.bpf.h as they are: rows are
checked only at faults (vma_row()) and at the exit of the VMA calls, at the
edges of changed_range() (refresh_range(): s-1, s, e-1, e; for mremap the new
range only); munmap, mremap's [addr, addr+old_len) and MAP_FIXED retire the
rows anchored inside as unmapped (note_doomed()/retire_doomed()), an
in-place mremap too. Every bpf_find_vma() succeeds here. Its rows go through
compare.check_rows() against vmtrace's JSON: what is still wrong is what the
implementation's rules do not explain. With --fixed, two changes the model
(oracle.SimRow) assumes: an in-place mremap keeps its VMA's row (refreshed,
not doomed), and a move also refreshes the old range's edges; the rows are
then compared with the model's instead (all equal means the model is the
implementation plus those two changes, on this recording). With PID ADDRESS,
the mimic's rows holding the address, with their histories.
"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import oracle as om  # noqa: E402
from oracle import PAGE, AddressSpace, page_down, page_up, MAP_FIXED  # noqa: E402

COUNTED = ('mmap', 'munmap', 'brk', 'mprotect', 'mremap')
OTHER = ('mlock', 'munlock', 'mlock2', 'pkey_mprotect', 'madvise')
KEEPS_VMAS = (3, 4, 8, 9, 20, 21, 22, 23)	# advice_keeps_vmas()
DOOMED_MAX = 64


class Mimic(om.Oracle):
    fixed = False

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.doomed = {}
        self.old_brk = {}

    def _vma_change(self, a, lo, hi, cause):
        pass	# the implementation looks only at the edges of changed_range()

    def on_sys_enter(self, r, name):
        super().on_sys_enter(r, name)
        p = self.procs.get(r.pid)
        if p is None or not p.traced:
            return
        f = r.fields
        rng = None
        if name == 'munmap':
            rng = (f['addr'], f['addr'] + f['len'])
        elif name == 'mremap':
            rng = (f['addr'], f['addr'] + f['old_len'])
        elif name == 'mmap' and f['flags'] & MAP_FIXED:
            rng = (f['addr'], f['addr'] + f['len'])
        doomed = []
        if rng:		# note_doomed()
            s, e = rng
            q = page_down(s)
            for _ in range(DOOMED_MAX):
                if q >= e:
                    break
                v = p.aspace.find(q)
                if v is None:
                    q += PAGE
                    continue
                if (v.end <= e) if v.stack else (v.start >= s):
                    doomed.append(v.end if v.stack else v.start)
                q = v.end
        self.doomed[r.tid] = doomed
        if name == 'brk':
            self.old_brk[r.tid] = p.aspace.brk

    def on_sys_exit(self, r, name):
        ent = self.syscall_args.get(r.tid)
        in_place = False
        if self.fixed and name == 'mremap' and ent and ent[0] == 'mremap':
            in_place = r.fields['ret'] == page_down(ent[1]['addr'])
            if in_place:
                self.doomed[r.tid] = []
        super().on_sys_exit(r, name)
        p = self.procs.get(r.pid)
        if p is None or not p.traced or ent is None or ent[0] != name:
            return
        f, ret = ent[1], r.fields['ret']
        why = '%s(%s) = %x by tid %d' % (name, ', '.join(
            '%x' % v for k, v in f.items() if k != '__syscall_nr'), ret & (2 ** 64 - 1), r.tid)
        if name in OTHER:
            if (name == 'madvise' and f['behavior'] in KEEPS_VMAS) or ret != 0:
                return
            s = f.get('start', f.get('addr'))
            self.refresh_range(p, s, s + f.get('len', f.get('len_in', 0)), why)
            return
        if name not in COUNTED:
            return
        if name == 'brk':
            old = self.old_brk.get(r.tid)
            if not f['brk'] or ret != f['brk'] or old is None or ret == old:
                return
            s, e = min(ret, old), max(ret, old)
        elif name in ('mmap', 'mremap'):
            if ret < 0:
                return
            s, e = ret, ret + (f['len'] if name == 'mmap' else f['new_len'])
        else:
            if ret != 0:
                return
            s = f.get('start', f.get('addr'))
            e = s + f['len']
        for anchor in self.doomed.get(r.tid, []):	# retire_doomed()
            row = p.rows.get(anchor)
            if row is not None:
                self._retire(p, row, 'unmapped', AddressSpace.now, 'doomed by ' + why)
        self.refresh_range(p, s, e, why)
        if self.fixed and name == 'mremap':
            self.refresh_range(p, f['addr'], f['addr'] + max(f['old_len'], f['new_len']),
                               why + ' (old range)')

    def refresh_range(self, p, s, e, why):
        s, e = page_down(s), page_up(e)
        if e <= s:
            return
        self.refresh_at(p, s - 1, False, why)
        self.refresh_at(p, s, True, why)
        self.refresh_at(p, e - 1, False, why)
        self.refresh_at(p, e, True, why)

    def refresh_at(self, p, q, boundary, why):
        t = AddressSpace.now
        row_p = p.rows.get(q) if boundary else None
        w = p.aspace.find(q)
        if w is None:
            if row_p is not None and not row_p.down:
                self._retire(p, row_p, 'unmapped', t, 'refresh at %x: no VMA (%s)' % (q, why))
            return
        a = w.end if w.stack else w.start
        if row_p is not None and a != q:	# reanchor()
            if a not in p.rows:
                del p.rows[q]
                row_p.anchor = a
                p.rows[a] = row_p
                row_p.history.append((t, 'reanchored %x -> %x (%s)' % (q, a, why)))
            else:
                self._retire(p, row_p, 'changed', t, 'merged at %x (%s)' % (a, why))
        row = p.rows.get(a)
        if row is None:
            return
        if not row.same_object(w):
            self._retire(p, row, 'unmapped', t, 'refresh at %x: another file (%s)' % (q, why))
        elif not row.holds(w):
            self._retire(p, row, 'changed', t, 'refresh at %x: now %s (%s)' % (
                q, w.short(), why))
        elif (w.start, w.end) != (row.start, row.end):
            row.history.append((t, 'grew to %x-%x (refresh at %x, %s)' % (
                w.start, w.end, q, why)))
            row.start, row.end = w.start, w.end

    def _fault_row(self, p, f, v, t):
        """vma_row(): the row under the anchor while row_holds(), no lineage."""
        anchor = v.end if v.stack else v.start
        row = p.rows.get(anchor)
        if row is not None and not row.holds(v):
            self._retire(p, row, 'changed' if row.same_object(v) else 'unmapped', t,
                         'a fault finds %s' % v.short())
            row = None
        if row is None:
            row = om.SimRow(p.pid, f.image, v, anchor, t)
            p.rows[anchor] = row
            f.image.rows.append(row)
        elif (v.start, v.end) != (row.start, row.end):
            row.history.append((t, 'grew to %x-%x: a fault' % (v.start, v.end)))
            row.start, row.end = v.start, v.end
        row.faults.append(f)
        f.row = row


def main():
    args = [a for a in sys.argv[1:] if a != '--fixed']
    if len(args) not in (1, 3):
        print(__doc__.strip())
        return 2
    d = args[0]
    name = os.path.basename(d.rstrip('/'))
    Mimic.fixed = '--fixed' in sys.argv
    mim = Mimic(os.path.join(d, 'perf.data')).run()
    bad = 0
    if Mimic.fixed:
        model = om.Oracle(os.path.join(d, 'perf.data')).run()
        for pid, p in sorted(model.procs.items()):
            for img, mimg in zip(p.images, mim.procs[pid].images):
                a = {(e.mkey, e.vmas, tuple(sorted(e.c.items())))
                     for e in compare.expected_rows(compare.ImageView([img]))}
                b = {(e.mkey, e.vmas, tuple(sorted(e.c.items())))
                     for e in compare.expected_rows(compare.ImageView([mimg]))}
                for x in sorted(a - b, key=str):
                    bad += 1
                    print('pid %d image %d: model only: %s x%d VMAs' % (pid, img.index, x[0], x[1]))
                for x in sorted(b - a, key=str):
                    bad += 1
                    print('pid %d image %d: mimic only: %s x%d VMAs' % (pid, img.index, x[0], x[1]))
        print('%s: the fixed mimic and the model %s' % (name, 'differ' if bad else 'agree'))
    else:
        with open(os.path.join(d, 'out.json')) as f:
            rep = json.load(f)
        for c in compare.compare(mim, rep, name):
            if c.name.endswith(' rows'):
                bad += not c.ok
                print('%-5s %s: %s' % ('PASS' if c.ok else 'FAIL', c.name, c.summary))
                for x in c.details:
                    print('        ' + x)
    if len(args) == 3:
        pid, addr = int(args[1]), int(args[2], 16)
        for img in mim.procs[pid].images:
            for r in img.rows:
                if r.start <= addr < r.end:
                    print('mimic image %d: %r\n%s' % (img.index, r, '\n'.join(
                        '%12s%+9.4fs %s' % ('', (t - img.start_t) / 1e9, w)
                        for t, w in r.history)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
