/*
 * The report page: one self-contained HTML file for one or more runs (and,
 * with a base run, their comparison). Everything is inside it — the style
 * sheet, the figures as inline SVG, the tables — and nothing is fetched when
 * it is opened: a Content-Security-Policy of default-src 'none' says so to
 * the browser, and no script is needed to read it. Every string from a CSV,
 * a meta.json or a command line is escaped (html.h); the figures come from
 * the gnuplot scripts that draw the PNGs, inlined by svg.h.
 *
 * Its order: the verdict of the comparison (when there is one) and its
 * tables, the warnings the run gave, the machine and the command of each
 * run, the figures of every set (speedup, efficiency, Karp-Flatt) with the
 * numbers behind them, the speedup stacks, the fitted models.
 */
#ifndef AMDAHL_REPORT_HTML_H
#define AMDAHL_REPORT_HTML_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "aggregate.h"
#include "comparison.h"
#include "figure.h"

/* Most meta.json sidecars one run has: bench/run writes one per part (<csv>.<k>.meta.json). */
#define REPORT_META_MAX 16

/* One input file. */
struct report_run {
	const char *path;
	const char *role;		/* "base", "new", or NULL for a plain run */
	json_t *meta[REPORT_META_MAX];	/* its sidecar, then the later parts' (borrowed) */
	size_t nmeta;
};

/* One figure, drawn as SVG and read back. */
struct report_figure {
	char *svg;			/* the file gnuplot wrote */
	size_t len;
	char *kind, *title, *set, *what;
	char *desc;			/* its text alternative: the numbers it draws, in words */
	size_t nser;
	const struct agg_series *ser[FIGURE_SERIES_MAX];
	char *names[FIGURE_SERIES_MAX];
};

/* A figure as the drawing told of it, kept for the page (the SVG read from d->path); -1 with errno. */
int report_figure_keep(struct report_figure *f, const struct figure_drawn *d);
void report_figure_free(struct report_figure *f);
/* The figure as a <figure> on the page: the SVG inlined with ids "fig<number>-...", a caption; -1 said with errorf. */
int report_figure_write(FILE *fp, const struct report_figure *f, size_t number);

/* One series' fitted models, as `amdahl fit` gives them. */
struct report_fit {
	const struct agg_series *s;
	struct fit_summary f;
};

struct report_page {
	const char *title;
	const char *generator;		/* "amdahl <commit>" */
	const struct report_run *runs;
	size_t nruns;
	const struct comparison *cmp;	/* NULL without a base run */
	char *const *warnings;		/* plain sentences */
	size_t nwarnings;
	const struct report_figure *figs;
	size_t nfigs;
	const struct report_fit *fits;
	size_t nfits;
};

/* Write the page onto fp; -1 on a write error (or a figure that could not be inlined, said with errorf). */
int report_html_write(FILE *fp, const struct report_page *p);

#endif
