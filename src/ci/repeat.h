/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmtrace -r N -- COMMAND, like perf stat -r: the command run N times (the
 * runner of record, runs.h), each row's mean and spread over the runs, and
 * the total's. Rows are matched across runs as check matches a run with its
 * baseline: by identity, and the members of a class (libc's r--p mappings)
 * by size (match.h); a class they cannot be matched in with confidence is
 * one row, its members' sum.
 */
#ifndef VMT_REPEAT_H
#define VMT_REPEAT_H

#include "config.h"

/* --json: the "schema" member (docs/schema/repeat.schema.json) */
#define REPEAT_SCHEMA	"vmtrace-repeat/1"

/* Runs, reports as cfg says (text or JSON, to -o or stderr); the exit code. */
int repeat_run(struct config *cfg);

#endif
