/*
 * amdahl plot: draw run CSVs as figures. The rows are grouped by workload
 * (and P, and --cmd label); within a group each backend is a series, and each
 * worker count gets the median, minimum and maximum of its repetitions'
 * speedup, efficiency and Karp-Flatt serial fraction. Those numbers go to a
 * tidy data file in a temporary folder, and gnuplot draws them with the
 * scripts in plots/ (one per figure, parameterised with -e, readable on their
 * own). Every image is rendered to a temporary file in the output folder and
 * renamed into place only when gnuplot succeeded, so a failure never leaves a
 * half-written figure. --theory draws the law alone, for a slide.
 *
 * Rows of a --cmd program have no P: each such series gets one fitted to its
 * wall times (fit.h), and its figures show the law at that P. A B5 CSV (from
 * `amdahl b5`) is told apart by its messengers column, checked like a run
 * CSV, and drawn by plots/b5.gp, one figure per law in the file.
 */
#define _GNU_SOURCE
#include "cmd.h"
#include "../api/backend.h"
#include "../b5/b5.h"
#include "../results/csv.h"
#include "../models/fit.h"
#include "../models/interval.h"
#include "../base/list.h"
#include "../engine/meta.h"
#include "../models/models.h"
#include "../models/stats.h"
#include "../engine/stop.h"
#include "../base/options.h"
#include "../base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Where `make install` puts the scripts; the Makefile passes the real prefix. */
#ifndef AMDAHL_DATADIR
#define AMDAHL_DATADIR "/usr/local/share/amdahl"
#endif

/* The figures drawn for every group of measured rows: name and script. */
static const char *const figures[] = { "speedup", "efficiency", "karp-flatt" };
static const char *const kinds[] = { "Speedup", "Efficiency", "Karp-Flatt serial fraction" };

/* What the bars show: the median's 95% interval (default), the range, or the interquartile range. */
enum plot_bars { BARS_CI, BARS_RANGE, BARS_IQR };

struct plot_opts {
	const char *outdir, *format, *style, *title, *plist, *nlist;
	int width, height;	/* 0: the style's default */
	int theory, table;
	int bars;		/* enum plot_bars */
};

/* The repetitions of one backend at one N. */
struct cell {
	int n;
	size_t len, cap;
	double *wall, *speedup;
	struct stats_summary s, e, kf;	/* speedup, efficiency, Karp-Flatt over repetitions */
};

/*
 * Amdahl's P fitted to a --cmd series (which has no P of its own), with the
 * bootstrap interval; ok is 0 when it could not be fitted (one N only).
 */
struct pfit {
	int ok;
	double p, lo, hi, r2;	/* lo, hi: NaN when the bootstrap failed */
};

/* One line on a figure: a backend, from one file. */
struct series {
	size_t file;
	const char *backend;
	int order;		/* the backend's place in the registry, for a stable order */
	char name[96];
	int lt;			/* gnuplot line type, 1..8 */
	struct cell *cells;
	size_t ncells;
	struct pfit fit;	/* --cmd series: P fitted to its wall times */
};

/* One set of figures: a workload at one P (or one --cmd program). */
struct group {
	const char *workload, *label;
	double p;		/* NaN for --cmd rows */
	int weak;
	double cores;
	int nmax;
	size_t reps;		/* most repetitions of any point */
	double smin, smax;	/* measured speedups, for the y range */
	double work;		/* the work_s column when all rows agree, else NaN */
	struct series *ser;
	size_t nser;
	struct pfit fit;	/* --cmd groups of one series: that series' fit */
};

struct plot_ctx {
	const struct plot_opts *o;
	const char *gnuplot;	/* full path */
	char scripts[PATH_MAX];
	char tmpdir[PATH_MAX];
	const char *ext;
	int width, height;
	char subtitle[512];
};

static int plot_size_parse(const char *text, void *base, char *err, size_t errlen);

static const char *const plot_formats[] = { "png", "svg", "pdf", NULL };
static const char *const plot_styles[] = { "paper", "slides", NULL };
static const char *const plot_bars[] = { [BARS_CI] = "ci", [BARS_RANGE] = "range", [BARS_IQR] = "iqr", NULL };

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
	{ .name = "bars", .kind = OPTION_CHOICE, .metavar = "B", .choices = plot_bars, .def = "ci", PLOT_AT(bars),
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
	fputs("\nThe gnuplot scripts are found in $AMDAHL_PLOTS, else <bindir>/../share/amdahl/plots,\n"
	      "else <bindir>/../plots (the build tree), else " AMDAHL_DATADIR "/plots.\n"
	      "\nexample:\n  amdahl plot results/latest.csv --style slides --outdir plots/out\n", fp);
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

/* ---- finding gnuplot and the scripts ---- */

/* gnuplot's full path from PATH into buf; -1 when it is not there. */
static int find_gnuplot(char *buf, size_t len)
{
	const char *dir = getenv("PATH");

	while (dir && *dir) {
		const char *colon = strchr(dir, ':');
		int dlen = colon ? (int)(colon - dir) : (int)strlen(dir);

		/* An empty entry means the current folder, as for execvp. */
		snprintf(buf, len, "%.*s/gnuplot", dlen ? dlen : 1, dlen ? dir : ".");
		if (access(buf, X_OK) == 0)
			return 0;
		dir = colon ? colon + 1 : NULL;
	}
	return -1;
}

static int scripts_in(const char *dir, char *out, size_t len)
{
	char probe[PATH_MAX + 32];
	char real[PATH_MAX];

	snprintf(probe, sizeof(probe), "%s/speedup.gp", dir);
	if (access(probe, R_OK) != 0 || !realpath(dir, real))
		return -1;
	snprintf(out, len, "%s", real);
	return 0;
}

/*
 * The scripts folder: $AMDAHL_PLOTS, then beside the binary (installed:
 * <bindir>/../share/amdahl/plots; build tree: <bindir>/../plots), then the
 * compiled-in install prefix. Never the current folder.
 */
static int find_scripts(char *out, size_t len)
{
	const char *env = getenv("AMDAHL_PLOTS");
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	ssize_t n;

	if (env && *env) {
		if (scripts_in(env, out, len) < 0) {
			errorf("no gnuplot scripts in AMDAHL_PLOTS '%s' (speedup.gp is missing)", env);
			return -1;
		}
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(cand, sizeof(cand), "%s/../share/amdahl/plots", exe);
		if (scripts_in(cand, out, len) == 0)
			return 0;
		snprintf(cand, sizeof(cand), "%s/../plots", exe);
		if (scripts_in(cand, out, len) == 0)
			return 0;
	}
	if (scripts_in(AMDAHL_DATADIR "/plots", out, len) == 0)
		return 0;
	errorf("cannot find the gnuplot scripts (speedup.gp) beside the binary or in '%s/plots'; "
	       "set AMDAHL_PLOTS or run 'make install'", AMDAHL_DATADIR);
	return -1;
}

/* ---- grouping the rows ---- */

static int backend_order(const char *name)
{
	int i = 0;

	for (const struct backend *const *b = backend_registry; *b; b++, i++)
		if (strcmp((*b)->name, name) == 0)
			return i;
	return 1000;
}

static int same_p(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static struct group *find_group(struct group **gs, size_t *ng, const struct result *r)
{
	for (size_t i = 0; i < *ng; i++) {
		struct group *g = &(*gs)[i];
		if (strcmp(g->workload, r->workload) == 0 && strcmp(g->label, r->label) == 0 &&
		    same_p(g->p, r->p) && g->weak == r->weak)
			return g;
	}
	*gs = xrealloc(*gs, (*ng + 1) * sizeof(**gs));
	memset(&(*gs)[*ng], 0, sizeof(**gs));
	(*gs)[*ng].workload = r->workload;
	(*gs)[*ng].label = r->label;
	(*gs)[*ng].p = r->p;
	(*gs)[*ng].weak = r->weak;
	(*gs)[*ng].work = r->work_s;
	return &(*gs)[(*ng)++];
}

static struct series *find_series(struct group *g, size_t file, const char *backend)
{
	struct series *s;

	for (size_t i = 0; i < g->nser; i++)
		if (g->ser[i].file == file && strcmp(g->ser[i].backend, backend) == 0)
			return &g->ser[i];
	g->ser = xrealloc(g->ser, (g->nser + 1) * sizeof(*g->ser));
	s = &g->ser[g->nser++];
	memset(s, 0, sizeof(*s));
	s->file = file;
	s->backend = backend;
	s->order = backend_order(backend);
	return s;
}

static struct cell *find_cell(struct series *s, int n)
{
	struct cell *c;

	for (size_t i = 0; i < s->ncells; i++)
		if (s->cells[i].n == n)
			return &s->cells[i];
	s->cells = xrealloc(s->cells, (s->ncells + 1) * sizeof(*s->cells));
	c = &s->cells[s->ncells++];
	memset(c, 0, sizeof(*c));
	c->n = n;
	return c;
}

static void cell_add(struct cell *c, double wall, double speedup)
{
	if (c->len == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->wall = xrealloc(c->wall, c->cap * sizeof(double));
		c->speedup = xrealloc(c->speedup, c->cap * sizeof(double));
	}
	c->wall[c->len] = wall;
	c->speedup[c->len++] = speedup;
}

static int cmp_cell(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;

	return (x->n > y->n) - (x->n < y->n);
}

static int cmp_series(const void *a, const void *b)
{
	const struct series *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->backend, y->backend);
}

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c = strcmp(x->workload, y->workload);

	if (c)
		return c;
	if ((c = strcmp(x->label, y->label)))
		return c;
	if (x->weak != y->weak)
		return x->weak - y->weak;
	if (isnan(x->p) || isnan(y->p))
		return isnan(x->p) - isnan(y->p);
	return (x->p > y->p) - (x->p < y->p);
}

