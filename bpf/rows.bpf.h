/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMA rows: a slot in the rows array per VMA seen faulting, found through
 * row_index by (tgid, anchor). A row whose VMA changed or went is retired with
 * the extent its counts were taken under and folded into the row of its
 * identity (src/vmtrace.h); freed slots go to free_slots for new rows. User
 * space reads rows [1, next_slot) at any time and skips VMT_ROW_FREE ones.
 */
#ifndef ROWS_BPF_H
#define ROWS_BPF_H

#include "state.bpf.h"
#include "pure.bpf.h"
#include "path.bpf.h"

/* A VMA's identity and extent; with remember, its file's path is stored too. */
static __always_inline void read_vma(struct vm_area_struct *vma,
				     struct vma_info *v, bool remember)
{
	struct file *file = BPF_CORE_READ(vma, vm_file);

	v->start = BPF_CORE_READ(vma, vm_start);
	v->end = BPF_CORE_READ(vma, vm_end);
	v->vm_flags = BPF_CORE_READ(vma, vm_flags);
	v->pgoff = BPF_CORE_READ(vma, vm_pgoff);
	v->ino = 0;
	v->dev = 0;
	v->mapping = 0;
	if (file) {
		struct vmt_file_key fkey = {
			.ino = BPF_CORE_READ(file, f_inode, i_ino),
			.dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev),
		};

		v->ino = fkey.ino;
		v->dev = fkey.dev;
		v->mapping = (__u64)BPF_CORE_READ(file, f_mapping);
		if (remember)
			remember_file(file, &fkey);
	}
	v->found = 1;
}

/* The heat buckets are kept (and moved) only with heatmaps. */
#define NR_HEAT_MOVED	(want_heatmap ? VMT_HEAT_BUCKETS : 0)

/* The heap as the kernel's show_map_vma() tells it: overlapping [start_brk, brk]. */
static __always_inline bool row_is_heap(const struct vmt_row *row)
{
	struct vmt_proc *proc = bpf_map_lookup_elem(&procs, &row->tgid);

	return proc && proc->mm.start_brk && row->start <= proc->mm.brk &&
	       row->end >= proc->mm.start_brk;
}

/*
 * Moves every count of row from into row to. Atomic on both sides: a fault
 * handler that looked the row up before it was retired may still be adding to
 * it; whatever it adds after this pass stays in from, as residue (reuse_slot).
 */
static __always_inline void move_counts(struct vmt_row *from, struct vmt_row *to)
{
	for (int i = 0; i < VMT_NR_COUNTERS; i++) {
		__u64 n = from->counters[i];

		if (!n)
			continue;
		__sync_fetch_and_add(&to->counters[i], n);
		__sync_fetch_and_sub(&from->counters[i], n);
	}
	for (int i = 0; i < VMT_HEAT_BUCKETS; i++) {
		__u32 n;

		if (i >= NR_HEAT_MOVED)
			break;
		n = from->heat[i];
		if (!n)
			continue;
		__sync_fetch_and_add(&to->heat[i], n);
		__sync_fetch_and_sub(&from->heat[i], n);
	}
}

/*
 * A retired row joins the row of its identity: the first of an identity
 * becomes that row itself; later ones move their counts into it and free
 * their slot. With no room in dead_index the row stays whole (not freed).
 */
/*
 * Not inlined (nor is reuse_slot()): their 48-byte keys would otherwise sit
 * in the fault path's frame, past the 512-byte combined stack on 6.1.
 */
static __noinline void fold_row(__u32 slot, struct vmt_row *row)
{
	struct vmt_dead_key key = {};
	struct vmt_row *into;
	__u32 *found;

	dead_key_of(row, row_is_heap(row), &key);
	found = bpf_map_lookup_elem(&dead_index, &key);
	if (!found) {
		__sync_fetch_and_or(&row->flags, VMT_ROW_FOLDED);
		if (!bpf_map_update_elem(&dead_index, &key, &slot, BPF_NOEXIST))
			return;
		found = bpf_map_lookup_elem(&dead_index, &key);
		if (!found) {
			__sync_fetch_and_add(&drops.unfolded, 1);
			return;
		}
	}
	if (*found == slot)
		return;
	into = bpf_map_lookup_elem(&rows, found);
	if (!into)
		return;
	move_counts(row, into);
	__sync_fetch_and_add(&into->nr_vmas, row->nr_vmas);
	into->sealed_ns = row->sealed_ns;
	__sync_fetch_and_or(&row->flags, VMT_ROW_FREE);
	__sync_fetch_and_add(&reclaim.folded, 1);
	bpf_map_push_elem(&free_slots, &slot, 0);
}

