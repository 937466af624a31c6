// SPDX-License-Identifier: GPL-2.0
/* The command line: argp options into struct config. */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "vmtrace.h"
#include "tracer/backends.h"

const char *argp_program_bug_address = "the project's issue tracker";

static const char doc[] =
"Trace the page faults of a process, per virtual memory area.\n"
"\n"
"USAGE: vmtrace [OPTIONS] -p PID[,PID...]\n"
"       vmtrace [OPTIONS] -- COMMAND [ARGS...]\n"
"       vmtrace record|check|diff ...  (CI mode: vmtrace check --help)\n"
"\n"
"EXAMPLES:\n"
"  vmtrace -p 1234                  # trace PID 1234 until Ctrl-C, then report\n"
"  vmtrace -p 1234 -d 10 -I 1000   # 10 seconds, a live view every second\n"
"  vmtrace -p 1234,1240             # two processes, until both exit or Ctrl-C\n"
"  vmtrace -- ./app arg1 arg2       # run ./app under the tracer (report on stderr)\n"
"  vmtrace -j -o out.json -- ./app  # the same, as JSON in out.json\n"
"  vmtrace -r 5 -- ./app            # 5 runs: each row's mean +- standard deviation\n"
"  vmtrace --sort faults -- make    # busiest VMAs first\n"
"  vmtrace -p 1234 -I 1000 --top 15 # live view, like top\n"
"  vmtrace --files --latency -- ./app  # files it waits on, fault latency\n"
"  vmtrace --features               # what this kernel allows, which backend\n"
"\n"
"With a command, the report (and the live view) goes to stderr, as perf stat's\n"
"does, so that it never mixes with the command's output; -o FILE writes it to\n"
"FILE, -o - to stdout. With -p it goes to stdout.\n";

enum {
	OPT_FEATURES = 0x100,	/* --max-vmas, --backend, --no-inherit, -v: cli_tracer.c */
	OPT_FOLLOW,
	OPT_MERGE,
	OPT_LATENCY,
	OPT_HEATMAP,
	OPT_FULL,
	OPT_FILES,
	OPT_TOP,
	OPT_ORPHAN,
	OPT_CODE,
	OPT_STACKS,
	OPT_FOLDED,
	OPT_FOLDED_KIND,
	OPT_ALL_VMAS,
	OPT_PRETTY,
	OPT_DEAD_VMAS,
};

/* record/check/diff print the same lines: --version is main's (kernel_features.c) */

