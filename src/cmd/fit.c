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
#include "../results/csv.h"
#include "../models/fit.h"
#include "../base/options.h"
#include "../base/util.h"

#include <csv.h>
#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fit_format { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_MARKDOWN };

struct fit_opts {
	int format, robust, usl;	/* enum fit_format, enum usl_method */
	double level;
};

static const char *const fit_formats[] = { [FMT_TABLE] = "table", [FMT_CSV] = "csv", [FMT_JSON] = "json",
					   [FMT_MARKDOWN] = "markdown", NULL };
static const char *const fit_usl_methods[] = { [USL_NLS] = "nls", [USL_LINEAR] = "linear", NULL };

static const struct option_spec fit_specs[] = {
	{ .name = "format", .short_name = 'f', .kind = OPTION_CHOICE, .metavar = "F", .choices = fit_formats,
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

static void fit_usage_more(FILE *fp)
{
	fputs("\nThe CSV has the columns backend,workload,p,p_fit,p_lo,p_hi,sigma,kappa first,\n"
	      "then n_star,r2,usl_r2,level,model,scaling,label,cores,reps,speedup,karp_flatt,file,\n"
	      "sigma_lo,sigma_hi,kappa_lo,kappa_hi,usl.\n", fp);
}

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
	.more = fit_usage_more,
	.args_max = OPTIONS_ANY_ARGS,
};

static const char *model_name(const struct fit_summary *s)
{
	return s->gustafson ? "gustafson" : s->robust ? "amdahl-bisquare" : "amdahl";
}

struct fitted {
	const char *file;
	struct fit_group *g;
	struct fit_summary s;
};

/* ---- number cells: empty (CSV), "-" (table), null (JSON) when unknown ---- */

static void put_csv_num(double v, const char *fmt)
{
	if (isfinite(v))
		printf(fmt, v);
	putchar(',');
}

static void put_csv_text(const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n") || (*s && (s[0] == ' ' || s[strlen(s) - 1] == ' ')))
		csv_fwrite(stdout, s, strlen(s));
	else
		fputs(s, stdout);
	putchar(last ? '\n' : ',');
}

static const char *num(char *buf, size_t len, const char *fmt, double v)
{
	if (!isfinite(v))
		return "-";
	snprintf(buf, len, fmt, v);
	return buf;
}

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* "2:0.0123 4:0.0456" for the N > 1 (or all) entries of a per-N column; " ..." when cut short. */
static void per_n(char *buf, size_t len, const struct fit_summary *s, const double *v, int from_two)
{
	size_t off = 0;
	char item[64];

	buf[0] = '\0';
	for (size_t i = 0; i < s->nn; i++) {
		int k;
		if ((from_two && s->ns[i] <= 1) || !isfinite(v[i]))
			continue;
		k = snprintf(item, sizeof(item), "%s%g:%.4g", off ? " " : "", s->ns[i], v[i]);
		if (k < 0 || off + (size_t)k + 5 > len) {
			if (off + 5 <= len)
				memcpy(buf + off, " ...", 5);
			return;
		}
		memcpy(buf + off, item, (size_t)k + 1);
		off += (size_t)k;
	}
}

static void print_csv(const struct fitted *f, size_t n)
{
	static char kf[65536], sp[65536];
	char lvl[32];

	puts("backend,workload,p,p_fit,p_lo,p_hi,sigma,kappa,n_star,r2,usl_r2,level,model,scaling,label,"
	     "cores,reps,speedup,karp_flatt,file,sigma_lo,sigma_hi,kappa_lo,kappa_hi,usl");
	for (size_t i = 0; i < n; i++) {
		const struct fit_group *g = f[i].g;
		const struct fit_summary *s = &f[i].s;
		put_csv_text(g->backend, 0);
		put_csv_text(g->workload, 0);
		put_csv_num(g->p, "%.9g");
		put_csv_num(s->p_fit, "%.6f");
		put_csv_num(s->p_lo, "%.6f");
		put_csv_num(s->p_hi, "%.6f");
		put_csv_num(s->usl.sigma, "%.6g");
		put_csv_num(s->usl.kappa, "%.6g");
		put_csv_num(s->usl.n_star, "%.4g");
		put_csv_num(s->r2, "%.6f");
		put_csv_num(s->usl.r2, "%.6f");
		snprintf(lvl, sizeof(lvl), "%g", s->level);
		printf("%s,%s,%s,", lvl, model_name(s), g->weak ? "weak" : "strong");
		put_csv_text(g->label, 0);
		put_csv_num(s->cores, "%g");
		printf("%zu,", s->min_reps);
		per_n(sp, sizeof(sp), s, s->speedup, 0);
		per_n(kf, sizeof(kf), s, s->karp_flatt, 1);
		put_csv_text(sp, 0);
		put_csv_text(kf, 0);
		put_csv_text(f[i].file, 0);
		put_csv_num(s->sigma_ci.lo, "%.6g");
		put_csv_num(s->sigma_ci.hi, "%.6g");
		put_csv_num(s->kappa_ci.lo, "%.6g");
		put_csv_num(s->kappa_ci.hi, "%.6g");
		printf("%s\n", usl_method_name(s->usl_method));
	}
}

/* One table row per group: no control characters; in markdown, no bare pipes. */
static const char *cell(char *buf, size_t len, const char *s, int markdown)
{
	size_t k = 0;

	for (const char *c = s; *c && k + 3 < len; c++) {
		if (markdown && (*c == '|' || *c == '`' || *c == '*' || *c == '_'))
			buf[k++] = '\\';
		buf[k++] = (unsigned char)*c < ' ' ? ' ' : *c;
	}
	buf[k] = '\0';
	return buf;
}

static void print_table(const struct fitted *f, size_t n, int markdown)
{
	/* Karp-Flatt of many N would push the table off the screen: the first ones, then "...". */
	char a[32], b[32], c[32], d[32], e[32], h[32], pb[32], ci[80], kf[72], lb[2 * CSV_LABEL_MAX];
	int pct = (int)lround(f[0].s.level * 100);

	if (markdown)
		printf("| backend | workload | p | label | model | P fit | %d%% CI | R² | σ | κ | N* | USL R² | "
		       "Karp–Flatt e(N) |\n|---|---|---:|---|---|---:|---|---:|---:|---:|---:|---:|---|\n", pct);
	else
		printf("%-8s %-8s %6s %-10s %-15s %7s %-18s %6s %8s %9s %7s %6s  %s\n", "backend", "workload", "p",
		       "label", "model", "p_fit", "ci", "r2", "sigma", "kappa", "n_star", "usl_r2",
		       "karp_flatt e(N)");
	for (size_t i = 0; i < n; i++) {
		const struct fit_group *g = f[i].g;
		const struct fit_summary *s = &f[i].s;
		const char *label = g->label[0] ? cell(lb, sizeof(lb), g->label, markdown) : "-", *model = model_name(s);
		const char *pp = num(pb, sizeof(pb), "%g", g->p), *pf = num(a, sizeof(a), "%.4f", s->p_fit);
		const char *r2 = num(b, sizeof(b), "%.4f", s->r2), *sg = num(c, sizeof(c), "%.4f", s->usl.sigma);
		const char *kp = num(d, sizeof(d), "%.5f", s->usl.kappa), *ns = num(e, sizeof(e), "%.1f", s->usl.n_star);
		const char *ur = num(h, sizeof(h), "%.3f", s->usl.r2);

		if (isfinite(s->p_lo))
			snprintf(ci, sizeof(ci), "[%.4f, %.4f]", s->p_lo, s->p_hi);
		else
			snprintf(ci, sizeof(ci), "-");
		per_n(kf, sizeof(kf), s, s->karp_flatt, 1);
		if (markdown)
			printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", g->backend,
			       g->workload, pp, label, model, pf, ci, r2, sg, kp, ns, ur, kf[0] ? kf : "-");
		else
			printf("%-8s %-8s %6s %-10s %-15s %7s %-18s %6s %8s %9s %7s %6s  %s\n", g->backend, g->workload,
			       pp, label, model, pf, ci, r2, sg, kp, ns, ur, kf[0] ? kf : "-");
	}
}

