/*
 * Tests of the scaling laws (src/models/models.c): the numbers of the talk's
 * table, Gustafson, the machine ceiling with min(N, cores), and Karp-Flatt
 * recovering the serial fraction from an exact Amdahl speedup.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "../src/models/models.h"

Test(models, amdahl_at_p_0_8)
{
	cr_assert_float_eq(models_amdahl(0.8, 1), 1.0, 1e-12);
	cr_assert_float_eq(models_amdahl(0.8, 2), 1.0 / 0.6, 1e-12);
	cr_assert_float_eq(models_amdahl(0.8, 2), 1.6667, 5e-5);
	cr_assert_float_eq(models_amdahl(0.8, 320), 4.9383, 5e-5);
	/* Not the slides' 1/(1-P) + P/N = 5.0025. */
	cr_assert(fabs(models_amdahl(0.8, 320) - 5.0025) > 0.05);
}

Test(models, amdahl_limits)
{
	cr_assert_float_eq(models_amdahl(1.0, 64), 64.0, 1e-9);
	cr_assert_float_eq(models_amdahl(0.0, 64), 1.0, 1e-12);
	/* The bound 1/(1-P) is approached, never passed. */
	cr_assert(models_amdahl(0.9, 1e9) < 10.0);
	cr_assert(models_amdahl(0.9, 1e9) > 9.99);
	for (int n = 1; n < 512; n++)
		cr_assert(models_amdahl(0.9, n + 1) > models_amdahl(0.9, n), "not increasing at N=%d", n);
}

Test(models, gustafson)
{
	cr_assert_float_eq(models_gustafson(0.8, 1), 1.0, 1e-12);
	cr_assert_float_eq(models_gustafson(0.8, 2), 1.8, 1e-12);
	cr_assert_float_eq(models_gustafson(0.8, 320), 320 - 0.2 * 319, 1e-9);
	cr_assert_float_eq(models_gustafson(1.0, 320), 320.0, 1e-9);
	cr_assert_float_eq(models_gustafson(0.0, 320), 1.0, 1e-12);
}

Test(models, ceiling_uses_min_of_n_and_cores)
{
	cr_assert_float_eq(models_ceiling(0.8, 320, 2), models_amdahl(0.8, 2), 1e-12);
	cr_assert_float_eq(models_ceiling(0.8, 1, 2), 1.0, 1e-12);
	cr_assert_float_eq(models_ceiling(0.8, 2, 64), models_amdahl(0.8, 2), 1e-12);
	/* A cgroup quota of 1.5 CPUs is a fractional core count. */
	cr_assert_float_eq(models_ceiling(1.0, 8, 1.5), 1.5, 1e-12);
	for (int n = 2; n <= 320; n *= 2)
		cr_assert(models_ceiling(0.9, n, 2) <= models_amdahl(0.9, n) + 1e-12);
}

Test(models, weak_ceiling_is_gustafson_with_enough_cores)
{
	for (int n = 1; n <= 64; n *= 2)
		cr_assert_float_eq(models_ceiling_weak(0.8, n, 64), models_gustafson(0.8, n), 1e-9, "N=%d", n);
	/* With one core, N workers take N times the parallel part in turn: no speedup. */
	cr_assert_float_eq(models_ceiling_weak(0.8, 16, 1), 1.0, 1e-12);
}

Test(models, karp_flatt_recovers_the_serial_fraction)
{
	static const double ps[] = { 0.5, 0.8, 0.9, 0.99 };

	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
		for (int n = 2; n <= 320; n = n < 256 ? n * 2 : n + 64)
			cr_assert_float_eq(models_karp_flatt(models_amdahl(ps[i], n), n), 1.0 - ps[i], 1e-9,
					   "P=%g N=%d", ps[i], n);
	/* A perfectly linear speedup means no serial fraction. */
	cr_assert_float_eq(models_karp_flatt(8, 8), 0.0, 1e-12);
}

Test(models, karp_flatt_undefined_cases)
{
	cr_assert(isnan(models_karp_flatt(1.0, 1)));
	cr_assert(isnan(models_karp_flatt(0.0, 4)));
	cr_assert(isnan(models_karp_flatt(NAN, 4)));
}
