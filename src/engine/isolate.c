/*
 * Forked, process-group-isolated children with a pipe and a deadline: the
 * harness survives what it measures, and nothing it started outlives it.
 */
#define _GNU_SOURCE
#include "isolate.h"
#include "../runtime/reap.h"
#include "../base/stop.h"
#include "../base/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The measuring child's parent died (amdahl was killed): end its whole process
 * group — itself, the process backend's workers, a --cmd program — at once. */
static void on_parent_death(int sig)
{
	(void)sig;
	kill(0, SIGKILL);
}

/* In the child, before fn: its own process group, the engine's signals back to
 * their default, SIGPIPE ignored (a closed pipe is an error, not a death), and
 * death with the parent. */
static int child_setup(pid_t parent)
{
	struct sigaction sa;

	setpgid(0, 0);
	stop_default();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_parent_death;
	sigaction(ISOLATE_DEATH_SIGNAL, &sa, NULL);
	return reap_die_with_parent(parent, ISOLATE_DEATH_SIGNAL);
}

int isolate_start(struct isolate *iso, isolate_fn fn, void *arg)
{
	pid_t parent = getpid(), pid;
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		if (child_setup(parent) < 0)
			_exit(1);
		close(fds[0]);
		/* The child may write rows to nothing but the pipe: stdout is the parent's. */
		_exit(fn(arg, fds[1]));
	}
	setpgid(pid, pid);	/* both sides, so no window without the group */
	close(fds[1]);
	iso->pid = pid;
	iso->fd = fds[0];
	return 0;
}

enum isolate_read isolate_read(struct isolate *iso, void *msg, size_t len, double timeout_s,
			       volatile sig_atomic_t *stop)
{
	double deadline = clock_now() + timeout_s;
	size_t got = 0;

	while (got < len) {
		struct pollfd pfd = { .fd = iso->fd, .events = POLLIN };
		double left = deadline - clock_now();
		int ms, rc;
		ssize_t n;

		if (stop && *stop)
			return ISOLATE_INTERRUPTED;
		if (left <= 0)
			return ISOLATE_TIMEOUT;
		/* Wake at least every 100 ms to notice the stop flag without relying on EINTR. */
		ms = left > 0.1 ? 100 : (int)(left * 1000) + 1;
		rc = poll(&pfd, 1, ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return ISOLATE_ERROR;
		if (rc == 0)
			continue;
		n = read(iso->fd, (char *)msg + got, len - got);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return ISOLATE_ERROR;
		if (n == 0)
			return got == 0 ? ISOLATE_EOF : ISOLATE_ERROR;
		got += (size_t)n;
	}
	return ISOLATE_MSG;
}

/* End the child and everything under it (reap.c); its wait status. */
static int finish(struct isolate *iso, struct reap_report *r)
{
	if (iso->pid <= 0) {
		memset(r, 0, sizeof(*r));
		return 0;
	}
	reap_tree(iso->pid, REAP_GRACE_S, r);
	close(iso->fd);
	iso->fd = -1;
	iso->pid = -1;
	return r->child_status;
}

int isolate_finish(struct isolate *iso)
{
	struct reap_report r;

	return finish(iso, &r);
}

int isolate_end(struct isolate *iso, char *what, size_t len)
{
	struct reap_report r;
	int status = finish(iso, &r);

	reap_describe(&r, what, len);
	return status;
}

int isolate_send(int fd, const void *msg, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)msg + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}
