/*
 * vmtrace record, check and diff: a workload that touches 20% more heap
 * pages fails and names the heap row; the same workload passes against its
 * own baseline run after run; a new file mapping is a new row; every bad
 * baseline and bad command line exits 2 with one line on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"
#include "../fuzz/cases.h"

#define MAX_ARGS	24

/* Runs vmtrace ARGS (NULL-terminated); returns its exit code, p keeps its output. */
static int vmtrace(struct proc *p, const char *const args[])
{
	const char *argv[MAX_ARGS + 2] = { vmtrace_path };
	int n = 1, st;

	for (; args[n - 1] && n <= MAX_ARGS; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	ck_assert(!proc_start(p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	st = proc_wait(p, itest_timeout());
	ck_assert_msg(st != -1, "vmtrace %s timed out", args[0]);
	ck_assert_msg(WIFEXITED(st), "vmtrace %s: killed by signal %d; stderr: %s",
		      args[0], WTERMSIG(st), p->out[P_ERR].data);
	return WEXITSTATUS(st);
}

static const char *out_of(const struct proc *p, int which)
{
	return p->out[which].data ? p->out[which].data : "";
}

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", itest_dir, name);
}

/* vmtrace record ARGS, which must write base. */
static void record_with(const char *base, const char *const args[])
{
	struct proc p;
	int code = vmtrace(&p, args);

	ck_assert_msg(code == 0, "record exited %d; stderr: %s", code, out_of(&p, P_ERR));
	ck_assert_msg(!access(base, R_OK), "record wrote no %s", base);
	json_keep_file(base);
	proc_free(&p);
}

/* record -r 3 -o BASE --root DIR -- vmwork brk PAGES */
static void record(const char *base, const char *pages)
{
	const char *args[] = { "record", "-o", base, "-r", "3", "--root", itest_dir, "--",
			       vmwork_path, "brk", pages, NULL };

	record_with(base, args);
}

/* How many times needle occurs in text. */
static int count_of(const char *text, const char *needle)
{
	int n = 0;

	for (const char *t = text; (t = strstr(t, needle)); t++)
		n++;
	return n;
}

/* A line of text holding every one of words, or NULL. */
static const char *line_with(const char *text, const char *const words[])
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t len = strcspn(l, "\n");
		bool all = true;

		for (int i = 0; words[i] && all; i++) {
			const char *w = strstr(l, words[i]);

			all = w && w < l + len;
		}
		if (all)
			return l;
	}
	return NULL;
}

START_TEST(test_heap_regression)
{
	const char *words[] = { "vmwork", "[heap]", "faults", "REGRESSION", NULL };
	char base[1100];
	struct proc p;
	int code;

	path_in(base, sizeof(base), "base.json");
	record(base, "300");
	{
		/* 360 pages: 20% more of the heap */
		const char *args[] = { "check", "--baseline", base, "--root", itest_dir, "--",
				       vmwork_path, "brk", "360", NULL };

		code = vmtrace(&p, args);
	}
	ck_assert_msg(code == 1, "check of a regressed heap exited %d; stdout: %s stderr: %s",
		      code, out_of(&p, P_OUT), out_of(&p, P_ERR));
	ck_assert_msg(line_with(out_of(&p, P_OUT), words),
		      "no REGRESSION line naming [heap] in: %s", out_of(&p, P_OUT));
	ck_assert_msg(strstr(out_of(&p, P_OUT), "vmtrace check: FAIL"), "no FAIL verdict");
	/* by default only what failed: no "ok" line, one line per regressed row */
	ck_assert_msg(!strstr(out_of(&p, P_OUT), " ok (") &&
		      count_of(out_of(&p, P_OUT), "REGRESSION") <= 2,
		      "more than the regressions: %s", out_of(&p, P_OUT));
	proc_free(&p);
}
END_TEST

/*
 * After an exec a row belongs to the new program: the shell that exec'd
 * vmwork names none of the heap's lines.
 */
