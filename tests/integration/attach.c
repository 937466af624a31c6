/*
 * vmtrace -p: attaching to a paused workload, to the child of a fork, and
 * stopping on SIGTERM/SIGINT without leaving BPF programs or links behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "itest.h"

/*
 * vmwork pauses at ready, vmtrace attaches, vmwork runs and pauses at
 * done, then exits; vmtrace must notice the exit and stop by itself. The
 * workload is reaped only after that, so /proc/PID survives as a zombie.
 */
static void run_paused(const char *mode, const char *pages, int lines)
{
	const char *args[] = { "--pause-start", "--pause-end", mode, pages,
			       NULL };
	struct session s = { 0 };

	work_start(&s, args, true);
	tracer_attach(&s, s.wpid);
	work_resume(&s, s.wpid, "vmwork: done");
	tracer_finish(&s);
	assert_exit0(proc_wait(&s.work, itest_timeout()), "vmwork", NULL);
	check_expects(&s, s.wpid, true, lines);
	check_report(&s, s.wpid);
	/* read at attach: the process is a zombie by the report, its cmdline gone */
	ck_assert_msg(strstr(json_object_get_string(report_get(&s.rep, "command")), "vmwork"),
		      "command %s", json_object_get_string(report_get(&s.rep, "command")));
	session_free(&s);
}

START_TEST(test_pid_anon)
{
	run_paused("anon", "500", 1);
}
END_TEST

/* Attached at ready, even the [stack] row is exact. */
START_TEST(test_pid_stack)
{
	run_paused("stack", "300", 1);
}
END_TEST

/*
 * The child of cow pauses before its n copy-on-write faults; vmtrace -p
 * CHILD must count exactly those on the shared range, and stop when the
 * child exits (vmwork keeps it a zombie until its own pause at done).
 */
START_TEST(test_cow_child)
{
	const char *args[] = { "--pause-child", "--pause-end", "cow", "300",
			       NULL };
	struct session s = { 0 };
	const char *line;
	char done[64];
	pid_t child;

	work_start(&s, args, false);
	line = proc_wait_line(&s.work, P_OUT, "vmwork: child=", itest_timeout());
	ck_assert_msg(line && strstr(line, " ready"), "no child ready line");
	child = atoi(line + strlen("vmwork: child="));
	tracer_attach(&s, child);
	snprintf(done, sizeof(done), "vmwork: child=%d done", child);
	work_resume(&s, child, done);
	tracer_finish(&s);
	work_release(&s, s.wpid, "vmwork: done");
	assert_exit0(proc_wait(&s.work, itest_timeout()), "vmwork", NULL);
	check_expects(&s, child, true, 1);
	check_report(&s, child);
	session_free(&s);
}
END_TEST

/* Ids in now that were not in before. */
static void idset_new(const struct idset *before, const struct idset *now,
		      struct idset *out)
{
	for (size_t i = 0; i < now->n; i++)
		if (!idset_has(before, now->ids[i]))
			idset_add(out, now->ids[i]);
}

/* Of cand, the ids still alive that no process holds; 0 when none. */
static size_t bpf_leaked(int cmd, const struct idset *cand,
			 const struct idset *held, char *msg, size_t len)
{
	struct idset alive = { 0 };
	size_t n = 0;
	int used = 0;

	bpf_ids(cmd, &alive);
	for (size_t i = 0; i < cand->n; i++) {
		if (!idset_has(&alive, cand->ids[i]) ||
		    idset_has(held, cand->ids[i]))
			continue;
		n++;
		if (used < (int)len)
			used += snprintf(msg + used, len - used, " %u",
					 cand->ids[i]);
	}
	idset_free(&alive);
	return n;
}

/* Programs and links are freed after their last fd closes, some after an
 * RCU grace period: poll a while before calling them leaked. */
