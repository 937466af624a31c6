/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System calls that change VMAs. Each bumps the process's mapping generation
 * on entry and on exit (a fault in another thread between the two may cache
 * the old VMA; the exit bump makes that entry stale too), and the counted
 * ones add their successful calls and bytes.
 */
#ifndef SYSCALLS_BPF_H
#define SYSCALLS_BPF_H

#include "state.bpf.h"
#include "pure.bpf.h"
#include "refresh.bpf.h"

/*
 * Both ends of a VMA-changing call of a traced process: bump its generation;
 * the thread's state if the call has more to do (NULL: nothing more).
 */
static __always_inline struct vmt_thread *vma_call(struct vmt_proc *proc,
						   int sc, bool has_range)
{
	if (!proc)
		return NULL;
	bump_gen(proc);
	if (sc == VMT_SC_OTHER && !has_range)
		return NULL;
	return thread_state();
}

static __always_inline int on_sys_enter(const __u64 *args, int sc, bool has_range)
{
	struct vmt_proc *proc = traced_proc(bpf_get_current_pid_tgid() >> 32);
	struct vmt_thread *t;

	if (sc == VMT_SC_MADVISE) {
		if (!proc || !(t = thread_state()))
			return 0;
		t->sc_args[2] = args[2];	/* the exit needs it too */
		if (advice_keeps_vmas(t->sc_args[2]))
			return 0;
	}
	t = vma_call(proc, sc, has_range);
	if (!t)
		return 0;
	t->sc_args[0] = args[0];
	if (sc != VMT_SC_BRK)
		t->sc_args[1] = args[1];
	if (sc == VMT_SC_MMAP)
		t->sc_args[2] = args[3];	/* flags */
	else if (sc == VMT_SC_MREMAP)
		t->sc_args[2] = args[2];	/* new_len */
	/* every uncounted call with a range takes (addr, len) first */
	if (sc == VMT_SC_MUNMAP || sc == VMT_SC_MREMAP ||
	    (sc == VMT_SC_MMAP && (t->sc_args[2] & MAP_FIXED)))
		note_doomed(t, t->sc_args[0], t->sc_args[0] + t->sc_args[1]);
	else
		t->nr_doomed = t->doomed_scan = 0;	/* nothing of an earlier call */
	if (sc == VMT_SC_BRK)
		t->sc_old_brk = BPF_CORE_READ((struct task_struct *)bpf_get_current_task_btf(), mm, brk);
	return 0;
}

/* Bytes a successful call mapped, unmapped or changed; -1 if it failed. */
static __always_inline long sc_bytes(int sc, struct vmt_thread *t, long ret)
{
	__u64 *a = t->sc_args;

	switch (sc) {
	case VMT_SC_MMAP:
		return is_err(ret) ? -1 : a[1];
	case VMT_SC_MUNMAP:
	case VMT_SC_MPROTECT:
		return ret ? -1 : a[1];
	case VMT_SC_MREMAP:
		return is_err(ret) ? -1 : a[2];
	case VMT_SC_BRK:
		/* brk returns the new break, the old one when it failed */
		if (!a[0] || (__u64)ret != a[0] || (__u64)ret == t->sc_old_brk)
			return -1;
		return ret > t->sc_old_brk ? ret - t->sc_old_brk : t->sc_old_brk - ret;
	}
	return -1;
}

/* The range whose VMAs a successful call changed; false if none. */
static __always_inline bool changed_range(int sc, struct vmt_thread *t,
					  long ret, __u64 *s, __u64 *e)
{
	__u64 *a = t->sc_args;

	switch (sc) {
	case VMT_SC_MMAP:
		*s = ret;
		*e = ret + a[1];
		return true;
	case VMT_SC_MREMAP:
		*s = ret;
		*e = ret + a[2];
		return true;
	case VMT_SC_BRK:
		*s = ret < t->sc_old_brk ? ret : t->sc_old_brk;
		*e = ret < t->sc_old_brk ? t->sc_old_brk : ret;
		return true;
	default:
		*s = a[0];
		*e = a[0] + a[1];
		return !ret;
	}
}

