/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming JSON writer: every report's JSON goes through it, straight to a
 * FILE, nothing held in memory (after bpftool's json_writer, which it does not
 * copy). Its output is always valid JSON in valid UTF-8, whatever the bytes
 * it is given (docs/json.md, "Strings"):
 *
 * - every byte below 0x20 is escaped (\b \f \n \r \t, else \u00XX), and so
 *   are " and \, DEL (\u007f) and the C1 controls U+0080-U+009F, so that
 *   JSON printed on a terminal cannot drive it;
 * - a byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no
 *   overlong forms, no surrogates, nothing above U+10FFFF; a truncated
 *   sequence) is written as U+FFFD, one for each such byte. jw_string_field()
 *   then also writes a sibling member NAME_bytes holding the original bytes
 *   in lowercase hex: the exact name (a file's path) can be recovered, and a
 *   member NAME_bytes appears only when NAME's bytes were not UTF-8.
 *
 * Layouts: JW_PRETTY is json-c's pretty printing, byte for byte (the reports
 * kept their bytes when they moved to this writer; tests/unit/golden/),
 * JW_COMPACT has no spaces, JW_SPACED is one line with json-c's spacing
 * ({ "a": [ 1, 2 ] }); jw_break() starts a new line in the last two. Each
 * top-level value ends with a newline, so compact output is JSON Lines.
 *
 * The first write error is remembered (later output is dropped) and returned
 * by jw_finish(), which also reports unbalanced begin/end calls.
 */
#ifndef VMT_JSON_WRITER_H
#define VMT_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum jw_style {
	JW_PRETTY,	/* a member or element a line, indented */
	JW_COMPACT,	/* {"a":[1,2]} */
	JW_SPACED,	/* { "a": [ 1, 2 ] } */
};

#define JW_MAX_DEPTH 64
#define JW_BUF_SIZE 8192

struct json_writer {
	FILE *out;
	enum jw_style style;
	unsigned int indent;	/* spaces a level (pretty, jw_break()); 2 by default */
	unsigned int depth;
	uint64_t arrays;	/* bit d: the container at depth d + 1 is an array */
	bool first;		/* the open container has no member or element yet */
	bool named;		/* a member's name was written: its value is next */
	bool line_break;	/* jw_break(): the next separator starts a line */
	int err;		/* the first error, -errno */
	/*
	 * Output collects here and goes to out a buffer at a time: stdout is
	 * line-buffered (main.c), and a write(2) per line made a 100,000-VMA
	 * report 2.8 million system calls.
	 */
	size_t len;
	char buf[JW_BUF_SIZE];
};

void jw_init(struct json_writer *w, FILE *out, enum jw_style style);
/* Writes out what is buffered and flushes out; returns 0, or the first
 * error (-errno; -EINVAL for unbalanced or misplaced calls). */
int jw_finish(struct json_writer *w);

void jw_begin_object(struct json_writer *w);
void jw_end_object(struct json_writer *w);
void jw_begin_array(struct json_writer *w);
void jw_end_array(struct json_writer *w);
/* JW_COMPACT, JW_SPACED: the next member, element or closing bracket goes
 * on a new line, indented (pretty layout breaks every line anyway). */
void jw_break(struct json_writer *w);

/* A member's name, in an object; its value follows. */
void jw_name(struct json_writer *w, const char *name);
/* Values. A NULL string is written as null. */
void jw_string(struct json_writer *w, const char *s);
void jw_uint64(struct json_writer *w, uint64_t v);
void jw_int64(struct json_writer *w, int64_t v);
/* As json-c prints doubles (%.17g, 1.0 not 1); NaN and infinities as null. */
void jw_double(struct json_writer *w, double v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* An array of the space-separated words in list (NULL: empty). */
void jw_words(struct json_writer *w, const char *list);

/* Members: the name, then the value. */
void jw_string_field(struct json_writer *w, const char *name, const char *s);
void jw_uint64_field(struct json_writer *w, const char *name, uint64_t v);
void jw_int64_field(struct json_writer *w, const char *name, int64_t v);
void jw_double_field(struct json_writer *w, const char *name, double v);
void jw_bool_field(struct json_writer *w, const char *name, bool v);
void jw_null_field(struct json_writer *w, const char *name);

/*
 * The bytes a NAME_bytes member holds, back from its hex: into out (size
 * bytes, NUL-terminated). Returns the length, or -1 when hex is not an even
 * number of hex digits, holds a NUL byte, or does not fit.
 */
int jw_bytes_decode(const char *hex, char *out, size_t size);

#endif
