/*
 * Event (event.h): a flag under a mutex, and a generation count that every
 * set bumps, so a waiter knows it was woken by a set even when the flag has
 * been cleared again by the time it runs.
 */
#include "event.h"
#include "deadline.h"

int sync_event_init(struct sync_event *e, int pshared)
{
	e->flag = 0;
	e->gen = 0;
	return sync_pair_init(&e->m, &e->cv, pshared);
}

void sync_event_destroy(struct sync_event *e)
{
	sync_pair_destroy(&e->m, &e->cv);
}

void sync_event_set(struct sync_event *e)
{
	pthread_mutex_lock(&e->m);
	e->flag = 1;
	e->gen++;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->m);
}

void sync_event_clear(struct sync_event *e)
{
	pthread_mutex_lock(&e->m);
	e->flag = 0;
	pthread_mutex_unlock(&e->m);
}

int sync_event_is_set(struct sync_event *e)
{
	pthread_mutex_lock(&e->m);
	int flag = e->flag;
	pthread_mutex_unlock(&e->m);
	return flag;
}

int sync_event_wait(struct sync_event *e, double timeout_s)
{
	struct sync_deadline d = sync_deadline_in(timeout_s);
	int rc = 0, set;

	pthread_mutex_lock(&e->m);
	unsigned long gen = e->gen;
	while (!e->flag && e->gen == gen && rc == 0)
		rc = sync_deadline_wait(&e->cv, &e->m, &d);
	set = e->flag || e->gen != gen;
	pthread_mutex_unlock(&e->m);
	return set;
}
