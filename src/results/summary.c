/*
 * The run summary (summary.h): the rows aggregated, one table line per
 * point, printed through the emitter, then the legend and the notes.
 */
#include "summary.h"
#include "aggregate.h"
#include "emit.h"
#include "../base/util.h"

#include <math.h>
#include <string.h>

static const struct emit_col summary_cols[] = {
	{ .name = "backend" },
	{ .name = "workload" },
	{ .name = "p", .fmt = "%g" },
	{ .name = "n", .fmt = "%g" },
	{ .name = "median_s", .fmt = "%.4f" },
	{ .name = "median_speedup", .fmt = "%.3f" },
	{ .name = "model", .fmt = "%.3f" },
	{ .name = "ceiling", .fmt = "%.3f" },
	{ .name = "of_ceiling", .fmt = "%.3f" },
	{ .name = "smt", .title = "" },
};

static const char summary_legend[] =
	"median_speedup: the median over the repetitions of the CSV's speedup column (each one the N=1 time\n"
	"  it is paired with, divided by its own), not median_s(1)/median_s(n); model: Amdahl's law at p\n"
	"  (Gustafson's with --scaling weak); ceiling: the law at min(n, cores), what the usable cores can\n"
	"  give (none for a workload that waits); of_ceiling: median_speedup / ceiling\n";


static const char *smt_mark(const struct summary_opts *o, int n)
{
	if (!(o->physical_cores > 0 && o->hw_threads > o->physical_cores))
		return "";
	return n == o->physical_cores ? "<- N = physical cores" : n == o->hw_threads ? "<- N = hardware threads" : "";
}

/* One line: a measured cell, or a planned point without one (failed or skipped). */
static void summary_line(struct emit_table *t, const struct summary_opts *o, const char *backend,
			 const char *what, double p, int n, const struct agg_cell *c, int failed)
{
	emit_text(t, backend);
	emit_text(t, what);
	if (isnan(p))
		emit_text(t, "-");	/* a program's P is unknown: `amdahl fit` estimates it */
	else
		emit_num(t, p);
	emit_num(t, n);
	if (c && c->reps) {
		emit_num(t, c->wall.median);
		emit_num(t, c->speedup.median);
		emit_num(t, c->model);
		emit_num(t, c->ceiling);
		emit_num(t, c->of_ceiling);
	} else {
		emit_text(t, failed ? "failed" : "skipped");
		for (int i = 0; i < 4; i++)
			emit_text(t, "");
	}
	emit_text(t, smt_mark(o, n));
}

/*
 * How much of the workers' capacity at N <= cores went to waiting for a CPU
 * (the stack's starved part over n * wall_s): there the workers had a CPU
 * each, so what they waited was other load's. A noisy measurement told apart
 * from a program that scales badly; nothing when no row knows the part.
 */
static void summary_starved(FILE *fp, const struct run_rows *rows)
{
	double waited = 0, capacity = 0;

	for (size_t i = 0; i < rows->len; i++) {
		const struct run_row *r = &rows->v[i];
		double q = run_row_col(r, "starved_s");

		if (isfinite(q) && r->n <= r->cores && r->wall_s > 0) {
			waited += q;
			capacity += r->n * r->wall_s;
		}
	}
	if (!(capacity > 0))
		return;
	fprintf(fp, "%.0f%% of the workers' time was spent waiting for a CPU at N <= cores: %s\n",
		100 * waited / capacity, waited / capacity >= SUMMARY_BUSY ?
		"the machine was busy, and the speedups there are lower than the program's (amdahl explain)" :
		"the machine was quiet enough");
}

int summary_print(FILE *fp, const struct run_rows *rows, const struct summary_opts *o)
{
	struct emit_table *t = emit_new(summary_cols, ARRAY_SIZE(summary_cols));
	struct aggregate a;
	int rc;

	aggregate_rows(rows, &a);
	if (o->points) {
		for (size_t i = 0; i < o->npoints; i++) {
			const struct summary_point *pt = &o->points[i];
			const struct agg_series *s = aggregate_find(&a, pt->backend, pt->workload,
								    pt->label ? pt->label : "", pt->p, pt->weak);
			const char *what = pt->label && pt->label[0] ? pt->label : pt->workload;

			summary_line(t, o, pt->backend, what, pt->p, pt->n, s ? agg_series_cell(s, pt->n) : NULL,
				     pt->failed);
		}
	} else {
		for (size_t i = 0; i < a.nseries; i++) {
			const struct agg_series *s = &a.series[i];
			for (size_t j = 0; j < s->ncells; j++)
				summary_line(t, o, s->backend, s->label[0] ? s->label : s->workload, s->p,
					     s->cells[j].n, &s->cells[j], 0);
		}
	}
	rc = emit_print(t, EMIT_TABLE, fp);
	fputs(summary_legend, fp);
	for (size_t i = 0; o->points && i < o->npoints; i++) {
		const struct summary_point *pt = &o->points[i];
		if (pt->note && pt->note[0])
			fprintf(fp, "%s/%s p=%g n=%d: %s\n", pt->backend, pt->workload, pt->p, pt->n, pt->note);
	}
	summary_starved(fp, rows);
	if (o->physical_cores > 0 && o->hw_threads > o->physical_cores)
		fprintf(fp, "SMT: N = %d physical cores, N = %d hardware threads in the affinity mask; the "
			"ceiling counts hardware threads, which share their core\n", o->physical_cores, o->hw_threads);
	emit_free(t);
	aggregate_free(&a);
	return rc < 0 || ferror(fp) ? -1 : 0;
}
