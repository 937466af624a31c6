// SPDX-License-Identifier: GPL-2.0
/*
 * Reports. A VMA row's fields are described once, in vma_columns; the text
 * table and the JSON writer both walk that table.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <json-c/json.h>
#include <json-c/printbuf.h>
#include "report/format.h"
#include "report/histogram.h"
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
	{ "START", "start", -14, -1, get_start },
	{ "END", "end", -14, -1, get_end },
	{ "PERMS", "perms", -5, -1, get_perms },
	{ "LABEL", "label", -28, -1, get_label },
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

static const char *short_label(const struct vma *v)
{
	const char *slash = v->label[0] == '/' ? strrchr(v->label, '/') : NULL;

	return slash ? slash + 1 : v->label;
}

static void text_cell(FILE *out, const struct column *col, const struct vma *v)
{
	int w = col->width;
	struct cell c;

	cell_of(col, v, &c);
	if (col->get == get_label) {
		char label[LABEL_MAX + 16];

		char state[32];

		snprintf(label, sizeof(label), "%s%s", short_label(v),
			 vma_state(v, state, sizeof(state)));
		fprintf(out, " %*s", w, label);
	} else if (c.type == CELL_HEX) {
		fprintf(out, " %*" PRIx64, w, c.u);
	} else if (c.type == CELL_U64) {
		fprintf(out, " %*" PRIu64, w, c.u);
	} else {
		fprintf(out, " %*s", w, c.type == CELL_STR ? c.s : "-");
	}
}

static void text_header(FILE *out)
{
	for (size_t i = 0; i < NR_COLUMNS; i++)
		if (vma_columns[i].title)
			fprintf(out, " %*s", vma_columns[i].width, vma_columns[i].title);
	fputc('\n', out);
}

static void text_totals(FILE *out, const struct address_space *as)
{
	for (size_t i = 0; i < NR_COLUMNS; i++) {
		const struct column *col = &vma_columns[i];

		if (!col->title)
			continue;
		if (col->counter >= 0)
			fprintf(out, " %*" PRIu64, col->width,
				counter_of(as->totals, col->counter));
		else
			fprintf(out, " %*s", col->width, i == 0 ? "TOTAL" : "");
	}
	fputc('\n', out);
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
		return f->path;
	snprintf(buf, size, "[dev %u:%u inode %" PRIu64 "]", f->dev >> 20,
		 f->dev & 0xfffff, f->ino);
	return buf;
}

static void text_files(FILE *out, const struct address_space *as,
		       const struct config *cfg)
{
	size_t n = cfg->files ? as->nr_files : as->nr_files < cfg->top ?
		   as->nr_files : cfg->top;
	char name[96], bytes[32];

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

void report_text(FILE *out, const struct address_space *as,
		 const struct config *cfg)
{
	fprintf(out, "PID %d (%s), %.2f s, backend %s\n", (int)as->pid,
		as->command, as->duration_s, as->backend);
	text_header(out);
	for (size_t i = 0; i < as->nr; i++) {
		for (size_t c = 0; c < NR_COLUMNS; c++)
			if (vma_columns[c].title)
				text_cell(out, &vma_columns[c], &as->vmas[i]);
		fputc('\n', out);
	}
	text_totals(out, as);
	text_kernel(out, as);
	text_syscalls(out, as);
	text_files(out, as, cfg);
	latency_text(out, as);
	timeline_text(out, as);
	heatmaps_text(out, as, cfg->top);
	if (as->unavailable && as->unavailable[0])
		fprintf(out, "not measured by the %s backend (shown as 0): %s\n",
			as->backend, as->unavailable);
	if (as->drops_total)
		fprintf(out, "drops: %" PRIu64 " (rows full %llu, files %llu, "
			"threads %llu, deferred map full %llu, read-in pages %llu): "
			"raise --max-vmas\n", as->drops_total, as->drops.rows,
			as->drops.files, as->drops.threads, as->drops.deferred_full,
			as->drops.readins);
	if (as->procs)
		procs_text(out, as->procs);
	fflush(out);
}

/* ---- JSON ---- */

static struct json_object *json_cell(const struct cell *c)
{
	char hex[24];

