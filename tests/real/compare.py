# SPDX-License-Identifier: GPL-2.0
"""
vmtrace's JSON report against the oracle, per process and exec image:

 (a) totals   vmtrace's faults, major and errors against the oracle's fault
              events; fault events the kernel never handled (page faults
              disabled) are expected in no counter but a separate one.
 (b) place    every fault the oracle has lies inside [start, end) of a
              vmtrace row with the same file and the permissions its VMA
              had when it faulted.
 (c) rows     every row exact: oracle faults grouped by the VMA in force
              (extent, permissions, file, offset) against vmtrace's rows
              with that key; a row may hold several such VMAs (a heap that
              grew, a stack, pieces merged) when its extent and identity
              contain each of them, and its own key is a VMA that existed.
 (d) labels   rows with a true extent named as the kernel or the ELF file
              says: [heap], [stack], [bss] / [bss:NAME] (PT_LOAD memsz past
              filesz), and no such label elsewhere.
"""
import collections
import struct

import oracle as om

COUNTERS = ('faults', 'minor', 'major', 'read', 'write', 'exec', 'wp', 'errors', 'kernel_mode')
# A separate vmtrace counter for fault events the kernel never handled, if it
# gains one (issue 11, item 6): the first of these names that a row has.
UNACCOUNTED_KEYS = ('unaccounted', 'pagefault_disabled', 'not_accounted', 'disabled')
PSEUDO = ('[no vma]', '[unresolved]', '[overflow]')
MAX_IMAGES = 4	# VMT_MAX_IMAGES: later execs share vmtrace's last image


def fmt_key(k):
    if k is None:
        return '(no VMA)'
    start, end, perms, ident, pgoff = k
    what = ident[1] if len(ident) > 1 else '[%s]' % ident[0]
    if ident[0] == 'file':
        what = '%s @%x' % (what.rsplit('/', 1)[-1], pgoff)
    return '%x-%x %s %s (%s)' % (start, end, perms, what, size_str(end - start))


def size_str(n):
    for unit in ('B', 'KiB', 'MiB', 'GiB'):
        if n < 1024 or unit == 'GiB':
            return ('%d %s' % (n, unit)) if n == int(n) else ('%.1f %s' % (n, unit))
        n /= 1024.0


def counters_of_faults(faults):
    c = collections.Counter()
    for f in faults:
        if f.status == 'disabled':
            c['disabled'] += 1
            continue
        c['faults'] += 1
        c[f.access()] += 1
        if f.status == 'error':
            c['errors'] += 1
        elif f.wp():
            c['wp'] += 1
        if f.status == 'major':
            c['major'] += 1
        if not f.user:
            c['kernel_mode'] += 1
    c['minor'] = c['faults'] - c['major'] - c['errors']
    return c


def diff_str(vc, oc, keys=COUNTERS):
    parts = ['%s %d/%d' % (k, vc.get(k, 0), oc.get(k, 0)) for k in keys
             if vc.get(k, 0) != oc.get(k, 0)]
    return ', '.join(parts) if parts else 'equal'


class Row:
    def __init__(self, j):
        self.start = int(j['start'], 16)
        self.end = int(j['end'], 16)
        self.perms = j['perms']
        self.label = j['label']
        self.path = j.get('path')
        self.offset = j.get('offset') or 0
        self.unmapped = j.get('unmapped', False)
        self.c = {k: j.get(k, 0) or 0 for k in COUNTERS}
        self.unaccounted = next((j[k] for k in UNACCOUNTED_KEYS if k in j), None)
        if self.label in PSEUDO:
            self.ident = ('pseudo', self.label)
        elif self.path:
            self.ident = ('file', self.path)
        elif self.label in om.SPECIAL_NAMES:
            self.ident = ('special', self.label)
        elif self.label == '[anon:shared]':
            self.ident = ('anon:shared',)
        else:
            self.ident = ('anon',)

    def key(self):
        if self.ident[0] == 'pseudo':
            return ('pseudo', self.label)
        return (self.start, self.end, self.perms, self.ident,
                self.offset if self.ident[0] == 'file' else None)

    def desc(self):
        what = self.label if not self.path else self.path.rsplit('/', 1)[-1]
        off = ' @%x' % self.offset if self.ident[0] == 'file' else ''
        return '%x-%x %s %s%s%s' % (self.start, self.end, self.perms, what, off,
                                    ' (unmapped)' if self.unmapped else '')


