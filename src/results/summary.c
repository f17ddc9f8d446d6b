/*
 * The run summary (summary.h): the rows aggregated, one table line per
 * point, printed through the emitter, then the legend and the notes.
 */
#include "summary.h"
#include "aggregate.h"
#include "emit.h"
#include "../api/column.h"
#include "../base/util.h"
#include "../models/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* With run --precision, before the SMT mark. */
static const struct emit_col precision_cols[] = {
	{ .name = "reps", .fmt = "%g" },
	{ .name = "half_width_pct", .title = "±%", .fmt = "%.1f" },
	{ .name = "reached" },
};

static const char summary_legend[] =
	"median_speedup: the median over the repetitions of the CSV's speedup column (each one the N=1 time\n"
	"  it is paired with, divided by its own), not median_s(1)/median_s(n); model: Amdahl's law at p\n"
	"  (Gustafson's with --scaling weak); ceiling: the law at min(n, cores), what the usable cores can\n"
	"  give (none for a workload that waits); of_ceiling: median_speedup / ceiling\n";

static const char precision_legend[] =
	"reps: the rounds a point was measured in; ±%: the half-width of the 95% interval of its median\n"
	"  speedup (order statistics), in % of it; reached: within --precision, or why not\n";


static const char *smt_mark(const struct summary_opts *o, int n)
{
	if (!(o->physical_cores > 0 && o->hw_threads > o->physical_cores))
		return "";
	return n == o->physical_cores ? "<- N = physical cores" : n == o->hw_threads ? "<- N = hardware threads" : "";
}

/* One line: a measured cell, or a planned point without one (failed or skipped). */
static void summary_line(struct emit_table *t, const struct summary_opts *o, const char *backend,
			 const char *what, double p, int n, const struct agg_cell *c, int failed,
			 const struct summary_point *pt)
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
	if (o->precision) {
		emit_num(t, pt ? (double)pt->reps : NAN);
		emit_num(t, pt ? 100 * pt->half : NAN);
		emit_text(t, pt && pt->verdict ? pt->verdict : "");
	}
	emit_text(t, smt_mark(o, n));
}

int summary_noise(const char *point, const double *walls, size_t k, double cv_warn, char *buf, size_t len)
{
	struct stats_noise nz;

	/* One threshold for both: a spread or an outlier smaller than --cv-warn is not worth a word.
	 * An outlier is not blamed on other load: on a quiet box a repetition of 320 fresh
	 * threads, or of a timer's sleeps, has one now and then; whether the machine was busy
	 * is the waiting-for-a-CPU line's to say (summary_starved). */
	if (stats_noise(walls, k, cv_warn, &nz) && nz.wide)
		snprintf(buf, len, "point %s: wide spread (CV %.1f%%, above --cv-warn %g%%) over %zu repetitions; the "
			 "machine may be busy", point, 100 * nz.cv, 100 * cv_warn, k);
	else if (nz.outliers)
		snprintf(buf, len, "point %s: %zu outlier%s of %zu repetitions, up to %.1f%% from the median (above "
			 "--cv-warn %g%%)", point, nz.outliers, nz.outliers == 1 ? "" : "s", k,
			 100 * nz.worst, 100 * cv_warn);
	else
		return 0;
	return 1;
}

/*
 * The starved part over n * wall_s at N <= cores: there the workers had a
 * CPU each, so what they waited was other load's. A noisy measurement told
 * apart from a program that scales badly.
 */
int summary_starved(const struct run_rows *rows, long file, char *buf, size_t len, int *busy)
{
	double waited = 0, capacity = 0;
	int id = column_id("starved_s");

	for (size_t i = 0; i < rows->len; i++) {
		const struct run_row *r = &rows->v[i];
		double q = run_row_col_id(r, id);

		if (isfinite(q) && r->n <= r->cores && r->wall_s > 0 && (file < 0 || r->file == (unsigned long)file)) {
			waited += q;
			capacity += r->n * r->wall_s;
		}
	}
	if (!(capacity > 0))
		return 0;
	*busy = waited / capacity >= SUMMARY_BUSY;
	snprintf(buf, len, "%.0f%% of the workers' time was spent waiting for a CPU at N <= cores: %s",
		 100 * waited / capacity, *busy ?
		 "the machine was busy, and the speedups there are lower than the program's (amdahl explain)" :
		 "the machine was quiet enough");
	return 1;
}

/* The columns: the summary's, with the precision's before the last (the SMT mark) when asked. */
static struct emit_col *summary_columns(const struct summary_opts *o, size_t *n)
{
	size_t base = ARRAY_SIZE(summary_cols) - 1, extra = o->precision ? ARRAY_SIZE(precision_cols) : 0;
	struct emit_col *cols = xcalloc(base + extra + 1, sizeof(*cols));

	memcpy(cols, summary_cols, base * sizeof(*cols));
	memcpy(cols + base, precision_cols, extra * sizeof(*cols));
	cols[base + extra] = summary_cols[base];
	*n = base + extra + 1;
	return cols;
}

int summary_print(FILE *fp, const struct run_rows *rows, const struct summary_opts *o)
{
	size_t ncols;
	struct emit_col *cols = summary_columns(o, &ncols);
	struct emit_table *t = emit_new(cols, ncols);
	struct aggregate a;
	char line[300];
	int rc, busy;

	aggregate_rows(rows, &a);
	if (o->points) {
		for (size_t i = 0; i < o->npoints; i++) {
			const struct summary_point *pt = &o->points[i];
			const struct agg_series *s = aggregate_find(&a, pt->backend, pt->workload,
								    pt->label ? pt->label : "", pt->p, pt->weak);
			const char *what = pt->label && pt->label[0] ? pt->label : pt->workload;

			summary_line(t, o, pt->backend, what, pt->p, pt->n, s ? agg_series_cell(s, pt->n) : NULL,
				     pt->failed, pt);
		}
	} else {
		for (size_t i = 0; i < a.nseries; i++) {
			const struct agg_series *s = &a.series[i];
			for (size_t j = 0; j < s->ncells; j++)
				summary_line(t, o, s->backend, s->label[0] ? s->label : s->workload, s->p,
					     s->cells[j].n, &s->cells[j], 0, NULL);
		}
	}
	rc = emit_print(t, EMIT_TABLE, fp);
	fputs(summary_legend, fp);
	if (o->precision)
		fputs(precision_legend, fp);
	for (size_t i = 0; o->points && i < o->npoints; i++) {
		const struct summary_point *pt = &o->points[i];
		if (pt->note && pt->note[0])
			fprintf(fp, "%s/%s p=%g n=%d: %s\n", pt->backend, pt->workload, pt->p, pt->n, pt->note);
	}
	if (summary_starved(rows, -1, line, sizeof(line), &busy))
		fprintf(fp, "%s\n", line);
	if (o->physical_cores > 0 && o->hw_threads > o->physical_cores)
		fprintf(fp, "SMT: N = %d physical cores, N = %d hardware threads in the affinity mask; the "
			"ceiling counts hardware threads, which share their core\n", o->physical_cores, o->hw_threads);
	emit_free(t);
	free(cols);
	aggregate_free(&a);
	return rc < 0 || ferror(fp) ? -1 : 0;
}
