/*
 * Tests of isolation (src/engine/isolate.c): a child's messages arrive whole
 * and in order; a child that crashes gives EOF and "killed by SIGSEGV"; a
 * child that hangs gives ISOLATE_TIMEOUT, and after isolate_finish nothing
 * of its process group is left, not even a grandchild it forked.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../src/base/clock.h"
#include "../src/engine/isolate.h"
#include "../src/base/util.h"
#include "../src/runtime/reap.h"

struct hello {
	int seq;
	pid_t pid, pgid;
	char text[32];
};

static int send_three(void *arg, int fd)
{
	(void)arg;
	for (int i = 0; i < 3; i++) {
		struct hello h = { .seq = i, .pid = getpid(), .pgid = getpgrp() };
		snprintf(h.text, sizeof(h.text), "message %d", i);
		if (isolate_send(fd, &h, sizeof(h)) < 0)
			return 9;
	}
	return 0;
}

Test(isolate, messages_arrive_in_order_then_eof, .timeout = 20)
{
	struct isolate iso;
	struct hello h;
	int status;

	cr_assert_eq(isolate_start(&iso, send_three, NULL), 0, "%s", strerror(errno));
	cr_assert_gt(iso.pid, 0);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(isolate_read(&iso, &h, sizeof(h), 10, NULL), ISOLATE_MSG, "message %d", i);
		cr_assert_eq(h.seq, i);
		cr_assert_eq(h.pid, iso.pid);
		cr_assert_eq(h.pgid, iso.pid, "the child is not the leader of its own process group");
		cr_assert_str_eq(h.text, i == 0 ? "message 0" : i == 1 ? "message 1" : "message 2");
	}
	cr_assert_eq(isolate_read(&iso, &h, sizeof(h), 10, NULL), ISOLATE_EOF);
	status = isolate_finish(&iso);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	cr_assert_eq(iso.fd, -1);
}

static int exit_three(void *arg, int fd)
{
	(void)arg;
	(void)fd;
	return 3;
}

Test(isolate, exit_status_is_described, .timeout = 20)
{
	struct isolate iso;
	char how[64];
	int x, status;

	cr_assert_eq(isolate_start(&iso, exit_three, NULL), 0);
	cr_assert_eq(isolate_read(&iso, &x, sizeof(x), 10, NULL), ISOLATE_EOF);
	status = isolate_finish(&iso);
	describe_wait_status(status, how, sizeof(how));
	cr_assert_str_eq(how, "exited with status 3");
}

static int crash(void *arg, int fd)
{
	int seq = 1;

	(void)arg;
	isolate_send(fd, &seq, sizeof(seq));
	/* The default action, even where a sanitizer has installed its handler. */
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
	return 0;
}

Test(isolate, crash_gives_eof_and_sigsegv, .timeout = 20)
{
	struct isolate iso;
	char how[64];
	int x, status;

	cr_assert_eq(isolate_start(&iso, crash, NULL), 0);
	cr_assert_eq(isolate_read(&iso, &x, sizeof(x), 10, NULL), ISOLATE_MSG, "the message before the crash");
	cr_assert_eq(x, 1);
	cr_assert_eq(isolate_read(&iso, &x, sizeof(x), 10, NULL), ISOLATE_EOF);
	status = isolate_finish(&iso);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "status %#x", status);
	describe_wait_status(status, how, sizeof(how));
	cr_assert_str_eq(how, "was killed by SIGSEGV");
}

static int half_message(void *arg, int fd)
{
	(void)arg;
	return isolate_send(fd, "ab", 2) < 0 ? 1 : 0;
}

Test(isolate, short_message_is_an_error, .timeout = 20)
{
	struct isolate iso;
	double d;

	cr_assert_eq(isolate_start(&iso, half_message, NULL), 0);
	cr_assert_eq(isolate_read(&iso, &d, sizeof(d), 10, NULL), ISOLATE_ERROR);
	isolate_finish(&iso);
}

/* The child forks a grandchild (same process group); both send their pid
 * and then wait forever. */
static int hang_with_grandchild(void *arg, int fd)
{
	pid_t gc;

	(void)arg;
	gc = fork();
	if (gc == 0) {
		pid_t me = getpid();
		isolate_send(fd, &me, sizeof(me));
		for (;;)
			pause();
	}
	for (;;)
		pause();
	return 0;
}

/* No process left in the group: kill(-pgid, 0) fails with ESRCH. The test
 * process is made a subreaper so that the orphaned grandchild is reaped here,
 * not left a zombie (still a group member) under an init that does not reap. */
static int group_gone(pid_t pgid, double within_s)
{
	double deadline = clock_now() + within_s;

	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (kill(-pgid, 0) < 0 && errno == ESRCH)
			return 1;
		if (clock_now() > deadline)
			return 0;
		clock_sleep(0.005);
	}
}

