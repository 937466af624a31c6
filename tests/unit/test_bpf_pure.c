// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF side's pure functions (bpf/pure.bpf.h), compiled for the host and
 * checked against the kernel's definitions: x86's access_error() and error
 * code bits, the system call table, madvise() advice, the maple tree's pivot
 * search (mtree_range_walk()), and the row identities of rows.bpf.h.
 */
#include <check.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "pure.bpf.h"
#include "suites.h"

/* arch/x86/mm/fault.c access_error(): the cases its comments name */
START_TEST(access_error_as_the_kernel)
{
	const __u64 r = VM_READ, rw = VM_READ | VM_WRITE, x = VM_READ | VM_EXEC;

	/* read, not present: refused only where the VMA allows no access */
	ck_assert(!access_error(X86_PF_USER, r));
	ck_assert(access_error(X86_PF_USER, 0));	/* PROT_NONE */
	/* write, present or not: the VMA must be writable */
	ck_assert(!access_error(X86_PF_USER | X86_PF_WRITE, rw));
	ck_assert(!access_error(X86_PF_USER | X86_PF_WRITE | X86_PF_PROT, rw)); /* COW */
	ck_assert(access_error(X86_PF_USER | X86_PF_WRITE, r));
	ck_assert(access_error(X86_PF_USER | X86_PF_WRITE | X86_PF_PROT, x));
	/* read, present: only protection keys or NX refuse it */
	ck_assert(access_error(X86_PF_USER | X86_PF_PROT, rw));
	/* an instruction fetch, not present: any access flag lets it through */
	ck_assert(!access_error(X86_PF_USER | X86_PF_INSTR, x));
	/* pkeys and SGX refuse whatever the VMA allows; so does a shadow stack here */
	ck_assert(access_error(X86_PF_USER | X86_PF_PK, rw));
	ck_assert(access_error(X86_PF_USER | X86_PF_SGX, rw));
	ck_assert(access_error(X86_PF_USER | X86_PF_SHSTK | X86_PF_WRITE, rw));
}
END_TEST

START_TEST(error_code_bits)
{
	/* arch/x86/include/asm/trap_pf.h */
	ck_assert_uint_eq(X86_PF_PROT, 1);
	ck_assert_uint_eq(X86_PF_WRITE, 2);
	ck_assert_uint_eq(X86_PF_USER, 4);
	ck_assert_uint_eq(X86_PF_INSTR, 16);
	ck_assert_uint_eq(X86_PF_PK, 32);
	ck_assert_uint_eq(X86_PF_SHSTK, 64);
	ck_assert_uint_eq(X86_PF_SGX, 1 << 15);
	ck_assert_int_eq(access_of(X86_PF_USER), ACC_READ);
	ck_assert_int_eq(access_of(X86_PF_WRITE | X86_PF_PROT), ACC_WRITE);
	ck_assert_int_eq(access_of(X86_PF_INSTR | X86_PF_PROT), ACC_EXEC);
	ck_assert(wp_fault(X86_PF_USER | X86_PF_WRITE | X86_PF_PROT));
	ck_assert(!wp_fault(X86_PF_USER | X86_PF_WRITE));
	ck_assert(!wp_fault(X86_PF_USER | X86_PF_PROT));
}
END_TEST

