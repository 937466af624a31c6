// SPDX-License-Identifier: GPL-2.0
/*
 * vmtrace --features: each backend tried for real (tracer/probe.c), each
 * attach point found or not, and the backend auto picks, as text or JSON.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "kernel_features.h"
#include "report/json_writer.h"
#include "tracer/attach.h"
#include "tracer/probe.h"
#include "version.h"

static const char *owner_name(int backend)
{
	return backend < 0 ? "all" : backend_names[backend];
}

static void text_point(const char *sec, int backend, bool found, bool required,
		       void *ctx)
{
	printf("  %-38s %-10s %-9s %s\n", sec, owner_name(backend),
	       found ? "found" : "missing", required ? "required" : "optional");
}

static void json_point(const char *sec, int backend, bool found, bool required,
		       void *ctx)
{
	struct json_writer *w = ctx;

	jw_begin_object(w);
	jw_string_field(w, "attach", sec);
	jw_string_field(w, "backend", owner_name(backend));
	jw_bool_field(w, "found", found);
	jw_bool_field(w, "required", required);
	jw_end_object(w);
}

static int features_json(const struct config *cfg, const struct utsname *u,
			 const struct backend_result *res, const char *pick)
{
	struct json_writer w;
	int err;

	/* like a report: one line unless asked, or read on a terminal */
	jw_init(&w, stdout, cfg->pretty || isatty(STDOUT_FILENO) ? JW_PRETTY : JW_COMPACT);
	jw_begin_object(&w);
	jw_string_field(&w, "schema", FEATURES_SCHEMA);
	jw_string_field(&w, "kernel", u->release);
	jw_bool_field(&w, "btf", !access(cfg->btf_path ? cfg->btf_path :
					 "/sys/kernel/btf/vmlinux", R_OK));
	jw_name(&w, "backends");
	jw_begin_array(&w);
	for (int i = 0; i < PROBE_NR_BACKENDS; i++) {
		jw_begin_object(&w);
		jw_string_field(&w, "name", backend_names[probe_ladder[i]]);
		jw_bool_field(&w, "works", res[i].works);
		jw_string_field(&w, "reason", res[i].works ? NULL : res[i].reason);
		jw_name(&w, "missing");
		jw_words(&w, res[i].missing);
		jw_name(&w, "unavailable");
		jw_words(&w, res[i].unavailable);
		jw_end_object(&w);
	}
	jw_end_array(&w);
	jw_name(&w, "attach_points");
	jw_begin_array(&w);
	tracer_list_points(cfg, json_point, &w);
	jw_end_array(&w);
	jw_string_field(&w, "auto", pick);
	jw_end_object(&w);
	if ((err = jw_finish(&w))) {
		fprintf(stderr, "vmtrace: failed to write the features: %s\n", strerror(-err));
		return 1;
	}
	return pick ? 0 : 1;
}

/* Per backend: whether every attach point it requires is in this kernel's BTF. */
struct points_found {
	bool required_missing[VMT_NR_BACKENDS];
	unsigned int found[VMT_NR_BACKENDS];
};

static void count_point(const char *sec, int backend, bool found, bool required,
			void *ctx)
{
	struct points_found *p = ctx;

	for (int b = 0; b < VMT_NR_BACKENDS; b++) {
		if (backend >= 0 && backend != b)
			continue;
		p->found[b] += found;
		p->required_missing[b] |= required && !found;
	}
}

/*
 * Like bpftool version: what was built, then what this kernel offers, a
 * line each. From BTF alone, so it needs no privilege; --features loads
 * each backend for real.
 */
int print_version(const struct config *cfg)
{
	const char *btf = cfg->btf_path ? cfg->btf_path : "/sys/kernel/btf/vmlinux";
	struct points_found p = { 0 };
	struct utsname u;

	uname(&u);
	printf("vmtrace %s\ncommit %s\nlibbpf %s\nkernel %s\nkernel BTF %s\n",
	       VMTRACE_VERSION, VMTRACE_COMMIT, tracer_libbpf_version(), u.release,
	       access(btf, R_OK) ? "missing" : btf);
	if (access(btf, R_OK) || tracer_list_points(cfg, count_point, &p))
		return 0;
	for (int b = 0; b < VMT_NR_BACKENDS; b++)
		printf("backend %s: %s (%u attach points found; --features tries it)\n",
		       backend_names[b], p.required_missing[b] ? "missing attach points" :
		       "attach points present", p.found[b]);
	return 0;
}

int print_features(const struct config *cfg)
{
	struct backend_result res[PROBE_NR_BACKENDS] = { 0 };
	struct utsname u;
	const char *pick;
	int best;

	uname(&u);
	best = probe_backends(cfg, res);
	pick = best < 0 ? NULL : backend_names[probe_ladder[best]];
	if (cfg->json)
		return features_json(cfg, &u, res, pick);
	printf("kernel %s\n\nbackends, richest first:\n", u.release);
	for (int i = 0; i < PROBE_NR_BACKENDS; i++) {
		printf("  %-11s %s\n", backend_names[probe_ladder[i]],
		       res[i].works ? "works" : res[i].reason);
		if (res[i].works && res[i].unavailable[0])
			printf("  %-11s cannot count here: %s\n", "", res[i].unavailable);
	}
	printf("\nattach points:\n");
	tracer_list_points(cfg, text_point, NULL);
	printf("\nauto picks: %s\n", pick ? pick : "nothing (vmtrace cannot trace here)");
	return pick ? 0 : 1;
}