class VImage:
    def __init__(self, pid, index, j):
        self.pid, self.index = pid, index
        self.command = j.get('command', '?')
        self.rows = [Row(v) for v in j.get('vmas', [])]
        self.totals = j.get('totals', {})


def load_vmtrace(report):
    """pid -> {'images': [VImage], 'faults', 'major', 'errors', 'kernel'}"""
    out = {}
    procs = (report.get('processes') or {}).get('list')
    if procs is None:
        procs = [{'pid': report['pid'], 'images': [report], 'faults': report['totals']['faults'],
                  'major': report['totals']['major'], 'errors': report['totals']['errors'],
                  'kernel': report.get('kernel')}]
    for p in procs:
        out[p['pid']] = dict(images=[VImage(p['pid'], i, img) for i, img in
                                     enumerate(p['images'])],
                             faults=p['faults'], major=p['major'], errors=p['errors'],
                             kernel=p.get('kernel'), unaccounted=None)
        for k in UNACCOUNTED_KEYS:
            tot = sum((img.get('totals') or {}).get(k, 0) or 0 for img in p['images'])
            if any(k in (img.get('totals') or {}) for img in p['images']):
                out[p['pid']]['unaccounted'] = tot
                break
    return out


class Check:
    def __init__(self, name, ok, summary, details=()):
        self.name, self.ok, self.summary, self.details = name, ok, summary, list(details)


def rel(t, t0):
    return '+%.3fs' % ((t - t0) / 1e9)


def check_totals(label, oimgs, vproc):
    faults = [f for img in oimgs for f in img.faults]
    oc = counters_of_faults(faults)
    disabled = oc.get('disabled', 0)
    vc = {'faults': vproc['faults'], 'major': vproc['major'], 'errors': vproc['errors']}
    details = []
    ok = True
    for k in ('faults', 'major', 'errors'):
        if vc[k] != oc.get(k, 0):
            ok = False
            why = ''
            if k == 'faults' and vc[k] - oc.get(k, 0) == disabled:
                why = (': vmtrace counts the %d fault events the kernel never handled '
                       '(page faults disabled: no handle_mm_fault(), no minflt) as faults'
                       % disabled)
            elif k == 'faults':
                why = ': %+d' % (vc[k] - oc.get(k, 0))
            details.append('%s: vmtrace %d, oracle %d%s' % (k, vc[k], oc.get(k, 0), why))
    if vproc.get('unaccounted') is not None and vproc['unaccounted'] != disabled:
        ok = False
        details.append('unaccounted: vmtrace %d, oracle %d' % (vproc['unaccounted'], disabled))
    kern = vproc.get('kernel') or {}
    accounted = oc.get('minor', 0) + oc.get('major', 0)
    info = ('faults %d, major %d, errors %d; oracle %d (+%d never handled: page faults '
            'disabled), kernel minflt+majflt %s, oracle accounted %d' %
            (vc['faults'], vc['major'], vc['errors'], oc.get('faults', 0), disabled,
             (kern.get('minflt', 0) + kern.get('majflt', 0)) if kern else '?', accounted))
    return Check('%s totals' % label, ok, info, details)


def row_matches_fault(r, f):
    return r.start <= f.addr < r.end and r.perms == f.key[2] and r.ident == f.key[3]


def fmt_okey(k, names):
    """An oracle VMA key, named as the kernel names it ([heap], a file)."""
    if k is None or k[0] == 'pseudo':
        return '(no VMA)'
    start, end, perms, ident, pgoff = k
    what = names.get(k) or (ident[1] if len(ident) > 1 else '[%s]' % ident[0])
    if ident[0] == 'file':
        what = '%s @%x' % (what.rsplit('/', 1)[-1], pgoff)
    return '%x-%x %s %s (%s)' % (start, end, perms, what, size_str(end - start))


def lineage_groups(keys, glin):
    """Oracle VMA keys gathered by lineage (one VMA over time), perms and file."""
    out = collections.OrderedDict()
    for k in sorted(keys, key=lambda k: (k[0], k[1]) if k and k[0] != 'pseudo' else (0, 0)):
        if k is None or k[0] == 'pseudo':
            g = ('pseudo',)
        else:
            g = (min(om.LINEAGE.find(x) for x in glin[k]) if glin.get(k) else k, k[2], k[3])
        out.setdefault(g, []).append(k)
    return list(out.values())


