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
#include "rows.h"

/* Default thresholds: two runs of a baseline file, and two programs of one run, paired by round. */
#define COMPARISON_THRESHOLD 0.05
#define COMPARISON_THRESHOLD_PAIRED 0.02

/* One run as the report describes it. */
struct cmp_side {
	const char *path;
	json_t *meta;			/* its meta.json; NULL when there is none readable */
	int meta_bad;			/* a sidecar exists but cannot be read */
	double cores;			/* NaN when the rows disagree */
	const struct run_rows *rows;	/* its rows, for the waiting for a CPU they record; may be NULL */
	long file;			/* which input of rows is this run (every input: -1) */
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

/*
 * The report as a table (text), markdown, JSON or HTML (the report page's
 * part: the verdict first, then one table per kind); -1 on a write error.
 */
int comparison_print(const struct comparison *c, enum emit_format f, FILE *fp);
/* Each regression, named with its numbers, on stderr (errorf): CI logs show it whatever the format. */
void comparison_report_regressions(const struct comparison *c);
/* Item i of the gate named with its numbers, as that message says it: 1, or 0 when it did not regress. */
int comparison_regression_text(const struct comparison *c, size_t i, char *buf, size_t len);
/*
 * Files mode: whether the two runs come from the same machine (the cores
 * columns, then the sidecars' CPU model and cores) and which gates that
 * leaves, as compare decides it: sets c->same, judge_times, machine (the
 * one-line note, into mbuf) and why (wbuf), and the gate options that
 * follow (judge_times, other_machine, busy). same_machine_opt: --same-machine.
 */
void comparison_machines(struct comparison *c, int same_machine_opt, struct gate_opts *go, char *mbuf, size_t mlen,
			 char *wbuf, size_t wlen);

/* A string or number from a side's meta.json; NULL or NaN when absent. */
const char *cmp_side_str(const struct cmp_side *s, const char *key);
double cmp_side_num(const struct cmp_side *s, const char *key);
/*
 * A run measured on a busy machine. When its rows record the speedup stack,
 * the scheduler says it: its workers spent SUMMARY_BUSY or more of their time
 * at N <= cores waiting for a CPU (the run summary's rule). Otherwise the
 * load average: other work already held half its cores when it started
 * (above cores/2), or the load after it was above twice the cores. The load
 * average is the weaker witness: it lags a minute and counts the harness's
 * own previous run, so on 2 cores a run started just after another looks busy.
 * With why: the reason in one phrase.
 */
int cmp_side_busy(const struct cmp_side *s);
/* A run as compare takes it: its path, sidecar (or NULL), its rows (input file
 * of them, -1 for every row) and the cores they say, NaN when they differ. */
void cmp_side_init(struct cmp_side *s, const char *path, json_t *meta, const struct run_rows *rows, long file);
int cmp_side_busy_why(const struct cmp_side *s, char *why, size_t len);

#endif
