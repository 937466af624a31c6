// SPDX-License-Identifier: GPL-2.0
/* vmtrace -r N: each row's mean and spread over N runs, as text or JSON. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ci/baseline.h"
#include "ci/match.h"
#include "ci/repeat.h"
#include "ci/runs.h"
#include "model/array.h"
#include "report/format.h"
#include "report/json_writer.h"
#include "report/output.h"
#include "report/profile_report.h"
#include "report/report.h"

struct stat {
	double mean, stddev;	/* stddev: the sample's (N - 1), 0 for one run */
	uint64_t min, max;
};

struct stat_row {
	struct profile_row id;	/* position PROFILE_ALL_POSITIONS: a class's sum */
	struct stat s[NR_PCOUNTERS];
};

struct stat_table {
	struct stat_row *rows;
	size_t nr, cap;
	struct stat total[NR_PCOUNTERS];	/* every command's [total], summed */
};

static struct stat stat_of(const uint64_t *v, size_t n)
{
	struct stat s = { .min = v[0], .max = v[0] };
	double sq = 0;

	for (size_t i = 0; i < n; i++) {
		s.mean += (double)v[i] / n;
		s.min = v[i] < s.min ? v[i] : s.min;
		s.max = v[i] > s.max ? v[i] : s.max;
	}
	for (size_t i = 0; n > 1 && i < n; i++)
		sq += ((double)v[i] - s.mean) * ((double)v[i] - s.mean);
	s.stddev = n > 1 ? sqrt(sq / (n - 1)) : 0;
	return s;
}

/* The members of a class (command, label, perms) in a sorted profile: a run of rows. */
struct members {
	const struct profile_row *rows;
	size_t n;
};

static bool same_class(const struct profile_row *a, const struct profile_row *b)
{
	return !strcmp(a->command, b->command) && !strcmp(a->label, b->label) &&
	       !strcmp(a->perms, b->perms);
}

static struct members members_of(const struct profile *p, const struct profile_row *key)
{
	struct members m = { NULL, 0 };

	for (size_t i = 0; i < p->nr && !m.n; i++)
		if (same_class(&p->rows[i], key))
			for (m.rows = &p->rows[i]; i + m.n < p->nr &&
			     same_class(&p->rows[i + m.n], key); m.n++)
				;
	return m;
}

/* Each run's value of counter c for one row: v[r]; then its statistics. */
static int add_row(struct stat_table *t, const struct profile_row *id,
		   uint64_t (*v)[NR_PCOUNTERS], size_t runs)
{
	struct stat_row *row = array_push(t->rows, t->nr, t->cap, 64);
	uint64_t *col = calloc(runs, sizeof(*col));

	if (!row || !col) {
		free(col);
		return -ENOMEM;
	}
	row->id = *id;
	for (int c = 0; c < NR_PCOUNTERS; c++) {
		for (size_t r = 0; r < runs; r++)
			col[r] = v[r][c];
		row->s[c] = stat_of(col, runs);
	}
	free(col);
	return 0;
}

/*
 * Run r's member paired with the first run's member k, as check pairs a
 * run's with its baseline's (match.h); -1 when the class is not matched
 * with confidence in every run.
 */
static int paired(const struct members *ref, const struct members *m, size_t k)
{
	uint64_t a[MATCH_MAX_MEMBERS], b[MATCH_MAX_MEMBERS];
	struct match_pair pairs[2 * MATCH_MAX_MEMBERS];
	bool confident;
	size_t nr;

	if (ref->n != m->n || m->n > MATCH_MAX_MEMBERS)
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		a[i] = ref->rows[i].size;
		b[i] = m->rows[i].size;
	}
	nr = match_members(a, ref->n, b, m->n, pairs, &confident);
	for (size_t i = 0; confident && i < nr; i++)
		if (pairs[i].base == (int)k)
			return pairs[i].now;
	return -1;
}