def span(keys, names):
    """Extents of one VMA over time, smallest start first."""
    if len(keys) <= 3:
        return ', '.join(fmt_okey(k, names) for k in keys)
    big = max(keys, key=lambda k: (k[1] - k[0], k[0]))
    return '%d extents of one VMA over time, %s ... %s, largest %s' % (
        len(keys), fmt_okey(keys[0], names), fmt_okey(keys[-1], names), fmt_okey(big, names))


class ImageView:
    """The oracle's faults of one vmtrace image (vmtrace keeps at most 4 images
    per process: later execs share the last one)."""

    def __init__(self, oimgs):
        self.faults = [f for i in oimgs for f in i.faults]
        self.start_t = oimgs[0].start_t
        self.comm = ' > '.join(i.comm for i in oimgs)
        self.history = {}
        self.names = {}
        self.exe = oimgs[0].exe
        for i in oimgs:
            if i.aspace is None:
                continue
            for k, lins in i.aspace.history.items():
                self.history.setdefault(k, set()).update(lins)
            self.names.update(i.aspace.names)


def check_place(label, oimg, vimg):
    """(b): each fault inside a row of its file and its permissions then."""
    rows = sorted(vimg.rows, key=lambda r: r.start) if vimg else []
    novma_rows = [r for r in rows if r.label == '[no vma]']
    missing = collections.defaultdict(list)
    glin = collections.defaultdict(set)
    n = 0
    for f in oimg.faults:
        if f.status == 'disabled':
            continue
        n += 1
        if f.key is None:
            if not novma_rows:
                missing[None].append(f)
            continue
        if not any(row_matches_fault(r, f) for r in rows):
            missing[f.key].append(f)
            glin[f.key].add(f.lineage)
    details = []
    for keys in lineage_groups(missing.keys(), glin):
        fs = sorted((f for k in keys for f in missing[k]), key=lambda f: f.t)
        perms = fs[0].key[2] if fs[0].key else None
        at = sorted((r for r in rows if r.start <= fs[0].addr < r.end and r.ident[0] != 'pseudo'),
                    key=lambda r: (r.perms != perms, r.end - r.start))
        held = '; row(s) there: ' + ', '.join(r.desc() for r in at[:3]) if at else \
            '; no row there'
        details.append('%d fault(s) in %s (first at %x, %s) have no row of that file and '
                       'perms%s' % (len(fs), span(keys, oimg.names), fs[0].addr,
                                    rel(fs[0].t, oimg.start_t), held))
    bad = sum(len(v) for v in missing.values())
    return Check('%s place' % label, not missing,
                 '%d of %d faults in no row of their VMA\'s file and perms' % (bad, n), details)