Test(isolate, hang_times_out_and_the_whole_group_ends, .timeout = 20)
{
	struct isolate iso;
	pid_t gc = 0, pgid;
	double t0;
	int status;

	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	cr_assert_eq(isolate_start(&iso, hang_with_grandchild, NULL), 0);
	pgid = iso.pid;
	cr_assert_eq(isolate_read(&iso, &gc, sizeof(gc), 10, NULL), ISOLATE_MSG, "no word from the grandchild");
	cr_assert_gt(gc, 0);
	cr_assert_eq(getpgid(gc), pgid, "the grandchild left the group");
	t0 = clock_now();
	cr_assert_eq(isolate_read(&iso, &gc, sizeof(gc), 0.3, NULL), ISOLATE_TIMEOUT);
	cr_assert(clock_now() - t0 >= 0.29, "timed out after %.3f s", clock_now() - t0);
	status = isolate_finish(&iso);
	/* SIGTERM first (a grace period to clean up), SIGKILL for what ignores it. */
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %#x", status);
	cr_assert(group_gone(pgid, 5), "process group %d still has members after isolate_finish", (int)pgid);
	cr_assert(kill(gc, 0) < 0 && errno == ESRCH, "grandchild %d survived", (int)gc);
}

static int sleepy(void *arg, int fd)
{
	(void)arg;
	(void)fd;
	for (;;)
		pause();
	return 0;
}

Test(isolate, stop_flag_interrupts_the_wait, .timeout = 20)
{
	volatile sig_atomic_t stop = 1;
	struct isolate iso;
	double t0;
	int x, status;

	cr_assert_eq(isolate_start(&iso, sleepy, NULL), 0);
	t0 = clock_now();
	cr_assert_eq(isolate_read(&iso, &x, sizeof(x), 10, &stop), ISOLATE_INTERRUPTED);
	cr_assert(clock_now() - t0 < 5, "the stop flag was not noticed");
	status = isolate_finish(&iso);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %#x", status);
}

/* A child that ignores SIGTERM, with a grandchild that left for a session of
 * its own: both are ended (SIGKILL after the grace) and reaped, and what was
 * ended is said as it is. */
static int stubborn(void *arg, int fd)
{
	pid_t gc;

	(void)arg;
	signal(SIGTERM, SIG_IGN);
	gc = fork();
	if (gc == 0) {
		setsid();
		for (;;)
			pause();
	}
	isolate_send(fd, &gc, sizeof(gc));
	for (;;)
		pause();
	return 0;
}

Test(isolate, what_ignores_sigterm_or_left_the_group_is_ended_too, .timeout = 20)
{
	struct isolate iso;
	char what[200];
	pid_t gc = 0;
	int status;
	double t0;

	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	cr_assert_eq(isolate_start(&iso, stubborn, NULL), 0);
	cr_assert_eq(isolate_read(&iso, &gc, sizeof(gc), 10, NULL), ISOLATE_MSG);
	clock_sleep(0.05);	/* the grandchild's setsid */
	t0 = clock_now();
	status = isolate_end(&iso, what, sizeof(what));
	cr_assert(clock_now() - t0 < REAP_GRACE_S + 1, "took %.2f s", clock_now() - t0);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	cr_assert(kill(gc, 0) < 0 && errno == ESRCH, "grandchild %d survived (or is an unreaped zombie)", (int)gc);
	cr_assert_str_eq(what, "the measuring process and 1 process under it were ended "
			 "(1 of them had left its process group)");
}

/* Sleeping in short naps: ThreadSanitizer runs a signal handler at its next
 * intercepted call, which pause() is not. */
static int sleepy_in_group(void *arg, int fd)
{
	(void)arg;
	(void)fd;
	fork();		/* a worker, in the child's group */
	for (;;)
		usleep(10000);
	return 0;
}

/* amdahl killed outright: the isolated child and its group die with it. */
Test(isolate, the_child_dies_with_its_parent, .timeout = 20)
{
	int fds[2];
	pid_t mid, child = 0;
	double deadline;

#ifdef __SANITIZE_THREAD__
	/* In a child of a child of the Criterion worker, ThreadSanitizer keeps the
	 * death signal queued for a handler it never runs; escape::sigkill_* check
	 * the same on the binary, which it does not disturb. */
	cr_skip_test("ThreadSanitizer defers the parent-death handler in a forked child");
#endif
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	cr_assert_eq(pipe(fds), 0);
	mid = fork();
	if (mid == 0) {
		struct isolate iso;

		if (isolate_start(&iso, sleepy_in_group, NULL) < 0)
			_exit(1);
		write(fds[1], &iso.pid, sizeof(iso.pid));
		for (;;)
			pause();
	}
	cr_assert_eq(read(fds[0], &child, sizeof(child)), (ssize_t)sizeof(child));
	clock_sleep(0.05);
	kill(mid, SIGKILL);
	waitpid(mid, NULL, 0);
	deadline = clock_now() + 2;
	while (!group_gone(child, 0.01) && clock_now() < deadline)
		;
	if (!group_gone(child, 0.01)) {
		kill(-child, SIGKILL);	/* nothing of the test left behind */
		group_gone(child, 1);
		cr_assert_fail("the child's group outlived its parent");
	}
}

Test(isolate, describe_unknown_status)
{
	char how[64];

	describe_wait_status(0, how, sizeof(how));
	cr_assert_str_eq(how, "exited with status 0");
	describe_wait_status(SIGKILL, how, sizeof(how));
	cr_assert_str_eq(how, "was killed by SIGKILL");
}
