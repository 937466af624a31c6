# SPDX-License-Identifier: GPL-2.0
"""
A reader for perf.data files (the format perf record writes, "PERFILE2"),
standard library only: enough of it for the oracle, and nothing taken on
trust from `perf script`'s text (its tracepoint printer formats user
addresses with %ps, and its Python engine has no MMAP2 callback).

Records come back as small objects in time order (perf writes each CPU's
buffer as it drains; the oracle needs one global order). Tracepoint samples
are decoded with the field offsets of the running kernel's tracefs "format"
files, so a perf.data is only decoded on the kernel that recorded it.
"""
import os
import struct

# perf_event_header.type
REC_MMAP, REC_LOST, REC_COMM, REC_EXIT, REC_THROTTLE, REC_UNTHROTTLE = 1, 2, 3, 4, 5, 6
REC_FORK, REC_READ, REC_SAMPLE, REC_MMAP2, REC_LOST_SAMPLES = 7, 8, 9, 10, 13

MISC_COMM_EXEC = 1 << 13
MISC_MMAP_BUILD_ID = 1 << 14

# perf_event_attr.sample_type bits, in the order their fields appear in a sample
S_IP, S_TID, S_TIME, S_ADDR, S_READ, S_CALLCHAIN, S_ID, S_CPU = 1, 2, 4, 8, 16, 32, 64, 128
S_PERIOD, S_STREAM_ID, S_RAW, S_BRANCH_STACK = 1 << 8, 1 << 9, 1 << 10, 1 << 11
S_REGS_USER, S_STACK_USER, S_WEIGHT, S_DATA_SRC = 1 << 12, 1 << 13, 1 << 14, 1 << 15
S_IDENTIFIER, S_TRANSACTION, S_REGS_INTR, S_PHYS_ADDR = 1 << 16, 1 << 17, 1 << 18, 1 << 19
S_CGROUP, S_DATA_PAGE_SIZE, S_CODE_PAGE_SIZE, S_WEIGHT_STRUCT = 1 << 21, 1 << 22, 1 << 23, 1 << 24
SUPPORTED = (S_IP | S_TID | S_TIME | S_ADDR | S_ID | S_CPU | S_PERIOD | S_STREAM_ID | S_RAW |
             S_WEIGHT | S_DATA_SRC | S_IDENTIFIER | S_TRANSACTION | S_PHYS_ADDR | S_CGROUP |
             S_DATA_PAGE_SIZE | S_CODE_PAGE_SIZE | S_WEIGHT_STRUCT)

PERF_TYPE_SOFTWARE, PERF_TYPE_TRACEPOINT = 1, 2
SW_NAMES = {2: 'page-faults', 5: 'minor-faults', 6: 'major-faults'}


class PerfDataError(Exception):
    pass


def tracefs_dir():
    for d in ('/sys/kernel/tracing', '/sys/kernel/debug/tracing'):
        if os.path.isdir(os.path.join(d, 'events')):
            return d
    raise PerfDataError('no tracefs (mount -t tracefs nodev /sys/kernel/tracing)')


class TpFormat:
    """One tracepoint's fields: name -> (offset, size, signed, data_loc)."""

    def __init__(self, system, name, path):
        self.name = '%s:%s' % (system, name)
        self.fields = {}
        self.id = None
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith('ID:'):
                    self.id = int(line.split()[1])
                if not line.startswith('field:'):
                    continue
                parts = dict(p.strip().split(':', 1) for p in line.split(';') if ':' in p)
                decl = parts['field'].strip()
                data_loc = decl.startswith('__data_loc')
                fname = decl.split()[-1].split('[')[0]
                self.fields[fname] = (int(parts['offset']), int(parts['size']),
                                      parts.get('signed', '0').strip() == '1', data_loc)

    def decode(self, raw):
        out = {}
        for fname, (off, size, signed, data_loc) in self.fields.items():
            if fname.startswith('common_'):
                continue
            if data_loc:
                loc = struct.unpack_from('<I', raw, off)[0]
                start, length = loc & 0xffff, loc >> 16
                out[fname] = raw[start:start + length].split(b'\0', 1)[0].decode(
                    'utf-8', 'replace')
            elif size in (1, 2, 4, 8) and off + size <= len(raw):
                fmt = {1: 'b', 2: 'h', 4: 'i', 8: 'q'}[size]
                out[fname] = struct.unpack_from('<' + (fmt if signed else fmt.upper()), raw, off)[0]
            else:
                out[fname] = raw[off:off + size].split(b'\0', 1)[0].decode('utf-8', 'replace')
        return out


