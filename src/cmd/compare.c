/*
 * amdahl compare: judge a new run against a base run, point by point, as a
 * CI gate; or, with --paired, two programs measured in interleaved rounds
 * of one run. The statistics and the verdicts are src/models/gate.c's: a
 * change regresses only when its whole interval lies beyond the threshold,
 * and the intervals are simultaneous over every judged comparison
 * (Bonferroni), so a whole A/A comparison is flagged at most alpha of the
 * time. This file reads the runs and their sidecars, decides which machine
 * questions apply, and prints.
 *
 * Exit 0: nothing regressed; 1: something did (named on stderr); 2: bad
 * usage or input (nothing printed on stdout).
 */
#include "cmd.h"
#include "../results/aggregate.h"
#include "../results/comparison.h"
#include "../results/csv.h"
#include "../models/fit.h"
#include "../models/gate.h"
#include "../engine/meta.h"
#include "../base/options.h"
#include "../base/util.h"

#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cmp_format { FMT_TABLE, FMT_MARKDOWN, FMT_JSON };

struct opts {
	double threshold, alpha;
	int same_machine, paired, metric;	/* enum gate_metric */
	const char *base, *candidate;
	int fmt;	/* enum cmp_format */
};

static const char *const cmp_formats[] = { [FMT_TABLE] = "table", [FMT_MARKDOWN] = "markdown",
					   [FMT_JSON] = "json", NULL };
static const char *const cmp_metrics[] = { [GATE_WALL] = "wall", [GATE_CPU] = "cpu", NULL };

static const struct option_spec compare_specs[] = {
	{ .name = "threshold", .short_name = 't', .kind = OPTION_DECIMAL, .flags = OPTION_PERCENT | OPTION_MIN_OPEN |
	  OPTION_MAX_OPEN, .min = 0, .max = 100, OPTION_AT(struct opts, threshold),
	  .expect = "a percentage in (0, 100), e.g. 5%",
	  .help = "smallest change that counts, in percent (default 5%; 2% with --paired)" },
	{ .name = "alpha", .short_name = 'a', .kind = OPTION_DECIMAL, .metavar = "A",
	  .flags = OPTION_MIN_OPEN | OPTION_MAX_OPEN, .min = 0, .max = 0.5, .def = "0.05",
	  OPTION_AT(struct opts, alpha), .help = "error rate of the whole comparison: every interval is\n"
	  "at 1 - alpha/k for k judged comparisons (Bonferroni)" },
	{ .name = "same-machine", .kind = OPTION_FLAG, OPTION_AT(struct opts, same_machine),
	  .help = "judge wall times even when the sidecars differ" },
	{ .name = "metric", .kind = OPTION_CHOICE, .metavar = "M", .choices = cmp_metrics, .def = "wall",
	  OPTION_AT(struct opts, metric), .help = "the times judged: wall, or cpu (the CPU seconds the program\n"
	  "used: on a busy machine they hardly move while wall times do)" },
	{ .name = "paired", .kind = OPTION_FLAG, OPTION_AT(struct opts, paired),
	  .help = "one run CSV: compare --candidate with --base round by round" },
	{ .name = "base", .kind = OPTION_STRING, .metavar = "NAME", OPTION_AT(struct opts, base),
	  .help = "with --paired: the --name (or backend) of the base program" },
	{ .name = "candidate", .kind = OPTION_STRING, .metavar = "NAME", OPTION_AT(struct opts, candidate),
	  .help = "with --paired: the --name (or backend) of the candidate" },
	{ .name = "format", .short_name = 'f', .kind = OPTION_CHOICE, .metavar = "F", .choices = cmp_formats,
	  .def = "table", OPTION_AT(struct opts, fmt),
	  .help = "table, markdown (for a pull-request comment) or json" },
	{ .name = NULL },
};

static const struct options_usage compare_usage = {
	.cmd = "compare",
	.synopsis = "BASE.csv NEW.csv [--threshold 5%] [--format table|markdown|json]\n"
		    "       amdahl compare --paired RUN.csv --base NAME --candidate NAME [--threshold 2%]",
	.about = "Compare a new run with a base run at every point (backend/workload/p/N, --cmd\n"
		 "points by label) that both files hold; or, with --paired, two programs measured\n"
		 "in interleaved rounds of one run (amdahl run --cmd A --name a --cmd B --name b).\n"
		 "Exit 0 when nothing regressed, 1 when something did (each one named on stderr),\n"
		 "2 for bad usage or input.\n\n"
		 "A change regresses only when its whole interval lies beyond the threshold on the\n"
		 "worse side (ok: within it; inconclusive: reaching past it). The intervals are\n"
		 "simultaneous: each at 1 - alpha/k for the k judged comparisons.\n\n"
		 "  wall time  median new/base with the distribution-free interval of the ratio that\n"
		 "             inverts the exact Mann-Whitney test (3 against 3 repetitions cannot\n"
		 "             reach 95%: too few reps). Judged only when the two meta.json sidecars\n"
		 "             (and the cores column) describe the same machine, or --same-machine.\n"
		 "  speedup    the same on the speedups at every N > 1; with different core counts\n"
		 "             each relative to its own machine's ceiling 1/((1-p)+p/min(N,cores)).\n"
		 "  fitted P   Amdahl's P (Gustafson's) of each file with its jackknife standard\n"
		 "             error, judged through the law's speedup at the largest common N.\n"
		 "  N > cores  oversubscribed points are shown, not judged: their times depend on\n"
		 "             the load of the box. Nothing is judged from a run measured while\n"
		 "             other work held its machine (load before it above half its cores).\n"
		 "  --paired   the per-round ratios candidate/base at every N, with the interval\n"
		 "             that inverts the exact signed-rank test (6 rounds or more for 95%);\n"
		 "             every N is judged (both programs met the same load).",
	.specs = compare_specs,
	.args_max = 2,
};

