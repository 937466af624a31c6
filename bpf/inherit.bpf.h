/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Following a traced command's children, as perf stat does: a process that a
 * traced process forks is traced from its first instruction
 * (sched_process_fork fires in the parent before the child can run), so its
 * kernel counters, which start at 0 at fork, are the oracle for its rows.
 * Threads need nothing: rows are keyed by tgid.
 *
 * An exec replaces the mm: the new image's VMAs may sit at the addresses of
 * the old one's (a static binary, or no ASLR), and must not land in its rows.
 * execve() entry bumps the mapping generation (every later fault misses the
 * thread caches, and rows created from then on have first_gen >= it); the
 * exec tracepoint then retires the old image's rows from row_index, so no
 * later VMA can be filed under them. User space splits rows into images by
 * first_gen.
 */
#ifndef INHERIT_BPF_H
#define INHERIT_BPF_H

#include "state.bpf.h"
#include "rows.bpf.h"

/* A zeroed entry, too large for the stack. */
static const struct vmt_lineage lineage_zero;
static const struct vmt_proc proc_followed = { .active = 1 };

static __always_inline struct vmt_lineage *lineage_new(__u32 tgid,
						       struct task_struct *task,
						       __u32 ppid)
{
	struct vmt_lineage *lin = map_lookup_or_init(&lineage, &tgid, &lineage_zero);

	if (!lin) {
		__sync_fetch_and_add(&procs_full, 1);
		return NULL;
	}
	lin->ppid = ppid;
	lin->nr_images = 1;
	bpf_core_read_str(lin->images[0].comm, sizeof(lin->images[0].comm), &task->comm);
	return lin;
}

static __always_inline int inherit_fork(struct task_struct *parent,
					struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	struct vmt_lineage *lin;

	if (ptgid == ctgid || !traced_proc(ptgid))
		return 0;	/* a thread, or not ours */
	if (!follow) {	/* counted, so a report can say what it left out */
		__sync_fetch_and_add(&forks_unfollowed, 1);
		return 0;
	}
	/* an entry already there is a reused pid of an exited process: left alone */
	if (bpf_map_update_elem(&procs, &ctgid, &proc_followed, BPF_NOEXIST)) {
		__sync_fetch_and_add(&procs_full, 1);
		return 0;
	}
	lin = lineage_new(ctgid, child, ptgid);
	if (lin)
		lin->counted = 1;	/* counters start at 0, every thread is ours */
	return 0;
}

/*
 * An index into images[], masked where the verifier sees it: clang drops a
 * mask it can prove redundant, and 6.1's verifier loses the bound of the
 * 32-bit arithmetic before it ("unbounded memory access").
 */
static __always_inline __u64 image_index(__u64 i)
{
	asm volatile("" : "+r"(i));
	return i & (VMT_MAX_IMAGES - 1);
}

/* The image now running: its slot in images[] (the last one once they run out). */
static __always_inline __u64 current_image(const struct vmt_lineage *lin)
{
	__u32 n = lin->nr_images;

	return image_index((n > VMT_MAX_IMAGES ? VMT_MAX_IMAGES : n ? n : 1) - 1);
}

static __always_inline void save_image(struct vmt_image_end *e,
				       const struct vmt_proc *p)
{
	e->mm = p->mm;
	for (int i = 0; i < VMT_NR_SYSCALLS; i++)
		e->sc[i] = p->sc[i];
}

/*
 * execve() entry, still in the old mm: the old image's state is saved (a
 * failed exec just saves it again later), and the generation bumped.
 */
static __always_inline int inherit_exec_enter(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct vmt_proc *proc = traced_proc(tgid);
	struct vmt_lineage *lin;

	if (!proc)
		return 0;
	bump_gen(proc);
	lin = bpf_map_lookup_elem(&lineage, &tgid);
	if (!lin)	/* an attached process: its earlier threads are not summed */
		lin = lineage_new(tgid, task, BPF_CORE_READ(task, real_parent, tgid));
	if (!lin)
		return 0;
	lin->exec_gen = proc->gen;
	/*
	 * Rows made from here on are the new image's (the ELF loader faults
	 * on the new stack before the exec tracepoint): their dead rows must
	 * not fold with the old image's. A failed exec only splits the folds.
	 */
	proc->image_gen = proc->gen;
	save_image(&lin->images[current_image(lin)].end, proc);
	return 0;
}

