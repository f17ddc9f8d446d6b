/*
 * Confidence intervals over repetitions, each with the coverage it was
 * measured to have (docs/models-and-ci.md): a median's, a ratio of two
 * independent samples' medians, a ratio of paired samples, and the
 * Student-t interval around an estimate with a standard error. The fits'
 * intervals (jackknife over rounds) are in jackknife.h; these are the
 * building blocks that figures, tables and gates call.
 */
#ifndef AMDAHL_INTERVAL_H
#define AMDAHL_INTERVAL_H

#include <stddef.h>

struct interval {
	double est;		/* the point estimate; NaN when there is none */
	double lo, hi;		/* NaN when there is no interval */
	double level;		/* the coverage it has (the exact one, for the order-statistic ones) */
};

/* est +- t(df, (1+level)/2) * se; -1 (no interval) when se or df is not usable. */
int interval_from_se(double est, double se, double df, double level, struct interval *out);

/*
 * The median of v[0..n) and a distribution-free interval for it: order
 * statistics whose binomial coverage brackets the level, interpolated
 * between the two bracketing pairs (Hettmansperger and Sheather, 1986), so
 * the coverage is the level for symmetric noise and between the two exact
 * binomial coverages whatever the noise. When even [min, max] covers less
 * than the level (n <= 5 at 95%), out is [min, max] with its exact coverage
 * 1 - 2^(1-n) in out->level, and the return is 1. -1 when n < 2.
 */
int interval_median(const double *v, size_t n, double level, struct interval *out);

/*
 * median(y)/median(x) of two independent samples of positive values, with
 * the distribution-free interval of the ratio: the shift interval of the
 * logarithms (ranktest_shift_interval), whose coverage is exact under
 * "y ~ c x" and is given in out->level (>= level). -1 with est only (lo, hi
 * NaN) when the samples are too small for the level (3 against 3 at 95%),
 * -1 with everything NaN for an empty sample or a value that is not > 0.
 */
int interval_ratio_of_medians(const double *x, size_t nx, const double *y, size_t ny, double level,
			      struct interval *out);

/*
 * Paired samples (x_i, y_i measured in the same round) of positive values:
 * the ratio y/x as the Hodges-Lehmann estimate of the per-pair log-ratios
 * (the median of their Walsh averages), with the distribution-free interval
 * that inverts Wilcoxon's signed-rank test (ranktest_signed_interval): exact
 * coverage, in out->level, when the log-ratios are symmetric about their
 * centre, as they are when the two programs' rounds are exchangeable. A few
 * rounds hit by other work move it little. -1 with est only when the pairs
 * are too few for the level (5 cannot give 95%); everything NaN when a value
 * is not > 0.
 */
int interval_paired_ratio(const double *x, const double *y, size_t n, double level, struct interval *out);
/* The one-sided exact signed-rank tests that go with it: p for "y larger than x" and for "y smaller". */
void interval_paired_p(const double *x, const double *y, size_t n, double *p_greater, double *p_less);

#endif