static const struct argp_option options[] = {
	{ "pid", 'p', "PID[,PID...]", 0,
	  "Trace these running processes (at most 64; -p may be repeated): the "
	  "report's is the first, the others are listed beside it" },
	{ "json", 'j', NULL, 0,
	  "Print the report as JSON: one line, indented on a terminal (-I: one "
	  "report a line)" },
	{ "pretty", OPT_PRETTY, NULL, 0, "With -j: indent the JSON, wherever it goes" },
	{ "wide", 'w', NULL, 0, "Every column of the VMA table (default: those that "
	  "fit 100 columns, or the terminal)" },
	{ "output", 'o', "FILE", 0,
	  "Write the report to FILE (whole, or not at all); - for stdout (default: "
	  "stderr with a command, stdout with -p)" },
	{ "duration", 'd', "SECONDS", 0,
	  "Stop after SECONDS; a command still running then gets SIGTERM (SIGKILL "
	  "2 s later)" },
	{ "interval", 'I', "MSECS", 0,
	  "Live view: refresh every MSECS milliseconds, at least 50 (in place on a "
	  "terminal)" },
	{ "sort", 's', "KEY", 0,
	  "Order VMAs by addr (default), faults, minor, major, errors or latency" },
	{ "top", OPT_TOP, "N", 0, "Rows in the live view and top-file list (default 10)" },
	{ "files", OPT_FILES, NULL, 0, "Print every file, not just the top ones" },
	{ "latency", OPT_LATENCY, NULL, 0,
	  "Fault latency histograms (always on with fentry/kprobe)" },
	{ "heatmap", OPT_HEATMAP, NULL, 0,
	  "Where in each VMA faults land, over time" },
	{ "code", OPT_CODE, NULL, 0,
	  "The functions whose instructions faulted, per VMA and overall" },
	{ "stacks", OPT_STACKS, "N", OPTION_ARG_OPTIONAL,
	  "The user stacks of faulting code, symbolized; =N: of every Nth fault "
	  "of a thread (default 1)" },
	{ "folded", OPT_FOLDED, "FILE", 0,
	  "Write the stacks to FILE as folded lines (flamegraph.pl, speedscope); "
	  "implies --stacks" },
	{ "folded-kind", OPT_FOLDED_KIND, NULL, 0,
	  "With --folded: each stack's fault kind ([minor], [major], [wp]) as its "
	  "last frame" },
	{ "full", OPT_FULL, NULL, 0, "Every optional measurement: --latency --heatmap" },
	{ "all-vmas", OPT_ALL_VMAS, NULL, 0, "Also list VMAs that did not fault" },
	{ "dead-vmas", OPT_DEAD_VMAS, "N", 0,
	  "JSON: also list the first N VMAs that were unmapped or changed, one by "
	  "one (the report folds them by identity)" },
	{ "repeat", 'r', "N", 0,
	  "Run the command N times (1 to 1000): each row's mean +- standard deviation, "
	  "as perf stat -r" },
	{ "all-cpus", 'a', NULL, 0, "System-wide (reserved, as in perf: not supported yet)" },
	{ "version", 'V', NULL, 0,
	  "Version, git commit, libbpf, and this kernel's BPF features, a line each" },
	{ "features", OPT_FEATURES, NULL, 0,
	  "Print what this kernel offers and which backend auto picks" },
	{ "follow", OPT_FOLLOW, NULL, 0, "With -p: also trace the processes it starts" },
	{ "merge", OPT_MERGE, "comm", 0, "Merge the processes' tables by command name" },
	{ "orphan", OPT_ORPHAN, NULL, 0,
	  "With a command: let it run on if vmtrace is killed (by default it gets "
	  "SIGKILL when vmtrace dies)" },
	{},
};

/*
 * Usage errors are one line on stderr and exit 2. argp's own follow-up line
 * ("Try `vmtrace --help'...") goes to err_stream, which parse_args points at
 * /dev/null; getopt's message for an unknown option still reaches stderr.
 */
void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "vmtrace: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (see vmtrace --help)\n");
	va_end(ap);
	exit(2);
}

/*
 * Seconds, decimal: "2", "0.5", ".5". strtod() alone takes "nan" (which made
 * -d no limit at all), "inf", "0x10" and "1e3".
 */
static int parse_seconds(const char *arg, double min, double *out)
{
	size_t digits = strspn(arg, "0123456789"), frac = 0;
	const char *p = arg + digits;

	if (*p == '.')
		frac = strspn(++p, "0123456789");
	if (!digits && !frac)
		return -1;
	if (p[frac])
		return -1;
	*out = strtod(arg, NULL);
	return *out >= min && *out > 0 && *out <= 1e7 ? 0 : -1;
}

int parse_uint(const char *arg, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(arg, &end, 10);
	return errno || end == arg || *end || *out < min || *out > max ? -1 : 0;
}

static int sort_by_name(const char *name)
{
	static const char *const names[NR_SORT_KEYS] = {
		[SORT_ADDR] = "addr", [SORT_FAULTS] = "faults", [SORT_MINOR] = "minor",
		[SORT_MAJOR] = "major", [SORT_ERRORS] = "errors",
		[SORT_LATENCY] = "latency",
	};

	for (int k = 0; k < NR_SORT_KEYS; k++)
		if (!strcmp(name, names[k]))
			return k;
	return -1;
}

/* --max-vmas and --backend: this command line's and record/check's (ci_cli.c). */
void parse_max_vmas(const char *arg, struct config *cfg)
{
	long n;

	if (parse_uint(arg, 16, 1 << 22, &n))
		usage_error("invalid --max-vmas: '%s' (16 to 4194304)", arg);
	cfg->max_vmas = n;
}

