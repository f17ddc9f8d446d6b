/*
 * The report page (report_html.h): the page's frame and style, and each
 * section in the order a reader needs them. Numbers come from the
 * aggregate's cells, the fits and the gate; tables go through the emitter's
 * HTML format; figures through svg_inline. Nothing here computes a number
 * of its own.
 */
#define _GNU_SOURCE
#include "report_html.h"
#include "html.h"
#include "stack_table.h"
#include "../base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * The style sheet. Print: A4, the figures one under the other and kept
 * whole, the contents list left out. The figures' text gets a font every
 * system has (gnuplot names "Sans", which a browser may not know).
 */
static const char report_css[] =
	":root{--fg:#1b1b1b;--muted:#555;--line:#d4d4d4;--soft:#f5f5f5;--bad:#a4001d;--good:#1a6b35;--warn:#b86e00}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;color:var(--fg);background:#fff;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\","
	"\"DejaVu Sans\",Arial,sans-serif}\n"
	"header,nav,main,footer{max-width:72rem;margin:0 auto;padding:0 1.25rem}\n"
	"header{padding-top:1rem}\n"
	"h1{font-size:1.9rem;margin:.6rem 0 .2rem}\n"
	"h2{font-size:1.45rem;margin:2.4rem 0 .8rem;padding-bottom:.2rem;border-bottom:2px solid var(--line)}\n"
	"h3{font-size:1.15rem;margin:1.8rem 0 .6rem}\n"
	".lead{color:var(--muted);margin:.2rem 0}\n"
	"nav ol{margin:.8rem 0;padding-left:1.4rem;columns:2 18rem}\n"
	"a{color:#005a8c}\n"
	".verdict{margin:1rem 0;padding:.7rem 1.1rem;border-left:.55rem solid var(--good);background:#eef7f0}\n"
	".verdict.bad{border-color:var(--bad);background:#fbeef0}\n"
	".verdict.none{border-color:var(--warn);background:#fff7e6}\n"
	".verdict-line{font-size:1.45rem;font-weight:700;margin:.1rem 0 .4rem}\n"
	".verdict.good .verdict-line{color:var(--good)}.verdict.bad .verdict-line{color:var(--bad)}\n"
	".verdict ul{margin:.3rem 0;padding-left:1.2rem}\n"
	".regressions{font-weight:600}\n"
	".warnings{margin:.5rem 0;padding:.5rem 1rem .5rem 2rem;border-left:.45rem solid var(--warn);"
	"background:#fff7e6}\n"
	".warnings li{margin:.25rem 0}\n"
	".figs{display:grid;grid-template-columns:minmax(0,60rem);gap:1.6rem}\n"
	"figure{margin:0}\n"
	"figure svg{display:block;width:100%;height:auto;border:1px solid var(--line)}\n"
	"figure svg text{font-family:\"DejaVu Sans\",\"Helvetica Neue\",Arial,sans-serif}\n"
	"figcaption{font-size:.9rem;color:var(--muted);margin-top:.35rem}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;margin:.4rem 0 1.2rem;font-size:.9rem;font-variant-numeric:tabular-nums}\n"
	"caption{caption-side:top;text-align:left;color:var(--muted);padding-bottom:.3rem}\n"
	"th,td{padding:.25rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}\n"
	"thead th{border-bottom:2px solid #999;white-space:nowrap}\n"
	"th[scope=row]{font-weight:600;white-space:nowrap}\n"
	"td.n,th.n{text-align:right;white-space:nowrap}\n"
	"td strong{color:var(--bad)}\n"
	"td.diff{background:#fff1cc;font-weight:600}\n"
	".note{color:var(--muted);font-size:.92rem}\n"
	"code,pre{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:.88em}\n"
	"pre{margin:0;white-space:pre-wrap;word-break:break-all}\n"
	"footer{margin-top:3rem;padding-bottom:2rem;color:var(--muted);font-size:.88rem;"
	"border-top:1px solid var(--line)}\n"
	"@page{size:A4;margin:14mm 12mm}\n"
	"@media print{body{font-size:10pt}header,nav,main,footer{max-width:none;padding:0}nav{display:none}"
	".figs{display:block}figure{break-inside:avoid;margin:0 0 6mm}"
	"figure svg{width:100%;max-height:118mm;border:0}table,tr,.verdict{break-inside:avoid}"
	"h2,h3{break-after:avoid}.scroll{overflow:visible}table{font-size:8.5pt}"
	".verdict,.warnings{print-color-adjust:exact;-webkit-print-color-adjust:exact}}\n";