START_TEST(test_exec_names_new_program)
{
	const char *words[] = { "[heap]", "faults", "REGRESSION", NULL };
	char base[1100], script[1200];
	struct proc p;
	const char *line;
	int code;

	path_in(base, sizeof(base), "base.json");
	snprintf(script, sizeof(script), "exec %s brk \"$0\"", vmwork_path);
	{
		const char *args[] = { "record", "-o", base, "-r", "3", "--", "/bin/sh", "-c",
				       script, "300", NULL };

		record_with(base, args);
	}
	{
		const char *args[] = { "check", "--baseline", base, "--", "/bin/sh", "-c",
				       script, "360", NULL };

		code = vmtrace(&p, args);
	}
	line = line_with(out_of(&p, P_OUT), words);
	ck_assert_msg(code == 1 && line && !strncmp(line, "vmwork ", 7),
		      "check exited %d, wanted 1 and a [heap] line of vmwork: %s", code,
		      out_of(&p, P_OUT));
	proc_free(&p);
}
END_TEST

/* How many times the same workload is checked (ITEST_CHECK_REPEAT, default 10). */
static int repeats(void)
{
	const char *v = getenv("ITEST_CHECK_REPEAT");

	return v && atoi(v) > 0 ? atoi(v) : 10;
}

START_TEST(test_same_workload_passes)
{
	char base[1100];
	int n = repeats();

	path_in(base, sizeof(base), "base.json");
	record(base, "300");
	for (int i = 0; i < n; i++) {
		const char *args[] = { "check", "--baseline", base, "--root", itest_dir, "--",
				       vmwork_path, "brk", "300", NULL };
		struct proc p;
		int code = vmtrace(&p, args);

		ck_assert_msg(code == 0, "check %d of %d exited %d; stdout: %s stderr: %s",
			      i + 1, n, code, out_of(&p, P_OUT), out_of(&p, P_ERR));
		ck_assert_msg(strstr(out_of(&p, P_OUT), "vmtrace check: PASS"),
			      "no PASS verdict in: %s", out_of(&p, P_OUT));
		proc_free(&p);
	}
}
END_TEST

START_TEST(test_new_file_row)
{
	/* the path is relative to --root: the row is named by what it is */
	const char *words[] = { "vmwork", "extra.data r--s #0", "new row", NULL };
	char base[1100], extra[1100];
	struct proc p;
	int code;

	path_in(base, sizeof(base), "base.json");
	path_in(extra, sizeof(extra), "extra.data");
	record(base, "100");
	{
		/* -v: a new row within the tolerance is shown only with every counter */
		const char *args[] = { "check", "-v", "--baseline", base, "--root", itest_dir,
				       "--", vmwork_path, "--also-file", extra, "brk", "100",
				       NULL };

		code = vmtrace(&p, args);
	}
	ck_assert_msg(code == 0 || code == 1, "check exited %d; stderr: %s", code,
		      out_of(&p, P_ERR));
	ck_assert_msg(line_with(out_of(&p, P_OUT), words),
		      "no new row for extra.data in: %s", out_of(&p, P_OUT));
	proc_free(&p);
}
END_TEST

/* The widest line of check's table in text (after what the command printed). */
static size_t widest(const char *text)
{
	size_t w = 0;

	text = strstr(text, "COMMAND ");
	ck_assert_msg(text, "no table");
	for (const char *l = text; *l; l += strcspn(l, "\n") + !!l[strcspn(l, "\n")])
		w = strcspn(l, "\n") > w ? strcspn(l, "\n") : w;
	return w;
}

/*
 * check's table fits 100 columns as the report's does: a row name too long
 * is cut in its middle, its perms and position kept; -w shows it whole.
 */
