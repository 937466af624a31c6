/*
 * vmwork: workloads whose page faults are known by construction.
 *
 *   vmwork [--pause-start] [--pause-end] [--pause-child] [--hold] MODE [ARGS]
 *
 * Each mode faults on memory it maps itself and prints, on stdout, one
 * "expect" line per VMA whose fault counts it knows exactly, so that a
 * tracer's per-VMA report can be checked against it. The kernel's own
 * counters (getrusage) are read around each critical section: if they
 * disagree with the construction, vmwork exits 2, so that a broken
 * workload is never mistaken for a broken tracer.
 *
 * Protocol (stdout, one write(2) per line):
 *   vmwork: pid=PID                  always first
 *   vmwork: ready                    --pause-start; waits for SIGUSR1
 *   vmwork: child=PID ready          cow --pause-child; the child waits
 *   expect pid=PID start=0x.. end=0x.. faults=N ... [unmapped=1] [changed=1]
 *          [label=[heap]] [path=/abs] [from=ready]
 *   vmwork: child=PID rusage minflt=N majflt=N
 *   vmwork: child=PID done           cow --pause-child; the child waits
 *   vmwork: readfile pages=N         mode readfile: pages read by read(2)
 *   code fn=NAME faults=N major=N kernel=N [wp=N cow=N]   modes code,
 *                                    codefaults: faults whose IP is in
 *                                    function NAME (vmtrace --code)
 *   vmwork: rusage minflt=N majflt=N critical sections only
 *   vmwork: done                     --pause-end; waits for SIGUSR1
 *   vmwork: holding                  --hold; waits until stdin has a byte,
 *                                    ends or fails (see hold())
 *
 * from=ready marks a VMA that already held faulted pages before the mode
 * ran (the stack): its counters are exact only for a tracer that attached
 * while vmwork paused at "ready", and lower bounds otherwise.
 *
 * Exit status: 0 ok, 1 usage or system error, 2 self-check failed,
 * 3 the file's page cache could not be dropped (mode file), 4 --hold was
 * never released.
 *
 * Build: cc -O1 -g -static -pthread tests/workloads/vmwork.c -o vmwork
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/rseq.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_EXPECT	64
#define MAX_THREADS	32
#define MAX_PAGES	(1L << 20)
/* Stack below main's frame that is faulted in before any measurement. */
#define STACK_PREFAULT	(128 * 1024)
/* Threads and forked processes need less: they only call short helpers. */
#define STACK_PREFAULT_SMALL	(16 * 1024)
/* Mode stack starts this far below its frame: never touched before. */
#define STACK_SKIP	(256 * 1024)
#define SCRATCH_PAGES	32
/* --hold's safety exit: this many one-second polls of a silent stdin. */
#ifndef HOLD_POLLS
#define HOLD_POLLS	900
#endif

/* cow and readin: only the function backends measure them */
enum counter {
	C_FAULTS, C_MINOR, C_MAJOR, C_READ, C_WRITE, C_EXEC, C_WP, C_ERRORS,
	C_COW, C_READIN, C_SIGBUS, NR_COUNTERS
};

static const char *const counter_names[NR_COUNTERS] = {
	"faults", "minor", "major", "read", "write", "exec", "wp", "errors",
	"cow", "readin", "sigbus",
};

struct expect {
	pid_t pid;
	unsigned long start, end;
	long c[NR_COUNTERS];	/* -1: not known exactly */
	int unmapped;
	int changed;		/* the row's VMA was cut or re-protected since */
	int from_ready;
	int vma_exact;		/* the VMA must be exactly [start, end) */
	const char *label;	/* maps label, e.g. "[heap]" */
	const char *path;	/* absolute path of a file mapping */
};

struct run {
	int pause_start, pause_end, pause_child, hold;
	const char *who;	/* "" or "child=PID " */
	struct expect exp[MAX_EXPECT];
	int nexp;
	long want_min, want_maj;	/* construction, critical sections */
	long got_min, got_maj;		/* getrusage deltas, same sections */
	pid_t zombie;			/* cow child, reaped just before exit */
	int failed;
	const char *also_file;		/* --also-file: one more file mapping */
};

struct meter {
	int who;
	struct rusage before, after;
};

static long pg;
static char *scratch;		/* pre-faulted: signal stack, file data */
static volatile sig_atomic_t got_usr1;

static void vsay(int fd, const char *fmt, va_list ap)
{
	char buf[PATH_MAX + 512];
	int len = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);

	if (len < 0)
		return;
	if (len > (int)sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	/* One write per line: lines of parent and child never interleave. */
	if (write(fd, buf, len) != len)
		_exit(1);
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(1, fmt, ap);
	va_end(ap);
}

static void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(2, fmt, ap);
	va_end(ap);
}

static int fail(const char *what)
{
	warn("vmwork: failed to %s: %s", what, strerror(errno));
	return 1;
}

/*
 * getrusage() fills its struct after reading the counters, so a struct on
 * a never-touched page would add a fault to the "after" reading. Touch both
 * first.
 */
static void meter_start(struct meter *m, int who)
{
	memset(m, 0, sizeof(*m));
	m->who = who;
	getrusage(who, &m->before);
}

static void meter_stop(struct meter *m, long *min, long *maj)
{
	getrusage(m->who, &m->after);
	*min += m->after.ru_minflt - m->before.ru_minflt;
	*maj += m->after.ru_majflt - m->before.ru_majflt;
}

static void touch_write(char *p, long n)
{
	for (long i = 0; i < n; i++)
		((volatile char *)p)[i * pg] = 1;
}

static long touch_read(const char *p, long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++)
		sum += ((const volatile char *)p)[i * pg];
	return sum;
}

/*
 * Faults in the stack below the caller, so that later calls and getrusage
 * structs never fault inside a critical section. After fork() this also
 * breaks copy-on-write sharing of those stack pages.
 */
static void __attribute__((noinline)) stack_prefault(long bytes)
{
	volatile char buf[bytes] __attribute__((unused));

	for (long i = 0; i < bytes; i += 256)
		buf[i] = 1;
}

/*
 * 4 KiB faults on [p, p + len) even where THP is "always" (Debian's 6.1),
 * and a VMA flag of their own, which splits them off a neighbour they would
 * merge with. A kernel built without THP (Debian's PREEMPT_RT one) refuses
 * MADV_NOHUGEPAGE with EINVAL: it faults 4 KiB pages anyway, and
 * MADV_DONTDUMP sets the flag that splits them off instead.
 */
static int small_pages(void *p, size_t len)
{
	if (!madvise(p, len, MADV_NOHUGEPAGE))
		return 0;
	return errno == EINVAL ? madvise(p, len, MADV_DONTDUMP) : -1;
}

/*
 * Maps n pages between two PROT_NONE guard pages. The guards keep the
 * kernel from merging the pages with a neighbouring mapping, so the VMA is
 * exactly [p, p + n pages), of 4 KiB pages (small_pages()).
 */
