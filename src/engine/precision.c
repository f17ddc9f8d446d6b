/*
 * The stopping rule and the allocation of `run --precision` (precision.h).
 * Nothing here measures or reads a clock: the sweep and the simulation test
 * hand in the intervals, the costs and the time left, so both run the same
 * rule.
 */
#include "precision.h"
#include "../base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const precision_of_names[] = {
	[PRECISION_OF_SPEEDUP] = "speedup", [PRECISION_OF_FIT] = "fit", [PRECISION_OF_BOTH] = "both", NULL
};

int precision_interval_reps(double level)
{
	int n = 2;

	/* [min, max] of n values misses the median when all n fall on one side: 2 * 2^-n. */
	while (n < 64 && 1 - ldexp(1.0, 1 - n) < level)
		n++;
	return n;
}

int precision_min_reps(double level)
{
	int n = precision_interval_reps(level);

	return n > PRECISION_MIN_ROUNDS ? n : PRECISION_MIN_ROUNDS;
}

double precision_half(const struct interval *ci)
{
	double lo = ci->est - ci->lo, hi = ci->hi - ci->est;

	if (!isfinite(ci->lo) || !isfinite(ci->hi) || !(ci->est > 0))
		return NAN;
	return (lo > hi ? lo : hi) / ci->est;
}

double precision_speedup(const double *speedups, size_t n, double level, struct interval *ci)
{
	/* 1: even [min, max] covers less than the level, which is no answer to a target at it. */
	if (interval_median(speedups, n, level, ci) != 0)
		return NAN;
	return precision_half(ci);
}

const char *precision_status_name(enum precision_status s)
{
	switch (s) {
	case PRECISION_OPEN: return "open";
	case PRECISION_REACHED: return "reached";
	case PRECISION_MAX_REPS: return "max reps";
	case PRECISION_NOISE: return "noise";
	case PRECISION_BUDGET: return "budget";
	case PRECISION_FAILED: return "failed";
	case PRECISION_NO_ESTIMATE: return "no estimate";
	}
	return "?";
}

/* Close an open unit that is done, one way or another. */
static void judge(const struct precision_cfg *cfg, struct precision_unit *u, const struct precision_point *pts)
{
	int enough = u->reps >= (size_t)cfg->min_reps;

	if (u->status != PRECISION_OPEN)
		return;
	u->need = isfinite(u->half) && isfinite(u->target) ? (double)u->reps * pow(u->half / u->target, 2) : NAN;
	for (size_t i = 0; i < u->npoints; i++)
		if (pts[u->points[i]].failed) {
			u->status = PRECISION_FAILED;
			return;
		}
	if (enough && !isfinite(u->target))
		u->status = PRECISION_REACHED;	/* only the minimum was asked of it */
	else if (enough && u->half <= u->target)
		u->status = PRECISION_REACHED;
	else if (u->reps >= (size_t)cfg->max_reps)
		u->status = PRECISION_MAX_REPS;
	else if (enough && !isfinite(u->half))
		u->status = PRECISION_NO_ESTIMATE;
	else if (enough && u->need > PRECISION_GIVE_UP * cfg->max_reps)
		u->status = PRECISION_NOISE;
}

/* A point's cost, with the mean of the known ones standing in for an unknown one. */
static double point_cost(const struct precision_point *p, double typical)
{
	return isfinite(p->cost_s) && p->cost_s >= 0 ? p->cost_s : typical;
}

/*
 * The seconds a unit's visits add to a round that already holds in[]: its
 * points and their bases not yet in it, each once. mark[] is scratch, left
 * clear.
 */
static double added_cost(const struct precision_unit *u, const struct precision_point *pts, double typical,
			 const unsigned char *in, unsigned char *mark)
{
	double c = 0;

	for (size_t i = 0; i < u->npoints; i++) {
		size_t two[2] = { u->points[i], pts[u->points[i]].base };

		for (int k = 0; k < 2; k++)
			if (!in[two[k]] && !mark[two[k]]) {
				c += point_cost(&pts[two[k]], typical);
				mark[two[k]] = 1;
			}
	}
	for (size_t i = 0; i < u->npoints; i++)
		mark[u->points[i]] = mark[pts[u->points[i]].base] = 0;
	return c;
}

