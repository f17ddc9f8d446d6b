/*
 * The output of a comparison (comparison.h): a header that says which runs,
 * which machine and which rule, one table per kind of comparison (times,
 * speedups, fitted P) through the emitter, then the count of regressions;
 * or the same as one JSON document.
 */
#include "comparison.h"
#include "csv.h"
#include "html.h"
#include "summary.h"
#include "../base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const section_title[] = {
	[GATE_TIME] = "wall time, median (new/base)",	/* "CPU time, ..." with --metric cpu */
	[GATE_SPEEDUP] = "speedup, median (new/base)",
	[GATE_PFIT] = "fitted P (change: the law's speedup at N with it)",
};

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

int cmp_side_busy_why(const struct cmp_side *s, char *why, size_t len)
{
	double before = cmp_side_num(s, "loadavg_before"), after = cmp_side_num(s, "loadavg_after");
	char line[300];
	int busy;

	if (s->rows && summary_starved(s->rows, s->file, line, sizeof(line), &busy)) {
		/* the sentence up to its verdict: "12% of the workers' time ... at N <= cores" */
		snprintf(why, len, "%.*s", (int)strcspn(line, ":"), line);
		return busy;
	}
	snprintf(why, len, "load average %.2f before the run and %.2f after it, on %g usable cores", before, after,
		 s->cores);
	return isfinite(s->cores) && ((isfinite(before) && before > s->cores / 2) ||
				      (isfinite(after) && after > 2 * s->cores));
}

void cmp_side_init(struct cmp_side *s, const char *path, json_t *meta, const struct run_rows *rows, long file)
{
	int first = 1;

	*s = (struct cmp_side){ .path = path, .meta = meta, .cores = NAN, .rows = rows, .file = file };
	for (size_t i = 0; i < rows->len; i++) {
		if (file >= 0 && rows->v[i].file != (unsigned)file)
			continue;
		if (first)
			s->cores = rows->v[i].cores;
		else if (rows->v[i].cores != s->cores) {
			s->cores = NAN;	/* rows from different machines: unknown */
			return;
		}
		first = 0;
	}
}

int cmp_side_busy(const struct cmp_side *s)
{
	char why[300];

	return cmp_side_busy_why(s, why, sizeof(why));
}

/* ---- the machines ---- */

/*
 * Whether the two runs come from the same machine: the cores columns, then
 * the sidecars' CPU model and cores. why gets the difference; 1 when unknown
 * but nothing says otherwise.
 */
static int same_machine(const struct cmp_side *b, const struct cmp_side *n, char *why, size_t len)
{
	const char *cb = cmp_side_str(b, "cpu_model"), *cn = cmp_side_str(n, "cpu_model");
	double kb = cmp_side_num(b, "cores"), kn = cmp_side_num(n, "cores");

	why[0] = '\0';
	if (isnan(b->cores) || isnan(n->cores)) {
		snprintf(why, len, "the cores column varies within '%s'", isnan(b->cores) ? b->path : n->path);
		return 0;
	}
	if (b->cores != n->cores) {
		snprintf(why, len, "the cores column says %g and %g", b->cores, n->cores);
		return 0;
	}
	if (cb && cn && strcmp(cb, cn) != 0) {
		snprintf(why, len, "CPU model '%s' and '%s'", cb, cn);
		return 0;
	}
	if (isfinite(kb) && isfinite(kn) && kb != kn) {
		snprintf(why, len, "%g and %g cores", kb, kn);
		return 0;
	}
	if (!b->meta || !n->meta)
		snprintf(why, len, "no readable meta.json for '%s'; the cores match",
			 !b->meta ? b->path : n->path);
	return 1;
}

