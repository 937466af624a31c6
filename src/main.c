// SPDX-License-Identifier: GPL-2.0
/*
 * vmtrace: page faults of a process, per virtual memory area.
 * main() runs the session: target, tracer, wait loop, report, cleanup.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include "tracer/attach.h"
#include "cli.h"
#include "report/live.h"
#include "kernel_features.h"
#include "model/procs.h"
#include "report/output.h"
#include "report/report.h"
#include "ci/runs.h"
#include "tracer/target.h"
#include "model/timeline.h"

/*
 * Heatmaps without -i: sample this often. Long traces coarsen by themselves
 * (ticks merge), and a sample reads every row, so not much more often.
 */
#define HEATMAP_SAMPLE_S 0.25

/* The traced window: its start, the kernel's counters then, samples since. */
struct window {
	double start_s;
	bool have_start;
	struct proc_stat start;
	double sample_every;	/* 0: no timeline */
	struct timeline tl;
};

enum stop_reason { STOP_EXITED, STOP_SIGNAL, STOP_DURATION, STOP_ERROR };

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
 * The kernel's counters over the traced window. A spawned command's window
 * opened at its exec (BPF recorded the counters then); an attached process's
 * when vmtrace read its stat just after attaching.
 */
static void kernel_window(struct target *t, const struct window *w,
			  uint64_t base_min, uint64_t base_maj,
			  struct address_space *as, struct proc_stat *end)
{
	bool exited = t->spawned && !t->reaped;
	int err = exited ? target_final_stat(t, end) : read_stat(t->pid, end);

	if (t->spawned && exited && err)
		err = read_stat(t->pid, end);
	if (err || (!t->spawned && !w->have_start))
		return;
	as->kernel_known = true;
	as->kernel_minflt = end->minflt - (t->spawned ? base_min : w->start.minflt);
	as->kernel_majflt = end->majflt - (t->spawned ? base_maj : w->start.majflt);
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

/* The report of the window so far; final once tracing has stopped. */
static int build_report(const struct config *cfg, struct tracer *tr,
			struct target *t, const struct window *w, bool final,
			struct address_space *as)
{
	uint64_t base_min = 0, base_maj = 0;
	struct proc_stat end;
	int err;

	aspace_init(as, t->pid);
	command_line(cfg, t, as->command, sizeof(as->command));
	as->duration_s = now_s() - w->start_s;
	err = tracer_read(tr, t->pid, as, &base_min, &base_maj);
	if (err)
		return err;
	if (w->sample_every)
		timeline_apply(&w->tl, as);
	kernel_window(t, w, base_min, base_maj, as, &end);
	if (!t->reaped && end.state != 'Z')
		err = apply_snapshot(as, t->pid, final && !t->spawned, cfg->all_vmas);
	if (!err)
		err = aspace_finish(as, cfg->sort, cfg->all_vmas);
	if (!err && (cfg->inherit || cfg->merge_comm) &&
	    !(err = procs_collect(tr, as, cfg->sort, &as->procs))) {
		as->procs->merge_comm = cfg->merge_comm;
		for (size_t i = 0; w->sample_every && i < as->procs->nr; i++)
			timeline_apply(&w->tl, &as->procs->images[i].as);
	}
	return err;
}

static int emit(const struct config *cfg, FILE *f, const struct address_space *as)
{
	if (cfg->json)
		return report_json(f, as);
	report_text(f, as, cfg);
	return ferror(f) ? -EIO : 0;
}

/* A sample for the timeline; with -i, the live view (or a JSON report). */
static void sample(const struct config *cfg, struct tracer *tr,
		   struct target *t, struct window *w)
{
	struct address_space as;