void parse_backend(const char *arg, struct config *cfg)
{
	cfg->backend = strcmp(arg, "auto") ? backend_by_name(arg) : -1;
	if (cfg->backend < 0 && strcmp(arg, "auto"))
		usage_error("invalid backend: '%s' (auto, fentry, kprobe or tracepoint)", arg);
}

/*
 * One element of -p's list: a PID not listed before. A duplicate is refused
 * rather than traced once: it is more likely a typo for another PID.
 */
static void add_pid(const char *elem, size_t len, const char *arg,
		    struct config *cfg)
{
	char text[24];
	long n;

	if (!len)
		usage_error("-p %s: an empty element in the PID list", arg);
	snprintf(text, sizeof(text), "%.*s", (int)(len < 23 ? len : 23), elem);
	if (len > 22 || parse_uint(text, 1, INT_MAX, &n))
		usage_error("invalid PID: '%s'", text);
	for (unsigned int i = 0; i < cfg->nr_pids; i++)
		if (cfg->pids[i] == n)
			usage_error("-p: PID %ld listed twice", n);
	if (cfg->nr_pids == MAX_TARGET_PIDS)
		usage_error("-p: more than %d PIDs", MAX_TARGET_PIDS);
	cfg->pids[cfg->nr_pids++] = n;
}

/* -p PID[,PID...], as perf's; a second -p adds to the list, as in perf. */
static void parse_pid(const char *arg, struct config *cfg)
{
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, ",");

		add_pid(p, len, arg, cfg);
		if (!p[len])
			return;
		p += len + 1;
	}
}

struct parse_ctx {
	struct config *cfg;
	FILE *devnull;		/* argp's err_stream: see usage_error() */
};

/*
 * -r runs a command N times and reports each row's mean and spread: a
 * process already running cannot be run again, and what is measured once
 * over one run (a live view, a duration, files, latency, heatmaps, code,
 * dead VMAs, merged tables) has no mean. One line names the first conflict.
 */
