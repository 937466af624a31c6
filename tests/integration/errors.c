/*
 * Bad input: each must end vmtrace with a non-zero exit, one line on
 * stderr starting "vmtrace:", and no report file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

#define NOBODY	65534

struct bad_input {
	const char *name;
	const char *args[10];	/* "@OUT": a report path nobody can write */
	uid_t uid;
	const char *btf;	/* VMTRACE_BTF: where vmtrace looks for kernel BTF */
};

static const struct bad_input bad_inputs[] = {
	{ "no such pid", { "-j", "-o", "@OUT", "-p", "999999" }, 0 },
	{ "no such command", { "-j", "-o", "@OUT", "--", "/nonexistent/cmd" },
	  0 },
	{ "report in a missing directory",
	  { "-j", "-o", "/nonexistent-dir/x.json", "--", "true" }, 0 },
	{ "unknown option",
	  { "-j", "-o", "@OUT", "--no-such-option", "--", "true" }, 0 },
	/* @OUT is writable by nobody, so only the lack of privilege fails */
	{ "not root", { "-j", "-o", "@OUT", "--", "true" }, NOBODY },
	/* a -p list is opened whole before tracing: one PID missing fails it */
	{ "no such pid in a list", { "-j", "-o", "@OUT", "-p", "1,999999" }, 0 },
	{ "a pid twice", { "-j", "-o", "@OUT", "-p", "1,1" }, 0 },
	{ "an empty pid", { "-j", "-o", "@OUT", "-p", "1,,2" }, 0 },
	/* perf's -a (system-wide) is reserved */
	{ "system-wide", { "-j", "-o", "@OUT", "-a" }, 0 },
	/* --stacks: no 0th fault; --folded-kind is --folded's; a folded file like a report */
	{ "stacks=0", { "-j", "-o", "@OUT", "--stacks=0", "--", "true" }, 0 },
	{ "folded-kind alone", { "-j", "-o", "@OUT", "--folded-kind", "--", "true" }, 0 },
	{ "folded in a missing directory",
	  { "-j", "-o", "@OUT", "--folded", "/nonexistent-dir/x.folded", "--", "true" }, 0 },
	/* -r runs a command again: a running process cannot be; a live view has no mean */
	{ "-r with -p", { "-j", "-o", "@OUT", "-r", "2", "-p", "1" }, 0 },
	{ "-r with -I", { "-j", "-o", "@OUT", "-r", "2", "-I", "100", "--", "true" }, 0 },
	{ "-r of a failing command", { "-j", "-o", "@OUT", "-r", "2", "--", "false" }, 0 },
	/* a kernel without BTF, as vmtrace sees it */
	{ "no kernel BTF", { "-j", "-o", "@OUT", "--", "true" }, 0,
	  "/nonexistent/vmlinux" },
};

#define NR_BAD	(int)(sizeof(bad_inputs) / sizeof(bad_inputs[0]))

/* Lines in s, counting an unterminated last one. */
static int count_lines(const char *s)
{
	size_t len = strlen(s);
	int n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n + (len && s[len - 1] != '\n');
}

/* A directory where uid NOBODY may create the report. */
static void out_path(char *out, size_t len)
{
	char dir[1100];

	snprintf(dir, sizeof(dir), "%s/open", itest_dir);
	mkdir(dir, 0777);
	ck_assert(!chmod(dir, 0777));
	snprintf(out, len, "%s/bad.json", dir);
	unlink(out);
}

START_TEST(test_bad_input)
{
	const struct bad_input *b = &bad_inputs[_i];
	const char *argv[12] = { vmtrace_path };
	char out[4096];
	struct proc p;
	const char *err;
	int st;

	out_path(out, sizeof(out));
	for (int i = 0; b->args[i]; i++)
		argv[i + 1] = strcmp(b->args[i], "@OUT") ? b->args[i] : out;
	if (strstr(b->name, "no such pid"))
		ck_assert_msg(kill(999999, 0) && errno == ESRCH,
			      "pid 999999 exists here");
	if (b->btf)	/* Check forks each test: this stays in this test */
		setenv("VMTRACE_BTF", b->btf, 1);
	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR, b->uid));
	st = proc_wait(&p, itest_timeout());
	err = p.out[P_ERR].data ? p.out[P_ERR].data : "";
	ck_assert_msg(st != -1, "%s: vmtrace timed out", b->name);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st),
		      "%s: wait status 0x%x, expected a non-zero exit",
		      b->name, st);
	ck_assert_msg(!strncmp(err, "vmtrace:", 8) && count_lines(err) == 1,
		      "%s: stderr should be one line starting \"vmtrace:\", "
		      "got: \"%s\"", b->name, err);
	ck_assert_msg(access(out, F_OK), "%s: left %s behind", b->name, out);
	proc_free(&p);
}
END_TEST

Suite *errors_suite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tracer_tcase("bad_input");

	tcase_add_loop_test(tc, test_bad_input, 0, NR_BAD);
	suite_add_tcase(s, tc);
	return s;
}