/* --dead-vmas: the retired row as it was, for user space to list. */
static __noinline void send_dead(struct vmt_row *row, __u32 why)
{
	struct vmt_dead_vma *d = bpf_ringbuf_reserve(&dead_vmas, sizeof(*d), 0);

	if (!d) {
		__sync_fetch_and_add(&reclaim.unlisted, 1);
		return;
	}
	d->start = row->start;
	d->end = row->end;
	d->vm_flags = row->vm_flags;
	d->pgoff = row->pgoff;
	d->ino = row->ino;
	d->dev = row->dev;
	d->tgid = row->tgid;
	d->why = why;
	d->row_flags = row->flags;
	d->faults = row->counters[VMT_C_READ] + row->counters[VMT_C_WRITE] +
		    row->counters[VMT_C_EXEC];
	d->major = row->counters[VMT_C_MAJOR];
	d->first_ns = row->first_ns;
	d->retired_ns = row->sealed_ns;
	bpf_ringbuf_submit(d, 0);
}

/*
 * Retires a row: its VMA changed (VMT_ROW_SEALED) or went (VMT_ROW_UNMAPPED).
 * It keeps the extent and permissions its counts were taken under, leaves the
 * index so the next fault there starts a new row, and is folded.
 */
static __always_inline void retire_row(struct vmt_row_key *key, __u32 slot,
				       __u32 why)
{
	struct vmt_row *row = bpf_map_lookup_elem(&rows, &slot);
	__u32 *indexed = bpf_map_lookup_elem(&row_index, key);

	if (!indexed || *indexed != slot)
		return;		/* another thread retired it first */
	if (!row || slot == VMT_OVERFLOW_SLOT) {
		bpf_map_delete_elem(&row_index, key);
		return;
	}
	/*
	 * Two threads can both find it indexed (one preempted between the
	 * lookup and here, as BPF programs are under PREEMPT_RT): one claims
	 * it, or both would fold it and free its slot twice. Every change to
	 * a live row's flags is atomic, so the claim is never overwritten.
	 */
	if (__sync_fetch_and_or(&row->flags, VMT_ROW_RETIRING) & VMT_ROW_RETIRING)
		return;
	bpf_map_delete_elem(&row_index, key);
	__sync_fetch_and_or(&row->flags, why);
	row->sealed_ns = bpf_ktime_get_ns();
	__sync_fetch_and_add(why == VMT_ROW_SEALED ? &reclaim.sealed : &reclaim.unmapped, 1);
	if (want_dead_list)
		send_dead(row, why);
	fold_row(slot, row);
}

/*
 * A slot from the free queue may hold residue: counts a fault handler added
 * after its row was folded. They go to the row the old one folded into
 * (its fields are intact until reuse), so nothing is lost or misplaced.
 */
static __noinline void reuse_slot(struct vmt_row *row)
{
	struct vmt_dead_key key = {};
	struct vmt_row *into;
	__u32 *found;
	__u64 residue = 0;

	for (int i = 0; i < VMT_NR_COUNTERS; i++)
		residue |= row->counters[i];
	if (!residue)
		return;
	dead_key_of(row, row_is_heap(row), &key);
	found = bpf_map_lookup_elem(&dead_index, &key);
	into = found ? bpf_map_lookup_elem(&rows, found) : NULL;
	if (!into)
		return;		/* its identity is gone (a forgotten run): start over */
	move_counts(row, into);
	__sync_fetch_and_add(&reclaim.residue, 1);
}

