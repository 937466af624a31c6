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
	st = run_piped(&p, argv);
	assert_exit0(st, "vmtrace -j -p", text_of(&p, P_ERR));
	assert_json_report(text_of(&p, P_OUT), "/bin/sleep 1000", "stdout of -p");
	ck_assert_msg(!strchr(text_of(&p, P_ERR), '{'), "JSON on stderr: %s", text_of(&p, P_ERR));
	proc_free(&p);
	proc_free(&sl);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *channel = tracer_tcase("channel");

	tcase_add_test(channel, report_channel);
	tcase_add_test(channel, report_channel_pid);
	suite_add_tcase(s, channel);
	return s;
}
