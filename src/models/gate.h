/*
 * The verdicts of `amdahl compare`: which comparisons of two runs are
 * judged, each one's interval, and what the interval says.
 *
 * One rule: a change regresses only when its whole interval lies beyond the
 * threshold on the worse side (and is better only when it lies beyond it on
 * the better side), so a verdict never contradicts its own interval. The
 * intervals are simultaneous: with k judged comparisons each is built at
 * 1 - alpha/k (Bonferroni), so all of them hold together with probability
 * at least 1 - alpha, and an A/A comparison of whole files, however many
 * points they hold, is flagged at most alpha/2 of the time.
 *
 * Two modes:
 *   files   two run CSVs (a committed baseline and a new run): the times and
 *           speedups of each point as two independent samples (the
 *           distribution-free interval of the ratio, which inverts the exact
 *           Mann-Whitney test: 3 against 3 cannot reach 95%), and the fitted
 *           P of each group (jackknife standard errors).
 *   paired  one run CSV in which two programs were measured in interleaved
 *           rounds (amdahl run --cmd A --name a --cmd B --name b): the
 *           per-round ratios of their times, the distribution-free interval
 *           that inverts the exact signed-rank test (5 rounds cannot reach 95%).
 */
#ifndef AMDAHL_GATE_H
#define AMDAHL_GATE_H

#include <stddef.h>

#include "fit.h"
#include "interval.h"

enum gate_verdict {
	GATE_NONE,
	GATE_OK,		/* the interval lies within the threshold: no change that counts */
	GATE_BETTER,
	GATE_REGRESSION,
	GATE_INCONCLUSIVE,	/* the interval reaches past the threshold: the data cannot tell */
	GATE_FEW,		/* too few repetitions for an interval at the family's level */
	GATE_NOT_JUDGED,	/* shown only: times from another machine, or a run on a busy one */
	GATE_OVERSUBSCRIBED,	/* N above the usable cores: shown, not judged */
};

/* "ok", "better", "REGRESSION", "inconclusive", "too few reps", "not judged", "oversubscribed". */
extern const char *const gate_verdict_name[];

enum gate_kind { GATE_TIME, GATE_SPEEDUP, GATE_PFIT };

/* One comparison: a time or a speedup at a point, or the fitted P of a group. */
struct gate_item {
	enum gate_kind kind;
	const struct fit_group *g;	/* the base run's group: names the point */
	double n;			/* N; for P, the N the law's speedup is judged at */
	size_t nb, nn;			/* repetitions of each side (pairs, in paired mode) */
	double base, new_;		/* medians (means of pairs in paired mode), or P */
	struct interval ratio;		/* new/base and its interval at the family's level */
	double p_worse, p_better;	/* one-sided p towards worse and better; NaN for P */
	double b_lo, b_hi, n_lo, n_hi;	/* each run's own P interval (FIT_LEVEL) */
	enum gate_verdict v;
	int judged;			/* counted in the family */
	int of_ceiling;			/* speedups as fractions of each machine's ceiling */
	/* What the interval is built from (internal; freed by gate_free). */
	double *x, *y;
	double se_log, df;		/* P: the log-ratio's standard error and degrees of freedom */
	int worse_up;			/* a larger new value is worse (times) */
};

/* What the time gate compares: wall time (default), or the CPU time of the repetition. */
enum gate_metric { GATE_WALL, GATE_CPU };

struct gate_opts {
	double threshold, alpha;
	enum gate_metric metric;	/* the times' (speedups and P are always of wall times) */
	int judge_times;		/* the times come from the same machine (or --same-machine) */
	int other_machine;		/* the runs come from different machines */
	/*
	 * A run was measured on a busy machine: two runs minutes apart under a
	 * changing load differ by more than any interval within a run can see,
	 * so nothing is judged (paired rounds share the load and are judged).
	 */
	int busy;
};

struct gate {
	struct gate_item *items;
	size_t nitems;
	size_t only_base, only_new;	/* points in one run only (files mode) */
	size_t family;			/* judged comparisons */
	double level;			/* each interval's level, 1 - alpha/family */
	int paired;
};

/* The verdict of a ratio new/base by its interval; worse_up: a larger ratio is worse. */
enum gate_verdict gate_judge(const struct interval *ci, double threshold, int worse_up);

/* Judge every point and group two runs share. */
void gate_files(struct gate *g, const struct fit_group *base, size_t nbase, const struct fit_group *new_,
		size_t nnew, const struct gate_opts *o);

/*
 * Judge, in one run, the groups named `cand` against those named `base`
 * (by --cmd label, else by backend), round by round. -1 with a message in
 * err when either name matches nothing or they share no point.
 */
int gate_paired(struct gate *g, const struct fit_group *groups, size_t ngroups, const char *base,
		const char *cand, const struct gate_opts *o, char *err, size_t errlen);

size_t gate_regressions(const struct gate *g);
void gate_free(struct gate *g);

#endif
