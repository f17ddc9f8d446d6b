/*
 * `amdahl run --precision` as a process: the options that go with it and
 * those that contradict it are refused (exit 2, one line, nothing written);
 * a run adds rounds until its target is met, writes one row per repetition
 * with the round in `rep`, different counts for different points, and
 * records the target and what each point and group reached in meta.json
 * and in the summary.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static char *dir;
static char paths[4][4096];	/* x.csv, r.csv, f.csv, w.csv in the test's folder */

static void setup(void)
{
	static const char *const names[] = { "x.csv", "r.csv", "f.csv", "w.csv" };

	dir = cli_tmpdir();
	cr_assert_not_null(dir);
	for (int i = 0; i < 4; i++)
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, names[i]);
}

static void teardown(void)
{
	cli_tmpdir_free(dir);
}

TestSuite(precision_cli, .init = setup, .fini = teardown);

struct bad_case {
	const char *args[10];
	const char *needle;
};

static const struct bad_case bad_cases[] = {
	{ { "--precision", "2%", "--reps", "5" }, "--reps 5" },
	{ { "--max-reps", "20" }, "go with --precision" },
	{ { "--time-budget", "60" }, "go with --precision" },
	{ { "--precision-target", "fit" }, "go with --precision" },
	{ { "--precision", "2%", "--order", "points" }, "--order rounds" },
	{ { "--precision", "2%", "--max-reps", "5" }, "--max-reps '5'" },
	{ { "--precision", "0" }, "--precision '0'" },
	{ { "--precision", "100%" }, "--precision '100%'" },
	{ { "--precision", "2%", "--precision-target", "p" }, "'p'" },
	{ { "--precision", "2%", "--time-budget", "0" }, "--time-budget '0'" },
};

Test(precision_cli, contradictions_exit_2_with_one_line, .timeout = 60)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const char *args[16] = { "run", "--work", "0.01" };
		struct cli_result r;
		int n = 3;

		for (int k = 0; bad_cases[i].args[k]; k++)
			args[n++] = bad_cases[i].args[k];
		args[n++] = "-o";
		args[n++] = paths[0];
		cr_assert_eq(cli_run(&r, 30, args), 0);
		cr_expect_eq(r.status, 2, "case %zu: exit %d (%s)", i, r.status, r.err);
		cr_expect(r.err && strstr(r.err, bad_cases[i].needle), "case %zu: '%s' does not name '%s'", i, r.err,
			  bad_cases[i].needle);
		cr_expect(r.err && strchr(r.err, '\n') == strrchr(r.err, '\n'), "case %zu: not one line: %s", i, r.err);
		cr_expect_null(cli_slurp(paths[0]), "case %zu wrote its output", i);
		cli_free(&r);
	}
}

/* Rows of the run's CSV with this n (the fourth column). */
static int rows_at(const char *csv, int n)
{
	const char *line = strchr(csv, '\n');
	int count = 0;

	while (line && line[1]) {
		char b[32], w[32];
		double p;
		int nn;

		line++;
		if (sscanf(line, "%31[^,],%31[^,],%lf,%d,", b, w, &p, &nn) == 4 && nn == n)
			count++;
		line = strchr(line, '\n');
	}
	return count;
}

static json_t *meta_precision(const char *csv_path, json_t **root)
{
	char path[4200];
	json_error_t e;

	snprintf(path, sizeof(path), "%s.meta.json", csv_path);
	*root = json_load_file(path, 0, &e);
	cr_assert_not_null(*root, "%s", e.text);
	return json_object_get(*root, "precision");
}

/*
 * A wide target: at least the minimum of rounds, each visiting both points
 * (one unit, with its base), and the verdict recorded point by point, true to
 * its interval (on a quiet machine it is reached after the minimum).
 */
Test(precision_cli, a_run_adds_rounds_until_its_target_and_says_so, .timeout = 120)
{
	const char *out = paths[1];
	const char *args[] = { "run", "-b", "thread", "-w", "spin", "-P", "0.9", "-N", "1,2", "--work", "0.01",
			       "--warmup", "0", "--precision", "60%", "-o", out, NULL };
	struct cli_result r;
	json_t *root, *pr, *pt;
	char *csv, line[128];
	long rounds;
	double half;

	cr_assert_eq(cli_run(&r, 100, args), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "±%") && strstr(r.err, "reached"), "the summary shows it: %s", r.err);
	csv = cli_slurp(out);
	pr = meta_precision(out, &root);
	cr_assert_not_null(pr);
	rounds = (long)json_integer_value(json_object_get(pr, "rounds"));
	cr_assert(rounds >= 10 && rounds <= 50, "%ld rounds", rounds);
	cr_assert_eq(rows_at(csv, 1), rounds);
	cr_assert_eq(rows_at(csv, 2), rounds);
	cr_assert_float_eq(json_real_value(json_object_get(pr, "target")), 0.6, 1e-12);
	cr_assert_eq(json_integer_value(json_object_get(pr, "min_reps")), 10);
	cr_assert_eq(json_integer_value(json_object_get(pr, "max_reps")), 50);
	cr_assert_eq(json_array_size(json_object_get(pr, "points")), 2);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(pr, "points"), 0),
							   "status")), "base");
	pt = json_array_get(json_object_get(pr, "points"), 1);
	half = json_real_value(json_object_get(pt, "half_width"));
	cr_assert_eq(json_integer_value(json_object_get(pt, "reps")), rounds);
	cr_assert_eq(json_is_true(json_object_get(pt, "reached")), half <= 0.6, "half-width %g", half);
	snprintf(line, sizeof(line), "%d of 1 reached in %ld rounds", half <= 0.6, rounds);
	cr_assert(strstr(r.err, line), "no '%s' in %s", line, r.err);
	json_decref(root);
	free(csv);
	cli_free(&r);
}

