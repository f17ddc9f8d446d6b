/*
 * Golden tests of the output contracts (DESIGN.md): the run CSV's header,
 * byte for byte, and `amdahl fit --format csv` on a committed input against
 * a committed output (tests/data/fit-input.csv, fit-golden.csv). The interval
 * columns p_lo and p_hi depend on the interval method, which may change on
 * its own: they are compared as "a number on each side of p_fit", every other
 * cell byte for byte.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The published 23 columns, then the speedup stack's parts, appended after label (csv.h's rule). */
#define RUN_HEADER "backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,cpu_s,ceiling," \
	"karp_flatt,work_s,units,phases,scaling,lost,gbps,launch_s,rss_kb,cpus,label," \
	"useful_s,serial_s,spawn_s,join_s,imbalance_s,starved_s,blocked_s,gil_s,extra_cpu_s,idle_s"

Test(contract, run_csv_header_is_byte_for_byte_the_contract, .timeout = 60)
{
	const char *args[] = { "run", "-b", "thread", "-w", "spin", "-P", "0.5", "-N", "1,2", "--reps", "1",
			       "--warmup", "0", "--work", "0.001", "-q", NULL };
	struct cli_result r;
	size_t len = strlen(RUN_HEADER);

	cli_run(&r, 50, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strncmp(r.out, RUN_HEADER "\n", len + 1) == 0, "header: %.*s", (int)strcspn(r.out, "\n"), r.out);
	cli_free(&r);
}

/*
 * A copy of a fit CSV with the cells p_lo and p_hi (the 5th and 6th) of every
 * row but the header emptied; their values and p_fit's into lo, hi, fit.
 */
static char *blank_interval(const char *text, double *lo, double *hi, double *fit, size_t *nrows)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	int line = 0, cell = 0;

	*nrows = 0;
	for (const char *c = text; *c; c++) {
		if (line > 0 && cell == 3 && c[-1] == ',')
			fit[*nrows] = strtod(c, NULL);
		if (line > 0 && cell == 4 && c[-1] == ',')
			lo[*nrows] = strtod(c, NULL);
		if (line > 0 && cell == 5 && c[-1] == ',')
			hi[*nrows] = strtod(c, NULL);
		if (*c == '\n') {
			*nrows += line > 0;
			line++;
			cell = 0;
		} else if (*c == ',') {
			cell++;
		} else if (line > 0 && (cell == 4 || cell == 5)) {
			continue;
		}
		*o++ = *c;
	}
	*o = '\0';
	return out;
}

Test(contract, fit_csv_columns_match_the_golden_file, .timeout = 60)
{
	char *dir = cli_tmpdir(), script[8192], golden[4096], *want, *got;
	double lo[16], hi[16], fit[16];
	struct cli_result r;
	size_t nrows;

	snprintf(golden, sizeof(golden), "%s/tests/data/fit-golden.csv", cli_root());
	want = cli_slurp(golden);
	cr_assert_not_null(want);
	/* The file column holds the path as given: run in the folder, by its bare name. */
	snprintf(script, sizeof(script), "cp '%s/tests/data/fit-input.csv' '%s/' && cd '%s' && "
		 "\"$AMDAHL\" fit --format csv fit-input.csv", cli_root(), dir, dir);
	cli_sh(&r, 50, script);
	cr_assert_eq(r.status, 0, "%s", r.err);
	got = blank_interval(r.out, lo, hi, fit, &nrows);
	cr_assert_eq(nrows, 4, "%s", r.out);
	for (size_t i = 0; i < nrows; i++)
		cr_assert(lo[i] <= fit[i] && fit[i] <= hi[i] && hi[i] - lo[i] < 0.1,
			  "row %zu: p_fit %g outside [%g, %g]", i + 1, fit[i], lo[i], hi[i]);
	cr_assert_str_eq(got, want);
	free(got);
	free(want);
	cli_free(&r);
	cli_tmpdir_free(dir);
}

/* The columns --help names (options_usage's csv_columns), joined again from its lines. */
static char *help_columns(const char *cmd)
{
	const char *args[] = { cmd, "--help", NULL };
	struct cli_result r;
	const char *at;
	char *cols, *o;

	cli_run(&r, 20, args);
	cr_assert_eq(r.status, 0, "%s --help: %s", cmd, r.err);
	at = strstr(r.out, "The CSV has the columns ");
	cr_assert_not_null(at, "%s --help names no columns", cmd);
	at += strlen("The CSV has the columns ");
	cols = o = malloc(strlen(at) + 1);
	for (; *at && *at != '.'; at++)
		if (*at != '\n')
			*o++ = *at;
	*o = '\0';
	cli_free(&r);
	return cols;
}

/* What a command's --help says its CSV holds is the header it writes. */
Test(contract, help_names_the_columns_each_command_writes, .timeout = 60)
{
	char *dir = cli_tmpdir(), csv[4200], script[8600];
	static const char *const cmds[] = { "fit", "explain" };
	struct cli_result r;

	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	snprintf(script, sizeof(script), "'%s' run -b thread -w spin -P 0.5 -N 1,2 --reps 2 --warmup 0 --work 0.001 -q "
		 "-o '%s'", cli_bin(), csv);
	cli_sh(&r, 50, script);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cli_free(&r);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *want = help_columns(cmds[i]);

		snprintf(script, sizeof(script), "'%s' %s --format csv '%s'", cli_bin(), cmds[i], csv);
		cli_sh(&r, 30, script);
		cr_assert_eq(r.status, 0, "%s: %s", cmds[i], r.err);
		cr_assert(strncmp(r.out, want, strlen(want)) == 0 && r.out[strlen(want)] == '\n',
			  "%s --help says\n%s\nit writes\n%.*s", cmds[i], want, (int)strcspn(r.out, "\n"), r.out);
		free(want);
		cli_free(&r);
	}
	cli_tmpdir_free(dir);
}
