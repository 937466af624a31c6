/*
 * Hostile input and bad luck (issue 12): output paths that are not regular
 * files, a full filesystem, signals in every phase, a deadline with a command
 * running, vmtrace killed, targets that cannot be traced, baselines that lie.
 *
 * Nothing here waits on the clock: vmtrace is held at a chosen system call
 * with ptrace where a phase must last (attaching, building the report), and
 * every other wait is for a line, an exit or a pidfd.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"
#include "../fuzz/cases.h"

#define MAX_ARGS	24
#define PF_KTHREAD	0x00200000

static const char *text_of(const struct proc *p, int which)
{
	return p->out[which].data ? p->out[which].data : "";
}

/* This test's own directory: a test case's tests share itest_dir. */
static char here[1100];

static void fresh_dir(const char *name, int i)
{
	snprintf(here, sizeof(here), "%s/%s-%d", itest_dir, name, i);
	ck_assert_msg(!mkdir(here, 0755), "mkdir %s: %s", here, strerror(errno));
}

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", here, name);
}

/* vmtrace ARGS (NULL-terminated), waited for; its wait status, output in p. */
static int run(struct proc *p, const char *const args[])
{
	const char *argv[MAX_ARGS + 2] = { vmtrace_path };
	int n = 0, st;

	while (args[n] && n < MAX_ARGS) {
		argv[n + 1] = args[n];
		n++;
	}
	ck_assert(!proc_start(p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	st = proc_wait(p, itest_timeout());
	ck_assert_msg(st != -1, "vmtrace %s timed out; stderr: %s", args[0],
		      text_of(p, P_ERR));
	return st;
}

/* Exited with code; stderr is exactly one line holding every word. */
static void assert_one_line(const struct proc *p, int st, int code,
			    const char *const words[])
{
	const char *err = text_of(p, P_ERR), *nl = strchr(err, '\n');

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == code,
		      "wait status 0x%x, wanted exit %d; stderr: %s", st, code, err);
	ck_assert_msg(!strncmp(err, "vmtrace", 7) && nl && !nl[1],
		      "stderr is not one line starting \"vmtrace\": \"%s\"", err);
	for (int i = 0; words[i]; i++)
		ck_assert_msg(strstr(err, words[i]), "stderr does not say \"%s\": %s",
			      words[i], err);
}

/* The last line of stderr holds every word (earlier lines: "tracing ..."). */
static void assert_last_line(const struct proc *p, const char *const words[])
{
	const char *err = text_of(p, P_ERR);
	size_t len = strlen(err);
	const char *last;

	ck_assert_msg(len && err[len - 1] == '\n', "stderr: \"%s\"", err);
	for (last = err + len - 1; last > err && last[-1] != '\n'; last--)
		;
	for (int i = 0; words[i]; i++)
		ck_assert_msg(strstr(last, words[i]), "the last stderr line does not say "
			      "\"%s\": %s", words[i], err);
}

/* Entries of dir other than . and ..; their names in names. */
static int entries(const char *dir, char *names, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_msg(d, "cannot list %s: %s", dir, strerror(errno));
	names[0] = '\0';
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		snprintf(names + strlen(names), len - strlen(names), " %s", e->d_name);
	}
	closedir(d);
	return n;
}

static void assert_empty_dir(const char *dir, const char *after)
{
	char names[1024];

	ck_assert_msg(!entries(dir, names, sizeof(names)), "%s left in %s:%s", after,
		      dir, names);
}

static void make_dir(char *buf, size_t len, const char *name)
{
	path_in(buf, len, name);
	ck_assert_msg(!mkdir(buf, 0755) || errno == EEXIST, "mkdir %s: %s", buf,
		      strerror(errno));
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_msg(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) &&
		      !fchmod(fd, mode) && !close(fd), "cannot write %s", path);
}

