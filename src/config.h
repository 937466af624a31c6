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

struct config {
	pid_t pid;		/* -p: attach to this process */
	char **command;		/* -- CMD ARGS: run this under the tracer */
	bool json;
	const char *output;	/* -o: report file, written whole or not at all */
	double duration;	/* -d: seconds; 0 = until Ctrl-C or exit */
	double interval;	/* -i: print every interval; 0 = at the end */
	enum sort_key sort;
	bool verbose;
	bool all_vmas;		/* also VMAs that did not fault */
	unsigned int max_vmas;
	int backend;		/* enum vmt_backend, or -1: the best available */
	bool features;		/* --features: print what the kernel offers */
	const char *btf_path;	/* VMTRACE_BTF: where the kernel's BTF is */
	bool latency;		/* --latency: fault latency histograms */
	bool heatmap;		/* --heatmap: where in each VMA, over time */
	bool files;		/* --files: the whole per-file table */
	unsigned int top;	/* --top: rows in the live view and top lists */
};

/* Parses argv into cfg; argp exits with 2 on a usage error, 0 on --help. */
int parse_args(int argc, char **argv, struct config *cfg);

#endif