START_TEST(test_table_width)
{
	const char *words[] = { "vmwork", "...", "data r--s #0", "new row", NULL };
	const char *name = "a-file-whose-name-is-longer-than-its-column.data";
	char base[1100], extra[1100], full[128];
	struct proc p;

	path_in(base, sizeof(base), "base.json");
	path_in(extra, sizeof(extra), name);
	snprintf(full, sizeof(full), "%s r--s #0", name);
	record(base, "100");
	for (int wide = 0; wide < 2; wide++) {
		const char *args[] = { "check", "-v", "--baseline", base, "--root", itest_dir,
				       wide ? "-w" : "-v", "--", vmwork_path, "--also-file", extra,
				       "brk", "100", NULL };
		int code = vmtrace(&p, args);

		ck_assert_msg(code == 0 || code == 1, "check exited %d; stderr: %s", code,
			      out_of(&p, P_ERR));
		if (wide)
			ck_assert_msg(strstr(out_of(&p, P_OUT), full) &&
				      widest(out_of(&p, P_OUT)) > 100,
				      "-w: not whole: %s", out_of(&p, P_OUT));
		else
			ck_assert_msg(widest(out_of(&p, P_OUT)) <= 100 &&
				      line_with(out_of(&p, P_OUT), words),
				      "wider than 100, or no new row cut: %s", out_of(&p, P_OUT));
		proc_free(&p);
	}
}
END_TEST

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f && fputs(text, f) >= 0 && !fclose(f), "cannot write %s", path);
}

/* Exit 2, nothing on stdout, one stderr line starting "vmtrace:" naming what. */
static void expect_input_error(const struct proc *p, int code, const char *what,
			       const char *name)
{
	const char *err = out_of(p, P_ERR);
	const char *nl = strchr(err, '\n');

	ck_assert_msg(code == 2, "%s: exited %d, wanted 2; stderr: %s", name, code, err);
	ck_assert_msg(!strncmp(err, "vmtrace", 7) && nl && !nl[1],
		      "%s: stderr should be one line starting \"vmtrace\": \"%s\"", name, err);
	ck_assert_msg(!what || strstr(err, what), "%s: stderr does not name %s: %s",
		      name, what, err);
	ck_assert_msg(!*out_of(p, P_OUT), "%s: printed a table: %s", name, out_of(p, P_OUT));
}

START_TEST(test_bad_baseline)
{
	const struct bad_baseline *b = &bad_baselines[_i];
	char bad[1100], good[1100];
	const char *args[] = { "diff", bad, good, NULL };
	struct proc p;

	path_in(bad, sizeof(bad), "bad.json");
	path_in(good, sizeof(good), "good.json");
	write_file(bad, b->text);
	write_file(good, BL_GOOD);
	expect_input_error(&p, vmtrace(&p, args), bad, b->name);
	ck_assert_msg(strstr(out_of(&p, P_ERR), b->reason), "%s: the reason is not \"%s\": %s",
		      b->name, b->reason, out_of(&p, P_ERR));
	proc_free(&p);
	/* the same file as check's baseline: refused before anything runs */
	{
		const char *check[] = { "check", "--baseline", bad, "--", "/bin/true", NULL };

		expect_input_error(&p, vmtrace(&p, check), bad, b->name);
		proc_free(&p);
	}
}
END_TEST

/* diff --json a b: the same verdict as one object, a row naming [heap]'s faults. */
static void expect_json_verdict(const char *a, const char *b)
{
	const char *args[] = { "diff", "--json", a, b, NULL };
	struct report r;
	struct proc p;
	int code = vmtrace(&p, args);

	ck_assert_msg(code == 1 && !report_parse(&r, out_of(&p, P_OUT)),
		      "diff --json exited %d: %s", code, out_of(&p, P_OUT));
	json_keep(out_of(&p, P_OUT));
	ck_assert_msg(report_int(&r, "regressions") == 1 &&
		      !strcmp(json_object_get_string(report_get(&r, "verdict")), "fail"),
		      "not one regression, fail: %s", out_of(&p, P_OUT));
	ck_assert_msg(strstr(out_of(&p, P_OUT), "\"label\":\"[heap]\",\"perms\":\"rw-p\","
			     "\"position\":0,\"counter\":\"faults\""),
		      "no [heap] faults row: %s", out_of(&p, P_OUT));
	report_free(&r);
	proc_free(&p);
}

