/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding a VMA by walking the mm's maple tree (Linux 6.1+) with plain reads,
 * instead of bpf_find_vma(): that helper cost ~11 us from the fault
 * tracepoint on the 6.18 development VM (docs/kernels.md; its mmap_lock
 * release goes through an irq_work), which a process faulting across
 * thousands of VMAs pays on nearly every fault.
 *
 * This mirrors mtree_range_walk(): each level's node is copied in one read,
 * the first pivot >= addr picks the slot, leaves hold the VMAs. It takes no
 * lock, so the tree may change under it; the result is only a candidate that
 * the caller validates (same mm, addr inside) and otherwise falls back to
 * bpf_find_vma(). The node encoding (type in bits 3-6 of the pointer, 256-byte
 * aligned nodes) is the same in every kernel with a maple tree; struct offsets
 * come from BTF (CO-RE).
 */
#ifndef MAPLE_BPF_H
#define MAPLE_BPF_H

#include "state.bpf.h"
#include "pure.bpf.h"

#define MAPLE_NODE_MASK		255UL
#define MAPLE_NODE_TYPE_SHIFT	3
#define MAPLE_NODE_TYPE_MASK	0x0F
#define MAPLE_MAX_DEPTH		8	/* 16^8 entries: more than any mm */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct maple_copy);
} maple_scratch SEC(".maps");

struct maple_walk {
	unsigned long entry;	/* the node to read next; the VMA when done */
	__u64 addr;
	unsigned int piv_r, slot_r, piv_a, slot_a;
	bool found;
};

/*
 * One level of the walk: read the node, follow the slot that holds addr.
 * Under bpf_loop() the verifier checks this body once; as an open-coded
 * loop over 8 levels (times 15 pivots) it was ~12,500 of the fault
 * program's verified instructions, a good part of vmtrace's attach time.
 */
static long maple_step(__u64 level, struct maple_walk *w)
{
	__u32 zero = 0;
	struct maple_copy *n = bpf_map_lookup_elem(&maple_scratch, &zero);
	unsigned long entry = w->entry;
	unsigned int type = (entry >> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK;
	bool arange = type == maple_arange_64;
	unsigned int off;

	if (!n || entry <= 4096 || type == maple_dense || type > maple_arange_64)
		return 1;	/* not a node we walk: let the helper do it */
	if (bpf_probe_read_kernel(n, sizeof(*n), (void *)(entry & ~MAPLE_NODE_MASK)))
		return 1;
	off = maple_offset(n, arange ? w->piv_a : w->piv_r, arange ? 9 : 15, w->addr);
	w->entry = n->w[((arange ? w->slot_a : w->slot_r) + off) & (MAPLE_NODE_WORDS - 1)];
	if (type != maple_leaf_64)
		return 0;
	w->found = true;
	return 1;
}

/* A candidate VMA holding addr, or NULL (no VMA there, or a tree in flux). */
static __always_inline struct vm_area_struct *maple_find(struct mm_struct *mm,
							 __u64 addr)
{
	struct maple_walk w = {
		.entry = (unsigned long)BPF_CORE_READ(mm, mm_mt.ma_root),
		.addr = addr,
		.piv_r = bpf_core_field_offset(struct maple_range_64, pivot) / 8,
		.slot_r = bpf_core_field_offset(struct maple_range_64, slot) / 8,
		.piv_a = bpf_core_field_offset(struct maple_arange_64, pivot) / 8,
		.slot_a = bpf_core_field_offset(struct maple_arange_64, slot) / 8,
	};

	/* only the root says "node" in its low bits (xa_is_node); children don't */
	if ((w.entry & 3) != 2 || w.entry <= 4096)
		return NULL;	/* empty, or a single entry: let the helper do it */
	bpf_loop(MAPLE_MAX_DEPTH, maple_step, &w, 0);
	return w.found ? (struct vm_area_struct *)w.entry : NULL;
}

/* Is the candidate a VMA of mm holding addr? */
static __always_inline bool maple_valid(struct vm_area_struct *vma,
					struct mm_struct *mm, __u64 addr)
{
	return vma && BPF_CORE_READ(vma, vm_mm) == mm &&
	       BPF_CORE_READ(vma, vm_start) <= addr &&
	       addr < BPF_CORE_READ(vma, vm_end);
}

#endif
