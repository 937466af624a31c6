// SPDX-License-Identifier: GPL-2.0
/*
 * The streaming JSON writer: escapes, UTF-8 repair and NAME_bytes, the three
 * layouts, misuse and write errors. Output is read back with json-c's
 * parser in its UTF-8 validating mode.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "report/json_writer.h"
#include "suites.h"

struct capture {
	struct json_writer w;
	FILE *f;
	char *text;
	size_t len;
};

static struct json_writer *open_capture(struct capture *c, enum jw_style style)
{
	c->text = NULL;
	c->len = 0;
	c->f = open_memstream(&c->text, &c->len);
	ck_assert_ptr_nonnull(c->f);
	jw_init(&c->w, c->f, style);
	return &c->w;
}

/* The text written; the caller frees it. */
static char *close_capture(struct capture *c, int want_err)
{
	ck_assert_int_eq(jw_finish(&c->w), want_err);
	fclose(c->f);
	return c->text;
}

/* The JSON text of one string value s (compact, with its newline). */
static char *string_json(const char *s)
{
	struct capture c;

	jw_string(open_capture(&c, JW_COMPACT), s);
	return close_capture(&c, 0);
}

/* Parses text, refusing what is not valid UTF-8. */
static struct json_object *parse_utf8(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, text, (int)strlen(text));
	ck_assert_msg(json_tokener_get_error(tok) == json_tokener_success,
		      "not valid JSON in UTF-8: %s", text);
	json_tokener_free(tok);
	return o;
}

static void expect_string(const char *in, const char *want_json)
{
	char *text = string_json(in);

	ck_assert_str_eq(text, want_json);
	json_object_put(parse_utf8(text));
	free(text);
}

