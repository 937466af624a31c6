// SPDX-License-Identifier: GPL-2.0
/*
 * Fault workloads with known fault counts, for tests/bench/bench.py. Each
 * times its fault loop only, so a tracer's start-up and exit are not in the
 * figure, and prints one line:
 *
 *   ns_per_fault=X faults=N total_faults=T
 *
 * faults: the loop's faults by the kernel's own counters (getrusage, minor +
 * major); ns_per_fault: the loop's time divided by them; total_faults: every
 * fault of this process and its children from start to exit, for comparing
 * with what a tracer counted.
 *
 * Workloads (N: pages, or VMAs for "vmas"):
 *   anon N          write faults on 4 KiB anonymous pages (MADV_NOHUGEPAGE)
 *   cow N           write faults on N pages shared with a forked child
 *   file N          read faults on a file whose pages are cached (fault-around
 *                   maps up to 16 pages per fault)
 *   file-random N   the same after MADV_RANDOM
 *   major N         read faults on a file evicted from the page cache
 *                   (fsync, POSIX_FADV_DONTNEED), MADV_RANDOM: one per page
 *   vmas N          one write fault in each of N one-page VMAs, shuffled
 * File workloads create their file in $FAULTBENCH_DIR (default ".").
 * FAULTBENCH_HOLD=1: stay alive after printing, until killed (so that a
 * tracer stopping on a timer still sees the address space).
 *
 * An untimed warm-up touches and frees as much anonymous memory as the loop
 * will allocate: memory freed recently is handed back to the host, and the
 * next touch would add a host-side fault to the timed loop
 * (docs/kernels.md, "Traps for measuring on the development VM").
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define PAGE 4096UL

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static char *map_anon(size_t pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("faultbench: mmap");
	madvise(p, pages * PAGE, MADV_NOHUGEPAGE);
	return p;
}

static void touch(char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		p[i * PAGE] = 1;
}

static void warm_up(size_t pages)
{
	char *p = map_anon(pages);

	touch(p, pages);
	munmap(p, pages * PAGE);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long faults_of(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/* The timed loop: a start and an end, in time and in faults. */
struct timing {
	double t0, t1;
	long f0, f1;
};

static void start(struct timing *t)
{
	t->f0 = faults_of(RUSAGE_SELF);
	t->t0 = now_ns();
}

static void stop(struct timing *t)
{
	t->t1 = now_ns();
	t->f1 = faults_of(RUSAGE_SELF);
}

static void anon(size_t pages, struct timing *t)
{
	char *p;

	warm_up(pages);
	p = map_anon(pages);
	start(t);
	touch(p, pages);
	stop(t);
}

/*
 * The parent writes pages that a child still shares: every write copies.
 * The child waits on a pipe, so the pages stay shared until the loop ends.
 */
static void cow(size_t pages, struct timing *t)
{
	int fds[2];
	char *p, c;
	pid_t child;

	warm_up(2 * pages);
	p = map_anon(pages);
	touch(p, pages);
	if (pipe(fds))
		die("faultbench: pipe");
	child = fork();
	if (child < 0)
		die("faultbench: fork");
	if (!child) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) < 0);
	}
	close(fds[0]);
	start(t);
	touch(p, pages);
	stop(t);
	close(fds[1]);
	waitpid(child, NULL, 0);
}

/* A file of pages pages in $FAULTBENCH_DIR, unlinked at once; its fd. */
static int make_file(size_t pages)
{
	const char *dir = getenv("FAULTBENCH_DIR");
	char path[4096], *buf = malloc(PAGE * 64);
	int fd;

	snprintf(path, sizeof(path), "%s/faultbench.XXXXXX", dir && *dir ? dir : ".");
	fd = mkstemp(path);
	if (fd < 0 || !buf)
		die("faultbench: file");
	unlink(path);
	memset(buf, 'x', PAGE * 64);
	for (size_t done = 0; done < pages; done += 64) {
		size_t n = pages - done < 64 ? pages - done : 64;

		if (write(fd, buf, n * PAGE) != (ssize_t)(n * PAGE))
			die("faultbench: write");
	}
	free(buf);
	if (fsync(fd))
		die("faultbench: fsync");
	return fd;
}

static void read_pages(const volatile char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		(void)p[i * PAGE];
}

/*
 * Reads pages pages of a file through fresh mappings of it: a file of at
 * most FILE_PAGES, mapped and read as many times as it takes. evict: drop
 * its pages from the page cache first (major faults; one pass).
 */
#define FILE_PAGES 4096

static void file(size_t pages, bool random, bool evict, struct timing *t)
{
	size_t size = evict || pages < FILE_PAGES ? pages : FILE_PAGES;
	int fd = make_file(size);
	struct timing pass;

	if (evict && posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
		die("faultbench: posix_fadvise");
	for (size_t done = 0; done < pages; done += size) {
		size_t n = pages - done < size ? pages - done : size;
		char *p = mmap(NULL, n * PAGE, PROT_READ, MAP_SHARED, fd, 0);

		if (p == MAP_FAILED)
			die("faultbench: mmap");
		if (random)
			madvise(p, n * PAGE, MADV_RANDOM);
		start(&pass);
		read_pages(p, n);
		stop(&pass);
		munmap(p, n * PAGE);
		t->t1 += pass.t1 - pass.t0;
		t->f1 += pass.f1 - pass.f0;
	}
	close(fd);
}

/*
 * N one-page read-write VMAs, each between read-only pages so the kernel
 * cannot merge them, written in a shuffled order: every fault is in another
 * VMA than the last (the worst case for a VMA lookup cache).
 */
static void many_vmas(size_t n, struct timing *t)
{
	char *p;
	size_t *order = malloc(n * sizeof(*order));

	warm_up(n);
	p = map_anon(2 * n);
	for (size_t i = 0; i < n; i++) {
		mprotect(p + (2 * i + 1) * PAGE, PAGE, PROT_READ);
		order[i] = i;
	}
	srand(1);
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rand() % (i + 1), tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	start(t);
	for (size_t i = 0; i < n; i++)
		p[2 * order[i] * PAGE] = 1;
	stop(t);
	free(order);
}

int main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "anon";
	size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000;
	struct timing t = { 0 };

	/* "faultbench N": the anonymous workload (the old command line) */
	if (argc == 2 && strtoul(argv[1], NULL, 10)) {
		w = "anon";
		n = strtoul(argv[1], NULL, 10);
	}
	if (!n) {
		fprintf(stderr, "faultbench: N must be positive\n");
		return 2;
	}
	if (!strcmp(w, "anon"))
		anon(n, &t);
	else if (!strcmp(w, "cow"))
		cow(n, &t);
	else if (!strcmp(w, "file"))
		file(n, false, false, &t);
	else if (!strcmp(w, "file-random"))
		file(n, true, false, &t);
	else if (!strcmp(w, "major"))
		file(n, true, true, &t);
	else if (!strcmp(w, "vmas"))
		many_vmas(n, &t);
	else {
		fprintf(stderr, "usage: faultbench [anon|cow|file|file-random|major|vmas] [N]\n");
		return 2;
	}
	printf("ns_per_fault=%.1f faults=%ld total_faults=%ld\n",
	       t.f1 > t.f0 ? (t.t1 - t.t0) / (t.f1 - t.f0) : 0.0, t.f1 - t.f0,
	       faults_of(RUSAGE_SELF) + faults_of(RUSAGE_CHILDREN));
	fflush(stdout);
	while (getenv("FAULTBENCH_HOLD"))
		pause();
	return 0;
}