/* diff --junit J a b: the table as before, and J a failing [heap] test case. */
static void expect_junit(const char *a, const char *b)
{
	char junit[1100], *xml = NULL;
	const char *args[] = { "diff", "--junit", junit, a, b, NULL };
	size_t cap = 0;
	struct proc p;
	FILE *f;
	int code;

	path_in(junit, sizeof(junit), "junit.xml");
	code = vmtrace(&p, args);
	ck_assert_msg(code == 1 && strstr(out_of(&p, P_OUT), "REGRESSION"),
		      "diff --junit exited %d: %s", code, out_of(&p, P_OUT));
	proc_free(&p);
	ck_assert_msg((f = fopen(junit, "re")) && getdelim(&xml, &cap, '\0', f) > 0,
		      "no %s", junit);
	fclose(f);
	ck_assert_msg(!strncmp(xml, "<?xml ", 6) &&
		      strstr(xml, "<testsuite name=\"vmtrace diff\" tests=\"1\" failures=\"1\"") &&
		      strstr(xml, "<testcase classname=\"vmtrace.app\" name=\"[heap] rw-p #0\">\n"
			     "      <failure message=\"faults 30, baseline 10 (10-10), limit 20") &&
		      strstr(xml, "</testsuites>\n"), "not the JUnit verdict: %s", xml);
	free(xml);
}

START_TEST(test_diff_verdicts)
{
	char a[1100], b[1100], dir[1100];
	const char *same[] = { "diff", a, a, NULL }, *worse[] = { "diff", a, b, NULL };
	const char *missing[] = { "diff", a, "/nonexistent/base.json", NULL };
	const char *directory[] = { "diff", dir, a, NULL };
	struct proc p;
	int code;

	path_in(a, sizeof(a), "a.json");
	path_in(b, sizeof(b), "b.json");
	path_in(dir, sizeof(dir), "adir");
	mkdir(dir, 0755);
	write_file(a, BL_GOOD);
	write_file(b, BL_WORSE);
	code = vmtrace(&p, same);
	ck_assert_msg(code == 0, "diff of a file with itself exited %d: %s", code,
		      out_of(&p, P_ERR));
	proc_free(&p);
	code = vmtrace(&p, worse);
	ck_assert_msg(code == 1 && strstr(out_of(&p, P_OUT), "REGRESSION"),
		      "diff 10 -> 30 faults exited %d: %s", code, out_of(&p, P_OUT));
	proc_free(&p);
	expect_json_verdict(a, b);
	expect_junit(a, b);
	expect_input_error(&p, vmtrace(&p, missing), "/nonexistent/base.json", "missing file");
	proc_free(&p);
	expect_input_error(&p, vmtrace(&p, directory), "is a directory", "a directory");
	proc_free(&p);
}
END_TEST

/* vmtrace -j -o OUT -- sh -c "vmwork brk PAGES; true": the workload a child. */
static void plain_report(const char *out, const char *pages)
{
	char script[1200];
	const char *args[] = { "-j", "-o", out, "--", "/bin/sh", "-c", script, pages, NULL };
	struct proc p;
	int code;

	snprintf(script, sizeof(script), "%s brk \"$0\"; true", vmwork_path);
	code = vmtrace(&p, args);
	ck_assert_msg(code == 0 && !access(out, R_OK), "vmtrace -j exited %d: %s", code,
		      out_of(&p, P_ERR));
	json_keep_file(out);
	proc_free(&p);
}

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no \"%s\"", key);
	return v;
}

/* The faults of vmwork's [heap] rows in a report: its child's second image. */
static int64_t heap_faults(const char *path)
{
	json_object *list, *images, *vmas;
	char err[MSG_MAX];
	struct report r;
	int64_t sum = 0;

	ck_assert_msg(!report_read(&r, path, err, sizeof(err)), "%s", err);
	list = member(member(r.root, "processes"), "list");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *proc = json_object_array_get_idx(list, i);

		if (!json_object_object_get_ex(proc, "images", &images))
			continue;
		for (size_t k = 0; k < json_object_array_length(images); k++) {
			json_object *img = json_object_array_get_idx(images, k);

			if (strcmp(json_object_get_string(member(img, "command")), "vmwork"))
				continue;
			vmas = member(img, "vmas");
			for (size_t v = 0; v < json_object_array_length(vmas); v++) {
				json_object *row = json_object_array_get_idx(vmas, v);

				if (!strcmp(json_object_get_string(member(row, "label")), "[heap]"))
					sum += json_object_get_int64(member(row, "faults"));
			}
		}
	}
	report_free(&r);
	return sum;
}

