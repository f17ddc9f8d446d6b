/*
 * The speedup stack as a table (docs/explain.md): one row per series and N,
 * each part of the N workers' capacity in speedup units (the aggregate's
 * cells), their total and the largest loss; in csv and json also the median
 * speedup's 95% interval and the median wall time, for programs that draw
 * the cells (bench/python-figures.py) rather than aggregate rows again. `amdahl explain` prints it in
 * any format; the report page shows it under each stack figure, where the
 * columns that name the series are left out (the heading says it).
 */
#ifndef AMDAHL_STACK_TABLE_H
#define AMDAHL_STACK_TABLE_H

#include "aggregate.h"
#include "emit.h"

enum { STACK_COL_PARTS = 10, STACK_COLS = STACK_COL_PARTS + EXPLAIN_PARTS + 3 };

struct stack_table {
	struct emit_col cols[STACK_COLS];
	struct emit_table *t;
};

/*
 * A table for the series series[0..n): in a table, markdown or HTML, a part
 * that none of them knows is left out (idle for built-in backends, gil
 * without a GIL).
 */
void stack_table_init(struct stack_table *st, const struct agg_series *series, size_t n);
/* One row per cell of s (file: its input, for csv and json). */
void stack_table_add(struct stack_table *st, const struct agg_series *s, const char *file);
void stack_table_free(struct stack_table *st);

#endif
