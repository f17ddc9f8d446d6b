/*
 * Tests of the shared helpers (src/base/util.c): checked number parsing
 * (never a silent 0 from junk), durations with suffixes, comma splitting.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../src/base/util.h"

Test(util, parse_seconds_suffixes)
{
	double v;

	cr_assert_eq(parse_seconds("300ms", &v), 0);
	cr_assert_float_eq(v, 0.3, 1e-12);
	cr_assert_eq(parse_seconds("2s", &v), 0);
	cr_assert_float_eq(v, 2.0, 1e-12);
	cr_assert_eq(parse_seconds("0.3", &v), 0);
	cr_assert_float_eq(v, 0.3, 1e-12);
	cr_assert_eq(parse_seconds("1m", &v), 0);
	cr_assert_float_eq(v, 60.0, 1e-12);
	cr_assert_eq(parse_seconds("250us", &v), 0);
	cr_assert_float_eq(v, 250e-6, 1e-15);
	cr_assert_eq(parse_seconds("1.5s", &v), 0);
	cr_assert_float_eq(v, 1.5, 1e-12);
}

Test(util, parse_seconds_rejects)
{
	static const char *const bad[] = { "", "s", "ms", "0", "0s", "-1", "-1s", "abc", "1x", "nan",
					   "inf", "5 ms", "1e999", "2h" };
	double v = 42;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		cr_assert_eq(parse_seconds(bad[i], &v), -1, "'%s' accepted as %g s", bad[i], v);
	cr_assert_eq(parse_seconds(NULL, &v), -1);
}

Test(util, parse_double_accepts_plain_numbers)
{
	double v;

	cr_assert_eq(parse_double("0.9", &v), 0);
	cr_assert_float_eq(v, 0.9, 1e-15);
	cr_assert_eq(parse_double("-2.5e3", &v), 0);
	cr_assert_float_eq(v, -2500.0, 1e-9);
	cr_assert_eq(parse_double("1", &v), 0);
	cr_assert_float_eq(v, 1.0, 1e-15);
}

Test(util, parse_double_rejects_junk)
{
	static const char *const bad[] = { "", "nan", "NaN", "inf", "-inf", "1x", "x1", "1,5", "0.5 ",
					   "1e400", "--1", "0x10", " 2", "+2", "infinity", "0x1p3" };
	double v = 42;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		cr_assert_eq(parse_double(bad[i], &v), -1, "'%s' accepted as %g", bad[i], v);
		cr_assert_float_eq(v, 42.0, 1e-15, "'%s' changed the output on failure", bad[i]);
	}
	cr_assert_eq(parse_double(NULL, &v), -1);
}

Test(util, parse_double_minus_zero_is_zero)
{
	double v = 42;

	cr_assert_eq(parse_double("-0", &v), 0);
	cr_assert(v == 0 && !signbit(v), "-0 must read as 0, not -0");
	cr_assert_eq(parse_double("-0.0e5", &v), 0);
	cr_assert(!signbit(v));
}

Test(util, parse_u64_range_and_junk)
{
	static const char *const bad[] = { "", "-1", "+1", " 1", "1.5", "1x", "0x10",
					   "18446744073709551616" };
	uint64_t v;

	cr_assert_eq(parse_u64("0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(parse_u64("18446744073709551615", &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		cr_assert_eq(parse_u64(bad[i], &v), -1, "'%s' accepted", bad[i]);
}

Test(util, split_commas_keeps_empty_words)
{
	int n;
	char **w = split_commas("a,,bc,", &n);

	cr_assert_eq(n, 4);
	cr_assert_str_eq(w[0], "a");
	cr_assert_str_eq(w[1], "");
	cr_assert_str_eq(w[2], "bc");
	cr_assert_str_eq(w[3], "");
	cr_assert_null(w[4]);
	free_words(w);
	w = split_commas("", &n);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(w[0], "");
	free_words(w);
}
