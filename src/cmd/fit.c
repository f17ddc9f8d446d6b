/*
 * amdahl fit: read run CSVs and fit the models of DESIGN.md to each
 * backend/workload/p group (--cmd groups by label): Amdahl's P from the wall
 * times at N <= cores (Gustafson's for weak scaling), Karp-Flatt at each N,
 * and the Universal Scalability Law's sigma, kappa and peak N*, each with its
 * jackknife interval over rounds (src/models/fit.h). Every file is read and
 * checked before a line is written; what a reader must know about a fit
 * (why an interval is missing, superlinear data, a fit that explains
 * nothing) goes to stderr as a warning.
 */
#include "cmd.h"
#include "../results/aggregate.h"
#include "../results/csv.h"
#include "../results/emit.h"
#include "../models/fit.h"
#include "../base/options.h"
#include "../base/util.h"

#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fit_opts {
	int format, robust, usl;	/* enum emit_format, enum usl_method */
	double level;
};

static const char *const fit_usl_methods[] = { [USL_NLS] = "nls", [USL_LINEAR] = "linear", NULL };

static const struct option_spec fit_specs[] = {
	{ .name = "format", .short_name = 'f', .kind = OPTION_CHOICE, .metavar = "F", .choices = emit_format_names,
	  .def = "table", OPTION_AT(struct fit_opts, format), .help = "table, csv, json or markdown" },
	{ .name = "level", .kind = OPTION_DECIMAL, .flags = OPTION_PERCENT | OPTION_MAX_OPEN, .min = 50, .max = 100,
	  .def = "95", OPTION_AT(struct fit_opts, level), .expect = "a percentage in [50, 100)",
	  .help = "confidence level of the intervals, in percent" },
	{ .name = "robust", .kind = OPTION_FLAG, OPTION_AT(struct fit_opts, robust),
	  .help = "fit Amdahl's line by Tukey's bisquare (iteratively reweighted\nleast squares, "
	  "gsl_multifit_robust): a repetition that other\nwork on the box slowed far beyond the rest weighs little" },
	{ .name = "usl", .kind = OPTION_CHOICE, .metavar = "M", .choices = fit_usl_methods, .def = "nls",
	  OPTION_AT(struct fit_opts, usl), .help = "nls: nonlinear least squares on the speedups (as R's usl);\n"
	  "linear: Gunther's linearisation N/S - 1 = sigma(N-1) + kappa N(N-1)" },
	{ .name = NULL },
};

static const struct options_usage fit_usage = {
	.cmd = "fit",
	.synopsis = "FILE.csv... [--format table|csv|json|markdown]",
	.about = "Fit the scaling models to each backend/workload/p group of run CSVs (groups\n"
		 "of --cmd rows by label), one row per group and file:\n\n"
		 "  p_fit        Amdahl's P: least squares of every repetition's wall time at\n"
		 "               N <= cores on x = 1/N, T = a + b x, P = b/(a+b) (clipped to [0,1]);\n"
		 "               weak-scaling groups: Gustafson's P from the scaled speedups\n"
		 "  p_lo, p_hi   95% interval: jackknife over rounds (the rep column), Student's t;\n"
		 "               none with one repetition at some N (a warning says why)\n"
		 "  r2           R^2 of that fit\n"
		 "  karp_flatt   e(N) = (1/S - 1/N)/(1 - 1/N) of the median speedup at each N\n"
		 "  sigma,kappa  Universal Scalability Law S = gamma N/(1 + sigma(N-1) + kappa N(N-1)),\n"
		 "               nonlinear least squares on the speedups (--usl linear: Gunther's\n"
		 "               linearisation), 0 <= sigma <= 1, kappa >= 0; their intervals as P's\n"
		 "  n_star       its peak, sqrt((1-sigma)/kappa), only when kappa's interval lies above 0",
	.specs = fit_specs,
	.csv_columns = "backend,workload,p,p_fit,p_lo,p_hi,sigma,kappa,n_star,r2,usl_r2,level,model,scaling,"
		       "label,cores,reps,speedup,karp_flatt,file,sigma_lo,sigma_hi,kappa_lo,kappa_hi,usl",
	.args_max = OPTIONS_ANY_ARGS,
};

static const char *model_name(const struct fit_summary *s)
{
	return s->gustafson ? "gustafson" : s->robust ? "amdahl-bisquare" : "amdahl";
}

/* One series of one file with its fitted models. */
struct fit_result {
	const char *file;
	const struct agg_series *s;
	struct fit_summary f;
};

/*
 * The columns of every format: the CSV's (a contract: backend,workload,p,
 * p_fit,p_lo,p_hi,sigma,kappa first) in order, the table's among them.
 */
