/*
 * sleep workload: I/O-bound. One unit waits --sleep-us microseconds (100 by
 * default) through job_wait, the way a thread waits for a disk or a socket:
 * the thread backend's workers just sleep, the gil backend releases its lock
 * around the wait and green switches to another greenlet. Waiting needs no
 * core, so it scales far past the machine's cores on every backend that can
 * wait concurrently — the talk's "consider threading (or async) for I/O".
 */
#include "../api/workload.h"

#include <stdio.h>
#include <stdlib.h>

static const struct option_spec sleep_params[] = {
	{ .name = "sleep-us", .kind = OPTION_INT, .metavar = "MICROSECONDS", .def = "100", .min = 1, .max = 1000000,
	  .help = "sleep workload: how long one unit waits (1 to 1000000)" },
	{ .name = NULL },
};

static uint64_t unit_ns(const struct job *job)
{
	return params_uint(job->params, sleep_params, "sleep-us") * 1000;
}

static void sleep_units(struct job *job, int worker, uint64_t units)
{
	uint64_t ns = unit_ns(job);

	for (uint64_t u = 0; u < units; u++)
		job_wait(job, worker, ns);
}

static void sleep_serial(struct job *job, uint64_t units)
{
	sleep_units(job, -1, units);
}

static void sleep_parallel(struct job *job, int worker, int nworkers, uint64_t units)
{
	(void)nworkers;
	sleep_units(job, worker, units);
}

const struct workload workload_sleep = {
	.name = "sleep",
	.summary = "I/O-bound: each unit waits --sleep-us through the backend's wait",
	.params = sleep_params,
	.bound = WORKLOAD_BOUND_WAIT,
	.serial = sleep_serial,
	.parallel = sleep_parallel,
};
