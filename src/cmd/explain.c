/*
 * amdahl explain: where the speedup went. For every backend/workload/p
 * series of run CSVs (--cmd series by label) and every N, the speedup stack
 * (docs/explain.md) in speedup units: of the N workers' worth of capacity,
 * how much did the work (useful, beside the measured speedup) and how much
 * each loss took, each the median over the repetitions (the aggregate's
 * cells, src/results/aggregate.h). Every file is read and checked before a
 * line is written.
 */
#include "cmd.h"
#include "../results/aggregate.h"
#include "../results/csv.h"
#include "../results/emit.h"
#include "../base/options.h"
#include "../base/util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

struct explain_opts {
	int format;	/* enum emit_format */
};

static const struct option_spec explain_specs[] = {
	{ .name = "format", .short_name = 'f', .kind = OPTION_CHOICE, .metavar = "F", .choices = emit_format_names,
	  .def = "table", OPTION_AT(struct explain_opts, format), .help = "table, csv, json or markdown" },
	{ .name = NULL },
};

static void explain_usage_more(FILE *fp)
{
	fputs("\nThe CSV has the columns backend,workload,p,label,n,reps,speedup,useful,serial,\n"
	      "spawn,join,imbalance,starved,blocked,gil,extra_cpu,idle,total,largest,file.\n"
	      "An empty cell (- in a table) is a part that could not be known: docs/explain.md\n"
	      "says which backend knows which. A table leaves out a part no row knows.\n", fp);
}

static const struct options_usage explain_usage = {
	.cmd = "explain",
	.synopsis = "FILE.csv... [--format table|csv|json|markdown]",
	.about = "Where the speedup went: for each series of run CSVs and each N, the N workers'\n"
		 "capacity split into the speedup stack's parts, in speedup units (a part's\n"
		 "seconds over the repetition's wall time, the median over the repetitions):\n\n"
		 "  speedup     the measured speedup (the CSV's column)\n"
		 "  useful      the work: what one worker needed for the job, over T(N)\n"
		 "  serial      N - 1 workers idle while the serial part runs\n"
		 "  spawn,join  before the workers' first instruction, after the last one's last\n"
		 "  imbalance   workers done, waiting for one that ran longer\n"
		 "  starved     runnable, waiting for a CPU (oversubscription, other load)\n"
		 "  blocked     off-CPU, not runnable: locks, I/O, sleep beyond the work's own\n"
		 "  gil         waiting for the GIL (gil) or the one OS thread (green)\n"
		 "  extra_cpu   CPU time beyond the work's own: contention, coherency, bandwidth\n"
		 "  idle        a program's capacity neither on a CPU nor waiting for one (--cmd)\n"
		 "  total       the sum of the known parts: N when the books close\n"
		 "  largest     the largest loss\n\n"
		 "Rows need the parts `amdahl run` writes (--explain on, the default).",
	.specs = explain_specs,
	.more = explain_usage_more,
	.args_max = OPTIONS_ANY_ARGS,
};

enum { COL_PARTS = 7, COL_COUNT = COL_PARTS + EXPLAIN_PARTS + 3 };

static void explain_columns(struct emit_col *cols)
{
	static const struct emit_col head[COL_PARTS] = {
		{ .name = "backend" },
		{ .name = "workload" },
		{ .name = "p", .fmt = "%.9g", .tfmt = "%g" },
		{ .name = "label" },
		{ .name = "n" },
		{ .name = "reps", .in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON) },
		{ .name = "speedup", .fmt = "%.6g", .tfmt = "%.3f" },
	};

	memcpy(cols, head, sizeof(head));
	for (int i = 0; i < EXPLAIN_PARTS; i++)
		cols[COL_PARTS + i] = (struct emit_col){ .name = explain_parts[i].name, .fmt = "%.6g", .tfmt = "%.3f" };
	cols[COL_PARTS + EXPLAIN_PARTS] = (struct emit_col){ .name = "total", .fmt = "%.6g", .tfmt = "%.3f" };
	cols[COL_PARTS + EXPLAIN_PARTS + 1] = (struct emit_col){ .name = "largest" };
	cols[COL_PARTS + EXPLAIN_PARTS + 2] = (struct emit_col){ .name = "file", .in = EMIT_IN(EMIT_CSV) |
										     EMIT_IN(EMIT_JSON) };
}

