/*
 * Internal to amdahl demo: one demo per file in src/demo/, each ending in one
 * exported `const struct demo demo_<name>`; src/cmd/demo.c lists them, parses
 * the options they share (struct demo_opts) and runs the one asked for. To
 * add one: write src/demo/<name>.c, add it to the table in src/cmd/demo.c
 * and to the Makefile, and test it in tests/test_demo.c.
 */
#ifndef AMDAHL_DEMO_H
#define AMDAHL_DEMO_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* The options every demo reads; 0 means "the demo's default". */
struct demo_opts {
	int threads;
	uint64_t iterations;
	int csv;		/* --format csv */
	double timeout;		/* deadlock: how long a timed acquire waits */
	uint64_t io_us;		/* convoy: each blocking operation's wait */
	double switch_interval;	/* convoy: the GIL's, seconds */
};

struct demo {
	const char *name, *summary;
	/* The demo's exit status (0, 1 when it did not show what it shows, 2
	 * when an option does not fit it). */
	int (*run)(const struct demo_opts *o);
};

extern const struct demo demo_race, demo_deadlock, demo_print, demo_convoy;

/* CLOCK_MONOTONIC in seconds. */
double demo_now(void);
/* A release for demo_spawn: set the sync_event the threads wait on. */
void demo_set_event(void *arg);
/*
 * Start n threads on fn(args + i * size); when one cannot be started, call
 * release(release_arg), which must let the started ones finish, join them,
 * say why on stderr and return -1.
 */
int demo_spawn(pthread_t *t, int n, void *(*fn)(void *), void *args, size_t size, void (*release)(void *),
	       void *release_arg);

#endif
