/*
 * Rows that stay true through churn (issue: rows on real programs): VMA
 * rows are reclaimed while tracing, so a table far smaller than the VMAs a
 * program makes still loses nothing, and fault events the kernel never
 * handles are not counted. Every count here is known by construction and
 * the totals must equal the kernel's counters; nothing depends on speed:
 * reclaim happens in the kernel as VMAs go, not on a timer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

/* The rows of the report that satisfy pred, and the last of them. */
static int rows_where(struct session *s, bool (*pred)(json_object *row),
		      json_object **last)
{
	json_object *vmas = report_get(&s->rep, "vmas");
	int n = 0;

	ck_assert_msg(vmas && json_object_is_type(vmas, json_type_array), "no vmas array");
	for (size_t i = 0; i < json_object_array_length(vmas); i++) {
		json_object *row = json_object_array_get_idx(vmas, i);

		if (pred(row)) {
			*last = row;
			n++;
		}
	}
	return n;
}

/* The rows pred picks, one line each, for a failure to say what it found. */
static const char *rows_text(struct session *s, bool (*pred)(json_object *row))
{
	static char buf[4096];
	json_object *vmas = report_get(&s->rep, "vmas");
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; vmas && i < json_object_array_length(vmas); i++) {
		json_object *row = json_object_array_get_idx(vmas, i);

		if (pred(row) && used < sizeof(buf) - 1)
			used += snprintf(buf + used, sizeof(buf) - used, "\n  %s",
					 json_object_to_json_string(row));
	}
	return buf;
}

static int64_t field(json_object *row, const char *key)
{
	json_object *o = NULL;

	return json_object_object_get_ex(row, key, &o) ? json_object_get_int64(o) : -1;
}

static bool is_many_unmapped(json_object *row)
{
	json_object *o = NULL;

	return json_object_object_get_ex(row, "unmapped", &o) &&
	       json_object_get_boolean(o) && field(row, "vmas") > 1;
}

#define RECLAIM_TIMEOUT_S	240

/* vmtrace --max-vmas 64 on a workload that outlives 64 rows many times over. */
static void trace_small_table(struct session *s, const char *const wargs[])
{
	const char *const opts[] = { "--max-vmas", "64", NULL };

	/* work bounded by counts: give it time on a loaded or emulated machine */
	trace_cmd_for(s, opts, wargs, itest_timeout_ms(RECLAIM_TIMEOUT_S * 1000));
	/*
	 * Exact totals, and no row left behind: the table never fills. A
	 * program run the kernel skipped (PREEMPT_RT) can be a munmap() whose
	 * rows were never retired, so with any, a full table is no proof.
	 */
	check_report(s, s->wpid);
	if (!report_missed_runs(&s->rep))
		ck_assert_int_eq(report_int(&s->rep, "drop_details.rows_full"), 0);
}

/*
 * 100,000 one-page mappings, each written once and unmapped, through a
 * 64-row table: every one is folded into one row as it goes, its slot
 * reused, so none is dropped.
 */
START_TEST(reclaim_mappings)
{
	const char *count = getenv("ITEST_CHURN") ? getenv("ITEST_CHURN") : "100000";
	const char *const wargs[] = { "churn", "1", count, NULL };
	struct session s = { 0 };
	json_object *row = NULL;

	trace_small_table(&s, wargs);
	ck_assert_int_eq(rows_where(&s, is_many_unmapped, &row), 1);
	ck_assert_int_eq(field(row, "vmas"), atol(count));
	ck_assert_int_eq(field(row, "faults"), atol(count));
	ck_assert_int_eq(field(row, "write"), atol(count));
	session_free(&s);
}
END_TEST

static bool is_unmapped_stack(json_object *row)
{
	const char *label = json_object_get_string(json_object_object_get(row, "label"));

	return is_many_unmapped(row) && label && !strcmp(label, "[stack:threads]");
}

