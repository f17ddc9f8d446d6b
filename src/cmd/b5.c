/*
 * amdahl b5: the talk's Buy Beer Brought By Bicycle pipeline, measured. For
 * every backend x wait mode x pickers x bikes x messengers, --reps runs, each
 * in a forked child with a deadline (isolate.c), so a hung pipeline is a
 * reported failure and every finished row is kept. One CSV row per run beside
 * the pipeline's law (src/b5/b5.h); a run that loses or duplicates an order
 * keeps its row and makes the exit status 1.
 */
#include "cmd.h"
#include "../b5/b5.h"
#include "../results/b5_csv.h"
#include "../engine/engine.h"
#include "../base/list.h"
#include "../base/options.h"
#include "../engine/meta.h"
#include "../engine/output.h"
#include "../models/stats.h"
#include "../base/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

struct b5_opts {
	const char *backend, *messengers, *pickers, *bikes, *wait, *out, *meta;
	int orders, reps, quiet, fault;
	double pick_ms, deliver_ms, poll_ms, timeout;
};

static const char *const b5_faults[] = {
	[B5_FAULT_NONE] = "none", [B5_FAULT_LOSE] = "lose", [B5_FAULT_DUPLICATE] = "duplicate",
	[B5_FAULT_HANG] = "hang", [B5_FAULT_CRASH] = "crash", NULL,
};

