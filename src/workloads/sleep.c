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

static const struct param_spec sleep_params[] = {
	{ "sleep-us", "MICROSECONDS", "100", "sleep workload: how long one unit waits (1 to 1000000)" },
	{ NULL, NULL, NULL, NULL },
};

static int parse_us(const char *s, uint64_t *us)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end || v < 1 || v > 1000000)
		return -1;
	*us = v;
	return 0;
}

static int sleep_check(const struct params *ps, char *err, size_t errlen)
{
	const char *v = params_get(ps, sleep_params, "sleep-us");
	uint64_t us;

	if (parse_us(v, &us) < 0) {
		snprintf(err, errlen, "bad --sleep-us '%s': expected an integer from 1 to 1000000", v);
		return -1;
	}
	return 0;
}

static uint64_t unit_ns(const struct job *job)
{
	uint64_t us = 100;

	parse_us(params_get(job->params, sleep_params, "sleep-us"), &us);
	return us * 1000;
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
	.check = sleep_check,
	.serial = sleep_serial,
	.parallel = sleep_parallel,
};
