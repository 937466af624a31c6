/* SPDX-License-Identifier: GPL-2.0 */
/* The capabilities vmtrace needs, checked before it starts. */
#ifndef VMT_PRIVILEGE_H
#define VMT_PRIVILEGE_H

#include <sys/types.h>

/*
 * CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN); CAP_SYS_PTRACE when another
 * user owns one of the nr pids; CAP_SETUID and CAP_SETGID for a user to
 * run the command as (NULL: none). Returns 0, or -1 after one line on stderr
 * naming the first one missing.
 */
int privilege_check(const pid_t *pids, size_t nr, const char *user);

#endif
