/*
 * Fitting the Universal Scalability Law, by nonlinear least squares on the
 * speedups (GSL multifit_nlinear) or by Gunther's linearisation (GSL
 * multifit_linear), inside the bounds 0 <= sigma <= 1, kappa >= 0. The
 * bounds are kept by trying each face of the box the optimum may lie on
 * (sigma free, 0 or 1; kappa free or 0) and keeping the feasible fit of
 * least squared error: with two coefficients that is six small fits, or one
 * when the unconstrained optimum is already inside.
 */
#include "usl.h"
#include "../base/util.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The points the law is fitted to: N and the speedup. */
struct pts {
	double *n, *s, *w;
	size_t m;
	size_t distinct;	/* distinct N */
	size_t beyond;		/* distinct N > 1 */
};

/* A face of the box: which coefficients are free, and the value of a fixed one. */
struct face {
	int sigma_free, kappa_free;
	double sigma, kappa;
};

static const struct face faces[] = {
	{ 1, 1, 0, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 1, 1, 0 }, { 0, 0, 0, 0 }, { 0, 0, 1, 0 },
};

const char *usl_method_name(enum usl_method m)
{
	return m == USL_LINEAR ? "linear" : "nls";
}

double usl_speedup(const struct usl_fit *u, double n)
{
	return u->gamma * n / (1 + u->sigma * (n - 1) + u->kappa * n * (n - 1));
}

static void pts_init(struct pts *p, const struct fit_obs *obs, size_t n)
{
	double *sorted;

	p->n = xmalloc((n ? n : 1) * sizeof(double));
	p->s = xmalloc((n ? n : 1) * sizeof(double));
	p->w = xmalloc((n ? n : 1) * sizeof(double));
	p->m = p->distinct = p->beyond = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(obs[i].speedup) && obs[i].speedup > 0 && obs[i].n >= 1) {
			p->n[p->m] = obs[i].n;
			p->w[p->m] = fit_obs_weight(&obs[i]);
			p->s[p->m++] = obs[i].speedup;
		}
	sorted = xmalloc((p->m ? p->m : 1) * sizeof(double));
	memcpy(sorted, p->n, p->m * sizeof(double));
	gsl_sort(sorted, 1, p->m);
	for (size_t i = 0; i < p->m; i++)
		if (i == 0 || sorted[i] != sorted[i - 1]) {
			p->distinct++;
			p->beyond += sorted[i] > 1;
		}
	free(sorted);
}

static void pts_free(struct pts *p)
{
	free(p->n);
	free(p->s);
	free(p->w);
}

static double sse_of(const struct pts *p, const struct usl_fit *u)
{
	double sum = 0;

	for (size_t i = 0; i < p->m; i++) {
		double e = p->s[i] - usl_speedup(u, p->n[i]);
		sum += p->w[i] * e * e;
	}
	return sum;
}

static int feasible(const struct usl_fit *u)
{
	return isfinite(u->sigma) && isfinite(u->kappa) && isfinite(u->gamma) && u->sigma >= 0 && u->sigma <= 1 &&
	       u->kappa >= 0 && u->gamma > 0;
}

/* ---- linear: y = N/S - 1 = sigma (N-1) + kappa N(N-1) ---- */

static int linear_face(const struct pts *p, const struct face *f, struct usl_fit *u)
{
	size_t m = 0;
	double *x1 = xmalloc((p->m ? p->m : 1) * sizeof(double)), *x2 = xmalloc((p->m ? p->m : 1) * sizeof(double));
	double *y = xmalloc((p->m ? p->m : 1) * sizeof(double)), *w = xmalloc((p->m ? p->m : 1) * sizeof(double));
	double c1, cov, ss;
	int rc = -1;

	for (size_t i = 0; i < p->m; i++) {
		if (p->n[i] <= 1)
			continue;
		x1[m] = p->n[i] - 1;
		x2[m] = p->n[i] * (p->n[i] - 1);
		w[m] = p->w[i];
		/* What the free coefficients must explain once the fixed ones are taken off. */
		y[m] = p->n[i] / p->s[i] - 1 - (f->sigma_free ? 0 : f->sigma * x1[m]) - (f->kappa_free ? 0 : f->kappa * x2[m]);
		m++;
	}
	*u = (struct usl_fit){ .sigma = f->sigma, .kappa = f->kappa, .gamma = 1 };
	if (f->sigma_free && f->kappa_free) {
		gsl_matrix *X = gsl_matrix_alloc(m, 2), *cv = gsl_matrix_alloc(2, 2);
		gsl_vector *Y = gsl_vector_alloc(m), *c = gsl_vector_alloc(2);
		gsl_vector_view W = gsl_vector_view_array(w, m);
		gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(m, 2);
		for (size_t i = 0; i < m; i++) {
			gsl_matrix_set(X, i, 0, x1[i]);
			gsl_matrix_set(X, i, 1, x2[i]);
			gsl_vector_set(Y, i, y[i]);
		}
		if (gsl_multifit_wlinear(X, &W.vector, Y, c, cv, &ss, ws) == GSL_SUCCESS) {
			u->sigma = gsl_vector_get(c, 0);
			u->kappa = gsl_vector_get(c, 1);
			rc = 0;
		}
		gsl_multifit_linear_free(ws);
		gsl_vector_free(c);
		gsl_vector_free(Y);
		gsl_matrix_free(cv);
		gsl_matrix_free(X);
	} else if (f->sigma_free || f->kappa_free) {
		if (gsl_fit_wmul(f->sigma_free ? x1 : x2, 1, w, 1, y, 1, m, &c1, &cov, &ss) == GSL_SUCCESS) {
			*(f->sigma_free ? &u->sigma : &u->kappa) = c1;
			rc = 0;
		}
	} else {
		rc = 0;
	}
	free(x1);
	free(x2);
	free(y);
	free(w);
	return rc;
}

