// SPDX-License-Identifier: GPL-2.0
/* Baselines: statistics, the JSON both ways, every refusal; comparison verdicts. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ci/baseline.h"
#include "ci/compare.h"
#include "ci/match.h"
#include "suites.h"
#include "../fuzz/cases.h"

START_TEST(refuses_bad_baseline)
{
	const struct bad_baseline *c = &bad_baselines[_i];
	char err[BASELINE_ERR_MAX] = "";
	struct baseline b;

	ck_assert_msg(baseline_parse(c->text, strlen(c->text), &b, err, sizeof(err)),
		      "%s: accepted", c->name);
	ck_assert_msg(err[0] && !strchr(err, '\n'), "%s: reason \"%s\"", c->name, err);
	ck_assert_msg(strstr(err, c->reason), "%s: reason \"%s\", wanted \"%s\"", c->name,
		      err, c->reason);
	ck_assert_ptr_null(b.rows);
}
END_TEST

START_TEST(refuses_nul_inside)
{
	const char text[] = "{\"vmtrace_baseline\":1,\"rows\":[]}";
	char buf[sizeof(text) + 1], err[BASELINE_ERR_MAX];
	struct baseline b;

	memcpy(buf, text, sizeof(text));
	buf[5] = '\0';
	ck_assert(baseline_parse(buf, sizeof(text) - 1, &b, err, sizeof(err)));
}
END_TEST

/* Keys in any order, the version last; escapes decoded; rows sorted by identity. */
START_TEST(reads_any_key_order)
{
	const char text[] = "{\"rows\":["
		BL_ROW("[stack]", "rw-p", "0", BL_CTR("[1,1,1]")) ","
		BL_ROW("/lib/\\u00e9\\ud83d\\ude00.so", "r--p", "1", BL_CTR("[2,1,3]")) "],"
		"\"command\":\"app \\\"x\\\"\\n\",\"vmtrace_baseline\":1}";
	char err[BASELINE_ERR_MAX];
	struct baseline b;

	ck_assert_msg(!baseline_parse(text, strlen(text), &b, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(b.nr, 2);
	ck_assert_str_eq(b.rows[0].id.label, "/lib/\xc3\xa9\xf0\x9f\x98\x80.so");
	ck_assert_uint_eq(b.rows[0].id.position, 1);
	ck_assert_uint_eq(b.rows[0].c[PC_FAULTS].max, 3);
	ck_assert_str_eq(b.rows[1].id.label, "[stack]");
	ck_assert_str_eq(b.command, "app \"x\"\n");
	ck_assert_uint_eq(b.runs, 1);
	baseline_free(&b);
}
END_TEST

/* A directory is named as one, not as an I/O error; so is a missing file. */
START_TEST(load_names_the_problem)
{
	char dir[] = "/tmp/vmtrace-unit.XXXXXX", err[BASELINE_ERR_MAX];
	struct baseline b;

	ck_assert(mkdtemp(dir));
	ck_assert_int_eq(baseline_load(dir, NULL, &b, err, sizeof(err)), -EISDIR);
	ck_assert_str_eq(err, "is a directory");
	ck_assert(!rmdir(dir));
	ck_assert_int_eq(baseline_load(dir, NULL, &b, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "cannot open: No such file or directory");
	ck_assert_ptr_null(b.rows);
}
END_TEST

static void profile_of(struct profile *p, unsigned long long heap, bool file)
{
	uint64_t c[NR_PCOUNTERS] = { 0 };

	memset(p, 0, sizeof(*p));
	c[PC_FAULTS] = c[PC_MINOR] = c[PC_WRITE] = heap;
	ck_assert(!profile_add(p, "app", "[heap]", "rw-p", 0, c));
	c[PC_FAULTS] = c[PC_MINOR] = c[PC_WRITE] = 3;
	if (file)
		ck_assert(!profile_add(p, "app", "data/x.bin", "r--s", 0, c));
	snprintf(p->unavailable, sizeof(p->unavailable), "cow readin oom latency_ns");
}

/* Medians, spreads and a JSON round trip of three runs. */
START_TEST(medians_and_round_trip)
{
	struct profile runs[3];
	struct baseline b, back;
	char *text = NULL, err[BASELINE_ERR_MAX];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	profile_of(&runs[0], 100, true);
	profile_of(&runs[1], 90, false);	/* the file row missing: 0 there */
	profile_of(&runs[2], 120, true);
	ck_assert_int_eq(baseline_from_profiles(&b, runs, 3), 0);
	ck_assert_uint_eq(b.nr, 2);
	ck_assert_str_eq(b.rows[0].id.label, "[heap]");
	ck_assert_uint_eq(b.rows[0].c[PC_FAULTS].median, 100);
	ck_assert_uint_eq(b.rows[0].c[PC_FAULTS].min, 90);
	ck_assert_uint_eq(b.rows[0].c[PC_FAULTS].max, 120);
	ck_assert_uint_eq(b.rows[1].c[PC_FAULTS].median, 3);
	ck_assert_uint_eq(b.rows[1].c[PC_FAULTS].min, 0);
	ck_assert(b.unavailable[PC_COW] && !b.unavailable[PC_FAULTS]);
	b.tol_for[PC_MAJOR] = (struct tolerance){ 0, 0, true, true };
	ck_assert_int_eq(baseline_write(f, &b), 0);
	fclose(f);
	ck_assert_msg(!baseline_parse(text, len, &back, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(back.nr, 2);
	ck_assert_uint_eq(back.rows[0].c[PC_FAULTS].max, 120);
	ck_assert(back.tol_for[PC_MAJOR].has_relative && !back.tol.has_relative);
	ck_assert(back.unavailable[PC_READIN]);
	baseline_free(&b);
	baseline_free(&back);
	for (int i = 0; i < 3; i++)
		profile_free(&runs[i]);
	free(text);
}
END_TEST

/* Names that are not UTF-8: valid JSON on the way out, the same bytes back. */
START_TEST(round_trip_of_any_bytes)
{
	const char *label = "data/\xff\x1b[2J\n\xc3.bin", *command = "\xfe\x01sh";
	uint64_t c[NR_PCOUNTERS] = { [PC_FAULTS] = 5 };
	struct profile p = { 0 };
	struct baseline b, back;
	char *text = NULL, err[BASELINE_ERR_MAX];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert(!profile_add(&p, command, label, "r--p", 0, c));
	ck_assert_int_eq(baseline_from_profiles(&b, &p, 1), 0);
	snprintf(b.command, sizeof(b.command), "./%s", label);
	ck_assert_int_eq(baseline_write(f, &b), 0);
	fclose(f);
	ck_assert_ptr_null(memchr(text, 0xff, len));
	ck_assert_ptr_null(memchr(text, 0x1b, len));
	ck_assert_ptr_nonnull(strstr(text, "\"label_bytes\": \"646174612fff1b5b324a0ac32e62696e\""));
	ck_assert_msg(!baseline_parse(text, len, &back, err, sizeof(err)), "%s", err);
	ck_assert_str_eq(back.rows[0].id.label, label);
	ck_assert_str_eq(back.rows[0].id.command, command);
	ck_assert_str_eq(back.command, b.command);
	baseline_free(&b);
	baseline_free(&back);
	profile_free(&p);
	free(text);
}
END_TEST

static void single(struct baseline *b, unsigned long long heap, bool file)
{
	struct profile p;

	profile_of(&p, heap, file);
	ck_assert_int_eq(baseline_from_profiles(b, &p, 1), 0);
	profile_free(&p);
}

/* Compares; text, if given, gets the table (free it). */
static struct compare_result compare_text(const struct baseline *base,
					  const struct baseline *now,
					  const struct tolerances *tol, bool verbose,
					  char **text)
{
	struct compare_result res;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert(f);
	compare_baselines(&(struct compare_out){ .text = f }, base, now, tol, verbose, &res);
	fclose(f);
	if (text)
		*text = buf;
	else
		free(buf);
	return res;
}

/* A hostile row name in JUnit: markup escaped, no raw control byte. */
START_TEST(junit_escapes_names)
{
	uint64_t c[NR_PCOUNTERS] = { [PC_FAULTS] = 50, [PC_MINOR] = 50 };
	struct baseline base, now;
	struct compare_result res;
	struct profile p;
	char *xml = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&xml, &len);

	FILE *table = fopen("/dev/null", "w");

	profile_of(&p, 10, false);
	ck_assert(!profile_add(&p, "a<b>&\"'", "x\x1b]0;<i>", "rw-p", 0, c));
	ck_assert_int_eq(baseline_from_profiles(&base, &p, 1), 0);
	profile_free(&p);
	c[PC_FAULTS] = c[PC_MINOR] = 100;
	profile_of(&p, 10, false);
	ck_assert(!profile_add(&p, "a<b>&\"'", "x\x1b]0;<i>", "rw-p", 0, c));
	ck_assert_int_eq(baseline_from_profiles(&now, &p, 1), 0);
	profile_free(&p);
	compare_baselines(&(struct compare_out){ .text = table, .junit = f }, &base, &now,
			  &(struct tolerances){ 0 }, false, &res);
	fclose(f);
	fclose(table);
	ck_assert_uint_ge(res.rows, 2);	/* every row both have, the totals too */
	ck_assert_uint_ge(res.regressions, 1);
	ck_assert_ptr_nonnull(strstr(xml, "classname=\"vmtrace.a&lt;b&gt;&amp;&quot;&apos;\" "
				     "name=\"x\\x1b]0;&lt;i&gt; rw-p #0\""));
	ck_assert_ptr_nonnull(strstr(xml, "<failure message=\"faults 100, baseline 50"));
	ck_assert_ptr_null(strchr(xml, '\x1b'));
	free(xml);
	baseline_free(&base);
	baseline_free(&now);
}
END_TEST

static struct compare_result verdicts(const struct baseline *base,
				      const struct baseline *now,
				      const struct tolerances *tol)
{
	return compare_text(base, now, tol, false, NULL);
}

/* The table's lines holding needle. */
static int lines_with(const char *text, const char *needle)
{
	int n = 0;

	for (const char *l = text; (l = strstr(l, needle)); l++)
		n++;
	return n;
}

/* One line per regressed row, naming the counters that went with it. */
START_TEST(tolerance_verdicts)
{
	struct tolerances none = { 0 }, tight = { 0 };
	struct baseline base, now;
	char *text;

	single(&base, 1000, true);
	single(&now, 1100, true);	/* +10%: at the limit, not over */
	ck_assert_uint_eq(verdicts(&base, &now, &none).regressions, 0);
	baseline_free(&now);
	single(&now, 1101, true);	/* faults, minor and write over: one row */
	ck_assert_uint_eq(compare_text(&base, &now, &none, false, &text).regressions, 1);
	ck_assert_msg(lines_with(text, "\n") == 2 &&
		      strstr(text, "[heap] rw-p #0") && strstr(text, " faults ") &&
		      strstr(text, "REGRESSION (limit 1100; also minor, write)"), "%s", text);
	free(text);
	/* every changed counter with -v, each with its verdict */
	ck_assert_uint_eq(compare_text(&base, &now, &none, true, &text).regressions, 1);
	ck_assert_msg(lines_with(text, "REGRESSION (limit 1100)") == 3, "%s", text);
	free(text);
	tight.per[PC_FAULTS] = (struct tolerance){ 0.2, 0, true, true };
	ck_assert_uint_eq(compare_text(&base, &now, &tight, false, &text).regressions, 1);
	ck_assert_msg(strstr(text, " minor ") && strstr(text, "also write)"), "%s", text);
	free(text);
	baseline_free(&now);
	baseline_free(&base);
}
END_TEST

/* A row only one side has is judged by its faults against zero. */
START_TEST(new_and_gone_rows)
{
	struct tolerances none = { 0 }, tight = { .all = { 0.1, 0, true, true } };
	struct baseline base, now;
	struct compare_result res;
	char *text;

	single(&base, 1000, true);
	single(&now, 1000, false);	/* a row gone: never a regression */
	res = compare_text(&base, &now, &none, false, &text);
	ck_assert(res.gone_rows == 1 && res.regressions == 0 && !strstr(text, "gone"));
	free(text);
	compare_text(&base, &now, &none, true, &text);
	ck_assert_msg(strstr(text, "data/x.bin r--s #0") && strstr(text, "row gone"), "%s", text);
	free(text);
	/* the same row new: 3 faults are within the default min count of 8 */
	res = compare_text(&now, &base, &none, false, &text);
	ck_assert(res.new_rows == 1 && res.regressions == 0 && lines_with(text, "\n") == 1);
	free(text);
	res = compare_text(&now, &base, &tight, false, &text);
	ck_assert_uint_eq(res.regressions, 1);
	ck_assert_msg(strstr(text, "data/x.bin r--s #0") &&
		      strstr(text, "REGRESSION, new row (limit 0)"), "%s", text);
	free(text);
	baseline_free(&now);
	baseline_free(&base);
}
END_TEST

static void spread_of(struct baseline *b, unsigned long long x, unsigned long long y,
		      unsigned long long z)
{
	struct profile runs[3];

	profile_of(&runs[0], x, false);
	profile_of(&runs[1], y, false);
	profile_of(&runs[2], z, false);
	ck_assert_int_eq(baseline_from_profiles(b, runs, 3), 0);
	for (int i = 0; i < 3; i++)
		profile_free(&runs[i]);
}

/*
 * A count's chance variation, COUNTING_NOISE * sqrt(median), is slack the
 * runs may not have shown: 19, 24, 21 allow 24 + ceil(3 * sqrt(21)) = 38
 * (the 2 x spread alone, 34, failed gcc's `as` at 35). A 0% tolerance asks
 * for no growth: then 35 fails.
 */
START_TEST(counting_noise_is_slack)
{
	struct tolerances none = { 0 }, zero = { .all = { 0, 0, true, true } };
	struct baseline base, now;

	spread_of(&base, 19, 24, 21);
	single(&now, 38, false);
	ck_assert_uint_eq(verdicts(&base, &now, &none).regressions, 0);
	ck_assert_uint_eq(verdicts(&base, &now, &zero).regressions, 1);
	baseline_free(&now);
	single(&now, 39, false);
	ck_assert_uint_eq(verdicts(&base, &now, &none).regressions, 1);
	baseline_free(&now);
	baseline_free(&base);
}
END_TEST

/*
 * The spread recorded with -r widens the band by SPREAD_FACTOR times itself:
 * 100, 130, 110 allow up to 130 + 2 * 30, past the fixed 10% or 8.
 */
START_TEST(spread_avoids_flaky_verdicts)
{
	struct tolerances none = { 0 }, zero = { .all = { 0, 0, true, true } };
	struct baseline base, now;

	spread_of(&base, 100, 130, 110);
	single(&now, 130 + 30 * SPREAD_FACTOR, false);
	ck_assert_uint_eq(verdicts(&base, &now, &none).regressions, 0);
	ck_assert_uint_eq(verdicts(&base, &now, &zero).regressions, 0);
	baseline_free(&now);
	single(&now, 131 + 30 * SPREAD_FACTOR, false);
	ck_assert_uint_eq(verdicts(&base, &now, &none).regressions, 1);
	ck_assert_uint_eq(verdicts(&base, &now, &none).noisy, 0);
	baseline_free(&now);
	baseline_free(&base);
	/* no spread: the fixed slack is the floor */
	spread_of(&base, 100, 100, 100);
	single(&now, 110, false);
	ck_assert_uint_eq(verdicts(&base, &now, &none).regressions, 0);
	ck_assert_uint_eq(verdicts(&base, &now, &zero).regressions, 1);
	baseline_free(&now);
	baseline_free(&base);
}
END_TEST

/* Runs that disagree by more than their median: noisy, never a regression. */
START_TEST(noisy_rows_are_not_judged)
{
	struct tolerances none = { 0 };
	struct baseline base, now;
	struct compare_result res;
	char *text, limit[32];

	spread_of(&base, 10, 100, 20);	/* median 20, spread 90 */
	single(&now, 500, false);
	res = compare_text(&base, &now, &none, false, &text);
	ck_assert_msg(res.regressions == 0 && res.noisy == 1, "%s", text);
	ck_assert_msg(strstr(text, "[heap] rw-p #0") && strstr(text, "noisy, not judged (limit"),
		      "%s", text);
	snprintf(limit, sizeof(limit), "(limit %d)", 100 + SPREAD_FACTOR * 90);
	ck_assert_msg(strstr(text, limit), "%s", text);
	free(text);
	baseline_free(&now);
	baseline_free(&base);
	/* a spread within the fixed slack is no noise: 0, 2, 1 allow 2 + 8 */
	spread_of(&base, 0, 2, 1);
	single(&now, 11, false);
	res = verdicts(&base, &now, &none);
	ck_assert(res.regressions == 1 && res.noisy == 0);
	baseline_free(&now);
	baseline_free(&base);
}
END_TEST

/* Limits near 2^64 are capped, not wrapped into a verdict on nothing. */
START_TEST(limits_do_not_wrap)
{
	struct tolerances none = { 0 };
	struct baseline base, now;

	spread_of(&base, ULLONG_MAX - 5, ULLONG_MAX - 5, ULLONG_MAX - 5);
	single(&now, ULLONG_MAX, false);
	ck_assert_uint_eq(verdicts(&base, &now, &none).regressions, 0);
	baseline_free(&now);
	baseline_free(&base);
}
END_TEST

/* Pairs as "b-n" words, -1 as "x": "0-0 1-2 x-1". */
static void pairs_text(const struct match_pair *p, size_t nr, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < nr && len < size; k++) {
		char b[12] = "x", n[12] = "x";

		if (p[k].base >= 0)
			snprintf(b, sizeof(b), "%d", p[k].base);
		if (p[k].now >= 0)
			snprintf(n, sizeof(n), "%d", p[k].now);
		len += snprintf(buf + len, size - len, "%s%s-%s", k ? " " : "", b, n);
	}
}

static const char *matched(const uint64_t *b, size_t m, const uint64_t *n, size_t nn,
			   bool *confident)
{
	static char text[128];
	struct match_pair p[16];

	pairs_text(p, match_members(b, m, n, nn, p, confident), text, sizeof(text));
	return text;
}

/* Best fit on size, order breaking ties; confident only when all fit, one for one. */
START_TEST(members_match_by_size)
{
	const uint64_t two[] = { 4096, 8192 }, inserted[] = { 4096, 1 << 20, 8192 };
	const uint64_t swapped[] = { 8192, 4096 }, grown[] = { 4096, 65536 };
	const uint64_t unknown[] = { 0, 0 }, same[] = { 4096, 4096, 4096 };
	bool confident;

	ck_assert_str_eq(matched(two, 2, inserted, 3, &confident), "0-0 1-2 x-1");
	ck_assert(!confident);
	ck_assert_str_eq(matched(inserted, 3, two, 2, &confident), "0-0 1-x 2-1");
	ck_assert(!confident);
	ck_assert_str_eq(matched(two, 2, swapped, 2, &confident), "0-1 1-0");
	ck_assert(confident);
	/* 8 KiB to 64 KiB is past 2x: no pair, each a member only one side has */
	ck_assert_str_eq(matched(two, 2, grown, 2, &confident), "0-0 1-x x-1");
	ck_assert(!confident);
	/* no sizes (an older baseline): by ordinal, as before */
	ck_assert_str_eq(matched(unknown, 2, swapped, 2, &confident), "0-0 1-1");
	ck_assert(confident);
	/* equal sizes: order decides, from the nearer end (a member went from the front) */
	ck_assert_str_eq(matched(same, 3, same, 2, &confident), "0-0 1-1 2-x");
	ck_assert(!confident);
}
END_TEST

/* A class of file rows: (size, faults) per member, in address order. */
static void members_of(struct baseline *b, const unsigned long long (*m)[2], size_t n)
{
	uint64_t c[NR_PCOUNTERS] = { 0 };
	struct profile p = { 0 };

	for (size_t i = 0; i < n; i++) {
		c[PC_FAULTS] = c[PC_MINOR] = c[PC_READ] = m[i][1];
		ck_assert(!profile_add(&p, "app", "lib/libx.so", "r--p", i, c));
		p.rows[p.nr - 1].size = m[i][0];
	}
	ck_assert_int_eq(baseline_from_profiles(b, &p, 1), 0);
	profile_free(&p);
}

/* Two classes of members compared with the default tolerances; text: the table. */
static struct compare_result compare_members(const unsigned long long (*before)[2], size_t m,
					     const unsigned long long (*after)[2], size_t n,
					     bool verbose, char **text)
{
	struct tolerances none = { 0 };
	struct baseline base, now;
	struct compare_result res;

	members_of(&base, before, m);
	members_of(&now, after, n);
	res = compare_text(&base, &now, &none, verbose, text);
	baseline_free(&now);
	baseline_free(&base);
	return res;
}

/*
 * A member mapped in the middle: by ordinal the last would be compared with
 * the new one (and itself be a new row of 50 faults, a regression); matched
 * by size, each member meets itself and the class's sum, 63 against 60, passes.
 */
START_TEST(inserted_member_regresses_nothing)
{
	const unsigned long long before[][2] = { { 4096, 10 }, { 8192, 50 } };
	const unsigned long long after[][2] = { { 4096, 10 }, { 1 << 20, 3 }, { 8192, 50 } };
	struct compare_result res;
	char *text;

	res = compare_members(before, 2, after, 3, false, &text);
	ck_assert_msg(res.regressions == 0 && res.by_total == 1 && lines_with(text, "\n") == 1,
		      "%s", text);
	free(text);
	res = compare_members(before, 2, after, 3, true, &text);
	ck_assert_msg(strstr(text, "lib/libx.so r--p (all)") &&
		      strstr(text, "lib/libx.so r--p #1 ") &&
		      strstr(text, "advisory: new member (limit 8)") &&
		      !strstr(text, "#2 (was #1)") && !strstr(text, "REGRESSION"), "%s", text);
	ck_assert_uint_eq(res.new_rows, 1);
	free(text);
}
END_TEST

/*
 * Members that cannot be matched (a size past 2x): only the class's sum is
 * judged; a member's own growth is advice, never a regression.
 */
START_TEST(unmatched_members_judged_by_sum)
{
	const unsigned long long before[][2] = { { 4096, 10 }, { 8192, 50 } };
	const unsigned long long moved[][2] = { { 4096, 40 }, { 65536, 20 } };
	const unsigned long long grew[][2] = { { 4096, 40 }, { 65536, 60 } };
	struct compare_result res;
	char *text;

	res = compare_members(before, 2, moved, 2, true, &text);	/* the sum stays 60 */
	ck_assert_msg(res.regressions == 0 && res.by_total == 1 &&
		      strstr(text, "advisory: over (limit 20)") &&
		      strstr(text, "advisory: member gone") &&
		      strstr(text, "advisory: new member, over") &&
		      !strstr(text, "REGRESSION"), "%s", text);
	free(text);
	res = compare_members(before, 2, grew, 2, false, &text);	/* 60 -> 100: once */
	ck_assert_msg(res.regressions == 1 && lines_with(text, "\n") == 2 &&
		      strstr(text, "lib/libx.so r--p (all)") &&
		      strstr(text, "REGRESSION (limit 84"), "%s", text);
	free(text);
}
END_TEST

/* Members in another order, each matched by size: a regression names the right one. */
START_TEST(reordered_members_matched)
{
	const unsigned long long before[][2] = { { 4096, 10 }, { 1 << 20, 500 } };
	const unsigned long long after[][2] = { { 1 << 20, 500 }, { 4096, 30 } };
	struct compare_result res;
	char *text;

	res = compare_members(before, 2, after, 2, false, &text);
	ck_assert_msg(res.regressions == 1 && res.by_total == 0 &&
		      strstr(text, "lib/libx.so r--p #1 (was #0)") &&
		      strstr(text, "REGRESSION (limit 20"), "%s", text);
	free(text);
}
END_TEST

/* A member's size goes in the file and comes back; a file without one still reads. */
START_TEST(size_round_trip)
{
	const unsigned long long m[][2] = { { 8192, 5 } };
	char *text = NULL, err[BASELINE_ERR_MAX];
	struct baseline b, back;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	members_of(&b, m, 1);
	ck_assert_int_eq(baseline_write(f, &b), 0);
	fclose(f);
	ck_assert_msg(strstr(text, "\"size\": 8192"), "%s", text);
	ck_assert_msg(!baseline_parse(text, len, &back, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(back.rows[0].id.size, 8192);
	baseline_free(&back);
	ck_assert(!baseline_parse(BL_GOOD, strlen(BL_GOOD), &back, err, sizeof(err)));
	ck_assert_uint_eq(back.rows[0].id.size, 0);
	baseline_free(&back);
	baseline_free(&b);
	free(text);
}
END_TEST

START_TEST(tolerance_syntax)
{
	struct tolerance per[NR_PCOUNTERS] = { 0 };
	double rel;

	ck_assert(!tolerance_parse_relative("10%", &rel) && rel > 0.0999 && rel < 0.1001);
	ck_assert(!tolerance_parse_relative("2.5", &rel) && rel > 0.0249 && rel < 0.0251);
	ck_assert(tolerance_parse_relative("-1%", &rel));
	ck_assert(tolerance_parse_relative("10%%", &rel));
	ck_assert(tolerance_parse_relative("x", &rel));
	/* decimal only: strtod() would read each of these as a number */
	ck_assert(tolerance_parse_relative("0x10%", &rel));
	ck_assert(tolerance_parse_relative("1e1%", &rel));
	ck_assert(tolerance_parse_relative("inf", &rel));
	ck_assert(tolerance_parse_relative("nan%", &rel));
	ck_assert(tolerance_parse_relative(" 5%", &rel));
	ck_assert(tolerance_parse_relative("5.%", &rel));
	ck_assert(tolerance_parse_relative(".5%", &rel));
	ck_assert(tolerance_parse_relative("1000001%", &rel));
	ck_assert(!tolerance_parse_relative("1000000%", &rel));
	ck_assert(tolerance_parse_for("faults=0x10%", per));
	ck_assert(tolerance_parse_for("faults=1e1%+3", per));
	ck_assert(!tolerance_parse_for("major=0", per));
	ck_assert(per[PC_MAJOR].has_relative && per[PC_MAJOR].relative == 0 &&
		  per[PC_MAJOR].min_count == 0);
	ck_assert(!tolerance_parse_for("faults=5%+3", per));
	ck_assert(per[PC_FAULTS].min_count == 3 && per[PC_FAULTS].relative > 0.049);
	ck_assert(!tolerance_parse_for("wp=7", per) && per[PC_WP].min_count == 7);
	ck_assert(tolerance_parse_for("nosuch=1", per));
	ck_assert(tolerance_parse_for("faults=", per));
	ck_assert(tolerance_parse_for("faults=5%3", per));
	ck_assert(tolerance_parse_for("=5%", per));
}
END_TEST

Suite *baseline_suite(void)
{
	Suite *s = suite_create("baseline");
	TCase *tc = tcase_create("baseline");

	tcase_add_loop_test(tc, refuses_bad_baseline, 0, NR_BAD_BASELINES);
	tcase_add_test(tc, refuses_nul_inside);
	tcase_add_test(tc, reads_any_key_order);
	tcase_add_test(tc, load_names_the_problem);
	tcase_add_test(tc, junit_escapes_names);
	tcase_add_test(tc, medians_and_round_trip);
	tcase_add_test(tc, round_trip_of_any_bytes);
	tcase_add_test(tc, tolerance_verdicts);
	tcase_add_test(tc, new_and_gone_rows);
	tcase_add_test(tc, spread_avoids_flaky_verdicts);
	tcase_add_test(tc, counting_noise_is_slack);
	tcase_add_test(tc, noisy_rows_are_not_judged);
	tcase_add_test(tc, limits_do_not_wrap);
	tcase_add_test(tc, members_match_by_size);
	tcase_add_test(tc, inserted_member_regresses_nothing);
	tcase_add_test(tc, unmatched_members_judged_by_sum);
	tcase_add_test(tc, reordered_members_matched);
	tcase_add_test(tc, size_round_trip);
	tcase_add_test(tc, tolerance_syntax);
	suite_add_tcase(s, tc);
	return s;
}
