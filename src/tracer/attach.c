// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and attaching. One BPF object holds every backend's wrappers; the
 * section prefix says which backend a program belongs to, and only the chosen
 * backend's programs (and the common ones) are loaded. Every program's attach
 * point is probed before load: a missing required one rules the backend out,
 * a missing optional one is skipped (its program not loaded) and reported, so
 * one binary runs on kernels with different functions and tracepoints.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "tracer/attach.h"
#include "tracer/privilege.h"
#include "vmtrace.skel.h"

#define DEFAULT_BTF	"/sys/kernel/btf/vmlinux"
#define TRACEFS		"/sys/kernel/tracing"
#define DEBUGFS_TRACING	"/sys/kernel/debug/tracing"
#define KPROBE_PMU	"/sys/bus/event_source/devices/kprobe/type"

/* Programs without which the report would be wrong, not just poorer. */
static const char *const required_progs[] = {
	"tp_fault_user", "fe_fault", "fx_fault", "kp_fault", "kr_fault", "tp_exec",
	"tp_sys_enter", "tp_sys_exit",
};

/* Counters that only some optional programs can measure. */
static const struct {
	const char *prog, *counter;
} counter_progs[] = {
	{ "fe_wp", "wp" }, { "kp_wp", "wp" },
	{ "fe_cow", "cow" }, { "kp_cow", "cow" },
	{ "fe_read_folio", "readin" }, { "kp_read_folio", "readin" },
};

int tracer_check_environment(const struct config *cfg)
{
	const char *btf = cfg->btf_path ? cfg->btf_path : DEFAULT_BTF;

	if (privilege_check(cfg->pids, cfg->nr_pids, cfg->user))
		return -EPERM;
	if (access(btf, R_OK)) {
		fprintf(stderr, "vmtrace: kernel BTF not found at %s: vmtrace needs a "
			"kernel built with CONFIG_DEBUG_INFO_BTF=y\n", btf);
		return -ENOENT;
	}
	return 0;
}

static void __attribute__((format(printf, 2, 3)))
set_reason(struct tracer *tr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tr->reason, sizeof(tr->reason), fmt, ap);
	va_end(ap);
}

static bool is_required(const char *name)
{
	for (size_t i = 0; i < sizeof(required_progs) / sizeof(*required_progs); i++)
		if (!strcmp(name, required_progs[i]))
			return true;
	return false;
}

/* The backend a program serves, by its section; -1 for programs all use. */
static int prog_backend(const char *sec)
{
	if (!strncmp(sec, "fentry/", 7) || !strncmp(sec, "fexit/", 6))
		return VMT_BACKEND_FENTRY;
	if (!strncmp(sec, "kprobe/", 7) || !strncmp(sec, "kretprobe/", 10))
		return VMT_BACKEND_KPROBE;
	if (!strncmp(sec, "tp_btf/page_fault_", 18) || !strcmp(sec, "perf_event"))
		return VMT_BACKEND_TRACEPOINT;
	return -1;
}

/*
 * The tracefs directory, mounting it if nothing is mounted (as root). Asked
 * with the effective IDs and capabilities: access() drops the capabilities
 * of a process whose real user is not root (a binary given CAP_BPF).
 */
static const char *tracefs_dir(struct tracer *tr)
{
	if (!faccessat(AT_FDCWD, TRACEFS "/events", F_OK, AT_EACCESS))
		return TRACEFS;
	if (!faccessat(AT_FDCWD, DEBUGFS_TRACING "/events", F_OK, AT_EACCESS))
		return DEBUGFS_TRACING;
	if (!mount("nodev", TRACEFS, "tracefs", 0, NULL))
		return TRACEFS;
	set_reason(tr, "tracefs is not mounted and mounting it failed (%s): run "
		   "'mount -t tracefs nodev " TRACEFS "'", strerror(errno));
	return NULL;
}

