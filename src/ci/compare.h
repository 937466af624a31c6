/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Comparing a run with a baseline: which rows and counters changed, and
 * whether by more than the tolerance allows.
 *
 * A counter regresses when its median now exceeds the baseline's recorded
 * maximum by more than the slack: the fixed slack, max(relative * baseline
 * median, min_count), SPREAD_FACTOR times the recorded spread (max - min), or
 * the chance variation of a count, COUNTING_NOISE * sqrt(median), whichever is
 * larger. Variation already seen with -r widens the band by twice
 * as much again (five runs see less than a program's whole range: once was
 * not enough for a shell's fork-time copy-on-write faults, which failed 1 in
 * 10 checks), so an unchanged program does not fail on its own noise; the
 * fixed slack is the floor for counters that never varied. A counter whose
 * spread is larger than its median and than the fixed slack cannot be judged:
 * over the limit it is "noisy", never a regression. A row only one side has
 * is judged by its faults against zero: a new one regresses like any counter
 * that grew from 0, a gone one never does. The members of a class (libc's
 * r--p mappings) are matched by size (match.h); a class they cannot be
 * matched in with confidence is judged by its sum, its members only advised on.
 */
#ifndef VMT_COMPARE_H
#define VMT_COMPARE_H

#include <stdio.h>
#include "ci/baseline.h"

struct json_writer;

#define DEFAULT_TOLERANCE	0.10
#define DEFAULT_MIN_COUNT	8
#define SPREAD_FACTOR		2
#define COUNTING_NOISE		3.0	/* times sqrt(median): compare.c counting_noise() */
/* check --json, diff --json: the verdict's "schema" (docs/schema/verdict.schema.json) */
#define VERDICT_SCHEMA		"vmtrace-verdict/1"

struct compare_result {
	unsigned int regressions;	/* rows with a counter over its limit */
	unsigned int noisy;		/* rows over a limit, but too noisy to judge */
	unsigned int changed;		/* (row, counter) pairs that changed at all */
	unsigned int new_rows, gone_rows;
	unsigned int rows;		/* rows judged: JUnit's test cases */
	unsigned int by_total;		/* classes whose members could not be matched */
};

/* Where a comparison goes: the text table, else JSON rows; and JUnit cases. */
struct compare_out {
	FILE *text;
	size_t width;			/* the table's, cut to fit; 0 or SIZE_MAX: -w */
	struct json_writer *json;	/* an open array: one object per row listed */
	FILE *junit;			/* or NULL: a <testcase> per row judged */
};

/*
 * The tolerance of counter c: the command line's for c, the baseline's for
 * c, the command line's for all, the baseline's for all, the default.
 */
struct tolerance tolerance_of(int c, const struct tolerances *cli,
			      const struct baseline *base);
/*
 * Prints one line per row that regressed (or is noisy), naming the counter
 * that decided and the others that regressed with it; verbose: one line per
 * changed counter, whatever its verdict. With out->json, the same as
 * objects, and no text. With out->junit, also a <testcase> per row.
 */
void compare_baselines(const struct compare_out *out, const struct baseline *base,
		       const struct baseline *now, const struct tolerances *cli,
		       bool verbose, struct compare_result *res);

#endif
