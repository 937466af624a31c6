// SPDX-License-Identifier: GPL-2.0
/* The address space model: rows, snapshots, labels, totals. */
#define _GNU_SOURCE	/* qsort_r */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/array.h"
#include "model/elf_bss.h"
#include "model/model.h"
#include "model/code.h"
#include "model/stacks.h"

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
	code_free(as->code);
	as->code = NULL;
	stacks_free(as->stacks);
	as->stacks = NULL;
}

static struct vma *new_vma(struct address_space *as)
{
	return array_push(as->vmas, as->nr, as->cap, 64);
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
	v->changed = row->flags & VMT_ROW_SEALED;
	v->nr_vmas = row->nr_vmas ? row->nr_vmas : 1;
	v->serial = row->serial;
	v->first_ns = row->first_ns;
	v->retired_ns = row->sealed_ns;
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

		/* serials grow with time: the highest is the newest mapping there */
		if (v->faulted && !is_pseudo(v) && page >= v->start &&
		    page < v->end && (!to || v->serial > to->serial))
			to = v;
	}
	if (!to && !(to = unresolved_row(as)))
		return -ENOMEM;
	for (int c = 0; c < VMT_NR_COUNTERS; c++)
		to->counters[c] += counters[c];
	return 0;
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

/*
 * Matching snapshot lines to rows. Rows are found by object and anchor
 * (start, or end for a stack that grows down) in a sorted index of the
 * faulted rows: a scan of every row per line was O(rows x lines), 11 s of
 * a 100,000-VMA target's report on the 6.18 development VM (docs/benchmark.md).
 */
struct row_key {
	uint32_t dev;
	bool down;
	uint64_t ino, anchor;
	size_t pos;		/* in as->vmas; the first of equal keys wins */
};

static int by_row_key(const void *a, const void *b)
{
	const struct row_key *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->down != y->down)
		return x->down ? 1 : -1;
	if (x->anchor != y->anchor)
		return x->anchor < y->anchor ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The position of the first row with key k (k.pos = 0), or SIZE_MAX. */
