/*
 * amdahl compare: judge a new run against a base run, point by point, as a
 * CI gate. Two gates:
 *
 *   times    the median wall time at every point in both files: ratio with a
 *            bootstrap interval and a one-sided Mann-Whitney U test over the
 *            repetitions. Judged only when both runs come from the same
 *            machine (or with --same-machine).
 *   scaling  the median speedup at every N > 1, and the fitted P, which do not
 *            depend on how fast the machine is: a faster machine whose scaling
 *            got worse is a regression even though every time went down.
 *
 * A change regresses when it is both significant (p < alpha) and beyond the
 * threshold. Exit 0: nothing regressed; 1: something did (named on stderr);
 * 2: bad usage or input (nothing printed on stdout).
 */
#include "cmd.h"
#include "../models/compare_stats.h"
#include "../results/aggregate.h"
#include "../results/comparison.h"
#include "../results/csv.h"
#include "../models/fit.h"
#include "../engine/meta.h"
#include "../models/models.h"
#include "../models/stats.h"
#include "../base/options.h"
#include "../base/util.h"

#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cmp_format { FMT_TABLE, FMT_MARKDOWN, FMT_JSON };

#define CMP_RESAMPLES 2000
#define CMP_LEVEL 0.95
#define CMP_SEED 1

struct opts {
	double threshold, alpha;
	int same_machine, resamples;
	int fmt;	/* enum cmp_format */
};

static const char *const cmp_formats[] = { [FMT_TABLE] = "table", [FMT_MARKDOWN] = "markdown",
					   [FMT_JSON] = "json", NULL };

static const struct option_spec compare_specs[] = {
	{ .name = "threshold", .short_name = 't', .kind = OPTION_DECIMAL, .flags = OPTION_PERCENT | OPTION_MIN_OPEN |
	  OPTION_MAX_OPEN, .min = 0, .max = 100, .def = "5%", OPTION_AT(struct opts, threshold),
	  .expect = "a percentage in (0, 100), e.g. 5%",
	  .help = "smallest change that counts, in percent: 5% or 5" },
	{ .name = "alpha", .short_name = 'a', .kind = OPTION_DECIMAL, .metavar = "A",
	  .flags = OPTION_MIN_OPEN | OPTION_MAX_OPEN, .min = 0, .max = 0.5, .def = "0.05",
	  OPTION_AT(struct opts, alpha), .help = "significance level of the test" },
	{ .name = "same-machine", .kind = OPTION_FLAG, OPTION_AT(struct opts, same_machine),
	  .help = "judge wall times even when the sidecars differ" },
	{ .name = "resamples", .kind = OPTION_INT, .metavar = "B", .min = 100, .max = 1000000,
	  .def = OPTION_TEXT(CMP_RESAMPLES), OPTION_AT(struct opts, resamples),
	  .help = "bootstrap resamples for the intervals" },
	{ .name = "format", .short_name = 'f', .kind = OPTION_CHOICE, .metavar = "F", .choices = cmp_formats,
	  .def = "table", OPTION_AT(struct opts, fmt),
	  .help = "table, markdown (for a pull-request comment) or json" },
	{ .name = NULL },
};

static const struct options_usage compare_usage = {
	.cmd = "compare",
	.synopsis = "BASE.csv NEW.csv [--threshold 5%] [--format table|markdown|json]",
	.about = "Compare a new run with a base run at every point (backend/workload/p/N, --cmd\n"
		 "points by label) that both files hold. Exit 0 when nothing regressed, 1 when\n"
		 "something did (each one named on stderr), 2 for bad usage or input.\n\n"
		 "  wall time  median new/base with a 95% percentile bootstrap interval (2000\n"
		 "             resamples, fixed seed) and a one-sided Mann-Whitney U test over the\n"
		 "             repetitions (normal approximation, tie-corrected). It regresses when\n"
		 "             the slowdown is significant (p < alpha) and beyond the threshold.\n"
		 "             Judged only when the two meta.json sidecars (and the cores column)\n"
		 "             describe the same machine, or with --same-machine.\n"
		 "  speedup    the same test on the speedups at every N > 1, whatever the machine:\n"
		 "             it regresses when significantly lower by more than the threshold.\n"
		 "             With different core counts, each speedup is taken relative to its\n"
		 "             own machine's ceiling 1/((1-p)+p/min(N,cores)).\n"
		 "  fitted P   Amdahl's P (Gustafson's for weak scaling) fitted to each file, with\n"
		 "             its bootstrap interval: it regresses when the intervals do not overlap\n"
		 "             and the law's speedup at the largest common N drops beyond the threshold.",
	.specs = compare_specs,
	.args_max = 2,
};

