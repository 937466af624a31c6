// SPDX-License-Identifier: GPL-2.0
/* A run against its baseline: the table of what changed, and the verdicts. */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ci/compare.h"
#include "report/format.h"

enum verdict { V_OK, V_BETTER, V_REGRESSION, V_NOISY };

/* A row both sides have, or only the run (new), or only the baseline (gone). */
enum presence { BOTH, NEW_ROW, GONE_ROW };

struct judgement {
	enum verdict v;
	unsigned long long limit;	/* the highest median that passes */
};

/* What one comparison prints to, and adds its counts to. */
struct comparison {
	FILE *out;
	const struct baseline *base, *now;
	const struct tolerances *cli;
	bool verbose;
	struct compare_result *res;
};

static unsigned long long max_of(unsigned long long a, unsigned long long b)
{
	return a > b ? a : b;
}

/* Counts near 2^64 (a baseline may hold them) must not wrap into a pass. */
static unsigned long long add_capped(unsigned long long a, unsigned long long b)
{
	return a > ULLONG_MAX - b ? ULLONG_MAX : a + b;
}

static unsigned long long fixed_slack(const struct tolerance *t, unsigned long long median)
{
	double rel = ceil(t->relative * (double)median);

	return rel >= 0x1p64 ? ULLONG_MAX : max_of((unsigned long long)rel, t->min_count);
}

static struct judgement judge(const struct spread *b, const struct spread *n,
			      const struct tolerance *t)
{
	unsigned long long fixed = fixed_slack(t, b->median), spread = b->max - b->min;
	unsigned long long slack = max_of(fixed, SPREAD_FACTOR * spread);
	struct judgement j = { V_OK, add_capped(b->max, slack) };

	if (n->median > j.limit)
		j.v = spread > b->median && spread > fixed ? V_NOISY : V_REGRESSION;
	else if (add_capped(n->median, slack) < b->min)
		j.v = V_BETTER;
	return j;
}

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

static void header(FILE *out)
{
	fprintf(out, "%-16s %-52s %-11s %23s %10s %8s  %s\n", "COMMAND", "ROW",
		"COUNTER", "BASELINE median (min-max)", "NOW", "CHANGE", "VERDICT");
}

static const char *const verdict_names[] = {
	[V_OK] = "ok", [V_BETTER] = "better", [V_REGRESSION] = "REGRESSION",
	[V_NOISY] = "noisy, not judged",
};

/* "REGRESSION, new row (limit 8; also minor, write)" */
static void verdict_text(char *buf, size_t size, enum presence kind,
			 struct judgement j, const char *also)
{
	if (kind == GONE_ROW) {
		snprintf(buf, size, "row gone");
		return;
	}
	snprintf(buf, size, "%s%s (limit %llu%s%s)",
		 kind == NEW_ROW && j.v == V_OK ? "new row" : verdict_names[j.v],
		 kind == NEW_ROW && j.v != V_OK ? ", new row" : "", j.limit,
		 *also ? "; also " : "", also);
}

static void line(FILE *out, const struct profile_row *id, int c, enum presence kind,
		 const struct spread *b, const struct spread *n, struct judgement j,
		 const char *also)
{
	char id_text[PROFILE_ID_MAX], name[NAME_TEXT_MAX(PROFILE_ID_MAX)];
	char command[NAME_TEXT_MAX(PROFILE_COMMAND_MAX)], verdict[160];
	char base[64] = "-", now[32] = "-", change[16] = "";

	profile_row_id(id, id_text, sizeof(id_text));
	name_text(id_text, name, sizeof(name));
	if (kind != NEW_ROW)
		snprintf(base, sizeof(base), "%llu (%llu-%llu)", b->median, b->min, b->max);
	if (kind != GONE_ROW)
		snprintf(now, sizeof(now), "%llu", n->median);
	if (kind == BOTH && b->median)
		snprintf(change, sizeof(change), "%+.1f%%",
			 100.0 * ((double)n->median - (double)b->median) / (double)b->median);
	else if (kind == BOTH && n->median)
		snprintf(change, sizeof(change), "from 0");
	verdict_text(verdict, sizeof(verdict), kind, j, also);
	fprintf(out, "%-16s %-52s %-11s %23s %10s %8s  %s\n",
		name_text(id->command, command, sizeof(command)), name,
		pcounter_names[c], base, now, change, verdict);
}

