// SPDX-License-Identifier: GPL-2.0
/*
 * Naming user instructions with elfutils' libdwfl (symbols.h). One Dwfl per
 * file, reported offline: the IP's file offset is turned into the address
 * the file's own program headers give it, so PIE, ASLR and prelinking do
 * not matter, and symbols come from .symtab, .dynsym, .gnu_debugdata
 * (MiniDebugInfo) or a debug file under /usr/lib/debug, whichever libdwfl
 * finds. A symbol is used only if its size covers the IP: a stripped file's
 * nearest .dynsym entry is not where the IP is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include "model/array.h"
#include "model/model.h"
#include "model/procfs.h"
#include "model/symbols.h"

/* A mapping an IP may be in: from /proc/PID/maps, or a row. */
struct sym_map {
	uint64_t start, end, offset;
	uint32_t dev;
	uint64_t ino;
	bool exec;		/* mapped executable: a return address may be here */
	char path[512];		/* a file's path, a kernel name ("[vdso]"), or "" */
};

/* One file as mapped; dwfl NULL when it could not be read as that file. */
struct sym_file {
	uint32_t dev;
	uint64_t ino;
	Dwfl *dwfl;
	Dwfl_Module *mod;
};

struct symbolizer {
	pid_t pid;
	bool live;		/* maps from /proc: files through map_files */
	struct sym_map *maps;
	size_t nr_maps, cap_maps;
	struct sym_file *files;
	size_t nr_files, cap_files;
};

static char *debuginfo_path;	/* NULL: libdwfl's default, ":.debug:/usr/lib/debug" */

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static struct sym_map *map_new(struct symbolizer *s)
{
	return array_push(s->maps, s->nr_maps, s->cap_maps, 64);
}

static int add_maps_line(const struct maps_entry *e, void *ctx)
{
	struct sym_map *m = map_new(ctx);

	if (!m)
		return -ENOMEM;
	m->start = e->start;
	m->end = e->end;
	m->offset = e->offset;
	m->dev = kdev(e->dev_major, e->dev_minor);
	m->ino = e->ino;
	m->exec = e->perms[2] == 'x';
	snprintf(m->path, sizeof(m->path), "%s", e->path);
	return 0;
}

/* The rows, newest last: the IP's mapping is the newest row holding it. */
static int add_rows(struct symbolizer *s, const struct address_space *as)
{
	for (size_t i = 0; i < as->nr; i++) {
		const struct vma *v = &as->vmas[i];
		struct sym_map *m = map_new(s);

		if (!m)
			return -ENOMEM;
		*m = (struct sym_map){ .start = v->start, .end = v->end,
			.offset = v->offset, .dev = v->dev, .ino = v->ino,
			.exec = v->perms[2] == 'x' };
		snprintf(m->path, sizeof(m->path), "%s",
			 v->path ? v->path : v->kernel_name ? v->kernel_name : "");
	}
	return 0;
}

struct symbolizer *symbolizer_new(pid_t pid, const struct address_space *as)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->pid = pid;
	s->live = !read_maps_each(pid, add_maps_line, s) && s->nr_maps;
	if (!s->live) {
		s->nr_maps = 0;
		if (add_rows(s, as)) {
			symbolizer_free(s);
			return NULL;
		}
	}
	return s;
}

static const struct sym_map *map_of(const struct symbolizer *s, uint64_t ip)
{
	for (size_t i = s->nr_maps; i-- > 0;)
		if (ip >= s->maps[i].start && ip < s->maps[i].end)
			return &s->maps[i];
	return NULL;
}

/* The file of m, as mapped: its device and inode must be m's. */
static int open_mapped(const struct symbolizer *s, const struct sym_map *m)
{
	char name[64];
	struct stat st;
	int fd;

	if (s->live)
		snprintf(name, sizeof(name), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64,
			 s->pid, m->start, m->end);
	fd = open(s->live ? name : m->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || st.st_ino != m->ino ||
	    kdev(major(st.st_dev), minor(st.st_dev)) != m->dev) {
		close(fd);
		return -1;
	}
	return fd;
}

