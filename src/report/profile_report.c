// SPDX-License-Identifier: GPL-2.0
/* Fault profiles (model/profile.h) as a text table and as JSON. */
#include <inttypes.h>
#include <string.h>
#include <json-c/json.h>
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
	char id[PROFILE_ID_MAX];

	for (size_t i = 0; i < p->nr; i++) {
		const struct profile_row *r = &p->rows[i];

		if (!command || strcmp(command, r->command)) {
			command = r->command;
			fprintf(out, "command %s, merged over its processes:\n %-56s", command,
				"ROW (label perms #position)");
			for (int c = 0; c < NR_TEXT_COLUMNS; c++)
				fprintf(out, " %7s", text_columns[c].title);
			fputc('\n', out);
		}
		profile_row_id(r, id, sizeof(id));
		fprintf(out, " %-56s", id);
		for (int c = 0; c < NR_TEXT_COLUMNS; c++)
			fprintf(out, " %7" PRIu64, r->c[text_columns[c].counter]);
		fputc('\n', out);
	}
}

struct json_object *profile_json(const struct profile *p)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < p->nr; i++) {
		const struct profile_row *r = &p->rows[i];
		struct json_object *o = json_object_new_object();
		struct json_object *c = json_object_new_object();

		json_object_object_add(o, "command", json_object_new_string(r->command));
		json_object_object_add(o, "label", json_object_new_string(r->label));
		json_object_object_add(o, "perms", json_object_new_string(r->perms));
		json_object_object_add(o, "position", json_object_new_uint64(r->position));
		for (int k = 0; k < NR_PCOUNTERS; k++)
			json_object_object_add(c, pcounter_names[k],
					       json_object_new_uint64(r->c[k]));
		json_object_object_add(o, "counters", c);
		json_object_array_add(a, o);
	}
	return a;
}
