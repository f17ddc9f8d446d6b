/*
 * Tests of the stopping rule and the allocation of `run --precision`
 * (src/engine/precision.c), in process: the minimum of repetitions, the
 * half-width of an interval, how each unit is judged (reached, max reps,
 * noise, failed, no estimate), and which points a round visits under a time
 * budget — the widest interval per second first, a shared base paid once,
 * the units below the minimum first and the cheapest of them first.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "../src/engine/precision.h"

Test(precision, the_minimum_is_where_a_median_first_has_an_interval)
{
	cr_assert_eq(precision_interval_reps(0.95), 6, "[min, max] of 5 covers 93.75%%, of 6 96.9%%");
	cr_assert_eq(precision_interval_reps(0.90), 5);
	cr_assert_eq(precision_interval_reps(0.99), 8);
	cr_assert_eq(precision_min_reps(0.95), PRECISION_MIN_ROUNDS);
	cr_assert_eq(precision_min_reps(0.9999), 15, "the interval's own minimum when it is higher");
}

Test(precision, half_width_is_the_wider_side_over_the_estimate)
{
	struct interval ci = { 2.0, 1.9, 2.2, 0.95 };
	double v[8] = { 1.0, 1.01, 0.99, 1.02, 0.98, 1.0, 1.03, 0.97 };

	cr_assert_float_eq(precision_half(&ci), 0.1, 1e-12);
	ci.lo = NAN;
	cr_assert(isnan(precision_half(&ci)));
	cr_assert(isnan(precision_speedup(v, 5, 0.95, &ci)), "5 values have no 95%% interval");
	cr_assert_float_eq(precision_speedup(v, 8, 0.95, &ci), precision_half(&ci), 1e-15);
	cr_assert(ci.lo < 1 && ci.hi > 1 && precision_half(&ci) < 0.03);
}

/*
 * Two groups: point 0 is the base of 1, 2 and 3; point 4 the base of 5.
 * One speedup unit each for 1, 2, 3 and 5.
 */
struct fixture {
	struct precision_point pts[6];
	size_t members[6];
	struct precision_unit units[4];
	unsigned char want[6];
	struct precision_cfg cfg;
};

static void fixture(struct fixture *f, double cost)
{
	static const size_t unit_points[4] = { 1, 2, 3, 5 };

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < 6; i++) {
		f->pts[i] = (struct precision_point){ .base = i < 4 ? 0 : 4, .cost_s = cost };
		f->members[i] = i;
	}
	for (size_t u = 0; u < 4; u++)
		f->units[u] = (struct precision_unit){ .points = &f->members[unit_points[u]], .npoints = 1,
						       .target = 0.02, .reps = 3, .half = NAN, .need = NAN };
	f->cfg = (struct precision_cfg){ .target = 0.02, .level = 0.95, .min_reps = 8, .max_reps = 50 };
}

/* Every unit with reps repetitions and an interval of half-width half. */
static void all_units(struct fixture *f, size_t reps, double half)
{
	for (size_t u = 0; u < 4; u++) {
		f->units[u].reps = reps;
		f->units[u].half = half;
	}
}

static size_t plan(struct fixture *f, int rounds_left, double time_left)
{
	return precision_plan(&f->cfg, f->units, 4, f->pts, 6, rounds_left, time_left, f->want);
}

Test(precision, below_the_minimum_every_point_is_visited)
{
	struct fixture f;

	fixture(&f, 0.1);
	cr_assert_eq(plan(&f, 10, INFINITY), 4);
	cr_assert(f.want[1] && f.want[2] && f.want[3] && f.want[5]);
	cr_assert(!f.want[0] && !f.want[4], "bases are the engine's to add");
	for (size_t u = 0; u < 4; u++)
		cr_assert_eq(f.units[u].status, PRECISION_OPEN);
}

Test(precision, each_unit_is_judged_once_it_has_the_minimum)
{
	struct fixture f;

	fixture(&f, 0.1);
	all_units(&f, 8, 0.03);
	f.units[0].half = 0.019;	/* within 2% */
	/* unit 1 at 0.03 needs 8 * 1.5^2 = 18 */
	f.units[2].half = 0.2;		/* needs 8 * 10^2 = 800 > 2 * 50 */
	f.units[3].reps = 50;		/* at --max-reps */
	cr_assert_eq(plan(&f, 10, INFINITY), 1);
	cr_assert(f.want[2] && !f.want[1] && !f.want[3] && !f.want[5]);
	cr_assert_eq(f.units[0].status, PRECISION_REACHED);
	cr_assert_eq(f.units[1].status, PRECISION_OPEN);
	cr_assert_float_eq(f.units[1].need, 18, 1e-9);
	cr_assert_eq(f.units[2].status, PRECISION_NOISE);
	cr_assert_eq(f.units[3].status, PRECISION_MAX_REPS);
	/* a closed unit stays closed, whatever its interval does next */
	f.units[0].half = 0.5;
	plan(&f, 10, INFINITY);
	cr_assert_eq(f.units[0].status, PRECISION_REACHED);
}

