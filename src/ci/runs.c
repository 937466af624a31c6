// SPDX-License-Identifier: GPL-2.0
/*
 * record, check, diff. The tracer is loaded once and the command run N times
 * under it, one after the other; after each run the processes and their rows
 * are read, merged by command name, and forgotten (procs_forget), so the
 * next run starts empty and a leftover child of this one stops being traced.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include "tracer/attach.h"
#include "ci/baseline.h"
#include "ci/compare.h"
#include "report/json_writer.h"
#include "report/output.h"
#include "report/report.h"
#include "model/procs.h"
#include "ci/runs.h"
#include "tracer/target.h"

/* Waits for the command to exit; a signal to vmtrace kills it. */
static int wait_command(struct target *t, int sigfd)
{
	for (;;) {
		struct pollfd fds[2] = { { sigfd, POLLIN, 0 }, { t->pidfd, POLLIN, 0 } };

		if (poll(fds, 2, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "vmtrace: failed to wait for the command: %s\n",
				strerror(errno));
			return -errno;
		}
		if (fds[1].revents)
			return 0;
		if (fds[0].revents) {
			fprintf(stderr, "vmtrace: interrupted: no verdict\n");
			return -EINTR;
		}
	}
}

/* The run's processes, merged by command into p; their counts beside the kernel's. */
static int read_run(const struct config *cfg, struct tracer *tr, struct profile *p,
		    struct run_kernel *rk)
{
	struct proc_set *set = NULL;
	int err = procs_collect(tr, NULL, SORT_ADDR, &set);

	*rk = (struct run_kernel){ .known = true };
	for (size_t k = 0; !err && k < set->nr_pids; k++) {
		const struct proc_kernel *pk = &set->kernel[k];

		rk->traced += pk->traced;
		rk->kernel += pk->minflt + pk->majflt;
		rk->known &= pk->known;
		if (cfg->verbose && pk->known && pk->minflt + pk->majflt != pk->traced)
			fprintf(stderr, "vmtrace: pid %d: traced %llu faults, kernel %llu\n",
				pk->pid, (unsigned long long)pk->traced,
				(unsigned long long)(pk->minflt + pk->majflt));
	}
	if (!err)
		err = profile_from_procs(p, set, cfg->root);
	procs_free(set);
	return err;
}

static int run_once(const struct config *cfg, struct tracer *tr, int sigfd,
		    const sigset_t *saved, struct profile *p, struct run_kernel *rk)
{
	struct target t = { .pidfd = -1, .go_fd = -1, .exec_fd = -1 };
	int err = target_spawn(&t, cfg->command, saved, false, cfg->user);

	if (!err)
		err = tracer_add_target(tr, t.pid, true);
	if (!err)
		err = target_release(&t, cfg->command);
	if (!err)
		err = wait_command(&t, sigfd);
	if (!err)	/* before the reap: the command's rows and lineage are complete */
		err = read_run(cfg, tr, p, rk);
	target_close(&t);
	procs_forget(tr);
	if (!err && target_exit_code(&t)) {
		fprintf(stderr, "vmtrace: the command exited with status %d: no profile "
			"of a failed run is kept\n", target_exit_code(&t));
		profile_free(p);
		err = -ECHILD;
	}
	return err;
}

/* --tolerance-for C of a counter that is not measured could never apply. */
static int check_measured(const struct config *cfg, const bool *unavailable,
			  const char *backend)
{
	for (int c = 0; c < NR_PCOUNTERS; c++) {
		const struct tolerance *t = &cfg->tol.per[c];

		if (!unavailable[c] || !(t->has_relative || t->has_min_count))
			continue;
		fprintf(stderr, "vmtrace: --tolerance-for %s: %s does not measure it\n",
			pcounter_names[c], backend);
		return -EINVAL;
	}
	return 0;
}

void run_profiles_free(struct run_profiles *rp)
{
	for (unsigned int i = 0; rp->runs && i < rp->n; i++)
		profile_free(&rp->runs[i]);
	free(rp->runs);
	free(rp->kernel);
	memset(rp, 0, sizeof(*rp));
}

