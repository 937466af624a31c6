/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --code: which instructions fault. Each counted fault also counts under
 * (process, row serial, user IP) in a bounded hash map; a full map counts
 * code_drops instead. Behind a read-only switch: without --code the verifier
 * removes every call, and the loader shrinks the map to one entry.
 *
 * The IP is read from the task's user registers (bpf_task_pt_regs()), which
 * hold the faulting instruction for a fault taken in user mode and the
 * instruction after the syscall for one taken in kernel mode (a read(2) into
 * fresh memory): the same read works on every backend.
 */
#ifndef CODE_BPF_H
#define CODE_BPF_H

#include "state.bpf.h"

const volatile bool want_code = false;
__u64 code_drops;	/* faults not counted by IP: the code map was full */

/* Only code.bpf.h uses it, so it lives here rather than in state.bpf.h. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VMT_MAX_CODE);
	__type(key, struct vmt_code_key);
	__type(value, struct vmt_code);
} code_ips SEC(".maps");

static __always_inline __u64 user_ip(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return BPF_CORE_READ((struct pt_regs *)bpf_task_pt_regs(task), ip);
}

/* The entry of the current thread's IP in the row; NULL when the map is full. */
static __always_inline struct vmt_code *code_entry(__u32 tgid, const struct vmt_row *row)
{
	struct vmt_code_key key = { .tgid = tgid, .serial = row->serial, .ip = user_ip() };
	static const struct vmt_code zero;
	struct vmt_code *c = map_lookup_or_init(&code_ips, &key, &zero);

	if (!c)
		__sync_fetch_and_add(&code_drops, 1);
	return c;
}

/* n faults into an entry of --code or --stacks (NULL: none, the map was full). */
static __always_inline void code_add(struct vmt_code *c, __u64 n, bool wp, bool user)
{
	if (!c)
		return;
	__sync_fetch_and_add(&c->c[VMT_CC_FAULTS], n);
	if (wp)
		__sync_fetch_and_add(&c->c[VMT_CC_WP], n);
	if (!user)
		__sync_fetch_and_add(&c->c[VMT_CC_KERNEL], n);
}

/*
 * n faults at the current IP (n > 1 only for faults no event showed); the
 * entry, for a caller that knows more (major, COW), or NULL.
 */
static __always_inline struct vmt_code *code_count(__u32 tgid, const struct vmt_row *row,
						   __u64 n, bool wp, bool user)
{
	struct vmt_code *c;

	if (!want_code)
		return NULL;
	c = code_entry(tgid, row);
	code_add(c, n, wp, user);
	return c;
}

/* The tracepoint backend learns a fault was major after counting it. */
static __always_inline void code_major(__u32 tgid, const struct vmt_row *row)
{
	struct vmt_code_key key = { .tgid = tgid, .serial = row->serial, .ip = user_ip() };
	struct vmt_code *c;

	if (!want_code)
		return;
	c = bpf_map_lookup_elem(&code_ips, &key);	/* none: counted in code_drops */
	if (c)
		__sync_fetch_and_add(&c->c[VMT_CC_MAJOR], 1);
}

/* The function backends know at once whether a fault was major, or copied. */
static __always_inline void code_mark(struct vmt_code *c, bool major, bool cow)
{
	if (!c)
		return;
	if (major)
		__sync_fetch_and_add(&c->c[VMT_CC_MAJOR], 1);
	if (cow)
		__sync_fetch_and_add(&c->c[VMT_CC_COW], 1);
}

#endif
