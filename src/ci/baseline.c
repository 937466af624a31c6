// SPDX-License-Identifier: GPL-2.0
/* Baselines: statistics over runs, and their versioned JSON, both ways. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "ci/baseline.h"
#include "report/json_writer.h"
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

static void unavailable_of(bool *out, const char *list)
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
		for (int c = 0; c < NR_PCOUNTERS; c++) {
			for (size_t r = 0; r < n; r++) {
				const struct profile_row *x = profile_find(&runs[r], &all.rows[i]);

				v[r] = x ? x->c[c] : 0;
			}
			row->c[c] = spread_of(v, n);
		}
	}
	b->runs = n;
	unavailable_of(b->unavailable, runs[0].unavailable);
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

struct reader {
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	/* the reason quotes the file: its control bytes must not break the line */
	for (char *p = r->err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -EINVAL;
}

/* A non-negative integer (json-c keeps those above INT64_MAX as uint64). */
static int get_count(struct reader *r, struct json_object *v, const char *what,
		     unsigned long long max, unsigned long long *out)
{
	if (!v || !json_object_is_type(v, json_type_int))
		return fail(r, "%s: expected a non-negative integer", what);
	if (json_object_get_int64(v) < 0)
		return fail(r, "%s: negative", what);
	*out = json_object_get_uint64(v);
	if (*out > max)
		return fail(r, "%s: %llu is too large", what, *out);
	return 0;
}

/*
 * KEY_bytes, which the writer adds when KEY was not UTF-8 (KEY then holds
 * U+FFFD for those bytes): the exact bytes. Returns 1 when there, 0 when not.
 */
static int get_bytes(struct reader *r, struct json_object *o, const char *key,
		     const char *what, char *out, size_t size)
{
	struct json_object *v;
	char name[64];

	snprintf(name, sizeof(name), "%s_bytes", key);
	if (!json_object_object_get_ex(o, name, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string) ||
	    jw_bytes_decode(json_object_get_string(v), out, size) < 0)
		return fail(r, "%s.%s: not the hex of at most %zu bytes, none NUL", what,
			    name, size - 1);
	return 1;
}

static int get_string(struct reader *r, struct json_object *o, const char *key,
		      const char *what, char *out, size_t size, bool required)
{
	struct json_object *v;
	const char *s;
	int len;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) {
		out[0] = '\0';
		return required ? fail(r, "%s: no \"%s\"", what, key) : 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return fail(r, "%s.%s: expected a string", what, key);
	if ((len = get_bytes(r, o, key, what, out, size)))
		return len < 0 ? len : 0;
	s = json_object_get_string(v);
	len = json_object_get_string_len(v);
	if ((size_t)len >= size || (int)strlen(s) != len)
		return fail(r, "%s.%s: longer than %zu bytes, or holds a NUL", what, key,
			    size - 1);
	memcpy(out, s, len + 1);
	return 0;
}

static int get_spread(struct reader *r, struct json_object *a, const char *what,
		      struct spread *s)
{
	unsigned long long v[3];
	char item[160];

	if (!a || !json_object_is_type(a, json_type_array) ||
	    json_object_array_length(a) != 3)
		return fail(r, "%s: expected [median, min, max]", what);
	for (size_t i = 0; i < 3; i++) {
		snprintf(item, sizeof(item), "%s[%zu]", what, i);
		if (get_count(r, json_object_array_get_idx(a, i), item, ~0ULL, &v[i]))
			return -EINVAL;
	}
	if (v[1] > v[0] || v[0] > v[2])
		return fail(r, "%s: not min <= median <= max", what);
	*s = (struct spread){ .median = v[0], .min = v[1], .max = v[2] };
	return 0;
}

static int get_counters(struct reader *r, struct json_object *row, const char *what,
			struct baseline_row *out)
{
	struct json_object *c, *a;
	char item[128];

	if (!json_object_object_get_ex(row, "counters", &c) ||
	    !json_object_is_type(c, json_type_object))
		return fail(r, "%s: no \"counters\" object", what);
	for (int k = 0; k < NR_PCOUNTERS; k++) {
		snprintf(item, sizeof(item), "%s.counters.%s", what, pcounter_names[k]);
		if (!json_object_object_get_ex(c, pcounter_names[k], &a))
			return fail(r, "%s: missing", item);
		if (get_spread(r, a, item, &out->c[k]))
			return -EINVAL;
	}
	return 0;
}

static bool valid_perms(const char *p)
{
	return strlen(p) == 4 && strchr("r-", p[0]) && strchr("w-", p[1]) &&
	       strchr("x-", p[2]) && strchr("sp-", p[3]);
}

