/*
 * Tests of a mixed run: `amdahl run --cmd PROG` together with -b/-w/-P
 * measures the programs and the built-in groups in one plan (issue 18). The
 * rows are read back in the order the run wrote them, which is the order of
 * the visits: each round (the rep column, in rounds order) visits every
 * group's N = 1 point before any N > 1 point, and each speedup is the N = 1
 * wall of its own group and round over its own wall.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../src/results/csv.h"

/* A fast mixed run: one program, one built-in group, N = 1 and 2. */
#define MIXED_ARGS "--cmd 'sh -c true' --name t -b thread -w spin -P 0.9 -N 1,2 --work 0.01 --warmup 0 -q"

/* Run `amdahl run ARGS -o DIR/m.csv`, expect exit 0 and read the rows into t. */
static void mixed_run(const char *dir, const char *args, struct run_rows *t)
{
	char out[256], script[1024], err[512];
	struct cli_result r;

	snprintf(out, sizeof(out), "%s/m.csv", dir);
	snprintf(script, sizeof(script), "\"$AMDAHL\" run %s -o %s", args, out);
	cr_assert_eq(cli_sh(&r, 100, script), 0);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cli_free(&r);
	run_rows_init(t);
	cr_assert_eq(csv_read_rows(out, t, err, sizeof(err)), 0, "%s", err);
}

static int is_cmd(const struct run_row *r)
{
	return !strcmp(r->backend, "cmd");
}

/* The wall of the N = 1 row of r's group in r's round; NaN when there is none. */
static double base_wall(const struct run_rows *t, const struct run_row *r)
{
	for (size_t i = 0; i < t->len; i++) {
		const struct run_row *b = &t->v[i];
		if (b->n == 1 && b->rep == r->rep && is_cmd(b) == is_cmd(r) && !strcmp(b->label, r->label))
			return b->wall_s;
	}
	return NAN;
}

Test(mixed, one_run_holds_programs_and_models_in_rounds, .timeout = 120)
{
	char *dir = cli_tmpdir();
	struct run_rows t;
	size_t ncmd = 0, nthread = 0;
	int round = -1, past_bases = 0, bases = 0;

	mixed_run(dir, MIXED_ARGS " --reps 3", &t);
	cr_assert_eq(t.len, 12, "rows %zu", t.len);
	for (size_t i = 0; i < t.len; i++) {
		const struct run_row *r = &t.v[i];

		if (is_cmd(r)) {
			ncmd++;
			cr_assert_str_eq(r->workload, "exec");
			cr_assert_str_eq(r->label, "t");
			cr_assert(isnan(r->p) && isnan(r->amdahl));
		} else {
			nthread++;
			cr_assert_str_eq(r->backend, "thread");
			cr_assert_str_eq(r->workload, "spin");
			cr_assert_str_eq(r->label, "");
			cr_assert_float_eq(r->p, 0.9, 1e-12);
		}
		/* Rounds in order; in each, both groups' N = 1 before any N > 1. */
		cr_assert_geq(r->rep, round, "row %zu: round %d after %d", i, r->rep, round);
		if (r->rep != round) {
			cr_assert(round < 0 || bases == 2, "round %d visited %d bases", round, bases);
			round = r->rep;
			past_bases = bases = 0;
		}
		if (r->n == 1) {
			cr_assert(!past_bases, "row %zu: an N = 1 row after an N > 1 row of round %d", i, round);
			bases++;
		} else {
			past_bases = 1;
		}
		/* Paired with its own group's N = 1 of the same round. */
		cr_assert(fabs(r->speedup - base_wall(&t, r) / r->wall_s) <= 1e-6 * r->speedup,
			  "row %zu: speedup %.9g, its base over its wall %.9g", i, r->speedup,
			  base_wall(&t, r) / r->wall_s);
	}
	cr_assert_eq(round, 2);
	cr_assert_eq(bases, 2, "the last round visited %d bases", bases);
	cr_assert_eq(ncmd, 6);
	cr_assert_eq(nthread, 6);
	run_rows_free(&t);
	cli_tmpdir_free(dir);
}

