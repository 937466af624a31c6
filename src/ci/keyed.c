// SPDX-License-Identifier: GPL-2.0
/* Objects of known keys, read with jsonin.c: baselines and reports. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ci/keyed.h"
#include "report/json_writer.h"

size_t rd_at(struct reader *r, const char *a, const char *b)
{
	size_t old = r->w.len;

	for (const char *s = a; *s && r->w.len + 1 < sizeof(r->w.s); s++)
		r->w.s[r->w.len++] = *s;
	for (const char *s = b; *s && r->w.len + 1 < sizeof(r->w.s); s++)
		r->w.s[r->w.len++] = *s;
	r->w.s[r->w.len] = '\0';
	return old;
}

void rd_back(struct reader *r, size_t len)
{
	r->w.len = len;
	r->w.s[len] = '\0';
}

const char *rd_here(const struct reader *r)
{
	return r->w.len ? r->w.s : "the top level";
}

int rd_expect(struct reader *r, enum jin_type t, const char *what)
{
	enum jin_type got = jin_peek(&r->j);

	if (got != t)
		return rd_fail(r, "expected %s, got %s", what, jin_type_name(got));
	return jin_open(&r->j, t == JIN_OBJECT ? '{' : '[');
}

/*
 * The next key of an object among names[0..n), each at most once: its
 * index, n after the object's last, n + 1 for a key to skip, or -1.
 */
static int next_key(struct reader *r, const char *const *names, int n,
		    unsigned int *seen, bool *first)
{
	int more = jin_more(&r->j, '}', first), len, k;
	char key[40];

	if (more <= 0)
		return more ? -1 : n;
	len = jin_key(&r->j, key, sizeof(key));
	if (len < 0)
		return -1;
	for (k = 0; k < n && ((size_t)len != strlen(key) || strcmp(key, names[k])); k++)
		;
	if (k == n && r->skip_unknown)
		return n + 1;
	if (k == n)
		return rd_fail(r, "unknown key \"%s%s\"", key, (size_t)len >= sizeof(key) ?
			       "..." : ""), -1;
	if (*seen & 1u << k)
		return rd_fail(r, "\"%s\" given twice", key), -1;
	*seen |= 1u << k;
	return k;
}

int rd_object(struct reader *r, const char *const *names, int n, unsigned int required,
	      int (*field)(struct reader *r, int k, void *ctx), void *ctx)
{
	unsigned int seen = 0;
	bool first = true;
	size_t mark;
	int k;

	if (rd_expect(r, JIN_OBJECT, "an object"))
		return -EINVAL;
	while ((k = next_key(r, names, n, &seen, &first)) >= 0 && k != n) {
		if (k > n) {
			if (jin_skip(&r->j))
				return -EINVAL;
			continue;
		}
		mark = rd_at(r, r->w.len ? "." : "", names[k]);
		if (field(r, k, ctx))
			return -EINVAL;
		rd_back(r, mark);
	}
	if (k < 0)
		return -EINVAL;
	for (k = 0; k < n; k++)
		if ((required & 1u << k) && !(seen & 1u << k))
			return rd_fail(r, "no \"%s\"", names[k]);
	return 0;
}

int rd_array(struct reader *r, const char *what,
	     int (*elem)(struct reader *r, size_t i, void *ctx), void *ctx)
{
	bool first = true;
	size_t n = 0, mark;
	char idx[32];
	int more;

	if (rd_expect(r, JIN_ARRAY, what))
		return -EINVAL;
	while ((more = jin_more(&r->j, ']', &first)) > 0) {
		snprintf(idx, sizeof(idx), "[%zu]", n);
		mark = rd_at(r, idx, "");
		if (elem(r, n++, ctx))
			return -EINVAL;
		rd_back(r, mark);
	}
	return more;
}

int rd_count(struct reader *r, unsigned long long max, unsigned long long *out)
{
	enum jin_type t = jin_peek(&r->j);
	struct jin_number n;

	if (t != JIN_NUMBER)
		return rd_fail(r, "expected a non-negative integer, got %s", jin_type_name(t));
	if (jin_number(&r->j, &n))
		return -EINVAL;
	if (n.negative)
		return rd_fail(r, "negative (%s)", n.text);
	if (!n.integer)
		return rd_fail(r, "expected a non-negative integer, got %s", n.text);
	if (n.overflow)
		return rd_fail(r, "%s is over 2^64-1, the largest count", n.text);
	if (n.u > max)
		return rd_fail(r, "%llu is too large (at most %llu)", n.u, max);
	*out = n.u;
	return 0;
}

int rd_string(struct reader *r, char *out, size_t size, bool nullable)
{
	enum jin_type t = jin_peek(&r->j);
	size_t len;

	out[0] = '\0';
	if (t == JIN_NULL && nullable)
		return jin_skip(&r->j);
	if (t != JIN_STRING)
		return rd_fail(r, "expected a string, got %s", jin_type_name(t));
	if (jin_string(&r->j, out, size, &len))
		return -EINVAL;
	if (len >= size)
		return rd_fail(r, "longer than %zu bytes", size - 1);
	if (strlen(out) != len)
		return rd_fail(r, "holds a NUL byte (\\u0000)");
	return 0;
}

int rd_bool(struct reader *r, bool *out)
{
	enum jin_type t = jin_peek(&r->j);

	if (t != JIN_TRUE && t != JIN_FALSE)
		return rd_fail(r, "expected true or false, got %s", jin_type_name(t));
	*out = t == JIN_TRUE;
	return jin_skip(&r->j);
}

int rd_bytes(struct reader *r, char *out, size_t size, size_t hex_max)
{
	char *hex = malloc(hex_max + 2);
	int err;

	if (!hex)
		return rd_fail(r, "out of memory");
	err = rd_string(r, hex, hex_max + 2, false);
	if (!err && jw_bytes_decode(hex, out, size) < 0)
		err = rd_fail(r, "not the hex of at most %zu bytes, none NUL", size - 1);
	free(hex);
	return err;
}

/*
 * A backend is a name vmtrace wrote (fentry, kprobe, tracepoint): it is
 * printed in notes as is, so anything beyond a short lower-case word (an
 * escape sequence, bytes that are not text) is refused, not echoed.
 */
int rd_word(struct reader *r, char *out, size_t size)
{
	if (rd_string(r, out, size, true))
		return -EINVAL;
	for (const char *c = out; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= '0' && *c <= '9') &&
		    *c != '_' && *c != '-')
			return rd_fail(r, "not a backend name (letters a-z, digits, '_', '-')");
	return 0;
}
