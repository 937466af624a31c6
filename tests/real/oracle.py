# SPDX-License-Identifier: GPL-2.0
"""
The oracle: every fault of a perf.data recording, placed in the VMA that was
in force when it happened.

Each process's address space is replayed from the recording alone, in time
order (/proc/PID/maps is gone before a short program's report):

  MMAP2         perf reports the VMA that an mmap(), a brk() growth, an
                mprotect() or an exec created or changed, with the extent
                it has AFTER the kernel merged it with its neighbours: the
                extent is overwritten with it.
  munmap()      cut, at the system call's exit (perf has no unmap record).
  brk()         a shrink cuts [new brk, old brk) (a growth has its MMAP2).
  mremap()      grow or shrink in place, or move (pieces, offsets and
                anon_vma go along); no MMAP2: merges are inferred (below).
  madvise()     advice that changes vm_flags (DONTFORK, HUGEPAGE, ...)
                splits the VMA like the kernel does; merges are inferred.
  mlock*()      VM_LOCKED, the same way.
  fork          the child gets a copy (without MADV_DONTFORK VMAs); with
                CLONE_VM and no CLONE_THREAD (vfork, posix_spawn) it shares
                its parent's address space until it execs (task_newtask's
                clone_flags say which).
  exec          a new, empty address space (COMM with the exec flag);
                its MMAP2s follow, [stack] included.
  stack growth  a fault just below a [stack] VMA grows it (no event).

Merges perf does not report (after mremap, madvise, mlock) follow the
kernel's rule, approximated: same permissions, flags, file (or anonymous),
contiguous offsets, and compatible anon_vma (a VMA gets one at its first
write fault). Each is counted in the statistics ("inferred merges").

Each fault (exceptions:page_fault_user/_kernel) is then classified by the
software events that follow it on the same thread:
  page-faults   (PERF_COUNT_SW_PAGE_FAULTS) fires in do_user_addr_fault()
                only after its "page faults disabled?" test: without it the
                fault was never handled (pagefault_disabled(): an atomic
                user access fixed up by the exception table).
  minor-faults, major-faults  the kernel's own accounting (mm_account_fault)
                of a fault handled to completion.
So: minor, major, error (handled, never accounted: SIGSEGV, SIGBUS, EFAULT)
or disabled (never handled, never accounted).

vmtrace's rows are simulated along the replay (SimRow): a row is one VMA as
it was while it faulted. It begins at the first handled fault on the VMA
(per process, anchored at the VMA's start, or its end for [stack]), goes on
counting while the VMA only grows (same file, offset at the anchor and
rwxs; an extent that holds the row's), taking the grown extent, and is
retired "changed" when the VMA is cut, shrunk or re-protected, or merged
into a lower VMA that has a row of its own, and "unmapped" when no VMA of
its lineage is left at its anchor (munmap, mremap's old range, MAP_FIXED,
exec). Rows are re-evaluated after every VMA change the replay applies
(at the call's exit for munmap/mremap/brk shrinks/madvise/mlock, at the
MMAP2 for the others, at a stack growth) and when a fault finds its VMA.
compare.py folds the retired rows by vmtrace's identity.
"""
import bisect
import collections

import perfdata

PAGE = 4096
KERNEL_SPLIT = 1 << 63		# vmtrace ignores faults at kernel addresses
STACK_GUARD_GAP = 256 * PAGE	# stack_guard_gap: how far below [stack] a fault may grow it

PROT_READ, PROT_WRITE, PROT_EXEC = 1, 2, 4
MAP_SHARED = 0x01
MAP_LOCKED = 0x2000
MAP_FIXED, MAP_FIXED_NOREPLACE = 0x10, 0x100000
CLONE_VM, CLONE_VFORK, CLONE_THREAD = 0x100, 0x4000, 0x10000
MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP = 1, 2, 4
X86_PF_PROT, X86_PF_WRITE, X86_PF_USER, X86_PF_INSTR = 1, 2, 4, 16

# madvise advice -> (vm_flags attribute, value)
MADV_FLAGS = {
    0: ('readahead', None), 1: ('readahead', 'rand'), 2: ('readahead', 'seq'),
    10: ('dontfork', True), 11: ('dontfork', False), 12: ('mergeable', True),
    13: ('mergeable', False), 14: ('hugepage', 'huge'), 15: ('hugepage', 'nohuge'),
    16: ('dontdump', True), 17: ('dontdump', False), 18: ('wipeonfork', True),
    19: ('wipeonfork', False),
}
SPECIAL_NAMES = ('[vdso]', '[vvar]', '[vvar_vclock]', '[vsyscall]', '[uprobes]')


class Lineage:
    """Which VMAs are one VMA over time (grown, merged): union-find over ids."""

    def __init__(self):
        self.parent = []

    def new(self):
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)
        return min(a, b)


LINEAGE = Lineage()


def page_down(a):
    return a & ~(PAGE - 1)


def page_up(a):
    return (a + PAGE - 1) & ~(PAGE - 1)


