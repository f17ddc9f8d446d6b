/*
 * Tests of the comparison statistics (src/models/compare_stats.c) and of
 * `amdahl compare` as a process: synthetic runs whose differences are known
 * (an A/A pair, every time 15% slower, faster but scaling worse, another
 * machine), the markdown table, bad input, and an A/A pair from a real run.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/models/compare_stats.h"
#include "cli.h"
#include "synth.h"

Test(compare, mann_whitney_separated_samples)
{
	double x[] = { 1, 2, 3, 4, 5 }, y[] = { 6, 7, 8, 9, 10 }, pg, pl, u;

	u = compare_mann_whitney(x, 5, y, 5, &pg, &pl);
	cr_assert_float_eq(u, 25, 1e-12);
	/* z = (25 - 12.5 - 0.5)/sqrt(25*11/12) = 2.5067: one-sided p = 0.0061. */
	cr_assert_float_eq(pg, 0.00609, 1e-4, "p %g", pg);
	cr_assert(pl > 0.99);
	u = compare_mann_whitney(y, 5, x, 5, &pg, &pl);
	cr_assert_float_eq(u, 0, 1e-12);
	cr_assert_float_eq(pl, 0.00609, 1e-4);
}

Test(compare, mann_whitney_ties_and_empty)
{
	double x[] = { 1, 1, 1 }, y[] = { 1, 1, 1 }, a[] = { 1, 2, 3, 4 }, b[] = { 2, 3, 4, 5 }, pg, pl;

	compare_mann_whitney(x, 3, y, 3, &pg, &pl);
	cr_assert(pg == 1 && pl == 1, "all tied: %g %g", pg, pl);
	compare_mann_whitney(x, 0, y, 3, &pg, &pl);
	cr_assert(pg == 1 && pl == 1);
	/* Overlapping samples: not significant either way. */
	compare_mann_whitney(a, 4, b, 4, &pg, &pl);
	cr_assert(pg > 0.05 && pl > 0.05, "%g %g", pg, pl);
}

Test(compare, min_p_says_when_too_few_reps)
{
	cr_assert(compare_min_p(2, 2) > 0.05);
	cr_assert(compare_min_p(3, 3) < 0.05);
	cr_assert(compare_min_p(5, 5) < 0.01);
	cr_assert_eq(compare_min_p(0, 5), 1.0);
}

Test(compare, ratio_ci_covers_and_repeats)
{
	double x[7], y[7], r, lo, hi, r2, lo2, hi2;

	for (int i = 0; i < 7; i++) {
		x[i] = 0.1 * synth_noise(1, i, 1);
		y[i] = 1.15 * x[i];
	}
	cr_assert_eq(compare_ratio_ci(x, 7, y, 7, 2000, 0.95, 1, &r, &lo, &hi), 0);
	cr_assert_float_eq(r, 1.15, 1e-12);
	cr_assert(lo < 1.15 && 1.15 < hi && hi - lo < 0.05, "[%g, %g]", lo, hi);
	cr_assert_eq(compare_ratio_ci(x, 7, y, 7, 2000, 0.95, 1, &r2, &lo2, &hi2), 0);
	cr_assert(lo == lo2 && hi == hi2);
	cr_assert_eq(compare_ratio_ci(x, 0, y, 7, 2000, 0.95, 1, &r, &lo, &hi), -1);
}

/* ---- the command, on synthetic runs ---- */

static const int ns[] = { 1, 2, 4 };

/* Write a P = 0.9 run on 2 cores, 7 repetitions, times scaled per N by factor. */
static void write_run(const char *path, double t1, const double *factor, const char *cpu)
{
	FILE *fp = synth_open(path);

	cr_assert(fp);
	synth_amdahl(fp, "thread", 0.9, ns, 3, 7, 2, t1, 1.0, factor);
	synth_amdahl(fp, "openmp", 0.9, ns, 3, 7, 2, t1, 1.0, factor);
	fclose(fp);
	if (cpu)
		synth_meta(path, cpu, 2, 0.1);
}

static void one_line(const struct cli_result *r)
{
	size_t len = strlen(r->err);

	cr_assert(len > 0 && r->err[len - 1] == '\n' && strchr(r->err, '\n') == r->err + len - 1,
		  "not one line: '%s'", r->err);
	cr_assert(strncmp(r->err, "amdahl: ", 8) == 0, "%s", r->err);
}

static int compare(struct cli_result *r, const char *a, const char *b, const char *opt1, const char *opt2)
{
	const char *args[] = { "compare", a, b, opt1, opt2, NULL };

	cli_run(r, 30, args);
	return r->status;
}

