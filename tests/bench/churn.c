// SPDX-License-Identifier: GPL-2.0
/*
 * Churn workloads for tests/bench/churn.py: what a thread-per-connection
 * server does to its address space, and timed loops of its pieces.
 *
 *   churnbench serve SECONDS [CONNS]
 *       A server at full speed for SECONDS (0: until SIGTERM/SIGINT): the
 *       main thread "accepts" a connection whenever fewer than CONNS (default
 *       8) are open and starts a thread for it (glibc's default attributes: an
 *       8 MiB stack, cached by glibc up to 40 MiB, so some stacks are unmapped
 *       and mapped again). Each connection serves 1-16 requests; a request
 *       maps a buffer (16 KiB to 1 MiB), writes every page of it, mallocs a
 *       little, and unmaps the buffer. Every 16th connection the main thread
 *       forks a child that writes 16 pages of a buffer the parent wrote
 *       (copy-on-write in both) and exits; the parent reaps it.
 *       With $CHURN_STATS=FILE its counters are kept in FILE (shared mapping,
 *       read while it runs: struct churn_stats). At the end it prints
 *         churn: seconds=S threads=T requests=R mmaps=M forks=F minflt=N majflt=N
 *   churnbench pairs N    N x (mmap 64 KiB, munmap): no fault
 *   churnbench fault N    N one-page VMAs, 256 at a time: mapped (between
 *                         read-only pages, so they do not merge), written
 *                         once each (timed: the first fault in a new VMA),
 *                         unmapped one by one (timed apart: unmap_ns_per_op)
 *   churnbench threads N  N x (pthread_create, the thread writes a page of its
 *                         stack, pthread_join)
 *       Each times its loop only (after an untimed warm-up of N/10) and prints
 *         ns_per_op=X ops=N faults=F total_faults=T [unmap_ns_per_op=Y]
 *       faults: the timed loop's (getrusage, minor + major); total_faults:
 *       every fault of the process from start to exit.
 *       The fault workload times its faults alone: an munmap of a page that
 *       was written flushes the TLB, which costs 100-200 us on the 6.18
 *       development VM (a hypercall) and varies by as much.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define PAGE 4096UL
#define FORK_EVERY 16
#define OP_BYTES (64 * 1024UL)

/* In $CHURN_STATS while serving: what churn.py reads between two samples. */
struct churn_stats {
	_Atomic unsigned long threads, requests, mmaps, forks;
};

