/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The function backends (fentry/fexit, kprobe/kretprobe): handle_mm_fault()
 * hands over the VMA, so no lookup is needed, and its result says what the
 * tracepoint backend has to infer: VM_FAULT_MAJOR, VM_FAULT_RETRY, errors.
 * It is called once per attempt: a fault that returns VM_FAULT_RETRY (a major
 * file fault that dropped mmap_lock to wait for I/O, or a per-VMA-lock attempt
 * handed to the mmap_lock path) is called again, so a fault is counted at the
 * exit of the attempt that did not ask to be retried, as the kernel's
 * mm_account_fault() does; that also makes faults from get_user_pages()
 * (MAP_POPULATE, mlock), which no tracepoint sees, count like the kernel.
 */
#ifndef FN_FAULT_BPF_H
#define FN_FAULT_BPF_H

#include "state.bpf.h"
#include "fault.bpf.h"
#include "measure.bpf.h"
#include "rows.bpf.h"

/*
 * The row of the fault's VMA: cached per thread by vma pointer, generation and
 * extent (a stack grows without a system call: its VMA is re-read then).
 */
static __always_inline __u32 fn_row(struct vmt_proc *proc, struct vmt_thread *t,
				    struct vm_area_struct *vma, __u64 addr)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	struct vma_info v = {
		.gen = proc->gen, .image_gen = proc->image_gen,
		.tgid = id >> 32, .tid = (__u32)id,
	};

	if (t->cached && t->gen == v.gen && t->fn_vma_cached == (__u64)vma &&
	    addr >= t->start && addr < t->end)
		return t->slot;
	/* the user stack pointer at kernel entry: is this a thread's stack? */
	v.sp = REGS_USER_SP((struct pt_regs *)bpf_task_pt_regs(task));
	read_layout(proc, task, v.gen);
	row_of_vma(vma, &v);
	cache_vma(t, &v);
	t->fn_vma_cached = (__u64)vma;
	return v.slot;
}

static __always_inline void fn_clear(struct vmt_thread *t)
{
	t->fn_vma = 0;
	t->fn_wp = 0;
	t->fn_cow = 0;
	t->fn_readin = 0;
}

static __always_inline int fn_fault_enter(struct vm_area_struct *vma,
					  __u64 addr, unsigned int flags)
{
	struct vmt_thread *t;

	if (!traced_proc(bpf_get_current_pid_tgid() >> 32))
		return 0;
	t = thread_state();
	if (!t)
		return 0;
	/*
	 * A retry is the same page again (FAULT_FLAG_TRIED, or the mmap_lock
	 * attempt after a per-VMA-lock one); another page starts a fault even
	 * with one still noted: that one's exit was a program run the kernel
	 * skipped (PREEMPT_RT), and its marks (WP, COW) must not stick here.
	 */
	if (!t->fn_vma || t->last_page != (addr & PAGE_MASK)) {
		fn_clear(t);
		t->fn_start = bpf_ktime_get_ns();
	}
	t->fn_vma = (__u64)vma;
	t->fn_flags = flags;
	t->last_page = addr & PAGE_MASK;
	t->last_state = FAULT_NONE;
	return 0;
}

/* --code and --stacks: the fault under its IP and its stack (a failed one has no stack). */
static __always_inline void fn_code(void *ctx, struct vmt_thread *t, struct vmt_row *row,
				    bool error, bool major)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	bool user = t->fn_flags & FAULT_FLAG_USER, cow = !error && t->fn_cow;
	struct vmt_code *c = code_count(tgid, row, 1, t->fn_wp && !error, user);

	code_mark(c, major, cow);
	if (error)
		return;
	c = stack_count(ctx, t, tgid, row, major, t->fn_wp, user);
	code_mark(c, false, cow);
}

static __always_inline int fn_fault_exit(void *ctx, unsigned int ret)
{
	struct vmt_proc *proc = traced_proc(bpf_get_current_pid_tgid() >> 32);
	unsigned int flags, error_bits = VM_FAULT_OOM | VM_FAULT_SIGBUS |
		VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE;
	struct vmt_thread *t;
	struct vmt_row *row;
	bool error, major;
	__u32 slot;

	if (!proc)
		return 0;
	t = thread_state();
	if (!t || !t->fn_vma || (ret & VM_FAULT_RETRY))
		return 0;	/* another attempt follows: count that one */
	flags = t->fn_flags;
	slot = fn_row(proc, t, (struct vm_area_struct *)t->fn_vma, t->last_page);
	row = bpf_map_lookup_elem(&rows, &slot);
	if (row) {
		error = ret & error_bits;
		major = !error && ((ret & VM_FAULT_MAJOR) || (flags & FAULT_FLAG_TRIED));
		count(row, flags & FAULT_FLAG_INSTRUCTION ? ACC_EXEC :
			   flags & FAULT_FLAG_WRITE ? ACC_WRITE : ACC_READ,
		      t->fn_wp, flags & FAULT_FLAG_USER, error);
		count_heat(row, t, t->last_page);
		if (major)
			__sync_fetch_and_add(&row->counters[VMT_C_MAJOR], 1);
		if (!error && t->fn_cow)
			__sync_fetch_and_add(&row->counters[VMT_C_COW], 1);
		fn_code(ctx, t, row, error, major);
		if (t->fn_readin)
			__sync_fetch_and_add(&row->counters[VMT_C_READIN], t->fn_readin);
		if (ret & VM_FAULT_SIGBUS)
			__sync_fetch_and_add(&row->counters[VMT_C_SIGBUS], 1);
		if (ret & VM_FAULT_OOM)
			__sync_fetch_and_add(&row->counters[VMT_C_OOM], 1);
		/* cheap here, entry and exit are traced anyway: always on */
		record_latency(proc, row, latency_kind(error, t->fn_wp, major, row->ino),
			       bpf_ktime_get_ns() - t->fn_start);
		if (slot == VMT_OVERFLOW_SLOT)
			__sync_fetch_and_add(&drops.rows, 1);
	}
	/* the signal that follows a failed fault must not count it again */
	t->last_state = FAULT_DONE;
	fn_clear(t);
	return 0;
}

enum fn_mark { MARK_WP, MARK_COW, MARK_READIN };

/* A helper of the fault path ran: note it on the fault in progress. */
static __always_inline int fn_fault_mark(int mark)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vmt_thread *t = bpf_task_storage_get(&threads, task, NULL, 0);

	if (!t || !t->fn_vma)
		return 0;
	if (mark == MARK_WP)
		t->fn_wp = 1;
	else if (mark == MARK_COW)
		t->fn_cow = 1;
	else
		t->fn_readin++;
	return 0;
}

#endif
