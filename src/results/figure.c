/*
 * The figures of run rows (figure.h). A set's numbers all come from the
 * aggregate's cells; they go to a tidy data file in the runner's temporary
 * folder, and the scripts in plots/ draw them (one per figure, parameterised
 * with -e, readable on their own). Rows of a --cmd program have no P: each
 * such series gets one fitted to its wall times, and its figures show the law
 * at that P.
 */
#include "figure.h"
#include "figure_int.h"
#include "../api/backend.h"
#include "../base/util.h"
#include "../models/models.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The figures drawn for every set: script, and the word its title starts with. */
static const char *const scripts[] = { "speedup", "efficiency", "karp-flatt" };
static const char *const kinds[] = { "Speedup", "Efficiency", "Karp-Flatt serial fraction" };

/* ---- names ---- */

int figure_word(char *dst, size_t len, const char *src)
{
	size_t i = 0;
	int same = 1;

	for (; *src && i + 1 < len; src++) {
		int ok = strchr("._:+-", *src) || (*src >= '0' && *src <= '9') ||
			 (*src >= 'a' && *src <= 'z') || (*src >= 'A' && *src <= 'Z');
		same &= ok;
		if (ok)
			dst[i++] = *src;
		else if (i > 0 && dst[i - 1] != '_')
			dst[i++] = '_';
	}
	same &= *src == '\0';
	while (i > 1 && dst[i - 1] == '_')
		i--;
	dst[i] = '\0';
	return same;
}

void figure_file_stem(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	snprintf(buf, len, "%s", base);
	n = strlen(buf);
	if (n > 4 && strcmp(buf + n - 4, ".csv") == 0)
		buf[n - 4] = '\0';
}

/* FNV-1a over the set's whole key: the same set always gets the same suffix. */
static uint32_t key_hash(const struct figure_set *g)
{
	char p[40];
	uint32_t h = 2166136261u;
	const char *parts[3] = { g->workload, g->label, p };

	snprintf(p, sizeof(p), "%.17g/%d", g->p, g->weak);
	for (size_t k = 0; k < 3; k++)
		for (const char *c = parts[k]; ; c++) {
			h = (h ^ (unsigned char)*c) * 16777619u;
			if (!*c)
				break;
		}
	return h;
}

/* The set's file name; a hash suffix when a part had to be changed to make one. */
static void set_name(struct figure_set *g)
{
	char wl[64], lab[48] = "", p[40] = "";
	int plain = figure_word(wl, sizeof(wl), g->workload);

	if (g->label[0]) {
		lab[0] = '-';
		plain &= figure_word(lab + 1, sizeof(lab) - 1, g->label);
		if (!lab[1])
			lab[0] = '\0';
	}
	if (!isnan(g->p))
		snprintf(p, sizeof(p), "-p%.9g", g->p);
	snprintf(g->base, sizeof(g->base), "%s%s%s%s", wl, lab, p, g->weak ? "-weak" : "");
	if (!plain) {
		size_t at = strlen(g->base);
		snprintf(g->base + at, sizeof(g->base) - at, "-%06x", key_hash(g) & 0xffffffu);
		warnf("'%s%s%s' is not a file name: its figures are named <figure>-%s.<format>", g->workload,
		      g->label[0] ? "' '" : "", g->label, g->base);
	}
}

/* ---- sets ---- */

static int backend_order(const char *name)
{
	int i = 0;

	for (const struct backend *const *b = backend_registry; *b; b++, i++)
		if (strcmp((*b)->name, name) == 0)
			return i;
	return 1000;
}

static struct figure_set *find_set(struct figures *f, const struct agg_series *s)
{
	struct figure_set *g;

	for (size_t i = 0; i < f->nsets; i++) {
		g = &f->sets[i];
		if (strcmp(g->workload, s->workload) == 0 && strcmp(g->label, s->label) == 0 && agg_same_p(g->p, s->p) &&
		    g->weak == s->weak)
			return g;
	}
	f->sets = xrealloc(f->sets, (f->nsets + 1) * sizeof(*f->sets));
	g = &f->sets[f->nsets++];
	*g = (struct figure_set){ .workload = s->workload, .label = s->label, .p = s->p, .weak = s->weak,
				  .bound = s->bound, .work = s->work_s, .smin = INFINITY };
	return g;
}

static int cmp_series(const void *a, const void *b)
{
	const struct plot_series *x = a, *y = b;

	if (x->s->file != y->s->file)
		return x->s->file < y->s->file ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->s->backend, y->s->backend);
}

