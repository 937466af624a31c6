/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Matching the members of one class (command, label, perms) across runs:
 * libc's two r--p mappings, a data file mapped three times. Members are
 * paired by best fit on size, their order in the address space breaking
 * ties, not by ordinal: a member inserted or removed in the middle shifts the
 * ordinals of those after it, and pairing by ordinal would compare each with
 * its neighbour.
 *
 * A matching is confident when both sides have as many members and every
 * pair's sizes are within MATCH_SIZE_RATIO of each other (a size unknown on
 * either side, as in baselines that store none, never contradicts). Then
 * each pair is judged as a row; otherwise only the class's sum is, and the
 * pairs are advice.
 */
#ifndef VMT_MATCH_H
#define VMT_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MATCH_SIZE_RATIO	2
/* Beyond this many members a side, members pair by ordinal (best fit is n^2). */
#define MATCH_MAX_MEMBERS	64

/* One member of each side, or -1 where only the other side has one. */
struct match_pair {
	int base, now;
};

/*
 * Pairs base[0..m) with now[0..n) (sizes in address order, 0: unknown) into
 * out, which holds m + n; returns how many entries it filled, and whether
 * the matching is confident. Pairs whose sizes do not fit are split, each a
 * member only one side has.
 */
size_t match_members(const uint64_t *base, size_t m, const uint64_t *now, size_t n,
		     struct match_pair *out, bool *confident);

#endif
