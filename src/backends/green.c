/*
 * green backend: user-space threads (greenlets) on the one OS thread that
 * runs the job, as gevent runs them on libev: concurrency without
 * parallelism. The scheduler is src/runtime/green (the one B5's green runner
 * uses): greenlets are never preempted; one runs until it blocks — sleeps
 * (the wait hook), meets the others at the barrier between phases, or finds
 * the message channel full or empty — and then the hub runs the next ready
 * one. So the sleep workload scales with N while spin does not: only one
 * greenlet computes at a time.
 *
 * The calling worker is the main greenlet: it runs the serial sections,
 * spawns the N workers, and joins them. For the message workload a consumer
 * greenlet reads a sync_queue (gevent.queue.Queue) that the workers put into,
 * in the chunks of the thread backends' channel (channel_frame); put and get
 * only try, and park the greenlet, never the thread.
 */
#include "../api/backend.h"
#include "../runtime/channel.h"
#include "../runtime/green.h"
#include "../runtime/queue.h"
#include "../runtime/workrec.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct worker_arg;

struct green_ctx {
	struct green_hub *hub;
	struct job *job;
	int n;
	struct worker_arg *args;	/* the workers' spawn arguments */
	int spawn_errno;		/* a worker that could not be spawned */
	/* barrier between phases */
	int arrived;
	struct green_list at_barrier;
	/* join */
	int workers_left;
	struct green_list joiner;
	/* message channel */
	struct sync_queue *q;
	void *qmem;
	struct green_list put_waiters, get_waiters;
	uint64_t sent, received, checksum;
};

struct worker_arg {
	struct green_ctx *ctx;
	int worker;
};

static void hook_wait(struct job *job, int worker, uint64_t ns)
{
	struct green_ctx *ctx = job->hooks.ctx;

	(void)worker;
	green_sleep(ctx->hub, (double)ns * 1e-9);
}

static void barrier_wait(void *p)
{
	struct green_ctx *ctx = p;

	if (++ctx->arrived == ctx->n + 1) {
		ctx->arrived = 0;
		green_wake_all(ctx->hub, &ctx->at_barrier);
		return;
	}
	green_park(ctx->hub, &ctx->at_barrier);
}

/* ---- the channel: a queue between greenlets ---- */

static void chan_put(struct green_ctx *ctx, const struct channel_chunk *c)
{
	while (sync_queue_put(ctx->q, c, 0) < 0)
		green_park(ctx->hub, &ctx->put_waiters);
	green_wake(ctx->hub, &ctx->get_waiters);
}

static void chan_get(struct green_ctx *ctx, struct channel_chunk *c)
{
	while (sync_queue_get(ctx->q, c, 0) < 0)
		green_park(ctx->hub, &ctx->get_waiters);
	green_wake(ctx->hub, &ctx->put_waiters);
}

static void put_chunk(void *p, const struct channel_chunk *c)
{
	struct green_ctx *ctx = p;

	chan_put(ctx, c);
	ctx->sent += c->len;
}

static int hook_transfer(struct job *job, int worker, const void *buf, size_t len)
{
	(void)worker;
	channel_frame(buf, len, put_chunk, job->hooks.ctx);
	return 0;
}

static void run_consumer(struct green_hub *hub, void *p)
{
	struct green_ctx *ctx = p;
	struct channel_chunk c;

	(void)hub;
	for (;;) {
		chan_get(ctx, &c);
		if (c.stop)
			break;
		ctx->checksum += channel_chunk_sum(&c);
		ctx->received += c.len;
	}
}

/* ---- the greenlets ---- */

static void run_worker(struct green_hub *hub, void *p)
{
	struct worker_arg *a = p;
	struct green_ctx *ctx = a->ctx;
	struct job_sync sync = { barrier_wait, ctx };

	workrec_run_worker(ctx->job, a->worker, ctx->n, &sync);
	if (--ctx->workers_left == 0)
		green_wake(hub, &ctx->joiner);
}

