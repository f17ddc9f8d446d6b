/*
 * Model fitting for `amdahl fit` and `amdahl compare`: Amdahl's P from wall
 * times, Gustafson's P from scaled speedups, the Universal Scalability Law,
 * Karp-Flatt per N, and a percentile bootstrap over repetitions. Least
 * squares, random numbers and quantiles are GSL's; every input is checked so
 * that GSL is never handed a degenerate problem.
 */
#include "fit.h"
#include "models.h"
#include "stats.h"
#include "../base/util.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- models ---- */

static double usable(const struct fit_obs *o)
{
	return fmin(o->n, o->cores);
}

/* T = a + b x by Tukey's bisquare (iteratively reweighted least squares). */
static int line_robust(const double *x, const double *y, size_t n, double *a, double *b)
{
	gsl_error_handler_t *old = gsl_set_error_handler_off();
	gsl_multifit_robust_workspace *w = gsl_multifit_robust_alloc(gsl_multifit_robust_bisquare, n, 2);
	gsl_matrix *X = gsl_matrix_alloc(n, 2), *cov = gsl_matrix_alloc(2, 2);
	gsl_vector *Y = gsl_vector_alloc(n), *c = gsl_vector_alloc(2);
	int rc = -1, st;

	for (size_t i = 0; i < n; i++) {
		gsl_matrix_set(X, i, 0, 1.0);
		gsl_matrix_set(X, i, 1, x[i]);
		gsl_vector_set(Y, i, y[i]);
	}
	/* Not converging within its iterations still leaves a usable estimate. */
	st = gsl_multifit_robust(X, Y, c, cov, w);
	if (st == GSL_SUCCESS || st == GSL_EMAXITER) {
		*a = gsl_vector_get(c, 0);
		*b = gsl_vector_get(c, 1);
		rc = isfinite(*a) && isfinite(*b) ? 0 : -1;
	}
	gsl_vector_free(c);
	gsl_vector_free(Y);
	gsl_matrix_free(cov);
	gsl_matrix_free(X);
	gsl_multifit_robust_free(w);
	gsl_set_error_handler(old);
	return rc;
}

static int amdahl_fit(const struct fit_obs *obs, size_t n, int robust, double *p, double *r2)
{
	double *x, *y, a, b, c00, c01, c11, sumsq = 0, mean, sst = 0, xmin = INFINITY, xmax = -INFINITY;
	int rc = -1;

	*p = *r2 = NAN;
	if (n < 2)
		return -1;
	x = xmalloc(n * sizeof(*x));
	y = xmalloc(n * sizeof(*y));
	for (size_t i = 0; i < n; i++) {
		x[i] = 1.0 / usable(&obs[i]);
		y[i] = obs[i].wall_s;
		xmin = fmin(xmin, x[i]);
		xmax = fmax(xmax, x[i]);
	}
	/* One value of min(N,cores) says nothing about how the time scales. */
	if (!(xmax - xmin > 1e-12 * xmax))
		goto out;
	if (robust ? line_robust(x, y, n, &a, &b) < 0 :
	    gsl_fit_linear(x, 1, y, 1, n, &a, &b, &c00, &c01, &c11, &sumsq) != GSL_SUCCESS)
		goto out;
	if (!isfinite(a) || !isfinite(b) || !(a + b > 0))
		goto out;
	*p = fmin(1.0, fmax(0.0, b / (a + b)));
	mean = gsl_stats_mean(y, 1, n);
	sumsq = 0;
	for (size_t i = 0; i < n; i++) {
		sst += (y[i] - mean) * (y[i] - mean);
		sumsq += (y[i] - a - b * x[i]) * (y[i] - a - b * x[i]);
	}
	*r2 = sst > 0 && isfinite(sumsq) ? 1.0 - sumsq / sst : NAN;
	rc = isfinite(*p) ? 0 : -1;
out:
	free(x);
	free(y);
	return rc;
}

