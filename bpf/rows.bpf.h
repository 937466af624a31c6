/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMA rows: a slot in the rows array per VMA seen faulting, found through
 * row_index by (tgid, anchor). Slots are never reused, so user space can read
 * rows [1, next_slot) at any time, including rows of unmapped VMAs.
 */
#ifndef ROWS_BPF_H
#define ROWS_BPF_H

/* What a VMA lookup learned, passed to and from the bpf_find_vma callback. */
struct vma_info {
	__u64 start;
	__u64 end;
	__u64 vm_flags;
	__u64 pgoff;
	__u64 ino;
	__u32 dev;
	__u32 slot;
	__u64 gen;
	__u64 sp;		/* user stack pointer of the faulting thread */
	__u32 tgid;
	__u32 tid;
	int found;
};

static __always_inline __u32 new_slot(void)
{
	__u32 slot = __sync_fetch_and_add(&next_slot, 1);

	return slot < max_rows ? slot : VMT_OVERFLOW_SLOT;
}

static __always_inline void fill_row(struct vmt_row *row, struct vma_info *v)
{
	row->start = v->start;
	row->end = v->end;
	row->vm_flags = v->vm_flags;
	row->pgoff = v->pgoff;
	row->last_gen = v->gen;
	if (v->sp >= v->start && v->sp < v->end && v->tid != v->tgid)
		row->stack_tid = v->tid;
}

/* A new row for a VMA or pseudo anchor; VMT_OVERFLOW_SLOT when full. */
static __always_inline __u32 create_row(struct vmt_row_key *key,
					struct vma_info *v, __u32 flags)
{
	struct vmt_row *row;
	__u32 slot = new_slot(), *won;

	if (slot == VMT_OVERFLOW_SLOT)
		return slot;
	row = bpf_map_lookup_elem(&rows, &slot);
	if (!row)
		return VMT_OVERFLOW_SLOT;
	row->tgid = key->tgid;
	row->ino = v->ino;
	row->dev = v->dev;
	row->flags = flags;
	row->first_gen = v->gen;
	fill_row(row, v);
	if (!bpf_map_update_elem(&row_index, key, &slot, BPF_NOEXIST))
		return slot;
	/* Another thread filed this VMA first: use its row, leave ours empty. */
	row->flags |= VMT_ROW_UNMAPPED;
	won = bpf_map_lookup_elem(&row_index, key);
	return won ? *won : VMT_OVERFLOW_SLOT;
}

/* Marks a row unmapped and frees its anchor for whatever is mapped there next. */
static __always_inline void retire_row(struct vmt_row_key *key, __u32 slot)
{
	struct vmt_row *row = bpf_map_lookup_elem(&rows, &slot);

	if (row)
		row->flags |= VMT_ROW_UNMAPPED;
	bpf_map_delete_elem(&row_index, key);
}

/* The row of a pseudo anchor (no VMA, lookup busy) of a process. */
static __always_inline __u32 pseudo_row(__u32 tgid, __u64 anchor, __u32 flags)
{
	struct vmt_row_key key = { .tgid = tgid, .anchor = anchor };
	struct vma_info v = { .tgid = tgid };
	__u32 *slot = bpf_map_lookup_elem(&row_index, &key);

	return slot ? *slot : create_row(&key, &v, flags);
}

/*
 * The row of a resolved VMA. An existing row under the same anchor belongs to
 * an earlier mapping if the backing object differs (e.g. mmap MAP_FIXED over
 * a file mapping): it is retired and a new row begins.
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
		if (row && row->ino == v->ino && row->dev == v->dev) {
			fill_row(row, v);
			return slot;
		}
		retire_row(&key, slot);
	}
	return create_row(&key, v, down ? VMT_ROW_GROWSDOWN : 0);
}

/* Retires the row anchored at start if [start, end) covers all of it. */
static __always_inline void retire_range(__u32 tgid, __u64 start, __u64 end)
{
	struct vmt_row_key key = { .tgid = tgid, .anchor = start };
	__u32 *found = bpf_map_lookup_elem(&row_index, &key);
	struct vmt_row *row;
	__u32 slot;

	if (!found)
		return;
	slot = *found;
	row = bpf_map_lookup_elem(&rows, &slot);
	if (row && row->end <= end)
		retire_row(&key, slot);
}

#endif
