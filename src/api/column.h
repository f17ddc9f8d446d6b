/*
 * Columns a plugin fills. A backend or workload that measures something of
 * its own (the lock workload's lost updates, the memory workload's
 * bandwidth, the mpi backend's launch cost) declares it here, in the
 * `columns` table of its struct, and sets the value in its report with
 * timing_set. Nothing else changes to add a column: the value travels through
 * the sweep's pipe and the mpi ranks' result line by its column id, the run
 * CSV's writer and reader handle it by name, and the aggregation combines the
 * repetitions of a point as `agg` says.
 *
 * Column ids: every plugin column in one walk of backend_registry, then
 * workload_registry, each plugin's table in order; a name met before is the
 * same column (memory and message both fill gbps). Values the harness itself
 * measures per repetition beyond wall and CPU time (the explain stacks' parts)
 * join the same way: one more table in column.c's walk, and every row, pipe
 * message, CSV and aggregated cell carries them. Where a column goes in the
 * run CSV is src/results/csv.h's rule: the columns of the first published
 * header keep their places, a new one is appended after `label`.
 */
#ifndef AMDAHL_COLUMN_H
#define AMDAHL_COLUMN_H

#include <stddef.h>

/* How the repetitions of one point combine into the point's value. */
enum column_agg {
	COLUMN_MEDIAN,		/* a rate or a time: the typical repetition */
	COLUMN_SUM,		/* a count over the whole point (lost updates) */
	COLUMN_MAX,		/* a peak (resident set) */
	COLUMN_LAST,		/* a setting that does not vary */
};

struct column {
	const char *name;	/* CSV header: lowercase letters, digits and '_' */
	const char *unit;	/* "s", "GB/s", "KiB", "updates"; "" when none */
	enum column_agg agg;
	int integer;		/* a whole number >= 0 (written without a fraction) */
	const char *help;	/* one line: what it measures */
};

/* Values by column id travel in arrays of this many (struct timing). */
#define COLUMNS_MAX 16

/* How many plugin columns there are, and each by id (NULL past the end). */
size_t column_count(void);
const struct column *column_at(size_t id);
/* The id of a column by name, or -1. */
int column_id(const char *name);

#endif
