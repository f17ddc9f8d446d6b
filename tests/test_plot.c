/*
 * Tests of `amdahl plot` (src/cmd/plot.c and the gnuplot scripts in plots/),
 * the bench runner (bench/run) and `make install`, all through the real
 * binary: images are checked by their bytes (PNG signature, IHDR size, file
 * size), failures by exit status, one-line messages and an output folder left
 * without a half-written file.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static void put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	cr_assert(fp, "cannot write %s", path);
	fputs(text, fp);
	fclose(fp);
}

/*
 * A run CSV with the contract columns only: thread and process, P 0.5 and 0.9,
 * N 1..64 doubling, three repetitions, speedups near this 2-core ceiling.
 */
static void synth_csv(const char *path)
{
	static const char *const backends[] = { "thread", "process" };
	static const double ps[] = { 0.5, 0.9 };
	FILE *fp = fopen(path, "w");

	cr_assert(fp);
	fputs("backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores\n", fp);
	for (int b = 0; b < 2; b++)
		for (int k = 0; k < 2; k++)
			for (int n = 1; n <= 64; n *= 2)
				for (int rep = 0; rep < 3; rep++) {
					double p = ps[k], m = n < 2 ? n : 2;
					double wall = 0.2 * ((1 - p) + p / m) * (1 + 0.02 * rep + 0.01 * b + 0.0005 * n);
					double s = 0.2 / wall, a = 1 / ((1 - p) + p / n);
					fprintf(fp, "%s,spin,%g,%d,%d,%.6f,%.6f,%.6f,%.6f,2\n", backends[b], p, n, rep,
						wall, s, a, s / n);
				}
	fclose(fp);
}

/* PNG signature, IHDR width and height, and size; -1 when it is not a PNG. */
static long png_info(const char *path, unsigned *w, unsigned *h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char b[24];
	FILE *fp = fopen(path, "rb");
	long size;

	if (!fp)
		return -1;
	if (fread(b, 1, sizeof(b), fp) != sizeof(b) || memcmp(b, sig, 8) != 0 || memcmp(b + 12, "IHDR", 4) != 0) {
		fclose(fp);
		return -1;
	}
	*w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
	*h = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fclose(fp);
	return size;
}

