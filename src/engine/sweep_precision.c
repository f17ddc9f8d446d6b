/*
 * `run --precision`: the sweep's side of precision-driven repetitions. It
 * turns the points into units (precision.h) — each N > 1 point's median
 * speedup, and with --precision-target fit|both each group's fitted P — and,
 * after every round, hands the engine the next round's points: it measures
 * each unit's interval from the rows written so far (interval_median of the
 * paired speedups; fit_p_interval's jackknife over rounds), and lets
 * precision_plan judge and choose within the time left of --time-budget.
 * At the end it says what each point reached, in the summary and meta.json.
 */
#include "sweep_int.h"
#include "../api/backend.h"
#include "../api/workload.h"
#include "../base/clock.h"
#include "../base/util.h"
#include "../models/fit.h"
#include "../results/emit.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_UNIT SIZE_MAX

struct sweep_precision {
	struct precision_cfg cfg;
	struct precision_unit *units;	/* the points' (speedup), then the groups' (fit) */
	size_t nunits, npoint_units;	/* units[0, npoint_units) are the points' */
	size_t *members;		/* the units' point lists, end to end */
	size_t *point_unit;		/* per point: its speedup unit; NO_UNIT for a base */
	size_t *group_unit;		/* per group: its fit unit; NO_UNIT without a fit target */
	size_t ngroups;
	struct precision_point *pts;
	struct interval *ci;		/* per point but a base: of its median speedup */
	struct interval *pci;		/* per group: of its fitted P */
	int rounds;			/* rounds run */
};

static int is_base(const struct sweep *s, size_t i)
{
	return s->points[i].base == i;
}

/* A point's cores as `amdahl fit` takes them (aggregate.c's obs_of): a workload
 * that waits is not capped by the cores, so none of its N is left out. */
static double point_cores(const struct sweep *s, const struct sweep_point *pt)
{
	return workload_bound_cpu(pt->workload->bound) ? s->cfg->cores : INFINITY;
}

/* Whether the fit of P takes the point (fit_within_cores, as `amdahl fit` does). */
static int fitted(const struct sweep *s, const struct sweep_point *pt)
{
	struct fit_obs o = { .n = pt->n, .cores = point_cores(s, pt) };

	return fit_within_cores(&o);
}

void sweep_precision_open(struct sweep *s)
{
	const struct sweep_config *cfg = s->cfg;
	struct sweep_precision *sp = xcalloc(1, sizeof(*sp));
	int speedup = cfg->precision_of != PRECISION_OF_FIT, fit = cfg->precision_of != PRECISION_OF_SPEEDUP;
	size_t m = 0;

	sp->cfg = (struct precision_cfg){ .target = cfg->precision, .level = PRECISION_LEVEL,
					  .min_reps = precision_min_reps(PRECISION_LEVEL), .max_reps = cfg->reps };
	for (size_t i = 0; i < s->npoints; i++)
		if (s->points[i].group + 1 > sp->ngroups)
			sp->ngroups = s->points[i].group + 1;
	sp->units = xcalloc(s->npoints + sp->ngroups + 1, sizeof(*sp->units));
	sp->members = xcalloc(2 * s->npoints + 1, sizeof(*sp->members));
	sp->point_unit = xcalloc(s->npoints + 1, sizeof(*sp->point_unit));
	sp->group_unit = xcalloc(sp->ngroups + 1, sizeof(*sp->group_unit));
	sp->pts = xcalloc(s->npoints + 1, sizeof(*sp->pts));
	sp->ci = xcalloc(s->npoints + 1, sizeof(*sp->ci));
	sp->pci = xcalloc(sp->ngroups + 1, sizeof(*sp->pci));
	/* Every point gets the minimum, so that each has an interval; a point's own
	 * target only when its speedup is targeted. */
	for (size_t i = 0; i < s->npoints; i++) {
		sp->pts[i].base = s->points[i].base;
		sp->point_unit[i] = NO_UNIT;
		if (is_base(s, i))
			continue;
		sp->point_unit[i] = sp->nunits;
		sp->members[m] = i;
		sp->units[sp->nunits++] = (struct precision_unit){ .points = &sp->members[m++], .npoints = 1,
			.target = speedup ? cfg->precision : INFINITY, .half = NAN, .need = NAN };
	}
	sp->npoint_units = sp->nunits;
	for (size_t g = 0; g < sp->ngroups; g++) {
		struct precision_unit *u = &sp->units[sp->nunits];

		sp->group_unit[g] = NO_UNIT;
		sp->pci[g] = (struct interval){ NAN, NAN, NAN, PRECISION_LEVEL };
		if (!fit)
			continue;
		*u = (struct precision_unit){ .points = &sp->members[m], .target = cfg->precision, .half = NAN,
					      .need = NAN };
		for (size_t i = 0; i < s->npoints; i++)
			if (s->points[i].group == g && fitted(s, &s->points[i]))
				sp->members[m + u->npoints++] = i;
		m += u->npoints;
		sp->group_unit[g] = sp->nunits++;
	}
	for (size_t i = 0; i < s->npoints; i++)
		sp->ci[i] = (struct interval){ NAN, NAN, NAN, PRECISION_LEVEL };
	s->prec = sp;
}

