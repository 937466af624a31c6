/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Baselines: a command's fault profile over one or more runs, each counter's
 * median and spread (min, max) per row, as versioned JSON (docs/ci.md, "Baseline
 * format"). The reader trusts nothing: any file that is not a well-formed
 * baseline of a known version is a one-line error, never a pass.
 */
#ifndef VMT_BASELINE_H
#define VMT_BASELINE_H

#include <stdio.h>
#include "config.h"
#include "model/profile.h"

#define BASELINE_VERSION	1
/* the "schema" member: docs/schema/baseline.schema.json, for this version */
#define BASELINE_SCHEMA		"vmtrace-baseline/1"
#define BASELINE_MAX_BYTES	(64 << 20)	/* larger files are refused */
#define BASELINE_ERR_MAX	256

_Static_assert(CI_NR_COUNTERS == NR_PCOUNTERS, "config.h's CI_NR_COUNTERS");

struct spread {
	unsigned long long median, min, max;
};

struct baseline_row {
	struct profile_row id;	/* identity; its counters unused */
	struct spread c[NR_PCOUNTERS];
};

struct baseline {
	char command[512];	/* the command line recorded */
	char backend[16];
	unsigned int runs;
	bool unavailable[NR_PCOUNTERS];	/* the backend could not measure them */
	struct tolerance tol;		/* stored with record --tolerance ... */
	struct tolerance tol_for[NR_PCOUNTERS];
	struct baseline_row *rows;	/* sorted by identity (profile_row_cmp) */
	size_t nr;
};

/* Each row's counters over n runs (a row missing from a run counts 0 there). */
int baseline_from_profiles(struct baseline *b, const struct profile *runs,
			   size_t n);
void baseline_free(struct baseline *b);
int baseline_write(FILE *out, const struct baseline *b);
/*
 * Parses a baseline from text (len bytes, no NUL needed) in one pass, no JSON
 * tree: time linear in len (rows sorted after, n log n), memory the rows'. On
 * error returns -EINVAL and says why in err, one line naming where:
 * "rows[3].counters.major[0]: 1e30 is over 2^64-1" style. Unknown keys and
 * keys given twice are refused.
 */
int baseline_parse(const char *text, size_t len, struct baseline *b,
		   char *err, size_t errlen);
/*
 * Reads path (at most BASELINE_MAX_BYTES): a baseline, or a -j report as one
 * run (ci/reportin.h; its paths under root made relative to it, as record
 * makes them). Errors as baseline_parse, or "is a directory", "cannot
 * open: ...".
 */
int baseline_load(const char *path, const char *root, struct baseline *b, char *err,
		  size_t errlen);

/* "cow readin oom": which counters a backend's word list names, into out. */
void baseline_unavailable(bool *out, const char *list);

/* "10%", "0", "2.5%": a relative tolerance; returns -1 if malformed. */
int tolerance_parse_relative(const char *s, double *out);
/* "major=0", "faults=5%", "major=0%+3": one counter's tolerance, into tol_for. */
int tolerance_parse_for(const char *s, struct tolerance *tol_for);

#endif
