/*
 * Tests of the statistics over repetitions (src/models/stats.c) on data whose
 * median, quantiles, mean and standard deviation are known by hand.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "../src/models/stats.h"

Test(stats, median_of_odd_and_even_counts)
{
	static const double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 }, one[] = { 7.5 };

	cr_assert_float_eq(stats_median(odd, 3), 2.0, 1e-12);
	cr_assert_float_eq(stats_median(even, 4), 2.5, 1e-12);
	cr_assert_float_eq(stats_median(one, 1), 7.5, 1e-12);
}

Test(stats, median_leaves_the_input_alone)
{
	double v[] = { 5, 3, 9, 1, 7 };
	static const double orig[] = { 5, 3, 9, 1, 7 };

	cr_assert_float_eq(stats_median(v, 5), 5.0, 1e-12);
	cr_assert(memcmp(v, orig, sizeof(v)) == 0, "stats_median sorted its input in place");
}

Test(stats, quantiles_interpolate_linearly)
{
	static const double v[] = { 4, 3, 2, 1 };

	/* GSL's rule: position q*(n-1) in the sorted data. */
	cr_assert_float_eq(stats_quantile(v, 4, 0.0), 1.0, 1e-12);
	cr_assert_float_eq(stats_quantile(v, 4, 0.25), 1.75, 1e-12);
	cr_assert_float_eq(stats_quantile(v, 4, 0.9), 3.7, 1e-12);
	cr_assert_float_eq(stats_quantile(v, 4, 1.0), 4.0, 1e-12);
}

Test(stats, empty_input_is_nan)
{
	struct stats_summary s;

	cr_assert(isnan(stats_median(NULL, 0)));
	cr_assert(isnan(stats_quantile(NULL, 0, 0.5)));
	stats_summarize(NULL, 0, &s);
	cr_assert_eq(s.n, 0);
	cr_assert(isnan(s.mean) && isnan(s.median) && isnan(s.sd) && isnan(s.cv));
}

Test(stats, summary_of_a_known_sample)
{
	/* Mean 5, sum of squared deviations 32: sample sd sqrt(32/7). */
	static const double v[] = { 9, 2, 5, 4, 7, 4, 5, 4 };
	struct stats_summary s;

	stats_summarize(v, 8, &s);
	cr_assert_eq(s.n, 8);
	cr_assert_float_eq(s.min, 2.0, 1e-12);
	cr_assert_float_eq(s.max, 9.0, 1e-12);
	cr_assert_float_eq(s.mean, 5.0, 1e-12);
	cr_assert_float_eq(s.sd, sqrt(32.0 / 7.0), 1e-12);
	cr_assert_float_eq(s.median, 4.5, 1e-12);
	cr_assert_float_eq(s.q1, 4.0, 1e-12);
	cr_assert_float_eq(s.q3, 5.5, 1e-12);
	cr_assert_float_eq(s.cv, sqrt(32.0 / 7.0) / 5.0, 1e-12);
}

Test(stats, one_value_has_no_spread)
{
	static const double v[] = { 0.25 };
	struct stats_summary s;

	stats_summarize(v, 1, &s);
	cr_assert_float_eq(s.sd, 0.0, 1e-15);
	cr_assert_float_eq(s.cv, 0.0, 1e-15);
	cr_assert_float_eq(s.median, 0.25, 1e-15);
}

/*
 * Issue 13: `run` warned "wide spread" at CV 1.5% with --cv-warn at 10%,
 * because one value of a tight cluster, 4% out, was an outlier by the
 * modified z-score (27 MADs). One threshold now decides both.
 */
Test(stats, noise_warnings_agree_with_their_threshold)
{
	double tight[] = { 1.000, 1.001, 0.999, 1.000, 1.002, 0.998, 1.04 };
	double far[] = { 1.000, 1.001, 0.999, 1.000, 1.002, 0.998, 1.25 };
	double wide[] = { 1.0, 1.2, 0.8, 1.1, 0.9, 1.15, 0.85 };
	struct stats_noise nz;

	cr_assert_eq(stats_noise(tight, 7, 0.10, &nz), 0, "cv %g, %zu outliers", nz.cv, nz.outliers);
	cr_assert(nz.cv > 0.01 && nz.cv < 0.02, "cv %g", nz.cv);
	/* The same value is an outlier for a 2% threshold. */
	cr_assert_eq(stats_noise(tight, 7, 0.02, &nz), 1);
	cr_assert_eq(nz.outliers, 1);
	cr_assert_float_eq(nz.worst, 0.04, 1e-9);
	cr_assert_not(nz.wide);
	/* 25% out is one whatever the threshold up to it. */
	cr_assert_eq(stats_noise(far, 7, 0.10, &nz), 1);
	cr_assert_eq(nz.outliers, 1);
	cr_assert_not(nz.wide, "cv %g", nz.cv);
	cr_assert_eq(stats_noise(wide, 7, 0.10, &nz), 1);
	cr_assert(nz.wide && nz.cv > 0.1, "cv %g", nz.cv);
	cr_assert_eq(stats_noise(wide, 2, 0.10, &nz), 0);
}
