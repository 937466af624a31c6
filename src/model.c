// SPDX-License-Identifier: GPL-2.0
/* The address space model: rows, snapshots, labels, totals. */
#define _GNU_SOURCE	/* qsort_r */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

#define VM_READ		0x1ULL
#define VM_WRITE	0x2ULL
#define VM_EXEC		0x4ULL
#define VM_MAYSHARE	0x80ULL
#define PAGE_SIZE	4096ULL

void aspace_init(struct address_space *as, pid_t pid)
{
	memset(as, 0, sizeof(*as));
	as->pid = pid;
}

void aspace_free(struct address_space *as)
{
	for (size_t i = 0; i < as->nr; i++) {
		free(as->vmas[i].path);
		free(as->vmas[i].kernel_name);
	}
	free(as->vmas);
	as->vmas = NULL;
	as->nr = as->cap = 0;
	files_free(as);
}

static struct vma *new_vma(struct address_space *as)
{
	if (as->nr == as->cap) {
		size_t cap = as->cap ? 2 * as->cap : 64;
		struct vma *v = realloc(as->vmas, cap * sizeof(*v));

		if (!v)
			return NULL;
		as->vmas = v;
		as->cap = cap;
	}
	memset(&as->vmas[as->nr], 0, sizeof(struct vma));
	return &as->vmas[as->nr++];
}

void perms_from_flags(uint64_t vm_flags, char out[5])
{
	out[0] = vm_flags & VM_READ ? 'r' : '-';
	out[1] = vm_flags & VM_WRITE ? 'w' : '-';
	out[2] = vm_flags & VM_EXEC ? 'x' : '-';
	out[3] = vm_flags & VM_MAYSHARE ? 's' : 'p';
	out[4] = '\0';
}

int aspace_add_row(struct address_space *as, __u32 slot,
		   const struct vmt_row *row, const char *path)
{
	struct vma *v = new_vma(as);

	if (!v)
		return -ENOMEM;
	v->slot = slot;
	v->merged_into = row->merged_into;
	v->start = row->start;
	v->end = row->end;
	perms_from_flags(row->vm_flags, v->perms);
	v->offset = row->pgoff * PAGE_SIZE;
	v->dev = row->dev;
	v->ino = row->ino;
	v->row_flags = row->flags;
	v->stack_tid = row->stack_tid;
	v->unmapped = row->flags & VMT_ROW_UNMAPPED;
	v->faulted = true;
	memcpy(v->counters, row->counters, sizeof(v->counters));
	if (path && !(v->path = strdup(path)))
		return -ENOMEM;
	return 0;
}

/* Pseudo rows have no extent of their own to match addresses against. */
static bool is_pseudo(const struct vma *v)
{
	return v->row_flags & (VMT_ROW_NOVMA | VMT_ROW_UNRESOLVED |
			       VMT_ROW_OVERFLOW | VMT_ROW_STACK_GROWTH);
}

static struct vma *unresolved_row(struct address_space *as)
{
	struct vma *v;

	for (size_t i = 0; i < as->nr; i++)
		if (as->vmas[i].row_flags & VMT_ROW_UNRESOLVED)
			return &as->vmas[i];
	v = new_vma(as);
	if (v) {
		v->row_flags = VMT_ROW_UNRESOLVED;
		v->faulted = true;
		snprintf(v->perms, sizeof(v->perms), "---p");
	}
	return v;
}

int aspace_add_deferred(struct address_space *as, uint64_t page,
			const __u64 *counters)
{
	struct vma *to = NULL;

	for (size_t i = 0; i < as->nr; i++) {
		struct vma *v = &as->vmas[i];

		/* slots grow with time: the highest is the newest mapping there */
		if (v->faulted && !is_pseudo(v) && page >= v->start &&
		    page < v->end && (!to || v->slot > to->slot))
			to = v;
	}
	if (!to && !(to = unresolved_row(as)))
		return -ENOMEM;
	for (int c = 0; c < VMT_NR_COUNTERS; c++)
		to->counters[c] += counters[c];
	return 0;
}

/* The faulted row a snapshot line describes: same object, same anchor. */
static struct vma *find_row(struct address_space *as,
			    const struct maps_entry *e)
{
	uint32_t dev = kdev(e->dev_major, e->dev_minor);

	for (size_t i = 0; i < as->nr; i++) {
		struct vma *v = &as->vmas[i];
		bool down = v->row_flags & VMT_ROW_GROWSDOWN;

		if (!v->faulted || v->unmapped || v->dev != dev || v->ino != e->ino)
			continue;
		if (down ? v->end == e->end : v->start == e->start)
			return v;
	}
	return NULL;
}

static int complete_from_map(struct vma *v, const struct maps_entry *e)
{
	v->start = e->start;
	v->end = e->end;
	memcpy(v->perms, e->perms, sizeof(v->perms));
	v->offset = e->offset;
	if (e->path[0] == '[' && !v->kernel_name &&
	    !(v->kernel_name = strdup(e->path)))
		return -ENOMEM;
	if (e->ino && e->path[0] == '/' && (!v->path || strlen(e->path) > strlen(v->path))) {
		free(v->path);
		if (!(v->path = strdup(e->path)))
			return -ENOMEM;
	}
	return 0;
}