/* An unmapped [anon] row: what a thread stack is without its thread's faults. */
static bool is_unmapped_anon(json_object *row)
{
	const char *label = json_object_get_string(json_object_object_get(row, "label"));
	json_object *o = NULL;

	return json_object_object_get_ex(row, "unmapped", &o) && json_object_get_boolean(o) &&
	       label && !strcmp(label, "[anon]");
}

static uint64_t extent_of(json_object *row)
{
	const char *start = json_object_get_string(json_object_object_get(row, "start"));
	const char *end = json_object_get_string(json_object_object_get(row, "end"));

	return start && end ? strtoull(end, NULL, 16) - strtoull(start, NULL, 16) : 0;
}

/* The VMAs and faults of the unmapped [anon] rows as large as like. */
static void bare_stacks(struct session *s, json_object *like, int64_t *vmas, int64_t *faults)
{
	json_object *all = report_get(&s->rep, "vmas");

	*vmas = *faults = 0;
	for (size_t i = 0; all && i < json_object_array_length(all); i++) {
		json_object *row = json_object_array_get_idx(all, i);

		if (is_unmapped_anon(row) && extent_of(row) == extent_of(like)) {
			*vmas += field(row, "vmas");
			*faults += field(row, "faults");
		}
	}
}

/*
 * 1,000 threads (ITEST_STACK_ROUNDS x 4), each on a stack of its own that is
 * unmapped after it: one row. Where the kernel skipped program runs
 * (PREEMPT_RT: a preempted program keeps the CPU's "active" count, and every
 * fault of a short thread on that CPU can go unseen), a stack that kept only
 * its creator's one write has no sign it was a stack: an [anon] row, and one
 * that kept none has no row. That is allowed as far as the skipped runs
 * explain it: 24 faults lost per [anon] stack, 25 per missing one.
 */
START_TEST(reclaim_thread_stacks)
{
	const char *rounds = getenv("ITEST_STACK_ROUNDS") ? getenv("ITEST_STACK_ROUNDS") : "250";
	const char *const wargs[] = { "stacks", "4", rounds, "32", NULL };
	struct session s = { 0 };
	json_object *row = NULL;
	long threads = 4 * atol(rounds);
	int64_t bare, bare_faults, lost;
	long long missed;

	trace_small_table(&s, wargs);
	missed = report_missed_runs(&s.rep);
	ck_assert_msg(rows_where(&s, is_unmapped_stack, &row) == 1,
		      "not one row of the unmapped stacks (%lld program runs skipped):%s",
		      missed, rows_text(&s, is_many_unmapped));
	bare_stacks(&s, row, &bare, &bare_faults);
	/* a stack none of whose 25 faults (its creator's one too) was seen: no row */
	lost = threads - field(row, "vmas") - bare;
	ck_assert_msg(lost >= 0 && (bare == 0 || bare_faults <= bare) &&
		      missed >= 24 * bare + 25 * lost,
		      "%lld stacks not labelled, %lld not seen, %lld program runs skipped:%s",
		      (long long)bare, (long long)lost, missed, rows_text(&s, is_many_unmapped));
	/* each thread wrote 24 pages of its stack; glibc's start adds a page or so */
	ck_assert_int_ge(field(row, "faults"), 24 * (threads - bare));
	session_free(&s);
}
END_TEST

/* The dead_vmas entries of one-page anonymous mappings unmapped: count, faults. */
static int64_t one_page_unmapped(json_object *list, int64_t *faults)
{
	int64_t n = 0;

	*faults = 0;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *d = json_object_array_get_idx(list, i), *o = NULL;
		const char *start, *end, *retired;

		start = json_object_get_string(json_object_object_get(d, "start"));
		end = json_object_get_string(json_object_object_get(d, "end"));
		retired = json_object_get_string(json_object_object_get(d, "retired"));
		if (!start || !end || !retired || strcmp(retired, "unmapped") ||
		    strtoul(end, NULL, 16) - strtoul(start, NULL, 16) != 4096 ||
		    !json_object_object_get_ex(d, "path", &o) || o)
			continue;
		n++;
		*faults += field(d, "faults");
	}
	return n;
}

