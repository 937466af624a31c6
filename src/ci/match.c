// SPDX-License-Identifier: GPL-2.0
/* Members of a class paired across runs by best fit on size, then order. */
#include <stdlib.h>
#include "ci/match.h"

/* A candidate pair and how badly it fits: size first, then order. */
struct candidate {
	double size_distance;	/* the ratio of the sizes, 1 or more */
	size_t order_distance;	/* from the nearer end: an insertion moves one end only */
	int base, now;
};

/* The larger size over the smaller: 1 when they agree, or when one is unknown. */
static double size_distance(uint64_t a, uint64_t b)
{
	if (!a || !b)
		return 1;
	return a > b ? (double)a / (double)b : (double)b / (double)a;
}

static bool sizes_fit(uint64_t a, uint64_t b)
{
	return !a || !b || (a <= b * MATCH_SIZE_RATIO && b <= a * MATCH_SIZE_RATIO);
}

static size_t order_distance(size_t i, size_t m, size_t j, size_t n)
{
	size_t front = i > j ? i - j : j - i;
	size_t back = (m - i) > (n - j) ? (m - i) - (n - j) : (n - j) - (m - i);

	return front < back ? front : back;
}

static int by_fit(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->size_distance != y->size_distance)
		return x->size_distance < y->size_distance ? -1 : 1;
	if (x->order_distance != y->order_distance)
		return x->order_distance < y->order_distance ? -1 : 1;
	if (x->base != y->base)
		return x->base - y->base;
	return x->now - y->now;
}

/* Every pair, best fit first; NULL when out of memory. */
static struct candidate *candidates(const uint64_t *base, size_t m, const uint64_t *now,
				    size_t n)
{
	struct candidate *c = calloc(m * n + 1, sizeof(*c));

	for (size_t i = 0; c && i < m; i++)
		for (size_t j = 0; j < n; j++)
			c[i * n + j] = (struct candidate){
				size_distance(base[i], now[j]), order_distance(i, m, j, n),
				(int)i, (int)j,
			};
	if (c)
		qsort(c, m * n, sizeof(*c), by_fit);
	return c;
}

/* Greedy best fit: each candidate in order whose members are both still free. */
static void pair_best_fit(const uint64_t *base, size_t m, const uint64_t *now, size_t n,
			  int *base_to_now)
{
	struct candidate *c = m <= MATCH_MAX_MEMBERS && n <= MATCH_MAX_MEMBERS ?
			      candidates(base, m, now, n) : NULL;
	bool *taken = calloc(n + 1, sizeof(*taken)), best = c && taken;

	for (size_t i = 0; i < m; i++)	/* by ordinal, if best fit cannot run */
		base_to_now[i] = best || i >= n ? -1 : (int)i;
	for (size_t k = 0; best && k < m * n; k++) {
		if (base_to_now[c[k].base] >= 0 || taken[c[k].now])
			continue;
		base_to_now[c[k].base] = c[k].now;
		taken[c[k].now] = true;
	}
	free(taken);
	free(c);
}

size_t match_members(const uint64_t *base, size_t m, const uint64_t *now, size_t n,
		     struct match_pair *out, bool *confident)
{
	int *base_to_now = calloc(m + 1, sizeof(*base_to_now));
	bool *paired = calloc(n + 1, sizeof(*paired));
	size_t k = 0;

	*confident = m == n && base_to_now && paired;
	if (!base_to_now || !paired) {
		free(base_to_now);
		free(paired);
		return 0;
	}
	pair_best_fit(base, m, now, n, base_to_now);
	for (size_t i = 0; i < m; i++) {
		int j = base_to_now[i];

		if (j >= 0 && sizes_fit(base[i], now[j])) {
			out[k++] = (struct match_pair){ (int)i, j };
			paired[j] = true;
		} else {
			out[k++] = (struct match_pair){ (int)i, -1 };
			*confident = false;
		}
	}
	for (size_t j = 0; j < n; j++)
		if (!paired[j])
			out[k++] = (struct match_pair){ -1, (int)j };
	free(base_to_now);
	free(paired);
	return k;
}
