/*
 * B5 on green threads, the talk's gevent version: the dispatcher, pickers and
 * messengers are greenlets of src/runtime/green (the scheduler the green
 * backend uses) on one OS thread. A get on an empty queue parks the greenlet
 * on that queue; a put wakes the first parked getter. Sleeps (pick, delivery,
 * a poll's pause) go into the scheduler's timer heap, so the OS thread sleeps
 * only when no greenlet is ready. If nothing is ready and nothing sleeps while
 * some greenlet still waits, the run is a deadlock and fails at once.
 */
#include "b5.h"
#include "pipeline.h"
#include "../runtime/green.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A bounded FIFO with the greenlets parked on it. */
struct green_chan {
	struct b5_item *items;
	size_t cap, head, count;
	size_t unfinished;		/* put and not yet done (the order queue's join) */
	struct green_list getters;	/* parked in get, oldest first */
	struct green_list joiners;	/* parked in join */
};

struct green_rt {
	struct green_hub *hub;
	struct green_chan ch[B5_NQUEUES];
	struct b5_shared *sh;
	struct b5_result *out;
	int dispatch_rc;
};

/* ---- the operations the roles use ---- */

static int green_get(void *p, enum b5_queue q, struct b5_item *it, double timeout_s)
{
	struct green_rt *rt = p;
	struct green_chan *c = &rt->ch[q];

	/* Woken getters recheck: a greenlet that ran first may have taken the item. */
	while (c->count == 0) {
		if (timeout_s == 0)
			return -1;
		green_park(rt->hub, &c->getters);
	}
	*it = c->items[c->head];
	c->head = (c->head + 1) % c->cap;
	c->count--;
	return 0;
}

static void green_b5_sleep(void *p, double s)
{
	struct green_rt *rt = p;

	green_sleep(rt->hub, s);
}

static void green_put(void *p, enum b5_queue q, const struct b5_item *it)
{
	struct green_rt *rt = p;
	struct green_chan *c = &rt->ch[q];

	while (c->count == c->cap)	/* never, with b5_queue_capacity; yield if it were */
		green_sleep(rt->hub, 0);
	c->items[(c->head + c->count) % c->cap] = *it;
	c->count++;
	c->unfinished++;
	green_wake(rt->hub, &c->getters);
}

static void green_task_done(void *p)
{
	struct green_rt *rt = p;
	struct green_chan *c = &rt->ch[B5_Q_ORDERS];

	if (c->unfinished > c->count && --c->unfinished == 0)
		green_wake_all(rt->hub, &c->joiners);
}

static int green_join(void *p, char *err, size_t errlen)
{
	struct green_rt *rt = p;
	struct green_chan *c = &rt->ch[B5_Q_ORDERS];

	(void)err;
	(void)errlen;
	while (c->unfinished > 0)
		green_park(rt->hub, &c->joiners);
	return 0;
}

static double green_cpu(void *p)
{
	struct timespec ts;

	(void)p;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const struct b5_ops green_ops = {
	.get = green_get,
	.put = green_put,
	.task_done = green_task_done,
	.join = green_join,
	.sleep = green_b5_sleep,
	.cpu = green_cpu,
};

/* ---- the roles as greenlets ---- */

static void run_picker(struct green_hub *hub, void *p)
{
	struct green_rt *rt = p;

	(void)hub;
	b5_picker(&green_ops, rt, rt->sh);
}

static void run_messenger(struct green_hub *hub, void *p)
{
	struct green_rt *rt = p;

	(void)hub;
	b5_messenger(&green_ops, rt, rt->sh);
}

static void run_dispatcher(struct green_hub *hub, void *p)
{
	struct green_rt *rt = p;

	(void)hub;
	rt->dispatch_rc = b5_dispatch(&green_ops, rt, rt->sh, rt->out);
}

static void green_rt_free(struct green_rt *rt)
{
	green_hub_free(rt->hub);
	for (int q = 0; q < B5_NQUEUES; q++)
		free(rt->ch[q].items);
	free(rt->sh);
}

static int green_run(const struct b5_config *cfg, struct b5_result *out)
{
	int n = cfg->pickers + cfg->messengers + 1, rc = -1;
	struct green_rt rt;

	memset(&rt, 0, sizeof(rt));
	rt.out = out;
	rt.sh = calloc(1, b5_shared_bytes(cfg));
	for (int q = 0; q < B5_NQUEUES; q++) {
		rt.ch[q].cap = b5_queue_capacity(cfg, (enum b5_queue)q);
		rt.ch[q].items = calloc(rt.ch[q].cap, sizeof(struct b5_item));
	}
	if (!rt.sh || !rt.ch[0].items || !rt.ch[1].items || !rt.ch[2].items) {
		snprintf(out->err, sizeof(out->err), "out of memory for %d greenlets", n);
		goto out;
	}
	b5_shared_init(rt.sh, cfg);
	rt.hub = green_hub_new(n);
	if (!rt.hub) {
		snprintf(out->err, sizeof(out->err), "cannot set up the green scheduler: %s", strerror(errno));
		goto out;
	}
	b5_stock(&green_ops, &rt, rt.sh);
	/* Workers first, so each is parked on its queue before the first order. */
	for (int k = 0; k < n; k++) {
		green_fn fn = k < cfg->pickers ? run_picker : k < n - 1 ? run_messenger : run_dispatcher;
		if (green_spawn(rt.hub, fn, &rt) < 0) {
			snprintf(out->err, sizeof(out->err), "cannot make a stack for greenlet %d: %s", k,
				 strerror(errno));
			goto out;
		}
	}
	rc = green_hub_run(rt.hub, out->err, sizeof(out->err));
	if (rc == 0 && rt.dispatch_rc < 0)
		rc = -1;
	if (rc == 0) {
		b5_account(rt.sh, out);
		out->ok = 1;
	}
out:
	green_rt_free(&rt);
	return rc;
}

const struct b5_backend b5_backend_green = {
	.name = "green",
	.summary = "ucontext greenlets on one OS thread; waits park, sleeps go to a timerfd scheduler",
	.run = green_run,
};
