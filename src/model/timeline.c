// SPDX-License-Identifier: GPL-2.0
/* Faults over time, from periodic samples of the BPF rows. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model/array.h"
#include "model/timeline.h"

void timeline_init(struct timeline *tl, double interval_s, bool heat)
{
	memset(tl, 0, sizeof(*tl));
	tl->interval_s = interval_s;
	tl->heat = heat;
}

void timeline_free(struct timeline *tl)
{
	for (size_t i = 0; i < tl->nr_rows; i++)
		free(tl->rows[i].ticks);
	free(tl->rows);
	memset(tl, 0, sizeof(*tl));
}

uint32_t timeline_ticks(const struct timeline *tl)
{
	return tl->samples ? (uint32_t)((tl->samples - 1) >> tl->shift) + 1 : 0;
}

const struct row_series *timeline_series(const struct timeline *tl, uint32_t slot)
{
	return slot < tl->nr_rows ? &tl->rows[slot] : NULL;
}

static struct row_series *series_of(struct timeline *tl, uint32_t slot)
{
	if (slot >= tl->nr_rows) {
		size_t n = slot + 1 > 2 * tl->nr_rows ? slot + 1 : 2 * tl->nr_rows;
		struct row_series *r = realloc(tl->rows, n * sizeof(*r));

		if (!r)
			return NULL;
		memset(r + tl->nr_rows, 0, (n - tl->nr_rows) * sizeof(*r));
		tl->rows = r;
		tl->nr_rows = n;
	}
	return &tl->rows[slot];
}

/* The cells of the current tick in s, appended when the row first faults in it. */
static struct tick_cells *current_tick(struct row_series *s, uint32_t tick)
{
	struct tick_cells *t;

	if (s->nr && s->ticks[s->nr - 1].tick == tick)
		return &s->ticks[s->nr - 1];
	t = array_push(s->ticks, s->nr, s->cap, 4);
	if (t)
		t->tick = tick;
	return t;
}

int timeline_row(struct timeline *tl, uint32_t slot, const struct vmt_row *row)
{
	struct row_series *s = series_of(tl, slot);
	uint64_t faults = row->counters[VMT_C_FAULTS];
	struct tick_cells *t;

	if (!s)
		return -ENOMEM;
	if (s->serial != row->serial) {
		/* the slot holds a new row: its old one was folded away */
		free(s->ticks);
		memset(s, 0, sizeof(*s));
		s->serial = row->serial;
	}
	/*
	 * The process's rate comes from the sum over rows, which folds keep
	 * (a retired row's counts move into its identity's row): a row's own
	 * difference would count them twice.
	 */
	tl->sum += faults;
	s->recent = faults - s->last_faults;
	s->last_faults = faults;
	if (!s->recent)
		return 0;
	t = current_tick(s, (uint32_t)(tl->samples >> tl->shift));
	if (!t)
		return -ENOMEM;
	t->faults += s->recent;
	for (int b = 0; tl->heat && b < VMT_HEAT_BUCKETS; b++) {
		t->cells[b] += row->heat[b] - s->last_heat[b];
		s->last_heat[b] = row->heat[b];
	}
	return 0;
}

/* Halves the resolution: ticks 2i and 2i+1 become tick i. */
static void merge_ticks(struct timeline *tl)
{
	for (int i = 0; i < TIMELINE_TICKS / 2; i++)
		tl->faults[i] = tl->faults[2 * i] + tl->faults[2 * i + 1];
	memset(tl->faults + TIMELINE_TICKS / 2, 0, sizeof(tl->faults) / 2);
	for (size_t r = 0; r < tl->nr_rows; r++) {
		struct row_series *s = &tl->rows[r];
		uint32_t kept = 0;

		for (uint32_t i = 0; i < s->nr; i++) {
			struct tick_cells *t = &s->ticks[i], *k = &s->ticks[kept - !!kept];

			t->tick >>= 1;
			if (kept && k->tick == t->tick) {
				k->faults += t->faults;
				for (int b = 0; b < VMT_HEAT_BUCKETS; b++)
					k->cells[b] += t->cells[b];
			} else {
				s->ticks[kept++] = *t;
			}
		}
		s->nr = kept;
	}
	tl->shift++;
	tl->interval_s *= 2;
}

void timeline_begin_sample(struct timeline *tl)
{
	tl->sum = 0;
}

void timeline_end_sample(struct timeline *tl)
{
	/* a sample racing a fold may see a count twice: the sum never goes back */
	tl->recent = tl->sum > tl->last_sum ? tl->sum - tl->last_sum : 0;
	tl->last_sum = tl->sum > tl->last_sum ? tl->sum : tl->last_sum;
	tl->faults[(tl->samples >> tl->shift) % TIMELINE_TICKS] += tl->recent;
	tl->samples++;
	/* the next sample would open tick TIMELINE_TICKS: make room first */
	if ((tl->samples >> tl->shift) >= TIMELINE_TICKS)
		merge_ticks(tl);
}

void timeline_apply(const struct timeline *tl, struct address_space *as)
{
	for (size_t i = 0; i < as->nr; i++) {
		const struct row_series *s = timeline_series(tl, as->vmas[i].slot);

		as->vmas[i].recent_faults = s && as->vmas[i].faulted ? s->recent : 0;
	}
	as->timeline = tl;
}
