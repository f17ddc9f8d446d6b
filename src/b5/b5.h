/*
 * B5, Buy Beer Brought By Bicycle: the talk's delivery pipeline, measured.
 *
 * A dispatcher puts the orders in the order queue. Each order picker takes an
 * order and an empty cargo bike, loads it (pick time) and puts the loaded bike
 * in the loaded queue. Each messenger takes a loaded bike, delivers it
 * (delivery time), parks the bike back in the empty queue and marks the order
 * done. The dispatcher joins the order queue: the run's wall time runs from
 * the first order put to the last order done.
 *
 * The pipeline's own law (b5_bound): with pick time p, delivery time d,
 * P pickers, M messengers and B bikes, no run can sustain more than
 * min(P/p, M/d, B/(p+d)) orders a second (a bike is busy for one pick and one
 * delivery), and a run of n orders lasts at least
 * max(ceil(n/P)p + d, p + ceil(n/M)d, ceil(n/B)(p+d)), the steady state plus
 * the fill and drain of the pipeline.
 *
 * Every run counts each order's deliveries (shared memory where workers are
 * processes) and fails when one is lost or delivered twice.
 */
#ifndef AMDAHL_B5_H
#define AMDAHL_B5_H

#include <stdio.h>

/* How a worker waits for an item. */
enum b5_wait {
	B5_WAIT_COND,	/* block on the queue's condition variable (or park the greenlet) */
	B5_WAIT_POLL,	/* the talk's while True: try the queue, sleep poll_s, try again */
};

/* Faults injected on purpose, to test the harness around the pipeline. */
enum b5_fault {
	B5_FAULT_NONE,
	B5_FAULT_LOSE,		/* one messenger marks an order done without delivering it */
	B5_FAULT_DUPLICATE,	/* one messenger delivers an order twice */
	B5_FAULT_HANG,		/* one messenger blocks its OS thread forever */
	B5_FAULT_CRASH,		/* one messenger's process exits (status 3) mid-run */
};

/* The most workers or bikes of one kind, and orders, that one run takes. */
#define B5_WORKERS_MAX 4096
#define B5_ORDERS_MAX 10000000

/* One run of the pipeline. */
struct b5_config {
	int messengers, pickers, bikes, orders;	/* each >= 1 */
	double pick_s, deliver_s;		/* >= 0 */
	enum b5_wait wait;
	double poll_s;				/* pause between tries of B5_WAIT_POLL; 0 yields */
	enum b5_fault fault;
};

/* What one run measured; fixed size, so it crosses a pipe as one message. */
struct b5_result {
	int ok;			/* 1: the pipeline ran to the end (then the counts are valid) */
	int delivered;		/* orders delivered at least once */
	int lost;		/* orders never delivered: orders - delivered */
	int duplicated;		/* deliveries beyond the first of an order */
	int misrouted;		/* a bike or an order in two places at once, or out of range */
	double wall_s;		/* first order put .. last order done */
	double cpu_s;		/* CPU of every worker and the dispatcher over wall_s */
	char err[200];		/* why ok is 0 */
};

/* The pipeline's law for one configuration. */
struct b5_bound {
	double rate;		/* steady-state orders/s: min of the three stages (inf when p = d = 0) */
	const char *bottleneck;	/* "pickers", "messengers", "bikes", or "none" */
	double wall_min_s;	/* least wall of the whole run, fill and drain included */
};

void b5_bound(const struct b5_config *cfg, struct b5_bound *out);

/* 1 when the run counted every order exactly once and nothing was misrouted. */
int b5_result_exact(const struct b5_result *r);

/*
 * A way to start B5's workers. Each backend is one file in src/b5/ ending in
 * one exported struct; b5_backend_registry lists them.
 */
struct b5_backend {
	const char *name, *summary;
	/*
	 * Run the whole pipeline once in this process (threads, greenlets) or in
	 * its children (processes), then count the deliveries into out. Returns 0
	 * when it ran to the end (out->ok), else -1 with out->err set.
	 */
	int (*run)(const struct b5_config *cfg, struct b5_result *out);
};

extern const struct b5_backend *const b5_backend_registry[];

const struct b5_backend *b5_backend_find(const char *name);

/*
 * Check cfg (one line into err naming the bad value, -1), then run it on b in
 * this process. 0 when the pipeline ran to the end; out->ok and the counts
 * say whether every order was delivered exactly once.
 */
int b5_run(const struct b5_backend *b, const struct b5_config *cfg, struct b5_result *out,
	   char *err, size_t errlen);
int b5_config_check(const struct b5_config *cfg, char *err, size_t errlen);

/* The B5 CSV that `amdahl b5 --out` writes: src/results/b5_csv.h. */

#endif