static int cmp_set(const void *a, const void *b)
{
	const struct figure_set *x = a, *y = b;
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

/* Name a set's series, give them line types, and find its ranges. */
static void set_finish(struct figure_set *g, char *const *files)
{
	int multi = 0;	/* series from several files: name each by its file too */

	qsort(g->ser, g->nser, sizeof(*g->ser), cmp_series);
	for (size_t k = 1; k < g->nser; k++)
		multi |= g->ser[k].s->file != g->ser[0].s->file;
	for (size_t k = 0; k < g->nser; k++) {
		struct plot_series *ps = &g->ser[k];
		char stem[64], both[160], prog[64];
		const char *who;

		/* A program's series is named by the program (the first word of its label), not "cmd". */
		snprintf(prog, sizeof(prog), "%.*s", (int)strcspn(ps->s->label, " \t\n"), ps->s->label);
		who = prog[0] ? prog : ps->s->backend;
		if (multi) {
			figure_file_stem(files[ps->s->file], stem, sizeof(stem));
			snprintf(both, sizeof(both), "%s:%s", stem, who);
			figure_word(ps->name, sizeof(ps->name), both);
			ps->lt = (int)(k % 8) + 1;
		} else {
			figure_word(ps->name, sizeof(ps->name), who);
			ps->lt = ps->order < 1000 ? ps->order % 8 + 1 : (int)(k % 8) + 1;
		}
		g->cores = fmax(g->cores, ps->s->cores);
		if (!(ps->s->work_s == g->work))
			g->work = NAN;
		for (size_t j = 0; j < ps->s->ncells; j++) {
			const struct agg_cell *c = &ps->s->cells[j];
			if (c->reps == 0)
				continue;
			g->nmax = c->n > g->nmax ? c->n : g->nmax;
			g->reps = c->reps > g->reps ? c->reps : g->reps;
			g->reps_min = g->reps_min == 0 || c->reps < g->reps_min ? c->reps : g->reps_min;
			g->smin = fmin(g->smin, c->speedup.min);
			g->smax = fmax(g->smax, c->speedup.max);
		}
	}
}

/*
 * Amdahl's P of one --cmd series from its wall times: the one fit amdahl
 * shows everywhere (fit_p_interval: least squares on N <= cores, jackknife
 * interval over rounds), so the figure's key and `amdahl fit` agree.
 */
static struct pfit fit_cmd(const struct fit_group *fg)
{
	struct pfit pf = { .ok = 0, .p = NAN, .lo = NAN, .hi = NAN, .r2 = NAN };
	double raw;

	pf.ok = fit_p_interval(fg->obs, fg->nobs, fit_amdahl, FIT_LEVEL, &pf.p, &pf.lo, &pf.hi, &raw, &pf.r2) ==
		FIT_OK;
	return pf;
}

/*
 * Fit P to every --cmd series of a set (no P of their own, strong scaling);
 * its cells' model and ceiling then use that P. A set of one series takes
 * that series' fit as its model. A series that cannot be fitted (one N only,
 * or one core) keeps ok = 0 and is drawn without a model.
 */
static void fit_cmd_series(struct figure_set *g)
{
	for (size_t k = 0; k < g->nser; k++) {
		struct plot_series *ps = &g->ser[k];
		if (!isnan(ps->s->p) || ps->s->weak)
			continue;
		ps->fit = fit_cmd(&ps->s->fit);
		if (ps->fit.ok)
			agg_series_use_p(ps->s, ps->fit.p);
	}
	if (g->nser == 1)
		g->fit = g->ser[0].fit;
}

struct figures *figures_build(struct aggregate *a, char *const *files)
{
	struct figures *f = xcalloc(1, sizeof(*f));

	for (size_t i = 0; i < a->nseries; i++) {
		struct figure_set *g = find_set(f, &a->series[i]);
		g->ser = xrealloc(g->ser, (g->nser + 1) * sizeof(*g->ser));
		memset(&g->ser[g->nser], 0, sizeof(*g->ser));
		g->ser[g->nser].s = &a->series[i];
		g->ser[g->nser].order = backend_order(a->series[i].backend);
		g->nser++;
	}
	for (size_t i = 0; i < f->nsets; i++) {
		if (f->sets[i].nser > FIGURE_SERIES_MAX) {
			errorf("%s: %zu series in one figure (at most %d); plot fewer files at once",
			       f->sets[i].workload, f->sets[i].nser, FIGURE_SERIES_MAX);
			figures_free(f);
			return NULL;
		}
		set_finish(&f->sets[i], files);
		fit_cmd_series(&f->sets[i]);
	}
	if (f->nsets > 1)
		qsort(f->sets, f->nsets, sizeof(*f->sets), cmp_set);
	for (size_t i = 0; i < f->nsets; i++)
		set_name(&f->sets[i]);
	return f;
}

void figures_free(struct figures *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nsets; i++)
		free(f->sets[i].ser);
	free(f->sets);
	free(f);
}

