/*
 * Model fitting for `amdahl fit`, `compare` and `plot`: Amdahl's P from wall
 * times, Gustafson's P from scaled speedups, the USL (usl.c), Karp-Flatt per
 * N, and the jackknife interval over rounds (jackknife.c) of each. Least
 * squares are GSL's; every input is checked so that GSL is never handed a
 * degenerate problem, and a fit that cannot be made says why.
 */
#include "fit.h"
#include "jackknife.h"
#include "models.h"
#include "stats.h"
#include "../base/util.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Wall times and speedups a fit accepts: the squares of sums of them stay finite. */
#define FIT_VALUE_MIN 1e-12
#define FIT_VALUE_MAX 1e12

/* ---- groups ---- */

static int same_p(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

int fit_group_same_key(const struct fit_group *a, const struct fit_group *b)
{
	return strcmp(a->backend, b->backend) == 0 && strcmp(a->workload, b->workload) == 0 &&
	       strcmp(a->label, b->label) == 0 && same_p(a->p, b->p) && a->weak == b->weak;
}

void fit_group_name(const struct fit_group *g, char *buf, size_t len)
{
	if (g->label[0])
		snprintf(buf, len, "%s/%s '%s'%s", g->backend, g->workload, g->label, g->weak ? " weak" : "");
	else
		snprintf(buf, len, "%s/%s p=%g%s", g->backend, g->workload, g->p, g->weak ? " weak" : "");
}

int fit_within_cores(const struct fit_obs *o)
{
	return !(o->cores >= 1) || o->n <= o->cores;
}

/* ---- models of P ---- */

static int in_range(double v)
{
	return v >= FIT_VALUE_MIN && v <= FIT_VALUE_MAX;
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

/* The weighted R^2 of the line y = a + b x over (x, y, w)[0..m); NaN when y does not vary. */
static double weighted_r2(const double *x, const double *y, const double *w, size_t m, double a, double b)
{
	double mean = gsl_stats_wmean(w, 1, y, 1, m), sst = 0, sse = 0;

	for (size_t i = 0; i < m; i++) {
		sst += w[i] * (y[i] - mean) * (y[i] - mean);
		sse += w[i] * (y[i] - a - b * x[i]) * (y[i] - a - b * x[i]);
	}
	return sst > 0 && isfinite(sse) ? 1.0 - sse / sst : NAN;
}

static enum fit_status amdahl_fit(const struct fit_obs *obs, size_t n, int robust, double *p, double *r2)
{
	/* one block for the points' x, y and weights */
	double *x = xmalloc(3 * (n ? n : 1) * sizeof(*x)), *y = x + (n ? n : 1), *w = y + (n ? n : 1);
	double a, b, c00, c01, c11, sumsq = 0, xmin = INFINITY, xmax = -INFINITY;
	enum fit_status st = FIT_ONE_N;
	size_t m = 0;

	*p = *r2 = NAN;
	for (size_t i = 0; i < n; i++) {
		if (!fit_within_cores(&obs[i]))
			continue;
		if (!in_range(obs[i].wall_s)) {
			st = FIT_RANGE;
			goto out;
		}
		x[m] = 1.0 / obs[i].n;
		y[m] = obs[i].wall_s;
		w[m] = fit_obs_weight(&obs[i]);
		xmin = fmin(xmin, x[m]);
		xmax = fmax(xmax, x[m]);
		m++;
	}
	/* One value of N says nothing about how the time scales. */
	if (m < 2 || !(xmax - xmin > 1e-12 * xmax))
		goto out;
	st = FIT_DEGENERATE;
	if (robust ? line_robust(x, y, m, &a, &b) < 0 :
	    gsl_fit_wlinear(x, 1, w, 1, y, 1, m, &a, &b, &c00, &c01, &c11, &sumsq) != GSL_SUCCESS)
		goto out;
	if (!isfinite(a) || !isfinite(b) || !(a + b > 0))
		goto out;
	*p = b / (a + b);
	*r2 = weighted_r2(x, y, w, m, a, b);
	st = isfinite(*p) ? FIT_OK : FIT_DEGENERATE;
out:
	free(x);
	return st;
}

enum fit_status fit_amdahl(const struct fit_obs *obs, size_t n, double *p, double *r2)
{
	return amdahl_fit(obs, n, 0, p, r2);
}

enum fit_status fit_amdahl_robust(const struct fit_obs *obs, size_t n, double *p, double *r2)
{
	return amdahl_fit(obs, n, 1, p, r2);
}

enum fit_status fit_gustafson(const struct fit_obs *obs, size_t n, double *p, double *r2)
{
	/* one block for the points' x, y and weights */
	double *x = xmalloc(3 * (n ? n : 1) * sizeof(*x)), *y = x + (n ? n : 1), *w = y + (n ? n : 1);
	double c1, cov, ss;
	enum fit_status st = FIT_NO_SPEEDUP;
	size_t m = 0;
	int beyond_one = 0;

	*p = *r2 = NAN;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(obs[i].speedup) || !fit_within_cores(&obs[i]))
			continue;
		if (!in_range(obs[i].speedup)) {
			st = FIT_RANGE;
			goto out;
		}
		/* While N <= cores the law is linear: S - 1 = P(N - 1). */
		x[m] = obs[i].n - 1.0;
		y[m] = obs[i].speedup - 1.0;
		w[m] = fit_obs_weight(&obs[i]);
		beyond_one |= obs[i].n > 1;
		m++;
	}
	if (!beyond_one)
		goto out;
	st = FIT_DEGENERATE;
	if (gsl_fit_wmul(x, 1, w, 1, y, 1, m, &c1, &cov, &ss) != GSL_SUCCESS || !isfinite(c1))
		goto out;
	*p = c1;
	*r2 = weighted_r2(x, y, w, m, 0, c1);
	st = FIT_OK;
out:
	free(x);
	return st;
}

