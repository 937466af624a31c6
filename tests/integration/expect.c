/*
 * vmwork's "expect" lines:
 *   expect pid=P start=0xS end=0xE faults=N ... [label=L] [path=F]
 *          [unmapped=1] [from=ready]
 * pid, start and end locate the VMA; every other key is compared with the
 * report's row (see report.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static int expect_set(struct expect *e, const char *key, const char *val)
{
	char *end;

	if (!strcmp(key, "pid")) {
		e->pid = strtol(val, &end, 10);
		return *end ? -1 : 0;
	}
	if (!strcmp(key, "start") || !strcmp(key, "end")) {
		unsigned long v = strtoul(val, &end, 16);

		*(!strcmp(key, "start") ? &e->start : &e->end) = v;
		return *end ? -1 : 0;
	}
	if (!strcmp(key, "from")) {
		e->from_ready = !strcmp(val, "ready");
		return e->from_ready ? 0 : -1;
	}
	if (e->nkeys == EXPECT_MAX_KEYS)
		return -1;
	snprintf(e->kv[e->nkeys].key, sizeof(e->kv[0].key), "%s", key);
	snprintf(e->kv[e->nkeys].val, sizeof(e->kv[0].val), "%s", val);
	e->nkeys++;
	return 0;
}

/* Parses one line; -1 if it is not a well-formed expect line. */
int expect_parse(const char *line, struct expect *e)
{
	char buf[4096], *tok, *save, *eq;

	memset(e, 0, sizeof(*e));
	snprintf(buf, sizeof(buf), "%s", line);
	/* "\r": lines read from a terminal end in "\r\n" */
	tok = strtok_r(buf, " \r\n", &save);
	if (!tok || strcmp(tok, "expect"))
		return -1;
	while ((tok = strtok_r(NULL, " \r\n", &save))) {
		eq = strchr(tok, '=');
		if (!eq)
			return -1;
		*eq = 0;
		if (expect_set(e, tok, eq + 1))
			return -1;
	}
	return e->pid > 0 && e->start < e->end ? 0 : -1;
}

/*
 * Collects the expect lines of pid from a workload's stdout; -1 if one is
 * malformed (vmwork and this parser disagree: fix that first).
 */
int expects_for_pid(const char *text, pid_t pid, struct expect *out, int max)
{
	const char *line = text;
	int n = 0;

	while (line && *line && n < max) {
		const char *nl = strchr(line, '\n');
		char buf[4096];
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = 0;
		if (!strncmp(buf, "expect ", 7)) {
			if (expect_parse(buf, &out[n]))
				return -1;
			if (!pid || out[n].pid == pid)	/* 0: every pid */
				n++;
		}
		line = nl ? nl + 1 : NULL;
	}
	return n;
}

/* The number after prefix at the start of some line, e.g. "vmwork: pid=". */
pid_t text_pid(const char *text, const char *prefix)
{
	const char *p = text;
	size_t len = strlen(prefix);

	while (p && *p) {
		if (!strncmp(p, prefix, len))
			return (pid_t)strtol(p + len, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}
