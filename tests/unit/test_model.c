// SPDX-License-Identifier: GPL-2.0
/* Labels, snapshots and row folding in the address space model. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "model/elf_bss.h"
#include "model/model.h"
#include "suites.h"

#define EXE_INO 100
#define EXE_DEV ((8u << 20) | 1)

static const struct vmt_layout mm = {
	.start_code = 0x401000, .end_code = 0x402000,
	.start_data = 0x404000, .end_data = 0x405100,
	.start_brk = 0x1000000, .brk = 0x1021000,
	.start_stack = 0x7ffd0000f000, .vdso = 0x7f0000100000,
	.exe_ino = EXE_INO, .exe_dev = EXE_DEV,
};

static struct vma make_vma(uint64_t start, uint64_t end, const char *perms,
			   const char *path, uint64_t ino)
{
	struct vma v = { .start = start, .end = end, .ino = ino };

	snprintf(v.perms, sizeof(v.perms), "%s", perms);
	v.path = (char *)path;
	v.dev = ino == EXE_INO ? EXE_DEV : ino ? 7 : 0;
	return v;
}

static const char *label_of(const struct vma *v, const struct vma *prev)
{
	static char out[LABEL_MAX];

	label_vma(v, prev, &mm, out, sizeof(out));
	return out;
}

START_TEST(exe_segments)
{
	struct vma hdr = make_vma(0x400000, 0x401000, "r--p", "/bin/x", EXE_INO);
	struct vma text = make_vma(0x401000, 0x402000, "r-xp", "/bin/x", EXE_INO);
	struct vma ro = make_vma(0x402000, 0x404000, "r--p", "/bin/x", EXE_INO);
	struct vma data = make_vma(0x404000, 0x406000, "rw-p", "/bin/x", EXE_INO);
	struct vma bss = make_vma(0x406000, 0x408000, "rw-p", NULL, 0);

	ck_assert_str_eq(label_of(&hdr, NULL), "[rodata]");
	ck_assert_str_eq(label_of(&text, &hdr), "[text]");
	ck_assert_str_eq(label_of(&ro, &text), "[rodata]");
	ck_assert_str_eq(label_of(&data, &ro), "[data]");
	ck_assert_str_eq(label_of(&bss, &data), "[bss]");
}
END_TEST

START_TEST(heap_stack_vdso)
{
	struct vma heap = make_vma(0x1000000, 0x1021000, "rw-p", NULL, 0);
	struct vma stack = make_vma(0x7ffd00000000, 0x7ffd00021000, "rw-p", NULL, 0);
	struct vma grow = make_vma(0x7ffc00000000, 0x7ffc00001000, "rw-p", NULL, 0);
	struct vma vdso = make_vma(0x7f0000100000, 0x7f0000102000, "r-xp", NULL, 0);
	struct vma vvar = make_vma(0x7f00000fc000, 0x7f0000100000, "r--p", NULL, 0);

	grow.row_flags = VMT_ROW_GROWSDOWN;
	ck_assert_str_eq(label_of(&heap, NULL), "[heap]");
	ck_assert_str_eq(label_of(&grow, NULL), "[stack]");
	grow.row_flags = VMT_ROW_STACK_GROWTH;	/* only growth faults seen */
	ck_assert_str_eq(label_of(&stack, NULL), "[stack]");
	ck_assert_str_eq(label_of(&grow, NULL), "[stack]");
	ck_assert_str_eq(label_of(&vdso, NULL), "[vdso]");
	ck_assert_str_eq(label_of(&vvar, NULL), "[vvar]");
}
END_TEST

START_TEST(libraries_threads_anon)
{
	struct vma lib = make_vma(0x7f0000000000, 0x7f0000004000, "rw-p",
				  "/usr/lib/libc.so.6", 55);
	struct vma lbss = make_vma(0x7f0000004000, 0x7f0000008000, "rw-p", NULL, 0);
	struct vma tstack = make_vma(0x7f0000200000, 0x7f0000a00000, "rw-p", NULL, 0);
	struct vma anon = make_vma(0x7f0000a00000, 0x7f0000b00000, "rw-p", NULL, 0);
	struct vma shared = make_vma(0x7f0000b00000, 0x7f0000c00000, "rw-s", NULL, 0);

	tstack.stack_tid = 4321;
	ck_assert_str_eq(label_of(&lib, NULL), "/usr/lib/libc.so.6");
	ck_assert_str_eq(label_of(&lbss, &lib), "[bss:libc.so.6]");
	ck_assert_str_eq(label_of(&tstack, &lbss), "[stack:4321]");
	ck_assert_str_eq(label_of(&anon, &tstack), "[anon]");
	ck_assert_str_eq(label_of(&shared, &anon), "[anon:shared]");
}
END_TEST

