/*
 * Run rows in memory: one struct run_row per repetition, and a table of them
 * that costs what the rows hold. The strings a million rows repeat (backend,
 * workload, label) are interned once; the cpus cell and the plugin columns'
 * values live in one arena of large blocks, so a row is about 150 bytes plus
 * its own cpus text, whatever the longest label or cpus list in the file.
 */
#ifndef AMDAHL_ROWS_H
#define AMDAHL_ROWS_H

#include <stddef.h>
#include <stdint.h>

/* One repetition. NaN marks an empty numeric cell. */
struct run_row {
	const char *backend, *workload;
	const char *label;		/* the --cmd name; "" otherwise */
	const char *cpus;		/* where the serial part and each worker ran, ';'-separated; "" */
	const double *col;		/* plugin columns by column id (column.h), column_count()
					 * values; NULL when the row has none */
	double p;			/* NaN for --cmd rows */
	double wall_s, cpu_s;
	double speedup, amdahl, efficiency, cores, ceiling, karp_flatt, work_s;
	uint64_t units;
	int n, rep, phases;
	int weak;			/* the scaling column: 1 "weak", 0 "strong" */
	unsigned file;			/* which input of the table it came from (reading order) */
};

struct rows_store;

/* A growing table of rows from one or more files. */
struct run_rows {
	struct run_row *v;
	size_t len, cap;
	size_t nfiles;			/* inputs read into it so far */
	struct rows_store *store;	/* interned strings and the arena */
};

void run_rows_init(struct run_rows *t);
void run_rows_free(struct run_rows *t);
/*
 * Append a copy of r, tagged with r->file: its strings are interned or copied
 * into the table's arena, its column values copied. Returns the stored row.
 */
const struct run_row *run_rows_add(struct run_rows *t, const struct run_row *r);
/* The table's one copy of s[0..len) (s need not end there). */
const char *run_rows_intern(struct run_rows *t, const char *s, size_t len);

/* A plugin column of a row by name (column.h); NaN when the row has none. */
double run_row_col(const struct run_row *r, const char *name);
/* The same by column id (column_id): for a loop over rows, resolved once. */
double run_row_col_id(const struct run_row *r, int id);

/* A row with every number NaN (or 0 for counts), every string "" and no columns. */
void run_row_init(struct run_row *r);

#endif