static __always_inline int on_sys_exit(long ret, int sc, bool has_range)
{
	__u64 s, e;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct vmt_proc *proc = traced_proc(tgid);
	struct vmt_thread *t;
	long bytes;

	if (sc == VMT_SC_MADVISE && proc &&
	    (t = bpf_task_storage_get(&threads, bpf_get_current_task_btf(), NULL, 0)) &&
	    advice_keeps_vmas(t->sc_args[2]))
		return 0;
	t = vma_call(proc, sc, has_range);
	if (!t || !proc)
		return 0;
	if (sc >= VMT_SC_OTHER) {
		if (changed_range(sc, t, ret, &s, &e))
			refresh_range(tgid, s, e, proc->gen);
		return 0;
	}
	bytes = sc_bytes(sc, t, ret);
	if (bytes < 0) {
		t->nr_doomed = t->doomed_scan = 0;	/* it failed: nothing went */
		return 0;
	}
	if (sc == VMT_SC_MREMAP && (__u64)ret == t->sc_args[0])
		t->nr_doomed = t->doomed_scan = 0;	/* in place: the VMA lives on */
	else
		retire_doomed(tgid, t);
	if (changed_range(sc, t, ret, &s, &e))
		refresh_range(tgid, s, e, proc->gen);
	/* moved: what stayed of a VMA part of which moved away was cut */
	if (sc == VMT_SC_MREMAP && (__u64)ret != t->sc_args[0])
		refresh_range(tgid, t->sc_args[0], t->sc_args[0] + t->sc_args[1], proc->gen);
	if (sc == VMT_SC_BRK)
		proc->mm.brk = ret;
	if (sc >= 0 && sc < VMT_NR_SYSCALLS) {
		__sync_fetch_and_add(&proc->sc[sc].calls, 1);
		__sync_fetch_and_add(&proc->sc[sc].bytes, bytes);
	}
	return 0;
}

/*
 * The calls are seen by the raw sys_enter/sys_exit tracepoints (one program
 * each, shared with readin.bpf.h), not by a syscalls:sys_{enter,exit}_NAME
 * pair per call: those were 32 perf-event links, and each one's detach waits
 * for an RCU grace period under the kernel's event_mutex, one after another
 * (~16-28 ms each on the 6.18 development VM: 0.5-0.7 s of every vmtrace exit,
 * measured with strace -T on close()). Raw tracepoint links detach at once.
 * The cost moves to every system call of every process while vmtrace runs:
 * a switch on the number (the syscalls:* events hook the same tracepoint).
 */

/*
 * A 32-bit process's call: the raw tracepoints give its ia32 number, another
 * call's here. The syscalls:* events skip such calls; so does vmtrace.
 */
static __always_inline bool compat_call(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return bpf_core_field_exists(task->thread_info.status) &&
	       (BPF_CORE_READ(task, thread_info.status) & TS_COMPAT);
}

static __always_inline int vma_sys_enter(struct pt_regs *regs, long id)
{
	bool has_range;
	int sc = vma_call_of(id, &has_range);
	__u64 args[4];

	if (sc < 0 || compat_call())
		return 0;
	args[0] = SC_ARG0(regs);
	args[1] = SC_ARG1(regs);
	args[2] = SC_ARG2(regs);
	args[3] = SC_ARG3(regs);
	return on_sys_enter(args, sc, has_range);
}

static __always_inline int vma_sys_exit(struct pt_regs *regs, long ret)
{
	bool has_range;
	int sc = vma_call_of(SC_NR(regs), &has_range);

	if (sc < 0 || compat_call())
		return 0;
	return on_sys_exit(ret, sc, has_range);
}

#endif
