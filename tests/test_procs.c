/*
 * Tests of the process workers (src/runtime/procs.c): a worker dies with its
 * parent even when the parent is SIGKILLed (issue 12), every worker is
 * reaped — on success, when one failed, and when they are left running on an
 * error path — and an ended worker is seen without being reaped.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../src/runtime/procs.h"

static int sleep_forever(void *arg, int i)
{
	(void)arg;
	(void)i;
	for (;;)
		pause();
	return 0;
}

/* Worker i exits with status codes[i]; a negative code kills it with -code. */
static int exit_with(void *arg, int i)
{
	const int *codes = arg;

	if (codes[i] < 0)
		raise(-codes[i]);
	return codes[i];
}

/* No child of this process is left, not even a zombie. */
static void assert_no_children(void)
{
	errno = 0;
	cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1, "a child is left");
	cr_assert_eq(errno, ECHILD);
}

/* Wait up to 10 s for pid, a child of this process: its wait status, or -1
 * when it still runs; then it is killed, so that no failure leaves it behind. */
static int wait_child(pid_t pid)
{
	int status = -1;

	for (int i = 0; i < 1000; i++) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			return status;
		if (got < 0)
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

Test(procs, workers_die_with_a_sigkilled_parent, .timeout = 30)
{
	int fds[2];
	pid_t parent, workers[2];

	/* Orphans come to this process, not to init: it can wait for them. */
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	cr_assert_eq(pipe(fds), 0);
	parent = fork();
	cr_assert_geq(parent, 0);
	if (parent == 0) {
		struct procs p;

		if (procs_init(&p, 2) < 0 || procs_spawn(&p, sleep_forever, NULL) < 0 ||
		    procs_spawn(&p, sleep_forever, NULL) < 0)
			_exit(1);
		if (write(fds[1], p.pids, 2 * sizeof(pid_t)) != 2 * sizeof(pid_t))
			_exit(1);
		sleep_forever(NULL, 0);
	}
	close(fds[1]);
	cr_assert_eq(read(fds[0], workers, sizeof(workers)), (ssize_t)sizeof(workers));
	cr_assert_eq(kill(parent, SIGKILL), 0);
	cr_assert(WIFSIGNALED(wait_child(parent)));
	for (int i = 0; i < 2; i++) {
		int status = wait_child(workers[i]);

		cr_assert_neq(status, -1, "worker %d still ran 10 s after its parent was killed", i);
		/* Killed by the parent-death signal, or, when the parent died
		 * before the worker had asked for that signal, gone by itself
		 * (status 127) on finding that its parent was not the one. */
		cr_assert((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
			  (WIFEXITED(status) && WEXITSTATUS(status) == 127),
			  "worker %d outlived its parent (status %#x)", i, status);
	}
	assert_no_children();
}

Test(procs, reap_names_the_first_failure_and_leaves_no_zombie, .timeout = 30)
{
	static const int codes[] = { 0, 3, -SIGTERM, 0 };
	struct procs p;
	char err[128] = "";

	cr_assert_eq(procs_init(&p, 4), 0);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(procs_spawn(&p, exit_with, (void *)codes), 0);
	cr_assert_eq(procs_spawn(&p, exit_with, (void *)codes), -1, "a fifth worker in room for four");
	cr_assert_eq(procs_reap(&p, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "worker process 1 exited with status 3");
	assert_no_children();
	procs_free(&p);
	cr_assert_eq(procs_init(&p, 2), 0);
	for (int i = 0; i < 2; i++)
		cr_assert_eq(procs_spawn(&p, exit_with, (void *)codes), 0);
	cr_assert_eq(procs_reap(&p, err, sizeof(err)), -1);
	procs_free(&p);
	cr_assert_eq(procs_init(&p, 1), 0);
	cr_assert_eq(procs_spawn(&p, exit_with, (void *)codes), 0);
	cr_assert_eq(procs_reap(&p, err, sizeof(err)), 0);
	procs_free(&p);
	assert_no_children();
}

Test(procs, an_ended_worker_is_seen_and_free_reaps_the_rest, .timeout = 30)
{
	static const int codes[] = { 0, 7 };
	struct procs p;
	pid_t pids[3];
	int status = 0, i = -1;

	cr_assert_eq(procs_init(&p, 3), 0);
	cr_assert_eq(procs_spawn(&p, sleep_forever, NULL), 0);
	cr_assert_eq(procs_spawn(&p, exit_with, (void *)codes), 0);
	cr_assert_eq(procs_spawn(&p, sleep_forever, NULL), 0);
	memcpy(pids, p.pids, sizeof(pids));
	for (int k = 0; k < 1000 && (i = procs_ended(&p, &status)) < 0; k++)
		usleep(10000);
	cr_assert_eq(i, 1, "worker 1 ended, procs_ended says %d", i);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 7, "status %#x", status);
	/* Not reaped: its status is still there to take. */
	cr_assert_eq(procs_ended(&p, &status), 1);
	/* An error path: the others still run; free kills and reaps them. */
	procs_free(&p);
	assert_no_children();
	for (int k = 0; k < 3; k++)
		cr_assert(kill(pids[k], 0) < 0 && errno == ESRCH, "worker %d still exists", k);
}
