/*
 * Fitting the scaling models of DESIGN.md to measured repetitions, with GSL:
 *
 *   Amdahl     T(N) = T1((1-P) + P/N) on the points with N <= cores: linear
 *              in x = 1/N, T = a + b x, so P = b/(a+b); least squares on
 *              every repetition. Points past the cores time-slice, and how
 *              much that costs depends on what else runs on the box: they
 *              are reported (speedup, Karp-Flatt, USL), not fitted.
 *   Gustafson  for --scaling weak: S - 1 = P(N - 1) through the origin on the
 *              points with N <= cores.
 *   USL        usl.h: nonlinear least squares on the speedups (default) or
 *              Gunther's linearisation.
 *
 * Every interval is the jackknife over rounds (jackknife.h), the method whose
 * coverage was measured at 3, 5 and 10 repetitions (docs/models-and-ci.md).
 * This is the one fit per group that fit, compare and plot all show.
 */
#ifndef AMDAHL_FIT_H
#define AMDAHL_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "interval.h"
#include "obs.h"
#include "usl.h"

/* The interval's default level. */
#define FIT_LEVEL 0.95

/*
 * The repetitions one model describes: one backend, workload, p (NaN for
 * --cmd rows), label and scaling. src/results/aggregate.c groups the rows
 * (its series hold one each), fills in the speedups a file left empty, and
 * owns the strings and observations.
 */
struct fit_group {
	const char *backend, *workload, *label;
	double p;
	int weak;
	struct fit_obs *obs;
	size_t nobs;
};
/* 1 when two groups have the same backend, workload, p, label and scaling. */
int fit_group_same_key(const struct fit_group *a, const struct fit_group *b);
/* "thread/spin p=0.9" or "exec/exec 'label'" (weak groups end in " weak"). */
void fit_group_name(const struct fit_group *g, char *buf, size_t len);

/* Whether an observation's N is within its machine's usable cores (unknown cores: yes). */
int fit_within_cores(const struct fit_obs *o);

/* Why a P could not be fitted. */
enum fit_status {
	FIT_OK,
	FIT_ONE_N,		/* fewer than two values of N <= cores (one N, or one core) */
	FIT_NO_SPEEDUP,		/* weak scaling: no speedup at an N > 1 within the cores */
	FIT_RANGE,		/* a wall time or speedup too large or small for the sums */
	FIT_DEGENERATE,		/* the line gives no usable P (T1 = a + b <= 0) */
};

/*
 * A model of P: *p before clipping to [0, 1] (so that superlinear data and
 * slowdowns can be named), R^2 of the fit. Returns the status.
 */
typedef enum fit_status (*fit_model_fn)(const struct fit_obs *obs, size_t n, double *p, double *r2);

/* Amdahl's P from wall times against x = 1/N, N <= cores. Needs two values of N there. */
enum fit_status fit_amdahl(const struct fit_obs *obs, size_t n, double *p, double *r2);
/*
 * The same with Tukey's bisquare weights (gsl_multifit_robust): iteratively
 * reweighted least squares, in which a repetition that other work on the
 * machine slowed down far beyond the rest weighs little (`fit --robust`).
 */
enum fit_status fit_amdahl_robust(const struct fit_obs *obs, size_t n, double *p, double *r2);
/* Gustafson's P from scaled speedups, N <= cores; R^2 on the speedups. */
enum fit_status fit_gustafson(const struct fit_obs *obs, size_t n, double *p, double *r2);

/*
 * P with its jackknife interval over rounds at `level`: *p clipped to [0, 1],
 * lo/hi clipped likewise (NaN when there is no interval: one round, one
 * repetition at some N, or a fit without some round fails). *raw is P
 * before clipping. Returns the status of the fit on all observations.
 */
enum fit_status fit_p_interval(const struct fit_obs *obs, size_t n, fit_model_fn model, double level,
			       double *p, double *lo, double *hi, double *raw, double *r2);
/*
 * The same as a standard error: *raw (P before clipping), its jackknife
 * standard error *se and degrees of freedom *df (rounds - 1), NaN when
 * there is no interval. Two runs' P are compared through these.
 */
enum fit_status fit_p_se(const struct fit_obs *obs, size_t n, fit_model_fn model, double *raw, double *se,
			 double *df, double *r2);

/* Everything `amdahl fit` reports for a group. NaN where not applicable. */
struct fit_summary {
	int gustafson;		/* 1: weak scaling, P from Gustafson's law */
	int robust;		/* P by fit_amdahl_robust */
	enum fit_status status;
	double p_fit, p_lo, p_hi, p_raw, r2, level;
	double p_se, p_df;		/* P's jackknife standard error and degrees of freedom; NaN: none */
	double bad_value, bad_n;	/* FIT_RANGE: the value that was out of range, and its N */
	enum usl_method usl_method;
	struct usl_fit usl;	/* n_star NaN unless kappa's interval lies above 0 */
	int usl_ok;
	struct interval sigma_ci, kappa_ci;	/* jackknife over rounds */
	double cores;		/* of the group's first row */
	size_t rounds;		/* distinct rounds (rep values) */
	size_t min_reps;	/* fewest repetitions at any N */
	size_t nn;		/* distinct N, ascending: */
	double *ns, *speedup, *karp_flatt;	/* median speedup, Karp-Flatt of it (strong only) */
	size_t *reps;
};

/* Fit every model to a group; robust picks fit_amdahl_robust for strong scaling. */
void fit_summarize(const struct fit_group *g, double level, int robust, enum usl_method usl,
		   struct fit_summary *out);
void fit_summary_free(struct fit_summary *s);

/*
 * What a reader must be told about a summary, one sentence at a time: why P
 * or its interval is missing, superlinear speedup and slowdowns (with the N
 * and the value before clipping), a fit that explains nothing, sigma at its
 * bound. Call with i = 0, 1, ... until it returns 0; buf gets the sentence.
 */
int fit_summary_note(const struct fit_summary *s, int i, char *buf, size_t len);

#endif