int runs_collect(const struct config *cfg, struct run_profiles *rp)
{
	struct tracer tr = { 0 };
	sigset_t sigs, saved;
	int sigfd, err = 0;

	memset(rp, 0, sizeof(*rp));
	rp->runs = calloc(cfg->runs, sizeof(*rp->runs));
	rp->kernel = calloc(cfg->runs, sizeof(*rp->kernel));
	if (!rp->runs || !rp->kernel)
		err = -ENOMEM;
	target_signals(&sigs);
	sigprocmask(SIG_BLOCK, &sigs, &saved);
	sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (!err && sigfd < 0)
		err = -errno;
	if (!err)
		err = tracer_open(&tr, cfg);
	if (!err) {
		bool unavailable[NR_PCOUNTERS];
		char backend[64];

		baseline_unavailable(unavailable, tr.unavailable);
		snprintf(backend, sizeof(backend), "the %s backend", tr.backend);
		err = check_measured(cfg, unavailable, backend);
	}
	for (; !err && rp->n < cfg->runs; rp->n++) {
		/* plain -r prints nothing but its report, as perf stat -r */
		if (cfg->runs > 1 && (cfg->ci != CI_NONE || cfg->verbose))
			fprintf(stderr, "vmtrace: run %u of %u (backend %s)\n", rp->n + 1,
				cfg->runs, tr.backend);
		err = run_once(cfg, &tr, sigfd, &saved, &rp->runs[rp->n], &rp->kernel[rp->n]);
	}
	if (!err && tracer_row_drops(&tr))
		fprintf(stderr, "vmtrace: warning: %llu faults in no row (the row table "
			"was full): raise --max-vmas\n",
			(unsigned long long)tracer_row_drops(&tr));
	if (!err)
		snprintf(rp->backend, sizeof(rp->backend), "%s", tr.backend);
	tracer_close(&tr);
	if (sigfd >= 0)
		close(sigfd);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (err)
		run_profiles_free(rp);
	return err;
}

/* Runs the command cfg->runs times into a baseline of the medians. */
static int run_all(const struct config *cfg, struct baseline *b)
{
	struct run_profiles rp;
	int err = runs_collect(cfg, &rp);

	memset(b, 0, sizeof(*b));
	if (err)
		return err;
	err = baseline_from_profiles(b, rp.runs, rp.n);
	if (!err)
		snprintf(b->backend, sizeof(b->backend), "%s", rp.backend);
	run_profiles_free(&rp);
	return err;
}

void runs_command_line(char **argv, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (; *argv && len + 1 < size; argv++)
		len += snprintf(buf + len, size - len, "%s%s", len ? " " : "", *argv);
}

static int record(const struct config *cfg)
{
	struct output out;
	struct baseline b;
	int err;

	if (output_open(&out, cfg->output, STDOUT_FILENO))
		return CI_EXIT_ERROR;
	err = run_all(cfg, &b);
	if (!err) {
		runs_command_line(cfg->command, b.command, sizeof(b.command));
		b.tol = cfg->tol.all;
		memcpy(b.tol_for, cfg->tol.per, sizeof(b.tol_for));
		err = baseline_write(out.file, &b);
	}
	if (!err)
		err = output_commit(&out);
	else
		output_abort(&out);
	if (!err)
		fprintf(stderr, "vmtrace: recorded %zu rows over %u run%s in %s\n", b.nr,
			b.runs, b.runs > 1 ? "s" : "", cfg->output);
	baseline_free(&b);
	return err ? CI_EXIT_ERROR : CI_EXIT_OK;
}

/* Reads a baseline; the counters it lists as unavailable take no --tolerance-for. */
static int load(const struct config *cfg, const char *path, struct baseline *b)
{
	char err[BASELINE_ERR_MAX], backend[PATH_MAX + 64];

	if (baseline_load(path, cfg->root, b, err, sizeof(err))) {
		fprintf(stderr, "vmtrace: baseline %s: %s\n", path, err);
		return -EINVAL;
	}
	snprintf(backend, sizeof(backend), "the backend of baseline %s (%s)", path,
		 b->backend[0] ? b->backend : "not recorded");
	if (!check_measured(cfg, b->unavailable, backend))
		return 0;
	baseline_free(b);
	return -EINVAL;
}

/* s for one line of stderr: control bytes as '?'. */
static const char *one_line(char *buf, size_t size, const char *s)
{
	snprintf(buf, size, "%s", s);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return buf;
}

/*
 * A baseline of another command compares different programs: a warning (the
 * verdicts follow), or with --strict an error. Either side without a
 * recorded command (it is optional) is not compared.
 */
