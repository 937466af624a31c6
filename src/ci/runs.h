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

struct profile;

/* A run's traced faults (minor + major) and the kernel's, over its processes. */
struct run_kernel {
	unsigned long long traced, kernel;
	bool known;		/* the kernel's counters of every process were read */
};

/* Each run's profile, merged by command (model/profile.h). */
struct run_profiles {
	struct profile *runs;
	struct run_kernel *kernel;
	unsigned int n;
	char backend[16];
};

/*
 * The command run cfg->runs times, one after the other, under one loaded
 * tracer following its children (record, check, plain -r). A run that
 * fails or exits non-zero is an error, said on stderr.
 */
int runs_collect(const struct config *cfg, struct run_profiles *rp);
void run_profiles_free(struct run_profiles *rp);
/* argv joined by spaces, cut to size: the command line a baseline records. */
void runs_command_line(char **argv, char *buf, size_t size);

#endif
