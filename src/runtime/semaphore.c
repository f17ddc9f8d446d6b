/*
 * Semaphore (semaphore.h): a count under a mutex, with a condition variable
 * for the threads waiting for it to rise above zero. A bound turns a release
 * without a matching acquire into an error rather than a silent extra unit.
 */
#include "semaphore.h"
#include "deadline.h"

int sync_sem_init(struct sync_sem *s, unsigned value, unsigned bound, int pshared)
{
	if (bound && value > bound) {
		errno = EINVAL;
		return -1;
	}
	s->value = value;
	s->bound = bound;
	s->waiters = 0;
	return sync_pair_init(&s->m, &s->cv, pshared);
}

void sync_sem_destroy(struct sync_sem *s)
{
	sync_pair_destroy(&s->m, &s->cv);
}

int sync_sem_acquire(struct sync_sem *s, double timeout_s)
{
	struct sync_deadline d = sync_deadline_in(timeout_s);
	int rc = 0;

	pthread_mutex_lock(&s->m);
	if (s->value == 0) {
		s->waiters++;
		while (s->value == 0 && rc == 0)
			rc = sync_deadline_wait(&s->cv, &s->m, &d);
		s->waiters--;
	}
	if (s->value == 0) {
		pthread_mutex_unlock(&s->m);
		return -1;
	}
	s->value--;
	pthread_mutex_unlock(&s->m);
	return 0;
}

int sync_sem_release(struct sync_sem *s)
{
	pthread_mutex_lock(&s->m);
	if ((s->bound && s->value >= s->bound) || s->value == ~0u) {
		pthread_mutex_unlock(&s->m);
		return -1;
	}
	s->value++;
	if (s->waiters)
		pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->m);
	return 0;
}

unsigned sync_sem_value(struct sync_sem *s)
{
	pthread_mutex_lock(&s->m);
	unsigned v = s->value;
	pthread_mutex_unlock(&s->m);
	return v;
}
