// SPDX-License-Identifier: GPL-2.0
/* Fault profiles: rows named by what they are, merged by command. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "model/array.h"
#include "model/procs.h"
#include "model/profile.h"

const char *const pcounter_names[NR_PCOUNTERS] = {
	"faults", "minor", "major", "read", "write", "exec", "wp", "errors",
	"kernel_mode", "cow", "readin", "sigbus", "oom",
};

/* Where each profile counter comes from (minor is derived). */
static const int pcounter_source[NR_PCOUNTERS] = {
	VMT_C_FAULTS, -1, VMT_C_MAJOR, VMT_C_READ, VMT_C_WRITE, VMT_C_EXEC,
	VMT_C_WP, VMT_C_ERRORS, VMT_C_KERNEL, VMT_C_COW, VMT_C_READIN,
	VMT_C_SIGBUS, VMT_C_OOM,
};

int pcounter_by_name(const char *name)
{
	for (int i = 0; i < NR_PCOUNTERS; i++)
		if (!strcmp(name, pcounter_names[i]))
			return i;
	return -1;
}

static void pcounters_of(const uint64_t *counters, uint64_t *c)
{
	for (int i = 0; i < NR_PCOUNTERS; i++)
		c[i] = pcounter_source[i] >= 0 ? counters[pcounter_source[i]] :
		       counters[VMT_C_FAULTS] - counters[VMT_C_MAJOR] -
		       counters[VMT_C_ERRORS];
}

void profile_row_id(const struct profile_row *r, char *buf, size_t size)
{
	if (!strcmp(r->label, PROFILE_TOTAL_LABEL))
		snprintf(buf, size, "%s", r->label);
	else if (r->position == PROFILE_ALL_POSITIONS)
		snprintf(buf, size, "%s %s (all)", r->label, r->perms);
	else
		snprintf(buf, size, "%s %s #%u", r->label, r->perms, r->position);
}

static bool same_row(const struct profile_row *r, const char *command,
		     const char *label, const char *perms, unsigned int position)
{
	return r->position == position && !strcmp(r->command, command) &&
	       !strcmp(r->label, label) && !strcmp(r->perms, perms);
}

const struct profile_row *profile_find(const struct profile *p,
				       const struct profile_row *r)
{
	for (size_t i = 0; i < p->nr; i++)
		if (same_row(&p->rows[i], r->command, r->label, r->perms, r->position))
			return &p->rows[i];
	return NULL;
}

/* The row with this identity, created (counters 0) if there is none. */
static struct profile_row *row_for(struct profile *p, const char *command,
				   const char *label, const char *perms,
				   unsigned int position)
{
	struct profile_row *r;

	for (size_t i = 0; i < p->nr; i++)
		if (same_row(&p->rows[i], command, label, perms, position))
			return &p->rows[i];
	r = array_push(p->rows, p->nr, p->cap, 32);
	if (!r)
		return NULL;
	snprintf(r->command, sizeof(r->command), "%s", command);
	snprintf(r->label, sizeof(r->label), "%s", label);
	snprintf(r->perms, sizeof(r->perms), "%s", perms);
	r->position = position;
	return r;
}

int profile_add(struct profile *p, const char *command, const char *label,
		const char *perms, unsigned int position, const uint64_t *c)
{
	struct profile_row *r = row_for(p, command, label, perms, position);

	if (!r)
		return -ENOMEM;
	for (int i = 0; i < NR_PCOUNTERS; i++)
		r->c[i] += c[i];
	return 0;
}

void profile_free(struct profile *p)
{
	free(p->rows);
	memset(p, 0, sizeof(*p));
}

/*
 * The label a row is known by across runs: a path under root made relative
 * to it (a checkout may live anywhere), a thread's stack without its tid.
 */
static void stable_label(const struct vma *v, const char *root, char *out,
			 size_t size)
{
	size_t len = root ? strlen(root) : 0;

	while (len > 1 && root[len - 1] == '/')
		len--;
	if (v->label[0] == '/' && len && !strncmp(v->label, root, len) &&
	    v->label[len] == '/')
		snprintf(out, size, "%s", v->label + len + 1);
	else if (!strncmp(v->label, "[stack:", 7))
		snprintf(out, size, "[stack:thread]");
	else
		snprintf(out, size, "%s", v->label);
}

