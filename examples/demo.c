// SPDX-License-Identifier: GPL-2.0
/*
 * A small program whose faults land in every kind of VMA, for `make demo`:
 * text and data (just by running), the heap (malloc'ed and touched), the
 * stack (a deep recursion), an anonymous mapping, a file mapping, and
 * copy-on-write after fork (the parent rewrites pages its child shared).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define PAGE 4096
#define PAGES 64

static int recurse(int depth)
{
	volatile char frame[PAGE];

	frame[0] = (char)depth;
	return depth ? recurse(depth - 1) + frame[0] : 0;
}

static void touch(char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		p[i * PAGE] = 1;
}

static long read_file_mapping(const char *path)
{
	char buf[PAGE] = { 1 };
	long sum = 0;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *map;

	for (int i = 0; fd >= 0 && i < PAGES; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			return -1;
	map = mmap(NULL, PAGES * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	for (int i = 0; i < PAGES; i++)
		sum += map[i * PAGE];
	munmap(map, PAGES * PAGE);
	unlink(path);
	return sum;
}

int main(void)
{
	char *heap = malloc(PAGES * PAGE);
	char *anon = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t child;

	if (!heap || anon == MAP_FAILED)
		return 1;
	madvise(anon, PAGES * PAGE, MADV_NOHUGEPAGE);
	touch(heap, PAGES);
	touch(anon, PAGES);
	recurse(32);
	if (read_file_mapping("vmtrace-demo.bin") < 0)
		return 1;
	child = fork();
	if (child == 0) {
		touch(anon, PAGES);	/* the child's copies: not traced */
		_exit(0);
	}
	waitpid(child, NULL, 0);
	touch(anon, PAGES);	/* write-protect faults: shared since fork */
	printf("demo: touched %d pages each of heap, anon, stack, a file, "
	       "and rewrote the anon pages after fork\n", PAGES);
	free(heap);
	return 0;
}
