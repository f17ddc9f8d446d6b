/*
 * The B5 pipeline's roles, written once over struct b5_ops: the dispatcher,
 * the order pickers and the messengers, and the exactly-once accounting they
 * share. Also the runtime that thread, gil and process share, on the
 * src/runtime queues: blocking gets wait on the queue's condition variables,
 * and under a GIL every wait releases the lock while the bookkeeping holds it.
 *
 * The talk's version has two bugs this one does not: its picker loops
 * forever loading bikes for one order, and its workers poll with timeouts in
 * a `while True` (here an option, --wait poll, to show what it costs).
 */
#define _GNU_SOURCE
#include "pipeline.h"
#include "../base/clock.h"
#include "../base/util.h"
#include "../runtime/gil.h"
#include "../runtime/procs.h"
#include "../runtime/queue.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ALIGN64(n) (((n) + 63) & ~(size_t)63)

/* ---- shared state ---- */

size_t b5_shared_bytes(const struct b5_config *cfg)
{
	return ALIGN64(sizeof(struct b5_shared) +
		       ((size_t)cfg->orders + (size_t)cfg->bikes) * sizeof(uint32_t));
}

void b5_shared_init(struct b5_shared *sh, const struct b5_config *cfg)
{
	sh->cfg = *cfg;
	sh->ready = 0;
	sh->fault_armed = cfg->fault != B5_FAULT_NONE;
	sh->misrouted = 0;
	memset(sh->counts, 0, ((size_t)cfg->orders + (size_t)cfg->bikes) * sizeof(uint32_t));
}

size_t b5_queue_capacity(const struct b5_config *cfg, enum b5_queue q)
{
	switch (q) {
	case B5_Q_ORDERS: return (size_t)cfg->orders + (size_t)cfg->pickers;
	case B5_Q_EMPTY: return (size_t)cfg->bikes;
	default: return (size_t)cfg->bikes + (size_t)cfg->messengers;
	}
}

static uint32_t *bike_flag(struct b5_shared *sh, int bike)
{
	return &sh->counts[(size_t)sh->cfg.orders + (size_t)bike];
}

static void misroute(struct b5_shared *sh)
{
	__atomic_add_fetch(&sh->misrouted, 1, __ATOMIC_RELAXED);
}

/* ---- roles ---- */

/* Take an item as the run's wait mode says. */
static void take(const struct b5_ops *ops, void *rt, struct b5_shared *sh, enum b5_queue q,
		 struct b5_item *it)
{
	if (sh->cfg.wait == B5_WAIT_COND) {
		while (ops->get(rt, q, it, -1) < 0)
			;
		return;
	}
	while (ops->get(rt, q, it, 0) < 0)
		ops->sleep(rt, sh->cfg.poll_s);
}

void b5_picker(const struct b5_ops *ops, void *rt, struct b5_shared *sh)
{
	struct b5_item order, bike;

	for (;;) {
		take(ops, rt, sh, B5_Q_ORDERS, &order);
		if (order.order == B5_PILL)
			return;
		/* One order, one bike: the talk's picker kept loading bikes for the same order. */
		take(ops, rt, sh, B5_Q_EMPTY, &bike);
		if (order.order < 0 || order.order >= sh->cfg.orders)
			misroute(sh);
		if (bike.bike < 0 || bike.bike >= sh->cfg.bikes ||
		    __atomic_exchange_n(bike_flag(sh, bike.bike), 1, __ATOMIC_ACQ_REL) != 0)
			misroute(sh);
		ops->sleep(rt, sh->cfg.pick_s);
		bike.order = order.order;
		ops->put(rt, B5_Q_LOADED, &bike);
	}
}

/* The injected fault, once per run: which one, or B5_FAULT_NONE. */
static enum b5_fault fault_now(struct b5_shared *sh)
{
	if (sh->cfg.fault == B5_FAULT_NONE || !__atomic_exchange_n(&sh->fault_armed, 0, __ATOMIC_ACQ_REL))
		return B5_FAULT_NONE;
	return sh->cfg.fault;
}

