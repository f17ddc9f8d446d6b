/*
 * Tests of the two later parts of `amdahl plot`: B5 CSVs (from `amdahl b5`)
 * drawn through plots/b5.gp, and --cmd groups drawn beside Amdahl's law at a
 * P fitted to their wall times. Through the real binary, as test_plot.c:
 * images by their bytes, failures by exit status, one-line messages and an
 * output folder left untouched.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static char *path_in(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	sprintf(p, "%s/%s", dir, name);
	return p;
}

static void put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	cr_assert(fp, "cannot write %s", path);
	fputs(text, fp);
	fclose(fp);
}

static int lines_of(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* Entries of a folder (without . and ..); -1 when it does not exist. */
static int dir_count(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* PNG signature, IHDR width and height, then the file's size (> min_bytes). */
static void assert_png(const char *path, unsigned w, unsigned h, long min_bytes)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char b[24];
	FILE *fp = fopen(path, "rb");
	unsigned pw, ph;
	long size;

	cr_assert(fp, "%s is missing", path);
	cr_assert(fread(b, 1, sizeof(b), fp) == sizeof(b) && memcmp(b, sig, 8) == 0 &&
		  memcmp(b + 12, "IHDR", 4) == 0, "%s is not a PNG", path);
	pw = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
	ph = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fclose(fp);
	cr_assert(pw == w && ph == h, "%s is %ux%u, expected %ux%u", path, pw, ph, w, h);
	cr_assert(size > min_bytes, "%s has %ld bytes, expected more than %ld", path, size, min_bytes);
}

/* A small, fast B5 CSV from the real binary: thread, 1 and 2 messengers, 10 orders. */
static void b5_csv(const char *path)
{
	const char *args[] = { "b5", "--backend", "thread", "--messengers", "1,2", "--orders", "10",
			       "--pick-ms", "1", "--deliver-ms", "2", "--reps", "1", "-q", "--out", path, NULL };
	struct cli_result r;

	cli_run(&r, 30, args);
	cr_assert_eq(r.status, 0, "b5: exit %d: %s", r.status, r.err);
	cli_free(&r);
}

/* Exit 2, one line on stderr holding `needle`, nothing on stdout, no output folder. */
static void refused(const char *const *args, const char *needle, const char *outdir)
{
	struct cli_result r;

	cli_run(&r, 30, args);
	cr_assert_eq(r.status, 2, "exit %d, stderr: %s", r.status, r.err);
	cr_assert_eq(lines_of(r.err), 1, "not one line: %s", r.err);
	cr_assert(strstr(r.err, needle), "'%s' lacks '%s'", r.err, needle);
	cr_assert_str_empty(r.out);
	cr_assert_eq(dir_count(outdir), -1, "%s was created", outdir);
	cli_free(&r);
}

Test(plot_b5, a_real_b5_csv_plots_with_the_common_options, .timeout = 60)
{
	char *dir = cli_tmpdir(), *csv = path_in(dir, "pipe.csv"), *a = path_in(dir, "a"), *b = path_in(dir, "b");
	char *c = path_in(dir, "c"), *pa = path_in(a, "b5-pipe.png"), *pb = path_in(b, "b5-pipe.png");
	char *pc = path_in(c, "b5-pipe.svg"), *x, *y;
	const char *paper[] = { "plot", csv, "--outdir", a, NULL };
	const char *sized[] = { "plot", csv, "--outdir", b, "--size", "1000x600", "--style", "slides", NULL };
	const char *svg[] = { "plot", csv, "--outdir", c, "--format", "svg", "--title", "Bikes 'n' beer", NULL };
	struct cli_result r;
	struct stat sa, sb;

	b5_csv(csv);
	cli_run(&r, 30, paper);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.out, pa) && lines_of(r.out) == 1, "stdout: %s", r.out);
	cli_free(&r);
	assert_png(pa, 800, 520, 10 * 1024);
	cr_assert_eq(dir_count(a), 1, "only the image, no temporary file, in %s", a);

	cli_run(&r, 30, sized);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cli_free(&r);
	assert_png(pb, 1000, 600, 10 * 1024);

	/* Same CSV, same options: same bytes. */
	cli_run(&r, 30, paper);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cli_free(&r);
	cr_assert(stat(pa, &sa) == 0);
	free(pb);
	pb = path_in(b, "again.png");
	{
		char sh[4096];
		snprintf(sh, sizeof(sh), "\"$AMDAHL\" plot '%s' --outdir '%s/again' && cp '%s/again/b5-pipe.png' '%s'",
			 csv, dir, dir, pb);
		cli_sh(&r, 30, sh);
		cr_assert_eq(r.status, 0, "%s", r.err);
		cli_free(&r);
	}
	cr_assert(stat(pb, &sb) == 0 && sa.st_size == sb.st_size, "two drawings of one B5 CSV differ in size");
	x = cli_slurp(pa);
	y = cli_slurp(pb);
	cr_assert(memcmp(x, y, (size_t)sa.st_size) == 0, "two drawings of one B5 CSV differ");
	free(x);
	free(y);

	/* svg, with the title given and the law in the key. */
	cli_run(&r, 30, svg);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cli_free(&r);
	x = cli_slurp(pc);
	cr_assert(x && strstr(x, "<svg") && strstr(x, "bound: the slowest stage") && strstr(x, "thread"),
		  "%s is not the B5 figure", pc);
	cr_assert(strstr(x, "Bikes") && strstr(x, "beer"), "%s lacks the title", pc);
	free(x);
	free(csv);
	free(a);
	free(b);
	free(c);
	free(pa);
	free(pb);
	free(pc);
	cli_tmpdir_free(dir);
}

