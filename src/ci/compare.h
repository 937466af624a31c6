/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Comparing a run with a baseline: which rows and counters changed, and
 * whether by more than the tolerance allows.
 *
 * A counter regresses when its median now exceeds the baseline's recorded
 * maximum by more than the slack, max(relative * baseline median, min_count):
 * the spread recorded with -r widens the band, so a counter that already
 * varied between runs does not fail on that variation. A new row regresses
 * when its faults exceed min_count; a vanished row never does.
 */
#ifndef VMT_COMPARE_H
#define VMT_COMPARE_H

#include <stdio.h>
#include "ci/baseline.h"

#define DEFAULT_TOLERANCE	0.10
#define DEFAULT_MIN_COUNT	8

struct compare_result {
	unsigned int regressions;	/* (row, counter) pairs over tolerance */
	unsigned int changed;		/* pairs that changed at all */
	unsigned int new_rows, gone_rows;
};

/*
 * The tolerance of counter c: the command line's for c, the baseline's for
 * c, the command line's for all, the baseline's for all, the default.
 */
struct tolerance tolerance_of(int c, const struct tolerances *cli,
			      const struct baseline *base);
/* Prints the table of changes (all with verbose, else those that matter). */
void compare_baselines(FILE *out, const struct baseline *base,
		       const struct baseline *now, const struct tolerances *cli,
		       bool verbose, struct compare_result *res);

#endif
