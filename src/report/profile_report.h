/* SPDX-License-Identifier: GPL-2.0 */
/* Fault profiles as text and JSON: the per-command tables. */
#ifndef VMT_PROFILE_REPORT_H
#define VMT_PROFILE_REPORT_H

#include <stdio.h>
#include "model/profile.h"

struct json_object;

/* The per-command tables, one per command. */
void profile_text(FILE *out, const struct profile *p);
struct json_object *profile_json(const struct profile *p);

#endif
