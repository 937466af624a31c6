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

#define ELF_MAX_LOADS	16

/* What one file's program headers say; one entry per (dev, ino) read. */
struct elf_bss {
	uint32_t dev;
	uint64_t ino;
	bool has_bss;		/* a writable PT_LOAD with p_memsz > p_filesz */
	uint64_t vaddr, offset, filesz, memsz;	/* that segment */
	unsigned int nr_loads;	/* every PT_LOAD, to find the load bias from any mapping */
	struct { uint64_t offset, vaddr, filesz; } loads[ELF_MAX_LOADS];
};

struct elf_cache {
	struct elf_bss *files;
	size_t nr, cap;
	/*
	 * files by (dev, ino), open addressing: files[i] is where an entry
	 * holds i + 1. A scan of every file per lookup was quadratic: 9 s of
	 * a 100,000-row report with 25,000 libraries (tests/bench/reportbench.c).
	 */
	size_t *index;
	size_t index_size;	/* a power of two, more than twice nr */
};

/*
 * Is anon (anonymous) the bss of the file mapped by file? file is any
 * mapping of that file (a row of any of its segments, retired or not) that
 * gives its load bias; anon must begin where the writable segment's file
 * part ends and lie within its p_memsz.
 */
bool elf_is_bss(struct elf_cache *cache, const struct vma *file,
		const struct vma *anon);
void elf_cache_free(struct elf_cache *cache);

#endif
