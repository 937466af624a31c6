// SPDX-License-Identifier: GPL-2.0
/* Per-file tables, latency histograms and the timeline, from hand-made rows. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "report/histogram.h"
#include "report/json_writer.h"
#include "suites.h"
#include "model/timeline.h"

static struct vmt_row file_row(uint64_t start, uint32_t dev, uint64_t ino,
			       uint64_t faults, uint64_t major)
{
	struct vmt_row r = { .start = start, .end = start + 0x10000,
			     .vm_flags = 0x1, .dev = dev, .ino = ino };

	r.counters[VMT_C_FAULTS] = faults;
	r.counters[VMT_C_MAJOR] = major;
	r.counters[VMT_C_READ] = faults;
	return r;
}

static const struct file_stat *find(const struct address_space *as, uint64_t ino)
{
	for (size_t i = 0; i < as->nr_files; i++)
		if (as->files[i].ino == ino)
			return &as->files[i];
	return NULL;
}

START_TEST(same_basename_stays_apart)
{
	struct address_space as;
	struct vmt_row a = file_row(0x10000, 8, 100, 5, 5);
	struct vmt_row b = file_row(0x40000, 8, 200, 3, 0);
	__u64 pages[VMT_NR_READIN] = { 5, 0, 0 };

	aspace_init(&as, 1);
	aspace_add_row(&as, 1, &a, "/x/data.bin");
	aspace_add_row(&as, 2, &b, "/y/data.bin");
	aspace_add_readin(&as, 8, 100, pages, "/x/data.bin");
	ck_assert_int_eq(aspace_finish(&as, SORT_ADDR, false), 0);
	ck_assert_uint_eq(as.nr_files, 2);
	ck_assert_str_eq(find(&as, 100)->path, "/x/data.bin");
	ck_assert_str_eq(find(&as, 200)->path, "/y/data.bin");
	ck_assert_uint_eq(find(&as, 100)->major, 5);
	ck_assert_uint_eq(find(&as, 100)->readin[VMT_RI_FAULT], 5);
	ck_assert_uint_eq(find(&as, 200)->minor, 3);
	ck_assert_uint_eq(file_readin(find(&as, 200)), 0);
	ck_assert_uint_eq(as.files[0].ino, 100);	/* busiest first */
	aspace_free(&as);
}
END_TEST

START_TEST(mappings_of_one_file_add_up)
{
	struct address_space as;
	struct vmt_row text = file_row(0x10000, 3, 7, 4, 1);
	struct vmt_row data = file_row(0x30000, 3, 7, 2, 0);
	__u64 read_only[VMT_NR_READIN] = { 0, 9, 1 };

	data.flags = VMT_ROW_UNMAPPED;	/* gone before the end: keeps its path */
	aspace_init(&as, 1);
	aspace_add_row(&as, 1, &text, "/lib/libfoo.so");
	aspace_add_row(&as, 2, &data, "/lib/libfoo.so");
	aspace_add_readin(&as, 3, 42, read_only, NULL);	/* read(2) only, no path */
	ck_assert_int_eq(aspace_finish(&as, SORT_ADDR, false), 0);
	ck_assert_uint_eq(as.nr_files, 2);
	ck_assert_uint_eq(find(&as, 7)->faults, 6);
	ck_assert_uint_eq(find(&as, 7)->major, 1);
	ck_assert_uint_eq(find(&as, 7)->minor, 5);
	ck_assert_uint_eq(find(&as, 7)->mappings, 2);
	ck_assert_str_eq(find(&as, 7)->path, "/lib/libfoo.so");
	ck_assert_ptr_null(find(&as, 42)->path);
	ck_assert_uint_eq(find(&as, 42)->readin[VMT_RI_READ], 9);
	ck_assert_uint_eq(file_readin(find(&as, 42)), 10);
	aspace_free(&as);
}
END_TEST

/* hist_json()'s array, read back with json-c. */
static struct json_object *hist_parsed(const uint64_t *slots, int n)
{
	struct json_writer w;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json_object *a;

	jw_init(&w, f, JW_COMPACT);
	hist_json(&w, slots, n);
	ck_assert_int_eq(jw_finish(&w), 0);
	fclose(f);
	a = json_tokener_parse(text);
	free(text);
	return a;
}

START_TEST(log2_buckets)
{
	uint64_t lo, hi, slots[VMT_LAT_SLOTS] = { 0 };
	struct json_object *a;

	log2_bounds(0, &lo, &hi);
	ck_assert_uint_eq(lo, 0);
	ck_assert_uint_eq(hi, 1);
	log2_bounds(5, &lo, &hi);
	ck_assert_uint_eq(lo, 32);
	ck_assert_uint_eq(hi, 63);
	slots[1] = 3;
	slots[4] = 5;
	ck_assert_uint_eq(hist_total(slots, VMT_LAT_SLOTS), 8);
	ck_assert_int_eq(hist_median_slot(slots, VMT_LAT_SLOTS), 4);
	a = hist_parsed(slots, VMT_LAT_SLOTS);
	ck_assert_int_eq(json_object_array_length(a), 5);	/* up to the last used */
	ck_assert_int_eq(json_object_get_int(json_object_object_get(
		json_object_array_get_idx(a, 4), "count")), 5);
	ck_assert_int_eq(json_object_get_int(json_object_object_get(
		json_object_array_get_idx(a, 4), "lo")), 16);
	json_object_put(a);
}
END_TEST

/* A row sampled at ticks 0 and 2: per-tick differences, then merged ticks. */
START_TEST(timeline_differences_and_merges)
{
	struct timeline tl;
	struct vmt_row row = { 0 };
	const struct row_series *s;

	timeline_init(&tl, 0.5, true);
	for (int sample = 0; sample < TIMELINE_TICKS + 2; sample++) {
		timeline_begin_sample(&tl);
		if (sample == 0 || sample == 2) {
			row.counters[VMT_C_FAULTS] += 10;
			row.heat[sample ? VMT_HEAT_BUCKETS - 1 : 0] += 10;
		}
		ck_assert_int_eq(timeline_row(&tl, 3, &row), 0);
		timeline_end_sample(&tl);
		if (sample == 2)
			ck_assert_uint_eq(tl.recent, 10);
	}
	s = timeline_series(&tl, 3);
	ck_assert_ptr_nonnull(s);
	/* 66 samples at 0.5 s overflowed 64 ticks: one tick is now 1 s */
	ck_assert_double_eq(tl.interval_s, 1.0);
	ck_assert_uint_eq(timeline_ticks(&tl), 33);
	ck_assert_uint_eq(s->nr, 2);	/* samples 0 and 2 are ticks 0 and 1 */
	ck_assert_uint_eq(s->ticks[0].tick, 0);
	ck_assert_uint_eq(s->ticks[0].cells[0], 10);
	ck_assert_uint_eq(s->ticks[1].tick, 1);
	ck_assert_uint_eq(s->ticks[1].cells[VMT_HEAT_BUCKETS - 1], 10);
	ck_assert_uint_eq(tl.faults[0] + tl.faults[1], 20);
	timeline_free(&tl);
}
END_TEST

Suite *files_suite(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, same_basename_stays_apart);
	tcase_add_test(tc, mappings_of_one_file_add_up);
	tcase_add_test(tc, log2_buckets);
	tcase_add_test(tc, timeline_differences_and_merges);
	suite_add_tcase(s, tc);
	return s;
}