void b5_messenger(const struct b5_ops *ops, void *rt, struct b5_shared *sh)
{
	struct b5_item it;

	for (;;) {
		enum b5_fault fault;

		take(ops, rt, sh, B5_Q_LOADED, &it);
		if (it.order == B5_PILL)
			return;
		ops->sleep(rt, sh->cfg.deliver_s);
		fault = fault_now(sh);
		while (fault == B5_FAULT_HANG)
			clock_sleep(3600);	/* blocks the OS thread, whatever the backend */
		if (fault == B5_FAULT_CRASH)
			_exit(3);		/* the process: a worker's, or the whole run's */
		if (it.order >= 0 && it.order < sh->cfg.orders) {
			if (fault != B5_FAULT_LOSE)
				__atomic_add_fetch(&sh->counts[it.order], 1, __ATOMIC_RELAXED);
			if (fault == B5_FAULT_DUPLICATE)
				__atomic_add_fetch(&sh->counts[it.order], 1, __ATOMIC_RELAXED);
		} else {
			misroute(sh);
		}
		if (it.bike < 0 || it.bike >= sh->cfg.bikes ||
		    __atomic_exchange_n(bike_flag(sh, it.bike), 0, __ATOMIC_ACQ_REL) != 1)
			misroute(sh);
		/* Park the bike first, then mark the order done, as in the talk. */
		it.order = -1;
		ops->put(rt, B5_Q_EMPTY, &it);
		ops->task_done(rt);
	}
}

void b5_stock(const struct b5_ops *ops, void *rt, struct b5_shared *sh)
{
	for (int b = 0; b < sh->cfg.bikes; b++) {
		struct b5_item it = { -1, b };
		ops->put(rt, B5_Q_EMPTY, &it);
	}
}

int b5_dispatch(const struct b5_ops *ops, void *rt, struct b5_shared *sh, struct b5_result *out)
{
	struct b5_item it = { 0, -1 };
	double c0, t0, t1, c1;
	int rc;

	c0 = ops->cpu(rt);
	t0 = clock_now();
	for (int o = 0; o < sh->cfg.orders; o++) {
		it.order = o;
		ops->put(rt, B5_Q_ORDERS, &it);
	}
	rc = ops->join(rt, out->err, sizeof(out->err));
	t1 = clock_now();
	c1 = ops->cpu(rt);
	out->wall_s = t1 - t0;
	out->cpu_s = c1 - c0;
	if (rc < 0)
		return -1;
	/* Every order is done: send everyone home. */
	it.order = B5_PILL;
	for (int p = 0; p < sh->cfg.pickers; p++)
		ops->put(rt, B5_Q_ORDERS, &it);
	for (int m = 0; m < sh->cfg.messengers; m++)
		ops->put(rt, B5_Q_LOADED, &it);
	return 0;
}

void b5_account(const struct b5_shared *sh, struct b5_result *out)
{
	int delivered = 0, lost = 0, duplicated = 0, misrouted;

	for (int o = 0; o < sh->cfg.orders; o++) {
		uint32_t c = __atomic_load_n(&sh->counts[o], __ATOMIC_ACQUIRE);
		if (c == 0)
			lost++;
		else
			delivered++;
		if (c > 1)
			duplicated += (int)(c - 1);
	}
	misrouted = __atomic_load_n(&sh->misrouted, __ATOMIC_ACQUIRE);
	/* A bike still out after the last delivery never came back. */
	for (int b = 0; b < sh->cfg.bikes; b++)
		if (__atomic_load_n(&sh->counts[(size_t)sh->cfg.orders + (size_t)b], __ATOMIC_ACQUIRE))
			misrouted++;
	out->delivered = delivered;
	out->lost = lost;
	out->duplicated = duplicated;
	out->misrouted = misrouted;
}

void b5_mark_ready(struct b5_shared *sh)
{
	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_RELEASE);
}

void b5_wait_ready(struct b5_shared *sh, int n, double timeout_s)
{
	double deadline = clock_now() + timeout_s;

	while (__atomic_load_n(&sh->ready, __ATOMIC_ACQUIRE) < n && clock_now() < deadline)
		clock_sleep(50e-6);
}

/* ---- the runtime over src/runtime queues ---- */

static size_t queue_bytes(const struct b5_config *cfg, enum b5_queue q)
{
	return ALIGN64(sync_queue_bytes(b5_queue_capacity(cfg, q), sizeof(struct b5_item)));
}