Test(mixed, precision_covers_both_kinds_of_point, .timeout = 180)
{
	char *dir = cli_tmpdir(), meta[256], *text;
	struct run_rows t;
	size_t ncmd = 0;

	/* A loose target: every point reaches it at the fewest rounds. */
	mixed_run(dir, MIXED_ARGS " --precision 90 --max-reps 12", &t);
	for (size_t i = 0; i < t.len; i++)
		ncmd += is_cmd(&t.v[i]);
	cr_assert(ncmd > 0 && ncmd < t.len, "%zu of %zu rows are the program's", ncmd, t.len);
	snprintf(meta, sizeof(meta), "%s/m.csv.meta.json", dir);
	text = cli_slurp(meta);
	cr_assert_not_null(text);
	cr_assert(strstr(text, "\"precision\""), "%s", text);
	cr_assert(strstr(text, "\"label\": \"t\""), "no program point in the precision record");
	cr_assert(strstr(text, "\"backend\": \"thread\""), "no thread point in the precision record");
	free(text);
	run_rows_free(&t);
	cli_tmpdir_free(dir);
}

Test(mixed, any_of_b_w_p_adds_the_default_groups, .timeout = 60)
{
	char *dir = cli_tmpdir();
	struct run_rows t;
	int thread = 0, cmd = 0;

	mixed_run(dir, "--cmd 'sh -c true' -P 0.5 -N 1 --reps 1 --work 0.01 --warmup 0 -q", &t);
	for (size_t i = 0; i < t.len; i++) {
		thread += !strcmp(t.v[i].backend, "thread") && !strcmp(t.v[i].workload, "spin") && t.v[i].p == 0.5;
		cmd += is_cmd(&t.v[i]);
	}
	cr_assert_eq(thread, 1);
	cr_assert_eq(cmd, 1);
	run_rows_free(&t);
	cli_tmpdir_free(dir);
}

/* What bench/python-figures.py reads of amdahl explain's CSV. */
#define EXPLAIN_HEAD "backend,workload,p,label,n,reps,speedup,speedup_lo,speedup_hi,wall_s,"

Test(mixed, explain_and_fit_show_both_kinds, .timeout = 120)
{
	char *dir = cli_tmpdir(), script[512];
	struct run_rows t;
	struct cli_result r;

	mixed_run(dir, MIXED_ARGS " --reps 3", &t);
	run_rows_free(&t);
	snprintf(script, sizeof(script), "\"$AMDAHL\" explain --format csv %s/m.csv", dir);
	cli_sh(&r, 60, script);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(!strncmp(r.out, EXPLAIN_HEAD, strlen(EXPLAIN_HEAD)), "%.200s", r.out);
	cr_assert(strstr(r.out, "\ncmd,exec,,t,2,3,"), "%s", r.out);
	cr_assert(strstr(r.out, "\nthread,spin,0.9,,2,3,"), "%s", r.out);
	cli_free(&r);
	snprintf(script, sizeof(script), "\"$AMDAHL\" fit --format csv %s/m.csv", dir);
	cli_sh(&r, 60, script);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\ncmd,exec,"), "%s", r.out);
	cr_assert(strstr(r.out, "\nthread,spin,0.9,"), "%s", r.out);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(mixed, bad_program_beside_backends_is_exit_2_and_writes_nothing, .timeout = 30)
{
	char *dir = cli_tmpdir(), out[256];
	const char *args[] = { "run", "--cmd", "no-such-program-amdahl {N}", "-b", "thread", "-N", "1,2", "-o", out,
			       NULL };
	const char *exec_w[] = { "run", "--cmd", "true", "-w", "exec", NULL };
	struct cli_result r;

	snprintf(out, sizeof(out), "%s/m.csv", dir);
	cli_run(&r, 20, args);
	cr_assert_eq(r.status, 2, "status %d", r.status);
	cr_assert(strstr(r.err, "'no-such-program-amdahl' not found"), "%s", r.err);
	cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "more than one line: %s", r.err);
	cr_assert_eq(access(out, F_OK), -1, "a file was written");
	cli_free(&r);
	/* The programs run as the exec workload on their own: -w exec names nothing to run. */
	cli_run(&r, 20, exec_w);
	cr_assert_eq(r.status, 2, "status %d", r.status);
	cr_assert(strstr(r.err, "--cmd"), "%s", r.err);
	cli_free(&r);
	cli_tmpdir_free(dir);
}
