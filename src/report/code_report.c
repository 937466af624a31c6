// SPDX-License-Identifier: GPL-2.0
/* --code in the text and JSON reports: one description of a function feeds both. */
#include <inttypes.h>
#include "model/code.h"
#include "report/code_report.h"
#include "report/format.h"
#include "report/json_writer.h"

/* Functions listed per VMA in the text report (JSON lists them all). */
#define TEXT_PER_VMA	3

static const struct {
	const char *title, *key;
	int counter;
} code_columns[] = {
	{ "FAULTS", "faults", VMT_CC_FAULTS },
	{ "MAJOR", "major", VMT_CC_MAJOR },
	{ "WP", "wp", VMT_CC_WP },
	{ "COW", "cow", VMT_CC_COW },
	{ "KERN", "kernel", VMT_CC_KERNEL },
};
#define NR_CODE_COLUMNS (sizeof(code_columns) / sizeof(code_columns[0]))

static void text_fn(FILE *out, const struct code_fn *f)
{
	char fn[NAME_TEXT_MAX(CODE_NAME_MAX)], mod[NAME_TEXT_MAX(CODE_NAME_MAX)];
	char where[NAME_TEXT_MAX(CODE_NAME_MAX)];

	fprintf(out, " %-30s %-20s", name_text(f->name.function, fn, sizeof(fn)),
		name_text(f->name.module, mod, sizeof(mod)));
	for (size_t i = 0; i < NR_CODE_COLUMNS; i++)
		fprintf(out, " %8" PRIu64, f->c[code_columns[i].counter]);
	fprintf(out, "  %s\n", name_text(f->name.where, where, sizeof(where)));
}

static void text_vma(FILE *out, const struct vma *v, const struct code_list *l)
{
	char label[NAME_TEXT_MAX(LABEL_MAX)], fn[NAME_TEXT_MAX(CODE_NAME_MAX)];

	fprintf(out, "  %-12" PRIx64 " %-24s", v->start, name_text(v->label, label, sizeof(label)));
	for (size_t i = 0; i < l->nr && i < TEXT_PER_VMA; i++)
		fprintf(out, "%s %s %" PRIu64, i ? "," : "",
			name_text(l->fn[i].name.function, fn, sizeof(fn)),
			l->fn[i].c[VMT_CC_FAULTS]);
	fprintf(out, "%s\n", l->nr > TEXT_PER_VMA ? ", ..." : "");
}

void code_text(FILE *out, const struct address_space *as, unsigned int top)
{
	const struct code_report *cr = as->code;

	if (!cr)
		return;
	fprintf(out, "faulting code (a fault in a system call counts at the call's user IP):\n");
	fprintf(out, " %-30s %-20s", "FUNCTION", "MODULE");
	for (size_t i = 0; i < NR_CODE_COLUMNS; i++)
		fprintf(out, " %8s", code_columns[i].title);
	fprintf(out, "  WHERE (busiest IP)\n");
	for (size_t i = 0; i < cr->overall.nr && i < top; i++)
		text_fn(out, &cr->overall.fn[i]);
	if (cr->overall.nr > top)
		fprintf(out, " ... %zu more (--top)\n", cr->overall.nr - top);
	fprintf(out, " by VMA:\n");
	for (size_t i = 0; i < as->nr; i++) {
		const struct code_list *l = code_of_vma(cr, &as->vmas[i]);

		if (l)
			text_vma(out, &as->vmas[i], l);
	}
	if (cr->no_row)
		fprintf(out, " %" PRIu64 " faults in no VMA above (deferred lookups, "
			"rows folded away): in the totals only\n", cr->no_row);
	if (cr->drops)
		fprintf(out, " code drops: %" PRIu64 " faults not counted by instruction "
			"(the (VMA, IP) map was full)\n", cr->drops);
}

static void json_list(struct json_writer *w, const struct code_list *l)
{
	jw_begin_array(w);
	for (size_t i = 0; l && i < l->nr; i++) {
		const struct code_fn *f = &l->fn[i];

		jw_begin_object(w);
		jw_string_field(w, "function", f->name.function);
		jw_bool_field(w, "symbolized", f->name.symbolized);
		jw_string_field(w, "module", f->name.module);
		jw_string_field(w, "where", f->name.where);
		jw_uint64_field(w, "file_offset", f->name.file_offset);
		for (size_t c = 0; c < NR_CODE_COLUMNS; c++)
			jw_uint64_field(w, code_columns[c].key, f->c[code_columns[c].counter]);
		jw_end_object(w);
	}
	jw_end_array(w);
}

void code_json(struct json_writer *w, const struct address_space *as)
{
	const struct code_report *cr = as->code;

	jw_name(w, "code");
	if (!cr) {
		jw_null(w);
		return;
	}
	jw_begin_object(w);
	jw_uint64_field(w, "drops", cr->drops);
	jw_uint64_field(w, "no_row", cr->no_row);
	jw_name(w, "functions");
	json_list(w, &cr->overall);
	jw_end_object(w);
}

void code_json_vma(struct json_writer *w, const struct address_space *as,
		   const struct vma *v)
{
	if (!as->code)
		return;
	jw_name(w, "code");
	json_list(w, code_of_vma(as->code, v));
}
