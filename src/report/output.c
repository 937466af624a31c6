// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
/* Report files that never appear half-written, and never replace what is not a file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "report/output.h"
#include "report/report.h"

static const char *name_of(const struct output *out)
{
	return out->path ? out->path : out->fd == STDERR_FILENO ? "stderr" : "stdout";
}

static int say(const struct output *out, const char *what, int err)
{
	fprintf(stderr, "vmtrace: %s %s: %s\n", what, name_of(out), strerror(-err));
	return err;
}

static mode_t new_file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

/* The directory the temporary file goes in must take a new file. */
static int dir_writable(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path), path);
	return faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) ? -errno : 0;
}

/* A regular file of its own: replaced whole, if this user may write it. */
static int plan_replace(struct output *out, const struct stat *st)
{
	int err = dir_writable(out->path);

	out->replace = true;
	out->existed = st != NULL;
	out->mode = st ? st->st_mode & 07777 : new_file_mode();
	out->uid = st ? st->st_uid : 0;
	out->gid = st ? st->st_gid : 0;
	if (err)
		return say(out, "failed to create", err);
	if (!st)
		return 0;
	/* root may write anything: the mode bits are what protect a file from it */
	if (!(st->st_mode & 0222) || faccessat(AT_FDCWD, out->path, W_OK, AT_EACCESS)) {
		fprintf(stderr, "vmtrace: refusing to replace %s: it is write-protected "
			"(mode %04o)\n", out->path, st->st_mode & 07777);
		return -EACCES;
	}
	return 0;
}

/*
 * What is there is written through: opened now, truncated at the commit. A
 * path to vmtrace's own stdout (/dev/stdout, /proc/self/fd/1) is stdout: a
 * shell's '>>' must not be truncated.
 */
static int plan_write_through(struct output *out)
{
	struct stat st, so;

	out->fd = open(out->path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
	if (out->fd < 0)
		return say(out, "failed to open", -errno);
	if (!fstat(out->fd, &st) && !fstat(STDOUT_FILENO, &so) &&
	    st.st_dev == so.st_dev && st.st_ino == so.st_ino) {
		close(out->fd);
		out->fd = STDOUT_FILENO;
	}
	return 0;
}

int output_open(struct output *out, const char *path, int std_fd)
{
	struct stat st;
	int err;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (path && !strcmp(path, "-")) {
		path = NULL;
		std_fd = STDOUT_FILENO;
	}
	out->path = path;
	out->file = open_memstream(&out->buf, &out->len);
	if (!out->file)
		return say(out, "failed to make room for the report to", -errno);
	if (!path) {
		out->fd = std_fd;
		return 0;
	}
	if (lstat(path, &st))
		err = errno == ENOENT ? plan_replace(out, NULL) : say(out, "failed to open", -errno);
	else if (S_ISDIR(st.st_mode))
		err = say(out, "failed to open", -EISDIR);
	else if (S_ISREG(st.st_mode) && st.st_nlink == 1)
		err = plan_replace(out, &st);
	else
		err = plan_write_through(out);
	if (err)
		output_abort(out);
	return err;
}

/* All of buf, or -errno (a short write with no errno is ENOSPC's). */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ENOSPC;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * A reader that went away is an error to report (EPIPE), not a signal that
 * kills vmtrace mid-report: SIGPIPE is held while writing, then discarded.
 */
static int write_held(int fd, const char *buf, size_t len)
{
	sigset_t pipe, old;
	struct timespec now = { 0 };
	int err;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe, &old);
	err = write_all(fd, buf, len);
	if (!sigismember(&old, SIGPIPE))
		while (sigtimedwait(&pipe, NULL, &now) == SIGPIPE)
			;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

static int commit_through(struct output *out)
{
	struct stat st;
	int err = 0;

	/* what was printed first */
	if (out->fd <= STDERR_FILENO && fflush(out->fd == STDOUT_FILENO ? stdout : stderr))
		err = -errno;
	/* a file behind a symlink or with other links: its old text goes */
	if (!err && out->fd > STDERR_FILENO && !fstat(out->fd, &st) &&
	    S_ISREG(st.st_mode) && ftruncate(out->fd, 0))
		err = -errno;
	if (!err)
		err = write_held(out->fd, out->buf, out->len);
	return err ? say(out, "failed to write", err) : 0;
}

static int commit_replace(struct output *out)
{
	char *tmp = NULL;
	int fd = -1, err = 0;

	if (asprintf(&tmp, "%s.tmp.XXXXXX", out->path) < 0)
		return say(out, "failed to write", -ENOMEM);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		err = -errno;
	else if (fchmod(fd, out->mode) ||
		 (out->existed && fchown(fd, out->uid, out->gid) && errno != EPERM))
		err = -errno;
	if (!err)
		err = write_all(fd, out->buf, out->len);
	if (!err && fsync(fd))
		err = -errno;
	if (fd >= 0 && close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, out->path))
		err = -errno;
	if (err && fd >= 0)
		unlink(tmp);
	free(tmp);
	return err ? say(out, "failed to write", err) : 0;
}

int output_commit(struct output *out)
{
	int err = 0;

	if (fclose(out->file))
		err = say(out, "failed to write", -errno);
	out->file = NULL;
	if (!err && out->replace)
		err = commit_replace(out);
	else if (!err)
		err = commit_through(out);
	output_abort(out);
	return err;
}

void output_abort(struct output *out)
{
	if (out->file)
		fclose(out->file);
	if (out->fd > STDERR_FILENO)
		close(out->fd);
	free(out->buf);
	out->file = NULL;
	out->buf = NULL;
	out->fd = -1;
}

unsigned int terminal_columns(int fd)
{
	struct winsize ws;

	if (fd < 0 || !isatty(fd))
		return 0;
	return !ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col ? ws.ws_col : DEFAULT_COLUMNS;
}
