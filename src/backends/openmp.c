/*
 * openmp backend: one OpenMP parallel region with num_threads(N) per phase,
 * the serial sections between regions on the initial thread. The team is
 * warmed by an untimed empty region before each repetition, as it would be in
 * a long-running program; OMP_WAIT_POLICY is recorded in meta.json.
 */
#include "backend.h"

#include <omp.h>

static int openmp_prepare(const struct workload *w, struct job *job, int n)
{
	(void)w;
	(void)job;
	omp_set_dynamic(0);
#pragma omp parallel num_threads(n)
	{
		/* An empty region: the threads of the team exist afterwards. */
	}
	return 0;
}

static int openmp_run(const struct workload *w, struct job *job, int n, struct timing *out)
{
	(void)w;
	(void)out;
	job_worker_start(job, -1);
	for (int k = 0; k < job->phases; k++) {
		int got = n;

		job_serial(job, k);
#pragma omp parallel num_threads(n)
		{
			int me = omp_get_thread_num();

			if (me == 0)
				got = omp_get_num_threads();
			job_worker_start(job, me);
			/* The parallel section is split over the team we asked for. */
			if (me < n)
				job_parallel(job, k, me, n);
		}
		if (got != n)
			return job_fail(job, "OpenMP gave %d threads instead of %d (OMP_THREAD_LIMIT?)", got, n);
	}
	return 0;
}

const struct backend backend_openmp = {
	.name = "openmp",
	.summary = "an OpenMP parallel region with num_threads(N) per phase; warm team",
	.prepare = openmp_prepare,
	.run = openmp_run,
};
