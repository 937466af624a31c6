/* SPDX-License-Identifier: GPL-2.0 */
/* The fault handlers: shared by every attach wrapper in vmtrace.bpf.c. */
#ifndef FAULT_BPF_H
#define FAULT_BPF_H

#include "state.bpf.h"
#include "pure.bpf.h"
#include "maple.bpf.h"
#include "measure.bpf.h"
#include "rows.bpf.h"
#include "code.bpf.h"
#include "stacks.bpf.h"

/* Reads a VMA and files it: its row's slot, also left in v->slot. */
static __always_inline __u32 row_of_vma(struct vm_area_struct *vma,
					struct vma_info *v)
{
	read_vma(vma, v, true);
	v->slot = vma_row(v);
	return v->slot;
}

/* The bpf_find_vma() callback. */
static long vma_found(struct task_struct *task, struct vm_area_struct *vma,
		      struct vma_info *v)
{
	row_of_vma(vma, v);
	return 0;
}

/* The thread's one-entry VMA cache now holds v, valid for generation v->gen. */
static __always_inline void cache_vma(struct vmt_thread *t,
				      const struct vma_info *v)
{
	struct vmt_row *row = bpf_map_lookup_elem(&rows, &v->slot);

	t->gen = v->gen;
	t->start = v->start;
	t->end = v->end;
	t->vm_flags = v->vm_flags;
	t->slot = v->slot;
	t->serial = row ? row->serial : 0;
	t->mapping = v->mapping;
	t->cached = 1;
}

/*
 * Refreshes the mm boundaries that labels are made from, once per mapping
 * generation: they move only at exec, brk and the VMA calls, which all bump
 * it. Ten reads on every first fault in a VMA were a good part of its cost.
 */
static __always_inline void read_layout(struct vmt_proc *proc,
					struct task_struct *task, __u64 gen)
{
	struct mm_struct *mm;
	struct file *exe;

	if (proc->layout_gen == gen + 1)
		return;
	mm = BPF_CORE_READ(task, mm);
	if (!mm)
		return;
	proc->layout_gen = gen + 1;
	proc->mm.start_code = BPF_CORE_READ(mm, start_code);
	proc->mm.end_code = BPF_CORE_READ(mm, end_code);
	proc->mm.start_data = BPF_CORE_READ(mm, start_data);
	proc->mm.end_data = BPF_CORE_READ(mm, end_data);
	proc->mm.start_brk = BPF_CORE_READ(mm, start_brk);
	proc->mm.brk = BPF_CORE_READ(mm, brk);
	proc->mm.start_stack = BPF_CORE_READ(mm, start_stack);
	if (bpf_core_field_exists(mm->context.vdso))
		proc->mm.vdso = (__u64)BPF_CORE_READ(mm, context.vdso);
	exe = BPF_CORE_READ(mm, exe_file);
	if (exe && !proc->mm.exe_ino) {
		proc->mm.exe_ino = BPF_CORE_READ(exe, f_inode, i_ino);
		proc->mm.exe_dev = BPF_CORE_READ(exe, f_inode, i_sb, s_dev);
	}
}

/*
 * A fault below the main stack's start, within its rlimit, on no VMA: the
 * stack growing (the VMA is extended later in the fault). It cannot be filed
 * under the stack's row here: that needs a second bpf_find_vma(), which fails
 * with -EBUSY while the first one's mmap_lock release (an irq_work) waits for
 * interrupts to come back on. User space folds this row into [stack].
 */
static __always_inline bool stack_growth(struct task_struct *task,
					 struct vmt_proc *proc, __u64 addr)
{
	__u64 limit = BPF_CORE_READ(task, signal, rlim[RLIMIT_STACK].rlim_cur);

	return addr < proc->mm.start_stack && proc->mm.start_stack - addr <= limit;
}

/*
 * A pseudo row's extent is the range of the addresses filed under it: where
 * the stack grew to, where the bad accesses were.
 */
static __always_inline __u32 widen_row(__u32 slot, __u64 addr)
{
	struct vmt_row *row = bpf_map_lookup_elem(&rows, &slot);
	__u64 page = addr & PAGE_MASK;

	if (!row || slot == VMT_OVERFLOW_SLOT)
		return slot;
	if (!row->start || page < row->start)
		row->start = page;
	if (page + (1ULL << PAGE_SHIFT) > row->end)
		row->end = page + (1ULL << PAGE_SHIFT);
	return slot;
}

