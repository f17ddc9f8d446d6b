/*
 * Tests of the run summary (src/results/summary.c) and of what a workload's
 * bound changes: the summary names its aggregation in the header and explains
 * its columns under the table; its speedup is the median of the rows'
 * speedups, the same number plot and fit use; a planned point without rows is
 * "failed" or "skipped"; a workload that waits (sleep) has no ceiling and no
 * "of ceiling", in the summary and in `plot --table`. Also: every plugin column
 * has an id and a name of its own, and `fit`, `compare` and `plot` refuse
 * /dev/zero at once, with one line.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/api/column.h"
#include "../src/results/rows.h"
#include "../src/results/summary.h"
#include "cli.h"

static void add(struct run_rows *t, const char *workload, int n, int rep, double wall, double speedup)
{
	struct run_row r;

	run_row_init(&r);
	r.backend = "thread";
	r.workload = workload;
	r.p = 0.9;
	r.n = n;
	r.rep = rep;
	r.wall_s = wall;
	r.speedup = speedup;
	r.cores = 2;
	run_rows_add(t, &r);
}

/* The summary of t as text. */
static char *summary_text(const struct run_rows *t, const struct summary_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	cr_assert_eq(summary_print(fp, t, o), 0);
	fclose(fp);
	return buf;
}

/* The line of text that starts with prefix, copied; NULL when none. */
static char *line_of(const char *text, const char *prefix)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, prefix, strlen(prefix)) == 0)
			return strndup(l, strcspn(l, "\n"));
	return NULL;
}

Test(summary, names_its_aggregation_and_explains_its_columns)
{
	struct run_rows t;
	struct summary_opts o = { 0 };
	char *text, *line;
	double p, n, med, sp, model, ceiling, of;

	run_rows_init(&t);
	/* Paired speedups of 2 in drifting rounds: the ratio of median times would say otherwise. */
	add(&t, "spin", 1, 0, 1.0, 1);
	add(&t, "spin", 1, 1, 2.0, 1);
	add(&t, "spin", 1, 2, 4.0, 1);
	add(&t, "spin", 2, 0, 1.0, 2);
	add(&t, "spin", 2, 1, 2.0, 2);
	add(&t, "spin", 2, 2, 0.5, 2);
	text = summary_text(&t, &o);
	cr_assert(strstr(text, "median_speedup") && strstr(text, "of_ceiling"), "%s", text);
	cr_assert(strstr(text, "not median_s(1)/median_s(n)"), "no legend: %s", text);
	cr_assert(strstr(text, "model: Amdahl's law at p"), "%s", text);
	line = line_of(text, "thread   spin      0.9  2");
	cr_assert_not_null(line, "%s", text);
	cr_assert_eq(sscanf(line, "thread spin %lf %lf %lf %lf %lf %lf %lf", &p, &n, &med, &sp, &model, &ceiling, &of),
		     7, "%s", line);
	cr_assert_float_eq(sp, 2.0, 1e-9, "%s", line);
	cr_assert_float_eq(med, 1.0, 1e-9, "%s", line);
	cr_assert_float_eq(ceiling, 1.0 / (0.1 + 0.9 / 2), 1e-3, "%s", line);
	cr_assert_float_eq(of, 2.0 / ceiling, 2e-3, "%s", line);
	free(line);
	free(text);
	run_rows_free(&t);
}

Test(summary, planned_points_without_rows_say_why_and_notes_follow)
{
	struct run_rows t;
	struct summary_point pts[] = {
		{ .backend = "thread", .workload = "spin", .label = "", .p = 0.9, .n = 1 },
		{ .backend = "thread", .workload = "spin", .label = "", .p = 0.9, .n = 2, .failed = 1 },
		{ .backend = "thread", .workload = "spin", .label = "", .p = 0.9, .n = 4, .note = "a note" },
	};
	struct summary_opts o = { .points = pts, .npoints = 3, .physical_cores = 1, .hw_threads = 2 };
	char *text;

	run_rows_init(&t);
	add(&t, "spin", 1, 0, 1.0, 1);
	text = summary_text(&t, &o);
	cr_assert(strstr(text, "failed"), "%s", text);
	cr_assert(strstr(text, "skipped"), "%s", text);
	cr_assert(strstr(text, "thread/spin p=0.9 n=4: a note"), "%s", text);
	cr_assert(strstr(text, "<- N = hardware threads") && strstr(text, "SMT:"), "%s", text);
	free(text);
	run_rows_free(&t);
}

/* sleep waits: 4 sleepers on 2 cores give 4, and no "of ceiling" says 200%. */
Test(summary, a_workload_that_waits_has_no_ceiling)
{
	struct run_rows t;
	struct summary_opts o = { 0 };
	char *text, *line;

	run_rows_init(&t);
	add(&t, "sleep", 1, 0, 1.0, 1);
	add(&t, "sleep", 4, 0, 0.25, 4);
	text = summary_text(&t, &o);
	line = line_of(text, "thread   sleep     0.9  4");
	cr_assert_not_null(line, "%s", text);
	cr_assert(strstr(line, "4.000") && !strstr(line, "1.818") && !strstr(line, "2.200"), "%s", line);
	cr_assert_str_eq(line + strlen(line) - 1, "-", "no of_ceiling: %s", line);
	free(line);
	free(text);
	run_rows_free(&t);
}

