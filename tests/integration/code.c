/*
 * --code: vmwork's code mode faults known pages from known functions
 * (fill_a, fill_b, peek, and read_fresh's own read(2) syscall, whose faults
 * the kernel takes); each must be named with exactly its faults, overall and
 * in its VMA's row. A stripped copy of vmwork must give module+offset, at the
 * same file offset, never a symbol. Mode codefaults adds write-protect
 * faults (copies beside a live child) and major faults, each in its function.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

static const char *stripped_path(char *buf, size_t size)
{
	const char *env = getenv("VMWORK_STRIPPED");

	if (env)
		snprintf(buf, size, "%s", env);
	if (env)
		return buf;
	snprintf(buf, size, "%s-stripped", vmwork_path);
	return buf;
}

/* The entry of code.functions named fn in module, or NULL. */
static json_object *code_fn(const struct report *r, const char *fn, const char *module)
{
	json_object *a = report_get(r, "code.functions");

	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i), *f, *m;

		if (json_object_object_get_ex(e, "function", &f) &&
		    json_object_object_get_ex(e, "module", &m) &&
		    !strcmp(json_object_get_string(f), fn) &&
		    (!module || !strcmp(json_object_get_string(m), module)))
			return e;
	}
	return NULL;
}

static int64_t field(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : -1;
}

/* Every fault is in code.functions: their sum is the totals', no drops. */
static void check_code_sums(const struct report *r)
{
	json_object *a = report_get(r, "code.functions");
	int64_t sum = 0;

	ck_assert_msg(a, "no code.functions in the report");
	for (size_t i = 0; i < json_object_array_length(a); i++)
		sum += field(json_object_array_get_idx(a, i), "faults");
	ck_assert_int_eq(report_int(r, "code.drops"), 0);
	ck_assert_msg(sum == report_int(r, "totals.faults"),
		      "code functions sum to %lld faults, totals %lld", (long long)sum,
		      (long long)report_int(r, "totals.faults"));
}

/* The row starting at start lists fn first, with faults. */
static void check_row_code(const struct report *r, unsigned long start,
			   const char *fn, int64_t faults)
{
	json_object *vmas = report_get(r, "vmas");
	char hex[32];

	snprintf(hex, sizeof(hex), "0x%lx", start);
	for (size_t i = 0; vmas && i < json_object_array_length(vmas); i++) {
		json_object *v = json_object_array_get_idx(vmas, i), *s, *code, *top, *name;

		if (!json_object_object_get_ex(v, "start", &s) ||
		    strcmp(json_object_get_string(s), hex))
			continue;
		ck_assert_msg(json_object_object_get_ex(v, "code", &code) &&
			      json_object_array_length(code) > 0, "row %s has no code", hex);
		top = json_object_array_get_idx(code, 0);
		ck_assert_msg(json_object_object_get_ex(top, "function", &name) &&
			      !strcmp(json_object_get_string(name), fn) &&
			      field(top, "faults") == faults,
			      "row %s: top function %s, %lld faults; expected %s, %lld",
			      hex, json_object_get_string(name), (long long)field(top, "faults"),
			      fn, (long long)faults);
		return;
	}
	ck_abort_msg("no row starts at %s", hex);
}

/* A line's "KEY=N", or -1: optional keys (wp=, cow=). */
static long line_key(const char *line, const char *key)
{
	const char *end = strchr(line, '\n'), *k = strstr(line, key);

	return k && (!end || k < end) ? atol(k + strlen(key)) : -1;
}

/* COW is measured by the function backends only: "unavailable" names it otherwise. */
static bool measures_cow(const struct report *r)
{
	json_object *a = report_get(r, "unavailable");

	for (size_t i = 0; a && i < json_object_array_length(a); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(a, i)), "cow"))
			return false;
	return true;
}

/* A line's optional wp= and cow=, exact. */
static void check_wp_cow(const struct report *r, json_object *e, const char *fn,
			 const char *line)
{
	long wp = line_key(line, " wp="), cow = line_key(line, " cow=");

	ck_assert_msg(wp < 0 || field(e, "wp") == wp, "%s: wp %lld, expected %ld", fn,
		      (long long)field(e, "wp"), wp);
	ck_assert_msg(cow < 0 || !measures_cow(r) || field(e, "cow") == cow,
		      "%s: cow %lld, expected %ld", fn, (long long)field(e, "cow"), cow);
}