	if (tracer_sample(tr, cfg->inherit ? -1 : t->pid, &w->tl))
		fprintf(stderr, "vmtrace: warning: failed to sample the rows: %s\n",
			strerror(errno));
	if (!cfg->interval)
		return;
	if (!build_report(cfg, tr, t, w, false, &as)) {
		if (cfg->json)
			emit(cfg, stdout, &as);
		else
			live_print(stdout, &as, cfg, isatty(STDOUT_FILENO));
	}
	procs_free(as.procs);
	aspace_free(&as);
}

/*
 * With a command, the first Ctrl-C/SIGTERM is passed on (unless a terminal
 * already sent it to the whole process group) and vmtrace waits for the
 * command to end, as perf stat does; a second one stops at once.
 */
static bool stop_on_signal(struct target *t, int sigfd, int *count)
{
	struct signalfd_siginfo si;

	if (read(sigfd, &si, sizeof(si)) != sizeof(si))
		return false;
	if (!t->spawned || ++*count > 1)
		return true;
	if (si.ssi_code == SI_USER || si.ssi_code == SI_QUEUE)
		kill(t->pid, si.ssi_signo);
	return false;
}

static double earliest(double a, double b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

static enum stop_reason wait_loop(const struct config *cfg, struct tracer *tr,
				  struct target *t, int sigfd, struct window *w)
{
	double deadline = cfg->duration ? w->start_s + cfg->duration : 0;
	double next_print = w->sample_every ? w->start_s + w->sample_every : 0;
	int signals = 0;

	for (;;) {
		struct pollfd fds[2] = { { sigfd, POLLIN, 0 }, { t->pidfd, POLLIN, 0 } };
		double wake = earliest(deadline, next_print);
		int timeout = wake ? (int)((wake - now_s()) * 1000) + 1 : -1;

		if (poll(fds, 2, timeout < 0 && wake ? 0 : timeout) < 0 && errno != EINTR)
			return STOP_ERROR;
		if (fds[1].revents)
			return STOP_EXITED;
		if (fds[0].revents && stop_on_signal(t, sigfd, &signals))
			return STOP_SIGNAL;
		if (deadline && now_s() >= deadline)
			return STOP_DURATION;
		if (next_print && now_s() >= next_print) {
			sample(cfg, tr, t, w);
			next_print += w->sample_every;
		}
	}
}

/* Opens the window: the kernel's counters now, or the command's exec. */
static int start_window(const struct config *cfg, struct target *t,
			struct window *w)
{
	w->start_s = now_s();
	w->sample_every = cfg->interval ? cfg->interval :
			  cfg->heatmap ? HEATMAP_SAMPLE_S : 0;
	timeline_init(&w->tl, w->sample_every, cfg->heatmap);
	if (t->spawned)
		return target_release(t, cfg->command);
	w->have_start = !read_stat(t->pid, &w->start);
	if (!w->have_start)
		fprintf(stderr, "vmtrace: warning: could not read /proc/%d/stat: "
			"no kernel counters to compare with\n", t->pid);
	return 0;
}

static int finish(const struct config *cfg, struct tracer *tr, struct target *t,
		  struct window *w, struct output *out)
{
	struct address_space as;
	int err;

	if (w->sample_every)	/* the last, partial tick */
		tracer_sample(tr, cfg->inherit ? -1 : t->pid, &w->tl);
	err = build_report(cfg, tr, t, w, true, &as);

	if (!err)
		err = emit(cfg, out->file, &as);
	if (!err)
		err = output_commit(out);
	procs_free(as.procs);
	aspace_free(&as);
	return err;
}

static int trace(const struct config *cfg, struct target *t, struct tracer *tr,
		 struct output *out, int sigfd)
{
	struct window w = { 0 };
	int err = tracer_add_target(tr, t->pid, t->spawned);

	if (!err)
		err = start_window(cfg, t, &w);
	if (err)
		return err;
	if (cfg->verbose)
		fprintf(stderr, "vmtrace: attached in %s\n", tr->timing);
	if (tr->missing[0] && cfg->verbose)
		fprintf(stderr, "vmtrace: not on this kernel (skipped): %s\n", tr->missing);
	fprintf(stderr, "vmtrace: tracing PID %d (backend %s); Ctrl-C to stop\n",
		t->pid, tr->backend);
	if (wait_loop(cfg, tr, t, sigfd, &w) == STOP_ERROR) {
		err = -errno;
		fprintf(stderr, "vmtrace: failed to wait for events: %s\n", strerror(-err));
	} else {
		err = finish(cfg, tr, t, &w, out);
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

int main(int argc, char **argv)
{
	struct target t = { .pidfd = -1, .go_fd = -1, .exec_fd = -1 };
	struct tracer tr = { 0 };
	struct output out = { 0 };
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
	if (tracer_check_environment(&cfg))
		return 1;
	if (cfg.features)
		return print_features(&cfg);
	if (output_open(&out, cfg.output))
		return 1;
	target_signals(&sigs);
	sigprocmask(SIG_BLOCK, &sigs, &saved);
	sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	err = sigfd < 0 ? -errno : 0;
	if (!err)
		err = cfg.command ? target_spawn(&t, cfg.command, &saved) :
				    target_attach(&t, cfg.pid);
	if (!err)
		err = tracer_open(&tr, &cfg);
	if (!err)
		err = trace(&cfg, &t, &tr, &out, sigfd);
	tracer_close(&tr);	/* detach before the command is reaped or killed */
	target_close(&t);
	if (err)
		output_abort(&out);
	if (sigfd >= 0)
		close(sigfd);
	if (cfg.verbose)
		print_peak_rss();
	return err ? 1 : target_exit_code(&t);
}
