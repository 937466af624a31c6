// SPDX-License-Identifier: GPL-2.0
/* Parsing /proc/PID/stat and /proc/PID/maps. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/array.h"
#include "model/procfs.h"

/* Reads a whole small /proc file into buf; returns its length or -errno. */
static ssize_t read_proc_file(pid_t pid, const char *name, char *buf,
			      size_t size)
{
	char path[64];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	len = fread(buf, 1, size - 1, f);
	buf[len] = '\0';
	fclose(f);
	return len;
}

/*
 * The command name (field 2) may hold spaces and parentheses: the fields
 * that follow start after the last ')'.
 */
int parse_stat(const char *text, struct proc_stat *st)
{
	const char *open = strchr(text, '('), *close = strrchr(text, ')');
	uint64_t v[48] = { 0 };
	const char *p;
	size_t len;
	int field;

	if (!open || !close || close < open || close[1] != ' ')
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	len = close - open - 1;
	if (len >= sizeof(st->comm))
		len = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, len);
	st->state = close[2];
	p = close + 3;
	for (field = 4; field <= 47 && *p; field++) {
		char *end;

		v[field] = strtoull(p, &end, 10);
		if (end == p && *p != '-')
			return -EINVAL;
		p = end + strspn(end, " ");
		if (*end == '\n' || !*end)
			break;
	}
	if (field < 28)
		return -EINVAL;	/* truncated: the counters are not there */
	st->ppid = v[4];
	st->flags = v[9];
	st->minflt = v[10];
	st->majflt = v[12];
	st->start_code = v[26];
	st->end_code = v[27];
	st->start_stack = v[28];
	st->start_data = v[45];
	st->end_data = v[46];
	st->start_brk = v[47];
	return 0;
}

static int read_proc_stat(pid_t pid, const char *name, struct proc_stat *st)
{
	char buf[2048];
	ssize_t n = read_proc_file(pid, name, buf, sizeof(buf));

	return n < 0 ? n : parse_stat(buf, st);
}

int read_stat(pid_t pid, struct proc_stat *st)
{
	return read_proc_stat(pid, "stat", st);
}

int read_threads_faults(pid_t pid, uint64_t *minflt, uint64_t *majflt)
{
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	*minflt = *majflt = 0;
	while ((d = readdir(dir))) {
		struct proc_stat st;
		char name[sizeof(d->d_name) + 16];

		if (d->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "task/%s/stat", d->d_name);
		if (read_proc_stat(pid, name, &st))
			continue;	/* exited meanwhile: its faults are the process's */
		*minflt += st.minflt;
		*majflt += st.majflt;
	}
	closedir(dir);
	return 0;
}

int parse_maps_line(const char *line, struct maps_entry *e)
{
	int path_at = 0;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %x:%x %" SCNu64 " %n",
		   &e->start, &e->end, e->perms, &e->offset, &e->dev_major,
		   &e->dev_minor, &e->ino, &path_at) < 7 || !path_at)
		return -EINVAL;
	if (e->end <= e->start || strlen(e->perms) != 4)
		return -EINVAL;
	snprintf(e->path, sizeof(e->path), "%s", line + path_at);
	e->path[strcspn(e->path, "\n")] = '\0';
	return 0;
}

int read_maps_each(pid_t pid, int (*fn)(const struct maps_entry *e, void *ctx),
		   void *ctx)
{
	struct maps_entry e;
	char path[64], *line = NULL;
	size_t len = 0;
	int err = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!err && getline(&line, &len, f) > 0)
		if (!parse_maps_line(line, &e))
			err = fn(&e, ctx);
	free(line);
	fclose(f);
	return err;
}

struct maps_array {
	struct maps_entry *e;
	size_t nr, cap;
};

static int append_entry(const struct maps_entry *e, void *ctx)
{
	struct maps_array *a = ctx;
	struct maps_entry *slot = array_push(a->e, a->nr, a->cap, 64);

	if (!slot)
		return -ENOMEM;
	*slot = *e;
	return 0;
}

int read_maps(pid_t pid, struct maps_entry **entries, size_t *n)
{
	struct maps_array a = { 0 };
	int err = read_maps_each(pid, append_entry, &a);

	if (err) {
		free(a.e);
		return err;
	}
	*entries = a.e;
	*n = a.nr;
	return 0;
}

int read_cmdline(pid_t pid, char *buf, size_t size)
{
	ssize_t n = read_proc_file(pid, "cmdline", buf, size);

	if (n <= 0)
		return n < 0 ? n : -ENOENT;
	cmdline_join(buf, (size_t)n);
	return 0;
}

/*
 * A server that rewrites its argv ("nginx: worker process") pads it with
 * NULs to the old length: the command line ends at the first run of them.
 */
void cmdline_join(char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i])
			continue;
		if (!buf[i + 1])
			return;
		buf[i] = ' ';
	}
}
