// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the report writers: the input describes address
 * spaces the way the tracer fills them (src/model/model.h: BPF rows, read-ins,
 * /proc/PID/maps lines, deferred pages, child processes, faulting code), with
 * paths, kernel names, commands, process names and function names of any
 * bytes, counters up to 2^64-1 and up to MAX_ROWS rows. The model is finished
 * as a report is, then written as text, as -j JSON and as a live view screen.
 * The JSON must be strict JSON in valid UTF-8 (json-c's parser and the
 * decoder of checks.h) with every row in it; the text and the live view
 * valid UTF-8 with no raw control byte but newlines; every name through
 * name_text() must read back exactly, and cut short, be a prefix of itself.
 * ASan and UBSan (make fuzz) catch the rest.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "model/code.h"
#include "model/procs.h"
#include "report/format.h"
#include "report/live.h"
#include "report/report.h"
#include "checks.h"

/* rows in all: past the arrays' first growths, few enough that json-c's tree
 * of the report (every image's rows are in it) keeps a run to milliseconds */
#define MAX_ROWS	100
#define MAX_REPEAT	100	/* rows one op may add */
#define MAX_IMAGES	6	/* child images beside the command's */
#define MAX_SAMPLES	32	/* --code's (row, IP) pairs */

struct input {
	const uint8_t *p, *end;
};

/* The next bytes (little-endian), 0 once the input is spent. */
static uint64_t take(struct input *in, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes && in->p < in->end; i++)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

/* A counter: small, at or just below 2^64-1, a power of two, or any. */
static uint64_t take_count(struct input *in)
{
	uint8_t k = take(in, 1);

	switch (k % 4) {
	case 0:
		return k >> 2;
	case 1:
		return UINT64_MAX - (k >> 2);
	case 2:
		return 1ULL << (k >> 2);
	default:
		return take(in, 8);
	}
}

/* A name: the input's bytes up to a NUL, any of them, cut to size. */
static void take_name(struct input *in, char *buf, size_t size)
{
	size_t n = 0;

	for (; in->p < in->end && *in->p; in->p++)
		if (n + 1 < size)
			buf[n++] = (char)*in->p;
	in->p += in->p < in->end;
	buf[n] = '\0';
}

struct model {
	struct address_space as;	/* the command's */
	struct proc_set set;
	struct proc_image images[MAX_IMAGES];
	struct proc_kernel kernel[MAX_IMAGES];
	struct code_sample samples[MAX_SAMPLES];
	struct code_name names[MAX_SAMPLES];	/* samples[i].ip's */
	size_t nr_samples;
	uint64_t code_drops;
	struct vmt_row last;		/* what a repeat copies */
	uint64_t serial;		/* rows made so far (each its serial) */
	struct config cfg;
	bool pretty, keep_unfaulted, code;
};

static void take_counters(struct input *in, __u64 *c, int n)
{
	uint32_t mask = take(in, 2);

	for (int i = 0; i < n; i++)
		if (mask & 1u << (i % 16))
			c[i] = take_count(in);
}

static int add_row(struct model *m, struct address_space *as, struct input *in)
{
	static char path[PATH_MAX];
	struct vmt_row r = { .start = take(in, 5) << 12 };

	r.end = r.start + ((take(in, 2) + 1) << 12);
	r.vm_flags = take(in, 2);
	r.flags = take(in, 2);
	r.ino = take(in, 1);
	r.dev = take(in, 4);
	r.pgoff = take_count(in);
	r.stack_tid = take(in, 1);
	r.nr_vmas = take(in, 1);
	r.serial = ++m->serial;
	take_counters(in, r.counters, VMT_NR_COUNTERS);
	take_name(in, path, sizeof(path));
	m->last = r;
	return aspace_add_row(as, r.serial, &r, path[0] ? path : NULL);
}

