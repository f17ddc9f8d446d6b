/*
 * The Mann-Whitney U test and the shift interval that inverts it.
 *
 * Exact: under the null hypothesis every choice of which n of the N pooled
 * values belong to the smaller sample is equally likely, so the rank sum's
 * distribution is a count of subsets by their sum of (mid-)ranks. Mid-ranks
 * are halves at worst, so doubled ranks are integers and the subsets are
 * counted by dynamic programming over them, ties and all (the conditional
 * permutation distribution, as R's coin::wilcox_test(distribution = "exact")).
 * The work is N * n * (largest sum), cheap for the handfuls of repetitions a
 * benchmark has; past that the normal approximation is as good as needed.
 */
#include "ranktest.h"
#include "../base/util.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Exact while N * n * (2 n N) stays below this many steps (a few ms). */
#define RANKTEST_EXACT_WORK 2e7

struct ranked {
	double v;
	int from_y;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return (x->v > y->v) - (x->v < y->v);
}

static int exact_is_cheap(size_t small, size_t n)
{
	return n <= RANKTEST_EXACT_MAX || 2.0 * (double)small * (double)small * (double)n * (double)n <=
		RANKTEST_EXACT_WORK;
}

/*
 * Counts of the subsets of size m of the N items with doubled ranks r2[],
 * by their sum of doubled ranks: out[s] for s = 0..*smax. Caller frees.
 */
static double *subset_sums(const long *r2, size_t n, size_t m, long *smax)
{
	long top = 0;
	double *cnt, *dist;
	size_t width;

	/* The m largest ranks bound the sum (r2 is ascending). */
	for (size_t i = 0; i < m; i++)
		top += r2[n - 1 - i];
	width = (size_t)top + 1;
	cnt = xcalloc((m + 1) * width, sizeof(*cnt));
	cnt[0] = 1;
	for (size_t i = 0; i < n; i++) {
		size_t jmax = i + 1 < m ? i + 1 : m;
		for (size_t j = jmax; j >= 1; j--) {
			double *to = cnt + j * width, *from = cnt + (j - 1) * width;
			for (long s = top; s >= r2[i]; s--)
				to[s] += from[s - r2[i]];
		}
	}
	dist = xmalloc(width * sizeof(*dist));
	memcpy(dist, cnt + m * width, width * sizeof(*dist));
	free(cnt);
	*smax = top;
	return dist;
}

/* P(sum <= w) and P(sum >= w) of a count distribution over 0..smax. */
static void tails(const double *dist, long smax, long w, double *le, double *ge)
{
	double below = 0, above = 0, total = 0;

	for (long s = 0; s <= smax; s++) {
		total += dist[s];
		if (s <= w)
			below += dist[s];
		if (s >= w)
			above += dist[s];
	}
	*le = fmin(1.0, below / total);
	*ge = fmin(1.0, above / total);
}

int ranktest_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, struct ranktest *out)
{
	size_t n = nx + ny, small = nx < ny ? nx : ny;
	struct ranked *all;
	long *r2, w2y = 0, total2 = 0;
	double ties = 0, mean, var;

	memset(out, 0, sizeof(*out));
	out->u = NAN;
	out->p_greater = out->p_less = 1.0;
	if (nx == 0 || ny == 0)
		return -1;
	all = xmalloc(n * sizeof(*all));
	r2 = xmalloc(n * sizeof(*r2));
	for (size_t i = 0; i < nx; i++)
		all[i] = (struct ranked){ x[i], 0 };
	for (size_t i = 0; i < ny; i++)
		all[nx + i] = (struct ranked){ y[i], 1 };
	qsort(all, n, sizeof(*all), cmp_ranked);
	/* Doubled mid-ranks: a tie over sorted places s..e-1 shares (s+1+e)/2. */
	for (size_t s = 0; s < n;) {
		size_t e = s;
		while (e < n && all[e].v == all[s].v)
			e++;
		for (size_t j = s; j < e; j++) {
			r2[j] = (long)(s + 1 + e);
			if (all[j].from_y)
				w2y += r2[j];
		}
		ties += pow((double)(e - s), 3) - (double)(e - s);
		s = e;
	}
	for (size_t i = 0; i < n; i++)
		total2 += r2[i];
	out->u = (double)w2y / 2.0 - (double)ny * (double)(ny + 1) / 2.0;
	if (ties >= pow((double)n, 3) - (double)n) {
		/* Every value tied: no order at all, nothing to test. */
	} else if (exact_is_cheap(small, n)) {
		long smax, w2 = ny == small ? w2y : total2 - w2y;
		double *dist = subset_sums(r2, n, small, &smax), le, ge;
		tails(dist, smax, w2, &le, &ge);
		/* Large rank sums of y are "y greater"; of x, "y less". */
		out->p_greater = ny == small ? ge : le;
		out->p_less = ny == small ? le : ge;
		out->exact = 1;
		free(dist);
	} else {
		mean = (double)nx * (double)ny / 2.0;
		var = (double)nx * (double)ny / 12.0 * (((double)n + 1.0) - ties / ((double)n * ((double)n - 1.0)));
		if (var > 0) {
			double sd = sqrt(var);
			out->p_greater = fmin(1.0, gsl_cdf_ugaussian_Q((out->u - mean - 0.5) / sd));
			out->p_less = fmin(1.0, gsl_cdf_ugaussian_P((out->u - mean + 0.5) / sd));
		}
	}
	free(all);
	free(r2);
	return 0;
}

