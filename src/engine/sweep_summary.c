/*
 * The run's summary on stderr: hyperfine-style warnings for points whose
 * repetitions spread wide, then src/results/summary.c's table of the rows
 * written, one line per planned point (median wall, median of the paired
 * speedups, the law, the machine's ceiling and the fraction of it attained),
 * with its legend and the SMT marks; with --precision, each point's
 * repetitions and precision, and a line on what was reached.
 */
#include "sweep_int.h"
#include "../api/backend.h"
#include "../api/workload.h"
#include "../base/topology.h"
#include "../base/util.h"
#include "../results/summary.h"

#include <math.h>
#include <stdlib.h>

/* Wide spread, or outliers by the modified z-score (worded by summary_noise). */
static void warn_noise(const struct sweep *s, const struct sweep_point *pt)
{
	double *v = xmalloc((size_t)s->cfg->reps * sizeof(*v));
	size_t k = 0;
	char name[400], msg[600];

	for (int r = 0; r < s->cfg->reps; r++)
		if (pt->have[r])
			v[k++] = pt->walls[r];
	sweep_point_name(pt, name, sizeof(name));
	if (summary_noise(name, v, k, s->cfg->cv_warn, msg, sizeof(msg)))
		warnf("%s", msg);
	free(v);
}

/* The summary (src/results/summary.c) of the rows written, one line a planned point. */
static void print_points(const struct sweep *s)
{
	const struct sweep_config *cfg = s->cfg;
	const struct topology_placement *pl = cfg->placement;
	struct summary_point *pts = xcalloc(s->npoints ? s->npoints : 1, sizeof(*pts));
	char (*notes)[TIMING_NUMA_MAX + 64] = xcalloc(s->npoints ? s->npoints : 1, sizeof(*notes));
	char (*verdicts)[64] = xcalloc(s->npoints ? s->npoints : 1, sizeof(*verdicts));
	struct summary_opts o = { .points = pts, .npoints = s->npoints, .precision = s->prec != NULL };

	for (size_t i = 0; i < s->npoints; i++) {
		const struct sweep_point *pt = &s->points[i];
		if (pt->numa_gbps[0])
			snprintf(notes[i], sizeof(notes[i]), "GB/s per NUMA node (last repetition): %s", pt->numa_gbps);
		pts[i] = (struct summary_point){ .backend = pt->backend->name, .workload = pt->workload->name,
			.label = pt->cmd ? pt->cmd->name : "", .p = pt->p, .n = pt->n,
			.weak = cfg->scaling == SCALING_WEAK, .failed = pt->failed,
			.note = notes[i][0] ? notes[i] : NULL };
		if (s->prec) {
			sweep_precision_point(s, i, &pts[i].reps, &pts[i].half, verdicts[i], sizeof(verdicts[i]));
			pts[i].verdict = verdicts[i];
		}
	}
	if (pl && pl->physical_cores > 0 && pl->hw_threads > pl->physical_cores) {
		o.physical_cores = pl->physical_cores;
		o.hw_threads = pl->hw_threads;
	}
	summary_print(stderr, &s->rows, &o);
	if (s->prec)
		sweep_precision_report(s, stderr);
	free(verdicts);
	free(notes);
	free(pts);
}

void sweep_summary(void *ctx, const struct engine_outcome *o)
{
	const struct sweep *s = ctx;

	(void)o;
	if (s->cfg->quiet)
		return;
	for (size_t i = 0; i < s->npoints; i++)
		warn_noise(s, &s->points[i]);
	print_points(s);
}