static __always_inline __u32 new_slot(struct vmt_row **row)
{
	__u32 slot;

	if (!bpf_map_pop_elem(&free_slots, &slot)) {
		*row = bpf_map_lookup_elem(&rows, &slot);
		if (*row) {
			/*
			 * Serial 0 first, with a full barrier: a fault handler
			 * that still holds this slot sees it after its add, and
			 * takes the add back (row_went_stale()), whether or not
			 * the residue pass below saw it.
			 */
			__sync_lock_test_and_set(&(*row)->serial, 0);
			reuse_slot(*row);
			__sync_fetch_and_add(&reclaim.reused, 1);
			return slot;
		}
	}
	slot = __sync_fetch_and_add(&next_slot, 1);
	if (slot >= max_rows)
		return VMT_OVERFLOW_SLOT;
	*row = bpf_map_lookup_elem(&rows, &slot);
	return *row ? slot : VMT_OVERFLOW_SLOT;
}

static __always_inline void fill_row(struct vmt_row *row, struct vma_info *v)
{
	row->start = v->start;
	row->end = v->end;
	row->vm_flags = v->vm_flags;
	row->pgoff = v->pgoff;
	row->last_gen = v->gen;
	if (v->sp >= v->start && v->sp < v->end && v->tid != v->tgid) {
		row->stack_tid = v->tid;
		if (!(row->flags & VMT_ROW_STACK))
			__sync_fetch_and_or(&row->flags, VMT_ROW_STACK);
	}
}

/* A new row for a VMA or pseudo anchor; VMT_OVERFLOW_SLOT when full. */
static __always_inline __u32 create_row(struct vmt_row_key *key,
					struct vma_info *v, __u32 flags)
{
	struct vmt_row *row = NULL;
	__u32 slot = new_slot(&row), *won;

	if (slot == VMT_OVERFLOW_SLOT || !row)
		return VMT_OVERFLOW_SLOT;
	row->tgid = key->tgid;
	row->ino = v->ino;
	row->dev = v->dev;
	row->flags = flags;
	row->first_gen = v->gen;
	row->image_gen = v->image_gen;
	row->stack_tid = 0;
	row->merged_into = 0;
	row->nr_vmas = 1;
	row->serial = __sync_fetch_and_add(&next_serial, 1);
	row->first_ns = bpf_ktime_get_ns();
	row->sealed_ns = 0;
	fill_row(row, v);
	if (!bpf_map_update_elem(&row_index, key, &slot, BPF_NOEXIST))
		return slot;
	/* Another thread filed this VMA first: use its row, give ours back. */
	row->flags = VMT_ROW_FREE;
	bpf_map_push_elem(&free_slots, &slot, 0);
	won = bpf_map_lookup_elem(&row_index, key);
	return won ? *won : VMT_OVERFLOW_SLOT;
}

/* The row of a pseudo anchor (no VMA, lookup busy) of a process. */
static __always_inline __u32 pseudo_row(__u32 tgid, __u64 anchor, __u32 flags)
{
	struct vmt_row_key key = { .tgid = tgid, .anchor = anchor };
	struct vma_info v = { .tgid = tgid };
	__u32 *slot = bpf_map_lookup_elem(&row_index, &key);
	struct vmt_proc *proc;

	if (slot)
		return *slot;
	/* its first_gen says which exec image of the process it belongs to */
	proc = bpf_map_lookup_elem(&procs, &tgid);
	v.gen = proc ? proc->gen : 0;
	v.image_gen = proc ? proc->image_gen : 0;
	return create_row(&key, &v, flags);
}

/*
 * The row of a resolved VMA: the row under its anchor while that row can
 * hold it (row_holds); otherwise that row is retired (sealed if the same
 * mapping changed, unmapped if something else was mapped there) and a new
 * row begins.
 */
static __always_inline __u32 vma_row(struct vma_info *v)
{
	bool down = v->vm_flags & VM_GROWSDOWN;
	struct vmt_row_key key = {
		.tgid = v->tgid,
		.anchor = down ? v->end : v->start,
	};
	__u32 *found = bpf_map_lookup_elem(&row_index, &key);
	struct vmt_row *row;

	if (found) {
		__u32 slot = *found;

		row = bpf_map_lookup_elem(&rows, &slot);
		if (row && row_holds(row, v)) {
			fill_row(row, v);
			return slot;
		}
		retire_row(&key, slot, row && row->ino == v->ino && row->dev == v->dev ?
			   VMT_ROW_SEALED : VMT_ROW_UNMAPPED);
	}
	return create_row(&key, v, down ? VMT_ROW_GROWSDOWN : 0);
}

#endif
