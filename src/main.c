// SPDX-License-Identifier: GPL-2.0
/*
 * vmtrace: page faults of a process, per virtual memory area.
 * main() runs the session: target, tracer, wait loop, report, cleanup.
 */
#define _GNU_SOURCE	/* sigabbrev_np */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include "tracer/attach.h"
#include "cli.h"
#include "report/live.h"
#include "kernel_features.h"
#include "model/procs.h"
#include "report/output.h"
#include "report/stacks_report.h"
#include "report/report.h"
#include "ci/repeat.h"
#include "ci/runs.h"
#include "tracer/target.h"
#include "model/timeline.h"

/*
 * Heatmaps without -I: sample this often. Long traces coarsen by themselves
 * (ticks merge), and a sample reads every row, so not much more often.
 */
#define HEATMAP_SAMPLE_S 0.25

/* The traced window: its start and samples since (each -p process's counters: struct target). */
struct window {
	double start_s;
	double sample_every;	/* 0: no timeline */
	struct timeline tl;
};

/* What is traced: a spawned command, or -p's list, the report's process first. */
struct targets {
	struct target t[MAX_TARGET_PIDS];
	size_t nr;
};

enum stop_reason { STOP_NONE, STOP_EXITED, STOP_SIGNAL, STOP_DURATION, STOP_ERROR };

/*
 * SIGINT, SIGTERM and SIGHUP are read by a thread of their own, so they are
 * answered at once whatever the main thread is doing (attaching, or building
 * a report for a long time); the wait loop polls wake. By phase:
 *   start   the first one ends vmtrace (exit 1: nothing was traced)
 *   wait    the wait loop stops; with a command, the first is passed on
 *           to it (unless a terminal sent it to the whole group already)
 *           and vmtrace waits for the command to end, as perf stat does;
 *           a second one stops at once
 *   report  the report is being built, in memory: the first says so, a
 *           second (counting the one that stopped tracing) abandons it,
 *           exit 1, no file written
 *   through the report is being written through (a FIFO, a device, stdout,
 *           which may block for as long as their reader): as report
 *   write   a file is being replaced (a temporary file exists), or it is
 *           all done: counted, the work finished first
 */
enum phase { PH_START, PH_WAIT, PH_REPORT, PH_THROUGH, PH_WRITE };

struct signals {
	int sigfd;
	int wake;		/* eventfd: readable after each signal */
	int quit;		/* eventfd: ends the thread */
	pid_t command;		/* a spawned command, told of the first signal */
	atomic_int count;
	atomic_int phase;
	pthread_t thread;
	bool running;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void command_line(const struct config *cfg, const struct target *t,
			 char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (!cfg->command) {
		snprintf(buf, size, "%s", t->command);
		return;
	}
	for (char **arg = cfg->command; *arg && len + 1 < size; arg++)
		len += snprintf(buf + len, size - len, "%s%s", len ? " " : "", *arg);
}

/*
 * An attached process's window. Once it has exited: its threads' counters
 * as BPF summed them at their exits (from attach on), however soon its
 * parent reaped it, less its live threads' at attach (what exited before
 * is in the process's total, not in the sums). While it runs: its stat now
 * less at attach.
 */
static bool attached_kernel(struct tracer *tr, const struct target *t,
			    uint64_t *minflt, uint64_t *majflt)
{
	struct proc_stat end;

	if (!t->have_start)
		return false;
	if (!tracer_exit_faults(tr, t->pid, minflt, majflt)) {
		*minflt -= t->threads_minflt;
		*majflt -= t->threads_majflt;
		return true;
	}
	if (read_stat(t->pid, &end))
		return false;	/* reaped between the two reads */
	*minflt = end.minflt - t->start.minflt;
	*majflt = end.majflt - t->start.majflt;
	return true;
}

/*
 * The kernel's counters over the traced window. A spawned command's window
 * opened at its exec (BPF recorded the counters then); an attached process's
 * when vmtrace read its stat just after attaching.
 */
static void kernel_window(struct tracer *tr, struct target *t, uint64_t base_min,
			  uint64_t base_maj, struct address_space *as)
{
	struct proc_stat end;
	int err;

	if (!t->spawned) {
		as->kernel_known = attached_kernel(tr, t, &as->kernel_minflt,
						   &as->kernel_majflt);
		return;
	}
	err = t->reaped ? read_stat(t->pid, &end) : target_final_stat(t, &end);
	if (!t->reaped && err)
		err = read_stat(t->pid, &end);
	if (err)
		return;
	as->kernel_known = true;
	as->kernel_minflt = end.minflt - base_min;
	as->kernel_majflt = end.majflt - base_maj;
}

/* The process still has an address space to list (not reaped, not a zombie). */
static bool has_mm(const struct target *t)
{
	struct proc_stat st;

	return !t->reaped && !read_stat(t->pid, &st) && st.state != 'Z' && st.state != 'X';
}

/* The windows of -p's other processes, for their lines beside the report's. */
static size_t peer_windows(struct tracer *tr, const struct targets *ts,
			   struct proc_kernel *k)
{
	size_t n = 0;

