// SPDX-License-Identifier: GPL-2.0
/*
 * Every report of fixed models, byte for byte against tests/unit/golden/:
 * the JSON and text reports (one rich model, one empty), the live view, and
 * baselines. The files were written by the json-c code the streaming writer
 * replaced, so a layout change shows here as a diff.
 *
 * VMT_GOLDEN_UPDATE=1 rewrites them (then look at `git diff`); VMT_GOLDEN_DIR
 * says where they are (default tests/unit/golden, from the repository's top).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ci/baseline.h"
#include "model/procs.h"
#include "model/timeline.h"
#include "report/live.h"
#include "report/report.h"
#include "suites.h"

static const char *golden_dir(void)
{
	const char *d = getenv("VMT_GOLDEN_DIR");

	return d && d[0] ? d : "tests/unit/golden";
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, got;

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (*len + 4096 > cap && !(buf = realloc(buf, cap = 2 * cap + 4096)))
			break;
		got = fread(buf + *len, 1, cap - *len, f);
		*len += got;
	} while (got);
	fclose(f);
	return buf;
}

/* Compares text with the golden file name, or rewrites it under VMT_GOLDEN_UPDATE. */
static void check_golden(const char *name, const char *text, size_t len)
{
	char path[512];
	size_t want_len, i = 0;
	char *want;

	snprintf(path, sizeof(path), "%s/%s", golden_dir(), name);
	if (getenv("VMT_GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "we");

		ck_assert_msg(f && fwrite(text, 1, len, f) == len && !fclose(f),
			      "cannot write %s", path);
		return;
	}
	want = read_all(path, &want_len);
	ck_assert_msg(want, "cannot read %s (run from the repository's top)", path);
	while (i < len && i < want_len && text[i] == want[i])
		i++;
	ck_assert_msg(i == len && i == want_len, "%s: differs at byte %zu of %zu "
		      "(got %zu bytes): ...%.40s", name, i, want_len, len, text + i);
	free(want);
}

/* ---- the models ---- */

static void add_rows(struct address_space *as)
{
	struct vmt_row text = { .start = 0x401000, .end = 0x402000, .vm_flags = 0x5,
				.ino = 100, .dev = 8u << 20 | 1 };
	struct vmt_row heap = { .start = 0x1000000, .end = 0x1021000, .vm_flags = 0x3 };
	struct vmt_row lib = { .start = 0x7f0000000000, .end = 0x7f0000010000,
			       .vm_flags = 0x1 | 0x80, .ino = 9, .dev = 7,
			       .flags = VMT_ROW_UNMAPPED, .pgoff = 3 };
	struct vmt_row stack = { .start = 0x7ffd00000000, .end = 0x7ffd00021000,
				 .vm_flags = 0x3 | 0x100, .stack_tid = 78,
				 .flags = VMT_ROW_GROWSDOWN };
	__u64 readin[VMT_NR_READIN] = { 2, 9, 1 };

	text.counters[VMT_C_FAULTS] = text.counters[VMT_C_EXEC] = 3;
	heap.counters[VMT_C_FAULTS] = heap.counters[VMT_C_WRITE] = 10;
	heap.counters[VMT_C_WP] = 2;
	heap.counters[VMT_C_COW] = 1;
	heap.counters[VMT_C_LATENCY_NS] = 123456789012ULL;
	lib.counters[VMT_C_FAULTS] = lib.counters[VMT_C_READ] = 5;
	lib.counters[VMT_C_MAJOR] = 4;
	lib.counters[VMT_C_READIN] = 4;
	stack.counters[VMT_C_FAULTS] = 7;
	stack.counters[VMT_C_WRITE] = 6;
	stack.counters[VMT_C_ERRORS] = stack.counters[VMT_C_SIGBUS] = 1;
	stack.counters[VMT_C_KERNEL] = 2;
	stack.counters[VMT_C_READ] = 1;
	aspace_add_row(as, 1, &text, "/usr/bin/app");
	aspace_add_row(as, 2, &heap, NULL);
	aspace_add_row(as, 3, &lib, "/data/a file \"quoted\"/x\\y.bin");
	aspace_add_row(as, 4, &stack, NULL);
	aspace_add_readin(as, 3, 42, readin, NULL);
}

/* Two samples a tick, the rows faulting in ticks 0, 1 and 3. */
static void fill_timeline(struct timeline *tl)
{
	struct vmt_row rows[5] = { 0 };

	timeline_init(tl, 0.25, true);
	for (int sample = 0; sample < 4; sample++) {
		timeline_begin_sample(tl);
		for (uint32_t slot = 1; slot < 5; slot++) {
			if (sample != 2 && slot != 3) {
				rows[slot].counters[VMT_C_FAULTS] += slot + sample;
				rows[slot].heat[(slot * 7 + sample) % VMT_HEAT_BUCKETS] +=
					slot + sample;
			}
			ck_assert_int_eq(timeline_row(tl, slot, &rows[slot]), 0);
		}
		timeline_end_sample(tl);
	}
}

static void rich(struct address_space *as, struct timeline *tl, pid_t pid)
{
	aspace_init(as, pid);
	snprintf(as->command, sizeof(as->command), "./app --name \"x\"\t\x01\x1f/\\");
	as->backend = "fentry";
	as->unavailable = "cow readin";
	as->duration_s = 1.0 / 3;
	as->mm = (struct vmt_layout){ .start_code = 0x401000, .end_code = 0x402000,
		.start_brk = 0x1000000, .brk = 0x1021000, .start_stack = 0x7ffd00020000,
		.exe_ino = 100, .exe_dev = 8u << 20 | 1 };
	as->kernel_known = true;
	as->kernel_minflt = 20;
	as->kernel_majflt = 4;
	as->sc[VMT_SC_MMAP] = (struct sc_stat){ 3, 65536 };
	as->sc[VMT_SC_BRK] = (struct sc_stat){ 2, 135168 };
	as->drops = (struct vmt_drops){ .rows = 1, .files = 2, .threads = 3,
					.deferred_full = 4, .readins = 5, .lookups_busy = 6 };
	as->drops_total = 15;
	as->latency_known = true;
	as->latency_source = "handle_mm_fault";
	as->latency[VMT_LAT_ANON_MINOR][0] = 3;
	as->latency[VMT_LAT_ANON_MINOR][3] = 17;
	as->latency[VMT_LAT_FILE_MAJOR][9] = 4;
	add_rows(as);
	ck_assert_int_eq(aspace_finish(as, SORT_ADDR, false), 0);
	if (tl) {
		fill_timeline(tl);
		timeline_apply(tl, as);
	}
}

/* Two processes, the second exec'd once: three images, merged by command. */
static struct proc_set *procs(struct timeline *tl)
{
	static const char *comms[] = { "app", "sh", "app" };
	struct proc_set *set = calloc(1, sizeof(*set));

	set->images = calloc(3, sizeof(*set->images));
	set->kernel = calloc(2, sizeof(*set->kernel));
	set->nr = 3;
	set->nr_pids = 2;
	set->not_followed = 1;
	set->merge_comm = true;
	for (int i = 0; i < 3; i++) {
		struct proc_image *img = &set->images[i];

		img->pid = i ? 101 : 100;
		img->ppid = i ? 100 : 1;
		img->image = i == 2;
		snprintf(img->comm, sizeof(img->comm), "%s", comms[i]);
		rich(&img->as, i == 1 ? tl : NULL, img->pid);
	}
	set->kernel[0] = (struct proc_kernel){ .pid = 100, .known = true, .minflt = 20,
					       .majflt = 4, .traced = 24 };
	set->kernel[1] = (struct proc_kernel){ .pid = 101, .exited = true,
					       .exec_args = 2 };
	return set;
}

static void procs_release(struct proc_set *set)
{
	for (size_t i = 0; i < set->nr; i++)
		aspace_free(&set->images[i].as);
	free(set->images);
	free(set->kernel);
	free(set);
}

/* ---- the reports ---- */

enum sink { SINK_JSON, SINK_TEXT, SINK_LIVE };

static void render_check(const char *name, const struct address_space *as,
			 enum sink sink)
{
	struct config cfg = { .top = 10, .interval = 0.5 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (sink == SINK_JSON)
		ck_assert_int_eq(report_json(f, as, true), 0);
	else if (sink == SINK_TEXT)
		report_text(f, as, &cfg);
	else
		live_print(f, as, &cfg, false);
	fclose(f);
	check_golden(name, text, len);
	free(text);
}

START_TEST(report_rich)
{
	struct address_space as;
	struct timeline tl;

	rich(&as, &tl, 77);
	render_check("report-rich.json", &as, SINK_JSON);
	render_check("report-rich.txt", &as, SINK_TEXT);
	render_check("live-rich.txt", &as, SINK_LIVE);
	aspace_free(&as);
	timeline_free(&tl);
}
END_TEST

/* Nothing at all: empty arrays and objects, nulls. */
START_TEST(report_empty)
{
	struct address_space as;

	aspace_init(&as, 1);
	as.backend = "tracepoint";
	ck_assert_int_eq(aspace_finish(&as, SORT_ADDR, false), 0);
	render_check("report-empty.json", &as, SINK_JSON);
	render_check("report-empty.txt", &as, SINK_TEXT);
	aspace_free(&as);
}
END_TEST

START_TEST(report_processes)
{
	struct address_space as;
	struct timeline tl;

	rich(&as, NULL, 100);
	as.procs = procs(&tl);
	render_check("report-procs.json", &as, SINK_JSON);
	render_check("report-procs.txt", &as, SINK_TEXT);
	render_check("live-procs.txt", &as, SINK_LIVE);
	procs_release(as.procs);
	aspace_free(&as);
	timeline_free(&tl);
}
END_TEST

static void baseline_check(const char *name, const struct baseline *b)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_int_eq(baseline_write(f, b), 0);
	fclose(f);
	check_golden(name, text, len);
	free(text);
}

START_TEST(baselines)
{
	struct baseline b = { .runs = 3, .backend = "fentry" };
	struct baseline_row rows[2] = { 0 };

	snprintf(b.command, sizeof(b.command), "./app \"a b\"\t/x");
	baseline_check("baseline-empty.json", &b);
	b.unavailable[PC_COW] = b.unavailable[PC_OOM] = true;
	b.tol = (struct tolerance){ 0.1, 8, true, true };
	b.tol_for[PC_MAJOR] = (struct tolerance){ 0, 0, true, true };
	b.tol_for[PC_WP] = (struct tolerance){ .min_count = 3, .has_min_count = true };
	b.tol_for[PC_ERRORS] = (struct tolerance){ .relative = 0.025, .has_relative = true };
	for (int r = 0; r < 2; r++) {
		snprintf(rows[r].id.command, sizeof(rows[r].id.command), "app");
		snprintf(rows[r].id.label, sizeof(rows[r].id.label), r ? "data/x.bin" : "[heap]");
		snprintf(rows[r].id.perms, sizeof(rows[r].id.perms), r ? "r--s" : "rw-p");
		rows[r].id.position = r;
		for (int c = 0; c < NR_PCOUNTERS; c++)
			rows[r].c[c] = (struct spread){ 10 * c + r, c, 20 * c + r };
	}
	rows[1].c[PC_FAULTS].max = ~0ULL;
	b.rows = rows;
	b.nr = 2;
	baseline_check("baseline.json", &b);
}
END_TEST

Suite *golden_suite(void)
{
	Suite *s = suite_create("golden");
	TCase *tc = tcase_create("byte_identical");

	tcase_add_test(tc, report_rich);
	tcase_add_test(tc, report_empty);
	tcase_add_test(tc, report_processes);
	tcase_add_test(tc, baselines);
	suite_add_tcase(s, tc);
	return s;
}
