/*
 * Calibration: how many units of a workload one worker does per second, so
 * that a job of W units takes one worker --work seconds.
 */
#ifndef AMDAHL_CALIBRATE_H
#define AMDAHL_CALIBRATE_H

#include <stdint.h>

#include "../api/job.h"

/* Smallest time one calibration measurement must last. */
#define CALIBRATE_MIN_S 0.02

/* What one unit costs one worker, from the calibration's fastest batch. */
struct calibration {
	double rate;		/* units per second */
	double cpu_s;		/* seconds on a CPU per unit */
	double off_s;		/* seconds off a CPU, not waiting for one, per unit (sleep's wait) */
};

/*
 * Measure units per second of job->workload on one worker (the calling
 * thread, no backend), after its setup. Returns 0 and the rate, or -1 with
 * job->err set.
 */
int calibrate_rate(struct job *job, double *units_per_s);
/* The same, with what a unit costs on and off a CPU (the speedup stack's useful work). */
int calibrate_measure(struct job *job, struct calibration *c);
/* W for work_s seconds at that rate: at least 1. */
uint64_t calibrate_units(double units_per_s, double work_s);

#endif