int fit_amdahl(const struct fit_obs *obs, size_t n, double *p, double *r2)
{
	return amdahl_fit(obs, n, 0, p, r2);
}

int fit_amdahl_robust(const struct fit_obs *obs, size_t n, double *p, double *r2)
{
	return amdahl_fit(obs, n, 1, p, r2);
}

/* The weak-scaling model's speedups, for the 1-D least squares in P. */
struct gus_data {
	const struct fit_obs *obs;
	size_t n;
};

static double gus_sse(double p, void *arg)
{
	const struct gus_data *d = arg;
	double s = 0;

	for (size_t i = 0; i < d->n; i++) {
		double e = d->obs[i].speedup - models_ceiling_weak(p, d->obs[i].n, d->obs[i].cores);
		s += e * e;
	}
	return s;
}

/* Brent's method in [lo, hi] around a grid minimum; the guess when it fails. */
static double gus_refine(struct gus_data *d, double guess, double lo, double hi)
{
	gsl_min_fminimizer *m = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
	gsl_function f = { gus_sse, d };
	double best = guess;

	if (m && gsl_min_fminimizer_set(m, &f, guess, lo, hi) == GSL_SUCCESS) {
		for (int it = 0; it < 100; it++) {
			if (gsl_min_fminimizer_iterate(m) != GSL_SUCCESS)
				break;
			best = gsl_min_fminimizer_x_minimum(m);
			if (gsl_min_test_interval(gsl_min_fminimizer_x_lower(m), gsl_min_fminimizer_x_upper(m),
						  1e-12, 0) == GSL_SUCCESS)
				break;
		}
	}
	if (m)
		gsl_min_fminimizer_free(m);
	return best;
}

/* The grid point of least error in [lo, hi], refined by Brent when it is inside. */
static double gus_search(struct gus_data *d, double lo, double hi, int steps)
{
	double f[41], h = (hi - lo) / steps;
	int k = 0;

	for (int i = 0; i <= steps; i++) {
		f[i] = gus_sse(lo + i * h, d);
		if (f[i] < f[k])
			k = i;
	}
	if (k > 0 && k < steps && f[k] < f[k - 1] && f[k] < f[k + 1] && isfinite(f[k]))
		return gus_refine(d, lo + k * h, lo + (k - 1) * h, lo + (k + 1) * h);
	return lo + k * h;
}

int fit_gustafson(const struct fit_obs *obs, size_t n, double *p, double *r2)
{
	struct fit_obs *v = xmalloc((n ? n : 1) * sizeof(*v));
	struct gus_data d = { v, 0 };
	int beyond = 0, any = 0, rc = -1;
	double mean = 0, sst = 0, sse;

	*p = *r2 = NAN;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(obs[i].speedup))
			continue;
		v[d.n++] = obs[i];
		any |= obs[i].n > 1 && obs[i].cores > 1;
		beyond |= obs[i].n > obs[i].cores;
	}
	if (!any)
		goto out;
	if (!beyond) {
		/* While N <= cores the law is linear: S - 1 = P(N - 1). */
		double *x = xmalloc(d.n * sizeof(*x)), *y = xmalloc(d.n * sizeof(*y)), c1, cov, ss;
		for (size_t i = 0; i < d.n; i++) {
			x[i] = v[i].n - 1.0;
			y[i] = v[i].speedup - 1.0;
		}
		if (gsl_fit_mul(x, 1, y, 1, d.n, &c1, &cov, &ss) == GSL_SUCCESS && isfinite(c1))
			*p = fmin(1.0, fmax(0.0, c1));
		free(x);
		free(y);
	} else {
		/* Past the cores the ceiling bends: a coarse grid finds the valley
		 * (the speedup grows with P, so there is one), a finer grid around it
		 * its floor, and Brent's method the last digits. */
		*p = gus_search(&d, 0.0, 1.0, 20);
		*p = gus_search(&d, fmax(0.0, *p - 0.05), fmin(1.0, *p + 0.05), 40);
	}
	if (!isfinite(*p))
		goto out;
	for (size_t i = 0; i < d.n; i++)
		mean += v[i].speedup / (double)d.n;
	for (size_t i = 0; i < d.n; i++)
		sst += (v[i].speedup - mean) * (v[i].speedup - mean);
	sse = gus_sse(*p, &d);
	*r2 = sst > 0 && isfinite(sse) ? 1.0 - sse / sst : NAN;
	rc = 0;
