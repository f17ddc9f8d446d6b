/*
 * Event, as Python's threading.Event: a flag that threads wait to see set.
 * set wakes every waiter; a waiter woken by set returns 1 even when another
 * thread clears the flag before it runs (so set-then-clear is a pulse that
 * every thread waiting at the time sees).
 */
#ifndef AMDAHL_SYNC_EVENT_H
#define AMDAHL_SYNC_EVENT_H

#include <pthread.h>

struct sync_event {
	pthread_mutex_t m;
	pthread_cond_t cv;
	int flag;
	unsigned long gen;	/* bumped by every set, so a pulse is not lost */
};

/* pshared: usable across fork() in MAP_SHARED memory. 0, or -1 (errno). */
int  sync_event_init(struct sync_event *e, int pshared);
void sync_event_destroy(struct sync_event *e);
/* Set the flag and wake all waiters. */
void sync_event_set(struct sync_event *e);
void sync_event_clear(struct sync_event *e);
int  sync_event_is_set(struct sync_event *e);
/* Wait until the flag is set. timeout_s < 0: forever, 0: just look.
 * 1 set (or woken by a set), 0 timed out. */
int  sync_event_wait(struct sync_event *e, double timeout_s);

#endif
