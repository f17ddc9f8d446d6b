/*
 * One repetition as the models see it, shared by the fits (fit.h), the
 * USL (usl.h) and the jackknife over rounds (jackknife.h).
 */
#ifndef AMDAHL_OBS_H
#define AMDAHL_OBS_H

/* speedup is NaN when unknown; round is the rep column (one visit of every point). */
struct fit_obs {
	double n, cores, wall_s, speedup;
	int round;
};

#endif