static void file_open(struct sym_file *f, const struct symbolizer *s,
		      const struct sym_map *m)
{
	int fd = open_mapped(s, m);

	if (fd < 0)
		return;
	f->dwfl = dwfl_begin(&offline_callbacks);
	/* the path (not map_files') is what debug links are looked up beside */
	f->mod = f->dwfl ? dwfl_report_offline(f->dwfl, "", m->path, fd) : NULL;
	if (!f->mod) {
		if (f->dwfl)
			dwfl_end(f->dwfl);
		else
			close(fd);
		f->dwfl = NULL;
		return;
	}
	dwfl_report_end(f->dwfl, NULL, NULL);
}

static struct sym_file *file_of(struct symbolizer *s, const struct sym_map *m)
{
	struct sym_file *f;

	for (size_t i = 0; i < s->nr_files; i++)
		if (s->files[i].dev == m->dev && s->files[i].ino == m->ino)
			return &s->files[i];
	f = array_push(s->files, s->nr_files, s->cap_files, 16);
	if (!f)
		return NULL;
	*f = (struct sym_file){ .dev = m->dev, .ino = m->ino };
	file_open(f, s, m);
	return f;
}

/* The module address of a file offset: through the PT_LOAD holding it. */
static bool offset_address(Dwfl_Module *mod, uint64_t off, GElf_Addr *addr)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	size_t n;

	if (!elf || elf_getphdrnum(elf, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD ||
		    off < ph.p_offset || off >= ph.p_offset + ph.p_filesz)
			continue;
		*addr = ph.p_vaddr + (off - ph.p_offset) + bias;
		return true;
	}
	return false;
}

/* The symbol whose extent holds the offset, or false: never the nearest one. */
static bool symbol_at(Dwfl_Module *mod, uint64_t off, struct code_name *out)
{
	GElf_Off symoff;
	GElf_Addr addr;
	GElf_Sym sym;
	const char *name;

	if (!offset_address(mod, off, &addr))
		return false;
	name = dwfl_module_addrinfo(mod, addr, &symoff, &sym, NULL, NULL, NULL);
	if (!name || !*name || !sym.st_size || symoff >= sym.st_size)
		return false;
	snprintf(out->function, sizeof(out->function), "%s", name);
	snprintf(out->where, sizeof(out->where), "%.150s+0x%" PRIx64, name, (uint64_t)symoff);
	out->symbolized = 1;
	return true;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int symbolize(void *ctx, uint64_t ip, struct code_name *out)
{
	struct symbolizer *s = ctx;
	const struct sym_map *m = map_of(s, ip);
	struct sym_file *f;
	uint64_t off;

	memset(out, 0, sizeof(*out));
	if (!m) {
		snprintf(out->module, sizeof(out->module), "[unknown]");
		off = ip;
	} else if (!m->ino) {	/* anonymous: JIT code, or the kernel's [vdso] */
		snprintf(out->module, sizeof(out->module), "%.150s",
			 m->path[0] == '[' ? m->path : "[anon]");
		off = ip - m->start;
	} else {
		snprintf(out->module, sizeof(out->module), "%.150s", base_name(m->path));
		off = out->file_offset = ip - m->start + m->offset;
		f = file_of(s, m);
		if (!f)
			return -ENOMEM;
		if (f->mod && symbol_at(f->mod, off, out))
			return 0;
	}
	snprintf(out->function, sizeof(out->function), "%.150s+0x%" PRIx64, out->module, off);
	memcpy(out->where, out->function, sizeof(out->where));
	return 0;
}

bool symbolizer_is_code(void *ctx, uint64_t ip)
{
	const struct sym_map *m = map_of(ctx, ip);

	return m && m->exec;
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nr_files; i++)
		if (s->files[i].dwfl)
			dwfl_end(s->files[i].dwfl);
	free(s->files);
	free(s->maps);
	free(s);
}
