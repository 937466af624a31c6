// SPDX-License-Identifier: GPL-2.0
/*
 * Each backend tried for real (loaded and attached, then detached): what
 * vmtrace --features reports.
 */
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "tracer/attach.h"
#include "tracer/probe.h"

/* The ladder's order: the richest first. */
const enum vmt_backend probe_ladder[PROBE_NR_BACKENDS] = {
	VMT_BACKEND_FENTRY, VMT_BACKEND_KPROBE, VMT_BACKEND_TRACEPOINT,
};

int probe_backends(const struct config *cfg, struct backend_result *res)
{
	libbpf_print_fn_t print = libbpf_set_print(NULL);
	struct btf *vmlinux = tracer_vmlinux_btf(cfg);

	for (int i = 0; i < PROBE_NR_BACKENDS; i++) {
		struct tracer tr;

		res[i].works = !tracer_try(&tr, cfg, vmlinux, probe_ladder[i]);
		snprintf(res[i].reason, sizeof(res[i].reason), "%s", tr.reason);
		snprintf(res[i].missing, sizeof(res[i].missing), "%s", tr.missing);
		snprintf(res[i].unavailable, sizeof(res[i].unavailable), "%s", tr.unavailable);
		tracer_close(&tr);
	}
	btf__free(vmlinux);
	libbpf_set_print(print);
	for (int i = 0; i < PROBE_NR_BACKENDS; i++)
		if (res[i].works)
			return i;
	return -1;
}
