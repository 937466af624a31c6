/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI shared by the BPF programs (bpf/) and the loader (src/): map keys,
 * map values and limits. Fixed-width types only, no kernel headers, so the
 * same layout is seen by clang -target bpf and by the host compiler.
 */
#ifndef VMTRACE_H
#define VMTRACE_H

#ifndef __VMLINUX_H__	/* user space; BPF gets these from vmlinux.h */
#include <linux/types.h>
#endif

#define VMT_PATH_MAX		256	/* longest file path kept for a mapping */
#define VMT_PATH_BUF		(2 * VMT_PATH_MAX) /* room the BPF writer may touch */
#define VMT_PATH_DEPTH		32	/* dentries walked up (a power of two) */
#define VMT_DEFAULT_MAX_ROWS	16384	/* VMAs, all traced processes together */
#define VMT_DEFAULT_MAX_FILES	4096
#define VMT_MAX_READINS		8192	/* (process, file) pairs with read-ins */
#define VMT_MAX_PROCS		1024
#define VMT_MAX_DEFERRED	8192	/* pages whose VMA lookup was busy */
#define VMT_DEFERRED_SLOT	0xffffffffU /* not a row: counted in deferred */

/*
 * Row 0 of the rows array is the overflow row: when the array is full a fault
 * is still counted there (and in drops) so totals never lose anything.
 *
 * A row is one VMA as it was while it faulted: its extent, permissions, file
 * and offset. When the VMA is cut, moved, re-protected or unmapped, the row is
 * retired with the extent its counts were taken under, and folded into the
 * row of its identity (see struct vmt_dead_key): rows of dead VMAs with the
 * same identity become one row of nr_vmas VMAs, and the freed slots are reused.
 * Live rows plus one row per dead identity is all the rows array holds.
 */
#define VMT_OVERFLOW_SLOT	0

/* Pseudo anchors: rows for faults that hit no VMA or could not be resolved. */
#define VMT_ANCHOR_NOVMA	0ULL
#define VMT_ANCHOR_UNRESOLVED	1ULL
#define VMT_ANCHOR_STACK_GROWTH	2ULL

/*
 * Per-VMA counters; faults = minor + major + errors. BPF leaves FAULTS at 0:
 * it is READ + WRITE + EXEC (every fault is exactly one of them), filled in
 * by vmt_derive_faults() wherever user space reads a row.
 */
enum vmt_counter {
	VMT_C_FAULTS,	/* every fault the fault tracepoints saw */
	VMT_C_MAJOR,	/* the kernel accounted it as major */
	VMT_C_READ,
	VMT_C_WRITE,
	VMT_C_EXEC,	/* instruction fetch */
	VMT_C_WP,	/* write to a present, write-protected page: do_wp_page */
	VMT_C_ERRORS,	/* ended in SIGSEGV/SIGBUS or -EFAULT: not a minor fault */
	VMT_C_KERNEL,	/* taken in kernel mode on a user address (copy_to_user) */
	VMT_C_COW,	/* wp faults that copied the page (wp_page_copy): fentry/kprobe */
	VMT_C_READIN,	/* file read-ins started by faults (read_folio, read_pages) */
	VMT_C_SIGBUS,	/* errors that were SIGBUS (past a file's end, hwpoison) */
	VMT_C_OOM,	/* errors that were VM_FAULT_OOM: fentry/kprobe */
	VMT_C_LATENCY_NS, /* handle_mm_fault entry to final exit, summed: fentry/kprobe */
	VMT_NR_COUNTERS,
};

/*
 * Fault latency histograms: per process and kind, log2 buckets of
 * microseconds as bcc prints them (slot 0: 0-1 us, slot i: 2^i to 2^(i+1)-1).
 */
#define VMT_LAT_SLOTS		32
enum vmt_lat_kind {
	VMT_LAT_ANON_MINOR,
	VMT_LAT_FILE_MINOR,
	VMT_LAT_FILE_MAJOR,
	VMT_LAT_ANON_MAJOR,	/* swap-in */
	VMT_LAT_WP,		/* write to a present, write-protected page */
	VMT_LAT_ERROR,
	VMT_NR_LAT_KINDS,
};

/* Address heatmap: a VMA's extent in this many equal offset buckets. */
#define VMT_HEAT_BUCKETS	32

