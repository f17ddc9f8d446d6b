/*
 * Internal to src/runtime: the pthreads set-up every primitive shares (mutexes
 * and condition variables, process-shared on request) and the conversion of
 * a relative timeout into an absolute CLOCK_MONOTONIC deadline.
 */
#ifndef AMDAHL_SYNC_DEADLINE_H
#define AMDAHL_SYNC_DEADLINE_H

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <time.h>

/* Longer timeouts than this (about 30 years) are "forever". */
#define SYNC_FOREVER_S 1e9

/* How a wait runs: forever, not at all (a try), or until an absolute time. */
struct sync_deadline {
	int forever;
	int now;		/* timeout 0: look once, never sleep */
	struct timespec at;	/* CLOCK_MONOTONIC */
};

static inline struct sync_deadline sync_deadline_in(double timeout_s)
{
	struct sync_deadline d = { 0, 0, { 0, 0 } };

	if (timeout_s < 0 || isnan(timeout_s) || timeout_s > SYNC_FOREVER_S) {
		d.forever = 1;
		return d;
	}
	if (timeout_s == 0) {
		d.now = 1;
		return d;
	}
	clock_gettime(CLOCK_MONOTONIC, &d.at);
	double whole = floor(timeout_s);
	d.at.tv_sec += (time_t)whole;
	d.at.tv_nsec += (long)((timeout_s - whole) * 1e9);
	if (d.at.tv_nsec >= 1000000000L) {
		d.at.tv_sec++;
		d.at.tv_nsec -= 1000000000L;
	}
	return d;
}

/* One wait on cv (m held) under the deadline: 0 woken (maybe spuriously),
 * ETIMEDOUT when the deadline has passed. The caller loops on its predicate. */
static inline int sync_deadline_wait(pthread_cond_t *cv, pthread_mutex_t *m,
				     const struct sync_deadline *d)
{
	if (d->now)
		return ETIMEDOUT;
	if (d->forever)
		return pthread_cond_wait(cv, m) == 0 ? 0 : ETIMEDOUT;
	return pthread_cond_timedwait(cv, m, &d->at) == ETIMEDOUT ? ETIMEDOUT : 0;
}

/* Initialise a mutex, shared across processes when pshared.
 * 0, or -1 with errno set. */
static inline int sync_mutex_init(pthread_mutex_t *m, int pshared)
{
	pthread_mutexattr_t ma;
	int rc;

	if ((rc = pthread_mutexattr_init(&ma)) != 0)
		goto fail;
	if ((rc = pthread_mutexattr_setpshared(&ma, pshared ? PTHREAD_PROCESS_SHARED
							     : PTHREAD_PROCESS_PRIVATE)) == 0)
		rc = pthread_mutex_init(m, &ma);
	pthread_mutexattr_destroy(&ma);
	if (rc == 0)
		return 0;
fail:
	errno = rc;
	return -1;
}

/* Initialise a condition variable on CLOCK_MONOTONIC, so a change of the
 * wall clock cannot stretch a timeout; shared across processes when pshared.
 * 0, or -1 with errno set. */
static inline int sync_condvar_init(pthread_cond_t *cv, int pshared)
{
	pthread_condattr_t ca;
	int rc;

	if ((rc = pthread_condattr_init(&ca)) != 0)
		goto fail;
	if ((rc = pthread_condattr_setpshared(&ca, pshared ? PTHREAD_PROCESS_SHARED
							   : PTHREAD_PROCESS_PRIVATE)) == 0 &&
	    (rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC)) == 0)
		rc = pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
	if (rc == 0)
		return 0;
fail:
	errno = rc;
	return -1;
}

/* Both, for the primitives made of one mutex and one condition variable. */
static inline int sync_pair_init(pthread_mutex_t *m, pthread_cond_t *cv, int pshared)
{
	if (sync_mutex_init(m, pshared) < 0)
		return -1;
	if (sync_condvar_init(cv, pshared) < 0) {
		int saved = errno;
		pthread_mutex_destroy(m);
		errno = saved;
		return -1;
	}
	return 0;
}

static inline void sync_pair_destroy(pthread_mutex_t *m, pthread_cond_t *cv)
{
	pthread_cond_destroy(cv);
	pthread_mutex_destroy(m);
}

#endif