/* One run: its rows, their series, and what the report says of it. */
struct side {
	struct cmp_side info;
	struct run_rows rows;
	struct aggregate agg;
};

/* ---- input ---- */

static int side_read(struct side *s, const char *path, char *err, size_t errlen)
{
	char mp[4200];
	FILE *fp;

	memset(s, 0, sizeof(*s));
	s->info.path = path;
	run_rows_init(&s->rows);
	if (csv_read_rows(path, &s->rows, err, errlen) < 0) {
		run_rows_free(&s->rows);
		return -1;
	}
	aggregate_rows(&s->rows, &s->agg);
	s->info.cores = s->rows.v[0].cores;
	for (size_t i = 1; i < s->rows.len; i++)
		if (s->rows.v[i].cores != s->info.cores)
			s->info.cores = NAN;	/* rows from different machines: unknown */
	meta_path_for(path, mp, sizeof(mp));
	s->info.meta = meta_read(mp);
	if (!s->info.meta && (fp = fopen(mp, "r")) != NULL) {
		s->info.meta_bad = 1;
		fclose(fp);
	}
	return 0;
}

static void side_free(struct side *s)
{
	aggregate_free(&s->agg);
	run_rows_free(&s->rows);
	json_decref(s->info.meta);
}

/*
 * Whether the two runs come from the same machine: the cores columns, then
 * the sidecars' CPU model and cores. why gets the difference; 1 when unknown
 * but nothing says otherwise.
 */
static int same_machine(const struct cmp_side *b, const struct cmp_side *n, char *why, size_t len)
{
	const char *cb = cmp_side_str(b, "cpu_model"), *cn = cmp_side_str(n, "cpu_model");
	double kb = cmp_side_num(b, "cores"), kn = cmp_side_num(n, "cores");

	why[0] = '\0';
	if (isnan(b->cores) || isnan(n->cores)) {
		snprintf(why, len, "the cores column varies within '%s'", isnan(b->cores) ? b->path : n->path);
		return 0;
	}
	if (b->cores != n->cores) {
		snprintf(why, len, "the cores column says %g and %g", b->cores, n->cores);
		return 0;
	}
	if (cb && cn && strcmp(cb, cn) != 0) {
		snprintf(why, len, "CPU model '%s' and '%s'", cb, cn);
		return 0;
	}
	if (isfinite(kb) && isfinite(kn) && kb != kn) {
		snprintf(why, len, "%g and %g cores", kb, kn);
		return 0;
	}
	if (!b->meta || !n->meta)
		snprintf(why, len, "no readable meta.json for '%s'; the cores match",
			 !b->meta ? b->path : n->path);
	return 1;
}

/* ---- the gates ---- */

struct gates {
	const struct opts *o;
	struct comparison *c;
};

/* The values of one field at one N of a series; returns how many. */
static size_t collect(const struct fit_group *g, double n, int speedup, double scale, double *out)
{
	size_t k = 0;

	for (size_t i = 0; i < g->nobs; i++) {
		double v = speedup ? g->obs[i].speedup / scale : g->obs[i].wall_s;
		if (g->obs[i].n == n && isfinite(v))
			out[k++] = v;
	}
	return k;
}

/* Judge a ratio new/base: worse_up says which way is worse (times up, speedups down). */
static enum cmp_verdict judge(const struct gates *g, double ratio, double p_worse, double p_better, int worse_up,
			      size_t nb, size_t nn)
{
	double t = g->o->threshold;
	int beyond_worse = worse_up ? ratio > 1 + t : ratio < 1 - t;
	int beyond_better = worse_up ? ratio < 1 - t : ratio > 1 + t;

	if (!isfinite(ratio))
		return CMP_NONE;
	if (p_worse < g->o->alpha && beyond_worse)
		return CMP_REGRESSION;
	if (p_better < g->o->alpha && beyond_better)
		return CMP_BETTER;
	if (compare_min_p(nb, nn) >= g->o->alpha)
		return CMP_FEW;
	return CMP_OK;
}

/* The speedup a series' machine can give at N: 1 when both series had the same cores. */
static double ceiling_of(const struct agg_series *s, double pref, double n, double cores, int differ)
{
	if (!differ)
		return 1.0;
	if (!isfinite(pref) || !isfinite(cores))
		return NAN;
	return s->weak ? models_ceiling_weak(pref, n, cores) : models_ceiling(pref, n, cores);
}

