// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the streaming JSON writer (src/report/json_writer.c):
 * the input is a program of writer calls whose strings (names, values, word
 * lists) are the input's own bytes, in any of the three layouts. Whatever
 * the bytes, the output must be strict JSON (json-c's parser), valid UTF-8
 * (checked here by a decoder written apart from the writer's), hold no raw
 * control byte, and give every string field back: its value exactly when it
 * was UTF-8, else through its NAME_bytes. `make fuzz` runs it with the
 * baseline reader's target.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "report/json_writer.h"
#include "checks.h"

#define MAX_FIELDS 256
#define MAX_NESTING 40

struct field {
	const char *s;
	size_t len;
	bool valid;
};

struct program {
	const uint8_t *p, *end;
	struct json_writer *w;
	bool arrays[MAX_NESTING + 1];	/* arrays[d]: the container at depth d */
	int depth;
	struct field fields[MAX_FIELDS];
	size_t nr_fields;
	unsigned int names;
};

/* The next chunk of input, up to a NUL byte, as a C string (malloc'd). */
static char *chunk(struct program *g, size_t *len)
{
	const uint8_t *nul = memchr(g->p, 0, g->end - g->p);
	size_t n = (nul ? nul : g->end) - g->p;
	char *s = malloc(n + 1);

	memcpy(s, g->p, n);
	s[n] = '\0';
	g->p += n + (nul != NULL);
	*len = n;
	return s;
}

static void name(struct program *g, const char *s)
{
	char key[80];

	/* unique (a parser keeps one of two equal keys), never like s<N> */
	if (g->depth && !g->arrays[g->depth]) {
		snprintf(key, sizeof(key), "x%u:%.64s", g->names++, s);
		jw_name(g->w, key);
	}
}

static void step(struct program *g, uint8_t op, char *s, size_t len)
{
	char key[16];

	switch (op % 8) {
	case 0:
	case 1:
		if (g->depth >= MAX_NESTING)
			break;
		name(g, s);
		if (op % 8)
			jw_begin_array(g->w);
		else
			jw_begin_object(g->w);
		g->arrays[++g->depth] = op % 8;
		break;
	case 2:
		if (g->depth <= 1)
			break;
		if (g->arrays[g->depth--])
			jw_end_array(g->w);
		else
			jw_end_object(g->w);
		break;
	case 3:
		if (g->arrays[g->depth] || g->nr_fields == MAX_FIELDS)
			break;
		snprintf(key, sizeof(key), "s%zu", g->nr_fields);
		jw_string_field(g->w, key, s);
		g->fields[g->nr_fields++] = (struct field){ s, len,
			valid_utf8((const unsigned char *)s, len, false) };
		return;	/* s is kept */
	case 4:
		name(g, "v");
		jw_string(g->w, s);
		break;
	case 5:
		name(g, s);
		jw_double(g->w, len ? (double)(int8_t)s[0] / 3 : 1e300);
		break;
	case 6:
		name(g, "w");
		jw_words(g->w, s);
		break;
	default:
		jw_break(g->w);
	}
	free(s);
}

/* Every field s<N> found anywhere, checked against what was written. */
static void check_fields(struct json_object *o, const struct program *g, size_t *seen)
{
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			check_fields(json_object_array_get_idx(o, i), g, seen);
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, key, v) {
		char *end = key, back[4096], bytes_key[32];
		unsigned long n = key[0] == 's' ? strtoul(key + 1, &end, 10) : 0;
		const struct field *f;
		struct json_object *bytes = NULL;

		check_fields(v, g, seen);
		if (key[0] != 's' || end == key + 1 || *end || n >= g->nr_fields)
			continue;
		f = &g->fields[n];
		(*seen)++;
		snprintf(bytes_key, sizeof(bytes_key), "%s_bytes", key);
		if (json_object_object_get_ex(o, bytes_key, &bytes) == f->valid)
			abort();	/* NAME_bytes exactly when the bytes were not UTF-8 */
		if (f->valid && ((size_t)json_object_get_string_len(v) != f->len ||
				 memcmp(json_object_get_string(v), f->s, f->len)))
			abort();	/* UTF-8 comes back as it went in */
		if (!f->valid && (jw_bytes_decode(json_object_get_string(bytes), back,
						  sizeof(back)) != (int)f->len ||
				  memcmp(back, f->s, f->len)))
			abort();	/* and the rest through NAME_bytes */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_writer w;
	struct program g = { .w = &w };
	char *text = NULL;
	size_t len = 0, seen = 0;
	struct json_object *root;
	FILE *f;

	if (!size || size > 4096)
		return 0;
	f = open_memstream(&text, &len);
	jw_init(&w, f, (enum jw_style)(data[0] % 3));
	g.p = data + 1;
	g.end = data + size;
	jw_begin_object(&w);
	g.depth = 1;
	while (g.p < g.end) {
		uint8_t op = *g.p++;
		size_t n;

		step(&g, op, chunk(&g, &n), n);
	}
	while (g.depth)
		if (g.arrays[g.depth--])
			jw_end_array(&w);
		else
			jw_end_object(&w);
	if (jw_finish(&w))
		abort();
	fclose(f);
	if (!valid_utf8((const unsigned char *)text, len, true))
		abort();
	root = parse_strict(text, len, MAX_NESTING + 4);
	check_fields(root, &g, &seen);
	if (seen != g.nr_fields)
		abort();
	json_object_put(root);
	for (size_t i = 0; i < g.nr_fields; i++)
		free((char *)g.fields[i].s);
	free(text);
	return 0;
}
