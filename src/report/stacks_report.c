// SPDX-License-Identifier: GPL-2.0
/* --stacks in the text and JSON reports, and as folded lines (stacks_report.h). */
#define _GNU_SOURCE	/* open_memstream */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "model/array.h"
#include "model/stacks.h"
#include "report/format.h"
#include "report/json_writer.h"
#include "report/report.h"
#include "report/stacks_report.h"

#define TEXT_FRAMES	8	/* frames shown per stack in the text report */

static const struct {
	const char *key;
	int counter;
} stack_columns[] = {
	{ "faults", VMT_CC_FAULTS }, { "major", VMT_CC_MAJOR }, { "wp", VMT_CC_WP },
	{ "cow", VMT_CC_COW }, { "kernel", VMT_CC_KERNEL },
};
#define NR_STACK_COLUMNS (sizeof(stack_columns) / sizeof(stack_columns[0]))

/* The row a stack's faults were in (or the row a stack growth folded into). */
static const struct vma *row_of(const struct address_space *as, uint64_t serial)
{
	for (size_t i = 0; serial && i < as->nr; i++)
		if (as->vmas[i].faulted && (as->vmas[i].serial == serial ||
					    as->vmas[i].growth_serial == serial))
			return &as->vmas[i];
	return NULL;
}

static void text_stack(FILE *out, const struct address_space *as, const struct stack_entry *e)
{
	const struct stack_report *sr = as->stacks;
	const struct vma *v = row_of(as, e->serial);
	char fn[NAME_TEXT_MAX(CODE_NAME_MAX)], label[NAME_TEXT_MAX(LABEL_MAX)];

	fprintf(out, " %8" PRIu64 " %7" PRIu64 " %7" PRIu64 " %-12" PRIx64 " %-20.20s",
		e->c[VMT_CC_FAULTS], e->c[VMT_CC_MAJOR], e->c[VMT_CC_WP], v ? v->start : 0,
		v ? name_text(short_label(v), label, sizeof(label)) : "[no row]");
	if (!e->nr)
		fprintf(out, " [no user stack]");
	for (uint32_t i = 0; i < e->nr && i < TEXT_FRAMES; i++)
		fprintf(out, "%s%s", i ? " <- " : " ",
			name_text(stack_frame(sr, e, i)->function, fn, sizeof(fn)));
	fprintf(out, "%s%s\n", e->nr > TEXT_FRAMES ? " <- ..." : "",
		e->truncated && e->nr ? " [truncated]" : "");
}

/* Faults by frames kept, in powers of two: how deep the walks went. */
static void text_depth(FILE *out, const struct stack_report *sr)
{
	fprintf(out, " depth (frames: faults):");
	for (unsigned int lo = 0; lo <= VMT_STACK_DEPTH; lo = lo ? 2 * lo : 1) {
		unsigned int hi = lo < 2 ? lo : 2 * lo - 1;
		uint64_t n = 0;

		for (unsigned int d = lo; d <= hi && d <= VMT_STACK_DEPTH; d++)
			n += sr->depth[d];
		if (!n)
			continue;
		if (lo == hi || lo == VMT_STACK_DEPTH)
			fprintf(out, " %u%s: %" PRIu64, lo, lo == VMT_STACK_DEPTH ?
				" (the limit)" : "", n);
		else
			fprintf(out, " %u-%u: %" PRIu64, lo, hi, n);
	}
	fprintf(out, "\n");
}

void stacks_text(FILE *out, const struct address_space *as, unsigned int top)
{
	const struct stack_report *sr = as->stacks;

	if (!sr)
		return;
	fprintf(out, "faulting stacks (");
	if (sr->every > 1)
		fprintf(out, "1 in %u faults of each thread", sr->every);
	else
		fprintf(out, "every fault");
	fprintf(out, "; frame pointers only: %" PRIu64 " of %" PRIu64
		" in truncated stacks):\n", sr->truncated, sr->faults);
	fprintf(out, " %8s %7s %7s %-12s %-20s  STACK (innermost first)\n", "FAULTS",
		"MAJOR", "WP", "VMA", "LABEL");
	for (size_t i = 0; i < sr->nr && i < top; i++)
		text_stack(out, as, &sr->e[i]);
	if (sr->nr > top)
		fprintf(out, " ... %zu more stacks (--top)\n", sr->nr - top);
	text_depth(out, sr);
	if (sr->drops)
		fprintf(out, " stack drops: %" PRIu64 " sampled faults not counted "
			"(the stacks map was full)\n", sr->drops);
}

