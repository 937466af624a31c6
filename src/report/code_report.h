/* SPDX-License-Identifier: GPL-2.0 */
/* --code in the reports: the "faulting code" section, and JSON "code". */
#ifndef VMT_CODE_REPORT_H
#define VMT_CODE_REPORT_H

#include <stdio.h>
#include "model/model.h"

struct json_writer;

/* Nothing without --code (as->code NULL). */
void code_text(FILE *out, const struct address_space *as, unsigned int top);
/* The report's "code" member (null without --code). */
void code_json(struct json_writer *w, const struct address_space *as);
/* A row's "code" member: its functions, busiest first (none without --code). */
void code_json_vma(struct json_writer *w, const struct address_space *as,
		   const struct vma *v);

#endif
