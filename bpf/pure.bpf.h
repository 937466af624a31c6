/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure functions of the BPF side: they read only their arguments, so the
 * host unit tests (tests/unit/test_bpf_pure.c) compile them too and check
 * them against the kernel's own definitions. Fault classification as x86's
 * access_error(), system call classification, log2 buckets, maple node
 * arithmetic, row identity. Outside BPF it includes fixed-width types only.
 */
#ifndef PURE_BPF_H
#define PURE_BPF_H

#ifdef __bpf__
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#else
#include <linux/types.h>
#include <stdbool.h>
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#endif
#include "vmtrace.h"
#include "vmtrace_priv.bpf.h"
#include "arch_x86.bpf.h"

/* Mirrors the kernel's x86 access_error(): would this fault be refused? */
static __always_inline bool access_error(unsigned long ec, __u64 vm_flags)
{
	if (ec & (X86_PF_PK | X86_PF_SGX | X86_PF_SHSTK))
		return true;
	if (ec & X86_PF_WRITE)
		return !(vm_flags & VM_WRITE);
	if (ec & X86_PF_PROT)
		return true;	/* read of a present page: only pkeys or NX */
	return !(vm_flags & (VM_READ | VM_WRITE | VM_EXEC));
}

enum access { ACC_READ, ACC_WRITE, ACC_EXEC };

/* The access a fault's error code says it was. */
static __always_inline int access_of(unsigned long ec)
{
	return ec & X86_PF_INSTR ? ACC_EXEC : ec & X86_PF_WRITE ? ACC_WRITE : ACC_READ;
}

/* A write to a present page: a write-protect fault (copy-on-write, dirty tracking). */
static __always_inline bool wp_fault(unsigned long ec)
{
	return (ec & (X86_PF_PROT | X86_PF_WRITE)) == (X86_PF_PROT | X86_PF_WRITE);
}

/*
 * madvise() advice that only acts on pages, never on VMAs: no generation
 * bump, so allocators purging memory (MADV_DONTNEED, MADV_FREE) do not send
 * every thread's next fault to bpf_find_vma(). Advice that sets VMA flags
 * (RANDOM, HUGEPAGE, DONTFORK, ...) may split or merge VMAs and does bump.
 */
static __always_inline bool advice_keeps_vmas(__u64 advice)
{
	switch (advice) {
	case 3:		/* MADV_WILLNEED */
	case 4:		/* MADV_DONTNEED */
	case 8:		/* MADV_FREE */
	case 9:		/* MADV_REMOVE */
	case 20:	/* MADV_COLD */
	case 21:	/* MADV_PAGEOUT */
	case 22:	/* MADV_POPULATE_READ */
	case 23:	/* MADV_POPULATE_WRITE */
		return true;
	}
	return false;
}

/*
 * A system call that changes VMAs, by its number: its enum
 * vmt_syscall (VMT_SC_OTHER: not counted), or -1. has_range: an uncounted
 * call whose first two arguments are (addr, len).
 */
static __always_inline int vma_call_of(long id, bool *has_range)
{
	*has_range = true;
	switch (id) {
	case NR_mmap:		return VMT_SC_MMAP;
	case NR_mprotect:	return VMT_SC_MPROTECT;
	case NR_munmap:		return VMT_SC_MUNMAP;
	case NR_brk:		return VMT_SC_BRK;
	case NR_mremap:		return VMT_SC_MREMAP;
	case NR_madvise:	return VMT_SC_MADVISE;
	case NR_mlock:
	case NR_munlock:
	case NR_remap_file_pages:
	case NR_mlock2:
	case NR_pkey_mprotect:
	case NR_mseal:
		return VMT_SC_OTHER;
	case NR_shmat:
	case NR_shmdt:
	case NR_mlockall:
	case NR_munlockall:
		*has_range = false;
		return VMT_SC_OTHER;
	}
	return -1;
}

/* A system call's return value that is an error (-1 .. -MAX_ERRNO). */
static __always_inline bool is_err(long ret)
{
	return (unsigned long)ret >= (unsigned long)-MAX_ERRNO;
}

/* The I/O call a system call number is, and which argument is its fd. */
static __always_inline int io_call_of(long id, int *fd_arg)
{
	*fd_arg = 0;
	switch (id) {
	case NR_read:
	case NR_pread64:
	case NR_readv:
	case NR_splice:
	case NR_preadv:
	case NR_copy_file_range:
	case NR_preadv2:
		return IO_READ;
	case NR_sendfile:	/* (out_fd, in_fd, ...) */
		*fd_arg = 1;
		return IO_READ;
	case NR_write:
	case NR_pwrite64:
	case NR_writev:
	case NR_pwritev:
	case NR_pwritev2:
		return IO_WRITE;
	}
	return IO_NONE;
}

