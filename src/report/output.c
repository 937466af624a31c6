// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
/* Report files that never appear half-written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report/output.h"

int output_open(struct output *out, const char *path)
{
	int fd;

	memset(out, 0, sizeof(*out));
	out->file = stdout;
	if (!path)
		return 0;
	out->path = path;
	if (asprintf(&out->tmp_path, "%s.tmp.XXXXXX", path) < 0) {
		out->tmp_path = NULL;
		return -ENOMEM;
	}
	fd = mkstemp(out->tmp_path);
	if (fd < 0 || !(out->file = fdopen(fd, "w"))) {
		int err = -errno;

		fprintf(stderr, "vmtrace: failed to create %s: %s\n", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(out->tmp_path);
		}
		free(out->tmp_path);
		out->tmp_path = NULL;
		out->file = NULL;
		return err;
	}
	return 0;
}

int output_commit(struct output *out)
{
	int err = 0;

	if (!out->tmp_path)
		return fflush(stdout) ? -errno : 0;
	if (fflush(out->file) || fsync(fileno(out->file)))
		err = -errno;
	if (fclose(out->file) && !err)
		err = -errno;
	out->file = NULL;
	if (!err && rename(out->tmp_path, out->path))
		err = -errno;
	if (err) {
		fprintf(stderr, "vmtrace: failed to write %s: %s\n", out->path, strerror(-err));
		unlink(out->tmp_path);
	}
	free(out->tmp_path);
	out->tmp_path = NULL;
	return err;
}

void output_abort(struct output *out)
{
	if (!out->tmp_path)
		return;
	if (out->file)
		fclose(out->file);
	unlink(out->tmp_path);
	free(out->tmp_path);
	out->tmp_path = NULL;
	out->file = NULL;
}
