/* SPDX-License-Identifier: GPL-2.0 */
/* --dead-vmas: the retired VMAs listed one by one in JSON. */
#ifndef DEAD_REPORT_H
#define DEAD_REPORT_H

#include "model/model.h"
#include "report/json_writer.h"

void dead_json(struct json_writer *w, const struct address_space *as);

#endif
