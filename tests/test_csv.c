/*
 * Tests of the run CSV (src/results/csv.c): rows written by the writer come back
 * equal through csv_read_results, a label with commas, quotes and a newline
 * survives, and a malformed file (missing contract column, NaN, inf, ragged
 * rows, binary bytes) is refused with a message that says where.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../src/results/csv.h"
#include "../src/models/models.h"
#include "cli.h"

static char *dir;

static void setup(void)
{
	dir = cli_tmpdir();
	cr_assert_not_null(dir);
}

static void teardown(void)
{
	cli_tmpdir_free(dir);
}

TestSuite(csv, .init = setup, .fini = teardown);

static const char *path_in(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "wb");

	cr_assert_not_null(fp);
	cr_assert_eq(fwrite(text, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
}

static struct result sample(int n, int rep)
{
	struct result r;

	memset(&r, 0, sizeof(r));
	timing_init(&r.t);
	snprintf(r.backend, sizeof(r.backend), "thread");
	snprintf(r.workload, sizeof(r.workload), "spin");
	r.p = 0.9;
	r.n = n;
	r.rep = rep;
	r.t.wall_s = 0.123456789 / n + rep * 1e-6;
	r.t.cpu_s = 0.25;
	r.speedup = 0.123456789 / r.t.wall_s;
	r.amdahl = models_amdahl(0.9, n);
	r.efficiency = r.speedup / n;
	r.cores = 2;
	r.ceiling = models_ceiling(0.9, n, 2);
	r.karp_flatt = models_karp_flatt(r.speedup, n);
	r.work_s = 0.2;
	r.units = 123456789012ULL;
	r.phases = 3;
	r.weak = n % 2;
	return r;
}

static void write_rows(const char *path, const struct result *rows, size_t n)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	cr_assert_eq(csv_write_header(fp), 0);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(csv_write_result(fp, &rows[i]), 0);
	cr_assert_eq(fclose(fp), 0);
}

/* Equal within the writer's 9 significant digits; NaN equals NaN. */
static void assert_close(double got, double want, const char *what)
{
	if (isnan(want)) {
		cr_assert(isnan(got), "%s: got %g, want empty", what, got);
		return;
	}
	cr_assert(fabs(got - want) <= 1e-8 * fabs(want) + 1e-300, "%s: got %.12g, want %.12g", what, got, want);
}

Test(csv, header_starts_with_the_contract_columns)
{
	static const char want[] = "backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,"
				   "cpu_s,ceiling,";

	cr_assert(strncmp(csv_header, want, sizeof(want) - 1) == 0, "header: %s", csv_header);
}

