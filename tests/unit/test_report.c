// SPDX-License-Identifier: GPL-2.0
/* The text and JSON reports, read back. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "model/code.h"
#include "model/procs.h"
#include "report/format.h"
#include "report/json_writer.h"
#include "report/live.h"
#include "report/report.h"
#include "suites.h"
#include "../fuzz/checks.h"

#define HOSTILE_PATH "/tmp/a\xff\x1b[31m\nb\x7f\xc2\x9b.bin"

static void sample(struct address_space *as, const char *path)
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
	aspace_add_row(as, 2, &file, path);
	aspace_finish(as, SORT_ADDR, false);
}

static char *render_with(bool json, const char *path, bool wide)
{
	struct address_space as;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct config cfg = { .top = 10, .wide = wide };

	sample(&as, path);
	if (json)
		ck_assert_int_eq(report_json(f, &as, false), 0);
	else if (cfg.interval)
		live_print(f, &as, &cfg, false);
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

static char *render(bool json, const char *path)
{
	return render_with(json, path, false);
}

/* Not a terminal: the table fits 100 columns; -w: every column. */
START_TEST(text_width)
{
	char *narrow = render(false, "/data/data.bin"), *wide = render_with(false,
		"/data/data.bin", true);
	const char *end = strstr(narrow, "\nkernel counters");

	ck_assert_ptr_nonnull(end);
	for (const char *line = narrow; line < end; line = strchr(line, '\n') + 1)
		ck_assert_msg(strcspn(line, "\n") <= 100, "wider than 100: %.*s",
			      (int)strcspn(line, "\n"), line);
	ck_assert_ptr_nonnull(strstr(narrow, " WRITE     WP\n"));
	ck_assert_ptr_null(strstr(narrow, "COW"));
	ck_assert_ptr_nonnull(strstr(wide, " WP   ERR   KERN    COW\n"));
	free(narrow);
	free(wide);
}
END_TEST

/* A label longer than LABEL's 40 is cut in its middle, its row's end kept; -w: whole. */
START_TEST(text_long_label_cut)
{
	const char *path = "/data/a-file-whose-name-is-longer-than-its-column.data";
	char *narrow = render(false, path), *wide = render_with(false, path, true);
	const char *row = strstr(narrow, " a-file-whose-name-...umn.data (unmapped) ");

	ck_assert_msg(row && strcspn(row, "\n") < 100 && row < strstr(narrow, "\nkernel"),
		      "not cut: %s", narrow);
	ck_assert_ptr_nonnull(strstr(wide, "a-file-whose-name-is-longer-than-its-column.data "
				     "(unmapped) "));
	free(narrow);
	free(wide);
}
END_TEST

START_TEST(json_schema_and_values)
{
	char *text = render(true, "/data/data.bin");
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
	char *text = render(true, "/data/data.bin");

	ck_assert_ptr_null(strchr(text, '\x01'));
	ck_assert_ptr_null(strchr(text, '\t'));
	ck_assert_ptr_nonnull(strstr(text, "\\u0001"));
	free(text);
}
END_TEST

START_TEST(text_table)
{
	char *text = render(false, "/data/data.bin");

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

/* A file name with 0xff, ESC, a newline, DEL and a C1 control: valid JSON, exact bytes. */
START_TEST(json_of_hostile_name)
{
	char *text = render(true, HOSTILE_PATH), back[64];
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root, *v, *x;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, text, (int)strlen(text));
	ck_assert_msg(root, "not valid JSON in UTF-8");
	json_tokener_free(tok);
	ck_assert_ptr_null(strchr(text, '\x1b'));
	ck_assert_ptr_null(strchr(text, '\x7f'));
	ck_assert_ptr_null(strchr(text, '\xff'));
	ck_assert(json_object_object_get_ex(root, "vmas", &x));
	v = json_object_array_get_idx(x, 1);
	ck_assert(json_object_object_get_ex(v, "path", &x));
	ck_assert_str_eq(json_object_get_string(x), "/tmp/a\xef\xbf\xbd\x1b[31m\nb\x7f\xc2\x9b.bin");
	ck_assert(json_object_object_get_ex(v, "path_bytes", &x));
	jw_bytes_decode(json_object_get_string(x), back, sizeof(back));
	ck_assert_str_eq(back, HOSTILE_PATH);
	ck_assert(json_object_object_get_ex(v, "label_bytes", &x));
	ck_assert(!json_object_object_get_ex(json_object_array_get_idx(
		json_object_object_get(root, "vmas"), 0), "label_bytes", NULL));
	json_object_put(root);
	free(text);
}
END_TEST

