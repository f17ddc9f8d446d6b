/*
 * Tests of the intervals over repetitions (src/models/interval.c) on data
 * whose answers are known by hand; their coverage is test_coverage.c's.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "../src/models/interval.h"

Test(interval, median_of_few_is_the_range_with_its_exact_coverage)
{
	static const double v[] = { 3, 1, 2, 5, 4 };
	struct interval ci;

	/* [min, max] of 5 holds the median unless all 5 fall on one side: 1 - 2/32. */
	cr_assert_eq(interval_median(v, 5, 0.95, &ci), 1);
	cr_assert_eq(ci.est, 3);
	cr_assert(ci.lo == 1 && ci.hi == 5);
	cr_assert_float_eq(ci.level, 1 - 2.0 / 32, 1e-12);
	/* Asked for 90%, the same range is enough. */
	cr_assert_eq(interval_median(v, 5, 0.90, &ci), 0);
	cr_assert_float_eq(ci.level, 0.90, 1e-12);
	cr_assert_eq(interval_median(v, 1, 0.95, &ci), -1);
	cr_assert(isnan(ci.lo) && ci.est == 3);
}

Test(interval, median_of_ten_interpolates_between_order_statistics)
{
	static const double v[] = { 10, 2, 9, 4, 6, 5, 7, 3, 8, 1 };
	struct interval ci;

	/* [x(2), x(9)] covers 97.85%, [x(3), x(8)] 89.06%: 95% lies between. */
	cr_assert_eq(interval_median(v, 10, 0.95, &ci), 0);
	cr_assert_float_eq(ci.est, 5.5, 1e-12);
	cr_assert(ci.lo > 2 && ci.lo < 3, "lo %g", ci.lo);
	cr_assert(ci.hi > 8 && ci.hi < 9, "hi %g", ci.hi);
	cr_assert_float_eq(ci.lo + ci.hi, 11, 1e-12);
	/* At exactly the coverage of [x(2), x(9)], no interpolation. */
	cr_assert_eq(interval_median(v, 10, 1 - 2 * 11.0 / 1024, &ci), 0);
	cr_assert_float_eq(ci.lo, 2, 1e-9);
	cr_assert_float_eq(ci.hi, 9, 1e-9);
}

Test(interval, ratio_of_medians_of_two_files)
{
	double x[8], y[8];
	struct interval ci;

	for (int i = 0; i < 8; i++) {
		x[i] = 1 + 0.01 * ((i * 3) % 8);
		y[i] = 1.2 * (1 + 0.01 * ((i * 5) % 8));
	}
	cr_assert_eq(interval_ratio_of_medians(x, 8, y, 8, 0.95, &ci), 0);
	cr_assert_float_eq(ci.est, 1.2, 1e-12);
	cr_assert(ci.lo < 1.2 && 1.2 < ci.hi && ci.hi - ci.lo < 0.1, "[%g, %g]", ci.lo, ci.hi);
	cr_assert(ci.level >= 0.95 && ci.level < 0.97, "%g", ci.level);
	/* 3 against 3: no 95% interval, the estimate still. */
	cr_assert_eq(interval_ratio_of_medians(x, 3, y, 3, 0.95, &ci), -1);
	cr_assert(isnan(ci.lo) && isfinite(ci.est));
	x[0] = 0;
	cr_assert_eq(interval_ratio_of_medians(x, 8, y, 8, 0.95, &ci), -1);
	cr_assert(isnan(ci.est));
}

Test(interval, paired_ratio_inverts_the_signed_rank_test)
{
	/* Log-ratios 0.01, 0.02, ..., 0.08: Walsh averages from 0.01 to 0.08, median 0.045. */
	double x[8], y[8], pg, pl;
	struct interval ci;

	for (int i = 0; i < 8; i++) {
		x[i] = 1 + i;
		y[i] = x[i] * exp(0.01 * (i + 1));
	}
	cr_assert_eq(interval_paired_ratio(x, y, 8, 0.95, &ci), 0);
	cr_assert_float_eq(ci.est, exp(0.045), 1e-12);
	/* n = 8: P(W+ <= 3) = 5/256 <= 0.025 < P(W+ <= 4) = 7/256: the 4th Walsh average from each end. */
	cr_assert_float_eq(ci.lo, exp(0.02), 1e-12, "%.17g", ci.lo);
	cr_assert_float_eq(ci.hi, exp(0.07), 1e-12, "%.17g", ci.hi);
	cr_assert_float_eq(ci.level, 1 - 2 * 5.0 / 256, 1e-12);
	interval_paired_p(x, y, 8, &pg, &pl);
	cr_assert_float_eq(pg, 1.0 / 256, 1e-12, "%g", pg);
	cr_assert_float_eq(pl, 1, 1e-12);
	cr_assert_eq(interval_paired_ratio(x, y, 5, 0.95, &ci), -1);
	cr_assert(isnan(ci.lo) && isfinite(ci.est));
}

Test(interval, from_se)
{
	struct interval ci;

	cr_assert_eq(interval_from_se(1, 0.5, 10, 0.95, &ci), 0);
	cr_assert_float_eq(ci.hi - ci.est, 0.5 * 2.2281388519649385, 1e-9);
	cr_assert_eq(interval_from_se(1, NAN, 10, 0.95, &ci), -1);
	cr_assert_eq(interval_from_se(1, 0.5, 0, 0.95, &ci), -1);
}