def perms_of(prot, flags):
    return ('r' if prot & PROT_READ else '-') + ('w' if prot & PROT_WRITE else '-') + \
        ('x' if prot & PROT_EXEC else '-') + ('s' if flags & MAP_SHARED else 'p')


class Ident:
    """What a VMA maps: kind 'file', 'anon', 'anon:shared' or 'special'."""
    __slots__ = ('kind', 'path', 'dev', 'ino', 'name')

    def __init__(self, kind, path=None, dev=None, ino=None, name=None):
        self.kind, self.path, self.dev, self.ino, self.name = kind, path, dev, ino, name

    @staticmethod
    def from_mmap2(d):
        fname = d['filename']
        dev = (d['maj'], d['min']) if d['maj'] is not None else None
        if fname in ('//anon', '[heap]', '[stack]') or fname.startswith('[anon:'):
            return Ident('anon', name=fname)
        if fname in SPECIAL_NAMES:
            return Ident('special', name=fname)
        if fname.startswith('/dev/zero') and dev == (0, 1):
            return Ident('anon:shared', path=fname, dev=dev, ino=d['ino'], name=fname)
        # d_path() marks an unlinked file (a SysV segment once IPC_RMID'd, a
        # deleted temporary); vmtrace names the file by its dentry, unmarked
        if fname.endswith(' (deleted)'):
            fname = fname[:-len(' (deleted)')]
        return Ident('file', path=fname, dev=dev, ino=d['ino'], name=fname)

    def same_object(self, o):
        """The kernel's merge test: the same file (or both anonymous)."""
        if self.kind != o.kind:
            return False
        if self.kind == 'anon':
            return True
        if self.kind == 'special':
            return False	# VM_SPECIAL: never merged
        return self.dev == o.dev and self.ino == o.ino and self.path == o.path

    def fold_key(self):
        """What vmtrace tells rows apart by: the file (device, inode), none for
        anonymous memory; special mappings by name (they never change)."""
        if self.kind in ('file', 'anon:shared'):
            return (self.kind, self.dev, self.ino, None if self.dev else self.path)
        if self.kind == 'special':
            return ('special', self.name)
        return ('anon',)

    def key(self):
        """What a report row must show to be the same thing."""
        if self.kind == 'file':
            return ('file', self.path)
        if self.kind == 'special':
            return ('special', self.name)
        return (self.kind,)

    def __repr__(self):
        return self.path or self.name or self.kind


class Vma:
    __slots__ = ('start', 'end', 'perms', 'ident', 'pgoff', 'flags', 'anon_vma', 'stack',
                 'lineage', 'heap')

    def __init__(self, start, end, perms, ident, pgoff, flags=None, anon_vma=None,
                 stack=False, lineage=None):
        self.start, self.end, self.perms, self.ident = start, end, perms, ident
        self.pgoff = pgoff		# bytes: the file offset (anon: address at creation)
        self.flags = dict(flags or {})
        self.anon_vma = anon_vma
        self.stack = stack
        self.heap = False
        self.lineage = LINEAGE.new() if lineage is None else lineage

    def name(self):
        if self.heap:
            return '[heap]'
        if self.ident.kind == 'anon:shared':
            return '[anon:shared]'
        n = self.ident.name or self.ident.path or self.ident.kind
        return '[anon]' if n == '//anon' else n

    def copy(self, **kw):
        v = Vma(self.start, self.end, self.perms, self.ident, self.pgoff, self.flags,
                self.anon_vma, self.stack, self.lineage)
        v.heap = self.heap
        for k, val in kw.items():
            setattr(v, k, val)
        return v

    def key(self):
        """The VMA as a report row must show it: extent, perms, object, offset."""
        return (self.start, self.end, self.perms, self.ident.key(),
                self.pgoff if self.ident.kind == 'file' else None)

    def __repr__(self):
        return '%x-%x %s %r @%x' % (self.start, self.end, self.perms, self.ident, self.pgoff)

    def short(self):
        return '%x-%x %s %s' % (self.start, self.end, self.perms, self.name() if
                                self.ident.kind != 'file' else '%s @%x' % (
                                    self.ident.path.rsplit('/', 1)[-1], self.pgoff))


def can_merge(a, b):
    """a immediately below b: would the kernel merge them (approximation)."""
    return (a.end == b.start and a.perms == b.perms and a.ident.same_object(b.ident) and
            a.pgoff + (a.end - a.start) == b.pgoff and a.flags == b.flags and
            not a.stack and not b.stack and
            (a.anon_vma is None or b.anon_vma is None or a.anon_vma == b.anon_vma))