/*
 * Resolves addr to a row; fills the thread's cache when it is inside a VMA.
 * The maple tree walk answers most lookups; bpf_find_vma() the rest.
 */
static __noinline __u32 lookup_row(struct vmt_proc *proc, struct vmt_thread *t,
				   __u64 addr, __u64 sp, __u64 gen)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	struct vm_area_struct *vma = mm ? maple_find(mm, addr) : NULL;
	__u64 id = bpf_get_current_pid_tgid();
	struct vma_info v = {
		.gen = gen, .image_gen = proc->image_gen, .sp = sp,
		.tgid = id >> 32, .tid = (__u32)id,
	};
	long err;

	read_layout(proc, task, gen);
	if (maple_valid(vma, mm, addr)) {
		__sync_fetch_and_add(&lookups.walk, 1);
		row_of_vma(vma, &v);
		err = 0;
	} else {
		__sync_fetch_and_add(&lookups.helper, 1);
		err = bpf_find_vma(task, addr, vma_found, &v, 0);
	}
	if (!err && v.found) {
		cache_vma(t, &v);
		return v.slot;
	}
	t->cached = 0;
	if (err == -EBUSY) {	/* mmap_lock or irq_work taken */
		__sync_fetch_and_add(&drops.lookups_busy, 1);
		t->vm_flags = VM_READ | VM_WRITE | VM_EXEC; /* unknown: no error */
		return VMT_DEFERRED_SLOT;
	}
	if (stack_growth(task, proc, addr)) {
		t->vm_flags = VM_READ | VM_WRITE;
		return widen_row(pseudo_row(v.tgid, VMT_ANCHOR_STACK_GROWTH,
					    VMT_ROW_STACK_GROWTH), addr);
	}
	t->vm_flags = 0;	/* no VMA: the fault is an error */
	return widen_row(pseudo_row(v.tgid, VMT_ANCHOR_NOVMA, VMT_ROW_NOVMA), addr);
}

/* The row a fault counts in: a VMA's, or its page's in the deferred map. */
static __always_inline struct vmt_row *fault_row(__u32 tgid, __u32 slot,
						 __u64 addr)
{
	struct vmt_row_key key = { .tgid = tgid, .anchor = addr & PAGE_MASK };
	static const struct vmt_row zero;
	struct vmt_row *row;

	if (slot != VMT_DEFERRED_SLOT)
		return bpf_map_lookup_elem(&rows, &slot);
	row = map_lookup_or_init(&deferred, &key, &zero);
	if (row)
		return row;
	__sync_fetch_and_add(&drops.deferred_full, 1);
	slot = pseudo_row(tgid, VMT_ANCHOR_UNRESOLVED, VMT_ROW_UNRESOLVED);
	return bpf_map_lookup_elem(&rows, &slot);
}

/* Adds n (1, or -1 to take a fault back) to the counters of one fault. */
static __always_inline void count_n(struct vmt_row *row, int access, bool wp,
				    bool user, bool error, __u64 n)
{
	int kind = access == ACC_EXEC ? VMT_C_EXEC :
		   access == ACC_WRITE ? VMT_C_WRITE : VMT_C_READ;

	/*
	 * FAULTS is not counted here: it is READ + WRITE + EXEC, derived when
	 * user space reads the row (vmt_derive_faults()). A locked add costs
	 * ~35 ns on the 6.18 development VM (docs/kernels.md), a seventh of the fault path's BPF time.
	 */
	__sync_fetch_and_add(&row->counters[kind], n);
	if (error)
		__sync_fetch_and_add(&row->counters[VMT_C_ERRORS], n);
	else if (wp)
		__sync_fetch_and_add(&row->counters[VMT_C_WP], n);
	if (!user)
		__sync_fetch_and_add(&row->counters[VMT_C_KERNEL], n);
}

static __always_inline void count(struct vmt_row *row, int access, bool wp,
				  bool user, bool error)
{
	count_n(row, access, wp, user, error, 1);
}

