// SPDX-License-Identifier: GPL-2.0
/*
 * The processes a session traced, in the report: a line per process (its
 * images' commands, parent, totals, the kernel's counters), every image's
 * rows in JSON, and with --merge comm the tables merged by command.
 */
#include <inttypes.h>
#include <string.h>
#include <json-c/json.h>
#include "report/format.h"
#include "report/procs_report.h"
#include "report/profile_report.h"
#include "report/report.h"

/* The images of kernel entry k's process, joined "sh > make". */
static void commands_of(const struct proc_set *set, pid_t pid, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < set->nr && len + 1 < size; i++)
		if (set->images[i].pid == pid)
			len += snprintf(buf + len, size - len, "%s%s", len ? " > " : "",
					set->images[i].comm);
}

static void pid_totals(const struct proc_set *set, pid_t pid, uint64_t *t)
{
	memset(t, 0, VMT_NR_COUNTERS * sizeof(*t));
	for (size_t i = 0; i < set->nr; i++)
		if (set->images[i].pid == pid)
			for (int c = 0; c < VMT_NR_COUNTERS; c++)
				t[c] += set->images[i].as.totals[c];
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
	fprintf(out, "processes: %zu traced%s\n %8s %8s %-28s %8s %8s %7s %5s  %s\n",
		set->nr_pids, set->not_followed ? " (some not followed: the process "
		"table was full)" : "", "PID", "PPID", "COMMAND", "FAULTS", "MINOR",
		"MAJOR", "ERR", "KERNEL minflt+majflt");
	for (size_t k = 0; k < set->nr_pids; k++) {
		pid_t pid = set->kernel[k].pid;

		commands_of(set, pid, commands, sizeof(commands));
		pid_totals(set, pid, t);
		fprintf(out, " %8d %8d %-28s %8" PRIu64 " %8" PRIu64 " %7" PRIu64
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

static struct json_object *json_process(const struct proc_set *set,
					const struct proc_kernel *k)
{
	struct json_object *o = json_object_new_object();
	struct json_object *images = json_object_new_array();
	struct json_object *kernel = NULL;
	uint64_t t[VMT_NR_COUNTERS];

	pid_totals(set, k->pid, t);
	for (size_t i = 0; i < set->nr; i++)
		if (set->images[i].pid == k->pid)
			json_object_array_add(images, report_json_object(&set->images[i].as));
	if (k->known) {
		kernel = json_object_new_object();
		json_object_object_add(kernel, "minflt", json_object_new_uint64(k->minflt));
		json_object_object_add(kernel, "majflt", json_object_new_uint64(k->majflt));
		json_object_object_add(kernel, "exec_args_untraced",
				       json_object_new_uint64(k->exec_args));
		json_object_object_add(kernel, "pf_disabled_events",
				       json_object_new_uint64(k->pf_disabled));
	}
	json_object_object_add(o, "pid", json_object_new_int(k->pid));
	json_object_object_add(o, "ppid", json_object_new_int(ppid_of(set, k->pid)));
	json_object_object_add(o, "exited", json_object_new_boolean(k->exited));
	json_object_object_add(o, "faults", json_object_new_uint64(t[VMT_C_FAULTS]));
	json_object_object_add(o, "major", json_object_new_uint64(t[VMT_C_MAJOR]));
	json_object_object_add(o, "errors", json_object_new_uint64(t[VMT_C_ERRORS]));
	json_object_object_add(o, "kernel", kernel);
	json_object_object_add(o, "images", images);
	return o;
}

struct json_object *procs_json(const struct proc_set *set)
{
	struct json_object *o = json_object_new_object();
	struct json_object *list = json_object_new_array();
	struct profile p;

	for (size_t k = 0; k < set->nr_pids; k++)
		json_object_array_add(list, json_process(set, &set->kernel[k]));
	json_object_object_add(o, "list", list);
	json_object_object_add(o, "not_followed", json_object_new_uint64(set->not_followed));
	if (set->merge_comm && !profile_from_procs(&p, set, NULL)) {
		json_object_object_add(o, "by_command", profile_json(&p));
		profile_free(&p);
	}
	return o;
}