START_TEST(pseudo_rows_and_kernel_names)
{
	struct vma novma = make_vma(0, 0, "---p", NULL, 0);
	struct vma named = make_vma(0x7f0000c00000, 0x7f0000c01000, "rw-p", NULL, 0);

	novma.row_flags = VMT_ROW_NOVMA;
	ck_assert_str_eq(label_of(&novma, NULL), "[no vma]");
	novma.row_flags = VMT_ROW_UNRESOLVED;
	ck_assert_str_eq(label_of(&novma, NULL), "[unresolved]");
	named.kernel_name = "[anon:jit]";
	ck_assert_str_eq(label_of(&named, NULL), "[anon:jit]");
}
END_TEST

START_TEST(perms)
{
	char p[5];

	perms_from_flags(0x1 | 0x4, p);
	ck_assert_str_eq(p, "r-xp");
	perms_from_flags(0x1 | 0x2 | 0x80, p);
	ck_assert_str_eq(p, "rw-s");
}
END_TEST

static struct vmt_row make_row(uint64_t start, uint64_t end, uint64_t faults)
{
	struct vmt_row row = { .start = start, .end = end, .vm_flags = 0x3 };

	row.counters[VMT_C_FAULTS] = faults;
	row.counters[VMT_C_WRITE] = faults;
	return row;
}

START_TEST(snapshot_completes_and_unmaps)
{
	struct address_space as;
	struct vmt_row kept = make_row(0x10000, 0x20000, 5);
	struct vmt_row gone = make_row(0x30000, 0x40000, 7);
	struct maps_entry e[2] = {
		{ .start = 0x10000, .end = 0x28000, .perms = "rw-p" },
		{ .start = 0x50000, .end = 0x51000, .perms = "r--p", .path = "[vvar]" },
	};

	aspace_init(&as, 1);
	ck_assert_int_eq(aspace_add_row(&as, 1, &kept, NULL), 0);
	ck_assert_int_eq(aspace_add_row(&as, 2, &gone, NULL), 0);
	ck_assert_int_eq(aspace_apply_maps(&as, e, 2, true), 0);
	aspace_finish(&as, SORT_ADDR, true);
	ck_assert_uint_eq(as.nr, 3);
	ck_assert_uint_eq(as.vmas[0].end, 0x28000);	/* extent from maps */
	ck_assert(!as.vmas[0].unmapped);
	ck_assert(as.vmas[1].unmapped);			/* missing from a final snapshot */
	ck_assert(!as.vmas[2].faulted);
	ck_assert_str_eq(as.vmas[2].label, "[vvar]");
	ck_assert_uint_eq(as.totals[VMT_C_FAULTS], 12);
	aspace_free(&as);
}
END_TEST

/*
 * A snapshot merged line by line without keep_unfaulted: rows are found by
 * object and anchor (a stack's end), and of the VMAs that did not fault only
 * a writable file mapping is kept, the one that names the bss after it.
 */
START_TEST(snapshot_merge_keeps_what_labels_need)
{
	struct address_space as;
	struct vmt_row bss = make_row(0x21000, 0x22000, 2);
	struct vmt_row stack = make_row(0x7ffd00000000, 0x7ffd00021000, 4);
	struct maps_entry e[] = {
		{ .start = 0x10000, .end = 0x11000, .perms = "rw-p" },	/* anonymous */
		{ .start = 0x20000, .end = 0x21000, .perms = "rw-p", .ino = 7,
		  .dev_major = 8, .path = "/usr/lib/libz.so" },
		{ .start = 0x21000, .end = 0x22000, .perms = "rw-p" },
		{ .start = 0x7ffcfff00000, .end = 0x7ffd00021000, .perms = "rw-p",
		  .path = "[stack]" },
	};
	struct maps_merge m;

	stack.flags = VMT_ROW_GROWSDOWN;
	aspace_init(&as, 1);
	ck_assert_int_eq(aspace_add_row(&as, 1, &bss, NULL), 0);
	ck_assert_int_eq(aspace_add_row(&as, 2, &stack, NULL), 0);
	ck_assert_int_eq(maps_merge_begin(&m, &as, true, false), 0);
	for (size_t i = 0; i < sizeof(e) / sizeof(*e); i++)
		ck_assert_int_eq(maps_merge_line(&m, &e[i]), 0);
	maps_merge_end(&m);
	ck_assert_uint_eq(as.nr, 3);		/* the anonymous VMA was not kept */
	ck_assert_uint_eq(as.vmas[1].start, 0x7ffcfff00000);	/* by its end */
	ck_assert(!as.vmas[1].unmapped && !as.vmas[0].unmapped);
	aspace_finish(&as, SORT_ADDR, false);
	ck_assert_uint_eq(as.nr, 2);
	/* no ELF at that path says the anonymous VMA is its bss: adjacency is not enough */
	ck_assert_str_eq(as.vmas[0].label, "[anon]");
	aspace_free(&as);
}
END_TEST

