/*
 * The speedup stack's figure (docs/explain.md): for one series, one bar per
 * N, N tall — the measured speedup's share (the useful work) at the bottom,
 * each loss stacked above it — drawn by plots/stack.gp from the aggregate's
 * cells. Spawn and join share one segment; a part no cell knows, or that is
 * nowhere above 0.5% of a bar, gets no segment and no key entry.
 */
#include "figure.h"
#include "../base/util.h"
#include "../models/explain.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The segments, bottom to top: the parts drawn, spawn and join as one. */
enum { SEG_USEFUL, SEG_SERIAL, SEG_SPAWN_JOIN, SEG_IMBALANCE, SEG_STARVED, SEG_BLOCKED, SEG_GIL, SEG_EXTRA, SEG_IDLE,
       SEG_COUNT };

static const int seg_parts[SEG_COUNT][2] = {
	{ EXPLAIN_USEFUL, -1 }, { EXPLAIN_SERIAL, -1 }, { EXPLAIN_SPAWN, EXPLAIN_JOIN }, { EXPLAIN_IMBALANCE, -1 },
	{ EXPLAIN_STARVED, -1 }, { EXPLAIN_BLOCKED, -1 }, { EXPLAIN_GIL, -1 }, { EXPLAIN_EXTRA, -1 },
	{ EXPLAIN_IDLE, -1 },
};

/* A segment of a cell: its parts' sum, NaN when none is known. */
static double seg_value(const struct agg_cell *c, int seg)
{
	double v = c->stack[seg_parts[seg][0]];
	int other = seg_parts[seg][1];

	if (other >= 0 && isfinite(c->stack[other]))
		v = isfinite(v) ? v + c->stack[other] : c->stack[other];
	return v;
}

/* Whether the series has a stack to draw at all. */
static int has_stack(const struct agg_series *s)
{
	for (size_t i = 0; i < s->ncells; i++)
		if (isfinite(s->cells[i].stack[EXPLAIN_USEFUL]))
			return 1;
	return 0;
}

/*
 * The data file: one line per N, "n s0 ... s8 speedup total", a segment
 * below zero (a loss the work more than made up for) drawn as 0; and which
 * segments are worth a key entry (shown[seg]).
 */
static int write_data(const struct agg_series *s, const char *path, int *shown)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	memset(shown, 0, SEG_COUNT * sizeof(*shown));
	shown[SEG_USEFUL] = 1;
	fputs("# n useful serial spawn+join imbalance starved blocked gil extra_cpu idle speedup total\n", fp);
	for (size_t i = 0; i < s->ncells; i++) {
		const struct agg_cell *c = &s->cells[i];
		double total = 0;

		if (!isfinite(c->stack[EXPLAIN_USEFUL]))
			continue;
		fprintf(fp, "%d", c->n);
		for (int seg = 0; seg < SEG_COUNT; seg++) {
			double v = seg_value(c, seg);

			v = isfinite(v) && v > 0 ? v : 0;
			shown[seg] |= v > 0.005 * c->n;
			total += v;
			fprintf(fp, " %.6g", v);
		}
		fprintf(fp, " %.6g %.6g\n", c->reps ? c->speedup.median : NAN, total);
	}
	return fclose(fp) == 0 ? 0 : -1;
}

enum gnuplot_status figure_stack(const struct agg_series *s, const char *series, const char *base, const char *what,
				 const struct gnuplot *g, const struct figure_look *look, FILE *out)
{
	char data[PATH_MAX + 400], final[PATH_MAX + 400], word[128], title[600], sub[800], segs[64] = "", p[48] = "";
	int shown[SEG_COUNT], nmax = 1;
	struct gnuplot_args a;
	enum gnuplot_status st;

	if (!has_stack(s))
		return GNUPLOT_OK;
	figure_word(word, sizeof(word), series);
	snprintf(data, sizeof(data), "%s/stack-%s-%s.dat", g->tmpdir, word, base);
	if (write_data(s, data, shown) < 0) {
		errorf("cannot write '%s': %s", data, strerror(errno));
		return GNUPLOT_FAILED;
	}
	for (int seg = 0; seg < SEG_COUNT; seg++)
		if (shown[seg]) {
			size_t at = strlen(segs);
			snprintf(segs + at, sizeof(segs) - at, "%s%d", at ? " " : "", seg + 1);
		}
	for (size_t i = 0; i < s->ncells; i++)
		nmax = s->cells[i].n > nmax ? s->cells[i].n : nmax;
	if (!isnan(s->p))
		snprintf(p, sizeof(p), ", P = %g", s->p);
	/* A program's series is named by the program already: "xz", not "xz, xz". */
	if (strcmp(series, what) == 0)
		snprintf(title, sizeof(title), "Where the speedup went: %s%s%s", what, p, s->weak ? " (weak)" : "");
	else
		snprintf(title, sizeof(title), "Where the speedup went: %s, %s%s%s", series, what, p,
			 s->weak ? " (weak)" : "");
	snprintf(sub, sizeof(sub), "%s%sthe median repetition; over a bar, the measured speedup", look->subtitle,
		 look->subtitle[0] ? "; " : "");
	gnuplot_args_init(&a);
	figure_look_args(look, &a);
	gnuplot_path(&a, "datafile", data);
	gnuplot_str(&a, "title", look->title ? look->title : title);
	gnuplot_str(&a, "subtitle", sub);
	gnuplot_str(&a, "segments", segs);
	gnuplot_num(&a, "nmax", nmax);
	snprintf(final, sizeof(final), "%s/stack-%s-%s.%s", look->outdir, word, base, g->format);
	st = gnuplot_draw(g, "stack", &a, final);
	gnuplot_args_free(&a);
	if (st == GNUPLOT_OK) {
		struct figure_drawn d = { .path = final, .kind = "stack", .title = look->title ? look->title : title,
					  .set = base, .what = what, .nser = 1, .ser = { s }, .names = { series } };
		figure_done(look, out, &d);
	}
	return st;
}
