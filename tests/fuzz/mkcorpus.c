// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpora: the valid baselines and every refused case of
 * cases.h for the baseline reader; for the report writers (fuzz_report.c),
 * models in its input format with hostile names, many rows, 2^64-1 counters,
 * a process that exec'd three times and faulting code.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cases.h"

static int put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

/* ---- fuzz_report.c's input: see take(), take_count() and take_name() there ---- */

struct seed {
	unsigned char b[4096];
	size_t n;
};

static void u(struct seed *s, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		s->b[s->n++] = v >> (8 * i);
}

/* A counter: below 64 in one byte, or 2^64-1 */
static void count(struct seed *s, uint64_t v)
{
	u(s, v == UINT64_MAX ? 1 : v << 2, 1);
}

static void str(struct seed *s, const char *text)
{
	memcpy(s->b + s->n, text, strlen(text) + 1);
	s->n += strlen(text) + 1;
}

#define HOSTILE "/tmp/a\xff\x1b[31m\nb\x7f\xc2\x9b\te\xcc\x81\xe2\x80\xae.bin"

/* flags: 1 -w, 2 --files, 4 --pretty, 8 unfaulted kept, 16 --code, 32 --merge comm,
 * 64 kernel counters known, 128 latency */
static void header(struct seed *s, uint8_t flags, const char *command, uint64_t big)
{
	u(s, flags, 1);
	u(s, 0, 1);		/* sort by address */
	u(s, 9, 1);		/* --top 10 */
	u(s, 0, 1);		/* not a terminal */
	u(s, 4242, 4);
	str(s, command);
	u(s, 2, 1);		/* tracepoint */
	u(s, 2, 1);		/* "cow readin" unavailable */
	u(s, 1500, 4);
	for (int i = 0; i < 19; i++)	/* kernel, syscalls, drops, not followed */
		count(s, big);
	for (int k = 0; k < 6; k++) {	/* latency: a slot each */
		u(s, 3 * k, 1);
		count(s, big);
	}
}

static void row(struct seed *s, uint64_t page, int ino, uint64_t big, const char *path)
{
	u(s, 0, 1);
	u(s, page, 5);
	u(s, 3, 2);		/* 4 pages */
	u(s, ino ? 0x81 : 0x3, 2);	/* r--s, rw-p */
	u(s, 0, 2);
	u(s, ino, 1);
	u(s, ino ? 7 : 0, 4);
	count(s, 0);
	u(s, 0, 1);
	u(s, 1, 1);
	u(s, 0x1fff, 2);	/* every counter */
	for (int c = 0; c < 13; c++)
		count(s, big);
	str(s, path);
}

static void image(struct seed *s, int pid, const char *comm)
{
	u(s, 6, 1);
	u(s, pid, 1);
	str(s, comm);
	u(s, 1, 1);
	count(s, 5);
	count(s, 0);
	count(s, 5);
}

static void code(struct seed *s, int serial, uint64_t ip, const char *fn)
{
	u(s, 5, 1);
	u(s, serial, 1);
	u(s, ip, 8);
	u(s, 1, 2);
	count(s, 3);
	str(s, fn);
	str(s, "lib\x1b]0;x\a.so");
	str(s, fn);
	u(s, 0x1234, 8);
	u(s, 1, 1);
}

static int put_seed(const char *dir, const char *name, const struct seed *s)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fwrite(s->b, 1, s->n, f) != s->n || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

static int report_seeds(const char *dir)
{
	struct seed hostile = { 0 }, many = { 0 }, procs = { 0 }, fns = { 0 };
	int err = 0;

	header(&hostile, 0xff, "./app \"x\"\t\x01\xff\x1b[2J", 7);
	row(&hostile, 0x1000, 9, 7, HOSTILE);
	row(&hostile, 0x2000, 0, 7, "");
	err |= put_seed(dir, "hostile", &hostile);
	header(&many, 0x4a, "many", UINT64_MAX);
	row(&many, 0x1000, 1, UINT64_MAX, "/usr/lib/libmany.so");
	u(&many, 1, 1);
	u(&many, 500, 2);	/* 500 more like it */
	err |= put_seed(dir, "many-huge", &many);
	header(&procs, 0x60, "sh -c 'exec env python3'", 3);
	for (int i = 0; i < 3; i++) {	/* one pid, three images: names of 60 and 14 bytes */
		image(&procs, 0, i < 2 ? "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" :
		      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
		row(&procs, 0x1000 + i, 3, 3, HOSTILE);
	}
	image(&procs, 1, "\x1b[31mred");
	row(&procs, 0x5000, 0, 3, "");
	err |= put_seed(dir, "procs", &procs);
	header(&fns, 0x10, "code", 1);
	row(&fns, 0x1000, 4, 1, "/bin/app");
	code(&fns, 1, 0x401000, "f\x1b[2J\n\xff");
	code(&fns, 0, 0x402000, "g\xe2\x80\xae");
	err |= put_seed(dir, "code", &fns);
	return err;
}

int main(int argc, char **argv)
{
	char name[64];
	int err = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: mkcorpus BASELINE_DIR REPORT_DIR\n");
		return 2;
	}
	err |= report_seeds(argv[2]);
	err |= put(argv[1], "good", BL_GOOD);
	err |= put(argv[1], "worse", BL_WORSE);
	for (int i = 0; i < NR_BAD_BASELINES; i++) {
		snprintf(name, sizeof(name), "bad-%02d", i);
		err |= put(argv[1], name, bad_baselines[i].text);
	}
	return err;
}
