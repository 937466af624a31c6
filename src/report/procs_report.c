// SPDX-License-Identifier: GPL-2.0
/*
 * The processes a session traced, in the report: a line per process (its
 * images' commands, parent, totals, the kernel's counters), every image's
 * rows in JSON, and with --merge comm the tables merged by command.
 */
#include <inttypes.h>
#include <string.h>
#include "report/format.h"
#include "report/json_writer.h"
#include "report/procs_report.h"
#include "report/profile_report.h"
#include "report/report.h"

/*
 * The images of pid, joined "sh > make". A name that does not fit whole is
 * left out for " > ...": a cut inside it split an escape or a UTF-8
 * character (invalid UTF-8 in the text report, found by the report fuzzer).
 */
static void commands_of(const struct proc_set *set, pid_t pid, char *buf, size_t size)
{
	static const char more[] = " > ...";
	char comm[NAME_TEXT_MAX(VMT_COMM_LEN)];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < set->nr; i++) {
		const char *sep = len ? " > " : "";
		int n;

		if (set->images[i].pid != pid)
			continue;
		n = snprintf(buf + len, size - len, "%s%s", sep,
			     name_text(set->images[i].comm, comm, sizeof(comm)));
		if (n >= 0 && (size_t)n < size - len) {
			len += n;
			continue;
		}
		buf[len] = '\0';
		if (len + sizeof(more) <= size)
			memcpy(buf + len, more, sizeof(more));
		return;
	}
}

static void pid_totals(const struct proc_set *set, pid_t pid, uint64_t *t)
{
	memset(t, 0, VMT_NR_COUNTERS * sizeof(*t));
	for (size_t i = 0; i < set->nr; i++)
		if (set->images[i].pid == pid)
			for (int c = 0; c < VMT_NR_COUNTERS; c++)
				t[c] += set->images[i].as.totals[c];
}

void procs_totals(const struct proc_set *set, uint64_t *totals, uint64_t *kernel,
		  uint64_t *traced)
{
	memset(totals, 0, VMT_NR_COUNTERS * sizeof(*totals));
	*kernel = *traced = 0;
	for (size_t i = 0; i < set->nr; i++)
		for (int c = 0; c < VMT_NR_COUNTERS; c++)
			totals[c] += set->images[i].as.totals[c];
	for (size_t k = 0; k < set->nr_pids; k++) {
		*kernel += set->kernel[k].minflt + set->kernel[k].majflt;
		*traced += set->kernel[k].traced;
	}
}

static pid_t ppid_of(const struct proc_set *set, pid_t pid)
{
	for (size_t i = 0; i < set->nr; i++)
		if (set->images[i].pid == pid)
			return set->images[i].ppid;
	return 0;
}

static void text_kernel(FILE *out, const struct proc_kernel *k)
{
	uint64_t kernel = k->minflt + k->majflt;

	if (!k->known)
		fprintf(out, "  unknown\n");
	else if (kernel == k->traced)
		fprintf(out, "  %" PRIu64 " (all counted)\n", kernel);
	else
		fprintf(out, "  %" PRIu64 " (traced %" PRIu64 "%s)\n", kernel, k->traced,
			k->exited ? "" : ", still running");
}

void procs_text(FILE *out, const struct proc_set *set)
{
	char commands[128];
	uint64_t t[VMT_NR_COUNTERS];

	if (set->nr_pids < 2 && !set->merge_comm)
		return;	/* the table above says it all */
	fprintf(out, "processes: %zu traced%s\n %8s %8s %-26s %8s %8s %7s %5s  %s\n",
		set->nr_pids, set->not_followed ? " (some not followed: the process "
		"table was full)" : "", "PID", "PPID", "COMMAND", "FAULTS", "MINOR",
		"MAJOR", "ERR", "KERNEL minflt+majflt");
	for (size_t k = 0; k < set->nr_pids; k++) {
		pid_t pid = set->kernel[k].pid;

		commands_of(set, pid, commands, sizeof(commands));
		pid_totals(set, pid, t);
		fprintf(out, " %8d %8d %-26s %8" PRIu64 " %8" PRIu64 " %7" PRIu64
			" %5" PRIu64, (int)pid, (int)ppid_of(set, pid), commands,
			t[VMT_C_FAULTS], t[VMT_C_FAULTS] - t[VMT_C_MAJOR] - t[VMT_C_ERRORS],
			t[VMT_C_MAJOR], t[VMT_C_ERRORS]);
		text_kernel(out, &set->kernel[k]);
	}
	if (set->merge_comm) {
		struct profile p;

		if (!profile_from_procs(&p, set, NULL)) {
			profile_text(out, &p);
			profile_free(&p);
		}
	}
}

static size_t nr_images_of(const struct proc_set *set, pid_t pid)
{
	size_t n = 0;

	for (size_t i = 0; i < set->nr; i++)
		n += set->images[i].pid == pid;
	return n;
}

static void json_process(struct json_writer *w, const struct proc_set *set,
			 const struct proc_kernel *k, pid_t top_pid)
{
	uint64_t t[VMT_NR_COUNTERS];

	pid_totals(set, k->pid, t);
	jw_begin_object(w);
	jw_int64_field(w, "pid", k->pid);
	jw_int64_field(w, "ppid", ppid_of(set, k->pid));
	jw_bool_field(w, "exited", k->exited);
	jw_uint64_field(w, "faults", t[VMT_C_FAULTS]);
	jw_uint64_field(w, "major", t[VMT_C_MAJOR]);
	jw_uint64_field(w, "errors", t[VMT_C_ERRORS]);
	if (k->known) {
		jw_name(w, "kernel");
		jw_begin_object(w);
		jw_uint64_field(w, "minflt", k->minflt);
		jw_uint64_field(w, "majflt", k->majflt);
		jw_uint64_field(w, "exec_args_untraced", k->exec_args);
		jw_uint64_field(w, "pf_disabled_events", k->pf_disabled);
		jw_end_object(w);
	} else {
		jw_null_field(w, "kernel");
	}
	if (k->pid == top_pid && nr_images_of(set, k->pid) < 2) {
		jw_end_object(w);	/* the report is that image: no copy */
		return;
	}
	jw_name(w, "images");
	jw_begin_array(w);
	for (size_t i = 0; i < set->nr; i++)
		if (set->images[i].pid == k->pid)
			report_json_image(w, &set->images[i].as);
	jw_end_array(w);
	jw_end_object(w);
}

/*
 * Every process's counters summed (the text report's TOTAL): the report's
 * own "totals" are its process's, and the kernel's counters summed beside.
 */
static void json_all_totals(struct json_writer *w, const struct proc_set *set)
{
	uint64_t all[VMT_NR_COUNTERS], kernel, traced;

	procs_totals(set, all, &kernel, &traced);
	jw_name(w, "totals");
	report_json_counters(w, all);
	jw_uint64_field(w, "kernel_faults", kernel);
	jw_uint64_field(w, "traced_faults", traced);
}

void procs_json(struct json_writer *w, const struct proc_set *set, pid_t top_pid)
{
	struct profile p;

	jw_begin_object(w);
	jw_name(w, "list");
	jw_begin_array(w);
	for (size_t k = 0; k < set->nr_pids; k++)
		json_process(w, set, &set->kernel[k], top_pid);
	jw_end_array(w);
	jw_uint64_field(w, "not_followed", set->not_followed);
	json_all_totals(w, set);
	if (set->merge_comm && !profile_from_procs(&p, set, NULL)) {
		jw_name(w, "by_command");
		profile_json(w, &p);
		profile_free(&p);
	}
	jw_end_object(w);
}
