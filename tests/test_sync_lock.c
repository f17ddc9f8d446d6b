/*
 * Tests of Lock and RLock (src/runtime/lock.c) with real threads: mutual
 * exclusion counted exactly, timeouts within wide bounds, Python's ownership
 * rules (a Lock blocks its holder and anyone may release it; an RLock
 * re-enters and only its owner releases), and a Lock shared across fork().
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../src/runtime/lock.h"

#define THREADS 4
#define INCREMENTS 50000

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct counted {
	struct sync_lock lock;
	struct sync_rlock rlock;
	long counter;		/* plain: only the lock makes it right */
	atomic_int bad;		/* failed releases, seen by the worker threads */
};

static void *lock_adder(void *arg)
{
	struct counted *c = arg;

	for (int i = 0; i < INCREMENTS; i++) {
		sync_lock_acquire(&c->lock);
		long v = c->counter;
		c->counter = v + 1;
		if (sync_lock_release(&c->lock) != 0)
			atomic_fetch_add(&c->bad, 1);
	}
	return NULL;
}

Test(sync_lock, threads_increment_exactly, .timeout = 30)
{
	struct counted c = { .counter = 0 };
	pthread_t t[THREADS];

	cr_assert_eq(sync_lock_init(&c.lock, 0), 0);
	for (int i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, lock_adder, &c), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(c.counter, (long)THREADS * INCREMENTS);
	cr_assert_eq(atomic_load(&c.bad), 0);
	cr_assert_eq(sync_lock_locked(&c.lock), 0);
	sync_lock_destroy(&c.lock);
}

Test(sync_lock, holder_blocks_on_itself_until_timeout, .timeout = 30)
{
	struct sync_lock l;

	cr_assert_eq(sync_lock_init(&l, 0), 0);
	sync_lock_acquire(&l);
	double t0 = now_s();
	cr_assert_eq(sync_lock_acquire_timed(&l, 0.2), -1, "a Lock is not re-entrant");
	double dt = now_s() - t0;
	cr_assert(dt >= 0.19 && dt < 5, "timed out after %.3f s", dt);
	cr_assert_eq(sync_lock_try(&l), -1);
	cr_assert_eq(sync_lock_release(&l), 0);
	cr_assert_eq(sync_lock_release(&l), -1, "released a free lock");
	cr_assert_eq(sync_lock_try(&l), 0);
	cr_assert_eq(sync_lock_acquire_timed(&l, 0), -1);
	cr_assert_eq(sync_lock_release(&l), 0);
	sync_lock_destroy(&l);
}

struct handoff {
	struct sync_lock lock;
	atomic_int released;
	int got, saw_released;
};

static void *lock_releaser(void *arg)
{
	struct handoff *h = arg;

	h->got = sync_lock_release(&h->lock);
	return NULL;
}

Test(sync_lock, any_thread_may_release, .timeout = 30)
{
	struct handoff h;
	pthread_t t;

	cr_assert_eq(sync_lock_init(&h.lock, 0), 0);
	sync_lock_acquire(&h.lock);
	cr_assert_eq(pthread_create(&t, NULL, lock_releaser, &h), 0);
	pthread_join(t, NULL);
	cr_assert_eq(h.got, 0);
	cr_assert_eq(sync_lock_try(&h.lock), 0);
	sync_lock_release(&h.lock);
	sync_lock_destroy(&h.lock);
}

static void *lock_waiter(void *arg)
{
	struct handoff *h = arg;

	h->got = sync_lock_acquire_timed(&h->lock, 20);
	h->saw_released = atomic_load(&h->released);
	sync_lock_release(&h->lock);
	return NULL;
}

Test(sync_lock, release_wakes_a_blocked_acquire, .timeout = 30)
{
	struct handoff h = { .got = -2 };
	pthread_t t;

	atomic_init(&h.released, 0);
	cr_assert_eq(sync_lock_init(&h.lock, 0), 0);
	sync_lock_acquire(&h.lock);
	cr_assert_eq(pthread_create(&t, NULL, lock_waiter, &h), 0);
	/* Whenever the waiter gets in, it must be after this store. */
	atomic_store(&h.released, 1);
	double t0 = now_s();
	sync_lock_release(&h.lock);
	pthread_join(t, NULL);
	cr_assert_eq(h.got, 0);
	cr_assert_eq(h.saw_released, 1, "acquired while the lock was held");
	cr_assert(now_s() - t0 < 10);
	sync_lock_destroy(&h.lock);
}

