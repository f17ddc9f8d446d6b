/*
 * Fitting the scaling models of DESIGN.md to measured repetitions, with GSL:
 *
 *   Amdahl     T(N) = T1((1-P) + P/min(N,cores)): linear in x = 1/min(N,cores),
 *              T = a + b x, so P = b/(a+b); least squares on every repetition.
 *   Gustafson  for --scaling weak: the scaled speedup against the weak ceiling
 *              ((1-P)+PN)/((1-P)+PN/min(N,cores)), which is 1+P(N-1) while
 *              N <= cores; least squares in P over [0,1].
 *   USL        N/S - 1 = sigma(N-1) + kappa N(N-1), least squares through the
 *              origin with sigma, kappa >= 0; peak N* = sqrt((1-sigma)/kappa).
 *
 * Confidence intervals come from a percentile bootstrap that resamples the
 * repetitions within each N, with a fixed seed, so the spread of the
 * measurement shows in the interval and the same input gives the same output.
 */
#ifndef AMDAHL_FIT_H
#define AMDAHL_FIT_H

#include <stddef.h>
#include <stdint.h>

/* Bootstrap defaults: 2000 resamples, a 95% interval, seed 1. */
#define FIT_RESAMPLES 2000
#define FIT_LEVEL 0.95
#define FIT_SEED 1

/* One repetition as the models see it. speedup is NaN when unknown. */
struct fit_obs {
	double n, cores, wall_s, speedup;
};

/*
 * The repetitions one model describes: one backend, workload, p (NaN for
 * --cmd rows), label and scaling. src/results/aggregate.c groups the rows
 * and fills in the speedups a file left empty.
 */
struct fit_group {
	double p;
	int weak;
	struct fit_obs *obs;
	size_t nobs;
};

/* A model fitted to observations: P (and R^2); -1 when it cannot be fitted. */
typedef int (*fit_model_fn)(const struct fit_obs *obs, size_t n, double *p, double *r2);

/*
 * Amdahl's P from wall times against x = 1/min(N,cores), clipped to [0,1];
 * R^2 of the line through the times. Needs two distinct values of x.
 */
int fit_amdahl(const struct fit_obs *obs, size_t n, double *p, double *r2);
/*
 * The same with Tukey's bisquare weights (gsl_multifit_robust): iteratively
 * reweighted least squares, in which a repetition that other work on the
 * machine slowed down far beyond the rest weighs little.
 */
int fit_amdahl_robust(const struct fit_obs *obs, size_t n, double *p, double *r2);
/*
 * Gustafson's P from scaled speedups against the weak ceiling; R^2 on the
 * speedups. Needs a finite speedup at some N > 1.
 */
int fit_gustafson(const struct fit_obs *obs, size_t n, double *p, double *r2);

struct fit_usl {
	double sigma, kappa;	/* both >= 0 */
	double n_star;		/* sqrt((1-sigma)/kappa); NaN when kappa == 0 or sigma >= 1 */
	double r2;		/* of the USL curve on the speedups */
};
/*
 * The Universal Scalability Law on speedups (plain N, as measured). With
 * speedups at a single N > 1 only sigma is fitted. -1 when no N > 1 has one.
 */
int fit_usl(const struct fit_obs *obs, size_t n, struct fit_usl *out);

/*
 * Percentile bootstrap of a model's P: `resamples` times, draw each N's
 * repetitions with replacement, refit; lo/hi are the (1-level)/2 and
 * (1+level)/2 quantiles. -1 (lo = hi = NaN) when fewer than half the
 * resamples could be fitted.
 */
int fit_bootstrap(const struct fit_obs *obs, size_t n, fit_model_fn model, int resamples, double level,
		  uint64_t seed, double *lo, double *hi);

/* Everything `amdahl fit` reports for a group. NaN where not applicable. */
struct fit_summary {
	int gustafson;		/* 1: weak scaling, P from Gustafson's law */
	int robust;		/* P by fit_amdahl_robust */
	double p_fit, p_lo, p_hi, r2, level;
	struct fit_usl usl;
	int usl_ok;
};

/* Fit every model to a group; robust picks fit_amdahl_robust for strong scaling. */
void fit_summarize(const struct fit_group *g, int resamples, double level, uint64_t seed, int robust,
		   struct fit_summary *out);
void fit_summary_free(struct fit_summary *s);

#endif