/*
 * A name gnuplot can take as one word, and a file name: letters, digits and
 * ._:+- kept, runs of anything else made one '_', none at the end.
 */
static void word_copy(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	for (; *src && i + 1 < len; src++) {
		int ok = strchr("._:+-", *src) || (*src >= '0' && *src <= '9') ||
			 (*src >= 'a' && *src <= 'z') || (*src >= 'A' && *src <= 'Z');
		if (ok)
			dst[i++] = *src;
		else if (i > 0 && dst[i - 1] != '_')
			dst[i++] = '_';
	}
	while (i > 1 && dst[i - 1] == '_')
		i--;
	dst[i] = '\0';
}

/* "results/run-a.csv" -> "run-a", for naming a file's series. */
static void file_stem(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	snprintf(buf, len, "%s", base);
	n = strlen(buf);
	if (n > 4 && strcmp(buf + n - 4, ".csv") == 0)
		buf[n - 4] = '\0';
}

static void summarize_cell(struct cell *c)
{
	double *e = xmalloc(c->len * sizeof(double)), *kf = xmalloc(c->len * sizeof(double));
	size_t nkf = 0;

	for (size_t i = 0; i < c->len; i++) {
		e[i] = c->speedup[i] / c->n;
		if (c->n > 1)
			kf[nkf++] = models_karp_flatt(c->speedup[i], c->n);
	}
	stats_summarize(c->speedup, c->len, &c->s);
	stats_summarize(e, c->len, &c->e);
	stats_summarize(kf, nkf, &c->kf);
	free(e);
	free(kf);
}

/*
 * Group every row of every file, fill speedups a row left empty from the
 * median N=1 wall of its series, and summarize each point.
 */
static struct group *group_rows(struct result **rows, const size_t *nrows, char **files, size_t nfiles,
				size_t *ngroups)
{
	struct group *gs = NULL;
	size_t ng = 0;

	for (size_t f = 0; f < nfiles; f++)
		for (size_t i = 0; i < nrows[f]; i++) {
			const struct result *r = &rows[f][i];
			struct group *g = find_group(&gs, &ng, r);
			struct series *s = find_series(g, f, r->backend);
			cell_add(find_cell(s, r->n), r->t.wall_s, r->speedup);
			if (r->cores > g->cores)
				g->cores = r->cores;
			if (!(r->work_s == g->work))
				g->work = NAN;
		}
	for (size_t i = 0; i < ng; i++) {
		struct group *g = &gs[i];
		int multi = 0;	/* series from several files: name each by its file too */

		qsort(g->ser, g->nser, sizeof(*g->ser), cmp_series);
		for (size_t k = 1; k < g->nser; k++)
			multi |= g->ser[k].file != g->ser[0].file;
		g->smin = INFINITY;
		g->smax = 0;
		for (size_t k = 0; k < g->nser; k++) {
			struct series *s = &g->ser[k];
			double base = NAN;
			char stem[64];

			qsort(s->cells, s->ncells, sizeof(*s->cells), cmp_cell);
			if (s->cells[0].n == 1)
				base = stats_median(s->cells[0].wall, s->cells[0].len);
			if (multi) {
				char both[160];
				file_stem(files[s->file], stem, sizeof(stem));
				snprintf(both, sizeof(both), "%s:%s", stem, s->backend);
				word_copy(s->name, sizeof(s->name), both);
				s->lt = (int)(k % 8) + 1;
			} else {
				word_copy(s->name, sizeof(s->name), s->backend);
				s->lt = s->order < 1000 ? s->order % 8 + 1 : (int)(k % 8) + 1;
			}
			for (size_t j = 0; j < s->ncells; j++) {
				struct cell *c = &s->cells[j];
				size_t kept = 0;
				for (size_t r = 0; r < c->len; r++) {
					double sp = c->speedup[r];
					if (isnan(sp))
						sp = base / c->wall[r];
					if (!isfinite(sp) || sp <= 0)
						continue;
					c->wall[kept] = c->wall[r];
					c->speedup[kept++] = sp;
				}
				c->len = kept;
				if (kept == 0)
					continue;
				summarize_cell(c);
				if (c->n > g->nmax)
					g->nmax = c->n;
				if (kept > g->reps)
					g->reps = kept;
				if (c->s.min < g->smin)
					g->smin = c->s.min;
				if (c->s.max > g->smax)
					g->smax = c->s.max;
			}
		}
	}
	if (ng > 1)	/* gs is NULL when a file has no run rows (a B5 CSV alone) */
		qsort(gs, ng, sizeof(*gs), cmp_group);
	*ngroups = ng;
	return gs;
}

static int same_group_key(const struct group *g, const struct fit_group *fg)
{
	return isnan(g->p) && strcmp(g->workload, fg->workload) == 0 && strcmp(g->label, fg->label) == 0 &&
	       g->weak == fg->weak;
}

/*
 * Amdahl's P of one --cmd series from its wall times: the one fit amdahl
 * shows everywhere (fit_p_interval: least squares on N <= cores, jackknife
 * interval over rounds), so the figure's key and `amdahl fit` agree.
 */
static struct pfit fit_obs_p(const struct fit_obs *obs, size_t n)
{
	struct pfit pf = { .ok = 0, .p = NAN, .lo = NAN, .hi = NAN, .r2 = NAN };
	double raw;

