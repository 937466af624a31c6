// SPDX-License-Identifier: GPL-2.0
/* A strict JSON pull reader: RFC 8259's grammar, checked byte by byte. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ci/jsonin.h"

void jin_init(struct jin *j, const char *text, size_t len, char *err, size_t errlen)
{
	*j = (struct jin){ .text = text, .p = text, .end = text + len,
			   .err = err, .errlen = errlen };
	if (errlen)
		err[0] = '\0';
}

int jin_fail(struct jin *j, const char *fmt, ...)
{
	va_list ap;

	if (j->failed)
		return -EINVAL;
	j->failed = true;
	if (!j->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(j->err, j->errlen, fmt, ap);
	va_end(ap);
	/* reasons quote the input: its control bytes must not break the line */
	for (char *p = j->err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -EINVAL;
}

/* A grammar error where the reader stands. */
static int syntax(struct jin *j, const char *what)
{
	if (j->p >= j->end)
		return jin_fail(j, "not valid JSON: it ends early (truncated?)");
	return jin_fail(j, "not valid JSON at byte %zu: %s", (size_t)(j->p - j->text), what);
}

static void white_space(struct jin *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' ||
				 *j->p == '\r'))
		j->p++;
}

static bool is_digit(const struct jin *j)
{
	return j->p < j->end && *j->p >= '0' && *j->p <= '9';
}

enum jin_type jin_peek(struct jin *j)
{
	if (j->failed)
		return JIN_BAD;
	white_space(j);
	if (j->p >= j->end)
		return JIN_END;
	switch (*j->p) {
	case '{': return JIN_OBJECT;
	case '[': return JIN_ARRAY;
	case '"': return JIN_STRING;
	case 't': return JIN_TRUE;
	case 'f': return JIN_FALSE;
	case 'n': return JIN_NULL;
	default:
		return *j->p == '-' || is_digit(j) ? JIN_NUMBER : JIN_BAD;
	}
}

const char *jin_type_name(enum jin_type t)
{
	static const char *const names[] = {
		[JIN_END] = "nothing", [JIN_BAD] = "something not JSON",
		[JIN_OBJECT] = "an object", [JIN_ARRAY] = "an array",
		[JIN_STRING] = "a string", [JIN_NUMBER] = "a number",
		[JIN_TRUE] = "true", [JIN_FALSE] = "false", [JIN_NULL] = "null",
	};

	return names[t];
}

static void put(char *out, size_t size, size_t *n, unsigned char c)
{
	if (*n + 1 < size)
		out[*n] = c;
	++*n;
}

static int hex4(struct jin *j, unsigned int *cp)
{
	*cp = 0;
	for (int i = 0; i < 4; i++, j->p++) {
		char c = j->p < j->end ? *j->p : 0;
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (v < 0)
			return syntax(j, "a \\u escape needs four hex digits");
		*cp = *cp << 4 | v;
	}
	return 0;
}

/* \uXXXX, or a surrogate pair of two, as a code point. */
static int unicode_escape(struct jin *j, unsigned int *cp)
{
	unsigned int low;

	if (hex4(j, cp))
		return -EINVAL;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return syntax(j, "a \\u escape holds a lone low surrogate");
	if (*cp < 0xd800 || *cp > 0xdbff)
		return 0;
	if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
		return syntax(j, "a \\u escape holds a high surrogate without its pair");
	j->p += 2;
	if (hex4(j, &low))
		return -EINVAL;
	if (low < 0xdc00 || low > 0xdfff)
		return syntax(j, "a \\u escape holds a high surrogate without its pair");
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (low - 0xdc00);
	return 0;
}

