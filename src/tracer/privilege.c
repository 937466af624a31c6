// SPDX-License-Identifier: GPL-2.0
/*
 * What vmtrace may do, asked of the kernel rather than assumed from the user
 * ID: root, or a binary (or a process) given CAP_BPF and CAP_PERFMON, both
 * load and attach its programs. CAP_SYS_ADMIN stands in for either, as the
 * kernel's bpf_capable() and perfmon_capable() take it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "tracer/privilege.h"

/* Not in older <linux/capability.h> (added in 5.8) */
#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif
#ifndef CAP_BPF
#define CAP_BPF		39
#endif

static bool has_cap(int cap)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

static int missing(const char *cap, const char *why)
{
	fprintf(stderr, "vmtrace: missing capability %s (%s): run as root, or grant it\n",
		cap, why);
	return -1;
}

/* Another user's process: its maps are readable only with CAP_SYS_PTRACE. */
static bool owned_by_another(const pid_t *pids, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		char path[32];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%d", (int)pids[i]);
		if (!stat(path, &st) && st.st_uid != geteuid())
			return true;
	}
	return false;
}

int privilege_check(const pid_t *pids, size_t nr, const char *user)
{
	bool admin = has_cap(CAP_SYS_ADMIN);

	if (!admin && !has_cap(CAP_BPF))
		return missing("CAP_BPF", "to load BPF programs");
	if (!admin && !has_cap(CAP_PERFMON))
		return missing("CAP_PERFMON", "to attach them to the kernel's tracepoints");
	if (owned_by_another(pids, nr) && !has_cap(CAP_SYS_PTRACE))
		return missing("CAP_SYS_PTRACE", "to read another user's process");
	if (user && !has_cap(CAP_SETUID))
		return missing("CAP_SETUID", "to run the command as -u's user");
	if (user && !has_cap(CAP_SETGID))
		return missing("CAP_SETGID", "to run the command as -u's user");
	return 0;
}
