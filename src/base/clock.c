/*
 * Monotonic wall clock and CPU-time readings used by every measurement.
 */
#include "clock.h"

#include <errno.h>
#include <sys/resource.h>
#include <time.h>

static double ts_seconds(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec * 1e-9;
}

static double tv_seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec * 1e-6;
}

double clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_seconds(&ts);
}

double clock_cpu(int children)
{
	struct rusage ru;
	double s;

	getrusage(RUSAGE_SELF, &ru);
	s = tv_seconds(&ru.ru_utime) + tv_seconds(&ru.ru_stime);
	if (children) {
		getrusage(RUSAGE_CHILDREN, &ru);
		s += tv_seconds(&ru.ru_utime) + tv_seconds(&ru.ru_stime);
	}
	return s;
}

double clock_resolution(void)
{
	struct timespec ts;

	clock_getres(CLOCK_MONOTONIC, &ts);
	return ts_seconds(&ts);
}

void clock_sleep(double seconds)
{
	struct timespec ts, rem;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
}
