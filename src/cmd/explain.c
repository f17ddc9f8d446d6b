/*
 * amdahl explain: where the speedup went. For every backend/workload/p
 * series of run CSVs (--cmd series by label) and every N, the speedup stack
 * (docs/explain.md) in speedup units: of the N workers' worth of capacity,
 * how much did the work (useful, beside the measured speedup) and how much
 * each loss took, those of the median repetition, so that they add up to N
 * (the aggregate's cells, src/results/aggregate.h). Every file is read and checked before a
 * line is written.
 */
#include "cmd.h"
#include "../results/aggregate.h"
#include "../results/csv.h"
#include "../results/emit.h"
#include "../results/stack_table.h"
#include "../base/options.h"
#include "../base/util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
	fputs("An empty cell (- in a table) is a part that could not be known: docs/explain.md\n"
	      "says which backend knows which. A table leaves out a part no row knows.\n", fp);
}

static const struct options_usage explain_usage = {
	.cmd = "explain",
	.synopsis = "FILE.csv... [--format table|csv|json|markdown]",
	.about = "Where the speedup went: for each series of run CSVs and each N, the N workers'\n"
		 "capacity split into the speedup stack's parts, in speedup units (a part's\n"
		 "seconds over the repetition's wall time, of the median repetition):\n\n"
		 "  speedup     the measured speedup (the CSV's column)\n"
		 "  speedup_lo, speedup_hi, wall_s  (csv, json) the median speedup's 95%\n"
		 "              interval and the median wall time, for programs that draw them\n"
		 "  useful      the work: what one worker needed for the job, over T(N)\n"
		 "  serial      N - 1 workers idle while the serial part runs\n"
		 "  spawn,join  before the workers' first instruction, after the last one's last\n"
		 "  imbalance   workers done, waiting for one that needed longer\n"
		 "  starved     runnable, waiting for a CPU (oversubscription, other load)\n"
		 "  blocked     off-CPU, not runnable: locks, I/O, sleep beyond the work's own\n"
		 "  gil         waiting for the GIL (gil) or the one OS thread (green)\n"
		 "  extra_cpu   CPU time beyond the work's own: contention, coherency, bandwidth\n"
		 "  idle        a program's capacity neither on a CPU nor waiting for one (--cmd)\n"
		 "  total       the sum of the known parts: N when the books close\n"
		 "  largest     the largest loss\n\n"
		 "Rows need the parts `amdahl run` writes (--explain on, the default).",
	.specs = explain_specs,
	.csv_columns = "backend,workload,p,label,n,reps,speedup,speedup_lo,speedup_hi,wall_s,useful,serial,spawn,"
		       "join,imbalance,starved,blocked,gil,extra_cpu,idle,total,largest,file",
	.more = explain_usage_more,
	.args_max = OPTIONS_ANY_ARGS,
};

static int print_stacks(const struct aggregate *a, enum emit_format fmt, char **files)
{
	struct stack_table st;
	int rc;

	stack_table_init(&st, a->series, a->nseries);
	for (size_t k = 0; k < a->nseries; k++)
		stack_table_add(&st, &a->series[k], files[a->series[k].file]);
	if (fmt == EMIT_JSON) {
		json_t *o = json_object();

		json_object_set_new(o, "units", json_string("speedup: a part's seconds over the repetition's "
							      "wall time, of the median repetition (its "
							      "speedup the median)"));
		json_object_set_new(o, "stacks", emit_json(st.t));
		rc = emit_json_print(o, stdout);
		json_decref(o);
	} else {
		rc = emit_print(st.t, fmt, stdout);
	}
	stack_table_free(&st);
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
	if (csv_read_files(argv + argi, nfiles, &rows, err, sizeof(err)) < 0) {
		errorf("%s", err);
		return EXIT_USAGE;
	}
	aggregate_rows(&rows, &agg);
	note_missing(&agg, argv + argi);
	status = print_stacks(&agg, (enum emit_format)o.format, argv + argi) < 0 || finish_stdout() < 0 ? EXIT_FAILED
													 : EXIT_OK;
	aggregate_free(&agg);
	run_rows_free(&rows);
	return status;
}
