/*
 * Tests of `amdahl report` (src/cmd/report.c, src/results/report_html.c)
 * through the real binary: the page holds what it promises (machine and
 * command, figures with text alternatives, tables, fits, warnings), fetches
 * nothing, gives every element its own id, escapes whatever a CSV or a
 * meta.json holds, puts the verdict of a comparison first and gets it
 * right (an A/A pair passes, a 15% slowdown is named), shows the warnings
 * the run itself gave, and writes nothing on bad input.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "synth.h"
#include "../src/results/html.h"

static const int ns[] = { 1, 2, 4 };

/* A P = 0.9 run on 2 cores, thread and openmp, 7 repetitions, times scaled per N by factor; a sidecar. */
static void write_run(const char *path, const double *factor, double load)
{
	FILE *fp = synth_open(path);

	cr_assert(fp);
	synth_amdahl(fp, "thread", 0.9, ns, 3, 7, 2, 0.1, 1.0, factor);
	synth_amdahl(fp, "openmp", 0.9, ns, 3, 7, 2, 0.1, 1.0, factor);
	fclose(fp);
	synth_meta(path, "Test CPU", 2, load);
}

static int report(struct cli_result *r, const char *a, const char *b, const char *c, const char *d, const char *e)
{
	const char *args[] = { "report", a, b, c, d, e, NULL };

	cli_run(r, 60, args);
	return r->status;
}

/* How many times needle occurs in hay. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Nothing on the page can make a browser fetch or run anything. */
static void assert_offline(const char *html)
{
	cr_assert_null(strstr(html, "<script"), "a script on the page");
	cr_assert_null(strstr(html, "<link"));
	cr_assert_null(strstr(html, "<img"));
	cr_assert_null(strstr(html, "<iframe"));
	cr_assert_null(strstr(html, "@import"));
	cr_assert_null(strstr(html, "<object"));
	cr_assert_null(strstr(html, "<embed"));
	cr_assert_null(strstr(html, "<source"));
	cr_assert_null(strstr(html, "<foreignObject"));
	cr_assert_null(strstr(html, "<image"));
	cr_assert_null(strstr(html, "javascript:"));
	for (const char *p = html; (p = strstr(p, "url(")); p += 4)
		cr_assert(p[4] == '#', "an outside url(): %.60s", p);
	/* The only addresses are the SVG namespaces, which name and fetch nothing. */
	for (const char *p = html; (p = strstr(p, "http")); p += 4) {
		if (strncmp(p, "http://", 7) != 0 && strncmp(p, "https://", 8) != 0)
			continue;
		cr_assert(strncmp(p, "http://www.w3.org/", 18) == 0 && (strncmp(p - 7, "xmlns=", 6) == 0 ||
			  strncmp(p - 13, "xmlns:xlink=", 12) == 0), "an address on the page: %.60s", p);
	}
	cr_assert(strstr(html, "Content-Security-Policy\" content=\"default-src 'none'"));
}

