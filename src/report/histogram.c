// SPDX-License-Identifier: GPL-2.0
/*
 * Histograms and heatmaps, as text and JSON: fault latency in log2 buckets
 * (the look of bcc's print_log2_hist), and where in a VMA faults land over
 * time as a character heatmap.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "report/histogram.h"
#include "report/format.h"
#include "report/json_writer.h"

static int log2_u64_host(uint64_t v)
{
	return v ? 63 - __builtin_clzll(v) : 0;
}

const char *const latency_kind_names[VMT_NR_LAT_KINDS] = {
	[VMT_LAT_ANON_MINOR] = "anon_minor",
	[VMT_LAT_FILE_MINOR] = "file_minor",
	[VMT_LAT_FILE_MAJOR] = "file_major",
	[VMT_LAT_ANON_MAJOR] = "anon_major",
	[VMT_LAT_WP] = "wp",
	[VMT_LAT_ERROR] = "error",
};

/* Bucket i of a log2 histogram holds [lo, hi]: 0-1, 2-3, 4-7, ... */
void log2_bounds(int i, uint64_t *lo, uint64_t *hi)
{
	*lo = i ? 1ULL << i : 0;
	*hi = (1ULL << (i + 1)) - 1;
}

uint64_t hist_total(const uint64_t *slots, int n)
{
	uint64_t sum = 0;

	for (int i = 0; i < n; i++)
		sum += slots[i];
	return sum;
}

/* The value below which half of the counts fall: a bucket's lower bound. */
int hist_median_slot(const uint64_t *slots, int n)
{
	uint64_t total = hist_total(slots, n), seen = 0;

	for (int i = 0; i < n; i++) {
		seen += slots[i];
		if (total && 2 * seen >= total)
			return i;
	}
	return -1;
}

#define BAR_WIDTH 40

static void bar(FILE *out, uint64_t count, uint64_t max)
{
	int len = max ? (int)(count * BAR_WIDTH / max) : 0;
	char stars[BAR_WIDTH + 1];

	memset(stars, '*', len);
	memset(stars + len, ' ', BAR_WIDTH - len);
	stars[BAR_WIDTH] = '\0';
	fprintf(out, "|%s|", stars);
}

void hist_text(FILE *out, const char *unit, const uint64_t *slots, int n)
{
	int last = -1;
	uint64_t max = 0;

	for (int i = 0; i < n; i++) {
		if (slots[i])
			last = i;
		if (slots[i] > max)
			max = slots[i];
	}
	fprintf(out, "%*s%-*s : count    distribution\n", 8, "", 20, unit);
	for (int i = 0; i <= last; i++) {
		uint64_t lo, hi;

		log2_bounds(i, &lo, &hi);
		fprintf(out, "%12" PRIu64 " -> %-12" PRIu64 " : %-8" PRIu64 " ",
			lo, hi, slots[i]);
		bar(out, slots[i], max);
		fputc('\n', out);
	}
}

void hist_json(struct json_writer *w, const uint64_t *slots, int n)
{
	int last = -1;

	for (int i = 0; i < n; i++)
		if (slots[i])
			last = i;
	jw_begin_array(w);
	for (int i = 0; i <= last; i++) {
		uint64_t lo, hi;

		log2_bounds(i, &lo, &hi);
		jw_begin_object(w);
		jw_uint64_field(w, "lo", lo);
		jw_uint64_field(w, "hi", hi);
		jw_uint64_field(w, "count", slots[i]);
		jw_end_object(w);
	}
	jw_end_array(w);
}

void latency_text(FILE *out, const struct address_space *as)
{
	if (!as->latency_known)
		return;
	fprintf(out, "\nfault latency (%s)\n", as->latency_source);
	for (int k = 0; k < VMT_NR_LAT_KINDS; k++) {
		uint64_t total = hist_total(as->latency[k], VMT_LAT_SLOTS);

		if (!total)
			continue;
		fprintf(out, "%s: %" PRIu64 " faults\n", latency_kind_names[k], total);
		hist_text(out, "usecs", as->latency[k], VMT_LAT_SLOTS);
	}
}

