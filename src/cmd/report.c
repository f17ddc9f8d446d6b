/*
 * amdahl report: one self-contained HTML page for run CSVs, or for a run
 * and the base it is compared with. This file is the command: its options,
 * reading and checking every input before anything is drawn, the warnings
 * the run gave (worded where the run words them), the fits, the gate (as
 * compare judges), the figures drawn as SVG through the figure drivers and
 * the gnuplot runner, and the page put in place through the engine's output
 * lifecycle (a temporary file beside it, renamed when whole). The page
 * itself is src/results/report_html.c's.
 *
 * Exit 0: the page was written (whatever the verdict: compare is the gate);
 * 1: gnuplot or the writing failed; 2: bad usage or input, nothing written;
 * 130: interrupted, nothing written.
 */
#define _GNU_SOURCE
#include "cmd.h"
#include "../base/machine.h"
#include "../base/options.h"
#include "../base/util.h"
#include "../engine/meta.h"
#include "../engine/output.h"
#include "../base/stop.h"
#include "../models/gate.h"
#include "../results/aggregate.h"
#include "../results/comparison.h"
#include "../results/csv.h"
#include "../results/figure.h"
#include "../results/gnuplot.h"
#include "../results/report_html.h"
#include "../results/summary.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct report_opts {
	const char *out, *base, *title;
	const char *base_name, *candidate;	/* --paired */
	double threshold, alpha;
	int same_machine, paired, metric, bars;	/* metric: enum gate_metric */
};

static const char *const report_metrics[] = { [GATE_WALL] = "wall", [GATE_CPU] = "cpu", NULL };

static const struct option_spec report_specs[] = {
	{ .name = "output", .short_name = 'o', .kind = OPTION_STRING, .metavar = "FILE", .def = "report.html",
	  OPTION_AT(struct report_opts, out), .help = "the page (- for standard output)" },
	{ .name = "compare", .kind = OPTION_STRING, .metavar = "BASE.csv", OPTION_AT(struct report_opts, base),
	  .help = "judge the run against this base run, as amdahl compare\ndoes, and put the verdict first" },
	{ .name = "paired", .kind = OPTION_FLAG, OPTION_AT(struct report_opts, paired),
	  .help = "one run CSV: judge --candidate against --base round by round,\nas amdahl compare --paired does" },
	{ .name = "base", .kind = OPTION_STRING, .metavar = "NAME", OPTION_AT(struct report_opts, base_name),
	  .help = "with --paired: the --name (or backend) of the base program" },
	{ .name = "candidate", .kind = OPTION_STRING, .metavar = "NAME", OPTION_AT(struct report_opts, candidate),
	  .help = "with --paired: the --name (or backend) of the candidate" },
	{ .name = "threshold", .short_name = 't', .kind = OPTION_DECIMAL, .flags = OPTION_PERCENT | OPTION_MIN_OPEN |
	  OPTION_MAX_OPEN, .min = 0, .max = 100, OPTION_AT(struct report_opts, threshold),
	  .expect = "a percentage in (0, 100), e.g. 5%",
	  .help = "compare's --threshold (default 5%; 2% with --paired)" },
	{ .name = "alpha", .short_name = 'a', .kind = OPTION_DECIMAL, .metavar = "A", .flags = OPTION_MIN_OPEN |
	  OPTION_MAX_OPEN, .min = 0, .max = 0.5, .def = "0.05", OPTION_AT(struct report_opts, alpha),
	  .help = "with --compare or --paired: compare's --alpha" },
	{ .name = "metric", .kind = OPTION_CHOICE, .metavar = "M", .choices = report_metrics, .def = "wall",
	  OPTION_AT(struct report_opts, metric), .help = "with --compare or --paired: compare's --metric (wall or cpu)" },
	{ .name = "same-machine", .kind = OPTION_FLAG, OPTION_AT(struct report_opts, same_machine),
	  .help = "with --compare: judge wall times even when the sidecars differ" },
	{ .name = "title", .kind = OPTION_STRING, .metavar = "TEXT", OPTION_AT(struct report_opts, title),
	  .help = "the page's title (default: amdahl report: <file>)" },
	{ .name = "bars", .kind = OPTION_CHOICE, .metavar = "B", .choices = figure_bars_names, .def = "ci",
	  OPTION_AT(struct report_opts, bars), .help = "the figures' bars, as amdahl plot's --bars" },
	{ .name = NULL },
};

