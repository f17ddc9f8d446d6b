/*
 * Tests of the rank statistics (src/models/ranktest.c) against reference
 * values computed outside amdahl:
 *
 *   [coin]  R 4.2.2, coin 1.4-2 (Debian r-cran-coin):
 *           pvalue(wilcox_test(v ~ g, distribution = "exact", alternative = ...)),
 *           the exact conditional distribution, ties included;
 *   [brute] a Python enumeration of every split of the pooled values with
 *           mid-ranks (itertools.combinations, exact fractions), written for
 *           this check and independent of ranktest.c;
 *   [R]     R 4.2.2 stats::wilcox.test(y, x, conf.int = TRUE, exact = TRUE),
 *           the exact shift interval (no ties).
 *
 * The scripts are in docs/models-and-ci.md; both sources agree with each
 * other to the last printed digit.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "../src/models/ranktest.h"

struct ref {
	const char *name;
	double x[16], y[32];
	size_t nx, ny;
	double u, p_greater, p_less;	/* [coin] and [brute] */
};

static const struct ref refs[] = {
	{ "separated 3 vs 3", { 1, 2, 3 }, { 4, 5, 6 }, 3, 3, 9, 0.050000000000000003, 1 },
	{ "10 vs 10, heavy ties", { 1, 1, 2, 2, 2, 3, 3, 3, 4, 4 }, { 2, 3, 3, 4, 4, 4, 5, 5, 5, 6 }, 10, 10, 83.5,
	  0.0053638312152244037, 0.99680118642966942 },
	{ "5 vs 7, no ties", { 0.101, 0.097, 0.105, 0.099, 0.103 },
	  { 0.104, 0.108, 0.098, 0.111, 0.106, 0.102, 0.109 }, 5, 7, 28, 0.053030303030303032, 0.96338383838383834 },
	{ "4 vs 6, ties across", { 1.5, 2.0, 2.0, 3.5 }, { 2.0, 3.5, 3.5, 4.0, 5.0, 2.0 }, 4, 6, 19,
	  0.10952380952380952, 0.97619047619047616 },
	{ "12 vs 12, rounded times", { 0.11, 0.12, 0.12, 0.13, 0.11, 0.12, 0.14, 0.12, 0.13, 0.11, 0.12, 0.13 },
	  { 0.12, 0.13, 0.13, 0.14, 0.12, 0.15, 0.13, 0.14, 0.12, 0.13, 0.14, 0.16 }, 12, 12, 113,
	  0.0082291850026403809, 0.99575727140002279 },
};

Test(ranktest, exact_p_matches_coin_and_enumeration_to_1e_9)
{
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		const struct ref *r = &refs[i];
		struct ranktest t;
		cr_assert_eq(ranktest_mann_whitney(r->x, r->nx, r->y, r->ny, &t), 0);
		cr_assert(t.exact, "%s: not exact", r->name);
		cr_assert_float_eq(t.u, r->u, 1e-12, "%s: U %g", r->name, t.u);
		cr_assert_float_eq(t.p_greater, r->p_greater, 1e-9, "%s: p_greater %.17g", r->name, t.p_greater);
		cr_assert_float_eq(t.p_less, r->p_less, 1e-9, "%s: p_less %.17g", r->name, t.p_less);
	}
}

/* 20 vs 25 (N = 45, still exact), with ties across the samples: [coin] only. */
Test(ranktest, exact_p_at_45_values_matches_coin)
{
	double x[20], y[25];
	struct ranktest t;

	for (int i = 0; i < 20; i++)
		x[i] = 0.5 + 0.01 * ((i * 37) % 101);
	for (int i = 0; i < 25; i++)
		y[i] = 0.52 + 0.01 * ((i * 53) % 103);
	cr_assert_eq(ranktest_mann_whitney(x, 20, y, 25, &t), 0);
	cr_assert(t.exact);
	cr_assert_float_eq(t.p_greater, 0.65598441384166617, 1e-9, "%.17g", t.p_greater);
	cr_assert_float_eq(t.p_less, 0.3481917010675567, 1e-9, "%.17g", t.p_less);
}

Test(ranktest, smallest_p_is_the_exact_one)
{
	cr_assert_float_eq(ranktest_min_p(3, 3), 0.05, 1e-15);
	cr_assert_float_eq(ranktest_min_p(2, 2), 1.0 / 6, 1e-15);
	cr_assert_float_eq(ranktest_min_p(5, 5), 1.0 / 252, 1e-15);
	cr_assert_float_eq(ranktest_min_p(7, 7), 1.0 / 3432, 1e-15);
	cr_assert_eq(ranktest_min_p(0, 4), 1.0);
	cr_assert_eq(ranktest_min_p(1, 1), 0.5);
}

