/*
 * gil backend: pthreads that must hold one global interpreter lock to
 * compute, as CPython's threads do — the talk's "the GIL holds us back".
 *
 * The GIL is src/runtime/gil (CPython 3's new GIL, the one B5's gil runner
 * and `amdahl demo convoy` use): a thread that wants it waits one switch
 * interval (--switch-interval, 5 ms by default as sys.getswitchinterval())
 * and then sets a drop request; the holder sees it in the tick hook that CPU
 * workloads call between units (CPython's eval breaker), drops the GIL and
 * waits until another thread has taken it (forced switching). The wait hook
 * (I/O) drops the GIL for the sleep and takes it again after; so do the
 * barriers between phases and the channel's blocking calls. The calling
 * worker holds the GIL for the serial sections too. CPU-bound work gets no
 * speedup; I/O-bound work does.
 *
 * The run fails (exit 1) if the GIL ever let two threads compute at once or
 * a thread compute without it: gil_stats counts both, and a correct GIL keeps
 * them at 1 and 0 whatever the load on the machine.
 */
#include "../api/backend.h"
#include "../runtime/channel.h"
#include "../runtime/gil.h"
#include "../runtime/workrec.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct option_spec gil_params[] = {
	{ .name = "switch-interval", .kind = OPTION_DECIMAL, .flags = OPTION_SECONDS, .def = "5ms",
	  .min = 1e-6, .max = 10, .expect = "seconds from 1us to 10s",
	  .help = "gil backend: how long a waiter lets the holder run before asking for the GIL" },
	{ .name = NULL },
};

struct gil_ctx;

/* One Python thread: its GIL state; worker -1 is the calling (main) thread. */
struct gil_worker {
	struct gil_ctx *ctx;
	int worker;
	pthread_t tid;
	struct gil_thread ts;
};

struct gil_ctx {
	struct gil gil;
	struct job *job;
	int n;
	pthread_barrier_t barrier;
	struct channel chan;
	struct gil_worker *w;	/* [0] the calling worker, [1 + i] worker i */
};

static struct gil_thread *thread_of(struct job *job, int worker)
{
	struct gil_ctx *ctx = job->hooks.ctx;

	return &ctx->w[worker + 1].ts;
}

static void hook_tick(struct job *job, int worker)
{
	gil_tick(thread_of(job, worker));
}

static void hook_wait(struct job *job, int worker, uint64_t ns)
{
	struct gil_thread *me = thread_of(job, worker);
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) }, rem;

	gil_drop(me);
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
	gil_take(me);
}

static int hook_transfer(struct job *job, int worker, const void *buf, size_t len)
{
	struct gil_ctx *ctx = job->hooks.ctx;

	return channel_send(&ctx->chan, job, thread_of(job, worker), buf, len);
}

/* Between phases: wait at the barrier without the GIL, as a join would. */
static void barrier_wait(void *p)
{
	struct gil_worker *me = p;

	gil_drop(&me->ts);
	pthread_barrier_wait(&me->ctx->barrier);
	gil_take(&me->ts);
}

static void *worker_main(void *p)
{
	struct gil_worker *me = p;
	struct job_sync sync = { barrier_wait, me };
	struct worker_record *r = workrec_of(me->ctx->job, me->worker);

	/* The record starts before the first take: a worker's first wait for
	 * the GIL is the GIL's cost, not the cost of starting it. */
	if (r)
		workrec_start(r);
	gil_take(&me->ts);
	workrec_run_started(me->ctx->job, me->worker, me->ctx->n, &sync);
	gil_exit(&me->ts);
	return NULL;
}

/* The calling thread is the interpreter's main thread: it holds the GIL for
 * the serial sections and while it starts the others, and drops it to join.
 * Returns the threads started; -1 with job->err set when one could not be. */
