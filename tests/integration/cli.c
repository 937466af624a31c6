/*
 * The command line as a perf user meets it: where the report goes, and
 * what is installed around the binary (man pages, completion, --version).
 */
#define _GNU_SOURCE
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "itest.h"

static const char *text_of(const struct proc *p, int which)
{
	return p->out[which].data ? p->out[which].data : "";
}

/* Runs argv to its end with stdout and stderr piped; its wait status. */
static int run_piped(struct proc *p, const char *const argv[])
{
	ck_assert(!proc_start(p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	return proc_wait(p, itest_timeout());
}

/* A JSON report of the traced command whose pid and command are known. */
static void assert_json_report(const char *text, const char *command, const char *what)
{
	json_object *root = json_tokener_parse(text), *v;

	ck_assert_msg(root, "%s: not one JSON document: %.2000s", what, text);
	json_keep(text);
	ck_assert_msg(json_object_object_get_ex(root, "command", &v) &&
		      !strcmp(json_object_get_string(v), command),
		      "%s: no \"command\": \"%s\" in: %.2000s", what, command, text);
	json_object_put(root);
}

/*
 * With a command the report goes to stderr (perf stat's channel), never
 * into the command's own stdout; -o - asks for stdout.
 */
START_TEST(report_channel)
{
	const char *json[] = { vmtrace_path, "-j", "--", "echo", "hello", NULL };
	const char *text[] = { vmtrace_path, "--", "echo", "hello", NULL };
	const char *to_stdout[] = { vmtrace_path, "-j", "-o", "-", "--", "echo", "hello", NULL };
	struct proc p;
	int st;

	st = run_piped(&p, json);
	assert_exit0(st, "vmtrace -j -- echo", text_of(&p, P_ERR));
	ck_assert_msg(!strcmp(text_of(&p, P_OUT), "hello\n"), "stdout is not the command's: %s",
		      text_of(&p, P_OUT));
	assert_json_report(text_of(&p, P_ERR), "echo hello", "stderr of -j");
	proc_free(&p);

	st = run_piped(&p, text);
	assert_exit0(st, "vmtrace -- echo", text_of(&p, P_ERR));
	ck_assert_msg(!strcmp(text_of(&p, P_OUT), "hello\n"), "stdout is not the command's: %s",
		      text_of(&p, P_OUT));
	ck_assert_msg(strstr(text_of(&p, P_ERR), "\n TOTAL "), "no table on stderr: %.2000s",
		      text_of(&p, P_ERR));
	proc_free(&p);

	st = run_piped(&p, to_stdout);
	assert_exit0(st, "vmtrace -j -o - -- echo", text_of(&p, P_ERR));
	ck_assert_msg(!strncmp(text_of(&p, P_OUT), "hello\n", 6), "no hello first: %s",
		      text_of(&p, P_OUT));
	assert_json_report(text_of(&p, P_OUT) + 6, "echo hello", "stdout of -o -");
	ck_assert_msg(!strchr(text_of(&p, P_ERR), '{'), "JSON on stderr: %s", text_of(&p, P_ERR));
	proc_free(&p);
}
END_TEST

/* Waits until pid has exec'd argv0: proc_start() returns before the exec. */
static void wait_exec(pid_t pid, const char *argv0)
{
	char path[64], cmdline[256];

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	for (int ms = 0; ms < itest_timeout_ms(30000); ms++) {
		FILE *f = fopen(path, "re");
		size_t n = f ? fread(cmdline, 1, sizeof(cmdline) - 1, f) : 0;

		if (f)
			fclose(f);
		cmdline[n] = '\0';
		if (!strcmp(cmdline, argv0))
			return;
		usleep(1000);
	}
	ck_abort_msg("%d did not exec %s", (int)pid, argv0);
}

/* -p keeps stdout: an attached process's output is not vmtrace's. */
START_TEST(report_channel_pid)
{
	const char *sleeper[] = { "/bin/sleep", "1000", NULL };
	const char *argv[] = { vmtrace_path, "-j", "-d", "0.1", "-p", NULL, NULL };
	struct proc sl, p;
	char pid[16];
	int st;

	ck_assert(!proc_start(&sl, (char **)sleeper, 0, 0));
	snprintf(pid, sizeof(pid), "%d", (int)sl.pid);
	argv[5] = pid;
	wait_exec(sl.pid, sleeper[0]);
	st = run_piped(&p, argv);
	assert_exit0(st, "vmtrace -j -p", text_of(&p, P_ERR));
	assert_json_report(text_of(&p, P_OUT), "/bin/sleep 1000", "stdout of -p");
	ck_assert_msg(!strchr(text_of(&p, P_ERR), '{'), "JSON on stderr: %s", text_of(&p, P_ERR));
	proc_free(&p);
	proc_free(&sl);
}
END_TEST

/* The longest line of the VMA table in text: from its header to TOTAL. */
static size_t table_width(const char *text, bool *has_cow)
{
	const char *line = strstr(text, " START ");
	const char *end = line ? strstr(line, " TOTAL ") : NULL;
	size_t widest = 0;

	ck_assert_msg(line && end, "no VMA table: %.3000s", text);
	*has_cow = strstr(line, " COW") && strstr(line, " COW") < strchr(line, '\n');
	for (; line && line <= end; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		size_t len = strcspn(line, "\r\n");

		widest = len > widest ? len : widest;
	}
	return widest;
}

/*
 * The table fits 100 columns into a pipe, the terminal's width on one
 * (72 here), and -w shows every column, COW the last; -j is indented on a
 * terminal.
 */
START_TEST(table_width_fits)
{
	const char *narrow[] = { vmtrace_path, "--", vmwork_path, "anon", "16", NULL };
	const char *wide[] = { vmtrace_path, "-w", "--", vmwork_path, "anon", "16", NULL };
	const char *json[] = { vmtrace_path, "-j", "--", vmwork_path, "anon", "16", NULL };
	struct proc p;
	bool cow;
	size_t w;
	int st;

	st = run_piped(&p, narrow);
	assert_exit0(st, "vmtrace --", text_of(&p, P_ERR));
	w = table_width(text_of(&p, P_ERR), &cow);
	ck_assert_msg(w <= 100 && !cow, "into a pipe: %zu columns%s", w, cow ? ", COW" : "");
	proc_free(&p);
	st = run_piped(&p, wide);
	assert_exit0(st, "vmtrace -w --", text_of(&p, P_ERR));
	w = table_width(text_of(&p, P_ERR), &cow);
	ck_assert_msg(w > 100 && cow, "-w: %zu columns, %s", w, cow ? "COW" : "no COW");
	proc_free(&p);
	proc_start_pty(&p, (char **)narrow, 72);
	st = proc_wait(&p, itest_timeout());
	assert_exit0(st, "vmtrace -- on a terminal", text_of(&p, P_OUT));
	w = table_width(text_of(&p, P_OUT), &cow);
	ck_assert_msg(w <= 72 && w > 60, "on a 72-column terminal: %zu columns", w);
	proc_free(&p);
	proc_start_pty(&p, (char **)json, 72);	/* JSON on a terminal: indented */
	st = proc_wait(&p, itest_timeout());
	assert_exit0(st, "vmtrace -j -- on a terminal", text_of(&p, P_OUT));
	ck_assert_msg(strstr(text_of(&p, P_OUT), "{\r\n  \"schema\":\"vmtrace-report/1\",\r\n"),
		      "not indented: %.500s", text_of(&p, P_OUT));
	proc_free(&p);
}
END_TEST

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no \"%s\"", key);
	return v;
}

