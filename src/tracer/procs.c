// SPDX-License-Identifier: GPL-2.0
/*
 * Reading every traced process from the BPF maps: the procs map says which
 * tgids were traced, the lineage map where each came from and where its exec
 * images begin (by mapping generation), the rows array what each faulted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "model/array.h"
#include "tracer/attach.h"
#include "model/procs.h"
#include "vmtrace.skel.h"

/* The live state of a process, as an image that ends now. */
static void end_now(struct vmt_image_end *e, const struct vmt_proc *p)
{
	e->mm = p->mm;
	memcpy(e->sc, p->sc, sizeof(e->sc));
}

static void comm_of(pid_t pid, char *comm, size_t size)
{
	struct proc_stat st;

	if (!read_stat(pid, &st))
		snprintf(comm, size, "%.15s", st.comm);	/* TASK_COMM_LEN */
}

static struct proc_image *new_image(struct proc_set *set)
{
	return array_push(set->images, set->nr, set->cap, 16);
}

/*
 * The images of one process. Image i's layout and system calls are the state
 * saved when exec i+1 began (the last image's: the live state), its system
 * calls the difference from the image before.
 */
static int add_process(struct proc_set *set, struct tracer *tr, pid_t pid,
		       const struct vmt_proc *live, const struct vmt_lineage *lin)
{
	unsigned int n = lin ? lin->nr_images : 1;
	const struct vmt_image_end *prev = NULL;
	struct vmt_image_end now;

	end_now(&now, live);
	n = n > VMT_MAX_IMAGES ? VMT_MAX_IMAGES : n ? n : 1;
	for (unsigned int i = 0; i < n; i++) {
		const struct vmt_image_end *state = i + 1 < n ? &lin->images[i].end : &now;
		struct proc_image *img = new_image(set);

		if (!img)
			return -ENOMEM;
		img->pid = pid;
		img->ppid = lin ? lin->ppid : 0;
		img->image = i;
		if (lin)
			memcpy(img->comm, lin->images[i].comm, sizeof(img->comm));
		else	/* an attached process that has not exec'd: /proc knows its name */
			comm_of(pid, img->comm, sizeof(img->comm));
		aspace_init(&img->as, pid);
		snprintf(img->as.command, sizeof(img->as.command), "%s", img->comm);
		img->as.mm = state->mm;
		for (int s = 0; s < VMT_NR_SYSCALLS; s++) {
			img->as.sc[s].calls = state->sc[s].calls - (prev ? prev->sc[s].calls : 0);
			img->as.sc[s].bytes = state->sc[s].bytes - (prev ? prev->sc[s].bytes : 0);
		}
		img->as.backend = tr->backend;
		img->as.unavailable = tr->unavailable;
		prev = state;
	}
	return 0;
}

/* The image a row belongs to: the last of its process whose first_gen <= its own. */
static struct proc_image *image_of(struct proc_set *set, struct tracer *tr,
				   const struct vmt_row *row)
{
	struct proc_image *found = NULL;
	struct vmt_lineage lin;
	__u32 key = row->tgid;
	bool have = !bpf_map__lookup_elem(tr->skel->maps.lineage, &key, sizeof(key),
					  &lin, sizeof(lin), 0);

	for (size_t i = 0; i < set->nr; i++) {
		struct proc_image *img = &set->images[i];

		if (img->pid != (pid_t)row->tgid)
			continue;
		if (!found || (have && row->first_gen >= lin.images[img->image].first_gen))
			found = img;
	}
	return found;
}

static int add_row(struct tracer *tr, __u32 slot, struct vmt_row *row, void *set)
{
	struct proc_image *img;
	struct vmt_file file;

	if (slot == VMT_OVERFLOW_SLOT || !(img = image_of(set, tr, row)))
		return 0;	/* all processes', or not traced */
	return aspace_add_row(&img->as, slot, row, tracer_file_path(tr, row, &file));
}

/* Deferred pages: filed by page in the process's latest image. */
static int add_deferred(struct proc_set *set, struct tracer *tr)
{
	struct bpf_map *map = tr->skel->maps.deferred;
	struct vmt_row_key key, next, *prev = NULL;
	struct vmt_row row;
	int err = 0;

	while (!err && !bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		struct proc_image *img = NULL;

		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &row, sizeof(row), 0))
			continue;
		vmt_derive_faults(row.counters);
		for (size_t i = 0; i < set->nr; i++)
			if (set->images[i].pid == (pid_t)key.tgid)
				img = &set->images[i];
		if (img)
			err = aspace_add_deferred(&img->as, key.anchor, row.counters);
	}
	return err;
}