void sweep_precision_close(struct sweep *s)
{
	struct sweep_precision *sp = s->prec;

	if (!sp)
		return;
	free(sp->units);
	free(sp->members);
	free(sp->point_unit);
	free(sp->group_unit);
	free(sp->pts);
	free(sp->ci);
	free(sp->pci);
	free(sp);
	s->prec = NULL;
}

/* A point's measured speedups, in round order (a base's are 1). */
static size_t point_values(const struct sweep *s, const struct sweep_point *pt, double *v)
{
	size_t k = 0;

	for (int r = 0; r < s->cfg->reps; r++)
		if (pt->have[r] && pt->speedups[r] > 0)
			v[k++] = pt->speedups[r];
	return k;
}

/* The rounds a point has a row of. */
static size_t rounds_had(const struct sweep *s, const struct sweep_point *pt)
{
	size_t k = 0;

	for (int r = 0; r < s->cfg->reps; r++)
		k += pt->have[r] != 0;
	return k;
}

/* A group's fitted P and its interval, from every row of it so far. */
static double group_half(const struct sweep *s, size_t g, struct interval *ci)
{
	struct fit_obs *obs = xcalloc(s->npoints * (size_t)s->cfg->reps + 1, sizeof(*obs));
	double p, lo, hi, raw, r2, half = NAN;
	size_t k = 0;

	for (size_t i = 0; i < s->npoints; i++) {
		const struct sweep_point *pt = &s->points[i];

		for (int r = 0; r < s->cfg->reps && pt->group == g; r++)
			if (pt->have[r] && pt->speedups[r] > 0)
				obs[k++] = (struct fit_obs){ .n = pt->n, .cores = point_cores(s, pt), .wall_s = pt->walls[r],
							     .speedup = pt->speedups[r], .round = r };
	}
	if (fit_p_interval(obs, k, s->cfg->scaling == SCALING_WEAK ? fit_gustafson : fit_amdahl, PRECISION_LEVEL,
			   &p, &lo, &hi, &raw, &r2) == FIT_OK) {
		*ci = (struct interval){ p, lo, hi, PRECISION_LEVEL };
		half = precision_half(ci);
	}
	free(obs);
	return half;
}

/* Every unit's repetitions and interval, from the rows written so far. */
static void measure_units(struct sweep *s)
{
	struct sweep_precision *sp = s->prec;
	double *v = xmalloc(((size_t)s->cfg->reps + 1) * sizeof(*v));
	size_t *nv = xcalloc(s->npoints + 1, sizeof(*nv));	/* per point: its speedups so far */

	for (size_t i = 0; i < s->npoints; i++) {
		const struct sweep_point *pt = &s->points[i];

		nv[i] = point_values(s, pt, v);
		sp->pts[i].failed = pt->failed || s->points[pt->base].failed;
		if (sp->point_unit[i] != NO_UNIT) {
			struct precision_unit *u = &sp->units[sp->point_unit[i]];

			u->reps = nv[i];
			u->half = precision_speedup(v, nv[i], PRECISION_LEVEL, &sp->ci[i]);
		}
	}
	for (size_t g = 0; g < sp->ngroups; g++) {
		struct precision_unit *u = sp->group_unit[g] == NO_UNIT ? NULL : &sp->units[sp->group_unit[g]];

		if (!u)
			continue;
		u->reps = SIZE_MAX;
		for (size_t j = 0; j < u->npoints; j++)
			u->reps = nv[u->points[j]] < u->reps ? nv[u->points[j]] : u->reps;
		u->reps = u->npoints ? u->reps : 0;
		u->half = group_half(s, g, &sp->pci[g]);
	}
	free(nv);
	free(v);
}

