// SPDX-License-Identifier: GPL-2.0
/* The live view: one screen per interval. */
#include <inttypes.h>
#include <stdlib.h>
#include "live.h"
#include "report.h"
#include "timeline.h"

#define CLEAR_SCREEN "\033[H\033[2J"

static int by_recent(const void *a, const void *b)
{
	const struct vma *x = *(const struct vma *const *)a;
	const struct vma *y = *(const struct vma *const *)b;

	if (x->recent_faults != y->recent_faults)
		return x->recent_faults > y->recent_faults ? -1 : 1;
	if (x->counters[VMT_C_FAULTS] != y->counters[VMT_C_FAULTS])
		return x->counters[VMT_C_FAULTS] > y->counters[VMT_C_FAULTS] ? -1 : 1;
	return 0;
}

static int files_by_recent(const void *a, const void *b)
{
	const struct file_stat *x = *(const struct file_stat *const *)a;
	const struct file_stat *y = *(const struct file_stat *const *)b;

	if (x->recent_faults != y->recent_faults)
		return x->recent_faults > y->recent_faults ? -1 : 1;
	return x->faults == y->faults ? 0 : x->faults > y->faults ? -1 : 1;
}

static void live_header(FILE *out, const struct address_space *as, double interval)
{
	const uint64_t *t = as->totals;
	double recent = as->timeline ? as->timeline->recent : 0;

	fprintf(out, "vmtrace  PID %d (%.60s)  %.1f s  backend %s\n", (int)as->pid,
		as->command, as->duration_s, as->backend);
	fprintf(out, "faults %" PRIu64 "  now %.0f/s  average %.0f/s  minor %" PRIu64
		"  major %" PRIu64 "  errors %" PRIu64 "  cow %" PRIu64 "\n",
		t[VMT_C_FAULTS], recent / interval,
		as->duration_s > 0 ? t[VMT_C_FAULTS] / as->duration_s : 0.0,
		t[VMT_C_FAULTS] - t[VMT_C_MAJOR] - t[VMT_C_ERRORS], t[VMT_C_MAJOR],
		t[VMT_C_ERRORS], t[VMT_C_COW]);
	if (as->kernel_known)
		fprintf(out, "kernel minflt %" PRIu64 " majflt %" PRIu64 "  drops %" PRIu64 "\n",
			as->kernel_minflt, as->kernel_majflt, as->drops_total);
}

static void live_vmas(FILE *out, const struct address_space *as,
		      const struct config *cfg, double interval)
{
	const struct vma **order = calloc(as->nr ? as->nr : 1, sizeof(*order));
	size_t n = 0;

	if (!order)
		return;
	for (size_t i = 0; i < as->nr; i++)
		if (as->vmas[i].faulted)
			order[n++] = &as->vmas[i];
	/* -s KEY: the report's order already; by default the busiest right now */
	if (cfg->sort == SORT_ADDR)
		qsort(order, n, sizeof(*order), by_recent);
	fprintf(out, "\n%10s %10s %9s %7s %6s  %-14s %s\n", "NOW/s", "FAULTS",
		"MINOR", "MAJOR", "ERR", "START", "VMA");
	for (size_t i = 0; i < n && i < cfg->top; i++) {
		const struct vma *v = order[i];

		fprintf(out, "%10.0f %10" PRIu64 " %9" PRIu64 " %7" PRIu64 " %6" PRIu64
			"  %-14" PRIx64 " %s%s\n", v->recent_faults / interval,
			v->counters[VMT_C_FAULTS], vma_minor(v), v->counters[VMT_C_MAJOR],
			v->counters[VMT_C_ERRORS], v->start, v->label,
			v->unmapped ? " (unmapped)" : "");
	}
	free(order);
}

static void live_files(FILE *out, const struct address_space *as,
		       const struct config *cfg, double interval)
{
	const struct file_stat **order;

	if (!as->nr_files)
		return;
	order = calloc(as->nr_files, sizeof(*order));
	if (!order)
		return;
	for (size_t i = 0; i < as->nr_files; i++)
		order[i] = &as->files[i];
	qsort(order, as->nr_files, sizeof(*order), files_by_recent);
	fprintf(out, "\n%10s %10s %7s %9s  %s\n", "NOW/s", "FAULTS", "MAJOR",
		"READIN", "FILE");
	for (size_t i = 0; i < as->nr_files && i < cfg->top; i++) {
		const struct file_stat *f = order[i];

		fprintf(out, "%10.0f %10" PRIu64 " %7" PRIu64 " %9" PRIu64 "  %s\n",
			f->recent_faults / interval, f->faults, f->major,
			file_readin(f), f->path ? f->path : "?");
	}
	free(order);
}

void live_print(FILE *out, const struct address_space *as,
		const struct config *cfg, bool in_place)
{
	double interval = cfg->interval > 0 ? cfg->interval : 1;

	fputs(in_place ? CLEAR_SCREEN : "\n", out);
	live_header(out, as, interval);
	live_vmas(out, as, cfg, interval);
	live_files(out, as, cfg, interval);
	fflush(out);
}
