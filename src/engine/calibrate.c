/*
 * Units-per-second calibration on one worker: grow the batch until it lasts
 * CALIBRATE_MIN_S, then take the fastest of three such batches (the least
 * disturbed by the rest of the machine), with what its units cost on and
 * off a CPU (the thread's CPU clock and schedstat around each batch).
 */
#include "calibrate.h"
#include "../base/clock.h"
#include "../api/workload.h"
#include "../runtime/workrec.h"

#include <math.h>
#include <string.h>

/* One batch: its wall time, and its CPU time and run-queue wait. */
struct batch {
	double wall, cpu, wait;
};

static struct batch time_units(struct job *job, uint64_t units)
{
	struct workrec_sched s0, s1;
	struct batch b;
	double t0;

	if (job->workload->begin)
		job->workload->begin(job);
	workrec_sched_now(&s0);
	t0 = clock_now();
	job->workload->parallel(job, 0, 1, units);
	b.wall = clock_now() - t0;
	workrec_sched_now(&s1);
	b.cpu = (double)(s1.run_ns - s0.run_ns) * 1e-9;
	b.wait = (double)(s1.wait_ns - s0.wait_ns) * 1e-9;
	return b;
}

/* The rate of the fastest batch (the least disturbed by the rest of the
 * machine) and what its units cost on and off a CPU; a wait for a CPU is
 * the machine's, not the work's. */
static void take(struct calibration *c, uint64_t units, const struct batch *b)
{
	double u = (double)units, r = u / b->wall;

	if (r <= c->rate)
		return;
	c->rate = r;
	c->cpu_s = b->cpu / u;
	c->off_s = b->wall - b->cpu - b->wait > 0 ? (b->wall - b->cpu - b->wait) / u : 0;
}

int calibrate_measure(struct job *job, struct calibration *c)
{
	uint64_t units = 1;
	struct batch b;

	memset(c, 0, sizeof(*c));
	job->nworkers = 1;
	for (;;) {
		b = time_units(job, units);
		if (b.wall >= CALIBRATE_MIN_S)
			break;
		if (units > (UINT64_C(1) << 52))
			return job_fail(job, "workload '%s' does no measurable work", job->workload->name);
		/* Aim past the minimum in one step once the time is measurable. */
		if (b.wall > CALIBRATE_MIN_S / 20)
			units = (uint64_t)ceil((double)units * 1.5 * CALIBRATE_MIN_S / b.wall);
		else
			units *= 8;
	}
	take(c, units, &b);
	for (int i = 0; i < 2; i++) {
		b = time_units(job, units);
		take(c, units, &b);
	}
	return 0;
}

int calibrate_rate(struct job *job, double *units_per_s)
{
	struct calibration c;

	if (calibrate_measure(job, &c) < 0)
		return -1;
	*units_per_s = c.rate;
	return 0;
}

uint64_t calibrate_units(double units_per_s, double work_s)
{
	double w = units_per_s * work_s;

	return w < 1 ? 1 : (uint64_t)llround(w);
}
