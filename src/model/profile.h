/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run's fault profile, as baselines store and compare it: rows identified
 * by what they are, never by address, merged over processes by command name.
 *
 * A row's identity is (command, label, perms, position): the label names the
 * mapping ([heap], [text], a file's path relative to a root, [bss:libc.so.6]),
 * and position is its rank, in address order, among the rows of the same
 * label and perms in one process image (libc's two r--p mappings are #0 and
 * #1). Addresses move with ASLR and load order; these do not. The members
 * of one class (command, label, perms) are matched across runs by size, not
 * by position (ci/match.h): size is the mapping's extent in bytes for rows
 * that show one VMA, 0 (unknown) for rows that sum many.
 */
#ifndef VMT_PROFILE_H
#define VMT_PROFILE_H

#include <stdint.h>
#include <stdio.h>
#include "model/model.h"

struct proc_set;

/* The counters a profile keeps (latency is a time, not a count: left out). */
enum pcounter {
	PC_FAULTS, PC_MINOR, PC_MAJOR, PC_READ, PC_WRITE, PC_EXEC, PC_WP,
	PC_ERRORS, PC_KERNEL, PC_COW, PC_READIN, PC_SIGBUS, PC_OOM,
	NR_PCOUNTERS,
};

/* Names as in the JSON report ("faults", "kernel_mode", ...). */
extern const char *const pcounter_names[NR_PCOUNTERS];
/* The counter named name, or -1. */
int pcounter_by_name(const char *name);

#define PROFILE_COMMAND_MAX	VMT_COMM_LEN
#define PROFILE_ID_MAX		(LABEL_MAX + 32)
/* The label of the row holding a command's totals. */
#define PROFILE_TOTAL_LABEL	"[total]"

struct profile_row {
	char command[PROFILE_COMMAND_MAX];
	char label[LABEL_MAX];
	char perms[5];
	unsigned int position;
	uint64_t size;		/* bytes; 0: unknown, or a class of many */
	uint64_t c[NR_PCOUNTERS];
};

struct profile {
	struct profile_row *rows;
	size_t nr, cap;
	char unavailable[64];	/* counters the backend could not measure */
};

/*
 * The set's rows merged by command, plus a [total] row per command. File
 * paths under root (NULL: none) are made relative to it.
 */
int profile_from_procs(struct profile *p, const struct proc_set *set,
		       const char *root);
/* Adds counters c to the row with this identity, creating it. */
int profile_add(struct profile *p, const char *command, const char *label,
		const char *perms, unsigned int position, const uint64_t *c);
void profile_free(struct profile *p);
/* A position naming every member of a class at once: their sum. */
#define PROFILE_ALL_POSITIONS	(~0u)

/* "[heap] rw-p #0": how a row is named in tables and matched in baselines. */
void profile_row_id(const struct profile_row *r, char *buf, size_t size);
/* The row with the same identity as r, or NULL. */
const struct profile_row *profile_find(const struct profile *p,
				       const struct profile_row *r);
/* Sorts by command, then identity, so output is stable. */
void profile_sort(struct profile *p);
/* That order: by command, then label ([total] last), perms, position. */
int profile_row_cmp(const struct profile_row *a, const struct profile_row *b);

#endif
