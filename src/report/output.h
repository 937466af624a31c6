/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the report goes: stdout, or a file that appears whole or not at all
 * (written to a temporary file beside it, renamed at the end).
 */
#ifndef VMT_OUTPUT_H
#define VMT_OUTPUT_H

#include <stdio.h>

struct output {
	FILE *file;
	char *tmp_path;		/* NULL when writing to stdout */
	const char *path;
};

/* Opens early, so a bad -o path fails before tracing starts. */
int output_open(struct output *out, const char *path);
/* Makes the file appear under its name; returns 0 or -errno. */
int output_commit(struct output *out);
/* Removes the temporary file, if any. */
void output_abort(struct output *out);

#endif