/* ---- nonlinear: S = gamma N / (1 + sigma (N-1) + kappa N (N-1)) ---- */

struct nls_ctx {
	const struct pts *p;
	const struct face *f;
};

/* The parameter vector holds gamma, then sigma and kappa where they are free. */
static void unpack(const gsl_vector *x, const struct face *f, struct usl_fit *u)
{
	size_t k = 1;

	u->gamma = gsl_vector_get(x, 0);
	u->sigma = f->sigma_free ? gsl_vector_get(x, k++) : f->sigma;
	u->kappa = f->kappa_free ? gsl_vector_get(x, k) : f->kappa;
}

static int nls_f(const gsl_vector *x, void *arg, gsl_vector *r)
{
	const struct nls_ctx *c = arg;
	struct usl_fit u;

	unpack(x, c->f, &u);
	for (size_t i = 0; i < c->p->m; i++)
		gsl_vector_set(r, i, usl_speedup(&u, c->p->n[i]) - c->p->s[i]);
	return GSL_SUCCESS;
}

static int nls_df(const gsl_vector *x, void *arg, gsl_matrix *J)
{
	const struct nls_ctx *c = arg;
	struct usl_fit u;

	unpack(x, c->f, &u);
	for (size_t i = 0; i < c->p->m; i++) {
		double n = c->p->n[i], d = 1 + u.sigma * (n - 1) + u.kappa * n * (n - 1);
		size_t k = 1;
		gsl_matrix_set(J, i, 0, n / d);
		if (c->f->sigma_free)
			gsl_matrix_set(J, i, k++, -u.gamma * n * (n - 1) / (d * d));
		if (c->f->kappa_free)
			gsl_matrix_set(J, i, k, -u.gamma * n * n * (n - 1) / (d * d));
	}
	return GSL_SUCCESS;
}

/* gamma by least squares for given sigma, kappa (linear in gamma). */
static double best_gamma(const struct pts *p, double sigma, double kappa)
{
	double num = 0, den = 0;

	for (size_t i = 0; i < p->m; i++) {
		double g = p->n[i] / (1 + sigma * (p->n[i] - 1) + kappa * p->n[i] * (p->n[i] - 1));
		num += p->w[i] * g * p->s[i];
		den += p->w[i] * g * g;
	}
	return den > 0 ? num / den : NAN;
}

