/* SPDX-License-Identifier: GPL-2.0 */
/* The one configuration struct: what the command line asked for. */
#ifndef VMT_CONFIG_H
#define VMT_CONFIG_H

#include <stdbool.h>
#include <sys/types.h>

enum sort_key {
	SORT_ADDR,
	SORT_FAULTS,
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
	bool no_inherit;	/* --no-inherit: only the command, not its children */
	bool follow;		/* --follow: -p PID's children too */
	bool inherit;		/* follow forks and execs (-- default, or -p --follow) */
	bool merge_comm;	/* --merge comm: processes merged by command name */
};

/* Parses argv into cfg; argp exits with 2 on a usage error, 0 on --help. */
int parse_args(int argc, char **argv, struct config *cfg);

#endif
