# SPDX-License-Identifier: GPL-2.0
"""
Threads and mapping churn, in Debian's python3 (standard library only):
threads allocating and freeing through glibc's per-thread arenas (mmap,
mprotect growth, munmap trims) and Python's obmalloc arenas, anonymous
mmap()s resized (mremap), a file mapped and read, thread stacks mapped and
unmapped, a main-arena heap that grows and shrinks, and futex waits on pages
not yet faulted (the kernel reads them with page faults disabled first).

/proc/self/maps is copied to argv[2].N at points where no other thread
maps anything (one worker running alone, then between phases), between two
marker system calls (munmap(1, MARKER_LEN): EINVAL, no effect, but traced):
the oracle compares its replayed address space with the kernel's there.
"""
import ctypes
import mmap
import os
import sys
import threading

MARKER_LEN = 0x7a3c1000

workdir = sys.argv[1]
maps_out = sys.argv[2]
libc = ctypes.CDLL(None, use_errno=True)
libc.munmap.argtypes = (ctypes.c_void_p, ctypes.c_size_t)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
libc.malloc_trim.argtypes = (ctypes.c_size_t,)


snaps = 0
buf = bytearray(4 << 20)
view = memoryview(buf)


def touch(buf, step=4096):
    for i in range(0, len(buf), step):
        buf[i] = 1


def snapshot():
    """/proc/self/maps into the next snapshot file, between two markers."""
    global snaps
    fd = os.open('/proc/self/maps', os.O_RDONLY)
    libc.munmap(1, MARKER_LEN)
    n = 0
    while True:
        got = os.readv(fd, [view[n:]])
        if got <= 0:
            break
        n += got
    libc.munmap(1, MARKER_LEN)
    os.close(fd)
    with open('%s.%d' % (maps_out, snaps), 'wb') as f:
        f.write(bytes(view[:n]))
    snaps += 1


def worker(n, snap=lambda: None):
    keep = []
    for i in range(120):
        b = bytearray(24 * 1024 * (1 + (i * 7 + n) % 11))	# some under, some over the mmap threshold
        touch(b)
        keep.append(b)
        if len(keep) > 6:
            keep.pop(0)
        if i % 15 == 0:
            m = mmap.mmap(-1, 256 * 1024, flags=mmap.MAP_PRIVATE)
            snap()
            touch(m)
            m.resize(768 * 1024)				# mremap, maybe moved
            snap()
            touch(m)
            m.resize(128 * 1024)				# mremap shrink
            snap()
            m.close()
            snap()
    shared = mmap.mmap(-1, 64 * 1024)				# MAP_SHARED|MAP_ANONYMOUS
    touch(shared)
    snap()
    shared.close()
    small = [str(j) * 3 for j in range(3000 + 500 * n)]	# obmalloc pools and arenas
    del small
    snap()


# a file, mapped and read
path = os.path.join(workdir, 'churn.bin')
with open(path, 'wb') as f:
    f.write(bytes(range(256)) * 4096 * 2)
with open(path, 'rb') as f:
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    total = sum(m[i] for i in range(0, len(m), 4096))
    m.close()

# futex(FUTEX_WAIT) on pages never touched: the kernel reads the futex word
# with page faults disabled first (a fault event it never handles nor counts),
# then faults the page in for real and reads again (1 != 0: EAGAIN at once)
fm = mmap.mmap(-1, 8 * 4096, flags=mmap.MAP_PRIVATE)
word = ctypes.c_char.from_buffer(fm)
base = ctypes.addressof(word)
for i in range(8):
    libc.syscall(ctypes.c_long(202), ctypes.c_void_p(base + i * 4096), ctypes.c_int(128),
                 ctypes.c_int(1), ctypes.c_void_p(0))
del word
fm.close()

snapshot()
worker(9, snapshot)	# alone first, the kernel's view after each change
snapshot()
for rnd in range(3):
    threads = [threading.Thread(target=worker, args=(i + rnd,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

# the main arena's heap: grown by brk, then given back (a shrink)
blocks = [libc.malloc(100 * 1024) for _ in range(40)]
for p in blocks:
    ctypes.memset(p, 1, 100 * 1024)
for p in reversed(blocks):
    libc.free(p)
snapshot()
libc.malloc_trim(0)

snapshot()
print(total, snaps)
