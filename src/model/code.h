/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --code: faults by the function whose instruction took them, overall and
 * per VMA row, from the (row serial, IP) counts BPF keeps. Naming an IP is
 * the symbolizer's job (symbols.h); this file only aggregates.
 */
#ifndef VMT_CODE_H
#define VMT_CODE_H

#include <stddef.h>
#include <stdint.h>
#include "vmtrace.h"

struct address_space;
struct vma;

/* One (row, IP) pair as BPF counted it. */
struct code_sample {
	uint64_t serial;	/* the row's; 0: not known (a deferred page) */
	uint64_t ip;
	uint64_t c[VMT_NR_CC];
};

#define CODE_NAME_MAX	192

/* What an IP is: a symbol in a module, or a module and an offset. */
struct code_name {
	char function[CODE_NAME_MAX];	/* "fill_a", or "vmwork+0x1a2b" when unnamed */
	char module[CODE_NAME_MAX];	/* file's basename, "[anon]", "[vdso]", "[unknown]" */
	char where[CODE_NAME_MAX];	/* the IP: "fill_a+0x1b", "vmwork+0x1a2b" */
	uint64_t file_offset;		/* the IP's offset in its file (0: none) */
	int symbolized;			/* function is a symbol */
};

typedef int (*code_name_fn)(void *ctx, uint64_t ip, struct code_name *out);

/* A function's faults; where is its busiest IP. */
struct code_fn {
	struct code_name name;
	uint64_t top_ip_faults;
	uint64_t c[VMT_NR_CC];
};

struct code_list {
	uint64_t serial;	/* the row's (per-row lists) */
	uint64_t alias;		/* a row folded into it (stack growth): its serial */
	struct code_fn *fn;	/* busiest first */
	size_t nr, cap;
};

struct code_report {
	struct code_list overall;
	struct code_list *rows;	/* by serial */
	size_t nr_rows;
	uint64_t drops;		/* faults not counted by IP: the map was full */
	uint64_t no_row;	/* faults whose row is not in the table (deferred, folded) */
	int top;		/* functions listed per row */
};

/*
 * Names every sample's IP with fn and sums them by function, overall and by
 * the row (serial) they faulted in; as->vmas must be final. Sets as->code.
 */
int code_build(struct address_space *as, const struct code_sample *s, size_t n,
	       uint64_t drops, code_name_fn fn, void *ctx);
/* The functions that faulted in v, or NULL. */
const struct code_list *code_of_vma(const struct code_report *cr, const struct vma *v);
void code_free(struct code_report *cr);

#endif
