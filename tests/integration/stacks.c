/*
 * --stacks: vmwork is built with frame pointers, and its known functions
 * (fill_a 100 pages, fill_b 300, peek 50, read_fresh 50 by its own read(2);
 * cow_write's WP faults, read_evicted's major ones) each have a frame, so
 * every fault of theirs must be under a stack whose innermost frames are
 * the function and its caller, exact. The folded file's counts sum to the
 * stacked faults, which are the totals (every fault stacked, no drops), or
 * every Nth of them with --stacks=N.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

/* Frame i of a stacks.list entry, or "". */
static const char *frame(json_object *stack, size_t i)
{
	json_object *frames, *f, *name;

	if (!json_object_object_get_ex(stack, "frames", &frames) ||
	    i >= json_object_array_length(frames))
		return "";
	f = json_object_array_get_idx(frames, i);
	return json_object_object_get_ex(f, "function", &name) ?
	       json_object_get_string(name) : "";
}

static int64_t field(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : -1;
}

/*
 * The sum of key over the stacks whose innermost frame is fn; *caller_ok
 * false if any of them has another caller than caller.
 */
static int64_t stacks_of(const struct report *r, const char *fn, const char *caller,
			 const char *key, bool *caller_ok)
{
	json_object *list = report_get(r, "stacks.list");
	int64_t sum = 0;

	*caller_ok = true;
	ck_assert_msg(list, "no stacks.list in the report");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *e = json_object_array_get_idx(list, i);

		if (strcmp(frame(e, 0), fn))
			continue;
		sum += field(e, key);
		if (strcmp(frame(e, 1), caller))
			*caller_ok = false;
	}
	return sum;
}

static void check_stack(const struct report *r, const char *fn, const char *caller,
			const char *key, int64_t want)
{
	bool caller_ok;
	int64_t got = stacks_of(r, fn, caller, key, &caller_ok);

	ck_assert_msg(got == want, "%s: %s %lld under its stacks, expected %lld", fn, key,
		      (long long)got, (long long)want);
	ck_assert_msg(caller_ok, "%s: a stack without its caller %s", fn, caller);
}

/* The folded file: "comm;...;inner COUNT" lines; their counts' sum. */
static int64_t folded_sum(const char *path, const char *line_with, int64_t *with)
{
	char line[8192];
	int64_t sum = 0;
	FILE *f = fopen(path, "r");

	ck_assert_msg(f, "no folded file %s", path);
	*with = 0;
	while (fgets(line, sizeof(line), f)) {
		char *sp = strrchr(line, ' ');

		ck_assert_msg(sp && !strncmp(line, "vmwork;", 7), "bad folded line: %s", line);
		sum += atoll(sp + 1);
		*sp = '\0';
		if (line_with && strstr(line, line_with))
			*with += atoll(sp + 1);
	}
	fclose(f);
	return sum;
}

/* Every fault stacked: the stacks' faults are the totals', none dropped. */
static void check_all_stacked(const struct report *r)
{
	ck_assert_int_eq(report_int(r, "stacks.drops"), 0);
	ck_assert_int_eq(report_int(r, "stacks.every"), 1);
	ck_assert_msg(report_int(r, "stacks.faults") == report_int(r, "totals.faults"),
		      "stacks hold %lld faults, totals %lld",
		      (long long)report_int(r, "stacks.faults"),
		      (long long)report_int(r, "totals.faults"));
}

