// SPDX-License-Identifier: GPL-2.0
/*
 * Reports. A VMA row's fields are described once, in vma_columns; the text
 * table and the JSON writer both walk that table.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "report/format.h"
#include "report/histogram.h"
#include "report/json_writer.h"
#include "report/dead_report.h"
#include "report/code_report.h"
#include "report/stacks_report.h"
#include "report/report.h"
#include "report/procs_report.h"

enum cell_type { CELL_U64, CELL_HEX, CELL_STR, CELL_BOOL, CELL_NULL };

struct cell {
	enum cell_type type;
	uint64_t u;
	const char *s;
};

#define COUNTER_MINOR VMT_NR_COUNTERS	/* derived: faults - major - errors */

struct column {
	const char *title;	/* text header; NULL: JSON only */
	const char *key;	/* JSON key */
	int width;		/* text width; negative: left-aligned */
	int counter;		/* enum vmt_counter, COUNTER_MINOR, or -1: get() */
	void (*get)(const struct vma *v, struct cell *c);
};

static void get_start(const struct vma *v, struct cell *c)
{
	*c = (struct cell){ .type = CELL_HEX, .u = v->start };
}

static void get_end(const struct vma *v, struct cell *c)
{
	*c = (struct cell){ .type = CELL_HEX, .u = v->end };
}

static void get_perms(const struct vma *v, struct cell *c)
{
	*c = (struct cell){ .type = CELL_STR, .s = v->perms };
}

static void get_label(const struct vma *v, struct cell *c)
{
	*c = (struct cell){ .type = CELL_STR, .s = v->label };
}

static void get_path(const struct vma *v, struct cell *c)
{
	*c = v->path ? (struct cell){ .type = CELL_STR, .s = v->path } :
		       (struct cell){ .type = CELL_NULL };
}

static void get_unmapped(const struct vma *v, struct cell *c)
{
	*c = (struct cell){ .type = CELL_BOOL, .u = v->unmapped };
}

static void get_changed(const struct vma *v, struct cell *c)
{
	*c = (struct cell){ .type = CELL_BOOL, .u = v->changed };
}

static void get_nr_vmas(const struct vma *v, struct cell *c)
{
	*c = (struct cell){ .type = CELL_U64, .u = v->nr_vmas ? v->nr_vmas : 1 };
}

static void get_offset(const struct vma *v, struct cell *c)
{
	*c = (struct cell){ .type = CELL_U64, .u = v->offset };
}

static void get_stack_tid(const struct vma *v, struct cell *c)
{
	*c = v->stack_tid ? (struct cell){ .type = CELL_U64, .u = v->stack_tid } :
			    (struct cell){ .type = CELL_NULL };
}

static const struct column vma_columns[] = {
	{ "START", "start", -12, -1, get_start },	/* 47-bit user addresses */
	{ "END", "end", -12, -1, get_end },
	{ "PERMS", "perms", -5, -1, get_perms },
	{ "LABEL", "label", -26, -1, get_label },	/* or wider: table_fit() */
	{ NULL, "path", 0, -1, get_path },
	{ NULL, "offset", 0, -1, get_offset },
	{ NULL, "unmapped", 0, -1, get_unmapped },
	{ NULL, "changed", 0, -1, get_changed },
	{ NULL, "vmas", 0, -1, get_nr_vmas },
	{ NULL, "stack_tid", 0, -1, get_stack_tid },
	{ "FAULTS", "faults", 8, VMT_C_FAULTS },
	{ "MINOR", "minor", 8, COUNTER_MINOR },
	{ "MAJOR", "major", 7, VMT_C_MAJOR },
	{ "READ", "read", 7, VMT_C_READ },
	{ "WRITE", "write", 7, VMT_C_WRITE },
	{ "EXEC", "exec", 6, VMT_C_EXEC },
	{ "WP", "wp", 6, VMT_C_WP },
	{ "ERR", "errors", 5, VMT_C_ERRORS },
	{ "KERN", "kernel_mode", 6, VMT_C_KERNEL },
	{ "COW", "cow", 6, VMT_C_COW },
	{ NULL, "readin", 0, VMT_C_READIN },
	{ NULL, "sigbus", 0, VMT_C_SIGBUS },
	{ NULL, "oom", 0, VMT_C_OOM },
	{ NULL, "latency_ns", 0, VMT_C_LATENCY_NS },
};

