/*
 * Files, latency histograms, heatmaps and the live view, against workloads
 * whose faults and read-ins are known by construction.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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

/*
 * The live view's workload: "vmwork --hold anon LIVE_PAGES" writes the pages
 * into one VMA of its own, says "vmwork: holding" and waits on its stdin,
 * faulting nothing more; the test lets it go once LIVE_SCREENS screens began
 * after that line. Counts, not time: the same screens whether a fault costs
 * 1 us or 15 us, and the same rows (no VMA churn to fill vmtrace's map).
 * 300 pages: more faults than any other VMA of vmwork's, so the row is at
 * the top of the view (--top 5 too).
 */
#define LIVE_PAGES	300
#define STR(x)		#x
#define NUMBER(x)	STR(x)
#define LIVE_SCREENS	3
#define HOLD_LINE	"vmwork: holding"
#define CLEAR_SCREEN	"\033[H\033[2J"
#define BLOCK_HEADER	"vmtrace  PID"
#define MAX_SCREENS	256

static const char *out_of(const struct proc *p)
{
	return p->out[P_OUT].data ? p->out[P_OUT].data : "";
}

static int count_of(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/*
 * Starts argv with a pseudo-terminal as its stdin, stdout and stderr, read
 * through p->fd[P_OUT] like a pipe of proc_start()'s.
 */
static void pty_start(struct proc *p, char *const argv[])
{
	int master;

	memset(p, 0, sizeof(*p));
	p->status = -1;
	p->in = p->fd[P_ERR] = -1;
	p->pid = forkpty(&master, NULL, NULL, NULL);
	ck_assert_msg(p->pid >= 0, "forkpty failed");
	if (!p->pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv(argv[0], argv);
		_exit(127);
	}
	p->fd[P_OUT] = master;
}

/*
 * Reads vmtrace's output as it arrives until the workload holds, then
 * until LIVE_SCREENS screens (lines starting with header) began after that;
 * then lets the workload go (a line typed on the terminal, or the end of its
 * stdin pipe) and waits for vmtrace to exit 0. Returns the offset of what
 * follows the hold line.
 */
static size_t live_watch(struct proc *p, const char *header, bool tty)
{
	const char *out;
	size_t held, len;
	int st;

	ck_assert_msg(proc_wait_line(p, P_OUT, HOLD_LINE, itest_timeout()),
		      "no \"" HOLD_LINE "\" line: %.3000s", out_of(p));
	held = p->out[P_OUT].seen;
	for (int i = 0; i < LIVE_SCREENS; i++)
		ck_assert_msg(proc_wait_line(p, P_OUT, header, itest_timeout()),
			      "%d screens after the workload held, wanted %d: %.3000s",
			      i, LIVE_SCREENS, out_of(p));
	if (tty)
		ck_assert(write(p->fd[P_OUT], "\n", 1) == 1);
	proc_close_in(p);
	st = proc_wait(p, itest_timeout());
	/* on a terminal, stderr is in the output: its last 3000 bytes (a
	 * longer message makes Check exit 2 instead of reporting it) */
	out = out_of(p);
	len = strlen(out);
	assert_exit0(st, "vmtrace -i", p->out[P_ERR].data ? p->out[P_ERR].data :
		     out + (len > 3000 ? len - 3000 : 0));
	return held;
}

/* Copies the line at l (without "\r\n") to buf; returns the next one or NULL. */
static const char *line_at(const char *l, const char *end, char *buf, size_t size)
{
	size_t len = strcspn(l, "\r\n");

	if (l + len > end)
		len = end - l;
	if (len >= size)
		len = size - 1;
	memcpy(buf, l, len);
	buf[len] = 0;
	l = strchr(l, '\n');
	return l && l + 1 < end ? l + 1 : NULL;
}

/*
 * The live view's row of the VMA at start in [text, end): "NOW/s FAULTS MINOR
 * MAJOR ERR WP START [PID COMMAND] VMA", PID and COMMAND when pid is not 0.
 * Asserts it is there, an [anon] row of LIVE_PAGES minor faults, its WP a
 * count (0: the pages were fresh) or n/a, never missing.
 */
static void check_live_row(const char *text, const char *end, unsigned long start,
			   pid_t pid)
{
	char buf[1024], label[64], comm[32], wp[8];
	unsigned long faults, minor, major, err, at;
	double now;
	int off, rpid;

	for (const char *l = text; l; ) {
		l = line_at(l, end, buf, sizeof(buf));
		off = 0;
		if (sscanf(buf, "%lf %lu %lu %lu %lu %7s %lx %n", &now, &faults, &minor,
			   &major, &err, wp, &at, &off) < 7 || !off || at != start)
			continue;
		ck_assert_msg(!strcmp(wp, "0") || !strcmp(wp, "n/a"), "WP of fresh pages: %s",
			      buf);
		if (pid) {
			ck_assert_msg(sscanf(buf + off, "%d %31s %63s", &rpid, comm,
					     label) == 3, "bad row: %s", buf);
			ck_assert_msg(rpid == pid && !strcmp(comm, "vmwork"),
				      "the row is not vmwork's (pid %d): %s", pid, buf);
		} else {
			ck_assert_msg(sscanf(buf + off, "%63s", label) == 1, "bad row: %s", buf);
		}
		ck_assert_msg(!strcmp(label, "[anon]") && faults == LIVE_PAGES &&
			      minor == LIVE_PAGES && !major && !err,
			      "want %d minor faults on [anon]: %s", LIVE_PAGES, buf);
		return;
	}
	ck_abort_msg("no row of the VMA at %lx in the screen: %.*s", start,
		     (int)(end - text < 3000 ? end - text : 3000), text);
}

/* The final report's row of the VMA at start: [anon], LIVE_PAGES minor faults. */
static void check_report_row(const char *report, unsigned long start)
{
	char buf[1024], label[64], perms[8];
	unsigned long at, to, faults, minor, major;

	for (const char *l = report; l; ) {
		l = line_at(l, report + strlen(report), buf, sizeof(buf));
		if (sscanf(buf, " %lx %lx %7s %63s %lu %lu %lu", &at, &to, perms, label,
			   &faults, &minor, &major) != 7 || at != start)
			continue;
		ck_assert_msg(!strcmp(label, "[anon]") && faults == LIVE_PAGES &&
			      minor == LIVE_PAGES && !major,
			      "want %d minor faults on [anon]: %s", LIVE_PAGES, buf);
		return;
	}
	ck_abort_msg("no row of the VMA at %lx in the final report: %.3000s", start, report);
}

/*
 * What every live test checks once vmtrace has exited: the workload's row in
 * each screen from the second after the hold line on (the first may have been
 * sampled before the line was written: its counts may be short; the second
 * began after the first was written, so after all the faults), and the final
 * report after the last screen, with the row, TOTAL and the kernel's counters.
 * many: the view lists processes (PID and COMMAND columns). Returns the
 * workload's pid and the final report (the text from its "PID " line on).
 */
static pid_t check_live(const struct proc *p, size_t held, const char *header,
			bool many, const char **report)
{
	const char *text = out_of(p), *at[MAX_SCREENS], *end;
	pid_t wpid = text_pid(text, "vmwork: pid=");
	struct expect e;
	size_t n = 0;

	ck_assert_msg(wpid > 0, "no \"vmwork: pid=\" line: %.3000s", text);
	ck_assert_msg(expects_for_pid(text, wpid, &e, 1) == 1 &&
		      !strcmp(e.kv[0].key, "faults") &&
		      atol(e.kv[0].val) == LIVE_PAGES, "no expect line of %d faults: %.3000s",
		      LIVE_PAGES, text);
	for (const char *s = text + held; n < MAX_SCREENS && (s = strstr(s, header));
	     s += strlen(header))
		if (s[-1] == '\n')
			at[n++] = s;
	ck_assert_msg(n >= LIVE_SCREENS, "%zu screens after \"" HOLD_LINE "\": %.3000s",
		      n, text);
	/* the final report: its first line is "PID N (COMMAND), ..." */
	*report = strstr(at[n - 1], "\nPID ");
	ck_assert_msg(*report, "no final report after the last screen: %.3000s", at[n - 1]);
	for (size_t i = 1; i < n; i++) {
		end = i + 1 < n ? at[i + 1] : *report;
		check_live_row(at[i], end, e.start, many ? wpid : 0);
		if (many)
			ck_assert_msg(strstr(at[i], " 2 processes") &&
				      strstr(at[i], " 2 processes") < end,
				      "no process count: %.3000s", at[i]);
	}
	ck_assert_msg(strstr(*report, "TOTAL") &&
		      strstr(*report, "kernel counters, same window:"),
		      "no TOTAL or kernel counters in the final report: %.3000s", *report);
	if (!many)
		check_report_row(*report, e.start);
	return wpid;
}

/* -i on a terminal: screens redrawn in place, then the full report. */
START_TEST(live_view_terminal)
{
	char *argv[] = { (char *)vmtrace_path, "-I", "300", "--top", "5", "--",
			 (char *)vmwork_path, "--hold", "anon", NUMBER(LIVE_PAGES), NULL };
	struct proc p;
	const char *out, *report;
	size_t held;

	pty_start(&p, argv);
	held = live_watch(&p, CLEAR_SCREEN, true);
	out = out_of(&p);
	check_live(&p, held, CLEAR_SCREEN, false, &report);
	ck_assert_msg(count_of(out, CLEAR_SCREEN) >= LIVE_SCREENS, "fewer than %d screens: %.3000s",
		      LIVE_SCREENS, out);
	ck_assert_msg(count_of(out, "NOW/s") >= LIVE_SCREENS, "no VMA table: %.3000s", out);
	/* the last screen is followed by the full report, not redrawn over */
	ck_assert_msg(!strchr(report, '\033'), "a screen after the final report: %.3000s", report);
	ck_assert_msg(strstr(report, "-> all counted"), "traced != kernel: %.3000s", report);
	proc_free(&p);
}
END_TEST

/*
 * -I into a pipe: plain blocks appended, no terminal control codes. -o -:
 * the view and the report on stdout, in order with the workload's lines.
 */
START_TEST(live_view_pipe)
{
	const char *argv[] = { vmtrace_path, "-I", "300", "-o", "-", "--", vmwork_path,
			       "--hold", "anon", NUMBER(LIVE_PAGES), NULL };
	struct proc p;
	const char *out, *report;
	size_t held;

	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR | PIPE_IN, 0));
	held = live_watch(&p, BLOCK_HEADER, false);
	out = out_of(&p);
	check_live(&p, held, BLOCK_HEADER, false, &report);
	ck_assert_msg(!strchr(out, '\033'), "control codes in a pipe: %.3000s", out);
	ck_assert_msg(count_of(out, BLOCK_HEADER) >= LIVE_SCREENS, "fewer than %d blocks: %.3000s",
		      LIVE_SCREENS, out);
	ck_assert_msg(strstr(report, "-> all counted"), "traced != kernel: %.3000s", report);
	proc_free(&p);
}
END_TEST

