// SPDX-License-Identifier: GPL-2.0
/*
 * The live view: one screen per interval. With children traced (the default
 * with a command, -p --follow), every process's VMAs and files are in it,
 * the VMAs with the process they belong to: under `vmtrace -I 1000 -- make`
 * the work is in the compilers, not in make.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "report/format.h"
#include "report/live.h"
#include "model/procs.h"
#include "report/report.h"
#include "model/timeline.h"

#define CLEAR_SCREEN "\033[H\033[2J"

/* A VMA of the view and the process it belongs to. */
struct live_vma {
	const struct vma *v;
	pid_t pid;
	const char *comm;
};

/* The traced processes' address spaces: the set's images, or as alone. */
static size_t spaces_of(const struct address_space *as,
			const struct address_space **spaces, size_t max)
{
	const struct proc_set *set = as->procs;
	size_t n = 0;

	if (!set || set->nr < 2) {
		spaces[0] = as;
		return 1;
	}
	for (size_t i = 0; i < set->nr && n < max; i++)
		spaces[n++] = &set->images[i].as;
	return n;
}

static int by_recent(const void *a, const void *b)
{
	const struct vma *x = ((const struct live_vma *)a)->v;
	const struct vma *y = ((const struct live_vma *)b)->v;

	if (x->recent_faults != y->recent_faults)
		return x->recent_faults > y->recent_faults ? -1 : 1;
	if (x->counters[VMT_C_FAULTS] != y->counters[VMT_C_FAULTS])
		return x->counters[VMT_C_FAULTS] > y->counters[VMT_C_FAULTS] ? -1 : 1;
	return 0;
}

static int files_by_recent(const void *a, const void *b)
{
	const struct file_stat *x = a, *y = b;

	if (x->recent_faults != y->recent_faults)
		return x->recent_faults > y->recent_faults ? -1 : 1;
	return x->faults == y->faults ? 0 : x->faults > y->faults ? -1 : 1;
}

/* Whether the backend measures counter (a word of as->unavailable otherwise). */
static bool measured(const struct address_space *as, const char *counter)
{
	size_t len = strlen(counter);

	for (const char *u = as->unavailable; u && (u = strstr(u, counter)); u += len)
		if ((u == as->unavailable || u[-1] == ' ') && (!u[len] || u[len] == ' '))
			return false;
	return true;
}

/* A counter, or n/a where the backend cannot measure it: never a false 0. */
static const char *count_text(const struct address_space *as, const char *counter,
			      uint64_t n, char *buf, size_t size)
{
	if (!measured(as, counter))
		return "n/a";
	snprintf(buf, size, "%" PRIu64, n);
	return buf;
}

static void live_header(FILE *out, const struct address_space *as,
			const struct address_space **spaces, size_t n,
			double interval)
{
	uint64_t t[VMT_NR_COUNTERS] = { 0 }, kernel = 0;
	double recent = as->timeline ? as->timeline->recent : 0;
	const struct proc_set *set = as->procs;
	char command[61], cow[24], wp[24];

	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < VMT_NR_COUNTERS; c++)
			t[c] += spaces[i]->totals[c];
	fprintf(out, "vmtrace  PID %d (%s)  %.1f s  backend %s", (int)as->pid,
		name_text(as->command, command, sizeof(command)), as->duration_s,
		as->backend);
	if (set && set->nr_pids > 1)
		fprintf(out, "  %zu processes", set->nr_pids);
	fprintf(out, "\nfaults %" PRIu64 "  now %.0f/s  average %.0f/s  minor %" PRIu64
		"  major %" PRIu64 "  errors %" PRIu64 "  wp %s  cow %s\n",
		t[VMT_C_FAULTS], recent / interval,
		as->duration_s > 0 ? t[VMT_C_FAULTS] / as->duration_s : 0.0,
		t[VMT_C_FAULTS] - t[VMT_C_MAJOR] - t[VMT_C_ERRORS], t[VMT_C_MAJOR],
		t[VMT_C_ERRORS], count_text(as, "wp", t[VMT_C_WP], wp, sizeof(wp)),
		count_text(as, "cow", t[VMT_C_COW], cow, sizeof(cow)));
	for (size_t k = 0; set && set->nr_pids > 1 && k < set->nr_pids; k++)
		kernel += set->kernel[k].minflt + set->kernel[k].majflt;
	if (set && set->nr_pids > 1)
		fprintf(out, "kernel minflt+majflt %" PRIu64 " (all processes)  drops %"
			PRIu64 "\n", kernel, as->drops_total);
	else if (as->kernel_known)
		fprintf(out, "kernel minflt %" PRIu64 " majflt %" PRIu64 "  drops %" PRIu64 "\n",
			as->kernel_minflt, as->kernel_majflt, as->drops_total);
}

