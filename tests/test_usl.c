/*
 * Tests of the Universal Scalability Law fits (src/models/usl.c): exact
 * recovery, the bounds on sigma and kappa, and Gunther's raytracer data
 * against references computed outside amdahl.
 *
 * Raytracer (Gunther, Guerrilla Capacity Planning, Springer 2007, ch. 5;
 * the `raytracer` data set of R's usl package): throughput X at p processors.
 * References, computed for this test:
 *   nonlinear, bounded  R 4.2.2 nls(X ~ g p/(1 + s(p-1) + k p(p-1)),
 *                       algorithm = "port", lower = 0, upper = c(Inf, 1, 1)):
 *                       gamma 21.8488427716, sigma 0.0577707803333, kappa 0
 *                       (the unconstrained optimum has kappa = -0.000201, by
 *                       scipy 1.10 curve_fit); with kappa on its bound, the
 *                       two-parameter fit (R nls and scipy curve_fit agree):
 *                       gamma 21.8488427005 (se 1.25777866), sigma
 *                       0.0577707800468 (se 0.00525797883), RSS 697.237799749.
 *   linearised          R lm(p/S - 1 ~ 0 + I(p-1) + I(p(p-1))), S = X/X(1):
 *                       sigma 0.0500239437354, kappa 4.70821781276e-06.
 * These are the 0.0578 and 0.0500 of issue 13.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "../src/models/models.h"
#include "../src/models/usl.h"

static const double rt_p[] = { 1, 4, 8, 12, 16, 20, 24, 28, 32, 48, 64 };
static const double rt_x[] = { 20, 78, 130, 170, 190, 200, 210, 230, 260, 280, 310 };

static size_t raytracer(struct fit_obs *o, int relative)
{
	for (size_t i = 0; i < 11; i++)
		o[i] = (struct fit_obs){ .n = rt_p[i], .cores = 64, .wall_s = 1 / rt_x[i],
					 .speedup = relative ? rt_x[i] / rt_x[0] : rt_x[i] };
	return 11;
}

Test(usl, raytracer_nonlinear_matches_r_nls)
{
	struct fit_obs o[11];
	struct usl_fit u;

	cr_assert_eq(usl_fit(o, raytracer(o, 0), USL_NLS, &u), 0);
	cr_assert_float_eq(u.sigma, 0.0577707800468, 1e-7, "sigma %.12g", u.sigma);
	cr_assert_eq(u.kappa, 0.0, "kappa %.12g", u.kappa);
	cr_assert_float_eq(u.gamma, 21.8488427005, 1e-5, "gamma %.12g", u.gamma);
	cr_assert_float_eq(u.se_sigma, 0.00525797883, 1e-7, "se sigma %.12g", u.se_sigma);
	cr_assert_float_eq(u.se_gamma, 1.25777866, 1e-5, "se gamma %.12g", u.se_gamma);
	cr_assert(isnan(u.n_star));
	/* On relative throughput the shape is the same, gamma scaled by X(1). */
	cr_assert_eq(usl_fit(o, raytracer(o, 1), USL_NLS, &u), 0);
	cr_assert_float_eq(u.sigma, 0.0577707800468, 1e-7, "sigma %.12g", u.sigma);
	cr_assert_float_eq(u.gamma, 21.8488427005 / 20, 1e-6, "gamma %.12g", u.gamma);
}

Test(usl, raytracer_linearised_matches_r_lm)
{
	struct fit_obs o[11];
	struct usl_fit u;

	cr_assert_eq(usl_fit(o, raytracer(o, 1), USL_LINEAR, &u), 0);
	cr_assert_float_eq(u.sigma, 0.0500239437354, 1e-10, "sigma %.12g", u.sigma);
	cr_assert_float_eq(u.kappa, 4.70821781276e-06, 1e-14, "kappa %.12g", u.kappa);
	cr_assert_eq(u.gamma, 1.0);
	cr_assert_float_eq(u.n_star, sqrt((1 - u.sigma) / u.kappa), 1e-9);
}

/* Speedups of the law, N = 1..nmax. */
static size_t law(struct fit_obs *o, double s, double k, double g, int nmax)
{
	for (int n = 1; n <= nmax; n++)
		o[n - 1] = (struct fit_obs){ .n = n, .cores = 64, .wall_s = 1,
					     .speedup = g * n / (1 + s * (n - 1) + k * n * (n - 1.0)) };
	return (size_t)nmax;
}