Test(summary, plot_table_has_no_ceiling_for_sleep, .timeout = 60)
{
	char *dir = cli_tmpdir(), sh[4096];
	struct cli_result r;

	snprintf(sh, sizeof(sh), "cd '%s' && printf 'backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores\\n"
		 "thread,sleep,1,1,0,0.4,1,1,1,2\\nthread,sleep,1,8,0,0.05,8,8,1,2\\n"
		 "thread,spin,1,1,0,0.4,1,1,1,2\\nthread,spin,1,8,0,0.21,1.9,8,0.24,2\\n' > s.csv && "
		 "\"$AMDAHL\" plot s.csv -o figs --table", dir);
	cli_sh(&r, 50, sh);
	cr_assert_eq(r.status, 0, "%s", r.err);
	{
		const char *sleep = strstr(r.out, "sleep, P = 1"), *spin = strstr(r.out, "spin, P = 1");
		cr_assert(sleep && spin, "%s", r.out);
		cr_assert(strstr(sleep, "no CPU ceiling"), "%s", r.out);
		/* sleep's block ends where spin's starts: no ceiling row, no percentage in it. */
		cr_assert(sleep > spin || !memmem(sleep, (size_t)(spin - sleep), "%", 1), "%s", r.out);
		cr_assert(sleep < spin || !strstr(sleep, "%"), "%s", r.out);
		cr_assert(strstr(spin, "ceiling") && strstr(spin, "95.0%"), "spin keeps its ceiling: %s", r.out);
	}
	cli_free(&r);
	cli_tmpdir_free(dir);
}

Test(summary, every_plugin_column_has_an_id_and_a_name_of_its_own)
{
	static const char *const taken[] = {
		"backend", "workload", "p", "n", "rep", "wall_s", "speedup", "amdahl", "efficiency", "cores", "cpu_s",
		"ceiling", "karp_flatt", "work_s", "units", "phases", "scaling", "cpus", "label",
		"wall", "cpu", "ready", "setup", "boot",	/* the mpi result line's own keys */
	};

	cr_assert_gt(column_count(), 3);
	cr_assert_leq(column_count(), COLUMNS_MAX);
	for (size_t id = 0; id < column_count(); id++) {
		const struct column *c = column_at(id);
		cr_assert_not_null(c);
		cr_assert_eq(column_id(c->name), (int)id, "%s", c->name);
		for (size_t k = 0; k < sizeof(taken) / sizeof(taken[0]); k++)
			cr_assert_str_neq(c->name, taken[k], "a plugin column named like a column of the harness");
		for (const char *ch = c->name; *ch; ch++)
			cr_assert((*ch >= 'a' && *ch <= 'z') || (*ch >= '0' && *ch <= '9') || *ch == '_', "%s", c->name);
	}
	cr_assert_null(column_at(column_count()));
	cr_assert_eq(column_id("no_such_column"), -1);
}

/* /dev/zero never ends: each reader refuses it at its first bytes (the old reader grew without bound), exit 2, one line. */
Test(summary, dev_zero_is_refused_by_fit_compare_and_plot, .timeout = 30)
{
	static const char *const cmds[] = {
		"\"$AMDAHL\" fit /dev/zero",
		"\"$AMDAHL\" compare /dev/zero /dev/zero",
		"\"$AMDAHL\" plot /dev/zero -o figs",
	};
	char *dir = cli_tmpdir(), sh[4096];

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct cli_result r;
		size_t lines = 0;

		snprintf(sh, sizeof(sh), "cd '%s' && %s", dir, cmds[i]);
		cli_sh(&r, 20, sh);
		for (const char *c = r.err; *c; c++)
			lines += *c == '\n';
		cr_assert_eq(r.status, 2, "%s: exit %d: %s", cmds[i], r.status, r.err);
		cr_assert_eq(lines, 1, "%s: %s", cmds[i], r.err);
		cr_assert(strstr(r.err, "binary"), "%s: %s", cmds[i], r.err);
		cr_assert_str_empty(r.out);
		cli_free(&r);
	}
	cli_tmpdir_free(dir);
}

Test(summary, a_csv_with_a_byte_order_mark_is_read, .timeout = 30)
{
	char *dir = cli_tmpdir(), sh[4096];
	struct cli_result r;

	snprintf(sh, sizeof(sh), "cd '%s' && printf '\\357\\273\\277backend,workload,p,n,rep,wall_s,speedup,amdahl,"
		 "efficiency,cores\\nthread,spin,0.9,1,0,1,1,1,1,2\\nthread,spin,0.9,2,0,0.55,1.8,1.8,0.9,2\\n' > b.csv && "
		 "\"$AMDAHL\" fit b.csv --format csv", dir);
	cli_sh(&r, 20, sh);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.out, "\nthread,spin,0.9,"), "%s", r.out);
	cli_free(&r);
	cli_tmpdir_free(dir);
}