/*
 * The final report's processes table holds the workload, a child of the
 * report's process (the shell), with its LIVE_PAGES faults and more, all
 * counted: "PID PPID sh > vmwork FAULTS MINOR MAJOR ERR N (all counted)".
 */
static void check_child_listed(const char *report, pid_t wpid)
{
	const char *table = strstr(report, "\nprocesses: 2 traced");
	unsigned long faults;
	char buf[1024];
	int sh, pid, ppid, off;

	ck_assert_msg(sscanf(report, "\nPID %d", &sh) == 1, "no PID line: %.3000s", report);
	ck_assert_msg(table, "no processes table: %.3000s", report);
	for (const char *l = table + 1; l; ) {
		l = line_at(l, report + strlen(report), buf, sizeof(buf));
		off = 0;
		if (sscanf(buf, " %d %d %n", &pid, &ppid, &off) != 2 || !off || pid != wpid)
			continue;
		ck_assert_msg(ppid == sh && !strncmp(buf + off, "sh > vmwork ", 12) &&
			      sscanf(buf + off + 12, "%lu", &faults) == 1 &&
			      faults >= LIVE_PAGES && strstr(buf, " (all counted)"),
			      "want vmwork, child of %d, %d faults or more, all counted: %s",
			      sh, LIVE_PAGES, buf);
		return;
	}
	ck_abort_msg("vmwork (%d) not in the processes table: %.3000s", wpid, table);
}

/* A command whose child does the faulting: the child's rows are in the view. */
START_TEST(live_view_children)
{
	char script[PATH_MAX + 64];
	const char *argv[] = { vmtrace_path, "-I", "300", "-o", "-", "--", "/bin/sh", "-c",
			       script, NULL };
	struct proc p;
	const char *report;
	size_t held;
	pid_t wpid;

	/* "; true": the shell forks a child instead of exec'ing its last command;
	 * the child's stdin is the shell's, vmtrace's: the test's pipe */
	snprintf(script, sizeof(script), "%s --hold anon %d; true", vmwork_path, LIVE_PAGES);
	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR | PIPE_IN, 0));
	held = live_watch(&p, BLOCK_HEADER, false);
	wpid = check_live(&p, held, BLOCK_HEADER, true, &report);
	check_child_listed(report, wpid);
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
