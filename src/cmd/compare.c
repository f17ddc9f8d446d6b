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

/* Default thresholds: two runs of a baseline file, and two programs of one run, paired by round. */
#define CMP_THRESHOLD 0.05
#define CMP_THRESHOLD_PAIRED 0.02

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

struct side {
	const char *path;
	struct result *rows;
	size_t nrows;
	struct fit_group *groups;
	size_t ngroups;
	json_t *meta;			/* NULL when there is no readable sidecar */
	int meta_bad;			/* a sidecar exists but cannot be read */
	double cores;
};

/* ---- input ---- */

static int side_read(struct side *s, const char *path, char *err, size_t errlen)
{
	char mp[4200];
	FILE *fp;

	memset(s, 0, sizeof(*s));
	s->path = path;
	if (csv_read_results(path, &s->rows, &s->nrows, err, errlen) < 0)
		return -1;
	fit_group_rows(s->rows, s->nrows, &s->groups, &s->ngroups);
	s->cores = s->rows[0].cores;
	for (size_t i = 1; i < s->nrows; i++)
		if (s->rows[i].cores != s->cores)
			s->cores = NAN;	/* rows from different machines: unknown */
	meta_path_for(path, mp, sizeof(mp));
	s->meta = meta_read(mp);
	if (!s->meta && (fp = fopen(mp, "r")) != NULL) {
		s->meta_bad = 1;
		fclose(fp);
	}
	return 0;
}

static void side_free(struct side *s)
{
	fit_groups_free(s->groups, s->ngroups);
	free(s->rows);
	json_decref(s->meta);
}