	for (size_t i = 1; i < ts->nr; i++, n++) {
		memset(&k[n], 0, sizeof(k[n]));
		k[n].pid = ts->t[i].pid;
		k[n].exited = ts->t[i].exited;
		k[n].known = attached_kernel(tr, &ts->t[i], &k[n].minflt, &k[n].majflt);
	}
	return n;
}

static int merge_line(const struct maps_entry *e, void *m)
{
	return maps_merge_line(m, e);
}

/*
 * A /proc/PID/maps snapshot: names, extents and VMAs that did not fault,
 * merged as it is read. An unreadable listing (the process is gone) leaves
 * the rows as they are; only a failure to merge is an error.
 */
static int apply_snapshot(struct address_space *as, pid_t pid, bool final,
			  bool keep_unfaulted)
{
	struct maps_merge m;
	int err = maps_merge_begin(&m, as, final, keep_unfaulted);

	if (err)
		return err;
	err = read_maps_each(pid, merge_line, &m);
	if (!m.lines)
		err = 0;	/* gone, or a zombie without an mm: rows only */
	maps_merge_end(&m);
	return err;
}

/* Every traced process, each with its rows, beside the report's own. */
static int add_processes(const struct config *cfg, struct tracer *tr,
			 const struct targets *ts, const struct window *w,
			 struct address_space *as)
{
	struct proc_kernel peers[MAX_TARGET_PIDS];
	size_t n = peer_windows(tr, ts, peers);
	int err = procs_collect(tr, as, peers, n, cfg->sort, &as->procs);

	if (err)
		return err;
	as->procs->merge_comm = cfg->merge_comm;
	for (size_t i = 0; w->sample_every && i < as->procs->nr; i++)
		timeline_apply(&w->tl, &as->procs->images[i].as);
	return 0;
}

/* The report of the window so far; final once tracing has stopped. */
static int build_report(const struct config *cfg, struct tracer *tr,
			struct targets *ts, const struct window *w, bool final,
			struct address_space *as)
{
	struct target *t = &ts->t[0];
	uint64_t base_min = 0, base_maj = 0;
	int err;

	aspace_init(as, t->pid);
	command_line(cfg, t, as->command, sizeof(as->command));
	as->duration_s = now_s() - w->start_s;
	as->peers = ts->nr - 1;
	err = tracer_read(tr, t->pid, as, &base_min, &base_maj);
	if (err)
		return err;
	if (w->sample_every)
		timeline_apply(&w->tl, as);
	kernel_window(tr, t, base_min, base_maj, as);
	if (has_mm(t))
		err = apply_snapshot(as, t->pid, final && !t->spawned, cfg->all_vmas);
	if (!err)
		err = aspace_finish(as, cfg->sort, cfg->all_vmas);
	if (!err && cfg->code && final)
		err = tracer_read_code(tr, t->pid, as);
	if (!err && cfg->stacks && final)
		err = tracer_read_stacks(tr, t->pid, cfg->stacks, as);
	if (!err && (cfg->inherit || cfg->merge_comm || ts->nr > 1))
		err = add_processes(cfg, tr, ts, w, as);
	return err;
}

/* Rows of one process, or of every one (-1): children, or -p's list. */
static pid_t rows_of(const struct config *cfg, const struct targets *ts)
{
	return cfg->inherit || ts->nr > 1 ? -1 : ts->t[0].pid;
}

static int emit(const struct config *cfg, FILE *f, const struct address_space *as)
{
	/* -I -j is a stream of reports, one a line; a file or pipe gets one line */
	if (cfg->json)
		return report_json(f, as, cfg->pretty || (!cfg->interval && cfg->columns));
	report_text(f, as, cfg);
	return ferror(f) ? -EIO : 0;
}

/*
 * Where the report and the live view go without -o FILE: with a command,
 * stderr, as perf stat's, so that they never mix with what the command
 * prints; with -p, stdout; "-o -" asks for stdout.
 */
static FILE *report_stream(const struct config *cfg)
{
	if (cfg->output && !strcmp(cfg->output, "-"))
		return stdout;
	return cfg->command ? stderr : stdout;
}

/* A sample for the timeline; with -I, the live view (or a JSON report). */
static void sample(const struct config *cfg, struct tracer *tr,
		   struct targets *ts, struct window *w, bool view)
{
	FILE *f = report_stream(cfg);
	struct address_space as;