#ifdef __x86_64__
/* arch/x86/entry/syscalls/syscall_64.tbl, as this machine's headers have it */
START_TEST(syscall_numbers_are_the_kernels)
{
	static const struct { long ours, kernel; } nr[] = {
		{ NR_read, SYS_read }, { NR_write, SYS_write }, { NR_mmap, SYS_mmap },
		{ NR_mprotect, SYS_mprotect }, { NR_munmap, SYS_munmap }, { NR_brk, SYS_brk },
		{ NR_pread64, SYS_pread64 }, { NR_pwrite64, SYS_pwrite64 },
		{ NR_readv, SYS_readv }, { NR_writev, SYS_writev }, { NR_mremap, SYS_mremap },
		{ NR_madvise, SYS_madvise }, { NR_shmat, SYS_shmat },
		{ NR_sendfile, SYS_sendfile }, { NR_execve, SYS_execve },
		{ NR_shmdt, SYS_shmdt }, { NR_mlock, SYS_mlock }, { NR_munlock, SYS_munlock },
		{ NR_mlockall, SYS_mlockall }, { NR_munlockall, SYS_munlockall },
		{ NR_remap_file_pages, SYS_remap_file_pages }, { NR_splice, SYS_splice },
		{ NR_preadv, SYS_preadv }, { NR_pwritev, SYS_pwritev },
		{ NR_execveat, SYS_execveat }, { NR_mlock2, SYS_mlock2 },
		{ NR_copy_file_range, SYS_copy_file_range }, { NR_preadv2, SYS_preadv2 },
		{ NR_pwritev2, SYS_pwritev2 }, { NR_pkey_mprotect, SYS_pkey_mprotect },
#ifdef SYS_mseal
		{ NR_mseal, SYS_mseal },
#endif
	};

	for (size_t i = 0; i < sizeof(nr) / sizeof(*nr); i++)
		ck_assert_msg(nr[i].ours == nr[i].kernel, "entry %zu: %ld, the kernel's %ld",
			      i, nr[i].ours, nr[i].kernel);
}
END_TEST
#endif

START_TEST(vma_calls)
{
	bool range;

	ck_assert_int_eq(vma_call_of(NR_mmap, &range), VMT_SC_MMAP);
	ck_assert_int_eq(vma_call_of(NR_munmap, &range), VMT_SC_MUNMAP);
	ck_assert_int_eq(vma_call_of(NR_mprotect, &range), VMT_SC_MPROTECT);
	ck_assert_int_eq(vma_call_of(NR_brk, &range), VMT_SC_BRK);
	ck_assert_int_eq(vma_call_of(NR_mremap, &range), VMT_SC_MREMAP);
	ck_assert_int_eq(vma_call_of(NR_madvise, &range), VMT_SC_MADVISE);
	ck_assert_int_eq(vma_call_of(NR_mlock, &range), VMT_SC_OTHER);
	ck_assert(range);	/* mlock(addr, len) */
	ck_assert_int_eq(vma_call_of(NR_shmat, &range), VMT_SC_OTHER);
	ck_assert(!range);
	ck_assert_int_eq(vma_call_of(NR_munlockall, &range), VMT_SC_OTHER);
	ck_assert(!range);
	ck_assert_int_eq(vma_call_of(NR_read, &range), -1);
	ck_assert_int_eq(vma_call_of(NR_execve, &range), -1);
}
END_TEST

/* include/uapi/asm-generic/mman-common.h, as <sys/mman.h> has it */
START_TEST(advice_that_keeps_vmas)
{
	ck_assert(advice_keeps_vmas(MADV_WILLNEED));
	ck_assert(advice_keeps_vmas(MADV_DONTNEED));
	ck_assert(advice_keeps_vmas(MADV_FREE));
	ck_assert(advice_keeps_vmas(MADV_REMOVE));
#ifdef MADV_COLD
	ck_assert(advice_keeps_vmas(MADV_COLD));
	ck_assert(advice_keeps_vmas(MADV_PAGEOUT));
#endif
#ifdef MADV_POPULATE_READ
	ck_assert(advice_keeps_vmas(MADV_POPULATE_READ));
	ck_assert(advice_keeps_vmas(MADV_POPULATE_WRITE));
#endif
	/* advice that sets VMA flags may split or merge VMAs */
	ck_assert(!advice_keeps_vmas(MADV_NORMAL));
	ck_assert(!advice_keeps_vmas(MADV_RANDOM));
	ck_assert(!advice_keeps_vmas(MADV_SEQUENTIAL));
	ck_assert(!advice_keeps_vmas(MADV_DONTFORK));
	ck_assert(!advice_keeps_vmas(MADV_HUGEPAGE));
	ck_assert(!advice_keeps_vmas(MADV_MERGEABLE));
}
END_TEST

