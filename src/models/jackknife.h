/*
 * Intervals of fitted parameters by the jackknife over rounds: a round (the
 * `rep` column: one visit of every point, --order rounds) is the unit that
 * repeats independently, so each round is left out in turn, the model is
 * fitted again, and the spread of those fits gives the standard error, with
 * Student's t on (rounds - 1) degrees of freedom. Within-round pairing (every
 * speedup shares its round's N = 1 time) and a busy round both show in it,
 * which a resampling of single repetitions cannot see.
 */
#ifndef AMDAHL_JACKKNIFE_H
#define AMDAHL_JACKKNIFE_H

#include <stddef.h>

#include "obs.h"
#include "interval.h"

/*
 * At most this many groups are left out: beyond it, rounds are dealt into
 * this many groups (round i to group i mod 30), so the cost is 31 fits
 * however many rounds a file holds, and t has 29 degrees of freedom, within
 * 3% of the normal quantile.
 */
#define JACKKNIFE_GROUPS 30

/* An estimator of k parameters from observations: 0, or -1 when it cannot be fitted. */
typedef int (*jackknife_fn)(const struct fit_obs *obs, size_t n, double *theta, void *ctx);

/*
 * The jackknife standard error se[0..k) of each of the k parameters f
 * estimates, and its degrees of freedom *df (groups - 1): the interval is
 * the estimate on every observation +- t(df) se (interval_from_se). -1
 * (se NaN) with fewer than two rounds or when a fit without some round fails.
 *
 * cells: f is a weighted least-squares fit of wall_s or speedup per N, which
 * gives the same answer on the means of a cell (one group of rounds, one N,
 * one core count) weighted by its count as on the cell's rows; the groups
 * are then handed to f as cells, so that 30 refits of a file of 100,000 rows
 * cost 30 fits of at most 30 x (distinct N) points.
 */
int jackknife_rounds(const struct fit_obs *obs, size_t n, jackknife_fn f, void *ctx, size_t k, int cells,
		     double *se, double *df);

/* How many distinct rounds the observations hold. */
size_t jackknife_count_rounds(const struct fit_obs *obs, size_t n);

#endif
