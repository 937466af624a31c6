/*
 * Files, latency histograms, heatmaps and the live view, against workloads
 * whose faults and read-ins are known by construction.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"

/* The "files" entry whose path is path, or NULL. */
static json_object *file_entry(const struct report *r, const char *path)
{
	json_object *files = report_get(r, "files");

	for (size_t i = 0; files && i < json_object_array_length(files); i++) {
		json_object *f = json_object_array_get_idx(files, i), *p;

		if (json_object_object_get_ex(f, "path", &p) && p &&
		    !strcmp(json_object_get_string(p), path))
			return f;
	}
	return NULL;
}

static int64_t field(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ?
	       json_object_get_int64(v) : INT64_MIN;
}

static void check_file(const struct report *r, const char *path, int64_t major,
		       int64_t by_fault, int64_t by_read)
{
	json_object *f = file_entry(r, path);

	ck_assert_msg(f, "no files entry for %s", path);
	ck_assert_int_eq(field(f, "major"), major);
	ck_assert_int_eq(field(f, "faults"), major);
	ck_assert_int_eq(field(f, "readin_by_fault_pages"), by_fault);
	ck_assert_int_eq(field(f, "readin_by_read_pages"), by_read);
	ck_assert_int_eq(field(f, "readin_pages"), by_fault + by_read);
	ck_assert_int_eq(field(f, "readin_bytes"), 4096 * (by_fault + by_read));
}

/* Sum of a latency kind's bucket counts, and the bucket of its median. */
static int64_t hist_sum(const struct report *r, const char *kind, int *median)
{
	char path[64];
	json_object *h;
	int64_t sum = 0, seen = 0;
	size_t n;

	snprintf(path, sizeof(path), "latency_us.%s", kind);
	h = report_get(r, path);
	ck_assert_msg(h && json_object_is_type(h, json_type_array),
		      "no %s histogram", path);
	n = json_object_array_length(h);
	for (size_t i = 0; i < n; i++)
		sum += field(json_object_array_get_idx(h, i), "count");
	*median = -1;
	for (size_t i = 0; i < n && sum; i++) {
		seen += field(json_object_array_get_idx(h, i), "count");
		if (*median < 0 && 2 * seen >= sum)
			*median = (int)field(json_object_array_get_idx(h, i), "lo");
	}
	return sum;
}

/*
 * Two files named data.bin in different folders, read cold through
 * mappings (MADV_RANDOM: one page read in per major fault); the second is
 * unmapped before the end and keeps its path.
 */
START_TEST(files_cold_mapped)
{
	const char *opts[] = { "--latency", NULL };
	const char *args[] = { "twofiles", itest_dir, "24", NULL };
	struct session s = { 0 };
	char dir[PATH_MAX], a[PATH_MAX + 16], b[PATH_MAX + 16];
	int64_t all = 0;
	int anon_median, major_median, median;
	const char *kinds[] = { "anon_minor", "file_minor", "file_major",
				"anon_major", "wp", "error" };

	ck_assert_ptr_nonnull(realpath(itest_dir, dir));
	snprintf(a, sizeof(a), "%s/a/data.bin", dir);
	snprintf(b, sizeof(b), "%s/b/data.bin", dir);
	trace_cmd_with(&s, opts, args);
	check_expects(&s, s.wpid, false, 2);
	check_report(&s, s.wpid);
	check_file(&s.rep, a, 24, 24, 0);
	check_file(&s.rep, b, 25, 25, 0);
	ck_assert_int_ne(field(file_entry(&s.rep, a), "inode"),
			 field(file_entry(&s.rep, b), "inode"));
	/* every fault is in exactly one latency bucket */
	for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++)
		all += hist_sum(&s.rep, kinds[k], &median);
	ck_assert_int_eq(all, report_int(&s.rep, "totals.faults"));
	/* all major faults, ours (49) and any the startup took, are timed */
	ck_assert_int_eq(hist_sum(&s.rep, "file_major", &major_median) +
			 hist_sum(&s.rep, "anon_major", &median),
			 report_int(&s.rep, "totals.major"));
	ck_assert_int_ge(report_int(&s.rep, "totals.major"), 49);
	ck_assert_int_gt(hist_sum(&s.rep, "anon_minor", &anon_median), 0);
	ck_assert_msg(major_median > anon_median, "file_major median bucket %d us "
		      "is not right of anon_minor's %d us", major_median, anon_median);
	session_free(&s);
}
END_TEST

