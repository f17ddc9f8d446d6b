/*
 * A comparison of two runs, as `amdahl compare` judged it, and its output:
 * the text and markdown report (sections of tables through the emitter) and
 * the JSON document. The judging is compare's (src/cmd/compare.c and
 * src/models/compare_stats.c); this module only holds and prints its items,
 * so that a report can show the same verdicts.
 */
#ifndef AMDAHL_COMPARISON_H
#define AMDAHL_COMPARISON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aggregate.h"
#include "emit.h"

enum cmp_verdict { CMP_NONE, CMP_OK, CMP_BETTER, CMP_REGRESSION, CMP_NOT_JUDGED, CMP_FEW };

enum cmp_kind { CMP_TIME, CMP_SPEEDUP, CMP_PFIT };

/* One comparison: a time or a speedup at a point, or the fitted P of a series. */
struct cmp_item {
	enum cmp_kind kind;
	const struct agg_series *g;	/* the base run's series (names the point) */
	double n;			/* N of the point; for P, the N the law is judged at */
	size_t nb, nn;			/* repetitions */
	double base, new_;		/* medians, or P */
	double ratio, lo, hi;		/* new/base (for P: the law's speedups) */
	double pval;			/* one-sided, towards worse; NaN for P */
	double pval_better;		/* one-sided, towards better */
	double b_lo, b_hi, n_lo, n_hi;	/* P intervals */
	enum cmp_verdict v;
	int of_ceiling;			/* speedups as fractions of each machine's ceiling */
};

/* One run as the report describes it. */
struct cmp_side {
	const char *path;
	json_t *meta;			/* its meta.json; NULL when there is none readable */
	int meta_bad;			/* a sidecar exists but cannot be read */
	double cores;			/* NaN when the rows disagree */
};

struct comparison {
	struct cmp_side base, new_;
	struct cmp_item *items;
	size_t nitems;
	size_t only_base, only_new;	/* points in one run only */
	int same_machine, judge_times;
	const char *machine;		/* what was concluded about the machines, one line */
	const char *why;		/* the difference found, or "" */
	double threshold, alpha, level;
	int resamples;
	uint64_t seed;
};

/* A new zeroed item at the end of c->items. */
struct cmp_item *comparison_add(struct comparison *c);
size_t comparison_regressions(const struct comparison *c);
const char *cmp_verdict_name(enum cmp_verdict v);

/* The report as a table (text), markdown or JSON; -1 on a write error. */
int comparison_print(const struct comparison *c, enum emit_format f, FILE *fp);
/* Each regression, named with its numbers, on stderr (errorf). */
void comparison_report_regressions(const struct comparison *c);

/* A string or number from a side's meta.json; NULL or NaN when absent. */
const char *cmp_side_str(const struct cmp_side *s, const char *key);
double cmp_side_num(const struct cmp_side *s, const char *key);

#endif
