/*
 * The harness's own logic, without root or a tracer: expect lines, and
 * report checks against sample.json (a hand-written report). A checker
 * that never fails proves nothing, so each check is also fed a mismatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static struct report sample;

static void sample_load(void)
{
	const char *path = getenv("ITEST_SAMPLE");
	char err[MSG_MAX];

	if (!path)
		path = "tests/integration/sample.json";
	ck_assert_msg(!report_read(&sample, path, err, sizeof(err)), "%s",
		      err);
}

static void sample_free(void)
{
	report_free(&sample);
}

/* Mismatches of one expect line against the sample; msg gets the why. */
static int check_line(const char *line, bool exact, char *msg, size_t len)
{
	struct expect e;

	ck_assert_msg(!expect_parse(line, &e), "cannot parse: %s", line);
	return report_check_expect(&sample, &e, exact, msg, len);
}

START_TEST(test_expect_parse)
{
	struct expect e;

	ck_assert(!expect_parse("expect pid=12 start=0x7f00 end=0x8000 "
				"faults=3 unmapped=1 label=[heap] from=ready",
				&e));
	ck_assert_int_eq(e.pid, 12);
	ck_assert_uint_eq(e.start, 0x7f00);
	ck_assert_uint_eq(e.end, 0x8000);
	ck_assert(e.from_ready);
	ck_assert_int_eq(e.nkeys, 3);
	ck_assert_str_eq(e.kv[0].key, "faults");
	ck_assert_str_eq(e.kv[0].val, "3");
	ck_assert_str_eq(e.kv[2].val, "[heap]");
	ck_assert(expect_parse("expected pid=1 start=0x1 end=0x2", &e));
	ck_assert(expect_parse("expect pid=1 start=0x1 end=0x2 faults", &e));
	ck_assert(expect_parse("expect pid=1 start=0x2 end=0x1", &e));
	ck_assert(expect_parse("expect pid=1 start=0xzz end=0x2", &e));
	ck_assert(expect_parse("expect pid=1 start=0x1 end=0x2 from=x", &e));
}
END_TEST

START_TEST(test_expects_for_pid)
{
	const char *text = "vmwork: pid=7\n"
			   "expect pid=8 start=0x1000 end=0x2000 wp=1\n"
			   "expect pid=7 start=0x1000 end=0x2000 faults=2\n"
			   "vmwork: rusage minflt=2 majflt=0\n"
			   "expect pid=7 start=0x3000 end=0x4000 faults=1";
	struct expect e[4];

	ck_assert_int_eq(text_pid(text, "vmwork: pid="), 7);
	ck_assert_int_eq(text_pid(text, "vmwork: child="), -1);
	ck_assert_int_eq(expects_for_pid(text, 7, e, 4), 2);
	ck_assert_uint_eq(e[1].start, 0x3000);
	ck_assert_int_eq(expects_for_pid(text, 8, e, 4), 1);
	ck_assert_int_eq(expects_for_pid("expect pid=7 oops\n", 7, e, 4), -1);
}
END_TEST

START_TEST(test_sample_matches)
{
	char msg[MSG_MAX];

	/* anywhere inside the row, every kind of key */
	ck_assert_msg(!check_line("expect pid=4242 start=0x7f0000002000 "
				  "end=0x7f0000003000 faults=4 minor=4 major=0 "
				  "read=0 write=4 exec=0 wp=0 errors=0", true,
				  msg, sizeof(msg)), "%s", msg);
	ck_assert_msg(!check_line("expect pid=4242 start=0x1c3d000 "
				  "end=0x1c5e000 faults=3 label=[heap]", true,
				  msg, sizeof(msg)), "%s", msg);
	ck_assert_msg(!check_line("expect pid=4242 start=0x7f0000010000 "
				  "end=0x7f0000012000 major=2 "
				  "path=/tmp/x/vmwork.data", true, msg,
				  sizeof(msg)), "%s", msg);
	ck_assert_msg(!check_line("expect pid=4242 start=0x7f0000020000 "
				  "end=0x7f0000021000 wp=1 unmapped=1", true,
				  msg, sizeof(msg)), "%s", msg);
	ck_assert_msg(!check_line("expect pid=4242 start=0x7f0000030000 "
				  "end=0x7f0000031000 faults=1 errors=1", true,
				  msg, sizeof(msg)), "%s", msg);
	/* lower bounds: from=ready lines seen by a tracer attached earlier */
	ck_assert_msg(!check_line("expect pid=4242 start=0x1c3d000 "
				  "end=0x1c3e000 faults=2 minor=3", false, msg,
				  sizeof(msg)), "%s", msg);
	ck_assert_msg(!report_check_totals(&sample, msg, sizeof(msg)), "%s",
		      msg);
	ck_assert_int_eq(report_int(&sample, "syscalls.brk.calls"), 3);
	ck_assert_int_eq(report_int(&sample, "pid"), 4242);
	ck_assert(report_int(&sample, "syscalls.nope.calls") == INT64_MIN);
}
END_TEST

