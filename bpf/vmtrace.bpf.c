// SPDX-License-Identifier: GPL-2.0
/*
 * vmtrace BPF side: count every page fault of the traced processes per VMA,
 * in the kernel, with no per-fault event to user space.
 *
 * Finding the VMA of a fault: bpf_find_vma() costs ~11 us from the fault
 * tracepoint on the 6.18 development VM (it releases mmap_lock through an
 * irq_work; see docs/kernels.md), a 9x slowdown there if called on every fault. So each thread
 * keeps a one-entry cache of the VMA of its last fault, valid while the
 * process's mapping generation is unchanged. The generation is bumped on entry
 * to and exit from every system call that can change VMAs, so a cache filled
 * before a change can never be used after it; faults in the same VMA (the
 * common case: a loop touching a buffer) cost one task-storage lookup and a
 * range compare. A miss calls bpf_find_vma() once and files the VMA under its
 * anchor (start, or end for a stack that grows down), which stays stable while
 * brk grows the heap up or the stack grows down.
 *
 * Minor or major is decided at the end of a fault. The fault tracepoints fire
 * at its start, so a perf_event program on PERF_COUNT_SW_PAGE_FAULTS_MAJ (rare,
 * so its cost, ~185 ns on the 6.18 development VM, does not matter) marks the thread's pending fault major;
 * errors are classified from the VMA's flags as the kernel's access_error()
 * does, plus SIGBUS/SIGSEGV raised by the fault handler itself. User space
 * derives minor = faults - major - errors.
 */
#include "state.bpf.h"
#include "fault.bpf.h"
#include "fn_fault.bpf.h"
#include "syscalls.bpf.h"
#include "readin.bpf.h"
#include "inherit.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* ---- attach wrappers: one line each over the shared handlers ---- */

SEC("tp_btf/page_fault_user")
int BPF_PROG(tp_fault_user, unsigned long addr, struct pt_regs *regs,
	     unsigned long error_code)
{
	return handle_fault(ctx, addr, regs, error_code, true);
}

SEC("tp_btf/page_fault_kernel")
int BPF_PROG(tp_fault_kernel, unsigned long addr, struct pt_regs *regs,
	     unsigned long error_code)
{
	return handle_fault(ctx, addr, regs, error_code, false);
}

/* fentry backend (user space loads one backend's wrappers, by section prefix) */

SEC("fentry/handle_mm_fault")
int BPF_PROG(fe_fault, struct vm_area_struct *vma, unsigned long address,
	     unsigned int flags)
{
	return fn_fault_enter(vma, address, flags);
}

SEC("fexit/handle_mm_fault")
int BPF_PROG(fx_fault, struct vm_area_struct *vma, unsigned long address,
	     unsigned int flags, struct pt_regs *regs, vm_fault_t ret)
{
	return fn_fault_exit(ctx, ret);
}

SEC("fentry/do_wp_page")
int BPF_PROG(fe_wp) { return fn_fault_mark(MARK_WP); }

SEC("fentry/wp_page_copy")
int BPF_PROG(fe_cow) { return fn_fault_mark(MARK_COW); }

SEC("fentry/filemap_read_folio")
int BPF_PROG(fe_read_folio) { return fn_fault_mark(MARK_READIN); }

SEC("fentry/read_pages")
int BPF_PROG(fe_read_pages) { return fn_fault_mark(MARK_READIN); }

/* kprobe backend: the same handlers */

SEC("kprobe/handle_mm_fault")
int BPF_KPROBE(kp_fault, struct vm_area_struct *vma, unsigned long address,
	       unsigned int flags)
{
	return fn_fault_enter(vma, address, flags);
}

SEC("kretprobe/handle_mm_fault")
int BPF_KRETPROBE(kr_fault, unsigned int ret)
{
	return fn_fault_exit(ctx, ret);
}

SEC("kprobe/do_wp_page")
int BPF_KPROBE(kp_wp) { return fn_fault_mark(MARK_WP); }

SEC("kprobe/wp_page_copy")
int BPF_KPROBE(kp_cow) { return fn_fault_mark(MARK_COW); }

SEC("kprobe/filemap_read_folio")
int BPF_KPROBE(kp_read_folio) { return fn_fault_mark(MARK_READIN); }

SEC("kprobe/read_pages")
int BPF_KPROBE(kp_read_pages) { return fn_fault_mark(MARK_READIN); }

/* tracepoint backend: the fault's start, and the kernel's major accounting */

SEC("perf_event")
int perf_major_fault(struct bpf_perf_event_data *ctx)
{
	return handle_accounted(ctx, ctx->addr, true);
}

SEC("perf_event")
int perf_minor_fault(struct bpf_perf_event_data *ctx)
{
	return handle_accounted(ctx, ctx->addr, false);
}

SEC("tp_btf/signal_generate")
int BPF_PROG(tp_signal_generate, int sig, struct kernel_siginfo *info,
	     struct task_struct *task, int group, int result)
{
	return handle_fault_signal(sig, info, task);
}

SEC("tp_btf/mm_filemap_add_to_page_cache")
int BPF_PROG(tp_page_cache_add, struct folio *folio)
{
	return handle_page_cache_add(folio);
}

/*
 * Every system call of every process: the VMA-changing ones
 * (syscalls.bpf.h), execve (inherit.bpf.h) and I/O (readin.bpf.h) each
 * return after a switch on the number for all the others.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(tp_sys_enter, struct pt_regs *regs, long id)
{
	if ((id == NR_execve || id == NR_execveat) && !compat_call())
		return inherit_exec_enter();
	vma_sys_enter(regs, id);
	return io_call_enter(regs, id);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(tp_sys_exit, struct pt_regs *regs, long ret)
{
	if (backend == VMT_BACKEND_TRACEPOINT)
		pfd_settle(bpf_get_current_task_btf());
	vma_sys_exit(regs, ret);
	return io_call_exit(regs);
}

/* following children and execs: inherit.bpf.h */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_fork, struct task_struct *parent, struct task_struct *child)
{
	return inherit_fork(parent, child);
}

/*
 * One program for the exec: a spawned command's start and the new mm's
 * generation first (fault.bpf.h), then the new image of its lineage, whose
 * rows older than the exec are retired (inherit.bpf.h).
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(tp_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	handle_exec(p);
	return inherit_exec(p, bprm);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tp_exit, struct task_struct *p)
{
	/* the exit's futex cleanup can fault pages in without a fault event */
	if (backend == VMT_BACKEND_TRACEPOINT)
		pfd_settle(p);
	return inherit_exit(p);
}

