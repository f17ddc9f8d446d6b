/*
 * amdahl demo deadlock: threads take two (or more) locks in opposite order.
 * amdahl sees it through timed acquires and a wait-for graph, prints the
 * cycle, recovers (one thread backs off), and then shows the fix: one global
 * lock order, under which no cycle can form.
 */
#include "demo.h"
#include "../base/util.h"
#include "../runtime/condition.h"
#include "../runtime/event.h"
#include "../runtime/lock.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define DL_MAX 26		/* locks are named A to Z */

enum dl_verdict { DL_PENDING, DL_GIVE_UP, DL_RETRY };

/*
 * The wait-for graph: which lock each thread holds and which it waits for,
 * kept by the threads themselves under one lock. A thread waiting for a lock
 * points at the thread holding it; a cycle of such edges is a deadlock.
 */
struct dl_graph {
	struct sync_lock lock;		/* guards everything below */
	struct sync_cond changed;	/* notified on every change */
	int n;
	uint32_t holds[DL_MAX];		/* bit L: holds lock L */
	int wants[DL_MAX];		/* lock waited for, -1 none */
	int arrived;			/* threads holding their first lock */
	int suspect[DL_MAX];		/* timed out, waiting for a verdict */
	enum dl_verdict verdict[DL_MAX];
	int finished;
};

struct dl_thread {
	struct dl_graph *g;
	struct sync_lock *locks;
	int id, first, second;
	double timeout;
	int gave_up;
};

/* Follow wait-for edges from start. Returns the cycle's length, its threads
 * in order in cycle[], or 0 when the path ends (someone can still move). */
static int dl_find_cycle(const struct dl_graph *g, int start, int *cycle)
{
	int path[DL_MAX], len = 0, t = start;

	while (len <= g->n) {
		for (int i = 0; i < len; i++)
			if (path[i] == t) {
				memcpy(cycle, path + i, (size_t)(len - i) * sizeof(*cycle));
				return len - i;
			}
		path[len++] = t;
		if (g->wants[t] < 0)
			return 0;
		int owner = -1;
		for (int u = 0; u < g->n; u++)
			if (g->holds[u] & (1u << g->wants[t]))
				owner = u;
		if (owner < 0)
			return 0;
		t = owner;
	}
	return 0;
}

static void dl_describe(const struct dl_graph *g, const int *cycle, int len, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < len && used < size; i++) {
		int t = cycle[i], held = -1;
		for (int l = 0; l < DL_MAX; l++)
			if (g->holds[t] & (1u << l))
				held = l;
		used += (size_t)snprintf(buf + used, size - used, "%sthread %d holds lock %c and waits for lock %c",
					 i ? "; " : "", t + 1, 'A' + held, 'A' + g->wants[t]);
	}
}

static int dl_all_arrived(void *arg)
{
	struct dl_graph *g = arg;

	return g->arrived == g->n;
}

struct dl_verdict_wait {
	struct dl_graph *g;
	int id;
};

static int dl_has_verdict(void *arg)
{
	struct dl_verdict_wait *w = arg;

	return w->g->verdict[w->id] != DL_PENDING;
}

/* One thread of the ring: take the first lock, wait until every thread holds
 * its first (so the deadlock is certain, not a matter of timing), then try
 * the second with a timed acquire and ask the detector after each timeout. */
static void *dl_opposite(void *arg)
{
	struct dl_thread *d = arg;
	struct dl_graph *g = d->g;
	struct dl_verdict_wait w = { g, d->id };

	sync_lock_acquire(&d->locks[d->first]);
	sync_lock_acquire(&g->lock);
	g->holds[d->id] |= 1u << d->first;
	g->arrived++;
	sync_cond_notify_all(&g->changed);
	sync_cond_wait_for(&g->changed, dl_all_arrived, g, -1);
	g->wants[d->id] = d->second;
	sync_cond_notify_all(&g->changed);
	sync_lock_release(&g->lock);

	for (;;) {
		if (sync_lock_acquire_timed(&d->locks[d->second], d->timeout) == 0) {
			sync_lock_acquire(&g->lock);
			g->wants[d->id] = -1;
			g->holds[d->id] = 0;
			g->finished++;
			sync_cond_notify_all(&g->changed);
			sync_lock_release(&g->lock);
			sync_lock_release(&d->locks[d->second]);
			sync_lock_release(&d->locks[d->first]);
			return NULL;
		}
		sync_lock_acquire(&g->lock);
		g->suspect[d->id] = 1;
		sync_cond_notify_all(&g->changed);
		sync_cond_wait_for(&g->changed, dl_has_verdict, &w, -1);
		enum dl_verdict v = g->verdict[d->id];
		g->verdict[d->id] = DL_PENDING;
		g->suspect[d->id] = 0;
		if (v == DL_GIVE_UP) {
			/* Back off: let go of what we hold, so the others can move. */
			g->wants[d->id] = -1;
			g->holds[d->id] = 0;
			g->finished++;
			d->gave_up = 1;
			sync_cond_notify_all(&g->changed);
			sync_lock_release(&g->lock);
			sync_lock_release(&d->locks[d->first]);
			return NULL;
		}
		sync_lock_release(&g->lock);
	}
}