static int get_row(struct reader *r, struct json_object *row, size_t i,
		   struct baseline_row *out)
{
	struct profile_row *id = &out->id;
	struct json_object *v = NULL;
	unsigned long long pos;
	char what[32];

	snprintf(what, sizeof(what), "rows[%zu]", i);
	if (!json_object_is_type(row, json_type_object))
		return fail(r, "%s: expected an object", what);
	if (get_string(r, row, "command", what, id->command, sizeof(id->command), true) ||
	    get_string(r, row, "label", what, id->label, sizeof(id->label), true) ||
	    get_string(r, row, "perms", what, id->perms, sizeof(id->perms), true))
		return -EINVAL;
	if (!id->command[0] || !id->label[0])
		return fail(r, "%s: empty command or label", what);
	if (!valid_perms(id->perms))
		return fail(r, "%s.perms: \"%s\" is not like \"rw-p\"", what, id->perms);
	json_object_object_get_ex(row, "position", &v);
	if (get_count(r, v, "position", 1 << 20, &pos))
		return fail(r, "%s.position: expected an integer from 0 to %d", what, 1 << 20);
	id->position = pos;
	return get_counters(r, row, what, out);
}

static int get_rows(struct reader *r, struct json_object *root, struct baseline *b)
{
	struct json_object *rows;
	size_t n;

	if (!json_object_object_get_ex(root, "rows", &rows) ||
	    !json_object_is_type(rows, json_type_array))
		return fail(r, "no \"rows\" array");
	n = json_object_array_length(rows);
	b->rows = calloc(n + 1, sizeof(*b->rows));
	if (!b->rows)
		return fail(r, "out of memory for %zu rows", n);
	for (size_t i = 0; i < n; i++) {
		if (get_row(r, json_object_array_get_idx(rows, i), i, &b->rows[i]))
			return -EINVAL;
		b->nr = i + 1;
	}
	return 0;
}

/* Two rows with one identity would make every comparison ambiguous. */
static int check_unique(struct reader *r, const struct baseline *b)
{
	struct profile ids = { 0 };
	int err = 0;

	for (size_t i = 0; i < b->nr && !err; i++) {
		const struct profile_row *id = &b->rows[i].id;
		char name[PROFILE_ID_MAX];

		if (profile_find(&ids, id)) {
			profile_row_id(id, name, sizeof(name));
			err = fail(r, "rows[%zu]: a second row for %s \"%s\"", i,
				   id->command, name);
		} else if (profile_add(&ids, id->command, id->label, id->perms,
				       id->position, id->c)) {
			err = fail(r, "out of memory");
		}
	}
	profile_free(&ids);
	return err;
}

static int get_tolerance(struct reader *r, struct json_object *o, const char *what,
			 struct tolerance *t)
{
	struct json_object *v = NULL;
	double pct;

	if (!json_object_is_type(o, json_type_object))
		return fail(r, "%s: expected an object", what);
	if (json_object_object_get_ex(o, "relative_pct", &v)) {
		if (!json_object_is_type(v, json_type_int) &&
		    !json_object_is_type(v, json_type_double))
			return fail(r, "%s.relative_pct: expected a number", what);
		pct = json_object_get_double(v);
		if (!(pct >= 0 && pct <= 1e6))
			return fail(r, "%s.relative_pct: out of range (0 to 1000000)", what);
		t->relative = pct / 100;
		t->has_relative = true;
	}
	if (json_object_object_get_ex(o, "min_count", &v)) {
		if (get_count(r, v, "min_count", 1ULL << 40, &t->min_count))
			return fail(r, "%s.min_count: expected an integer from 0 to 2^40", what);
		t->has_min_count = true;
	}
	return 0;
}

static int get_tolerances(struct reader *r, struct json_object *root, struct baseline *b)
{
	struct json_object *o, *per;
	char what[64];

	if (!json_object_object_get_ex(root, "tolerance", &o))
		return 0;
	if (get_tolerance(r, o, "tolerance", &b->tol))
		return -EINVAL;
	if (!json_object_object_get_ex(o, "counters", &per))
		return 0;
	if (!json_object_is_type(per, json_type_object))
		return fail(r, "tolerance.counters: expected an object");
	json_object_object_foreach(per, key, val) {
		int c = pcounter_by_name(key);

		snprintf(what, sizeof(what), "tolerance.counters.%.32s", key);
		if (c < 0)
			return fail(r, "%s: no such counter", what);
		if (get_tolerance(r, val, what, &b->tol_for[c]))
			return -EINVAL;
	}
	return 0;
}

