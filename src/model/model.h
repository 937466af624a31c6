/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The traced process's address space as the report shows it: VMA rows read
 * from the BPF maps, completed by /proc/PID/maps snapshots, labelled the way
 * a person reads an address space.
 */
#ifndef VMT_MODEL_H
#define VMT_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "config.h"
#include "model/procfs.h"
#include "vmtrace.h"

#define LABEL_MAX 96

struct proc_set;

struct vma {
	uint64_t start, end;
	char perms[5];
	uint64_t offset;	/* bytes into the file */
	uint32_t dev;
	uint64_t ino;
	char *path;		/* NULL for anonymous memory */
	char *kernel_name;	/* "[vdso]", "[anon:x]": the kernel's own name */
	char label[LABEL_MAX];
	uint32_t row_flags;	/* enum vmt_row_flag */
	uint32_t stack_tid;
	uint32_t slot;		/* the BPF row; 0 for a VMA that did not fault */
	uint32_t merged_into;	/* with VMT_ROW_MERGED: the surviving slot */
	bool faulted;		/* has a BPF row */
	bool unmapped;		/* its VMA went (munmap, mremap, MAP_FIXED, exec) */
	bool changed;		/* its VMA was cut, moved or re-protected since */
	uint32_t nr_vmas;	/* VMAs of one identity folded into the row (1: one) */
	uint64_t serial;	/* the BPF row's: later rows have higher ones */
	uint64_t growth_serial;	/* the stack growth row folded into it, or 0 */
	uint64_t first_ns, retired_ns;	/* CLOCK_MONOTONIC; retired_ns 0: live */
	uint64_t counters[VMT_NR_COUNTERS];
	uint64_t recent_faults;	/* in the last interval (live view) */
};

/* A file: the faults into all its mappings, and its page cache read-ins. */
struct file_stat {
	uint32_t dev;		/* kernel dev_t */
	uint64_t ino;
	char *path;		/* NULL when never learned */
	uint64_t faults, minor, major, errors;
	uint64_t readin[VMT_NR_READIN];	/* pages, by enum vmt_readin */
	uint64_t recent_faults;
	unsigned int mappings;	/* VMA rows of it that faulted */
};

struct timeline;
struct code_report;
struct stack_report;

struct sc_stat {
	uint64_t calls, bytes;
};

struct address_space {
	pid_t pid;
	char command[512];
	const char *backend;
	const char *unavailable;	/* counters the backend cannot measure */
	double duration_s;
	struct vma *vmas;
	size_t nr, cap;
	struct vmt_layout mm;
	uint64_t totals[VMT_NR_COUNTERS];
	struct sc_stat sc[VMT_NR_SYSCALLS];
	bool kernel_known;	/* the kernel's own counters for the window */
	uint64_t kernel_minflt, kernel_majflt;
	uint64_t pf_disabled;	/* fault events with page faults disabled: no faults */
	struct vmt_drops drops;
	uint64_t drops_total;
	uint64_t forks_unfollowed;	/* children not traced: --no-inherit, or -p alone */
	struct file_stat *files;	/* by faults + read-ins, busiest first */
	size_t nr_files, files_cap;
	bool latency_known;		/* the backend measured latency */
	const char *latency_source;	/* what was timed, for the header */
	uint64_t latency[VMT_NR_LAT_KINDS][VMT_LAT_SLOTS];
	const struct timeline *timeline;	/* heatmaps and rates, or NULL */
	struct proc_set *procs;	/* every traced process, when following (procs.h) */
	unsigned int peers;	/* -p A,B,...: the processes listed after this one */
	struct code_report *code;	/* --code: faulting functions (code.h), or NULL */
	struct stack_report *stacks;	/* --stacks: faulting call chains (stacks.h), or NULL */
	/* --dead-vmas: retired VMAs one by one (the tracer's: not freed here) */
	bool dead_listed;
	const struct vmt_dead_vma *dead;
	size_t nr_dead;
	uint64_t dead_unlisted;
};

static inline uint64_t file_readin(const struct file_stat *f)
{
	return f->readin[VMT_RI_FAULT] + f->readin[VMT_RI_READ] +
	       f->readin[VMT_RI_OTHER];
}

static inline uint64_t vma_minor(const struct vma *v)
{
	const uint64_t *c = v->counters;

	return c[VMT_C_FAULTS] - c[VMT_C_MAJOR] - c[VMT_C_ERRORS];
}

static inline uint32_t kdev(unsigned int major, unsigned int minor)
{
	return major << 20 | minor;
}

void aspace_init(struct address_space *as, pid_t pid);
void aspace_free(struct address_space *as);
/* A row from the BPF rows map; path is the file's path or NULL. */
int aspace_add_row(struct address_space *as, __u32 slot,
		   const struct vmt_row *row, const char *path);
/*
 * Faults on a page whose VMA lookup was deferred: filed under the newest
 * row that contains the page, or an [unresolved] row. Call after the rows.
 */
int aspace_add_deferred(struct address_space *as, uint64_t page,
			const __u64 *counters);
/*
 * A /proc/PID/maps snapshot: completes the rows it describes and adds the
 * VMAs that did not fault. A final one (taken at the end of the trace, the
 * process alive) also marks the rows missing from it as unmapped.
 */
int aspace_apply_maps(struct address_space *as, const struct maps_entry *e,
		      size_t n, bool final);
/*
 * The same, one line at a time as /proc/PID/maps is read (a process may
 * have 100,000 VMAs). Without keep_unfaulted, VMAs that did not fault are
 * kept only where a label needs them (aspace_finish() drops them anyway).
 */
struct row_key;
struct maps_merge {
	struct address_space *as;
	size_t rows;		/* as->vmas[0, rows): the rows read from BPF */
	struct row_key *index;	/* the faulted rows by object and anchor */
	size_t nindex;
	bool *seen;		/* rows a line matched */
	size_t lines;
	bool final, keep_unfaulted;
};
int maps_merge_begin(struct maps_merge *m, struct address_space *as,
		     bool final, bool keep_unfaulted);
int maps_merge_line(struct maps_merge *m, const struct maps_entry *e);
void maps_merge_end(struct maps_merge *m);
/* Read-in pages of a file (dev, ino) for this process; path may be NULL. */
int aspace_add_readin(struct address_space *as, uint32_t dev, uint64_t ino,
		      const __u64 pages[VMT_NR_READIN], const char *path);
/* Builds as->files from the VMA rows and the read-ins (in aspace_finish). */
int files_build(struct address_space *as);
void files_free(struct address_space *as);

/* Labels, totals, order: call once every row is in. */
int aspace_finish(struct address_space *as, enum sort_key sort,
		  bool keep_unfaulted);

void label_vma(const struct vma *v, const struct vma *prev,
	       const struct vmt_layout *mm, char *out, size_t size);
void perms_from_flags(uint64_t vm_flags, char out[5]);

#endif
