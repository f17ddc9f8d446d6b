/*
 * The statistics `amdahl compare` judges two runs with: a rank test that
 * asks whether one set of repetitions is shifted against the other, and a
 * bootstrap confidence interval for the ratio of their medians.
 */
#ifndef AMDAHL_COMPARE_STATS_H
#define AMDAHL_COMPARE_STATS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Mann-Whitney U test of y against x, normal approximation with the tie
 * correction and a continuity correction (GSL's gaussian tail).
 * p_greater: one-sided p-value for "y tends to be larger than x";
 * p_less: for "y tends to be smaller". Both 1 when nothing can be said
 * (an empty sample, or every value tied). Returns U of y.
 */
double compare_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, double *p_greater,
			    double *p_less);

/*
 * The smallest one-sided p-value the test can give for samples of these
 * sizes (complete separation): with 3 against 3 repetitions it is about
 * 0.04, so fewer repetitions can never be significant at 0.05.
 */
double compare_min_p(size_t nx, size_t ny);

/*
 * median(y)/median(x), and a percentile bootstrap interval at `level`
 * (each sample resampled with replacement on its own, `resamples` times, GSL's
 * MT19937 seeded with `seed`). -1 when a sample is empty or a median is not
 * positive.
 */
int compare_ratio_ci(const double *x, size_t nx, const double *y, size_t ny, int resamples, double level,
		     uint64_t seed, double *ratio, double *lo, double *hi);

#endif