/*
 * A fit target too narrow to reach: the group is recorded as not reached
 * (given up for its noise, or at --max-reps), the point past the cores (which
 * the fit does not use) had the minimum and no target of its own, and each
 * row's rep is its round.
 */
Test(precision_cli, a_fit_target_out_of_reach_is_said_so, .timeout = 120)
{
	const char *out = paths[2];
	const char *args[] = { "run", "-b", "thread", "-w", "spin", "-P", "0.9", "-N", "1,2,64", "--work", "0.01",
			       "--warmup", "0", "--precision", "0.001%", "--precision-target", "fit", "--max-reps",
			       "10", "-o", out, NULL };
	struct cli_result r;
	json_t *root, *pr, *g;
	const char *st;
	char *csv;

	if (cli_usable_cpus() < 2)
		cr_skip_test("the fit needs two N within the cores");
	cr_assert_eq(cli_run(&r, 100, args), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	csv = cli_slurp(out);
	cr_assert_eq(rows_at(csv, 64), 10, "past the cores: the minimum");
	cr_assert(strstr(csv, "thread,spin,0.9,64,9,"), "rep is the round");
	pr = meta_precision(out, &root);
	cr_assert_str_eq(json_string_value(json_object_get(pr, "of")), "fit");
	g = json_array_get(json_object_get(pr, "groups"), 0);
	cr_assert_not_null(g);
	st = json_string_value(json_object_get(g, "status"));
	cr_assert(strcmp(st, "noise") == 0 || strcmp(st, "max reps") == 0, "%s", st);
	cr_assert(json_is_false(json_object_get(g, "reached")));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(pr, "points"), 2),
							   "status")), "not targeted");
	cr_assert(strstr(r.err, "fitted P of thread/spin p=0.9") && strstr(r.err, "no: "), "%s", r.err);
	json_decref(root);
	free(csv);
	cli_free(&r);
}

/*
 * The fit a target is judged by is `amdahl fit`'s on the same rows: for a
 * workload that waits, every N counts, past the cores too (the precision
 * fit once left N > cores out for every workload, and judged another P).
 */
Test(precision_cli, a_fit_target_is_judged_by_the_fit_amdahl_fit_gives, .timeout = 120)
{
	const char *out = paths[3];
	const char *args[] = { "run", "-b", "thread", "-w", "sleep", "-P", "0.9", "-N", "1,2,4,8", "--work", "0.02",
			       "--warmup", "0", "--precision", "50%", "--precision-target", "fit", "-o", out, NULL };
	const char *fit[] = { "fit", "-f", "json", out, NULL };
	struct cli_result r;
	json_t *root, *g, *doc, *fg;
	json_error_t e;

	cr_assert_eq(cli_run(&r, 100, args), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cli_free(&r);
	g = json_array_get(json_object_get(meta_precision(out, &root), "groups"), 0);
	cr_assert_not_null(g);
	cr_assert_eq(cli_run(&r, 60, fit), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	doc = json_loads(r.out, 0, &e);
	cr_assert_not_null(doc, "%s", e.text);
	fg = json_array_get(json_object_get(doc, "groups"), 0);
	cr_assert_not_null(fg);
	/* the CSV's rounded walls: equal to a millionth */
	cr_assert_float_eq(json_real_value(json_object_get(g, "estimate")),
			   json_real_value(json_object_get(fg, "p_fit")), 1e-6);
	cr_assert_float_eq(json_real_value(json_object_get(g, "lo")), json_real_value(json_object_get(fg, "p_lo")),
			   1e-6);
	cr_assert_float_eq(json_real_value(json_object_get(g, "hi")), json_real_value(json_object_get(fg, "p_hi")),
			   1e-6);
	json_decref(doc);
	json_decref(root);
	cli_free(&r);
}