def check_rows(label, oimg, vimg):
    """(c): per-row exactness."""
    groups = collections.defaultdict(list)
    glin = collections.defaultdict(set)
    for f in oimg.faults:
        k = f.key if f.key is not None else ('pseudo', '[no vma]')
        groups[k].append(f)
        if f.lineage is not None:
            glin[k].add(f.lineage)
    ocnt = {k: counters_of_faults(fs) for k, fs in groups.items()}
    vrows = collections.defaultdict(list)
    for r in (vimg.rows if vimg else []):
        vrows[r.key()].append(r)
    vcnt = {}
    for k, rs in vrows.items():
        c = collections.Counter()
        for r in rs:
            for n, v in r.c.items():
                c[n] += v
            if r.unaccounted is not None:
                c['unaccounted'] += r.unaccounted
        vcnt[k] = c
    history = oimg.history
    vlin = {vk: {om.LINEAGE.find(x) for x in history.get(vk, ())} for vk in vcnt}
    expected = {k: collections.Counter() for k in vcnt}
    folded = collections.defaultdict(list)
    unclaimed = []
    for k, oc in ocnt.items():
        if k in vcnt:
            expected[k].update(oc)
            continue
        cands = []
        roots = {om.LINEAGE.find(x) for x in glin.get(k, ())}
        if k[0] != 'pseudo':
            for vk in vcnt:
                if vk[0] == 'pseudo' or vk[2] != k[2] or vk[3] != k[3]:
                    continue
                if not (vk[0] <= k[0] and k[1] <= vk[1]) or not (roots & vlin[vk]):
                    continue
                if k[3][0] == 'file' and vk[4] + (k[0] - vk[0]) != k[4]:
                    continue
                cands.append(vk)
        if cands:
            vk = min(cands, key=lambda c: c[1] - c[0])
            expected[vk].update(oc)
            folded[vk].append(k)
        else:
            unclaimed.append(k)
    details = []
    bad_rows = 0

    def where(k, skip):
        """The oracle's other faults in the extent of key k, by the VMA they hit."""
        if k[0] == 'pseudo':
            return ''
        parts = []
        for ok_, fs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            if ok_[0] == 'pseudo' or ok_ in skip or ok_[1] <= k[0] or ok_[0] >= k[1]:
                continue
            c = counters_of_faults(fs)
            if not c.get('faults'):
                continue
            parts.append('%d in %s %s..%s' % (c['faults'], fmt_okey(ok_, oimg.names),
                                               rel(fs[0].t, oimg.start_t),
                                               rel(fs[-1].t, oimg.start_t)))
        return ('; oracle faults of other VMAs in this extent: ' + '; '.join(parts[:4]) +
                (' and %d more VMA(s)' % (len(parts) - 4) if len(parts) > 4 else '')) \
            if parts else ''

    def was_there(vk):
        """A VMA with this extent and perms that did exist, under another name."""
        names = sorted({oimg.names.get(k, '?') for k in history
                        if k[0] == vk[0] and k[1] == vk[1] and k[2] == vk[2]})
        return names

    for vk in sorted(vcnt, key=lambda k: (k[0] == 'pseudo', k[0] if k[0] != 'pseudo' else 0)):
        vc, ec = vcnt[vk], expected[vk]
        rs = vrows[vk]
        desc = rs[0].desc() + (' x%d rows' % len(rs) if len(rs) > 1 else '')
        same = all(vc.get(n, 0) == ec.get(n, 0) for n in COUNTERS)
        if 'unaccounted' in vc and vc['unaccounted'] != ec.get('disabled', 0):
            same = False
        if same:
            continue
        bad_rows += 1
        why = []
        if vk[0] != 'pseudo' and vk not in history:
            other = was_there(vk)
            why.append('no VMA ever had this extent, perms and file' +
                       (' (the VMA there was %s)' % ', '.join(other) if other else ''))
        dis = ec.get('disabled', 0)
        if dis and 'unaccounted' not in vc:
            why.append('oracle leaves out %d fault event(s) the kernel never handled (page '
                       'faults disabled)%s' % (dis, ', which vmtrace counts' if
                                               vc.get('faults', 0) - ec.get('faults', 0) >= dis
                                               else ''))
        amb = sum(1 for k in [vk] + folded.get(vk, []) for f in groups.get(k, ()) if f.ambiguous)
        if amb:
            why.append('%d of the oracle\'s faults here raced a VMA change' % amb)
        own = ocnt.get(vk, {}).get('faults', 0)
        note = '; oracle: %d in this extent' % own
        if folded.get(vk):
            note += ', %d in %d earlier extent(s) of this VMA (%s)' % (
                sum(ocnt[k].get('faults', 0) for k in folded[vk]), len(folded[vk]),
                ', '.join('%s: %d' % (fmt_okey(k, oimg.names), ocnt[k].get('faults', 0))
                          for k in sorted(folded[vk])[:3]) +
                (' ...' if len(folded[vk]) > 3 else ''))
        details.append('row %s: %s (vmtrace/oracle)%s%s%s' % (
            desc, diff_str(vc, ec), ' [' + '; '.join(why) + ']' if why else '', note,
            where(vk, set([vk] + folded.get(vk, [])))))
    for keys in lineage_groups(unclaimed, glin):
        fs = sorted((f for k in keys for f in groups[k]), key=lambda f: f.t)
        oc = counters_of_faults(fs)
        if keys[0][0] == 'pseudo':
            desc, near = '(no VMA)', ''
        else:
            desc = span(keys, oimg.names)
            lo, hi = min(k[0] for k in keys), max(k[1] for k in keys)
            over = [r for r in (vimg.rows if vimg else []) if r.start < hi and r.end > lo
                    and r.ident[0] != 'pseudo']
            near = ('; vmtrace rows overlapping: ' + ', '.join(
                '%s (%d faults)' % (r.desc(), r.c['faults']) for r in over[:4]) +
                (' and %d more' % (len(over) - 4) if len(over) > 4 else '')
                if over else '; no vmtrace row overlaps it')
        bad_rows += 1
        kinds = ', '.join('%s %d' % (n, oc[n]) for n in ('read', 'write', 'exec', 'major',
                                                          'errors', 'kernel_mode') if oc.get(n))
        details.append('VMA %s: %d faults (%s) %s..%s, no vmtrace row holds it%s' % (
            desc, oc.get('faults', 0), kinds, rel(fs[0].t, oimg.start_t),
            rel(fs[-1].t, oimg.start_t), near))
    nrows = len(vcnt)
    wrong_rows = sum(1 for d in details if d.startswith('row '))
    return Check('%s rows' % label, not details,
                 '%d of %d vmtrace rows (by key) wrong, %d oracle VMA(s) in no row' %
                 (wrong_rows, nrows, len(details) - wrong_rows) if details else
                 '%d vmtrace rows (by key), %d oracle VMAs: all exact' % (nrows, len(ocnt)),
                 details)


