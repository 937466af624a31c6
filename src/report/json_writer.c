// SPDX-License-Identifier: GPL-2.0
/* The streaming JSON writer (json_writer.h says what it writes and why). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "report/format.h"
#include "report/json_writer.h"

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD in UTF-8 */

static const char hex_digits[] = "0123456789abcdef";

void jw_init(struct json_writer *w, FILE *out, enum jw_style style)
{
	*w = (struct json_writer){ .out = out, .style = style, .indent = 2 };
}

static void fail(struct json_writer *w, int err)
{
	if (!w->err)
		w->err = err;
}

static void drain(struct json_writer *w)
{
	errno = 0;
	if (!w->err && w->len && fwrite(w->buf, 1, w->len, w->out) != w->len)
		fail(w, errno ? -errno : -EIO);
	w->len = 0;
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	while (n && !w->err) {
		size_t room = sizeof(w->buf) - w->len, k = n < room ? n : room;

		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
		if (w->len == sizeof(w->buf))
			drain(w);
	}
}

static void puts_(struct json_writer *w, const char *s)
{
	put(w, s, strlen(s));
}

/* Spaces to the depth, on a new line when asked. */
static void indent(struct json_writer *w, bool newline)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)w->depth * w->indent;

	if (newline)
		put(w, "\n", 1);
	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		put(w, spaces, sizeof(spaces) - 1);
	put(w, spaces, n);
}

static bool in_array(const struct json_writer *w)
{
	return w->depth && (w->arrays >> (w->depth - 1) & 1);
}

/*
 * Before a member's name or an array's element: json-c's separators. In the
 * pretty layout the first newline came with the "{" or "[".
 */
static void separate(struct json_writer *w)
{
	if (!w->depth)
		return;
	if (!w->first)
		put(w, ",", 1);
	if (w->style == JW_PRETTY)
		indent(w, !w->first);
	else if (w->line_break)
		indent(w, true);
	else if (w->style == JW_SPACED)
		put(w, " ", 1);
	w->first = false;
	w->line_break = false;
}

/* Where a value starts: after its name, as an element, or at the top. */
static void value(struct json_writer *w)
{
	if (w->named)
		w->named = false;
	else if (w->depth && !in_array(w))
		fail(w, -EINVAL);	/* a value in an object needs a name */
	else
		separate(w);
}

/* A top-level value is complete: end its line. */
static void value_done(struct json_writer *w)
{
	if (!w->depth)
		put(w, "\n", 1);
}

static void begin(struct json_writer *w, char open, bool array)
{
	value(w);
	if (w->depth >= JW_MAX_DEPTH) {
		fail(w, -E2BIG);
		return;
	}
	put(w, &open, 1);
	if (w->style == JW_PRETTY)
		put(w, "\n", 1);
	w->arrays = (w->arrays & ~(1ULL << w->depth)) | (uint64_t)array << w->depth;
	w->depth++;
	w->first = true;
	w->line_break = false;
}

static void end(struct json_writer *w, char close, bool array)
{
	bool empty = w->first;

	if (!w->depth || in_array(w) != array || w->named) {
		fail(w, -EINVAL);
		return;
	}
	w->depth--;
	if (w->style == JW_PRETTY)
		indent(w, !empty);	/* json-c's: "[\n]" when empty, indented */
	else if (w->line_break)
		indent(w, true);
	else if (w->style == JW_SPACED)
		put(w, " ", 1);
	put(w, &close, 1);
	w->first = false;
	w->line_break = false;
	value_done(w);
}

void jw_begin_object(struct json_writer *w)
{
	begin(w, '{', false);
}

void jw_end_object(struct json_writer *w)
{
	end(w, '}', false);
}

void jw_begin_array(struct json_writer *w)
{
	begin(w, '[', true);
}

void jw_end_array(struct json_writer *w)
{
	end(w, ']', true);
}

void jw_break(struct json_writer *w)
{
	w->line_break = true;
}

/* An ASCII byte that stands for itself in a JSON string. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* "\u00XX" for a code point below 0x100 */
static const char *u00(unsigned char c, char buf[7])
{
	memcpy(buf, "\\u00", 4);
	buf[4] = hex_digits[c >> 4];
	buf[5] = hex_digits[c & 0xf];
	buf[6] = '\0';
	return buf;
}