static void run_main(struct green_hub *hub, void *p)
{
	struct green_ctx *ctx = p;
	struct job_sync sync = { barrier_wait, ctx };
	struct job *job = ctx->job;

	job_worker_start(job, -1);
	job_serial(job, 0);
	for (int i = 0; i < ctx->n; i++) {	/* spawn */
		ctx->args[i] = (struct worker_arg){ ctx, i };
		if (green_spawn(hub, run_worker, &ctx->args[i]) < 0) {
			/* Phases would wait for the missing workers forever: the hub
			 * then reports a deadlock, and the run this error. */
			ctx->spawn_errno = errno;
			ctx->workers_left -= ctx->n - i;
			break;
		}
	}
	if (!ctx->spawn_errno)
		job_run_between(job, &sync);
	while (ctx->workers_left > 0)	/* join */
		green_park(hub, &ctx->joiner);
	if (ctx->q) {
		struct channel_chunk stop;
		memset(&stop, 0, sizeof(stop));
		stop.stop = 1;
		chan_put(ctx, &stop);
	}
}

static int chan_open(struct green_ctx *ctx)
{
	size_t bytes = sync_queue_bytes(CHANNEL_CAPACITY, sizeof(struct channel_chunk));

	ctx->qmem = malloc(bytes);
	ctx->q = ctx->qmem ? sync_queue_init(ctx->qmem, CHANNEL_CAPACITY, sizeof(struct channel_chunk), 0) : NULL;
	if (!ctx->q)
		return job_fail(ctx->job, "green: cannot make the channel's queue");
	return green_spawn(ctx->hub, run_consumer, ctx) < 0 ? job_fail(ctx->job, "green: cannot spawn the "
								       "channel's consumer: %s", strerror(errno)) : 0;
}

static int green_run(const struct workload *w, struct job *job, int n, struct timing *out)
{
	struct green_ctx ctx;
	int chan = (w->needs & WORKLOAD_NEEDS_CHANNEL) != 0, rc;
	char err[200];

	(void)out;
	memset(&ctx, 0, sizeof(ctx));
	ctx.job = job;
	ctx.n = n;
	ctx.workers_left = n;
	ctx.args = calloc((size_t)n, sizeof(*ctx.args));
	ctx.hub = green_hub_new(n + 1 + chan);
	if (!ctx.args || !ctx.hub) {
		rc = job_fail(job, "green: cannot set up the hub: %s", strerror(errno));
		goto out;
	}
	if (green_spawn(ctx.hub, run_main, &ctx) < 0) {
		rc = job_fail(job, "green: cannot spawn the main greenlet: %s", strerror(errno));
		goto out;
	}
	if (chan && (rc = chan_open(&ctx)) < 0)
		goto out;
	job->hooks = (struct job_hooks){ .wait = hook_wait, .transfer = chan ? hook_transfer : NULL, .ctx = &ctx };
	rc = green_hub_run(ctx.hub, err, sizeof(err));
	job->hooks = (struct job_hooks){ 0 };
	if (ctx.spawn_errno)
		rc = job_fail(job, "green: cannot map a stack for a greenlet of %d: %s", n, strerror(ctx.spawn_errno));
	else if (rc < 0)
		job_fail(job, "green: %s", err);
	else if (ctx.q && ctx.received != ctx.sent)
		rc = job_fail(job, "green: %llu bytes sent but %llu received", (unsigned long long)ctx.sent,
			      (unsigned long long)ctx.received);
out:
	green_hub_free(ctx.hub);
	if (ctx.q)
		sync_queue_destroy(ctx.q);
	free(ctx.qmem);
	free(ctx.args);
	return rc;
}

static const char *green_refuse(const struct workload *w)
{
	if (w->needs & WORKLOAD_EXTERNAL)
		return "it runs only programs given with --cmd (the cmd backend)";
	if (w->needs & ~(unsigned)WORKLOAD_NEEDS_CHANNEL)
		return "it needs something the green backend does not offer";
	return NULL;
}

const struct backend backend_green = {
	.name = "green",
	.summary = "greenlets (ucontext) on one OS thread, switched when they block; epoll/timerfd hub",
	.threads = BACKEND_THREADS_ONE,
	.refuse = green_refuse,
	.run = green_run,
};
