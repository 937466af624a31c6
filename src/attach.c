// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and attaching. Every program's attach point is probed before load:
 * a missing required one is a clear error, a missing optional one is skipped
 * (its program not even loaded) and reported, so one binary runs on kernels
 * with different tracepoints and system calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "attach.h"
#include "vmtrace.skel.h"

#define TRACEFS		"/sys/kernel/tracing"
#define DEBUGFS_TRACING	"/sys/kernel/debug/tracing"

/* Programs without which the report would be wrong, not just poorer. */
static const char *const required_progs[] = {
	"tp_fault_user", "tp_exec",
	"sys_enter_mmap", "sys_exit_mmap", "sys_enter_munmap", "sys_exit_munmap",
	"sys_enter_brk", "sys_exit_brk", "sys_enter_mprotect", "sys_exit_mprotect",
};

static bool is_required(const char *name)
{
	for (size_t i = 0; i < sizeof(required_progs) / sizeof(*required_progs); i++)
		if (!strcmp(name, required_progs[i]))
			return true;
	return false;
}

/* The tracefs directory, mounting it if nothing is mounted (we are root). */
static const char *tracefs_dir(void)
{
	if (!access(TRACEFS "/events", F_OK))
		return TRACEFS;
	if (!access(DEBUGFS_TRACING "/events", F_OK))
		return DEBUGFS_TRACING;
	if (!mount("nodev", TRACEFS, "tracefs", 0, NULL))
		return TRACEFS;
	fprintf(stderr, "vmtrace: tracefs is not mounted and mounting it failed (%s): "
		"run 'mount -t tracefs nodev " TRACEFS "'\n", strerror(errno));
	return NULL;
}

static bool attach_point_exists(const char *sec, const char *tracefs,
				const struct btf *vmlinux)
{
	char buf[256];

	if (!strncmp(sec, "tp/", 3)) {
		snprintf(buf, sizeof(buf), "%s/events/%s", tracefs, sec + 3);
		return !access(buf, F_OK);
	}
	if (!strncmp(sec, "tp_btf/", 7)) {
		snprintf(buf, sizeof(buf), "btf_trace_%s", sec + 7);
		return btf__find_by_name_kind(vmlinux, buf, BTF_KIND_TYPEDEF) > 0;
	}
	return true;
}

static void note_missing(struct tracer *tr, const char *sec)
{
	size_t len = strlen(tr->missing);

	snprintf(tr->missing + len, sizeof(tr->missing) - len, "%s%s",
		 len ? " " : "", sec);
}

/* Turns off the programs whose attach point is missing; -ENOENT if required. */
static int probe_attach_points(struct tracer *tr, const struct config *cfg)
{
	const char *tracefs = tracefs_dir();
	struct bpf_program *prog;
	struct btf *vmlinux;
	int err = 0;

	if (!tracefs)
		return -ENOENT;
	vmlinux = cfg->btf_path ? btf__parse(cfg->btf_path, NULL) :
				  btf__load_vmlinux_btf();
	if (!vmlinux) {
		fprintf(stderr, "vmtrace: failed to read the kernel's BTF: %s\n",
			strerror(errno));
		return -ENOENT;
	}
	bpf_object__for_each_program(prog, tr->skel->obj) {
		const char *sec = bpf_program__section_name(prog);

		if (attach_point_exists(sec, tracefs, vmlinux))
			continue;
		if (is_required(bpf_program__name(prog))) {
			fprintf(stderr, "vmtrace: this kernel lacks %s, which vmtrace "
				"needs\n", sec);
			err = -ENOENT;
			break;
		}
		bpf_program__set_autoload(prog, false);
		note_missing(tr, sec);
	}
	btf__free(vmlinux);
	return err;
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
 * PERF_COUNT_SW_PAGE_FAULTS_MAJ fires where the kernel accounts a major fault;
 * one event per CPU, for every process (the program filters), since a
 * per-thread event would miss threads that already exist.
 */
static int attach_major_faults(struct tracer *tr)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_PAGE_FAULTS_MAJ,
		.sample_period = 1,
	};
	int ncpus = libbpf_num_possible_cpus(), attached = 0;

	for (int cpu = 0; cpu < ncpus; cpu++) {
		int fd = syscall(SYS_perf_event_open, &attr, -1, cpu, -1,
				 PERF_FLAG_FD_CLOEXEC);
		struct bpf_link *link;

		if (fd < 0)
			continue;	/* an offline CPU */
		link = bpf_program__attach_perf_event(tr->skel->progs.perf_major_fault, fd);
		if (!link) {
			int err = -errno;

			close(fd);
			fprintf(stderr, "vmtrace: failed to attach the major fault "
				"counter: %s\n", strerror(-err));
			return err;
		}
		if (add_link(tr, link))
			return -ENOMEM;
		attached++;
	}
	if (!attached) {
		fprintf(stderr, "vmtrace: failed to open a major fault perf event: %s\n",
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
		    prog == tr->skel->progs.perf_major_fault)
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			int err = -errno;

			fprintf(stderr, "vmtrace: failed to attach %s: %s\n",
				bpf_program__section_name(prog), strerror(-err));
			return err;
		}
		if (add_link(tr, link))
			return -ENOMEM;
	}
	return attach_major_faults(tr);
}

