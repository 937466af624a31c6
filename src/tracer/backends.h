/* SPDX-License-Identifier: GPL-2.0 */
/* The backends by name, without libbpf: the command line and reports use them. */
#ifndef VMT_BACKENDS_H
#define VMT_BACKENDS_H

#include "vmtrace.h"

extern const char *const backend_names[VMT_NR_BACKENDS];
/* The backend named name, or -1. */
int backend_by_name(const char *name);

#endif