static int nls_face(const struct pts *p, const struct face *f, const struct usl_fit *start, struct usl_fit *u)
{
	size_t np = 1 + (size_t)f->sigma_free + (size_t)f->kappa_free, k = 1;
	gsl_multifit_nlinear_parameters prm = gsl_multifit_nlinear_default_parameters();
	gsl_multifit_nlinear_workspace *w;
	gsl_multifit_nlinear_fdf fdf;
	struct nls_ctx c = { p, f };
	gsl_vector_const_view wts = gsl_vector_const_view_array(p->w, p->m);
	gsl_vector *x0 = gsl_vector_alloc(np);
	gsl_matrix *cov = gsl_matrix_alloc(np, np);
	double s0 = f->sigma_free ? fmin(1, fmax(0, start->sigma)) : f->sigma;
	double k0 = f->kappa_free ? fmax(0, start->kappa) : f->kappa;
	int info, rc = -1;

	gsl_vector_set(x0, 0, best_gamma(p, s0, k0));
	if (f->sigma_free)
		gsl_vector_set(x0, k++, s0);
	if (f->kappa_free)
		gsl_vector_set(x0, k, k0);
	fdf = (gsl_multifit_nlinear_fdf){ .f = nls_f, .df = nls_df, .fvv = NULL, .n = p->m, .p = np, .params = &c };
	w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &prm, p->m, np);
	if (isfinite(gsl_vector_get(x0, 0)) && gsl_multifit_nlinear_winit(x0, &wts.vector, &fdf, w) == GSL_SUCCESS) {
		int st = gsl_multifit_nlinear_driver(200, 1e-10, 1e-10, 0, NULL, NULL, &info, w);
		/* Running out of iterations at a flat optimum still leaves a usable fit. */
		if (st == GSL_SUCCESS || st == GSL_EMAXITER) {
			double sse, dof = (double)p->m - (double)np;
			/* The solver's residuals are already scaled by sqrt(weight). */
			gsl_vector *r = gsl_multifit_nlinear_residual(w);
			unpack(gsl_multifit_nlinear_position(w), f, u);
			gsl_blas_ddot(r, r, &sse);
			u->se_gamma = u->se_sigma = u->se_kappa = NAN;
			if (dof > 0 && gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, cov) == GSL_SUCCESS) {
				double s2 = sse / dof;
				k = 1;
				u->se_gamma = sqrt(gsl_matrix_get(cov, 0, 0) * s2);
				if (f->sigma_free) {
					u->se_sigma = sqrt(gsl_matrix_get(cov, k, k) * s2);
					k++;
				}
				if (f->kappa_free)
					u->se_kappa = sqrt(gsl_matrix_get(cov, k, k) * s2);
			}
			rc = 0;
		}
	}
	gsl_multifit_nlinear_free(w);
	gsl_matrix_free(cov);
	gsl_vector_free(x0);
	return rc;
}

int usl_fit(const struct fit_obs *obs, size_t n, enum usl_method method, struct usl_fit *out)
{
	struct pts p;
	struct usl_fit best = { .sigma = NAN }, u, start;
	double best_sse = INFINITY, mean = 0, sst = 0, wsum = 0;
	int rc = -1;
	gsl_error_handler_t *old = gsl_set_error_handler_off();

	*out = (struct usl_fit){ .sigma = NAN, .kappa = NAN, .gamma = NAN, .se_sigma = NAN, .se_kappa = NAN,
				 .se_gamma = NAN, .n_star = NAN, .r2 = NAN };
	pts_init(&p, obs, n);
	if (p.beyond == 0)
		goto out;
	if (method == USL_NLS && linear_face(&p, &faces[0], &start) < 0)
		start = (struct usl_fit){ .sigma = 0.1, .kappa = 0, .gamma = 1 };
	for (size_t i = 0; i < sizeof(faces) / sizeof(faces[0]); i++) {
		const struct face *f = &faces[i];
		/* Each free coefficient needs a distinct N of its own (N = 1 says nothing to the
		 * linear form), and kappa one beyond the first N > 1: with a single N > 1 only
		 * sigma is fitted. */
		size_t need = (method == USL_NLS) + (size_t)f->sigma_free + (size_t)f->kappa_free;
		double e;
		if (need > (method == USL_NLS ? p.distinct : p.beyond) || (f->kappa_free && p.beyond < 2))
			continue;
		if (method == USL_LINEAR ? linear_face(&p, f, &u) < 0 : nls_face(&p, f, &start, &u) < 0)
			continue;
		if (method == USL_LINEAR)
			u.se_sigma = u.se_kappa = u.se_gamma = NAN;
		u.df = (int)p.m - (int)need;
		e = sse_of(&p, &u);
		if (feasible(&u) && e < best_sse * (1 - 1e-12)) {
			best = u;
			best_sse = e;
			/* An optimum of the whole plane that lies inside the box is the box's optimum. */
			if (i == 0)
				break;
		}
	}
	if (!isfinite(best_sse))
		goto out;
	*out = best;
	out->n_star = out->kappa > 0 && out->sigma < 1 ? sqrt((1 - out->sigma) / out->kappa) : NAN;
	for (size_t i = 0; i < p.m; i++) {
		mean += p.w[i] * p.s[i];
		wsum += p.w[i];
	}
	mean /= wsum;
	for (size_t i = 0; i < p.m; i++)
		sst += p.w[i] * (p.s[i] - mean) * (p.s[i] - mean);
	out->r2 = sst > 0 ? 1 - best_sse / sst : NAN;
	rc = 0;
out:
	pts_free(&p);
	gsl_set_error_handler(old);
	return rc;
}