size_t sweep_precision_next(void *ctx, int round, int rounds_left, const double *visit_s, unsigned char *want)
{
	struct sweep *s = ctx;
	struct sweep_precision *sp = s->prec;
	double left = s->cfg->time_budget_s > 0 ? s->cfg->time_budget_s - (clock_now() - s->t_start) : INFINITY;

	sp->rounds = round + 1;
	for (size_t i = 0; i < s->npoints; i++)
		sp->pts[i].cost_s = visit_s[i];
	measure_units(s);
	return precision_plan(&sp->cfg, sp->units, sp->nunits, sp->pts, s->npoints, rounds_left, left, want);
}

/* "reached", or "no: budget", "no: noise (needs ~140)" ... */
static void verdict_text(const struct precision_unit *u, char *buf, size_t len)
{
	if (u->status == PRECISION_REACHED)
		snprintf(buf, len, "%s", isfinite(u->target) ? "reached" : "-");
	else if (u->status == PRECISION_NOISE || (u->status == PRECISION_MAX_REPS && isfinite(u->need)))
		snprintf(buf, len, "no: %s (needs ~%.0f)", precision_status_name(u->status), ceil(u->need));
	else
		snprintf(buf, len, "no: %s", precision_status_name(u->status));
}

void sweep_precision_point(const struct sweep *s, size_t point, size_t *reps, double *half, char *verdict,
			   size_t len)
{
	const struct sweep_precision *sp = s->prec;
	const struct precision_unit *u;

	if (sp->point_unit[point] == NO_UNIT) {
		*reps = rounds_had(s, &s->points[point]);
		*half = NAN;
		snprintf(verdict, len, "base");
		return;
	}
	u = &sp->units[sp->point_unit[point]];
	*reps = u->reps;
	*half = u->half;
	verdict_text(u, verdict, len);
}

/* How the units [from, to) ended: counts by status. */
static void tally(const struct sweep_precision *sp, size_t from, size_t to, size_t count[PRECISION_NO_ESTIMATE + 1])
{
	memset(count, 0, (PRECISION_NO_ESTIMATE + 1) * sizeof(*count));
	for (size_t i = from; i < to; i++)
		count[sp->units[i].status]++;
}

/* "; not reached: 3 max reps, 4 noise" */
static void not_reached(const size_t count[PRECISION_NO_ESTIMATE + 1], char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int st = 0; st <= PRECISION_NO_ESTIMATE && used < len; st++)
		if (st != PRECISION_REACHED && count[st])
			used += (size_t)snprintf(buf + used, len - used, "%s%zu %s", used ? ", " : "; not reached: ",
						 count[st], precision_status_name((enum precision_status)st));
}