def tracepoint_formats():
    """Every tracepoint of this kernel that the oracle may record, by id."""
    base = os.path.join(tracefs_dir(), 'events')
    out = {}
    for system in ('exceptions', 'syscalls', 'sched', 'task'):
        sdir = os.path.join(base, system)
        if not os.path.isdir(sdir):
            continue
        for name in os.listdir(sdir):
            path = os.path.join(sdir, name, 'format')
            if os.path.isfile(path):
                tp = TpFormat(system, name, path)
                if tp.id is not None:
                    out[tp.id] = tp
    return out


class Attr:
    def __init__(self, raw):
        (self.type, self.size, self.config, self.period, self.sample_type,
         self.read_format, self.flags) = struct.unpack_from('<IIQQQQQ', raw, 0)
        self.sample_id_all = bool(self.flags >> 18 & 1)
        self.name = None
        self.tp = None
        if self.sample_type & ~SUPPORTED:
            raise PerfDataError('unsupported sample_type 0x%x' % self.sample_type)

    def id_trailer_size(self):
        st = self.sample_type
        return 8 * sum(bool(st & b) for b in (S_TID, S_TIME, S_ID, S_STREAM_ID, S_CPU,
                                              S_IDENTIFIER))


class Record:
    __slots__ = ('kind', 'time', 'pid', 'tid', 'cpu', 'seq', 'event', 'addr', 'ip', 'fields',
                 'misc', 'data')

    def __init__(self, kind, seq):
        self.kind = kind
        self.seq = seq
        self.time = 0
        self.pid = self.tid = -1
        self.cpu = -1
        self.event = None
        self.addr = None
        self.ip = None
        self.fields = None
        self.misc = 0
        self.data = None

    def __repr__(self):
        return '<%s %s t=%d %d/%d %s>' % (self.kind, self.event, self.time, self.pid, self.tid,
                                          self.fields or self.data)


