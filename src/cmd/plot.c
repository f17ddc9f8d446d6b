/*
 * amdahl plot: draw run CSVs (and B5 CSVs) as figures. This file is the
 * command: its options, reading every input before anything is written, and
 * the order of the drawing. The work is elsewhere: the numbers in
 * src/results/aggregate.c, the figures of run rows in src/results/figure.c
 * (of B5 CSVs in figure_b5.c), gnuplot in src/results/gnuplot.c. A file with
 * a messengers column is a B5 CSV; any other is read as a run CSV.
 */
#define _GNU_SOURCE
#include "cmd.h"
#include "../base/list.h"
#include "../base/options.h"
#include "../base/util.h"
#include "../engine/meta.h"
#include "../base/stop.h"
#include "../results/aggregate.h"
#include "../results/b5_csv.h"
#include "../results/csv.h"
#include "../results/figure.h"
#include "../results/gnuplot.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct plot_opts {
	const char *outdir, *format, *style, *title, *plist, *nlist;
	int width, height;	/* 0: the style's default */
	int theory, table;
	int bars;		/* enum figure_bars */
};

static int plot_size_parse(const char *text, void *base, char *err, size_t errlen);

static const char *const plot_formats[] = { "png", "svg", "pdf", NULL };
static const char *const plot_styles[] = { "paper", "slides", NULL };

#define PLOT_AT(field) OPTION_AT(struct plot_opts, field)

static const struct option_spec plot_specs[] = {
	{ .name = "outdir", .short_name = 'o', .kind = OPTION_STRING, .metavar = "DIR", .def = "plots/out",
	  PLOT_AT(outdir), .help = "where the images go (created)" },
	{ .name = "format", .kind = OPTION_STRING, .choices = plot_formats, .def = "png", PLOT_AT(format),
	  .help = "image format" },
	{ .name = "size", .kind = OPTION_STRING, .metavar = "WxH", .parse = plot_size_parse,
	  .help = "image size in pixels (default 1920x1080 for slides,\n800x520 for paper; pdf: 96 pixels an inch)" },
	{ .name = "style", .kind = OPTION_STRING, .choices = plot_styles, .def = "paper", PLOT_AT(style),
	  .help = "slides: 16:9, large fonts, thick lines; paper: compact" },
	{ .name = "title", .kind = OPTION_STRING, .metavar = "TEXT", PLOT_AT(title),
	  .help = "the figures' title (default: workload, P, figure)" },
	{ .name = "bars", .kind = OPTION_CHOICE, .metavar = "B", .choices = figure_bars_names, .def = "ci", PLOT_AT(bars),
	  .help = "ci: the median's 95% interval (order statistics); range:\nmin-max; iqr: the quartiles" },
	{ .name = "table", .kind = OPTION_FLAG, PLOT_AT(table),
	  .help = "also print each series' median speedups as a table" },
	{ .name = "theory", .kind = OPTION_FLAG, PLOT_AT(theory),
	  .help = "draw Amdahl's law alone (no CSV): theory.<format>" },
	{ .name = "P", .short_name = 'P', .kind = OPTION_STRING, .metavar = "LIST", PLOT_AT(plist),
	  .help = "with --theory: parallel fractions\n(default 0.5,0.8,0.9,0.95,0.99)" },
	{ .name = "N", .short_name = 'N', .kind = OPTION_STRING, .metavar = "LIST", PLOT_AT(nlist),
	  .help = "with --theory: worker counts (default 1..320:x2)" },
	{ .name = NULL },
};

static void plot_usage_more(FILE *fp)
{
	fprintf(fp, "\nThe gnuplot scripts are found in $AMDAHL_PLOTS, else <bindir>/../share/amdahl/plots,\n"
		"else <bindir>/../plots (the build tree), else %s/plots.\n"
		"\nexample:\n  amdahl plot results/latest.csv --style slides --outdir plots/out\n", gnuplot_datadir);
}

static const struct options_usage plot_usage = {
	.cmd = "plot",
	.synopsis = "FILE.csv... [options]\n       amdahl plot --theory [-P LIST] [-N LIST] [options]",
	.about = "Draw run CSVs with gnuplot: for each workload and P, the speedup, the\n"
		 "efficiency and the Karp-Flatt serial fraction against N, each backend's\n"
		 "median with the 95% interval of the median (--bars), beside Amdahl's law, this machine's ceiling\n"
		 "and the ideal S = N. Several files: each backend of each file is a series.\n"
		 "A --cmd program has no P of its own: it is drawn beside Amdahl's law at a P\n"
		 "fitted to its wall times (with its 95% interval, as amdahl fit), or without a model\n"
		 "when it has one N only. A B5 CSV (amdahl b5 --out, with a messengers column)\n"
		 "is drawn as b5-<name>: throughput against messengers for each backend, beside\n"
		 "the pipeline's bound. Prints the paths it wrote, one a line.",
	.specs = plot_specs,
	.more = plot_usage_more,
	.args_max = OPTIONS_ANY_ARGS,
};

