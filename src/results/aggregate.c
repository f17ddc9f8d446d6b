/*
 * Rows to series to cells (aggregate.h). Series are found through a hash of
 * their key, so a million rows cost linear time; the strings of the key are
 * the row table's interned ones and compare by address.
 */
#include "aggregate.h"
#include "../base/util.h"
#include "../models/models.h"

#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int agg_same_p(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static int same_key(const struct agg_series *s, const struct run_row *r)
{
	return s->file == r->file && s->backend == r->backend && s->workload == r->workload &&
	       s->label == r->label && agg_same_p(s->p, r->p) && s->weak == (r->weak != 0);
}

static size_t key_hash(const struct run_row *r)
{
	uint64_t h = (uintptr_t)r->backend * 31 + (uintptr_t)r->workload * 131 + (uintptr_t)r->label * 1031;
	uint64_t pb = 0;

	if (!isnan(r->p))
		memcpy(&pb, &r->p, sizeof(pb));
	h ^= pb * 0x9E3779B97F4A7C15ULL;
	h ^= ((uint64_t)r->file << 1 | (r->weak != 0)) * 0xC2B2AE3D27D4EB4FULL;
	return (size_t)(h ^ (h >> 29));
}

/* Series index of every row, the series created in order of first appearance. */
static size_t *assign_series(const struct run_rows *rows, struct aggregate *a)
{
	size_t *sidx = xmalloc((rows->len ? rows->len : 1) * sizeof(*sidx)), cap = 64, scap = 0;
	size_t *slot = xmalloc(cap * sizeof(*slot));

	for (size_t i = 0; i < cap; i++)
		slot[i] = SIZE_MAX;
	for (size_t i = 0; i < rows->len; i++) {
		const struct run_row *r = &rows->v[i];
		size_t k = key_hash(r) & (cap - 1);

		while (slot[k] != SIZE_MAX && !same_key(&a->series[slot[k]], r))
			k = (k + 1) & (cap - 1);
		if (slot[k] == SIZE_MAX) {
			struct agg_series *s;

			if (a->nseries == scap) {
				scap = scap ? 2 * scap : 16;
				a->series = xrealloc(a->series, scap * sizeof(*a->series));
			}
			s = &a->series[a->nseries];
			memset(s, 0, sizeof(*s));
			s->backend = r->backend;
			s->workload = r->workload;
			s->label = r->label;
			s->p = s->p_model = r->p;
			s->weak = r->weak != 0;
			s->file = r->file;
			s->bound = workload_bound_of(r->workload);
			s->work_s = r->work_s;
			s->first = i;
			slot[k] = a->nseries++;
			if (2 * a->nseries > cap) {	/* rehash into twice the slots */
				free(slot);
				cap *= 2;
				slot = xmalloc(cap * sizeof(*slot));
				for (size_t j = 0; j < cap; j++)
					slot[j] = SIZE_MAX;
				for (size_t j = 0; j < a->nseries; j++) {
					const struct run_row *fr = &rows->v[a->series[j].first];
					size_t m = key_hash(fr) & (cap - 1);
					while (slot[m] != SIZE_MAX)
						m = (m + 1) & (cap - 1);
					slot[m] = j;
				}
				k = SIZE_MAX;
			}
		}
		sidx[i] = k == SIZE_MAX ? a->nseries - 1 : slot[k];
	}
	free(slot);
	return sidx;
}

struct by_n {
	const struct run_row *row;
	size_t order;
};