	pf.ok = fit_p_interval(obs, n, fit_amdahl, FIT_LEVEL, &pf.p, &pf.lo, &pf.hi, &raw, &pf.r2) == FIT_OK;
	return pf;
}

/*
 * Fit P to every --cmd series (rows without a P of their own, strong scaling),
 * grouping each file's rows as `amdahl fit` does; a group of one series takes
 * that series' fit as its model. A series that cannot be fitted (one N only,
 * or one core) keeps ok = 0 and is drawn without a model.
 */
static void fit_cmd_series(struct result **rows, const size_t *nrows, size_t nfiles, struct group *gs,
			   size_t ng)
{
	for (size_t f = 0; f < nfiles; f++) {
		struct fit_group *fg = NULL;
		size_t nfg = 0;

		if (nrows[f] == 0)
			continue;
		fit_group_rows(rows[f], nrows[f], &fg, &nfg);
		for (size_t k = 0; k < nfg; k++) {
			if (!isnan(fg[k].p) || fg[k].weak)
				continue;
			for (size_t i = 0; i < ng; i++) {
				if (!same_group_key(&gs[i], &fg[k]))
					continue;
				for (size_t j = 0; j < gs[i].nser; j++) {
					struct series *s = &gs[i].ser[j];
					if (s->file == f && strcmp(s->backend, fg[k].backend) == 0)
						s->fit = fit_obs_p(fg[k].obs, fg[k].nobs);
				}
			}
		}
		fit_groups_free(fg, nfg);
	}
	for (size_t i = 0; i < ng; i++)
		if (gs[i].nser == 1)
			gs[i].fit = gs[i].ser[0].fit;
}

static void free_groups(struct group *gs, size_t ng)
{
	for (size_t i = 0; i < ng; i++) {
		for (size_t k = 0; k < gs[i].nser; k++) {
			for (size_t j = 0; j < gs[i].ser[k].ncells; j++) {
				free(gs[i].ser[k].cells[j].wall);
				free(gs[i].ser[k].cells[j].speedup);
			}
			free(gs[i].ser[k].cells);
		}
		free(gs[i].ser);
	}
	free(gs);
}

/* ---- data files and gnuplot ---- */

/* A number for a data file or a -e assignment: NaN stays NaN (gnuplot skips it). */
static void put_num(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, " %.6g", v);
	else
		fputs(" NaN", fp);
}

/*
 * A cell's bars for the speedup, in the mode asked for. The efficiency's are
 * these over N, and Karp-Flatt's are these mapped through e(S), which falls
 * as S rises. The median's interval is interval_median's: with 5 or fewer
 * repetitions it is the range, whose coverage the subtitle gives.
 */
static void cell_bars(const struct cell *c, enum plot_bars mode, double *lo, double *hi)
{
	struct interval ci;

	*lo = c->s.min;
	*hi = c->s.max;
	if (mode == BARS_IQR) {
		*lo = c->s.q1;
		*hi = c->s.q3;
	} else if (mode == BARS_CI && interval_median(c->speedup, c->len, 0.95, &ci) >= 0) {
		*lo = ci.lo;
		*hi = ci.hi;
	}
}

static int write_group_data(const struct group *g, enum plot_bars mode, const char *path)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	fprintf(fp, "# amdahl plot: workload %s%s%s, p %g, cores %g\n"
		"# one block per series (gnuplot index 0, 1, ...), two blank lines apart; columns:\n"
		"# n  speedup: median lo hi  efficiency: median lo hi  karp_flatt: median lo hi  reps"
		" (lo, hi: the bars, --bars %s)\n", g->workload, g->label[0] ? ", program " : "", g->label, g->p,
		g->cores, plot_bars[mode]);
	for (size_t k = 0; k < g->nser; k++) {
		const struct series *s = &g->ser[k];
		fprintf(fp, "%s# series %s\n", k ? "\n\n" : "", s->name);
		for (size_t j = 0; j < s->ncells; j++) {
			const struct cell *c = &s->cells[j];
			double lo, hi;
			if (c->len == 0)
				continue;
			cell_bars(c, mode, &lo, &hi);
			fprintf(fp, "%d", c->n);
			put_num(fp, c->s.median);
			put_num(fp, lo);
			put_num(fp, hi);
			put_num(fp, c->e.median);
			put_num(fp, lo / c->n);
			put_num(fp, hi / c->n);
			put_num(fp, c->kf.n ? c->kf.median : NAN);
			put_num(fp, c->kf.n ? models_karp_flatt(hi, c->n) : NAN);
			put_num(fp, c->kf.n ? models_karp_flatt(lo, c->n) : NAN);
			fprintf(fp, " %zu\n", c->len);
		}
	}
	if (fclose(fp) != 0)
		return -1;
	return 0;
}

/* What the bars are, for the subtitle: ", bars: …", or "" with one repetition. */
static void bars_text(char *buf, size_t len, enum plot_bars mode, size_t reps)
{
	if (reps < 2)
		snprintf(buf, len, "%s", "");
	else if (mode == BARS_RANGE)
		snprintf(buf, len, ", bars min–max");
	else if (mode == BARS_IQR)
		snprintf(buf, len, ", bars interquartile range");
	else if (reps <= 5)	/* interval_median gives the range: say what it covers */
		snprintf(buf, len, ", bars min–max (%.0f%% interval of the median)", 100 * (1 - ldexp(1, 1 - (int)reps)));
	else
		snprintf(buf, len, ", bars 95%% interval of the median");
}

/* Append name='value' to a gnuplot -e string; single quotes doubled, newlines made spaces. */
static void gp_str(char **buf, size_t *len, const char *name, const char *value)
{
	size_t need = strlen(name) + 2 * strlen(value) + 8, at = *len;

	*buf = xrealloc(*buf, *len + need + 1);
	at += (size_t)sprintf(*buf + at, "%s='", name);
	for (const char *c = value; *c; c++) {
		if (*c == '\'')
			(*buf)[at++] = '\'';
		(*buf)[at++] = (*c == '\n' || *c == '\r') ? ' ' : *c;
	}
	at += (size_t)sprintf(*buf + at, "'; ");
	*len = at;
}

static void gp_num(char **buf, size_t *len, const char *name, double v)
{
	char tmp[96];

	/* Always a real: gnuplot divides integers as integers (1/8 = 0). */
	if (isfinite(v))
		snprintf(tmp, sizeof(tmp), "%s=%.10g%s; ", name, v, v == floor(v) && fabs(v) < 1e10 ? ".0" : "");
	else
		snprintf(tmp, sizeof(tmp), "%s=NaN; ", name);
	*buf = xrealloc(*buf, *len + strlen(tmp) + 1);
	memcpy(*buf + *len, tmp, strlen(tmp) + 1);
	*len += strlen(tmp);
}

static void gp_int(char **buf, size_t *len, const char *name, long v)
{
	char tmp[96];

	snprintf(tmp, sizeof(tmp), "%s=%ld; ", name, v);
	*buf = xrealloc(*buf, *len + strlen(tmp) + 1);
	memcpy(*buf + *len, tmp, strlen(tmp) + 1);
	*len += strlen(tmp);
}