static void assert_png(const char *path, unsigned w, unsigned h, long min_bytes)
{
	unsigned pw = 0, ph = 0;
	long size = png_info(path, &pw, &ph);

	cr_assert(size >= 0, "%s is missing or not a PNG", path);
	cr_assert(pw == w && ph == h, "%s is %ux%u, expected %ux%u", path, pw, ph, w, h);
	cr_assert(size > min_bytes, "%s has %ld bytes, expected more than %ld", path, size, min_bytes);
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

static int lines_of(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static char *path_in(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	sprintf(p, "%s/%s", dir, name);
	return p;
}

static void plot_ok(const char *const *args, struct cli_result *r)
{
	cli_run(r, 60, args);
	cr_assert_eq(r->status, 0, "exit %d, stderr: %s", r->status, r->err);
}

Test(plot, draws_three_figures_for_each_workload_and_p)
{
	char *dir = cli_tmpdir(), *csv = path_in(dir, "r.csv"), *out = path_in(dir, "figs");
	const char *args[] = { "plot", csv, "--outdir", out, NULL };
	static const char *const names[] = {
		"speedup-spin-p0.5.png", "efficiency-spin-p0.5.png", "karp-flatt-spin-p0.5.png",
		"speedup-spin-p0.9.png", "efficiency-spin-p0.9.png", "karp-flatt-spin-p0.9.png",
	};
	struct cli_result r;

	synth_csv(csv);
	plot_ok(args, &r);
	cr_assert_eq(lines_of(r.out), 6, "stdout should list the 6 images: %s", r.out);
	cr_assert_eq(dir_count(out), 6, "only the 6 images, no temporary file, in %s", out);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *png = path_in(out, names[i]);
		cr_assert(strstr(r.out, png), "stdout lacks %s", png);
		assert_png(png, 800, 520, 10 * 1024);	/* paper's default size */
		free(png);
	}
	cli_free(&r);
	free(csv);
	free(out);
	cli_tmpdir_free(dir);
}

Test(plot, slides_are_16_by_9_and_size_is_honoured)
{
	char *dir = cli_tmpdir(), *csv = path_in(dir, "r.csv"), *a = path_in(dir, "a"), *b = path_in(dir, "b");
	const char *slides[] = { "plot", csv, "--outdir", a, "--style", "slides", "--title", "It's a 'test' & {x}_1", NULL };
	const char *sized[] = { "plot", csv, "--outdir", b, "--size", "1000x600", NULL };
	struct cli_result r;
	char *png;

	synth_csv(csv);
	plot_ok(slides, &r);
	cli_free(&r);
	png = path_in(a, "speedup-spin-p0.9.png");
	assert_png(png, 1920, 1080, 40 * 1024);
	free(png);
	plot_ok(sized, &r);
	cli_free(&r);
	png = path_in(b, "karp-flatt-spin-p0.5.png");
	assert_png(png, 1000, 600, 10 * 1024);
	free(png);
	free(csv);
	free(a);
	free(b);
	cli_tmpdir_free(dir);
}

Test(plot, svg_and_pdf)
{
	char *dir = cli_tmpdir(), *csv = path_in(dir, "r.csv"), *out = path_in(dir, "o");
	const char *svg[] = { "plot", csv, "--outdir", out, "--format", "svg", NULL };
	const char *pdf[] = { "plot", csv, "--outdir", out, "--format", "pdf", NULL };
	struct cli_result r;
	char *p, *text;

	synth_csv(csv);
	plot_ok(svg, &r);
	cli_free(&r);
	p = path_in(out, "speedup-spin-p0.9.svg");
	text = cli_slurp(p);
	cr_assert(text && strstr(text, "<svg") && strstr(text, "Amdahl, P = 0.9"), "%s is not the figure", p);
	free(text);
	free(p);
	plot_ok(pdf, &r);
	cli_free(&r);
	p = path_in(out, "efficiency-spin-p0.5.pdf");
	text = cli_slurp(p);
	cr_assert(text && strncmp(text, "%PDF-", 5) == 0, "%s is not a PDF", p);
	/* cairo's time stamp is replaced, so the same CSV gives the same bytes. */
	{
		struct stat st;
		static const char want[] = "/CreationDate (D:19700101000000";
		cr_assert(stat(p, &st) == 0);
		cr_assert(memmem(text, (size_t)st.st_size, want, sizeof(want) - 1),
			  "%s carries the time it was drawn", p);
	}
	free(text);
	free(p);
	free(csv);
	free(out);
	cli_tmpdir_free(dir);
}

Test(plot, same_csv_same_bytes)
{
	char *dir = cli_tmpdir(), *csv = path_in(dir, "r.csv"), *a = path_in(dir, "a"), *b = path_in(dir, "b");
	const char *one[] = { "plot", csv, "--outdir", a, NULL };
	const char *two[] = { "plot", csv, "--outdir", b, NULL };
	struct cli_result r;
	char *pa = path_in(a, "speedup-spin-p0.9.png"), *pb = path_in(b, "speedup-spin-p0.9.png");
	struct stat sa, sb;
	char *x, *y;

	synth_csv(csv);
	plot_ok(one, &r);
	cli_free(&r);
	plot_ok(two, &r);
	cli_free(&r);
	cr_assert(stat(pa, &sa) == 0 && stat(pb, &sb) == 0);
	cr_assert_eq(sa.st_size, sb.st_size, "two drawings of one CSV differ in size");
	x = cli_slurp(pa);
	y = cli_slurp(pb);
	cr_assert(memcmp(x, y, (size_t)sa.st_size) == 0, "two drawings of one CSV differ");
	free(x);
	free(y);
	free(pa);
	free(pb);
	free(csv);
	free(a);
	free(b);
	cli_tmpdir_free(dir);
}

Test(plot, theory_draws_the_law_alone)
{
	char *dir = cli_tmpdir(), *out = path_in(dir, "t");
	const char *args[] = { "plot", "--theory", "-P", "0.5,0.8,0.9,0.95,0.99", "-N", "1..320:x2",
			       "--outdir", out, "--style", "slides", NULL };
	struct cli_result r;
	char *png = path_in(out, "theory.png");

	plot_ok(args, &r);
	cr_assert(strstr(r.out, png), "stdout: %s", r.out);
	assert_png(png, 1920, 1080, 30 * 1024);
	cli_free(&r);
	free(png);
	free(out);
	cli_tmpdir_free(dir);
}

/* Exit 2, one line on stderr holding `needle`, nothing on stdout, and no output folder. */
static void refused(const char *const *args, const char *needle, const char *outdir)
{
	struct cli_result r;

	cli_run(&r, 30, args);
	cr_assert_eq(r.status, 2, "%s %s: exit %d, stderr: %s", args[0], args[1], r.status, r.err);
	cr_assert_eq(lines_of(r.err), 1, "not one line: %s", r.err);
	cr_assert(strstr(r.err, needle), "'%s' lacks '%s'", r.err, needle);
	cr_assert_str_empty(r.out);
	if (outdir)
		cr_assert_eq(dir_count(outdir), -1, "%s was created", outdir);
	cli_free(&r);
}

Test(plot, garbage_or_missing_input_is_refused_before_anything_is_written)
{
	char *dir = cli_tmpdir(), *out = path_in(dir, "o"), *bin = path_in(dir, "bin.csv");
	char *ragged = path_in(dir, "ragged.csv"), *badnum = path_in(dir, "badnum.csv");
	char *good = path_in(dir, "good.csv"), *missing = path_in(dir, "missing.csv");
	FILE *fp = fopen(bin, "wb");

	for (int i = 0; i < 4096; i++)
		fputc((i * 7919) & 0xff, fp);
	fclose(fp);
	put_file(ragged, "backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores\nthread,spin,0.9\n");
	put_file(badnum, "backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores\n"
			 "thread,spin,0.9,two,0,0.1,1,1,1,2\n");
	synth_csv(good);
	{
		const char *a[] = { "plot", missing, "--outdir", out, NULL };
		refused(a, "missing.csv", out);
	}
	{
		const char *a[] = { "plot", bin, "--outdir", out, NULL };
		refused(a, "bin.csv", out);
	}
	{
		const char *a[] = { "plot", ragged, "--outdir", out, NULL };
		refused(a, "ragged.csv", out);
	}
	{
		/* One bad file among good ones: nothing is drawn. */
		const char *a[] = { "plot", good, badnum, "--outdir", out, NULL };
		refused(a, "'n'", out);
	}
	free(out);
	free(bin);
	free(ragged);
	free(badnum);
	free(good);
	free(missing);
	cli_tmpdir_free(dir);
}

Test(plot, bad_options_exit_2)
{
	const char *fmt[] = { "plot", "x.csv", "--format", "gif", NULL };
	const char *size[] = { "plot", "x.csv", "--size", "10x10", NULL };
	const char *size2[] = { "plot", "x.csv", "--size", "800", NULL };
	const char *style[] = { "plot", "x.csv", "--style", "poster", NULL };
	const char *p[] = { "plot", "x.csv", "-P", "0.5", NULL };
	const char *none[] = { "plot", NULL };
	const char *theory_p[] = { "plot", "--theory", "-P", "1.5", NULL };
	const char *theory_n[] = { "plot", "--theory", "-N", "1,,x", NULL };

	refused(fmt, "'gif'", NULL);
	refused(size, "'10x10'", NULL);
	refused(size2, "'800'", NULL);
	refused(style, "'poster'", NULL);
	refused(p, "--theory", NULL);
	refused(none, "no CSV file", NULL);
	refused(theory_p, "1.5", NULL);
	refused(theory_n, "plot", NULL);
}

Test(plot, missing_gnuplot_is_named_with_its_package)
{
	char *dir = cli_tmpdir(), *csv = path_in(dir, "r.csv"), script[2048];
	struct cli_result r;

	synth_csv(csv);
	snprintf(script, sizeof(script), "cd '%s' && PATH=/nonexistent \"$AMDAHL\" plot r.csv --outdir o", dir);
	cli_sh(&r, 30, script);
	cr_assert_eq(r.status, 2, "exit %d: %s", r.status, r.err);
	cr_assert_eq(lines_of(r.err), 1, "%s", r.err);
	cr_assert(strstr(r.err, "gnuplot") && strstr(r.err, "gnuplot-nox"), "%s", r.err);
	cli_free(&r);
	free(csv);
	cli_tmpdir_free(dir);
}

Test(plot, a_failing_script_leaves_no_image)
{
	char *dir = cli_tmpdir(), *csv = path_in(dir, "r.csv"), *gp = path_in(dir, "gp"), *out = path_in(dir, "o");
	char *script = path_in(gp, "speedup.gp"), sh[4096];
	struct cli_result r;

	synth_csv(csv);
	mkdir(gp, 0755);
	mkdir(out, 0755);
	/* Half an image, then an error: the temporary file must not survive. */
	put_file(script, "set terminal pngcairo\nset output out\nplot x\nplot no_such_function(x)\n");
	snprintf(sh, sizeof(sh), "AMDAHL_PLOTS='%s' \"$AMDAHL\" plot '%s' --outdir '%s'", gp, csv, out);
	cli_sh(&r, 30, sh);
	cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "gnuplot failed") && strstr(r.err, "no_such_function"), "%s", r.err);
	cr_assert_eq(lines_of(r.err), 1, "%s", r.err);
	cr_assert_eq(dir_count(out), 0, "something was left in %s", out);
	cli_free(&r);
	free(csv);
	free(gp);
	free(out);
	free(script);
	cli_tmpdir_free(dir);
}