static char *map_pages(long n, int prot)
{
	char *base, *p;

	base = mmap(NULL, (n + 2) * pg, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	p = base + pg;
	if (prot != PROT_NONE && mprotect(p, n * pg, prot))
		return NULL;
	if (small_pages(p, n * pg))
		return NULL;
	return p;
}

/* Pages of [p, p + n pages) in memory; unmapped pages count as absent. */
static long resident_pages(const char *p, long n)
{
	long count = 0;
	unsigned char v;

	for (long i = 0; i < n; i++)
		if (!mincore((void *)(p + i * pg), pg, &v) && (v & 1))
			count++;
	return count;
}

static struct expect *expect_add(struct run *r, const void *start, long n)
{
	struct expect *e = &r->exp[r->nexp++];

	memset(e, 0, sizeof(*e));
	for (int i = 0; i < NR_COUNTERS; i++)
		e->c[i] = -1;
	e->pid = getpid();
	e->start = (unsigned long)start;
	e->end = e->start + n * pg;
	e->vma_exact = 1;
	return e;
}

/* Minor write faults on n pages, wp of them on write-protected pages. */
static struct expect *expect_writes(struct run *r, const void *start,
				    long n, long faults, long wp)
{
	struct expect *e = expect_add(r, start, n);
	const long c[NR_COUNTERS] = { faults, faults, 0, 0, faults, 0, wp, 0, -1, 0, 0 };

	memcpy(e->c, c, sizeof(c));
	return e;
}

/* Major read faults, one per page. */
static struct expect *expect_major_reads(struct run *r, const void *start,
					 long n)
{
	struct expect *e = expect_add(r, start, n);
	/* MADV_RANDOM: each major fault reads exactly its own page in */
	const long c[NR_COUNTERS] = { n, 0, n, n, 0, 0, 0, 0, 0, n, 0 };

	memcpy(e->c, c, sizeof(c));
	return e;
}

static void expect_print(const struct expect *e)
{
	char buf[PATH_MAX + 512];
	int len;

	len = snprintf(buf, sizeof(buf), "expect pid=%d start=0x%lx end=0x%lx",
		       e->pid, e->start, e->end);
	for (int i = 0; i < NR_COUNTERS; i++)
		if (e->c[i] >= 0)
			len += snprintf(buf + len, sizeof(buf) - len, " %s=%ld",
					counter_names[i], e->c[i]);
	if (e->unmapped)
		len += snprintf(buf + len, sizeof(buf) - len, " unmapped=1");
	if (e->label)
		len += snprintf(buf + len, sizeof(buf) - len, " label=%s",
				e->label);
	if (e->path)
		len += snprintf(buf + len, sizeof(buf) - len, " path=%s",
				e->path);
	if (e->changed)
		len += snprintf(buf + len, sizeof(buf) - len, " changed=1");
	if (e->from_ready)
		snprintf(buf + len, sizeof(buf) - len, " from=ready");
	say("%s", buf);
}

struct vma_line {
	unsigned long start, end;
	char name[PATH_MAX];
};

/* Finds the VMA holding addr in /proc/self/maps; returns 0 if found. */
static int maps_find(unsigned long addr, struct vma_line *v)
{
	static char buf[256 * 1024];
	char *line, *save;
	ssize_t len = 0, got;
	int fd, off;

	fd = open("/proc/self/maps", O_RDONLY);
	if (fd < 0)
		return -1;
	while ((got = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += got;
	close(fd);
	buf[len] = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n",
			   &v->start, &v->end, &off) < 2)
			continue;
		if (addr < v->start || addr >= v->end)
			continue;
		snprintf(v->name, sizeof(v->name), "%s", line + off);
		return 0;
	}
	return -1;
}

/* path as /proc/PID/maps shows it: the kernel writes a newline as \012. */
static const char *maps_name(const char *path, char *buf, size_t size)
{
	size_t len = 0;

	for (; *path && len + 5 < size; path++)
		len += snprintf(buf + len, size - len, *path == '\n' ? "\\012" : "%c", *path);
	buf[len] = '\0';
	return buf;
}

/* Checks that the kernel's VMA layout is the one the expectation claims. */
static int expect_check_vma(const struct expect *e)
{
	struct vma_line v = { 0 };
	int found = !maps_find(e->start, &v);
	char path[PATH_MAX * 4];

	if (e->changed)
		return 0;	/* a row of history: its VMA is not as it was, by design */
	if (e->unmapped && !found)
		return 0;
	if (e->unmapped || !found) {
		warn("vmwork: self-check failed: 0x%lx should be %s", e->start,
		     e->unmapped ? "unmapped" : "mapped");
		return -1;
	}
	if ((e->vma_exact && (v.start != e->start || v.end != e->end)) ||
	    (e->label && strcmp(v.name, e->label)) ||
	    (e->path && strcmp(v.name, maps_name(e->path, path, sizeof(path))))) {
		warn("vmwork: self-check failed: VMA 0x%lx-0x%lx \"%s\" does "
		     "not match expectation 0x%lx-0x%lx", v.start, v.end,
		     v.name, e->start, e->end);
		return -1;
	}
	return 0;
}

/* Prints the expectations and rusage; returns the exit status. */
static int run_finish(struct run *r)
{
	int err = r->failed;

	for (int i = 0; i < r->nexp; i++) {
		expect_print(&r->exp[i]);
		if (expect_check_vma(&r->exp[i]))
			err = 2;
	}
	say("vmwork: %srusage minflt=%ld majflt=%ld", r->who, r->got_min,
	    r->got_maj);
	if (r->got_min != r->want_min || r->got_maj != r->want_maj) {
		warn("vmwork: self-check failed: %sexpected minflt=%ld "
		     "majflt=%ld, kernel counted minflt=%ld majflt=%ld",
		     r->who, r->want_min, r->want_maj, r->got_min, r->got_maj);
		err = 2;
	}
	return err;
}

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

/* SIGUSR1 stays blocked except here, so a signal sent early is not lost. */
static void wait_usr1(void)
{
	sigset_t mask;

	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigdelset(&mask, SIGUSR1);
	got_usr1 = 0;
	while (!got_usr1)
		sigsuspend(&mask);
}

/*
 * --hold: keeps the process and its VMAs, faulting nothing, until stdin has
 * a byte, reaches its end or fails (POLLHUP, POLLERR; POLLNVAL when it is
 * closed). The test holds the other end and lets go when it has seen what
 * it waits for, so nothing depends on how fast the machine runs; a test that
 * dies closes its end and vmwork exits with it. Unlike --pause-end, which
 * needs a signal to the right pid, this reaches vmwork through a shell and a
 * tracer that pass their stdin on. The safety exit for a stdin that stays
 * open and silent: HOLD_POLLS polls, then exit 4.
 */
static int hold(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char byte;

	say("vmwork: holding");
	for (int i = 0; i < HOLD_POLLS; i++) {
		int n = poll(&p, 1, 1000);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail("wait on stdin");
		if (n > 0) {
			if (p.revents & POLLIN)
				(void)!read(0, &byte, 1);
			return 0;
		}
	}
	warn("vmwork: never released: stdin stayed open and silent for %d "
	     "polls of 1 s", HOLD_POLLS);
	return 4;
}