/*
 * A handler that found its row's slot, then was preempted (BPF programs are,
 * under PREEMPT_RT), may resume after the row was retired, folded and its
 * slot reused for another VMA: new_slot() zeroes the serial first. Checked
 * before and after the add, the fault goes to [unresolved] instead (its
 * counts in the new row are taken back), never into another VMA's row.
 */
static __always_inline bool row_went_stale(struct vmt_row *row, __u64 serial)
{
	if (row->serial == serial)
		return false;
	__sync_fetch_and_add(&reclaim.stale, 1);
	return true;
}

/*
 * Not inlined: every program that can find a row stale would hold another
 * copy of create_row(); tp_sys_exit went past the verifier's million.
 */
static __noinline struct vmt_row *unresolved_row(__u32 tgid, __u32 *slot)
{
	*slot = pseudo_row(tgid, VMT_ANCHOR_UNRESOLVED, VMT_ROW_UNRESOLVED);
	return bpf_map_lookup_elem(&rows, slot);
}

/*
 * A fault whose row went stale (row_went_stale()) is counted in [unresolved]
 * and done with: no major mark, heat or code for it.
 */
static __always_inline void count_unresolved(__u32 tgid, int access, bool wp, bool user,
					bool error)
{
	__u32 slot;
	struct vmt_row *row = unresolved_row(tgid, &slot);

	if (row)
		count(row, access, wp, user, error);
}
static __always_inline int pagefault_disabled(void)
{
	return BPF_CORE_READ((struct task_struct *)bpf_get_current_task_btf(),
			     pagefault_disabled);
}

static __always_inline __u64 faults_of(struct task_struct *task, __u64 *maj)
{
	*maj = BPF_CORE_READ(task, maj_flt);
	return BPF_CORE_READ(task, min_flt) + *maj;
}

/*
 * A kernel-mode fault event with page faults disabled: an atomic user access
 * (futex, copy_from_user_nofault) that the exception table fixes up. The
 * kernel never handles or counts it, so it is no fault; noted, in case the
 * kernel then faults the page in where no fault event fires (pfd_settle()).
 */
static __always_inline bool pfd_begin(struct vmt_proc *proc, struct vmt_thread *t,
				      __u64 addr, unsigned long ec, __u32 slot)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (pfd_base < 0 || pagefault_disabled() <= pfd_base)
		return false;
	__sync_fetch_and_add(&proc->pf_disabled, 1);
	if (!t->pfd_pending) {
		t->pfd_flt = faults_of(task, &t->pfd_maj);
		t->pfd_seen = 0;
		t->pfd_addr = addr;
		t->pfd_ec = ec;
		t->pfd_slot = slot;
		t->pfd_serial = t->cached ? t->serial : 0;
		t->pfd_pending = 1;
	}
	return true;
}

static __always_inline int handle_fault(void *ctx, __u64 addr, struct pt_regs *regs,
					unsigned long ec, bool user)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct vmt_proc *proc;
	struct vmt_thread *t;
	struct vmt_row *row;
	bool error, wp, held;
	__u64 gen, serial;
	__u32 slot;

	if ((__s64)addr < 0)
		return 0;	/* a kernel address: not the process's memory */
	proc = traced_proc(tgid);
	if (!proc)
		return 0;
	t = thread_state();
	if (!t || stack_walking(t))
		return 0;
	if (user && pfd_base < 0)
		pfd_base = pagefault_disabled();
	gen = proc->gen;
	if (t->cached && t->gen == gen && addr >= t->start && addr < t->end)
		slot = t->slot;
	else
		slot = lookup_row(proc, t, addr, user ? REGS_USER_SP(regs) : 0, gen);
	if (!user && pfd_begin(proc, t, addr, ec, slot))
		return 0;
	if (t->pfd_pending)
		t->pfd_seen++;
	row = fault_row(tgid, slot, addr);
	if (!row)
		return 0;
	held = t->cached;	/* a VMA's row: its slot can be reused under us */
	serial = t->serial;
	error = access_error(ec, t->vm_flags);
	wp = wp_fault(ec);
	t->last_state = FAULT_DONE;	/* what the stale returns leave; else PENDING below */
	if (held && row_went_stale(row, serial)) {
		count_unresolved(tgid, access_of(ec), wp, user, error);
		return 0;
	}
	if (slot == VMT_OVERFLOW_SLOT)
		__sync_fetch_and_add(&drops.rows, 1);
	count(row, access_of(ec), wp, user, error);
	if (held && row_went_stale(row, serial)) {
		count_n(row, access_of(ec), wp, user, error, -1);
		count_unresolved(tgid, access_of(ec), wp, user, error);
		return 0;
	}
	code_count(tgid, row, 1, wp && !error, user);
	stack_note(t, !error, wp, user);
	count_heat(row, t, addr);
	t->last_page = addr & PAGE_MASK;
	t->last_slot = slot;
	t->last_serial = held ? serial : 0;	/* held: it was not stale */
	t->last_state = error ? FAULT_DONE : FAULT_PENDING;
	if (want_latency) {
		t->last_wp = wp;
		t->lat_pending = 1;
		t->fault_start = bpf_ktime_get_ns();
	}
	return 0;
}