static void assert_released(const struct idset *progs,
			    const struct idset *links)
{
	char pmsg[256], lmsg[256];
	size_t np, nl;

	for (int tries = itest_timeout_ms(5000) / 100;; tries--) {
		struct idset hp = { 0 }, hl = { 0 };

		pmsg[0] = lmsg[0] = 0;
		bpf_ids_held(&hp, &hl);
		np = bpf_leaked(BPF_PROG_GET_NEXT_ID, progs, &hp, pmsg,
				sizeof(pmsg));
		nl = bpf_leaked(BPF_LINK_GET_NEXT_ID, links, &hl, lmsg,
				sizeof(lmsg));
		idset_free(&hp);
		idset_free(&hl);
		if ((!np && !nl) || tries <= 0)
			break;
		usleep(100 * 1000);
	}
	ck_assert_msg(!np && !nl, "left behind: BPF links%s, programs%s",
		      lmsg, pmsg);
}

/* SIGTERM (_i = 0) or SIGINT (_i = 1) stops vmtrace -p with a report. */
START_TEST(test_signal_stop)
{
	const char *args[] = { "--pause-start", "anon", "100", NULL };
	int sig = _i ? SIGINT : SIGTERM;
	struct idset p0 = { 0 }, l0 = { 0 }, p1 = { 0 }, l1 = { 0 };
	struct idset progs = { 0 }, links = { 0 };
	struct session s = { 0 };

	work_start(&s, args, true);
	ck_assert(!bpf_ids(BPF_PROG_GET_NEXT_ID, &p0));
	ck_assert(!bpf_ids(BPF_LINK_GET_NEXT_ID, &l0));
	tracer_attach(&s, s.wpid);
	ck_assert(!bpf_ids(BPF_PROG_GET_NEXT_ID, &p1));
	ck_assert(!bpf_ids(BPF_LINK_GET_NEXT_ID, &l1));
	idset_new(&p0, &p1, &progs);
	idset_new(&l0, &l1, &links);
	ck_assert_msg(progs.n, "no new BPF program while vmtrace traced");
	ck_assert(!kill(s.tracer.pid, sig));
	tracer_finish(&s);
	check_report(&s, s.wpid);
	assert_released(&progs, &links);
	ck_assert_msg(!kill(s.wpid, 0), "the workload died with vmtrace");
	session_free(&s);
}
END_TEST

/*
 * -d ends the window while the command still runs: vmtrace must report at
 * once (not wait for the command to end), then stop it with SIGTERM and say
 * so, exiting 128+SIGTERM (hostile.c: one that ignores SIGTERM).
 */
START_TEST(test_duration_ends_command)
{
	char out[2048];
	const char *argv[] = { vmtrace_path, "-d", "1", "-j", "-o", out, "--",
			       vmwork_path, "--pause-start", "anon", "10", NULL };
	struct report rep = { 0 };
	char err[256];
	struct proc p;
	int st;

	snprintf(out, sizeof(out), "%s/duration.json", itest_dir);
	ck_assert(!proc_start(&p, (char **)argv, PIPE_ERR, 0));
	/* vmwork waits at --pause-start forever: only -d can end this */
	st = proc_wait(&p, itest_timeout_ms(15 * 1000));
	ck_assert_msg(st >= 0, "vmtrace -d 1 still running after 15 s: %s",
		      p.out[P_ERR].data ? p.out[P_ERR].data : "");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGTERM,
		      "exit status %d, want %d", WEXITSTATUS(st), 128 + SIGTERM);
	ck_assert_msg(!report_load(&rep, out, err, sizeof(err)), "%s", err);
	ck_assert_msg(report_int(&rep, "kernel.minflt") >= 0, "no kernel counters");
	report_free(&rep);
	proc_free(&p);
}
END_TEST

/* ---- -p PID,PID,... ---- */

#define NR_PEERS	3

static int64_t int_at(json_object *o, const char *path)
{
	struct report r = { o };

	return report_int(&r, path);
}

/*
 * Peer i's rows exact (the report's own for the first, its image in
 * processes.list for the others) and its traced faults equal to its kernel
 * counters; returns its faults.
 */
