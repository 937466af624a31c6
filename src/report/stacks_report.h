/* SPDX-License-Identifier: GPL-2.0 */
/* --stacks in the reports: the "faulting stacks" section, JSON "stacks", folded lines. */
#ifndef VMT_STACKS_REPORT_H
#define VMT_STACKS_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "model/model.h"

struct json_writer;

/* Nothing without --stacks (as->stacks NULL). */
void stacks_text(FILE *out, const struct address_space *as, unsigned int top);
/* The report's "stacks" member (none without --stacks). */
void stacks_json(struct json_writer *w, const struct address_space *as);
/*
 * The stacks as folded lines, "comm;outer;...;inner COUNT", merged and
 * sorted; with kind, the fault kind ([minor], [major], [wp]) as a last
 * frame. 0, or -ENOMEM / -EIO.
 */
int stacks_folded(FILE *out, const struct address_space *as, bool kind);

#endif
