/*
 * The B5 CSV (`amdahl b5 --out`): one module owns its format, the writer
 * that `amdahl b5` uses and the reader `amdahl plot` uses. Written through
 * libcsv as the run CSV is; read through the run CSV's streaming reader,
 * with its limits (no binary data, bounded fields).
 */
#ifndef AMDAHL_B5_CSV_H
#define AMDAHL_B5_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "csv.h"
#include "../b5/b5.h"

/*
 * One row per run:
 *   backend,messengers,pickers,bikes,orders,delivered,lost,duplicated,
 *   wall_s,cpu_s,throughput,bound,wait,rep,pick_ms,deliver_ms,poll_ms,
 *   bottleneck,wall_min_s,attained,misrouted
 * throughput = orders/wall_s; bound = the steady-state rate of b5_bound;
 * attained = wall_min_s/wall_s (1 is the law's best). A run that did not end
 * has no row. Both writers return -1 on a write error.
 */
extern const char b5_csv_header[];
int b5_csv_write_header(FILE *fp);
int b5_csv_write_row(FILE *fp, const char *backend, int rep, const struct b5_config *cfg,
		     const struct b5_result *r);

/* One run of a B5 CSV: the cells b5.gp draws, checked. */
struct b5_csv_run {
	char backend[CSV_NAME_MAX], wait[8];
	int rep, messengers, pickers, bikes, orders;
	double pick_ms, deliver_ms, throughput, bound, wall_min_s;
};

/* The parameters of the pipeline's law: the runs of one B5 figure share them. */
struct b5_csv_law {
	int pickers, bikes, orders;
	double pick_ms, deliver_ms;
};

/* A B5 CSV (from `amdahl b5 --out`): its runs and the laws among them. */
struct b5_csv_file {
	const char *path;
	struct b5_csv_run *runs;
	size_t nruns;
	struct b5_csv_law *laws;	/* distinct, sorted: one figure each */
	size_t nlaws;
};

/* The columns b5.gp reads, in the order of the tidy copy it is given. */
#define B5_CSV_NCOLUMNS 12
extern const char *const b5_csv_columns[B5_CSV_NCOLUMNS];

/* 1 when a CSV has the columns of a B5 CSV rather than a run CSV's, 0 when not; -1 with err. */
int b5_csv_is(const char *path, char *err, size_t errlen);
/*
 * Read a B5 CSV: every column b5.gp needs must be there and every cell must
 * parse and be in range. 0, or -1 with one line in err naming the file, row
 * and column (free it with b5_csv_free either way).
 */
int b5_csv_read(const char *path, struct b5_csv_file *out, char *err, size_t errlen);
void b5_csv_free(struct b5_csv_file *b);
/* Whether a run belongs to a law (one figure). */
int b5_csv_same_law(const struct b5_csv_law *l, const struct b5_csv_run *r);

#endif