/* One class over every run: its members matched, or their sum as one row. */
static int add_class(struct stat_table *t, const struct run_profiles *rp,
		     const struct profile_row *key)
{
	uint64_t (*v)[NR_PCOUNTERS] = calloc(rp->n, sizeof(*v));
	struct members *m = calloc(rp->n, sizeof(*m));
	struct profile_row sum = *key;
	int err = v && m ? 0 : -ENOMEM;
	bool matched = !err;

	for (unsigned int r = 0; !err && r < rp->n; r++)
		m[r] = members_of(&rp->runs[r], key);
	matched = !err && m[0].n;	/* a class the first run lacks is summed */
	for (unsigned int r = 0; matched && r < rp->n; r++)
		for (size_t k = 0; matched && k < m[0].n; k++)
			matched = paired(&m[0], &m[r], k) >= 0;
	for (size_t k = 0; matched && !err && k < m[0].n; k++) {
		for (unsigned int r = 0; r < rp->n; r++)
			memcpy(v[r], m[r].rows[paired(&m[0], &m[r], k)].c, sizeof(v[r]));
		err = add_row(t, &m[0].rows[k], v, rp->n);
	}
	sum.position = PROFILE_ALL_POSITIONS;
	sum.size = 0;
	for (unsigned int r = 0; !err && !matched && r < rp->n; r++)
		for (size_t k = 0; k < m[r].n; k++)
			for (int c = 0; c < NR_PCOUNTERS; c++)
				v[r][c] += m[r].rows[k].c[c];
	if (!err && !matched)
		err = add_row(t, &sum, v, rp->n);
	free(v);
	free(m);
	return err;
}

/* Every class any run has, each once, and the totals over every command. */
static int stat_table_build(struct stat_table *t, const struct run_profiles *rp)
{
	static const uint64_t zero[NR_PCOUNTERS];
	uint64_t (*tot)[NR_PCOUNTERS] = calloc(rp->n, sizeof(*tot));
	uint64_t *col = calloc(rp->n, sizeof(*col));
	struct profile classes = { 0 };
	int err = tot && col ? 0 : -ENOMEM;

	for (unsigned int r = 0; !err && r < rp->n; r++)
		for (size_t i = 0; !err && i < rp->runs[r].nr; i++) {
			const struct profile_row *x = &rp->runs[r].rows[i];

			err = profile_add(&classes, x->command, x->label, x->perms, 0, zero);
			if (!strcmp(x->label, PROFILE_TOTAL_LABEL))
				for (int c = 0; c < NR_PCOUNTERS; c++)
					tot[r][c] += x->c[c];
		}
	profile_sort(&classes);
	for (size_t i = 0; !err && i < classes.nr; i++)
		err = add_class(t, rp, &classes.rows[i]);
	for (int c = 0; !err && c < NR_PCOUNTERS; c++) {
		for (unsigned int r = 0; r < rp->n; r++)
			col[r] = tot[r][c];
		t->total[c] = stat_of(col, rp->n);
	}
	profile_free(&classes);
	free(tot);
	free(col);
	return err;
}

/* ---- text ---- */

/* The counters, most telling first: as many as fit are shown (report.c's order). */
static const struct {
	int counter;
	const char *title;
} text_counters[] = {
	{ PC_FAULTS, "FAULTS" }, { PC_MAJOR, "MAJOR" }, { PC_WRITE, "WRITE" }, { PC_WP, "WP" },
	{ PC_MINOR, "MINOR" }, { PC_READ, "READ" }, { PC_EXEC, "EXEC" },
	{ PC_ERRORS, "ERR" }, { PC_COW, "COW" }, { PC_KERNEL, "KERN" },
};
#define NR_TEXT_COUNTERS (int)(sizeof(text_counters) / sizeof(*text_counters))
#define ROW_WIDTH_MAX	40	/* as the VMA table's LABEL */

/* "302.0 +-1.2%": the mean, and the standard deviation as a share of it. */
static const char *stat_text(const struct stat *s, char *buf, size_t size)
{
	snprintf(buf, size, "%.1f +-%.1f%%", s->mean, s->mean ? 100 * s->stddev / s->mean : 0);
	return buf;
}

static const char *row_text(const struct profile_row *id, char *buf, size_t size)
{
	char text[PROFILE_ID_MAX];

	profile_row_id(id, text, sizeof(text));
	return name_text(text, buf, size);
}

struct layout {
	size_t command, row;
	size_t width[NR_TEXT_COUNTERS];	/* 0: not shown */
	bool cut;
};

static size_t wider(size_t w, const char *s)
{
	return strlen(s) > w ? strlen(s) : w;
}

