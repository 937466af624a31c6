/* SPDX-License-Identifier: GPL-2.0 */
/* Output sinks: the same row description feeds the text table and JSON. */
#ifndef VMT_REPORT_H
#define VMT_REPORT_H

#include <stdio.h>
#include "model/model.h"

/* The VMA table, then files, latency and heatmaps as cfg asks. */
void report_text(FILE *out, const struct address_space *as,
		 const struct config *cfg);
/* Returns 0, or -errno when the JSON could not be produced. */
int report_json(FILE *out, const struct address_space *as);

struct json_object;
/*
 * The report of one address space as a JSON object (the caller puts it).
 * Its "vmas" are printed from as when the object is (they are not in the
 * tree, to keep 16,384 rows out of memory): print it while as lives.
 */
struct json_object *report_json_object(const struct address_space *as);
#endif