static void expect_no_raw_controls(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		ck_assert_msg(*p == '\n' || (*p >= 0x20 && *p != 0x7f && *p != 0xff),
			      "raw byte 0x%02x at %zu", *p, (size_t)(p - (const unsigned char *)text));
}

/* The same name in the text report and the live view: escaped, one line. */
START_TEST(text_of_hostile_name)
{
	/* -w: its escaped label (41 bytes) is not cut to LABEL's 40 */
	char *text = render_with(false, HOSTILE_PATH, true);
	const char *row = strstr(text, "a\\xff\\x1b[31m\\nb\\x7f\\xc2\\x9b.bin (unmapped)");
	unsigned long faults, minor, major;
	const char *after;

	expect_no_raw_controls(text);
	ck_assert_ptr_nonnull(row);
	ck_assert_ptr_nonnull(strstr(text, "PID 77 (./app \"x\"\\t\\x01),"));
	ck_assert_ptr_nonnull(strstr(text, "  /tmp/a\\xff\\x1b[31m\\nb\\x7f\\xc2\\x9b.bin\n"));
	/* the row is whole: its counters (faults 5, minor 1, major 4) on its line */
	after = strstr(row, "(unmapped)");
	ck_assert_ptr_eq(after, strchr(row, ' ') + 1);
	ck_assert_int_eq(sscanf(after + strlen("(unmapped)"), "%*[ ]%lu%*[ ]%lu%*[ ]%lu",
				&faults, &minor, &major), 3);
	ck_assert(faults == 5 && minor == 1 && major == 4);
	free(text);
}
END_TEST