/* Is sym a function in /proc/kallsyms? (kprobes need the symbol, not BTF) */
static bool in_kallsyms(const char *sym)
{
	char line[512], name[256], type;
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "re");

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %c %255s", &type, name) == 2 &&
			(type == 't' || type == 'T') && !strcmp(name, sym);
	if (f)
		fclose(f);
	return found;
}

/* Only "tp/" programs need tracefs: a process without root may lack it. */
static bool attach_point_exists(struct tracer *tr, const char *sec,
				const struct btf *vmlinux)
{
	const char *fn = strchr(sec, '/'), *tracefs;
	char buf[256];

	if (!fn)
		return true;
	fn++;
	switch (prog_backend(sec)) {
	case VMT_BACKEND_FENTRY:
		return btf__find_by_name_kind(vmlinux, fn, BTF_KIND_FUNC) > 0;
	case VMT_BACKEND_KPROBE:
		return !access(KPROBE_PMU, F_OK) && in_kallsyms(fn);
	}
	if (!strncmp(sec, "tp/", 3)) {
		if (!(tracefs = tracefs_dir(tr)))
			return false;
		snprintf(buf, sizeof(buf), "%s/events/%s", tracefs, sec + 3);
		return !faccessat(AT_FDCWD, buf, F_OK, AT_EACCESS);
	}
	if (!strncmp(sec, "tp_btf/", 7)) {
		snprintf(buf, sizeof(buf), "btf_trace_%s", sec + 7);
		return btf__find_by_name_kind(vmlinux, buf, BTF_KIND_TYPEDEF) > 0;
	}
	return true;
}

static void append_word(char *list, size_t size, const char *word)
{
	size_t len = strlen(list);

	if (!strstr(list, word))
		snprintf(list + len, size - len, "%s%s", len ? " " : "", word);
}

/* The counters a backend cannot measure with the programs it has. */
static void note_unavailable(struct tracer *tr, struct bpf_program *prog)
{
	const char *name = bpf_program__name(prog);

	for (size_t i = 0; i < sizeof(counter_progs) / sizeof(*counter_progs); i++)
		if (!strcmp(name, counter_progs[i].prog))
			append_word(tr->unavailable, sizeof(tr->unavailable),
				    counter_progs[i].counter);
}

/*
 * Loads only the programs of backend b and the common ones whose attach
 * point exists; fails if a required one is missing.
 */
static int select_programs(struct tracer *tr, const struct btf *vmlinux,
			   enum vmt_backend b)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, tr->skel->obj) {
		const char *sec = bpf_program__section_name(prog);
		int owner = prog_backend(sec);

		if (owner >= 0 && owner != (int)b) {
			bpf_program__set_autoload(prog, false);
			continue;
		}
		if (attach_point_exists(tr, sec, vmlinux))
			continue;
		if (is_required(bpf_program__name(prog))) {
			set_reason(tr, "this kernel lacks %s", sec);
			return -ENOENT;
		}
		bpf_program__set_autoload(prog, false);
		append_word(tr->missing, sizeof(tr->missing), sec);
		note_unavailable(tr, prog);
	}
	return 0;
}

/* The kernel's BTF, parsed once per session (~110 ms on the 6.18 development VM). */
struct btf *tracer_vmlinux_btf(const struct config *cfg)
{
	return cfg->btf_path ? btf__parse(cfg->btf_path, NULL) : btf__load_vmlinux_btf();
}

int tracer_list_points(const struct config *cfg,
		       void (*fn)(const char *sec, int backend, bool found,
				  bool required, void *ctx), void *ctx)
{
	struct vmtrace_bpf *skel = vmtrace_bpf__open();
	struct tracer scratch = { 0 };
	struct bpf_program *prog;
	struct btf *vmlinux;

	if (!skel)
		return -errno;
	vmlinux = tracer_vmlinux_btf(cfg);
	bpf_object__for_each_program(prog, skel->obj) {
		const char *sec = bpf_program__section_name(prog);

		fn(sec, prog_backend(sec), vmlinux && attach_point_exists(&scratch, sec, vmlinux),
		   is_required(bpf_program__name(prog)), ctx);
	}
	btf__free(vmlinux);
	vmtrace_bpf__destroy(skel);
	return 0;
}