START_TEST(test_functions)
{
	char folded[1100];
	const char *vopts[] = { "--stacks", "--folded", folded, NULL };
	const char *wargs[] = { "code", "100", NULL };
	struct session s = { 0 };
	int64_t fill_b;

	snprintf(folded, sizeof(folded), "%s/out.folded", itest_dir);
	trace_cmd_with(&s, vopts, wargs);
	check_report(&s, s.wpid);
	check_stack(&s.rep, "fill_a", "mode_code", "faults", 100);
	check_stack(&s.rep, "fill_b", "mode_code", "faults", 300);
	check_stack(&s.rep, "peek", "mode_code", "faults", 50);
	check_stack(&s.rep, "read_fresh", "mode_code", "faults", 50);
	check_stack(&s.rep, "read_fresh", "mode_code", "kernel", 50);
	check_all_stacked(&s.rep);
	ck_assert_int_eq(folded_sum(folded, ";mode_code;fill_b", &fill_b),
			 report_int(&s.rep, "stacks.faults"));
	ck_assert_int_eq(fill_b, 300);
	session_free(&s);
}
END_TEST

START_TEST(test_wp_major)
{
	char folded[1100], file[1100];
	const char *vopts[] = { "--stacks", "--folded", folded, "--folded-kind", NULL };
	const char *wargs[] = { "codefaults", file, "64", NULL };
	struct session s = { 0 };
	int64_t wp, major;

	snprintf(folded, sizeof(folded), "%s/out.folded", itest_dir);
	snprintf(file, sizeof(file), "%s/codefaults.data", itest_dir);
	trace_cmd_with(&s, vopts, wargs);
	check_report(&s, s.wpid);
	check_stack(&s.rep, "cow_write", "mode_codefaults", "faults", 64);
	check_stack(&s.rep, "cow_write", "mode_codefaults", "wp", 64);
	check_stack(&s.rep, "read_evicted", "mode_codefaults", "major", 64);
	check_all_stacked(&s.rep);
	ck_assert_int_eq(folded_sum(folded, ";cow_write;[wp]", &wp),
			 report_int(&s.rep, "stacks.faults"));
	ck_assert_int_eq(wp, 64);
	folded_sum(folded, ";read_evicted;[major]", &major);
	ck_assert_int_eq(major, 64);
	session_free(&s);
}
END_TEST

/*
 * --stacks=4: every 4th fault of the thread (vmwork has one). A function's
 * run of F faults holds F/4 of them, rounded either way by where the count
 * stood when it began; all of them, the totals' quarter rounded down.
 */
START_TEST(test_sampled)
{
	const char *vopts[] = { "--stacks=4", NULL }, *wargs[] = { "code", "100", NULL };
	static const struct { const char *fn; int64_t faults; } fns[] = {
		{ "fill_a", 100 }, { "fill_b", 300 }, { "peek", 50 }, { "read_fresh", 50 },
	};
	struct session s = { 0 };
	int64_t total, stacked;
	bool caller_ok;

	trace_cmd_with(&s, vopts, wargs);
	check_report(&s, s.wpid);
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		int64_t got = stacks_of(&s.rep, fns[i].fn, "mode_code", "faults", &caller_ok);

		ck_assert_msg(got == fns[i].faults / 4 || got == (fns[i].faults + 3) / 4,
			      "%s: %lld sampled of %lld faults", fns[i].fn, (long long)got,
			      (long long)fns[i].faults);
	}
	total = report_int(&s.rep, "totals.faults");
	stacked = report_int(&s.rep, "stacks.faults");
	ck_assert_int_eq(report_int(&s.rep, "stacks.every"), 4);
	ck_assert_int_eq(report_int(&s.rep, "stacks.drops"), 0);
	ck_assert_msg(stacked == total / 4, "%lld stacked of %lld faults, 1 in 4",
		      (long long)stacked, (long long)total);
	session_free(&s);
}
END_TEST

Suite *stacks_suite(void)
{
	Suite *s = suite_create("stacks");
	TCase *tc = tracer_tcase("functions");

	tcase_add_test(tc, test_functions);
	suite_add_tcase(s, tc);
	tc = tracer_tcase("wp_major");
	tcase_add_test(tc, test_wp_major);
	suite_add_tcase(s, tc);
	tc = tracer_tcase("sampled");
	tcase_add_test(tc, test_sampled);
	suite_add_tcase(s, tc);
	return s;
}