#define B5_AT(field) OPTION_AT(struct b5_opts, field)
#define B5_MS(nm, field, hi, dflt, text) \
	{ .name = nm, .kind = OPTION_DECIMAL, .metavar = "MS", .min = 0, .max = hi, .def = dflt, B5_AT(field), \
	  .expect = "milliseconds from 0 to " #hi, .help = text }

static const struct option_spec b5_specs[] = {
	{ .name = "backend", .short_name = 'b', .kind = OPTION_STRING, .metavar = "LIST", .def = "thread",
	  B5_AT(backend), .help = "thread, gil, green, process" },
	{ .name = "messengers", .short_name = 'm', .kind = OPTION_STRING, .metavar = "LIST", .def = "10",
	  B5_AT(messengers), .help = "messengers: 1,2,4 or 1-8 or 1..64:x2" },
	{ .name = "pickers", .kind = OPTION_STRING, .metavar = "LIST", .def = "3", B5_AT(pickers),
	  .help = "order pickers" },
	{ .name = "bikes", .kind = OPTION_STRING, .metavar = "LIST", .def = "15", B5_AT(bikes),
	  .help = "cargo bikes" },
	{ .name = "orders", .kind = OPTION_INT, .metavar = "N", .min = 1, .max = B5_ORDERS_MAX, .def = "30",
	  B5_AT(orders), .help = "orders per run" },
	B5_MS("pick-ms", pick_ms, 60000, "5", "time to load one bike"),
	B5_MS("deliver-ms", deliver_ms, 60000, "10", "time to deliver one order"),
	{ .name = "wait", .kind = OPTION_STRING, .metavar = "cond|poll", .def = "cond", B5_AT(wait),
	  .help = "how workers wait for an item: cond blocks on the\nqueue's condition variable; poll is the "
	  "talk's\nwhile True: try, sleep --poll-ms, try again; both:\ncond,poll" },
	B5_MS("poll-ms", poll_ms, 1000, "1", "pause between polls; 0 yields"),
	{ .name = "reps", .short_name = 'r', .kind = OPTION_INT, .metavar = "R", .min = 1, .max = 100000,
	  .def = "3", B5_AT(reps), .help = "runs per point" },
	{ .name = "timeout", .kind = OPTION_DECIMAL, .flags = OPTION_SECONDS | OPTION_MIN_OPEN, .min = 0,
	  .max = 7 * 86400, .expect = "a positive number of seconds (at most 7 days)", B5_AT(timeout),
	  .help = "per run (default 60 + 10 x the least wall)" },
	{ .name = "out", .short_name = 'o', .kind = OPTION_STRING, .metavar = "FILE", B5_AT(out),
	  .help = "CSV file (default stdout); metadata in FILE.meta.json" },
	{ .name = "meta", .kind = OPTION_STRING, .metavar = "FILE", B5_AT(meta),
	  .help = "write the metadata (JSON) here (default FILE.meta.json\nbeside -o FILE; none for stdout, a device "
	  "or a pipe)" },
	{ .name = "fault", .kind = OPTION_CHOICE, .metavar = "KIND", .choices = b5_faults, .def = "none",
	  B5_AT(fault), .help = "test the harness: one messenger loses or duplicates\nan order, hangs, or "
	  "crashes (lose, duplicate, hang,\ncrash)" },
	{ .name = "quiet", .short_name = 'q', .kind = OPTION_FLAG, B5_AT(quiet),
	  .help = "no progress and no summary on stderr" },
	{ .name = NULL },
};

static void b5_usage_more(FILE *fp)
{
	fputs("\nThe law: with pick time p, delivery time d, P pickers, M messengers and B bikes,\n"
	      "throughput <= bound = min(P/p, M/d, B/(p+d)) orders/s (a bike is out for a pick\n"
	      "and a delivery); a run of n orders takes at least wall_min_s =\n"
	      "max(ceil(n/P)p + d, p + ceil(n/M)d, ceil(n/B)(p+d)), fill and drain included;\n"
	      "attained = wall_min_s / wall_s.\n\nbackends:\n", fp);
	for (const struct b5_backend *const *b = b5_backend_registry; *b; b++)
		fprintf(fp, "  %-10s %s\n", (*b)->name, (*b)->summary);
	fputs("\nexample:\n  amdahl b5 --backend thread,gil,green,process --messengers 1,2,4,16 \\\n"
	      "      --pickers 3 --bikes 15 --orders 30 --pick-ms 5 --deliver-ms 10 -o b5.csv\n", fp);
}

static const struct options_usage b5_usage = {
	.cmd = "b5",
	.about = "Buy Beer Brought By Bicycle: a dispatcher puts --orders orders in a queue;\n"
		 "order pickers take an order and an empty bike, load it (--pick-ms) and queue\n"
		 "the loaded bike; messengers deliver it (--deliver-ms), park the bike back in\n"
		 "the empty queue and mark the order done; the dispatcher joins the order queue.\n"
		 "One CSV row per run. Each run is checked: every order delivered exactly once,\n"
		 "or the run fails (exit 1, its row kept).",
	.specs = b5_specs,
	.csv_columns = b5_csv_header,
	.more = b5_usage_more,
};

/* The most workers of one kind this user may start: B5_WORKERS_MAX, lowered by RLIMIT_NPROC. */
static int max_workers(void)
{
	struct rlimit rl;
	int max = B5_WORKERS_MAX;

	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		rlim_t room = rl.rlim_cur > 64 ? rl.rlim_cur - 64 : 1;
		if (room < (rlim_t)max)
			max = (int)room;
	}
	return max;
}

/* Everything the runs need, resolved and checked before anything is written. */
struct b5_plan {
	const struct b5_backend *backends[16];
	size_t nbackends;
	enum b5_wait waits[2];
	size_t nwaits;
	struct int_list ms, ps, bs;
};

static void plan_free(struct b5_plan *pl)
{
	list_free_n(&pl->ms);
	list_free_n(&pl->ps);
	list_free_n(&pl->bs);
}

