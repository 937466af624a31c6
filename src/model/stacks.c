// SPDX-License-Identifier: GPL-2.0
/* --stacks: (row, stack) samples named, judged and merged (stacks.h). */
#define _GNU_SOURCE	/* qsort_r */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model/array.h"
#include "model/model.h"
#include "model/stacks.h"

/*
 * Where a thread's frames begin: a walk that reaches one of these saw the
 * whole stack, and anything it reads past one is not the thread's.
 */
static const char *const thread_starts[] = {
	"_start", "__libc_start_main", "__libc_start_main_impl", "__libc_start_call_main",
	"start_thread",
	"clone", "clone3", "__clone", "__clone3", "thread_start",
};

static bool starts_thread(const struct code_name *n)
{
	for (size_t i = 0; i < sizeof(thread_starts) / sizeof(thread_starts[0]); i++)
		if (n->symbolized && !strcmp(n->function, thread_starts[i]))
			return true;
	return false;
}

/*
 * The IP a frame is named by: a return address points after its call, which
 * may be the first byte of the next function (a call that never returns).
 */
static uint64_t frame_ip(const struct stack_sample *s, uint32_t i)
{
	return i ? s->ips[i] - 1 : s->ips[i];
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every distinct frame IP, sorted, then named once each. */
static int name_ips(struct stack_report *sr, const struct stack_sample *s, size_t n,
		    const struct stack_namer *namer)
{
	size_t total = 0, u = 0;

	for (size_t i = 0; i < n; i++)
		total += s[i].nr;
	sr->name_ips = malloc((total ? total : 1) * sizeof(*sr->name_ips));
	if (!sr->name_ips)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (uint32_t f = 0; f < s[i].nr; f++)
			sr->name_ips[u++] = frame_ip(&s[i], f);
	qsort(sr->name_ips, total, sizeof(*sr->name_ips), cmp_u64);
	for (size_t i = 0; i < total; i++)
		if (!sr->nr_names || sr->name_ips[i] != sr->name_ips[sr->nr_names - 1])
			sr->name_ips[sr->nr_names++] = sr->name_ips[i];
	sr->names = calloc(sr->nr_names ? sr->nr_names : 1, sizeof(*sr->names));
	if (!sr->names)
		return -ENOMEM;
	for (size_t i = 0; i < sr->nr_names; i++) {
		int err = namer->name(namer->ctx, sr->name_ips[i], &sr->names[i]);

		if (err)
			return err;
	}
	return 0;
}

static uint32_t name_index(const struct stack_report *sr, uint64_t ip)
{
	const uint64_t *p = bsearch(&ip, sr->name_ips, sr->nr_names, sizeof(ip), cmp_u64);

	return p - sr->name_ips;
}

/*
 * The frames of a sample worth naming: up to the first that cannot be a
 * return address (not in executable memory: the walk strayed), and no
 * further than where the thread started. Sets e->truncated.
 */
static void judge(struct stack_report *sr, const struct stack_sample *s,
		  const struct stack_namer *namer, struct stack_entry *e)
{
	bool started = false;

	for (uint32_t i = 0; i < s->nr && !started; i++) {
		if (i && !namer->is_code(namer->ctx, s->ips[i]))
			break;
		e->frames[e->nr++] = name_index(sr, frame_ip(s, i));
		started = starts_thread(stack_frame(sr, e, e->nr - 1));
	}
	e->truncated = !started;
}

static int add_sample(struct stack_report *sr, const struct stack_sample *s,
		      const struct stack_namer *namer)
{
	struct stack_entry *e = array_push(sr->e, sr->nr, sr->cap, 64);

	if (!e)
		return -ENOMEM;
	e->frames = malloc((s->nr ? s->nr : 1) * sizeof(*e->frames));
	if (!e->frames) {
		sr->nr--;
		return -ENOMEM;
	}
	e->serial = s->serial;
	memcpy(e->c, s->c, sizeof(e->c));
	judge(sr, s, namer, e);
	return 0;
}

/* Stacks that name the same functions, in the same row, are one entry. */
static int same_stack(const void *a, const void *b, void *report)
{
	const struct stack_entry *x = a, *y = b;
	const struct stack_report *sr = report;
	int d = 0;

	if (x->serial != y->serial)
		return x->serial < y->serial ? -1 : 1;
	if (x->truncated != y->truncated || x->nr != y->nr)
		return x->truncated != y->truncated ? x->truncated - y->truncated :
		       (int)x->nr - (int)y->nr;
	for (uint32_t i = 0; !d && i < x->nr; i++) {
		const struct code_name *m = stack_frame(sr, x, i), *n = stack_frame(sr, y, i);

		d = strcmp(m->function, n->function);
		if (!d)
			d = strcmp(m->module, n->module);
	}
	return d;
}

static int by_faults(const void *a, const void *b, void *report)
{
	const struct stack_entry *x = a, *y = b;

	if (x->c[VMT_CC_FAULTS] != y->c[VMT_CC_FAULTS])
		return x->c[VMT_CC_FAULTS] < y->c[VMT_CC_FAULTS] ? 1 : -1;
	return same_stack(a, b, report);
}

/* Sorted, each run of one stack summed into its first entry. */
static void merge(struct stack_report *sr)
{
	size_t out = 0;

	qsort_r(sr->e, sr->nr, sizeof(*sr->e), same_stack, sr);
	for (size_t i = 0; i < sr->nr; i++) {
		struct stack_entry *e = &sr->e[i];

		if (out && !same_stack(&sr->e[out - 1], e, sr)) {
			for (int c = 0; c < VMT_NR_CC; c++)
				sr->e[out - 1].c[c] += e->c[c];
			free(e->frames);
			continue;
		}
		sr->e[out++] = *e;
	}
	sr->nr = out;
	qsort_r(sr->e, sr->nr, sizeof(*sr->e), by_faults, sr);
}

static void tally(struct stack_report *sr)
{
	for (size_t i = 0; i < sr->nr; i++) {
		const struct stack_entry *e = &sr->e[i];

		sr->depth[e->nr] += e->c[VMT_CC_FAULTS];
		sr->faults += e->c[VMT_CC_FAULTS];
		if (e->truncated)
			sr->truncated += e->c[VMT_CC_FAULTS];
	}
}

int stacks_build(struct address_space *as, const struct stack_sample *s, size_t n,
		 uint64_t drops, unsigned int every, const struct stack_namer *namer)
{
	struct stack_report *sr = calloc(1, sizeof(*sr));
	int err = sr ? name_ips(sr, s, n, namer) : -ENOMEM;

	for (size_t i = 0; i < n && !err; i++)
		err = add_sample(sr, &s[i], namer);
	if (err) {
		stacks_free(sr);
		return err;
	}
	merge(sr);
	tally(sr);
	sr->drops = drops;
	sr->every = every;
	as->stacks = sr;
	return 0;
}

void stacks_free(struct stack_report *sr)
{
	if (!sr)
		return;
	for (size_t i = 0; i < sr->nr; i++)
		free(sr->e[i].frames);
	free(sr->e);
	free(sr->names);
	free(sr->name_ips);
	free(sr);
}