static const char *meta_str(const struct side *s, const char *key)
{
	json_t *v = s->meta ? json_object_get(s->meta, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static double meta_num(const struct side *s, const char *key)
{
	json_t *v = s->meta ? json_object_get(s->meta, key) : NULL;

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/*
 * Whether the two runs come from the same machine: the cores columns, then
 * the sidecars' CPU model and cores. why gets the difference; 1 when unknown
 * but nothing says otherwise.
 */
static int same_machine(const struct side *b, const struct side *n, char *why, size_t len)
{
	const char *cb = meta_str(b, "cpu_model"), *cn = meta_str(n, "cpu_model");
	double kb = meta_num(b, "cores"), kn = meta_num(n, "cores");

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

/* ---- output ---- */

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

static void side_line(const struct side *s, char *buf, size_t len)
{
	const char *cpu = meta_str(s, "cpu_model"), *date = meta_str(s, "date");
	double lb = meta_num(s, "loadavg_before"), la = meta_num(s, "loadavg_after");
	size_t off;

	off = (size_t)snprintf(buf, len, "%s, %g cores", cpu ? cpu : "unknown CPU", s->cores);
	if (off < len && isfinite(lb))
		off += (size_t)snprintf(buf + off, len - off, ", load %.2f -> %s", lb,
					isfinite(la) ? "" : "?");
	if (off < len && isfinite(lb) && isfinite(la))
		off += (size_t)snprintf(buf + off, len - off, "%.2f", la);
	if (off < len && date)
		off += (size_t)snprintf(buf + off, len - off, ", %s", date);
	if (off < len && !s->meta)
		snprintf(buf + off, len - off, s->meta_bad ? ", unreadable meta.json" : ", no meta.json");
}

/*
 * A run measured on a busy machine: other work already held half its cores
 * when it started (load average before it above cores/2), or the load after
 * it was above twice the cores (its own workers count for at most the cores).
 * Two such runs differ by the load, not by the code.
 */
static int busy(const struct side *s)
{
	double before = meta_num(s, "loadavg_before"), after = meta_num(s, "loadavg_after");

	return isfinite(s->cores) && ((isfinite(before) && before > s->cores / 2) ||
				      (isfinite(after) && after > 2 * s->cores));
}

static const char *const section_title[] = {
	[GATE_TIME] = "wall time, median (new/base)",	/* "CPU time, …" with --metric cpu */
	[GATE_SPEEDUP] = "speedup, median (new/base)",
	[GATE_PFIT] = "fitted P (change: the law's speedup at N with it)",
};

/* What was compared, for the output: the runs, the machines, the options. */
struct report {
	const struct opts *o;
	const struct gate *g;
	const struct side *sb, *sn;	/* sn is sb in paired mode */
	const char *machine;		/* one line on the machines */
	int same, judge_times;
	const char *why;
};

/* A label may hold newlines and, in markdown, pipes: keep each row on one line. */
static void sanitize(char *s, size_t len, int markdown)
{
	char out[CSV_LABEL_MAX + 400];
	size_t k = 0;

	for (const char *c = s; *c && k + 2 < sizeof(out); c++) {
		if (markdown && (*c == '|' || *c == '`' || *c == '*' || *c == '_'))
			out[k++] = '\\';
		out[k++] = (unsigned char)*c < ' ' ? ' ' : *c;
	}
	out[k] = '\0';
	if (k >= len)
		k = len - 1;
	memcpy(s, out, k);
	s[k] = '\0';
}

/* The rule and the family, in one sentence. */
static void rule_line(const struct report *r, int markdown)
{
	const struct gate *g = r->g;

	printf("%sa change counts when its whole interval lies beyond %g%%; %zu comparison%s judged with "
	       "simultaneous intervals (each at %.4g%%, Bonferroni for alpha %g)%s; p: one-sided %s in the "
	       "direction of the change, unadjusted\n", markdown ? "- " : "  ", r->o->threshold * 100, g->family,
	       g->family == 1 ? "" : "s", 100 * g->level, r->o->alpha,
	       g->paired ? ", distribution-free intervals of the per-round ratios (exact signed-rank)" :
	       ", distribution-free intervals of the ratio (exact Mann-Whitney)",
	       g->paired ? "exact signed-rank" : "exact Mann-Whitney");
}

static void header_lines(const struct report *r, int markdown, size_t nreg)
{
	char lb[600], ln[600];

	side_line(r->sb, lb, sizeof(lb));
	side_line(r->sn, ln, sizeof(ln));
	if (markdown) {
		printf("### amdahl compare: %s\n\n", nreg ? ":x: regression" : ":white_check_mark: no regression");
		if (r->g->paired)
			printf("- `%s`: candidate `%s` against base `%s`, paired by round: %s\n", r->sb->path,
			       r->o->candidate, r->o->base, lb);
		else
			printf("- base `%s`: %s\n- new `%s`: %s\n- %s\n", r->sb->path, lb, r->sn->path, ln, r->machine);
	} else if (r->g->paired) {
		printf("amdahl compare --paired '%s': candidate '%s' against base '%s', round by round\n  %s\n",
		       r->sb->path, r->o->candidate, r->o->base, lb);
	} else {
		printf("amdahl compare: base '%s', new '%s'\n  base: %s\n  new:  %s\n  %s\n", r->sb->path,
		       r->sn->path, lb, ln, r->machine);
	}
	rule_line(r, markdown);
	for (int i = 0; i < (r->g->paired ? 1 : 2); i++) {
		const struct side *s = i ? r->sn : r->sb;
		if (busy(s) && !r->g->paired)
			printf("%s%s run was measured while other work held its %g cores (load %.2f before, %.2f "
			       "after): its times and scaling say as much about that work as about the code, so "
			       "nothing is judged; compare --paired measures two programs under the same load\n",
			       markdown ? "- **busy machine**: the " : "  busy machine: the ", i ? "new" : "base", s->cores,
			       meta_num(s, "loadavg_before"), meta_num(s, "loadavg_after"));
	}
}

static void section_header(const struct report *r, const struct gate_item *it, int markdown)
{
	int k = it->kind, cpu = r->o->metric == GATE_CPU;
	char lvl[32];
	const char *title = k != GATE_TIME ? section_title[k] :
		r->g->paired ? (cpu ? "CPU time, paired by round (candidate/base)" :
				"wall time, paired by round (candidate/base)") :
		cpu ? "CPU time, median (new/base)" : section_title[k];

	snprintf(lvl, sizeof(lvl), "%.4g%%", 100 * r->g->level);
	if (k == GATE_SPEEDUP && it->of_ceiling)
		printf("\n%sspeedups over different core counts are compared as fractions of each run's ceiling "
		       "1/((1-p)+p/min(N,cores))%s", markdown ? "_" : "", markdown ? "_\n" : "");
	if (markdown && k == GATE_PFIT)
		printf("\n**%s**\n\n| point | N | base P | new P | change | %s CI | verdict |\n"
		       "|---|---:|---:|---:|---:|---|---|\n", section_title[k], lvl);
	else if (markdown)
		printf("\n**%s**\n\n| point | N | %s | base | new | change | %s CI | p | verdict |\n"
		       "|---|---:|---:|---:|---:|---:|---|---:|---|\n", title, r->g->paired ? "rounds" : "reps", lvl);
	else if (k == GATE_PFIT)
		printf("\n%s\n%-28s %5s %-26s %-26s %8s  %-18s %s\n", section_title[k], "point", "n", "base_p",
		       "new_p", "change", "ci", "verdict");
	else
		printf("\n%s\n%-28s %5s %7s %10s %10s %8s  %-18s %6s  %s\n", title, "point", "n",
		       r->g->paired ? "rounds" : "reps", "base", "new", "change", "ci", "p", "verdict");
}

static void print_item(const struct report *r, const struct gate_item *it, int markdown)
{
	char name[CSV_LABEL_MAX + 200], a[64], b[64], d[64], e[64], f[64], pv[32];
	const char *v = gate_verdict_name[it->v], *em = it->v == GATE_REGRESSION && markdown ? "**" : "";
	const char *change = pct(d, sizeof(d), it->ratio.est), *ci = ci_text(e, sizeof(e), it->ratio.lo, it->ratio.hi);

	if (r->g->paired)	/* the point is the same for both programs: name the pair */
		snprintf(name, sizeof(name), "%s / %s", r->o->candidate, r->o->base);
	else
		fit_group_name(it->g, name, sizeof(name));
	sanitize(name, sizeof(name), markdown);
	if (it->kind == GATE_PFIT) {
		p_text(a, sizeof(a), it->base, it->b_lo, it->b_hi);
		p_text(b, sizeof(b), it->new_, it->n_lo, it->n_hi);
		if (markdown)
			printf("| %s | %g | %s | %s | %s | %s | %s%s%s |\n", name, it->n, a, b, change, ci, em, v, em);
		else
			printf("%-28s %5g %-26s %-26s %8s  %-18s %s\n", name, it->n, a, b, change, ci, v);
		return;
	}
	snprintf(f, sizeof(f), "%zu/%zu", it->nb, it->nn);
	snprintf(a, sizeof(a), it->kind == GATE_TIME ? "%.6f" : "%.4f", it->base);
	snprintf(b, sizeof(b), it->kind == GATE_TIME ? "%.6f" : "%.4f", it->new_);
	if (markdown)
		printf("| %s | %g | %s | %s%s | %s%s | %s | %s | %s | %s%s%s |\n", name, it->n, f, a,
		       it->kind == GATE_TIME ? " s" : "", b, it->kind == GATE_TIME ? " s" : "", change, ci,
		       pval_text(pv, sizeof(pv), shown_p(it)), em, v, em);
	else
		printf("%-28s %5g %7s %10s %10s %8s  %-18s %6s  %s\n", name, it->n, f, a, b, change, ci,
		       pval_text(pv, sizeof(pv), shown_p(it)), v);
}

static void print_text(const struct report *r, int markdown)
{
	const struct gate *g = r->g;
	size_t nreg = gate_regressions(g);

	header_lines(r, markdown, nreg);
	for (int k = GATE_TIME; k <= GATE_PFIT; k++) {
		int header = 0;
		for (size_t i = 0; i < g->nitems; i++) {
			const struct gate_item *it = &g->items[i];
			if (it->kind != (enum gate_kind)k)
				continue;
			if (!header)
				section_header(r, it, markdown);
			header = 1;
			print_item(r, it, markdown);
		}
	}
	if (g->only_base || g->only_new)
		printf("\n%s%zu point%s only in the base and %zu only in the new run: not compared%s\n",
		       markdown ? "_" : "", g->only_base, g->only_base == 1 ? "" : "s", g->only_new,
		       markdown ? "_" : "");
	if (nreg)
		printf("\n%s%zu regression%s%s\n", markdown ? "**" : "", nreg, nreg == 1 ? "" : "s", markdown ? "**" : "");
	else
		printf("\nno regression\n");
}

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *side_json(const struct side *s)
{
	json_t *o = json_object();
	const char *cpu = meta_str(s, "cpu_model"), *date = meta_str(s, "date"), *git = meta_str(s, "git_commit");

	json_object_set_new(o, "file", json_string(s->path));
	json_object_set_new(o, "cpu_model", cpu ? json_string(cpu) : json_null());
	json_object_set_new(o, "cores", jnum(s->cores));
	json_object_set_new(o, "loadavg_before", jnum(meta_num(s, "loadavg_before")));
	json_object_set_new(o, "loadavg_after", jnum(meta_num(s, "loadavg_after")));
	json_object_set_new(o, "date", date ? json_string(date) : json_null());
	json_object_set_new(o, "git_commit", git ? json_string(git) : json_null());
	json_object_set_new(o, "meta", json_string(s->meta ? "ok" : s->meta_bad ? "unreadable" : "missing"));
	json_object_set_new(o, "busy", json_boolean(busy(s)));
	return o;
}

static json_t *item_json(const struct gate_item *it)
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
	if (it->kind == GATE_PFIT) {
		json_object_set_new(j, "base_lo", jnum(it->b_lo));
		json_object_set_new(j, "base_hi", jnum(it->b_hi));
		json_object_set_new(j, "new_lo", jnum(it->n_lo));
		json_object_set_new(j, "new_hi", jnum(it->n_hi));
	} else {
		json_object_set_new(j, "base_reps", json_integer((json_int_t)it->nb));
		json_object_set_new(j, "new_reps", json_integer((json_int_t)it->nn));
		json_object_set_new(j, "p_worse", jnum(it->p_worse));
		json_object_set_new(j, "p_better", jnum(it->p_better));
	}
	json_object_set_new(j, "ratio", jnum(it->ratio.est));
	json_object_set_new(j, "ratio_lo", jnum(it->ratio.lo));
	json_object_set_new(j, "ratio_hi", jnum(it->ratio.hi));
	json_object_set_new(j, "judged", json_boolean(it->judged));
	json_object_set_new(j, "verdict", json_string(gate_verdict_name[it->v]));
	return j;
}

static void print_json(const struct report *r)
{
	static const char *const key[] = { [GATE_TIME] = "times", [GATE_SPEEDUP] = "speedups", [GATE_PFIT] = "p_fit" };
	const struct gate *g = r->g;
	json_t *o = json_object(), *arr[3];
	char *text;

	json_object_set_new(o, "mode", json_string(g->paired ? "paired" : "files"));
	json_object_set_new(o, "metric", json_string(cmp_metrics[r->o->metric]));
	json_object_set_new(o, "base", side_json(r->sb));
	if (g->paired) {
		json_object_set_new(o, "base_name", json_string(r->o->base));
		json_object_set_new(o, "candidate_name", json_string(r->o->candidate));
	} else {
		json_object_set_new(o, "new", side_json(r->sn));
		json_object_set_new(o, "same_machine", json_boolean(r->same));
		json_object_set_new(o, "machine_note", json_string(r->why));
		json_object_set_new(o, "times_judged", json_boolean(r->judge_times));
	}
	json_object_set_new(o, "threshold", json_real(r->o->threshold));
	json_object_set_new(o, "alpha", json_real(r->o->alpha));
	json_object_set_new(o, "judged", json_integer((json_int_t)g->family));
	json_object_set_new(o, "test", json_string(g->paired ? "one-sided exact Wilcoxon signed-rank on the per-round log-ratios" :
						   "one-sided exact Mann-Whitney U (ties included; normal approximation "
						   "for large samples)"));
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
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	if (text)
		puts(text);
	free(text);
	json_decref(o);
}

/* Each regression, named with its numbers, on stderr: CI logs show it whatever the format. */
static void report_regressions(const struct report *r)
{
	const struct gate *g = r->g;
	static const char *const what[] = { [GATE_TIME] = "wall time", [GATE_SPEEDUP] = "speedup",
					    [GATE_PFIT] = "fitted P" };
	const char *time = r->o->metric == GATE_CPU ? "CPU time" : what[GATE_TIME];
	char name[CSV_LABEL_MAX + 200], a[32], b[64], d[32];

	for (size_t i = 0; i < g->nitems; i++) {
		const struct gate_item *it = &g->items[i];
		if (it->v != GATE_REGRESSION)
			continue;
		if (g->paired)
			snprintf(name, sizeof(name), "%s / %s", r->o->candidate, r->o->base);
		else
			fit_group_name(it->g, name, sizeof(name));
		sanitize(name, sizeof(name), 0);
		if (it->kind == GATE_PFIT)
			errorf("regression: %s: fitted P %.4f -> %.4f [%.4f, %.4f]; the law's speedup at N=%g %s "
			       "(%.4g%% CI %s)", name, it->base, it->new_, it->n_lo, it->n_hi, it->n,
			       pct(a, sizeof(a), it->ratio.est), 100 * g->level,
			       ci_text(b, sizeof(b), it->ratio.lo, it->ratio.hi));
		else
			errorf("regression: %s n=%g: %s %.6g -> %.6g, %s (%.4g%% CI %s, p %s)", name, it->n,
			       it->kind == GATE_TIME ? time : what[it->kind], it->base, it->new_,
			       pct(a, sizeof(a), it->ratio.est), 100 * g->level,
			       ci_text(b, sizeof(b), it->ratio.lo, it->ratio.hi), pval_text(d, sizeof(d), it->p_worse));
	}
}

/* The machines of two runs, in one line, and which gates that leaves. */
static void machine_line(struct report *r, char *buf, size_t len, char *why, size_t wlen)
{
	int b = busy(r->sb) || busy(r->sn);

	r->same = same_machine(r->sb, r->sn, why, wlen);
	r->why = why;
	r->judge_times = r->same || r->o->same_machine;
	if (r->same)
		snprintf(buf, len, "same machine%s%s%s: %s", why[0] ? " assumed (" : "", why, why[0] ? ")" : "",
			 b ? "nothing judged, a run was measured on a busy machine" : "wall times judged");
	else
		snprintf(buf, len, "different machines (%s): %s", why,
			 b ? "nothing judged, a run was measured on a busy machine" :
			 r->o->same_machine ? "wall times judged anyway (--same-machine); the scaling gate runs" :
			 "wall times shown, not judged (pass --same-machine to judge them); the scaling gate runs");
	r->machine = buf;
}

static int compare_run(const struct opts *o, char **files)
{
	struct side sb, sn;
	struct gate g;
	struct gate_opts go = { .threshold = o->threshold, .alpha = o->alpha, .metric = (enum gate_metric)o->metric };
	struct report r = { .o = o, .g = &g, .sb = &sb, .sn = &sb, .why = "" };
	char err[4400], why[700], machine[900];
	int status;

	if (side_read(&sb, files[0], err, sizeof(err)) < 0) {
		errorf("%s", err);
		return EXIT_USAGE;
	}
	if (!o->paired && side_read(&sn, files[1], err, sizeof(err)) < 0) {
		errorf("%s", err);
		side_free(&sb);
		return EXIT_USAGE;
	}
	if (o->paired) {
		if (gate_paired(&g, sb.groups, sb.ngroups, o->base, o->candidate, &go, err, sizeof(err)) < 0) {
			errorf("'%s': %s", sb.path, err);
			side_free(&sb);
			return EXIT_USAGE;
		}
	} else {
		r.sn = &sn;
		machine_line(&r, machine, sizeof(machine), why, sizeof(why));
		go.judge_times = r.judge_times;
		go.other_machine = !r.same;
		go.busy = busy(&sb) || busy(&sn);
		gate_files(&g, sb.groups, sb.ngroups, sn.groups, sn.ngroups, &go);
	}
	status = EXIT_OK;
	if (g.nitems == 0) {
		errorf("'%s' and '%s' have no point in common", sb.path, sn.path);
		status = EXIT_USAGE;
		goto out;
	}
	if (sb.meta_bad || (!o->paired && sn.meta_bad))
		warnf("cannot read the meta.json of '%s'; comparing without it", sb.meta_bad ? sb.path : sn.path);
	if (o->fmt == FMT_JSON)
		print_json(&r);
	else
		print_text(&r, o->fmt == FMT_MARKDOWN);
	report_regressions(&r);
	status = gate_regressions(&g) ? EXIT_FAILED : EXIT_OK;
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
		o.threshold = o.paired ? CMP_THRESHOLD_PAIRED : CMP_THRESHOLD;
	gsl_set_error_handler_off();
	return compare_run(&o, argv + argi);
}