Test(ranktest, nothing_to_say)
{
	double x[] = { 1, 1, 1 }, y[] = { 1, 1, 1 };
	struct ranktest t;

	cr_assert_eq(ranktest_mann_whitney(x, 3, y, 3, &t), 0);
	cr_assert(t.p_greater == 1 && t.p_less == 1, "%g %g", t.p_greater, t.p_less);
	cr_assert_eq(ranktest_mann_whitney(x, 0, y, 3, &t), -1);
	cr_assert(t.p_greater == 1 && t.p_less == 1);
}

/* Past the exact range: the normal approximation, close to the exact tail. */
Test(ranktest, large_samples_use_the_normal_approximation)
{
	static double x[400], y[400];
	struct ranktest t;

	for (int i = 0; i < 400; i++) {
		x[i] = (i * 7919) % 400;
		y[i] = (i * 104729) % 400 + 20.5;
	}
	cr_assert_eq(ranktest_mann_whitney(x, 400, y, 400, &t), 0);
	cr_assert_not(t.exact);
	/* U = 160000 - 400*... : y is shifted by 20.5 of 400: p far below 0.05 and above 0. */
	cr_assert(t.p_greater < 0.05 && t.p_greater > 0, "%g", t.p_greater);
	cr_assert(t.p_less > 0.95);
}

Test(ranktest, shift_interval_matches_r_wilcox_test)
{
	static const double x[] = { 0.101, 0.097, 0.105, 0.099, 0.103 };
	static const double y[] = { 0.104, 0.108, 0.098, 0.111, 0.106, 0.102, 0.109 };
	double lo, hi, cov, est;

	cr_assert_eq(ranktest_shift_interval(x, 5, y, 7, 0.95, &lo, &hi, &cov, &est), 0);
	cr_assert_float_eq(lo, -0.0010000000000000009, 1e-12, "%.17g", lo);
	cr_assert_float_eq(hi, 0.009999999999999995, 1e-12, "%.17g", hi);
	cr_assert_float_eq(est, 0.0049999999999999906, 1e-12, "%.17g", est);
	cr_assert(cov >= 0.95 && cov < 0.97, "coverage %g", cov);
	cr_assert_eq(ranktest_shift_interval(x, 5, y, 7, 0.80, &lo, &hi, NULL, NULL), 0);
	cr_assert_float_eq(lo, 0.0010000000000000009, 1e-12, "%.17g", lo);
	cr_assert_float_eq(hi, 0.0080000000000000071, 1e-12, "%.17g", hi);
}

Test(ranktest, shift_interval_at_45_values_matches_r)
{
	double x[20], y[25], lo, hi, est;

	for (int i = 0; i < 20; i++)
		x[i] = 0.5 + 0.01 * ((i * 37) % 101) + 1e-6 * i;
	for (int i = 0; i < 25; i++)
		y[i] = 0.52 + 0.01 * ((i * 53) % 103) + 1e-7 * i;
	cr_assert_eq(ranktest_shift_interval(x, 20, y, 25, 0.95, &lo, &hi, NULL, &est), 0);
	cr_assert_float_eq(lo, -0.23000019999999999, 1e-12, "%.17g", lo);
	cr_assert_float_eq(hi, 0.14999190000000007, 1e-12, "%.17g", hi);
	cr_assert_float_eq(est, -0.040004149999999961, 1e-12, "%.17g", est);
}

/* 3 against 3 cannot give a 95% interval: the widest one covers 90%. */
Test(ranktest, too_few_values_give_no_interval)
{
	static const double x[] = { 1, 2, 3 }, y[] = { 4, 5, 6 };
	double lo, hi, cov;

	cr_assert_eq(ranktest_shift_interval(x, 3, y, 3, 0.95, &lo, &hi, &cov, NULL), -1);
	cr_assert(isnan(lo) && isnan(hi));
	cr_assert_float_eq(cov, 0.9, 1e-12);
	cr_assert_eq(ranktest_shift_interval(x, 3, y, 3, 0.90, &lo, &hi, &cov, NULL), 0);
	cr_assert_float_eq(lo, 1, 1e-12);
	cr_assert_float_eq(hi, 5, 1e-12);
	cr_assert_eq(ranktest_shift_interval(x, 1, y, 1, 0.5, &lo, &hi, &cov, NULL), -1);
}