Test(precision, failed_points_missing_intervals_and_untargeted_units_close)
{
	struct fixture f;

	fixture(&f, 0.1);
	f.pts[5].failed = 1;
	f.units[0].reps = 8;	/* enough, and still no interval: P that cannot be fitted */
	f.units[1].target = INFINITY;	/* only the minimum is asked of it */
	f.units[1].reps = 8;
	f.units[1].half = 0.3;
	cr_assert_eq(plan(&f, 10, INFINITY), 1);
	cr_assert_eq(f.units[3].status, PRECISION_FAILED);
	cr_assert_eq(f.units[0].status, PRECISION_NO_ESTIMATE);
	cr_assert_eq(f.units[1].status, PRECISION_REACHED);
	cr_assert(f.want[3] && !f.want[2] && !f.want[5]);
}

Test(precision, the_budget_goes_to_the_widest_interval_per_second)
{
	struct fixture f;

	fixture(&f, 0.1);
	all_units(&f, 10, 0.03);
	f.units[0].half = 0.06;		/* point 1: 3x the target, 0.2 s with its base */
	f.pts[5].cost_s = 0.01;		/* point 5: 1.5x in 0.02 s with its base: first */
	f.pts[4].cost_s = 0.01;
	/* room for group 2 (0.02 s) and point 1 with its base (0.2 s), not for point 2 or 3 too */
	cr_assert_eq(plan(&f, 10, 0.25), 2);
	cr_assert(f.want[1] && f.want[5] && !f.want[2] && !f.want[3]);
	for (size_t u = 0; u < 4; u++)
		cr_assert_eq(f.units[u].status, PRECISION_OPEN, "left out is not given up");
}

Test(precision, a_shared_base_is_paid_once)
{
	struct fixture f;

	fixture(&f, 1.0);
	all_units(&f, 10, 0.03);
	f.pts[5].cost_s = 5;
	/* points 1, 2 and 3 with their base are 4 s, not 6 */
	cr_assert_eq(plan(&f, 10, 4.0), 3);
	cr_assert(f.want[1] && f.want[2] && f.want[3] && !f.want[5]);
}

Test(precision, under_the_minimum_the_cheapest_go_first)
{
	struct fixture f;

	fixture(&f, 1.0);
	f.pts[4].cost_s = 0.1;
	f.pts[5].cost_s = 0.1;
	cr_assert_eq(plan(&f, 10, 1.0), 1, "only group 2's 5 rounds to the minimum fit");
	cr_assert(f.want[5]);
}

Test(precision, a_budget_short_of_the_minimum_gives_some_points_an_interval)
{
	struct fixture f;

	/* 5 more rounds to the minimum: point 1 with its base 2 s a round, point 5 with its 1 s */
	fixture(&f, 1.0);
	f.pts[4].cost_s = f.pts[5].cost_s = 0.5;
	all_units(&f, 3, NAN);
	cr_assert_eq(plan(&f, 10, 12.0), 1, "point 5's 5 s fit, not point 1's 10 s too");
	cr_assert(f.want[5] && !f.want[1]);
	/* the points nearest to the minimum first */
	f.units[0].reps = 7;
	cr_assert_eq(plan(&f, 10, 10.0), 2, "point 1 needs 1 round of 2 s, point 5 5 of 1 s, point 2 5 of 1 s");
	cr_assert(f.want[1] && f.want[5] && !f.want[2] && !f.want[3]);
}

Test(precision, stopping_closes_every_open_unit_with_its_reason)
{
	struct fixture f;

	fixture(&f, 1.0);
	all_units(&f, 10, 0.03);
	cr_assert_eq(plan(&f, 10, 0.5), 0, "nothing fits in the time left");
	for (size_t u = 0; u < 4; u++)
		cr_assert_eq(f.units[u].status, PRECISION_BUDGET);
	fixture(&f, 1.0);
	all_units(&f, 20, 0.03);
	f.units[0].reps = 50;
	f.cfg.max_reps = 50;
	f.units[0].status = PRECISION_OPEN;
	cr_assert_eq(plan(&f, 0, INFINITY), 0, "no rounds left");
	cr_assert_eq(f.units[0].status, PRECISION_MAX_REPS);
	cr_assert_eq(f.units[1].status, PRECISION_BUDGET, "left out of rounds by the budget");
	cr_assert_str_eq(precision_status_name(PRECISION_NOISE), "noise");
}