/* ---- the sections ---- */

/* "base: <code>path</code>", or the path alone. */
static void run_name(FILE *fp, const struct report_run *r)
{
	if (r->role)
		html_textf(fp, "%s: ", r->role);
	fputs("<code>", fp);
	html_escape(fp, r->path);
	fputs("</code>", fp);
}

static void write_head(FILE *fp, const struct report_page *p)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      /* Nothing is fetched and nothing runs: the page holds all it shows. */
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
	      "base-uri 'none'; form-action 'none'\">\n<meta name=\"generator\" content=\"", fp);
	html_escape(fp, p->generator);
	fputs("\">\n<title>", fp);
	html_escape(fp, p->title);
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", report_css);
	html_escape(fp, p->title);
	fputs("</h1>\n<p class=\"lead\">", fp);
	for (size_t i = 0; i < p->nruns; i++) {
		if (i)
			fputs(" · ", fp);
		run_name(fp, &p->runs[i]);
	}
	fputs("</p>\n</header>\n", fp);
}

/* The sets of figures, in the order they were drawn: the index of each set's first figure. */
static size_t figure_sets(const struct report_page *p, size_t *first)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nfigs; i++) {
		size_t k = 0;
		while (k < n && strcmp(p->figs[first[k]].set, p->figs[i].set) != 0)
			k++;
		if (k == n)
			first[n++] = i;
	}
	return n;
}

static int has_stacks(const struct report_page *p)
{
	for (size_t i = 0; i < p->nfigs; i++)
		if (strcmp(p->figs[i].kind, "stack") == 0)
			return 1;
	return 0;
}

static void write_nav(FILE *fp, const struct report_page *p, const size_t *first, size_t nsets)
{
	fputs("<nav aria-label=\"contents\">\n<ol>\n", fp);
	if (p->cmp)
		fputs("<li><a href=\"#comparison\">Comparison: the verdict</a></li>\n", fp);
	fputs("<li><a href=\"#warnings\">Warnings</a></li>\n<li><a href=\"#runs\">Machine and command</a></li>\n", fp);
	for (size_t k = 0; k < nsets; k++) {
		fprintf(fp, "<li><a href=\"#set-%zu\">Scaling: ", k + 1);
		html_escape(fp, p->figs[first[k]].what);
		fputs("</a></li>\n", fp);
	}
	if (has_stacks(p))
		fputs("<li><a href=\"#stacks\">Where the speedup went</a></li>\n", fp);
	fputs("<li><a href=\"#models\">Fitted models</a></li>\n</ol>\n</nav>\n<main>\n", fp);
}

static void write_warnings(FILE *fp, const struct report_page *p)
{
	fputs("<section id=\"warnings\">\n<h2>Warnings</h2>\n", fp);
	if (p->nwarnings == 0) {
		fputs("<p>None: no point spread wide, the machine was not busy, and every fit could be made.</p>\n", fp);
	} else {
		fputs("<ul class=\"warnings\">\n", fp);
		for (size_t i = 0; i < p->nwarnings; i++) {
			fputs("<li>", fp);
			html_escape(fp, p->warnings[i]);
			fputs("</li>\n", fp);
		}
		fputs("</ul>\n", fp);
	}
	fputs("</section>\n", fp);
}

/* A meta.json value as text into buf, or NULL when absent. */
static const char *fact_text(json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		return *json_string_value(v) ? json_string_value(v) : NULL;
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.4g", json_real_value(v));
	else
		return NULL;
	return buf;
}

/* The sidecar of run i, part k (NULL: none). */
static json_t *run_meta(const struct report_page *p, size_t i, size_t k)
{
	return k < p->runs[i].nmeta ? p->runs[i].meta[k] : NULL;
}

/*
 * One row of the runs' facts: its name, then each run's value (– when it has
 * none); no row when no run has one. A value that differs from the first
 * run's is marked, so two machines' differences stand out.
 */
static void fact_row(FILE *fp, const struct report_page *p, const char *name, size_t part, const char *key,
		     const char *unit)
{
	char first[64], buf[64];
	const char *v0 = NULL;
	int any = 0;

	for (size_t i = 0; i < p->nruns; i++)
		any |= fact_text(json_object_get(run_meta(p, i, part), key), buf, sizeof(buf)) != NULL;
	if (!any)
		return;
	fputs("<tr><th scope=\"row\">", fp);
	html_escape(fp, name);
	fputs("</th>", fp);
	for (size_t i = 0; i < p->nruns; i++) {
		const char *v = fact_text(json_object_get(run_meta(p, i, part), key), i ? buf : first,
					  i ? sizeof(buf) : sizeof(first));
		int differs = i > 0 && (!v || !v0 || strcmp(v, v0) != 0);

		if (i == 0)
			v0 = v;
		fputs(differs ? "<td class=\"diff\">" : "<td>", fp);
		html_escape(fp, v ? v : "–");
		if (v && unit)
			html_escape(fp, unit);
		fputs("</td>", fp);
	}
	fputs("</tr>\n", fp);
}

