/*
 * BPF programs and links alive in the kernel, by id, straight from the
 * bpf() syscall (what "bpftool prog/link show" list), so the check needs
 * no bpftool inside a minimal initramfs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "itest.h"

void idset_add(struct idset *s, uint32_t id)
{
	if (idset_has(s, id))
		return;
	s->ids = realloc(s->ids, (s->n + 1) * sizeof(*s->ids));
	if (!s->ids)
		abort();
	s->ids[s->n++] = id;
}

bool idset_has(const struct idset *s, uint32_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->ids[i] == id)
			return true;
	return false;
}

void idset_free(struct idset *s)
{
	free(s->ids);
	s->ids = NULL;
	s->n = 0;
}

/* cmd: BPF_PROG_GET_NEXT_ID or BPF_LINK_GET_NEXT_ID. */
int bpf_ids(int cmd, struct idset *s)
{
	union bpf_attr attr;
	uint32_t id = 0;

	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (syscall(__NR_bpf, cmd, &attr, sizeof(attr)))
			return errno == ENOENT ? 0 : -1;
		id = attr.next_id;
		idset_add(s, id);
	}
}

static void fdinfo_ids(const char *path, struct idset *progs,
		       struct idset *links)
{
	char line[256];
	unsigned int id;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "prog_id: %u", &id) == 1)
			idset_add(progs, id);
		else if (sscanf(line, "link_id: %u", &id) == 1)
			idset_add(links, id);
	}
	fclose(f);
}

/*
 * Ids of the programs and links that some process holds an fd to (a link's
 * fdinfo names its program too). Programs and links have separate ids. Something alive that no process holds is
 * pinned or leaked.
 */
int bpf_ids_held(struct idset *progs, struct idset *links)
{
	DIR *proc = opendir("/proc"), *fds;
	struct dirent *p, *fd;
	char path[600];

	if (!proc)
		return -1;
	while ((p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((fd = readdir(fds))) {
			if (fd->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s",
				 p->d_name, fd->d_name);
			fdinfo_ids(path, progs, links);
		}
		closedir(fds);
	}
	closedir(proc);
	return 0;
}
