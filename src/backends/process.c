/*
 * process backend: N fork()ed children, waited for. Workers share only what
 * the workload put in MAP_SHARED memory; a barrier between phases lives there
 * too. Processes have no GIL and are isolated, at the price of fork and IPC.
 *
 * Workers and the channel's consumer are src/runtime/procs children (B5's
 * process runner uses the same): they die with their parent, and every one
 * is reaped, on error paths too.
 *
 * Channel (message workload): one pipe that every worker writes into and a
 * consumer process reads to its end, as multiprocessing's Pipe: each message
 * crosses the kernel twice (write, read). The consumer counts the bytes into
 * shared memory; the run fails when they differ from the bytes written.
 */
#include "../api/backend.h"
#include "../runtime/procs.h"
#include "../runtime/workrec.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ---- channel: a pipe to a consumer process ---- */

struct pipe_count {
	_Atomic uint64_t sent;		/* bytes written, by every writer */
	uint64_t received, checksum;	/* by the consumer, before it exits */
};

struct pipe_chan {
	int fds[2];			/* read end (the consumer's), write end */
	struct procs consumer;
	struct pipe_count *count;	/* MAP_SHARED */
};

static int pipe_transfer(struct job *job, int worker, const void *buf, size_t len)
{
	struct pipe_chan *pc = job->hooks.ctx;
	const char *p = buf;

	(void)worker;
	while (len > 0) {
		ssize_t k = write(pc->fds[1], p, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return job_fail(job, "channel: cannot write to the pipe: %s", strerror(errno));
		atomic_fetch_add_explicit(&pc->count->sent, (uint64_t)k, memory_order_relaxed);
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

static int consumer_main(void *p, int i)
{
	struct pipe_chan *pc = p;
	unsigned char buf[65536];
	uint64_t got = 0, sum = 0;
	ssize_t k;

	(void)i;
	close(pc->fds[1]);
	while ((k = read(pc->fds[0], buf, sizeof(buf))) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return 1;
		for (ssize_t j = 0; j < k; j++)
			sum += buf[j];
		got += (uint64_t)k;
	}
	pc->count->received = got;
	pc->count->checksum = sum;
	return 0;
}

static int pipe_open(struct pipe_chan *pc, struct job *job)
{
	int e;

	if (procs_init(&pc->consumer, 1) < 0)
		return job_fail(job, "channel: out of memory");
	pc->count = job_shared_alloc(sizeof(*pc->count));
	if (!pc->count) {
		procs_free(&pc->consumer);
		return job_fail(job, "channel: cannot map the byte counts");
	}
	if (pipe(pc->fds) < 0) {
		e = errno;
		job_shared_free(pc->count, sizeof(*pc->count));
		procs_free(&pc->consumer);
		return job_fail(job, "channel: cannot make a pipe: %s", strerror(e));
	}
	e = procs_spawn(&pc->consumer, consumer_main, pc) < 0 ? errno : 0;
	close(pc->fds[0]);	/* the workers only write */
	if (e) {
		close(pc->fds[1]);
		job_shared_free(pc->count, sizeof(*pc->count));
		procs_free(&pc->consumer);
		return job_fail(job, "channel: cannot fork the consumer: %s", strerror(e));
	}
	job->hooks.transfer = pipe_transfer;
	job->hooks.ctx = pc;
	return 0;
}

/* After the workers are reaped: the consumer reads to the end and exits.
 * An earlier failure's message is kept. */
static int pipe_close(struct pipe_chan *pc, struct job *job, int failed)
{
	uint64_t sent = atomic_load(&pc->count->sent);
	int rc = 0, consumer_rc;

	close(pc->fds[1]);
	consumer_rc = procs_reap(&pc->consumer, NULL, 0);
	procs_free(&pc->consumer);
	if (failed)
		rc = -1;
	else if (consumer_rc < 0)
		rc = job_fail(job, "channel: the consumer process failed");
	else if (pc->count->received != sent)
		rc = job_fail(job, "channel: %llu bytes written but %llu read", (unsigned long long)sent,
			      (unsigned long long)pc->count->received);
	job_shared_free(pc->count, sizeof(*pc->count));
	job->hooks.transfer = NULL;
	job->hooks.ctx = NULL;
	return rc;
}

/* ---- workers ---- */

/*
 * The barrier between phases, in shared memory. Not pthread_barrier_t: a
 * worker that dies mid-phase would leave everybody waiting for it forever.
 * The parent waits in slices of 10 ms and checks its workers between them;
 * when one has ended, the barrier breaks: every wait returns at once and
 * workers leave with status 0, so that reap() names the one that died.
 */
struct proc_barrier {
	_Atomic unsigned arrived, generation;
	_Atomic int broken;
	unsigned parties;
};

struct proc_sync {
	struct proc_barrier *b;
	const struct procs *workers;	/* the parent's list of started workers */
	struct job *job;
	int n, parent;
};

static void futex_wake_all(_Atomic unsigned *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static void barrier_wait(void *ctx)
{
	struct proc_sync *ps = ctx;
	struct proc_barrier *b = ps->b;
	unsigned gen = atomic_load(&b->generation);
	int status;

	if (atomic_fetch_add(&b->arrived, 1) + 1 == b->parties) {
		atomic_store(&b->arrived, 0);
		atomic_fetch_add(&b->generation, 1);
		futex_wake_all(&b->generation);
		return;
	}
	while (atomic_load(&b->generation) == gen) {
		struct timespec slice = { 0, 10 * 1000 * 1000 };

		if (atomic_load(&b->broken)) {
			if (!ps->parent)
				_exit(0);
			return;
		}
		syscall(SYS_futex, &b->generation, FUTEX_WAIT, gen, ps->parent ? &slice : NULL, NULL, 0);
		if (ps->parent && atomic_load(&b->generation) == gen && procs_ended(ps->workers, &status) >= 0) {
			atomic_store(&b->broken, 1);
			futex_wake_all(&b->generation);
		}
	}
}

static int worker_main(void *p, int i)
{
	struct proc_sync *ps = p;
	struct job_sync sync = { barrier_wait, ps };

	ps->parent = 0;
	workrec_run_worker(ps->job, i, ps->n, &sync);	/* the record goes back through its map */
	return 0;
}

/* Fork the workers and run the serial sections between them; then reap. */
static int run_workers(struct job *job, struct proc_sync *ps, struct procs *workers)
{
	struct job_sync sync = { barrier_wait, ps };
	int rc;

	job_worker_start(job, -1);
	job_serial(job, 0);
	while (workers->started < ps->n) {
		job_spawning(job, workers->started);
		if (procs_spawn(workers, worker_main, ps) < 0)
			break;
	}
	if (workers->started < ps->n) {
		int e = errno;
		/* Workers already started cannot finish their phases without the rest. */
		procs_kill(workers);
		procs_reap(workers, NULL, 0);
		return job_fail(job, "fork failed after %d of %d workers: %s", workers->started, ps->n, strerror(e));
	}
	job_run_between(job, &sync);
	rc = procs_reap(workers, job->err, sizeof(job->err));
	if (rc == 0 && ps->b && atomic_load(&ps->b->broken))
		rc = job_fail(job, "a worker process ended before the last phase");
	return rc;
}

static int process_run(const struct workload *w, struct job *job, int n, struct timing *out)
{
	struct proc_sync ps = { NULL, NULL, job, n, 1 };
	struct procs workers;
	struct pipe_chan chan;
	int rc, use_chan = (w->needs & WORKLOAD_NEEDS_CHANNEL) != 0;

	(void)out;
	if (procs_init(&workers, n) < 0)
		return job_fail(job, "out of memory for %d processes", n);
	ps.workers = &workers;
	if (job->phases > 1) {
		ps.b = job_shared_alloc(sizeof(*ps.b));
		if (!ps.b) {
			procs_free(&workers);
			return job_fail(job, "cannot map a shared barrier");
		}
		ps.b->parties = (unsigned)n + 1;
	}
	if (use_chan && pipe_open(&chan, job) < 0) {
		rc = -1;
		goto out;
	}
	rc = run_workers(job, &ps, &workers);
	if (use_chan && pipe_close(&chan, job, rc < 0) < 0)
		rc = -1;
out:
	job_shared_free(ps.b, sizeof(*ps.b));
	procs_free(&workers);
	return rc;
}

const struct backend backend_process = {
	.name = "process",
	.summary = "fork()ed children, waited for; shared data in MAP_SHARED memory",
	.run = process_run,
};
