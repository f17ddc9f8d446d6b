/*
 * Forked, process-group-isolated children with a pipe and a deadline: the
 * harness survives what it measures.
 */
#define _GNU_SOURCE
#include "isolate.h"
#include "stop.h"
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

int isolate_start(struct isolate *iso, isolate_fn fn, void *arg)
{
	int fds[2];
	pid_t pid;

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
		struct sigaction sa;

		setpgid(0, 0);
		engine_stop_default();
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
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

int isolate_finish(struct isolate *iso)
{
	int status = 0;

	if (iso->pid <= 0)
		return 0;
	/* The leader is not reaped yet, so its group id cannot have been reused. */
	kill(-iso->pid, SIGKILL);
	while (waitpid(iso->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(iso->fd);
	iso->fd = -1;
	iso->pid = -1;
	return status;
}

int isolate_end(struct isolate *iso, char *what, size_t len)
{
	snprintf(what, len, "its process group was ended");
	return isolate_finish(iso);
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

void isolate_describe(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by SIG%s", sigabbrev_np(WTERMSIG(status)) ?
			 sigabbrev_np(WTERMSIG(status)) : "?");
	else if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(buf, len, "ended (wait status %#x)", status);
}