void comparison_machines(struct comparison *r, int same_machine_opt, struct gate_opts *go, char *buf, size_t len,
			 char *why, size_t wlen)
{
	int b = cmp_side_busy(&r->base) || cmp_side_busy(&r->new_);

	r->same = same_machine(&r->base, &r->new_, why, wlen);
	r->why = why;
	r->judge_times = r->same || same_machine_opt;
	if (r->same)
		snprintf(buf, len, "same machine%s%s%s: %s", why[0] ? " assumed (" : "", why, why[0] ? ")" : "",
			 b ? "nothing judged, a run was measured on a busy machine" : "wall times judged");
	else
		snprintf(buf, len, "different machines (%s): %s", why,
			 b ? "nothing judged, a run was measured on a busy machine" :
			 same_machine_opt ? "wall times judged anyway (--same-machine); the scaling gate runs" :
			 "wall times shown, not judged (pass --same-machine to judge them); the scaling gate runs");
	r->machine = buf;
	go->judge_times = r->judge_times;
	go->other_machine = !r->same;
	go->busy = b;
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
static double shown_p(const struct gate_item *it)
{
	int worse = it->worse_up ? it->ratio.est > 1 : it->ratio.est < 1;

	return worse ? it->p_worse : it->p_better;
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

/* A name for a message on one line: control characters made spaces. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ')
			*s = ' ';
}

/* The point an item names: the series, or in paired mode the two programs. */
static void item_name(const struct comparison *c, const struct gate_item *it, char *buf, size_t len)
{
	if (c->g->paired)
		snprintf(buf, len, "%s / %s", c->candidate, c->base_name);
	else
		fit_group_name(it->g, buf, len);
}

static void item_row(const struct comparison *c, struct emit_table *t, const struct gate_item *it, int markdown)
{
	char name[CSV_NAME_MAX * 2 + CSV_LABEL_MAX + 64], a[64], b[64], d[32], e[64], f[32];

	item_name(c, it, name, sizeof(name));
	emit_text(t, name);
	emit_num(t, it->n);
	if (it->kind == GATE_PFIT) {
		emit_text(t, p_text(a, sizeof(a), it->base, it->b_lo, it->b_hi));
		emit_text(t, p_text(b, sizeof(b), it->new_, it->n_lo, it->n_hi));
	} else {
		snprintf(f, sizeof(f), "%zu/%zu", it->nb, it->nn);
		emit_text(t, f);
		emit_num(t, it->base);
		emit_num(t, it->new_);
	}
	emit_text(t, pct(d, sizeof(d), it->ratio.est));
	emit_text(t, ci_text(e, sizeof(e), it->ratio.lo, it->ratio.hi));
	if (it->kind != GATE_PFIT)
		emit_text(t, pval_text(a, sizeof(a), shown_p(it)));
	/* Markdown makes a regression bold, where a reader's eye lands first. */
	emit_text(t, markdown && it->v == GATE_REGRESSION ? "**REGRESSION**" : gate_verdict_name[it->v]);
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

/* The rule and the family, in one sentence. */
static void rule_text(const struct comparison *c, char *buf, size_t len)
{
	const struct gate *g = c->g;

	snprintf(buf, len, "a change counts when its whole interval lies beyond %g%%; %zu comparison%s judged with "
		 "simultaneous intervals (each at %.4g%%, Bonferroni for alpha %g)%s; p: one-sided %s in the "
		 "direction of the change, unadjusted", c->threshold * 100, g->family, g->family == 1 ? "" : "s",
		 100 * g->level, c->alpha,
		 g->paired ? ", distribution-free intervals of the per-round ratios (exact signed-rank)" :
		 ", distribution-free intervals of the ratio (exact Mann-Whitney)",
		 g->paired ? "exact signed-rank" : "exact Mann-Whitney");
}

/* Why a run measured on a busy machine is not judged, or 0 when it was not. */
static int busy_text(const struct cmp_side *s, const char *which, char *buf, size_t len)
{
	char why[300];

	if (!cmp_side_busy_why(s, why, sizeof(why)))
		return 0;
	snprintf(buf, len, "the %s run was measured while other work held its %g cores (%s): its times and "
		 "scaling say as much about that work as about the code, so nothing is judged; compare --paired "
		 "measures two programs under the same load", which, s->cores, why);
	return 1;
}

static void print_head(const struct comparison *c, FILE *fp, int md, size_t nreg)
{
	char lb[600], ln[600], rule[600], busy[600];

	side_line(&c->base, lb, sizeof(lb));
	side_line(&c->new_, ln, sizeof(ln));
	if (md) {
		fprintf(fp, "### amdahl compare: %s\n\n", nreg ? ":x: regression" : ":white_check_mark: no regression");
		if (c->g->paired)
			fprintf(fp, "- `%s`: candidate `%s` against base `%s`, paired by round: %s\n", c->base.path,
				c->candidate, c->base_name, lb);
		else
			fprintf(fp, "- base `%s`: %s\n- new `%s`: %s\n- %s\n", c->base.path, lb, c->new_.path, ln,
				c->machine);
	} else if (c->g->paired) {
		fprintf(fp, "amdahl compare --paired '%s': candidate '%s' against base '%s', round by round\n  %s\n",
			c->base.path, c->candidate, c->base_name, lb);
	} else {
		fprintf(fp, "amdahl compare: base '%s', new '%s'\n  base: %s\n  new:  %s\n  %s\n", c->base.path,
			c->new_.path, lb, ln, c->machine);
	}
	rule_text(c, rule, sizeof(rule));
	fprintf(fp, "%s%s\n", md ? "- " : "  ", rule);
	for (int i = 0; i < (c->g->paired ? 0 : 2); i++)
		if (busy_text(i ? &c->new_ : &c->base, i ? "new" : "base", busy, sizeof(busy)))
			fprintf(fp, "%s%s\n", md ? "- **busy machine**: " : "  busy machine: ", busy);
}

/*
 * The head in HTML: the verdict first, as a sentence a reader sees before
 * anything else, each regression named with its numbers; then the runs,
 * the machines and the rule.
 */
static void print_head_html(const struct comparison *c, FILE *fp, size_t nreg)
{
	char lb[600], ln[600], text[900];

	fprintf(fp, "<div class=\"verdict %s\" id=\"verdict\">\n<p class=\"verdict-line\">",
		nreg ? "bad" : c->g->family ? "good" : "none");
	if (nreg)
		fprintf(fp, "Regression: %zu of %zu judged comparison%s regressed", nreg, c->g->family,
			c->g->family == 1 ? "" : "s");
	else if (c->g->family)
		fprintf(fp, "No regression: none of %zu judged comparison%s regressed", c->g->family,
			c->g->family == 1 ? "" : "s");
	else	/* a busy machine, too few repetitions, only oversubscribed points: say it, not "no regression" */
		fprintf(fp, "Nothing judged: none of the %zu comparison%s could be judged (the reasons are below)",
			c->g->nitems, c->g->nitems == 1 ? "" : "s");
	fputs("</p>\n", fp);
	if (nreg) {
		fputs("<ul class=\"regressions\">\n", fp);
		for (size_t i = 0; i < c->g->nitems; i++)
			if (comparison_regression_text(c, i, text, sizeof(text))) {
				fputs("<li>", fp);
				html_escape(fp, text);
				fputs("</li>\n", fp);
			}
		fputs("</ul>\n", fp);
	}
	side_line(&c->base, lb, sizeof(lb));
	side_line(&c->new_, ln, sizeof(ln));
	fputs("<ul class=\"runs\">\n<li>", fp);
	if (c->g->paired)
		html_textf(fp, "%s: candidate '%s' against base '%s', paired by round: %s", c->base.path, c->candidate,
			   c->base_name, lb);
	else {
		html_textf(fp, "base %s: %s", c->base.path, lb);
		fputs("</li>\n<li>", fp);
		html_textf(fp, "new %s: %s", c->new_.path, ln);
		fputs("</li>\n<li>", fp);
		html_escape(fp, c->machine);
	}
	rule_text(c, text, sizeof(text));
	fputs("</li>\n<li>", fp);
	html_escape(fp, text);
	fputs("</li>\n", fp);
	for (int i = 0; i < (c->g->paired ? 0 : 2); i++)
		if (busy_text(i ? &c->new_ : &c->base, i ? "new" : "base", text, sizeof(text))) {
			fputs("<li><strong>busy machine</strong>: ", fp);
			html_escape(fp, text);
			fputs("</li>\n", fp);
		}
	fputs("</ul>\n</div>\n", fp);
}

/* A section's title: what is compared, and how. */
static const char *section_name(const struct comparison *c, enum gate_kind k)
{
	int cpu = c->metric == GATE_CPU;

	if (k != GATE_TIME)
		return section_title[k];
	if (c->g->paired)
		return cpu ? "CPU time, paired by round (candidate/base)" : "wall time, paired by round (candidate/base)";
	return cpu ? "CPU time, median (new/base)" : section_title[k];
}

static int print_section(const struct comparison *c, enum gate_kind k, FILE *fp, enum emit_format f)
{
	char ci[32];
	const char *reps = c->g->paired ? "rounds" : "reps";
	const struct emit_col time_cols[] = {
		{ .name = "point" }, { .name = "n", .title = "N", .fmt = "%g" }, { .name = reps },
		{ .name = "base", .fmt = "%.6f" }, { .name = "new", .fmt = "%.6f" },
		{ .name = "change" }, { .name = "ci", .title = ci }, { .name = "p" }, { .name = "verdict", .markdown = 1 },
	};
	const struct emit_col speedup_cols[] = {
		{ .name = "point" }, { .name = "n", .title = "N", .fmt = "%g" }, { .name = reps },
		{ .name = "base", .fmt = "%.4f" }, { .name = "new", .fmt = "%.4f" },
		{ .name = "change" }, { .name = "ci", .title = ci }, { .name = "p" }, { .name = "verdict", .markdown = 1 },
	};
	const struct emit_col pfit_cols[] = {
		{ .name = "point" }, { .name = "n", .title = "N", .fmt = "%g" }, { .name = "base_p", .title = "base P" },
		{ .name = "new_p", .title = "new P" }, { .name = "change" }, { .name = "ci", .title = ci },
		{ .name = "verdict", .markdown = 1 },
	};
	struct emit_table *t = k == GATE_TIME ? emit_new(time_cols, ARRAY_SIZE(time_cols)) :
			       k == GATE_SPEEDUP ? emit_new(speedup_cols, ARRAY_SIZE(speedup_cols)) :
			       emit_new(pfit_cols, ARRAY_SIZE(pfit_cols));
	int md = f == EMIT_MARKDOWN || f == EMIT_HTML, rc = 0, of_ceiling = 0;
	size_t n = 0;

	snprintf(ci, sizeof(ci), "%.4g%% CI", 100 * c->g->level);
	for (size_t i = 0; i < c->g->nitems; i++)
		if (c->g->items[i].kind == k) {
			item_row(c, t, &c->g->items[i], md);
			of_ceiling |= c->g->items[i].of_ceiling;
			n++;
		}
	if (n) {
		const char *ceiling_note = "speedups over different core counts are compared as fractions of each "
					   "run's ceiling 1/((1-p)+p/min(N,cores))";
		if (f == EMIT_HTML) {
			fprintf(fp, "<h3>%s</h3>\n", section_name(c, k));
			if (of_ceiling)
				fprintf(fp, "<p class=\"note\">%s</p>\n", ceiling_note);
		} else {
			if (of_ceiling)
				fprintf(fp, "\n%s%s%s", md ? "_" : "", ceiling_note, md ? "_\n" : "");
			fprintf(fp, md ? "\n**%s**\n\n" : "\n%s\n", section_name(c, k));
		}
		rc = emit_print(t, f, fp);
	}
	emit_free(t);
	return rc;
}

static int print_text(const struct comparison *c, enum emit_format f, FILE *fp)
{
	const struct gate *g = c->g;
	size_t nreg = gate_regressions(g);
	int md = f == EMIT_MARKDOWN, html = f == EMIT_HTML, rc = 0;

	if (html)
		print_head_html(c, fp, nreg);
	else
		print_head(c, fp, md, nreg);
	for (int k = GATE_TIME; k <= GATE_PFIT && rc == 0; k++)
		rc = print_section(c, (enum gate_kind)k, fp, f);
	if (g->only_base || g->only_new)
		fprintf(fp, html ? "<p class=\"note\">%s%zu point%s only in the base and %zu only in the new run: not "
			"compared%s</p>\n" : "\n%s%zu point%s only in the base and %zu only in the new run: not compared%s\n",
			md ? "_" : "", g->only_base, g->only_base == 1 ? "" : "s", g->only_new, md ? "_" : "");
	if (html)
		return rc;
	if (nreg)
		fprintf(fp, "\n%s%zu regression%s%s\n", md ? "**" : "", nreg, nreg == 1 ? "" : "s", md ? "**" : "");
	else
		fprintf(fp, "\nno regression\n");
	return rc;
}

/* ---- JSON ---- */

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *side_json(const struct cmp_side *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "file", json_string(s->path));
	json_object_set_new(o, "cpu_model", jstr_or_null(cmp_side_str(s, "cpu_model")));
	json_object_set_new(o, "cores", emit_json_number(s->cores));
	json_object_set_new(o, "loadavg_before", emit_json_number(cmp_side_num(s, "loadavg_before")));
	json_object_set_new(o, "loadavg_after", emit_json_number(cmp_side_num(s, "loadavg_after")));
	json_object_set_new(o, "date", jstr_or_null(cmp_side_str(s, "date")));
	json_object_set_new(o, "git_commit", jstr_or_null(cmp_side_str(s, "git_commit")));
	json_object_set_new(o, "meta", json_string(s->meta ? "ok" : s->meta_bad ? "unreadable" : "missing"));
	json_object_set_new(o, "busy", json_boolean(cmp_side_busy(s)));
	return o;
}

static json_t *item_json(const struct gate_item *it)
{
	json_t *j = json_object();

	json_object_set_new(j, "backend", json_string(it->g->backend));
	json_object_set_new(j, "workload", json_string(it->g->workload));
	json_object_set_new(j, "p", emit_json_number(it->g->p));
	json_object_set_new(j, "label", json_string(it->g->label));
	json_object_set_new(j, "scaling", json_string(it->g->weak ? "weak" : "strong"));
	json_object_set_new(j, "n", emit_json_number(it->n));
	json_object_set_new(j, "base", emit_json_number(it->base));
	json_object_set_new(j, "new", emit_json_number(it->new_));
	if (it->kind == GATE_PFIT) {
		json_object_set_new(j, "base_lo", emit_json_number(it->b_lo));
		json_object_set_new(j, "base_hi", emit_json_number(it->b_hi));
		json_object_set_new(j, "new_lo", emit_json_number(it->n_lo));
		json_object_set_new(j, "new_hi", emit_json_number(it->n_hi));
	} else {
		json_object_set_new(j, "base_reps", json_integer((json_int_t)it->nb));
		json_object_set_new(j, "new_reps", json_integer((json_int_t)it->nn));
		json_object_set_new(j, "p_worse", emit_json_number(it->p_worse));
		json_object_set_new(j, "p_better", emit_json_number(it->p_better));
	}
	json_object_set_new(j, "ratio", emit_json_number(it->ratio.est));
	json_object_set_new(j, "ratio_lo", emit_json_number(it->ratio.lo));
	json_object_set_new(j, "ratio_hi", emit_json_number(it->ratio.hi));
	json_object_set_new(j, "judged", json_boolean(it->judged));
	json_object_set_new(j, "verdict", json_string(gate_verdict_name[it->v]));
	return j;
}

static int print_json(const struct comparison *c, FILE *fp)
{
	static const char *const key[] = { [GATE_TIME] = "times", [GATE_SPEEDUP] = "speedups", [GATE_PFIT] = "p_fit" };
	const struct gate *g = c->g;
	json_t *o = json_object(), *arr[3];
	int rc;

	json_object_set_new(o, "mode", json_string(g->paired ? "paired" : "files"));
	json_object_set_new(o, "metric", json_string(c->metric == GATE_CPU ? "cpu" : "wall"));
	json_object_set_new(o, "base", side_json(&c->base));
	if (g->paired) {
		json_object_set_new(o, "base_name", json_string(c->base_name));
		json_object_set_new(o, "candidate_name", json_string(c->candidate));
	} else {
		json_object_set_new(o, "new", side_json(&c->new_));
		json_object_set_new(o, "same_machine", json_boolean(c->same));
		json_object_set_new(o, "machine_note", json_string(c->why));
		json_object_set_new(o, "times_judged", json_boolean(c->judge_times));
	}
	json_object_set_new(o, "threshold", json_real(c->threshold));
	json_object_set_new(o, "alpha", json_real(c->alpha));
	json_object_set_new(o, "judged", json_integer((json_int_t)g->family));
	json_object_set_new(o, "test", json_string(g->paired ?
		"one-sided exact Wilcoxon signed-rank on the per-round log-ratios" :
		"one-sided exact Mann-Whitney U (ties included; normal approximation for large samples)"));
	json_object_set_new(o, "interval", json_pack("{s:s,s:f,s:s}", "method", g->paired ?
		"distribution-free interval of the per-round ratios (inverted signed-rank, Hodges-Lehmann)" :
		"distribution-free interval of the ratio (inverted Mann-Whitney); P: jackknife standard errors",
		"level", g->level, "family", "simultaneous at 1 - alpha over every judged comparison (Bonferroni)"));
	for (int k = 0; k < 3; k++)
		arr[k] = json_array();
	for (size_t i = 0; i < g->nitems; i++)
		json_array_append_new(arr[g->items[i].kind], item_json(&g->items[i]));
	for (int k = 0; k < 3; k++)
		json_object_set_new(o, key[k], arr[k]);
	json_object_set_new(o, "only_in_base", json_integer((json_int_t)g->only_base));
	json_object_set_new(o, "only_in_new", json_integer((json_int_t)g->only_new));
	json_object_set_new(o, "regressions", json_integer((json_int_t)gate_regressions(g)));
	rc = emit_json_print(o, fp);
	json_decref(o);
	return rc;
}

int comparison_print(const struct comparison *c, enum emit_format f, FILE *fp)
{
	int rc = f == EMIT_JSON ? print_json(c, fp) : print_text(c, f, fp);

	return rc < 0 || ferror(fp) ? -1 : 0;
}

int comparison_regression_text(const struct comparison *c, size_t i, char *buf, size_t len)
{
	static const char *const what[] = { [GATE_TIME] = "wall time", [GATE_SPEEDUP] = "speedup",
					    [GATE_PFIT] = "fitted P" };
	const struct gate *g = c->g;
	const struct gate_item *it = &g->items[i];
	const char *time = c->metric == GATE_CPU ? "CPU time" : what[GATE_TIME];
	char name[CSV_NAME_MAX * 2 + CSV_LABEL_MAX + 64], a[32], b[64], d[32];

	if (it->v != GATE_REGRESSION)
		return 0;
	item_name(c, it, name, sizeof(name));
	one_line(name);
	if (it->kind == GATE_PFIT)
		snprintf(buf, len, "%s: fitted P %.4f -> %.4f [%.4f, %.4f]; the law's speedup at N=%g %s (%.4g%% CI %s)",
			 name, it->base, it->new_, it->n_lo, it->n_hi, it->n, pct(a, sizeof(a), it->ratio.est),
			 100 * g->level, ci_text(b, sizeof(b), it->ratio.lo, it->ratio.hi));
	else
		snprintf(buf, len, "%s n=%g: %s %.6g -> %.6g, %s (%.4g%% CI %s, p %s)", name, it->n,
			 it->kind == GATE_TIME ? time : what[it->kind], it->base, it->new_, pct(a, sizeof(a), it->ratio.est),
			 100 * g->level, ci_text(b, sizeof(b), it->ratio.lo, it->ratio.hi),
			 pval_text(d, sizeof(d), it->p_worse));
	return 1;
}

void comparison_report_regressions(const struct comparison *c)
{
	char text[900];

	for (size_t i = 0; i < c->g->nitems; i++)
		if (comparison_regression_text(c, i, text, sizeof(text)))
			errorf("regression: %s", text);
}