static int plan_make(const struct b5_opts *o, struct b5_plan *pl)
{
	char **words, err[256];
	int rc = 0, max = max_workers();

	memset(pl, 0, sizeof(*pl));
	words = split_commas(o->backend, NULL);
	for (char **w = words; *w && rc == 0; w++) {
		const struct b5_backend *b = b5_backend_find(*w);
		int dup = 0;
		if (!b) {
			usagef("b5", "unknown backend '%s': expected thread, gil, green or process", *w);
			rc = -1;
			break;
		}
		for (size_t i = 0; i < pl->nbackends; i++)
			dup |= pl->backends[i] == b;
		if (!dup && pl->nbackends < ARRAY_SIZE(pl->backends))
			pl->backends[pl->nbackends++] = b;
	}
	free_words(words);
	if (rc < 0)
		return -1;
	words = split_commas(o->wait, NULL);
	for (char **w = words; *w && rc == 0; w++) {
		enum b5_wait wm;
		int dup = 0;
		if (strcmp(*w, "cond") == 0)
			wm = B5_WAIT_COND;
		else if (strcmp(*w, "poll") == 0)
			wm = B5_WAIT_POLL;
		else {
			usagef("b5", "bad --wait '%s': expected cond, poll or cond,poll", *w);
			rc = -1;
			break;
		}
		for (size_t i = 0; i < pl->nwaits; i++)
			dup |= pl->waits[i] == wm;
		if (!dup)
			pl->waits[pl->nwaits++] = wm;
	}
	free_words(words);
	if (rc < 0)
		return -1;
	if (list_parse_n(o->messengers, max, &pl->ms, err, sizeof(err)) < 0) {
		usagef("b5", "bad --messengers: %s", err);
		return -1;
	}
	if (list_parse_n(o->pickers, max, &pl->ps, err, sizeof(err)) < 0) {
		usagef("b5", "bad --pickers: %s", err);
		plan_free(pl);
		return -1;
	}
	if (list_parse_n(o->bikes, B5_WORKERS_MAX, &pl->bs, err, sizeof(err)) < 0) {
		usagef("b5", "bad --bikes: %s", err);
		plan_free(pl);
		return -1;
	}
	return 0;
}

/* B5 as the engine's client: its points are the configurations, its reporter writes B5 rows. */
struct b5_run {
	const struct b5_opts *o;
	struct b5_config *configs;
	const struct b5_backend **backends;	/* of each configuration */
	size_t nconfigs;
	FILE *out;
	struct b5_row *rows;			/* kept for the summary */
	size_t nrows, cap;
	int write_error;
};

/* One measured row, kept for the summary. */
struct b5_row {
	size_t config;
	double throughput, cpu_s;
};

/* Every configuration: backend x wait x pickers x bikes x messengers, in that order. */
static void b5_configs(struct b5_run *br, const struct b5_plan *pl)
{
	const struct b5_opts *o = br->o;
	size_t n = pl->nbackends * pl->nwaits * pl->ps.len * pl->bs.len * pl->ms.len, k = 0;

	br->configs = xcalloc(n + 1, sizeof(*br->configs));
	br->backends = xcalloc(n + 1, sizeof(*br->backends));
	for (size_t bi = 0; bi < pl->nbackends; bi++)
		for (size_t wi = 0; wi < pl->nwaits; wi++)
			for (size_t pi = 0; pi < pl->ps.len; pi++)
				for (size_t ki = 0; ki < pl->bs.len; ki++)
					for (size_t mi = 0; mi < pl->ms.len; mi++, k++) {
						br->backends[k] = pl->backends[bi];
						br->configs[k] = (struct b5_config){
							.messengers = pl->ms.v[mi], .pickers = pl->ps.v[pi],
							.bikes = pl->bs.v[ki], .orders = o->orders,
							.pick_s = o->pick_ms / 1e3, .deliver_s = o->deliver_ms / 1e3,
							.wait = pl->waits[wi], .poll_s = o->poll_ms / 1e3,
							.fault = (enum b5_fault)o->fault,
						};
					}
	br->nconfigs = n;
}