/* floor(log2(v)), 0 for v <= 1: bcc's log2l(), branch-free enough for the verifier */
static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

/* The latency histogram a fault goes in. */
static __always_inline int latency_kind(bool error, bool wp, bool major,
					bool file)
{
	if (error)
		return VMT_LAT_ERROR;
	if (wp)
		return VMT_LAT_WP;
	if (major)
		return file ? VMT_LAT_FILE_MAJOR : VMT_LAT_ANON_MAJOR;
	return file ? VMT_LAT_FILE_MINOR : VMT_LAT_ANON_MINOR;
}

#define MAPLE_NODE_WORDS	32	/* a maple node is 256 bytes */

/* A maple tree node, copied in one read (maple.bpf.h). */
struct maple_copy {
	unsigned long w[MAPLE_NODE_WORDS];
};

/* The slot of the first pivot >= addr; pivots past the data end read 0. */
static __always_inline unsigned int maple_offset(const struct maple_copy *n,
						  unsigned int piv, unsigned int npiv,
						  __u64 addr)
{
	for (unsigned int i = 0; i < 15; i++) {
		unsigned long p;

		if (i >= npiv)
			return npiv;	/* the last slot: pivot = node max */
		p = n->w[(piv + i) & (MAPLE_NODE_WORDS - 1)];
		if (p >= addr || (!p && i))
			return i;
	}
	return npiv;
}

/* What a VMA lookup learned, passed to and from the bpf_find_vma callback. */
struct vma_info {
	__u64 start;
	__u64 end;
	__u64 vm_flags;
	__u64 pgoff;
	__u64 ino;
	__u32 dev;
	__u32 slot;
	__u64 mapping;		/* the file's address_space, 0 when anonymous */
	__u64 gen;
	__u64 image_gen;	/* the process's image_gen */
	__u64 sp;		/* user stack pointer of the faulting thread */
	__u32 tgid;
	__u32 tid;
	int found;
};

/*
 * The identity a retired row folds under (rows.bpf.h): its file, size, start,
 * image and kind (permissions, and the row flags that tell a stack, a
 * growing-down VMA, an unmapped or sealed row apart). Anonymous memory folds
 * by size class (the power of two a size rounds up to) and never by address:
 * a server's buffers merge with their neighbours into VMAs of a thousand
 * sizes, which must not make a thousand rows. A file's rows and the heap's
 * (heap: the caller's verdict) fold by exact size, and a changed one by
 * address too: a library's RELRO history and the heap's shrinks stay
 * readable, and files are few, heaps one.
 */
static __always_inline void dead_key_of(const struct vmt_row *row, bool heap,
					struct vmt_dead_key *k)
{
	__u64 size = row->end - row->start;
	bool exact = row->ino || row->dev || heap;

	k->tgid = row->tgid;
	k->dev = row->dev;
	k->ino = row->ino;
	k->size = exact || size <= 1 ? size : 1ULL << (log2_u64(size - 1) + 1);
	k->start = exact && !(row->flags & VMT_ROW_UNMAPPED) ? row->start : 0;
	k->image_gen = row->image_gen;
	k->kind = (row->vm_flags & VMT_VM_PERMS) | (__u64)exact << 32 |
		  (row->flags & (VMT_ROW_GROWSDOWN | VMT_ROW_STACK | VMT_ROW_UNMAPPED |
				 VMT_ROW_SEALED)) << 8;
}

/*
 * Can the row go on counting VMA v? While v is the same mapping with the same
 * permissions and its extent holds the row's: a VMA that grows (brk, a stack,
 * a merge that extends it) keeps its row; one that was cut, moved, shrunk or
 * re-protected gets a new row, so no count ever sits in a row whose extent or
 * permissions it was not taken under.
 */
static __always_inline bool row_holds(const struct vmt_row *row,
				      const struct vma_info *v)
{
	if (row->ino != v->ino || row->dev != v->dev ||
	    ((row->vm_flags ^ v->vm_flags) & VMT_VM_PERMS))
		return false;
	if (v->start > row->start || v->end < row->end)
		return false;
	/* a file mapping anchored at its start must map the same offset there */
	return !row->ino || (v->vm_flags & VM_GROWSDOWN) || v->pgoff == row->pgoff;
}

#endif
