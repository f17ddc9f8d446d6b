/*
 * B5 on pthreads, with and without a GIL. thread: pickers and messengers are
 * threads sharing the src/runtime queues, as in the talk's threading version.
 * gil: the same threads, but the bookkeeping (taking and putting items,
 * counting) holds src/runtime's GIL — the one `amdahl run -b gil` uses — and
 * every wait (a blocking get, a pick, a delivery, a poll's pause, the join)
 * releases it, as CPython does around blocking calls: B5 is I/O-bound, so
 * the GIL should cost little.
 */
#include "b5.h"
#include "pipeline.h"
#include "../runtime/gil.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Workers run small loops; a small stack lets thousands of them start. */
#define B5_THREAD_STACK (256 * 1024)

/* One thread: its own view of the runtime, with its own GIL state. */
struct worker {
	pthread_t tid;
	struct b5_qrt rt;
	struct gil_thread ts;
	int picker;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct b5_qrt *rt = &w->rt;

	b5_mark_ready(rt->sh);
	if (rt->gil)
		gil_take(rt->gil);
	if (w->picker)
		b5_picker(&b5_qrt_ops, rt, rt->sh);
	else
		b5_messenger(&b5_qrt_ops, rt, rt->sh);
	if (rt->gil)
		gil_exit(rt->gil);
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

/* Start the n workers, each on a copy of rt; the number started. */
static int start_workers(struct worker *ws, int n, const struct b5_qrt *rt, struct gil *gil,
			 const struct b5_config *cfg)
{
	pthread_attr_t attr;
	int started = 0;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, B5_THREAD_STACK > PTHREAD_STACK_MIN ? B5_THREAD_STACK : PTHREAD_STACK_MIN);
	for (; started < n; started++) {
		struct worker *w = &ws[started];

		w->rt = *rt;
		if (gil) {
			gil_thread_init(&w->ts, gil);
			w->rt.gil = &w->ts;
		}
		w->picker = started < cfg->pickers;
		if (pthread_create(&w->tid, &attr, worker_main, w) != 0)
			break;
	}
	pthread_attr_destroy(&attr);
	return started;
}

/* The dispatcher, on the calling thread (the interpreter's main thread). */
static int dispatch(struct b5_qrt *rt, struct gil *gil, int n, struct b5_result *out)
{
	struct b5_qrt mine = *rt;
	struct gil_thread ts;
	int rc;

	b5_wait_ready(rt->sh, n, 10);
	if (gil) {
		gil_thread_init(&ts, gil);
		mine.gil = &ts;
		gil_take(&ts);
	}
	rc = b5_dispatch(&b5_qrt_ops, &mine, mine.sh, out);
	if (gil)
		gil_exit(&ts);
	return rc;
}

/* The GIL's own check: one thread at a time in the bookkeeping. */
static int check_gil(struct gil *gil, struct b5_result *out)
{
	struct gil_stats st;

	gil_stats(gil, &st);
	if (st.max_computing <= 1 && st.violations == 0)
		return 0;
	snprintf(out->err, sizeof(out->err), "the GIL let %d threads hold it at once (%lu violations)",
		 st.max_computing, st.violations);
	return -1;
}

static int threads_run(const struct b5_config *cfg, struct b5_result *out, int with_gil)
{
	int n = cfg->pickers + cfg->messengers, started, rc = -1;
	size_t bytes = b5_qrt_bytes(cfg);
	struct worker *ws = NULL;
	struct gil gil;
	struct b5_qrt rt;
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
	if (with_gil && gil_init(&gil, 0.005) < 0) {
		snprintf(out->err, sizeof(out->err), "cannot set up the GIL: %s", strerror(errno));
		goto out_queues;
	}
	ws = calloc((size_t)n, sizeof(*ws));
	if (!ws) {
		snprintf(out->err, sizeof(out->err), "out of memory for %d workers", n);
		goto out_gil;
	}
	b5_stock(&b5_qrt_ops, &rt, rt.sh);
	started = start_workers(ws, n, &rt, with_gil ? &gil : NULL, cfg);
	if (started < n) {
		snprintf(out->err, sizeof(out->err), "cannot start thread %d of %d", started + 1, n);
		send_home(&rt, cfg);
	} else {
		rc = dispatch(&rt, with_gil ? &gil : NULL, n, out);
	}
	for (int i = 0; i < started; i++)
		pthread_join(ws[i].tid, NULL);
	if (rc == 0 && with_gil)
		rc = check_gil(&gil, out);
	if (rc == 0) {
		b5_account(rt.sh, out);
		out->ok = 1;
	}
	free(ws);
out_gil:
	if (with_gil)
		gil_destroy(&gil);
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
	.summary = "pthreads whose bookkeeping holds CPython's GIL (the gil backend's), released while they wait",
	.run = gil_run,
};
