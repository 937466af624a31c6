// SPDX-License-Identifier: GPL-2.0
/* A run against its baseline: the table of what changed, and the verdicts. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ci/compare.h"
#include "report/format.h"

enum verdict { V_OK, V_BETTER, V_REGRESSION, V_NEW, V_NEW_REGRESSION, V_GONE };

static const char *const verdict_names[] = {
	[V_OK] = "ok", [V_BETTER] = "better", [V_REGRESSION] = "REGRESSION",
	[V_NEW] = "new row", [V_NEW_REGRESSION] = "NEW ROW, REGRESSION",
	[V_GONE] = "row gone",
};

struct tolerance tolerance_of(int c, const struct tolerances *cli,
			      const struct baseline *base)
{
	const struct tolerance *order[] = {
		&cli->per[c], base ? &base->tol_for[c] : NULL, &cli->all,
		base ? &base->tol : NULL,
	};
	struct tolerance t = { DEFAULT_TOLERANCE, DEFAULT_MIN_COUNT, true, true };
	bool rel = false, min = false;

	for (size_t i = 0; i < sizeof(order) / sizeof(*order); i++) {
		if (!order[i])
			continue;
		if (!rel && order[i]->has_relative) {
			t.relative = order[i]->relative;
			rel = true;
		}
		if (!min && order[i]->has_min_count) {
			t.min_count = order[i]->min_count;
			min = true;
		}
	}
	return t;
}

static unsigned long long slack_of(const struct tolerance *t, unsigned long long median)
{
	unsigned long long rel = (unsigned long long)ceil(t->relative * (double)median);

	return rel > t->min_count ? rel : t->min_count;
}

static enum verdict judge(const struct spread *b, const struct spread *n,
			  const struct tolerance *t, unsigned long long *limit)
{
	unsigned long long slack = slack_of(t, b->median);

	*limit = b->max + slack;
	if (n->median > *limit)
		return V_REGRESSION;
	if (n->median + slack < b->min)
		return V_BETTER;
	return V_OK;
}

static void header(FILE *out)
{
	fprintf(out, "%-16s %-52s %-11s %23s %10s %8s  %s\n", "COMMAND", "ROW",
		"COUNTER", "BASELINE median (min-max)", "NOW", "CHANGE", "VERDICT");
}

static void line(FILE *out, const struct profile_row *id, int c,
		 const struct spread *b, const struct spread *n, enum verdict v,
		 unsigned long long limit)
{
	char id_text[PROFILE_ID_MAX], name[NAME_TEXT_MAX(PROFILE_ID_MAX)];
	char command[NAME_TEXT_MAX(PROFILE_COMMAND_MAX)];
	char base[64] = "-", now[32] = "-", change[16] = "";

	profile_row_id(id, id_text, sizeof(id_text));
	name_text(id_text, name, sizeof(name));
	if (b)
		snprintf(base, sizeof(base), "%llu (%llu-%llu)", b->median, b->min, b->max);
	if (n)
		snprintf(now, sizeof(now), "%llu", n->median);
	if (b && n && b->median)
		snprintf(change, sizeof(change), "%+.1f%%",
			 100.0 * ((double)n->median - (double)b->median) / (double)b->median);
	else if (b && n)
		snprintf(change, sizeof(change), "%s", n->median ? "from 0" : "");
	fprintf(out, "%-16s %-52s %-11s %23s %10s %8s  %s",
		name_text(id->command, command, sizeof(command)), name,
		pcounter_names[c], base, now, change, verdict_names[v]);
	if (v == V_REGRESSION || v == V_NEW_REGRESSION)
		fprintf(out, " (limit %llu)", limit);
	fputc('\n', out);
}

/* A counter both runs could measure. */
static bool comparable(int c, const struct baseline *base, const struct baseline *now)
{
	return !base->unavailable[c] && !now->unavailable[c];
}

static void compare_row(FILE *out, const struct baseline_row *b,
			const struct baseline_row *n, const struct baseline *base,
			const struct baseline *now, const struct tolerances *cli,
			bool verbose, struct compare_result *res)
{
	for (int c = 0; c < NR_PCOUNTERS; c++) {
		struct tolerance t = tolerance_of(c, cli, base);
		unsigned long long limit;
		enum verdict v;

		if (!comparable(c, base, now) || b->c[c].median == n->c[c].median)
			continue;
		res->changed++;
		v = judge(&b->c[c], &n->c[c], &t, &limit);
		res->regressions += v == V_REGRESSION;
		if (v != V_OK || c == PC_FAULTS || verbose)
			line(out, &b->id, c, &b->c[c], &n->c[c], v, limit);
	}
}

static int by_identity(const void *key, const void *row)
{
	return profile_row_cmp(key, &((const struct baseline_row *)row)->id);
}

/* Rows are sorted by identity (baseline.h): a binary search. */
static const struct baseline_row *find_row(const struct baseline *b,
					   const struct profile_row *id)
{
	return b->nr ? bsearch(id, b->rows, b->nr, sizeof(*b->rows), by_identity) : NULL;
}

/* Sorted by command first: the first row not below command's. */
static bool has_command(const struct baseline *b, const char *command)
{
	size_t lo = 0, hi = b->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(b->rows[mid].id.command, command) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->nr && !strcmp(b->rows[lo].id.command, command);
}

/* A row of a command the other side lacks says it all in the command's total. */
static bool hidden(const struct baseline_row *r, const struct baseline *other)
{
	return strcmp(r->id.label, PROFILE_TOTAL_LABEL) && !has_command(other, r->id.command);
}

/* Rows only one side has: new ones may regress, vanished ones never do. */
static void one_sided(FILE *out, const struct baseline *base, const struct baseline *now,
		      const struct tolerances *cli, struct compare_result *res)
{
	struct tolerance t = tolerance_of(PC_FAULTS, cli, base);

	for (size_t i = 0; i < base->nr; i++) {
		const struct baseline_row *r = &base->rows[i];

		if (find_row(now, &r->id) || !r->c[PC_FAULTS].median)
			continue;
		res->gone_rows++;
		if (!hidden(r, now))
			line(out, &r->id, PC_FAULTS, &r->c[PC_FAULTS], NULL, V_GONE, 0);
	}
	for (size_t i = 0; i < now->nr; i++) {
		const struct baseline_row *r = &now->rows[i];
		const struct spread *n = &r->c[PC_FAULTS];
		bool regress = n->median > t.min_count;

		if (find_row(base, &r->id) || !n->median)
			continue;
		res->new_rows++;
		if (hidden(r, base))
			continue;
		res->regressions += regress;
		line(out, &r->id, PC_FAULTS, NULL, n, regress ? V_NEW_REGRESSION : V_NEW,
		     t.min_count);
	}
}

void compare_baselines(FILE *out, const struct baseline *base,
		       const struct baseline *now, const struct tolerances *cli,
		       bool verbose, struct compare_result *res)
{
	memset(res, 0, sizeof(*res));
	header(out);
	for (size_t i = 0; i < base->nr; i++) {
		const struct baseline_row *n = find_row(now, &base->rows[i].id);

		if (n)
			compare_row(out, &base->rows[i], n, base, now, cli, verbose, res);
	}
	one_sided(out, base, now, cli, res);
}
