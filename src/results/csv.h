/*
 * The run CSV: one row per repetition, written as it is measured, and read
 * back by fit, compare and plot. Its header:
 *
 *   backend,workload,p,n,rep,wall_s,speedup,amdahl,efficiency,cores,
 *   cpu_s,ceiling,karp_flatt,work_s,units,phases,scaling,lost,gbps,
 *   launch_s,rss_kb,cpus,label[,new plugin columns...]
 *
 * The rule that orders it: the 23 columns of the header as first published
 * keep their places forever (csv.c's csv_published[]; the harness's own
 * columns and four plugin columns, lost, gbps, launch_s and rss_kb, among
 * them). Every other plugin column (column.h) is appended after `label`, in
 * column id order: backends' before workloads', each in registry order. So a
 * plugin that declares a new column adds it at the end, and no script that
 * reads the columns by position breaks. An empty cell means "not applicable".
 *
 * Reading and writing both go through libcsv, so a label may hold commas,
 * quotes and newlines. The reader streams: it holds one row's text at a time
 * and refuses, before memory grows, binary data (a NUL byte), a field over
 * 64 KiB, a row of more than 4096 fields and more than CSV_ROWS_MAX rows; it
 * skips a UTF-8 byte order mark.
 */
#ifndef AMDAHL_CSV_H
#define AMDAHL_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "rows.h"

/* Longest backend/workload name and label the reader accepts. */
#define CSV_NAME_MAX 64
#define CSV_LABEL_MAX 256
/* Most rows one file may hold (about 1.5 GB in memory); more is refused. */
#define CSV_ROWS_MAX 10000000

/* The header line, without newline, into buf; -1 when it does not fit. */
int csv_header_text(char *buf, size_t len);
/* Write the header / one row; -1 on a write error. */
int csv_write_header(FILE *fp);
int csv_write_row(FILE *fp, const struct run_row *r);

/*
 * Read a run CSV, appending its rows to `into` as input number into->nfiles
 * (counted up). Every contract column must be there and every number must
 * parse and be in range. Returns 0, or -1 with a one-line reason naming the
 * file, line and column (rows already appended stay).
 */
int csv_read_rows(const char *path, struct run_rows *into, char *err, size_t errlen);
/* Every one of paths[0..n) into rows (initialised here), in order; -1 with
 * the first bad file's reason and rows freed: nothing is printed from half. */
int csv_read_files(char *const *paths, int n, struct run_rows *rows, char *err, size_t errlen);

/*
 * The streaming reader underneath, for other CSV formats (the B5 CSV): fn is
 * called for the header and then for each row, with its fields as strings;
 * every row has the header's number of fields. fn returns 0 to go on, 1 to
 * stop early (csv_stream returns 0), -1 with a reason in err to fail.
 */
typedef int (*csv_row_fn)(void *ctx, char *const *fields, size_t nfields, size_t line, char *err,
			  size_t errlen);
int csv_stream(const char *path, csv_row_fn fn, void *ctx, char *err, size_t errlen);
/* A whole small CSV in memory (bench/floor.c, tests): header names and string cells. */
struct csv_table {
	size_t ncols, nrows;
	char **header;
	char ***cells;		/* cells[row][col] */
};
/* Read it through csv_stream (at most CSV_ROWS_MAX rows); 0, or -1 with a reason in err. */
int csv_table_read(const char *path, struct csv_table *t, char *err, size_t errlen);
/* Column index by header name, or -1. */
int csv_table_col(const struct csv_table *t, const char *name);
void csv_table_free(struct csv_table *t);

/* 1 when the file's header has every one of names[0..n), 0 when not, -1 with err. */
int csv_header_has(const char *path, const char *const *names, size_t n, char *err, size_t errlen);
/* Write s as one CSV field, quoted (libcsv) only when it needs it; no separator. */
void csv_put_field(FILE *fp, const char *s);

#endif