	switch (c->type) {
	case CELL_U64:
		return json_object_new_uint64(c->u);
	case CELL_HEX:
		snprintf(hex, sizeof(hex), "0x%" PRIx64, c->u);
		return json_object_new_string(hex);
	case CELL_STR:
		return json_object_new_string(c->s);
	case CELL_BOOL:
		return json_object_new_boolean(c->u);
	default:
		return NULL;	/* json null */
	}
}

static struct json_object *json_vma(const struct address_space *as,
				    const struct vma *v)
{
	struct json_object *o = json_object_new_object(), *extra;

	for (size_t i = 0; o && i < NR_COLUMNS; i++) {
		struct cell c;

		cell_of(&vma_columns[i], v, &c);
		json_object_object_add(o, vma_columns[i].key, json_cell(&c));
	}
	if ((extra = heatmap_json(as, v)))
		json_object_object_add(o, "heatmap", extra);
	if ((extra = rate_json(as, v)))
		json_object_object_add(o, "rate", extra);
	return o;
}

static struct json_object *json_files(const struct address_space *as)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < as->nr_files; i++) {
		const struct file_stat *f = &as->files[i];
		struct json_object *o = json_object_new_object();
		char dev[32];

		snprintf(dev, sizeof(dev), "%u:%u", f->dev >> 20, f->dev & 0xfffff);
		json_object_object_add(o, "path", f->path ?
				       json_object_new_string(f->path) : NULL);
		json_object_object_add(o, "dev", json_object_new_string(dev));
		json_object_object_add(o, "inode", json_object_new_uint64(f->ino));
		json_object_object_add(o, "faults", json_object_new_uint64(f->faults));
		json_object_object_add(o, "minor", json_object_new_uint64(f->minor));
		json_object_object_add(o, "major", json_object_new_uint64(f->major));
		json_object_object_add(o, "errors", json_object_new_uint64(f->errors));
		json_object_object_add(o, "mappings", json_object_new_uint64(f->mappings));
		json_object_object_add(o, "readin_pages", json_object_new_uint64(file_readin(f)));
		json_object_object_add(o, "readin_bytes",
				       json_object_new_uint64(file_readin(f) * 4096));
		json_object_object_add(o, "readin_by_fault_pages",
				       json_object_new_uint64(f->readin[VMT_RI_FAULT]));
		json_object_object_add(o, "readin_by_read_pages",
				       json_object_new_uint64(f->readin[VMT_RI_READ]));
		json_object_object_add(o, "readin_other_pages",
				       json_object_new_uint64(f->readin[VMT_RI_OTHER]));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_counters(const uint64_t *counters)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; o && i < NR_COLUMNS; i++)
		if (vma_columns[i].counter >= 0)
			json_object_object_add(o, vma_columns[i].key,
				json_object_new_uint64(counter_of(counters,
						vma_columns[i].counter)));
	return o;
}

static struct json_object *json_kernel(const struct address_space *as)
{
	struct json_object *o;

	if (!as->kernel_known)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "minflt", json_object_new_uint64(as->kernel_minflt));
	json_object_object_add(o, "majflt", json_object_new_uint64(as->kernel_majflt));
	json_object_object_add(o, "pf_disabled_events", json_object_new_uint64(as->pf_disabled));
	return o;
}

static struct json_object *json_syscalls(const struct address_space *as)
{
	struct json_object *o = json_object_new_object();

	for (int i = 0; i < VMT_NR_SYSCALLS; i++) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "calls", json_object_new_uint64(as->sc[i].calls));
		json_object_object_add(s, "bytes", json_object_new_uint64(as->sc[i].bytes));
		json_object_object_add(o, syscall_names[i], s);
	}
	return o;
}

static struct json_object *json_drops(const struct address_space *as)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "rows_full", json_object_new_uint64(as->drops.rows));
	json_object_object_add(o, "files", json_object_new_uint64(as->drops.files));
	json_object_object_add(o, "threads", json_object_new_uint64(as->drops.threads));
	json_object_object_add(o, "deferred_full",
			       json_object_new_uint64(as->drops.deferred_full));
	json_object_object_add(o, "readins", json_object_new_uint64(as->drops.readins));
	/* informational: busy lookups resolved in user space, not lost */
	json_object_object_add(o, "deferred_lookups",
			       json_object_new_uint64(as->drops.lookups_busy));
	return o;
}

