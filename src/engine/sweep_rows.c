/*
 * The run's reporter: each repetition that comes back from the engine
 * becomes one whole CSV row, with its speedup against the N = 1 wall of its
 * group — in rounds order the same round's, in points order the median of
 * the N = 1 repetitions (whose own rows wait until that median is known).
 */
#include "sweep_int.h"
#include "../api/backend.h"
#include "../api/workload.h"
#include "../models/models.h"
#include "../models/stats.h"
#include "../base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The row of one repetition, its speedup against base (the N = 1 time it is paired with). */
static void row_of_timing(const struct sweep *s, const struct sweep_point *pt, int rep, const struct timing *t,
			  double base, struct run_row *r)
{
	const struct sweep_config *cfg = s->cfg;
	int weak = cfg->scaling == SCALING_WEAK;
	double n = pt->n;

	run_row_init(r);
	r->backend = pt->backend->name;
	r->workload = pt->workload->name;
	r->label = pt->cmd ? pt->cmd->name : "";
	r->cpus = t->cpus;
	r->col = t->col;
	r->p = pt->p;
	r->n = pt->n;
	r->rep = rep;
	r->wall_s = t->wall_s;
	r->cpu_s = t->cpu_s >= 0 ? t->cpu_s : NAN;	/* < 0: not measured */
	r->speedup = base / t->wall_s;
	if (weak)
		r->speedup *= (1.0 - pt->p) + pt->p * n;
	r->amdahl = weak ? models_gustafson(pt->p, n) : models_amdahl(pt->p, n);
	r->efficiency = r->speedup / n;
	r->cores = cfg->cores;
	/* A workload that waits is not bounded by the cores: no ceiling (workload.h). */
	r->ceiling = !workload_bound_cpu(pt->workload->bound) ? NAN :
		weak ? models_ceiling_weak(pt->p, n, cfg->cores) : models_ceiling(pt->p, n, cfg->cores);
	r->karp_flatt = weak ? NAN : models_karp_flatt(r->speedup, n);
	r->work_s = pt->cmd ? NAN : cfg->work_s;
	r->units = pt->cmd ? 0 : s->out->units[pt->wi];
	r->phases = cfg->phases;
	r->weak = weak;
}

static void write_row(struct sweep *s, struct sweep_point *pt, const struct run_row *r)
{
	if (s->out->write_error)
		return;
	if (csv_write_row(s->cfg->out, r) < 0) {
		s->out->write_error = 1;
		return;
	}
	run_rows_add(&s->rows, r);
	pt->speedups[r->rep] = r->speedup;
	s->out->rows++;
}

/* The median wall of the repetitions a point has. */
static double median_wall(const struct sweep *s, const struct sweep_point *pt)
{
	double *v = xmalloc((size_t)s->cfg->reps * sizeof(*v)), m;
	size_t k = 0;

	for (int r = 0; r < s->cfg->reps; r++)
		if (pt->have[r])
			v[k++] = pt->walls[r];
	m = stats_median(v, k);
	free(v);
	return m;
}

void sweep_flush_pending(struct sweep *s, struct sweep_point *pt)
{
	double base;

	if (!pt->pending)
		return;
	base = median_wall(s, pt);
	for (int r = 0; r < s->cfg->reps; r++) {
		struct run_row row;

		if (!pt->have[r])
			continue;
		row_of_timing(s, pt, r, &pt->pending[r], base, &row);
		write_row(s, pt, &row);
	}
	free(pt->pending);
	pt->pending = NULL;
}

static int on_row(void *ctx, size_t point, int rep, const void *data)
{
	struct sweep *s = ctx;
	struct sweep_point *pt = &s->points[point];
	const struct timing *t = data;
	const struct sweep_point *bp = &s->points[pt->base];
	struct run_row r;

	if (!(t->wall_s > 0))
		return 0;
	pt->walls[rep] = t->wall_s;
	pt->have[rep] = 1;
	snprintf(pt->numa_gbps, sizeof(pt->numa_gbps), "%s", t->numa_gbps);
	if (s->cfg->order == ENGINE_POINTS && pt->n == 1) {
		if (!pt->pending)
			pt->pending = xcalloc((size_t)s->cfg->reps, sizeof(*pt->pending));
		pt->pending[rep] = *t;
		return 0;
	}
	row_of_timing(s, pt, rep, t, s->cfg->order == ENGINE_POINTS ? median_wall(s, bp) : bp->walls[rep], &r);
	write_row(s, pt, &r);
	return 0;
}

static void on_visit_end(void *ctx, size_t point)
{
	struct sweep *s = ctx;

	sweep_flush_pending(s, &s->points[point]);
}

static void on_failure(void *ctx, size_t point, const struct engine_failure *f)
{
	struct sweep *s = ctx;
	char name[400];

	sweep_point_name(&s->points[point], name, sizeof(name));
	errorf("point %s failed: %s", name, f->why);
	s->points[point].failed = 1;
	s->out->failed_points++;
}

const struct engine_reporter sweep_reporter = {
	.row = on_row,
	.visit_end = on_visit_end,
	.failure = on_failure,
	.summary = sweep_summary,
};
