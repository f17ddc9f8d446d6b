/*
 * Every number derived from run rows, in one place. Rows are split into
 * series: one backend, workload, p, --cmd label and scaling, from one input
 * file. A series has a cell per worker count N with the repetitions' wall
 * times and speedups summarized, and everything the law says beside them.
 * The run summary, plot, fit and compare read these and compute none of
 * them again.
 *
 * The one aggregation of speedups: a cell's speedup is the median over its
 * repetitions of the rows' own speedup (the CSV's speedup column: each one
 * the N = 1 time of the same round, or the median N = 1 time with --order
 * points, divided by this repetition's time). It is not median_s(1) /
 * median_s(N): with rounds, a drift of the machine cancels in each ratio and
 * would not in the ratio of medians. A row whose speedup cell is empty gets
 * one from the median N = 1 wall time of its series (times the scaled work
 * for weak scaling).
 *
 * Derived per cell: the median speedup's distribution-free 95% interval;
 * efficiency S/N and Karp-Flatt e(N) = (1/S - 1/N)/(1 - 1/N) per repetition (Karp-Flatt for strong scaling and N > 1 only), their
 * median, quartiles, min and max; the model (Amdahl's law at p, Gustafson's
 * for weak scaling), the ceiling (the law at min(N, cores): what the usable
 * cores can give a CPU-bound workload; none for a workload that waits, whose
 * bound is not the cores) and "of ceiling" = speedup / ceiling; and each
 * plugin column combined as its declaration says (median, sum, max, last);
 * and the speedup stack's parts in speedup units.
 */
#ifndef AMDAHL_AGGREGATE_H
#define AMDAHL_AGGREGATE_H

#include <stddef.h>

#include "../api/column.h"
#include "../api/workload.h"
#include "../models/explain.h"
#include "../models/fit.h"
#include "../models/interval.h"
#include "../models/stats.h"
#include "rows.h"

struct agg_cell {
	int n;
	size_t rows;			/* repetitions at this N */
	size_t reps;			/* of them, those with a usable speedup */
	struct stats_summary wall;	/* over every repetition */
	struct stats_summary speedup, efficiency;	/* over the usable ones */
	struct interval speedup_ci;	/* the median speedup's 95% interval (interval_median); NaN: under 2 */
	struct stats_summary karp_flatt;	/* strong scaling, N > 1; n = 0 otherwise */
	double model;			/* the law at the series' P (NaN without one) */
	double ceiling;			/* the law at min(N, cores); NaN when the cores are not the bound */
	double of_ceiling;		/* speedup.median / ceiling */
	double col[COLUMNS_MAX];		/* plugin columns by id, combined; NaN when none */
	/* The speedup stack (docs/explain.md): each part over the repetition's
	 * wall time, in speedup units, of the median repetition (its speedup the
	 * median's), so that the parts add up to N; NaN where not known. A program's useful work is its N = 1 runs' median CPU
	 * time, its extra CPU what a run used beyond that. */
	double stack[EXPLAIN_PARTS];
};

struct agg_series {
	const char *backend, *workload, *label;	/* the table's interned strings */
	double p;			/* NaN for --cmd rows */
	int weak;
	unsigned file;
	enum workload_bound bound;	/* the workload's, by name */
	double cores;			/* the most any row says */
	double work_s;			/* the work_s of every row, NaN when they differ */
	double cpu1_s;			/* the median CPU time of its N = 1 rows; NaN */
	double p_model;			/* the P of model and ceiling: p, or one set by agg_series_use_p */
	size_t first;			/* index of its first row, for order of appearance */
	struct agg_cell *cells;		/* ascending N */
	size_t ncells;
	/* Every repetition as the models see it, sorted by N. For a workload
	 * that waits, cores is +inf: the fits use N, not min(N, cores). */
	struct fit_group fit;
};

struct aggregate {
	struct agg_series *series;	/* in order of their first row */
	size_t nseries;
};

/* Split rows into series and summarize every cell. */
void aggregate_rows(const struct run_rows *rows, struct aggregate *out);
void aggregate_free(struct aggregate *a);

/* The series with this key (backend, workload, --cmd label, p, scaling), the first of any file, or NULL. */
const struct agg_series *aggregate_find(const struct aggregate *a, const char *backend, const char *workload,
					const char *label, double p, int weak);
/* The series of another aggregate with the same key as like, or NULL. */
const struct agg_series *aggregate_match(const struct aggregate *a, const struct agg_series *like);
/* Two values of p name the same P (NaN, a --cmd row's, equals NaN). */
int agg_same_p(double a, double b);
/* The cell at N, or NULL. */
const struct agg_cell *agg_series_cell(const struct agg_series *s, int n);
/* Set the P that model, ceiling and of_ceiling use (a fitted one, for a --cmd series). */
void agg_series_use_p(struct agg_series *s, double p);
/* "thread/spin p=0.9" or "cmd/exec 'label'" (weak series end in " weak"). */
void agg_series_name(const struct agg_series *s, char *buf, size_t len);
/* Fewest repetitions at any N. */
size_t agg_series_min_reps(const struct agg_series *s);

#endif
