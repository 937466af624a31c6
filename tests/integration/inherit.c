/*
 * Following forks and execs: "vmtrace -- vmwork forks K N [exec]" must list
 * every child with its parent, hold exactly each child's constructed faults
 * in that child's rows, and its traced totals must equal the kernel's
 * counters per process, and summed over the children, the kernel's
 * RUSAGE_CHILDREN as the workload read it after reaping them.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define MAX_PROCS	16

static int64_t field(json_object *o, const char *path)
{
	struct report r = { o };

	return report_int(&r, path);
}

static json_object *image(json_object *proc, size_t i)
{
	json_object *images;

	if (!json_object_object_get_ex(proc, "images", &images) || !images)
		return NULL;
	return json_object_array_get_idx(images, i);
}

static size_t nr_images(json_object *proc)
{
	json_object *images;

	return json_object_object_get_ex(proc, "images", &images) && images ?
	       json_object_array_length(images) : 0;
}

/*
 * A process's traced minor + major equal the kernel's counters for it, less
 * at most the program runs the kernel skipped (missed: the whole report's).
 */
static int64_t check_process(json_object *p, long long missed)
{
	int64_t traced = field(p, "faults") - field(p, "errors");
	int64_t kernel = field(p, "kernel.minflt") + field(p, "kernel.majflt");

	ck_assert_msg(field(p, "kernel.minflt") != INT64_MIN,
		      "pid %lld: no kernel counters", (long long)field(p, "pid"));
	ck_assert_msg(traced <= kernel && traced >= kernel - missed,
		      "pid %lld: traced %lld faults, kernel %lld, %lld program runs missed",
		      (long long)field(p, "pid"), (long long)traced, (long long)kernel, missed);
	return traced;
}

/* The "vmwork: children=K minflt=M majflt=J" line: M + J. */
static int64_t children_rusage(const char *text, long *k)
{
	const char *line = strstr(text, "vmwork: children=");
	long min, maj;

	ck_assert_msg(line && sscanf(line, "vmwork: children=%ld minflt=%ld majflt=%ld",
				     k, &min, &maj) == 3, "no children line in: %s", text);
	return min + maj;
}

/* Child e->pid of parent: listed, its rows in its image'th image exact; its faults. */
static int64_t check_child(const struct report *r, const struct expect *e, pid_t parent,
			   size_t images)
{
	json_object *p = report_process(r, e->pid);
	struct report img;
	char msg[MSG_MAX];

	ck_assert_msg(p, "child %d is not in the report's processes", e->pid);
	ck_assert_int_eq(field(p, "ppid"), parent);
	ck_assert_int_eq(nr_images(p), images);
	img.root = image(p, images - 1);
	img.missed = report_missed_runs(r);
	ck_assert_msg(!report_check_expect(&img, e, true, msg, sizeof(msg)),
		      "child %d: %s", e->pid, msg);
	/* the tracepoint backend cannot see exec copying the arguments */
	return check_process(p, img.missed) + field(p, "kernel.exec_args_untraced");
}

static void run_forks(bool exec)
{
	const char *args[] = { "forks", "3", "40", exec ? "exec" : NULL, NULL };
	struct session s = { 0 };
	struct expect e[MAX_PROCS];
	int64_t sum = 0, want;
	long k;
	int n;

	trace_cmd(&s, args);
	check_report(&s, s.wpid);
	check_process(report_process(&s.rep, s.wpid), report_missed_runs(&s.rep));
	want = children_rusage(s.tracer.out[P_OUT].data, &k);
	n = expects_for_pid(s.tracer.out[P_OUT].data, 0, e, MAX_PROCS);
	ck_assert_msg(n == 3, "%d child expect lines, wanted 3", n);
	/* exec: the rows of "vmwork anon" are the second image's alone */
	for (int i = 0; i < n; i++)
		sum += check_child(&s.rep, &e[i], s.wpid, exec ? 2 : 1);
	ck_assert_msg(sum <= want && sum >= want - report_missed_runs(&s.rep),
		      "children traced %lld faults, their rusage %lld, %lld program runs "
		      "missed", (long long)sum, (long long)want, report_missed_runs(&s.rep));
	session_free(&s);
}

START_TEST(test_forks)
{
	run_forks(false);
}
END_TEST

START_TEST(test_fork_exec)
{
	run_forks(true);
}
END_TEST

/* The FAULTS of the text report's line that holds note (after it). */
static long faults_after(const char *text, const char *note)
{
	const char *at = strstr(text, note);
	long n;

	ck_assert_msg(at && sscanf(at + strlen(note), "%ld", &n) == 1,
		      "no \"%s\" line in: %.3000s", note, text);
	return n;
}

