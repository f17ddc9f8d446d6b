/*
 * Golden files of the CSV contracts (tests/golden/, made by the binary before
 * the engine was rewritten): the exact header of `amdahl run` and of `amdahl
 * b5`, and, for fixed runs, every column that does not depend on the clock,
 * row by row — so the order of points (rounds with a seed, points), the
 * planned repetitions and the law's columns cannot change unnoticed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void expect_golden(const char *golden, const char *pipeline)
{
	char path[4200], script[4400];
	struct cli_result r;
	char *want;

	snprintf(path, sizeof(path), "%s/tests/golden/%s", cli_root(), golden);
	want = cli_slurp(path);
	cr_assert_not_null(want, "no %s", path);
	snprintf(script, sizeof(script), "\"$AMDAHL\" %s", pipeline);
	cr_assert_eq(cli_sh(&r, 120, script), 0);
	cr_assert_eq(r.status, 0, "%s: %s", golden, r.err);
	cr_assert_str_eq(r.out, want, "%s differs:\n%s", golden, r.out);
	cli_free(&r);
	free(want);
}

Test(golden, run_header_is_the_contract, .timeout = 60)
{
	expect_golden("run-header.csv", "run -P 0.5 -N 1 --reps 1 --warmup 0 --work 0.01 -q | head -1");
}

Test(golden, b5_header_is_the_contract, .timeout = 60)
{
	expect_golden("b5-header.csv", "b5 -m 1 --orders 2 --pick-ms 0 --deliver-ms 0 --reps 1 -q | head -1");
}

Test(golden, run_rounds_rows_in_their_order, .timeout = 60)
{
	expect_golden("run-rounds.csv", "run -b thread,process -P 0.5,0.9 -N 1,3,2 --reps 2 --warmup 0 --work 0.002 "
		      "-q --seed 7 | cut -d, -f1-5,8,14,16,17");
}

Test(golden, run_points_rows_in_their_order, .timeout = 60)
{
	expect_golden("run-points.csv", "run -b thread,process -P 0.5,0.9 -N 1,3,2 --reps 2 --warmup 0 --work 0.002 "
		      "-q --order points | cut -d, -f1-5,8,14,16,17");
}

Test(golden, b5_rows_in_their_order, .timeout = 60)
{
	expect_golden("b5-rows.csv", "b5 -b thread,green -m 1,2 --pickers 1,2 --orders 3 --pick-ms 0 --deliver-ms 1 "
		      "--wait cond,poll --reps 2 -q | cut -d, -f1-8,12-19,21");
}
