/*
 * Condition (condition.h) on a sync_lock. A waiter registers itself under
 * the condition's own mutex before it releases the lock, so a notify made
 * under the lock after that point always finds it: no wake-up is lost between
 * releasing the lock and going to sleep.
 *
 * Waiters take tickets in arrival order and a notify moves the "woken" mark
 * over the oldest tickets, so a newcomer can never take a wake-up meant for a
 * thread that was already waiting (counting bare wake-ups would let it, and
 * a notify_all could then leave an old waiter asleep for ever). A waiter that
 * times out before its turn leaves a hole; holes are only counted, not
 * placed, so each notify moves the mark over enough extra tickets to cover
 * them all: it may wake a few too many after timeouts, never too few. Nothing
 * in the state is a pointer, so it works in MAP_SHARED memory across fork().
 */
#include "condition.h"
#include "deadline.h"

int sync_cond_init(struct sync_cond *c, struct sync_lock *lock, int pshared)
{
	c->lock = lock;
	c->next = c->woken = c->gone = 0;
	return sync_pair_init(&c->m, &c->cv, pshared);
}

void sync_cond_destroy(struct sync_cond *c)
{
	sync_pair_destroy(&c->m, &c->cv);
}

/* Wait under a deadline already running (shared by wait and wait_for). */
static int cond_wait_until(struct sync_cond *c, const struct sync_deadline *d)
{
	int rc = 0, notified;

	pthread_mutex_lock(&c->m);
	unsigned long long ticket = c->next++;
	sync_lock_release(c->lock);
	while (ticket >= c->woken && rc == 0)
		rc = sync_deadline_wait(&c->cv, &c->m, d);
	/* A notify that came with the timeout counts: the mark passed us. */
	notified = ticket < c->woken;
	if (!notified)
		c->gone++;
	pthread_mutex_unlock(&c->m);
	sync_lock_acquire(c->lock);
	return notified;
}

int sync_cond_wait(struct sync_cond *c, double timeout_s)
{
	struct sync_deadline d = sync_deadline_in(timeout_s);

	if (d.now) {
		/* Python releases and retakes the lock even for a zero timeout. */
		sync_lock_release(c->lock);
		sync_lock_acquire(c->lock);
		return 0;
	}
	return cond_wait_until(c, &d);
}

int sync_cond_wait_for(struct sync_cond *c, int (*pred)(void *), void *arg, double timeout_s)
{
	struct sync_deadline d = sync_deadline_in(timeout_s);
	int ok;

	while (!(ok = pred(arg))) {
		if (d.now)
			break;
		if (!cond_wait_until(c, &d) && !d.forever) {
			/* Timed out: one last look, as Python's wait_for does. */
			ok = pred(arg);
			break;
		}
	}
	return ok;
}

void sync_cond_notify(struct sync_cond *c, int n)
{
	if (n <= 0)
		return;
	pthread_mutex_lock(&c->m);
	unsigned long long asleep = c->next - c->woken;
	unsigned long long step = (unsigned long long)n + c->gone;
	if (asleep) {
		if (step >= asleep) {
			c->woken = c->next;
			c->gone = 0;	/* every hole is behind the mark now */
		} else {
			c->woken += step;
		}
		/* Only the woken tickets may leave, and any sleeper may hold one. */
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->m);
}

void sync_cond_notify_all(struct sync_cond *c)
{
	pthread_mutex_lock(&c->m);
	if (c->woken != c->next) {
		c->woken = c->next;
		pthread_cond_broadcast(&c->cv);
	}
	c->gone = 0;
	pthread_mutex_unlock(&c->m);
}
