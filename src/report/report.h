/* SPDX-License-Identifier: GPL-2.0 */
/* Output sinks: the same row description feeds the text table and JSON. */
#ifndef VMT_REPORT_H
#define VMT_REPORT_H

#include <stdio.h>
#include "model/model.h"

/* The VMA table's width off a terminal (cfg->columns on one; -w: all). */
#define DEFAULT_COLUMNS	100

/* The VMA table, then files, latency and heatmaps as cfg asks. */
/* A row's label as the table shows it: a file's basename. */
const char *short_label(const struct vma *v);
void report_text(FILE *out, const struct address_space *as,
		 const struct config *cfg);
/*
 * The version of the report's JSON, its "schema" member: the name of its
 * JSON Schema (docs/schema/report.schema.json) and a number raised when a
 * member changes meaning or goes.
 */
#define REPORT_SCHEMA "vmtrace-report/1"

/* The JSON report, indented or one line; returns 0, or -errno when it could
 * not be written. */
int report_json(FILE *out, const struct address_space *as, bool pretty);

struct json_writer;
/* The report of one address space as a JSON object, to w (a value). */
void report_json_write(struct json_writer *w, const struct address_space *as);
/* Every counter of a row or a total, as the object "totals" is. */
void report_json_counters(struct json_writer *w, const uint64_t *counters);
/* One exec image of a process, inside a report: no schema, no duration. */
void report_json_image(struct json_writer *w, const struct address_space *as);
#endif
