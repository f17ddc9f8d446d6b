/*
 * Inside the sweep: its points and state, shared by sweep.c (the plan and
 * the measuring child), sweep_rows.c (the rows) and sweep_summary.c.
 */
#ifndef AMDAHL_SWEEP_INT_H
#define AMDAHL_SWEEP_INT_H

#include "sweep.h"
#include "../api/timing.h"
#include "../results/csv.h"
#include "../results/rows.h"

struct sweep_point {
	const struct backend *backend;
	const struct workload *workload;
	size_t wi;			/* workload index (calibrated units); unused for a --cmd point */
	double p;
	int n;
	size_t group;			/* backend x workload x p, or one --cmd program */
	size_t base;			/* the group's N = 1 point */
	const struct exec_cmd *cmd;	/* the program of a --cmd point; NULL */
	int failed;
	double *walls, *speedups;	/* per repetition, in rep order */
	int *have;			/* have[rep]: measured */
	struct timing *pending;		/* points order, N = 1: timings held until the median is known */
	char numa_gbps[TIMING_NUMA_MAX];	/* the last repetition's, for the summary */
};

struct sweep_precision;

struct sweep {
	const struct sweep_config *cfg;
	struct sweep_outcome *out;
	struct sweep_point *points;
	size_t npoints;
	struct run_rows rows;		/* every row written, for the summary */
	double t_start;			/* when the run began: --time-budget counts from it */
	struct sweep_precision *prec;	/* --precision; NULL */
};

/* "thread/spin p=0.9 n=2" or "cmd 'zstd' n=2". */
void sweep_point_name(const struct sweep_point *pt, char *buf, size_t len);

/* The run's reporter (sweep_rows.c, sweep_summary.c). */
extern const struct engine_reporter sweep_reporter;
void sweep_summary(void *ctx, const struct engine_outcome *o);
/* Write the rows points order held for the median of an N = 1 point. */
void sweep_flush_pending(struct sweep *s, struct sweep_point *pt);

/*
 * --precision (sweep_precision.c): the units of the target, built from the
 * points; the engine's next_round question; the summary's cells and closing
 * line; what meta.json records.
 */
void sweep_precision_open(struct sweep *s);
void sweep_precision_close(struct sweep *s);
size_t sweep_precision_next(void *ctx, int round, int rounds_left, const double *visit_s, unsigned char *want);
/* A point's repetitions, the relative half-width of its median speedup's interval (NaN: none) and its verdict. */
void sweep_precision_point(const struct sweep *s, size_t point, size_t *reps, double *half, char *verdict,
			   size_t len);
void sweep_precision_report(const struct sweep *s, FILE *fp);
json_t *sweep_precision_meta(const struct sweep *s);

#endif