Test(csv, rows_round_trip)
{
	struct result in[4], *out;
	size_t n;
	char err[512] = "";

	for (int i = 0; i < 4; i++)
		in[i] = sample(1 << i, i);
	in[3].t.lost = 17;
	in[3].t.launch_s = 0.33;
	in[3].t.rss_kb = 2048;
	in[3].t.bytes = 4e9 * in[3].t.wall_s;
	snprintf(in[3].t.cpus, sizeof(in[3].t.cpus), "0;1;0");
	write_rows(path_in("r.csv"), in, 4);
	cr_assert_eq(csv_read_results(path_in("r.csv"), &out, &n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 4);
	for (size_t i = 0; i < 4; i++) {
		cr_assert_str_eq(out[i].backend, "thread");
		cr_assert_str_eq(out[i].workload, "spin");
		cr_assert_eq(out[i].n, in[i].n);
		cr_assert_eq(out[i].rep, in[i].rep);
		cr_assert_eq(out[i].units, in[i].units);
		cr_assert_eq(out[i].phases, 3);
		cr_assert_eq(out[i].weak, in[i].weak, "row %zu scaling", i);
		assert_close(out[i].p, 0.9, "p");
		assert_close(out[i].t.wall_s, in[i].t.wall_s, "wall_s");
		assert_close(out[i].t.cpu_s, in[i].t.cpu_s, "cpu_s");
		assert_close(out[i].speedup, in[i].speedup, "speedup");
		assert_close(out[i].amdahl, in[i].amdahl, "amdahl");
		assert_close(out[i].efficiency, in[i].efficiency, "efficiency");
		assert_close(out[i].cores, 2, "cores");
		assert_close(out[i].ceiling, in[i].ceiling, "ceiling");
		assert_close(out[i].karp_flatt, in[i].karp_flatt, "karp_flatt");
		assert_close(out[i].work_s, 0.2, "work_s");
		assert_close(out[i].t.launch_s, in[i].t.launch_s, "launch_s");
		assert_close(out[i].t.rss_kb, in[i].t.rss_kb, "rss_kb");
		cr_assert_eq(out[i].t.lost, in[i].t.lost, "row %zu lost", i);
	}
	cr_assert(isnan(out[0].karp_flatt), "Karp-Flatt at N=1 must stay empty");
	assert_close(out[3].t.bytes / out[3].t.wall_s, 4e9, "gbps");
	cr_assert_str_eq(out[3].t.cpus, "0;1;0");
	free(out);
}

Test(csv, unmeasured_cells_stay_empty)
{
	struct result r = sample(2, 0), *out;
	size_t n;
	char err[512] = "", *text;

	/* An exec row: no P, no model; a backend that did not measure CPU time. */
	r.p = NAN;
	r.amdahl = NAN;
	r.ceiling = NAN;
	r.t.cpu_s = -1;
	write_rows(path_in("e.csv"), &r, 1);
	text = cli_slurp(path_in("e.csv"));
	cr_assert(strstr(text, "\nthread,spin,,2,0,"), "p is not empty: %s", text);
	free(text);
	cr_assert_eq(csv_read_results(path_in("e.csv"), &out, &n, err, sizeof(err)), 0, "%s", err);
	cr_assert(isnan(out[0].p));
	cr_assert(isnan(out[0].amdahl));
	cr_assert(out[0].t.cpu_s < 0, "cpu_s %g", out[0].t.cpu_s);
	free(out);
}

Test(csv, label_with_commas_quotes_and_newline_survives)
{
	static const char label[] = "sort -k2,3 \"big file\"\nsecond line, \"quoted\"";
	struct result r[2] = { sample(1, 0), sample(2, 0) }, *out;
	struct csv_table t;
	size_t n;
	char err[512] = "";

	snprintf(r[0].label, sizeof(r[0].label), "%s", label);
	snprintf(r[1].label, sizeof(r[1].label), " padded ");
	write_rows(path_in("l.csv"), r, 2);
	cr_assert_eq(csv_read_results(path_in("l.csv"), &out, &n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(out[0].label, label);
	cr_assert_str_eq(out[1].label, " padded ");
	free(out);
	cr_assert_eq(csv_table_read(path_in("l.csv"), &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(t.nrows, 2, "the newline in the label split the row");
	cr_assert_eq(csv_table_col(&t, "label"), (int)t.ncols - 1);
	cr_assert_eq(csv_table_col(&t, "nosuch"), -1);
	csv_table_free(&t);
}

/* A good two-row file with one cell replaced, or a given text. */
static const char good_header[] =
	"backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,cpu_s,ceiling\n";

static void expect_refused(const char *name, const char *text, size_t len, const char *needle)
{
	struct result *out = (struct result *)1;
	size_t n = 99;
	char err[512] = "";

	write_file(path_in(name), text, len);
	cr_assert_eq(csv_read_results(path_in(name), &out, &n, err, sizeof(err)), -1, "%s accepted", name);
	cr_assert_null(out, "%s: rows left behind", name);
	cr_assert_eq(n, 0);
	cr_assert(strstr(err, name), "%s: message '%s' does not name the file", name, err);
	cr_assert(strstr(err, needle), "%s: message '%s' lacks '%s'", name, err, needle);
	cr_assert_null(strchr(err, '\n'), "%s: message is not one line", name);
}

Test(csv, extra_columns_and_minimal_files_are_accepted)
{
	char text[1024];
	struct result *out;
	size_t n;
	char err[512] = "";

	snprintf(text, sizeof(text), "mine,%s", good_header);
	strcat(text, "x,thread,spin,0.9,1,0,0.5,1,1,1,2,0.5,1\n");
	write_file(path_in("x.csv"), text, strlen(text));
	cr_assert_eq(csv_read_results(path_in("x.csv"), &out, &n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 1);
	cr_assert_eq(out[0].phases, 1, "a missing phases column means 1");
	cr_assert_eq(out[0].t.lost, -1);
	free(out);
}

Test(csv, missing_contract_column_is_refused)
{
	static const char text[] = "backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency\n"
				   "thread,spin,0.9,1,0,0.5,1,1,1\n";

	expect_refused("nocores.csv", text, sizeof(text) - 1, "'cores'");
}

Test(csv, nan_and_inf_cells_are_refused)
{
	char text[1024];

	snprintf(text, sizeof(text), "%sthread,spin,0.9,1,0,nan,1,1,1,2,0.5,1\n", good_header);
	expect_refused("nan.csv", text, strlen(text), "'wall_s'");
	snprintf(text, sizeof(text), "%sthread,spin,0.9,1,0,0.5,inf,1,1,2,0.5,1\n", good_header);
	expect_refused("inf.csv", text, strlen(text), "'speedup'");
	snprintf(text, sizeof(text), "%sthread,spin,1.5,1,0,0.5,1,1,1,2,0.5,1\n", good_header);
	expect_refused("p.csv", text, strlen(text), "'p'");
	snprintf(text, sizeof(text), "%sthread,spin,0.9,2.5,0,0.5,1,1,1,2,0.5,1\n", good_header);
	expect_refused("n.csv", text, strlen(text), "'n'");
	snprintf(text, sizeof(text), "%sthread,spin,0.9,1,0,0.5,1,1,1,,0.5,1\n", good_header);
	expect_refused("emptycores.csv", text, strlen(text), "'cores'");
}

Test(csv, ragged_rows_are_refused)
{
	char text[1024];

	snprintf(text, sizeof(text), "%sthread,spin,0.9,1,0,0.5,1,1,1,2,0.5,1\nthread,spin,0.9,2\n",
		 good_header);
	expect_refused("ragged.csv", text, strlen(text), "columns");
	snprintf(text, sizeof(text), "%sthread,spin,0.9,1,0,0.5,1,1,1,2,0.5,1,extra\n", good_header);
	expect_refused("long.csv", text, strlen(text), "columns");
}

Test(csv, binary_bytes_are_refused)
{
	char text[1024];
	size_t len;

	snprintf(text, sizeof(text), "%sthread,spin,0.9,1,0,0.5,1,1,1,2,0.5,1\n", good_header);
	len = strlen(text);
	text[len - 4] = '\0';	/* a NUL inside the ceiling cell */
	expect_refused("nul.csv", text, len, "NUL");
}

Test(csv, unclosed_quote_empty_and_missing_files_are_refused)
{
	char text[1024];

	snprintf(text, sizeof(text), "%sthread,\"spin,0.9,1,0,0.5,1,1,1,2,0.5,1\n", good_header);
	expect_refused("quote.csv", text, strlen(text), "malformed");
	expect_refused("empty.csv", "", 0, "empty");
	expect_refused("header.csv", good_header, strlen(good_header), "no rows");
	{
		struct result *out;
		size_t n;
		char err[512] = "";

		cr_assert_eq(csv_read_results(path_in("absent.csv"), &out, &n, err, sizeof(err)), -1);
		cr_assert(strstr(err, "cannot open"), "%s", err);
	}
}
