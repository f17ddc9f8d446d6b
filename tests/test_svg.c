/*
 * Tests of inlining gnuplot's SVG into the report page (src/results/svg.c):
 * a figure gnuplot really drew is inlined with its prolog gone, its text
 * alternative first and every id (and reference to one) made its own; two
 * figures inlined side by side share no id; and what no gnuplot figure
 * holds — a script, an event handler, a reference out of the figure — is
 * refused rather than copied.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "../src/results/svg.h"

/* Inline svg with prefix; the output (malloc'ed) or NULL with err set. */
static char *inline_svg(const char *svg, const char *prefix, const char *title, const char *desc, char *err,
			size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int rc = svg_inline(fp, svg, strlen(svg), prefix, title, desc, err, errlen);

	fclose(fp);
	if (rc < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A figure drawn by gnuplot's svg terminal from plots/style.gp, with a title that holds markup. */
static char *gnuplot_svg(const char *dir)
{
	char cmd[4096], path[600];

	snprintf(path, sizeof(path), "%s/f.svg", dir);
	snprintf(cmd, sizeof(cmd), "cd '%s' && gnuplot -e \"fmt='svg'; out='%s'; nmax=4; plotdir='%s/plots'; "
		 "load plotdir.'/style.gp'; set label 5 '<b>x</b> & y' at 1,1 noenhanced; plot x title 'x'\" 2>/dev/null", dir,
		 path, cli_root());
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	return cli_slurp(path);
}

Test(svg, a_gnuplot_figure_is_inlined_with_its_own_ids)
{
	char *dir = cli_tmpdir(), *svg = gnuplot_svg(dir), err[300], *a, *b;

	cr_assert_not_null(svg);
	a = inline_svg(svg, "fig1", "Speedup: <script>", "N = 1, 2 & 4", err, sizeof(err));
	cr_assert_not_null(a, "%s", err);
	b = inline_svg(svg, "fig2", "t", "d", err, sizeof(err));
	cr_assert_not_null(b, "%s", err);
	/* No prolog; the root first, with the figure's own title and description right after it. */
	cr_assert(strncmp(a, "<svg", 4) == 0, "%.80s", a);
	cr_assert_null(strstr(a, "<?xml"));
	cr_assert_null(strstr(a, "Produced by GNUPLOT"));
	cr_assert(strstr(a, "role=\"img\">\n<title>Speedup: &lt;script&gt;</title>\n<desc>N = 1, 2 &amp; 4</desc>"),
		  "%.600s", a);
	/* gnuplot's label text stays escaped. */
	cr_assert(strstr(a, "&lt;b>x&lt;/b> &amp; y") || strstr(a, "&lt;b&gt;x&lt;/b&gt; &amp; y"), "%s", a);
	/* Every id and every reference carries the figure's prefix; none of one figure's ids is in the other. */
	cr_assert(strstr(a, "id='fig1-gpPt0'") || strstr(a, "id=\"fig1-gpPt0\""), "%.2000s", a);
	cr_assert(strstr(a, "xlink:href='#fig1-gpPt"), "%.3000s", a);
	cr_assert_null(strstr(a, "href='#gp"));
	cr_assert_null(strstr(a, "url(#textbox"));
	for (const char *p = a; (p = strstr(p, " id=")); p += 4)
		cr_assert(strncmp(p + 5, "fig1-", 5) == 0, "%.40s", p);
	cr_assert_null(strstr(b, "fig1-"));
	cr_assert(strstr(b, "fig2-gpPt0"));
	free(a);
	free(b);
	free(svg);
	cli_tmpdir_free(dir);
}

Test(svg, what_no_gnuplot_figure_holds_is_refused)
{
	static const char *const bad[] = {
		"<svg viewBox='0 0 1 1'><script>alert(1)</script></svg>",
		"<svg viewBox='0 0 1 1' onload='alert(1)'></svg>",
		"<svg viewBox='0 0 1 1'><g ONclick=\"x()\"></g></svg>",
		"<svg viewBox='0 0 1 1'><use xlink:href='http://example.com/x.svg#a'/></svg>",
		"<svg viewBox='0 0 1 1'><use href='data:image/svg+xml,x'/></svg>",
		"<svg viewBox='0 0 1 1'><rect fill='url(http://example.com/p)'/></svg>",
		"<svg viewBox='0 0 1 1'><foreignObject><p>x</p></foreignObject></svg>",
		"<svg viewBox='0 0 1 1'><image href='x.png'/></svg>",
		"<svg viewBox='0 0 1 1'><text><![CDATA[<script>x</script>]]></text></svg>",
		"<svg viewBox='0 0 1 1'><text>a <script>b</script></text></svg>",
		"<svg viewBox='0 0 1 1'><a href='javascript:alert(1)'>x</a></svg>",
		"<svg viewBox='0 0 1 1'><rect x=1/></svg>",
		"<svg viewBox='0 0 1 1'><g>",
		"<html><body>no figure</body></html>",
	};
	char err[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out = inline_svg(bad[i], "f", "t", "d", err, sizeof(err));
		cr_assert_null(out, "accepted: %s", bad[i]);
		cr_assert(strncmp(err, "SVG at byte", 11) == 0, "%s", err);
	}
}

Test(svg, comments_and_the_prolog_go_and_text_stays)
{
	char err[300];
	char *out = inline_svg("<?xml version='1.0'?>\n<!DOCTYPE svg>\n<svg width='10' viewBox='0 0 10 10'>\n"
			       "<title>Gnuplot</title>\n<desc>Produced by GNUPLOT</desc>\n<!-- a comment -->\n"
			       "<g id='a'><title>thread</title><text x='1'> <tspan>1 &lt; 2</tspan> </text>"
			       "<rect clip-path='url(#a)'/></g>\n</svg>\n<!-- after -->", "p", "T", "D", err, sizeof(err));

	cr_assert_not_null(out, "%s", err);
	cr_assert_str_eq(out, "<svg width='10' viewBox='0 0 10 10' role=\"img\">\n<title>T</title>\n<desc>D</desc>\n"
			 "<g id='p-a'><title>thread</title><text x='1'> <tspan>1 &lt; 2</tspan> </text>"
			 "<rect clip-path='url(#p-a)'/></g>\n</svg>\n");
	free(out);
}
