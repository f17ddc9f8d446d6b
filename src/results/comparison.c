/*
 * The output of a comparison (comparison.h): a header that says which runs,
 * which machine and which rule, one table per kind of item, then the count
 * of regressions; or the same as one JSON document.
 */
#include "comparison.h"
#include "csv.h"
#include "../base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const verdict_names[] = {
	[CMP_NONE] = "-", [CMP_OK] = "ok", [CMP_BETTER] = "better", [CMP_REGRESSION] = "REGRESSION",
	[CMP_NOT_JUDGED] = "not judged", [CMP_FEW] = "too few reps",
};

static const char *const section_title[] = {
	[CMP_TIME] = "wall time, median (new/base)",
	[CMP_SPEEDUP] = "speedup, median (new/base)",
	[CMP_PFIT] = "fitted P (change: the law's speedup at N with it)",
};

const char *cmp_verdict_name(enum cmp_verdict v)
{
	return verdict_names[v];
}

struct cmp_item *comparison_add(struct comparison *c)
{
	c->items = xrealloc(c->items, (c->nitems + 1) * sizeof(*c->items));
	memset(&c->items[c->nitems], 0, sizeof(*c->items));
	return &c->items[c->nitems++];
}

size_t comparison_regressions(const struct comparison *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nitems; i++)
		n += c->items[i].v == CMP_REGRESSION;
	return n;
}

