/*
 * Tests of the aggregation (src/results/aggregate.c): rows become series per
 * file and key, each N a cell with the derived numbers; the speedup of a
 * cell is the median of the rows' own speedups (not the ratio of median
 * times); speedups a file left empty come from the N = 1 median; plugin
 * columns combine as their declarations say; a workload that waits has no
 * CPU ceiling and its fits see N, not min(N, cores).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "../src/api/column.h"
#include "../src/models/fit.h"
#include "../src/models/models.h"
#include "../src/results/aggregate.h"
#include "../src/results/rows.h"

static struct run_row row(const char *workload, double p, int n, int rep, double wall, double speedup)
{
	struct run_row r;

	run_row_init(&r);
	r.backend = "thread";
	r.workload = workload;
	r.p = p;
	r.n = n;
	r.rep = rep;
	r.wall_s = wall;
	r.speedup = speedup;
	r.cores = 4;
	return r;
}

Test(aggregate, speedups_filled_karp_flatt_per_n_and_p_fitted)
{
	struct run_rows t;
	struct aggregate a;
	struct fit_summary f;

	run_rows_init(&t);
	for (int i = 0; i < 8; i++) {
		int n = 1 << (i % 4);
		struct run_row r = row("spin", 0.9, n, i / 4, 0.1 + 0.9 / n, NAN);	/* filled from N=1 */
		r.cores = 64;
		run_rows_add(&t, &r);
	}
	aggregate_rows(&t, &a);
	cr_assert_eq(a.nseries, 1);
	cr_assert_eq(a.series[0].ncells, 4);
	cr_assert_eq(agg_series_min_reps(&a.series[0]), 2);
	cr_assert_eq(a.series[0].cells[0].karp_flatt.n, 0, "no Karp-Flatt at N=1");
	for (size_t i = 1; i < 4; i++) {
		const struct agg_cell *c = &a.series[0].cells[i];
		cr_assert_float_eq(c->speedup.median, models_amdahl(0.9, c->n), 1e-9);
		cr_assert_float_eq(c->karp_flatt.median, 0.1, 1e-9, "e(%d) = %g", c->n, c->karp_flatt.median);
		cr_assert_float_eq(c->efficiency.median, c->speedup.median / c->n, 1e-12);
		cr_assert_float_eq(c->model, models_amdahl(0.9, c->n), 1e-12);
		cr_assert_float_eq(c->ceiling, models_ceiling(0.9, c->n, 64), 1e-12);
		cr_assert_float_eq(c->of_ceiling, 1.0, 1e-9);
	}
	fit_summarize(&a.series[0].fit, 0.95, 0, USL_NLS, &f);
	cr_assert_float_eq(f.p_fit, 0.9, 1e-9);
	fit_summary_free(&f);
	aggregate_free(&a);
	run_rows_free(&t);
}

/* Rounds where the machine drifted: each row's paired ratio is 2, the ratio of median times is not. */
Test(aggregate, a_cell_speedup_is_the_median_of_the_rows_speedups)
{
	static const double t1[] = { 1.0, 2.0, 4.0 };
	struct run_rows t;
	struct aggregate a;
	const struct agg_cell *c;

	run_rows_init(&t);
	for (int rep = 0; rep < 3; rep++) {
		struct run_row a1 = row("spin", 0.9, 1, rep, t1[rep], 1.0);
		/* N=2 measured in the next, slower round: the median times give 2/4 = 0.5... */
		struct run_row a2 = row("spin", 0.9, 2, rep, t1[(rep + 1) % 3] / 2, 2.0);
		run_rows_add(&t, &a1);
		run_rows_add(&t, &a2);
	}
	aggregate_rows(&t, &a);
	c = agg_series_cell(&a.series[0], 2);
	cr_assert_not_null(c);
	cr_assert_float_eq(c->speedup.median, 2.0, 1e-12);
	cr_assert_float_eq(c->speedup.min, 2.0, 1e-12);
	cr_assert_float_eq(a.series[0].cells[0].wall.median / c->wall.median, 2.0, 1e-12);
	aggregate_free(&a);
	run_rows_free(&t);
}