size_t figures_drawable(const struct figures *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nsets; i++)
		n += f->sets[i].nmax > 0;
	return n;
}

/* ---- drawing ---- */

/* A number for a data file: NaN stays NaN (gnuplot skips it). */
static void put_num(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, " %.6g", v);
	else
		fputs(" NaN", fp);
}

const char *const figure_bars_names[] = {
	[FIGURE_BARS_CI] = "ci", [FIGURE_BARS_RANGE] = "range", [FIGURE_BARS_IQR] = "iqr", NULL,
};

/*
 * A cell's bars for the speedup, in the mode asked for. The efficiency's are
 * these over N, and Karp-Flatt's are these mapped through e(S), which falls
 * as S rises. The median's interval is interval_median's: with 5 or fewer
 * repetitions it is the range, whose coverage the subtitle gives.
 */
static void cell_bars(const struct agg_cell *c, enum figure_bars mode, double *lo, double *hi)
{
	*lo = c->speedup.min;
	*hi = c->speedup.max;
	if (mode == FIGURE_BARS_IQR) {
		*lo = c->speedup.q1;
		*hi = c->speedup.q3;
	} else if (mode == FIGURE_BARS_CI && isfinite(c->speedup_ci.lo)) {
		*lo = c->speedup_ci.lo;
		*hi = c->speedup_ci.hi;
	}
}

/* What the bars are, for the subtitle: ", bars: ...", or "" with one repetition. */
static void bars_text(char *buf, size_t len, enum figure_bars mode, size_t reps)
{
	if (reps < 2)
		snprintf(buf, len, "%s", "");
	else if (mode == FIGURE_BARS_RANGE)
		snprintf(buf, len, ", bars min–max");
	else if (mode == FIGURE_BARS_IQR)
		snprintf(buf, len, ", bars interquartile range");
	else if (reps <= 5)	/* interval_median gives the range: say what it covers */
		snprintf(buf, len, ", bars min–max (%.0f%% interval of the median)", 100 * (1 - ldexp(1, 1 - (int)reps)));
	else
		snprintf(buf, len, ", bars 95%% interval of the median");
}

static int write_set_data(const struct figure_set *g, enum figure_bars mode, const char *path)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	fprintf(fp, "# amdahl plot: workload %s%s%s, p %g, cores %g\n"
		"# one block per series (gnuplot index 0, 1, ...), two blank lines apart; columns:\n"
		"# n  speedup: median lo hi  efficiency: median lo hi  karp_flatt: median lo hi  reps"
		" (lo, hi: the bars, --bars %s)\n", g->workload, g->label[0] ? ", program " : "", g->label, g->p,
		g->cores, figure_bars_names[mode]);
	for (size_t k = 0; k < g->nser; k++) {
		const struct agg_series *s = g->ser[k].s;

		fprintf(fp, "%s# series %s\n", k ? "\n\n" : "", g->ser[k].name);
		for (size_t j = 0; j < s->ncells; j++) {
			const struct agg_cell *c = &s->cells[j];
			const struct stats_summary *kf = &c->karp_flatt;
			double lo, hi;

			if (c->reps == 0)
				continue;
			cell_bars(c, mode, &lo, &hi);
			fprintf(fp, "%d", c->n);
			put_num(fp, c->speedup.median);
			put_num(fp, lo);
			put_num(fp, hi);
			put_num(fp, c->efficiency.median);
			put_num(fp, lo / c->n);
			put_num(fp, hi / c->n);
			put_num(fp, kf->n ? kf->median : NAN);
			put_num(fp, kf->n ? models_karp_flatt(hi, c->n) : NAN);
			put_num(fp, kf->n ? models_karp_flatt(lo, c->n) : NAN);
			fprintf(fp, " %zu\n", c->reps);
		}
	}
	return fclose(fp) != 0 ? -1 : 0;
}

void figure_look_args(const struct figure_look *look, struct gnuplot_args *a)
{
	gnuplot_str(a, "style", look->style);
	gnuplot_num(a, "width", look->width);
	gnuplot_num(a, "height", look->height);
}