static char *read_text(const char *path)
{
	static char buf[1 << 17];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	ck_assert_msg(fd >= 0, "cannot open %s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert(n >= 0);
	buf[n] = '\0';
	return buf;
}

/* text is a vmtrace JSON report with a pid. */
static void assert_report_text(const char *text, const char *what)
{
	struct report r = { 0 };

	ck_assert_msg(!report_parse(&r, text) && report_int(&r, "pid") > 0,
		      "%s is not a report: \"%.200s\"", what, text);
	report_free(&r);
}

/*
 * argv started with stdout on path (opened with flags) and stderr piped:
 * proc_start leaves an unpiped stdout as it is, so this test's is swapped
 * for a moment.
 */
static void start_with_stdout(struct proc *p, const char *const argv[], const char *path,
			      int flags)
{
	int fd = open(path, flags), saved = dup(STDOUT_FILENO);

	ck_assert_msg(fd >= 0 && saved >= 0, "cannot open %s", path);
	ck_assert(dup2(fd, STDOUT_FILENO) == STDOUT_FILENO);
	ck_assert(!proc_start(p, (char **)argv, PIPE_ERR, 0));
	ck_assert(dup2(saved, STDOUT_FILENO) == STDOUT_FILENO);
	close(fd);
	close(saved);
}

/* ---- output files ---- */

/* A character device like /dev/null (1:3) or /dev/full (1:7), in our own directory. */
static void make_device(char *buf, size_t len, const char *name, unsigned int minor)
{
	int fd;

	path_in(buf, len, name);
	ck_assert_msg(!mknod(buf, S_IFCHR | 0666, makedev(1, minor)), "mknod %s: %s", buf,
		      strerror(errno));
	fd = open(buf, O_WRONLY);
	ck_assert_msg(fd >= 0, "cannot open the device node %s (%s): is ITEST_TMPDIR "
		      "mounted nodev?", buf, strerror(errno));
	close(fd);
}

static void assert_device(const char *path, unsigned int minor)
{
	struct stat st;

	ck_assert(!lstat(path, &st));
	ck_assert_msg(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, minor),
		      "%s is no longer the device (mode 0%o)", path, st.st_mode);
}

/* -o to a device writes to it, never replaces it: /dev/null and /dev/full. */
START_TEST(test_devices)
{
	const char *words[] = { "failed to write", NULL, "No space left on device", NULL };
	char null[1100], full[1100];
	const char *to_null[] = { "-j", "-o", null, "--", "/bin/true", NULL };
	const char *to_full[] = { "-j", "-o", full, "--", "/bin/true", NULL };
	struct proc p;
	int st;

	fresh_dir("devices", _i);
	make_device(null, sizeof(null), "null", 3);
	make_device(full, sizeof(full), "full", 7);
	st = run(&p, to_null);
	assert_exit0(st, "vmtrace -o NULL-DEVICE", text_of(&p, P_ERR));
	assert_device(null, 3);
	proc_free(&p);
	st = run(&p, to_full);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "-o FULL-DEVICE: status 0x%x",
		      st);
	words[1] = full;
	assert_last_line(&p, words);
	assert_device(full, 7);
	proc_free(&p);
}
END_TEST

/* stdout (-o -) on a full device: the report's write error is said, exit 1. */
START_TEST(test_stdout_full)
{
	const char *words[] = { "failed to write stdout", "No space left on device", NULL };
	const char *argv[] = { vmtrace_path, "-j", "-o", "-", "--", "/bin/true", NULL };
	char full[1100];
	struct proc p;
	int st;

	fresh_dir("stdout_full", _i);
	make_device(full, sizeof(full), "full", 7);
	start_with_stdout(&p, argv, full, O_WRONLY);
	st = proc_wait(&p, itest_timeout());
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status 0x%x; stderr: %s", st,
		      text_of(&p, P_ERR));
	assert_last_line(&p, words);
	proc_free(&p);
}
END_TEST

/* A FIFO gets the report and stays a FIFO. */
START_TEST(test_fifo)
{
	char fifo[1100], *text = malloc(1 << 20);
	const char *args[] = { "-j", "-o", fifo, "--", "/bin/true", NULL };
	struct stat sb;
	size_t len = 0;
	ssize_t n;
	struct proc p;
	int rd, st;

	fresh_dir("fifo", _i);
	path_in(fifo, sizeof(fifo), "fifo");
	ck_assert(text && !mkfifo(fifo, 0644));
	/* a reader first, so that vmtrace's open does not wait for one */
	rd = open(fifo, O_RDONLY | O_NONBLOCK);
	ck_assert(rd >= 0);
	st = run(&p, args);
	assert_exit0(st, "vmtrace -o FIFO", text_of(&p, P_ERR));
	while ((n = read(rd, text + len, (1 << 20) - 1 - len)) > 0)
		len += n;
	text[len] = '\0';
	close(rd);
	assert_report_text(text, "what came out of the FIFO");
	ck_assert(!lstat(fifo, &sb) && S_ISFIFO(sb.st_mode));
	proc_free(&p);
	free(text);
}
END_TEST

/*
 * A /dev/stdout of our own: the same symlink to /proc/self/fd/1 in the test's
 * directory, so that a vmtrace that replaces it (as one did) replaces that.
 */
static void own_stdout(char *buf, size_t len)
{
	path_in(buf, len, "stdout");
	ck_assert(!symlink("/proc/self/fd/1", buf));
}

