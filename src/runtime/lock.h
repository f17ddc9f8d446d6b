/*
 * Lock and RLock with Python's threading semantics, on pthreads.
 *
 * A sync_lock is a binary lock that nobody owns: acquire blocks even the
 * thread that holds it (so a second acquire by the holder deadlocks, or times
 * out with acquire_timed), and any thread may release it. That is what
 * Python's threading.Lock is, and it is why a Condition can be built on it.
 *
 * A sync_rlock is re-entrant: it has an owner and a count; the owner may
 * acquire again, each acquire needs a release, and only the owner releases.
 *
 * Timeouts are seconds on CLOCK_MONOTONIC; a negative timeout waits forever
 * and 0 only tries.
 */
#ifndef AMDAHL_SYNC_LOCK_H
#define AMDAHL_SYNC_LOCK_H

#include <pthread.h>

struct sync_lock {
	pthread_mutex_t m;	/* guards the fields below, held only briefly */
	pthread_cond_t cv;	/* signalled on release when someone waits */
	int locked;		/* 1 while held */
	unsigned waiters;	/* threads blocked in acquire */
};

/* pshared: the lock may live in MAP_SHARED memory and work across fork().
 * 0 on success, -1 when pthreads refuses (errno set). */
int  sync_lock_init(struct sync_lock *l, int pshared);
void sync_lock_destroy(struct sync_lock *l);
/* Block until the lock is free, then take it. */
void sync_lock_acquire(struct sync_lock *l);
/* 0 acquired, -1 timed out (timeout_s < 0: forever, 0: just try). */
int  sync_lock_acquire_timed(struct sync_lock *l, double timeout_s);
/* 0 acquired, -1 busy; never blocks. */
int  sync_lock_try(struct sync_lock *l);
/* 0, -1 when the lock was not held. Any thread may release. */
int  sync_lock_release(struct sync_lock *l);
/* 1 while some thread holds the lock (a snapshot, for reports and tests). */
int  sync_lock_locked(struct sync_lock *l);

struct sync_rlock {
	pthread_mutex_t m;
	pthread_cond_t cv;
	pthread_t owner;	/* meaningful while count > 0 */
	unsigned count;		/* re-entry depth; 0 when free */
	unsigned waiters;
};

/* Process-private. 0 on success, -1 when pthreads refuses. */
int  sync_rlock_init(struct sync_rlock *l);
void sync_rlock_destroy(struct sync_rlock *l);
/* Take the lock, or enter it once more when the caller already owns it. */
void sync_rlock_acquire(struct sync_rlock *l);
/* 0 acquired (or re-entered), -1 timed out. */
int  sync_rlock_acquire_timed(struct sync_rlock *l, double timeout_s);
/* Leave once; the lock is free after as many releases as acquires.
 * -1 when the caller is not the owner (nothing changes). */
int  sync_rlock_release(struct sync_rlock *l);

#endif