/*
 * --dead-vmas: 500 one-page mappings, each written once and unmapped, fold
 * into one row, and are listed one by one as well: each with its one fault;
 * past the limit they are counted, not listed.
 */
START_TEST(dead_vmas_listed)
{
	const char *const wargs[] = { "churn", "1", "500", NULL };
	const char *const all[] = { "--dead-vmas", "100000", NULL };
	const char *const ten[] = { "--dead-vmas", "10", NULL };
	struct session s = { 0 }, t = { 0 };
	json_object *row = NULL, *list;
	int64_t faults;

	trace_cmd_with(&s, all, wargs);
	check_report(&s, s.wpid);
	ck_assert_int_eq(rows_where(&s, is_many_unmapped, &row), 1);
	list = json_object_object_get(json_object_object_get(s.rep.root, "dead_vmas"), "list");
	ck_assert_msg(list && json_object_is_type(list, json_type_array), "no dead_vmas.list");
	ck_assert_int_eq(report_int(&s.rep, "dead_vmas.not_listed"), 0);
	ck_assert_int_eq(one_page_unmapped(list, &faults), 500);
	ck_assert_int_eq(faults, field(row, "faults"));
	trace_cmd_with(&t, ten, wargs);
	ck_assert_int_eq(report_int(&t.rep, "dead_vmas.listed"), 10);
	ck_assert_int_ge(report_int(&t.rep, "dead_vmas.not_listed"), 490);
	session_free(&s);
	session_free(&t);
}
END_TEST

static unsigned long futex_start;

static bool is_futex_row(json_object *row)
{
	const char *start = json_object_get_string(json_object_object_get(row, "start"));

	return start && strtoul(start, NULL, 16) == futex_start &&
	       !json_object_get_boolean(json_object_object_get(row, "changed"));
}

/*
 * 64 futex waits on untouched pages: the kernel's first read of each, with
 * page faults disabled, is no fault; the fault that brings the page in is.
 * 64 kernel-mode read faults on the pages' row, and totals equal the
 * kernel's (not 128, as when the first read counted).
 */
START_TEST(futex_events_not_faults)
{
	const char *const wargs[] = { "futex", "64", NULL };
	struct session s = { 0 };
	const char *line;
	json_object *row = NULL;

	trace_cmd_with(&s, NULL, wargs);
	check_report(&s, s.wpid);
	line = s.tracer.out[P_OUT].data ?
	       strstr(s.tracer.out[P_OUT].data, "vmwork: futex pages start=") : NULL;
	ck_assert_msg(line, "no futex line from vmwork");
	futex_start = strtoul(line + strlen("vmwork: futex pages start="), NULL, 16);
	ck_assert_int_eq(rows_where(&s, is_futex_row, &row), 1);
	ck_assert_int_eq(field(row, "faults"), 64);
	ck_assert_int_eq(field(row, "read"), 64);
	ck_assert_int_eq(field(row, "kernel_mode"), 64);
	if (!strcmp(json_object_get_string(report_get(&s.rep, "backend")), "tracepoint"))
		ck_assert_int_ge(report_int(&s.rep, "kernel.pf_disabled_events"), 64);
	session_free(&s);
}
END_TEST

Suite *rows_suite(void)
{
	Suite *s = suite_create("rows");
	TCase *reclaim = tracer_tcase("reclaim"), *events = tracer_tcase("events");

	tcase_set_timeout(reclaim, RECLAIM_TIMEOUT_S + 60);
	tcase_add_test(reclaim, reclaim_mappings);
	tcase_add_test(reclaim, reclaim_thread_stacks);
	tcase_add_test(reclaim, dead_vmas_listed);
	tcase_add_test(events, futex_events_not_faults);
	suite_add_tcase(s, reclaim);
	suite_add_tcase(s, events);
	return s;
}