double ranktest_min_p(size_t nx, size_t ny)
{
	if (nx == 0 || ny == 0)
		return 1.0;
	return exp(-gsl_sf_lnchoose((unsigned)(nx + ny), (unsigned)nx));
}

/* ---- the shift interval ---- */

/*
 * How many of the differences fl(y_j - x_i) are <= d, with x and y sorted.
 * For a fixed y_j the differences fall as x_i grows, so those <= d are a
 * suffix of x, and the suffix starts no earlier for a larger y_j.
 */
static size_t count_le(const double *x, size_t nx, const double *y, size_t ny, double d)
{
	size_t cnt = 0, i = 0;

	for (size_t j = 0; j < ny; j++) {
		while (i < nx && y[j] - x[i] > d)
			i++;
		cnt += nx - i;
	}
	return cnt;
}

/* The k-th smallest (1-based) of the differences: bisection over doubles, then it is the bracket's top. */
static double kth_difference(const double *x, size_t nx, const double *y, size_t ny, size_t k)
{
	double lo = y[0] - x[nx - 1], hi = y[ny - 1] - x[0];

	if (count_le(x, nx, y, ny, lo) >= k)
		return lo;
	/* count(lo) < k <= count(hi); no double strictly inside at the end. */
	for (;;) {
		double mid = lo / 2 + hi / 2;
		if (!(mid > lo && mid < hi))
			return hi;
		if (count_le(x, nx, y, ny, mid) >= k)
			hi = mid;
		else
			lo = mid;
	}
}

/*
 * The rank k of the interval's lower end: the largest k with P(U <= k-1) <=
 * tail, exactly (U without ties) or by the normal approximation; 0 when
 * none. *coverage gets 1 - 2 P(U <= k-1), or the coverage of [min, max].
 */
static size_t shift_rank(size_t nx, size_t ny, double tail, double *coverage)
{
	size_t n = nx + ny, small = nx < ny ? nx : ny, k = 0;

	if (exact_is_cheap(small, n)) {
		long *r2 = xmalloc(n * sizeof(*r2)), smax, base = (long)(small * (small + 1));
		double *dist, total = 0, cum = 0;
		for (size_t i = 0; i < n; i++)
			r2[i] = 2 * (long)(i + 1);
		dist = subset_sums(r2, n, small, &smax);
		for (long s = 0; s <= smax; s++)
			total += dist[s];
		/* U = (doubled sum - small(small+1)) / 2: step through U = 0, 1, ... */
		*coverage = 1 - 2 * dist[base] / total;
		for (long u = 0; base + 2 * u <= smax; u++) {
			cum += dist[base + 2 * u];
			/* A relative 1e-9 of slack: (1 - 0.9)/2 is a hair below 0.05 in doubles. */
			if (cum / total > tail * (1 + 1e-9))
				break;
			k = (size_t)u + 1;
			*coverage = 1 - 2 * cum / total;
		}
		free(dist);
		free(r2);
	} else {
		double mn = (double)nx * (double)ny, sd = sqrt(mn * ((double)n + 1) / 12.0);
		double kk = floor(mn / 2 + gsl_cdf_ugaussian_Pinv(tail) * sd + 0.5);
		k = kk >= 1 ? (size_t)kk : 0;
		*coverage = 1 - 2 * gsl_cdf_ugaussian_P(((k ? (double)k : 1.0) - 0.5 - mn / 2) / sd);
	}
	return k;
}

