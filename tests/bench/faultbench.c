// SPDX-License-Identifier: GPL-2.0
/*
 * Times N anonymous write faults (4 KiB pages, MADV_NOHUGEPAGE) and prints
 * "ns_per_fault=X faults=N" for the timed loop only, so the tracer's start-up
 * and exit are not in the figure. An untimed warm-up touches and frees the
 * same amount first: memory freed recently is handed back to the host, and
 * touching it again would add a host-side fault to the timed loop
 * (shared/KERNELS.md, "Two traps").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/resource.h>

static char *map_pages(size_t pages)
{
	char *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("faultbench: mmap");
		exit(1);
	}
	madvise(p, pages * 4096, MADV_NOHUGEPAGE);
	return p;
}

static void touch(char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		p[i * 4096] = 1;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * "vmas N": N one-page read-write VMAs, each between read-only pages so the
 * kernel cannot merge them, written in a shuffled order: every fault is in
 * another VMA than the last (the worst case for a VMA lookup cache).
 */
static void many_vmas(size_t n)
{
	char *p = map_pages(2 * n);
	size_t *order = malloc(n * sizeof(*order));
	struct rusage before, after;
	double t0, t1;

	for (size_t i = 0; i < n; i++) {
		mprotect(p + (2 * i + 1) * 4096, 4096, PROT_READ);
		order[i] = i;
	}
	srand(1);
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rand() % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	getrusage(RUSAGE_SELF, &before);
	t0 = now_ns();
	for (size_t i = 0; i < n; i++)
		p[2 * order[i] * 4096] = 1;
	t1 = now_ns();
	getrusage(RUSAGE_SELF, &after);
	printf("ns_per_fault=%.1f faults=%ld vmas=%zu\n", (t1 - t0) / n,
	       after.ru_minflt - before.ru_minflt, n);
	free(order);
}

/* "N": N anonymous write faults in one fresh VMA, after an untimed warm-up. */
static void one_vma(size_t pages)
{
	struct rusage before, after;
	char *warm = map_pages(pages), *p;
	double t0, t1;

	touch(warm, pages);
	munmap(warm, pages * 4096);
	p = map_pages(pages);
	getrusage(RUSAGE_SELF, &before);
	t0 = now_ns();
	touch(p, pages);
	t1 = now_ns();
	getrusage(RUSAGE_SELF, &after);
	printf("ns_per_fault=%.1f faults=%ld\n", (t1 - t0) / pages,
	       after.ru_minflt - before.ru_minflt);
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "vmas"))
		many_vmas(strtoul(argv[2], NULL, 10));
	else
		one_vma(argc > 1 ? strtoul(argv[1], NULL, 10) : 100000);
	return 0;
}