/* ---- intervals ---- */

static int p_estimator(const struct fit_obs *obs, size_t n, double *theta, void *ctx)
{
	double r2;

	return (*(fit_model_fn *)ctx)(obs, n, theta, &r2) == FIT_OK ? 0 : -1;
}

/* The fewest repetitions at any N of obs (0 when empty). */
static size_t fewest_reps(const struct fit_obs *obs, size_t n)
{
	double *v = xmalloc((n ? n : 1) * sizeof(*v));
	size_t fewest = 0;

	for (size_t i = 0; i < n; i++)
		v[i] = obs[i].n;
	gsl_sort(v, 1, n);
	for (size_t s = 0; s < n;) {
		size_t e = s;
		while (e < n && v[e] == v[s])
			e++;
		if (fewest == 0 || e - s < fewest)
			fewest = e - s;
		s = e;
	}
	free(v);
	return fewest;
}

static double clip01(double v)
{
	return isnan(v) ? v : fmin(1.0, fmax(0.0, v));
}

enum fit_status fit_p_se(const struct fit_obs *obs, size_t n, fit_model_fn model, double *raw, double *se,
			 double *df, double *r2)
{
	enum fit_status st = model(obs, n, raw, r2);

	*se = *df = NAN;
	/* One repetition at some N is a point, not a sample: no interval. */
	if (st != FIT_OK || fewest_reps(obs, n) < 2)
		return st;
	/* Least squares give the same fit on the means of a cell of rounds as on its rows; bisquare does not. */
	if (jackknife_rounds(obs, n, p_estimator, &model, 1, model != fit_amdahl_robust, se, df) < 0)
		*se = *df = NAN;
	return st;
}

enum fit_status fit_p_interval(const struct fit_obs *obs, size_t n, fit_model_fn model, double level,
			       double *p, double *lo, double *hi, double *raw, double *r2)
{
	double se, df;
	enum fit_status st = fit_p_se(obs, n, model, raw, &se, &df, r2);
	struct interval ci;

	*p = clip01(*raw);
	*lo = *hi = NAN;
	if (st == FIT_OK && interval_from_se(*raw, se, df, level, &ci) == 0) {
		*lo = clip01(ci.lo);
		*hi = clip01(ci.hi);
	}
	return st;
}

/* ---- everything for one group ---- */

static int usl_estimator(const struct fit_obs *obs, size_t n, double *theta, void *ctx)
{
	struct usl_fit u;

	if (usl_fit(obs, n, *(enum usl_method *)ctx, &u) < 0)
		return -1;
	theta[0] = u.sigma;
	theta[1] = u.kappa;
	return 0;
}

static void summarize_usl(const struct fit_group *g, struct fit_summary *out)
{
	double theta[2], se[2], df;

	out->sigma_ci = out->kappa_ci = (struct interval){ NAN, NAN, NAN, out->level };
	out->usl_ok = usl_fit(g->obs, g->nobs, out->usl_method, &out->usl) == 0;
	if (!out->usl_ok)
		return;
	theta[0] = out->sigma_ci.est = out->usl.sigma;
	theta[1] = out->kappa_ci.est = out->usl.kappa;
	if (out->min_reps >= 2 &&
	    jackknife_rounds(g->obs, g->nobs, usl_estimator, &out->usl_method, 2,
			     out->usl_method == USL_NLS, se, &df) == 0) {
		interval_from_se(theta[0], se[0], df, out->level, &out->sigma_ci);
		interval_from_se(theta[1], se[1], df, out->level, &out->kappa_ci);
		/* The coefficients live in [0, 1] and [0, inf): so do their intervals. */
		out->sigma_ci.lo = fmax(0, out->sigma_ci.lo);
		out->sigma_ci.hi = fmin(1, out->sigma_ci.hi);
		out->kappa_ci.lo = fmax(0, out->kappa_ci.lo);
	}
	/* A peak only where the data say kappa is above zero, not where rounding leaves it there. */
	if (!(out->kappa_ci.lo > 0))
		out->usl.n_star = NAN;
}

