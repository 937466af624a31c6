/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every output must be, checked by code written apart from the writers':
 * valid UTF-8 without raw controls, strict JSON, names whose escapes read back.
 * Shared by the fuzz targets and the unit tests (header-only: each links it
 * without a library of its own).
 */
#ifndef VMT_TEST_CHECKS_H
#define VMT_TEST_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

/*
 * Strict UTF-8 by decoding the code point, then ruling out what RFC 3629
 * does; with no_c0_c1, also every C0 control but \n, DEL and every C1
 * control (what a terminal acts on).
 */
static inline bool valid_utf8(const unsigned char *s, size_t n, bool no_c0_c1)
{
	size_t i = 0;

	while (i < n) {
		unsigned int cp = s[i], len, min;

		if (cp < 0x80)
			len = 1, min = 0;
		else if ((cp & 0xe0) == 0xc0)
			len = 2, min = 0x80, cp &= 0x1f;
		else if ((cp & 0xf0) == 0xe0)
			len = 3, min = 0x800, cp &= 0x0f;
		else if ((cp & 0xf8) == 0xf0)
			len = 4, min = 0x10000, cp &= 0x07;
		else
			return false;
		if (i + len > n)
			return false;
		for (unsigned int k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		if (no_c0_c1 && ((cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp < 0xa0)))
			return false;
		i += len;
	}
	return true;
}

/*
 * Reads name_text()'s escapes (\\, \a ... \r, \xHH) back, as a user of the
 * output could; returns the bytes written to out (NUL added), or -1 for an
 * escape name_text() never writes.
 */
static inline long name_unescape(const char *s, char *out)
{
	static const char named[] = "\\\\a\ab\bt\tn\nv\vf\fr\r";
	long n = 0;

	while (*s) {
		const char *e;

		if (*s != '\\') {
			out[n++] = *s++;
		} else if (s[1] == 'x' && s[2] && s[3]) {
			out[n++] = (char)strtol((char[3]){ s[2], s[3], 0 }, NULL, 16);
			s += 4;
		} else if (s[1] && (e = strchr(named, s[1])) && (e - named) % 2 == 0) {
			out[n++] = e[1];
			s += 2;
		} else {
			return -1;
		}
	}
	out[n] = '\0';
	return n;
}

/*
 * One strict JSON document in valid UTF-8 (json-c's parser) and its
 * newline, or an abort with the text: for the fuzz targets.
 */
static inline struct json_object *parse_strict(const char *text, size_t len, int depth)
{
	struct json_tokener *tok = json_tokener_new_ex(depth);
	struct json_object *o;
	size_t end;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (json_tokener_get_error(tok) != json_tokener_success || !len ||
	    text[len - 1] != '\n' || strspn(text + end, "\n") != len - end) {
		fprintf(stderr, "not one strict JSON document and its newline (%s, at %zu "
			"of %zu):\n%.*s", json_tokener_error_desc(json_tokener_get_error(tok)),
			end, len, (int)len, text);
		abort();
	}
	json_tokener_free(tok);
	return o;
}

#endif