/* One comparison of two samples; worse_up: a larger new value is worse. */
static struct cmp_item *compare_samples(struct gates *g, enum cmp_kind kind, const struct agg_series *s,
					double n, const double *x, size_t nx, const double *y, size_t ny,
					int worse_up, uint64_t seed)
{
	struct cmp_item *it = comparison_add(g->c);
	double pg, pl;

	it->kind = kind;
	it->g = s;
	it->n = n;
	it->nb = nx;
	it->nn = ny;
	it->base = stats_median(x, nx);
	it->new_ = stats_median(y, ny);
	compare_mann_whitney(x, nx, y, ny, &pg, &pl);
	it->pval = worse_up ? pg : pl;
	it->pval_better = worse_up ? pl : pg;
	compare_ratio_ci(x, nx, y, ny, g->o->resamples, CMP_LEVEL, seed, &it->ratio, &it->lo, &it->hi);
	it->v = judge(g, it->ratio, worse_up ? pg : pl, worse_up ? pl : pg, worse_up, nx, ny);
	return it;
}

static void compare_point(struct gates *g, const struct agg_series *sb, const struct agg_series *sn, double n,
			  double pref, uint64_t seed)
{
	const struct fit_group *gb = &sb->fit, *gn = &sn->fit;
	size_t cap = (gb->nobs > gn->nobs ? gb->nobs : gn->nobs) + 1;
	double *x = xmalloc(cap * sizeof(*x)), *y = xmalloc(cap * sizeof(*y));
	struct cmp_item *it;
	size_t nx, ny;

	nx = collect(gb, n, 0, 1, x);
	ny = collect(gn, n, 0, 1, y);
	it = compare_samples(g, CMP_TIME, sb, n, x, nx, y, ny, 1, seed);
	if (!g->c->judge_times)
		it->v = CMP_NOT_JUDGED;
	/* Speedups: N = 1 is 1 by construction. */
	if (n > 1) {
		double kb = gb->obs[0].cores, kn = gn->obs[0].cores;
		double cb = ceiling_of(sb, pref, n, kb, kb != kn), cn = ceiling_of(sn, pref, n, kn, kb != kn);
		if (isfinite(cb) && isfinite(cn) && cb > 0 && cn > 0) {
			nx = collect(gb, n, 1, cb, x);
			ny = collect(gn, n, 1, cn, y);
			if (nx && ny)
				compare_samples(g, CMP_SPEEDUP, sb, n, x, nx, y, ny, 0, seed)->of_ceiling = kb != kn;
		}
	}
	free(x);
	free(y);
}

/* The law a series' P belongs to, at N. */
static double law(const struct agg_series *s, double p, double n)
{
	return s->weak ? models_gustafson(p, n) : models_amdahl(p, n);
}

/* Fitted P of two matching series, judged through the law's speedup at the largest common N. */
static void compare_pfit(struct gates *g, const struct agg_series *sb, const struct agg_series *sn, double nref,
			 const struct fit_summary *fb, const struct fit_summary *fn)
{
	struct cmp_item *it;

	if (!isfinite(fb->p_fit) || !isfinite(fn->p_fit) || !(nref > 1))
		return;
	it = comparison_add(g->c);
	it->kind = CMP_PFIT;
	it->g = sb;
	it->n = nref;
	it->nb = agg_series_min_reps(sb);
	it->nn = agg_series_min_reps(sn);
	it->base = fb->p_fit;
	it->new_ = fn->p_fit;
	it->b_lo = fb->p_lo;
	it->b_hi = fb->p_hi;
	it->n_lo = fn->p_lo;
	it->n_hi = fn->p_hi;
	it->ratio = law(sn, fn->p_fit, nref) / law(sb, fb->p_fit, nref);
	it->lo = law(sn, fn->p_lo, nref) / law(sb, fb->p_hi, nref);
	it->hi = law(sn, fn->p_hi, nref) / law(sb, fb->p_lo, nref);
	it->pval = it->pval_better = NAN;
	it->v = CMP_OK;
	if (!isfinite(fb->p_lo) || !isfinite(fn->p_lo))
		it->v = CMP_FEW;
	else if (fn->p_hi < fb->p_lo && it->ratio < 1 - g->o->threshold)
		it->v = CMP_REGRESSION;
	else if (fn->p_lo > fb->p_hi && it->ratio > 1 + g->o->threshold)
		it->v = CMP_BETTER;
}