/* The last lines of gnuplot's stderr, joined into one line. */
static void stderr_tail(const char *path, char *out, size_t len)
{
	char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n = 0, k = 0;
	long size;

	out[0] = '\0';
	if (!fp)
		return;
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	if (size > (long)sizeof(buf) - 1)
		fseek(fp, size - (long)sizeof(buf) + 1, SEEK_SET);
	else
		fseek(fp, 0, SEEK_SET);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	/* Keep the last three lines: gnuplot prints the line, a caret, then the message. */
	{
		char *start = buf + n;
		int lines = 0;
		while (start > buf && lines < 3) {
			start--;
			if (*start == '\n')
				lines++;
		}
		if (*start == '\n')
			start++;
		for (char *c = start; *c && k + 1 < len; c++) {
			if (*c == '\n') {
				if (k + 3 < len) {
					memcpy(out + k, " / ", 3);
					k += 3;
				}
			} else if (*c != '\r' && !(*c == ' ' && k > 0 && out[k - 1] == ' ')) {
				out[k++] = *c;
			}
		}
		out[k] = '\0';
	}
}

/*
 * cairo stamps a PDF with the time it was drawn (and ignores SOURCE_DATE_EPOCH
 * before 1.17); overwrite each date in place with the same number of digits,
 * so the byte offsets stay valid and the same CSV gives the same file.
 */
static int pdf_fix_dates(const char *path)
{
	static const char *const keys[] = { "/CreationDate (D:", "/ModDate (D:" };
	static const char epoch[] = "19700101000000";
	FILE *fp = fopen(path, "r+b");
	char *buf;
	long size;

	if (!fp)
		return -1;
	if (fseek(fp, 0, SEEK_END) < 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) < 0) {
		fclose(fp);
		return -1;
	}
	buf = xmalloc((size_t)size + 1);
	if (fread(buf, 1, (size_t)size, fp) != (size_t)size) {
		free(buf);
		fclose(fp);
		return -1;
	}
	buf[size] = '\0';
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		char *at = buf;
		while ((at = memmem(at, (size_t)(buf + size - at), keys[k], strlen(keys[k])))) {
			char *d = at + strlen(keys[k]);
			for (size_t i = 0; i < sizeof(epoch) - 1 && d + i < buf + size && d[i] >= '0' && d[i] <= '9'; i++)
				d[i] = epoch[i];
			at = d;
		}
	}
	if (fseek(fp, 0, SEEK_SET) < 0 || fwrite(buf, 1, (size_t)size, fp) != (size_t)size) {
		free(buf);
		fclose(fp);
		return -1;
	}
	free(buf);
	return fclose(fp);
}

enum draw_status { DRAW_OK, DRAW_FAILED, DRAW_INTERRUPTED };

/*
 * Run gnuplot on one script with the -e assignments, into a temporary file in
 * the output folder, then rename it to `final`. gnuplot runs without a shell,
 * stdin from /dev/null, its output into a file we read back on failure.
 */
static enum draw_status draw(const struct plot_ctx *ctx, const char *script, const char *assign,
			     const char *final)
{
	char tmp[PATH_MAX + 64], errpath[PATH_MAX + 16], gp[PATH_MAX + 32], tail[600], *arg;
	const char *slash = strrchr(final, '/');
	size_t dirlen = slash ? (size_t)(slash - final) + 1 : 0;
	struct stat st;
	int fd, status = 0;
	mode_t mask;
	pid_t pid;

	snprintf(tmp, sizeof(tmp), "%.*s.%s.XXXXXX", (int)dirlen, final, slash ? slash + 1 : final);
	fd = mkstemp(tmp);
	if (fd < 0) {
		errorf("cannot write in '%.*s': %s", (int)(dirlen ? dirlen - 1 : 1), dirlen ? final : ".",
		       strerror(errno));
		return DRAW_FAILED;
	}
	close(fd);
	snprintf(errpath, sizeof(errpath), "%s/gnuplot.err", ctx->tmpdir);
	snprintf(gp, sizeof(gp), "%s/%s.gp", ctx->scripts, script);
	{
		size_t len = strlen(assign);
		arg = xmalloc(len + 1);
		memcpy(arg, assign, len + 1);
		gp_str(&arg, &len, "out", tmp);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		errorf("cannot start gnuplot: %s", strerror(errno));
		free(arg);
		unlink(tmp);
		return DRAW_FAILED;
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		char *argv[] = { "gnuplot", "-e", arg, gp, NULL };
		if (in >= 0)
			dup2(in, 0);
		if (err >= 0) {
			dup2(err, 1);
			dup2(err, 2);
		}
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(ctx->gnuplot, argv);
		_exit(127);
	}
	free(arg);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			break;
		if (engine_stop)
			kill(pid, SIGTERM);
	}
	if (engine_stop) {
		unlink(tmp);
		return DRAW_INTERRUPTED;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(tmp, &st) < 0 || st.st_size == 0) {
		stderr_tail(errpath, tail, sizeof(tail));
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			errorf("cannot run '%s'", ctx->gnuplot);
		else
			errorf("gnuplot failed on '%s': %s", gp, tail[0] ? tail : "no image written");
		unlink(tmp);
		return DRAW_FAILED;
	}
	if (strcmp(ctx->o->format, "pdf") == 0 && pdf_fix_dates(tmp) < 0) {
		errorf("cannot rewrite '%s': %s", tmp, strerror(errno));
		unlink(tmp);
		return DRAW_FAILED;
	}
	mask = umask(0);
	umask(mask);
	chmod(tmp, 0666 & ~mask);
	if (rename(tmp, final) < 0) {
		errorf("cannot write '%s': %s", final, strerror(errno));
		unlink(tmp);
		return DRAW_FAILED;
	}
	return DRAW_OK;
}

/* The -e assignments every figure takes: format, size, style, scripts folder. */
static void common_assign(const struct plot_ctx *ctx, char **buf, size_t *len)
{
	gp_str(buf, len, "fmt", ctx->o->format);
	gp_str(buf, len, "style", ctx->o->style);
	gp_num(buf, len, "width", ctx->width);
	gp_num(buf, len, "height", ctx->height);
	gp_str(buf, len, "plotdir", ctx->scripts);
}

static void group_base_name(const struct group *g, char *buf, size_t len)
{
	char wl[64], lab[48] = "", p[40] = "";

	word_copy(wl, sizeof(wl), g->workload);
	if (g->label[0]) {
		lab[0] = '-';
		word_copy(lab + 1, sizeof(lab) - 1, g->label);
		if (!lab[1])
			lab[0] = '\0';
	}
	if (!isnan(g->p))
		snprintf(p, sizeof(p), "-p%g", g->p);
	snprintf(buf, len, "%s%s%s%s", wl, lab, p, g->weak ? "-weak" : "");
}

static enum draw_status draw_group(const struct plot_ctx *ctx, const struct group *g, size_t gi)
{
	char data[PATH_MAX + 32], base[160], final[PATH_MAX + 256], title[600], sub[700];
	char names[1024] = "", lts[64] = "", pfits[640] = "";
	/* The model's P: the rows' own, or the one fitted to a --cmd group of one series. */
	double pm = !isnan(g->p) ? g->p : g->fit.ok ? g->fit.p : NAN;
	double ymax, ymin, amax;
	size_t nfits = 0;
	enum draw_status st = DRAW_OK;