/* Each "code fn=NAME faults=N major=N kernel=N [wp=N cow=N]" line of vmwork, exact. */
static int check_code_lines(const struct report *r, const char *text)
{
	int checked = 0;

	for (const char *l = strstr(text, "code fn="); l; l = strstr(l + 1, "\ncode fn=")) {
		char fn[64];
		long faults, major, kernel;
		json_object *e;

		l += *l == '\n';
		ck_assert_int_eq(sscanf(l, "code fn=%63s faults=%ld major=%ld kernel=%ld",
					fn, &faults, &major, &kernel), 4);
		e = code_fn(r, fn, "vmwork");
		ck_assert_msg(e, "%s is not in code.functions", fn);
		ck_assert_msg(field(e, "faults") == faults && field(e, "major") == major &&
			      field(e, "kernel") == kernel,
			      "%s: faults %lld major %lld kernel %lld; expected %ld %ld %ld", fn,
			      (long long)field(e, "faults"), (long long)field(e, "major"),
			      (long long)field(e, "kernel"), faults, major, kernel);
		check_wp_cow(r, e, fn, l);
		checked++;
	}
	return checked;
}

START_TEST(test_functions)
{
	const char *vopts[] = { "--code", NULL }, *wargs[] = { "code", "100", NULL };
	struct session s = { 0 };
	struct expect e[3];

	trace_cmd_with(&s, vopts, wargs);
	check_report(&s, s.wpid);
	ck_assert_int_eq(check_code_lines(&s.rep, s.tracer.out[P_OUT].data), 4);
	ck_assert_int_eq(expects_for_pid(s.tracer.out[P_OUT].data, s.wpid, e, 3), 3);
	check_row_code(&s.rep, e[0].start, "fill_a", 100);
	check_row_code(&s.rep, e[1].start, "fill_b", 300);
	check_row_code(&s.rep, e[2].start, "read_fresh", 50);
	check_code_sums(&s.rep);
	session_free(&s);
}
END_TEST

/*
 * Write-protect faults and major faults, each in its function: cow_write's
 * writes beside a live child (WP, and COW where measured), read_evicted's
 * reads of an evicted file (major), exact overall and first in their rows.
 */
START_TEST(test_wp_major)
{
	const char *vopts[] = { "--code", NULL };
	const char *wargs[] = { "codefaults", NULL, "64", NULL };
	struct session s = { 0 };
	struct expect e[2];
	char file[1100];

	snprintf(file, sizeof(file), "%s/codefaults.data", itest_dir);
	wargs[1] = file;
	trace_cmd_with(&s, vopts, wargs);
	check_expects(&s, s.wpid, false, 2);
	check_report(&s, s.wpid);
	ck_assert_int_eq(check_code_lines(&s.rep, s.tracer.out[P_OUT].data), 2);
	ck_assert_int_eq(expects_for_pid(s.tracer.out[P_OUT].data, s.wpid, e, 2), 2);
	check_row_code(&s.rep, e[1].start, "read_evicted", 64);
	check_code_sums(&s.rep);
	session_free(&s);
}
END_TEST

/* fill_a's file offset in vmwork, symbolized. */
static int64_t fill_a_offset(void)
{
	const char *vopts[] = { "--code", NULL }, *wargs[] = { "code", "10", NULL };
	struct session s = { 0 };
	json_object *e;
	int64_t off;

	trace_cmd_with(&s, vopts, wargs);
	e = code_fn(&s.rep, "fill_a", "vmwork");
	ck_assert_msg(e && field(e, "faults") == 10, "fill_a: no 10 faults");
	off = field(e, "file_offset");
	session_free(&s);
	return off;
}

START_TEST(test_stripped)
{
	const char *vopts[] = { "--code", NULL }, *wargs[] = { "code", "10", NULL };
	int64_t off = fill_a_offset();
	struct session s = { 0 };
	char buf[4096], fn[4200];
	const char *saved = vmwork_path, *module;

	vmwork_path = stripped_path(buf, sizeof(buf));
	ck_assert_msg(!access(vmwork_path, X_OK), "no stripped vmwork at %s", vmwork_path);
	trace_cmd_with(&s, vopts, wargs);
	vmwork_path = saved;
	module = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
	/* named by module and offset: the same offset fill_a has unstripped */
	snprintf(fn, sizeof(fn), "%s+0x%llx", module, (unsigned long long)off);
	ck_assert_msg(code_fn(&s.rep, fn, module), "no %s in code.functions", fn);
	ck_assert_int_eq(field(code_fn(&s.rep, fn, NULL), "faults"), 10);
	ck_assert_msg(!code_fn(&s.rep, "fill_a", NULL) && !code_fn(&s.rep, "fill_b", NULL),
		      "a stripped binary's functions named");
	check_code_sums(&s.rep);
	session_free(&s);
}
END_TEST

Suite *code_suite(void)
{
	Suite *s = suite_create("code");
	TCase *tc = tracer_tcase("functions");

	tcase_add_test(tc, test_functions);
	suite_add_tcase(s, tc);
	tc = tracer_tcase("wp_major");
	tcase_add_test(tc, test_wp_major);
	suite_add_tcase(s, tc);
	tc = tracer_tcase("stripped");
	tcase_add_test(tc, test_stripped);
	suite_add_tcase(s, tc);
	return s;
}
