/*
 * amdahl demo race: the talk's bank account. Tellers do get-update-store on
 * one balance; without a lock deposits are lost, with any lock (the talk's
 * Lock from src/runtime, a pthread mutex, a spinlock) or one atomic add none
 * is.
 */
#include "demo.h"
#include "../base/util.h"
#include "../runtime/event.h"
#include "../runtime/lock.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

static int race_demo(const struct demo_opts *o)
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

const struct demo demo_race = {
	.name = "race",
	.summary = "lost deposits on a shared balance without a lock, none with one",
	.run = race_demo,
};