/* Maps n fresh anonymous pages and writes each once, measured: n faults. */
static char *anon_written(struct run *r, long n)
{
	struct meter m;
	char *p = map_pages(n, PROT_READ | PROT_WRITE);

	if (!p)
		return NULL;
	meter_start(&m, RUSAGE_SELF);
	touch_write(p, n);
	meter_stop(&m, &r->got_min, &r->got_maj);
	r->want_min += n;
	return p;
}

static int mode_anon(struct run *r, long n)
{
	char *p = anon_written(r, n);

	if (!p)
		return fail("map anonymous pages");
	expect_writes(r, p, n, n, 0);
	return 0;
}

/*
 * The heap already holds pages that libc faulted (static TLS, the stdio
 * buffer). MADV_NOHUGEPAGE on each new piece splits our pages off that VMA
 * (the pieces merge with each other), so the [heap] row holding them has
 * exactly our faults.
 */
static int mode_brk(struct run *r, long n)
{
	char *start, *p;
	unsigned long cur = (unsigned long)sbrk(0);
	long step, done;
	struct meter m;

	if (cur % pg && sbrk(pg - cur % pg) == (void *)-1)
		return fail("align the program break");
	start = sbrk(0);
	for (done = 0; done < n; done += step) {
		step = (n + 3) / 4 < n - done ? (n + 3) / 4 : n - done;
		p = sbrk(step * pg);
		if (p == (void *)-1)
			return fail("grow the heap");
		if (small_pages(p, step * pg))
			return fail("split the heap");
		meter_start(&m, RUSAGE_SELF);
		touch_write(p, step);
		meter_stop(&m, &r->got_min, &r->got_maj);
	}
	expect_writes(r, start, n, n, 0)->label = "[heap]";
	r->want_min += n;
	return 0;
}

/*
 * Writes n pages below the stack pointer, top down, so the [stack] VMA
 * grows a page per fault. The pages start STACK_SKIP below this frame,
 * where nothing has run before.
 */
static int mode_stack(struct run *r, long n)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0);
	char *top = (char *)((sp & ~(pg - 1)) - STACK_SKIP);
	struct rlimit rl;
	struct expect *e;
	struct meter m;

	getrlimit(RLIMIT_STACK, &rl);
	if (rl.rlim_cur != RLIM_INFINITY &&
	    (unsigned long)(n * pg + STACK_SKIP + (1 << 20)) > rl.rlim_cur) {
		warn("vmwork: stack %ld pages exceed RLIMIT_STACK", n);
		return 1;
	}
	if (resident_pages(top - n * pg, n)) {
		warn("vmwork: self-check failed: stack pages already present");
		return 2;
	}
	meter_start(&m, RUSAGE_SELF);
	for (long i = 1; i <= n; i++)
		*(volatile char *)(top - i * pg) = 1;
	meter_stop(&m, &r->got_min, &r->got_maj);
	e = expect_writes(r, top - n * pg, n, n, 0);
	e->label = "[stack]";
	e->from_ready = 1;
	e->vma_exact = 0;
	r->want_min += n;
	return 0;
}

/* The forked child of mode cow: n write-protect faults, copying. */
static int cow_child(const struct run *parent, char *p, long n)
{
	struct run r = { .pause_child = parent->pause_child };
	char who[32];
	struct meter m;
	int err;

	/* A paused child must not outlive a killed test run. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	stack_prefault(STACK_PREFAULT);
	snprintf(who, sizeof(who), "child=%d ", getpid());
	r.who = who;
	if (r.pause_child) {
		say("vmwork: %sready", who);
		wait_usr1();
	}
	meter_start(&m, RUSAGE_SELF);
	touch_write(p, n);
	meter_stop(&m, &r.got_min, &r.got_maj);
	/* the parent still maps every page: each write copies it */
	expect_writes(&r, p, n, n, n)->c[C_COW] = n;
	r.want_min = n;
	err = run_finish(&r);
	if (r.pause_child) {
		say("vmwork: %sdone", who);
		wait_usr1();
	}
	return err;
}

/*
 * Parent: n faults filling the pages, then, once the child has exited and
 * the pages are its alone again, n write-protect faults that reuse them.
 * The child is left a zombie until vmwork exits, so that a tracer attached
 * to it still finds /proc/CHILD.
 */
static int mode_cow(struct run *r, long n)
{
	struct meter m;
	siginfo_t si = { 0 };
	pid_t child;
	char *p = map_pages(n, PROT_READ | PROT_WRITE);

	if (!p)
		return fail("map anonymous pages");
	meter_start(&m, RUSAGE_SELF);
	touch_write(p, n);
	meter_stop(&m, &r->got_min, &r->got_maj);
	child = fork();
	if (child < 0)
		return fail("fork");
	if (!child)
		_exit(cow_child(r, p, n));
	r->zombie = child;
	if (waitid(P_PID, child, &si, WEXITED | WNOWAIT))
		return fail("wait for the child");
	if (si.si_code != CLD_EXITED || si.si_status) {
		warn("vmwork: cow child %d failed (status %d)", child,
		     si.si_status);
		r->failed = 2;
	}
	stack_prefault(STACK_PREFAULT);
	meter_start(&m, RUSAGE_SELF);
	touch_write(p, n);
	meter_stop(&m, &r->got_min, &r->got_maj);
	/* the child is gone: the pages are the parent's alone, reused not copied */
	expect_writes(r, p, n, 2 * n, n)->c[C_COW] = 0;
	r->want_min += 2 * n;
	return 0;
}

/* Writes n pages to path and evicts them from the page cache. */
static int file_create(const char *path, long n)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		fail("create the file");
		return -1;
	}
	memset(scratch, 'v', pg);
	for (long i = 0; i < n; i++) {
		if (write(fd, scratch, pg) != pg) {
			fail("write the file");
			return -1;
		}
	}
	if (fsync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)) {
		fail("evict the file");
		return -1;
	}
	return fd;
}

/*
 * Major faults: the file is out of the page cache and MADV_RANDOM turns off
 * read-ahead, so each page is read on its own fault. Fault-around maps only
 * cached pages, and none are cached.
 */
static int file_read_cold(struct run *r, const char *path, long n,
			  char *abspath, char **mapped)
{
	struct meter m;
	long cached;
	char *p;
	int fd = file_create(path, n);

	if (fd < 0)
		return 1;
	p = mmap(NULL, n * pg, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || madvise(p, n * pg, MADV_RANDOM))
		return fail("map the file");
	close(fd);
	if (!realpath(path, abspath))
		return fail("resolve the file's path");
	cached = resident_pages(p, n);
	if (cached) {
		warn("vmwork: could not drop the page cache of %s (%ld of %ld "
		     "pages still cached; tmpfs?)", abspath, cached, n);
		return 3;
	}
	meter_start(&m, RUSAGE_SELF);
	touch_read(p, n);
	meter_stop(&m, &r->got_min, &r->got_maj);
	expect_major_reads(r, p, n)->path = abspath;
	r->want_maj += n;
	*mapped = p;
	return 0;
}