/* The escape of ASCII byte c, or NULL when c stands for itself. */
static const char *ascii_escape(unsigned char c, char buf[7])
{
	static const char *const short_forms[0x20] = {
		['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n", ['\r'] = "\\r",
		['\t'] = "\\t",
	};

	if (c == '"')
		return "\\\"";
	if (c == '\\')
		return "\\\\";
	if (plain(c))
		return NULL;
	return c < 0x20 && short_forms[c] ? short_forms[c] : u00(c, buf);
}

/* s[0, n) as a JSON string; returns false when some bytes were not UTF-8. */
static bool quote(struct json_writer *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	bool utf8 = true;
	char buf[7];

	put(w, "\"", 1);
	while (p < end) {
		const unsigned char *run = p;
		size_t len;

		while (p < end && plain(*p))
			p++;
		put(w, (const char *)run, p - run);
		if (p == end)
			break;
		if (*p < 0x80) {
			puts_(w, ascii_escape(*p++, buf));
			continue;
		}
		len = utf8_sequence_len((const char *)p, end - p);
		if (!len) {
			put(w, REPLACEMENT, 3);
			utf8 = false;
			p++;
		} else if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0) {	/* C1 control */
			puts_(w, u00(p[1], buf));
			p += 2;
		} else {
			put(w, (const char *)p, len);
			p += len;
		}
	}
	put(w, "\"", 1);
	return utf8;
}

void jw_name(struct json_writer *w, const char *name)
{
	if (in_array(w) || !w->depth || w->named) {
		fail(w, -EINVAL);
		return;
	}
	separate(w);
	quote(w, name, strlen(name));
	puts_(w, w->style == JW_SPACED ? ": " : ":");
	w->named = true;
}

/* A number, true, false or null: text as it is. */
static void scalar(struct json_writer *w, const char *text)
{
	value(w);
	puts_(w, text);
	value_done(w);
}

void jw_string(struct json_writer *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	value(w);
	quote(w, s, strlen(s));
	value_done(w);
}

void jw_uint64(struct json_writer *w, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	scalar(w, buf);
}

void jw_int64(struct json_writer *w, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	scalar(w, buf);
}

void jw_double(struct json_writer *w, double v)
{
	char buf[40], *comma;

	if (!isfinite(v)) {
		scalar(w, "null");	/* json-c wrote NaN, which is not JSON */
		return;
	}
	snprintf(buf, sizeof(buf) - 2, "%.17g", v);
	if ((comma = strchr(buf, ',')))
		*comma = '.';	/* a locale's decimal comma */
	if (!strpbrk(buf, ".e"))
		strcat(buf, ".0");
	scalar(w, buf);
}

void jw_bool(struct json_writer *w, bool v)
{
	scalar(w, v ? "true" : "false");
}

void jw_null(struct json_writer *w)
{
	scalar(w, "null");
}

void jw_words(struct json_writer *w, const char *list)
{
	jw_begin_array(w);
	for (const char *p = list; p && *p; ) {
		size_t n = strcspn(p, " ");

		if (n) {
			value(w);
			quote(w, p, n);
		}
		p += n + (p[n] == ' ');
	}
	jw_end_array(w);
}

static void bytes_field(struct json_writer *w, const char *name, const char *s)
{
	char key[64];

	snprintf(key, sizeof(key), "%s_bytes", name);
	jw_name(w, key);
	value(w);
	put(w, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char hex[2] = { hex_digits[*p >> 4], hex_digits[*p & 0xf] };

		put(w, hex, 2);
	}
	put(w, "\"", 1);
}

void jw_string_field(struct json_writer *w, const char *name, const char *s)
{
	jw_name(w, name);
	if (!s) {
		jw_null(w);
		return;
	}
	value(w);
	if (!quote(w, s, strlen(s)))
		bytes_field(w, name, s);
}

/* The members of a scalar type: the name, then the value. */
#define SCALAR_FIELD(kind, type)						\
void jw_##kind##_field(struct json_writer *w, const char *name, type v)	\
{										\
	jw_name(w, name);							\
	jw_##kind(w, v);							\
}

SCALAR_FIELD(uint64, uint64_t)
SCALAR_FIELD(int64, int64_t)
SCALAR_FIELD(double, double)
SCALAR_FIELD(bool, bool)

void jw_null_field(struct json_writer *w, const char *name)
{
	jw_name(w, name);
	jw_null(w);
}

int jw_finish(struct json_writer *w)
{
	if (w->depth || w->named)
		fail(w, -EINVAL);
	drain(w);
	errno = 0;
	if (fflush(w->out))
		fail(w, errno ? -errno : -EIO);
	if (ferror(w->out))
		fail(w, -EIO);
	return w->err;
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int jw_bytes_decode(const char *hex, char *out, size_t size)
{
	size_t n = 0;

	for (; hex[0]; hex += 2) {
		int hi = hex_value(hex[0]), lo = hi < 0 ? -1 : hex_value(hex[1]);

		if (lo < 0 || (hi | lo) == 0 || n + 1 >= size)
			return -1;
		out[n++] = (char)(hi << 4 | lo);
	}
	if (!size)
		return -1;
	out[n] = '\0';
	return (int)n;
}
