/* SPDX-License-Identifier: GPL-2.0 */
/* Fault profiles as text and JSON: the per-command tables. */
#ifndef VMT_PROFILE_REPORT_H
#define VMT_PROFILE_REPORT_H

#include <stdio.h>
#include "model/profile.h"

struct json_writer;

/* The per-command tables, one per command. */
void profile_text(FILE *out, const struct profile *p);
/* [{"command", "label", "perms", "position", "counters": {...}}] */
void profile_json(struct json_writer *w, const struct profile *p);
/* A row's identity as the members "command", "label", "perms", "position". */
void profile_id_json(struct json_writer *w, const struct profile_row *r);

#endif
