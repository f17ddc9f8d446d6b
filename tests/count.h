/*
 * Test helper, header only: a counting workload for the tests that drive a
 * backend directly (test_gil.c, test_green.c). Every unit of worker w (-1:
 * the serial part) is counted in units[w + 1]; the test's own function does
 * the unit's work and checks. count_check_exact then says whether every
 * worker ran exactly its share and the serial part exactly its units.
 */
#ifndef AMDAHL_TEST_COUNT_H
#define AMDAHL_TEST_COUNT_H

#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "../src/api/job.h"
#include "../src/api/workload.h"

#define COUNT_MAXW 1024

/* The first member of a test's state (job->state points at it). */
struct count_core {
	_Atomic uint64_t units[COUNT_MAXW + 1];	/* [worker + 1] */
	/* Called once before a worker's first unit and for each unit; may be NULL. */
	void (*start)(struct job *job, int worker);
	void (*unit)(struct job *job, int worker, uint64_t u);
};

static inline void count_units(struct job *job, int worker, uint64_t units)
{
	struct count_core *c = job->state;

	if (c->start)
		c->start(job, worker);
	for (uint64_t u = 0; u < units; u++) {
		atomic_fetch_add(&c->units[worker + 1], 1);
		if (c->unit)
			c->unit(job, worker, u);
	}
}

static inline void count_serial(struct job *job, uint64_t units)
{
	count_units(job, -1, units);
}

static inline void count_parallel(struct job *job, int worker, int nworkers, uint64_t units)
{
	(void)nworkers;
	count_units(job, worker, units);
}

static const struct workload count_workload = {
	.name = "count", .summary = "counts units",
	.serial = count_serial, .parallel = count_parallel,
};

static inline void count_job(struct job *job, const struct workload *w, struct params *ps, void *state, double p,
			     uint64_t units, int n, int phases)
{
	job_init(job, w, ps, p, phases, SCALING_STRONG, units, n);
	job->state = state;
}

static inline void count_check_exact(struct job *job, struct count_core *c, int n)
{
	uint64_t serial = 0, par = 0, total = 0;

	for (int k = 0; k < job->phases; k++) {
		serial += job_serial_units(job, k);
		for (int w = 0; w < n; w++)
			par += job_share(job_parallel_units(job, k, n), w, n);
	}
	cr_assert_eq(atomic_load(&c->units[0]), serial, "serial units %lu, expected %lu",
		     (unsigned long)atomic_load(&c->units[0]), (unsigned long)serial);
	for (int w = 0; w < n; w++) {
		uint64_t want = 0;
		for (int k = 0; k < job->phases; k++)
			want += job_share(job_parallel_units(job, k, n), w, n);
		cr_assert_eq(atomic_load(&c->units[w + 1]), want, "worker %d ran %lu units, expected %lu", w,
			     (unsigned long)atomic_load(&c->units[w + 1]), (unsigned long)want);
		total += atomic_load(&c->units[w + 1]);
	}
	cr_assert_eq(total, par);
	cr_assert_eq(serial + par, job->units);
}

static inline double count_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