#define NR_COLUMNS (sizeof(vma_columns) / sizeof(vma_columns[0]))

/*
 * The text table's columns, most telling first: as many as fit the width
 * are shown, in table order. 100 columns hold these up to MINOR (MINOR is
 * FAULTS less MAJOR when ERR is 0).
 */
struct importance {
	const char *const *keys;
	size_t n;
	size_t required;	/* the first ones, shown whatever the width */
};

static const char *const vma_order[] = {
	"start", "end", "perms", "label", "faults", "major", "write", "wp", "minor",
	"read", "exec", "errors", "cow", "kernel_mode",
};
static const struct importance by_importance = { vma_order, 14, 4 };

/*
 * The children's block: PID and COMMAND before the row name it, so the
 * addresses, a child's least telling columns, come last.
 */
static const char *const child_order[] = {
	"perms", "label", "faults", "major", "write", "wp", "minor", "read", "exec",
	"errors", "cow", "kernel_mode", "start", "end",
};
static const struct importance child_importance = { child_order, 14, 2 };

/* LABEL widens to its longest label, up to this, before columns drop */
#define LABEL_WIDTH_MIN	26
#define LABEL_WIDTH_MAX	40

struct table {
	bool cut;		/* labels wider than their column are cut (not -w) */
	bool shown[NR_COLUMNS];
	int width[NR_COLUMNS];	/* as vma_columns[].width, LABEL's fitted */
};

static int column_of(const char *key)
{
	for (size_t i = 0; i < NR_COLUMNS; i++)
		if (!strcmp(vma_columns[i].key, key))
			return (int)i;
	return -1;
}

/*
 * The columns that fit width characters: the most telling first, up to the
 * first that does not fit; LABEL as wide as label_len (the longest label),
 * within its bounds, a longer label cut to it.
 */
static void table_fit(struct table *t, size_t width, size_t label_len,
		      const struct importance *order)
{
	size_t used = 0;

	memset(t, 0, sizeof(*t));
	for (size_t c = 0; c < NR_COLUMNS; c++)
		t->width[c] = vma_columns[c].width;
	if (label_len > LABEL_WIDTH_MAX)
		label_len = LABEL_WIDTH_MAX;
	t->width[column_of("label")] = -(int)(label_len > LABEL_WIDTH_MIN ?
					      label_len : LABEL_WIDTH_MIN);
	t->cut = width != SIZE_MAX;
	for (size_t i = 0; i < order->n; i++) {
		int c = column_of(order->keys[i]);
		size_t w = (size_t)abs(t->width[c]) + 1;

		if (used + w > width && i >= order->required)	/* never without the VMA */
			break;	/* a lesser column never takes a better one's place */
		t->shown[c] = true;
		used += w;
	}
}

/* -w: every column; on a terminal, its width; else DEFAULT_COLUMNS. */
static size_t table_width(const struct config *cfg)
{
	if (cfg->wide)
		return SIZE_MAX;
	return cfg->columns ? cfg->columns : DEFAULT_COLUMNS;
}

/* The counted system calls' names, in enum vmt_syscall order. */
static const char *const syscall_names[VMT_NR_SYSCALLS] = {
	"mmap", "munmap", "brk", "mprotect", "mremap",
};

static uint64_t counter_of(const uint64_t *c, int counter)
{
	return counter == COUNTER_MINOR ?
	       c[VMT_C_FAULTS] - c[VMT_C_MAJOR] - c[VMT_C_ERRORS] : c[counter];
}

static void cell_of(const struct column *col, const struct vma *v,
		    struct cell *c)
{
	if (col->counter >= 0)
		*c = (struct cell){ .type = CELL_U64,
				    .u = counter_of(v->counters, col->counter) };
	else
		col->get(v, c);
}

/* ---- text ---- */

const char *short_label(const struct vma *v)
{
	const char *slash = v->label[0] == '/' ? strrchr(v->label, '/') : NULL;

	return slash ? slash + 1 : v->label;
}

#define LABEL_TEXT_MAX	(NAME_TEXT_MAX(LABEL_MAX) + 32)

