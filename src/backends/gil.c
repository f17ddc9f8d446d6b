/*
 * gil backend: pthreads that must hold one global interpreter lock to
 * compute, as CPython's threads do — the talk's "the GIL holds us back".
 *
 * The GIL follows CPython 3's (Python/ceval_gil.h): a flag guarded by a Lock,
 * and two Conditions on that Lock, all from src/runtime. A thread that wants
 * the GIL waits on `released` for one switch interval (--switch-interval,
 * 5 ms by default as sys.getswitchinterval()); if in that time nobody else
 * took it, it sets drop_request. The holder sees the request in the tick hook
 * that CPU workloads call between units (CPython's eval breaker), drops the
 * GIL and waits on `switched` until another thread has taken it, so it cannot
 * take it straight back (forced switching). The wait hook (I/O) drops the GIL
 * for the sleep and takes it again after; so do the barriers between phases
 * and the channel's blocking calls. The calling worker holds the GIL for the
 * serial sections too. CPU-bound work gets no speedup; I/O-bound work does.
 */
#include "../api/backend.h"
#include "../runtime/channel.h"
#include "../base/util.h"
#include "../runtime/condition.h"
#include "../runtime/lock.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct option_spec gil_params[] = {
	{ .name = "switch-interval", .kind = OPTION_DECIMAL, .flags = OPTION_SECONDS, .def = "5ms",
	  .min = 1e-6, .max = 10, .expect = "seconds from 1us to 10s",
	  .help = "gil backend: how long a waiter lets the holder run before asking for the GIL" },
	{ .name = NULL },
};

struct gil {
	struct sync_lock mu;		/* guards the fields below */
	struct sync_cond released;	/* notified when the GIL is dropped */
	struct sync_cond switched;	/* notified when it is taken */
	int locked;
	unsigned long switches;		/* times it was taken */
	unsigned waiting;		/* threads in gil_take */
	double interval_s;
	_Atomic int drop_request;	/* a waiter has waited an interval: drop it */
};

struct gil_ctx {
	struct gil gil;
	struct job *job;
	int n;
	pthread_barrier_t barrier;
	struct channel chan;
	struct channel_gil chan_gil;
};

struct gil_arg {
	struct gil_ctx *ctx;
	int worker;
};

static int gil_init(struct gil *g, double interval_s)
{
	memset(g, 0, sizeof(*g));
	g->interval_s = interval_s;
	if (sync_lock_init(&g->mu, 0) < 0)
		return -1;
	if (sync_cond_init(&g->released, &g->mu, 0) < 0) {
		sync_lock_destroy(&g->mu);
		return -1;
	}
	if (sync_cond_init(&g->switched, &g->mu, 0) < 0) {
		sync_cond_destroy(&g->released);
		sync_lock_destroy(&g->mu);
		return -1;
	}
	return 0;
}

static void gil_destroy(struct gil *g)
{
	sync_cond_destroy(&g->switched);
	sync_cond_destroy(&g->released);
	sync_lock_destroy(&g->mu);
}

/* Block until this thread holds the GIL, asking the holder to drop it after
 * every interval in which nobody else took it. */
static void gil_take(struct gil *g)
{
	sync_lock_acquire(&g->mu);
	while (g->locked) {
		unsigned long seen = g->switches;

		g->waiting++;
		int notified = sync_cond_wait(&g->released, g->interval_s);
		g->waiting--;
		if (!notified && g->locked && g->switches == seen)
			atomic_store_explicit(&g->drop_request, 1, memory_order_relaxed);
	}
	g->locked = 1;
	g->switches++;
	atomic_store_explicit(&g->drop_request, 0, memory_order_relaxed);
	sync_cond_notify_all(&g->switched);
	sync_lock_release(&g->mu);
}

/* Release the GIL; when forced, wait until another thread has taken it. */
static void gil_drop(struct gil *g, int forced)
{
	sync_lock_acquire(&g->mu);
	g->locked = 0;
	sync_cond_notify(&g->released, 1);
	if (forced) {
		unsigned long seen = g->switches;

		while (g->switches == seen && g->waiting > 0)
			sync_cond_wait(&g->switched, -1);
	}
	sync_lock_release(&g->mu);
}

/* The eval breaker: give the GIL up when a waiter has asked for it. */
static void gil_yield(struct gil *g)
{
	if (atomic_load_explicit(&g->drop_request, memory_order_relaxed)) {
		gil_drop(g, 1);
		gil_take(g);
	}
}

static void hook_tick(struct job *job, int worker)
{
	struct gil_ctx *ctx = job->hooks.ctx;

	(void)worker;
	gil_yield(&ctx->gil);
}

static void hook_wait(struct job *job, int worker, uint64_t ns)
{
	struct gil_ctx *ctx = job->hooks.ctx;
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) }, rem;

	(void)worker;
	gil_drop(&ctx->gil, 0);
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
	gil_take(&ctx->gil);
}

