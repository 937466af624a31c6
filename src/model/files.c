// SPDX-License-Identifier: GPL-2.0
/*
 * The per-file view of an address space: every file the process faulted on
 * (through any number of mappings, including ones unmapped since) or had
 * pages read in for, identified by device and inode so that two files with
 * one name stay apart.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model/array.h"
#include "model/model.h"

static struct file_stat *new_file(struct address_space *as, uint32_t dev,
				  uint64_t ino, const char *path)
{
	struct file_stat *f = array_push(as->files, as->nr_files, as->files_cap, 16);

	if (!f)
		return NULL;
	f->dev = dev;
	f->ino = ino;
	if (path && !(f->path = strdup(path))) {
		as->nr_files--;
		return NULL;
	}
	return f;
}

int aspace_add_readin(struct address_space *as, uint32_t dev, uint64_t ino,
		      const __u64 pages[VMT_NR_READIN], const char *path)
{
	struct file_stat *f = new_file(as, dev, ino, path);

	if (!f)
		return -ENOMEM;
	memcpy(f->readin, pages, sizeof(f->readin));
	return 0;
}

static int by_identity(const void *a, const void *b)
{
	const struct file_stat *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static uint64_t activity(const struct file_stat *f)
{
	return f->faults + file_readin(f);
}

static int by_activity(const void *a, const void *b)
{
	const struct file_stat *x = a, *y = b;

	if (activity(x) != activity(y))
		return activity(x) > activity(y) ? -1 : 1;
	return by_identity(a, b);
}

/* Adds b's figures to a (the same file), and frees b's path. */
static void merge_file(struct file_stat *a, struct file_stat *b)
{
	a->faults += b->faults;
	a->minor += b->minor;
	a->major += b->major;
	a->errors += b->errors;
	a->recent_faults += b->recent_faults;
	a->mappings += b->mappings;
	for (int r = 0; r < VMT_NR_READIN; r++)
		a->readin[r] += b->readin[r];
	if (!a->path) {
		a->path = b->path;
		b->path = NULL;
	}
	free(b->path);
}

/* One entry per faulted file-backed row, then one per file. */
int files_build(struct address_space *as)
{
	size_t kept = 0;

	for (size_t i = 0; i < as->nr; i++) {
		const struct vma *v = &as->vmas[i];
		struct file_stat *f;

		if (!v->ino || !v->faulted)
			continue;
		f = new_file(as, v->dev, v->ino, v->path);
		if (!f)
			return -ENOMEM;
		f->faults = v->counters[VMT_C_FAULTS];
		f->major = v->counters[VMT_C_MAJOR];
		f->errors = v->counters[VMT_C_ERRORS];
		f->minor = vma_minor(v);
		f->recent_faults = v->recent_faults;
		f->mappings = 1;
	}
	if (as->nr_files)	/* qsort(NULL, 0) is undefined */
		qsort(as->files, as->nr_files, sizeof(*as->files), by_identity);
	for (size_t i = 0; i < as->nr_files; i++) {
		if (kept && !by_identity(&as->files[kept - 1], &as->files[i]))
			merge_file(&as->files[kept - 1], &as->files[i]);
		else
			as->files[kept++] = as->files[i];
	}
	as->nr_files = kept;
	if (kept)	/* qsort(NULL, 0) is undefined */
		qsort(as->files, as->nr_files, sizeof(*as->files), by_activity);
	return 0;
}

void files_free(struct address_space *as)
{
	for (size_t i = 0; i < as->nr_files; i++)
		free(as->files[i].path);
	free(as->files);
	as->files = NULL;
	as->nr_files = as->files_cap = 0;
}
