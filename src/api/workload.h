/*
 * What is computed. A workload is one file in src/workloads/ that ends in one
 * exported `const struct workload workload_<name>`; everything else in it is
 * static. To add one: write the file, add a line to the registry table in
 * workload.c, a line to the Makefile's SRC list, and tests/test_<name>.c.
 */
#ifndef AMDAHL_WORKLOAD_H
#define AMDAHL_WORKLOAD_H

#include <stdint.h>

#include "column.h"
#include "job.h"
#include "params.h"
#include "timing.h"

/* What a workload needs from the backend that runs it. */
enum workload_needs {
	WORKLOAD_NEEDS_NOTHING = 0,
	WORKLOAD_NEEDS_CHANNEL = 1 << 0,	/* message: a backend channel (hooks.transfer) */
	WORKLOAD_EXTERNAL = 1 << 1,		/* exec: a program makes its own workers; no
						 * calibration, no P; only the cmd backend runs it */
};

/*
 * What bounds a workload's speedup, and so which ceiling its figures, summary
 * and fits set it beside. Only CPU work is capped by the usable cores: a
 * workload that waits needs no CPU while it waits and may scale past them.
 */
enum workload_bound {
	WORKLOAD_BOUND_CPU,		/* computes: min(N, cores) workers run at once (the default) */
	WORKLOAD_BOUND_WAIT,		/* waits (sleep, I/O): no CPU ceiling */
	WORKLOAD_BOUND_BANDWIDTH,	/* moves memory: under the CPU ceiling; bandwidth binds first */
	WORKLOAD_BOUND_CHANNEL,		/* passes messages: under the CPU ceiling; the channel binds first */
};

struct workload {
	const char *name, *summary;
	const struct option_spec *params;	/* options it owns; NULL or {NULL}-terminated */
	const struct column *columns;		/* CSV columns it fills; NULL or {NULL}-terminated */
	unsigned needs;				/* enum workload_needs bits */
	enum workload_bound bound;
	/* Validate its options before anything runs; a message into err means exit 2. */
	int (*check)(const struct params *ps, char *err, size_t errlen);
	int (*setup)(struct job *job);		/* allocate; may refuse with job_fail */
	/* Untimed, before each repetition (reset counters); may be NULL. */
	void (*begin)(struct job *job);
	void (*serial)(struct job *job, uint64_t units);
	void (*parallel)(struct job *job, int worker, int nworkers, uint64_t units);
	/* Untimed, after each repetition: fill its columns (timing_set); may be NULL. */
	void (*report)(struct job *job, struct timing *t);
	void (*teardown)(struct job *job);
};

/* The registry, in the order --help lists them, NULL-terminated. */
extern const struct workload *const workload_registry[];

const struct workload *workload_find(const char *name);
/* The bound of a workload by name; CPU for a name no workload has (a CSV from elsewhere). */
enum workload_bound workload_bound_of(const char *name);
/* Whether the usable cores cap the speedup: every bound but waiting. */
int workload_bound_cpu(enum workload_bound b);
/* "CPU", "waiting", "bandwidth", "channel". */
const char *workload_bound_name(enum workload_bound b);

#endif