/* The LABEL cell: the name, escaped, and the row's state. */
static const char *label_text(const struct vma *v, char *buf, size_t size)
{
	char name[NAME_TEXT_MAX(LABEL_MAX)], state[32];

	snprintf(buf, size, "%s%s", name_text(short_label(v), name, sizeof(name)),
		 vma_state(v, state, sizeof(state)));
	return buf;
}

static void text_cell(FILE *out, const struct column *col, int w, bool cut,
		      const struct vma *v)
{
	struct cell c;

	cell_of(col, v, &c);
	if (col->get == get_label) {
		char label[LABEL_TEXT_MAX];

		label_text(v, label, sizeof(label));
		fprintf(out, " %*s", w, cut ? text_cut(label, abs(w)) : label);
	} else if (c.type == CELL_HEX) {
		fprintf(out, " %*" PRIx64, w, c.u);
	} else if (c.type == CELL_U64) {
		fprintf(out, " %*" PRIu64, w, c.u);
	} else {
		fprintf(out, " %*s", w, c.type == CELL_STR ? c.s : "-");
	}
}

static void text_header(FILE *out, const struct table *t)
{
	for (size_t i = 0; i < NR_COLUMNS; i++)
		if (t->shown[i])
			fprintf(out, " %*s", t->width[i], vma_columns[i].title);
	fputc('\n', out);
}

static void text_row(FILE *out, const struct table *t, const struct vma *v)
{
	for (size_t c = 0; c < NR_COLUMNS; c++)
		if (t->shown[c])
			text_cell(out, &vma_columns[c], t->width[c], t->cut, v);
	fputc('\n', out);
}

/* A line of totals: name under START, note under LABEL. */
static void text_totals(FILE *out, const struct table *t, const uint64_t *totals,
			const char *name, const char *note)
{
	for (size_t i = 0; i < NR_COLUMNS; i++) {
		const struct column *col = &vma_columns[i];

		if (!t->shown[i])
			continue;
		if (col->counter >= 0)
			fprintf(out, " %*" PRIu64, t->width[i], counter_of(totals, col->counter));
		else
			fprintf(out, " %*s", t->width[i], i == 0 ? name :
				col->get == get_label ? note : "");
	}
	fputc('\n', out);
}

static bool many_processes(const struct address_space *as)
{
	return as->procs && as->procs->nr_pids > 1;
}

/*
 * TOTAL is over every traced process, as perf stat's counts are; with
 * children, the command's own line is beside it.
 */
static void text_all_totals(FILE *out, const struct table *t,
			    const struct address_space *as)
{
	uint64_t all[VMT_NR_COUNTERS], kernel, traced;
	char name[32], note[48];

	if (!many_processes(as)) {
		text_totals(out, t, as->totals, "TOTAL", "");
		return;
	}
	procs_totals(as->procs, all, &kernel, &traced);
	snprintf(name, sizeof(name), "PID %d", (int)as->pid);
	text_totals(out, t, as->totals, name, as->peers ? "(this process alone)" :
		    "(the command alone)");
	snprintf(note, sizeof(note), "(all %zu processes)", as->procs->nr_pids);
	text_totals(out, t, all, "TOTAL", note);
}

/* The kernel's counters of every process against the traced, summed. */
static void text_kernel_all(FILE *out, const struct address_space *as)
{
	uint64_t all[VMT_NR_COUNTERS], kernel, traced;

	if (!many_processes(as))
		return;
	procs_totals(as->procs, all, &kernel, &traced);
	fprintf(out, "kernel counters, all %zu processes: minflt+majflt %" PRIu64 " -> %s",
		as->procs->nr_pids, kernel, kernel == traced ? "all counted\n" : "");
	if (kernel != traced)
		fprintf(out, "traced %" PRIu64 " (per process: below)\n", traced);
}

/* Forks left out by choice, so a small TOTAL is not taken for all of it. */
static void text_unfollowed(FILE *out, const struct address_space *as)
{
	if (as->forks_unfollowed)
		fprintf(out, "children not followed: %" PRIu64 " (--no-inherit, or -p "
			"without --follow)\n", as->forks_unfollowed);
}

