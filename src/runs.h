/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmtrace record, check and diff: the command run N times under one loaded
 * tracer (following its children), each run's profile merged by command,
 * medians kept or compared with a baseline.
 */
#ifndef VMT_RUNS_H
#define VMT_RUNS_H

/* Exit codes of record, check and diff. */
enum ci_exit {
	CI_EXIT_OK = 0,		/* recorded, or within tolerance */
	CI_EXIT_REGRESSION = 1,
	CI_EXIT_ERROR = 2,	/* usage, a bad baseline, a failed command or trace */
};

/* argv[1] is record, check or diff. */
int ci_main(int argc, char **argv);

#endif