	snprintf(data, sizeof(data), "%s/group%zu.dat", ctx->tmpdir, gi);
	if (write_group_data(g, (enum plot_bars)ctx->o->bars, data) < 0) {
		errorf("cannot write '%s': %s", data, strerror(errno));
		return DRAW_FAILED;
	}
	group_base_name(g, base, sizeof(base));
	{
		char work[64] = "", bars[80];
		if (isfinite(g->work))
			snprintf(work, sizeof(work), "work %g s on one worker; ", g->work);
		bars_text(bars, sizeof(bars), (enum plot_bars)ctx->o->bars, g->reps);
		snprintf(sub, sizeof(sub), "%s%s%smedian of %zu repetition%s%s", ctx->subtitle,
			 ctx->subtitle[0] ? ", " : "", work, g->reps, g->reps == 1 ? "" : "s", bars);
	}
	for (size_t k = 0; k < g->nser; k++) {
		size_t at = strlen(names), lat = strlen(lts);
		snprintf(names + at, sizeof(names) - at, "%s%s", k ? " " : "", g->ser[k].name);
		snprintf(lts + lat, sizeof(lts) - lat, "%s%d", k ? " " : "", g->ser[k].lt);
	}
	/* The speedup axis reaches the law and the data, not the ideal line's far end. */
	amax = isnan(pm) ? 1 : g->weak ? models_gustafson(pm, g->nmax) : models_amdahl(pm, g->nmax);
	for (size_t k = 0; k < g->nser && g->nser > 1; k++) {
		const struct pfit *pf = &g->ser[k].fit;
		size_t at = strlen(pfits);
		if (pf->ok)
			amax = fmax(amax, models_amdahl(pf->p, g->nmax));
		nfits += pf->ok;
		snprintf(pfits + at, sizeof(pfits) - at, "%s%.6g %.6g %.6g", k ? " " : "", pf->ok ? pf->p : -1,
			 isfinite(pf->lo) ? pf->lo : -1, isfinite(pf->hi) ? pf->hi : -1);
	}
	ymax = fmax(fmax(amax, g->smax), 2.0) * 1.25;
	ymin = fmin(g->smin, 1.0) / 1.25;
	for (size_t f = 0; f < ARRAY_SIZE(figures) && st == DRAW_OK; f++) {
		char *arg = NULL;
		size_t len = 0;

		if (f == 2 && g->nmax < 2)
			continue;	/* Karp-Flatt needs N > 1 */
		if (ctx->o->title) {
			snprintf(title, sizeof(title), "%s", ctx->o->title);
		} else {
			char pp[48] = "";
			if (!isnan(g->p))
				snprintf(pp, sizeof(pp), ", P = %g", g->p);
			snprintf(title, sizeof(title), "%s: %s%s%s%s%s", kinds[f], g->workload,
				 g->label[0] ? " " : "", g->label, pp, g->weak ? " (weak scaling)" : "");
		}
		common_assign(ctx, &arg, &len);
		gp_str(&arg, &len, "datafile", data);
		gp_str(&arg, &len, "title", title);
		gp_str(&arg, &len, "subtitle", sub);
		gp_str(&arg, &len, "names", names);
		gp_str(&arg, &len, "lts", lts);
		gp_num(&arg, &len, "p", isnan(pm) ? -1 : pm);
		if (isnan(g->p) && g->fit.ok) {
			/* The key names the fit and its interval: P is an estimate here. */
			gp_int(&arg, &len, "fitted", 1);
			gp_num(&arg, &len, "plo", isfinite(g->fit.lo) ? g->fit.lo : -1);
			gp_num(&arg, &len, "phi", isfinite(g->fit.hi) ? g->fit.hi : -1);
		}
		if (nfits > 0 && f == 0)
			gp_str(&arg, &len, "pfits", pfits);
		if ((isnan(g->p) && g->fit.ok) || (nfits > 0 && f == 0))
			gp_num(&arg, &len, "level", 100 * FIT_LEVEL);
		gp_int(&arg, &len, "weak", g->weak);
		gp_num(&arg, &len, "cores", g->cores);
		gp_num(&arg, &len, "nmax", g->nmax);
		gp_num(&arg, &len, "reps", (double)g->reps);
		gp_num(&arg, &len, "ymin", ymin);
		gp_num(&arg, &len, "ymax", ymax);
		snprintf(final, sizeof(final), "%s/%s-%s.%s", ctx->o->outdir, figures[f], base, ctx->ext);
		st = draw(ctx, figures[f], arg, final);
		free(arg);
		if (st == DRAW_OK)
			printf("%s\n", final);
	}
	return st;
}

static enum draw_status draw_theory(const struct plot_ctx *ctx, const struct dbl_list *ps,
				    const struct int_list *ns)
{
	char data[PATH_MAX + 32], final[PATH_MAX + 64], plist[1024] = "";
	char *arg = NULL;
	size_t len = 0;
	int nmax = 1;
	double smax = 1;
	enum draw_status st;
	FILE *fp;

	snprintf(data, sizeof(data), "%s/theory.dat", ctx->tmpdir);
	fp = fopen(data, "w");
	if (!fp) {
		errorf("cannot write '%s': %s", data, strerror(errno));
		return DRAW_FAILED;
	}
	for (size_t j = 0; j < ns->len; j++)
		if (ns->v[j] > nmax)
			nmax = ns->v[j];
	fputs("# amdahl plot --theory: S(N) = 1/((1-P)+P/N) at the N list; one block per P\n"
	      "# n  speedup\n", fp);
	for (size_t i = 0; i < ps->len; i++) {
		size_t at = strlen(plist);
		fprintf(fp, "%s# P = %g\n", i ? "\n\n" : "", ps->v[i]);
		for (size_t j = 0; j < ns->len; j++) {
			double s = models_amdahl(ps->v[i], ns->v[j]);
			fprintf(fp, "%d %.6g\n", ns->v[j], s);
		}
		smax = fmax(smax, models_amdahl(ps->v[i], nmax));
		snprintf(plist + at, sizeof(plist) - at, "%s%g", i ? " " : "", ps->v[i]);
	}
	if (fclose(fp) != 0) {
		errorf("cannot write '%s': %s", data, strerror(errno));
		return DRAW_FAILED;
	}
	common_assign(ctx, &arg, &len);
	gp_str(&arg, &len, "datafile", data);
	gp_str(&arg, &len, "title", ctx->o->title ? ctx->o->title : "Amdahl's law: S(N) = 1 / ((1 - P) + P / N)");
	gp_str(&arg, &len, "plist", plist);
	gp_num(&arg, &len, "nmax", nmax);
	gp_num(&arg, &len, "ymax", smax);
	snprintf(final, sizeof(final), "%s/theory.%s", ctx->o->outdir, ctx->ext);
	st = draw(ctx, "theory", arg, final);
	free(arg);
	if (st == DRAW_OK)
		printf("%s\n", final);
	return st;
}

/* "AMD EPYC (vm), 2 usable cores" from the first file's meta.json. */
static void make_subtitle(const char *csv, size_t nfiles, char *buf, size_t len)
{
	char mp[PATH_MAX + 16];
	json_t *m;
	const char *cpu = NULL, *host = NULL;
	double cores = NAN;
	size_t at = 0;

	buf[0] = '\0';
	meta_path_for(csv, mp, sizeof(mp));
	m = meta_read(mp);
	if (m) {
		cpu = json_string_value(json_object_get(m, "cpu_model"));
		host = json_string_value(json_object_get(m, "host"));
		cores = json_number_value(json_object_get(m, "cores"));
		if (!json_is_number(json_object_get(m, "cores")))
			cores = NAN;
	}
#define ADD(...) do { if (at < len) at += (size_t)snprintf(buf + at, len - at, __VA_ARGS__); } while (0)
	if (cpu && *cpu)
		ADD("%s", cpu);
	if (host && *host)
		ADD("%s(%s)", at ? " " : "", host);
	if (isfinite(cores))
		ADD("%s%g usable core%s", at ? ", " : "", cores, cores == 1 ? "" : "s");
	if (nfiles > 1)
		ADD("%s%zu runs", at ? "; " : "", nfiles);
#undef ADD
	json_decref(m);
}

/* ---- B5 CSVs ---- */

