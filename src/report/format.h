/* SPDX-License-Identifier: GPL-2.0 */
/* Small formatting helpers shared by every report: sizes, UTF-8, names. */
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

/*
 * A name (a file's path, a label, a command) as text reports print it, the
 * way `ls -b` does: \a \b \t \n \v \f \r for those, \xHH for every other
 * control byte (ESC is \x1b), for DEL, for each byte of a C1 control
 * (U+0080-U+009F: \xc2\x9b) and for each byte that is not part of a
 * well-formed UTF-8 sequence; a backslash is \\, so the bytes can be read
 * back. Other UTF-8 passes through. No name can then move the cursor, change
 * colours or end a table's line. Writes what fits in size bytes (NUL
 * included), cutting only between escapes; returns buf.
 */
const char *name_text(const char *s, char *buf, size_t size);
/* Room for any n-byte name escaped, each byte at worst \xHH. */
#define NAME_TEXT_MAX(n) (4 * (n) + 1)

/*
 * Cuts text of more than width bytes (at least 8) in its middle to width,
 * "..." where the middle was: both ends of a name say most (a path's top and
 * its file, a row's state). Never inside a UTF-8 sequence. Returns text.
 */
char *text_cut(char *text, size_t width);

struct vma;
/*
 * What became of a row's VMA, as a label suffix: "" while it is as it was,
 * " (unmapped)", " (changed)" (cut, moved or re-protected since), and for a
 * row of many dead VMAs of one identity " x1234 unmapped". Returns buf.
 */
const char *vma_state(const struct vma *v, char *buf, size_t size);

#endif