void latency_json(struct json_writer *w, const struct address_space *as)
{
	if (!as->latency_known) {
		jw_null(w);
		return;
	}
	jw_begin_object(w);
	for (int k = 0; k < VMT_NR_LAT_KINDS; k++) {
		jw_name(w, latency_kind_names[k]);
		hist_json(w, as->latency[k], VMT_LAT_SLOTS);
	}
	jw_end_object(w);
}

/* ---- heatmaps ---- */

#define HEAT_TEXT_ROWS 16	/* offset buckets merged in pairs for the terminal */
#define HEATMAPS_SHOWN 5	/* in text; JSON has every VMA's */

static const char heat_ramp[] = " .:-=+*#%@";

/* A count as a ramp character, on a log scale up to max. */
static char heat_char(uint64_t count, uint64_t max)
{
	int levels = sizeof(heat_ramp) - 2, level;

	if (!count)
		return ' ';
	if (max <= 1)
		return heat_ramp[levels];
	level = 1 + (int)((log2_u64_host(count) * (levels - 1)) / log2_u64_host(max));
	return heat_ramp[level > levels ? levels : level];
}

/* The dense grid of a row's series: grid[tick][row of text] */
static uint64_t heat_grid(const struct row_series *s, uint32_t ticks,
			  uint64_t grid[][HEAT_TEXT_ROWS])
{
	uint64_t max = 0;

	memset(grid, 0, ticks * sizeof(*grid));
	for (uint32_t i = 0; i < s->nr; i++) {
		uint32_t t = s->ticks[i].tick;

		if (t >= ticks)
			continue;
		for (int b = 0; b < VMT_HEAT_BUCKETS; b++)
			grid[t][b * HEAT_TEXT_ROWS / VMT_HEAT_BUCKETS] += s->ticks[i].cells[b];
	}
	for (uint32_t t = 0; t < ticks; t++)
		for (int r = 0; r < HEAT_TEXT_ROWS; r++)
			if (grid[t][r] > max)
				max = grid[t][r];
	return max;
}

/* Faults per tick as one ramp line: a row's series, or the process's counts. */
static void rate_text(FILE *out, const char *title, const struct row_series *s,
		      const uint64_t *counts, uint32_t ticks)
{
	uint64_t per_tick[TIMELINE_TICKS] = { 0 }, max = 0;

	for (uint32_t t = 0; t < ticks && t < TIMELINE_TICKS; t++)
		per_tick[t] = counts ? counts[t] : 0;
	for (uint32_t i = 0; s && i < s->nr; i++)
		if (s->ticks[i].tick < TIMELINE_TICKS)
			per_tick[s->ticks[i].tick] += s->ticks[i].faults;
	for (uint32_t t = 0; t < ticks; t++)
		if (per_tick[t] > max)
			max = per_tick[t];
	fprintf(out, "%s|", title);
	for (uint32_t t = 0; t < ticks; t++)
		fputc(heat_char(per_tick[t], max), out);
	fprintf(out, "| peak %" PRIu64 " per interval\n", max);
}

/* The process's fault rate over the trace (with -i or --heatmap). */
void timeline_text(FILE *out, const struct address_space *as)
{
	const struct timeline *tl = as->timeline;

	if (!tl || !timeline_ticks(tl))
		return;
	fprintf(out, "\nfault rate, %.3g s per column:\n", tl->interval_s);
	rate_text(out, "  process    ", NULL, tl->faults, timeline_ticks(tl));
}

static void heatmap_text(FILE *out, const struct address_space *as,
			 const struct vma *v, const struct row_series *s)
{
	uint32_t ticks = timeline_ticks(as->timeline);
	uint64_t grid[TIMELINE_TICKS][HEAT_TEXT_ROWS], max;
	uint64_t size = v->end - v->start, step = size / HEAT_TEXT_ROWS;
	char buf[32], label[NAME_TEXT_MAX(LABEL_MAX)];

	max = heat_grid(s, ticks, grid);
	if (!max)
		return;
	fprintf(out, "\n%s %" PRIx64 "-%" PRIx64 " (%s): offset down, time across "
		"(%.3g s per column), '%s' = 1 to %" PRIu64 " faults\n",
		name_text(v->label, label, sizeof(label)), v->start, v->end, human_bytes(size, buf, sizeof(buf)),
		as->timeline->interval_s, heat_ramp + 1, max);
	for (int r = 0; r < HEAT_TEXT_ROWS; r++) {
		fprintf(out, "  +%-10s|", human_bytes(r * step, buf, sizeof(buf)));
		for (uint32_t t = 0; t < ticks; t++)
			fputc(heat_char(grid[t][r], max), out);
		fprintf(out, "|\n");
	}
	rate_text(out, "  faults     ", s, NULL, ticks);
}