/* Every point of two matching series: the N both have compared, the others counted. */
static void compare_series(struct gates *g, const struct agg_series *sb, const struct agg_series *sn)
{
	struct comparison *c = g->c;
	struct fit_summary fb, fn;
	double nref = NAN, pref;

	fit_summarize(&sb->fit, g->o->resamples, CMP_LEVEL, CMP_SEED, 0, &fb);
	fit_summarize(&sn->fit, g->o->resamples, CMP_LEVEL, CMP_SEED, 0, &fn);
	/* The ceiling of a --cmd point needs a P: the base run's fitted one. */
	pref = isfinite(sb->p) ? sb->p : fb.p_fit;
	for (size_t a = 0, b = 0; a < sb->ncells || b < sn->ncells;) {
		if (b >= sn->ncells || (a < sb->ncells && sb->cells[a].n < sn->cells[b].n)) {
			c->only_base++;
			a++;
		} else if (a >= sb->ncells || sn->cells[b].n < sb->cells[a].n) {
			c->only_new++;
			b++;
		} else {
			compare_point(g, sb, sn, sb->cells[a].n, pref, CMP_SEED + (uint64_t)c->nitems);
			nref = sb->cells[a].n;
			a++;
			b++;
		}
	}
	compare_pfit(g, sb, sn, nref, &fb, &fn);
	fit_summary_free(&fb);
	fit_summary_free(&fn);
}

static void run_gates(struct gates *g, const struct side *sb, const struct side *sn)
{
	for (size_t i = 0; i < sb->agg.nseries; i++) {
		const struct agg_series *b = &sb->agg.series[i], *n = aggregate_match(&sn->agg, b);

		if (n)
			compare_series(g, b, n);
		else
			g->c->only_base += b->ncells;
	}
	for (size_t j = 0; j < sn->agg.nseries; j++)
		if (!aggregate_match(&sb->agg, &sn->agg.series[j]))
			g->c->only_new += sn->agg.series[j].ncells;
}

int cmd_compare(int argc, char **argv)
{
	struct opts o;
	struct side sb, sn;
	struct comparison c;
	char err[4400], why[700], machine[900];
	int same, status, argi;

	memset(&o, 0, sizeof(o));
	if ((status = options_command(&compare_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return status;
	if (argc - argi != 2) {
		usagef("compare", "expected two run CSVs, BASE and NEW");
		return EXIT_USAGE;
	}
	gsl_set_error_handler_off();
	if (side_read(&sb, argv[argi], err, sizeof(err)) < 0) {
		errorf("%s", err);
		return EXIT_USAGE;
	}
	if (side_read(&sn, argv[argi + 1], err, sizeof(err)) < 0) {
		errorf("%s", err);
		side_free(&sb);
		return EXIT_USAGE;
	}
	memset(&c, 0, sizeof(c));
	c.base = sb.info;
	c.new_ = sn.info;
	c.threshold = o.threshold;
	c.alpha = o.alpha;
	c.level = CMP_LEVEL;
	c.resamples = o.resamples;
	c.seed = CMP_SEED;
	c.why = why;
	c.machine = machine;
	same = same_machine(&sb.info, &sn.info, why, sizeof(why));
	c.same_machine = same;
	c.judge_times = same || o.same_machine;
	run_gates(&(struct gates){ &o, &c }, &sb, &sn);
	if (c.nitems == 0) {
		errorf("'%s' and '%s' have no point in common", sb.info.path, sn.info.path);
		status = EXIT_USAGE;
		goto out;
	}
	if (same)
		snprintf(machine, sizeof(machine), "same machine%s%s: wall times judged", why[0] ? " (" : "",
			 why[0] ? why : "");
	else
		snprintf(machine, sizeof(machine), "different machines (%s): wall times %s; the scaling gate runs",
			 why, o.same_machine ? "judged anyway (--same-machine)" :
			 "shown, not judged (pass --same-machine to judge them)");
	if (same && why[0])
		snprintf(machine, sizeof(machine), "same machine assumed (%s): wall times judged", why);
	if (sb.info.meta_bad || sn.info.meta_bad)
		warnf("cannot read the meta.json of '%s'; comparing without it",
		      sb.info.meta_bad ? sb.info.path : sn.info.path);
	status = comparison_print(&c, emit_format_from(cmp_formats, o.fmt), stdout) < 0 ? EXIT_FAILED : EXIT_OK;
	comparison_report_regressions(&c);
	if (comparison_regressions(&c))
		status = EXIT_FAILED;
	if (finish_stdout() < 0)
		status = EXIT_FAILED;
out:
	free(c.items);
	side_free(&sb);
	side_free(&sn);
	return status;
}
