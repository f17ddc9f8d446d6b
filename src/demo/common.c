/*
 * What the demos share: a clock and a way to start a group of threads that
 * cleans up after itself when one of them cannot be started.
 */
#include "demo.h"
#include "../base/util.h"
#include "../runtime/event.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

double demo_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void demo_set_event(void *arg)
{
	sync_event_set(arg);
}

int demo_spawn(pthread_t *t, int n, void *(*fn)(void *), void *args, size_t size, void (*release)(void *),
	       void *release_arg)
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