static int by_faults_desc(const void *a, const void *b)
{
	const struct vma *x = *(const struct vma *const *)a;
	const struct vma *y = *(const struct vma *const *)b;
	uint64_t fx = x->counters[VMT_C_FAULTS], fy = y->counters[VMT_C_FAULTS];

	return fx == fy ? 0 : fx > fy ? -1 : 1;
}

void heatmaps_text(FILE *out, const struct address_space *as, unsigned int top)
{
	const struct vma **order;
	size_t n = 0;

	if (!as->timeline || !as->timeline->heat)
		return;
	order = calloc(as->nr ? as->nr : 1, sizeof(*order));
	if (!order)
		return;
	for (size_t i = 0; i < as->nr; i++)
		if (as->vmas[i].faulted && timeline_series(as->timeline, as->vmas[i].slot))
			order[n++] = &as->vmas[i];
	qsort(order, n, sizeof(*order), by_faults_desc);
	if (top > HEATMAPS_SHOWN)
		top = HEATMAPS_SHOWN;
	fprintf(out, "\nheatmaps of the %zu busiest VMAs:\n", n < top ? n : top);
	for (size_t i = 0; i < n && i < top; i++)
		heatmap_text(out, as, order[i], timeline_series(as->timeline, order[i]->slot));
	free(order);
}

void heatmap_json(struct json_writer *w, const struct address_space *as,
		  const struct vma *v)
{
	const struct row_series *s;
	uint32_t ticks;

	if (!as->timeline || !as->timeline->heat || !v->faulted ||
	    !(s = timeline_series(as->timeline, v->slot)))
		return;
	ticks = timeline_ticks(as->timeline);
	jw_name(w, "heatmap");
	jw_begin_object(w);
	jw_int64_field(w, "offset_buckets", VMT_HEAT_BUCKETS);
	jw_uint64_field(w, "bucket_bytes", (v->end - v->start) / VMT_HEAT_BUCKETS);
	jw_double_field(w, "interval_s", as->timeline->interval_s);
	jw_name(w, "cells");
	jw_begin_array(w);
	for (uint32_t t = 0, i = 0; t < ticks; t++) {
		const struct tick_cells *c = i < s->nr && s->ticks[i].tick == t ?
					     &s->ticks[i++] : NULL;

		jw_begin_array(w);
		for (int b = 0; b < VMT_HEAT_BUCKETS; b++)
			jw_uint64(w, c ? c->cells[b] : 0);
		jw_end_array(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

void rate_json(struct json_writer *w, const struct address_space *as,
	       const struct vma *v)
{
	const struct row_series *s;
	uint32_t ticks;

	if (!as->timeline || !v->faulted || !(s = timeline_series(as->timeline, v->slot)))
		return;
	ticks = timeline_ticks(as->timeline);
	jw_name(w, "rate");
	jw_begin_array(w);
	for (uint32_t t = 0, i = 0; t < ticks; t++) {
		const struct tick_cells *c = i < s->nr && s->ticks[i].tick == t ?
					     &s->ticks[i++] : NULL;

		jw_uint64(w, c ? c->faults : 0);
	}
	jw_end_array(w);
}

void timeline_json(struct json_writer *w, const struct address_space *as)
{
	const struct timeline *tl = as->timeline;

	if (!tl) {
		jw_null(w);
		return;
	}
	jw_begin_object(w);
	jw_double_field(w, "interval_s", tl->interval_s);
	jw_name(w, "faults");
	jw_begin_array(w);
	for (uint32_t t = 0; t < timeline_ticks(tl); t++)
		jw_uint64(w, tl->faults[t]);
	jw_end_array(w);
	jw_end_object(w);
}
