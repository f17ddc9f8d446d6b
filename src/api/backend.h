/*
 * How workers are made and joined. A backend is one file in src/backends/
 * that ends in one exported `const struct backend backend_<name>`; everything
 * else in it is static. To add one: write the file, add a line to the
 * registry table in backend.c, a line to the Makefile's SRC list, and
 * tests/test_<name>.c. A backend this build cannot offer stays registered
 * with unavailable set to the reason (and the packages to install).
 */
#ifndef AMDAHL_BACKEND_H
#define AMDAHL_BACKEND_H

#include "column.h"
#include "job.h"
#include "params.h"
#include "timing.h"
#include "workload.h"

struct backend {
	const char *name, *summary;
	const char *unavailable;		/* NULL when usable, else why not */
	const struct option_spec *params;	/* options it owns; NULL or {NULL}-terminated */
	const struct column *columns;		/* CSV columns it fills; NULL or {NULL}-terminated */
	/* Validate its options before anything runs; a message into err means exit 2. */
	int (*check)(const struct params *ps, char *err, size_t errlen);
	/* NULL when it can run w, else the reason it cannot (exit 2). May be NULL. */
	const char *(*refuse)(const struct workload *w);
	/* Untimed, before each repetition (warm a thread team); may be NULL. */
	int (*prepare)(const struct workload *w, struct job *job, int n);
	/*
	 * Run the whole job with n workers: serial sections on the calling worker,
	 * parallel sections split over n workers, everything joined. Return 0, or
	 * -1 with job->err set when a worker failed. The sweep times the call
	 * unless the backend sets out->wall_s itself.
	 */
	int (*run)(const struct workload *w, struct job *job, int n, struct timing *out);
};

extern const struct backend *const backend_registry[];

const struct backend *backend_find(const char *name);

#endif
