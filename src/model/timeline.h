/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Faults over time: the rows' counters sampled every interval, kept as
 * per-tick differences, per process and per VMA row, and (with heatmaps) per
 * offset bucket of the VMA. At most TIMELINE_TICKS ticks are kept: when a
 * trace outlives them, neighbouring ticks merge and a tick covers twice as long.
 */
#ifndef VMT_TIMELINE_H
#define VMT_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "model/model.h"

#define TIMELINE_TICKS 64

/* A tick in which a row faulted. */
struct tick_cells {
	uint32_t tick;
	uint32_t faults;
	uint32_t cells[VMT_HEAT_BUCKETS];	/* with heatmaps only */
};

struct row_series {
	uint64_t serial;	/* the row it follows: a reused slot starts over */
	uint64_t last_faults;	/* the row's FAULTS at the previous sample */
	uint32_t last_heat[VMT_HEAT_BUCKETS];
	uint64_t recent;	/* faults between the last two samples */
	struct tick_cells *ticks;
	uint32_t nr, cap;
};

struct timeline {
	double interval_s;	/* one tick, after merges */
	unsigned int shift;	/* samples per tick = 1 << shift */
	uint64_t samples;
	bool heat;		/* keep offset buckets */
	uint64_t faults[TIMELINE_TICKS];	/* the process, per tick */
	uint64_t recent;	/* the process, in the last interval */
	uint64_t sum, last_sum;	/* every row's FAULTS now and at the last sample */
	struct row_series *rows;	/* by slot */
	size_t nr_rows;
};

void timeline_init(struct timeline *tl, double interval_s, bool heat);
void timeline_free(struct timeline *tl);
/* A sample: _begin, timeline_row() for each row, _end. */
void timeline_begin_sample(struct timeline *tl);
int timeline_row(struct timeline *tl, uint32_t slot, const struct vmt_row *row);
void timeline_end_sample(struct timeline *tl);
/* Ticks with data so far. */
uint32_t timeline_ticks(const struct timeline *tl);
/* The series of a VMA row, or NULL. */
const struct row_series *timeline_series(const struct timeline *tl, uint32_t slot);
/* Copies each row's faults in the last interval into the model. */
void timeline_apply(const struct timeline *tl, struct address_space *as);

#endif
