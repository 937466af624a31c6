// SPDX-License-Identifier: GPL-2.0
/* Small formatting helpers shared by every report. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "model/model.h"
#include "report/format.h"

const char *human_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double value = bytes;
	int u = 0;

	while (value >= 1024 && u < 4) {
		value /= 1024;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", value, units[u]);
	return buf;
}

size_t utf8_sequence_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (!n)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xc2 || p[0] > 0xf4)	/* a continuation, 0xc0/0xc1 overlong, too high */
		return 0;
	len = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (p[0] == 0xe0)
		lo = 0xa0;	/* below: overlong */
	else if (p[0] == 0xed)
		hi = 0x9f;	/* above: surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90;	/* below: overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f;	/* above: beyond U+10FFFF */
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* The escape of the character at p (before end) into out; returns bytes used from p. */
static size_t escape_one(const char *p, const char *end, char out[12])
{
	unsigned char c = *p;
	size_t n = utf8_sequence_len(p, end - p);

	if (c >= 0x20 && c < 0x7f && c != '\\') {
		out[0] = c, out[1] = '\0';
	} else if (c == '\\') {
		strcpy(out, "\\\\");
	} else if (c >= '\a' && c <= '\r') {
		out[0] = '\\', out[1] = "abtnvfr"[c - '\a'], out[2] = '\0';
	} else if (n == 2 && c == 0xc2 && (unsigned char)p[1] < 0xa0) {
		snprintf(out, 12, "\\xc2\\x%02x", (unsigned char)p[1]);
	} else if (c < 0x80 || !n) {
		snprintf(out, 12, "\\x%02x", c);
		n = 1;
	} else {
		memcpy(out, p, n);
		out[n] = '\0';
	}
	return n;
}

const char *name_text(const char *s, char *buf, size_t size)
{
	const char *end = s + strlen(s);
	size_t len = 0;

	if (!size)
		return buf;
	while (s < end) {
		char piece[12];
		size_t used = escape_one(s, end, piece), k = strlen(piece);

		if (len + k >= size)
			break;
		memcpy(buf + len, piece, k);
		len += k;
		s += used;
	}
	buf[len] = '\0';
	return buf;
}

const char *vma_state(const struct vma *v, char *buf, size_t size)
{
	const char *what = v->unmapped ? "unmapped" : v->changed ? "changed" : NULL;

	if (!what)
		snprintf(buf, size, "%s", "");
	else if (v->nr_vmas > 1)
		snprintf(buf, size, " x%u %s", v->nr_vmas, what);
	else
		snprintf(buf, size, " (%s)", what);
	return buf;
}

static bool continuation(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

char *text_cut(char *text, size_t width)
{
	size_t len = strlen(text), head, tail;

	if (len <= width || width < 8)
		return text;
	head = (width - 3) / 2;
	tail = len - (width - 3 - head);
	while (head && continuation(text[head]))
		head--;
	while (tail < len && continuation(text[tail]))
		tail++;
	memcpy(text + head, "...", 3);
	memmove(text + head + 3, text + tail, len - tail + 1);
	return text;
}
