/*
 * amdahl demo: the talk's "difficulties with multithreading", run for real.
 *   race      the bank account: threads do get-update-store on one balance;
 *             without a lock deposits are lost, with any lock none is.
 *   deadlock  threads take two (or more) locks in opposite order; amdahl sees
 *             it through timed acquires and a wait-for graph, prints the
 *             cycle, recovers, and then shows the fix: one global lock order.
 *   print     two threads write a sentence word by word, without and with a
 *             lock: the garbled line and the clean one.
 * Each demo is built on the primitives of src/runtime.
 */
#include "cmd.h"
#include "../base/options.h"
#include "../base/util.h"
#include "../runtime/condition.h"
#include "../runtime/event.h"
#include "../runtime/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct demo_opts {
	int threads;		/* 0: the demo's default */
	uint64_t iterations;	/* 0: the demo's default */
	int csv;
	double timeout;		/* deadlock: how long a timed acquire waits */
};

static double demo_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The usual release for demo_spawn: fire the start event the threads wait on. */
static void demo_set_event(void *arg)
{
	sync_event_set(arg);
}

/* Start n threads on fn(args + i * size); on failure join those started
 * (after release(), which must let them finish) and return -1. */
static int demo_spawn(pthread_t *t, int n, void *(*fn)(void *), void *args, size_t size,
		      void (*release)(void *), void *release_arg)
{
	for (int i = 0; i < n; i++) {
		int rc = pthread_create(&t[i], NULL, fn, (char *)args + (size_t)i * size);
		if (rc != 0) {
			errorf("cannot start thread %d of %d: %s", i + 1, n, strerror(rc));
			release(release_arg);
			for (int j = 0; j < i; j++)
				pthread_join(t[j], NULL);
			return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- race -- */

enum race_kind { RACE_NONE, RACE_SYNC, RACE_MUTEX, RACE_SPIN, RACE_ATOMIC };

static const struct {
	const char *name, *what;
} race_kinds[] = {
	[RACE_NONE] = { "none", "no lock: get, update, store" },
	[RACE_SYNC] = { "sync", "the talk's Lock (src/runtime)" },
	[RACE_MUTEX] = { "mutex", "a pthread mutex" },
	[RACE_SPIN] = { "spin", "a pthread spinlock" },
	[RACE_ATOMIC] = { "atomic", "one atomic fetch_add, no lock" },
};

struct race_account {
	/* Relaxed atomic loads and stores: each access is defined, but a load
	 * and the store after it are two steps that others can come between,
	 * which is the whole point. */
	atomic_long balance;
	enum race_kind kind;
	uint64_t deposits;
	struct sync_event start;
	struct sync_lock lock;
	pthread_mutex_t mutex;
	pthread_spinlock_t spin;
};

/* The "update" of get-update-store: work on the value read, long enough
 * that another teller often reads the same old balance meanwhile. */
static long race_update(long v)
{
	volatile long interest = 0;

	for (int i = 0; i < 40; i++)
		interest += i;
	return v + 1 + (interest - 780);	/* 780 = sum of 0..39: adds exactly 1 */
}

static void race_deposit(struct race_account *a)
{
	long v = atomic_load_explicit(&a->balance, memory_order_relaxed);

	atomic_store_explicit(&a->balance, race_update(v), memory_order_relaxed);
}

static void *race_teller(void *arg)
{
	struct race_account *a = *(struct race_account **)arg;

	sync_event_wait(&a->start, -1);
	for (uint64_t i = 0; i < a->deposits; i++) {
		switch (a->kind) {
		case RACE_NONE:
			race_deposit(a);
			break;
		case RACE_SYNC:
			sync_lock_acquire(&a->lock);
			race_deposit(a);
			sync_lock_release(&a->lock);
			break;
		case RACE_MUTEX:
			pthread_mutex_lock(&a->mutex);
			race_deposit(a);
			pthread_mutex_unlock(&a->mutex);
			break;
		case RACE_SPIN:
			pthread_spin_lock(&a->spin);
			race_deposit(a);
			pthread_spin_unlock(&a->spin);
			break;
		case RACE_ATOMIC:
			atomic_fetch_add_explicit(&a->balance, race_update(0), memory_order_relaxed);
			break;
		}
	}
	return NULL;
}

/* Run one variant: balance after threads x deposits, and the wall time. */
static int race_run(enum race_kind kind, int threads, uint64_t deposits, long *balance, double *secs)
{
	struct race_account a = { .kind = kind, .deposits = deposits };
	struct race_account *args[threads];
	pthread_t t[threads];
	int rc = -1, err;

	atomic_init(&a.balance, 0);
	if (sync_event_init(&a.start, 0) < 0 || sync_lock_init(&a.lock, 0) < 0) {
		/* Nothing to undo: init leaves nothing behind when it fails, and
		 * the process ends soon after this error anyway. */
		errorf("race: cannot set up the %s variant: %s", race_kinds[kind].name, strerror(errno));
		return -1;
	}
	if ((err = pthread_mutex_init(&a.mutex, NULL)) != 0 ||
	    (err = pthread_spin_init(&a.spin, PTHREAD_PROCESS_PRIVATE)) != 0) {
		errorf("race: cannot set up the %s variant: %s", race_kinds[kind].name, strerror(err));
		return -1;
	}
	for (int i = 0; i < threads; i++)
		args[i] = &a;
	if (demo_spawn(t, threads, race_teller, args, sizeof(args[0]), demo_set_event, &a.start) == 0) {
		/* All tellers start on one signal, so they really overlap. */
		double t0 = demo_now();
		sync_event_set(&a.start);
		for (int i = 0; i < threads; i++)
			pthread_join(t[i], NULL);
		*secs = demo_now() - t0;
		*balance = atomic_load(&a.balance);
		rc = 0;
	}
	pthread_spin_destroy(&a.spin);
	pthread_mutex_destroy(&a.mutex);
	sync_lock_destroy(&a.lock);
	sync_event_destroy(&a.start);
	return rc;
}

static int demo_race(const struct demo_opts *o)
{
	int threads = o->threads ? o->threads : 4;
	uint64_t deposits = o->iterations ? o->iterations : 200000;
	long expected = (long)threads * (long)deposits;
	int failed = 0;

	if (o->csv)
		puts("lock,threads,expected,actual,lost");
	else
		printf("%-7s %7s %12s %12s %12s %9s  %s\n", "lock", "threads", "expected", "actual",
		       "lost", "seconds", "how each deposit is made");
	for (size_t k = 0; k < ARRAY_SIZE(race_kinds); k++) {
		long balance;
		double secs;

		if (race_run((enum race_kind)k, threads, deposits, &balance, &secs) < 0)
			return EXIT_FAILED;
		if (o->csv)
			printf("%s,%d,%ld,%ld,%ld\n", race_kinds[k].name, threads, expected, balance,
			       expected - balance);
		else
			printf("%-7s %7d %12ld %12ld %12ld %9.3f  %s\n", race_kinds[k].name, threads,
			       expected, balance, expected - balance, secs, race_kinds[k].what);
		fflush(stdout);
		if (k != RACE_NONE && balance != expected) {
			errorf("race: the %s variant lost %ld deposits", race_kinds[k].name, expected - balance);
			failed = 1;
		}
	}
	if (finish_stdout() < 0)
		return EXIT_FAILED;
	return failed ? EXIT_FAILED : EXIT_OK;
}

/* ------------------------------------------------------------ deadlock -- */

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

static int demo_deadlock(const struct demo_opts *o)
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

/* --------------------------------------------------------------- print -- */

#define PRINT_SENTENCE "Why it is tricky to use threads"

static const char *const print_halves[2][5] = {
	{ "Why", "it", "is", "tricky", NULL },
	{ "to", "use", "threads", NULL, NULL },
};

struct print_ctx {
	int fd;			/* the pipe both threads write to */
	int locked;
	struct sync_lock lock;
	struct sync_event first_started;
};

struct print_thread {
	struct print_ctx *c;
	int half;
};

/* Write our half word by word, one write(2) each, pausing between words so
 * the other thread gets in whenever nothing stops it. */
static void *print_speaker(void *arg)
{
	struct print_thread *p = arg;
	struct print_ctx *c = p->c;
	const struct timespec pause = { 0, 200000 };	/* 0.2 ms */

	/* Thread 1 starts first, thread 2 once thread 1 is under way (holding
	 * the lock, when there is one): the order is fixed, only the lock
	 * decides whether the halves interleave. */
	if (p->half == 1)
		sync_event_wait(&c->first_started, -1);
	if (c->locked)
		sync_lock_acquire(&c->lock);
	if (p->half == 0)
		sync_event_set(&c->first_started);
	for (int i = 0; print_halves[p->half][i]; i++) {
		char word[32];
		int len = snprintf(word, sizeof(word), " %s", print_halves[p->half][i]);
		if (write(c->fd, word, (size_t)len) != len)
			break;
		sched_yield();
		nanosleep(&pause, NULL);
	}
	if (c->locked)
		sync_lock_release(&c->lock);
	return NULL;
}

static void print_release(void *arg)
{
	struct print_ctx *c = arg;

	sync_event_set(&c->first_started);
}

/* One line from the two threads, read back from the pipe into line. */
static int print_once(int locked, char *line, size_t size)
{
	struct print_ctx c = { .locked = locked };
	struct print_thread p[2] = { { &c, 0 }, { &c, 1 } };
	pthread_t t[2];
	int fds[2], rc = -1;

	if (pipe(fds) < 0) {
		errorf("print: cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	c.fd = fds[1];
	if (sync_lock_init(&c.lock, 0) < 0 || sync_event_init(&c.first_started, 0) < 0) {
		errorf("print: cannot set up: %s", strerror(errno));
		goto out;
	}
	if (demo_spawn(t, 2, print_speaker, p, sizeof(p[0]), print_release, &c) == 0) {
		pthread_join(t[0], NULL);
		pthread_join(t[1], NULL);
		rc = 0;
	}
	sync_event_destroy(&c.first_started);
	sync_lock_destroy(&c.lock);
out:
	close(fds[1]);
	if (rc == 0) {
		size_t used = 0;
		ssize_t got;
		while (used + 1 < size && (got = read(fds[0], line + used, size - 1 - used)) > 0)
			used += (size_t)got;
		line[used] = '\0';
		/* Every word came with a space in front of it. */
		if (line[0] == ' ')
			memmove(line, line + 1, used);
	}
	close(fds[0]);
	return rc;
}

static int demo_print(const struct demo_opts *o)
{
	uint64_t reps = o->iterations ? o->iterations : 1;
	int failed = 0;

	if (o->threads && o->threads != 2) {
		usagef("demo", "bad --threads '%d' for print: the sentence has two halves, two threads",
		       o->threads);
		return EXIT_USAGE;
	}
	if (o->csv)
		puts("lock,rep,intact,line");
	else
		printf("%-5s %s\n", "lock", "line (thread 1: \"Why it is tricky\", thread 2: \"to use threads\")");
	for (int locked = 0; locked < 2; locked++)
		for (uint64_t r = 0; r < reps; r++) {
			char line[256];
			if (print_once(locked, line, sizeof(line)) < 0)
				return EXIT_FAILED;
			int intact = strcmp(line, PRINT_SENTENCE) == 0;
			if (o->csv)
				printf("%s,%llu,%d,%s\n", locked ? "sync" : "none", (unsigned long long)r + 1,
				       intact, line);
			else
				printf("%-5s %s\n", locked ? "sync" : "none", line);
			if (locked && !intact) {
				errorf("print: the locked line came out garbled");
				failed = 1;
			}
		}
	if (finish_stdout() < 0)
		return EXIT_FAILED;
	return failed ? EXIT_FAILED : EXIT_OK;
}

/* ---------------------------------------------------------------- main -- */

static const struct demo {
	const char *name;
	int (*fn)(const struct demo_opts *o);
	const char *summary;
} demos[] = {
	{ "race", demo_race, "lost deposits on a shared balance without a lock, none with one" },
	{ "deadlock", demo_deadlock, "two locks in opposite order: the cycle found, then the fix" },
	{ "print", demo_print, "two threads printing words, without and with a lock" },
};

static const char *const demo_formats[] = { "table", "csv", NULL };

static const struct option_spec demo_specs[] = {
	{ .name = "threads", .short_name = 't', .kind = OPTION_INT, .metavar = "T", .min = 1, .max = 1024,
	  OPTION_AT(struct demo_opts, threads), .help = "race: tellers (default 4); deadlock: threads in the\n"
	  "ring of locks (default 2, at most 26); print: 2" },
	{ .name = "iterations", .short_name = 'i', .kind = OPTION_INT, .metavar = "K", .min = 1, .max = 1000000000,
	  OPTION_AT(struct demo_opts, iterations), .help = "race: deposits per thread (default 200000); deadlock:\n"
	  "rounds of the lock-ordered fix (default 10000);\nprint: lines each way (default 1)" },
	{ .name = "format", .kind = OPTION_CHOICE, .metavar = "F", .choices = demo_formats, .def = "table",
	  OPTION_AT(struct demo_opts, csv), .help = "table or csv; race csv columns:\nlock,threads,expected,actual,lost" },
	{ .name = "timeout", .kind = OPTION_DECIMAL, .metavar = "S", .flags = OPTION_SECONDS | OPTION_MIN_OPEN,
	  .min = 0, .max = 3600, .def = "2", OPTION_AT(struct demo_opts, timeout),
	  .expect = "seconds, more than 0, at most 3600",
	  .help = "deadlock: how long a timed acquire waits before the\nwait-for graph is checked" },
	{ .name = NULL },
};

static void demo_usage_more(FILE *fp);

static const struct options_usage demo_usage = {
	.cmd = "demo",
	.synopsis = "race|deadlock|print [--threads T] [--iterations K]\n"
		    "                 [--format table|csv] [--timeout SECONDS]",
	.about = "The talk's difficulties with multithreading, run for real (below).",
	.specs = demo_specs,
	.more = demo_usage_more,
	.args_max = 1,
};

static void demo_usage_more(FILE *fp)
{
	fputs("\ndemos:\n", fp);
	for (size_t i = 0; i < ARRAY_SIZE(demos); i++)
		fprintf(fp, "  %-9s %s\n", demos[i].name, demos[i].summary);
}

int cmd_demo(int argc, char **argv)
{
	struct demo_opts o;
	int argi, rc;

	memset(&o, 0, sizeof(o));
	if ((rc = options_command(&demo_usage, &o, NULL, 0, argc, argv, &argi)) != OPTIONS_GO_ON)
		return rc;
	if (argi >= argc) {
		usagef("demo", "which demo? expected race, deadlock or print");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < ARRAY_SIZE(demos); i++)
		if (strcmp(argv[argi], demos[i].name) == 0)
			return demos[i].fn(&o);
	usagef("demo", "unknown demo '%s': expected race, deadlock or print", argv[argi]);
	return EXIT_USAGE;
}
