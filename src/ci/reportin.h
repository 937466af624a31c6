/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A plain report (vmtrace -j, schema vmtrace-report/1) read back as the
 * profile of one run, so that diff compares it as it compares baselines:
 * its rows rebuilt into process images (the report's own, and each image
 * of processes.list) and merged by command exactly as record merges a run
 * (profile_from_procs). Members the profile does not need are skipped, and
 * so are members a newer vmtrace of the same version may add.
 */
#ifndef VMT_REPORTIN_H
#define VMT_REPORTIN_H

#include <stdbool.h>
#include <stddef.h>
#include "model/profile.h"

struct report_meta {
	char command[512];	/* the report's command line */
	char backend[16];
};

/* Whether text is a JSON object whose "schema" is the report's. */
bool report_is(const char *text, size_t len);
/*
 * The report in text as a profile (file paths under root relative to it);
 * on error -EINVAL, and err says why in one line naming where.
 */
int report_profile(const char *text, size_t len, const char *root, struct profile *p,
		   struct report_meta *meta, char *err, size_t errlen);

#endif
