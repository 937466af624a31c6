// SPDX-License-Identifier: GPL-2.0
/* The command line: what parses, and what exits with a usage error. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "suites.h"

START_TEST(pid_and_options)
{
	char *argv[] = { "vmtrace", "-j", "-p", "123", "-d", "2.5", "-s", "faults",
			 "-o", "x.json", NULL };
	struct config cfg;

	ck_assert_int_eq(parse_args(10, argv, &cfg), 0);
	ck_assert_int_eq(cfg.nr_pids, 1);
	ck_assert_int_eq(cfg.pids[0], 123);
	ck_assert(cfg.json);
	ck_assert(cfg.duration == 2.5);
	ck_assert_int_eq(cfg.sort, SORT_FAULTS);
	ck_assert_str_eq(cfg.output, "x.json");
	ck_assert_ptr_null(cfg.command);
}
END_TEST

START_TEST(command_keeps_its_options)
{
	char *argv[] = { "vmtrace", "-j", "--", "./app", "-p", "7", NULL };
	struct config cfg;

	ck_assert_int_eq(parse_args(6, argv, &cfg), 0);
	ck_assert_ptr_nonnull(cfg.command);
	ck_assert_str_eq(cfg.command[0], "./app");
	ck_assert_str_eq(cfg.command[1], "-p");
	ck_assert_int_eq(cfg.nr_pids, 0);
}
END_TEST

/* perf's -p list, and -p again adding to it, in the order given. */
START_TEST(pid_list)
{
	char *argv[] = { "vmtrace", "-p", "30,5", "-p", "7", NULL };
	struct config cfg;

	ck_assert_int_eq(parse_args(5, argv, &cfg), 0);
	ck_assert_int_eq(cfg.nr_pids, 3);
	ck_assert_int_eq(cfg.pids[0], 30);
	ck_assert_int_eq(cfg.pids[1], 5);
	ck_assert_int_eq(cfg.pids[2], 7);
}
END_TEST

START_TEST(measurement_options)
{
	char *full[] = { "vmtrace", "--full", "--top", "3", "--files", "-s", "latency",
			 "--", "./app", NULL };
	char *plain[] = { "vmtrace", "-p", "9", NULL };
	struct config cfg;

	ck_assert_int_eq(parse_args(9, full, &cfg), 0);
	ck_assert(cfg.latency && cfg.heatmap && cfg.files);
	ck_assert_uint_eq(cfg.top, 3);
	ck_assert_int_eq(cfg.sort, SORT_LATENCY);
	ck_assert_int_eq(parse_args(3, plain, &cfg), 0);
	ck_assert(!cfg.latency && !cfg.heatmap && !cfg.files);
	ck_assert_uint_eq(cfg.top, 10);
	ck_assert_int_eq(cfg.sort, SORT_ADDR);
}
END_TEST

/* -- follows children unless --no-inherit; -p only with --follow. */
START_TEST(inherit_defaults)
{
	char *cmd[] = { "vmtrace", "--", "make", NULL };
	char *no[] = { "vmtrace", "--no-inherit", "--merge", "comm", "--", "make", NULL };
	char *pid[] = { "vmtrace", "-p", "12", NULL };
	char *follow[] = { "vmtrace", "-p", "12", "--follow", NULL };
	struct config cfg;

	ck_assert_int_eq(parse_args(3, cmd, &cfg), 0);
	ck_assert(cfg.inherit && !cfg.merge_comm);
	ck_assert_int_eq(parse_args(6, no, &cfg), 0);
	ck_assert(!cfg.inherit && cfg.merge_comm);
	ck_assert_int_eq(parse_args(3, pid, &cfg), 0);
	ck_assert(!cfg.inherit);
	ck_assert_int_eq(parse_args(4, follow, &cfg), 0);
	ck_assert(cfg.inherit);
}
END_TEST

/* record, check and diff: what each takes, and the tolerances. */
START_TEST(ci_commands)
{
	char *check[] = { "vmtrace", "check", "--baseline", "b.json", "-r", "4",
			  "--tolerance", "5%", "--tolerance-for", "major=0", "--min-count",
			  "3", "--", "./app", "-r", "9", NULL };
	char *diff[] = { "vmtrace", "diff", "a.json", "b.json", NULL };
	struct config cfg;

	ck_assert_int_eq(parse_ci_args(16, check, &cfg), 0);
	ck_assert_int_eq(cfg.ci, CI_CHECK);
	ck_assert_str_eq(cfg.baseline, "b.json");
	ck_assert_uint_eq(cfg.runs, 4);
	ck_assert(cfg.tol.all.has_relative && cfg.tol.all.relative > 0.049);
	ck_assert(cfg.tol.all.has_min_count && cfg.tol.all.min_count == 3);
	ck_assert(cfg.tol.per[2].has_relative && cfg.tol.per[2].min_count == 0);
	ck_assert_str_eq(cfg.command[0], "./app");
	ck_assert_str_eq(cfg.command[1], "-r");	/* the command's own */
	ck_assert(cfg.inherit && cfg.merge_comm);
	ck_assert_int_eq(parse_ci_args(4, diff, &cfg), 0);
	ck_assert_int_eq(cfg.ci, CI_DIFF);
	ck_assert_str_eq(cfg.other, "b.json");
}
END_TEST

