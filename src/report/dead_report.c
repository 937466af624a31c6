// SPDX-License-Identifier: GPL-2.0
/*
 * --dead-vmas: "dead_vmas" in the JSON report. The rows list folds dead VMAs
 * of one identity into one row ("vmas": N); this lists the first N of them
 * as each was when it retired: where, what, how many faults, how long it
 * lived, and whether it went (unmapped) or changed (cut, moved, re-protected).
 */
#include <inttypes.h>
#include <stdio.h>
#include "report/dead_report.h"

/* The path of (dev, ino) if the report learned it, else NULL. */
static const char *path_of(const struct address_space *as, uint32_t dev, uint64_t ino)
{
	for (size_t i = 0; ino && i < as->nr_files; i++)
		if (as->files[i].ino == ino && as->files[i].dev == dev)
			return as->files[i].path;
	return NULL;
}

static void hex_field(struct json_writer *w, const char *key, uint64_t v)
{
	char hex[24];

	snprintf(hex, sizeof(hex), "0x%" PRIx64, v);
	jw_string_field(w, key, hex);
}

static void dead_vma_json(struct json_writer *w, const struct address_space *as,
			  const struct vmt_dead_vma *d)
{
	char perms[5];

	perms_from_flags(d->vm_flags, perms);
	jw_begin_object(w);
	jw_uint64_field(w, "pid", d->tgid);
	hex_field(w, "start", d->start);
	hex_field(w, "end", d->end);
	jw_string_field(w, "perms", perms);
	jw_string_field(w, "path", d->ino ? path_of(as, d->dev, d->ino) : NULL);
	if (d->ino) {
		char dev[32];

		snprintf(dev, sizeof(dev), "%u:%u", d->dev >> 20, d->dev & 0xfffff);
		jw_string_field(w, "dev", dev);
		jw_uint64_field(w, "inode", d->ino);
		jw_uint64_field(w, "offset", d->pgoff * 4096);
	}
	jw_string_field(w, "retired", d->why == VMT_ROW_SEALED ? "changed" : "unmapped");
	jw_bool_field(w, "thread_stack", d->row_flags & VMT_ROW_STACK);
	jw_uint64_field(w, "faults", d->faults);
	jw_uint64_field(w, "major", d->major);
	jw_double_field(w, "lived_s", d->retired_ns > d->first_ns ?
			(d->retired_ns - d->first_ns) / 1e9 : 0);
	jw_end_object(w);
}

void dead_json(struct json_writer *w, const struct address_space *as)
{
	jw_name(w, "dead_vmas");
	jw_begin_object(w);
	jw_uint64_field(w, "listed", as->nr_dead);
	jw_uint64_field(w, "not_listed", as->dead_unlisted);
	jw_name(w, "list");
	jw_begin_array(w);
	for (size_t i = 0; i < as->nr_dead; i++)
		dead_vma_json(w, as, &as->dead[i]);
	jw_end_array(w);
	jw_end_object(w);
}
