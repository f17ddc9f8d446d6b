/*
 * Building and judging compare's comparisons. First every comparison is
 * collected with its samples and whether it is judged; then the family's
 * size fixes the level of every interval (Bonferroni); then each interval
 * is built and read against the threshold. The statistics themselves are
 * interval.c's and ranktest.c's.
 */
#include "gate.h"
#include "models.h"
#include "ranktest.h"
#include "stats.h"
#include "../base/util.h"

#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const gate_verdict_name[] = {
	[GATE_NONE] = "-", [GATE_OK] = "ok", [GATE_BETTER] = "better", [GATE_REGRESSION] = "REGRESSION",
	[GATE_INCONCLUSIVE] = "inconclusive", [GATE_FEW] = "too few reps", [GATE_NOT_JUDGED] = "not judged",
	[GATE_OVERSUBSCRIBED] = "oversubscribed",
};

enum gate_verdict gate_judge(const struct interval *ci, double threshold, int worse_up)
{
	double up = 1 + threshold, down = 1 - threshold;

	if (!isfinite(ci->lo) || !isfinite(ci->hi))
		return GATE_FEW;
	if (worse_up ? ci->lo > up : ci->hi < down)
		return GATE_REGRESSION;
	if (worse_up ? ci->hi < down : ci->lo > up)
		return GATE_BETTER;
	if (ci->lo >= down && ci->hi <= up)
		return GATE_OK;
	return GATE_INCONCLUSIVE;
}

static struct gate_item *add_item(struct gate *g)
{
	g->items = xrealloc(g->items, (g->nitems + 1) * sizeof(*g->items));
	memset(&g->items[g->nitems], 0, sizeof(*g->items));
	g->items[g->nitems].ratio = (struct interval){ NAN, NAN, NAN, NAN };
	g->items[g->nitems].p_worse = g->items[g->nitems].p_better = NAN;
	g->items[g->nitems].b_lo = g->items[g->nitems].b_hi = NAN;
	g->items[g->nitems].n_lo = g->items[g->nitems].n_hi = NAN;
	return &g->items[g->nitems++];
}

static double group_cores(const struct fit_group *g)
{
	return g->nobs ? g->obs[0].cores : NAN;
}

static int beyond_cores(double n, double cores)
{
	return cores >= 1 && n > cores;
}

/* ---- files: two runs ---- */

/* The time an observation is judged by. */
static double time_of(const struct fit_obs *o, enum gate_metric m)
{
	return m == GATE_CPU ? (o->cpu_s > 0 ? o->cpu_s : NAN) : o->wall_s;
}

