/*
 * The Universal Scalability Law (Gunther), two ways:
 *
 *   nls     nonlinear least squares on the throughput itself,
 *           X(N) = gamma N / (1 + sigma (N-1) + kappa N (N-1)), with GSL's
 *           multifit_nlinear (trust region, Levenberg-Marquardt), as R's
 *           `usl` package fits it today. The default: the errors are fitted
 *           where they arise, and gamma need not be the N = 1 value.
 *   linear  Gunther's linearisation N/S - 1 = sigma (N-1) + kappa N (N-1),
 *           least squares through the origin (the book's spreadsheet method,
 *           and R `usl` before 2.0). The transform divides each error by S^2/N
 *           and gives N = 1 no weight at all.
 *
 * Both keep 0 <= sigma <= 1 and kappa >= 0: the unconstrained optimum is
 * used when it is inside, else the best fit with a coefficient on its bound.
 * Throughput here is the speedup (the N = 1 rate is 1), so gamma is about 1.
 */
#ifndef AMDAHL_USL_H
#define AMDAHL_USL_H

#include <stddef.h>

#include "obs.h"

enum usl_method { USL_NLS, USL_LINEAR };

struct usl_fit {
	double sigma, kappa, gamma;	/* gamma is 1 for the linear fit */
	double se_sigma, se_kappa, se_gamma;	/* asymptotic, from the Jacobian (nls only; NaN otherwise) */
	int df;				/* observations minus free parameters */
	double n_star;			/* sqrt((1-sigma)/kappa); NaN when kappa == 0 or sigma >= 1 */
	double r2;			/* of the curve on the speedups */
};

/*
 * Fit the law to the speedups of obs (plain N: the curve as measured on this
 * machine, core limit included). With a single N > 1 only sigma (and gamma)
 * are fitted. -1 when no N > 1 has a speedup, or the fit fails.
 */
int usl_fit(const struct fit_obs *obs, size_t n, enum usl_method method, struct usl_fit *out);

/* "nls" or "linear". */
const char *usl_method_name(enum usl_method m);

/* The speedup the law gives at N. */
double usl_speedup(const struct usl_fit *u, double n);

#endif
