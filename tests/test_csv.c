/*
 * Tests of the run CSV (src/results/csv.c): rows written by the writer come back
 * equal through csv_read_rows, plugin columns included; a label with commas,
 * quotes and a newline survives; a byte order mark is skipped; and a malformed
 * file (missing contract column, NaN, inf, ragged rows, binary bytes, an
 * endless field, /dev/zero) is refused with a message that says where.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../src/api/column.h"
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

static struct run_row sample(int n, int rep, double wall)
{
	struct run_row r;

	run_row_init(&r);
	r.backend = "thread";
	r.workload = "spin";
	r.p = 0.9;
	r.n = n;
	r.rep = rep;
	r.wall_s = wall;
	r.cpu_s = 0.25;
	r.speedup = 0.123456789 / r.wall_s;
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

static double wall_of(int n, int rep)
{
	return 0.123456789 / n + rep * 1e-6;
}

static void write_rows(const char *path, const struct run_row *rows, size_t n)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	cr_assert_eq(csv_write_header(fp), 0);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(csv_write_row(fp, &rows[i]), 0);
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

static void read_ok(const char *name, struct run_rows *t)
{
	char err[512] = "";

	run_rows_init(t);
	cr_assert_eq(csv_read_rows(path_in(name), t, err, sizeof(err)), 0, "%s", err);
}

Test(csv, header_is_the_published_one_and_new_columns_go_after_label)
{
	static const char want[] = "backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,cpu_s,ceiling,"
				   "karp_flatt,work_s,units,phases,scaling,lost,gbps,launch_s,rss_kb,cpus,label";
	char buf[2048];

	cr_assert_eq(csv_header_text(buf, sizeof(buf)), 0);
	/* Today every plugin column is a published one; a new one would follow label. */
	cr_assert(strncmp(buf, want, sizeof(want) - 1) == 0, "header: %s", buf);
	cr_assert(buf[sizeof(want) - 1] == '\0' || buf[sizeof(want) - 1] == ',', "header: %s", buf);
	for (size_t id = 0; id < column_count(); id++)
		cr_assert(strstr(buf, column_at(id)->name), "column %s is not in the header", column_at(id)->name);
}

Test(csv, rows_round_trip)
{
	struct run_row in[4];
	double col[COLUMNS_MAX];
	struct run_rows out;

	for (int i = 0; i < 4; i++)
		in[i] = sample(1 << i, i, wall_of(1 << i, i));
	for (size_t i = 0; i < COLUMNS_MAX; i++)
		col[i] = NAN;
	col[column_id("lost")] = 17;
	col[column_id("launch_s")] = 0.33;
	col[column_id("rss_kb")] = 2048;
	col[column_id("gbps")] = 4;
	in[3].col = col;
	in[3].cpus = "0;1;0";
	write_rows(path_in("r.csv"), in, 4);
	read_ok("r.csv", &out);
	cr_assert_eq(out.len, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct run_row *o = &out.v[i];
		cr_assert_str_eq(o->backend, "thread");
		cr_assert_str_eq(o->workload, "spin");
		cr_assert_eq(o->n, in[i].n);
		cr_assert_eq(o->rep, in[i].rep);
		cr_assert_eq(o->units, in[i].units);
		cr_assert_eq(o->phases, 3);
		cr_assert_eq(o->weak, in[i].weak, "row %zu scaling", i);
		assert_close(o->p, 0.9, "p");
		assert_close(o->wall_s, in[i].wall_s, "wall_s");
		assert_close(o->cpu_s, in[i].cpu_s, "cpu_s");
		assert_close(o->speedup, in[i].speedup, "speedup");
		assert_close(o->amdahl, in[i].amdahl, "amdahl");
		assert_close(o->efficiency, in[i].efficiency, "efficiency");
		assert_close(o->cores, 2, "cores");
		assert_close(o->ceiling, in[i].ceiling, "ceiling");
		assert_close(o->karp_flatt, in[i].karp_flatt, "karp_flatt");
		assert_close(o->work_s, 0.2, "work_s");
	}
	cr_assert(isnan(out.v[0].karp_flatt), "Karp-Flatt at N=1 must stay empty");
	cr_assert_null(out.v[0].col, "a row without plugin values holds none");
	assert_close(run_row_col(&out.v[3], "lost"), 17, "lost");
	assert_close(run_row_col(&out.v[3], "launch_s"), 0.33, "launch_s");
	assert_close(run_row_col(&out.v[3], "rss_kb"), 2048, "rss_kb");
	assert_close(run_row_col(&out.v[3], "gbps"), 4, "gbps");
	cr_assert_str_eq(out.v[3].cpus, "0;1;0");
	cr_assert_eq(out.v[0].backend, out.v[3].backend, "repeated strings are stored once");
	run_rows_free(&out);
}