/* A run CSV beside a B5 CSV: each gets its figures, in one call. */
Test(plot_b5, mixed_inputs_each_get_their_figures, .timeout = 60)
{
	char *dir = cli_tmpdir(), *b5 = path_in(dir, "b5.csv"), *run = path_in(dir, "run.csv");
	char *out = path_in(dir, "o"), *png;
	const char *args[] = { "plot", run, b5, "--outdir", out, NULL };
	struct cli_result r;
	FILE *fp = fopen(run, "w");

	cr_assert(fp);
	fputs("backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores\n", fp);
	for (int n = 1; n <= 4; n *= 2)
		for (int rep = 0; rep < 2; rep++)
			fprintf(fp, "thread,spin,0.9,%d,%d,%.6f,,,,2\n", n, rep, 0.2 * (0.1 + 0.9 / (n < 2 ? n : 2)));
	fclose(fp);
	b5_csv(b5);
	cli_run(&r, 60, args);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert_eq(lines_of(r.out), 4, "three run figures and one B5 figure: %s", r.out);
	cr_assert_eq(dir_count(out), 4, "%s", r.out);
	png = path_in(out, "b5-b5.png");
	assert_png(png, 800, 520, 10 * 1024);
	free(png);
	png = path_in(out, "speedup-spin-p0.9.png");
	assert_png(png, 800, 520, 10 * 1024);
	free(png);
	cli_free(&r);
	free(b5);
	free(run);
	free(out);
	cli_tmpdir_free(dir);
}

Test(plot_b5, a_truncated_or_garbage_b5_csv_exits_2_and_writes_nothing, .timeout = 60)
{
	char *dir = cli_tmpdir(), *good = path_in(dir, "good.csv"), *cut = path_in(dir, "cut.csv");
	char *bad = path_in(dir, "bad.csv"), *empty = path_in(dir, "empty.csv"), *run = path_in(dir, "run.csv");
	char *out = path_in(dir, "o"), *text, *nl;
	size_t len;
	FILE *fp;

	b5_csv(good);
	text = cli_slurp(good);
	cr_assert(text);
	len = strlen(text);
	/* Cut in the middle of the last row: a row short of columns. */
	fp = fopen(cut, "w");
	fwrite(text, 1, len - 40, fp);
	fclose(fp);
	/* The throughput of the first row replaced by a word. */
	nl = strchr(text, '\n');
	cr_assert(nl);
	*nl = '\0';
	{
		char *row = nl + 1, *comma = row;
		fp = fopen(bad, "w");
		fprintf(fp, "%s\n", text);
		for (int i = 0; i < 10; i++)	/* throughput is the 11th column */
			comma = strchr(comma, ',') + 1;
		fwrite(row, 1, (size_t)(comma - row), fp);
		fputs("fast", fp);
		fputs(strchr(comma, ','), fp);
		fclose(fp);
	}
	fp = fopen(empty, "w");
	fprintf(fp, "%s\n", text);	/* the header alone */
	fclose(fp);
	put_file(run, "backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores\n"
		      "thread,spin,0.9,1,0,0.2,1,1,1,2\nthread,spin,0.9,2,0,0.11,1.8,1.8,0.9,2\n");
	{
		const char *a[] = { "plot", cut, "--outdir", out, NULL };
		refused(a, "cut.csv", out);
	}
	{
		const char *a[] = { "plot", bad, "--outdir", out, NULL };
		refused(a, "'throughput'", out);
	}
	{
		const char *a[] = { "plot", empty, "--outdir", out, NULL };
		refused(a, "no rows", out);
	}
	{
		/* A good run CSV does not carry a bad B5 CSV through: nothing is drawn. */
		const char *a[] = { "plot", run, bad, "--outdir", out, NULL };
		refused(a, "bad.csv", out);
	}
	free(text);
	free(good);
	free(cut);
	free(bad);
	free(empty);
	free(run);
	free(out);
	cli_tmpdir_free(dir);
}

