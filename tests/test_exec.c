/*
 * Tests of `amdahl run --cmd` (src/runtime/exec.c, the cmd backend): {N}
 * substitution, word splitting without a shell, failures, timeouts and the
 * rows it writes.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../src/results/csv.h"
#include "../src/runtime/exec.h"

Test(exec, expand_replaces_every_n)
{
	char *s = exec_expand("prog -T{N} --x={N}{N} {n}", 16);

	cr_assert_str_eq(s, "prog -T16 --x=1616 {n}");
	free(s);
}

Test(exec, check_finds_programs_and_refuses_shell_syntax)
{
	struct exec_cmd ok = { .name = "t", .tmpl = "true" };
	struct exec_cmd missing = { .name = "m", .tmpl = "no-such-program-amdahl -x" };
	struct exec_cmd pipe = { .name = "p", .tmpl = "true | cat" };
	struct exec_cmd piped_shell = { .name = "s", .tmpl = "true | cat", .shell = 1 };
	char err[512];

	cr_assert_eq(exec_check(&ok, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(exec_check(&missing, err, sizeof(err)), -1);
	cr_assert(strstr(err, "'no-such-program-amdahl' not found"), "%s", err);
	cr_assert_eq(exec_check(&pipe, err, sizeof(err)), -1);
	cr_assert(strstr(err, "--shell"), "%s", err);
	cr_assert_eq(exec_check(&piped_shell, err, sizeof(err)), 0, "%s", err);
}

Test(exec, measure_times_the_program_and_its_cpu)
{
	struct exec_cmd c = { .name = "sleep", .tmpl = "sleep 0.{N}" };
	struct timing t;
	char err[512];

	timing_init(&t);
	cr_assert_eq(exec_measure(&c, 2, &t, NULL, err, sizeof(err)), 0, "%s", err);
	/* sleep 0.2: at least 0.2 s of wall, almost no CPU, a few MB of RSS */
	cr_assert(t.wall_s >= 0.2 && t.wall_s < 2.0, "wall %g", t.wall_s);
	cr_assert(t.cpu_s >= 0 && t.cpu_s < 0.1, "cpu %g", t.cpu_s);
	cr_assert(t.col[column_id("rss_kb")] > 100, "rss %g", t.col[column_id("rss_kb")]);
}

