/*
 * Tests of the work model (src/api/job.c): worker shares are exact (the
 * first W mod N workers take one unit more), phases split the serial and
 * parallel parts without drift, weak scaling grows the parallel part with N,
 * the phase protocol meets the barrier the right number of times, and
 * job_shared_alloc memory really is shared with a forked child.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../src/api/job.h"

static struct job make_job(double p, uint64_t units, int phases, enum scaling scaling)
{
	struct job j = { .p = p, .units = units, .phases = phases, .scaling = scaling };

	return j;
}

Test(job, share_is_exact_for_many_w_and_n)
{
	static const uint64_t ws[] = { 0, 1, 2, 3, 7, 63, 64, 65, 319, 320, 321, 1000, 999983,
				       UINT64_C(1) << 40, UINT64_MAX - 1 };
	static const int ns[] = { 1, 2, 3, 7, 64, 255, 256, 320, 4096 };

	for (size_t i = 0; i < sizeof(ws) / sizeof(ws[0]); i++)
		for (size_t j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
			uint64_t w = ws[i], sum = 0, base = w / (uint64_t)ns[j], extra = w % (uint64_t)ns[j];
			int n = ns[j];

			for (int k = 0; k < n; k++) {
				uint64_t s = job_share(w, k, n);
				uint64_t want = base + ((uint64_t)k < extra ? 1 : 0);
				cr_assert_eq(s, want, "W=%llu N=%d worker %d: %llu, want %llu",
					     (unsigned long long)w, n, k, (unsigned long long)s,
					     (unsigned long long)want);
				sum += s;
			}
			cr_assert_eq(sum, w, "W=%llu N=%d: shares sum to %llu", (unsigned long long)w, n,
				     (unsigned long long)sum);
		}
}

Test(job, share_first_workers_take_the_remainder)
{
	/* 1000 units over 320 workers: 1000 = 3*320 + 40. */
	for (int k = 0; k < 320; k++)
		cr_assert_eq(job_share(1000, k, 320), k < 40 ? 4u : 3u, "worker %d", k);
	/* Fewer units than workers: the first W workers take one, the rest none. */
	for (int k = 0; k < 7; k++)
		cr_assert_eq(job_share(3, k, 7), k < 3 ? 1u : 0u, "worker %d", k);
}

Test(job, serial_and_parallel_parts_add_up_to_w)
{
	static const double ps[] = { 0.0, 0.1, 0.5, 0.8, 0.9, 0.99, 1.0 };
	static const uint64_t ws[] = { 1, 2, 10, 333, 1000003 };

	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
		for (size_t j = 0; j < sizeof(ws) / sizeof(ws[0]); j++)
			for (int phases = 1; phases <= 5; phases++) {
				struct job job = make_job(ps[i], ws[j], phases, SCALING_STRONG);
				uint64_t ser = 0, par = 0;
				uint64_t want_ser = (uint64_t)llround((1.0 - ps[i]) * (double)ws[j]);

				for (int k = 0; k < phases; k++) {
					ser += job_serial_units(&job, k);
					par += job_parallel_units(&job, k, 7);
				}
				cr_assert_eq(ser, want_ser, "P=%g W=%llu K=%d", ps[i], (unsigned long long)ws[j], phases);
				cr_assert_eq(ser + par, ws[j], "P=%g W=%llu K=%d: %llu+%llu", ps[i],
					     (unsigned long long)ws[j], phases, (unsigned long long)ser,
					     (unsigned long long)par);
			}
}

Test(job, phases_split_as_evenly_as_units_allow)
{
	struct job job = make_job(0.5, 1000, 3, SCALING_STRONG);

	/* 500 serial and 500 parallel units over 3 phases: 167, 167, 166. */
	cr_assert_eq(job_serial_units(&job, 0), 167);
	cr_assert_eq(job_serial_units(&job, 1), 167);
	cr_assert_eq(job_serial_units(&job, 2), 166);
	cr_assert_eq(job_parallel_units(&job, 0, 4), 167);
	cr_assert_eq(job_parallel_units(&job, 2, 4), 166);
}

