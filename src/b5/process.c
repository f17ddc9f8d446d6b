/*
 * B5 on processes, the talk's multiprocessing version: pickers and messengers
 * are fork()ed children (src/runtime/procs, as the process backend's: they
 * die with their parent and are always reaped), and the three queues, the
 * delivery counts and the bike flags live in one MAP_SHARED mapping with
 * process-shared mutexes and condition variables (where Python's Manager
 * queues go through a server process). The dispatcher's join notices a
 * worker that died, so a crash is a reported failure, not a hang.
 */
#include "b5.h"
#include "pipeline.h"
#include "../runtime/procs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

struct role_arg {
	struct b5_qrt *rt;
	int pickers;
};

static int worker_main(void *p, int i)
{
	struct role_arg *a = p;

	b5_mark_ready(a->rt->sh);
	if (i < a->pickers)
		b5_picker(&b5_qrt_ops, a->rt, a->rt->sh);
	else
		b5_messenger(&b5_qrt_ops, a->rt, a->rt->sh);
	return 0;
}

static int process_run(const struct b5_config *cfg, struct b5_result *out)
{
	int n = cfg->pickers + cfg->messengers, rc = -1;
	size_t bytes = b5_qrt_bytes(cfg);
	struct role_arg arg;
	struct procs procs;
	struct b5_qrt rt;
	void *mem;

	if (procs_init(&procs, n) < 0) {
		snprintf(out->err, sizeof(out->err), "out of memory for %d processes", n);
		return -1;
	}
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		snprintf(out->err, sizeof(out->err), "cannot map %zu shared bytes: %s", bytes, strerror(errno));
		procs_free(&procs);
		return -1;
	}
	if (b5_qrt_init(&rt, mem, cfg, 1) < 0) {
		snprintf(out->err, sizeof(out->err), "cannot set up process-shared queues: %s", strerror(errno));
		munmap(mem, bytes);
		procs_free(&procs);
		return -1;
	}
	b5_stock(&b5_qrt_ops, &rt, rt.sh);
	arg = (struct role_arg){ &rt, cfg->pickers };
	while (procs.started < n && procs_spawn(&procs, worker_main, &arg) == 0)
		;
	rt.procs = &procs;
	if (procs.started < n) {
		snprintf(out->err, sizeof(out->err), "cannot start process %d of %d: %s", procs.started + 1, n,
			 strerror(errno));
	} else {
		b5_wait_ready(rt.sh, n, 10);
		rc = b5_dispatch(&b5_qrt_ops, &rt, rt.sh, out);
	}
	if (rc < 0) {
		/* Workers may wait forever on a queue, or on a lock a dead one held. */
		procs_kill(&procs);
		procs_reap(&procs, NULL, 0);
	} else if (procs_reap(&procs, out->err, sizeof(out->err)) < 0) {
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
	procs_free(&procs);
	return rc;
}

const struct b5_backend b5_backend_process = {
	.name = "process",
	.summary = "fork()ed workers; queues and counts in MAP_SHARED memory, process-shared locks",
	.run = process_run,
};
