// SPDX-License-Identifier: GPL-2.0
/* A -j report read back as one run's profile (for diff). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ci/keyed.h"
#include "ci/reportin.h"
#include "model/array.h"
#include "model/procs.h"
#include "report/report.h"

/* The report's counters by their JSON names ("minor" is derived: not read). */
static const char *const counter_keys[] = {
	"faults", "major", "read", "write", "exec", "wp", "errors", "kernel_mode",
	"cow", "readin", "sigbus", "oom", "latency_ns",
};
static const int counter_index[] = {
	VMT_C_FAULTS, VMT_C_MAJOR, VMT_C_READ, VMT_C_WRITE, VMT_C_EXEC, VMT_C_WP,
	VMT_C_ERRORS, VMT_C_KERNEL, VMT_C_COW, VMT_C_READIN, VMT_C_SIGBUS, VMT_C_OOM,
	VMT_C_LATENCY_NS,
};
#define NR_COUNTER_KEYS	(int)(sizeof(counter_keys) / sizeof(counter_keys[0]))

struct report_in {
	struct proc_set set;	/* processes.list[].images[] */
	struct proc_image top;	/* the report's own rows */
	struct report_meta *meta;
	unsigned long long pid;
	unsigned long long cur_pid;	/* the process whose images are being read */
	size_t first;		/* its first image in set */
	char unavailable[64];
};

/* A name that was not UTF-8 is longer as U+FFFD: at most three bytes each. */
#define NAME_TEXT(size)	(3 * (size) + 1)

/* KEY, cut to size; its KEY_bytes (which follow it) replace it. */
static int get_name(struct reader *r, char *out, size_t size, bool bytes)
{
	char text[NAME_TEXT(512)];
	size_t len;

	if (bytes)
		return rd_bytes(r, out, size, 2 * 512);
	if (rd_string(r, text, sizeof(text), false))
		return -EINVAL;
	len = strlen(text);
	len = len < size ? len : size - 1;
	memcpy(out, text, len);
	out[len] = '\0';
	return 0;
}

static int get_counter(struct reader *r, int k, void *counters)
{
	unsigned long long n;

	if (rd_count(r, ~0ULL, &n))
		return -EINVAL;
	((uint64_t *)counters)[counter_index[k]] = n;
	return 0;
}

/* "0x7f0000001000": an address as the report writes it. */
static int get_address(struct reader *r, uint64_t *out)
{
	char text[24], *end;

	if (rd_string(r, text, sizeof(text), false))
		return -EINVAL;
	errno = 0;
	*out = strtoull(text, &end, 16);
	if (strncmp(text, "0x", 2) || !text[2] || *end || errno)
		return rd_fail(r, "\"%s\" is not an address like \"0x7f0000001000\"", text);
	return 0;
}

enum { V_START, V_END, V_PERMS, V_LABEL, V_LABEL_BYTES, V_UNMAPPED, V_CHANGED,
       NR_VMA_FIELDS };
static const char *const vma_keys[NR_VMA_FIELDS + NR_COUNTER_KEYS] = {
	"start", "end", "perms", "label", "label_bytes", "unmapped", "changed",
	"faults", "major", "read", "write", "exec", "wp", "errors", "kernel_mode",
	"cow", "readin", "sigbus", "oom", "latency_ns",
};
#define VMA_REQUIRED	(ALL_OF(NR_VMA_FIELDS + 12) & ~(1u << V_LABEL_BYTES))

static int get_vma_field(struct reader *r, int k, void *vma)
{
	struct vma *v = vma;

	switch (k) {
	case V_START:
		return get_address(r, &v->start);
	case V_END:
		return get_address(r, &v->end);
	case V_PERMS:
		return rd_string(r, v->perms, sizeof(v->perms), false);
	case V_LABEL:
	case V_LABEL_BYTES:
		return get_name(r, v->label, sizeof(v->label), k == V_LABEL_BYTES);
	case V_UNMAPPED:
		return rd_bool(r, &v->unmapped);
	case V_CHANGED:
		return rd_bool(r, &v->changed);
	default:
		return get_counter(r, k - NR_VMA_FIELDS, v->counters);
	}
}

static int get_vma(struct reader *r, size_t i, void *as_)
{
	struct address_space *as = as_;
	struct vma *v = array_push(as->vmas, as->nr, as->cap, 64);

	if (!v)
		return rd_fail(r, "out of memory");
	if (rd_object(r, vma_keys, NR_VMA_FIELDS + NR_COUNTER_KEYS, VMA_REQUIRED,
		      get_vma_field, v))
		return -EINVAL;
	if (v->end < v->start)
		return rd_fail(r, "ends before it starts");
	return 0;
}

