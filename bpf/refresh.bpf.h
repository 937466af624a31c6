/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keeping rows equal to VMAs after a system call changed them: the VMAs at the
 * edges of the changed range are read again, and rows whose VMA was cut,
 * shrunk, moved or re-protected are retired as changed (rows.bpf.h), rows
 * whose VMA went as unmapped. VMAs are found by the lockless maple tree walk
 * first (maple.bpf.h); bpf_find_vma() only try-locks mmap_lock and fails
 * with -EBUSY while another thread waits to write it, which must never be
 * mistaken for "no VMA here".
 */
#ifndef REFRESH_BPF_H
#define REFRESH_BPF_H

#include "state.bpf.h"
#include "maple.bpf.h"
#include "rows.bpf.h"

enum vma_lookup {
	VMA_FOUND,
	VMA_NONE,
	VMA_UNKNOWN,	/* mmap_lock busy: the VMA could not be read */
};

static long vma_peek(struct task_struct *task, struct vm_area_struct *vma,
		     struct vma_info *v)
{
	read_vma(vma, v, false);
	return 0;
}

/* The VMA holding p, into v. */
static __always_inline int peek_vma(struct task_struct *task, __u64 p,
				    struct vma_info *v)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	struct vm_area_struct *vma = mm ? maple_find(mm, p) : NULL;
	long err;

	if (maple_valid(vma, mm, p)) {
		read_vma(vma, v, false);
		return VMA_FOUND;
	}
	err = bpf_find_vma(task, p, vma_peek, v, 0);
	if (!err && v->found)
		return VMA_FOUND;
	if (err == -ENOENT)
		return VMA_NONE;
	__sync_fetch_and_add(&drops.sc_lookups_busy, 1);
	return VMA_UNKNOWN;
}

/*
 * The row at a was made during this call (its first generation is at least
 * the exit's less one; an older row's is below the entry's) for the VMA the
 * row at p grew into: a fault in another thread found the merged VMA before
 * this exit re-anchored the row. The same VMA, grown: one row, the older.
 */
static __always_inline bool raced_growth(const struct vmt_row *row_p,
					 const struct vmt_row *row_a, __u64 gen)
{
	return row_a->first_gen + 1 >= gen && row_a->ino == row_p->ino &&
	       row_a->dev == row_p->dev &&
	       !((row_a->vm_flags ^ row_p->vm_flags) & VMT_VM_PERMS);
}

/*
 * The row anchored at p lost its VMA to the one anchored at a (it merged into
 * a VMA that starts lower): when a has no row, the row follows its VMA (the
 * merged extent holds its own); when a's row was made by a fault racing this
 * call, its counts join the row at p's, which it keeps counting in (the row at
 * p, empty, retires and leaves the report); otherwise two faulted VMAs became
 * one, and the row at p is retired with its own extent.
 */
static __always_inline void reanchor(struct vmt_row_key *at_p, __u32 slot_p,
				     struct vmt_row_key *at_a, __u64 gen)
{
	__u32 *slot_a = bpf_map_lookup_elem(&row_index, at_a);
	struct vmt_row *row, *row_a;

	if (!slot_a) {
		bpf_map_update_elem(&row_index, at_a, &slot_p, BPF_NOEXIST);
		bpf_map_delete_elem(&row_index, at_p);
		return;
	}
	row = bpf_map_lookup_elem(&rows, &slot_p);
	row_a = bpf_map_lookup_elem(&rows, slot_a);
	if (row && row_a && raced_growth(row, row_a, gen)) {
		move_counts(row, row_a);
		row_a->first_gen = row->first_gen;
		row_a->first_ns = row->first_ns;
		row->nr_vmas = 0;	/* its VMA is row_a's: no VMA of its own */
		retire_row(at_p, slot_p, VMT_ROW_SEALED);
		return;
	}
	if (row) {
		row->merged_into = *slot_a;
		__sync_fetch_and_or(&row->flags, VMT_ROW_MERGED);
	}
	retire_row(at_p, slot_p, VMT_ROW_SEALED);
}

/*
 * Re-reads the VMA at p after a system call changed VMAs around it: the row
 * of that VMA takes its new extent (a split, brk, a merge); when p is a page
 * boundary, a row anchored at p whose VMA is gone is retired, or follows its
 * VMA when it merged into one that starts lower. bpf_find_vma() is cheap here,
 * with interrupts on, unlike in the fault path.
 */
