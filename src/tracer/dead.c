// SPDX-License-Identifier: GPL-2.0
/*
 * --dead-vmas: the rows BPF retired (unmapped, or changed), one by one. The
 * report folds dead VMAs of one identity into one row; this keeps the first
 * N as they were when they retired, read from a ring buffer at each drain
 * (the wait loop's reclaim tick, and before the report). What the ring had
 * no room for, and what came after the first N, is counted, never hidden.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "tracer/attach.h"
#include "model/array.h"
#include "vmtrace.skel.h"

/* The ring's size: ~10,000 records between two drains a quarter second apart. */
#define DEAD_RING_BYTES (1u << 20)

void tracer_dead_size(struct tracer *tr, const struct config *cfg)
{
	tr->skel->rodata->want_dead_list = cfg->dead_vmas > 0;
	if (cfg->dead_vmas)
		bpf_map__set_max_entries(tr->skel->maps.dead_vmas, DEAD_RING_BYTES);
}

static int keep_dead(void *ctx, void *data, size_t size)
{
	struct tracer *tr = ctx;
	struct vmt_dead_vma *d;

	if (size < sizeof(*d))
		return 0;
	if (tr->nr_dead >= tr->max_dead) {
		tr->dead_over++;
		return 0;
	}
	d = array_push(tr->dead, tr->nr_dead, tr->cap_dead, 256);
	if (!d) {
		tr->dead_over++;	/* no memory: counted like any other left out */
		return 0;
	}
	memcpy(d, data, sizeof(*d));
	return 0;
}

int tracer_dead_open(struct tracer *tr, const struct config *cfg)
{
	tr->max_dead = cfg->dead_vmas;
	if (!cfg->dead_vmas)
		return 0;
	tr->dead_rb = ring_buffer__new(bpf_map__fd(tr->skel->maps.dead_vmas), keep_dead,
				       tr, NULL);
	if (!tr->dead_rb) {
		fprintf(stderr, "vmtrace: --dead-vmas: cannot read the ring buffer: %s\n",
			strerror(errno));
		return -errno;
	}
	return 0;
}

void tracer_dead_drain(struct tracer *tr)
{
	if (tr->dead_rb)
		ring_buffer__consume(tr->dead_rb);
}

/* Retired rows not listed: past the first N, or no room in the ring. */
__u64 tracer_dead_unlisted(const struct tracer *tr)
{
	return tr->dead_over + tr->skel->bss->reclaim.unlisted;
}

void tracer_dead_close(struct tracer *tr)
{
	ring_buffer__free(tr->dead_rb);
	free(tr->dead);
	tr->dead_rb = NULL;
	tr->dead = NULL;
	tr->nr_dead = tr->cap_dead = 0;
}