out:
	free(v);
	return rc;
}

/* Sum of squares of the USL residuals in y = N/S - 1. */
static double usl_sse(const double *x1, const double *x2, const double *y, size_t n, double s, double k)
{
	double e, sum = 0;

	for (size_t i = 0; i < n; i++) {
		e = y[i] - s * x1[i] - k * x2[i];
		sum += e * e;
	}
	return sum;
}

/* One coefficient alone, through the origin, not below zero. */
static double fit_one(const double *x, const double *y, size_t n)
{
	double c, cov, ss;

	if (gsl_fit_mul(x, 1, y, 1, n, &c, &cov, &ss) != GSL_SUCCESS || !isfinite(c))
		return 0;
	return fmax(0.0, c);
}

int fit_usl(const struct fit_obs *obs, size_t n, struct fit_usl *out)
{
	double *x1 = xmalloc((n ? n : 1) * sizeof(double)), *x2 = xmalloc((n ? n : 1) * sizeof(double));
	double *y = xmalloc((n ? n : 1) * sizeof(double));
	double s = 0, k = 0, nfirst = NAN, mean = 0, sst = 0, sse = 0;
	size_t m = 0, cnt = 0;
	int distinct = 0, rc = -1;

	out->sigma = out->kappa = out->n_star = out->r2 = NAN;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(obs[i].speedup) || obs[i].n <= 1)
			continue;
		x1[m] = obs[i].n - 1.0;
		x2[m] = obs[i].n * (obs[i].n - 1.0);
		y[m] = obs[i].n / obs[i].speedup - 1.0;
		if (!isfinite(y[m]))
			continue;
		if (isnan(nfirst))
			nfirst = obs[i].n;
		else if (obs[i].n != nfirst)
			distinct = 1;
		m++;
	}
	if (m == 0)
		goto out;
	if (distinct && m >= 2) {
		/* Unconstrained first; if a coefficient comes out negative, the best
		 * non-negative solution has it at zero and the other fitted alone. */
		gsl_matrix *X = gsl_matrix_alloc(m, 2), *cov = gsl_matrix_alloc(2, 2);
		gsl_vector *Y = gsl_vector_alloc(m), *c = gsl_vector_alloc(2);
		gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(m, 2);
		double chisq, best, alt;
		for (size_t i = 0; i < m; i++) {
			gsl_matrix_set(X, i, 0, x1[i]);
			gsl_matrix_set(X, i, 1, x2[i]);
			gsl_vector_set(Y, i, y[i]);
		}
		if (gsl_multifit_linear(X, Y, c, cov, &chisq, w) == GSL_SUCCESS) {
			s = gsl_vector_get(c, 0);
			k = gsl_vector_get(c, 1);
		} else {
			s = k = -1;
		}
		gsl_multifit_linear_free(w);
		gsl_vector_free(c);
		gsl_vector_free(Y);
		gsl_matrix_free(cov);
		gsl_matrix_free(X);
		if (!(s >= 0 && k >= 0 && isfinite(s) && isfinite(k))) {
			/* The optimum lies on an edge of the quadrant: keep the better edge. */
			double so = fit_one(x1, y, m), ko = fit_one(x2, y, m);
			best = usl_sse(x1, x2, y, m, so, 0);
			alt = usl_sse(x1, x2, y, m, 0, ko);
			if (alt < best)
				s = 0, k = ko;
			else
				s = so, k = 0;
		}
	} else {
		s = fit_one(x1, y, m);
		k = 0;
	}
	if (!isfinite(s) || !isfinite(k))
		goto out;
	out->sigma = s;
	out->kappa = k;
	if (k > 0 && s < 1)
		out->n_star = sqrt((1.0 - s) / k);
	for (size_t i = 0; i < n; i++)
		if (isfinite(obs[i].speedup)) {
			mean += obs[i].speedup;
			cnt++;
		}
	mean /= (double)cnt;
	for (size_t i = 0; i < n; i++) {
		double nn = obs[i].n, e;
		if (!isfinite(obs[i].speedup))
			continue;
		e = obs[i].speedup - nn / (1.0 + s * (nn - 1.0) + k * nn * (nn - 1.0));
		sse += e * e;
		sst += (obs[i].speedup - mean) * (obs[i].speedup - mean);
	}
	out->r2 = sst > 0 && isfinite(sse) ? 1.0 - sse / sst : NAN;
	rc = 0;
