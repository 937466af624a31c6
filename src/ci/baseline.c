// SPDX-License-Identifier: GPL-2.0
/* Baselines: statistics over runs, and their versioned JSON, both ways. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "ci/baseline.h"
#include "ci/keyed.h"
#include "ci/reportin.h"
#include "model/array.h"
#include "report/json_writer.h"
#include "report/report.h"
#include "report/profile_report.h"

/* ---- statistics over runs ---- */

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v; the median of an even count is the mean of the middle two, rounded down. */
static struct spread spread_of(unsigned long long *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_ull);
	return (struct spread){
		.median = n % 2 ? v[n / 2] : v[n / 2 - 1] / 2 + v[n / 2] / 2 +
			  (v[n / 2 - 1] % 2 + v[n / 2] % 2) / 2,
		.min = v[0], .max = v[n - 1],
	};
}

/* Every identity seen in any run, once. */
static int union_of(struct profile *all, const struct profile *runs, size_t n)
{
	static const uint64_t zero[NR_PCOUNTERS];
	int err = 0;

	memset(all, 0, sizeof(*all));
	for (size_t r = 0; r < n && !err; r++)
		for (size_t i = 0; i < runs[r].nr && !err; i++) {
			const struct profile_row *x = &runs[r].rows[i];

			err = profile_add(all, x->command, x->label, x->perms, x->position, zero);
		}
	profile_sort(all);
	return err;
}

void baseline_unavailable(bool *out, const char *list)
{
	for (int c = 0; c < NR_PCOUNTERS; c++) {
		const char *p = list, *name = pcounter_names[c];
		size_t len = strlen(name);

		out[c] = false;
		while (p && (p = strstr(p, name))) {
			if ((p == list || p[-1] == ' ') && (!p[len] || p[len] == ' '))
				out[c] = true;
			p += len;
		}
	}
}

/* A member's size over the runs: the largest, so one run's unknown is no 0. */
static uint64_t largest_size(const struct profile *runs, size_t n,
			     const struct profile_row *id)
{
	uint64_t size = 0;

	for (size_t r = 0; r < n; r++) {
		const struct profile_row *x = profile_find(&runs[r], id);

		if (x && x->size > size)
			size = x->size;
	}
	return size;
}

int baseline_from_profiles(struct baseline *b, const struct profile *runs, size_t n)
{
	unsigned long long *v;
	struct profile all;
	int err;

	memset(b, 0, sizeof(*b));
	if (!n)
		return -EINVAL;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	err = union_of(&all, runs, n);
	if (!err && !(b->rows = calloc(all.nr + 1, sizeof(*b->rows))))
		err = -ENOMEM;
	for (size_t i = 0; !err && i < all.nr; i++) {
		struct baseline_row *row = &b->rows[b->nr++];

		row->id = all.rows[i];
		row->id.size = largest_size(runs, n, &all.rows[i]);
		for (int c = 0; c < NR_PCOUNTERS; c++) {
			for (size_t r = 0; r < n; r++) {
				const struct profile_row *x = profile_find(&runs[r], &all.rows[i]);

				v[r] = x ? x->c[c] : 0;
			}
			row->c[c] = spread_of(v, n);
		}
	}
	b->runs = n;
	baseline_unavailable(b->unavailable, runs[0].unavailable);
	profile_free(&all);
	free(v);
	if (err)
		baseline_free(b);
	return err;
}

void baseline_free(struct baseline *b)
{
	free(b->rows);
	memset(b, 0, sizeof(*b));
}

/* ---- writing ---- */

static void json_tolerance(struct json_writer *w, const struct tolerance *t)
{
	if (t->has_relative)
		jw_double_field(w, "relative_pct", t->relative * 100);
	if (t->has_min_count)
		jw_uint64_field(w, "min_count", t->min_count);
}

static void json_tolerances(struct json_writer *w, const struct baseline *b)
{
	jw_begin_object(w);
	json_tolerance(w, &b->tol);
	jw_name(w, "counters");
	jw_begin_object(w);
	for (int c = 0; c < NR_PCOUNTERS; c++) {
		if (!b->tol_for[c].has_relative && !b->tol_for[c].has_min_count)
			continue;
		jw_name(w, pcounter_names[c]);
		jw_begin_object(w);
		json_tolerance(w, &b->tol_for[c]);
		jw_end_object(w);
	}
	jw_end_object(w);
	jw_end_object(w);
}

