/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Objects of known keys over the pull reader (jsonin.h), read straight into
 * the caller's structures, every failure one line naming where it is
 * ("rows[3].counters.major[1]: ..."). Baselines refuse keys they do not
 * know; reports, which may gain members within a version, skip them.
 */
#ifndef VMT_KEYED_H
#define VMT_KEYED_H

#include <stddef.h>
#include "ci/jsonin.h"

/* Where the reader is, for reasons: "rows[3].counters.major[1]". */
struct where {
	char s[192];
	size_t len;
};

struct reader {
	struct jin j;
	struct where w;
	bool skip_unknown;	/* unknown keys are skipped, not refused */
	/*
	 * Names too long for their field: fine only if their KEY_bytes follow
	 * (a name that was not UTF-8 grows when its bytes become U+FFFD).
	 */
	unsigned int long_names;
};

#define ALL_OF(n)	((1u << (n)) - 1)

/* Appends a then b to where the reader is; returns the length before. */
size_t rd_at(struct reader *r, const char *a, const char *b);
void rd_back(struct reader *r, size_t len);
const char *rd_here(const struct reader *r);

#define rd_fail(r, fmt, ...) jin_fail(&(r)->j, "%s: " fmt, rd_here(r), ##__VA_ARGS__)

/* The next value is an object (JIN_OBJECT) or array; opens it. */
int rd_expect(struct reader *r, enum jin_type t, const char *what);
/*
 * An object whose keys are names[0..n), each read by field(r, key's index,
 * ctx) and given at most once; the keys in the mask required must be there.
 */
int rd_object(struct reader *r, const char *const *names, int n, unsigned int required,
	      int (*field)(struct reader *r, int k, void *ctx), void *ctx);
/*
 * An array, each element read by elem(r, its index, ctx) with "[i]" added
 * to where the reader is.
 */
int rd_array(struct reader *r, const char *what,
	     int (*elem)(struct reader *r, size_t i, void *ctx), void *ctx);
/* A non-negative integer up to max: never clamped, never rounded. */
int rd_count(struct reader *r, unsigned long long max, unsigned long long *out);
/* A string that fits out (NUL-free); null reads as "" where allowed. */
int rd_string(struct reader *r, char *out, size_t size, bool nullable);
int rd_bool(struct reader *r, bool *out);
/* A backend's name: a-z, digits, '_', '-' (null reads as ""). */
int rd_word(struct reader *r, char *out, size_t size);
/* KEY_bytes: the hex of a name's exact bytes (at most hex_max digits). */
int rd_bytes(struct reader *r, char *out, size_t size, size_t hex_max);

#endif
