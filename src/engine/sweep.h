/*
 * The sweep: what `amdahl run` measures — backends x workloads x P x N x
 * repetitions and --cmd programs x N, in one plan — run by the engine
 * (engine.h). Each workload is calibrated once, in an isolated child; each
 * visit of a point is a child that sends one message per repetition; the
 * run's reporter (sweep_rows.c) writes each row whole as it arrives, its
 * speedup against the N = 1 time of its group, and a summary goes to stderr
 * at the end (sweep_summary.c).
 */
#ifndef AMDAHL_SWEEP_H
#define AMDAHL_SWEEP_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "../runtime/exec.h"
#include "precision.h"
#include "../api/job.h"
#include "../base/list.h"
#include "../api/params.h"

struct backend;
struct workload;
struct topology_placement;
struct calibration;

struct sweep_config {
	const struct backend **backends;	/* backends x workloads x P: the built-in groups */
	size_t nbackends;			/* (none when only --cmd programs are measured) */
	const struct workload **workloads;
	size_t nworkloads;
	struct dbl_list ps;
	struct int_list ns;		/* must contain 1 */
	int reps, warmup, phases;	/* with precision, reps is --max-reps: the most rounds */
	enum scaling scaling;
	enum engine_order order;
	double work_s, timeout_s;
	double cv_warn;			/* warn when a point's CV exceeds this */
	double precision;		/* --precision: the relative half-width to reach; 0: --reps rounds */
	enum precision_of precision_of;	/* --precision-target */
	double time_budget_s;		/* --time-budget for the whole run; 0: none */
	uint64_t seed;
	const struct params *params;
	const struct exec_cmd *cmds;	/* --cmd programs: one group each, beside the */
	size_t ncmds;			/* built-in groups, run by */
	const struct backend *cmd_backend;	/* the cmd backend */
	const struct workload *cmd_workload;	/* as the exec workload */
	double cores;			/* usable cores: the ceiling and the `cores` column */
	const struct topology_placement *placement;	/* --pin and SMT marks; may be NULL */
	int explain;			/* the speedup stack's parts in every row (docs/explain.md) */
	int quiet;			/* no progress and no summary */
	int progress;			/* redraw a progress line (stderr is a terminal) */
	FILE *out;			/* the CSV: the sweep writes the header and the rows */
};

/* What the sweep did, for meta.json and the exit status. */
struct sweep_outcome {
	size_t rows;			/* rows written */
	size_t failed_points;
	int interrupted;
	int write_error;
	uint64_t *units;		/* calibrated W per workload (nworkloads entries) */
	double *rates;			/* units per second per workload */
	struct calibration *calib;	/* and what a unit costs on and off a CPU */
	double elapsed_s;
	json_t *precision;		/* --precision: the target and what each point reached; NULL */
};

/* Run the whole sweep. Returns 0 when every point was measured. */
int sweep_run(const struct sweep_config *cfg, struct sweep_outcome *out);
void sweep_outcome_free(struct sweep_outcome *out);

#endif
