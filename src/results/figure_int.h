/*
 * Inside the figures of run rows: a figure set and its series, shared by
 * figure.c (grouping, names, drawing) and figure_table.c (the text table).
 */
#ifndef AMDAHL_FIGURE_INT_H
#define AMDAHL_FIGURE_INT_H

#include "figure.h"

/*
 * Amdahl's P fitted to a --cmd series (which has no P of its own), with the
 * bootstrap interval; ok is 0 when it could not be fitted (one N only).
 */
struct pfit {
	int ok;
	double p, lo, hi, r2;	/* lo, hi: NaN when the bootstrap failed */
};

/* One line on a figure: a series of the aggregate (a backend, from one file). */
struct plot_series {
	struct agg_series *s;
	int order;		/* the backend's place in the registry, for a stable order */
	char name[96];
	int lt;			/* gnuplot line type, 1..8 */
	struct pfit fit;	/* --cmd series: P fitted to its wall times */
};

/* One set of figures: a workload at one P (or one --cmd program). */
struct figure_set {
	const char *workload, *label;
	double p;		/* NaN for --cmd rows */
	int weak;
	enum workload_bound bound;
	double cores;
	int nmax;
	size_t reps;		/* most repetitions of any point */
	size_t reps_min;	/* fewest (points measured to a precision differ) */
	double smin, smax;	/* measured speedups, for the y range */
	double work;		/* the work_s of every row, else NaN */
	struct plot_series *ser;
	size_t nser;
	struct pfit fit;	/* --cmd sets of one series: that series' fit */
	char base[160];		/* the file name after "<figure>-" */
};

struct figures {
	struct figure_set *sets;
	size_t nsets;
};

#endif