static int same_command(const struct config *cfg, const struct baseline *base,
			const char *now, const char *now_name)
{
	char a[sizeof(base->command)], b[sizeof(base->command)];

	if (!base->command[0] || !now[0] || !strcmp(base->command, now))
		return 0;
	fprintf(stderr, "vmtrace: %sbaseline %s was recorded for '%s', %s '%s'%s\n",
		cfg->strict ? "" : "warning: ", cfg->baseline,
		one_line(a, sizeof(a), base->command), now_name,
		one_line(b, sizeof(b), now),
		cfg->strict ? " (--strict)" : " (--strict makes this an error)");
	return cfg->strict ? -EINVAL : 0;
}

static const char *mode_name(const struct config *cfg)
{
	return cfg->ci == CI_DIFF ? "diff" : "check";
}

/* "; 1 class judged by its sum (-v: its members, as advice)", or "". */
static const char *by_total_text(char *buf, size_t size, const struct compare_result *res)
{
	buf[0] = '\0';
	if (res->by_total)
		snprintf(buf, size, "; %u class%s judged by %s sum (-v: %s members, as advice)",
			 res->by_total, res->by_total == 1 ? "" : "es",
			 res->by_total == 1 ? "its" : "their", res->by_total == 1 ? "its" : "their");
	return buf;
}

/* The table, then one line: the verdict. */
static void verdict_text(const struct config *cfg, const struct baseline *base,
			 const struct baseline *now, FILE *junit, struct compare_result *res)
{
	struct tolerance t = tolerance_of(PC_FAULTS, &cfg->tol, base);
	unsigned int columns = terminal_columns(STDOUT_FILENO);
	struct compare_out out = {
		.text = stdout, .junit = junit,
		.width = cfg->wide ? SIZE_MAX : columns ? columns : DEFAULT_COLUMNS,
	};
	char by_total[96];

	if (base->backend[0] && now->backend[0] && strcmp(base->backend, now->backend))
		printf("note: the baseline was recorded with backend %s, this run used %s\n",
		       base->backend, now->backend);
	compare_baselines(&out, base, now, &cfg->tol, cfg->verbose, res);
	errno = 0;	/* the verdict's own line says why stdout failed, if it did */
	/* the verdict, then how it was judged: on a line of its own unless -w */
	printf("vmtrace %s: %s: %u regression%s, %u noisy; %u counters changed, %u new rows, "
	       "%u rows gone%s%s(baseline %u run%s, now %u; slack: the most of %.4g%% or %llu, "
	       "%dx the spread%s)\n", mode_name(cfg),
	       res->regressions ? "FAIL" : "PASS",
	       res->regressions, res->regressions == 1 ? "" : "s", res->noisy, res->changed,
	       res->new_rows, res->gone_rows, by_total_text(by_total, sizeof(by_total), res),
	       cfg->wide ? " " : "\n  ", base->runs, base->runs == 1 ? "" : "s",
	       now->runs, t.relative * 100, t.min_count, SPREAD_FACTOR,
	       t.relative > 0 ? ", 3 x sqrt(median)" : "");
}

/* --json: the same as one object (docs/schema/verdict.schema.json). */
static void verdict_json(const struct config *cfg, const struct baseline *base,
			 const struct baseline *now, FILE *junit, struct compare_result *res)
{
	struct tolerance t = tolerance_of(PC_FAULTS, &cfg->tol, base);
	struct json_writer w;

	jw_init(&w, stdout, cfg->pretty ? JW_PRETTY : JW_COMPACT);
	jw_begin_object(&w);
	jw_string_field(&w, "schema", VERDICT_SCHEMA);
	jw_string_field(&w, "mode", mode_name(cfg));
	jw_string_field(&w, "baseline", cfg->baseline);
	jw_string_field(&w, "other", cfg->ci == CI_DIFF ? cfg->other : NULL);
	jw_string_field(&w, "command", now->command[0] ? now->command : NULL);
	jw_string_field(&w, "baseline_backend", base->backend[0] ? base->backend : NULL);
	jw_string_field(&w, "backend", now->backend[0] ? now->backend : NULL);
	jw_name(&w, "rows");
	jw_begin_array(&w);
	compare_baselines(&(struct compare_out){ .json = &w, .junit = junit }, base, now,
			  &cfg->tol, cfg->verbose, res);
	jw_end_array(&w);
	jw_string_field(&w, "verdict", res->regressions ? "fail" : "pass");
	jw_uint64_field(&w, "regressions", res->regressions);
	jw_uint64_field(&w, "noisy", res->noisy);
	jw_uint64_field(&w, "changed", res->changed);
	jw_uint64_field(&w, "new_rows", res->new_rows);
	jw_uint64_field(&w, "gone_rows", res->gone_rows);
	jw_uint64_field(&w, "by_total", res->by_total);
	jw_uint64_field(&w, "baseline_runs", base->runs);
	jw_uint64_field(&w, "runs", now->runs);
	jw_double_field(&w, "faults_tolerance_pct", t.relative * 100);
	jw_uint64_field(&w, "faults_min_count", t.min_count);
	jw_uint64_field(&w, "spread_factor", SPREAD_FACTOR);
	jw_end_object(&w);
	errno = -jw_finish(&w);
}

