/*
 * Rank statistics: for two independent samples the Mann-Whitney U test from
 * its exact permutation distribution (ties included) where that is cheap,
 * the normal approximation only for large samples, and the distribution-free
 * interval of a shift that inverts the same test (Hodges-Lehmann / Bauer);
 * for paired samples the same pair built on Wilcoxon's signed-rank test.
 */
#ifndef AMDAHL_RANKTEST_H
#define AMDAHL_RANKTEST_H

#include <stddef.h>

/*
 * Largest n_x + n_y for which the exact distribution is used whatever the
 * split (then every count C(n, k) is an integer below 2^53, so the counts
 * are exact in doubles). Above it, the exact distribution is still used
 * while the smaller sample is small enough for the work to stay cheap (see
 * ranktest.c); otherwise the normal approximation.
 */
#define RANKTEST_EXACT_MAX 50

struct ranktest {
	double u;		/* Mann-Whitney U of y: pairs (x, y) with y > x, ties counting 1/2 */
	double p_greater;	/* one-sided p for "y tends to be larger than x" */
	double p_less;		/* one-sided p for "y tends to be smaller" */
	int exact;		/* 1: from the exact permutation distribution; 0: normal approximation */
};

/*
 * Mann-Whitney U test of y against x. Exact: the permutation distribution
 * of the rank sum given the observed ties (mid-ranks), counted by dynamic
 * programming. Normal: tie-corrected variance with a continuity correction.
 * Both p are 1 when nothing can be said (an empty sample, every value tied).
 * Returns 0, or -1 for an empty sample.
 */
int ranktest_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, struct ranktest *out);

/*
 * The smallest one-sided p the test can reach with samples of these sizes
 * (complete separation, no ties): 1/C(nx+ny, nx). 3 against 3 gives 0.05, so
 * three repetitions can never be significant at 0.05. 1 when a size is 0.
 */
double ranktest_min_p(size_t nx, size_t ny);

/*
 * Distribution-free interval for the shift d in y ~ x + d: the k-th smallest
 * and k-th largest of the nx*ny differences y_j - x_i, with k the largest
 * index whose exact tail probability P(U <= k-1) is at most (1-level)/2
 * (normal approximation for large samples). Its coverage under the shift
 * model is *achieved (>= level, from the exact distribution); *est is the
 * Hodges-Lehmann estimate, the median difference. Returns -1 (lo, hi NaN,
 * *achieved the coverage of [min, max]) when even the extreme differences
 * do not reach the level: too few values. achieved and est may be NULL.
 */
int ranktest_shift_interval(const double *x, size_t nx, const double *y, size_t ny, double level, double *lo,
			    double *hi, double *achieved, double *est);

/*
 * Wilcoxon signed-rank test of paired differences d (x_i - y_i, or
 * log-ratios): p_greater for "the differences tend to be positive", p_less
 * for negative. Zeros are dropped (Wilcoxon's convention), ties share
 * mid-ranks, and the exact distribution (every sign pattern equally likely)
 * is counted while n <= RANKTEST_SIGNED_EXACT_MAX; past it, the normal
 * approximation with tie and continuity corrections. u gets W+, the rank
 * sum of the positive differences. Returns 0, -1 when n == 0.
 */
#define RANKTEST_SIGNED_EXACT_MAX 200
int ranktest_signed_rank(const double *d, size_t n, struct ranktest *out);

/*
 * The distribution-free interval of the centre of symmetry of d that
 * inverts the signed-rank test: the k-th smallest and largest of the
 * n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j, with k from the exact null
 * distribution of W+ (normal approximation past the exact range); *est the
 * Hodges-Lehmann estimate, their median; *achieved its coverage (>= level).
 * -1 (lo, hi NaN) when even the extreme averages do not reach the level:
 * 5 pairs cannot give 95% (the widest interval covers 93.75%).
 */
int ranktest_signed_interval(const double *d, size_t n, double level, double *lo, double *hi, double *achieved,
			     double *est);

#endif