static int add_link(struct tracer *tr, struct bpf_link *link)
{
	struct bpf_link **links = realloc(tr->links, (tr->nr_links + 1) * sizeof(*links));

	if (!links) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	tr->links = links;
	tr->links[tr->nr_links++] = link;
	return 0;
}

/*
 * PERF_COUNT_SW_PAGE_FAULTS_MAJ (_MIN) fires where the kernel accounts a
 * major (minor) fault; one event per CPU, for every process (the program
 * filters), since a per-thread event would miss threads that already exist.
 * The minor one runs a program on every fault of the machine: it is attached
 * for latency histograms and --stacks only.
 */
static int attach_accounting(struct tracer *tr, struct bpf_program *prog,
			     __u64 event)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = event,
		.sample_period = 1,
	};
	int ncpus = libbpf_num_possible_cpus(), attached = 0;

	for (int cpu = 0; cpu < ncpus; cpu++) {
		int fd = syscall(SYS_perf_event_open, &attr, -1, cpu, -1,
				 PERF_FLAG_FD_CLOEXEC);
		struct bpf_link *link;

		if (fd < 0)
			continue;	/* an offline CPU */
		link = bpf_program__attach_perf_event(prog, fd);
		if (!link) {
			int err = -errno;

			close(fd);
			set_reason(tr, "failed to attach the major fault counter: %s",
				   strerror(-err));
			return err;
		}
		if (add_link(tr, link))
			return -ENOMEM;
		attached++;
	}
	if (!attached) {
		set_reason(tr, "failed to open a major fault perf event: %s",
			   strerror(errno));
		return -errno;
	}
	return 0;
}

static int attach_programs(struct tracer *tr)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, tr->skel->obj) {
		struct bpf_link *link;

		if (!bpf_program__autoload(prog) ||
		    bpf_program__type(prog) == BPF_PROG_TYPE_PERF_EVENT)
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			int err = -errno;

			set_reason(tr, "failed to attach %s: %s",
				   bpf_program__section_name(prog), strerror(-err));
			return err;
		}
		if (add_link(tr, link))
			return -ENOMEM;
	}
	if (tr->backend_id != VMT_BACKEND_TRACEPOINT)
		return 0;
	if (bpf_program__autoload(tr->skel->progs.perf_minor_fault)) {
		int err = attach_accounting(tr, tr->skel->progs.perf_minor_fault,
					    PERF_COUNT_SW_PAGE_FAULTS_MIN);

		if (err)
			return err;
	}
	return attach_accounting(tr, tr->skel->progs.perf_major_fault,
				 PERF_COUNT_SW_PAGE_FAULTS_MAJ);
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Can this kernel load an fentry program at all? Some forbid it (EPERM at
 * load on the 6.18 development VM: docs/kernels.md). Learning that from
 * the skeleton cost ~100 ms of every start there (measured with vmtrace -v:
 * libbpf parses the kernel's BTF once more for CO-RE before the first fentry
 * program is refused); a two-instruction program on handle_mm_fault costs
 * well under 1 ms. As bcc's fentry_can_attach(). A function missing from BTF
 * is left to select_programs(), which names it.
 */
static int fentry_loads(struct tracer *tr, const struct btf *vmlinux)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int id = btf__find_by_name_kind(vmlinux, "handle_mm_fault", BTF_KIND_FUNC);
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = id);
	int fd, err;

	if (id <= 0)
		return 0;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "vmt_fentry_probe", "GPL", insns,
			   sizeof(insns) / sizeof(*insns), &opts);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	err = -errno;
	set_reason(tr, "failed to load BPF programs: %s%s", strerror(-err),
		   err == -EPERM ? " (not allowed by this kernel, or not root)" : "");
	return err;
}