static void check_repeat(const struct config *cfg)
{
	const struct { bool set; const char *what; } conflicts[] = {
		{ cfg->nr_pids, "-p" }, { cfg->interval, "-I" }, { cfg->duration, "-d" },
		{ cfg->files, "--files" }, { cfg->latency, "--latency" },
		{ cfg->heatmap, "--heatmap" }, { cfg->code, "--code" },
		{ cfg->stacks, "--stacks" }, { cfg->folded, "--folded" },
		{ cfg->dead_vmas, "--dead-vmas" }, { cfg->merge_comm, "--merge" },
		{ cfg->all_vmas, "--all-vmas" }, { cfg->orphan, "--orphan" },
	};

	for (size_t i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++)
		if (conflicts[i].set)
			usage_error("-r %u runs a command %u times for each row's mean and "
				    "spread: %s does not apply", cfg->runs, cfg->runs,
				    conflicts[i].what);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parse_ctx *ctx = state->input;
	struct config *cfg = ctx->cfg;
	long n;

	switch (key) {
	case 'p':
		parse_pid(arg, cfg);
		break;
	case 'j':
		cfg->json = true;
		break;
	case 'o':
		cfg->output = arg;
		break;
	case OPT_PRETTY:
		cfg->pretty = true;
		break;
	case 'w':
		cfg->wide = true;
		break;
	case 'd':
		if (parse_seconds(arg, 0, &cfg->duration))
			usage_error("invalid duration: '%s' (seconds, above 0, e.g. 10 or 0.5)",
				    arg);
		break;
	case 'I':
		if (parse_uint(arg, MIN_INTERVAL_S * 1000, 10000000000L, &n))
			usage_error("invalid interval: '%s' (milliseconds, at least %g)", arg,
				    MIN_INTERVAL_S * 1000);
		cfg->interval = n / 1000.0;
		break;
	case 's':
		cfg->sort = sort_by_name(arg);
		if ((int)cfg->sort < 0)
			usage_error("invalid sort key: '%s' (addr, faults, minor, major, "
				    "errors or latency)", arg);
		break;
	case OPT_TOP:
		if (parse_uint(arg, 1, 100000, &n))
			usage_error("invalid --top: '%s' (1 to 100000)", arg);
		cfg->top = n;
		break;
	case OPT_FILES:
		cfg->files = true;
		break;
	case OPT_LATENCY:
		cfg->latency = true;
		break;
	case OPT_HEATMAP:
		cfg->heatmap = true;
		break;
	case OPT_CODE:
		cfg->code = true;
		break;
	case OPT_FULL:
		cfg->latency = cfg->heatmap = true;
		break;
	case OPT_ALL_VMAS:
		cfg->all_vmas = true;
		break;
	case OPT_STACKS:
		if (arg && parse_uint(arg, 1, 1000000, &n))
			usage_error("invalid --stacks: '%s' (1 to 1000000)", arg);
		cfg->stacks = arg ? n : 1;
		break;
	case OPT_FOLDED:
		cfg->folded = arg;
		break;
	case OPT_FOLDED_KIND:
		cfg->folded_kind = true;
		break;
	case OPT_DEAD_VMAS:
		if (parse_uint(arg, 1, 1000000, &n))
			usage_error("invalid --dead-vmas: '%s' (1 to 1000000)", arg);
		cfg->dead_vmas = n;
		break;
	case 'r':
		if (parse_uint(arg, 1, 1000, &n))
			usage_error("invalid -r: '%s' (1 to 1000 runs)", arg);
		cfg->runs = n;
		break;
	case 'a':
		usage_error("-a (system-wide) is not supported yet: give -p PID or a "
			    "command (--all-vmas lists VMAs without faults)");
	case OPT_FEATURES:
		cfg->features = true;
		break;
	case 'V':
		cfg->version = true;
		break;
	case OPT_FOLLOW:
		cfg->follow = true;
		break;
	case OPT_ORPHAN:
		cfg->orphan = true;
		break;
	case OPT_MERGE:
		if (strcmp(arg, "comm"))
			usage_error("invalid --merge: '%s' (comm)", arg);
		cfg->merge_comm = true;
		break;
	case ARGP_KEY_INIT:
		state->err_stream = ctx->devnull;
		state->child_inputs[0] = cfg;
		break;
	case ARGP_KEY_ARG:
		/* The command starts here; its own options are not ours. */
		cfg->command = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		cfg->inherit = cfg->command ? !cfg->no_inherit : cfg->follow;
		if (cfg->features || cfg->version)
			break;	/* nothing to trace */
		if (cfg->user && !cfg->command)
			usage_error("-u %s: runs a command as that user; give -- COMMAND",
				    cfg->user);
		if (cfg->folded_kind && !cfg->folded)
			usage_error("--folded-kind: give --folded FILE too");
		if (cfg->folded && !cfg->stacks)
			cfg->stacks = 1;
		if (!cfg->nr_pids == !cfg->command)
			usage_error(cfg->nr_pids ?
				     "give either -p PID or a command, not both" :
				     "nothing to trace: give -p PID or -- COMMAND");
		if (cfg->runs)
			check_repeat(cfg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

void config_init(struct config *cfg)
{
	const char *btf = getenv("VMTRACE_BTF");
	const char *backend = getenv("VMTRACE_BACKEND");

	memset(cfg, 0, sizeof(*cfg));
	cfg->max_vmas = VMT_DEFAULT_MAX_ROWS;
	cfg->top = 10;
	cfg->btf_path = btf && *btf ? btf : NULL;
	/* VMTRACE_BACKEND: the default --backend, e.g. to run a test suite per backend */
	cfg->backend = backend ? backend_by_name(backend) : -1;
}

int parse_args(int argc, char **argv, struct config *cfg)
{
	static const struct argp_child children[] = { { &tracer_argp }, {} };
	static const struct argp argp = { options, parse_opt, NULL, doc, children };
	struct parse_ctx ctx = { cfg, fopen("/dev/null", "we") };
	int err;

	config_init(cfg);
	/* one-line errors under the tool's name, exit 2 on a usage error */
	program_invocation_name = "vmtrace";
	argv[0] = program_invocation_name;	/* getopt names argv[0] */
	argp_err_exit_status = 2;
	/* argp exits by itself on --help, --version and usage errors. */
	err = argp_parse(&argp, argc, argv, 0, NULL, &ctx);
	if (ctx.devnull)
		fclose(ctx.devnull);
	return err ? 2 : 0;
}
