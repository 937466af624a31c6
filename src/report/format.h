/* SPDX-License-Identifier: GPL-2.0 */
/* Small formatting helpers shared by every report: sizes, word lists. */
#ifndef VMT_REPORT_FORMAT_H
#define VMT_REPORT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* A JSON array of the space-separated words in list. */
struct json_object *json_words(const char *list);

/* Formats bytes as "12.5 MiB"; returns buf. */
const char *human_bytes(uint64_t bytes, char *buf, size_t size);

struct vma;
/*
 * What became of a row's VMA, as a label suffix: "" while it is as it was,
 * " (unmapped)", " (changed)" (cut, moved or re-protected since), and for a
 * row of many dead VMAs of one identity " x1234 unmapped". Returns buf.
 */
const char *vma_state(const struct vma *v, char *buf, size_t size);

#endif