START_TEST(live_of_hostile_name)
{
	struct address_space as;
	struct config cfg = { .top = 10, .interval = 1 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	sample(&as, HOSTILE_PATH);
	as.vmas[1].faulted = true;
	live_print(f, &as, &cfg, false);
	fclose(f);
	expect_no_raw_controls(text);
	ck_assert_ptr_nonnull(strstr(text, "(./app \"x\"\\t\\x01)"));
	ck_assert_ptr_nonnull(strstr(text, "/tmp/a\\xff\\x1b[31m\\nb\\x7f\\xc2\\x9b.bin (unmapped)\n"));
	aspace_free(&as);
	free(text);
}
END_TEST

#define FF15 "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
#define FF15_TEXT "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff"

/*
 * A process that exec'd three times, its names long once escaped: the
 * processes table cuts its commands between names, never inside one (the
 * third name, cut after the first byte of an é, was invalid UTF-8; found by
 * the report fuzzer).
 */
START_TEST(text_of_many_images)
{
	static const char *const comms[] = { FF15, FF15, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", "sh" };
	struct proc_image images[4] = { 0 };
	struct proc_kernel kernel[2] = { { .pid = 100 }, { .pid = 101 } };
	struct proc_set set = { .images = images, .nr = 4, .kernel = kernel, .nr_pids = 2 };
	struct config cfg = { .top = 10 };
	struct address_space as;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	sample(&as, "/data/data.bin");
	for (int i = 0; i < 4; i++) {
		images[i].pid = i < 3 ? 100 : 101;
		snprintf(images[i].comm, sizeof(images[i].comm), "%s", comms[i]);
		aspace_init(&images[i].as, images[i].pid);
	}
	as.procs = &set;
	report_text(f, &as, &cfg);
	fclose(f);
	ck_assert(valid_utf8((const unsigned char *)text, len, true));
	ck_assert_ptr_nonnull(strstr(text, " " FF15_TEXT " > " FF15_TEXT " "));
	ck_assert_ptr_null(strchr(text, '\xc3'));
	aspace_free(&as);
	free(text);
}
END_TEST

static int name_f(void *ctx, uint64_t ip, struct code_name *out)
{
	snprintf(out->function, sizeof(out->function), "f");
	snprintf(out->module, sizeof(out->module), "app");
	return 0;
}

/*
 * --code with no (row, IP) sample, and with one: empty lists were sorted as
 * qsort(NULL, 0), undefined (UBSan in the report fuzzer); now they are left
 * alone and the report says there was nothing.
 */
START_TEST(code_without_samples)
{
	struct code_sample one = { .serial = 0, .ip = 0x1234, .c = { [VMT_CC_FAULTS] = 3 } };
	struct address_space as;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	sample(&as, "/data/data.bin");
	ck_assert_int_eq(code_build(&as, NULL, 0, 0, name_f, NULL), 0);
	ck_assert_uint_eq(as.code->overall.nr, 0);
	ck_assert_ptr_null(code_of_vma(as.code, &as.vmas[0]));
	ck_assert_int_eq(report_json(f, &as, false), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "\"code\":{\"drops\":0,\"no_row\":0,\"functions\":[]}"));
	code_free(as.code);
	ck_assert_int_eq(code_build(&as, &one, 1, 0, name_f, NULL), 0);
	ck_assert_uint_eq(as.code->overall.nr, 1);
	ck_assert_uint_eq(as.code->no_row, 3);
	aspace_free(&as);
	free(text);
}
END_TEST

/* name_text()'s escapes read back, or a failure naming the one it never writes. */
static size_t unescape(const char *s, char *out)
{
	long n = name_unescape(s, out);

	ck_assert_msg(n >= 0, "unknown escape in %s", s);
	return (size_t)n;
}

static void expect_text(const char *in, const char *want)
{
	char buf[NAME_TEXT_MAX(64)], back[64];

	ck_assert_str_eq(name_text(in, buf, sizeof(buf)), want);
	unescape(buf, back);
	ck_assert_str_eq(back, in);
}

START_TEST(name_text_escapes_controls)
{
	unsigned char c = _i == 0x20 ? 0x7f : _i;
	char in[4] = { 'a', (char)c, 'b', 0 }, want[16];

	if (c >= '\a' && c <= '\r')
		snprintf(want, sizeof(want), "a\\%cb", "abtnvfr"[c - '\a']);
	else
		snprintf(want, sizeof(want), "a\\x%02xb", c);
	expect_text(in, want);
}
END_TEST

START_TEST(name_text_bytes)
{
	expect_text("plain/path-1.so", "plain/path-1.so");
	expect_text("back\\slash", "back\\\\slash");
	expect_text("\x1b[2J\x1b]0;title\x07", "\\x1b[2J\\x1b]0;title\\a");
	expect_text("\xff\xfe", "\\xff\\xfe");
	expect_text("\x80", "\\x80");					/* lone continuation */
	expect_text("\xc0\xaf", "\\xc0\\xaf");				/* overlong */
	expect_text("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
	expect_text("x\xe2\x82", "x\\xe2\\x82");				/* truncated */
	expect_text("\xed\xa0\x80", "\\xed\\xa0\\x80");			/* surrogate */
	expect_text("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");		/* > U+10FFFF */
	expect_text("\xc2\x9b" "31m", "\\xc2\\x9b31m");			/* C1 CSI */
	expect_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0",
		    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0");	/* UTF-8 */
}
END_TEST

/* Every byte, alone and between others, reads back; a cut falls between escapes. */
START_TEST(name_text_reversible_and_cut)
{
	char in[4], buf[NAME_TEXT_MAX(3)], back[8];

	for (int c = 1; c < 256; c++) {
		snprintf(in, sizeof(in), "%c%cz", c, c);
		name_text(in, buf, sizeof(buf));
		ck_assert_uint_eq(unescape(buf, back), 3);
		ck_assert_str_eq(back, in);
	}
	ck_assert_str_eq(name_text("ab\x1b", buf, 5), "ab");
	ck_assert_str_eq(name_text("ab\x1b", buf, 7), "ab\\x1b");
	ck_assert_str_eq(name_text("\xc3\xa9", buf, 2), "");	/* never half a character */
	ck_assert_str_eq(name_text("abc", buf, 1), "");
	buf[0] = 'q';
	name_text("abc", buf, 0);
	ck_assert_int_eq(buf[0], 'q');
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
	tcase_add_test(tc, text_width);
	tcase_add_test(tc, text_long_label_cut);
	tcase_add_test(tc, json_escapes_control_bytes);
	tcase_add_test(tc, text_table);
	tcase_add_test(tc, bytes_human);
	tcase_add_test(tc, json_of_hostile_name);
	tcase_add_test(tc, text_of_hostile_name);
	tcase_add_test(tc, live_of_hostile_name);
	tcase_add_test(tc, code_without_samples);
	tcase_add_test(tc, text_of_many_images);
	tcase_add_loop_test(tc, name_text_escapes_controls, 1, 0x21);
	tcase_add_test(tc, name_text_bytes);
	tcase_add_test(tc, name_text_reversible_and_cut);
	suite_add_tcase(s, tc);
	return s;
}