	if (tracer_sample(tr, rows_of(cfg, ts), &w->tl))
		fprintf(stderr, "vmtrace: warning: failed to sample the rows: %s\n",
			strerror(errno));
	if (!cfg->interval || !view)
		return;
	if (!build_report(cfg, tr, ts, w, false, &as)) {
		if (cfg->json)
			emit(cfg, f, &as);
		else
			live_print(f, &as, cfg, isatty(fileno(f)));
		fflush(f);
	}
	procs_free(as.procs);
	aspace_free(&as);
}

/*
 * One line on stderr without stdio: the main thread may hold stderr's lock
 * (stopped, or blocked on a stderr nobody reads) while this thread answers.
 */
static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n :
			   sizeof(line) - 1) < 0)
		return;	/* nowhere left to say it */
}

static void on_signal(struct signals *sg, const struct signalfd_siginfo *si)
{
	int n = atomic_fetch_add(&sg->count, 1) + 1, phase = atomic_load(&sg->phase);
	bool busy = phase == PH_REPORT || phase == PH_THROUGH;
	const char *name = sigabbrev_np(si->ssi_signo);
	uint64_t one = 1;

	if (phase == PH_START) {
		say("vmtrace: SIG%s while starting: nothing was traced\n", name);
		_exit(1);
	}
	if (busy && n > 1) {
		say("vmtrace: SIG%s again: the report is abandoned%s\n", name,
		    phase == PH_REPORT ? ", nothing written" : "");
		_exit(1);
	}
	if (busy)
		say("vmtrace: SIG%s: %s the report; again to abandon it\n", name,
		    phase == PH_REPORT ? "building" : "writing");
	if (sg->command > 0 && n == 1 &&
	    (si->ssi_code == SI_USER || si->ssi_code == SI_QUEUE))
		kill(sg->command, si->ssi_signo);
	if (write(sg->wake, &one, sizeof(one)) < 0)
		return;	/* an eventfd's counter does not overflow from signals */
}

static void *signal_thread(void *arg)
{
	struct signals *sg = arg;
	struct signalfd_siginfo si;

	for (;;) {
		struct pollfd fds[2] = { { sg->sigfd, POLLIN, 0 }, { sg->quit, POLLIN, 0 } };

		if (poll(fds, 2, -1) < 0 || fds[1].revents)
			return NULL;
		if (read(sg->sigfd, &si, sizeof(si)) == sizeof(si))
			on_signal(sg, &si);
	}
}

/* Signals already blocked: read them from now on, in the start phase. */
static int signals_start(struct signals *sg, int sigfd, pid_t command)
{
	sg->sigfd = sigfd;
	sg->command = command;
	sg->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sg->quit = eventfd(0, EFD_CLOEXEC);
	if (sg->wake < 0 || sg->quit < 0)
		return -errno;
	errno = pthread_create(&sg->thread, NULL, signal_thread, sg);
	sg->running = !errno;
	return -errno;
}

static void signals_stop(struct signals *sg)
{
	uint64_t one = 1;

	if (sg->running && write(sg->quit, &one, sizeof(one)) == sizeof(one))
		pthread_join(sg->thread, NULL);
	if (sg->wake >= 0)
		close(sg->wake);
	if (sg->quit >= 0)
		close(sg->quit);
}