static int64_t check_peer(struct session *s, struct session *w, int i)
{
	json_object *p = report_process(&s->rep, w->wpid), *images, *exited;
	int64_t traced, kernel;

	ck_assert_msg(p, "pid %d is not in processes.list", w->wpid);
	ck_assert_int_eq(int_at(p, "ppid"), getpid());
	ck_assert_msg(json_object_object_get_ex(p, "exited", &exited) &&
		      json_object_get_boolean(exited), "pid %d: not exited", w->wpid);
	w->rep.missed = report_missed_runs(&s->rep);
	w->rep.root = s->rep.root;	/* borrowed: put back to NULL below */
	if (i && json_object_object_get_ex(p, "images", &images))
		w->rep.root = json_object_array_get_idx(images, 0);
	check_expects(w, w->wpid, true, 1);
	w->rep.root = NULL;
	traced = int_at(p, "faults") - int_at(p, "errors");
	kernel = int_at(p, "kernel.minflt") + int_at(p, "kernel.majflt");
	ck_assert_msg(traced <= kernel && traced >= kernel - w->rep.missed,
		      "pid %d: traced %lld, kernel %lld", w->wpid, (long long)traced,
		      (long long)kernel);
	return int_at(p, "faults");
}

/*
 * -p A,B,C of three workloads paused at ready: B runs and exits first and
 * is reaped at once (as a shell reaps: no zombie left to read), then A
 * (reaped too), then C, a zombie until vmtrace is done. vmtrace must trace
 * until the last one exits: each one's rows exact, its totals equal to its
 * own kernel counters, processes.totals their sum.
 */
START_TEST(test_pid_list)
{
	static const char *const modes[NR_PEERS][2] = {
		{ "anon", "200" }, { "stack", "120" }, { "anon", "300" },
	};
	static const int order[NR_PEERS] = { 1, 0, 2 };
	struct session w[NR_PEERS] = { 0 }, s = { 0 };
	int64_t sum = 0;
	char pids[64];

	for (int i = 0; i < NR_PEERS; i++) {
		const char *args[] = { "--pause-start", "--pause-end", modes[i][0],
				       modes[i][1], NULL };

		work_start(&w[i], args, true);
	}
	snprintf(pids, sizeof(pids), "%d,%d,%d", w[0].wpid, w[1].wpid, w[2].wpid);
	tracer_attach_pids(&s, pids);
	for (int k = 0; k < NR_PEERS; k++) {
		struct session *x = &w[order[k]];

		work_resume(x, x->wpid, "vmwork: done");
		if (k < NR_PEERS - 1)
			assert_exit0(proc_wait(&x->work, itest_timeout()), "vmwork", NULL);
	}
	tracer_finish(&s);
	assert_exit0(proc_wait(&w[2].work, itest_timeout()), "vmwork", NULL);
	check_report(&s, w[0].wpid);
	for (int i = 0; i < NR_PEERS; i++)
		sum += check_peer(&s, &w[i], i);
	ck_assert_int_eq(report_int(&s.rep, "processes.totals.faults"), sum);
	ck_assert_int_eq(report_int(&s.rep, "processes.kernel_faults"),
			 report_int(&s.rep, "processes.traced_faults"));
	for (int i = 0; i < NR_PEERS; i++)
		session_free(&w[i]);
	session_free(&s);
}
END_TEST

Suite *attach_suite(void)
{
	Suite *s = suite_create("attach");
	TCase *pid = tracer_tcase("pid");
	TCase *cow = tracer_tcase("cow_child");
	TCase *sig = tracer_tcase("signals");

	tcase_add_test(pid, test_pid_anon);
	tcase_add_test(pid, test_pid_stack);
	tcase_add_test(pid, test_pid_list);
	tcase_add_test(cow, test_cow_child);
	tcase_add_loop_test(sig, test_signal_stop, 0, 2);
	tcase_add_test(sig, test_duration_ends_command);
	suite_add_tcase(s, pid);
	suite_add_tcase(s, cow);
	suite_add_tcase(s, sig);
	return s;
}