static int cmp_obs_n(const void *a, const void *b)
{
	const struct fit_obs *x = a, *y = b;

	return (x->n > y->n) - (x->n < y->n);
}

/* Distinct N with their median speedup, Karp-Flatt and repetitions. */
static void summarize_points(const struct fit_group *g, struct fit_summary *out)
{
	struct fit_obs *sorted = xmalloc((g->nobs ? g->nobs : 1) * sizeof(*sorted));
	double *v = xmalloc((g->nobs ? g->nobs : 1) * sizeof(*v));
	size_t cap = g->nobs ? g->nobs : 1;

	memcpy(sorted, g->obs, g->nobs * sizeof(*sorted));
	qsort(sorted, g->nobs, sizeof(*sorted), cmp_obs_n);
	out->ns = xmalloc(cap * sizeof(double));
	out->speedup = xmalloc(cap * sizeof(double));
	out->karp_flatt = xmalloc(cap * sizeof(double));
	out->reps = xmalloc(cap * sizeof(size_t));
	for (size_t s = 0; s < g->nobs;) {
		size_t e = s, k = 0;
		while (e < g->nobs && sorted[e].n == sorted[s].n)
			e++;
		for (size_t j = s; j < e; j++)
			if (isfinite(sorted[j].speedup))
				v[k++] = sorted[j].speedup;
		out->ns[out->nn] = sorted[s].n;
		out->speedup[out->nn] = stats_median(v, k);
		out->karp_flatt[out->nn] = g->weak ? NAN : models_karp_flatt(out->speedup[out->nn], sorted[s].n);
		out->reps[out->nn] = e - s;
		if (out->nn == 0 || e - s < out->min_reps)
			out->min_reps = e - s;
		out->nn++;
		s = e;
	}
	free(sorted);
	free(v);
}

/* The first wall time (or speedup, for weak scaling) a fit cannot take, for the message. */
static void find_bad_value(const struct fit_group *g, struct fit_summary *out)
{
	for (size_t i = 0; i < g->nobs; i++) {
		double v = g->weak ? g->obs[i].speedup : g->obs[i].wall_s;
		if (fit_within_cores(&g->obs[i]) && !isnan(v) && !in_range(v)) {
			out->bad_value = v;
			out->bad_n = g->obs[i].n;
			return;
		}
	}
}

void fit_summarize(const struct fit_group *g, double level, int robust, enum usl_method usl,
		   struct fit_summary *out)
{
	fit_model_fn model = g->weak ? fit_gustafson : robust ? fit_amdahl_robust : fit_amdahl;

	memset(out, 0, sizeof(*out));
	out->gustafson = g->weak;
	out->robust = robust && !g->weak;
	out->level = level;
	out->usl_method = usl;
	out->bad_value = out->bad_n = NAN;
	out->cores = g->nobs ? g->obs[0].cores : NAN;
	out->rounds = jackknife_count_rounds(g->obs, g->nobs);
	summarize_points(g, out);
	out->status = fit_p_se(g->obs, g->nobs, model, &out->p_raw, &out->p_se, &out->p_df, &out->r2);
	out->p_fit = clip01(out->p_raw);
	out->p_lo = out->p_hi = NAN;
	if (out->status == FIT_OK) {
		struct interval ci;
		if (interval_from_se(out->p_raw, out->p_se, out->p_df, level, &ci) == 0) {
			out->p_lo = clip01(ci.lo);
			out->p_hi = clip01(ci.hi);
		}
	}
	if (out->status == FIT_RANGE)
		find_bad_value(g, out);
	summarize_usl(g, out);
}

void fit_summary_free(struct fit_summary *s)
{
	free(s->ns);
	free(s->speedup);
	free(s->karp_flatt);
	free(s->reps);
	memset(s, 0, sizeof(*s));
}

/* ---- what to tell the reader ---- */

