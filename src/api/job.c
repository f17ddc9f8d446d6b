/*
 * The work model: how W units divide into phases, serial and parallel
 * sections, and worker shares, exactly and without rounding drift.
 */
#include "job.h"
#include "timing.h"
#include "../base/topology.h"
#include "workload.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

void job_init(struct job *job, const struct workload *w, const struct params *params, double p,
	      int phases, enum scaling scaling, uint64_t units, int workers)
{
	*job = (struct job){ .workload = w, .params = params, .p = p, .phases = phases, .scaling = scaling,
			     .units = units, .max_workers = workers, .nworkers = workers };
}

uint64_t job_share(uint64_t units, int worker, int n)
{
	uint64_t un = (uint64_t)n, w = (uint64_t)worker;

	return units / un + (w < units % un ? 1 : 0);
}

static uint64_t serial_total(const struct job *job)
{
	return (uint64_t)llround((1.0 - job->p) * (double)job->units);
}

uint64_t job_serial_units(const struct job *job, int k)
{
	return job_share(serial_total(job), k, job->phases);
}

uint64_t job_parallel_units(const struct job *job, int k, int nworkers)
{
	uint64_t total = job->units - serial_total(job);

	if (job->scaling == SCALING_WEAK)
		total *= (uint64_t)nworkers;
	return job_share(total, k, job->phases);
}

void job_serial(struct job *job, int k)
{
	uint64_t u = job_serial_units(job, k);

	if (job->on_serial)
		job->on_serial(job, k, 0);
	if (u)
		job->workload->serial(job, u);
	if (job->on_serial)
		job->on_serial(job, k, 1);
}

void job_spawning(struct job *job, int worker)
{
	if (job->on_spawn)
		job->on_spawn(job, worker);
}

void job_parallel(struct job *job, int k, int worker, int nworkers)
{
	uint64_t u = job_share(job_parallel_units(job, k, nworkers), worker, nworkers);

	job->workload->parallel(job, worker, nworkers, u);
}

void job_run_worker(struct job *job, int worker, int n, const struct job_sync *sync)
{
	job_worker_start(job, worker);
	for (int k = 0; k < job->phases; k++) {
		job_parallel(job, k, worker, n);
		if (k + 1 < job->phases) {
			sync->wait(sync->ctx);	/* phase k done */
			sync->wait(sync->ctx);	/* serial section k+1 done */
		}
	}
}

void job_run_between(struct job *job, const struct job_sync *sync)
{
	for (int k = 1; k < job->phases; k++) {
		sync->wait(sync->ctx);
		job_serial(job, k);
		sync->wait(sync->ctx);
	}
}

void job_worker_start(struct job *job, int worker)
{
	const struct topology_placement *pl = job->placement;

	/* gettid only to pin: 320 of them cost 0.1 ms inside an OpenMP region's timed 3.5 ms. */
	if (pl && pl->ncpus > 0) {
		long tid = topology_thread_id();

		if (worker < 0)
			job->caller_tid = tid;
		if (worker < 0 || tid != job->caller_tid)
			topology_pin_self(pl->cpus[worker < 0 ? 0 : worker % pl->ncpus]);
	}
	if (job->ran_on && worker < job->max_workers)
		job->ran_on[worker + 1] = topology_current_cpu();
}

void job_cpus_reset(struct job *job)
{
	if (!job->ran_on)
		job->ran_on = job_shared_alloc((size_t)(job->max_workers + 1) * sizeof(int));
	for (int i = 0; job->ran_on && i <= job->max_workers; i++)
		job->ran_on[i] = -1;
}

void job_cpus_format(const struct job *job, char *buf, size_t len)
{
	int n = job->nworkers < job->max_workers ? job->nworkers : job->max_workers, any = 0;

	if (!job->ran_on || len == 0 || buf[0])
		return;
	for (int i = 0; i <= n; i++)
		any |= job->ran_on[i] >= 0;
	if (any)
		topology_cpus_format(job->ran_on, n + 1, buf, len);
}

void job_numa_gbps(const struct job *job, double unit_bytes, struct timing *t)
{
	const struct topology *topo = job->placement ? job->placement->topo : NULL;
	int nnodes = topo ? topology_numa_count(topo) : 0, n = job->nworkers, used = 0;
	double *units;

	if (nnodes < 2 || !job->ran_on || n > job->max_workers || !(t->wall_s > 0))
		return;
	units = calloc((size_t)nnodes, sizeof(*units));
	if (!units)
		return;
	for (int w = -1; w < n; w++) {
		int node = topology_numa_of_cpu(topo, job->ran_on[w + 1]);
		uint64_t u = 0;

		for (int k = 0; k < job->phases; k++)
			u += w < 0 ? job_serial_units(job, k) : job_share(job_parallel_units(job, k, n), w, n);
		if (node >= 0 && node < nnodes)
			units[node] += (double)u;
	}
	t->numa_gbps[0] = '\0';
	for (int i = 0; i < nnodes && used < (int)sizeof(t->numa_gbps); i++)
		used += snprintf(t->numa_gbps + used, sizeof(t->numa_gbps) - (size_t)used, "%s%d:%.4g",
				 i ? ";" : "", i, units[i] * unit_bytes / t->wall_s / 1e9);
	free(units);
}

void job_wait(struct job *job, int worker, uint64_t ns)
{
	struct timespec ts, rem;

	if (job->hooks.wait) {
		job->hooks.wait(job, worker, ns);
		return;
	}
	ts.tv_sec = (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
}

void *job_shared_alloc(size_t size)
{
	void *p = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void job_shared_free(void *p, size_t size)
{
	if (p)
		munmap(p, size ? size : 1);
}

int job_fail(struct job *job, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(job->err, sizeof(job->err), fmt, ap);
	va_end(ap);
	return -1;
}
