/*
 * Child processes for the tests: start one with its stdout and/or stderr
 * on pipes, wait for a line with a given prefix, reap it with a deadline.
 * Everything read is kept, so the whole output can be parsed afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"

/* Timeouts scale with Check's own knob, so one variable slows both down
 * (e.g. CK_TIMEOUT_MULTIPLIER=10 under qemu without KVM). */
int itest_timeout_ms(int base_ms)
{
	const char *mult = getenv("CK_TIMEOUT_MULTIPLIER");
	double m = mult ? atof(mult) : 1.0;

	return (int)(base_ms * (m >= 1.0 ? m : 1.0));
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int drop_privileges(uid_t uid)
{
	return setgroups(0, NULL) || setgid(uid) || setuid(uid);
}

static void child_exec(char *const argv[], int fds[P_NR][2], int in, uid_t uid)
{
	for (int i = 0; i < P_NR; i++)
		if (fds[i][1] >= 0 && dup2(fds[i][1], 1 + i) < 0)
			_exit(126);
	/* dup2() of fd 0 onto itself would keep O_CLOEXEC */
	if (in >= 0 && (in ? dup2(in, 0) < 0 : fcntl(0, F_SETFD, 0) < 0))
		_exit(126);
	if (uid && drop_privileges(uid))
		_exit(126);
	/* Orphans of a failed test must not live on (vmwork waits forever).
	 * After setuid(), which clears this setting. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	execvp(argv[0], argv);
	fprintf(stderr, "itest: failed to run %s: %s\n", argv[0],
		strerror(errno));
	_exit(127);
}

/*
 * Starts argv with the pipes asked for; with PIPE_IN, its stdin is a pipe
 * whose write end is p->in (else it inherits ours).
 */
int proc_start(struct proc *p, char *const argv[], unsigned pipes, uid_t uid)
{
	int fds[P_NR][2] = { { -1, -1 }, { -1, -1 } }, in[2] = { -1, -1 };

	memset(p, 0, sizeof(*p));
	p->status = -1;
	p->in = -1;
	for (int i = 0; i < P_NR; i++) {
		p->fd[i] = -1;
		if ((pipes & (1u << i)) && pipe2(fds[i], O_CLOEXEC))
			return -1;
	}
	if ((pipes & PIPE_IN) && pipe2(in, O_CLOEXEC))
		return -1;
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (!p->pid)
		child_exec(argv, fds, in[0], uid);
	for (int i = 0; i < P_NR; i++) {
		if (fds[i][1] >= 0)
			close(fds[i][1]);
		p->fd[i] = fds[i][0];
	}
	if (in[0] >= 0)
		close(in[0]);
	p->in = in[1];
	return 0;
}

/* Closes p's stdin (its reader sees the end of the file). */
void proc_close_in(struct proc *p)
{
	if (p->in >= 0)
		close(p->in);
	p->in = -1;
}

static void outbuf_add(struct outbuf *b, const char *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			abort();
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = 0;
}

/* Reads whatever arrives within timeout_ms; -1 if nothing is open. */
static int proc_read(struct proc *p, int timeout_ms)
{
	struct pollfd pfd[P_NR];
	int n = 0, map[P_NR];
	char buf[4096];

	for (int i = 0; i < P_NR; i++) {
		if (p->fd[i] < 0)
			continue;
		pfd[n] = (struct pollfd){ .fd = p->fd[i], .events = POLLIN };
		map[n++] = i;
	}
	if (!n)
		return -1;
	if (poll(pfd, n, timeout_ms) <= 0)
		return 0;
	for (int j = 0; j < n; j++) {
		ssize_t got;

		if (!pfd[j].revents)
			continue;
		got = read(pfd[j].fd, buf, sizeof(buf));
		if (got > 0) {
			outbuf_add(&p->out[map[j]], buf, got);
		} else if (got == 0 || errno != EINTR) {
			close(pfd[j].fd);
			p->fd[map[j]] = -1;
		}
	}
	return 0;
}

/* Returns the next complete unseen line of b, copied to p->line. */
static const char *next_line(struct proc *p, struct outbuf *b)
{
	char *start, *nl;
	size_t len;

	if (!b->data || b->seen >= b->len)
		return NULL;
	start = b->data + b->seen;
	nl = strchr(start, '\n');
	if (!nl)
		return NULL;
	len = nl - start;
	if (len >= sizeof(p->line))
		len = sizeof(p->line) - 1;
	memcpy(p->line, start, len);
	p->line[len] = 0;
	b->seen = nl + 1 - b->data;
	return p->line;
}

/*
 * Waits for a line starting with prefix on stdout or stderr (which).
 * Lines before it are skipped but stay in p->out. NULL on EOF or timeout.
 */
const char *proc_wait_line(struct proc *p, int which, const char *prefix,
			   int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	struct outbuf *b = &p->out[which];
	const char *line;

	for (;;) {
		while ((line = next_line(p, b)))
			if (!strncmp(line, prefix, strlen(prefix)))
				return line;
		if (p->fd[which] < 0 || now_ms() >= deadline)
			return NULL;
		proc_read(p, (int)(deadline - now_ms()));
	}
}

/*
 * Kills p if it still runs, and closes its pipes. A struct proc never
 * started is all zeroes (an unused session.work): its fds are not ours.
 */
static void proc_stop(struct proc *p)
{
	if (!p->pid)
		return;
	if (p->pid > 0 && p->status < 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		p->status = -2;
	}
	proc_close_in(p);
	for (int i = 0; i < P_NR; i++) {
		if (p->fd[i] >= 0)
			close(p->fd[i]);
		p->fd[i] = -1;
	}
}

/*
 * Reaps p, reading its pipes meanwhile so that it never blocks on a full
 * one. On timeout kills it and returns -1; else returns the wait status.
 */
int proc_wait(struct proc *p, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;

	while (p->status < 0) {
		int st;
		pid_t got = waitpid(p->pid, &st, WNOHANG);

		if (got == p->pid) {
			p->status = st;
			break;
		}
		if (got < 0 || now_ms() >= deadline) {
			proc_stop(p);
			return -1;
		}
		if (proc_read(p, 10) < 0)
			usleep(10 * 1000);
	}
	/* Output written just before exit is still in the pipes; a child
	 * of p that lives on may hold them open, hence the deadline. */
	while (now_ms() < deadline + 1000 &&
	       proc_read(p, (int)(deadline + 1000 - now_ms())) == 0)
		;
	return p->status;
}

void proc_free(struct proc *p)
{
	proc_stop(p);
	for (int i = 0; i < P_NR; i++) {
		free(p->out[i].data);
		p->out[i] = (struct outbuf){ 0 };
	}
}

/*
 * Starts argv with a pseudo-terminal as its stdin, stdout and stderr, read
 * through p->fd[P_OUT] like a pipe of proc_start()'s; cols columns wide (0:
 * the default).
 */
void proc_start_pty(struct proc *p, char *const argv[], unsigned short cols)
{
	struct winsize ws = { .ws_row = 50, .ws_col = cols };
	int master;

	memset(p, 0, sizeof(*p));
	p->status = -1;
	p->in = p->fd[P_ERR] = -1;
	p->pid = forkpty(&master, NULL, NULL, cols ? &ws : NULL);
	ck_assert_msg(p->pid >= 0, "forkpty failed");
	if (!p->pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv(argv[0], argv);
		_exit(127);
	}
	p->fd[P_OUT] = master;
}