int tracer_try(struct tracer *tr, const struct config *cfg,
	       const struct btf *vmlinux, enum vmt_backend b)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = cfg->btf_path);
	double t0;
	int err;

	memset(tr, 0, sizeof(*tr));
	tr->backend_id = b;
	tr->backend = backend_names[b];
	if (b == VMT_BACKEND_TRACEPOINT)	/* no hook at the copy or the read-in */
		snprintf(tr->unavailable, sizeof(tr->unavailable), "cow readin oom%s",
			 cfg->latency ? "" : " latency_ns");
	if (b == VMT_BACKEND_FENTRY && vmlinux && (err = fentry_loads(tr, vmlinux)))
		return err;
	tr->skel = vmtrace_bpf__open_opts(&opts);
	if (!tr->skel) {
		set_reason(tr, "failed to open the BPF object: %s", strerror(errno));
		return -errno;
	}
	if (!vmlinux) {
		set_reason(tr, "failed to read the kernel's BTF: %s", strerror(errno));
		return -ENOENT;
	}
	err = select_programs(tr, vmlinux, b);
	if (err)
		return err;
	tr->skel->rodata->backend = b;
	/* fentry/kprobe time every fault anyway; the tracepoint backend on request */
	tr->skel->rodata->want_latency = cfg->latency || b != VMT_BACKEND_TRACEPOINT;
	tr->skel->rodata->want_heatmap = cfg->heatmap;
	tr->skel->rodata->want_code = cfg->code;
	tracer_dead_size(tr, cfg);
	if (!cfg->code)	/* preallocated: no memory for what is not asked */
		bpf_map__set_max_entries(tr->skel->maps.code_ips, 1);
	tr->skel->rodata->want_stacks = cfg->stacks > 0;
	tr->skel->rodata->stack_every = cfg->stacks ? cfg->stacks : 1;
	if (!cfg->stacks)
		bpf_map__set_max_entries(tr->skel->maps.stacks, 1);
	/* the minor accounting event: latency's end, and --stacks' moment */
	if (b != VMT_BACKEND_TRACEPOINT || !(cfg->latency || cfg->stacks))
		bpf_program__set_autoload(tr->skel->progs.perf_minor_fault, false);
	tr->skel->rodata->max_rows = cfg->max_vmas;
	tr->skel->rodata->follow = cfg->inherit;
	bpf_map__set_max_entries(tr->skel->maps.rows, cfg->max_vmas);
	bpf_map__set_max_entries(tr->skel->maps.row_index, cfg->max_vmas);
	bpf_map__set_max_entries(tr->skel->maps.free_slots, cfg->max_vmas);
	bpf_map__set_max_entries(tr->skel->maps.dead_index, cfg->max_vmas);
	t0 = mono_ms();
	err = vmtrace_bpf__load(tr->skel);
	tr->load_ms = mono_ms() - t0;
	if (err) {
		set_reason(tr, "failed to load BPF programs: %s%s", strerror(-err),
			   err == -EPERM ? " (not allowed by this kernel, or not root)" : "");
		return err;
	}
	t0 = mono_ms();
	err = attach_programs(tr);
	tr->attach_ms = mono_ms() - t0;
	return err;
}

