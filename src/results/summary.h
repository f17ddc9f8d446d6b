/*
 * The run summary: the table `amdahl run` prints on stderr at the end, one
 * line a point, from the rows the run wrote (through aggregate.h, so its
 * numbers are those of plot and fit), with a legend that says what each
 * column is, and how much of the workers' time at N <= cores went to
 * waiting for a CPU (the speedup stack's starved part: other load).
 */
#ifndef AMDAHL_SUMMARY_H
#define AMDAHL_SUMMARY_H

#include <stddef.h>
#include <stdio.h>

#include "rows.h"

/* From this share of the workers' time at N <= cores spent waiting for a
 * CPU, the summary says the machine was busy. */
#define SUMMARY_BUSY 0.05

/* A point the run planned, in the order the summary lists it. */
struct summary_point {
	const char *backend, *workload;
	const char *label;		/* the --cmd name; "" otherwise */
	double p;			/* NaN for --cmd points */
	int n, weak;
	int failed;			/* no rows because it failed (else: skipped) */
	const char *note;		/* a line printed under the table for it, or NULL */
};

struct summary_opts {
	const struct summary_point *points;	/* NULL: every point of the rows, in their order */
	size_t npoints;
	/* With SMT (hw_threads > physical_cores > 0), the lines at these N are marked. */
	int physical_cores, hw_threads;
};

/* Print the summary of rows; -1 on a write error. */
int summary_print(FILE *fp, const struct run_rows *rows, const struct summary_opts *o);

#endif