_ELF = {}


def elf_loads(path):
    """The PT_LOAD segments of an ELF file: [(offset, vaddr, filesz, memsz)], or []."""
    if path in _ELF:
        return _ELF[path]
    out = []
    try:
        with open(path, 'rb') as f:
            h = f.read(64)
            if h[:4] == b'\x7fELF' and h[4] == 2 and h[5] == 1:	# 64-bit little-endian
                phoff = struct.unpack_from('<Q', h, 0x20)[0]
                phentsize, phnum = struct.unpack_from('<HH', h, 0x36)
                f.seek(phoff)
                ph = f.read(phentsize * phnum)
                for i in range(phnum):
                    p_type, _, off, vaddr, _, filesz, memsz = struct.unpack_from(
                        '<IIQQQQQ', ph, i * phentsize)
                    if p_type == 1:
                        out.append((off, vaddr, filesz, memsz))
    except OSError:
        pass
    _ELF[path] = out
    return out


def bss_ranges(oimg):
    """[(lo, hi, path)]: where each mapped ELF file's bss (PT_LOAD memsz beyond filesz,
    past the last file page) lies, from the load address of its offset-0 mapping."""
    out = []
    bases = set()
    for k in oimg.history:
        if k[3][0] == 'file' and k[4] == 0:
            bases.add((k[3][1], k[0]))
    for path, start in sorted(bases):
        loads = elf_loads(path)
        first = [l for l in loads if l[0] == 0]
        if not first:
            continue
        bias = start - om.page_down(first[0][1])
        for off, vaddr, filesz, memsz in loads:
            lo, hi = om.page_up(bias + vaddr + filesz), om.page_up(bias + vaddr + memsz)
            if hi > lo:
                out.append((lo, hi, path))
    return out


def check_labels(label, oimg, vimg):
    """(d): what a row is called, where the kernel or the ELF file says it:
    [heap] (the brk area), [stack] (the main stack), a bss ([bss] for the
    executable's, [bss:NAME] for a library's: PT_LOAD memsz past filesz)."""
    details = []
    bss = bss_ranges(oimg)
    n = 0
    for r in (vimg.rows if vimg else []):
        k = r.key()
        if r.ident[0] == 'pseudo' or k not in oimg.history:
            continue	# a wrong extent is check (c)'s
        n += 1
        oname = oimg.names.get(k)
        want = None
        if oname in ('[heap]', '[stack]'):
            want = oname
        elif r.ident == ('anon',):
            for lo, hi, path in bss:
                if lo <= r.start and r.end <= hi:
                    want = '[bss]' if path == oimg.exe else \
                        '[bss:%s]' % path.rsplit('/', 1)[-1]
        if want and r.label != want:
            details.append('row %s is %s (%s)' % (r.desc(), want, {
                '[heap]': 'the brk area', '[stack]': 'the main stack'}.get(
                    want, 'its ELF file\'s bss')))
        elif not want and (r.label in ('[heap]', '[stack]') or r.label.startswith('[bss')):
            why = {'[heap]': 'not the brk area', '[stack]': 'not the main stack'}.get(
                r.label, 'in no ELF file\'s bss (PT_LOAD memsz past filesz)')
            details.append('row %s: %s, %s; the kernel calls it %s' % (
                r.desc(), r.label, why, oname))
    return Check('%s labels' % label, not details,
                 '%d of %d rows with a true extent misnamed' % (len(details), n), details)