int tracer_open(struct tracer *tr, const struct config *cfg)
{
	static const enum vmt_backend ladder[] = {
		VMT_BACKEND_FENTRY, VMT_BACKEND_KPROBE, VMT_BACKEND_TRACEPOINT,
	};
	/* failed attempts are expected on the way down: libbpf speaks with -v only */
	libbpf_print_fn_t print = libbpf_set_print(NULL);
	char reasons[3 * (REASON_MAX + 16)] = "", timing[sizeof(tr->timing) / 2];
	double t0 = mono_ms(), t1;
	struct btf *vmlinux = tracer_vmlinux_btf(cfg);
	int err = -ENOENT, len;

	len = snprintf(timing, sizeof(timing), "BTF %.0f ms", mono_ms() - t0);
	if (cfg->verbose)
		libbpf_set_print(print);
	for (size_t i = 0; i < sizeof(ladder) / sizeof(*ladder); i++) {
		size_t rlen = strlen(reasons);

		if (cfg->backend >= 0 && (int)ladder[i] != cfg->backend)
			continue;
		t1 = mono_ms();
		err = tracer_try(tr, cfg, vmlinux, ladder[i]);
		len += snprintf(timing + len, sizeof(timing) - len, ", %s %.0f ms%s",
				backend_names[ladder[i]], mono_ms() - t1,
				err ? " (failed)" : "");
		if (!err)
			break;
		snprintf(reasons + rlen, sizeof(reasons) - rlen, "%s%s: %s",
			 rlen ? "; " : "", backend_names[ladder[i]], tr->reason);
		tracer_close(tr);
	}
	libbpf_set_print(print);
	btf__free(vmlinux);
	if (!err && (err = tracer_dead_open(tr, cfg))) {
		tracer_close(tr);	/* it said why */
		return err;
	}
	if (!err)
		snprintf(tr->timing, sizeof(tr->timing), "%.0f ms: %s (load %.0f, attach %.0f)",
			 mono_ms() - t0, timing, tr->load_ms, tr->attach_ms);
	if (err && cfg->backend >= 0)
		fprintf(stderr, "vmtrace: backend %s\n", reasons);
	else if (err)
		fprintf(stderr, "vmtrace: no way to trace faults on this kernel (%s)\n",
			reasons);
	return err;
}

_Static_assert(MAX_TARGET_PIDS <= VMT_MAX_PROCS, "-p's list fits the procs map");

/*
 * An attached process's lineage, made now rather than at its first exec
 * (inherit_exec_enter()): BPF sums its threads' counters at their exits
 * from here on, so its window is known even when its parent reaps it long
 * before the report. counted stays 0: the sums miss the threads that
 * exited before, so user space pairs them with its own reading (main.c).
 */
static int add_lineage(struct tracer *tr, pid_t pid)
{
	struct vmt_lineage lin = { .nr_images = 1 };
	struct proc_stat st;
	__u32 key = pid;

	if (!read_stat(pid, &st)) {
		lin.ppid = st.ppid;
		snprintf(lin.images[0].comm, sizeof(lin.images[0].comm), "%.15s", st.comm);
	}
	if (bpf_map__update_elem(tr->skel->maps.lineage, &key, sizeof(key), &lin,
				 sizeof(lin), BPF_NOEXIST) && errno != EEXIST)
		return -errno;
	return 0;
}

int tracer_add_target(struct tracer *tr, pid_t pid, bool start_on_exec)
{
	struct vmt_proc proc = { .active = !start_on_exec, .start_on_exec = start_on_exec };
	__u32 key = pid;
	int err = start_on_exec ? 0 : add_lineage(tr, pid);

	if (!err && bpf_map__update_elem(tr->skel->maps.procs, &key, sizeof(key), &proc,
					 sizeof(proc), BPF_ANY))
		err = -errno;
	if (err)
		fprintf(stderr, "vmtrace: failed to add PID %d: %s\n", pid, strerror(-err));
	return err;
}