static void print_json(const struct fitted *f, size_t n, char **files, int nfiles)
{
	json_t *o = json_object(), *groups = json_array(), *fl = json_array();
	char *text;

	for (int i = 0; i < nfiles; i++)
		json_array_append_new(fl, json_string(files[i]));
	json_object_set_new(o, "files", fl);
	json_object_set_new(o, "interval", json_pack("{s:s,s:f}", "method",
		"jackknife over rounds, Student's t on rounds - 1 degrees of freedom", "level",
		n ? f[0].s.level : FIT_LEVEL));
	for (size_t i = 0; i < n; i++) {
		const struct fit_group *g = f[i].g;
		const struct fit_summary *s = &f[i].s;
		json_t *gj = json_object(), *pts = json_array();
		json_object_set_new(gj, "file", json_string(f[i].file));
		json_object_set_new(gj, "backend", json_string(g->backend));
		json_object_set_new(gj, "workload", json_string(g->workload));
		json_object_set_new(gj, "p", jnum(g->p));
		json_object_set_new(gj, "label", json_string(g->label));
		json_object_set_new(gj, "scaling", json_string(g->weak ? "weak" : "strong"));
		json_object_set_new(gj, "model", json_string(model_name(s)));
		json_object_set_new(gj, "p_fit", jnum(s->p_fit));
		json_object_set_new(gj, "p_lo", jnum(s->p_lo));
		json_object_set_new(gj, "p_hi", jnum(s->p_hi));
		json_object_set_new(gj, "r2", jnum(s->r2));
		json_object_set_new(gj, "sigma", jnum(s->usl.sigma));
		json_object_set_new(gj, "kappa", jnum(s->usl.kappa));
		json_object_set_new(gj, "sigma_lo", jnum(s->sigma_ci.lo));
		json_object_set_new(gj, "sigma_hi", jnum(s->sigma_ci.hi));
		json_object_set_new(gj, "kappa_lo", jnum(s->kappa_ci.lo));
		json_object_set_new(gj, "kappa_hi", jnum(s->kappa_ci.hi));
		json_object_set_new(gj, "usl", json_string(usl_method_name(s->usl_method)));
		json_object_set_new(gj, "n_star", jnum(s->usl.n_star));
		json_object_set_new(gj, "usl_r2", jnum(s->usl.r2));
		json_object_set_new(gj, "cores", jnum(s->cores));
		json_object_set_new(gj, "reps", json_integer((json_int_t)s->min_reps));
		for (size_t j = 0; j < s->nn; j++)
			json_array_append_new(pts, json_pack("{s:o,s:I,s:o,s:o}", "n", jnum(s->ns[j]),
				"reps", (json_int_t)s->reps[j], "speedup", jnum(s->speedup[j]),
				"karp_flatt", jnum(s->karp_flatt[j])));
		json_object_set_new(gj, "points", pts);
		json_array_append_new(groups, gj);
	}
	json_object_set_new(o, "groups", groups);
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	if (text)
		puts(text);
	free(text);
	json_decref(o);
}

