/* SPDX-License-Identifier: GPL-2.0 */
/* The traced process: attaching to a PID, or spawning a command. */
#ifndef VMT_TARGET_H
#define VMT_TARGET_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include "model/procfs.h"

struct target {
	pid_t pid;
	bool spawned;		/* our child: we reap it and return its status */
	int pidfd;		/* readable once the process has exited */
	int go_fd;		/* spawned: write to let the child exec */
	int exec_fd;		/* spawned: EOF on exec, or the child's errno */
	bool reaped;
	int status;		/* wait status once reaped */
	char command[512];	/* an attached process's command line, read at attach */
	/*
	 * Attached: the kernel's counters where its window opened, the whole
	 * process's and its live threads' alone (what their exits will sum to,
	 * less the window: see attached_kernel() in main.c).
	 */
	struct proc_stat start;
	bool have_start;
	uint64_t threads_minflt, threads_majflt;
	bool exited;		/* its pidfd was readable: no longer waited for */
};

/* The signals vmtrace handles through a signalfd; blocked everywhere else. */
void target_signals(sigset_t *set);

/*
 * A running process with a user address space: a kernel thread or a zombie
 * is refused with one line on stderr.
 */
int target_attach(struct target *t, pid_t pid);
/* The process has exited (its pidfd is readable). */
bool target_gone(const struct target *t);
/*
 * Forks the command, stopped before exec until target_release(). Unless
 * orphan, it is killed when vmtrace dies, however vmtrace dies. With user
 * (a name; NULL: none) it runs as that user, with the user's groups and a
 * clean environment (HOME, USER, LOGNAME, SHELL, PATH, TERM), as sudo would
 * run it; vmtrace keeps its own privileges.
 */
int target_spawn(struct target *t, char **argv, const sigset_t *saved_mask,
		 bool orphan, const char *user);
/* Lets the child exec; fails with a one-line message if exec failed. */
int target_release(struct target *t, char **argv);
/* A spawned child's stat: before it is reaped if it exited, else as it runs. */
int target_final_stat(struct target *t, struct proc_stat *st);
/*
 * Stops a spawned command still running: SIGTERM, then SIGKILL if it is
 * still there after the grace (or a signal on wake_fd, -1 for none), and
 * one line on stderr saying why (e.g. "-d 5 s elapsed") and how.
 */
#define TARGET_TERM_GRACE_MS	2000
#define TARGET_TERM_GRACE_TEXT	"2 s"
void target_stop(struct target *t, const char *why, int wake_fd);
/* Kills (if still running) and reaps a spawned child. */
void target_close(struct target *t);
/* vmtrace's exit code for a spawned command: its status, as a shell does. */
int target_exit_code(const struct target *t);

#endif