static int mode_file(struct run *r, const char *path, long n)
{
	static char abspath[PATH_MAX];
	char *p;

	return file_read_cold(r, path, n, abspath, &p);
}

/*
 * Two files with one name, DIR/a/data.bin (n pages) and DIR/b/data.bin
 * (n + 1), read cold through mappings; the second is unmapped before exit.
 */
static int mode_twofiles(struct run *r, const char *dir, long n)
{
	static char path[2][PATH_MAX], abspath[2][PATH_MAX];
	char *p[2];
	int err;

	for (int i = 0; i < 2; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/%c", dir, 'a' + i);
		if (mkdir(path[i], 0755) && errno != EEXIST)
			return fail("create the directories");
		strncat(path[i], "/data.bin", sizeof(path[i]) - strlen(path[i]) - 1);
		err = file_read_cold(r, path[i], n + i, abspath[i], &p[i]);
		if (err)
			return err;
	}
	if (munmap(p[1], (n + 1) * pg))
		return fail("unmap the second file");
	r->exp[r->nexp - 1].unmapped = 1;
	return 0;
}

/*
 * read(2) of a whole n-page file whose page cache was dropped: the kernel
 * reads exactly its n pages (nothing lies beyond its end), by read(2), into
 * a buffer faulted beforehand.
 */
static int mode_readfile(struct run *r, const char *path, long n)
{
	char *buf = map_pages(n, PROT_READ | PROT_WRITE);
	int fd = file_create(path, n);
	struct meter m;
	ssize_t got;

	if (fd < 0 || !buf)
		return 1;
	touch_write(buf, n);
	meter_start(&m, RUSAGE_SELF);
	got = pread(fd, buf, n * pg, 0);
	meter_stop(&m, &r->got_min, &r->got_maj);
	close(fd);
	if (got != n * pg)
		return fail("read the file in one call");
	say("vmwork: readfile pages=%ld", n);
	return 0;
}

/* n pages, written in their second half only: nothing in the first half. */
static int mode_half(struct run *r, long n)
{
	char *p = map_pages(n, PROT_READ | PROT_WRITE);
	long half = n / 2;
	struct meter m;

	if (!p)
		return fail("map anonymous pages");
	meter_start(&m, RUSAGE_SELF);
	touch_write(p + half * pg, n - half);
	meter_stop(&m, &r->got_min, &r->got_maj);
	r->want_min += n - half;
	expect_writes(r, p, n, n - half, 0);
	return 0;
}

/*
 * Maps, writes and unmaps n pages count times: count VMAs, each its own row.
 * A count, never a duration: how many VMAs a second holds depends on the
 * machine (and 16,384 rows fill vmtrace's map).
 */
static int mode_churn(struct run *r, long n, long count)
{
	for (long i = 0; i < count; i++) {
		char *p = anon_written(r, n);

		if (!p)
			return fail("map anonymous pages");
		if (munmap(p - pg, (n + 2) * pg))
			return fail("unmap the pages");
	}
	return 0;
}

/* The kernel takes these faults itself, in clear_user(), not user code. */
static int mode_read(struct run *r, long n)
{
	struct meter m;
	ssize_t got;
	char *p = map_pages(n, PROT_READ | PROT_WRITE);
	int fd = open("/dev/zero", O_RDONLY);

	if (!p || fd < 0)
		return fail("set up the read");
	if (read(fd, scratch, 1) != 1)	/* warms up the read path */
		return fail("read /dev/zero");
	meter_start(&m, RUSAGE_SELF);
	got = read(fd, p, n * pg);
	meter_stop(&m, &r->got_min, &r->got_maj);
	close(fd);
	if (got != n * pg)
		return fail("read /dev/zero in one call");
	expect_writes(r, p, n, n, 0);
	r->want_min += n;
	return 0;
}

/*
 * --code's proof: functions that fault known pages. noipa: never inlined,
 * cloned or folded with a twin, so each fault's IP is in the function named.
 * Each is run once on no pages first, so its own text is mapped before.
 *
 * --stacks' proof too: vmwork is built with frame pointers, but GCC sets up
 * no frame in a leaf function that needs no stack, and a frame-pointer walk
 * from such a leaf skips its caller. Each calls not_leaf() first, so each
 * has a frame and its caller is on the walked stack.
 */
static void __attribute__((noipa)) not_leaf(void)
{
}

static void __attribute__((noipa)) fill_a(char *p, long n)
{
	not_leaf();
	for (long i = 0; i < n; i++)
		((volatile char *)p)[i * pg] = 'a';
}

static void __attribute__((noipa)) fill_b(char *p, long n)
{
	not_leaf();
	for (long i = 0; i < n; i++)
		((volatile char *)p)[i * pg] = 'b';
}

static long __attribute__((noipa)) peek(const char *p, long n)
{
	long sum = 0;

	not_leaf();
	for (long i = 0; i < n; i++)
		sum += ((const volatile char *)p)[i * pg];
	return sum;
}

/*
 * read(2) by its own syscall instruction (not libc's wrapper), so the kernel's
 * faults in the fresh buffer count at an IP in this function.
 */
static long __attribute__((noipa)) read_fresh(int fd, char *p, long len)
{
	long ret;

	not_leaf();
	asm volatile("syscall" : "=a"(ret)
		     : "0"((long)SYS_read), "D"((long)fd), "S"(p), "d"(len)
		     : "rcx", "r11", "memory");
	return ret;
}

static void code_say(const char *fn, long faults, long kernel)
{
	say("code fn=%s faults=%ld major=0 kernel=%ld", fn, faults, kernel);
}

/* n writes to pages shared with a live child: each a WP fault that copies. */
static void __attribute__((noipa)) cow_write(char *p, long n)
{
	not_leaf();
	for (long i = 0; i < n; i++)
		((volatile char *)p)[i * pg] = 'c';
}

/* n reads of a file's pages out of the page cache: each a major fault. */
static long __attribute__((noipa)) read_evicted(const char *p, long n)
{
	long sum = 0;

	not_leaf();
	for (long i = 0; i < n; i++)
		sum += ((const volatile char *)p)[i * pg];
	return sum;
}

/*
 * A child that holds the parent's pages until the returned pipe end is
 * closed (then it exits; reap *child); -1 if it could not be started.
 */
static int sharer(pid_t *child)
{
	int go[2];
	char c;

	if (pipe(go))
		return -1;
	*child = fork();
	if (!*child) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		_exit(read(go[0], &c, 1) < 0);
	}
	close(go[0]);
	if (*child < 0)
		close(go[1]);
	return *child < 0 ? -1 : go[1];
}

/* n evicted file pages at path, mapped for one major fault each; NULL: failed. */
static char *file_evicted(const char *path, long n, char *abspath, int *err)
{
	int fd = file_create(path, n);
	char *p;

	*err = 1;
	if (fd < 0)
		return NULL;
	p = mmap(NULL, n * pg, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED || madvise(p, n * pg, MADV_RANDOM) || !realpath(path, abspath)) {
		fail("map the file");
		return NULL;
	}
	if (resident_pages(p, n)) {
		warn("vmwork: could not drop the page cache of %s (tmpfs?)", abspath);
		*err = 3;
		return NULL;
	}
	return p;
}