def check_snapshots(name, orc, maps_prefix):
    """The oracle's replayed address space against /proc/PID/maps, read by the
    program itself between two markers (tests/real/churn.py)."""
    import os
    details = []
    marks = orc.maps_marks
    n = 0
    for i in range(0, len(marks) - 1, 2):
        path = '%s.%d' % (maps_prefix, i // 2)
        if not os.path.exists(path):
            details.append('snapshot %d: %s missing' % (i // 2, path))
            continue
        n += 1
        kernel = parse_maps(open(path).read())
        ok_any = False
        diffs = None
        for pid, t, vmas in (marks[i], marks[i + 1]):
            model = [(v.start, v.end, v.perms, v.ident.key(),
                      v.pgoff if v.ident.kind == 'file' else None) for v in vmas]
            if model == kernel:
                ok_any = True
                break
            if diffs is None:
                ms, ks = set(model), set(kernel)
                diffs = (sorted(ms - ks), sorted(ks - ms))
        if not ok_any:
            only_model, only_kernel = diffs
            details.append('snapshot %d: model has %s; /proc/PID/maps has %s' % (
                i // 2, ', '.join(fmt_key(k) for k in only_model[:4]) or 'nothing else',
                ', '.join(fmt_key(k) for k in only_kernel[:4]) or 'nothing else'))
    return Check('%s oracle self-test' % name, n > 0 and not details,
                 'replayed address space = /proc/PID/maps at %d of %d points' %
                 (n - len([d for d in details if 'missing' not in d]), len(marks) // 2),
                 details)


def parse_maps(text):
    out = []
    for line in text.splitlines():
        parts = line.split(None, 5)
        start, end = (int(x, 16) for x in parts[0].split('-'))
        perms, off = parts[1], int(parts[2], 16)
        dev, ino = parts[3], int(parts[4])
        path = parts[5] if len(parts) > 5 else ''
        if path == '[vsyscall]':
            continue
        if path in ('', '[heap]', '[stack]') or path.startswith('[anon:') or \
                path.startswith('[stack:'):
            ident = ('anon',)
        elif path in om.SPECIAL_NAMES:
            ident = ('special', path)
        elif path.startswith('/dev/zero') and dev == '00:01':
            ident = ('anon:shared',)
        else:
            ident = ('file', path)
        out.append((start, end, perms, ident, off if ident[0] == 'file' else None))
    return out


def compare(orc, report, name):
    """Every check for one traced program, in pid order."""
    vm = load_vmtrace(report)
    checks = []
    opids = sorted(p.pid for p in orc.procs.values() if p.images)
    for pid in sorted(set(opids) | set(vm)):
        p = orc.procs.get(pid)
        oimgs = p.images if p else []
        vproc = vm.get(pid)
        comm = ' > '.join(i.comm for i in oimgs) or '?'
        label = '%s %s[%d]' % (name, comm, pid)
        if vproc is None:
            f = sum(1 for i in oimgs for x in i.faults if x.status != 'disabled')
            checks.append(Check('%s process' % label, False,
                                'traced by the oracle (%d faults), absent from vmtrace\'s '
                                'report' % f))
            continue
        if p is None or not oimgs:
            checks.append(Check('%s process' % label, vproc['faults'] == 0,
                                'in vmtrace\'s report (%d faults), not a traced process for '
                                'the oracle' % vproc['faults']))
            continue
        checks.append(check_totals(label, oimgs, vproc))
        vimgs = vproc['images']
        views = [ImageView([o]) for o in oimgs]
        if len(vimgs) == MAX_IMAGES and len(oimgs) > MAX_IMAGES:
            views = views[:MAX_IMAGES - 1] + [ImageView(oimgs[MAX_IMAGES - 1:])]
        for i, oimg in enumerate(views):
            vimg = vimgs[i] if i < len(vimgs) else None
            il = '%s image %d (%s)' % (label, i, oimg.comm)
            if vimg is not None and vimg.command != oimg.comm:
                il += ' [vmtrace image %d is %s]' % (i, vimg.command)
            checks.append(check_place(il, oimg, vimg))
            checks.append(check_rows(il, oimg, vimg))
            checks.append(check_labels(il, oimg, vimg))
        for vimg in vimgs[len(views):]:
            checks.append(Check('%s image %d (%s)' % (label, vimg.index, vimg.command),
                                not vimg.rows, 'in vmtrace\'s report only (%d rows)' %
                                len(vimg.rows)))
    return checks