static int cmp_by_n(const void *a, const void *b)
{
	const struct by_n *x = a, *y = b;

	if (x->row->n != y->row->n)
		return x->row->n < y->row->n ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* The speedup a row says, or the one its series' N = 1 median gives it; NaN when neither. */
static double row_speedup(const struct agg_series *s, const struct run_row *r, double t1)
{
	double sp = r->speedup;

	if (isnan(sp)) {
		sp = t1 / r->wall_s;
		if (s->weak)
			sp *= (1.0 - s->p) + s->p * r->n;	/* NaN for --cmd rows: unknown */
	}
	return isfinite(sp) && sp > 0 ? sp : NAN;
}

/* A plugin column over a cell's repetitions, as its declaration says. */
static double combine(enum column_agg agg, const double *v, size_t n)
{
	double out = NAN;

	if (n == 0)
		return NAN;
	switch (agg) {
	case COLUMN_MEDIAN: return stats_median(v, n);
	case COLUMN_LAST: return v[n - 1];
	case COLUMN_SUM:
		out = 0;
		for (size_t i = 0; i < n; i++)
			out += v[i];
		return out;
	case COLUMN_MAX:
		out = v[0];
		for (size_t i = 1; i < n; i++)
			out = fmax(out, v[i]);
		return out;
	}
	return out;
}

static void cell_columns(struct agg_cell *c, const struct by_n *rows, size_t n, double *tmp)
{
	for (size_t id = 0; id < COLUMNS_MAX; id++) {
		size_t k = 0;

		for (size_t i = 0; id < column_count() && i < n; i++)
			if (rows[i].row->col && isfinite(rows[i].row->col[id]))
				tmp[k++] = rows[i].row->col[id];
		c->col[id] = id < column_count() ? combine(column_at(id)->agg, tmp, k) : NAN;
	}
}

/* A repetition's parts (column_stack) in speedup units; a program's useful
 * and extra CPU from cpu1, its N = 1 runs' median CPU time. */
static void row_stack(const struct run_row *r, double cpu1, double *parts)
{
	for (int i = 0; i < EXPLAIN_PARTS; i++)
		parts[i] = run_row_col(r, explain_column(i));
	if (isnan(parts[EXPLAIN_USEFUL]) && isfinite(parts[EXPLAIN_IDLE]) && r->cpu_s >= 0)
		explain_program_work(r->cpu_s, cpu1, parts);
	for (int i = 0; i < EXPLAIN_PARTS; i++)
		parts[i] /= r->wall_s;
}

/*
 * The stack of one repetition, the median one: the repetition whose speedup
 * is the median (the lower middle one of an even count; the median wall time
 * where no speedup is known). Its parts add up to N as its own books do, so
 * the table and the figure close, which the medians of the parts taken one by
 * one do only within their spread (docs/explain.md).
 */
static void cell_stack(struct agg_cell *c, const struct by_n *rows, size_t n, const struct fit_obs *obs,
		       double cpu1, double *tmp)
{
	int by_speedup = 0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		by_speedup |= isfinite(obs[i].speedup);
	for (size_t i = 0; i < n; i++)
		if (isfinite(by_speedup ? obs[i].speedup : obs[i].wall_s))
			tmp[k++] = by_speedup ? obs[i].speedup : obs[i].wall_s;
	for (int part = 0; part < EXPLAIN_PARTS; part++)
		c->stack[part] = NAN;
	if (!k)
		return;
	gsl_sort(tmp, 1, k);
	for (size_t i = 0; i < n; i++)
		if ((by_speedup ? obs[i].speedup : obs[i].wall_s) == tmp[(k - 1) / 2]) {
			row_stack(rows[i].row, cpu1, c->stack);
			return;
		}
}

/* Summarize the repetitions rows[0..n) of one N into c. */
static void cell_fill(const struct agg_series *s, struct agg_cell *c, const struct by_n *rows, size_t n,
		      const struct fit_obs *obs, double *tmp)
{
	double *sp = tmp + n, *e = tmp + 2 * n;
	size_t k = 0, nkf = 0;

	c->n = rows[0].row->n;
	c->rows = n;
	for (size_t i = 0; i < n; i++)
		tmp[i] = obs[i].wall_s;
	stats_summarize(tmp, n, &c->wall);
	for (size_t i = 0; i < n; i++)
		if (isfinite(obs[i].speedup))
			sp[k++] = obs[i].speedup;
	c->reps = k;
	stats_summarize(sp, k, &c->speedup);
	if (interval_median(sp, k, 0.95, &c->speedup_ci) < 0)
		c->speedup_ci = (struct interval){ c->speedup.median, NAN, NAN, 0.95 };
	for (size_t i = 0; i < k; i++)
		e[i] = sp[i] / c->n;
	stats_summarize(e, k, &c->efficiency);
	for (size_t i = 0; i < k && c->n > 1 && !s->weak; i++)
		e[nkf++] = models_karp_flatt(sp[i], c->n);
	stats_summarize(e, nkf, &c->karp_flatt);
	cell_columns(c, rows, n, tmp);
	cell_stack(c, rows, n, obs, s->cpu1_s, tmp);
}

static void cell_model(const struct agg_series *s, struct agg_cell *c)
{
	double p = s->p_model, cores = workload_bound_cpu(s->bound) ? s->cores : NAN;

	c->model = c->ceiling = c->of_ceiling = NAN;
	if (isnan(p))
		return;
	c->model = s->weak ? models_gustafson(p, c->n) : models_amdahl(p, c->n);
	if (isfinite(cores))
		c->ceiling = s->weak ? models_ceiling_weak(p, c->n, cores) : models_ceiling(p, c->n, cores);
	if (c->reps && c->ceiling > 0)
		c->of_ceiling = c->speedup.median / c->ceiling;
}

static struct fit_obs obs_of(const struct agg_series *s, const struct run_row *r, double t1)
{
	return (struct fit_obs){ .n = r->n, .cores = workload_bound_cpu(s->bound) ? r->cores : INFINITY,
				 .wall_s = r->wall_s, .speedup = row_speedup(s, r, t1), .round = r->rep, .weight = 1,
				 .cpu_s = r->cpu_s > 0 ? r->cpu_s : NAN };
}

/*
 * Build one series' observations (in the rows' order, which the fits' sums
 * follow) and its cells (from the rows sorted by N, in place).
 */
static void series_fill(struct agg_series *s, struct by_n *rows, size_t n)
{
	struct fit_obs *obs = xmalloc((n ? n : 1) * sizeof(*obs)), *sorted = xmalloc((n ? n : 1) * sizeof(*obs));
	double *tmp = xmalloc((3 * n + 1) * sizeof(*tmp)), t1 = NAN;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (rows[i].row->n == 1)
			tmp[k++] = rows[i].row->wall_s;
	if (k)
		t1 = stats_median(tmp, k);
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].row->n == 1 && rows[i].row->cpu_s >= 0)
			tmp[k++] = rows[i].row->cpu_s;
	s->cpu1_s = k ? stats_median(tmp, k) : NAN;
	for (size_t i = 0; i < n; i++) {
		const struct run_row *r = rows[i].row;

		s->cores = fmax(s->cores, r->cores);
		if (!(r->work_s == s->work_s))
			s->work_s = NAN;
		obs[i] = obs_of(s, r, t1);
	}
	s->fit = (struct fit_group){ .backend = s->backend, .workload = s->workload, .label = s->label, .p = s->p,
				     .weak = s->weak, .obs = obs, .nobs = n };
	qsort(rows, n, sizeof(*rows), cmp_by_n);
	for (size_t i = 0; i < n; i++)
		sorted[i] = obs_of(s, rows[i].row, t1);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && rows[j].row->n == rows[i].row->n)
			j++;
		s->cells = xrealloc(s->cells, (s->ncells + 1) * sizeof(*s->cells));
		memset(&s->cells[s->ncells], 0, sizeof(*s->cells));
		cell_fill(s, &s->cells[s->ncells], rows + i, j - i, sorted + i, tmp);
		cell_model(s, &s->cells[s->ncells]);
		s->ncells++;
		i = j;
	}
	free(sorted);
	free(tmp);
}