/* diff --json A B: its exit code, and the verdict in r. */
static int diff_json(const char *a, const char *b, struct report *r)
{
	const char *args[] = { "diff", "--json", a, b, NULL };
	struct proc p;
	int code = vmtrace(&p, args);

	ck_assert_msg(code < 2 && !report_parse(r, out_of(&p, P_OUT)),
		      "diff --json %s %s exited %d: %s %s", a, b, code, out_of(&p, P_OUT),
		      out_of(&p, P_ERR));
	json_keep(out_of(&p, P_OUT));
	proc_free(&p);
	return code;
}

/* The verdict's row of vmwork's [heap] faults: baseline [median, min, max], now. */
static void heap_row(const struct report *r, int64_t base[3], int64_t *now)
{
	json_object *rows = report_get(r, "rows");

	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *row = json_object_array_get_idx(rows, i), *b;

		if (strcmp(json_object_get_string(member(row, "command")), "vmwork") ||
		    strcmp(json_object_get_string(member(row, "label")), "[heap]") ||
		    strcmp(json_object_get_string(member(row, "counter")), "faults"))
			continue;
		b = member(row, "baseline");
		for (int k = 0; k < 3; k++)
			base[k] = json_object_get_int64(json_object_array_get_idx(b, k));
		*now = json_object_get_int64(member(row, "now"));
		return;
	}
	ck_abort_msg("no vmwork [heap] faults row in the verdict");
}

/*
 * diff of plain -j reports: a report is one run (spread zero), its rows
 * named as record names a run's (the child's image merged by command), so
 * a report diffs against a report or a baseline of the same workload row
 * for row, and 60 more heap pages regress naming vmwork's [heap] with the
 * reports' own counts.
 */
START_TEST(test_diff_reports)
{
	char a[1100], b[1100], base[1100], script[1200];
	const char *rec[] = { "record", "-o", base, "-r", "3", "--", "/bin/sh", "-c", script,
			      "300", NULL };
	int64_t heap_a, heap_b, spread[3], now;
	struct report r;

	path_in(a, sizeof(a), "a.json");
	path_in(b, sizeof(b), "b.json");
	path_in(base, sizeof(base), "base.json");
	snprintf(script, sizeof(script), "%s brk \"$0\"; true", vmwork_path);
	plain_report(a, "300");
	plain_report(b, "360");
	record_with(base, rec);
	heap_a = heap_faults(a);
	heap_b = heap_faults(b);
	ck_assert_msg(heap_a >= 300 && heap_b - heap_a >= 60, "[heap] %lld then %lld faults",
		      (long long)heap_a, (long long)heap_b);
	ck_assert_int_eq(diff_json(a, b, &r), 1);
	heap_row(&r, spread, &now);
	ck_assert_msg(spread[0] == heap_a && spread[1] == heap_a && spread[2] == heap_a &&
		      now == heap_b, "[heap] %lld (%lld-%lld) -> %lld, the reports say %lld -> %lld",
		      (long long)spread[0], (long long)spread[1], (long long)spread[2],
		      (long long)now, (long long)heap_a, (long long)heap_b);
	report_free(&r);
	for (int k = 0; k < 3; k++) {	/* the same workload: every row on both sides */
		const char *x = k == 0 ? a : base, *y = k == 1 ? base : a;

		ck_assert_int_eq(diff_json(x, y, &r), 0);
		ck_assert_msg(report_int(&r, "new_rows") == 0 && report_int(&r, "gone_rows") == 0 &&
			      report_int(&r, "by_total") == 0 && (k || report_int(&r, "changed") == 0),
			      "diff %s %s: rows unmatched", x, y);
		report_free(&r);
	}
	ck_assert_int_eq(diff_json(base, b, &r), 1);
	heap_row(&r, spread, &now);
	ck_assert_msg(now == heap_b, "[heap] now %lld, the report says %lld", (long long)now,
		      (long long)heap_b);
	report_free(&r);
}
END_TEST