int cmd_fit(int argc, char **argv)
{
	struct fit_opts o;
	enum fit_format fmt;
	double level;
	int nfiles, status = EXIT_OK, robust, argi;
	struct result **rows;
	size_t *nrows, nfit = 0;
	struct fit_group **groups;
	size_t *ngroups;
	struct fitted *fitted = NULL;
	char err[4400];

	memset(&o, 0, sizeof(o));
	if ((status = options_command(&fit_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return status;
	status = EXIT_OK;
	fmt = (enum fit_format)o.format;
	level = o.level;
	robust = o.robust;
	nfiles = argc - argi;
	if (nfiles < 1) {
		usagef("fit", "no run CSV given");
		return EXIT_USAGE;
	}
	gsl_set_error_handler_off();
	rows = xcalloc((size_t)nfiles, sizeof(*rows));
	nrows = xcalloc((size_t)nfiles, sizeof(*nrows));
	groups = xcalloc((size_t)nfiles, sizeof(*groups));
	ngroups = xcalloc((size_t)nfiles, sizeof(*ngroups));
	/* Read every file first: a bad one is rejected before anything is printed. */
	for (int i = 0; i < nfiles; i++) {
		if (csv_read_results(argv[argi + i], &rows[i], &nrows[i], err, sizeof(err)) < 0) {
			errorf("%s", err);
			status = EXIT_USAGE;
			goto out;
		}
	}
	for (int i = 0; i < nfiles; i++) {
		fit_group_rows(rows[i], nrows[i], &groups[i], &ngroups[i]);
		fitted = xrealloc(fitted, (nfit + ngroups[i]) * sizeof(*fitted));
		for (size_t j = 0; j < ngroups[i]; j++) {
			struct fitted *f = &fitted[nfit++];
			char name[CSV_LABEL_MAX + 200], note[400];
			f->file = argv[argi + i];
			f->g = &groups[i][j];
			fit_summarize(f->g, level, robust, (enum usl_method)o.usl, &f->s);
			fit_group_name(f->g, name, sizeof(name));
			for (int k = 0; fit_summary_note(&f->s, k, note, sizeof(note)); k++)
				warnf("%s: %s: %s", f->file, name, note);
		}
	}
	if (fmt == FMT_CSV)
		print_csv(fitted, nfit);
	else if (fmt == FMT_JSON)
		print_json(fitted, nfit, argv + argi, nfiles);
	else if (nfit)
		print_table(fitted, nfit, fmt == FMT_MARKDOWN);
	if (finish_stdout() < 0)
		status = EXIT_FAILED;
out:
	for (size_t i = 0; i < nfit; i++)
		fit_summary_free(&fitted[i].s);
	free(fitted);
	for (int i = 0; i < nfiles; i++) {
		fit_groups_free(groups[i], ngroups[i]);
		free(rows[i]);
	}
	free(groups);
	free(ngroups);
	free(rows);
	free(nrows);
	return status;
}