static struct churn_stats local_stats, *stats = &local_stats;
static sem_t slots;
static volatile sig_atomic_t stop;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* The process's CPU time, every thread's, exited ones too. */
static double cpu_ns(void)
{
	return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static long faults_of(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/* xorshift: request sizes and counts, per thread */
static unsigned int next_rand(unsigned int *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void *map_rw(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("churnbench: mmap");
	return p;
}

static void write_pages(volatile char *p, size_t bytes, char v)
{
	for (size_t off = 0; off < bytes; off += PAGE)
		p[off] = v;
}

/* One request: a buffer mapped, written and unmapped; a little malloc. */
static unsigned long request(unsigned int *seed)
{
	static const size_t sizes[] = { 16 << 10, 64 << 10, 256 << 10, 1 << 20 };
	size_t bytes = sizes[next_rand(seed) % 4];
	char *buf = map_rw(bytes), *small = malloc(512 + next_rand(seed) % 4096);
	unsigned long sum = 0;

	write_pages(buf, bytes, (char)*seed);
	if (small) {
		memset(small, 1, 512);
		sum += small[17];
		free(small);
	}
	sum += buf[bytes - PAGE];
	munmap(buf, bytes);
	atomic_fetch_add(&stats->mmaps, 1);
	atomic_fetch_add(&stats->requests, 1);
	return sum;
}

static void *connection(void *arg)
{
	unsigned int seed = (unsigned int)(unsigned long)arg | 1;
	int n = 1 + next_rand(&seed) % 16;
	volatile unsigned long sum = 0;

	for (int i = 0; i < n && !stop; i++)
		sum += request(&seed);
	sem_post(&slots);
	return NULL;
}

/* A forked child writes pages the parent wrote, then exits. */
static void fork_one(char *shared_buf, size_t bytes)
{
	pid_t child = fork();

	if (child < 0)
		die("churnbench: fork");
	if (!child) {
		write_pages(shared_buf, bytes, 2);
		_exit(0);
	}
	write_pages(shared_buf, bytes, 3);	/* copy-on-write in the parent */
	while (waitpid(child, NULL, 0) < 0)
		if (errno != EINTR)
			die("churnbench: waitpid");
	atomic_fetch_add(&stats->forks, 1);
}

static void on_signal(int sig __attribute__((unused)))
{
	stop = 1;
}

static void open_stats(void)
{
	const char *path = getenv("CHURN_STATS");
	int fd;

	if (!path || !*path)
		return;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, PAGE))
		die("churnbench: CHURN_STATS");
	stats = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (stats == MAP_FAILED)
		die("churnbench: mmap CHURN_STATS");
	close(fd);
}

static int serve(double seconds, int conns)
{
	/* SA_RESTART: calls go on; sem_wait() returns EINTR all the same */
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	size_t fork_bytes = 16 * PAGE;
	char *fork_buf = map_rw(fork_bytes);
	double t0 = now_ns(), end = t0 + seconds * 1e9;
	pthread_attr_t attr;
	struct rusage ru;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	open_stats();
	write_pages(fork_buf, fork_bytes, 1);
	if (sem_init(&slots, 0, conns))
		die("churnbench: sem_init");
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (!stop && (seconds <= 0 || now_ns() < end)) {
		pthread_t tid;
		unsigned long n;

		if (sem_wait(&slots))
			continue;	/* a signal: look at stop */
		n = atomic_fetch_add(&stats->threads, 1) + 1;
		if (pthread_create(&tid, &attr, connection, (void *)(n * 2654435761UL)))
			die("churnbench: pthread_create");
		if (n % FORK_EVERY == 0)
			fork_one(fork_buf, fork_bytes);
	}
	stop = 1;
	for (int i = 0; i < conns; i++)	/* every connection has ended */
		while (sem_wait(&slots))
			;
	getrusage(RUSAGE_SELF, &ru);
	printf("churn: seconds=%.1f threads=%lu requests=%lu mmaps=%lu forks=%lu "
	       "minflt=%ld majflt=%ld\n", (now_ns() - t0) / 1e9, stats->threads,
	       stats->requests, stats->mmaps, stats->forks, ru.ru_minflt, ru.ru_majflt);
	return 0;
}

static void *stack_writer(void *arg __attribute__((unused)))
{
	volatile char page[PAGE];

	page[0] = 1;
	page[PAGE - 1] = page[0];
	return NULL;
}

/* What a timed loop took: time, CPU time and faults; apart the unmaps'. */
struct timing {
	double ns, cpu, unmap_ns, unmap_cpu;
	long faults;
};

#define BATCH 256

/* k one-page VMAs: mapped, each written once (timed), unmapped (timed apart). */
static void fault_batch(long k, struct timing *t)
{
	char *rw[BATCH], *ro[BATCH];
	double t0, c0;
	long f0;

	for (long i = 0; i < k; i++) {
		rw[i] = map_rw(PAGE);
		ro[i] = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (ro[i] == MAP_FAILED)
			die("churnbench: mmap");
	}
	f0 = faults_of(RUSAGE_SELF);
	c0 = cpu_ns();
	t0 = now_ns();
	for (long i = 0; i < k; i++)
		rw[i][0] = 1;
	t->ns += now_ns() - t0;
	t->cpu += cpu_ns() - c0;
	t->faults += faults_of(RUSAGE_SELF) - f0;
	for (long i = 0; i < k; i++)
		munmap(ro[i], PAGE);
	c0 = cpu_ns();
	t0 = now_ns();
	for (long i = 0; i < k; i++)
		munmap(rw[i], PAGE);
	t->unmap_ns += now_ns() - t0;
	t->unmap_cpu += cpu_ns() - c0;
}

static void ops(const char *what, long n, struct timing *t)
{
	double t0 = now_ns(), c0 = cpu_ns();
	long f0 = faults_of(RUSAGE_SELF);

	if (!strcmp(what, "fault")) {
		for (long done = 0; done < n; done += BATCH)
			fault_batch(n - done < BATCH ? n - done : BATCH, t);
		return;
	}
	for (long i = 0; i < n; i++) {
		pthread_t tid;

		if (!strcmp(what, "pairs"))
			munmap(map_rw(OP_BYTES), OP_BYTES);
		else if (pthread_create(&tid, NULL, stack_writer, NULL) ||
			 pthread_join(tid, NULL))
			die("churnbench: thread");
	}
	t->ns += now_ns() - t0;
	t->cpu += cpu_ns() - c0;
	t->faults += faults_of(RUSAGE_SELF) - f0;
}

static int timed(const char *what, long n)
{
	struct timing warm = { 0 }, t = { 0 };

	ops(what, n / 10 ? n / 10 : 1, &warm);
	ops(what, n, &t);
	printf("ns_per_op=%.1f ops=%ld faults=%ld total_faults=%ld cpu_ns_per_op=%.1f",
	       t.ns / n, n, t.faults, faults_of(RUSAGE_SELF), t.cpu / n);
	if (t.unmap_ns)
		printf(" unmap_ns_per_op=%.1f unmap_cpu_ns_per_op=%.1f", t.unmap_ns / n,
		       t.unmap_cpu / n);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "";
	double arg = argc > 2 ? strtod(argv[2], NULL) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(w, "serve"))
		return serve(arg, argc > 3 ? atoi(argv[3]) : 8);
	if ((!strcmp(w, "pairs") || !strcmp(w, "fault") || !strcmp(w, "threads")) &&
	    arg >= 1)
		return timed(w, (long)arg);
	fprintf(stderr, "usage: churnbench serve SECONDS [CONNS] | "
		"pairs N | fault N | threads N\n");
	return 2;
}