/* A command line as a shell would take it back: words with anything special single-quoted. */
static void command_line(FILE *fp, json_t *args)
{
	size_t i;
	json_t *a;

	json_array_foreach(args, i, a) {
		const char *w = json_string_value(a);
		int plain = w && *w;

		for (const char *c = w; plain && *c; c++)
			plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,:=+@%", *c) != NULL;
		if (i)
			fputc(' ', fp);
		if (plain) {
			html_escape(fp, w);
			continue;
		}
		fputc('\'', fp);
		for (const char *c = w ? w : ""; *c; c++)
			if (*c == '\'')
				fputs("'\\''", fp);
			else
				html_escape_n(fp, c, 1);
		fputc('\'', fp);
	}
}

/* The machine and the command of every run, side by side: one column a run. */
static void write_runs(FILE *fp, const struct report_page *p)
{
	static const char *const facts[][3] = {
		{ "host", "host", NULL }, { "CPU model", "cpu_model", NULL },
		{ "usable cores", "cores", " (affinity mask and cgroup quota)" }, { "CPUs online", "cpus_online", NULL },
		{ "physical cores", "physical_cores", NULL }, { "hardware threads", "hardware_threads", NULL },
		{ "compiler", "compiler", NULL }, { "flags", "cflags", NULL }, { "OpenMP", "openmp", NULL },
		{ "OMP_WAIT_POLICY", "omp_wait_policy", NULL }, { "amdahl commit", "git_commit", NULL },
		{ "load average before", "loadavg_before", NULL }, { "load average after", "loadavg_after", NULL },
		{ "order", "order", NULL }, { "seed", "seed", NULL }, { "pinning", "pin", NULL },
		{ "rows", "rows", NULL }, { "exit status", "status", NULL },
	};
	size_t parts = 0;

	fputs("<section id=\"runs\">\n<h2>Machine and command</h2>\n", fp);
	for (size_t i = 0; i < p->nruns; i++) {
		parts = p->runs[i].nmeta > parts ? p->runs[i].nmeta : parts;
		if (!p->runs[i].nmeta) {
			fputs("<p>No meta.json beside <code>", fp);
			html_escape(fp, p->runs[i].path);
			fputs("</code>: its machine and command are not known.</p>\n", fp);
		}
	}
	if (parts == 0) {
		fputs("</section>\n", fp);
		return;
	}
	fputs("<div class=\"scroll\">\n<table class=\"facts\">\n<caption>From each run's meta.json; a value that "
	      "differs from the first run's is marked.</caption>\n<thead><tr><th scope=\"col\">run</th>", fp);
	for (size_t i = 0; i < p->nruns; i++) {
		fputs("<th scope=\"col\">", fp);
		run_name(fp, &p->runs[i]);
		fputs("</th>", fp);
	}
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (size_t f = 0; f < ARRAY_SIZE(facts); f++)
		fact_row(fp, p, facts[f][0], 0, facts[f][1], facts[f][2]);
	for (size_t k = 0; k < parts; k++) {
		char name[40];

		snprintf(name, sizeof(name), parts > 1 ? "command, part %zu" : "command", k + 1);
		fputs("<tr><th scope=\"row\">", fp);
		html_escape(fp, name);
		fputs("</th>", fp);
		for (size_t i = 0; i < p->nruns; i++) {
			json_t *m = run_meta(p, i, k);
			fputs("<td><pre><code>", fp);
			if (m)
				command_line(fp, json_object_get(m, "command_line"));
			else
				fputs("–", fp);
			fputs("</code></pre></td>", fp);
		}
		fputs("</tr>\n", fp);
		fact_row(fp, p, parts > 1 ? "measured (that part)" : "measured", k, "date", NULL);
		fact_row(fp, p, "took", k, "elapsed_s", " s");
	}
	fputs("</tbody>\n</table>\n</div>\n</section>\n", fp);
}

