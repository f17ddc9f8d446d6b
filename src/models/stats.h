/*
 * Descriptive statistics over repetitions, on GSL: median, quantiles,
 * mean, standard deviation, coefficient of variation.
 */
#ifndef AMDAHL_STATS_H
#define AMDAHL_STATS_H

#include <stddef.h>

struct stats_summary {
	size_t n;
	double min, max, mean, sd, median, q1, q3, cv;
};

/* Median of v[0..n) (v is not modified); NaN when n == 0. */
double stats_median(const double *v, size_t n);
/* Quantile q in [0,1] by linear interpolation (GSL's rule); NaN when n == 0. */
double stats_quantile(const double *v, size_t n, double q);
/* All of the above at once. */
void stats_summarize(const double *v, size_t n, struct stats_summary *out);

#endif