START_TEST(io_calls)
{
	int fd_arg = -1;

	ck_assert_int_eq(io_call_of(NR_read, &fd_arg), IO_READ);
	ck_assert_int_eq(fd_arg, 0);
	ck_assert_int_eq(io_call_of(NR_sendfile, &fd_arg), IO_READ);
	ck_assert_int_eq(fd_arg, 1);	/* sendfile(out_fd, in_fd, ...) reads in_fd */
	ck_assert_int_eq(io_call_of(NR_preadv2, &fd_arg), IO_READ);
	ck_assert_int_eq(fd_arg, 0);
	ck_assert_int_eq(io_call_of(NR_pwritev2, &fd_arg), IO_WRITE);
	ck_assert_int_eq(io_call_of(NR_mmap, &fd_arg), IO_NONE);
}
END_TEST

START_TEST(errors_are_the_last_page)
{
	ck_assert(is_err(-1));
	ck_assert(is_err(-MAX_ERRNO));
	ck_assert(!is_err(-MAX_ERRNO - 1));
	ck_assert(!is_err(0));
	ck_assert(!is_err(0x7f0000000000L));	/* an address mmap returned */
}
END_TEST

START_TEST(log2_is_floor)
{
	ck_assert_uint_eq(log2_u64(0), 0);
	ck_assert_uint_eq(log2_u64(1), 0);
	ck_assert_uint_eq(log2_u64(UINT64_MAX), 63);
	for (int b = 1; b < 64; b++) {
		__u64 v = 1ULL << b;

		ck_assert_uint_eq(log2_u64(v), b);
		ck_assert_uint_eq(log2_u64(v - 1), b - 1);
		ck_assert_uint_eq(log2_u64(v + 1), b);
	}
	ck_assert_int_eq(latency_kind(true, true, true, true), VMT_LAT_ERROR);
	ck_assert_int_eq(latency_kind(false, true, true, true), VMT_LAT_WP);
	ck_assert_int_eq(latency_kind(false, false, true, true), VMT_LAT_FILE_MAJOR);
	ck_assert_int_eq(latency_kind(false, false, true, false), VMT_LAT_ANON_MAJOR);
	ck_assert_int_eq(latency_kind(false, false, false, true), VMT_LAT_FILE_MINOR);
	ck_assert_int_eq(latency_kind(false, false, false, false), VMT_LAT_ANON_MINOR);
}
END_TEST

/*
 * mtree_range_walk(): the first pivot >= the address picks the slot; a 0 pivot
 * past the first ends the node's data, whose last slot reaches the node's max.
 */
START_TEST(maple_pivot_search)
{
	struct maple_copy n = { 0 };
	const unsigned int piv = 3;	/* pivots start at word 3 of the copy */

	n.w[piv + 0] = 0x0fff;
	n.w[piv + 1] = 0x1fff;
	n.w[piv + 2] = 0x2fff;
	ck_assert_uint_eq(maple_offset(&n, piv, 15, 0), 0);
	ck_assert_uint_eq(maple_offset(&n, piv, 15, 0x0fff), 0);	/* inclusive */
	ck_assert_uint_eq(maple_offset(&n, piv, 15, 0x1000), 1);
	ck_assert_uint_eq(maple_offset(&n, piv, 15, 0x2fff), 2);
	ck_assert_uint_eq(maple_offset(&n, piv, 15, 0x3000), 3);	/* past the data */
	for (unsigned int i = 0; i < 15; i++)
		n.w[piv + i] = (i + 1) * 0x1000 - 1;
	ck_assert_uint_eq(maple_offset(&n, piv, 15, 0x10000), 15);	/* a full range node */
	ck_assert_uint_eq(maple_offset(&n, piv, 9, 0x10000), 9);	/* arange: 9 pivots */
	ck_assert_uint_eq(maple_offset(&n, piv, 9, 0x5800), 5);
	/* the copy is indexed modulo its 32 words */
	ck_assert_uint_eq(maple_offset(&n, piv + MAPLE_NODE_WORDS, 15, 0x1000), 1);
}
END_TEST

