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
	__u64 mapping;		/* the file's address_space, 0 when anonymous */
	__u64 gen;
	__u64 sp;		/* user stack pointer of the faulting thread */
	__u32 tgid;
	__u32 tid;
	int found;
};

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
	struct vmt_proc *proc;

	if (slot)
		return *slot;
	/* its first_gen says which exec image of the process it belongs to */
	proc = bpf_map_lookup_elem(&procs, &tgid);
	v.gen = proc ? proc->gen : 0;
	return create_row(&key, &v, flags);
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

#endif

/* ---- keeping rows equal to VMAs after a call changed them ---- */

static long vma_peek(struct task_struct *task, struct vm_area_struct *vma,
		     struct vma_info *v)
{
	read_vma(vma, v, false);
	return 0;
}

/* The row anchored at p lost its VMA to the one anchored at a: follow it. */
static __always_inline void reanchor(struct vmt_row_key *at_p, __u32 slot_p,
				     struct vmt_row_key *at_a)
{
	__u32 *slot_a = bpf_map_lookup_elem(&row_index, at_a);
	struct vmt_row *row;

	if (!slot_a) {
		bpf_map_update_elem(&row_index, at_a, &slot_p, BPF_NOEXIST);
	} else if ((row = bpf_map_lookup_elem(&rows, &slot_p))) {
		row->merged_into = *slot_a;	/* two faulted VMAs became one */
		row->flags |= VMT_ROW_MERGED;
	}
	bpf_map_delete_elem(&row_index, at_p);
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

	if (bpf_find_vma(task, p, vma_peek, &v, 0) || !v.found) {
		row = slot_p ? bpf_map_lookup_elem(&rows, &slot_p) : NULL;
		if (row && !(row->flags & VMT_ROW_GROWSDOWN))
			retire_row(&at_p, slot_p);
		return;
	}
	at_a.anchor = v.vm_flags & VM_GROWSDOWN ? v.end : v.start;
	if (slot_p && at_a.anchor != p)
		reanchor(&at_p, slot_p, &at_a);
	found = bpf_map_lookup_elem(&row_index, &at_a);
	if (!found)
		return;
	slot_p = *found;
	row = bpf_map_lookup_elem(&rows, &slot_p);
	if (!row)
		return;
	if (row->ino != v.ino || row->dev != v.dev)
		retire_row(&at_a, slot_p);	/* something else was mapped there */
	else
		fill_row(row, &v);
}

/*
 * Before a call removes [s, e): notes the anchors of the VMAs whose anchor
 * lies inside (those VMAs disappear; what is left of them outside the range
 * gets a new anchor). Walks VMA by VMA, page by page over small gaps.
 */
static __always_inline void note_doomed(struct vmt_thread *t, __u64 s, __u64 e)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 p = s & PAGE_MASK;

	t->nr_doomed = 0;
	for (int i = 0; i < DOOMED_MAX && p < e; i++) {
		struct vma_info v = {};
		bool down;

		if (bpf_find_vma(task, p, vma_peek, &v, 0) || !v.found) {
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
}

/* After the call succeeded: those rows are unmapped. */
static __always_inline void retire_doomed(__u32 tgid, struct vmt_thread *t)
{
	for (int i = 0; i < DOOMED_MAX; i++) {
		struct vmt_row_key key = { .tgid = tgid };
		__u32 *slot;

		if (i >= t->nr_doomed)
			break;
		key.anchor = t->doomed[i];
		slot = bpf_map_lookup_elem(&row_index, &key);
		if (slot)
			retire_row(&key, *slot);
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