static void json_row(struct json_writer *w, const struct baseline_row *r)
{
	jw_begin_object(w);
	profile_id_json(w, &r->id);
	if (r->id.size)
		jw_uint64_field(w, "size", r->id.size);
	jw_name(w, "counters");
	jw_begin_object(w);
	for (int k = 0; k < NR_PCOUNTERS; k++) {
		jw_name(w, pcounter_names[k]);
		jw_begin_array(w);
		jw_uint64(w, r->c[k].median);
		jw_uint64(w, r->c[k].min);
		jw_uint64(w, r->c[k].max);
		jw_end_array(w);
	}
	jw_end_object(w);
	jw_end_object(w);
}

/* The header on one line, then the rows one a line (diffs read well). */
int baseline_write(FILE *out, const struct baseline *b)
{
	struct json_writer w;

	jw_init(&w, out, JW_SPACED);
	w.indent = 1;
	jw_begin_object(&w);
	jw_string_field(&w, "schema", BASELINE_SCHEMA);
	jw_int64_field(&w, "vmtrace_baseline", BASELINE_VERSION);
	jw_string_field(&w, "command", b->command);
	jw_string_field(&w, "backend", b->backend);
	jw_uint64_field(&w, "runs", b->runs);
	jw_name(&w, "unavailable");
	jw_begin_array(&w);
	for (int c = 0; c < NR_PCOUNTERS; c++)
		if (b->unavailable[c])
			jw_string(&w, pcounter_names[c]);
	jw_end_array(&w);
	jw_name(&w, "tolerance");
	json_tolerances(&w, b);
	jw_break(&w);
	jw_name(&w, "rows");
	jw_begin_array(&w);
	for (size_t i = 0; i < b->nr; i++) {
		jw_break(&w);
		json_row(&w, &b->rows[i]);
	}
	jw_break(&w);
	jw_end_array(&w);
	jw_break(&w);
	jw_end_object(&w);
	return jw_finish(&w);
}

/* ---- reading: every field checked, every failure a reason ---- */

/*
 * One pass over the text with a pull reader (jsonin.h), straight into the
 * rows: no JSON tree, so reading is linear and its memory is the rows'. The
 * names of the keys are fixed: an unknown key, or one given twice, is refused
 * (json-c would keep the last silently).
 */

/* long_names: the top-level command (a row's use the bits of its keys) */
#define LONG_COMMAND (1u << 31)

static int get_spread(struct reader *r, struct spread *s)
{
	static const char *const idx[] = { "[0]", "[1]", "[2]" };
	unsigned long long v[3];
	bool first = true;
	size_t n = 0, mark;
	int more;

	if (rd_expect(r, JIN_ARRAY, "[median, min, max]"))
		return -EINVAL;
	while ((more = jin_more(&r->j, ']', &first)) > 0) {
		if (n == 3)
			return rd_fail(r, "expected [median, min, max], got more numbers");
		mark = rd_at(r, idx[n], "");
		if (rd_count(r, ~0ULL, &v[n++]))
			return -EINVAL;
		rd_back(r, mark);
	}
	if (more < 0)
		return -EINVAL;
	if (n != 3)
		return rd_fail(r, "expected [median, min, max], got %zu number%s", n,
			       n == 1 ? "" : "s");
	if (v[1] > v[0] || v[0] > v[2])
		return rd_fail(r, "not min <= median <= max");
	*s = (struct spread){ .median = v[0], .min = v[1], .max = v[2] };
	return 0;
}

static int get_counter(struct reader *r, int k, void *row)
{
	return get_spread(r, &((struct baseline_row *)row)->c[k]);
}

static bool valid_perms(const char *p)
{
	return strlen(p) == 4 && strchr("r-", p[0]) && strchr("w-", p[1]) &&
	       strchr("x-", p[2]) && strchr("sp-", p[3]);
}

enum { R_COMMAND, R_LABEL, R_PERMS, R_POSITION, R_COUNTERS, R_COMMAND_BYTES,
       R_LABEL_BYTES, R_SIZE, NR_ROW_KEYS };
#define ROW_REQUIRED	ALL_OF(R_COMMAND_BYTES)
/* The largest user address space (57 bits, five-level paging): no VMA is larger. */
#define ROW_SIZE_MAX	(1ULL << 57)

