/*
 * Checks of vmtrace's JSON report (-j) against vmwork's expectations and
 * against the kernel's own fault counters.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static const char *const counters[] = {
	"faults", "minor", "major", "read", "write", "exec", "wp", "errors",
	"cow", "readin", "sigbus",
};

int report_load(struct report *r, const char *path, char *err, size_t len)
{
	json_keep_file(path);
	return report_read(r, path, err, len);
}

int report_read(struct report *r, const char *path, char *err, size_t len)
{
	r->missed = 0;
	r->root = json_object_from_file(path);
	if (!r->root) {
		snprintf(err, len, "cannot read report %s: %s", path,
			 json_util_get_last_err());
		return -1;
	}
	if (!json_object_is_type(r->root, json_type_object)) {
		snprintf(err, len, "report %s is not a JSON object", path);
		report_free(r);
		return -1;
	}
	return 0;
}

int report_parse(struct report *r, const char *text)
{
	r->missed = 0;
	r->root = json_tokener_parse(text);
	return r->root ? 0 : -1;
}

void report_free(struct report *r)
{
	json_object_put(r->root);
	r->root = NULL;
}

/* Looks up a dotted path such as "totals.minor". */
static json_object *jget(json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t len = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)len, path);
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += len + (path[len] == '.');
	}
	return o;
}

static int64_t jint(json_object *o)
{
	if (!o || !json_object_is_type(o, json_type_int))
		return INT64_MIN;
	return json_object_get_int64(o);
}

json_object *report_get(const struct report *r, const char *path)
{
	return jget(r->root, path);
}

/* INT64_MIN when the path is missing or not an integer. */
int64_t report_int(const struct report *r, const char *path)
{
	return jint(jget(r->root, path));
}

json_object *report_process(const struct report *r, pid_t pid)
{
	json_object *list = report_get(r, "processes.list");

	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		json_object *p = json_object_array_get_idx(list, i);

		if (jint(jget(p, "pid")) == pid)
			return p;
	}
	return NULL;
}

/* Addresses are "0x..." strings; plain integers are accepted too. */
static int jaddr(json_object *o, unsigned long *v)
{
	char *end;

	if (o && json_object_is_type(o, json_type_int)) {
		*v = (unsigned long)json_object_get_int64(o);
		return 0;
	}
	if (!o || !json_object_is_type(o, json_type_string))
		return -1;
	*v = strtoul(json_object_get_string(o), &end, 16);
	return *end ? -1 : 0;
}

