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
#include "../models/stats.h"
#include "../results/summary.h"

#include <math.h>
#include <stdlib.h>

/* Wide spread, or outliers by the modified z-score. */
static void warn_noise(const struct sweep *s, const struct sweep_point *pt)
{
	double *v = xmalloc((size_t)s->cfg->reps * sizeof(*v));
	struct stats_noise nz;
	size_t k = 0;
	char name[400];

	for (int r = 0; r < s->cfg->reps; r++)
		if (pt->have[r])
			v[k++] = pt->walls[r];
	sweep_point_name(pt, name, sizeof(name));
	/* One threshold for both: a spread or an outlier smaller than --cv-warn is not worth a word. */
	if (stats_noise(v, k, s->cfg->cv_warn, &nz) && nz.wide)
		warnf("point %s: wide spread (CV %.1f%%, above --cv-warn %g%%) over %zu repetitions; the machine may "
		      "be busy", name, 100 * nz.cv, 100 * s->cfg->cv_warn, k);
	else if (nz.outliers)
		warnf("point %s: %zu outlier%s of %zu repetitions, up to %.1f%% from the median (above --cv-warn "
		      "%g%%); the machine may be busy", name, nz.outliers, nz.outliers == 1 ? "" : "s", k,
		      100 * nz.worst, 100 * s->cfg->cv_warn);
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
