/*
 * B5 on processes, the talk's multiprocessing version: pickers and messengers
 * are fork()ed children, and the three queues, the delivery counts and the
 * bike flags live in one MAP_SHARED mapping with process-shared mutexes and
 * condition variables (where Python's Manager queues go through a server
 * process). The dispatcher's join notices a worker that died, so a crash is
 * a reported failure, not a hang.
 */
#include "b5.h"
#include "pipeline.h"
#include "../engine/isolate.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reap every worker; the first abnormal end into err (when err is set). */
static int reap(const pid_t *pids, int n, char *err, size_t errlen)
{
	int rc = 0;

	for (int i = 0; i < n; i++) {
		int status;

		while (waitpid(pids[i], &status, 0) < 0) {
			if (errno != EINTR) {
				status = 0;
				break;
			}
		}
		if (rc == 0 && err && (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status)))) {
			char how[64];
			isolate_describe(status, how, sizeof(how));
			snprintf(err, errlen, "worker process %d %s", i, how);
			rc = -1;
		}
	}
	return rc;
}

static int process_run(const struct b5_config *cfg, struct b5_result *out)
{
	int n = cfg->pickers + cfg->messengers, started = 0, rc = -1;
	size_t bytes = b5_qrt_bytes(cfg);
	struct b5_qrt rt;
	pid_t *pids;
	void *mem;

	pids = calloc((size_t)n, sizeof(*pids));
	if (!pids) {
		snprintf(out->err, sizeof(out->err), "out of memory for %d processes", n);
		return -1;
	}
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		snprintf(out->err, sizeof(out->err), "cannot map %zu shared bytes: %s", bytes, strerror(errno));
		free(pids);
		return -1;
	}
	if (b5_qrt_init(&rt, mem, cfg, 1) < 0) {
		snprintf(out->err, sizeof(out->err), "cannot set up process-shared queues: %s", strerror(errno));
		munmap(mem, bytes);
		free(pids);
		return -1;
	}
	b5_stock(&b5_qrt_ops, &rt, rt.sh);
	fflush(NULL);
	for (; started < n; started++) {
		pid_t pid = fork();

		if (pid < 0)
			break;
		if (pid == 0) {
			b5_mark_ready(rt.sh);
			if (started < cfg->pickers)
				b5_picker(&b5_qrt_ops, &rt, rt.sh);
			else
				b5_messenger(&b5_qrt_ops, &rt, rt.sh);
			_exit(0);
		}
		pids[started] = pid;
	}
	rt.pids = pids;
	rt.npids = started;
	if (started < n) {
		snprintf(out->err, sizeof(out->err), "cannot start process %d of %d: %s", started + 1, n,
			 strerror(errno));
	} else {
		b5_wait_ready(rt.sh, n, 10);
		rc = b5_dispatch(&b5_qrt_ops, &rt, rt.sh, out);
	}
	if (rc < 0) {
		/* Workers may wait forever on a queue, or on a lock a dead one held. */
		for (int i = 0; i < started; i++)
			kill(pids[i], SIGKILL);
		reap(pids, started, NULL, 0);
	} else if (reap(pids, started, out->err, sizeof(out->err)) < 0) {
		rc = -1;
	} else {
		b5_account(rt.sh, out);
		out->ok = 1;
	}
	/* Killed waiters never leave a condition variable, and glibc's destroy
	 * would wait for them: after a failure the mapping just goes. */
	if (rc == 0)
		b5_qrt_destroy(&rt);
	munmap(mem, bytes);
	free(pids);
	return rc;
}

const struct b5_backend b5_backend_process = {
	.name = "process",
	.summary = "fork()ed workers; queues and counts in MAP_SHARED memory, process-shared locks",
	.run = process_run,
};
