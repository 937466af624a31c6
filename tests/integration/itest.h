/* Integration tests of vmtrace: shared declarations. */
#ifndef ITEST_H
#define ITEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <check.h>
#include <json-c/json.h>

#define MSG_MAX		4096

/* ---- proc.c: child processes with captured output ---- */

enum { P_OUT, P_ERR, P_NR };
#define PIPE_OUT	(1u << P_OUT)
#define PIPE_ERR	(1u << P_ERR)
#define PIPE_IN		(1u << P_NR)	/* stdin from a pipe: proc.in */

struct outbuf {
	char *data;		/* NUL-terminated */
	size_t len, cap;
	size_t seen;		/* lines before this were returned already */
};

struct proc {
	pid_t pid;
	int fd[P_NR];		/* read ends, -1 when not piped or at EOF */
	int in;			/* write end of stdin, -1 when not piped */
	struct outbuf out[P_NR];
	int status;		/* wait status, -1 until reaped */
	char line[4096];	/* last line returned by proc_wait_line() */
};

int proc_start(struct proc *p, char *const argv[], unsigned pipes,
	       uid_t uid);
const char *proc_wait_line(struct proc *p, int which, const char *prefix,
			   int timeout_ms);
int proc_wait(struct proc *p, int timeout_ms);
void proc_free(struct proc *p);
void proc_close_in(struct proc *p);
void proc_start_pty(struct proc *p, char *const argv[], unsigned short cols);
int itest_timeout_ms(int base_ms);

/* ---- expect.c: vmwork's expectation lines ---- */

#define EXPECT_MAX_KEYS	16

struct expect {
	pid_t pid;
	unsigned long start, end;
	bool from_ready;	/* exact only when attached at "ready" */
	int nkeys;
	struct {
		char key[32];
		char val[512];
	} kv[EXPECT_MAX_KEYS];
};

int expect_parse(const char *line, struct expect *e);
int expects_for_pid(const char *text, pid_t pid, struct expect *out,
		    int max);
pid_t text_pid(const char *text, const char *prefix);

/* ---- report.c: vmtrace's JSON report ---- */

struct report {
	json_object *root;
	/*
	 * For a part of a report (a process's image): the whole report's
	 * program runs the kernel skipped, which that part does not repeat.
	 */
	long long missed;
};

long long report_missed_runs(const struct report *r);
/* Are faults no more than the program runs the kernel skipped (never when none)? */
bool report_unseen_by_skips(const struct report *r, long long faults);

/* A report vmtrace wrote (kept for the schema suite); report_read: any file. */
int report_load(struct report *r, const char *path, char *err, size_t len);
int report_read(struct report *r, const char *path, char *err, size_t len);
int report_parse(struct report *r, const char *text);
void report_free(struct report *r);
int report_check_expect(const struct report *r, const struct expect *e,
			bool exact, char *msg, size_t len);
int report_check_totals(const struct report *r, char *msg, size_t len);
int64_t report_int(const struct report *r, const char *path);
/* The JSON value at a dotted path, or NULL. */
json_object *report_get(const struct report *r, const char *path);
/* The processes.list entry of pid, or NULL. */
json_object *report_process(const struct report *r, pid_t pid);

/* ---- bpfids.c: BPF objects alive in the kernel ---- */

struct idset {
	uint32_t *ids;
	size_t n;
};

int bpf_ids(int cmd, struct idset *s);
void idset_add(struct idset *s, uint32_t id);
int bpf_ids_held(struct idset *progs, struct idset *links);
bool idset_has(const struct idset *s, uint32_t id);
void idset_free(struct idset *s);

/* ---- run.c: one traced workload ---- */

extern const char *vmtrace_path, *vmwork_path;
extern char itest_dir[1024];	/* per test case temporary directory */

struct session {
	struct proc tracer, work;
	struct report rep;
	char out[4096];		/* the report file */
	pid_t wpid;		/* the workload's pid */
};

TCase *tracer_tcase(const char *name);
int itest_timeout(void);
void assert_exit0(int status, const char *who, const char *stderr_text);
void trace_cmd(struct session *s, const char *const wargs[]);
void trace_cmd_with(struct session *s, const char *const vopts[],
		    const char *const wargs[]);
void trace_cmd_for(struct session *s, const char *const vopts[],
		   const char *const wargs[], int timeout_ms);
void work_start(struct session *s, const char *const wargs[], bool ready);
void tracer_attach(struct session *s, pid_t pid);
void tracer_attach_pids(struct session *s, const char *pids);
void tracer_finish(struct session *s);
void work_release(struct session *s, pid_t pid, const char *done);
void work_resume(struct session *s, pid_t pid, const char *done);
void check_expects(struct session *s, pid_t pid, bool at_ready, int lines);
void check_report(struct session *s, pid_t pid);
void session_free(struct session *s);

/* ---- schema.c: every JSON document vmtrace wrote, validated at the end ---- */

/* Copies of a document (a file, or text) for the schema suite, when it runs. */
void json_keep_file(const char *path);
void json_keep(const char *text);
/* Where they go (ITEST_JSON_DIR, made by main), or NULL: not kept. */
const char *json_keep_dir(void);

/* ---- suites ---- */

Suite *parser_suite(void);
Suite *workload_suite(void);
Suite *attach_suite(void);
Suite *errors_suite(void);
Suite *backends_suite(void);
Suite *insight_suite(void);
Suite *inherit_suite(void);
Suite *ci_suite(void);
Suite *rows_suite(void);
Suite *names_suite(void);
Suite *hostile_suite(void);
Suite *code_suite(void);
Suite *stacks_suite(void);
Suite *cli_suite(void);
Suite *install_suite(void);
Suite *privilege_suite(void);
Suite *schema_suite(void);

#endif
