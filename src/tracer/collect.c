// SPDX-License-Identifier: GPL-2.0
/* Reading the BPF maps of a traced process into the address space model. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "tracer/attach.h"
#include "model/timeline.h"
#include "vmtrace.skel.h"

const char *tracer_file_path(struct tracer *tr, const struct vmt_row *row,
			     struct vmt_file *file)
{
	struct vmt_file_key key = { .ino = row->ino, .dev = row->dev };

	if ((!row->ino && !row->dev) || bpf_map__lookup_elem(tr->skel->maps.files, &key,
					      sizeof(key), file, sizeof(*file), 0))
		return NULL;
	file->path[VMT_PATH_MAX - 1] = '\0';
	return file->path;
}

/*
 * Rows read per system call: one lookup each cost ~2 us, 30 ms for 16k rows
 * (on the 6.18 development VM, docs/kernels.md),
 * four times a second with heatmaps; a batch of 512 rows is ~150 KiB.
 */
#define ROW_BATCH 512

static int visit_row(struct tracer *tr, pid_t pid, __u32 slot,
		     struct vmt_row *row, row_fn fn, void *ctx)
{
	vmt_derive_faults(row->counters);
	if (!row->counters[VMT_C_FAULTS])
		return 0;
	if (slot == VMT_OVERFLOW_SLOT)
		row->flags = VMT_ROW_OVERFLOW;	/* all processes together */
	else if (pid >= 0 && row->tgid != (__u32)pid)
		return 0;
	return fn(tr, slot, row, ctx);
}

int tracer_for_each_count(struct bpf_map *map, size_t key_size, pid_t pid, counts_fn fn,
			  void *ctx)
{
	/* the largest key: a whole stack */
	_Alignas(8) char key[sizeof(struct vmt_stack_key)], next[sizeof(key)];
	struct vmt_code val;
	bool first = true;
	int err = 0;

	if (key_size > sizeof(key))
		return -EINVAL;
	while (!err && !bpf_map__get_next_key(map, first ? NULL : key, next, key_size)) {
		memcpy(key, next, key_size);
		first = false;
		if (*(__u32 *)key != (__u32)pid ||
		    bpf_map__lookup_elem(map, key, key_size, &val, sizeof(val), 0))
			continue;
		err = fn(key, &val, ctx);
	}
	return err;
}

int tracer_for_each_row(struct tracer *tr, pid_t pid, row_fn fn, void *ctx)
{
	__u32 end = tr->skel->data->next_slot, max = tr->skel->rodata->max_rows;
	int fd = bpf_map__fd(tr->skel->maps.rows), err = 0;
	struct vmt_row *rows = malloc(ROW_BATCH * sizeof(*rows));
	__u32 keys[ROW_BATCH], next = 0;

	if (!rows)
		return -ENOMEM;
	/* exited processes' rows, moved out of BPF (tracer/reclaim.c) */
	for (size_t i = 0; i < tr->nr_kept && !err; i++) {
		struct vmt_row row = tr->kept[i];

		err = visit_row(tr, pid, TRACER_KEPT_SLOT(tr, i), &row, fn, ctx);
	}
	end = end < max ? end : max;
	for (__u32 at = 0; at < end && !err; at += ROW_BATCH) {
		__u32 count = end - at < ROW_BATCH ? end - at : ROW_BATCH, in = next;

		/* in: the previous batch's out (the kernel resumes after it); ENOENT: the end */
		if (bpf_map_lookup_batch(fd, at ? &in : NULL, &next, keys, rows,
					 &count, NULL) && errno != ENOENT) {
			err = -errno;
			break;
		}
		for (__u32 i = 0; i < count && !err; i++)
			err = visit_row(tr, pid, keys[i], &rows[i], fn, ctx);
	}
	free(rows);
	return err;
}

static int add_row(struct tracer *tr, __u32 slot, struct vmt_row *row, void *as)
{
	struct vmt_file file;

	return aspace_add_row(as, slot, row, tracer_file_path(tr, row, &file));
}

