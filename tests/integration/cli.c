/*
 * The command line as a perf user meets it: where the report goes, and
 * what is installed around the binary (man pages, completion, --version).
 */
#define _GNU_SOURCE
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

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *channel = tracer_tcase("channel");

	tcase_add_test(channel, report_channel);
	tcase_add_test(channel, report_channel_pid);
	tcase_add_test(channel, table_width_fits);
	suite_add_tcase(s, channel);
	return s;
}