Test(usl, both_recover_exact_coefficients)
{
	struct fit_obs o[64];
	struct usl_fit u;
	size_t n = law(o, 0.05, 0.001, 1, 64);

	for (int m = 0; m < 2; m++) {
		cr_assert_eq(usl_fit(o, n, m ? USL_LINEAR : USL_NLS, &u), 0);
		cr_assert_float_eq(u.sigma, 0.05, 1e-9, "%s sigma %.12g", usl_method_name(m), u.sigma);
		cr_assert_float_eq(u.kappa, 0.001, 1e-12, "%s kappa %.12g", usl_method_name(m), u.kappa);
		cr_assert_float_eq(u.gamma, 1, 1e-9);
		cr_assert_float_eq(u.n_star, sqrt(0.95 / 0.001), 1e-6);
		cr_assert_float_eq(u.r2, 1, 1e-9);
		cr_assert_float_eq(usl_speedup(&u, 10), 10 / (1 + 0.45 + 0.09), 1e-9);
	}
}

/* No core of its own for the extra workers: sigma stays at its bound 1, never above. */
Test(usl, sigma_stays_in_range_on_one_core)
{
	struct fit_obs o[8];
	struct usl_fit u;

	for (int n = 1; n <= 8; n++)
		o[n - 1] = (struct fit_obs){ .n = n, .cores = 1, .wall_s = 1, .speedup = 0.97 };
	o[0].speedup = 1;
	for (int m = 0; m < 2; m++) {
		cr_assert_eq(usl_fit(o, 8, m ? USL_LINEAR : USL_NLS, &u), 0);
		cr_assert(u.sigma >= 0 && u.sigma <= 1, "%s sigma %g", usl_method_name(m), u.sigma);
		cr_assert(u.kappa >= 0, "kappa %g", u.kappa);
	}
	/* The linearised form wants sigma = 1.03 here: it stops at 1. */
	cr_assert_eq(usl_fit(o, 8, USL_LINEAR, &u), 0);
	cr_assert_eq(u.sigma, 1.0, "sigma %.12g", u.sigma);
}

Test(usl, bounds_superlinear_and_amdahl)
{
	struct fit_obs o[16];
	struct usl_fit u;

	/* Superlinear: both coefficients would be negative; both end at zero. */
	for (int n = 1; n <= 8; n++)
		o[n - 1] = (struct fit_obs){ .n = n, .cores = 64, .wall_s = 1, .speedup = n * (n > 1 ? 1.1 : 1) };
	for (int m = 0; m < 2; m++) {
		cr_assert_eq(usl_fit(o, 8, m ? USL_LINEAR : USL_NLS, &u), 0);
		cr_assert(u.sigma == 0 && u.kappa == 0, "%s: sigma %g kappa %g", usl_method_name(m), u.sigma, u.kappa);
	}
	/* Amdahl's law is the USL with kappa = 0 and sigma = 1 - P. */
	for (int n = 1; n <= 16; n++)
		o[n - 1] = (struct fit_obs){ .n = n, .cores = 64, .wall_s = 1, .speedup = models_amdahl(0.9, n) };
	for (int m = 0; m < 2; m++) {
		cr_assert_eq(usl_fit(o, 16, m ? USL_LINEAR : USL_NLS, &u), 0);
		cr_assert_float_eq(u.sigma, 0.1, 1e-9);
		cr_assert_float_eq(u.kappa, 0.0, 1e-12);
	}
}

Test(usl, needs_a_speedup_beyond_one)
{
	struct fit_obs o[4] = { { .n = 1, .cores = 2, .wall_s = 1, .speedup = 1, .round = 0 },
				{ .n = 1, .cores = 2, .wall_s = 1, .speedup = 1, .round = 1 } };
	struct usl_fit u;

	cr_assert_eq(usl_fit(o, 2, USL_NLS, &u), -1);
	cr_assert_eq(usl_fit(o, 2, USL_LINEAR, &u), -1);
	/* One N > 1: sigma alone. */
	o[2] = (struct fit_obs){ .n = 2, .cores = 2, .wall_s = 0.55, .speedup = models_amdahl(0.9, 2) };
	for (int m = 0; m < 2; m++) {
		cr_assert_eq(usl_fit(o, 3, m ? USL_LINEAR : USL_NLS, &u), 0);
		cr_assert_float_eq(u.sigma, 0.1, 1e-6, "%s sigma %g", usl_method_name(m), u.sigma);
		cr_assert_eq(u.kappa, 0.0);
	}
}
