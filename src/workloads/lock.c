/*
 * lock workload: contention. Every unit does a little private work and then
 * one get-update-store on a shared counter (the talk's bank account) under
 * --lock:
 *
 *   mutex   the talk's Lock (src/runtime/lock.h, a sync_lock), process-shared
 *   spin    a pthread spinlock, process-shared
 *   atomic  one C11 atomic fetch-add, no lock
 *   none    load, then store the value plus one, with no lock at all
 *
 * The get and the store are relaxed atomic operations, two of them: the
 * get-update-store is not atomic, so updates are lost, but there is no data
 * race in C's sense (ThreadSanitizer builds run it too).
 *
 * The counter lives in job_shared_alloc memory, so forked workers (process
 * backend) update the same one. With `none` updates are lost wherever two
 * workers' get-update-store can overlap: on cores in parallel (thread,
 * process, openmp), and under gil, whose switch point (job_tick) falls
 * between the get and the store as it can between bytecodes in CPython.
 * Greenlets only switch when they block, so under green nothing is lost.
 * After each repetition `report` compares the counter with the units run and
 * writes the difference to the `lost` column (0 for the locked modes).
 */
#include "../api/workload.h"
#include "../runtime/lock.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Private work per unit (LCG steps, as spin's), so the lock is not all there is. */
#define LOCK_PRIVATE_STEPS 100
/* The update: computing the new balance between get and store (LCG steps).
 * Under a lock it is inside the critical section; with atomic it is done
 * first and the store is one fetch-add; with none it is the race window. */
#define LOCK_UPDATE_STEPS 20

enum lock_mode { LOCK_MUTEX, LOCK_SPIN, LOCK_ATOMIC, LOCK_NONE };

static const char *const lock_names[] = { "mutex", "spin", "atomic", "none", NULL };

static const struct option_spec lock_params[] = {
	{ .name = "lock", .kind = OPTION_CHOICE, .choices = lock_names, .def = "mutex",
	  .help = "lock workload: how the shared counter is guarded (mutex is the talk's Lock)" },
	{ .name = NULL },
};

struct lock_slot {
	volatile uint64_t sink;
	char pad[64 - sizeof(uint64_t)];
};

struct lock_state {
	enum lock_mode mode;
	size_t nslots;
	struct sync_lock mutex;
	pthread_spinlock_t spin;
	_Alignas(64) _Atomic uint64_t counter;
	_Alignas(64) struct lock_slot slot[];
};

static size_t state_size(size_t nslots)
{
	return sizeof(struct lock_state) + nslots * sizeof(struct lock_slot);
}

static int lock_setup(struct job *job)
{
	size_t nslots = (size_t)job->max_workers + 1;
	struct lock_state *s = job_shared_alloc(state_size(nslots));
	int mode = params_choice(job->params, lock_params, "lock");

	if (!s)
		return job_fail(job, "lock: cannot map state for %d workers", job->max_workers);
	s->nslots = nslots;
	s->mode = (enum lock_mode)mode;
	if (sync_lock_init(&s->mutex, 1) < 0 || pthread_spin_init(&s->spin, PTHREAD_PROCESS_SHARED) != 0) {
		job_shared_free(s, state_size(nslots));
		return job_fail(job, "lock: cannot make a process-shared lock");
	}
	job->state = s;
	return 0;
}

static void lock_begin(struct job *job)
{
	struct lock_state *s = job->state;

	atomic_store(&s->counter, 0);
}

static inline uint64_t steps(uint64_t x, int n)
{
	for (int i = 0; i < n; i++)
		x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return x;
}

/* get ... update-store, not atomic as a whole. */
static inline uint64_t get(struct lock_state *s)
{
	return atomic_load_explicit(&s->counter, memory_order_relaxed);
}

static inline void store(struct lock_state *s, uint64_t v)
{
	atomic_store_explicit(&s->counter, v, memory_order_relaxed);
}

static void lock_units(struct job *job, int worker, uint64_t units, struct lock_slot *slot)
{
	struct lock_state *s = job->state;
	uint64_t x = slot->sink + (uint64_t)worker + 1;

	for (uint64_t u = 0; u < units; u++) {
		uint64_t v;

		x = steps(x, LOCK_PRIVATE_STEPS);
		switch (s->mode) {
		case LOCK_MUTEX:
			sync_lock_acquire(&s->mutex);
			v = get(s);
			x = steps(x, LOCK_UPDATE_STEPS);
			store(s, v + 1);
			sync_lock_release(&s->mutex);
			job_tick(job, worker);
			break;
		case LOCK_SPIN:
			pthread_spin_lock(&s->spin);
			v = get(s);
			x = steps(x, LOCK_UPDATE_STEPS);
			store(s, v + 1);
			pthread_spin_unlock(&s->spin);
			job_tick(job, worker);
			break;
		case LOCK_ATOMIC:
			x = steps(x, LOCK_UPDATE_STEPS);
			atomic_fetch_add_explicit(&s->counter, 1, memory_order_relaxed);
			job_tick(job, worker);
			break;
		case LOCK_NONE:
			v = get(s);
			job_tick(job, worker);	/* the gil backend may switch here */
			x = steps(x, LOCK_UPDATE_STEPS);
			store(s, v + 1);
			break;
		}
	}
	slot->sink = x;
}

static void lock_serial(struct job *job, uint64_t units)
{
	struct lock_state *s = job->state;

	lock_units(job, -1, units, &s->slot[s->nslots - 1]);
}

static void lock_parallel(struct job *job, int worker, int nworkers, uint64_t units)
{
	struct lock_state *s = job->state;

	(void)nworkers;
	lock_units(job, worker, units, &s->slot[worker]);
}

static void lock_report(struct job *job, struct timing *t)
{
	struct lock_state *s = job->state;
	uint64_t expected = 0;

	for (int k = 0; k < job->phases; k++)
		expected += job_serial_units(job, k) + job_parallel_units(job, k, job->nworkers);
	timing_set(t, "lost", (double)(expected - atomic_load(&s->counter)));
}

static void lock_teardown(struct job *job)
{
	struct lock_state *s = job->state;

	sync_lock_destroy(&s->mutex);
	pthread_spin_destroy(&s->spin);
	job_shared_free(s, state_size(s->nslots));
	job->state = NULL;
}

static const struct column lock_columns[] = {
	{ .name = "lost", .unit = "updates", .agg = COLUMN_SUM, .integer = 1,
	  .help = "updates of the shared counter lost to races (--lock none)" },
	{ 0 },
};

const struct workload workload_lock = {
	.name = "lock",
	.summary = "contention: each unit updates a shared counter under --lock; lost updates counted",
	.params = lock_params,
	.columns = lock_columns,
	.setup = lock_setup,
	.begin = lock_begin,
	.serial = lock_serial,
	.parallel = lock_parallel,
	.report = lock_report,
	.teardown = lock_teardown,
};