/* Columns as wide as their cells; past width, ROW cut to 40, then counters left out. */
static void layout_fit(struct layout *l, const struct stat_table *t, const bool *unavailable,
		       size_t width)
{
	char buf[NAME_TEXT_MAX(PROFILE_ID_MAX)];
	size_t used;

	*l = (struct layout){ .command = 7, .row = 5, .cut = width != SIZE_MAX };
	for (size_t i = 0; i < t->nr; i++) {
		l->command = wider(l->command, name_text(t->rows[i].id.command, buf, sizeof(buf)));
		l->row = wider(l->row, row_text(&t->rows[i].id, buf, sizeof(buf)));
	}
	for (int k = 0; k < NR_TEXT_COUNTERS; k++) {
		const struct stat *s = &t->total[text_counters[k].counter];

		l->width[k] = wider(strlen(text_counters[k].title), stat_text(s, buf, sizeof(buf)));
		for (size_t i = 0; i < t->nr; i++)
			l->width[k] = wider(l->width[k], stat_text(&t->rows[i].s[text_counters[k].counter],
								  buf, sizeof(buf)));
	}
	if (l->cut) {
		l->command = l->command > 15 ? 15 : l->command;
		l->row = l->row > ROW_WIDTH_MAX ? ROW_WIDTH_MAX : l->row;
	}
	used = 1 + l->command + 1 + l->row;
	for (int k = 0; k < NR_TEXT_COUNTERS; k++) {
		if (unavailable[text_counters[k].counter] || (k && used + 1 + l->width[k] > width))
			l->width[k] = 0;	/* not measured, or past the width */
		used += l->width[k] ? 1 + l->width[k] : 0;
	}
}

static void text_line(FILE *out, const struct layout *l, const char *command, const char *row,
		      const struct stat *s)
{
	char c[NAME_TEXT_MAX(PROFILE_COMMAND_MAX)], r[NAME_TEXT_MAX(PROFILE_ID_MAX)], v[64];

	snprintf(c, sizeof(c), "%s", command);
	snprintf(r, sizeof(r), "%s", row);
	fprintf(out, " %-*s %-*s", (int)l->command, l->cut ? text_cut(c, l->command) : c,
		(int)l->row, l->cut ? text_cut(r, l->row) : r);
	for (int k = 0; k < NR_TEXT_COUNTERS; k++)
		if (l->width[k])
			fprintf(out, " %*s", (int)l->width[k], s ? stat_text(&s[text_counters[k].counter],
							       v, sizeof(v)) : text_counters[k].title);
	fputc('\n', out);
}

/* Each run's traced faults against the kernel's, as the report's kernel counters line. */
static void text_kernel(FILE *out, const struct run_profiles *rp)
{
	unsigned int counted = 0;

	for (unsigned int r = 0; r < rp->n; r++)
		counted += rp->kernel[r].known && rp->kernel[r].traced == rp->kernel[r].kernel;
	fprintf(out, "kernel counters, minflt+majflt of every process: %s in %u of %u runs\n",
		counted == rp->n ? "all counted" : "all counted only", counted, rp->n);
	for (unsigned int r = 0; r < rp->n; r++) {
		const struct run_kernel *k = &rp->kernel[r];

		if (!k->known)
			fprintf(out, "  run %u: traced %llu, the kernel's unknown (a process "
				"was reaped)\n", r + 1, k->traced);
		else if (k->traced != k->kernel)
			fprintf(out, "  run %u: traced %llu, kernel %llu\n", r + 1, k->traced,
				k->kernel);
	}
}

static void repeat_text(FILE *out, const struct config *cfg, const struct stat_table *t,
			const struct run_profiles *rp, const char *command)
{
	char name[NAME_TEXT_MAX(PROFILE_COMMAND_MAX)], row[NAME_TEXT_MAX(PROFILE_ID_MAX)];
	char header[NAME_TEXT_MAX(512)];
	bool unavailable[NR_PCOUNTERS];
	struct layout l;

	baseline_unavailable(unavailable, rp->runs[0].unavailable);
	layout_fit(&l, t, unavailable, cfg->wide ? SIZE_MAX :
		   cfg->columns ? cfg->columns : DEFAULT_COLUMNS);
	name_text(command, header, sizeof(header));
	fprintf(out, "%s: %u runs, backend %s; mean +- standard deviation\n",
		text_cut(header, 40), rp->n, rp->backend);
	text_line(out, &l, "COMMAND", "ROW", NULL);
	for (size_t i = 0; i < t->nr; i++)
		text_line(out, &l, name_text(t->rows[i].id.command, name, sizeof(name)),
			  row_text(&t->rows[i].id, row, sizeof(row)), t->rows[i].s);
	text_line(out, &l, "TOTAL", "(all processes)", t->total);
	text_kernel(out, rp);
	if (rp->runs[0].unavailable[0])
		fprintf(out, "not measured by the %s backend (shown as 0): %s\n", rp->backend,
			rp->runs[0].unavailable);
}

