/*
 * The delete-a-group jackknife over rounds (Quenouille, Tukey; for grouped
 * data, Kott's delete-a-group form): G fits, each without one group of
 * rounds, give the variance (G-1)/G * sum (theta_g - mean)^2 of the estimate
 * on all data. Its coverage at 3, 5 and 10 rounds is measured in
 * tests/test_coverage.c and reported in docs/models-and-ci.md.
 */
#include "jackknife.h"
#include "../base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The distinct rounds, ascending; returns how many. */
static size_t distinct_rounds(const struct fit_obs *obs, size_t n, int *out)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		out[i] = obs[i].round;
	qsort(out, n, sizeof(*out), cmp_int);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || out[i] != out[m - 1])
			out[m++] = out[i];
	return m;
}

size_t jackknife_count_rounds(const struct fit_obs *obs, size_t n)
{
	int *r = xmalloc((n ? n : 1) * sizeof(*r));
	size_t m = distinct_rounds(obs, n, r);

	free(r);
	return m;
}

/* The group of a round: its place among the distinct rounds, dealt into at most JACKKNIFE_GROUPS. */
static size_t group_of(const int *rounds, size_t nr, int round)
{
	const int *p = bsearch(&round, rounds, nr, sizeof(*rounds), cmp_int);

	return (size_t)(p - rounds) % JACKKNIFE_GROUPS;
}

int jackknife_rounds(const struct fit_obs *obs, size_t n, jackknife_fn f, void *ctx, size_t k, double *se,
		     double *df)
{
	int *rounds = xmalloc((n ? n : 1) * sizeof(*rounds));
	size_t nr = distinct_rounds(obs, n, rounds), g = nr < JACKKNIFE_GROUPS ? nr : JACKKNIFE_GROUPS, m;
	struct fit_obs *keep = xmalloc((n ? n : 1) * sizeof(*keep));
	size_t *group = xmalloc((n ? n : 1) * sizeof(*group));
	double *est = xmalloc((g ? g : 1) * k * sizeof(*est));
	int rc = 0;

	*df = NAN;
	for (size_t j = 0; j < k; j++)
		se[j] = NAN;
	if (g < 2)
		rc = -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		group[i] = group_of(rounds, nr, obs[i].round);
	for (size_t d = 0; d < g && rc == 0; d++) {
		m = 0;
		for (size_t i = 0; i < n; i++)
			if (group[i] != d)
				keep[m++] = obs[i];
		if (f(keep, m, est + d * k, ctx) < 0)
			rc = -1;
		for (size_t j = 0; j < k && rc == 0; j++)
			if (!isfinite(est[d * k + j]))
				rc = -1;
	}
	for (size_t j = 0; j < k && rc == 0; j++) {
		double mean = 0, ss = 0;
		for (size_t d = 0; d < g; d++)
			mean += est[d * k + j] / (double)g;
		for (size_t d = 0; d < g; d++)
			ss += (est[d * k + j] - mean) * (est[d * k + j] - mean);
		se[j] = sqrt(ss * (double)(g - 1) / (double)g);
	}
	if (rc == 0)
		*df = (double)(g - 1);
	free(rounds);
	free(keep);
	free(group);
	free(est);
	return rc;
}