static int hook_transfer(struct job *job, int worker, const void *buf, size_t len)
{
	struct gil_ctx *ctx = job->hooks.ctx;

	(void)worker;
	return channel_send(&ctx->chan, job, buf, len);
}

static void chan_release(void *p)
{
	gil_drop(p, 0);
}

static void chan_acquire(void *p)
{
	gil_take(p);
}

static void chan_tick(void *p)
{
	gil_yield(p);
}

/* Between phases: wait at the barrier without the GIL, as a join would. */
static void barrier_wait(void *p)
{
	struct gil_ctx *ctx = p;

	gil_drop(&ctx->gil, 0);
	pthread_barrier_wait(&ctx->barrier);
	gil_take(&ctx->gil);
}

static void *worker_main(void *p)
{
	struct gil_arg *a = p;
	struct job_sync sync = { barrier_wait, a->ctx };

	gil_take(&a->ctx->gil);
	job_run_worker(a->ctx->job, a->worker, a->ctx->n, &sync);
	gil_drop(&a->ctx->gil, 0);
	return NULL;
}

static int gil_run(const struct workload *w, struct job *job, int n, struct timing *out)
{
	struct gil_ctx *ctx;
	struct job_sync sync;
	struct gil_arg *args;
	pthread_t *tids;
	double interval = params_decimal(job->params, gil_params, "switch-interval");
	int started = 0, rc = 0, err = 0, chan = (w->needs & WORKLOAD_NEEDS_CHANNEL) != 0;

	(void)out;
	ctx = calloc(1, sizeof(*ctx));
	tids = calloc((size_t)n, sizeof(*tids));
	args = calloc((size_t)n, sizeof(*args));
	if (!ctx || !tids || !args) {
		free(ctx);
		free(tids);
		free(args);
		return job_fail(job, "out of memory for %d threads", n);
	}
	ctx->job = job;
	ctx->n = n;
	sync.wait = barrier_wait;
	sync.ctx = ctx;
	if (gil_init(&ctx->gil, interval) < 0) {
		rc = job_fail(job, "cannot make the GIL: %s", strerror(errno));
		goto free_mem;
	}
	if (job->phases > 1 && pthread_barrier_init(&ctx->barrier, NULL, (unsigned)n + 1) != 0) {
		rc = job_fail(job, "cannot make a barrier for %d threads", n + 1);
		goto free_gil;
	}
	ctx->chan_gil = (struct channel_gil){ chan_release, chan_acquire, chan_tick, &ctx->gil };
	if (chan && channel_open(&ctx->chan, &ctx->chan_gil, job) < 0) {
		rc = -1;
		goto free_barrier;
	}
	job->hooks = (struct job_hooks){ .tick = hook_tick, .wait = hook_wait,
					 .transfer = chan ? hook_transfer : NULL, .ctx = ctx };
	/* The calling thread is the main thread of the interpreter: it holds the
	 * GIL for the serial sections and while it starts the others. */
	gil_take(&ctx->gil);
	job_worker_start(job, -1);
	job_serial(job, 0);
	for (; started < n; started++) {
		args[started].ctx = ctx;
		args[started].worker = started;
		err = pthread_create(&tids[started], NULL, worker_main, &args[started]);
		if (err)
			break;
	}
	if (err) {
		gil_drop(&ctx->gil, 0);
		/* With phases the started threads would wait at the barrier forever,
		 * on memory they still use: leave it to the measurement child's exit. */
		if (job->phases > 1)
			return job_fail(job, "pthread_create failed after %d of %d threads: %s", started, n,
					strerror(err));
		rc = job_fail(job, "pthread_create failed after %d of %d threads: %s", started, n, strerror(err));
	} else {
		job_run_between(job, &sync);
		gil_drop(&ctx->gil, 0);
	}
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (chan && channel_close(&ctx->chan, job) < 0)
		rc = -1;
	job->hooks = (struct job_hooks){ 0 };
free_barrier:
	if (job->phases > 1)
		pthread_barrier_destroy(&ctx->barrier);
free_gil:
	gil_destroy(&ctx->gil);
free_mem:
	free(ctx);
	free(tids);
	free(args);
	return rc;
}

static const char *gil_refuse(const struct workload *w)
{
	if (w->needs & WORKLOAD_EXTERNAL)
		return "it runs only programs given with --cmd (the cmd backend)";
	if (w->needs & ~(unsigned)WORKLOAD_NEEDS_CHANNEL)
		return "it needs something the gil backend does not offer";
	return NULL;
}

const struct backend backend_gil = {
	.name = "gil",
	.summary = "pthreads that must hold one global interpreter lock to compute (CPython's GIL)",
	.params = gil_params,
	.refuse = gil_refuse,
	.run = gil_run,
};