Test(job, strong_scaling_keeps_the_parallel_part_fixed)
{
	struct job job = make_job(0.9, 1000, 1, SCALING_STRONG);

	for (int n = 1; n <= 320; n *= 2)
		cr_assert_eq(job_parallel_units(&job, 0, n), 900, "N=%d", n);
}

Test(job, weak_scaling_grows_the_parallel_part_with_n)
{
	struct job job = make_job(0.9, 1000, 1, SCALING_WEAK);
	struct job three = make_job(0.9, 1000, 3, SCALING_WEAK);

	for (int n = 1; n <= 320; n = n < 256 ? n * 2 : 320) {
		uint64_t sum = 0;

		cr_assert_eq(job_parallel_units(&job, 0, n), 900u * (uint64_t)n, "N=%d", n);
		/* Each worker still gets the one-worker parallel part. */
		for (int w = 0; w < n; w++)
			cr_assert_eq(job_share(job_parallel_units(&job, 0, n), w, n), 900, "N=%d w=%d", n, w);
		for (int k = 0; k < 3; k++)
			sum += job_parallel_units(&three, k, n);
		cr_assert_eq(sum, 900u * (uint64_t)n, "3 phases, N=%d", n);
		/* The serial part does not grow. */
		cr_assert_eq(job_serial_units(&job, 0), 100);
		if (n == 320)
			break;
	}
}

static void count_wait(void *ctx)
{
	(*(int *)ctx)++;
}

static uint64_t seen_serial, seen_parallel;

static void rec_serial(struct job *job, uint64_t units)
{
	(void)job;
	seen_serial += units;
}

static void rec_parallel(struct job *job, int worker, int nworkers, uint64_t units)
{
	(void)job;
	(void)worker;
	(void)nworkers;
	seen_parallel += units;
}

static const struct workload *recorder(void);

Test(job, phase_protocol_meets_the_barrier_twice_between_phases)
{
	struct job job = make_job(0.5, 1000, 4, SCALING_STRONG);
	int waits = 0;
	struct job_sync sync = { count_wait, &waits };

	job.workload = recorder();
	seen_serial = seen_parallel = 0;
	job_run_worker(&job, 1, 3, &sync);
	cr_assert_eq(waits, 2 * (4 - 1), "a worker waited %d times", waits);
	cr_assert_eq(seen_parallel, job_share(125, 1, 3) * 4, "worker 1 of 3 did %llu units",
		     (unsigned long long)seen_parallel);
	waits = 0;
	job_run_between(&job, &sync);
	cr_assert_eq(waits, 2 * (4 - 1), "the calling worker waited %d times", waits);
	/* Phases 1..3's serial sections: all but phase 0's 125 units. */
	cr_assert_eq(seen_serial, 500 - 125);
	waits = 0;
	job.phases = 1;
	job_run_worker(&job, 0, 1, &sync);
	job_run_between(&job, &sync);
	cr_assert_eq(waits, 0, "one phase needs no barrier");
}

Test(job, shared_memory_is_zeroed_and_shared_with_a_child)
{
	size_t size = 3 * 4096 + 5;
	unsigned char *m = job_shared_alloc(size);
	int status;
	pid_t pid;

	cr_assert_not_null(m);
	for (size_t i = 0; i < size; i++)
		cr_assert_eq(m[i], 0, "byte %zu not zeroed", i);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		m[0] = 42;
		m[size - 1] = 7;
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_eq(m[0], 42, "the child's write is not visible");
	cr_assert_eq(m[size - 1], 7);
	job_shared_free(m, size);
}

Test(job, fail_formats_the_reason)
{
	struct job job = make_job(0.5, 1, 1, SCALING_STRONG);

	cr_assert_eq(job_fail(&job, "worker %d: %s", 3, "gone"), -1);
	cr_assert_str_eq(job.err, "worker 3: gone");
}

#include "../src/api/workload.h"

static const struct workload recorder_workload = {
	.name = "recorder",
	.serial = rec_serial,
	.parallel = rec_parallel,
};

static const struct workload *recorder(void)
{
	return &recorder_workload;
}