/*
 * Memory known by its kind, not its place: anonymous mappings, the heap,
 * stacks. Which allocator arena or thread stack is the third of its kind
 * changes from run to run (and whether two merged, or a heap shrank and left
 * a retired row), so these are one row per label and perms: their sum is
 * what stays.
 */
static bool is_class(const struct vma *v, const char *label)
{
	return !strncmp(label, "[anon", 5) || !strncmp(label, "[stack", 6) ||
	       !strcmp(label, "[heap]") || !strcmp(label, "[no vma]") ||
	       !strcmp(label, "[unresolved]");
}

/* A row that shows its VMA as it is (neither retired nor a class of many). */
static bool has_position(const struct vma *v, const char *label)
{
	return !v->unmapped && !v->changed && !is_class(v, label);
}

/*
 * v's rank among the image's current rows of the same label and perms, by
 * address (libc's two r--p mappings are #0 and #1); 0 for the rest.
 */
static unsigned int position_of(const struct address_space *as, size_t i,
				const char *labels)
{
	const struct vma *v = &as->vmas[i];
	unsigned int pos = 0;

	if (!has_position(v, labels + i * LABEL_MAX))
		return 0;
	for (size_t j = 0; j < as->nr; j++) {
		const struct vma *w = &as->vmas[j];

		if (j == i || strcmp(labels + j * LABEL_MAX, labels + i * LABEL_MAX) ||
		    strcmp(w->perms, v->perms) || !has_position(w, labels + j * LABEL_MAX))
			continue;
		if (w->start < v->start || (w->start == v->start && j < i))
			pos++;
	}
	return pos;
}

/*
 * One VMA's counters into its row; a row that shows one VMA keeps its size
 * (the largest, if processes of one command disagree) for matching.
 */
static int add_vma(struct profile *p, const char *command, const struct address_space *as,
		   size_t i, const char *labels)
{
	const struct vma *v = &as->vmas[i];
	const char *label = labels + i * LABEL_MAX;
	struct profile_row *r = row_for(p, command, label, v->perms,
					position_of(as, i, labels));
	uint64_t c[NR_PCOUNTERS];

	if (!r)
		return -ENOMEM;
	pcounters_of(v->counters, c);
	for (int k = 0; k < NR_PCOUNTERS; k++)
		r->c[k] += c[k];
	if (has_position(v, label) && v->end - v->start > r->size)
		r->size = v->end - v->start;
	return 0;
}

static int add_image(struct profile *p, const struct proc_image *img,
		     const char *root)
{
	const struct address_space *as = &img->as;
	char *labels = calloc(as->nr + 1, LABEL_MAX);
	uint64_t c[NR_PCOUNTERS];
	int err = labels ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < as->nr; i++)
		stable_label(&as->vmas[i], root, labels + i * LABEL_MAX, LABEL_MAX);
	for (size_t i = 0; !err && i < as->nr; i++)
		err = add_vma(p, img->comm, as, i, labels);
	pcounters_of(as->totals, c);
	if (!err)
		err = profile_add(p, img->comm, PROFILE_TOTAL_LABEL, "----", 0, c);
	free(labels);
	return err;
}

int profile_from_procs(struct profile *p, const struct proc_set *set,
		       const char *root)
{
	int err = 0;

	memset(p, 0, sizeof(*p));
	if (set->nr)
		snprintf(p->unavailable, sizeof(p->unavailable), "%s",
			 set->images[0].as.unavailable ? set->images[0].as.unavailable : "");
	for (size_t i = 0; i < set->nr && !err; i++)
		err = add_image(p, &set->images[i], root);
	if (err)
		profile_free(p);
	else
		profile_sort(p);
	return err;
}

int profile_row_cmp(const struct profile_row *x, const struct profile_row *y)
{
	bool tx = !strcmp(x->label, PROFILE_TOTAL_LABEL);
	bool ty = !strcmp(y->label, PROFILE_TOTAL_LABEL);
	int d = strcmp(x->command, y->command);

	if (d)
		return d;
	if (tx != ty)	/* a command's totals last */
		return tx - ty;
	if ((d = strcmp(x->label, y->label)) || (d = strcmp(x->perms, y->perms)))
		return d;
	return x->position < y->position ? -1 : x->position > y->position;
}

static int by_identity(const void *a, const void *b)
{
	return profile_row_cmp(a, b);
}

void profile_sort(struct profile *p)
{
	if (p->nr)
		qsort(p->rows, p->nr, sizeof(*p->rows), by_identity);
}