/* The -r report's row of vmwork's anonymous memory, faults: {mean, stddev, min, max}. */
static json_object *anon_faults(json_object *root)
{
	json_object *rows = member(root, "rows");

	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *row = json_object_array_get_idx(rows, i);

		if (!strcmp(json_object_get_string(member(row, "command")), "vmwork") &&
		    !strcmp(json_object_get_string(member(row, "label")), "[anon]") &&
		    !strcmp(json_object_get_string(member(row, "perms")), "rw-p"))
			return member(member(row, "counters"), "faults");
	}
	ck_abort_msg("no vmwork [anon] rw-p row");
	return NULL;
}

/* A shell whose Nth run (counted in a file) runs vmwork anon 64*N: 64, 128, 192. */
static void growing_script(char *script, size_t size)
{
	char count[1100];
	FILE *f;

	snprintf(count, sizeof(count), "%s/run", itest_dir);
	ck_assert((f = fopen(count, "w")) && fputs("1\n", f) >= 0 && !fclose(f));
	snprintf(script, size, "n=$(cat %s); echo $((n + 1)) > %s; %s anon $((64 * n)); true",
		 count, count, vmwork_path);
}

/*
 * -r 3, like perf stat -r: a workload that touches 64, 128 then 192 pages
 * (the shell's child, so rows are matched by command across runs) has
 * that row's standard deviation 64 and its range 128 whatever else the
 * row holds, each run's traced faults equal the kernel's, and the total's
 * mean is theirs; the text report fits 100 columns, its cell the same.
 */
