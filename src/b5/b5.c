/*
 * B5's front: the registry of ways to start the pipeline's workers, the
 * pipeline's law (b5_bound), the check of a run's configuration, and the B5
 * CSV, written through libcsv as the run CSV is.
 */
#include "b5.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

extern const struct b5_backend b5_backend_thread, b5_backend_gil, b5_backend_green,
	b5_backend_process;

/* The backends, in the order help lists them. Add one: a file and a line here. */
const struct b5_backend *const b5_backend_registry[] = {
	&b5_backend_thread,
	&b5_backend_gil,
	&b5_backend_green,
	&b5_backend_process,
	NULL,
};

const struct b5_backend *b5_backend_find(const char *name)
{
	for (const struct b5_backend *const *b = b5_backend_registry; *b; b++)
		if (strcmp((*b)->name, name) == 0)
			return *b;
	return NULL;
}

/* ---- the law ---- */

void b5_bound(const struct b5_config *c, struct b5_bound *out)
{
	double p = c->pick_s, d = c->deliver_s, n = c->orders;
	double stage[3], wall[3];
	static const char *const names[3] = { "pickers", "messengers", "bikes" };

	/* A stage with no time costs nothing and limits nothing. */
	stage[0] = p > 0 ? c->pickers / p : INFINITY;
	stage[1] = d > 0 ? c->messengers / d : INFINITY;
	stage[2] = p + d > 0 ? c->bikes / (p + d) : INFINITY;
	/* The busiest picker picks ceil(n/P) orders, and the last still needs a
	 * delivery; the busiest messenger cannot start before the first pick; the
	 * busiest bike makes ceil(n/B) whole round trips. */
	wall[0] = ceil(n / c->pickers) * p + d;
	wall[1] = p + ceil(n / c->messengers) * d;
	wall[2] = ceil(n / c->bikes) * (p + d);
	out->rate = INFINITY;
	out->bottleneck = "none";
	out->wall_min_s = 0;
	for (int i = 0; i < 3; i++) {
		if (stage[i] < out->rate) {
			out->rate = stage[i];
			out->bottleneck = names[i];
		}
		if (wall[i] > out->wall_min_s)
			out->wall_min_s = wall[i];
	}
}

int b5_result_exact(const struct b5_result *r)
{
	return r->ok && r->lost == 0 && r->duplicated == 0 && r->misrouted == 0;
}

/* ---- running ---- */

int b5_config_check(const struct b5_config *c, char *err, size_t errlen)
{
	const char *what = NULL;

	if (c->messengers < 1 || c->messengers > B5_WORKERS_MAX)
		what = "messengers";
	else if (c->pickers < 1 || c->pickers > B5_WORKERS_MAX)
		what = "pickers";
	else if (c->bikes < 1 || c->bikes > B5_WORKERS_MAX)
		what = "bikes";
	else if (c->orders < 1 || c->orders > B5_ORDERS_MAX)
		what = "orders";
	if (what) {
		snprintf(err, errlen, "bad number of %s: expected 1 to %d", what,
			 strcmp(what, "orders") == 0 ? B5_ORDERS_MAX : B5_WORKERS_MAX);
		return -1;
	}
	if (!(c->pick_s >= 0 && c->pick_s <= 60) || !(c->deliver_s >= 0 && c->deliver_s <= 60)) {
		snprintf(err, errlen, "bad pick or delivery time: expected 0 to 60 seconds");
		return -1;
	}
	if (!(c->poll_s >= 0 && c->poll_s <= 1)) {
		snprintf(err, errlen, "bad poll interval: expected 0 to 1 second");
		return -1;
	}
	if (c->wait != B5_WAIT_COND && c->wait != B5_WAIT_POLL) {
		snprintf(err, errlen, "bad wait mode %d", (int)c->wait);
		return -1;
	}
	if (c->fault < B5_FAULT_NONE || c->fault > B5_FAULT_CRASH) {
		snprintf(err, errlen, "bad fault %d", (int)c->fault);
		return -1;
	}
	return 0;
}

int b5_run(const struct b5_backend *b, const struct b5_config *cfg, struct b5_result *out,
	   char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (b5_config_check(cfg, err, errlen) < 0)
		return -1;
	if (b->run(cfg, out) < 0 || !out->ok) {
		out->ok = 0;
		snprintf(err, errlen, "%s", out->err[0] ? out->err : "the pipeline did not finish");
		return -1;
	}
	return 0;
}