/* What the session measured itself: its own process, each -p process. */
struct known {
	const struct address_space *main;
	const struct proc_kernel *k;
	size_t nr;
};

/* An attached process's window, measured by the session: true if there is one. */
static bool kernel_known_of(struct proc_kernel *k, const struct known *known)
{
	for (size_t i = 0; i < known->nr; i++)
		if (known->k[i].pid == k->pid) {
			k->known = known->k[i].known;
			k->minflt = known->k[i].minflt;
			k->majflt = known->k[i].majflt;
			k->exited = known->k[i].exited;
			return true;
		}
	return false;
}

/*
 * The kernel's counters for a process: its threads' counters summed at their
 * exits once it has exited, /proc/PID/stat while it lives (exact only if it
 * is idle), less what it had counted where tracing began. The session's
 * own process and -p's are measured by the session.
 */
static void kernel_of(struct proc_kernel *k, const struct vmt_lineage *lin,
		      const struct known *known)
{
	const struct address_space *main = known->main;
	struct proc_stat st;

	if (kernel_known_of(k, known))
		return;
	if (main && k->pid == main->pid) {
		k->known = main->kernel_known;
		k->minflt = main->kernel_minflt;
		k->majflt = main->kernel_majflt;
		k->exited = lin && lin->exited;
		return;
	}
	if (!lin || !lin->counted)
		return;
	k->exited = lin->exited;
	k->exec_args = lin->exec_arg_faults;
	if (lin->exited) {
		k->minflt = lin->exit_minflt - lin->base_minflt - k->exec_args;
		k->majflt = lin->exit_majflt - lin->base_majflt;
		k->known = true;
	} else if (!read_stat(k->pid, &st)) {
		k->minflt = st.minflt - lin->base_minflt - k->exec_args;
		k->majflt = st.majflt - lin->base_majflt;
		k->known = true;
	}
}

int tracer_exit_faults(struct tracer *tr, pid_t pid, uint64_t *minflt, uint64_t *majflt)
{
	struct vmt_lineage lin;
	__u32 key = pid;

	if (bpf_map__lookup_elem(tr->skel->maps.lineage, &key, sizeof(key), &lin,
				 sizeof(lin), 0) || !lin.exited)
		return -ESRCH;
	*minflt = lin.exit_minflt;
	*majflt = lin.exit_majflt;
	return 0;
}

static int add_kernel(struct proc_set *set, pid_t pid, const struct vmt_lineage *lin,
		      const struct vmt_proc *proc, const struct known *known)
{
	struct proc_kernel *k = realloc(set->kernel, (set->nr_pids + 1) * sizeof(*k));

	if (!k)
		return -ENOMEM;
	set->kernel = k;
	k = &set->kernel[set->nr_pids++];
	memset(k, 0, sizeof(*k));
	k->pid = pid;
	k->pf_disabled = proc->pf_disabled;
	kernel_of(k, lin, known);
	return 0;
}

/* The traced tgids, the session's own first, then in pid order. */
static int traced_pids(struct tracer *tr, pid_t first, pid_t **out, size_t *n)
{
	__u32 key, *prev = NULL;
	pid_t *pids = NULL;

	*out = NULL;
	*n = 0;
	while (!bpf_map__get_next_key(tr->skel->maps.procs, prev, &key, sizeof(key))) {
		pid_t *p = realloc(pids, (*n + 1) * sizeof(*p));

		if (!p) {
			free(pids);
			return -ENOMEM;
		}
		pids = p;
		pids[(*n)++] = key;
		prev = (__u32 *)&pids[*n - 1];
	}
	for (size_t i = 0; i < *n; i++)	/* insertion sort: tens of pids */
		for (size_t j = i; j > 0; j--) {
			bool swap = pids[j] == first ||
				    (pids[j - 1] != first && pids[j] < pids[j - 1]);
			pid_t t = pids[j];

			if (!swap)
				break;
			pids[j] = pids[j - 1];
			pids[j - 1] = t;
		}
	*out = pids;
	return 0;
}

