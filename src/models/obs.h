/*
 * One repetition as the models see it, shared by the fits (fit.h), the
 * USL (usl.h) and the jackknife over rounds (jackknife.h).
 */
#ifndef AMDAHL_OBS_H
#define AMDAHL_OBS_H

/*
 * speedup is NaN when unknown; round is the rep column (one visit of every
 * point). weight: how many repetitions the observation stands for (the
 * jackknife fits cells of many rounds by their means, jackknife.c); 0 reads
 * as 1, a single repetition.
 */
struct fit_obs {
	double n, cores, wall_s, speedup;
	int round;
	double weight;
	double cpu_s;		/* CPU seconds of the repetition; NaN (or 0 in a literal) when unknown */
};

static inline double fit_obs_weight(const struct fit_obs *o)
{
	return o->weight > 0 ? o->weight : 1.0;
}

#endif