/* A symlink's target is written and the link stays; /dev/stdout is stdout. */
START_TEST(test_symlink_and_stdout)
{
	char target[1100], link[1100], buf[1100], std[1100];
	const char *via_link[] = { "-j", "-o", link, "--", "/bin/true", NULL };
	const char *to_stdout[] = { "-j", "-o", std, "--", "/bin/true", NULL };
	struct stat sb;
	struct proc p;
	ssize_t n;

	fresh_dir("symlink_and_stdout", _i);
	own_stdout(std, sizeof(std));
	path_in(target, sizeof(target), "target.json");
	path_in(link, sizeof(link), "link.json");
	write_text(target, "old text, longer than nothing\n", 0644);
	ck_assert(!symlink("target.json", link));
	assert_exit0(run(&p, via_link), "vmtrace -o SYMLINK", text_of(&p, P_ERR));
	n = readlink(link, buf, sizeof(buf) - 1);
	ck_assert_msg(n == 11 && !memcmp(buf, "target.json", 11), "the symlink was replaced");
	assert_report_text(read_text(target), "the symlink's target");
	proc_free(&p);
	assert_exit0(run(&p, to_stdout), "vmtrace -o /dev/stdout", text_of(&p, P_ERR));
	assert_report_text(text_of(&p, P_OUT), "stdout");
	ck_assert(!lstat(std, &sb) && S_ISLNK(sb.st_mode));
	proc_free(&p);
}
END_TEST

/* -o /dev/stdout onto a file opened for appending: appended, not truncated. */
START_TEST(test_stdout_append)
{
	char log[1100], std[1100], *text;
	const char *argv[] = { vmtrace_path, "-j", "-o", std, "--", "/bin/true", NULL };
	struct proc p;

	fresh_dir("stdout_append", _i);
	own_stdout(std, sizeof(std));
	path_in(log, sizeof(log), "log.txt");
	write_text(log, "kept\n", 0644);
	start_with_stdout(&p, argv, log, O_WRONLY | O_APPEND);
	assert_exit0(proc_wait(&p, itest_timeout()), "vmtrace -o /dev/stdout >>",
		     text_of(&p, P_ERR));
	text = read_text(log);
	ck_assert_msg(!strncmp(text, "kept\n{", 6), "the log was not appended to: %.100s",
		      text);
	assert_report_text(text + 5, "what was appended");
	proc_free(&p);
}
END_TEST

/* A write-protected file is refused before tracing, and left as it was. */
START_TEST(test_write_protected)
{
	const char *words[] = { "refusing to replace", NULL, "write-protected", NULL };
	char ro[1100], names[1024];
	const char *args[] = { "-j", "-o", ro, "--", "/bin/true", NULL };
	struct stat sb;
	struct proc p;

	fresh_dir("write_protected", _i);
	path_in(ro, sizeof(ro), "ro.json");
	write_text(ro, "old\n", 0444);
	words[1] = ro;
	assert_one_line(&p, run(&p, args), 1, words);
	ck_assert_str_eq(read_text(ro), "old\n");
	ck_assert(!stat(ro, &sb) && (sb.st_mode & 07777) == 0444);
	ck_assert_int_eq(entries(here, names, sizeof(names)), 1);
	proc_free(&p);
}
END_TEST

/*
 * A replaced file keeps its mode and owner; a new one gets 0666 & ~umask;
 * a file with a second hard link is written in place, so the link sees it.
 */
START_TEST(test_modes)
{
	char kept[1100], fresh[1100], linked[1100], other[1100];
	const char *to_kept[] = { "-j", "-o", kept, "--", "/bin/true", NULL };
	const char *to_fresh[] = { "-j", "-o", fresh, "--", "/bin/true", NULL };
	const char *to_linked[] = { "-j", "-o", linked, "--", "/bin/true", NULL };
	struct stat before, after;
	struct proc p;

	fresh_dir("modes", _i);
	path_in(kept, sizeof(kept), "kept.json");
	path_in(fresh, sizeof(fresh), "fresh.json");
	path_in(linked, sizeof(linked), "linked.json");
	path_in(other, sizeof(other), "other-name.json");
	write_text(kept, "old\n", 0604);
	ck_assert(!chown(kept, 65534, 65534) && !stat(kept, &before));
	assert_exit0(run(&p, to_kept), "vmtrace -o 0604-FILE", text_of(&p, P_ERR));
	ck_assert(!stat(kept, &after));
	ck_assert_msg((after.st_mode & 07777) == 0604 && after.st_uid == 65534 &&
		      after.st_gid == 65534, "mode 0%o owner %d:%d, wanted 0604 65534:65534",
		      after.st_mode & 07777, after.st_uid, after.st_gid);
	ck_assert_msg(after.st_ino != before.st_ino, "replaced in place, not atomically");
	assert_report_text(read_text(kept), "the replaced file");
	proc_free(&p);

	umask(027);	/* inherited by vmtrace; Check forks each test */
	assert_exit0(run(&p, to_fresh), "vmtrace -o NEW-FILE", text_of(&p, P_ERR));
	ck_assert(!stat(fresh, &after));
	ck_assert_msg((after.st_mode & 07777) == 0640, "a new file under umask 027 is "
		      "0%o, wanted 0640", after.st_mode & 07777);
	proc_free(&p);

	write_text(linked, "old\n", 0644);
	ck_assert(!link(linked, other));
	assert_exit0(run(&p, to_linked), "vmtrace -o LINKED-FILE", text_of(&p, P_ERR));
	assert_report_text(read_text(other), "the file's other hard link");
	proc_free(&p);
}
END_TEST

