/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --stacks: faults by user call chain, from the (row serial, stack) counts
 * BPF keeps. Each distinct IP is named once by the symbolizer; stacks whose
 * frames name the same functions in the same row are one entry. A stack is
 * judged here: complete when its outermost frame is where a thread starts
 * (_start, __libc_start_main, start_thread, clone), truncated otherwise.
 */
#ifndef VMT_STACKS_H
#define VMT_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/code.h"
#include "vmtrace.h"

struct address_space;

/* One (row, stack) key as BPF counted it. */
struct stack_sample {
	uint64_t serial;		/* the row's */
	uint32_t nr;			/* frames in ips; 0: none could be read */
	uint64_t ips[VMT_STACK_DEPTH];	/* innermost first: the IP, then return addresses */
	uint64_t c[VMT_NR_CC];
};

/* What names a stack's frames: the symbolizer, or a test's stand-in. */
struct stack_namer {
	code_name_fn name;
	bool (*is_code)(void *ctx, uint64_t ip);	/* a return address may be at ip */
	void *ctx;
};

struct stack_entry {
	uint32_t *frames;	/* indices into stack_report.names, innermost first */
	uint32_t nr;
	bool truncated;		/* the walk stopped short of where the thread started */
	uint64_t serial;	/* the row the faults were in */
	uint64_t c[VMT_NR_CC];
};

#define STACK_DEPTH_SLOTS	(VMT_STACK_DEPTH + 1)

struct stack_report {
	struct stack_entry *e;	/* busiest first */
	size_t nr, cap;
	struct code_name *names;	/* one per distinct IP (a caller's: its call) */
	uint64_t *name_ips;		/* sorted, beside names */
	size_t nr_names;
	uint64_t depth[STACK_DEPTH_SLOTS];	/* faults by frames kept (0: no stack) */
	uint64_t faults;	/* stacked faults: every Nth of a thread's */
	uint64_t truncated;	/* of those, in truncated stacks */
	uint64_t drops;		/* sampled faults not counted: the kernel's map was full */
	unsigned int every;	/* --stacks=N */
};

/*
 * Names, judges and merges the samples of one process; sets as->stacks.
 * 0 or -ENOMEM.
 */
int stacks_build(struct address_space *as, const struct stack_sample *s, size_t n,
		 uint64_t drops, unsigned int every, const struct stack_namer *namer);
/* A frame's name. */
static inline const struct code_name *stack_frame(const struct stack_report *sr,
						  const struct stack_entry *e, uint32_t i)
{
	return &sr->names[e->frames[i]];
}
void stacks_free(struct stack_report *sr);

#endif
