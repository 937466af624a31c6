/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The full path of a mapped file, built in BPF when its first VMA row is
 * created. bpf_d_path() is not allowed from tracepoints, and by the end of a
 * trace the process (and its /proc/PID/maps) may be gone, so the dentry chain
 * is walked here, crossing mount points like d_path() does. Bounded by
 * VMT_PATH_DEPTH components and VMT_PATH_MAX bytes.
 *
 * Both loops run under bpf_loop(): the verifier checks a callback body once,
 * where an open-coded loop indexed by a running count is verified once per
 * iteration and per caller state (over a million verified instructions on the 6.18 development VM).
 */
#ifndef PATH_BPF_H
#define PATH_BPF_H

#include "state.bpf.h"

struct walk {
	struct dentry *d;
	struct mount *mnt;
	__u32 n;	/* names collected, leaf first */
	__u32 off;	/* bytes written while joining */
};

static __always_inline struct path_scratch *path_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

static long collect_step(__u64 i, struct walk *w)
{
	struct dentry *d = w->d;
	struct mount *mnt = w->mnt;
	struct vfsmount *vfs = (void *)mnt + bpf_core_field_offset(struct mount, mnt);
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	struct path_scratch *s = path_scratch();

	if (!s || w->n >= VMT_PATH_DEPTH)
		return 1;
	if (d == BPF_CORE_READ(vfs, mnt_root)) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt)
			return 1;	/* the root of the mount tree */
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		return 0;
	}
	if (d == parent) {
		/*
		 * A pseudo dentry (shared anonymous memory, memfd, SysV shm on
		 * the kernel's internal shm mount): its own name, as d_path()
		 * names it ("/dev/zero", "/memfd:name", "/SYSV0000002a").
		 */
		if (!w->n) {
			s->names[0] = BPF_CORE_READ(d, d_name.name);
			w->n = 1;
		}
		return 1;
	}
	s->names[w->n & (VMT_PATH_DEPTH - 1)] = BPF_CORE_READ(d, d_name.name);
	w->n++;
	w->d = parent;
	return 0;
}

/* Appends "/name" for the names from the root down. */
static long join_step(__u64 i, struct walk *w)
{
	struct path_scratch *s = path_scratch();
	__u32 idx = w->n - 1 - (__u32)i;
	long len;

	if (!s || i >= w->n || w->off >= VMT_PATH_MAX - 1)
		return 1;
	s->file.path[w->off & (VMT_PATH_MAX - 1)] = '/';
	w->off++;
	len = bpf_probe_read_kernel_str(&s->file.path[w->off & (VMT_PATH_MAX - 1)],
					VMT_PATH_MAX, s->names[idx & (VMT_PATH_DEPTH - 1)]);
	if (len > 1)
		w->off += len - 1;
	return 0;
}

/*
 * Stores the path of a file under its device and inode, once. A global
 * function: the verifier checks it once per program, on its own, instead of
 * once per call site and caller state (read_vma() is inlined in the fault
 * handler's tree-walk and bpf_find_vma() paths and in the system call
 * refresh). That cut tp_fault_user's verification from ~57,700 to ~26,000
 * instructions (the maple walk under bpf_loop() took it to ~15,900): the
 * verifier was the biggest part of vmtrace's attach time (vmtrace -v with
 * kernel.bpf_stats_enabled=1 prints each program's count). Its arguments
 * are plain numbers, as a global function's must be; the reads are
 * bpf_probe_read_kernel() either way (BPF_CORE_READ).
 */
__noinline int remember_file_path(__u64 file_addr, __u64 ino, __u32 dev)
{
	struct file *file = (struct file *)file_addr;
	struct vmt_file_key key = { .ino = ino, .dev = dev };
	struct vfsmount *vfs = BPF_CORE_READ(file, f_path.mnt);
	struct walk w = {
		.d = BPF_CORE_READ(file, f_path.dentry),
		.mnt = (void *)vfs - bpf_core_field_offset(struct mount, mnt),
	};
	struct path_scratch *s;

	if (bpf_map_lookup_elem(&files, &key))
		return 0;
	bpf_loop(2 * VMT_PATH_DEPTH, collect_step, &w, 0);
	bpf_loop(VMT_PATH_DEPTH, join_step, &w, 0);
	s = path_scratch();
	if (!s)
		return 0;
	if (w.off == 0)
		s->file.path[w.off++] = '/';
	s->file.path[w.off & (VMT_PATH_BUF - 1)] = '\0';
	if (bpf_map_update_elem(&files, &key, &s->file, BPF_NOEXIST) == -E2BIG)
		__sync_fetch_and_add(&drops.files, 1);
	return 0;
}

static __always_inline void remember_file(struct file *file,
					  struct vmt_file_key *key)
{
	remember_file_path((__u64)file, key->ino, key->dev);
}

#endif
