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

enum verdict { V_NONE, V_OK, V_BETTER, V_REGRESSION, V_NOT_JUDGED, V_FEW };

static const char *const verdict_name[] = {
	[V_NONE] = "-", [V_OK] = "ok", [V_BETTER] = "better", [V_REGRESSION] = "REGRESSION",
	[V_NOT_JUDGED] = "not judged", [V_FEW] = "too few reps",
};

enum kind { K_TIME, K_SPEEDUP, K_PFIT };

/* One comparison: a time or a speedup at a point, or the fitted P of a group. */
struct item {
	enum kind kind;
	const struct fit_group *g;	/* the base file's group (names the point) */
	double n;			/* N of the point; for P, the N the law is judged at */
	size_t nb, nn;			/* repetitions */
	double base, new_;		/* medians, or P */
	double ratio, lo, hi;		/* new/base (for P: the law's speedups) */
	double pval;			/* one-sided, towards worse; NaN for P */
	double pval_better;		/* one-sided, towards better */
	double b_lo, b_hi, n_lo, n_hi;	/* P intervals */
	enum verdict v;
	int of_ceiling;			/* speedups as fractions of each machine's ceiling */
};

struct side {
	const char *path;
	struct result *rows;
	size_t nrows;
	struct fit_group *groups;
	size_t ngroups;
	json_t *meta;			/* NULL when there is no readable sidecar */
	int meta_bad;			/* a sidecar exists but cannot be read */
	double cores;
};

/* ---- input ---- */

static int side_read(struct side *s, const char *path, char *err, size_t errlen)
{
	char mp[4200];
	FILE *fp;

	memset(s, 0, sizeof(*s));
	s->path = path;
	if (csv_read_results(path, &s->rows, &s->nrows, err, errlen) < 0)
		return -1;
	fit_group_rows(s->rows, s->nrows, &s->groups, &s->ngroups);
	s->cores = s->rows[0].cores;
	for (size_t i = 1; i < s->nrows; i++)
		if (s->rows[i].cores != s->cores)
			s->cores = NAN;	/* rows from different machines: unknown */
	meta_path_for(path, mp, sizeof(mp));
	s->meta = meta_read(mp);
	if (!s->meta && (fp = fopen(mp, "r")) != NULL) {
		s->meta_bad = 1;
		fclose(fp);
	}
	return 0;
}

static void side_free(struct side *s)
{
	fit_groups_free(s->groups, s->ngroups);
	free(s->rows);
	json_decref(s->meta);
}