static void text_kernel(FILE *out, const struct address_space *as)
{
	uint64_t ours = as->totals[VMT_C_FAULTS] - as->totals[VMT_C_ERRORS];
	uint64_t theirs = as->kernel_minflt + as->kernel_majflt;

	if (!as->kernel_known) {
		fprintf(out, "kernel counters: unavailable (the process was reaped)\n");
		return;
	}
	fprintf(out, "kernel counters, same window: minflt %" PRIu64 " majflt %"
		PRIu64 " -> %s", as->kernel_minflt, as->kernel_majflt,
		ours == theirs ? "all counted\n" : "");
	if (ours < theirs)
		fprintf(out, "traced %" PRIu64 " < kernel %" PRIu64
			" (faults taken by get_user_pages, e.g. MAP_POPULATE, "
			"have no tracepoint)\n", ours, theirs);
	else if (ours > theirs)
		fprintf(out, "traced %" PRIu64 " > kernel %" PRIu64
			" (fault events the kernel did not account)\n",
			ours, theirs);
	if (as->pf_disabled)
		fprintf(out, "not faults: %" PRIu64 " kernel fault events with page "
			"faults disabled (atomic user accesses the kernel fixed up "
			"without handling)\n", as->pf_disabled);
}

static void text_syscalls(FILE *out, const struct address_space *as)
{
	char buf[32];

	fprintf(out, "syscalls:");
	for (int i = 0; i < VMT_NR_SYSCALLS; i++)
		fprintf(out, " %s %" PRIu64 " (%s)%s", syscall_names[i], as->sc[i].calls,
			human_bytes(as->sc[i].bytes, buf, sizeof(buf)),
			i + 1 < VMT_NR_SYSCALLS ? "," : "\n");
}

/* ---- files ---- */

static const char *file_name(const struct file_stat *f, char *buf, size_t size)
{
	if (f->path)
		return name_text(f->path, buf, size);
	snprintf(buf, size, "[dev %u:%u inode %" PRIu64 "]", f->dev >> 20,
		 f->dev & 0xfffff, f->ino);
	return buf;
}

static void text_files(FILE *out, const struct address_space *as,
		       const struct config *cfg)
{
	size_t n = cfg->files ? as->nr_files : as->nr_files < cfg->top ?
		   as->nr_files : cfg->top;
	char name[NAME_TEXT_MAX(PATH_MAX)], bytes[32];

	if (!as->nr_files)
		return;
	fprintf(out, "\n%s files (%zu of %zu%s)\n", cfg->files ? "all" : "top", n,
		as->nr_files, cfg->files ? "" : "; --files for all");
	fprintf(out, " %8s %8s %7s %5s %9s %8s %8s %8s %10s  %s\n", "FAULTS", "MINOR",
		"MAJOR", "MAJ%", "READIN", "BY-FAULT", "BY-READ", "OTHER", "BYTES-IN",
		"PATH");
	for (size_t i = 0; i < n; i++) {
		const struct file_stat *f = &as->files[i];
		uint64_t in = file_readin(f);

		fprintf(out, " %8" PRIu64 " %8" PRIu64 " %7" PRIu64 " %5.1f %9" PRIu64
			" %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %10s  %s\n", f->faults,
			f->minor, f->major, f->faults ? 100.0 * f->major / f->faults : 0.0,
			in, f->readin[VMT_RI_FAULT], f->readin[VMT_RI_READ],
			f->readin[VMT_RI_OTHER], human_bytes(in * 4096, bytes, sizeof(bytes)),
			file_name(f, name, sizeof(name)));
	}
	if (as->backend && !strcmp(as->backend, "tracepoint"))
		fprintf(out, "(tracepoint backend: BY-FAULT means read in while the "
			"thread's last fault, on that file, was not yet accounted)\n");
}

/* What was not counted, by cause: only the causes that dropped something. */
static void text_drops(FILE *out, const struct address_space *as)
{
	const struct { const char *what; __u64 n; } causes[] = {
		{ "rows full", as->drops.rows },
		{ "files", as->drops.files },
		{ "threads", as->drops.threads },
		{ "deferred map full", as->drops.deferred_full },
		{ "read-in pages", as->drops.readins },
		{ "program runs the kernel skipped", as->drops.missed },
	};
	const char *sep = "";

	fprintf(out, "drops: %" PRIu64 " (", as->drops_total);
	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		if (!causes[i].n)
			continue;
		fprintf(out, "%s%s %llu", sep, causes[i].what, causes[i].n);
		sep = ", ";
	}
	/* a skipped run is a BPF program preempted (PREEMPT_RT) or re-entered */
	fprintf(out, "): %s\n", as->drops.missed == as->drops_total ?
		"the kernel skipped a BPF program already running on that CPU" :
		"raise --max-vmas");
}