const char *cmp_side_str(const struct cmp_side *s, const char *key)
{
	json_t *v = s->meta ? json_object_get(s->meta, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

double cmp_side_num(const struct cmp_side *s, const char *key)
{
	json_t *v = s->meta ? json_object_get(s->meta, key) : NULL;

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* ---- cells ---- */

static const char *pct(char *buf, size_t len, double ratio)
{
	if (!isfinite(ratio))
		return "-";
	snprintf(buf, len, "%+.1f%%", (ratio - 1) * 100);
	return buf;
}

static const char *ci_text(char *buf, size_t len, double lo, double hi)
{
	char a[24], b[24];

	if (!isfinite(lo) || !isfinite(hi))
		return "-";
	snprintf(buf, len, "[%s, %s]", pct(a, sizeof(a), lo), pct(b, sizeof(b), hi));
	return buf;
}

/* The one-sided p-value in the direction the median moved. */
static double shown_p(const struct cmp_item *it)
{
	int worse = it->kind == CMP_TIME ? it->ratio > 1 : it->ratio < 1;

	return worse ? it->pval : it->pval_better;
}

static const char *pval_text(char *buf, size_t len, double p)
{
	if (!isfinite(p))
		return "-";
	if (p < 0.001)
		return "<0.001";
	snprintf(buf, len, "%.3f", p);
	return buf;
}

static const char *p_text(char *buf, size_t len, double p, double lo, double hi)
{
	if (!isfinite(p))
		return "-";
	if (isfinite(lo) && isfinite(hi))
		snprintf(buf, len, "%.4f [%.4f, %.4f]", p, lo, hi);
	else
		snprintf(buf, len, "%.4f", p);
	return buf;
}

/* A verdict as a cell: markdown makes a regression bold, where a reader's eye lands first. */
static const char *verdict_cell(const struct cmp_item *it, int markdown)
{
	if (markdown && it->v == CMP_REGRESSION)
		return "**REGRESSION**";
	return verdict_names[it->v];
}

static void item_row(struct emit_table *t, const struct cmp_item *it, int markdown)
{
	char name[CSV_NAME_MAX * 2 + 600], a[64], b[64], d[32], e[64], f[32];

	agg_series_name(it->g, name, sizeof(name));
	emit_text(t, name);
	emit_num(t, it->n);
	if (it->kind == CMP_PFIT) {
		emit_text(t, p_text(a, sizeof(a), it->base, it->b_lo, it->b_hi));
		emit_text(t, p_text(b, sizeof(b), it->new_, it->n_lo, it->n_hi));
	} else {
		snprintf(f, sizeof(f), "%zu/%zu", it->nb, it->nn);
		emit_text(t, f);
		emit_num(t, it->base);
		emit_num(t, it->new_);
	}
	emit_text(t, pct(d, sizeof(d), it->ratio));
	emit_text(t, ci_text(e, sizeof(e), it->lo, it->hi));
	if (it->kind != CMP_PFIT)
		emit_text(t, pval_text(a, sizeof(a), shown_p(it)));
	emit_text(t, verdict_cell(it, markdown));
}

/* ---- text and markdown ---- */

static void side_line(const struct cmp_side *s, char *buf, size_t len)
{
	const char *cpu = cmp_side_str(s, "cpu_model"), *date = cmp_side_str(s, "date");
	double lb = cmp_side_num(s, "loadavg_before"), la = cmp_side_num(s, "loadavg_after");
	size_t off;

	off = (size_t)snprintf(buf, len, "%s, %g cores", cpu ? cpu : "unknown CPU", s->cores);
	if (off < len && isfinite(lb))
		off += (size_t)snprintf(buf + off, len - off, ", load %.2f -> %s", lb, isfinite(la) ? "" : "?");
	if (off < len && isfinite(lb) && isfinite(la))
		off += (size_t)snprintf(buf + off, len - off, "%.2f", la);
	if (off < len && date)
		off += (size_t)snprintf(buf + off, len - off, ", %s", date);
	if (off < len && !s->meta)
		snprintf(buf + off, len - off, s->meta_bad ? ", unreadable meta.json" : ", no meta.json");
}

/* A run measured while the load average was above its cores: its numbers say as much about the box. */
static int busy(const struct cmp_side *s)
{
	double l = fmax(cmp_side_num(s, "loadavg_before"), cmp_side_num(s, "loadavg_after"));

	return isfinite(l) && isfinite(s->cores) && l > s->cores;
}

static void print_head(const struct comparison *c, FILE *fp, int md)
{
	char lb[600], ln[600];

	side_line(&c->base, lb, sizeof(lb));
	side_line(&c->new_, ln, sizeof(ln));
	if (md) {
		fprintf(fp, "### amdahl compare: %s\n\n", comparison_regressions(c) ? ":x: regression" :
			":white_check_mark: no regression");
		fprintf(fp, "- base `%s`: %s\n- new `%s`: %s\n- %s\n", c->base.path, lb, c->new_.path, ln, c->machine);
		fprintf(fp, "- a change counts when it is beyond %g%% and significant: one-sided Mann–Whitney U "
			"over the repetitions at α = %g (p in the direction of the change); %g%% percentile "
			"bootstrap intervals\n", c->threshold * 100, c->alpha, c->level * 100);
	} else {
		fprintf(fp, "amdahl compare: base '%s', new '%s'\n  base: %s\n  new:  %s\n  %s\n", c->base.path,
			c->new_.path, lb, ln, c->machine);
		fprintf(fp, "  a change counts when beyond %g%% and significant (one-sided Mann-Whitney U, "
			"alpha %g, p in the direction of the change); %g%% bootstrap intervals\n", c->threshold * 100,
			c->alpha, c->level * 100);
	}
	for (int i = 0; i < 2; i++) {
		const struct cmp_side *s = i ? &c->new_ : &c->base;
		if (busy(s))
			fprintf(fp, "%s%s run was measured under a load average above its %g cores: other work on "
				"the box is in its times and speedups, and its intervals are wide for that reason\n",
				md ? "- **busy machine**: the " : "  busy machine: the ", i ? "new" : "base", s->cores);
	}
}

static int print_section(const struct comparison *c, enum cmp_kind k, FILE *fp, enum emit_format f)
{
	char ci[32];
	/* The columns of each section; the interval's title names its level. */
	const struct emit_col time_cols[] = {
		{ .name = "point" }, { .name = "n", .title = "N", .fmt = "%g" }, { .name = "reps" },
		{ .name = "base", .title = "base (s)", .fmt = "%.6f" }, { .name = "new", .title = "new (s)", .fmt = "%.6f" },
		{ .name = "change" }, { .name = "ci", .title = ci }, { .name = "p" }, { .name = "verdict", .markdown = 1 },
	};
	const struct emit_col speedup_cols[] = {
		{ .name = "point" }, { .name = "n", .title = "N", .fmt = "%g" }, { .name = "reps" },
		{ .name = "base", .fmt = "%.4f" }, { .name = "new", .fmt = "%.4f" },
		{ .name = "change" }, { .name = "ci", .title = ci }, { .name = "p" }, { .name = "verdict", .markdown = 1 },
	};
	const struct emit_col pfit_cols[] = {
		{ .name = "point" }, { .name = "n", .title = "N", .fmt = "%g" }, { .name = "base_p", .title = "base P" },
		{ .name = "new_p", .title = "new P" }, { .name = "change" }, { .name = "ci", .title = ci },
		{ .name = "verdict", .markdown = 1 },
	};
	struct emit_table *t = k == CMP_TIME ? emit_new(time_cols, ARRAY_SIZE(time_cols)) :
			       k == CMP_SPEEDUP ? emit_new(speedup_cols, ARRAY_SIZE(speedup_cols)) :
			       emit_new(pfit_cols, ARRAY_SIZE(pfit_cols));
	int md = f == EMIT_MARKDOWN, rc = 0, of_ceiling = 0;
	size_t n = 0;

	snprintf(ci, sizeof(ci), "%g%% CI", c->level * 100);
	for (size_t i = 0; i < c->nitems; i++)
		if (c->items[i].kind == k) {
			item_row(t, &c->items[i], md);
			of_ceiling |= c->items[i].of_ceiling;
			n++;
		}
	if (n) {
		if (of_ceiling)
			fprintf(fp, "\n%sspeedups over different core counts are compared as fractions of each "
				"run's ceiling 1/((1-p)+p/min(N,cores))%s", md ? "_" : "", md ? "_\n" : "");
		fprintf(fp, md ? "\n**%s**\n\n" : "\n%s\n", section_title[k]);
		rc = emit_print(t, f, fp);
	}
	emit_free(t);
	return rc;
}

static int print_text(const struct comparison *c, enum emit_format f, FILE *fp)
{
	size_t nreg = comparison_regressions(c);
	int md = f == EMIT_MARKDOWN, rc = 0;

	print_head(c, fp, md);
	for (int k = CMP_TIME; k <= CMP_PFIT && rc == 0; k++)
		rc = print_section(c, (enum cmp_kind)k, fp, f);
	if (c->only_base || c->only_new)
		fprintf(fp, "\n%s%zu point%s only in the base and %zu only in the new run: not compared%s\n",
			md ? "_" : "", c->only_base, c->only_base == 1 ? "" : "s", c->only_new, md ? "_" : "");
	if (nreg)
		fprintf(fp, "\n%s%zu regression%s%s\n", md ? "**" : "", nreg, nreg == 1 ? "" : "s", md ? "**" : "");
	else
		fprintf(fp, "\nno regression\n");
	return rc;
}

/* ---- JSON ---- */

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *side_json(const struct cmp_side *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "file", json_string(s->path));
	json_object_set_new(o, "cpu_model", jstr_or_null(cmp_side_str(s, "cpu_model")));
	json_object_set_new(o, "cores", jnum(s->cores));
	json_object_set_new(o, "loadavg_before", jnum(cmp_side_num(s, "loadavg_before")));
	json_object_set_new(o, "loadavg_after", jnum(cmp_side_num(s, "loadavg_after")));
	json_object_set_new(o, "date", jstr_or_null(cmp_side_str(s, "date")));
	json_object_set_new(o, "git_commit", jstr_or_null(cmp_side_str(s, "git_commit")));
	json_object_set_new(o, "meta", json_string(s->meta ? "ok" : s->meta_bad ? "unreadable" : "missing"));
	json_object_set_new(o, "busy", json_boolean(busy(s)));
	return o;
}

static json_t *item_json(const struct cmp_item *it)
{
	json_t *j = json_object();

	json_object_set_new(j, "backend", json_string(it->g->backend));
	json_object_set_new(j, "workload", json_string(it->g->workload));
	json_object_set_new(j, "p", jnum(it->g->p));
	json_object_set_new(j, "label", json_string(it->g->label));
	json_object_set_new(j, "scaling", json_string(it->g->weak ? "weak" : "strong"));
	json_object_set_new(j, "n", jnum(it->n));
	json_object_set_new(j, "base", jnum(it->base));
	json_object_set_new(j, "new", jnum(it->new_));
	if (it->kind == CMP_PFIT) {
		json_object_set_new(j, "base_lo", jnum(it->b_lo));
		json_object_set_new(j, "base_hi", jnum(it->b_hi));
		json_object_set_new(j, "new_lo", jnum(it->n_lo));
		json_object_set_new(j, "new_hi", jnum(it->n_hi));
	} else {
		json_object_set_new(j, "base_reps", json_integer((json_int_t)it->nb));
		json_object_set_new(j, "new_reps", json_integer((json_int_t)it->nn));
		json_object_set_new(j, "p_worse", jnum(it->pval));
		json_object_set_new(j, "p_better", jnum(it->pval_better));
	}
	json_object_set_new(j, "ratio", jnum(it->ratio));
	json_object_set_new(j, "ratio_lo", jnum(it->lo));
	json_object_set_new(j, "ratio_hi", jnum(it->hi));
	json_object_set_new(j, "verdict", json_string(verdict_names[it->v]));
	return j;
}

static int print_json(const struct comparison *c, FILE *fp)
{
	static const char *const key[] = { [CMP_TIME] = "times", [CMP_SPEEDUP] = "speedups", [CMP_PFIT] = "p_fit" };
	json_t *o = json_object(), *arr[3];
	int rc;

	json_object_set_new(o, "base", side_json(&c->base));
	json_object_set_new(o, "new", side_json(&c->new_));
	json_object_set_new(o, "same_machine", json_boolean(c->same_machine));
	json_object_set_new(o, "machine_note", json_string(c->why));
	json_object_set_new(o, "times_judged", json_boolean(c->judge_times));
	json_object_set_new(o, "threshold", json_real(c->threshold));
	json_object_set_new(o, "alpha", json_real(c->alpha));
	json_object_set_new(o, "test", json_string("one-sided Mann-Whitney U, normal approximation with tie "
						   "and continuity corrections"));
	json_object_set_new(o, "interval", json_pack("{s:s,s:f,s:i,s:i}", "method",
		"percentile bootstrap of the ratio of medians", "level", c->level, "resamples", c->resamples,
		"seed", (int)c->seed));
	for (int k = 0; k < 3; k++)
		arr[k] = json_array();
	for (size_t i = 0; i < c->nitems; i++)
		json_array_append_new(arr[c->items[i].kind], item_json(&c->items[i]));
	for (int k = 0; k < 3; k++)
		json_object_set_new(o, key[k], arr[k]);
	json_object_set_new(o, "only_in_base", json_integer((json_int_t)c->only_base));
	json_object_set_new(o, "only_in_new", json_integer((json_int_t)c->only_new));
	json_object_set_new(o, "regressions", json_integer((json_int_t)comparison_regressions(c)));
	rc = emit_json_print(o, fp);
	json_decref(o);
	return rc;
}

int comparison_print(const struct comparison *c, enum emit_format f, FILE *fp)
{
	int rc = f == EMIT_JSON ? print_json(c, fp) : print_text(c, f, fp);

	return rc < 0 || ferror(fp) ? -1 : 0;
}

/* A name for a message on one line: control characters made spaces. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ')
			*s = ' ';
}

void comparison_report_regressions(const struct comparison *c)
{
	static const char *const what[] = { [CMP_TIME] = "wall time", [CMP_SPEEDUP] = "speedup",
					    [CMP_PFIT] = "fitted P" };
	char name[CSV_NAME_MAX * 2 + 600], a[32], b[64], d[32];

	for (size_t i = 0; i < c->nitems; i++) {
		const struct cmp_item *it = &c->items[i];
		if (it->v != CMP_REGRESSION)
			continue;
		agg_series_name(it->g, name, sizeof(name));
		one_line(name);
		if (it->kind == CMP_PFIT)
			errorf("regression: %s: fitted P %.4f -> %.4f [%.4f, %.4f]; the law's speedup at N=%g %s",
			       name, it->base, it->new_, it->n_lo, it->n_hi, it->n, pct(a, sizeof(a), it->ratio));
		else
			errorf("regression: %s n=%g: %s %.6g -> %.6g, %s (%g%% CI %s, p %s)", name, it->n,
			       what[it->kind], it->base, it->new_, pct(a, sizeof(a), it->ratio), c->level * 100,
			       ci_text(b, sizeof(b), it->lo, it->hi), pval_text(d, sizeof(d), it->pval));
	}
}