static int run_main(struct gil_ctx *ctx)
{
	struct gil_worker *main = &ctx->w[0];
	struct job_sync sync = { barrier_wait, main };
	struct job *job = ctx->job;
	int started = 0, err = 0;

	gil_take(&main->ts);
	job_worker_start(job, -1);
	job_serial(job, 0);
	for (; started < ctx->n; started++) {
		struct gil_worker *w = &ctx->w[started + 1];

		job_spawning(job, started);
		err = pthread_create(&w->tid, NULL, worker_main, w);
		if (err)
			break;
	}
	if (!err)
		job_run_between(job, &sync);
	gil_drop(&main->ts);
	if (err)
		job_fail(job, "pthread_create failed after %d of %d threads: %s", started, ctx->n, strerror(err));
	return started;
}

/* The model's own check: one thread computing at a time, none without it. */
static int check_model(struct gil_ctx *ctx)
{
	struct gil_stats st;

	gil_stats(&ctx->gil, &st);
	if (st.max_computing > 1 || st.violations > 0)
		return job_fail(ctx->job, "gil: the GIL let %d threads compute at once (%lu violations)",
				st.max_computing, st.violations);
	return 0;
}

static int gil_ctx_init(struct gil_ctx *ctx, struct job *job, int n, int chan)
{
	double interval = params_decimal(job->params, gil_params, "switch-interval");

	ctx->job = job;
	ctx->n = n;
	ctx->w = calloc((size_t)n + 1, sizeof(*ctx->w));
	if (!ctx->w)
		return job_fail(job, "out of memory for %d threads", n);
	if (gil_init(&ctx->gil, interval) < 0) {
		free(ctx->w);
		return job_fail(job, "cannot make the GIL: %s", strerror(errno));
	}
	for (int i = 0; i <= n; i++) {
		ctx->w[i].ctx = ctx;
		ctx->w[i].worker = i - 1;
		gil_thread_init(&ctx->w[i].ts, &ctx->gil);
	}
	if (job->phases > 1 && pthread_barrier_init(&ctx->barrier, NULL, (unsigned)n + 1) != 0) {
		gil_destroy(&ctx->gil);
		free(ctx->w);
		return job_fail(job, "cannot make a barrier for %d threads", n + 1);
	}
	if (chan && channel_open(&ctx->chan, &ctx->gil, job) < 0) {
		if (job->phases > 1)
			pthread_barrier_destroy(&ctx->barrier);
		gil_destroy(&ctx->gil);
		free(ctx->w);
		return -1;
	}
	return 0;
}

static int gil_run(const struct workload *w, struct job *job, int n, struct timing *out)
{
	struct gil_ctx *ctx = calloc(1, sizeof(*ctx));
	int chan = (w->needs & WORKLOAD_NEEDS_CHANNEL) != 0, started, rc;

	(void)out;
	if (!ctx)
		return job_fail(job, "out of memory for %d threads", n);
	if (gil_ctx_init(ctx, job, n, chan) < 0) {
		free(ctx);
		return -1;
	}
	job->hooks = (struct job_hooks){ .tick = hook_tick, .wait = hook_wait,
					 .transfer = chan ? hook_transfer : NULL, .ctx = ctx };
	started = run_main(ctx);
	/* With phases the started threads would wait at the barrier forever, on
	 * memory they still use: leave them to the measurement child's exit. */
	if (started < n && job->phases > 1)
		return -1;
	for (int i = 0; i < started; i++)
		pthread_join(ctx->w[i + 1].tid, NULL);
	for (int i = -1; i < started; i++) {	/* time waiting for the GIL is a part of its own */
		struct worker_record *r = workrec_of(job, i);
		if (r)
			r->gil_wait_s = ctx->w[i + 1].ts.wait_s;
	}
	rc = started < n ? -1 : 0;
	if (chan && channel_close(&ctx->chan, job) < 0)
		rc = -1;
	if (rc == 0)
		rc = check_model(ctx);
	job->hooks = (struct job_hooks){ 0 };
	if (job->phases > 1)
		pthread_barrier_destroy(&ctx->barrier);
	gil_destroy(&ctx->gil);
	free(ctx->w);
	free(ctx);
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
