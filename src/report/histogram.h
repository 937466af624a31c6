/* SPDX-License-Identifier: GPL-2.0 */
/* Latency histograms and address heatmaps, as text and as JSON. */
#ifndef VMT_HISTOGRAM_H
#define VMT_HISTOGRAM_H

#include <stdint.h>
#include <stdio.h>
#include "model/model.h"
#include "model/timeline.h"

struct json_writer;

extern const char *const latency_kind_names[VMT_NR_LAT_KINDS];

/* Bucket i of a log2 histogram holds [lo, hi]: 0-1, 2-3, 4-7, ... */
void log2_bounds(int i, uint64_t *lo, uint64_t *hi);
uint64_t hist_total(const uint64_t *slots, int n);
/* The bucket holding the median count, or -1 when empty. */
int hist_median_slot(const uint64_t *slots, int n);
void hist_text(FILE *out, const char *unit, const uint64_t *slots, int n);
/* [{"lo", "hi", "count"}] up to the last non-empty bucket. */
void hist_json(struct json_writer *w, const uint64_t *slots, int n);

/* Every kind's latency histogram (nothing if the backend did not time faults). */
void latency_text(FILE *out, const struct address_space *as);
/* An object of every kind's histogram, or null. */
void latency_json(struct json_writer *w, const struct address_space *as);

/* The process's fault rate per interval, as one character line. */
void timeline_text(FILE *out, const struct address_space *as);
/* The heatmaps of the top VMAs by faults (as->timeline with heat). */
void heatmaps_text(FILE *out, const struct address_space *as, unsigned int top);
/* One VMA's member "heatmap", when it has one. */
void heatmap_json(struct json_writer *w, const struct address_space *as,
		  const struct vma *v);
/* Faults per tick: the process's (an object, or null)... */
void timeline_json(struct json_writer *w, const struct address_space *as);
/* ...and one VMA's, as its member "rate" when it has one. */
void rate_json(struct json_writer *w, const struct address_space *as,
	       const struct vma *v);

#endif
