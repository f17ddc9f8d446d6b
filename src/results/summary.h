/*
 * The run summary: the table `amdahl run` prints on stderr at the end, one
 * line a point, from the rows the run wrote (through aggregate.h, so its
 * numbers are those of plot and fit), with a legend that says what each
 * column is, and how much of the workers' time at N <= cores went to
 * waiting for a CPU (the speedup stack's starved part: other load).
 *
 * The warnings the run gives are worded here, once: the run prints them
 * and the report page shows them again from the rows (summary_noise,
 * summary_starved), so both say the same thing of the same data.
 */
#ifndef AMDAHL_SUMMARY_H
#define AMDAHL_SUMMARY_H

#include <stddef.h>
#include <stdio.h>

#include "rows.h"

/* From this share of the workers' time at N <= cores spent waiting for a
 * CPU, the summary says the machine was busy. */
#define SUMMARY_BUSY 0.05
/* run's --cv-warn by default: a point whose wall times spread wider (CV) is warned about. */
#define SUMMARY_CV_WARN 0.1

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

/*
 * The warning on a point whose repetitions' wall times (walls[0..k)) spread
 * wide or hold outliers (stats_noise at cv_warn, run's --cv-warn as a
 * fraction): 1 with the sentence in buf ("point <name>: wide spread ..."),
 * 0 when none is due.
 */
int summary_noise(const char *point, const double *walls, size_t k, double cv_warn, char *buf, size_t len);
/*
 * How much of the workers' time at N <= cores went to waiting for a CPU, in
 * the rows of input file (every input: -1): 1 with the sentence in buf
 * (*busy set when it passes SUMMARY_BUSY), 0 when no row knows the part.
 */
int summary_starved(const struct run_rows *rows, long file, char *buf, size_t len, int *busy);

/* Print the summary of rows; -1 on a write error. */
int summary_print(FILE *fp, const struct run_rows *rows, const struct summary_opts *o);

#endif
