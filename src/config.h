/* SPDX-License-Identifier: GPL-2.0 */
/* The one configuration struct: what the command line asked for. */
#ifndef VMT_CONFIG_H
#define VMT_CONFIG_H

#include <stdbool.h>
#include <sys/types.h>

enum sort_key {
	SORT_ADDR,
	SORT_FAULTS,
	SORT_MINOR,
	SORT_MAJOR,
	SORT_ERRORS,
	SORT_LATENCY,	/* summed fault latency */
	NR_SORT_KEYS,
};

/* What a change may add before it is a regression (vmtrace check, diff). */
struct tolerance {
	double relative;	/* fraction of the baseline's median: 0.10 */
	unsigned long long min_count;	/* absolute: changes smaller never fail */
	bool has_relative;	/* given (on the command line, or in a baseline) */
	bool has_min_count;
};

#define CI_NR_COUNTERS	13	/* enum pcounter in profile.h */

struct tolerances {
	struct tolerance all;			/* --tolerance, --min-count */
	struct tolerance per[CI_NR_COUNTERS];	/* --tolerance-for */
};

enum ci_mode {
	CI_NONE,
	CI_RECORD,		/* vmtrace record -o FILE -- CMD */
	CI_CHECK,		/* vmtrace check --baseline FILE -- CMD */
	CI_DIFF,		/* vmtrace diff A B */
};

/* -I: a smaller interval redraws faster than anyone reads, at 100% CPU */
#define MIN_INTERVAL_S	0.05

/*
 * -p PID,PID...: at most this many. Each listed process takes one of the
 * kernel's VMT_MAX_PROCS (1024) process slots, which --follow shares with
 * their children; and the wait loop polls one descriptor per process.
 */
#define MAX_TARGET_PIDS	64

struct config {
	pid_t pids[MAX_TARGET_PIDS];	/* -p: attach to these processes */
	unsigned int nr_pids;		/* the first is the report's own */
	char **command;		/* -- CMD ARGS: run this under the tracer */
	bool json;
	bool pretty;		/* --pretty: JSON indented (default: on a terminal, without -I) */
	bool wide;		/* -w: every column of the VMA table */
	unsigned int columns;	/* the report's terminal's width; 0: not a terminal */
	const char *user;	/* -u: run the command as this user */
	const char *output;	/* -o: report file, written whole or not at all */
	double duration;	/* -d: seconds; 0 = until Ctrl-C or exit */
	double interval;	/* -I: seconds between live views; 0 = at the end */
	enum sort_key sort;
	bool verbose;
	bool all_vmas;		/* also VMAs that did not fault */
	unsigned int max_vmas;
	int backend;		/* enum vmt_backend, or -1: the best available */
	bool features;		/* --features: print what the kernel offers */
	bool version;		/* -V, --version: builds and kernel features, a line each */
	const char *btf_path;	/* VMTRACE_BTF: where the kernel's BTF is */
	bool latency;		/* --latency: fault latency histograms */
	bool heatmap;		/* --heatmap: where in each VMA, over time */
	bool code;		/* --code: the instructions that fault, symbolized */
	unsigned int stacks;	/* --stacks[=N]: every Nth fault's user stack; 0: off */
	const char *folded;	/* --folded FILE: the stacks as folded lines */
	bool folded_kind;	/* --folded-kind: the fault kind as a last frame */
	unsigned int dead_vmas;	/* --dead-vmas: list this many retired VMAs (JSON) */
	bool files;		/* --files: the whole per-file table */
	unsigned int top;	/* --top: rows in the live view and top lists */
	bool no_inherit;	/* --no-inherit: only the command, not its children */
	bool follow;		/* --follow: -p PID's children too */
	bool inherit;		/* follow forks and execs (-- default, or -p --follow) */
	bool merge_comm;	/* --merge comm: processes merged by command name */
	bool orphan;		/* --orphan: the command may outlive vmtrace */
	/* record, check, diff (runs.c) */
	enum ci_mode ci;
	const char *baseline;	/* check --baseline; diff: the first file */
	const char *other;	/* diff: the second file */
	unsigned int runs;	/* -r: runs, each counter's median kept */
	const char *root;	/* --root: file paths relative to it (default: cwd) */
	struct tolerances tol;	/* --tolerance, --min-count, --tolerance-for */
	bool strict;		/* --strict: a baseline of another command is an error */
	const char *junit;	/* --junit FILE: check, diff: the verdict as JUnit XML */
};

#endif