Test(plot, cmd_rows_are_named_by_their_label_not_a_p)
{
	char *dir = cli_tmpdir(), *csv = path_in(dir, "c.csv"), *out = path_in(dir, "o");
	const char *args[] = { "plot", csv, "--outdir", out, "--table", NULL };
	struct cli_result r;
	char *png = path_in(out, "speedup-exec-sleep_0.1_N-p0.5.png"), *png2;

	put_file(csv, "backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,label\n"
		      "cmd,exec,,1,0,0.40,1,,1,2,sleep 0.1 {N}\n"
		      "cmd,exec,,1,1,0.42,1,,1,2,sleep 0.1 {N}\n"
		      "cmd,exec,,2,0,0.21,,,,2,sleep 0.1 {N}\n"
		      "cmd,exec,,2,1,0.22,,,,2,sleep 0.1 {N}\n"
		      "cmd,exec,,4,0,0.12,3.4,,0.85,2,sleep 0.1 {N}\n"
		      "cmd,exec,,4,1,0.13,3.2,,0.8,2,sleep 0.1 {N}\n");
	plot_ok(args, &r);
	cr_assert(png_info(png, &(unsigned){ 0 }, &(unsigned){ 0 }) < 0);
	/* The label is no file name: a hash of it follows, and stderr says which figures are its. */
	png2 = cli_printed_path(r.out, out, "speedup-exec-sleep_0.1_N-", ".png");
	cr_assert_eq(strlen(png2), strlen(out) + strlen("/speedup-exec-sleep_0.1_N-123456.png"), "%s", png2);
	{
		char base[64];
		snprintf(base, sizeof(base), "%.*s", (int)strlen("exec-sleep_0.1_N-123456"), png2 + strlen(out) + 9);
		cr_assert(strstr(r.err, "'exec' 'sleep 0.1 {N}'") && strstr(r.err, base), "%s, %s", base, r.err);
	}
	assert_png(png2, 800, 520, 8 * 1024);
	/* Empty speedups come from the median N=1 wall: 0.41 / 0.215 = 1.91. */
	cr_assert(strstr(r.out, "1.91"), "table: %s", r.out);
	cli_free(&r);
	free(png);
	free(png2);
	free(csv);
	free(out);
	cli_tmpdir_free(dir);
}