START_TEST(repeat_runs)
{
	char script[2500];
	const char *json[] = { vmtrace_path, "-r", "3", "-j", "--", "/bin/sh", "-c", script,
			       NULL };
	const char *text[] = { vmtrace_path, "-r", "3", "--", "/bin/sh", "-c", script, NULL };
	json_object *root, *f, *kernel;
	double mean, sum = 0, m, pct;
	const char *row;
	struct proc p;

	growing_script(script, sizeof(script));
	assert_exit0(run_piped(&p, json), "vmtrace -r 3 -j", text_of(&p, P_ERR));
	ck_assert_msg(strstr(text_of(&p, P_OUT), "faults=192 ") &&
		      (root = json_tokener_parse(text_of(&p, P_ERR))), "no report: %.2000s",
		      text_of(&p, P_ERR));
	json_keep(text_of(&p, P_ERR));
	f = anon_faults(root);
	mean = json_object_get_double(member(f, "mean"));
	ck_assert_msg(json_object_get_double(member(f, "stddev")) == 64.0 &&
		      json_object_get_int64(member(f, "max")) -
		      json_object_get_int64(member(f, "min")) == 128 &&
		      mean == json_object_get_int64(member(f, "min")) + 64,
		      "[anon] faults not 64 apart: %s", json_object_get_string(f));
	kernel = member(root, "kernel");
	ck_assert_int_eq(json_object_array_length(kernel), 3);
	for (int r = 0; r < 3; r++) {
		json_object *k = json_object_array_get_idx(kernel, r);

		ck_assert_msg(json_object_get_int64(member(k, "traced")) ==
			      json_object_get_int64(member(k, "kernel")),
			      "run %d: %s", r + 1, json_object_get_string(k));
		sum += json_object_get_int64(member(k, "kernel"));
	}
	mean = json_object_get_double(member(member(member(root, "total"), "faults"), "mean"));
	ck_assert_msg(fabs(mean - sum / 3) < 1e-9, "total mean %f, the kernel's %f", mean, sum / 3);
	json_object_put(root);
	proc_free(&p);

	growing_script(script, sizeof(script));
	assert_exit0(run_piped(&p, text), "vmtrace -r 3", text_of(&p, P_ERR));
	row = strstr(text_of(&p, P_ERR), " vmwork  [anon] rw-p #0 ");
	ck_assert_msg(row && sscanf(row + strlen(" vmwork  [anon] rw-p #0 "), "%lf +-%lf%%",
				    &m, &pct) == 2 && fabs(pct - round(6400 / m * 10) / 10) < 0.01,
		      "no [anon] row of +-(64 / its mean): %s", text_of(&p, P_ERR));
	for (const char *l = text_of(&p, P_ERR); *l; l += strcspn(l, "\n") + 1)
		ck_assert_msg(strcspn(l, "\n") <= 100, "wider than 100: %.*s",
			      (int)strcspn(l, "\n"), l);
	proc_free(&p);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *channel = tracer_tcase("channel");

	tcase_add_test(channel, report_channel);
	tcase_add_test(channel, report_channel_pid);
	tcase_add_test(channel, table_width_fits);
	tcase_add_test(channel, repeat_runs);
	suite_add_tcase(s, channel);
	return s;
}
