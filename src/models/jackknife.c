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

/* Cells sort by group, then N, cores and whether the speedup is known. */
struct keyed {
	size_t group;
	struct fit_obs o;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int sx = isfinite(x->o.speedup), sy = isfinite(y->o.speedup);

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->o.n != y->o.n)
		return x->o.n < y->o.n ? -1 : 1;
	if (x->o.cores != y->o.cores)
		return x->o.cores < y->o.cores ? -1 : 1;
	return sx - sy;
}

/*
 * Replace each cell of obs by one observation: the weighted means of its
 * wall times and speedups, its total weight, and its group as the round.
 * Returns how many cells; group[] gets each one's group.
 */
static size_t to_cells(struct fit_obs *obs, size_t *group, size_t n)
{
	struct keyed *k = xmalloc((n ? n : 1) * sizeof(*k));
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		k[i] = (struct keyed){ group[i], obs[i] };
	qsort(k, n, sizeof(*k), cmp_keyed);
	for (size_t s = 0; s < n;) {
		size_t e = s;
		double w = 0, wall = 0, sp = 0;
		while (e < n && cmp_keyed(&k[s], &k[e]) == 0)
			e++;
		for (size_t i = s; i < e; i++) {
			double wi = fit_obs_weight(&k[i].o);
			w += wi;
			wall += wi * k[i].o.wall_s;
			sp += wi * k[i].o.speedup;
		}
		obs[m] = k[s].o;
		obs[m].wall_s = wall / w;
		obs[m].speedup = isfinite(k[s].o.speedup) ? sp / w : NAN;
		obs[m].weight = w;
		obs[m].round = (int)k[s].group;
		group[m++] = k[s].group;
		s = e;
	}
	free(k);
	return m;
}

int jackknife_rounds(const struct fit_obs *obs, size_t n, jackknife_fn f, void *ctx, size_t k, int cells,
		     double *se, double *df)
{
	int *rounds = xmalloc((n ? n : 1) * sizeof(*rounds));
	size_t nr = distinct_rounds(obs, n, rounds), g = nr < JACKKNIFE_GROUPS ? nr : JACKKNIFE_GROUPS, m, nall = n;
	struct fit_obs *all = xmalloc((n ? n : 1) * sizeof(*all)), *keep = xmalloc((n ? n : 1) * sizeof(*keep));
	size_t *group = xmalloc((n ? n : 1) * sizeof(*group));
	double *est = xmalloc((g ? g : 1) * k * sizeof(*est));
	int rc = 0;

	*df = NAN;
	for (size_t j = 0; j < k; j++)
		se[j] = NAN;
	if (g < 2)
		rc = -1;
	memcpy(all, obs, n * sizeof(*all));
	for (size_t i = 0; i < n && rc == 0; i++)
		group[i] = group_of(rounds, nr, obs[i].round);
	if (cells && rc == 0)
		nall = to_cells(all, group, n);
	for (size_t d = 0; d < g && rc == 0; d++) {
		m = 0;
		for (size_t i = 0; i < nall; i++)
			if (group[i] != d)
				keep[m++] = all[i];
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
	free(all);
	free(keep);
	free(group);
	free(est);
	return rc;
}