/* Many rows like the last, each a page further and a file of its own. */
static int repeat_row(struct model *m, struct address_space *as, struct input *in)
{
	size_t n = take(in, 2) % MAX_REPEAT;
	struct vmt_row r = m->last;
	int err = 0;

	for (size_t i = 0; i < n && m->serial < MAX_ROWS && !err; i++) {
		r.start = r.end;
		r.end += 4096;
		r.ino += !!r.ino;
		r.serial = ++m->serial;
		err = aspace_add_row(as, r.serial, &r, NULL);
	}
	return err;
}

static int add_readin(struct address_space *as, struct input *in)
{
	__u64 pages[VMT_NR_READIN] = { 0 };
	char path[512];
	uint32_t dev = take(in, 4);
	uint64_t ino = take(in, 2);

	take_counters(in, pages, VMT_NR_READIN);
	take_name(in, path, sizeof(path));
	return aspace_add_readin(as, dev, ino, pages, path[0] ? path : NULL);
}

/* A line of /proc/PID/maps: a kernel name ("[anon:x]") or a path, any bytes. */
static int add_maps_line(struct address_space *as, struct input *in)
{
	struct maps_entry e = { .start = take(in, 5) << 12 };
	bool final = take(in, 1) & 1;

	e.end = e.start + ((take(in, 1) + 1) << 12);
	perms_from_flags(take(in, 1), e.perms);
	e.offset = take_count(in);
	e.dev_major = take(in, 1);
	e.dev_minor = take(in, 1);
	e.ino = take(in, 1);
	take_name(in, e.path, sizeof(e.path));
	return aspace_apply_maps(as, &e, 1, final);
}

static int add_deferred(struct address_space *as, struct input *in)
{
	__u64 c[VMT_NR_COUNTERS] = { 0 };
	uint64_t page = take(in, 5) << 12;

	take_counters(in, c, VMT_NR_COUNTERS);
	return aspace_add_deferred(as, page, c);
}

/* A (row, IP) pair and what the symbolizer will call its IP. */
static void add_sample(struct model *m, struct input *in)
{
	struct code_name *name = &m->names[m->nr_samples];
	__u64 c[VMT_NR_CC] = { 0 };
	struct code_sample *s;

	if (m->nr_samples == MAX_SAMPLES)
		return;
	s = &m->samples[m->nr_samples++];
	s->serial = take(in, 1) % (m->serial + 1);
	s->ip = take(in, 8);
	take_counters(in, c, VMT_NR_CC);
	for (int i = 0; i < VMT_NR_CC; i++)
		s->c[i] = c[i];
	take_name(in, name->function, sizeof(name->function));
	take_name(in, name->module, sizeof(name->module));
	take_name(in, name->where, sizeof(name->where));
	name->file_offset = take(in, 8);
	name->symbolized = take(in, 1) & 1;
}

/* The next child image, named by the input; NULL when there is no room. */
static struct address_space *next_image(struct model *m, struct input *in)
{
	struct proc_image *img;

	if (m->set.nr == MAX_IMAGES)
		return NULL;
	img = &m->images[m->set.nr++];
	img->pid = 100 + take(in, 1) % 3;	/* a pid again: it exec'd */
	img->ppid = m->as.pid;
	for (size_t i = 0; i + 1 < m->set.nr; i++)
		img->image += m->images[i].pid == img->pid;
	take_name(in, img->comm, sizeof(img->comm));
	aspace_init(&img->as, img->pid);
	m->kernel[m->set.nr - 1] = (struct proc_kernel){ .pid = img->pid };
	m->kernel[m->set.nr - 1].known = take(in, 1) & 1;
	m->kernel[m->set.nr - 1].minflt = take_count(in);
	m->kernel[m->set.nr - 1].majflt = take_count(in);
	m->kernel[m->set.nr - 1].traced = take_count(in);
	return &img->as;
}

