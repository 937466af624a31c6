// SPDX-License-Identifier: GPL-2.0
/*
 * vmtrace --features: each backend tried for real (loaded and attached, then
 * detached), each attach point found or not, and the backend auto picks.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include "attach.h"
#include "probe.h"
#include "report.h"

struct backend_result {
	bool works;
	char reason[REASON_MAX];
	char missing[512];
	char unavailable[64];
};

/* The ladder's order: the richest first. */
static const enum vmt_backend ladder[] = {
	VMT_BACKEND_FENTRY, VMT_BACKEND_KPROBE, VMT_BACKEND_TRACEPOINT,
};
#define NR_LADDER (int)(sizeof(ladder) / sizeof(ladder[0]))

static void try_backends(const struct config *cfg, struct backend_result *res)
{
	libbpf_print_fn_t print = libbpf_set_print(NULL);
	struct btf *vmlinux = tracer_vmlinux_btf(cfg);

	for (int i = 0; i < NR_LADDER; i++) {
		struct tracer tr;

		res[i].works = !tracer_try(&tr, cfg, vmlinux, ladder[i]);
		snprintf(res[i].reason, sizeof(res[i].reason), "%s", tr.reason);
		snprintf(res[i].missing, sizeof(res[i].missing), "%s", tr.missing);
		snprintf(res[i].unavailable, sizeof(res[i].unavailable), "%s", tr.unavailable);
		tracer_close(&tr);
	}
	btf__free(vmlinux);
	libbpf_set_print(print);
}

static const char *auto_pick(const struct backend_result *res)
{
	for (int i = 0; i < NR_LADDER; i++)
		if (res[i].works)
			return backend_names[ladder[i]];
	return NULL;
}

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
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "attach", json_object_new_string(sec));
	json_object_object_add(o, "backend", json_object_new_string(owner_name(backend)));
	json_object_object_add(o, "found", json_object_new_boolean(found));
	json_object_object_add(o, "required", json_object_new_boolean(required));
	json_object_array_add(ctx, o);
}

static int features_json(const struct config *cfg, const struct utsname *u,
			 const struct backend_result *res, const char *pick)
{
	struct json_object *root = json_object_new_object();
	struct json_object *backends = json_object_new_array();
	struct json_object *points = json_object_new_array();

	for (int i = 0; i < NR_LADDER; i++) {
		struct json_object *b = json_object_new_object();

		json_object_object_add(b, "name", json_object_new_string(backend_names[ladder[i]]));
		json_object_object_add(b, "works", json_object_new_boolean(res[i].works));
		json_object_object_add(b, "reason", res[i].works ? NULL :
				       json_object_new_string(res[i].reason));
		json_object_object_add(b, "missing", json_words(res[i].missing));
		json_object_object_add(b, "unavailable", json_words(res[i].unavailable));
		json_object_array_add(backends, b);
	}
	tracer_list_points(cfg, json_point, points);
	json_object_object_add(root, "kernel", json_object_new_string(u->release));
	json_object_object_add(root, "btf", json_object_new_boolean(
		!access(cfg->btf_path ? cfg->btf_path : "/sys/kernel/btf/vmlinux", R_OK)));
	json_object_object_add(root, "backends", backends);
	json_object_object_add(root, "attach_points", points);
	json_object_object_add(root, "auto", pick ? json_object_new_string(pick) : NULL);
	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return pick ? 0 : 1;
}

int print_features(const struct config *cfg)
{
	struct backend_result res[NR_LADDER] = { 0 };
	struct utsname u;
	const char *pick;

	uname(&u);
	try_backends(cfg, res);
	pick = auto_pick(res);
	if (cfg->json)
		return features_json(cfg, &u, res, pick);
	printf("kernel %s\n\nbackends, richest first:\n", u.release);
	for (int i = 0; i < NR_LADDER; i++) {
		printf("  %-11s %s\n", backend_names[ladder[i]],
		       res[i].works ? "works" : res[i].reason);
		if (res[i].works && res[i].unavailable[0])
			printf("  %-11s cannot count here: %s\n", "", res[i].unavailable);
	}
	printf("\nattach points:\n");
	tracer_list_points(cfg, text_point, NULL);
	printf("\nauto picks: %s\n", pick ? pick : "nothing (vmtrace cannot trace here)");
	return pick ? 0 : 1;
}
