/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every map and global the BPF programs share, and the three accessors every
 * handler uses. Each header of bpf/ that touches them includes this one; they
 * are defined once, in the one object vmtrace.bpf.c builds.
 */
#ifndef STATE_BPF_H
#define STATE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vmtrace.h"
#include "vmtrace_priv.bpf.h"
#include "arch_x86.bpf.h"

/* Knobs the loader sets before load (the verifier prunes what they turn off). */
const volatile __u32 max_rows = VMT_DEFAULT_MAX_ROWS;
const volatile __u32 backend = VMT_BACKEND_TRACEPOINT;
const volatile __u32 follow = 0;	/* trace the children of traced processes */
const volatile bool want_latency = false;	/* measure.bpf.h */
const volatile bool want_heatmap = false;
const volatile bool want_dead_list = false;	/* --dead-vmas: rows.bpf.h */

/* Globals user space reads. */
__u32 next_slot = 1;	/* slot 0 is VMT_OVERFLOW_SLOT */
__u64 next_serial = 1;
struct vmt_drops drops;
struct vmt_lookups lookups;
struct vmt_reclaim reclaim;
__u64 procs_full;			/* children not followed: procs or lineage full */
__u64 forks_unfollowed;			/* children not followed: following is off */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VMT_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct vmt_proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VMT_DEFAULT_MAX_ROWS);
	__type(key, __u32);
	__type(value, struct vmt_row);
} rows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VMT_DEFAULT_MAX_ROWS);
	__type(key, struct vmt_row_key);
	__type(value, __u32);
} row_index SEC(".maps");

/* Slots of rows folded away, for new rows to take before next_slot grows. */
struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, VMT_DEFAULT_MAX_ROWS);
	__type(value, __u32);
} free_slots SEC(".maps");

/* The row each dead identity folds into (rows.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VMT_DEFAULT_MAX_ROWS);
	__type(key, struct vmt_dead_key);
	__type(value, __u32);
} dead_index SEC(".maps");

/*
 * Faults whose VMA lookup was busy (mmap_lock held by a writer), by page:
 * user space files them under the row that contains the page.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VMT_MAX_DEFERRED);
	__type(key, struct vmt_row_key);
	__type(value, struct vmt_row);
} deferred SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VMT_DEFAULT_MAX_FILES);
	__type(key, struct vmt_file_key);
	__type(value, struct vmt_file);
} files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct vmt_thread);
} threads SEC(".maps");

/* --dead-vmas: each retired row (struct vmt_dead_vma), for user space to list. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);	/* user space sizes it when listing */
} dead_vmas SEC(".maps");

/* Scratch space too large for the 512-byte BPF stack. */
struct path_scratch {
	const unsigned char *names[VMT_PATH_DEPTH];
	struct vmt_file file;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scratch);
} scratch SEC(".maps");

/* Each followed process's images and exit counts (inherit.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VMT_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct vmt_lineage);
} lineage SEC(".maps");

/* Page cache read-ins per process and file (readin.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VMT_MAX_READINS);
	__type(key, struct vmt_readin_key);
	__type(value, struct vmt_readin_pages);
} readins SEC(".maps");

/*
 * task->pagefault_disabled as a fault tracepoint's program sees it in a user-
 * mode fault, which the kernel always handles: 1 on 6.18 (the program's own
 * context holds a count), 0 on 6.1. A kernel-mode event above it was taken
 * with page faults disabled. -1 until the first user-mode fault.
 */
int pfd_base = -1;

/*
 * The entry at key, created from init if there is none (bcc's
 * bpf_map_lookup_or_try_init()): NULL only when the map is full. Another CPU
 * may create it between the two calls; the second lookup finds theirs.
 */
static __always_inline void *map_lookup_or_init(void *map, const void *key,
						const void *init)
{
	void *val = bpf_map_lookup_elem(map, key);
	long err;

	if (val)
		return val;
	err = bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	if (err && err != -EEXIST)
		return NULL;
	return bpf_map_lookup_elem(map, key);
}

static __always_inline struct vmt_proc *traced_proc(__u32 tgid)
{
	struct vmt_proc *proc = bpf_map_lookup_elem(&procs, &tgid);

	return proc && proc->active ? proc : NULL;
}

static __always_inline struct vmt_thread *thread_state(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vmt_thread *t;

	t = bpf_task_storage_get(&threads, task, NULL,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t)
		__sync_fetch_and_add(&drops.threads, 1);
	return t;
}

static __always_inline void bump_gen(struct vmt_proc *proc)
{
	__sync_fetch_and_add(&proc->gen, 1);
}

#endif
