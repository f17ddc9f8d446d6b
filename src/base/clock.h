/*
 * Clocks: a monotonic wall clock and the process's CPU time, in seconds.
 */
#ifndef AMDAHL_CLOCK_H
#define AMDAHL_CLOCK_H

/* CLOCK_MONOTONIC in seconds. */
double clock_now(void);
/* User + system CPU seconds of this process (all threads) and, if children
 * is set, of its waited-for children too. */
double clock_cpu(int children);
/* Resolution of CLOCK_MONOTONIC as reported by clock_getres, in seconds. */
double clock_resolution(void);
/* Sleep for the given seconds, resuming after signals. */
void clock_sleep(double seconds);

#endif