static void live_vmas(FILE *out, const struct address_space *as,
		      const struct address_space **spaces, size_t nspaces,
		      const struct config *cfg, double interval)
{
	const struct proc_set *set = as->procs;
	bool many = nspaces > 1;
	struct live_vma *rows;
	size_t n = 0, cap = 1;

	for (size_t s = 0; s < nspaces; s++)
		cap += spaces[s]->nr;
	rows = calloc(cap, sizeof(*rows));
	if (!rows)
		return;
	for (size_t s = 0; s < nspaces; s++)
		for (size_t i = 0; i < spaces[s]->nr; i++)
			if (spaces[s]->vmas[i].faulted)
				rows[n++] = (struct live_vma){ &spaces[s]->vmas[i],
					many ? set->images[s].pid : as->pid,
					many ? set->images[s].comm : NULL };
	/* -s KEY: the report's order already (per process); by default the busiest now */
	if (cfg->sort == SORT_ADDR || many)
		qsort(rows, n, sizeof(*rows), by_recent);
	fprintf(out, "\n%10s %10s %9s %7s %6s %6s  %-14s %s%s\n", "NOW/s", "FAULTS",
		"MINOR", "MAJOR", "ERR", "WP", "START",
		many ? "PID     COMMAND          " : "", "VMA");
	for (size_t i = 0; i < n && i < cfg->top; i++) {
		const struct vma *v = rows[i].v;
		char name[NAME_TEXT_MAX(LABEL_MAX)], state[32], wp[24];

		fprintf(out, "%10.0f %10" PRIu64 " %9" PRIu64 " %7" PRIu64 " %6" PRIu64
			" %6s  %-14" PRIx64 " ", v->recent_faults / interval,
			v->counters[VMT_C_FAULTS], vma_minor(v), v->counters[VMT_C_MAJOR],
			v->counters[VMT_C_ERRORS],
			count_text(as, "wp", v->counters[VMT_C_WP], wp, sizeof(wp)), v->start);
		if (many)
			fprintf(out, "%-7d %-16s ", (int)rows[i].pid,
				name_text(rows[i].comm, name, 17));
		fprintf(out, "%s%s\n", name_text(v->label, name, sizeof(name)),
			vma_state(v, state, sizeof(state)));
	}
	free(rows);
}

static int files_by_object(const void *a, const void *b)
{
	const struct file_stat *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/*
 * Every process's files, one entry per file (paths borrowed, not copied):
 * all of them, sorted by device and inode, the same ones added up (a scan
 * per file was quadratic in files).
 */
static size_t merged_files(const struct address_space **spaces, size_t nspaces,
			   struct file_stat **out)
{
	struct file_stat *files;
	size_t n = 0, kept = 0, cap = 1;

	for (size_t s = 0; s < nspaces; s++)
		cap += spaces[s]->nr_files;
	files = calloc(cap, sizeof(*files));
	for (size_t s = 0; files && s < nspaces; s++)
		for (size_t i = 0; i < spaces[s]->nr_files; i++)
			files[n++] = spaces[s]->files[i];
	if (n)
		qsort(files, n, sizeof(*files), files_by_object);
	for (size_t i = 0; i < n; i++) {
		struct file_stat *k = &files[kept - !!kept];

		if (kept && !files_by_object(k, &files[i])) {
			if (!k->path)
				k->path = files[i].path;
			k->faults += files[i].faults;
			k->major += files[i].major;
			k->recent_faults += files[i].recent_faults;
			for (int r = 0; r < VMT_NR_READIN; r++)
				k->readin[r] += files[i].readin[r];
		} else {
			files[kept++] = files[i];
		}
	}
	*out = files;
	return files ? kept : 0;
}

static void live_files(FILE *out, const struct address_space **spaces,
		       size_t nspaces, const struct config *cfg, double interval)
{
	struct file_stat *files;
	size_t n = merged_files(spaces, nspaces, &files);
	char name[NAME_TEXT_MAX(PATH_MAX)];

	if (n) {
		qsort(files, n, sizeof(*files), files_by_recent);
		fprintf(out, "\n%10s %10s %7s %9s  %s\n", "NOW/s", "FAULTS", "MAJOR",
			"READIN", "FILE");
	}
	for (size_t i = 0; i < n && i < cfg->top; i++)
		fprintf(out, "%10.0f %10" PRIu64 " %7" PRIu64 " %9" PRIu64 "  %s\n",
			files[i].recent_faults / interval, files[i].faults, files[i].major,
			file_readin(&files[i]),
			files[i].path ? name_text(files[i].path, name, sizeof(name)) : "?");
	free(files);
}

void live_print(FILE *out, const struct address_space *as,
		const struct config *cfg, bool in_place)
{
	double interval = cfg->interval > 0 ? cfg->interval : 1;
	const struct address_space *spaces[VMT_MAX_PROCS * 4];
	size_t n = spaces_of(as, spaces, sizeof(spaces) / sizeof(*spaces));

	fputs(in_place ? CLEAR_SCREEN : "\n", out);
	live_header(out, as, spaces, n, interval);
	live_vmas(out, as, spaces, n, cfg, interval);
	live_files(out, spaces, n, cfg, interval);
	fflush(out);
}