struct ranked {
	size_t unit;
	double key;		/* half/target per second; INFINITY below the minimum */
	double cost;		/* seconds of its visits in a round of its own */
	size_t rounds;		/* rounds it still needs for the minimum (1 once it has it) */
};

/*
 * The units below the minimum first: those with the fewest rounds still to
 * go, then the cheapest; then the widest interval per second.
 */
static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	if (x->rounds != y->rounds)
		return x->rounds < y->rounds ? -1 : 1;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	return x->unit < y->unit ? -1 : x->unit > y->unit;
}

static double typical_cost(const struct precision_point *pts, size_t np)
{
	double sum = 0;
	size_t k = 0;

	for (size_t i = 0; i < np; i++)
		if (isfinite(pts[i].cost_s) && pts[i].cost_s >= 0) {
			sum += pts[i].cost_s;
			k++;
		}
	return k ? sum / (double)k : 0;
}

/*
 * Choose the round: units in rank order, each while it fits. A unit below
 * the minimum is taken only when the rounds it still needs for it fit too,
 * and they are kept for it: when the budget cannot give every point an
 * interval, some get one rather than all falling short. Returns the points
 * wanted.
 */
static size_t choose(const struct precision_cfg *cfg, struct precision_unit *units, size_t nunits,
		     const struct precision_point *pts, size_t np, double time_left, unsigned char *want)
{
	struct ranked *r = xmalloc((nunits ? nunits : 1) * sizeof(*r));
	unsigned char *in = xcalloc(np + 1, 1), *mark = xcalloc(np + 1, 1);
	double typical = typical_cost(pts, np), spent = 0, kept = 0;
	size_t nr = 0, wanted = 0;

	for (size_t i = 0; i < nunits; i++) {
		struct precision_unit *u = &units[i];
		double c;

		if (u->status != PRECISION_OPEN)
			continue;
		c = added_cost(u, pts, typical, in, mark);
		r[nr].unit = i;
		r[nr].cost = c;
		r[nr].rounds = u->reps < (size_t)cfg->min_reps ? (size_t)cfg->min_reps - u->reps : 1;
		r[nr].key = u->reps < (size_t)cfg->min_reps || !isfinite(u->half) ? INFINITY :
			(u->half / u->target) / (c > 0 ? c : 1e-9);
		nr++;
	}
	qsort(r, nr, sizeof(*r), ranked_cmp);
	for (size_t i = 0; i < nr; i++) {
		const struct precision_unit *u = &units[r[i].unit];
		double c = added_cost(u, pts, typical, in, mark), later = c * (double)(r[i].rounds - 1);

		if (spent + kept + c + later > time_left)
			continue;	/* a cheaper unit further down may still fit */
		spent += c;
		kept += later;
		for (size_t k = 0; k < u->npoints; k++) {
			size_t m = u->points[k];

			if (!want[m])
				wanted++;
			want[m] = 1;
			in[m] = in[pts[m].base] = 1;
		}
	}
	free(r);
	free(in);
	free(mark);
	return wanted;
}

size_t precision_plan(const struct precision_cfg *cfg, struct precision_unit *units, size_t nunits,
		      const struct precision_point *points, size_t npoints, int rounds_left, double time_left,
		      unsigned char *want)
{
	size_t wanted = 0;

	memset(want, 0, npoints);
	for (size_t i = 0; i < nunits; i++)
		judge(cfg, &units[i], points);
	if (rounds_left > 0 && time_left > 0)
		wanted = choose(cfg, units, nunits, points, npoints, time_left, want);
	if (wanted == 0)
		for (size_t i = 0; i < nunits; i++)
			if (units[i].status == PRECISION_OPEN)
				units[i].status = units[i].reps >= (size_t)cfg->max_reps ? PRECISION_MAX_REPS :
					PRECISION_BUDGET;
	return wanted;
}
