/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Optional measurements, each behind a read-only switch that the loader sets
 * before load, so the verifier removes the code when it is off:
 *   want_latency  fault latency histograms per process and kind;
 *   want_heatmap  per-VMA fault counts by offset in the VMA.
 */
#ifndef MEASURE_BPF_H
#define MEASURE_BPF_H

#include "state.bpf.h"
#include "pure.bpf.h"

/* One fault of kind took ns: its histogram bucket, and its VMA's sum. */
static __always_inline void record_latency(struct vmt_proc *proc,
					   struct vmt_row *row, int kind, __u64 ns)
{
	__u64 slot = log2_u64(ns / 1000), k = kind;

	if (slot >= VMT_LAT_SLOTS)
		slot = VMT_LAT_SLOTS - 1;
	/*
	 * 6.1's verifier loses the bound of a 32-bit compare by the time the
	 * index is scaled: mask in 64 bits after a barrier clang cannot see through.
	 */
	asm volatile("" : "+r"(slot), "+r"(k));
	slot &= VMT_LAT_SLOTS - 1;
	if (k < VMT_NR_LAT_KINDS)
		__sync_fetch_and_add(&proc->latency[k][slot], 1);
	if (row)
		__sync_fetch_and_add(&row->counters[VMT_C_LATENCY_NS], ns);
}

/*
 * The tracepoint backend's latency: from the fault tracepoint (the start of
 * exc_page_fault) to the kernel's accounting of the fault (the minor or major
 * perf event, at the end of handle_mm_fault) or the signal of a failed one.
 */
static __always_inline void latency_end(struct vmt_thread *t,
					struct vmt_row *row, bool major,
					bool error)
{
	struct vmt_proc *proc;

	if (!want_latency || !t->lat_pending)
		return;
	t->lat_pending = 0;
	proc = traced_proc(bpf_get_current_pid_tgid() >> 32);
	if (proc)
		record_latency(proc, row, latency_kind(error, t->last_wp, major,
						       row && row->ino),
			       bpf_ktime_get_ns() - t->fault_start);
}

/* A fault at addr in the cached VMA [t->start, t->end): its offset bucket. */
static __always_inline void count_heat(struct vmt_row *row,
				       struct vmt_thread *t, __u64 addr)
{
	__u64 size = t->end - t->start;
	__u64 bucket;

	if (!want_heatmap || !t->cached || addr < t->start || addr >= t->end ||
	    !size)
		return;
	bucket = (addr - t->start) * VMT_HEAT_BUCKETS / size;
	if (bucket < VMT_HEAT_BUCKETS)
		__sync_fetch_and_add(&row->heat[bucket], 1);
}

#endif
