/* SPDX-License-Identifier: GPL-2.0 */
/* Every traced process as text and JSON: one line each, or tables by command. */
#ifndef VMT_PROCS_REPORT_H
#define VMT_PROCS_REPORT_H

#include <stdio.h>
#include "model/procs.h"

struct json_writer;

/* Every process's counters summed; the kernel's minflt+majflt and the traced, summed. */
void procs_totals(const struct proc_set *set, uint64_t *totals, uint64_t *kernel,
		  uint64_t *traced);
/* The processes' lines (and with merge_comm, the tables by command). */
void procs_text(FILE *out, const struct proc_set *set);
/* The "processes" object: each process, its images' reports. */
void procs_json(struct json_writer *w, const struct proc_set *set);

#endif