/* In the child: one run of the pipeline, then one message. */
static int b5_visit(void *ctx, size_t point, int first, int n, struct engine_child *ch)
{
	const struct b5_run *br = ctx;
	struct b5_result r;
	char err[sizeof(r.err)] = "";

	(void)n;
	memset(&r, 0, sizeof(r));
	if (b5_run(br->backends[point], &br->configs[point], &r, err, sizeof(err)) < 0 || !r.ok)
		return engine_child_error(ch, err[0] ? err : r.err[0] ? r.err : "the pipeline failed");
	return engine_child_rep(ch, first, &r) < 0 ? 1 : 0;
}

static void b5_name(void *ctx, size_t point, char *buf, size_t len)
{
	const struct b5_run *br = ctx;
	const struct b5_config *c = &br->configs[point];

	snprintf(buf, len, "%s %s messengers=%d pickers=%d bikes=%d", br->backends[point]->name,
		 c->wait == B5_WAIT_POLL ? "poll" : "cond", c->messengers, c->pickers, c->bikes);
}

static double b5_timeout(void *ctx, size_t point)
{
	const struct b5_run *br = ctx;
	struct b5_bound bound;

	b5_bound(&br->configs[point], &bound);
	return br->o->timeout > 0 ? br->o->timeout : 60 + 10 * bound.wall_min_s;
}

/* The reporter: a row per run, written whole; a run that lost an order keeps its row and fails. */
static int b5_on_row(void *ctx, size_t point, int rep, const void *data)
{
	struct b5_run *br = ctx;
	const struct b5_config *c = &br->configs[point];
	struct b5_result r;
	char what[200];

	memcpy(&r, data, sizeof(r));
	r.err[sizeof(r.err) - 1] = '\0';
	if (!br->write_error && b5_csv_write_row(br->out, br->backends[point]->name, rep, c, &r) < 0)
		br->write_error = 1;
	if (br->nrows == br->cap) {
		br->cap = br->cap ? 2 * br->cap : 64;
		br->rows = xrealloc(br->rows, br->cap * sizeof(*br->rows));
	}
	br->rows[br->nrows++] = (struct b5_row){ point, c->orders / r.wall_s, r.cpu_s };
	if (b5_result_exact(&r))
		return 0;
	b5_name(ctx, point, what, sizeof(what));
	errorf("%s rep %d: %d of %d orders delivered, %d lost, %d duplicated, %d misrouted", what, rep + 1,
	       r.delivered, c->orders, r.lost, r.duplicated, r.misrouted);
	return -1;
}

static void b5_on_failure(void *ctx, size_t point, const struct engine_failure *f)
{
	char what[200];

	b5_name(ctx, point, what, sizeof(what));
	if (f->kind == ENGINE_FAIL_TIMEOUT)
		errorf("%s: the pipeline did not finish in %g s; %s", what, f->timeout_s, f->ended);
	else
		errorf("%s: %s", what, f->why);
}

/* Medians per configuration on stderr, beside the law. */
static void b5_summary(void *ctx, const struct engine_outcome *eo)
{
	const struct b5_run *br = ctx;
	double *tp = xcalloc(br->nrows + 1, sizeof(*tp)), *cpu = xcalloc(br->nrows + 1, sizeof(*cpu));

	(void)eo;
	if (br->o->quiet || br->nrows == 0)
		goto out;
	fprintf(stderr, "%-8s %-4s %7s %5s %10s %11s %11s %8s %9s %-10s\n", "backend", "wait", "pickers",
		"bikes", "messengers", "orders/s", "bound", "attained", "cpu_s", "bottleneck");
	for (size_t p = 0; p < br->nconfigs; p++) {
		const struct b5_config *c = &br->configs[p];
		struct b5_bound b;
		double median;
		size_t n = 0;

		for (size_t j = 0; j < br->nrows; j++)
			if (br->rows[j].config == p) {
				tp[n] = br->rows[j].throughput;
				cpu[n++] = br->rows[j].cpu_s;
			}
		if (n == 0)
			continue;
		b5_bound(c, &b);
		median = stats_median(tp, n);
		fprintf(stderr, "%-8s %-4s %7d %5d %10d %11.1f %11.1f %8.2f %9.4f %-10s\n", br->backends[p]->name,
			c->wait == B5_WAIT_POLL ? "poll" : "cond", c->pickers, c->bikes, c->messengers, median, b.rate,
			median * b.wall_min_s / c->orders, stats_median(cpu, n), b.bottleneck);
	}
out:
	free(tp);
	free(cpu);
}

