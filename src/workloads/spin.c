/*
 * spin workload: CPU-bound. One unit is a chain of 1000 dependent
 * multiply-adds (an LCG step each) whose result is stored where the compiler
 * must keep it, so the loop cannot be removed or vectorised away. Each worker
 * writes its own cache line: no false sharing, no memory traffic to speak of.
 */
#include "../api/workload.h"

#include <stdint.h>

#define SPIN_STEPS_PER_UNIT 1000

struct spin_slot {
	volatile uint64_t sink;
	char pad[64 - sizeof(uint64_t)];
};

struct spin_state {
	size_t nslots;
	struct spin_slot slot[];
};

static size_t state_size(int max_workers)
{
	return sizeof(struct spin_state) + ((size_t)max_workers + 1) * sizeof(struct spin_slot);
}

static int spin_setup(struct job *job)
{
	struct spin_state *s = job_shared_alloc(state_size(job->max_workers));

	if (!s)
		return job_fail(job, "spin: cannot map state for %d workers", job->max_workers);
	s->nslots = (size_t)job->max_workers + 1;
	job->state = s;
	return 0;
}

static void spin_units(struct job *job, int worker, uint64_t units, struct spin_slot *slot)
{
	uint64_t x = slot->sink + (uint64_t)worker + 1;

	for (uint64_t u = 0; u < units; u++) {
		for (int i = 0; i < SPIN_STEPS_PER_UNIT; i++)
			x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
		job_tick(job, worker);
	}
	slot->sink = x;
}

static void spin_serial(struct job *job, uint64_t units)
{
	struct spin_state *s = job->state;

	spin_units(job, -1, units, &s->slot[s->nslots - 1]);
}

static void spin_parallel(struct job *job, int worker, int nworkers, uint64_t units)
{
	struct spin_state *s = job->state;

	(void)nworkers;
	spin_units(job, worker, units, &s->slot[worker]);
}

static void spin_teardown(struct job *job)
{
	struct spin_state *s = job->state;

	job_shared_free(s, state_size((int)s->nslots - 1));
	job->state = NULL;
}

const struct workload workload_spin = {
	.name = "spin",
	.summary = "CPU-bound: a calibrated chain of dependent multiply-adds",
	.setup = spin_setup,
	.serial = spin_serial,
	.parallel = spin_parallel,
	.teardown = spin_teardown,
};
