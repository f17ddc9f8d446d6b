/*
 * The run CSV: one row per repetition, written as it is measured, and read
 * back by fit, compare and plot. Columns, in this order (DESIGN.md contract
 * first, then the optional ones; an empty cell means "not applicable"):
 *
 *   backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,
 *   cpu_s,ceiling,karp_flatt,work_s,units,phases,scaling,lost,gbps,
 *   launch_s,rss_kb,cpus,label
 *
 * Reading and writing both go through libcsv, so a label may hold commas,
 * quotes and newlines.
 */
#ifndef AMDAHL_CSV_H
#define AMDAHL_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../api/timing.h"

#define CSV_NAME_MAX 64
#define CSV_LABEL_MAX 256

/* One repetition, as a row. NaN marks an empty numeric cell. */
struct result {
	char backend[CSV_NAME_MAX], workload[CSV_NAME_MAX];
	char label[CSV_LABEL_MAX];	/* --cmd name; "" otherwise */
	double p;			/* NaN for --cmd rows */
	int n, rep;
	double speedup, amdahl, efficiency, cores, ceiling, karp_flatt;
	double work_s;
	uint64_t units;
	int phases;
	int weak;			/* scaling column: "strong" or "weak" */
	struct timing t;		/* wall_s, cpu_s and the optional columns */
};

/* The header line (without newline) every run CSV starts with. */
extern const char csv_header[];

/* Write the header / one row; -1 on a write error. */
int csv_write_header(FILE *fp);
int csv_write_result(FILE *fp, const struct result *r);

/* A parsed CSV file: header names and string cells. */
struct csv_table {
	size_t ncols, nrows;
	char **header;
	char ***cells;		/* cells[row][col], rows padded to ncols with "" */
};

/*
 * Read a whole CSV file with libcsv. Returns 0, or -1 with a one-line reason
 * in err (missing file, binary data, ragged rows, a field over 64 KiB).
 */
int csv_table_read(const char *path, struct csv_table *t, char *err, size_t errlen);
/* Column index by header name, or -1. */
int csv_table_col(const struct csv_table *t, const char *name);
void csv_table_free(struct csv_table *t);

/*
 * Read run rows: every contract column must be there and every number must
 * parse and be in range. Returns 0 with a malloc'ed array, or -1 with a
 * one-line reason naming the file, line and column.
 */
int csv_read_results(const char *path, struct result **rows, size_t *nrows, char *err, size_t errlen);

#endif