/* A child's row, with the image it belongs to. */
struct child_row {
	const struct proc_image *image;
	const struct vma *vma;
};

static int by_faults(const void *a, const void *b)
{
	const struct child_row *x = a, *y = b;
	uint64_t fx = x->vma->counters[VMT_C_FAULTS], fy = y->vma->counters[VMT_C_FAULTS];

	return fx == fy ? 0 : fx > fy ? -1 : 1;
}

/* Rows of every process but the command's own, the busiest first. */
static size_t children_rows(const struct address_space *as, struct child_row **out)
{
	const struct proc_set *set = as->procs;
	struct child_row *rows;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < set->nr; i++)
		if (set->images[i].pid != as->pid)
			cap += set->images[i].as.nr;
	rows = calloc(cap ? cap : 1, sizeof(*rows));
	for (size_t i = 0; rows && i < set->nr; i++)
		for (size_t r = 0; set->images[i].pid != as->pid && r < set->images[i].as.nr; r++)
			if (set->images[i].as.vmas[r].counters[VMT_C_FAULTS])
				rows[n++] = (struct child_row){ &set->images[i],
								&set->images[i].as.vmas[r] };
	qsort(rows, n, sizeof(*rows), by_faults);
	*out = rows;
	return rows ? n : 0;
}

/* The children's busiest VMAs, merged: the table above is the command's. */
#define CHILD_PREFIX_WIDTH	26	/* " %8d %-16s": PID, COMMAND */

static void text_children(FILE *out, const struct address_space *as, unsigned int top,
			  size_t width)
{
	char comm[NAME_TEXT_MAX(VMT_COMM_LEN)];
	struct child_row *rows;
	size_t n = children_rows(as, &rows), longest = 0;
	struct table t;

	for (size_t i = 0; i < n && i < top; i++) {
		char label[LABEL_TEXT_MAX];
		size_t len = strlen(label_text(rows[i].vma, label, sizeof(label)));

		longest = len > longest ? len : longest;
	}
	if (width != SIZE_MAX)	/* -w: every column, nothing cut */
		width = width > CHILD_PREFIX_WIDTH ? width - CHILD_PREFIX_WIDTH : 0;
	table_fit(&t, width, longest, &child_importance);
	if (n)
		fprintf(out, "\n%s busiest VMAs (%zu of %zu; --top for more)\n %8s %-16s",
			as->peers ? "the other processes'" : "children's",
			n < top ? n : (size_t)top, n, "PID", "COMMAND");
	if (n)
		text_header(out, &t);
	for (size_t i = 0; i < n && i < top; i++) {
		name_text(rows[i].image->comm, comm, sizeof(comm));
		fprintf(out, " %8d %-16s", (int)rows[i].image->pid,
			t.cut ? text_cut(comm, 16) : comm);
		text_row(out, &t, rows[i].vma);
	}
	free(rows);
}

static size_t longest_label(const struct address_space *as)
{
	char label[LABEL_TEXT_MAX];
	size_t longest = 0;

	for (size_t i = 0; i < as->nr; i++) {
		size_t len = strlen(label_text(&as->vmas[i], label, sizeof(label)));

		longest = len > longest ? len : longest;
	}
	return longest;
}

/*
 * The header's command: cut to a line's worth (a long command line
 * wrapped the table's header), escaped.
 */
#define HEADER_COMMAND_MAX	60

static const char *header_command(const char *command, char *buf, size_t size)
{
	char cut[HEADER_COMMAND_MAX + 4];

	if (strlen(command) <= HEADER_COMMAND_MAX)
		return name_text(command, buf, size);
	snprintf(cut, sizeof(cut), "%.*s...", HEADER_COMMAND_MAX - 3, command);
	return name_text(cut, buf, size);
}