/*
 * --junit FILE: one test suite, a test case per row judged (its cases
 * written while comparing), whole or not at all.
 */
static int junit_write(const struct config *cfg, struct output *out, const char *cases,
		       const struct compare_result *res)
{
	fprintf(out->file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
		"  <testsuite name=\"vmtrace %s\" tests=\"%u\" failures=\"%u\" "
		"skipped=\"%u\" errors=\"0\">\n%s  </testsuite>\n</testsuites>\n",
		mode_name(cfg), res->rows, res->regressions, res->noisy, cases ? cases : "");
	return output_commit(out);
}

static int stdout_error(void)
{
	if (!fflush(stdout) && !ferror(stdout) && !errno)
		return 0;
	fprintf(stderr, "vmtrace: failed to write to stdout: %s\n", strerror(errno ? errno : EIO));
	return -EIO;
}

static int verdict(const struct config *cfg, const struct baseline *base,
		   const struct baseline *now)
{
	struct output junit = { 0 };
	struct compare_result res;
	char *cases = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int err;

	if (cfg->junit && (output_open(&junit, cfg->junit, STDOUT_FILENO) ||
			   !(f = open_memstream(&cases, &len)))) {
		output_abort(&junit);
		return CI_EXIT_ERROR;
	}
	if (cfg->json)
		verdict_json(cfg, base, now, f, &res);
	else
		verdict_text(cfg, base, now, f, &res);
	err = stdout_error();
	if (f)
		fclose(f);
	if (cfg->junit && err)
		output_abort(&junit);
	else if (cfg->junit)
		err = junit_write(cfg, &junit, cases, &res);
	free(cases);
	if (err)
		return CI_EXIT_ERROR;
	return res.regressions ? CI_EXIT_REGRESSION : CI_EXIT_OK;
}

static int check(const struct config *cfg)
{
	char command[sizeof(((struct baseline *)0)->command)];
	struct baseline base, now;
	int ret;

	if (load(cfg, cfg->baseline, &base))
		return CI_EXIT_ERROR;
	runs_command_line(cfg->command, command, sizeof(command));
	if (same_command(cfg, &base, command, "this command is") || run_all(cfg, &now)) {
		baseline_free(&base);
		return CI_EXIT_ERROR;
	}
	ret = verdict(cfg, &base, &now);
	baseline_free(&base);
	baseline_free(&now);
	return ret;
}

static int diff(const struct config *cfg)
{
	struct baseline a, b;
	int ret = CI_EXIT_ERROR;

	if (load(cfg, cfg->baseline, &a))
		return CI_EXIT_ERROR;
	if (!load(cfg, cfg->other, &b)) {
		char whose[PATH_MAX + 32];

		snprintf(whose, sizeof(whose), "%s for", cfg->other);
		if (!same_command(cfg, &a, b.command, whose))
			ret = verdict(cfg, &a, &b);
		baseline_free(&b);
	}
	baseline_free(&a);
	return ret;
}

int ci_run(struct config *cfg)
{
	static char cwd[PATH_MAX];

	tracer_set_verbose(cfg->verbose);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!cfg->root && getcwd(cwd, sizeof(cwd)))
		cfg->root = cwd;
	if (cfg->ci == CI_DIFF)
		return diff(cfg);
	if (tracer_check_environment(cfg))
		return CI_EXIT_ERROR;
	return cfg->ci == CI_RECORD ? record(cfg) : check(cfg);
}