/* The values of one field at one N of a group, into a new array; returns how many. */
static size_t collect(const struct fit_group *g, double n, int speedup, double scale, enum gate_metric m,
		      double **out)
{
	size_t k = 0;

	*out = xmalloc((g->nobs ? g->nobs : 1) * sizeof(**out));
	for (size_t i = 0; i < g->nobs; i++) {
		double v = speedup ? g->obs[i].speedup / scale : time_of(&g->obs[i], m);
		if (g->obs[i].n == n && isfinite(v))
			(*out)[k++] = v;
	}
	return k;
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

/* An item of two samples, x the base's and y the new one's (the item owns them), with their medians. */
static struct gate_item *samples_item(struct gate *g, enum gate_kind kind, const struct fit_group *gb, double n,
				      double *x, size_t nx, double *y, size_t ny, int worse_up)
{
	struct gate_item *it = add_item(g);

	it->kind = kind;
	it->g = gb;
	it->n = n;
	it->x = x;
	it->y = y;
	it->nb = nx;
	it->nn = ny;
	it->worse_up = worse_up;
	it->base = stats_median(x, nx);
	it->new_ = stats_median(y, ny);
	return it;
}

/* Two independent samples, tested by Mann-Whitney. */
static struct gate_item *sample_item(struct gate *g, enum gate_kind kind, const struct fit_group *gb, double n,
				     double *x, size_t nx, double *y, size_t ny, int worse_up)
{
	struct gate_item *it = samples_item(g, kind, gb, n, x, nx, y, ny, worse_up);
	struct ranktest t;

	ranktest_mann_whitney(x, nx, y, ny, &t);
	it->p_worse = worse_up ? t.p_greater : t.p_less;
	it->p_better = worse_up ? t.p_less : t.p_greater;
	return it;
}

static void compare_point(struct gate *g, const struct fit_group *gb, const struct fit_group *gn, double n,
			  double pref, const struct gate_opts *o)
{
	double kb = group_cores(gb), kn = group_cores(gn), *x, *y;
	int over = beyond_cores(n, kb) || beyond_cores(n, kn);
	size_t nx = collect(gb, n, 0, 1, o->metric, &x), ny = collect(gn, n, 0, 1, o->metric, &y);
	struct gate_item *it = sample_item(g, GATE_TIME, gb, n, x, nx, y, ny, 1);

	/*
	 * Not from a busy run, whatever the metric: amdahl's own workloads calibrate their
	 * work on every run, and a calibration under load gives a run less or more work.
	 */
	it->judged = o->judge_times && !over && !o->busy;
	it->v = over ? GATE_OVERSUBSCRIBED : it->judged ? GATE_NONE : GATE_NOT_JUDGED;
	/* Speedups: N = 1 is 1 by construction. */
	if (n > 1) {
		double cb = ceiling_of(gb, pref, n, kb, kb != kn), cn = ceiling_of(gn, pref, n, kn, kb != kn);
		if (!(isfinite(cb) && isfinite(cn) && cb > 0 && cn > 0))
			return;
		nx = collect(gb, n, 1, cb, GATE_WALL, &x);
		ny = collect(gn, n, 1, cn, GATE_WALL, &y);
		if (!nx || !ny) {
			free(x);
			free(y);
			return;
		}
		it = sample_item(g, GATE_SPEEDUP, gb, n, x, nx, y, ny, 0);
		it->of_ceiling = kb != kn;
		/* Scaling measured under other load says more about the load than about the code. */
		it->judged = !over && !o->busy;
		it->v = over ? GATE_OVERSUBSCRIBED : it->judged ? GATE_NONE : GATE_NOT_JUDGED;
	}
}

/* The law a group's P belongs to at N, and d log S / d P there. */
static double law(const struct fit_group *g, double p, double n, double *dlog)
{
	double s = g->weak ? models_gustafson(p, n) : models_amdahl(p, n);

	*dlog = g->weak ? (n - 1) / s : s * (1 - 1 / n);
	return s;
}

/* Fitted P of two matching groups, judged through the law's speedup at nref. */
static void compare_pfit(struct gate *g, const struct fit_group *gb, const struct fit_group *gn, double nref,
			 const struct fit_summary *fb, const struct fit_summary *fn, const struct gate_opts *o)
{
	struct gate_item *it;
	double db, dn, sb, sn, vb, vn;

	if (!isfinite(fb->p_fit) || !isfinite(fn->p_fit) || !(nref > 1))
		return;
	sb = law(gb, fb->p_fit, nref, &db);
	sn = law(gn, fn->p_fit, nref, &dn);
	it = add_item(g);
	*it = (struct gate_item){
		.kind = GATE_PFIT, .g = gb, .n = nref, .nb = fb->min_reps, .nn = fn->min_reps, .base = fb->p_fit,
		.new_ = fn->p_fit, .b_lo = fb->p_lo, .b_hi = fb->p_hi, .n_lo = fn->p_lo, .n_hi = fn->p_hi,
		.ratio = { sn / sb, NAN, NAN, NAN }, .p_worse = NAN, .p_better = NAN,
	};
	/* The delta method on log S, Welch-Satterthwaite degrees of freedom. */
	vb = db * db * fb->p_se * fb->p_se;
	vn = dn * dn * fn->p_se * fn->p_se;
	it->se_log = sqrt(vb + vn);
	it->df = (vb + vn) * (vb + vn) / (vb * vb / fb->p_df + vn * vn / fn->p_df);
	if (vb + vn == 0)
		it->df = fmin(fb->p_df, fn->p_df);
	it->judged = isfinite(it->se_log) && !o->busy;
	it->v = !isfinite(it->se_log) ? GATE_FEW : it->judged ? GATE_NONE : GATE_NOT_JUDGED;
}

/* The distinct N of a group, ascending, into a new array. */
static size_t distinct_n(const struct fit_group *g, double **out)
{
	size_t k = 0, m = 0;

	*out = xmalloc((g->nobs ? g->nobs : 1) * sizeof(**out));
	for (size_t i = 0; i < g->nobs; i++)
		(*out)[k++] = g->obs[i].n;
	gsl_sort(*out, 1, k);
	for (size_t i = 0; i < k; i++)
		if (m == 0 || (*out)[i] != (*out)[m - 1])
			(*out)[m++] = (*out)[i];
	return m;
}

/* Every point two matching groups share, then their fitted P. */
static void compare_groups(struct gate *g, const struct fit_group *gb, const struct fit_group *gn,
			   const struct gate_opts *o)
{
	double *nb, *nn, nref = NAN, pref, kb = group_cores(gb), kn = group_cores(gn);
	size_t kb_n = distinct_n(gb, &nb), kn_n = distinct_n(gn, &nn);
	struct fit_summary fb, fn;

	fit_summarize(gb, FIT_LEVEL, 0, USL_NLS, &fb);
	fit_summarize(gn, FIT_LEVEL, 0, USL_NLS, &fn);
	/* The ceiling of a --cmd point needs a P: the base run's fitted one. */
	pref = isfinite(gb->p) ? gb->p : fb.p_fit;
	for (size_t a = 0, b = 0; a < kb_n || b < kn_n;) {
		if (b >= kn_n || (a < kb_n && nb[a] < nn[b])) {
			g->only_base++;
			a++;
		} else if (a >= kb_n || nn[b] < nb[a]) {
			g->only_new++;
			b++;
		} else {
			compare_point(g, gb, gn, nb[a], pref, o);
			/* P is fitted within the cores: its law is judged at the largest N there. */
			if (!beyond_cores(nb[a], kb) && !beyond_cores(nb[a], kn))
				nref = nb[a];
			a++;
			b++;
		}
	}
	compare_pfit(g, gb, gn, nref, &fb, &fn, o);
	fit_summary_free(&fb);
	fit_summary_free(&fn);
	free(nb);
	free(nn);
}

/* ---- the family, the intervals, the verdicts ---- */

static void judge_all(struct gate *g, const struct gate_opts *o)
{
	g->family = 0;
	for (size_t i = 0; i < g->nitems; i++)
		g->family += g->items[i].judged != 0;
	g->level = 1 - o->alpha / (double)(g->family ? g->family : 1);
	for (size_t i = 0; i < g->nitems; i++) {
		struct gate_item *it = &g->items[i];
		if (it->kind == GATE_PFIT) {
			double est = it->ratio.est;
			if (interval_from_se(log(est), it->se_log, it->df, g->level, &it->ratio) == 0) {
				it->ratio.lo = exp(it->ratio.lo);
				it->ratio.hi = exp(it->ratio.hi);
			}
			it->ratio.est = est;
		} else if (g->paired) {
			interval_paired_ratio(it->x, it->y, it->nb, g->level, &it->ratio);
		} else {
			interval_ratio_of_medians(it->x, it->nb, it->y, it->nn, g->level, &it->ratio);
		}
		if (it->judged)
			it->v = gate_judge(&it->ratio, o->threshold, it->worse_up);
	}
}

void gate_files(struct gate *g, const struct fit_group *base, size_t nbase, const struct fit_group *new_,
		size_t nnew, const struct gate_opts *o)
{
	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < nbase; i++) {
		const struct fit_group *gn = NULL;
		for (size_t j = 0; j < nnew && !gn; j++)
			if (fit_group_same_key(&base[i], &new_[j]))
				gn = &new_[j];
		if (gn) {
			compare_groups(g, &base[i], gn, o);
		} else {
			double *v;
			g->only_base += distinct_n(&base[i], &v);
			free(v);
		}
	}
	for (size_t j = 0; j < nnew; j++) {
		int found = 0;
		for (size_t i = 0; i < nbase && !found; i++)
			found = fit_group_same_key(&base[i], &new_[j]);
		if (!found) {
			double *v;
			g->only_new += distinct_n(&new_[j], &v);
			free(v);
		}
	}
	judge_all(g, o);
}