/* Why pages of a file were read into the page cache for a process. */
enum vmt_readin {
	VMT_RI_FAULT,		/* during one of its page faults */
	VMT_RI_READ,		/* during read(2) and friends */
	VMT_RI_OTHER,		/* anything else: fadvise/madvise WILLNEED, ... */
	VMT_NR_READIN,
};

/*
 * --code: faults per (process, row, user instruction), bpf/code.bpf.h. The
 * row is known by its serial, not its slot (a slot is reused after a fold);
 * serial 0: a fault on a deferred page, whose row is not known yet. For a
 * fault taken in kernel mode (a system call copying to user memory) the IP is
 * the user one at the call's entry.
 */
#define VMT_MAX_CODE		16384	/* (row, IP) pairs; more are counted in code_drops */

struct vmt_code_key {
	__u32 tgid;
	__u32 pad;
	__u64 serial;
	__u64 ip;
};

enum vmt_code_counter {
	VMT_CC_FAULTS,
	VMT_CC_MAJOR,
	VMT_CC_WP,
	VMT_CC_COW,		/* fentry/kprobe only */
	VMT_CC_KERNEL,		/* taken in kernel mode: IP at the system call's entry */
	VMT_NR_CC,
};

struct vmt_code {
	__u64 c[VMT_NR_CC];
};

/*
 * --stacks: faults per (process, row, user stack), bpf/stacks.bpf.h. The key
 * holds the stack itself, not a stack map's id: a stack map's buckets collide
 * (a second stack in a taken bucket is refused), and a refusal would lose
 * faults a test knows exactly. The counters are those of --code.
 */
#define VMT_STACK_DEPTH		64	/* frames kept, innermost first */
#define VMT_MAX_STACKS		8192	/* distinct keys; more are counted in stack_drops */

struct vmt_stack_key {
	__u32 tgid;
	__u32 nr;		/* frames in ips; 0: no user stack could be read */
	__u64 serial;		/* the row's, as in vmt_code_key */
	__u64 ips[VMT_STACK_DEPTH];
};

/* How faults are seen; chosen at run time from what the kernel allows. */
enum vmt_backend {
	VMT_BACKEND_TRACEPOINT,	/* exceptions:page_fault_* + perf major event */
	VMT_BACKEND_FENTRY,	/* fentry/fexit on handle_mm_fault and helpers */
	VMT_BACKEND_KPROBE,	/* kprobe/kretprobe on the same functions */
	VMT_NR_BACKENDS,
};

enum vmt_row_flag {
	VMT_ROW_UNMAPPED	= 1 << 0, /* munmap/mremap/MAP_FIXED removed it */
	VMT_ROW_GROWSDOWN	= 1 << 1, /* anchored at its end: a growing stack */
	VMT_ROW_NOVMA		= 1 << 2, /* pseudo row: faults on no VMA */
	VMT_ROW_UNRESOLVED	= 1 << 3, /* pseudo row: VMA lookup was busy */
	VMT_ROW_OVERFLOW	= 1 << 4, /* pseudo row: the rows array was full */
	VMT_ROW_STACK_GROWTH	= 1 << 5, /* pseudo row: faults growing the stack */
	VMT_ROW_MERGED		= 1 << 6, /* its VMA merged into row merged_into */
	VMT_ROW_SEALED		= 1 << 7, /* its VMA changed (split, cut, moved, re-protected) */
	VMT_ROW_FOLDED		= 1 << 8, /* the row of a dead identity: nr_vmas VMAs */
	VMT_ROW_FREE		= 1 << 9, /* folded away; its slot is free for reuse */
	VMT_ROW_STACK		= 1 << 10, /* a thread's stack (stack_tid: one of them) */
	VMT_ROW_RETIRING	= 1 << 11, /* one thread claimed its retirement */
};

/* The permission bits of vm_flags that a row is told apart by. */
#define VMT_VM_PERMS		0xfULL	/* VM_READ | VM_WRITE | VM_EXEC | VM_SHARED */

enum vmt_syscall {
	VMT_SC_MMAP,
	VMT_SC_MUNMAP,
	VMT_SC_BRK,
	VMT_SC_MPROTECT,
	VMT_SC_MREMAP,
	VMT_NR_SYSCALLS,
	VMT_SC_OTHER = VMT_NR_SYSCALLS, /* changes VMAs, not counted */
	VMT_SC_MADVISE,		/* changes VMAs for some advice only */
};

