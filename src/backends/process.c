/*
 * process backend: N fork()ed children, waited for. Workers share only what
 * the workload put in MAP_SHARED memory; a barrier between phases lives there
 * too. Processes have no GIL and are isolated, at the price of fork and IPC.
 */
#include "backend.h"
#include "../core/isolate.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void barrier_wait(void *ctx)
{
	pthread_barrier_wait(ctx);
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
	pthread_barrier_t *barrier = NULL;
	pthread_barrierattr_t attr;
	struct job_sync sync;
	pid_t *pids;
	int started = 0, rc;

	(void)w;
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
		pthread_barrierattr_init(&attr);
		pthread_barrierattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
		pthread_barrier_init(barrier, &attr, (unsigned)n + 1);
		pthread_barrierattr_destroy(&attr);
	}
	sync.wait = barrier_wait;
	sync.ctx = barrier;
	job_worker_start(job, -1);
	job_serial(job, 0);
	for (; started < n; started++) {
		pid_t pid = fork();

		if (pid < 0)
			break;
		if (pid == 0) {
			job_run_worker(job, started, n, &sync);
			_exit(0);
		}
		pids[started] = pid;
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
	}
	if (barrier) {
		pthread_barrier_destroy(barrier);
		job_shared_free(barrier, sizeof(*barrier));
	}
	free(pids);
	return rc;
}

const struct backend backend_process = {
	.name = "process",
	.summary = "fork()ed children, waited for; shared data in MAP_SHARED memory",
	.run = process_run,
};