/* ---- paired: two programs of one run, round by round ---- */

/* Whether a group answers to a name: its --cmd label, or its backend when it has none. */
static int named(const struct fit_group *g, const char *name)
{
	return g->label[0] ? strcmp(g->label, name) == 0 : strcmp(g->backend, name) == 0;
}

/* The same point but for the name: workload, p and scaling (and the label of backend pairs). */
static int partners(const struct fit_group *a, const struct fit_group *b)
{
	return strcmp(a->workload, b->workload) == 0 && a->weak == b->weak &&
	       ((isnan(a->p) && isnan(b->p)) || a->p == b->p) && (a->label[0] != 0) == (b->label[0] != 0);
}

struct timed {
	int round;
	double wall_s;
};

static int cmp_timed(const void *a, const void *b)
{
	const struct timed *x = a, *y = b;

	return (x->round > y->round) - (x->round < y->round);
}

/* A group's times at N, sorted by round; returns how many. */
static size_t timed_at(const struct fit_group *g, double n, enum gate_metric m, struct timed **out)
{
	size_t k = 0;

	*out = xmalloc((g->nobs ? g->nobs : 1) * sizeof(**out));
	for (size_t i = 0; i < g->nobs; i++)
		if (g->obs[i].n == n && isfinite(time_of(&g->obs[i], m)))
			(*out)[k++] = (struct timed){ g->obs[i].round, time_of(&g->obs[i], m) };
	qsort(*out, k, sizeof(**out), cmp_timed);
	return k;
}