/* Runs of the attached programs the kernel skipped (struct vmt_drops.missed). */
__u64 tracer_missed_runs(struct tracer *tr)
{
	struct bpf_program *prog;
	__u64 missed = 0;

	bpf_object__for_each_program(prog, tr->skel->obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		if (bpf_program__fd(prog) >= 0 &&
		    !bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			missed += info.recursion_misses;
	}
	return missed;
}

void tracer_print_stats(struct tracer *tr, FILE *out)
{
	struct bpf_program *prog;

	fprintf(out, "vmtrace: VMA lookups on cache misses: %llu by tree walk, %llu by "
		"bpf_find_vma\n", tr->skel->bss->lookups.walk, tr->skel->bss->lookups.helper);
	fprintf(out, "vmtrace: rows: %u slots used of %u; retired %llu changed, %llu "
		"unmapped; %llu folded into their identity's row, %llu slots reused, "
		"%llu late counts moved, %llu kept whole (no room), %llu faults whose "
		"slot was reused under them (in [unresolved])\n",
		tr->skel->data->next_slot - 1, tr->skel->rodata->max_rows - 1,
		tr->skel->bss->reclaim.sealed, tr->skel->bss->reclaim.unmapped,
		tr->skel->bss->reclaim.folded, tr->skel->bss->reclaim.reused,
		tr->skel->bss->reclaim.residue, tr->skel->bss->drops.unfolded,
		tr->skel->bss->reclaim.stale);
	bpf_object__for_each_program(prog, tr->skel->obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		if (bpf_program__fd(prog) < 0 ||
		    bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) ||
		    !info.run_cnt)
			continue;
		fprintf(out, "vmtrace: prog %-22s %10llu runs %8.1f ns/run %8u insns verified\n",
			bpf_program__name(prog), (unsigned long long)info.run_cnt,
			(double)info.run_time_ns / info.run_cnt, info.verified_insns);
	}
}

#define DETACH_THREADS 64

struct detach_job {
	struct bpf_link **links;
	size_t n;
};

static void *detach_links(void *arg)
{
	struct detach_job *job = arg;

	for (size_t i = 0; i < job->n; i++)
		bpf_link__destroy(job->links[i]);
	return NULL;
}

/*
 * Detaching a tracepoint program waits for an RCU grace period (~55 ms on the 6.18 development VM),
 * and vmtrace holds ~35 links: one after another that is ~2 s at every exit.
 * From parallel threads the waits overlap. A thread that cannot be started
 * leaves its share to this one.
 */
static void detach_all(struct bpf_link **links, size_t n)
{
	struct detach_job jobs[DETACH_THREADS];
	pthread_t tids[DETACH_THREADS];
	bool started[DETACH_THREADS] = { false };
	size_t per = (n + DETACH_THREADS - 1) / DETACH_THREADS;

	for (size_t t = 0; t < DETACH_THREADS && t * per < n; t++) {
		jobs[t].links = links + t * per;
		jobs[t].n = n - t * per < per ? n - t * per : per;
		started[t] = !pthread_create(&tids[t], NULL, detach_links, &jobs[t]);
		if (!started[t])
			detach_links(&jobs[t]);
	}
	for (size_t t = 0; t < DETACH_THREADS; t++)
		if (started[t])
			pthread_join(tids[t], NULL);
}

void tracer_close(struct tracer *tr)
{
	if (tr->nr_links)
		detach_all(tr->links, tr->nr_links);
	free(tr->links);
	tracer_forget_kept(tr);
	tracer_dead_close(tr);
	vmtrace_bpf__destroy(tr->skel);
	memset(tr, 0, sizeof(*tr));
}

uint64_t tracer_row_drops(struct tracer *tr)
{
	return tr->skel ? tr->skel->bss->drops.rows : 0;
}

/* libbpf's print callback takes no context: the one copy of -v it needs. */
static bool libbpf_verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	bool show = level == LIBBPF_WARN || (libbpf_verbose && level == LIBBPF_INFO) ||
		    getenv("VMTRACE_DEBUG");

	return show ? vfprintf(stderr, fmt, args) : 0;
}

void tracer_set_verbose(bool verbose)
{
	libbpf_verbose = verbose;
	libbpf_set_print(print_libbpf);
}

const char *tracer_libbpf_version(void)
{
	return libbpf_version_string();
}