/* A count on the text report's drops line ("threads 3"), or 0. */
static long drops_of(const char *text, const char *cause)
{
	const char *line = strstr(text, "\ndrops: "), *at;
	long n = 0;

	at = line ? strstr(line, cause) : NULL;
	if (at && at < strchr(line + 1, '\n'))
		sscanf(at + strlen(cause), " %ld", &n);
	return n;
}

/* Faults the kernel kept from vmtrace (report_missed_runs()), from the text. */
static long missed_in_text(const char *text)
{
	return drops_of(text, "program runs the kernel skipped") +
	       drops_of(text, "threads");
}

/*
 * The text report (on stderr) over every process: TOTAL less the command's
 * own line is what the kernel says the children faulted (their
 * RUSAGE_CHILDREN, read by the workload), and the children's rows are listed.
 */
START_TEST(test_text_all_processes)
{
	const char *argv[] = { vmtrace_path, "--", vmwork_path, "forks", "3", "40", NULL };
	struct proc p;
	const char *err, *kernel;
	struct expect e[MAX_PROCS];
	char line[64];
	long k, root, all, want, missed;
	int st, n;

	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	st = proc_wait(&p, itest_timeout());
	err = p.out[P_ERR].data ? p.out[P_ERR].data : "";
	assert_exit0(st, "vmtrace -- vmwork forks", err);
	root = faults_after(err, "(the command alone)");
	all = faults_after(err, "(all 4 processes)");
	want = children_rusage(p.out[P_OUT].data, &k);
	missed = missed_in_text(err);
	ck_assert_msg(all - root <= want && all - root >= want - missed,
		      "TOTAL %ld - the command's %ld != the children's rusage %ld (%ld "
		      "program runs missed): %.3000s", all, root, want, missed, err);
	kernel = strstr(err, "kernel counters, all 4 processes: minflt+majflt ");
	ck_assert_msg(kernel && (missed || (strstr(kernel, " -> all counted\n") <
					    strchr(kernel, '\n') + 1 &&
					    strstr(kernel, " -> all counted\n"))),
		      "not all counted: %.3000s", err);
	n = expects_for_pid(p.out[P_OUT].data, 0, e, MAX_PROCS);
	ck_assert_int_eq(n, 3);
	ck_assert_msg(strstr(err, "children's busiest VMAs"), "no children block: %.3000s", err);
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "\n %8d vmwork ", e[i].pid);
		/* a child none of whose 40 faults the kernel ran a program for: none */
		ck_assert_msg(strstr(strstr(err, "children's busiest"), line) || missed >= 40,
			      "child %d has no row: %.3000s", e[i].pid, err);
	}
	proc_free(&p);
}
END_TEST

/* The line of text after the one starting with title, and its end. */
static const char *block_after(const char *text, const char *title)
{
	const char *b = strstr(text, title);

	return b ? strchr(b, '\n') + 1 : NULL;
}

/* A row of the children's block: PID, then the label's words, then FAULTS. */
static bool child_row(const char *block, pid_t pid, const char *label, bool wide,
		      unsigned long faults)
{
	char pre[64];

	snprintf(pre, sizeof(pre), " %8d vmwork ", (int)pid);
	for (const char *l = block; l && *l && *l != '\n'; l = strchr(l, '\n') + 1) {
		char perms[8], name[256], start[32], end[32];
		unsigned long n;

		if (strncmp(l, pre, strlen(pre)))
			continue;
		if (wide ? sscanf(l + strlen(pre), "%31s %31s %7s %255s %lu", start, end, perms,
				  name, &n) == 5 :
			   sscanf(l + strlen(pre), "%7s %255s %lu", perms, name, &n) == 3)
			if (!strcmp(name, label) && n == faults)
				return true;
	}
	return false;
}

/*
 * The children's block fits 100 columns as the VMA table does: a label too
 * long for its column is cut, FAULTS stays; -w shows every column, nothing
 * cut. The child's anonymous row holds its 64 faults either way.
 */
