/* SPDX-License-Identifier: GPL-2.0 */
/* Constants and per-thread state private to the BPF programs. */
#ifndef VMTRACE_PRIV_BPF_H
#define VMTRACE_PRIV_BPF_H

/* Fixed-width types only: pure.bpf.h builds on the host too (tests/unit). */
#ifdef __bpf__
#include "vmlinux.h"
#else
#include <linux/types.h>
#endif

/* vmlinux.h has types, not #defines: these are stable kernel ABI values. */
#define PAGE_SHIFT	12
#define PAGE_MASK	(~((1ULL << PAGE_SHIFT) - 1))

#define VM_READ		0x00000001ULL
#define VM_WRITE	0x00000002ULL
#define VM_EXEC		0x00000004ULL
#define VM_GROWSDOWN	0x00000100ULL

/* errno values (the kernel's ABI; vmlinux.h has no #defines) */
#define ENOENT		2
#define E2BIG		7
#define EBUSY		16
#define EEXIST		17
#define MAX_ERRNO	4095	/* a call failed if it returned -1 .. -MAX_ERRNO */

#define SIGBUS		7
#define SIGSEGV		11
#define RLIMIT_STACK	3
#define MAP_FIXED	0x10

#define DOOMED_MAX	8	/* VMAs one call may remove that get their rows retired */

enum io_call {
	IO_NONE,
	IO_READ,	/* read(2) and friends: page cache misses are read-ins */
	IO_WRITE,	/* write(2) and friends: pages added are not read in */
};

enum fault_state {
	FAULT_NONE,
	FAULT_PENDING,	/* counted; minor unless marked major or error */
	FAULT_DONE,	/* major or error already recorded */
};

/*
 * Per-thread state, in task storage: freed with the thread, found without a
 * hash lookup.
 */
struct vmt_thread {
	/* the VMA of this thread's last resolved fault */
	__u64 gen;		/* proc->gen when filled: stale once it moves */
	__u64 start;
	__u64 end;
	__u64 vm_flags;
	__u32 slot;
	__u32 cached;
	__u64 serial;		/* the row's serial when slot was cached */
	__u64 mapping;		/* its file's address_space (0: anonymous) */
	/* the last fault, so its end (major) or failure (signal) finds its row */
	__u64 last_page;
	__u32 last_slot;
	__u32 last_state;	/* enum fault_state */
	__u64 last_serial;	/* last_slot's row's serial then */
	__u64 fault_start;	/* ktime at its start (with latency histograms) */
	__u8 last_wp;		/* it was a write-protect fault */
	__u8 lat_pending;	/* its latency is still to be recorded */
	__u8 io_call;		/* enum io_call: a read or write call in progress */
	__u8 stack_note;	/* --stacks: enum stack_note bits (stacks.bpf.h) */
	__s32 io_fd;		/* the file descriptor it reads */
	/* arguments of a VMA system call between its entry and exit */
	__u64 sc_args[3];
	__u64 sc_old_brk;
	/* function backends: the handle_mm_fault call in progress */
	__u64 fn_vma;		/* its vma (0: none in progress) */
	__u64 fn_vma_cached;	/* the vma whose row is in slot, for this gen */
	__u64 fn_start;		/* ktime at the first attempt's entry */
	__u32 fn_flags;		/* FAULT_FLAG_* */
	__u8 fn_wp;		/* do_wp_page ran during it */
	__u8 fn_cow;		/* wp_page_copy ran during it */
	__u16 fn_readin;	/* read-in calls during it */
	/*
	 * A fault event with page faults disabled (tracepoint backend): the
	 * kernel fixed it up without handling it; if it then faulted the page
	 * in through a path with no fault event (fixup_user_fault(), as futexes
	 * do on 6.18), the thread's min_flt/maj_flt grow by more than the
	 * events seen since. pfd_settle() counts the difference in its row.
	 */
	__u64 pfd_flt;		/* min_flt + maj_flt at the event */
	__u64 pfd_maj;
	__u64 pfd_seen;		/* fault events counted since */
	__u64 pfd_addr;
	__u64 pfd_ec;		/* its error code */
	__u32 pfd_pending;
	__u32 pfd_slot;		/* its row, found when it happened */
	__u64 pfd_serial;	/* that row's serial then */
	/* anchors of the VMAs an munmap/mremap/MAP_FIXED is about to remove */
	__u64 doomed[DOOMED_MAX];
	__u64 doomed_s, doomed_e;	/* the range removed */
	__u32 doomed_scan;	/* scan the rows instead: a VMA was unreadable, or too many */
	__u32 nr_doomed;
	__u32 stack_tick;	/* --stacks=N: faults since its last sampled one */
};

#endif
