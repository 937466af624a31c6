// SPDX-License-Identifier: GPL-2.0
/* A run against its baseline: the table of what changed, and the verdicts. */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ci/compare.h"
#include "ci/match.h"
#include "model/array.h"
#include "report/format.h"
#include "report/json_writer.h"

enum verdict { V_OK, V_BETTER, V_REGRESSION, V_NOISY };

/* A row both sides have, or only the run (new), or only the baseline (gone). */
enum presence { BOTH, NEW_ROW, GONE_ROW };

struct judgement {
	enum verdict v;
	unsigned long long limit;	/* the highest median that passes */
};

/* The text table's cells, kept until every line is in: the columns fit them. */
enum { T_COMMAND, T_ROW, T_COUNTER, T_BASE, T_NOW, T_CHANGE, T_VERDICT, NR_TCOLS };

struct text_line {
	char *cell[NR_TCOLS];
};

struct text_table {
	struct text_line *lines;
	size_t nr, cap;
	bool failed;		/* out of memory: said once, at the end */
};

/* What one comparison prints to, and adds its counts to. */
struct comparison {
	struct text_table table;
	size_t width;
	FILE *out;
	struct json_writer *json;	/* rows as JSON objects instead of lines */
	FILE *junit;			/* a <testcase> per row judged, or NULL */
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

/*
 * How much a count of events that happen by chance varies, which a few runs
 * may not show: like a Poisson count, by about its square root; three of
 * those (COUNTING_NOISE). gcc's `as` took 19-24 write-protect faults in five
 * runs, then 35 (which writes find a page fault-around mapped read-only
 * depends on the page cache), a false failure; 24 + 3 * sqrt(21) allows 38.
 * A relative tolerance of 0 (--tolerance 0%, --tolerance-for major=0) asks
 * for no growth at all: then chance gets no allowance either.
 */
static unsigned long long counting_noise(const struct tolerance *t,
					 unsigned long long median)
{
	if (t->relative <= 0)
		return 0;
	return (unsigned long long)ceil(COUNTING_NOISE * sqrt((double)median));
}

static struct judgement judge(const struct spread *b, const struct spread *n,
			      const struct tolerance *t)
{
	unsigned long long fixed = fixed_slack(t, b->median), spread = b->max - b->min;
	unsigned long long slack = max_of(max_of(fixed, SPREAD_FACTOR * spread),
					  counting_noise(t, b->median));
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

/* A line of the table, its cells copied. */
static void table_add(struct text_table *t, const char *const cells[NR_TCOLS])
{
	struct text_line *l = t->failed ? NULL : array_push(t->lines, t->nr, t->cap, 64);

	for (int c = 0; l && c < NR_TCOLS; c++)
		if (!(l->cell[c] = strdup(cells[c])))
			t->failed = true;
	if (!l)
		t->failed = true;
}

static const char *const titles[NR_TCOLS] = {
	"COMMAND", "ROW", "COUNTER", "BASELINE", "NOW", "CHANGE", "VERDICT",
};

/* Never cut below these: a row's name, and a verdict's word and limit. */
#define ROW_MIN		24
#define VERDICT_MIN	22

/* Each column as wide as its widest cell; the verdict's the rest of the line. */
static void table_widths(const struct text_table *t, size_t *w)
{
	for (int c = 0; c < NR_TCOLS; c++) {
		w[c] = strlen(titles[c]);
		for (size_t i = 0; i < t->nr; i++)
			if (strlen(t->lines[i].cell[c]) > w[c])
				w[c] = strlen(t->lines[i].cell[c]);
	}
}

/*
 * Cut to width columns, as the report's VMA table is: CHANGE (the baseline
 * and NOW say it) goes first, then ROW is cut in its middle, then the
 * verdict's end ("; also ..." first). A command is at most 15 bytes.
 */
static void table_cut(size_t width, size_t *w, bool *shown)
{
	size_t used;

	for (int c = 0; c < NR_TCOLS; c++)
		shown[c] = true;
	if (width == SIZE_MAX)
		return;
	w[T_COMMAND] = w[T_COMMAND] > 15 ? 15 : w[T_COMMAND];
	used = 0;
	for (int c = 0; c < T_VERDICT; c++)
		used += w[c] + 1;
	if (used + 1 + w[T_VERDICT] > width) {
		shown[T_CHANGE] = false;
		used -= w[T_CHANGE] + 1;
	}
	if (used + 1 + w[T_VERDICT] > width && w[T_ROW] > ROW_MIN) {
		size_t over = used + 1 + w[T_VERDICT] - width;
		size_t row = w[T_ROW] > ROW_MIN + over ? w[T_ROW] - over : ROW_MIN;

		used -= w[T_ROW] - row;
		w[T_ROW] = row;
	}
	if (used + 1 + w[T_VERDICT] > width)
		w[T_VERDICT] = width > used + 1 + VERDICT_MIN ? width - used - 1 : VERDICT_MIN;
}

/* A verdict longer than its column: its end goes ("; also minor, wr..."). */
static char *cut_end(char *s, size_t width)
{
	if (strlen(s) > width && width > 3)
		strcpy(s + width - 3, "...");
	return s;
}

static void table_line(FILE *out, char *const *cell, const size_t *w, const bool *shown,
		       bool cut)
{
	static const bool right[NR_TCOLS] = { [T_BASE] = true, [T_NOW] = true,
					      [T_CHANGE] = true };

	for (int c = 0; c < T_VERDICT; c++) {
		if (!shown[c])
			continue;
		if (cut && c == T_ROW)
			text_cut(cell[c], w[c]);
		if (cut && c == T_COMMAND)
			cut_end(cell[c], w[c]);
		fprintf(out, right[c] ? "%*s " : "%-*s ", (int)w[c], cell[c]);
	}
	fprintf(out, " %s\n", cut ? cut_end(cell[T_VERDICT], w[T_VERDICT]) : cell[T_VERDICT]);
}

/* The header and every line, fitted; then the table is gone. */
static void table_print(FILE *out, struct text_table *t, size_t width)
{
	char *header[NR_TCOLS];
	size_t w[NR_TCOLS];
	bool shown[NR_TCOLS];

	table_widths(t, w);
	table_cut(width, w, shown);
	memcpy(header, titles, sizeof(header));
	table_line(out, header, w, shown, false);
	for (size_t i = 0; i < t->nr; i++) {
		table_line(out, t->lines[i].cell, w, shown, width != SIZE_MAX);
		for (int c = 0; c < NR_TCOLS; c++)
			free(t->lines[i].cell[c]);
	}
	if (t->failed)
		fprintf(out, "(out of memory: lines left out)\n");
	free(t->lines);
}

static const char *const verdict_names[] = {
	[V_OK] = "ok", [V_BETTER] = "better", [V_REGRESSION] = "REGRESSION",
	[V_NOISY] = "noisy, not judged",
};

/* Advice never fails: no word a reader (or a grep) takes for a verdict. */
static const char *const advisory_names[] = {
	[V_OK] = "ok", [V_BETTER] = "better", [V_REGRESSION] = "over",
	[V_NOISY] = "noisy",
};

/* "advisory: new member, over (limit 8)" */
static void advisory_text(char *buf, size_t size, enum presence kind, struct judgement j)
{
	if (kind == GONE_ROW)
		snprintf(buf, size, "advisory: member gone");
	else if (kind == NEW_ROW)
		snprintf(buf, size, "advisory: new member%s%s (limit %llu)",
			 j.v == V_OK ? "" : ", ", j.v == V_OK ? "" : advisory_names[j.v],
			 j.limit);
	else
		snprintf(buf, size, "advisory: %s (limit %llu)", advisory_names[j.v], j.limit);
}

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

/* "libc.so.6 r--p #2 (was #1)": a member matched at another ordinal says so. */
static void row_name(const struct baseline_row *b, const struct baseline_row *n,
		     char *buf, size_t size)
{
	char id_text[PROFILE_ID_MAX + 16];
	size_t len;

	profile_row_id(n ? &n->id : &b->id, id_text, PROFILE_ID_MAX);
	len = strlen(id_text);
	if (b && n && b->id.position != n->id.position)
		snprintf(id_text + len, sizeof(id_text) - len, " (was #%u)", b->id.position);
	name_text(id_text, buf, size);
}

static const char *const verdict_keys[] = {
	[V_OK] = "ok", [V_BETTER] = "better", [V_REGRESSION] = "regression",
	[V_NOISY] = "noisy",
};

/* A spread as [median, min, max], or null for the side without the row. */
static void json_spread(struct json_writer *w, const char *name, const struct spread *s)
{
	jw_name(w, name);
	if (!s) {
		jw_null(w);
		return;
	}
	jw_begin_array(w);
	jw_uint64(w, s->median);
	jw_uint64(w, s->min);
	jw_uint64(w, s->max);
	jw_end_array(w);
}

/* A line as an object of the verdict's "rows" (docs/ci.md); also: "minor, write". */
static void json_line(struct json_writer *w, const struct baseline_row *b,
		      const struct baseline_row *n, int c, struct judgement j,
		      const char *also, bool advisory)
{
	const struct profile_row *id = n ? &n->id : &b->id;
	char words[128];
	size_t k = 0;

	for (const char *p = also; *p && k + 1 < sizeof(words); p++)
		if (*p != ',')
			words[k++] = *p;
	words[k] = '\0';
	jw_begin_object(w);
	jw_string_field(w, "command", id->command);
	jw_string_field(w, "label", id->label);
	jw_string_field(w, "perms", id->perms);
	jw_uint64_field(w, "position", id->position);
	jw_string_field(w, "counter", pcounter_names[c]);
	jw_string_field(w, "row", !b ? "new" : !n ? "gone" : "both");
	json_spread(w, "baseline", b ? &b->c[c] : NULL);
	if (n)
		jw_uint64_field(w, "now", n->c[c].median);
	else
		jw_null_field(w, "now");
	jw_uint64_field(w, "limit", j.limit);
	jw_string_field(w, "verdict", !n ? "ok" : verdict_keys[j.v]);
	jw_bool_field(w, "advisory", advisory);
	jw_name(w, "also");
	jw_words(w, words);
	jw_end_object(w);
}

/* One counter of a row; b or n NULL when only one side has the row. */
static void line(struct comparison *cmp, const struct baseline_row *b,
		 const struct baseline_row *n, int c, struct judgement j,
		 const char *also, bool advisory)
{
	static const struct spread zero;
	enum presence kind = !b ? NEW_ROW : !n ? GONE_ROW : BOTH;
	const struct spread *bs = b ? &b->c[c] : &zero, *ns = n ? &n->c[c] : &zero;
	char name[NAME_TEXT_MAX(PROFILE_ID_MAX + 16)], verdict[160];
	char command[NAME_TEXT_MAX(PROFILE_COMMAND_MAX)];
	char base[64] = "-", now[32] = "-", change[16] = "";

	if (cmp->json) {
		json_line(cmp->json, b, n, c, j, also, advisory);
		return;
	}

	row_name(b, n, name, sizeof(name));
	if (kind != NEW_ROW)
		snprintf(base, sizeof(base), "%llu (%llu-%llu)", bs->median, bs->min, bs->max);
	if (kind != GONE_ROW)
		snprintf(now, sizeof(now), "%llu", ns->median);
	if (kind == BOTH && bs->median)
		snprintf(change, sizeof(change), "%+.1f%%",
			 100.0 * ((double)ns->median - (double)bs->median) / (double)bs->median);
	else if (kind == BOTH && ns->median)
		snprintf(change, sizeof(change), "from 0");
	if (advisory)
		advisory_text(verdict, sizeof(verdict), kind, j);
	else
		verdict_text(verdict, sizeof(verdict), kind, j, also);
	table_add(&cmp->table, (const char *const[NR_TCOLS]){
		name_text((b ? b : n)->id.command, command, sizeof(command)), name,
		pcounter_names[c], base, now, change, verdict });
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

/* s for XML text or an attribute: escaped as names are, then &<>"'. */
static void xml_text(FILE *out, const char *s)
{
	char name[NAME_TEXT_MAX(PROFILE_ID_MAX)];

	for (const char *p = name_text(s, name, sizeof(name)); *p; p++)
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default: fputc(*p, out);
		}
}

/*
 * A row as a JUnit test case, named "COMMAND: LABEL PERMS #POS": a failure
 * when it regressed, skipped when too noisy to judge.
 */
static void junit_case(FILE *out, const struct baseline_row *b,
		       const struct baseline_row *n, const struct row_verdict *rv)
{
	static const struct spread zero;
	const struct profile_row *id = n ? &n->id : &b->id;
	const struct spread *bs, *ns;
	char row[PROFILE_ID_MAX];

	profile_row_id(id, row, sizeof(row));
	fputs("    <testcase classname=\"vmtrace.", out);
	xml_text(out, id->command);
	fputs("\" name=\"", out);
	xml_text(out, row);
	if (rv->counter < 0 || (rv->j.v != V_REGRESSION && rv->j.v != V_NOISY)) {
		fputs("\"/>\n", out);
		return;
	}
	bs = b ? &b->c[rv->counter] : &zero;
	ns = n ? &n->c[rv->counter] : &zero;
	fprintf(out, "\">\n      <%s message=\"%s %llu, baseline %llu (%llu-%llu), limit %llu",
		rv->j.v == V_REGRESSION ? "failure" : "skipped", pcounter_names[rv->counter],
		ns->median, bs->median, bs->min, bs->max, rv->j.limit);
	if (rv->also[0])
		fprintf(out, "; also %s", rv->also);
	fprintf(out, "%s\"/>\n    </testcase>\n",
		rv->j.v == V_REGRESSION ? "" : ": too noisy to judge");
}

/*
 * How a row's lines are shown: judged and shown; judged, but shown in its
 * command's [total] (a command only one side ran); or advice, never judged.
 */
enum shown { SHOWN, HIDDEN, ADVISORY };

/*
 * One row, b or n NULL when only one side has it: those are judged by their
 * faults alone, against zero.
 */
static void compare_row(struct comparison *cmp, const struct baseline_row *b,
			const struct baseline_row *n, enum shown how)
{
	static const struct spread zero;
	enum presence kind = !b ? NEW_ROW : !n ? GONE_ROW : BOTH;
	bool judged = how != ADVISORY;
	struct row_verdict rv = { .counter = -1 };

	for (int c = 0; c < (kind == BOTH ? NR_PCOUNTERS : PC_FAULTS + 1); c++) {
		const struct spread *bs = b ? &b->c[c] : &zero, *ns = n ? &n->c[c] : &zero;
		struct tolerance t = tolerance_of(c, cmp->cli, cmp->base);
		struct judgement j;

		if (!comparable(cmp, c) || bs->median == ns->median)
			continue;
		cmp->res->changed += kind == BOTH && judged;
		j = judge(bs, ns, &t);
		note(&rv, c, j);
		if (cmp->verbose && how != HIDDEN)
			line(cmp, b, n, c, j, "", !judged);
	}
	if (!judged)
		return;
	if (cmp->junit && how == SHOWN)
		junit_case(cmp->junit, b, n, &rv);
	cmp->res->rows += how == SHOWN;
	cmp->res->regressions += rv.counter >= 0 && rv.j.v == V_REGRESSION;
	cmp->res->noisy += rv.counter >= 0 && rv.j.v == V_NOISY;
	if (!cmp->verbose && how == SHOWN && rv.counter >= 0)
		line(cmp, b, n, rv.counter, rv.j, rv.also, false);
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

/* A row only one side has (with faults: a row of none changes nothing). */
static void one_sided(struct comparison *cmp, const struct baseline_row *b,
		      const struct baseline_row *n, enum shown how)
{
	const struct baseline_row *r = b ? b : n;

	if (!r->c[PC_FAULTS].median)
		return;
	cmp->res->gone_rows += !n;
	cmp->res->new_rows += !b;
	if (how == SHOWN && hidden(r, b ? cmp->now : cmp->base))
		how = HIDDEN;
	if (b || how != HIDDEN)	/* a new row of a command never seen is not judged */
		compare_row(cmp, b, n, how);
}

/* The members of one class (command, label, perms), in address order. */
struct class_rows {
	const struct baseline_row *rows;
	size_t n;
};

static bool same_class(const struct profile_row *a, const struct profile_row *b)
{
	return !strcmp(a->command, b->command) && !strcmp(a->label, b->label) &&
	       !strcmp(a->perms, b->perms);
}

/* The class of b's row i: rows are sorted by identity (baseline.h), so a run of them. */
static struct class_rows class_at(const struct baseline *b, size_t i)
{
	size_t k = i + 1;

	while (k < b->nr && same_class(&b->rows[i].id, &b->rows[k].id))
		k++;
	return (struct class_rows){ &b->rows[i], k - i };
}

/* b's members of id's class, if any: a binary search for its first. */
static struct class_rows find_class(const struct baseline *b, const struct profile_row *id)
{
	struct profile_row key = *id;
	size_t lo = 0, hi = b->nr;

	key.position = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (profile_row_cmp(&b->rows[mid].id, &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < b->nr && same_class(&b->rows[lo].id, id))
		return class_at(b, lo);
	return (struct class_rows){ NULL, 0 };
}

/* A class's members summed: one row, named "(all)". */
static struct baseline_row class_total(struct class_rows cr)
{
	struct baseline_row t = { .id = cr.rows[0].id };

	t.id.position = PROFILE_ALL_POSITIONS;
	t.id.size = 0;
	for (size_t i = 0; i < cr.n; i++)
		for (int c = 0; c < NR_PCOUNTERS; c++) {
			t.c[c].median = add_capped(t.c[c].median, cr.rows[i].c[c].median);
			t.c[c].min = add_capped(t.c[c].min, cr.rows[i].c[c].min);
			t.c[c].max = add_capped(t.c[c].max, cr.rows[i].c[c].max);
		}
	return t;
}

static void sizes_of(struct class_rows cr, uint64_t *sizes)
{
	for (size_t i = 0; i < cr.n; i++)
		sizes[i] = cr.rows[i].id.size;
}

/* Each pair, or member only one side has, judged or as advice. */
static void compare_pairs(struct comparison *cmp, struct class_rows b, struct class_rows n,
			  const struct match_pair *pairs, size_t nr, enum shown how)
{
	for (size_t k = 0; k < nr; k++) {
		const struct baseline_row *x = pairs[k].base >= 0 ? &b.rows[pairs[k].base] : NULL;
		const struct baseline_row *y = pairs[k].now >= 0 ? &n.rows[pairs[k].now] : NULL;

		if (x && y)
			compare_row(cmp, x, y, how);
		else
			one_sided(cmp, x, y, how);
	}
}

/*
 * A class both sides have: members matched by best fit (match.h); judged
 * one by one if the match is confident, else by their sum, the members
 * shown (-v) as advice.
 */
static void compare_class(struct comparison *cmp, struct class_rows b, struct class_rows n)
{
	uint64_t *sizes = calloc(b.n + n.n + 1, sizeof(*sizes));
	struct match_pair *pairs = calloc(b.n + n.n + 1, sizeof(*pairs));
	bool confident = false;
	size_t nr = 0;

	if (sizes && pairs) {
		sizes_of(b, sizes);
		sizes_of(n, sizes + b.n);
		nr = match_members(sizes, b.n, sizes + b.n, n.n, pairs, &confident);
	}
	if (confident) {
		compare_pairs(cmp, b, n, pairs, nr, SHOWN);
	} else {
		struct baseline_row tb = class_total(b), tn = class_total(n);

		cmp->res->by_total++;
		compare_row(cmp, &tb, &tn, SHOWN);
		compare_pairs(cmp, b, n, pairs, nr, ADVISORY);
	}
	free(sizes);
	free(pairs);
}

void compare_baselines(const struct compare_out *out, const struct baseline *base,
		       const struct baseline *now, const struct tolerances *cli,
		       bool verbose, struct compare_result *res)
{
	struct comparison cmp = { .width = out->width, .out = out->text, .json = out->json,
				  .junit = out->junit, .base = base, .now = now, .cli = cli,
				  .verbose = verbose, .res = res };
	struct class_rows b, n;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < base->nr; i += b.n) {
		b = class_at(base, i);
		n = find_class(now, &b.rows[0].id);
		if (b.n == 1 && n.n == 1)	/* most rows: nothing to match */
			compare_row(&cmp, b.rows, n.rows, SHOWN);
		else if (n.n)
			compare_class(&cmp, b, n);
		else
			for (size_t k = 0; k < b.n; k++)
				one_sided(&cmp, &b.rows[k], NULL, SHOWN);
	}
	for (size_t i = 0; i < now->nr; i += n.n) {
		n = class_at(now, i);
		if (!find_class(base, &n.rows[0].id).n)
			for (size_t k = 0; k < n.n; k++)
				one_sided(&cmp, NULL, &n.rows[k], SHOWN);
	}
	if (!out->json)
		table_print(out->text, &cmp.table, out->width ? out->width : SIZE_MAX);
}