/*
 * A 4 KiB tmpfs in a private mount namespace, held by a child that waits:
 * vmtrace reaches it through /proc/CHILD/root, so this test, its checks and
 * vmtrace run where they always do. Returns the child; the mount's path in
 * mnt.
 */
static pid_t tiny_tmpfs(char *mnt, size_t len)
{
	char dir[1100];
	int ready[2];
	pid_t pid;
	char c;

	make_dir(dir, sizeof(dir), "tiny");
	ck_assert(!pipe(ready));
	pid = fork();
	ck_assert(pid >= 0);
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		c = unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("tiny", dir, "tmpfs", 0, "size=4k,mode=0755") ? 'e' : 'k';
		if (write(ready[1], &c, 1) != 1 || c == 'e')
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ck_assert_msg(read(ready[0], &c, 1) == 1 && c == 'k',
		      "could not mount a tmpfs in a private mount namespace");
	close(ready[0]);
	snprintf(mnt, len, "/proc/%d/root%s", pid, dir);
	return pid;
}

/* A full filesystem: the error names the path, nothing is left behind. */
START_TEST(test_enospc)
{
	const char *words[] = { "failed to write", NULL, "No space left on device", NULL };
	char mnt[1300], out[1400];
	const char *args[] = { "-j", "-o", out, "--", "/bin/true", NULL };
	struct proc p;
	pid_t holder = tiny_tmpfs(mnt, sizeof(mnt));
	int st;

	fresh_dir("enospc", _i);
	snprintf(out, sizeof(out), "%s/report.json", mnt);
	st = run(&p, args);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status 0x%x; stderr: %s", st,
		      text_of(&p, P_ERR));
	words[1] = out;
	assert_last_line(&p, words);
	assert_empty_dir(mnt, "a failed write");
	proc_free(&p);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
}
END_TEST

/* pid's exit, seen through its pidfd (not our child: no waitpid). */
static bool exits_within(pid_t pid, int ms)
{
	int fd = syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = { fd, POLLIN, 0 };
	bool gone = fd < 0 || poll(&p, 1, ms) > 0;

	if (fd >= 0)
		close(fd);
	return gone;
}

/* Whether pid has a SIGKILL pending or is exiting: /proc/PID/status. */
static bool dying(pid_t pid)
{
	char path[64], line[256];
	bool d = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "State:", 6))
			d |= strchr(line, 'Z') || strchr(line, 'X');
		if (!strncmp(line, "ShdPnd:", 7) || !strncmp(line, "SigPnd:", 7))
			d |= strtoull(line + 7, NULL, 16) & (1ULL << (SIGKILL - 1));
	}
	if (f)
		fclose(f);
	return !f || d;
}

/*
 * vmtrace SIGKILLed while tracing a command into -o: no report and no
 * temporary file; the command dies with it (_i = 0), or with --orphan
 * lives on and finishes its work (_i = 1).
 */
START_TEST(test_sigkill)
{
	bool orphan = _i;
	char dir[1100], out[1200];
	/* -v: the "tracing" line, which a command's run prints only then */
	const char *argv[] = { vmtrace_path, "-v", "-j", "-o", out, orphan ? "--orphan" : "-j",
			       "--", vmwork_path, "--pause-start", "anon", "10", NULL };
	const char *line;
	struct proc p;
	pid_t work;

	fresh_dir("sigkill", _i);
	make_dir(dir, sizeof(dir), "killed");
	snprintf(out, sizeof(out), "%s/report.json", dir);
	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	ck_assert_msg(proc_wait_line(&p, P_ERR, "vmtrace: tracing", itest_timeout()),
		      "vmtrace never traced: %s", text_of(&p, P_ERR));
	line = proc_wait_line(&p, P_OUT, "vmwork: ready", itest_timeout());
	work = text_pid(text_of(&p, P_OUT), "vmwork: pid=");
	ck_assert_msg(line && work > 0, "vmwork did not pause: %s", text_of(&p, P_OUT));
	ck_assert(!kill(p.pid, SIGKILL));
	/* not proc_wait(): an orphaned vmwork holds the pipes open */
	ck_assert(waitpid(p.pid, &p.status, 0) == p.pid);
	assert_empty_dir(dir, "vmtrace SIGKILLed");
	if (!orphan) {
		ck_assert_msg(exits_within(work, itest_timeout()),
			      "the command (PID %d) outlived vmtrace", work);
	} else {
		/* the parent-death signal was sent, if at all, before vmtrace was reaped */
		ck_assert_msg(!dying(work), "--orphan: the command is being killed");
		ck_assert(!kill(work, SIGUSR1));
		ck_assert_msg(exits_within(work, itest_timeout()), "vmwork did not finish");
	}
	proc_free(&p);
}
END_TEST

