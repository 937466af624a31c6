/*
 * What is installed around the binary: man pages that render without a
 * warning, bash completion, make install's files, --version's lines. Run
 * from the top of the repository, after make (the qemu tier skips it: its
 * guest has no repository, man or bash).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "itest.h"

static const char *const man_pages[] = {
	"vmtrace.8", "vmtrace-record.8", "vmtrace-check.8", "vmtrace-diff.8",
};
#define NR_MAN_PAGES	(int)(sizeof(man_pages) / sizeof(man_pages[0]))

static const char *text_of(const struct proc *p, int which)
{
	return p->out[which].data ? p->out[which].data : "";
}

/* sh -c script; its wait status, stdout and stderr in p. */
static int shell(struct proc *p, const char *script)
{
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	ck_assert(!proc_start(p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	return proc_wait(p, itest_timeout());
}

/* Each page rendered by man with warnings on: no warning, its NAME section. */
START_TEST(man_page_renders)
{
	const char *dir = getenv("ITEST_MAN") ? getenv("ITEST_MAN") : ".output/man";
	char script[1200];
	struct proc p;
	int st;

	snprintf(script, sizeof(script), "MANWIDTH=80 man --warnings -l %s/%s", dir,
		 man_pages[_i]);
	st = shell(&p, script);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "%s: status 0x%x (make man?): %s",
		      script, st, text_of(&p, P_ERR));
	ck_assert_msg(!*text_of(&p, P_ERR), "%s warned: %s", script, text_of(&p, P_ERR));
	ck_assert_msg(strstr(text_of(&p, P_OUT), "NAME") && strstr(text_of(&p, P_OUT), "vmtrace"),
		      "%s: no NAME section: %.1000s", script, text_of(&p, P_OUT));
	proc_free(&p);
}
END_TEST

struct completion {
	const char *words;	/* COMP_WORDS, the last the word completed */
	const char *want;	/* COMPREPLY, one per line; "@PID": holds our pid */
};

static const struct completion completions[] = {
	{ "vmtrace --backend \"\"", "auto\nfentry\nkprobe\ntracepoint\n" },
	{ "vmtrace -s ma", "major\n" },
	{ "vmtrace ch", "check\n" },
	{ "vmtrace --no-inh", "--no-inherit\n" },
	{ "vmtrace -I", "-I\n" },
	{ "vmtrace check --basel", "--baseline\n" },
	{ "vmtrace --rep", "--repeat\n" },
	{ "vmtrace diff --ro", "--root\n" },
	{ "vmtrace check --wi", "--wide\n" },
	{ "vmtrace -p @PID", "@PID" },
	{ "vmtrace -o @DIR/compl", "@DIR/completion.json\n" },
};
#define NR_COMPLETIONS	(int)(sizeof(completions) / sizeof(completions[0]))

/* Replaces @PID and @DIR in s with pid and itest_dir. */
static void expand(const char *s, char *buf, size_t size, const char *pid)
{
	size_t len = 0;

	while (*s && len + 1 < size) {
		const char *with = !strncmp(s, "@PID", 4) ? pid : !strncmp(s, "@DIR", 4) ?
				   itest_dir : NULL;

		if (with) {
			len += snprintf(buf + len, size - len, "%s", with);
			s += 4;
		} else {
			buf[len++] = *s++;
		}
	}
	buf[len < size ? len : size - 1] = '\0';
}

/* completion/vmtrace.bash's function, called as bash would for words. */
START_TEST(bash_completion)
{
	const struct completion *c = &completions[_i];
	char pid[16], words[1200], want[1200], script[4096], file[1200];
	struct proc p;
	int st;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(file, sizeof(file), "%s/completion.json", itest_dir);
	fclose(fopen(file, "w"));
	expand(c->words, words, sizeof(words), pid);
	expand(c->want, want, sizeof(want), pid);
	snprintf(script, sizeof(script), "exec bash --norc -c 'source completion/vmtrace.bash && "
		 "COMP_WORDS=(%s) && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _vmtrace && "
		 "printf \"%%s\\n\" \"${COMPREPLY[@]}\"'", words);
	st = shell(&p, script);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "%s: status 0x%x: %s", words, st,
		      text_of(&p, P_ERR));
	if (!strcmp(c->want, "@PID"))
		ck_assert_msg(strstr(text_of(&p, P_OUT), want), "%s: no PID %s in: %.1000s",
			      words, pid, text_of(&p, P_OUT));
	else
		ck_assert_msg(!strcmp(text_of(&p, P_OUT), want), "%s: got \"%s\", want \"%s\"",
			      words, text_of(&p, P_OUT), want);
	proc_free(&p);
}
END_TEST