/* A one-segment ELF file: a writable PT_LOAD of 0x800 file bytes, 0x5000 in memory. */
static void write_elf(const char *path)
{
	Elf64_Ehdr eh = { .e_type = ET_DYN, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			  .e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr),
			  .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1 };
	Elf64_Phdr ph = { .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x1000,
			  .p_vaddr = 0x401000, .p_filesz = 0x800, .p_memsz = 0x5000 };
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	ck_assert_uint_eq(fwrite(&eh, sizeof(eh), 1, f), 1);
	ck_assert_uint_eq(fwrite(&ph, sizeof(ph), 1, f), 1);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * A library's bss is the anonymous VMA its ELF says it is: right after the
 * writable segment's file part and within p_memsz (here 4 pages). A larger
 * anonymous mapping that happens to land there is not its bss, nor is
 * anything after a file that was replaced since (another inode).
 */
START_TEST(bss_from_the_elf_file)
{
	char path[] = "/tmp/vmt-elf-XXXXXX";
	int fd = mkstemp(path);
	struct stat st;
	const uint64_t s = 0x7f0000000000ULL;
	struct vmt_row data = make_row(s, s + 0x1000, 1);
	struct vmt_row bss = make_row(s + 0x1000, s + 0x5000, 2);
	struct vmt_row big = make_row(s + 0x1000, s + 0x9000, 3);
	struct address_space as;

	ck_assert_int_ge(fd, 0);
	close(fd);
	write_elf(path);
	ck_assert_int_eq(stat(path, &st), 0);
	data.ino = st.st_ino;
	data.dev = major(st.st_dev) << 20 | minor(st.st_dev);
	data.pgoff = 1;		/* maps file offset 0x1000: the segment's page */
	for (int round = 0; round < 3; round++) {
		aspace_init(&as, 1);
		aspace_add_row(&as, 1, &data, path);
		aspace_add_row(&as, 2, round == 1 ? &big : &bss, NULL);
		aspace_finish(&as, SORT_ADDR, false);
		ck_assert_uint_eq(as.nr, 2);
		if (round == 0)
			ck_assert_msg(!strncmp(as.vmas[1].label, "[bss:vmt-elf-", 13),
				      "label %s", as.vmas[1].label);
		else
			ck_assert_str_eq(as.vmas[1].label, "[anon]");
		aspace_free(&as);
		if (round == 1)
			data.ino++;	/* the file at the path is not the one mapped */
	}
	unlink(path);
}
END_TEST

/*
 * The ELF cache finds each file again among thousands, without a scan of
 * them all (which made a report quadratic in its libraries: 9 s of 100,000
 * rows, tests/bench/reportbench.c): every file read once, the answer the same.
 */
START_TEST(elf_cache_of_many_files)
{
	char path[] = "/tmp/vmt-elf-XXXXXX";
	const uint64_t s = 0x7f0000000000ULL;
	struct vma lib = make_vma(s, s + 0x1000, "rw-p", path, 0);
	struct vma bss = make_vma(s + 0x1000, s + 0x5000, "rw-p", NULL, 0);
	struct elf_cache cache = { 0 };
	struct stat st;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	write_elf(path);
	ck_assert_int_eq(stat(path, &st), 0);
	lib.offset = 0x1000;
	for (int round = 0; round < 2; round++) {
		for (uint64_t ino = 1; ino <= 5000; ino++) {
			struct vma other = make_vma(s, s + 0x1000, "rw-p", "/nonexistent", ino);

			ck_assert(!elf_is_bss(&cache, &other, &bss));
		}
		lib.ino = st.st_ino;
		lib.dev = major(st.st_dev) << 20 | minor(st.st_dev);
		ck_assert(elf_is_bss(&cache, &lib, &bss));
		ck_assert_uint_eq(cache.nr, 5001);
	}
	elf_cache_free(&cache);
	unlink(path);
}
END_TEST

