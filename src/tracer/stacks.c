// SPDX-License-Identifier: GPL-2.0
/* --stacks: the (row, stack) counts of a process read from BPF, then named. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "tracer/attach.h"
#include "model/array.h"
#include "model/stacks.h"
#include "model/symbols.h"
#include "vmtrace.skel.h"

struct samples {
	struct stack_sample *s;
	size_t nr, cap;
};

static int samples_add(const void *k, const struct vmt_code *val, void *ctx)
{
	const struct vmt_stack_key *key = k;
	struct samples *v = ctx;
	struct stack_sample *s = array_push(v->s, v->nr, v->cap, 64);

	if (!s)
		return -ENOMEM;
	s->serial = key->serial;
	s->nr = key->nr < VMT_STACK_DEPTH ? key->nr : VMT_STACK_DEPTH;
	memcpy(s->ips, key->ips, sizeof(s->ips));
	memcpy(s->c, val->c, sizeof(s->c));
	return 0;
}

static int read_samples(struct tracer *tr, pid_t pid, struct samples *v)
{
	return tracer_for_each_count(tr->skel->maps.stacks, sizeof(struct vmt_stack_key), pid,
				     samples_add, v);
}

int tracer_read_stacks(struct tracer *tr, pid_t pid, unsigned int every,
		       struct address_space *as)
{
	struct stack_namer namer = { .name = symbolize, .is_code = symbolizer_is_code };
	struct samples v = { 0 };
	int err = read_samples(tr, pid, &v);

	if (!err) {
		namer.ctx = symbolizer_new(pid, as);
		err = namer.ctx ? 0 : -ENOMEM;
	}
	if (!err)
		err = stacks_build(as, v.s, v.nr, tr->skel->bss->stack_drops, every, &namer);
	if (err)
		fprintf(stderr, "vmtrace: failed to read the faulting stacks: %s\n",
			strerror(-err));
	symbolizer_free(namer.ctx);
	free(v.s);
	return err;
}
