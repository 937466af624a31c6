// SPDX-License-Identifier: GPL-2.0
/* Unit tests (no root, no kernel): runs every suite with Check. */
#include <check.h>
#include <stdlib.h>
#include "suites.h"

int main(void)
{
	SRunner *runner = srunner_create(procfs_suite());
	int failed;

	srunner_add_suite(runner, model_suite());
	srunner_add_suite(runner, report_suite());
	srunner_add_suite(runner, cli_suite());
	srunner_add_suite(runner, baseline_suite());
	srunner_add_suite(runner, files_suite());
	srunner_add_suite(runner, golden_suite());
	srunner_add_suite(runner, json_writer_suite());
	srunner_add_suite(runner, bpf_pure_suite());
	srunner_add_suite(runner, stacks_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
