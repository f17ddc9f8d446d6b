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

/*
 * Measure units per second of job->workload on one worker (the calling
 * thread, no backend), after its setup. Returns 0 and the rate, or -1 with
 * job->err set.
 */
int calibrate_rate(struct job *job, double *units_per_s);
/* W for work_s seconds at that rate: at least 1. */
uint64_t calibrate_units(double units_per_s, double work_s);

#endif
