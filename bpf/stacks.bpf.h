/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --stacks: which call chains fault. A sampled fault (every stack_every-th
 * fault of a thread) reads the thread's user stack with bpf_get_stack() and
 * counts under (process, row serial, stack) in a bounded hash map; a full map
 * counts stack_drops. Behind a read-only switch as --code is: without
 * --stacks the verifier removes every call, and the loader shrinks the map
 * to one entry.
 *
 * Only faults the kernel handled (minor or major) are stacked, at the point
 * each backend knows the fault's kind: the exit of handle_mm_fault() for
 * fentry/kprobe, the kernel's own minor/major accounting (a perf event,
 * attached for --stacks) for the tracepoint backend. Failed faults have no
 * stack on any backend.
 *
 * The kernel walks the user stack by frame pointers only (perf's user
 * callchain): the faulting IP, then one return address per frame. Code built
 * without them ends the walk early or sends it astray; user space judges
 * each stack (complete, or truncated) and never names a frame it cannot
 * place. For a fault taken in kernel mode the walk starts from the user
 * registers at the system call's entry, as --code's IP does. A walk that
 * strays faults (page faults disabled, fixed up); on the tracepoint backend
 * that is a fault event of the thread's own, which handle_fault() ignores
 * while STACK_WALKING is set.
 */
#ifndef STACKS_BPF_H
#define STACKS_BPF_H

#include "state.bpf.h"
#include "code.bpf.h"

const volatile bool want_stacks = false;
const volatile __u32 stack_every = 1;	/* --stacks=N: every Nth fault of a thread */
__u64 stack_drops;	/* sampled faults not counted: the stacks map was full */

enum stack_note {
	STACK_PENDING	= 1 << 0,	/* tracepoint: a fault awaits its accounting */
	STACK_WP	= 1 << 1,	/* it was a write-protect fault */
	STACK_KERNEL	= 1 << 2,	/* taken in kernel mode */
	STACK_WALKING	= 1 << 3,	/* bpf_get_stack() is reading the stack */
};

/*
 * A frame pointer is above the stack pointer, within the thread's stack. In
 * code built without frame pointers the register holds anything (a count,
 * a length), and the kernel's walk would read there: each read of an
 * unmapped address is a page fault fixed up, microseconds in a VM. So the
 * walk starts only from a frame pointer this close above the stack pointer;
 * otherwise the stack is the IP alone.
 */
#define STACK_SPAN	(32ULL << 20)

/* The user registers a walk starts from: the fault's, or the system call's. */
static __always_inline bool fp_plausible(struct pt_regs *regs)
{
	__u64 sp = REGS_USER_SP(regs), fp = REGS_USER_FP(regs);

	return fp >= sp && fp - sp < STACK_SPAN;
}

/*
 * The key is 528 bytes, past what a BPF stack frame may hold: one per CPU.
 * A program is not re-entered on its CPU (the kernel skips such a run), and
 * the programs that build keys run one at a time there, except under
 * PREEMPT_RT, where the tracepoint backend's minor and major accounting
 * programs could preempt each other mid-key (the fentry backend has one).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vmt_stack_key);
} stack_key_buf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VMT_MAX_STACKS);
	__type(key, struct vmt_stack_key);
	__type(value, struct vmt_code);
} stacks SEC(".maps");

/*
 * The counters of the current thread's user stack in the row; NULL: the map
 * is full. A function of its own, so its body is not copied into each caller.
 */
static __noinline struct vmt_code *stack_entry(void *ctx, struct vmt_thread *t,
					       __u32 tgid, __u64 serial)
{
	static const struct vmt_code zero;
	struct vmt_stack_key *k;
	struct pt_regs *regs;
	struct vmt_code *c;
	__u32 i = 0;
	long n;

	k = bpf_map_lookup_elem(&stack_key_buf, &i);
	if (!k)
		return NULL;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	if (fp_plausible(regs)) {
		t->stack_note |= STACK_WALKING;
		/* the unused tail (all of it on failure) is zeroed: the key is whole */
		n = bpf_get_stack(ctx, k->ips, sizeof(k->ips), BPF_F_USER_STACK);
		t->stack_note &= ~STACK_WALKING;
	} else {
		k->ips[0] = REGS_USER_IP(regs);
		for (int j = 1; j < VMT_STACK_DEPTH; j++)
			k->ips[j] = 0;
		n = sizeof(k->ips[0]);
	}
	k->tgid = tgid;
	k->nr = n > 0 ? n / sizeof(__u64) : 0;
	k->serial = serial;
	c = map_lookup_or_init(&stacks, k, &zero);
	if (!c)
		__sync_fetch_and_add(&stack_drops, 1);
	return c;
}

/*
 * One handled fault in the row, counted under its stack if the thread's turn
 * has come; the entry, for a caller that knows more (COW), or NULL.
 */
static __always_inline struct vmt_code *stack_count(void *ctx, struct vmt_thread *t,
						    __u32 tgid, const struct vmt_row *row,
						    bool major, bool wp, bool user)
{
	struct vmt_code *c;

	if (!want_stacks || !t)
		return NULL;
	if (++t->stack_tick < stack_every)
		return NULL;
	t->stack_tick = 0;
	c = stack_entry(ctx, t, tgid, row->serial);
	code_add(c, 1, wp, user);
	if (c && major)
		__sync_fetch_and_add(&c->c[VMT_CC_MAJOR], 1);
	return c;
}

/*
 * Tracepoint backend: what the fault's start knew, for its accounting; a
 * failed fault is never accounted, and clears what an earlier one left.
 */
static __always_inline void stack_note(struct vmt_thread *t, bool ok, bool wp, bool user)
{
	if (want_stacks)
		t->stack_note = !ok ? 0 : STACK_PENDING | (wp ? STACK_WP : 0) |
					  (user ? 0 : STACK_KERNEL);
}

/* Tracepoint backend: the kernel accounted the thread's pending fault. */
static __always_inline void stack_accounted(void *ctx, struct vmt_thread *t, __u32 tgid,
					    const struct vmt_row *row, bool major)
{
	__u8 note;

	if (!want_stacks || !t || !(t->stack_note & STACK_PENDING))
		return;
	note = t->stack_note;
	t->stack_note = 0;
	stack_count(ctx, t, tgid, row, major, note & STACK_WP, !(note & STACK_KERNEL));
}

/* Tracepoint backend: a fault event raised by the thread's own stack walk. */
static __always_inline bool stack_walking(const struct vmt_thread *t)
{
	return want_stacks && (t->stack_note & STACK_WALKING);
}

#endif