static int __attribute__((noipa)) mode_code(struct run *r, long n)
{
	char *a = map_pages(n, PROT_READ | PROT_WRITE), *b = map_pages(3 * n, PROT_READ | PROT_WRITE);
	char *c = map_pages(n / 2, PROT_READ | PROT_WRITE), *d = map_pages(n / 2, PROT_READ | PROT_WRITE);
	int fd = open("/dev/zero", O_RDONLY);
	struct meter m;
	long got;

	if (!a || !b || !c || !d || fd < 0)
		return fail("set up the code mode");
	fill_a(a, 0), fill_b(b, 0), peek(c, 0);
	if (read_fresh(fd, scratch, 1) != 1)
		return fail("read /dev/zero");
	meter_start(&m, RUSAGE_SELF);
	fill_a(a, n);
	fill_b(b, 3 * n);
	peek(c, n / 2);
	got = read_fresh(fd, d, n / 2 * pg);
	meter_stop(&m, &r->got_min, &r->got_maj);
	close(fd);
	if (got != n / 2 * pg)
		return fail("read /dev/zero in one call");
	r->want_min += n + 3 * n + n / 2 + n / 2;
	expect_writes(r, a, n, n, 0);
	expect_writes(r, b, 3 * n, 3 * n, 0);
	expect_writes(r, d, n / 2, n / 2, 0);
	code_say("fill_a", n, 0);
	code_say("fill_b", 3 * n, 0);
	code_say("peek", n / 2, 0);
	code_say("read_fresh", n / 2, n / 2);
	return 0;
}

/*
 * After a fork, the kernel's first write to the thread's rseq area (its CPU
 * number, on any return to user space after being switched out: 6.1 does it
 * every time) is a WP fault of the parent's: written once before a section.
 */
static void rseq_prefault(void)
{
	volatile char *p;

	if (!__rseq_size)
		return;
	asm("mov %%fs:0, %0" : "=r"(p));	/* the thread pointer */
	p += __rseq_offset;
	*p = *p;
}

/*
 * --code's write-protect and major faults: read_evicted reads n pages of an
 * evicted file at path (n major faults), then cow_write writes n pages a live
 * child shares (n WP faults, each a copy). The reads come first: they sleep,
 * and before the fork nothing the kernel writes on the way back is shared.
 * The stack and the rseq area are written after the fork, before the
 * section: the parent's first write to each of their pages is a WP fault too.
 */
static int __attribute__((noipa)) mode_codefaults(struct run *r, const char *path, long n)
{
	static char abspath[PATH_MAX];
	char *a = map_pages(n, PROT_READ | PROT_WRITE), *f;
	struct meter m;
	pid_t child;
	int go, err;

	if (!a)
		return fail("map anonymous pages");
	touch_write(a, n);
	cow_write(a, 0), read_evicted(a, 0);
	f = file_evicted(path, n, abspath, &err);
	if (!f)
		return err;
	stack_prefault(STACK_PREFAULT);
	meter_start(&m, RUSAGE_SELF);
	read_evicted(f, n);
	meter_stop(&m, &r->got_min, &r->got_maj);
	go = sharer(&child);
	if (go < 0)
		return fail("fork");
	stack_prefault(STACK_PREFAULT);
	rseq_prefault();
	meter_start(&m, RUSAGE_SELF);
	cow_write(a, n);
	meter_stop(&m, &r->got_min, &r->got_maj);
	close(go);
	if (waitpid(child, NULL, 0) != child)
		return fail("reap the child");
	r->want_min += n;
	r->want_maj += n;
	expect_writes(r, a, n, 2 * n, n)->c[C_COW] = n;
	expect_major_reads(r, f, n)->path = abspath;
	say("code fn=cow_write faults=%ld major=0 kernel=0 wp=%ld cow=%ld", n, n, n);
	say("code fn=read_evicted faults=%ld major=%ld kernel=0", n, n);
	return 0;
}

struct worker {
	pthread_t tid;
	pthread_barrier_t *start;
	char *p;
	long n;
	long min, maj;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct meter m;

	stack_prefault(STACK_PREFAULT_SMALL);
	pthread_barrier_wait(w->start);
	meter_start(&m, RUSAGE_THREAD);
	touch_write(w->p, w->n);
	meter_stop(&m, &w->min, &w->maj);
	return NULL;
}

/* Threads fault concurrently, each on its own mapping. */
static int mode_threads(struct run *r, long t, long n)
{
	struct worker w[MAX_THREADS] = { 0 };
	pthread_barrier_t start;
	long i;

	pthread_barrier_init(&start, NULL, t);
	for (i = 0; i < t; i++) {
		w[i] = (struct worker){ .start = &start, .n = n };
		w[i].p = map_pages(n, PROT_READ | PROT_WRITE);
		if (!w[i].p)
			return fail("map anonymous pages");
	}
	for (i = 0; i < t; i++)
		if ((errno = pthread_create(&w[i].tid, NULL, worker_run, &w[i])))
			return fail("create a thread");
	for (i = 0; i < t; i++) {
		pthread_join(w[i].tid, NULL);
		r->got_min += w[i].min;
		r->got_maj += w[i].maj;
		expect_writes(r, w[i].p, n, n, 0);
	}
	r->want_min += t * n;
	return 0;
}

/*
 * Writes n pages, drops them with MADV_DONTNEED (the VMA stays as it is) and
 * writes them again: 2n faults on one VMA, the second n on zapped pages.
 */
static int mode_dontneed(struct run *r, long n)
{
	struct meter m;
	char *p = anon_written(r, n);

	if (!p)
		return fail("map anonymous pages");
	meter_start(&m, RUSAGE_SELF);
	if (madvise(p, n * pg, MADV_DONTNEED))
		return fail("drop the pages");
	touch_write(p, n);
	meter_stop(&m, &r->got_min, &r->got_maj);
	expect_writes(r, p, n, 2 * n, 0);
	r->want_min += n;
	return 0;
}

/*
 * futex: n FUTEX_WAITs, each on an untouched page, with a value it does not
 * hold. The kernel reads the futex word with page faults disabled first (a
 * fault event it fixes up and never handles or counts), then faults the page
 * in for real: n minor faults, which 6.1 takes through get_user() (a fault
 * event of its own) and 6.18 without one. No expect line: how many fault
 * events the kernel sees depends on its version; the test checks that no
 * more than n are counted.
 */
static int mode_futex(struct run *r, long n)
{
	char *p = map_pages(n, PROT_READ | PROT_WRITE);
	struct meter m;

	if (!p)
		return fail("map the futex pages");
	meter_start(&m, RUSAGE_SELF);
	for (long i = 0; i < n; i++)
		if (syscall(SYS_futex, p + i * pg, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0) != -1 ||
		    errno != EAGAIN)
			return fail("wait on a futex in an untouched page");
	meter_stop(&m, &r->got_min, &r->got_maj);
	say("vmwork: futex pages start=0x%lx end=0x%lx", (unsigned long)p,
	    (unsigned long)(p + n * pg));
	r->want_min += n;
	return 0;
}

