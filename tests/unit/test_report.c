// SPDX-License-Identifier: GPL-2.0
/* The text and JSON reports, read back. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "report/format.h"
#include "report/report.h"
#include "suites.h"

static void sample(struct address_space *as)
{
	struct vmt_row heap = { .start = 0x1000000, .end = 0x1021000, .vm_flags = 0x3 };
	struct vmt_row file = { .start = 0x7f0000000000, .end = 0x7f0000010000,
				.vm_flags = 0x1 | 0x80, .ino = 9, .dev = 7,
				.flags = VMT_ROW_UNMAPPED };

	heap.counters[VMT_C_FAULTS] = 10;
	heap.counters[VMT_C_WRITE] = 10;
	heap.counters[VMT_C_WP] = 2;
	file.counters[VMT_C_FAULTS] = 5;
	file.counters[VMT_C_MAJOR] = 4;
	file.counters[VMT_C_READ] = 5;
	aspace_init(as, 77);
	/* control bytes and quotes must come back intact through JSON */
	snprintf(as->command, sizeof(as->command), "./app \"x\"\t\x01");
	as->backend = "tracepoint";
	as->mm.start_brk = 0x1000000;
	as->mm.brk = 0x1021000;
	as->kernel_known = true;
	as->kernel_minflt = 11;
	as->kernel_majflt = 4;
	as->sc[VMT_SC_MMAP].calls = 3;
	as->sc[VMT_SC_MMAP].bytes = 65536;
	aspace_add_row(as, 1, &heap, NULL);
	aspace_add_row(as, 2, &file, "/data/data.bin");
	aspace_finish(as, SORT_ADDR, false);
}

static char *render(bool json)
{
	struct address_space as;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct config cfg = { .top = 10 };

	sample(&as);
	if (json)
		ck_assert_int_eq(report_json(f, &as), 0);
	else
		report_text(f, &as, &cfg);
	fclose(f);
	aspace_free(&as);
	return buf;
}

static uint64_t get_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no key %s", key);
	return json_object_get_uint64(v);
}

START_TEST(json_schema_and_values)
{
	char *text = render(true);
	struct json_object *root = json_tokener_parse(text), *vmas, *v, *x;

	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(get_u64(root, "pid"), 77);
	ck_assert(json_object_object_get_ex(root, "command", &x));
	ck_assert_str_eq(json_object_get_string(x), "./app \"x\"\t\x01");
	ck_assert(json_object_object_get_ex(root, "totals", &x));
	ck_assert_uint_eq(get_u64(x, "faults"), 15);
	ck_assert_uint_eq(get_u64(x, "minor"), 11);
	ck_assert_uint_eq(get_u64(x, "major"), 4);
	ck_assert_uint_eq(get_u64(x, "wp"), 2);
	ck_assert(json_object_object_get_ex(root, "kernel", &x));
	ck_assert_uint_eq(get_u64(x, "minflt"), 11);
	ck_assert(json_object_object_get_ex(root, "syscalls", &x));
	ck_assert(json_object_object_get_ex(x, "mmap", &x));
	ck_assert_uint_eq(get_u64(x, "bytes"), 65536);
	ck_assert_uint_eq(get_u64(root, "drops"), 0);
	ck_assert(json_object_object_get_ex(root, "vmas", &vmas));
	ck_assert_uint_eq(json_object_array_length(vmas), 2);
	v = json_object_array_get_idx(vmas, 0);
	ck_assert(json_object_object_get_ex(v, "label", &x));
	ck_assert_str_eq(json_object_get_string(x), "[heap]");
	ck_assert(json_object_object_get_ex(v, "path", &x));
	ck_assert_ptr_null(x);				/* anonymous: null */
	ck_assert(json_object_object_get_ex(v, "start", &x));
	ck_assert_str_eq(json_object_get_string(x), "0x1000000");
	v = json_object_array_get_idx(vmas, 1);
	ck_assert(json_object_object_get_ex(v, "perms", &x));
	ck_assert_str_eq(json_object_get_string(x), "r--s");
	ck_assert(json_object_object_get_ex(v, "unmapped", &x));
	ck_assert(json_object_get_boolean(x));
	ck_assert_uint_eq(get_u64(v, "minor"), 1);
	json_object_put(root);
	free(text);
}
END_TEST

START_TEST(json_escapes_control_bytes)
{
	char *text = render(true);

	ck_assert_ptr_null(strchr(text, '\x01'));
	ck_assert_ptr_null(strchr(text, '\t'));
	ck_assert_ptr_nonnull(strstr(text, "\\u0001"));
	free(text);
}
END_TEST

START_TEST(text_table)
{
	char *text = render(false);

	ck_assert_ptr_nonnull(strstr(text, "FAULTS"));
	ck_assert_ptr_nonnull(strstr(text, "[heap]"));
	ck_assert_ptr_nonnull(strstr(text, "data.bin (unmapped)"));
	/* basename in the VMA table; the full path in the files table below it */
	ck_assert_ptr_nonnull(strstr(text, "files ("));
	ck_assert_ptr_nonnull(strstr(text, "/data/data.bin"));
	ck_assert(strstr(text, "/data/data.bin") > strstr(text, "files ("));
	ck_assert_ptr_nonnull(strstr(text, "all counted"));	/* 11 + 4 = 15 - 0 errors */
	free(text);
}
END_TEST

START_TEST(bytes_human)
{
	char buf[32];

	ck_assert_str_eq(human_bytes(0, buf, sizeof(buf)), "0 B");
	ck_assert_str_eq(human_bytes(1536, buf, sizeof(buf)), "1.5 KiB");
	ck_assert_str_eq(human_bytes(3ULL << 30, buf, sizeof(buf)), "3.0 GiB");
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("sinks");

	tcase_add_test(tc, json_schema_and_values);
	tcase_add_test(tc, json_escapes_control_bytes);
	tcase_add_test(tc, text_table);
	tcase_add_test(tc, bytes_human);
	suite_add_tcase(s, tc);
	return s;
}
