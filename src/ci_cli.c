// SPDX-License-Identifier: GPL-2.0
/* The command line of vmtrace record, check and diff (CI mode). */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tracer/backends.h"
#include "ci/baseline.h"
#include "cli.h"

static const char doc[] =
"Record a command's fault profile, or check it against a recorded one.\n"
"\n"
"USAGE: vmtrace record -o BASELINE [-r N] [OPTIONS] -- COMMAND [ARGS...]\n"
"       vmtrace check --baseline BASELINE [-r N] [OPTIONS] -- COMMAND [ARGS...]\n"
"       vmtrace diff [OPTIONS] BASELINE OTHER   (baselines, or -j reports)\n"
"\n"
"check and diff exit 0 within tolerance, 1 on a regression, 2 on a usage or\n"
"input error (a malformed baseline, a command that failed).\n"
"\n"
"EXAMPLES:\n"
"  vmtrace record -o base.json -r 5 -- ./app      # medians of 5 runs\n"
"  vmtrace check --baseline base.json -- ./app    # 10% and 8 faults of slack\n"
"  vmtrace check --baseline base.json --tolerance 5% --tolerance-for major=0 -- ./app\n"
"  vmtrace diff base.json new.json                # two stored runs\n"
"  vmtrace diff old-report.json new-report.json    # two vmtrace -j reports\n";

enum {
	OPT_BASELINE = 0x200,
	OPT_ROOT,
	OPT_TOLERANCE,
	OPT_TOLERANCE_FOR,
	OPT_MIN_COUNT,
	OPT_STRICT,
	OPT_JSON,
	OPT_PRETTY,
	OPT_JUNIT,
};

static const struct argp_option options[] = {
	{ "output", 'o', "FILE", 0, "record: write the baseline to FILE (whole, or not at all)" },
	{ "baseline", OPT_BASELINE, "FILE", 0, "check: the baseline to compare with" },
	{ "runs", 'r', "N", 0, "Run the command N times (default 1); medians are compared" },
	{ "root", OPT_ROOT, "DIR", 0,
	  "File paths under DIR are kept relative to it (default: the current directory)" },
	{ "tolerance", OPT_TOLERANCE, "P%", 0,
	  "A counter may grow by P% of its baseline median (default 10%)" },
	{ "tolerance-for", OPT_TOLERANCE_FOR, "C=SPEC", 0,
	  "Counter C's own tolerance: P% (relative), N (faults), or P%+N; e.g. major=0" },
	{ "min-count", OPT_MIN_COUNT, "N", 0,
	  "Changes of fewer than N faults never fail (default 8)" },
	{ "json", OPT_JSON, NULL, 0,
	  "check, diff: the verdict as one JSON object on stdout (rows, counts, pass or fail)" },
	{ "pretty", OPT_PRETTY, NULL, 0, "With --json: indented" },
	{ "wide", 'w', NULL, 0,
	  "check, diff: every column of the table, nothing cut (default: 100 columns, "
	  "or the terminal's)" },
	{ "junit", OPT_JUNIT, "FILE", 0,
	  "check, diff: also the verdict as JUnit XML in FILE, a test case per row" },
	{ "strict", OPT_STRICT, NULL, 0,
	  "check, diff: a baseline recorded for another command is an error (exit 2), "
	  "not a warning" },
	{},
};

static const char *const commands[] = {
	[CI_RECORD] = "record", [CI_CHECK] = "check", [CI_DIFF] = "diff",
};

bool is_ci_command(const char *arg)
{
	for (int m = CI_RECORD; m <= CI_DIFF; m++)
		if (!strcmp(arg, commands[m]))
			return true;
	return false;
}

static void parse_tolerance_option(int key, const char *arg, struct config *cfg)
{
	long n;

	if (key == OPT_TOLERANCE) {
		if (tolerance_parse_relative(arg, &cfg->tol.all.relative))
			usage_error("invalid --tolerance: '%s' (a percentage, e.g. 10%%)", arg);
		cfg->tol.all.has_relative = true;
	} else if (key == OPT_MIN_COUNT) {
		if (parse_uint(arg, 0, 1L << 40, &n))
			usage_error("invalid --min-count: '%s'", arg);
		cfg->tol.all.min_count = n;
		cfg->tol.all.has_min_count = true;
	} else if (tolerance_parse_for(arg, cfg->tol.per)) {
		usage_error("invalid --tolerance-for: '%s' (COUNTER=P%%, =N or =P%%+N; "
			    "counters: faults, minor, major, read, write, exec, wp, errors, "
			    "kernel_mode, cow, readin, sigbus, oom)", arg);
	}
}

