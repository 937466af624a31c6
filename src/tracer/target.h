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
};

/* The signals vmtrace handles through a signalfd; blocked everywhere else. */
void target_signals(sigset_t *set);

int target_attach(struct target *t, pid_t pid);
/* Forks the command, stopped before exec until target_release(). */
int target_spawn(struct target *t, char **argv, const sigset_t *saved_mask);
/* Lets the child exec; fails with a one-line message if exec failed. */
int target_release(struct target *t, char **argv);
/* A spawned child's stat: before it is reaped if it exited, else as it runs. */
int target_final_stat(struct target *t, struct proc_stat *st);
/* Kills (if still running) and reaps a spawned child. */
void target_close(struct target *t);
/* vmtrace's exit code for a spawned command: its status, as a shell does. */
int target_exit_code(const struct target *t);

#endif