static int get_totals(struct reader *r, struct address_space *as)
{
	return rd_object(r, counter_keys, NR_COUNTER_KEYS, ALL_OF(NR_COUNTER_KEYS - 1),
			 get_counter, as->totals);
}

/* An image of processes.list[].images: the process's name, rows, totals. */
enum { I_COMMAND, I_COMMAND_BYTES, I_VMAS, I_TOTALS, NR_IMAGE_KEYS };
static const char *const image_keys[NR_IMAGE_KEYS] = {
	"command", "command_bytes", "vmas", "totals",
};

static int get_image_field(struct reader *r, int k, void *img_)
{
	struct proc_image *img = img_;

	if (k == I_VMAS)
		return rd_array(r, "an array of VMAs", get_vma, &img->as);
	if (k == I_TOTALS)
		return get_totals(r, &img->as);
	return get_name(r, img->comm, sizeof(img->comm), k == I_COMMAND_BYTES);
}

static int get_image(struct reader *r, size_t i, void *rin_)
{
	struct report_in *rin = rin_;
	struct proc_image *img = array_push(rin->set.images, rin->set.nr, rin->set.cap, 8);

	if (!img)
		return rd_fail(r, "out of memory");
	return rd_object(r, image_keys, NR_IMAGE_KEYS, 1u << I_COMMAND | 1u << I_VMAS |
			 1u << I_TOTALS, get_image_field, img);
}

enum { P_PID, P_IMAGES, NR_PROC_KEYS };
static const char *const proc_keys[NR_PROC_KEYS] = { "pid", "images" };

static int get_proc_field(struct reader *r, int k, void *rin_)
{
	struct report_in *rin = rin_;
	unsigned long long pid;

	if (k == P_IMAGES)
		return rd_array(r, "an array of images", get_image, rin);
	if (rd_count(r, 1u << 22, &pid))	/* PID_MAX_LIMIT */
		return -EINVAL;
	rin->cur_pid = pid;
	return 0;
}

/* A process: its images (none: the report's own, which is the report). */
static int get_process(struct reader *r, size_t i, void *rin_)
{
	struct report_in *rin = rin_;

	rin->first = rin->set.nr;
	if (rd_object(r, proc_keys, NR_PROC_KEYS, 1u << P_PID, get_proc_field, rin))
		return -EINVAL;
	for (size_t k = rin->first; k < rin->set.nr; k++)
		rin->set.images[k].pid = rin->cur_pid;
	return 0;
}

static int get_processes(struct reader *r, int k, void *rin)
{
	return rd_array(r, "an array of processes", get_process, rin);
}

static int get_unavailable(struct reader *r, size_t i, void *rin_)
{
	struct report_in *rin = rin_;
	size_t len = strlen(rin->unavailable);
	char word[32];

	if (rd_string(r, word, sizeof(word), false))
		return -EINVAL;
	if (len + strlen(word) + 2 > sizeof(rin->unavailable))
		return rd_fail(r, "too many counters");
	snprintf(rin->unavailable + len, sizeof(rin->unavailable) - len, "%s%s",
		 len ? " " : "", word);
	return 0;
}

/* A newer version may change what a member means: only this one is read. */
static int get_schema(struct reader *r)
{
	char schema[64];

	if (rd_string(r, schema, sizeof(schema), false))
		return -EINVAL;
	return strcmp(schema, REPORT_SCHEMA) ? rd_fail(r, "not \"%s\"", REPORT_SCHEMA) : 0;
}

enum { K_SCHEMA, K_PID, K_COMMAND, K_TOTALS, K_VMAS, K_COMMAND_BYTES, K_BACKEND,
       K_UNAVAILABLE, K_PROCESSES, NR_KEYS };
static const char *const keys[NR_KEYS] = {
	"schema", "pid", "command", "totals", "vmas", "command_bytes", "backend",
	"unavailable", "processes",
};
static const char *const processes_keys[] = { "list" };