/* ---- JSON ---- */

static void json_stats(struct json_writer *w, const struct stat *s)
{
	jw_begin_object(w);
	for (int c = 0; c < NR_PCOUNTERS; c++) {
		jw_name(w, pcounter_names[c]);
		jw_begin_object(w);
		jw_double_field(w, "mean", s[c].mean);
		jw_double_field(w, "stddev", s[c].stddev);
		jw_uint64_field(w, "min", s[c].min);
		jw_uint64_field(w, "max", s[c].max);
		jw_end_object(w);
	}
	jw_end_object(w);
}

static void json_row(struct json_writer *w, const struct stat_row *row)
{
	jw_begin_object(w);
	jw_string_field(w, "command", row->id.command);
	jw_string_field(w, "label", row->id.label);
	jw_string_field(w, "perms", row->id.perms);
	if (row->id.position == PROFILE_ALL_POSITIONS)
		jw_null_field(w, "position");	/* a class's members, summed */
	else
		jw_uint64_field(w, "position", row->id.position);
	jw_name(w, "counters");
	json_stats(w, row->s);
	jw_end_object(w);
}

static void json_kernel(struct json_writer *w, const struct run_profiles *rp)
{
	jw_begin_array(w);
	for (unsigned int r = 0; r < rp->n; r++) {
		jw_begin_object(w);
		jw_uint64_field(w, "traced", rp->kernel[r].traced);
		if (rp->kernel[r].known)
			jw_uint64_field(w, "kernel", rp->kernel[r].kernel);
		else
			jw_null_field(w, "kernel");
		jw_end_object(w);
	}
	jw_end_array(w);
}

static int repeat_json(FILE *out, const struct config *cfg, const struct stat_table *t,
		       const struct run_profiles *rp, const char *command)
{
	struct json_writer w;

	jw_init(&w, out, cfg->pretty || cfg->columns ? JW_PRETTY : JW_COMPACT);
	jw_begin_object(&w);
	jw_string_field(&w, "schema", REPEAT_SCHEMA);
	jw_string_field(&w, "command", command);
	jw_string_field(&w, "backend", rp->backend);
	jw_uint64_field(&w, "runs", rp->n);
	jw_name(&w, "unavailable");
	jw_words(&w, rp->runs[0].unavailable);
	jw_name(&w, "total");
	json_stats(&w, t->total);
	jw_name(&w, "kernel");
	json_kernel(&w, rp);
	jw_name(&w, "rows");
	jw_begin_array(&w);
	for (size_t i = 0; i < t->nr; i++)
		json_row(&w, &t->rows[i]);
	jw_end_array(&w);
	jw_end_object(&w);
	return jw_finish(&w);
}

/* ---- the whole ---- */

/* Where the report goes: -o FILE, "-o -" stdout, else stderr (a command's output is stdout). */
static int open_output(struct config *cfg, struct output *out)
{
	int fd = cfg->output && !strcmp(cfg->output, "-") ? STDOUT_FILENO : STDERR_FILENO;

	if (output_open(out, cfg->output, fd))
		return -EIO;
	cfg->columns = terminal_columns(out->fd);
	return 0;
}

int repeat_run(struct config *cfg)
{
	struct stat_table t = { 0 };
	struct run_profiles rp;
	struct output out;
	char command[512];
	int err;

	if (open_output(cfg, &out))
		return 1;
	runs_command_line(cfg->command, command, sizeof(command));
	err = runs_collect(cfg, &rp);
	if (!err && (err = stat_table_build(&t, &rp)))
		fprintf(stderr, "vmtrace: failed to sum the runs: %s\n", strerror(-err));
	if (!err && cfg->json && (err = repeat_json(out.file, cfg, &t, &rp, command)))
		fprintf(stderr, "vmtrace: failed to write the report: %s\n", strerror(-err));
	else if (!err && !cfg->json)
		repeat_text(out.file, cfg, &t, &rp, command);
	if (!err)
		err = output_commit(&out);
	else
		output_abort(&out);
	run_profiles_free(&rp);	/* runs_collect() left none on its error */
	free(t.rows);
	return err ? 1 : 0;
}