/* What each command needs, and takes, once every argument is in. */
static void check_ci_args(struct config *cfg)
{
	if (cfg->ci == CI_DIFF) {
		if (!cfg->other)
			usage_error("diff needs two files (baselines, or -j reports)");
		if (cfg->runs || cfg->output)
			usage_error("diff runs nothing: -r and -o do not apply");
		return;
	}
	if (!cfg->command)
		usage_error("%s needs a command: -- COMMAND [ARGS...]", commands[cfg->ci]);
	if (cfg->ci == CI_RECORD && !cfg->output)
		usage_error("record needs -o FILE");
	if (cfg->ci == CI_CHECK && !cfg->baseline)
		usage_error("check needs --baseline FILE");
	if (cfg->ci == CI_CHECK && cfg->output)
		usage_error("check writes no baseline: -o does not apply");
	if (cfg->ci == CI_RECORD && (cfg->strict || cfg->json || cfg->junit))
		usage_error("record compares nothing: %s does not apply",
			    cfg->strict ? "--strict" : cfg->json ? "--json" : "--junit");
	if (!cfg->runs)
		cfg->runs = 1;
}

static void positional(struct argp_state *state, struct config *cfg, char *arg)
{
	if (cfg->ci != CI_DIFF) {
		/* The command starts here; its own options are not ours. */
		cfg->command = &state->argv[state->next - 1];
		state->next = state->argc;
	} else if (!cfg->baseline) {
		cfg->baseline = arg;
	} else if (!cfg->other) {
		cfg->other = arg;
	} else {
		usage_error("diff compares two files, not more: '%s'", arg);
	}
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct config *cfg = state->input;
	long n;

	switch (key) {
	case 'o':
		cfg->output = arg;
		break;
	case OPT_BASELINE:
		cfg->baseline = arg;
		break;
	case 'r':
		if (parse_uint(arg, 1, 1000, &n))
			usage_error("invalid -r: '%s' (1 to 1000 runs)", arg);
		cfg->runs = n;
		break;
	case OPT_ROOT:
		cfg->root = arg;
		break;
	case OPT_TOLERANCE:
	case OPT_TOLERANCE_FOR:
	case OPT_MIN_COUNT:
		parse_tolerance_option(key, arg, cfg);
		break;
	case OPT_STRICT:
		cfg->strict = true;
		break;
	case OPT_JSON:
		cfg->json = true;
		break;
	case OPT_PRETTY:
		cfg->pretty = true;
		break;
	case 'w':
		cfg->wide = true;
		break;
	case OPT_JUNIT:
		cfg->junit = arg;
		break;
	case ARGP_KEY_INIT:
		state->err_stream = fopen("/dev/null", "we");	/* see cli.c */
		state->child_inputs[0] = cfg;
		break;
	case ARGP_KEY_FINI:
		if (state->err_stream)
			fclose(state->err_stream);
		state->err_stream = NULL;
		break;
	case ARGP_KEY_ARG:
		positional(state, cfg, arg);
		break;
	case ARGP_KEY_END:
		check_ci_args(cfg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int parse_ci_args(int argc, char **argv, struct config *cfg)
{
	static const struct argp_child children[] = { { &tracer_argp }, {} };
	static const struct argp argp = { options, parse_opt, "", doc, children };
	static char name[32];

	config_init(cfg);
	for (int m = CI_RECORD; m <= CI_DIFF; m++)
		if (!strcmp(argv[1], commands[m]))
			cfg->ci = m;
	/* argv[1] is the command: argp sees "vmtrace record ..." as its argv[0] */
	snprintf(name, sizeof(name), "vmtrace %s", argv[1]);
	program_invocation_name = name;
	argv[1] = name;
	argp_err_exit_status = 2;
	cfg->inherit = true;
	if (argp_parse(&argp, argc - 1, argv + 1, 0, NULL, cfg))
		exit(2);
	cfg->inherit = !cfg->no_inherit;
	cfg->merge_comm = true;	/* what a baseline compares */
	return 0;
}
