/* SPDX-License-Identifier: GPL-2.0 */
/* The command lines: vmtrace [options] (cli.c), vmtrace record|check|diff (ci_cli.c). */
#ifndef VMT_CLI_H
#define VMT_CLI_H

#include <stdbool.h>
#include "config.h"

struct argp;
/* --max-vmas, --backend, --no-inherit, -v: an argp child whose input is a struct config. */
extern const struct argp tracer_argp;

/* Parses argv into cfg; argp exits with 2 on a usage error, 0 on --help. */
int parse_args(int argc, char **argv, struct config *cfg);
/* vmtrace record|check|diff ... (ci_cli.c): the same, for those commands. */
int parse_ci_args(int argc, char **argv, struct config *cfg);
bool is_ci_command(const char *arg);
/* Defaults, and what the environment sets (VMTRACE_BTF, VMTRACE_BACKEND). */
void config_init(struct config *cfg);
/* "vmtrace: <message> (see vmtrace --help)" on stderr, exit 2. */
void __attribute__((noreturn, format(printf, 1, 2))) usage_error(const char *fmt, ...);
/* --max-vmas, --backend values into cfg, or a usage error. */
void parse_max_vmas(const char *arg, struct config *cfg);
void parse_backend(const char *arg, struct config *cfg);
/* A decimal integer in [min, max]; -1 if it is not one. */
int parse_uint(const char *arg, long min, long max, long *out);

#endif