/* Why P is missing. */
static void note_status(const struct fit_summary *s, char *buf, size_t len)
{
	switch (s->status) {
	case FIT_ONE_N:
		if (s->cores == 1)
			snprintf(buf, len, "P cannot be fitted: with one usable core every N runs on it");
		else
			snprintf(buf, len, "P cannot be fitted: it needs wall times at two or more values of N "
				 "within the %g usable cores", s->cores);
		break;
	case FIT_NO_SPEEDUP:
		snprintf(buf, len, "P cannot be fitted: it needs a scaled speedup at some N > 1 within the cores");
		break;
	case FIT_RANGE:
		snprintf(buf, len, "P cannot be fitted: %s %g at N=%g is out of the range a fit takes (%g to %g)",
			 s->gustafson ? "speedup" : "wall_s", s->bad_value, s->bad_n, FIT_VALUE_MIN, FIT_VALUE_MAX);
		break;
	default:
		snprintf(buf, len, "P cannot be fitted: the line through the wall times gives no positive time "
			 "at N=1 (they rise steeply with N)");
		break;
	}
}

static void note_no_interval(const struct fit_summary *s, char *buf, size_t len)
{
	if (s->min_reps < 2)
		snprintf(buf, len, "no interval: one repetition at some N is a point, not a sample "
			 "(2 or more at every N are needed; 3 or more to be useful)");
	else if (s->rounds < 2)
		snprintf(buf, len, "no interval: every repetition is in one round (rep column), and the "
			 "interval is the spread between rounds");
	else
		snprintf(buf, len, "no interval: the fit fails without one of the rounds");
}

/* The N > 1 whose median speedup is furthest above N (sign > 0) or below 1 (sign < 0); -1 when none. */
static long extreme_point(const struct fit_summary *s, int sign)
{
	long best = -1;
	double worst = 1;

	for (size_t i = 0; i < s->nn; i++) {
		double r = sign > 0 ? s->speedup[i] / s->ns[i] : s->speedup[i];
		if (s->ns[i] <= 1 || !isfinite(r))
			continue;
		if (sign > 0 ? r > worst * (1 + 1e-9) : r < worst) {
			worst = r;
			best = (long)i;
		}
	}
	return best;
}

/* Superlinear speedup or a slowdown, with the value of P before clipping. */
static int note_clipped(const struct fit_summary *s, int sign, char *buf, size_t len)
{
	long i = extreme_point(s, sign);
	char raw[96] = "";

	if (sign > 0 ? s->p_raw > 1 : s->p_raw < 0)
		snprintf(raw, sizeof(raw), "%sP fitted as %.4f before clipping to %d", i >= 0 ? "; " : "", s->p_raw,
			 sign > 0);
	if (i < 0 && !raw[0])
		return 0;
	if (i >= 0 && sign > 0)
		snprintf(buf, len, "superlinear: the median speedup at N=%g is %.4g, more than N (caches, or less "
			 "work per worker than the law assumes)%s", s->ns[i], s->speedup[i], raw);
	else if (i >= 0)
		snprintf(buf, len, "slowdown: the median speedup at N=%g is %.4g, slower than one worker%s", s->ns[i],
			 s->speedup[i], raw);
	else
		snprintf(buf, len, "%s", raw);
	return 1;
}

/* R^2 below this: the law explains next to none of the variation of the times. */
#define FIT_R2_NOTHING 0.1
/* An interval this wide is most of [0, 1]. */
#define FIT_WIDTH_NOTHING 0.5

int fit_summary_note(const struct fit_summary *s, int i, char *buf, size_t len)
{
	int k = 0;

	buf[0] = '\0';
	if (s->status != FIT_OK) {
		if (i == k++) {
			note_status(s, buf, len);
			return 1;
		}
	} else if (isnan(s->p_lo) && i == k++) {
		note_no_interval(s, buf, len);
		return 1;
	}
	if (s->status == FIT_OK && note_clipped(s, 1, buf, len) && i == k++)
		return 1;
	if (s->status == FIT_OK && note_clipped(s, -1, buf, len) && i == k++)
		return 1;
	if (s->status == FIT_OK && !s->gustafson && s->r2 < FIT_R2_NOTHING && i == k++) {
		snprintf(buf, len, "the fit explains almost nothing (R^2 %.3f): the wall times hardly fall with N; "
			 "either the work is serial or the extra workers got no CPU (check the cores and the load)",
			 s->r2);
		return 1;
	}
	if (s->p_hi - s->p_lo >= FIT_WIDTH_NOTHING && i == k++) {
		snprintf(buf, len, "P is barely known: its %g%% interval [%.2f, %.2f] spans most of [0, 1]",
			 s->level * 100, s->p_lo, s->p_hi);
		return 1;
	}
	if (s->usl_ok && s->usl.sigma >= 1 && i == k++) {
		snprintf(buf, len, "USL: sigma is at its bound 1: no speedup at any N, so the law says nothing more");
		return 1;
	}
	buf[0] = '\0';
	return 0;
}
