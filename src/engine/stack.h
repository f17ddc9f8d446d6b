/*
 * The speedup stack in the measuring child (docs/explain.md): per-worker
 * records turned on for every repetition, read after it, and turned into the
 * stack's parts (src/models/explain.h) — from the workers' own records for
 * the built-in backends, from outside for a --cmd program (its rusage and
 * its threads' sampled run-queue wait, which the cmd backend leaves in the
 * calling worker's record).
 */
#ifndef AMDAHL_STACK_H
#define AMDAHL_STACK_H

#include "calibrate.h"
#include "../api/backend.h"
#include "../api/job.h"
#include "../models/explain.h"

/* Map the job's records (max_workers + 1) and time its serial sections. -1 when they cannot be mapped. */
int stack_open(struct job *job);
void stack_close(struct job *job);
/* Before a repetition: the records zeroed. */
void stack_begin(struct job *job);
/*
 * After it: the parts of the repetition that ran from t0 to t1 (clock_now)
 * and measured t, with cal what a unit of the workload costs (NULL for a
 * program), into t's stack columns (column_stack); NaN where not known.
 */
void stack_end(const struct job *job, const struct backend *b, const struct calibration *cal, double t0, double t1,
	       struct timing *t);

#endif