size_t b5_qrt_bytes(const struct b5_config *cfg)
{
	size_t n = b5_shared_bytes(cfg);

	for (int q = 0; q < B5_NQUEUES; q++)
		n += queue_bytes(cfg, (enum b5_queue)q);
	return n;
}

int b5_qrt_init(struct b5_qrt *rt, void *mem, const struct b5_config *cfg, int pshared)
{
	unsigned char *p = mem;

	memset(rt, 0, sizeof(*rt));
	rt->sh = mem;
	b5_shared_init(rt->sh, cfg);
	p += b5_shared_bytes(cfg);
	for (int q = 0; q < B5_NQUEUES; q++) {
		rt->q[q] = sync_queue_init(p, b5_queue_capacity(cfg, (enum b5_queue)q),
					   sizeof(struct b5_item), pshared);
		if (!rt->q[q]) {
			int saved = errno;
			while (q-- > 0)
				sync_queue_destroy(rt->q[q]);
			errno = saved;
			return -1;
		}
		p += queue_bytes(cfg, (enum b5_queue)q);
	}
	return 0;
}

void b5_qrt_destroy(struct b5_qrt *rt)
{
	for (int q = 0; q < B5_NQUEUES; q++)
		if (rt->q[q])
			sync_queue_destroy(rt->q[q]);
}

static int qrt_get(void *p, enum b5_queue q, struct b5_item *it, double timeout_s)
{
	struct b5_qrt *rt = p;
	int rc;

	if (timeout_s == 0 || !rt->gil)
		return sync_queue_get(rt->q[q], it, timeout_s);
	/* A blocking get in Python waits on a lock, and waiting releases the GIL. */
	gil_drop(rt->gil);
	rc = sync_queue_get(rt->q[q], it, timeout_s);
	gil_take(rt->gil);
	return rc;
}

static void qrt_put(void *p, enum b5_queue q, const struct b5_item *it)
{
	struct b5_qrt *rt = p;

	sync_queue_put(rt->q[q], it, -1);
	if (rt->gil)
		gil_tick(rt->gil);	/* the eval breaker, between two steps of bookkeeping */
}

static void qrt_task_done(void *p)
{
	struct b5_qrt *rt = p;

	sync_queue_task_done(rt->q[B5_Q_ORDERS]);
}

static int qrt_join(void *p, char *err, size_t errlen)
{
	struct b5_qrt *rt = p;
	int rc = 0;

	if (rt->gil)
		gil_drop(rt->gil);
	if (!rt->procs) {
		sync_queue_join(rt->q[B5_Q_ORDERS], -1);
	} else {
		/* A worker process that died holds orders that will never be done. */
		while (sync_queue_join(rt->q[B5_Q_ORDERS], 0.05) < 0) {
			int status, i = procs_ended(rt->procs, &status);
			if (i >= 0) {
				char how[64];
				describe_wait_status(status, how, sizeof(how));
				snprintf(err, errlen, "worker process %d %s before every order was done", i, how);
				rc = -1;
				break;
			}
		}
	}
	if (rt->gil)
		gil_take(rt->gil);
	return rc;
}

static void qrt_sleep(void *p, double s)
{
	struct b5_qrt *rt = p;

	if (rt->gil)
		gil_drop(rt->gil);
	if (s > 0)
		clock_sleep(s);
	else
		sched_yield();
	if (rt->gil)
		gil_take(rt->gil);
}

static double cpu_clock(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) < 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double qrt_cpu(void *p)
{
	struct b5_qrt *rt = p;
	double s = cpu_clock(CLOCK_PROCESS_CPUTIME_ID);

	for (int i = 0; rt->procs && i < rt->procs->started; i++) {
		clockid_t id;
		if (clock_getcpuclockid(rt->procs->pids[i], &id) == 0)
			s += cpu_clock(id);
	}
	return s;
}

const struct b5_ops b5_qrt_ops = {
	.get = qrt_get,
	.put = qrt_put,
	.task_done = qrt_task_done,
	.join = qrt_join,
	.sleep = qrt_sleep,
	.cpu = qrt_cpu,
};