Test(plot, table_and_several_files)
{
	char *dir = cli_tmpdir(), *a = path_in(dir, "before.csv"), *b = path_in(dir, "after.csv");
	char *out = path_in(dir, "o");
	const char *args[] = { "plot", a, b, "--outdir", out, "--table", NULL };
	struct cli_result r;

	synth_csv(a);
	synth_csv(b);
	plot_ok(args, &r);
	cr_assert(strstr(r.out, "spin, P = 0.9: median speedup (2 usable cores)"), "%s", r.out);
	cr_assert(strstr(r.out, "before:thread") && strstr(r.out, "after:process"), "%s", r.out);
	cr_assert(strstr(r.out, "of ceiling"), "%s", r.out);
	cr_assert_eq(dir_count(out), 6);
	cli_free(&r);
	free(a);
	free(b);
	free(out);
	cli_tmpdir_free(dir);
}

/* The contract columns of a real three-backend sweep, drawn end to end. */
Test(plot, three_backend_sweep_has_the_contract_columns_and_plots)
{
	char *dir = cli_tmpdir(), *csv = path_in(dir, "r.csv"), *out = path_in(dir, "o");
	const char *run[] = { "run", "-b", "thread,process,openmp", "-P", "0.9", "-N", "1,2,8", "--reps", "2",
			      "--work", "0.02", "-q", "-o", csv, NULL };
	const char *plot[] = { "plot", csv, "--outdir", out, NULL };
	const char *contract = "backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores";
	struct cli_result r;
	char *text, *png;

	cli_run(&r, 60, run);
	cr_assert_eq(r.status, 0, "run: %s", r.err);
	cli_free(&r);
	text = cli_slurp(csv);
	cr_assert(text && strncmp(text, contract, strlen(contract)) == 0 &&
		  strchr(",\n", text[strlen(contract)]), "header: %.80s", text ? text : "(none)");
	cr_assert(strstr(text, "\nthread,spin,0.9,8,") && strstr(text, "\nprocess,spin,0.9,8,") &&
		  strstr(text, "\nopenmp,spin,0.9,8,"), "%s", text);
	cr_assert_eq(lines_of(text), 1 + 3 * 3 * 2);
	free(text);
	plot_ok(plot, &r);
	cli_free(&r);
	png = path_in(out, "speedup-spin-p0.9.png");
	assert_png(png, 800, 520, 10 * 1024);
	free(png);
	free(csv);
	free(out);
	cli_tmpdir_free(dir);
}

