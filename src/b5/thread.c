/*
 * B5 on pthreads, with and without a GIL. thread: pickers and messengers are
 * threads sharing the src/runtime queues, as in the talk's threading version.
 * gil: the same threads, but the bookkeeping (taking and putting items,
 * counting) holds one global interpreter lock, and every wait (a blocking
 * get, a pick, a delivery, a poll's pause, the join) releases it, as CPython
 * does around blocking calls: B5 is I/O-bound, so the GIL should cost little.
 */
#include "b5.h"
#include "pipeline.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Workers run small loops; a small stack lets thousands of them start. */
#define B5_THREAD_STACK (256 * 1024)

struct worker {
	pthread_t tid;
	struct b5_qrt *rt;
	int picker;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct b5_qrt *rt = w->rt;

	b5_mark_ready(rt->sh);
	if (rt->gil)
		b5_gil_acquire(rt->gil);
	if (w->picker)
		b5_picker(&b5_qrt_ops, rt, rt->sh);
	else
		b5_messenger(&b5_qrt_ops, rt, rt->sh);
	if (rt->gil)
		b5_gil_release(rt->gil);
	return NULL;
}

/* Send a pill to every worker that may be waiting, so the started ones end. */
static void send_home(struct b5_qrt *rt, const struct b5_config *cfg)
{
	struct b5_item pill = { B5_PILL, -1 };

	for (int i = 0; i < cfg->pickers; i++)
		b5_qrt_ops.put(rt, B5_Q_ORDERS, &pill);
	for (int i = 0; i < cfg->messengers; i++)
		b5_qrt_ops.put(rt, B5_Q_LOADED, &pill);
}

static int threads_run(const struct b5_config *cfg, struct b5_result *out, int with_gil)
{
	int n = cfg->pickers + cfg->messengers, started = 0, rc = -1;
	size_t bytes = b5_qrt_bytes(cfg);
	struct worker *ws = NULL;
	struct b5_gil gil;
	struct b5_qrt rt;
	pthread_attr_t attr;
	void *mem;

	mem = aligned_alloc(64, bytes);
	if (!mem) {
		snprintf(out->err, sizeof(out->err), "out of memory for the queues");
		return -1;
	}
	memset(mem, 0, bytes);
	if (b5_qrt_init(&rt, mem, cfg, 0) < 0) {
		snprintf(out->err, sizeof(out->err), "cannot set up the queues");
		free(mem);
		return -1;
	}
	if (with_gil) {
		if (b5_gil_init(&gil) < 0) {
			snprintf(out->err, sizeof(out->err), "cannot set up the GIL");
			goto out_queues;
		}
		rt.gil = &gil;
	}
	ws = calloc((size_t)n, sizeof(*ws));
	if (!ws) {
		snprintf(out->err, sizeof(out->err), "out of memory for %d workers", n);
		goto out_gil;
	}
	b5_stock(&b5_qrt_ops, &rt, rt.sh);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, B5_THREAD_STACK > PTHREAD_STACK_MIN ? B5_THREAD_STACK : PTHREAD_STACK_MIN);
	for (; started < n; started++) {
		ws[started].rt = &rt;
		ws[started].picker = started < cfg->pickers;
		if (pthread_create(&ws[started].tid, &attr, worker_main, &ws[started]) != 0)
			break;
	}
	pthread_attr_destroy(&attr);
	if (started < n) {
		snprintf(out->err, sizeof(out->err), "cannot start thread %d of %d", started + 1, n);
		send_home(&rt, cfg);
	} else {
		b5_wait_ready(rt.sh, n, 10);
		if (rt.gil)
			b5_gil_acquire(rt.gil);
		rc = b5_dispatch(&b5_qrt_ops, &rt, rt.sh, out);
		if (rt.gil)
			b5_gil_release(rt.gil);
	}
	for (int i = 0; i < started; i++)
		pthread_join(ws[i].tid, NULL);
	if (rc == 0) {
		b5_account(rt.sh, out);
		out->ok = 1;
	}
	free(ws);
out_gil:
	if (rt.gil)
		b5_gil_destroy(rt.gil);
out_queues:
	b5_qrt_destroy(&rt);
	free(mem);
	return rc;
}

static int thread_run(const struct b5_config *cfg, struct b5_result *out)
{
	return threads_run(cfg, out, 0);
}

static int gil_run(const struct b5_config *cfg, struct b5_result *out)
{
	return threads_run(cfg, out, 1);
}

const struct b5_backend b5_backend_thread = {
	.name = "thread",
	.summary = "pthreads sharing the sync queues (the talk's threading version)",
	.run = thread_run,
};

const struct b5_backend b5_backend_gil = {
	.name = "gil",
	.summary = "pthreads whose bookkeeping holds one global lock, released while they wait",
	.run = gil_run,
};