/*
 * A --cmd run whose wall times follow Amdahl's law with P = 0.8 on 8 cores,
 * N = 1..8, three repetitions with a little noise that differs by N; the
 * speedup column is left empty, so P can come only from the fit.
 */
static void cmd_csv(const char *path, int nmax)
{
	FILE *fp = fopen(path, "w");

	cr_assert(fp);
	fputs("backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,label\n", fp);
	for (int n = 1; n <= nmax; n *= 2)
		for (int rep = 0; rep < 3; rep++) {
			double noise = 1 + 0.004 * ((rep + n) % 3 - 1);
			fprintf(fp, "cmd,exec,,%d,%d,%.9f,,,,8,prog -t {N}\n", n, rep, 2.0 * (0.2 + 0.8 / n) * noise);
		}
	fclose(fp);
}

/* The number after `key` in text; NaN when it is not there. */
static double number_after(const char *text, const char *key)
{
	const char *at = strstr(text, key);

	return at ? strtod(at + strlen(key), NULL) : NAN;
}

Test(plot_fit, a_cmd_group_is_drawn_at_its_fitted_p, .timeout = 60)
{
	char *dir = cli_tmpdir(), *csv = path_in(dir, "c.csv"), *out = path_in(dir, "o");
	char *png, *svg, *kf, *text;
	const char *table[] = { "plot", csv, "--outdir", out, "--table", NULL };
	const char *vec[] = { "plot", csv, "--outdir", out, "--format", "svg", NULL };
	struct cli_result r;
	double p, lo, hi;

	cmd_csv(csv, 8);
	cli_run(&r, 30, table);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	png = cli_printed_path(r.out, out, "speedup-exec-prog_-t_N-", ".png");
	assert_png(png, 800, 520, 10 * 1024);
	/* The table prints the fit: P, then the interval around it. */
	p = number_after(r.out, "fitted P = ");
	lo = number_after(r.out, "% CI ");
	cr_assert(fabs(p - 0.8) < 0.01, "fitted P %g, not 0.8: %s", p, r.out);
	cr_assert(lo <= p && lo > 0.7, "interval starts at %g: %s", lo, r.out);
	{
		const char *dash = strstr(r.out, "% CI ");
		dash = dash ? strchr(dash + 5, '-') : NULL;
		hi = dash ? strtod(dash + 1, NULL) : NAN;
		cr_assert(hi >= p && hi < 0.9, "interval ends at %g: %s", hi, r.out);
	}
	/* Amdahl's row of the table is the law at that P: S(8) = 1/(0.2 + 0.1) = 3.33. */
	cr_assert(strstr(r.out, "amdahl (fit)") && strstr(r.out, "3.33"), "%s", r.out);
	cli_free(&r);

	/* The figure's key carries it too. */
	cli_run(&r, 30, vec);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	svg = cli_printed_path(r.out, out, "speedup-exec-prog_-t_N-", ".svg");
	kf = cli_printed_path(r.out, out, "karp-flatt-exec-prog_-t_N-", ".svg");
	cli_free(&r);
	text = cli_slurp(svg);
	cr_assert(text, "no %s", svg);
	p = number_after(text, "Amdahl at fitted P = ");
	cr_assert(fabs(p - 0.8) < 0.01, "key P %g: %s", p, strstr(text, "fitted") ? strstr(text, "fitted") : "none");
	cr_assert(strstr(text, "95% CI"), "no interval in the key of %s", svg);
	cr_assert(strstr(text, "ceiling at that P, 8 cores"), "no ceiling in %s", svg);
	free(text);
	text = cli_slurp(kf);
	cr_assert(text && strstr(text, "Amdahl: 1 - P, fitted P = 0.8"), "no fitted 1 - P in %s", kf);
	free(text);
	free(csv);
	free(out);
	free(png);
	free(svg);
	free(kf);
	cli_tmpdir_free(dir);
}

Test(plot_fit, a_cmd_group_with_one_n_is_drawn_without_a_model, .timeout = 60)
{
	char *dir = cli_tmpdir(), *csv = path_in(dir, "c.csv"), *out = path_in(dir, "o");
	char *svg, *text;
	const char *args[] = { "plot", csv, "--outdir", out, "--format", "svg", "--table", NULL };
	struct cli_result r;

	cmd_csv(csv, 1);
	cli_run(&r, 30, args);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.out, "no fitted P"), "%s", r.out);
	svg = cli_printed_path(r.out, out, "speedup-exec-prog_-t_N-", ".svg");
	cli_free(&r);
	text = cli_slurp(svg);
	cr_assert(text && strstr(text, "<svg"), "no %s", svg);
	cr_assert(!strstr(text, "fitted") && !strstr(text, "Amdahl"), "a model in %s", svg);
	free(text);
	free(csv);
	free(out);
	free(svg);
	cli_tmpdir_free(dir);
}