/*
 * KEY_bytes: the exact bytes of a name that was not UTF-8 (the writer's);
 * size: optional, the mapping's bytes, for matching (baselines without it
 * match by position).
 */
static const char *const row_keys[NR_ROW_KEYS] = {
	"command", "label", "perms", "position", "counters", "command_bytes", "label_bytes",
	"size",
};

/*
 * KEY_bytes, which the JSON writer adds after KEY when KEY was not UTF-8 (KEY
 * then holds U+FFFD for those bytes): the exact bytes, in hex, replace it.
 */
/* The longest name a baseline holds: the command line recorded. */
#define NAME_BYTES_MAX sizeof(((struct baseline *)0)->command)

static int get_bytes(struct reader *r, char *out, size_t size)
{
	return rd_bytes(r, out, size, 2 * NAME_BYTES_MAX);
}

/*
 * A name: as rd_string(), but one too long for out is held back as long
 * (out gets its first bytes) until its KEY_bytes, which replace it, or the
 * end of its row, which refuses it.
 */
static int get_name(struct reader *r, char *out, size_t size, unsigned int bit,
		    bool may_be_empty)
{
	char text[3 * NAME_BYTES_MAX + 1];	/* every byte U+FFFD: three each */
	size_t len;

	if (rd_string(r, text, sizeof(text), may_be_empty))
		return -EINVAL;
	if (!text[0] && !may_be_empty)
		return rd_fail(r, "empty");
	len = strlen(text);
	if (len >= size) {
		r->long_names |= bit;
		len = size - 1;
	}
	memcpy(out, text, len);
	out[len] = '\0';
	return 0;
}

static int get_row_field(struct reader *r, int k, void *row)
{
	struct profile_row *id = &((struct baseline_row *)row)->id;
	unsigned long long pos, size;

	switch (k) {
	case R_COMMAND:
		return get_name(r, id->command, sizeof(id->command), 1u << R_COMMAND, false);
	case R_LABEL:
		return get_name(r, id->label, sizeof(id->label), 1u << R_LABEL, false);
	case R_PERMS:
		return rd_string(r, id->perms, sizeof(id->perms), false) ||
		       (!valid_perms(id->perms) &&
			rd_fail(r, "\"%s\" is not like \"rw-p\"", id->perms));
	case R_POSITION:
		if (rd_count(r, 1 << 20, &pos))
			return -EINVAL;
		id->position = pos;
		return 0;
	case R_SIZE:
		if (rd_count(r, ROW_SIZE_MAX, &size))
			return -EINVAL;
		id->size = size;
		return 0;
	case R_COMMAND_BYTES:
		r->long_names &= ~(1u << R_COMMAND);
		return get_bytes(r, id->command, sizeof(id->command));
	case R_LABEL_BYTES:
		r->long_names &= ~(1u << R_LABEL);
		return get_bytes(r, id->label, sizeof(id->label));
	default:
		return rd_object(r, pcounter_names, NR_PCOUNTERS, ALL_OF(NR_PCOUNTERS),
				 get_counter, row);
	}
}

static int get_rows(struct reader *r, struct baseline *b)
{
	bool first = true;
	size_t cap = 0, mark;
	char idx[32];
	int more;

	if (rd_expect(r, JIN_ARRAY, "an array of rows"))
		return -EINVAL;
	while ((more = jin_more(&r->j, ']', &first)) > 0) {
		struct baseline_row *row = array_push(b->rows, b->nr, cap, 256);

		if (!row)
			return rd_fail(r, "out of memory after %zu rows", b->nr);
		snprintf(idx, sizeof(idx), "[%zu]", b->nr - 1);
		mark = rd_at(r, idx, "");
		r->long_names &= LONG_COMMAND;
		if (rd_object(r, row_keys, NR_ROW_KEYS, ROW_REQUIRED, get_row_field,
			      row))
			return -EINVAL;
		if (r->long_names & ~LONG_COMMAND) {
			bool label = r->long_names & 1u << R_LABEL;

			rd_at(r, label ? ".label" : ".command", "");
			return rd_fail(r, "longer than %zu bytes", label ?
				       sizeof(row->id.label) - 1 : sizeof(row->id.command) - 1);
		}
		rd_back(r, mark);
	}
	return more;
}

/*
 * Sorts the rows by identity (compare.c looks them up by it); two rows with
 * one identity would make every comparison ambiguous.
 */