/* One step of the input: a row, many rows, a read-in, a maps line, ... */
static int step(struct model *m, struct address_space **as, struct input *in)
{
	struct address_space *next;

	switch (take(in, 1) % 7) {
	case 0:
		return m->serial < MAX_ROWS ? add_row(m, *as, in) : 0;
	case 1:
		return repeat_row(m, *as, in);
	case 2:
		return add_readin(*as, in);
	case 3:
		return add_maps_line(*as, in);
	case 4:
		return add_deferred(*as, in);
	case 5:
		add_sample(m, in);
		return 0;
	default:
		if ((next = next_image(m, in)))
			*as = next;
		return 0;
	}
}

/* The command's own figures: the header, kernel counters, system calls, drops. */
static void take_header(struct model *m, struct input *in)
{
	static const char *const backends[] = { "fentry", "kprobe", "tracepoint" };
	static const char *const unavailable[] = { NULL, "", "cow readin", "cow" };
	struct address_space *as = &m->as;
	uint8_t flags = take(in, 1);

	/* one take() a statement: the order of an initializer's is unspecified */
	m->cfg = (struct config){ .wide = flags & 1, .files = flags & 2, .interval = 0.5 };
	m->cfg.sort = take(in, 1) % NR_SORT_KEYS;
	m->cfg.top = 1 + take(in, 1) % 16;
	m->cfg.columns = take(in, 1);
	m->pretty = flags & 4;
	m->keep_unfaulted = flags & 8;
	m->code = flags & 16;
	m->set.merge_comm = flags & 32;
	aspace_init(as, (pid_t)take(in, 4));
	take_name(in, as->command, sizeof(as->command));
	as->backend = backends[take(in, 1) % 3];
	as->unavailable = unavailable[take(in, 1) % 4];
	as->duration_s = (double)take(in, 4) / 1000;
	as->kernel_known = flags & 64;
	as->kernel_minflt = take_count(in);
	as->kernel_majflt = take_count(in);
	as->pf_disabled = take_count(in);
	for (int i = 0; i < VMT_NR_SYSCALLS; i++) {
		as->sc[i].calls = take_count(in);
		as->sc[i].bytes = take_count(in);
	}
	as->drops.rows = take_count(in);
	as->drops.missed = take_count(in);
	as->drops.lookups_busy = take_count(in);
	as->forks_unfollowed = take_count(in);
	m->set.not_followed = take_count(in);
	m->code_drops = take_count(in);
	as->latency_known = flags & 128;
	as->latency_source = "handle_mm_fault";
	for (int k = 0; k < VMT_NR_LAT_KINDS; k++) {
		uint8_t slot = take(in, 1) % VMT_LAT_SLOTS;

		as->latency[k][slot] = take_count(in);
	}
}

/* --code's name for an IP: the one its first sample was given. */
static int name_ip(void *ctx, uint64_t ip, struct code_name *out)
{
	const struct model *m = ctx;

	for (size_t i = 0; i < m->nr_samples; i++)
		if (m->samples[i].ip == ip) {
			*out = m->names[i];
			return 0;
		}
	abort();
}

/* Every process's kernel counters, one entry per pid, as procs_collect() leaves them. */
static void finish_procs(struct model *m)
{
	struct proc_set *set = &m->set;

	set->images = m->images;
	set->kernel = m->kernel;
	for (size_t i = 0, k; i < set->nr; i++) {
		for (k = 0; k < set->nr_pids && set->kernel[k].pid != m->images[i].pid; k++)
			;
		if (k == set->nr_pids)	/* the first image's figures stand for its pid */
			set->kernel[set->nr_pids++] = m->kernel[i];
	}
	if (set->nr)
		m->as.procs = set;
}

static void finish(struct model *m)
{
	if (aspace_finish(&m->as, m->cfg.sort, m->keep_unfaulted))
		abort();
	for (size_t i = 0; i < m->set.nr; i++)
		if (aspace_finish(&m->images[i].as, m->cfg.sort, m->keep_unfaulted))
			abort();
	finish_procs(m);
	if (m->code && code_build(&m->as, m->samples, m->nr_samples, m->code_drops,
				  name_ip, m))
		abort();
}

