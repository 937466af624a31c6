// SPDX-License-Identifier: GPL-2.0
/* A file's bss, from its ELF program headers (see elf_bss.h). */
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "model/array.h"
#include "model/elf_bss.h"
#include "model/model.h"

#define PAGE_SIZE	4096ULL
#define MAX_PHDRS	64

static uint64_t page_up(uint64_t a)
{
	return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* The file at path, if it is still the one the kernel mapped (dev, ino). */
static int open_mapped(const char *path, uint32_t dev, uint64_t ino)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_ino != ino ||
	    kdev(major(st.st_dev), minor(st.st_dev)) != dev) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Fills e from the file's first writable PT_LOAD that has a bss. */
static void read_bss(int fd, struct elf_bss *e)
{
	Elf64_Phdr ph[MAX_PHDRS];
	Elf64_Ehdr eh;
	size_t n;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || !eh.e_phnum)
		return;
	n = eh.e_phnum < MAX_PHDRS ? eh.e_phnum : MAX_PHDRS;
	if (pread(fd, ph, n * sizeof(*ph), eh.e_phoff) != (ssize_t)(n * sizeof(*ph)))
		return;
	for (size_t i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (e->nr_loads < ELF_MAX_LOADS) {
			e->loads[e->nr_loads].offset = ph[i].p_offset;
			e->loads[e->nr_loads].vaddr = ph[i].p_vaddr;
			e->loads[e->nr_loads++].filesz = ph[i].p_filesz;
		}
		if (e->has_bss || !(ph[i].p_flags & PF_W) || ph[i].p_memsz <= ph[i].p_filesz)
			continue;
		e->has_bss = true;
		e->vaddr = ph[i].p_vaddr;
		e->offset = ph[i].p_offset;
		e->filesz = ph[i].p_filesz;
		e->memsz = ph[i].p_memsz;
	}
}

/*
 * Is anon the bss, for a mapping of file offset off at address start? The
 * segment holding off places it at bias + p_vaddr + (off - p_offset); two
 * segments may share a file page (a read-only one's last and the writable
 * one's first, mapped twice), so each that holds off is tried.
 */
static bool bss_from(const struct elf_bss *e, uint64_t start, uint64_t off,
		     const struct vma *anon)
{
	for (unsigned int i = 0; i < e->nr_loads; i++) {
		uint64_t seg = e->loads[i].offset, page = seg & ~(PAGE_SIZE - 1);
		uint64_t bias = start - e->loads[i].vaddr - off + seg;

		if (off < page || off >= page_up(seg + e->loads[i].filesz))
			continue;
		if (anon->start == page_up(bias + e->vaddr + e->filesz) &&
		    anon->end <= page_up(bias + e->vaddr + e->memsz))
			return true;
	}
	return false;
}

/* The index entry of (dev, ino): the one naming it, or the empty one it would take. */
static size_t *index_slot(const struct elf_cache *c, uint32_t dev, uint64_t ino)
{
	size_t mask = c->index_size - 1;
	size_t h = ((ino ^ (uint64_t)dev << 32) * 0x9e3779b97f4a7c15ULL >> 17) & mask;

	for (;; h = (h + 1) & mask) {
		size_t i = c->index[h];

		if (!i || (c->files[i - 1].dev == dev && c->files[i - 1].ino == ino))
			return &c->index[h];
	}
}

/* Room for one more file: the index doubled (and refilled) once half full. */
static int index_reserve(struct elf_cache *c)
{
	size_t *old = c->index, size = c->index_size ? 2 * c->index_size : 64;

	if (2 * (c->nr + 1) < c->index_size)
		return 0;
	if (!(c->index = calloc(size, sizeof(*c->index)))) {
		c->index = old;
		return -1;
	}
	c->index_size = size;
	for (size_t i = 0; i < c->nr; i++)
		*index_slot(c, c->files[i].dev, c->files[i].ino) = i + 1;
	free(old);
	return 0;
}

static const struct elf_bss *lookup(struct elf_cache *c, const struct vma *file)
{
	struct elf_bss *e;
	size_t *slot;
	int fd;

	if (index_reserve(c))
		return NULL;
	slot = index_slot(c, file->dev, file->ino);
	if (*slot)
		return &c->files[*slot - 1];
	e = array_push(c->files, c->nr, c->cap, 8);
	if (!e)
		return NULL;
	*slot = c->nr;
	memset(e, 0, sizeof(*e));
	e->dev = file->dev;
	e->ino = file->ino;
	fd = open_mapped(file->path, file->dev, file->ino);
	if (fd >= 0) {
		read_bss(fd, e);
		close(fd);
	}
	return e;
}

bool elf_is_bss(struct elf_cache *cache, const struct vma *file,
		const struct vma *anon)
{
	const struct elf_bss *e;

	if (!file || !file->path || !file->ino || anon->path || anon->start >= anon->end)
		return false;
	e = lookup(cache, file);
	return e && e->has_bss && bss_from(e, file->start, file->offset, anon);
}

void elf_cache_free(struct elf_cache *cache)
{
	free(cache->files);
	free(cache->index);
	memset(cache, 0, sizeof(*cache));
}