/*
 * split: a faulted mapping cut by mprotect, as ld.so's RELRO cuts a
 * library's data. 2n rw pages, the first n written, then made read-only:
 * those n faults stay on a row with the extent and permissions they were
 * taken under ([p, p+2n) rw-p, changed). Then each piece faults on a row of
 * its own: n reads of the read-only front (its pages dropped first), n
 * writes to the rw back.
 */
static int mode_split(struct run *r, long n)
{
	const long reads[NR_COUNTERS] = { n, n, 0, n, 0, 0, 0, 0, -1, 0, 0 };
	char *p = map_pages(2 * n, PROT_READ | PROT_WRITE);
	struct meter m;

	if (!p)
		return fail("map anonymous pages");
	meter_start(&m, RUSAGE_SELF);
	touch_write(p, n);
	if (mprotect(p, n * pg, PROT_READ) || madvise(p, n * pg, MADV_DONTNEED))
		return fail("make the front read-only");
	touch_read(p, n);
	touch_write(p + n * pg, n);
	meter_stop(&m, &r->got_min, &r->got_maj);
	expect_writes(r, p, 2 * n, n, 0)->changed = 1;
	memcpy(expect_add(r, p, n)->c, reads, sizeof(reads));
	expect_writes(r, p + n * pg, n, n, 0);
	r->want_min += 3 * n;
	return 0;
}

/*
 * mergecut: n written pages, then n more mapped right after them (they merge
 * into one VMA) and written: 2n faults on one row, which grows. Then the
 * middle n is unmapped and the tail moved by mremap: the 2n stay on a row of
 * the merged extent (changed), and the head and the moved tail, their pages
 * dropped, fault n/2 times each on rows of their own.
 */