static int add_unfaulted(struct address_space *as, const struct maps_entry *e)
{
	struct vma *v = new_vma(as);

	if (!v)
		return -ENOMEM;
	v->dev = kdev(e->dev_major, e->dev_minor);
	v->ino = e->ino;
	return complete_from_map(v, e);
}

int aspace_apply_maps(struct address_space *as, const struct maps_entry *e,
		      size_t n, bool final)
{
	size_t rows = as->nr;
	bool *seen = calloc(rows + 1, sizeof(*seen));
	int err = 0;

	if (!seen)
		return -ENOMEM;
	for (size_t i = 0; i < n && !err; i++) {
		struct vma *v = find_row(as, &e[i]);

		if (v) {
			seen[v - as->vmas] = true;
			err = complete_from_map(v, &e[i]);
		} else {
			err = add_unfaulted(as, &e[i]);
		}
	}
	for (size_t i = 0; final && i < rows; i++) {
		struct vma *v = &as->vmas[i];

		if (v->faulted && !seen[i] && !is_pseudo(v))
			v->unmapped = true;
	}
	free(seen);
	return err;
}

static bool overlaps(const struct vma *v, uint64_t lo, uint64_t hi)
{
	return lo < hi && v->start < hi && v->end > lo;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool is_exe(const struct vma *v, const struct mm_layout *mm)
{
	return v->path && mm->exe_ino && v->ino == mm->exe_ino &&
	       v->dev == mm->exe_dev;
}

/* Labels of the main executable's segments, from the mm boundaries. */
static const char *exe_label(const struct vma *v, const struct mm_layout *mm)
{
	if (overlaps(v, mm->start_code, mm->end_code))
		return "[text]";
	if (overlaps(v, mm->start_data, mm->end_data))
		return "[data]";
	return v->perms[1] == 'w' ? "[data]" : "[rodata]";
}

/* Anonymous memory right after a writable file mapping is that file's bss. */
static bool is_bss_of(const struct vma *v, const struct vma *prev)
{
	return prev && prev->path && prev->end == v->start &&
	       prev->perms[1] == 'w' && v->perms[1] == 'w';
}

static bool is_heap(const struct vma *v, const struct mm_layout *mm)
{
	/* the kernel's own test in show_map_vma() */
	return mm->start_brk && v->start <= mm->brk && v->end >= mm->start_brk;
}

static const char *pseudo_label(uint32_t flags)
{
	if (flags & VMT_ROW_NOVMA)
		return "[no vma]";
	if (flags & VMT_ROW_UNRESOLVED)
		return "[unresolved]";
	if (flags & VMT_ROW_OVERFLOW)
		return "[overflow]";
	return NULL;
}

static const char *special_label(const struct vma *v, const struct mm_layout *mm)
{
	const char *pseudo = pseudo_label(v->row_flags);

	if (pseudo)
		return pseudo;
	if ((v->row_flags & (VMT_ROW_GROWSDOWN | VMT_ROW_STACK_GROWTH)) ||
	    (mm->start_stack >= v->start && mm->start_stack < v->end))
		return "[stack]";
	if (mm->vdso && v->start == mm->vdso)
		return "[vdso]";
	if (v->kernel_name && strcmp(v->kernel_name, "[heap]") &&
	    strcmp(v->kernel_name, "[stack]"))
		return v->kernel_name;
	return NULL;
}

void label_vma(const struct vma *v, const struct vma *prev,
	       const struct mm_layout *mm, char *out, size_t size)
{
	const char *special = special_label(v, mm);
	uint64_t data_page = mm->end_data & ~(PAGE_SIZE - 1);

	if (special)
		snprintf(out, size, "%s", special);
	else if (is_exe(v, mm))
		snprintf(out, size, "%s", exe_label(v, mm));
	else if (v->path)
		snprintf(out, size, "%s", v->path);
	else if (v->stack_tid)
		snprintf(out, size, "[stack:%u]", v->stack_tid);
	else if (is_heap(v, mm))
		snprintf(out, size, "[heap]");
	else if (mm->end_data && v->start >= data_page &&
		 v->start <= data_page + PAGE_SIZE)
		snprintf(out, size, "[bss]");
	else if (is_bss_of(v, prev))
		snprintf(out, size, is_exe(prev, mm) ? "[bss]" : "[bss:%s]",
			 basename_of(prev->path));
	else if (mm->vdso && v->end == mm->vdso)
		snprintf(out, size, "[vvar]");
	else
		snprintf(out, size, v->perms[3] == 's' ? "[anon:shared]" : "[anon]");
}

static int by_addr(const void *a, const void *b)
{
	const struct vma *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* an unmapped row first: it was there before what replaced it */
	return (int)y->unmapped - (int)x->unmapped;
}

/* The figure a sort key orders by, biggest first. */
static uint64_t sort_value(const struct vma *v, enum sort_key key)
{
	switch (key) {
	case SORT_MINOR:
		return vma_minor(v);
	case SORT_MAJOR:
		return v->counters[VMT_C_MAJOR];
	case SORT_ERRORS:
		return v->counters[VMT_C_ERRORS];
	case SORT_LATENCY:
		return v->counters[VMT_C_LATENCY_NS];
	default:
		return v->counters[VMT_C_FAULTS];
	}
}

static int by_key(const void *a, const void *b, void *key)
{
	uint64_t x = sort_value(a, *(enum sort_key *)key);
	uint64_t y = sort_value(b, *(enum sort_key *)key);

	if (x != y)
		return x > y ? -1 : 1;
	return by_addr(a, b);
}

/* The mapped VMA just below v in address order, for bss labels. */
static const struct vma *prev_mapped(const struct address_space *as, size_t i)
{
	while (i-- > 0)
		if (!as->vmas[i].unmapped && !pseudo_label(as->vmas[i].row_flags))
			return &as->vmas[i];
	return NULL;
}

static struct vma *find_slot(struct address_space *as, uint32_t slot)
{
	for (size_t i = 0; slot && i < as->nr; i++)
		if (as->vmas[i].slot == slot)
			return &as->vmas[i];
	return NULL;
}

/* Where a row's faults belong in the report: a merged VMA's survivor, the stack. */
static struct vma *fold_target(struct address_space *as, struct vma *v)
{
	struct vma *to = v;

	if (v->row_flags & VMT_ROW_STACK_GROWTH) {
		for (size_t i = 0; i < as->nr; i++)
			if ((as->vmas[i].row_flags & VMT_ROW_GROWSDOWN) &&
			    !as->vmas[i].unmapped)
				return &as->vmas[i];
		return v;
	}
	/* a bounded walk: merges chain, and a cycle must not hang the report */
	for (int hops = 0; hops < 64 && (to->row_flags & VMT_ROW_MERGED); hops++) {
		struct vma *next = find_slot(as, to->merged_into);

		if (!next || next == v)
			break;
		to = next;
	}
	return to;
}

/* Adds folded rows' counters to where they belong, and drops them. */
static void fold_rows(struct address_space *as)
{
	size_t kept = 0;

	for (size_t i = 0; i < as->nr; i++) {
		struct vma *to = fold_target(as, &as->vmas[i]);

		if (to == &as->vmas[i])
			continue;
		for (int c = 0; c < VMT_NR_COUNTERS; c++)
			to->counters[c] += as->vmas[i].counters[c];
		to->recent_faults += as->vmas[i].recent_faults;
		/* the stack grew down to where its growth faults were */
		if ((as->vmas[i].row_flags & VMT_ROW_STACK_GROWTH) &&
		    as->vmas[i].start && as->vmas[i].start < to->start)
			to->start = as->vmas[i].start;
		as->vmas[i].faulted = false;
		as->vmas[i].slot = 0;
		memset(as->vmas[i].counters, 0, sizeof(as->vmas[i].counters));
		as->vmas[i].row_flags |= VMT_ROW_MERGED;
	}
	for (size_t i = 0; i < as->nr; i++) {
		if (!(as->vmas[i].row_flags & VMT_ROW_MERGED) || as->vmas[i].faulted) {
			as->vmas[kept++] = as->vmas[i];
			continue;
		}
		free(as->vmas[i].path);
		free(as->vmas[i].kernel_name);
	}
	as->nr = kept;
}

/* Drops the VMAs a snapshot added that never faulted. */
static void drop_unfaulted(struct address_space *as)
{
	size_t kept = 0;

	for (size_t i = 0; i < as->nr; i++) {
		if (as->vmas[i].faulted) {
			as->vmas[kept++] = as->vmas[i];
			continue;
		}
		free(as->vmas[i].path);
		free(as->vmas[i].kernel_name);
	}
	as->nr = kept;
}

int aspace_finish(struct address_space *as, enum sort_key sort,
		  bool keep_unfaulted)
{
	int err;

	fold_rows(as);
	qsort(as->vmas, as->nr, sizeof(*as->vmas), by_addr);
	memset(as->totals, 0, sizeof(as->totals));
	for (size_t i = 0; i < as->nr; i++) {
		struct vma *v = &as->vmas[i];

		label_vma(v, prev_mapped(as, i), &as->mm, v->label, sizeof(v->label));
		for (int c = 0; c < VMT_NR_COUNTERS; c++)
			as->totals[c] += v->counters[c];
	}
	err = files_build(as);
	if (!keep_unfaulted)
		drop_unfaulted(as);
	/* deferred lookups are resolved, not lost: not a drop */
	as->drops_total = as->drops.rows + as->drops.files + as->drops.threads +
			  as->drops.deferred_full + as->drops.readins;
	if (sort != SORT_ADDR)
		qsort_r(as->vmas, as->nr, sizeof(*as->vmas), by_key, &sort);
	return err;
}
