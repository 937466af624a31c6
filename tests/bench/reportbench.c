// SPDX-License-Identifier: GPL-2.0
/*
 * How long a report of N rows takes to build and write, and its peak memory,
 * without BPF: the model is filled as the tracer fills it (a BPF row each,
 * then a final /proc/PID/maps snapshot merged line by line), finished, and
 * written by the report writers to /dev/null through stdio. A traced
 * target cannot give this: the kernel keeps at most --max-vmas rows, and
 * tracing 100,000 VMAs times the maps walk and the target too.
 *
 * Usage: reportbench ROWS text|json|pretty|live
 * Prints one line: rows, each phase's seconds, and the peak RSS (KiB).
 * tests/bench/bench.py runs it (its "reports" section); a figure, not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include "model/model.h"
#include "report/live.h"
#include "report/report.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Row i: one in four a file mapping of its own (a library's segments have
 * distinct paths and inodes), the rest anonymous; a few dead, a few changed;
 * every counter non-zero, so no column is a constant.
 */
static void make_row(size_t i, struct vmt_row *r, char *path, size_t size)
{
	bool file = i % 4 == 0;

	memset(r, 0, sizeof(*r));
	r->start = 0x10000000ULL + i * 0x3000;
	r->end = r->start + 0x2000;
	r->vm_flags = file ? 0x5 : 0x3;
	r->ino = file ? 1000 + i : 0;
	r->dev = file ? 8u << 20 | 1 : 0;
	r->flags = i % 50 == 7 ? VMT_ROW_UNMAPPED : i % 50 == 9 ? VMT_ROW_SEALED : 0;
	r->serial = i + 1;
	for (int c = 0; c < VMT_NR_COUNTERS; c++)
		r->counters[c] = 1 + (i * 7 + c) % 13;
	r->counters[VMT_C_FAULTS] = 40 + i % 97;
	snprintf(path, size, "/usr/lib/x86_64-linux-gnu/bench/lib%zu.so.1", i);
}

static int fill(struct address_space *as, size_t n)
{
	struct vmt_row r;
	char path[128];

	for (size_t i = 0; i < n; i++) {
		make_row(i, &r, path, sizeof(path));
		if (aspace_add_row(as, (uint32_t)i + 1, &r, r.ino ? path : NULL))
			return -1;
	}
	return 0;
}

/* The final snapshot: a line per live row, as read from /proc/PID/maps. */
static int merge_maps(struct address_space *as, size_t n)
{
	struct maps_merge m;
	struct maps_entry e;
	struct vmt_row r;
	int err = maps_merge_begin(&m, as, true, false);

	for (size_t i = 0; i < n && !err; i++) {
		make_row(i, &r, e.path, sizeof(e.path));
		if (r.flags)
			continue;
		e.start = r.start;
		e.end = r.end;
		perms_from_flags(r.vm_flags, e.perms);
		e.offset = 0;
		e.dev_major = r.dev >> 20;
		e.dev_minor = r.dev & 0xfffff;
		e.ino = r.ino;
		if (!r.ino)
			e.path[0] = '\0';
		err = maps_merge_line(&m, &e);
	}
	maps_merge_end(&m);
	return err;
}

static int write_report(const struct address_space *as, const char *how)
{
	struct config cfg = { .top = 10, .interval = 1 };
	FILE *out = fopen("/dev/null", "we");
	int err = 0;

	if (!out)
		return -1;
	if (!strcmp(how, "json") || !strcmp(how, "pretty"))
		err = report_json(out, as, !strcmp(how, "pretty"));
	else if (!strcmp(how, "live"))
		live_print(out, as, &cfg, false);
	else
		report_text(out, as, &cfg);
	return fclose(out) || err;
}

int main(int argc, char **argv)
{
	struct address_space as;
	struct rusage ru;
	double t[5];
	size_t n;

	if (argc != 3 || !(n = strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: reportbench ROWS text|json|pretty|live\n");
		return 2;
	}
	aspace_init(&as, 1);
	snprintf(as.command, sizeof(as.command), "reportbench");
	as.backend = "tracepoint";
	t[0] = now();
	if (fill(&as, n))
		return 1;
	t[1] = now();
	if (merge_maps(&as, n))
		return 1;
	t[2] = now();
	if (aspace_finish(&as, SORT_ADDR, false))
		return 1;
	t[3] = now();
	if (write_report(&as, argv[2]))
		return 1;
	t[4] = now();
	getrusage(RUSAGE_SELF, &ru);
	printf("rows=%zu fill_s=%.3f maps_s=%.3f finish_s=%.3f write_s=%.3f total_s=%.3f "
	       "peak_rss_kib=%ld\n", as.nr, t[1] - t[0], t[2] - t[1], t[3] - t[2],
	       t[4] - t[3], t[4] - t[0], ru.ru_maxrss);
	aspace_free(&as);
	return 0;
}