/*
 * A VMA is identified by its process and its anchor (start, or end when it
 * grows down). The deferred map uses the same key with the faulting page.
 */
struct vmt_row_key {
	__u32 tgid;
	__u32 pad;
	__u64 anchor;
};

struct vmt_row {
	__u64 counters[VMT_NR_COUNTERS];
	__u64 start;		/* the VMA's extent at its last lookup */
	__u64 end;
	__u64 vm_flags;
	__u64 pgoff;
	__u64 ino;		/* 0 for anonymous memory */
	__u32 dev;		/* kernel dev_t: major << 20 | minor */
	__u32 tgid;
	__u32 stack_tid;	/* a thread whose stack pointer was in it */
	__u32 flags;		/* enum vmt_row_flag */
	__u64 first_gen;	/* mapping generation when first seen */
	__u64 last_gen;
	__u32 merged_into;	/* with VMT_ROW_MERGED: the surviving row's slot */
	__u32 nr_vmas;		/* VMAs counted in it: 1, or more when FOLDED */
	__u64 serial;		/* unique per row ever made: a slot's reuse changes it */
	__u64 first_ns;		/* bpf_ktime_get_ns() when it was made */
	__u64 sealed_ns;	/* when its (last) VMA changed or went; 0: live */
	__u64 image_gen;	/* its process's image_gen when it was made */
	/* faults by offset in the VMA's extent at the time (with heatmaps) */
	__u32 heat[VMT_HEAT_BUCKETS];
};

/*
 * The identity dead rows are folded by: the process and its program image,
 * the file, the permissions and kind, the size (for anonymous memory its size
 * class: the power of two it rounds up to); and for a sealed file row (its VMA
 * changed but lives on) also where it was, so a library's history stays
 * readable. Unmapped VMAs of one identity fold into one row wherever they were.
 */
struct vmt_dead_key {
	__u32 tgid;
	__u32 dev;
	__u64 ino;
	__u64 size;
	__u64 start;		/* sealed rows only; 0 for unmapped ones */
	__u64 image_gen;	/* the generation at the process's last exec */
	__u64 kind;		/* vm_flags & VMT_VM_PERMS | row flags of its kind */
};

struct vmt_file_key {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};

struct vmt_file {
	char path[VMT_PATH_BUF];
};

/* Page cache read-ins of one file on behalf of one process. */
struct vmt_readin_key {
	__u32 tgid;
	__u32 dev;
	__u64 ino;
};

struct vmt_readin_pages {
	__u64 pages[VMT_NR_READIN];
};

struct vmt_sc_stat {
	__u64 calls;
	__u64 bytes;
};

/* mm_struct boundaries that labels are made from ([text], [heap], ...). */
struct vmt_layout {
	__u64 start_code, end_code, start_data, end_data;
	__u64 start_brk, brk, start_stack, vdso;
	__u64 exe_ino;
	__u32 exe_dev;		/* kernel dev_t: major << 20 | minor */
	__u32 pad;
};

/* A traced process; the loader creates it, BPF fills in what it sees. */
struct vmt_proc {
	__u64 gen;		/* bumped around every call that changes VMAs */
	__u32 active;		/* counting; set at exec for a spawned command */
	__u32 start_on_exec;
	__u64 base_minflt;	/* kernel counters when counting began at exec */
	__u64 base_majflt;
	__u32 exec_seen;
	__u32 pad;
	struct vmt_layout mm;	/* refreshed on VMA lookups and brk */
	/*
	 * Kernel-mode fault events with page faults disabled (an atomic user
	 * access fixed up through the exception table): the kernel never
	 * handles or accounts them, so they are no faults, only counted here.
	 */
	__u64 pf_disabled;
	__u64 image_gen;	/* gen when its last exec began: dead rows fold per image */
	__u64 layout_gen;	/* gen + 1 when mm was last read (0: never) */
	struct vmt_sc_stat sc[VMT_NR_SYSCALLS];
	__u64 latency[VMT_NR_LAT_KINDS][VMT_LAT_SLOTS];	/* faults per bucket */
};