static int by_row_identity(const void *a, const void *b)
{
	return profile_row_cmp(&((const struct baseline_row *)a)->id,
			       &((const struct baseline_row *)b)->id);
}

static int sort_unique(struct reader *r, struct baseline *b)
{
	char name[PROFILE_ID_MAX];

	if (b->nr)
		qsort(b->rows, b->nr, sizeof(*b->rows), by_row_identity);
	for (size_t i = 1; i < b->nr; i++) {
		const struct profile_row *id = &b->rows[i].id;

		if (by_row_identity(&b->rows[i - 1], &b->rows[i]))
			continue;
		profile_row_id(id, name, sizeof(name));
		return jin_fail(&r->j, "rows: two rows for %s \"%s\"", id->command, name);
	}
	return 0;
}

static int get_pct(struct reader *r, double *out)
{
	enum jin_type t = jin_peek(&r->j);
	struct jin_number n;

	if (t != JIN_NUMBER)
		return rd_fail(r, "expected a number, got %s", jin_type_name(t));
	if (jin_number(&r->j, &n))
		return -EINVAL;
	if (!(n.d >= 0 && n.d <= 1e6))
		return rd_fail(r, "%s is out of range (0 to 1000000)", n.text);
	*out = n.d / 100;
	return 0;
}

enum { T_RELATIVE, T_MIN_COUNT, T_COUNTERS, NR_TOL_KEYS };

static const char *const tol_keys[NR_TOL_KEYS] = { "relative_pct", "min_count", "counters" };

/* One tolerance's relative_pct or min_count. */
static int get_tolerance(struct reader *r, int k, void *tol)
{
	struct tolerance *t = tol;

	if (k == T_RELATIVE) {
		t->has_relative = true;
		return get_pct(r, &t->relative);
	}
	t->has_min_count = true;
	return rd_count(r, 1ULL << 40, &t->min_count);
}

/* "counters": {"major": {...}, ...}: each counter's own. */
static int get_counter_tolerance(struct reader *r, int c, void *b)
{
	return rd_object(r, tol_keys, T_COUNTERS, 0, get_tolerance,
			 &((struct baseline *)b)->tol_for[c]);
}

/* The baseline's tolerance, and the counters' own. */
static int get_tolerances(struct reader *r, int k, void *b)
{
	if (k != T_COUNTERS)
		return get_tolerance(r, k, &((struct baseline *)b)->tol);
	return rd_object(r, pcounter_names, NR_PCOUNTERS, 0, get_counter_tolerance, b);
}

static int get_unavailable(struct reader *r, struct baseline *b)
{
	char name[32], idx[32];
	bool first = true;
	size_t n = 0, mark;
	int more, c;

	if (rd_expect(r, JIN_ARRAY, "an array of counter names"))
		return -EINVAL;
	while ((more = jin_more(&r->j, ']', &first)) > 0) {
		snprintf(idx, sizeof(idx), "[%zu]", n++);
		mark = rd_at(r, idx, "");
		if (rd_string(r, name, sizeof(name), false))
			return -EINVAL;
		if ((c = pcounter_by_name(name)) < 0)
			return rd_fail(r, "\"%s\" is not a counter name", name);
		b->unavailable[c] = true;
		rd_back(r, mark);
	}
	return more;
}

/* A tolerance for a counter the backend did not measure could never apply. */
static int check_tolerances(struct reader *r, const struct baseline *b)
{
	for (int c = 0; c < NR_PCOUNTERS; c++)
		if (b->unavailable[c] && (b->tol_for[c].has_relative ||
					  b->tol_for[c].has_min_count))
			return jin_fail(&r->j, "tolerance.counters.%s: a tolerance for a "
					"counter listed as unavailable (not measured%s%s%s)",
					pcounter_names[c], b->backend[0] ? " by the " : "",
					b->backend, b->backend[0] ? " backend" : "");
	return 0;
}