static int dl_suspect_or_finished(void *arg)
{
	struct dl_graph *g = arg;

	if (g->finished == g->n)
		return 1;
	for (int i = 0; i < g->n; i++)
		if (g->suspect[i] && g->verdict[i] == DL_PENDING)
			return 1;
	return 0;
}

struct dl_ordered {
	struct sync_lock *locks;
	struct sync_event *start;
	int lo, hi;
	uint64_t rounds;
	double timeout;
	uint64_t done;		/* rounds with both locks held */
	int timed_out;
};

/* The fix: every thread takes the lower lock first, so no cycle can form. */
static void *dl_ordered_thread(void *arg)
{
	struct dl_ordered *d = arg;

	sync_event_wait(d->start, -1);
	for (uint64_t r = 0; r < d->rounds; r++) {
		if (sync_lock_acquire_timed(&d->locks[d->lo], d->timeout) < 0) {
			d->timed_out = 1;
			return NULL;
		}
		if (sync_lock_acquire_timed(&d->locks[d->hi], d->timeout) < 0) {
			sync_lock_release(&d->locks[d->lo]);
			d->timed_out = 1;
			return NULL;
		}
		d->done++;
		sync_lock_release(&d->locks[d->hi]);
		sync_lock_release(&d->locks[d->lo]);
	}
	return NULL;
}

static void dl_release_graph(void *arg)
{
	struct dl_graph *g = arg;

	/* Threads started before a failed spawn wait for all to arrive: let
	 * them, by pretending the missing ones did; they then time out and
	 * every verdict is "give up". */
	sync_lock_acquire(&g->lock);
	g->arrived = g->n;
	for (int i = 0; i < g->n; i++)
		g->verdict[i] = DL_GIVE_UP;
	sync_cond_notify_all(&g->changed);
	sync_lock_release(&g->lock);
}

/* Part one: the deadlock, found and broken. Fills in the cycle's text, when
 * it was found, and the victim (thread number from 1, 0 when none) and the
 * lock it let go of. Returns how many threads finished their work, or -1. */
static int dl_detect(int n, double timeout, struct sync_lock *locks, char *text, size_t size,
		     double *secs, int *victim, int *victim_lock)
{
	struct dl_graph g = { .n = n };
	struct dl_thread d[DL_MAX];
	pthread_t t[DL_MAX];
	int completed = 0;

	*victim = 0;

	if (sync_lock_init(&g.lock, 0) < 0 || sync_cond_init(&g.changed, &g.lock, 0) < 0) {
		errorf("deadlock: cannot set up the wait-for graph: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		g.wants[i] = -1;
		/* A ring: thread i takes lock i, then lock i+1; the last thread
		 * takes its own, then A. With two threads: opposite order. */
		d[i] = (struct dl_thread){ &g, locks, i, i, (i + 1) % n, timeout, 0 };
	}
	double t0 = demo_now();
	if (demo_spawn(t, n, dl_opposite, d, sizeof(d[0]), dl_release_graph, &g) < 0)
		return -1;

	/* The detector: look at the graph whenever a thread's acquire times out. */
	sync_lock_acquire(&g.lock);
	for (;;) {
		sync_cond_wait_for(&g.changed, dl_suspect_or_finished, &g, -1);
		if (g.finished == n)
			break;
		for (int i = 0; i < n; i++) {
			if (!g.suspect[i] || g.verdict[i] != DL_PENDING)
				continue;
			int cycle[DL_MAX], len = dl_find_cycle(&g, i, cycle), doomed = 0, mine = 0;
			for (int j = 0; j < len; j++) {
				doomed |= g.verdict[cycle[j]] == DL_GIVE_UP;
				mine |= cycle[j] == i;
			}
			if (len == 0 || doomed || !mine) {
				/* Slow, not stuck; or a victim in the cycle is about
				 * to let go; or stuck behind a cycle that one of its
				 * own members will report: try again. */
				g.verdict[i] = DL_RETRY;
				continue;
			}
			if (!*victim) {
				*secs = demo_now() - t0;
				dl_describe(&g, cycle, len, text, size);
				*victim = i + 1;
				for (int l = 0; l < DL_MAX; l++)
					if (g.holds[i] & (1u << l))
						*victim_lock = l;
			}
			/* Recovery as a database does it: one thread of the
			 * cycle, the one whose timeout ran out, backs off. */
			g.verdict[i] = DL_GIVE_UP;
		}
		sync_cond_notify_all(&g.changed);
	}
	sync_lock_release(&g.lock);
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		completed += !d[i].gave_up;
	}
	sync_cond_destroy(&g.changed);
	sync_lock_destroy(&g.lock);
	if (!*victim)
		*secs = demo_now() - t0;
	return completed;
}

