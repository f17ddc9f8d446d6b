/*
 * Two-sample statistics for compare: the Mann-Whitney U rank test (no
 * assumption that timings are normal; a few slow outliers move it little)
 * and a bootstrap interval for a ratio of medians. The normal tail and the
 * random numbers are GSL's.
 */
#include "compare_stats.h"
#include "stats.h"
#include "../base/util.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ranked {
	double v;
	int from_y;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return (x->v > y->v) - (x->v < y->v);
}

double compare_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, double *p_greater,
			    double *p_less)
{
	size_t n = nx + ny;
	struct ranked *all;
	double ry = 0, ties = 0, u, mean, var, sd;

	*p_greater = *p_less = 1.0;
	if (nx == 0 || ny == 0)
		return NAN;
	all = xmalloc(n * sizeof(*all));
	for (size_t i = 0; i < nx; i++)
		all[i] = (struct ranked){ x[i], 0 };
	for (size_t i = 0; i < ny; i++)
		all[nx + i] = (struct ranked){ y[i], 1 };
	qsort(all, n, sizeof(*all), cmp_ranked);
	/* Ranks from 1, tied values sharing the mean of their ranks. */
	for (size_t s = 0; s < n;) {
		size_t e = s;
		double rank;
		while (e < n && all[e].v == all[s].v)
			e++;
		rank = (double)(s + 1 + e) / 2.0;
		for (size_t j = s; j < e; j++)
			if (all[j].from_y)
				ry += rank;
		ties += pow((double)(e - s), 3) - (double)(e - s);
		s = e;
	}
	free(all);
	u = ry - (double)ny * (double)(ny + 1) / 2.0;
	mean = (double)nx * (double)ny / 2.0;
	var = (double)nx * (double)ny / 12.0 * (((double)n + 1.0) - ties / ((double)n * ((double)n - 1.0)));
	if (!(var > 0))
		return u;
	sd = sqrt(var);
	*p_greater = fmin(1.0, gsl_cdf_ugaussian_Q((u - mean - 0.5) / sd));
	*p_less = fmin(1.0, gsl_cdf_ugaussian_P((u - mean + 0.5) / sd));
	return u;
}

double compare_min_p(size_t nx, size_t ny)
{
	double mean = (double)nx * (double)ny / 2.0, n = (double)(nx + ny);
	double var = (double)nx * (double)ny / 12.0 * (n + 1.0);

	if (nx == 0 || ny == 0)
		return 1.0;
	return gsl_cdf_ugaussian_Q((mean - 0.5) / sqrt(var));
}

int compare_ratio_ci(const double *x, size_t nx, const double *y, size_t ny, int resamples, double level,
		     uint64_t seed, double *ratio, double *lo, double *hi)
{
	double *bx, *by, *est, mx, my;
	size_t got = 0;
	gsl_rng *rng;

	*ratio = *lo = *hi = NAN;
	if (nx == 0 || ny == 0)
		return -1;
	mx = stats_median(x, nx);
	my = stats_median(y, ny);
	if (!(mx > 0) || !(my >= 0))
		return -1;
	*ratio = my / mx;
	if (!isfinite(*ratio)) {
		*ratio = NAN;
		return -1;
	}
	if (resamples < 1 || !(level > 0 && level < 1))
		return 0;
	bx = xmalloc(nx * sizeof(*bx));
	by = xmalloc(ny * sizeof(*by));
	est = xmalloc((size_t)resamples * sizeof(*est));
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, (unsigned long)seed);
	for (int b = 0; b < resamples; b++) {
		double r;
		for (size_t i = 0; i < nx; i++)
			bx[i] = x[gsl_rng_uniform_int(rng, nx)];
		for (size_t i = 0; i < ny; i++)
			by[i] = y[gsl_rng_uniform_int(rng, ny)];
		gsl_sort(bx, 1, nx);
		gsl_sort(by, 1, ny);
		r = gsl_stats_median_from_sorted_data(by, 1, ny) / gsl_stats_median_from_sorted_data(bx, 1, nx);
		if (isfinite(r))
			est[got++] = r;
	}
	gsl_rng_free(rng);
	if (got > 0) {
		gsl_sort(est, 1, got);
		*lo = gsl_stats_quantile_from_sorted_data(est, 1, got, (1.0 - level) / 2);
		*hi = gsl_stats_quantile_from_sorted_data(est, 1, got, (1.0 + level) / 2);
	}
	free(bx);
	free(by);
	free(est);
	return 0;
}