/* Large samples: the bisection picks an actual difference, and the interval holds the shift. */
Test(ranktest, shift_interval_of_large_samples)
{
	static double x[3000], y[3000];
	double lo, hi, est;

	for (int i = 0; i < 3000; i++) {
		x[i] = sin(i * 1.7) + 0.001 * i;
		y[i] = sin(i * 2.3 + 1) + 0.001 * i + 0.25;
	}
	cr_assert_eq(ranktest_shift_interval(x, 3000, y, 3000, 0.95, &lo, &hi, NULL, &est), 0);
	cr_assert(lo < est && est < hi, "[%g, %g] %g", lo, hi, est);
	cr_assert(lo < 0.25 && 0.25 < hi, "[%g, %g]", lo, hi);
	cr_assert(hi - lo < 0.2, "[%g, %g]", lo, hi);
}

/*
 * The signed-rank test of paired differences. References: [R] stats::wilcox.test(d,
 * exact = TRUE, conf.int = TRUE) (no ties); [coin] wilcoxsign_test(d ~ 0, distribution =
 * "exact", zero.method = "Wilcoxon") and [brute] a Python enumeration of all 2^11 sign
 * patterns with mid-ranks (ties and a zero), which agree to the last digit.
 */
Test(ranktest, signed_rank_matches_r_and_coin)
{
	static const double d1[] = { 0.031, -0.012, 0.044, 0.027, 0.009, -0.004, 0.052, 0.018, 0.036, 0.021 };
	static const double d2[] = { 0.02, 0.02, -0.01, 0.03, 0.02, -0.02, 0.01, 0.03, 0.03, 0, 0.01, -0.01 };
	struct ranktest t;
	double lo, hi, est, cov;

	cr_assert_eq(ranktest_signed_rank(d1, 10, &t), 0);
	cr_assert(t.exact);
	cr_assert_float_eq(t.p_greater, 0.0068359375, 1e-12, "%.17g", t.p_greater);
	cr_assert_float_eq(t.p_less, 0.9951171875, 1e-12, "%.17g", t.p_less);
	cr_assert_eq(ranktest_signed_interval(d1, 10, 0.95, &lo, &hi, &cov, &est), 0);
	cr_assert_float_eq(lo, 0.0074999999999999997, 1e-12, "%.17g", lo);
	cr_assert_float_eq(hi, 0.036499999999999998, 1e-12, "%.17g", hi);
	cr_assert_float_eq(est, 0.022499999999999999, 1e-12, "%.17g", est);
	cr_assert(cov >= 0.95 && cov < 0.97, "%g", cov);
	cr_assert_eq(ranktest_signed_interval(d1, 10, 0.80, &lo, &hi, NULL, NULL), 0);
	cr_assert_float_eq(lo, 0.013499999999999998, 1e-12, "%.17g", lo);
	cr_assert_float_eq(hi, 0.0315, 1e-12, "%.17g", hi);
	cr_assert_eq(ranktest_signed_rank(d2, 12, &t), 0);
	cr_assert_float_eq(t.u, 54.5, 1e-12);
	cr_assert_float_eq(t.p_greater, 0.03076171875, 1e-9, "%.17g", t.p_greater);
	cr_assert_float_eq(t.p_less, 0.98095703125, 1e-9, "%.17g", t.p_less);
}

/* Five pairs cannot give 95% (the widest interval covers 1 - 2/32); six can. */
Test(ranktest, signed_interval_of_few_pairs)
{
	static const double d[] = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 };
	double lo, hi, cov;

	cr_assert_eq(ranktest_signed_interval(d, 5, 0.95, &lo, &hi, &cov, NULL), -1);
	cr_assert_float_eq(cov, 1 - 2.0 / 32, 1e-12);
	cr_assert_eq(ranktest_signed_interval(d, 6, 0.95, &lo, &hi, &cov, NULL), 0);
	cr_assert_float_eq(lo, 0.1, 1e-12);
	cr_assert_float_eq(hi, 0.6, 1e-12);
	cr_assert_float_eq(cov, 1 - 2.0 / 64, 1e-12);
}

/* Past the exact range: still an actual Walsh average, holding the centre. */
Test(ranktest, signed_interval_of_many_pairs)
{
	static double d[2000];
	double lo, hi, est;
	struct ranktest t;

	for (int i = 0; i < 2000; i++)
		d[i] = 0.01 + 0.05 * sin(i * 1.3);
	cr_assert_eq(ranktest_signed_interval(d, 2000, 0.95, &lo, &hi, NULL, &est), 0);
	cr_assert(lo < 0.01 && 0.01 < hi && hi - lo < 0.01, "[%g, %g]", lo, hi);
	cr_assert_eq(ranktest_signed_rank(d, 2000, &t), 0);
	cr_assert_not(t.exact);
	cr_assert(t.p_greater < 1e-6, "%g", t.p_greater);
}
