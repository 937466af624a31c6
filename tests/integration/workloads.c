/*
 * One test case per vmwork mode, each run as "vmtrace -j -o F -- vmwork
 * MODE": every row named by an expect line must hold exactly the faults
 * vmwork constructed, and the totals must equal the kernel's counters.
 */
#include <stdio.h>
#include <string.h>

#include "itest.h"

struct workload {
	const char *name;
	const char *args[6];	/* "@FILE": a data file in itest_dir */
	int lines;		/* expect lines for the traced pid */
	const char *syscall;	/* a counter that must be at least min */
	long min;
};

/* Sizes differ per mode so that one row cannot pass for another. */
static const struct workload workloads[] = {
	{ "anon", { "anon", "257" }, 1, "syscalls.mmap.calls", 1 },
	{ "brk", { "brk", "258" }, 1, "syscalls.brk.calls", 4 },
	/* from=ready: the [stack] row also holds startup's faults */
	{ "stack", { "stack", "259" }, 1, NULL, 0 },
	/* the parent's row; the child's is checked with -p (attach.c) */
	{ "cow", { "cow", "260" }, 1, NULL, 0 },
	{ "file", { "file", "@FILE", "261" }, 1, NULL, 0 },
	{ "read", { "read", "262" }, 1, NULL, 0 },
	{ "threads", { "threads", "4", "131" }, 4, NULL, 0 },
	{ "unmap", { "unmap", "263" }, 1, "syscalls.munmap.calls", 1 },
	{ "segv", { "segv" }, 2, "totals.errors", 2 },
	{ "sigbus", { "sigbus", "@FILE" }, 1, "totals.errors", 1 },
	/* MADV_DONTNEED keeps the VMA (and vmtrace's cached row) */
	{ "dontneed", { "dontneed", "264" }, 1, NULL, 0 },
	/* hundreds of short-lived VMAs: more rows than one batch read holds */
	{ "churn", { "churn", "4", "1100" }, 0, "syscalls.munmap.calls", 1100 },
	/* rows that keep the extent their faults were taken under */
	{ "split", { "split", "65" }, 3, "syscalls.mprotect.calls", 1 },
	{ "mergecut", { "mergecut", "66" }, 3, "syscalls.mremap.calls", 1 },
	{ "heapshrink", { "heapshrink", "68" }, 2, "syscalls.brk.calls", 3 },
};

#define NR_WORKLOADS	(int)(sizeof(workloads) / sizeof(workloads[0]))

START_TEST(test_workload)
{
	const struct workload *w = &workloads[_i];
	const char *args[6] = { 0 };
	char file[4096];
	struct session s = { 0 };

	snprintf(file, sizeof(file), "%s/vmwork.data", itest_dir);
	for (int i = 0; w->args[i]; i++)
		args[i] = strcmp(w->args[i], "@FILE") ? w->args[i] : file;
	trace_cmd(&s, args);
	check_expects(&s, s.wpid, false, w->lines);
	check_report(&s, s.wpid);
	if (w->syscall)
		ck_assert_msg(report_int(&s.rep, w->syscall) >= w->min,
			      "%s=%lld, expected >=%ld", w->syscall,
			      (long long)report_int(&s.rep, w->syscall),
			      w->min);
	session_free(&s);
}
END_TEST

Suite *workload_suite(void)
{
	Suite *s = suite_create("workloads");

	for (int i = 0; i < NR_WORKLOADS; i++) {
		TCase *tc = tracer_tcase(workloads[i].name);

		tcase_add_loop_test(tc, test_workload, i, i + 1);
		suite_add_tcase(s, tc);
	}
	return s;
}
