# SPDX-License-Identifier: GPL-2.0
"""
vmtrace's JSON report against the oracle, per process and exec image:

 (a) totals   vmtrace's faults, major and errors against the oracle's fault
              events; fault events the kernel never handled (page faults
              disabled) are expected in no counter but vmtrace's
              kernel.pf_disabled_events.
 (b) place    every fault the oracle has lies inside [start, end) of a
              vmtrace row with the same file and the permissions its VMA
              had when it faulted, or in a folded row (vmas > 1) of the
              identity of the model's row that it counts in.
 (c) rows     vmtrace's row model simulated along the replay (oracle.SimRow:
              a row per VMA era, kept while the VMA only grows, retired
              "changed" or "unmapped"), retired rows folded by vmtrace's
              identity (image, file, perms, kind, size; and start for
              changed rows) into one row of N VMAs; every vmtrace row
              against the model's row with its key, every counter and
              the VMA count exact.
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
        self.changed = j.get('changed', False)
        self.state = 'unmapped' if self.unmapped else 'changed' if self.changed else 'live'
        self.vmas = j.get('vmas', 1) or 1
        self.stack_tid = j.get('stack_tid')
        self.c = {k: j.get(k, 0) or 0 for k in COUNTERS}
        self.unaccounted = next((j[k] for k in UNACCOUNTED_KEYS if k in j), None)
        if self.label in PSEUDO:
            self.ident = ('pseudo', self.label)
        elif self.label == '[anon:shared]':	# shared anonymous memory: path /dev/zero
            self.ident = ('anon:shared',)
        elif self.path:
            self.ident = ('file', self.path)
        elif self.label in om.SPECIAL_NAMES:
            self.ident = ('special', self.label)
        else:
            self.ident = ('anon',)

    def key(self):
        if self.ident[0] == 'pseudo':
            return ('pseudo', self.label)
        return (self.start, self.end, self.perms, self.ident,
                self.offset if self.ident[0] == 'file' else None)

    def mkey(self):
        """The key a row is matched by (row_mkey())."""
        if self.ident[0] == 'pseudo':
            return ('pseudo', self.label)
        return row_mkey(self.state, self.ident, self.perms, self.start, self.end, self.offset)

    def desc(self):
        what = self.label if not self.path or self.ident[0] != 'file' else \
            self.path.rsplit('/', 1)[-1]
        off = ' @%x' % self.offset if self.ident[0] == 'file' else ''
        return '%x-%x %s %s%s%s%s' % (self.start, self.end, self.perms, what, off,
                                      ' (%s)' % self.state if self.state != 'live' else '',
                                      ' x%d VMAs' % self.vmas if self.vmas > 1 else '')


def row_mkey(state, ident, perms, start, end, offset):
    """A row's key as vmtrace's JSON shows it: a live row by its extent, a
    changed one by its identity (file, perms, start, size), an unmapped one by
    its identity without the start (folded rows keep one VMA's extent)."""
    if state == 'live':
        return ('live', ident, perms, start, end, offset if ident[0] == 'file' else None)
    if state == 'changed':
        return ('changed', ident, perms, start, end - start)
    return ('unmapped', ident, perms, end - start)


def sim_mkey(r):
    return row_mkey(r.state, r.ident.key(), r.perms, r.start, r.end, r.pgoff)


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
        # the command's own process, when it ran one image, is the report itself
        imgs = p.get('images')
        if imgs is None and p['pid'] == report.get('pid'):
            imgs = [report]
        imgs = imgs or []
        out[p['pid']] = dict(images=[VImage(p['pid'], i, img) for i, img in
                                     enumerate(imgs)],
                             faults=p['faults'], major=p['major'], errors=p['errors'],
                             kernel=p.get('kernel'), unaccounted=None)
        for k in UNACCOUNTED_KEYS:
            tot = sum((img.get('totals') or {}).get(k, 0) or 0 for img in imgs)
            if any(k in (img.get('totals') or {}) for img in imgs):
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
    pfd = kern.get('pf_disabled_events')
    if pfd is not None and pfd != disabled:
        ok = False
        details.append('pf_disabled_events: vmtrace %d, oracle %d fault events the kernel never '
                       'handled (page faults disabled)' % (pfd, disabled))
    accounted = oc.get('minor', 0) + oc.get('major', 0)
    info = ('faults %d, major %d, errors %d, pf_disabled_events %s; oracle %d (+%d never '
            'handled: page faults disabled), kernel minflt+majflt %s, oracle accounted %d' %
            (vc['faults'], vc['major'], vc['errors'], '?' if pfd is None else pfd,
             oc.get('faults', 0), disabled,
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
        self.images = oimgs
        for i in oimgs:
            if i.aspace is None:
                continue
            for k, lins in i.aspace.history.items():
                self.history.setdefault(k, set()).update(lins)
            self.names.update(i.aspace.names)


def fold_size(ident, size, heap):
    """The size dead rows fold by: a file's or the heap's exact size, other
    anonymous memory's size class (the power of two it rounds up to), as
    vmtrace's dead_key_of()."""
    if ident[0] in ('file', 'anon:shared') or heap:
        return size
    return 1 << (size - 1).bit_length() if size > 1 else size


def check_place(label, oimg, vimg):
    """(b): each fault inside a row of its file and its permissions then, or in
    a folded row (vmas > 1) of its model row's file, perms and size."""
    rows = sorted(vimg.rows, key=lambda r: r.start) if vimg else []
    novma_rows = [r for r in rows if r.label == '[no vma]']
    # a folded row holds VMAs of one identity wherever they were: (b) places
    # a fault there by the identity of its model row (file, perms, size);
    # whether that row was changed or unmapped is check (c)'s
    folded = {(r.ident, r.perms, fold_size(r.ident, r.end - r.start, r.label == '[heap]'))
              for r in rows if r.vmas > 1}
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
        if not any(row_matches_fault(r, f) for r in rows) and \
                not (f.row is not None and (f.row.ident.key(), f.row.perms,
                                            fold_size(f.row.ident.key(),
                                                      f.row.end - f.row.start,
                                                      f.row.heap)) in folded):
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


class ExpRow:
    """A row the model expects: one live row, or the retired rows of one
    identity folded together (instances in the order they were retired)."""

    def __init__(self, rows):
        self.instances = rows
        first = rows[0]
        self.state, self.perms, self.ident = first.state, first.perms, first.ident.key()
        self.start, self.end, self.pgoff = first.start, first.end, first.pgoff
        self.vmas = len(rows)
        self.faults = [f for r in rows for f in r.faults]
        self.c = counters_of_faults(self.faults)
        self.mkey = sim_mkey(first)
        self.name = first.name

    def desc(self, t0):
        what = self.name if self.ident[0] != 'file' else '%s @%x' % (
            self.ident[1].rsplit('/', 1)[-1], self.pgoff)
        if self.ident[0] == 'anon:shared':
            what = '[anon:shared]'
        return '%x-%x %s %s%s%s' % (self.start, self.end, self.perms, what,
                                    ' (%s)' % self.state if self.state != 'live' else '',
                                    ' x%d VMAs' % self.vmas if self.vmas > 1 else '')

    def story(self, t0):
        """How the model's (first) row came to be what it is, in one phrase."""
        r = self.instances[0]
        h = r.history
        parts = ['%s %s' % (rel(t, t0), what) for t, what in h[:1]]
        grows = [x for x in h[1:] if x[1].startswith('grew')]
        if len(grows) > 2:
            parts.append('grew %d times' % (len(grows) - 1))
        parts += ['%s %s' % (rel(t, t0), what) for t, what in grows[-1:]]
        parts += ['%s %s' % (rel(t, t0), what) for t, what in h[1:]
                  if not what.startswith('grew')]
        more = ''
        if self.vmas > 1:
            n = collections.Counter((x.start, x.end, len(x.faults)) for x in self.instances)
            more = ' (the first of %d VMAs: %s)' % (self.vmas, ', '.join(
                '%x-%x %d faults%s' % (s, e, nf, ' x%d' % c if c > 1 else '')
                for (s, e, nf), c in list(n.items())[:4]) + (' ...' if len(n) > 4 else ''))
        return '; '.join(parts) + more


def expected_rows(oimg):
    """The model's rows of one vmtrace image: live rows as they are, retired
    ones folded per exec image by vmtrace's identity."""
    out = []
    for img in oimg.images:
        folds = collections.OrderedDict()
        for r in sorted(img.rows, key=lambda r: (r.retired or 0, r.serial)):
            if r.state == 'live':
                out.append(ExpRow([r]))
            else:
                folds.setdefault(r.fold_key(), []).append(r)
        out += [ExpRow(rs) for rs in folds.values()]
    return out


def sum_counters(items):
    c = collections.Counter()
    for x in items:
        for n in COUNTERS:
            c[n] += x.c.get(n, 0)
    return c


def check_rows(label, oimg, vimg):
    """(c): every vmtrace row against the model's row with its key."""
    t0 = oimg.start_t
    exp = expected_rows(oimg)
    egroups = collections.defaultdict(list)
    for e in exp:
        egroups[e.mkey].append(e)
    vgroups = collections.defaultdict(list)
    for r in (vimg.rows if vimg else []):
        vgroups[r.mkey()].append(r)
    # faults on no VMA: vmtrace's [no vma] rows (one per image, retired at an exec)
    novma = [f for f in oimg.faults if f.status != 'disabled' and f.key is None]
    pseudo_exp = {('pseudo', '[no vma]'): counters_of_faults(novma)} if novma else {}
    details = []

    def overlapping_model(lo, hi):
        out = []
        for e in exp:
            n = sum(1 for r in e.instances if r.start < hi and r.end > lo)
            if n:
                out.append('%s %d%s' % (e.desc(t0), e.c.get('faults', 0),
                                        ' (%d of its VMAs here)' % n if e.vmas > 1 else ''))
        return ('; model rows there: ' + ', '.join(out[:4]) +
                (' and %d more' % (len(out) - 4) if len(out) > 4 else '')) if out else \
            '; no model row there'

    def same_identity(k, rows, desc):
        """Rows of the same file, perms and size in another state: what the
        other side made of these VMAs."""
        size = k[-1] if k[0] != 'live' else k[4] - k[3]
        out = [desc(x) for x in rows if x[0][0] != k[0] and x[0][1:3] == k[1:3] and
               (x[0][-1] if x[0][0] != 'live' else x[0][4] - x[0][3]) == size]
        return out

    def overlapping_vm(lo, hi, skip=()):
        out = ['%s %d' % (r.desc(), r.c['faults']) for r in (vimg.rows if vimg else [])
               if r.start < hi and r.end > lo and r.ident[0] != 'pseudo' and r not in skip]
        return ('; vmtrace rows there: ' + ', '.join(out[:4]) +
                (' and %d more' % (len(out) - 4) if len(out) > 4 else '')) if out else \
            '; no vmtrace row there'

    def racing(es):
        n = sum(1 for e in es for f in e.faults if f.ambiguous)
        return ' [%d of the oracle\'s faults here raced a VMA change]' % n if n else ''

    keys = set(egroups) | set(vgroups) | set(pseudo_exp)
    nbad_v = nmissing = 0
    for k in sorted(keys, key=lambda k: (k[0] == 'pseudo', str(k[1:]))):
        vs = vgroups.get(k, [])
        if k[0] == 'pseudo':
            ec = pseudo_exp.get(k, collections.Counter())
            vc = sum_counters(vs)
            if any(vc.get(n, 0) != ec.get(n, 0) for n in COUNTERS):
                nbad_v += 1
                details.append('row %s: %s (vmtrace/model)%s' % (
                    k[1], diff_str(vc, ec),
                    ' [its VMA lookup was busy: these faults are in no row of their VMA]'
                    if k[1] == '[unresolved]' else ''))
            continue
        es = egroups.get(k, [])
        if not es:
            other = same_identity(k, [(x.mkey, x) for x in exp],
                                  lambda x: '%s %d' % (x[1].desc(t0), x[1].c.get('faults', 0)))
            for r in vs:
                nbad_v += 1
                details.append('row %s: %d faults, the model has no such row%s' % (
                    r.desc(), r.c['faults'],
                    '; the model has these VMAs (same file, perms, size) as %s' % ', '.join(
                        other[:3]) + (' ...' if len(other) > 3 else '') if other else
                    overlapping_model(r.start, r.end)))
            continue
        if not vs:
            other = same_identity(k, [(x.mkey(), x) for x in (vimg.rows if vimg else [])],
                                  lambda x: '%s %d' % (x[1].desc(), x[1].c['faults']))
            for e in es:
                nmissing += 1
                details.append('model row %s: %d faults, not in vmtrace\'s report%s; '
                               'model: %s%s' % (
                    e.desc(t0), e.c.get('faults', 0),
                    '; vmtrace has VMAs of this file, perms and size as %s' % ', '.join(
                        other[:3]) + (' ...' if len(other) > 3 else '') if other else
                    overlapping_vm(e.start, e.end), e.story(t0), racing([e])))
            continue
        ec, vc = sum_counters(es), sum_counters(vs)
        why = []
        if any(vc.get(n, 0) != ec.get(n, 0) for n in COUNTERS):
            why.append(diff_str(vc, ec) + ' (vmtrace/model)')
        ev, vv = sum(e.vmas for e in es), sum(r.vmas for r in vs)
        if ev != vv:
            why.append('%d VMAs in vmtrace, %d in the model' % (vv, ev))
        if len(es) != len(vs):
            why.append('%d rows in vmtrace, %d in the model (vmtrace tells apart only '
                       'by file, perms, kind and size)' % (len(vs), len(es)))
        inst = {(r.start, r.end, r.pgoff if r.ident.kind == 'file' else None)
                for e in es for r in e.instances}
        for r in vs:
            if (r.start, r.end, r.offset if r.ident[0] == 'file' else None) not in inst:
                why.append('its extent%s is no VMA\'s of the model row' % (
                    ' and offset' if r.ident[0] == 'file' else ''))
        if not why:
            continue
        nbad_v += len(vs)
        vdesc = vs[0].desc() + (' and %d more rows' % (len(vs) - 1) if len(vs) > 1 else '')
        details.append('row %s: %s; model: %s%s' % (
            vdesc, ', '.join(why), ' | '.join(e.story(t0) for e in es[:2]), racing(es)))
    nv = len(vimg.rows) if vimg else 0
    ok = not details
    return Check('%s rows' % label, ok,
                 '%d vmtrace rows, %d model rows (%d VMAs folded): all exact' % (
                     nv, len(exp) + len(pseudo_exp),
                     sum(e.vmas for e in exp if e.vmas > 1)) if ok else
                 '%d of %d vmtrace rows wrong, %d model rows missing' % (nbad_v, nv, nmissing),
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
