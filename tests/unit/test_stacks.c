// SPDX-License-Identifier: GPL-2.0
/*
 * --stacks in user space without a kernel: samples named by a stand-in
 * symbolizer, judged (complete, truncated, cut where the walk strayed),
 * merged by function, and written as folded lines.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include "model/model.h"
#include "model/stacks.h"
#include "report/stacks_report.h"
#include "suites.h"

/* 0x1000 leaf, 0x2000 caller, 0x3000 where the thread started; 0x9000 no code. */
static int fake_name(void *ctx, uint64_t ip, struct code_name *out)
{
	static const char *const names[] = { "?", "leaf", "caller", "__libc_start_call_main" };
	uint64_t page = ip >> 12;

	memset(out, 0, sizeof(*out));
	snprintf(out->module, sizeof(out->module), "app");
	if (page >= 1 && page <= 3) {
		snprintf(out->function, sizeof(out->function), "%s", names[page]);
		out->symbolized = 1;
	} else {
		snprintf(out->function, sizeof(out->function), "app+0x%llx",
			 (unsigned long long)ip);
	}
	return 0;
}

static bool fake_is_code(void *ctx, uint64_t ip)
{
	return ip >= 0x1000 && ip < 0x4000;
}

static const struct stack_namer namer = { fake_name, fake_is_code, NULL };

static struct stack_sample sample(uint64_t serial, uint32_t nr, const uint64_t *ips,
				  uint64_t faults, uint64_t major, uint64_t wp)
{
	struct stack_sample s = { .serial = serial, .nr = nr };

	memcpy(s.ips, ips, nr * sizeof(*ips));
	s.c[VMT_CC_FAULTS] = faults;
	s.c[VMT_CC_MAJOR] = major;
	s.c[VMT_CC_WP] = wp;
	return s;
}

static void build(struct address_space *as)
{
	static const uint64_t a[] = { 0x1010, 0x2011, 0x3001 }, b[] = { 0x1020, 0x2011, 0x3001 };
	static const uint64_t stray[] = { 0x1010, 0x9000, 0x2000 };
	static const uint64_t past[] = { 0x1010, 0x2011, 0x3001, 0x2011 };
	struct stack_sample s[] = {
		sample(1, 3, a, 5, 1, 0), sample(1, 3, b, 2, 0, 2),
		sample(1, 3, stray, 1, 0, 0), sample(2, 0, NULL, 1, 0, 0),
		sample(1, 4, past, 3, 0, 0),
	};

	aspace_init(as, 42);
	snprintf(as->command, sizeof(as->command), "/usr/bin/app --flag");
	ck_assert_int_eq(stacks_build(as, s, 5, 0, 1, &namer), 0);
}

START_TEST(judged_and_merged)
{
	struct address_space as;
	const struct stack_report *sr;
	const struct stack_entry *e;

	build(&as);
	sr = as.stacks;
	ck_assert_uint_eq(sr->nr, 3);
	e = &sr->e[0];	/* a, b and past: one stack of leaf <- caller <- start */
	ck_assert_uint_eq(e->c[VMT_CC_FAULTS], 10);
	ck_assert_uint_eq(e->c[VMT_CC_MAJOR], 1);
	ck_assert_uint_eq(e->c[VMT_CC_WP], 2);
	ck_assert_uint_eq(e->nr, 3);
	ck_assert(!e->truncated);
	ck_assert_str_eq(stack_frame(sr, e, 1)->function, "caller");
	ck_assert_str_eq(stack_frame(sr, e, 2)->function, "__libc_start_call_main");
	ck_assert_uint_eq(sr->faults, 12);
	ck_assert_uint_eq(sr->truncated, 2);	/* the stray walk and no stack */
	ck_assert_uint_eq(sr->depth[3], 10);
	ck_assert_uint_eq(sr->depth[1], 1);	/* cut where the walk strayed */
	ck_assert_uint_eq(sr->depth[0], 1);
	aspace_free(&as);
}
END_TEST

static char *folded(const struct address_space *as, bool kind)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(stacks_folded(f, as, kind), 0);
	fclose(f);
	return text;
}

START_TEST(folded_lines)
{
	struct address_space as;
	char *text;

	build(&as);
	text = folded(&as, false);
	ck_assert_str_eq(text, "app;[no user stack] 1\n"
			       "app;[truncated];leaf 1\n"
			       "app;__libc_start_call_main;caller;leaf 10\n");
	free(text);
	text = folded(&as, true);
	ck_assert_str_eq(text, "app;[no user stack];[minor] 1\n"
			       "app;[truncated];leaf;[minor] 1\n"
			       "app;__libc_start_call_main;caller;leaf;[major] 1\n"
			       "app;__libc_start_call_main;caller;leaf;[minor] 7\n"
			       "app;__libc_start_call_main;caller;leaf;[wp] 2\n");
	free(text);
	aspace_free(&as);
}
END_TEST

Suite *stacks_suite(void)
{
	Suite *s = suite_create("stacks");
	TCase *tc = tcase_create("stacks");

	tcase_add_test(tc, judged_and_merged);
	tcase_add_test(tc, folded_lines);
	suite_add_tcase(s, tc);
	return s;
}
