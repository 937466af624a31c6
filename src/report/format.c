// SPDX-License-Identifier: GPL-2.0
/* Small formatting helpers shared by every report. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "model/model.h"
#include "report/format.h"

const char *human_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double value = bytes;
	int u = 0;

	while (value >= 1024 && u < 4) {
		value /= 1024;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", value, units[u]);
	return buf;
}

struct json_object *json_words(const char *list)
{
	struct json_object *a = json_object_new_array();
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list ? list : "");
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		json_object_array_add(a, json_object_new_string(w));
	return a;
}

const char *vma_state(const struct vma *v, char *buf, size_t size)
{
	const char *what = v->unmapped ? "unmapped" : v->changed ? "changed" : NULL;

	if (!what)
		snprintf(buf, size, "%s", "");
	else if (v->nr_vmas > 1)
		snprintf(buf, size, " x%u %s", v->nr_vmas, what);
	else
		snprintf(buf, size, " (%s)", what);
	return buf;
}