static int mode_mergecut(struct run *r, long n)
{
	char *a = map_pages(2 * n, PROT_READ | PROT_WRITE), *b, *t;
	char *dest = map_pages(n / 2, PROT_READ | PROT_WRITE);
	long h = n / 2;
	struct vma_line v;
	struct meter m;

	if (!a || n % 2 || munmap(a + n * pg, n * pg))
		return fail("map the first half (n must be even)");
	meter_start(&m, RUSAGE_SELF);
	touch_write(a, n);
	b = mmap(a + n * pg, n * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (!dest || b != a + n * pg || small_pages(b, n * pg) ||
	    maps_find((unsigned long)a, &v) || v.end != (unsigned long)(a + 2 * n * pg))
		return fail("map a second half that merges with the first");
	touch_write(b, n);
	t = mremap(a + (n + h) * pg, h * pg, h * pg, MREMAP_MAYMOVE | MREMAP_FIXED, dest);
	if (munmap(a + h * pg, n * pg) || t != dest ||
	    madvise(a, h * pg, MADV_DONTNEED) || madvise(t, h * pg, MADV_DONTNEED))
		return fail("cut the merged mapping");
	touch_write(a, h);
	touch_write(t, h);
	meter_stop(&m, &r->got_min, &r->got_maj);
	expect_writes(r, a, 2 * n, 2 * n, 0)->changed = 1;
	expect_writes(r, a, h, h, 0);
	expect_writes(r, t, h, h, 0);
	r->want_min += 3 * n;
	return 0;
}

/* The program break aligned to a page, and n pages of it in a VMA of their own. */
static char *heap_grow(char *start, long n)
{
	char *p = sbrk(n * pg);

	/* NOHUGEPAGE (see map_pages) also splits them from libc's heap */
	if (p == (void *)-1 || small_pages(start, (p - start) + n * pg))
		return NULL;
	return p;
}

/*
 * heapshrink: n heap pages written, the heap shrunk by n/2 and grown back,
 * the n/2 new pages written: the first n faults stay on a [heap] row of the
 * extent they were taken under (changed), the n/2 on a new one.
 */
static int mode_heapshrink(struct run *r, long n)
{
	unsigned long cur = (unsigned long)sbrk(0);
	long h = n / 2;
	char *start;
	struct meter m;

	if (n % 2 || (cur % pg && sbrk(pg - cur % pg) == (void *)-1))
		return fail("align the program break (n must be even)");
	start = sbrk(0);
	if (!heap_grow(start, n))
		return fail("grow the heap");
	meter_start(&m, RUSAGE_SELF);
	touch_write(start, n);
	if (sbrk(-h * pg) == (void *)-1 || !heap_grow(start, h))
		return fail("shrink and regrow the heap");
	touch_write(start + h * pg, h);
	meter_stop(&m, &r->got_min, &r->got_maj);
	expect_writes(r, start, n, n, 0)->changed = 1;
	expect_writes(r, start, n, h, 0)->label = "[heap]";
	r->want_min += n + h;
	return 0;
}

struct stack_thread {
	pthread_t tid;
	long n;
};

static void *stack_thread_run(void *arg)
{
	stack_prefault(((struct stack_thread *)arg)->n * pg);
	return NULL;
}

/*
 * stacks: k rounds of t threads, each on a stack of s pages that vmwork
 * maps (above a PROT_NONE guard page, as glibc does, so neighbouring stacks
 * never merge) and, once the thread is joined, unmaps: t * k dead thread
 * stacks of one size, each written s - 8 pages deep by its own thread.
 */
static int mode_stacks(long t, long k, long s)
{
	struct stack_thread th[MAX_THREADS];
	void *stacks[MAX_THREADS];
	pthread_attr_t attr;

	for (long round = 0; round < k; round++) {
		for (long i = 0; i < t; i++) {
			stacks[i] = mmap(NULL, (s + 1) * pg, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
			th[i].n = s - 8;
			if (stacks[i] == MAP_FAILED || mprotect(stacks[i], pg, PROT_NONE) ||
			    pthread_attr_init(&attr) ||
			    pthread_attr_setstack(&attr, (char *)stacks[i] + pg, s * pg) ||
			    (errno = pthread_create(&th[i].tid, &attr, stack_thread_run, &th[i])))
				return fail("start a thread on a stack of its own");
			pthread_attr_destroy(&attr);
		}
		for (long i = 0; i < t; i++)
			if (pthread_join(th[i].tid, NULL) || munmap(stacks[i], (s + 1) * pg))
				return fail("join the thread and unmap its stack");
	}
	say("vmwork: stacks=%ld", t * k);
	return 0;
}

static int mode_unmap(struct run *r, long n)
{
	char *p = anon_written(r, n);

	if (!p)
		return fail("map anonymous pages");
	if (munmap(p - pg, (n + 2) * pg))	/* with its guard pages */
		return fail("unmap the pages");
	expect_writes(r, p, n, n, 0)->unmapped = 1;
	return 0;
}

struct segv_state {
	sigjmp_buf env;
	void *addr[2];
	int code[2];
	int count;
};

static struct segv_state *segv;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (segv->count < 2) {
		segv->addr[segv->count] = si->si_addr;
		segv->code[segv->count] = si->si_code;
	}
	segv->count++;
	siglongjmp(segv->env, 1);
}

/* Arms the handler for sig and runs it once, untimed, so that its code is
 * faulted in before the critical section. */
static int segv_setup(struct segv_state *s, int sig)
{
	struct sigaction sa = { .sa_sigaction = on_segv };

	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	if (sigaction(sig, &sa, NULL))
		return fail("install the signal handler");
	memset(s, 0, sizeof(*s));
	segv = s;
	if (!sigsetjmp(s->env, 1))
		kill(getpid(), sig);
	memset(s, 0, sizeof(*s));
	return 0;
}

/*
 * Two access errors, one read of a PROT_NONE page and one write to a
 * PROT_READ page: the kernel rejects both before handle_mm_fault(), so
 * neither is counted in minflt or majflt.
 */
static int mode_segv(struct run *r)
{
	struct segv_state s;
	struct meter m;
	char *none = map_pages(1, PROT_NONE);
	char *ro = map_pages(1, PROT_READ);

	if (!none || !ro)
		return fail("map the pages");
	if (segv_setup(&s, SIGSEGV))
		return 1;
	meter_start(&m, RUSAGE_SELF);
	if (!sigsetjmp(s.env, 1))
		(void)*(volatile char *)none;
	if (!sigsetjmp(s.env, 1))
		*(volatile char *)ro = 1;
	meter_stop(&m, &r->got_min, &r->got_maj);
	signal(SIGSEGV, SIG_DFL);
	if (s.count != 2 || s.addr[0] != none || s.addr[1] != ro ||
	    s.code[0] != SEGV_ACCERR || s.code[1] != SEGV_ACCERR) {
		warn("vmwork: self-check failed: %d SIGSEGVs, not the 2 "
		     "access errors expected", s.count);
		r->failed = 2;
	}
	for (int i = 0; i < 2; i++) {
		struct expect *e = expect_add(r, i ? ro : none, 1);

		e->c[C_FAULTS] = e->c[C_ERRORS] = 1;
		e->c[C_MINOR] = e->c[C_MAJOR] = e->c[C_SIGBUS] = 0;
		/* PROT_NONE guards merge with the PROT_NONE page. */
		e->vma_exact = i;
	}
	return 0;
}

/*
 * One read past the end of a one-page file through a two-page mapping: the
 * fault reaches handle_mm_fault(), which fails with VM_FAULT_SIGBUS, so it
 * is an error fault that the kernel counts in neither minflt nor majflt.
 */
static int mode_sigbus(struct run *r, const char *path)
{
	struct segv_state s;
	struct meter m;
	struct expect *e;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *p;

	memset(scratch, 'b', pg);
	if (fd < 0 || write(fd, scratch, pg) != pg)
		return fail("create the file");
	p = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return fail("map the file");
	if (segv_setup(&s, SIGBUS))
		return 1;
	meter_start(&m, RUSAGE_SELF);
	if (!sigsetjmp(s.env, 1))
		(void)*(volatile char *)(p + pg);
	meter_stop(&m, &r->got_min, &r->got_maj);
	signal(SIGBUS, SIG_DFL);
	if (s.count != 1 || s.addr[0] != p + pg || s.code[0] != BUS_ADRERR) {
		warn("vmwork: self-check failed: %d SIGBUS, not the 1 expected",
		     s.count);
		r->failed = 2;
	}
	e = expect_add(r, p + pg, 1);
	e->c[C_FAULTS] = e->c[C_ERRORS] = e->c[C_READ] = e->c[C_SIGBUS] = 1;
	e->c[C_MINOR] = e->c[C_MAJOR] = 0;
	e->vma_exact = 0;	/* the VMA is both pages */
	return 0;
}

/*
 * Runs everything a critical section uses once, untimed: its code pages,
 * the stack below, the signal stack. Later faults are then only the ones
 * the modes construct.
 */
static int setup(void)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_ONSTACK };
	stack_t ss;
	sigset_t usr1;
	struct meter m;
	long min = 0, maj = 0;

	pg = sysconf(_SC_PAGESIZE);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL) || sigaction(SIGUSR1, &sa, NULL))
		return fail("set up SIGUSR1");
	scratch = map_pages(SCRATCH_PAGES, PROT_READ | PROT_WRITE);
	if (!scratch)
		return fail("map the scratch pages");
	touch_write(scratch, SCRATCH_PAGES);
	/* Signal frames go here, never onto the stack being measured; the
	 * first page stays free for data (mode file, mode read). */
	ss = (stack_t){ .ss_sp = scratch + pg,
			.ss_size = (SCRATCH_PAGES - 1) * pg };
	if (sigaltstack(&ss, NULL))
		return fail("set the signal stack");
	stack_prefault(STACK_PREFAULT);
	/* What critical sections call, run once outside of them. */
	meter_start(&m, RUSAGE_SELF);
	touch_read(scratch, 1);
	meter_stop(&m, &min, &maj);
	resident_pages(scratch, 1);
	return 0;
}

static long arg_long(int argc, char **argv, int i, long def, long max)
{
	char *end;
	long v;

	if (i >= argc)
		return def;
	errno = 0;
	v = strtol(argv[i], &end, 0);
	if (errno || *end || v < 1 || v > max)
		return -1;
	return v;
}

static int usage(void)
{
	warn("usage: vmwork [--pause-start] [--pause-end] [--pause-child] [--hold] MODE"
	     " [ARGS]\n  modes: anon [N] | brk [N] | stack [N] | cow [N] |"
	     " file PATH [N] | read [N] | threads [T] [N] | unmap [N] | segv |"
	     " sigbus PATH | dontneed [N] | twofiles DIR [N] | readfile PATH [N] |"
	     " half [N] | churn [N] [COUNT] | forks [K] [N] [exec] |"
	     " futex [N] | split [N] | mergecut [N] | heapshrink [N] | stacks [T] [K] [S] |"
	     " code [N] | codefaults PATH [N]"
	     "\n  N pages (default 256), T threads (default 4), COUNT VMAs"
	     " (default 1000), K children (default 3)\n  --also-file PATH: one more file mapping\n"
	     "  --hold: at the end, wait until stdin has a byte, ends or fails");
	return 1;
}

#define MAX_FORKS	16

/*
 * A child of mode forks: n fresh pages written, its own expect lines and
 * rusage check; with exec, it becomes "vmwork anon n" instead (an exec of
 * the same static binary: its segments land where the old image's were).
 */
static int fork_child(long n, bool exec)
{
	static struct run c;
	char who[32], pages[32];
	char *p;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (exec) {
		snprintf(pages, sizeof(pages), "%ld", n);
		execl("/proc/self/exe", "vmwork", "anon", pages, (char *)NULL);
		return fail("exec vmwork");
	}
	stack_prefault(STACK_PREFAULT_SMALL);
	snprintf(who, sizeof(who), "child=%d ", getpid());
	c.who = who;
	p = anon_written(&c, n);
	if (!p)
		return fail("map anonymous pages");
	expect_writes(&c, p, n, n, 0);
	return run_finish(&c);
}