class PerfData:
    """perf.data's attributes, decoded records (time-ordered) and losses."""

    def __init__(self, path):
        with open(path, 'rb') as f:
            self.buf = f.read()
        b = self.buf
        if b[:8] != b'PERFILE2':
            raise PerfDataError('%s: not a perf.data file (magic %r)' % (path, b[:8]))
        _, self.attr_size = struct.unpack_from('<QQ', b, 8)
        attrs_off, attrs_size, self.data_off, self.data_size = struct.unpack_from('<4Q', b, 24)
        tps = tracepoint_formats()
        self.attrs = []
        self.by_id = {}
        for off in range(attrs_off, attrs_off + attrs_size, self.attr_size):
            a = Attr(b[off:off + self.attr_size - 16])
            ids_off, ids_size = struct.unpack_from('<QQ', b, off + self.attr_size - 16)
            if a.type == PERF_TYPE_TRACEPOINT:
                a.tp = tps.get(a.config)
                if not a.tp:
                    raise PerfDataError('tracepoint id %d is not in this kernel\'s tracefs'
                                        % a.config)
                a.name = a.tp.name
            elif a.type == PERF_TYPE_SOFTWARE:
                a.name = SW_NAMES.get(a.config, 'sw-%d' % a.config)
            else:
                a.name = 'type%d-%d' % (a.type, a.config)
            self.attrs.append(a)
            for i in range(ids_size // 8):
                self.by_id[struct.unpack_from('<Q', b, ids_off + 8 * i)[0]] = a
        if not self.attrs:
            raise PerfDataError('%s: no events' % path)
        st = {a.sample_type for a in self.attrs}
        if len(self.attrs) > 1 and not all(s & S_IDENTIFIER for s in st):
            raise PerfDataError('several events without PERF_SAMPLE_IDENTIFIER')
        self.lost = 0		# records lost in the ring buffers
        self.lost_samples = 0
        self.throttled = 0	# THROTTLE records: the kernel dropped samples
        self.unknown = {}	# record types skipped, with counts

    def _attr_for(self, ident):
        if len(self.attrs) == 1:
            return self.attrs[0]
        a = self.by_id.get(ident)
        if a is None:
            raise PerfDataError('sample id %d matches no event' % ident)
        return a

    def _trailer(self, rec, start, end):
        """sample_id_all fields at the end of a non-sample record."""
        if len(self.attrs) == 1:
            a = self.attrs[0]
        else:
            a = self.by_id.get(struct.unpack_from('<Q', self.buf, end - 8)[0])
        if a is None or not a.sample_id_all:	# synthesized by perf: no trailer
            return
        p = end - a.id_trailer_size()
        st = a.sample_type
        if st & S_TID:
            rec.pid, rec.tid = struct.unpack_from('<ii', self.buf, p)
            p += 8
        if st & S_TIME:
            rec.time = struct.unpack_from('<Q', self.buf, p)[0]
            p += 8

    def _sample(self, rec, p, end):
        b = self.buf
        if len(self.attrs) > 1:
            a = self._attr_for(struct.unpack_from('<Q', b, p)[0])
        else:
            a = self.attrs[0]
        st = a.sample_type
        if st & S_IDENTIFIER:
            p += 8
        if st & S_IP:
            rec.ip = struct.unpack_from('<Q', b, p)[0]
            p += 8
        if st & S_TID:
            rec.pid, rec.tid = struct.unpack_from('<ii', b, p)
            p += 8
        if st & S_TIME:
            rec.time = struct.unpack_from('<Q', b, p)[0]
            p += 8
        if st & S_ADDR:
            rec.addr = struct.unpack_from('<Q', b, p)[0]
            p += 8
        if st & S_ID:
            p += 8
        if st & S_STREAM_ID:
            p += 8
        if st & S_CPU:
            rec.cpu = struct.unpack_from('<I', b, p)[0]
            p += 8
        if st & S_PERIOD:
            p += 8
        if st & S_RAW:
            size = struct.unpack_from('<I', b, p)[0]
            raw = b[p + 4:p + 4 + size]
            p += 4 + size
            if a.tp:
                rec.fields = a.tp.decode(raw)
        rec.event = a.name

    def records(self):
        """Every record of interest, sorted by time (file order on ties)."""
        b = self.buf
        out = []
        p, end = self.data_off, self.data_off + self.data_size
        seq = 0
        while p + 8 <= end:
            rtype, misc, size = struct.unpack_from('<IHH', b, p)
            if size < 8:
                raise PerfDataError('corrupt record at offset %d' % p)
            q = p + 8
            rend = p + size
            seq += 1
            rec = None
            if rtype == REC_SAMPLE:
                rec = Record('sample', seq)
                self._sample(rec, q, rend)
            elif rtype == REC_MMAP2:
                rec = Record('mmap2', seq)
                pid, tid, addr, length, pgoff = struct.unpack_from('<iiQQQ', b, q)
                q += 32
                if misc & MISC_MMAP_BUILD_ID:
                    maj = mnr = ino = gen = None
                else:
                    maj, mnr, ino, gen = struct.unpack_from('<IIQQ', b, q)
                q += 24
                prot, flags = struct.unpack_from('<II', b, q)
                q += 8
                fname = b[q:rend].split(b'\0', 1)[0].decode('utf-8', 'replace')
                rec.data = dict(pid=pid, tid=tid, start=addr, len=length, pgoff=pgoff,
                                maj=maj, min=mnr, ino=ino, gen=gen, prot=prot, flags=flags,
                                filename=fname)
                self._trailer(rec, q, rend)
                rec.pid, rec.tid = pid, tid
            elif rtype == REC_COMM:
                rec = Record('comm', seq)
                pid, tid = struct.unpack_from('<ii', b, q)
                comm = b[q + 8:rend].split(b'\0', 1)[0].decode('utf-8', 'replace')
                rec.data = dict(comm=comm, exec=bool(misc & MISC_COMM_EXEC))
                self._trailer(rec, q, rend)
                rec.pid, rec.tid = pid, tid
            elif rtype in (REC_FORK, REC_EXIT):
                rec = Record('fork' if rtype == REC_FORK else 'exit', seq)
                pid, ppid, tid, ptid, t = struct.unpack_from('<iiiiQ', b, q)
                rec.data = dict(pid=pid, ppid=ppid, tid=tid, ptid=ptid)
                rec.pid, rec.tid, rec.time = pid, tid, t
            elif rtype == REC_LOST:
                self.lost += struct.unpack_from('<QQ', b, q)[1]
            elif rtype == REC_LOST_SAMPLES:
                self.lost_samples += struct.unpack_from('<Q', b, q)[0]
            elif rtype == REC_THROTTLE:
                self.throttled += 1
            elif rtype in (REC_MMAP, REC_UNTHROTTLE) or 11 <= rtype <= 20 or rtype >= 64:
                pass	# kernel image map, perf's own bookkeeping
            else:
                self.unknown[rtype] = self.unknown.get(rtype, 0) + 1
            if rec is not None:
                rec.misc = misc
                out.append(rec)
            p = rend
        out.sort(key=lambda r: (r.time, r.seq))
        return out
