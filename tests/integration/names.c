/*
 * A mapped file whose name holds 0xff (not UTF-8), ESC and a newline: the
 * JSON report stays strict JSON in valid UTF-8 and gives the exact name back
 * in path_bytes; the text report and the live view print it escaped
 * (\xff \x1b \n), so no raw control byte reaches the terminal and the row
 * stays on one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

#define NAME		"vm\xff\x1b[31m\nname.data"
#define NAME_TEXT	"vm\\xff\\x1b[31m\\nname.data"
#define PAGES		37

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;

	ck_assert_msg(f, "cannot open %s", path);
	ck_assert(!fseek(f, 0, SEEK_END));
	*len = ftell(f);
	rewind(f);
	buf = malloc(*len + 1);
	ck_assert(buf && fread(buf, 1, *len, f) == *len);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void run_ok(const char *const argv[], struct proc *p, const char *who)
{
	ck_assert_msg(!proc_start(p, (char **)argv, PIPE_OUT | PIPE_ERR, 0),
		      "cannot start %s", argv[0]);
	assert_exit0(proc_wait(p, itest_timeout()), who, p->out[P_ERR].data);
}

static void hex_decode(const char *hex, char *out, size_t size)
{
	size_t n = 0;

	ck_assert_msg(strlen(hex) % 2 == 0 && strlen(hex) / 2 < size, "bad hex %s", hex);
	for (; hex[0] && hex[1]; hex += 2)
		out[n++] = (char)strtol((char[3]){ hex[0], hex[1], 0 }, NULL, 16);
	out[n] = '\0';
}

/* The member key of o, decoded from key_bytes, must be want. */
static void check_bytes(json_object *o, const char *key, const char *want)
{
	char bytes_key[64], got[4096];
	json_object *v;

	snprintf(bytes_key, sizeof(bytes_key), "%s_bytes", key);
	ck_assert_msg(json_object_object_get_ex(o, bytes_key, &v), "no %s", bytes_key);
	hex_decode(json_object_get_string(v), got, sizeof(got));
	ck_assert_str_eq(got, want);
	ck_assert(json_object_object_get_ex(o, key, &v));
	ck_assert_msg(strstr(json_object_get_string(v), "\xef\xbf\xbd\x1b[31m\nname.data"),
		      "%s is %s", key, json_object_get_string(v));
}

/* The element of the array at path (a report path) whose key_bytes holds want. */
static json_object *find_by_bytes(const struct report *r, const char *path,
				  const char *key, const char *want)
{
	json_object *a = report_get(r, path), *v;
	char bytes_key[64], got[4096];

	snprintf(bytes_key, sizeof(bytes_key), "%s_bytes", key);
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *o = json_object_array_get_idx(a, i);

		if (!json_object_object_get_ex(o, bytes_key, &v))
			continue;
		hex_decode(json_object_get_string(v), got, sizeof(got));
		if (!strcmp(got, want))
			return o;
	}
	ck_assert_msg(0, "no %s entry whose %s is the file's name", path, bytes_key);
	return NULL;
}

static void check_python(const char *path)
{
	const char *argv[] = { "python3", "-c", "import json, sys; "
			       "json.loads(open(sys.argv[1], 'rb').read().decode('utf-8'))",
			       path, NULL };
	struct proc p = { 0 };

	if (access("/usr/bin/python3", X_OK))
		return;	/* not in the qemu tier's initramfs: json-c's check stands */
	run_ok(argv, &p, "python3 json.loads(utf-8)");
	proc_free(&p);
}

START_TEST(json_of_hostile_name)
{
	char path[1100], pages[16];
	const char *args[] = { "file", path, pages, NULL };
	struct json_tokener *tok = json_tokener_new();
	struct session s = { 0 };
	json_object *root, *o;
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/%s", itest_dir, NAME);
	snprintf(pages, sizeof(pages), "%d", PAGES);
	trace_cmd(&s, args);
	check_report(&s, s.wpid);
	text = read_file(s.out, &len);
	ck_assert_msg(!memchr(text, 0xff, len) && !memchr(text, 0x1b, len),
		      "raw bytes of the name in the JSON");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, text, (int)len);
	ck_assert_msg(root, "not strict JSON in UTF-8: %s",
		      json_tokener_error_desc(json_tokener_get_error(tok)));
	json_tokener_free(tok);
	json_object_put(root);
	check_python(s.out);
	o = find_by_bytes(&s.rep, "vmas", "path", path);
	check_bytes(o, "path", path);
	check_bytes(o, "label", path);
	ck_assert_int_eq(json_object_get_int64(json_object_object_get(o, "major")), PAGES);
	check_bytes(find_by_bytes(&s.rep, "files", "path", path), "path", path);
	free(text);
	session_free(&s);
}
END_TEST