/* --size WxH into the options' width and height. */
static int plot_size_parse(const char *s, void *base, char *err, size_t errlen)
{
	struct plot_opts *o = base;
	const char *x = strchr(s, 'x');
	char buf[32];
	uint64_t a, b;

	if (!x || (size_t)(x - s) >= sizeof(buf))
		goto bad;
	memcpy(buf, s, (size_t)(x - s));
	buf[x - s] = '\0';
	if (parse_u64(buf, &a) < 0 || parse_u64(x + 1, &b) < 0)
		goto bad;
	if (a < 200 || a > 10000 || b < 150 || b > 10000)
		goto bad;
	if (o) {
		o->width = (int)a;
		o->height = (int)b;
	}
	return 0;
bad:
	snprintf(err, errlen, "bad --size '%s': expected WxH in pixels, e.g. 1920x1080 (200x150 to 10000x10000)", s);
	return -1;
}

/* OPTIONS_GO_ON, or the exit status (--help printed, a usage error reported). The files start at argv[*argi]. */
static int parse_args(int argc, char **argv, struct plot_opts *o, int *argi)
{
	int rc = options_command(&plot_usage, o, NULL, 0, argc, argv, argi);

	if (rc != OPTIONS_GO_ON)
		return rc;
	if (o->theory && *argi < argc)
		usagef("plot", "--theory draws the law alone; unexpected file '%s'", argv[*argi]);
	else if (!o->theory && (o->plist || o->nlist))
		usagef("plot", "-P and -N go with --theory");
	else if (!o->theory && *argi >= argc)
		usagef("plot", "no CSV file given");
	else if (o->theory && o->table)
		usagef("plot", "--table needs measured rows, not --theory");
	else
		return OPTIONS_GO_ON;
	return EXIT_USAGE;
}

/* The inputs of one plot, all read and checked before anything is drawn. */
struct plot_inputs {
	struct run_rows rows;
	struct aggregate agg;
	struct figures *figs;
	char **runfiles;		/* the run CSVs, by the rows' file index */
	size_t nruns;
	struct b5_csv_file *b5s;
	size_t nb5;
	struct dbl_list ps;		/* --theory */
	struct int_list ns;
};

static void inputs_free(struct plot_inputs *in)
{
	figures_free(in->figs);
	aggregate_free(&in->agg);
	run_rows_free(&in->rows);
	free(in->runfiles);
	for (size_t i = 0; i < in->nb5; i++)
		b5_csv_free(&in->b5s[i]);
	free(in->b5s);
	list_free_p(&in->ps);
	list_free_n(&in->ns);
}

/* Read every file; -1 with the reason said (exit 2). */
static int read_inputs(char **files, size_t nfiles, struct plot_inputs *in)
{
	char err[4400];

	in->runfiles = xcalloc(nfiles, sizeof(*in->runfiles));
	in->b5s = xcalloc(nfiles, sizeof(*in->b5s));
	for (size_t f = 0; f < nfiles; f++) {
		int b5 = b5_csv_is(files[f], err, sizeof(err));

		if (b5 > 0) {
			if (b5_csv_read(files[f], &in->b5s[in->nb5++], err, sizeof(err)) < 0) {
				errorf("%s", err);
				return -1;
			}
		} else if (b5 < 0 || csv_read_rows(files[f], &in->rows, err, sizeof(err)) < 0) {
			errorf("%s", err);
			return -1;
		} else {
			in->runfiles[in->nruns++] = files[f];
		}
	}
	aggregate_rows(&in->rows, &in->agg);
	in->figs = figures_build(&in->agg, in->runfiles);
	if (!in->figs)
		return -1;
	if (in->nruns && figures_drawable(in->figs) == 0) {
		errorf("nothing to draw in '%s': no speedup, and no N=1 rows to divide by", in->runfiles[0]);
		return -1;
	}
	return 0;
}

/* The machine line of a figure, from the meta.json beside csv. */
static void subtitle_of(const char *csv, size_t nruns, char *buf, size_t len)
{
	char mp[PATH_MAX + 16];
	json_t *m;

	meta_path_for(csv, mp, sizeof(mp));
	m = meta_read(mp);
	figure_subtitle(m, nruns, buf, len);
	json_decref(m);
}