static void parse_or_exit(int argc, char **argv)
{
	struct config cfg;

	parse_args(argc, argv, &cfg);
}

/* One PID more than MAX_TARGET_PIDS: a usage error. */
START_TEST(too_many_pids)
{
	char list[MAX_TARGET_PIDS * 8] = "";
	char *argv[] = { "vmtrace", "-p", list, NULL };

	for (int i = 1; i <= MAX_TARGET_PIDS + 1; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d",
			 i > 1 ? "," : "", i);
	parse_or_exit(3, argv);
	ck_abort_msg("%d PIDs accepted", MAX_TARGET_PIDS + 1);
}
END_TEST

START_TEST(usage_errors_exit_2)
{
	char *none[] = { "vmtrace", NULL };
	char *both[] = { "vmtrace", "-p", "1", "--", "true", NULL };
	char *bad_pid[] = { "vmtrace", "-p", "12x", NULL };
	char *bad_sort[] = { "vmtrace", "-s", "size", "-p", "1", NULL };
	char *bad_top[] = { "vmtrace", "--top", "0", "-p", "1", NULL };
	/* issue 12: each was accepted */
	char *two_pids[] = { "vmtrace", "-p", "1", "-p", "1", NULL };
	char *nan[] = { "vmtrace", "-d", "nan", "-p", "1", NULL };
	char *inf[] = { "vmtrace", "-d", "inf", "-p", "1", NULL };
	char *negative[] = { "vmtrace", "-d", "-1", "-p", "1", NULL };
	char *hex[] = { "vmtrace", "-d", "0x10", "-p", "1", NULL };
	char *zero[] = { "vmtrace", "-d", "0", "-p", "1", NULL };
	char *fast[] = { "vmtrace", "-I", "0", "-p", "1", NULL };
	char *just_fast[] = { "vmtrace", "-I", "49", "-p", "1", NULL };
	char *seconds[] = { "vmtrace", "-I", "0.5", "-p", "1", NULL };
	/* issue 13: perf's letters */
	char *system_wide[] = { "vmtrace", "-a", "-p", "1", NULL };
	/* -p lists: twice the same PID, an empty element, a bad one */
	char *twice[] = { "vmtrace", "-p", "1,2,1", NULL };
	char *empty[] = { "vmtrace", "-p", "1,,2", NULL };
	char *trailing[] = { "vmtrace", "-p", "1,", NULL };
	char *bad_elem[] = { "vmtrace", "-p", "1,x", NULL };
	char **cases[] = { none, both, bad_pid, bad_sort, bad_top, two_pids, nan, inf,
			   negative, hex, zero, fast, just_fast, seconds, system_wide,
			   twice, empty, trailing, bad_elem };
	int argcs[] = { 1, 5, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 3, 3, 3, 3 };

	parse_or_exit(argcs[_i], cases[_i]);
	ck_abort_msg("case %d did not exit", _i);
}
END_TEST

/*
 * The smallest interval (milliseconds) and plain decimals pass; --orphan is
 * off by default; -i is perf's --no-inherit, --all-vmas what -a was.
 */
START_TEST(seconds_and_orphan)
{
	char *ok[] = { "vmtrace", "-I", "50", "-d", ".5", "--orphan", "--", "x", NULL };
	char *plain[] = { "vmtrace", "-d", "3.", "-i", "--all-vmas", "--", "x", NULL };
	struct config cfg;

	ck_assert_int_eq(parse_args(8, ok, &cfg), 0);
	ck_assert(cfg.interval == 0.05 && cfg.duration == 0.5 && cfg.orphan);
	ck_assert(cfg.inherit && !cfg.all_vmas);
	ck_assert_int_eq(parse_args(7, plain, &cfg), 0);
	ck_assert(cfg.duration == 3 && !cfg.orphan);
	ck_assert(cfg.no_inherit && !cfg.inherit && cfg.all_vmas);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("args");

	tcase_add_test(tc, pid_and_options);
	tcase_add_test(tc, command_keeps_its_options);
	tcase_add_test(tc, measurement_options);
	tcase_add_test(tc, inherit_defaults);
	tcase_add_test(tc, ci_commands);
	tcase_add_test(tc, seconds_and_orphan);
	tcase_add_test(tc, pid_list);
	tcase_add_exit_test(tc, too_many_pids, 2);
	tcase_add_loop_exit_test(tc, usage_errors_exit_2, 2, 0, 19);
	suite_add_tcase(s, tc);
	return s;
}
