/*
 * The coverage study: every interval amdahl prints is built, on synthetic
 * data with a known truth, for many seeds at 3, 5 and 10 repetitions, and
 * the fraction of intervals holding the truth is checked against the level
 * the interval claims (docs/models-and-ci.md has the table).
 *
 * The noise is Gaussian and multiplicative, 1% of each time (the issue's
 * set-up), and each round also shares a drift of its own (1%), as rounds on
 * a real machine do. Speedups are paired with their round's N = 1 time, as
 * `--order rounds` writes them.
 *
 * The margin: with M seeds the observed coverage of an interval whose true
 * coverage is c has a binomial standard error sqrt(c(1-c)/M): 0.34 points
 * at c = 95%, M = 4000. A case passes when it is within 1.2 points of the
 * level it claims (3.5 standard errors): a correct 95% interval fails with
 * probability 0.05%, one whose true coverage is 93% (or 97%) passes with
 * 1%. The USL's nonlinear fits are dearer: M = 2000 (SE 0.49; the same band
 * is 2.5 SE, a 93% method passes with 8%). Amdahl's P at 0.5 and 0.99 runs
 * in the study only. AMDAHL_COVERAGE_SEEDS=N runs N seeds of every case and
 * prints the table instead of judging (that is how the docs' table is made).
 */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/models/fit.h"
#include "../src/models/interval.h"
#include "../src/models/jackknife.h"
#include "../src/models/models.h"

#define NOISE 0.01
#define DRIFT 0.01
#define BAND 0.012
#define USL_SEEDS 2000

/*
 * One case: builds its interval from a seed's data and says whether it holds
 * the truth: -1 (no interval), 0 or 1; *level gets the level it claims. A
 * case of two parameters (the USL's sigma and kappa, from one fit) answers
 * for the second in *second (-1, 0 or 1).
 */
struct cov_case {
	const char *name[2];
	int reps;
	int seeds;		/* default number of seeds */
	int (*one)(gsl_rng *rng, int reps, double *level, int *second);
};

static double noise(gsl_rng *rng)
{
	return 1 + gsl_ran_gaussian(rng, NOISE);
}

/* ---- Amdahl's P: T(N) = (1-P) + P/N, N = 1..16 on 16 cores ---- */

static int amdahl_case(gsl_rng *rng, int reps, double *level, double truth)
{
	struct fit_obs o[16 * 10];
	double p, lo, hi, raw, r2;
	size_t k = 0;

	for (int r = 0; r < reps; r++) {
		double d = 1 + gsl_ran_gaussian(rng, DRIFT);
		for (int n = 1; n <= 16; n++)
			o[k++] = (struct fit_obs){ .n = n, .cores = 16, .round = r, .speedup = NAN,
						   .wall_s = d * ((1 - truth) + truth / n) * noise(rng) };
	}
	*level = 0.95;
	if (fit_p_interval(o, k, fit_amdahl, 0.95, &p, &lo, &hi, &raw, &r2) != FIT_OK || isnan(lo))
		return -1;
	return lo <= truth && truth <= hi;
}

static int amdahl_09(gsl_rng *rng, int reps, double *level, int *second)
{
	(void)second;
	return amdahl_case(rng, reps, level, 0.9);
}

static int amdahl_05(gsl_rng *rng, int reps, double *level, int *second)
{
	(void)second;
	return amdahl_case(rng, reps, level, 0.5);
}

static int amdahl_099(gsl_rng *rng, int reps, double *level, int *second)
{
	(void)second;
	return amdahl_case(rng, reps, level, 0.99);
}

/* ---- Gustafson's P: scaled speedup 1 + P(N-1), N = 1..16 on 16 cores, paired in rounds ---- */