Test(aggregate, series_are_per_file_and_key_in_order_of_appearance)
{
	struct run_rows t;
	struct aggregate a;
	struct run_row r;

	run_rows_init(&t);
	r = row("spin", 0.9, 1, 0, 1, 1);
	run_rows_add(&t, &r);
	r = row("spin", 0.5, 1, 0, 1, 1);
	run_rows_add(&t, &r);
	r = row("spin", 0.9, 2, 0, 0.6, NAN);
	run_rows_add(&t, &r);
	r = row("spin", 0.9, 1, 0, 1, 1);
	r.file = 1;
	run_rows_add(&t, &r);
	r = row("exec", NAN, 1, 0, 1, 1);
	r.label = "make";
	run_rows_add(&t, &r);
	aggregate_rows(&t, &a);
	cr_assert_eq(a.nseries, 4);
	cr_assert_eq(a.series[0].p, 0.9);
	cr_assert_eq(a.series[0].ncells, 2);
	cr_assert_eq(a.series[1].p, 0.5);
	cr_assert_eq(a.series[2].file, 1);
	cr_assert_str_eq(a.series[3].label, "make");
	cr_assert(isnan(a.series[3].cells[0].model), "a --cmd series has no model until it gets a P");
	agg_series_use_p(&a.series[3], 0.5);
	cr_assert_float_eq(a.series[3].cells[0].model, 1.0, 1e-12);
	cr_assert_eq(aggregate_match(&a, &a.series[2]), &a.series[0], "the same key in another file");
	aggregate_free(&a);
	run_rows_free(&t);
}

Test(aggregate, plugin_columns_combine_as_declared)
{
	double col[3][COLUMNS_MAX];
	struct run_rows t;
	struct aggregate a;
	const struct agg_cell *c;

	run_rows_init(&t);
	for (int rep = 0; rep < 3; rep++) {
		struct run_row r = row("lock", 0.9, 2, rep, 1, 1);
		for (size_t i = 0; i < COLUMNS_MAX; i++)
			col[rep][i] = NAN;
		col[rep][column_id("lost")] = rep + 1;			/* sum: 6 */
		col[rep][column_id("rss_kb")] = 100 * (rep == 1) + 10;	/* max: 110 */
		col[rep][column_id("gbps")] = rep == 2 ? 9 : 1;		/* median: 1 */
		r.col = col[rep];
		run_rows_add(&t, &r);
	}
	aggregate_rows(&t, &a);
	c = &a.series[0].cells[0];
	cr_assert_float_eq(c->col[column_id("lost")], 6, 1e-12);
	cr_assert_float_eq(c->col[column_id("rss_kb")], 110, 1e-12);
	cr_assert_float_eq(c->col[column_id("gbps")], 1, 1e-12);
	cr_assert(isnan(c->col[column_id("launch_s")]));
	aggregate_free(&a);
	run_rows_free(&t);
}

/* sleep waits: 8 workers on 4 cores can give 8, and nothing caps it at the cores. */
Test(aggregate, a_workload_that_waits_has_no_cpu_ceiling)
{
	struct run_rows t;
	struct aggregate a;
	struct fit_summary f;

	run_rows_init(&t);
	for (int rep = 0; rep < 3; rep++)
		for (int n = 1; n <= 8; n *= 2) {
			struct run_row r = row("sleep", 1.0, n, rep, 1.0 / n * (1 + 0.001 * rep), NAN);
			run_rows_add(&t, &r);
		}
	aggregate_rows(&t, &a);
	cr_assert_eq(a.series[0].bound, WORKLOAD_BOUND_WAIT);
	for (size_t i = 0; i < a.series[0].ncells; i++) {
		cr_assert(isnan(a.series[0].cells[i].ceiling), "a ceiling at N=%d", a.series[0].cells[i].n);
		cr_assert(isnan(a.series[0].cells[i].of_ceiling));
	}
	cr_assert(isinf(a.series[0].fit.obs[0].cores), "the fit sees N, not min(N, cores)");
	fit_summarize(&a.series[0].fit, 0.95, 0, USL_NLS, &f);
	cr_assert(f.p_fit > 0.99, "P %g: sleep at 8 workers on 4 cores is not bounded by them", f.p_fit);
	fit_summary_free(&f);
	aggregate_free(&a);
	run_rows_free(&t);
}