/* Each line holds exactly one mismatch, described by the quoted text. */
static const struct {
	const char *line;
	bool exact;
	const char *why;
} mismatches[] = {
	{ "expect pid=1 start=0x7f0000001000 end=0x7f0000005000 faults=5",
	  true, "faults=4, expected 5" },
	{ "expect pid=1 start=0x7f0000001000 end=0x7f0000005000 faults=5",
	  false, "faults=4, expected >=5" },
	{ "expect pid=1 start=0x7f0000001000 end=0x7f0000005000 unmapped=1",
	  true, "unmapped=false, expected true" },
	{ "expect pid=1 start=0x1c3d000 end=0x1c3e000 label=[stack]",
	  true, "label=[heap], expected [stack]" },
	{ "expect pid=1 start=0x1c3d000 end=0x1c3e000 path=/x",
	  true, "path=null, expected /x" },
	{ "expect pid=1 start=0x7f0000005000 end=0x7f0000006000 faults=1",
	  true, "0 rows hold 0x7f0000005000" },
	{ "expect pid=1 start=0x1c3d000 end=0x1c3e000 bogus=1",
	  true, "unknown expectation key bogus" },
};

START_TEST(test_sample_mismatch)
{
	char msg[MSG_MAX];

	ck_assert_int_eq(check_line(mismatches[_i].line, mismatches[_i].exact,
				    msg, sizeof(msg)), 1);
	ck_assert_msg(strstr(msg, mismatches[_i].why), "\"%s\" lacks \"%s\"",
		      msg, mismatches[_i].why);
}
END_TEST

/* Reports that break the totals oracle, one way each. */
static const char *const bad_totals[] = {
	/* kernel counted a fault the tracer missed */
	"{\"totals\": {\"faults\": 3, \"minor\": 2, \"major\": 1, "
	"\"errors\": 0}, \"kernel\": {\"minflt\": 3, \"majflt\": 1}, "
	"\"drops\": 0}",
	/* faults != minor + major + errors */
	"{\"totals\": {\"faults\": 4, \"minor\": 2, \"major\": 1, "
	"\"errors\": 0}, \"kernel\": {\"minflt\": 2, \"majflt\": 1}, "
	"\"drops\": 0}",
	/* events lost */
	"{\"totals\": {\"faults\": 3, \"minor\": 2, \"major\": 1, "
	"\"errors\": 0}, \"kernel\": {\"minflt\": 2, \"majflt\": 1}, "
	"\"drops\": 5}",
	/* a counter missing */
	"{\"totals\": {\"faults\": 3, \"minor\": 2, \"major\": 1}, "
	"\"kernel\": {\"minflt\": 2, \"majflt\": 1}, \"drops\": 0}",
};

START_TEST(test_totals_mismatch)
{
	struct report r;
	char msg[MSG_MAX];

	ck_assert(!report_parse(&r, bad_totals[_i]));
	ck_assert_int_eq(report_check_totals(&r, msg, sizeof(msg)), 1);
	report_free(&r);
}
END_TEST

/* Two rows holding one address: the report is not a set of VMAs. */
START_TEST(test_overlapping_rows)
{
	struct report r;
	struct expect e;
	char msg[MSG_MAX];

	ck_assert(!report_parse(&r, "{\"vmas\": ["
		"{\"start\": \"0x1000\", \"end\": \"0x3000\", \"faults\": 1},"
		"{\"start\": \"0x2000\", \"end\": \"0x4000\", \"faults\": 1}]}"));
	ck_assert(!expect_parse("expect pid=1 start=0x2000 end=0x3000 faults=1",
				&e));
	ck_assert_int_eq(report_check_expect(&r, &e, true, msg, sizeof(msg)),
			 1);
	ck_assert_msg(strstr(msg, "2 rows hold"), "%s", msg);
	report_free(&r);
}
END_TEST

Suite *parser_suite(void)
{
	Suite *s = suite_create("parser");
	TCase *tc = tcase_create("parser");
	int nmis = sizeof(mismatches) / sizeof(mismatches[0]);
	int nbad = sizeof(bad_totals) / sizeof(bad_totals[0]);

	tcase_add_checked_fixture(tc, sample_load, sample_free);
	tcase_add_test(tc, test_expect_parse);
	tcase_add_test(tc, test_expects_for_pid);
	tcase_add_test(tc, test_sample_matches);
	tcase_add_loop_test(tc, test_sample_mismatch, 0, nmis);
	tcase_add_loop_test(tc, test_totals_mismatch, 0, nbad);
	tcase_add_test(tc, test_overlapping_rows);
	suite_add_tcase(s, tc);
	return s;
}