/*
 * The wall times of base and candidate at N in the rounds both have, one
 * pair per round (the first repetition of it: a file of one run has one);
 * returns how many pairs.
 */
static size_t pair_rounds(const struct fit_group *gb, const struct fit_group *gc, double n, enum gate_metric m,
			  double **x, double **y)
{
	struct timed *b, *c;
	size_t nb = timed_at(gb, n, m, &b), nc = timed_at(gc, n, m, &c), k = 0;

	*x = xmalloc((nb ? nb : 1) * sizeof(**x));
	*y = xmalloc((nb ? nb : 1) * sizeof(**y));
	for (size_t i = 0, j = 0; i < nb && j < nc;) {
		if (b[i].round < c[j].round) {
			i++;
		} else if (c[j].round < b[i].round) {
			j++;
		} else {
			int r = b[i].round;
			(*x)[k] = b[i].wall_s;
			(*y)[k++] = c[j].wall_s;
			while (i < nb && b[i].round == r)
				i++;
			while (j < nc && c[j].round == r)
				j++;
		}
	}
	free(b);
	free(c);
	return k;
}

static void pair_groups(struct gate *g, const struct fit_group *gb, const struct fit_group *gc, enum gate_metric m)
{
	double *ns, *x, *y;
	size_t nn = distinct_n(gb, &ns);

	for (size_t i = 0; i < nn; i++) {
		size_t k = pair_rounds(gb, gc, ns[i], m, &x, &y);
		struct gate_item *it;
		double pg, pl;
		if (k == 0) {
			free(x);
			free(y);
			continue;
		}
		it = samples_item(g, GATE_TIME, gb, ns[i], x, k, y, k, 1);
		interval_paired_p(x, y, k, &pg, &pl);
		it->p_worse = pg;
		it->p_better = pl;
		/* Both programs ran at this N in the same round: oversubscription and load fall on both. */
		it->judged = 1;
	}
	free(ns);
}

int gate_paired(struct gate *g, const struct fit_group *groups, size_t ngroups, const char *base,
		const char *cand, const struct gate_opts *o, char *err, size_t errlen)
{
	int nbase = 0, ncand = 0;

	memset(g, 0, sizeof(*g));
	g->paired = 1;
	for (size_t i = 0; i < ngroups; i++) {
		nbase += named(&groups[i], base);
		ncand += named(&groups[i], cand);
	}
	if (!nbase || !ncand) {
		snprintf(err, errlen, "no rows named '%s' (a --name of the run, or a backend)", !nbase ? base : cand);
		return -1;
	}
	for (size_t i = 0; i < ngroups; i++)
		for (size_t j = 0; j < ngroups; j++)
			if (i != j && named(&groups[i], base) && named(&groups[j], cand) &&
			    partners(&groups[i], &groups[j]))
				pair_groups(g, &groups[i], &groups[j], o->metric);
	if (g->nitems == 0) {
		snprintf(err, errlen, "'%s' and '%s' share no point and round", base, cand);
		return -1;
	}
	judge_all(g, o);
	return 0;
}

size_t gate_regressions(const struct gate *g)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nitems; i++)
		n += g->items[i].v == GATE_REGRESSION;
	return n;
}

void gate_free(struct gate *g)
{
	for (size_t i = 0; i < g->nitems; i++) {
		free(g->items[i].x);
		free(g->items[i].y);
	}
	free(g->items);
	memset(g, 0, sizeof(*g));
}