/* json-c's indentation for pretty printing, at nesting level level. */
static int json_indent(struct printbuf *pb, int level, int flags)
{
	if (!(flags & JSON_C_TO_STRING_PRETTY) || !level)
		return 0;
	return printbuf_memset(pb, -1, flags & JSON_C_TO_STRING_PRETTY_TAB ? '\t' : ' ',
			       flags & JSON_C_TO_STRING_PRETTY_TAB ? level : 2 * level);
}

/*
 * The "vmas" array, row by row: as one json-c tree, 16,384 rows held ~54 MB
 * at once (tests/bench: a 100,000-VMA target, vmtrace's peak RSS 74 MB with
 * -j, 20 MB without). Each row's object is built, printed, re-indented to
 * the array's depth and freed; the text is what json-c prints for an array.
 * So the tree's "vmas" holds no elements: it reads as through as, which must
 * outlive the printing (report_json_object()).
 */
static int json_vmas_print(struct json_object *jso, struct printbuf *pb,
			   int level, int flags)
{
	const struct address_space *as = json_object_get_userdata(jso);
	bool pretty = flags & JSON_C_TO_STRING_PRETTY;
	int err = printbuf_strappend(pb, "[") < 0;

	if (pretty)
		err |= printbuf_strappend(pb, "\n") < 0;
	for (size_t i = 0; i < as->nr && !err; i++) {
		struct json_object *o = json_vma(as, &as->vmas[i]);
		const char *text = o ? json_object_to_json_string_ext(o, flags) : NULL;

		if (i)
			err |= printbuf_strappend(pb, ",") < 0;
		if (i && pretty)
			err |= printbuf_strappend(pb, "\n") < 0;
		err |= !text || json_indent(pb, level + 1, flags) < 0;
		for (const char *p = text; !err && *p; p++) {
			err |= printbuf_memappend(pb, p, 1) < 0;
			if (*p == '\n')	/* only between tokens: strings escape it */
				err |= json_indent(pb, level + 1, flags) < 0;
		}
		json_object_put(o);
	}
	if (pretty && as->nr)
		err |= printbuf_strappend(pb, "\n") < 0;
	if (pretty)
		err |= json_indent(pb, level, flags) < 0;
	return err || printbuf_strappend(pb, "]") < 0 ? -1 : 0;
}

struct json_object *report_json_object(const struct address_space *as)
{
	struct json_object *root = json_object_new_object();
	struct json_object *vmas = json_object_new_array();

	json_object_set_serializer(vmas, json_vmas_print, (void *)as, NULL);
	json_object_object_add(root, "pid", json_object_new_int(as->pid));
	json_object_object_add(root, "command", json_object_new_string(as->command));
	json_object_object_add(root, "duration_s", json_object_new_double(as->duration_s));
	json_object_object_add(root, "backend", json_object_new_string(as->backend));
	json_object_object_add(root, "unavailable", json_words(as->unavailable));
	json_object_object_add(root, "totals", json_counters(as->totals));
	json_object_object_add(root, "kernel", json_kernel(as));
	json_object_object_add(root, "vmas", vmas);
	json_object_object_add(root, "syscalls", json_syscalls(as));
	json_object_object_add(root, "files", json_files(as));
	json_object_object_add(root, "latency_source", as->latency_known ?
			       json_object_new_string(as->latency_source) : NULL);
	json_object_object_add(root, "latency_us", latency_json(as));
	json_object_object_add(root, "timeline", timeline_json(as));
	json_object_object_add(root, "drops", json_object_new_uint64(as->drops_total));
	json_object_object_add(root, "drop_details", json_drops(as));
	if (as->procs)
		json_object_object_add(root, "processes", procs_json(as->procs));
	return root;
}

int report_json(FILE *out, const struct address_space *as)
{
	struct json_object *root = report_json_object(as);
	const char *text;
	int err = 0;

	if (!root)
		return -ENOMEM;
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text || fprintf(out, "%s\n", text) < 0)
		err = -EIO;
	json_object_put(root);
	return err;
}
