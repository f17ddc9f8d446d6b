/*
 * Tests of the jackknife over rounds (src/models/jackknife.c): the
 * degrees of freedom, the dealing of many rounds into 30 groups, a fit that
 * fails without a round, and that fitting the cells' means gives the same
 * standard errors as fitting every row (the cost of a large file).
 */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "../src/models/fit.h"
#include "../src/models/jackknife.h"

static int p_of(const struct fit_obs *obs, size_t n, double *theta, void *ctx)
{
	double r2;

	(void)ctx;
	return fit_amdahl(obs, n, theta, &r2) == FIT_OK ? 0 : -1;
}

static int usl_of(const struct fit_obs *obs, size_t n, double *theta, void *ctx)
{
	struct usl_fit u;

	(void)ctx;
	if (usl_fit(obs, n, USL_NLS, &u) < 0)
		return -1;
	theta[0] = u.sigma;
	theta[1] = u.kappa;
	return 0;
}

static size_t rounds_of(struct fit_obs *o, int rounds, gsl_rng *rng)
{
	static const int ns[] = { 1, 2, 4, 8, 16 };
	size_t k = 0;

	for (int r = 0; r < rounds; r++) {
		double t1 = 1 + gsl_ran_gaussian(rng, 0.01);
		for (int i = 0; i < 5; i++) {
			double s = ns[i] / (1 + 0.05 * (ns[i] - 1) + 0.002 * ns[i] * (ns[i] - 1.0));
			double w = i == 0 ? t1 : (1 + gsl_ran_gaussian(rng, 0.01)) / s;
			o[k++] = (struct fit_obs){ .n = ns[i], .cores = 16, .wall_s = w, .speedup = t1 / w, .round = r,
						   .weight = 1 };
		}
	}
	return k;
}

Test(jackknife, cells_give_the_rows_answer_and_rounds_deal_into_30_groups)
{
	static struct fit_obs o[5 * 200];
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double se_rows[2], se_cells[2], df_rows, df_cells;
	size_t n;

	gsl_rng_set(rng, 5);
	n = rounds_of(o, 200, rng);
	cr_assert_eq(jackknife_count_rounds(o, n), 200);
	cr_assert_eq(jackknife_rounds(o, n, p_of, NULL, 1, 0, se_rows, &df_rows), 0);
	cr_assert_eq(jackknife_rounds(o, n, p_of, NULL, 1, 1, se_cells, &df_cells), 0);
	cr_assert_eq(df_rows, JACKKNIFE_GROUPS - 1);
	cr_assert_eq(df_cells, df_rows);
	cr_assert(se_rows[0] > 0);
	cr_assert_float_eq(se_cells[0], se_rows[0], 1e-9 * se_rows[0], "%.12g vs %.12g", se_cells[0], se_rows[0]);
	cr_assert_eq(jackknife_rounds(o, n, usl_of, NULL, 2, 0, se_rows, &df_rows), 0);
	cr_assert_eq(jackknife_rounds(o, n, usl_of, NULL, 2, 1, se_cells, &df_cells), 0);
	for (int j = 0; j < 2; j++)
		cr_assert_float_eq(se_cells[j], se_rows[j], 1e-6 * se_rows[j], "%d: %.12g vs %.12g", j, se_cells[j],
				   se_rows[j]);
	gsl_rng_free(rng);
}

Test(jackknife, few_rounds_and_failed_fits)
{
	static struct fit_obs o[5 * 3];
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double se, df;
	size_t n;

	gsl_rng_set(rng, 7);
	n = rounds_of(o, 3, rng);
	cr_assert_eq(jackknife_rounds(o, n, p_of, NULL, 1, 1, &se, &df), 0);
	cr_assert_eq(df, 2);
	/* One round: nothing to leave out. */
	cr_assert_eq(jackknife_rounds(o, 5, p_of, NULL, 1, 1, &se, &df), -1);
	cr_assert(isnan(se) && isnan(df));
	/* N > 1 only in round 0: without it, P cannot be fitted. */
	for (size_t i = 5; i < n; i++)
		o[i].n = 1;
	cr_assert_eq(jackknife_rounds(o, n, p_of, NULL, 1, 1, &se, &df), -1);
	gsl_rng_free(rng);
}
