/*
 * The run summary: the table `amdahl run` prints on stderr at the end, one
 * line a point, from the rows the run wrote (through aggregate.h, so its
 * numbers are those of plot and fit), with a legend that says what each
 * column is.
 */
#ifndef AMDAHL_SUMMARY_H
#define AMDAHL_SUMMARY_H

#include <stddef.h>
#include <stdio.h>

#include "rows.h"

/* A point the run planned, in the order the summary lists it. */
struct summary_point {
	const char *backend, *workload;
	const char *label;		/* the --cmd name; "" otherwise */
	double p;			/* NaN for --cmd points */
	int n, weak;
	int failed;			/* no rows because it failed (else: skipped) */
	const char *note;		/* a line printed under the table for it, or NULL */
	/* run --precision (summary_opts.precision): its repetitions, the relative
	 * half-width of its median speedup's 95% interval (NaN: none), and whether
	 * that reached the target, or why not ("reached", "no: noise (needs ~94)",
	 * "base" for an N = 1 point) */
	size_t reps;
	double half;
	const char *verdict;
};

struct summary_opts {
	const struct summary_point *points;	/* NULL: every point of the rows, in their order */
	size_t npoints;
	/* With SMT (hw_threads > physical_cores > 0), the lines at these N are marked. */
	int physical_cores, hw_threads;
	int precision;				/* the points' reps, ±% and reached columns */
};

/* Print the summary of rows; -1 on a write error. */
int summary_print(FILE *fp, const struct run_rows *rows, const struct summary_opts *o);

#endif