static size_t index_find(const struct maps_merge *m, struct row_key k)
{
	size_t lo = 0, hi = m->nindex;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (by_row_key(&m->index[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	k.pos = lo < m->nindex ? m->index[lo].pos : 0;
	return lo < m->nindex && !by_row_key(&m->index[lo], &k) ? k.pos : SIZE_MAX;
}

int maps_merge_begin(struct maps_merge *m, struct address_space *as,
		     bool final, bool keep_unfaulted)
{
	memset(m, 0, sizeof(*m));
	m->as = as;
	m->rows = as->nr;
	m->final = final;
	m->keep_unfaulted = keep_unfaulted;
	m->seen = calloc(as->nr + 1, sizeof(*m->seen));
	m->index = calloc(as->nr + 1, sizeof(*m->index));
	if (!m->seen || !m->index) {
		maps_merge_end(m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < as->nr; i++) {
		const struct vma *v = &as->vmas[i];
		bool down = v->row_flags & VMT_ROW_GROWSDOWN;

		if (v->faulted && !v->unmapped && !v->changed)
			m->index[m->nindex++] = (struct row_key) {
				v->dev, down, v->ino, down ? v->end : v->start, i };
	}
	qsort(m->index, m->nindex, sizeof(*m->index), by_row_key);
	return 0;
}

/*
 * Could a VMA that did not fault change a report that lists only faulted
 * ones? Only as the file mapping whose bss the next VMA is (is_bss_of());
 * other labels never look at a neighbour. Keeping just those keeps 100,000
 * anonymous VMAs out of memory.
 */
static bool may_name_neighbour(const struct maps_entry *e)
{
	return e->ino && e->path[0] == '/' && e->perms[1] == 'w';
}

int maps_merge_line(struct maps_merge *m, const struct maps_entry *e)
{
	uint32_t dev = kdev(e->dev_major, e->dev_minor);
	size_t up = index_find(m, (struct row_key) { dev, false, e->ino, e->start, 0 });
	size_t down = index_find(m, (struct row_key) { dev, true, e->ino, e->end, 0 });
	size_t pos = up < down ? up : down;

	m->lines++;
	if (pos != SIZE_MAX) {
		m->seen[pos] = true;
		return complete_from_map(&m->as->vmas[pos], e);
	}
	if (!m->keep_unfaulted && !may_name_neighbour(e))
		return 0;
	return add_unfaulted(m->as, e);
}

void maps_merge_end(struct maps_merge *m)
{
	/* an empty listing is a process without an mm, not one without VMAs */
	for (size_t i = 0; m->final && m->lines && m->seen && i < m->rows; i++) {
		struct vma *v = &m->as->vmas[i];

		if (v->faulted && !m->seen[i] && !is_pseudo(v) && !v->changed)
			v->unmapped = true;
	}
	free(m->seen);
	free(m->index);
	m->seen = NULL;
	m->index = NULL;
}

int aspace_apply_maps(struct address_space *as, const struct maps_entry *e,
		      size_t n, bool final)
{
	struct maps_merge m;
	int err = maps_merge_begin(&m, as, final, true);

	for (size_t i = 0; i < n && !err; i++)
		err = maps_merge_line(&m, &e[i]);
	maps_merge_end(&m);
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

static bool is_exe(const struct vma *v, const struct vmt_layout *mm)
{
	return v->path && mm->exe_ino && v->ino == mm->exe_ino &&
	       v->dev == mm->exe_dev;
}

/* Labels of the main executable's segments, from the mm boundaries. */
static const char *exe_label(const struct vma *v, const struct vmt_layout *mm)
{
	if (overlaps(v, mm->start_code, mm->end_code))
		return "[text]";
	if (overlaps(v, mm->start_data, mm->end_data))
		return "[data]";
	return v->perms[1] == 'w' ? "[data]" : "[rodata]";
}

/*
 * Writable anonymous memory that is the bss of prev's file: aspace_finish()
 * passes a mapping of that file only where the file's ELF says so.
 */
static bool is_bss_of(const struct vma *v, const struct vma *prev)
{
	return prev && prev->path && v->perms[1] == 'w';
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * Shared memory by how the kernel names its file: shared anonymous memory
 * ("/dev/zero", a database's shared buffers), memfd, SysV and POSIX shm.
 */
static bool shm_label(const struct vma *v, char *out, size_t size)
{
	const char *p = v->path;
	int len;

	if (!strcmp(p, "/dev/zero") || !strcmp(p, "/") || !strcmp(p, "/dev/zero (deleted)")) {
		if (v->dev >> 20)	/* the real /dev/zero mapped shared is the same */
			return false;
		snprintf(out, size, "[anon:shared]");
	} else if (has_prefix(p, "/memfd:")) {
		len = strlen(p + 7);
		if (len > 10 && !strcmp(p + 7 + len - 10, " (deleted)"))
			len -= 10;
		snprintf(out, size, "[memfd:%.*s]", len, p + 7);
	} else if (has_prefix(p, "/SYSV") && !(v->dev >> 20)) {
		snprintf(out, size, "[sysv-shm:0x%.8s]", p + 5);
	} else if (has_prefix(p, "/dev/shm/")) {
		snprintf(out, size, "[shm:%s]", p + 9);
	} else {
		return false;
	}
	return true;
}

/*
 * The pages the vDSO reads its data from, below it: [vvar] (4 pages, right
 * below the vDSO on 6.1) and, on kernels since 6.12 or so, [vvar] then
 * [vvar_vclock] (2 pages) right below it.
 */
static const char *vvar_label(const struct vma *v, const struct vmt_layout *mm)
{
	uint64_t size = v->end - v->start;

	if (!mm->vdso || v->path)
		return NULL;
	if (v->end == mm->vdso)
		return size == 2 * PAGE_SIZE ? "[vvar_vclock]" : "[vvar]";
	if (v->end == mm->vdso - 2 * PAGE_SIZE && size == 4 * PAGE_SIZE)
		return "[vvar]";
	return NULL;
}

static bool is_heap(const struct vma *v, const struct vmt_layout *mm)
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

static const char *special_label(const struct vma *v, const struct vmt_layout *mm)
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
	       const struct vmt_layout *mm, char *out, size_t size)
{
	const char *special = special_label(v, mm);
	uint64_t data_page = mm->end_data & ~(PAGE_SIZE - 1);

	if (!special)
		special = vvar_label(v, mm);
	if (special)
		snprintf(out, size, "%s", special);
	else if (is_exe(v, mm))
		snprintf(out, size, "%s", exe_label(v, mm));
	else if (v->path && shm_label(v, out, size))
		return;
	else if (v->path)
		snprintf(out, size, "%s", v->path);
	else if (v->stack_tid && v->nr_vmas > 1)
		snprintf(out, size, "[stack:threads]");	/* many threads' stacks */
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
	else
		snprintf(out, size, v->perms[3] == 's' ? "[anon:shared]" : "[anon]");
}

static int by_addr(const void *a, const void *b)
{
	const struct vma *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* an unmapped row first: it was there before what replaced it */
	if (x->unmapped + x->changed != y->unmapped + y->changed)
		return (int)(y->unmapped + y->changed) - (int)(x->unmapped + x->changed);
	return x->serial < y->serial ? -1 : x->serial > y->serial;
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

/* A row that shows a VMA as it is now (not retired, not a pseudo row). */
static bool is_current(const struct vma *v)
{
	return !v->unmapped && !v->changed && !pseudo_label(v->row_flags);
}

/*
 * Where a row's faults belong in the report: the stack growth pseudo row's
 * in the stack (whose extent the growth went into), every other row in itself.
 */
static struct vma *fold_target(struct address_space *as, struct vma *v,
			       struct vma *stack)
{
	return (v->row_flags & VMT_ROW_STACK_GROWTH) && stack ? stack : v;
}

/* Adds folded rows' counters to where they belong, and drops them. */
static void fold_rows(struct address_space *as)
{
	struct vma *stack = NULL;
	size_t kept = 0;

	for (size_t i = 0; i < as->nr && !stack; i++)
		if ((as->vmas[i].row_flags & VMT_ROW_GROWSDOWN) && is_current(&as->vmas[i]))
			stack = &as->vmas[i];
	for (size_t i = 0; i < as->nr; i++) {
		struct vma *to = fold_target(as, &as->vmas[i], stack);

		if (to == &as->vmas[i])
			continue;
		for (int c = 0; c < VMT_NR_COUNTERS; c++)
			to->counters[c] += as->vmas[i].counters[c];
		to->recent_faults += as->vmas[i].recent_faults;
		/* the stack grew down to where its growth faults were */
		if ((as->vmas[i].row_flags & VMT_ROW_STACK_GROWTH) &&
		    as->vmas[i].start && as->vmas[i].start < to->start)
			to->start = as->vmas[i].start;
		if (as->vmas[i].row_flags & VMT_ROW_STACK_GROWTH)
			to->growth_serial = as->vmas[i].serial;
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

	const struct vma *file = NULL;	/* the last file row below, for bss labels */
	struct elf_cache elf = { 0 };

	fold_rows(as);
	if (as->nr)	/* qsort(NULL, 0) is undefined */
		qsort(as->vmas, as->nr, sizeof(*as->vmas), by_addr);
	memset(as->totals, 0, sizeof(as->totals));
	for (size_t i = 0; i < as->nr; i++) {
		struct vma *v = &as->vmas[i];

		label_vma(v, elf_is_bss(&elf, file, v) ? file : NULL, &as->mm,
			  v->label, sizeof(v->label));
		if (v->path && !pseudo_label(v->row_flags))
			file = v;
		for (int c = 0; c < VMT_NR_COUNTERS; c++)
			as->totals[c] += v->counters[c];
	}
	elf_cache_free(&elf);
	err = files_build(as);
	if (!keep_unfaulted)
		drop_unfaulted(as);
	/* deferred lookups are resolved, not lost: not a drop */
	as->drops_total = as->drops.rows + as->drops.files + as->drops.threads +
			  as->drops.deferred_full + as->drops.readins + as->drops.missed;
	if (sort != SORT_ADDR && as->nr)
		qsort_r(as->vmas, as->nr, sizeof(*as->vmas), by_key, &sort);
	return err;
}