START_TEST(row_identity)
{
	struct vmt_row row = { .start = 0x10000, .end = 0x20000, .vm_flags = VM_READ,
			       .ino = 7, .dev = 3, .pgoff = 4 };
	struct vma_info v = { .start = 0x10000, .end = 0x20000, .vm_flags = VM_READ,
			      .ino = 7, .dev = 3, .pgoff = 4 };
	struct vmt_dead_key k;

	ck_assert(row_holds(&row, &v));
	v.end = 0x30000;			/* grown */
	ck_assert(row_holds(&row, &v));
	v.end = 0x18000;			/* cut */
	ck_assert(!row_holds(&row, &v));
	v.end = 0x20000;
	v.vm_flags = VM_READ | VM_WRITE;	/* re-protected */
	ck_assert(!row_holds(&row, &v));
	v.vm_flags = VM_READ | 0x2000;		/* other flags than the perms: same row */
	ck_assert(row_holds(&row, &v));
	v.pgoff = 5;				/* another part of the file */
	ck_assert(!row_holds(&row, &v));
	v.vm_flags |= VM_GROWSDOWN;		/* anchored at its end: offsets move */
	ck_assert(row_holds(&row, &v));
	v.ino = 8;
	ck_assert(!row_holds(&row, &v));

	row.flags = VMT_ROW_UNMAPPED | VMT_ROW_STACK | VMT_ROW_FOLDED;
	row.vm_flags = VM_READ | VM_WRITE | 0x2000;
	row.tgid = 42;
	row.image_gen = 9;
	row.ino = row.dev = 0;		/* anonymous memory: by size class */
	row.end = row.start + 0x11000;
	dead_key_of(&row, false, &k);
	ck_assert_uint_eq(k.tgid, 42);
	ck_assert_uint_eq(k.size, 0x20000);	/* 68 KiB rounds up to 128 KiB */
	ck_assert_uint_eq(k.start, 0);		/* unmapped rows fold by size */
	ck_assert_uint_eq(k.image_gen, 9);
	ck_assert_uint_eq(k.kind, (VM_READ | VM_WRITE) |
			  (__u64)(VMT_ROW_UNMAPPED | VMT_ROW_STACK) << 8);
	row.end = row.start + 0x20000;		/* a power of two is its own class */
	dead_key_of(&row, false, &k);
	ck_assert_uint_eq(k.size, 0x20000);
	row.flags = VMT_ROW_SEALED;
	dead_key_of(&row, false, &k);
	ck_assert_uint_eq(k.start, 0);		/* anonymous: never by place */
	dead_key_of(&row, true, &k);		/* the heap: exact, and by place */
	ck_assert_uint_eq(k.start, row.start);
	ck_assert_uint_eq(k.size, 0x20000);
	ck_assert(k.kind >> 32);
	row.ino = 7;				/* a file: exact size, sealed by place */
	row.end = row.start + 0x11000;
	dead_key_of(&row, false, &k);
	ck_assert_uint_eq(k.size, 0x11000);
	ck_assert_uint_eq(k.start, row.start);
}
END_TEST

Suite *bpf_pure_suite(void)
{
	Suite *s = suite_create("bpf_pure");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, access_error_as_the_kernel);
	tcase_add_test(tc, error_code_bits);
#ifdef __x86_64__
	tcase_add_test(tc, syscall_numbers_are_the_kernels);
#endif
	tcase_add_test(tc, vma_calls);
	tcase_add_test(tc, advice_that_keeps_vmas);
	tcase_add_test(tc, io_calls);
	tcase_add_test(tc, errors_are_the_last_page);
	tcase_add_test(tc, log2_is_floor);
	tcase_add_test(tc, maple_pivot_search);
	tcase_add_test(tc, row_identity);
	suite_add_tcase(s, tc);
	return s;
}