enum { FIT_COL_CI = 6 };
static const struct emit_col fit_cols[] = {
	{ .name = "backend" },
	{ .name = "workload" },
	{ .name = "p", .fmt = "%.9g", .tfmt = "%g" },
	{ .name = "p_fit", .fmt = "%.6f", .tfmt = "%.4f" },
	{ .name = "p_lo", .fmt = "%.6f", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
	{ .name = "p_hi", .fmt = "%.6f", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
	[FIT_COL_CI] = { .name = "ci", .in = EMIT_TEXT },	/* its title names the level */
	{ .name = "sigma", .fmt = "%.6g", .tfmt = "%.4f" },
	{ .name = "kappa", .fmt = "%.6g", .tfmt = "%.5f" },
	{ .name = "n_star", .fmt = "%.4g", .tfmt = "%.1f" },
	{ .name = "r2", .fmt = "%.6f", .tfmt = "%.4f" },
	{ .name = "usl_r2", .fmt = "%.6f", .tfmt = "%.3f" },
	{ .name = "level", .fmt = "%g", .in = EMIT_IN(EMIT_CSV) },
	{ .name = "model" },
	{ .name = "scaling", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
	{ .name = "label" },
	{ .name = "cores", .fmt = "%g", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
	{ .name = "reps", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
	{ .name = "speedup", .in = EMIT_IN(EMIT_CSV) },
	{ .name = "karp_flatt", .in = EMIT_IN(EMIT_CSV) },
	{ .name = "karp_flatt_short", .title = "karp_flatt e(N)", .in = EMIT_TEXT },
	{ .name = "file", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
	{ .name = "sigma_lo", .fmt = "%.6g", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
	{ .name = "sigma_hi", .fmt = "%.6g", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
	{ .name = "kappa_lo", .fmt = "%.6g", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
	{ .name = "kappa_hi", .fmt = "%.6g", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
	{ .name = "usl", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
	{ .name = "points", .in = EMIT_IN(EMIT_JSON) },
};

/*
 * "2:0.0123 4:0.0456" of a per-N value (Karp-Flatt: N > 1 only), malloc'ed;
 * cut with " ..." past max characters (0: never), so a table stays on screen.
 */
static char *per_n(const struct agg_series *s, int karp_flatt, size_t max)
{
	size_t len = 0, cap = 64;
	char *buf = xmalloc(cap), item[64];

	buf[0] = '\0';
	for (size_t i = 0; i < s->ncells; i++) {
		const struct agg_cell *c = &s->cells[i];
		double v = karp_flatt ? (c->karp_flatt.n ? c->karp_flatt.median : NAN) : c->speedup.median;
		int k;

		if (!c->reps || !isfinite(v))
			continue;
		k = snprintf(item, sizeof(item), "%s%d:%.4g", len ? " " : "", c->n, v);
		if (max && len + (size_t)k + 4 > max) {
			snprintf(item, sizeof(item), " ...");
			k = 4;
			i = s->ncells;
		}
		while (len + (size_t)k + 1 > cap)
			buf = xrealloc(buf, cap *= 2);
		memcpy(buf + len, item, (size_t)k + 1);
		len += (size_t)k;
	}
	return buf;
}

static json_t *points_json(const struct agg_series *s)
{
	json_t *pts = json_array();

	for (size_t i = 0; i < s->ncells; i++) {
		const struct agg_cell *c = &s->cells[i];
		double kf = c->karp_flatt.n ? c->karp_flatt.median : NAN;

		json_array_append_new(pts, json_pack("{s:o,s:I,s:o,s:o}", "n", json_real(c->n), "reps",
			(json_int_t)c->rows, "speedup", c->reps ? json_real(c->speedup.median) : json_null(),
			"karp_flatt", emit_json_number(kf)));
	}
	return pts;
}

static void fit_row(struct emit_table *t, const struct fit_result *r)
{
	const struct agg_series *s = r->s;
	const struct fit_summary *f = &r->f;
	char ci[80], lvl[32], *sp = per_n(s, 0, 0), *kf = per_n(s, 1, 0), *kfs = per_n(s, 1, 72);

	if (isfinite(f->p_lo))
		snprintf(ci, sizeof(ci), "[%.4f, %.4f]", f->p_lo, f->p_hi);
	else
		snprintf(ci, sizeof(ci), "-");
	snprintf(lvl, sizeof(lvl), "%g", f->level);
	emit_text(t, s->backend);
	emit_text(t, s->workload);
	emit_num(t, s->p);
	emit_num(t, f->p_fit);
	emit_num(t, f->p_lo);
	emit_num(t, f->p_hi);
	emit_text(t, ci);
	emit_num(t, f->usl.sigma);
	emit_num(t, f->usl.kappa);
	emit_num(t, f->usl.n_star);
	emit_num(t, f->r2);
	emit_num(t, f->usl.r2);
	emit_json_cell(t, lvl, json_real(f->level));
	emit_text(t, model_name(f));
	emit_text(t, s->weak ? "weak" : "strong");
	emit_text(t, s->label);
	emit_num(t, s->cores);
	emit_int(t, (long long)agg_series_min_reps(s));
	emit_text(t, sp);
	emit_text(t, kf);
	emit_text(t, kfs[0] ? kfs : "-");
	emit_text(t, r->file);
	emit_num(t, f->sigma_ci.lo);
	emit_num(t, f->sigma_ci.hi);
	emit_num(t, f->kappa_ci.lo);
	emit_num(t, f->kappa_ci.hi);
	emit_text(t, usl_method_name(f->usl_method));
	emit_json_cell(t, "", points_json(s));
	free(sp);
	free(kf);
	free(kfs);
}

static int print_fits(const struct fit_result *r, size_t n, enum emit_format fmt, char **files, int nfiles)
{
	struct emit_col cols[ARRAY_SIZE(fit_cols)];
	char ci_title[32];
	struct emit_table *t;
	int rc = 0;

	memcpy(cols, fit_cols, sizeof(cols));
	snprintf(ci_title, sizeof(ci_title), "%d%% CI", (int)lround((n ? r[0].f.level : FIT_LEVEL) * 100));
	cols[FIT_COL_CI].title = ci_title;
	t = emit_new(cols, ARRAY_SIZE(cols));
	for (size_t i = 0; i < n; i++)
		fit_row(t, &r[i]);
	if (fmt == EMIT_JSON) {
		json_t *o = json_object(), *fl = json_array();

		for (int i = 0; i < nfiles; i++)
			json_array_append_new(fl, json_string(files[i]));
		json_object_set_new(o, "files", fl);
		json_object_set_new(o, "interval", json_pack("{s:s,s:f}", "method",
			"jackknife over rounds, Student's t on rounds - 1 degrees of freedom", "level",
			n ? r[0].f.level : FIT_LEVEL));
		json_object_set_new(o, "groups", emit_json(t));
		rc = emit_json_print(o, stdout);
		json_decref(o);
	} else if (fmt == EMIT_CSV || n) {
		rc = emit_print(t, fmt, stdout);
	}
	emit_free(t);
	return rc;
}

/* Fit every series; what a reader must know about a fit goes to stderr (fit_summary_note). */
static struct fit_result *fit_all(const struct aggregate *a, char **files, double level, int robust,
				  enum usl_method usl)
{
	struct fit_result *r = xcalloc(a->nseries ? a->nseries : 1, sizeof(*r));

	for (size_t i = 0; i < a->nseries; i++) {
		char name[CSV_LABEL_MAX + 200], note[400];

		r[i].s = &a->series[i];
		r[i].file = files[a->series[i].file];
		fit_summarize(&r[i].s->fit, level, robust, usl, &r[i].f);
		agg_series_name(r[i].s, name, sizeof(name));
		for (int k = 0; fit_summary_note(&r[i].f, k, note, sizeof(note)); k++)
			warnf("%s: %s: %s", r[i].file, name, note);
	}
	return r;
}

int cmd_fit(int argc, char **argv)
{
	struct fit_opts o;
	int nfiles, status, argi;
	struct run_rows rows;
	struct aggregate agg;
	struct fit_result *fitted;
	char err[4400];

	memset(&o, 0, sizeof(o));
	if ((status = options_command(&fit_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return status;
	status = EXIT_OK;
	nfiles = argc - argi;
	if (nfiles < 1) {
		usagef("fit", "no run CSV given");
		return EXIT_USAGE;
	}
	gsl_set_error_handler_off();
	/* Read every file first: a bad one is rejected before anything is printed. */
	if (csv_read_files(argv + argi, nfiles, &rows, err, sizeof(err)) < 0) {
		errorf("%s", err);
		return EXIT_USAGE;
	}
	aggregate_rows(&rows, &agg);
	fitted = fit_all(&agg, argv + argi, o.level, o.robust, (enum usl_method)o.usl);
	if (print_fits(fitted, agg.nseries, (enum emit_format)o.format, argv + argi, nfiles) < 0 ||
	    finish_stdout() < 0)
		status = EXIT_FAILED;
	for (size_t i = 0; i < agg.nseries; i++)
		fit_summary_free(&fitted[i].f);
	free(fitted);
	aggregate_free(&agg);
	run_rows_free(&rows);
	return status;
}