/* Counters of what BPF could not do, in the object's .bss. */
struct vmt_drops {
	__u64 rows;		/* faults counted in the overflow row */
	__u64 files;		/* file paths not stored: files map full */
	__u64 threads;		/* no task storage for a thread */
	__u64 lookups_busy;	/* VMA lookups deferred (-EBUSY): not lost */
	__u64 deferred_full;	/* deferred map full: counted in [unresolved] */
	__u64 readins;		/* read-in pages not counted: readins map full */
	__u64 unfolded;		/* dead rows kept whole: no room for their identity */
	__u64 sc_lookups_busy;	/* VMAs a system call's exit could not read (mmap_lock) */
	/*
	 * Filled by user space from the programs' recursion_misses: runs the
	 * kernel skipped because the same program was already running on that
	 * CPU. Under PREEMPT_RT a BPF program can be preempted, so another
	 * task's fault on that CPU goes unseen while it waits.
	 */
	__u64 missed;
};

/* What row reclaim did (vmtrace -v prints it). */
struct vmt_reclaim {
	__u64 sealed;		/* rows retired because their VMA changed */
	__u64 unmapped;		/* rows retired because their VMA went */
	__u64 folded;		/* retired rows folded into their identity's row */
	__u64 reused;		/* slots taken from the free queue */
	__u64 residue;		/* counts that arrived after a fold, moved on reuse */
	__u64 stale;		/* faults whose row's slot was reused meanwhile: [unresolved] */
	__u64 unlisted;		/* --dead-vmas: retired rows the ring had no room for */
};

/*
 * --dead-vmas: one retired row as it was when it retired (its late counts,
 * if any, went to the row it folded into), sent to user space to be listed
 * one by one where the report folds them.
 */
struct vmt_dead_vma {
	__u64 start;
	__u64 end;
	__u64 vm_flags;
	__u64 pgoff;
	__u64 ino;
	__u32 dev;
	__u32 tgid;
	__u32 why;		/* VMT_ROW_SEALED or VMT_ROW_UNMAPPED */
	__u32 row_flags;	/* the row's other flags (GROWSDOWN, STACK) */
	__u64 faults;		/* read + write + exec */
	__u64 major;
	__u64 first_ns;		/* bpf_ktime_get_ns() when its row was made */
	__u64 retired_ns;
};

/* How VMA lookups on a cache miss were answered (vmtrace -v prints them). */
struct vmt_lookups {
	__u64 walk;		/* the maple tree walk */
	__u64 helper;		/* bpf_find_vma(), after the walk found nothing valid */
};

/* ---- following forks and execs (bpf/inherit.bpf.h) ---- */

#define VMT_MAX_IMAGES		4	/* execs told apart per process; later ones share the last */
#define VMT_COMM_LEN		16

/*
 * One program image of a traced process: from its fork (or first exec) to
 * the next exec. An exec replaces the mm, so rows are split by mapping
 * generation: a row belongs to the last image whose first_gen <= its own.
 */
/* What labels an image's rows, and its system calls: saved when an exec begins. */
struct vmt_image_end {
	struct vmt_layout mm;
	struct vmt_sc_stat sc[VMT_NR_SYSCALLS];
};

struct vmt_image {
	__u64 first_gen;
	char comm[VMT_COMM_LEN];
	struct vmt_image_end end;	/* when the next exec began */
};

/* Where a traced process came from and what the kernel counted for it. */
struct vmt_lineage {
	__u32 ppid;
	__u32 nr_images;	/* execs seen + 1; past VMT_MAX_IMAGES they share the last */
	__u32 counted;		/* exit sums cover every thread since the base */
	__u32 exited;		/* its last thread has exited */
	__u64 base_minflt;	/* kernel counters where tracing began (0 at fork) */
	__u64 base_majflt;
	__u64 exit_minflt;	/* its threads' min_flt/maj_flt at their exits, summed */
	__u64 exit_majflt;
	__u64 exec_gen;		/* generation at the last execve() entry */
	__u64 exec_arg_faults;	/* exec's argument copying: no tracepoint sees it */
	struct vmt_image images[VMT_MAX_IMAGES];
};

#ifndef __VMLINUX_H__
/* User space, after reading a row's counters from BPF: see enum vmt_counter. */
static inline void vmt_derive_faults(__u64 *counters)
{
	counters[VMT_C_FAULTS] = counters[VMT_C_READ] + counters[VMT_C_WRITE] +
				 counters[VMT_C_EXEC];
}
#endif

#endif /* VMTRACE_H */
