/*
 * thread backend: N pthreads created and joined per repetition. Threads share
 * memory, so CPU-bound C work scales with the cores (the talk's point that
 * threads are fine where there is no GIL).
 *
 * Channel (message workload): a queue to a consumer thread (channel.h).
 */
#include "../api/backend.h"
#include "../runtime/channel.h"
#include "../runtime/workrec.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct thread_ctx {
	struct job *job;
	int n;
	pthread_barrier_t barrier;
};

struct thread_arg {
	struct thread_ctx *ctx;
	int worker;
};

static void barrier_wait(void *ctx)
{
	pthread_barrier_wait(&((struct thread_ctx *)ctx)->barrier);
}

static void *worker_main(void *p)
{
	struct thread_arg *a = p;
	struct job_sync sync = { barrier_wait, a->ctx };

	workrec_run_worker(a->ctx->job, a->worker, a->ctx->n, &sync);
	return NULL;
}

static int thread_run(const struct workload *w, struct job *job, int n, struct timing *out)
{
	struct thread_ctx ctx = { .job = job, .n = n };
	struct job_sync sync = { barrier_wait, &ctx };
	struct thread_arg *args;
	struct channel chan;
	pthread_t *tids;
	int started = 0, rc = 0, err = 0, use_chan = (w->needs & WORKLOAD_NEEDS_CHANNEL) != 0;

	(void)out;
	if (job->phases > 1 && pthread_barrier_init(&ctx.barrier, NULL, (unsigned)n + 1) != 0)
		return job_fail(job, "cannot make a barrier for %d threads", n + 1);
	tids = calloc((size_t)n, sizeof(*tids));
	args = calloc((size_t)n, sizeof(*args));
	if (!tids || !args) {
		rc = job_fail(job, "out of memory for %d threads", n);
		goto out;
	}
	if (use_chan) {
		if (channel_open(&chan, NULL, job) < 0) {
			rc = -1;
			goto out;
		}
		job->hooks.transfer = channel_transfer;
		job->hooks.ctx = &chan;
	}
	job_worker_start(job, -1);
	job_serial(job, 0);
	for (; started < n; started++) {
		args[started].ctx = &ctx;
		args[started].worker = started;
		job_spawning(job, started);
		err = pthread_create(&tids[started], NULL, worker_main, &args[started]);
		if (err)
			break;
	}
	if (err) {
		/* With phases the started threads would wait at the barrier forever:
		 * the measurement child exits and takes them with it. */
		rc = job_fail(job, "pthread_create failed after %d of %d threads: %s", started, n, strerror(err));
		if (job->phases > 1)
			goto out;
	} else {
		job_run_between(job, &sync);
	}
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (use_chan) {
		if (channel_close(&chan, job) < 0)
			rc = -1;
		job->hooks.transfer = NULL;
		job->hooks.ctx = NULL;
	}
out:
	if (job->phases > 1)
		pthread_barrier_destroy(&ctx.barrier);
	free(tids);
	free(args);
	return rc;
}

const struct backend backend_thread = {
	.name = "thread",
	.summary = "pthreads created and joined per repetition; shared memory",
	.run = thread_run,
};
