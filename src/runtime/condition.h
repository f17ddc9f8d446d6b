/*
 * Condition bound to a sync_lock, as Python's threading.Condition(lock).
 *
 * The caller holds the lock around wait and notify. wait releases the lock,
 * sleeps until notified (or the timeout), and takes the lock again before it
 * returns, whatever the outcome. Waiters queue in arrival order, as in
 * Python: notify(n) wakes the n longest-waiting threads and notify_all every
 * thread waiting at that moment; a thread that starts waiting later cannot
 * take their wake-ups. After waits have timed out, a notify may wake a few
 * more than n (never fewer): still recheck the state after a wait, as
 * sync_cond_wait_for does.
 */
#ifndef AMDAHL_SYNC_CONDITION_H
#define AMDAHL_SYNC_CONDITION_H

#include <pthread.h>

#include "lock.h"

struct sync_cond {
	pthread_mutex_t m;	/* guards the counts; taken before the lock is released */
	pthread_cond_t cv;
	struct sync_lock *lock;
	unsigned long long next;	/* the ticket the next waiter takes */
	unsigned long long woken;	/* tickets below this are notified */
	unsigned long long gone;	/* waiters that timed out before their turn */
};

/* pshared: usable across fork() in MAP_SHARED memory (lock must be too).
 * 0, or -1 (errno). */
int  sync_cond_init(struct sync_cond *c, struct sync_lock *lock, int pshared);
void sync_cond_destroy(struct sync_cond *c);
/* Lock held by the caller. timeout_s < 0: forever. 1 notified, 0 timed out;
 * the lock is held again on return either way. */
int  sync_cond_wait(struct sync_cond *c, double timeout_s);
/* Wait until pred(arg) is true, rechecking after every wake-up, with one
 * deadline for the whole wait. Lock held by the caller. Returns pred's last
 * value (nonzero: it became true; 0: the time ran out first). */
int  sync_cond_wait_for(struct sync_cond *c, int (*pred)(void *), void *arg, double timeout_s);
/* Wake at most n waiters (n <= 0 wakes none). */
void sync_cond_notify(struct sync_cond *c, int n);
void sync_cond_notify_all(struct sync_cond *c);

#endif