/* What every figure of a set shares: data, names, the model and the ranges. */
static void set_args(const struct figure_set *g, const struct figure_look *look, const char *data,
		     struct gnuplot_args *a)
{
	char sub[800], work[64] = "", bars[80], reps[64], names[1024] = "", lts[64] = "", pfits[640] = "";
	/* The model's P: the rows' own, or the one fitted to a --cmd set of one series. */
	double pm = !isnan(g->p) ? g->p : g->fit.ok ? g->fit.p : NAN, amax;
	size_t nfits = 0;

	if (isfinite(g->work))
		snprintf(work, sizeof(work), "work %g s on one worker; ", g->work);
	/* the fewest: a min-max bar covers least there */
	bars_text(bars, sizeof(bars), look->bars, g->reps_min);
	if (g->reps_min < g->reps)	/* --precision: points got the rounds they needed */
		snprintf(reps, sizeof(reps), "%zu–%zu repetitions", g->reps_min, g->reps);
	else
		snprintf(reps, sizeof(reps), "%zu repetition%s", g->reps, g->reps == 1 ? "" : "s");
	/* "; " between the machine and the rest: where style.gp breaks a subtitle too wide for one line. */
	snprintf(sub, sizeof(sub), "%s%s%smedian of %s%s", look->subtitle, look->subtitle[0] ? "; " : "", work, reps,
		 bars);
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
	figure_look_args(look, a);
	gnuplot_path(a, "datafile", data);
	gnuplot_str(a, "subtitle", sub);
	gnuplot_str(a, "names", names);
	gnuplot_str(a, "lts", lts);
	gnuplot_num(a, "p", isnan(pm) ? -1 : pm);
	if (isnan(g->p) && g->fit.ok) {
		/* The key names the fit and its interval: P is an estimate here. */
		gnuplot_int(a, "fitted", 1);
		gnuplot_num(a, "plo", isfinite(g->fit.lo) ? g->fit.lo : -1);
		gnuplot_num(a, "phi", isfinite(g->fit.hi) ? g->fit.hi : -1);
	}
	if (nfits > 0)
		gnuplot_str(a, "pfits", pfits);
	gnuplot_num(a, "level", 100 * FIT_LEVEL);
	gnuplot_int(a, "weak", g->weak);
	/* A workload that waits is not bounded by the cores: no ceiling, no cores mark. */
	gnuplot_int(a, "cpu_bound", workload_bound_cpu(g->bound));
	gnuplot_num(a, "cores", g->cores);
	gnuplot_num(a, "nmax", g->nmax);
	gnuplot_num(a, "reps", (double)g->reps);
	gnuplot_num(a, "ymin", fmin(g->smin, 1.0) / 1.25);
	gnuplot_num(a, "ymax", fmax(fmax(amax, g->smax), 2.0) * 1.25);
}

static enum gnuplot_status draw_set(const struct figure_set *g, size_t gi, const struct gnuplot *gp,
				    const struct figure_look *look, FILE *out)
{
	char data[PATH_MAX + 32], final[PATH_MAX + 256], title[700], what[600], pp[48] = "";
	enum gnuplot_status st = GNUPLOT_OK;

	snprintf(data, sizeof(data), "%s/group%zu.dat", gp->tmpdir, gi);
	if (write_set_data(g, look->bars, data) < 0) {
		errorf("cannot write '%s': %s", data, strerror(errno));
		return GNUPLOT_FAILED;
	}
	if (!isnan(g->p))
		snprintf(pp, sizeof(pp), ", P = %g", g->p);
	for (size_t f = 0; f < ARRAY_SIZE(scripts) && st == GNUPLOT_OK; f++) {
		struct gnuplot_args a;

		/* Karp-Flatt needs N > 1 and strong scaling. */
		if (f == 2 && (g->nmax < 2 || g->weak))
			continue;
		/* A program's figure is named by the program, not by the exec workload that runs it. */
		snprintf(what, sizeof(what), "%s%s%s", g->label[0] ? g->label : g->workload, pp,
			 g->weak ? " (weak scaling)" : "");
		snprintf(title, sizeof(title), "%s: %s", kinds[f], what);
		gnuplot_args_init(&a);
		set_args(g, look, data, &a);
		gnuplot_str(&a, "title", look->title ? look->title : title);
		snprintf(final, sizeof(final), "%s/%s-%s.%s", look->outdir, scripts[f], g->base, gp->format);
		st = gnuplot_draw(gp, scripts[f], &a, final);
		gnuplot_args_free(&a);
		if (st == GNUPLOT_OK) {
			struct figure_drawn d = { .path = final, .kind = scripts[f], .title = look->title ? look->title : title,
						  .set = g->base, .what = what, .nser = g->nser };
			for (size_t k = 0; k < g->nser; k++) {
				d.ser[k] = g->ser[k].s;
				d.names[k] = g->ser[k].name;
			}
			figure_done(look, out, &d);
		}
	}
	/* And each series' speedup stack (figure_stack.c), where its rows carry one. */
	for (size_t k = 0; k < g->nser && st == GNUPLOT_OK; k++)
		st = figure_stack(g->ser[k].s, g->ser[k].name, g->base, g->label[0] ? g->label : g->workload, gp, look,
				  out);
	return st;
}

