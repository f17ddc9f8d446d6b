/*
 * process backend: N fork()ed children, waited for. Workers share only what
 * the workload put in MAP_SHARED memory; a barrier between phases lives there
 * too. Processes have no GIL and are isolated, at the price of fork and IPC.
 *
 * Channel (message workload): one pipe that every worker writes into and a
 * consumer process reads to its end, as multiprocessing's Pipe: each message
 * crosses the kernel twice (write, read). The consumer counts the bytes into
 * shared memory; the run fails when they differ from the bytes written.
 */
#include "../api/backend.h"
#include "../engine/isolate.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- channel: a pipe to a consumer process ---- */

struct pipe_count {
	_Atomic uint64_t sent;		/* bytes written, by every writer */
	uint64_t received, checksum;	/* by the consumer, before it exits */
};

struct pipe_chan {
	int wfd;
	pid_t consumer;
	struct pipe_count *count;	/* MAP_SHARED */
};

static int pipe_transfer(struct job *job, int worker, const void *buf, size_t len)
{
	struct pipe_chan *pc = job->hooks.ctx;
	const char *p = buf;

	(void)worker;
	while (len > 0) {
		ssize_t k = write(pc->wfd, p, len);

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

static void consumer_main(int rfd, struct pipe_count *c)
{
	unsigned char buf[65536];
	uint64_t got = 0, sum = 0;
	ssize_t k;

	while ((k = read(rfd, buf, sizeof(buf))) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			_exit(1);
		for (ssize_t i = 0; i < k; i++)
			sum += buf[i];
		got += (uint64_t)k;
	}
	c->received = got;
	c->checksum = sum;
	_exit(0);
}

static int pipe_open(struct pipe_chan *pc, struct job *job)
{
	int fds[2];

	pc->count = job_shared_alloc(sizeof(*pc->count));
	if (!pc->count)
		return job_fail(job, "channel: cannot map the byte counts");
	if (pipe(fds) < 0) {
		job_shared_free(pc->count, sizeof(*pc->count));
		return job_fail(job, "channel: cannot make a pipe: %s", strerror(errno));
	}
	pc->consumer = fork();
	if (pc->consumer == 0) {
		close(fds[1]);
		consumer_main(fds[0], pc->count);
	}
	close(fds[0]);	/* the workers only write */
	if (pc->consumer < 0) {
		close(fds[1]);
		job_shared_free(pc->count, sizeof(*pc->count));
		return job_fail(job, "channel: cannot fork the consumer: %s", strerror(errno));
	}
	pc->wfd = fds[1];
	job->hooks.transfer = pipe_transfer;
	job->hooks.ctx = pc;
	return 0;
}

/* After the workers are reaped: the consumer reads to the end and exits.
 * An earlier failure's message is kept. */
static int pipe_close(struct pipe_chan *pc, struct job *job, int failed)
{
	uint64_t sent = atomic_load(&pc->count->sent);
	int status = 0, rc = 0;

	close(pc->wfd);
	while (waitpid(pc->consumer, &status, 0) < 0 && errno == EINTR)
		;
	if (failed)
		rc = -1;
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
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
	const pid_t *pids;	/* the parent's list of started workers */
	int started, parent;
};

static void futex_wake_all(_Atomic unsigned *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* A worker that has ended (WNOWAIT: reap() still collects its status). */
static int worker_ended(const struct proc_sync *ps)
{
	for (int i = 0; i < ps->started; i++) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)ps->pids[i], &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid != 0)
			return 1;
	}
	return 0;
}

static void barrier_wait(void *ctx)
{
	struct proc_sync *ps = ctx;
	struct proc_barrier *b = ps->b;
	unsigned gen = atomic_load(&b->generation);

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
		if (ps->parent && atomic_load(&b->generation) == gen && worker_ended(ps)) {
			atomic_store(&b->broken, 1);
			futex_wake_all(&b->generation);
		}
	}
}

static int reap(struct job *job, pid_t *pids, int started)
{
	int rc = 0;

	for (int i = 0; i < started; i++) {
		int status;

		while (waitpid(pids[i], &status, 0) < 0) {
			if (errno != EINTR) {
				status = 0;
				break;
			}
		}
		if (rc == 0 && (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0))) {
			char how[64];
			isolate_describe(status, how, sizeof(how));
			rc = job_fail(job, "worker process %d %s", i, how);
		}
	}
	return rc;
}

static int process_run(const struct workload *w, struct job *job, int n, struct timing *out)
{
	struct proc_barrier *barrier = NULL;
	struct proc_sync ps = { NULL, NULL, 0, 1 };
	struct job_sync sync;
	struct pipe_chan chan;
	pid_t *pids;
	int started = 0, rc, use_chan = (w->needs & WORKLOAD_NEEDS_CHANNEL) != 0;

	(void)out;
	pids = calloc((size_t)n, sizeof(*pids));
	if (!pids)
		return job_fail(job, "out of memory for %d processes", n);
	if (job->phases > 1) {
		barrier = job_shared_alloc(sizeof(*barrier));
		if (!barrier) {
			free(pids);
			return job_fail(job, "cannot map a shared barrier");
		}
		barrier->parties = (unsigned)n + 1;
	}
	ps.b = barrier;
	ps.pids = pids;
	sync.wait = barrier_wait;
	sync.ctx = &ps;
	if (use_chan && pipe_open(&chan, job) < 0) {
		rc = -1;
		goto out;
	}
	job_worker_start(job, -1);
	job_serial(job, 0);
	for (; started < n; started++) {
		pid_t pid = fork();

		if (pid < 0)
			break;
		if (pid == 0) {
			ps.parent = 0;
			job_run_worker(job, started, n, &sync);
			_exit(0);
		}
		pids[started] = pid;
		ps.started = started + 1;
	}
	if (started < n) {
		int e = errno;
		/* Workers already started cannot finish their phases without the rest. */
		for (int i = 0; i < started; i++)
			kill(pids[i], SIGKILL);
		reap(job, pids, started);
		rc = job_fail(job, "fork failed after %d of %d workers: %s", started, n, strerror(e));
	} else {
		job_run_between(job, &sync);
		rc = reap(job, pids, started);
		if (rc == 0 && barrier && atomic_load(&barrier->broken))
			rc = job_fail(job, "a worker process ended before the last phase");
	}
	if (use_chan && pipe_close(&chan, job, rc < 0) < 0)
		rc = -1;
out:
	job_shared_free(barrier, sizeof(*barrier));
	free(pids);
	return rc;
}

const struct backend backend_process = {
	.name = "process",
	.summary = "fork()ed children, waited for; shared data in MAP_SHARED memory",
	.run = process_run,
};