/* One run of a B5 CSV: the cells b5.gp draws, checked. */
struct b5_run {
	char backend[CSV_NAME_MAX], wait[8];
	int rep, messengers, pickers, bikes, orders;
	double pick_ms, deliver_ms, throughput, bound, wall_min_s;
};

/* The parameters of the pipeline's law: the runs of one B5 figure share them. */
struct b5_law {
	int pickers, bikes, orders;
	double pick_ms, deliver_ms;
};

/* A B5 CSV (from `amdahl b5 --out`): its runs and the laws among them. */
struct b5_file {
	const char *path;
	struct b5_run *runs;
	size_t nruns;
	struct b5_law *laws;	/* distinct, sorted: one figure each */
	size_t nlaws;
};

/* The columns b5.gp reads, in the order of the tidy copy it is given. */
static const char *const b5_columns[] = {
	"backend", "wait", "rep", "messengers", "pickers", "bikes", "orders",
	"pick_ms", "deliver_ms", "throughput", "bound", "wall_min_s",
};

/* 1 when a CSV has the columns of a B5 CSV rather than a run CSV's. */
static int b5_is_table(const struct csv_table *t)
{
	return csv_table_col(t, "messengers") >= 0 && csv_table_col(t, "throughput") >= 0;
}

static int b5_int(const char *s, int lo, int hi, int *out)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0 || v < (uint64_t)lo || v > (uint64_t)hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* A finite number >= lo (or > lo when strict); -1 otherwise. */
static int b5_num(const char *s, double lo, int strict, double *out)
{
	if (parse_double(s, out) < 0 || *out < lo || (strict && *out == lo))
		return -1;
	return 0;
}

