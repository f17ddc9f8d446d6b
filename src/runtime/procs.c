/*
 * Process workers (procs.h): fork with a parent-death signal, notice an ended
 * worker without reaping it, kill, and reap every one.
 */
#define _GNU_SOURCE
#include "procs.h"
#include "../base/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int procs_init(struct procs *p, int capacity)
{
	memset(p, 0, sizeof(*p));
	p->pids = calloc(capacity > 0 ? (size_t)capacity : 1, sizeof(*p->pids));
	if (!p->pids)
		return -1;
	p->capacity = capacity;
	p->parent = getpid();
	return 0;
}

int procs_spawn(struct procs *p, procs_fn fn, void *arg)
{
	int i = p->started;
	pid_t pid;

	if (i >= p->capacity) {
		errno = ENOSPC;
		return -1;
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* Die with the parent; if it died before the line above, go now. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != p->parent)
			_exit(127);	/* the status tests look for */
		_exit(fn(arg, i));
	}
	p->pids[i] = pid;
	p->started = i + 1;
	p->reaped = 0;
	return 0;
}

int procs_ended(const struct procs *p, int *status)
{
	for (int i = 0; i < p->started; i++) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)p->pids[i], &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid) {
			*status = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8 : si.si_status & 0x7f;
			return i;
		}
	}
	return -1;
}

void procs_kill(const struct procs *p)
{
	for (int i = 0; i < p->started; i++)
		kill(p->pids[i], SIGKILL);
}

int procs_reap(struct procs *p, char *err, size_t errlen)
{
	int rc = 0;

	for (int i = 0; i < p->started && !p->reaped; i++) {
		int status;

		while (waitpid(p->pids[i], &status, 0) < 0) {
			if (errno != EINTR) {
				status = 0;
				break;
			}
		}
		if (rc == 0 && (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0))) {
			char how[64];

			describe_wait_status(status, how, sizeof(how));
			if (err)
				snprintf(err, errlen, "worker process %d %s", i, how);
			rc = -1;
		}
	}
	p->reaped = 1;
	return rc;
}

void procs_free(struct procs *p)
{
	if (!p->reaped && p->started > 0) {
		procs_kill(p);
		procs_reap(p, NULL, 0);
	}
	free(p->pids);
	p->pids = NULL;
	p->started = 0;
}