int ranktest_shift_interval(const double *x, size_t nx, const double *y, size_t ny, double level, double *lo,
			    double *hi, double *achieved, double *est)
{
	double *xs, *ys, cov = NAN;
	size_t k, mn = nx * ny;

	*lo = *hi = NAN;
	if (est)
		*est = NAN;
	if (achieved)
		*achieved = NAN;
	if (nx == 0 || ny == 0 || !(level > 0 && level < 1))
		return -1;
	xs = xmalloc(nx * sizeof(*xs));
	ys = xmalloc(ny * sizeof(*ys));
	memcpy(xs, x, nx * sizeof(*xs));
	memcpy(ys, y, ny * sizeof(*ys));
	gsl_sort(xs, 1, nx);
	gsl_sort(ys, 1, ny);
	if (est)
		*est = mn % 2 ? kth_difference(xs, nx, ys, ny, mn / 2 + 1) :
		       kth_difference(xs, nx, ys, ny, mn / 2) / 2 + kth_difference(xs, nx, ys, ny, mn / 2 + 1) / 2;
	k = shift_rank(nx, ny, (1 - level) / 2, &cov);
	if (k >= 1 && k <= mn + 1 - k) {
		*lo = kth_difference(xs, nx, ys, ny, k);
		*hi = kth_difference(xs, nx, ys, ny, mn + 1 - k);
	}
	if (achieved)
		*achieved = cov;
	free(xs);
	free(ys);
	return isfinite(*lo) ? 0 : -1;
}

/* ---- paired: Wilcoxon's signed-rank test ---- */

/* Counts of the sums of the doubled ranks r2[0..n) over every sign pattern: out[s], s = 0..*smax. */
static double *sign_sums(const long *r2, size_t n, long *smax)
{
	long top = 0;
	double *cnt;

	for (size_t i = 0; i < n; i++)
		top += r2[i];
	cnt = xcalloc((size_t)top + 1, sizeof(*cnt));
	cnt[0] = 1;
	for (size_t i = 0; i < n; i++)
		for (long s = top; s >= r2[i]; s--)
			cnt[s] += cnt[s - r2[i]];
	*smax = top;
	return cnt;
}

static int cmp_abs(const void *a, const void *b)
{
	double x = fabs(*(const double *)a), y = fabs(*(const double *)b);

	return (x > y) - (x < y);
}