/* Appends a mismatch to msg; returns 1, the count of mismatches added. */
static int note(char *msg, size_t len, const char *fmt, ...)
{
	size_t used = strlen(msg);
	va_list ap;

	if (used && used + 2 < len) {
		strcpy(msg + used, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	if (used < len)
		vsnprintf(msg + used, len - used, fmt, ap);
	va_end(ap);
	return 1;
}

/* Rows within 1 MiB of addr, whatever their state: what a miss looks like. */
static void note_rows_near(json_object *vmas, unsigned long addr, char *msg,
			   size_t len)
{
	for (size_t i = 0; i < json_object_array_length(vmas); i++) {
		json_object *row = json_object_array_get_idx(vmas, i);
		unsigned long start, end;

		if (jaddr(jget(row, "start"), &start) || jaddr(jget(row, "end"), &end) ||
		    end + (1UL << 20) < addr || start > addr + (1UL << 20))
			continue;
		note(msg, len, "; near: %lx-%lx %s %s faults %lld%s%s", start, end,
		     json_object_get_string(jget(row, "perms")),
		     json_object_get_string(jget(row, "label")),
		     (long long)json_object_get_int64(jget(row, "faults")),
		     json_object_get_boolean(jget(row, "changed")) ? " changed" : "",
		     json_object_get_boolean(jget(row, "unmapped")) ? " unmapped" : "");
	}
}

/*
 * The row of the VMA [addr, end): the one row with exactly that extent (and
 * changed as wanted), or else the one row holding addr with changed as
 * wanted (a row whose VMA was cut or re-protected since keeps its old
 * extent, which may hold addr too). NULL and a note when not exactly one.
 */
static json_object *row_for(const struct report *r, unsigned long addr,
			    unsigned long want_end, bool want_changed,
			    char *msg, size_t len)
{
	json_object *vmas = jget(r->root, "vmas"), *found = NULL, *exact = NULL;
	int hits = 0, exacts = 0;

	if (!vmas || !json_object_is_type(vmas, json_type_array)) {
		note(msg, len, "report has no \"vmas\" array");
		return NULL;
	}
	for (size_t i = 0; i < json_object_array_length(vmas); i++) {
		json_object *row = json_object_array_get_idx(vmas, i);
		unsigned long start, end;

		if (jaddr(jget(row, "start"), &start) ||
		    jaddr(jget(row, "end"), &end)) {
			note(msg, len, "vmas[%zu] has no start/end", i);
			return NULL;
		}
		if (json_object_get_boolean(jget(row, "changed")) != want_changed)
			continue;
		if (start == addr && end == want_end) {
			exact = row;
			exacts++;
		}
		if (start <= addr && addr < end) {
			found = row;
			hits++;
		}
	}
	if (exacts == 1)
		return exact;
	if (hits != 1) {
		note(msg, len, "%d rows hold 0x%lx", hits, addr);
		note_rows_near(vmas, addr, msg, len);
		return NULL;
	}
	return found;
}

static bool is_counter(const char *key)
{
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		if (!strcmp(key, counters[i]))
			return true;
	return false;
}

/*
 * Faults the kernel kept vmtrace from seeing: program runs it skipped
 * (drop_details.missed_runs; a BPF program preempted under PREEMPT_RT) and
 * faults of threads whose state could not be had (drop_details.threads,
 * the task storage busy). Each may have lost one count, so exact counts may
 * fall short by that many, never more, and never exceed.
 */
long long report_missed_runs(const struct report *r)
{
	int64_t v = report_int(r, "drop_details.missed_runs");
	int64_t t = report_int(r, "drop_details.threads");

	if (v == INT64_MIN)
		return r->missed;
	/* no thread state (its storage busy): also a fault not counted */
	return v + (t == INT64_MIN ? 0 : t);
}

static int check_counter(json_object *o, const char *key, const char *val,
			 bool exact, long long missed, char *msg, size_t len)
{
	long long want = strtoll(val, NULL, 10), got = jint(o);

	if (got == INT64_MIN)
		return note(msg, len, "no integer %s", key);
	if (exact ? got > want || got < want - missed : got < want - missed)
		return note(msg, len, "%s=%lld, expected %s%lld%s", key, got,
			    exact ? "" : ">=", want, missed ? " (less the "
			    "missed program runs)" : "");
	return 0;
}

/* Compares one expectation key with the row; returns mismatches (0/1). */
/* Is key a counter the report says its backend could not measure? */
static bool unavailable(const struct report *r, const char *key)
{
	json_object *list = jget(r->root, "unavailable");
	size_t n = list && json_object_is_type(list, json_type_array) ?
		   json_object_array_length(list) : 0;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(list, i)), key))
			return true;
	return false;
}

static int check_key(json_object *row, const char *key, const char *val,
		     bool exact, long long missed, char *msg, size_t len)
{
	json_object *o = jget(row, key);
	const char *s;

	if (is_counter(key))
		return check_counter(o, key, val, exact, missed, msg, len);
	if (!strcmp(key, "unmapped") || !strcmp(key, "changed")) {
		if (!o || !json_object_is_type(o, json_type_boolean))
			return note(msg, len, "no boolean %s", key);
		if (json_object_get_boolean(o) != !strcmp(val, "1"))
			return note(msg, len, "%s=%s, expected %s", key,
				    json_object_get_boolean(o) ? "true" : "false",
				    strcmp(val, "1") ? "false" : "true");
		return 0;
	}
	if (!strcmp(key, "label") || !strcmp(key, "path")) {
		s = o && json_object_is_type(o, json_type_string) ?
		    json_object_get_string(o) : NULL;
		if (!s || strcmp(s, val))
			return note(msg, len, "%s=%s, expected %s", key,
				    s ? s : "null", val);
		return 0;
	}
	return note(msg, len, "unknown expectation key %s", key);
}

/*
 * Compares every key of e with the report's row holding e->start: equal if
 * exact, else at least as large. Returns the number of mismatches, with a
 * description in msg.
 */