struct flush_ctx {
	__u32 tgid;
	__u64 gen;
};

/* row_index callback: retires the rows of ctx->tgid older than ctx->gen. */
static long flush_row(struct bpf_map *map, struct vmt_row_key *key, __u32 *slot,
		      struct flush_ctx *ctx)
{
	struct vmt_row_key k = *key;
	__u32 s = *slot;
	struct vmt_row *row;

	if (k.tgid != ctx->tgid)
		return 0;
	row = bpf_map_lookup_elem(&rows, &s);
	if (row && row->first_gen < ctx->gen)
		retire_row(&k, s, VMT_ROW_UNMAPPED);	/* the old image's mm is gone */
	return 0;
}

/*
 * The faults exec took through get_user_pages() to copy the arguments and
 * environment onto the new stack, one per page from its top down to the
 * strings' start:
 * no fault tracepoint fires for them, so with the tracepoint backend they
 * leave the traced window, as the first exec of a spawned command does.
 * (The function backends see them, on the new image's stack.)
 */
static __always_inline __u64 exec_arg_pages(struct task_struct *task,
					    struct linux_binprm *bprm)
{
	/* mm->arg_start: bprm->p once moved, before the ELF loader reused it */
	__u64 top = BPF_CORE_READ(bprm, vma, vm_end);
	__u64 p = BPF_CORE_READ(task, mm, arg_start);

	return top > p ? ((top - 1) >> PAGE_SHIFT) - (p >> PAGE_SHIFT) + 1 : 0;
}

/*
 * sched_process_exec: a new image begins. The first exec of a spawned
 * command is where tracing starts (its lineage begins here, with the
 * kernel's counters of this moment as the base).
 */
static __always_inline int inherit_exec(struct task_struct *p,
					struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct vmt_proc *proc = bpf_map_lookup_elem(&procs, &tgid);
	struct vmt_lineage *lin = bpf_map_lookup_elem(&lineage, &tgid);
	struct flush_ctx ctx = { .tgid = tgid };
	__u32 n;

	if (!proc)
		return 0;
	if (!lin) {
		lin = lineage_new(tgid, p, BPF_CORE_READ(p, real_parent, tgid));
		if (lin && proc->start_on_exec) {
			lin->counted = 1;
			lin->base_minflt = BPF_CORE_READ(p, min_flt) +
					   BPF_CORE_READ(p, signal, min_flt);
			lin->base_majflt = BPF_CORE_READ(p, maj_flt) +
					   BPF_CORE_READ(p, signal, maj_flt);
		}
		return 0;
	}
	ctx.gen = lin->exec_gen ? lin->exec_gen : proc->gen;
	lin->exec_gen = 0;
	proc->image_gen = ctx.gen;	/* rows made since execve() entry are this image's */
	if (backend == VMT_BACKEND_TRACEPOINT)
		lin->exec_arg_faults += exec_arg_pages(p, bprm);
	bpf_for_each_map_elem(&row_index, flush_row, &ctx, 0);
	n = lin->nr_images;
	if (n < VMT_MAX_IMAGES) {
		struct vmt_image *img = &lin->images[image_index(n)];

		img->first_gen = ctx.gen;
		bpf_core_read_str(img->comm, sizeof(img->comm), &p->comm);
	} else {
		/*
		 * Later images share the last one, named by the newest program:
		 * a wrapper script that execs through a chain of helpers into an
		 * interpreter shows the interpreter, whose rows they mostly are.
		 */
		struct vmt_image *img = &lin->images[VMT_MAX_IMAGES - 1];

		bpf_core_read_str(img->comm, sizeof(img->comm), &p->comm);
	}
	lin->nr_images = n + 1;
	proc->mm.exe_ino = 0;	/* the next lookup reads the new executable */
	bump_gen(proc);
	return 0;
}

/* Each thread's counters are final at its exit: summed, they are the process's. */
static __always_inline int inherit_exit(struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct vmt_lineage *lin = bpf_map_lookup_elem(&lineage, &tgid);

	if (!lin)
		return 0;
	__sync_fetch_and_add(&lin->exit_minflt, BPF_CORE_READ(task, min_flt));
	__sync_fetch_and_add(&lin->exit_majflt, BPF_CORE_READ(task, maj_flt));
	if (!BPF_CORE_READ(task, signal, live.counter))
		lin->exited = 1;
	return 0;
}

#endif