static __always_inline void refresh_at(__u32 tgid, __u64 p, bool boundary,
				       __u64 gen)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vma_info v = { .tgid = tgid, .gen = gen };
	struct vmt_row_key at_p = { .tgid = tgid, .anchor = p }, at_a = { .tgid = tgid };
	__u32 *found = boundary ? bpf_map_lookup_elem(&row_index, &at_p) : NULL;
	__u32 slot_p = found ? *found : 0;
	struct vmt_row *row;
	int found_vma = peek_vma(task, p, &v);

	if (found_vma != VMA_FOUND) {
		row = slot_p ? bpf_map_lookup_elem(&rows, &slot_p) : NULL;
		if (!row || (row->flags & VMT_ROW_GROWSDOWN))
			return;
		/* unknown: its VMA may have changed; a new row never mixes two eras */
		retire_row(&at_p, slot_p, found_vma == VMA_NONE ? VMT_ROW_UNMAPPED :
						  VMT_ROW_SEALED);
		return;
	}
	at_a.anchor = v.vm_flags & VM_GROWSDOWN ? v.end : v.start;
	if (slot_p && at_a.anchor != p)
		reanchor(&at_p, slot_p, &at_a, gen);
	found = bpf_map_lookup_elem(&row_index, &at_a);
	if (!found)
		return;
	slot_p = *found;
	row = bpf_map_lookup_elem(&rows, &slot_p);
	if (!row)
		return;
	if (row->ino != v.ino || row->dev != v.dev)
		retire_row(&at_a, slot_p, VMT_ROW_UNMAPPED);	/* something else is there */
	else if (!row_holds(row, &v))
		retire_row(&at_a, slot_p, VMT_ROW_SEALED);	/* cut, shrunk, re-protected */
	else
		fill_row(row, &v);
}

/*
 * Before a call removes [s, e): notes the anchors of the VMAs whose anchor
 * lies inside (those VMAs disappear; what is left of them outside the range
 * gets a new anchor). Walks VMA by VMA, page by page over small gaps. When a
 * VMA cannot be read, or the range holds more than DOOMED_MAX steps, the
 * exit scans the process's rows instead (retire_doomed()).
 */
static __always_inline void note_doomed(struct vmt_thread *t, __u64 s, __u64 e)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 p = s & PAGE_MASK;

	t->nr_doomed = 0;
	t->doomed_s = s;
	t->doomed_e = e;
	t->doomed_scan = 0;
	for (int i = 0; i < DOOMED_MAX && p < e; i++) {
		struct vma_info v = {};
		bool down;
		int found = peek_vma(task, p, &v);

		if (found == VMA_UNKNOWN) {
			t->doomed_scan = 1;
			return;
		}
		if (found == VMA_NONE) {
			p += 1ULL << PAGE_SHIFT;
			continue;
		}
		down = v.vm_flags & VM_GROWSDOWN;
		if (down ? v.end <= e : v.start >= s) {
			t->doomed[t->nr_doomed & (DOOMED_MAX - 1)] = down ? v.end : v.start;
			t->nr_doomed++;
		}
		p = v.end;
	}
	if (p < e)
		t->doomed_scan = 1;
}

struct doom_scan {
	__u32 tgid;
	__u64 s, e;
};

/* row_index callback: retires ctx->tgid's rows anchored inside [s, e). */
static long doom_row(struct bpf_map *map, struct vmt_row_key *key, __u32 *slot,
		     struct doom_scan *ctx)
{
	struct vmt_row_key k = *key;
	__u32 s = *slot;
	struct vmt_row *row;
	bool down;

	if (k.tgid != ctx->tgid || k.anchor < VMT_ANCHOR_STACK_GROWTH + 1)
		return 0;	/* another process's, or a pseudo row */
	row = bpf_map_lookup_elem(&rows, &s);
	down = row && (row->flags & VMT_ROW_GROWSDOWN);
	if (down ? k.anchor > ctx->s && k.anchor <= ctx->e :
		   k.anchor >= ctx->s && k.anchor < ctx->e)
		retire_row(&k, s, VMT_ROW_UNMAPPED);
	return 0;
}

/* After the call succeeded: those rows are unmapped. */
static __always_inline void retire_doomed(__u32 tgid, struct vmt_thread *t)
{
	if (t->doomed_scan) {
		struct doom_scan ctx = { .tgid = tgid, .s = t->doomed_s, .e = t->doomed_e };

		bpf_for_each_map_elem(&row_index, doom_row, &ctx, 0);
		t->doomed_scan = 0;
		t->nr_doomed = 0;
		return;
	}
	for (int i = 0; i < DOOMED_MAX; i++) {
		struct vmt_row_key key = { .tgid = tgid };
		__u32 *slot;

		if (i >= t->nr_doomed)
			break;
		key.anchor = t->doomed[i];
		slot = bpf_map_lookup_elem(&row_index, &key);
		if (slot)
			retire_row(&key, *slot, VMT_ROW_UNMAPPED);
	}
	t->nr_doomed = 0;
}

/* Refreshes the VMAs at both edges of a changed range [s, e). */
static __always_inline void refresh_range(__u32 tgid, __u64 s, __u64 e, __u64 gen)
{
	s &= PAGE_MASK;
	e = (e + ~PAGE_MASK) & PAGE_MASK;
	if (e <= s)
		return;
	refresh_at(tgid, s - 1, false, gen);
	refresh_at(tgid, s, true, gen);
	refresh_at(tgid, e - 1, false, gen);
	refresh_at(tgid, e, true, gen);
}

#endif