void report_text(FILE *out, const struct address_space *as,
		 const struct config *cfg)
{
	char command[NAME_TEXT_MAX(HEADER_COMMAND_MAX + 4)];
	size_t width = table_width(cfg);
	struct table t;

	table_fit(&t, width, longest_label(as), &by_importance);
	fprintf(out, "PID %d (%s)", (int)as->pid,
		header_command(as->command, command, sizeof(command)));
	if (as->peers)	/* -p A,B: the others are below, as children are */
		fprintf(out, " and %u more listed by -p", as->peers);
	fprintf(out, ", %.2f s, backend %s\n", as->duration_s, as->backend);
	text_header(out, &t);
	for (size_t i = 0; i < as->nr; i++)
		text_row(out, &t, &as->vmas[i]);
	text_all_totals(out, &t, as);
	text_kernel(out, as);
	text_kernel_all(out, as);
	text_unfollowed(out, as);
	text_syscalls(out, as);
	text_files(out, as, cfg);
	latency_text(out, as);
	timeline_text(out, as);
	heatmaps_text(out, as, cfg->top);
	code_text(out, as, cfg->top);
	stacks_text(out, as, cfg->top);
	if (as->unavailable && as->unavailable[0])
		fprintf(out, "not measured by the %s backend (shown as 0): %s\n",
			as->backend, as->unavailable);
	if (as->drops_total)
		text_drops(out, as);
	if (many_processes(as))
		text_children(out, as, cfg->top, width);
	if (as->procs)
		procs_text(out, as->procs);
	fflush(out);
}

/* ---- JSON ---- */

static void json_cell(struct json_writer *w, const char *key, const struct cell *c)
{
	char hex[24];

	switch (c->type) {
	case CELL_U64:
		jw_uint64_field(w, key, c->u);
		break;
	case CELL_HEX:
		snprintf(hex, sizeof(hex), "0x%" PRIx64, c->u);
		jw_string_field(w, key, hex);
		break;
	case CELL_STR:
		jw_string_field(w, key, c->s);
		break;
	case CELL_BOOL:
		jw_bool_field(w, key, c->u);
		break;
	default:
		jw_null_field(w, key);
	}
}

static void json_vma(struct json_writer *w, const struct address_space *as,
		     const struct vma *v)
{
	jw_begin_object(w);
	for (size_t i = 0; i < NR_COLUMNS; i++) {
		struct cell c;

		cell_of(&vma_columns[i], v, &c);
		json_cell(w, vma_columns[i].key, &c);
	}
	heatmap_json(w, as, v);
	rate_json(w, as, v);
	code_json_vma(w, as, v);
	jw_end_object(w);
}

static void json_file(struct json_writer *w, const struct file_stat *f)
{
	char dev[32];

	snprintf(dev, sizeof(dev), "%u:%u", f->dev >> 20, f->dev & 0xfffff);
	jw_begin_object(w);
	jw_string_field(w, "path", f->path);
	jw_string_field(w, "dev", dev);
	jw_uint64_field(w, "inode", f->ino);
	jw_uint64_field(w, "faults", f->faults);
	jw_uint64_field(w, "minor", f->minor);
	jw_uint64_field(w, "major", f->major);
	jw_uint64_field(w, "errors", f->errors);
	jw_uint64_field(w, "mappings", f->mappings);
	jw_uint64_field(w, "readin_pages", file_readin(f));
	jw_uint64_field(w, "readin_bytes", file_readin(f) * 4096);
	jw_uint64_field(w, "readin_by_fault_pages", f->readin[VMT_RI_FAULT]);
	jw_uint64_field(w, "readin_by_read_pages", f->readin[VMT_RI_READ]);
	jw_uint64_field(w, "readin_other_pages", f->readin[VMT_RI_OTHER]);
	jw_end_object(w);
}

void report_json_counters(struct json_writer *w, const uint64_t *counters)
{
	jw_begin_object(w);
	for (size_t i = 0; i < NR_COLUMNS; i++)
		if (vma_columns[i].counter >= 0)
			jw_uint64_field(w, vma_columns[i].key,
					counter_of(counters, vma_columns[i].counter));
	jw_end_object(w);
}