static bool expect_changed(const struct expect *e)
{
	for (int i = 0; i < e->nkeys; i++)
		if (!strcmp(e->kv[i].key, "changed"))
			return !strcmp(e->kv[i].val, "1");
	return false;
}

/* Does no row hold addr? */
static bool held_by_none(const struct report *r, unsigned long addr)
{
	json_object *vmas = jget(r->root, "vmas");
	unsigned long start, end;

	for (size_t i = 0; vmas && i < json_object_array_length(vmas); i++) {
		json_object *row = json_object_array_get_idx(vmas, i);

		if (!jaddr(jget(row, "start"), &start) && !jaddr(jget(row, "end"), &end) &&
		    start <= addr && addr < end)
			return false;
	}
	return true;
}

/*
 * The kernel skipped as many program runs as the VMA's faults (PREEMPT_RT: a
 * short-lived child can run while a preempted fault program holds the CPU),
 * so a VMA with no row is explained.
 */
bool report_unseen_by_skips(const struct report *r, long long faults)
{
	long long missed = report_missed_runs(r);

	return missed > 0 && faults <= missed;
}

static long long expected_faults(const struct expect *e)
{
	for (int i = 0; i < e->nkeys; i++)
		if (!strcmp(e->kv[i].key, "faults"))
			return atoll(e->kv[i].val);
	return LLONG_MAX;
}

int report_check_expect(const struct report *r, const struct expect *e,
			bool exact, char *msg, size_t len)
{
	char why[MSG_MAX] = "";
	json_object *row = row_for(r, e->start, e->end, expect_changed(e), why, sizeof(why));
	int bad = !row;

	if (!row && held_by_none(r, e->start) && report_unseen_by_skips(r, expected_faults(e)))
		return 0;	/* none of its faults was seen, and the report says so */
	if (!row && report_missed_runs(r))
		note(why, sizeof(why), "(%lld program runs skipped)", report_missed_runs(r));
	for (int i = 0; row && i < e->nkeys; i++)
		if (!unavailable(r, e->kv[i].key))
			bad += check_key(row, e->kv[i].key, e->kv[i].val, exact,
					 report_missed_runs(r), why, sizeof(why));
	snprintf(msg, len, "pid %d VMA 0x%lx-0x%lx: %s", e->pid, e->start,
		 e->end, why);
	return bad;
}

/*
 * The oracle: every fault the kernel counted for the process is in the
 * totals, and the totals add up. Error faults are in neither kernel
 * counter, so they are left out of that comparison.
 */
int report_check_totals(const struct report *r, char *msg, size_t len)
{
	static const char *const keys[] = {
		"totals.faults", "totals.minor", "totals.major",
		"totals.errors", "kernel.minflt", "kernel.majflt", "drops",
	};
	int64_t v[7], missed, rows_full;
	int bad = 0;

	msg[0] = 0;
	for (int i = 0; i < 7; i++) {
		v[i] = report_int(r, keys[i]);
		if (v[i] == INT64_MIN)
			bad += note(msg, len, "no integer %s", keys[i]);
	}
	if (bad)
		return bad;
	if (v[0] != v[1] + v[2] + v[3])
		bad += note(msg, len, "totals: faults %lld != minor %lld + "
			    "major %lld + errors %lld", (long long)v[0],
			    (long long)v[1], (long long)v[2], (long long)v[3]);
	missed = report_missed_runs(r);
	rows_full = report_int(r, "drop_details.rows_full");
	if (v[1] + v[2] > v[4] + v[5] || v[1] + v[2] < v[4] + v[5] - missed)
		bad += note(msg, len, "totals minor+major = %lld+%lld but "
			    "kernel minflt+majflt = %lld+%lld, %lld program runs "
			    "missed", (long long)v[1], (long long)v[2], (long long)v[4],
			    (long long)v[5], missed);
	/*
	 * No drops but the program runs the kernel skipped; with those, rows
	 * too (a skipped munmap() exit leaves its rows in the table: rows.c)
	 */
	if (v[6] != missed && !(missed && v[6] == missed + rows_full))
		bad += note(msg, len, "drops=%lld (%lld program runs missed, %lld "
			    "rows full)", (long long)v[6], missed, (long long)rows_full);
	return bad;
}