/* The thread's pending fault, if it is the one at addr. */
static __always_inline struct vmt_row *pending_fault(struct vmt_thread *t,
						     __u32 tgid, __u64 addr)
{
	struct vmt_row *row;

	if (!t || t->last_state != FAULT_PENDING ||
	    t->last_page != (addr & PAGE_MASK))
		return NULL;
	t->last_state = FAULT_DONE;
	row = fault_row(tgid, t->last_slot, addr);
	if (row && t->last_serial && row_went_stale(row, t->last_serial))
		return NULL;	/* its major mark is lost, not misplaced */
	return row;
}

/*
 * PERF_COUNT_SW_PAGE_FAULTS_MAJ (or _MIN, attached for latency histograms
 * and --stacks only) fired: the kernel accounted the thread's fault as major (minor).
 */
static __always_inline int handle_accounted(void *ctx, __u64 addr, bool major)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct vmt_thread *t;
	struct vmt_row *row;

	if (!traced_proc(tgid))
		return 0;
	t = bpf_task_storage_get(&threads, task, NULL, 0);
	row = pending_fault(t, tgid, addr);
	if (!row)
		return 0;
	if (major) {
		__sync_fetch_and_add(&row->counters[VMT_C_MAJOR], 1);
		code_major(tgid, row);
	}
	stack_accounted(ctx, t, tgid, row, major);
	if (t)
		latency_end(t, row, major, false);
	return 0;
}

/*
 * At the end of the system call (or the exit) after such an event: faults
 * the kernel counted for the thread that no fault event showed are counted
 * now, once, as kernel-mode faults at the event's address (whose page they
 * faulted in). Faults with events in between were counted as they came.
 */
static __always_inline void pfd_settle(struct task_struct *task)
{
	struct vmt_thread *t = bpf_task_storage_get(&threads, task, NULL, 0);
	struct vmt_row *row;
	struct vmt_code *c;
	__u64 maj, flt, untraced;
	int kind;
	__u32 slot;

	if (!t || !t->pfd_pending)
		return;
	t->pfd_pending = 0;
	flt = faults_of(task, &maj);
	untraced = flt - t->pfd_flt - t->pfd_seen;
	if ((__s64)untraced <= 0)
		return;
	/* the event's row, found when it happened (its VMA may be gone now) */
	slot = t->pfd_slot;
	row = fault_row(BPF_CORE_READ(task, tgid), slot, t->pfd_addr);
	if (row && t->pfd_serial && row_went_stale(row, t->pfd_serial))
		row = unresolved_row(BPF_CORE_READ(task, tgid), &slot);
	if (!row)
		return;
	if (slot == VMT_OVERFLOW_SLOT)
		__sync_fetch_and_add(&drops.rows, untraced);
	kind = access_of(t->pfd_ec) == ACC_WRITE ? VMT_C_WRITE : VMT_C_READ;
	__sync_fetch_and_add(&row->counters[kind], untraced);
	__sync_fetch_and_add(&row->counters[VMT_C_KERNEL], untraced);
	c = code_count(BPF_CORE_READ(task, tgid), row, untraced, false, false);
	if (maj > t->pfd_maj) {
		__sync_fetch_and_add(&row->counters[VMT_C_MAJOR], maj - t->pfd_maj);
		if (c)
			__sync_fetch_and_add(&c->c[VMT_CC_MAJOR], maj - t->pfd_maj);
	}
}