/* read(2) of a cold file: its read-ins are by read, none by fault. */
START_TEST(files_read_syscall)
{
	char path[PATH_MAX + 16], dir[PATH_MAX];
	const char *args[] = { "readfile", path, "40", NULL };
	struct session s = { 0 };

	ck_assert_ptr_nonnull(realpath(itest_dir, dir));
	snprintf(path, sizeof(path), "%s/read.bin", dir);
	trace_cmd_with(&s, NULL, args);
	check_report(&s, s.wpid);
	check_file(&s.rep, path, 0, 0, 40);
	session_free(&s);
}
END_TEST

/* The row of the workload's expect line. */
static json_object *expected_row(struct session *s)
{
	json_object *vmas = report_get(&s->rep, "vmas");
	struct expect e;
	const char *out = s->tracer.out[P_OUT].data;
	char start[32];

	ck_assert_int_eq(expects_for_pid(out ? out : "", s->wpid, &e, 1), 1);
	snprintf(start, sizeof(start), "0x%lx", e.start);
	for (size_t i = 0; vmas && i < json_object_array_length(vmas); i++) {
		json_object *v = json_object_array_get_idx(vmas, i), *st;

		if (json_object_object_get_ex(v, "start", &st) &&
		    !strcmp(json_object_get_string(st), start))
			return v;
	}
	ck_abort_msg("no row starts at %s", start);
	return NULL;
}

/* 64 pages written in their second half only. */
START_TEST(heatmap_second_half)
{
	const char *opts[] = { "--heatmap", NULL };
	const char *args[] = { "half", "64", NULL };
	struct session s = { 0 };
	json_object *row, *heat, *cells, *rate;
	int64_t first = 0, second = 0, rated = 0;

	trace_cmd_with(&s, opts, args);
	check_expects(&s, s.wpid, false, 1);
	row = expected_row(&s);
	ck_assert_msg(json_object_object_get_ex(row, "heatmap", &heat), "no heatmap");
	ck_assert_int_eq(field(heat, "offset_buckets"), 32);
	ck_assert_int_eq(field(heat, "bucket_bytes"), 2 * 4096);
	ck_assert(json_object_object_get_ex(heat, "cells", &cells));
	ck_assert_int_ge(json_object_array_length(cells), 1);
	for (size_t t = 0; t < json_object_array_length(cells); t++) {
		json_object *col = json_object_array_get_idx(cells, t);

		ck_assert_int_eq(json_object_array_length(col), 32);
		for (int b = 0; b < 32; b++) {
			int64_t c = json_object_get_int64(json_object_array_get_idx(col, b));

			*(b < 16 ? &first : &second) += c;
		}
	}
	ck_assert_int_eq(first, 0);
	ck_assert_int_eq(second, 32);
	ck_assert(json_object_object_get_ex(row, "rate", &rate));
	for (size_t t = 0; t < json_object_array_length(rate); t++)
		rated += json_object_get_int64(json_object_array_get_idx(rate, t));
	ck_assert_int_eq(rated, 32);
	session_free(&s);
}
END_TEST