/* The format version, wherever it is among the top-level keys. */
static int get_version(struct reader *r)
{
	struct jin j = r->j;	/* a look-ahead: the reader stays where it is */
	enum jin_type t = jin_peek(&j);
	bool first = true, found = false;
	struct jin_number n;
	char key[32];
	int len;

	if (t != JIN_OBJECT)
		return jin_fail(&r->j, "not a vmtrace baseline or report (expected a JSON object, "
				"got %s)", jin_type_name(t));
	jin_open(&j, '{');
	while (!found && jin_more(&j, '}', &first) > 0 &&
	       (len = jin_key(&j, key, sizeof(key))) >= 0) {
		found = (size_t)len == strlen(key) && !strcmp(key, "vmtrace_baseline");
		if (!found)
			jin_skip(&j);
	}
	if (j.failed) {
		r->j.failed = true;	/* j wrote the reason */
		return -EINVAL;
	}
	if (!found)
		return jin_fail(&r->j, "not a vmtrace baseline or report (no \"vmtrace_baseline\" "
				"version, no \"schema\": \"%s\")", REPORT_SCHEMA);
	t = jin_peek(&j);
	if (t != JIN_NUMBER)
		return jin_fail(&r->j, "\"vmtrace_baseline\": expected a version number, "
				"got %s", jin_type_name(t));
	if (jin_number(&j, &n) || !n.integer || n.negative || n.overflow ||
	    n.u != BASELINE_VERSION)
		return jin_fail(&r->j, "baseline format version %s, this vmtrace reads "
				"version %d", n.text, BASELINE_VERSION);
	return 0;
}

enum { K_VERSION, K_COMMAND, K_BACKEND, K_RUNS, K_UNAVAILABLE, K_TOLERANCE, K_ROWS,
       K_COMMAND_BYTES, K_SCHEMA, NR_ROOT_KEYS };

static const char *const root_keys[NR_ROOT_KEYS] = {
	"vmtrace_baseline", "command", "backend", "runs", "unavailable", "tolerance",
	"rows", "command_bytes", "schema",
};

/* Optional (baselines written before it have none), but never another's. */
static int get_schema(struct reader *r)
{
	char schema[sizeof(BASELINE_SCHEMA) + 1];

	if (rd_string(r, schema, sizeof(schema), false))
		return -EINVAL;
	return strcmp(schema, BASELINE_SCHEMA) ?
	       rd_fail(r, "not \"%s\"", BASELINE_SCHEMA) : 0;
}

static int get_field(struct reader *r, int k, void *base)
{
	struct baseline *b = base;
	unsigned long long runs;

	switch (k) {
	case K_VERSION:
		return jin_skip(&r->j);	/* get_version() read it */
	case K_COMMAND:
		return get_name(r, b->command, sizeof(b->command), LONG_COMMAND, true);
	case K_BACKEND:
		return rd_word(r, b->backend, sizeof(b->backend));
	case K_RUNS:
		if (rd_count(r, 1 << 20, &runs))
			return -EINVAL;
		b->runs = runs;
		return runs ? 0 : rd_fail(r, "0");
	case K_UNAVAILABLE:
		return get_unavailable(r, b);
	case K_TOLERANCE:
		return rd_object(r, tol_keys, NR_TOL_KEYS, 0, get_tolerances, b);
	case K_COMMAND_BYTES:
		r->long_names &= ~LONG_COMMAND;
		return get_bytes(r, b->command, sizeof(b->command));
	case K_SCHEMA:
		return get_schema(r);
	default:
		return get_rows(r, b);
	}
}

static int get_baseline(struct reader *r, struct baseline *b)
{
	b->runs = 1;
	if (get_version(r) || rd_object(r, root_keys, NR_ROOT_KEYS,
					1u << K_VERSION | 1u << K_ROWS, get_field, b))
		return -EINVAL;
	if (r->long_names & LONG_COMMAND)
		return jin_fail(&r->j, "command: longer than %zu bytes",
				sizeof(b->command) - 1);
	return check_tolerances(r, b) || sort_unique(r, b) ? -EINVAL : 0;
}

int baseline_parse(const char *text, size_t len, struct baseline *b,
		   char *err, size_t errlen)
{
	struct reader r = { .w = { "", 0 } };
	int ret;

	memset(b, 0, sizeof(*b));
	jin_init(&r.j, text, len, err, errlen);
	if (len > BASELINE_MAX_BYTES)
		return jin_fail(&r.j, "larger than %d MiB", BASELINE_MAX_BYTES >> 20);
	if (!len)
		return jin_fail(&r.j, "empty file");
	/* the grammar first: a broken file is "truncated", not a bad field */
	ret = jin_skip(&r.j) || jin_done(&r.j) ? -EINVAL : 0;
	r.j.p = text;
	if (!ret)
		ret = get_baseline(&r, b);
	if (!ret)
		ret = jin_done(&r.j);
	if (ret)
		baseline_free(b);
	return ret;
}