class AddressSpace:
    """An interval map of non-overlapping VMAs."""
    _ids = 0

    def __init__(self):
        self.starts = []
        self.vmas = []
        self.brk = None
        AddressSpace._ids += 1
        self.id = AddressSpace._ids
        self.inflight = {}	# tid -> [(start, end)]: a VMA call between enter and exit
        self.history = {}	# every VMA key this address space had -> lineage ids
        self.names = {}		# VMA key -> what the kernel calls it ([heap], a path...)
        self.start_brk = None

    now = 0	# the time of the record being replayed (set by the Oracle)

    def touch(self, v):
        self.history.setdefault(v.key(), set()).add(v.lineage)
        self.names[v.key()] = v.name()

    def copy_for_fork(self, new_anon_vma):
        a = AddressSpace()
        for v in self.vmas:
            if v.flags.get('dontfork'):
                continue
            c = v.copy()
            if v.anon_vma is not None:
                c.anon_vma = new_anon_vma()
            a.vmas.append(c)
            a.starts.append(c.start)
            a.touch(c)
        a.brk = self.brk
        a.start_brk = self.start_brk
        return a

    def find(self, addr):
        i = bisect.bisect_right(self.starts, addr) - 1
        if i >= 0 and self.vmas[i].end > addr:
            return self.vmas[i]
        return None

    def index_of(self, v):
        i = bisect.bisect_left(self.starts, v.start)
        return i if i < len(self.vmas) and self.vmas[i] is v else None

    def overlapping(self, start, end):
        i = max(bisect.bisect_right(self.starts, start) - 1, 0)
        out = []
        while i < len(self.vmas) and self.vmas[i].start < end:
            if self.vmas[i].end > start:
                out.append(self.vmas[i])
            i += 1
        return out

    def _remove(self, v):
        i = self.index_of(v)
        del self.vmas[i]
        del self.starts[i]

    def insert(self, v):
        i = bisect.bisect_left(self.starts, v.start)
        self.vmas.insert(i, v)
        self.starts.insert(i, v.start)
        self.touch(v)

    def split(self, addr):
        """Split the VMA containing addr at addr (no-op on a boundary)."""
        v = self.find(addr)
        if v is None or v.start == addr:
            return
        right = v.copy(start=addr, pgoff=v.pgoff + (addr - v.start))
        v.end = addr
        self.touch(v)
        self.insert(right)

    def carve(self, start, end):
        """Unmap [start, end): returns the pieces removed, in address order."""
        self.split(start)
        self.split(end)
        out = self.overlapping(start, end)
        for v in out:
            self._remove(v)
        return out

    def try_merge(self, v, stats):
        """Merge v with its neighbours where the kernel would (inferred)."""
        i = self.index_of(v)
        if i is None:
            return v
        if i + 1 < len(self.vmas) and can_merge(v, self.vmas[i + 1]):
            n = self.vmas[i + 1]
            self._remove(n)
            v.end = n.end
            v.anon_vma = v.anon_vma if v.anon_vma is not None else n.anon_vma
            v.lineage = LINEAGE.union(v.lineage, n.lineage)
            stats['inferred merges'] += 1
            i = self.index_of(v)
        if i > 0 and can_merge(self.vmas[i - 1], v):
            p = self.vmas[i - 1]
            self._remove(v)
            p.end = v.end
            p.anon_vma = p.anon_vma if p.anon_vma is not None else v.anon_vma
            p.lineage = LINEAGE.union(p.lineage, v.lineage)
            stats['inferred merges'] += 1
            v = p
        self.touch(v)
        return v

    def set_attr(self, start, end, fn, stats):
        """Apply fn to every VMA piece in [start, end); fn returns True if it
        changed the piece. Changed pieces are split off and may merge back."""
        changed = []
        for v in self.overlapping(start, end):
            probe = v.copy()
            if not fn(probe):
                continue
            self.split(max(start, v.start))
            self.split(min(end, v.end))
        for v in self.overlapping(start, end):
            if fn(v):
                changed.append(v)
        for v in changed:
            if self.index_of(v) is not None:
                self.touch(v)
                self.try_merge(v, stats)
        return changed


class SimRow:
    """A row of vmtrace's row model, simulated (see the module's docstring)."""
    __slots__ = ('pid', 'image', 'anchor', 'down', 'start', 'end', 'perms', 'ident', 'pgoff',
                 'lineage', 'faults', 'state', 'born', 'retired', 'history', 'name', 'serial', 'heap')
    serials = 0

    def __init__(self, pid, image, v, anchor, t):
        self.pid, self.image, self.anchor = pid, image, anchor
        self.down = v.stack
        self.start, self.end, self.perms, self.ident, self.pgoff = \
            v.start, v.end, v.perms, v.ident, v.pgoff
        self.lineage = v.lineage
        self.name = v.name()
        self.heap = v.heap
        self.faults = []
        self.state = 'live'
        self.born, self.retired = t, None
        self.history = [(t, 'born in %x-%x' % (v.start, v.end))]
        SimRow.serials += 1
        self.serial = SimRow.serials

    def same_object(self, v):
        """vmtrace's test: the same file (dev, inode), or both without one."""
        return self.ident.fold_key() == v.ident.fold_key()

    def holds(self, v):
        """vmtrace's row_holds(): can the row go on counting VMA v?"""
        return (self.same_object(v) and self.perms == v.perms and v.start <= self.start and
                v.end >= self.end and
                (self.ident.kind not in ('file', 'anon:shared') or self.down or
                 v.pgoff == self.pgoff))

    def key(self):
        return (self.start, self.end, self.perms, self.ident.key(),
                self.pgoff if self.ident.kind == 'file' else None)

    def fold_key(self):
        """vmtrace's identity of a retired row (struct vmt_dead_key): the image,
        the file, perms, kind, size, and for a changed row its start; for
        memory without a file the size class (the power of two the size rounds
        up to) and no start."""
        size = self.end - self.start
        if self.ident.kind in ('file', 'anon:shared') or self.heap:
            return (self.state, self.ident.fold_key(), self.perms, self.down, self.heap,
                    size, self.start if self.state == 'changed' else None)
        return (self.state, self.ident.fold_key(), self.perms, self.down, False,
                1 << (size - 1).bit_length() if size > 1 else size, None)

    def __repr__(self):
        return '<row %x-%x %s %r %s, %d faults>' % (self.start, self.end, self.perms,
                                                    self.ident, self.state, len(self.faults))


