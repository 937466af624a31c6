// SPDX-License-Identifier: GPL-2.0
/*
 * Rows of exited processes, moved to user space while tracing. BPF reclaims
 * the rows of VMAs that go or change as they do (bpf/rows.bpf.h), but a
 * process that exits unmaps nothing one VMA at a time: its rows would hold
 * their slots until the trace ends, and a shell or a build that forks
 * thousands of short children would fill the table. Once a process has
 * exited (its last thread is gone: lineage.exited), no fault can add to its
 * rows any more, so they are copied here, zeroed, and their slots pushed to
 * the free queue that new rows take first; their index entries go too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "model/array.h"
#include "tracer/attach.h"
#include "vmtrace.skel.h"

#define RECLAIM_BATCH 256

static bool was_drained(const struct tracer *tr, __u32 pid)
{
	for (size_t i = 0; i < tr->nr_drained; i++)
		if (tr->drained[i] == pid)
			return true;
	return false;
}

/* The traced processes that exited and whose rows are still in BPF. */
static int exited_pids(struct tracer *tr, __u32 **out, size_t *n)
{
	struct bpf_map *map = tr->skel->maps.lineage;
	__u32 key, *prev = NULL, *pids = NULL;
	size_t cap = 0;
	struct vmt_lineage lin;

	*n = 0;
	while (!bpf_map__get_next_key(map, prev, &key, sizeof(key))) {
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &lin, sizeof(lin), 0) ||
		    !lin.exited || was_drained(tr, key))
			continue;
		__u32 *slot = array_push(pids, *n, cap, 16);

		if (!slot) {
			free(pids);
			return -ENOMEM;
		}
		*slot = key;
	}
	*out = pids;
	return 0;
}

static bool in_list(const __u32 *pids, size_t n, __u32 pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Deletes the keys of map whose first field (a tgid) is in pids. */
static void delete_keys_of(struct bpf_map *map, size_t key_size,
			   const __u32 *pids, size_t n)
{
	char key[64], next[64];
	bool have = false;

	while (!bpf_map__get_next_key(map, have ? key : NULL, next, key_size)) {
		memcpy(key, next, key_size);
		have = true;
		if (in_list(pids, n, *(__u32 *)key))
			bpf_map__delete_elem(map, key, key_size, 0);
	}
}

/* Copies one row into tr->kept, zeroes it in BPF and frees its slot. */
static int keep_row(struct tracer *tr, __u32 slot, const struct vmt_row *row)
{
	static const struct vmt_row freed = { .flags = VMT_ROW_FREE };
	struct vmt_row *k = array_push(tr->kept, tr->nr_kept, tr->cap_kept, 64);

	if (!k)
		return -ENOMEM;
	*k = *row;
	if (bpf_map__update_elem(tr->skel->maps.rows, &slot, sizeof(slot), &freed,
				 sizeof(freed), BPF_ANY) ||
	    bpf_map__update_elem(tr->skel->maps.free_slots, NULL, 0, &slot,
				 sizeof(slot), BPF_ANY))
		return -errno;
	return 0;
}

/* Moves the rows of pids out of the rows array; returns how many. */
static int move_rows(struct tracer *tr, const __u32 *pids, size_t n)
{
	int fd = bpf_map__fd(tr->skel->maps.rows), moved = 0, err = 0;
	__u32 end = tr->skel->data->next_slot, max = tr->skel->rodata->max_rows;
	struct vmt_row *rows = malloc(RECLAIM_BATCH * sizeof(*rows));
	__u32 keys[RECLAIM_BATCH], next = 0;

	if (!rows)
		return -ENOMEM;
	end = end < max ? end : max;
	for (__u32 at = 0; at < end && !err; at += RECLAIM_BATCH) {
		__u32 count = end - at < RECLAIM_BATCH ? end - at : RECLAIM_BATCH, in = next;

		/* in: the previous batch's out (the kernel resumes after it) */
		if (bpf_map_lookup_batch(fd, at ? &in : NULL, &next, keys, rows,
					 &count, NULL) && errno != ENOENT) {
			err = -errno;
			break;
		}
		for (__u32 i = 0; i < count && !err; i++) {
			if (!keys[i] || (rows[i].flags & VMT_ROW_FREE) ||
			    !in_list(pids, n, rows[i].tgid))
				continue;
			err = keep_row(tr, keys[i], &rows[i]);
			moved++;
		}
	}
	free(rows);
	return err ? err : moved;
}

int tracer_reclaim_exited(struct tracer *tr)
{
	__u32 *pids = NULL;
	size_t n;
	int moved = exited_pids(tr, &pids, &n);

	if (moved || !n) {
		free(pids);
		return moved;
	}
	/* no fault can find these rows once their index entries are gone */
	delete_keys_of(tr->skel->maps.row_index, sizeof(struct vmt_row_key), pids, n);
	delete_keys_of(tr->skel->maps.dead_index, sizeof(struct vmt_dead_key), pids, n);
	moved = move_rows(tr, pids, n);
	for (size_t i = 0; moved >= 0 && i < n; i++) {
		__u32 *d = array_push(tr->drained, tr->nr_drained, tr->cap_drained, 16);

		if (!d) {
			moved = -ENOMEM;
			break;
		}
		*d = pids[i];
	}
	free(pids);
	return moved;
}

void tracer_forget_kept(struct tracer *tr)
{
	free(tr->kept);
	free(tr->drained);
	tr->kept = NULL;
	tr->drained = NULL;
	tr->nr_kept = tr->cap_kept = tr->nr_drained = tr->cap_drained = 0;
}
