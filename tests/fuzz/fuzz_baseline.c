// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the baseline reader (src/ci/baseline.c): any input must
 * either parse into a baseline that can be written back out and parsed
 * again to the same rows, or be refused with a reason; never crash, leak or
 * read out of bounds (built with ASan and UBSan). `make fuzz` runs it for
 * FUZZ_RUNS inputs from a fixed seed over tests/fuzz/corpus. Inputs whose
 * "schema" is a report's go to the report reader (src/ci/reportin.c) too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ci/baseline.h"
#include "ci/reportin.h"

/* A -j report (diff reads them too): a profile, or a reason in one line. */
static void fuzz_report(const char *data, size_t size)
{
	struct report_meta meta;
	char err[BASELINE_ERR_MAX] = "";
	struct profile p;

	if (!report_is(data, size))
		return;
	if (report_profile(data, size, "/tmp", &p, &meta, err, sizeof(err)) &&
	    (!err[0] || strchr(err, '\n')))
		abort();
	profile_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct baseline b, again;
	char err[BASELINE_ERR_MAX] = "";
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	fuzz_report((const char *)data, size);
	if (baseline_parse((const char *)data, size, &b, err, sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort();	/* a refusal always says why, in one line */
		return 0;
	}
	/* what was accepted survives a round trip unchanged */
	f = open_memstream(&text, &len);
	if (!f || baseline_write(f, &b))
		abort();
	fclose(f);
	if (baseline_parse(text, len, &again, err, sizeof(err)) || again.nr != b.nr ||
	    strcmp(b.command, again.command) || strcmp(b.backend, again.backend) ||
	    b.runs != again.runs)
		abort();
	for (size_t i = 0; i < b.nr; i++)
		if (memcmp(b.rows[i].c, again.rows[i].c, sizeof(b.rows[i].c)) ||
		    strcmp(b.rows[i].id.label, again.rows[i].id.label) ||
		    b.rows[i].id.size != again.rows[i].id.size)
			abort();
	free(text);
	baseline_free(&again);
	baseline_free(&b);
	return 0;
}