struct fixture {
	char *dir;
	char base[512], same[512], slow[512], worse[512], other[512];
};

static void fixture_init(struct fixture *f)
{
	static const double slow[] = { 1.15, 1.15, 1.15 };
	/* Every time 20% faster, but N = 2 gives 15% less speedup. */
	static const double worse[] = { 0.8, 0.8 / 0.85, 0.8 };

	f->dir = cli_tmpdir();
	snprintf(f->base, sizeof(f->base), "%s/base.csv", f->dir);
	snprintf(f->same, sizeof(f->same), "%s/same.csv", f->dir);
	snprintf(f->slow, sizeof(f->slow), "%s/slow.csv", f->dir);
	snprintf(f->worse, sizeof(f->worse), "%s/worse.csv", f->dir);
	snprintf(f->other, sizeof(f->other), "%s/other.csv", f->dir);
	write_run(f->base, 0.1, NULL, "Test CPU");
	write_run(f->same, 0.1, NULL, "Test CPU");
	write_run(f->slow, 0.1, slow, "Test CPU");
	write_run(f->worse, 0.1, worse, "Test CPU");
	write_run(f->other, 0.1, slow, "Other CPU");
}

Test(compare, aa_pair_passes)
{
	struct fixture f;
	struct cli_result r;

	fixture_init(&f);
	cr_assert_eq(compare(&r, f.base, f.same, NULL, NULL), 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "no regression"), "%s", r.out);
	cr_assert(strstr(r.out, "same machine"), "%s", r.out);
	cli_free(&r);
	cli_tmpdir_free(f.dir);
}

Test(compare, fifteen_percent_slower_regresses)
{
	struct fixture f;
	struct cli_result r;

	fixture_init(&f);
	cr_assert_eq(compare(&r, f.base, f.slow, NULL, NULL), 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "REGRESSION"), "%s", r.out);
	/* Named on stderr with its numbers; the speedups did not change. */
	cr_assert(strstr(r.err, "regression: thread/spin p=0.9 n=1: wall time"), "%s", r.err);
	cr_assert(strstr(r.err, "+15.0%"), "%s", r.err);
	cr_assert_null(strstr(r.err, "speedup"), "%s", r.err);
	cli_free(&r);
	/* A 20% threshold lets it pass. */
	cr_assert_eq(compare(&r, f.base, f.slow, "--threshold", "20%"), 0, "%s%s", r.out, r.err);
	cli_free(&r);
	/* The other way round it is an improvement. */
	cr_assert_eq(compare(&r, f.slow, f.base, NULL, NULL), 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "better"), "%s", r.out);
	cli_free(&r);
	cli_tmpdir_free(f.dir);
}

Test(compare, faster_but_scaling_worse_regresses)
{
	struct fixture f;
	struct cli_result r;

	fixture_init(&f);
	cr_assert_eq(compare(&r, f.base, f.worse, NULL, NULL), 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.err, "n=2: speedup"), "%s", r.err);
	cr_assert(strstr(r.err, "-15.0%"), "%s", r.err);
	cr_assert_null(strstr(r.err, "wall time"), "every time went down: %s", r.err);
	cli_free(&r);
	cli_tmpdir_free(f.dir);
}

Test(compare, other_machine_judges_scaling_only)
{
	struct fixture f;
	struct cli_result r;

	fixture_init(&f);
	/* 15% slower on another CPU: times not judged, scaling unchanged. */
	cr_assert_eq(compare(&r, f.base, f.other, NULL, NULL), 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "different machines"), "%s", r.out);
	cr_assert(strstr(r.out, "Other CPU"), "%s", r.out);
	cr_assert(strstr(r.out, "not judged"), "%s", r.out);
	cli_free(&r);
	cr_assert_eq(compare(&r, f.base, f.other, "--same-machine", NULL), 1, "%s%s", r.out, r.err);
	cli_free(&r);
	cli_tmpdir_free(f.dir);
}

