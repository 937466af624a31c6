/*
 * Privileges: vmtrace runs as a user that is not root with CAP_BPF and
 * CAP_PERFMON only (setpriv's ambient capabilities, as a binary given them
 * with setcap would run), and names the capability it lacks; -u USER runs
 * the command as USER with a clean environment while vmtrace stays root.
 * Needs util-linux's setpriv and a "nobody" user (the qemu tier skips it).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "itest.h"

#define NOBODY_UID	"65534"

static const char *text_of(const struct proc *p, int which)
{
	return p->out[which].data ? p->out[which].data : "";
}

static int run(struct proc *p, const char *const argv[])
{
	int st;

	ck_assert(!proc_start(p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	st = proc_wait(p, itest_timeout());
	ck_assert_msg(st != -1, "%s timed out: %s", argv[0], text_of(p, P_ERR));
	return st;
}

/* A report path in a directory that uid 65534 may write. */
static void open_out(char *out, size_t len)
{
	char dir[1100];

	snprintf(dir, sizeof(dir), "%s/open", itest_dir);
	mkdir(dir, 0777);	/* the test case's tests share it */
	ck_assert(!chmod(dir, 0777));
	snprintf(out, len, "%s/report.json", dir);
	unlink(out);
}

/* Not root, CAP_BPF and CAP_PERFMON: the trace is whole and exact. */
START_TEST(capabilities_only)
{
	char out[1200], msg[MSG_MAX];
	const char *argv[] = { "setpriv", "--reuid=" NOBODY_UID, "--regid=" NOBODY_UID,
			       "--clear-groups", "--inh-caps=+bpf,+perfmon",
			       "--ambient-caps=+bpf,+perfmon", vmtrace_path, "-j", "-o", out,
			       "--", vmwork_path, "anon", "64", NULL };
	struct report r;
	struct proc p;

	open_out(out, sizeof(out));
	assert_exit0(run(&p, argv), "vmtrace with CAP_BPF and CAP_PERFMON", text_of(&p, P_ERR));
	ck_assert_msg(!report_load(&r, out, msg, sizeof(msg)), "%s", msg);
	ck_assert_msg(!report_check_totals(&r, msg, sizeof(msg)), "%s", msg);
	report_free(&r);
	proc_free(&p);
}
END_TEST

/* CAP_BPF without CAP_PERFMON: one line naming CAP_PERFMON, exit 1, no report. */
START_TEST(capability_missing)
{
	char out[1200];
	const char *argv[] = { "setpriv", "--reuid=" NOBODY_UID, "--regid=" NOBODY_UID,
			       "--clear-groups", "--inh-caps=+bpf", "--ambient-caps=+bpf",
			       vmtrace_path, "-j", "-o", out, "--", "true", NULL };
	struct proc p;
	int st;

	open_out(out, sizeof(out));
	st = run(&p, argv);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status 0x%x", st);
	ck_assert_msg(!strncmp(text_of(&p, P_ERR), "vmtrace: missing capability CAP_PERFMON",
			       39) && strchr(text_of(&p, P_ERR), '\n') ==
		      text_of(&p, P_ERR) + strlen(text_of(&p, P_ERR)) - 1,
		      "not one line naming CAP_PERFMON: %s", text_of(&p, P_ERR));
	ck_assert_msg(access(out, F_OK), "a report was written");
	proc_free(&p);
}
END_TEST

/* -u nobody: the command's IDs and environment are nobody's, vmtrace traces it. */
START_TEST(run_as_user)
{
	char out[1200], msg[MSG_MAX];
	const char *id[] = { vmtrace_path, "-j", "-o", out, "-u", "nobody", "--", "id", "-u",
			     NULL };
	const char *env[] = { vmtrace_path, "-u", "nobody", "-o", "/dev/null", "--", "env",
			      NULL };
	const char *unknown[] = { vmtrace_path, "-u", "no-such-user-x", "--", "true", NULL };
	struct report r;
	struct proc p;
	int st;

	open_out(out, sizeof(out));
	assert_exit0(run(&p, id), "vmtrace -u nobody -- id -u", text_of(&p, P_ERR));
	ck_assert_str_eq(text_of(&p, P_OUT), NOBODY_UID "\n");
	ck_assert_msg(!report_load(&r, out, msg, sizeof(msg)), "%s", msg);
	ck_assert_msg(!report_check_totals(&r, msg, sizeof(msg)), "%s", msg);
	report_free(&r);
	proc_free(&p);

	setenv("ITEST_NOT_PASSED_ON", "1", 1);	/* a clean environment drops it */
	assert_exit0(run(&p, env), "vmtrace -u nobody -- env", text_of(&p, P_ERR));
	ck_assert_msg(strstr(text_of(&p, P_OUT), "USER=nobody\n") &&
		      strstr(text_of(&p, P_OUT), "LOGNAME=nobody\n") &&
		      strstr(text_of(&p, P_OUT), "HOME=") && strstr(text_of(&p, P_OUT), "PATH=") &&
		      !strstr(text_of(&p, P_OUT), "ITEST_NOT_PASSED_ON"),
		      "not a clean environment: %s", text_of(&p, P_OUT));
	proc_free(&p);

	st = run(&p, unknown);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) && !strcmp(text_of(&p, P_ERR),
		      "vmtrace: -u no-such-user-x: no such user\n"),
		      "status 0x%x, stderr: %s", st, text_of(&p, P_ERR));
	proc_free(&p);
}
END_TEST

Suite *privilege_suite(void)
{
	Suite *s = suite_create("privilege");
	TCase *tc = tracer_tcase("privilege");

	tcase_add_test(tc, capabilities_only);
	tcase_add_test(tc, capability_missing);
	tcase_add_test(tc, run_as_user);
	suite_add_tcase(s, tc);
	return s;
}
