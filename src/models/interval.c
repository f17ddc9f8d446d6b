/*
 * Intervals over a handful of repetitions. Each method is the one whose
 * coverage held at 3, 5 and 10 repetitions in the coverage study
 * (tests/test_coverage.c): order statistics for a median, the inverted
 * Mann-Whitney test for a ratio of independent medians, the inverted
 * signed-rank test for paired rounds. Quantiles are GSL's.
 */
#include "interval.h"
#include "ranktest.h"
#include "stats.h"
#include "../base/util.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void interval_none(struct interval *out, double level)
{
	out->est = out->lo = out->hi = NAN;
	out->level = level;
}

int interval_from_se(double est, double se, double df, double level, struct interval *out)
{
	double t;

	interval_none(out, level);
	out->est = est;
	if (!isfinite(est) || !(se >= 0) || !isfinite(se) || !(df >= 1) || !(level > 0 && level < 1))
		return -1;
	t = gsl_cdf_tdist_Pinv((1 + level) / 2, df);
	out->lo = est - t * se;
	out->hi = est + t * se;
	return 0;
}

/* Coverage of [x_(k), x_(n+1-k)] (1-based) for the median: P(k <= B <= n-k), B ~ Bin(n, 1/2). */
static double order_coverage(size_t k, size_t n)
{
	return 1 - 2 * gsl_cdf_binomial_P((unsigned)(k - 1), 0.5, (unsigned)n);
}

int interval_median(const double *v, size_t n, double level, struct interval *out)
{
	double *s, gk, gk1, i, lambda;
	size_t k = 1;

	interval_none(out, level);
	if (n == 0)
		return -1;
	out->est = stats_median(v, n);
	if (n < 2 || !(level > 0 && level < 1))
		return -1;
	s = xmalloc(n * sizeof(*s));
	memcpy(s, v, n * sizeof(*s));
	gsl_sort(s, 1, n);
	gk = order_coverage(1, n);
	if (gk < level) {
		out->lo = s[0];
		out->hi = s[n - 1];
		out->level = gk;
		free(s);
		return 1;
	}
	/* The narrowest pair that still covers the level: k, with k + 1 below it. */
	while (k + 1 <= n - k && order_coverage(k + 1, n) >= level)
		k++;
	gk = order_coverage(k, n);
	out->lo = s[k - 1];
	out->hi = s[n - k];
	if (k + 1 <= n - k) {
		/* Interpolate towards the next pair in, by how much coverage is to spare. */
		gk1 = order_coverage(k + 1, n);
		i = (gk - level) / (gk - gk1);
		lambda = (double)(n - k) * i / ((double)k + (double)(n - 2 * k) * i);
		out->lo = (1 - lambda) * s[k - 1] + lambda * s[k];
		out->hi = (1 - lambda) * s[n - k] + lambda * s[n - k - 1];
	}
	free(s);
	return 0;
}

/* log of every value, or -1 when one is not > 0. */
static int logs(const double *v, size_t n, double *out)
{
	for (size_t i = 0; i < n; i++) {
		if (!(v[i] > 0) || !isfinite(v[i]))
			return -1;
		out[i] = log(v[i]);
	}
	return 0;
}

int interval_ratio_of_medians(const double *x, size_t nx, const double *y, size_t ny, double level,
			      struct interval *out)
{
	double *lx, *ly, lo, hi, cov;
	int rc = -1;

	interval_none(out, level);
	if (nx == 0 || ny == 0)
		return -1;
	lx = xmalloc(nx * sizeof(*lx));
	ly = xmalloc(ny * sizeof(*ly));
	if (logs(x, nx, lx) == 0 && logs(y, ny, ly) == 0) {
		out->est = stats_median(y, ny) / stats_median(x, nx);
		if (ranktest_shift_interval(lx, nx, ly, ny, level, &lo, &hi, &cov, NULL) == 0) {
			out->lo = exp(lo);
			out->hi = exp(hi);
			rc = 0;
		}
		out->level = cov;
	}
	free(lx);
	free(ly);
	return rc;
}

/* The log-ratios log(y_i/x_i); -1 when a value is not > 0. */
static int log_ratios(const double *x, const double *y, size_t n, double *d)
{
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0 && y[i] > 0 && isfinite(x[i]) && isfinite(y[i])))
			return -1;
		d[i] = log(y[i] / x[i]);
	}
	return 0;
}

int interval_paired_ratio(const double *x, const double *y, size_t n, double level, struct interval *out)
{
	double *d, lo, hi, cov, est;
	int rc = -1;

	interval_none(out, level);
	if (n == 0)
		return -1;
	d = xmalloc(n * sizeof(*d));
	if (log_ratios(x, y, n, d) == 0) {
		rc = ranktest_signed_interval(d, n, level, &lo, &hi, &cov, &est);
		out->est = exp(est);
		out->level = cov;
		if (rc == 0) {
			out->lo = exp(lo);
			out->hi = exp(hi);
		}
	}
	free(d);
	return rc;
}

void interval_paired_p(const double *x, const double *y, size_t n, double *p_greater, double *p_less)
{
	double *d = xmalloc((n ? n : 1) * sizeof(*d));
	struct ranktest t;

	*p_greater = *p_less = 1;
	if (n >= 1 && log_ratios(x, y, n, d) == 0 && ranktest_signed_rank(d, n, &t) == 0) {
		*p_greater = t.p_greater;
		*p_less = t.p_less;
	}
	free(d);
}