static int gustafson_08(gsl_rng *rng, int reps, double *level, int *second)
{
	(void)second;
	struct fit_obs o[16 * 10];
	double p, lo, hi, raw, r2;
	size_t k = 0;

	for (int r = 0; r < reps; r++) {
		double t1 = noise(rng);
		for (int n = 1; n <= 16; n++) {
			double tn = n == 1 ? t1 : noise(rng);
			o[k++] = (struct fit_obs){ .n = n, .cores = 16, .round = r, .wall_s = tn,
						   .speedup = models_gustafson(0.8, n) * t1 / tn };
		}
	}
	*level = 0.95;
	if (fit_p_interval(o, k, fit_gustafson, 0.95, &p, &lo, &hi, &raw, &r2) != FIT_OK || isnan(lo))
		return -1;
	return lo <= 0.8 && 0.8 <= hi;
}

/* ---- the USL's sigma and kappa, from one fit: N = 1, 2, 3, 4, 6, 8, 12, 16, paired speedups ---- */

static int usl_case(gsl_rng *rng, int reps, double *level, int *second)
{
	static const double sigma = 0.05, kappa = 0.002;
	static const int ns[] = { 1, 2, 3, 4, 6, 8, 12, 16 };
	struct fit_obs o[8 * 10];
	struct fit_group g = { .backend = "t", .workload = "w", .p = 0.9 };
	struct fit_summary s;
	size_t k = 0;
	int rc = -1;

	for (int r = 0; r < reps; r++) {
		double t1 = noise(rng);
		for (int i = 0; i < 8; i++) {
			int n = ns[i];
			double tn = n == 1 ? t1 : noise(rng), sp = n / (1 + sigma * (n - 1) + kappa * n * (n - 1.0));
			o[k++] = (struct fit_obs){ .n = n, .cores = 64, .round = r, .wall_s = tn / sp,
						   .speedup = sp * t1 / tn };
		}
	}
	g.obs = o;
	g.nobs = k;
	fit_summarize(&g, 0.95, 0, USL_NLS, &s);
	*level = 0.95;
	*second = -1;
	if (isfinite(s.sigma_ci.lo))
		rc = s.sigma_ci.lo <= sigma && sigma <= s.sigma_ci.hi;
	if (isfinite(s.kappa_ci.lo))
		*second = s.kappa_ci.lo <= kappa && kappa <= s.kappa_ci.hi;
	fit_summary_free(&s);
	return rc;
}

/* ---- compare: a ratio of medians, independent files; and paired rounds ---- */

static int ratio_independent(gsl_rng *rng, int reps, double *level, int *second)
{
	(void)second;
	double x[10], y[10];
	struct interval ci;

	for (int i = 0; i < reps; i++) {
		x[i] = 0.1 * noise(rng);
		y[i] = 0.105 * noise(rng);
	}
	if (interval_ratio_of_medians(x, (size_t)reps, y, (size_t)reps, 0.95, &ci) < 0) {
		*level = ci.level;
		return -1;
	}
	*level = ci.level;
	return ci.lo <= 1.05 && 1.05 <= ci.hi;
}

static int ratio_paired(gsl_rng *rng, int reps, double *level, int *second)
{
	(void)second;
	double x[20], y[20];
	struct interval ci;

	for (int i = 0; i < reps; i++) {
		double d = 1 + gsl_ran_gaussian(rng, 0.05);	/* rounds drift far more than the noise */
		x[i] = 0.1 * d * noise(rng);
		y[i] = 0.105 * d * noise(rng);
	}
	if (interval_paired_ratio(x, y, (size_t)reps, 0.95, &ci) < 0)
		return -1;
	*level = ci.level;
	return ci.lo <= 1.05 && 1.05 <= ci.hi;
}

/* ---- a median: for figures and for deciding how many repetitions are enough ---- */

static int median_case(gsl_rng *rng, int reps, double *level, int *second)
{
	(void)second;
	double v[10];
	struct interval ci;

	for (int i = 0; i < reps; i++)
		v[i] = 0.1 * noise(rng);
	if (interval_median(v, (size_t)reps, 0.95, &ci) < 0)
		return -1;
	*level = ci.level;
	return ci.lo <= 0.1 && 0.1 <= ci.hi;
}