/*
 * k children, child i writing n + i pages; all reaped, then the kernel's
 * counters of the reaped children (everything each did since its fork).
 */
static int mode_forks(struct run *r, long k, long n, bool exec)
{
	struct rusage before, after;
	pid_t pids[MAX_FORKS];
	int st;

	getrusage(RUSAGE_CHILDREN, &before);
	for (long i = 0; i < k; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return fail("fork");
		if (!pids[i])
			_exit(fork_child(n + i, exec));
	}
	for (long i = 0; i < k; i++) {
		if (waitpid(pids[i], &st, 0) < 0)
			return fail("wait for a child");
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			warn("vmwork: child %d failed (status 0x%x)", pids[i], st);
			r->failed = 2;
		}
	}
	getrusage(RUSAGE_CHILDREN, &after);
	say("vmwork: children=%ld minflt=%ld majflt=%ld", k,
	    after.ru_minflt - before.ru_minflt, after.ru_majflt - before.ru_majflt);
	return 0;
}

/* --also-file PATH: a 16-page file, mapped shared and read (cached: minor faults). */
static int also_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *p;

	memset(scratch, 'a', pg);
	for (int i = 0; fd >= 0 && i < 16; i++)
		if (write(fd, scratch, pg) != pg)
			return fail("write the extra file");
	p = fd < 0 ? MAP_FAILED : mmap(NULL, 16 * pg, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail("map the extra file");
	close(fd);
	touch_read(p, 16);
	return 0;
}

/* Runs the mode named by argv[0]; returns the exit status. */
static int run_mode(struct run *r, int argc, char **argv)
{
	const char *mode = argv[0];
	long n = arg_long(argc, argv, 1, 256, MAX_PAGES);

	if (!strcmp(mode, "codefaults")) {
		n = arg_long(argc, argv, 2, 256, MAX_PAGES);
		return argc < 2 || argc > 3 || n < 0 ? usage() :
		       mode_codefaults(r, argv[1], n);
	}
	if (!strcmp(mode, "file")) {
		n = arg_long(argc, argv, 2, 256, MAX_PAGES);
		return argc < 2 || argc > 3 || n < 0 ? usage() :
		       mode_file(r, argv[1], n);
	}
	if (!strcmp(mode, "threads")) {
		long t = arg_long(argc, argv, 1, 4, MAX_THREADS);

		n = arg_long(argc, argv, 2, 256, MAX_PAGES);
		return argc > 3 || t < 0 || n < 0 ? usage() :
		       mode_threads(r, t, n);
	}
	if (!strcmp(mode, "twofiles") || !strcmp(mode, "readfile")) {
		n = arg_long(argc, argv, 2, 256, MAX_PAGES);
		if (argc < 2 || argc > 3 || n < 0)
			return usage();
		return mode[0] == 't' ? mode_twofiles(r, argv[1], n) :
		       mode_readfile(r, argv[1], n);
	}
	if (!strcmp(mode, "churn")) {
		long count = arg_long(argc, argv, 2, 1000, 3600 * 1000);

		if (argc > 3 || n < 0 || count < 0)
			return usage();
		return mode_churn(r, n, count);
	}
	if (!strcmp(mode, "forks")) {
		long k = arg_long(argc, argv, 1, 3, MAX_FORKS);
		bool exec = argc == 4 && !strcmp(argv[3], "exec");

		n = arg_long(argc, argv, 2, 64, MAX_PAGES);
		return argc > 4 || (argc == 4 && !exec) || k < 0 || n < 0 ? usage() :
		       mode_forks(r, k, n, exec);
	}
	if (!strcmp(mode, "stacks")) {
		long t = arg_long(argc, argv, 1, 4, MAX_THREADS), k = arg_long(argc, argv, 2, 50, 1L << 20);
		long s = arg_long(argc, argv, 3, 32, 4096);

		return argc > 4 || t < 0 || k < 0 || s < 16 ? usage() : mode_stacks(t, k, s);
	}
	if (!strcmp(mode, "segv"))
		return argc > 1 ? usage() : mode_segv(r);
	if (!strcmp(mode, "dontneed"))
		return argc > 2 || n < 0 ? usage() : mode_dontneed(r, n);
	if (!strcmp(mode, "sigbus"))
		return argc != 2 ? usage() : mode_sigbus(r, argv[1]);
	if (argc > 2 || n < 0)
		return usage();
	if (!strcmp(mode, "anon"))
		return mode_anon(r, n);
	if (!strcmp(mode, "brk"))
		return mode_brk(r, n);
	if (!strcmp(mode, "stack"))
		return mode_stack(r, n);
	if (!strcmp(mode, "cow"))
		return mode_cow(r, n);
	if (!strcmp(mode, "read"))
		return mode_read(r, n);
	if (!strcmp(mode, "code"))
		return mode_code(r, n);
	if (!strcmp(mode, "unmap"))
		return mode_unmap(r, n);
	if (!strcmp(mode, "half"))
		return mode_half(r, n);
	if (!strcmp(mode, "futex"))
		return mode_futex(r, n);
	if (!strcmp(mode, "split"))
		return mode_split(r, n);
	if (!strcmp(mode, "mergecut"))
		return mode_mergecut(r, n);
	if (!strcmp(mode, "heapshrink"))
		return mode_heapshrink(r, n);
	return usage();
}

static int parse_options(struct run *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pause-start", no_argument, NULL, 's' },
		{ "pause-end", no_argument, NULL, 'e' },
		{ "pause-child", no_argument, NULL, 'c' },
		{ "hold", no_argument, NULL, 'h' },
		{ "also-file", required_argument, NULL, 'f' },
		{ 0 }
	};
	int c;

	/* "+": options end at MODE. */
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 's')
			r->pause_start = 1;
		else if (c == 'e')
			r->pause_end = 1;
		else if (c == 'c')
			r->pause_child = 1;
		else if (c == 'h')
			r->hold = 1;
		else if (c == 'f')
			r->also_file = optarg;
		else
			return -1;
	}
	return optind < argc ? optind : -1;
}

int main(int argc, char **argv)
{
	static struct run r = { .who = "" };
	int first = parse_options(&r, argc, argv);
	int err;

	if (first < 0)
		return usage();
	if (setup())
		return 1;
	say("vmwork: pid=%d", getpid());
	if (r.pause_start) {
		say("vmwork: ready");
		wait_usr1();
	}
	if (r.also_file && also_file(r.also_file))
		return 1;
	err = run_mode(&r, argc - first, argv + first);
	if (!err)
		err = run_finish(&r);
	if (r.pause_end) {
		say("vmwork: done");
		wait_usr1();
	}
	if (r.hold) {
		int held = hold();

		if (!err)
			err = held;
	}
	if (r.zombie)
		waitpid(r.zombie, NULL, 0);
	return err;
}
