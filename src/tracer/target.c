// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
/* Process control: attach by PID, or fork and exec a command on cue. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "tracer/target.h"

void target_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

static int pidfd_open(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

static void target_init(struct target *t)
{
	memset(t, 0, sizeof(*t));
	t->pidfd = t->go_fd = t->exec_fd = -1;
}

/* PF_KTHREAD (include/linux/sched.h): /proc/PID/stat's flags, field 9. */
#define PF_KTHREAD	0x00200000

/* A process with a user address space to trace, or one line saying why not. */
static int traceable(pid_t pid)
{
	struct proc_stat st;

	if (read_stat(pid, &st))
		return 0;	/* gone: the pidfd says so next */
	if (st.flags & PF_KTHREAD) {
		fprintf(stderr, "vmtrace: PID %d (%s) is a kernel thread: it has no user "
			"address space to trace\n", pid, st.comm);
		return -EINVAL;
	}
	if (st.state == 'Z' || st.state == 'X') {
		fprintf(stderr, "vmtrace: PID %d (%s) is a zombie: it has exited, there "
			"is nothing left to trace\n", pid, st.comm);
		return -ESRCH;
	}
	return 0;
}

int target_attach(struct target *t, pid_t pid)
{
	int err;

	target_init(t);
	t->pid = pid;
	if (kill(pid, 0) && errno == ESRCH) {
		fprintf(stderr, "vmtrace: no such process: %d\n", pid);
		return -ESRCH;
	}
	t->pidfd = pidfd_open(pid);
	if (t->pidfd < 0) {
		err = -errno;
		fprintf(stderr, "vmtrace: failed to open PID %d: %s\n", pid, strerror(-err));
		return err;
	}
	/* now: a process that exits before the report has no cmdline left */
	if (read_cmdline(pid, t->command, sizeof(t->command)))
		snprintf(t->command, sizeof(t->command), "?");
	/* after the pidfd: what it refers to is what was checked */
	return traceable(pid);
}

bool target_gone(const struct target *t)
{
	struct pollfd p = { t->pidfd, POLLIN, 0 };

	return poll(&p, 1, 0) > 0;
}

/*
 * In the child: wait for the go byte, then become the command. Unless
 * orphan, the command dies with vmtrace (SIGKILL), even if vmtrace is
 * SIGKILLed; a vmtrace already gone before prctl() is seen by getppid().
 */
static void __attribute__((noreturn))
child_main(int go, int report, char **argv, const sigset_t *mask, pid_t parent,
	   bool orphan)
{
	char byte;
	int err;

	if (!orphan && (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent))
		_exit(127);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (read(go, &byte, 1) != 1)
		_exit(127);	/* vmtrace went away before tracing began */
	close(go);
	execvp(argv[0], argv);
	err = errno;
	if (write(report, &err, sizeof(err)) < 0)
		_exit(126);
	_exit(127);
}

int target_spawn(struct target *t, char **argv, const sigset_t *saved_mask,
		 bool orphan)
{
	pid_t parent = getpid();
	int go[2], report[2];

	target_init(t);
	if (pipe2(go, O_CLOEXEC) || pipe2(report, O_CLOEXEC)) {
		fprintf(stderr, "vmtrace: failed to create a pipe: %s\n", strerror(errno));
		return -errno;
	}
	t->pid = fork();
	if (t->pid < 0) {
		fprintf(stderr, "vmtrace: failed to fork: %s\n", strerror(errno));
		return -errno;
	}
	if (t->pid == 0) {
		close(go[1]);
		close(report[0]);
		child_main(go[0], report[1], argv, saved_mask, parent, orphan);
	}
	t->spawned = true;
	close(go[0]);
	close(report[1]);
	t->go_fd = go[1];
	t->exec_fd = report[0];
	t->pidfd = pidfd_open(t->pid);
	if (t->pidfd < 0) {
		fprintf(stderr, "vmtrace: failed to open the child: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

int target_release(struct target *t, char **argv)
{
	int child_errno = 0;
	ssize_t n;

	if (write(t->go_fd, "g", 1) != 1) {
		fprintf(stderr, "vmtrace: failed to start the command: %s\n", strerror(errno));
		return -errno;
	}
	close(t->go_fd);
	t->go_fd = -1;
	/* The pipe closes on a successful exec (O_CLOEXEC). */
	do
		n = read(t->exec_fd, &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(t->exec_fd);
	t->exec_fd = -1;
	if (n == sizeof(child_errno)) {
		fprintf(stderr, "vmtrace: failed to execute '%s': %s\n", argv[0],
			strerror(child_errno));
		return -child_errno;
	}
	return 0;
}

int target_final_stat(struct target *t, struct proc_stat *st)
{
	siginfo_t info = { 0 };

	/*
	 * WNOWAIT keeps the zombie, and with it /proc/PID/stat, for one more
	 * read. WNOHANG: a command still running (a -I report, or -d ending
	 * the window) is read live; waiting would block until it ends.
	 */
	if (waitid(P_PID, t->pid, &info, WEXITED | WNOWAIT | WNOHANG))
		return -errno;
	return read_stat(t->pid, st);
}

void target_stop(struct target *t, const char *why, int wake_fd)
{
	struct pollfd fds[2] = { { t->pidfd, POLLIN, 0 }, { wake_fd, POLLIN, 0 } };
	const char *how = "SIGTERM";

	if (!t->spawned || t->reaped || t->pidfd < 0 || target_gone(t))
		return;
	kill(t->pid, SIGTERM);
	/* a signal to vmtrace (wake_fd) cuts the grace short */
	if (poll(fds, wake_fd >= 0 ? 2 : 1, TARGET_TERM_GRACE_MS) <= 0 || !fds[0].revents) {
		kill(t->pid, SIGKILL);
		how = fds[1].revents ? "SIGKILL (vmtrace was interrupted after SIGTERM)" :
		      "SIGKILL (it outlived SIGTERM by " TARGET_TERM_GRACE_TEXT ")";
	}
	fprintf(stderr, "vmtrace: %s: stopped the command (PID %d) with %s\n", why,
		t->pid, how);
}

void target_close(struct target *t)
{
	if (t->spawned && !t->reaped && t->pid > 0) {
		if (waitpid(t->pid, &t->status, WNOHANG) == 0) {
			kill(t->pid, SIGKILL);
			waitpid(t->pid, &t->status, 0);
		}
		t->reaped = true;
	}
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->go_fd >= 0)
		close(t->go_fd);
	if (t->exec_fd >= 0)
		close(t->exec_fd);
	t->pidfd = t->go_fd = t->exec_fd = -1;
}

int target_exit_code(const struct target *t)
{
	if (!t->spawned || !t->reaped)
		return 0;
	if (WIFEXITED(t->status))
		return WEXITSTATUS(t->status);
	return WIFSIGNALED(t->status) ? 128 + WTERMSIG(t->status) : 1;
}