Test(sync_lock, pshared_across_fork, .timeout = 30)
{
	struct counted *c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(c, MAP_FAILED);
	c->counter = 0;
	cr_assert_eq(sync_lock_init(&c->lock, 1), 0);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	for (int i = 0; i < INCREMENTS; i++) {
		sync_lock_acquire(&c->lock);
		long v = *(volatile long *)&c->counter;
		*(volatile long *)&c->counter = v + 1;
		sync_lock_release(&c->lock);
	}
	if (pid == 0)
		_exit(0);
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(c->counter, 2L * INCREMENTS);
	sync_lock_destroy(&c->lock);
	munmap(c, sizeof(*c));
}

static void *rlock_adder(void *arg)
{
	struct counted *c = arg;

	for (int i = 0; i < INCREMENTS / 2; i++) {
		sync_rlock_acquire(&c->rlock);
		sync_rlock_acquire(&c->rlock);	/* re-entry, as a nested call would */
		long v = c->counter;
		c->counter = v + 1;
		if (sync_rlock_release(&c->rlock) != 0 || sync_rlock_release(&c->rlock) != 0)
			atomic_fetch_add(&c->bad, 1);
	}
	return NULL;
}

Test(sync_rlock, threads_reenter_and_increment_exactly, .timeout = 30)
{
	struct counted c = { .counter = 0 };
	pthread_t t[THREADS];

	cr_assert_eq(sync_rlock_init(&c.rlock), 0);
	for (int i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, rlock_adder, &c), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(c.counter, (long)THREADS * (INCREMENTS / 2));
	cr_assert_eq(atomic_load(&c.bad), 0);
	sync_rlock_destroy(&c.rlock);
}

struct rl_probe {
	struct sync_rlock *l;
	int release_rc, acquire_rc;
	double timeout;
};

static void *rlock_stranger(void *arg)
{
	struct rl_probe *p = arg;

	p->release_rc = sync_rlock_release(p->l);
	p->acquire_rc = sync_rlock_acquire_timed(p->l, p->timeout);
	if (p->acquire_rc == 0)
		sync_rlock_release(p->l);
	return NULL;
}

Test(sync_rlock, only_the_owner_releases, .timeout = 30)
{
	struct sync_rlock l;
	struct rl_probe p = { .l = &l, .timeout = 0.1 };
	pthread_t t;

	cr_assert_eq(sync_rlock_init(&l), 0);
	cr_assert_eq(sync_rlock_release(&l), -1, "released a free rlock");
	sync_rlock_acquire(&l);
	cr_assert_eq(sync_rlock_acquire_timed(&l, 0), 0, "the owner re-enters");
	cr_assert_eq(pthread_create(&t, NULL, rlock_stranger, &p), 0);
	pthread_join(t, NULL);
	cr_assert_eq(p.release_rc, -1, "a non-owner released");
	cr_assert_eq(p.acquire_rc, -1, "a non-owner got in");

	/* Still held twice: one release is not enough. */
	cr_assert_eq(sync_rlock_release(&l), 0);
	p.timeout = 0.05;
	cr_assert_eq(pthread_create(&t, NULL, rlock_stranger, &p), 0);
	pthread_join(t, NULL);
	cr_assert_eq(p.acquire_rc, -1);

	cr_assert_eq(sync_rlock_release(&l), 0);
	cr_assert_eq(sync_rlock_release(&l), -1);
	p.timeout = 10;
	cr_assert_eq(pthread_create(&t, NULL, rlock_stranger, &p), 0);
	pthread_join(t, NULL);
	cr_assert_eq(p.acquire_rc, 0, "free after as many releases as acquires");
	sync_rlock_destroy(&l);
}
