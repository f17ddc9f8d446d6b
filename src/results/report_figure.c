/*
 * The report page's figures (report_html.h): a figure the drivers drew, kept
 * with the SVG read back; its text alternative, which reads out the numbers
 * it draws; and its <figure> on the page, the SVG inlined by svg.c.
 */
#define _GNU_SOURCE
#include "report_html.h"
#include "html.h"
#include "svg.h"
#include "../base/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One value per cell of s, as a list: "1.00, 1.71, –". */
static void desc_values(FILE *fp, const struct agg_series *s, int what, int per_n)
{
	for (size_t j = 0; j < s->ncells; j++) {
		const struct agg_cell *c = &s->cells[j];
		double v = what == 0 ? (c->reps ? c->speedup.median : NAN) :
			   what == 1 ? (c->reps ? c->efficiency.median : NAN) :
			   what == 2 ? (c->karp_flatt.n ? c->karp_flatt.median : NAN) : what == 3 ? c->model : c->ceiling;

		if (per_n && isfinite(v))
			v /= c->n;
		fprintf(fp, isfinite(v) ? "%s%.3g" : "%s–", j ? ", " : "", v);
	}
}

/*
 * A figure's text alternative: the numbers it draws, in words. For the
 * figures of a set, N and then each series' medians and the models; for a
 * stack, each N's parts.
 */
static char *figure_desc(const struct report_figure *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	const struct agg_series *s0 = f->ser[0];
	int what = strcmp(f->kind, "speedup") == 0 ? 0 : strcmp(f->kind, "efficiency") == 0 ? 1 : 2;

	if (!fp)
		return xstrdup(f->title);
	fprintf(fp, "%s. ", f->title);
	if (strcmp(f->kind, "stack") == 0) {
		for (size_t j = 0; j < s0->ncells; j++) {
			const struct agg_cell *c = &s0->cells[j];
			fprintf(fp, "N = %d: speedup %.3g", c->n, c->reps ? c->speedup.median : NAN);
			for (int i = 0; i < EXPLAIN_PARTS; i++)
				if (isfinite(c->stack[i]) && c->stack[i] > 0.0005 * c->n)
					fprintf(fp, ", %s %.3g", explain_parts[i].name, c->stack[i]);
			fputs(". ", fp);
		}
	} else {
		fputs("N = ", fp);
		for (size_t j = 0; j < s0->ncells; j++)
			fprintf(fp, "%s%d", j ? ", " : "", s0->cells[j].n);
		fprintf(fp, ". Median %s:", what == 0 ? "speedup" : what == 1 ? "efficiency" : "serial fraction");
		for (size_t k = 0; k < f->nser; k++) {
			fprintf(fp, " %s ", f->names[k]);
			desc_values(fp, f->ser[k], what, 0);
			fputc(k + 1 < f->nser ? ';' : '.', fp);
		}
		if (what < 2 && !isnan(s0->p_model)) {
			fputs(" Law: ", fp);
			desc_values(fp, s0, 3, what == 1);
			fputc('.', fp);
			if (workload_bound_cpu(s0->bound)) {
				fputs(" Ceiling: ", fp);
				desc_values(fp, s0, 4, what == 1);
				fputc('.', fp);
			}
		}
	}
	fclose(fp);
	return buf;
}

/* What a figure shows, for its caption (its numbers are in its <desc> and in the table under it). */
static const char *figure_caption(const char *kind)
{
	if (strcmp(kind, "speedup") == 0)
		return "Median speedup S(N) = T(1)/T(N) of each series against the workers N (both axes log2), with the "
		       "bars the subtitle names, beside Amdahl's law, this machine's ceiling (the law at min(N, cores)) "
		       "and the ideal S = N.";
	if (strcmp(kind, "efficiency") == 0)
		return "Parallel efficiency E(N) = S(N)/N of each series, with the law and the ceiling divided by N.";
	if (strcmp(kind, "karp-flatt") == 0)
		return "The Karp-Flatt serial fraction e(N) = (1/S - 1/N)/(1 - 1/N) the measurements imply: flat at "
		       "1 - P where Amdahl's law holds, rising where something grows with N.";
	return "Where the speedup went: one bar per N, N tall (the workers' capacity in speedup units), the useful "
	       "work at the bottom and each loss stacked above it; the measured speedup over each bar.";
}

int report_figure_keep(struct report_figure *f, const struct figure_drawn *d)
{
	FILE *fp = fopen(d->path, "rb");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[65536];
	FILE *mem;

	memset(f, 0, sizeof(*f));
	if (!fp)
		return -1;
	mem = open_memstream(&buf, &len);
	while (mem && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		fwrite(chunk, 1, n, mem);
	if (!mem || ferror(fp) || fclose(mem) != 0) {
		int e = errno;
		fclose(fp);
		free(buf);
		errno = e ? e : EIO;
		return -1;
	}
	fclose(fp);
	f->svg = buf;
	f->len = len;
	f->kind = xstrdup(d->kind);
	f->title = xstrdup(d->title);
	f->set = xstrdup(d->set);
	f->what = xstrdup(d->what);
	f->nser = d->nser;
	for (size_t k = 0; k < d->nser; k++) {
		f->ser[k] = d->ser[k];
		f->names[k] = xstrdup(d->names[k]);
	}
	f->desc = figure_desc(f);
	return 0;
}

void report_figure_free(struct report_figure *f)
{
	free(f->svg);
	free(f->kind);
	free(f->title);
	free(f->set);
	free(f->what);
	free(f->desc);
	for (size_t k = 0; k < f->nser; k++)
		free(f->names[k]);
	memset(f, 0, sizeof(*f));
}

/* Straight into fp: the page is made whole in memory and dropped on an error (report.c's page_text). */
int report_figure_write(FILE *fp, const struct report_figure *f, size_t number)
{
	char prefix[32], err[300];

	snprintf(prefix, sizeof(prefix), "fig%zu", number);
	fprintf(fp, "<figure id=\"%s\">\n", prefix);
	if (svg_inline(fp, f->svg, f->len, prefix, f->title, f->desc ? f->desc : f->title, err, sizeof(err)) < 0) {
		errorf("cannot inline the figure '%s': %s", f->title, err);
		return -1;
	}
	fprintf(fp, "<figcaption><strong>Figure %zu.</strong> ", number);
	html_escape(fp, f->title);
	fputs(". ", fp);
	html_escape(fp, figure_caption(f->kind));
	fputs("</figcaption>\n</figure>\n", fp);
	return 0;
}
