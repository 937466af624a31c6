/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Naming user instructions (--code) with elfutils' libdwfl: .symtab, .dynsym,
 * MiniDebugInfo, separate debug files; PIE and ASLR through the mapping's
 * file offset. Only the file as it was mapped is read (its device and inode
 * checked); anything else is named module+offset, never by a guess.
 */
#ifndef VMT_SYMBOLS_H
#define VMT_SYMBOLS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "model/code.h"

struct address_space;
struct symbolizer;

/*
 * The mappings of pid: /proc/PID/maps while it lives (files opened through
 * /proc/PID/map_files, so a deleted or replaced file is still the one
 * mapped), else the rows of as (files opened by path, device and inode checked).
 */
struct symbolizer *symbolizer_new(pid_t pid, const struct address_space *as);
/* A code_name_fn: names ip; 0, or -ENOMEM. */
int symbolize(void *symbolizer, uint64_t ip, struct code_name *out);
/* ip is in a mapping that was executable: a return address may be there. */
bool symbolizer_is_code(void *symbolizer, uint64_t ip);
void symbolizer_free(struct symbolizer *s);

#endif
