/* SPDX-License-Identifier: GPL-2.0 */
/* Small formatting helpers shared by every report: sizes, UTF-8. */
#ifndef VMT_REPORT_FORMAT_H
#define VMT_REPORT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* Formats bytes as "12.5 MiB"; returns buf. */
const char *human_bytes(uint64_t bytes, char *buf, size_t size);

/*
 * The length (1 to 4) of the well-formed UTF-8 sequence that starts s, of
 * the n bytes there, or 0: RFC 3629's rules, so no overlong form, no UTF-16
 * surrogate, nothing above U+10FFFF, no sequence cut short.
 */
size_t utf8_sequence_len(const char *s, size_t n);

#endif