START_TEST(test_children_block_width)
{
	/* longer than LABEL's widest (40), short enough for a row's label (95 with its path) */
	const char *label = "a-file-whose-name-is-longer-than-its-column.data";
	char script[2500], extra[1200];
	const char *argv[2][9] = {
		{ vmtrace_path, "--top", "50", "--", "/bin/sh", "-c", script, NULL },
		{ vmtrace_path, "--top", "50", "-w", "--", "/bin/sh", "-c", script, NULL },
	};
	struct expect e;
	struct proc p;

	snprintf(extra, sizeof(extra), "%s/%s", itest_dir, label);
	snprintf(script, sizeof(script), "%s --also-file %s anon 64; true", vmwork_path, extra);
	for (int wide = 0; wide < 2; wide++) {
		const char *err, *block;

		ck_assert(!proc_start(&p, (char **)argv[wide], PIPE_OUT | PIPE_ERR, 0));
		assert_exit0(proc_wait(&p, itest_timeout()), "vmtrace -- sh -c vmwork",
			     p.out[P_ERR].data);
		err = p.out[P_ERR].data;
		block = block_after(err, "children's busiest VMAs");
		ck_assert_msg(block && expects_for_pid(p.out[P_OUT].data, 0, &e, 1) == 1,
			      "no children's block: %.3000s", err);
		for (const char *l = block; *l && *l != '\n'; l = strchr(l, '\n') + 1)
			ck_assert_msg(wide || strcspn(l, "\n") <= 100, "wider than 100: %.*s",
				      (int)strcspn(l, "\n"), l);
		ck_assert_msg(child_row(block, e.pid, "[anon]", wide, 64),
			      "no [anon] row of %d faults for pid %d: %.3000s", 64, e.pid, block);
		ck_assert_msg(wide ? !!strstr(block, label) : !strstr(block, label) &&
			      strstr(block, "...") && strstr(block, ".data "),
			      "the long label %s: %.3000s", wide ? "cut with -w" : "not cut", block);
		proc_free(&p);
	}
}
END_TEST