/* "[lo, hi]" of an interval, or "–". */
static const char *interval_text(char *buf, size_t len, double lo, double hi, const char *fmt)
{
	char a[24], b[24];

	if (!isfinite(lo) || !isfinite(hi))
		return "–";
	snprintf(a, sizeof(a), fmt, lo);
	snprintf(b, sizeof(b), fmt, hi);
	snprintf(buf, len, "[%s, %s]", a, b);
	return buf;
}

/* The numbers of a set's figures: one row per series and N. */
static int write_set_table(FILE *fp, const struct report_figure *f)
{
	static const struct emit_col cols[] = {
		{ .name = "series" }, { .name = "N", .fmt = "%g" }, { .name = "reps", .fmt = "%g" },
		{ .name = "median time (s)", .fmt = "%.4f" }, { .name = "speedup", .fmt = "%.3f" },
		{ .name = "95% CI of the median" }, { .name = "efficiency", .fmt = "%.3f" },
		{ .name = "Karp-Flatt e(N)", .fmt = "%.4f" }, { .name = "law", .fmt = "%.3f" },
		{ .name = "ceiling", .fmt = "%.3f" }, { .name = "of ceiling", .fmt = "%.3f" },
	};
	struct emit_table *t = emit_new(cols, ARRAY_SIZE(cols));
	char ci[64], cap[700];
	int rc;

	snprintf(cap, sizeof(cap), "The numbers behind the figures of %s: medians over the repetitions; law: "
		 "Amdahl's (Gustafson's for weak scaling) at the series' P, a program's fitted one.", f->what);
	emit_caption(t, cap);
	for (size_t k = 0; k < f->nser; k++)
		for (size_t j = 0; j < f->ser[k]->ncells; j++) {
			const struct agg_cell *c = &f->ser[k]->cells[j];

			emit_text(t, f->names[k]);
			emit_num(t, c->n);
			emit_num(t, (double)c->rows);
			emit_num(t, c->wall.median);
			emit_num(t, c->reps ? c->speedup.median : NAN);
			emit_text(t, interval_text(ci, sizeof(ci), c->speedup_ci.lo, c->speedup_ci.hi, "%.3f"));
			emit_num(t, c->reps ? c->efficiency.median : NAN);
			emit_num(t, c->karp_flatt.n ? c->karp_flatt.median : NAN);
			emit_num(t, c->model);
			emit_num(t, c->ceiling);
			emit_num(t, c->of_ceiling);
		}
	fputs("<div class=\"scroll\">\n", fp);
	rc = emit_print(t, EMIT_HTML, fp);
	fputs("</div>\n", fp);
	emit_free(t);
	return rc;
}

/* The parts of one series' speedup stack, under its figure. */
static int write_stack_table(FILE *fp, const struct report_figure *f)
{
	struct stack_table st;
	char cap[800];
	int rc;

	stack_table_init(&st, f->ser[0], 1);
	stack_table_add(&st, f->ser[0], "");
	snprintf(cap, sizeof(cap), "%s: each part of the N workers' capacity in speedup units, the median over the "
		 "repetitions (– where it cannot be known); total: N when the books close.", f->title);
	emit_caption(st.t, cap);
	fputs("<div class=\"scroll\">\n", fp);
	rc = emit_print(st.t, EMIT_HTML, fp);
	fputs("</div>\n", fp);
	stack_table_free(&st);
	return rc;
}

static int is_stack(const struct report_figure *f)
{
	return strcmp(f->kind, "stack") == 0;
}

/* The figures of one set (its stacks, or the others), then the numbers behind them. */
static int write_set(FILE *fp, const struct report_page *p, size_t k, const size_t *first, int stacks,
		     size_t *number)
{
	const char *set = p->figs[first[k]].set;
	int any = 0, rc = 0;

	for (size_t i = 0; i < p->nfigs; i++) {
		const struct report_figure *f = &p->figs[i];
		if (strcmp(f->set, set) != 0 || is_stack(f) != stacks)
			continue;
		if (!any++) {
			fprintf(fp, "<h3 id=\"%s-%zu\">", stacks ? "stack" : "set", k + 1);
			html_escape(fp, p->figs[first[k]].what);
			fputs("</h3>\n<div class=\"figs\">\n", fp);
		}
		if (report_figure_write(fp, f, ++*number) < 0)
			return -1;
	}
	if (!any)
		return 0;
	fputs("</div>\n", fp);
	if (!stacks)
		return write_set_table(fp, &p->figs[first[k]]);
	for (size_t i = 0; i < p->nfigs && rc == 0; i++)
		if (strcmp(p->figs[i].set, set) == 0 && is_stack(&p->figs[i]))
			rc = write_stack_table(fp, &p->figs[i]);
	return rc;
}

