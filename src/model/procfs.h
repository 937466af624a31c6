/* SPDX-License-Identifier: GPL-2.0 */
/* What /proc says about a process: stat fields and the maps listing. */
#ifndef VMT_PROCFS_H
#define VMT_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The fields of /proc/PID/stat that vmtrace uses (proc(5) numbering). */
struct proc_stat {
	char comm[64];		/* 2 */
	char state;		/* 3 */
	pid_t ppid;		/* 4 */
	unsigned int flags;	/* 9: PF_* (PF_KTHREAD: a kernel thread) */
	uint64_t minflt;	/* 10 */
	uint64_t majflt;	/* 12 */
	uint64_t start_code;	/* 26 */
	uint64_t end_code;	/* 27 */
	uint64_t start_stack;	/* 28 */
	uint64_t start_data;	/* 45 */
	uint64_t end_data;	/* 46 */
	uint64_t start_brk;	/* 47 */
};

/* One line of /proc/PID/maps. */
struct maps_entry {
	uint64_t start;
	uint64_t end;
	char perms[5];
	uint64_t offset;
	unsigned int dev_major;
	unsigned int dev_minor;
	uint64_t ino;
	char path[512];		/* empty for anonymous memory; long paths cut */
};

int parse_stat(const char *text, struct proc_stat *st);
int read_stat(pid_t pid, struct proc_stat *st);
/*
 * The faults of pid's live threads alone (/proc/PID/task/TID/stat), without
 * those its exited threads left in the process's total.
 */
int read_threads_faults(pid_t pid, uint64_t *minflt, uint64_t *majflt);
int parse_maps_line(const char *line, struct maps_entry *e);

/*
 * Calls fn for each line of /proc/PID/maps as it is read; stops at fn's
 * first error and returns it. -errno if the file cannot be opened. A
 * process may have 100,000 VMAs: 58 MB as an array of maps_entry.
 */
int read_maps_each(pid_t pid, int (*fn)(const struct maps_entry *e, void *ctx),
		   void *ctx);
/* Reads /proc/PID/maps into a new array (free it); returns 0 or -errno. */
int read_maps(pid_t pid, struct maps_entry **entries, size_t *n);

/* The command line of a process, arguments joined by spaces. */
int read_cmdline(pid_t pid, char *buf, size_t size);
/* /proc/PID/cmdline's len bytes, in place: NULs between arguments become
 * spaces; the line ends at the first run of two or more. */
void cmdline_join(char *buf, size_t len);

#endif
