/*
 * A comparison of two runs (or of two programs of one run, paired by round),
 * as `amdahl compare` judged it, and its output: the text and markdown report
 * (a header on the runs and the rule, then one table per kind of comparison,
 * through the emitter) and the JSON document. The judging is
 * src/models/gate.c's; this module only prints its verdicts, so that a
 * report can show them as compare does.
 */
#ifndef AMDAHL_COMPARISON_H
#define AMDAHL_COMPARISON_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "../models/gate.h"
#include "emit.h"

/* One run as the report describes it. */
struct cmp_side {
	const char *path;
	json_t *meta;			/* its meta.json; NULL when there is none readable */
	int meta_bad;			/* a sidecar exists but cannot be read */
	double cores;			/* NaN when the rows disagree */
};

struct comparison {
	const struct gate *g;
	struct cmp_side base, new_;	/* new_ unused in paired mode */
	const char *base_name, *candidate;	/* paired mode: the two programs */
	enum gate_metric metric;
	double threshold, alpha;
	int same, judge_times;		/* files mode: the machines, and whether times are judged */
	const char *machine;		/* files mode: that, in one line */
	const char *why;		/* the difference between the machines found, or "" */
};

/* The report as a table (text), markdown or JSON; -1 on a write error. */
int comparison_print(const struct comparison *c, enum emit_format f, FILE *fp);
/* Each regression, named with its numbers, on stderr (errorf): CI logs show it whatever the format. */
void comparison_report_regressions(const struct comparison *c);

/* A string or number from a side's meta.json; NULL or NaN when absent. */
const char *cmp_side_str(const struct cmp_side *s, const char *key);
double cmp_side_num(const struct cmp_side *s, const char *key);
/*
 * A run measured on a busy machine: other work already held half its cores
 * when it started (load average before it above cores/2), or the load after
 * it was above twice the cores (its own workers count for at most the cores).
 */
int cmp_side_busy(const struct cmp_side *s);

#endif