Test(compare, markdown_and_json)
{
	struct fixture f;
	struct cli_result r;

	fixture_init(&f);
	cr_assert_eq(compare(&r, f.base, f.worse, "--format", "markdown"), 1);
	cr_assert(strstr(r.out, "### amdahl compare"), "%s", r.out);
	cr_assert(strstr(r.out, "| point | N | reps | base | new | change | 95% CI | p | verdict |"), "%s", r.out);
	cr_assert(strstr(r.out, "|---|---:|"), "%s", r.out);
	cr_assert(strstr(r.out, "**REGRESSION**"), "%s", r.out);
	cli_free(&r);
	cr_assert_eq(compare(&r, f.base, f.same, "--format", "json"), 0);
	cr_assert(strstr(r.out, "\"regressions\": 0"), "%s", r.out);
	cr_assert(strstr(r.out, "\"times_judged\": true"), "%s", r.out);
	cli_free(&r);
	cli_tmpdir_free(f.dir);
}

Test(compare, bad_input_exits_2_with_one_line)
{
	struct fixture f;
	struct cli_result r;
	char garbage[600], nothing[600], empty[600];
	FILE *fp;

	fixture_init(&f);
	snprintf(garbage, sizeof(garbage), "%s/garbage.csv", f.dir);
	fp = fopen(garbage, "w");
	fputs("this is not,a run\n\x7f\x00\xff,1\n", fp);
	fclose(fp);
	snprintf(empty, sizeof(empty), "%s/empty.csv", f.dir);
	fp = fopen(empty, "w");
	fclose(fp);
	/* A valid run with no point in common. */
	snprintf(nothing, sizeof(nothing), "%s/nothing.csv", f.dir);
	fp = synth_open(nothing);
	synth_amdahl(fp, "process", 0.5, ns, 3, 3, 2, 0.1, 1, NULL);
	fclose(fp);
	cr_assert_eq(compare(&r, f.base, garbage, NULL, NULL), 2);
	cr_assert_str_empty(r.out);
	one_line(&r);
	cr_assert(strstr(r.err, garbage), "%s", r.err);
	cli_free(&r);
	cr_assert_eq(compare(&r, empty, f.base, NULL, NULL), 2);
	one_line(&r);
	cli_free(&r);
	cr_assert_eq(compare(&r, f.base, "/nonexistent/x.csv", NULL, NULL), 2);
	one_line(&r);
	cli_free(&r);
	cr_assert_eq(compare(&r, f.base, nothing, NULL, NULL), 2);
	cr_assert_str_empty(r.out);
	one_line(&r);
	cli_free(&r);
	cr_assert_eq(compare(&r, f.base, f.same, "--threshold", "abc"), 2);
	one_line(&r);
	cli_free(&r);
	cr_assert_eq(compare(&r, f.base, NULL, NULL, NULL), 2);
	cli_free(&r);
	cli_tmpdir_free(f.dir);
}

/*
 * A/A on a real run. Two runs minutes apart on a shared 2-core box can
 * differ by far more than 5% for reasons outside the code, so the pair is
 * derived from one run: its even and its odd rounds, measured interleaved,
 * under the same load. Even so a test at alpha 0.05 would flag about one
 * A/A pair in twenty by chance: the split pair is judged at alpha 0.001
 * with a 25% threshold (20 rounds give the test the power for that). The
 * file compared with itself must pass at the defaults.
 */
Test(compare, real_run_aa, .timeout = 60)
{
	char *dir = cli_tmpdir(), path[512], even[512], odd[512], script[5000];
	struct cli_result r;

	snprintf(path, sizeof(path), "%s/real.csv", dir);
	snprintf(even, sizeof(even), "%s/even.csv", dir);
	snprintf(odd, sizeof(odd), "%s/odd.csv", dir);
	{
		const char *args[] = { "run", "-b", "thread", "-P", "0.9", "-N", "1,2", "--reps", "20", "--work",
				       "0.02", "-q", "-o", path, NULL };
		cli_run(&r, 50, args);
	}
	cr_assert_eq(r.status, 0, "%s", r.err);
	cli_free(&r);
	snprintf(script, sizeof(script),
		 "awk -F, 'NR == 1 || $5 %% 2 == 0' '%s' > '%s' && awk -F, 'NR == 1 || $5 %% 2 == 1' '%s' > '%s' && "
		 "cp '%s.meta.json' '%s.meta.json' && cp '%s.meta.json' '%s.meta.json'",
		 path, even, path, odd, path, even, path, odd);
	cli_sh(&r, 10, script);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cli_free(&r);
	cr_assert_eq(compare(&r, path, path, NULL, NULL), 0, "%s%s", r.out, r.err);
	cli_free(&r);
	{
		const char *args[] = { "compare", even, odd, "--alpha", "0.001", "--threshold", "25%", NULL };
		cli_run(&r, 30, args);
	}
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "same machine"), "%s", r.out);
	cli_free(&r);
	cli_tmpdir_free(dir);
}
