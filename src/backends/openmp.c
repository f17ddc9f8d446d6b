/*
 * openmp backend: one OpenMP parallel region with num_threads(N) per phase,
 * the serial sections between regions on the initial thread. The team is
 * warmed by an untimed empty region before each repetition, as it would be in
 * a long-running program; OMP_WAIT_POLICY is recorded in meta.json.
 *
 * Channel (message workload): a queue to a consumer thread beside the team
 * (channel.h).
 */
#include "../api/backend.h"
#include "../runtime/channel.h"
#include "../runtime/workrec.h"

#include <omp.h>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
/*
 * libgomp is not built with ThreadSanitizer, so it cannot see that a region
 * starts after the serial section before it and ends before the one after;
 * these annotations say so (the addresses are the keys, nothing is accessed).
 * Workers never acquire region_end, so races between the workers of one
 * region are still reported. Normal builds compile them away.
 */
static const char region_start, region_end;
#define TSAN_RELEASE(key) __tsan_release((void *)&(key))
#define TSAN_ACQUIRE(key) __tsan_acquire((void *)&(key))
#else
#define TSAN_RELEASE(key) ((void)0)
#define TSAN_ACQUIRE(key) ((void)0)
#endif

static int openmp_prepare(const struct workload *w, struct job *job, int n)
{
	(void)w;
	(void)job;
	omp_set_dynamic(0);
#pragma omp parallel num_threads(n)
	{
		/* The threads of the team exist afterwards. Not empty: GCC drops an
		 * empty region altogether, and nothing would be warmed. */
		__asm__ volatile("" ::: "memory");
	}
	return 0;
}

/* One region per phase; the serial sections between them. */
static int openmp_regions(struct job *job, int n)
{
	job_worker_start(job, -1);
	for (int k = 0; k < job->phases; k++) {
		int got = n;

		job_serial(job, k);
		TSAN_RELEASE(region_start);
#pragma omp parallel num_threads(n)
		{
			int me;

			TSAN_ACQUIRE(region_start);
			me = omp_get_thread_num();
			if (me == 0)
				got = omp_get_num_threads();
			job_worker_start(job, me);
			/* The parallel section is split over the team we asked for;
			 * a worker's record spans its first region to its last, the
			 * time between regions a section of it (as a barrier's). */
			if (me < n) {
				struct worker_record *r = workrec_of(job, me);

				if (r && k == 0)
					workrec_start(r);
				else if (r)
					workrec_section_end(r);	/* its time between regions */
				job_parallel(job, k, me, n);
				if (r && k == job->phases - 1)
					workrec_end(r);
				else if (r)
					workrec_section_begin(r);
			}
			TSAN_RELEASE(region_end);
		}
		TSAN_ACQUIRE(region_end);
		if (got != n)
			return job_fail(job, "OpenMP gave %d threads instead of %d (OMP_THREAD_LIMIT?)", got, n);
	}
	return 0;
}

static int openmp_run(const struct workload *w, struct job *job, int n, struct timing *out)
{
	struct channel chan;
	int rc;

	(void)out;
	if (!(w->needs & WORKLOAD_NEEDS_CHANNEL))
		return openmp_regions(job, n);
	if (channel_open(&chan, NULL, job) < 0)
		return -1;
	job->hooks.transfer = channel_transfer;
	job->hooks.ctx = &chan;
	rc = openmp_regions(job, n);
	if (channel_close(&chan, job) < 0)
		rc = -1;
	job->hooks.transfer = NULL;
	job->hooks.ctx = NULL;
	return rc;
}

const struct backend backend_openmp = {
	.name = "openmp",
	.summary = "an OpenMP parallel region with num_threads(N) per phase; warm team",
	.threads = BACKEND_THREADS_TEAM,
	.prepare = openmp_prepare,
	.run = openmp_run,
};
