/*
 * Counting semaphore, optionally bounded as Python's BoundedSemaphore:
 * releasing past the bound is an error (it means a release without an
 * acquire), reported instead of silently raising the count.
 */
#ifndef AMDAHL_SYNC_SEMAPHORE_H
#define AMDAHL_SYNC_SEMAPHORE_H

#include <pthread.h>

struct sync_sem {
	pthread_mutex_t m;
	pthread_cond_t cv;
	unsigned value;
	unsigned bound;		/* 0: unbounded */
	unsigned waiters;
};

/* value: initial count; bound: the most the count may reach (0 = no bound;
 * value > bound is refused with -1, errno EINVAL). pshared: usable across
 * fork() in MAP_SHARED memory. 0, or -1. */
int  sync_sem_init(struct sync_sem *s, unsigned value, unsigned bound, int pshared);
void sync_sem_destroy(struct sync_sem *s);
/* Take one unit. timeout_s < 0: forever, 0: just try. 0, -1 timed out. */
int  sync_sem_acquire(struct sync_sem *s, double timeout_s);
/* Give one unit back. 0, -1 past the bound (the count is unchanged). */
int  sync_sem_release(struct sync_sem *s);
/* The current count (a snapshot). */
unsigned sync_sem_value(struct sync_sem *s);

#endif