out:
	free(x1);
	free(x2);
	free(y);
	return rc;
}

/* ---- bootstrap ---- */

static int cmp_obs_n(const void *a, const void *b)
{
	const struct fit_obs *x = a, *y = b;

	return (x->n > y->n) - (x->n < y->n);
}

int fit_bootstrap(const struct fit_obs *obs, size_t n, fit_model_fn model, int resamples, double level,
		  uint64_t seed, double *lo, double *hi)
{
	struct fit_obs *sorted, *draw;
	double *est, p, r2;
	size_t got = 0;
	gsl_rng *rng;

	*lo = *hi = NAN;
	if (n == 0 || resamples < 1 || !(level > 0 && level < 1))
		return -1;
	sorted = xmalloc(n * sizeof(*sorted));
	draw = xmalloc(n * sizeof(*draw));
	est = xmalloc((size_t)resamples * sizeof(*est));
	memcpy(sorted, obs, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_obs_n);
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, (unsigned long)seed);
	for (int b = 0; b < resamples; b++) {
		/* Each N keeps its number of repetitions; they are drawn with replacement. */
		for (size_t s = 0; s < n;) {
			size_t e = s;
			while (e < n && sorted[e].n == sorted[s].n)
				e++;
			for (size_t j = s; j < e; j++)
				draw[j] = sorted[s + gsl_rng_uniform_int(rng, e - s)];
			s = e;
		}
		if (model(draw, n, &p, &r2) == 0 && isfinite(p))
			est[got++] = p;
	}
	gsl_rng_free(rng);
	if (got * 2 >= (size_t)resamples && got > 0) {
		gsl_sort(est, 1, got);
		*lo = gsl_stats_quantile_from_sorted_data(est, 1, got, (1.0 - level) / 2);
		*hi = gsl_stats_quantile_from_sorted_data(est, 1, got, (1.0 + level) / 2);
	}
	free(sorted);
	free(draw);
	free(est);
	return isfinite(*lo) ? 0 : -1;
}

/* ---- everything for one group ---- */

void fit_summarize(const struct fit_group *g, int resamples, double level, uint64_t seed, int robust,
		   struct fit_summary *out)
{
	fit_model_fn model = g->weak ? fit_gustafson : robust ? fit_amdahl_robust : fit_amdahl;

	memset(out, 0, sizeof(*out));
	out->gustafson = g->weak;
	out->robust = robust && !g->weak;
	out->level = level;
	out->p_lo = out->p_hi = NAN;
	if (model(g->obs, g->nobs, &out->p_fit, &out->r2) == 0)
		fit_bootstrap(g->obs, g->nobs, model, resamples, level, seed, &out->p_lo, &out->p_hi);
	out->usl_ok = fit_usl(g->obs, g->nobs, &out->usl) == 0;
}

void fit_summary_free(struct fit_summary *s)
{
	memset(s, 0, sizeof(*s));
}