static int sample_row(struct tracer *tr, __u32 slot, struct vmt_row *row, void *tl)
{
	return timeline_row(tl, slot, row);
}

int tracer_sample(struct tracer *tr, pid_t pid, struct timeline *tl)
{
	int err;

	timeline_begin_sample(tl);
	err = tracer_for_each_row(tr, pid, sample_row, tl);
	timeline_end_sample(tl);
	return err;
}

static int read_deferred(struct tracer *tr, pid_t pid, struct address_space *as)
{
	struct bpf_map *map = tr->skel->maps.deferred;
	struct vmt_row_key key, next, *prev = NULL;
	struct vmt_row row;
	int err = 0;

	while (!err && !bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (key.tgid != (__u32)pid ||
		    bpf_map__lookup_elem(map, &key, sizeof(key), &row, sizeof(row), 0))
			continue;
		vmt_derive_faults(row.counters);
		err = aspace_add_deferred(as, key.anchor, row.counters);
	}
	return err;
}

/* The page cache read-ins of pid's files. */
static int read_readins(struct tracer *tr, pid_t pid, struct address_space *as)
{
	struct bpf_map *map = tr->skel->maps.readins;
	struct vmt_readin_key key, next, *prev = NULL;
	struct vmt_readin_pages pages;
	struct vmt_file file;
	int err = 0;

	while (!err && !bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		struct vmt_row row = { .ino = next.ino, .dev = next.dev };

		key = next;
		prev = &key;
		if (key.tgid != (__u32)pid ||
		    bpf_map__lookup_elem(map, &key, sizeof(key), &pages, sizeof(pages), 0))
			continue;
		err = aspace_add_readin(as, key.dev, key.ino, pages.pages,
					tracer_file_path(tr, &row, &file));
	}
	return err;
}

static void read_latency(struct tracer *tr, const struct vmt_proc *proc,
			 struct address_space *as)
{
	as->latency_known = tr->skel->rodata->want_latency;
	if (!as->latency_known)
		return;
	as->latency_source = tr->backend_id == VMT_BACKEND_TRACEPOINT ?
		"fault tracepoint to the kernel's minor/major accounting" :
		"handle_mm_fault() entry to exit";
	memcpy(as->latency, proc->latency, sizeof(as->latency));
}

int tracer_read(struct tracer *tr, pid_t pid, struct address_space *as,
		uint64_t *base_minflt, uint64_t *base_majflt)
{
	struct vmt_proc proc;
	__u32 key = pid;
	int err;

	if (bpf_map__lookup_elem(tr->skel->maps.procs, &key, sizeof(key), &proc,
				 sizeof(proc), 0)) {
		fprintf(stderr, "vmtrace: failed to read the state of PID %d: %s\n",
			pid, strerror(errno));
		return -errno;
	}
	as->mm = proc.mm;
	for (int i = 0; i < VMT_NR_SYSCALLS; i++) {
		as->sc[i].calls = proc.sc[i].calls;
		as->sc[i].bytes = proc.sc[i].bytes;
	}
	as->pf_disabled = proc.pf_disabled;
	*base_minflt = proc.base_minflt;
	*base_majflt = proc.base_majflt;
	as->drops = tr->skel->bss->drops;
	as->drops.missed = tracer_missed_runs(tr);
	tracer_dead_drain(tr);
	as->dead_listed = tr->max_dead > 0;
	as->dead = tr->dead;
	as->nr_dead = tr->nr_dead;
	as->dead_unlisted = tracer_dead_unlisted(tr);
	as->forks_unfollowed = tr->skel->bss->forks_unfollowed;
	as->backend = tr->backend;
	as->unavailable = tr->unavailable;
	read_latency(tr, &proc, as);
	err = tracer_for_each_row(tr, pid, add_row, as);
	if (!err)
		err = read_deferred(tr, pid, as);
	if (!err)
		err = read_readins(tr, pid, as);
	if (err)
		fprintf(stderr, "vmtrace: failed to read VMA rows: %s\n", strerror(-err));
	return err;
}
