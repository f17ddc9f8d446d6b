/*
 * The sweep's plan for the engine: the points of a run (backend x workload x
 * P x N, and --cmd program x N), the N = 1 point each depends on, and what a
 * visit does in its child — the workload's setup, warm-ups, then timed
 * repetitions of backend->run, one message each. Calibration runs before,
 * one isolated child per workload; --setup commands once per program.
 */
#define _GNU_SOURCE
#include "sweep_int.h"
#include "calibrate.h"
#include "stack.h"
#include "../base/stop.h"
#include "../api/backend.h"
#include "../api/workload.h"
#include "../base/clock.h"
#include "../base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct timing) <= ENGINE_DATA_MAX, "a timing must fit an engine message");

void sweep_point_name(const struct sweep_point *pt, char *buf, size_t len)
{
	if (pt->cmd)
		snprintf(buf, len, "cmd '%s' n=%d", pt->cmd->name, pt->n);
	else
		snprintf(buf, len, "%s/%s p=%g n=%d", pt->backend->name, pt->workload->name, pt->p, pt->n);
}

static void job_init_for(struct job *job, const struct sweep_config *cfg, const struct workload *w, double p,
			 uint64_t units, int max_workers)
{
	job_init(job, w, cfg->params, p, cfg->phases, cfg->scaling, units, max_workers);
	job->seed = cfg->seed;
	job->placement = cfg->placement;
}

/* ---- the measuring child ---- */

/* One repetition; with cal (the speedup stack on), the job's records are
 * reset before it and read after it, outside the timed region. */
static int measure_once(const struct backend *b, const struct workload *w, struct job *job, int n,
			const struct calibration *cal, struct timing *t)
{
	double c0, t0, t1, c1;
	int rc;

	timing_init(t);
	job->nworkers = n;
	if (w->begin)
		w->begin(job);
	if (b->prepare && b->prepare(w, job, n) < 0)
		return -1;
	job_cpus_reset(job);
	if (job->records)
		stack_begin(job);
	c0 = clock_cpu(1);
	t0 = clock_now();
	rc = b->run(w, job, n, t);
	t1 = clock_now();
	c1 = clock_cpu(1);
	if (rc < 0)
		return -1;
	job_cpus_format(job, t->cpus, sizeof(t->cpus));
	if (t->wall_s == 0)
		t->wall_s = t1 - t0;
	if (t->cpu_s < 0)
		t->cpu_s = c1 - c0;
	if (w->report)
		w->report(job, t);
	if (job->records)
		stack_end(job, b, cal, t0, t1, t);
	return 0;
}

/* Warm-ups of one visit. A --cmd program is a fresh process every run, so
 * only its first visit warms up (the file cache); a workload warms every
 * visit, since every visit is a fresh measuring process. */
static int visit_warmups(void *ctx, size_t point, int first)
{
	const struct sweep *s = ctx;

	return s->points[point].cmd && first > 0 ? 0 : s->cfg->warmup;
}

static int visit_child(void *ctx, size_t point, int first, int n, struct engine_child *ch)
{
	const struct sweep *s = ctx;
	const struct sweep_point *pt = &s->points[point];
	const struct workload *w = pt->workload;
	const struct calibration *cal = pt->cmd ? NULL : &s->out->calib[pt->wi];
	struct timing t;
	struct job job;

	job_init_for(&job, s->cfg, w, pt->p, pt->cmd ? 0 : s->out->units[pt->wi], pt->n);
	job.cmd = pt->cmd;
	if (s->cfg->explain && stack_open(&job) < 0)
		return engine_child_error(ch, job.err);
	/* Pinned before setup, so the workload's memory is first touched (and so
	 * placed, on NUMA machines) where the serial part will run. */
	job_worker_start(&job, -1);
	if (w->setup && w->setup(&job) < 0)
		return engine_child_error(ch, job.err);
	for (int i = 0; i < visit_warmups(ctx, point, first); i++) {
		if (measure_once(pt->backend, w, &job, pt->n, cal, &t) < 0)
			return engine_child_error(ch, job.err);
		if (engine_child_warmup(ch) < 0)
			return 1;
	}
	for (int r = first; r < first + n; r++) {
		if (measure_once(pt->backend, w, &job, pt->n, cal, &t) < 0)
			return engine_child_error(ch, job.err);
		if (engine_child_rep(ch, r, &t) < 0)
			return 1;
	}
	if (w->teardown)
		w->teardown(&job);
	if (job.records)
		stack_close(&job);
	return 0;
}