static void put_utf8(char *out, size_t size, size_t *n, unsigned int cp)
{
	if (cp < 0x80) {
		put(out, size, n, cp);
	} else if (cp < 0x800) {
		put(out, size, n, 0xc0 | cp >> 6);
		put(out, size, n, 0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		put(out, size, n, 0xe0 | cp >> 12);
		put(out, size, n, 0x80 | (cp >> 6 & 0x3f));
		put(out, size, n, 0x80 | (cp & 0x3f));
	} else {
		put(out, size, n, 0xf0 | cp >> 18);
		put(out, size, n, 0x80 | (cp >> 12 & 0x3f));
		put(out, size, n, 0x80 | (cp >> 6 & 0x3f));
		put(out, size, n, 0x80 | (cp & 0x3f));
	}
}

/* The byte after a backslash, and what follows it. */
static int escape(struct jin *j, char *out, size_t size, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = j->p < j->end && *j->p ? strchr(from, *j->p) : NULL;
	unsigned int cp;

	if (j->p < j->end && *j->p == 'u') {
		j->p++;
		if (unicode_escape(j, &cp))
			return -EINVAL;
		put_utf8(out, size, n, cp);
		return 0;
	}
	if (!e)
		return syntax(j, "not an escape JSON has");
	put(out, size, n, to[e - from]);
	j->p++;
	return 0;
}

int jin_string(struct jin *j, char *out, size_t size, size_t *len)
{
	size_t n = 0;

	if (jin_peek(j) != JIN_STRING)
		return syntax(j, "expected a string");
	for (j->p++; ; ) {
		unsigned char c;

		if (j->p >= j->end)
			return syntax(j, "");
		c = *j->p;
		if (c < 0x20)
			return syntax(j, "a control byte in a string (it must be escaped)");
		j->p++;
		if (c == '"')
			break;
		if (c != '\\')
			put(out, size, &n, c);
		else if (escape(j, out, size, &n))
			return -EINVAL;
	}
	if (size)
		out[n < size ? n : size - 1] = '\0';
	*len = n;
	return 0;
}

/* A number's value as strtod() reads it (the grammar is checked already). */
static double value_of(const char *s, size_t len)
{
	char buf[64], *copy = len < sizeof(buf) ? buf : malloc(len + 1);
	double d;

	if (!copy)
		return 0;
	memcpy(copy, s, len);
	copy[len] = '\0';
	d = strtod(copy, NULL);
	if (copy != buf)
		free(copy);
	return d;
}

static int digits(struct jin *j, const char *what)
{
	if (!is_digit(j))
		return syntax(j, what);
	while (is_digit(j))
		j->p++;
	return 0;
}

/* A number as written, for messages: cut to 24 bytes and "..." (no printf: hot). */
static void text_of(char *text, const char *s, size_t len)
{
	_Static_assert(sizeof(((struct jin_number *)0)->text) >= 28, "room for 24 + ...");
	if (len > 24) {
		memcpy(text, s, 24);
		memcpy(text + 24, "...", 4);
	} else {
		memcpy(text, s, len);
		text[len] = '\0';
	}
}

int jin_number(struct jin *j, struct jin_number *n)
{
	const char *s;

	memset(n, 0, sizeof(*n));
	if (jin_peek(j) != JIN_NUMBER)
		return syntax(j, "expected a number");
	s = j->p;
	j->p += *j->p == '-';
	if (!is_digit(j))
		return syntax(j, "a '-' without digits");
	if (*j->p == '0' && j->p + 1 < j->end && j->p[1] >= '0' && j->p[1] <= '9')
		return syntax(j, "a number with a leading zero");
	for (; is_digit(j); j->p++) {
		unsigned int d = *j->p - '0';

		if (n->u > (ULLONG_MAX - d) / 10)
			n->overflow = true;
		else if (!n->overflow)
			n->u = n->u * 10 + d;
	}
	n->integer = true;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		n->integer = false;
		if (digits(j, "a '.' without digits after it"))
			return -EINVAL;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		n->integer = false;
		j->p += j->p < j->end && (*j->p == '+' || *j->p == '-');
		if (digits(j, "an exponent without digits"))
			return -EINVAL;
	}
	text_of(n->text, s, j->p - s);
	if (n->integer && !n->overflow)
		n->d = *s == '-' ? -(double)n->u : (double)n->u;
	else
		n->d = value_of(s, j->p - s);
	n->negative = n->d < 0;
	return 0;
}

static int literal(struct jin *j, const char *word)
{
	size_t len = strlen(word);

	if ((size_t)(j->end - j->p) < len || memcmp(j->p, word, len))
		return syntax(j, "not a value (true, false and null are the only words)");
	j->p += len;
	return 0;
}

int jin_open(struct jin *j, char open)
{
	enum jin_type t = jin_peek(j);

	if (t != (open == '{' ? JIN_OBJECT : JIN_ARRAY))
		return syntax(j, open == '{' ? "expected '{'" : "expected '['");
	j->p++;
	return 0;
}

int jin_more(struct jin *j, char close, bool *first)
{
	bool was_first = *first;

	if (j->failed)
		return -EINVAL;
	white_space(j);
	*first = false;
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	if (was_first)
		return 1;
	if (j->p < j->end && *j->p == ',') {
		j->p++;
		return 1;
	}
	return syntax(j, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
}

int jin_key(struct jin *j, char *key, size_t size)
{
	size_t len;

	if (jin_peek(j) != JIN_STRING)
		return syntax(j, "expected a key (a string)");
	if (jin_string(j, key, size, &len))
		return -EINVAL;
	white_space(j);
	if (j->p >= j->end || *j->p != ':')
		return syntax(j, "expected ':' after a key");
	j->p++;
	return len > INT_MAX ? INT_MAX : (int)len;
}

static int skip(struct jin *j, int depth)
{
	enum jin_type t = jin_peek(j);
	struct jin_number n;
	bool first = true;
	size_t len;
	int more;

	switch (t) {
	case JIN_OBJECT:
	case JIN_ARRAY:
		if (depth >= JIN_MAX_DEPTH)
			return jin_fail(j, "not valid JSON at byte %zu: nested deeper than %d "
					"levels", (size_t)(j->p - j->text), JIN_MAX_DEPTH);
		j->p++;
		while ((more = jin_more(j, t == JIN_OBJECT ? '}' : ']', &first)) > 0)
			if ((t == JIN_OBJECT && jin_key(j, NULL, 0) < 0) || skip(j, depth + 1))
				return -EINVAL;
		return more;
	case JIN_STRING:
		return jin_string(j, NULL, 0, &len);
	case JIN_NUMBER:
		return jin_number(j, &n);
	case JIN_TRUE:
		return literal(j, "true");
	case JIN_FALSE:
		return literal(j, "false");
	case JIN_NULL:
		return literal(j, "null");
	default:
		return syntax(j, "expected a value");
	}
}

int jin_skip(struct jin *j)
{
	return skip(j, 0);
}

int jin_done(struct jin *j)
{
	if (j->failed)
		return -EINVAL;
	white_space(j);
	if (j->p < j->end)
		return jin_fail(j, "not valid JSON: data after the end, at byte %zu",
				(size_t)(j->p - j->text));
	return 0;
}