/* make install DESTDIR= PREFIX=: the binary, every man page, the completion. */
START_TEST(make_install)
{
	char script[2048], path[1400];
	struct stat st;
	struct proc p;
	int status;

	snprintf(script, sizeof(script), "make -s --no-print-directory install "
		 "DESTDIR=%s/stage PREFIX=/usr", itest_dir);
	status = shell(&p, script);
	ck_assert_msg(WIFEXITED(status) && !WEXITSTATUS(status), "%s: 0x%x: %s", script,
		      status, text_of(&p, P_ERR));
	snprintf(path, sizeof(path), "%s/stage/usr/sbin/vmtrace", itest_dir);
	ck_assert_msg(!stat(path, &st) && (st.st_mode & 0111), "no executable %s", path);
	for (int i = 0; i < NR_MAN_PAGES; i++) {
		snprintf(path, sizeof(path), "%s/stage/usr/share/man/man8/%s", itest_dir,
			 man_pages[i]);
		ck_assert_msg(!stat(path, &st) && st.st_size, "no man page %s", path);
	}
	snprintf(path, sizeof(path), "%s/stage/usr/share/bash-completion/completions/vmtrace",
		 itest_dir);
	ck_assert_msg(!stat(path, &st) && st.st_size, "no completion %s", path);
	proc_free(&p);
}
END_TEST

/* --version: a line each for vmtrace, its commit, libbpf, the kernel, BTF. */
START_TEST(version_lines)
{
	const char *argv[] = { vmtrace_path, "--version", NULL };
	const char *prefixes[] = { "vmtrace ", "commit ", "libbpf ", "kernel ", "kernel BTF ",
				   "backend " };
	char kernel[300];
	struct utsname u;
	struct proc p;
	int st;

	ck_assert(!proc_start(&p, (char **)argv, PIPE_OUT | PIPE_ERR, 0));
	st = proc_wait(&p, itest_timeout());
	assert_exit0(st, "vmtrace --version", text_of(&p, P_ERR));
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
		ck_assert_msg(!strncmp(text_of(&p, P_OUT), prefixes[i], strlen(prefixes[i])) ||
			      (strstr(text_of(&p, P_OUT), prefixes[i]) &&
			       strstr(text_of(&p, P_OUT), prefixes[i])[-1] == '\n'),
			      "no line starting \"%s\": %s", prefixes[i], text_of(&p, P_OUT));
	uname(&u);
	snprintf(kernel, sizeof(kernel), "\nkernel %s\n", u.release);
	ck_assert_msg(strstr(text_of(&p, P_OUT), kernel), "no %s", kernel);
	proc_free(&p);
}
END_TEST

Suite *install_suite(void)
{
	Suite *s = suite_create("install");
	TCase *tc = tracer_tcase("install");

	tcase_add_loop_test(tc, man_page_renders, 0, NR_MAN_PAGES);
	tcase_add_loop_test(tc, bash_completion, 0, NR_COMPLETIONS);
	tcase_add_test(tc, make_install);
	tcase_add_test(tc, version_lines);
	suite_add_tcase(s, tc);
	return s;
}
