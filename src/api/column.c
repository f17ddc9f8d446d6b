/*
 * The plugin columns, found by walking the registries: no table is built and
 * none is stored, so a column exists exactly when a registered plugin
 * declares it. After them, the harness's own table: the speedup stack's
 * parts (docs/explain.md).
 */
#include "column.h"
#include "backend.h"
#include "workload.h"

#include <string.h>

const struct column column_stack[] = {
	{ .name = "useful_s", .unit = "s", .agg = COLUMN_MEDIAN, .negative = 1,
	  .help = "T_1's work: the on- and off-CPU time one worker needed for the job (calibrated)" },
	{ .name = "serial_s", .unit = "s", .agg = COLUMN_MEDIAN, .negative = 1,
	  .help = "N - 1 workers idle while the serial part runs" },
	{ .name = "spawn_s", .unit = "s", .agg = COLUMN_MEDIAN, .negative = 1,
	  .help = "before each worker's first instruction, and waiting for a later-started one" },
	{ .name = "join_s", .unit = "s", .agg = COLUMN_MEDIAN, .negative = 1, .help = "after the last worker's last instruction" },
	{ .name = "imbalance_s", .unit = "s", .agg = COLUMN_MEDIAN, .negative = 1,
	  .help = "workers done, waiting for one that needed longer (on a CPU or blocked)" },
	{ .name = "starved_s", .unit = "s", .agg = COLUMN_MEDIAN, .negative = 1,
	  .help = "runnable but not running: the run-queue wait (oversubscription, other load)" },
	{ .name = "blocked_s", .unit = "s", .agg = COLUMN_MEDIAN, .negative = 1,
	  .help = "off-CPU and not runnable (locks, I/O, sleep) beyond the work's own waits" },
	{ .name = "gil_s", .unit = "s", .agg = COLUMN_MEDIAN, .negative = 1,
	  .help = "waiting for the GIL (gil) or for the one OS thread (green)" },
	{ .name = "extra_cpu_s", .unit = "s", .agg = COLUMN_MEDIAN, .negative = 1,
	  .help = "on-CPU time beyond the work's own: contention, coherency, bandwidth" },
	{ .name = "idle_s", .unit = "s", .agg = COLUMN_MEDIAN, .negative = 1,
	  .help = "a program's capacity neither on a CPU nor waiting for one (--cmd)" },
	{ .name = NULL },
};

/* The k-th column table: the registries' (backends first), then the harness's; NULL past the end. */
static const struct column *table_at(size_t k)
{
	size_t i = 0;

	for (const struct backend *const *b = backend_registry; *b; b++)
		if (i++ == k)
			return (*b)->columns;
	for (const struct workload *const *w = workload_registry; *w; w++)
		if (i++ == k)
			return (*w)->columns;
	return i == k ? column_stack : NULL;
}

static size_t table_count(void)
{
	size_t n = 1;	/* the harness's */

	for (const struct backend *const *b = backend_registry; *b; b++)
		n++;
	for (const struct workload *const *w = workload_registry; *w; w++)
		n++;
	return n;
}

/*
 * Walk every declared column in id order; stop at the one with id `want` or
 * named `name` (either may be unused: SIZE_MAX, NULL). Returns the column and
 * its id, or NULL with *count the number of distinct columns.
 */
static const struct column *walk(size_t want, const char *name, size_t *id)
{
	const struct column *seen[COLUMNS_MAX * 4];
	size_t nseen = 0, ntables = table_count();

	for (size_t k = 0; k < ntables; k++) {
		const struct column *c = table_at(k);

		for (; c && c->name; c++) {
			size_t j = 0;

			while (j < nseen && strcmp(seen[j]->name, c->name) != 0)
				j++;
			if (j == nseen && nseen < sizeof(seen) / sizeof(seen[0]))
				seen[nseen++] = c;
			if (j >= nseen)
				continue;
			if (j == want || (name && strcmp(seen[j]->name, name) == 0)) {
				*id = j;
				return seen[j];
			}
		}
	}
	*id = nseen;
	return NULL;
}

size_t column_count(void)
{
	size_t n;

	walk((size_t)-1, NULL, &n);
	return n < COLUMNS_MAX ? n : COLUMNS_MAX;
}

const struct column *column_at(size_t id)
{
	size_t got;

	return id < COLUMNS_MAX ? walk(id, NULL, &got) : NULL;
}

int column_id(const char *name)
{
	size_t id;

	if (!walk((size_t)-1, name, &id) || id >= COLUMNS_MAX)
		return -1;
	return (int)id;
}