static double earliest(double a, double b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

/*
 * How often exited children's rows are moved out of BPF (tracer/reclaim.c):
 * their slots serve new children. Each pass costs a walk of the rows.
 */
#define RECLAIM_EVERY_S	0.25

/* A signal to stop on: the first (-p), or the second (a command got the first). */
static bool stop_on_signal(const struct target *t, struct signals *sg)
{
	uint64_t n;

	if (read(sg->wake, &n, sizeof(n)) != sizeof(n))
		return false;
	return !t->spawned || atomic_load(&sg->count) > 1;
}

/*
 * A sample per interval; with -I a live view too, unless it would end past
 * the deadline (judged by the last one's cost: the final report follows at
 * once anyway). Ticks missed while drawing are skipped, not caught up in a
 * burst: their faults land in the next tick.
 */
static void take_sample(const struct config *cfg, struct tracer *tr, struct targets *ts,
			struct window *w, struct signals *sg, double deadline,
			double *next, double *cost)
{
	double start = now_s();
	bool view = !deadline || start + *cost < deadline;

	atomic_store(&sg->phase, PH_REPORT);
	sample(cfg, tr, ts, w, view);
	atomic_store(&sg->phase, PH_WAIT);
	if (view && cfg->interval)
		*cost = now_s() - start;
	*next += w->sample_every;
	if (*next <= now_s())
		*next = now_s() + w->sample_every;
}

/* The signal's wake fd, then the pidfd of each process still running. */
static nfds_t poll_set(const struct targets *ts, const struct signals *sg,
		       struct pollfd *fds, size_t *which)
{
	nfds_t n = 1;

	fds[0] = (struct pollfd){ sg->wake, POLLIN, 0 };
	for (size_t i = 0; i < ts->nr; i++)
		if (!ts->t[i].exited) {
			which[n] = i;
			fds[n++] = (struct pollfd){ ts->t[i].pidfd, POLLIN, 0 };
		}
	return n;
}

/*
 * Marks the processes whose pidfd says they exited; true once none is
 * left. One that exits early keeps its rows, and BPF summed its counters
 * at its exit (attached_kernel()): tracing goes on for the others.
 */
static bool note_exits(const struct config *cfg, struct targets *ts,
		       const struct pollfd *fds, const size_t *which, nfds_t n)
{
	nfds_t left = n - 1;

	for (nfds_t i = 1; i < n; i++) {
		if (!fds[i].revents)
			continue;
		ts->t[which[i]].exited = true;
		if (--left && cfg->verbose)
			fprintf(stderr, "vmtrace: PID %d exited; %u still traced\n",
				ts->t[which[i]].pid, (unsigned int)left);
	}
	return !left;
}

/* Moves exited children's rows out of BPF, and drains the dead VMAs' ring. */
static void reclaim(const struct config *cfg, struct tracer *tr)
{
	int moved = cfg->inherit ? tracer_reclaim_exited(tr) : 0;

	if (moved > 0 && cfg->verbose)
		fprintf(stderr, "vmtrace: moved %d rows of exited processes "
			"out of the kernel's table\n", moved);
	tracer_dead_drain(tr);	/* the ring holds a few drains' worth */
}

static enum stop_reason wait_loop(const struct config *cfg, struct tracer *tr,
				  struct targets *ts, struct signals *sg, struct window *w)
{
	double deadline = cfg->duration ? w->start_s + cfg->duration : 0;
	double next_print = w->sample_every ? w->start_s + w->sample_every : 0;
	double next_reclaim = cfg->inherit || cfg->dead_vmas ? w->start_s + RECLAIM_EVERY_S : 0;
	double cost = 0;	/* of the last live view */

	for (;;) {
		struct pollfd fds[1 + MAX_TARGET_PIDS];
		size_t which[1 + MAX_TARGET_PIDS];
		nfds_t n = poll_set(ts, sg, fds, which);
		double wake = earliest(earliest(deadline, next_print), next_reclaim);
		int timeout = wake ? (int)((wake - now_s()) * 1000) + 1 : -1;

		if (poll(fds, n, timeout < 0 && wake ? 0 : timeout) < 0 && errno != EINTR)
			return STOP_ERROR;
		if (note_exits(cfg, ts, fds, which, n))
			return STOP_EXITED;
		if (fds[0].revents && stop_on_signal(&ts->t[0], sg))
			return STOP_SIGNAL;
		if (deadline && now_s() >= deadline)
			return STOP_DURATION;
		if (next_print && now_s() >= next_print)
			take_sample(cfg, tr, ts, w, sg, deadline, &next_print, &cost);
		if (next_reclaim && now_s() >= next_reclaim) {
			reclaim(cfg, tr);
			next_reclaim = now_s() + RECLAIM_EVERY_S;
		}
	}
}

/*
 * An attached process's counters where its window opens: the whole
 * process's, and its live threads' alone, which their exits will sum from
 * (a thread that exits while vmtrace attaches, after its lineage began and
 * before these reads, is counted twice in a window read from the sums).
 */
static void open_attached(struct target *t)
{
	t->have_start = !read_stat(t->pid, &t->start) &&
			!read_threads_faults(t->pid, &t->threads_minflt,
					     &t->threads_majflt);
}

/* Opens the window: the kernel's counters now, or the command's exec. */
static int start_window(const struct config *cfg, struct targets *ts,
			struct window *w)
{
	w->start_s = now_s();
	w->sample_every = cfg->interval ? cfg->interval :
			  cfg->heatmap ? HEATMAP_SAMPLE_S : 0;
	timeline_init(&w->tl, w->sample_every, cfg->heatmap);
	if (ts->t[0].spawned)
		return target_release(&ts->t[0], cfg->command);
	for (size_t i = 0; i < ts->nr; i++)
		open_attached(&ts->t[i]);
	return 0;
}

/* --folded FILE: written whole before the report, or not at all. */
static int emit_folded(const struct config *cfg, struct output *folded,
		       const struct address_space *as)
{
	int err;

	if (!cfg->folded)
		return 0;
	err = stacks_folded(folded->file, as, cfg->folded_kind);
	if (err) {
		fprintf(stderr, "vmtrace: failed to write %s: %s\n", cfg->folded,
			strerror(-err));
		return err;
	}
	return output_commit(folded);
}

static int finish(const struct config *cfg, struct tracer *tr, struct targets *ts,
		  struct window *w, struct output out[2], struct signals *sg)
{
	struct address_space as;
	int err;

	atomic_store(&sg->phase, PH_REPORT);
	if (w->sample_every)	/* the last, partial tick */
		tracer_sample(tr, rows_of(cfg, ts), &w->tl);
	err = build_report(cfg, tr, ts, w, true, &as);

	if (!err)
		err = emit(cfg, out[0].file, &as);
	if (!err)
		err = emit_folded(cfg, &out[1], &as);
	atomic_store(&sg->phase, out->replace ? PH_WRITE : PH_THROUGH);
	if (!err)
		err = output_commit(out);
	atomic_store(&sg->phase, PH_WRITE);
	procs_free(as.procs);
	aspace_free(&as);
	return err;
}

/* -p of a process that exited before its window opened: nothing was traced. */
static int check_alive(const struct target *t)
{
	if (t->spawned)
		return 0;
	if (target_gone(t) || (t->have_start && t->start.state == 'Z')) {
		fprintf(stderr, "vmtrace: PID %d exited while vmtrace was attaching: "
			"nothing was traced\n", t->pid);
		return -ESRCH;
	}
	if (!t->have_start)
		fprintf(stderr, "vmtrace: warning: could not read /proc/%d/stat: "
			"no kernel counters to compare with\n", t->pid);
	return 0;
}

/* Every process traced from now on, and each still there once it is. */
static int add_targets(const struct config *cfg, struct tracer *tr,
		       struct targets *ts, struct window *w)
{
	int err = 0;

	for (size_t i = 0; !err && i < ts->nr; i++)
		err = tracer_add_target(tr, ts->t[i].pid, ts->t[i].spawned);
	if (!err)
		err = start_window(cfg, ts, w);
	for (size_t i = 0; !err && i < ts->nr; i++)
		err = check_alive(&ts->t[i]);
	return err;
}

/* "PID 12" or "PIDs 12, 15, 17": what the user is told is traced. */
static void traced_text(const struct targets *ts, char *buf, size_t size)
{
	size_t len = snprintf(buf, size, "PID%s", ts->nr > 1 ? "s" : "");

	for (size_t i = 0; i < ts->nr && len < size; i++)
		len += snprintf(buf + len, size - len, "%s %d", i ? "," : "",
				ts->t[i].pid);
}

static int trace(const struct config *cfg, struct targets *ts, struct tracer *tr,
		 struct output out[2], struct signals *sg, enum stop_reason *why)
{
	struct window w = { 0 };
	char pids[MAX_TARGET_PIDS * 12];
	int err = add_targets(cfg, tr, ts, &w);

	if (err)
		return err;
	if (cfg->verbose)
		fprintf(stderr, "vmtrace: attached in %s\n", tr->timing);
	if (tr->missing[0] && cfg->verbose)
		fprintf(stderr, "vmtrace: not on this kernel (skipped): %s\n", tr->missing);
	atomic_store(&sg->phase, PH_WAIT);	/* before the line a user acts on */
	/* a command's end stops tracing, and its stderr may be the report's alone */
	traced_text(ts, pids, sizeof(pids));
	if (!ts->t[0].spawned || cfg->verbose)
		fprintf(stderr, "vmtrace: tracing %s (backend %s); Ctrl-C to stop\n",
			pids, tr->backend);
	*why = wait_loop(cfg, tr, ts, sg, &w);
	if (*why == STOP_ERROR) {
		err = -errno;
		fprintf(stderr, "vmtrace: failed to wait for events: %s\n", strerror(-err));
	} else {
		err = finish(cfg, tr, ts, &w, out, sg);
	}
	timeline_free(&w.tl);
	if (cfg->verbose)
		tracer_print_stats(tr, stderr);
	return err;
}

/*
 * For tests/bench: the most memory vmtrace held at once (not its command's).
 * VmHWM, not getrusage()'s ru_maxrss: that one also keeps the peak of the
 * process before exec, which under a vfork()ing parent (Python's subprocess)
 * is the parent's memory.
 */
static void print_peak_rss(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			fprintf(stderr, "vmtrace: peak RSS %ld KiB\n", strtol(line + 6, NULL, 10));
	if (f)
		fclose(f);
}

/* A command still running when tracing stopped early: stopped, and said so. */
static void stop_command(const struct config *cfg, struct target *t,
			 enum stop_reason why, int wake)
{
	char text[64];

	if (why != STOP_DURATION && why != STOP_SIGNAL)
		return;
	if (why == STOP_DURATION)
		snprintf(text, sizeof(text), "-d %g s elapsed", cfg->duration);
	else
		snprintf(text, sizeof(text), "interrupted");
	target_stop(t, text, wake);
}

/* The command forked, or every -p process opened and checked, in order. */
static int open_targets(const struct config *cfg, struct targets *ts,
			const sigset_t *saved)
{
	int err = 0;

	if (cfg->command) {
		ts->nr = 1;
		return target_spawn(&ts->t[0], cfg->command, saved, cfg->orphan, cfg->user);
	}
	/* nr counts a target that failed too: target_close() gets it */
	for (ts->nr = 0; !err && ts->nr < cfg->nr_pids; ts->nr++)
		err = target_attach(&ts->t[ts->nr], cfg->pids[ts->nr]);
	return err;
}

static void close_targets(struct targets *ts)
{
	for (size_t i = 0; i < ts->nr; i++)
		target_close(&ts->t[i]);
}

int main(int argc, char **argv)
{
	struct targets ts = { .nr = 0 };
	struct target *t = &ts.t[0];	/* the report's; a command's */
	struct signals sg = { .wake = -1, .quit = -1 };
	enum stop_reason why = STOP_NONE;
	struct tracer tr = { 0 };
	struct output out[2] = { 0 };	/* the report; --folded's file */
	struct config cfg;
	sigset_t sigs, saved;
	int sigfd, err;

	if (argc > 1 && is_ci_command(argv[1])) {
		parse_ci_args(argc, argv, &cfg);	/* record, check, diff */
		return ci_run(&cfg);
	}
	parse_args(argc, argv, &cfg);
	tracer_set_verbose(cfg.verbose);
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IOLBF, 0);	/* a live view's lines, not its bytes */
	if (cfg.version)	/* no privilege needed */
		return print_version(&cfg);
	if (tracer_check_environment(&cfg))
		return 1;
	if (cfg.features)
		return print_features(&cfg);
	if (cfg.runs)	/* -r: record's runner, each row's mean and spread */
		return repeat_run(&cfg);
	if (output_open(&out[0], cfg.output, fileno(report_stream(&cfg))))
		return 1;
	if (cfg.folded && output_open(&out[1], cfg.folded, STDOUT_FILENO)) {
		output_abort(&out[0]);
		return 1;
	}
	cfg.columns = terminal_columns(out[0].fd);	/* the report is made in memory */
	target_signals(&sigs);
	sigprocmask(SIG_BLOCK, &sigs, &saved);
	sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	err = sigfd < 0 ? -errno : 0;
	if (!err)
		err = open_targets(&cfg, &ts, &saved);
	if (!err)	/* after the fork: the command is forked from one thread */
		err = signals_start(&sg, sigfd, t->spawned ? t->pid : 0);
	if (!err)
		err = tracer_open(&tr, &cfg);
	if (!err)
		err = trace(&cfg, &ts, &tr, out, &sg, &why);
	tracer_close(&tr);	/* detach before the command is reaped or killed */
	stop_command(&cfg, t, why, sg.wake);
	close_targets(&ts);
	signals_stop(&sg);
	if (err) {
		output_abort(&out[0]);
		output_abort(&out[1]);
	}
	if (sigfd >= 0)
		close(sigfd);
	if (cfg.verbose)
		print_peak_rss();
	return err ? 1 : target_exit_code(t);
}