/* Part two: the same threads and locks, one global order. */
static int dl_fixed(int n, double timeout, uint64_t rounds, struct sync_lock *locks, double *secs,
		    uint64_t *done)
{
	struct sync_event start;
	struct dl_ordered d[DL_MAX];
	pthread_t t[DL_MAX];
	int timed_out = 0;

	*done = 0;
	if (sync_event_init(&start, 0) < 0) {
		errorf("deadlock: cannot set up the fixed run: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		int a = i, b = (i + 1) % n;
		d[i] = (struct dl_ordered){ locks, &start, a < b ? a : b, a < b ? b : a, rounds, timeout,
					    0, 0 };
	}
	if (demo_spawn(t, n, dl_ordered_thread, d, sizeof(d[0]), demo_set_event, &start) < 0) {
		sync_event_destroy(&start);
		return -1;
	}
	double t0 = demo_now();
	sync_event_set(&start);
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		timed_out |= d[i].timed_out;
		*done += d[i].done;
	}
	*secs = demo_now() - t0;
	sync_event_destroy(&start);
	return timed_out ? 1 : 0;
}

static int deadlock_demo(const struct demo_opts *o)
{
	int n = o->threads ? o->threads : 2;
	uint64_t rounds = o->iterations ? o->iterations : 10000;
	struct sync_lock locks[DL_MAX];
	char cycle[DL_MAX * 64], order[DL_MAX * 2 + 1];
	double found_s = 0, fixed_s = 0;
	uint64_t done = 0;
	int rc = EXIT_OK;

	if (n < 2 || n > DL_MAX) {
		usagef("demo", "bad --threads '%d' for deadlock: expected 2 to %d", n, DL_MAX);
		return EXIT_USAGE;
	}
	for (int i = 0; i < n; i++)
		if (sync_lock_init(&locks[i], 0) < 0) {
			errorf("deadlock: cannot make lock %c: %s", 'A' + i, strerror(errno));
			while (i-- > 0)
				sync_lock_destroy(&locks[i]);
			return EXIT_FAILED;
		}
	for (int i = 0; i < n; i++) {
		order[2 * i] = (char)('A' + i);
		order[2 * i + 1] = '<';
	}
	order[2 * n - 1] = '\0';

	int victim, victim_lock = 0;
	int completed = dl_detect(n, o->timeout, locks, cycle, sizeof(cycle), &found_s, &victim, &victim_lock);
	int stuck = completed < 0 ? -1 : dl_fixed(n, o->timeout, rounds, locks, &fixed_s, &done);
	for (int i = 0; i < n; i++)
		sync_lock_destroy(&locks[i]);
	if (completed < 0 || stuck < 0)
		return EXIT_FAILED;

	if (o->csv) {
		puts("order,threads,deadlocked,seconds,victim,completed,cycle");
		printf("ring,%d,%d,%.3f,%d,%d,%s\n", n, victim != 0, found_s, victim, completed,
		       victim ? cycle : "");
		printf("global,%d,%d,%.3f,0,%d,\n", n, stuck, fixed_s, stuck ? 0 : n);
	} else {
		if (victim) {
			printf("deadlock: %s\n", cycle);
			printf("  found after %.2f s: a timed acquire (%g s) ran out and the wait-for graph has a cycle\n"
			       "  recovered: thread %d backed off and let go of lock %c; %d of %d threads finished\n",
			       found_s, o->timeout, victim, 'A' + victim_lock, completed, n);
		} else {
			printf("no deadlock: every thread got both locks (%.2f s)\n", found_s);
		}
		printf("fixed: one global lock order (%s): %d threads took both locks %llu times each "
		       "in %.3f s, %s\n", order, n, (unsigned long long)rounds, fixed_s,
		       stuck ? "but an acquire timed out" : "no deadlock");
	}
	if (!victim) {
		errorf("deadlock: the threads did not deadlock; the demo is broken");
		rc = EXIT_FAILED;
	} else if (completed != n - 1) {
		errorf("deadlock: %d of %d threads finished after the victim backed off", completed, n);
		rc = EXIT_FAILED;
	}
	if (stuck || done != (uint64_t)n * rounds) {
		errorf("deadlock: the lock-ordered run did not complete (%llu of %llu rounds)",
		       (unsigned long long)done, (unsigned long long)n * rounds);
		rc = EXIT_FAILED;
	}
	if (finish_stdout() < 0)
		return EXIT_FAILED;
	return rc;
}

const struct demo demo_deadlock = {
	.name = "deadlock",
	.summary = "two locks in opposite order: the cycle found, then the fix",
	.run = deadlock_demo,
};
