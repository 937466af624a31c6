// SPDX-License-Identifier: GPL-2.0
/*
 * vmtrace --features: each backend tried for real (tracer/probe.c), each
 * attach point found or not, and the backend auto picks, as text or JSON.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <json-c/json.h>
#include "kernel_features.h"
#include "report/format.h"
#include "tracer/attach.h"
#include "tracer/probe.h"

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

	for (int i = 0; i < PROBE_NR_BACKENDS; i++) {
		struct json_object *b = json_object_new_object();

		json_object_object_add(b, "name", json_object_new_string(backend_names[probe_ladder[i]]));
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