static const struct options_usage report_usage = {
	.cmd = "report",
	.synopsis = "RUN.csv... [--compare BASE.csv] [-o report.html]\n"
		    "       amdahl report RUN.csv --paired --base NAME --candidate NAME [-o report.html]",
	.about = "Write one self-contained HTML page for run CSVs: the machine and the command\n"
		 "(from each meta.json), every warning the run gave, the speedup, efficiency and\n"
		 "Karp-Flatt figures beside Amdahl's law and the ceiling with the numbers behind\n"
		 "them, the speedup stacks, and the fitted models with their intervals. With\n"
		 "--compare (or --paired), the verdict of amdahl compare on top, then its tables\n"
		 "with the intervals and p-values. The figures are the gnuplot scripts' (as SVG, inline);\n"
		 "the page fetches nothing and needs no script. Prints the page's path.\n"
		 "Exit 0 when the page is written, whatever the verdict (amdahl compare is the gate).",
	.specs = report_specs,
	.args_max = OPTIONS_ANY_ARGS,
};

/* Everything the page is made of, read and computed before it is written. */
struct report_inputs {
	char **files;			/* by the rows' file index: the base first with --compare */
	size_t nfiles;
	struct run_rows rows;
	struct aggregate agg;
	struct figures *figs;
	struct report_run *runs;
	struct report_fit *fits;
	char **warnings;
	size_t nwarnings;
	struct report_figure *drawn;
	size_t ndrawn;
	int unread;			/* a figure could not be read back */
	struct cmp_side *sides;		/* each run as compare takes it */
	struct fit_group *groups[2];	/* each run's series as the gate takes them (its items point here) */
	struct gate gate;
	int judged;
	struct comparison cmp;
	char machine[900], why[700];
};

static void inputs_free(struct report_inputs *in)
{
	for (size_t i = 0; i < in->ndrawn; i++)
		report_figure_free(&in->drawn[i]);
	free(in->drawn);
	for (size_t i = 0; in->fits && i < in->agg.nseries; i++)
		fit_summary_free(&in->fits[i].f);
	free(in->fits);
	for (size_t i = 0; i < in->nwarnings; i++)
		free(in->warnings[i]);
	free(in->warnings);
	for (size_t i = 0; in->runs && i < in->nfiles; i++)
		for (size_t k = 0; k < in->runs[i].nmeta; k++)
			json_decref(in->runs[i].meta[k]);
	free(in->runs);
	free(in->sides);
	if (in->judged)
		gate_free(&in->gate);
	free(in->groups[0]);
	free(in->groups[1]);
	figures_free(in->figs);
	aggregate_free(&in->agg);
	run_rows_free(&in->rows);
	free(in->files);
}

