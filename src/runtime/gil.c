/*
 * The new GIL of CPython 3.2+ (gil.h), written after the algorithm of
 * Python/ceval_gil.c (take_gil, drop_gil, FORCE_SWITCHING), with counters
 * that let a test and the backends check that no two threads ever compute
 * while holding it.
 */
#include "gil.h"
#include "deadline.h"
#include "../base/clock.h"

#include <string.h>

int gil_init(struct gil *g, double interval_s)
{
	memset(g, 0, sizeof(*g));
	g->interval_s = interval_s;
	if (sync_pair_init(&g->mutex, &g->cond, 0) < 0)
		return -1;
	if (sync_pair_init(&g->switch_mutex, &g->switch_cond, 0) < 0) {
		int saved = errno;
		sync_pair_destroy(&g->mutex, &g->cond);
		errno = saved;
		return -1;
	}
	return 0;
}

void gil_destroy(struct gil *g)
{
	sync_pair_destroy(&g->switch_mutex, &g->switch_cond);
	sync_pair_destroy(&g->mutex, &g->cond);
}

void gil_thread_init(struct gil_thread *t, struct gil *g)
{
	memset(t, 0, sizeof(*t));
	t->gil = g;
}

/* The model's own check, outside the mutex: t starts computing while holding. */
static void computing_begin(struct gil_thread *t)
{
	struct gil *g = t->gil;
	int now = atomic_fetch_add(&g->computing, 1) + 1, max = atomic_load(&g->max_computing);

	while (now > max && !atomic_compare_exchange_weak(&g->max_computing, &max, now))
		;
	if (now > 1)
		atomic_fetch_add(&g->violations, 1);
	t->holding = 1;
}

static void computing_end(struct gil_thread *t)
{
	if (!t->holding)
		atomic_fetch_add(&t->gil->violations, 1);	/* a drop without a take */
	t->holding = 0;
	atomic_fetch_sub(&t->gil->computing, 1);
}

void gil_take(struct gil_thread *t)
{
	struct gil *g = t->gil;
	double t0 = 0;

	pthread_mutex_lock(&g->mutex);
	if (atomic_load_explicit(&g->locked, memory_order_relaxed)) {
		t0 = clock_now();
		t->waits++;
	}
	while (atomic_load_explicit(&g->locked, memory_order_relaxed)) {
		unsigned long saved = g->switch_number;
		struct sync_deadline d = sync_deadline_in(g->interval_s);
		int timed_out = sync_deadline_wait(&g->cond, &g->mutex, &d) == ETIMEDOUT;

		/* The interval ran out and the GIL did not change hands: ask. */
		if (timed_out && atomic_load_explicit(&g->locked, memory_order_relaxed) &&
		    g->switch_number == saved) {
			atomic_store_explicit(&g->drop_request, 1, memory_order_relaxed);
			atomic_fetch_add_explicit(&g->drop_requests, 1, memory_order_relaxed);
		}
	}
	/* last_holder changes only under switch_mutex, so that a forced drop
	 * cannot miss the signal below. */
	pthread_mutex_lock(&g->switch_mutex);
	atomic_store_explicit(&g->locked, 1, memory_order_relaxed);
	if (atomic_load_explicit(&g->last_holder, memory_order_relaxed) != t) {
		atomic_store_explicit(&g->last_holder, t, memory_order_relaxed);
		g->switch_number++;
	}
	pthread_cond_signal(&g->switch_cond);
	pthread_mutex_unlock(&g->switch_mutex);
	atomic_store_explicit(&g->drop_request, 0, memory_order_relaxed);
	pthread_mutex_unlock(&g->mutex);
	if (t0 > 0)
		t->wait_s += clock_now() - t0;
	t->takes++;
	computing_begin(t);
}

/* Release; when forced and a drop request is pending, wait for the switch. */
static void drop(struct gil_thread *t, int forced)
{
	struct gil *g = t->gil;

	computing_end(t);
	pthread_mutex_lock(&g->mutex);
	atomic_store_explicit(&g->last_holder, t, memory_order_relaxed);
	atomic_store_explicit(&g->locked, 0, memory_order_relaxed);
	pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->mutex);
	if (!forced || !atomic_load_explicit(&g->drop_request, memory_order_relaxed))
		return;
	pthread_mutex_lock(&g->switch_mutex);
	if (atomic_load_explicit(&g->last_holder, memory_order_relaxed) == t) {
		atomic_store_explicit(&g->drop_request, 0, memory_order_relaxed);
		atomic_fetch_add_explicit(&g->forced_switches, 1, memory_order_relaxed);
		/* CPython waits once; a spurious wake-up must not end it early. */
		while (atomic_load_explicit(&g->last_holder, memory_order_relaxed) == t)
			pthread_cond_wait(&g->switch_cond, &g->switch_mutex);
	}
	pthread_mutex_unlock(&g->switch_mutex);
}

void gil_drop(struct gil_thread *t)
{
	drop(t, 1);
}

void gil_exit(struct gil_thread *t)
{
	drop(t, 0);
}

void gil_tick(struct gil_thread *t)
{
	if (!t->holding)
		atomic_fetch_add_explicit(&t->gil->violations, 1, memory_order_relaxed);
	if (atomic_load_explicit(&t->gil->drop_request, memory_order_relaxed)) {
		gil_drop(t);
		/* Other threads may run now. */
		gil_take(t);
	}
}

void gil_stats(struct gil *g, struct gil_stats *out)
{
	pthread_mutex_lock(&g->mutex);
	out->switches = g->switch_number;
	pthread_mutex_unlock(&g->mutex);
	out->drop_requests = atomic_load(&g->drop_requests);
	out->forced_switches = atomic_load(&g->forced_switches);
	out->max_computing = atomic_load(&g->max_computing);
	out->violations = atomic_load(&g->violations);
}
