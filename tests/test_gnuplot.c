/*
 * Tests of the gnuplot runner (src/results/gnuplot.c) and of figure names:
 * no path or string a user gives becomes a command in gnuplot (an output
 * folder or TMPDIR starting with '|' or '<', a title with quotes); figures
 * replace the previous ones only when drawn whole; two labels that make the
 * same word get two files, and stderr says which is which.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/results/gnuplot.h"
#include "cli.h"

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Run a shell script in dir (cd'ed there), with MARK set to dir/pwned; whether MARK got made. */
static int marked(const char *dir, const char *script, struct cli_result *r)
{
	char sh[8192], mark[4096];

	snprintf(mark, sizeof(mark), "%s/pwned", dir);
	snprintf(sh, sizeof(sh), "cd '%s' && MARK='%s' && %s", dir, mark, script);
	cli_sh(r, 60, sh);
	return exists(mark);
}

Test(gnuplot, an_outdir_starting_with_a_pipe_runs_nothing, .timeout = 60)
{
	char *dir = cli_tmpdir();
	struct cli_result r;

	cr_assert_not(marked(dir, "\"$AMDAHL\" plot --theory -P 0.9 -N 1,2 -o \"|touch $MARK #\"", &r),
		      "gnuplot ran the output folder as a command: %s", r.err);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(gnuplot, a_tmpdir_starting_with_a_redirect_runs_nothing, .timeout = 60)
{
	char *dir = cli_tmpdir();
	struct cli_result r;

	/* The folder exists, so the data file really lands in it: only its name is hostile. */
	cr_assert_not(marked(dir, "mkdir -p \"<touch $MARK;\" && TMPDIR=\"<touch $MARK;\" "
			     "\"$AMDAHL\" plot --theory -P 0.9 -N 1,2 -o figs", &r),
		      "gnuplot ran the data file's name as a command: %s", r.err);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(gnuplot, a_title_with_quotes_stays_a_title, .timeout = 60)
{
	char *dir = cli_tmpdir();
	struct cli_result r;

	cr_assert_not(marked(dir, "\"$AMDAHL\" plot --theory -N 1,2 -o figs "
			     "--title \"x'; system('touch $MARK'); y='\"", &r),
		      "the title became gnuplot code: %s", r.err);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(gnuplot, only_absolute_clean_paths_are_handed_over)
{
	struct gnuplot_args a;

	cr_assert(gnuplot_path_ok("/tmp/x.png"));
	cr_assert_not(gnuplot_path_ok("x.png"));
	cr_assert_not(gnuplot_path_ok("|touch x"));
	cr_assert_not(gnuplot_path_ok("<touch x"));
	cr_assert_not(gnuplot_path_ok("/tmp/a\nb"));
	gnuplot_args_init(&a);
	gnuplot_str(&a, "title", "it's\nhere");
	cr_assert_str_eq(a.text, "title='it''s here'; ");
	cr_assert_not(a.bad);
	gnuplot_path(&a, "out", "|touch x");
	cr_assert(a.bad, "a relative path was taken");
	gnuplot_args_free(&a);
}

/* The figure set of one --cmd label at N = 1, 2 (cores 2). */
static void label_rows(FILE *fp, const char *label)
{
	fprintf(fp, "cmd,exec,,1,0,1.0,1,,1,2,\"%s\"\ncmd,exec,,2,0,0.6,,,,2,\"%s\"\n", label, label);
}

/* 'x y' and 'x/y' make the same word, and so do two labels alike in their first 46 characters. */
Test(gnuplot, labels_that_make_one_word_get_files_of_their_own, .timeout = 60)
{
	static const char *const labels[] = {
		"x y", "x/y",
		"a label that is longer than forty-six characters, number one",
		"a label that is longer than forty-six characters, number two",
	};
	char *dir = cli_tmpdir(), csv[4096], sh[8192];
	struct cli_result r;
	size_t nlines = 0;
	FILE *fp;

	snprintf(csv, sizeof(csv), "%s/c.csv", dir);
	fp = fopen(csv, "w");
	cr_assert_not_null(fp);
	fputs("backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,label\n", fp);
	for (size_t i = 0; i < 4; i++)
		label_rows(fp, labels[i]);
	fclose(fp);
	snprintf(sh, sizeof(sh), "cd '%s' && \"$AMDAHL\" plot c.csv -o figs && ls figs | grep -c '^speedup-'", dir);
	cli_sh(&r, 60, sh);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	for (const char *c = r.out; *c; c++)
		nlines += *c == '\n';
	/* 4 sets x 3 figures printed, then the count of speedup figures in the folder. */
	cr_assert_eq(nlines, 13, "%s", r.out);
	cr_assert(strstr(r.out, "\n4\n"), "4 speedup figures, one per label: %s", r.out);
	for (size_t i = 0; i < 4; i++)
		cr_assert(strstr(r.err, labels[i]), "stderr does not say which figures are '%s': %s", labels[i], r.err);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

/* A figure is replaced only by a whole new one: a failed draw leaves the previous file as it was. */
Test(gnuplot, a_failed_draw_keeps_the_previous_figure, .timeout = 60)
{
	char *dir = cli_tmpdir(), sh[8192];
	struct cli_result r;

	snprintf(sh, sizeof(sh), "cd '%s' && \"$AMDAHL\" plot --theory -N 1,2 -o figs >/dev/null && "
		 "cp figs/theory.png keep.png && mkdir gp && cp '%s/plots/'*.gp gp/ && "
		 "echo 'plot no_such_function(x)' >> gp/theory.gp && "
		 "{ AMDAHL_PLOTS=gp \"$AMDAHL\" plot --theory -N 1,2,4 -o figs; echo \"exit $?\"; } && "
		 "cmp figs/theory.png keep.png && ls figs", dir, cli_root());
	cli_sh(&r, 60, sh);
	cr_assert_eq(r.status, 0, "the previous figure changed or is gone: %s %s", r.out, r.err);
	cr_assert(strstr(r.out, "exit 1\n"), "the failing draw did not fail: %s", r.out);
	cr_assert(strstr(r.out, "\ntheory.png\n") && !strstr(r.out, ".theory"), "a temporary file stayed: %s", r.out);
	cli_free(&r);
	cli_tmpdir_free(dir);
}
