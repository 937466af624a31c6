/* SPDX-License-Identifier: GPL-2.0 */
/* What the running kernel offers vmtrace: every backend tried for real. */
#ifndef VMT_PROBE_H
#define VMT_PROBE_H

#include <stdbool.h>
#include "config.h"
#include "vmtrace.h"
#include "tracer/attach.h"

#define PROBE_NR_BACKENDS	VMT_NR_BACKENDS

/* The order auto tries them in: the richest first. */
extern const enum vmt_backend probe_ladder[PROBE_NR_BACKENDS];

struct backend_result {
	bool works;
	char reason[REASON_MAX];
	char missing[512];
	char unavailable[64];
};

/*
 * Loads and attaches each backend of probe_ladder in turn (then detaches):
 * res[i] says how probe_ladder[i] fared. Returns the index auto picks, or -1.
 */
int probe_backends(const struct config *cfg, struct backend_result *res);

#endif
