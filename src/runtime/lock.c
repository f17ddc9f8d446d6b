/*
 * Lock and RLock (lock.h): a flag or an owner and count, guarded by a pthread
 * mutex, with a condition variable to sleep on while the lock is taken. The
 * mutex is held only for a few instructions, never while the lock is held,
 * which is what lets any thread release a sync_lock and lets waits time out.
 */
#include "lock.h"
#include "deadline.h"

int sync_lock_init(struct sync_lock *l, int pshared)
{
	l->locked = 0;
	l->waiters = 0;
	return sync_pair_init(&l->m, &l->cv, pshared);
}

void sync_lock_destroy(struct sync_lock *l)
{
	sync_pair_destroy(&l->m, &l->cv);
}

int sync_lock_acquire_timed(struct sync_lock *l, double timeout_s)
{
	struct sync_deadline d = sync_deadline_in(timeout_s);
	int rc = 0;

	pthread_mutex_lock(&l->m);
	if (l->locked) {
		l->waiters++;
		/* Recheck after a timeout too: a release may have raced with it. */
		while (l->locked && rc == 0)
			rc = sync_deadline_wait(&l->cv, &l->m, &d);
		l->waiters--;
	}
	if (l->locked) {
		pthread_mutex_unlock(&l->m);
		return -1;
	}
	l->locked = 1;
	pthread_mutex_unlock(&l->m);
	return 0;
}

void sync_lock_acquire(struct sync_lock *l)
{
	sync_lock_acquire_timed(l, -1);
}

int sync_lock_try(struct sync_lock *l)
{
	return sync_lock_acquire_timed(l, 0);
}

int sync_lock_release(struct sync_lock *l)
{
	pthread_mutex_lock(&l->m);
	if (!l->locked) {
		pthread_mutex_unlock(&l->m);
		return -1;
	}
	l->locked = 0;
	if (l->waiters)
		pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->m);
	return 0;
}

int sync_lock_locked(struct sync_lock *l)
{
	pthread_mutex_lock(&l->m);
	int locked = l->locked;
	pthread_mutex_unlock(&l->m);
	return locked;
}

int sync_rlock_init(struct sync_rlock *l)
{
	l->count = 0;
	l->waiters = 0;
	return sync_pair_init(&l->m, &l->cv, 0);
}

void sync_rlock_destroy(struct sync_rlock *l)
{
	sync_pair_destroy(&l->m, &l->cv);
}

int sync_rlock_acquire_timed(struct sync_rlock *l, double timeout_s)
{
	struct sync_deadline d = sync_deadline_in(timeout_s);
	pthread_t self = pthread_self();
	int rc = 0;

	pthread_mutex_lock(&l->m);
	if (l->count > 0 && pthread_equal(l->owner, self)) {
		l->count++;
		pthread_mutex_unlock(&l->m);
		return 0;
	}
	if (l->count > 0) {
		l->waiters++;
		while (l->count > 0 && rc == 0)
			rc = sync_deadline_wait(&l->cv, &l->m, &d);
		l->waiters--;
	}
	if (l->count > 0) {
		pthread_mutex_unlock(&l->m);
		return -1;
	}
	l->owner = self;
	l->count = 1;
	pthread_mutex_unlock(&l->m);
	return 0;
}

void sync_rlock_acquire(struct sync_rlock *l)
{
	sync_rlock_acquire_timed(l, -1);
}

int sync_rlock_release(struct sync_rlock *l)
{
	pthread_mutex_lock(&l->m);
	if (l->count == 0 || !pthread_equal(l->owner, pthread_self())) {
		pthread_mutex_unlock(&l->m);
		return -1;
	}
	if (--l->count == 0 && l->waiters)
		pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->m);
	return 0;
}