static int get_field(struct reader *r, int k, void *rin_)
{
	struct report_in *rin = rin_;
	struct report_meta *m = rin->meta;

	switch (k) {
	case K_SCHEMA:
		return get_schema(r);
	case K_PID:
		return rd_count(r, 1u << 22, &rin->pid);
	case K_COMMAND:
	case K_COMMAND_BYTES:
		return get_name(r, m->command, sizeof(m->command), k == K_COMMAND_BYTES);
	case K_TOTALS:
		return get_totals(r, &rin->top.as);
	case K_VMAS:
		return rd_array(r, "an array of VMAs", get_vma, &rin->top.as);
	case K_BACKEND:
		return rd_word(r, m->backend, sizeof(m->backend));
	case K_UNAVAILABLE:
		return rd_array(r, "an array of counter names", get_unavailable, rin);
	default:
		return rd_object(r, processes_keys, 1, 0, get_processes, rin);
	}
}

/*
 * The report's own process as the kernel named it at exec: the basename of
 * the file executed, cut to 15 bytes (TASK_COMM_LEN), which is its command
 * line's first word's (a report does not store it; a process that renamed
 * itself, or a first word with a space, is named otherwise in a baseline).
 */
static void comm_of(const char *command, char *comm, size_t size)
{
	size_t len = strcspn(command, " ");
	const char *base = command;

	for (size_t i = 0; i < len; i++)
		if (command[i] == '/' && i + 1 < len)
			base = command + i + 1;
	len -= base - command;
	snprintf(comm, size, "%.*s", (int)(len < size - 1 ? len : size - 1), base);
}

/*
 * The report's images: each process's listed ones, and the report's own
 * rows unless its process listed its images (it exec'd: the report is then
 * its last image, and listed too).
 */
static int images_of(struct report_in *rin, const char *root, struct profile *p)
{
	bool listed = false;
	struct proc_image *img;

	for (size_t i = 0; i < rin->set.nr; i++)
		listed |= (unsigned long long)rin->set.images[i].pid == rin->pid;
	if (!listed) {
		img = array_push(rin->set.images, rin->set.nr, rin->set.cap, 8);
		if (!img)
			return -ENOMEM;
		*img = rin->top;
		img->pid = rin->pid;
		comm_of(rin->meta->command, img->comm, sizeof(img->comm));
		memset(&rin->top, 0, sizeof(rin->top));	/* the set's now */
	}
	for (size_t i = 0; i < rin->set.nr; i++)
		rin->set.images[i].as.unavailable = rin->unavailable;
	return profile_from_procs(p, &rin->set, root);
}

static void report_in_free(struct report_in *rin)
{
	for (size_t i = 0; i < rin->set.nr; i++)
		free(rin->set.images[i].as.vmas);
	free(rin->set.images);
	free(rin->top.as.vmas);
}

int report_profile(const char *text, size_t len, const char *root, struct profile *p,
		   struct report_meta *meta, char *err, size_t errlen)
{
	struct reader r = { .skip_unknown = true };
	struct report_in *rin = calloc(1, sizeof(*rin));
	int ret = -EINVAL;

	memset(p, 0, sizeof(*p));
	memset(meta, 0, sizeof(*meta));
	jin_init(&r.j, text, len, err, errlen);
	if (!rin)
		return jin_fail(&r.j, "out of memory");
	rin->meta = meta;
	if (!rd_object(&r, keys, NR_KEYS, ALL_OF(K_COMMAND_BYTES), get_field, rin) &&
	    !jin_done(&r.j)) {
		ret = images_of(rin, root, p);
		if (ret)
			jin_fail(&r.j, "out of memory");
	}
	report_in_free(rin);
	free(rin);
	return ret;
}

/* A report's "schema", any version (report_profile() says which it reads). */
static bool report_schema(struct jin *j)
{
	char schema[64];
	size_t n;

	return jin_peek(j) == JIN_STRING && !jin_string(j, schema, sizeof(schema), &n) &&
	       !strncmp(schema, REPORT_SCHEMA, strlen(REPORT_SCHEMA) - 1);
}

/* A document with "vmtrace_baseline" is a baseline, whatever its "schema" says. */
bool report_is(const char *text, size_t len)
{
	bool first = true, schema = false;
	char key[24];
	struct jin j;
	int klen;

	jin_init(&j, text, len, NULL, 0);
	if (jin_peek(&j) != JIN_OBJECT || jin_open(&j, '{'))
		return false;
	while (jin_more(&j, '}', &first) > 0 && (klen = jin_key(&j, key, sizeof(key))) >= 0) {
		if ((size_t)klen != strlen(key))
			;
		else if (!strcmp(key, "vmtrace_baseline"))
			return false;
		else if (!strcmp(key, "schema"))
			schema = report_schema(&j);
		if (j.failed || (strcmp(key, "schema") && jin_skip(&j)))
			break;
	}
	return schema;
}
