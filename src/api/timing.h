/*
 * What one repetition measured. The sweep fills wall_s and cpu_s around the
 * backend's run unless the backend timed itself (mpi times inside the ranks);
 * a plugin fills the columns it declares (column.h) with timing_set. The
 * struct is fixed-size and holds no pointer: it crosses the sweep's pipe and
 * the ranks' result line as it is.
 */
#ifndef AMDAHL_TIMING_H
#define AMDAHL_TIMING_H

#include "column.h"

#define TIMING_CPUS_MAX 2048
#define TIMING_NUMA_MAX 512

struct timing {
	double wall_s;		/* wall seconds of the whole job; 0 = let the sweep time it */
	double cpu_s;		/* CPU seconds of all workers; < 0 = let the sweep measure it */
	double col[COLUMNS_MAX];	/* plugin columns by column id; NaN = not measured */
	char cpus[TIMING_CPUS_MAX];	/* CPUs the workers ran on, ';'-separated; "" */
	char numa_gbps[TIMING_NUMA_MAX];	/* "node:GB/s;..." with > 1 NUMA node (memory): the
					 * summary prints it; not a CSV column; "" */
};

/* Set every field to "not measured". */
void timing_init(struct timing *t);
/* Set a plugin column by name; a name no plugin declares is ignored (-1). */
int timing_set(struct timing *t, const char *column, double v);
/* A plugin column by name; NaN when not measured or not declared. */
double timing_get(const struct timing *t, const char *column);

#endif