static int load_error(int err)
{
	fprintf(stderr, "vmtrace: failed to load BPF programs: %s%s\n",
		strerror(-err), err == -EPERM ?
		" (vmtrace needs root, or CAP_BPF and CAP_PERFMON)" : "");
	return err;
}

int tracer_open(struct tracer *tr, const struct config *cfg)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = cfg->btf_path);
	int err;

	memset(tr, 0, sizeof(*tr));
	tr->backend = "tracepoint";
	tr->skel = vmtrace_bpf__open_opts(&opts);
	if (!tr->skel) {
		fprintf(stderr, "vmtrace: failed to open BPF object: %s\n", strerror(errno));
		return -errno;
	}
	err = probe_attach_points(tr, cfg);
	if (err)
		return err;
	tr->skel->rodata->max_rows = cfg->max_vmas;
	bpf_map__set_max_entries(tr->skel->maps.rows, cfg->max_vmas);
	bpf_map__set_max_entries(tr->skel->maps.row_index, cfg->max_vmas);
	err = vmtrace_bpf__load(tr->skel);
	if (err)
		return load_error(err);
	return attach_programs(tr);
}

int tracer_add_target(struct tracer *tr, pid_t pid, bool start_on_exec)
{
	struct vmt_proc proc = { .active = !start_on_exec, .start_on_exec = start_on_exec };
	__u32 key = pid;

	if (bpf_map__update_elem(tr->skel->maps.procs, &key, sizeof(key), &proc,
				 sizeof(proc), BPF_ANY)) {
		fprintf(stderr, "vmtrace: failed to add PID %d: %s\n", pid, strerror(errno));
		return -errno;
	}
	return 0;
}

uint64_t tracer_generation(struct tracer *tr, pid_t pid)
{
	struct vmt_proc proc;
	__u32 key = pid;

	if (bpf_map__lookup_elem(tr->skel->maps.procs, &key, sizeof(key), &proc,
				 sizeof(proc), 0))
		return 0;
	return proc.gen;
}

void tracer_print_stats(struct tracer *tr, FILE *out)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, tr->skel->obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		if (bpf_program__fd(prog) < 0 ||
		    bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) ||
		    !info.run_cnt)
			continue;
		fprintf(out, "vmtrace: prog %-22s %10llu runs %8.1f ns/run\n",
			bpf_program__name(prog), (unsigned long long)info.run_cnt,
			(double)info.run_time_ns / info.run_cnt);
	}
}

void tracer_close(struct tracer *tr)
{
	for (size_t i = 0; i < tr->nr_links; i++)
		bpf_link__destroy(tr->links[i]);
	free(tr->links);
	vmtrace_bpf__destroy(tr->skel);
	memset(tr, 0, sizeof(*tr));
}
