/*
 * The median speedups of every figure set as a text table (`amdahl plot
 * --table`, the summary of `make bench`): a column per N, a row for the law,
 * the ceiling (for work the cores bound) and each series, then "of ceiling"
 * at the largest N; the fitted P of --cmd series above it.
 */
#include "figure_int.h"
#include "emit.h"
#include "../base/util.h"
#include "../models/models.h"

#include <math.h>
#include <stdlib.h>

/* The distinct N of a set, ascending; how many (at most max). */
static size_t set_ns(const struct figure_set *g, int *ns, size_t max)
{
	size_t nn = 0;

	for (size_t k = 0; k < g->nser; k++)
		for (size_t j = 0; j < g->ser[k].s->ncells; j++) {
			size_t x = 0;
			while (x < nn && ns[x] != g->ser[k].s->cells[j].n)
				x++;
			if (x == nn && nn < max)
				ns[nn++] = g->ser[k].s->cells[j].n;
		}
	for (size_t a = 1; a < nn; a++)
		for (size_t b = a; b > 0 && ns[b - 1] > ns[b]; b--) {
			int t = ns[b];
			ns[b] = ns[b - 1];
			ns[b - 1] = t;
		}
	return nn;
}

/* The fitted P of a set's --cmd series, a line each. */
static void table_fits(const struct figure_set *g, FILE *fp)
{
	for (size_t k = 0; k < g->nser && isnan(g->p); k++) {
		const struct pfit *pf = &g->ser[k].fit;
		if (g->nser > 1)
			fprintf(fp, "%s: ", g->ser[k].name);
		if (!pf->ok) {
			fprintf(fp, "no fitted P (one N only, or one usable core)\n");
			continue;
		}
		fprintf(fp, "fitted P = %.4f", pf->p);
		if (isfinite(pf->lo))
			fprintf(fp, " (%g%% CI %.4f-%.4f)", 100 * FIT_LEVEL, pf->lo, pf->hi);
		if (isfinite(pf->r2))
			fprintf(fp, ", R^2 %.3f", pf->r2);
		fprintf(fp, "\n");
	}
}

/* One set as a table: a column per N, a row per law and series, then "of ceiling" at the largest N. */
static void table_set(const struct figure_set *g, FILE *fp)
{
	int ns[64];
	size_t nn = set_ns(g, ns, ARRAY_SIZE(ns));
	double pm = !isnan(g->p) ? g->p : g->fit.ok ? g->fit.p : NAN;
	int ceiling = !isnan(pm) && workload_bound_cpu(g->bound);
	struct emit_col *cols = xcalloc(nn + 2, sizeof(*cols));
	char (*titles)[16] = xcalloc(nn, sizeof(*titles));
	struct emit_table *t;

	cols[0] = (struct emit_col){ .name = "N" };
	for (size_t x = 0; x < nn; x++) {
		snprintf(titles[x], sizeof(titles[x]), "%d", ns[x]);
		cols[x + 1] = (struct emit_col){ .name = titles[x], .fmt = "%.2f" };
	}
	cols[nn + 1] = (struct emit_col){ .name = ceiling ? "of ceiling at max N" : "", .fmt = "%.1f%%" };
	t = emit_new(cols, nn + 2);
	for (int law = 0; law < 2 && !isnan(pm); law++) {
		if (law == 1 && !ceiling)
			break;
		emit_text(t, law ? "ceiling" : g->weak ? "gustafson" : isnan(g->p) ? "amdahl (fit)" : "amdahl");
		for (size_t x = 0; x < nn; x++)
			emit_num(t, law ? (g->weak ? models_ceiling_weak(pm, ns[x], g->cores) :
					   models_ceiling(pm, ns[x], g->cores)) :
				 g->weak ? models_gustafson(pm, ns[x]) : models_amdahl(pm, ns[x]));
		emit_text(t, "");
	}
	for (size_t k = 0; k < g->nser; k++) {
		const struct agg_cell *last = NULL;

		emit_text(t, g->ser[k].name);
		for (size_t x = 0; x < nn; x++) {
			const struct agg_cell *c = agg_series_cell(g->ser[k].s, ns[x]);
			emit_num(t, c && c->reps ? c->speedup.median : NAN);
			last = c && c->reps ? c : last;
		}
		emit_num(t, last ? 100 * last->of_ceiling : NAN);
	}
	emit_print(t, EMIT_TABLE, fp);
	emit_free(t);
	free(titles);
	free(cols);
}

void figures_table(const struct figures *f, FILE *fp)
{
	for (size_t i = 0; i < f->nsets; i++) {
		const struct figure_set *g = &f->sets[i];

		fprintf(fp, "\n%s%s%s", g->workload, g->label[0] ? " " : "", g->label);
		if (!isnan(g->p))
			fprintf(fp, ", P = %g", g->p);
		fprintf(fp, ": median speedup (%g usable cores%s)\n", g->cores,
			workload_bound_cpu(g->bound) ? "" : "; it waits: no CPU ceiling");
		table_fits(g, fp);
		table_set(g, fp);
	}
}
