/* SPDX-License-Identifier: GPL-2.0 */
/* vmtrace --features: what the running kernel offers vmtrace. */
#ifndef VMT_KERNEL_FEATURES_H
#define VMT_KERNEL_FEATURES_H

#include "config.h"

/* --features -j: its "schema" member (docs/schema/features.schema.json) */
#define FEATURES_SCHEMA	"vmtrace-features/1"

/* Prints the report (text, or JSON with -j); returns the exit code. */
int print_features(const struct config *cfg);
/* --version: vmtrace's version and commit, libbpf's, the kernel's BPF features. */
int print_version(const struct config *cfg);

#endif