enum gnuplot_status figures_draw(const struct figures *f, const struct gnuplot *g, const struct figure_look *look,
				 FILE *out)
{
	enum gnuplot_status st = GNUPLOT_OK;

	for (size_t i = 0; i < f->nsets && st == GNUPLOT_OK; i++) {
		if (f->sets[i].nmax == 0) {
			warnf("%s%s%s: no speedup to draw (no N=1 rows to divide by)", f->sets[i].workload,
			      f->sets[i].label[0] ? " " : "", f->sets[i].label);
			continue;
		}
		st = draw_set(&f->sets[i], i, g, look, out);
	}
	return st;
}

enum gnuplot_status figure_theory(const double *ps, size_t nps, const int *ns, size_t nns, const struct gnuplot *g,
				  const struct figure_look *look, FILE *out)
{
	char data[PATH_MAX + 32], final[PATH_MAX + 64], plist[1024] = "";
	struct gnuplot_args a;
	int nmax = 1;
	double smax = 1;
	enum gnuplot_status st;
	FILE *fp;

	snprintf(data, sizeof(data), "%s/theory.dat", g->tmpdir);
	fp = fopen(data, "w");
	if (!fp) {
		errorf("cannot write '%s': %s", data, strerror(errno));
		return GNUPLOT_FAILED;
	}
	for (size_t j = 0; j < nns; j++)
		nmax = ns[j] > nmax ? ns[j] : nmax;
	fputs("# amdahl plot --theory: S(N) = 1/((1-P)+P/N) at the N list; one block per P\n# n  speedup\n", fp);
	for (size_t i = 0; i < nps; i++) {
		size_t at = strlen(plist);
		fprintf(fp, "%s# P = %g\n", i ? "\n\n" : "", ps[i]);
		for (size_t j = 0; j < nns; j++)
			fprintf(fp, "%d %.6g\n", ns[j], models_amdahl(ps[i], ns[j]));
		smax = fmax(smax, models_amdahl(ps[i], nmax));
		snprintf(plist + at, sizeof(plist) - at, "%s%g", i ? " " : "", ps[i]);
	}
	if (fclose(fp) != 0) {
		errorf("cannot write '%s': %s", data, strerror(errno));
		return GNUPLOT_FAILED;
	}
	gnuplot_args_init(&a);
	figure_look_args(look, &a);
	gnuplot_path(&a, "datafile", data);
	gnuplot_str(&a, "title", look->title ? look->title : "Amdahl's law: S(N) = 1 / ((1 - P) + P / N)");
	gnuplot_str(&a, "plist", plist);
	gnuplot_num(&a, "nmax", nmax);
	gnuplot_num(&a, "ymax", smax);
	snprintf(final, sizeof(final), "%s/theory.%s", look->outdir, g->format);
	st = gnuplot_draw(g, "theory", &a, final);
	gnuplot_args_free(&a);
	if (st == GNUPLOT_OK && out)
		fprintf(out, "%s\n", final);
	return st;
}

void figure_done(const struct figure_look *look, FILE *out, const struct figure_drawn *d)
{
	if (out)
		fprintf(out, "%s\n", d->path);
	if (look->drawn)
		look->drawn(look->drawn_ctx, d);
}

void figure_subtitle(json_t *m, size_t nruns, char *buf, size_t len)
{
	const char *cpu = json_string_value(json_object_get(m, "cpu_model"));
	const char *host = json_string_value(json_object_get(m, "host"));
	json_t *cores = json_object_get(m, "cores");
	size_t at = 0;

	buf[0] = '\0';
#define ADD(...) do { if (at < len) at += (size_t)snprintf(buf + at, len - at, __VA_ARGS__); } while (0)
	if (cpu && *cpu)
		ADD("%s", cpu);
	if (host && *host)
		ADD("%s(%s)", at ? " " : "", host);
	if (json_is_number(cores))
		ADD("%s%g usable core%s", at ? ", " : "", json_number_value(cores),
		    json_number_value(cores) == 1 ? "" : "s");
	if (nruns > 1)
		ADD("%s%zu runs", at ? "; " : "", nruns);
#undef ADD
}