void sweep_precision_report(const struct sweep *s, FILE *fp)
{
	const struct sweep_precision *sp = s->prec;
	size_t count[PRECISION_NO_ESTIMATE + 1];
	char rest[256];

	if (s->cfg->precision_of != PRECISION_OF_FIT) {
		tally(sp, 0, sp->npoint_units, count);
		not_reached(count, rest, sizeof(rest));
		fprintf(fp, "precision: the %g%% interval of each N > 1 point's median speedup within ±%g%%: %zu of "
			"%zu reached in %d rounds%s\n", 100 * sp->cfg.level, 100 * sp->cfg.target,
			count[PRECISION_REACHED], sp->npoint_units, sp->rounds, rest);
	}
	for (size_t g = 0; g < sp->ngroups; g++) {
		const struct precision_unit *u = sp->group_unit[g] == NO_UNIT ? NULL : &sp->units[sp->group_unit[g]];
		const struct interval *ci = &sp->pci[g];
		char name[400], what[64];

		if (!u || u->npoints == 0)
			continue;
		sweep_point_name(&s->points[u->points[0]], name, sizeof(name));
		/* the group's name: the point's without its " n=1" */
		if (strrchr(name, ' '))
			*strrchr(name, ' ') = '\0';
		verdict_text(u, what, sizeof(what));
		if (isfinite(ci->lo))
			fprintf(fp, "precision: fitted P of %s: %.4f [%.4f, %.4f], ±%.1f%% after %zu rounds: %s\n", name,
				ci->est, ci->lo, ci->hi, 100 * u->half, u->reps, what);
		else
			fprintf(fp, "precision: fitted P of %s: no interval after %zu rounds: %s\n", name, u->reps, what);
	}
}

/* A unit's outcome, added to o. */
static void unit_json(json_t *o, const struct precision_unit *u, const struct interval *ci)
{
	/* A point whose speedup is not targeted (--precision-target fit) only had the minimum. */
	int targeted = isfinite(u->target);
	const char *st = !targeted && u->status == PRECISION_REACHED ? "not targeted" : precision_status_name(u->status);
	json_t *j = json_pack("{s:I,s:o,s:o,s:o,s:o,s:s,s:o,s:o}", "reps", (json_int_t)u->reps, "estimate",
			 emit_json_number(ci->est), "lo", emit_json_number(ci->lo), "hi", emit_json_number(ci->hi), "half_width",
			 emit_json_number(u->half), "status", st,
			 "reached", targeted ? json_boolean(u->status == PRECISION_REACHED) : json_null(),
			 "needs_reps", emit_json_number(targeted && isfinite(u->need) ? ceil(u->need) : NAN));

	json_object_update(o, j);
	json_decref(j);
}

/* The point's (or, for a group, its first point's) names. */
static json_t *point_keys(const struct sweep_point *pt, int with_n)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:o}", "backend", pt->backend->name, "workload", pt->workload->name,
			      "label", pt->cmd ? pt->cmd->name : "", "p", emit_json_number(pt->p));

	if (with_n)
		json_object_set_new(o, "n", json_integer(pt->n));
	return o;
}

json_t *sweep_precision_meta(const struct sweep *s)
{
	const struct sweep_precision *sp = s->prec;
	json_t *o, *points = json_array(), *groups = json_array();

	for (size_t i = 0; i < s->npoints; i++) {
		json_t *p = point_keys(&s->points[i], 1);

		if (sp->point_unit[i] == NO_UNIT) {
			json_object_set_new(p, "reps", json_integer((json_int_t)rounds_had(s, &s->points[i])));
			json_object_set_new(p, "status", json_string("base"));
		} else {
			unit_json(p, &sp->units[sp->point_unit[i]], &sp->ci[i]);
		}
		json_array_append_new(points, p);
	}
	for (size_t g = 0; g < sp->ngroups; g++) {
		const struct precision_unit *u = sp->group_unit[g] == NO_UNIT ? NULL : &sp->units[sp->group_unit[g]];
		json_t *j;

		if (!u || u->npoints == 0)
			continue;
		j = point_keys(&s->points[u->points[0]], 0);
		unit_json(j, u, &sp->pci[g]);
		json_array_append_new(groups, j);
	}
	o = json_pack("{s:f,s:f,s:s,s:i,s:i,s:o,s:i,s:o,s:o}", "target", sp->cfg.target, "level", sp->cfg.level,
		      "of", precision_of_names[s->cfg->precision_of], "min_reps", sp->cfg.min_reps, "max_reps", sp->cfg.max_reps,
		      "time_budget_s", s->cfg->time_budget_s > 0 ? json_real(s->cfg->time_budget_s) : json_null(),
		      "rounds", sp->rounds, "points", points, "groups", groups);
	return o;
}