/* ---- the plan's questions ---- */

static size_t point_base(void *ctx, size_t point)
{
	const struct sweep *s = ctx;

	return s->points[point].base;
}

static double point_timeout(void *ctx, size_t point)
{
	const struct sweep *s = ctx;

	(void)point;
	return s->cfg->timeout_s;
}

static void point_name(void *ctx, size_t point, char *buf, size_t len)
{
	const struct sweep *s = ctx;

	sweep_point_name(&s->points[point], buf, len);
}

/* ---- before the points: calibration and --setup ---- */

struct calib_args {
	const struct sweep_config *cfg;
	const struct workload *w;
};

static int calib_child(void *arg, struct engine_child *ch)
{
	const struct calib_args *ca = arg;
	struct job job;
	struct calibration cal;

	job_init_for(&job, ca->cfg, ca->w, 1.0, 1, 1);
	if (ca->w->setup && ca->w->setup(&job) < 0)
		return engine_child_error(ch, job.err);
	if (calibrate_measure(&job, &cal) < 0)
		return engine_child_error(ch, job.err);
	engine_child_rep(ch, 0, &cal);
	if (ca->w->teardown)
		ca->w->teardown(&job);
	return 0;
}

static int calibrate_all(struct sweep *s)
{
	const struct sweep_config *cfg = s->cfg;
	char why[ENGINE_TEXT_MAX + 256];

	for (size_t i = 0; i < cfg->nworkloads; i++) {
		struct calib_args ca = { cfg, cfg->workloads[i] };
		enum engine_once_status rc;
		struct calibration cal = { 0 };
		double rate;

		if (ca.w->needs & WORKLOAD_EXTERNAL)
			continue;	/* a program has no units to calibrate */
		rc = engine_once(calib_child, &ca, sizeof(cal), &cal, cfg->timeout_s, why, sizeof(why));
		rate = cal.rate;
		if (rc == ENGINE_ONCE_INTERRUPTED) {
			s->out->interrupted = 1;
			return -1;
		}
		if (rc != ENGINE_ONCE_OK || !(rate > 0)) {
			errorf("calibration of workload '%s' failed: %s", ca.w->name,
			       rc == ENGINE_ONCE_OK ? "no measurable rate" : why);
			s->out->failed_points++;
			return -1;
		}
		s->out->rates[i] = rate;
		s->out->calib[i] = cal;
		s->out->units[i] = calibrate_units(rate, cfg->work_s);
	}
	return 0;
}

/* --setup runs once per program, before any of its measurements. */
static int run_setups(struct sweep *s)
{
	char err[1024];

	for (size_t i = 0; i < s->npoints; i++) {
		struct sweep_point *pt = &s->points[i];
		if (!pt->cmd || !pt->cmd->setup || pt->n != 1)
			continue;
		if (exec_helper("--setup", pt->cmd->setup, 1, pt->cmd->show_output, err, sizeof(err)) < 0) {
			errorf("cmd '%s': %s", pt->cmd->name, err);
			for (size_t j = 0; j < s->npoints; j++)
				if (s->points[j].cmd == pt->cmd)
					s->points[j].failed = 1;
			s->out->failed_points++;
		}
		if (stop_flag) {
			s->out->interrupted = 1;
			return -1;
		}
	}
	return 0;
}

/* ---- the points ---- */

static struct sweep_point *add_point(struct sweep *s, const struct backend *b, const struct workload *w,
				     size_t wi, double p, int n, size_t group)
{
	struct sweep_point *pt = &s->points[s->npoints++];
	int reps = s->cfg->reps;

	*pt = (struct sweep_point){ .backend = b, .workload = w, .wi = wi, .p = p, .n = n, .group = group };
	pt->walls = xcalloc((size_t)reps, sizeof(double));
	pt->speedups = xcalloc((size_t)reps, sizeof(double));
	pt->have = xcalloc((size_t)reps, sizeof(int));
	return pt;
}

/* Every point, and each one's base: the N = 1 point of its group. The
 * built-in groups come first, then one group per --cmd program. */