/* bench/run: a suite of two runs, one option a line, into one CSV and its figures. */
Test(plot, bench_runner_reads_a_suite)
{
	char *dir = cli_tmpdir(), *suite = path_in(dir, "suite"), sh[4096];
	struct cli_result r;
	char *csv = path_in(dir, "res/latest.csv"), *meta = path_in(dir, "res/latest.csv.meta.json");
	char *meta2 = path_in(dir, "res/latest.csv.2.meta.json"), *png = path_in(dir, "figs/speedup-spin-p0.5.png");
	char *theory = path_in(dir, "figs/theory.png"), *text;

	put_file(suite, "# a test suite\n\n--backend thread\n  -P 0.5   \n-N 1,2\n--reps 2\n--work 0.02\n"
			"---\n--backend process\n-P 0.9\n-N 1,4\n--reps 2\n--work 0.02\n--warmup 0\n");
	snprintf(sh, sizeof(sh), "cd '%s' && '%s/bench/run' suite res/latest.csv figs",
		 dir, cli_root());
	cli_sh(&r, 60, sh);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.out, "median speedup"), "no summary table: %s", r.out);
	text = cli_slurp(csv);
	cr_assert(text, "no %s", csv);
	cr_assert_eq(lines_of(text), 1 + 2 * 2 + 2 * 2, "%s", text);
	cr_assert(strstr(text, "\nthread,spin,0.5,2,") && strstr(text, "\nprocess,spin,0.9,4,"), "%s", text);
	free(text);
	text = cli_slurp(meta);
	cr_assert(text && strstr(text, "\"command_line\""), "no meta.json");
	free(text);
	text = cli_slurp(meta2);
	cr_assert(text && strstr(text, "process"), "no meta.json for the second run");
	free(text);
	assert_png(png, 1920, 1080, 10 * 1024);		/* bench draws slides unless told */
	assert_png(theory, 1920, 1080, 10 * 1024);
	cli_free(&r);
	free(suite);
	free(csv);
	free(meta);
	free(meta2);
	free(png);
	free(theory);
	cli_tmpdir_free(dir);
}