/* Every byte below 0x20 and DEL: escaped, and back intact through a parser. */
START_TEST(escapes_every_control_byte)
{
	static const char *const short_forms[0x20] = {
		['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
	};
	unsigned char c = _i == 0x20 ? 0x7f : _i;
	char in[4] = { 'a', (char)c, 'b', 0 }, want[16], *text;
	struct json_object *o;

	if (c < 0x20 && short_forms[c])
		snprintf(want, sizeof(want), "\"a%sb\"\n", short_forms[c]);
	else
		snprintf(want, sizeof(want), "\"a\\u00%02xb\"\n", c);
	if (!c)	/* a C string cannot hold NUL: the string ends there */
		snprintf(want, sizeof(want), "\"a\"\n");
	text = string_json(in);
	ck_assert_str_eq(text, want);
	for (const char *p = text; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 && *p != 0x7f ? 1 : *p == '\n' && !p[1],
			      "byte 0x%02x raw in %s", (unsigned char)*p, text);
	o = parse_utf8(text);
	ck_assert_str_eq(json_object_get_string(o), in);
	json_object_put(o);
	free(text);
}
END_TEST

START_TEST(escapes_quotes_not_slashes)
{
	expect_string("\"q\" \\ /x/", "\"\\\"q\\\" \\\\ /x/\"\n");
	expect_string("", "\"\"\n");
}
END_TEST

/* Each byte that is not part of a well-formed sequence becomes U+FFFD. */
static const struct {
	const char *name, *in, *want;
} bad_utf8[] = {
	{ "lone continuation", "a\x80z", "\"a\xef\xbf\xbdz\"\n" },
	{ "two continuations", "\xbf\xbf", "\"\xef\xbf\xbd\xef\xbf\xbd\"\n" },
	{ "0xff", "\xff", "\"\xef\xbf\xbd\"\n" },
	{ "0xfe", "x\xfe", "\"x\xef\xbf\xbd\"\n" },
	{ "overlong 2-byte /", "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"\n" },
	{ "overlong 2-byte NUL", "\xc1\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\"\n" },
	{ "overlong 3-byte", "\xe0\x80\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"\n" },
	{ "overlong 4-byte", "\xf0\x8f\xbf\xbf",
	  "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"\n" },
	{ "truncated 2-byte at the end", "ab\xc3", "\"ab\xef\xbf\xbd\"\n" },
	{ "truncated 3-byte at the end", "\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"\n" },
	{ "truncated 4-byte before ASCII", "\xf0\x9f\x98z",
	  "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz\"\n" },
	{ "truncated then a quote", "\xe2\"", "\"\xef\xbf\xbd\\\"\"\n" },
	{ "high surrogate", "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"\n" },
	{ "low surrogate", "\xed\xbf\xbf", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"\n" },
	{ "above U+10FFFF", "\xf4\x90\x80\x80",
	  "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"\n" },
	{ "0xf5 lead", "\xf5\x80\x80\x80",
	  "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"\n" },
	{ "invalid between valid", "\xc3\xa9\xff\xc3\xa9", "\"\xc3\xa9\xef\xbf\xbd\xc3\xa9\"\n" },
};

START_TEST(replaces_invalid_utf8)
{
	char *text = string_json(bad_utf8[_i].in);

	ck_assert_msg(!strcmp(text, bad_utf8[_i].want), "%s: got %s", bad_utf8[_i].name, text);
	json_object_put(parse_utf8(text));
	free(text);
}
END_TEST

START_TEST(passes_valid_utf8)
{
	expect_string("\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\"\n");		/* é */
	expect_string("\xc2\xa0", "\"\xc2\xa0\"\n");				/* U+00A0, after C1 */
	expect_string("\xe2\x82\xac", "\"\xe2\x82\xac\"\n");			/* € */
	expect_string("\xed\x9f\xbf", "\"\xed\x9f\xbf\"\n");			/* U+D7FF */
	expect_string("\xee\x80\x80", "\"\xee\x80\x80\"\n");			/* U+E000 */
	expect_string("\xef\xbf\xbd", "\"\xef\xbf\xbd\"\n");			/* U+FFFD itself */
	expect_string("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"\n");		/* 😀 */
	expect_string("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"\n");		/* U+10FFFF */
	/* C1 controls are valid UTF-8 but terminal controls: escaped */
	expect_string("\xc2\x80\xc2\x9b\xc2\x9f", "\"\\u0080\\u009b\\u009f\"\n");
}
END_TEST

/* NAME_bytes: present exactly when NAME was not UTF-8, and it gives the bytes back. */
START_TEST(bytes_member_is_reversible)
{
	const char *path = "/tmp/a\xff\x1b[31m\nb\xc3";
	struct json_object *o, *v;
	struct capture c;
	struct json_writer *w = open_capture(&c, JW_COMPACT);
	char back[64], *text;

	jw_begin_object(w);
	jw_string_field(w, "path", path);
	jw_string_field(w, "label", "ok \xc3\xa9");
	jw_string_field(w, "none", NULL);
	jw_end_object(w);
	text = close_capture(&c, 0);
	ck_assert_str_eq(text, "{\"path\":\"/tmp/a\xef\xbf\xbd\\u001b[31m\\nb\xef\xbf\xbd\","
			 "\"path_bytes\":\"2f746d702f61ff1b5b33316d0a62c3\","
			 "\"label\":\"ok \xc3\xa9\",\"none\":null}\n");
	o = parse_utf8(text);
	ck_assert(json_object_object_get_ex(o, "path_bytes", &v));
	ck_assert_int_eq(jw_bytes_decode(json_object_get_string(v), back, sizeof(back)),
			 (int)strlen(path));
	ck_assert_str_eq(back, path);
	ck_assert(!json_object_object_get_ex(o, "label_bytes", NULL));
	json_object_put(o);
	free(text);
}
END_TEST

START_TEST(bytes_decode_refuses)
{
	char out[4];

	ck_assert_int_eq(jw_bytes_decode("", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(jw_bytes_decode("41Ff", out, sizeof(out)), 2);
	ck_assert_int_eq(jw_bytes_decode("4", out, sizeof(out)), -1);	/* odd */
	ck_assert_int_eq(jw_bytes_decode("4g", out, sizeof(out)), -1);
	ck_assert_int_eq(jw_bytes_decode("4100", out, sizeof(out)), -1);	/* NUL */
	ck_assert_int_eq(jw_bytes_decode("41424344", out, sizeof(out)), -1);	/* no room */
	ck_assert_int_eq(jw_bytes_decode("414243", out, sizeof(out)), 3);
}
END_TEST

/* One document with everything in it, in each layout. */
static char *document(enum jw_style style, bool breaks)
{
	struct capture c;
	struct json_writer *w = open_capture(&c, style);

	jw_begin_object(w);
	jw_int64_field(w, "i", -5);
	jw_name(w, "a");
	jw_begin_array(w);
	jw_uint64(w, 1);
	jw_begin_object(w);
	jw_end_object(w);
	jw_begin_array(w);
	jw_end_array(w);
	jw_null(w);
	jw_end_array(w);
	if (breaks)
		jw_break(w);
	jw_name(w, "o");
	jw_begin_object(w);
	jw_bool_field(w, "t", true);
	jw_double_field(w, "d", 0.5);
	jw_end_object(w);
	jw_name(w, "e");
	jw_begin_array(w);
	if (breaks)
		jw_break(w);
	jw_end_array(w);
	if (breaks)
		jw_break(w);
	jw_end_object(w);
	return close_capture(&c, 0);
}

START_TEST(layouts)
{
	char *pretty = document(JW_PRETTY, false), *compact = document(JW_COMPACT, false);
	char *spaced = document(JW_SPACED, false), *broken = document(JW_SPACED, true);
	struct json_object *a = json_tokener_parse(pretty), *b = json_tokener_parse(spaced);

	/* json-c's pretty layout, quirks included: "[\n  ]" for [] */
	ck_assert_str_eq(pretty, "{\n  \"i\":-5,\n  \"a\":[\n    1,\n    {\n    },\n    [\n    ],\n"
			 "    null\n  ],\n  \"o\":{\n    \"t\":true,\n    \"d\":0.5\n  },\n"
			 "  \"e\":[\n  ]\n}\n");
	ck_assert_str_eq(compact, "{\"i\":-5,\"a\":[1,{},[],null],\"o\":{\"t\":true,\"d\":0.5},"
			 "\"e\":[]}\n");
	ck_assert_str_eq(spaced, "{ \"i\": -5, \"a\": [ 1, { }, [ ], null ], \"o\": { \"t\": true, "
			 "\"d\": 0.5 }, \"e\": [ ] }\n");
	ck_assert_str_eq(broken, "{ \"i\": -5, \"a\": [ 1, { }, [ ], null ],\n  \"o\": { \"t\": true, "
			 "\"d\": 0.5 }, \"e\": [\n  ]\n}\n");
	/* and json-c prints what it reads back in the same bytes (less the newline) */
	ck_assert_int_eq(strncmp(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY),
				 pretty, strlen(pretty) - 1), 0);
	ck_assert_int_eq(strncmp(json_object_to_json_string_ext(b, JSON_C_TO_STRING_SPACED),
				 spaced, strlen(spaced) - 1), 0);
	json_object_put(a);
	json_object_put(b);
	free(pretty);
	free(compact);
	free(spaced);
	free(broken);
}
END_TEST

START_TEST(numbers)
{
	static const struct {
		double v;
		const char *want;
	} doubles[] = {
		{ 1, "1.0" }, { 0.1, "0.10000000000000001" }, { -0.0, "-0.0" },
		{ 1e300, "1.0000000000000001e+300" }, { 1.0 / 3, "0.33333333333333331" },
		{ NAN, "null" }, { INFINITY, "null" }, { -INFINITY, "null" },
	};
	struct capture c;
	struct json_writer *w = open_capture(&c, JW_COMPACT);
	char *text, want[512] = "[";

	jw_begin_array(w);
	jw_uint64(w, UINT64_MAX);
	jw_int64(w, INT64_MIN);
	jw_int64(w, INT64_MAX);
	jw_bool(w, false);
	for (size_t i = 0; i < sizeof(doubles) / sizeof(*doubles); i++) {
		jw_double(w, doubles[i].v);
		strcat(want, ",");
		strcat(want, doubles[i].want);
	}
	jw_end_array(w);
	strcat(want, "]\n");
	text = close_capture(&c, 0);
	ck_assert_str_eq(text + strlen("[18446744073709551615,-9223372036854775808,"
				       "9223372036854775807,false"), want + 1);
	free(text);
}
END_TEST

START_TEST(words)
{
	struct capture c;
	struct json_writer *w = open_capture(&c, JW_COMPACT);
	char *text;

	jw_begin_array(w);
	jw_words(w, "  cow  readin oom ");
	jw_words(w, NULL);
	jw_words(w, "");
	jw_end_array(w);
	text = close_capture(&c, 0);
	ck_assert_str_eq(text, "[[\"cow\",\"readin\",\"oom\"],[],[]]\n");
	free(text);
}
END_TEST

/* Calls out of place: no output for them, and jw_finish() says so. */
START_TEST(misuse_is_reported)
{
	struct capture c;
	struct json_writer *w;

	w = open_capture(&c, JW_COMPACT);	/* a value in an object without a name */
	jw_begin_object(w);
	jw_uint64(w, 1);
	jw_end_object(w);
	free(close_capture(&c, -EINVAL));

	w = open_capture(&c, JW_COMPACT);	/* a name in an array */
	jw_begin_array(w);
	jw_name(w, "x");
	free(close_capture(&c, -EINVAL));

	w = open_capture(&c, JW_COMPACT);	/* ] for { */
	jw_begin_object(w);
	jw_end_array(w);
	free(close_capture(&c, -EINVAL));

	w = open_capture(&c, JW_COMPACT);	/* left open */
	jw_begin_array(w);
	free(close_capture(&c, -EINVAL));

	w = open_capture(&c, JW_COMPACT);	/* a name without its value */
	jw_begin_object(w);
	jw_name(w, "x");
	jw_end_object(w);
	free(close_capture(&c, -EINVAL));

	w = open_capture(&c, JW_COMPACT);	/* too deep */
	for (int i = 0; i <= JW_MAX_DEPTH; i++)
		jw_begin_array(w);
	free(close_capture(&c, -E2BIG));
}
END_TEST

static void write_big(struct json_writer *w)
{
	jw_begin_array(w);
	for (int i = 0; i < 100000; i++)
		jw_string(w, "a string that takes room");
	jw_end_array(w);
}

/* A full device, and a FILE with a fixed, small buffer. */
START_TEST(write_errors)
{
	struct json_writer w;
	char small[64];
	FILE *f = fopen("/dev/full", "we");

	ck_assert_ptr_nonnull(f);
	jw_init(&w, f, JW_PRETTY);
	write_big(&w);
	ck_assert_int_eq(jw_finish(&w), -ENOSPC);
	fclose(f);

	f = fmemopen(small, sizeof(small), "w");
	ck_assert_ptr_nonnull(f);
	setvbuf(f, NULL, _IONBF, 0);
	jw_init(&w, f, JW_COMPACT);
	write_big(&w);
	ck_assert_int_lt(jw_finish(&w), 0);
	fclose(f);
}
END_TEST

Suite *json_writer_suite(void)
{
	Suite *s = suite_create("json_writer");
	TCase *tc = tcase_create("writer");

	tcase_add_loop_test(tc, escapes_every_control_byte, 0, 0x21);
	tcase_add_test(tc, escapes_quotes_not_slashes);
	tcase_add_loop_test(tc, replaces_invalid_utf8, 0, sizeof(bad_utf8) / sizeof(*bad_utf8));
	tcase_add_test(tc, passes_valid_utf8);
	tcase_add_test(tc, bytes_member_is_reversible);
	tcase_add_test(tc, bytes_decode_refuses);
	tcase_add_test(tc, layouts);
	tcase_add_test(tc, numbers);
	tcase_add_test(tc, words);
	tcase_add_test(tc, misuse_is_reported);
	tcase_add_test(tc, write_errors);
	suite_add_tcase(s, tc);
	return s;
}