static void json_kernel(struct json_writer *w, const struct address_space *as)
{
	if (!as->kernel_known) {
		jw_null(w);
		return;
	}
	jw_begin_object(w);
	jw_uint64_field(w, "minflt", as->kernel_minflt);
	jw_uint64_field(w, "majflt", as->kernel_majflt);
	jw_uint64_field(w, "pf_disabled_events", as->pf_disabled);
	jw_end_object(w);
}

static void json_syscalls(struct json_writer *w, const struct address_space *as)
{
	jw_begin_object(w);
	for (int i = 0; i < VMT_NR_SYSCALLS; i++) {
		jw_name(w, syscall_names[i]);
		jw_begin_object(w);
		jw_uint64_field(w, "calls", as->sc[i].calls);
		jw_uint64_field(w, "bytes", as->sc[i].bytes);
		jw_end_object(w);
	}
	jw_end_object(w);
}

static void json_drops(struct json_writer *w, const struct address_space *as)
{
	jw_begin_object(w);
	jw_uint64_field(w, "rows_full", as->drops.rows);
	jw_uint64_field(w, "files", as->drops.files);
	jw_uint64_field(w, "threads", as->drops.threads);
	jw_uint64_field(w, "deferred_full", as->drops.deferred_full);
	jw_uint64_field(w, "readins", as->drops.readins);
	jw_uint64_field(w, "missed_runs", as->drops.missed);
	/* informational: busy lookups resolved in user space, not lost */
	jw_uint64_field(w, "deferred_lookups", as->drops.lookups_busy);
	jw_end_object(w);
}

/*
 * Streamed: as one json-c tree, 16,384 rows held ~54 MB at once (tests/bench
 * on the 6.18 development VM: a 100,000-VMA target, vmtrace's peak RSS 74 MB
 * with -j, 20 MB without).
 * Nothing of the JSON is held now: `vmtrace -v -j -- vmwork churn 4 15000`
 * (15,000 rows, 17 MB of JSON) peaked at 20 MB instead of 33 MB on the
 * 2-core development VM (kernel 6.18).
 */
static void json_report(struct json_writer *w, const struct address_space *as,
			bool top)
{
	jw_begin_object(w);
	if (top)
		jw_string_field(w, "schema", REPORT_SCHEMA);
	jw_int64_field(w, "pid", as->pid);
	jw_string_field(w, "command", as->command);
	/* an image's own duration is not measured: the report's is the one */
	if (top)
		jw_double_field(w, "duration_s", as->duration_s);
	jw_string_field(w, "backend", as->backend);
	jw_name(w, "unavailable");
	jw_words(w, as->unavailable);
	jw_name(w, "totals");
	report_json_counters(w, as->totals);
	jw_name(w, "kernel");
	json_kernel(w, as);
	jw_name(w, "vmas");
	jw_begin_array(w);
	for (size_t i = 0; i < as->nr; i++)
		json_vma(w, as, &as->vmas[i]);
	jw_end_array(w);
	jw_name(w, "syscalls");
	json_syscalls(w, as);
	jw_name(w, "files");
	jw_begin_array(w);
	for (size_t i = 0; i < as->nr_files; i++)
		json_file(w, &as->files[i]);
	jw_end_array(w);
	jw_string_field(w, "latency_source", as->latency_known ? as->latency_source : NULL);
	jw_name(w, "latency_us");
	latency_json(w, as);
	jw_name(w, "timeline");
	timeline_json(w, as);
	jw_uint64_field(w, "drops", as->drops_total);
	jw_name(w, "drop_details");
	json_drops(w, as);
	if (as->code)
		code_json(w, as);
	stacks_json(w, as);
	if (as->dead_listed)
		dead_json(w, as);
	if (as->forks_unfollowed)
		jw_uint64_field(w, "children_not_followed", as->forks_unfollowed);
	if (as->procs) {
		jw_name(w, "processes");
		procs_json(w, as->procs, as->pid);
	}
	jw_end_object(w);
}

void report_json_write(struct json_writer *w, const struct address_space *as)
{
	json_report(w, as, true);
}

void report_json_image(struct json_writer *w, const struct address_space *as)
{
	json_report(w, as, false);
}

int report_json(FILE *out, const struct address_space *as, bool pretty)
{
	struct json_writer w;

	jw_init(&w, out, pretty ? JW_PRETTY : JW_COMPACT);
	report_json_write(&w, as);
	return jw_finish(&w);
}
