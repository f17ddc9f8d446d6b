/*
 * The run's summary on stderr: hyperfine-style warnings for points whose
 * repetitions spread wide, then one line per point — median wall, median
 * speedup, the law, the machine's ceiling and the fraction of it attained —
 * with the SMT marks.
 */
#include "sweep_int.h"
#include "../api/backend.h"
#include "../api/workload.h"
#include "../base/topology.h"
#include "../base/util.h"
#include "../models/models.h"
#include "../models/stats.h"

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

/* With SMT, the rows at N = physical cores and N = hardware threads are marked. */
static int has_smt(const struct sweep_config *cfg)
{
	const struct topology_placement *pl = cfg->placement;

	return pl && pl->physical_cores > 0 && pl->hw_threads > pl->physical_cores;
}

static const char *smt_mark(const struct sweep_config *cfg, int n)
{
	if (!has_smt(cfg))
		return "";
	return n == cfg->placement->physical_cores ? "  <- N = physical cores" :
		n == cfg->placement->hw_threads ? "  <- N = hardware threads" : "";
}

static void print_point(const struct sweep *s, const struct sweep_point *pt)
{
	const struct sweep_config *cfg = s->cfg;
	double *w = xmalloc((size_t)cfg->reps * sizeof(double)), *sp = xmalloc((size_t)cfg->reps * sizeof(double));
	const char *what = pt->cmd ? pt->cmd->name : pt->workload->name;
	int weak = cfg->scaling == SCALING_WEAK;
	double model, ceiling, msp;
	size_t k = 0;

	for (int r = 0; r < cfg->reps; r++)
		if (pt->have[r] && pt->speedups[r] > 0) {
			w[k] = pt->walls[r];
			sp[k++] = pt->speedups[r];
		}
	if (k == 0) {
		/* padded to the precision cells when they follow */
		fprintf(stderr, "%-8s %-12.12s %6g %5d %10s%*s", pt->backend->name, what, pt->p, pt->n,
			pt->failed ? "failed" : "skipped", s->prec ? 35 : 0, "");
	} else if (pt->cmd) {	/* a program's P is unknown: `amdahl fit` estimates it */
		fprintf(stderr, "%-8s %-12.12s %6s %5d %10.4f %8.3f %8s %8s %7s", pt->backend->name, what, "-",
			pt->n, stats_median(w, k), stats_median(sp, k), "-", "-", "-");
	} else {
		model = weak ? models_gustafson(pt->p, pt->n) : models_amdahl(pt->p, pt->n);
		ceiling = weak ? models_ceiling_weak(pt->p, pt->n, cfg->cores) : models_ceiling(pt->p, pt->n, cfg->cores);
		msp = stats_median(sp, k);
		fprintf(stderr, "%-8s %-12.12s %6g %5d %10.4f %8.3f %8.3f %8.3f %7.3f", pt->backend->name, what,
			pt->p, pt->n, stats_median(w, k), msp, model, ceiling, msp / ceiling);
	}
	if (s->prec) {
		char cells[128];

		sweep_precision_cells(s, (size_t)(pt - s->points), cells, sizeof(cells));
		fprintf(stderr, " %s", cells);
	}
	fprintf(stderr, "%s\n", smt_mark(cfg, pt->n));
	if (pt->numa_gbps[0])
		fprintf(stderr, "%22s GB/s per NUMA node (last repetition): %s\n", "", pt->numa_gbps);
	free(w);
	free(sp);
}

void sweep_summary(void *ctx, const struct engine_outcome *o)
{
	const struct sweep *s = ctx;
	const struct sweep_config *cfg = s->cfg;

	(void)o;
	if (cfg->quiet)
		return;
	for (size_t i = 0; i < s->npoints; i++)
		warn_noise(s, &s->points[i]);
	fprintf(stderr, "%-8s %-12s %6s %5s %10s %8s %8s %8s %7s%s\n", "backend", "workload", "p", "n", "median_s",
		"speedup", "model", "ceiling", "of_ceil", s->prec ? "  reps     ±%  reached" : "");
	for (size_t i = 0; i < s->npoints; i++)
		print_point(s, &s->points[i]);
	if (s->prec)
		sweep_precision_report(s, stderr);
	if (has_smt(cfg))
		fprintf(stderr, "SMT: N = %d physical cores, N = %d hardware threads in the affinity mask; the "
			"ceiling counts hardware threads, which share their core\n", cfg->placement->physical_cores,
			cfg->placement->hw_threads);
}
