// SPDX-License-Identifier: GPL-2.0
/* --code: the (row, IP) counts of a process read from BPF, then named. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "tracer/attach.h"
#include "model/array.h"
#include "model/code.h"
#include "model/symbols.h"
#include "vmtrace.skel.h"

struct samples {
	struct code_sample *s;
	size_t nr, cap;
};

static int samples_add(const void *k, const struct vmt_code *val, void *ctx)
{
	const struct vmt_code_key *key = k;
	struct samples *v = ctx;
	struct code_sample *s = array_push(v->s, v->nr, v->cap, 256);

	if (!s)
		return -ENOMEM;
	s->serial = key->serial;
	s->ip = key->ip;
	memcpy(s->c, val->c, sizeof(s->c));
	return 0;
}

static int read_samples(struct tracer *tr, pid_t pid, struct samples *v)
{
	return tracer_for_each_count(tr->skel->maps.code_ips, sizeof(struct vmt_code_key), pid,
				     samples_add, v);
}

int tracer_read_code(struct tracer *tr, pid_t pid, struct address_space *as)
{
	struct samples v = { 0 };
	struct symbolizer *sym = NULL;
	int err = read_samples(tr, pid, &v);

	if (!err) {
		sym = symbolizer_new(pid, as);
		err = sym ? 0 : -ENOMEM;
	}
	if (!err)
		err = code_build(as, v.s, v.nr, tr->skel->bss->code_drops, symbolize, sym);
	if (err)
		fprintf(stderr, "vmtrace: failed to read the faulting code: %s\n",
			strerror(-err));
	symbolizer_free(sym);
	free(v.s);
	return err;
}