/* Whether another B5 input has the same file stem (their figures would share a name). */
static int b5_stem_taken(const struct plot_inputs *in, size_t i)
{
	char a[96], b[96];

	figure_file_stem(in->b5s[i].path, a, sizeof(a));
	for (size_t j = 0; j < in->nb5; j++) {
		figure_file_stem(in->b5s[j].path, b, sizeof(b));
		if (j != i && strcmp(a, b) == 0)
			return 1;
	}
	return 0;
}

static enum gnuplot_status draw_all(const struct plot_opts *o, const struct plot_inputs *in,
				    const struct gnuplot *g, struct figure_look *look)
{
	enum gnuplot_status st = GNUPLOT_OK;
	char machine[512];

	if (o->theory)
		st = figure_theory(in->ps.v, in->ps.len, in->ns.v, in->ns.len, g, look, stdout);
	if (st == GNUPLOT_OK && in->nruns) {
		subtitle_of(in->runfiles[0], in->nruns, look->subtitle, sizeof(look->subtitle));
		st = figures_draw(in->figs, g, look, stdout);
	}
	for (size_t i = 0; i < in->nb5 && st == GNUPLOT_OK; i++) {
		subtitle_of(in->b5s[i].path, 1, machine, sizeof(machine));
		st = figure_b5(&in->b5s[i], i, b5_stem_taken(in, i), machine, g, look, stdout);
	}
	if (st == GNUPLOT_OK && o->table)
		figures_table(in->figs, stdout);
	return st;
}

/* The output folder, made and then named by its absolute path (what gnuplot is given, and what is printed). */
static int make_outdir(const char *dir, char *abs, size_t len)
{
	char real[PATH_MAX];

	if (make_dirs(dir) < 0 || !realpath(dir, real)) {
		errorf("cannot create '%s': %s", dir, strerror(errno));
		return -1;
	}
	if (!gnuplot_path_ok(real)) {
		errorf("bad --outdir '%s': a folder name with control characters", dir);
		return -1;
	}
	snprintf(abs, len, "%s", real);
	return 0;
}

int cmd_plot(int argc, char **argv)
{
	struct plot_opts o = { .outdir = NULL };
	struct plot_inputs in;
	struct figure_look look;
	struct gnuplot g;
	char err[600], outdir[PATH_MAX];
	enum gnuplot_status st;
	int rc, usage_error, argi = 1;

	if ((rc = parse_args(argc, argv, &o, &argi)) != OPTIONS_GO_ON)
		return rc;
	memset(&in, 0, sizeof(in));
	memset(&look, 0, sizeof(look));
	run_rows_init(&in.rows);
	look.style = o.style;
	look.title = o.title;
	look.bars = (enum figure_bars)o.bars;
	look.width = o.width ? o.width : strcmp(o.style, "slides") == 0 ? 1920 : 800;
	look.height = o.height ? o.height : strcmp(o.style, "slides") == 0 ? 1080 : 520;
	/* Every input is checked before anything is written. */
	if (o.theory) {
		if (list_parse_p(o.plist ? o.plist : "0.5,0.8,0.9,0.95,0.99", &in.ps, err, sizeof(err)) < 0 ||
		    list_parse_n(o.nlist ? o.nlist : "1..320:x2", LIST_N_MAX, &in.ns, err, sizeof(err)) < 0) {
			usagef("plot", "%s", err);
			inputs_free(&in);
			return EXIT_USAGE;
		}
		if (in.ps.len > 8) {
			usagef("plot", "too many P values for one figure (%zu; at most 8)", in.ps.len);
			inputs_free(&in);
			return EXIT_USAGE;
		}
	} else if (read_inputs(argv + argi, (size_t)(argc - argi), &in) < 0) {
		inputs_free(&in);
		return EXIT_USAGE;
	}
	if (gnuplot_init(&g, o.format, &usage_error) < 0) {
		inputs_free(&in);
		return usage_error ? EXIT_USAGE : EXIT_FAILED;
	}
	if (make_outdir(o.outdir, outdir, sizeof(outdir)) < 0) {
		gnuplot_free(&g);
		inputs_free(&in);
		return EXIT_USAGE;
	}
	look.outdir = outdir;
	g.stop = &stop_flag;
	stop_install();
	st = draw_all(&o, &in, &g, &look);
	rc = st == GNUPLOT_OK ? EXIT_OK : st == GNUPLOT_INTERRUPTED ? EXIT_INTERRUPTED : EXIT_FAILED;
	if (finish_stdout() < 0 && rc == EXIT_OK)
		rc = EXIT_FAILED;
	gnuplot_free(&g);
	inputs_free(&in);
	return rc;
}