/* The row holding the name: one line, its counters after the name. */
static void check_text_row(const char *text, const char *who)
{
	const char *table = strstr(text, " START "), *row = table ? strstr(table, NAME_TEXT " ") : NULL;
	unsigned long faults = 0, minor = 0, major = 0;

	ck_assert_msg(row, "%s: no row named %s in: %.3000s", who, NAME_TEXT, text);
	ck_assert_int_eq(sscanf(row + strlen(NAME_TEXT), " %lu %lu %lu", &faults, &minor,
				&major), 3);
	ck_assert_int_eq(faults, PAGES);
	ck_assert_int_eq(major, PAGES);
}

static void check_no_raw(const char *text, const char *who)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		ck_assert_msg(*p != 0x1b && *p != 0xff && *p != 0x7f &&
			      (*p >= 0x20 || *p == '\n'),
			      "%s: raw byte 0x%02x at %zu: %.200s", who, *p,
			      (size_t)(p - (const unsigned char *)text), (const char *)p);
}

START_TEST(text_of_hostile_name)
{
	char path[1100], out[1100], pages[16], files_line[2200];
	const char *argv[] = { vmtrace_path, "-o", out, "--", vmwork_path, "file", path,
			       pages, NULL };
	struct proc p = { 0 };
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/%s", itest_dir, NAME);
	snprintf(out, sizeof(out), "%s/report.txt", itest_dir);
	snprintf(pages, sizeof(pages), "%d", PAGES);
	run_ok(argv, &p, "vmtrace -o report.txt -- vmwork file");
	text = read_file(out, &len);
	check_no_raw(text, "text report");
	check_text_row(text, "text report");
	/* the files table: the whole path, escaped, ends its line */
	snprintf(files_line, sizeof(files_line), "  %s/%s\n", itest_dir, NAME_TEXT);
	ck_assert_msg(strstr(text, files_line), "no files line %s in: %.3000s", files_line, text);
	free(text);
	proc_free(&p);
}
END_TEST

/*
 * -i into a pipe: the live view's files table holds the name, escaped. The
 * workload holds (vmwork --hold) until a block began after it, then its
 * stdin closes: counts, not time.
 */
START_TEST(live_of_hostile_name)
{
	char path[1100], line[1100];
	const char *argv[] = { vmtrace_path, "-I", "200", "-o", "-", "--", vmwork_path, "--also-file",
			       path, "--hold", "anon", "16", NULL };
	struct proc p = { 0 };
	const char *out;

	snprintf(path, sizeof(path), "%s/%s", itest_dir, NAME);
	ck_assert_msg(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR | PIPE_IN, 0),
		      "cannot start %s", argv[0]);
	ck_assert_msg(proc_wait_line(&p, P_OUT, "vmwork: holding", itest_timeout()),
		      "the workload never held");
	ck_assert_msg(proc_wait_line(&p, P_OUT, "vmtrace  PID", itest_timeout()),
		      "no live view block after the workload held");
	proc_close_in(&p);
	assert_exit0(proc_wait(&p, itest_timeout()), "vmtrace -I -- vmwork --also-file",
		     p.out[P_ERR].data);
	out = p.out[P_OUT].data ? p.out[P_OUT].data : "";
	check_no_raw(out, "live view");
	ck_assert_msg(strstr(out, "NOW/s"), "no live view: %.1500s", out);
	snprintf(line, sizeof(line), "  %s/%s\n", itest_dir, NAME_TEXT);
	ck_assert_msg(strstr(out, line), "no live files line %s in: %.3000s", line, out);
	proc_free(&p);
}
END_TEST

Suite *names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tracer_tcase("hostile_name");

	tcase_add_test(tc, json_of_hostile_name);
	tcase_add_test(tc, text_of_hostile_name);
	tcase_add_test(tc, live_of_hostile_name);
	suite_add_tcase(s, tc);
	return s;
}