enum sink { SINK_JSON, SINK_TEXT, SINK_LIVE };

/*
 * The sink's output, in a buffer kept from run to run: open_memstream()'s
 * growing buffer (large blocks ASan maps and unmaps at every run) made the
 * target about 5 times slower. Valid until the next render().
 */
static char *render(const struct model *m, enum sink sink, size_t *len)
{
	static char text[16 << 20];
	FILE *f = fmemopen(text, sizeof(text), "w");

	if (!f)
		abort();
	if (sink == SINK_JSON && report_json(f, &m->as, m->pretty))
		abort();
	else if (sink == SINK_TEXT)
		report_text(f, &m->as, &m->cfg);
	else if (sink == SINK_LIVE)
		live_print(f, &m->as, &m->cfg, false);
	fflush(f);
	*len = ftell(f);
	if (fclose(f) || *len + 1 >= sizeof(text))
		abort();	/* cut short: not the writers' fault, but nothing to check */
	return text;
}

/* Text for a person: UTF-8, no raw control byte but newlines. */
static void check_text(const struct model *m, enum sink sink)
{
	size_t len;
	char *text = render(m, sink, &len);

	if (!valid_utf8((const unsigned char *)text, len, true)) {
		fprintf(stderr, "%s: invalid UTF-8 or a raw control byte:\n%.*s",
			sink == SINK_TEXT ? "text report" : "live view", (int)len, text);
		abort();
	}
}

static void check_json(const struct model *m)
{
	size_t len;
	char *text = render(m, SINK_JSON, &len);
	struct json_object *root, *vmas;

	if (!valid_utf8((const unsigned char *)text, len, true))
		abort();
	root = parse_strict(text, len, 64);
	if (!json_object_object_get_ex(root, "vmas", &vmas) ||
	    json_object_array_length(vmas) != m->as.nr)
		abort();	/* every row, none lost to a name */
	json_object_put(root);
}

/* A name escaped reads back exactly; cut to size, it is a prefix of itself. */
static void check_name(const char *s, size_t cut)
{
	size_t n = strlen(s);
	char *buf = malloc(NAME_TEXT_MAX(n)), *back = malloc(NAME_TEXT_MAX(n));
	long got;

	name_text(s, buf, NAME_TEXT_MAX(n));
	if (name_unescape(buf, back) != (long)n || memcmp(back, s, n))
		abort();
	name_text(s, buf, cut % NAME_TEXT_MAX(n) + 1);
	got = name_unescape(buf, back);
	if (strlen(buf) > cut % NAME_TEXT_MAX(n) || got < 0 || memcmp(back, s, got) ||
	    !valid_utf8((const unsigned char *)buf, strlen(buf), true) || strchr(buf, '\n'))
		abort();
	free(buf);
	free(back);
}

static void check_names(const struct model *m)
{
	check_name(m->as.command, m->as.nr);
	for (size_t i = 0; i < m->as.nr; i++) {
		check_name(m->as.vmas[i].label, i);
		if (m->as.vmas[i].path)
			check_name(m->as.vmas[i].path, i * 7);
	}
	for (size_t i = 0; i < m->set.nr; i++)
		check_name(m->images[i].comm, i);
}

static void release(struct model *m)
{
	for (size_t i = 0; i < m->set.nr; i++)
		aspace_free(&m->images[i].as);
	aspace_free(&m->as);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model m;
	struct input in = { data, data + size };
	struct address_space *as = &m.as;

	memset(&m, 0, sizeof(m));
	take_header(&m, &in);
	while (in.p < in.end)
		if (step(&m, &as, &in))
			abort();
	finish(&m);
	check_json(&m);
	check_text(&m, SINK_TEXT);
	check_text(&m, SINK_LIVE);
	check_names(&m);
	release(&m);
	return 0;
}
