/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every process a session traced (the command and the children it forked),
 * each exec image with its own address space, and the kernel's counters per
 * process to compare the traced totals with.
 */
#ifndef VMT_PROCS_H
#define VMT_PROCS_H

#include <stdbool.h>
#include <stdio.h>
#include "model/model.h"

struct tracer;

/* One program image of a process: from its fork or exec to its next exec. */
struct proc_image {
	pid_t pid, ppid;
	unsigned int image;	/* 0 for the first image of pid */
	char comm[VMT_COMM_LEN];
	struct address_space as;
};

/* What the kernel counted for a process over the traced window. */
struct proc_kernel {
	pid_t pid;
	bool known;
	bool exited;
	uint64_t minflt, majflt;	/* less exec_args */
	uint64_t exec_args;	/* exec's get_user_pages() faults: no tracepoint sees them */
	uint64_t traced;	/* minor + major over the process's images */
	uint64_t pf_disabled;	/* fault events the kernel never handled: not in traced */
};

struct proc_set {
	struct proc_image *images;
	size_t nr, cap;
	struct proc_kernel *kernel;	/* one per pid, in the order first seen */
	size_t nr_pids;
	uint64_t not_followed;	/* children not traced: the process maps were full */
	bool merge_comm;	/* the report shows tables merged by command */
};

/*
 * Reads every traced process from the BPF maps into a new set. main is the
 * session's own process (its kernel counters are taken from it when the
 * lineage cannot tell); known, the kernel's counters the session measured
 * itself for other processes (-p's: their lineage cannot tell); sort orders
 * each image's rows.
 */
int procs_collect(struct tracer *tr, const struct address_space *main,
		  const struct proc_kernel *known, size_t nr_known,
		  enum sort_key sort, struct proc_set **out);
void procs_free(struct proc_set *set);
/* Forgets the processes of a finished run, so the next run starts empty. */
void procs_forget(struct tracer *tr);

#endif