/* No two elements share an id (figures inlined side by side included). */
static void assert_unique_ids(const char *html)
{
	size_t n = 0, cap = 1024;
	char **ids = malloc(cap * sizeof(*ids));

	for (const char *p = html; (p = strstr(p, " id=")); p += 4) {
		char q = p[4];
		const char *end = strchr(p + 5, q);

		cr_assert(end && (q == '"' || q == '\''));
		if (n == cap)
			ids = realloc(ids, (cap *= 2) * sizeof(*ids));
		ids[n] = strndup(p + 5, (size_t)(end - p - 5));
		for (size_t i = 0; i < n; i++)
			cr_assert_str_neq(ids[i], ids[n], "the id '%s' twice", ids[n]);
		n++;
	}
	cr_assert(n > 20, "%zu ids", n);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

Test(report, one_page_holds_the_run)
{
	char *dir = cli_tmpdir(), csv[600], page[600], *html;
	struct cli_result r;
	struct stat st;

	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	snprintf(page, sizeof(page), "%s/page.html", dir);
	write_run(csv, NULL, 0.1);
	cr_assert_eq(report(&r, csv, "-o", page, NULL, NULL), 0, "%s", r.err);
	cr_assert_eq(strncmp(r.out, page, strlen(page)), 0, "%s", r.out);
	html = cli_slurp(page);
	cr_assert_not_null(html);
	cr_assert(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
	cr_assert(strstr(html, "<section id=\"warnings\">") && strstr(html, "<section id=\"runs\">") &&
		  strstr(html, "<section id=\"scaling\">") && strstr(html, "<section id=\"models\">"));
	/* The machine, from the sidecar. */
	cr_assert(strstr(html, "<th scope=\"row\">CPU model</th><td>Test CPU</td>"), "%s", html);
	/* Three figures (speedup, efficiency, Karp-Flatt), each an inline SVG with a title, a description and a caption. */
	cr_assert_eq(count(html, "<figure id="), 3);
	cr_assert_eq(count(html, "<svg "), 3);
	cr_assert_eq(count(html, "role=\"img\">\n<title>"), 3);
	cr_assert_eq(count(html, "<figcaption>"), 3);
	cr_assert(strstr(html, "<title>Speedup: spin, P = 0.9</title>\n<desc>Speedup: spin, P = 0.9. N = 1, 2, 4. "
			 "Median speedup: thread 1, "), "%s", html);
	/* The numbers behind them, and the fits, are real tables. */
	cr_assert(strstr(html, "<th scope=\"col\">95% CI of the median</th>"));
	cr_assert(strstr(html, "<th scope=\"col\" class=\"n\">fitted P</th>"));
	cr_assert(strstr(html, "thread/spin p=0.9"));
	/* Print: A4. */
	cr_assert(strstr(html, "@page{size:A4") && strstr(html, "@media print"));
	assert_offline(html);
	assert_unique_ids(html);
	/* A quiet run gives no warning. */
	cr_assert(strstr(html, "<p>None: no point spread wide"), "%s", strstr(html, "id=\"warnings\""));
	/* No temporary file is left beside the page. */
	cr_assert_eq(stat(page, &st), 0);
	cr_assert_eq(cli_lines(page) > 100, 1);
	free(html);
	cli_free(&r);
	/* To standard output with -o -. */
	cr_assert_eq(report(&r, csv, "-o", "-", NULL, NULL), 0, "%s", r.err);
	cr_assert(strncmp(r.out, "<!DOCTYPE html>", 15) == 0);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

/* A --cmd run whose label, host and command line carry markup, and a busy sidecar. */
static void write_hostile(const char *path, const char *label)
{
	char meta[700];
	FILE *fp = synth_open(path);

	cr_assert(fp);
	for (int r = 0; r < 5; r++)
		for (int i = 0; i < 3; i++) {
			struct run_row row;
			double w = 0.1 * (0.2 + 0.8 / ns[i]) * synth_noise(ns[i], r, 1.0), base = 0.1 * synth_noise(1, r, 1.0);

			run_row_init(&row);
			row.backend = "cmd";
			row.workload = "exec";
			row.label = label;
			row.n = ns[i];
			row.rep = r;
			row.wall_s = w;
			row.speedup = base / w;
			row.efficiency = row.speedup / ns[i];
			row.cores = 2;
			row.phases = 1;
			cr_assert_eq(csv_write_row(fp, &row), 0);
		}
	fclose(fp);
	snprintf(meta, sizeof(meta), "%s.meta.json", path);
	fp = fopen(meta, "w");
	cr_assert(fp);
	fprintf(fp, "{\"host\": \"<b>host</b>\", \"cpu_model\": \"\\\"><img src=x onerror=alert(3)>\", \"cores\": 2, "
		"\"loadavg_before\": 5.5, \"loadavg_after\": 6, \"command_line\": [\"amdahl\", \"run\", \"--cmd\", "
		"\"<script>document.title='pwned'</script>\"], \"date\": \"2026-01-01T00:00:00Z\"}\n");
	fclose(fp);
}

Test(report, what_a_csv_or_a_sidecar_holds_shows_as_text)
{
	static const char label[] = "<script>document.title='pwned'</script>\"><img src=x onerror=alert(1)>";
	char *dir = cli_tmpdir(), csv[600], page[600], *html;
	struct cli_result r;

	snprintf(csv, sizeof(csv), "%s/evil.csv", dir);
	snprintf(page, sizeof(page), "%s/evil.html", dir);
	write_hostile(csv, label);
	cr_assert_eq(report(&r, csv, "-o", page, "--title", "<i>t</i>"), 0, "%s", r.err);
	html = cli_slurp(page);
	cr_assert_not_null(html);
	assert_offline(html);
	assert_unique_ids(html);
	cr_assert_null(strstr(html, "<b>host"));
	cr_assert_null(strstr(html, "<i>t"));
	cr_assert(strstr(html, "&lt;b&gt;host&lt;/b&gt;"));
	cr_assert(strstr(html, "<h1>&lt;i&gt;t&lt;/i&gt;</h1>"));
	/* The label in the page's text (the figure's title and desc, the tables) and in gnuplot's own text. */
	cr_assert(strstr(html, "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;&quot;&gt;&lt;img src=x "
			 "onerror=alert(1)&gt;"), "%s", html);
	cr_assert(strstr(html, "&lt;script>document.title='pwned'&lt;/script>\">&lt;img src=x onerror=alert(1)>"),
		  "gnuplot's text: %s", html);
	/* The command line, quoted as a shell would take it back. */
	cr_assert(strstr(html, "amdahl run --cmd '&lt;script&gt;document.title='\\''pwned'\\''&lt;/script&gt;'"), "%s", html);
	/* The busy sidecar is a warning of the page. */
	cr_assert(strstr(html, "measured on a busy machine (load average 5.50 before the run and 6.00 after it"),
		  "%s", html);
	free(html);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

struct pair {
	char *dir;
	char base[512], same[512], slow[512], page[512];
};

static void pair_init(struct pair *f)
{
	static const double slow[] = { 1.15, 1.15, 1.15 };

	f->dir = cli_tmpdir();
	snprintf(f->base, sizeof(f->base), "%s/base.csv", f->dir);
	snprintf(f->same, sizeof(f->same), "%s/same.csv", f->dir);
	snprintf(f->slow, sizeof(f->slow), "%s/slow.csv", f->dir);
	snprintf(f->page, sizeof(f->page), "%s/ci.html", f->dir);
	write_run(f->base, NULL, 0.1);
	write_run(f->same, NULL, 0.1);
	write_run(f->slow, slow, 0.1);
}

/* The page's verdict comes before anything but the contents: the first section is the comparison. */
static void assert_verdict_first(const char *html)
{
	const char *main_ = strstr(html, "<main>"), *v = strstr(html, "<div class=\"verdict");

	cr_assert(main_ && v);
	cr_assert(strncmp(main_, "<main>\n<section id=\"comparison\">\n<h2>Comparison</h2>\n<div class=\"verdict", 70) == 0,
		  "%.200s", main_);
	cr_assert(v < strstr(html, "<section id=\"warnings\">"));
}

Test(report, an_aa_pair_is_no_regression_and_says_so_first)
{
	struct pair f;
	struct cli_result r;
	char *html;

	pair_init(&f);
	cr_assert_eq(report(&r, f.same, "--compare", f.base, "-o", f.page), 0, "%s", r.err);
	html = cli_slurp(f.page);
	cr_assert_not_null(html);
	assert_verdict_first(html);
	cr_assert(strstr(html, "<div class=\"verdict good\" id=\"verdict\">\n<p class=\"verdict-line\">No regression: "
			 "none of "), "%.3000s", strstr(html, "<main>"));
	cr_assert_null(strstr(html, "REGRESSION"));
	/* Both runs' series are drawn, named by their files; their machines side by side. */
	cr_assert(strstr(html, "base:thread") && strstr(html, "same:thread"));
	cr_assert(strstr(html, "<th scope=\"row\">CPU model</th><td>Test CPU</td><td>Test CPU</td></tr>"));
	assert_unique_ids(html);
	free(html);
	cli_free(&r);
	/* Measured on a busy machine, the same pair is not judged, and the verdict says so rather than "no regression". */
	write_run(f.same, NULL, 5.0);
	cr_assert_eq(report(&r, f.same, "--compare", f.base, "-o", f.page), 0, "%s", r.err);
	html = cli_slurp(f.page);
	cr_assert(strstr(html, "<div class=\"verdict none\" id=\"verdict\">\n<p class=\"verdict-line\">Nothing judged: "),
		  "%.3000s", strstr(html, "<main>"));
	cr_assert(strstr(html, "<th scope=\"row\">load average before</th><td>0.1</td><td class=\"diff\">5</td>"));
	free(html);
	cli_free(&r);
	cli_tmpdir_free(f.dir);
}

Test(report, fifteen_percent_slower_is_the_verdict_on_top)
{
	struct pair f;
	struct cli_result r, c;
	char *html;
	const char *args[] = { "compare", NULL, NULL, NULL };

	pair_init(&f);
	/* The page is written whatever the verdict: exit 0. */
	cr_assert_eq(report(&r, f.slow, "--compare", f.base, "-o", f.page), 0, "%s", r.err);
	html = cli_slurp(f.page);
	cr_assert_not_null(html);
	assert_verdict_first(html);
	cr_assert(strstr(html, "<div class=\"verdict bad\" id=\"verdict\">\n<p class=\"verdict-line\">Regression: "),
		  "%.3000s", strstr(html, "<main>"));
	/* Each regression named with its numbers, as compare names it on stderr. */
	args[1] = f.base;
	args[2] = f.slow;
	cli_run(&c, 30, args);
	cr_assert_eq(c.status, 1, "%s", c.err);
	for (const char *line = c.err; (line = strstr(line, "amdahl: regression: ")); line++) {
		char *text = strndup(line + 20, strcspn(line + 20, "\n")), *esc = html_escaped(text);

		cr_assert(strstr(html, esc), "not on the page: %s", esc);
		free(esc);
		free(text);
	}
	cr_assert(strstr(html, "thread/spin p=0.9 n=1: wall time"));
	cr_assert(strstr(html, "+15.0%"));
	/* Then the per-point tables, with their intervals and p-values, the regressions in bold. */
	cr_assert(strstr(html, "<h3>wall time, median (new/base)</h3>"));
	cr_assert(strstr(html, "<th scope=\"col\">p</th>"));
	cr_assert(strstr(html, "<td><strong>REGRESSION</strong></td>"));
	free(html);
	cli_free(&c);
	cli_free(&r);
	cli_tmpdir_free(f.dir);
}

/*
 * Whether a run was busy is judged as compare judges it, by the rows' wait
 * for a CPU before the load average: a high load average with workers that
 * never waited is judged, a low one with workers that waited 20% of their
 * time is not (the page once fell back to the load average alone).
 */
Test(report, busy_is_the_rows_word_as_compare_takes_it)
{
	static const double slow[] = { 1.15, 1.15, 1.15 };
	const char *args[] = { "compare", NULL, NULL, NULL };
	struct pair f;
	struct cli_result r, c;
	char *html;

	pair_init(&f);
	args[1] = f.base;
	args[2] = f.slow;
	write_run(f.slow, slow, 1.5);		/* by the load average, busy */
	cr_assert_eq(synth_set_starved(f.base, 0.004), 0);
	cr_assert_eq(synth_set_starved(f.slow, 0.01), 0);	/* by the scheduler, quiet */
	cli_run(&c, 30, args);
	cr_assert_eq(c.status, 1, "compare judges it: %s%s", c.out, c.err);
	cli_free(&c);
	cr_assert_eq(report(&r, f.slow, "--compare", f.base, "-o", f.page), 0, "%s", r.err);
	html = cli_slurp(f.page);
	cr_assert(strstr(html, "<p class=\"verdict-line\">Regression: "), "%.3000s", strstr(html, "<main>"));
	free(html);
	cli_free(&r);
	write_run(f.slow, slow, 0.2);		/* by the load average, quiet */
	cr_assert_eq(synth_set_starved(f.slow, 0.2), 0);	/* by the scheduler, busy */
	cli_run(&c, 30, args);
	cr_assert_eq(c.status, 0, "compare does not: %s%s", c.out, c.err);
	cli_free(&c);
	cr_assert_eq(report(&r, f.slow, "--compare", f.base, "-o", f.page), 0, "%s", r.err);
	html = cli_slurp(f.page);
	cr_assert(strstr(html, "<p class=\"verdict-line\">Nothing judged: "), "%.3000s", strstr(html, "<main>"));
	/* in the verdict and once among the warnings, in the words of the run's summary */
	cr_assert_eq(count(html, "20% of the workers&#39; time was spent waiting for a CPU at N &lt;= cores"), 2);
	cr_assert_eq(count(strstr(html, "<section id=\"warnings\">"), "20% of the workers"), 1);
	cr_assert_null(strstr(html, "at N &lt;= cores at N"));
	free(html);
	cli_free(&r);
	cli_tmpdir_free(f.dir);
}

Test(report, bad_input_is_exit_2_and_nothing_written)
{
	struct pair f;
	struct cli_result r;
	char missing[600], junk[600], old[600];
	struct stat st;

	pair_init(&f);
	snprintf(missing, sizeof(missing), "%s/missing.csv", f.dir);
	snprintf(junk, sizeof(junk), "%s/junk.csv", f.dir);
	snprintf(old, sizeof(old), "%s/old.html", f.dir);
	{
		FILE *fp = fopen(junk, "w");
		fputs("not,a,run\n1,2,3\n", fp);
		fclose(fp);
		fp = fopen(old, "w");
		fputs("the previous page\n", fp);
		fclose(fp);
	}
	const char *const cases[][6] = {
		{ missing, "-o", f.page, NULL },
		{ junk, "-o", f.page, NULL },
		{ f.same, "--compare", missing, "-o", f.page, NULL },
		{ f.same, f.slow, "--compare", f.base, "-o", f.page },
		{ f.same, "--same-machine", "-o", f.page, NULL },
		{ f.same, "--threshold", "abc", "-o", f.page, NULL },
		{ f.same, "-o", f.dir, NULL },
		{ missing, "-o", old, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(report(&r, cases[i][0], cases[i][1], cases[i][2], cases[i][3], cases[i][4]), 2,
			     "case %zu: %s", i, r.err);
		cr_assert(strncmp(r.err, "amdahl: ", 8) == 0, "case %zu: %s", i, r.err);
		cr_assert_str_empty(r.out, "case %zu", i);
		cr_assert_neq(stat(f.page, &st), 0, "case %zu wrote %s", i, f.page);
		cli_free(&r);
	}
	{
		char *text = cli_slurp(old);
		cr_assert_str_eq(text, "the previous page\n");
		free(text);
	}
	cli_tmpdir_free(f.dir);
}

/*
 * A real run (stack columns, a real sidecar), with --cv-warn so low that
 * every point warns: the page shows each warning the run printed, worded
 * as the run worded it, and the speedup stacks with their tables.
 */
Test(report, a_real_run_its_warnings_and_stacks, .timeout = 120)
{
	char *dir = cli_tmpdir(), sh[2000], *html, *err, page[600];
	struct cli_result r;
	size_t nwarn = 0;

	snprintf(page, sizeof(page), "%s/r.html", dir);
	snprintf(sh, sizeof(sh), "cd '%s' && \"$AMDAHL\" run -b thread -P 0.9 -N 1,2 --reps 3 --work 0.02 "
		 "--cv-warn 0.00001 -o r.csv 2> run.err && \"$AMDAHL\" report r.csv -o r.html", dir);
	cr_assert_eq(cli_sh(&r, 110, sh), 0, "%s", r.err);
	snprintf(sh, sizeof(sh), "%s/run.err", dir);
	err = cli_slurp(sh);
	html = cli_slurp(page);
	cr_assert(err && html);
	for (const char *line = err; (line = strstr(line, "amdahl: warning: point ")); line++) {
		char *text = strndup(line + 17, strcspn(line + 17, "\n"));
		cr_assert(strstr(html, text), "the run's warning is not on the page: %s", text);
		free(text);
		nwarn++;
	}
	cr_assert_geq(nwarn, 1, "%s", err);
	/* The stacks: a figure and a table per series, and the command as run. */
	cr_assert(strstr(html, "<section id=\"stacks\">"));
	cr_assert(strstr(html, "<title>Where the speedup went: thread, spin, P = 0.9</title>"), "%s", html);
	cr_assert(strstr(html, "<th scope=\"col\" class=\"n\">serial</th>"));
	cr_assert(strstr(html, "run -b thread -P 0.9 -N 1,2 --reps 3 --work 0.02 --cv-warn 0.00001 -o r.csv"));
	assert_offline(html);
	assert_unique_ids(html);
	free(err);
	free(html);
	cli_free(&r);
	cli_tmpdir_free(dir);
}
