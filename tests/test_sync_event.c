/*
 * Tests of Event (src/runtime/event.c): set wakes every waiter, a wait times
 * out within wide bounds, clear re-arms, and an event in MAP_SHARED memory
 * signals across fork().
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../src/runtime/event.h"

#define WAITERS 8

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct gate {
	struct sync_event go, started;
	atomic_int n_started, n_woken;
};

static void *event_waiter(void *arg)
{
	struct gate *g = arg;

	if (atomic_fetch_add(&g->n_started, 1) + 1 == WAITERS)
		sync_event_set(&g->started);
	if (sync_event_wait(&g->go, 20) == 1)
		atomic_fetch_add(&g->n_woken, 1);
	return NULL;
}

Test(sync_event, set_wakes_every_waiter, .timeout = 30)
{
	struct gate g;
	pthread_t t[WAITERS];

	atomic_init(&g.n_started, 0);
	atomic_init(&g.n_woken, 0);
	cr_assert_eq(sync_event_init(&g.go, 0), 0);
	cr_assert_eq(sync_event_init(&g.started, 0), 0);
	for (int i = 0; i < WAITERS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, event_waiter, &g), 0);
	cr_assert_eq(sync_event_wait(&g.started, 20), 1);
	cr_assert_eq(atomic_load(&g.n_woken), 0, "woken before the set");
	double t0 = now_s();
	sync_event_set(&g.go);
	for (int i = 0; i < WAITERS; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(atomic_load(&g.n_woken), WAITERS);
	cr_assert(now_s() - t0 < 10, "waiters slept past the set");
	sync_event_destroy(&g.go);
	sync_event_destroy(&g.started);
}

Test(sync_event, wait_times_out_and_clear_rearms, .timeout = 30)
{
	struct sync_event e;

	cr_assert_eq(sync_event_init(&e, 0), 0);
	cr_assert_eq(sync_event_is_set(&e), 0);
	cr_assert_eq(sync_event_wait(&e, 0), 0);
	double t0 = now_s();
	cr_assert_eq(sync_event_wait(&e, 0.15), 0);
	double dt = now_s() - t0;
	cr_assert(dt >= 0.14 && dt < 5, "timed out after %.3f s", dt);

	sync_event_set(&e);
	cr_assert_eq(sync_event_is_set(&e), 1);
	cr_assert_eq(sync_event_wait(&e, 0), 1);
	cr_assert_eq(sync_event_wait(&e, -1), 1, "a set event does not block");
	sync_event_clear(&e);
	cr_assert_eq(sync_event_is_set(&e), 0);
	cr_assert_eq(sync_event_wait(&e, 0.01), 0);
	sync_event_destroy(&e);
}

Test(sync_event, pshared_across_fork, .timeout = 30)
{
	struct sync_event *e = mmap(NULL, 2 * sizeof(*e), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(e, MAP_FAILED);
	cr_assert_eq(sync_event_init(&e[0], 1), 0);
	cr_assert_eq(sync_event_init(&e[1], 1), 0);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		/* Child: answer the parent's event with its own. */
		if (sync_event_wait(&e[0], 20) != 1)
			_exit(3);
		sync_event_set(&e[1]);
		_exit(0);
	}
	sync_event_set(&e[0]);
	cr_assert_eq(sync_event_wait(&e[1], 20), 1);
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sync_event_destroy(&e[0]);
	sync_event_destroy(&e[1]);
	munmap(e, 2 * sizeof(*e));
}