/* A report of another version, or cut short: one line, exit 2, no table. */
START_TEST(test_bad_report)
{
	char bad[1100], good[1100];
	const char *args[] = { "diff", bad, good, NULL };
	struct proc p;

	path_in(bad, sizeof(bad), "bad.json");
	path_in(good, sizeof(good), "good.json");
	write_file(good, BL_GOOD);
	write_file(bad, "{\"schema\":\"vmtrace-report/2\",\"pid\":1}");
	expect_input_error(&p, vmtrace(&p, args), "not \"vmtrace-report/1\"", "report/2");
	proc_free(&p);
	write_file(bad, "{\"schema\":\"vmtrace-report/1\",\"pid\":1,\"command\":\"x\","
		   "\"totals\":{},\"vmas\":[]}");
	expect_input_error(&p, vmtrace(&p, args), "totals: no \"faults\"", "no counters");
	proc_free(&p);
	write_file(bad, "{\"schema\":\"vmtrace-report/1\",\"pid\":1,\"vmas\":[{\"start\"");
	expect_input_error(&p, vmtrace(&p, args), "truncated", "truncated");
	proc_free(&p);
}
END_TEST

struct bad_usage {
	const char *name;
	const char *args[10];	/* "@OUT": a file that must not be left behind */
};

static const struct bad_usage bad_usages[] = {
	{ "check without baseline", { "check", "--", "/bin/true" } },
	{ "record without -o", { "record", "--", "/bin/true" } },
	{ "record without command", { "record", "-o", "@OUT" } },
	{ "bad tolerance", { "check", "--baseline", "x", "--tolerance", "ten", "--", "/bin/true" } },
	{ "bad counter", { "check", "--baseline", "x", "--tolerance-for", "nosuch=1", "--",
			   "/bin/true" } },
	{ "bad runs", { "record", "-o", "@OUT", "-r", "0", "--", "/bin/true" } },
	{ "diff of one file", { "diff", "x" } },
	/* a failed command is no profile: no baseline is written */
	{ "command fails", { "record", "-o", "@OUT", "--", "/bin/false" } },
	{ "command missing", { "record", "-o", "@OUT", "--", "/nonexistent/cmd" } },
};

START_TEST(test_bad_usage)
{
	const struct bad_usage *u = &bad_usages[_i];
	const char *args[12] = { 0 };
	char out[1100];
	struct proc p;

	path_in(out, sizeof(out), "out.json");
	for (int i = 0; u->args[i]; i++)
		args[i] = strcmp(u->args[i], "@OUT") ? u->args[i] : out;
	expect_input_error(&p, vmtrace(&p, args), NULL, u->name);
	ck_assert_msg(access(out, F_OK), "%s: left %s behind", u->name, out);
	proc_free(&p);
}
END_TEST

Suite *ci_suite(void)
{
	Suite *s = suite_create("ci");
	TCase *runs = tracer_tcase("record_check");
	TCase *input = tracer_tcase("bad_input");

	tcase_add_test(runs, test_heap_regression);
	tcase_add_test(runs, test_same_workload_passes);
	tcase_add_test(runs, test_new_file_row);
	tcase_add_test(runs, test_exec_names_new_program);
	tcase_add_test(runs, test_diff_reports);
	tcase_add_test(runs, test_table_width);
	tcase_add_loop_test(input, test_bad_baseline, 0, NR_BAD_BASELINES);
	tcase_add_test(input, test_diff_verdicts);
	tcase_add_test(input, test_bad_report);
	tcase_add_loop_test(input, test_bad_usage, 0,
			    (int)(sizeof(bad_usages) / sizeof(bad_usages[0])));
	suite_add_tcase(s, runs);
	suite_add_tcase(s, input);
	return s;
}