/* A -j report as a baseline of one run: every spread zero. */
static int baseline_of_report(const char *text, size_t len, const char *root,
			      struct baseline *b, char *err, size_t errlen)
{
	struct report_meta meta;
	struct profile p;
	int ret = report_profile(text, len, root, &p, &meta, err, errlen);

	if (ret)
		return ret;
	ret = baseline_from_profiles(b, &p, 1);
	profile_free(&p);
	if (ret) {
		snprintf(err, errlen, "out of memory");
		return ret;
	}
	snprintf(b->command, sizeof(b->command), "%s", meta.command);
	snprintf(b->backend, sizeof(b->backend), "%s", meta.backend);
	return 0;
}

int baseline_load(const char *path, const char *root, struct baseline *b, char *err,
		  size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 16, len = 0;
	char *text = NULL;
	struct stat st;
	ssize_t got = 1;
	int ret = 0;

	memset(b, 0, sizeof(*b));
	if (errlen)
		err[0] = '\0';
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		ret = -errno;
	} else if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "is a directory");
		ret = -EISDIR;
	} else if (S_ISREG(st.st_mode) && st.st_size > BASELINE_MAX_BYTES) {
		snprintf(err, errlen, "larger than %d MiB", BASELINE_MAX_BYTES >> 20);
		ret = -EFBIG;
	}
	/* not regular (a pipe): read to the limit, one byte past it at most */
	while (!ret && got > 0 && len <= BASELINE_MAX_BYTES) {
		char *t = len == cap || !text ? realloc(text, cap *= 2) : text;

		if (!t) {
			ret = -ENOMEM;
			break;
		}
		text = t;
		got = read(fd, text + len, cap - len);
		if (got < 0 && errno == EINTR)
			got = 1;
		else if (got < 0)
			ret = -errno;
		else
			len += got;
	}
	if (ret && !err[0])
		snprintf(err, errlen, "cannot read: %s", strerror(-ret));
	else if (!ret && report_is(text, len))
		ret = baseline_of_report(text, len, root, b, err, errlen);
	else if (!ret)
		ret = baseline_parse(text, len, b, err, errlen);
	if (fd >= 0)
		close(fd);
	free(text);
	return ret;
}

/* ---- tolerances on the command line ---- */

/* Decimal only: strtod() alone would take "0x10" as 16, "1e1", "inf" and "nan". */
int tolerance_parse_relative(const char *s, double *out)
{
	size_t whole = strspn(s, "0123456789"), frac = 0;
	const char *p = s + whole;
	double v;

	if (*p == '.' && (frac = strspn(p + 1, "0123456789")))
		p += 1 + frac;
	if (!whole || (*p && strcmp(p, "%")))
		return -1;
	v = strtod(s, NULL);
	if (!(v >= 0 && v <= 1e6))
		return -1;
	*out = v / 100;
	return 0;
}

static int parse_count(const char *s, unsigned long long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end || *out > (1ULL << 40) ? -1 : 0;
}

int tolerance_parse_for(const char *s, struct tolerance *tol_for)
{
	const char *eq = strchr(s, '=');
	char name[32], rel[32];
	const char *pct, *plus;
	struct tolerance t = { .has_relative = true, .has_min_count = true };
	int c;

	if (!eq || eq == s || (size_t)(eq - s) >= sizeof(name))
		return -1;
	snprintf(name, sizeof(name), "%.*s", (int)(eq - s), s);
	if ((c = pcounter_by_name(name)) < 0)
		return -1;
	pct = strchr(eq + 1, '%');
	plus = strchr(eq + 1, '+');
	if (!pct) {	/* "N": an absolute count only */
		if (parse_count(eq + 1, &t.min_count))
			return -1;
	} else {	/* "P%" or "P%+N" */
		if ((size_t)(pct - eq) >= sizeof(rel) || (plus && plus != pct + 1) ||
		    (!plus && pct[1]))
			return -1;
		snprintf(rel, sizeof(rel), "%.*s", (int)(pct - eq), eq + 1);
		if (tolerance_parse_relative(rel, &t.relative) ||
		    (plus && parse_count(plus + 1, &t.min_count)))
			return -1;
	}
	tol_for[c] = t;
	return 0;
}
