/*
 * Precision-driven repetitions (`run --precision X%`): the stopping rule and
 * the allocation of rounds, as pure functions. The sweep calls them between
 * rounds with what it measured (sweep_precision.c); the simulation test
 * (tests/test_precision_sim.c) calls the same functions on synthetic rounds
 * with a known truth, to check that stopping on an interval leaves it
 * covering at its level.
 *
 * A unit is what must become precise: one point's median speedup (its
 * interval from interval_median over the point's paired speedups) or one
 * group's fitted P (the jackknife over rounds). After each round a unit is
 * reached when it has at least the minimum of repetitions and its interval
 * lies within +-target of its estimate; the next round visits the points of
 * the units still open, the widest interval per second of cost first, as far
 * as the time budget goes. The engine adds each visited point's N = 1 base,
 * so every new repetition stays paired with its round's base.
 */
#ifndef AMDAHL_PRECISION_H
#define AMDAHL_PRECISION_H

#include <stddef.h>

#include "../models/interval.h"

/* The intervals' level. */
#define PRECISION_LEVEL 0.95

/*
 * Give a unit up for its noise when, at its measured spread, it would need
 * more than this many times --max-reps repetitions (Kalibera and Jones's
 * sizing, n (half/target)^2): it cannot get there, and its rounds are better
 * spent on the units that can.
 */
#define PRECISION_GIVE_UP 2.0

/* What is targeted: each point's median speedup, each group's fitted P, or both. */
enum precision_of { PRECISION_OF_SPEEDUP, PRECISION_OF_FIT, PRECISION_OF_BOTH };
/* Their names (--precision-target, meta.json), NULL-terminated. */
extern const char *const precision_of_names[];

enum precision_status {
	PRECISION_OPEN,		/* still measured */
	PRECISION_REACHED,	/* its interval lies within the target */
	PRECISION_MAX_REPS,	/* --max-reps repetitions, still wider */
	PRECISION_NOISE,	/* its spread would need far more than --max-reps: given up */
	PRECISION_BUDGET,	/* the time budget ran out first */
	PRECISION_FAILED,	/* a point of it failed or was skipped */
	PRECISION_NO_ESTIMATE,	/* enough repetitions, and still no interval (P cannot be fitted) */
};

struct precision_cfg {
	double target;		/* the relative half-width to reach, 0.02 for 2% */
	double level;		/* PRECISION_LEVEL */
	int min_reps;		/* precision_min_reps(level), or more */
	int max_reps;		/* --max-reps */
};

/* What the allocation needs to know of a point. */
struct precision_point {
	size_t base;		/* the point its repetitions are paired with; itself for a base */
	double cost_s;		/* seconds a visit of it takes (mean so far); NaN: not known */
	int failed;		/* failed, or its base did: never visited again */
};

/* Something whose interval must narrow: a point's median speedup, or a group's P. */
struct precision_unit {
	const size_t *points;	/* the points a round visits for it (their bases come along) */
	size_t npoints;
	double target;		/* the half-width it must reach; INFINITY: only the minimum */
	/* set from the measurements before each plan: */
	size_t reps;		/* repetitions it has (the fewest of its points) */
	double half;		/* relative half-width of its interval at the level; NaN: none */
	/* kept by precision_plan: */
	enum precision_status status;
	double need;		/* repetitions its spread says it needs, n (half/target)^2; NaN */
};

/*
 * The fewest repetitions whose median has a distribution-free interval at
 * the level: [min, max] of n values covers the median with probability
 * 1 - 2^(1-n), so 6 at 95% (96.9%; 5 give 93.75%). Also the fewest pairs
 * whose signed-rank interval reaches the level.
 */
int precision_interval_reps(double level);

/*
 * The fewest rounds before a unit may be judged: at least
 * PRECISION_MIN_ROUNDS, and at least precision_interval_reps(level).
 * Stopping as soon as an interval is narrow enough lets a lucky narrow
 * sample stop early, and such an interval covers less than it claims. In
 * the simulation (tests/test_precision_sim.c, docs/models-and-ci.md)
 * judging from the 6th round on left a point with 3% noise covered 93.5% of
 * the time, from the 8th 93.9%, from the 10th 94.2-94.4%, with or without
 * outliers: 10 it is.
 */
#define PRECISION_MIN_ROUNDS 10
int precision_min_reps(double level);

/*
 * The relative half-width of an interval: the larger of its two sides over
 * the estimate. NaN when it has none.
 */
double precision_half(const struct interval *ci);

/*
 * The interval of a point's median speedup (interval_median of its paired
 * speedups) and its relative half-width; NaN below the level (fewer than
 * precision_min_reps values).
 */
double precision_speedup(const double *speedups, size_t n, double level, struct interval *ci);

/*
 * After a round: judge every open unit (reached, max reps, noise, no
 * estimate, failed), then choose the next round's points into want[0..np)
 * (zeroed here; bases not added): the open units in order of half/target per
 * second of the visits they add, each taken while the round still fits
 * time_left (INFINITY: no budget). The units below the minimum come first,
 * those with the fewest rounds to go and then the cheapest, each taken only
 * when all the rounds it still needs fit (they are kept for it), so that a
 * budget too small for every point gives some an interval rather than none.
 * Returns how many points are wanted; 0 means stop, and then
 * every unit still open is closed: PRECISION_MAX_REPS when it has max_reps,
 * else PRECISION_BUDGET (time_left, or rounds_left = 0, ran out).
 */
size_t precision_plan(const struct precision_cfg *cfg, struct precision_unit *units, size_t nunits,
		      const struct precision_point *points, size_t npoints, int rounds_left, double time_left,
		      unsigned char *want);

/* "reached", "max reps", "noise", "budget", "failed", "no estimate", "open". */
const char *precision_status_name(enum precision_status s);

#endif