/*
 * A row whose VMA merged into a lower one is history: it keeps the extent its
 * counts were taken under (never folded into the survivor, whose extent or
 * slot may have changed since); stack growth faults fold into the stack.
 */
START_TEST(merged_rows_stay_and_stack_growth_folds)
{
	struct address_space as;
	struct vmt_row big = make_row(0x10000, 0x30000, 10);
	struct vmt_row merged = make_row(0x20000, 0x30000, 3);
	struct vmt_row stack = make_row(0x7ffd00000000, 0x7ffd00021000, 4);
	struct vmt_row growth = make_row(0, 0, 6);

	merged.flags = VMT_ROW_MERGED | VMT_ROW_SEALED;
	merged.merged_into = 1;
	stack.flags = VMT_ROW_GROWSDOWN;
	growth.flags = VMT_ROW_STACK_GROWTH;
	aspace_init(&as, 1);
	aspace_add_row(&as, 1, &big, NULL);
	aspace_add_row(&as, 2, &merged, NULL);
	aspace_add_row(&as, 3, &stack, NULL);
	aspace_add_row(&as, 4, &growth, NULL);
	as.mm = mm;
	aspace_finish(&as, SORT_ADDR, false);
	ck_assert_uint_eq(as.nr, 3);
	ck_assert_uint_eq(as.vmas[0].counters[VMT_C_FAULTS], 10);
	ck_assert_uint_eq(as.vmas[1].start, 0x20000);	/* its own extent */
	ck_assert_uint_eq(as.vmas[1].end, 0x30000);
	ck_assert(as.vmas[1].changed && !as.vmas[1].unmapped);
	ck_assert_uint_eq(as.vmas[1].counters[VMT_C_FAULTS], 3);
	ck_assert_uint_eq(as.vmas[2].counters[VMT_C_FAULTS], 4 + 6);
	ck_assert_str_eq(as.vmas[2].label, "[stack]");
	ck_assert_uint_eq(as.totals[VMT_C_FAULTS], 23);	/* nothing lost */
	aspace_free(&as);
}
END_TEST

START_TEST(deferred_pages_find_their_row)
{
	struct address_space as;
	struct vmt_row old = make_row(0x10000, 0x20000, 1);
	struct vmt_row newer = make_row(0x10000, 0x20000, 2);
	__u64 counters[VMT_NR_COUNTERS] = { [VMT_C_FAULTS] = 5, [VMT_C_WRITE] = 5 };

	old.flags = VMT_ROW_UNMAPPED;
	old.serial = 7;		/* serials order rows in time, whatever their slots */
	newer.serial = 8;
	aspace_init(&as, 1);
	aspace_add_row(&as, 9, &old, NULL);
	aspace_add_row(&as, 3, &newer, NULL);
	ck_assert_int_eq(aspace_add_deferred(&as, 0x11000, counters), 0);
	ck_assert_int_eq(aspace_add_deferred(&as, 0x90000, counters), 0);
	aspace_finish(&as, SORT_ADDR, false);
	ck_assert_uint_eq(as.vmas[as.nr - 1].counters[VMT_C_FAULTS], 2 + 5); /* newest row */
	ck_assert_str_eq(as.vmas[0].label, "[unresolved]");	/* no row has it */
	ck_assert_uint_eq(as.vmas[0].counters[VMT_C_FAULTS], 5);
	ck_assert_uint_eq(as.totals[VMT_C_FAULTS], 1 + 2 + 10);
	aspace_free(&as);
}
END_TEST

Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *labels = tcase_create("labels"), *rows = tcase_create("rows");

	tcase_add_test(labels, exe_segments);
	tcase_add_test(labels, heap_stack_vdso);
	tcase_add_test(labels, libraries_threads_anon);
	tcase_add_test(labels, pseudo_rows_and_kernel_names);
	tcase_add_test(labels, perms);
	tcase_add_test(rows, snapshot_completes_and_unmaps);
	tcase_add_test(rows, snapshot_merge_keeps_what_labels_need);
	tcase_add_test(rows, merged_rows_stay_and_stack_growth_folds);
	tcase_add_test(rows, bss_from_the_elf_file);
	tcase_add_test(rows, elf_cache_of_many_files);
	tcase_add_test(rows, deferred_pages_find_their_row);
	suite_add_tcase(s, labels);
	suite_add_tcase(s, rows);
	return s;
}
