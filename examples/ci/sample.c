// SPDX-License-Identifier: GPL-2.0
/*
 * The program the CI example guards: it fills a heap buffer and reads a data
 * file through a mapping. SAMPLE_PAGES (default 256) is how many heap pages
 * it touches: `SAMPLE_PAGES=320 make fault-check` plays a change that makes
 * it fault 25% more on its heap, and the check fails naming [heap].
 */
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

/* A data file the program maps and reads, as programs read their inputs. */
static long read_input(const char *path, int pages)
{
	char buf[PAGE];
	long sum = 0;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *p;

	memset(buf, 'x', sizeof(buf));
	for (int i = 0; fd >= 0 && i < pages; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			return -1;
	p = fd < 0 ? MAP_FAILED : mmap(NULL, pages * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	for (int i = 0; i < pages; i++)
		sum += p[i * PAGE];
	munmap(p, pages * PAGE);
	close(fd);
	return sum;
}

int main(void)
{
	const char *env = getenv("SAMPLE_PAGES");
	long pages = env ? atol(env) : 256;
	char *heap;

	/* keep the buffer on the brk heap (the [heap] row), not in an mmap */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	heap = malloc(pages * PAGE);

	if (!heap || pages < 1 || read_input("sample-input.dat", 32) < 0) {
		perror("sample");
		return 1;
	}
	/* one fault per page (THP is off for brk heaps unless asked for) */
	for (long i = 0; i < pages; i++)
		heap[i * PAGE] = 1;
	printf("sample: %ld heap pages\n", pages);
	return 0;
}