/* Runs argv on a pseudo-terminal; returns its exit status, output in out. */
static int run_on_pty(char *const argv[], char *out, size_t size)
{
	int master, status = -1;
	size_t len = 0;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);

	ck_assert_msg(pid >= 0, "forkpty failed");
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	for (;;) {
		struct pollfd p = { master, POLLIN, 0 };
		ssize_t got;

		if (poll(&p, 1, itest_timeout()) <= 0)
			break;
		got = read(master, out + len, size - 1 - len);
		if (got <= 0)
			break;	/* EIO once the child side is closed */
		len += got;
		if (len == size - 1)
			break;
	}
	out[len] = '\0';
	close(master);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int count_of(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* -i on a terminal: screens redrawn in place, then the full report. */
START_TEST(live_view_terminal)
{
	char *out = malloc(1 << 20);
	char *argv[] = { (char *)vmtrace_path, "-i", "0.3", "--top", "5", "--",
			 (char *)vmwork_path, "spin", "16", "1600", NULL };
	int st = run_on_pty(argv, out, 1 << 20);
	const char *last = strrchr(out, '\033');

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d: %.1500s", st, out);
	ck_assert_msg(count_of(out, "\033[H\033[2J") >= 3, "fewer than 3 screens: %.1500s", out);
	ck_assert_msg(count_of(out, "NOW/s") >= 3, "no VMA table: %.1500s", out);
	ck_assert_msg(strstr(out, "[anon]"), "the spinning VMAs are not shown: %.1500s", out);
	/* the last screen is followed by the full report */
	ck_assert_msg(last && strstr(last, "TOTAL") && strstr(last, "kernel counters"),
		      "no final report after the last screen: %.1500s", out);
	free(out);
}
END_TEST

/* -i into a pipe: plain blocks appended, no terminal control codes. */
START_TEST(live_view_pipe)
{
	const char *argv[] = { vmtrace_path, "-i", "0.3", "--", vmwork_path,
			       "spin", "16", "1600", NULL };
	struct proc p = { 0 };
	const char *out;

	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	assert_exit0(proc_wait(&p, itest_timeout()), "vmtrace -i", p.out[P_ERR].data);
	out = p.out[P_OUT].data ? p.out[P_OUT].data : "";
	ck_assert_msg(!strchr(out, '\033'), "control codes in a pipe: %.1500s", out);
	ck_assert_msg(count_of(out, "vmtrace  PID") >= 3, "fewer than 3 blocks: %.1500s", out);
	ck_assert_msg(strstr(out, "TOTAL"), "no final report: %.1500s", out);
	proc_free(&p);
}
END_TEST

/* A command whose child does the faulting: the child's rows are in the view. */
START_TEST(live_view_children)
{
	char script[PATH_MAX + 64];
	const char *argv[] = { vmtrace_path, "-i", "0.3", "--", "/bin/sh", "-c",
			       script, NULL };
	struct proc p = { 0 };
	const char *out, *row;

	/* "; true": the shell forks a child instead of exec'ing its last command */
	snprintf(script, sizeof(script), "%s spin 16 1600 >/dev/null; true", vmwork_path);
	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	assert_exit0(proc_wait(&p, itest_timeout()), "vmtrace -i -- sh", p.out[P_ERR].data);
	out = p.out[P_OUT].data ? p.out[P_OUT].data : "";
	ck_assert_msg(count_of(out, " 2 processes") >= 2, "no process count: %.1500s", out);
	row = strstr(out, " vmwork ");
	ck_assert_msg(row && strstr(row, "[anon]"), "the child's rows are not shown: %.1500s",
		      out);
	proc_free(&p);
}
END_TEST

Suite *insight_suite(void)
{
	Suite *s = suite_create("insight");
	TCase *files = tracer_tcase("files");
	TCase *heat = tracer_tcase("heatmap");
	TCase *live = tracer_tcase("live");

	tcase_add_test(files, files_cold_mapped);
	tcase_add_test(files, files_read_syscall);
	tcase_add_test(heat, heatmap_second_half);
	tcase_add_test(live, live_view_terminal);
	tcase_add_test(live, live_view_pipe);
	tcase_add_test(live, live_view_children);
	suite_add_tcase(s, files);
	suite_add_tcase(s, heat);
	suite_add_tcase(s, live);
	return s;
}
