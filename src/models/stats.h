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

/* A point's repetitions judged for noise, as `run` warns about them. */
struct stats_noise {
	double cv;		/* coefficient of variation */
	size_t outliers;	/* values far out by the modified z-score *and* by more than the threshold */
	double worst;		/* the largest |v - median| / median among those outliers (0: none) */
	int wide;		/* cv > threshold */
};

/*
 * Noise worth a warning, by one threshold (run's --cv-warn, a fraction): the
 * spread is wide when the CV exceeds it, and a value is an outlier when its
 * modified z-score (Iglewicz and Hoaglin: |v - median| / (1.4826 MAD) > 3.5)
 * says so *and* it lies more than the threshold from the median: in a tight
 * cluster (CV 1%) a value 1.2% out is 3.5 MADs away, and is no noise to warn
 * about. Fewer than 3 values: nothing. Returns 1 when a warning is due.
 */
int stats_noise(const double *v, size_t n, double threshold, struct stats_noise *out);

#endif