/*
 * SIGSEGV/SIGBUS sent by the fault handler to the faulting thread (si_code > 0
 * and si_addr on the pending fault's page): the fault failed, it is no minor
 * fault. Catches what access_error() cannot see: VM_FAULT_SIGBUS (a mapping
 * past the end of its file), VM_FAULT_SIGSEGV.
 */
/*
 * A fault the function backends never saw: the kernel refused it before
 * handle_mm_fault() (no VMA, or an access the VMA does not allow) and sent
 * SIGSEGV. Filed under the VMA at the address, or [no vma]; the access kind
 * comes from the error code the kernel saved for the signal.
 */
static __always_inline void count_refused(struct task_struct *task,
					  struct vmt_thread *t, __u64 addr)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct vma_info v = { .tgid = id >> 32, .tid = (__u32)id };
	unsigned long ec = TASK_FAULT_CODE(task);
	struct vmt_row *row;
	__u32 slot;

	if (!bpf_find_vma(task, addr, vma_found, &v, 0) && v.found)
		slot = v.slot;
	else
		slot = widen_row(pseudo_row(v.tgid, VMT_ANCHOR_NOVMA, VMT_ROW_NOVMA), addr);
	row = bpf_map_lookup_elem(&rows, &slot);
	if (row) {
		count(row, access_of(ec), false, true, true);
		code_count(v.tgid, row, 1, false, true);
	}
	t->last_page = addr & PAGE_MASK;
	t->last_state = FAULT_DONE;
}

/*
 * SIGSEGV/SIGBUS sent by the fault handler to the faulting thread (si_code > 0
 * and si_addr on the pending fault's page): the fault failed, it is no minor
 * fault. Catches what access_error() cannot see: VM_FAULT_SIGBUS (a mapping
 * past the end of its file), VM_FAULT_SIGSEGV.
 */
static __always_inline int handle_fault_signal(int sig,
					       struct kernel_siginfo *info,
					       struct task_struct *task)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct vmt_thread *t;
	struct vmt_row *row;
	__u64 addr;

	if ((sig != SIGSEGV && sig != SIGBUS) || (unsigned long)info <= 1 ||
	    task != cur || !traced_proc(BPF_CORE_READ(task, tgid)))
		return 0;
	if (BPF_CORE_READ(info, si_code) <= 0)
		return 0;	/* sent by a process, not by a fault */
	addr = (__u64)BPF_CORE_READ(info, _sifields._sigfault._addr);
	t = bpf_task_storage_get(&threads, cur, NULL, 0);
	row = pending_fault(t, BPF_CORE_READ(task, tgid), addr);
	if (row) {
		__sync_fetch_and_add(&row->counters[VMT_C_ERRORS], 1);
		if (sig == SIGBUS)
			__sync_fetch_and_add(&row->counters[VMT_C_SIGBUS], 1);
	}
	else if (backend != VMT_BACKEND_TRACEPOINT && t &&
		 !(t->last_state == FAULT_DONE && t->last_page == (addr & PAGE_MASK)))
		count_refused(cur, t, addr);
	/* the tracepoint backend's failed fault ends here (refused ones too) */
	if (backend == VMT_BACKEND_TRACEPOINT && t &&
	    t->last_page == (addr & PAGE_MASK))
		latency_end(t, row, false, true);
	return 0;
}

/*
 * A spawned command starts counting at its exec, with the kernel's counters of
 * that moment as the baseline, so the faults of vmtrace's fork and of exec
 * itself are in neither side of the comparison.
 */
static __always_inline int handle_exec(struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct vmt_proc *proc = bpf_map_lookup_elem(&procs, &tgid);

	if (!proc)
		return 0;
	if (proc->start_on_exec && !proc->exec_seen) {
		proc->base_minflt = BPF_CORE_READ(p, min_flt) +
				    BPF_CORE_READ(p, signal, min_flt);
		proc->base_majflt = BPF_CORE_READ(p, maj_flt) +
				    BPF_CORE_READ(p, signal, maj_flt);
		proc->exec_seen = 1;
		proc->active = 1;
	}
	bump_gen(proc);	/* a new mm: every cached VMA is gone */
	proc->image_gen = proc->gen;
	return 0;
}

#endif
