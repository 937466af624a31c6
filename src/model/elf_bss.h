/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which anonymous VMA is a file's bss: the part of a writable PT_LOAD segment
 * beyond its file contents (p_memsz > p_filesz), read from the ELF file as it
 * was mapped (same device and inode), never guessed from adjacency alone.
 */
#ifndef VMT_ELF_BSS_H
#define VMT_ELF_BSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vma;

/* What one file's program headers say; one entry per (dev, ino) read. */
struct elf_bss {
	uint32_t dev;
	uint64_t ino;
	bool has_bss;		/* a writable PT_LOAD with p_memsz > p_filesz */
	uint64_t vaddr, offset, filesz, memsz;
};

struct elf_cache {
	struct elf_bss *files;
	size_t nr, cap;
};

/*
 * Is anon (anonymous) the bss of the file mapped by file? file is a mapping
 * of that file's writable segment (or a retired row of it) ending where anon
 * begins; anon must lie within the segment's p_memsz.
 */
bool elf_is_bss(struct elf_cache *cache, const struct vma *file,
		const struct vma *anon);
void elf_cache_free(struct elf_cache *cache);

#endif
