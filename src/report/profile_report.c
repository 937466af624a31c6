// SPDX-License-Identifier: GPL-2.0
/* Fault profiles (model/profile.h) as a text table and as JSON. */
#include <inttypes.h>
#include <string.h>
#include "report/format.h"
#include "report/json_writer.h"
#include "report/profile_report.h"

/* Columns of the text table: the counters people read first, as report.c titles them. */
static const struct {
	int counter;
	const char *title;
} text_columns[] = {
	{ PC_FAULTS, "FAULTS" }, { PC_MINOR, "MINOR" }, { PC_MAJOR, "MAJOR" },
	{ PC_READ, "READ" }, { PC_WRITE, "WRITE" }, { PC_EXEC, "EXEC" }, { PC_WP, "WP" },
	{ PC_ERRORS, "ERR" }, { PC_KERNEL, "KERN" }, { PC_COW, "COW" },
};

#define NR_TEXT_COLUMNS (int)(sizeof(text_columns) / sizeof(*text_columns))

void profile_text(FILE *out, const struct profile *p)
{
	const char *command = NULL;
	char id[PROFILE_ID_MAX], name[NAME_TEXT_MAX(PROFILE_ID_MAX)];

	for (size_t i = 0; i < p->nr; i++) {
		const struct profile_row *r = &p->rows[i];

		if (!command || strcmp(command, r->command)) {
			command = r->command;
			fprintf(out, "command %s, merged over its processes:\n %-56s",
				name_text(command, name, sizeof(name)),
				"ROW (label perms #position)");
			for (int c = 0; c < NR_TEXT_COLUMNS; c++)
				fprintf(out, " %7s", text_columns[c].title);
			fputc('\n', out);
		}
		profile_row_id(r, id, sizeof(id));
		fprintf(out, " %-56s", name_text(id, name, sizeof(name)));
		for (int c = 0; c < NR_TEXT_COLUMNS; c++)
			fprintf(out, " %7" PRIu64, r->c[text_columns[c].counter]);
		fputc('\n', out);
	}
}

void profile_id_json(struct json_writer *w, const struct profile_row *r)
{
	jw_string_field(w, "command", r->command);
	jw_string_field(w, "label", r->label);
	jw_string_field(w, "perms", r->perms);
	jw_uint64_field(w, "position", r->position);
}

void profile_json(struct json_writer *w, const struct profile *p)
{
	jw_begin_array(w);
	for (size_t i = 0; i < p->nr; i++) {
		const struct profile_row *r = &p->rows[i];

		jw_begin_object(w);
		profile_id_json(w, r);
		jw_name(w, "counters");
		jw_begin_object(w);
		for (int k = 0; k < NR_PCOUNTERS; k++)
			jw_uint64_field(w, pcounter_names[k], r->c[k]);
		jw_end_object(w);
		jw_end_object(w);
	}
	jw_end_array(w);
}
