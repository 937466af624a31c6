/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live view (-i): like top, the totals and rates, then the busiest VMAs
 * and files of the last interval and overall. On a terminal each screen
 * replaces the last; otherwise screens are appended, so logs stay readable.
 */
#ifndef VMT_LIVE_H
#define VMT_LIVE_H

#include <stdbool.h>
#include <stdio.h>
#include "config.h"
#include "model/model.h"

void live_print(FILE *out, const struct address_space *as,
		const struct config *cfg, bool in_place);

#endif
