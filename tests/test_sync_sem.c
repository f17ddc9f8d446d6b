/*
 * Tests of Semaphore (src/runtime/semaphore.c): the count admits at most its
 * value of threads at once, acquire times out, a release wakes a blocked
 * acquire, and the bound turns an extra release into an error.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "../src/runtime/semaphore.h"

#define THREADS 6
#define ROUNDS 3000
#define SLOTS 2

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct pool {
	struct sync_sem sem;
	atomic_int inside, most, bad;
};

static void *sem_user(void *arg)
{
	struct pool *p = arg;

	for (int i = 0; i < ROUNDS; i++) {
		if (sync_sem_acquire(&p->sem, 20) != 0) {
			atomic_fetch_add(&p->bad, 1);
			continue;
		}
		int in = atomic_fetch_add(&p->inside, 1) + 1;
		int most = atomic_load(&p->most);
		while (in > most && !atomic_compare_exchange_weak(&p->most, &most, in))
			;
		atomic_fetch_sub(&p->inside, 1);
		if (sync_sem_release(&p->sem) != 0)
			atomic_fetch_add(&p->bad, 1);
	}
	return NULL;
}

Test(sync_sem, admits_at_most_its_value, .timeout = 30)
{
	struct pool p;
	pthread_t t[THREADS];

	atomic_init(&p.inside, 0);
	atomic_init(&p.most, 0);
	atomic_init(&p.bad, 0);
	cr_assert_eq(sync_sem_init(&p.sem, SLOTS, SLOTS, 0), 0);
	for (int i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, sem_user, &p), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(atomic_load(&p.bad), 0);
	cr_assert(atomic_load(&p.most) >= 1 && atomic_load(&p.most) <= SLOTS,
		  "%d threads inside at once", atomic_load(&p.most));
	cr_assert_eq(sync_sem_value(&p.sem), SLOTS);
	sync_sem_destroy(&p.sem);
}

Test(sync_sem, bound_refuses_an_extra_release, .timeout = 30)
{
	struct sync_sem s;

	cr_assert_eq(sync_sem_init(&s, 3, 2, 0), -1, "value above the bound accepted");
	cr_assert_eq(sync_sem_init(&s, 2, 2, 0), 0);
	cr_assert_eq(sync_sem_release(&s), -1, "released past the bound");
	cr_assert_eq(sync_sem_value(&s), 2);
	cr_assert_eq(sync_sem_acquire(&s, 0), 0);
	cr_assert_eq(sync_sem_acquire(&s, -1), 0);
	double t0 = now_s();
	cr_assert_eq(sync_sem_acquire(&s, 0.15), -1);
	double dt = now_s() - t0;
	cr_assert(dt >= 0.14 && dt < 5, "timed out after %.3f s", dt);
	cr_assert_eq(sync_sem_release(&s), 0);
	cr_assert_eq(sync_sem_release(&s), 0);
	cr_assert_eq(sync_sem_release(&s), -1);
	cr_assert_eq(sync_sem_value(&s), 2);
	sync_sem_destroy(&s);

	cr_assert_eq(sync_sem_init(&s, 0, 0, 0), 0);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(sync_sem_release(&s), 0, "an unbounded semaphore refused");
	cr_assert_eq(sync_sem_value(&s), 1000);
	sync_sem_destroy(&s);
}

struct relay {
	struct sync_sem sem;
	atomic_int released;
	int rc, saw_released;
};

static void *sem_waiter(void *arg)
{
	struct relay *r = arg;

	r->rc = sync_sem_acquire(&r->sem, 20);
	r->saw_released = atomic_load(&r->released);
	return NULL;
}

Test(sync_sem, release_wakes_a_blocked_acquire, .timeout = 30)
{
	struct relay r = { .rc = -2 };
	pthread_t t;

	atomic_init(&r.released, 0);
	cr_assert_eq(sync_sem_init(&r.sem, 0, 1, 0), 0);
	cr_assert_eq(pthread_create(&t, NULL, sem_waiter, &r), 0);
	atomic_store(&r.released, 1);
	cr_assert_eq(sync_sem_release(&r.sem), 0);
	pthread_join(t, NULL);
	cr_assert_eq(r.rc, 0);
	cr_assert_eq(r.saw_released, 1, "acquired a unit that was not there");
	cr_assert_eq(sync_sem_value(&r.sem), 0);
	sync_sem_destroy(&r.sem);
}
