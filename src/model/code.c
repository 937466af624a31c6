// SPDX-License-Identifier: GPL-2.0
/* --code: (row, IP) samples summed by function, overall and per row. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model/array.h"
#include "model/code.h"
#include "model/model.h"

static struct code_fn *list_find(struct code_list *l, const struct code_name *name)
{
	struct code_fn *f;

	for (size_t i = 0; i < l->nr; i++)
		if (!strcmp(l->fn[i].name.function, name->function) &&
		    !strcmp(l->fn[i].name.module, name->module))
			return &l->fn[i];
	f = array_push(l->fn, l->nr, l->cap, 8);
	if (f)
		f->name = *name;
	return f;
}

static int list_add(struct code_list *l, const struct code_name *name,
		    const uint64_t *c)
{
	struct code_fn *f = list_find(l, name);

	if (!f)
		return -ENOMEM;
	for (int i = 0; i < VMT_NR_CC; i++)
		f->c[i] += c[i];
	/* the busiest IP names where in the function (ties: the lower one, first seen) */
	if (c[VMT_CC_FAULTS] > f->top_ip_faults) {
		f->top_ip_faults = c[VMT_CC_FAULTS];
		memcpy(f->name.where, name->where, sizeof(f->name.where));
		f->name.file_offset = name->file_offset;
	}
	return 0;
}

static int by_faults(const void *a, const void *b)
{
	const struct code_fn *x = a, *y = b;

	if (x->c[VMT_CC_FAULTS] != y->c[VMT_CC_FAULTS])
		return x->c[VMT_CC_FAULTS] < y->c[VMT_CC_FAULTS] ? 1 : -1;
	return strcmp(x->name.function, y->name.function);
}

static int by_serial(const void *a, const void *b)
{
	const struct code_list *x = a, *y = b;

	return x->serial < y->serial ? -1 : x->serial > y->serial;
}

/* One list per row of the table, empty until a sample names it. */
static int rows_init(struct code_report *cr, const struct address_space *as)
{
	cr->rows = calloc(as->nr ? as->nr : 1, sizeof(*cr->rows));
	if (!cr->rows)
		return -ENOMEM;
	for (size_t i = 0; i < as->nr; i++)
		if (as->vmas[i].faulted) {
			cr->rows[cr->nr_rows].alias = as->vmas[i].growth_serial;
			cr->rows[cr->nr_rows++].serial = as->vmas[i].serial;
		}
	qsort(cr->rows, cr->nr_rows, sizeof(*cr->rows), by_serial);
	return 0;
}

static struct code_list *row_list(const struct code_report *cr, uint64_t serial)
{
	struct code_list key = { .serial = serial };

	if (!serial)
		return NULL;
	return bsearch(&key, cr->rows, cr->nr_rows, sizeof(key), by_serial);
}

/* The list of the row a sample's serial names, or of the row it folded into. */
static struct code_list *sample_list(const struct code_report *cr, uint64_t serial)
{
	struct code_list *l = row_list(cr, serial);

	for (size_t i = 0; !l && serial && i < cr->nr_rows; i++)
		if (cr->rows[i].alias == serial)
			l = &cr->rows[i];
	return l;
}

static int add_sample(struct code_report *cr, const struct code_sample *s,
		      code_name_fn fn, void *ctx)
{
	struct code_list *row = sample_list(cr, s->serial);
	struct code_name name;
	int err;

	memset(&name, 0, sizeof(name));
	err = fn(ctx, s->ip, &name);
	if (!err)
		err = list_add(&cr->overall, &name, s->c);
	if (!err && row)
		err = list_add(row, &name, s->c);
	if (!row)
		cr->no_row += s->c[VMT_CC_FAULTS];
	return err;
}

/* Busiest first; an empty list has no array (qsort(NULL, 0) is undefined). */
static void list_sort(struct code_list *l)
{
	if (l->nr)
		qsort(l->fn, l->nr, sizeof(struct code_fn), by_faults);
}

int code_build(struct address_space *as, const struct code_sample *s, size_t n,
	       uint64_t drops, code_name_fn fn, void *ctx)
{
	struct code_report *cr = calloc(1, sizeof(*cr));
	int err = cr ? rows_init(cr, as) : -ENOMEM;

	for (size_t i = 0; i < n && !err; i++)
		err = add_sample(cr, &s[i], fn, ctx);
	if (err) {
		code_free(cr);
		return err;
	}
	list_sort(&cr->overall);
	for (size_t i = 0; i < cr->nr_rows; i++)
		list_sort(&cr->rows[i]);
	cr->drops = drops;
	as->code = cr;
	return 0;
}

const struct code_list *code_of_vma(const struct code_report *cr, const struct vma *v)
{
	const struct code_list *l = cr && v->faulted ? row_list(cr, v->serial) : NULL;

	return l && l->nr ? l : NULL;
}

void code_free(struct code_report *cr)
{
	if (!cr)
		return;
	free(cr->overall.fn);
	for (size_t i = 0; i < cr->nr_rows; i++)
		free(cr->rows[i].fn);
	free(cr->rows);
	free(cr);
}
