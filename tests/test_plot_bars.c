/*
 * The figures' bars (issue 13): the calibrated 95% interval of the median by
 * default, said so in the subtitle, with the range's own coverage when the
 * repetitions are too few for 95%; min-max or the quartiles on request.
 * Checked in the SVG's text, through the real binary and gnuplot.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* thread/spin P = 0.9 on 2 cores, N = 1, 2, `reps` repetitions, one slow repetition at N = 2. */
static void bars_csv(const char *path, int reps)
{
	FILE *fp = fopen(path, "w");

	cr_assert(fp);
	fputs("backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores\n", fp);
	for (int rep = 0; rep < reps; rep++)
		for (int n = 1; n <= 2; n++) {
			double wall = 0.2 * (n == 1 ? 1 : 0.55) * (1 + 0.003 * rep) * (n == 2 && rep == 0 ? 1.5 : 1);
			double s = 0.2 * (1 + 0.003 * rep) / wall;
			fprintf(fp, "thread,spin,0.9,%d,%d,%.6f,%.6f,%.6f,%.6f,2\n", n, rep, wall, s,
				1 / (0.1 + 0.9 / n), s / n);
		}
	fclose(fp);
}

static char *draw(const char *dir, const char *csv, const char *bars)
{
	char out[600], svg[700];
	struct cli_result r;
	const char *args[] = { "plot", csv, "--outdir", out, "--format", "svg", bars ? "--bars" : NULL, bars, NULL };

	snprintf(out, sizeof(out), "%s/o-%s", dir, bars ? bars : "default");
	cli_run(&r, 60, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cli_free(&r);
	snprintf(svg, sizeof(svg), "%s/speedup-spin-p0.9.svg", out);
	return cli_slurp(svg);
}

Test(plot_bars, the_median_interval_by_default_min_max_on_request)
{
	char *dir = cli_tmpdir(), seven[600], three[600], *text;

	snprintf(seven, sizeof(seven), "%s/seven.csv", dir);
	snprintf(three, sizeof(three), "%s/three.csv", dir);
	bars_csv(seven, 7);
	bars_csv(three, 3);
	text = draw(dir, seven, NULL);
	cr_assert(text && strstr(text, "bars 95% interval of the median"), "%s", text ? text : "(no svg)");
	free(text);
	text = draw(dir, seven, "range");
	cr_assert(text && strstr(text, "bars min–max") && !strstr(text, "interval of the median"), "%s",
		  text ? text : "(no svg)");
	free(text);
	text = draw(dir, seven, "iqr");
	cr_assert(text && strstr(text, "bars interquartile range"), "%s", text ? text : "(no svg)");
	free(text);
	/* Three repetitions: the range is all there is, and it holds the median 75% of the time. */
	text = draw(dir, three, NULL);
	cr_assert(text && strstr(text, "bars min–max (75% interval of the median)"), "%s", text ? text : "(no svg)");
	free(text);
	cli_tmpdir_free(dir);
}
