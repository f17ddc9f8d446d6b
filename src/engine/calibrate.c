/*
 * Units-per-second calibration on one worker: grow the batch until it lasts
 * CALIBRATE_MIN_S, then take the fastest of three such batches (the least
 * disturbed by the rest of the machine).
 */
#include "calibrate.h"
#include "../base/clock.h"
#include "../api/workload.h"

#include <math.h>

static double time_units(struct job *job, uint64_t units)
{
	double t0;

	if (job->workload->begin)
		job->workload->begin(job);
	t0 = clock_now();
	job->workload->parallel(job, 0, 1, units);
	return clock_now() - t0;
}

int calibrate_rate(struct job *job, double *units_per_s)
{
	uint64_t units = 1;
	double t, best = 0;

	job->nworkers = 1;
	for (;;) {
		t = time_units(job, units);
		if (t >= CALIBRATE_MIN_S)
			break;
		if (units > (UINT64_C(1) << 52))
			return job_fail(job, "workload '%s' does no measurable work", job->workload->name);
		/* Aim past the minimum in one step once the time is measurable. */
		if (t > CALIBRATE_MIN_S / 20)
			units = (uint64_t)ceil((double)units * 1.5 * CALIBRATE_MIN_S / t);
		else
			units *= 8;
	}
	best = (double)units / t;
	for (int i = 0; i < 2; i++) {
		double r = (double)units / time_units(job, units);
		if (r > best)
			best = r;
	}
	*units_per_s = best;
	return 0;
}

uint64_t calibrate_units(double units_per_s, double work_s)
{
	double w = units_per_s * work_s;

	return w < 1 ? 1 : (uint64_t)llround(w);
}
