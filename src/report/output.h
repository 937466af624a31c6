/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the report goes: stdout or stderr, or -o PATH ("-": stdout). The report is written to memory
 * first and reaches its destination only in output_commit(), once it is
 * whole:
 *
 *   - a regular file, or no file yet: atomic replace, a temporary file
 *     beside it renamed over it. It keeps the old file's mode and owner; a
 *     new one gets 0666 & ~umask. A write-protected file (no write bit, or
 *     one this user may not write) is refused, never replaced. The temporary
 *     file exists only while output_commit() runs, so nothing is left behind
 *     by a vmtrace that is killed.
 *   - anything else is written through, as a shell's '>' would: a device
 *     (/dev/null stays a device), a FIFO, /dev/stdout, a symlink's target,
 *     a regular file with other hard links (they keep seeing it). These are
 *     opened by output_open(), so a bad path fails before tracing starts (a
 *     FIFO waits there for its reader), and truncated only at the commit.
 *
 * Every failure is one line naming the path and strerror().
 */
#ifndef VMT_OUTPUT_H
#define VMT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct output {
	FILE *file;		/* write the report here (memory) */
	char *buf;		/* what was written, once file is closed */
	size_t len;
	const char *path;	/* NULL: stdout or stderr */
	int fd;			/* written through (stdout, stderr, a device, ...); or -1 */
	bool replace;		/* a regular file, replaced atomically */
	bool existed;		/* replace: a file was there (its mode and owner kept) */
	mode_t mode;		/* replace: the file's mode, or 0666 & ~umask */
	uid_t uid;
	gid_t gid;
};

/*
 * Checks the path and opens what is written through; 0 or -errno, said in
 * one line. No path: std_fd (STDOUT_FILENO or STDERR_FILENO); "-": stdout.
 */
/* The width of the terminal fd is, or 0 when it is none (100 if it will not say). */
unsigned int terminal_columns(int fd);
int output_open(struct output *out, const char *path, int std_fd);
/* Puts the report in place; 0 or -errno, said in one line. Frees out. */
int output_commit(struct output *out);
/* Drops the report: nothing is written. Frees out; safe after a failed open. */
void output_abort(struct output *out);

#endif