/* A counter both runs could measure. */
static bool comparable(const struct comparison *cmp, int c)
{
	return !cmp->base->unavailable[c] && !cmp->now->unavailable[c];
}

/* The counter that decides a row's line: its first regressed, else first noisy. */
struct row_verdict {
	int counter;
	struct judgement j;
	char also[128];		/* the other counters that regressed with it */
};

static void note(struct row_verdict *rv, int c, struct judgement j)
{
	size_t len = strlen(rv->also);

	if (j.v != V_REGRESSION && j.v != V_NOISY)
		return;
	if (rv->counter < 0 || (j.v == V_REGRESSION && rv->j.v == V_NOISY)) {
		rv->counter = c;
		rv->j = j;
	} else if (j.v == V_REGRESSION && len + 16 < sizeof(rv->also)) {
		snprintf(rv->also + len, sizeof(rv->also) - len, "%s%s", len ? ", " : "",
			 pcounter_names[c]);
	}
}

/*
 * One row, b or n NULL when only one side has it: those are judged by their
 * faults alone, against zero.
 */
static void compare_row(struct comparison *cmp, const struct baseline_row *b,
			const struct baseline_row *n, bool show)
{
	static const struct spread zero;
	enum presence kind = !b ? NEW_ROW : !n ? GONE_ROW : BOTH;
	const struct profile_row *id = b ? &b->id : &n->id;
	struct row_verdict rv = { .counter = -1 };

	for (int c = 0; c < (kind == BOTH ? NR_PCOUNTERS : PC_FAULTS + 1); c++) {
		const struct spread *bs = b ? &b->c[c] : &zero, *ns = n ? &n->c[c] : &zero;
		struct tolerance t = tolerance_of(c, cmp->cli, cmp->base);
		struct judgement j;

		if (!comparable(cmp, c) || bs->median == ns->median)
			continue;
		cmp->res->changed += kind == BOTH;
		j = judge(bs, ns, &t);
		note(&rv, c, j);
		if (cmp->verbose && show)
			line(cmp->out, id, c, kind, bs, ns, j, "");
	}
	cmp->res->regressions += rv.counter >= 0 && rv.j.v == V_REGRESSION;
	cmp->res->noisy += rv.counter >= 0 && rv.j.v == V_NOISY;
	if (!cmp->verbose && show && rv.counter >= 0)
		line(cmp->out, id, rv.counter, kind, b ? &b->c[rv.counter] : &zero,
		     n ? &n->c[rv.counter] : &zero, rv.j, rv.also);
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

/* Rows only one side has (with faults: a row of none changes nothing). */
static void one_sided(struct comparison *cmp)
{
	for (size_t i = 0; i < cmp->base->nr; i++) {
		const struct baseline_row *r = &cmp->base->rows[i];

		if (find_row(cmp->now, &r->id) || !r->c[PC_FAULTS].median)
			continue;
		cmp->res->gone_rows++;
		compare_row(cmp, r, NULL, !hidden(r, cmp->now));
	}
	for (size_t i = 0; i < cmp->now->nr; i++) {
		const struct baseline_row *r = &cmp->now->rows[i];

		if (find_row(cmp->base, &r->id) || !r->c[PC_FAULTS].median)
			continue;
		cmp->res->new_rows++;
		if (!hidden(r, cmp->base))
			compare_row(cmp, NULL, r, true);
	}
}

void compare_baselines(FILE *out, const struct baseline *base,
		       const struct baseline *now, const struct tolerances *cli,
		       bool verbose, struct compare_result *res)
{
	struct comparison cmp = { out, base, now, cli, verbose, res };

	memset(res, 0, sizeof(*res));
	header(out);
	for (size_t i = 0; i < base->nr; i++) {
		const struct baseline_row *n = find_row(now, &base->rows[i].id);

		if (n)
			compare_row(&cmp, &base->rows[i], n, true);
	}
	one_sided(&cmp);
}
