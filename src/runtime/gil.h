/*
 * A global interpreter lock as CPython 3.2 and later have it (the "new GIL"
 * of Python/ceval_gil.c), used by the gil backend, by B5's gil runner and by
 * `amdahl demo convoy`, so "gil" means one thing everywhere.
 *
 * The GIL is a flag guarded by a mutex, with a condition variable signalled
 * when it is dropped. A thread that wants it and finds it taken waits on that
 * condition for one switch interval (5 ms by default, sys.getswitchinterval());
 * if the interval ran out and the GIL did not change hands meanwhile, it sets
 * drop_request and waits again. The holder looks at drop_request between
 * units of work (gil_tick: CPython's eval breaker, our job_tick), drops the
 * GIL and, because a request was pending, waits until another thread has
 * taken it (FORCE_SWITCHING) before it asks for it again. Blocking calls drop
 * the GIL around the wait (gil_drop ... gil_take), as Py_BEGIN_ALLOW_THREADS
 * does; such a drop also waits for the switch when a request is pending.
 *
 * The model checks itself: it counts the threads that are "computing while
 * holding" (between the return of gil_take and the call of gil_drop, counted
 * outside the mutex) and the ticks of a thread that does not hold the GIL.
 * A correct GIL keeps the first at most 1 and the second at 0 whatever the
 * load or the scheduler does; gil_stats reports both, and the backends fail
 * a run in which either was broken.
 */
#ifndef AMDAHL_RUNTIME_GIL_H
#define AMDAHL_RUNTIME_GIL_H

#include <pthread.h>
#include <stdatomic.h>

struct gil_thread;

struct gil {
	pthread_mutex_t mutex;		/* guards locked's changes, switch_number */
	pthread_cond_t cond;		/* signalled when the GIL is dropped */
	pthread_mutex_t switch_mutex;	/* guards last_holder's changes */
	pthread_cond_t switch_cond;	/* signalled when the GIL is taken */
	_Atomic int locked;
	_Atomic(struct gil_thread *) last_holder;
	unsigned long switch_number;	/* times the GIL went to another thread */
	_Atomic int drop_request;
	double interval_s;
	/* counts for gil_stats */
	_Atomic unsigned long drop_requests, forced_switches;
	_Atomic int computing, max_computing;
	_Atomic unsigned long violations;
};

/* What a thread keeps about the GIL (CPython keeps it in its PyThreadState). */
struct gil_thread {
	struct gil *gil;
	int holding;			/* between gil_take and gil_drop */
	double wait_s;			/* time spent in gil_take waiting for the GIL */
	unsigned long takes, waits;	/* calls of gil_take; those that had to wait */
};

struct gil_stats {
	unsigned long switches;		/* the GIL went to another thread */
	unsigned long drop_requests;	/* a waiter's interval ran out with no switch */
	unsigned long forced_switches;	/* a holder waited until another took it */
	int max_computing;		/* most threads computing while holding at once: 1 */
	unsigned long violations;	/* ticks without the GIL, takes beside a holder: 0 */
};

/* A free GIL with this switch interval (seconds, > 0). 0, or -1 (errno). */
int  gil_init(struct gil *g, double interval_s);
void gil_destroy(struct gil *g);
/* A thread's state for g; each OS thread that takes g needs its own. */
void gil_thread_init(struct gil_thread *t, struct gil *g);

/* Block until t holds the GIL, asking the holder to drop it after every
 * interval in which it did not change hands. */
void gil_take(struct gil_thread *t);
/* Release the GIL around a blocking call (or between units when asked):
 * with a drop request pending, wait until another thread has taken it. */
void gil_drop(struct gil_thread *t);
/* Release it for the last time (the thread ends): no forced switch. */
void gil_exit(struct gil_thread *t);
/* Between units of work, holding the GIL: when a waiter asked for it, drop
 * it, let the waiter run, and take it again (the eval breaker). */
void gil_tick(struct gil_thread *t);

void gil_stats(struct gil *g, struct gil_stats *out);

#endif