static void build_points(struct sweep *s)
{
	const struct sweep_config *cfg = s->cfg;
	size_t g = 0, groups = cfg->nbackends * cfg->nworkloads * cfg->ps.len + cfg->ncmds;

	s->points = xcalloc(groups * cfg->ns.len + 1, sizeof(*s->points));
	s->npoints = 0;
	for (size_t b = 0; b < cfg->nbackends; b++)
		for (size_t w = 0; w < cfg->nworkloads; w++)
			for (size_t p = 0; p < cfg->ps.len; p++, g++)
				for (size_t n = 0; n < cfg->ns.len; n++)
					add_point(s, cfg->backends[b], cfg->workloads[w], w, cfg->ps.v[p], cfg->ns.v[n], g);
	/* A program has no P and no calibrated units (wi is unused). */
	for (size_t c = 0; c < cfg->ncmds; c++, g++)
		for (size_t n = 0; n < cfg->ns.len; n++)
			add_point(s, cfg->cmd_backend, cfg->cmd_workload, 0, NAN, cfg->ns.v[n], g)->cmd = &cfg->cmds[c];
	for (size_t i = 0; i < s->npoints; i++)
		for (size_t j = 0; j < s->npoints; j++)
			if (s->points[j].group == s->points[i].group && s->points[j].n == 1)
				s->points[i].base = j;
}

static void free_points(struct sweep *s)
{
	for (size_t i = 0; i < s->npoints; i++) {
		free(s->points[i].walls);
		free(s->points[i].speedups);
		free(s->points[i].have);
		free(s->points[i].pending);
	}
	free(s->points);
}

/* The points whose --setup failed are not visited. */
static int point_skip(void *ctx, size_t point)
{
	const struct sweep *s = ctx;

	return s->points[point].failed;
}

static int measure(struct sweep *s)
{
	const struct sweep_config *cfg = s->cfg;
	struct engine_plan plan = {
		.ctx = s, .npoints = s->npoints, .reps = cfg->reps, .order = cfg->order, .seed = cfg->seed,
		.data_size = sizeof(struct timing), .visit = visit_child, .warmups = visit_warmups,
		.base = point_base, .skip = point_skip, .timeout = point_timeout, .name = point_name,
	};
	struct engine_reporter rep = sweep_reporter;
	struct engine_outcome eo;
	int rc;

	if (s->prec)
		plan.next_round = sweep_precision_next;
	rep.ctx = s;
	rc = engine_run(&plan, &rep, cfg->progress && !cfg->quiet, &eo);
	s->out->interrupted |= eo.interrupted;
	return rc;
}

int sweep_run(const struct sweep_config *cfg, struct sweep_outcome *out)
{
	struct sweep s = { .cfg = cfg, .out = out, .t_start = clock_now() };
	int rc;

	memset(out, 0, sizeof(*out));
	out->units = xcalloc(cfg->nworkloads, sizeof(*out->units));
	out->rates = xcalloc(cfg->nworkloads, sizeof(*out->rates));
	out->calib = xcalloc(cfg->nworkloads, sizeof(*out->calib));
	if (csv_write_header(cfg->out) < 0 || fflush(cfg->out) != 0) {
		out->write_error = 1;
		return -1;
	}
	if (calibrate_all(&s) < 0) {
		out->elapsed_s = clock_now() - s.t_start;
		return -1;
	}
	run_rows_init(&s.rows);
	build_points(&s);
	if (cfg->precision > 0 && cfg->order == ENGINE_ROUNDS)
		sweep_precision_open(&s);
	rc = run_setups(&s);
	if (rc == 0)
		rc = measure(&s);
	if (s.prec)
		out->precision = sweep_precision_meta(&s);
	sweep_precision_close(&s);
	free_points(&s);
	run_rows_free(&s.rows);
	out->elapsed_s = clock_now() - s.t_start;
	if (rc < 0 || out->failed_points || out->write_error)
		return -1;
	return 0;
}

void sweep_outcome_free(struct sweep_outcome *out)
{
	free(out->units);
	free(out->rates);
	free(out->calib);
	json_decref(out->precision);
	out->units = NULL;
	out->rates = NULL;
	out->calib = NULL;
	out->precision = NULL;
}
