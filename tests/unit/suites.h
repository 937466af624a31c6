/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMT_TEST_SUITES_H
#define VMT_TEST_SUITES_H

#include <check.h>

Suite *procfs_suite(void);
Suite *model_suite(void);
Suite *report_suite(void);
Suite *cli_suite(void);
Suite *baseline_suite(void);
Suite *files_suite(void);
Suite *golden_suite(void);
Suite *json_writer_suite(void);
Suite *bpf_pure_suite(void);
Suite *stacks_suite(void);

#endif