/* The lists are in range already; this checks the times against the law's limits. */
static int b5_check_times(const struct b5_opts *o, const struct b5_plan *pl)
{
	struct b5_config c = {
		.messengers = pl->ms.v[0], .pickers = pl->ps.v[0], .bikes = pl->bs.v[0], .orders = o->orders,
		.pick_s = o->pick_ms / 1e3, .deliver_s = o->deliver_ms / 1e3, .poll_s = o->poll_ms / 1e3,
	};
	char err[256];

	if (b5_config_check(&c, err, sizeof(err)) < 0) {
		usagef("b5", "%s", err);
		return -1;
	}
	return 0;
}

/* Measure every configuration through the engine; the outcome for the output's close. */
static void b5_measure(struct b5_run *br, struct output_outcome *oc)
{
	struct engine_plan plan = {
		.ctx = br, .npoints = br->nconfigs, .reps = br->o->reps, .order = ENGINE_POINTS,
		.one_rep_a_visit = 1, .data_size = sizeof(struct b5_result), .visit = b5_visit,
		.timeout = b5_timeout, .name = b5_name,
	};
	struct engine_reporter rep = {
		.ctx = br, .row = b5_on_row, .failure = b5_on_failure, .summary = b5_summary,
	};
	struct engine_outcome eo;

	if (b5_csv_write_header(br->out) < 0)
		br->write_error = 1;
	engine_open();
	engine_run(&plan, &rep, !br->o->quiet && isatty(STDERR_FILENO), &eo);
	engine_close();
	*oc = (struct output_outcome){ .rows = br->nrows, .failed = eo.failures > 0, .failures = eo.failures,
				       .unit = "run", .interrupted = eo.interrupted, .write_error = br->write_error };
}

int cmd_b5(int argc, char **argv)
{
	struct b5_opts o;
	struct b5_plan pl;
	struct b5_run br;
	struct output out;
	struct output_outcome oc;
	char err[4400];
	json_t *meta;
	int rc, argi;

	memset(&o, 0, sizeof(o));
	if ((rc = options_command(&b5_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return rc;
	if (plan_make(&o, &pl) < 0)
		return EXIT_USAGE;
	if (b5_check_times(&o, &pl) < 0) {
		plan_free(&pl);
		return EXIT_USAGE;
	}
	if (output_open(&out, o.out, o.meta, o.quiet, err, sizeof(err)) < 0) {
		errorf("%s", err);
		plan_free(&pl);
		return EXIT_USAGE;
	}
	meta = meta_new(argc + 1, argv - 1);
	memset(&br, 0, sizeof(br));
	br.o = &o;
	br.out = out.fp;
	b5_configs(&br, &pl);
	b5_measure(&br, &oc);
	json_object_set_new(meta, "b5", json_pack("{s:i,s:f,s:f,s:f,s:i}", "orders", o.orders, "pick_ms",
						  o.pick_ms, "deliver_ms", o.deliver_ms, "poll_ms", o.poll_ms,
						  "reps", o.reps));
	if (!isnan(meta_loadavg()))
		json_object_set_new(meta, "loadavg_after", json_real(meta_loadavg()));
	rc = output_close(&out, meta, &oc);
	json_decref(meta);
	free(br.rows);
	free(br.configs);
	free(br.backends);
	plan_free(&pl);
	return rc;
}
