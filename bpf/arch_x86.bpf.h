/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 facts the BPF side depends on, and the only place they are
 * written: system call numbers, where pt_regs keeps a call's arguments, the
 * page fault error code's bits, TS_COMPAT. Another architecture needs its own
 * header with the same names (and vmlinux/<arch>/vmlinux.h). Constants and
 * macros only: pure.bpf.h uses it on the host too (tests/unit).
 */
#ifndef ARCH_X86_BPF_H
#define ARCH_X86_BPF_H

#if defined(__bpf__) && !defined(__TARGET_ARCH_x86)
#error "vmtrace's BPF side knows x86-64 only (bpf/arch_x86.bpf.h): build with -D__TARGET_ARCH_x86"
#endif

/* System call numbers (arch/x86/entry/syscalls/syscall_64.tbl) */
#define NR_read			0
#define NR_write		1
#define NR_mmap			9
#define NR_mprotect		10
#define NR_munmap		11
#define NR_brk			12
#define NR_pread64		17
#define NR_pwrite64		18
#define NR_readv		19
#define NR_writev		20
#define NR_mremap		25
#define NR_madvise		28
#define NR_shmat		30
#define NR_sendfile		40
#define NR_execve		59
#define NR_shmdt		67
#define NR_mlock		149
#define NR_munlock		150
#define NR_mlockall		151
#define NR_munlockall		152
#define NR_remap_file_pages	216
#define NR_splice		275
#define NR_preadv		295
#define NR_pwritev		296
#define NR_execveat		322
#define NR_mlock2		325
#define NR_copy_file_range	326
#define NR_preadv2		327
#define NR_pwritev2		328
#define NR_pkey_mprotect	329
#define NR_mseal		462

/*
 * A system call's arguments in the pt_regs that raw sys_enter passes (the
 * x86-64 ABI: di, si, dx, r10), and its number there at sys_exit.
 */
#define SC_ARG0(regs)		((regs)->di)
#define SC_ARG1(regs)		((regs)->si)
#define SC_ARG2(regs)		((regs)->dx)
#define SC_ARG3(regs)		((regs)->r10)
#define SC_NR(regs)		((regs)->orig_ax)

/* The user stack pointer in a pt_regs saved at kernel entry. */
#define REGS_USER_SP(regs)	BPF_CORE_READ((regs), sp)
#define REGS_USER_FP(regs)	BPF_CORE_READ((regs), bp)	/* the frame pointer, if any */
#define REGS_USER_IP(regs)	BPF_CORE_READ((regs), ip)

/* The error code of a task's last fault, as the kernel saved it for a signal. */
#define TASK_FAULT_CODE(task)	BPF_CORE_READ((task), thread.error_code)

/* Page fault error code bits (arch/x86/include/asm/trap_pf.h) */
#define X86_PF_PROT	(1UL << 0)
#define X86_PF_WRITE	(1UL << 1)
#define X86_PF_USER	(1UL << 2)
#define X86_PF_INSTR	(1UL << 4)
#define X86_PF_PK	(1UL << 5)
#define X86_PF_SHSTK	(1UL << 6)
#define X86_PF_SGX	(1UL << 15)

/* thread_info.status: a 32-bit (ia32) system call (arch/x86/include/asm/thread_info.h) */
#define TS_COMPAT	0x0002

#endif
