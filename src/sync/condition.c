/*
 * Condition (condition.h) on a sync_lock. A waiter registers itself under
 * the condition's own mutex before it releases the lock, so a notify made
 * under the lock after that point always finds it: no wake-up is lost between
 * releasing the lock and going to sleep. Wake-ups are counted, not broadcast,
 * so notify(n) wakes exactly min(n, waiting) threads.
 */
#include "condition.h"
#include "deadline.h"

int sync_cond_init(struct sync_cond *c, struct sync_lock *lock, int pshared)
{
	c->lock = lock;
	c->waiting = 0;
	c->to_wake = 0;
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
	c->waiting++;
	sync_lock_release(c->lock);
	while (c->to_wake == 0 && rc == 0)
		rc = sync_deadline_wait(&c->cv, &c->m, d);
	/* A wake-up that arrived with the timeout is taken, so the count of
	 * wake-ups handed out and the count of notified returns agree. */
	notified = c->to_wake > 0;
	if (notified)
		c->to_wake--;
	c->waiting--;
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
	unsigned idle = c->waiting - c->to_wake;
	unsigned give = (unsigned)n < idle ? (unsigned)n : idle;
	if (give) {
		c->to_wake += give;
		if (give == idle)
			pthread_cond_broadcast(&c->cv);
		else
			for (unsigned i = 0; i < give; i++)
				pthread_cond_signal(&c->cv);
	}
	pthread_mutex_unlock(&c->m);
}

void sync_cond_notify_all(struct sync_cond *c)
{
	pthread_mutex_lock(&c->m);
	c->to_wake = c->waiting;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->m);
}