static void json_frames(struct json_writer *w, const struct stack_report *sr,
			const struct stack_entry *e)
{
	jw_name(w, "frames");
	jw_begin_array(w);
	for (uint32_t i = 0; i < e->nr; i++) {
		const struct code_name *n = stack_frame(sr, e, i);

		jw_begin_object(w);
		jw_string_field(w, "function", n->function);
		jw_bool_field(w, "symbolized", n->symbolized);
		jw_string_field(w, "module", n->module);
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void json_stack(struct json_writer *w, const struct address_space *as,
		       const struct stack_entry *e)
{
	const struct vma *v = row_of(as, e->serial);
	char start[24];

	jw_begin_object(w);
	json_frames(w, as->stacks, e);
	jw_bool_field(w, "truncated", e->truncated);
	snprintf(start, sizeof(start), "0x%" PRIx64, v ? v->start : 0);
	jw_string_field(w, "vma", v ? start : NULL);
	jw_string_field(w, "label", v ? v->label : NULL);
	for (size_t c = 0; c < NR_STACK_COLUMNS; c++)
		jw_uint64_field(w, stack_columns[c].key, e->c[stack_columns[c].counter]);
	jw_end_object(w);
}

static void json_depth(struct json_writer *w, const struct stack_report *sr)
{
	jw_name(w, "depth");
	jw_begin_array(w);
	for (unsigned int d = 0; d <= VMT_STACK_DEPTH; d++) {
		if (!sr->depth[d])
			continue;
		jw_begin_object(w);
		jw_uint64_field(w, "frames", d);
		jw_uint64_field(w, "faults", sr->depth[d]);
		jw_end_object(w);
	}
	jw_end_array(w);
}

void stacks_json(struct json_writer *w, const struct address_space *as)
{
	const struct stack_report *sr = as->stacks;

	if (!sr)
		return;
	jw_name(w, "stacks");
	jw_begin_object(w);
	jw_uint64_field(w, "every", sr->every);
	jw_uint64_field(w, "faults", sr->faults);
	jw_uint64_field(w, "truncated", sr->truncated);
	jw_uint64_field(w, "drops", sr->drops);
	jw_uint64_field(w, "max_frames", VMT_STACK_DEPTH);
	json_depth(w, sr);
	jw_name(w, "list");
	jw_begin_array(w);
	for (size_t i = 0; i < sr->nr; i++)
		json_stack(w, as, &sr->e[i]);
	jw_end_array(w);
	jw_end_object(w);
}

struct folded_line {
	char *text;
	uint64_t count;
};

struct folded {
	struct folded_line *l;
	size_t nr, cap;
};

/* A name as one frame: ';' would split it and a control byte break the line. */
static void put_frame(FILE *f, const char *name)
{
	fputc(';', f);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		fputc(*p == ';' ? ':' : *p < 0x20 || *p == 0x7f ? '?' : *p, f);
}

/* The root frame: the command's program, as perf script's comm. */
static void put_comm(FILE *f, const char *command)
{
	size_t len = strcspn(command, " ");
	const char *base = command;

	for (size_t i = 0; i < len; i++)
		if (command[i] == '/')
			base = command + i + 1;
	len -= base - command;
	for (size_t i = 0; i < len; i++)
		fputc(base[i] == ';' ? ':' : (unsigned char)base[i] < 0x20 ? '?' : base[i], f);
	if (!len)
		fputs("[unknown]", f);
}

static int add_line(struct folded *fl, const struct address_space *as,
		    const struct stack_entry *e, const char *kind, uint64_t count)
{
	const struct stack_report *sr = as->stacks;
	struct folded_line *l;
	size_t size;
	FILE *f;

	if (!count)
		return 0;
	l = array_push(fl->l, fl->nr, fl->cap, 64);
	if (!l)
		return -ENOMEM;
	f = open_memstream(&l->text, &size);
	if (!f)
		return -ENOMEM;
	put_comm(f, as->command);
	if (!e->nr)
		put_frame(f, "[no user stack]");
	else if (e->truncated)
		put_frame(f, "[truncated]");
	for (uint32_t i = e->nr; i-- > 0;)
		put_frame(f, stack_frame(sr, e, i)->function);
	if (kind)
		put_frame(f, kind);
	l->count = count;
	return fclose(f) ? -ENOMEM : 0;
}

/* An entry's lines: one, or one per fault kind (a WP fault is a minor one). */
static int add_entry(struct folded *fl, const struct address_space *as,
		     const struct stack_entry *e, bool kind)
{
	uint64_t faults = e->c[VMT_CC_FAULTS];
	uint64_t major = e->c[VMT_CC_MAJOR] < faults ? e->c[VMT_CC_MAJOR] : faults;
	uint64_t wp = e->c[VMT_CC_WP] < faults - major ? e->c[VMT_CC_WP] : faults - major;
	int err;

	if (!kind)
		return add_line(fl, as, e, NULL, faults);
	err = add_line(fl, as, e, "[major]", major);
	if (!err)
		err = add_line(fl, as, e, "[wp]", wp);
	if (!err)
		err = add_line(fl, as, e, "[minor]", faults - major - wp);
	return err;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(((const struct folded_line *)a)->text,
		      ((const struct folded_line *)b)->text);
}

/* Sorted; lines of one stack (it faulted in more than one row) summed. */
static void write_lines(FILE *out, struct folded *fl)
{
	qsort(fl->l, fl->nr, sizeof(*fl->l), by_text);
	for (size_t i = 0; i < fl->nr; i++) {
		uint64_t count = fl->l[i].count;

		while (i + 1 < fl->nr && !strcmp(fl->l[i].text, fl->l[i + 1].text))
			count += fl->l[++i].count;
		fprintf(out, "%s %" PRIu64 "\n", fl->l[i].text, count);
	}
}

int stacks_folded(FILE *out, const struct address_space *as, bool kind)
{
	const struct stack_report *sr = as->stacks;
	struct folded fl = { 0 };
	int err = 0;

	if (!sr)
		return 0;
	for (size_t i = 0; i < sr->nr && !err; i++)
		err = add_entry(&fl, as, &sr->e[i], kind);
	if (!err)
		write_lines(out, &fl);
	for (size_t i = 0; i < fl.nr; i++)
		free(fl.l[i].text);
	free(fl.l);
	return err ? err : ferror(out) ? -EIO : 0;
}