Test(exec, env_templates_reach_the_program)
{
	const char *env[] = { "AMDAHL_TEST_N=x{N}", NULL };
	struct exec_cmd c = { .name = "e", .tmpl = "sh -c 'test \"$AMDAHL_TEST_N\" = x7'", .env = env };
	struct timing t;
	char err[512];

	cr_assert_eq(exec_measure(&c, 7, &t, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(exec_measure(&c, 6, &t, NULL, err, sizeof(err)), -1);
	cr_assert(strstr(err, "exited with status 1"), "%s", err);
}

Test(exec, failure_names_the_status_and_stderr_tail)
{
	struct exec_cmd c = { .name = "f", .tmpl = "echo broken pipe dream >&2; exit 3", .shell = 1 };
	struct timing t;
	char err[512];

	cr_assert_eq(exec_measure(&c, 1, &t, NULL, err, sizeof(err)), -1);
	cr_assert(strstr(err, "exited with status 3"), "%s", err);
	cr_assert(strstr(err, "broken pipe dream"), "%s", err);
	c.ignore_failure = 1;
	cr_assert_eq(exec_measure(&c, 1, &t, NULL, err, sizeof(err)), 0);
}

/* The rows of a run CSV, in a table of the test's own (each test runs in a process of its own). */
static struct run_rows rows_table;

static const struct run_row *read_rows(const char *path, size_t *n)
{
	char err[512];

	run_rows_init(&rows_table);
	cr_assert_eq(csv_read_rows(path, &rows_table, err, sizeof(err)), 0, "%s", err);
	*n = rows_table.len;
	return rows_table.v;
}

Test(exec_cli, rows_have_label_and_empty_p, .timeout = 60)
{
	char *dir = cli_tmpdir(), out[256], script[1024];
	struct cli_result r;
	const struct run_row *rows;
	size_t n;

	snprintf(out, sizeof(out), "%s/c.csv", dir);
	snprintf(script, sizeof(script),
		 "\"$AMDAHL\" run --cmd 'sleep 0.{N}' --name 'nap, \"short\"' --cmd true -N 1,2 "
		 "--reps 3 --warmup 1 -o %s", out);
	cli_sh(&r, 50, script);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	rows = read_rows(out, &n);
	cr_assert_eq(n, 12, "rows %zu", n);
	for (size_t i = 0; i < n; i++) {
		cr_assert_str_eq(rows[i].backend, "cmd");
		cr_assert_str_eq(rows[i].workload, "exec");
		cr_assert(isnan(rows[i].p) && isnan(rows[i].amdahl));
		cr_assert(!strcmp(rows[i].label, "nap, \"short\"") || !strcmp(rows[i].label, "true"),
			  "label %s", rows[i].label);
		cr_assert(run_row_col(&rows[i], "rss_kb") > 0);
		if (!strcmp(rows[i].label, "true"))
			continue;
		/* sleep 0.1 vs 0.2: wall grows with N, so speedup at N=2 is well below 1 */
		if (rows[i].n == 2)
			cr_assert(rows[i].speedup < 0.9, "speedup %g", rows[i].speedup);
		else
			cr_assert_float_eq(rows[i].speedup, 1.0, 1e-9);
	}
	run_rows_free(&rows_table);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(exec_cli, failing_program_is_exit_1_naming_status, .timeout = 60)
{
	const char *args[] = { "run", "--shell", "--cmd", "exit 3", "-N", "1", "--reps", "2", "--warmup", "0",
			       "-q", NULL };
	struct cli_result r;

	cli_run(&r, 50, args);
	cr_assert_eq(r.status, 1, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "exited with status 3"), "%s", r.err);
	cli_free(&r);
}

Test(exec_cli, missing_program_is_exit_2_and_writes_nothing, .timeout = 30)
{
	char *dir = cli_tmpdir(), out[256];
	const char *args[] = { "run", "--cmd", "no-such-program-amdahl -T{N}", "-N", "1,2", "-o", out, NULL };
	struct cli_result r;

	snprintf(out, sizeof(out), "%s/m.csv", dir);
	cli_run(&r, 20, args);
	cr_assert_eq(r.status, 2, "status %d", r.status);
	cr_assert(strstr(r.err, "'no-such-program-amdahl' not found"), "%s", r.err);
	cr_assert_eq(access(out, F_OK), -1, "a file was written");
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(exec_cli, timeout_kills_the_program_and_its_group, .timeout = 60)
{
	/* A marker in the command line lets pgrep find any survivor. */
	const char *args[] = { "run", "--shell", "--cmd", "sleep 299.5{N}; echo amdahl-timeout-marker-{N}", "-N", "1",
			       "--reps", "1", "--warmup", "0", "--timeout", "1", "-q", NULL };
	struct cli_result r, left;

	cli_run(&r, 40, args);
	cr_assert_eq(r.status, 1, "status %d: %s", r.status, r.err);
	cr_assert(r.seconds < 15, "took %g s", r.seconds);
	cr_assert(strstr(r.err, "timeout"), "%s", r.err);
	cli_sh(&left, 10, "pgrep -f 'amdahl-timeout-marker-[1]|sleep 299[.]51' >/dev/null && echo LEFT || echo NONE");
	cr_assert(strstr(left.out, "NONE"), "a process was left behind");
	cli_free(&left);
	cli_free(&r);
}

/* What goes with --cmd needs it; -w exec alone names no program (a mixed run,
 * --cmd with -b, is tests/test_mixed.c's). */
Test(exec_cli, program_options_need_cmd, .timeout = 30)
{
	const char *args[] = { "run", "-w", "exec", NULL };
	const char *args2[] = { "run", "--env", "X=1", NULL };
	struct cli_result r;

	cli_run(&r, 20, args);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--cmd"), "%s", r.err);
	cli_free(&r);
	cli_run(&r, 20, args2);
	cr_assert_eq(r.status, 2);
	cli_free(&r);
}