/* A backend name gnuplot can take as one word of a list: letters, digits, ._+- */
static int b5_word(const char *s)
{
	if (!*s || strlen(s) >= CSV_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!(strchr("._+-", *s) || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

/* Check one row into r; the name of the first bad column, or NULL. */
static const char *b5_row(const struct csv_table *t, const int *col, size_t row, struct b5_run *r)
{
	char *const *c = t->cells[row];

	memset(r, 0, sizeof(*r));
	if (!b5_word(c[col[0]]))
		return "backend";
	snprintf(r->backend, sizeof(r->backend), "%s", c[col[0]]);
	if (strcmp(c[col[1]], "cond") && strcmp(c[col[1]], "poll"))
		return "wait";
	snprintf(r->wait, sizeof(r->wait), "%s", c[col[1]]);
	if (col[2] >= 0 && c[col[2]][0] && b5_int(c[col[2]], 0, INT_MAX, &r->rep) < 0)
		return "rep";
	if (b5_int(c[col[3]], 1, B5_WORKERS_MAX, &r->messengers) < 0)
		return "messengers";
	if (b5_int(c[col[4]], 1, B5_WORKERS_MAX, &r->pickers) < 0)
		return "pickers";
	if (b5_int(c[col[5]], 1, B5_WORKERS_MAX, &r->bikes) < 0)
		return "bikes";
	if (b5_int(c[col[6]], 1, B5_ORDERS_MAX, &r->orders) < 0)
		return "orders";
	if (b5_num(c[col[7]], 0, 0, &r->pick_ms) < 0)
		return "pick_ms";
	if (b5_num(c[col[8]], 0, 0, &r->deliver_ms) < 0)
		return "deliver_ms";
	if (b5_num(c[col[9]], 0, 1, &r->throughput) < 0)
		return "throughput";
	/* An empty bound is an unbounded pipeline (no pick or delivery time). */
	r->bound = NAN;
	if (c[col[10]][0] && b5_num(c[col[10]], 0, 1, &r->bound) < 0)
		return "bound";
	if (b5_num(c[col[11]], 0, 0, &r->wall_min_s) < 0)
		return "wall_min_s";
	return NULL;
}

static int cmp_law(const void *a, const void *b)
{
	const struct b5_law *x = a, *y = b;

	if (x->pickers != y->pickers)
		return x->pickers < y->pickers ? -1 : 1;
	if (x->bikes != y->bikes)
		return x->bikes < y->bikes ? -1 : 1;
	if (x->orders != y->orders)
		return x->orders < y->orders ? -1 : 1;
	if (x->pick_ms != y->pick_ms)
		return x->pick_ms < y->pick_ms ? -1 : 1;
	return (x->deliver_ms > y->deliver_ms) - (x->deliver_ms < y->deliver_ms);
}

static int same_law(const struct b5_law *l, const struct b5_run *r)
{
	return l->pickers == r->pickers && l->bikes == r->bikes && l->orders == r->orders &&
	       l->pick_ms == r->pick_ms && l->deliver_ms == r->deliver_ms;
}

/*
 * Read a B5 CSV that csv_table_read has parsed: every column b5.gp needs must
 * be there and every cell must parse and be in range. 0, or -1 with one line
 * in err naming the file, row and column.
 */
static int b5_read(const char *path, const struct csv_table *t, struct b5_file *out, char *err, size_t errlen)
{
	int col[ARRAY_SIZE(b5_columns)];

	memset(out, 0, sizeof(*out));
	out->path = path;
	for (size_t i = 0; i < ARRAY_SIZE(b5_columns); i++) {
		col[i] = csv_table_col(t, b5_columns[i]);
		if (col[i] < 0 && strcmp(b5_columns[i], "rep") != 0) {
			snprintf(err, errlen, "'%s' is not an amdahl b5 CSV: no '%s' column", path, b5_columns[i]);
			return -1;
		}
	}
	if (t->nrows == 0) {
		snprintf(err, errlen, "'%s' has a header but no rows", path);
		return -1;
	}
	out->runs = xcalloc(t->nrows, sizeof(*out->runs));
	for (size_t r = 0; r < t->nrows; r++) {
		struct b5_run *run = &out->runs[out->nruns++];
		const char *bad = b5_row(t, col, r, run);
		size_t l;

		if (bad) {
			snprintf(err, errlen, "'%s': row %zu: bad value in column '%s'", path, r + 1, bad);
			return -1;
		}
		for (l = 0; l < out->nlaws && !same_law(&out->laws[l], run); l++)
			;
		if (l == out->nlaws) {
			out->laws = xrealloc(out->laws, (out->nlaws + 1) * sizeof(*out->laws));
			out->laws[out->nlaws++] = (struct b5_law){ run->pickers, run->bikes, run->orders,
								   run->pick_ms, run->deliver_ms };
		}
	}
	qsort(out->laws, out->nlaws, sizeof(*out->laws), cmp_law);
	return 0;
}

static void b5_free(struct b5_file *b)
{
	free(b->runs);
	free(b->laws);
	memset(b, 0, sizeof(*b));
}

static int b5_backend_order(const char *name)
{
	int i = 0;

	for (const struct b5_backend *const *b = b5_backend_registry; *b; b++, i++)
		if (strcmp((*b)->name, name) == 0)
			return i;
	return 1000;
}

/*
 * The backends of a file as one gnuplot word list, in the registry's order
 * (unknown names after, by name), and the wait modes that occur.
 */
static void b5_lists(const struct b5_file *b, char *backends, size_t blen, char *waits, size_t wlen)
{
	const char *names[64];
	size_t nn = 0;
	int cond = 0, poll = 0;

	for (size_t r = 0; r < b->nruns; r++) {
		size_t k = 0;
		while (k < nn && strcmp(names[k], b->runs[r].backend) != 0)
			k++;
		if (k == nn && nn < ARRAY_SIZE(names))
			names[nn++] = b->runs[r].backend;
		cond |= strcmp(b->runs[r].wait, "cond") == 0;
		poll |= strcmp(b->runs[r].wait, "poll") == 0;
	}
	for (size_t a = 1; a < nn; a++)
		for (size_t c = a; c > 0; c--) {
			int oa = b5_backend_order(names[c - 1]), ob = b5_backend_order(names[c]);
			const char *t;
			if (oa < ob || (oa == ob && strcmp(names[c - 1], names[c]) <= 0))
				break;
			t = names[c];
			names[c] = names[c - 1];
			names[c - 1] = t;
		}
	backends[0] = '\0';
	for (size_t k = 0; k < nn; k++) {
		size_t at = strlen(backends);
		snprintf(backends + at, blen - at, "%s%s", k ? " " : "", names[k]);
	}
	snprintf(waits, wlen, "%s%s%s", cond ? "cond" : "", cond && poll ? " " : "", poll ? "poll" : "");
}

/*
 * "-pickers3-bikes15" for a figure of a file whose runs have several laws:
 * the parameters that differ between them, so each figure gets its own name.
 */
static void b5_suffix(const struct b5_file *b, const struct b5_law *l, char *buf, size_t len)
{
	int dp = 0, db = 0, dn = 0, dpick = 0, ddel = 0;
	size_t at = 0;

	for (size_t k = 1; k < b->nlaws; k++) {
		dp |= b->laws[k].pickers != b->laws[0].pickers;
		db |= b->laws[k].bikes != b->laws[0].bikes;
		dn |= b->laws[k].orders != b->laws[0].orders;
		dpick |= b->laws[k].pick_ms != b->laws[0].pick_ms;
		ddel |= b->laws[k].deliver_ms != b->laws[0].deliver_ms;
	}
	buf[0] = '\0';
#define ADD(...) do { if (at < len) at += (size_t)snprintf(buf + at, len - at, __VA_ARGS__); } while (0)
	if (dp)
		ADD("-pickers%d", l->pickers);
	if (db)
		ADD("-bikes%d", l->bikes);
	if (dn)
		ADD("-orders%d", l->orders);
	if (dpick)
		ADD("-pick%gms", l->pick_ms);
	if (ddel)
		ADD("-deliver%gms", l->deliver_ms);
#undef ADD
}

/* The runs of one law, as a plain CSV that b5.gp reads by its column names. */
static int b5_write_data(const struct b5_file *b, const struct b5_law *l, const char *path)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(b5_columns); i++)
		fprintf(fp, "%s%s", i ? "," : "", b5_columns[i]);
	fputc('\n', fp);
	for (size_t r = 0; r < b->nruns; r++) {
		const struct b5_run *x = &b->runs[r];
		if (!same_law(l, x))
			continue;
		fprintf(fp, "%s,%s,%d,%d,%d,%d,%d,%.9g,%.9g,%.9g,", x->backend, x->wait, x->rep, x->messengers,
			x->pickers, x->bikes, x->orders, x->pick_ms, x->deliver_ms, x->throughput);
		if (isfinite(x->bound))
			fprintf(fp, "%.9g", x->bound);
		fprintf(fp, ",%.9g\n", x->wall_min_s);
	}
	if (fclose(fp) != 0)
		return -1;
	return 0;
}

/* One figure per law of a B5 CSV: b5-<stem>[-<law>].<ext>, through plots/b5.gp. */
static enum draw_status draw_b5(const struct plot_ctx *ctx, const struct b5_file *b, size_t bi)
{
	char data[PATH_MAX + 128], final[PATH_MAX + 320], stem[96], word[96], suffix[128];
	char backends[1024], waits[16], machine[512];
	enum draw_status st = DRAW_OK;

	file_stem(b->path, stem, sizeof(stem));
	word_copy(word, sizeof(word), stem);
	b5_lists(b, backends, sizeof(backends), waits, sizeof(waits));
	make_subtitle(b->path, 1, machine, sizeof(machine));
	for (size_t k = 0; k < b->nlaws && st == DRAW_OK; k++) {
		char *arg = NULL;
		size_t len = 0;

		snprintf(data, sizeof(data), "%s/b5-%zu-%zu.csv", ctx->tmpdir, bi, k);
		if (b5_write_data(b, &b->laws[k], data) < 0) {
			errorf("cannot write '%s': %s", data, strerror(errno));
			return DRAW_FAILED;
		}
		b5_suffix(b, &b->laws[k], suffix, sizeof(suffix));
		common_assign(ctx, &arg, &len);
		gp_str(&arg, &len, "datafile", data);
		if (ctx->o->title)
			gp_str(&arg, &len, "title", ctx->o->title);
		gp_str(&arg, &len, "machine", machine);
		gp_str(&arg, &len, "backends", backends);
		gp_str(&arg, &len, "waits", waits);
		snprintf(final, sizeof(final), "%s/b5-%s%s.%s", ctx->o->outdir, word[0] ? word : "b5", suffix,
			 ctx->ext);
		st = draw(ctx, "b5", arg, final);
		free(arg);
		if (st == DRAW_OK)
			printf("%s\n", final);
	}
	return st;
}

/* Median speedups at each N, one line per series, for `make bench` and the terminal. */
static void print_table(const struct group *gs, size_t ng)
{
	for (size_t i = 0; i < ng; i++) {
		const struct group *g = &gs[i];
		int ns[64];
		size_t nn = 0;

		for (size_t k = 0; k < g->nser; k++)
			for (size_t j = 0; j < g->ser[k].ncells; j++) {
				size_t x = 0;
				while (x < nn && ns[x] != g->ser[k].cells[j].n)
					x++;
				if (x == nn && nn < ARRAY_SIZE(ns))
					ns[nn++] = g->ser[k].cells[j].n;
			}
		for (size_t a = 1; a < nn; a++)
			for (size_t b = a; b > 0 && ns[b - 1] > ns[b]; b--) {
				int t = ns[b];
				ns[b] = ns[b - 1];
				ns[b - 1] = t;
			}
		/* A --cmd group's model is the P fitted to it, when there is one. */
		double pm = !isnan(g->p) ? g->p : g->fit.ok ? g->fit.p : NAN;

		printf("\n%s%s%s", g->workload, g->label[0] ? " " : "", g->label);
		if (!isnan(g->p))
			printf(", P = %g", g->p);
		printf(": median speedup (%g usable cores)\n", g->cores);
		for (size_t k = 0; k < g->nser && isnan(g->p); k++) {
			const struct pfit *pf = &g->ser[k].fit;
			if (g->nser > 1)
				printf("%s: ", g->ser[k].name);
			if (!pf->ok) {
				printf("no fitted P (one N only, or one usable core)\n");
				continue;
			}
			printf("fitted P = %.4f", pf->p);
			if (isfinite(pf->lo))
				printf(" (%g%% CI %.4f-%.4f)", 100 * FIT_LEVEL, pf->lo, pf->hi);
			if (isfinite(pf->r2))
				printf(", R^2 %.3f", pf->r2);
			printf("\n");
		}
		printf("%-16s", "N");
		for (size_t x = 0; x < nn; x++)
			printf(" %6d", ns[x]);
		printf("  %s\n", isnan(pm) ? "" : "of ceiling at max N");
		if (!isnan(pm)) {
			printf("%-16s", g->weak ? "gustafson" : isnan(g->p) ? "amdahl (fit)" : "amdahl");
			for (size_t x = 0; x < nn; x++)
				printf(" %6.2f", g->weak ? models_gustafson(pm, ns[x]) : models_amdahl(pm, ns[x]));
			printf("\n%-16s", "ceiling");
			for (size_t x = 0; x < nn; x++)
				printf(" %6.2f", g->weak ? models_ceiling_weak(pm, ns[x], g->cores) :
				       models_ceiling(pm, ns[x], g->cores));
			printf("\n");
		}
		for (size_t k = 0; k < g->nser; k++) {
			const struct series *s = &g->ser[k];
			const struct cell *last = NULL;
			printf("%-16.16s", s->name);
			for (size_t x = 0; x < nn; x++) {
				const struct cell *c = NULL;
				for (size_t j = 0; j < s->ncells; j++)
					if (s->cells[j].n == ns[x] && s->cells[j].len)
						c = &s->cells[j];
				if (c) {
					printf(" %6.2f", c->s.median);
					last = c;
				} else {
					printf(" %6s", "-");
				}
			}
			if (last && !isnan(pm)) {
				double ceil = g->weak ? models_ceiling_weak(pm, last->n, g->cores) :
					models_ceiling(pm, last->n, g->cores);
				printf("  %5.1f%%", 100 * last->s.median / ceil);
			}
			printf("\n");
		}
	}
}

/* The temporary folder and the data files in it (plot writes nothing else there). */
static void remove_tmpdir(const char *dir)
{
	char path[PATH_MAX + 300];
	struct dirent *e;
	DIR *d;

	if (!dir[0])
		return;
	d = opendir(dir);
	if (d) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
				unlink(path);
			}
		closedir(d);
	}
	rmdir(dir);
}