/* ---- signals and the deadline ---- */

/*
 * -d with a command still running: the report first, then SIGTERM, said on
 * stderr (_i = 0); a command that ignores SIGTERM gets SIGKILL 2 s later (_i = 1).
 */
START_TEST(test_duration_command)
{
	bool ignores = _i;
	char out[1100], script[1300];
	const char *plain[] = { "-d", "0.3", "-j", "-o", out, "--", vmwork_path,
				"--pause-start", "anon", "10", NULL };
	const char *deaf[] = { "-d", "0.3", "-j", "-o", out, "--", "/bin/sh", "-c", script,
			       NULL };
	const char *words[] = { "-d 0.3 s elapsed: stopped the command (PID",
				ignores ? "with SIGKILL (it outlived SIGTERM by 2 s)" :
				"with SIGTERM", NULL };
	struct report rep = { 0 };
	char err[256];
	struct proc p;
	int st;

	fresh_dir("duration_command", _i);
	path_in(out, sizeof(out), "duration.json");
	snprintf(script, sizeof(script), "trap '' TERM; exec %s --pause-start anon 10",
		 vmwork_path);
	st = run(&p, ignores ? deaf : plain);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 128 + (ignores ? SIGKILL : SIGTERM),
		      "status 0x%x; stderr: %s", st, text_of(&p, P_ERR));
	assert_last_line(&p, words);
	ck_assert_msg(!report_load(&rep, out, err, sizeof(err)), "%s", err);
	report_free(&rep);
	proc_free(&p);
}
END_TEST

/* The live view: none under 0.05 s; with -d, no more screens than d/i + 1. */
START_TEST(test_live_interval)
{
	const char *fast[] = { "-I", "10", "-p", "1", NULL };
	const char *words[] = { "invalid interval: '10'", "at least 50", NULL };
	const char *live[] = { "-I", "50", "-d", "0.5", "--", vmwork_path, "--pause-start",
			       "anon", "10", NULL };
	const char *s;
	struct proc p;
	int screens = 0, st;

	fresh_dir("live_interval", _i);
	assert_one_line(&p, run(&p, fast), 2, words);
	proc_free(&p);
	st = run(&p, live);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGTERM, "status 0x%x", st);
	for (s = text_of(&p, P_ERR); (s = strstr(s, "\nvmtrace  PID ")); s++)	/* a command's: stderr */
		screens++;
	ck_assert_msg(screens >= 1 && screens <= 11, "%d live screens for -d 0.5 -I 50",
		      screens);
	proc_free(&p);
}
END_TEST

