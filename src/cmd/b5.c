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
#include "../engine/isolate.h"
#include "../base/list.h"
#include "../base/options.h"
#include "../engine/meta.h"
#include "../models/stats.h"
#include "../engine/sweep.h"
#include "../base/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

struct b5_opts {
	const char *backend, *messengers, *pickers, *bikes, *wait, *out;
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
	{ .name = "fault", .kind = OPTION_CHOICE, .metavar = "KIND", .choices = b5_faults, .def = "none",
	  B5_AT(fault), .help = "test the harness: one messenger loses or duplicates\nan order, hangs, or "
	  "crashes (lose, duplicate, hang,\ncrash)" },
	{ .name = "quiet", .short_name = 'q', .kind = OPTION_FLAG, B5_AT(quiet),
	  .help = "no progress and no summary on stderr" },
	{ .name = NULL },
};

static void b5_usage_more(FILE *fp)
{
	fputs("\nCSV columns: backend,messengers,pickers,bikes,orders,delivered,lost,duplicated,\n"
	      "wall_s,cpu_s,throughput,bound,wait,rep,pick_ms,deliver_ms,poll_ms,bottleneck,\n"
	      "wall_min_s,attained,misrouted\n\n"
	      "The law: with pick time p, delivery time d, P pickers, M messengers and B bikes,\n"
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

/* The child's side of one run: the pipeline, then one message. */
struct child_arg {
	const struct b5_backend *backend;
	struct b5_config cfg;
};

static int run_child(void *arg, int fd)
{
	struct child_arg *a = arg;
	struct b5_result r;
	char err[sizeof(r.err)];

	if (b5_run(a->backend, &a->cfg, &r, err, sizeof(err)) < 0)
		snprintf(r.err, sizeof(r.err), "%s", err);
	return isolate_send(fd, &r, sizeof(r)) < 0 ? 1 : 0;
}

/* One measured row, kept for the summary. */
struct row {
	const char *backend;
	struct b5_config cfg;
	double throughput, cpu_s;
};

struct outcome {
	struct row *rows;
	size_t nrows, cap;
	size_t failed;
	int interrupted, write_error;
};

static void describe_point(char *buf, size_t len, const char *backend, const struct b5_config *c, int rep)
{
	snprintf(buf, len, "%s %s messengers=%d pickers=%d bikes=%d rep %d", backend,
		 c->wait == B5_WAIT_POLL ? "poll" : "cond", c->messengers, c->pickers, c->bikes, rep + 1);
}

/* Run one point in a child; write its row. */
static void measure(const struct b5_opts *o, const struct b5_backend *b, const struct b5_config *cfg,
		    int rep, FILE *out, struct outcome *oc)
{
	struct child_arg arg = { b, *cfg };
	struct b5_bound bound;
	struct b5_result r;
	struct isolate iso;
	char what[160];
	double timeout;
	enum isolate_read rd;

	b5_bound(cfg, &bound);
	timeout = o->timeout > 0 ? o->timeout : 60 + 10 * bound.wall_min_s;
	describe_point(what, sizeof(what), b->name, cfg, rep);
	if (isolate_start(&iso, run_child, &arg) < 0) {
		errorf("%s: cannot fork: %s", what, strerror(errno));
		oc->failed++;
		return;
	}
	memset(&r, 0, sizeof(r));
	rd = isolate_read(&iso, &r, sizeof(r), timeout, &sweep_stop);
	if (rd == ISOLATE_INTERRUPTED) {
		isolate_finish(&iso);
		oc->interrupted = 1;
		return;
	}
	if (rd == ISOLATE_TIMEOUT) {
		isolate_finish(&iso);
		errorf("%s: the pipeline did not finish in %g s; ended it", what, timeout);
		oc->failed++;
		return;
	}
	if (rd != ISOLATE_MSG) {
		char how[64];
		isolate_describe(isolate_finish(&iso), how, sizeof(how));
		errorf("%s: the run's process %s before reporting", what, how);
		oc->failed++;
		return;
	}
	isolate_finish(&iso);
	r.err[sizeof(r.err) - 1] = '\0';
	if (!r.ok) {
		errorf("%s: %s", what, r.err[0] ? r.err : "the pipeline failed");
		oc->failed++;
		return;
	}
	if (b5_csv_write_row(out, b->name, rep, cfg, &r) < 0)
		oc->write_error = 1;
	if (!b5_result_exact(&r)) {
		errorf("%s: %d of %d orders delivered, %d lost, %d duplicated, %d misrouted", what,
		       r.delivered, cfg->orders, r.lost, r.duplicated, r.misrouted);
		oc->failed++;
	}
	if (oc->nrows == oc->cap) {
		oc->cap = oc->cap ? 2 * oc->cap : 64;
		oc->rows = xrealloc(oc->rows, oc->cap * sizeof(*oc->rows));
	}
	oc->rows[oc->nrows++] = (struct row){ b->name, *cfg, cfg->orders / r.wall_s, r.cpu_s };
}

static int same_point(const struct row *a, const struct row *b)
{
	return a->backend == b->backend && a->cfg.wait == b->cfg.wait && a->cfg.messengers == b->cfg.messengers &&
	       a->cfg.pickers == b->cfg.pickers && a->cfg.bikes == b->cfg.bikes;
}

/* Medians per point on stderr, beside the law. */
static void summary(const struct outcome *oc)
{
	double *tp = xcalloc(oc->nrows + 1, sizeof(*tp)), *cpu = xcalloc(oc->nrows + 1, sizeof(*cpu));
	char *seen = xcalloc(oc->nrows + 1, 1);

	fprintf(stderr, "%-8s %-4s %7s %5s %10s %11s %11s %8s %9s %-10s\n", "backend", "wait", "pickers",
		"bikes", "messengers", "orders/s", "bound", "attained", "cpu_s", "bottleneck");
	for (size_t i = 0; i < oc->nrows; i++) {
		struct b5_bound b;
		double median;
		size_t n = 0;

		if (seen[i])
			continue;
		for (size_t j = i; j < oc->nrows; j++)
			if (!seen[j] && same_point(&oc->rows[i], &oc->rows[j])) {
				seen[j] = 1;
				tp[n] = oc->rows[j].throughput;
				cpu[n++] = oc->rows[j].cpu_s;
			}
		b5_bound(&oc->rows[i].cfg, &b);
		median = stats_median(tp, n);
		fprintf(stderr, "%-8s %-4s %7d %5d %10d %11.1f %11.1f %8.2f %9.4f %-10s\n",
			oc->rows[i].backend, oc->rows[i].cfg.wait == B5_WAIT_POLL ? "poll" : "cond",
			oc->rows[i].cfg.pickers, oc->rows[i].cfg.bikes, oc->rows[i].cfg.messengers,
			median, b.rate, median * b.wall_min_s / oc->rows[i].cfg.orders,
			stats_median(cpu, n), b.bottleneck);
	}
	free(tp);
	free(cpu);
	free(seen);
}

int cmd_b5(int argc, char **argv)
{
	struct b5_opts o;
	struct outcome oc;
	struct b5_plan pl;
	char err[256], meta_path[4200];
	json_t *meta;
	FILE *out = stdout;
	size_t total, done = 0;
	int rc, status, argi;

	memset(&o, 0, sizeof(o));
	if ((rc = options_command(&b5_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return rc;
	if (plan_make(&o, &pl) < 0)
		return EXIT_USAGE;
	total = pl.nbackends * pl.nwaits * pl.ps.len * pl.bs.len * pl.ms.len * (size_t)o.reps;
	{
		/* The lists are in range already; this checks the times against the law's limits. */
		struct b5_config c = {
			.messengers = pl.ms.v[0], .pickers = pl.ps.v[0], .bikes = pl.bs.v[0],
			.orders = o.orders, .pick_s = o.pick_ms / 1e3, .deliver_s = o.deliver_ms / 1e3,
			.poll_s = o.poll_ms / 1e3,
		};
		if (b5_config_check(&c, err, sizeof(err)) < 0) {
			usagef("b5", "%s", err);
			plan_free(&pl);
			return EXIT_USAGE;
		}
	}
	if (o.out) {
		out = fopen(o.out, "w");
		if (!out) {
			errorf("cannot write '%s': %s", o.out, strerror(errno));
			plan_free(&pl);
			return EXIT_USAGE;
		}
		meta_path_for(o.out, meta_path, sizeof(meta_path));
	}
	meta = meta_new(argc + 1, argv - 1);
	memset(&oc, 0, sizeof(oc));
	sweep_install_sigint();
	if (b5_csv_write_header(out) < 0)
		oc.write_error = 1;
	for (size_t bi = 0; bi < pl.nbackends && !oc.interrupted; bi++)
		for (size_t wi = 0; wi < pl.nwaits && !oc.interrupted; wi++)
			for (size_t pi = 0; pi < pl.ps.len && !oc.interrupted; pi++)
				for (size_t ki = 0; ki < pl.bs.len && !oc.interrupted; ki++)
					for (size_t mi = 0; mi < pl.ms.len && !oc.interrupted; mi++)
						for (int rep = 0; rep < o.reps && !oc.interrupted; rep++) {
							struct b5_config c = {
								.messengers = pl.ms.v[mi], .pickers = pl.ps.v[pi],
								.bikes = pl.bs.v[ki], .orders = o.orders,
								.pick_s = o.pick_ms / 1e3,
								.deliver_s = o.deliver_ms / 1e3,
								.wait = pl.waits[wi], .poll_s = o.poll_ms / 1e3,
								.fault = o.fault,
							};
							if (!o.quiet && isatty(STDERR_FILENO))
								fprintf(stderr, "\r\033[K[%zu/%zu] %s %s messengers=%d",
									++done, total, pl.backends[bi]->name,
									c.wait == B5_WAIT_POLL ? "poll" : "cond",
									c.messengers);
							measure(&o, pl.backends[bi], &c, rep, out, &oc);
						}
	if (!o.quiet && isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
	if (oc.interrupted)
		errorf("interrupted: %zu finished rows kept", oc.nrows);
	else if (!o.quiet && oc.nrows)
		summary(&oc);
	if (oc.write_error)
		errorf("cannot write the results to '%s'", o.out ? o.out : "standard output");
	status = oc.interrupted ? EXIT_INTERRUPTED : (oc.failed || oc.write_error) ? EXIT_FAILED : EXIT_OK;
	if (oc.failed && !oc.interrupted)
		errorf("%zu run%s failed; %zu rows written", oc.failed, oc.failed == 1 ? "" : "s", oc.nrows);
	json_object_set_new(meta, "b5", json_pack("{s:i,s:f,s:f,s:f,s:i}", "orders", o.orders, "pick_ms",
						  o.pick_ms, "deliver_ms", o.deliver_ms, "poll_ms", o.poll_ms,
						  "reps", o.reps));
	json_object_set_new(meta, "rows", json_integer((json_int_t)oc.nrows));
	json_object_set_new(meta, "status", json_integer(status));
	if (!isnan(meta_loadavg()))
		json_object_set_new(meta, "loadavg_after", json_real(meta_loadavg()));
	if (o.out && meta_write(meta, meta_path) < 0) {
		errorf("cannot write '%s': %s", meta_path, strerror(errno));
		if (status == EXIT_OK)
			status = EXIT_FAILED;
	}
	json_decref(meta);
	if (out == stdout) {
		if (finish_stdout() < 0 && status == EXIT_OK)
			status = EXIT_FAILED;
	} else if (fclose(out) != 0 && status == EXIT_OK) {
		errorf("cannot write '%s': %s", o.out, strerror(errno));
		status = EXIT_FAILED;
	}
	free(oc.rows);
	plan_free(&pl);
	return status;
}
