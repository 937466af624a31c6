/* SPDX-License-Identifier: GPL-2.0 */
/* Loading the BPF programs, probing what the kernel offers, attaching. */
#ifndef VMT_ATTACH_H
#define VMT_ATTACH_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "config.h"
#include "model/model.h"
#include "tracer/backends.h"

struct vmtrace_bpf;
struct bpf_link;

#define REASON_MAX 256

struct tracer {
	struct vmtrace_bpf *skel;
	struct bpf_link **links;
	size_t nr_links;
	enum vmt_backend backend_id;
	const char *backend;
	char missing[512];	/* optional attach points this kernel lacks */
	char unavailable[64];	/* counters this backend cannot measure */
	char reason[REASON_MAX]; /* why the last attempt failed */
	double load_ms, attach_ms; /* this backend's load (verifier) and attach */
	char timing[256];	/* where tracer_open's time went (-v) */
	/*
	 * Rows of processes that exited (--follow), moved out of the BPF rows
	 * array so their slots serve live processes (tracer/reclaim.c).
	 */
	struct vmt_row *kept;
	size_t nr_kept, cap_kept;
	__u32 *drained;		/* the pids whose rows were moved */
	size_t nr_drained, cap_drained;
	/* --dead-vmas: retired rows, as they were (tracer/dead.c) */
	struct ring_buffer *dead_rb;
	struct vmt_dead_vma *dead;
	size_t nr_dead, cap_dead;
	unsigned int max_dead;
	__u64 dead_over;	/* past max_dead */
};

/* Slot numbers the kept rows are visited under: above any BPF slot. */
#define TRACER_KEPT_SLOT(tr, i)	((tr)->skel->rodata->max_rows + (__u32)(i))


/* Root and the kernel's BTF, or a one-line error saying which is missing. */
int tracer_check_environment(const struct config *cfg);
/*
 * Opens, loads and attaches the best backend the kernel offers (or the one
 * cfg forces): fentry, then kprobe, then tracepoint. Prints a one-line error
 * with each backend's reason when none works.
 */
int tracer_open(struct tracer *tr, const struct config *cfg);
/* Calls fn for each attach point vmtrace uses: its backend (-1: all), found. */
int tracer_list_points(const struct config *cfg,
		       void (*fn)(const char *sec, int backend, bool found,
				  bool required, void *ctx), void *ctx);
struct btf;
/* The kernel's BTF (cfg->btf_path or /sys/kernel/btf/vmlinux); NULL on error. */
struct btf *tracer_vmlinux_btf(const struct config *cfg);
/* Tries one backend; on failure tr->reason says why. */
int tracer_try(struct tracer *tr, const struct config *cfg,
	       const struct btf *vmlinux, enum vmt_backend b);
/* Starts tracing pid now, or from its next exec when start_on_exec. */
int tracer_add_target(struct tracer *tr, pid_t pid, bool start_on_exec);
/*
 * An attached process that has exited: its threads' counters summed at
 * their exits since tracer_add_target(). -ESRCH while it runs (or unknown).
 */
int tracer_exit_faults(struct tracer *tr, pid_t pid, uint64_t *minflt, uint64_t *majflt);
/* Reads pid's rows, files, layout, system calls and drops into as. */
int tracer_read(struct tracer *tr, pid_t pid, struct address_space *as,
		uint64_t *base_minflt, uint64_t *base_majflt);
struct timeline;
/* Adds a sample of pid's rows to tl. */
int tracer_sample(struct tracer *tr, pid_t pid, struct timeline *tl);
typedef int (*row_fn)(struct tracer *tr, __u32 slot, struct vmt_row *row, void *ctx);
/* Calls fn for each of pid's rows that faulted (pid -1: every process's), and the overflow row. */
int tracer_for_each_row(struct tracer *tr, pid_t pid, row_fn fn, void *ctx);
struct bpf_map;
typedef int (*counts_fn)(const void *key, const struct vmt_code *val, void *ctx);
/*
 * Calls fn for each entry of a map of per-process counts (--code's, --stacks':
 * keys of key_size bytes that start with the tgid) that is pid's, until fn
 * returns non-zero.
 */
int tracer_for_each_count(struct bpf_map *map, size_t key_size, pid_t pid, counts_fn fn,
			  void *ctx);
/* The path of row's file, or NULL; file holds it. */
const char *tracer_file_path(struct tracer *tr, const struct vmt_row *row,
			     struct vmt_file *file);
/* Prints each program's run count and mean run time (kernel.bpf_stats_enabled). */
void tracer_print_stats(struct tracer *tr, FILE *out);
__u64 tracer_missed_runs(struct tracer *tr);
/* Faults counted in the overflow row so far: the row table was full. */
uint64_t tracer_row_drops(struct tracer *tr);
/*
 * libbpf's messages: warnings always, info with verbose, its debug log (the
 * verifier's) with VMTRACE_DEBUG=1 in the environment.
 */
void tracer_set_verbose(bool verbose);
/* The libbpf vmtrace runs with, for --version ("v1.1"). */
const char *tracer_libbpf_version(void);
/*
 * Moves the rows of traced processes that have exited into tr->kept and
 * gives their slots back to BPF: nothing adds to a dead process's rows. Call
 * now and then while following children; tracer_for_each_row() visits kept
 * rows as it does live ones. Returns the rows moved, or -errno.
 */
int tracer_reclaim_exited(struct tracer *tr);
/* --code: pid's faults by (row, IP), named, into as->code (as must be final). */
int tracer_read_code(struct tracer *tr, pid_t pid, struct address_space *as);
/* --stacks: pid's faults by (row, user stack), named, into as->stacks (as final). */
int tracer_read_stacks(struct tracer *tr, pid_t pid, unsigned int every,
		       struct address_space *as);
/* Forgets the kept rows (a new run starts: procs_forget()). */
void tracer_forget_kept(struct tracer *tr);
/* Detaches every link and frees everything; safe on a half-open tracer. */
void tracer_close(struct tracer *tr);

/* --dead-vmas (tracer/dead.c): sized before load, read at each drain. */
void tracer_dead_size(struct tracer *tr, const struct config *cfg);
int tracer_dead_open(struct tracer *tr, const struct config *cfg);
void tracer_dead_drain(struct tracer *tr);
__u64 tracer_dead_unlisted(const struct tracer *tr);
void tracer_dead_close(struct tracer *tr);

#endif