/* The fitted models of every series, as `amdahl fit` gives them. */
static int write_fits(FILE *fp, const struct report_page *p)
{
	static const struct emit_col cols[] = {
		{ .name = "series" }, { .name = "file" }, { .name = "P", .fmt = "%g" },
		{ .name = "fitted P", .fmt = "%.4f" }, { .name = "95% CI" }, { .name = "R²", .fmt = "%.4f" },
		{ .name = "USL σ", .fmt = "%.4f" }, { .name = "σ 95% CI" }, { .name = "USL κ", .fmt = "%.5f" },
		{ .name = "κ 95% CI" }, { .name = "peak N*", .fmt = "%.1f" }, { .name = "USL R²", .fmt = "%.3f" },
		{ .name = "model" },
	};
	struct emit_table *t = emit_new(cols, ARRAY_SIZE(cols));
	char name[600], a[80], b[80], c[80];
	int rc;

	fputs("<section id=\"models\">\n<h2>Fitted models</h2>\n<p>Amdahl's P from the wall times at N &le; cores "
	      "(least squares on 1/N; Gustafson's for weak scaling), the Universal Scalability Law's σ and κ, each "
	      "with its 95% interval (the jackknife over rounds, Student's t), as <code>amdahl fit</code> gives "
	      "them. A missing interval is explained under Warnings.</p>\n", fp);
	emit_caption(t, "The fitted models of every series.");
	for (size_t i = 0; i < p->nfits; i++) {
		const struct agg_series *s = p->fits[i].s;
		const struct fit_summary *f = &p->fits[i].f;
		const char *file = s->file < p->nruns ? p->runs[s->file].path : "";

		agg_series_name(s, name, sizeof(name));
		emit_text(t, name);
		emit_text(t, file);
		emit_num(t, s->p);
		emit_num(t, f->p_fit);
		emit_text(t, interval_text(a, sizeof(a), f->p_lo, f->p_hi, "%.4f"));
		emit_num(t, f->r2);
		emit_num(t, f->usl.sigma);
		emit_text(t, interval_text(b, sizeof(b), f->sigma_ci.lo, f->sigma_ci.hi, "%.4f"));
		emit_num(t, f->usl.kappa);
		emit_text(t, interval_text(c, sizeof(c), f->kappa_ci.lo, f->kappa_ci.hi, "%.5f"));
		emit_num(t, f->usl.n_star);
		emit_num(t, f->usl.r2);
		emit_text(t, f->gustafson ? "gustafson" : "amdahl");
	}
	fputs("<div class=\"scroll\">\n", fp);
	rc = emit_print(t, EMIT_HTML, fp);
	fputs("</div>\n</section>\n", fp);
	emit_free(t);
	return rc;
}

int report_html_write(FILE *fp, const struct report_page *p)
{
	size_t *first = xcalloc(p->nfigs ? p->nfigs : 1, sizeof(*first)), nsets = figure_sets(p, first), number = 0;
	int rc = 0;

	write_head(fp, p);
	write_nav(fp, p, first, nsets);
	if (p->cmp) {
		fputs("<section id=\"comparison\">\n<h2>Comparison</h2>\n", fp);
		rc = comparison_print(p->cmp, EMIT_HTML, fp);
		fputs("</section>\n", fp);
	}
	write_warnings(fp, p);
	write_runs(fp, p);
	fputs("<section id=\"scaling\">\n<h2>Scaling</h2>\n", fp);
	for (size_t k = 0; k < nsets && rc == 0; k++)
		rc = write_set(fp, p, k, first, 0, &number);
	fputs("</section>\n", fp);
	if (rc == 0 && has_stacks(p)) {
		fputs("<section id=\"stacks\">\n<h2>Where the speedup went</h2>\n<p>Of the N workers' capacity over "
		      "the wall time, how much did the work and how much each loss took (the speedup stack, "
		      "<code>amdahl explain</code>).</p>\n", fp);
		for (size_t k = 0; k < nsets && rc == 0; k++)
			rc = write_set(fp, p, k, first, 1, &number);
		fputs("</section>\n", fp);
	}
	if (rc == 0)
		rc = write_fits(fp, p);
	fputs("</main>\n<footer>\n<p>Written by ", fp);
	html_escape(fp, p->generator);
	fputs(" (<code>amdahl report</code>): one file, nothing fetched when it opens. The figures are drawn by the "
	      "gnuplot scripts that draw amdahl's PNGs.</p>\n</footer>\n</body>\n</html>\n", fp);
	free(first);
	return rc < 0 || ferror(fp) ? -1 : 0;
}
