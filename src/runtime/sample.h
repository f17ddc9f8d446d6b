/*
 * The run-queue wait of a program's threads, seen from outside: a thread of
 * the measuring child reads /proc/<pid>/task/<tid>/schedstat of every thread
 * of the program's process tree at a modest rate (SAMPLE_INTERVAL_S) while it
 * runs, keeping each thread's last figure. What it misses: a thread's wait
 * after its last sample when it ends before the program does (at most one
 * interval of each such thread), and the whole of a thread that lives less
 * than an interval. The program's main thread is read once more after it has
 * ended and before it is reaped (waitid with WNOWAIT), so a single-threaded
 * program misses nothing.
 */
#ifndef AMDAHL_SAMPLE_H
#define AMDAHL_SAMPLE_H

#include <stdint.h>
#include <sys/types.h>

#define SAMPLE_INTERVAL_S 0.01

struct sampler;

/* Start sampling the tree under pid; NULL when a thread cannot be started. */
struct sampler *sampler_start(pid_t pid);
/* The program has ended (not reaped yet): a last look, then stop; the total
 * run-queue wait of every thread seen, in ns, and how many threads. */
uint64_t sampler_stop(struct sampler *s, int *threads);

#endif