Test(csv, unmeasured_cells_stay_empty)
{
	struct run_row r = sample(2, 0, 0.1);
	struct run_rows out;
	char *text;

	/* An exec row: no P, no model; a backend that did not measure CPU time. */
	r.p = NAN;
	r.amdahl = NAN;
	r.ceiling = NAN;
	r.cpu_s = NAN;
	write_rows(path_in("e.csv"), &r, 1);
	text = cli_slurp(path_in("e.csv"));
	cr_assert(strstr(text, "\nthread,spin,,2,0,"), "p is not empty: %s", text);
	cr_assert(strstr(text, ",strong,,,,,,\n"), "plugin cells, cpus and label are not empty: %s", text);
	free(text);
	read_ok("e.csv", &out);
	cr_assert(isnan(out.v[0].p));
	cr_assert(isnan(out.v[0].amdahl));
	cr_assert(isnan(out.v[0].cpu_s), "cpu_s %g", out.v[0].cpu_s);
	run_rows_free(&out);
}

Test(csv, label_with_commas_quotes_and_newline_survives)
{
	static const char label[] = "sort -k2,3 \"big file\"\nsecond line, \"quoted\"";
	struct run_row r[2] = { sample(1, 0, 0.1), sample(2, 0, 0.05) };
	struct run_rows out;
	struct csv_table t;
	char err[512] = "";

	r[0].label = label;
	r[1].label = " padded ";
	write_rows(path_in("l.csv"), r, 2);
	read_ok("l.csv", &out);
	cr_assert_eq(out.len, 2);
	cr_assert_str_eq(out.v[0].label, label);
	cr_assert_str_eq(out.v[1].label, " padded ");
	run_rows_free(&out);
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
	struct run_rows out;
	char err[512] = "";

	if (text)
		write_file(path_in(name), text, len);
	run_rows_init(&out);
	cr_assert_eq(csv_read_rows(text ? path_in(name) : name, &out, err, sizeof(err)), -1, "%s accepted", name);
	cr_assert(strstr(err, name), "%s: message '%s' does not name the file", name, err);
	cr_assert(strstr(err, needle), "%s: message '%s' lacks '%s'", name, err, needle);
	cr_assert_null(strchr(err, '\n'), "%s: message is not one line", name);
	run_rows_free(&out);
}

Test(csv, extra_columns_and_minimal_files_are_accepted)
{
	char text[1024];
	struct run_rows out;

	snprintf(text, sizeof(text), "mine,%s", good_header);
	strcat(text, "x,thread,spin,0.9,1,0,0.5,1,1,1,2,0.5,1\n");
	write_file(path_in("x.csv"), text, strlen(text));
	read_ok("x.csv", &out);
	cr_assert_eq(out.len, 1);
	cr_assert_eq(out.v[0].phases, 1, "a missing phases column means 1");
	cr_assert(isnan(run_row_col(&out.v[0], "lost")));
	run_rows_free(&out);
}

Test(csv, a_byte_order_mark_is_skipped)
{
	char text[1024];
	struct run_rows out;

	snprintf(text, sizeof(text), "\xEF\xBB\xBF%sthread,spin,0.9,1,0,0.5,1,1,1,2,0.5,1\n", good_header);
	write_file(path_in("bom.csv"), text, strlen(text));
	read_ok("bom.csv", &out);
	cr_assert_eq(out.len, 1);
	cr_assert_str_eq(out.v[0].backend, "thread");
	run_rows_free(&out);
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
	snprintf(text, sizeof(text), "backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,lost\n"
		 "thread,lock,0.9,1,0,0.5,1,1,1,2,2.5\n");
	expect_refused("lost.csv", text, strlen(text), "'lost'");
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

/* /dev/zero never ends and holds no newline: refused at once, not read into memory. */
Test(csv, endless_binary_input_is_refused_at_once, .timeout = 10)
{
	expect_refused("/dev/zero", NULL, 0, "binary");
}

Test(csv, a_field_without_end_is_refused_before_memory_grows, .timeout = 20)
{
	size_t len = 4u << 20;
	char *text = malloc(len);

	cr_assert_not_null(text);
	memset(text, 'x', len);
	expect_refused("long-field.csv", text, len, "over 65536 bytes");
	free(text);
}

Test(csv, unclosed_quote_empty_and_missing_files_are_refused)
{
	char text[1024];

	snprintf(text, sizeof(text), "%sthread,\"spin,0.9,1,0,0.5,1,1,1,2,0.5,1\n", good_header);
	expect_refused("quote.csv", text, strlen(text), "malformed");
	expect_refused("empty.csv", "", 0, "empty");
	expect_refused("header.csv", good_header, strlen(good_header), "no rows");
	{
		struct run_rows out;
		char err[512] = "";

		run_rows_init(&out);
		cr_assert_eq(csv_read_rows(path_in("absent.csv"), &out, err, sizeof(err)), -1);
		cr_assert(strstr(err, "cannot open"), "%s", err);
		run_rows_free(&out);
	}
}