static int get_version(struct reader *r, struct json_object *root)
{
	struct json_object *v;

	if (!json_object_is_type(root, json_type_object))
		return fail(r, "not a vmtrace baseline (expected a JSON object)");
	if (!json_object_object_get_ex(root, "vmtrace_baseline", &v))
		return fail(r, "not a vmtrace baseline (no \"vmtrace_baseline\" version)");
	if (!json_object_is_type(v, json_type_int))
		return fail(r, "\"vmtrace_baseline\": expected a version number");
	if (json_object_get_int64(v) != BASELINE_VERSION)
		return fail(r, "baseline format version %lld, this vmtrace reads version %d",
			    (long long)json_object_get_int64(v), BASELINE_VERSION);
	return 0;
}

static int get_header(struct reader *r, struct json_object *root, struct baseline *b)
{
	struct json_object *v;
	unsigned long long runs = 1;

	if (get_string(r, root, "command", "baseline", b->command, sizeof(b->command), false) ||
	    get_string(r, root, "backend", "baseline", b->backend, sizeof(b->backend), false))
		return -EINVAL;
	if (json_object_object_get_ex(root, "runs", &v) &&
	    get_count(r, v, "runs", 1 << 20, &runs))
		return -EINVAL;
	if (!runs)
		return fail(r, "runs: 0");
	b->runs = runs;
	if (json_object_object_get_ex(root, "unavailable", &v)) {
		if (!json_object_is_type(v, json_type_array))
			return fail(r, "unavailable: expected an array of counter names");
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			struct json_object *s = json_object_array_get_idx(v, i);

			if (!json_object_is_type(s, json_type_string) ||
			    pcounter_by_name(json_object_get_string(s)) < 0)
				return fail(r, "unavailable[%zu]: not a counter name", i);
			b->unavailable[pcounter_by_name(json_object_get_string(s))] = true;
		}
	}
	return 0;
}

/* json-c's parser over the whole text: trailing bytes are an error too. */
static struct json_object *parse_json(struct reader *r, const char *text, size_t len)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t used;

	if (len > BASELINE_MAX_BYTES) {
		fail(r, "larger than %d MiB", BASELINE_MAX_BYTES >> 20);
		return NULL;
	}
	if (!len) {
		fail(r, "empty file");
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		fail(r, "out of memory");
		return NULL;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue)
		fail(r, "not valid JSON: it ends early (truncated?)");
	else if (jerr != json_tokener_success)
		fail(r, "not valid JSON at byte %zu: %s", used,
		     json_tokener_error_desc(jerr));
	while (!jerr && used < len && strchr(" \t\r\n", text[used]))
		used++;
	if (!jerr && used < len) {
		fail(r, "not valid JSON: data after the end, at byte %zu", used);
		jerr = json_tokener_error_parse_unexpected;
	}
	json_tokener_free(tok);
	if (jerr) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

int baseline_parse(const char *text, size_t len, struct baseline *b,
		   char *err, size_t errlen)
{
	struct reader r = { err, errlen };
	struct json_object *root = parse_json(&r, text, len);
	int ret = root ? 0 : -EINVAL;

	memset(b, 0, sizeof(*b));
	if (!ret)
		ret = get_version(&r, root);
	if (!ret)
		ret = get_header(&r, root, b);
	if (!ret)
		ret = get_tolerances(&r, root, b);
	if (!ret)
		ret = get_rows(&r, root, b);
	if (!ret)
		ret = check_unique(&r, b);
	json_object_put(root);
	if (ret)
		baseline_free(b);
	return ret;
}

int baseline_load(const char *path, struct baseline *b, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	size_t cap = 1 << 16, len = 0, got;
	char *text = NULL;
	int ret = 0;

	memset(b, 0, sizeof(*b));
	if (!f) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -errno;
	}
	do {
		char *t = len + 1 >= cap || !text ? realloc(text, cap *= 2) : text;

		if (!t) {
			ret = -ENOMEM;
			break;
		}
		text = t;
		got = fread(text + len, 1, cap - len - 1, f);
		len += got;
	} while (got && len <= BASELINE_MAX_BYTES);
	if (!ret && ferror(f))
		ret = -EIO;
	fclose(f);
	if (ret)
		snprintf(err, errlen, "cannot read: %s", strerror(-ret));
	else
		ret = baseline_parse(text, len, b, err, errlen);
	free(text);
	return ret;
}

/* ---- tolerances on the command line ---- */

int tolerance_parse_relative(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || (*end && strcmp(end, "%")) || !(v >= 0 && v <= 1e6))
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