Test(plot, bench_runner_refuses_a_bad_suite)
{
	static const char *const suites[] = {
		"--backend thread\nthread\n",		/* not an option */
		"-N 1,2\n--out x.csv\n",		/* the runner's */
		"--backend nosuch\n",			/* amdahl run's own check */
	};
	char *dir = cli_tmpdir(), *suite = path_in(dir, "suite"), sh[4096];
	struct cli_result r;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		put_file(suite, suites[i]);
		snprintf(sh, sizeof(sh), "cd '%s' && '%s/bench/run' suite res/latest.csv figs", dir, cli_root());
		cli_sh(&r, 30, sh);
		cr_assert_eq(r.status, 2, "suite %zu: exit %d: %s", i, r.status, r.err);
		cli_free(&r);
		cr_assert_eq(dir_count(dir), 1, "suite %zu left files behind", i);
	}
	free(suite);
	cli_tmpdir_free(dir);
}

/* make install into a DESTDIR, then plot from a folder with no plots/ in sight. */
Test(plot, installed_amdahl_plots_from_any_folder)
{
	char *dir = cli_tmpdir(), sh[8192], bindir[4096];
	const char *bin = cli_bin();
	const char *slash = strrchr(bin, '/');
	struct cli_result r;
	char *png = path_in(dir, "elsewhere/o/speedup-spin-p0.9.png"), *man = path_in(dir, "x/usr/share/man/man1/amdahl.1");
	char *gp = path_in(dir, "x/usr/share/amdahl/plots/style.gp"), *text;

	cr_assert(slash && bin[0] == '/', "AMDAHL_BIN must be an absolute path: %s", bin);
	snprintf(bindir, sizeof(bindir), "%.*s", (int)(slash - bin), bin);
	/* -o: install the binary under test as it is, without rebuilding it. */
	snprintf(sh, sizeof(sh),
		 "make -s -C '%s' install BUILD='%s' -o '%s' DESTDIR='%s/x' PREFIX=/usr >/dev/null && "
		 "mkdir '%s/elsewhere' && cd '%s/elsewhere' && "
		 "\"$AMDAHL\" run -P 0.9 -N 1,2 --reps 2 --work 0.02 -q -o r.csv && "
		 "env -u AMDAHL_PLOTS '%s/x/usr/bin/amdahl' plot r.csv --outdir o",
		 cli_root(), bindir, bin, dir, dir, dir, dir);
	cli_sh(&r, 60, sh);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	assert_png(png, 800, 520, 10 * 1024);
	/* It says where it wrote: the whole path, whatever folder it ran in. */
	cr_assert(strstr(r.out, png) && (r.out[0] == '/'), "stdout does not name %s: %s", png, r.out);
	text = cli_slurp(man);
	cr_assert(text && strstr(text, ".TH AMDAHL 1"), "no man page at %s", man);
	free(text);
	text = cli_slurp(gp);
	cr_assert(text != NULL, "no %s", gp);
	free(text);
	cli_free(&r);
	free(png);
	free(man);
	free(gp);
	cli_tmpdir_free(dir);
}