static int collect_processes(struct proc_set *set, struct tracer *tr,
			     const struct known *known)
{
	const struct address_space *main = known->main;
	struct vmt_lineage lin;
	struct vmt_proc proc;
	size_t n;
	pid_t *pids;
	int err = traced_pids(tr, main ? main->pid : 0, &pids, &n);

	for (size_t i = 0; i < n && !err; i++) {
		__u32 key = pids[i];
		bool have = !bpf_map__lookup_elem(tr->skel->maps.lineage, &key,
						  sizeof(key), &lin, sizeof(lin), 0);

		if (bpf_map__lookup_elem(tr->skel->maps.procs, &key, sizeof(key),
					 &proc, sizeof(proc), 0))
			continue;
		err = add_process(set, tr, pids[i], &proc, have ? &lin : NULL);
		if (!err)
			err = add_kernel(set, pids[i], have ? &lin : NULL, &proc, known);
	}
	free(pids);
	return err;
}

int procs_collect(struct tracer *tr, const struct address_space *main,
		  const struct proc_kernel *known, size_t nr_known,
		  enum sort_key sort, struct proc_set **out)
{
	const struct known kn = { main, known, nr_known };
	struct proc_set *set = calloc(1, sizeof(*set));
	int err = set ? 0 : -ENOMEM;

	if (!err)
		err = collect_processes(set, tr, &kn);
	if (!err)
		err = tracer_for_each_row(tr, -1, add_row, set);
	if (!err)
		err = add_deferred(set, tr);
	for (size_t i = 0; !err && i < set->nr; i++) {
		struct proc_image *img = &set->images[i];

		if (img->as.nr)	/* an image without faults has nothing to finish */
			err = aspace_finish(&img->as, sort, false);
		for (size_t k = 0; k < set->nr_pids; k++)
			if (set->kernel[k].pid == img->pid)
				set->kernel[k].traced += img->as.totals[VMT_C_FAULTS] -
							 img->as.totals[VMT_C_ERRORS];
	}
	if (err) {
		fprintf(stderr, "vmtrace: failed to read the traced processes: %s\n",
			strerror(-err));
		procs_free(set);
		return err;
	}
	set->not_followed = tr->skel->bss->procs_full;
	*out = set;
	return 0;
}

void procs_free(struct proc_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->nr; i++)
		aspace_free(&set->images[i].as);
	free(set->images);
	free(set->kernel);
	free(set);
}

/* Deletes every key of map; a key deleted under us just moves the walk on. */
static void clear_map(struct bpf_map *map, size_t key_size)
{
	char key[64];	/* the largest key: struct vmt_dead_key */

	_Static_assert(sizeof(struct vmt_dead_key) <= sizeof(key), "clear_map's key");

	while (!bpf_map__get_next_key(map, NULL, key, key_size))
		if (bpf_map__delete_elem(map, key, key_size, 0) && errno != ENOENT)
			break;
}

/* Every row back to zero and every slot unused: the rows array starts over. */
static void clear_rows(struct tracer *tr)
{
	static const struct vmt_row zero;
	__u32 end = tr->skel->data->next_slot, slot;

	for (__u32 s = 0; s < end && s < tr->skel->rodata->max_rows; s++)
		bpf_map__update_elem(tr->skel->maps.rows, &s, sizeof(s), &zero,
				     sizeof(zero), BPF_ANY);
	while (!bpf_map__lookup_and_delete_elem(tr->skel->maps.free_slots, NULL, 0,
						&slot, sizeof(slot), 0))
		;
	tr->skel->data->next_slot = 1;
}

/*
 * Forgets the traced processes (they stop being traced) and their rows: a
 * later run whose process reuses a pid starts with rows of its own. Nothing
 * adds to the rows meanwhile: no process is traced once procs is empty.
 */
void procs_forget(struct tracer *tr)
{
	clear_map(tr->skel->maps.procs, sizeof(__u32));
	clear_map(tr->skel->maps.lineage, sizeof(__u32));
	clear_map(tr->skel->maps.row_index, sizeof(struct vmt_row_key));
	clear_map(tr->skel->maps.deferred, sizeof(struct vmt_row_key));
	clear_map(tr->skel->maps.dead_index, sizeof(struct vmt_dead_key));
	clear_rows(tr);
	tracer_forget_kept(tr);
}
