/*
 * Every JSON document the suite had vmtrace write (reports, baselines,
 * verdicts) is kept, and the schema suite, which runs last, validates them
 * all against docs/schema/ with tests/check-schema.py (Debian's
 * python3-jsonschema), after documents of its own: a report as a file, a
 * live view's reports one a line, an indented report, a baseline, --features
 * -j, -r 2 -j. Run from
 * the top of the repository (the qemu tier skips it: its guest has no
 * python3).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "itest.h"

#define REPORT_START	"{\"schema\":\"vmtrace-report/1\","
#define FEATURES_START	"{\"schema\":\"vmtrace-features/1\","
#define HOLD_LINE	"vmwork: holding"

const char *json_keep_dir(void)
{
	const char *dir = getenv("ITEST_JSON_DIR");

	return dir && *dir ? dir : NULL;
}

void json_keep(const char *text)
{
	static unsigned int seq;
	char path[1200];
	FILE *f;

	if (!json_keep_dir())
		return;
	snprintf(path, sizeof(path), "%s/%d-%u.json", json_keep_dir(), (int)getpid(),
		 seq++);
	f = fopen(path, "we");
	ck_assert_msg(f, "cannot keep a JSON document in %s", path);
	fputs(text, f);
	ck_assert_msg(!fclose(f), "cannot write %s", path);
}

void json_keep_file(const char *path)
{
	char *text = NULL;
	size_t cap = 0;
	FILE *f;

	if (!json_keep_dir() || !(f = fopen(path, "re")))
		return;	/* the test itself says what is missing */
	if (getdelim(&text, &cap, '\0', f) > 0)
		json_keep(text);
	free(text);
	fclose(f);
}

static const char *text_of(const struct proc *p, int which)
{
	return p->out[which].data ? p->out[which].data : "";
}

/* argv to its end; exit status 0 or the test fails, naming who. */
static void run_ok(struct proc *p, const char *const argv[], const char *who)
{
	ck_assert(!proc_start(p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	assert_exit0(proc_wait(p, itest_timeout()), who, text_of(p, P_ERR));
}

enum lines { ANY_LINES, ONE_LINE, INDENTED };

static void own_file(const char *name, const char *const vopts[], enum lines lines)
{
	char out[1200];
	const char *argv[16] = { vmtrace_path };
	int n = 1;
	struct proc p;
	char err[MSG_MAX];
	struct report r;

	snprintf(out, sizeof(out), "%s/%s", itest_dir, name);
	for (; *vopts; vopts++)
		argv[n++] = strcmp(*vopts, "@OUT") ? *vopts : out;
	for (const char *const *w = (const char *const[]){ "--", vmwork_path, "anon",
							       "16", NULL }; *w; w++)
		argv[n++] = *w;
	run_ok(&p, argv, name);
	proc_free(&p);
	ck_assert_msg(!report_read(&r, out, err, sizeof(err)), "%s", err);
	report_free(&r);
	json_keep_file(out);
	snprintf(err, sizeof(err), "test \"$(grep -c . %s)\" = 1", out);
	if (lines != ANY_LINES)
		ck_assert_msg((system(err) == 0) == (lines == ONE_LINE), "%s: not %s",
			      name, lines == ONE_LINE ? "one line" : "indented");
}

/* -j -I: one report a line, each a whole object, the final one too. */
static void own_stream(void)
{
	const char *argv[] = { vmtrace_path, "-j", "-I", "50", "-o", "-", "--",
			       vmwork_path, "--hold", "anon", "16", NULL };
	struct proc p;
	int reports = 0;

	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR | PIPE_IN, 0));
	ck_assert_msg(proc_wait_line(&p, P_OUT, HOLD_LINE, itest_timeout()),
		      "no \"" HOLD_LINE "\": %.2000s", text_of(&p, P_ERR));
	for (int i = 0; i < 2; i++)
		ck_assert_msg(proc_wait_line(&p, P_OUT, REPORT_START, itest_timeout()),
			      "%d reports a line, wanted 2: %.2000s", i, text_of(&p, P_OUT));
	proc_close_in(&p);
	assert_exit0(proc_wait(&p, itest_timeout()), "vmtrace -j -I", text_of(&p, P_ERR));
	for (char *line = strtok(p.out[P_OUT].data, "\n"); line; line = strtok(NULL, "\n")) {
		struct report r;

		if (strncmp(line, "vmwork", 6) && strncmp(line, "expect", 6)) {
			ck_assert_msg(!strncmp(line, REPORT_START, strlen(REPORT_START)) &&
				      !report_parse(&r, line), "not a report: %.300s", line);
			report_free(&r);
			json_keep(line);
			reports++;
		}
	}
	ck_assert_int_ge(reports, 3);	/* 2 while held, the final one */
	proc_free(&p);
}

