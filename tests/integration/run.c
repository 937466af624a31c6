/*
 * Running vmtrace on vmwork: either "vmtrace -- vmwork ..." or vmwork
 * paused and "vmtrace -p PID", then checking the report.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

const char *vmtrace_path, *vmwork_path;
char itest_dir[1024];

#define MAX_ARGS	32
#define MAX_EXPECTS	32

struct argvec {
	const char *v[MAX_ARGS + 1];
	int n;
};

/* Appends a NULL-terminated list. */
static void argv_add(struct argvec *a, const char *const *args)
{
	while (*args && a->n < MAX_ARGS)
		a->v[a->n++] = *args++;
	a->v[a->n] = NULL;
}

int itest_timeout(void)
{
	return itest_timeout_ms(30 * 1000);
}

/* Unchecked fixture: one directory per test case, removed after it even
 * when a test fails (a failed check ends the forked test at once). */
static void itest_dir_make(void)
{
	const char *base = getenv("ITEST_TMPDIR");

	if (!base)
		base = getenv("TMPDIR");
	snprintf(itest_dir, sizeof(itest_dir), "%s/vmtrace-itest.XXXXXX",
		 base ? base : "/tmp");
	/* 0755: the non-root case needs to reach a subdirectory. */
	if (!mkdtemp(itest_dir) || chmod(itest_dir, 0755)) {
		perror("itest: failed to create a temporary directory");
		abort();
	}
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void itest_dir_remove(void)
{
	nftw(itest_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Checked fixture: a clear reason instead of a failed exec in each test. */
static void need_binaries(void)
{
	const char *paths[] = { vmtrace_path, vmwork_path };
	const char *vars[] = { "VMTRACE", "VMWORK" };

	for (int i = 0; i < 2; i++)
		ck_assert_msg(!strchr(paths[i], '/') || !access(paths[i], X_OK),
			      "cannot run %s (set %s)", paths[i], vars[i]);
}

/* A test case that runs vmtrace on vmwork. */
TCase *tracer_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, itest_dir_make, itest_dir_remove);
	tcase_add_checked_fixture(tc, need_binaries, NULL);
	/*
	 * A guard against a hang, never a bound on speed: a test's work is
	 * bounded by counts. 60 s ran out on a busy 2-core machine under ASan
	 * (record + 10 checks, each a vmtrace start); CK_TIMEOUT_MULTIPLIER
	 * scales it further.
	 */
	tcase_set_timeout(tc, 300);
	return tc;
}

void assert_exit0(int st, const char *who, const char *err)
{
	err = err ? err : "";
	ck_assert_msg(st != -1, "%s timed out; stderr: %s", who, err);
	ck_assert_msg(!WIFSIGNALED(st), "%s killed by signal %d; stderr: %s",
		      who, WTERMSIG(st), err);
	/* vmwork's codes: 2 its own count was off, 3 cache not dropped. */
	ck_assert_msg(WEXITSTATUS(st) != 2, "%s exited 2 (if stderr says "
		      "\"vmwork: self-check failed\", the workload is broken, "
		      "not the tracer); stderr: %s", who, err);
	ck_assert_msg(WEXITSTATUS(st) != 3, "%s exited 3 (vmwork could not "
		      "drop the page cache: set ITEST_TMPDIR to a directory on "
		      "a disk); stderr: %s", who, err);
	ck_assert_msg(WEXITSTATUS(st) == 0, "%s exited %d; stderr: %s", who,
		      WEXITSTATUS(st), err);
}

/* vmwork's stdout: its own pipe, or vmtrace's when run under "--". */
static const char *work_text(const struct session *s)
{
	const struct outbuf *b = s->work.pid > 0 ? &s->work.out[P_OUT] :
				 &s->tracer.out[P_OUT];

	return b->data ? b->data : "";
}

static void load_report(struct session *s)
{
	char err[MSG_MAX];

	ck_assert_msg(!report_load(&s->rep, s->out, err, sizeof(err)), "%s",
		      err);
}

/* vmtrace -j -o OUT -- vmwork ARGS; the workload's stdout is vmtrace's. */
void trace_cmd(struct session *s, const char *const wargs[])
{
	trace_cmd_with(s, NULL, wargs);
}

/* The same with vmtrace options vopts (NULL-terminated, or NULL). */
void trace_cmd_with(struct session *s, const char *const vopts[],
		    const char *const wargs[])
{
	trace_cmd_for(s, vopts, wargs, itest_timeout());
}

/* The same, for a workload allowed timeout_ms (a long one: thousands of VMAs). */
void trace_cmd_for(struct session *s, const char *const vopts[],
		   const char *const wargs[], int timeout_ms)
{
	const char *head[] = { vmtrace_path, "-j", "-o", s->out, NULL };
	const char *cmd[] = { "--", vmwork_path, NULL };
	struct argvec a = { .n = 0 };
	int st;

	snprintf(s->out, sizeof(s->out), "%s/report.json", itest_dir);
	argv_add(&a, head);
	if (vopts)
		argv_add(&a, vopts);
	argv_add(&a, cmd);
	argv_add(&a, wargs);
	ck_assert_msg(!proc_start(&s->tracer, (char **)a.v,
				  PIPE_OUT | PIPE_ERR, 0),
		      "cannot start %s", vmtrace_path);
	st = proc_wait(&s->tracer, timeout_ms);
	assert_exit0(st, "vmtrace -- vmwork", s->tracer.out[P_ERR].data);
	s->wpid = text_pid(work_text(s), "vmwork: pid=");
	ck_assert_msg(s->wpid > 0, "no \"vmwork: pid=\" line in: %s",
		      work_text(s));
	load_report(s);
}

/* Starts vmwork ARGS on a pipe; with ready, waits until it pauses. */
void work_start(struct session *s, const char *const wargs[], bool ready)
{
	const char *head[] = { vmwork_path, NULL };
	struct argvec a = { .n = 0 };
	const char *line;

	argv_add(&a, head);
	argv_add(&a, wargs);
	ck_assert_msg(!proc_start(&s->work, (char **)a.v, PIPE_OUT, 0),
		      "cannot start %s", vmwork_path);
	line = proc_wait_line(&s->work, P_OUT, "vmwork: pid=", itest_timeout());
	ck_assert_msg(line, "vmwork printed no pid");
	s->wpid = atoi(line + strlen("vmwork: pid="));
	if (ready)
		ck_assert_msg(proc_wait_line(&s->work, P_OUT, "vmwork: ready",
					     itest_timeout()),
			      "vmwork did not pause at ready");
}

/* vmtrace -j -o OUT -p PID, returning once it says it is tracing. */
void tracer_attach(struct session *s, pid_t pid)
{
	char pidstr[16];
	const char *argv[] = { vmtrace_path, "-j", "-o", s->out, "-p", pidstr,
			       NULL };

	snprintf(s->out, sizeof(s->out), "%s/report.json", itest_dir);
	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	ck_assert_msg(!proc_start(&s->tracer, (char **)argv, PIPE_ERR, 0),
		      "cannot start %s", vmtrace_path);
	ck_assert_msg(proc_wait_line(&s->tracer, P_ERR, "vmtrace: tracing",
				     itest_timeout()),
		      "vmtrace -p %d never said \"vmtrace: tracing\"; stderr: "
		      "%s", pid, s->tracer.out[P_ERR].data ?
		      s->tracer.out[P_ERR].data : "");
}

/* Waits for vmtrace to stop by itself (or after a signal) and loads the
 * report. */
void tracer_finish(struct session *s)
{
	int st = proc_wait(&s->tracer, itest_timeout());

	assert_exit0(st, "vmtrace -p", s->tracer.out[P_ERR].data);
	load_report(s);
}

/* Waits for pid's line starting with done, then lets it go on. */
void work_release(struct session *s, pid_t pid, const char *done)
{
	ck_assert_msg(proc_wait_line(&s->work, P_OUT, done, itest_timeout()),
		      "no \"%s\" from the workload", done);
	ck_assert_msg(!kill(pid, SIGUSR1), "cannot signal %d", pid);
}

/* Resumes pid paused at ready, and releases it again at done. */
void work_resume(struct session *s, pid_t pid, const char *done)
{
	ck_assert_msg(!kill(pid, SIGUSR1), "cannot signal %d", pid);
	work_release(s, pid, done);
}

/*
 * Checks the report's rows against pid's expect lines. from=ready lines
 * are exact only when the tracer attached while vmwork paused at ready.
 */
void check_expects(struct session *s, pid_t pid, bool at_ready, int lines)
{
	struct expect e[MAX_EXPECTS];
	char msg[MSG_MAX];
	int n = expects_for_pid(work_text(s), pid, e, MAX_EXPECTS);

	ck_assert_msg(n == lines, "%d expect lines for pid %d, wanted %d, "
		      "in: %s", n, pid, lines, work_text(s));
	for (int i = 0; i < n; i++) {
		bool exact = !e[i].from_ready || at_ready;

		ck_assert_msg(!report_check_expect(&s->rep, &e[i], exact, msg,
						   sizeof(msg)), "%s", msg);
	}
}

/* The report is about pid, and its totals match the kernel's counters. */
void check_report(struct session *s, pid_t pid)
{
	char msg[MSG_MAX];

	ck_assert_int_eq(report_int(&s->rep, "pid"), pid);
	ck_assert_msg(!report_check_totals(&s->rep, msg, sizeof(msg)), "%s",
		      msg);
}

void session_free(struct session *s)
{
	proc_free(&s->tracer);
	proc_free(&s->work);
	report_free(&s->rep);
}