int ranktest_signed_rank(const double *d, size_t n, struct ranktest *out)
{
	double *v = xmalloc((n ? n : 1) * sizeof(*v)), ties = 0;
	long *r2 = xmalloc((n ? n : 1) * sizeof(*r2)), w2 = 0;
	size_t m = 0;

	memset(out, 0, sizeof(*out));
	out->u = NAN;
	out->p_greater = out->p_less = 1.0;
	if (n == 0) {
		free(v);
		free(r2);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (d[i] != 0 && !isnan(d[i]))
			v[m++] = d[i];
	qsort(v, m, sizeof(*v), cmp_abs);
	/* Doubled mid-ranks of |d|, as in ranktest_mann_whitney. */
	for (size_t s = 0; s < m;) {
		size_t e = s;
		while (e < m && fabs(v[e]) == fabs(v[s]))
			e++;
		for (size_t j = s; j < e; j++) {
			r2[j] = (long)(s + 1 + e);
			if (v[j] > 0)
				w2 += r2[j];
		}
		ties += pow((double)(e - s), 3) - (double)(e - s);
		s = e;
	}
	out->u = (double)w2 / 2.0;
	if (m > 0 && m <= RANKTEST_SIGNED_EXACT_MAX) {
		long smax;
		double *dist = sign_sums(r2, m, &smax);
		tails(dist, smax, w2, &out->p_less, &out->p_greater);
		out->exact = 1;
		free(dist);
	} else if (m > 0) {
		double mean = (double)m * (double)(m + 1) / 4.0;
		double var = (double)m * (double)(m + 1) * (double)(2 * m + 1) / 24.0 - ties / 48.0;
		if (var > 0) {
			out->p_greater = fmin(1.0, gsl_cdf_ugaussian_Q((out->u - mean - 0.5) / sqrt(var)));
			out->p_less = fmin(1.0, gsl_cdf_ugaussian_P((out->u - mean + 0.5) / sqrt(var)));
		}
	}
	free(v);
	free(r2);
	return 0;
}

/* How many Walsh sums d_i + d_j (i <= j, d sorted) are <= s: for a larger d_i, fewer d_j fit. */
static size_t count_sums_le(const double *d, size_t n, double s)
{
	size_t cnt = 0, j = n;

	for (size_t i = 0; i < n; i++) {
		while (j > i && d[i] + d[j - 1] > s)
			j--;
		if (j <= i)
			break;
		cnt += j - i;
	}
	return cnt;
}

/* The k-th smallest (1-based) Walsh sum: bisection over doubles, as kth_difference. */
static double kth_sum(const double *d, size_t n, size_t k)
{
	double lo = d[0] + d[0], hi = d[n - 1] + d[n - 1];

	if (count_sums_le(d, n, lo) >= k)
		return lo;
	for (;;) {
		double mid = lo / 2 + hi / 2;
		if (!(mid > lo && mid < hi))
			return hi;
		if (count_sums_le(d, n, mid) >= k)
			hi = mid;
		else
			lo = mid;
	}
}

/* The rank k of the interval's lower end for n pairs, as shift_rank for two samples. */
static size_t signed_rank_k(size_t n, double tail, double *coverage)
{
	size_t k = 0;

	if (n <= RANKTEST_SIGNED_EXACT_MAX) {
		long *r2 = xmalloc(n * sizeof(*r2)), smax;
		double *dist, total = 0, cum = 0;
		for (size_t i = 0; i < n; i++)
			r2[i] = 2 * (long)(i + 1);
		dist = sign_sums(r2, n, &smax);
		for (long s = 0; s <= smax; s++)
			total += dist[s];
		*coverage = 1 - 2 * dist[0] / total;
		/* W+ = doubled sum / 2: step through W+ = 0, 1, ... */
		for (long w = 0; 2 * w <= smax; w++) {
			cum += dist[2 * w];
			if (cum / total > tail * (1 + 1e-9))
				break;
			k = (size_t)w + 1;
			*coverage = 1 - 2 * cum / total;
		}
		free(dist);
		free(r2);
	} else {
		double mean = (double)n * (double)(n + 1) / 4.0;
		double sd = sqrt((double)n * (double)(n + 1) * (double)(2 * n + 1) / 24.0);
		double kk = floor(mean + gsl_cdf_ugaussian_Pinv(tail) * sd + 0.5);
		k = kk >= 1 ? (size_t)kk : 0;
		*coverage = 1 - 2 * gsl_cdf_ugaussian_P(((k ? (double)k : 1.0) - 0.5 - mean) / sd);
	}
	return k;
}

int ranktest_signed_interval(const double *d, size_t n, double level, double *lo, double *hi, double *achieved,
			     double *est)
{
	double *v, cov = NAN;
	size_t k, m;

	*lo = *hi = NAN;
	if (est)
		*est = NAN;
	if (achieved)
		*achieved = NAN;
	if (n == 0 || !(level > 0 && level < 1))
		return -1;
	v = xmalloc(n * sizeof(*v));
	memcpy(v, d, n * sizeof(*v));
	gsl_sort(v, 1, n);
	m = n * (n + 1) / 2;
	if (est)
		*est = m % 2 ? kth_sum(v, n, m / 2 + 1) / 2 :
		       (kth_sum(v, n, m / 2) / 2 + kth_sum(v, n, m / 2 + 1) / 2) / 2;
	k = signed_rank_k(n, (1 - level) / 2, &cov);
	if (k >= 1 && k <= m + 1 - k) {
		*lo = kth_sum(v, n, k) / 2;
		*hi = kth_sum(v, n, m + 1 - k) / 2;
	}
	if (achieved)
		*achieved = cov;
	free(v);
	return isfinite(*lo) ? 0 : -1;
}
