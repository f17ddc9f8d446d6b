/*
 * What one repetition measured. The sweep fills wall_s and cpu_s around the
 * backend's run unless the backend timed itself (mpi times inside the ranks);
 * workloads and backends fill the optional columns they own.
 */
#ifndef AMDAHL_TIMING_H
#define AMDAHL_TIMING_H

#include <stdint.h>

#define TIMING_CPUS_MAX 2048
#define TIMING_NUMA_MAX 512
#define TIMING_STACK_PARTS 10

struct timing {
	double wall_s;		/* wall seconds of the whole job; 0 = let the sweep time it */
	double cpu_s;		/* CPU seconds of all workers; < 0 = let the sweep measure it */
	double launch_s;	/* launch cost outside wall_s (mpi); NaN when none */
	double bytes;		/* bytes moved by the workload (memory): gbps column; NaN */
	double rss_kb;		/* peak resident set of a measured program (--cmd); NaN */
	int64_t lost;		/* updates lost (lock --lock none); -1 when not counted */
	double stack[TIMING_STACK_PARTS];	/* the speedup stack's parts, seconds (src/models/explain.h); NaN */
	char cpus[TIMING_CPUS_MAX];	/* CPUs the workers ran on, ';'-separated; "" */
	char numa_gbps[TIMING_NUMA_MAX];	/* "node:GB/s;..." with > 1 NUMA node (memory): the
					 * summary prints it; not a CSV column; "" */
};

/* Set every field to "not measured". */
void timing_init(struct timing *t);

#endif
