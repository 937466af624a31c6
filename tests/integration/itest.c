/*
 * Integration tests of vmtrace against vmwork, with the Check framework.
 *
 *   VMTRACE=.output/vmtrace VMWORK=.output/vmwork .output/itest
 *
 * Root runs everything; anyone else only the parser tests, which need no
 * tracer. Check's own variables pick tests (CK_RUN_SUITE, CK_RUN_CASE,
 * CK_EXCLUDE_CASE), verbosity (CK_VERBOSITY) and slow-machine scaling
 * (CK_TIMEOUT_MULTIPLIER, which scales the harness's own waits too).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/*
 * ITEST_SKIP: suites to leave out, by name (space-separated). The qemu tier
 * runs the suites that do not depend on the backend with its first one only.
 */
static bool skipped(const char *name)
{
	const char *skip = env_or("ITEST_SKIP", "");
	size_t len = strlen(name);

	for (const char *p = strstr(skip, name); p; p = strstr(p + 1, name))
		if ((p == skip || p[-1] == ' ') && (!p[len] || p[len] == ' '))
			return true;
	return false;
}

static void add_suite(SRunner *sr, Suite *(*make)(void), const char *name)
{
	if (!skipped(name))
		srunner_add_suite(sr, make());
}

/*
 * The schema suite validates, last, the JSON every suite before it kept
 * (schema.c): in a directory made here, removed after the run.
 */
static char *json_dir_make(char *dir, size_t size)
{
	snprintf(dir, size, "%s/itest-json.XXXXXX", env_or("ITEST_TMPDIR",
							   env_or("TMPDIR", "/tmp")));
	if (skipped("schema") || !mkdtemp(dir))
		return NULL;
	setenv("ITEST_JSON_DIR", dir, 1);
	return dir;
}

static void json_dir_remove(const char *dir)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "itest: cannot remove %s\n", dir);
}

int main(void)
{
	SRunner *sr = srunner_create(parser_suite());
	char dir_buf[1024], *json_dir = NULL;
	int failed;

	vmtrace_path = env_or("VMTRACE", ".output/vmtrace");
	vmwork_path = env_or("VMWORK", ".output/vmwork");
	if (geteuid() == 0) {
		add_suite(sr, workload_suite, "workloads");
		add_suite(sr, attach_suite, "attach");
		add_suite(sr, errors_suite, "errors");
		add_suite(sr, backends_suite, "backends");
		add_suite(sr, insight_suite, "insight");
		add_suite(sr, inherit_suite, "inherit");
		add_suite(sr, ci_suite, "ci");
		add_suite(sr, rows_suite, "rows");
		add_suite(sr, names_suite, "names");
		add_suite(sr, hostile_suite, "hostile");
		add_suite(sr, code_suite, "code");
		add_suite(sr, stacks_suite, "stacks");
		add_suite(sr, cli_suite, "cli");
		add_suite(sr, install_suite, "install");
		add_suite(sr, privilege_suite, "privilege");
		json_dir = json_dir_make(dir_buf, sizeof(dir_buf));
		add_suite(sr, schema_suite, "schema");	/* last: it checks the others' */
	} else {
		fprintf(stderr, "itest: not root: parser tests only\n");
	}
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (json_dir)
		json_dir_remove(json_dir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
