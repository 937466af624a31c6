/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strict JSON pull reader over a buffer (RFC 8259, nothing more), for input
 * read once into the caller's own structures: no tree is built, so reading
 * costs one pass and the memory is what the caller keeps. The first failure
 * is kept as a one-line reason; every later call fails too.
 *
 * Containers are walked with jin_open() and jin_more():
 *
 *	bool first = true;
 *	if (jin_open(j, '{'))
 *		return -EINVAL;
 *	while ((more = jin_more(j, '}', &first)) > 0) {
 *		if (jin_key(j, key, sizeof(key)) < 0) ...
 *		... read or jin_skip() the value ...
 *	}
 */
#ifndef VMT_JSONIN_H
#define VMT_JSONIN_H

#include <stdbool.h>
#include <stddef.h>

#define JIN_MAX_DEPTH	32	/* nesting allowed by jin_skip() */

struct jin {
	const char *text, *p, *end;
	char *err;		/* the reason, once failed */
	size_t errlen;
	bool failed;
};

enum jin_type {
	JIN_END,		/* nothing but white space is left */
	JIN_BAD,		/* a byte no value starts with */
	JIN_OBJECT, JIN_ARRAY, JIN_STRING, JIN_NUMBER, JIN_TRUE, JIN_FALSE, JIN_NULL,
};

struct jin_number {
	bool integer;		/* written without a fraction or an exponent */
	bool negative;		/* below zero (-0 is not) */
	bool overflow;		/* an integer whose magnitude is over 2^64-1 */
	unsigned long long u;	/* an integer's magnitude */
	double d;		/* the value, for any number */
	char text[28];		/* as written, cut short for messages */
};

void jin_init(struct jin *j, const char *text, size_t len, char *err, size_t errlen);
/* Records the reason (control bytes made '?'); the first one stays. -EINVAL. */
int __attribute__((format(printf, 2, 3))) jin_fail(struct jin *j, const char *fmt, ...);
/* What the next value is, without reading it. */
enum jin_type jin_peek(struct jin *j);
/* "an object", "a string", "null", ...: for "expected X, got Y". */
const char *jin_type_name(enum jin_type t);
/*
 * A string, decoded (escapes, \u as UTF-8) into out, NUL-terminated and cut
 * to size - 1 bytes; *len is its whole decoded length, NULs included.
 */
int jin_string(struct jin *j, char *out, size_t size, size_t *len);
int jin_number(struct jin *j, struct jin_number *n);
/* Any one value, checked, nested at most JIN_MAX_DEPTH deep. */
int jin_skip(struct jin *j);
/* '{' or '[' opens a container. */
int jin_open(struct jin *j, char open);
/* 1: another element follows (its comma read); 0: close was read; -EINVAL. */
int jin_more(struct jin *j, char close, bool *first);
/* An object's key and its ':' (cut to size - 1 bytes): its length, or -EINVAL. */
int jin_key(struct jin *j, char *key, size_t size);
/* Only white space is left. */
int jin_done(struct jin *j);

#endif