/* check --json against the baseline of the same workload: a pass, kept. */
static void own_verdict(void)
{
	char base[1200];
	const char *argv[] = { vmtrace_path, "check", "--json", "--baseline", base, "--",
			       vmwork_path, "anon", "16", NULL };
	struct proc p;

	snprintf(base, sizeof(base), "%s/baseline.json", itest_dir);
	run_ok(&p, argv, "check --json");
	ck_assert_msg(strstr(text_of(&p, P_OUT), "{\"schema\":\"vmtrace-verdict/1\","),
		      "no verdict: %s", text_of(&p, P_OUT));
	json_keep(strstr(text_of(&p, P_OUT), "{\"schema\""));
	proc_free(&p);
}

/* --features -j: one object on one line (not a terminal), kept. */
static void own_features(void)
{
	const char *argv[] = { vmtrace_path, "--features", "-j", NULL };
	const char *out;
	struct proc p;

	run_ok(&p, argv, "--features -j");
	out = text_of(&p, P_OUT);
	ck_assert_msg(!strncmp(out, FEATURES_START, strlen(FEATURES_START)) &&
		      strchr(out, '\n') == out + strlen(out) - 1,
		      "not one features object on one line: %.500s", out);
	json_keep(out);
	proc_free(&p);
}

/* check-schema.py over dir: its last line, and whether it exited 0. */
static bool validate(const char *dir, char *last, size_t size)
{
	const char *argv[] = { "python3", "tests/check-schema.py", "docs/schema", dir, NULL };
	const char *out, *nl;
	struct proc p;
	int st;

	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	st = proc_wait(&p, itest_timeout_ms(800 * 1000));	/* a hang guard: see schema_suite() */
	out = text_of(&p, P_OUT);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) < 2, "check-schema.py: status 0x%x: %s",
		      st, text_of(&p, P_ERR));
	for (nl = out + strlen(out); nl > out && nl[-1] == '\n'; nl--)
		;
	while (nl > out && nl[-1] != '\n')
		nl--;
	snprintf(last, size, "%s", nl);
	if (WEXITSTATUS(st))
		snprintf(last, size, "%.*s", (int)(size - 1), out);
	proc_free(&p);
	return WEXITSTATUS(st) == 0;
}

/* The validator must catch what is wrong, or its pass means nothing. */
static void validator_refuses(void)
{
	static const char *const bad[] = {
		"{\"pid\":1}",					/* no schema */
		"{\"schema\":\"vmtrace-report/1\",\"pid\":1}",	/* members missing */
		"{\"schema\":\"vmtrace-report/9\"}",		/* unknown version */
	};
	char dir[1100], path[1200], last[MSG_MAX];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f;

		snprintf(dir, sizeof(dir), "%s/bad%zu", itest_dir, i);
		snprintf(path, sizeof(path), "%s/doc.json", dir);
		ck_assert(!mkdir(dir, 0700) && (f = fopen(path, "w")));
		fputs(bad[i], f);
		fclose(f);
		ck_assert_msg(!validate(dir, last, sizeof(last)), "%s passed: %s", bad[i], last);
	}
}

START_TEST(every_document)
{
	const char *const file[] = { "-j", "-o", "@OUT", NULL };
	const char *const pretty[] = { "-j", "--pretty", "-o", "@OUT", NULL };
	const char *const record[] = { "record", "-o", "@OUT", NULL };
	const char *const repeat[] = { "-r", "2", "-j", "-o", "@OUT", NULL };
	char last[MSG_MAX];
	unsigned int n, valid;

	ck_assert_msg(json_keep_dir(), "ITEST_JSON_DIR unset (itest sets it)");
	own_file("report.json", file, ONE_LINE);
	own_file("pretty.json", pretty, INDENTED);
	own_stream();
	own_file("baseline.json", record, ANY_LINES);
	own_verdict();
	own_features();
	own_file("repeat.json", repeat, ONE_LINE);
	validator_refuses();
	ck_assert_msg(validate(json_keep_dir(), last, sizeof(last)), "%s", last);
	ck_assert_msg(sscanf(last, "%u documents: %u valid", &n, &valid) == 2 && n == valid &&
		      n >= 9, "%s", last);
}
END_TEST

Suite *schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tracer_tcase("validate");

	/*
	 * A guard against a hang, not a bound on speed: python3-jsonschema
	 * takes seconds of CPU per megabyte of report, and every report the
	 * suites wrote is validated; on a busy 2-core machine that ran past
	 * the default 60 s.
	 */
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, every_document);
	suite_add_tcase(s, tc);
	return s;
}