static const char *meta_str(const struct side *s, const char *key)
{
	json_t *v = s->meta ? json_object_get(s->meta, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static double meta_num(const struct side *s, const char *key)
{
	json_t *v = s->meta ? json_object_get(s->meta, key) : NULL;

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/*
 * Whether the two runs come from the same machine: the cores columns, then
 * the sidecars' CPU model and cores. why gets the difference; 1 when unknown
 * but nothing says otherwise.
 */
static int same_machine(const struct side *b, const struct side *n, char *why, size_t len)
{
	const char *cb = meta_str(b, "cpu_model"), *cn = meta_str(n, "cpu_model");
	double kb = meta_num(b, "cores"), kn = meta_num(n, "cores");

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

struct ctx {
	const struct opts *o;
	struct item *items;
	size_t nitems;
	size_t only_base, only_new;	/* points in one file only */
	int judge_times;
};

static struct item *add_item(struct ctx *c)
{
	c->items = xrealloc(c->items, (c->nitems + 1) * sizeof(*c->items));
	memset(&c->items[c->nitems], 0, sizeof(*c->items));
	return &c->items[c->nitems++];
}

/* The values of one field at one N of a group; returns how many. */
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
static enum verdict judge(const struct ctx *c, double ratio, double p_worse, double p_better, int worse_up,
			  size_t nb, size_t nn)
{
	double t = c->o->threshold;
	int beyond_worse = worse_up ? ratio > 1 + t : ratio < 1 - t;
	int beyond_better = worse_up ? ratio < 1 - t : ratio > 1 + t;

	if (!isfinite(ratio))
		return V_NONE;
	if (p_worse < c->o->alpha && beyond_worse)
		return V_REGRESSION;
	if (p_better < c->o->alpha && beyond_better)
		return V_BETTER;
	if (compare_min_p(nb, nn) >= c->o->alpha)
		return V_FEW;
	return V_OK;
}

/* The speedup a group's machine can give at N: 1 when both groups had the same cores. */
static double ceiling_of(const struct fit_group *g, double pref, double n, double cores, int differ)
{
	if (!differ)
		return 1.0;
	if (!isfinite(pref) || !isfinite(cores))
		return NAN;
	return g->weak ? models_ceiling_weak(pref, n, cores) : models_ceiling(pref, n, cores);
}

/* One comparison of two samples; worse_up: a larger new value is worse. */
static struct item *compare_samples(struct ctx *c, enum kind kind, const struct fit_group *g, double n,
				    const double *x, size_t nx, const double *y, size_t ny, int worse_up,
				    uint64_t seed)
{
	struct item *it = add_item(c);
	double pg, pl;

	it->kind = kind;
	it->g = g;
	it->n = n;
	it->nb = nx;
	it->nn = ny;
	it->base = stats_median(x, nx);
	it->new_ = stats_median(y, ny);
	compare_mann_whitney(x, nx, y, ny, &pg, &pl);
	it->pval = worse_up ? pg : pl;
	it->pval_better = worse_up ? pl : pg;
	compare_ratio_ci(x, nx, y, ny, c->o->resamples, CMP_LEVEL, seed, &it->ratio, &it->lo, &it->hi);
	it->v = judge(c, it->ratio, worse_up ? pg : pl, worse_up ? pl : pg, worse_up, nx, ny);
	return it;
}

static void compare_point(struct ctx *c, const struct fit_group *gb, const struct fit_group *gn, double n,
			  double pref, uint64_t seed)
{
	size_t cap = (gb->nobs > gn->nobs ? gb->nobs : gn->nobs) + 1;
	double *x = xmalloc(cap * sizeof(*x)), *y = xmalloc(cap * sizeof(*y));
	struct item *it;
	size_t nx, ny;

	nx = collect(gb, n, 0, 1, x);
	ny = collect(gn, n, 0, 1, y);
	it = compare_samples(c, K_TIME, gb, n, x, nx, y, ny, 1, seed);
	if (!c->judge_times)
		it->v = V_NOT_JUDGED;
	/* Speedups: N = 1 is 1 by construction. */
	if (n > 1) {
		double kb = gb->obs[0].cores, kn = gn->obs[0].cores;
		double cb = ceiling_of(gb, pref, n, kb, kb != kn), cn = ceiling_of(gn, pref, n, kn, kb != kn);
		if (isfinite(cb) && isfinite(cn) && cb > 0 && cn > 0) {
			nx = collect(gb, n, 1, cb, x);
			ny = collect(gn, n, 1, cn, y);
			if (nx && ny)
				compare_samples(c, K_SPEEDUP, gb, n, x, nx, y, ny, 0, seed)->of_ceiling = kb != kn;
		}
	}
	free(x);
	free(y);
}

/* The law a group's P belongs to, at N. */
static double law(const struct fit_group *g, double p, double n)
{
	return g->weak ? models_gustafson(p, n) : models_amdahl(p, n);
}

/* Fitted P of two matching groups, judged through the law's speedup at the largest common N. */
static void compare_pfit(struct ctx *c, const struct fit_group *gb, const struct fit_group *gn, double nref,
			 const struct fit_summary *fb, const struct fit_summary *fn)
{
	struct item *it;

	if (!isfinite(fb->p_fit) || !isfinite(fn->p_fit) || !(nref > 1))
		return;
	it = add_item(c);
	it->kind = K_PFIT;
	it->g = gb;
	it->n = nref;
	it->nb = fb->min_reps;
	it->nn = fn->min_reps;
	it->base = fb->p_fit;
	it->new_ = fn->p_fit;
	it->b_lo = fb->p_lo;
	it->b_hi = fb->p_hi;
	it->n_lo = fn->p_lo;
	it->n_hi = fn->p_hi;
	it->ratio = law(gn, fn->p_fit, nref) / law(gb, fb->p_fit, nref);
	it->lo = law(gn, fn->p_lo, nref) / law(gb, fb->p_hi, nref);
	it->hi = law(gn, fn->p_hi, nref) / law(gb, fb->p_lo, nref);
	it->pval = it->pval_better = NAN;
	it->v = V_OK;
	if (!isfinite(fb->p_lo) || !isfinite(fn->p_lo))
		it->v = V_FEW;
	else if (fn->p_hi < fb->p_lo && it->ratio < 1 - c->o->threshold)
		it->v = V_REGRESSION;
	else if (fn->p_lo > fb->p_hi && it->ratio > 1 + c->o->threshold)
		it->v = V_BETTER;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The distinct N of a group, ascending. */
static size_t distinct_n(const struct fit_group *g, double *out)
{
	size_t k = 0;

	for (size_t i = 0; i < g->nobs; i++)
		out[k++] = g->obs[i].n;
	qsort(out, k, sizeof(*out), cmp_double);
	if (k == 0)
		return 0;
	size_t m = 1;
	for (size_t i = 1; i < k; i++)
		if (out[i] != out[m - 1])
			out[m++] = out[i];
	return m;
}

static void run_gates(struct ctx *c, const struct side *sb, const struct side *sn)
{
	for (size_t i = 0; i < sb->ngroups; i++) {
		const struct fit_group *gb = &sb->groups[i], *gn = NULL;
		double *nb = xmalloc(gb->nobs * sizeof(double)), *nn, nref = NAN, pref;
		size_t kb = distinct_n(gb, nb), kn;
		struct fit_summary fb, fn;

		for (size_t j = 0; j < sn->ngroups && !gn; j++)
			if (fit_group_same_key(gb, &sn->groups[j]))
				gn = &sn->groups[j];
		if (!gn) {
			c->only_base += kb;
			free(nb);
			continue;
		}
		nn = xmalloc(gn->nobs * sizeof(double));
		kn = distinct_n(gn, nn);
		fit_summarize(gb, CMP_LEVEL, 0, USL_NLS, &fb);
		fit_summarize(gn, CMP_LEVEL, 0, USL_NLS, &fn);
		/* The ceiling of a --cmd point needs a P: the base run's fitted one. */
		pref = isfinite(gb->p) ? gb->p : fb.p_fit;
		for (size_t a = 0, b = 0; a < kb || b < kn;) {
			if (b >= kn || (a < kb && nb[a] < nn[b])) {
				c->only_base++;
				a++;
			} else if (a >= kb || nn[b] < nb[a]) {
				c->only_new++;
				b++;
			} else {
				compare_point(c, gb, gn, nb[a], pref, CMP_SEED + (uint64_t)c->nitems);
				nref = nb[a];
				a++;
				b++;
			}
		}
		compare_pfit(c, gb, gn, nref, &fb, &fn);
		fit_summary_free(&fb);
		fit_summary_free(&fn);
		free(nb);
		free(nn);
	}
	for (size_t j = 0; j < sn->ngroups; j++) {
		int found = 0;
		for (size_t i = 0; i < sb->ngroups && !found; i++)
			found = fit_group_same_key(&sb->groups[i], &sn->groups[j]);
		if (!found) {
			double *v = xmalloc(sn->groups[j].nobs * sizeof(double));
			c->only_new += distinct_n(&sn->groups[j], v);
			free(v);
		}
	}
}

/* ---- output ---- */

static const char *pct(char *buf, size_t len, double ratio)
{
	if (!isfinite(ratio))
		return "-";
	snprintf(buf, len, "%+.1f%%", (ratio - 1) * 100);
	return buf;
}

static const char *ci_text(char *buf, size_t len, double lo, double hi)
{
	char a[24], b[24];

	if (!isfinite(lo) || !isfinite(hi))
		return "-";
	snprintf(buf, len, "[%s, %s]", pct(a, sizeof(a), lo), pct(b, sizeof(b), hi));
	return buf;
}

/* The one-sided p-value in the direction the median moved. */
static double shown_p(const struct item *it)
{
	int worse = it->kind == K_TIME ? it->ratio > 1 : it->ratio < 1;

	return worse ? it->pval : it->pval_better;
}

static const char *pval_text(char *buf, size_t len, double p)
{
	if (!isfinite(p))
		return "-";
	if (p < 0.001)
		return "<0.001";
	snprintf(buf, len, "%.3f", p);
	return buf;
}

static const char *p_text(char *buf, size_t len, double p, double lo, double hi)
{
	if (!isfinite(p))
		return "-";
	if (isfinite(lo) && isfinite(hi))
		snprintf(buf, len, "%.4f [%.4f, %.4f]", p, lo, hi);
	else
		snprintf(buf, len, "%.4f", p);
	return buf;
}

static void side_line(const struct side *s, char *buf, size_t len)
{
	const char *cpu = meta_str(s, "cpu_model"), *date = meta_str(s, "date");
	double lb = meta_num(s, "loadavg_before"), la = meta_num(s, "loadavg_after");
	size_t off;

	off = (size_t)snprintf(buf, len, "%s, %g cores", cpu ? cpu : "unknown CPU", s->cores);
	if (off < len && isfinite(lb))
		off += (size_t)snprintf(buf + off, len - off, ", load %.2f -> %s", lb,
					isfinite(la) ? "" : "?");
	if (off < len && isfinite(lb) && isfinite(la))
		off += (size_t)snprintf(buf + off, len - off, "%.2f", la);
	if (off < len && date)
		off += (size_t)snprintf(buf + off, len - off, ", %s", date);
	if (off < len && !s->meta)
		snprintf(buf + off, len - off, s->meta_bad ? ", unreadable meta.json" : ", no meta.json");
}

/* A run measured while the load average was above its cores: its numbers say as much about the box. */
static int busy(const struct side *s)
{
	double l = fmax(meta_num(s, "loadavg_before"), meta_num(s, "loadavg_after"));

	return isfinite(l) && isfinite(s->cores) && l > s->cores;
}

static size_t count_regressions(const struct ctx *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nitems; i++)
		n += c->items[i].v == V_REGRESSION;
	return n;
}

static const char *const section_title[] = {
	[K_TIME] = "wall time, median (new/base)",
	[K_SPEEDUP] = "speedup, median (new/base)",
	[K_PFIT] = "fitted P (change: the law's speedup at N with it)",
};

/* A label may hold newlines and, in markdown, pipes: keep each row on one line. */
static void sanitize(char *s, size_t len, int markdown)
{
	char out[CSV_LABEL_MAX + 400];
	size_t k = 0;

	for (const char *c = s; *c && k + 2 < sizeof(out); c++) {
		if (markdown && (*c == '|' || *c == '`' || *c == '*' || *c == '_'))
			out[k++] = '\\';
		out[k++] = (unsigned char)*c < ' ' ? ' ' : *c;
	}
	out[k] = '\0';
	if (k >= len)
		k = len - 1;
	memcpy(s, out, k);
	s[k] = '\0';
}

static void print_text(const struct ctx *c, const struct side *sb, const struct side *sn, const char *machine,
		       int markdown)
{
	char lb[600], ln[600], name[CSV_LABEL_MAX + 200], a[64], b[64], d[64], e[64], f[64];
	size_t nreg = count_regressions(c);

	side_line(sb, lb, sizeof(lb));
	side_line(sn, ln, sizeof(ln));
	if (markdown) {
		printf("### amdahl compare: %s\n\n", nreg ? ":x: regression" : ":white_check_mark: no regression");
		printf("- base `%s`: %s\n- new `%s`: %s\n- %s\n", sb->path, lb, sn->path, ln, machine);
		printf("- a change counts when it is beyond %g%% and significant: one-sided Mann–Whitney U "
		       "over the repetitions at α = %g (p in the direction of the change); %g%% percentile "
		       "bootstrap intervals\n",
		       c->o->threshold * 100, c->o->alpha, CMP_LEVEL * 100);
	} else {
		printf("amdahl compare: base '%s', new '%s'\n  base: %s\n  new:  %s\n  %s\n", sb->path, sn->path,
		       lb, ln, machine);
		printf("  a change counts when beyond %g%% and significant (one-sided Mann-Whitney U, "
		       "alpha %g, p in the direction of the change); %g%% bootstrap intervals\n", c->o->threshold * 100, c->o->alpha, CMP_LEVEL * 100);
	}
	for (int i = 0; i < 2; i++) {
		const struct side *s = i ? sn : sb;
		if (busy(s))
			printf("%s%s run was measured under a load average above its %g cores: other work on "
			       "the box is in its times and speedups, and its intervals are wide for that reason\n",
			       markdown ? "- **busy machine**: the " : "  busy machine: the ", i ? "new" : "base", s->cores);
	}
	for (int k = K_TIME; k <= K_PFIT; k++) {
		int header = 0;
		for (size_t i = 0; i < c->nitems; i++) {
			const struct item *it = &c->items[i];
			const char *v = verdict_name[it->v];
			if (it->kind != (enum kind)k)
				continue;
			fit_group_name(it->g, name, sizeof(name));
			sanitize(name, sizeof(name), markdown);
			if (!header) {
				header = 1;
				if (k == K_SPEEDUP && it->of_ceiling)
					printf("\n%sspeedups over different core counts are compared as fractions of "
					       "each run's ceiling 1/((1-p)+p/min(N,cores))%s", markdown ? "_" : "",
					       markdown ? "_\n" : "");
				if (markdown && k == K_PFIT)
					printf("\n**%s**\n\n| point | N | base P | new P | change | %g%% CI | verdict |\n"
					       "|---|---:|---:|---:|---:|---|---|\n", section_title[k], CMP_LEVEL * 100);
				else if (markdown)
					printf("\n**%s**\n\n| point | N | reps | base | new | change | %g%% CI | p | "
					       "verdict |\n|---|---:|---:|---:|---:|---:|---|---:|---|\n",
					       section_title[k], CMP_LEVEL * 100);
				else if (k == K_PFIT)
					printf("\n%s\n%-28s %5s %-26s %-26s %8s  %-18s %s\n", section_title[k], "point",
					       "n", "base_p", "new_p", "change", "ci", "verdict");
				else
					printf("\n%s\n%-28s %5s %7s %10s %10s %8s  %-18s %6s  %s\n", section_title[k],
					       "point", "n", "reps", "base", "new", "change", "ci", "p", "verdict");
			}
			if (k == K_PFIT) {
				p_text(a, sizeof(a), it->base, it->b_lo, it->b_hi);
				p_text(b, sizeof(b), it->new_, it->n_lo, it->n_hi);
				if (markdown)
					printf("| %s | %g | %s | %s | %s | %s | %s%s%s |\n", name, it->n, a, b,
					       pct(d, sizeof(d), it->ratio), ci_text(e, sizeof(e), it->lo, it->hi),
					       it->v == V_REGRESSION ? "**" : "", v, it->v == V_REGRESSION ? "**" : "");
				else
					printf("%-28s %5g %-26s %-26s %8s  %-18s %s\n", name, it->n, a, b,
					       pct(d, sizeof(d), it->ratio), ci_text(e, sizeof(e), it->lo, it->hi), v);
				continue;
			}
			snprintf(f, sizeof(f), "%zu/%zu", it->nb, it->nn);
			if (k == K_TIME) {
				snprintf(a, sizeof(a), "%.6f", it->base);
				snprintf(b, sizeof(b), "%.6f", it->new_);
			} else {
				snprintf(a, sizeof(a), "%.4f", it->base);
				snprintf(b, sizeof(b), "%.4f", it->new_);
			}
			if (markdown)
				printf("| %s | %g | %s | %s%s | %s%s | %s | %s | %s | %s%s%s |\n", name, it->n, f, a,
				       k == K_TIME ? " s" : "", b, k == K_TIME ? " s" : "", pct(d, sizeof(d), it->ratio),
				       ci_text(e, sizeof(e), it->lo, it->hi), pval_text(lb, sizeof(lb), shown_p(it)),
				       it->v == V_REGRESSION ? "**" : "", v, it->v == V_REGRESSION ? "**" : "");
			else
				printf("%-28s %5g %7s %10s %10s %8s  %-18s %6s  %s\n", name, it->n, f, a, b,
				       pct(d, sizeof(d), it->ratio), ci_text(e, sizeof(e), it->lo, it->hi),
				       pval_text(lb, sizeof(lb), shown_p(it)), v);
		}
	}
	if (c->only_base || c->only_new)
		printf("\n%s%zu point%s only in the base and %zu only in the new run: not compared%s\n",
		       markdown ? "_" : "", c->only_base, c->only_base == 1 ? "" : "s", c->only_new,
		       markdown ? "_" : "");
	if (nreg)
		printf("\n%s%zu regression%s%s\n", markdown ? "**" : "", nreg, nreg == 1 ? "" : "s", markdown ? "**" : "");
	else
		printf("\nno regression\n");
}

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *side_json(const struct side *s)
{
	json_t *o = json_object();
	const char *cpu = meta_str(s, "cpu_model"), *date = meta_str(s, "date"), *git = meta_str(s, "git_commit");

	json_object_set_new(o, "file", json_string(s->path));
	json_object_set_new(o, "cpu_model", cpu ? json_string(cpu) : json_null());
	json_object_set_new(o, "cores", jnum(s->cores));
	json_object_set_new(o, "loadavg_before", jnum(meta_num(s, "loadavg_before")));
	json_object_set_new(o, "loadavg_after", jnum(meta_num(s, "loadavg_after")));
	json_object_set_new(o, "date", date ? json_string(date) : json_null());
	json_object_set_new(o, "git_commit", git ? json_string(git) : json_null());
	json_object_set_new(o, "meta", json_string(s->meta ? "ok" : s->meta_bad ? "unreadable" : "missing"));
	json_object_set_new(o, "busy", json_boolean(busy(s)));
	return o;
}

static void print_json(const struct ctx *c, const struct side *sb, const struct side *sn, int same,
		       const char *why)
{
	static const char *const key[] = { [K_TIME] = "times", [K_SPEEDUP] = "speedups", [K_PFIT] = "p_fit" };
	json_t *o = json_object(), *arr[3];
	char *text;

	json_object_set_new(o, "base", side_json(sb));
	json_object_set_new(o, "new", side_json(sn));
	json_object_set_new(o, "same_machine", json_boolean(same));
	json_object_set_new(o, "machine_note", json_string(why));
	json_object_set_new(o, "times_judged", json_boolean(c->judge_times));
	json_object_set_new(o, "threshold", json_real(c->o->threshold));
	json_object_set_new(o, "alpha", json_real(c->o->alpha));
	json_object_set_new(o, "test", json_string("one-sided Mann-Whitney U, normal approximation with tie "
						   "and continuity corrections"));
	json_object_set_new(o, "interval", json_pack("{s:s,s:f,s:i,s:i}", "method",
		"percentile bootstrap of the ratio of medians", "level", CMP_LEVEL, "resamples", c->o->resamples,
		"seed", CMP_SEED));
	for (int k = 0; k < 3; k++)
		arr[k] = json_array();
	for (size_t i = 0; i < c->nitems; i++) {
		const struct item *it = &c->items[i];
		json_t *j = json_object();
		json_object_set_new(j, "backend", json_string(it->g->backend));
		json_object_set_new(j, "workload", json_string(it->g->workload));
		json_object_set_new(j, "p", jnum(it->g->p));
		json_object_set_new(j, "label", json_string(it->g->label));
		json_object_set_new(j, "scaling", json_string(it->g->weak ? "weak" : "strong"));
		json_object_set_new(j, "n", jnum(it->n));
		json_object_set_new(j, "base", jnum(it->base));
		json_object_set_new(j, "new", jnum(it->new_));
		if (it->kind == K_PFIT) {
			json_object_set_new(j, "base_lo", jnum(it->b_lo));
			json_object_set_new(j, "base_hi", jnum(it->b_hi));
			json_object_set_new(j, "new_lo", jnum(it->n_lo));
			json_object_set_new(j, "new_hi", jnum(it->n_hi));
		} else {
			json_object_set_new(j, "base_reps", json_integer((json_int_t)it->nb));
			json_object_set_new(j, "new_reps", json_integer((json_int_t)it->nn));
			json_object_set_new(j, "p_worse", jnum(it->pval));
			json_object_set_new(j, "p_better", jnum(it->pval_better));
		}
		json_object_set_new(j, "ratio", jnum(it->ratio));
		json_object_set_new(j, "ratio_lo", jnum(it->lo));
		json_object_set_new(j, "ratio_hi", jnum(it->hi));
		json_object_set_new(j, "verdict", json_string(verdict_name[it->v]));
		json_array_append_new(arr[it->kind], j);
	}
	for (int k = 0; k < 3; k++)
		json_object_set_new(o, key[k], arr[k]);
	json_object_set_new(o, "only_in_base", json_integer((json_int_t)c->only_base));
	json_object_set_new(o, "only_in_new", json_integer((json_int_t)c->only_new));
	json_object_set_new(o, "regressions", json_integer((json_int_t)count_regressions(c)));
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	if (text)
		puts(text);
	free(text);
	json_decref(o);
}

/* Each regression, named with its numbers, on stderr: CI logs show it whatever the format. */
static void report_regressions(const struct ctx *c)
{
	static const char *const what[] = { [K_TIME] = "wall time", [K_SPEEDUP] = "speedup",
					    [K_PFIT] = "fitted P" };
	char name[CSV_LABEL_MAX + 200], a[32], b[64], d[32];

	for (size_t i = 0; i < c->nitems; i++) {
		const struct item *it = &c->items[i];
		if (it->v != V_REGRESSION)
			continue;
		fit_group_name(it->g, name, sizeof(name));
		sanitize(name, sizeof(name), 0);
		if (it->kind == K_PFIT)
			errorf("regression: %s: fitted P %.4f -> %.4f [%.4f, %.4f]; the law's speedup at N=%g %s",
			       name, it->base, it->new_, it->n_lo, it->n_hi, it->n, pct(a, sizeof(a), it->ratio));
		else
			errorf("regression: %s n=%g: %s %.6g -> %.6g, %s (%g%% CI %s, p %s)", name, it->n,
			       what[it->kind], it->base, it->new_, pct(a, sizeof(a), it->ratio), CMP_LEVEL * 100,
			       ci_text(b, sizeof(b), it->lo, it->hi), pval_text(d, sizeof(d), it->pval));
	}
}

int cmd_compare(int argc, char **argv)
{
	struct opts o;
	struct side sb, sn;
	struct ctx c;
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
	c.o = &o;
	same = same_machine(&sb, &sn, why, sizeof(why));
	c.judge_times = same || o.same_machine;
	run_gates(&c, &sb, &sn);
	if (c.nitems == 0) {
		errorf("'%s' and '%s' have no point in common", sb.path, sn.path);
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
	if (sb.meta_bad || sn.meta_bad)
		warnf("cannot read the meta.json of '%s'; comparing without it", sb.meta_bad ? sb.path : sn.path);
	if (o.fmt == FMT_JSON)
		print_json(&c, &sb, &sn, same, why);
	else
		print_text(&c, &sb, &sn, machine, o.fmt == FMT_MARKDOWN);
	report_regressions(&c);
	status = count_regressions(&c) ? EXIT_FAILED : EXIT_OK;
	if (finish_stdout() < 0)
		status = EXIT_FAILED;
out:
	free(c.items);
	side_free(&sb);
	side_free(&sn);
	return status;
}
