// SPDX-License-Identifier: GPL-2.0
/*
 * The options the tracing command line (cli.c) and record/check/diff
 * (ci_cli.c) share, declared once: an argp child both parsers include. Its
 * input is the struct config the parent fills.
 */
#include <argp.h>
#include "cli.h"

enum {
	OPT_MAX_VMAS = 0x300,	/* above both parents' own option keys */
	OPT_BACKEND,
};

static const struct argp_option options[] = {
	{ "max-vmas", OPT_MAX_VMAS, "N", 0, "Room for N VMAs in the kernel (default 16384)" },
	{ "backend", OPT_BACKEND, "NAME", 0,
	  "auto (default: the best the kernel allows), fentry, kprobe or tracepoint" },
	{ "no-inherit", 'i', NULL, 0,
	  "With a command: trace it alone, not the processes it starts" },
	{ "verbose", 'v', NULL, 0,
	  "libbpf's messages and attach details (check, diff: also the changes within "
	  "tolerance)" },
	{},
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct config *cfg = state->input;

	switch (key) {
	case OPT_MAX_VMAS:
		parse_max_vmas(arg, cfg);
		break;
	case OPT_BACKEND:
		parse_backend(arg, cfg);
		break;
	case 'i':
		cfg->no_inherit = true;
		break;
	case 'v':
		cfg->verbose = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp tracer_argp = { options, parse_opt, NULL, NULL };
