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
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "itest.h"

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

int main(void)
{
	SRunner *sr = srunner_create(parser_suite());
	int failed;

	vmtrace_path = env_or("VMTRACE", ".output/vmtrace");
	vmwork_path = env_or("VMWORK", ".output/vmwork");
	if (geteuid() == 0) {
		srunner_add_suite(sr, workload_suite());
		srunner_add_suite(sr, attach_suite());
		srunner_add_suite(sr, errors_suite());
		srunner_add_suite(sr, backends_suite());
		srunner_add_suite(sr, insight_suite());
		srunner_add_suite(sr, inherit_suite());
		srunner_add_suite(sr, ci_suite());
		srunner_add_suite(sr, rows_suite());
		srunner_add_suite(sr, names_suite());
		srunner_add_suite(sr, hostile_suite());
	} else {
		fprintf(stderr, "itest: not root: parser tests only\n");
	}
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
