/*
 * The figures of run rows: each workload at one P (or one --cmd program) is
 * a figure set, whose series are the aggregate's (one backend of one file
 * each); three figures a set (speedup, efficiency, Karp-Flatt), drawn by the
 * scripts in plots/ through the gnuplot runner; the law alone (--theory);
 * and the table of median speedups `make bench` prints.
 *
 * File names: <figure>-<workload>[-<label>][-p<P>][-weak].<format>. A label
 * or workload that is not a plain word (spaces, slashes, past 46
 * characters) is made one, and then a short hash of the set's whole key is
 * appended, so that two labels that make the same word ('x y', 'x/y') never
 * share a file; a note on stderr says which label a hashed name belongs to.
 */
#ifndef AMDAHL_FIGURE_H
#define AMDAHL_FIGURE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "aggregate.h"
#include "gnuplot.h"

/* What a figure's bars show: the median's 95% interval (default), the range, or the quartiles. */
enum figure_bars { FIGURE_BARS_CI, FIGURE_BARS_RANGE, FIGURE_BARS_IQR };
/* "ci", "range", "iqr", by enum figure_bars, NULL-terminated (plot's --bars choices). */
extern const char *const figure_bars_names[];

/* How every figure looks, and where it goes. */
struct figure_look {
	const char *style;		/* slides | paper */
	int width, height;
	const char *title;		/* NULL: each figure's own */
	enum figure_bars bars;
	const char *outdir;		/* absolute */
	char subtitle[512];		/* the machine, from the first run's meta.json (figure_subtitle) */
};

struct figures;

/*
 * The figure sets of an aggregate (whose --cmd series get a fitted P, so
 * their cells' model changes); files names the inputs by series' file index.
 * NULL with the reason said when a set would hold more than 8 series.
 */
struct figures *figures_build(struct aggregate *a, char *const *files);
void figures_free(struct figures *f);
/* How many sets have a speedup to draw (an N = 1 row to divide by). */
size_t figures_drawable(const struct figures *f);
/*
 * Draw every set into look->outdir, printing each image's path on out, one
 * a line. Stops at the first failure.
 */
enum gnuplot_status figures_draw(const struct figures *f, const struct gnuplot *g, const struct figure_look *look,
				 FILE *out);
/* The median speedups at each N, one line a series, beside the law and the ceiling. */
void figures_table(const struct figures *f, FILE *fp);

/* Amdahl's law alone at every P of ps and N of ns: theory.<format>. */
enum gnuplot_status figure_theory(const double *ps, size_t nps, const int *ns, size_t nns, const struct gnuplot *g,
				  const struct figure_look *look, FILE *out);

struct b5_csv_file;
/*
 * The figures of a B5 CSV (file number bi of this plot): b5-<stem>[-<law>].<format>;
 * hashed: add a hash of its path to the name (another input has the same stem).
 */
enum gnuplot_status figure_b5(const struct b5_csv_file *b, size_t bi, int hashed, const char *machine,
			      const struct gnuplot *g, const struct figure_look *look, FILE *out);

/* "AMD EPYC (vm), 2 usable cores[; 3 runs]" from a run's meta.json (NULL: none). */
void figure_subtitle(json_t *meta, size_t nruns, char *buf, size_t len);
/* The assignments of every figure: style and size. */
void figure_look_args(const struct figure_look *look, struct gnuplot_args *a);
/* A name gnuplot can take as one word, and a file name: ._:+- letters and digits. 1 when s was one already. */
int figure_word(char *dst, size_t len, const char *src);
/* "results/run-a.csv" -> "run-a", for naming a file's series. */
void figure_file_stem(const char *path, char *buf, size_t len);

#endif