/* --no-inherit: the command alone, as before following existed. */
START_TEST(test_no_inherit)
{
	const char *argv[] = { vmtrace_path, "-j", "--no-inherit", "-o", NULL, "--",
			       vmwork_path, "forks", "2", "20", NULL };
	struct session s = { 0 };
	char err[MSG_MAX];

	snprintf(s.out, sizeof(s.out), "%s/report.json", itest_dir);
	argv[4] = s.out;
	ck_assert(!proc_start(&s.tracer, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	assert_exit0(proc_wait(&s.tracer, itest_timeout()), "vmtrace --no-inherit",
		     s.tracer.out[P_ERR].data);
	ck_assert_msg(!report_load(&s.rep, s.out, err, sizeof(err)), "%s", err);
	ck_assert_msg(!report_get(&s.rep, "processes"), "--no-inherit listed processes");
	ck_assert_int_eq(report_int(&s.rep, "children_not_followed"), 2);
	s.wpid = text_pid(s.tracer.out[P_OUT].data, "vmwork: pid=");
	check_report(&s, s.wpid);
	session_free(&s);
}
END_TEST

/* -p PID --follow: the children an attached process forks from then on. */
START_TEST(test_follow_attached)
{
	const char *wargs[] = { "--pause-start", "--pause-end", "forks", "2", "30", NULL };
	const char *argv[] = { vmtrace_path, "-j", "--follow", "-o", NULL, "-p", NULL, NULL };
	struct session s = { 0 };
	struct expect e[MAX_PROCS];
	char pid[16];
	int n;

	work_start(&s, wargs, true);
	snprintf(s.out, sizeof(s.out), "%s/report.json", itest_dir);
	snprintf(pid, sizeof(pid), "%d", s.wpid);
	argv[4] = s.out;
	argv[6] = pid;
	ck_assert(!proc_start(&s.tracer, (char **)argv, PIPE_ERR, 0));
	ck_assert_msg(proc_wait_line(&s.tracer, P_ERR, "vmtrace: tracing", itest_timeout()),
		      "vmtrace -p --follow never said it was tracing");
	work_resume(&s, s.wpid, "vmwork: done");
	tracer_finish(&s);
	n = expects_for_pid(s.work.out[P_OUT].data, 0, e, MAX_PROCS);
	ck_assert_msg(n == 2, "%d child expect lines, wanted 2", n);
	for (int i = 0; i < n; i++)
		check_child(&s.rep, &e[i], s.wpid, 1);
	session_free(&s);
}
END_TEST

/* -p A,B --follow: each listed process's children, under their own parent. */
START_TEST(test_follow_list)
{
	const char *wargs[] = { "--pause-start", "--pause-end", "forks", "2", "30", NULL };
	const char *argv[] = { vmtrace_path, "-j", "--follow", "-o", NULL, "-p", NULL, NULL };
	struct session w[2] = { 0 }, s = { 0 };
	struct expect e[MAX_PROCS];
	char pids[32];

	for (int i = 0; i < 2; i++)
		work_start(&w[i], wargs, true);
	snprintf(s.out, sizeof(s.out), "%s/report.json", itest_dir);
	snprintf(pids, sizeof(pids), "%d,%d", w[0].wpid, w[1].wpid);
	argv[4] = s.out;
	argv[6] = pids;
	ck_assert(!proc_start(&s.tracer, (char **)argv, PIPE_ERR, 0));
	ck_assert_msg(proc_wait_line(&s.tracer, P_ERR, "vmtrace: tracing", itest_timeout()),
		      "vmtrace -p A,B --follow never said it was tracing");
	for (int i = 0; i < 2; i++)
		work_resume(&w[i], w[i].wpid, "vmwork: done");
	tracer_finish(&s);
	for (int i = 0; i < 2; i++) {
		int n = expects_for_pid(w[i].work.out[P_OUT].data, 0, e, MAX_PROCS);

		ck_assert_msg(n == 2, "%d child expect lines of %d, wanted 2", n, w[i].wpid);
		for (int k = 0; k < n; k++)
			check_child(&s.rep, &e[k], w[i].wpid, 1);
		check_process(report_process(&s.rep, w[i].wpid), report_missed_runs(&s.rep));
		session_free(&w[i]);
	}
	session_free(&s);
}
END_TEST

/*
 * Exited children's rows leave the kernel's table while tracing (their slots
 * serve new processes) and are still reported, exact: the children exit, the
 * parent pauses until vmtrace -v says it moved their rows, then finishes.
 */
START_TEST(test_exited_rows_moved)
{
	const char *wargs[] = { "--pause-start", "--pause-end", "forks", "3", "40", NULL };
	const char *argv[] = { vmtrace_path, "-j", "-v", "--follow", "-o", NULL, "-p", NULL,
			       NULL };
	struct session s = { 0 };
	struct expect e[MAX_PROCS];
	const char *moved;
	int64_t sum = 0, want;
	char pid[16];
	long k;
	int n;

	work_start(&s, wargs, true);
	snprintf(s.out, sizeof(s.out), "%s/report.json", itest_dir);
	snprintf(pid, sizeof(pid), "%d", s.wpid);
	argv[5] = s.out;
	argv[7] = pid;
	ck_assert(!proc_start(&s.tracer, (char **)argv, PIPE_ERR, 0));
	ck_assert_msg(proc_wait_line(&s.tracer, P_ERR, "vmtrace: tracing", itest_timeout()),
		      "vmtrace -p --follow never said it was tracing");
	ck_assert(!kill(s.wpid, SIGUSR1));
	ck_assert_msg(proc_wait_line(&s.work, P_OUT, "vmwork: done", itest_timeout()),
		      "no \"vmwork: done\"");
	moved = proc_wait_line(&s.tracer, P_ERR, "vmtrace: moved", itest_timeout());
	ck_assert_msg(moved && atoi(moved + strlen("vmtrace: moved ")) >= 3,
		      "the exited children's rows were not moved: %s", moved ? moved : "");
	ck_assert(!kill(s.wpid, SIGUSR1));
	tracer_finish(&s);
	n = expects_for_pid(s.work.out[P_OUT].data, 0, e, MAX_PROCS);
	ck_assert_msg(n == 3, "%d child expect lines, wanted 3", n);
	for (int i = 0; i < n; i++)
		sum += check_child(&s.rep, &e[i], s.wpid, 1);
	want = children_rusage(s.work.out[P_OUT].data, &k);
	ck_assert_msg(sum <= want && sum >= want - report_missed_runs(&s.rep),
		      "children traced %lld faults, their rusage %lld, %lld program runs "
		      "missed", (long long)sum, (long long)want, report_missed_runs(&s.rep));
	session_free(&s);
}
END_TEST

Suite *inherit_suite(void)
{
	Suite *s = suite_create("inherit");
	TCase *tc = tracer_tcase("forks");

	tcase_add_test(tc, test_forks);
	tcase_add_test(tc, test_fork_exec);
	tcase_add_test(tc, test_no_inherit);
	tcase_add_test(tc, test_text_all_processes);
	tcase_add_test(tc, test_children_block_width);
	tcase_add_test(tc, test_follow_attached);
	tcase_add_test(tc, test_follow_list);
	tcase_add_test(tc, test_exited_rows_moved);
	suite_add_tcase(s, tc);
	return s;
}
