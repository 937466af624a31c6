/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page cache read-ins per file, on behalf of the traced processes.
 *
 * filemap:mm_filemap_add_to_page_cache fires, in the task that caused it,
 * for every folio added to a file's page cache: by a fault (filemap_fault's
 * read and its readahead), by read(2) (filemap_read), by readahead advice, and
 * by writes that create pages (which read nothing). The thread's state says
 * which (readin_cause()): a fault in progress, or a read or write call noted
 * by raw sys_enter/sys_exit programs. Those run for every system call of
 * every process and return after a switch on the number for all but the
 * dozen I/O calls; per-call tracepoints would cost other calls nothing but
 * cost the traced process's reads more (each fills a perf record) and add
 * 26 programs to load and attach.
 */
#ifndef READIN_BPF_H
#define READIN_BPF_H

#include "state.bpf.h"
#include "pure.bpf.h"
#include "path.bpf.h"

static __always_inline int io_call_enter(struct pt_regs *regs, long id)
{
	int fd_arg, call = io_call_of(id, &fd_arg);
	struct vmt_thread *t;

	if (call == IO_NONE || !traced_proc(bpf_get_current_pid_tgid() >> 32))
		return 0;
	t = thread_state();
	if (!t)
		return 0;
	t->io_call = call;
	t->io_fd = fd_arg ? SC_ARG1(regs) : SC_ARG0(regs);
	return 0;
}

static __always_inline int io_call_exit(struct pt_regs *regs)
{
	int fd_arg;
	struct vmt_thread *t;

	if (io_call_of(SC_NR(regs), &fd_arg) == IO_NONE)
		return 0;
	t = bpf_task_storage_get(&threads, bpf_get_current_task_btf(), NULL, 0);
	if (t)
		t->io_call = IO_NONE;
	return 0;
}

/* Pages in a folio: 1, or the large folio's count (its field moved in 6.x). */
struct folio___new {
	unsigned int _nr_pages;
} __attribute__((preserve_access_index));

struct folio___old {
	unsigned int _folio_nr_pages;
} __attribute__((preserve_access_index));

static __always_inline __u64 folio_pages(struct folio *folio)
{
	unsigned long flags = 0;
	int head = bpf_core_enum_value(enum pageflags, PG_head);

	bpf_probe_read_kernel(&flags, sizeof(flags), folio);	/* folio->flags */
	if (!(flags & (1UL << (head & 63))))
		return 1;
	if (bpf_core_field_exists(((struct folio___new *)folio)->_nr_pages))
		return BPF_CORE_READ((struct folio___new *)folio, _nr_pages);
	if (bpf_core_field_exists(((struct folio___old *)folio)->_folio_nr_pages))
		return BPF_CORE_READ((struct folio___old *)folio, _folio_nr_pages);
	return 1;
}

/*
 * Why the thread added a folio of mapping. fentry/kprobe know a fault is in
 * progress, even one inside a read or write call (its buffer is a file
 * mapping). The tracepoint backend only knows that the thread's last fault,
 * on this very file, has not been accounted yet: weaker than a call in
 * progress, so asked last.
 */
static __always_inline int readin_cause(struct vmt_thread *t, __u64 mapping)
{
	if (backend != VMT_BACKEND_TRACEPOINT && t->fn_vma)
		return VMT_RI_FAULT;
	if (t->io_call == IO_WRITE)
		return -1;	/* a write filling new pages: nothing was read */
	if (t->io_call == IO_READ)
		return VMT_RI_READ;
	if (backend == VMT_BACKEND_TRACEPOINT && t->last_state == FAULT_PENDING &&
	    t->cached && t->mapping == mapping)
		return VMT_RI_FAULT;
	return VMT_RI_OTHER;
}

/*
 * A file only read, never mapped, has no path yet: take it from the file
 * descriptor being read, if that is the file the folio belongs to.
 */
static __always_inline void remember_read_file(struct vmt_thread *t,
					       struct inode *host,
					       struct vmt_file_key *key)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	unsigned int fd = t->io_fd;
	struct file *file = NULL;

	if (fd >= BPF_CORE_READ(fdt, max_fds) ||
	    bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file ||
	    BPF_CORE_READ(file, f_inode) != host)
		return;
	remember_file(file, key);
}

static __always_inline int handle_page_cache_add(struct folio *folio)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct address_space *mapping;
	struct vmt_readin_pages *pages;
	static const struct vmt_readin_pages zero;
	struct vmt_readin_key key = { .tgid = tgid };
	struct vmt_file_key fkey = {};
	struct vmt_thread *t;
	struct inode *host;
	int why;

	if (!traced_proc(tgid))
		return 0;
	t = bpf_task_storage_get(&threads, bpf_get_current_task_btf(), NULL, 0);
	mapping = BPF_CORE_READ(folio, mapping);
	why = t ? readin_cause(t, (__u64)mapping) : VMT_RI_OTHER;
	if (why < 0)
		return 0;
	host = BPF_CORE_READ(mapping, host);
	key.ino = fkey.ino = BPF_CORE_READ(host, i_ino);
	key.dev = fkey.dev = BPF_CORE_READ(host, i_sb, s_dev);
	if (why == VMT_RI_READ && !bpf_map_lookup_elem(&files, &fkey))
		remember_read_file(t, host, &fkey);
	pages = map_lookup_or_init(&readins, &key, &zero);
	if (pages && why < VMT_NR_READIN)
		__sync_fetch_and_add(&pages->pages[why], folio_pages(folio));
	else
		__sync_fetch_and_add(&drops.readins, folio_pages(folio));
	return 0;
}

#endif
