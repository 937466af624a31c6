// SPDX-License-Identifier: GPL-2.0
/* /proc/PID/stat and /proc/PID/maps parsing. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "model/procfs.h"
#include "suites.h"

/* A real line (6.18), with a command name that holds ") (" to mislead. */
static const char stat_line[] =
	"4242 (a) (b c) R 1 4242 4242 34816 4242 4194304 1234 0 5 0 7 3 0 0 "
	"20 0 1 0 5000 2658304 300 18446744073709551615 94000000000000 "
	"94000000004096 140000000000000 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 "
	"94000000008192 94000000012288 94000020000000 140000000001000 "
	"140000000002000 140000000002000 140000000003000 0\n";

START_TEST(stat_fields)
{
	struct proc_stat st;

	ck_assert_int_eq(parse_stat(stat_line, &st), 0);
	ck_assert_str_eq(st.comm, "a) (b c");
	ck_assert_int_eq(st.state, 'R');
	ck_assert_uint_eq(st.flags, 4194304);
	ck_assert_uint_eq(st.minflt, 1234);
	ck_assert_uint_eq(st.majflt, 5);
	ck_assert_uint_eq(st.start_code, 94000000000000ULL);
	ck_assert_uint_eq(st.end_code, 94000000004096ULL);
	ck_assert_uint_eq(st.start_stack, 140000000000000ULL);
	ck_assert_uint_eq(st.start_data, 94000000008192ULL);
	ck_assert_uint_eq(st.end_data, 94000000012288ULL);
	ck_assert_uint_eq(st.start_brk, 94000020000000ULL);
}
END_TEST

START_TEST(stat_malformed)
{
	struct proc_stat st;

	ck_assert_int_ne(parse_stat("", &st), 0);
	ck_assert_int_ne(parse_stat("12 (no close paren R 1 2", &st), 0);
	ck_assert_int_ne(parse_stat("12 (x) R 1 2 3 4\n", &st), 0); /* truncated */
}
END_TEST

START_TEST(stat_self)
{
	struct proc_stat st;

	ck_assert_int_eq(read_stat(getpid(), &st), 0);
	ck_assert_uint_gt(st.minflt, 0);
	ck_assert_uint_gt(st.start_stack, st.start_code);
}
END_TEST

START_TEST(maps_file_line)
{
	struct maps_entry e;

	ck_assert_int_eq(parse_maps_line("7f1c2a000000-7f1c2a028000 r-xp 00028000 "
		"fe:01 1835122                    /usr/lib/x86_64-linux-gnu/libc.so.6\n", &e), 0);
	ck_assert_uint_eq(e.start, 0x7f1c2a000000ULL);
	ck_assert_uint_eq(e.end, 0x7f1c2a028000ULL);
	ck_assert_str_eq(e.perms, "r-xp");
	ck_assert_uint_eq(e.offset, 0x28000);
	ck_assert_uint_eq(e.dev_major, 0xfe);
	ck_assert_uint_eq(e.dev_minor, 1);
	ck_assert_uint_eq(e.ino, 1835122);
	ck_assert_str_eq(e.path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
}
END_TEST

START_TEST(maps_anon_special_spaces)
{
	struct maps_entry e;

	ck_assert_int_eq(parse_maps_line("55d0c0000000-55d0c0021000 rw-p 00000000 00:00 0 \n", &e), 0);
	ck_assert_str_eq(e.path, "");
	ck_assert_uint_eq(e.ino, 0);
	ck_assert_int_eq(parse_maps_line("7ffd0000-7ffd1000 rw-p 00000000 00:00 0    [stack]\n", &e), 0);
	ck_assert_str_eq(e.path, "[stack]");
	ck_assert_int_eq(parse_maps_line("1000-2000 r--s 00000000 08:02 77 /tmp/a b (deleted)\n", &e), 0);
	ck_assert_str_eq(e.path, "/tmp/a b (deleted)");
}
END_TEST

START_TEST(maps_malformed)
{
	struct maps_entry e;

	ck_assert_int_ne(parse_maps_line("", &e), 0);
	ck_assert_int_ne(parse_maps_line("zzzz-1000 r--p 0 00:00 0\n", &e), 0);
	ck_assert_int_ne(parse_maps_line("2000-1000 r--p 00000000 00:00 0 \n", &e), 0);
	ck_assert_int_ne(parse_maps_line("1000-2000 rw 00000000 00:00 0 \n", &e), 0);
}
END_TEST

/* Arguments joined; a rewritten argv's NUL padding ends the line. */
START_TEST(cmdline_nul_runs)
{
	char args[] = "ls\0-l\0/tmp";	/* as the kernel gives it, NUL-terminated */
	char padded[] = "nginx: worker process\0\0\0\0\0\0ignored";

	cmdline_join(args, sizeof(args) - 1 + 1);
	ck_assert_str_eq(args, "ls -l /tmp");
	cmdline_join(padded, sizeof(padded) - 1);
	ck_assert_str_eq(padded, "nginx: worker process");
}
END_TEST

START_TEST(maps_self)
{
	struct maps_entry *e = NULL;
	size_t n = 0;
	int stack = 0;

	ck_assert_int_eq(read_maps(getpid(), &e, &n), 0);
	ck_assert_uint_gt(n, 3);
	for (size_t i = 0; i < n; i++) {
		stack += !strcmp(e[i].path, "[stack]");
		if (i)
			ck_assert_uint_ge(e[i].start, e[i - 1].end);
	}
	ck_assert_int_eq(stack, 1);
	free(e);
}
END_TEST

Suite *procfs_suite(void)
{
	Suite *s = suite_create("procfs");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, stat_fields);
	tcase_add_test(tc, stat_malformed);
	tcase_add_test(tc, stat_self);
	tcase_add_test(tc, maps_file_line);
	tcase_add_test(tc, maps_anon_special_spaces);
	tcase_add_test(tc, maps_malformed);
	tcase_add_test(tc, maps_self);
	tcase_add_test(tc, cmdline_nul_runs);
	suite_add_tcase(s, tc);
	return s;
}
