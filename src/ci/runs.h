/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmtrace record, check and diff: the command run N times under one loaded
 * tracer (following its children), each run's profile merged by command,
 * medians kept or compared with a baseline.
 */
#ifndef VMT_RUNS_H
#define VMT_RUNS_H

#include "config.h"

/* Exit codes of record, check and diff. */
enum ci_exit {
	CI_EXIT_OK = 0,		/* recorded, or within tolerance */
	CI_EXIT_REGRESSION = 1,
	CI_EXIT_ERROR = 2,	/* usage, a bad baseline, a failed command or trace */
};

/* Runs record, check or diff as cfg->ci says (cfg from parse_ci_args()). */
int ci_run(struct config *cfg);

#endif