void aggregate_rows(const struct run_rows *rows, struct aggregate *out)
{
	size_t *sidx, *start;
	struct by_n *sorted;

	memset(out, 0, sizeof(*out));
	sidx = assign_series(rows, out);
	/* Counting sort of the rows by series, keeping their order within each. */
	start = xcalloc(out->nseries + 1, sizeof(*start));
	sorted = xmalloc((rows->len ? rows->len : 1) * sizeof(*sorted));
	for (size_t i = 0; i < rows->len; i++)
		start[sidx[i] + 1]++;
	for (size_t s = 0; s < out->nseries; s++)
		start[s + 1] += start[s];
	for (size_t i = 0; i < rows->len; i++)
		sorted[start[sidx[i]]++] = (struct by_n){ &rows->v[i], i };
	for (size_t s = out->nseries; s > 0; s--)
		start[s] = start[s - 1];
	start[0] = 0;
	for (size_t s = 0; s < out->nseries; s++)
		series_fill(&out->series[s], sorted + start[s], start[s + 1] - start[s]);
	free(sorted);
	free(start);
	free(sidx);
}

void aggregate_free(struct aggregate *a)
{
	for (size_t i = 0; i < a->nseries; i++) {
		free(a->series[i].cells);
		free(a->series[i].fit.obs);
	}
	free(a->series);
	memset(a, 0, sizeof(*a));
}

const struct agg_series *aggregate_find(const struct aggregate *a, const char *backend, const char *workload,
					const char *label, double p, int weak)
{
	for (size_t i = 0; i < a->nseries; i++) {
		const struct agg_series *s = &a->series[i];
		if (strcmp(s->backend, backend) == 0 && strcmp(s->workload, workload) == 0 &&
		    strcmp(s->label, label) == 0 && agg_same_p(s->p, p) && s->weak == (weak != 0))
			return s;
	}
	return NULL;
}

const struct agg_series *aggregate_match(const struct aggregate *a, const struct agg_series *like)
{
	return aggregate_find(a, like->backend, like->workload, like->label, like->p, like->weak);
}

const struct agg_cell *agg_series_cell(const struct agg_series *s, int n)
{
	for (size_t i = 0; i < s->ncells; i++)
		if (s->cells[i].n == n)
			return &s->cells[i];
	return NULL;
}

void agg_series_use_p(struct agg_series *s, double p)
{
	s->p_model = p;
	for (size_t i = 0; i < s->ncells; i++)
		cell_model(s, &s->cells[i]);
}

void agg_series_name(const struct agg_series *s, char *buf, size_t len)
{
	fit_group_name(&s->fit, buf, len);
}

size_t agg_series_min_reps(const struct agg_series *s)
{
	size_t m = 0;

	for (size_t i = 0; i < s->ncells; i++)
		if (i == 0 || s->cells[i].rows < m)
			m = s->cells[i].rows;
	return m;
}