class Fault:
    __slots__ = ('t', 'tid', 'pid', 'addr', 'ec', 'user', 'status', 'vma', 'key', 'key_end',
                 'image', 'ambiguous', 'counted', 'perms', 'lineage', 'name', 'row')

    def access(self):
        return 'exec' if self.ec & X86_PF_INSTR else 'write' if self.ec & X86_PF_WRITE else 'read'

    def wp(self):
        return (self.ec & (X86_PF_PROT | X86_PF_WRITE)) == (X86_PF_PROT | X86_PF_WRITE)


class Image:
    def __init__(self, pid, index, comm, start_t):
        self.pid, self.index, self.comm, self.start_t = pid, index, comm, start_t
        self.faults = []
        self.rows = []		# SimRows made in this image, in order
        self.exe = None		# the executable's path (for [bss] labels)


class Process:
    def __init__(self, pid, ppid, aspace, comm):
        self.pid, self.ppid = pid, ppid
        self.aspace = aspace
        self.comm = comm
        self.images = []
        self.traced = False	# faults count from here on
        self.shares_parent_mm = False
        self.exe = None		# the file mapped first after the last exec
        self.rows = {}		# anchor -> live SimRow


class Oracle:
    """Replays a perf.data recording of `perf record ... -- vmtrace ... -- CMD`."""

    SYSCALLS = ('mmap', 'munmap', 'mprotect', 'pkey_mprotect', 'mremap', 'brk', 'madvise',
                'mlock', 'mlock2', 'munlock', 'mlockall', 'munlockall', 'shmdt', 'execve',
                'execveat', 'prctl')

    def __init__(self, path, marker_len=None):
        global LINEAGE
        LINEAGE = Lineage()
        self.perf = perfdata.PerfData(path)
        self.stats = collections.Counter()
        self.warnings = []
        self.procs = {}		# tgid -> Process (the traced tree only)
        self.vmtrace_pid = None
        self.target_pid = None
        self.clone_flags = {}
        self.pending = collections.defaultdict(list)	# tid -> recent faults
        self.syscall_args = {}	# tid -> (name, fields, time)
        self._anon_vma = 0
        self.maps_marks = []	# (pid, time, [VMAs]): model snapshots at marker calls
        self.marker_len = marker_len
        self.watch = None	# (pid, address): log what happens to the VMA there
        self.watch_log = []

    # ---- the history of one address (explain.py) ----

    def _watched(self):
        p = self.procs.get(self.watch[0])
        if p is None:
            return None
        v = p.aspace.find(self.watch[1])
        return (v.key(), v.name()) if v else None

    def _watch_step(self, r, before):
        pid, addr = self.watch
        if r.pid != pid:
            return
        after = self._watched()
        if r.kind == 'sample' and r.event.startswith('exceptions:') and before and \
                before[0][0] <= r.fields['address'] < before[0][1]:
            self.watch_log.append((r.time, 'fault', r.fields['address'], r.tid, before))
        if after != before:
            what = r.kind if r.kind != 'sample' else r.event.split(':')[-1]
            call = self.syscall_args.get(r.tid)
            if r.kind == 'sample' and r.event.startswith('syscalls:sys_exit_'):
                call = self.last_exit
            self.watch_log.append((r.time, 'change', what, r.tid, after,
                                   r.data if r.kind == 'mmap2' else call))

    def new_anon_vma(self):
        self._anon_vma += 1
        return self._anon_vma

    # ---- processes ----

    def _image(self, p, comm, t):
        img = Image(p.pid, len(p.images), comm, t)
        img.aspace = p.aspace
        img.exe = p.exe
        p.images.append(img)
        return img

    def on_comm(self, r):
        d = r.data
        if not d['exec']:
            if r.pid in self.procs and r.tid == r.pid:	# not a thread's name
                self.procs[r.pid].comm = d['comm']
            return
        if self.vmtrace_pid is None:
            # perf's workload: vmtrace itself; its address space is replayed so
            # that its children's copies are known, its faults are not checked
            self.vmtrace_pid = r.pid
            self.procs[r.pid] = Process(r.pid, 0, AddressSpace(), d['comm'])
            return
        p = self.procs.get(r.pid)
        if p is None:
            return
        self._retire_all(p, 'exec')
        p.aspace = AddressSpace()
        p.shares_parent_mm = False
        p.comm = d['comm']
        p.exe = None
        if p.traced:
            self._image(p, d['comm'], r.time)
        # the spawned command is traced from its first exec's end (sched_process_exec)

    def on_exec_tp(self, r):
        p = self.procs.get(r.pid)
        if p is None or r.pid == self.vmtrace_pid or p.traced:
            return
        if r.pid == self.target_pid:
            p.traced = True
            self._image(p, p.comm, r.time)

    def on_fork(self, r):
        d = r.data
        if d['pid'] == d['ppid']:
            return	# a thread
        parent = self.procs.get(d['ppid'])
        if parent is None:
            return
        flags = self.clone_flags.pop(d['tid'], 0)
        if flags & CLONE_VM:
            aspace = parent.aspace
        else:
            aspace = parent.aspace.copy_for_fork(self.new_anon_vma)
        child = Process(d['pid'], d['ppid'], aspace, parent.comm)
        child.exe = parent.exe
        child.shares_parent_mm = bool(flags & CLONE_VM)
        self.procs[d['pid']] = child
        if d['ppid'] == self.vmtrace_pid and self.target_pid is None:
            self.target_pid = d['pid']	# vmtrace's command (traced from its exec)
        elif parent.traced or d['ppid'] == self.target_pid:
            child.traced = True		# a traced process's child: from its first instruction
            self._image(child, parent.comm, r.time)

    # ---- mappings ----

    def on_mmap2(self, r):
        """A VMA as the kernel left it after an mmap(), brk(), mprotect() or exec:
        what it covers is replaced. The pieces it grew over or merged with are
        its ancestors (the same VMA over time); pieces that a MAP_FIXED mmap()
        or an exec replaced are not."""
        p = self.procs.get(r.pid)
        if p is None:
            return
        d = r.data
        a = p.aspace
        start, end = d['start'], d['start'] + d['len']
        call = self.syscall_args.get(r.tid)
        name, args = (call[0], call[1]) if call else (None, None)
        replaced = (0, 0)
        if name == 'mmap' and args['flags'] & (MAP_FIXED | MAP_FIXED_NOREPLACE):
            replaced = (page_down(args['addr']), page_up(args['addr'] + args['len']))
            a.split(replaced[0])
            a.split(replaced[1])
        old = a.carve(start, end)
        if name in ('mmap', 'brk', 'mprotect', 'pkey_mprotect'):
            ancestors = [v for v in old if not (replaced[0] <= v.start and v.end <= replaced[1])]
        else:
            ancestors = []
        ident = Ident.from_mmap2(d)
        anon_vma = next((v.anon_vma for v in ancestors if v.anon_vma is not None), None)
        flags = dict(ancestors[0].flags) if ancestors else {}
        if d['flags'] & MAP_LOCKED:
            flags['locked'] = True
        lineage = None
        for v in ancestors:
            lineage = v.lineage if lineage is None else LINEAGE.union(lineage, v.lineage)
        v = Vma(start, end, perms_of(d['prot'], d['flags']), ident, d['pgoff'], flags,
                anon_vma, stack=d['filename'] == '[stack]', lineage=lineage)
        # perf names a brk() growth before the kernel moves mm->brk: the first
        # one, and any that makes a VMA of its own (a forked child's heap does
        # not merge with the parent's pages), reads //anon, yet the kernel
        # calls every VMA in the brk area [heap]
        v.heap = d['filename'] == '[heap]' or (ident.kind == 'anon' and (
            start == a.start_brk or (name == 'brk' and a.start_brk is not None and
                                     a.start_brk <= start < args['brk'])))
        a.insert(v)
        self.stats['MMAP2 events'] += 1
        self._vma_change(a, min(start, replaced[0] or start), max(end, replaced[1]),
                         'MMAP2 %x-%x %s %s%s' % (start, end, v.perms, d['filename'],
                                                  ' (%s)' % name if name else ''))
        if p.exe is None and ident.kind == 'file':
            p.exe = ident.path
            if p.images and p.images[-1].exe is None:
                p.images[-1].exe = ident.path

    def on_sys_enter(self, r, name):
        self.syscall_args[r.tid] = (name, r.fields, r.time)
        p = self.procs.get(r.pid)
        if p is None:
            return
        f = r.fields
        rng = []
        if name in ('munmap', 'mprotect', 'pkey_mprotect', 'madvise', 'mlock', 'mlock2',
                    'munlock'):
            start = f.get('addr', f.get('start', 0))
            rng = [(page_down(start), page_up(start + f.get('len', f.get('len_in', 0))))]
        elif name == 'mremap':
            rng = [(f['addr'], page_up(f['addr'] + max(f['old_len'], f['new_len'])))]
            if f['flags'] & MREMAP_FIXED:
                rng.append((f['new_addr'], page_up(f['new_addr'] + f['new_len'])))
        elif name == 'brk' and p.aspace.brk is not None:
            lo, hi = sorted((p.aspace.brk, f['brk'] or p.aspace.brk))
            rng = [(page_down(lo), page_up(hi))]
        if name == 'munmap' and self.marker_len and f['len'] == self.marker_len:
            self.maps_marks.append((r.pid, r.time, [v.copy() for v in p.aspace.vmas]))
            return	# a marker: fails with EINVAL, changes nothing
        if rng:
            p.aspace.inflight[r.tid] = rng

    def on_sys_exit(self, r, name):
        ent = self.syscall_args.pop(r.tid, None)
        self.last_exit = (name, dict(ent[1] if ent else {}, ret=r.fields['ret']))
        p = self.procs.get(r.pid)
        if p is None or ent is None or ent[0] != name:
            return
        p.aspace.inflight.pop(r.tid, None)
        f, ret = ent[1], r.fields['ret']
        a = p.aspace
        cause = '%s(%s) = %s by tid %d' % (
            name, ', '.join('%x' % v for k, v in f.items()
                            if k != '__syscall_nr' and isinstance(v, int)),
            ('%x' % ret) if ret >= 0 else ret, r.tid)
        if name == 'brk':
            if a.start_brk is None and f['brk'] == 0 and ret > 0:
                a.start_brk = ret	# the first brk(0): where the heap starts
            if a.brk is not None and 0 <= ret < a.brk:
                if a.carve(page_up(ret), page_up(a.brk)):
                    self.stats['brk shrinks'] += 1
                    self._vma_change(a, page_up(ret), page_up(a.brk), cause)
            if ret > 0:
                a.brk = ret
            return
        if ret < 0:
            return
        if name == 'munmap' or name == 'shmdt':
            if name == 'munmap':
                a.carve(page_down(f['addr']), page_up(f['addr'] + f['len']))
                self.stats['munmaps'] += 1
                self._vma_change(a, page_down(f['addr']), page_up(f['addr'] + f['len']), cause)
        elif name in ('mprotect', 'pkey_mprotect'):
            self._check_mprotect(a, f)
            self._vma_change(a, page_down(f['start']), page_up(f['start'] + f['len']), cause)
        elif name == 'mremap':
            self._mremap(a, f, ret)
            self._vma_change(a, page_down(f['addr']),
                             page_up(f['addr'] + max(f['old_len'], f['new_len'])), cause)
            if ret != page_down(f['addr']):
                self._vma_change(a, ret, ret + page_up(f['new_len']), cause)
        elif name == 'madvise':
            adv = MADV_FLAGS.get(f['behavior'])
            if adv:
                key, val = adv
                start, end = page_down(f['start']), page_up(f['start'] + f['len_in'])

                def fn(v, key=key, val=val):
                    if v.flags.get(key) == val or (not v.flags.get(key) and not val):
                        return False
                    v.flags[key] = val
                    return True
                if a.set_attr(start, end, fn, self.stats):
                    self.stats['madvise flag changes'] += 1
                    self._vma_change(a, start, end, cause)
        elif name in ('mlock', 'mlock2', 'munlock'):
            start, end = page_down(f['start']), page_up(f['start'] + f['len'])
            val = name != 'munlock'

            def fn(v, val=val):
                if bool(v.flags.get('locked')) == val:
                    return False
                v.flags['locked'] = val
                return True
            a.set_attr(start, end, fn, self.stats)
            self.stats['mlock calls'] += 1
            self._vma_change(a, start, end, cause)
        elif name in ('mlockall', 'munlockall'):
            for v in a.vmas:
                v.flags['locked'] = name == 'mlockall'
            self.stats['mlockall calls'] += 1
            self._vma_change(a, 0, 1 << 64, cause)
        elif name == 'prctl' and f.get('option') == 0x53564d41:
            self.warnings.append('pid %d: prctl(PR_SET_VMA) not modelled' % r.pid)

    def _check_mprotect(self, a, f):
        """The MMAP2 events of an mprotect() came before its exit: every piece of
        the range must have the new permissions. Fixed up (and counted) if not."""
        start, end = page_down(f['start']), page_up(f['start'] + f['len'])
        prot = f['prot'] & 7

        def fn(v):
            want = perms_of(prot, MAP_SHARED if v.perms[3] == 's' else 0)
            if v.perms == want:
                return False
            v.perms = want
            return True
        if a.set_attr(start, end, fn, self.stats):
            self.stats['mprotect without MMAP2 (model fixed up)'] += 1

    def _mremap(self, a, f, ret):
        old, old_len = page_down(f['addr']), page_up(f['old_len'])
        new_len = page_up(f['new_len'])
        self.stats['mremaps'] += 1
        if ret == old and not (f['flags'] & MREMAP_FIXED and f['new_addr'] != old):
            if new_len < old_len:
                a.carve(old + new_len, old + old_len)
            elif new_len > old_len:
                v = a.find(old + old_len - 1)
                if v is None or v.end != old + old_len:
                    self.warnings.append('mremap grow at %x: no VMA ends at %x' %
                                         (old, old + old_len))
                    return
                a.carve(old + old_len, old + new_len)	# was free: nothing there
                v.end = old + new_len
                a.touch(v)
                a.try_merge(v, self.stats)
            return
        # moved
        if old_len == 0:	# a shared mapping duplicated
            pieces = [v.copy() for v in a.overlapping(old, old + 1)]
            for v in pieces:
                v.start, v.end = old, old + new_len
        elif f['flags'] & MREMAP_DONTUNMAP:
            pieces = [v.copy() for v in a.overlapping(old, old + old_len)]
            a.split(old)
            a.split(old + old_len)
            pieces = [v.copy() for v in a.overlapping(old, old + old_len)]
        else:
            pieces = a.carve(old, old + old_len)
        delta = ret - old
        a.carve(ret, ret + new_len)
        moved = []
        for v in pieces:
            v.start += delta
            v.end += delta
            moved.append(v)
        if moved and new_len > old_len and old_len:
            moved[-1].end = ret + new_len
        for v in moved:
            a.insert(v)
        for v in moved:
            a.try_merge(v, self.stats)

    # ---- faults ----

    def lookup(self, p, addr):
        a = p.aspace
        v = a.find(addr)
        if v is None:
            # a fault below a [stack] VMA, within the guard gap, grows it
            i = bisect.bisect_right(a.starts, addr)
            if i < len(a.vmas) and a.vmas[i].stack and a.vmas[i].start - addr <= STACK_GUARD_GAP:
                s = a.vmas[i]
                below = a.vmas[i - 1].end if i > 0 else 0
                if page_down(addr) >= below:
                    old = s.start
                    a.starts[i] = s.start = page_down(addr)
                    s.pgoff = s.start
                    a.touch(s)
                    self.stats['stack growths'] += 1
                    self._vma_change(a, s.start, old, 'stack growth')
                    return s
        return v

    def _inflight(self, p, tid, addr):
        for t, rngs in p.aspace.inflight.items():
            if t != tid and any(s <= addr < e for s, e in rngs):
                return True
        return False

    def on_fault(self, r, user):
        p = self.procs.get(r.pid)
        if p is None:
            return
        fl = r.fields
        f = Fault()
        f.t, f.tid, f.pid, f.addr, f.ec, f.user = r.time, r.tid, r.pid, fl['address'], \
            fl['error_code'], user
        f.status = 'disabled'
        f.counted = p.traced and r.pid != self.vmtrace_pid and f.addr < KERNEL_SPLIT
        v = self.lookup(p, f.addr) if f.addr < KERNEL_SPLIT else None
        f.vma = v
        f.key = f.key_end = v.key() if v else None
        f.perms = v.perms if v else None
        f.lineage = v.lineage if v else None
        f.name = v.name() if v else None
        f.ambiguous = self._inflight(p, r.tid, f.addr)
        f.row = None
        f.image = p.images[-1] if (f.counted and p.images) else None
        if f.image is not None:
            f.image.faults.append(f)
        pend = self.pending[r.tid]
        pend.append(f)
        if len(pend) > 8:
            del pend[0]

    def _match(self, r, handled_only):
        pend = self.pending.get(r.tid)
        if not pend or r.addr is None:
            return None
        for f in reversed(pend):
            if f.addr == r.addr and (f.status == 'disabled') != handled_only:
                return f
        for f in reversed(pend):
            if page_down(f.addr) == page_down(r.addr) and (f.status == 'disabled') != handled_only:
                return f
        return None

    def on_sw(self, r):
        p = self.procs.get(r.pid)
        if r.event == 'page-faults':
            f = self._match(r, handled_only=False)
            if f is None:
                self.stats['page-faults events without a fault tracepoint'] += 1
                return
            f.status = 'error'
            if p is not None and f.addr < KERNEL_SPLIT:
                v = p.aspace.find(f.addr)
                f.key_end = v.key() if v else None
                if f.image is not None and v is not None:
                    self._fault_row(p, f, v, r.time)
            return
        f = self._match(r, handled_only=True)
        if f is None or f.status != 'error':
            self.stats['accounting events without a pending fault'] += 1
            return
        f.status = 'major' if r.event == 'major-faults' else 'minor'
        if p is not None and f.addr < KERNEL_SPLIT:
            v = p.aspace.find(f.addr)
            if v is not None and (f.ec & X86_PF_WRITE) and v.perms[3] == 'p' and \
                    v.anon_vma is None:
                v.anon_vma = self.new_anon_vma()	# first write: anon_vma_prepare()
            k = v.key() if v else None
            if k != f.key:
                f.key_end = k

    # ---- vmtrace's rows, simulated ----

    def _retire(self, p, row, state, t, why):
        row.state = state
        row.retired = t
        row.history.append((t, 'retired (%s): %s' % (state, why)))
        if p.rows.get(row.anchor) is row:
            del p.rows[row.anchor]

    def _retire_all(self, p, why):
        for row in sorted(p.rows.values(), key=lambda r: r.anchor):
            self._retire(p, row, 'unmapped', AddressSpace.now, why)
        p.rows = {}

    def _vma_change(self, a, lo, hi, cause):
        """VMAs in [lo, hi) (and next to it) changed: every live row there, of
        every process using address space a, is checked against its VMA."""
        for p in self.procs.values():
            if p.aspace is not a or not p.rows:
                continue
            rows = sorted((r for r in p.rows.values() if r.start - PAGE < hi and r.end + PAGE > lo),
                          key=lambda r: r.anchor)
            for row in rows:
                if row.state == 'live':
                    self._reval(p, row, cause)

    def _reval(self, p, row, cause):
        t = AddressSpace.now
        w = p.aspace.find(row.anchor - 1 if row.down else row.anchor)
        if w is None:
            self._retire(p, row, 'unmapped', t, '%s; no VMA at its anchor %x' % (cause, row.anchor))
            return
        if LINEAGE.find(w.lineage) != LINEAGE.find(row.lineage) or not row.same_object(w):
            self._retire(p, row, 'unmapped', t,
                         '%s; another mapping there: %s' % (cause, w.short()))
            return
        anchor = w.end if w.stack else w.start
        if anchor != row.anchor:
            other = p.rows.get(anchor)
            if row.down or w.stack or (other is not None and other is not row):
                self._retire(p, row, 'changed', t, '%s; merged into %s%s' % (
                    cause, w.short(), ', which has a row' if other is not None else ''))
                return
            del p.rows[row.anchor]
            row.anchor = anchor
            p.rows[anchor] = row
        if not row.holds(w):
            self._retire(p, row, 'changed', t, '%s; its VMA now %s' % (cause, w.short()))
        elif (w.start, w.end) != (row.start, row.end):
            row.history.append((t, 'grew to %x-%x: %s' % (w.start, w.end, cause)))
            row.start, row.end = w.start, w.end

    def _fault_row(self, p, f, v, t):
        """The row a handled fault counts in (vmtrace's vma_row())."""
        anchor = v.end if v.stack else v.start
        row = p.rows.get(anchor)
        if row is not None and row.ident is v.ident and row.lineage == v.lineage and \
                row.start == v.start and row.end == v.end and row.perms == v.perms:
            row.faults.append(f)	# the usual case: the row's VMA as it was
            f.row = row
            return
        if row is not None and (LINEAGE.find(v.lineage) != LINEAGE.find(row.lineage) or
                                not row.holds(v)):
            # a change no re-evaluation saw: vmtrace retires the row at the fault
            self.stats['rows retired at a fault'] += 1
            self._retire(p, row, 'changed' if row.same_object(v) else 'unmapped', t,
                         'a fault finds %s' % v.short())
            row = None
        if row is None:
            row = SimRow(p.pid, f.image, v, anchor, t)
            p.rows[anchor] = row
            f.image.rows.append(row)
        elif (v.start, v.end) != (row.start, row.end):
            row.history.append((t, 'grew to %x-%x: a fault' % (v.start, v.end)))
            row.start, row.end = v.start, v.end
        row.faults.append(f)
        f.row = row

    # ---- driver ----

    def run(self):
        recs = self.perf.records()
        for r in recs:
            AddressSpace.now = r.time
            if self.watch is not None:
                before = self._watched()
            if r.kind == 'comm':
                self.on_comm(r)
            elif r.kind == 'fork':
                self.on_fork(r)
            elif r.kind == 'mmap2':
                self.on_mmap2(r)
            elif r.kind == 'sample':
                ev = r.event
                if ev == 'exceptions:page_fault_user':
                    self.on_fault(r, True)
                elif ev == 'exceptions:page_fault_kernel':
                    self.on_fault(r, False)
                elif ev in ('page-faults', 'minor-faults', 'major-faults'):
                    self.on_sw(r)
                elif ev.startswith('syscalls:sys_enter_'):
                    self.on_sys_enter(r, ev[len('syscalls:sys_enter_'):])
                elif ev.startswith('syscalls:sys_exit_'):
                    self.on_sys_exit(r, ev[len('syscalls:sys_exit_'):])
                elif ev == 'sched:sched_process_exec':
                    self.on_exec_tp(r)
                elif ev == 'task:task_newtask':
                    self.clone_flags[r.fields['pid']] = r.fields['clone_flags']
            if self.watch is not None:
                self._watch_step(r, before)
        for p in self.procs.values():
            for img in p.images:
                for f in img.faults:
                    if f.key != f.key_end:
                        f.ambiguous = True
                    if f.ambiguous:
                        self.stats['ambiguous faults'] += 1
        return self