struct tally {
	int covered, with, none;
	double sum_level;
};

static void tally_add(struct tally *t, int rc, double level)
{
	if (rc < 0) {
		t->none++;
		return;
	}
	t->with++;
	t->covered += rc;
	t->sum_level += level;
}

/* Run a case for `seeds` seeds: the tally of each of its (one or two) intervals. */
static void run_case(const struct cov_case *c, int seeds, struct tally t[2])
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

	memset(t, 0, 2 * sizeof(*t));
	for (int s = 0; s < seeds; s++) {
		double level = NAN;
		int second = -1, rc;
		gsl_rng_set(rng, 1000 + (unsigned long)s);
		rc = c->one(rng, c->reps, &level, &second);
		tally_add(&t[0], rc, level);
		if (c->name[1])
			tally_add(&t[1], second, level);
	}
	gsl_rng_free(rng);
}

#define CASES(name, second, fn, m) { { name, second }, 3, m, fn }, { { name, second }, 5, m, fn }, \
	{ { name, second }, 10, m, fn }

static const struct cov_case cases[] = {
	CASES("Amdahl's P = 0.9", NULL, amdahl_09, 4000),
	CASES("Amdahl's P = 0.5", NULL, amdahl_05, 0),
	CASES("Amdahl's P = 0.99", NULL, amdahl_099, 0),
	CASES("Gustafson's P = 0.8", NULL, gustafson_08, 4000),
	CASES("USL sigma = 0.05 (nls)", "USL kappa = 0.002 (nls)", usl_case, USL_SEEDS),
	CASES("ratio of medians, two files", NULL, ratio_independent, 4000),
	CASES("ratio, paired rounds", NULL, ratio_paired, 4000),
	{ { "ratio, paired rounds", NULL }, 20, 4000, ratio_paired },
	CASES("median", NULL, median_case, 4000),
};

/* One interval's verdict: within the band of the level it claims. */
static void check(const struct cov_case *c, const char *name, const struct tally *t, int seeds)
{
	double cov = t->with ? (double)t->covered / t->with : NAN, claimed = t->with ? t->sum_level / t->with : NAN;

	/* Three against three cannot give a distribution-free 95% interval of a ratio, nor 3 or 5 pairs. */
	if ((c->one == ratio_independent && c->reps == 3) || (c->one == ratio_paired && c->reps <= 5)) {
		cr_assert_eq(t->none, seeds, "%s at %d reps gave an interval", name, c->reps);
		return;
	}
	cr_assert_eq(t->none, 0, "%s at %d reps: %d seeds without an interval", name, c->reps, t->none);
	cr_assert(fabs(cov - claimed) <= BAND, "%s at %d reps: covered %.2f%%, claims %.2f%%", name, c->reps,
		  100 * cov, 100 * claimed);
	if (c->one != median_case && c->one != ratio_independent && c->one != ratio_paired)
		cr_assert_float_eq(claimed, 0.95, 1e-12);
}

Test(coverage, every_interval_covers_at_its_level, .timeout = 3600)
{
	const char *env = getenv("AMDAHL_COVERAGE_SEEDS");
	int study = env ? atoi(env) : 0;

	if (study > 0)
		fprintf(stderr, "| interval | reps | seeds | claimed | covered | no interval |\n"
			"|---|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct cov_case *c = &cases[i];
		int seeds = study > 0 ? study : c->seeds;
		struct tally t[2];
		if (seeds == 0)	/* in the study only: the suite's time goes to the other cases */
			continue;
		run_case(c, seeds, t);
		for (int k = 0; k < 2 && c->name[k]; k++) {
			if (study > 0)
				fprintf(stderr, "| %s | %d | %d | %.1f%% | %.1f%% | %d |\n", c->name[k], c->reps,
					seeds, t[k].with ? 100 * t[k].sum_level / t[k].with : NAN,
					t[k].with ? 100.0 * t[k].covered / t[k].with : NAN, t[k].none);
			else
				check(c, c->name[k], &t[k], seeds);
		}
	}
}
