// SPDX-License-Identifier: GPL-2.0
/* The backends' names: the command line's and the reports' vocabulary (no libbpf). */
#include <string.h>
#include "tracer/backends.h"

const char *const backend_names[VMT_NR_BACKENDS] = {
	[VMT_BACKEND_TRACEPOINT] = "tracepoint",
	[VMT_BACKEND_FENTRY] = "fentry",
	[VMT_BACKEND_KPROBE] = "kprobe",
};

int backend_by_name(const char *name)
{
	for (int b = 0; b < VMT_NR_BACKENDS; b++)
		if (!strcmp(name, backend_names[b]))
			return b;
	return -1;
}