/* mkdir -p; -1 with errno. */
static int make_dirs(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *c = buf + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -1;
		*c = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return -1;
	{
		struct stat st;
		if (stat(buf, &st) < 0)
			return -1;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
	}
	return 0;
}

int cmd_plot(int argc, char **argv)
{
	struct plot_opts o = { .outdir = NULL };
	struct plot_ctx ctx;
	struct dbl_list ps = { 0 };
	struct int_list ns = { 0 };
	struct result **rows = NULL;
	size_t *nrows = NULL, nfiles = 0, ng = 0, nb5 = 0;
	struct group *gs = NULL;
	struct b5_file *b5s = NULL;
	char gnuplot[PATH_MAX + 16], err[600];
	enum draw_status st = DRAW_OK;
	int rc, status = EXIT_USAGE, argi = 1;

	if ((rc = parse_args(argc, argv, &o, &argi)) != OPTIONS_GO_ON)
		return rc;
	memset(&ctx, 0, sizeof(ctx));
	ctx.o = &o;
	ctx.ext = o.format;
	ctx.width = o.width ? o.width : strcmp(o.style, "slides") == 0 ? 1920 : 800;
	ctx.height = o.height ? o.height : strcmp(o.style, "slides") == 0 ? 1080 : 520;

	/* Every input is checked before anything is written. */
	if (o.theory) {
		if (list_parse_p(o.plist ? o.plist : "0.5,0.8,0.9,0.95,0.99", &ps, err, sizeof(err)) < 0 ||
		    list_parse_n(o.nlist ? o.nlist : "1..320:x2", LIST_N_MAX, &ns, err, sizeof(err)) < 0) {
			usagef("plot", "%s", err);
			goto out;
		}
		if (ps.len > 8) {
			usagef("plot", "too many P values for one figure (%zu; at most 8)", ps.len);
			goto out;
		}
	} else {
		const char *first_run = NULL;
		size_t nruns = 0;

		nfiles = (size_t)(argc - argi);
		rows = xcalloc(nfiles, sizeof(*rows));
		nrows = xcalloc(nfiles, sizeof(*nrows));
		b5s = xcalloc(nfiles, sizeof(*b5s));
		/* A file with a messengers column is a B5 CSV; any other is read as a run CSV. */
		for (size_t f = 0; f < nfiles; f++) {
			const char *path = argv[argi + (int)f];
			struct csv_table t;

			if (csv_table_read(path, &t, err, sizeof(err)) < 0) {
				errorf("%s", err);
				goto out;
			}
			if (b5_is_table(&t)) {
				rc = b5_read(path, &t, &b5s[nb5], err, sizeof(err));
				csv_table_free(&t);
				if (rc < 0) {
					b5_free(&b5s[nb5]);
					errorf("%s", err);
					goto out;
				}
				nb5++;
				continue;
			}
			csv_table_free(&t);
			if (csv_read_results(path, &rows[f], &nrows[f], err, sizeof(err)) < 0) {
				errorf("%s", err);
				goto out;
			}
			if (!first_run)
				first_run = path;
			nruns++;
		}
		gs = group_rows(rows, nrows, argv + argi, nfiles, &ng);
		fit_cmd_series(rows, nrows, nfiles, gs, ng);
		for (size_t i = 0; i < ng; i++)
			if (gs[i].nser > 8) {
				errorf("%s: %zu series in one figure (at most 8); plot fewer files at once",
				       gs[i].workload, gs[i].nser);
				goto out;
			}
		{
			size_t drawable = 0;
			for (size_t i = 0; i < ng; i++)
				drawable += gs[i].nmax > 0;
			if (first_run && drawable == 0) {
				errorf("nothing to draw in '%s': no speedup, and no N=1 rows to divide by",
				       first_run);
				goto out;
			}
		}
		if (first_run)
			make_subtitle(first_run, nruns, ctx.subtitle, sizeof(ctx.subtitle));
	}
	if (find_gnuplot(gnuplot, sizeof(gnuplot)) < 0) {
		errorf("gnuplot not found in PATH; install it: apt-get install gnuplot-nox");
		goto out;
	}
	ctx.gnuplot = gnuplot;
	if (find_scripts(ctx.scripts, sizeof(ctx.scripts)) < 0)
		goto out;
	if (make_dirs(o.outdir) < 0) {
		errorf("cannot create '%s': %s", o.outdir, strerror(errno));
		goto out;
	}
	{
		const char *t = getenv("TMPDIR");
		snprintf(ctx.tmpdir, sizeof(ctx.tmpdir), "%s/amdahl-plot-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(ctx.tmpdir)) {
			errorf("cannot create a temporary folder in '%s': %s", t && *t ? t : "/tmp", strerror(errno));
			ctx.tmpdir[0] = '\0';
			status = EXIT_FAILED;
			goto out;
		}
	}
	engine_stop_install();
	if (o.theory)
		st = draw_theory(&ctx, &ps, &ns);
	for (size_t i = 0; i < ng && st == DRAW_OK; i++) {
		if (gs[i].nmax == 0) {
			warnf("%s%s%s: no speedup to draw (no N=1 rows to divide by)", gs[i].workload,
			      gs[i].label[0] ? " " : "", gs[i].label);
			continue;
		}
		st = draw_group(&ctx, &gs[i], i);
	}
	for (size_t i = 0; i < nb5 && st == DRAW_OK; i++)
		st = draw_b5(&ctx, &b5s[i], i);
	if (st == DRAW_OK && o.table)
		print_table(gs, ng);
	status = st == DRAW_OK ? EXIT_OK : st == DRAW_INTERRUPTED ? EXIT_INTERRUPTED : EXIT_FAILED;
	if (finish_stdout() < 0 && status == EXIT_OK)
		status = EXIT_FAILED;
out:
	remove_tmpdir(ctx.tmpdir);
	free_groups(gs, ng);
	for (size_t i = 0; i < nb5; i++)
		b5_free(&b5s[i]);
	free(b5s);
	for (size_t f = 0; f < nfiles; f++)
		free(rows[f]);
	free(rows);
	free(nrows);
	list_free_p(&ps);
	list_free_n(&ns);
	return status;
}
