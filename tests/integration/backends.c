/*
 * The attach ladder: vmtrace --features -j must describe this kernel, and
 * every backend must do what it says: one that works traces a command and
 * reports itself, with totals equal to the kernel's counters; one that does
 * not fails, forced, with one line and no report file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "itest.h"

static const char *const ladder[] = { "fentry", "kprobe", "tracepoint" };

/* Runs vmtrace --features -j and parses what it printed. */
static json_object *features(void)
{
	const char *argv[] = { vmtrace_path, "--features", "-j", NULL };
	json_object *root;
	struct proc p;
	int st;

	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	st = proc_wait(&p, itest_timeout());
	assert_exit0(st, "vmtrace --features", p.out[P_ERR].data);
	root = json_tokener_parse(p.out[P_OUT].data ? p.out[P_OUT].data : "");
	ck_assert_msg(root, "--features -j printed no JSON");
	json_keep(p.out[P_OUT].data);	/* the schema suite validates it */
	proc_free(&p);
	return root;
}

static json_object *field(json_object *o, const char *key)
{
	json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no \"%s\"", key);
	return v;
}

/* The backend entry named name in the features report. */
static json_object *backend(json_object *root, const char *name)
{
	json_object *list = field(root, "backends");

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *b = json_object_array_get_idx(list, i);

		if (!strcmp(json_object_get_string(field(b, "name")), name))
			return b;
	}
	ck_abort_msg("backend %s not in --features", name);
	return NULL;
}

START_TEST(test_auto_is_best_that_works)
{
	json_object *root = features(), *pick = field(root, "auto");
	const char *want = NULL;

	for (int i = 0; i < 3 && !want; i++)
		if (json_object_get_boolean(field(backend(root, ladder[i]), "works")))
			want = ladder[i];
	ck_assert_msg(want, "no backend works on this kernel");
	ck_assert_ptr_nonnull(pick);
	ck_assert_str_eq(json_object_get_string(pick), want);
	ck_assert_uint_gt(json_object_array_length(field(root, "attach_points")), 10);
	json_object_put(root);
}
END_TEST

/* A working backend, forced: traces `true`, names itself, counts it all. */
static void check_works(const char *name)
{
	struct session s = { 0 };
	const char *argv[] = { vmtrace_path, "--backend", name, "-j", "-o", s.out,
			       "--", "true", NULL };
	char msg[MSG_MAX], err[MSG_MAX];
	json_object *b;
	struct proc p;

	snprintf(s.out, sizeof(s.out), "%s/forced.json", itest_dir);
	ck_assert(!proc_start(&p, (char **)argv, PIPE_ERR, 0));
	assert_exit0(proc_wait(&p, itest_timeout()), name, p.out[P_ERR].data);
	ck_assert_msg(!report_load(&s.rep, s.out, err, sizeof(err)), "%s", err);
	b = field(s.rep.root, "backend");
	ck_assert_str_eq(json_object_get_string(b), name);
	ck_assert_msg(!report_check_totals(&s.rep, msg, sizeof(msg)), "%s: %s", name, msg);
	report_free(&s.rep);
	proc_free(&p);
}

/* A backend this kernel lacks, forced: one line naming it, no report. */
static void check_refused(const char *name)
{
	char out[1100], prefix[64];
	const char *argv[] = { vmtrace_path, "--backend", name, "-j", "-o", out,
			       "--", "true", NULL };
	const char *err;
	struct proc p;
	int st;

	snprintf(out, sizeof(out), "%s/refused.json", itest_dir);
	snprintf(prefix, sizeof(prefix), "vmtrace: backend %s: ", name);
	ck_assert(!proc_start(&p, (char **)argv, PIPE_ERR, 0));
	st = proc_wait(&p, itest_timeout());
	err = p.out[P_ERR].data ? p.out[P_ERR].data : "";
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st), "%s: forced, exited 0x%x", name, st);
	ck_assert_msg(!strncmp(err, prefix, strlen(prefix)) &&
		      strchr(err, '\n') == err + strlen(err) - 1,
		      "%s: stderr should be one line \"%s...\", got \"%s\"", name, prefix, err);
	ck_assert_msg(access(out, F_OK) && errno == ENOENT, "%s: left %s", name, out);
	proc_free(&p);
}

START_TEST(test_forced_backend)
{
	json_object *root = features();
	const char *name = ladder[_i];

	if (json_object_get_boolean(field(backend(root, name), "works")))
		check_works(name);
	else
		check_refused(name);
	json_object_put(root);
}
END_TEST

Suite *backends_suite(void)
{
	Suite *s = suite_create("backends");
	TCase *tc = tracer_tcase("ladder");

	tcase_add_test(tc, test_auto_is_best_that_works);
	tcase_add_loop_test(tc, test_forced_backend, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