/* argv under ptrace, stopped at its exec; stdout and stderr piped as proc_start does. */
static void traced_start(struct proc *p, const char *const argv[])
{
	int fds[P_NR][2], st;

	memset(p, 0, sizeof(*p));
	p->status = -1;
	for (int i = 0; i < P_NR; i++)
		ck_assert(!pipe2(fds[i], O_CLOEXEC));
	p->pid = fork();
	ck_assert(p->pid >= 0);
	if (!p->pid) {
		if (dup2(fds[P_OUT][1], 1) < 0 || dup2(fds[P_ERR][1], 2) < 0)
			_exit(126);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	for (int i = 0; i < P_NR; i++) {
		close(fds[i][1]);
		p->fd[i] = fds[i][0];
	}
	ck_assert(waitpid(p->pid, &st, 0) == p->pid && WIFSTOPPED(st));
	ck_assert(!ptrace(PTRACE_SETOPTIONS, p->pid, NULL,
			  PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
}

/*
 * Runs the traced main thread (vmtrace's other threads run free) until it
 * enters system call nr, with nargs2 as its second argument if not -1.
 */
static void traced_until(struct proc *p, long nr, long arg2)
{
	int sig = 0, st;

	for (;;) {
		struct __ptrace_syscall_info info;

		ck_assert(!ptrace(PTRACE_SYSCALL, p->pid, NULL, (void *)(long)sig));
		ck_assert(waitpid(p->pid, &st, 0) == p->pid);
		ck_assert_msg(WIFSTOPPED(st), "vmtrace ended (0x%x) before system call %ld; "
			      "stderr: %s", st, nr, text_of(p, P_ERR));
		sig = WSTOPSIG(st) == (SIGTRAP | 0x80) ? 0 : WSTOPSIG(st);
		if (sig || ptrace(PTRACE_GET_SYSCALL_INFO, p->pid, sizeof(info), &info) <= 0)
			continue;
		if (info.op == PTRACE_SYSCALL_INFO_ENTRY && (long)info.entry.nr == nr &&
		    (arg2 < 0 || (long)info.entry.args[1] == arg2))
			return;
	}
}

/*
 * -p of a process that exits while vmtrace attaches (held at its first bpf()
 * call, after the PID was opened and checked): one line, exit 1, no report.
 */
START_TEST(test_vanished_pid)
{
	const char *wargs[] = { "--pause-start", "anon", "10", NULL };
	const char *words[] = { "exited while vmtrace was attaching", NULL };
	char out[1100], pid[16];
	const char *argv[] = { vmtrace_path, "-j", "-o", out, "-p", pid, NULL };
	struct session s = { 0 };
	struct proc p;

	fresh_dir("vanished_pid", _i);
	path_in(out, sizeof(out), "report.json");
	work_start(&s, wargs, true);
	snprintf(pid, sizeof(pid), "%d", s.wpid);
	traced_start(&p, argv);
	traced_until(&p, SYS_bpf, -1);
	ck_assert(!kill(s.wpid, SIGKILL));
	ck_assert(proc_wait(&s.work, itest_timeout()) >= 0);
	ck_assert(!ptrace(PTRACE_DETACH, p.pid, NULL, NULL));
	words[0] = "exited while vmtrace was attaching";
	assert_one_line(&p, proc_wait(&p, itest_timeout()), 1, words);
	ck_assert_msg(access(out, F_OK), "a report of nothing was written");
	proc_free(&p);
	session_free(&s);
}
END_TEST

/*
 * Signals while the report is built (vmtrace's main thread held at its first
 * bpf() call after the wait loop): the first is answered with a line; a second
 * abandons the report, exit 1, nothing written (_i = 0); with one only, the
 * report is finished (_i = 1).
 */
START_TEST(test_signal_during_report)
{
	const char *wargs[] = { "--pause-start", "anon", "10", NULL };
	const char *gone[] = { "SIGINT again: the report is abandoned", NULL };
	char out[1100], pid[16];
	const char *argv[] = { vmtrace_path, "-j", "-o", out, "-p", pid, NULL };
	struct session s = { 0 };
	struct report rep = { 0 };
	char err[256];
	struct proc p;
	int st;

	fresh_dir("signal_during_report", _i);
	path_in(out, sizeof(out), "report.json");
	work_start(&s, wargs, true);
	snprintf(pid, sizeof(pid), "%d", s.wpid);
	traced_start(&p, argv);
	traced_until(&p, SYS_poll, 2);	/* the wait loop: its signals and the pidfd */
	ck_assert(!kill(s.wpid, SIGUSR1));	/* the workload runs and exits */
	ck_assert(proc_wait(&s.work, itest_timeout()) >= 0);
	traced_until(&p, SYS_bpf, -1);	/* reading the rows: the report has begun */
	ck_assert(!kill(p.pid, SIGTERM));
	ck_assert_msg(proc_wait_line(&p, P_ERR, "vmtrace: SIGTERM: building the report; "
				     "again to abandon it", itest_timeout()),
		      "no answer to SIGTERM: %s", text_of(&p, P_ERR));
	if (_i == 0) {
		ck_assert(!kill(p.pid, SIGINT));
		st = proc_wait(&p, itest_timeout());
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status 0x%x", st);
		assert_last_line(&p, gone);
		assert_empty_dir(here, "an abandoned report");
	} else {
		ck_assert(!ptrace(PTRACE_DETACH, p.pid, NULL, NULL));
		assert_exit0(proc_wait(&p, itest_timeout()), "vmtrace", text_of(&p, P_ERR));
		ck_assert_msg(!report_load(&rep, out, err, sizeof(err)), "%s", err);
		ck_assert_int_eq(report_int(&rep, "pid"), s.wpid);
		report_free(&rep);
	}
	proc_free(&p);
	session_free(&s);
}
END_TEST

/*
 * A FIFO whose reader stopped reading (a 4 KiB pipe, a report several times
 * that): vmtrace blocks writing to it; SIGTERM is answered, SIGINT ends it.
 */
START_TEST(test_signal_blocked_fifo)
{
	const char *gone[] = { "SIGINT again: the report is abandoned", NULL };
	char fifo[1100];
	const char *argv[] = { vmtrace_path, "-j", "-o", fifo, "--", "/bin/true", NULL };
	struct pollfd pfd;
	struct proc p;
	int st;

	fresh_dir("signal_blocked_fifo", _i);
	path_in(fifo, sizeof(fifo), "fifo");
	ck_assert(!mkfifo(fifo, 0644));
	pfd = (struct pollfd){ open(fifo, O_RDONLY | O_NONBLOCK), POLLIN, 0 };
	ck_assert(pfd.fd >= 0 && fcntl(pfd.fd, F_SETPIPE_SZ, 4096) >= 0);
	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	/* data in the pipe: the report is being written, and cannot all fit */
	ck_assert_msg(poll(&pfd, 1, itest_timeout()) == 1, "nothing came out of the FIFO");
	ck_assert(!kill(p.pid, SIGTERM));
	ck_assert_msg(proc_wait_line(&p, P_ERR, "vmtrace: SIGTERM: writing the report; again "
				     "to abandon it", itest_timeout()),
		      "no answer to SIGTERM: %s", text_of(&p, P_ERR));
	ck_assert(!kill(p.pid, SIGINT));
	st = proc_wait(&p, itest_timeout());
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status 0x%x", st);
	assert_last_line(&p, gone);
	close(pfd.fd);
	proc_free(&p);
}
END_TEST

/* ---- targets ---- */

/* The PID under test alone (_i = 0), or second in a -p list after a live one. */
static const char *pid_arg(char *buf, size_t len, pid_t pid, int i)
{
	if (i)
		snprintf(buf, len, "%d,%d", (int)getpid(), (int)pid);
	else
		snprintf(buf, len, "%d", (int)pid);
	return buf;
}

/* A kernel thread: /proc/2 is kthreadd, checked by its flags. */
START_TEST(test_kernel_thread)
{
	char list[32];
	const char *args[] = { "-p", pid_arg(list, sizeof(list), 2, _i), NULL };
	const char *words[] = { "PID 2", "is a kernel thread", NULL };
	char line[1024], *paren;
	unsigned long flags = 0;
	FILE *f = fopen("/proc/2/stat", "r");
	struct proc p;

	fresh_dir("kernel_thread", _i);
	ck_assert(f && fgets(line, sizeof(line), f));
	fclose(f);
	paren = strrchr(line, ')');
	ck_assert(paren && sscanf(paren + 2, "%*c %*d %*d %*d %*d %*d %lu", &flags) == 1);
	ck_assert_msg(flags & PF_KTHREAD, "PID 2 is not a kernel thread here");
	assert_one_line(&p, run(&p, args), 1, words);
	proc_free(&p);
}
END_TEST

/* A zombie: our child, exited and not reaped (waitid WNOWAIT waits for that). */
START_TEST(test_zombie)
{
	const char *words[] = { "is a zombie", NULL };
	char pid[32];
	const char *args[] = { "-p", pid, NULL };
	siginfo_t info;
	struct proc p;
	pid_t child;

	fresh_dir("zombie", _i);
	child = fork();
	ck_assert(child >= 0);
	if (!child)
		_exit(0);
	ck_assert(!waitid(P_PID, child, &info, WEXITED | WNOWAIT));
	pid_arg(pid, sizeof(pid), child, _i);
	assert_one_line(&p, run(&p, args), 1, words);
	proc_free(&p);
	waitpid(child, NULL, 0);
}
END_TEST

struct usage {
	const char *args[8];
	const char *says;
};

static const struct usage usages[] = {
	/* -p lists, as perf's: a PID twice, an empty element, one PID too many */
	{ { "-p", "1", "-p", "1" }, "-p: PID 1 listed twice" },
	{ { "-p", "1,2,1" }, "-p: PID 1 listed twice" },
	{ { "-p", "1,,2" }, "-p 1,,2: an empty element in the PID list" },
	{ { "-p", "1,2," }, "-p 1,2,: an empty element in the PID list" },
	{ { "-p", "1,x" }, "invalid PID: 'x'" },
	{ { "-p", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,"
	    "26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,"
	    "51,52,53,54,55,56,57,58,59,60,61,62,63,64,65" }, "-p: more than 64 PIDs" },
	{ { "-d", "nan", "-p", "1" }, "invalid duration: 'nan'" },
	{ { "-d", "inf", "-p", "1" }, "invalid duration: 'inf'" },
	{ { "-d", "-5", "-p", "1" }, "invalid duration: '-5'" },
	{ { "-d", "0x10", "-p", "1" }, "invalid duration: '0x10'" },
};

START_TEST(test_usage)
{
	const char *words[] = { usages[_i].says, NULL };
	struct proc p;

	fresh_dir("usage", _i);
	assert_one_line(&p, run(&p, usages[_i].args), 2, words);
	proc_free(&p);
}
END_TEST

/* ---- baselines ---- */

#define BL_CMD(cmd, extra) "{\"vmtrace_baseline\":1,\"command\":\"" cmd "\"" extra \
	",\"runs\":1,\"rows\":[" BL_ROW("[heap]", "rw-p", "0", BL_CTR("[10,10,10]")) "]}"

/* diff of two commands' baselines: a warning; --strict: exit 2 and no table. */
START_TEST(test_other_command)
{
	const char *warn[] = { "warning: baseline", "was recorded for './app one'",
			       "for './app two'", NULL };
	const char *strict_words[] = { "was recorded for './app one'", "(--strict)", NULL };
	const char *check_words[] = { "was recorded for './app one'",
				      "this command is '/bin/true'", NULL };
	char a[1100], b[1100];
	const char *diff[] = { "diff", a, b, NULL };
	const char *strict[] = { "diff", "--strict", a, b, NULL };
	const char *check[] = { "check", "--strict", "--baseline", a, "--", "/bin/true", NULL };
	struct proc p;
	int st;

	fresh_dir("other_command", _i);
	path_in(a, sizeof(a), "a.json");
	path_in(b, sizeof(b), "b.json");
	write_text(a, BL_CMD("./app one", ""), 0644);
	write_text(b, BL_CMD("./app two", ""), 0644);
	st = run(&p, diff);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "diff: status 0x%x", st);
	assert_one_line(&p, st, 0, warn);
	ck_assert_msg(strstr(text_of(&p, P_OUT), "vmtrace diff: PASS"), "no verdict");
	proc_free(&p);
	assert_one_line(&p, run(&p, strict), 2, strict_words);
	ck_assert_msg(!*text_of(&p, P_OUT), "a table under --strict: %s", text_of(&p, P_OUT));
	proc_free(&p);
	assert_one_line(&p, run(&p, check), 2, check_words);
	proc_free(&p);
}
END_TEST

struct refusal {
	const char *args[8];	/* @A: a baseline listing cow unavailable; @D: a directory */
	const char *says;
};

static const struct refusal refusals[] = {
	{ { "diff", "--tolerance-for", "cow=0", "@A", "@A" },
	  "--tolerance-for cow: the backend of baseline" },
	{ { "diff", "--tolerance", "0x10%", "@A", "@A" }, "invalid --tolerance: '0x10%'" },
	{ { "diff", "@D", "@A" }, "is a directory" },
	{ { "record", "--strict", "-o", "@A", "--", "/bin/true" }, "--strict does not apply" },
};

START_TEST(test_refusals)
{
	const struct refusal *r = &refusals[_i];
	const char *words[] = { r->says, NULL }, *args[9] = { 0 };
	char a[1100], d[1100];
	struct proc p;

	fresh_dir("refusals", _i);
	path_in(a, sizeof(a), "a.json");
	make_dir(d, sizeof(d), "adir");
	write_text(a, BL_CMD("./app", ",\"backend\":\"tracepoint\",\"unavailable\":[\"cow\"]"),
		   0644);
	for (int i = 0; r->args[i]; i++)
		args[i] = !strcmp(r->args[i], "@A") ? a : !strcmp(r->args[i], "@D") ? d :
			  r->args[i];
	assert_one_line(&p, run(&p, args), 2, words);
	ck_assert_msg(!*text_of(&p, P_OUT), "printed a table: %s", text_of(&p, P_OUT));
	proc_free(&p);
}
END_TEST

/* The table to a full stdout: said, exit 2, not a verdict nobody saw. */
START_TEST(test_verdict_to_full)
{
	const char *words[] = { "failed to write to stdout", "No space left on device", NULL };
	char a[1100], full[1100];
	const char *argv[] = { vmtrace_path, "diff", a, a, NULL };
	struct proc p;

	fresh_dir("verdict_to_full", _i);
	path_in(a, sizeof(a), "a.json");
	write_text(a, BL_GOOD, 0644);
	make_device(full, sizeof(full), "full", 7);
	start_with_stdout(&p, argv, full, O_WRONLY);
	assert_one_line(&p, proc_wait(&p, itest_timeout()), 2, words);
	proc_free(&p);
}
END_TEST

Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *out = tracer_tcase("output");
	TCase *sig = tracer_tcase("signals");
	TCase *targets = tracer_tcase("targets");
	TCase *base = tracer_tcase("baselines");

	tcase_add_test(out, test_devices);
	tcase_add_test(out, test_stdout_full);
	tcase_add_test(out, test_fifo);
	tcase_add_test(out, test_symlink_and_stdout);
	tcase_add_test(out, test_stdout_append);
	tcase_add_test(out, test_write_protected);
	tcase_add_test(out, test_modes);
	tcase_add_test(out, test_enospc);
	tcase_add_loop_test(out, test_sigkill, 0, 2);
	tcase_add_loop_test(sig, test_duration_command, 0, 2);
	tcase_add_test(sig, test_live_interval);
	tcase_add_loop_test(sig, test_signal_during_report, 0, 2);
	tcase_add_test(sig, test_signal_blocked_fifo);
	tcase_add_loop_test(targets, test_kernel_thread, 0, 2);
	tcase_add_loop_test(targets, test_zombie, 0, 2);
	tcase_add_test(targets, test_vanished_pid);
	tcase_add_loop_test(targets, test_usage, 0, (int)(sizeof(usages) / sizeof(*usages)));
	tcase_add_test(base, test_other_command);
	tcase_add_loop_test(base, test_refusals, 0, (int)(sizeof(refusals) / sizeof(*refusals)));
	tcase_add_test(base, test_verdict_to_full);
	suite_add_tcase(s, out);
	suite_add_tcase(s, sig);
	suite_add_tcase(s, targets);
	suite_add_tcase(s, base);
	return s;
}
