/*
 * bench/gate-spin: a fixed amount of CPU work for measuring the regression
 * gate (bench/gate-power). amdahl's own workloads calibrate their work to
 * --work seconds on every run, so two runs never do quite the same work; this
 * program does exactly UNITS units every time, split as the spin workload
 * splits them (a tenth on the main thread, then nine tenths over N threads),
 * so that "1.05 x UNITS" is a slowdown of 5% and nothing else.
 *
 *   gate-spin UNITS [N]
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct part {
	uint64_t units;
	uint64_t sink;
};

/* One unit: a few dependent integer operations the compiler cannot fold away. */
static uint64_t spin(uint64_t units)
{
	uint64_t x = 88172645463325252ull;

	for (uint64_t i = 0; i < units; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

static void *worker(void *arg)
{
	struct part *p = arg;

	p->sink = spin(p->units);
	return NULL;
}

static int parse(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t units, n = 1, sink;
	pthread_t tid[256];
	struct part parts[256];

	if (argc < 2 || argc > 3 || parse(argv[1], UINT64_MAX / 2, &units) < 0 ||
	    (argc == 3 && parse(argv[2], 256, &n) < 0)) {
		fprintf(stderr, "usage: gate-spin UNITS [N], UNITS >= 1, 1 <= N <= 256\n");
		return 2;
	}
	sink = spin(units / 10);
	for (uint64_t i = 0; i < n; i++) {
		parts[i].units = (units - units / 10) / n + (i < (units - units / 10) % n);
		if (pthread_create(&tid[i], NULL, worker, &parts[i]) != 0) {
			fprintf(stderr, "gate-spin: cannot start thread %llu\n", (unsigned long long)i);
			return 1;
		}
	}
	for (uint64_t i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		sink ^= parts[i].sink;
	}
	/* The result goes nowhere, but it must look as if it might. */
	return sink == 42 ? 3 : 0;
}