/* One run: its rows, their series (as the gates take them), and what the report says of it. */
struct side {
	struct cmp_side info;
	struct run_rows rows;
	struct aggregate agg;
	struct fit_group *groups;	/* the series' fit groups, side by side */
	size_t ngroups;
};

/* ---- input ---- */

static int side_read(struct side *s, const char *path, char *err, size_t errlen)
{
	char mp[4200];
	FILE *fp;

	memset(s, 0, sizeof(*s));
	run_rows_init(&s->rows);
	if (csv_read_rows(path, &s->rows, err, errlen) < 0) {
		run_rows_free(&s->rows);
		return -1;
	}
	aggregate_rows(&s->rows, &s->agg);
	s->ngroups = s->agg.nseries;
	s->groups = xcalloc(s->ngroups ? s->ngroups : 1, sizeof(*s->groups));
	for (size_t i = 0; i < s->ngroups; i++)
		s->groups[i] = s->agg.series[i].fit;
	meta_path_for(path, mp, sizeof(mp));
	/* s stays where it is until side_free: info may point at its rows */
	cmp_side_init(&s->info, path, meta_read(mp), &s->rows, -1);
	if (!s->info.meta && (fp = fopen(mp, "r")) != NULL) {
		s->info.meta_bad = 1;
		fclose(fp);
	}
	return 0;
}

static void side_free(struct side *s)
{
	free(s->groups);
	aggregate_free(&s->agg);
	run_rows_free(&s->rows);
	json_decref(s->info.meta);
}

static int compare_run(const struct opts *o, char **files)
{
	struct side sb, sn;
	struct gate g;
	struct gate_opts go = { .threshold = o->threshold, .alpha = o->alpha, .metric = (enum gate_metric)o->metric };
	struct comparison c = { .g = &g, .metric = (enum gate_metric)o->metric, .threshold = o->threshold,
				.alpha = o->alpha, .base_name = o->base, .candidate = o->candidate, .why = "" };
	char err[4400], why[700], machine[900];
	int status;

	if (side_read(&sb, files[0], err, sizeof(err)) < 0) {
		errorf("%s", err);
		return EXIT_USAGE;
	}
	c.base = c.new_ = sb.info;
	if (!o->paired && side_read(&sn, files[1], err, sizeof(err)) < 0) {
		errorf("%s", err);
		side_free(&sb);
		return EXIT_USAGE;
	}
	if (o->paired) {
		if (gate_paired(&g, sb.groups, sb.ngroups, o->base, o->candidate, &go, err, sizeof(err)) < 0) {
			errorf("'%s': %s", sb.info.path, err);
			side_free(&sb);
			return EXIT_USAGE;
		}
	} else {
		c.new_ = sn.info;
		comparison_machines(&c, o->same_machine, &go, machine, sizeof(machine), why, sizeof(why));
		gate_files(&g, sb.groups, sb.ngroups, sn.groups, sn.ngroups, &go);
	}
	status = EXIT_OK;
	if (g.nitems == 0) {
		errorf("'%s' and '%s' have no point in common", sb.info.path, o->paired ? sb.info.path : sn.info.path);
		status = EXIT_USAGE;
		goto out;
	}
	if (sb.info.meta_bad || (!o->paired && sn.info.meta_bad))
		warnf("cannot read the meta.json of '%s'; comparing without it",
		      sb.info.meta_bad ? sb.info.path : sn.info.path);
	if (comparison_print(&c, emit_format_from(cmp_formats, o->fmt), stdout) < 0)
		status = EXIT_FAILED;
	comparison_report_regressions(&c);
	if (gate_regressions(&g))
		status = EXIT_FAILED;
	if (finish_stdout() < 0)
		status = EXIT_FAILED;
out:
	gate_free(&g);
	side_free(&sb);
	if (!o->paired)
		side_free(&sn);
	return status;
}

int cmd_compare(int argc, char **argv)
{
	struct opts o;
	int status, argi;

	memset(&o, 0, sizeof(o));
	if ((status = options_command(&compare_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return status;
	if (o.paired && (!o.base || !o.candidate)) {
		usagef("compare", "--paired needs --base NAME and --candidate NAME");
		return EXIT_USAGE;
	}
	if (!o.paired && (o.base || o.candidate)) {
		usagef("compare", "--%s is for --paired", o.base ? "base" : "candidate");
		return EXIT_USAGE;
	}
	if (argc - argi != (o.paired ? 1 : 2)) {
		usagef("compare", o.paired ? "--paired takes one run CSV" : "expected two run CSVs, BASE and NEW");
		return EXIT_USAGE;
	}
	if (!(o.threshold > 0))
		o.threshold = o.paired ? COMPARISON_THRESHOLD_PAIRED : COMPARISON_THRESHOLD;
	gsl_set_error_handler_off();
	return compare_run(&o, argv + argi);
}