static void add_warning(struct report_inputs *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_warning(struct report_inputs *in, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	in->warnings = xrealloc(in->warnings, (in->nwarnings + 1) * sizeof(*in->warnings));
	in->warnings[in->nwarnings++] = s;
}

/* A run's sidecars: <csv>.meta.json, then those bench/run writes for later parts, <csv>.<k>.meta.json. */
static void read_metas(struct report_run *r, int *bad)
{
	char path[PATH_MAX + 32];
	FILE *fp;

	meta_path_for(r->path, path, sizeof(path));
	r->meta[0] = meta_read(path);
	if (!r->meta[0]) {
		if ((fp = fopen(path, "r")) != NULL) {
			*bad = 1;
			fclose(fp);
		}
		return;
	}
	r->nmeta = 1;
	for (int k = 2; k <= REPORT_META_MAX; k++) {
		snprintf(path, sizeof(path), "%s.%d.meta.json", r->path, k);
		if (!(r->meta[r->nmeta] = meta_read(path)))	/* NULL when there is none */
			break;
		r->nmeta++;
	}
}

/* Read every file; -1 with the reason said (exit 2). */
static int read_inputs(struct report_inputs *in)
{
	char err[4400];

	if (csv_read_files(in->files, (int)in->nfiles, &in->rows, err, sizeof(err)) < 0) {
		errorf("%s", err);
		return -1;
	}
	in->runs = xcalloc(in->nfiles, sizeof(*in->runs));
	for (size_t f = 0; f < in->nfiles; f++) {
		int bad = 0;

		in->runs[f].path = in->files[f];
		read_metas(&in->runs[f], &bad);
		if (bad)
			warnf("cannot read the meta.json of '%s'; reporting without it", in->files[f]);
	}
	in->sides = xcalloc(in->nfiles, sizeof(*in->sides));
	for (size_t f = 0; f < in->nfiles; f++)
		cmp_side_init(&in->sides[f], in->files[f], in->runs[f].nmeta ? in->runs[f].meta[0] : NULL, &in->rows,
			      (long)f);
	aggregate_rows(&in->rows, &in->agg);
	in->figs = figures_build(&in->agg, in->files);
	if (!in->figs)
		return -1;
	if (figures_drawable(in->figs) == 0) {
		errorf("nothing to report in '%s': no speedup, and no N=1 rows to divide by", in->files[0]);
		return -1;
	}
	return 0;
}

/* The warnings of one run: how it ended, a busy machine (as compare judges it: by the share of its
 * workers' time spent waiting for a CPU where its rows say, else by the load average), points
 * that spread wide. */
static void run_warnings(struct report_inputs *in, unsigned file)
{
	const struct report_run *r = &in->runs[file];
	json_t *m = r->nmeta ? r->meta[0] : NULL;
	json_t *cv = json_object_get(m, "cv_warn");
	double cv_warn = json_is_number(cv) ? json_number_value(cv) : SUMMARY_CV_WARN;
	char line[900];

	for (size_t k = 0; k < r->nmeta; k++) {
		json_t *st = json_object_get(r->meta[k], "status");
		long long s = json_is_integer(st) ? (long long)json_integer_value(st) : 0;
		if (s != 0)
			add_warning(in, "%s%s: the run ended with exit status %lld (%s): some points are missing", r->path,
				    r->nmeta > 1 ? " (a part)" : "", s,
				    s == 130 ? "interrupted" : s == 1 ? "a measurement failed" : "an error");
	}
	if (cmp_side_busy_why(&in->sides[file], line, sizeof(line)))
		add_warning(in, "%s: measured on a busy machine (%s); its times and speedups say as much about that "
			    "other work as about the code", r->path, line);
	for (size_t i = 0; i < in->agg.nseries; i++) {
		const struct agg_series *s = &in->agg.series[i];
		double *walls;

		if (s->file != file)
			continue;
		walls = xcalloc(s->fit.nobs ? s->fit.nobs : 1, sizeof(*walls));
		for (size_t j = 0; j < s->ncells; j++) {
			char name[600];
			size_t k = 0;

			for (size_t o = 0; o < s->fit.nobs; o++)
				if (s->fit.obs[o].n == s->cells[j].n)
					walls[k++] = s->fit.obs[o].wall_s;
			agg_series_name(s, name, sizeof(name));
			snprintf(name + strlen(name), sizeof(name) - strlen(name), " n=%d", s->cells[j].n);
			if (summary_noise(name, walls, k, cv_warn, line, sizeof(line)))
				add_warning(in, "%s: %s", r->path, line);
		}
		free(walls);
	}
}

/* Fit every series; what `amdahl fit` would warn about becomes a warning of the page. */
static void fit_all(struct report_inputs *in)
{
	in->fits = xcalloc(in->agg.nseries ? in->agg.nseries : 1, sizeof(*in->fits));
	for (size_t i = 0; i < in->agg.nseries; i++) {
		char name[CSV_LABEL_MAX + 200], note[400];

		in->fits[i].s = &in->agg.series[i];
		fit_summarize(&in->agg.series[i].fit, FIT_LEVEL, 0, USL_NLS, &in->fits[i].f);
		agg_series_name(&in->agg.series[i], name, sizeof(name));
		for (int k = 0; fit_summary_note(&in->fits[i].f, k, note, sizeof(note)); k++)
			add_warning(in, "%s: %s: %s", in->files[in->agg.series[i].file], name, note);
	}
}

/*
 * The comparison as compare judges it: file 1 against file 0 (--compare),
 * or two programs of file 0 round by round (--paired). -1 with the reason
 * said when the paired names match nothing (exit 2).
 */
static int judge(struct report_inputs *in, const struct report_opts *o)
{
	struct fit_group **groups = in->groups;
	size_t ng[2] = { 0, 0 }, nsides = o->paired ? 1 : 2;
	struct gate_opts go = { .threshold = o->threshold, .alpha = o->alpha, .metric = (enum gate_metric)o->metric };
	char err[600];

	for (unsigned f = 0; f < nsides; f++) {
		groups[f] = xcalloc(in->agg.nseries ? in->agg.nseries : 1, sizeof(*groups[f]));
		for (size_t i = 0; i < in->agg.nseries; i++)
			if (in->agg.series[i].file == f)
				groups[f][ng[f]++] = in->agg.series[i].fit;
	}
	in->cmp = (struct comparison){ .g = &in->gate, .base = in->sides[0], .new_ = in->sides[nsides - 1],
				       .metric = go.metric, .threshold = o->threshold, .alpha = o->alpha,
				       .base_name = o->base_name, .candidate = o->candidate, .why = "" };
	if (o->paired) {
		if (gate_paired(&in->gate, groups[0], ng[0], o->base_name, o->candidate, &go, err, sizeof(err)) < 0) {
			errorf("'%s': %s", in->files[0], err);
			return -1;
		}
	} else {
		comparison_machines(&in->cmp, o->same_machine, &go, in->machine, sizeof(in->machine), in->why,
				    sizeof(in->why));
		gate_files(&in->gate, groups[0], ng[0], groups[1], ng[1], &go);
	}
	in->judged = 1;
	return 0;
}

/* Keep each figure as it is drawn (figure_look.drawn). */
static void on_drawn(void *ctx, const struct figure_drawn *d)
{
	struct report_inputs *in = ctx;

	in->drawn = xrealloc(in->drawn, (in->ndrawn + 1) * sizeof(*in->drawn));
	if (report_figure_keep(&in->drawn[in->ndrawn], d) < 0) {
		errorf("cannot read '%s' back: %s", d->path, strerror(errno));
		in->unread = 1;
	} else {
		in->ndrawn++;
	}
}

/* Draw every figure as SVG into the runner's private folder; the status. */
static enum gnuplot_status draw(struct report_inputs *in, const struct report_opts *o, struct gnuplot *g)
{
	struct figure_look look = { .style = "paper", .width = 800, .height = 520, .bars = (enum figure_bars)o->bars,
				    .outdir = g->tmpdir, .drawn = on_drawn, .drawn_ctx = in };
	enum gnuplot_status st;

	/* The machine line of the run (the new one, with --compare). */
	figure_subtitle(in->runs[in->nfiles - 1].nmeta ? in->runs[in->nfiles - 1].meta[0] : NULL, in->nfiles,
			look.subtitle, sizeof(look.subtitle));
	st = figures_draw(in->figs, g, &look, NULL);
	return st == GNUPLOT_OK && in->unread ? GNUPLOT_FAILED : st;
}

/* The page, whole in memory first: nothing reaches the output unless all of it was made. */
static int page_text(struct report_inputs *in, const struct report_opts *o, char **buf, size_t *len)
{
	char title[600], generator[128];
	struct report_page page = {
		.title = title, .generator = generator, .runs = in->runs, .nruns = in->nfiles,
		.cmp = in->judged ? &in->cmp : NULL, .warnings = in->warnings, .nwarnings = in->nwarnings,
		.figs = in->drawn, .nfigs = in->ndrawn, .fits = in->fits, .nfits = in->agg.nseries,
	};
	FILE *mem = open_memstream(buf, len);
	int rc;

	if (!mem)
		return -1;
	if (o->title)
		snprintf(title, sizeof(title), "%s", o->title);
	else
		snprintf(title, sizeof(title), "amdahl report: %s", in->files[in->nfiles - 1]);
	snprintf(generator, sizeof(generator), "amdahl %s", machine_git_commit());
	if (in->judged && in->nfiles == 2)
		in->runs[0].role = "base", in->runs[1].role = "new";
	rc = report_html_write(mem, &page);
	return fclose(mem) != 0 || rc < 0 ? -1 : 0;
}

/* The page into place: a temporary file beside it, renamed when whole (output.h); the exit status. */
static int put_page(const char *path, const char *text, size_t len)
{
	struct output out;
	struct output_outcome oc = { .rows = 1, .unit = "page" };
	char err[PATH_MAX + 200];
	int direct = strcmp(path, "-") == 0;

	if (output_open(&out, direct ? NULL : path, "", 1, err, sizeof(err)) < 0) {
		errorf("%s", err);
		return EXIT_USAGE;
	}
	oc.write_error = fwrite(text, 1, len, out.fp) != len;
	return output_close(&out, NULL, &oc);
}

/* The options that go together; -1 with a usage error said. */
static int check_args(struct report_opts *o, int nfiles)
{
	if (nfiles < 1)
		usagef("report", "no run CSV given");
	else if (o->base && o->paired)
		usagef("report", "--compare judges two runs, --paired two programs of one run: not both");
	else if ((o->base || o->paired) && nfiles != 1)
		usagef("report", "%s one RUN.csv, not %d", o->paired ? "--paired judges the programs of" :
		       "--compare judges against the base", nfiles);
	else if (o->paired && (!o->base_name || !o->candidate))
		usagef("report", "--paired needs --base NAME and --candidate NAME");
	else if (!o->paired && (o->base_name || o->candidate))
		usagef("report", "--%s is for --paired", o->base_name ? "base" : "candidate");
	else if (!o->base && o->same_machine)
		usagef("report", "--same-machine goes with --compare");
	else {
		if (!(o->threshold > 0))
			o->threshold = o->paired ? COMPARISON_THRESHOLD_PAIRED : COMPARISON_THRESHOLD;
		return 0;
	}
	return -1;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	struct report_inputs in;
	struct gnuplot g;
	enum gnuplot_status st;
	char *text = NULL;
	size_t len = 0;
	int rc, argi, usage_error;

	memset(&o, 0, sizeof(o));
	if ((rc = options_command(&report_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return rc;
	if (check_args(&o, argc - argi) < 0)
		return EXIT_USAGE;
	gsl_set_error_handler_off();
	memset(&in, 0, sizeof(in));
	in.nfiles = (size_t)(argc - argi) + (o.base != NULL);
	in.files = xcalloc(in.nfiles, sizeof(*in.files));
	for (size_t i = 0; i < in.nfiles; i++)
		in.files[i] = o.base ? (i == 0 ? (char *)o.base : argv[argi]) : argv[argi + (int)i];
	if (read_inputs(&in) < 0) {
		inputs_free(&in);
		return EXIT_USAGE;
	}
	if ((o.base || o.paired) && judge(&in, &o) < 0) {
		inputs_free(&in);
		return EXIT_USAGE;
	}
	if (o.base && in.gate.nitems == 0) {
		errorf("'%s' and '%s' have no point in common", in.files[0], in.files[1]);
		inputs_free(&in);
		return EXIT_USAGE;
	}
	for (unsigned f = 0; f < in.nfiles; f++)
		run_warnings(&in, f);
	fit_all(&in);
	if (gnuplot_init(&g, "svg", &usage_error) < 0) {
		inputs_free(&in);
		return usage_error ? EXIT_USAGE : EXIT_FAILED;
	}
	g.stop = &stop_flag;
	stop_install();
	st = draw(&in, &o, &g);
	rc = st == GNUPLOT_INTERRUPTED ? EXIT_INTERRUPTED : st != GNUPLOT_OK ? EXIT_FAILED : EXIT_OK;
	if (rc == EXIT_OK && page_text(&in, &o, &text, &len) < 0)
		rc = EXIT_FAILED;
	if (rc == EXIT_OK && stop_flag)
		rc = EXIT_INTERRUPTED;
	if (rc == EXIT_OK)
		rc = put_page(o.out, text, len);
	if (rc == EXIT_OK && strcmp(o.out, "-") != 0) {
		printf("%s\n", o.out);
		if (finish_stdout() < 0)
			rc = EXIT_FAILED;
	}
	free(text);
	gnuplot_free(&g);
	inputs_free(&in);
	return rc;
}
