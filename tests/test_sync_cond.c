/*
 * Tests of Condition (src/runtime/condition.c) on a sync_lock: wait_for with a
 * predicate sees every state change it waits for, notify(n) wakes exactly n
 * of the threads waiting and notify_all the rest, and a wait that times out
 * still returns with the lock held.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <time.h>

#include "../src/runtime/condition.h"

#define WAITERS 6
#define ITEMS 2000

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Every field is read and written under lock. */
struct board {
	struct sync_lock lock;
	struct sync_cond changed, ready, woke;
	int slot, full;		/* a one-item mailbox */
	long sum;
	int waiting, woken, notified_returns;
};

static int board_full(void *arg) { return ((struct board *)arg)->full; }
static int board_empty(void *arg) { return !((struct board *)arg)->full; }
static int board_all_waiting(void *arg) { return ((struct board *)arg)->waiting == WAITERS; }

static void board_init(struct board *b)
{
	*b = (struct board){ .slot = 0 };
	cr_assert_eq(sync_lock_init(&b->lock, 0), 0);
	cr_assert_eq(sync_cond_init(&b->changed, &b->lock, 0), 0);
	cr_assert_eq(sync_cond_init(&b->ready, &b->lock, 0), 0);
	cr_assert_eq(sync_cond_init(&b->woke, &b->lock, 0), 0);
}

static void board_destroy(struct board *b)
{
	sync_cond_destroy(&b->woke);
	sync_cond_destroy(&b->ready);
	sync_cond_destroy(&b->changed);
	sync_lock_destroy(&b->lock);
}

static void *mailbox_producer(void *arg)
{
	struct board *b = arg;

	for (int i = 1; i <= ITEMS; i++) {
		sync_lock_acquire(&b->lock);
		if (!sync_cond_wait_for(&b->changed, board_empty, b, 20)) {
			sync_lock_release(&b->lock);
			return NULL;
		}
		b->slot = i;
		b->full = 1;
		sync_cond_notify_all(&b->changed);
		sync_lock_release(&b->lock);
	}
	return NULL;
}

Test(sync_cond, wait_for_sees_every_item, .timeout = 30)
{
	struct board b;
	pthread_t t;
	long want = (long)ITEMS * (ITEMS + 1) / 2;

	board_init(&b);
	cr_assert_eq(pthread_create(&t, NULL, mailbox_producer, &b), 0);
	for (int i = 1; i <= ITEMS; i++) {
		sync_lock_acquire(&b.lock);
		cr_assert_eq(sync_cond_wait_for(&b.changed, board_full, &b, 20), 1, "item %d never came", i);
		cr_assert_eq(b.slot, i, "items out of order");
		b.sum += b.slot;
		b.full = 0;
		sync_cond_notify_all(&b.changed);
		sync_lock_release(&b.lock);
	}
	pthread_join(t, NULL);
	cr_assert_eq(b.sum, want);
	board_destroy(&b);
}

static void *notified_waiter(void *arg)
{
	struct board *b = arg;

	sync_lock_acquire(&b->lock);
	b->waiting++;
	sync_cond_notify_all(&b->ready);
	/* The lock is held until wait registers, so a notify cannot slip by. */
	int got = sync_cond_wait(&b->changed, 20);
	b->woken++;
	b->notified_returns += got;
	sync_cond_notify_all(&b->woke);
	sync_lock_release(&b->lock);
	return NULL;
}

static int woken_1(void *arg) { return ((struct board *)arg)->woken >= 1; }
static int woken_2(void *arg) { return ((struct board *)arg)->woken >= 2; }
static int woken_3(void *arg) { return ((struct board *)arg)->woken >= 3; }
static int woken_4(void *arg) { return ((struct board *)arg)->woken >= 4; }
static int woken_all(void *arg) { return ((struct board *)arg)->woken == WAITERS; }

Test(sync_cond, notify_counts_and_notify_all, .timeout = 30)
{
	struct board b;
	pthread_t t[WAITERS];

	board_init(&b);
	for (int i = 0; i < WAITERS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, notified_waiter, &b), 0);
	sync_lock_acquire(&b.lock);
	cr_assert_eq(sync_cond_wait_for(&b.ready, board_all_waiting, &b, 20), 1);

	sync_cond_notify(&b.changed, 0);
	sync_cond_notify(&b.changed, 1);
	cr_assert_eq(sync_cond_wait_for(&b.woke, woken_1, &b, 20), 1);
	/* A second waiter would have to be woken by a wake-up nobody gave. */
	cr_assert_eq(sync_cond_wait_for(&b.woke, woken_2, &b, 0.2), 0, "notify(1) woke %d", b.woken);
	cr_assert_eq(b.woken, 1);

	sync_cond_notify(&b.changed, 2);
	cr_assert_eq(sync_cond_wait_for(&b.woke, woken_3, &b, 20), 1);
	cr_assert_eq(sync_cond_wait_for(&b.woke, woken_4, &b, 0.2), 0, "notify(2) woke %d", b.woken - 1);
	cr_assert_eq(b.woken, 3);

	sync_cond_notify_all(&b.changed);
	cr_assert_eq(sync_cond_wait_for(&b.woke, woken_all, &b, 20), 1);
	cr_assert_eq(b.notified_returns, WAITERS, "a wait timed out instead of being notified");
	/* Nobody left: a notify now is a no-op, not a wake-up saved for later. */
	sync_cond_notify(&b.changed, 3);
	cr_assert_eq(sync_cond_wait(&b.changed, 0.05), 0);
	sync_lock_release(&b.lock);
	for (int i = 0; i < WAITERS; i++)
		pthread_join(t[i], NULL);
	board_destroy(&b);
}

static int never(void *arg) { (void)arg; return 0; }

Test(sync_cond, timeouts_return_with_the_lock_held, .timeout = 30)
{
	struct board b;

	board_init(&b);
	sync_lock_acquire(&b.lock);
	double t0 = now_s();
	cr_assert_eq(sync_cond_wait(&b.changed, 0.15), 0);
	double dt = now_s() - t0;
	cr_assert(dt >= 0.14 && dt < 5, "timed out after %.3f s", dt);
	cr_assert_eq(sync_lock_try(&b.lock), -1, "the lock was not taken back");

	t0 = now_s();
	cr_assert_eq(sync_cond_wait_for(&b.changed, never, NULL, 0.15), 0);
	dt = now_s() - t0;
	cr_assert(dt >= 0.14 && dt < 5, "wait_for gave up after %.3f s", dt);
	cr_assert_eq(sync_lock_try(&b.lock), -1);
	cr_assert_eq(sync_cond_wait(&b.changed, 0), 0);
	cr_assert_eq(sync_cond_wait_for(&b.changed, board_empty, &b, 0), 1);
	cr_assert_eq(sync_lock_release(&b.lock), 0);
	board_destroy(&b);
}