/* The largest loss of a cell, or "-" when none is known. */
static const char *largest_loss(const struct agg_cell *c)
{
	int best = -1;

	for (int i = 0; i < EXPLAIN_PARTS; i++)
		if (i != EXPLAIN_USEFUL && isfinite(c->stack[i]) && (best < 0 || c->stack[i] > c->stack[best]))
			best = i;
	return best < 0 ? "-" : explain_parts[best].name;
}

static void explain_row(struct emit_table *t, const struct agg_series *s, const struct agg_cell *c,
			const char *file)
{
	emit_text(t, s->backend);
	emit_text(t, s->workload);
	emit_num(t, s->p);
	emit_text(t, s->label);
	emit_int(t, c->n);
	emit_int(t, (long long)c->rows);
	emit_num(t, c->reps ? c->speedup.median : NAN);
	for (int i = 0; i < EXPLAIN_PARTS; i++)
		emit_num(t, c->stack[i]);
	emit_num(t, explain_total(c->stack));
	emit_text(t, largest_loss(c));
	emit_text(t, file);
}

/* A table or markdown leaves out a part that no row knows (idle for built-in backends, gil without a GIL). */
static void drop_unknown(struct emit_col *cols, const struct aggregate *a)
{
	for (int i = 0; i < EXPLAIN_PARTS; i++) {
		int known = 0;

		for (size_t k = 0; k < a->nseries && !known; k++)
			for (size_t j = 0; j < a->series[k].ncells && !known; j++)
				known = isfinite(a->series[k].cells[j].stack[i]);
		if (!known)
			cols[COL_PARTS + i].in = EMIT_IN(EMIT_CSV) | EMIT_IN(EMIT_JSON);
	}
}

static int print_stacks(const struct aggregate *a, enum emit_format fmt, char **files)
{
	struct emit_col cols[COL_COUNT];
	struct emit_table *t;
	int rc;

	explain_columns(cols);
	drop_unknown(cols, a);
	t = emit_new(cols, COL_COUNT);
	for (size_t k = 0; k < a->nseries; k++)
		for (size_t j = 0; j < a->series[k].ncells; j++)
			explain_row(t, &a->series[k], &a->series[k].cells[j], files[a->series[k].file]);
	if (fmt == EMIT_JSON) {
		json_t *o = json_object();

		json_object_set_new(o, "units", json_string("speedup: a part's seconds over the repetition's "
							      "wall time, the median over the repetitions"));
		json_object_set_new(o, "stacks", emit_json(t));
		rc = emit_json_print(o, stdout);
		json_decref(o);
	} else {
		rc = emit_print(t, fmt, stdout);
	}
	emit_free(t);
	return rc;
}

/* Series without a single known part: a note, so that an empty table is explained. */
static void note_missing(const struct aggregate *a, char **files)
{
	for (size_t k = 0; k < a->nseries; k++) {
		const struct agg_series *s = &a->series[k];
		int known = 0;
		char name[CSV_LABEL_MAX + 200];

		for (size_t j = 0; j < s->ncells && !known; j++)
			known = isfinite(explain_total(s->cells[j].stack));
		if (known)
			continue;
		agg_series_name(s, name, sizeof(name));
		warnf("%s: %s: no part of the speedup stack is known (run with --explain on; the %s backend "
		      "records none: docs/explain.md)", files[s->file], name, s->backend);
	}
}

int cmd_explain(int argc, char **argv)
{
	struct explain_opts o;
	struct run_rows rows;
	struct aggregate agg;
	int status, argi, nfiles;
	char err[4400];

	memset(&o, 0, sizeof(o));
	if ((status = options_command(&explain_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return status;
	nfiles = argc - argi;
	if (nfiles < 1) {
		usagef("explain", "no run CSV given");
		return EXIT_USAGE;
	}
	run_rows_init(&rows);
	for (int i = 0; i < nfiles; i++) {
		if (csv_read_rows(argv[argi + i], &rows, err, sizeof(err)) < 0) {
			errorf("%s", err);
			run_rows_free(&rows);
			return EXIT_USAGE;
		}
	}
	aggregate_rows(&rows, &agg);
	note_missing(&agg, argv + argi);
	status = print_stacks(&agg, (enum emit_format)o.format, argv + argi) < 0 || finish_stdout() < 0 ? EXIT_FAILED
													 : EXIT_OK;
	aggregate_free(&agg);
	run_rows_free(&rows);
	return status;
}
